// Reference dynamically quantized 2-D convolution (DYNAMIC_CONV_2D; ONNX
// DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul [-> Add], what
// onnxruntime.quantization.quantize_dynamic writes for Conv; qconvert
// --dynamic on Conv): float32 NHWC input and output, int8 symmetric OHWI
// filter with float scales, the input quantized per inference. The
// specification any optimized version must match bit for bit.
//
// The input is quantized as one tensor (all images, all pixels), as ONNX's
// DynamicQuantizeLinear does, with dynamic_quantization_params and
// dynamic_quantize_f32_to_s8 (dynamic_fully_connected_f32s8.h): uint8
// asymmetric, range widened to include 0, stored as int8 = uint8 - 128.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/activation_f32.h"

namespace qrt::reference {

struct DynamicConv2DParams {
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
  // One scale (count 1) or one per output channel (count = output_channels).
  const float* filter_scales = nullptr;
  int filter_scale_count = 1;
  ClampF32 clamp;  // the fused activation, on the float32 result
};

// q = dynamic_quantization_params(input, batch * H * W * C);
// acc[b][oy][ox][oc] = sum over the window's taps inside the image and the
//   group's input channels of (x_q - q.zero_point) * filter[oc][ky][kx][ic]
//   (int32; taps in the padding add nothing: ONNX pads with the zero point);
// then, in float32 with round to nearest even and no fused multiply-add,
// exactly ONNX Runtime's Cast -> Mul(x_scale * w_scale) -> Add:
//   s = q.scale * filter_scale[oc];  v = float(acc) * s;
//   if (bias) v = v + bias[oc];      (no addition without a bias)
//   output = clamp.apply(v)
// bias may be nullptr. scratch holds batch * H * W * C int8 values (the
// quantized input). acc fits int32: the loader keeps KH * KW * C / groups
// <= kDynamicFullyConnectedMaxDepth (255 * 128 per product).
void dynamic_conv2d_f32s8(const DynamicConv2DParams& p, const float* input, const int8_t* filter, const float* bias,
                          int8_t* scratch, float* output);

}  // namespace qrt::reference
