// Converters for the ops that compute: convolutions, fully connected,
// element-wise, pools, softmax, table ops, quantize, mean, concatenation.
#include <algorithm>

#include "converter/tflite/tflite_ops.h"

namespace qrt::tflite_import {
namespace {

// Dimension `d` of a tensor that must have rank `rank`.
int32_t dim(const Context& c, const TfliteOp& op, int tensor, size_t rank, size_t d, const char* role) {
  const std::vector<int32_t> shape = c.graph().shape(tensor);
  if (shape.size() != rank) {
    throw ImportError(op_where(op) + ": " + role + " " + c.graph().describe(tensor) + " must have rank " +
                      std::to_string(rank));
  }
  return shape[d];
}

// More than one scale: per-channel quantization.
bool has_per_channel_scales(const Context& c, int tensor) {
  const tfl::QuantizationParameters* q = c.graph().tensor(tensor).quantization();
  return q && q->scale() && q->scale()->size() > 1;
}

fb::OpType binary_type(int code) {
  switch (code) {
    case kAdd: return fb::OpType::ADD;
    case kSub: return fb::OpType::SUB;
    default: return fb::OpType::MUL;
  }
}

fb::OpType unary_type(int code) {
  switch (code) {
    case kLogistic: return fb::OpType::LOGISTIC;
    case kTanh: return fb::OpType::TANH;
    case kHardSwish: return fb::OpType::HARD_SWISH;
    case kRelu: return fb::OpType::RELU;
    case kRelu6: return fb::OpType::RELU6;
    case kQuantize: return fb::OpType::QUANTIZE;
    default: return fb::OpType::DEQUANTIZE;
  }
}

}  // namespace

fb::Activation convert_activation(const TfliteOp& op, tfl::ActivationFunctionType activation) {
  switch (activation) {
    case tfl::ActivationFunctionType::NONE: return fb::Activation::NONE;
    case tfl::ActivationFunctionType::RELU: return fb::Activation::RELU;
    case tfl::ActivationFunctionType::RELU6: return fb::Activation::RELU6;
    case tfl::ActivationFunctionType::RELU_N1_TO_1: return fb::Activation::RELU_N1_TO_1;
    default: {
      (void)op;
      const char* name = tfl::EnumNameActivationFunctionType(activation);
      throw UnsupportedOp(std::string("fused activation ") + (name && *name ? name : "unknown") +
                          " is not supported");
    }
  }
}

fb::Padding convert_padding(const TfliteOp& op, tfl::Padding padding) {
  switch (padding) {
    case tfl::Padding::SAME: return fb::Padding::SAME;
    case tfl::Padding::VALID: return fb::Padding::VALID;
    default: throw ImportError(op_where(op) + ": unknown padding " + std::to_string(static_cast<int>(padding)));
  }
}

void convert_conv2d(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 3, 1);
  const auto* o = required_options(op, op.op->builtin_options_as_Conv2DOptions(), "Conv2DOptions");
  const int input = c.input(op, 0), filter = c.input(op, 1);
  const int32_t in_c = dim(c, op, input, 4, 3, "input");
  const int32_t filter_in_c = dim(c, op, filter, 4, 3, "filter");
  // TFLite marks grouped convolution only by the filter's input depth.
  if (filter_in_c < 1 || in_c % filter_in_c != 0) {
    throw ImportError(op_where(op) + ": filter input depth " + std::to_string(filter_in_c) +
                      " does not divide the input's " + std::to_string(in_c) + " channels");
  }
  fb::Conv2DOptionsT conv;
  conv.padding = convert_padding(op, o->padding());
  conv.stride_h = o->stride_h();
  conv.stride_w = o->stride_w();
  conv.dilation_h = o->dilation_h_factor();
  conv.dilation_w = o->dilation_w_factor();
  conv.groups = in_c / filter_in_c;
  conv.activation = convert_activation(op, o->fused_activation_function());
  // TFLite runs uint8 convolutions through gemmlowp, with the multiplier of
  // GetQuantizedConvolutionMultipler (float32 scale product).
  conv.double_rounding = c.is_uint8(input);
  conv.scale_product_f32 = c.is_uint8(input);
  const int bias = op.inputs.size() > 2 ? op.inputs[2] : -1;
  c.emit(fb::OpType::CONV_2D, {c.tensor(input), c.tensor(filter), c.optional_tensor(bias)},
         {c.tensor(c.output(op, 0))}, make_options(std::move(conv)), op.name);
}

void convert_depthwise_conv2d(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 3, 1);
  const auto* o =
      required_options(op, op.op->builtin_options_as_DepthwiseConv2DOptions(), "DepthwiseConv2DOptions");
  const int input = c.input(op, 0), filter = c.input(op, 1);
  const int32_t in_c = dim(c, op, input, 4, 3, "input");
  const int32_t out_c = dim(c, op, filter, 4, 3, "filter");
  // The option's depth_multiplier is unreliable in old files; TFLite itself
  // derives it from the shapes.
  if (in_c < 1 || out_c % in_c != 0) {
    throw ImportError(op_where(op) + ": filter depth " + std::to_string(out_c) +
                      " is not a multiple of the input's " + std::to_string(in_c) + " channels");
  }
  fb::DepthwiseConv2DOptionsT dw;
  dw.padding = convert_padding(op, o->padding());
  dw.stride_h = o->stride_h();
  dw.stride_w = o->stride_w();
  dw.dilation_h = o->dilation_h_factor();
  dw.dilation_w = o->dilation_w_factor();
  dw.depth_multiplier = out_c / in_c;
  dw.activation = convert_activation(op, o->fused_activation_function());
  dw.scale_product_f32 = c.is_uint8(input);  // uint8: GetQuantizedConvolutionMultipler
  const int bias = op.inputs.size() > 2 ? op.inputs[2] : -1;
  c.emit(fb::OpType::DEPTHWISE_CONV_2D, {c.tensor(input), c.tensor(filter), c.optional_tensor(bias)},
         {c.tensor(c.output(op, 0))}, make_options(std::move(dw)), op.name);
}

void convert_fully_connected(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 3, 1);
  fb::FullyConnectedOptionsT fc;
  if (const auto* o = op.op->builtin_options_as_FullyConnectedOptions()) {
    if (o->weights_format() != 0) throw UnsupportedOp("shuffled FULLY_CONNECTED weights are not supported");
    fc.activation = convert_activation(op, o->fused_activation_function());
    fc.keep_dims = o->keep_num_dims();
  }
  // TFLite runs uint8 FULLY_CONNECTED through gemmlowp, and forms the
  // multiplier of every per-tensor one with GetQuantizedConvolutionMultipler
  // (float32 scale product); per-channel weights get double products.
  const int weights = c.input(op, 1);
  fc.double_rounding = c.is_uint8(c.input(op, 0));
  fc.scale_product_f32 = c.is_uint8(c.input(op, 0)) || !has_per_channel_scales(c, weights);
  const int bias = op.inputs.size() > 2 ? op.inputs[2] : -1;
  c.emit(fb::OpType::FULLY_CONNECTED, {c.tensor(c.input(op, 0)), c.tensor(weights), c.optional_tensor(bias)},
         {c.tensor(c.output(op, 0))}, make_options(std::move(fc)), op.name);
}

void convert_binary(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 2, 1);
  tfl::ActivationFunctionType activation = tfl::ActivationFunctionType::NONE;
  if (const auto* o = op.op->builtin_options_as_AddOptions()) activation = o->fused_activation_function();
  if (const auto* o = op.op->builtin_options_as_SubOptions()) activation = o->fused_activation_function();
  if (const auto* o = op.op->builtin_options_as_MulOptions()) activation = o->fused_activation_function();
  fb::BinaryOptionsT binary;
  binary.activation = convert_activation(op, activation);
  c.emit(binary_type(op.code), {c.tensor(c.input(op, 0)), c.tensor(c.input(op, 1))}, {c.tensor(c.output(op, 0))},
         make_options(std::move(binary)), op.name);
}

void convert_pool2d(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 1, 1, 1);
  const auto* o = required_options(op, op.op->builtin_options_as_Pool2DOptions(), "Pool2DOptions");
  fb::Pool2DOptionsT pool;
  pool.padding = convert_padding(op, o->padding());
  pool.stride_h = o->stride_h();
  pool.stride_w = o->stride_w();
  pool.filter_h = o->filter_height();
  pool.filter_w = o->filter_width();
  pool.activation = convert_activation(op, o->fused_activation_function());
  pool.count_include_pad = false;  // TFLite divides by the valid elements
  // TFLite's uint8 average pool rounds on the uint8 values, half up; its int8
  // one half away from zero (the .qfb default).
  pool.round_half_up = op.code == kAveragePool2D && c.is_uint8(c.input(op, 0));
  c.emit(op.code == kMaxPool2D ? fb::OpType::MAX_POOL_2D : fb::OpType::AVERAGE_POOL_2D, {c.tensor(c.input(op, 0))},
         {c.tensor(c.output(op, 0))}, make_options(std::move(pool)), op.name);
}

void convert_softmax(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 1, 1, 1);
  fb::SoftmaxOptionsT softmax;
  if (const auto* o = op.op->builtin_options_as_SoftmaxOptions()) softmax.beta = o->beta();
  c.emit(fb::OpType::SOFTMAX, {c.tensor(c.input(op, 0))}, {c.tensor(c.output(op, 0))},
         make_options(std::move(softmax)), op.name);
}

void convert_unary(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 1, 1, 1);
  c.emit(unary_type(op.code), {c.tensor(c.input(op, 0))}, {c.tensor(c.output(op, 0))}, {}, op.name);
}

void convert_leaky_relu(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 1, 1, 1);
  fb::LeakyReluOptionsT leaky;
  if (const auto* o = op.op->builtin_options_as_LeakyReluOptions()) leaky.alpha = o->alpha();
  c.emit(fb::OpType::LEAKY_RELU, {c.tensor(c.input(op, 0))}, {c.tensor(c.output(op, 0))},
         make_options(std::move(leaky)), op.name);
}

void convert_mean(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 2, 1);
  const int input = c.input(op, 0);
  const int rank = static_cast<int>(c.graph().shape(input).size());
  fb::MeanOptionsT mean;
  for (int64_t axis : c.graph().int_values(c.input(op, 1), "MEAN axes")) {
    if (axis < -rank || axis >= rank) {
      throw ImportError(op_where(op) + ": axis " + std::to_string(axis) + " out of range for rank " +
                        std::to_string(rank));
    }
    const int32_t a = static_cast<int32_t>(axis < 0 ? axis + rank : axis);
    if (std::find(mean.axes.begin(), mean.axes.end(), a) == mean.axes.end()) mean.axes.push_back(a);
  }
  std::sort(mean.axes.begin(), mean.axes.end());
  const auto* o = op.op->builtin_options_as_ReducerOptions();
  mean.keep_dims = o && o->keep_dims();
  // TFLite's uint8 Mean over H, W (keep_dims) sums the uint8 values.
  mean.uint8_arithmetic = c.is_uint8(input);
  c.emit(fb::OpType::MEAN, {c.tensor(input)}, {c.tensor(c.output(op, 0))}, make_options(std::move(mean)), op.name);
}

void convert_concatenation(Context& c, const TfliteOp& op) {
  if (op.inputs.empty()) throw ImportError(op_where(op) + " has no inputs");
  c.expect_counts(op, op.inputs.size(), op.inputs.size(), 1);
  const auto* o = required_options(op, op.op->builtin_options_as_ConcatenationOptions(), "ConcatenationOptions");
  fb::ConcatenationOptionsT concat;
  concat.axis = o->axis();
  concat.activation = convert_activation(op, o->fused_activation_function());
  std::vector<int32_t> inputs;
  for (size_t k = 0; k < op.inputs.size(); ++k) inputs.push_back(c.tensor(c.input(op, k)));
  c.emit(fb::OpType::CONCATENATION, inputs, {c.tensor(c.output(op, 0))}, make_options(std::move(concat)), op.name);
}

}  // namespace qrt::tflite_import
