// ADD / SUB / MUL, the unary ops, SOFTMAX, MEAN and the pools on float32.
// ADD / SUB / MUL run the table's vector kernel when the broadcast is one it
// covers (same shapes, a scalar, or one operand a repeated trailing block
// such as a per-channel bias); RELU, RELU6, LEAKY_RELU and HARD_SWISH run the
// table's unary kernel. Everything else runs the float32 reference.
#include <algorithm>
#include <cmath>

#include "kernels/kernel_table.h"
#include "kernels/reference/binary_elementwise_f32.h"
#include "kernels/reference/mean_f32.h"
#include "kernels/reference/pool2d_f32.h"
#include "kernels/reference/softmax_f32.h"
#include "kernels/reference/unary_f32.h"
#include "runtime/ops/float_ops.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

// One float32 activation in, one out, of the same shape.
Status check_same_shape_unary(const Model& model, const OpDesc& op) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  QRT_RETURN_IF_ERROR(check_float_operand(op_input(model, op, 0), "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(&op_output(model, op, 0), "output"));
  return check_shape(op_output(model, op, 0), op_input(model, op, 0)->shape, "output");
}

// Whether `inner`, without its leading 1s, is the trailing block of `outer`
// (so `outer` is that block repeated outer.size / inner.size times).
bool is_trailing_block(const std::vector<int32_t>& inner, const std::vector<int32_t>& outer) {
  size_t first = 0;
  while (first < inner.size() && inner[first] == 1) ++first;
  const size_t rank = inner.size() - first;
  if (rank > outer.size()) return false;
  return std::equal(inner.begin() + static_cast<std::ptrdiff_t>(first), inner.end(),
                    outer.end() - static_cast<std::ptrdiff_t>(rank));
}

// How a vector binary kernel covers the op: `rows` calls over `count`
// elements each, the second operand repeated per row (or a scalar).
struct VBinaryPlan {
  bool covered = false;
  bool swap = false;  // the first input is the repeated one (ADD / MUL only)
  size_t rows = 1;
  VBinaryF32Params params;
};

VBinaryPlan plan_vbinary(const TensorDesc& a, const TensorDesc& b, const TensorDesc& y, reference::BinaryOpF32 op) {
  VBinaryPlan plan;
  const bool commutative = op != reference::BinaryOpF32::kSub;
  for (const bool swap : {false, true}) {
    if (swap && !commutative) break;
    const TensorDesc& full = swap ? b : a;
    const TensorDesc& other = swap ? a : b;
    if (full.shape != y.shape || full.element_count != y.element_count || y.element_count == 0) continue;
    plan.swap = swap;
    plan.params.op = op;
    if (other.element_count == 1) {
      plan.covered = true;
      plan.params.scalar_b = true;
      plan.params.count = y.element_count;
      return plan;
    }
    if (is_trailing_block(other.shape, full.shape)) {
      plan.covered = true;
      plan.params.count = other.element_count;
      plan.rows = y.element_count / other.element_count;
      return plan;
    }
  }
  plan.covered = false;
  return plan;
}

}  // namespace

Status build_binary_f32(const Model& model, const OpDesc& op, const KernelTable* kernels,
                        std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 2, 1));
  const TensorDesc* a = op_input(model, op, 0);
  const TensorDesc* b = op_input(model, op, 1);
  const TensorDesc& y = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(a, "input 1"));
  QRT_RETURN_IF_ERROR(check_float_operand(b, "input 2"));
  QRT_RETURN_IF_ERROR(check_float_operand(&y, "output"));
  const fb::BinaryOptions* o = op.op->options_as_BinaryOptions();
  const int activation = o ? static_cast<int>(o->activation()) : 0;
  QRT_RETURN_IF_ERROR(check_fused_activation(activation));
  reference::BinaryF32Params p;
  const int rank1 = static_cast<int>(a->shape.size()), rank2 = static_cast<int>(b->shape.size());
  if (!reference::broadcast_shapes(a->shape.data(), rank1, b->shape.data(), rank2, &p.shapes.input1,
                                   &p.shapes.input2, &p.shapes.output)) {
    return error(QRT_INVALID_MODEL, "inputs " + describe_tensor(*a) + " and " + describe_tensor(*b) +
                                        " do not broadcast (or rank above 6)");
  }
  const std::vector<int32_t> expected(p.shapes.output.end() - std::max(rank1, rank2), p.shapes.output.end());
  QRT_RETURN_IF_ERROR(check_shape(y, expected, "output"));
  p.op = op.type == fb::OpType::ADD   ? reference::BinaryOpF32::kAdd
         : op.type == fb::OpType::SUB ? reference::BinaryOpF32::kSub
                                      : reference::BinaryOpF32::kMul;
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(activation));
  const int32_t in1 = op.inputs[0], in2 = op.inputs[1], out = op.outputs[0];
  VBinaryPlan plan = plan_vbinary(*a, *b, y, p.op);
  if (kernels != nullptr && kernels->vbinary_f32.run != nullptr && plan.covered) {
    plan.params.clamp = p.clamp;
    const Kernel<VBinaryF32Fn> kernel = kernels->vbinary_f32;
    const int32_t full = plan.swap ? in2 : in1, repeated = plan.swap ? in1 : in2;
    set_prepared(prepared, std::make_unique<FloatKernelOp>(kernel.name, [=](uint8_t* const* d) {
      const float* x = float_data(d, full);
      const float* r = float_data(d, repeated);
      float* z = float_output(d, out);
      for (size_t row = 0; row < plan.rows; ++row) {
        kernel.run(plan.params, x + row * plan.params.count, r, z + row * plan.params.count);
      }
    }));
    return ok_status();
  }
  set_prepared(prepared, std::make_unique<FloatKernelOp>("binary_elementwise_f32_reference", [=](uint8_t* const* d) {
    reference::binary_elementwise_f32(p, float_data(d, in1), float_data(d, in2), float_output(d, out));
  }));
  return ok_status();
}

Status build_unary_f32(const Model& model, const OpDesc& op, const KernelTable* kernels,
                       std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_same_shape_unary(model, op));
  reference::UnaryF32Params p;
  switch (op.type) {
    case fb::OpType::LOGISTIC: p.op = reference::UnaryOpF32::kLogistic; break;
    case fb::OpType::TANH: p.op = reference::UnaryOpF32::kTanh; break;
    case fb::OpType::HARD_SWISH: p.op = reference::UnaryOpF32::kHardSwish; break;
    case fb::OpType::RELU: p.op = reference::UnaryOpF32::kRelu; break;
    case fb::OpType::RELU6: p.op = reference::UnaryOpF32::kRelu6; break;
    case fb::OpType::LEAKY_RELU: {
      p.op = reference::UnaryOpF32::kLeakyRelu;
      const fb::LeakyReluOptions* o = op.op->options_as_LeakyReluOptions();
      p.alpha = o ? o->alpha() : 0.0f;
      if (!std::isfinite(p.alpha)) return error(QRT_INVALID_MODEL, "leaky relu alpha is not finite");
      break;
    }
    case fb::OpType::GELU: {
      const fb::GeluOptions* o = op.op->options_as_GeluOptions();
      p.op = o && o->approximate() ? reference::UnaryOpF32::kGeluTanh : reference::UnaryOpF32::kGelu;
      break;
    }
    case fb::OpType::ERF: p.op = reference::UnaryOpF32::kErf; break;
    default: return error(QRT_UNSUPPORTED, "not a unary op");
  }
  const size_t count = op_output(model, op, 0).element_count;
  const int32_t in = op.inputs[0], out = op.outputs[0];
  if (kernels != nullptr && kernels->vunary_f32.run != nullptr && unary_f32_has_vector_form(p.op)) {
    const Kernel<VUnaryF32Fn> kernel = kernels->vunary_f32;
    set_prepared(prepared, std::make_unique<FloatKernelOp>(kernel.name, [=](uint8_t* const* d) {
      kernel.run(p, float_data(d, in), float_output(d, out), count);
    }));
    return ok_status();
  }
  set_prepared(prepared, std::make_unique<FloatKernelOp>("unary_f32_reference", [=](uint8_t* const* d) {
    reference::unary_f32(p, float_data(d, in), float_output(d, out), count);
  }));
  return ok_status();
}

Status build_softmax_f32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_same_shape_unary(model, op));
  const TensorDesc& x = *op_input(model, op, 0);
  const fb::SoftmaxOptions* o = op.op->options_as_SoftmaxOptions();
  reference::SoftmaxF32Params p;
  p.beta = o ? o->beta() : 1.0f;
  if (!std::isfinite(p.beta) || !(p.beta > 0.0f)) {
    return error(QRT_INVALID_MODEL, "softmax beta " + std::to_string(p.beta) + " is not finite and positive");
  }
  if (x.shape.empty()) return error(QRT_INVALID_MODEL, "input " + describe_tensor(x) + " has no axis");
  p.depth = x.shape.back();
  p.outer_size = static_cast<int64_t>(x.element_count / static_cast<size_t>(p.depth));
  const int32_t in = op.inputs[0], out = op.outputs[0];
  set_prepared(prepared, std::make_unique<FloatKernelOp>("softmax_f32_reference", [=](uint8_t* const* d) {
    reference::softmax_f32(p, float_data(d, in), float_output(d, out));
  }));
  return ok_status();
}

Status build_mean_f32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const TensorDesc* x = op_input(model, op, 0);
  const TensorDesc& y = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(x, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(&y, "output"));
  QRT_RETURN_IF_ERROR(check_rank(*x, 4, "input"));
  const fb::MeanOptions* o = op.op->options_as_MeanOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "MeanOptions"));
  const bool spatial_axes = o->axes() && o->axes()->size() == 2 &&
                            ((o->axes()->Get(0) == 1 && o->axes()->Get(1) == 2) ||
                             (o->axes()->Get(0) == 2 && o->axes()->Get(1) == 1));
  if (!spatial_axes) return error(QRT_UNSUPPORTED, "MEAN is supported over axes [1, 2] (H and W of NHWC) only");
  reference::MeanF32Params p;
  p.batch = x->shape[0];
  p.height = x->shape[1];
  p.width = x->shape[2];
  p.channels = x->shape[3];
  const std::vector<int32_t> expected = o->keep_dims() ? std::vector<int32_t>{p.batch, 1, 1, p.channels}
                                                       : std::vector<int32_t>{p.batch, p.channels};
  QRT_RETURN_IF_ERROR(check_shape(y, expected, "output"));
  const int32_t in = op.inputs[0], out = op.outputs[0];
  set_prepared(prepared, std::make_unique<FloatKernelOp>("mean_f32_reference", [=](uint8_t* const* d) {
    reference::mean_f32(p, float_data(d, in), float_output(d, out));
  }));
  return ok_status();
}

Status build_pool2d_f32(const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const fb::Pool2DOptions* o = op.op->options_as_Pool2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "Pool2DOptions"));
  const TensorDesc* x = op_input(model, op, 0);
  const TensorDesc& y = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(x, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(&y, "output"));
  QRT_RETURN_IF_ERROR(check_rank(*x, 4, "input"));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  if (o->filter_h() < 1 || o->filter_w() < 1 || int64_t{o->filter_h()} * o->filter_w() > (int64_t{1} << 23)) {
    return error(QRT_UNSUPPORTED, "pool window " + std::to_string(o->filter_h()) + "x" +
                                      std::to_string(o->filter_w()) + " is empty or too large");
  }
  WindowGeometry g;
  QRT_RETURN_IF_ERROR(
      resolve_window(window_options(*o), x->shape[1], x->shape[2], o->filter_h(), o->filter_w(), &g));
  QRT_RETURN_IF_ERROR(check_shape(y, {x->shape[0], g.rows.output_size, g.cols.output_size, x->shape[3]}, "output"));
  reference::Pool2DF32Params p;
  p.batch = x->shape[0];
  p.input_height = x->shape[1];
  p.input_width = x->shape[2];
  p.channels = x->shape[3];
  p.output_height = g.rows.output_size;
  p.output_width = g.cols.output_size;
  p.filter_height = o->filter_h();
  p.filter_width = o->filter_w();
  p.stride_height = o->stride_h();
  p.stride_width = o->stride_w();
  p.pad_top = g.rows.pad_before;
  p.pad_left = g.cols.pad_before;
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  const bool average = op.type == fb::OpType::AVERAGE_POOL_2D;
  p.count_include_pad = average && o->count_include_pad();
  const int32_t in = op.inputs[0], out = op.outputs[0];
  if (average) {
    set_prepared(prepared, std::make_unique<FloatKernelOp>("average_pool2d_f32_reference", [=](uint8_t* const* d) {
      reference::average_pool2d_f32(p, float_data(d, in), float_output(d, out));
    }));
  } else {
    set_prepared(prepared, std::make_unique<FloatKernelOp>("max_pool2d_f32_reference", [=](uint8_t* const* d) {
      reference::max_pool2d_f32(p, float_data(d, in), float_output(d, out));
    }));
  }
  return ok_status();
}

}  // namespace qrt
