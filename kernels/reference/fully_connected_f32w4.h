// Reference weight-only int4 fully connected layer (FULLY_CONNECTED_W4):
// float32 input [batch][K], int4 weights [N][K] packed two to a byte, one
// float32 scale per output channel and group of G consecutive inputs,
// float32 output [batch][N]. Weights are decoded on the fly; nothing is
// widened at prepare.
//
// Packing: row n takes f32w4_row_bytes(K) = ceil(K / 2) bytes; weight k sits
// in byte k / 2, in the low nibble when k is even and the high nibble when k
// is odd, as a two's-complement 4-bit value (-8..7; qconvert writes -7..7).
// Rows start on a byte, so an odd K leaves the last high nibble unused (0).
//
// The summation order is part of the specification, so that a vectorised
// kernel (8 float lanes, kF32W4Lanes) can be bit-exact to this one. With
// x = input row b, w = row n decoded, s = scales[n][...]:
//
//   acc[0..7] = +0
//   for each group g (k in [g*G, g*G + G)), in order:
//     part[0..7] = +0
//     for k in the group, in order: part[(k - g*G) % 8] += float(w[k]) * x[k]
//     for j in 0..7:                acc[j] += part[j] * s[g]
//   t[j] = acc[j] + acc[j + 4]   (j = 0..3)
//   r = (t[0] + t[2]) + (t[1] + t[3])
//   output[b][n] = clamp(r + bias[n])      (no bias: clamp(r))
//
// Every step is one float32 multiply or add rounded to nearest even (the
// kernels are built with -ffp-contract=off: no fused multiply-add). Lanes
// that receive no product in a group (G not a multiple of 8) still take
// part[j] * s[g] = +0, which changes nothing; an optimized kernel may pad a
// short chunk with zero inputs and zero weights for the same reason (a sum
// that starts at +0 never becomes -0, so adding a +0 product is exact).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/activation_f32.h"

namespace qrt::reference {

constexpr int kF32W4Lanes = 8;

struct FullyConnectedF32W4Params {
  int batch = 1;
  int input_depth = 0;   // K
  int output_depth = 0;  // N
  int group_size = 0;    // G: divides K; K itself means one scale per output channel
  // Floats between consecutive output rows; 0 means output_depth. A caller
  // that splits the N outputs over threads runs each slice with the full N.
  int output_stride = 0;
  ClampF32 clamp;
};

constexpr size_t f32w4_row_bytes(int input_depth) { return (static_cast<size_t>(input_depth) + 1) / 2; }

// Weight k of a packed row, as the two's-complement value of its nibble.
inline int f32w4_weight(const uint8_t* row, int k) {
  const int nibble = (row[k / 2] >> ((k & 1) * 4)) & 0xF;
  return nibble >= 8 ? nibble - 16 : nibble;
}

// scales: [N][K / G]; bias may be nullptr.
void fully_connected_f32w4(const FullyConnectedF32W4Params& p, const float* input, const uint8_t* weights,
                           const float* scales, const float* bias, float* output);

}  // namespace qrt::reference
