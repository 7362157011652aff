#include "converter/onnx/import_constant_folding.h"

#include <cmath>
#include <set>
#include <string>

#include "converter/model_import.h"
#include "converter/onnx/constant_values.h"
#include "converter/onnx/quantization_params.h"

namespace qrt::convert {
namespace {

std::string where(const IrNode& n) { return "node '" + n.name + "' (" + n.op_type + ")"; }

bool all_inputs_constant(const IrGraph& g, const IrNode& n) {
  for (const std::string& in : n.inputs) {
    if (in.empty()) continue;
    const IrValue* v = g.find(in);
    if (!v || !v->is_constant) return false;
  }
  return !n.inputs.empty();
}

// A hostile file may give a node fewer inputs than its op takes, or leave a
// required one empty (""): the folders index n.inputs and look the names up,
// so the first `required` inputs must be present and at most `max_count` given.
void expect_inputs(const IrNode& n, size_t required, size_t max_count) {
  if (n.inputs.size() < required || n.inputs.size() > max_count) {
    throw ImportError(where(n) + " has " + std::to_string(n.inputs.size()) + " inputs; it takes " +
                      (required == max_count ? std::to_string(required)
                                             : std::to_string(required) + " to " + std::to_string(max_count)));
  }
  for (size_t i = 0; i < required; ++i) {
    if (n.inputs[i].empty()) throw ImportError(where(n) + ": required input " + std::to_string(i) + " is empty");
  }
}

bool is_integer(IrDType t) {
  return t == IrDType::kInt64 || t == IrDType::kInt32 || t == IrDType::kInt8 || t == IrDType::kUInt8 ||
         t == IrDType::kInt16 || t == IrDType::kBool;
}

std::optional<IrValue> constant_node_value(const IrNode& n) {
  if (const IrAttribute* a = n.attribute("value"); a && a->tensor) return *a->tensor;
  if (const IrAttribute* a = n.attribute("value_float")) return make_float_constant("", {}, {a->f});
  if (const IrAttribute* a = n.attribute("value_floats")) {
    return make_float_constant("", {static_cast<int64_t>(a->floats.size())}, a->floats);
  }
  if (const IrAttribute* a = n.attribute("value_int")) return make_constant("", IrDType::kInt64, {}, {a->i});
  if (const IrAttribute* a = n.attribute("value_ints")) {
    return make_constant("", IrDType::kInt64, {static_cast<int64_t>(a->ints.size())}, a->ints);
  }
  throw ImportError(where(n) + " has no value attribute qconvert reads (value, value_float(s), value_int(s))");
}

// ONNX QuantizeLinear on a constant: saturate(round_half_even(x / scale) + zero_point).
IrValue quantize_constant(const IrGraph& g, const IrNode& n) {
  const IrValue& x = *g.find(n.inputs[0]);
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  const IrQuantization q = read_quantization(g, n.inputs[1], n.inputs.size() > 2 ? n.inputs[2] : "",
                                             n.int_attribute("axis", 1), rank, IrDType::kUInt8, where(n));
  const std::vector<float> values = constant_floats(x, where(n) + ": input");
  int64_t inner = 1;
  if (q.axis >= 0) {
    for (int64_t d = q.axis + 1; d < rank; ++d) inner *= x.shape[d];
  }
  const int64_t lo = q.dtype == IrDType::kInt8 ? -128 : 0;
  const int64_t hi = q.dtype == IrDType::kInt8 ? 127 : 255;
  std::vector<int64_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = q.axis >= 0 ? (i / inner) % q.scales.size() : 0;
    const float r = std::nearbyint(values[i] / q.scales[c]);
    const float clamped = std::fmin(std::fmax(r + static_cast<float>(q.zero_points[c]), static_cast<float>(lo)),
                                    static_cast<float>(hi));
    out[i] = std::isnan(values[i]) ? q.zero_points[c] : static_cast<int64_t>(clamped);
  }
  return make_constant("", q.dtype, x.shape, out);
}

std::vector<int64_t> axes_of(const IrGraph& g, const IrNode& n) {
  if (n.inputs.size() > 1 && !n.inputs[1].empty()) return constant_ints(*g.find(n.inputs[1]), where(n) + ": axes");
  return n.ints_attribute("axes");
}

// Returns the folded value, or nothing when this node is not folded.
std::optional<IrValue> fold(const IrGraph& g, const IrNode& n) {
  if (!n.domain.empty()) return std::nullopt;
  const std::string& op = n.op_type;
  if (op == "Constant") return constant_node_value(n);
  if (op == "Shape") {
    expect_inputs(n, 1, 1);
    const IrValue* x = g.find(n.inputs[0]);
    if (!x || x->shape.empty() || x->element_count() < 0) return std::nullopt;
    if (n.attribute("start") || n.attribute("end")) return std::nullopt;
    return make_constant("", IrDType::kInt64, {static_cast<int64_t>(x->shape.size())}, x->shape);
  }
  if (!all_inputs_constant(g, n)) return std::nullopt;
  if (op == "QuantizeLinear") {
    expect_inputs(n, 2, 3);
    return quantize_constant(g, n);
  }
  if (n.inputs[0].empty()) throw ImportError(where(n) + ": required input 0 is empty");
  const IrValue& x = *g.find(n.inputs[0]);
  if (!is_integer(x.dtype) || x.element_count() > 64) return std::nullopt;  // shape arithmetic only
  const std::vector<int64_t> xs = constant_ints(x, where(n));
  if (op == "Cast") {
    const int64_t to = n.int_attribute("to", 0);
    if (to == 7) return make_constant("", IrDType::kInt64, x.shape, xs);
    if (to == 6) return make_constant("", IrDType::kInt32, x.shape, xs);
    return std::nullopt;
  }
  if (op == "Gather" && x.shape.size() == 1 && n.int_attribute("axis", 0) == 0) {
    expect_inputs(n, 2, 2);
    const IrValue& idx = *g.find(n.inputs[1]);
    std::vector<int64_t> out;
    for (int64_t i : constant_ints(idx, where(n) + ": indices")) {
      if (i < 0) i += static_cast<int64_t>(xs.size());
      if (i < 0 || i >= static_cast<int64_t>(xs.size())) throw ImportError(where(n) + ": index out of range");
      out.push_back(xs[i]);
    }
    return make_constant("", IrDType::kInt64, idx.shape, out);
  }
  if (op == "Concat") {
    std::vector<int64_t> out;
    for (const std::string& in : n.inputs) {
      if (in.empty()) throw ImportError(where(n) + ": an input is empty");
      const IrValue& v = *g.find(in);
      if (v.shape.size() != 1 || !is_integer(v.dtype)) return std::nullopt;
      for (int64_t e : constant_ints(v, where(n))) out.push_back(e);
    }
    return make_constant("", IrDType::kInt64, {static_cast<int64_t>(out.size())}, out);
  }
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape") {
    std::vector<int64_t> shape;
    if (op == "Unsqueeze") {
      std::vector<int64_t> axes = axes_of(g, n);
      if (!x.shape.empty() || axes != std::vector<int64_t>{0}) return std::nullopt;  // scalar -> [1]
      shape = {1};
    } else if (op == "Squeeze") {
      if (x.shape != std::vector<int64_t>{1}) return std::nullopt;
    } else {
      shape = {static_cast<int64_t>(xs.size())};
    }
    return make_constant("", IrDType::kInt64, shape, xs);
  }
  return std::nullopt;
}

void replace_uses(IrGraph& g, const std::string& from, const std::string& to) {
  for (IrNode& n : g.nodes) {
    for (std::string& in : n.inputs) {
      if (in == from) in = to;
    }
  }
}

}  // namespace

void fold_import_constants(IrGraph& graph) {
  const std::set<std::string> outputs(graph.outputs.begin(), graph.outputs.end());
  std::vector<IrNode> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    IrNode& n = graph.nodes[i];
    const bool bypass = n.domain.empty() && (n.op_type == "Identity" || n.op_type == "Dropout") &&
                        !n.inputs.empty() && !n.outputs.empty() && !outputs.count(n.outputs[0]) &&
                        (n.outputs.size() == 1 || n.outputs[1].empty());
    if (bypass) {
      replace_uses(graph, n.outputs[0], n.inputs[0]);
      graph.values.erase(n.outputs[0]);
      continue;
    }
    std::optional<IrValue> folded = n.outputs.size() == 1 ? fold(graph, n) : std::nullopt;
    if (folded) {
      folded->name = n.outputs[0];
      folded->is_constant = true;
      graph.values[n.outputs[0]] = std::move(*folded);
      continue;
    }
    kept.push_back(std::move(n));
  }
  graph.nodes = std::move(kept);
}

}  // namespace qrt::convert

