// Reference dynamically quantized fully connected layer (DYNAMIC_FULLY_CONNECTED;
// ONNX DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul, com.microsoft
// DynamicQuantizeMatMul, qconvert --dynamic): float32 input and output,
// int8 symmetric weights with float scales, quantization of the input per
// inference. The specification any optimized version must match bit for bit.
//
// Granularity: one scale and zero point for the whole input tensor (all
// rows), as ONNX DynamicQuantizeLinear computes them, so an imported ONNX
// Runtime graph gives ONNX Runtime's numbers. (Per-row scales would be more
// accurate for batches with rows of very different ranges, but would no longer
// be the ONNX semantics.)
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/activation_f32.h"

namespace qrt::reference {

// ONNX DynamicQuantizeLinear's parameters for `n` values, in float32:
//   lo = min(0, min x), hi = max(0, max x), scale = (hi - lo) / 255
//   (1 when hi == lo: all zeros, any scale is exact, as ONNX Runtime does),
//   zero_point = round_half_even(clamp(0 - lo / scale, 0, 255)) as uint8.
// Returned as int8 values: zero_point_s8 = zero_point_u8 - 128 (exact).
// NaN values are skipped by the min / max; an infinite value gives an
// infinite scale (the results are then meaningless but defined).
struct DynamicQuantization {
  float scale = 1.0f;
  int32_t zero_point = -128;  // int8 form: uint8 zero point - 128
};
DynamicQuantization dynamic_quantization_params(const float* x, size_t n);
// The same from the range already found: lo = min(0, min x), hi = max(0,
// max x) (a SIMD kernel finds them its own way; min and max are exact).
DynamicQuantization dynamic_quantization_from_range(float lo, float hi);

// x_q = clamp(round_half_even(x / scale) + zero_point_u8, 0, 255) - 128 per
// value (ONNX DynamicQuantizeLinear, then uint8 -> int8); NaN gives the zero
// point.
void dynamic_quantize_f32_to_s8(const DynamicQuantization& q, const float* x, int8_t* out, size_t n);

// input [batch][input_depth] (any rank, flattened as FULLY_CONNECTED does),
// weights [output_depth][input_depth] int8 with zero point 0, scales per
// output channel (weight_scale_count == output_depth) or one per tensor (1).
struct DynamicFullyConnectedParams {
  int batch = 1;
  int input_depth = 0;
  int output_depth = 0;
  const float* weight_scales = nullptr;
  int weight_scale_count = 1;
  ClampF32 clamp;  // the fused activation, on the float32 result
};

// q = dynamic_quantization_params(input, batch * input_depth);
// output[b][o] = clamp(float(acc) * (q.scale * weight_scale[o]) + bias[o]) with
//   acc = sum over i of (x_q[b][i] - q.zero_point) * weights[o][i]  (int32)
// The scale product is one float32 multiplication, then the accumulator
// multiplication, then the bias addition: ONNX Runtime's order for both the
// MatMulInteger -> Cast -> Mul -> Add chain and DynamicQuantizeMatMul.
// Exactly, in float32 with round to nearest even and no fused multiply-add:
//   s = q.scale * weight_scale[o];  f = float(acc);  v = f * s;
//   if (bias) v = v + bias[o];      (no addition at all without a bias: -0 stays -0)
//   output = v < clamp.min ? clamp.min : (v > clamp.max ? clamp.max : v)
// Every optimized kernel performs these IEEE operations in this order (the
// kernels are built with -ffp-contract=off), so outputs are equal bit for bit.
// bias may be nullptr. scratch holds input_depth int8 values (one quantized
// row). acc fits int32 when input_depth <= 65793 (255 * 128 per product);
// the loader checks that.
void dynamic_fully_connected_f32s8(const DynamicFullyConnectedParams& p, const float* input, const int8_t* weights,
                                   const float* bias, int8_t* scratch, float* output);

inline constexpr int kDynamicFullyConnectedMaxDepth = 65793;

}  // namespace qrt::reference
