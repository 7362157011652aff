// Reference float32 Add, Sub and Mul with numpy broadcasting (rank <= 6),
// for float32 ADD / SUB / MUL. Shapes come from broadcast_shapes()
// (binary_elementwise_s8.h).
#pragma once

#include "kernels/reference/activation_f32.h"
#include "kernels/reference/binary_elementwise_s8.h"

namespace qrt::reference {

enum class BinaryOpF32 : uint8_t { kAdd, kSub, kMul };

struct BinaryF32Params {
  BinaryOpF32 op = BinaryOpF32::kAdd;
  BinaryShapes shapes;
  ClampF32 clamp;
};

// output[i] = clamp(a op b), a and b the broadcast elements of the inputs.
void binary_elementwise_f32(const BinaryF32Params& p, const float* input1, const float* input2, float* output);

}  // namespace qrt::reference
