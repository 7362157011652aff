// Reference CONV_INTEGER (ONNX ConvInteger): int8 NHWC input, int8 OHWI
// filter, int32 NHWC output holding the raw accumulator. The specification
// of the op; no requantization, no bias.
//
// uint8 models: qrt stores uint8 data as int8 (q - 128) with zero point
// (zp - 128). The accumulator is unchanged by that shift:
//   (q_s8 - zp_s8) = ((q_u8 - 128) - (zp_u8 - 128)) = (q_u8 - zp_u8)
// exactly, for the input and the filter alike, so every product and the sum
// equal ONNX's uint8 ones (tests/kernels/integer_ops_test.cc checks it).
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrt::reference {

struct ConvIntegerParams {
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
  int32_t input_zero_point = 0;
  // One filter zero point (count 1) or one per output channel (count = output_channels).
  const int32_t* filter_zero_points = nullptr;
  int filter_zero_point_count = 1;
};

// output[b][oy][ox][oc] = sum over the window's taps inside the image and the
// group's input channels of (input - input_zero_point) * (filter -
// filter_zero_point[oc]); taps in the padding add nothing (ONNX pads with the
// zero point). int32, wrapping never happens: the loader keeps
// kernel_height * kernel_width * input_channels / groups <= kIntegerOpMaxDepth.
void conv_integer_s8s32(const ConvIntegerParams& p, const int8_t* input, const int8_t* filter, int32_t* output);

// Largest reduction depth whose int32 sum cannot overflow: each product of
// two zero-point-corrected 8-bit values is at most 255 * 255 = 65025 in
// magnitude, and 33025 * 65025 < 2^31.
inline constexpr int kIntegerOpMaxDepth = 33025;

}  // namespace qrt::reference
