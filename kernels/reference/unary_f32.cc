#include "kernels/reference/unary_f32.h"

#include <cmath>

namespace qrt::reference {

float unary_f32_value(const UnaryF32Params& p, float x) {
  const double d = x;
  switch (p.op) {
    case UnaryOpF32::kLogistic: return static_cast<float>(1.0 / (1.0 + std::exp(-d)));
    case UnaryOpF32::kTanh: return static_cast<float>(std::tanh(d));
    case UnaryOpF32::kHardSwish: return static_cast<float>(d * std::fmin(std::fmax(d + 3.0, 0.0), 6.0) / 6.0);
    case UnaryOpF32::kRelu: return x > 0.0f ? x : (x == x ? 0.0f : x);  // NaN stays NaN
    case UnaryOpF32::kRelu6: return x > 6.0f ? 6.0f : (x > 0.0f ? x : (x == x ? 0.0f : x));
    case UnaryOpF32::kLeakyRelu: return x >= 0.0f ? x : p.alpha * x;
    case UnaryOpF32::kGelu: return static_cast<float>(0.5 * d * (1.0 + std::erf(d / std::sqrt(2.0))));
    case UnaryOpF32::kGeluTanh: {
      const double k = std::sqrt(2.0 / 3.14159265358979323846);
      return static_cast<float>(0.5 * d * (1.0 + std::tanh(k * (d + 0.044715 * d * d * d))));
    }
    case UnaryOpF32::kErf: return static_cast<float>(std::erf(d));
  }
  return x;
}

void unary_f32(const UnaryF32Params& p, const float* input, float* output, size_t count) {
  for (size_t i = 0; i < count; ++i) output[i] = unary_f32_value(p, input[i]);
}

}  // namespace qrt::reference
