#include "converter/onnx/integer_ops_import.h"

#include <map>
#include <set>

#include "converter/model_import.h"
#include "converter/onnx/constant_values.h"
#include "converter/onnx/quantization_params.h"

namespace qrt::convert {
namespace {

std::string where(const IrNode& n) { return "node '" + n.name + "' (" + n.op_type + ")"; }

std::string input(const IrNode& n, size_t i) { return i < n.inputs.size() ? n.inputs[i] : ""; }

// The integer quantization of `operand` from its zero point input (scale 1
// per zero point). `per_channel_axis` is where a zero point per output
// channel runs (-1: one zero point only).
IrQuantization integer_quantization(const IrGraph& g, const IrNode& n, const std::string& operand,
                                    const std::string& zero_point, int64_t per_channel_axis) {
  const IrValue* v = g.find(operand);
  if (v == nullptr) throw ImportError(where(n) + ": input '" + operand + "' is missing");
  if (v->dtype != IrDType::kInt8 && v->dtype != IrDType::kUInt8) {
    throw ImportError(where(n) + ": input '" + operand + "' is " + ir_dtype_name(v->dtype) + "; it must be int8 or uint8");
  }
  IrQuantization q;
  q.dtype = v->dtype;
  if (zero_point.empty()) {
    q.scales = {1.0f};
    q.zero_points = {0};
    return q;
  }
  const IrValue* z = g.find(zero_point);
  if (z == nullptr || !z->is_constant) {
    throw ImportError(where(n) + ": zero point '" + zero_point +
                      "' is computed at run time; qrt takes constant zero points here (a DynamicQuantizeLinear -> "
                      "MatMulInteger -> Cast -> Mul chain imports as one dynamically quantized op)");
  }
  if (z->dtype != v->dtype) {
    throw ImportError(where(n) + ": zero point '" + zero_point + "' is " + ir_dtype_name(z->dtype) + ", input '" +
                      operand + "' is " + ir_dtype_name(v->dtype));
  }
  for (int64_t zp : constant_ints(*z, where(n) + ": zero point")) q.zero_points.push_back(static_cast<int32_t>(zp));
  if (q.zero_points.empty()) throw ImportError(where(n) + ": zero point '" + zero_point + "' is empty");
  if (q.zero_points.size() > 1) {
    if (per_channel_axis < 0) {
      throw ImportError(where(n) + ": zero point '" + zero_point + "' of the activation input holds " +
                        std::to_string(q.zero_points.size()) + " values; qrt takes one (per tensor)");
    }
    bool all_equal = true;
    for (int32_t zp : q.zero_points) all_equal = all_equal && zp == q.zero_points[0];
    if (all_equal) {
      q.zero_points.resize(1);
    } else {
      if (v->shape.size() <= static_cast<size_t>(per_channel_axis) ||
          v->shape[per_channel_axis] != static_cast<int64_t>(q.zero_points.size())) {
        throw ImportError(where(n) + ": zero point '" + zero_point + "' has " + std::to_string(q.zero_points.size()) +
                          " values, not one per output channel of '" + operand + "'");
      }
      q.axis = static_cast<int32_t>(per_channel_axis);
    }
  }
  q.scales.assign(q.zero_points.size(), 1.0f);
  return q;
}

// Gives an activation its zero point. One already quantized (a QuantizeLinear
// before it) keeps its scale when the zero points agree: the integer ops read
// only the zero point.
std::string attach_integer_quantization(IrGraph& g, const IrNode& n, const std::string& name, const IrQuantization& q) {
  IrValue* v = g.find(name);
  if (!v->is_constant && v->quantization) {
    if (v->quantization->zero_points != q.zero_points || v->quantization->dtype != q.dtype) {
      throw ImportError(where(n) + ": value '" + name + "' is quantized with another zero point elsewhere");
    }
    return name;
  }
  return attach_quantization(g, name, q, where(n));
}

void import_integer_node(IrGraph& g, IrNode& n, bool conv) {
  if (n.outputs.empty() || n.outputs[0].empty()) throw ImportError(where(n) + " has no output");
  const std::string a = input(n, 0), b = input(n, 1);
  if (a.empty() || b.empty()) throw ImportError(where(n) + " needs two inputs");
  const IrValue* bv = g.find(b);
  if (bv == nullptr || !bv->is_constant) {
    throw ImportError(where(n) + ": '" + b + "' must be a constant (qrt multiplies by constant weights)");
  }
  // Per output channel: ConvInteger's w [M, C/g, kH, kW] along 0, MatMulInteger's B [K, N] along 1.
  const int64_t weight_axis = conv ? 0 : (bv->shape.size() == 2 ? 1 : -1);
  const IrQuantization aq = integer_quantization(g, n, a, input(n, 2), -1);
  const IrQuantization bq = integer_quantization(g, n, b, input(n, 3), weight_axis);
  const std::string a_name = attach_integer_quantization(g, n, a, aq);
  const std::string b_name = attach_quantization(g, b, bq, where(n));
  n.inputs = {a_name, b_name};
  IrValue* y = g.find(n.outputs[0]);
  y->dtype = IrDType::kInt32;
  y->quantization.reset();
}

// The expanded DynamicQuantizeLinear matcher: producers by value name.
class ExpandedMatcher {
 public:
  explicit ExpandedMatcher(const IrGraph& g) : g_(g) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      for (const std::string& out : g.nodes[i].outputs) producer_[out] = i;
    }
  }
  // The default-domain node of `op_type` that writes `value`, or nullptr; its index is recorded.
  const IrNode* made_by(const std::string& value, const char* op_type) {
    const auto it = producer_.find(value);
    if (it == producer_.end()) return nullptr;
    const IrNode& n = g_.nodes[it->second];
    if (!n.domain.empty() || n.op_type != op_type || n.outputs.size() != 1) return nullptr;
    matched_.insert(it->second);
    return &n;
  }
  bool is_float(const std::string& value, float expected) const {
    const IrValue* v = g_.find(value);
    if (v == nullptr || !v->is_constant || v->dtype != IrDType::kFloat32 || v->element_count() != 1) return false;
    return constant_floats(*v, "constant")[0] == expected;
  }
  // Binary node `n` with one input `value` and the other the constant `c`, in either order.
  bool with_constant(const IrNode* n, std::string* value, float c) const {
    if (n == nullptr || n->inputs.size() != 2) return false;
    if (is_float(n->inputs[1], c)) return *value = n->inputs[0], true;
    if (is_float(n->inputs[0], c)) return *value = n->inputs[1], true;
    return false;
  }
  // ReduceMin / ReduceMax of all of x, keepdims 0.
  bool reduces_all(const IrNode* n, const std::string& x) const {
    return n != nullptr && n->inputs.size() == 1 && n->inputs[0] == x && n->int_attribute("keepdims", 1) == 0 &&
           n->attribute("axes") == nullptr;
  }
  const std::set<size_t>& matched() const { return matched_; }

 private:
  const IrGraph& g_;
  std::map<std::string, size_t> producer_;
  std::set<size_t> matched_;
};

// The chain behind QuantizeLinear node q, or false.
bool match_expanded(const IrGraph& g, const IrNode& q, std::set<size_t>* chain) {
  if (q.inputs.size() != 3 || q.outputs.size() != 1) return false;
  const std::string &x = q.inputs[0], &scale = q.inputs[1], &zero_point = q.inputs[2];
  ExpandedMatcher m(g);
  std::string range, max_adjusted, min_adjusted, x_max, x_min, min_scaled, initial, clipped, rounded;
  if (!m.with_constant(m.made_by(scale, "Div"), &range, 255.0f) || g.find(scale)->is_constant) return false;
  if (m.made_by(scale, "Div")->inputs[0] != range) return false;  // range / 255, not 255 / range
  const IrNode* sub = m.made_by(range, "Sub");
  if (sub == nullptr || sub->inputs.size() != 2) return false;
  max_adjusted = sub->inputs[0];
  min_adjusted = sub->inputs[1];
  if (!m.with_constant(m.made_by(max_adjusted, "Max"), &x_max, 0.0f)) return false;
  if (!m.with_constant(m.made_by(min_adjusted, "Min"), &x_min, 0.0f)) return false;
  if (!m.reduces_all(m.made_by(x_max, "ReduceMax"), x) || !m.reduces_all(m.made_by(x_min, "ReduceMin"), x)) return false;
  const IrNode* cast = m.made_by(zero_point, "Cast");
  if (cast == nullptr || cast->inputs.size() != 1 || cast->int_attribute("to", 0) != 2) return false;  // to uint8
  const IrNode* round = m.made_by(cast->inputs[0], "Round");
  if (round == nullptr || round->inputs.size() != 1) return false;
  const IrNode* clip = m.made_by(round->inputs[0], "Clip");
  if (clip == nullptr || clip->inputs.size() != 3 || !m.is_float(clip->inputs[1], 0.0f) ||
      !m.is_float(clip->inputs[2], 255.0f)) {
    return false;
  }
  const IrNode* initial_sub = m.made_by(clip->inputs[0], "Sub");
  if (initial_sub == nullptr || initial_sub->inputs.size() != 2 || !m.is_float(initial_sub->inputs[0], 0.0f)) return false;
  const IrNode* div = m.made_by(initial_sub->inputs[1], "Div");
  if (div == nullptr || div->inputs.size() != 2 || div->inputs[0] != min_adjusted || div->inputs[1] != scale) return false;
  *chain = m.matched();
  return true;
}

}  // namespace

int fold_expanded_dynamic_quantize_linear(IrGraph& graph) {
  int made = 0;
  for (size_t qi = 0; qi < graph.nodes.size(); ++qi) {
    const IrNode& q = graph.nodes[qi];
    if (!q.domain.empty() || q.op_type != "QuantizeLinear") continue;
    std::set<size_t> chain;
    if (!match_expanded(graph, q, &chain)) continue;
    // Every value the chain computes other than the scale and zero point must
    // be read only inside it (and q).
    std::set<std::string> inner;
    for (size_t i : chain) inner.insert(graph.nodes[i].outputs[0]);
    const std::string scale = q.inputs[1], zero_point = q.inputs[2];
    bool private_chain = true;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (i == qi || chain.count(i)) continue;
      for (const std::string& in : graph.nodes[i].inputs) {
        if (inner.count(in) && in != scale && in != zero_point) private_chain = false;
      }
    }
    for (const std::string& out : graph.outputs) {
      if (inner.count(out) && out != scale && out != zero_point) private_chain = false;
    }
    if (!private_chain) continue;
    IrNode dql;
    dql.name = q.name;
    dql.op_type = "DynamicQuantizeLinear";
    dql.inputs = {q.inputs[0]};
    dql.outputs = {q.outputs[0], scale, zero_point};
    // The node goes where the chain began, before any reader of the scale or zero point.
    const size_t first = *chain.begin();
    std::vector<IrNode> nodes;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (i == first) nodes.push_back(dql);
      if (i == qi || chain.count(i)) continue;
      nodes.push_back(std::move(graph.nodes[i]));
    }
    graph.nodes = std::move(nodes);
    for (const std::string& v : inner) {
      if (v != scale && v != zero_point) graph.values.erase(v);
    }
    ++made;
    qi = 0;  // indices changed: look again from the start
  }
  if (made == 0) return 0;
  // An Identity that only hands the scale or zero point to a graph output becomes that output.
  std::map<std::string, int> readers;
  for (const IrNode& n : graph.nodes) {
    for (const std::string& in : n.inputs) ++readers[in];
  }
  const std::set<std::string> outputs(graph.outputs.begin(), graph.outputs.end());
  std::vector<IrNode> kept;
  std::map<std::string, std::string> renamed;
  for (IrNode& n : graph.nodes) {
    const bool pass = n.domain.empty() && n.op_type == "Identity" && n.inputs.size() == 1 && n.outputs.size() == 1 &&
                      readers[n.inputs[0]] == 1 && !outputs.count(n.inputs[0]);
    if (pass) {
      for (IrNode& d : kept) {
        if (d.op_type != "DynamicQuantizeLinear") continue;
        for (size_t o = 1; o < d.outputs.size(); ++o) {
          if (d.outputs[o] == n.inputs[0]) {
            renamed[n.inputs[0]] = n.outputs[0];
            d.outputs[o] = n.outputs[0];
          }
        }
      }
      if (renamed.count(n.inputs[0])) {
        graph.values.erase(n.inputs[0]);
        continue;
      }
    }
    kept.push_back(std::move(n));
  }
  graph.nodes = std::move(kept);
  return made;
}

void import_integer_ops(IrGraph& graph) {
  for (IrNode& n : graph.nodes) {
    if (!n.domain.empty()) continue;
    if (n.op_type == "ConvInteger") {
      import_integer_node(graph, n, true);
    } else if (n.op_type == "MatMulInteger") {
      import_integer_node(graph, n, false);
    } else if (n.op_type == "DynamicQuantizeLinear") {
      if (n.inputs.size() != 1 || n.inputs[0].empty() || n.outputs.size() != 3) {
        throw ImportError(where(n) + " needs one input and three outputs");
      }
      for (const std::string& out : n.outputs) {
        if (out.empty()) throw ImportError(where(n) + ": every output must be named");
      }
      graph.find(n.outputs[0])->dtype = IrDType::kUInt8;
      graph.find(n.outputs[1])->dtype = IrDType::kFloat32;
      graph.find(n.outputs[2])->dtype = IrDType::kUInt8;
    }
  }
}

}  // namespace qrt::convert
