// qs8_gemm_minmax_4x8c2__sse41: int8 GEMM on SSE4.1, and
// qs8_igemm_minmax_4x8c2__sse41, the same tiles on panels gathered through a
// convolution's indirection buffer (conv_s8.h). Compiled with -msse4.1;
// called only when cpuinfo reports SSE4.1.
//
// As the AVX2 kernel, at half the width: A and W are sign-extended to int16
// (pmovsxbw) and multiplied in pairs with pmaddwd, which is exact for every
// int8 value, -128 included (pmaddubsw would saturate). The driver packs
// each panel of A rows as int16; the input zero point is folded into the
// packed bias (gemm_s8.h, input_offset 0).
#include <algorithm>
#include <cstring>

#include "kernels/x86/gemm_driver.h"
#include "kernels/x86/gemm_s8.h"
#include "kernels/x86/sse41/requant_sse41.h"

namespace qrt::x86 {
namespace {

using namespace sse41;  // the shared epilogues (requant_sse41.h)

constexpr int kMr = kQs8Gemm4x8c2Sse41.mr;
constexpr int kNr = kQs8Gemm4x8c2Sse41.nr;
constexpr int kVectors = kNr / 4;
static_assert(kVectors == 2, "pack8 stores two vectors per row");

using Epilogue = GemmEpilogue;

int32_t load_s32(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

template <int ROWS, Mode MODE>
void gemm_tile(const int16_t* panel, size_t kp, const uint8_t* tile, const int32_t* row_corrections, int8_t* c,
               size_t c_stride, int cols, const Epilogue& e) {
  __m128i acc[ROWS][kVectors];
  const __m128i* bias = reinterpret_cast<const __m128i*>(tile);
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r) {
    acc[r][0] = _mm_loadu_si128(bias);
    acc[r][1] = _mm_loadu_si128(bias + 1);
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(tile + kNr * sizeof(int32_t));
  for (size_t k = 0; k < kp; k += 2) {
    // 8 columns x 2 K positions: columns 0-3 in the low 8 bytes.
    const __m128i wb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w));
    const __m128i w0 = _mm_cvtepi8_epi16(wb);
    const __m128i w1 = _mm_cvtepi8_epi16(_mm_srli_si128(wb, 8));
    w += kNr * 2;
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r) {
      const __m128i av = _mm_set1_epi32(load_s32(panel + r * kp + k));
      acc[r][0] = _mm_add_epi32(acc[r][0], _mm_madd_epi16(av, w0));
      acc[r][1] = _mm_add_epi32(acc[r][1], _mm_madd_epi16(av, w1));
    }
  }
  if (row_corrections != nullptr) {
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r) {
      const __m128i correction = _mm_set1_epi32(row_corrections[r]);
      acc[r][0] = _mm_add_epi32(acc[r][0], correction);
      acc[r][1] = _mm_add_epi32(acc[r][1], correction);
    }
  }
  // Per value, kVectors vectors of 4 columns (gemm_s8.h).
  const __m128i* values = reinterpret_cast<const __m128i*>(w);
  const __m128i zp = _mm_set1_epi32(e.zero_point);
  if constexpr (MODE == Mode::kFp32) {
    const __m128 lo = _mm_set1_ps(static_cast<float>(e.min - e.zero_point));
    const __m128 hi = _mm_set1_ps(static_cast<float>(e.max - e.zero_point));
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) {
      const __m128 scale = _mm_loadu_ps(reinterpret_cast<const float*>(values + v));
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_fp32(acc[r][v], scale, lo, hi, zp);
    }
  } else if constexpr (MODE == Mode::kFixedPointSingle) {
    const __m128i lo = _mm_set1_epi64x(e.min - e.zero_point);
    const __m128i hi = _mm_set1_epi64x(e.max - e.zero_point);
    for (int v = 0; v < kVectors; ++v) {
      const SingleRoundingColumns columns =
          single_rounding_columns(_mm_loadu_si128(values + v), _mm_loadu_si128(values + kVectors + v));
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_single(acc[r][v], columns, lo, hi, zp);
    }
  } else {
    const __m128i lo = _mm_set1_epi32(e.min - e.zero_point);
    const __m128i hi = _mm_set1_epi32(e.max - e.zero_point);
    for (int v = 0; v < kVectors; ++v) {
      const DoubleRoundingColumns columns = double_rounding_columns(
          _mm_loadu_si128(values + v), _mm_loadu_si128(values + kVectors + v),
          _mm_loadu_si128(values + 2 * kVectors + v), _mm_loadu_si128(values + 3 * kVectors + v));
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_fixedpoint(acc[r][v], columns, lo, hi, zp);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r) {
    const __m128i out = pack8(acc[r][0], acc[r][1]);
    if (cols == kNr) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(c + r * c_stride), out);
    } else {
      alignas(16) int8_t bytes[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(bytes), out);
      std::memcpy(c + r * c_stride, bytes, static_cast<size_t>(cols));
    }
  }
}

using TileFn = GemmTileFn<int16_t>;

template <Mode MODE>
constexpr TileFn kTiles[kMr] = {gemm_tile<1, MODE>, gemm_tile<2, MODE>, gemm_tile<3, MODE>, gemm_tile<4, MODE>};

const TileFn* tiles_for(const GemmRunParams& p) {
  if (p.rule == RequantRule::kFp32) return kTiles<Mode::kFp32>;
  return p.rounding == FixedPointRounding::kSingle ? kTiles<Mode::kFixedPointSingle>
                                                    : kTiles<Mode::kFixedPointDouble>;
}

// Widens n int8 values to int16 at dst and, when sum is not null, adds them
// to *sum (4 int32 partial sums; only a per-tensor filter zero point needs
// them).
inline void copy_widened(const int8_t* src, size_t n, int16_t* dst, __m128i* sum) {
  const __m128i ones = _mm_set1_epi16(1);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i v = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), v);
    if (sum != nullptr) *sum = _mm_add_epi32(*sum, _mm_madd_epi16(v, ones));
  }
  int32_t tail = 0;
  for (; i < n; ++i) {
    dst[i] = src[i];
    tail += src[i];
  }
  if (sum != nullptr) *sum = _mm_add_epi32(*sum, _mm_cvtsi32_si128(tail));
}

// The panel row's correction -filter_zero_point * sum_k A, modulo 2^32.
inline int32_t row_correction(__m128i sum, int32_t filter_zero_point) {
  const __m128i s2 = _mm_add_epi32(sum, _mm_unpackhi_epi64(sum, sum));
  const __m128i s1 = _mm_add_epi32(s2, _mm_shuffle_epi32(s2, 1));
  const uint32_t total = static_cast<uint32_t>(_mm_cvtsi128_si32(s1));
  return static_cast<int32_t>(0u - static_cast<uint32_t>(filter_zero_point) * total);
}

// This ISA's side of the shared driver (x86/gemm_driver.h).
struct Sse41Gemm {
  using Panel = int16_t;
  using Sum = __m128i;
  static constexpr const GemmLayout& kLayout = kQs8Gemm4x8c2Sse41;
  static constexpr int kMr = ::qrt::x86::kMr;
  static constexpr int kNr = ::qrt::x86::kNr;
  static Sum zero_sum() { return _mm_setzero_si128(); }
  static void copy(const int8_t* src, size_t n, Panel* dst, Sum* sum) { copy_widened(src, n, dst, sum); }
  static int32_t correction(Sum sum, int32_t filter_zero_point) { return row_correction(sum, filter_zero_point); }
  static const TileFn* tiles(const GemmRunParams& p) { return tiles_for(p); }
};

}  // namespace

void qs8_gemm_minmax_4x8c2__sse41(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                  int8_t* c) {
  run_gemm<Sse41Gemm>(p, a, packed, scratch, c);
}

void qs8_igemm_minmax_4x8c2__sse41(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                   void* scratch, int8_t* c) {
  run_igemm<Sse41Gemm>(p, input, packed, scratch, c);
}

}  // namespace qrt::x86
