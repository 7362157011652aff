// Reference float32 layer normalization over the last axis (LAYER_NORM on
// float32 tensors: ONNX LayerNormalization, PyTorch nn.LayerNorm kept in
// float32). The arithmetic of qconvert's float executor
// (converter/ir/float_ops_norm.cc), so a kept-float LayerNorm gives the float
// model's values.
#pragma once

#include <cstdint>

namespace qrt::reference {

struct LayerNormF32Params {
  int64_t rows = 0;  // product of all dimensions but the last
  int depth = 0;     // the normalized (last) dimension
  float epsilon = 1e-5f;
};

// Per row x of `depth` values, in double:
//   mean = sum x / depth, var = sum (x - mean)^2 / depth,
//   rstd = 1 / sqrt(var + epsilon)
//   y[i] = float((x[i] - mean) * rstd * gamma[i] + beta[i])
// beta may be nullptr (0).
void layer_norm_f32(const LayerNormF32Params& p, const float* input, const float* gamma, const float* beta,
                    float* output);

}  // namespace qrt::reference
