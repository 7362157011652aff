// Geometry shared by the int8 resize kernels (bilinear, nearest neighbour).
#pragma once

namespace qrt::reference {

// Largest input or output height / width a resize accepts: keeps TFLite's
// 10-bit fixed-point coordinates (1024 * size, plus rounding) inside int32.
constexpr int kMaxResizeExtent = 1 << 20;

// Input [batches, input_height, input_width, channels] NHWC, output
// [batches, output_height, output_width, channels]; input and output
// quantization are equal. Extents are in [1, kMaxResizeExtent].
// align_corners and half_pixel_centers are TFLite's (and TF's) flags.
struct ResizeParams {
  int batches = 1;
  int channels = 1;
  int input_height = 1;
  int input_width = 1;
  int output_height = 1;
  int output_width = 1;
  bool align_corners = false;
  bool half_pixel_centers = false;
  // Bilinear only: TFLite's uint8 arithmetic (see resize_bilinear_s8.h).
  bool uint8_arithmetic = false;
};

}  // namespace qrt::reference
