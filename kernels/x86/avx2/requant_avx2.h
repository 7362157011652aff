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

// fixedpoint rule, double rounding, as requantize_fixedpoint, before the zero
// point and the clamp: (x * m + 2^30) >> 31 is SaturatingRoundingDoublingHighMul
// for m > INT32_MIN (bits 31..62 of the 64-bit sum, so a logical shift
// serves), then RoundingDivideByPOT.
inline __m256i requant_fixedpoint_unshifted(__m256i acc, __m256i multiplier, __m256i left, __m256i right,
                                            __m256i mask) {
  const __m256i x = _mm256_sllv_epi32(acc, left);
  const __m256i round = _mm256_set1_epi64x(int64_t{1} << 30);
  __m256i even = _mm256_mul_epi32(x, multiplier);
  __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(multiplier, 32));
  even = _mm256_srli_epi64(_mm256_add_epi64(even, round), 31);
  odd = _mm256_slli_epi64(_mm256_add_epi64(odd, round), 1);
  const __m256i high = _mm256_blend_epi32(even, odd, 0xAA);
  const __m256i remainder = _mm256_and_si256(high, mask);
  const __m256i threshold = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(high, 31));
  const __m256i q = _mm256_srav_epi32(high, right);
  return _mm256_sub_epi32(q, _mm256_cmpgt_epi32(remainder, threshold));  // + 1 where remainder > threshold
}

// fixedpoint rule, double rounding: the above, clamped to [min - zp, max - zp], + zp.
inline __m256i requant_fixedpoint(__m256i acc, __m256i multiplier, __m256i left, __m256i right, __m256i mask,
                                  __m256i lo, __m256i hi, __m256i zp) {
  const __m256i q = requant_fixedpoint_unshifted(acc, multiplier, left, right, mask);
  return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(q, lo), hi), zp);
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

// Clamped to [lo, hi] = [min - zp, max - zp], before the zero point.
inline __m256i requant_single_unshifted(__m256i acc, const SingleRoundingColumns& s, __m256i lo, __m256i hi) {
  __m256i even = _mm256_mul_epi32(acc, s.multiplier);
  __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(s.multiplier, 32));
  even = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(even, s.bias_even), s.shift_even), s.unbias_even);
  odd = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_add_epi64(odd, s.bias_odd), s.shift_odd), s.unbias_odd);
  even = clamp_epi64(even, lo, hi);
  odd = clamp_epi64(odd, lo, hi);
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

inline __m256i requant_single(__m256i acc, const SingleRoundingColumns& s, __m256i lo, __m256i hi, __m256i zp) {
  return _mm256_add_epi32(requant_single_unshifted(acc, s, lo, hi), zp);
}

// The GEMM tiles' cheaper ending (XNNPACK's): the requantized value q
// without the zero point, in int32, is narrowed with saturating packs (int32
// to int16, + zero point saturating in int16, int16 to int8) and clamped to
// [min, max] in int8. Every step is monotone and exact inside [-128, 127],
// and min, max lie inside it, so the byte is clamp(q + zero point, min, max)
// for every int32 q: a q past int16 saturates to a byte beyond the clamp on
// the same side. The fp32 rule still clamps above in float first, since
// vcvtps2dq turns x >= 2^31 into INT32_MIN.

// fp32 rule before the zero point: nearbyint(min(acc * scale, max - zp)).
// The lower clamp is left to the byte clamp (a huge negative x becomes
// INT32_MIN, which saturates to -128).
inline __m256i requant_fp32_unshifted(__m256i acc, __m256 scale, __m256 hi) {
  const __m256 x = _mm256_min_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(acc), scale), hi);
  return _mm256_cvtps_epi32(x);
}

// The zero point and the bounds of the byte ending.
struct ByteEnding {
  __m256i zero_point16, min8, max8;
};

inline ByteEnding byte_ending(int32_t zero_point, int32_t min, int32_t max) {
  return {_mm256_set1_epi16(static_cast<int16_t>(zero_point)), _mm256_set1_epi8(static_cast<char>(min)),
          _mm256_set1_epi8(static_cast<char>(max))};
}

// Two rows of 16 unshifted values (a0 a1: columns 0-7, 8-15 of one row; b0
// b1 of the next) to bytes: row a in the low 128 bits, row b in the high.
inline __m256i bytes_of_two_rows(__m256i a0, __m256i a1, __m256i b0, __m256i b1, const ByteEnding& e) {
  const __m256i a = _mm256_adds_epi16(_mm256_packs_epi32(a0, a1), e.zero_point16);
  const __m256i b = _mm256_adds_epi16(_mm256_packs_epi32(b0, b1), e.zero_point16);
  __m256i bytes = _mm256_packs_epi16(a, b);
  bytes = _mm256_min_epi8(_mm256_max_epi8(bytes, e.min8), e.max8);
  // The packs work per 128-bit lane: 4-byte groups a0[0:4] a1[0:4] b0[0:4]
  // b1[0:4] | a0[4:8] a1[4:8] b0[4:8] b1[4:8]; put each row in order.
  return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
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
