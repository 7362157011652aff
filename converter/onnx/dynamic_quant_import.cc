#include "converter/onnx/dynamic_quant_import.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "converter/calibration/quantize_graph.h"
#include "converter/model_import.h"
#include "converter/onnx/constant_values.h"

namespace qrt::convert {
namespace {

constexpr int64_t kOnnxFloat = 1;  // TensorProto.FLOAT, Cast's `to`

struct Readers {
  std::map<std::string, std::vector<size_t>> nodes;  // value -> reading nodes
  std::set<std::string> outputs;                     // graph outputs
  std::map<std::string, size_t> producer;

  explicit Readers(const IrGraph& g) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      for (const std::string& in : g.nodes[i].inputs) {
        if (!in.empty()) nodes[in].push_back(i);
      }
      for (const std::string& out : g.nodes[i].outputs) {
        if (!out.empty()) producer[out] = i;
      }
    }
    outputs.insert(g.outputs.begin(), g.outputs.end());
  }
  // The one node reading `name` (not a graph output), or -1.
  int sole(const std::string& name) const {
    const auto it = nodes.find(name);
    if (outputs.count(name) || it == nodes.end() || it->second.size() != 1) return -1;
    return static_cast<int>(it->second[0]);
  }
  int made_by(const std::string& name) const {
    const auto it = producer.find(name);
    return it == producer.end() ? -1 : static_cast<int>(it->second);
  }
};

const IrValue* constant(const IrGraph& g, const std::string& name) {
  if (name.empty()) return nullptr;
  const IrValue* v = g.find(name);
  return v != nullptr && v->is_constant ? v : nullptr;
}

bool is_default(const IrNode& n, const char* op_type) { return n.domain.empty() && n.op_type == op_type; }

// A node with `inputs` inputs and one named first output (a hostile file may
// give a node neither).
bool has_shape(const IrNode& n, size_t inputs) {
  return n.inputs.size() == inputs && !n.outputs.empty() && !n.outputs[0].empty();
}

IrAttribute float_marker() {
  IrAttribute a;
  a.kind = IrAttribute::Kind::kString;
  return a;
}

std::string fresh_name(const IrGraph& g, const std::string& base) {
  std::string name = base;
  for (int k = 1; g.values.count(name); ++k) name = base + "_" + std::to_string(k);
  return name;
}

// B [K, N] integers (uint8 / int8) with per-column or per-tensor zero points
// and scales -> int8 W [N, K] with zero point 0.
IrValue integer_weights(const IrGraph& g, const IrNode& node, const IrValue& b, const std::string& zp_name,
                        const IrValue& scale_value, std::vector<std::string>* notes) {
  const std::string where = "node '" + node.name + "' (" + node.op_type + ")";
  if (b.shape.size() != 2 || b.shape[0] < 1 || b.shape[1] < 1) {
    throw ImportError(where + ": weights '" + b.name + "' must be a 2-D constant");
  }
  if (b.dtype != IrDType::kInt8 && b.dtype != IrDType::kUInt8) {
    throw ImportError(where + ": weights '" + b.name + "' must be int8 or uint8");
  }
  const int64_t k = b.shape[0], n = b.shape[1];
  const std::vector<int64_t> q = constant_ints(b, where + " weights");
  const std::vector<float> scales = constant_floats(scale_value, where + " weight scale");
  std::vector<int64_t> zps = {0};
  if (!zp_name.empty()) {
    const IrValue* zp = constant(g, zp_name);
    if (zp == nullptr) throw ImportError(where + ": the weight zero point '" + zp_name + "' must be a constant");
    zps = constant_ints(*zp, where + " weight zero point");
  }
  const auto per_column = [&](size_t count, const char* what) {
    if (count != 1 && count != static_cast<size_t>(n)) {
      throw ImportError(where + ": " + what + " has " + std::to_string(count) + " values for " + std::to_string(n) +
                        " output columns");
    }
    return count != 1;
  };
  const bool scale_per_column = per_column(scales.size(), "the weight scale");
  const bool zp_per_column = per_column(zps.size(), "the weight zero point");
  for (float s : scales) {
    if (!std::isfinite(s) || !(s > 0.0f)) throw ImportError(where + ": weight scales must be finite and positive");
  }
  bool exact = true;
  std::vector<int8_t> w(static_cast<size_t>(k * n));
  for (int64_t c = 0; c < n; ++c) {
    for (int64_t i = 0; i < k; ++i) {
      const int64_t v = q[i * n + c] - zps[zp_per_column ? c : 0];
      exact = exact && v >= -128 && v <= 127;
      w[c * k + i] = static_cast<int8_t>(std::clamp<int64_t>(v, -128, 127));
    }
  }
  if (!exact) {  // re-quantize the real weights symmetrically
    std::vector<float> real(static_cast<size_t>(k * n));
    for (int64_t i = 0; i < k; ++i) {
      for (int64_t c = 0; c < n; ++c) {
        real[i * n + c] = static_cast<float>(q[i * n + c] - zps[zp_per_column ? c : 0]) * scales[scale_per_column ? c : 0];
      }
    }
    notes->push_back(where + ": weights minus their zero point do not fit int8; re-quantized symmetric per channel");
    return quantize_dynamic_weights(fresh_name(g, b.name + "/s8"), real, k, n);
  }
  IrValue out;
  out.name = fresh_name(g, b.name + "/s8");
  out.dtype = IrDType::kInt8;
  out.shape = {n, k};
  out.is_constant = true;
  out.data.resize(w.size());
  std::memcpy(out.data.data(), w.data(), w.size());
  IrQuantization wq;
  wq.scales = scales;
  wq.zero_points.assign(scales.size(), 0);
  wq.axis = scale_per_column ? 0 : -1;
  out.quantization = wq;
  return out;
}

// A float32 constant with one value per output column ([N] or [1, N]).
bool is_bias_for(const IrValue* v, int64_t n) {
  if (v == nullptr || v->dtype != IrDType::kFloat32 || v->quantization || v->element_count() != n) return false;
  return v->shape == std::vector<int64_t>{n} || v->shape == std::vector<int64_t>{1, n};
}

IrNode dynamic_node(const IrGraph& g, const IrNode& from, const std::string& x, IrValue weights,
                    const std::string& bias, const std::string& output, IrGraph* graph) {
  (void)g;
  IrNode node;
  node.name = from.name;
  node.op_type = kDynamicFullyConnectedOp;
  node.inputs = {x, weights.name, bias};
  node.outputs = {output};
  node.attributes[kKeepFloatAttribute] = float_marker();
  graph->values[weights.name] = std::move(weights);
  return node;
}

// MatMulInteger node i and what surrounds it; false when the pattern differs.
bool rewrite_matmul_integer(IrGraph& g, const Readers& r, size_t i, std::vector<bool>* erase,
                            std::vector<std::string>* notes) {
  const IrNode& m = g.nodes[i];
  if (m.inputs.size() < 3 || m.inputs[2].empty() || m.outputs.empty() || m.outputs[0].empty()) return false;
  const int d = r.made_by(m.inputs[0]);
  if (d < 0 || !is_default(g.nodes[d], "DynamicQuantizeLinear") || !has_shape(g.nodes[d], 1)) return false;
  const IrNode& dql = g.nodes[d];
  if (dql.inputs[0].empty() || dql.outputs.size() < 3 || dql.outputs[0] != m.inputs[0] || dql.outputs[2] != m.inputs[2]) {
    return false;
  }
  const IrValue* b = constant(g, m.inputs[1]);
  if (b == nullptr || b->shape.size() != 2) return false;
  const int cast = r.sole(m.outputs[0]);
  if (cast < 0 || !is_default(g.nodes[cast], "Cast") || !has_shape(g.nodes[cast], 1) ||
      g.nodes[cast].int_attribute("to", 0) != kOnnxFloat) {
    return false;
  }
  const int mul = r.sole(g.nodes[cast].outputs[0]);
  if (mul < 0 || !is_default(g.nodes[mul], "Mul") || !has_shape(g.nodes[mul], 2)) return false;
  const IrNode& s = g.nodes[mul];
  const std::string scale_product = s.inputs[0] == g.nodes[cast].outputs[0] ? s.inputs[1] : s.inputs[0];
  const int p = r.made_by(scale_product);
  if (p < 0 || !is_default(g.nodes[p], "Mul") || !has_shape(g.nodes[p], 2)) return false;
  const IrNode& pm = g.nodes[p];
  const std::string weight_scale = pm.inputs[0] == dql.outputs[1] ? pm.inputs[1] : pm.inputs[1] == dql.outputs[1] ? pm.inputs[0] : "";
  const IrValue* ws = constant(g, weight_scale);
  if (ws == nullptr) return false;
  IrValue weights = integer_weights(g, m, *b, m.inputs.size() > 3 ? m.inputs[3] : "", *ws, notes);
  const int64_t n = weights.shape[0];
  std::string output = s.outputs[0], bias;
  const int add = r.sole(output);
  if (add >= 0 && is_default(g.nodes[add], "Add") && has_shape(g.nodes[add], 2)) {
    const IrNode& a = g.nodes[add];
    const std::string other = a.inputs[0] == output ? a.inputs[1] : a.inputs[0];
    if (is_bias_for(constant(g, other), n)) {
      bias = other;
      output = a.outputs[0];
      (*erase)[add] = true;
    }
  }
  (*erase)[cast] = (*erase)[mul] = true;  // the scale product's Mul and the DynamicQuantizeLinear go when unread
  g.nodes[i] = dynamic_node(g, m, dql.inputs.at(0), std::move(weights), bias, output, &g);
  return true;
}

// ---- DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul [-> Add] ----------

// ConvInteger's w [M, C/g, kH, kW] (uint8 / int8) with a zero point per
// tensor or per output channel and the scales `scales` (one or M) -> int8
// OIHW with zero point 0: exact when every w - zp fits int8, otherwise
// re-quantized symmetric per channel from the real weights (with a note).
IrValue conv_integer_weights(const IrGraph& g, const IrNode& node, const IrValue& w, const std::string& zp_name,
                             const std::vector<float>& scales, std::vector<std::string>* notes) {
  const std::string where = "node '" + node.name + "' (" + node.op_type + ")";
  if (w.shape.size() != 4) throw ImportError(where + ": weights '" + w.name + "' must be a 4-D constant");
  for (int64_t d : w.shape) {
    if (d < 1) throw ImportError(where + ": weights '" + w.name + "' are empty");
  }
  if (w.dtype != IrDType::kInt8 && w.dtype != IrDType::kUInt8) {
    throw ImportError(where + ": weights '" + w.name + "' must be int8 or uint8");
  }
  const int64_t m = w.shape[0], per_channel_size = w.element_count() / m;
  const std::vector<int64_t> q = constant_ints(w, where + " weights");
  std::vector<int64_t> zps = {0};
  if (!zp_name.empty()) {
    const IrValue* zp = constant(g, zp_name);
    if (zp == nullptr) throw ImportError(where + ": the weight zero point '" + zp_name + "' must be a constant");
    zps = constant_ints(*zp, where + " weight zero point");
  }
  if (zps.size() != 1 && zps.size() != static_cast<size_t>(m)) {
    throw ImportError(where + ": the weight zero point has " + std::to_string(zps.size()) + " values for " +
                      std::to_string(m) + " output channels");
  }
  for (float s : scales) {
    if (!std::isfinite(s) || !(s > 0.0f)) throw ImportError(where + ": weight scales must be finite and positive");
  }
  bool exact = true;
  std::vector<int8_t> out(q.size());
  for (int64_t c = 0; c < m; ++c) {
    const int64_t zp = zps[zps.size() == 1 ? 0 : c];
    for (int64_t i = 0; i < per_channel_size; ++i) {
      const int64_t v = q[c * per_channel_size + i] - zp;
      exact = exact && v >= -128 && v <= 127;
      out[c * per_channel_size + i] = static_cast<int8_t>(std::clamp<int64_t>(v, -128, 127));
    }
  }
  if (!exact) {
    std::vector<float> real(q.size());
    for (int64_t c = 0; c < m; ++c) {
      for (int64_t i = 0; i < per_channel_size; ++i) {
        real[c * per_channel_size + i] = static_cast<float>(q[c * per_channel_size + i] - zps[zps.size() == 1 ? 0 : c]) *
                                         scales[scales.size() == 1 ? 0 : c];
      }
    }
    notes->push_back(where + ": weights minus their zero point do not fit int8; re-quantized symmetric per channel");
    return quantize_dynamic_conv_weights(fresh_name(g, w.name + "/s8"), real, w.shape);
  }
  IrValue v;
  v.name = fresh_name(g, w.name + "/s8");
  v.dtype = IrDType::kInt8;
  v.shape = w.shape;
  v.is_constant = true;
  v.data.resize(out.size());
  std::memcpy(v.data.data(), out.data(), out.size());
  IrQuantization wq;
  wq.scales = scales;
  wq.zero_points.assign(scales.size(), 0);
  wq.axis = scales.size() == 1 ? -1 : 0;
  v.quantization = wq;
  return v;
}

// A float32 constant that broadcasts onto an NCHW output [.., M, H, W] as
// one value per channel: M values shaped [1, M, 1, 1] or [M, 1, 1] (or one
// value, for `allow_scalar`). [M] alone would run along W, not along M.
bool per_channel_nchw(const IrValue* v, int64_t m, bool allow_scalar) {
  if (v == nullptr || v->dtype != IrDType::kFloat32 || v->quantization) return false;
  if (allow_scalar && v->element_count() == 1 && v->shape.size() <= 4) return true;
  return v->shape == std::vector<int64_t>{1, m, 1, 1} || v->shape == std::vector<int64_t>{m, 1, 1};
}

// The bias of the Add after the Mul: a per-channel constant, or Reshape(a
// float32 [M] constant, a constant shape resolving to [1, M, 1, 1]) read by
// the Add alone, as quantize_dynamic writes it (its node index in *reshape).
std::string conv_bias(const IrGraph& g, const Readers& r, const std::string& name, int64_t m, int* reshape) {
  *reshape = -1;
  const IrValue* c = constant(g, name);
  if (c != nullptr) return per_channel_nchw(c, m, false) ? name : "";
  const int p = r.made_by(name);
  if (p < 0 || !is_default(g.nodes[p], "Reshape") || !has_shape(g.nodes[p], 2) || r.sole(name) < 0) return "";
  const IrValue* data = constant(g, g.nodes[p].inputs[0]);
  const IrValue* target = constant(g, g.nodes[p].inputs[1]);
  if (data == nullptr || target == nullptr || data->dtype != IrDType::kFloat32 || data->quantization ||
      data->element_count() != m) {
    return "";
  }
  std::vector<int64_t> shape = constant_ints(*target, "bias shape");
  if (shape.size() != 4) return "";
  for (int64_t& d : shape) d = d == -1 ? m : d;  // the other three must be 1: -1 then stands for M
  if (shape != std::vector<int64_t>{1, m, 1, 1}) return "";
  *reshape = p;
  return g.nodes[p].inputs[0];
}

bool rewrite_conv_integer(IrGraph& g, const Readers& r, size_t i, std::vector<bool>* erase,
                          std::vector<std::string>* notes) {
  const IrNode& conv = g.nodes[i];
  if (conv.inputs.size() < 3 || conv.inputs[2].empty() || conv.outputs.empty() || conv.outputs[0].empty()) return false;
  const int d = r.made_by(conv.inputs[0]);
  if (d < 0 || !is_default(g.nodes[d], "DynamicQuantizeLinear") || !has_shape(g.nodes[d], 1)) return false;
  const IrNode& dql = g.nodes[d];
  if (dql.inputs[0].empty() || dql.outputs.size() < 3 || dql.outputs[0] != conv.inputs[0] ||
      dql.outputs[2] != conv.inputs[2]) {
    return false;
  }
  const IrValue* w = constant(g, conv.inputs[1]);
  if (w == nullptr || w->shape.size() != 4 || w->shape[0] < 1) return false;
  const int64_t m = w->shape[0];
  const int cast = r.sole(conv.outputs[0]);
  if (cast < 0 || !is_default(g.nodes[cast], "Cast") || !has_shape(g.nodes[cast], 1) ||
      g.nodes[cast].int_attribute("to", 0) != kOnnxFloat) {
    return false;
  }
  const int mul = r.sole(g.nodes[cast].outputs[0]);
  if (mul < 0 || !is_default(g.nodes[mul], "Mul") || !has_shape(g.nodes[mul], 2)) return false;
  const IrNode& s = g.nodes[mul];
  const std::string scale_product = s.inputs[0] == g.nodes[cast].outputs[0] ? s.inputs[1] : s.inputs[0];
  const int p = r.made_by(scale_product);
  if (p < 0 || !is_default(g.nodes[p], "Mul") || !has_shape(g.nodes[p], 2)) return false;
  const IrNode& pm = g.nodes[p];
  const std::string weight_scale =
      pm.inputs[0] == dql.outputs[1] ? pm.inputs[1] : pm.inputs[1] == dql.outputs[1] ? pm.inputs[0] : "";
  const IrValue* ws = constant(g, weight_scale);
  if (!per_channel_nchw(ws, m, true)) return false;  // another broadcast is not one scale per channel
  const std::vector<float> scales = constant_floats(*ws, "node '" + conv.name + "' weight scale");
  IrValue weights = conv_integer_weights(g, conv, *w, conv.inputs.size() > 3 ? conv.inputs[3] : "", scales, notes);
  std::string output = s.outputs[0], bias;
  const int add = r.sole(output);
  if (add >= 0 && is_default(g.nodes[add], "Add") && has_shape(g.nodes[add], 2)) {
    const IrNode& a = g.nodes[add];
    int reshape = -1;
    bias = conv_bias(g, r, a.inputs[0] == output ? a.inputs[1] : a.inputs[0], m, &reshape);
    if (!bias.empty()) {
      output = a.outputs[0];
      (*erase)[add] = true;
      if (reshape >= 0) (*erase)[reshape] = true;
    }
  }
  (*erase)[cast] = (*erase)[mul] = true;  // the scale product's Mul and the DynamicQuantizeLinear go when unread
  IrNode node;
  node.name = conv.name;
  node.op_type = kDynamicConvOp;
  node.attributes = conv.attributes;  // kernel_shape, pads, strides, dilations, group, auto_pad
  node.attributes[kKeepFloatAttribute] = float_marker();
  node.inputs = {dql.inputs[0], weights.name, bias};
  node.outputs = {output};
  g.values[weights.name] = std::move(weights);
  g.nodes[i] = std::move(node);
  return true;
}

bool rewrite_dynamic_quantize_matmul(IrGraph& g, size_t i, std::vector<std::string>* notes) {
  const IrNode& m = g.nodes[i];
  const std::string where = "node '" + m.name + "' (DynamicQuantizeMatMul)";
  if (m.inputs.size() < 3 || m.inputs[0].empty() || m.outputs.empty() || m.outputs[0].empty()) {
    throw ImportError(where + " needs A, B and b_scale, and an output");
  }
  const IrValue* b = constant(g, m.inputs[1]);
  const IrValue* scale = constant(g, m.inputs[2]);
  if (b == nullptr || scale == nullptr) throw ImportError(where + ": B and b_scale must be constants");
  IrValue weights = integer_weights(g, m, *b, m.inputs.size() > 3 ? m.inputs[3] : "", *scale, notes);
  std::string bias = m.inputs.size() > 4 ? m.inputs[4] : "";
  if (!bias.empty() && !is_bias_for(constant(g, bias), weights.shape[0])) {
    throw ImportError(where + ": the bias must be a float32 constant with one value per output column");
  }
  g.nodes[i] = dynamic_node(g, m, m.inputs[0], std::move(weights), bias, m.outputs[0], &g);
  return true;
}

bool is_float_value(const IrGraph& g, const std::string& name) {
  const IrValue* v = g.find(name);
  return v != nullptr && v->dtype == IrDType::kFloat32 && !v->quantization;
}

// Nodes left computing on float32 values run on qrt's float path.
void mark_float_nodes(IrGraph& g) {
  for (IrNode& n : g.nodes) {
    if (n.attribute(kKeepFloatAttribute) != nullptr || n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear") {
      continue;
    }
    bool all_float = !n.outputs.empty();
    for (const std::string& in : n.inputs) {
      const IrValue* v = in.empty() ? nullptr : g.find(in);
      if (v != nullptr && !v->is_constant) all_float = all_float && is_float_value(g, in);
    }
    for (const std::string& out : n.outputs) all_float = all_float && (out.empty() || is_float_value(g, out));
    if (all_float) n.attributes[kKeepFloatAttribute] = float_marker();
  }
}

void remove_dead_values(IrGraph& g) {
  std::set<std::string> used(g.inputs.begin(), g.inputs.end());
  used.insert(g.outputs.begin(), g.outputs.end());
  for (const IrNode& n : g.nodes) {
    used.insert(n.inputs.begin(), n.inputs.end());
    used.insert(n.outputs.begin(), n.outputs.end());
  }
  for (auto it = g.values.begin(); it != g.values.end();) it = used.count(it->first) ? std::next(it) : g.values.erase(it);
}

}  // namespace

IrValue quantize_dynamic_weights(const std::string& name, const std::vector<float>& b, int64_t k, int64_t n) {
  IrQuantization q;
  q.axis = 0;
  std::vector<int8_t> w(static_cast<size_t>(k * n));
  for (int64_t c = 0; c < n; ++c) {
    float peak = 0.0f;
    for (int64_t i = 0; i < k; ++i) peak = std::max(peak, std::fabs(b[i * n + c]));
    const float scale = peak > 0.0f && std::isfinite(peak) ? peak / 127.0f : 1.0f;  // all zero: any scale is exact
    q.scales.push_back(scale);
    q.zero_points.push_back(0);
    for (int64_t i = 0; i < k; ++i) {
      const float v = std::nearbyint(b[i * n + c] / scale);
      w[c * k + i] = static_cast<int8_t>(std::isnan(v) ? 0.0f : std::clamp(v, -127.0f, 127.0f));
    }
  }
  IrValue out;
  out.name = name;
  out.dtype = IrDType::kInt8;
  out.shape = {n, k};
  out.is_constant = true;
  out.data.resize(w.size());
  std::memcpy(out.data.data(), w.data(), w.size());
  out.quantization = q;
  return out;
}

IrValue quantize_dynamic_conv_weights(const std::string& name, const std::vector<float>& w,
                                      const std::vector<int64_t>& shape) {
  const int64_t m = shape.at(0);
  const size_t per_channel = w.size() / static_cast<size_t>(m);
  IrQuantization q;
  q.axis = 0;
  std::vector<int8_t> out(w.size());
  for (int64_t c = 0; c < m; ++c) {
    const float* row = w.data() + static_cast<size_t>(c) * per_channel;
    float peak = 0.0f;
    for (size_t i = 0; i < per_channel; ++i) peak = std::max(peak, std::fabs(row[i]));
    const float scale = peak > 0.0f && std::isfinite(peak) ? peak / 127.0f : 1.0f;  // all zero: any scale is exact
    q.scales.push_back(scale);
    q.zero_points.push_back(0);
    for (size_t i = 0; i < per_channel; ++i) {
      const float v = std::nearbyint(row[i] / scale);
      out[static_cast<size_t>(c) * per_channel + i] =
          static_cast<int8_t>(std::isnan(v) ? 0.0f : std::clamp(v, -127.0f, 127.0f));
    }
  }
  IrValue v;
  v.name = name;
  v.dtype = IrDType::kInt8;
  v.shape = shape;
  v.is_constant = true;
  v.data.resize(out.size());
  std::memcpy(v.data.data(), out.data(), out.size());
  v.quantization = q;
  return v;
}

int import_dynamic_quantization(IrGraph& graph, std::vector<std::string>* notes) {
  int made = 0, convs = 0;
  {
    const Readers readers(graph);
    std::vector<bool> erase(graph.nodes.size(), false);
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      const IrNode& n = graph.nodes[i];
      if (erase[i]) continue;
      if (is_default(n, "MatMulInteger")) {
        made += rewrite_matmul_integer(graph, readers, i, &erase, notes) ? 1 : 0;
      } else if (is_default(n, "ConvInteger")) {
        const bool fused = rewrite_conv_integer(graph, readers, i, &erase, notes);
        made += fused ? 1 : 0;
        convs += fused ? 1 : 0;
      } else if (n.domain == "com.microsoft" && n.op_type == "DynamicQuantizeMatMul") {
        made += rewrite_dynamic_quantize_matmul(graph, i, notes) ? 1 : 0;
      }
    }
    std::vector<IrNode> kept;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (!erase[i]) kept.push_back(std::move(graph.nodes[i]));
    }
    graph.nodes = std::move(kept);
  }
  if (made == 0) return 0;
  // What the patterns left unread (the input scales' Mul, shared by several
  // MatMulIntegers, then the DynamicQuantizeLinear) goes, last reader first.
  for (bool removed = true; removed;) {
    removed = false;
    const Readers readers(graph);
    std::vector<IrNode> kept;
    for (IrNode& n : graph.nodes) {
      bool read = !is_default(n, "DynamicQuantizeLinear") && !is_default(n, "Mul");
      for (const std::string& out : n.outputs) read = read || readers.nodes.count(out) || readers.outputs.count(out);
      removed = removed || !read;
      if (read) kept.push_back(std::move(n));
    }
    graph.nodes = std::move(kept);
  }
  remove_dead_values(graph);
  mark_float_nodes(graph);
  const int fcs = made - convs;
  if (fcs > 0) {
    notes->push_back("dynamic quantization: " + std::to_string(fcs) + " MatMulInteger / DynamicQuantizeMatMul pattern" +
                     (fcs == 1 ? "" : "s") + " -> DYNAMIC_FULLY_CONNECTED (input quantized per inference)");
  }
  if (convs > 0) {
    notes->push_back("dynamic quantization: " + std::to_string(convs) + " ConvInteger pattern" +
                     (convs == 1 ? "" : "s") + " -> DYNAMIC_CONV_2D (input quantized per inference)");
  }
  return made;
}

}  // namespace qrt::convert
