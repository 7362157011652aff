// ARM weight-only int4 fully connected kernel (FULLY_CONNECTED_W4): float32
// activations, int4 weights decoded on the fly, bit-exact to
// reference::fully_connected_f32w4 (whose header defines the summation
// order: 8 lanes per group, then a fixed reduction).
#pragma once

#include "kernels/reference/fully_connected_f32w4.h"

namespace qrt::arm {

// AArch64 only (its NEON float arithmetic is IEEE; ARMv7 NEON flushes
// subnormals to zero, so the reference runs there). Tiles of 4 batch rows by
// one output channel; the reference's 8 lanes are two 4-lane registers.
void f32w4_gemm_minmax_4x8__neon(const reference::FullyConnectedF32W4Params& p, const float* input,
                                 const uint8_t* weights, const float* scales, const float* bias, float* output);

}  // namespace qrt::arm
