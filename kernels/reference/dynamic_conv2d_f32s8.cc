#include "kernels/reference/dynamic_conv2d_f32s8.h"

#include "kernels/reference/dynamic_fully_connected_f32s8.h"

namespace qrt::reference {

void dynamic_conv2d_f32s8(const DynamicConv2DParams& p, const float* input, const int8_t* filter, const float* bias,
                          int8_t* scratch, float* output) {
  const size_t count = static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.input_channels;
  const DynamicQuantization q = dynamic_quantization_params(input, count);
  dynamic_quantize_f32_to_s8(q, input, scratch, count);
  const int group_input_channels = p.input_channels / p.groups;
  const int group_output_channels = p.output_channels / p.groups;
  for (int b = 0; b < p.batch; ++b) {
    const int8_t* image = scratch + static_cast<size_t>(b) * p.input_height * p.input_width * p.input_channels;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int iy_origin = oy * p.stride_height - p.pad_top;
      for (int ox = 0; ox < p.output_width; ++ox) {
        const int ix_origin = ox * p.stride_width - p.pad_left;
        for (int oc = 0; oc < p.output_channels; ++oc) {
          const int first_input_channel = (oc / group_output_channels) * group_input_channels;
          const int8_t* oc_filter =
              filter + static_cast<size_t>(oc) * p.kernel_height * p.kernel_width * group_input_channels;
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
                acc += (int32_t{pixel[ic]} - q.zero_point) * int32_t{taps[ic]};
              }
            }
          }
          const float scale = q.scale * p.filter_scales[p.filter_scale_count == 1 ? 0 : oc];
          float v = static_cast<float>(acc) * scale;
          if (bias != nullptr) v += bias[oc];
          output[((static_cast<size_t>(b) * p.output_height + oy) * p.output_width + ox) * p.output_channels + oc] =
              p.clamp.apply(v);
        }
      }
    }
  }
}

}  // namespace qrt::reference
