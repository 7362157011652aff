// dynamic_fully_connected_f32s8_8x32c4__avx512vnni: DYNAMIC_FULLY_CONNECTED
// on the 8x32c4 VNNI tiles (see kernels/dynamic_fully_connected_f32s8.h for
// the packing and the exactness argument). Compiled with the avx512vnni
// flags and -ffp-contract=off; called only when cpuinfo reports them.
//
// Every float step is the reference's IEEE operation, lane by lane:
//  - min / max: vminps(x, lo) is (x < lo ? x : lo), the reference's compare
//    (NaN skipped, +0 kept over -0); lanes start at +0 like the reference;
//  - x / scale (vdivps), round half to even (vrndscaleps, imm 0), + zp,
//    NaN -> zp, clamp to [0, 255]: dynamic_quantize_f32_to_s8;
//  - float(acc) (vcvtdq2ps), * (scale * weight_scale), + bias, clamp:
//    dynamic_fully_connected_f32s8's epilogue.
// The panel holds the uint8 value itself: int8 storage + 128, which the
// packed bias (-128 * sum W) takes back out.
#include "kernels/x86/avx512vnni/requant_avx512.h"  // <immintrin.h>, without GCC 12's header warnings

#include <algorithm>
#include <cstring>

#include "kernels/dynamic_fc_driver.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "kernels/x86/dynamic_fully_connected_f32s8.h"

namespace qrt::x86 {
namespace {

constexpr GemmLayout kLayout = kQs8Gemm8x32c4Avx512vnni;
constexpr int kMr = kLayout.mr;
constexpr int kNr = kLayout.nr;
constexpr int kVectors = kNr / 16;

// lo = min(0, min x), hi = max(0, max x), NaN skipped.
void find_range(const float* x, size_t n, float* lo_out, float* hi_out) {
  __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i);
    lo = _mm512_min_ps(v, lo);
    hi = _mm512_max_ps(v, hi);
  }
  if (i < n) {  // masked-off lanes load +0, which changes neither bound
    const __m512 v = _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << (n - i)) - 1), x + i);
    lo = _mm512_min_ps(v, lo);
    hi = _mm512_max_ps(v, hi);
  }
  alignas(64) float los[16], his[16];
  _mm512_store_ps(los, lo);
  _mm512_store_ps(his, hi);
  float l = 0.0f, h = 0.0f;
  for (int j = 0; j < 16; ++j) {
    if (los[j] < l) l = los[j];
    if (his[j] > h) h = his[j];
  }
  *lo_out = l;
  *hi_out = h;
}

// The reference's quantization parameters for these n values.
reference::DynamicQuantization quantization_of(const float* x, size_t n) {
  float lo = 0.0f, hi = 0.0f;
  find_range(x, n, &lo, &hi);
  return reference::dynamic_quantization_from_range(lo, hi);
}

// One row quantized into uint8 (= int8 storage + 128), zeros up to kp; the
// last 1 to 15 values through masked loads and stores (short rows: a
// convolution's gathered windows, K = 27 for a 3x3 RGB stem).
void quantize_row(const float* x, size_t k, size_t kp, const reference::DynamicQuantization& q, uint8_t* dst) {
  const __m512 scale = _mm512_set1_ps(q.scale);
  const __m512 zp = _mm512_set1_ps(static_cast<float>(q.zero_point + 128));
  const __m512 lo = _mm512_setzero_ps(), hi = _mm512_set1_ps(255.0f);
  auto quantize16 = [&](__m512 values) {
    const __m512 r = _mm512_roundscale_ps(_mm512_div_ps(values, scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 v = _mm512_add_ps(r, zp);
    v = _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), zp);
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    return _mm512_cvtusepi32_epi8(_mm512_cvtps_epi32(v));
  };
  size_t i = 0;
  for (; i + 16 <= k; i += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), quantize16(_mm512_loadu_ps(x + i)));
  }
  if (i < k) {
    const __mmask16 tail = static_cast<__mmask16>((1u << (k - i)) - 1);
    _mm_mask_storeu_epi8(dst + i, tail, quantize16(_mm512_maskz_loadu_ps(tail, x + i)));
  }
  std::memset(dst + k, 0, kp - k);
}


int32_t load_u32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

template <int ROWS>
void dfc_tile(const uint8_t* panel, size_t kp, const uint8_t* tile, const int32_t* sums, const float* bias, float* c,
              size_t c_stride, int cols, const DynamicFcEpilogue& e) {
  __m512i acc[ROWS][kVectors];
  const int32_t* packed_bias = reinterpret_cast<const int32_t*>(tile);
#pragma GCC unroll 8
  for (int r = 0; r < ROWS; ++r) {
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_loadu_si512(packed_bias + 16 * v);
  }
  const uint8_t* w = tile + kNr * sizeof(int32_t);
  for (size_t k = 0; k < kp; k += 4) {
    __m512i wv[kVectors];
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) wv[v] = _mm512_loadu_si512(w + 64 * v);
    w += kNr * 4;
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; ++r) {
      const __m512i av = _mm512_set1_epi32(load_u32(panel + r * kp + k));
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, wv[v]);
    }
  }
  const float* weight_scales = reinterpret_cast<const float*>(w);  // the packed fp32 epilogue
  const __m512i zp = _mm512_set1_epi32(e.zero_point);
  const __m512 input_scale = _mm512_set1_ps(e.input_scale);
  const __m512 lo = _mm512_set1_ps(e.min), hi = _mm512_set1_ps(e.max);
#pragma GCC unroll 2
  for (int v = 0; v < kVectors; ++v) {
    const __m512i correction = _mm512_mullo_epi32(zp, _mm512_loadu_si512(sums + 16 * v));
    const __m512 scale = _mm512_mul_ps(input_scale, _mm512_loadu_ps(weight_scales + 16 * v));
    const __m512 b = e.has_bias ? _mm512_loadu_ps(bias + 16 * v) : _mm512_setzero_ps();
    const int n = std::min(std::max(cols - 16 * v, 0), 16);
    const __mmask16 store_mask = static_cast<__mmask16>((1u << n) - 1);
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; ++r) {
      __m512 y = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][v], correction)), scale);
      if (e.has_bias) y = _mm512_add_ps(y, b);
      y = _mm512_min_ps(hi, _mm512_max_ps(lo, y));  // (y < lo ? lo : y), then (y > hi ? hi : y)
      _mm512_mask_storeu_ps(c + r * c_stride + 16 * v, store_mask, y);
    }
  }
}

constexpr DynamicFcTileFn<uint8_t> kTiles[kMr] = {dfc_tile<1>, dfc_tile<2>, dfc_tile<3>, dfc_tile<4>,
                                dfc_tile<5>, dfc_tile<6>, dfc_tile<7>, dfc_tile<8>};

// This ISA's parts for the shared driver (kernels/dynamic_fc_driver.h).
const DynamicFcIsa<uint8_t> kIsa{kLayout, quantization_of, quantize_row, kTiles};

}  // namespace

void dynamic_fully_connected_f32s8_8x32c4__avx512vnni(const DynamicFcRunParams& p, const float* input,
                                                       const void* packed, void* scratch, float* output) {
  run_dynamic_fc(kIsa, p, input, packed, scratch, output);
}

}  // namespace qrt::x86
