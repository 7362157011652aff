#include "kernels/reference/softmax_f32.h"

#include <cmath>
#include <cstddef>

namespace qrt::reference {

void softmax_f32(const SoftmaxF32Params& p, const float* input, float* output) {
  for (int64_t r = 0; r < p.outer_size; ++r) {
    const float* x = input + static_cast<size_t>(r) * p.depth;
    float* y = output + static_cast<size_t>(r) * p.depth;
    float max = x[0];
    for (int32_t i = 1; i < p.depth; ++i) max = x[i] > max ? x[i] : max;
    float sum = 0.0f;
    for (int32_t i = 0; i < p.depth; ++i) {
      y[i] = std::exp(p.beta * (x[i] - max));
      sum += y[i];
    }
    const float inverse = 1.0f / sum;
    for (int32_t i = 0; i < p.depth; ++i) y[i] *= inverse;
  }
}

}  // namespace qrt::reference
