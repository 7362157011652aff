// Reference float32 2-D pooling (MAX_POOL_2D, AVERAGE_POOL_2D on float32
// NHWC tensors). Geometry as pool2d_s8.h: padding resolved, only the top and
// left amounts matter.
#pragma once

#include "kernels/reference/activation_f32.h"

namespace qrt::reference {

struct Pool2DF32Params {
  int batch = 1;
  int input_height = 0;
  int input_width = 0;
  int channels = 0;
  int output_height = 0;
  int output_width = 0;
  int filter_height = 0;
  int filter_width = 0;
  int stride_height = 1;
  int stride_width = 1;
  int pad_top = 0;
  int pad_left = 0;
  ClampF32 clamp;
  // Average only: divide by filter_height * filter_width (padded taps count
  // as 0, ONNX count_include_pad=1) instead of by the in-image taps.
  bool count_include_pad = false;
};

// clamp(max over the window's in-image taps); an empty window gives clamp(-inf).
void max_pool2d_f32(const Pool2DF32Params& p, const float* input, float* output);

// clamp(sum over the in-image taps / count); an empty window gives clamp(0).
void average_pool2d_f32(const Pool2DF32Params& p, const float* input, float* output);

}  // namespace qrt::reference
