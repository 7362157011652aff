#include "kernels/reference/fully_connected_f32w4.h"

namespace qrt::reference {

void fully_connected_f32w4(const FullyConnectedF32W4Params& p, const float* input, const uint8_t* weights,
                           const float* scales, const float* bias, float* output) {
  const int groups = p.input_depth / p.group_size;
  const size_t row_bytes = f32w4_row_bytes(p.input_depth);
  const size_t output_stride = p.output_stride > 0 ? p.output_stride : p.output_depth;
  for (int b = 0; b < p.batch; ++b) {
    const float* x = input + static_cast<size_t>(b) * p.input_depth;
    for (int n = 0; n < p.output_depth; ++n) {
      const uint8_t* w = weights + static_cast<size_t>(n) * row_bytes;
      const float* s = scales + static_cast<size_t>(n) * groups;
      float acc[kF32W4Lanes] = {};
      for (int g = 0; g < groups; ++g) {
        float part[kF32W4Lanes] = {};
        const int start = g * p.group_size;
        for (int i = 0; i < p.group_size; ++i) {
          const float product = static_cast<float>(f32w4_weight(w, start + i)) * x[start + i];
          part[i % kF32W4Lanes] += product;
        }
        for (int j = 0; j < kF32W4Lanes; ++j) acc[j] += part[j] * s[g];
      }
      float t[4];
      for (int j = 0; j < 4; ++j) t[j] = acc[j] + acc[j + 4];
      float r = (t[0] + t[2]) + (t[1] + t[3]);
      if (bias != nullptr) r += bias[n];
      output[static_cast<size_t>(b) * output_stride + n] = p.clamp.apply(r);
    }
  }
}

}  // namespace qrt::reference
