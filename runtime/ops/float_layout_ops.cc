// TRANSPOSE, PAD, CONCATENATION, SPLIT and STRIDED_SLICE on float32 tensors:
// the int8 kernels' parameters, 32-bit element copies
// (kernels/reference/data_movement_x32.h). RESHAPE takes any dtype as it is
// (reshape_op.cc).
#include <vector>

#include "kernels/reference/data_movement_x32.h"
#include "runtime/ops/float_ops.h"

namespace qrt {
namespace {

const uint32_t* words(uint8_t* const* d, int32_t t) { return reinterpret_cast<const uint32_t*>(d[t]); }
uint32_t* words_out(uint8_t* const* d, int32_t t) { return reinterpret_cast<uint32_t*>(d[t]); }

Status check_moved(const Model& model, const OpDesc& op, int max_rank, const TensorDesc** x, const TensorDesc** y) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  *x = op_input(model, op, 0);
  *y = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(*x, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(*y, "output"));
  if ((*x)->shape.size() > static_cast<size_t>(max_rank)) {
    return error(QRT_UNSUPPORTED, "input " + describe_tensor(**x) + " has rank above " + std::to_string(max_rank));
  }
  return ok_status();
}

int normalized_axis(int axis, int rank) { return axis < 0 ? axis + rank : axis; }

// TRANSPOSE also moves int32 tensors (CONV_INTEGER's accumulators to NCHW).
Status check_moved_int32(const Model& model, const OpDesc& op, int max_rank, const TensorDesc** x,
                         const TensorDesc** y) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  *x = op_input(model, op, 0);
  *y = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_required(*x, "input"));
  for (const TensorDesc* t : {*x, *y}) {
    if (t->dtype != DType::kInt32 || t->quantization.present()) {
      return error(QRT_INVALID_MODEL, "tensor " + describe_tensor(*t) + " must be unquantized int32, as the input");
    }
  }
  if ((*x)->shape.size() > static_cast<size_t>(max_rank)) {
    return error(QRT_UNSUPPORTED, "input " + describe_tensor(**x) + " has rank above " + std::to_string(max_rank));
  }
  return ok_status();
}

}  // namespace

Status build_transpose_x32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  const TensorDesc *x, *y;
  const TensorDesc* first = op_input(model, op, 0);
  if (first != nullptr && first->dtype == DType::kInt32) {
    QRT_RETURN_IF_ERROR(check_moved_int32(model, op, reference::kMaxTransposeRank, &x, &y));
  } else {
    QRT_RETURN_IF_ERROR(check_moved(model, op, reference::kMaxTransposeRank, &x, &y));
  }
  const fb::TransposeOptions* o = op.op->options_as_TransposeOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "TransposeOptions"));
  const size_t rank = x->shape.size();
  if (o->perm() == nullptr || o->perm()->size() != rank) {
    return error(QRT_INVALID_MODEL, "perm must list " + std::to_string(rank) + " dimensions");
  }
  reference::TransposeParams p;
  p.rank = static_cast<int>(rank);
  std::vector<bool> seen(rank, false);
  std::vector<int32_t> expected(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int32_t axis = o->perm()->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (axis < 0 || static_cast<size_t>(axis) >= rank || seen[axis]) {
      return error(QRT_INVALID_MODEL, "perm is not a permutation of [0, " + std::to_string(rank) + ")");
    }
    seen[axis] = true;
    p.perm[i] = axis;
    p.input_dims[i] = x->shape[i];
    expected[i] = x->shape[axis];
  }
  QRT_RETURN_IF_ERROR(check_shape(*y, expected, "output"));
  const int32_t in = op.inputs[0], out = op.outputs[0];
  set_prepared(prepared, std::make_unique<FloatKernelOp>("transpose_x32_reference", [=](uint8_t* const* d) {
    reference::transpose_x32(p, words(d, in), words_out(d, out));
  }));
  return ok_status();
}

Status build_pad_x32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  const TensorDesc *x, *y;
  QRT_RETURN_IF_ERROR(check_moved(model, op, reference::kMaxPadRank, &x, &y));
  const fb::PadOptions* o = op.op->options_as_PadOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "PadOptions"));
  const size_t rank = x->shape.size();
  if (o->paddings() == nullptr || o->paddings()->size() != 2 * rank) {
    return error(QRT_INVALID_MODEL, "paddings must hold " + std::to_string(2 * rank) + " values");
  }
  reference::PadParams p;
  p.rank = static_cast<int>(rank);
  std::vector<int32_t> expected(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int32_t before = o->paddings()->Get(static_cast<flatbuffers::uoffset_t>(2 * d));
    const int32_t after = o->paddings()->Get(static_cast<flatbuffers::uoffset_t>(2 * d + 1));
    constexpr int32_t kMaxPadding = 1 << 20;
    if (before < 0 || after < 0 || before > kMaxPadding || after > kMaxPadding) {
      return error(QRT_INVALID_MODEL, "padding of dimension " + std::to_string(d) + " out of range [0, 2^20]");
    }
    p.input_dims[d] = x->shape[d];
    p.pad_before[d] = before;
    p.pad_after[d] = after;
    const int64_t padded = int64_t{x->shape[d]} + before + after;
    if (padded > INT32_MAX) return error(QRT_UNSUPPORTED, "padded dimension " + std::to_string(d) + " exceeds INT32_MAX");
    expected[d] = static_cast<int32_t>(padded);
  }
  QRT_RETURN_IF_ERROR(check_shape(*y, expected, "output"));
  const int32_t in = op.inputs[0], out = op.outputs[0];
  set_prepared(prepared, std::make_unique<FloatKernelOp>("pad_x32_reference", [=](uint8_t* const* d) {
    reference::pad_x32(p, 0u, words(d, in), words_out(d, out));  // the bits of 0.0f
  }));
  return ok_status();
}

Status build_concatenation_x32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  if (op.inputs.empty() || op.inputs.size() > 1024) {
    return error(QRT_INVALID_MODEL, "takes 1 to 1024 inputs, has " + std::to_string(op.inputs.size()));
  }
  QRT_RETURN_IF_ERROR(check_counts(op, op.inputs.size(), op.inputs.size(), 1));
  const fb::ConcatenationOptions* o = op.op->options_as_ConcatenationOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "ConcatenationOptions"));
  if (o->activation() != fb::Activation::NONE) {
    return error(QRT_UNSUPPORTED, "a fused activation on a float32 CONCATENATION is not supported");
  }
  const TensorDesc& y = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(&y, "output"));
  const int rank = static_cast<int>(y.shape.size());
  if (rank < 1 || rank > reference::kMaxConcatenationRank) {
    return error(QRT_UNSUPPORTED, "output " + describe_tensor(y) + " has rank outside [1, 6]");
  }
  const int axis = normalized_axis(o->axis(), rank);
  if (axis < 0 || axis >= rank) return error(QRT_INVALID_MODEL, "axis " + std::to_string(o->axis()) + " out of range");
  reference::ConcatenationParams p;
  p.rank = rank;
  p.axis = axis;
  for (int d = 0; d < rank; ++d) p.output_dims[d] = y.shape[d];
  int64_t axis_total = 0;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const TensorDesc* x = op_input(model, op, i);
    QRT_RETURN_IF_ERROR(check_float_operand(x, "input"));
    bool fits = static_cast<int>(x->shape.size()) == rank;
    for (int d = 0; fits && d < rank; ++d) fits = d == axis || x->shape[d] == y.shape[d];
    if (!fits) {
      return error(QRT_INVALID_MODEL, "input " + describe_tensor(*x) + " does not fit output " + describe_tensor(y) +
                                          " along axis " + std::to_string(axis));
    }
    p.input_axis_dims.push_back(x->shape[axis]);
    axis_total += x->shape[axis];
  }
  if (axis_total != y.shape[axis]) {
    return error(QRT_INVALID_MODEL, "inputs add up to " + std::to_string(axis_total) + " along axis " +
                                        std::to_string(axis) + ", output " + describe_tensor(y) + " has " +
                                        std::to_string(y.shape[axis]));
  }
  const std::vector<int32_t> inputs = op.inputs;
  const int32_t out = op.outputs[0];
  auto pointers = std::make_shared<std::vector<const uint32_t*>>(inputs.size());
  set_prepared(prepared, std::make_unique<FloatKernelOp>("concatenation_x32_reference", [=](uint8_t* const* d) {
    for (size_t i = 0; i < inputs.size(); ++i) (*pointers)[i] = words(d, inputs[i]);
    reference::concatenation_x32(p, pointers->data(), words_out(d, out));
  }));
  return ok_status();
}

Status build_split_x32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  if (op.outputs.empty() || op.outputs.size() > 1024) {
    return error(QRT_INVALID_MODEL, "has " + std::to_string(op.outputs.size()) + " outputs, needs 1 to 1024");
  }
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, op.outputs.size()));
  const TensorDesc* x = op_input(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(x, "input"));
  const fb::SplitOptions* o = op.op->options_as_SplitOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "SplitOptions"));
  const int rank = static_cast<int>(x->shape.size());
  const int axis = normalized_axis(o->axis(), rank);
  if (axis < 0 || axis >= rank) return error(QRT_INVALID_MODEL, "axis " + std::to_string(o->axis()) + " out of range");
  reference::SplitParams p;
  for (int d = 0; d < axis; ++d) p.outer_size *= x->shape[d];
  for (int d = axis + 1; d < rank; ++d) p.inner_size *= x->shape[d];
  int64_t axis_total = 0;
  for (size_t i = 0; i < op.outputs.size(); ++i) {
    const TensorDesc& y = op_output(model, op, i);
    QRT_RETURN_IF_ERROR(check_float_operand(&y, "output"));
    bool fits = y.shape.size() == x->shape.size();
    for (int d = 0; fits && d < rank; ++d) fits = d == axis || y.shape[d] == x->shape[d];
    if (!fits) return error(QRT_INVALID_MODEL, "output " + describe_tensor(y) + " does not fit the split input");
    p.output_axis_dims.push_back(y.shape[axis]);
    axis_total += y.shape[axis];
  }
  if (axis_total != x->shape[axis]) {
    return error(QRT_INVALID_MODEL, "outputs add up to " + std::to_string(axis_total) + " along axis " +
                                        std::to_string(axis) + ", input has " + std::to_string(x->shape[axis]));
  }
  const int32_t in = op.inputs[0];
  const std::vector<int32_t> outputs = op.outputs;
  auto pointers = std::make_shared<std::vector<uint32_t*>>(outputs.size());
  set_prepared(prepared, std::make_unique<FloatKernelOp>("split_x32_reference", [=](uint8_t* const* d) {
    for (size_t i = 0; i < outputs.size(); ++i) (*pointers)[i] = words_out(d, outputs[i]);
    reference::split_x32(p, words(d, in), pointers->data());
  }));
  return ok_status();
}

Status build_strided_slice_x32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  const TensorDesc *x, *y;
  QRT_RETURN_IF_ERROR(check_moved(model, op, reference::kMaxStridedSliceRank, &x, &y));
  const size_t rank = x->shape.size();
  QRT_RETURN_IF_ERROR(check_rank(*y, rank, "output"));
  const fb::StridedSliceOptions* o = op.op->options_as_StridedSliceOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "StridedSliceOptions"));
  if ((o->begin() ? o->begin()->size() : 0) != rank || (o->strides() ? o->strides()->size() : 0) != rank) {
    return error(QRT_INVALID_MODEL, "begin and strides must hold " + std::to_string(rank) + " values each");
  }
  reference::StridedSliceParams p;
  p.rank = static_cast<int>(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int32_t begin = o->begin()->Get(static_cast<flatbuffers::uoffset_t>(d));
    const int32_t stride = o->strides()->Get(static_cast<flatbuffers::uoffset_t>(d));
    if (stride == 0) return error(QRT_INVALID_MODEL, "stride of dimension " + std::to_string(d) + " is 0");
    const int64_t last = begin + static_cast<int64_t>(y->shape[d] - 1) * stride;
    if (begin < 0 || begin >= x->shape[d] || last < 0 || last >= x->shape[d]) {
      return error(QRT_INVALID_MODEL, "dimension " + std::to_string(d) + " reads outside [0, " +
                                          std::to_string(x->shape[d]) + ")");
    }
    p.input_dims[d] = x->shape[d];
    p.output_dims[d] = y->shape[d];
    p.begin[d] = begin;
    p.strides[d] = stride;
  }
  const int32_t in = op.inputs[0], out = op.outputs[0];
  set_prepared(prepared, std::make_unique<FloatKernelOp>("strided_slice_x32_reference", [=](uint8_t* const* d) {
    reference::strided_slice_x32(p, words(d, in), words_out(d, out));
  }));
  return ok_status();
}

}  // namespace qrt
