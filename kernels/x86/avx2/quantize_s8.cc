// quantize_f32_s8__avx2 and dequantize_s8_f32__avx2: see
// kernels/x86/elementwise_s8.h. Vector float steps round as the scalar
// reference does (IEEE division and multiplication under the default MXCSR:
// round to nearest even, no flush to zero), so each lane equals it.
#include <immintrin.h>

#include "kernels/reference/quantize_s8.h"
#include "kernels/x86/elementwise_s8.h"

namespace qrt::x86 {
namespace {

// std::round on 8 floats: truncate, then step one away from zero where the
// dropped fraction is at least one half. q - trunc(q) is exact in float;
// infinities give NaN there, compare false and stay infinite.
inline __m256 round_half_away(__m256 q) {
  const __m256 truncated = _mm256_round_ps(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256 sign_bit = _mm256_set1_ps(-0.0f);
  const __m256 fraction = _mm256_andnot_ps(sign_bit, _mm256_sub_ps(q, truncated));
  const __m256 away = _mm256_cmp_ps(fraction, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
  const __m256 step = _mm256_or_ps(_mm256_and_ps(q, sign_bit), _mm256_set1_ps(1.0f));  // +-1 with q's sign
  return _mm256_add_ps(truncated, _mm256_and_ps(away, step));
}

// Eight quotients: divide, round, clamp to [-128 - zp, 127 - zp] (the
// reference clamps rounded + zp to [-128, 127]; for integer-valued or
// infinite values the two agree), NaN to 0, then + zp.
template <bool HALF_AWAY>
inline __m256i quantize8(__m256 x, __m256 scale, __m256 lo, __m256 hi, __m256i zp) {
  const __m256 quotient = _mm256_div_ps(x, scale);
  const __m256 rounded =
      HALF_AWAY ? round_half_away(quotient) : _mm256_round_ps(quotient, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 clamped = _mm256_min_ps(_mm256_max_ps(rounded, lo), hi);
  const __m256i is_number = _mm256_castps_si256(_mm256_cmp_ps(quotient, quotient, _CMP_ORD_Q));
  return _mm256_add_epi32(_mm256_and_si256(_mm256_cvttps_epi32(clamped), is_number), zp);
}

template <bool HALF_AWAY>
void quantize(float scale, int32_t zero_point, const float* input, int8_t* output, size_t count) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256 lo = _mm256_set1_ps(static_cast<float>(-128 - zero_point));
  const __m256 hi = _mm256_set1_ps(static_cast<float>(127 - zero_point));
  const __m256i zp = _mm256_set1_epi32(zero_point);
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m256i a = quantize8<HALF_AWAY>(_mm256_loadu_ps(input + i), s, lo, hi, zp);
    const __m256i b = quantize8<HALF_AWAY>(_mm256_loadu_ps(input + i + 8), s, lo, hi, zp);
    // Values are in [-128, 127]: the saturating packs only reorder.
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
    const __m128i bytes = _mm_packs_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i), bytes);
  }
  if (i < count) {
    reference::quantize_f32_to_s8(HALF_AWAY ? RequantRule::kFixedPoint : RequantRule::kFp32, scale, zero_point,
                                  input + i, output + i, count - i);
  }
}

}  // namespace

void quantize_f32_s8__avx2(RequantRule rule, float scale, int32_t zero_point, const float* input, int8_t* output,
                           size_t count) {
  if (zero_point < -128 || zero_point > 127) {  // never prepared; the float bounds assume it
    reference::quantize_f32_to_s8(rule, scale, zero_point, input, output, count);
  } else if (rule == RequantRule::kFixedPoint) {
    quantize<true>(scale, zero_point, input, output, count);
  } else {
    quantize<false>(scale, zero_point, input, output, count);
  }
}

void dequantize_s8_f32__avx2(float scale, int32_t zero_point, const int8_t* input, float* output, size_t count) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256i zp = _mm256_set1_epi32(zero_point);
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256i x = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(input + i)));
    _mm256_storeu_ps(output + i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(x, zp)), s));
  }
  if (i < count) reference::dequantize_s8_to_f32(scale, zero_point, input + i, output + i, count - i);
}

}  // namespace qrt::x86
