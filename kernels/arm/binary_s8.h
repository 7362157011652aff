// ARM int8 elementwise ADD, SUB and MUL on inputs of one shape (the `vadd`,
// `vsub` and `vmul` slots; broadcasts keep the reference kernels): bit-exact
// with reference::add_s8 / sub_s8 / mul_s8 under both rules, lane by lane
// the same integer and float32 steps (see kernels/x86/binary_s8.h for the
// formulas). Only kernel_table.cc calls them, after checking the CPU.
#pragma once

#include <cstdint>

#include "kernels/reference/binary_elementwise_s8.h"

namespace qrt::arm {

// NEON (AArch64 and ARMv7): 16 values per step as four int32x4 lanes.
// params.shapes: input1, input2 and output all the same shape.
void qs8_vadd_minmax__neon(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output);
void qs8_vsub_minmax__neon(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output);
void qs8_vmul_minmax__neon(const reference::MulS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output);

}  // namespace qrt::arm
