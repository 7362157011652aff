// qs8_v{add,sub,mul}_minmax__avx2: int8 ADD, SUB and MUL of same-shape inputs, 8 values per step as int32 lanes (see
// kernels/x86/binary_s8.h). Compiled with -mavx2.
#include <climits>
#include <cstddef>
#include <cstring>

#include "kernels/x86/avx2/requant_avx2.h"
#include "kernels/x86/binary_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx2;  // the shared epilogues (requant_avx2.h)

size_t element_count(const reference::BinaryShapes& shapes) {
  size_t n = 1;
  for (int32_t d : shapes.output) n *= static_cast<size_t>(d);
  return n;
}

struct Rescale {
  __m256i multiplier, left, right, mask;
};

Rescale rescale(const QuantizedMultiplier& q) {
  const int32_t left = q.shift > 0 ? q.shift : 0;
  const int32_t right = q.shift > 0 ? 0 : -q.shift;
  return Rescale{_mm256_set1_epi32(q.multiplier), _mm256_set1_epi32(left), _mm256_set1_epi32(right),
                 _mm256_set1_epi32(static_cast<int32_t>((int64_t{1} << right) - 1))};
}

// 8 int8 widened to int32; a tail of count < 8 is copied first so no load
// crosses the end of the input.
inline __m256i load8(const int8_t* p, size_t count) {
  int64_t bits = 0;
  std::memcpy(&bits, p, count);
  return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits));
}

template <bool SUBTRACT>
void add_sub(const reference::AddSubS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  const size_t n = element_count(p.shapes);
  const __m256i z1 = _mm256_set1_epi32(p.input1_zero_point);
  const __m256i z2 = _mm256_set1_epi32(p.input2_zero_point);
  const __m256i zo = _mm256_set1_epi32(p.output_zero_point);
  const bool fixedpoint = p.rule == RequantRule::kFixedPoint;
  const Rescale r1 = rescale(p.input1_multiplier), r2 = rescale(p.input2_multiplier);
  const Rescale ro = rescale(p.output_multiplier);
  const __m128i left_shift = _mm_cvtsi32_si128(p.left_shift);
  const __m256i int_min = _mm256_set1_epi32(INT_MIN), int_max = _mm256_set1_epi32(INT_MAX);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i lo = _mm256_set1_epi32(p.clamp.min - p.output_zero_point);
  const __m256i hi = _mm256_set1_epi32(p.clamp.max - p.output_zero_point);
  const __m256 ratio1 = _mm256_set1_ps(p.input1_output_ratio), ratio2 = _mm256_set1_ps(p.input2_output_ratio);
  const __m256 lo_f = _mm256_set1_ps(static_cast<float>(p.clamp.min - p.output_zero_point));
  const __m256 hi_f = _mm256_set1_ps(static_cast<float>(p.clamp.max - p.output_zero_point));
  for (size_t i = 0; i < n; i += 8) {
    const size_t count = n - i < 8 ? n - i : 8;
    const __m256i x1 = _mm256_sub_epi32(load8(input1 + i, count), z1);
    const __m256i x2 = _mm256_sub_epi32(load8(input2 + i, count), z2);
    __m256i q;
    if (fixedpoint) {
      const __m256i s1 = requant_fixedpoint(_mm256_sll_epi32(x1, left_shift), r1.multiplier, r1.left, r1.right,
                                            r1.mask, int_min, int_max, zero);
      const __m256i s2 = requant_fixedpoint(_mm256_sll_epi32(x2, left_shift), r2.multiplier, r2.left, r2.right,
                                            r2.mask, int_min, int_max, zero);
      const __m256i raw = SUBTRACT ? _mm256_sub_epi32(s1, s2) : _mm256_add_epi32(s1, s2);
      q = requant_fixedpoint(raw, ro.multiplier, ro.left, ro.right, ro.mask, lo, hi, zo);
    } else {
      const __m256 a = _mm256_mul_ps(_mm256_cvtepi32_ps(x1), ratio1);
      const __m256 b = _mm256_mul_ps(_mm256_cvtepi32_ps(x2), ratio2);
      __m256 y = SUBTRACT ? _mm256_sub_ps(a, b) : _mm256_add_ps(a, b);
      y = _mm256_min_ps(_mm256_max_ps(y, lo_f), hi_f);
      q = _mm256_add_epi32(_mm256_cvtps_epi32(y), zo);
    }
    // Values are in [-128, 127]: the saturating packs only narrow.
    const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    const int64_t bytes = _mm_cvtsi128_si64(_mm_packs_epi16(words, words));
    std::memcpy(output + i, &bytes, count);
  }
}

void mul(const reference::MulS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  const size_t n = element_count(p.shapes);
  const __m256i z1 = _mm256_set1_epi32(p.input1_zero_point);
  const __m256i z2 = _mm256_set1_epi32(p.input2_zero_point);
  const __m256i zo = _mm256_set1_epi32(p.output_zero_point);
  const bool fixedpoint = p.rule == RequantRule::kFixedPoint;
  const Rescale ro = rescale(p.output_multiplier);
  const __m256i lo = _mm256_set1_epi32(p.clamp.min - p.output_zero_point);
  const __m256i hi = _mm256_set1_epi32(p.clamp.max - p.output_zero_point);
  const __m256 ratio = _mm256_set1_ps(p.output_scale_ratio);
  const __m256 lo_f = _mm256_set1_ps(static_cast<float>(p.clamp.min - p.output_zero_point));
  const __m256 hi_f = _mm256_set1_ps(static_cast<float>(p.clamp.max - p.output_zero_point));
  for (size_t i = 0; i < n; i += 8) {
    const size_t count = n - i < 8 ? n - i : 8;
    const __m256i x1 = _mm256_sub_epi32(load8(input1 + i, count), z1);
    const __m256i x2 = _mm256_sub_epi32(load8(input2 + i, count), z2);
    const __m256i product = _mm256_mullo_epi32(x1, x2);
    const __m256i q = fixedpoint ? requant_fixedpoint(product, ro.multiplier, ro.left, ro.right, ro.mask, lo, hi, zo)
                                 : requant_fp32(product, ratio, lo_f, hi_f, zo);
    const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    const int64_t bytes = _mm_cvtsi128_si64(_mm_packs_epi16(words, words));
    std::memcpy(output + i, &bytes, count);
  }
}

}  // namespace

void qs8_vmul_minmax__avx2(const reference::MulS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output) {
  mul(params, input1, input2, output);
}

void qs8_vadd_minmax__avx2(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output) {
  add_sub<false>(params, input1, input2, output);
}

void qs8_vsub_minmax__avx2(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output) {
  add_sub<true>(params, input1, input2, output);
}

}  // namespace qrt::x86
