// DynamicFullyConnected (converter/onnx/dynamic_quant_import.h) ->
// DYNAMIC_FULLY_CONNECTED: float32 input in ONNX order, int8 weights [N, K]
// as they are (already in the .qfb layout), optional float32 bias.
#include "converter/lowering/lowering_context.h"
#include "converter/lowering/weight_lowering.h"
#include "converter/onnx/dynamic_quant_import.h"

namespace qrt::convert::lowering {

void emit_dynamic_fully_connected(Context& c, const IrNode& n) {
  if (n.inputs.size() < 2 || n.outputs.size() != 1) fail(n, "needs an input, weights and one output");
  const std::vector<int64_t>& as = c.shape(n.inputs[0]);
  const IrValue& w = c.value(n.inputs[1]);
  if (!w.is_constant || w.dtype != IrDType::kInt8 || !w.quantization || w.shape.size() != 2) {
    fail(n, "weights '" + w.name + "' must be a quantized int8 [N, K] constant");
  }
  if (as.size() < 2 || as.back() != w.shape[1]) {
    fail(n, "the input's last dimension must be the weights' K " + std::to_string(w.shape[1]));
  }
  for (int32_t zp : w.quantization->zero_points) {
    if (zp != 0) fail(n, "weights '" + w.name + "' must be symmetric (zero point 0)");
  }
  LoweredWeights lw;
  lw.shape = w.shape;
  lw.data = w.data;
  lw.quantization = *w.quantization;
  const int64_t units = w.shape[0];
  const int input = c.as_onnx(n.inputs[0]);
  const int weights = add_weights(c, n.inputs[1], lw);
  const int bias = add_bias(c, n, n.inputs.size() > 2 ? n.inputs[2] : "", units);
  std::vector<int64_t> out_shape(as.begin(), as.end() - 1);
  out_shape.push_back(units);
  const int output = c.define(n.outputs[0], out_shape, false);
  fb::DynamicFullyConnectedOptionsT o;
  o.activation = static_cast<fb::Activation>(n.int_attribute(kDynamicActivationAttribute, 0));
  o.keep_dims = as.size() != 2;
  fb::OpOptionsUnion options;
  options.Set(std::move(o));
  c.add_op(fb::OpType::DYNAMIC_FULLY_CONNECTED, {input, weights, bias}, {output}, std::move(options), n.name);
}

}  // namespace qrt::convert::lowering
