// Normalization and reductions of transformer graphs: LayerNormalization
// (opset 17) and ReduceMean over any axes (the decomposed LayerNorm that
// older exporters write), in double sums rounded to float32.
#include <cmath>

#include "converter/ir/float_ops.h"

namespace qrt::convert {

std::vector<HostTensor> run_layer_normalization(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  const HostTensor& gamma = ctx.float_input(1);
  const HostTensor* beta = ctx.optional_input(2);
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  if (rank < 1) ctx.fail("input must have rank >= 1");
  const int64_t axis = normalize_axis(ctx, ctx.node.int_attribute("axis", -1), rank);
  const float epsilon = ctx.node.float_attribute("epsilon", 1e-5f);
  int64_t rows = 1, depth = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? rows : depth) *= x.shape[d];
  if (gamma.size() != depth || (beta && (!beta->is_float() || beta->size() != depth))) {
    ctx.fail("scale and bias must hold " + std::to_string(depth) + " values (the normalized dimensions)");
  }
  HostTensor y = x;
  for (int64_t r = 0; r < rows; ++r) {
    const float* in = x.f.data() + r * depth;
    double mean = 0.0;
    for (int64_t i = 0; i < depth; ++i) mean += in[i];
    mean /= static_cast<double>(depth);
    double var = 0.0;
    for (int64_t i = 0; i < depth; ++i) var += (in[i] - mean) * (in[i] - mean);
    var /= static_cast<double>(depth);
    const double rstd = 1.0 / std::sqrt(var + epsilon);
    for (int64_t i = 0; i < depth; ++i) {
      y.f[r * depth + i] = static_cast<float>((in[i] - mean) * rstd * gamma.f[i] + (beta ? beta->f[i] : 0.0f));
    }
  }
  return {y};
}

std::vector<HostTensor> run_reduce_mean(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  std::vector<int64_t> axes = ctx.node.ints_attribute("axes");
  if (axes.empty() && ctx.optional_input(1)) axes = ctx.input(1).i;  // opset 18: axes as an input
  std::vector<bool> reduced(static_cast<size_t>(rank), axes.empty());
  for (int64_t a : axes) reduced[static_cast<size_t>(normalize_axis(ctx, a, rank))] = true;
  const bool keep = ctx.node.int_attribute("keepdims", 1) != 0;
  std::vector<int64_t> out_shape, kept_shape;
  for (int64_t d = 0; d < rank; ++d) {
    kept_shape.push_back(reduced[d] ? 1 : x.shape[d]);
    if (!reduced[d] || keep) out_shape.push_back(reduced[d] ? 1 : x.shape[d]);
  }
  const int64_t out_count = shape_element_count(kept_shape);
  std::vector<double> sums(static_cast<size_t>(out_count), 0.0);
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  for (int64_t e = 0; e < x.size(); ++e) {
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d) o = o * kept_shape[d] + (reduced[d] ? 0 : index[d]);
    sums[o] += x.f[e];
    for (int64_t d = rank; d-- > 0;) {
      if (++index[d] < x.shape[d]) break;
      index[d] = 0;
    }
  }
  const double count = static_cast<double>(x.size()) / static_cast<double>(std::max<int64_t>(out_count, 1));
  std::vector<float> y(sums.size());
  for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(sums[i] / count);
  return {HostTensor::floats(out_shape, std::move(y))};
}

}  // namespace qrt::convert
