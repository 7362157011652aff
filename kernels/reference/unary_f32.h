// Reference float32 unary element-wise ops: LOGISTIC, TANH, HARD_SWISH,
// RELU, RELU6, LEAKY_RELU, GELU and ERF on float32 tensors. The int8 forms of the
// same ops are lookup tables built from these formulas (unary_lut_builders.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrt::reference {

enum class UnaryOpF32 : uint8_t { kLogistic, kTanh, kHardSwish, kRelu, kRelu6, kLeakyRelu, kGelu, kGeluTanh, kErf };

struct UnaryF32Params {
  UnaryOpF32 op = UnaryOpF32::kRelu;
  float alpha = 0.0f;  // kLeakyRelu: the slope below 0
};

// One value: logistic 1 / (1 + exp(-x)); tanh; hard swish x * min(max(x + 3,
// 0), 6) / 6; relu max(x, 0); relu6 min(max(x, 0), 6); leaky relu x >= 0 ? x
// : alpha * x; gelu 0.5 x (1 + erf(x / sqrt 2)); gelu (tanh) 0.5 x (1 +
// tanh(sqrt(2 / pi) (x + 0.044715 x^3))); erf. Transcendentals in double, then
// rounded to float32.
float unary_f32_value(const UnaryF32Params& p, float x);

void unary_f32(const UnaryF32Params& p, const float* input, float* output, size_t count);

}  // namespace qrt::reference
