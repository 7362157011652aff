// qs8_gemm_minmax_6x16c4__avxvnni: int8 GEMM on AVX-VNNI (the VEX-encoded,
// 256-bit vpdpbusd of Alder Lake and Zen 4), and
// qs8_igemm_minmax_6x16c4__avxvnni, the same tiles on panels gathered
// through a convolution's indirection buffer (conv_s8.h). Compiled with
// -mavx2 -mavxvnni; called only when the CPU reports AVX-VNNI (CPUID leaf
// 7 subleaf 1) and AVX2, and preferred only where AVX-512 VNNI is absent.
//
// As the AVX-512 VNNI kernel: vpdpbusd multiplies uint8 by int8, so the
// driver packs each panel of A rows as A + 128 (a sign-bit flip) and the
// packed bias carries -(128 + input_zero_point) * (sum W - K *
// filter_zero_point) (gemm_s8.h). vpdpbusd (not vpdpbusds) wraps like int32
// arithmetic: exact. The epilogues are the AVX2 kernels' (requant_avx2.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/avx2/requant_avx2.h"
#include "kernels/x86/gemm_driver.h"
#include "kernels/x86/gemm_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx2;  // the shared epilogues (requant_avx2.h)

constexpr int kMr = kQs8Gemm6x16c4Avxvnni.mr;
constexpr int kNr = kQs8Gemm6x16c4Avxvnni.nr;
constexpr int kVectors = kNr / 8;
static_assert(kVectors == 2, "the byte ending takes two vectors per row");

using Epilogue = GemmEpilogue;

int32_t load_u32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// One tile: ROWS (<= kMr) rows of the packed panel against one packed
// column tile, `cols` (<= kNr) columns stored.
template <int ROWS, Mode MODE>
void gemm_tile(const uint8_t* panel, size_t kp, const uint8_t* tile, const int32_t* row_corrections, int8_t* c,
               size_t c_stride, int cols, const Epilogue& e) {
  __m256i acc[ROWS][kVectors];
  const __m256i* bias = reinterpret_cast<const __m256i*>(tile);
#pragma GCC unroll 6
  for (int r = 0; r < ROWS; ++r) {
    acc[r][0] = _mm256_loadu_si256(bias);
    acc[r][1] = _mm256_loadu_si256(bias + 1);
  }
  const uint8_t* w = tile + kNr * sizeof(int32_t);
  for (size_t k = 0; k < kp; k += 4) {
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32));
    w += kNr * 4;
#pragma GCC unroll 6
    for (int r = 0; r < ROWS; ++r) {
      const __m256i av = _mm256_set1_epi32(load_u32(panel + r * kp + k));
      acc[r][0] = _mm256_dpbusd_avx_epi32(acc[r][0], av, w0);
      acc[r][1] = _mm256_dpbusd_avx_epi32(acc[r][1], av, w1);
    }
  }
  add_row_corrections(acc, row_corrections);
  requantize_store_tile<ROWS, MODE, kVectors>(acc, w, e.zero_point, e.min, e.max, c, c_stride, cols);
}

using TileFn = GemmTileFn<uint8_t>;

template <Mode MODE>
constexpr TileFn kTiles[kMr] = {gemm_tile<1, MODE>, gemm_tile<2, MODE>, gemm_tile<3, MODE>,
                                gemm_tile<4, MODE>, gemm_tile<5, MODE>, gemm_tile<6, MODE>};

const TileFn* tiles_for(const GemmRunParams& p) {
  if (p.rule == RequantRule::kFp32) return kTiles<Mode::kFp32>;
  return p.rounding == FixedPointRounding::kSingle ? kTiles<Mode::kFixedPointSingle>
                                                    : kTiles<Mode::kFixedPointDouble>;
}

// Copies n int8 values to dst as uint8 (+128, the sign flip) and, when sum
// is not null, adds the flipped values to *sum (vpsadbw against zero: 4
// partial sums; only a per-tensor filter zero point needs them).
inline void copy_flipped(const int8_t* src, size_t n, uint8_t* dst, __m256i* sum) {
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i)), flip);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), v);
    if (sum != nullptr) *sum = _mm256_add_epi64(*sum, _mm256_sad_epu8(v, _mm256_setzero_si256()));
  }
  int64_t tail = 0;
  for (; i < n; ++i) {
    dst[i] = static_cast<uint8_t>(src[i] ^ 0x80);
    tail += dst[i];
  }
  if (sum != nullptr) *sum = _mm256_add_epi64(*sum, _mm256_setr_epi64x(tail, 0, 0, 0));
}

// The panel row's correction -filter_zero_point * sum_k (A + 128), modulo 2^32.
inline int32_t row_correction(__m256i sum, int32_t filter_zero_point) {
  const __m128i s2 = _mm_add_epi64(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
  const __m128i s1 = _mm_add_epi64(s2, _mm_unpackhi_epi64(s2, s2));
  const uint32_t total = static_cast<uint32_t>(_mm_cvtsi128_si64(s1));
  return static_cast<int32_t>(0u - static_cast<uint32_t>(filter_zero_point) * total);
}

// This ISA's side of the shared driver (x86/gemm_driver.h).
struct AvxvnniGemm {
  using Panel = uint8_t;
  using Sum = __m256i;
  static constexpr const GemmLayout& kLayout = kQs8Gemm6x16c4Avxvnni;
  static constexpr int kMr = ::qrt::x86::kMr;
  static constexpr int kNr = ::qrt::x86::kNr;
  static Sum zero_sum() { return _mm256_setzero_si256(); }
  static void copy(const int8_t* src, size_t n, Panel* dst, Sum* sum) { copy_flipped(src, n, dst, sum); }
  static int32_t correction(Sum sum, int32_t filter_zero_point) { return row_correction(sum, filter_zero_point); }
  static const TileFn* tiles(const GemmRunParams& p) { return tiles_for(p); }
};

}  // namespace

void qs8_gemm_minmax_6x16c4__avxvnni(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c) {
  run_gemm<AvxvnniGemm>(p, a, packed, scratch, c);
}

void qs8_igemm_minmax_6x16c4__avxvnni(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c) {
  run_igemm<AvxvnniGemm>(p, input, packed, scratch, c);
}

}  // namespace qrt::x86
