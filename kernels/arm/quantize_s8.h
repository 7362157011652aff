// ARM float <-> int8 conversion kernels (the QUANTIZE and DEQUANTIZE slots),
// bit-exact with reference::quantize_f32_to_s8 / dequantize_s8_to_f32.
// AArch64 only: ARMv7 NEON has no vector division and flushes denormal
// products to zero, so the reference is the exact choice there.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/requantization.h"

namespace qrt::arm {

// x / scale (IEEE division), rounded half away from zero (fixedpoint rule,
// FRINTA) or half to even (fp32 rule, FRINTN), plus the zero point,
// saturated to int8; NaN gives the zero point.
void quantize_f32_s8__neon(RequantRule rule, float scale, int32_t zero_point, const float* input, int8_t* output,
                           size_t count);
// float(x - zero_point) * scale.
void dequantize_s8_f32__neon(float scale, int32_t zero_point, const int8_t* input, float* output, size_t count);

}  // namespace qrt::arm
