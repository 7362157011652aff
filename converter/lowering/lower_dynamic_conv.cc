// DynamicConv (converter/onnx/dynamic_quant_import.h) -> DYNAMIC_CONV_2D:
// float32 NHWC input and output, int8 OIHW weights permuted to OHWI (scales
// stay on axis 0), optional float32 bias [M].
#include "converter/lowering/lowering_context.h"
#include "converter/lowering/weight_lowering.h"
#include "converter/lowering/window_geometry.h"
#include "converter/onnx/dynamic_quant_import.h"

namespace qrt::convert::lowering {

void emit_dynamic_conv(Context& c, const IrNode& n) {
  if (n.inputs.size() < 2 || n.outputs.size() != 1) fail(n, "needs an input, weights and one output");
  const std::vector<int64_t>& xs = c.shape(n.inputs[0]);
  if (xs.size() != 4) fail(n, "only 2-D convolutions (4-D input) are supported");
  const IrValue& wv = c.value(n.inputs[1]);
  if (!wv.is_constant || wv.dtype != IrDType::kInt8 || !wv.quantization || wv.shape.size() != 4) {
    fail(n, "weights '" + wv.name + "' must be a quantized int8 OIHW constant");
  }
  for (int32_t zp : wv.quantization->zero_points) {
    if (zp != 0) fail(n, "weights '" + wv.name + "' must be symmetric (zero point 0)");
  }
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
  lw.data = permute_bytes(wv.data, 1, wv.shape, {0, 2, 3, 1});  // OIHW -> OHWI; scales stay on axis 0
  lw.shape = {out_c, kh, kw, in_per_group};
  lw.quantization = *wv.quantization;
  const int input = c.as_nhwc(n.inputs[0]);
  const int weights = add_weights(c, n.inputs[1], lw);
  const int bias = add_bias(c, n, n.inputs.size() > 2 ? n.inputs[2] : "", out_c);
  const int output = c.define(n.outputs[0], {xs[0], out_c, w.output_h, w.output_w}, true);
  const auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  fb::Conv2DOptionsT o;
  o.padding = fb::Padding::EXPLICIT;
  o.pad_top = i32(w.pad_top); o.pad_bottom = i32(w.pad_bottom); o.pad_left = i32(w.pad_left); o.pad_right = i32(w.pad_right);
  o.stride_h = i32(w.stride_h); o.stride_w = i32(w.stride_w);
  o.dilation_h = i32(w.dilation_h); o.dilation_w = i32(w.dilation_w);
  o.groups = i32(group);
  o.activation = static_cast<fb::Activation>(n.int_attribute(kDynamicActivationAttribute, 0));
  fb::OpOptionsUnion options;
  options.Set(std::move(o));
  c.add_op(fb::OpType::DYNAMIC_CONV_2D, {input, weights, bias}, {output}, std::move(options), n.name);
}

}  // namespace qrt::convert::lowering
