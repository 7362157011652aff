#include "runtime/op_precision.h"

namespace qrt {

namespace {

const char* dtype_precision(DType dtype) {
  switch (dtype) {
    case DType::kInt8:
    case DType::kUInt8:
      return "int8";
    case DType::kInt16:
      return "int16";
    case DType::kInt32:
      return "int32";
    case DType::kFloat32:
    case DType::kFloat16:
      return "float32";  // float16 tensors are weights, widened to float32
  }
  return "int8";
}

const TensorDesc* tensor_at(const Model& model, int32_t index) {
  if (index < 0 || static_cast<size_t>(index) >= model.tensors().size()) return nullptr;
  return &model.tensors()[static_cast<size_t>(index)];
}

}  // namespace

const char* op_precision(const Model& model, const OpDesc& op) {
  switch (op.type) {
    case fb::OpType::FULLY_CONNECTED_W4:
      return "int4 weights";
    case fb::OpType::DYNAMIC_FULLY_CONNECTED:
    case fb::OpType::DYNAMIC_CONV_2D:
      return "dynamic int8";
    case fb::OpType::LSTM:
    case fb::OpType::GRU: {  // int8 gate weights: dynamic quantization
      const TensorDesc* w = op.inputs.size() > 1 ? tensor_at(model, op.inputs[1]) : nullptr;
      if (w != nullptr && w->dtype == DType::kInt8) return "dynamic int8";
      break;
    }
    case fb::OpType::QUANTIZE:
      return "float32->int8";
    case fb::OpType::DEQUANTIZE:
      return "int8->float32";
    case fb::OpType::GATHER: {  // the table's values, not the int32 indices
      const TensorDesc* table = op.inputs.empty() ? nullptr : tensor_at(model, op.inputs[0]);
      return table != nullptr ? dtype_precision(table->dtype) : "int8";
    }
    default:
      break;
  }
  // The first activation input says what the op computes in (ARG_MAX writes
  // int32 indices of int8 or float values); an op without one goes by its output.
  const TensorDesc* computed = nullptr;
  bool half_weights = false;
  for (const int32_t index : op.inputs) {
    const TensorDesc* tensor = tensor_at(model, index);
    if (tensor == nullptr) continue;
    if (tensor->dtype == DType::kFloat16 && tensor->is_constant()) half_weights = true;
    if (computed == nullptr && !tensor->is_constant()) computed = tensor;
  }
  if (computed == nullptr && !op.outputs.empty()) computed = tensor_at(model, op.outputs[0]);
  if (computed == nullptr) return "int8";
  const char* precision = dtype_precision(computed->dtype);
  if (computed->dtype == DType::kFloat32 && half_weights) return "float32+fp16 weights";
  return precision;
}

}  // namespace qrt
