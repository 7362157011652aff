// f32_gemm_minmax_4x8__neon: the float32 GEMM / indirect GEMM micro-kernel
// (kernels/gemm_f32.h) for NEON. Per K step one packed row of 8 weights (two
// q registers), one A value per row, 8 multiply-adds into 8 accumulators.
#include <arm_neon.h>

#include "kernels/arm/float_f32.h"
#include "kernels/arm/neon/float_neon.h"

namespace qrt::arm {

void f32_gemm_minmax_4x8__neon(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* packed,
                               float* c, size_t c_stride, const reference::ClampF32& clamp) {
  float32x4_t acc0a = vld1q_f32(packed), acc0b = vld1q_f32(packed + 4);
  float32x4_t acc1a = acc0a, acc1b = acc0b, acc2a = acc0a, acc2b = acc0b, acc3a = acc0a, acc3b = acc0b;
  const float* w = packed + 8;
  for (size_t t = 0; t < ks; ++t) {
    const float* a0 = a[t * 4 + 0];
    const float* a1 = a[t * 4 + 1];
    const float* a2 = a[t * 4 + 2];
    const float* a3 = a[t * 4 + 3];
    for (size_t k = 0; k < kc; ++k) {
      const float32x4_t wa = vld1q_f32(w), wb = vld1q_f32(w + 4);
      w += 8;
      const float x0 = a0[k], x1 = a1[k], x2 = a2[k], x3 = a3[k];
      acc0a = multiply_add_scalar(acc0a, wa, x0);
      acc0b = multiply_add_scalar(acc0b, wb, x0);
      acc1a = multiply_add_scalar(acc1a, wa, x1);
      acc1b = multiply_add_scalar(acc1b, wb, x1);
      acc2a = multiply_add_scalar(acc2a, wa, x2);
      acc2b = multiply_add_scalar(acc2b, wb, x2);
      acc3a = multiply_add_scalar(acc3a, wa, x3);
      acc3b = multiply_add_scalar(acc3b, wb, x3);
    }
  }
  const ClampNeon cl(clamp);
  const float32x4_t rows[4][2] = {
      {cl(acc0a), cl(acc0b)}, {cl(acc1a), cl(acc1b)}, {cl(acc2a), cl(acc2b)}, {cl(acc3a), cl(acc3b)}};
  for (size_t r = 0; r < mr; ++r) {
    float* out = c + r * c_stride;
    if (nc == 8) {
      vst1q_f32(out, rows[r][0]);
      vst1q_f32(out + 4, rows[r][1]);
    } else if (nc >= 4) {
      vst1q_f32(out, rows[r][0]);
      store_first_lanes(out + 4, rows[r][1], nc - 4);
    } else {
      store_first_lanes(out, rows[r][0], nc);
    }
  }
}

}  // namespace qrt::arm
