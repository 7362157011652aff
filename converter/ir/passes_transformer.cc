// Passes for transformer graphs as PyTorch exports them: LayerNorm written
// out as ReduceMean / Sub / Pow / Sqrt / Div (below opset 17) becomes one
// LayerNormalization node, the erf form of GELU becomes one Gelu node (one int8 table instead of five int8 ops), and
// Div by a scalar constant becomes Mul by its reciprocal (qrt has no int8 Div; the
// attention scale 1/sqrt(d) is such a Div).
#include <cmath>

#include "converter/ir/graph_edit.h"
#include "converter/ir/passes.h"

namespace qrt::convert {
namespace {

bool scalar_constant(const IrGraph& graph, const std::string& name, float* value) {
  HostTensor t;
  if (!constant_tensor(graph, name, &t) || !t.is_float() || t.size() != 1) return false;
  *value = t.f[0];
  return true;
}

bool near(float v, double target) { return std::fabs(v - target) <= 1e-4 * std::fabs(target); }

// The input of a binary node other than `name`, or "" when `name` is not one of its two inputs.
std::string other_input(const IrNode& node, const std::string& name) {
  if (node.inputs.size() != 2) return "";
  if (node.inputs[0] == name) return node.inputs[1];
  if (node.inputs[1] == name) return node.inputs[0];
  return "";
}

// x / sqrt(2) (Div) or x * (1 / sqrt(2)) (Mul): returns x, or "".
std::string erf_argument_source(const IrGraph& graph, const IrNode& node) {
  float c = 0.0f;
  if (node.inputs.size() != 2 || !scalar_constant(graph, node.inputs[1], &c)) return "";
  if (node.op_type == "Div" && near(c, std::sqrt(2.0))) return node.inputs[0];
  if (node.op_type == "Mul" && near(c, std::sqrt(0.5))) return node.inputs[0];
  return "";
}

}  // namespace

// x * 0.5 * (1 + erf(x / sqrt(2))), as Div -> Erf -> Add(1) -> Mul(x) -> Mul(0.5)
// (torch.nn.functional.gelu at opset < 20), or with the 0.5 applied to x
// first: Mul(x, 0.5) -> Mul(that, 1 + erf(...)). Becomes Gelu(x).
int fuse_gelu(IrGraph* graph) {
  int fused = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  for (size_t e = 0; e < graph->nodes.size(); ++e) {
    const IrNode& erf = graph->nodes[e];
    if (erf.op_type != "Erf" || !erf.domain.empty() || erf.inputs.size() != 1 || erase[e]) continue;
    const int scale_node = producer(*graph, erf.inputs[0]);
    if (scale_node < 0 || sole_consumer(*graph, erf.inputs[0]) != static_cast<int>(e)) continue;
    const std::string x = erf_argument_source(*graph, graph->nodes[scale_node]);
    if (x.empty()) continue;
    const int add = sole_consumer(*graph, erf.outputs[0]);
    float one = 0.0f;
    if (add < 0 || graph->nodes[add].op_type != "Add" ||
        !scalar_constant(*graph, other_input(graph->nodes[add], erf.outputs[0]), &one) || one != 1.0f) {
      continue;
    }
    const int mul1 = sole_consumer(*graph, graph->nodes[add].outputs[0]);
    if (mul1 < 0 || graph->nodes[mul1].op_type != "Mul") continue;
    const std::string partner = other_input(graph->nodes[mul1], graph->nodes[add].outputs[0]);
    std::vector<size_t> removed = {static_cast<size_t>(scale_node), e, static_cast<size_t>(add), static_cast<size_t>(mul1)};
    std::string output;
    float half = 0.0f;
    if (partner == x) {  // (x * (1 + erf)) * 0.5
      const int mul2 = sole_consumer(*graph, graph->nodes[mul1].outputs[0]);
      if (mul2 < 0 || graph->nodes[mul2].op_type != "Mul" ||
          !scalar_constant(*graph, other_input(graph->nodes[mul2], graph->nodes[mul1].outputs[0]), &half) ||
          half != 0.5f) {
        continue;
      }
      removed.push_back(static_cast<size_t>(mul2));
      output = graph->nodes[mul2].outputs[0];
    } else {  // (x * 0.5) * (1 + erf)
      const int half_node = producer(*graph, partner);
      if (half_node < 0 || graph->nodes[half_node].op_type != "Mul" ||
          sole_consumer(*graph, partner) != mul1 ||
          !scalar_constant(*graph, other_input(graph->nodes[half_node], x), &half) || half != 0.5f) {
        continue;
      }
      removed.push_back(static_cast<size_t>(half_node));
      output = graph->nodes[mul1].outputs[0];
    }
    // The last node of the pattern becomes the Gelu, so the execution order holds.
    size_t last = 0;
    for (size_t r : removed) last = std::max(last, r);
    IrNode gelu;
    gelu.name = graph->nodes[last].name + "_gelu";
    gelu.op_type = "Gelu";
    gelu.inputs = {x};
    gelu.outputs = {output};
    for (size_t r : removed) erase[r] = r != last;
    graph->nodes[last] = gelu;
    ++fused;
  }
  erase_nodes(graph, erase);
  remove_unused_values(graph);
  return fused;
}

namespace {

// ReduceMean over the last axis only, keepdims=1 (axes as attribute or, from opset 18, as a constant input).
bool reduces_last_axis(const IrGraph& graph, const IrNode& node) {
  if (node.op_type != "ReduceMean" || node.int_attribute("keepdims", 1) != 1) return false;
  std::vector<int64_t> axes = node.ints_attribute("axes");
  if (axes.empty() && node.inputs.size() > 1) {
    HostTensor a;
    if (!constant_tensor(graph, node.inputs[1], &a) || a.is_float()) return false;
    axes = a.i;
  }
  const IrValue* x = graph.find(node.inputs.at(0));
  if (!x || x->shape.empty() || axes.size() != 1) return false;
  const int64_t rank = static_cast<int64_t>(x->shape.size());
  return axes[0] == -1 || axes[0] == rank - 1;
}

// The consumers of `name`, in node order.
std::vector<int> consumers(const IrGraph& graph, const std::string& name) {
  std::vector<int> out;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    for (const std::string& in : graph.nodes[k].inputs) {
      if (in == name) {
        out.push_back(static_cast<int>(k));
        break;
      }
    }
  }
  return out;
}

IrAttribute attribute_int(int64_t v) {
  IrAttribute a;
  a.kind = IrAttribute::Kind::kInt;
  a.i = v;
  return a;
}

IrAttribute attribute_float(float v) {
  IrAttribute a;
  a.kind = IrAttribute::Kind::kFloat;
  a.f = v;
  return a;
}

}  // namespace

// ReduceMean(x) -> Sub(x, mean) = d -> Pow(d, 2) -> ReduceMean -> Add(eps) ->
// Sqrt -> Div(d, sqrt) -> Mul(gamma) [-> Add(beta)]: LayerNorm as
// PyTorch exports it below opset 17. Becomes LayerNormalization(x, gamma, beta).
int fuse_layer_norm(IrGraph* graph) {
  int fused = 0;
  std::vector<bool> erase(graph->nodes.size(), false);
  const auto single = [&](const std::string& value, const char* op) -> int {
    const int k = sole_consumer(*graph, value);
    if (k < 0 || graph->nodes[k].op_type != op || !graph->nodes[k].domain.empty() || erase[k]) return -1;
    return k;
  };
  for (size_t m1 = 0; m1 < graph->nodes.size(); ++m1) {
    const IrNode& mean = graph->nodes[m1];
    if (erase[m1] || !reduces_last_axis(*graph, mean)) continue;
    const std::string x = mean.inputs[0];
    const int sub = single(mean.outputs[0], "Sub");
    if (sub < 0 || graph->nodes[sub].inputs != std::vector<std::string>{x, mean.outputs[0]}) continue;
    const std::string d = graph->nodes[sub].outputs[0];
    const std::vector<int> d_users = consumers(*graph, d);
    if (d_users.size() != 2) continue;
    int pow = -1, div = -1;
    for (int u : d_users) {
      if (graph->nodes[u].op_type == "Pow") pow = u;
      if (graph->nodes[u].op_type == "Div") div = u;
    }
    float two = 0.0f, eps = 0.0f;
    if (pow < 0 || div < 0 || graph->nodes[pow].inputs.size() != 2 || graph->nodes[pow].inputs[0] != d ||
        !scalar_constant(*graph, graph->nodes[pow].inputs[1], &two) || two != 2.0f) {
      continue;
    }
    const int var = sole_consumer(*graph, graph->nodes[pow].outputs[0]);
    if (var < 0 || !reduces_last_axis(*graph, graph->nodes[var])) continue;
    const int add_eps = single(graph->nodes[var].outputs[0], "Add");
    if (add_eps < 0 || !scalar_constant(*graph, other_input(graph->nodes[add_eps], graph->nodes[var].outputs[0]), &eps) ||
        !(eps > 0.0f)) {
      continue;
    }
    const int sqrt = single(graph->nodes[add_eps].outputs[0], "Sqrt");
    if (sqrt < 0 || sole_consumer(*graph, graph->nodes[sqrt].outputs[0]) != div ||
        graph->nodes[div].inputs != std::vector<std::string>{d, graph->nodes[sqrt].outputs[0]}) {
      continue;
    }
    const int mul = single(graph->nodes[div].outputs[0], "Mul");
    if (mul < 0) continue;
    const std::string gamma = other_input(graph->nodes[mul], graph->nodes[div].outputs[0]);
    HostTensor g;
    const IrValue* xv = graph->find(x);
    if (!constant_tensor(*graph, gamma, &g) || !g.is_float() || !xv || xv->shape.empty() ||
        g.size() != xv->shape.back()) {
      continue;
    }
    std::vector<int> removed = {static_cast<int>(m1), sub, pow, var, add_eps, sqrt, div, mul};
    std::string output = graph->nodes[mul].outputs[0];
    std::string beta;
    const int add_beta = single(output, "Add");
    HostTensor b;
    if (add_beta >= 0 && constant_tensor(*graph, other_input(graph->nodes[add_beta], output), &b) && b.is_float() &&
        b.size() == g.size()) {
      beta = other_input(graph->nodes[add_beta], output);
      removed.push_back(add_beta);
      output = graph->nodes[add_beta].outputs[0];
    }
    int last = 0;
    for (int r : removed) last = std::max(last, r);
    IrNode ln;
    ln.name = graph->nodes[last].name + "_layer_norm";
    ln.op_type = "LayerNormalization";
    ln.inputs = {x, add_constant(graph, ln.name + "_scale", HostTensor::floats({g.size()}, g.f))};
    if (!beta.empty()) ln.inputs.push_back(add_constant(graph, ln.name + "_bias", HostTensor::floats({b.size()}, b.f)));
    ln.outputs = {output};
    ln.attributes["axis"] = attribute_int(-1);
    ln.attributes["epsilon"] = attribute_float(eps);
    for (int r : removed) erase[r] = r != last;
    graph->nodes[last] = ln;
    ++fused;
  }
  erase_nodes(graph, erase);
  remove_unused_values(graph);
  return fused;
}

// Div(x, scalar constant c) -> Mul(x, 1 / c) for an activation x.
int div_by_constant_to_mul(IrGraph* graph) {
  int rewritten = 0;
  for (IrNode& node : graph->nodes) {
    if (node.op_type != "Div" || !node.domain.empty() || node.inputs.size() != 2) continue;
    const IrValue* x = graph->find(node.inputs[0]);
    HostTensor c;
    // Scalars only (the attention scale): a per-channel divisor would become
    // an int8 MUL whose constant shares one scale, and stays a float32 Div.
    if (!x || x->is_constant || !constant_tensor(*graph, node.inputs[1], &c) || !c.is_float() || c.size() != 1) {
      continue;
    }
    bool finite = true;
    for (float& v : c.f) {
      v = 1.0f / v;
      finite = finite && std::isfinite(v);
    }
    if (!finite) continue;
    node.op_type = "Mul";
    node.inputs[1] = add_constant(graph, node.name + "_reciprocal", c);
    ++rewritten;
  }
  remove_unused_values(graph);
  return rewritten;
}

}  // namespace qrt::convert
