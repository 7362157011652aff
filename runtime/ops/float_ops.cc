#include "runtime/ops/float_ops.h"

namespace qrt {
namespace {

// Ops with ISA kernels in the table.
FloatKernelBuildFn find_float_kernel_build(fb::OpType type) {
  switch (type) {
    case fb::OpType::CONV_2D: return build_conv2d_f32;
    case fb::OpType::DEPTHWISE_CONV_2D: return build_depthwise_conv2d_f32;
    case fb::OpType::FULLY_CONNECTED: return build_fully_connected_f32;
    case fb::OpType::ADD:
    case fb::OpType::SUB:
    case fb::OpType::MUL: return build_binary_f32;
    case fb::OpType::LOGISTIC:
    case fb::OpType::TANH:
    case fb::OpType::HARD_SWISH:
    case fb::OpType::LEAKY_RELU:
    case fb::OpType::RELU:
    case fb::OpType::RELU6:
    case fb::OpType::GELU:
    case fb::OpType::ERF: return build_unary_f32;
    default: return nullptr;
  }
}

FloatBuildFn find_float_build(fb::OpType type) {
  switch (type) {
    case fb::OpType::SOFTMAX: return build_softmax_f32;
    case fb::OpType::BATCH_MATMUL: return build_batch_matmul_f32;
    case fb::OpType::LAYER_NORM: return build_layer_norm_f32;
    case fb::OpType::MEAN: return build_mean_f32;
    case fb::OpType::AVERAGE_POOL_2D:
    case fb::OpType::MAX_POOL_2D: return build_pool2d_f32;
    case fb::OpType::TRANSPOSE: return build_transpose_x32;
    case fb::OpType::PAD: return build_pad_x32;
    case fb::OpType::CONCATENATION: return build_concatenation_x32;
    case fb::OpType::SPLIT: return build_split_x32;
    case fb::OpType::STRIDED_SLICE: return build_strided_slice_x32;
    default: return nullptr;
  }
}

}  // namespace

bool is_float_op(const Model& model, const OpDesc& op) {
  switch (op.type) {
    case fb::OpType::QUANTIZE:
    case fb::OpType::DEQUANTIZE:
    case fb::OpType::RESHAPE:
    case fb::OpType::FULLY_CONNECTED_W4:
    case fb::OpType::DYNAMIC_FULLY_CONNECTED:
    case fb::OpType::DYNAMIC_CONV_2D:
    case fb::OpType::LSTM:
    case fb::OpType::GRU:
    case fb::OpType::DYNAMIC_QUANTIZE_LINEAR: return false;  // float32 by definition, with its own glue
    case fb::OpType::GATHER: return false;  // int8 or float32 tables alike
    case fb::OpType::TRANSPOSE: {  // 32-bit words: float32, or the int32 results of CONV_INTEGER
      const TensorDesc* input = op_input(model, op, 0);
      if (input != nullptr && input->dtype == DType::kInt32) return true;
      break;
    }
    default: break;
  }
  const TensorDesc* input = op_input(model, op, 0);
  if (input != nullptr && input->dtype == DType::kFloat32) return true;
  return !op.outputs.empty() && op_output(model, op, 0).dtype == DType::kFloat32;
}

Status validate_float_op(const Model& model, const OpDesc& op) {
  if (const FloatKernelBuildFn build = find_float_kernel_build(op.type)) return build(model, op, nullptr, nullptr);
  const FloatBuildFn build = find_float_build(op.type);
  if (build == nullptr) return error(QRT_UNSUPPORTED, "no float32 kernel for this op (int8 only)");
  return build(model, op, nullptr);
}

Status prepare_float_op(const Model& model, const OpDesc& op, const KernelTable& kernels,
                        std::unique_ptr<PreparedOp>* prepared) {
  if (const FloatKernelBuildFn build = find_float_kernel_build(op.type)) return build(model, op, &kernels, prepared);
  const FloatBuildFn build = find_float_build(op.type);
  if (build == nullptr) return error(QRT_UNSUPPORTED, "no float32 kernel for this op (int8 only)");
  return build(model, op, prepared);
}

Status check_float_operand(const TensorDesc* t, const char* role) {
  QRT_RETURN_IF_ERROR(check_required(t, role));
  if (t->dtype != DType::kFloat32) {
    return error(QRT_UNSUPPORTED, std::string(role) + " " + describe_tensor(*t) +
                                      " must be float32 (the op runs in float32; QUANTIZE / DEQUANTIZE "
                                      "convert at the boundaries)");
  }
  if (t->quantization.present()) {
    return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(*t) + " is float32 but quantized");
  }
  return ok_status();
}

Status check_float_constant(const TensorDesc* t, const char* role) {
  QRT_RETURN_IF_ERROR(check_float_operand(t, role));
  if (!t->is_constant()) return error(QRT_UNSUPPORTED, std::string(role) + " " + describe_tensor(*t) + " must be a constant");
  return ok_status();
}

Status check_fused_activation(int activation) {
  if (activation < 0 || activation > static_cast<int>(fb::Activation::MAX)) {
    return error(QRT_INVALID_MODEL, "unknown fused activation " + std::to_string(activation));
  }
  return ok_status();
}

}  // namespace qrt
