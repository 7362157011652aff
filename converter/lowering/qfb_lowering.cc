#include "converter/lowering/qfb_lowering.h"

#include <map>

#include "converter/lowering/lowering_context.h"

namespace qrt::convert {
namespace lowering {

const std::map<std::string, Emitter>& emitters() {
  static const std::map<std::string, Emitter> table = {
      {"Conv", emit_conv},
      {"Gemm", emit_fully_connected},
      {"MatMul", emit_matmul},
      {"LayerNormalization", emit_layer_norm},
      {"Gather", emit_gather},
      {"Erf", emit_table_op},
      {"DynamicFullyConnected", emit_dynamic_fully_connected},  // dynamic quantization
      {"DynamicConv", emit_dynamic_conv},
      {"LSTM", emit_rnn},  // float32 activations; int8 weights with --dynamic
      {"GRU", emit_rnn},
      {"ConvInteger", emit_conv_integer},                       // int32 accumulator outputs
      {"MatMulInteger", emit_matmul_integer},
      {"DynamicQuantizeLinear", emit_dynamic_quantize_linear},
      {"MaxPool", emit_pool},
      {"AveragePool", emit_pool},
      {"GlobalAveragePool", emit_global_average_pool},
      {"ReduceMean", emit_global_average_pool},
      {"Add", emit_binary},
      {"Sub", emit_binary},
      {"Mul", emit_binary},
      {"Reshape", emit_reshape},
      {"Flatten", emit_reshape},
      {"Squeeze", emit_reshape},
      {"Unsqueeze", emit_reshape},
      {"Identity", emit_reshape},
      {"Transpose", emit_transpose},
      {"Concat", emit_concat},
      {"Pad", emit_pad},
      {"Softmax", emit_softmax},
      {"Relu", emit_table_op},
      {"Sigmoid", emit_table_op},
      {"Tanh", emit_table_op},
      {"HardSwish", emit_table_op},
      {"LeakyRelu", emit_table_op},
      {"Gelu", emit_table_op},
      {"Clip", emit_clip},
      {"QuantizeLinear", emit_quantize},
      {"DequantizeLinear", emit_dequantize},
      {"Div", emit_float_only},
      {"Neg", emit_float_only},
      {"BatchNormalization", emit_float_only},
  };
  return table;
}

namespace {

// Why a node cannot be lowered, or "" when it can be.
std::string unsupported_reason(const IrGraph& g, const IrNode& n) {
  const bool known_domain = n.domain.empty() || (n.domain == "com.microsoft" &&
                                                 (n.op_type == "Gelu" || n.op_type == "QuantizeLinear" ||
                                                  n.op_type == "DequantizeLinear"));
  if (!known_domain || !emitters().count(n.op_type)) {
    return "no qrt op for it";
  }
  if (n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear" || n.op_type == "Identity") return "";
  // Integer in, int32 out, or float32 in and run-time quantization out: their emitters check the rest.
  if (n.op_type == "ConvInteger" || n.op_type == "MatMulInteger" || n.op_type == "DynamicQuantizeLinear") return "";
  const IrValue* x = n.inputs.empty() ? nullptr : g.find(n.inputs[0]);
  if (x && is_float_node(g, n)) return "";  // mixed precision: runs on the float32 path
  if (runs_in_float_only(n)) return "qrt has no int8 op for it; --allow-float-fallback runs it in float32";
  if (!x || !x->quantization) {
    return "it computes in float (no DequantizeLinear / QuantizeLinear around it); a float model needs static PTQ";
  }
  for (const std::string& out : n.outputs) {
    const IrValue* y = out.empty() ? nullptr : g.find(out);
    if (y && !y->quantization && out == n.outputs[0]) return "its output is float (no QuantizeLinear after it)";
  }
  return "";
}

void check_supported(const IrGraph& g) {
  std::string list;
  size_t count = 0;
  for (const IrNode& n : g.nodes) {
    const std::string why = unsupported_reason(g, n);
    if (why.empty()) continue;
    ++count;
    list += "\n  '" + n.name + "' (" + n.op_type + ", domain " + (n.domain.empty() ? "ai.onnx" : n.domain) +
            (n.domain.empty() ? ", opset " + std::to_string(g.opset) : "") + "): " + why;
  }
  if (count) throw ImportError(std::to_string(count) + " unsupported node" + (count == 1 ? "" : "s") + ":" + list);
}

std::map<std::string, std::vector<size_t>> consumers_of(const IrGraph& g) {
  std::map<std::string, std::vector<size_t>> c;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (const std::string& in : g.nodes[i].inputs) {
      if (!in.empty()) c[in].push_back(i);
    }
  }
  for (const std::string& out : g.outputs) c[out].push_back(SIZE_MAX);  // a graph output is a consumer too
  return c;
}

bool same_quantization(const IrValue& a, const IrValue& b) {
  return a.quantization && b.quantization && a.quantization->scales == b.quantization->scales &&
         a.quantization->zero_points == b.quantization->zero_points;
}

bool both_float(const IrValue& a, const IrValue& b) {
  return !a.quantization && !b.quantization && a.dtype == IrDType::kFloat32 && b.dtype == IrDType::kFloat32;
}

// Relu / Clip into their producer; Pad into the Conv / AveragePool after it.
// Returns the indices of the nodes absorbed.
std::set<size_t> plan_fusions(const IrGraph& g, Context& c) {
  const auto consumers = consumers_of(g);
  std::map<std::string, size_t> producer;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    for (const std::string& out : g.nodes[i].outputs) producer[out] = i;
  }
  static const std::set<std::string> kFusesActivation = {"Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "AveragePool"};
  std::set<size_t> absorbed;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const IrNode& n = g.nodes[i];
    if (!n.domain.empty() || n.inputs.empty()) continue;
    const std::string& in = n.inputs[0];
    const auto p = producer.find(in);
    if (p == producer.end() || consumers.at(in).size() != 1) continue;
    const IrNode& prev = g.nodes[p->second];
    if ((n.op_type == "Relu" || n.op_type == "Clip") && kFusesActivation.count(prev.op_type) && prev.domain.empty() &&
        !c.fused.count(&prev) && (same_quantization(*g.find(in), *g.find(n.outputs[0])) ||
                                  both_float(*g.find(in), *g.find(n.outputs[0])))) {
      const IrValue& v = *g.find(in);
      const std::optional<fb::Activation> a =
          v.quantization ? activation_for(g, n, *v.quantization) : float_activation_for(g, n);
      if (!a) continue;
      c.fused[&prev] = FusedActivation{*a, n.outputs[0]};
      absorbed.insert(i);
    }
    const bool takes_pad = n.op_type == "Conv" || (n.op_type == "AveragePool" && n.int_attribute("count_include_pad", 0));
    if (prev.op_type == "Pad" && prev.domain.empty() && takes_pad && same_quantization(*g.find(prev.inputs[0]), *g.find(in))) {
      std::vector<int64_t> pads;
      try {
        pads = constant_pad_amounts(g, prev);
      } catch (const ImportError&) {
        continue;  // lowered as its own PAD, which reports the problem
      }
      const bool spatial_only = pads.size() == 8 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0;
      if (!spatial_only || n.attribute("auto_pad")) continue;
      c.folded_pads[&n] = {prev.inputs[0], {pads[2], pads[3], pads[6], pads[7]}};
      absorbed.insert(p->second);
    }
  }
  return absorbed;
}

void add_inputs(const IrGraph& g, Context& c) {
  for (const std::string& name : g.inputs) {
    const IrValue& v = c.value(name);
    const bool ids = v.dtype == IrDType::kInt64 || v.dtype == IrDType::kInt32;  // token ids, int32 in the .qfb
    if (v.dtype != IrDType::kFloat32 && !(v.dtype == IrDType::kInt8 && v.quantization) && !ids) {
      throw ImportError("graph input '" + name + "' is " + ir_dtype_name(v.dtype) +
                        "; qrt takes float32, quantized int8 / uint8, or int32 / int64 index inputs");
    }
    const int t = c.define(name, v.shape, c.options().nhwc_io);
    const bool uint8 = c.options().uint8_interface.count(name) != 0;
    c.writer().add_input(t, uint8 ? fb::DType::UINT8 : ids ? fb::DType::INT32 : qfb_dtype(v.dtype, name));
  }
}

void add_outputs(const IrGraph& g, Context& c) {
  auto& tensors = c.writer().model().graph->tensors;
  for (const std::string& name : g.outputs) {
    if (!c.is_placed(name)) throw ImportError("graph output '" + name + "' is a constant or is never computed");
    const bool nhwc = c.options().nhwc_io && c.shape(name).size() == 4;
    const int direct = c.is_nhwc(name) == nhwc ? -1 : 0;
    const int t = c.in_layout(name, nhwc);
    if (direct == 0) {  // the converted tensor carries the output's name
      for (auto& tensor : tensors) {
        if (tensor->name == name) tensor->name = name + "/internal";
      }
      tensors[t]->name = name;
    }
    const bool uint8 = c.options().uint8_interface.count(name) != 0;
    c.writer().add_output(t, uint8 ? fb::DType::UINT8 : tensors[t]->dtype);
  }
}

}  // namespace
}  // namespace lowering

void lower_to_qfb(const IrGraph& graph, const LoweringOptions& options, QfbWriter& writer, LoweringResult* result) {
  using namespace lowering;
  check_supported(graph);
  Context c(graph, options, writer);
  const std::set<size_t> absorbed = plan_fusions(graph, c);
  add_inputs(graph, c);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (absorbed.count(i)) continue;
    const IrNode& n = graph.nodes[i];
    emitters().at(n.op_type)(c, n);
  }
  add_outputs(graph, c);
  std::string float_nodes;
  size_t float_count = 0;
  for (const IrNode& n : graph.nodes) {
    if (!is_float_node(graph, n) || n.op_type == "DynamicFullyConnected" || n.op_type == "DynamicConv") continue;  // int8 weights, own op
    if (++float_count <= 8) float_nodes += (float_count > 1 ? ", " : "") + n.name;
  }
  if (float_count) {
    c.notes.push_back("mixed precision: " + std::to_string(float_count) + " node" + (float_count == 1 ? "" : "s") +
                      " run in float32 (" + float_nodes + (float_count > 8 ? ", ..." : "") + ")");
  }
  if (result) result->notes = c.notes;
}

}  // namespace qrt::convert
