// Reshape / Flatten / Squeeze / Unsqueeze / Identity, Transpose, Concat, Pad, Softmax.
#include <algorithm>
#include <numeric>

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

int64_t product(const std::vector<int64_t>& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

std::vector<int64_t> axes_input_or_attribute(Context& c, const IrNode& n) {
  if (n.inputs.size() > 1 && !n.inputs[1].empty()) return constant_ints(c.value(n.inputs[1]), describe(n) + ": axes");
  return n.ints_attribute("axes");
}

std::vector<int64_t> reshape_target(Context& c, const IrNode& n, const std::vector<int64_t>& in) {
  const std::string& op = n.op_type;
  const int64_t count = product(in, 0, in.size());
  std::vector<int64_t> out;
  if (op == "Identity") return in;
  if (op == "Flatten") {
    const int64_t axis = normalize_axis(n.int_attribute("axis", 1), in.size() + 1, n);
    return {product(in, 0, static_cast<size_t>(axis)), product(in, static_cast<size_t>(axis), in.size())};
  }
  if (op == "Squeeze") {
    std::vector<int64_t> axes = axes_input_or_attribute(c, n);
    for (int64_t& a : axes) a = normalize_axis(a, in.size(), n);
    for (size_t i = 0; i < in.size(); ++i) {
      const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
      if (listed && in[i] != 1) fail(n, "squeezes a dimension that is not 1");
      if (!(listed || (axes.empty() && in[i] == 1))) out.push_back(in[i]);
    }
    return out;
  }
  if (op == "Unsqueeze") {
    std::vector<int64_t> axes = axes_input_or_attribute(c, n);
    const size_t rank = in.size() + axes.size();
    for (int64_t& a : axes) a = normalize_axis(a, rank, n);
    size_t next = 0;
    for (size_t i = 0; i < rank; ++i) {
      const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
      out.push_back(listed ? 1 : in.at(next++));
    }
    return out;
  }
  // Reshape: 0 copies the input dimension (unless allowzero), one -1 is inferred.
  if (n.inputs.size() < 2 || !c.value(n.inputs[1]).is_constant) fail(n, "the target shape must be a constant");
  out = constant_ints(c.value(n.inputs[1]), describe(n) + ": shape");
  int inferred = -1;
  int64_t known = 1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0 && n.int_attribute("allowzero", 0) == 0) {
      if (i >= in.size()) fail(n, "shape copies a dimension the input lacks");
      out[i] = in[i];
    }
    if (out[i] == -1) {
      if (inferred >= 0) fail(n, "shape has two -1 entries");
      inferred = static_cast<int>(i);
    } else if (out[i] < 1) {
      fail(n, "shape has dimension " + std::to_string(out[i]));
    } else {
      known *= out[i];
    }
  }
  if (inferred >= 0) {
    if (count % known != 0) fail(n, "cannot infer the -1 dimension");
    out[inferred] = count / known;
  }
  return out;
}

}  // namespace

void emit_reshape(Context& c, const IrNode& n) {
  const std::string& x = n.inputs.at(0);
  const std::vector<int64_t> in = c.shape(x);
  const std::vector<int64_t> out = reshape_target(c, n, in);
  if (product(out, 0, out.size()) != product(in, 0, in.size())) fail(n, "changes the element count");
  const int input = c.as_onnx_memory_order(x);
  emit_passthrough(c, n, x, n.outputs.at(0), out, false, [&](int target) {
    fb::ReshapeOptionsT o;
    o.new_shape = to_int32_shape(out, describe(n));
    c.add_op(fb::OpType::RESHAPE, {input}, {target}, options_of(o), n.name);
  });
}

void emit_transpose(Context& c, const IrNode& n) {
  const std::string& x = n.inputs.at(0);
  const std::vector<int64_t> in = c.shape(x);
  std::vector<int64_t> perm = n.ints_attribute("perm");
  if (perm.empty()) {
    for (size_t i = in.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  }
  if (perm.size() != in.size()) fail(n, "perm does not match the input rank");
  std::vector<int64_t> out;
  for (int64_t p : perm) out.push_back(in.at(static_cast<size_t>(normalize_axis(p, in.size(), n))));
  // The stored tensor is NHWC when the input is: read ONNX axis p at its stored position.
  const bool nhwc_in = c.is_nhwc(x);
  std::vector<int32_t> stored_perm;
  for (int64_t p : perm) stored_perm.push_back(nhwc_in ? kNhwcPosition[p] : static_cast<int32_t>(p));
  bool identity = true;
  for (size_t i = 0; i < stored_perm.size(); ++i) identity = identity && stored_perm[i] == static_cast<int32_t>(i);
  const int input = nhwc_in ? c.as_nhwc(x) : c.as_onnx(x);
  emit_passthrough(c, n, x, n.outputs.at(0), out, false, [&](int target) {
    if (identity) {
      fb::ReshapeOptionsT o;
      o.new_shape = to_int32_shape(out, describe(n));
      c.add_op(fb::OpType::RESHAPE, {input}, {target}, options_of(o), n.name);
      return;
    }
    fb::TransposeOptionsT o;
    o.perm = stored_perm;
    c.add_op(fb::OpType::TRANSPOSE, {input}, {target}, options_of(o), n.name);
  });
}

void emit_concat(Context& c, const IrNode& n) {
  if (n.inputs.empty()) fail(n, "has no inputs");
  const size_t rank = c.shape(n.inputs[0]).size();
  const int64_t axis = normalize_axis(n.int_attribute("axis", 1), rank, n);
  bool nhwc = rank == 4;
  bool any_activation = false;
  std::vector<int64_t> out = c.shape(n.inputs[0]);
  out[axis] = 0;
  for (const std::string& in : n.inputs) {
    const std::vector<int64_t>& s = c.shape(in);
    if (s.size() != rank) fail(n, "inputs differ in rank");
    out[axis] += s[axis];
    if (c.value(in).is_constant) continue;
    any_activation = true;
    nhwc = nhwc && c.is_nhwc(in);
  }
  nhwc = nhwc && any_activation;
  std::vector<int32_t> inputs;
  for (const std::string& in : n.inputs) {
    inputs.push_back(c.value(in).is_constant ? c.constant_operand(in, rank, nhwc) : c.in_layout(in, nhwc));
  }
  const int output = c.define(c.output_of(n), out, nhwc);
  fb::ConcatenationOptionsT o;
  o.axis = static_cast<int32_t>(nhwc ? kNhwcPosition[axis] : axis);
  o.activation = c.activation_of(n);
  c.add_op(fb::OpType::CONCATENATION, inputs, {output}, options_of(o), n.name);
}

// ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] of a constant-mode Pad.
std::vector<int64_t> constant_pad_amounts(const IrGraph& g, const IrNode& n) {
  const IrAttribute* mode = n.attribute("mode");
  if (mode && mode->s != "constant") fail(n, "mode '" + mode->s + "' is not supported (constant only)");
  std::vector<int64_t> pads = n.ints_attribute("pads");
  if (n.inputs.size() > 1 && !n.inputs[1].empty()) {
    const IrValue* p = g.find(n.inputs[1]);
    if (!p || !p->is_constant) fail(n, "pads must be a constant");
    pads = constant_ints(*p, describe(n) + ": pads");
  }
  if (n.inputs.size() > 3 && !n.inputs[3].empty()) fail(n, "the axes input is not supported");
  for (int64_t p : pads) {
    if (p < 0) fail(n, "negative pads (cropping) are not supported");
  }
  // The fill must be the real value 0, which PAD writes as the zero point.
  if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
    const IrValue* v = g.find(n.inputs[2]);
    if (!v || !v->is_constant) fail(n, "constant_value must be a constant");
    const IrValue* x = g.find(n.inputs[0]);
    const bool zero = v->quantization ? constant_ints(*v, "pad value")[0] == v->quantization->zero_points[0]
                                      : (v->dtype == IrDType::kFloat32 ? constant_floats(*v, "pad value")[0] == 0.0f
                                                                       : x && x->quantization &&
                                                                             constant_ints(*v, "pad value")[0] ==
                                                                                 x->quantization->zero_points[0]);
    if (!zero) fail(n, "constant_value must be 0 (the zero point)");
  }
  if (n.float_attribute("value", 0.0f) != 0.0f) fail(n, "value must be 0");
  return pads;
}

void emit_pad(Context& c, const IrNode& n) {
  const std::string& x = n.inputs.at(0);
  const std::vector<int64_t> in = c.shape(x);
  const std::vector<int64_t> pads = constant_pad_amounts(c.graph(), n);
  if (pads.size() != 2 * in.size()) fail(n, "pads must have 2 x rank values");
  if (in.size() > 6) fail(n, "rank above 6");
  std::vector<int64_t> out(in.size());
  for (size_t i = 0; i < in.size(); ++i) out[i] = in[i] + pads[i] + pads[i + in.size()];
  const bool nhwc = c.is_nhwc(x);
  const int input = c.in_layout(x, nhwc);
  fb::PadOptionsT o;
  for (size_t i = 0; i < in.size(); ++i) {
    const size_t d = nhwc ? static_cast<size_t>(kToNhwc[i]) : i;  // stored dim i holds ONNX dim d
    o.paddings.push_back(static_cast<int32_t>(pads[d]));
    o.paddings.push_back(static_cast<int32_t>(pads[d + in.size()]));
  }
  emit_passthrough(c, n, x, n.outputs.at(0), out, nhwc, [&](int target) {
    c.add_op(fb::OpType::PAD, {input}, {target}, options_of(o), n.name);
  });
}

void emit_softmax(Context& c, const IrNode& n) {
  const std::string& x = n.inputs.at(0);
  const std::vector<int64_t> in = c.shape(x);
  const int64_t opset = n.int_attribute("opset", c.graph().opset);
  const int64_t axis = normalize_axis(n.int_attribute("axis", opset < 13 ? 1 : -1), in.size(), n);
  fb::SoftmaxOptionsT o;
  o.beta = 1.0f;
  const bool last = axis == static_cast<int64_t>(in.size()) - 1;
  if (opset >= 13 && c.is_nhwc(x) && axis == 1) {  // channels are last in NHWC
    const int input = c.as_nhwc(x);
    const int output = c.define(n.outputs.at(0), in, true);
    c.add_op(fb::OpType::SOFTMAX, {input}, {output}, options_of(o), n.name);
    return;
  }
  if (last) {
    const int input = c.as_onnx(x);
    const int output = c.define(n.outputs.at(0), in, false);
    c.add_op(fb::OpType::SOFTMAX, {input}, {output}, options_of(o), n.name);
    return;
  }
  if (opset >= 13) fail(n, "softmax over a non-last axis " + std::to_string(axis) + " is not supported");
  // opset < 13: softmax over the flattened dimensions from `axis` on, as 2-D.
  const std::vector<int64_t> flat = {product(in, 0, static_cast<size_t>(axis)), product(in, static_cast<size_t>(axis), in.size())};
  const IrValue& xv = c.value(x);
  const IrValue& yv = c.value(n.outputs.at(0));
  const int input = c.as_onnx_memory_order(x);
  const fb::DType dtype = xv.quantization ? fb::DType::INT8 : fb::DType::FLOAT32;
  const int flat_in = c.temporary(n.name + "/flat_in", flat, dtype, xv.quantization);
  const int flat_out = c.temporary(n.name + "/flat_out", flat, dtype, yv.quantization);
  fb::ReshapeOptionsT r1;
  r1.new_shape = to_int32_shape(flat, describe(n));
  c.add_op(fb::OpType::RESHAPE, {input}, {flat_in}, options_of(r1), n.name + "/flatten");
  c.add_op(fb::OpType::SOFTMAX, {flat_in}, {flat_out}, options_of(o), n.name);
  const int output = c.define(n.outputs.at(0), in, false);
  fb::ReshapeOptionsT r2;
  r2.new_shape = to_int32_shape(in, describe(n));
  c.add_op(fb::OpType::RESHAPE, {flat_out}, {output}, options_of(r2), n.name + "/unflatten");
}

}  // namespace qrt::convert::lowering
