// The pooling loop nest shared by the x86 max and average pool kernels of
// every ISA (elementwise_s8.h): per output pixel, the window's valid rows and
// columns exactly as the reference computes them (clipped to the image; an
// empty window has none), and for average pooling the divisor and the
// zero-point correction of the reference's two rules. Header-only templates
// in an unnamed namespace, so each ISA's translation unit gets its own copy
// built with its own flags (no ODR clash between instruction sets).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/reference/pool2d_s8.h"

namespace qrt::x86 {
namespace {

// Input rows [y_begin, y_end) and columns [x_begin, x_end) of one window.
struct PoolWindow {
  int y_begin, y_end, x_begin, x_end;

  int valid() const { return std::max(0, y_end - y_begin) * std::max(0, x_end - x_begin); }
};

// Calls pixel(image, window, output) for every output pixel in order;
// `output` points at the pixel's first channel.
template <typename Pixel>
void for_each_pool_window(const reference::Pool2DParams& p, const int8_t* input, int8_t* output, Pixel pixel) {
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t image_size = static_cast<size_t>(p.input_height) * static_cast<size_t>(p.input_width) * channels;
  for (int b = 0; b < p.batch; ++b) {
    const int8_t* image = input + static_cast<size_t>(b) * image_size;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int y_origin = oy * p.stride_height - p.pad_top;
      const int y_begin = std::max(y_origin, 0), y_end = std::min(y_origin + p.filter_height, p.input_height);
      for (int ox = 0; ox < p.output_width; ++ox, output += channels) {
        const int x_origin = ox * p.stride_width - p.pad_left;
        const PoolWindow window{y_begin, y_end, std::max(x_origin, 0),
                                std::min(x_origin + p.filter_width, p.input_width)};
        pixel(image, window, output);
      }
    }
  }
}

// Whether the vector max pool takes these bounds: the reference clamps in
// int32 and truncates to int8, so bounds outside the int8 range (never
// prepared) would make that a wrap; those stay on the reference.
inline bool max_pool_bounds_fit_int8(const reference::Pool2DParams& p) {
  return p.clamp.min >= -128 && p.clamp.max <= 127 && p.clamp.min <= 127 && p.clamp.max >= -128;
}

// Whether the vector average pool takes these parameters (else the
// reference keeps its exact behaviour for what prepare never builds).
inline bool average_pool_vectorizable(const reference::AveragePool2DParams& p) {
  const reference::Pool2DParams& g = p.pool;
  return g.clamp.min >= -128 && g.clamp.max <= 127 && g.clamp.min <= g.clamp.max &&
         static_cast<int64_t>(g.filter_height) * g.filter_width <= reference::kMaxPool2DFilterArea;
}

// The division step of one average window: the divisor and the constant
// added to the raw sum (fixedpoint: padded positions, when counted, hold the
// input zero point; fp32: the sum of (x - zp) over the valid positions).
struct AverageDivisor {
  int count;           // 0: an empty window, the output is the clamped zero point
  int32_t correction;
};

inline AverageDivisor average_divisor(const reference::AveragePool2DParams& p, const PoolWindow& w) {
  const int valid = w.valid();
  const int count = p.count_include_pad ? p.pool.filter_height * p.pool.filter_width : valid;
  const int32_t correction =
      p.rule == RequantRule::kFixedPoint ? (count - valid) * p.input_zero_point : -valid * p.input_zero_point;
  return {count, correction};
}

// The output of an empty window.
inline int8_t empty_average(const reference::AveragePool2DParams& p) {
  return static_cast<int8_t>(std::min(std::max(p.output_zero_point, p.pool.clamp.min), p.pool.clamp.max));
}

}  // namespace
}  // namespace qrt::x86
