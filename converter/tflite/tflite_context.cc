#include "converter/tflite/tflite_context.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace qrt::tflite_import {
namespace {

struct QuantParams {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int32_t channel_axis = -1;
};

// TFLite quantization -> .qfb quantization. uint8 zero points move by -128
// with the values (ARCHITECTURE.md: exact). Float tensors drop theirs.
QuantParams read_quantization(const TfliteGraph& g, int index, fb::DType dtype) {
  QuantParams q;
  const tfl::Tensor& t = g.tensor(index);
  const tfl::QuantizationParameters* tq = t.quantization();
  if (!tq || !tq->scale() || tq->scale()->size() == 0) return q;
  if (dtype == fb::DType::FLOAT32 || dtype == fb::DType::FLOAT16) return q;
  if (tq->details_type() != 0) {
    throw UnsupportedOp("tensor " + g.describe(index) + " uses a custom quantization scheme");
  }
  const std::vector<int32_t> shape = g.shape(index);
  const size_t n = tq->scale()->size();
  const size_t zp_count = tq->zero_point() ? tq->zero_point()->size() : 0;
  if (zp_count != 0 && zp_count != n) {
    throw ImportError("tensor " + g.describe(index) + " has " + std::to_string(n) + " scales and " +
                      std::to_string(zp_count) + " zero points");
  }
  if (n > 1) {
    int axis = tq->quantized_dimension();
    // Old converters wrote the filter's quantized_dimension (3) on 1-D int32
    // biases too; TFLite never reads a bias's scales, and a bias's scales run
    // along its one dimension.
    if (dtype == fb::DType::INT32 && shape.size() == 1 && static_cast<size_t>(shape[0]) == n) axis = 0;
    if (axis < 0 || static_cast<size_t>(axis) >= shape.size() || static_cast<size_t>(shape[axis]) != n) {
      throw ImportError("tensor " + g.describe(index) + " has " + std::to_string(n) +
                        " scales along quantized_dimension " + std::to_string(axis));
    }
    q.channel_axis = axis;
  }
  const bool is_uint8 = t.type() == tfl::TensorType::UINT8;
  const int64_t lo = is_uint8 ? 0 : dtype == fb::DType::INT8 ? -128 : std::numeric_limits<int32_t>::min();
  const int64_t hi = is_uint8 ? 255 : dtype == fb::DType::INT8 ? 127 : std::numeric_limits<int32_t>::max();
  for (size_t c = 0; c < n; ++c) {
    const float s = tq->scale()->Get(static_cast<flatbuffers::uoffset_t>(c));
    if (!std::isfinite(s) || !(s > 0.0f)) {
      throw ImportError("tensor " + g.describe(index) + ": scale " + std::to_string(s) +
                        " is not finite and positive");
    }
    const int64_t zp = zp_count ? read_int64_element(*tq->zero_point(), c) : 0;
    if (zp < lo || zp > hi) {
      throw ImportError("tensor " + g.describe(index) + ": zero point " + std::to_string(zp) + " out of range");
    }
    q.scales.push_back(s);
    q.zero_points.push_back(static_cast<int32_t>(is_uint8 ? zp - 128 : zp));
  }
  return q;
}

}  // namespace

std::string op_where(const TfliteOp& op) {
  return "op " + std::to_string(op.index) + " (" + op.label + " '" + op.name + "')";
}

int64_t read_int64_element(const flatbuffers::Vector<int64_t>& values, size_t i) {
  int64_t value = 0;
  std::memcpy(&value, values.Data() + i * sizeof(int64_t), sizeof(value));
  return flatbuffers::EndianScalar(value);
}

bool Context::is_uint8(int index) const { return graph_.tensor(index).type() == tfl::TensorType::UINT8; }

fb::DType Context::qfb_dtype(int index) const {
  const auto override_it = dtype_overrides_.find(index);
  if (override_it != dtype_overrides_.end()) return override_it->second;
  const tfl::TensorType type = graph_.tensor(index).type();
  switch (type) {
    case tfl::TensorType::INT8:
    case tfl::TensorType::UINT8: return fb::DType::INT8;
    case tfl::TensorType::INT16: return fb::DType::INT16;
    case tfl::TensorType::INT32: return fb::DType::INT32;
    case tfl::TensorType::FLOAT32: return fb::DType::FLOAT32;
    case tfl::TensorType::FLOAT16: return fb::DType::FLOAT16;
    default:
      throw UnsupportedOp("tensor " + graph_.describe(index) + ": type " + tflite_dtype_name(type) +
                          " is not supported");
  }
}

int Context::tensor(int index) {
  const auto found = qfb_index_.find(index);
  if (found != qfb_index_.end()) return found->second;
  const tfl::Tensor& t = graph_.tensor(index);
  if (t.sparsity()) throw UnsupportedOp("tensor " + graph_.describe(index) + " is sparse");
  const fb::DType dtype = qfb_dtype(index);
  std::vector<int32_t> shape = graph_.shape(index);
  for (int32_t d : shape) {
    if (d == 0) throw UnsupportedOp("tensor " + graph_.describe(index) + " has no elements");
  }
  const QuantParams q = read_quantization(graph_, index, dtype);
  if (t.type() == tfl::TensorType::UINT8 && q.scales.empty()) {
    throw UnsupportedOp("uint8 tensor " + graph_.describe(index) + " is not quantized");
  }
  const std::string name = graph_.tensor_name(index);
  const ConstBytes bytes = graph_.constant_data(index);
  int qfb;
  if (bytes.data) {
    if (dtype_overrides_.count(index)) throw ImportError("constant " + graph_.describe(index) + " cannot change type");
    std::vector<uint8_t> data(bytes.data, bytes.data + bytes.size);
    // uint8 -> int8: value - 128 is a flip of the top bit.
    if (t.type() == tfl::TensorType::UINT8) {
      for (uint8_t& b : data) b ^= 0x80;
    }
    summary_.constant_bytes += data.size();
    qfb = writer_.add_constant(name, dtype, shape, std::move(data), q.scales, q.zero_points, q.channel_axis);
  } else {
    qfb = writer_.add_tensor(name, dtype, shape, q.scales, q.zero_points, q.channel_axis);
  }
  ++summary_.tensor_count;
  qfb_index_[index] = qfb;
  return qfb;
}

int Context::add_intermediate(int like, const std::string& name, const std::vector<int32_t>& shape) {
  const QuantParams q = read_quantization(graph_, like, qfb_dtype(like));
  ++summary_.tensor_count;
  return writer_.add_tensor(name, qfb_dtype(like), shape, q.scales, q.zero_points, q.channel_axis);
}

void Context::emit(fb::OpType type, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
                   fb::OpOptionsUnion options, const std::string& name) {
  // Every TFLite op follows TFLite's integer reference arithmetic.
  writer_.add_op(type, inputs, outputs, std::move(options), fb::RequantRule::FIXEDPOINT, name);
  ++summary_.op_count;
  ++summary_.op_counts[fb::EnumNameOpType(type)];
}

void Context::expect_counts(const TfliteOp& op, size_t min_inputs, size_t max_inputs, size_t outputs) const {
  if (op.inputs.size() < min_inputs || op.inputs.size() > max_inputs || op.outputs.size() != outputs) {
    throw ImportError(op_where(op) + " has " + std::to_string(op.inputs.size()) + " inputs and " +
                      std::to_string(op.outputs.size()) + " outputs; expected " + std::to_string(min_inputs) +
                      (max_inputs != min_inputs ? " to " + std::to_string(max_inputs) : "") + " inputs and " +
                      std::to_string(outputs) + " outputs");
  }
}

int Context::input(const TfliteOp& op, size_t k) const {
  if (k >= op.inputs.size() || op.inputs[k] < 0) {
    throw ImportError(op_where(op) + " is missing input " + std::to_string(k));
  }
  return op.inputs[k];
}

int Context::output(const TfliteOp& op, size_t k) const {
  if (k >= op.outputs.size()) throw ImportError(op_where(op) + " is missing output " + std::to_string(k));
  return op.outputs[k];
}

}  // namespace qrt::tflite_import
