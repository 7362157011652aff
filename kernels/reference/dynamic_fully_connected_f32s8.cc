#include "kernels/reference/dynamic_fully_connected_f32s8.h"

#include <algorithm>
#include <cmath>

namespace qrt::reference {

DynamicQuantization dynamic_quantization_params(const float* x, size_t n) {
  float lo = 0.0f, hi = 0.0f;  // the range always includes 0
  for (size_t i = 0; i < n; ++i) {
    if (x[i] < lo) lo = x[i];  // NaN compares false: skipped
    if (x[i] > hi) hi = x[i];
  }
  return dynamic_quantization_from_range(lo, hi);
}

DynamicQuantization dynamic_quantization_from_range(float lo, float hi) {
  DynamicQuantization q;
  q.scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
  // ONNX: intermediate_zero_point = qmin - x_min / y_scale, saturated to
  // [0, 255], then rounded half to even. -inf / inf is NaN: zero point 0.
  const float initial = 0.0f - lo / q.scale;
  const float zp = std::isnan(initial) ? 0.0f : std::nearbyint(std::clamp(initial, 0.0f, 255.0f));
  q.zero_point = static_cast<int32_t>(zp) - 128;
  return q;
}

void dynamic_quantize_f32_to_s8(const DynamicQuantization& q, const float* x, int8_t* out, size_t n) {
  const float zero_point_u8 = static_cast<float>(q.zero_point + 128);
  for (size_t i = 0; i < n; ++i) {
    const float r = std::nearbyint(x[i] / q.scale);  // round half to even (default rounding mode)
    float v = r + zero_point_u8;
    if (std::isnan(v)) v = zero_point_u8;
    v = std::clamp(v, 0.0f, 255.0f);
    out[i] = static_cast<int8_t>(static_cast<int32_t>(v) - 128);
  }
}

void dynamic_fully_connected_f32s8(const DynamicFullyConnectedParams& p, const float* input, const int8_t* weights,
                                   const float* bias, int8_t* scratch, float* output) {
  const size_t depth = static_cast<size_t>(p.input_depth);
  const DynamicQuantization q = dynamic_quantization_params(input, static_cast<size_t>(p.batch) * depth);
  for (int b = 0; b < p.batch; ++b) {
    dynamic_quantize_f32_to_s8(q, input + static_cast<size_t>(b) * depth, scratch, depth);
    for (int o = 0; o < p.output_depth; ++o) {
      const int8_t* w = weights + static_cast<size_t>(o) * depth;
      int32_t acc = 0;
      for (size_t i = 0; i < depth; ++i) acc += (int32_t{scratch[i]} - q.zero_point) * int32_t{w[i]};
      const float weight_scale = p.weight_scales[p.weight_scale_count == 1 ? 0 : o];
      const float scale = q.scale * weight_scale;
      float v = static_cast<float>(acc) * scale;
      if (bias != nullptr) v += bias[o];
      output[static_cast<size_t>(b) * p.output_depth + o] = p.clamp.apply(v);
    }
  }
}

}  // namespace qrt::reference
