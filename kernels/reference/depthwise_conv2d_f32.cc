#include "kernels/reference/depthwise_conv2d_f32.h"

#include <cstddef>

namespace qrt::reference {

void depthwise_conv2d_f32(const DepthwiseConv2DF32Params& p, const float* input, const float* filter,
                          const float* bias, float* output) {
  const int output_channels = p.output_channels();
  for (int b = 0; b < p.batch; ++b) {
    const float* image = input + static_cast<size_t>(b) * p.input_height * p.input_width * p.input_channels;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int iy_origin = oy * p.stride_height - p.pad_top;
      for (int ox = 0; ox < p.output_width; ++ox) {
        const int ix_origin = ox * p.stride_width - p.pad_left;
        for (int ic = 0; ic < p.input_channels; ++ic) {
          for (int m = 0; m < p.depth_multiplier; ++m) {
            const int oc = ic * p.depth_multiplier + m;
            float acc = bias != nullptr ? bias[oc] : 0.0f;
            for (int ky = 0; ky < p.kernel_height; ++ky) {
              const int iy = iy_origin + ky * p.dilation_height;
              if (iy < 0 || iy >= p.input_height) continue;
              for (int kx = 0; kx < p.kernel_width; ++kx) {
                const int ix = ix_origin + kx * p.dilation_width;
                if (ix < 0 || ix >= p.input_width) continue;
                acc += image[(static_cast<size_t>(iy) * p.input_width + ix) * p.input_channels + ic] *
                       filter[(ky * p.kernel_width + kx) * output_channels + oc];
              }
            }
            output[((static_cast<size_t>(b) * p.output_height + oy) * p.output_width + ox) * output_channels + oc] =
                p.clamp.apply(acc);
          }
        }
      }
    }
  }
}

}  // namespace qrt::reference
