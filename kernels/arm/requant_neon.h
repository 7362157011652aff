// The NEON requantization epilogues shared by the kernels under kernels/arm/:
// int32x4 accumulators in, int8 in [min, max] out, bit-exact with
// OutputRequant::apply (kernels/requantization.h).
//
// Translation units compiled with different -march flags (neon, neondot,
// i8mm) include this header; the anonymous namespace gives each its own
// copy, so the linker can never hand the baseline NEON kernel an inline
// function compiled for a newer core (ODR).
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/requantization.h"

namespace qrt::arm {
namespace {

// The three epilogues a tile can end with.
enum class Mode { kFp32, kFixedPointDouble, kFixedPointSingle };

inline Mode mode_of(RequantRule rule, FixedPointRounding rounding) {
  if (rule == RequantRule::kFp32) return Mode::kFp32;
  return rounding == FixedPointRounding::kSingle ? Mode::kFixedPointSingle : Mode::kFixedPointDouble;
}

// Per-run output constants: the clamp bounds are applied before the zero
// point is added (they are min - zp and max - zp), so no int32 sum can wrap.
struct OutputBounds {
  float32x4_t float_lo, float_hi;  // fp32 rule
  int32x4_t lo, hi, zero_point;
};

inline OutputBounds make_output_bounds(int32_t zero_point, int32_t min, int32_t max) {
  OutputBounds b;
  b.float_lo = vdupq_n_f32(static_cast<float>(min - zero_point));
  b.float_hi = vdupq_n_f32(static_cast<float>(max - zero_point));
  b.lo = vdupq_n_s32(min - zero_point);
  b.hi = vdupq_n_s32(max - zero_point);
  b.zero_point = vdupq_n_s32(zero_point);
  return b;
}

// The epilogue values of four consecutive columns (or channels).
struct QuadParams {
  float32x4_t scale;                        // fp32
  int32x4_t multiplier;                     // fixedpoint
  int32x4_t left, neg_right;                // double rounding
  int64x2_t neg_shift_lo, neg_shift_hi;     // single rounding: -(31 - shift)
};

// `epilogue` is a packed epilogue of `width` columns (gemm_s8.h,
// dwconv_s8.h): float scale[width], or int32 arrays of `width` each:
// multiplier, left shift, right shift, mask (double) or multiplier,
// 31 - shift (single). `first` is the first of the four columns.
template <Mode MODE>
inline QuadParams load_quad_params(const uint8_t* epilogue, int width, int first) {
  QuadParams q{};
  if constexpr (MODE == Mode::kFp32) {
    q.scale = vld1q_f32(reinterpret_cast<const float*>(epilogue) + first);
  } else {
    const int32_t* v = reinterpret_cast<const int32_t*>(epilogue);
    q.multiplier = vld1q_s32(v + first);
    if constexpr (MODE == Mode::kFixedPointDouble) {
      q.left = vld1q_s32(v + width + first);
      q.neg_right = vnegq_s32(vld1q_s32(v + 2 * width + first));
    } else {
      const int32x4_t neg_shift = vnegq_s32(vld1q_s32(v + width + first));
      q.neg_shift_lo = vmovl_s32(vget_low_s32(neg_shift));
      q.neg_shift_hi = vmovl_s32(vget_high_s32(neg_shift));
    }
  }
  return q;
}

// The last steps of the fp32 rule on a float value: clamp in float, round
// half to even, add zp.
inline int32x4_t clamp_round_fp32(float32x4_t x, const OutputBounds& b) {
  x = vminq_f32(vmaxq_f32(x, b.float_lo), b.float_hi);
#if defined(__aarch64__)
  const int32x4_t rounded = vcvtnq_s32_f32(x);
#else
  // ARMv7 has no round-to-nearest conversion: adding 1.5 * 2^23 leaves the
  // integer rounded half to even in the low mantissa bits (|x| <= 255).
  const int32x4_t rounded =
      vsubq_s32(vreinterpretq_s32_f32(vaddq_f32(x, vdupq_n_f32(12582912.0f))), vdupq_n_s32(0x4B400000));
#endif
  return vaddq_s32(rounded, b.zero_point);
}

// fp32 rule: float(acc) * scale, clamp in float, round half to even, add zp.
// Advanced SIMD rounds to nearest even in every arithmetic step, as the
// scalar code does. ARMv7 NEON flushes denormals to zero, which cannot
// change the result: such a product rounds to 0 either way.
inline int32x4_t requant_fp32(int32x4_t acc, const QuadParams& q, const OutputBounds& b) {
  return clamp_round_fp32(vmulq_f32(vcvtq_f32_s32(acc), q.scale), b);
}

// fixedpoint rule, double rounding (gemmlowp; TFLite's reference kernels):
// VQRDMULH is SaturatingRoundingDoublingHighMul exactly, and
// RoundingDivideByPOT is a rounding shift (VRSHL, half up, no overflow)
// after subtracting 1 from negative values (saturating, which only
// INT32_MIN reaches, and its quotient is exact), as TFLite's NEON code does.
inline int32x4_t requant_fixedpoint(int32x4_t acc, const QuadParams& q, const OutputBounds& b) {
  const int32x4_t high = vqrdmulhq_s32(vshlq_s32(acc, q.left), q.multiplier);
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(high, q.neg_right), 31);
  const int32x4_t scaled = vrshlq_s32(vqaddq_s32(high, fixup), q.neg_right);
  return vaddq_s32(vminq_s32(vmaxq_s32(scaled, b.lo), b.hi), b.zero_point);
}

// fixedpoint rule with ruy's single rounding: (acc * m + 2^(n-1)) >> n in
// 64 bits (VMULL, then VRSHL by -n, n = 31 - shift in [1, 62]); saturating
// to int32 before the clamp changes nothing, the bounds being int32.
inline int32x4_t requant_single(int32x4_t acc, const QuadParams& q, const OutputBounds& b) {
  const int64x2_t lo = vrshlq_s64(vmull_s32(vget_low_s32(acc), vget_low_s32(q.multiplier)), q.neg_shift_lo);
  const int64x2_t hi = vrshlq_s64(vmull_s32(vget_high_s32(acc), vget_high_s32(q.multiplier)), q.neg_shift_hi);
  const int32x4_t scaled = vcombine_s32(vqmovn_s64(lo), vqmovn_s64(hi));
  return vaddq_s32(vminq_s32(vmaxq_s32(scaled, b.lo), b.hi), b.zero_point);
}

template <Mode MODE>
inline int32x4_t requant(int32x4_t acc, const QuadParams& q, const OutputBounds& b) {
  if constexpr (MODE == Mode::kFp32) {
    return requant_fp32(acc, q, b);
  } else if constexpr (MODE == Mode::kFixedPointDouble) {
    return requant_fixedpoint(acc, q, b);
  } else {
    return requant_single(acc, q, b);
  }
}

// Eight int32 lanes already in [-128, 127] to int8 (the saturating narrows
// only repack).
inline int8x8_t narrow_to_s8(int32x4_t a, int32x4_t b) {
  return vqmovn_s16(vcombine_s16(vqmovn_s32(a), vqmovn_s32(b)));
}

// The end of a GEMM tile: adds the per-row corrections (a per-tensor filter
// zero point; nullptr when there is none), requantizes ROWS x 4 QUADS
// accumulators with the tile's epilogue (its columns 0 .. 4 QUADS - 1) and
// stores the first `cols` columns of each row.
template <int ROWS, int QUADS, Mode MODE>
inline void requant_store_tile(int32x4_t (&acc)[ROWS][QUADS], const int32_t* row_corrections,
                               const uint8_t* epilogue, const OutputBounds& b, int8_t* c, size_t c_stride,
                               int cols) {
  static_assert(QUADS % 2 == 0, "columns are narrowed eight at a time");
  if (row_corrections != nullptr) {
    for (int r = 0; r < ROWS; ++r) {
      const int32x4_t correction = vdupq_n_s32(row_corrections[r]);
      for (int q = 0; q < QUADS; ++q) acc[r][q] = vaddq_s32(acc[r][q], correction);
    }
  }
  for (int q = 0; q < QUADS; ++q) {
    const QuadParams params = load_quad_params<MODE>(epilogue, 4 * QUADS, 4 * q);
    for (int r = 0; r < ROWS; ++r) acc[r][q] = requant<MODE>(acc[r][q], params, b);
  }
  for (int r = 0; r < ROWS; ++r) {
    int8_t bytes[4 * QUADS];
    for (int q = 0; q < QUADS; q += 2) vst1_s8(bytes + 4 * q, narrow_to_s8(acc[r][q], acc[r][q + 1]));
    if (cols == 4 * QUADS) {
      std::memcpy(c + r * c_stride, bytes, sizeof(bytes));
    } else {
      std::memcpy(c + r * c_stride, bytes, static_cast<size_t>(cols));
    }
  }
}

}  // namespace
}  // namespace qrt::arm
