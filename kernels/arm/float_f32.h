// The ARM float32 kernels of the float path (kernels/arm/neon/, in the
// neon, neondot and i8mm tables). AArch64 fuses multiply-adds (FMLA);
// ARMv7 NEON has no fused form in baseline NEON (VMLA rounds twice, as the
// reference does) and flushes subnormal inputs and results to zero, which
// the float32 tolerance allows for (kernels/README.md).
#pragma once

#include "kernels/float_kernels.h"
#include "kernels/gemm_f32.h"

namespace qrt::arm {

// 4 rows x 8 columns (two q registers per row), broadcast A.
constexpr int kF32GemmMrNeon = 4;
constexpr int kF32GemmNrNeon = 8;
void f32_gemm_minmax_4x8__neon(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* packed,
                               float* c, size_t c_stride, const reference::ClampF32& clamp);

// 4 channels per q register, taps in the reference's ky, kx order.
void f32_dwconv_minmax_4c__neon(const reference::DepthwiseConv2DF32Params& p, const float* input, const float* filter,
                                const float* bias, float* output);

void f32_vbinary_minmax__neon(const VBinaryF32Params& p, const float* a, const float* b, float* y);
void f32_vunary__neon(const reference::UnaryF32Params& p, const float* x, float* y, size_t count);

}  // namespace qrt::arm
