#include "kernels/reference/fully_connected_f32.h"

#include <cstddef>

namespace qrt::reference {

void fully_connected_f32(const FullyConnectedF32Params& p, const float* input, const float* weights,
                         const float* bias, float* output) {
  for (int b = 0; b < p.batch; ++b) {
    const float* row = input + static_cast<size_t>(b) * p.input_depth;
    for (int o = 0; o < p.output_depth; ++o) {
      const float* w = weights + static_cast<size_t>(o) * p.input_depth;
      float acc = bias != nullptr ? bias[o] : 0.0f;
      for (int i = 0; i < p.input_depth; ++i) acc += row[i] * w[i];
      output[static_cast<size_t>(b) * p.output_depth + o] = p.clamp.apply(acc);
    }
  }
}

}  // namespace qrt::reference
