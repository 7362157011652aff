// dynamic_fully_connected_f32s8_4x16c2__avx2: DYNAMIC_FULLY_CONNECTED on the
// 4x16c2 AVX2 tiles (see kernels/dynamic_fully_connected_f32s8.h for the
// packing and the exactness argument). Compiled with -mavx2 and
// -ffp-contract=off; called only when cpuinfo reports AVX2.
//
// The float steps are the reference's IEEE operations lane by lane, as in
// the AVX-512 kernel: vminps(x, lo) is (x < lo ? x : lo); x / scale, round
// half to even, + zp, NaN -> zp, clamp; float(acc) * (scale * weight_scale)
// + bias, clamp. The panel holds the int8 value widened to int16
// (vpmaddwd, exact), input offset 0.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/dynamic_fc_driver.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "kernels/x86/dynamic_fully_connected_f32s8.h"

namespace qrt::x86 {
namespace {

constexpr GemmLayout kLayout = kQs8Gemm4x16c2Avx2;
constexpr int kMr = kLayout.mr;
constexpr int kNr = kLayout.nr;
constexpr int kVectors = kNr / 8;

void find_range(const float* x, size_t n, float* lo_out, float* hi_out) {
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    lo = _mm256_min_ps(v, lo);
    hi = _mm256_max_ps(v, hi);
  }
  alignas(32) float los[8], his[8];
  _mm256_store_ps(los, lo);
  _mm256_store_ps(his, hi);
  float l = 0.0f, h = 0.0f;
  for (int j = 0; j < 8; ++j) {
    if (los[j] < l) l = los[j];
    if (his[j] > h) h = his[j];
  }
  for (; i < n; ++i) {
    if (x[i] < l) l = x[i];
    if (x[i] > h) h = x[i];
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

// One row quantized into int16 (the int8 storage value), zeros up to kp;
// the last 1 to 7 values through a masked load (short rows: a convolution's
// gathered windows, K = 27 for a 3x3 RGB stem).
void quantize_row(const float* x, size_t k, size_t kp, const reference::DynamicQuantization& q, int16_t* dst) {
  const __m256 scale = _mm256_set1_ps(q.scale);
  const __m256 zp = _mm256_set1_ps(static_cast<float>(q.zero_point + 128));
  const __m256 lo = _mm256_setzero_ps(), hi = _mm256_set1_ps(255.0f);
  const __m256i offset = _mm256_set1_epi32(128);
  auto quantize8 = [&](__m256 values) {
    const __m256 r = _mm256_round_ps(_mm256_div_ps(values, scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 v = _mm256_add_ps(r, zp);
    v = _mm256_blendv_ps(v, zp, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
    const __m256i s = _mm256_sub_epi32(_mm256_cvtps_epi32(v), offset);
    return _mm_packs_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  };
  size_t i = 0;
  for (; i + 8 <= k; i += 8) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), quantize8(_mm256_loadu_ps(x + i)));
  if (i < k) {
    const int n = static_cast<int>(k - i);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    alignas(16) int16_t tail[8];
    _mm_store_si128(reinterpret_cast<__m128i*>(tail), quantize8(_mm256_maskload_ps(x + i, mask)));
    std::memcpy(dst + i, tail, static_cast<size_t>(n) * sizeof(int16_t));
  }
  for (size_t j = k; j < kp; ++j) dst[j] = 0;
}


int32_t load_s32(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

template <int ROWS>
void dfc_tile(const int16_t* panel, size_t kp, const uint8_t* tile, const int32_t* sums, const float* bias, float* c,
              size_t c_stride, int cols, const DynamicFcEpilogue& e) {
  __m256i acc[ROWS][kVectors];
  const int32_t* packed_bias = reinterpret_cast<const int32_t*>(tile);
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; ++r) {
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) {
      acc[r][v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(packed_bias + 8 * v));
    }
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(tile + kNr * sizeof(int32_t));
  for (size_t k = 0; k < kp; k += 2) {
    __m256i wv[kVectors];
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) {
      wv[v] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 16 * v)));
    }
    w += kNr * 2;
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r) {
      const __m256i av = _mm256_set1_epi32(load_s32(panel + r * kp + k));
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(av, wv[v]));
    }
  }
  const float* weight_scales = reinterpret_cast<const float*>(w);  // the packed fp32 epilogue
  const __m256i zp = _mm256_set1_epi32(e.zero_point);
  const __m256 input_scale = _mm256_set1_ps(e.input_scale);
  const __m256 lo = _mm256_set1_ps(e.min), hi = _mm256_set1_ps(e.max);
#pragma GCC unroll 2
  for (int v = 0; v < kVectors; ++v) {
    const __m256i correction =
        _mm256_mullo_epi32(zp, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sums + 8 * v)));
    const __m256 scale = _mm256_mul_ps(input_scale, _mm256_loadu_ps(weight_scales + 8 * v));
    const __m256 b = e.has_bias ? _mm256_loadu_ps(bias + 8 * v) : _mm256_setzero_ps();
    const int n = std::min(std::max(cols - 8 * v, 0), 8);
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; ++r) {
      __m256 y = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(acc[r][v], correction)), scale);
      if (e.has_bias) y = _mm256_add_ps(y, b);
      y = _mm256_min_ps(hi, _mm256_max_ps(lo, y));  // (y < lo ? lo : y), then (y > hi ? hi : y)
      if (n == 8) {
        _mm256_storeu_ps(c + r * c_stride + 8 * v, y);
      } else if (n > 0) {
        alignas(32) float out[8];
        _mm256_store_ps(out, y);
        std::memcpy(c + r * c_stride + 8 * v, out, static_cast<size_t>(n) * sizeof(float));
      }
    }
  }
}

constexpr DynamicFcTileFn<int16_t> kTiles[kMr] = {dfc_tile<1>, dfc_tile<2>, dfc_tile<3>, dfc_tile<4>};

// This ISA's parts for the shared driver (kernels/dynamic_fc_driver.h).
const DynamicFcIsa<int16_t> kIsa{kLayout, quantization_of, quantize_row, kTiles};

}  // namespace

void dynamic_fully_connected_f32s8_4x16c2__avx2(const DynamicFcRunParams& p, const float* input, const void* packed,
                                                void* scratch, float* output) {
  run_dynamic_fc(kIsa, p, input, packed, scratch, output);
}

}  // namespace qrt::x86
