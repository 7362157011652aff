// Passes that reshape the graph into the forms the lowering expects:
// no Identity/Dropout, fully-connected Gemms, activations fused.
#include <limits>

#include "converter/ir/fused_activation.h"
#include "converter/ir/graph_edit.h"
#include "converter/ir/passes.h"

namespace qrt::convert {

int remove_identity_nodes(IrGraph* graph) {
  int removed = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  for (size_t k = 0; k < graph->nodes.size(); ++k) {
    const IrNode& node = graph->nodes[k];
    if (node.op_type != "Identity" && node.op_type != "Dropout") continue;
    if (node.inputs.empty() || node.outputs.empty()) continue;
    if (node.outputs.size() > 1 && !node.outputs[1].empty() && use_count(*graph, node.outputs[1]) > 0) continue;
    const std::string& in = node.inputs[0];
    const std::string& out = node.outputs[0];
    if (!is_graph_output(*graph, out)) {
      replace_uses(graph, out, in);
    } else {
      // The graph output keeps its name: the input's producer writes it instead.
      const int writer = producer(*graph, in);
      if (writer < 0 || is_graph_output(*graph, in)) continue;  // a graph input or constant passed through
      for (std::string& o : graph->nodes[writer].outputs) {
        if (o == in) o = out;
      }
      replace_uses(graph, in, out);
    }
    erase[k] = true;
    ++removed;
  }
  erase_nodes(graph, erase);
  remove_unused_values(graph);
  return removed;
}

namespace {

IrAttribute int_attribute(int64_t v) {
  IrAttribute a;
  a.kind = IrAttribute::Kind::kInt;
  a.i = v;
  return a;
}

HostTensor transposed_2d(const HostTensor& w) {
  const int64_t rows = w.shape[0], cols = w.shape[1];
  std::vector<float> t(w.f.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) t[c * rows + r] = w.f[r * cols + c];
  }
  return HostTensor::floats({cols, rows}, std::move(t));
}

// MatMul(X [M,K], W [K,N] constant) [+ Add(bias [N])] -> Gemm(X, W^T, bias, transB=1).
bool matmul_to_gemm(IrGraph* graph, size_t k, std::vector<bool>* erase) {
  IrNode& node = graph->nodes[k];
  HostTensor w;
  if (node.inputs.size() != 2 || !constant_tensor(*graph, node.inputs[1], &w) || !w.is_float() || w.shape.size() != 2) return false;
  const IrValue* x = graph->find(node.inputs[0]);
  if (!x || x->shape.size() != 2) return false;
  const int64_t n = w.shape[1];
  node.op_type = "Gemm";
  node.inputs[1] = add_constant(graph, node.name + "_fc_weight", transposed_2d(w));
  node.attributes = {{"transB", int_attribute(1)}};
  const int add = sole_consumer(*graph, node.outputs[0]);
  if (add >= 0 && graph->nodes[add].op_type == "Add" && graph->nodes[add].inputs.size() == 2) {
    const IrNode& add_node = graph->nodes[add];
    const std::string& other = add_node.inputs[0] == node.outputs[0] ? add_node.inputs[1] : add_node.inputs[0];
    HostTensor bias;
    if (constant_tensor(*graph, other, &bias) && bias.is_float() && bias.size() == n &&
        (bias.shape == std::vector<int64_t>{n} || bias.shape == std::vector<int64_t>{1, n})) {
      node.inputs.push_back(add_constant(graph, node.name + "_fc_bias", HostTensor::floats({n}, bias.f)));
      graph->values.erase(node.outputs[0]);
      node.outputs[0] = add_node.outputs[0];
      (*erase)[add] = true;
    }
  }
  return true;
}

// Gemm with transB=0, alpha != 1 or beta != 1 and constant B (and C): folded into transB=1, alpha=beta=1.
bool normalize_gemm(IrGraph* graph, IrNode* node) {
  if (node->int_attribute("transA", 0) != 0) return false;
  const bool trans_b = node->int_attribute("transB", 0) != 0;
  const float alpha = node->float_attribute("alpha", 1.0f), beta = node->float_attribute("beta", 1.0f);
  if (trans_b && alpha == 1.0f && beta == 1.0f) return false;
  HostTensor w, c;
  if (node->inputs.size() < 2 || !constant_tensor(*graph, node->inputs[1], &w) || !w.is_float() || w.shape.size() != 2) return false;
  const bool has_c = node->inputs.size() > 2 && !node->inputs[2].empty();
  if (has_c && beta != 1.0f && !constant_tensor(*graph, node->inputs[2], &c)) return false;
  if (!trans_b) w = transposed_2d(w);
  for (float& v : w.f) v *= alpha;
  node->inputs[1] = add_constant(graph, node->name + "_fc_weight", w);
  if (has_c && beta != 1.0f) {
    for (float& v : c.f) v *= beta;
    node->inputs[2] = add_constant(graph, node->name + "_fc_bias", c);
  }
  node->attributes.erase("alpha");
  node->attributes.erase("beta");
  node->attributes["transB"] = int_attribute(1);
  return true;
}

// Reshape(X [N, ...], constant shape) -> [N, K] feeding a Gemm: the same as Flatten(axis=1).
bool reshape_to_flatten(IrGraph* graph, IrNode* node) {
  if (node->op_type != "Reshape" || node->inputs.size() != 2 || node->outputs.size() != 1) return false;
  const int consumer = sole_consumer(*graph, node->outputs[0]);
  if (consumer < 0 || graph->nodes[consumer].op_type != "Gemm") return false;
  const IrValue* x = graph->find(node->inputs[0]);
  const IrValue* y = graph->find(node->outputs[0]);
  if (!x || !y || x->element_count() < 0 || x->shape.empty() || y->shape.size() != 2 || y->shape[0] != x->shape[0]) return false;
  if (!graph->find(node->inputs[1]) || !graph->find(node->inputs[1])->is_constant) return false;
  node->op_type = "Flatten";
  node->inputs.resize(1);
  node->attributes = {{"axis", int_attribute(1)}};
  return true;
}

}  // namespace

int canonicalize_fully_connected(IrGraph* graph) {
  int rewritten = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  for (size_t k = 0; k < graph->nodes.size(); ++k) {
    if (erase[k]) continue;
    if (graph->nodes[k].op_type == "MatMul" && matmul_to_gemm(graph, k, &erase)) ++rewritten;
    else if (graph->nodes[k].op_type == "Gemm" && normalize_gemm(graph, &graph->nodes[k])) ++rewritten;
  }
  erase_nodes(graph, erase);
  for (IrNode& node : graph->nodes) {
    if (reshape_to_flatten(graph, &node)) ++rewritten;
  }
  remove_unused_values(graph);
  return rewritten;
}

namespace {

// The bounds of a Relu or a Clip whose bounds are constant.
bool activation_bounds(const IrGraph& graph, const IrNode& node, FusedActivation* out) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  if (node.op_type == "Relu") {
    *out = {"Relu", 0.0f, kInf};
    return true;
  }
  if (node.op_type != "Clip") return false;
  *out = {"Clip", -kInf, kInf};
  if (graph.opset < 11) {
    out->min = node.float_attribute("min", -kInf);
    out->max = node.float_attribute("max", kInf);
    return true;
  }
  for (size_t k = 1; k <= 2; ++k) {
    if (k >= node.inputs.size() || node.inputs[k].empty()) continue;
    HostTensor bound;
    if (!constant_tensor(graph, node.inputs[k], &bound) || !bound.is_float() || bound.size() != 1) return false;
    (k == 1 ? out->min : out->max) = bound.f[0];
  }
  return true;
}

}  // namespace

int fuse_activations(IrGraph* graph) {
  int fused = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  for (size_t k = 0; k < graph->nodes.size(); ++k) {
    IrNode& node = graph->nodes[k];
    if (node.op_type != "Conv" && node.op_type != "Gemm" && node.op_type != "MatMul") continue;
    if (node.outputs.size() != 1 || fused_activation(node)) continue;
    const int next = sole_consumer(*graph, node.outputs[0]);
    if (next < 0) continue;
    FusedActivation activation;
    const IrNode& act = graph->nodes[next];
    if (act.inputs.empty() || act.inputs[0] != node.outputs[0] || !activation_bounds(*graph, act, &activation)) continue;
    set_fused_activation(&node, activation);
    graph->values.erase(node.outputs[0]);
    node.outputs[0] = act.outputs[0];
    erase[next] = true;
    ++fused;
  }
  erase_nodes(graph, erase);
  remove_unused_values(graph);
  return fused;
}

std::vector<std::string> run_float_passes(IrGraph* graph) {
  std::vector<std::string> log;
  const auto note = [&](const char* what, int count) {
    if (count > 0) log.push_back(std::string(what) + ": " + std::to_string(count));
  };
  note("Identity/Dropout removed", remove_identity_nodes(graph));
  infer_static_shapes(graph);
  note("nodes folded into constants", fold_constants(graph));
  note("BatchNormalization folded into Conv", fold_batch_norm_into_conv(graph));
  note("Pad folded into Conv/Pool", fold_pad_into_window_ops(graph));
  infer_static_shapes(graph);
  note("fully-connected rewrites", canonicalize_fully_connected(graph));
  note("LayerNorm patterns fused", fuse_layer_norm(graph));
  note("GELU patterns fused", fuse_gelu(graph));
  note("Div by a scalar constant turned into Mul", div_by_constant_to_mul(graph));
  note("activations fused", fuse_activations(graph));
  remove_unused_values(graph);
  infer_static_shapes(graph);
  return log;
}

}  // namespace qrt::convert
