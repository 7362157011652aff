// The transformer ops: BATCH_MATMUL (two int8 activations), LAYER_NORM (int8
// in and out over the last axis, float32 gamma and beta) and GATHER (an
// embedding lookup whose int32 indices are checked at every invoke).
#include <cstring>

#include "kernels/kernel_table.h"
#include "runtime/ops/batch_matmul_op.h"
#include "runtime/ops/kernel_op.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

// ---- BATCH_MATMUL ----

// K above this could overflow the int32 accumulator: 255 * 255 * K < 2^31.
constexpr int kMaxBatchMatMulDepth = 33025;

Status build_batch_matmul(const Model& model, const OpDesc& op, reference::BatchMatMulParams* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 2, 1));
  const TensorDesc* a = op_input(model, op, 0);
  const TensorDesc* b = op_input(model, op, 1);
  const TensorDesc& out = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(a, "input A"));
  QRT_RETURN_IF_ERROR(check_int8_activation(b, "input B"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&out, "output"));
  const fb::BatchMatMulOptions* o = op.op->options_as_BatchMatMulOptions();
  p->transpose_b = o != nullptr && o->transpose_b();
  const size_t ra = a->shape.size(), rb = b->shape.size();
  if (ra < 2 || rb < 2) return error(QRT_INVALID_MODEL, "inputs A and B need rank >= 2");
  const size_t batch_rank = std::max(ra, rb) - 2;
  if (batch_rank > static_cast<size_t>(reference::kMaxBatchMatMulBatchRank)) {
    return error(QRT_UNSUPPORTED, "more than " + std::to_string(reference::kMaxBatchMatMulBatchRank) +
                                      " batch dimensions");
  }
  p->m = a->shape[ra - 2];
  p->k = a->shape[ra - 1];
  const int b_k = p->transpose_b ? b->shape[rb - 1] : b->shape[rb - 2];
  p->n = p->transpose_b ? b->shape[rb - 2] : b->shape[rb - 1];
  if (b_k != p->k) {
    return error(QRT_INVALID_MODEL, "input A " + describe_tensor(*a) + " has K = " + std::to_string(p->k) +
                                        ", input B " + describe_tensor(*b) + " has K = " + std::to_string(b_k));
  }
  if (p->k > kMaxBatchMatMulDepth) {
    return error(QRT_UNSUPPORTED, "K = " + std::to_string(p->k) + " could overflow the int32 accumulator (at most " +
                                      std::to_string(kMaxBatchMatMulDepth) + ")");
  }
  // Batch dims right-aligned, broadcast; strides in elements.
  std::vector<int32_t> expected;
  p->batch_rank = static_cast<int>(batch_rank);
  int64_t a_stride = int64_t{p->m} * p->k, b_stride = int64_t{p->k} * p->n;
  for (size_t i = batch_rank; i-- > 0;) {
    const size_t back = batch_rank - i;  // 1 for the innermost batch dim
    const int32_t da = back + 2 <= ra ? a->shape[ra - 2 - back] : 1;
    const int32_t db = back + 2 <= rb ? b->shape[rb - 2 - back] : 1;
    if (da != db && da != 1 && db != 1) {
      return error(QRT_INVALID_MODEL, "batch dimensions of A " + describe_tensor(*a) + " and B " +
                                          describe_tensor(*b) + " do not broadcast");
    }
    p->batch_dims[i] = std::max(da, db);
    p->a_batch_stride[i] = da == 1 ? 0 : a_stride;
    p->b_batch_stride[i] = db == 1 ? 0 : b_stride;
    a_stride *= da;
    b_stride *= db;
  }
  for (size_t i = 0; i < batch_rank; ++i) expected.push_back(p->batch_dims[i]);
  expected.push_back(p->m);
  expected.push_back(p->n);
  QRT_RETURN_IF_ERROR(check_shape(out, expected, "output"));
  p->a_zero_point = a->zero_point();
  p->b_zero_point = b->zero_point();
  p->output_zero_point = out.zero_point();
  const std::string message = reference::init_batch_matmul_requant(op.rule, a->scale(), b->scale(), out.scale(), p);
  return message.empty() ? ok_status() : error(QRT_UNSUPPORTED, message);
}

// ---- LAYER_NORM ----

Status read_float_vector(const TensorDesc* t, int32_t length, const char* role, std::vector<float>* values) {
  QRT_RETURN_IF_ERROR(check_required(t, role));
  if (t->dtype != DType::kFloat32 || !t->is_constant() || t->quantization.present()) {
    return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(*t) +
                                        " must be a float32 constant without quantization");
  }
  QRT_RETURN_IF_ERROR(check_shape(*t, {length}, role));
  values->resize(static_cast<size_t>(length));
  std::memcpy(values->data(), t->data, values->size() * sizeof(float));
  return ok_status();
}

Status build_layer_norm(const Model& model, const OpDesc& op, reference::LayerNormParams* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
  QRT_RETURN_IF_ERROR(check_shape(output, input->shape, "output"));
  if (input->shape.empty()) return error(QRT_INVALID_MODEL, "input must have rank >= 1");
  const fb::LayerNormOptions* o = op.op->options_as_LayerNormOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "LayerNormOptions"));
  const int32_t depth = input->shape.back();
  std::vector<float> gamma, beta;
  QRT_RETURN_IF_ERROR(read_float_vector(op_input(model, op, 1), depth, "gamma", &gamma));
  const TensorDesc* beta_tensor = op_input(model, op, 2);
  if (beta_tensor) QRT_RETURN_IF_ERROR(read_float_vector(beta_tensor, depth, "beta", &beta));
  const int64_t rows = static_cast<int64_t>(input->element_count / static_cast<size_t>(depth));
  const std::string message = reference::init_layer_norm_params(
      rows, depth, input->scale(), output.scale(), output.zero_point(), o->epsilon(), gamma.data(),
      beta_tensor ? beta.data() : nullptr, p);
  return message.empty() ? ok_status() : error(QRT_INVALID_MODEL, message);
}

// ---- GATHER ----

struct GatherSetup {
  reference::GatherParams params;
};

Status build_gather(const Model& model, const OpDesc& op, GatherSetup* s) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 2, 1));
  const TensorDesc* table = op_input(model, op, 0);
  const TensorDesc* indices = op_input(model, op, 1);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_required(table, "table"));
  QRT_RETURN_IF_ERROR(check_required(indices, "indices"));
  if (table->dtype == DType::kInt8) {
    QRT_RETURN_IF_ERROR(check_int8_activation(table, "table"));
    QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
    QRT_RETURN_IF_ERROR(check_same_quantization(*table, output));
  } else if (table->dtype == DType::kFloat32) {
    if (table->quantization.present() || output.dtype != DType::kFloat32 || output.quantization.present()) {
      return error(QRT_INVALID_MODEL, "a float32 table " + describe_tensor(*table) + " needs a float32 output " +
                                          "without quantization, got " + describe_tensor(output));
    }
  } else {
    return error(QRT_UNSUPPORTED, "table " + describe_tensor(*table) + " must be int8 or float32");
  }
  if (indices->dtype != DType::kInt32 || indices->quantization.present()) {
    return error(QRT_UNSUPPORTED, "indices " + describe_tensor(*indices) + " must be int32 without quantization");
  }
  const fb::GatherOptions* o = op.op->options_as_GatherOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "GatherOptions"));
  const int rank = static_cast<int>(table->shape.size());
  if (rank < 1) return error(QRT_INVALID_MODEL, "table must have rank >= 1");
  const int axis = o->axis() < 0 ? o->axis() + rank : o->axis();
  if (axis < 0 || axis >= rank) {
    return error(QRT_INVALID_MODEL, "axis " + std::to_string(o->axis()) + " out of range for table " +
                                        describe_tensor(*table));
  }
  std::vector<int32_t> expected(table->shape.begin(), table->shape.begin() + axis);
  expected.insert(expected.end(), indices->shape.begin(), indices->shape.end());
  expected.insert(expected.end(), table->shape.begin() + axis + 1, table->shape.end());
  if (expected.size() > 8) return error(QRT_UNSUPPORTED, "output rank above 8");
  QRT_RETURN_IF_ERROR(check_shape(output, expected, "output"));
  reference::GatherParams& p = s->params;
  p.outer = 1;
  int64_t inner = 1;
  for (int d = 0; d < axis; ++d) p.outer *= table->shape[d];
  for (int d = axis + 1; d < rank; ++d) inner *= table->shape[d];
  p.axis_size = table->shape[axis];
  p.inner_bytes = inner * static_cast<int64_t>(dtype_size(table->dtype));
  p.index_count = static_cast<int64_t>(indices->element_count);
  return ok_status();
}

class GatherOp : public PreparedOp {
 public:
  using Fn = int64_t(const reference::GatherParams&, const uint8_t*, const int32_t*, uint8_t*);
  GatherOp(const reference::GatherParams& params, Kernel<Fn> kernel, const OpDesc& op)
      : params_(params), kernel_(kernel), table_(op.inputs[0]), indices_(op.inputs[1]), output_(op.outputs[0]) {}
  void run(const RunContext& c) const override { (void)run_checked(c); }
  Status run_checked(const RunContext& c) const override {
    const int32_t* indices = reinterpret_cast<const int32_t*>(c.tensor_data[indices_]);
    const int64_t bad = kernel_.run(params_, c.tensor_data[table_], indices, c.tensor_data[output_]);
    if (bad < 0) return ok_status();
    return error(QRT_INVALID_ARGUMENT, "index " + std::to_string(indices[bad]) + " at position " +
                                           std::to_string(bad) + " is outside [" + std::to_string(-params_.axis_size) +
                                           ", " + std::to_string(params_.axis_size) + ")");
  }
  std::string kernel_name() const override { return kernel_.name; }

 private:
  reference::GatherParams params_;
  Kernel<Fn> kernel_;
  int32_t table_, indices_, output_;
};

}  // namespace

Status validate_batch_matmul(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::BatchMatMulParams, build_batch_matmul>(model, op);
}

Status prepare_batch_matmul(const Model& model, const OpDesc& op, const KernelTable& kernels,
                            std::unique_ptr<PreparedOp>* prepared) {
  reference::BatchMatMulParams params;
  QRT_RETURN_IF_ERROR(build_batch_matmul(model, op, &params));
  // The table's packed GEMM when it can (batch_matmul_op.h), else its kernel.
  if (batch_matmul_fits_gemm(params, kernels.gemm)) return make_batch_matmul_gemm_op(params, kernels.gemm, op, prepared);
  *prepared = make_binary_kernel_op(params, kernels.batch_matmul, op);
  return ok_status();
}

Status validate_layer_norm(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::LayerNormParams, build_layer_norm>(model, op);
}

Status prepare_layer_norm(const Model& model, const OpDesc& op, const KernelTable& kernels,
                          std::unique_ptr<PreparedOp>* prepared) {
  return prepare_unary_kernel_op<reference::LayerNormParams, build_layer_norm, &KernelTable::layer_norm>(
      model, op, kernels, prepared);
}

Status validate_gather(const Model& model, const OpDesc& op) {
  return validate_by_building<GatherSetup, build_gather>(model, op);
}

Status prepare_gather(const Model& model, const OpDesc& op, const KernelTable& kernels,
                      std::unique_ptr<PreparedOp>* prepared) {
  GatherSetup setup;
  QRT_RETURN_IF_ERROR(build_gather(model, op, &setup));
  *prepared = std::make_unique<GatherOp>(setup.params, kernels.gather, op);
  return ok_status();
}

}  // namespace qrt
