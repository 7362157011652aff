// x86-64 peak loops: AVX-512 VNNI and AVX2, each function compiled for its
// ISA by a target attribute and run only when cpuinfo reports the ISA.
#include <cstdint>

#include <cpuinfo.h>
#include <immintrin.h>

#include "peak_loops.h"

namespace qrt::bench {
namespace {

// 12 independent accumulators: vpdpbusd has a latency of about 5 cycles and
// issues up to twice a cycle, so fewer would measure latency, not throughput.
// Each step is its own asm statement so the compiler can neither merge the
// identical accumulators nor add register copies between them.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int64_t vpdpbusd_zmm_loop(int64_t iterations) {
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-5);
  __m512i c0 = _mm512_set1_epi32(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0,
          c9 = c0, c10 = c0, c11 = c0;
  for (int64_t i = 0; i < iterations; ++i) {
#define QRT_DP(c) asm volatile("vpdpbusd %2, %1, %0" : "+v"(c) : "v"(a), "v"(b))
    QRT_DP(c0); QRT_DP(c1); QRT_DP(c2); QRT_DP(c3); QRT_DP(c4); QRT_DP(c5);
    QRT_DP(c6); QRT_DP(c7); QRT_DP(c8); QRT_DP(c9); QRT_DP(c10); QRT_DP(c11);
#undef QRT_DP
  }
  const __m512i sum = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(c0, c1), _mm512_add_epi32(c2, c3)),
                                       _mm512_add_epi32(_mm512_add_epi32(c4, c5), _mm512_add_epi32(c6, c7)));
  // A store, not _mm512_reduce_add_epi32, whose GCC 12 expansion warns.
  alignas(64) int32_t lanes[16];
  _mm512_store_si512(lanes, _mm512_add_epi32(sum, _mm512_add_epi32(_mm512_add_epi32(c8, c9),
                                                                   _mm512_add_epi32(c10, c11))));
  return lanes[0] + lanes[15];
}
constexpr int kVpdpbusdMacsPerIteration = 12 * 64;

// AVX2's int8 dot product: u8 x s8 pairs to s16 (vpmaddubsw), pairs of s16 to
// s32 (vpmaddwd by 1), accumulate (vpaddd). Eight chains.
__attribute__((target("avx2"))) int64_t vpmaddubsw_ymm_loop(int64_t iterations) {
  const __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-5), one = _mm256_set1_epi16(1);
  __m256i c0 = _mm256_set1_epi32(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (int64_t i = 0; i < iterations; ++i) {
#define QRT_MADD(c)                                                             \
  do {                                                                          \
    __m256i t;                                                                  \
    asm volatile("vpmaddubsw %3, %2, %1\n\tvpmaddwd %4, %1, %1\n\tvpaddd %1, %0, %0" \
                 : "+x"(c), "=&x"(t)                                            \
                 : "x"(a), "x"(b), "x"(one));                                   \
  } while (0)
    QRT_MADD(c0); QRT_MADD(c1); QRT_MADD(c2); QRT_MADD(c3);
    QRT_MADD(c4); QRT_MADD(c5); QRT_MADD(c6); QRT_MADD(c7);
#undef QRT_MADD
  }
  const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(c0, c1), _mm256_add_epi32(c2, c3)),
                                       _mm256_add_epi32(_mm256_add_epi32(c4, c5), _mm256_add_epi32(c6, c7)));
  return _mm256_extract_epi32(sum, 0);
}
constexpr int kVpmaddubswMacsPerIteration = 8 * 32;

bool has_avx512vnni() { return cpuinfo_initialize() && cpuinfo_has_x86_avx512vnni() && cpuinfo_has_x86_avx512bw(); }
bool has_avx2() { return cpuinfo_initialize() && cpuinfo_has_x86_avx2(); }

}  // namespace

void add_x86_peak_loops(std::vector<PeakLoop>* loops) {
  loops->push_back({"vpdpbusd_zmm", kVpdpbusdMacsPerIteration, has_avx512vnni, vpdpbusd_zmm_loop});
  loops->push_back({"vpmaddubsw_ymm", kVpmaddubswMacsPerIteration, has_avx2, vpmaddubsw_ymm_loop});
}

}  // namespace qrt::bench
