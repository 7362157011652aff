// ARM DYNAMIC_FULLY_CONNECTED kernel (kernels/dynamic_fully_connected_f32s8.h):
// the NEON int8 GEMM tiles and packed layout of kernels/arm/gemm_s8.h with
// the input quantized per run and a float32 epilogue. Only kernel_table.cc
// calls it.
#pragma once

#include "kernels/arm/gemm_s8.h"
#include "kernels/dynamic_fully_connected_f32s8.h"

namespace qrt::arm {

// AArch64 only: the reference's division and round-half-even quantization
// need vdivq_f32 and vrndnq_f32, which ARMv7 NEON lacks (and ARMv7 NEON
// flushes subnormals to zero), so the reference runs there. Layout
// kQs8GemmNeon (4 x 16, K one at a time; int16 panel = the quantized int8
// value).
void dynamic_fully_connected_f32s8_4x16__neon(const DynamicFcRunParams& p, const float* input, const void* packed,
                                              void* scratch, float* output);

}  // namespace qrt::arm
