// AVX2 weight-only int4 fully connected kernel (FULLY_CONNECTED_W4): float32
// activations, int4 weights decoded on the fly, bit-exact to
// reference::fully_connected_f32w4 (whose header defines the summation
// order: 8 lanes per group, then a fixed reduction). Only kernel_table.cc
// calls it, after cpuinfo reports AVX2.
#pragma once

#include "kernels/reference/fully_connected_f32w4.h"

namespace qrt::x86 {

// Tiles of 4 batch rows (each decoded chunk of 8 weights is used by all 4)
// by one output channel; one 8-lane vector per row is the reference's lanes.
void f32w4_gemm_minmax_4x8__avx2(const reference::FullyConnectedF32W4Params& p, const float* input,
                                 const uint8_t* weights, const float* scales, const float* bias, float* output);

}  // namespace qrt::x86
