// Reference float32 depthwise convolution (DEPTHWISE_CONV_2D on float32
// tensors). Layouts as depthwise_conv2d_s8.h: NHWC input and output, filter
// [1][KH][KW][input_channels * depth_multiplier].
#pragma once

#include "kernels/reference/activation_f32.h"

namespace qrt::reference {

struct DepthwiseConv2DF32Params {
  int batch = 1;
  int input_height = 0;
  int input_width = 0;
  int input_channels = 0;
  int output_height = 0;
  int output_width = 0;
  int kernel_height = 0;
  int kernel_width = 0;
  int stride_height = 1;
  int stride_width = 1;
  int dilation_height = 1;
  int dilation_width = 1;
  int pad_top = 0;
  int pad_left = 0;
  int depth_multiplier = 1;
  ClampF32 clamp;

  int output_channels() const { return input_channels * depth_multiplier; }
};

// output[b][oy][ox][oc], oc = ic * depth_multiplier + m, is clamp(bias[oc] +
// sum over the in-image taps (ky, kx order) of input[..][ic] * filter[ky][kx][oc]).
void depthwise_conv2d_f32(const DepthwiseConv2DF32Params& p, const float* input, const float* filter,
                          const float* bias, float* output);

}  // namespace qrt::reference
