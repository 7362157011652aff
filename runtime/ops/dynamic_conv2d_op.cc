// DYNAMIC_CONV_2D: float32 NHWC input and output, int8 symmetric OHWI filter
// with float scales (per output channel or per tensor), optional float32
// bias; the input is quantized per inference from its own range
// (kernels/reference/dynamic_conv2d_f32s8.h). Like DYNAMIC_FULLY_CONNECTED
// it has its own glue (op_registry.cc), not the float path's.
//
// Kernels: a pointwise convolution (1x1 filter, stride 1, no padding, one
// group) over NHWC is a fully connected layer over the N*H*W pixels, with the
// same single quantization of the whole input and the same float epilogue,
// so it runs the table's packed DYNAMIC_FULLY_CONNECTED kernel (bit-exact
// with dynamic_fully_connected_f32s8, whose float steps are the ones of
// dynamic_conv2d_f32s8). Every other shape runs the reference kernel.
#include <cmath>
#include <memory>
#include <vector>

#include "kernels/dynamic_fully_connected_f32s8.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/dynamic_conv2d_f32s8.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "runtime/ops/float_ops.h"
#include "runtime/ops/ops.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

class DynamicConv2DOp : public PreparedOp {
 public:
  DynamicConv2DOp(reference::DynamicConv2DParams params, const OpDesc& op, const TensorDesc& input,
                  const TensorDesc& filter, const TensorDesc* bias)
      : params_(params), filter_(reinterpret_cast<const int8_t*>(filter.data)),
        bias_(bias ? reinterpret_cast<const float*>(bias->data) : nullptr), scales_(filter.quantization.scales),
        scratch_(input.element_count), input_(op.inputs[0]), output_(op.outputs[0]) {
    params_.filter_scales = scales_.data();
    params_.filter_scale_count = static_cast<int>(scales_.size());
  }
  void run(const RunContext& c) const override {
    reference::dynamic_conv2d_f32s8(params_, float_data(c.tensor_data, input_), filter_, bias_, scratch_.data(),
                                    float_output(c.tensor_data, output_));
  }
  std::string kernel_name() const override { return "dynamic_conv2d_f32s8_reference"; }

 private:
  reference::DynamicConv2DParams params_;
  const int8_t* filter_;
  const float* bias_;
  std::vector<float> scales_;
  // The quantized input; sized at prepare. An interpreter runs one
  // invocation at a time, so the op may reuse it.
  mutable std::vector<int8_t> scratch_;
  int32_t input_, output_;
};

// A pointwise convolution on the packed dynamic FC kernel: filter [O,1,1,C] is [N=O, K=C].
class PointwiseDynamicConv2DOp : public PreparedOp {
 public:
  PointwiseDynamicConv2DOp(const DynamicFcKernel& kernel, const DynamicFcRunParams& params, const OpDesc& op,
                           const TensorDesc& filter, const TensorDesc* bias)
      : kernel_(kernel), params_(params), packed_(dynamic_fc_packed_size(kernel.layout, params.n, params.k)),
        scratch_(dynamic_fc_scratch_size(kernel.layout, params.m, params.k)), input_(op.inputs[0]),
        output_(op.outputs[0]) {
    const std::vector<float>& scales = filter.quantization.scales;
    dynamic_fc_pack(kernel.layout, params.n, params.k, reinterpret_cast<const int8_t*>(filter.data), scales.data(),
                    static_cast<int>(scales.size()), bias ? reinterpret_cast<const float*>(bias->data) : nullptr,
                    packed_.data());
  }
  void run(const RunContext& c) const override {
    kernel_.run(params_, float_data(c.tensor_data, input_), packed_.data(), scratch_.data(),
                float_output(c.tensor_data, output_));
  }
  std::string kernel_name() const override { return std::string(kernel_.name) + " (1x1 conv)"; }

 private:
  DynamicFcKernel kernel_;
  DynamicFcRunParams params_;
  std::vector<uint8_t> packed_;
  mutable std::vector<uint8_t> scratch_;  // the quantized input rows; sized at prepare
  int32_t input_, output_;
};

Status check_filter(const TensorDesc* w) {
  QRT_RETURN_IF_ERROR(check_required(w, "filter"));
  const std::string what = "filter " + describe_tensor(*w);
  if (w->dtype != DType::kInt8) return error(QRT_UNSUPPORTED, what + " must be int8");
  if (!w->is_constant()) return error(QRT_UNSUPPORTED, what + " must be a constant");
  QRT_RETURN_IF_ERROR(check_rank(*w, 4, "filter"));
  for (int32_t d : w->shape) {
    if (d < 1) return error(QRT_INVALID_MODEL, what + " is empty");
  }
  return check_symmetric_weight_scales(*w, what);
}

Status build_dynamic_conv2d(const Model& model, const OpDesc& op, const KernelTable* kernels,
                            std::unique_ptr<PreparedOp>* prepared) {
  const fb::Conv2DOptions* o = op.op->options_as_Conv2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "Conv2DOptions"));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  if (o->double_rounding() || o->scale_product_f32()) {
    return error(QRT_INVALID_MODEL, "Conv2DOptions: double_rounding and scale_product_f32 must be false (the op "
                                    "dequantizes in float32)");
  }
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc* filter = op_input(model, op, 1);
  const TensorDesc* bias = op_input(model, op, 2);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(input, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(&output, "output"));
  if (input->is_constant()) return error(QRT_UNSUPPORTED, "input " + describe_tensor(*input) + " is a constant");
  if (output.is_constant()) return error(QRT_INVALID_MODEL, "output " + describe_tensor(output) + " is a constant");
  QRT_RETURN_IF_ERROR(check_rank(*input, 4, "input"));
  QRT_RETURN_IF_ERROR(check_rank(output, 4, "output"));
  QRT_RETURN_IF_ERROR(check_filter(filter));
  const int in_c = input->shape[3];
  const int out_c = filter->shape[0];
  const int groups = o->groups();
  if (groups < 1 || in_c < 1 || in_c % groups != 0 || out_c % groups != 0) {
    return error(QRT_INVALID_MODEL, "groups " + std::to_string(groups) + " must divide input channels " +
                                        std::to_string(in_c) + " and output channels " + std::to_string(out_c));
  }
  if (filter->shape[3] != in_c / groups) {
    return error(QRT_INVALID_MODEL, "filter " + describe_tensor(*filter) + " has " + std::to_string(filter->shape[3]) +
                                        " input channels per group; input " + describe_tensor(*input) + " with " +
                                        std::to_string(groups) + " groups needs " + std::to_string(in_c / groups));
  }
  const int64_t depth = int64_t{filter->shape[1]} * filter->shape[2] * filter->shape[3];
  if (depth > reference::kDynamicFullyConnectedMaxDepth) {
    return error(QRT_UNSUPPORTED, "filter " + describe_tensor(*filter) + ": a reduction over " + std::to_string(depth) +
                                      " values (more than " +
                                      std::to_string(reference::kDynamicFullyConnectedMaxDepth) +
                                      ") could overflow the int32 accumulator");
  }
  WindowOptions window = window_options(*o);
  window.dilation_h = o->dilation_h();
  window.dilation_w = o->dilation_w();
  WindowGeometry g;
  QRT_RETURN_IF_ERROR(resolve_window(window, input->shape[1], input->shape[2], filter->shape[1], filter->shape[2], &g));
  QRT_RETURN_IF_ERROR(
      check_shape(output, {input->shape[0], g.rows.output_size, g.cols.output_size, out_c}, "output"));
  if (bias != nullptr) {
    QRT_RETURN_IF_ERROR(check_float_constant(bias, "bias"));
    if (bias->element_count != static_cast<size_t>(out_c)) {
      return error(QRT_INVALID_MODEL, "bias " + describe_tensor(*bias) + " should have " + std::to_string(out_c) +
                                          " values");
    }
  }
  if (prepared == nullptr) return ok_status();
  const reference::ClampF32 clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  const bool pointwise = filter->shape[1] == 1 && filter->shape[2] == 1 && groups == 1 && window.stride_h == 1 &&
                         window.stride_w == 1 && g.rows.pad_before == 0 && g.cols.pad_before == 0 &&
                         g.rows.output_size == input->shape[1] && g.cols.output_size == input->shape[2];
  if (pointwise && kernels != nullptr && kernels->dynamic_fully_connected.run != nullptr) {
    DynamicFcRunParams r;
    r.m = input->element_count / static_cast<size_t>(in_c);
    r.n = out_c;
    r.k = in_c;
    r.has_bias = bias != nullptr;
    r.clamp = clamp;
    *prepared = std::make_unique<PointwiseDynamicConv2DOp>(kernels->dynamic_fully_connected, r, op, *filter, bias);
    return ok_status();
  }
  reference::DynamicConv2DParams p;
  p.batch = input->shape[0];
  p.input_height = input->shape[1];
  p.input_width = input->shape[2];
  p.input_channels = in_c;
  p.output_height = g.rows.output_size;
  p.output_width = g.cols.output_size;
  p.output_channels = out_c;
  p.kernel_height = filter->shape[1];
  p.kernel_width = filter->shape[2];
  p.stride_height = window.stride_h;
  p.stride_width = window.stride_w;
  p.dilation_height = window.dilation_h;
  p.dilation_width = window.dilation_w;
  p.pad_top = g.rows.pad_before;
  p.pad_left = g.cols.pad_before;
  p.groups = groups;
  p.clamp = clamp;
  *prepared = std::make_unique<DynamicConv2DOp>(p, op, *input, *filter, bias);
  return ok_status();
}

}  // namespace

Status validate_dynamic_conv2d(const Model& model, const OpDesc& op) {
  return build_dynamic_conv2d(model, op, nullptr, nullptr);
}

Status prepare_dynamic_conv2d(const Model& model, const OpDesc& op, const KernelTable& kernels,
                              std::unique_ptr<PreparedOp>* prepared) {
  return build_dynamic_conv2d(model, op, &kernels, prepared);
}

}  // namespace qrt
