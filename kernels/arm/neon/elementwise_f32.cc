// f32_vbinary_minmax__neon and f32_vunary__neon: float32 ADD / SUB / MUL and
// RELU / RELU6 / LEAKY_RELU / HARD_SWISH, 4 lanes per step and a buffered
// tail, with the reference's IEEE operations (no fused multiply-add), so
// they equal the reference as values (AArch64; ARMv7 NEON flushes
// subnormals to zero). HARD_SWISH: x * (clamp(x + 3, 0, 6) * (1/6)) in
// float32, within 3 FLT_EPSILON relative of the reference.
#include <arm_neon.h>

#include "kernels/arm/float_f32.h"
#include "kernels/arm/neon/float_neon.h"

namespace qrt::arm {
namespace {

inline float32x4_t binary(reference::BinaryOpF32 op, float32x4_t a, float32x4_t b) {
  switch (op) {
    case reference::BinaryOpF32::kAdd: return vaddq_f32(a, b);
    case reference::BinaryOpF32::kSub: return vsubq_f32(a, b);
    case reference::BinaryOpF32::kMul: return vmulq_f32(a, b);
  }
  return a;
}

inline float32x4_t unary(const reference::UnaryF32Params& p, float32x4_t x) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  switch (p.op) {
    // FMAX(x, 0): +0 for -0 and NaN for NaN, as the reference's relu.
    case reference::UnaryOpF32::kRelu: return vmaxq_f32(x, zero);
    case reference::UnaryOpF32::kRelu6: return vminq_f32(vmaxq_f32(x, zero), vdupq_n_f32(6.0f));
    case reference::UnaryOpF32::kLeakyRelu: return vbslq_f32(vcgeq_f32(x, zero), x, vmulq_f32(vdupq_n_f32(p.alpha), x));
    case reference::UnaryOpF32::kHardSwish: {
      const float32x4_t t = vminq_f32(vmaxq_f32(vaddq_f32(x, vdupq_n_f32(3.0f)), zero), vdupq_n_f32(6.0f));
      // t / 6 first: at most 1, so x * (t / 6) cannot overflow.
      return vmulq_f32(x, vmulq_f32(t, vdupq_n_f32(1.0f / 6.0f)));
    }
    default: return x;  // not a vector op (unary_f32_has_vector_form); the glue never sends it here
  }
}

}  // namespace

void f32_vbinary_minmax__neon(const VBinaryF32Params& p, const float* a, const float* b, float* y) {
  const ClampNeon clamp(p.clamp);
  size_t i = 0;
  if (p.scalar_b) {
    const float32x4_t vb = vdupq_n_f32(b[0]);
    for (; i + 4 <= p.count; i += 4) vst1q_f32(y + i, clamp(binary(p.op, vld1q_f32(a + i), vb)));
    if (i < p.count) {
      const size_t n = p.count - i;
      store_first_lanes(y + i, clamp(binary(p.op, load_first_lanes(a + i, n), vb)), n);
    }
    return;
  }
  for (; i + 4 <= p.count; i += 4) vst1q_f32(y + i, clamp(binary(p.op, vld1q_f32(a + i), vld1q_f32(b + i))));
  if (i < p.count) {
    const size_t n = p.count - i;
    store_first_lanes(y + i, clamp(binary(p.op, load_first_lanes(a + i, n), load_first_lanes(b + i, n))), n);
  }
}

void f32_vunary__neon(const reference::UnaryF32Params& p, const float* x, float* y, size_t count) {
  size_t i = 0;
  for (; i + 4 <= count; i += 4) vst1q_f32(y + i, unary(p, vld1q_f32(x + i)));
  if (i < count) store_first_lanes(y + i, unary(p, load_first_lanes(x + i, count - i)), count - i);
}

}  // namespace qrt::arm
