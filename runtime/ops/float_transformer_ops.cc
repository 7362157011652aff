// BATCH_MATMUL and LAYER_NORM on float32 tensors, so a mixed-precision
// transformer can keep attention or a LayerNorm in float32 (qconvert
// --keep-float). GATHER takes float32 tables in its own glue
// (transformer_ops.cc) and ERF is a float32 unary op
// (float_elementwise_ops.cc). Reference kernels only.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/reference/batch_matmul_f32.h"
#include "kernels/reference/layer_norm_f32.h"
#include "runtime/ops/float_ops.h"

namespace qrt {

Status build_batch_matmul_f32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 2, 1));
  const TensorDesc* a = op_input(model, op, 0);
  const TensorDesc* b = op_input(model, op, 1);
  const TensorDesc& out = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(a, "input A"));
  QRT_RETURN_IF_ERROR(check_float_operand(b, "input B"));
  QRT_RETURN_IF_ERROR(check_float_operand(&out, "output"));
  reference::BatchMatMulF32Params p;
  const fb::BatchMatMulOptions* o = op.op->options_as_BatchMatMulOptions();
  p.transpose_b = o != nullptr && o->transpose_b();
  const size_t ra = a->shape.size(), rb = b->shape.size();
  if (ra < 2 || rb < 2) return error(QRT_INVALID_MODEL, "inputs A and B need rank >= 2");
  const size_t batch_rank = std::max(ra, rb) - 2;
  if (batch_rank > static_cast<size_t>(reference::kMaxBatchMatMulBatchRank)) {
    return error(QRT_UNSUPPORTED,
                 "more than " + std::to_string(reference::kMaxBatchMatMulBatchRank) + " batch dimensions");
  }
  p.m = a->shape[ra - 2];
  p.k = a->shape[ra - 1];
  const int b_k = p.transpose_b ? b->shape[rb - 1] : b->shape[rb - 2];
  p.n = p.transpose_b ? b->shape[rb - 2] : b->shape[rb - 1];
  if (b_k != p.k) {
    return error(QRT_INVALID_MODEL, "input A " + describe_tensor(*a) + " has K = " + std::to_string(p.k) +
                                        ", input B " + describe_tensor(*b) + " has K = " + std::to_string(b_k));
  }
  // Batch dims right-aligned and broadcast, as the int8 op (transformer_ops.cc).
  p.batch_rank = static_cast<int>(batch_rank);
  int64_t a_stride = int64_t{p.m} * p.k, b_stride = int64_t{p.k} * p.n;
  for (size_t i = batch_rank; i-- > 0;) {
    const size_t back = batch_rank - i;  // 1 for the innermost batch dim
    const int32_t da = back + 2 <= ra ? a->shape[ra - 2 - back] : 1;
    const int32_t db = back + 2 <= rb ? b->shape[rb - 2 - back] : 1;
    if (da != db && da != 1 && db != 1) {
      return error(QRT_INVALID_MODEL, "batch dimensions of A " + describe_tensor(*a) + " and B " + describe_tensor(*b) +
                                          " do not broadcast");
    }
    p.batch_dims[i] = std::max(da, db);
    p.a_batch_stride[i] = da == 1 ? 0 : a_stride;
    p.b_batch_stride[i] = db == 1 ? 0 : b_stride;
    a_stride *= da;
    b_stride *= db;
  }
  std::vector<int32_t> expected(p.batch_dims, p.batch_dims + batch_rank);
  expected.push_back(p.m);
  expected.push_back(p.n);
  QRT_RETURN_IF_ERROR(check_shape(out, expected, "output"));
  const int32_t ia = op.inputs[0], ib = op.inputs[1], iy = op.outputs[0];
  set_prepared(prepared, std::make_unique<FloatKernelOp>("batch_matmul_f32_reference", [=](uint8_t* const* d) {
                 reference::batch_matmul_f32(p, float_data(d, ia), float_data(d, ib), float_output(d, iy));
               }));
  return ok_status();
}

namespace {

// A float32 constant of `length` values, finite.
Status check_float_vector(const TensorDesc* t, int32_t length, const char* role) {
  QRT_RETURN_IF_ERROR(check_float_constant(t, role));
  QRT_RETURN_IF_ERROR(check_shape(*t, {length}, role));
  const float* v = reinterpret_cast<const float*>(t->data);
  for (int32_t i = 0; i < length; ++i) {
    float x;
    std::memcpy(&x, v + i, sizeof(x));
    if (!std::isfinite(x))
      return error(QRT_INVALID_MODEL,
                   std::string(role) + " " + describe_tensor(*t) + " holds a value that is not finite");
  }
  return ok_status();
}

}  // namespace

Status build_layer_norm_f32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(input, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(&output, "output"));
  QRT_RETURN_IF_ERROR(check_shape(output, input->shape, "output"));
  if (input->shape.empty() || input->shape.back() < 1) {
    return error(QRT_INVALID_MODEL, "input " + describe_tensor(*input) + " needs rank >= 1 and a last axis >= 1");
  }
  const fb::LayerNormOptions* o = op.op->options_as_LayerNormOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "LayerNormOptions"));
  if (!std::isfinite(o->epsilon()) || !(o->epsilon() > 0.0f)) {
    return error(QRT_INVALID_MODEL, "epsilon " + std::to_string(o->epsilon()) + " is not finite and positive");
  }
  const int32_t depth = input->shape.back();
  QRT_RETURN_IF_ERROR(check_float_vector(op_input(model, op, 1), depth, "gamma"));
  const TensorDesc* beta = op_input(model, op, 2);
  if (beta != nullptr) QRT_RETURN_IF_ERROR(check_float_vector(beta, depth, "beta"));
  reference::LayerNormF32Params p;
  p.rows = static_cast<int64_t>(input->element_count / static_cast<size_t>(depth));
  p.depth = depth;
  p.epsilon = o->epsilon();
  // Constants live in the model, which outlives its interpreters.
  const float* gamma = reinterpret_cast<const float*>(op_input(model, op, 1)->data);
  const float* beta_values = beta != nullptr ? reinterpret_cast<const float*>(beta->data) : nullptr;
  const int32_t in = op.inputs[0], out = op.outputs[0];
  set_prepared(prepared, std::make_unique<FloatKernelOp>("layer_norm_f32_reference", [=](uint8_t* const* d) {
                 reference::layer_norm_f32(p, float_data(d, in), gamma, beta_values, float_output(d, out));
               }));
  return ok_status();
}

}  // namespace qrt
