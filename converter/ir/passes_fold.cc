// Passes that compute something ahead of time: shapes, constant
// subgraphs, BatchNorm into Conv weights, Pad into window pads.
#include <cmath>
#include <limits>

#include "converter/ir/float_executor.h"
#include "converter/ir/graph_edit.h"
#include "converter/ir/passes.h"

namespace qrt::convert {

int infer_static_shapes(IrGraph* graph) {
  HostTensorMap zeros;
  for (const std::string& name : graph->inputs) {
    const IrValue* v = graph->find(name);
    if (!v) return 0;
    if (v->is_constant) continue;
    if (v->element_count() < 0) return 0;
    if (v->dtype == IrDType::kInt64 || v->dtype == IrDType::kInt32) {  // token ids: 0 is a valid index
      zeros[name] = HostTensor::int64s(v->shape, std::vector<int64_t>(static_cast<size_t>(v->element_count()), 0));
      continue;
    }
    if (v->dtype != IrDType::kFloat32) return 0;
    zeros[name] = HostTensor::floats(v->shape, std::vector<float>(static_cast<size_t>(v->element_count()), 0.0f));
  }
  if (!unsupported_float_nodes(*graph).empty()) return 0;
  HostTensorMap values;
  try {
    values = run_float_graph(*graph, zeros);
  } catch (const FloatExecutorError&) {
    return 0;  // the executor's own error surfaces later, when calibration runs the graph
  }
  int updated = 0;
  for (const auto& [name, tensor] : values) {
    IrValue& v = graph->values[name];
    v.name = name;
    if (v.shape != tensor.shape || v.dtype != tensor.dtype) ++updated;
    v.shape = tensor.shape;
    v.dtype = tensor.dtype;
  }
  return updated;
}

namespace {

bool can_fold(const IrGraph& graph, const IrNode& node) {
  if (!float_executor_supports(node)) return false;
  if (node.op_type == "Shape") {
    const IrValue* v = graph.find(node.inputs.empty() ? "" : node.inputs[0]);
    return v && v->element_count() >= 0;
  }
  for (const std::string& input : node.inputs) {
    const IrValue* v = input.empty() ? nullptr : graph.find(input);
    if (!input.empty() && (!v || !v->is_constant)) return false;
  }
  return true;
}

}  // namespace

int fold_constants(IrGraph* graph) {
  int folded = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  for (size_t k = 0; k < graph->nodes.size(); ++k) {
    const IrNode& node = graph->nodes[k];
    if (!can_fold(*graph, node)) continue;
    std::vector<HostTensor> inputs;
    inputs.reserve(node.inputs.size());
    std::vector<const HostTensor*> pointers;
    if (node.op_type == "Shape") {
      const IrValue& v = *graph->find(node.inputs[0]);
      inputs.push_back(HostTensor::int64s(v.shape, {}));  // Shape reads only the shape
      pointers.push_back(&inputs.back());
    } else {
      for (const std::string& name : node.inputs) {
        inputs.emplace_back();
        const bool present = !name.empty() && constant_tensor(*graph, name, &inputs.back());
        pointers.push_back(present ? &inputs.back() : nullptr);
      }
    }
    std::vector<HostTensor> outputs;
    try {
      outputs = run_float_node(node, pointers, graph->opset);
    } catch (const FloatExecutorError&) {
      continue;  // left for the executor to report when the graph runs
    }
    for (size_t o = 0; o < node.outputs.size() && o < outputs.size(); ++o) {
      if (!node.outputs[o].empty()) graph->values[node.outputs[o]] = constant_value_from_host_tensor(node.outputs[o], outputs[o]);
    }
    erase[k] = true;
    ++folded;
  }
  erase_nodes(graph, erase);
  return folded;
}

int fold_batch_norm_into_conv(IrGraph* graph) {
  int folded = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  for (size_t k = 0; k < graph->nodes.size(); ++k) {
    IrNode& conv = graph->nodes[k];
    if (conv.op_type != "Conv" || conv.outputs.size() != 1 || conv.inputs.size() < 2) continue;
    const int bn_index = sole_consumer(*graph, conv.outputs[0]);
    if (bn_index < 0) continue;
    const IrNode& bn = graph->nodes[bn_index];
    if (bn.op_type != "BatchNormalization" || bn.outputs.size() != 1 || bn.inputs.size() != 5 || bn.inputs[0] != conv.outputs[0]) continue;
    HostTensor w, b, scale, shift, mean, var;
    if (!constant_tensor(*graph, conv.inputs[1], &w) || !w.is_float() || w.shape.size() != 4) continue;
    const int64_t m = w.shape[0];
    const bool has_bias = conv.inputs.size() > 2 && !conv.inputs[2].empty();
    if (has_bias && (!constant_tensor(*graph, conv.inputs[2], &b) || b.size() != m)) continue;
    if (!constant_tensor(*graph, bn.inputs[1], &scale) || !constant_tensor(*graph, bn.inputs[2], &shift) ||
        !constant_tensor(*graph, bn.inputs[3], &mean) || !constant_tensor(*graph, bn.inputs[4], &var)) {
      continue;
    }
    if (scale.size() != m || shift.size() != m || mean.size() != m || var.size() != m || !scale.is_float()) continue;
    const double epsilon = bn.float_attribute("epsilon", 1e-5f);
    const int64_t per_channel = w.size() / m;
    std::vector<float> bias(static_cast<size_t>(m));
    for (int64_t c = 0; c < m; ++c) {
      const double factor = scale.f[c] / std::sqrt(static_cast<double>(var.f[c]) + epsilon);
      for (int64_t e = 0; e < per_channel; ++e) w.f[c * per_channel + e] = static_cast<float>(w.f[c * per_channel + e] * factor);
      bias[c] = static_cast<float>(((has_bias ? b.f[c] : 0.0) - mean.f[c]) * factor + shift.f[c]);
    }
    const std::string w_name = add_constant(graph, conv.name + "_bn_weight", w);
    const std::string b_name = add_constant(graph, conv.name + "_bn_bias", HostTensor::floats({m}, bias));
    conv.inputs.resize(3);
    conv.inputs[1] = w_name;
    conv.inputs[2] = b_name;
    graph->values.erase(conv.outputs[0]);
    conv.outputs[0] = bn.outputs[0];
    erase[bn_index] = true;
    ++folded;
  }
  erase_nodes(graph, erase);
  return folded;
}

namespace {

// The Pad's spatial begin/end pads of a 4-D NCHW input ({top, left, bottom,
// right}) and its value, when batch and channel are not padded.
bool spatial_pads(const IrGraph& graph, const IrNode& pad, std::vector<int64_t>* pads, float* value) {
  std::string mode = "constant";
  if (const IrAttribute* a = pad.attribute("mode")) mode = a->s;
  if (mode != "constant") return false;
  std::vector<int64_t> all;
  *value = 0.0f;
  if (graph.opset < 11) {
    all = pad.ints_attribute("pads");
    *value = pad.float_attribute("value", 0.0f);
  } else {
    HostTensor p, v;
    if (pad.inputs.size() < 2 || !constant_tensor(graph, pad.inputs[1], &p) || p.is_float()) return false;
    if (pad.inputs.size() > 3 && !pad.inputs[3].empty()) return false;  // explicit axes: rare, not folded
    all = p.i;
    if (pad.inputs.size() > 2 && !pad.inputs[2].empty()) {
      if (!constant_tensor(graph, pad.inputs[2], &v) || !v.is_float() || v.size() != 1) return false;
      *value = v.f[0];
    }
  }
  if (all.size() != 8 || all[0] || all[1] || all[4] || all[5]) return false;
  *pads = {all[2], all[3], all[6], all[7]};
  for (int64_t p : *pads) {
    if (p < 0) return false;
  }
  return true;
}

}  // namespace

int fold_pad_into_window_ops(IrGraph* graph) {
  int folded = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  for (size_t k = 0; k < graph->nodes.size(); ++k) {
    const IrNode& pad = graph->nodes[k];
    if (pad.op_type != "Pad" || pad.outputs.size() != 1) continue;
    const int consumer = sole_consumer(*graph, pad.outputs[0]);
    if (consumer < 0) continue;
    IrNode& op = graph->nodes[consumer];
    if (op.inputs.empty() || op.inputs[0] != pad.outputs[0]) continue;
    std::vector<int64_t> pads;
    float value = 0.0f;
    if (!spatial_pads(*graph, pad, &pads, &value)) continue;
    if (const IrAttribute* a = op.attribute("auto_pad"); a && a->s != "NOTSET") continue;
    bool exact = false;
    if (op.op_type == "Conv") {
      exact = value == 0.0f;
    } else if (op.op_type == "MaxPool") {
      exact = value <= std::numeric_limits<float>::lowest();
    } else if (op.op_type == "AveragePool") {
      std::vector<int64_t> own = op.ints_attribute("pads");
      bool own_zero = true;
      for (int64_t p : own) own_zero = own_zero && p == 0;
      exact = value == 0.0f && (own_zero || op.int_attribute("count_include_pad", 0) != 0);
    }
    if (!exact) continue;
    std::vector<int64_t> merged = op.ints_attribute("pads");
    if (merged.empty()) merged.assign(4, 0);
    if (merged.size() != 4) continue;
    if (op.op_type == "AveragePool") {
      // The padded zeros were averaged in; with the pads moved, they still must be.
      IrAttribute include;
      include.kind = IrAttribute::Kind::kInt;
      include.i = 1;
      op.attributes["count_include_pad"] = include;
    }
    for (size_t d = 0; d < 4; ++d) merged[d] += pads[d];
    IrAttribute attribute;
    attribute.kind = IrAttribute::Kind::kInts;
    attribute.ints = merged;
    op.attributes["pads"] = attribute;
    graph->values.erase(op.inputs[0]);
    op.inputs[0] = pad.inputs[0];
    erase[k] = true;
    ++folded;
  }
  erase_nodes(graph, erase);
  return folded;
}

}  // namespace qrt::convert
