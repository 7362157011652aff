// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on XNNPACK's qc8
// convolution (int8 activations, int8 weights with one float scale per
// output channel, float32 requantization). FULLY_CONNECTED is a 1x1
// convolution over a batch of 1x1 images: this XNNPACK has no per-channel
// fully-connected operator.
#include "runtime/backends/xnnpack/xnnpack_ops.h"

#include <vector>

#include "kernels/requantization.h"
#include "runtime/backends/xnnpack/xnnpack_operator.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

// What every accumulating op hands to xnn_create_convolution2d_nhwc_qc8
// besides its geometry.
struct ConvQuant {
  const TensorDesc* input;
  const TensorDesc* weights;
  const int32_t* bias;  // nullptr: no bias
  const TensorDesc* output;
  std::vector<float> weight_scales;  // one per output channel
  ClampRange clamp;
};

// Symmetric weights only: XNNPACK has no weight zero point.
bool describe_quant(const Model& model, const OpDesc& op, fb::Activation activation, ConvQuant* q,
                    std::string* declined) {
  q->input = op_input(model, op, 0);
  q->weights = op_input(model, op, 1);
  const TensorDesc* bias = op_input(model, op, 2);
  q->bias = bias ? reinterpret_cast<const int32_t*>(bias->data) : nullptr;
  q->output = &op_output(model, op, 0);
  if (!q->weights->quantization.per_channel() && q->weights->zero_point() != 0) {
    *declined = "weights have zero point " + std::to_string(q->weights->zero_point()) +
                " (XNNPACK takes symmetric weights only)";
    return false;
  }
  q->clamp = activation_range_s8(static_cast<FusedActivation>(activation), q->output->scale(),
                                 q->output->zero_point());
  return clamp_fits_xnnpack(q->clamp, declined);
}

// Per-tensor weights repeat their one scale: the same float32 products.
std::vector<float> channel_scales(const TensorDesc& weights, size_t channels) {
  const std::vector<float>& scales = weights.quantization.scales;
  return scales.size() == channels ? scales : std::vector<float>(channels, scales[0]);
}

struct ConvGeometry {
  uint32_t pad_top = 0, pad_right = 0, pad_bottom = 0, pad_left = 0;
  uint32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  uint32_t groups = 1;
  size_t group_input_channels = 0, group_output_channels = 0;
  size_t input_stride = 0, output_stride = 0;
  size_t batch = 1, input_h = 1, input_w = 1;
  uint32_t flags = 0;
};

void create_conv(const ConvGeometry& g, const ConvQuant& q, const OpDesc& op, const char* kernel_name,
                 std::unique_ptr<DelegatedOp>* prepared, std::string* declined) {
  const std::vector<float> scales = channel_scales(*q.weights, size_t{g.groups} * g.group_output_channels);
  xnn_operator_t xop = nullptr;
  const xnn_status status = xnn_create_convolution2d_nhwc_qc8(
      g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.dilation_h,
      g.dilation_w, g.groups, g.group_input_channels, g.group_output_channels, g.input_stride, g.output_stride,
      static_cast<int8_t>(q.input->zero_point()), q.input->scale(), scales.data(),
      reinterpret_cast<const int8_t*>(q.weights->data), q.bias, static_cast<int8_t>(q.output->zero_point()),
      q.output->scale(), static_cast<int8_t>(q.clamp.min), static_cast<int8_t>(q.clamp.max), g.flags, &xop);
  if (status != xnn_status_success) {
    *declined = std::string("xnn_create_convolution2d_nhwc_qc8: ") + xnn_status_text(status);
    return;
  }
  const int32_t input = op.inputs[0], output = op.outputs[0];
  const size_t batch = g.batch, height = g.input_h, width = g.input_w;
  prepared->reset(new XnnpackOp(xop, kernel_name, [=](xnn_operator_t o, uint8_t* const* data, pthreadpool_t pool) {
    return xnn_setup_convolution2d_nhwc_qc8(o, batch, height, width, s8_in(data, input), s8_out(data, output),
                                            pool);
  }));
}

template <typename Options>
bool window_geometry(const Options& o, const TensorDesc& input, const TensorDesc& weights, int kh_dim, int kw_dim,
                     ConvGeometry* g, std::string* declined) {
  WindowOptions w = window_options(o);
  w.dilation_h = o.dilation_h();
  w.dilation_w = o.dilation_w();
  WindowGeometry geometry;
  const Status status =
      resolve_window(w, input.shape[1], input.shape[2], weights.shape[kh_dim], weights.shape[kw_dim], &geometry);
  if (!status.ok()) {  // the loader checked this; kept so a bug cannot reach XNNPACK
    *declined = status.message;
    return false;
  }
  g->pad_top = static_cast<uint32_t>(geometry.rows.pad_before);
  g->pad_bottom = static_cast<uint32_t>(geometry.rows.pad_after);
  g->pad_left = static_cast<uint32_t>(geometry.cols.pad_before);
  g->pad_right = static_cast<uint32_t>(geometry.cols.pad_after);
  g->kernel_h = static_cast<uint32_t>(weights.shape[kh_dim]);
  g->kernel_w = static_cast<uint32_t>(weights.shape[kw_dim]);
  g->stride_h = static_cast<uint32_t>(o.stride_h());
  g->stride_w = static_cast<uint32_t>(o.stride_w());
  g->dilation_h = static_cast<uint32_t>(o.dilation_h());
  g->dilation_w = static_cast<uint32_t>(o.dilation_w());
  g->batch = static_cast<size_t>(input.shape[0]);
  g->input_h = static_cast<size_t>(input.shape[1]);
  g->input_w = static_cast<size_t>(input.shape[2]);
  return true;
}

}  // namespace

void xnnpack_prepare_conv2d(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                            std::string* declined) {
  const fb::Conv2DOptions& o = *op.op->options_as_Conv2DOptions();
  ConvQuant q;
  if (!describe_quant(model, op, o.activation(), &q, declined)) return;
  ConvGeometry g;
  // Weights [O][KH][KW][I/groups]: XNNPACK's [groups][O/groups][KH][KW][I/groups].
  if (!window_geometry(o, *q.input, *q.weights, 1, 2, &g, declined)) return;
  g.groups = static_cast<uint32_t>(o.groups());
  g.group_input_channels = static_cast<size_t>(q.weights->shape[3]);
  g.group_output_channels = static_cast<size_t>(q.weights->shape[0]) / g.groups;
  g.input_stride = static_cast<size_t>(q.input->shape[3]);
  g.output_stride = static_cast<size_t>(q.output->shape[3]);
  create_conv(g, q, op, "xnnpack_convolution2d_nhwc_qc8", prepared, declined);
}

void xnnpack_prepare_depthwise_conv2d(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                                      std::string* declined) {
  const fb::DepthwiseConv2DOptions& o = *op.op->options_as_DepthwiseConv2DOptions();
  ConvQuant q;
  if (!describe_quant(model, op, o.activation(), &q, declined)) return;
  ConvGeometry g;
  // Weights [1][KH][KW][C*M]: XNNPACK's depthwise (HWGo) layout.
  if (!window_geometry(o, *q.input, *q.weights, 1, 2, &g, declined)) return;
  g.groups = static_cast<uint32_t>(q.input->shape[3]);
  g.group_input_channels = 1;
  g.group_output_channels = static_cast<size_t>(o.depth_multiplier());
  g.input_stride = static_cast<size_t>(q.input->shape[3]);
  g.output_stride = static_cast<size_t>(q.output->shape[3]);
  g.flags = XNN_FLAG_DEPTHWISE_CONVOLUTION;
  create_conv(g, q, op, "xnnpack_convolution2d_nhwc_qc8_depthwise", prepared, declined);
}

void xnnpack_prepare_fully_connected(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                                     std::string* declined) {
  const fb::FullyConnectedOptions& o = *op.op->options_as_FullyConnectedOptions();
  ConvQuant q;
  if (!describe_quant(model, op, o.activation(), &q, declined)) return;
  ConvGeometry g;
  // Weights [N][K]: a 1x1 convolution's [N][1][1][K]; each row a 1x1 image.
  g.group_input_channels = static_cast<size_t>(q.weights->shape[1]);
  g.group_output_channels = static_cast<size_t>(q.weights->shape[0]);
  g.input_stride = g.group_input_channels;
  g.output_stride = g.group_output_channels;
  g.batch = q.input->element_count / g.group_input_channels;
  create_conv(g, q, op, "xnnpack_convolution2d_nhwc_qc8_1x1", prepared, declined);
}

}  // namespace qrt
