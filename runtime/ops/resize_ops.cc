// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on int8 NHWC images. The new
// height and width come from the output tensor's shape (TFLite's size input
// is a constant the importer folds into it).
#include "kernels/kernel_table.h"
#include "runtime/ops/kernel_op.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

Status check_extent(const TensorDesc& t, int dim, const char* role) {
  if (t.shape[dim] > reference::kMaxResizeExtent) {
    return error(QRT_UNSUPPORTED, std::string(role) + " " + describe_tensor(t) + ": height and width above " +
                                      std::to_string(reference::kMaxResizeExtent) + " are not supported");
  }
  return ok_status();
}

// Counts, dtypes, NHWC shapes with matching batch and channels, equal
// quantization (both kernels move or blend stored values without rescaling).
Status build_resize(const Model& model, const OpDesc& op, reference::ResizeParams* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
  QRT_RETURN_IF_ERROR(check_same_quantization(*input, output));
  QRT_RETURN_IF_ERROR(check_rank(*input, 4, "input"));
  QRT_RETURN_IF_ERROR(check_rank(output, 4, "output"));
  if (output.shape[0] != input->shape[0] || output.shape[3] != input->shape[3]) {
    return error(QRT_INVALID_MODEL, "output " + describe_tensor(output) + " must keep the batch and channels of input " +
                                        describe_tensor(*input));
  }
  for (int dim : {1, 2}) {
    QRT_RETURN_IF_ERROR(check_extent(*input, dim, "input"));
    QRT_RETURN_IF_ERROR(check_extent(output, dim, "output"));
  }
  const fb::ResizeOptions* o = op.op->options_as_ResizeOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "ResizeOptions"));
  p->batches = input->shape[0];
  p->input_height = input->shape[1];
  p->input_width = input->shape[2];
  p->channels = input->shape[3];
  p->output_height = output.shape[1];
  p->output_width = output.shape[2];
  p->align_corners = o->align_corners();
  p->half_pixel_centers = o->half_pixel_centers();
  return ok_status();
}

Status build_resize_bilinear(const Model& model, const OpDesc& op, reference::ResizeParams* p) {
  QRT_RETURN_IF_ERROR(build_resize(model, op, p));
  p->uint8_arithmetic = op.op->options_as_ResizeOptions()->uint8_arithmetic();
  if (p->align_corners && p->half_pixel_centers) {
    return error(QRT_INVALID_MODEL, "align_corners and half_pixel_centers cannot both be set (TFLite refuses it too)");
  }
  // The kernel is TFLite's integer interpolation; ONNX's (float, round half
  // to even) is not implemented, so an FP32 op would silently differ.
  if (op.rule != RequantRule::kFixedPoint) {
    return error(QRT_UNSUPPORTED, "only the FIXEDPOINT rule (TFLite's integer interpolation) is implemented");
  }
  return ok_status();
}

}  // namespace

Status validate_resize_bilinear(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::ResizeParams, build_resize_bilinear>(model, op);
}

Status prepare_resize_bilinear(const Model& model, const OpDesc& op, const KernelTable& kernels,
                               std::unique_ptr<PreparedOp>* prepared) {
  return prepare_unary_kernel_op<reference::ResizeParams, build_resize_bilinear, &KernelTable::resize_bilinear>(
      model, op, kernels, prepared);
}

Status validate_resize_nearest_neighbor(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::ResizeParams, build_resize>(model, op);
}

Status prepare_resize_nearest_neighbor(const Model& model, const OpDesc& op, const KernelTable& kernels,
                                       std::unique_ptr<PreparedOp>* prepared) {
  return prepare_unary_kernel_op<reference::ResizeParams, build_resize, &KernelTable::resize_nearest_neighbor>(
      model, op, kernels, prepared);
}

}  // namespace qrt
