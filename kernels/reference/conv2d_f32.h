// Reference float32 2-D convolution (CONV_2D on float32 tensors, for the
// float path of mixed-precision models). Same layouts and geometry as
// conv2d_s8.h: NHWC input and output, OHWI filter, padding resolved.
#pragma once

#include "kernels/reference/activation_f32.h"

namespace qrt::reference {

struct Conv2DF32Params {
  int batch = 1;
  int input_height = 0;
  int input_width = 0;
  int input_channels = 0;
  int output_height = 0;
  int output_width = 0;
  int output_channels = 0;
  int kernel_height = 0;
  int kernel_width = 0;
  int stride_height = 1;
  int stride_width = 1;
  int dilation_height = 1;
  int dilation_width = 1;
  int pad_top = 0;
  int pad_left = 0;
  int groups = 1;  // divides input_channels and output_channels
  ClampF32 clamp;  // fused activation
};

// output[b][oy][ox][oc] = clamp(bias[oc] + sum over the window's in-image
// taps and the group's input channels of input * filter), summed in float32
// in the order ky, kx, ic; bias may be nullptr (0).
void conv2d_f32(const Conv2DF32Params& p, const float* input, const float* filter, const float* bias,
                float* output);

}  // namespace qrt::reference
