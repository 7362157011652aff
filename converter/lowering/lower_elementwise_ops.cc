// Element-wise int8 ops: Relu / Clip, the 256-entry table ops (Sigmoid, Tanh,
// HardSwish, LeakyRelu, Gelu), and QuantizeLinear / DequantizeLinear at the
// graph's float edges.
#include <cmath>

#include "converter/lowering/lowering_context.h"
#include "converter/onnx/constant_values.h"

namespace qrt::convert::lowering {
namespace {

template <typename Table>
fb::OpOptionsUnion options_of(Table table) {
  fb::OpOptionsUnion u;
  u.Set(std::move(table));
  return u;
}

// A Clip bound: absent, a float constant, or a quantized constant.
std::optional<float> clip_bound(const IrGraph& g, const IrNode& n, size_t input, const char* attribute) {
  if (g.opset < 11 || (n.inputs.size() <= input && n.attribute(attribute))) {
    if (const IrAttribute* a = n.attribute(attribute)) return a->f;
    return std::nullopt;
  }
  if (n.inputs.size() <= input || n.inputs[input].empty()) return std::nullopt;
  const IrValue* v = g.find(n.inputs[input]);
  if (!v || !v->is_constant) fail(n, "Clip bounds must be constants");
  if (v->quantization) {
    const int64_t q = constant_ints(*v, "clip bound").at(0);
    return static_cast<float>((q - v->quantization->zero_points[0]) * static_cast<double>(v->quantization->scales[0]));
  }
  return constant_floats(*v, describe(n) + ": bound").at(0);
}

// Unary element-wise ops that keep the layout: the output follows the input.
void emit_unary(Context& c, const IrNode& n, fb::OpType type, fb::OpOptionsUnion options) {
  const std::string& x = n.inputs.at(0);
  const bool nhwc = c.is_nhwc(x);
  const int input = c.in_layout(x, nhwc);
  const int output = c.define(n.outputs.at(0), c.shape(x), nhwc);
  c.add_op(type, {input}, {output}, std::move(options), n.name);
}

}  // namespace

std::optional<fb::Activation> activation_for(const IrGraph& g, const IrNode& act, const IrQuantization& q) {
  if (act.op_type == "Relu") return fb::Activation::RELU;
  std::optional<float> lo = clip_bound(g, act, 1, "min");
  std::optional<float> hi = clip_bound(g, act, 2, "max");
  // A bound whose int8 code is at or past the end of the output's range
  // clamps nothing: compared as codes (round(bound / scale) + zero point,
  // as the runtime derives the clamp), not as floats, so a bound within
  // half a step of the range's end is dropped rather than refused below.
  const double s = q.scales.at(0);
  const double zp = q.zero_points.at(0);
  const auto code = [&](float bound) { return std::nearbyint(bound / s) + zp; };
  // A dropped lower bound still lets the named activation with that bound
  // apply (its clamp there is a no-op): Clip(0, 6) on a range starting at 0 is RELU6.
  const bool lo_zero = lo && *lo == 0.0f, lo_minus_one = lo && *lo == -1.0f;
  if (lo && code(*lo) <= -128.0) lo.reset();
  if (hi && code(*hi) >= 127.0) hi.reset();
  if (!lo && !hi) return fb::Activation::NONE;
  if (lo_zero && !hi) return fb::Activation::RELU;
  if (lo_zero && hi && *hi == 6.0f) return fb::Activation::RELU6;
  if (lo_minus_one && hi && *hi == 1.0f) return fb::Activation::RELU_N1_TO_1;
  return std::nullopt;
}

std::optional<fb::Activation> float_activation_for(const IrGraph& g, const IrNode& act) {
  if (act.op_type == "Relu") return fb::Activation::RELU;
  const std::optional<float> lo = clip_bound(g, act, 1, "min");
  const std::optional<float> hi = clip_bound(g, act, 2, "max");
  const bool no_lo = !lo || std::isinf(*lo), no_hi = !hi || std::isinf(*hi);
  if (no_lo && no_hi) return fb::Activation::NONE;
  if (!no_lo && *lo == 0.0f && no_hi) return fb::Activation::RELU;
  if (!no_lo && *lo == 0.0f && !no_hi && *hi == 6.0f) return fb::Activation::RELU6;
  if (!no_lo && *lo == -1.0f && !no_hi && *hi == 1.0f) return fb::Activation::RELU_N1_TO_1;
  return std::nullopt;
}

void emit_clip(Context& c, const IrNode& n) {
  const IrValue& y = c.value(n.outputs.at(0));
  if (is_float_node(c.graph(), n)) {
    const std::optional<fb::Activation> a = float_activation_for(c.graph(), n);
    if (a == fb::Activation::RELU) return emit_unary(c, n, fb::OpType::RELU, {});
    if (a == fb::Activation::RELU6) return emit_unary(c, n, fb::OpType::RELU6, {});
    if (a == fb::Activation::NONE) {  // clamps nothing: a copy
      fb::ReshapeOptionsT o;
      o.new_shape = to_int32_shape(to_stored(c.shape(n.inputs.at(0)), c.is_nhwc(n.inputs.at(0))), describe(n));
      return emit_unary(c, n, fb::OpType::RESHAPE, options_of(o));
    }
    fail(n, "a float32 Clip other than [0, inf) or [0, 6] needs a preceding op to fuse into");
  }
  if (!y.quantization) fail(n, "output is not quantized");
  const std::optional<fb::Activation> a = activation_for(c.graph(), n, *y.quantization);
  if (!a) fail(n, "Clip bounds other than [0, inf), [0, 6], [-1, 1] need a preceding op to fuse into");
  switch (*a) {
    case fb::Activation::RELU: emit_unary(c, n, fb::OpType::RELU, {}); return;
    case fb::Activation::RELU6: emit_unary(c, n, fb::OpType::RELU6, {}); return;
    case fb::Activation::NONE: emit_unary(c, n, fb::OpType::QUANTIZE, {}); return;  // a requantize (or copy)
    default: fail(n, "Clip [-1, 1] needs a preceding op to fuse into");
  }
}

void emit_table_op(Context& c, const IrNode& n) {
  const std::string& op = n.op_type;
  if (op == "Relu") return emit_unary(c, n, fb::OpType::RELU, {});
  if (op == "Sigmoid") return emit_unary(c, n, fb::OpType::LOGISTIC, {});
  if (op == "Tanh") return emit_unary(c, n, fb::OpType::TANH, {});
  if (op == "HardSwish") return emit_unary(c, n, fb::OpType::HARD_SWISH, {});
  if (op == "Erf") return emit_unary(c, n, fb::OpType::ERF, {});
  if (op == "LeakyRelu") {
    fb::LeakyReluOptionsT o;
    o.alpha = n.float_attribute("alpha", 0.01f);
    return emit_unary(c, n, fb::OpType::LEAKY_RELU, options_of(o));
  }
  if (op == "Gelu") {
    fb::GeluOptionsT o;
    const IrAttribute* a = n.attribute("approximate");
    o.approximate = a && a->s == "tanh";
    return emit_unary(c, n, fb::OpType::GELU, options_of(o));
  }
  fail(n, "not a table op");
}

void emit_quantize(Context& c, const IrNode& n) {
  const IrValue& x = c.value(n.inputs.at(0));
  if (x.is_constant) fail(n, "quantizes a constant that is not a weight");
  const IrValue& y = c.value(n.outputs.at(0));
  if (!y.quantization || y.quantization->scales.size() != 1) {
    fail(n, "per-axis quantization of an activation is not supported (qrt quantizes activations per tensor)");
  }
  emit_unary(c, n, fb::OpType::QUANTIZE, {});
}

void emit_dequantize(Context& c, const IrNode& n) {
  const IrValue& x = c.value(n.inputs.at(0));
  if (!x.quantization || x.dtype != IrDType::kInt8) fail(n, "input must be int8 (or uint8)");
  if (x.quantization->scales.size() != 1) {
    fail(n, "per-axis dequantization of an activation is not supported (qrt quantizes activations per tensor)");
  }
  if (x.is_constant) {
    const int input = c.constant_operand(x.name, x.shape.size(), false);
    const int output = c.define(n.outputs.at(0), x.shape.empty() ? std::vector<int64_t>{1} : x.shape, false);
    c.add_op(fb::OpType::DEQUANTIZE, {input}, {output}, {}, n.name);
    return;
  }
  // A graph output stays in ONNX order unless the caller asked for NHWC edges;
  // inside the graph (a float32 node reads it) the layout is kept.
  const std::string& in = n.inputs[0];
  bool graph_output = false;
  for (const std::string& out : c.graph().outputs) graph_output = graph_output || out == n.outputs.at(0);
  const bool nhwc = (c.options().nhwc_io || !graph_output) && c.is_nhwc(in);
  const int input = c.in_layout(in, nhwc);
  const int output = c.define(n.outputs.at(0), c.shape(in), nhwc);
  c.add_op(fb::OpType::DEQUANTIZE, {input}, {output}, {}, n.name);
}

}  // namespace qrt::convert::lowering
