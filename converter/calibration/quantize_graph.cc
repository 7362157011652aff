#include "converter/calibration/quantize_graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "converter/calibration/int4_weights.h"
#include "converter/ir/fused_activation.h"
#include "converter/ir/graph_edit.h"

namespace qrt::convert {
namespace {

const std::set<std::string> kSameQuantizationOps = {"MaxPool", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
                                                    "Transpose", "Identity", "Dropout"};

template <typename T>
std::vector<uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

IrValue float_scalar(const std::string& name, float v) {
  return constant_value_from_host_tensor(name, HostTensor::floats({}, {v}));
}

IrValue int8_scalar(const std::string& name, int32_t v) {
  IrValue c;
  c.name = name;
  c.dtype = IrDType::kInt8;
  c.is_constant = true;
  c.data = {static_cast<uint8_t>(static_cast<int8_t>(v))};
  return c;
}

std::string fresh_name(const IrGraph& g, const std::string& base) {
  std::string name = base;
  for (int k = 1; g.values.count(name); ++k) name = base + "_" + std::to_string(k);
  return name;
}

std::string fresh_name_for_node(const IrGraph& g, const std::string& base) {
  const auto taken = [&](const std::string& name) {
    for (const IrNode& n : g.nodes) {
      if (n.name == name) return true;
    }
    return false;
  };
  std::string name = base;
  for (int k = 1; taken(name); ++k) name = base + "_" + std::to_string(k);
  return name;
}

const IrQuantization& quantization_of(const IrGraph& g, const IrNode& n, const std::string& name) {
  const IrValue* v = g.find(name);
  if (!v || !v->quantization) {
    throw QuantizeError("node '" + n.name + "' (" + n.op_type + "): input '" + name + "' has no quantization");
  }
  return *v->quantization;
}

// A fused activation becomes its node again: the producer writes a new value
// quantized like the activation's output, which the lowering fuses back exactly.
void unfuse_activations(IrGraph* g, std::set<std::string>* float_nodes) {
  std::vector<IrNode> nodes;
  for (IrNode& node : g->nodes) {
    const auto activation = fused_activation(node);
    if (!activation) {
      nodes.push_back(std::move(node));
      continue;
    }
    node.attributes.erase(kFusedActivationAttribute);
    node.attributes.erase(kActivationMinAttribute);
    node.attributes.erase(kActivationMaxAttribute);
    const std::string out = node.outputs.at(0);
    IrValue pre = g->values.at(out);
    pre.name = fresh_name(*g, out + "_before_" + activation->kind);
    g->values[pre.name] = pre;
    node.outputs[0] = pre.name;
    IrNode act;
    act.name = node.name + "_" + activation->kind;
    act.op_type = activation->kind;
    act.inputs = {pre.name};
    act.outputs = {out};
    if (activation->kind == "Clip") {
      const std::string lo = fresh_name(*g, act.name + "_min");
      g->values[lo] = float_scalar(lo, activation->min);
      const std::string hi = fresh_name(*g, act.name + "_max");
      g->values[hi] = float_scalar(hi, activation->max);
      act.inputs.push_back(lo);
      act.inputs.push_back(hi);
    }
    if (float_nodes->count(node.name)) float_nodes->insert(act.name);
    nodes.push_back(std::move(node));
    nodes.push_back(std::move(act));
  }
  g->nodes = std::move(nodes);
}

// Graph inputs and outputs stay float; int8 twins carry the values inside.
// Returns the (float, int8) names of inputs and of outputs.
// Float nodes (mixed precision) keep reading the float inputs and writing the
// float outputs themselves.
void split_graph_edges(IrGraph* g, const std::set<std::string>& float_nodes,
                       std::vector<std::pair<std::string, std::string>>* inputs,
                       std::vector<std::pair<std::string, std::string>>* outputs) {
  for (const std::string& x : g->inputs) {
    IrValue& v = g->values.at(x);
    if (v.is_constant || v.dtype != IrDType::kFloat32) continue;
    IrValue twin = v;
    twin.name = fresh_name(*g, x + "_quantized");
    bool int8_reader = false;
    for (IrNode& n : g->nodes) {
      if (float_nodes.count(n.name)) continue;
      for (std::string& in : n.inputs) {
        if (in == x) in = twin.name, int8_reader = true;
      }
    }
    if (!int8_reader) continue;
    g->values[twin.name] = twin;
    inputs->push_back({x, twin.name});
  }
  for (const std::string& y : g->outputs) {
    const int writer = producer(*g, y);
    const IrValue& v = g->values.at(y);
    if (writer < 0 || v.dtype != IrDType::kFloat32 || float_nodes.count(g->nodes[writer].name)) continue;
    IrValue twin = v;
    twin.name = fresh_name(*g, y + "_quantized");
    g->values[twin.name] = twin;
    for (std::string& o : g->nodes[writer].outputs) {
      if (o == y) o = twin.name;
    }
    replace_uses(g, y, twin.name);
    outputs->push_back({y, twin.name});
  }
}

// Values that stay float32: the float graph edges and what float nodes write.
void quantize_activations(IrGraph* g, const std::set<std::string>& float_values) {
  for (auto& [name, v] : g->values) {
    if (v.is_constant || v.dtype != IrDType::kFloat32 || float_values.count(name)) continue;
    if (!v.calibrated_range) throw QuantizeError("activation '" + name + "' has no calibrated range");
    v.quantization = activation_quantization(v.calibrated_range->first, v.calibrated_range->second);
    v.dtype = IrDType::kInt8;
  }
}

// Ops that never requantize give their output their input's quantization.
void share_passthrough_quantization(IrGraph* g) {
  for (const IrNode& n : g->nodes) {
    if (!kSameQuantizationOps.count(n.op_type) || n.inputs.empty() || n.outputs.empty()) continue;
    IrValue* in = g->find(n.inputs[0]);
    IrValue* out = g->find(n.outputs[0]);
    if (in && out && in->quantization && out->quantization && !in->is_constant) out->quantization = in->quantization;
  }
}

// Symmetric int8 weights in [-127, 127] per channel along `axis` (or per
// tensor), each scale at least scale_floor[channel] when that is given (one
// value per output channel, see weight_scale_floor).
IrValue quantize_weights(const IrValue& w, const std::string& name, int32_t axis, bool per_tensor,
                         const std::vector<float>& scale_floor = {}) {
  const HostTensor t = host_tensor_from_value(w);
  const int64_t rank = static_cast<int64_t>(t.shape.size());
  if (axis < 0 || axis >= rank) throw QuantizeError("weights '" + w.name + "' have no axis " + std::to_string(axis));
  const int64_t channels = per_tensor ? 1 : t.shape[axis];
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= t.shape[d];
  const auto channel_of = [&](int64_t e) { return per_tensor ? 0 : (e / inner) % channels; };
  std::vector<float> peak(static_cast<size_t>(channels), 0.0f);
  for (int64_t e = 0; e < t.size(); ++e) peak[channel_of(e)] = std::max(peak[channel_of(e)], std::fabs(t.f[e]));
  IrQuantization q;
  q.axis = per_tensor ? -1 : axis;
  for (size_t c = 0; c < peak.size(); ++c) {
    float scale = peak[c] > 0.0f ? peak[c] / 127.0f : 1.0f;  // an all-zero channel: any scale is exact
    if (!scale_floor.empty()) {
      const float floor = per_tensor ? *std::max_element(scale_floor.begin(), scale_floor.end()) : scale_floor[c];
      scale = std::max(scale, floor);
    }
    q.scales.push_back(scale);
    q.zero_points.push_back(0);
  }
  std::vector<int8_t> data(static_cast<size_t>(t.size()));
  for (int64_t e = 0; e < t.size(); ++e) {
    const float r = std::nearbyint(t.f[e] / q.scales[channel_of(e)]);
    data[e] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
  }
  IrValue out;
  out.name = name;
  out.dtype = IrDType::kInt8;
  out.shape = t.shape;
  out.is_constant = true;
  out.data = bytes_of(data);
  out.quantization = q;
  return out;
}

// The smallest weight scale per output channel at which the int32 bias
// round(b / (s_in * s_w)) keeps the headroom the runtime's bias check
// (runtime/ops/conv_ops.cc) needs for `depth` products of up to 255 * 255,
// with a factor 2 to spare. A bias far larger than the calibrated input range
// can produce (a near-constant input, random weights) would otherwise give a
// model qrt refuses; as ONNX Runtime's and TFLite's quantizers do, the weight
// scale grows instead, and only such channels lose weight resolution.
// Empty when no channel needs it.
std::vector<float> weight_scale_floor(const IrValue& bias, float input_scale, int64_t channels, int64_t depth) {
  const double headroom = (2147483647.0 - static_cast<double>(depth) * 255.0 * 255.0) / 2.0;
  const HostTensor b = host_tensor_from_value(bias);
  if (headroom < 1.0 || b.size() != channels || !(input_scale > 0.0f)) return {};
  std::vector<float> floor(static_cast<size_t>(channels), 0.0f);
  bool needed = false;
  for (int64_t c = 0; c < channels; ++c) {
    const double needed_scale = std::fabs(static_cast<double>(b.f[c])) / (static_cast<double>(input_scale) * headroom);
    floor[c] = static_cast<float>(needed_scale);
    needed = needed || floor[c] > 0.0f;
  }
  if (!needed) return {};
  return floor;
}

// int32 bias at scale s_in * s_w[c], zero point 0.
IrValue quantize_bias(const IrValue& b, const std::string& name, float input_scale, const IrQuantization& wq,
                      int64_t channels) {
  const HostTensor t = host_tensor_from_value(b);
  if (t.size() != channels) {
    throw QuantizeError("bias '" + b.name + "' has " + std::to_string(t.size()) + " values, not " + std::to_string(channels));
  }
  IrQuantization q;
  q.dtype = IrDType::kInt32;
  q.axis = wq.scales.size() > 1 ? 0 : -1;
  std::vector<int32_t> data(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const float scale = input_scale * wq.scales[wq.scales.size() > 1 ? c : 0];
    if (q.axis == 0 || c == 0) {
      q.scales.push_back(scale);
      q.zero_points.push_back(0);
    }
    const double r = std::nearbyint(static_cast<double>(t.f[c]) / scale);
    data[c] = static_cast<int32_t>(std::clamp(r, -2147483648.0, 2147483647.0));
  }
  IrValue out;
  out.name = name;
  out.dtype = IrDType::kInt32;
  out.shape = {channels};
  out.is_constant = true;
  out.data = bytes_of(data);
  out.quantization = q;
  return out;
}

// A float constant an int8 op reads as an activation operand: per tensor from its own range.
IrValue quantize_operand_constant(const IrValue& c, const std::string& name) {
  const HostTensor t = host_tensor_from_value(c);
  float lo = 0.0f, hi = 0.0f;
  for (float v : t.f) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  IrValue out;
  out.name = name;
  out.dtype = IrDType::kInt8;
  out.shape = t.shape;
  out.is_constant = true;
  out.quantization = activation_quantization(lo, hi);
  const float s = out.quantization->scales[0];
  const int32_t zp = out.quantization->zero_points[0];
  std::vector<int8_t> data(t.f.size());
  for (size_t e = 0; e < data.size(); ++e) {
    data[e] = static_cast<int8_t>(std::clamp(std::nearbyint(t.f[e] / s) + zp, -128.0f, 127.0f));
  }
  out.data = bytes_of(data);
  return out;
}

// Which input of `n` holds weights (and along which axis their output channels lie), or -1.
int weight_input(const IrGraph& g, const IrNode& n, int32_t* axis) {
  if (n.inputs.size() < 2) return -1;
  const IrValue* w = g.find(n.inputs[1]);
  if (!w || !w->is_constant || w->dtype != IrDType::kFloat32) return -1;
  if (n.op_type == "Conv") *axis = 0;
  else if (n.op_type == "Gemm") *axis = n.int_attribute("transB", 0) ? 0 : 1;
  else if (n.op_type == "MatMul" && w->shape.size() >= 2) *axis = static_cast<int32_t>(w->shape.size()) - 1;
  else return -1;
  return 1;
}

void quantize_constants(IrGraph* g, bool per_tensor, const std::set<std::string>& float_nodes) {
  std::map<std::string, std::string> quantized_weights;  // float name -> int8 name
  for (IrNode& n : g->nodes) {
    if (float_nodes.count(n.name)) continue;  // weights, bias and operands stay float32
    int32_t axis = 0;
    if (weight_input(*g, n, &axis) == 1) {
      const std::string w = n.inputs[1];
      auto it = quantized_weights.find(w);
      if (it == quantized_weights.end()) {
        const IrValue& float_w = g->values.at(w);
        std::vector<float> floor;
        const IrValue* b = n.inputs.size() > 2 && !n.inputs[2].empty() ? g->find(n.inputs[2]) : nullptr;
        if (b && b->is_constant && b->dtype == IrDType::kFloat32) {
          const int64_t channels = float_w.shape.at(static_cast<size_t>(axis));
          int64_t elements = 1;
          for (int64_t d : float_w.shape) elements *= d;
          floor = weight_scale_floor(*b, quantization_of(*g, n, n.inputs[0]).scales.at(0), channels,
                                     channels > 0 ? elements / channels : 0);
        }
        const std::string name = fresh_name(*g, w + "_quantized");
        g->values[name] = quantize_weights(float_w, name, axis, per_tensor, floor);
        it = quantized_weights.emplace(w, name).first;
      }
      n.inputs[1] = it->second;
      if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
        const IrQuantization& wq = *g->values.at(it->second).quantization;
        const int64_t channels = g->values.at(it->second).shape.at(static_cast<size_t>(axis));
        const float input_scale = quantization_of(*g, n, n.inputs[0]).scales.at(0);
        const std::string name = fresh_name(*g, n.inputs[2] + "_quantized");
        const IrValue* b = g->find(n.inputs[2]);
        if (!b || !b->is_constant) throw QuantizeError("node '" + n.name + "': bias must be a constant");
        g->values[name] = quantize_bias(*b, name, input_scale, wq, channels);
        n.inputs[2] = name;
      }
    }
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      if (n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear") break;
      if ((n.op_type == "Clip" && k >= 1) || (n.op_type == "Pad" && k == 2)) continue;  // stay float
      if (n.op_type == "LayerNormalization" && k >= 1) continue;  // gamma and beta: float32 in LAYER_NORM
      const IrValue* c = n.inputs[k].empty() ? nullptr : g->find(n.inputs[k]);
      if (!c || !c->is_constant || c->dtype != IrDType::kFloat32) continue;
      const std::string name = fresh_name(*g, n.inputs[k] + "_quantized");
      g->values[name] = quantize_operand_constant(*c, name);
      n.inputs[k] = name;
    }
  }
}

void add_edge_nodes(IrGraph* g, const std::vector<std::pair<std::string, std::string>>& inputs,
                    const std::vector<std::pair<std::string, std::string>>& outputs) {
  std::vector<IrNode> head;
  for (const auto& [x, xq] : inputs) {
    const IrQuantization& q = *g->values.at(xq).quantization;
    IrNode n;
    n.name = x + "_QuantizeLinear";
    n.op_type = "QuantizeLinear";
    const std::string s = fresh_name(*g, x + "_scale"), zp = fresh_name(*g, x + "_zero_point");
    g->values[s] = float_scalar(s, q.scales[0]);
    g->values[zp] = int8_scalar(zp, q.zero_points[0]);
    n.inputs = {x, s, zp};
    n.outputs = {xq};
    head.push_back(n);
  }
  g->nodes.insert(g->nodes.begin(), head.begin(), head.end());
  for (const auto& [y, yq] : outputs) {
    const IrQuantization& q = *g->values.at(yq).quantization;
    IrNode n;
    n.name = y + "_DequantizeLinear";
    n.op_type = "DequantizeLinear";
    const std::string s = fresh_name(*g, y + "_scale"), zp = fresh_name(*g, y + "_zero_point");
    g->values[s] = float_scalar(s, q.scales[0]);
    g->values[zp] = int8_scalar(zp, q.zero_points[0]);
    n.inputs = {yq, s, zp};
    n.outputs = {y};
    g->nodes.push_back(n);
  }
}

IrNode edge_node(IrGraph* g, const std::string& op_type, const std::string& from, const std::string& to,
                 const IrQuantization& q, const std::string& name) {
  IrNode n;
  n.name = fresh_name_for_node(*g, name);
  n.op_type = op_type;
  const std::string s = fresh_name(*g, to + "_scale"), zp = fresh_name(*g, to + "_zero_point");
  g->values[s] = float_scalar(s, q.scales[0]);
  g->values[zp] = int8_scalar(zp, q.zero_points[0]);
  n.inputs = {from, s, zp};
  n.outputs = {to};
  return n;
}

// Where a float node reads an int8 activation, a DequantizeLinear gives it a
// float twin; where an int8 node reads a float activation, a QuantizeLinear
// (from the value's calibrated range) gives it an int8 twin. Each twin is made
// once, right before its first reader.
void insert_precision_boundaries(IrGraph* g, const std::set<std::string>& float_nodes) {
  std::map<std::string, std::string> twins;  // value -> its twin in the other precision
  std::vector<IrNode> nodes;
  for (IrNode& n : g->nodes) {
    const bool is_float = float_nodes.count(n.name) != 0;
    const bool edge = n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear";
    for (std::string& in : n.inputs) {
      const IrValue* v = in.empty() ? nullptr : g->find(in);
      if (!v || v->is_constant || edge) continue;
      const bool int8_value = v->dtype == IrDType::kInt8 && v->quantization;
      const bool float_value = v->dtype == IrDType::kFloat32 && !v->quantization;
      if (is_float ? !int8_value : !float_value) continue;
      auto it = twins.find(in);
      if (it == twins.end()) {
        IrValue twin = *v;
        twin.name = fresh_name(*g, in + (is_float ? "_dequantized" : "_quantized"));
        IrQuantization q;
        if (is_float) {
          q = *v->quantization;
          twin.dtype = IrDType::kFloat32;
          twin.quantization.reset();
        } else {
          if (!v->calibrated_range) throw QuantizeError("activation '" + in + "' has no calibrated range");
          q = activation_quantization(v->calibrated_range->first, v->calibrated_range->second);
          twin.dtype = IrDType::kInt8;
          twin.quantization = q;
        }
        g->values[twin.name] = twin;
        nodes.push_back(edge_node(g, is_float ? "DequantizeLinear" : "QuantizeLinear", in, twin.name, q,
                                  in + (is_float ? "_DequantizeLinear" : "_QuantizeLinear")));
        it = twins.emplace(in, twin.name).first;
      }
      in = it->second;
    }
    nodes.push_back(std::move(n));
  }
  g->nodes = std::move(nodes);
}

}  // namespace

bool runs_in_float_only(const IrNode& node) {
  static const std::set<std::string> kFloatOnly = {"Div", "Neg", "BatchNormalization"};
  return node.domain.empty() && kFloatOnly.count(node.op_type) != 0;
}

IrQuantization activation_quantization(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  IrQuantization q;
  const double span = static_cast<double>(hi) - lo;
  const float scale = span > 0.0 ? static_cast<float>(span / 255.0) : 1.0f;
  const double zp = std::nearbyint(-128.0 - lo / static_cast<double>(scale));
  q.scales = {scale};
  q.zero_points = {static_cast<int32_t>(std::clamp(zp, -128.0, 127.0))};
  return q;
}

IrGraph quantize_graph(const IrGraph& float_graph, const QuantizeOptions& options) {
  IrGraph g = float_graph;
  std::set<std::string> float_nodes = options.keep_float;
  if (options.allow_float_fallback) {
    for (const IrNode& n : g.nodes) {
      if (runs_in_float_only(n)) float_nodes.insert(n.name);
    }
  }
  if (float_nodes.count(kKeepAllFloat)) {
    float_nodes.clear();
    for (const IrNode& n : g.nodes) float_nodes.insert(n.name);
  }
  for (const std::string& name : float_nodes) {
    bool found = false;
    for (const IrNode& n : g.nodes) found = found || n.name == name;
    if (!found) throw QuantizeError("--keep-float: the graph has no node named '" + name + "'");
  }
  std::set<std::string> int4_nodes;  // --weights int4: float32 nodes with int4 weights
  for (const IrNode& n : g.nodes) {
    if (options.int4_weights && takes_int4_weights(g, n)) int4_nodes.insert(n.name);
  }
  float_nodes.insert(int4_nodes.begin(), int4_nodes.end());
  unfuse_activations(&g, &float_nodes);
  std::vector<std::pair<std::string, std::string>> inputs, outputs;
  split_graph_edges(&g, float_nodes, &inputs, &outputs);
  std::set<std::string> float_values;
  for (const std::string& x : g.inputs) float_values.insert(x);
  for (const auto& e : outputs) float_values.insert(e.first);
  for (const IrNode& n : g.nodes) {
    if (!float_nodes.count(n.name)) continue;
    for (const std::string& out : n.outputs) float_values.insert(out);
  }
  quantize_activations(&g, float_values);
  insert_precision_boundaries(&g, float_nodes);
  share_passthrough_quantization(&g);
  quantize_constants(&g, options.per_tensor_weights, float_nodes);
  add_edge_nodes(&g, inputs, outputs);
  for (IrNode& n : g.nodes) {
    if (!float_nodes.count(n.name)) continue;
    IrAttribute marker;
    marker.kind = IrAttribute::Kind::kString;
    if (options.fp16_weights) marker.s = kFloat16Weights;
    if (int4_nodes.count(n.name)) marker.s = int4_weights_marker(options.int4_group_size);
    n.attributes[kKeepFloatAttribute] = marker;
  }
  for (const auto& e : float_values) {
    if (IrValue* v = g.find(e)) v->calibrated_range.reset();
  }
  remove_unused_values(&g);
  return g;
}

}  // namespace qrt::convert
