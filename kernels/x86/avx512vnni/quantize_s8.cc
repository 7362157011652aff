// quantize_f32_s8__avx512vnni and dequantize_s8_f32__avx512vnni: see
// kernels/x86/elementwise_s8.h. The AVX2 kernels' steps on 16 lanes (only
// AVX-512 F/BW/VL are used); the last partial vector is masked instead of
// left to the reference. Vector float steps round as the scalar reference
// does (IEEE division and multiplication, default MXCSR), so each lane
// equals it.
#include "kernels/reference/quantize_s8.h"
#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/elementwise_s8.h"

namespace qrt::x86 {
namespace {

// std::round on 16 floats: truncate, then step one away from zero where the
// dropped fraction is at least one half. q - trunc(q) is exact in float;
// infinities give NaN there, compare false and stay infinite.
inline __m512 round_half_away(__m512 q) {
  const __m512 truncated = _mm512_roundscale_ps(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512i sign_bit = _mm512_set1_epi32(static_cast<int32_t>(0x80000000u));
  const __m512i fraction = _mm512_andnot_si512(sign_bit, _mm512_castps_si512(_mm512_sub_ps(q, truncated)));
  const __mmask16 away = _mm512_cmp_ps_mask(_mm512_castsi512_ps(fraction), _mm512_set1_ps(0.5f), _CMP_GE_OQ);
  // +-1 with q's sign.
  const __m512 step = _mm512_castsi512_ps(
      _mm512_or_si512(_mm512_and_si512(_mm512_castps_si512(q), sign_bit), _mm512_castps_si512(_mm512_set1_ps(1.0f))));
  return _mm512_mask_add_ps(truncated, away, truncated, step);
}

// Sixteen quotients: divide, round, clamp to [-128 - zp, 127 - zp] (the
// reference clamps rounded + zp to [-128, 127]; for integer-valued or
// infinite values the two agree), NaN to 0, then + zp.
template <bool HALF_AWAY>
inline __m512i quantize16(__m512 x, __m512 scale, __m512 lo, __m512 hi, __m512i zp) {
  const __m512 quotient = _mm512_div_ps(x, scale);
  const __m512 rounded = HALF_AWAY ? round_half_away(quotient)
                                   : _mm512_roundscale_ps(quotient, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 clamped = _mm512_min_ps(_mm512_max_ps(rounded, lo), hi);
  const __mmask16 is_number = _mm512_cmp_ps_mask(quotient, quotient, _CMP_ORD_Q);
  return _mm512_add_epi32(_mm512_maskz_cvttps_epi32(is_number, clamped), zp);
}

template <bool HALF_AWAY>
void quantize(float scale, int32_t zero_point, const float* input, int8_t* output, size_t count) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(-128 - zero_point));
  const __m512 hi = _mm512_set1_ps(static_cast<float>(127 - zero_point));
  const __m512i zp = _mm512_set1_epi32(zero_point);
  size_t i = 0;
  for (; i + 64 <= count; i += 64) {
    // Values are in [-128, 127]: the saturating narrowings only reorder.
    __m128i bytes[4];
    for (int v = 0; v < 4; ++v) {
      bytes[v] = _mm512_cvtsepi32_epi8(quantize16<HALF_AWAY>(_mm512_loadu_ps(input + i + 16 * v), s, lo, hi, zp));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i), bytes[0]);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i + 16), bytes[1]);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i + 32), bytes[2]);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i + 48), bytes[3]);
  }
  for (; i < count; i += 16) {
    const size_t n = count - i < 16 ? count - i : 16;
    const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1);
    const __m512i q = quantize16<HALF_AWAY>(_mm512_maskz_loadu_ps(mask, input + i), s, lo, hi, zp);
    _mm512_mask_cvtsepi32_storeu_epi8(output + i, mask, q);
  }
}

}  // namespace

void quantize_f32_s8__avx512vnni(RequantRule rule, float scale, int32_t zero_point, const float* input,
                                 int8_t* output, size_t count) {
  if (zero_point < -128 || zero_point > 127) {  // never prepared; the float bounds assume it
    reference::quantize_f32_to_s8(rule, scale, zero_point, input, output, count);
  } else if (rule == RequantRule::kFixedPoint) {
    quantize<true>(scale, zero_point, input, output, count);
  } else {
    quantize<false>(scale, zero_point, input, output, count);
  }
}

void dequantize_s8_f32__avx512vnni(float scale, int32_t zero_point, const int8_t* input, float* output,
                                   size_t count) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512i zp = _mm512_set1_epi32(zero_point);
  auto convert = [&](__m128i bytes) {
    return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepi8_epi32(bytes), zp)), s);
  };
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    _mm512_storeu_ps(output + i, convert(_mm_loadu_si128(reinterpret_cast<const __m128i*>(input + i))));
  }
  if (i < count) {
    const __mmask16 mask = static_cast<__mmask16>((1u << (count - i)) - 1);
    _mm512_mask_storeu_ps(output + i, mask, convert(_mm_maskz_loadu_epi8(mask, input + i)));
  }
}

}  // namespace qrt::x86
