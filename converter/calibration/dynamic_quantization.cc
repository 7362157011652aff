#include "converter/calibration/dynamic_quantization.h"

#include <set>
#include <stdexcept>

#include "converter/calibration/quantize_graph.h"
#include "converter/ir/float_executor.h"
#include "converter/ir/graph_edit.h"
#include "converter/ir/passes.h"
#include "converter/onnx/dynamic_quant_import.h"
#include "converter/onnx/onnx_importer.h"
#include "converter/sha256.h"

namespace qrt::convert {
namespace {

constexpr int64_t kReluActivation = 1;  // fb::Activation::RELU

bool is_float32_constant(const IrValue* v) {
  return v != nullptr && v->is_constant && v->dtype == IrDType::kFloat32 && !v->quantization;
}

// A float Gemm / MatMul with a constant 2-D B -> DynamicFullyConnected, in
// place; false when the node has another form (it then stays float32).
bool rewrite_node(IrGraph* g, size_t index) {
  IrNode& n = g->nodes[index];
  const bool gemm = n.op_type == "Gemm";
  if (!n.domain.empty() || (!gemm && n.op_type != "MatMul") || n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  const IrValue* b = g->find(n.inputs[1]);
  if (!is_float32_constant(b) || b->shape.size() != 2 || b->shape[0] < 1 || b->shape[1] < 1) return false;
  bool trans_b = false;
  if (gemm) {
    if (n.int_attribute("transA", 0) != 0 || n.float_attribute("alpha", 1.0f) != 1.0f ||
        n.float_attribute("beta", 1.0f) != 1.0f) {
      return false;
    }
    trans_b = n.int_attribute("transB", 0) != 0;
  }
  const int64_t k = trans_b ? b->shape[1] : b->shape[0], units = trans_b ? b->shape[0] : b->shape[1];
  std::string bias;
  if (gemm && n.inputs.size() > 2 && !n.inputs[2].empty()) {
    const IrValue* c = g->find(n.inputs[2]);
    if (!is_float32_constant(c)) return false;
    const HostTensor values = host_tensor_from_value(*c);
    if (values.size() == units) {
      bias = n.inputs[2];
    } else if (values.size() == 1) {  // a broadcast scalar: one value per output column
      bias = add_constant(g, n.inputs[2] + "/per_channel",
                          HostTensor::floats({units}, std::vector<float>(static_cast<size_t>(units), values.f[0])));
    } else {
      return false;
    }
  }
  const HostTensor bt = host_tensor_from_value(*b);
  std::vector<float> kn(static_cast<size_t>(k * units));  // B as [K, N]
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t c = 0; c < units; ++c) kn[i * units + c] = trans_b ? bt.f[c * k + i] : bt.f[i * units + c];
  }
  std::string name = n.inputs[1] + "/s8";
  for (int s = 1; g->values.count(name); ++s) name = n.inputs[1] + "/s8_" + std::to_string(s);
  g->values[name] = quantize_dynamic_weights(name, kn, k, units);
  n.op_type = kDynamicFullyConnectedOp;
  n.inputs = {n.inputs[0], name, bias};
  for (const char* key : {"transA", "transB", "alpha", "beta"}) n.attributes.erase(key);
  return true;
}

// A float Conv with constant 4-D weights (OIHW) and an optional constant
// bias -> DynamicConv, in place (its window attributes stay); false when the
// node has another form (it then stays float32).
bool rewrite_conv(IrGraph* g, size_t index) {
  IrNode& n = g->nodes[index];
  if (!n.domain.empty() || n.op_type != "Conv" || n.inputs.size() < 2 || n.outputs.size() != 1) return false;
  const IrValue* w = g->find(n.inputs[1]);
  if (!is_float32_constant(w) || w->shape.size() != 4) return false;
  for (int64_t d : w->shape) {
    if (d < 1) return false;
  }
  std::string bias;
  if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
    const IrValue* b = g->find(n.inputs[2]);
    if (!is_float32_constant(b) || b->element_count() != w->shape[0]) return false;
    bias = n.inputs[2];
  }
  const HostTensor wt = host_tensor_from_value(*w);
  std::string name = n.inputs[1] + "/s8";
  for (int s = 1; g->values.count(name); ++s) name = n.inputs[1] + "/s8_" + std::to_string(s);
  g->values[name] = quantize_dynamic_conv_weights(name, wt.f, w->shape);
  n.op_type = kDynamicConvOp;
  n.inputs = {n.inputs[0], name, bias};
  return true;
}

// An LSTM / GRU whose W and R are float32 constants [D, G*H, K]: both become
// int8 [D*G*H, K], symmetric per row (the op then quantizes X and each step's
// hidden state per run). False when either is not such a constant.
bool rewrite_rnn(IrGraph* g, size_t index) {
  IrNode& n = g->nodes[index];
  if (!n.domain.empty() || (n.op_type != "LSTM" && n.op_type != "GRU") || n.inputs.size() < 3) return false;
  for (size_t k : {size_t{1}, size_t{2}}) {
    const IrValue* v = g->find(n.inputs[k]);
    if (!is_float32_constant(v) || v->shape.size() != 3 || v->element_count() < 1) return false;
  }
  for (size_t k : {size_t{1}, size_t{2}}) {
    const IrValue& v = *g->find(n.inputs[k]);
    const HostTensor t = host_tensor_from_value(v);
    std::string name = n.inputs[k] + "/s8";
    for (int s = 1; g->values.count(name); ++s) name = n.inputs[k] + "/s8_" + std::to_string(s);
    g->values[name] = quantize_dynamic_conv_weights(name, t.f, {v.shape[0] * v.shape[1], v.shape[2]});
    n.inputs[k] = name;
  }
  return true;
}

// MatMul -> Add (its only reader) of a float32 constant with one value per
// output column: the constant becomes the node's bias (the op adds it after
// the scaling, as the Add did).
bool fuse_bias(IrGraph* g, size_t index, std::vector<bool>* erase) {
  IrNode& n = g->nodes[index];
  if (!n.inputs[2].empty()) return false;
  const int reader = sole_consumer(*g, n.outputs[0]);
  if (reader < 0) return false;
  const IrNode& add = g->nodes[reader];
  if (add.op_type != "Add" || !add.domain.empty() || add.inputs.size() != 2 || add.outputs.size() != 1 ||
      add.outputs[0].empty()) {
    return false;
  }
  const std::string& other = add.inputs[0] == n.outputs[0] ? add.inputs[1] : add.inputs[0];
  const IrValue* c = g->find(other);
  const int64_t units = g->find(n.inputs[1])->shape[0];
  if (!is_float32_constant(c) || c->element_count() != units || c->shape.empty() || c->shape.back() != units) {
    return false;
  }
  n.inputs[2] = other;
  n.outputs[0] = add.outputs[0];
  (*erase)[reader] = true;
  return true;
}

// node -> Relu (its only reader, float32): the Relu becomes the node's activation.
bool fuse_relu(IrGraph* g, size_t index, std::vector<bool>* erase) {
  IrNode& n = g->nodes[index];
  const int reader = sole_consumer(*g, n.outputs[0]);
  if (reader < 0) return false;
  const IrNode& relu = g->nodes[reader];
  if (relu.op_type != "Relu" || !relu.domain.empty() || relu.outputs.size() != 1 || relu.outputs[0].empty()) return false;
  IrAttribute a;
  a.kind = IrAttribute::Kind::kInt;
  a.i = kReluActivation;
  n.attributes[kDynamicActivationAttribute] = a;
  n.outputs[0] = relu.outputs[0];
  (*erase)[reader] = true;
  return true;
}

}  // namespace

IrGraph dynamic_quantize_float_graph(IrGraph graph, std::vector<std::string>* notes) {
  const std::string unsupported = unsupported_float_nodes(graph);
  if (!unsupported.empty()) throw FloatExecutorError(unsupported);
  for (const std::string& line : run_float_passes(&graph)) notes->push_back("pass: " + line);
  QuantizeOptions all_float;
  all_float.keep_float = {kKeepAllFloat};
  IrGraph g = quantize_graph(graph, all_float);  // every node float32, marked so
  int rewritten = 0, fused = 0, kept = 0, convs = 0, conv_relus = 0, rnns = 0;
  std::vector<bool> erase(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!erase[i] && rewrite_rnn(&g, i)) {
      ++rnns;
      continue;
    }
    if (!erase[i] && rewrite_conv(&g, i)) {
      ++convs;
      conv_relus += fuse_relu(&g, i, &erase) ? 1 : 0;
      continue;
    }
    const bool candidate = g.nodes[i].domain.empty() && (g.nodes[i].op_type == "Gemm" || g.nodes[i].op_type == "MatMul");
    if (erase[i] || !candidate) continue;
    if (!rewrite_node(&g, i)) {
      ++kept;
      continue;
    }
    ++rewritten;
    fuse_bias(&g, i, &erase);
    fused += fuse_relu(&g, i, &erase) ? 1 : 0;
  }
  erase_nodes(&g, erase);
  remove_unused_values(&g);
  notes->push_back("dynamic quantization: " + std::to_string(rewritten) + " Gemm / MatMul node" +
                   (rewritten == 1 ? "" : "s") + " -> DYNAMIC_FULLY_CONNECTED with int8 per-channel weights (" +
                   std::to_string(fused) + " with a fused Relu); activations stay float32, quantized per inference" +
                   (kept ? "; " + std::to_string(kept) + " Gemm / MatMul without a constant 2-D B stay float32" : ""));
  if (rnns > 0) {
    notes->push_back("dynamic quantization: " + std::to_string(rnns) + " LSTM / GRU node" + (rnns == 1 ? "" : "s") +
                     " with int8 per-row W and R; X and each step's hidden state quantized per run");
  }
  if (convs > 0) {
    notes->push_back("dynamic quantization: " + std::to_string(convs) + " Conv node" + (convs == 1 ? "" : "s") +
                     " -> DYNAMIC_CONV_2D with int8 per-channel weights (" + std::to_string(conv_relus) +
                     " with a fused Relu)");
  }
  return g;
}

}  // namespace qrt::convert

namespace qrt {

std::vector<uint8_t> import_onnx_dynamic(const uint8_t* data, size_t size, const ImportOptions& options,
                                         const convert::OnnxLoadOptions& load, ImportSummary* summary) {
  convert::OnnxModel model = convert::load_onnx_model(data, size, load);
  ImportSummary local;
  ImportSummary& s = summary ? *summary : local;
  s.source_format = "ONNX";
  s.notes = model.notes;
  std::set<std::string> uint8_interface;
  convert::IrGraph graph;
  if (onnx_graph_is_quantized(model.graph)) {
    s.notes.push_back("the model is already quantized: --dynamic is ignored");
    uint8_interface = onnx_to_quantized_form(model.graph, &s.notes);
    graph = std::move(model.graph);
  } else {
    try {
      graph = convert::dynamic_quantize_float_graph(std::move(model.graph), &s.notes);
    } catch (const ImportError&) {
      throw;
    } catch (const std::exception& e) {
      throw ImportError(std::string("dynamic quantization failed: ") + e.what());
    }
  }
  return write_quantized_graph(graph, uint8_interface, options, "sha256:" + sha256_hex(data, size), model.description,
                               &s);
}

}  // namespace qrt
