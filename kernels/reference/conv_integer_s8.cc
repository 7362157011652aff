#include "kernels/reference/conv_integer_s8.h"

namespace qrt::reference {

// The loop nest of conv2d_s8 (kernels/reference/conv2d_s8.cc) without bias
// and requantization, with a per-output-channel filter zero point.
void conv_integer_s8s32(const ConvIntegerParams& p, const int8_t* input, const int8_t* filter, int32_t* output) {
  const int group_input_channels = p.input_channels / p.groups;
  const int group_output_channels = p.output_channels / p.groups;
  for (int b = 0; b < p.batch; ++b) {
    const int8_t* image = input + static_cast<size_t>(b) * p.input_height * p.input_width * p.input_channels;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int iy_origin = oy * p.stride_height - p.pad_top;
      for (int ox = 0; ox < p.output_width; ++ox) {
        const int ix_origin = ox * p.stride_width - p.pad_left;
        for (int oc = 0; oc < p.output_channels; ++oc) {
          const int first_input_channel = (oc / group_output_channels) * group_input_channels;
          const int8_t* oc_filter = filter + static_cast<size_t>(oc) * p.kernel_height * p.kernel_width *
                                                 group_input_channels;
          const int32_t filter_zero_point = p.filter_zero_points[p.filter_zero_point_count == 1 ? 0 : oc];
          int32_t acc = 0;
          for (int ky = 0; ky < p.kernel_height; ++ky) {
            const int iy = iy_origin + ky * p.dilation_height;
            if (iy < 0 || iy >= p.input_height) continue;  // padding: the zero point, adds nothing
            for (int kx = 0; kx < p.kernel_width; ++kx) {
              const int ix = ix_origin + kx * p.dilation_width;
              if (ix < 0 || ix >= p.input_width) continue;
              const int8_t* pixel =
                  image + (static_cast<size_t>(iy) * p.input_width + ix) * p.input_channels + first_input_channel;
              const int8_t* taps = oc_filter + (ky * p.kernel_width + kx) * group_input_channels;
              for (int ic = 0; ic < group_input_channels; ++ic) {
                acc += (int32_t{pixel[ic]} - p.input_zero_point) * (int32_t{taps[ic]} - filter_zero_point);
              }
            }
          }
          output[((static_cast<size_t>(b) * p.output_height + oy) * p.output_width + ox) * p.output_channels + oc] =
              acc;
        }
      }
    }
  }
}

}  // namespace qrt::reference
