// Float32 2-D convolution (NCHW, ONNX Conv semantics) for the converter's
// float executor: depthwise convolutions run a direct loop vectorised along
// output rows; all others become one GEMM per image and group (float_gemm.h)
// over an im2col matrix, or over the input itself for unpadded 1x1 stride-1
// convolutions. Accumulates in float.
#pragma once

#include <cstdint>

namespace qrt::convert {

struct FloatConv2dGeometry {
  int64_t batch, in_channels, in_h, in_w;
  int64_t out_channels, group;
  int64_t kernel[2], stride[2], dilation[2], pad_begin[2];
  int64_t out_h, out_w;
};

// y [batch, out_channels, out_h, out_w] = conv(x, w [out_channels,
// in_channels / group, kernel[0], kernel[1]]) + bias (null: none). The
// geometry must be consistent (the caller checked it).
void float_conv2d(const FloatConv2dGeometry& g, const float* x, const float* w, const float* bias, float* y);

}  // namespace qrt::convert
