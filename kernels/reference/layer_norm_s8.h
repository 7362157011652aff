// Reference int8 layer normalization over the last axis (ONNX
// LayerNormalization, PyTorch nn.LayerNorm) with float32 gamma and beta.
// The row statistics are exact integers; the rest is a fixed sequence of
// IEEE operations, so an optimized kernel reproduces it bit for bit by doing
// the same steps (docs/format.md, LAYER_NORM).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qrt::reference {

constexpr int kMaxLayerNormDepth = 65536;  // n * 255 < 2^24: centred values are exact in float32

struct LayerNormParams {
  int64_t rows = 0;  // product of all dimensions but the last
  int depth = 0;     // n, the normalized (last) dimension
  double input_scale = 0.0;
  double epsilon = 0.0;
  // Per element of a row: gamma[i] / output_scale and beta[i] / output_scale,
  // each one float32 division, computed once at prepare.
  std::vector<float> gamma_over_output_scale;
  std::vector<float> beta_over_output_scale;
  int32_t output_zero_point = 0;
};

// Fills params; returns "" or the problem (depth out of range, scales or
// epsilon not finite and positive, gamma / beta / their ratios not finite).
// beta may be nullptr (all zero).
std::string init_layer_norm_params(int64_t rows, int depth, float input_scale, float output_scale,
                                   int32_t output_zero_point, float epsilon, const float* gamma, const float* beta,
                                   LayerNormParams* params);

// Per row of n int8 values q (the input zero point cancels out):
//   sum = sum q (int32), sumsq = sum q*q (int64), var_num = n*sumsq - sum^2 (int64)
//   var  = double(var_num) / (double(n) * double(n)) * (input_scale * input_scale)   [double]
//   rstd = 1.0 / sqrt(var + epsilon)                                                 [double]
//   row_scale = float(input_scale * rstd / double(n))                                [double -> float32]
// and per element i, in float32 without fused multiply-add:
//   y = float(n * q[i] - sum) * row_scale
//   z = y * gamma_over_output_scale[i] + beta_over_output_scale[i]
//   out[i] = round_half_even(clamp(z, -128 - zp, 127 - zp)) + zp
void layer_norm_s8(const LayerNormParams& p, const int8_t* input, int8_t* output);

}  // namespace qrt::reference
