// qs8_v{add,sub,mul}_minmax__neon: int8 ADD, SUB and MUL of same-shape
// inputs, 16 values per step (see kernels/arm/binary_s8.h). On ARMv7 this
// folder is compiled with -mfpu=neon.
//
// Each value minus its zero point fits int16 ([-255, 255]); the steps then
// run on int32x4 lanes with the shared epilogues of requant_neon.h, which
// are TFLite's SaturatingRoundingDoublingHighMul + RoundingDivideByPOT
// (fixedpoint) and float32 multiply, clamp, round half to even (fp32).
// ARMv7 NEON flushes subnormal floats to zero: a flushed product or ratio
// is below 2^-126, so it cannot move a sum that rounds to a nonzero integer
// (its half ulp is at least 2^-25), and a sum that small rounds to 0 either
// way.
#include <arm_neon.h>

#include <climits>
#include <cstddef>
#include <cstring>

#include "kernels/arm/binary_s8.h"
#include "kernels/arm/requant_neon.h"

namespace qrt::arm {
namespace {

size_t element_count(const reference::BinaryShapes& shapes) {
  size_t n = 1;
  for (int32_t d : shapes.output) n *= static_cast<size_t>(d);
  return n;
}

// A per-tensor Q31 multiplier in the form of the double-rounding epilogue.
QuadParams fixedpoint_params(const QuantizedMultiplier& q) {
  QuadParams p{};
  p.multiplier = vdupq_n_s32(q.multiplier);
  p.left = vdupq_n_s32(q.shift > 0 ? q.shift : 0);
  p.neg_right = vdupq_n_s32(q.shift > 0 ? 0 : q.shift);
  return p;
}

// 16 values minus their zero point, as two int16x8 halves.
struct Centered {
  int16x8_t half[2];
};

inline Centered center(int8x16_t v, int16x8_t zero_point) {
  return {{vsubq_s16(vmovl_s8(vget_low_s8(v)), zero_point), vsubq_s16(vmovl_s8(vget_high_s8(v)), zero_point)}};
}

// Quarter j (4 values) of a Centered block, widened to int32.
inline int32x4_t quarter(const Centered& c, int j) {
  const int16x8_t h = c.half[j / 2];
  return vmovl_s16(j % 2 == 0 ? vget_low_s16(h) : vget_high_s16(h));
}

// Runs `block(a, b)` (16 values of each input to 16 results) over n values;
// the tail goes through zero-filled copies so no access crosses the ends.
template <typename Block>
void for_each_block(size_t n, const int8_t* input1, const int8_t* input2, int8_t* output, const Block& block) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) vst1q_s8(output + i, block(vld1q_s8(input1 + i), vld1q_s8(input2 + i)));
  if (i < n) {
    int8_t a[16] = {}, b[16] = {}, out[16];
    std::memcpy(a, input1 + i, n - i);
    std::memcpy(b, input2 + i, n - i);
    vst1q_s8(out, block(vld1q_s8(a), vld1q_s8(b)));
    std::memcpy(output + i, out, n - i);
  }
}

template <bool SUBTRACT, bool FIXEDPOINT>
void add_sub(const reference::AddSubS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  const int16x8_t z1 = vdupq_n_s16(static_cast<int16_t>(p.input1_zero_point));
  const int16x8_t z2 = vdupq_n_s16(static_cast<int16_t>(p.input2_zero_point));
  const OutputBounds bounds = make_output_bounds(p.output_zero_point, p.clamp.min, p.clamp.max);
  // The rescaled inputs are neither clamped nor offset.
  const OutputBounds unbounded = make_output_bounds(0, INT_MIN, INT_MAX);
  const QuadParams r1 = fixedpoint_params(p.input1_multiplier), r2 = fixedpoint_params(p.input2_multiplier);
  const QuadParams ro = fixedpoint_params(p.output_multiplier);
  const int32x4_t left_shift = vdupq_n_s32(p.left_shift);
  const float32x4_t ratio1 = vdupq_n_f32(p.input1_output_ratio), ratio2 = vdupq_n_f32(p.input2_output_ratio);
  for_each_block(element_count(p.shapes), input1, input2, output, [&](int8x16_t a, int8x16_t b) {
    const Centered x1 = center(a, z1), x2 = center(b, z2);
    int32x4_t q[4];
    for (int j = 0; j < 4; ++j) {
      if constexpr (FIXEDPOINT) {
        const int32x4_t s1 = requant_fixedpoint(vshlq_s32(quarter(x1, j), left_shift), r1, unbounded);
        const int32x4_t s2 = requant_fixedpoint(vshlq_s32(quarter(x2, j), left_shift), r2, unbounded);
        q[j] = requant_fixedpoint(SUBTRACT ? vsubq_s32(s1, s2) : vaddq_s32(s1, s2), ro, bounds);
      } else {
        const float32x4_t f1 = vmulq_f32(vcvtq_f32_s32(quarter(x1, j)), ratio1);
        const float32x4_t f2 = vmulq_f32(vcvtq_f32_s32(quarter(x2, j)), ratio2);
        q[j] = clamp_round_fp32(SUBTRACT ? vsubq_f32(f1, f2) : vaddq_f32(f1, f2), bounds);
      }
    }
    return vcombine_s8(narrow_to_s8(q[0], q[1]), narrow_to_s8(q[2], q[3]));
  });
}

template <bool SUBTRACT>
void add_sub(const reference::AddSubS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  if (p.rule == RequantRule::kFixedPoint) {
    add_sub<SUBTRACT, true>(p, input1, input2, output);
  } else {
    add_sub<SUBTRACT, false>(p, input1, input2, output);
  }
}

// (x1 - z1) * (x2 - z2) is exact in int32 (VMULL of int16), then the
// output epilogue of the rule.
template <bool FIXEDPOINT>
void mul(const reference::MulS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  const int16x8_t z1 = vdupq_n_s16(static_cast<int16_t>(p.input1_zero_point));
  const int16x8_t z2 = vdupq_n_s16(static_cast<int16_t>(p.input2_zero_point));
  const OutputBounds bounds = make_output_bounds(p.output_zero_point, p.clamp.min, p.clamp.max);
  QuadParams params = fixedpoint_params(p.output_multiplier);
  params.scale = vdupq_n_f32(p.output_scale_ratio);
  for_each_block(element_count(p.shapes), input1, input2, output, [&](int8x16_t a, int8x16_t b) {
    const Centered x1 = center(a, z1), x2 = center(b, z2);
    int32x4_t q[4];
    for (int j = 0; j < 4; ++j) {
      const int16x8_t h1 = x1.half[j / 2], h2 = x2.half[j / 2];
      const int32x4_t product = j % 2 == 0 ? vmull_s16(vget_low_s16(h1), vget_low_s16(h2))
                                           : vmull_s16(vget_high_s16(h1), vget_high_s16(h2));
      if constexpr (FIXEDPOINT) {
        q[j] = requant_fixedpoint(product, params, bounds);
      } else {
        q[j] = requant_fp32(product, params, bounds);
      }
    }
    return vcombine_s8(narrow_to_s8(q[0], q[1]), narrow_to_s8(q[2], q[3]));
  });
}

}  // namespace

void qs8_vadd_minmax__neon(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output) {
  add_sub<false>(params, input1, input2, output);
}

void qs8_vsub_minmax__neon(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output) {
  add_sub<true>(params, input1, input2, output);
}

void qs8_vmul_minmax__neon(const reference::MulS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output) {
  if (params.rule == RequantRule::kFixedPoint) {
    mul<true>(params, input1, input2, output);
  } else {
    mul<false>(params, input1, input2, output);
  }
}

}  // namespace qrt::arm
