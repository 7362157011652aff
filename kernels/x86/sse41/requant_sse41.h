// The SSE4.1 requantization epilogues shared by this folder's kernels (GEMM,
// IGEMM, depthwise): 4 int32 accumulators in, 4 int32 outputs in [min, max]
// out, bit-exact with OutputRequant::apply (requantization.h). Included only
// by translation units compiled with -msse4.1; the functions have internal
// linkage (unnamed namespace) so no inline function is shared between
// translation units built with different instruction sets (ODR).
//
// SSE4.1 has no per-lane variable shift (AVX2's vpsllvd / vpsravd /
// vpsrlvq) and no 64-bit compare (pcmpgtq is SSE4.2): per-channel shifts
// are done as one uniform shift per lane and a blend, the count registers
// prepared once per column vector (a tile shares them over its rows), and
// the 64-bit clamp uses the sign of a difference that cannot overflow.
#pragma once

#include <smmintrin.h>

#include <cstdint>

namespace qrt::x86::sse41 {
namespace {

// The three epilogues a tile can end with.
enum class Mode { kFp32, kFixedPointDouble, kFixedPointSingle };

// fp32 rule, as requantize_fp32: float product, clamp in float, round half
// to even (cvtps2dq under the default MXCSR), plus the zero point.
inline __m128i requant_fp32(__m128i acc, __m128 scale, __m128 lo, __m128 hi, __m128i zp) {
  __m128 x = _mm_mul_ps(_mm_cvtepi32_ps(acc), scale);
  x = _mm_min_ps(_mm_max_ps(x, lo), hi);
  return _mm_add_epi32(_mm_cvtps_epi32(x), zp);
}

// Four shift counts, one per lane, each in the form psrad / psrlq take.
struct LaneCounts {
  __m128i count[4];
};

inline LaneCounts lane_counts(__m128i counts) {
  LaneCounts c;
  c.count[0] = _mm_cvtsi32_si128(_mm_extract_epi32(counts, 0));
  c.count[1] = _mm_cvtsi32_si128(_mm_extract_epi32(counts, 1));
  c.count[2] = _mm_cvtsi32_si128(_mm_extract_epi32(counts, 2));
  c.count[3] = _mm_cvtsi32_si128(_mm_extract_epi32(counts, 3));
  return c;
}

// x >> count[lane], arithmetic, lane by lane.
inline __m128i sra_lanes(__m128i x, const LaneCounts& c) {
  const __m128i a = _mm_blend_epi16(_mm_sra_epi32(x, c.count[0]), _mm_sra_epi32(x, c.count[1]), 0x0C);
  const __m128i b = _mm_blend_epi16(_mm_sra_epi32(x, c.count[2]), _mm_sra_epi32(x, c.count[3]), 0xC0);
  return _mm_blend_epi16(a, b, 0xF0);
}

// The per-column values of the double-rounding rule, prepared once per
// column vector: 2^left (modulo 2^32: cvttps2dq turns 2^31 into 0x80000000,
// which is 2^31 modulo 2^32, so x * 2^left wraps exactly like x << left),
// the Q31 multiplier, the right-shift counts and the remainder mask.
struct DoubleRoundingColumns {
  __m128i multiplier, left_pow2, mask;
  LaneCounts right;
};

inline DoubleRoundingColumns double_rounding_columns(__m128i multiplier, __m128i left, __m128i right, __m128i mask) {
  DoubleRoundingColumns d;
  d.multiplier = multiplier;
  const __m128i exponent_bits = _mm_slli_epi32(_mm_add_epi32(left, _mm_set1_epi32(127)), 23);
  d.left_pow2 = _mm_cvttps_epi32(_mm_castsi128_ps(exponent_bits));
  d.mask = mask;
  d.right = lane_counts(right);
  return d;
}

// fixedpoint rule, double rounding, as requantize_fixedpoint: (x * m + 2^30)
// >> 31 is SaturatingRoundingDoublingHighMul for m > INT32_MIN (bits 31..62
// of the 64-bit sum, so a logical shift serves), then RoundingDivideByPOT.
inline __m128i requant_fixedpoint(__m128i acc, const DoubleRoundingColumns& d, __m128i lo, __m128i hi, __m128i zp) {
  const __m128i x = _mm_mullo_epi32(acc, d.left_pow2);
  const __m128i round = _mm_set1_epi64x(int64_t{1} << 30);
  __m128i even = _mm_mul_epi32(x, d.multiplier);
  __m128i odd = _mm_mul_epi32(_mm_srli_epi64(x, 32), _mm_srli_epi64(d.multiplier, 32));
  even = _mm_srli_epi64(_mm_add_epi64(even, round), 31);
  odd = _mm_slli_epi64(_mm_add_epi64(odd, round), 1);
  const __m128i high = _mm_blend_epi16(even, odd, 0xCC);
  const __m128i remainder = _mm_and_si128(high, d.mask);
  const __m128i threshold = _mm_sub_epi32(_mm_srli_epi32(d.mask, 1), _mm_srai_epi32(high, 31));
  __m128i q = sra_lanes(high, d.right);
  q = _mm_sub_epi32(q, _mm_cmpgt_epi32(remainder, threshold));  // + 1 where remainder > threshold
  q = _mm_min_epi32(_mm_max_epi32(q, lo), hi);
  return _mm_add_epi32(q, zp);
}

// fixedpoint rule with ruy's single rounding: (acc * m + 2^(n-1)) >> n in
// 64 bits, n = 31 - shift in [1, 62]. SSE has no 64-bit arithmetic shift,
// so (as in the AVX2 kernels) the sum is biased by 2^62 (non-negative as
// uint64: |acc * m| <= 2^62, the rounding term <= 2^61), shifted
// logically, and 2^(62-n) subtracted back: exact floor division. The even
// products hold channels 0 and 2, the odd ones 1 and 3.
struct SingleRoundingColumns {
  __m128i multiplier, bias_even, bias_odd, unbias_even, unbias_odd;
  LaneCounts shift;
};

inline SingleRoundingColumns single_rounding_columns(__m128i multiplier, __m128i shifts) {
  SingleRoundingColumns s;
  s.multiplier = multiplier;
  s.shift = lane_counts(shifts);
  int64_t bias[4], unbias[4];
  const int32_t n[4] = {_mm_extract_epi32(shifts, 0), _mm_extract_epi32(shifts, 1), _mm_extract_epi32(shifts, 2),
                        _mm_extract_epi32(shifts, 3)};
  for (int j = 0; j < 4; ++j) {
    // Padding columns and channels (past N) hold 0: any count in [1, 62]
    // serves them, and keeps these shifts defined.
    const int count = n[j] < 1 ? 1 : n[j] > 62 ? 62 : n[j];
    bias[j] = (int64_t{1} << (count - 1)) + (int64_t{1} << 62);
    unbias[j] = int64_t{1} << (62 - count);
  }
  s.bias_even = _mm_set_epi64x(bias[2], bias[0]);
  s.bias_odd = _mm_set_epi64x(bias[3], bias[1]);
  s.unbias_even = _mm_set_epi64x(unbias[2], unbias[0]);
  s.unbias_odd = _mm_set_epi64x(unbias[3], unbias[1]);
  return s;
}

// Clamps two int64 lanes with |x| < 2^62 to [lo, hi] (small bounds): x < lo
// exactly when x - lo is negative, which cannot overflow here.
inline __m128i clamp_epi64(__m128i x, __m128i lo, __m128i hi) {
  const __m128i below = _mm_shuffle_epi32(_mm_srai_epi32(_mm_sub_epi64(x, lo), 31), _MM_SHUFFLE(3, 3, 1, 1));
  x = _mm_blendv_epi8(x, lo, below);
  const __m128i above = _mm_shuffle_epi32(_mm_srai_epi32(_mm_sub_epi64(hi, x), 31), _MM_SHUFFLE(3, 3, 1, 1));
  return _mm_blendv_epi8(x, hi, above);
}

inline __m128i requant_single(__m128i acc, const SingleRoundingColumns& s, __m128i lo, __m128i hi, __m128i zp) {
  __m128i even = _mm_add_epi64(_mm_mul_epi32(acc, s.multiplier), s.bias_even);
  __m128i odd = _mm_add_epi64(_mm_mul_epi32(_mm_srli_epi64(acc, 32), _mm_srli_epi64(s.multiplier, 32)), s.bias_odd);
  even = _mm_blend_epi16(_mm_srl_epi64(even, s.shift.count[0]), _mm_srl_epi64(even, s.shift.count[2]), 0xF0);
  odd = _mm_blend_epi16(_mm_srl_epi64(odd, s.shift.count[1]), _mm_srl_epi64(odd, s.shift.count[3]), 0xF0);
  even = clamp_epi64(_mm_sub_epi64(even, s.unbias_even), lo, hi);
  odd = clamp_epi64(_mm_sub_epi64(odd, s.unbias_odd), lo, hi);
  const __m128i q = _mm_blend_epi16(even, _mm_slli_epi64(odd, 32), 0xCC);
  return _mm_add_epi32(q, zp);
}

// 8 int32 in [-128, 127] (two vectors) to 8 int8 in the low half, in order.
inline __m128i pack8(__m128i a, __m128i b) {
  const __m128i words = _mm_packs_epi32(a, b);
  return _mm_packs_epi16(words, words);
}

}  // namespace
}  // namespace qrt::x86::sse41
