// Reference float32 Softmax over the last axis (SOFTMAX on float32).
#pragma once

#include <cstdint>

namespace qrt::reference {

struct SoftmaxF32Params {
  int64_t outer_size = 0;  // product of all dims but the last
  int32_t depth = 0;       // last dim
  float beta = 1.0f;
};

// Per row: y[i] = exp(beta * (x[i] - max)) / sum_j exp(beta * (x[j] - max)),
// max the row's largest value (subtracting it keeps exp from overflowing).
void softmax_f32(const SoftmaxF32Params& p, const float* input, float* output);

}  // namespace qrt::reference
