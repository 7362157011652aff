// qs8_gemm_minmax_6x16c2__avx2: int8 GEMM on AVX2, and
// qs8_igemm_minmax_6x16c2__avx2, the same tiles on panels gathered through a
// convolution's indirection buffer (conv_s8.h); qs8_gemm_minmax_6x16c2_w8__avx2,
// the same tiles on weights kept as int8 for GEMMs of few rows. Compiled
// with -mavx2; called only when cpuinfo reports AVX2.
//
// A and W are widened to int16 and multiplied in pairs with vpmaddwd, which
// is exact for every int8 value (vpmaddubsw would saturate on u8 x s8
// pairs). The weights are packed as int16 (kQs8Gemm6x16c2Avx2,
// w_element_size 2) or as int8 and widened in the K loop
// (kQs8Gemm6x16c2W8Avx2); the driver packs each panel of A rows as int16;
// the input zero point is folded into the packed bias (gemm_s8.h,
// input_offset 0).
#include <cstring>

#include "kernels/x86/avx2/requant_avx2.h"
#include "kernels/x86/gemm_driver.h"
#include "kernels/x86/gemm_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx2;  // the shared epilogues (requant_avx2.h)

constexpr int kMr = kQs8Gemm6x16c2Avx2.mr;
constexpr int kNr = kQs8Gemm6x16c2Avx2.nr;
constexpr int kVectors = kNr / 8;

using Epilogue = GemmEpilogue;

int32_t load_s32(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// 8 columns' weights for one K pair as 16 int16: stored widened, or
// widened here (a vpmovsxbw on the shuffle port, beside the multiplies).
inline __m256i load_weights(const int16_t* w) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)); }
inline __m256i load_weights(const int8_t* w) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w)));
}

// One tile: ROWS (<= kMr) rows of the panel against one packed column tile,
// VECTORS (1 or 2) vectors of 8 columns of it: a last tile of at most 8
// columns (N = 24, 40, ...) does half the work.
// 6 x 16 keeps 12 accumulators, 2 weight vectors and the broadcast A pair
// in 15 of the 16 ymm registers; against 4 x 16 it widens each weight pair
// for 6 rows instead of 4 and loads the bias and epilogue values once per
// 96 outputs instead of 64, which is what small K pays for.
// W is the packed weights' element type (int16_t or int8_t).
template <int ROWS, Mode MODE, int VECTORS, typename W>
inline __attribute__((always_inline)) void gemm_tile_columns(const int16_t* panel, size_t kp, const uint8_t* tile,
                                                             const int32_t* row_corrections, int8_t* c,
                                                             size_t c_stride, int cols, const Epilogue& e) {
  static_assert(kVectors == 2 && (VECTORS == 1 || VECTORS == 2), "a tile is 16 columns, two vectors");
  __m256i acc[ROWS][VECTORS];
  const int32_t* bias = reinterpret_cast<const int32_t*>(tile);
#pragma GCC unroll 2
  for (int v = 0; v < VECTORS; ++v) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 8 * v));
#pragma GCC unroll 6
    for (int r = 0; r < ROWS; ++r) acc[r][v] = b;
  }
  const W* w = reinterpret_cast<const W*>(tile + kNr * sizeof(int32_t));
  // Unrolled twice: half the loop's own instructions (+2-6% at K >= 256).
#pragma GCC unroll 2
  for (size_t k = 0; k < kp; k += 2) {
    __m256i wv[VECTORS];
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) wv[v] = load_weights(w + 16 * v);
    w += kNr * 2;
#pragma GCC unroll 6
    for (int r = 0; r < ROWS; ++r) {
      const __m256i av = _mm256_set1_epi32(load_s32(panel + r * kp + k));
#pragma GCC unroll 2
      for (int v = 0; v < VECTORS; ++v) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(av, wv[v]));
    }
  }
  add_row_corrections(acc, row_corrections);
  requantize_store_tile<ROWS, MODE, VECTORS>(acc, reinterpret_cast<const uint8_t*>(w), e.zero_point, e.min, e.max,
                                             c, c_stride, cols);
}

// ROWS rows of the panel against every column tile: whole tiles with
// every store 16 bytes wide, then a last tile of 1 to 15 columns (at most
// 8: half the work).
template <int ROWS, Mode MODE, typename W>
void gemm_panel(const int16_t* panel, size_t kp, const uint8_t* tile, size_t tile_bytes, int n,
                const int32_t* row_corrections, int8_t* c, size_t c_stride, const Epilogue& e) {
  int n0 = 0;
  for (; n0 + kNr <= n; n0 += kNr, tile += tile_bytes) {
    gemm_tile_columns<ROWS, MODE, 2, W>(panel, kp, tile, row_corrections, c + n0, c_stride, kNr, e);
  }
  const int cols = n - n0;
  if (cols > 8) {
    gemm_tile_columns<ROWS, MODE, 2, W>(panel, kp, tile, row_corrections, c + n0, c_stride, cols, e);
  } else if (cols > 0) {
    gemm_tile_columns<ROWS, MODE, 1, W>(panel, kp, tile, row_corrections, c + n0, c_stride, cols, e);
  }
}

using PanelFn = GemmPanelFn<int16_t>;

template <Mode MODE, typename W>
constexpr PanelFn kPanels[kMr] = {gemm_panel<1, MODE, W>, gemm_panel<2, MODE, W>, gemm_panel<3, MODE, W>,
                                  gemm_panel<4, MODE, W>, gemm_panel<5, MODE, W>, gemm_panel<6, MODE, W>};

template <typename W>
const PanelFn* panels_for(const GemmRunParams& p) {
  if (p.rule == RequantRule::kFp32) return kPanels<Mode::kFp32, W>;
  return p.rounding == FixedPointRounding::kSingle ? kPanels<Mode::kFixedPointSingle, W>
                                                    : kPanels<Mode::kFixedPointDouble, W>;
}

// Widens n int8 values to int16 at dst and, when sum is not null, adds them
// to *sum (8 int32 partial sums; |sum| <= 128 K stays far inside int32 for
// the K the loader admits; only a per-tensor filter zero point needs them).
inline void copy_widened(const int8_t* src, size_t n, int16_t* dst, __m256i* sum) {
  const __m256i ones = _mm256_set1_epi16(1);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), v);
    if (sum != nullptr) *sum = _mm256_add_epi32(*sum, _mm256_madd_epi16(v, ones));
  }
  // 8 more (K = 24, 40, ... in MobileNet's 1x1 convolutions), half width.
  if (i + 8 <= n) {
    const __m128i v = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), v);
    if (sum != nullptr) *sum = _mm256_add_epi32(*sum, _mm256_cvtepi16_epi32(v));
    i += 8;
  }
  int32_t tail = 0;
  for (; i < n; ++i) {
    dst[i] = src[i];
    tail += src[i];
  }
  if (sum != nullptr) *sum = _mm256_add_epi32(*sum, _mm256_setr_epi32(tail, 0, 0, 0, 0, 0, 0, 0));
}

// The panel row's correction -filter_zero_point * sum_k A, modulo 2^32.
inline int32_t row_correction(__m256i sum, int32_t filter_zero_point) {
  const __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
  const __m128i s2 = _mm_add_epi32(s4, _mm_unpackhi_epi64(s4, s4));
  const __m128i s1 = _mm_add_epi32(s2, _mm_shuffle_epi32(s2, 1));
  const uint32_t total = static_cast<uint32_t>(_mm_cvtsi128_si32(s1));
  return static_cast<int32_t>(0u - static_cast<uint32_t>(filter_zero_point) * total);
}

// This ISA's side of the shared driver (x86/gemm_driver.h), for weights
// packed as W in `layout`.
template <const GemmLayout& LAYOUT, typename W>
struct Avx2Gemm {
  using Panel = int16_t;
  using Sum = __m256i;
  static constexpr const GemmLayout& kLayout = LAYOUT;
  static constexpr int kMr = ::qrt::x86::kMr;
  static constexpr int kNr = ::qrt::x86::kNr;
  static Sum zero_sum() { return _mm256_setzero_si256(); }
  static void copy(const int8_t* src, size_t n, Panel* dst, Sum* sum) { copy_widened(src, n, dst, sum); }
  static int32_t correction(Sum sum, int32_t filter_zero_point) { return row_correction(sum, filter_zero_point); }
  static const PanelFn* panels(const GemmRunParams& p) { return panels_for<W>(p); }
};
using Avx2GemmW16 = Avx2Gemm<kQs8Gemm6x16c2Avx2, int16_t>;
using Avx2GemmW8 = Avx2Gemm<kQs8Gemm6x16c2W8Avx2, int8_t>;

}  // namespace

void qs8_gemm_minmax_6x16c2__avx2(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                  int8_t* c) {
  run_gemm<Avx2GemmW16>(p, a, packed, scratch, c);
}

void qs8_gemm_minmax_6x16c2_w8__avx2(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c) {
  run_gemm<Avx2GemmW8>(p, a, packed, scratch, c);
}

void qs8_igemm_minmax_6x16c2__avx2(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                   void* scratch, int8_t* c) {
  run_igemm<Avx2GemmW16>(p, input, packed, scratch, c);
}

}  // namespace qrt::x86
