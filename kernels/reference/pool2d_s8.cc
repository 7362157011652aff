#include "kernels/reference/pool2d_s8.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <initializer_list>

namespace qrt::reference {
namespace {

// The input rows [y_begin, y_end) and columns [x_begin, x_end) a window
// covers, clipped to the image, as TFLite's filter_{x,y}_{start,end}.
struct ValidWindow {
  int y_begin, y_end, x_begin, x_end;

  int count() const {
    return std::max(0, y_end - y_begin) * std::max(0, x_end - x_begin);
  }
};

ValidWindow valid_window(const Pool2DParams& p, int oy, int ox) {
  const int y_origin = oy * p.stride_height - p.pad_top;
  const int x_origin = ox * p.stride_width - p.pad_left;
  return {std::max(y_origin, 0), std::min(y_origin + p.filter_height, p.input_height),
          std::max(x_origin, 0), std::min(x_origin + p.filter_width, p.input_width)};
}

// a / b rounded toward -infinity, for b > 0 (C++ division truncates).
int32_t floor_divide(int32_t a, int32_t b) {
  const int32_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

int32_t clamp_to(int32_t x, ClampRange r) { return std::min(std::max(x, r.min), r.max); }

// The pooling loop nest shared by max and average: `reduce(image, window, c)`
// computes one output value from the window of channel c of one image.
template <typename Reduce>
void for_each_window(const Pool2DParams& p, const int8_t* input, int8_t* output, Reduce reduce) {
  const int64_t image_size = static_cast<int64_t>(p.input_height) * p.input_width * p.channels;
  for (int b = 0; b < p.batch; ++b) {
    const int8_t* image = input + b * image_size;
    for (int oy = 0; oy < p.output_height; ++oy) {
      for (int ox = 0; ox < p.output_width; ++ox) {
        const ValidWindow window = valid_window(p, oy, ox);
        for (int c = 0; c < p.channels; ++c) {
          *output++ = static_cast<int8_t>(reduce(image, window, c));
        }
      }
    }
  }
}

int8_t pixel(const Pool2DParams& p, const int8_t* image, int y, int x, int c) {
  return image[(static_cast<int64_t>(y) * p.input_width + x) * p.channels + c];
}

}  // namespace

bool pool2d_every_window_overlaps_input(const Pool2DParams& p) {
  if (p.output_height <= 0 || p.output_width <= 0) return true;  // no windows at all
  // Window origins grow with the output index, so the first and the last
  // window along each axis are the ones that can miss the image.
  for (int oy : {0, p.output_height - 1}) {
    for (int ox : {0, p.output_width - 1}) {
      if (valid_window(p, oy, ox).count() == 0) return false;
    }
  }
  return true;
}

void max_pool2d_s8(const Pool2DParams& p, const int8_t* input, int8_t* output) {
  for_each_window(p, input, output, [&](const int8_t* image, const ValidWindow& w, int c) {
    int32_t max = -128;
    for (int y = w.y_begin; y < w.y_end; ++y) {
      for (int x = w.x_begin; x < w.x_end; ++x) {
        max = std::max<int32_t>(max, pixel(p, image, y, x, c));
      }
    }
    return clamp_to(max, p.clamp);
  });
}

AveragePool2DParams init_average_pool2d_params(const Pool2DParams& pool, RequantRule rule,
                                               bool count_include_pad, float input_scale,
                                               int32_t input_zero_point, float output_scale,
                                               int32_t output_zero_point) {
  AveragePool2DParams p;
  p.pool = pool;
  p.rule = rule;
  p.count_include_pad = count_include_pad;
  p.input_zero_point = input_zero_point;
  p.output_zero_point = rule == RequantRule::kFixedPoint ? input_zero_point : output_zero_point;
  if (rule == RequantRule::kFp32) {
    // float32, as ONNX Runtime computes its scales; finite so that an empty
    // sum (0 * ratio) stays 0 instead of becoming NaN.
    p.input_to_output_scale = std::min(input_scale / output_scale, FLT_MAX);
  }
  return p;
}

void average_pool2d_s8(const AveragePool2DParams& p, const int8_t* input, int8_t* output) {
  const Pool2DParams& g = p.pool;
  const int filter_area = g.filter_height * g.filter_width;
  for_each_window(g, input, output, [&](const int8_t* image, const ValidWindow& w, int c) {
    const int valid_count = w.count();
    const int count = p.count_include_pad ? filter_area : valid_count;
    if (count == 0) return clamp_to(p.output_zero_point, g.clamp);

    // Raw sum over the valid positions; both rules start from it.
    int32_t raw_sum = 0;
    for (int y = w.y_begin; y < w.y_end; ++y) {
      for (int x = w.x_begin; x < w.x_end; ++x) raw_sum += pixel(g, image, y, x, c);
    }

    if (p.rule == RequantRule::kFixedPoint) {
      // Padded positions, when counted, hold the input zero point.
      const int32_t sum = raw_sum + (count - valid_count) * p.input_zero_point;
      // TFLite's rounding divisions: half away from zero (int8), or half up
      // (uint8, see round_half_up). |sum| <= 255 * kMaxPool2DFilterArea, so
      // sum + count / 2 cannot overflow.
      const int32_t average = p.round_half_up ? floor_divide(sum + count / 2, count)
                              : sum > 0       ? (sum + count / 2) / count
                                              : (sum - count / 2) / count;
      return clamp_to(average, g.clamp);
    }

    // kFp32: zero-point-corrected sum over the valid positions only; counted
    // padded positions are exactly the zero point and add nothing.
    const int32_t acc = raw_sum - valid_count * p.input_zero_point;
    float v = static_cast<float>(acc) * p.input_to_output_scale;
    v = v / static_cast<float>(count);
    // Clamped in float first (bounds are integers, so clamping before
    // rounding equals clamping after) so the conversion cannot overflow.
    v = std::min(std::max(v, static_cast<float>(g.clamp.min - p.output_zero_point)),
                 static_cast<float>(g.clamp.max - p.output_zero_point));
    return static_cast<int32_t>(std::nearbyint(v)) + p.output_zero_point;
  });
}

}  // namespace qrt::reference
