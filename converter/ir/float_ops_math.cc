// Arithmetic: Gemm, MatMul, broadcasting binary ops, unary activations,
// Clip, BatchNormalization (inference) and Softmax.
#include <algorithm>
#include <cmath>
#include <limits>

#include "converter/ir/float_gemm.h"
#include "converter/ir/float_ops.h"

namespace qrt::convert {
namespace {

// NumPy's multidirectional broadcast of two shapes; fails the node when they do not broadcast.
std::vector<int64_t> broadcast_shapes(const FloatOpContext& ctx, const std::vector<int64_t>& a,
                                      const std::vector<int64_t>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    const int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      ctx.fail("shapes " + shape_text(a) + " and " + shape_text(b) + " do not broadcast");
    }
    out[k] = da == 1 ? db : da;
  }
  return out;
}

// For each element of `out_shape`, the offset of the element of `shape` it reads (broadcast).
std::vector<int64_t> broadcast_offsets(const std::vector<int64_t>& shape, const std::vector<int64_t>& out_shape) {
  const size_t rank = out_shape.size();
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t k = shape.size(); k-- > 0;) {
    const size_t ok = k + (rank - shape.size());
    strides[ok] = shape[k] == 1 ? 0 : stride;
    stride *= shape[k];
  }
  const int64_t total = shape_element_count(out_shape);
  std::vector<int64_t> offsets(static_cast<size_t>(total));
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (int64_t e = 0; e < total; ++e) {
    offsets[e] = offset;
    for (size_t k = rank; k-- > 0;) {
      ++index[k];
      offset += strides[k];
      if (index[k] < out_shape[k]) break;
      offset -= strides[k] * index[k];
      index[k] = 0;
    }
  }
  return offsets;
}

template <typename T>
T apply_binary(const FloatOpContext& ctx, const std::string& op, T a, T b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Pow") return static_cast<T>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) ctx.fail("integer division by zero");
  }
  return a / b;
}

}  // namespace

std::vector<HostTensor> run_binary(const FloatOpContext& ctx) {
  const HostTensor& a = ctx.input(0);
  const HostTensor& b = ctx.input(1);
  if (a.dtype != b.dtype) ctx.fail("inputs are " + std::string(ir_dtype_name(a.dtype)) + " and " + ir_dtype_name(b.dtype));
  const auto shape = broadcast_shapes(ctx, a.shape, b.shape);
  const auto ia = broadcast_offsets(a.shape, shape);
  const auto ib = broadcast_offsets(b.shape, shape);
  const std::string& op = ctx.node.op_type;
  HostTensor y;
  y.dtype = a.dtype;
  y.shape = shape;
  if (a.is_float()) {
    y.f.resize(ia.size());
    for (size_t e = 0; e < ia.size(); ++e) y.f[e] = apply_binary(ctx, op, a.f[ia[e]], b.f[ib[e]]);
  } else {
    y.i.resize(ia.size());
    for (size_t e = 0; e < ia.size(); ++e) y.i[e] = apply_binary(ctx, op, a.i[ia[e]], b.i[ib[e]]);
  }
  return {y};
}

std::vector<HostTensor> run_unary(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  const std::string& op = ctx.node.op_type;
  const float alpha = ctx.node.float_attribute("alpha", op == "HardSigmoid" ? 0.2f : 0.01f);
  const float beta = ctx.node.float_attribute("beta", 0.5f);
  std::string approximate = "none";
  if (const IrAttribute* a = ctx.node.attribute("approximate")) approximate = a->s;
  HostTensor y = x;
  for (float& v : y.f) {
    const double d = v;
    double r = d;
    if (op == "Relu") r = std::max(d, 0.0);
    else if (op == "Sigmoid") r = 1.0 / (1.0 + std::exp(-d));
    else if (op == "Tanh") r = std::tanh(d);
    else if (op == "HardSwish") r = d * std::min(1.0, std::max(0.0, d / 6.0 + 0.5));
    else if (op == "HardSigmoid") r = std::min(1.0, std::max(0.0, alpha * d + beta));
    else if (op == "LeakyRelu") r = d >= 0 ? d : alpha * d;
    else if (op == "Erf") r = std::erf(d);
    else if (op == "Sqrt") r = std::sqrt(d);
    else if (op == "Neg") r = -d;
    else if (op == "Exp") r = std::exp(d);
    else if (op == "Gelu" && approximate == "tanh") {
      r = 0.5 * d * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (d + 0.044715 * d * d * d)));
    } else if (op == "Gelu") {
      r = 0.5 * d * (1.0 + std::erf(d / std::sqrt(2.0)));
    }
    v = static_cast<float>(r);
  }
  return {y};
}

std::vector<HostTensor> run_clip(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  if (ctx.opset < 11) {
    lo = ctx.node.float_attribute("min", lo);
    hi = ctx.node.float_attribute("max", hi);
  } else {
    for (size_t k = 1; k <= 2; ++k) {
      const HostTensor* bound = ctx.optional_input(k);
      if (!bound) continue;
      if (!bound->is_float() || bound->size() != 1) ctx.fail("min and max must be float32 scalars");
      (k == 1 ? lo : hi) = bound->f[0];
    }
  }
  HostTensor y = x;
  for (float& v : y.f) v = std::min(std::max(v, lo), hi);
  return {y};
}

std::vector<HostTensor> run_batch_normalization(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  if (x.shape.size() < 2) ctx.fail("input must be N x C x ..., got " + shape_text(x.shape));
  const int64_t c = x.shape[1];
  for (size_t k = 1; k <= 4; ++k) {
    if (ctx.float_input(k).size() != c) ctx.fail("scale, B, mean and var must have " + std::to_string(c) + " values");
  }
  if (ctx.node.outputs.size() > 1) ctx.fail("training mode (more than one output) is not supported");
  const float epsilon = ctx.node.float_attribute("epsilon", 1e-5f);
  const auto& scale = ctx.input(1).f;
  const auto& bias = ctx.input(2).f;
  const auto& mean = ctx.input(3).f;
  const auto& var = ctx.input(4).f;
  const int64_t inner = x.size() / std::max<int64_t>(x.shape[0] * c, 1);
  HostTensor y = x;
  for (int64_t e = 0; e < y.size(); ++e) {
    const int64_t ch = (e / inner) % c;
    y.f[e] = static_cast<float>((x.f[e] - mean[ch]) / std::sqrt(static_cast<double>(var[ch]) + epsilon) * scale[ch] +
                                bias[ch]);
  }
  return {y};
}

std::vector<HostTensor> run_gemm(const FloatOpContext& ctx) {
  const HostTensor& a = ctx.float_input(0);
  const HostTensor& b = ctx.float_input(1);
  const HostTensor* c = ctx.optional_input(2);
  if (a.shape.size() != 2 || b.shape.size() != 2) {
    ctx.fail("A and B must be 2-D, got " + shape_text(a.shape) + " and " + shape_text(b.shape));
  }
  const bool ta = ctx.node.int_attribute("transA", 0) != 0, tb = ctx.node.int_attribute("transB", 0) != 0;
  const float alpha = ctx.node.float_attribute("alpha", 1.0f), beta = ctx.node.float_attribute("beta", 1.0f);
  const int64_t m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
  const int64_t kb = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1];
  if (k != kb) ctx.fail("A " + shape_text(a.shape) + " and B " + shape_text(b.shape) + " disagree on K");
  std::vector<int64_t> c_offsets;
  if (c) {
    if (!c->is_float()) ctx.fail("C must be float32");
    c_offsets = broadcast_offsets(c->shape, broadcast_shapes(ctx, c->shape, {m, n}));
    if (static_cast<int64_t>(c_offsets.size()) != m * n) ctx.fail("C " + shape_text(c->shape) + " does not broadcast to [M,N]");
  }
  std::vector<float> y(static_cast<size_t>(m * n));
  const FloatMatrixView av = ta ? FloatMatrixView{a.f.data(), 1, m} : FloatMatrixView{a.f.data(), k, 1};
  const FloatMatrixView bv = tb ? FloatMatrixView{b.f.data(), 1, k} : FloatMatrixView{b.f.data(), n, 1};
  float_gemm(m, n, k, av, bv, y.data(), n, false);
  for (int64_t e = 0; e < m * n; ++e) {
    y[e] *= alpha;
    if (c) y[e] += beta * c->f[c_offsets[e]];
  }
  return {HostTensor::floats({m, n}, std::move(y))};
}

std::vector<HostTensor> run_matmul(const FloatOpContext& ctx) {
  HostTensor a = ctx.float_input(0);
  HostTensor b = ctx.float_input(1);
  if (a.shape.empty() || b.shape.empty()) ctx.fail("inputs must have rank >= 1");
  // NumPy: a 1-D A is a row, a 1-D B a column; the added dimension is dropped after.
  const bool a_vector = a.shape.size() == 1, b_vector = b.shape.size() == 1;
  if (a_vector) a.shape.insert(a.shape.begin(), 1);
  if (b_vector) b.shape.push_back(1);
  const int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back();
  const int64_t kb = b.shape[b.shape.size() - 2], n = b.shape.back();
  if (k != kb) ctx.fail("A " + shape_text(a.shape) + " and B " + shape_text(b.shape) + " disagree on K");
  const std::vector<int64_t> a_batch(a.shape.begin(), a.shape.end() - 2), b_batch(b.shape.begin(), b.shape.end() - 2);
  const auto batch = broadcast_shapes(ctx, a_batch, b_batch);
  const auto ia = broadcast_offsets(a_batch, batch), ib = broadcast_offsets(b_batch, batch);
  std::vector<float> y(ia.size() * static_cast<size_t>(m * n));
  for (size_t bi = 0; bi < ia.size(); ++bi) {
    const float* pa = a.f.data() + ia[bi] * m * k;
    const float* pb = b.f.data() + ib[bi] * k * n;
    float* py = y.data() + bi * m * n;
    float_gemm(m, n, k, FloatMatrixView{pa, k, 1}, FloatMatrixView{pb, n, 1}, py, n, false);
  }
  std::vector<int64_t> shape = batch;
  if (!a_vector) shape.push_back(m);
  if (!b_vector) shape.push_back(n);
  return {HostTensor::floats(shape, std::move(y))};
}

std::vector<HostTensor> run_softmax(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  // Before opset 13 Softmax normalizes over all dimensions from `axis` on
  // (default 1); from 13 over the single `axis` (default -1).
  const bool coerced_2d = ctx.opset < 13;
  const int64_t axis = normalize_axis(ctx, ctx.node.int_attribute("axis", coerced_2d ? 1 : -1), std::max<int64_t>(rank, 1));
  int64_t outer = 1, extent = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) outer *= x.shape[d];
    else if (d == axis || coerced_2d) extent *= x.shape[d];
    else inner *= x.shape[d];
  }
  HostTensor y = x;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      const auto at = [&](int64_t e) { return (o * extent + e) * inner + in; };
      float peak = -std::numeric_limits<float>::infinity();
      for (int64_t e = 0; e < extent; ++e) peak = std::max(peak, x.f[at(e)]);
      double sum = 0.0;
      for (int64_t e = 0; e < extent; ++e) sum += std::exp(static_cast<double>(x.f[at(e)]) - peak);
      for (int64_t e = 0; e < extent; ++e) y.f[at(e)] = static_cast<float>(std::exp(static_cast<double>(x.f[at(e)]) - peak) / sum);
    }
  }
  return {y};
}

}  // namespace qrt::convert
