// ADD, SUB and MUL with NumPy broadcasting.
#include "runtime/ops/binary_broadcast_op.h"
#include "runtime/ops/kernel_op.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

struct BinaryShapes {
  const TensorDesc *input1, *input2, *output;
  ClampRange clamp;
};

Status check_binary(const Model& model, const OpDesc& op, BinaryShapes* s) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 2, 1));
  s->input1 = op_input(model, op, 0);
  s->input2 = op_input(model, op, 1);
  s->output = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(s->input1, "input 1"));
  QRT_RETURN_IF_ERROR(check_int8_activation(s->input2, "input 2"));
  QRT_RETURN_IF_ERROR(check_int8_activation(s->output, "output"));
  const fb::BinaryOptions* o = op.op->options_as_BinaryOptions();
  const int activation = o ? static_cast<int>(o->activation()) : 0;
  if (activation < 0 || activation > static_cast<int>(fb::Activation::MAX)) {
    return error(QRT_INVALID_MODEL, "unknown fused activation " + std::to_string(activation));
  }
  s->clamp = activation_range_s8(static_cast<FusedActivation>(activation), s->output->scale(),
                                 s->output->zero_point());
  reference::BroadcastShape a, b, out;
  const int rank1 = static_cast<int>(s->input1->shape.size());
  const int rank2 = static_cast<int>(s->input2->shape.size());
  if (!reference::broadcast_shapes(s->input1->shape.data(), rank1, s->input2->shape.data(), rank2, &a, &b, &out)) {
    return error(QRT_INVALID_MODEL, "inputs " + describe_tensor(*s->input1) + " and " + describe_tensor(*s->input2) +
                                        " do not broadcast (or rank above 6)");
  }
  const std::vector<int32_t> expected(out.end() - std::max(rank1, rank2), out.end());
  return check_shape(*s->output, expected, "output");
}

Status init_add_sub(const OpDesc& op, const BinaryShapes& s, reference::AddSubS8Params* params) {
  const std::string message = reference::init_add_sub_s8_params(
      op.rule, s.input1->shape.data(), static_cast<int>(s.input1->shape.size()), s.input1->scale(),
      s.input1->zero_point(), s.input2->shape.data(), static_cast<int>(s.input2->shape.size()), s.input2->scale(),
      s.input2->zero_point(), s.output->scale(), s.output->zero_point(), s.clamp, params);
  return message.empty() ? ok_status() : error(QRT_UNSUPPORTED, message);
}

Status init_mul(const OpDesc& op, const BinaryShapes& s, reference::MulS8Params* params) {
  const std::string message = reference::init_mul_s8_params(
      op.rule, s.input1->shape.data(), static_cast<int>(s.input1->shape.size()), s.input1->scale(),
      s.input1->zero_point(), s.input2->shape.data(), static_cast<int>(s.input2->shape.size()), s.input2->scale(),
      s.input2->zero_point(), s.output->scale(), s.output->zero_point(), s.clamp, params);
  return message.empty() ? ok_status() : error(QRT_UNSUPPORTED, message);
}

}  // namespace

// Validation runs the parameter setup too, so a model whose scales TFLite's
// arithmetic cannot represent is refused at load, not at prepare.
Status validate_add_sub(const Model& model, const OpDesc& op) {
  BinaryShapes s;
  QRT_RETURN_IF_ERROR(check_binary(model, op, &s));
  reference::AddSubS8Params params;
  return init_add_sub(op, s, &params);
}

Status prepare_add_sub(const Model& model, const OpDesc& op, const KernelTable& kernels,
                       std::unique_ptr<PreparedOp>* prepared) {
  BinaryShapes s;
  QRT_RETURN_IF_ERROR(check_binary(model, op, &s));
  reference::AddSubS8Params params;
  QRT_RETURN_IF_ERROR(init_add_sub(op, s, &params));
  // Same-shape inputs run the table's vector kernel when it has one.
  const bool same_shape = params.shapes.input1 == params.shapes.output && params.shapes.input2 == params.shapes.output;
  const bool add = op.type == fb::OpType::ADD;
  const auto& vector_kernel = add ? kernels.vadd : kernels.vsub;
  // An input repeating along the other's outer dimensions: the vector kernel row by row.
  RowBroadcast broadcast;
  if (!same_shape && vector_kernel.run != nullptr && find_row_broadcast(params.shapes, &broadcast)) {
    const TensorDesc& small = broadcast.small_input == 0 ? *s.input1 : *s.input2;
    *prepared = make_row_broadcast_add_sub_op(params, vector_kernel, broadcast, small, op);
    return ok_status();
  }
  if (same_shape && vector_kernel.run != nullptr) {
    *prepared = make_same_shape_add_sub_op(params, vector_kernel, op);
    return ok_status();
  }
  *prepared = make_binary_kernel_op(params, add ? kernels.add : kernels.sub, op);
  return ok_status();
}

Status validate_mul(const Model& model, const OpDesc& op) {
  BinaryShapes s;
  QRT_RETURN_IF_ERROR(check_binary(model, op, &s));
  reference::MulS8Params params;
  return init_mul(op, s, &params);
}

Status prepare_mul(const Model& model, const OpDesc& op, const KernelTable& kernels,
                   std::unique_ptr<PreparedOp>* prepared) {
  BinaryShapes s;
  QRT_RETURN_IF_ERROR(check_binary(model, op, &s));
  reference::MulS8Params params;
  QRT_RETURN_IF_ERROR(init_mul(op, s, &params));
  const bool same_shape = params.shapes.input1 == params.shapes.output && params.shapes.input2 == params.shapes.output;
  RowBroadcast broadcast;
  if (!same_shape && kernels.vmul.run != nullptr && find_row_broadcast(params.shapes, &broadcast)) {
    const TensorDesc& small = broadcast.small_input == 0 ? *s.input1 : *s.input2;
    *prepared = make_row_broadcast_mul_op(params, kernels.vmul, broadcast, small, op);
    return ok_status();
  }
  if (same_shape && kernels.vmul.run != nullptr) {
    *prepared = make_same_shape_mul_op(params, kernels.vmul, op);
    return ok_status();
  }
  *prepared = make_binary_kernel_op(params, kernels.mul, op);
  return ok_status();
}

}  // namespace qrt
