// The AVX2 requantization epilogues shared by this folder's kernels (GEMM,
// IGEMM, depthwise; the AVX-VNNI GEMM too): 8 int32 accumulators in, 8
// int32 outputs in [min, max] out, bit-exact with OutputRequant::apply
// (requantization.h). Included only by translation units compiled with
// -mavx2 (and -mavx2 -mavxvnni); the functions have internal linkage (unnamed
// namespace), so no inline function is shared between translation units
// built with different instruction sets (ODR).
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace qrt::x86::avx2 {
namespace {

// fp32 rule, as requantize_fp32 (see the AVX-512 kernel).
inline __m256i requant_fp32(__m256i acc, __m256 scale, __m256 lo, __m256 hi, __m256i zp) {
  __m256 x = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), scale);
  x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
  return _mm256_add_epi32(_mm256_cvtps_epi32(x), zp);
}

// fixedpoint rule, double rounding, as requantize_fixedpoint: (x * m + 2^30) >> 31 is
// SaturatingRoundingDoublingHighMul for m > INT32_MIN (bits 31..62 of the
// 64-bit sum, so a logical shift serves), then RoundingDivideByPOT.
inline __m256i requant_fixedpoint(__m256i acc, __m256i multiplier, __m256i left, __m256i right, __m256i mask,
                                  __m256i lo, __m256i hi, __m256i zp) {
  const __m256i x = _mm256_sllv_epi32(acc, left);
  const __m256i round = _mm256_set1_epi64x(int64_t{1} << 30);
  __m256i even = _mm256_mul_epi32(x, multiplier);
  __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(multiplier, 32));
  even = _mm256_srli_epi64(_mm256_add_epi64(even, round), 31);
  odd = _mm256_slli_epi64(_mm256_add_epi64(odd, round), 1);
  const __m256i high = _mm256_blend_epi32(even, odd, 0xAA);
  const __m256i remainder = _mm256_and_si256(high, mask);
  const __m256i threshold = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(high, 31));
  __m256i q = _mm256_srav_epi32(high, right);
  q = _mm256_sub_epi32(q, _mm256_cmpgt_epi32(remainder, threshold));  // + 1 where remainder > threshold
  q = _mm256_min_epi32(_mm256_max_epi32(q, lo), hi);
  return _mm256_add_epi32(q, zp);
}

// fixedpoint rule with ruy's single rounding: (acc * m + 2^(n-1)) >> n in
// 64 bits, n = 31 - shift in [1, 62]. AVX2 has no 64-bit arithmetic shift, so
// the sum is biased by 2^62 (making it non-negative as uint64: |acc * m| <
// 2^62, the rounding term <= 2^61), shifted logically, and 2^(62-n)
// subtracted back: exact floor division. Clamped in 64 bits, then zp.
struct SingleRoundingColumns {
  __m256i multiplier, shift_even, shift_odd, bias_even, bias_odd, unbias_even, unbias_odd;
};

inline SingleRoundingColumns single_rounding_columns(const __m256i* multipliers, const __m256i* shifts) {
  SingleRoundingColumns s;
  s.multiplier = _mm256_loadu_si256(multipliers);
  const __m256i shift = _mm256_loadu_si256(shifts);
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i sixty_two = _mm256_set1_epi64x(62);
  const __m256i two_to_62 = _mm256_set1_epi64x(int64_t{1} << 62);
  s.shift_even = _mm256_and_si256(shift, _mm256_set1_epi64x(0xFFFFFFFF));
  s.shift_odd = _mm256_srli_epi64(shift, 32);
  s.bias_even = _mm256_add_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(s.shift_even, one)), two_to_62);
  s.bias_odd = _mm256_add_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(s.shift_odd, one)), two_to_62);
  s.unbias_even = _mm256_sllv_epi64(one, _mm256_sub_epi64(sixty_two, s.shift_even));
  s.unbias_odd = _mm256_sllv_epi64(one, _mm256_sub_epi64(sixty_two, s.shift_odd));
  return s;
}

inline __m256i clamp_epi64(__m256i x, __m256i lo, __m256i hi) {
  x = _mm256_blendv_epi8(x, lo, _mm256_cmpgt_epi64(lo, x));
  return _mm256_blendv_epi8(x, hi, _mm256_cmpgt_epi64(x, hi));
}

inline __m256i requant_single(__m256i acc, const SingleRoundingColumns& s, __m256i lo, __m256i hi, __m256i zp) {
  __m256i even = _mm256_mul_epi32(acc, s.multiplier);
  __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(s.multiplier, 32));
  even = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(even, s.bias_even), s.shift_even), s.unbias_even);
  odd = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(odd, s.bias_odd), s.shift_odd), s.unbias_odd);
  even = clamp_epi64(even, lo, hi);
  odd = clamp_epi64(odd, lo, hi);
  const __m256i q = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  return _mm256_add_epi32(q, zp);
}

// The three epilogues a tile can end with.
enum class Mode { kFp32, kFixedPointDouble, kFixedPointSingle };

// 16 int32 in range [-128, 127] (two vectors) to 16 int8, in order.
inline __m128i pack16(__m256i a, __m256i b) {
  const __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
  return _mm_packs_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}

}  // namespace
}  // namespace qrt::x86::avx2
