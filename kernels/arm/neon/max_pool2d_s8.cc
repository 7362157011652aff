// max_pool2d_s8__neon: see kernels/arm/pool2d_s8.h. Per output pixel, the
// window's valid rows and columns exactly as the reference computes them,
// then VMAX over 16 channels at a time starting from -128 (an empty window
// stays -128, as in the reference), then the clamp.
#include <arm_neon.h>

#include <algorithm>

#include "kernels/arm/pool2d_s8.h"

namespace qrt::arm {

void max_pool2d_s8__neon(const reference::Pool2DParams& p, const int8_t* input, int8_t* output) {
  // The reference clamps in int32 and truncates to int8; bounds outside the
  // int8 range (never prepared) would make that a wrap, so leave them to it.
  if (p.clamp.min < -128 || p.clamp.max > 127 || p.clamp.min > 127 || p.clamp.max < -128) {
    reference::max_pool2d_s8(p, input, output);
    return;
  }
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t full = channels / 16 * 16;
  const int8x16_t lo = vdupq_n_s8(static_cast<int8_t>(p.clamp.min));
  const int8x16_t hi = vdupq_n_s8(static_cast<int8_t>(p.clamp.max));
  const size_t image_size = static_cast<size_t>(p.input_height) * p.input_width * channels;
  for (int b = 0; b < p.batch; ++b) {
    const int8_t* image = input + b * image_size;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int y_origin = oy * p.stride_height - p.pad_top;
      const int y_begin = std::max(y_origin, 0), y_end = std::min(y_origin + p.filter_height, p.input_height);
      for (int ox = 0; ox < p.output_width; ++ox, output += channels) {
        const int x_origin = ox * p.stride_width - p.pad_left;
        const int x_begin = std::max(x_origin, 0), x_end = std::min(x_origin + p.filter_width, p.input_width);
        size_t c = 0;
        for (; c < full; c += 16) {
          int8x16_t m = vdupq_n_s8(-128);
          for (int y = y_begin; y < y_end; ++y) {
            const int8_t* row = image + static_cast<size_t>(y) * p.input_width * channels + c;
            for (int x = x_begin; x < x_end; ++x) m = vmaxq_s8(m, vld1q_s8(row + static_cast<size_t>(x) * channels));
          }
          vst1q_s8(output + c, vminq_s8(vmaxq_s8(m, lo), hi));
        }
        for (; c < channels; ++c) {
          int32_t m = -128;
          for (int y = y_begin; y < y_end; ++y) {
            for (int x = x_begin; x < x_end; ++x) {
              m = std::max<int32_t>(m, image[(static_cast<size_t>(y) * p.input_width + x) * channels + c]);
            }
          }
          output[c] = static_cast<int8_t>(std::min(std::max(m, p.clamp.min), p.clamp.max));
        }
      }
    }
  }
}

}  // namespace qrt::arm
