// An optimized TRANSPOSE of 8-bit elements, portable C++ (every table but
// the reference one uses it, x86 and ARM alike). Pure data movement, so it
// equals reference::transpose_s8 byte for byte by construction;
// tests/kernels/transpose_s8_test.cc checks that anyway.
//
// The shape is normalised first: size-1 dims are dropped and input dims that
// stay adjacent and in order in the output are merged (NCHW -> NHWC is then
// a 2D transpose of [C][HW] per batch). What is left runs one of three ways:
//   - rank <= 1 (only size-1 dims move, or the identity): one memcpy;
//   - the innermost input dim stays innermost: memcpy of contiguous runs;
//   - otherwise: the two innermost moving dims are a strided 2D transpose,
//     done in 64x64 cache blocks of 8x8 byte tiles (each tile transposed in
//     eight 64-bit words by three swap stages), the other dims an odometer.
#pragma once

#include <cstdint>

#include "kernels/reference/transpose_s8.h"

namespace qrt {

void transpose_x8__portable(const reference::TransposeParams& p, const int8_t* input, int8_t* output);

}  // namespace qrt
