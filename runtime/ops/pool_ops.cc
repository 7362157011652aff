// AVERAGE_POOL_2D and MAX_POOL_2D.
#include "runtime/ops/kernel_op.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

struct PoolShapes {
  const TensorDesc* input;
  const TensorDesc* output;
  reference::Pool2DParams params;
};

Status check_pool(const Model& model, const OpDesc& op, bool average, PoolShapes* s) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const fb::Pool2DOptions* o = op.op->options_as_Pool2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "Pool2DOptions"));
  s->input = op_input(model, op, 0);
  s->output = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(s->input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(s->output, "output"));
  QRT_RETURN_IF_ERROR(check_rank(*s->input, 4, "input"));
  const int activation = static_cast<int>(o->activation());
  if (activation < 0 || activation > static_cast<int>(fb::Activation::MAX)) {
    return error(QRT_INVALID_MODEL, "unknown fused activation " + std::to_string(activation));
  }
  // round_half_up is the rounding of TFLite's uint8 average pool (fixedpoint).
  if (o->round_half_up() && (!average || op.rule != RequantRule::kFixedPoint)) {
    return error(QRT_INVALID_MODEL,
                 std::string("round_half_up is only valid on a FIXEDPOINT AVERAGE_POOL_2D, not on ") +
                     (average ? "an FP32 one" : "MAX_POOL_2D"));
  }
  // Max pool never requantizes, and TFLite's integer average pool neither.
  if (!average || op.rule == RequantRule::kFixedPoint) {
    QRT_RETURN_IF_ERROR(check_same_quantization(*s->input, *s->output));
  }
  if (int64_t{o->filter_h()} * o->filter_w() > reference::kMaxPool2DFilterArea) {
    return error(QRT_UNSUPPORTED, "pool window " + std::to_string(o->filter_h()) + "x" +
                                      std::to_string(o->filter_w()) + " is too large");
  }
  WindowGeometry g;
  QRT_RETURN_IF_ERROR(resolve_window(window_options(*o), s->input->shape[1], s->input->shape[2], o->filter_h(),
                                     o->filter_w(), &g));
  QRT_RETURN_IF_ERROR(check_shape(
      *s->output, {s->input->shape[0], g.rows.output_size, g.cols.output_size, s->input->shape[3]}, "output"));
  reference::Pool2DParams& p = s->params;
  p.batch = s->input->shape[0];
  p.input_height = s->input->shape[1];
  p.input_width = s->input->shape[2];
  p.channels = s->input->shape[3];
  p.output_height = g.rows.output_size;
  p.output_width = g.cols.output_size;
  p.filter_height = o->filter_h();
  p.filter_width = o->filter_w();
  p.stride_height = o->stride_h();
  p.stride_width = o->stride_w();
  p.pad_top = g.rows.pad_before;
  p.pad_left = g.cols.pad_before;
  p.clamp = activation_range_s8(static_cast<FusedActivation>(activation), s->output->scale(),
                                s->output->zero_point());
  if (!reference::pool2d_every_window_overlaps_input(p)) {
    return error(QRT_INVALID_MODEL, "a pooling window lies entirely in the padding");
  }
  return ok_status();
}

}  // namespace

Status validate_average_pool2d(const Model& model, const OpDesc& op) {
  PoolShapes s;
  return check_pool(model, op, /*average=*/true, &s);
}

Status prepare_average_pool2d(const Model& model, const OpDesc& op, const KernelTable& kernels,
                              std::unique_ptr<PreparedOp>* prepared) {
  PoolShapes s;
  QRT_RETURN_IF_ERROR(check_pool(model, op, true, &s));
  const fb::Pool2DOptions* o = op.op->options_as_Pool2DOptions();
  reference::AveragePool2DParams params = reference::init_average_pool2d_params(
      s.params, op.rule, o->count_include_pad(), s.input->scale(), s.input->zero_point(), s.output->scale(),
      s.output->zero_point());
  params.round_half_up = o->round_half_up();
  *prepared = make_unary_kernel_op(params, kernels.average_pool2d, op);
  return ok_status();
}

Status validate_max_pool2d(const Model& model, const OpDesc& op) {
  PoolShapes s;
  return check_pool(model, op, /*average=*/false, &s);
}

Status prepare_max_pool2d(const Model& model, const OpDesc& op, const KernelTable& kernels,
                          std::unique_ptr<PreparedOp>* prepared) {
  PoolShapes s;
  QRT_RETURN_IF_ERROR(check_pool(model, op, false, &s));
  *prepared = make_unary_kernel_op(s.params, kernels.max_pool2d, op);
  return ok_status();
}

}  // namespace qrt
