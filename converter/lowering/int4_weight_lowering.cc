#include "converter/lowering/int4_weight_lowering.h"

#include <cmath>
#include <cstring>

#include "converter/calibration/int4_weights.h"

namespace qrt::convert::lowering {

int int4_group_size(const IrNode& node) {
  const IrAttribute* a = node.attribute(kKeepFloatAttribute);
  int group = 0;
  return a != nullptr && parse_int4_weights_marker(a->s, &group) ? group : -1;
}

Int4WeightTensors add_int4_weights(Context& c, const IrNode& node, const std::string& name, const LoweredWeights& w,
                                   int group_size) {
  if (!w.float32 || w.shape.size() != 2) fail(node, "int4 weights need float32 [N, K] weights");
  const int64_t n = w.shape[0], k = w.shape[1];
  std::vector<float> values(static_cast<size_t>(n * k));
  if (w.data.size() != values.size() * sizeof(float)) fail(node, "weights '" + name + "' have the wrong size");
  std::memcpy(values.data(), w.data.data(), w.data.size());
  for (float v : values) {
    if (!std::isfinite(v)) fail(node, "weights '" + name + "' hold a value that is not finite: no int4 form");
  }
  const Int4Weights q = quantize_int4_weights(values, n, k, group_size);
  if (group_size > 0 && q.group_size != group_size) {
    c.notes.push_back("int4 weights: '" + node.name + "' has K = " + std::to_string(k) + ", which --group " +
                      std::to_string(group_size) + " does not divide; one scale per output channel instead");
  }
  Int4WeightTensors t;
  t.weights = c.writer().add_constant(name + "_int4", fb::DType::INT8,
                                      to_int32_shape({n, (k + 1) / 2}, "weights '" + name + "'"), q.packed);
  std::vector<uint8_t> scale_bytes(q.scales.size() * sizeof(float));
  std::memcpy(scale_bytes.data(), q.scales.data(), scale_bytes.size());
  t.scales = c.writer().add_constant(name + "_int4_scales", fb::DType::FLOAT32,
                                     to_int32_shape({n, k / q.group_size}, "scales of '" + name + "'"),
                                     std::move(scale_bytes));
  return t;
}

bool emit_conv_1x1_w4(Context& c, const IrNode& node, const std::string& input, const Window& w,
                      const LoweredWeights& ohwi, int64_t groups, int group_size) {
  const std::vector<int64_t>& xs = c.shape(input);
  const bool pointwise = ohwi.shape.size() == 4 && ohwi.shape[1] == 1 && ohwi.shape[2] == 1 && groups == 1 &&
                         w.stride_h == 1 && w.stride_w == 1 && w.pad_top == 0 && w.pad_left == 0 &&
                         w.pad_bottom == 0 && w.pad_right == 0 && xs.size() == 4 && w.output_h == xs[2] &&
                         w.output_w == xs[3];
  if (!pointwise) {
    c.notes.push_back("int4 weights: Conv '" + node.name + "' is not 1x1 / stride 1 / unpadded: float32 weights");
    return false;
  }
  const int64_t out_c = ohwi.shape[0];
  LoweredWeights fc = ohwi;
  fc.shape = {out_c, ohwi.shape[3]};
  const Int4WeightTensors t = add_int4_weights(c, node, node.inputs[1], fc, group_size);
  const int x = c.as_nhwc(input);
  const int bias = add_bias(c, node, node.inputs.size() > 2 ? node.inputs[2] : "", out_c);
  const int output = c.define(c.output_of(node), {xs[0], out_c, xs[2], xs[3]}, true);
  fb::FullyConnectedOptionsT o;
  o.activation = c.activation_of(node);
  o.keep_dims = true;
  fb::OpOptionsUnion options;
  options.Set(std::move(o));
  c.add_op(fb::OpType::FULLY_CONNECTED_W4, {x, t.weights, t.scales, bias}, {output}, std::move(options), node.name);
  return true;
}

}  // namespace qrt::convert::lowering
