// Reference float32 fully connected layer (FULLY_CONNECTED on float32
// tensors): input [batch][input_depth], weights [output_depth][input_depth],
// output [batch][output_depth], as fully_connected_s8.h.
#pragma once

#include "kernels/reference/activation_f32.h"

namespace qrt::reference {

struct FullyConnectedF32Params {
  int batch = 1;
  int input_depth = 0;
  int output_depth = 0;
  ClampF32 clamp;
};

// output[b][o] = clamp(bias[o] + sum over i (in order) of input[b][i] *
// weights[o][i]); bias may be nullptr.
void fully_connected_f32(const FullyConnectedF32Params& p, const float* input, const float* weights,
                         const float* bias, float* output);

}  // namespace qrt::reference
