#include "kernels/reference/resize_bilinear_s8.h"

#include <algorithm>
#include <cmath>

namespace qrt::reference {
namespace {

constexpr int32_t kOne = 1 << 10;  // 1.0 in the 10-bit fixed-point coordinates

// TFLite's scale_10: the input step per output step, rounded to 10 bits.
int32_t coordinate_scale(int input_size, int output_size, bool align_corners) {
  if (align_corners && output_size > 1) {
    return (kOne * (input_size - 1) + (output_size - 1) / 2) / (output_size - 1);
  }
  return (kOne * input_size + output_size / 2) / output_size;
}

// One output coordinate mapped into the input: the position with 10
// fractional bits and the two neighbouring input indices, as TFLite's
// ComputeInterpolationValuesInteger (plus the clamp of lower to size - 1).
struct SourceCoordinate {
  int32_t position;
  int32_t lower;
  int32_t upper;
};

SourceCoordinate source_coordinate(int32_t output_index, int32_t scale, bool half_pixel_centers,
                                   int32_t input_size) {
  SourceCoordinate s;
  s.position = half_pixel_centers ? output_index * scale + scale / 2 - kOne / 2 : output_index * scale;
  s.lower = std::min(std::max(s.position / kOne, int32_t{0}), input_size - 1);
  s.upper = std::min((s.position + kOne - 1) / kOne, input_size - 1);
  return s;
}

// TFLite's ComputeInterpolationValues, in float32.
struct FloatSourceCoordinate {
  float position;
  int32_t lower;
  int32_t upper;
};

FloatSourceCoordinate float_source_coordinate(int32_t output_index, float scale, bool half_pixel_centers,
                                              int32_t input_size) {
  FloatSourceCoordinate s;
  const float index = static_cast<float>(output_index);
  s.position = half_pixel_centers ? (index + 0.5f) * scale - 0.5f : index * scale;
  s.lower = std::min(std::max(static_cast<int32_t>(std::floor(s.position)), int32_t{0}), input_size - 1);
  s.upper = std::min(static_cast<int32_t>(std::ceil(s.position)), input_size - 1);
  return s;
}

float float_coordinate_scale(int input_size, int output_size, bool align_corners) {
  if (align_corners && output_size > 1) {
    return static_cast<float>(input_size - 1) / static_cast<float>(output_size - 1);
  }
  return static_cast<float>(input_size) / static_cast<float>(output_size);
}

// TFLite's uint8 bilinear resize on u = x + 128 (see the header).
void resize_bilinear_uint8_arithmetic(const ResizeParams& p, const int8_t* input, int8_t* output) {
  const float height_scale = float_coordinate_scale(p.input_height, p.output_height, p.align_corners);
  const float width_scale = float_coordinate_scale(p.input_width, p.output_width, p.align_corners);
  const int64_t row = static_cast<int64_t>(p.input_width) * p.channels;
  const int64_t image = row * p.input_height;
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* batch_input = input + b * image;
    for (int y = 0; y < p.output_height; ++y) {
      const FloatSourceCoordinate sy =
          float_source_coordinate(y, height_scale, p.half_pixel_centers, p.input_height);
      const float fy = sy.position - static_cast<float>(sy.lower);
      for (int x = 0; x < p.output_width; ++x) {
        const FloatSourceCoordinate sx =
            float_source_coordinate(x, width_scale, p.half_pixel_centers, p.input_width);
        const float fx = sx.position - static_cast<float>(sx.lower);
        const float weights[4] = {(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx};
        const int8_t* corners[4] = {batch_input + sy.lower * row + sx.lower * p.channels,
                                    batch_input + sy.lower * row + sx.upper * p.channels,
                                    batch_input + sy.upper * row + sx.lower * p.channels,
                                    batch_input + sy.upper * row + sx.upper * p.channels};
        for (int c = 0; c < p.channels; ++c) {
          float sum = static_cast<float>(corners[0][c] + 128) * weights[0];
          sum = sum + static_cast<float>(corners[1][c] + 128) * weights[1];
          sum = sum + static_cast<float>(corners[2][c] + 128) * weights[2];
          sum = sum + static_cast<float>(corners[3][c] + 128) * weights[3];
          sum = sum + 0.5f;
          const float clamped = std::min(std::max(sum, 0.0f), 255.0f);
          *output++ = static_cast<int8_t>(static_cast<int32_t>(clamped) - 128);
        }
      }
    }
  }
}

}  // namespace

void resize_bilinear_s8(const ResizeParams& p, const int8_t* input, int8_t* output) {
  if (p.uint8_arithmetic) {
    resize_bilinear_uint8_arithmetic(p, input, output);
    return;
  }
  const int32_t height_scale = coordinate_scale(p.input_height, p.output_height, p.align_corners);
  const int32_t width_scale = coordinate_scale(p.input_width, p.output_width, p.align_corners);
  const int64_t row = static_cast<int64_t>(p.input_width) * p.channels;
  const int64_t image = row * p.input_height;

  for (int b = 0; b < p.batches; ++b) {
    const int8_t* batch_input = input + b * image;
    for (int y = 0; y < p.output_height; ++y) {
      const SourceCoordinate sy = source_coordinate(y, height_scale, p.half_pixel_centers, p.input_height);
      const int64_t dy = sy.position - kOne * sy.lower;  // fraction towards the upper row
      for (int x = 0; x < p.output_width; ++x) {
        const SourceCoordinate sx = source_coordinate(x, width_scale, p.half_pixel_centers, p.input_width);
        const int64_t dx = sx.position - kOne * sx.lower;
        const int8_t* top_left = batch_input + sy.lower * row + sx.lower * p.channels;
        const int8_t* bottom_left = batch_input + sy.upper * row + sx.lower * p.channels;
        const int8_t* top_right = batch_input + sy.lower * row + sx.upper * p.channels;
        const int8_t* bottom_right = batch_input + sy.upper * row + sx.upper * p.channels;
        for (int c = 0; c < p.channels; ++c) {
          // Same four products, summed in the same order, as TFLite.
          const int64_t sum = top_left[c] * (kOne - dy) * (kOne - dx) + bottom_left[c] * dy * (kOne - dx) +
                              top_right[c] * (kOne - dy) * dx + bottom_right[c] * dy * dx;
          const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
          *output++ = static_cast<int8_t>((sum + round) / (1 << 20));
        }
      }
    }
  }
}

}  // namespace qrt::reference
