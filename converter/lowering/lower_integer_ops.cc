// ConvInteger, MatMulInteger and DynamicQuantizeLinear
// (converter/onnx/integer_ops_import.h) -> CONV_INTEGER, MATMUL_INTEGER and
// DYNAMIC_QUANTIZE_LINEAR (docs/format.md).
#include "converter/lowering/lowering_context.h"
#include "converter/lowering/weight_lowering.h"
#include "converter/lowering/window_geometry.h"

namespace qrt::convert::lowering {
namespace {

const IrValue& integer_weights(Context& c, const IrNode& n, size_t rank) {
  const IrValue& w = c.value(n.inputs.at(1));
  if (!w.is_constant || w.dtype != IrDType::kInt8 || !w.quantization || w.shape.size() != rank) {
    fail(n, "weights '" + w.name + "' must be an int8 constant of rank " + std::to_string(rank));
  }
  return w;
}

fb::OpOptionsUnion no_options() { return {}; }

}  // namespace

void emit_conv_integer(Context& c, const IrNode& n) {
  if (n.inputs.size() != 2 || n.outputs.size() != 1) fail(n, "needs x, w and one output");
  const std::vector<int64_t>& xs = c.shape(n.inputs[0]);
  if (xs.size() != 4) fail(n, "only 2-D convolutions (4-D input) are supported");
  const IrValue& wv = integer_weights(c, n, 4);
  const int64_t out_c = wv.shape[0], in_per_group = wv.shape[1], kh = wv.shape[2], kw = wv.shape[3];
  const int64_t group = n.int_attribute("group", 1);
  if (group < 1 || xs[1] != in_per_group * group || out_c % group != 0) {
    fail(n, "weights [" + std::to_string(out_c) + "," + std::to_string(in_per_group) + ",..] with group " +
                std::to_string(group) + " do not fit " + std::to_string(xs[1]) + " input channels");
  }
  const std::vector<int64_t> kernel = n.ints_attribute("kernel_shape");
  if (!kernel.empty() && kernel != std::vector<int64_t>{kh, kw}) fail(n, "kernel_shape disagrees with the weights");
  const Window w = resolve_window(n, xs[2], xs[3], {kh, kw}, {});
  LoweredWeights lw;
  lw.data = permute_bytes(wv.data, 1, wv.shape, {0, 2, 3, 1});  // OIHW -> OHWI; zero points stay on axis 0
  lw.shape = {out_c, kh, kw, in_per_group};
  lw.quantization = *wv.quantization;
  const int input = c.as_nhwc(n.inputs[0]);
  const int weights = add_weights(c, n.inputs[1], lw);
  const int output = c.define(n.outputs[0], {xs[0], out_c, w.output_h, w.output_w}, true);
  const auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  fb::Conv2DOptionsT o;
  o.padding = fb::Padding::EXPLICIT;
  o.pad_top = i32(w.pad_top); o.pad_bottom = i32(w.pad_bottom); o.pad_left = i32(w.pad_left); o.pad_right = i32(w.pad_right);
  o.stride_h = i32(w.stride_h); o.stride_w = i32(w.stride_w);
  o.dilation_h = i32(w.dilation_h); o.dilation_w = i32(w.dilation_w);
  o.groups = i32(group);
  fb::OpOptionsUnion options;
  options.Set(std::move(o));
  c.add_op(fb::OpType::CONV_INTEGER, {input, weights}, {output}, std::move(options), n.name);
}

void emit_matmul_integer(Context& c, const IrNode& n) {
  if (n.inputs.size() != 2 || n.outputs.size() != 1) fail(n, "needs A, B and one output");
  const std::vector<int64_t>& as = c.shape(n.inputs[0]);
  const IrValue& bv = integer_weights(c, n, 2);
  if (as.empty() || as.back() != bv.shape[0]) {
    fail(n, "A's last dimension must be B's first (" + std::to_string(bv.shape[0]) + ")");
  }
  const int64_t k = bv.shape[0], units = bv.shape[1];
  LoweredWeights lw;
  lw.data = permute_bytes(bv.data, 1, bv.shape, {1, 0});  // [K, N] -> [N, K]
  lw.shape = {units, k};
  lw.quantization = *bv.quantization;
  if (lw.quantization.scales.size() > 1) lw.quantization.axis = 0;  // per column of B = per row of [N, K]
  const int input = c.as_onnx(n.inputs[0]);
  const int weights = add_weights(c, n.inputs[1], lw);
  std::vector<int64_t> out_shape = as;
  out_shape.back() = units;
  const int output = c.define(n.outputs[0], out_shape, false);
  c.add_op(fb::OpType::MATMUL_INTEGER, {input, weights}, {output}, no_options(), n.name);
}

void emit_dynamic_quantize_linear(Context& c, const IrNode& n) {
  if (n.inputs.size() != 1 || n.outputs.size() != 3) fail(n, "needs one input and three outputs");
  const IrValue& x = c.value(n.inputs[0]);
  if (x.dtype != IrDType::kFloat32 || x.quantization) fail(n, "input '" + x.name + "' must be float32");
  const std::vector<int64_t> shape = c.shape(n.inputs[0]);
  const int input = c.as_onnx(n.inputs[0]);
  const int y = c.define(n.outputs[0], shape, false);
  // ONNX's scalars become shape [1]: the same one value (a .qfb shape is never empty).
  const int scale = c.define(n.outputs[1], {1}, false);
  const int zero_point = c.define(n.outputs[2], {1}, false);
  c.add_op(fb::OpType::DYNAMIC_QUANTIZE_LINEAR, {input}, {y, scale, zero_point}, no_options(), n.name);
}

}  // namespace qrt::convert::lowering
