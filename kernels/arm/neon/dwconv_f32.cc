// f32_dwconv_minmax_4c__neon: float32 depthwise convolution (depth
// multiplier 1) for NEON. Per output pixel, 4 channels per q register (a
// buffered tail for the rest); taps in the reference's ky, kx order, taps in
// the padding skipped as the reference skips them.
#include <arm_neon.h>

#include "kernels/arm/float_f32.h"
#include "kernels/arm/neon/float_neon.h"

namespace qrt::arm {
namespace {

inline float32x4_t dwconv_lanes(const reference::DepthwiseConv2DF32Params& p, const float* image, const float* filter,
                                const float* bias, int iy0, int ix0, int c0, size_t lanes) {
  const size_t channels = static_cast<size_t>(p.input_channels);
  float32x4_t acc =
      bias == nullptr ? vdupq_n_f32(0.0f) : (lanes == 4 ? vld1q_f32(bias + c0) : load_first_lanes(bias + c0, lanes));
  for (int ky = 0; ky < p.kernel_height; ++ky) {
    const int iy = iy0 + ky * p.dilation_height;
    if (iy < 0 || iy >= p.input_height) continue;
    for (int kx = 0; kx < p.kernel_width; ++kx) {
      const int ix = ix0 + kx * p.dilation_width;
      if (ix < 0 || ix >= p.input_width) continue;
      const float* x = image + (static_cast<size_t>(iy) * p.input_width + ix) * channels + c0;
      const float* w = filter + static_cast<size_t>(ky * p.kernel_width + kx) * channels + c0;
      if (lanes == 4) {
        acc = multiply_add(acc, vld1q_f32(x), vld1q_f32(w));
      } else {
        acc = multiply_add(acc, load_first_lanes(x, lanes), load_first_lanes(w, lanes));
      }
    }
  }
  return acc;
}

}  // namespace

void f32_dwconv_minmax_4c__neon(const reference::DepthwiseConv2DF32Params& p, const float* input, const float* filter,
                                const float* bias, float* output) {
  const ClampNeon clamp(p.clamp);
  const size_t channels = static_cast<size_t>(p.input_channels);
  for (int b = 0; b < p.batch; ++b) {
    const float* image = input + static_cast<size_t>(b) * p.input_height * p.input_width * channels;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int iy0 = oy * p.stride_height - p.pad_top;
      for (int ox = 0; ox < p.output_width; ++ox) {
        const int ix0 = ox * p.stride_width - p.pad_left;
        float* out = output + ((static_cast<size_t>(b) * p.output_height + oy) * p.output_width + ox) * channels;
        int c0 = 0;
        for (; static_cast<size_t>(c0) + 4 <= channels; c0 += 4) {
          vst1q_f32(out + c0, clamp(dwconv_lanes(p, image, filter, bias, iy0, ix0, c0, 4)));
        }
        const size_t rest = channels - static_cast<size_t>(c0);
        if (rest != 0)
          store_first_lanes(out + c0, clamp(dwconv_lanes(p, image, filter, bias, iy0, ix0, c0, rest)), rest);
      }
    }
  }
}

}  // namespace qrt::arm
