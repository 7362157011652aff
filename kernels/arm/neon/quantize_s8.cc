// quantize_f32_s8__neon and dequantize_s8_f32__neon: see
// kernels/arm/quantize_s8.h. AArch64 Advanced SIMD follows FPCR like scalar
// code (no flush to zero on Linux, round to nearest even), so each vector
// step rounds exactly as the reference's scalar step does.
#include "kernels/arm/quantize_s8.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#include "kernels/reference/quantize_s8.h"

namespace qrt::arm {

namespace {

// Eight quotients' worth: divide, round, clamp to [-128 - zp, 127 - zp] (the
// reference clamps rounded + zp to [-128, 127]; for integer-valued or
// infinite values the two agree), NaN to 0, then + zp.
template <bool HALF_AWAY>
inline int32x4_t quantize4(float32x4_t x, float32x4_t scale, float32x4_t lo, float32x4_t hi, int32x4_t zp) {
  const float32x4_t quotient = vdivq_f32(x, scale);
  const float32x4_t rounded = HALF_AWAY ? vrndaq_f32(quotient) : vrndnq_f32(quotient);
  const float32x4_t clamped = vminq_f32(vmaxq_f32(rounded, lo), hi);
  const uint32x4_t is_number = vceqq_f32(quotient, quotient);
  const int32x4_t q = vbslq_s32(is_number, vcvtq_s32_f32(clamped), vdupq_n_s32(0));
  return vaddq_s32(q, zp);
}

template <bool HALF_AWAY>
void quantize(float scale, int32_t zero_point, const float* input, int8_t* output, size_t count) {
  const float32x4_t s = vdupq_n_f32(scale);
  const float32x4_t lo = vdupq_n_f32(static_cast<float>(-128 - zero_point));
  const float32x4_t hi = vdupq_n_f32(static_cast<float>(127 - zero_point));
  const int32x4_t zp = vdupq_n_s32(zero_point);
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const int32x4_t a = quantize4<HALF_AWAY>(vld1q_f32(input + i), s, lo, hi, zp);
    const int32x4_t b = quantize4<HALF_AWAY>(vld1q_f32(input + i + 4), s, lo, hi, zp);
    vst1_s8(output + i, vqmovn_s16(vcombine_s16(vqmovn_s32(a), vqmovn_s32(b))));
  }
  if (i < count) {
    reference::quantize_f32_to_s8(HALF_AWAY ? RequantRule::kFixedPoint : RequantRule::kFp32, scale, zero_point,
                                  input + i, output + i, count - i);
  }
}

}  // namespace

void quantize_f32_s8__neon(RequantRule rule, float scale, int32_t zero_point, const float* input, int8_t* output,
                           size_t count) {
  if (zero_point < -128 || zero_point > 127) {  // never prepared; the float bounds assume it
    reference::quantize_f32_to_s8(rule, scale, zero_point, input, output, count);
  } else if (rule == RequantRule::kFixedPoint) {
    quantize<true>(scale, zero_point, input, output, count);
  } else {
    quantize<false>(scale, zero_point, input, output, count);
  }
}

void dequantize_s8_f32__neon(float scale, int32_t zero_point, const int8_t* input, float* output, size_t count) {
  const float32x4_t s = vdupq_n_f32(scale);
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(zero_point));
  size_t i = 0;
  // x - zp fits int16 for int8 x and zp in [-128, 127] (the only ones prepared).
  if (zero_point >= -128 && zero_point <= 127) {
    for (; i + 8 <= count; i += 8) {
      const int16x8_t centered = vsubq_s16(vmovl_s8(vld1_s8(input + i)), zp);
      vst1q_f32(output + i, vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(centered))), s));
      vst1q_f32(output + i + 4, vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_high_s16(centered))), s));
    }
  }
  if (i < count) reference::dequantize_s8_to_f32(scale, zero_point, input + i, output + i, count - i);
}

}  // namespace qrt::arm
#endif
