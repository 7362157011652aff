#include "peak_probe.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include <cpuinfo.h>
#include <immintrin.h>

namespace qrt::bench {
namespace {

using Clock = std::chrono::steady_clock;

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

}  // namespace

const char* peak_instruction_name(PeakInstruction instruction) {
  return instruction == PeakInstruction::kVpdpbusdZmm ? "vpdpbusd_zmm" : "vpmaddubsw_ymm";
}

bool peak_instruction_available(PeakInstruction instruction) {
  if (!cpuinfo_initialize()) return false;
  return instruction == PeakInstruction::kVpdpbusdZmm ? cpuinfo_has_x86_avx512vnni() && cpuinfo_has_x86_avx512bw()
                                                      : cpuinfo_has_x86_avx2();
}

double measure_peak_gops(PeakInstruction instruction, double seconds) {
  if (!peak_instruction_available(instruction)) return 0.0;
  const bool vnni = instruction == PeakInstruction::kVpdpbusdZmm;
  const int macs_per_iteration = vnni ? kVpdpbusdMacsPerIteration : kVpmaddubswMacsPerIteration;
  // Grow the batch until one takes long enough to time; keep the fastest
  // batch (the least disturbed by other processes on a shared machine).
  int64_t iterations = 1 << 12;
  double best = 0.0;
  volatile int64_t sink = 0;
  const Clock::time_point end =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  do {
    const Clock::time_point start = Clock::now();
    sink = sink + (vnni ? vpdpbusd_zmm_loop(iterations) : vpmaddubsw_ymm_loop(iterations));
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (elapsed < 1e-3) {
      iterations *= 2;
      continue;
    }
    best = std::max(best, 2.0 * macs_per_iteration * static_cast<double>(iterations) / elapsed / 1e9);
  } while (Clock::now() < end);
  return best;
}

double machine_peak_gops() {
  static const double peak = std::max(measure_peak_gops(PeakInstruction::kVpdpbusdZmm, 0.3),
                                      measure_peak_gops(PeakInstruction::kVpmaddubswYmm, 0.3));
  return peak;
}

}  // namespace qrt::bench
