// ONNX LSTM and GRU -> the LSTM and GRU ops (docs/format.md): float32
// activations in ONNX order; W and R stored 2-D as [D*G*H, I] and [D*G*H, H]
// (ONNX's [D, G*H, .] with the first two dimensions merged, the same bytes),
// float32, or int8 per row when qconvert --dynamic quantized them (already
// 2-D then); B [D, 2*G*H]; absent outputs get tensors of their own.
#include "converter/lowering/lowering_context.h"
#include "converter/lowering/weight_lowering.h"
#include "converter/onnx/constant_values.h"

namespace qrt::convert::lowering {
namespace {

std::string input(const IrNode& n, size_t i) { return i < n.inputs.size() ? n.inputs[i] : ""; }

// W or R as a 2-D constant tensor [rows, depth].
int gate_weights(Context& c, const IrNode& n, size_t i, const char* role, int64_t rows, int64_t depth) {
  const std::string name = input(n, i);
  if (name.empty()) fail(n, std::string(role) + " is missing");
  const IrValue& v = c.value(name);
  if (!v.is_constant) fail(n, std::string(role) + " '" + name + "' must be a constant");
  LoweredWeights lw;
  lw.shape = {rows, depth};
  lw.data = v.data;
  if (v.dtype == IrDType::kFloat32 && !v.quantization) {
    if (v.element_count() != rows * depth) fail(n, std::string(role) + " '" + name + "' has the wrong size");
    lw.float32 = true;
  } else if (v.dtype == IrDType::kInt8 && v.quantization && v.shape == std::vector<int64_t>{rows, depth}) {
    lw.quantization = *v.quantization;
    for (int32_t zp : lw.quantization.zero_points) {
      if (zp != 0) fail(n, std::string(role) + " '" + name + "' must be symmetric (zero point 0)");
    }
  } else {
    fail(n, std::string(role) + " '" + name + "' must be float32, or int8 [" + std::to_string(rows) + ", " +
                std::to_string(depth) + "] (qconvert --dynamic)");
  }
  return add_weights(c, name, lw);
}

// A float32 operand: an activation in ONNX order, or a constant.
int float_operand(Context& c, const std::string& name, size_t rank) {
  const IrValue& v = c.value(name);
  if (!v.is_constant) return c.as_onnx(name);
  return c.float_constant(name, constant_floats(v, "value '" + name + "'"), v.shape, rank, false);
}

}  // namespace

void emit_rnn(Context& c, const IrNode& n) {
  const bool lstm = n.op_type == "LSTM";
  const int64_t gates = lstm ? 4 : 3;
  for (const char* unsupported : {"activations", "activation_alpha", "activation_beta", "clip"}) {
    if (n.attribute(unsupported) != nullptr) fail(n, std::string("attribute '") + unsupported + "' is not supported");
  }
  if (n.int_attribute("layout", 0) != 0) fail(n, "layout 1 (batch first) is not supported");
  if (lstm && n.int_attribute("input_forget", 0) != 0) fail(n, "input_forget is not supported");
  if (!input(n, 4).empty()) fail(n, "sequence_lens is not supported");
  if (lstm && !input(n, 7).empty()) fail(n, "peepholes (P) are not supported");
  const IrAttribute* direction = n.attribute("direction");
  const std::string dir = direction != nullptr ? direction->s : "forward";
  int8_t dir_code = 0;
  if (dir == "reverse") {
    dir_code = 1;
  } else if (dir == "bidirectional") {
    dir_code = 2;
  } else if (dir != "forward") {
    fail(n, "direction '" + dir + "'");
  }
  const int64_t directions = dir_code == 2 ? 2 : 1;
  const int64_t hidden = n.int_attribute("hidden_size", 0);
  if (hidden < 1) fail(n, "hidden_size must be set");
  const std::vector<int64_t>& xs = c.shape(input(n, 0));
  if (xs.size() != 3) fail(n, "X must be [seq, batch, input]");
  const int x = c.as_onnx(input(n, 0));
  const int64_t rows = directions * gates * hidden;
  const int w = gate_weights(c, n, 1, "W", rows, xs[2]);
  const int r = gate_weights(c, n, 2, "R", rows, hidden);
  int bias = -1;
  if (!input(n, 3).empty()) {
    const IrValue& b = c.value(input(n, 3));
    if (!b.is_constant || b.dtype != IrDType::kFloat32 || b.element_count() != directions * 2 * gates * hidden) {
      fail(n, "B must be a float32 constant [" + std::to_string(directions) + ", " + std::to_string(2 * gates * hidden) + "]");
    }
    bias = c.float_constant(input(n, 3), constant_floats(b, "B"), {directions, 2 * gates * hidden}, 2, false);
  }
  std::vector<int32_t> inputs = {x, w, r, bias};
  const int initial_h = input(n, 5).empty() ? -1 : float_operand(c, input(n, 5), 3);
  inputs.push_back(initial_h);
  if (lstm) inputs.push_back(input(n, 6).empty() ? -1 : float_operand(c, input(n, 6), 3));
  while (!inputs.empty() && inputs.back() < 0 && inputs.size() > 3) inputs.pop_back();
  const std::vector<int64_t> y_shape = {xs[0], directions, xs[1], hidden};
  const std::vector<int64_t> state = {directions, xs[1], hidden};
  std::vector<int32_t> outputs;
  for (size_t k = 0; k < (lstm ? 3u : 2u); ++k) {
    const std::string name = k < n.outputs.size() ? n.outputs[k] : "";
    const std::vector<int64_t>& shape = k == 0 ? y_shape : state;
    outputs.push_back(name.empty() ? c.temporary(n.name + "/unused_output_" + std::to_string(k), shape,
                                                 fb::DType::FLOAT32, std::nullopt)
                                   : c.define(name, shape, false));
  }
  fb::RnnOptionsT o;
  o.hidden_size = static_cast<int32_t>(hidden);
  o.direction = dir_code;
  o.linear_before_reset = !lstm && n.int_attribute("linear_before_reset", 0) != 0;
  fb::OpOptionsUnion options;
  options.Set(std::move(o));
  c.add_op(lstm ? fb::OpType::LSTM : fb::OpType::GRU, inputs, outputs, std::move(options), n.name);
}

}  // namespace qrt::convert::lowering
