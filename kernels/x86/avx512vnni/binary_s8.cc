// qs8_v{add,sub,mul}_minmax__avx512vnni: int8 ADD, SUB and MUL of same-shape inputs, 16 values per step as int32 lanes (see
// kernels/x86/binary_s8.h). Compiled with this folder's flags (it needs only
// AVX-512 F/BW) and dispatched with the avx512vnni table.
#include <climits>
#include <cstddef>

#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/binary_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx512;  // the shared epilogues (requant_avx512.h)

size_t element_count(const reference::BinaryShapes& shapes) {
  size_t n = 1;
  for (int32_t d : shapes.output) n *= static_cast<size_t>(d);
  return n;
}

// A Q31 multiplier and shift as requant_fixedpoint takes them.
struct Rescale {
  __m512i multiplier, left, right, mask;
};

Rescale rescale(const QuantizedMultiplier& q) {
  const int32_t left = q.shift > 0 ? q.shift : 0;
  const int32_t right = q.shift > 0 ? 0 : -q.shift;
  return Rescale{_mm512_set1_epi32(q.multiplier), _mm512_set1_epi32(left), _mm512_set1_epi32(right),
                 _mm512_set1_epi32(static_cast<int32_t>((int64_t{1} << right) - 1))};
}

template <bool SUBTRACT>
void add_sub(const reference::AddSubS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  const size_t n = element_count(p.shapes);
  const __m512i z1 = _mm512_set1_epi32(p.input1_zero_point);
  const __m512i z2 = _mm512_set1_epi32(p.input2_zero_point);
  const __m512i zo = _mm512_set1_epi32(p.output_zero_point);
  const bool fixedpoint = p.rule == RequantRule::kFixedPoint;
  const Rescale r1 = rescale(p.input1_multiplier), r2 = rescale(p.input2_multiplier);
  const Rescale ro = rescale(p.output_multiplier);
  const __m128i left_shift = _mm_cvtsi32_si128(p.left_shift);
  const __m512i int_min = _mm512_set1_epi32(INT_MIN), int_max = _mm512_set1_epi32(INT_MAX);
  const __m512i zero = _mm512_setzero_si512();
  const __m512i lo = _mm512_set1_epi32(p.clamp.min - p.output_zero_point);
  const __m512i hi = _mm512_set1_epi32(p.clamp.max - p.output_zero_point);
  const __m512 ratio1 = _mm512_set1_ps(p.input1_output_ratio), ratio2 = _mm512_set1_ps(p.input2_output_ratio);
  const __m512 lo_f = _mm512_set1_ps(static_cast<float>(p.clamp.min - p.output_zero_point));
  const __m512 hi_f = _mm512_set1_ps(static_cast<float>(p.clamp.max - p.output_zero_point));
  for (size_t i = 0; i < n; i += 16) {
    const size_t count = n - i < 16 ? n - i : 16;
    const __mmask16 mask = static_cast<__mmask16>((1u << count) - 1);
    const __m512i x1 = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, input1 + i)), z1);
    const __m512i x2 = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, input2 + i)), z2);
    __m512i q;
    if (fixedpoint) {
      const __m512i s1 = requant_fixedpoint(_mm512_sll_epi32(x1, left_shift), r1.multiplier, r1.left, r1.right,
                                            r1.mask, int_min, int_max, zero);
      const __m512i s2 = requant_fixedpoint(_mm512_sll_epi32(x2, left_shift), r2.multiplier, r2.left, r2.right,
                                            r2.mask, int_min, int_max, zero);
      const __m512i raw = SUBTRACT ? _mm512_sub_epi32(s1, s2) : _mm512_add_epi32(s1, s2);
      q = requant_fixedpoint(raw, ro.multiplier, ro.left, ro.right, ro.mask, lo, hi, zo);
    } else {
      const __m512 a = _mm512_mul_ps(_mm512_cvtepi32_ps(x1), ratio1);
      const __m512 b = _mm512_mul_ps(_mm512_cvtepi32_ps(x2), ratio2);
      __m512 y = SUBTRACT ? _mm512_sub_ps(a, b) : _mm512_add_ps(a, b);
      y = _mm512_min_ps(_mm512_max_ps(y, lo_f), hi_f);
      q = _mm512_add_epi32(_mm512_cvtps_epi32(y), zo);
    }
    _mm_mask_storeu_epi8(output + i, mask, _mm512_cvtsepi32_epi8(q));
  }
}

void mul(const reference::MulS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  const size_t n = element_count(p.shapes);
  const __m512i z1 = _mm512_set1_epi32(p.input1_zero_point);
  const __m512i z2 = _mm512_set1_epi32(p.input2_zero_point);
  const __m512i zo = _mm512_set1_epi32(p.output_zero_point);
  const bool fixedpoint = p.rule == RequantRule::kFixedPoint;
  const Rescale ro = rescale(p.output_multiplier);
  const __m512i lo = _mm512_set1_epi32(p.clamp.min - p.output_zero_point);
  const __m512i hi = _mm512_set1_epi32(p.clamp.max - p.output_zero_point);
  const __m512 ratio = _mm512_set1_ps(p.output_scale_ratio);
  const __m512 lo_f = _mm512_set1_ps(static_cast<float>(p.clamp.min - p.output_zero_point));
  const __m512 hi_f = _mm512_set1_ps(static_cast<float>(p.clamp.max - p.output_zero_point));
  for (size_t i = 0; i < n; i += 16) {
    const size_t count = n - i < 16 ? n - i : 16;
    const __mmask16 mask = static_cast<__mmask16>((1u << count) - 1);
    const __m512i x1 = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, input1 + i)), z1);
    const __m512i x2 = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, input2 + i)), z2);
    const __m512i product = _mm512_mullo_epi32(x1, x2);
    const __m512i q = fixedpoint ? requant_fixedpoint(product, ro.multiplier, ro.left, ro.right, ro.mask, lo, hi, zo)
                                 : requant_fp32(product, ratio, lo_f, hi_f, zo);
    _mm_mask_storeu_epi8(output + i, mask, _mm512_cvtsepi32_epi8(q));
  }
}

}  // namespace

void qs8_vmul_minmax__avx512vnni(const reference::MulS8Params& params, const int8_t* input1, const int8_t* input2,
                                 int8_t* output) {
  mul(params, input1, input2, output);
}

void qs8_vadd_minmax__avx512vnni(const reference::AddSubS8Params& params, const int8_t* input1,
                                 const int8_t* input2, int8_t* output) {
  add_sub<false>(params, input1, input2, output);
}

void qs8_vsub_minmax__avx512vnni(const reference::AddSubS8Params& params, const int8_t* input1,
                                 const int8_t* input2, int8_t* output) {
  add_sub<true>(params, input1, input2, output);
}

}  // namespace qrt::x86
