// x86 DYNAMIC_FULLY_CONNECTED kernels (kernels/dynamic_fully_connected_f32s8.h):
// the int8 GEMM tiles and packed layouts of kernels/x86/gemm_s8.h with the
// input quantized per run and a float32 epilogue. Each ISA in its own
// translation unit with its own flags; only kernel_table.cc calls them.
#pragma once

#include "kernels/dynamic_fully_connected_f32s8.h"
#include "kernels/x86/gemm_s8.h"

namespace qrt::x86 {

// Layout kQs8Gemm8x32c4Avx512vnni (uint8 panel = the quantized uint8 value).
void dynamic_fully_connected_f32s8_8x32c4__avx512vnni(const DynamicFcRunParams& p, const float* input,
                                                       const void* packed, void* scratch, float* output);
// Layout kQs8Gemm4x16c2Avx2 (int16 panel = the quantized int8 value).
void dynamic_fully_connected_f32s8_4x16c2__avx2(const DynamicFcRunParams& p, const float* input, const void* packed,
                                                void* scratch, float* output);

}  // namespace qrt::x86
