// qs8_gemm_minmax_8x32c4__avx512vnni: int8 GEMM on AVX-512 VNNI, and
// qs8_igemm_minmax_8x32c4__avx512vnni, the same tiles on panels gathered
// through a convolution's indirection buffer (conv_s8.h).
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni;
// called only when cpuinfo reports all of them.
//
// vpdpbusd multiplies uint8 by int8, so the driver packs each panel of A
// rows as A + 128 (a sign-bit flip) and the packed bias carries
// -(128 + input_zero_point) * (sum W - K * filter_zero_point) (gemm_s8.h).
// vpdpbusd (not vpdpbusds) wraps like int32 arithmetic: exact.
#include <cstring>

#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/gemm_driver.h"
#include "kernels/x86/gemm_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx512;  // the shared epilogues (requant_avx512.h)

constexpr int kMr = kQs8Gemm8x32c4Avx512vnni.mr;
constexpr int kNr = kQs8Gemm8x32c4Avx512vnni.nr;
constexpr int kVectors = kNr / 16;

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
  __m512i acc[ROWS][kVectors];
  const int32_t* bias = reinterpret_cast<const int32_t*>(tile);
#pragma GCC unroll 8
  for (int r = 0; r < ROWS; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_loadu_si512(bias + 16 * v);
  }
  const uint8_t* w = tile + kNr * sizeof(int32_t);
  for (size_t k = 0; k < kp; k += 4) {
    __m512i wv[kVectors];
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) wv[v] = _mm512_loadu_si512(w + 64 * v);
    w += kNr * 4;
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; ++r) {
      const __m512i av = _mm512_set1_epi32(load_u32(panel + r * kp + k));
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, wv[v]);
    }
  }
  if (row_corrections != nullptr) {
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; ++r) {
      const __m512i correction = _mm512_set1_epi32(row_corrections[r]);
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_add_epi32(acc[r][v], correction);
    }
  }
  requantize_store_tile<MODE, ROWS, kNr>(acc, w, e.zero_point, e.min, e.max, c, c_stride, cols);
}

using TileFn = GemmTileFn<uint8_t>;

template <Mode MODE>
constexpr TileFn kTiles[kMr] = {gemm_tile<1, MODE>, gemm_tile<2, MODE>, gemm_tile<3, MODE>, gemm_tile<4, MODE>,
                                gemm_tile<5, MODE>, gemm_tile<6, MODE>, gemm_tile<7, MODE>, gemm_tile<8, MODE>};

const TileFn* tiles_for(const GemmRunParams& p) {
  if (p.rule == RequantRule::kFp32) return kTiles<Mode::kFp32>;
  return p.rounding == FixedPointRounding::kSingle ? kTiles<Mode::kFixedPointSingle>
                                                    : kTiles<Mode::kFixedPointDouble>;
}

// Copies n int8 values to dst as uint8 (+128, the sign flip) and, when sum
// is not null, adds the flipped values to *sum (vpsadbw against zero: 8
// partial sums; only a per-tensor filter zero point needs them).
inline void copy_flipped(const int8_t* src, size_t n, uint8_t* dst, __m512i* sum) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i v = _mm512_xor_si512(_mm512_loadu_si512(src + i), flip);
    _mm512_storeu_si512(dst + i, v);
    if (sum != nullptr) *sum = _mm512_add_epi64(*sum, _mm512_sad_epu8(v, _mm512_setzero_si512()));
  }
  if (i < n) {
    const __mmask64 mask = (~uint64_t{0}) >> (64 - (n - i));
    const __m512i v = _mm512_maskz_mov_epi8(mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, src + i), flip));
    _mm512_mask_storeu_epi8(dst + i, mask, v);
    if (sum != nullptr) *sum = _mm512_add_epi64(*sum, _mm512_sad_epu8(v, _mm512_setzero_si512()));
  }
}

// The panel row's correction -filter_zero_point * sum_k (A + 128), modulo 2^32.
inline int32_t row_correction(__m512i sum, int32_t filter_zero_point) {
  const uint32_t total = static_cast<uint32_t>(_mm512_reduce_add_epi64(sum));
  return static_cast<int32_t>(0u - static_cast<uint32_t>(filter_zero_point) * total);
}

// This ISA's side of the shared driver (x86/gemm_driver.h).
struct Avx512vnniGemm {
  using Panel = uint8_t;
  using Sum = __m512i;
  static constexpr const GemmLayout& kLayout = kQs8Gemm8x32c4Avx512vnni;
  static constexpr int kMr = ::qrt::x86::kMr;
  static constexpr int kNr = ::qrt::x86::kNr;
  static Sum zero_sum() { return _mm512_setzero_si512(); }
  static void copy(const int8_t* src, size_t n, Panel* dst, Sum* sum) { copy_flipped(src, n, dst, sum); }
  static int32_t correction(Sum sum, int32_t filter_zero_point) { return row_correction(sum, filter_zero_point); }
  static const TileFn* tiles(const GemmRunParams& p) { return tiles_for(p); }
};

}  // namespace

void qs8_gemm_minmax_8x32c4__avx512vnni(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                        int8_t* c) {
  run_gemm<Avx512vnniGemm>(p, a, packed, scratch, c);
}

void qs8_igemm_minmax_8x32c4__avx512vnni(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                         void* scratch, int8_t* c) {
  run_igemm<Avx512vnniGemm>(p, input, packed, scratch, c);
}

}  // namespace qrt::x86
