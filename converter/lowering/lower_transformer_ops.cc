// The transformer ops: MatMul of two activations -> BATCH_MATMUL,
// LayerNormalization -> LAYER_NORM (float32 gamma and beta), Gather ->
// GATHER (int32 indices), Erf -> ERF. Attention tensors stay in ONNX order
// (they are not images), so every operand is read with as_onnx. Each also
// lowers as a float32 node (--keep-float, --auto-mixed): the runtime has
// float32 kernels for all four.
#include <cstring>

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

std::vector<float> float_values(Context& c, const IrNode& n, size_t input, const char* role) {
  const IrValue& v = c.value(n.inputs.at(input));
  if (!v.is_constant || v.dtype != IrDType::kFloat32 || v.quantization) {
    fail(n, std::string(role) + " '" + v.name + "' must be a float32 constant");
  }
  return constant_floats(v, describe(n) + ": " + role);
}

void emit_batch_matmul(Context& c, const IrNode& n) {
  const std::vector<int64_t> a = c.shape(n.inputs.at(0));
  const std::vector<int64_t> b = c.shape(n.inputs.at(1));
  if (a.size() < 2 || b.size() < 2) fail(n, "both inputs need rank >= 2");
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank - 2, 1);
  for (size_t i = 0; i + 2 < rank; ++i) {
    const size_t back = rank - 2 - i;  // distance from the matrix dims
    const int64_t da = back + 2 <= a.size() ? a[a.size() - 2 - back] : 1;
    const int64_t db = back + 2 <= b.size() ? b[b.size() - 2 - back] : 1;
    if (da != db && da != 1 && db != 1) fail(n, "batch dimensions do not broadcast");
    out[i] = std::max(da, db);
  }
  out.push_back(a[a.size() - 2]);
  out.push_back(b.back());
  std::vector<int32_t> inputs;
  for (size_t k = 0; k < 2; ++k) {
    const std::string& in = n.inputs[k];
    inputs.push_back(c.value(in).is_constant ? c.constant_operand(in, c.shape(in).size(), false) : c.as_onnx(in));
  }
  const int output = c.define(n.outputs.at(0), out, false);
  fb::BatchMatMulOptionsT o;
  o.transpose_b = false;
  c.add_op(fb::OpType::BATCH_MATMUL, inputs, {output}, options_of(o), n.name);
}

}  // namespace

// MatMul: by a constant matrix -> FULLY_CONNECTED; of two activations -> BATCH_MATMUL.
void emit_matmul(Context& c, const IrNode& n) {
  const IrValue& b = c.value(n.inputs.at(1));
  if (b.is_constant && b.shape.size() == 2) return emit_fully_connected(c, n);
  emit_batch_matmul(c, n);
}

void emit_layer_norm(Context& c, const IrNode& n) {
  const std::string& x = n.inputs.at(0);
  const std::vector<int64_t> shape = c.shape(x);
  if (shape.empty()) fail(n, "input must have rank >= 1");
  const int64_t axis = normalize_axis(n.int_attribute("axis", -1), shape.size(), n);
  if (axis != static_cast<int64_t>(shape.size()) - 1) fail(n, "only normalization over the last axis is supported");
  if (n.outputs.size() > 1) {
    for (size_t k = 1; k < n.outputs.size(); ++k) {
      if (!n.outputs[k].empty()) fail(n, "the Mean and InvStdDev outputs are not supported");
    }
  }
  const int64_t depth = shape.back();
  std::vector<float> gamma = float_values(c, n, 1, "scale");
  if (static_cast<int64_t>(gamma.size()) != depth) fail(n, "scale must hold " + std::to_string(depth) + " values");
  const int g = c.float_constant(n.inputs[1], gamma, {depth}, 1, false);
  int beta = -1;
  if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
    std::vector<float> values = float_values(c, n, 2, "bias");
    if (static_cast<int64_t>(values.size()) != depth) fail(n, "bias must hold " + std::to_string(depth) + " values");
    beta = c.float_constant(n.inputs[2], values, {depth}, 1, false);
  }
  const int input = c.as_onnx(x);
  const int output = c.define(n.outputs.at(0), shape, false);
  fb::LayerNormOptionsT o;
  o.epsilon = n.float_attribute("epsilon", 1e-5f);
  c.add_op(fb::OpType::LAYER_NORM, {input, g, beta}, {output}, options_of(o), n.name);
}

void emit_gather(Context& c, const IrNode& n) {
  const std::string& table_name = n.inputs.at(0);
  const std::string& index_name = n.inputs.at(1);
  const IrValue& table = c.value(table_name);
  const IrValue& indices = c.value(index_name);
  const std::vector<int64_t> ts = c.shape(table_name);
  const int64_t axis = normalize_axis(n.int_attribute("axis", 0), ts.size(), n);
  int index_tensor = -1;
  std::vector<int64_t> is = indices.is_constant ? indices.shape : c.shape(index_name);
  if (indices.is_constant) {
    const std::vector<int64_t> values = constant_ints(indices, describe(n) + ": indices");
    std::vector<int32_t> narrowed;
    for (int64_t v : values) {
      if (v < -ts[axis] || v >= ts[axis]) fail(n, "constant index " + std::to_string(v) + " is out of range");
      narrowed.push_back(static_cast<int32_t>(v));
    }
    std::vector<int64_t> stored = is.empty() ? std::vector<int64_t>{1} : is;
    std::vector<uint8_t> bytes(narrowed.size() * 4);
    std::memcpy(bytes.data(), narrowed.data(), bytes.size());
    index_tensor = c.writer().add_constant(index_name, fb::DType::INT32, to_int32_shape(stored, describe(n)), bytes);
  } else {
    if (indices.dtype != IrDType::kInt64 && indices.dtype != IrDType::kInt32) fail(n, "indices must be integers");
    index_tensor = c.as_onnx(index_name);
  }
  std::vector<int64_t> out(ts.begin(), ts.begin() + axis);
  out.insert(out.end(), is.begin(), is.end());
  out.insert(out.end(), ts.begin() + axis + 1, ts.end());
  if (out.empty()) fail(n, "a scalar result is not supported");
  const int input = table.is_constant ? c.constant_operand(table_name, ts.size(), false) : c.as_onnx(table_name);
  fb::GatherOptionsT o;
  o.axis = static_cast<int32_t>(axis);
  emit_passthrough(c, n, table_name, n.outputs.at(0), out, false, [&](int target) {
    c.add_op(fb::OpType::GATHER, {input, index_tensor}, {target}, options_of(o), n.name);
  });
}

}  // namespace qrt::convert::lowering
