#include "runtime/ops/op_registry.h"

#include "runtime/ops/float_ops.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

struct OpEntry {
  ValidateFn validate;
  PrepareFn prepare;
};

// Indexed by fb::OpType; an op type without an entry is unsupported.
OpEntry find_entry(fb::OpType type) {
  switch (type) {
    case fb::OpType::CONV_2D: return {validate_conv2d, prepare_conv2d};
    case fb::OpType::DEPTHWISE_CONV_2D: return {validate_depthwise_conv2d, prepare_depthwise_conv2d};
    case fb::OpType::FULLY_CONNECTED: return {validate_fully_connected, prepare_fully_connected};
    case fb::OpType::ADD:
    case fb::OpType::SUB: return {validate_add_sub, prepare_add_sub};
    case fb::OpType::MUL: return {validate_mul, prepare_mul};
    case fb::OpType::AVERAGE_POOL_2D: return {validate_average_pool2d, prepare_average_pool2d};
    case fb::OpType::MAX_POOL_2D: return {validate_max_pool2d, prepare_max_pool2d};
    case fb::OpType::MEAN: return {validate_mean, prepare_mean};
    case fb::OpType::SOFTMAX: return {validate_softmax, prepare_softmax};
    case fb::OpType::TRANSPOSE: return {validate_transpose, prepare_transpose};
    case fb::OpType::PAD: return {validate_pad, prepare_pad};
    case fb::OpType::RESHAPE: return {validate_reshape, prepare_reshape};
    case fb::OpType::CONCATENATION: return {validate_concatenation, prepare_concatenation};
    case fb::OpType::QUANTIZE: return {validate_quantize, prepare_quantize};
    case fb::OpType::DEQUANTIZE: return {validate_dequantize, prepare_dequantize};
    case fb::OpType::LOGISTIC:
    case fb::OpType::TANH:
    case fb::OpType::HARD_SWISH:
    case fb::OpType::LEAKY_RELU:
    case fb::OpType::RELU:
    case fb::OpType::RELU6:
    case fb::OpType::GELU:
    case fb::OpType::ERF: return {validate_lut, prepare_lut};
    case fb::OpType::SPLIT: return {validate_split, prepare_split};
    case fb::OpType::STRIDED_SLICE: return {validate_strided_slice, prepare_strided_slice};
    case fb::OpType::RESIZE_BILINEAR: return {validate_resize_bilinear, prepare_resize_bilinear};
    case fb::OpType::RESIZE_NEAREST_NEIGHBOR:
      return {validate_resize_nearest_neighbor, prepare_resize_nearest_neighbor};
    case fb::OpType::ARG_MAX: return {validate_arg_max, prepare_arg_max};
    case fb::OpType::FULLY_CONNECTED_W4: return {validate_fully_connected_w4, prepare_fully_connected_w4};
    case fb::OpType::DYNAMIC_FULLY_CONNECTED:
      return {validate_dynamic_fully_connected, prepare_dynamic_fully_connected};
    case fb::OpType::CONV_INTEGER: return {validate_conv_integer, prepare_conv_integer};
    case fb::OpType::MATMUL_INTEGER: return {validate_matmul_integer, prepare_matmul_integer};
    case fb::OpType::DYNAMIC_QUANTIZE_LINEAR: return {validate_dynamic_quantize_linear, prepare_dynamic_quantize_linear};
    case fb::OpType::DYNAMIC_CONV_2D: return {validate_dynamic_conv2d, prepare_dynamic_conv2d};
    case fb::OpType::LSTM: return {validate_lstm, prepare_lstm};
    case fb::OpType::GRU: return {validate_gru, prepare_gru};
    case fb::OpType::BATCH_MATMUL: return {validate_batch_matmul, prepare_batch_matmul};
    case fb::OpType::LAYER_NORM: return {validate_layer_norm, prepare_layer_norm};
    case fb::OpType::GATHER: return {validate_gather, prepare_gather};
    default: return {nullptr, nullptr};
  }
}

}  // namespace

bool op_requantizes(fb::OpType type) {
  switch (type) {
    case fb::OpType::RESHAPE:
    case fb::OpType::TRANSPOSE:
    case fb::OpType::PAD:
    case fb::OpType::MAX_POOL_2D:
    case fb::OpType::SPLIT:
    case fb::OpType::STRIDED_SLICE:
    case fb::OpType::RESIZE_NEAREST_NEIGHBOR:
    case fb::OpType::ARG_MAX:
    case fb::OpType::GATHER:
    case fb::OpType::DEQUANTIZE:
    case fb::OpType::FULLY_CONNECTED_W4:  // float32 in and out
    case fb::OpType::DYNAMIC_FULLY_CONNECTED:
    case fb::OpType::DYNAMIC_CONV_2D:
    case fb::OpType::LSTM:  // float32 activations
    case fb::OpType::GRU:
    case fb::OpType::CONV_INTEGER:        // int32 accumulators out
    case fb::OpType::MATMUL_INTEGER:
    case fb::OpType::DYNAMIC_QUANTIZE_LINEAR: return false;  // computes its own scale
    default: return true;
  }
}

Status validate_op(const Model& model, const OpDesc& op) {
  // float32 activations: the float path (float_ops.h) checks and runs the op.
  if (is_float_op(model, op)) return validate_float_op(model, op);
  const OpEntry entry = find_entry(op.type);
  if (entry.validate == nullptr) return error(QRT_UNSUPPORTED, "op type not supported by this build");
  return entry.validate(model, op);
}

Status prepare_op(const Model& model, const OpDesc& op, const KernelTable& kernels,
                  std::unique_ptr<PreparedOp>* prepared) {
  if (is_float_op(model, op)) return prepare_float_op(model, op, kernels, prepared);
  return find_entry(op.type).prepare(model, op, kernels, prepared);
}

}  // namespace qrt
