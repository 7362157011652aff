#include "kernels/reference/mean_f32.h"

#include <cstddef>

namespace qrt::reference {

void mean_f32(const MeanF32Params& p, const float* input, float* output) {
  const size_t pixels = static_cast<size_t>(p.height) * p.width;
  for (int b = 0; b < p.batch; ++b) {
    const float* image = input + static_cast<size_t>(b) * pixels * p.channels;
    for (int c = 0; c < p.channels; ++c) {
      float sum = 0.0f;
      for (size_t i = 0; i < pixels; ++i) sum += image[i * p.channels + c];
      output[static_cast<size_t>(b) * p.channels + c] = sum / static_cast<float>(pixels);
    }
  }
}

}  // namespace qrt::reference
