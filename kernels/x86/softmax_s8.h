// x86 SOFTMAX (int8 in and out over the last axis), fp32 rule: bit-exact with
// reference::softmax_s8. The fp32 rule's row sum is float32 added left to
// right, so it cannot be split along the row; these kernels vectorise across
// rows instead: lane r of a vector holds row r, and each lane adds its own
// row's exps in the reference's order with the reference's rounding. Per
// block of rows (16 for AVX-512, 8 for AVX2; a last partial block runs with
// masked lanes):
//   1. each row's maximum (any order is exact for a maximum);
//   2. each row's exps exp_table[row_max - x] into a per-block scratch, 256
//      columns at a time (AVX2: vgatherdps from the 256-entry table;
//      AVX-512: vpermt2ps over the table held in 16 registers, and blends);
//   3. the sums: the block's exps transposed in registers 16x16 (8x8) at a
//      time, so each column is one vector, added in column order (lane r:
//      sum_r += e[r][c], c ascending);
//   4. each row's outputs along the row: (e / sum) / output_scale (IEEE
//      divisions), clamp, round half to even (cvtps2dq under the default
//      MXCSR, as nearbyint), + zero point. Elementwise, so exact in any order.
// The fixedpoint rule runs the reference kernel.
#pragma once

#include <cstdint>

#include "kernels/reference/softmax_s8.h"

namespace qrt::x86 {

// AVX2 (kernels/x86/avx2/, -mavx2): 8 rows per block.
void softmax_s8__avx2(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output);
// AVX-512 F/BW/VL (kernels/x86/avx512vnni/): 16 rows per block, masked tails.
void softmax_s8__avx512vnni(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output);

}  // namespace qrt::x86
