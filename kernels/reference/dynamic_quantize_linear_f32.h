// Reference DYNAMIC_QUANTIZE_LINEAR (ONNX DynamicQuantizeLinear): float32 in,
// the uint8 values stored as int8 (q - 128) out, plus the scale and the zero
// point it chose. The arithmetic is dynamic_quantization_params and
// dynamic_quantize_f32_to_s8 (dynamic_fully_connected_f32s8.h), the same
// DYNAMIC_FULLY_CONNECTED quantizes its input with:
//   scale = (max(0, max x) - min(0, min x)) / 255 in float32 (1 when both are 0),
//   zp = saturate(round_half_even(0 - min(0, min x) / scale)),
//   y = saturate(round_half_even(x / scale) + zp), saturate to [0, 255].
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrt::reference {

// y holds n values; scale and zero_point one each (zero_point as int8: uint8 - 128).
void dynamic_quantize_linear_f32(const float* x, size_t n, int8_t* y, float* scale, int8_t* zero_point);

}  // namespace qrt::reference
