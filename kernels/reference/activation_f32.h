// The float32 form of a fused activation: a clamp on real values. Shared by
// the float32 reference kernels.
#pragma once

#include <algorithm>
#include <limits>

#include "kernels/requantization.h"

namespace qrt::reference {

struct ClampF32 {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();

  // NaN stays NaN (std::min / std::max would turn it into a bound on some
  // argument orders): a float model's NaN should reach the output visibly.
  float apply(float v) const { return v < min ? min : (v > max ? max : v); }
};

// NONE: no clamp; RELU: [0, inf); RELU6: [0, 6]; RELU_N1_TO_1: [-1, 1].
inline ClampF32 activation_range_f32(FusedActivation activation) {
  ClampF32 c;
  switch (activation) {
    case FusedActivation::kNone: break;
    case FusedActivation::kRelu: c.min = 0.0f; break;
    case FusedActivation::kRelu6: c.min = 0.0f, c.max = 6.0f; break;
    case FusedActivation::kReluN1To1: c.min = -1.0f, c.max = 1.0f; break;
  }
  return c;
}

}  // namespace qrt::reference
