// Conv, Gemm / MatMul, pools, GlobalAveragePool and Add / Sub / Mul.
#include <algorithm>
#include <cstring>

#include "converter/lowering/int4_weight_lowering.h"
#include "converter/lowering/lowering_context.h"
#include "converter/lowering/weight_lowering.h"
#include "converter/lowering/window_geometry.h"

namespace qrt::convert::lowering {
namespace {

// int8 quantized weights, or float32 ones for a node kept in float.
const IrValue& quantized_constant(Context& c, const IrNode& n, size_t input, const char* role) {
  if (input >= n.inputs.size() || n.inputs[input].empty()) fail(n, std::string(role) + " is missing");
  const IrValue& v = c.value(n.inputs[input]);
  if (is_float_node(c.graph(), n) && v.is_constant && v.dtype == IrDType::kFloat32 && !v.quantization) return v;
  if (!v.is_constant || v.dtype != IrDType::kInt8 || !v.quantization) {
    fail(n, std::string(role) + " '" + v.name + "' must be a quantized int8 constant");
  }
  return v;
}

bool stores_float16_weights(const IrNode& n) {
  const IrAttribute* a = n.attribute(kKeepFloatAttribute);
  return a != nullptr && a->s == kFloat16Weights;
}

const std::vector<int64_t>& input_shape(Context& c, const IrNode& n, size_t rank) {
  const std::vector<int64_t>& s = c.shape(n.inputs.at(0));
  if (rank && s.size() != rank) fail(n, "input must have rank " + std::to_string(rank));
  return s;
}

template <typename Table>
fb::OpOptionsUnion options_of(Table table) {
  fb::OpOptionsUnion u;
  u.Set(std::move(table));
  return u;
}

}  // namespace

void emit_conv(Context& c, const IrNode& n) {
  std::string x = n.inputs.at(0);
  std::vector<int64_t> extra_pads;
  if (const auto it = c.folded_pads.find(&n); it != c.folded_pads.end()) {
    x = it->second.first;
    extra_pads = it->second.second;
  }
  const std::vector<int64_t>& xs = c.shape(x);
  if (xs.size() != 4) fail(n, "only 2-D convolutions (4-D input) are supported");
  const IrValue& wv = quantized_constant(c, n, 1, "weights");
  if (wv.shape.size() != 4) fail(n, "weights must be 4-D (OIHW)");
  const int64_t out_c = wv.shape[0], in_per_group = wv.shape[1], kh = wv.shape[2], kw = wv.shape[3];
  const int64_t group = n.int_attribute("group", 1);
  if (group < 1 || xs[1] != in_per_group * group || out_c % group != 0) {
    fail(n, "weights [" + std::to_string(out_c) + "," + std::to_string(in_per_group) + ",..] with group " +
                std::to_string(group) + " do not fit " + std::to_string(xs[1]) + " input channels");
  }
  const std::vector<int64_t> kernel = n.ints_attribute("kernel_shape");
  if (!kernel.empty() && kernel != std::vector<int64_t>{kh, kw}) fail(n, "kernel_shape disagrees with the weights");
  const Window w = resolve_window(n, xs[2], xs[3], {kh, kw}, extra_pads);

  LoweredWeights lw;
  const bool float_weights = !wv.quantization;
  const size_t element_size = float_weights ? 4 : 1;
  lw.float32 = float_weights;
  lw.store_float16 = float_weights && stores_float16_weights(n);
  if (!float_weights) lw.quantization = *wv.quantization;
  const bool depthwise = group > 1 && group == xs[1];
  if (depthwise) {  // [C*M,1,KH,KW] -> [1,KH,KW,C*M]
    lw.data = permute_bytes(wv.data, element_size, wv.shape, {1, 2, 3, 0});
    lw.shape = {1, kh, kw, out_c};
    if (lw.quantization.axis == 0) lw.quantization.axis = 3;
  } else {  // OIHW -> OHWI
    lw.data = permute_bytes(wv.data, element_size, wv.shape, {0, 2, 3, 1});
    lw.shape = {out_c, kh, kw, in_per_group};
  }
  if (lw.quantization.scales.size() > 1 && lw.quantization.axis != (depthwise ? 3 : 0)) {
    fail(n, "weights must be quantized per output channel (axis 0) or per tensor");
  }
  remove_per_channel_zero_points(lw, n);
  if (const int g4 = int4_group_size(n); g4 >= 0 && emit_conv_1x1_w4(c, n, x, w, lw, group, g4)) return;
  const int input = c.as_nhwc(x);
  const int weights = add_weights(c, n.inputs[1], lw);
  const int bias = add_bias(c, n, n.inputs.size() > 2 ? n.inputs[2] : "", out_c);
  const int output = c.define(c.output_of(n), {xs[0], out_c, w.output_h, w.output_w}, true);
  const auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  if (depthwise) {
    fb::DepthwiseConv2DOptionsT o;
    o.padding = fb::Padding::EXPLICIT;
    o.pad_top = i32(w.pad_top); o.pad_bottom = i32(w.pad_bottom); o.pad_left = i32(w.pad_left); o.pad_right = i32(w.pad_right);
    o.stride_h = i32(w.stride_h); o.stride_w = i32(w.stride_w);
    o.dilation_h = i32(w.dilation_h); o.dilation_w = i32(w.dilation_w);
    o.depth_multiplier = i32(out_c / group);
    o.activation = c.activation_of(n);
    c.add_op(fb::OpType::DEPTHWISE_CONV_2D, {input, weights, bias}, {output}, options_of(o), n.name);
  } else {
    fb::Conv2DOptionsT o;
    o.padding = fb::Padding::EXPLICIT;
    o.pad_top = i32(w.pad_top); o.pad_bottom = i32(w.pad_bottom); o.pad_left = i32(w.pad_left); o.pad_right = i32(w.pad_right);
    o.stride_h = i32(w.stride_h); o.stride_w = i32(w.stride_w);
    o.dilation_h = i32(w.dilation_h); o.dilation_w = i32(w.dilation_w);
    o.groups = i32(group);
    o.activation = c.activation_of(n);
    c.add_op(fb::OpType::CONV_2D, {input, weights, bias}, {output}, options_of(o), n.name);
  }
}

// MatMul(A, B) and Gemm(A, B, C) with constant B -> FULLY_CONNECTED.
void emit_fully_connected(Context& c, const IrNode& n) {
  const bool gemm = n.op_type == "Gemm";
  const std::vector<int64_t>& as = c.shape(n.inputs.at(0));
  const IrValue& bv = quantized_constant(c, n, 1, "B (weights)");
  if (bv.shape.size() != 2) fail(n, "B must be a 2-D constant (a batched B has no FULLY_CONNECTED form)");
  if (as.size() < 2) fail(n, "A must have rank 2 or more");
  bool trans_b = false;
  if (gemm) {
    if (n.int_attribute("transA", 0) != 0) fail(n, "transA=1 is not supported");
    if (n.float_attribute("alpha", 1.0f) != 1.0f || n.float_attribute("beta", 1.0f) != 1.0f) {
      fail(n, "alpha and beta must be 1");
    }
    if (as.size() != 2) fail(n, "A must be 2-D");
    trans_b = n.int_attribute("transB", 0) != 0;
  }
  const int64_t k = trans_b ? bv.shape[1] : bv.shape[0];
  const int64_t units = trans_b ? bv.shape[0] : bv.shape[1];
  if (as.back() != k) fail(n, "A's last dimension " + std::to_string(as.back()) + " is not B's K " + std::to_string(k));
  LoweredWeights lw;
  lw.float32 = !bv.quantization;
  lw.store_float16 = lw.float32 && stores_float16_weights(n);
  if (!lw.float32) lw.quantization = *bv.quantization;
  lw.shape = {units, k};
  if (trans_b) {
    lw.data = bv.data;
  } else {
    lw.data = permute_bytes(bv.data, lw.float32 ? 4 : 1, bv.shape, {1, 0});
    if (lw.quantization.scales.size() > 1) lw.quantization.axis = lw.quantization.axis == 1 ? 0 : 1;
  }
  if (lw.quantization.scales.size() > 1 && lw.quantization.axis != 0) {
    fail(n, "B must be quantized per output column or per tensor");
  }
  remove_per_channel_zero_points(lw, n);
  const int input = c.as_onnx(n.inputs[0]);
  const int int4_group = int4_group_size(n);  // --weights int4
  Int4WeightTensors int4;
  if (int4_group >= 0) int4 = add_int4_weights(c, n, n.inputs[1], lw, int4_group);
  const int weights = int4_group >= 0 ? int4.weights : add_weights(c, n.inputs[1], lw);
  const int bias = add_bias(c, n, gemm && n.inputs.size() > 2 ? n.inputs[2] : "", units);
  std::vector<int64_t> out_shape(as.begin(), as.end() - 1);
  out_shape.push_back(units);
  const int output = c.define(c.output_of(n), out_shape, false);
  fb::FullyConnectedOptionsT o;
  o.activation = c.activation_of(n);
  o.keep_dims = as.size() != 2;
  if (int4_group >= 0) {
    c.add_op(fb::OpType::FULLY_CONNECTED_W4, {input, weights, int4.scales, bias}, {output}, options_of(o), n.name);
    return;
  }
  c.add_op(fb::OpType::FULLY_CONNECTED, {input, weights, bias}, {output}, options_of(o), n.name);
}

void emit_pool(Context& c, const IrNode& n) {
  const bool average = n.op_type == "AveragePool";
  std::string x = n.inputs.at(0);
  std::vector<int64_t> extra_pads;
  if (const auto it = c.folded_pads.find(&n); it != c.folded_pads.end()) {
    x = it->second.first;
    extra_pads = it->second.second;
  }
  const std::vector<int64_t>& xs = c.shape(x);
  if (xs.size() != 4) fail(n, "only 2-D pooling (4-D input) is supported");
  const std::vector<int64_t> kernel = n.ints_attribute("kernel_shape");
  if (kernel.size() != 2) fail(n, "kernel_shape must have 2 values");
  if (!n.ints_attribute("dilations").empty() && n.ints_attribute("dilations") != std::vector<int64_t>{1, 1}) {
    fail(n, "dilated pooling is not supported");
  }
  if (n.outputs.size() > 1 && !n.outputs[1].empty()) fail(n, "MaxPool's Indices output is not supported");
  const bool include_pad = n.int_attribute("count_include_pad", 0) != 0;
  if (average && include_pad && n.int_attribute("ceil_mode", 0) != 0) {
    fail(n, "ceil_mode=1 with count_include_pad=1 is not supported");
  }
  const Window w = resolve_window(n, xs[2], xs[3], kernel, extra_pads);
  const auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  fb::Pool2DOptionsT o;
  o.padding = fb::Padding::EXPLICIT;
  o.pad_top = i32(w.pad_top); o.pad_bottom = i32(w.pad_bottom); o.pad_left = i32(w.pad_left); o.pad_right = i32(w.pad_right);
  o.stride_h = i32(w.stride_h); o.stride_w = i32(w.stride_w);
  o.filter_h = i32(w.kernel_h); o.filter_w = i32(w.kernel_w);
  o.activation = c.activation_of(n);
  o.count_include_pad = average && include_pad;
  const std::vector<int64_t> out_shape = {xs[0], xs[1], w.output_h, w.output_w};
  const int input = c.as_nhwc(x);
  if (average) {
    const int output = c.define(c.output_of(n), out_shape, true);
    c.add_op(fb::OpType::AVERAGE_POOL_2D, {input}, {output}, options_of(o), n.name);
    return;
  }
  emit_passthrough(c, n, x, c.output_of(n), out_shape, true, [&](int target) {
    c.add_op(fb::OpType::MAX_POOL_2D, {input}, {target}, options_of(o), n.name);
  });
}

// GlobalAveragePool, and ReduceMean over H and W with keepdims -> MEAN axes [1, 2].
void emit_global_average_pool(Context& c, const IrNode& n) {
  const std::vector<int64_t>& xs = input_shape(c, n, 4);
  if (n.op_type == "ReduceMean") {
    std::vector<int64_t> axes = n.ints_attribute("axes");
    if (axes.empty() && n.inputs.size() > 1 && !n.inputs[1].empty()) {
      const IrValue& a = c.value(n.inputs[1]);
      for (size_t i = 0; i < a.data.size() / 8; ++i) {
        int64_t v;
        std::memcpy(&v, a.data.data() + i * 8, 8);
        axes.push_back(v);
      }
    }
    for (int64_t& a : axes) a = normalize_axis(a, 4, n);
    std::sort(axes.begin(), axes.end());
    if (axes != std::vector<int64_t>{2, 3} || n.int_attribute("keepdims", 1) != 1) {
      fail(n, "ReduceMean is supported over axes [2, 3] with keepdims=1 only");
    }
  }
  const int input = c.as_nhwc(n.inputs[0]);
  const int output = c.define(c.output_of(n), {xs[0], xs[1], 1, 1}, true);
  fb::MeanOptionsT o;
  o.axes = {1, 2};
  o.keep_dims = true;
  c.add_op(fb::OpType::MEAN, {input}, {output}, options_of(o), n.name);
}

void emit_binary(Context& c, const IrNode& n) {
  if (n.inputs.size() != 2) fail(n, "needs two inputs");
  const std::vector<int64_t>& a = c.shape(n.inputs[0]);
  const std::vector<int64_t>& b = c.shape(n.inputs[1]);
  const size_t rank = std::max(a.size(), b.size());
  if (rank > 6) fail(n, "rank above 6");
  std::vector<int64_t> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const int64_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1) fail(n, "shapes do not broadcast");
    out[i] = std::max(da, db);
  }
  // NHWC when every activation operand is NHWC and the result is 4-D.
  bool nhwc = rank == 4;
  bool any_activation = false;
  for (const std::string& in : n.inputs) {
    if (c.value(in).is_constant) continue;
    any_activation = true;
    nhwc = nhwc && c.is_nhwc(in) && c.shape(in).size() == 4;
  }
  nhwc = nhwc && any_activation;
  std::vector<int32_t> inputs;
  for (const std::string& in : n.inputs) {
    inputs.push_back(c.value(in).is_constant ? c.constant_operand(in, nhwc ? 4 : c.shape(in).size(), nhwc)
                                             : c.in_layout(in, nhwc));
  }
  const int output = c.define(c.output_of(n), out, nhwc);
  const fb::OpType type = n.op_type == "Add" ? fb::OpType::ADD : n.op_type == "Sub" ? fb::OpType::SUB : fb::OpType::MUL;
  fb::BinaryOptionsT o;
  o.activation = c.activation_of(n);
  c.add_op(type, inputs, {output}, options_of(o), n.name);
}

}  // namespace qrt::convert::lowering
