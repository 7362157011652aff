#include "converter/lowering/lowering_context.h"

#include <algorithm>
#include <cstring>

namespace qrt::convert::lowering {

fb::DType qfb_dtype(IrDType dtype, const std::string& what) {
  switch (dtype) {
    case IrDType::kInt8: return fb::DType::INT8;
    case IrDType::kInt16: return fb::DType::INT16;
    case IrDType::kInt32: return fb::DType::INT32;
    case IrDType::kFloat32: return fb::DType::FLOAT32;
    case IrDType::kFloat16: return fb::DType::FLOAT16;
    default: break;
  }
  throw ImportError(what + " is " + ir_dtype_name(dtype) + ", which a .qfb tensor cannot hold");
}

std::vector<int32_t> to_int32_shape(const std::vector<int64_t>& shape, const std::string& what) {
  std::vector<int32_t> out;
  for (int64_t d : shape) {
    if (d < 1 || d > INT32_MAX) throw ImportError(what + " has an unknown or out-of-range dimension");
    out.push_back(static_cast<int32_t>(d));
  }
  return out;
}

std::vector<int64_t> to_stored(const std::vector<int64_t>& onnx_shape, bool nhwc) {
  if (!nhwc || onnx_shape.size() != 4) return onnx_shape;
  return {onnx_shape[0], onnx_shape[2], onnx_shape[3], onnx_shape[1]};
}

std::string describe(const IrNode& node) {
  return "node '" + node.name + "' (" + (node.domain.empty() ? "" : node.domain + ".") + node.op_type + ")";
}

void fail(const IrNode& node, const std::string& message) { throw ImportError(describe(node) + ": " + message); }

int64_t normalize_axis(int64_t axis, size_t rank, const IrNode& node) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail(node, "axis " + std::to_string(axis) + " is outside rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

std::vector<uint8_t> permute_bytes(const std::vector<uint8_t>& data, size_t element_size,
                                   const std::vector<int64_t>& shape, const std::vector<int>& perm) {
  const size_t rank = shape.size();
  std::vector<int64_t> in_strides(rank, 1);
  for (size_t i = rank; i-- > 1;) in_strides[i - 1] = in_strides[i] * shape[i];
  std::vector<int64_t> out_shape(rank);
  for (size_t i = 0; i < rank; ++i) out_shape[i] = shape[perm[i]];
  std::vector<uint8_t> out(data.size());
  std::vector<int64_t> index(rank, 0);
  const size_t count = element_size ? data.size() / element_size : 0;
  for (size_t o = 0; o < count; ++o) {
    int64_t source = 0;
    for (size_t i = 0; i < rank; ++i) source += index[i] * in_strides[perm[i]];
    std::memcpy(out.data() + o * element_size, data.data() + source * element_size, element_size);
    for (size_t i = rank; i-- > 0;) {
      if (++index[i] < out_shape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

const IrValue& Context::value(const std::string& name) const {
  const IrValue* v = graph_.find(name);
  if (!v) throw ImportError("value '" + name + "' is not defined");
  return *v;
}

const std::vector<int64_t>& Context::shape(const std::string& name) const {
  const auto it = shapes_.find(name);
  if (it != shapes_.end()) return it->second;
  const IrValue& v = value(name);
  if (v.is_constant) return v.shape;
  throw ImportError("value '" + name + "' is used before it is computed");
}

bool Context::is_nhwc(const std::string& name) const {
  const auto it = placed_.find(name);
  return it != placed_.end() && it->second.nhwc;
}

namespace {

// True when permuting `onnx_shape` to NHWC keeps the memory order: the
// dimensions longer than 1 appear in the same relative order.
bool nhwc_is_memory_identical(const std::vector<int64_t>& onnx_shape) {
  int last = -1;
  for (int i : kToNhwc) {
    if (onnx_shape[i] == 1) continue;
    if (i < last) return false;
    last = i;
  }
  return true;
}

}  // namespace

int Context::convert(const std::string& name, bool to_nhwc) {
  const std::string key = name + (to_nhwc ? "|nhwc" : "|onnx");
  if (const auto it = converted_.find(key); it != converted_.end()) return it->second;
  const Placed& p = placed_.at(name);
  const std::vector<int64_t>& s = shapes_.at(name);
  const IrValue& v = value(name);
  const auto& source = writer_.model().graph->tensors[p.tensor];
  if (source->dtype != fb::DType::INT8 && source->dtype != fb::DType::FLOAT32 && source->dtype != fb::DType::INT32) {
    throw ImportError("value '" + name + "' is " + fb::EnumNameDType(source->dtype) +
                      " and would need a layout change, which qrt does for int8, int32 and float32 tensors only");
  }
  std::optional<IrQuantization> q = v.quantization;
  if (q) q->axis = -1;
  const int t = temporary(name + (to_nhwc ? "/nhwc" : "/nchw"), to_stored(s, to_nhwc), source->dtype, q);
  if (nhwc_is_memory_identical(s)) {
    fb::ReshapeOptionsT options;
    options.new_shape = to_int32_shape(to_stored(s, to_nhwc), name);
    fb::OpOptionsUnion u;
    u.Set(std::move(options));
    add_op(fb::OpType::RESHAPE, {p.tensor}, {t}, std::move(u), name + (to_nhwc ? "/to_nhwc" : "/to_nchw"));
  } else {
    fb::TransposeOptionsT options;
    options.perm = to_nhwc ? std::vector<int32_t>{0, 2, 3, 1} : std::vector<int32_t>{0, 3, 1, 2};
    fb::OpOptionsUnion u;
    u.Set(std::move(options));
    add_op(fb::OpType::TRANSPOSE, {p.tensor}, {t}, std::move(u), name + (to_nhwc ? "/to_nhwc" : "/to_nchw"));
  }
  converted_[key] = t;
  return t;
}

int Context::as_onnx(const std::string& name) {
  if (!placed_.count(name)) {
    const IrValue& v = value(name);
    if (v.is_constant) return constant_operand(name, v.shape.size(), false);
    throw ImportError("value '" + name + "' is used before it is computed");
  }
  const Placed& p = placed_.at(name);
  return p.nhwc ? convert(name, false) : p.tensor;
}

int Context::as_nhwc(const std::string& name) {
  if (!placed_.count(name)) {
    const IrValue& v = value(name);
    if (v.is_constant) return constant_operand(name, 4, true);
    throw ImportError("value '" + name + "' is used before it is computed");
  }
  if (shapes_.at(name).size() != 4) throw ImportError("value '" + name + "' is not 4-D; it cannot be made NHWC");
  const Placed& p = placed_.at(name);
  return p.nhwc ? p.tensor : convert(name, true);
}

int Context::as_onnx_memory_order(const std::string& name) {
  if (placed_.count(name) && placed_.at(name).nhwc && nhwc_is_memory_identical(shapes_.at(name))) {
    return placed_.at(name).tensor;
  }
  return as_onnx(name);
}

int Context::temporary(const std::string& name, const std::vector<int64_t>& stored_shape, fb::DType dtype,
                       const std::optional<IrQuantization>& q) {
  if (!q) return writer_.add_tensor(name, dtype, to_int32_shape(stored_shape, "tensor '" + name + "'"));
  return writer_.add_tensor(name, dtype, to_int32_shape(stored_shape, "tensor '" + name + "'"), q->scales,
                            q->zero_points, q->axis);
}

int Context::define(const std::string& name, const std::vector<int64_t>& onnx_shape, bool nhwc) {
  if (placed_.count(name)) throw ImportError("value '" + name + "' is written twice");
  const IrValue& v = value(name);
  const bool layout_nhwc = nhwc && onnx_shape.size() == 4;
  if (v.quantization && v.quantization->axis >= 0) {
    throw ImportError("activation '" + name + "' is quantized per channel; qrt quantizes activations per tensor");
  }
  const int t = temporary(name, to_stored(onnx_shape, layout_nhwc), qfb_dtype(v.dtype, "value '" + name + "'"),
                          v.quantization);
  placed_[name] = Placed{t, layout_nhwc};
  shapes_[name] = onnx_shape;
  return t;
}

int Context::constant_operand(const std::string& name, size_t rank, bool nhwc) {
  const std::string key = name + "|const" + std::to_string(rank) + (nhwc ? "nhwc" : "");
  if (const auto it = converted_.find(key); it != converted_.end()) return it->second;
  const IrValue& v = value(name);
  if (v.dtype == IrDType::kFloat32 && !v.quantization) {  // an operand of a float32 op (mixed precision)
    std::vector<float> values(v.data.size() / sizeof(float));
    if (!values.empty()) std::memcpy(values.data(), v.data.data(), values.size() * sizeof(float));
    const int t = float_constant(name, std::move(values), v.shape, rank, nhwc);
    converted_[key] = t;
    return t;
  }
  if (!v.quantization || v.dtype != IrDType::kInt8) {
    throw ImportError("constant '" + name + "' is used as an activation but is not quantized int8");
  }
  if (v.quantization->axis >= 0) throw ImportError("constant operand '" + name + "' is quantized per channel");
  std::vector<int64_t> shape = v.shape;
  if (shape.size() > rank) throw ImportError("constant '" + name + "' has a higher rank than its partner");
  shape.insert(shape.begin(), rank - shape.size(), 1);
  std::vector<uint8_t> bytes = v.data;
  if (nhwc && rank == 4) {
    bytes = permute_bytes(bytes, 1, shape, {0, 2, 3, 1});
    shape = to_stored(shape, true);
  }
  if (shape.empty()) shape = {1};
  const int t = writer_.add_constant(name, fb::DType::INT8, to_int32_shape(shape, "constant '" + name + "'"),
                                     std::move(bytes), v.quantization->scales, v.quantization->zero_points);
  converted_[key] = t;
  return t;
}

int Context::float_constant(const std::string& name, std::vector<float> values, std::vector<int64_t> shape,
                            size_t rank, bool nhwc) {
  if (shape.size() > rank) throw ImportError("constant '" + name + "' has a higher rank than its partner");
  shape.insert(shape.begin(), rank - shape.size(), 1);
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  if (nhwc && rank == 4) {
    bytes = permute_bytes(bytes, sizeof(float), shape, {0, 2, 3, 1});
    shape = to_stored(shape, true);
  }
  if (shape.empty()) shape = {1};
  return writer_.add_constant(name, fb::DType::FLOAT32, to_int32_shape(shape, "constant '" + name + "'"),
                              std::move(bytes));
}

int Context::add_op(fb::OpType type, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
                    fb::OpOptionsUnion options, const std::string& name) {
  return writer_.add_op(type, inputs, outputs, std::move(options), fb::RequantRule::FP32, name);
}

std::string Context::output_of(const IrNode& node) const {
  const auto it = fused.find(&node);
  return it == fused.end() ? node.outputs.at(0) : it->second.output;
}

fb::Activation Context::activation_of(const IrNode& node) const {
  const auto it = fused.find(&node);
  return it == fused.end() ? fb::Activation::NONE : it->second.activation;
}

void emit_passthrough(Context& c, const IrNode& n, const std::string& input, const std::string& output,
                      const std::vector<int64_t>& onnx_shape, bool nhwc, const std::function<void(int)>& emit) {
  const int out = c.define(output, onnx_shape, nhwc);
  const IrValue& in = c.value(input);
  const IrValue& o = c.value(output);
  if (!in.quantization || !o.quantization || (in.quantization->scales == o.quantization->scales &&
                                              in.quantization->zero_points == o.quantization->zero_points)) {
    emit(out);
    return;
  }
  std::optional<IrQuantization> q = in.quantization;
  q->axis = -1;
  const int mid = c.temporary(output + "/before_requantize", to_stored(onnx_shape, nhwc && onnx_shape.size() == 4),
                              fb::DType::INT8, q);
  emit(mid);
  c.add_op(fb::OpType::QUANTIZE, {mid}, {out}, {}, n.name + "/requantize");
}

}  // namespace qrt::convert::lowering
