// The x86 float32 kernels of the float path (kernels/x86/fma3/, built with
// -mavx -mfma; the table uses them when cpuinfo reports AVX and FMA3, in the
// avx2, avxvnni and avx512vnni tables).
#pragma once

#include "kernels/float_kernels.h"
#include "kernels/gemm_f32.h"

namespace qrt::x86 {

// 4 rows x 16 columns (two ymm per row), broadcast A, FMA.
constexpr int kF32GemmMrFma3 = 4;
constexpr int kF32GemmNrFma3 = 16;
void f32_gemm_minmax_4x16__fma3(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* packed,
                                float* c, size_t c_stride, const reference::ClampF32& clamp);

// 8 channels per ymm, taps in the reference's ky, kx order.
void f32_dwconv_minmax_8c__fma3(const reference::DepthwiseConv2DF32Params& p, const float* input, const float* filter,
                                const float* bias, float* output);

void f32_vbinary_minmax__avx(const VBinaryF32Params& p, const float* a, const float* b, float* y);
void f32_vunary__avx(const reference::UnaryF32Params& p, const float* x, float* y, size_t count);

}  // namespace qrt::x86
