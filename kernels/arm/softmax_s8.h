// ARM SOFTMAX (int8 in and out over the last axis), fp32 rule, vectorised
// across rows as the x86 kernels (kernels/x86/softmax_s8.h): lane r of a
// float32x4 holds row r and adds that row's exps left to right, so the sums
// are the reference's bit for bit; the divisions, clamp, round half to even
// (FCVTNS) and zero point run along each row, four elements at a time. The
// fixedpoint rule runs the reference kernel.
#pragma once

#include <cstdint>

#include "kernels/reference/softmax_s8.h"

namespace qrt::arm {

// AArch64 only: ARMv7 NEON has no vector division and flushes subnormal
// exps to zero, so the reference serves there.
void softmax_s8__neon(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output);

}  // namespace qrt::arm
