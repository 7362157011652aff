#include "kernels/reference/conv2d_f32.h"

namespace qrt::reference {

// The loop nest of conv2d_s8 on real values: taps in the padding are skipped
// (they add 0), the bias starts the sum.
void conv2d_f32(const Conv2DF32Params& p, const float* input, const float* filter, const float* bias,
                float* output) {
  const int group_input_channels = p.input_channels / p.groups;
  const int group_output_channels = p.output_channels / p.groups;
  for (int b = 0; b < p.batch; ++b) {
    const float* image = input + static_cast<size_t>(b) * p.input_height * p.input_width * p.input_channels;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int iy_origin = oy * p.stride_height - p.pad_top;
      for (int ox = 0; ox < p.output_width; ++ox) {
        const int ix_origin = ox * p.stride_width - p.pad_left;
        for (int oc = 0; oc < p.output_channels; ++oc) {
          const int first_input_channel = (oc / group_output_channels) * group_input_channels;
          const float* oc_filter = filter + static_cast<size_t>(oc) * p.kernel_height * p.kernel_width *
                                                group_input_channels;
          float acc = bias != nullptr ? bias[oc] : 0.0f;
          for (int ky = 0; ky < p.kernel_height; ++ky) {
            const int iy = iy_origin + ky * p.dilation_height;
            if (iy < 0 || iy >= p.input_height) continue;
            for (int kx = 0; kx < p.kernel_width; ++kx) {
              const int ix = ix_origin + kx * p.dilation_width;
              if (ix < 0 || ix >= p.input_width) continue;
              const float* pixel =
                  image + (static_cast<size_t>(iy) * p.input_width + ix) * p.input_channels + first_input_channel;
              const float* taps = oc_filter + (ky * p.kernel_width + kx) * group_input_channels;
              for (int ic = 0; ic < group_input_channels; ++ic) acc += pixel[ic] * taps[ic];
            }
          }
          output[((static_cast<size_t>(b) * p.output_height + oy) * p.output_width + ox) * p.output_channels + oc] =
              p.clamp.apply(acc);
        }
      }
    }
  }
}

}  // namespace qrt::reference
