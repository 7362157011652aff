// SOFTMAX (last axis) and MEAN (over H and W of NHWC): the reductions whose
// integer parameterisations the kernels' init functions derive.
#include <cmath>

#include "runtime/ops/kernel_op.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

Status from_message(const std::string& message) {
  return message.empty() ? ok_status() : error(QRT_UNSUPPORTED, message);
}

Status build_softmax(const Model& model, const OpDesc& op, reference::SoftmaxS8Params* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
  QRT_RETURN_IF_ERROR(check_shape(output, input->shape, "output"));
  const fb::SoftmaxOptions* o = op.op->options_as_SoftmaxOptions();
  const float beta = o ? o->beta() : 1.0f;
  if (!std::isfinite(beta) || !(beta > 0.0f)) {
    return error(QRT_INVALID_MODEL, "softmax beta " + std::to_string(beta) + " is not finite and positive");
  }
  return from_message(reference::init_softmax_s8_params(op.rule, input->shape.data(),
                                                        static_cast<int>(input->shape.size()), input->scale(),
                                                        input->zero_point(), beta, output.scale(),
                                                        output.zero_point(), p));
}

Status build_mean(const Model& model, const OpDesc& op, reference::MeanS8Params* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
  QRT_RETURN_IF_ERROR(check_rank(*input, 4, "input"));
  const fb::MeanOptions* o = op.op->options_as_MeanOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "MeanOptions"));
  const bool spatial_axes = o->axes() && o->axes()->size() == 2 &&
                            ((o->axes()->Get(0) == 1 && o->axes()->Get(1) == 2) ||
                             (o->axes()->Get(0) == 2 && o->axes()->Get(1) == 1));
  if (!spatial_axes) return error(QRT_UNSUPPORTED, "MEAN is supported over axes [1, 2] (H and W of NHWC) only");
  QRT_RETURN_IF_ERROR(from_message(reference::init_mean_s8_params(
      op.rule, input->shape.data(), 4, o->keep_dims(), input->scale(), input->zero_point(), output.scale(),
      output.zero_point(), p, o->uint8_arithmetic())));
  return check_shape(output, std::vector<int32_t>(p->output_dims, p->output_dims + p->output_rank), "output");
}

}  // namespace

Status validate_softmax(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::SoftmaxS8Params, build_softmax>(model, op);
}

Status prepare_softmax(const Model& model, const OpDesc& op, const KernelTable& kernels,
                       std::unique_ptr<PreparedOp>* prepared) {
  return prepare_unary_kernel_op<reference::SoftmaxS8Params, build_softmax, &KernelTable::softmax>(
      model, op, kernels, prepared);
}

Status validate_mean(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::MeanS8Params, build_mean>(model, op);
}

Status prepare_mean(const Model& model, const OpDesc& op, const KernelTable& kernels,
                    std::unique_ptr<PreparedOp>* prepared) {
  return prepare_unary_kernel_op<reference::MeanS8Params, build_mean, &KernelTable::mean>(model, op, kernels,
                                                                                          prepared);
}

}  // namespace qrt
