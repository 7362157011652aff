#include "converter/ir/float_executor.h"

#include <algorithm>

#include "converter/ir/float_ops.h"
#include "converter/ir/fused_activation.h"

namespace qrt::convert {
namespace {

std::string node_label(const IrNode& node) {
  return "node '" + node.name + "' (" + (node.domain.empty() ? "" : node.domain + ".") + node.op_type + ")";
}

void apply_fused_activation(const IrNode& node, std::vector<HostTensor>* outputs) {
  const auto activation = fused_activation(node);
  if (!activation || outputs->empty() || !(*outputs)[0].is_float()) return;
  for (float& v : (*outputs)[0].f) v = std::min(std::max(v, activation->min), activation->max);
}

}  // namespace

const HostTensor& FloatOpContext::input(size_t k) const {
  if (k >= inputs.size() || !inputs[k]) fail("input " + std::to_string(k) + " is missing");
  return *inputs[k];
}

const HostTensor* FloatOpContext::optional_input(size_t k) const { return k < inputs.size() ? inputs[k] : nullptr; }

const HostTensor& FloatOpContext::float_input(size_t k) const {
  const HostTensor& t = input(k);
  if (!t.is_float()) fail("input " + std::to_string(k) + " is " + ir_dtype_name(t.dtype) + ", not float32");
  return t;
}

void FloatOpContext::fail(const std::string& message) const {
  throw FloatExecutorError(node_label(node) + ": " + message);
}

int64_t normalize_axis(const FloatOpContext& ctx, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    ctx.fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

bool float_executor_supports(const IrNode& node) {
  const bool known_domain = node.domain.empty() || node.domain == "ai.onnx" || node.domain == "com.microsoft";
  return known_domain && find_float_op(node.op_type) != nullptr;
}

std::string unsupported_float_nodes(const IrGraph& graph) {
  std::string message;
  for (const IrNode& node : graph.nodes) {
    if (float_executor_supports(node)) continue;
    message += (message.empty() ? "" : ", ") + node_label(node);
  }
  if (message.empty()) return "";
  return "the float executor cannot run " + message + " (opset " + std::to_string(graph.opset) + ")";
}

std::vector<HostTensor> run_float_node(const IrNode& node, const std::vector<const HostTensor*>& inputs,
                                       int64_t opset) {
  if (!float_executor_supports(node)) {
    throw FloatExecutorError(node_label(node) + ": the float executor does not support this op");
  }
  FloatOpContext ctx{node, inputs, opset};
  std::vector<HostTensor> outputs = find_float_op(node.op_type)(ctx);
  apply_fused_activation(node, &outputs);
  return outputs;
}

HostTensorMap run_float_graph(const IrGraph& graph, const HostTensorMap& inputs) {
  const std::string unsupported = unsupported_float_nodes(graph);
  if (!unsupported.empty()) throw FloatExecutorError(unsupported);

  HostTensorMap values;
  for (const std::string& name : graph.inputs) {
    const IrValue* declared = graph.find(name);
    if (declared && declared->is_constant) continue;  // an initializer listed as input (IR < 4)
    const auto it = inputs.find(name);
    if (it == inputs.end()) throw FloatExecutorError("graph input '" + name + "' was not given");
    const bool integer_input = declared && (declared->dtype == IrDType::kInt64 || declared->dtype == IrDType::kInt32);
    if (it->second.is_float() == integer_input) {  // token ids are integers (int64), everything else float32
      throw FloatExecutorError("graph input '" + name + "' must be " + (integer_input ? "integers" : "float32"));
    }
    if (it->second.size() != shape_element_count(it->second.shape)) {
      throw FloatExecutorError("graph input '" + name + "' has " + std::to_string(it->second.size()) +
                               " values for shape " + shape_text(it->second.shape));
    }
    if (declared) {
      const auto& want = declared->shape;
      const auto& got = it->second.shape;
      bool matches = want.empty() || want.size() == got.size();
      for (size_t k = 0; matches && k < want.size() && k < got.size(); ++k) {
        matches = want[k] < 0 || want[k] == got[k];
      }
      if (!matches) {
        throw FloatExecutorError("graph input '" + name + "' has shape " + shape_text(got) + ", the model declares " +
                                 shape_text(want));
      }
    }
    values[name] = it->second;
  }

  // Constants are converted once, on first use.
  HostTensorMap constants;
  const auto lookup = [&](const std::string& name, const IrNode& node) -> const HostTensor* {
    if (name.empty()) return nullptr;
    if (auto it = values.find(name); it != values.end()) return &it->second;
    if (auto it = constants.find(name); it != constants.end()) return &it->second;
    const IrValue* v = graph.find(name);
    if (!v || !v->is_constant) {
      throw FloatExecutorError(node_label(node) + ": input '" + name + "' is not computed before this node");
    }
    try {
      return &constants.emplace(name, host_tensor_from_value(*v)).first->second;
    } catch (const std::runtime_error& e) {
      throw FloatExecutorError(node_label(node) + ": " + e.what());
    }
  };

  for (const IrNode& node : graph.nodes) {
    std::vector<const HostTensor*> node_inputs;
    for (const std::string& name : node.inputs) node_inputs.push_back(lookup(name, node));
    std::vector<HostTensor> outputs = run_float_node(node, node_inputs, graph.opset);
    for (size_t k = 0; k < node.outputs.size() && k < outputs.size(); ++k) {
      if (!node.outputs[k].empty()) values[node.outputs[k]] = std::move(outputs[k]);
    }
  }
  for (const std::string& name : graph.outputs) {
    if (!values.count(name) && !constants.count(name) && !(graph.find(name) && graph.find(name)->is_constant)) {
      throw FloatExecutorError("graph output '" + name + "' is not produced by any node");
    }
  }
  return values;
}

}  // namespace qrt::convert
