// layer_norm_s8__avx2 (see kernels/x86/layer_norm_s8.h).
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/x86/layer_norm_s8.h"

namespace qrt::x86 {
namespace {

int32_t horizontal_sum(__m256i v) {
  const __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i s2 = _mm_add_epi32(s4, _mm_unpackhi_epi64(s4, s4));
  return _mm_cvtsi128_si32(_mm_add_epi32(s2, _mm_shuffle_epi32(s2, 1)));
}

// The reference's per-element steps for one value (the row's tail).
int8_t normalize_one(int n, int32_t sum, float row_scale, float gamma, float beta, float lo, float hi, int32_t zp,
                     int8_t q) {
  const float centred = static_cast<float>(n * int32_t{q} - sum);
  const float v = centred * row_scale;
  float z = v * gamma;
  z = z + beta;
  z = std::min(std::max(z, lo), hi);
  return static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(z)) + zp);
}

}  // namespace

void layer_norm_s8__avx2(const reference::LayerNormParams& p, const int8_t* input, int8_t* output) {
  const int n = p.depth;
  const int32_t zp = p.output_zero_point;
  const float lo = static_cast<float>(-128 - zp);
  const float hi = static_cast<float>(127 - zp);
  const float* gamma = p.gamma_over_output_scale.data();
  const float* beta = p.beta_over_output_scale.data();
  const __m256 lo_v = _mm256_set1_ps(lo), hi_v = _mm256_set1_ps(hi);
  const __m256i zp_v = _mm256_set1_epi32(zp), n_v = _mm256_set1_epi32(n);
  const __m256i ones = _mm256_set1_epi16(1);
  // Low byte of each int32 lane, lanes 0..3 of each 128-bit half first.
  const __m256i low_bytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  //
                                             0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  for (int64_t r = 0; r < p.rows; ++r) {
    const int8_t* x = input + r * n;
    int8_t* y = output + r * n;
    // Integer statistics: |q| <= 128 and n <= 65536 keep sum q*q <= 2^30,
    // so every int32 lane and total is exact.
    __m256i sum_v = _mm256_setzero_si256(), sumsq_v = _mm256_setzero_si256();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m256i q = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
      sum_v = _mm256_add_epi32(sum_v, _mm256_madd_epi16(q, ones));
      sumsq_v = _mm256_add_epi32(sumsq_v, _mm256_madd_epi16(q, q));
    }
    int32_t sum = horizontal_sum(sum_v);
    int64_t sumsq = horizontal_sum(sumsq_v);
    for (; i < n; ++i) {
      sum += x[i];
      sumsq += int64_t{x[i]} * x[i];
    }
    // The reference's row scale, in double, as it writes it.
    const int64_t var_num = int64_t{n} * sumsq - int64_t{sum} * sum;
    const double var = static_cast<double>(var_num) / (static_cast<double>(n) * static_cast<double>(n)) *
                       (p.input_scale * p.input_scale);
    const double rstd = 1.0 / std::sqrt(var + p.epsilon);
    const float row_scale = static_cast<float>(p.input_scale * rstd / static_cast<double>(n));
    const __m256 row_scale_v = _mm256_set1_ps(row_scale);
    const __m256i sum_b = _mm256_set1_epi32(sum);
    i = 0;
    for (; i + 8 <= n; i += 8) {
      int64_t bits;
      std::memcpy(&bits, x + i, sizeof(bits));
      const __m256i q = _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits));
      // n * q - sum: |.| <= 255 n < 2^24, exact in int32 and in float32.
      const __m256 centred = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_mullo_epi32(q, n_v), sum_b));
      const __m256 v = _mm256_mul_ps(centred, row_scale_v);
      __m256 z = _mm256_mul_ps(v, _mm256_loadu_ps(gamma + i));
      z = _mm256_add_ps(z, _mm256_loadu_ps(beta + i));
      // Operand order as std::max(z, lo) / std::min(z, hi): a NaN z stays NaN.
      z = _mm256_min_ps(hi_v, _mm256_max_ps(lo_v, z));
      const __m256i out = _mm256_add_epi32(_mm256_cvtps_epi32(z), zp_v);
      // In range after the clamp, so the low byte is the value. (A NaN lane,
      // from an infinite row scale, converts to INT32_MIN here and in the
      // reference's scalar conversion on x86; both keep the low byte.)
      const __m256i bytes = _mm256_shuffle_epi8(out, low_bytes);
      const uint32_t lo4 = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm256_castsi256_si128(bytes)));
      const uint32_t hi4 = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm256_extracti128_si256(bytes, 1)));
      const uint64_t packed = uint64_t{lo4} | (uint64_t{hi4} << 32);
      std::memcpy(y + i, &packed, sizeof(packed));
    }
    for (; i < n; ++i) y[i] = normalize_one(n, sum, row_scale, gamma[i], beta[i], lo, hi, zp, x[i]);
  }
}

}  // namespace qrt::x86
