// Reference float32 Mean over H and W of an NHWC tensor (MEAN axes {1, 2}
// on float32; ONNX GlobalAveragePool).
#pragma once

namespace qrt::reference {

struct MeanF32Params {
  int batch = 0;
  int height = 0;
  int width = 0;
  int channels = 0;
};

// output[b][c] = (sum over y, x of input[b][y][x][c], in float32, row-major
// order) / (height * width). The output layout is [batch][channels] whether
// or not the dims are kept.
void mean_f32(const MeanF32Params& p, const float* input, float* output);

}  // namespace qrt::reference
