#include "kernels/reference/pool2d_f32.h"

#include <cstddef>
#include <limits>

namespace qrt::reference {
namespace {

// Calls reduce(value) for every in-image tap of the window of (b, oy, ox, c)
// and returns the number of such taps.
template <typename Reduce>
int for_each_tap(const Pool2DF32Params& p, const float* input, int b, int oy, int ox, int c, Reduce reduce) {
  const int iy0 = oy * p.stride_height - p.pad_top;
  const int ix0 = ox * p.stride_width - p.pad_left;
  int taps = 0;
  for (int ky = 0; ky < p.filter_height; ++ky) {
    const int iy = iy0 + ky;
    if (iy < 0 || iy >= p.input_height) continue;
    for (int kx = 0; kx < p.filter_width; ++kx) {
      const int ix = ix0 + kx;
      if (ix < 0 || ix >= p.input_width) continue;
      reduce(input[((static_cast<size_t>(b) * p.input_height + iy) * p.input_width + ix) * p.channels + c]);
      ++taps;
    }
  }
  return taps;
}

size_t output_index(const Pool2DF32Params& p, int b, int oy, int ox, int c) {
  return ((static_cast<size_t>(b) * p.output_height + oy) * p.output_width + ox) * p.channels + c;
}

}  // namespace

void max_pool2d_f32(const Pool2DF32Params& p, const float* input, float* output) {
  for (int b = 0; b < p.batch; ++b) {
    for (int oy = 0; oy < p.output_height; ++oy) {
      for (int ox = 0; ox < p.output_width; ++ox) {
        for (int c = 0; c < p.channels; ++c) {
          float m = -std::numeric_limits<float>::infinity();
          for_each_tap(p, input, b, oy, ox, c, [&](float v) { m = v > m ? v : m; });
          output[output_index(p, b, oy, ox, c)] = p.clamp.apply(m);
        }
      }
    }
  }
}

void average_pool2d_f32(const Pool2DF32Params& p, const float* input, float* output) {
  for (int b = 0; b < p.batch; ++b) {
    for (int oy = 0; oy < p.output_height; ++oy) {
      for (int ox = 0; ox < p.output_width; ++ox) {
        for (int c = 0; c < p.channels; ++c) {
          float sum = 0.0f;
          const int taps = for_each_tap(p, input, b, oy, ox, c, [&](float v) { sum += v; });
          const int count = p.count_include_pad ? p.filter_height * p.filter_width : taps;
          output[output_index(p, b, oy, ox, c)] = p.clamp.apply(count > 0 ? sum / static_cast<float>(count) : 0.0f);
        }
      }
    }
  }
}

}  // namespace qrt::reference
