// ARM int8 pooling: MAX_POOL_2D, bit-exact with reference::max_pool2d_s8 (a
// max needs no rounding), and AVERAGE_POOL_2D, bit-exact with
// reference::average_pool2d_s8 under both rules. Windows are clipped to the
// image as the reference clips them.
#pragma once

#include <cstdint>

#include "kernels/reference/pool2d_s8.h"

namespace qrt::arm {

// NEON (AArch64 and ARMv7): 16 channels at a time with VMAX.
void max_pool2d_s8__neon(const reference::Pool2DParams& p, const int8_t* input, int8_t* output);

// NEON (AArch64 and ARMv7): window sums of 16 channels at a time in int32
// lanes; the division by the count, the only rounding step, then follows
// the reference's formulas (see average_pool2d_s8.cc).
void average_pool2d_s8__neon(const reference::AveragePool2DParams& p, const int8_t* input, int8_t* output);

}  // namespace qrt::arm
