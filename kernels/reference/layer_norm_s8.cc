#include "kernels/reference/layer_norm_s8.h"

#include <algorithm>
#include <cmath>

namespace qrt::reference {

std::string init_layer_norm_params(int64_t rows, int depth, float input_scale, float output_scale,
                                   int32_t output_zero_point, float epsilon, const float* gamma, const float* beta,
                                   LayerNormParams* params) {
  if (depth < 1 || depth > kMaxLayerNormDepth) {
    return "normalized dimension " + std::to_string(depth) + " is outside [1, " +
           std::to_string(kMaxLayerNormDepth) + "]";
  }
  if (!(std::isfinite(input_scale) && input_scale > 0.0f) || !(std::isfinite(output_scale) && output_scale > 0.0f)) {
    return "scales must be finite and positive";
  }
  if (!(std::isfinite(epsilon) && epsilon > 0.0f)) return "epsilon " + std::to_string(epsilon) + " is not finite and positive";
  // The largest |centred * row_scale| is 255 * input_scale / sqrt(epsilon)
  // (a constant row); beyond float's range a zero gamma would make it NaN
  // (inf * 0), whose conversion to int is undefined.
  if (!(255.0 * input_scale / std::sqrt(static_cast<double>(epsilon)) <= 3.4e38)) {
    return "input scale / sqrt(epsilon) is out of float range";
  }
  if (output_zero_point < -128 || output_zero_point > 127) return "output zero point outside int8";
  params->rows = rows;
  params->depth = depth;
  params->input_scale = input_scale;
  params->epsilon = epsilon;
  params->output_zero_point = output_zero_point;
  params->gamma_over_output_scale.resize(depth);
  params->beta_over_output_scale.resize(depth);
  for (int i = 0; i < depth; ++i) {
    const float g = gamma[i] / output_scale;
    const float b = beta ? beta[i] / output_scale : 0.0f;
    if (!std::isfinite(gamma[i]) || !std::isfinite(g) || (beta && (!std::isfinite(beta[i]) || !std::isfinite(b)))) {
      return "gamma or beta element " + std::to_string(i) + " (or its ratio to the output scale) is not finite";
    }
    params->gamma_over_output_scale[i] = g;
    params->beta_over_output_scale[i] = b;
  }
  return "";
}

void layer_norm_s8(const LayerNormParams& p, const int8_t* input, int8_t* output) {
  const int n = p.depth;
  const float lo = static_cast<float>(-128 - p.output_zero_point);
  const float hi = static_cast<float>(127 - p.output_zero_point);
  for (int64_t r = 0; r < p.rows; ++r) {
    const int8_t* x = input + r * n;
    int8_t* y = output + r * n;
    int32_t sum = 0;
    int64_t sumsq = 0;
    for (int i = 0; i < n; ++i) {
      sum += x[i];
      sumsq += int64_t{x[i]} * x[i];
    }
    const int64_t var_num = int64_t{n} * sumsq - int64_t{sum} * sum;
    const double var = static_cast<double>(var_num) / (static_cast<double>(n) * static_cast<double>(n)) *
                       (p.input_scale * p.input_scale);
    const double rstd = 1.0 / std::sqrt(var + p.epsilon);
    const float row_scale = static_cast<float>(p.input_scale * rstd / static_cast<double>(n));
    for (int i = 0; i < n; ++i) {
      const float centred = static_cast<float>(n * int32_t{x[i]} - sum);
      const float v = centred * row_scale;
      float z = v * p.gamma_over_output_scale[i];
      z = z + p.beta_over_output_scale[i];
      z = std::min(std::max(z, lo), hi);
      y[i] = static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(z)) + p.output_zero_point);
    }
  }
}

}  // namespace qrt::reference
