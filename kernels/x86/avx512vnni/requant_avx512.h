// The AVX-512 requantization epilogues shared by this folder's kernels
// (GEMM, depthwise): 16 int32 accumulators in, 16 int32 outputs in
// [min, max] out, bit-exact with OutputRequant::apply (requantization.h).
// Included only by translation units compiled with this folder's flags; the
// namespace is per ISA so that no inline function is defined twice with
// different instruction sets (ODR).
#pragma once

// GCC 12's AVX-512 headers trip -Wuninitialized (and, once inlined,
// -Wmaybe-uninitialized) on _mm512_undefined_* (GCC bug 105593, fixed in
// 12.3); the warning is about the header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace qrt::x86::avx512 {

// fp32 rule: float(acc) * scale, clamp to [min - zp, max - zp] in float,
// round half to even (cvtps with the default MXCSR mode), add zp.
inline __m512i requant_fp32(__m512i acc, __m512 scale, __m512 lo, __m512 hi, __m512i zp) {
  __m512 x = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), scale);
  x = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
  return _mm512_add_epi32(_mm512_cvtps_epi32(x), zp);
}

// fixedpoint rule, double rounding (gemmlowp, TFLite's reference kernels):
// TFLite's MultiplyByQuantizedMultiplier, then zp and clamp.
// SaturatingRoundingDoublingHighMul(x, m) equals (x * m + 2^30) >> 31 in
// 64-bit arithmetic for every m > INT32_MIN (the reference's truncating
// division with its sign-dependent nudge reduces to this floor); the result's
// 32 bits are bits 31..62 of the sum. RoundingDivideByPOT as gemmlowp.
inline __m512i requant_fixedpoint(__m512i acc, __m512i multiplier, __m512i left, __m512i right, __m512i mask,
                                  __m512i lo, __m512i hi, __m512i zp) {
  const __m512i x = _mm512_sllv_epi32(acc, left);
  const __m512i round = _mm512_set1_epi64(int64_t{1} << 30);
  __m512i even = _mm512_mul_epi32(x, multiplier);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(multiplier, 32));
  even = _mm512_srli_epi64(_mm512_add_epi64(even, round), 31);
  odd = _mm512_slli_epi64(_mm512_add_epi64(odd, round), 1);
  const __m512i high = _mm512_mask_blend_epi32(0xAAAA, even, odd);
  const __m512i remainder = _mm512_and_si512(high, mask);
  const __m512i threshold = _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(high, 31));
  __m512i q = _mm512_srav_epi32(high, right);
  q = _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(remainder, threshold), q, _mm512_set1_epi32(1));
  q = _mm512_min_epi32(_mm512_max_epi32(q, lo), hi);
  return _mm512_add_epi32(q, zp);
}

// fixedpoint rule with ruy's single rounding (TFLite's CONV_2D and
// FULLY_CONNECTED): (acc * m + 2^(n-1)) >> n in 64 bits, n = 31 - shift,
// clamped in 64 bits (a multiplier above 1 can leave the int32 range), then
// zp. Even and odd lanes go through separate 64-bit halves.
struct SingleRoundingColumns {
  __m512i multiplier, shift_even, shift_odd, round_even, round_odd;
};

inline SingleRoundingColumns single_rounding_columns(const uint8_t* multipliers, const uint8_t* shifts) {
  SingleRoundingColumns s;
  s.multiplier = _mm512_loadu_si512(multipliers);
  const __m512i shift = _mm512_loadu_si512(shifts);
  const __m512i one = _mm512_set1_epi64(1);
  s.shift_even = _mm512_and_si512(shift, _mm512_set1_epi64(0xFFFFFFFF));
  s.shift_odd = _mm512_srli_epi64(shift, 32);
  s.round_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(s.shift_even, one));
  s.round_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(s.shift_odd, one));
  return s;
}

inline __m512i requant_single(__m512i acc, const SingleRoundingColumns& s, __m512i lo, __m512i hi, __m512i zp) {
  __m512i even = _mm512_mul_epi32(acc, s.multiplier);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(s.multiplier, 32));
  even = _mm512_srav_epi64(_mm512_add_epi64(even, s.round_even), s.shift_even);
  odd = _mm512_srav_epi64(_mm512_add_epi64(odd, s.round_odd), s.shift_odd);
  even = _mm512_min_epi64(_mm512_max_epi64(even, lo), hi);
  odd = _mm512_min_epi64(_mm512_max_epi64(odd, lo), hi);
  const __m512i q = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  return _mm512_add_epi32(q, zp);
}

// The three epilogues a tile can end with.
enum class Mode { kFp32, kFixedPointDouble, kFixedPointSingle };

// The end of a GEMM-layout tile (kernels/gemm_s8.h's packing: per column
// tile of NR columns, after the weights, the fp32 scales, or the fixedpoint
// multiplier, left shift, right shift and rounding mask, or the
// single-rounding multiplier and shift, NR int32 each): requantizes ROWS x NR
// accumulators, 16 per vector, and stores `cols` (<= NR) int8 columns of
// each row, c_stride bytes apart. Always inlined: the accumulators must stay
// in registers.
template <Mode MODE, int ROWS, int NR>
inline __attribute__((always_inline)) void requantize_store_tile(const __m512i (&acc)[ROWS][NR / 16],
                                                                 const uint8_t* epilogue, int32_t zero_point,
                                                                 int32_t min, int32_t max, int8_t* c, size_t c_stride,
                                                                 int cols) {
  constexpr int kVectors = NR / 16;
  const __m512i zp = _mm512_set1_epi32(zero_point);
  __m128i out[ROWS][kVectors];
  if constexpr (MODE == Mode::kFp32) {
    const __m512 lo = _mm512_set1_ps(static_cast<float>(min - zero_point));
    const __m512 hi = _mm512_set1_ps(static_cast<float>(max - zero_point));
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) {
      const __m512 scale = _mm512_loadu_ps(epilogue + 64 * v);
#pragma GCC unroll 8
      for (int r = 0; r < ROWS; ++r) out[r][v] = _mm512_cvtsepi32_epi8(requant_fp32(acc[r][v], scale, lo, hi, zp));
    }
  } else if constexpr (MODE == Mode::kFixedPointSingle) {
    const __m512i lo = _mm512_set1_epi64(min - zero_point);
    const __m512i hi = _mm512_set1_epi64(max - zero_point);
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) {
      const SingleRoundingColumns columns = single_rounding_columns(epilogue + 64 * v, epilogue + NR * 4 + 64 * v);
#pragma GCC unroll 8
      for (int r = 0; r < ROWS; ++r) out[r][v] = _mm512_cvtsepi32_epi8(requant_single(acc[r][v], columns, lo, hi, zp));
    }
  } else {
    const __m512i lo = _mm512_set1_epi32(min - zero_point);
    const __m512i hi = _mm512_set1_epi32(max - zero_point);
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) {
      const __m512i multiplier = _mm512_loadu_si512(epilogue + 64 * v);
      const __m512i left = _mm512_loadu_si512(epilogue + NR * 4 + 64 * v);
      const __m512i right = _mm512_loadu_si512(epilogue + NR * 8 + 64 * v);
      const __m512i mask = _mm512_loadu_si512(epilogue + NR * 12 + 64 * v);
#pragma GCC unroll 8
      for (int r = 0; r < ROWS; ++r) {
        out[r][v] = _mm512_cvtsepi32_epi8(requant_fixedpoint(acc[r][v], multiplier, left, right, mask, lo, hi, zp));
      }
    }
  }
  if (cols == NR) {
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) _mm_storeu_si128(reinterpret_cast<__m128i*>(c + r * c_stride + 16 * v), out[r][v]);
    }
  } else {
    for (int v = 0; v < kVectors; ++v) {
      const int n = std::min(std::max(cols - 16 * v, 0), 16);
      const __mmask16 store_mask = static_cast<__mmask16>((1u << n) - 1);
      for (int r = 0; r < ROWS; ++r) _mm_mask_storeu_epi8(c + r * c_stride + 16 * v, store_mask, out[r][v]);
    }
  }
}

}  // namespace qrt::x86::avx512
