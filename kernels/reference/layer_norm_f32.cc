#include "kernels/reference/layer_norm_f32.h"

#include <cmath>
#include <cstddef>

namespace qrt::reference {

void layer_norm_f32(const LayerNormF32Params& p, const float* input, const float* gamma, const float* beta,
                    float* output) {
  const size_t depth = static_cast<size_t>(p.depth);
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* in = input + static_cast<size_t>(r) * depth;
    float* out = output + static_cast<size_t>(r) * depth;
    double mean = 0.0;
    for (size_t i = 0; i < depth; ++i) mean += in[i];
    mean /= static_cast<double>(depth);
    double var = 0.0;
    for (size_t i = 0; i < depth; ++i) var += (in[i] - mean) * (in[i] - mean);
    var /= static_cast<double>(depth);
    const double rstd = 1.0 / std::sqrt(var + p.epsilon);
    for (size_t i = 0; i < depth; ++i) {
      out[i] = static_cast<float>((in[i] - mean) * rstd * gamma[i] + (beta != nullptr ? beta[i] : 0.0f));
    }
  }
}

}  // namespace qrt::reference
