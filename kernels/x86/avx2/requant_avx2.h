// The AVX2 requantization epilogues shared by this folder's kernels (GEMM,
// IGEMM, depthwise; the AVX-VNNI GEMM too): 8 int32 accumulators in, 8
// int32 outputs in [min, max] out, bit-exact with OutputRequant::apply
// (requantization.h). Included only by translation units compiled with
// -mavx2 (and -mavx2 -mavxvnni); the functions have internal linkage (unnamed
// namespace), so no inline function is shared between translation units
// built with different instruction sets (ODR).
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

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


// Adds each row's correction (gemm_driver.h; nullptr: none) to its accumulators.
template <int ROWS, int VECTORS>
inline __attribute__((always_inline)) void add_row_corrections(__m256i (&acc)[ROWS][VECTORS],
                                                               const int32_t* row_corrections) {
  if (row_corrections == nullptr) return;
#pragma GCC unroll 6
  for (int r = 0; r < ROWS; ++r) {
    const __m256i correction = _mm256_set1_epi32(row_corrections[r]);
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) acc[r][v] = _mm256_add_epi32(acc[r][v], correction);
  }
}

// Stores the first `cols` (1 to 16) bytes of one row of a 16-column tile.
inline void store_row16(int8_t* c, __m128i bytes, int cols) {
  if (cols == 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(c), bytes);
    return;
  }
  // Piecewise, lowest bytes first, without a round trip through memory.
  if (cols & 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(c), bytes);
    bytes = _mm_srli_si128(bytes, 8);
    c += 8;
  }
  uint32_t low = static_cast<uint32_t>(_mm_cvtsi128_si32(bytes));
  if (cols & 4) {
    std::memcpy(c, &low, 4);
    low = static_cast<uint32_t>(_mm_extract_epi32(bytes, 1));
    c += 4;
  }
  if (cols & 2) {
    const uint16_t pair = static_cast<uint16_t>(low);
    std::memcpy(c, &pair, 2);
    low >>= 16;
    c += 2;
  }
  if (cols & 1) *c = static_cast<int8_t>(low);
}

// The end of a 16-column GEMM tile (the AVX2 and AVX-VNNI kernels): ROWS
// rows of VECTORS (1 or 2) accumulator vectors of 8 columns, requantized
// with the tile's epilogue values (gemm_s8.h: each value laid out for the
// whole tile, two vectors), and the first `cols` bytes of each row stored.
// VECTORS == 1 serves a last tile of at most 8 columns.
template <int ROWS, Mode MODE, int VECTORS>
inline __attribute__((always_inline)) void requantize_store_tile(__m256i (&acc)[ROWS][VECTORS],
                                                                 const uint8_t* epilogue, int32_t zero_point,
                                                                 int32_t min, int32_t max, int8_t* c,
                                                                 size_t c_stride, int cols) {
  static_assert(VECTORS == 1 || VECTORS == 2, "a tile is 16 columns, two vectors");
  constexpr int kTileVectors = 2;
  // Requantized values without the zero point; the byte ending adds it and
  // clamps.
  if constexpr (MODE == Mode::kFp32) {
    const __m256 hi = _mm256_set1_ps(static_cast<float>(max - zero_point));
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) {
      const __m256 scale = _mm256_loadu_ps(reinterpret_cast<const float*>(epilogue) + 8 * v);
#pragma GCC unroll 6
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_fp32_unshifted(acc[r][v], scale, hi);
    }
  } else if constexpr (MODE == Mode::kFixedPointSingle) {
    const __m256i lo = _mm256_set1_epi64x(min - zero_point);
    const __m256i hi = _mm256_set1_epi64x(max - zero_point);
    const __m256i* values = reinterpret_cast<const __m256i*>(epilogue);
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) {
      const SingleRoundingColumns columns = single_rounding_columns(values + v, values + kTileVectors + v);
#pragma GCC unroll 6
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_single_unshifted(acc[r][v], columns, lo, hi);
    }
  } else {
    const __m256i* values = reinterpret_cast<const __m256i*>(epilogue);
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) {
      const __m256i multiplier = _mm256_loadu_si256(values + v);
      const __m256i left = _mm256_loadu_si256(values + kTileVectors + v);
      const __m256i right = _mm256_loadu_si256(values + 2 * kTileVectors + v);
      const __m256i mask = _mm256_loadu_si256(values + 3 * kTileVectors + v);
#pragma GCC unroll 6
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_fixedpoint_unshifted(acc[r][v], multiplier, left, right, mask);
    }
  }
  const ByteEnding ending = byte_ending(zero_point, min, max);
  if constexpr (VECTORS == 2) {
#pragma GCC unroll 3
    for (int r = 0; r < ROWS; r += 2) {
      // An odd last row is paired with itself; only its low half is stored.
      const int r1 = r + 1 < ROWS ? r + 1 : r;
      const __m256i bytes = bytes_of_two_rows(acc[r][0], acc[r][1], acc[r1][0], acc[r1][1], ending);
      store_row16(c + r * c_stride, _mm256_castsi256_si128(bytes), cols);
      if (r + 1 < ROWS) store_row16(c + (r + 1) * c_stride, _mm256_extracti128_si256(bytes, 1), cols);
    }
  } else {
    // Four rows of 8 per byte vector, 8 bytes each in row order (rows past
    // ROWS repeat the last one and are not stored).
#pragma GCC unroll 2
    for (int r = 0; r < ROWS; r += 4) {
      const __m256i bytes = bytes_of_two_rows(acc[r][0], acc[std::min(r + 1, ROWS - 1)][0],
                                              acc[std::min(r + 2, ROWS - 1)][0],
                                              acc[std::min(r + 3, ROWS - 1)][0], ending);
      const __m128i low = _mm256_castsi256_si128(bytes), high = _mm256_extracti128_si256(bytes, 1);
      store_row16(c + r * c_stride, low, cols);
      if (r + 1 < ROWS) store_row16(c + (r + 1) * c_stride, _mm_srli_si128(low, 8), cols);
      if (r + 2 < ROWS) store_row16(c + (r + 2) * c_stride, high, cols);
      if (r + 3 < ROWS) store_row16(c + (r + 3) * c_stride, _mm_srli_si128(high, 8), cols);
    }
  }
}

}  // namespace
}  // namespace qrt::x86::avx2
