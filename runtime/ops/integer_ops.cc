// The integer ops of ONNX (schema block 40..49): CONV_INTEGER and
// MATMUL_INTEGER (int8 in, the raw int32 accumulator out) and
// DYNAMIC_QUANTIZE_LINEAR (float32 in; uint8 values stored as int8, the
// scale and the zero point out). Reference kernels only: these ops appear in
// conformance tests and in graphs whose int32 results leave qrt; the fast
// dynamic path is DYNAMIC_FULLY_CONNECTED.
#include <memory>
#include <vector>

#include "kernels/reference/conv_integer_s8.h"
#include "kernels/reference/dynamic_quantize_linear_f32.h"
#include "kernels/reference/matmul_integer_s8.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

// An int8 operand whose zero point (per tensor) the op reads from its
// quantization; absent quantization means zero point 0. Scales are not used.
Status check_integer_activation(const TensorDesc* t, const char* role) {
  QRT_RETURN_IF_ERROR(check_required(t, role));
  if (t->dtype != DType::kInt8) return error(QRT_UNSUPPORTED, std::string(role) + " " + describe_tensor(*t) + " must be int8");
  if (t->quantization.per_channel()) {
    return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(*t) + " must have one zero point");
  }
  return ok_status();
}

// int8 constant weights with one zero point or one per output channel along `axis`.
Status check_integer_weights(const TensorDesc* w, size_t rank, int axis, const char* role) {
  QRT_RETURN_IF_ERROR(check_required(w, role));
  const std::string what = std::string(role) + " " + describe_tensor(*w);
  if (w->dtype != DType::kInt8) return error(QRT_UNSUPPORTED, what + " must be int8");
  if (!w->is_constant()) return error(QRT_UNSUPPORTED, what + " must be a constant");
  QRT_RETURN_IF_ERROR(check_rank(*w, rank, role));
  if (w->quantization.per_channel() && w->quantization.channel_axis != axis) {
    return error(QRT_INVALID_MODEL, what + " has zero points along axis " + std::to_string(w->quantization.channel_axis) +
                                        "; one per output channel runs along axis " + std::to_string(axis));
  }
  return ok_status();
}

Status check_int32_output(const TensorDesc& t) {
  if (t.dtype != DType::kInt32) return error(QRT_UNSUPPORTED, "output " + describe_tensor(t) + " must be int32");
  if (t.quantization.present()) return error(QRT_INVALID_MODEL, "output " + describe_tensor(t) + " must not be quantized");
  return ok_status();
}

Status check_no_options(const OpDesc& op) {
  if (op.op->options_type() != fb::OpOptions::NONE) {
    return error(QRT_INVALID_MODEL, std::string("takes no options, has ") + fb::EnumNameOpOptions(op.op->options_type()));
  }
  return ok_status();
}

Status check_depth(int64_t depth, const TensorDesc& weights) {
  if (depth > reference::kIntegerOpMaxDepth) {
    return error(QRT_UNSUPPORTED, "weights " + describe_tensor(weights) + ": a reduction over " + std::to_string(depth) +
                                      " values (more than " + std::to_string(reference::kIntegerOpMaxDepth) +
                                      ") could overflow the int32 accumulator");
  }
  return ok_status();
}

// Zero points of the weights: one, or one per output channel.
std::vector<int32_t> weight_zero_points(const TensorDesc& w) {
  return w.quantization.zero_points.empty() ? std::vector<int32_t>{0} : w.quantization.zero_points;
}

// ---- CONV_INTEGER ----------------------------------------------------------

class ConvIntegerOp : public PreparedOp {
 public:
  ConvIntegerOp(reference::ConvIntegerParams p, std::vector<int32_t> zero_points, const OpDesc& op, const TensorDesc& filter)
      : params_(p), zero_points_(std::move(zero_points)), filter_(reinterpret_cast<const int8_t*>(filter.data)),
        input_(op.inputs[0]), output_(op.outputs[0]) {
    params_.filter_zero_points = zero_points_.data();
    params_.filter_zero_point_count = static_cast<int>(zero_points_.size());
  }
  void run(const RunContext& c) const override {
    reference::conv_integer_s8s32(params_, reinterpret_cast<const int8_t*>(c.tensor_data[input_]), filter_,
                                  reinterpret_cast<int32_t*>(c.tensor_data[output_]));
  }
  std::string kernel_name() const override { return "conv_integer_s8s32_reference"; }

 private:
  reference::ConvIntegerParams params_;
  std::vector<int32_t> zero_points_;
  const int8_t* filter_;
  int32_t input_, output_;
};

Status build_conv_integer(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 2, 1));
  const fb::Conv2DOptions* o = op.op->options_as_Conv2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "Conv2DOptions"));
  if (o->activation() != fb::Activation::NONE || o->double_rounding() || o->scale_product_f32()) {
    return error(QRT_INVALID_MODEL, "Conv2DOptions: activation must be NONE and double_rounding / scale_product_f32 "
                                    "false (the output is the raw accumulator)");
  }
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc* filter = op_input(model, op, 1);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_integer_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_rank(*input, 4, "input"));
  QRT_RETURN_IF_ERROR(check_integer_weights(filter, 4, 0, "filter"));
  QRT_RETURN_IF_ERROR(check_int32_output(output));
  QRT_RETURN_IF_ERROR(check_rank(output, 4, "output"));
  const int in_c = input->shape[3];
  const int out_c = filter->shape[0];
  const int groups = o->groups();
  if (groups < 1 || in_c % groups != 0 || out_c % groups != 0) {
    return error(QRT_INVALID_MODEL, "groups " + std::to_string(groups) + " must divide input channels " +
                                        std::to_string(in_c) + " and output channels " + std::to_string(out_c));
  }
  if (filter->shape[3] != in_c / groups) {
    return error(QRT_INVALID_MODEL, "filter " + describe_tensor(*filter) + " has " + std::to_string(filter->shape[3]) +
                                        " input channels per group; input " + describe_tensor(*input) + " with " +
                                        std::to_string(groups) + " groups needs " + std::to_string(in_c / groups));
  }
  QRT_RETURN_IF_ERROR(check_depth(int64_t{filter->shape[1]} * filter->shape[2] * filter->shape[3], *filter));
  WindowOptions window = window_options(*o);
  window.dilation_h = o->dilation_h();
  window.dilation_w = o->dilation_w();
  WindowGeometry g;
  QRT_RETURN_IF_ERROR(resolve_window(window, input->shape[1], input->shape[2], filter->shape[1], filter->shape[2], &g));
  QRT_RETURN_IF_ERROR(
      check_shape(output, {input->shape[0], g.rows.output_size, g.cols.output_size, out_c}, "output"));
  if (prepared == nullptr) return ok_status();
  reference::ConvIntegerParams p;
  p.batch = input->shape[0];
  p.input_height = input->shape[1];
  p.input_width = input->shape[2];
  p.input_channels = in_c;
  p.output_height = g.rows.output_size;
  p.output_width = g.cols.output_size;
  p.output_channels = out_c;
  p.kernel_height = filter->shape[1];
  p.kernel_width = filter->shape[2];
  p.stride_height = o->stride_h();
  p.stride_width = o->stride_w();
  p.dilation_height = o->dilation_h();
  p.dilation_width = o->dilation_w();
  p.pad_top = g.rows.pad_before;
  p.pad_left = g.cols.pad_before;
  p.groups = groups;
  p.input_zero_point = input->zero_point();
  *prepared = std::make_unique<ConvIntegerOp>(p, weight_zero_points(*filter), op, *filter);
  return ok_status();
}

// ---- MATMUL_INTEGER --------------------------------------------------------

class MatMulIntegerOp : public PreparedOp {
 public:
  MatMulIntegerOp(reference::MatMulIntegerParams p, std::vector<int32_t> zero_points, const OpDesc& op,
                  const TensorDesc& weights)
      : params_(p), zero_points_(std::move(zero_points)), weights_(reinterpret_cast<const int8_t*>(weights.data)),
        input_(op.inputs[0]), output_(op.outputs[0]) {
    params_.weight_zero_points = zero_points_.data();
    params_.weight_zero_point_count = static_cast<int>(zero_points_.size());
  }
  void run(const RunContext& c) const override {
    reference::matmul_integer_s8s32(params_, reinterpret_cast<const int8_t*>(c.tensor_data[input_]), weights_,
                                    reinterpret_cast<int32_t*>(c.tensor_data[output_]));
  }
  std::string kernel_name() const override { return "matmul_integer_s8s32_reference"; }

 private:
  reference::MatMulIntegerParams params_;
  std::vector<int32_t> zero_points_;
  const int8_t* weights_;
  int32_t input_, output_;
};

Status build_matmul_integer(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 2, 1));
  QRT_RETURN_IF_ERROR(check_no_options(op));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc* weights = op_input(model, op, 1);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_integer_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_integer_weights(weights, 2, 0, "weights"));
  QRT_RETURN_IF_ERROR(check_int32_output(output));
  const int32_t units = weights->shape[0];
  const int32_t depth = weights->shape[1];
  QRT_RETURN_IF_ERROR(check_depth(depth, *weights));
  if (input->shape.empty() || input->shape.back() != depth) {
    return error(QRT_INVALID_MODEL, "input " + describe_tensor(*input) + " must end in the weights' depth " +
                                        std::to_string(depth));
  }
  std::vector<int32_t> expected = input->shape;
  expected.back() = units;
  QRT_RETURN_IF_ERROR(check_shape(output, expected, "output"));
  if (prepared == nullptr) return ok_status();
  reference::MatMulIntegerParams p;
  p.rows = input->element_count / static_cast<size_t>(depth);
  p.depth = depth;
  p.units = units;
  p.input_zero_point = input->zero_point();
  *prepared = std::make_unique<MatMulIntegerOp>(p, weight_zero_points(*weights), op, *weights);
  return ok_status();
}

// ---- DYNAMIC_QUANTIZE_LINEAR -----------------------------------------------

class DynamicQuantizeLinearOp : public PreparedOp {
 public:
  DynamicQuantizeLinearOp(size_t count, const OpDesc& op)
      : count_(count), input_(op.inputs[0]), y_(op.outputs[0]), scale_(op.outputs[1]), zero_point_(op.outputs[2]) {}
  void run(const RunContext& c) const override {
    reference::dynamic_quantize_linear_f32(reinterpret_cast<const float*>(c.tensor_data[input_]), count_,
                                           reinterpret_cast<int8_t*>(c.tensor_data[y_]),
                                           reinterpret_cast<float*>(c.tensor_data[scale_]),
                                           reinterpret_cast<int8_t*>(c.tensor_data[zero_point_]));
  }
  std::string kernel_name() const override { return "dynamic_quantize_linear_f32_reference"; }

 private:
  size_t count_;
  int32_t input_, y_, scale_, zero_point_;
};

Status check_scalar(const TensorDesc& t, DType dtype, const char* role) {
  if (t.dtype != dtype || t.quantization.present() || t.element_count != 1 || t.shape.size() > 1) {
    return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(t) + " must be an unquantized " +
                                        dtype_name(dtype) + " scalar (shape [] or [1])");
  }
  return ok_status();
}

Status build_dynamic_quantize_linear(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 3));
  QRT_RETURN_IF_ERROR(check_no_options(op));
  const TensorDesc* input = op_input(model, op, 0);
  QRT_RETURN_IF_ERROR(check_required(input, "input"));
  if (input->dtype != DType::kFloat32 || input->quantization.present()) {
    return error(QRT_UNSUPPORTED, "input " + describe_tensor(*input) + " must be float32 (not quantized)");
  }
  const TensorDesc& y = op_output(model, op, 0);
  if (y.dtype != DType::kInt8 || y.quantization.present() || y.shape != input->shape) {
    return error(QRT_INVALID_MODEL, "output y " + describe_tensor(y) + " must be unquantized int8 of the input's shape " +
                                        shape_string(input->shape));
  }
  QRT_RETURN_IF_ERROR(check_scalar(op_output(model, op, 1), DType::kFloat32, "output y_scale"));
  QRT_RETURN_IF_ERROR(check_scalar(op_output(model, op, 2), DType::kInt8, "output y_zero_point"));
  if (prepared != nullptr) *prepared = std::make_unique<DynamicQuantizeLinearOp>(input->element_count, op);
  return ok_status();
}

}  // namespace

Status validate_conv_integer(const Model& model, const OpDesc& op) { return build_conv_integer(model, op, nullptr); }
Status prepare_conv_integer(const Model& model, const OpDesc& op, const KernelTable&,
                            std::unique_ptr<PreparedOp>* prepared) {
  return build_conv_integer(model, op, prepared);
}
Status validate_matmul_integer(const Model& model, const OpDesc& op) { return build_matmul_integer(model, op, nullptr); }
Status prepare_matmul_integer(const Model& model, const OpDesc& op, const KernelTable&,
                              std::unique_ptr<PreparedOp>* prepared) {
  return build_matmul_integer(model, op, prepared);
}
Status validate_dynamic_quantize_linear(const Model& model, const OpDesc& op) {
  return build_dynamic_quantize_linear(model, op, nullptr);
}
Status prepare_dynamic_quantize_linear(const Model& model, const OpDesc& op, const KernelTable&,
                                       std::unique_ptr<PreparedOp>* prepared) {
  return build_dynamic_quantize_linear(model, op, prepared);
}

}  // namespace qrt
