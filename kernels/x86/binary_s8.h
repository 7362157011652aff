// x86 int8 elementwise ADD, SUB and MUL on inputs of one shape (no
// broadcasting; the op keeps its reference kernel for broadcasts): bit-exact
// with reference::add_s8 / sub_s8 under both rules. fixedpoint: each input
// is shifted left by params.left_shift and rescaled by its Q31 multiplier
// (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT), the two are
// added or subtracted, and the output multiplier, zero point and clamp
// follow, lane by lane as TFLite's AddFunc. fp32: (x - z) * ratio per input
// in float32, added or subtracted, clamped, rounded half to even, plus the
// output zero point. MUL: (x1 - z1) * (x2 - z2) through the output
// multiplier (fixedpoint, double rounding) or ratio (fp32), as
// reference::mul_s8. Each ISA in its own translation unit; only
// kernel_table.cc calls them, after checking the CPU.
#pragma once

#include <cstdint>

#include "kernels/reference/binary_elementwise_s8.h"

namespace qrt::x86 {

// params.shapes: input1, input2 and output all the same shape.
void qs8_vadd_minmax__avx512vnni(const reference::AddSubS8Params& params, const int8_t* input1,
                                 const int8_t* input2, int8_t* output);
void qs8_vsub_minmax__avx512vnni(const reference::AddSubS8Params& params, const int8_t* input1,
                                 const int8_t* input2, int8_t* output);
void qs8_vadd_minmax__avx2(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output);
void qs8_vsub_minmax__avx2(const reference::AddSubS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output);

void qs8_vmul_minmax__avx512vnni(const reference::MulS8Params& params, const int8_t* input1, const int8_t* input2,
                                 int8_t* output);
void qs8_vmul_minmax__avx2(const reference::MulS8Params& params, const int8_t* input1, const int8_t* input2,
                           int8_t* output);

}  // namespace qrt::x86
