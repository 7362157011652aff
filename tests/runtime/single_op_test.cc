// Every op the runtime supports, one at a time: a one-op model built with
// QfbWriter runs through load, prepare and invoke, and must give exactly the
// bytes of the op's reference kernel called directly, with parameters this
// test derives itself (the kernels' own init and table functions, geometry
// resolved by hand from docs/format.md). That pins the op glue: the shapes,
// quantization, options and tensor order the model states are the ones that
// reach the kernel. Every op runs under both requantization rules; the
// data-movement ops ignore the rule and run under both to show it.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "kernels/reference/unary_lut_builders.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"

using namespace qrt;

namespace {

using Bytes = std::vector<uint8_t>;
using Shape = std::vector<int32_t>;

struct Quant {
  float scale;
  int32_t zero_point;
};

// The TFLite-defined output quantization of fixedpoint softmax and logistic,
// and of fixedpoint tanh.
constexpr Quant kUnitIntervalQuant{1.0f / 256.0f, -128};
constexpr Quant kSignedUnitQuant{1.0f / 128.0f, 0};

// ---- seeded draws ----------------------------------------------------------

class Draw {
 public:
  explicit Draw(uint32_t seed) : rng_(seed) {}
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  float real(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng_); }
  bool coin() { return integer(0, 1) == 1; }
  template <typename T>
  T pick(std::initializer_list<T> options) {
    return *(options.begin() + integer(0, static_cast<int>(options.size()) - 1));
  }
  Quant quant(float lo, float hi) { return {real(lo, hi), integer(-60, 60)}; }
  Bytes s8(size_t count) {
    Bytes bytes(count);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(integer(0, 255));
    return bytes;
  }
  Shape dims(int rank, int lo, int hi) {
    Shape shape(rank);
    for (int32_t& d : shape) d = integer(lo, hi);
    return shape;
  }
  std::mt19937& engine() { return rng_; }

 private:
  std::mt19937 rng_;
};

size_t element_count(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), size_t{1}, [](size_t a, int32_t d) { return a * d; });
}

std::string text(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string text(Quant q) {
  std::ostringstream s;
  s << "(scale " << q.scale << ", zp " << q.zero_point << ")";
  return s.str();
}

const int8_t* s8(const Bytes& b) { return reinterpret_cast<const int8_t*>(b.data()); }
int8_t* s8(Bytes& b) { return reinterpret_cast<int8_t*>(b.data()); }

RequantRule kernel_rule(fb::RequantRule rule) {
  return rule == fb::RequantRule::FIXEDPOINT ? RequantRule::kFixedPoint : RequantRule::kFp32;
}

template <typename OptionsT>
fb::OpOptionsUnion wrap(OptionsT options) {
  fb::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

fb::Activation draw_activation(Draw& d) {
  return d.pick({fb::Activation::NONE, fb::Activation::RELU, fb::Activation::RELU6, fb::Activation::RELU_N1_TO_1});
}

ClampRange clamp_of(fb::Activation activation, Quant out) {
  return activation_range_s8(static_cast<FusedActivation>(activation), out.scale, out.zero_point);
}

// ---- one-op models and running them ---------------------------------------

// A model of one op: graph inputs the caller fills in order, one graph output.
struct OneOpModel {
  QfbWriter writer;
  std::vector<int> graph_inputs;

  int input(const std::string& name, const Shape& shape, Quant q) {
    return add_input(name, fb::DType::INT8, shape, {q.scale}, {q.zero_point});
  }
  int float_input(const std::string& name, const Shape& shape) {
    return add_input(name, fb::DType::FLOAT32, shape, {}, {});
  }
  int output(const Shape& shape, Quant q) { return add_output(fb::DType::INT8, shape, {q.scale}, {q.zero_point}); }
  int float_output(const Shape& shape) { return add_output(fb::DType::FLOAT32, shape, {}, {}); }

 private:
  int add_input(const std::string& name, fb::DType dtype, const Shape& shape, const std::vector<float>& scales,
                const std::vector<int32_t>& zero_points) {
    const int t = writer.add_tensor(name, dtype, shape, scales, zero_points);
    writer.add_input(t, dtype);
    graph_inputs.push_back(t);
    return t;
  }
  int add_output(fb::DType dtype, const Shape& shape, const std::vector<float>& scales,
                 const std::vector<int32_t>& zero_points) {
    const int t = writer.add_tensor("output", dtype, shape, scales, zero_points);
    writer.add_output(t, dtype);
    return t;
  }
};

// Load, prepare, fill the inputs, invoke; the output's bytes.
Bytes run_through_interpreter(const OneOpModel& m, const std::vector<Bytes>& inputs) {
  const Bytes file = m.writer.serialize();
  std::unique_ptr<Model> model;
  const Status loaded = Model::load_buffer(file.data(), file.size(), /*copy=*/true, &model);
  INFO("load: " << loaded.message);
  REQUIRE(loaded.ok());
  Interpreter interpreter(*model, {});
  const Status prepared = interpreter.prepare();
  INFO("prepare: " << prepared.message);
  REQUIRE(prepared.ok());
  REQUIRE(model->inputs().size() == inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    REQUIRE(inputs[i].size() == model->tensors()[model->inputs()[i].tensor].byte_size);
    std::memcpy(interpreter.input_buffer(i), inputs[i].data(), inputs[i].size());
  }
  REQUIRE(interpreter.invoke().ok());
  const size_t size = model->tensors()[model->outputs()[0].tensor].byte_size;
  return Bytes(interpreter.output_buffer(0), interpreter.output_buffer(0) + size);
}

// Byte-for-byte equality, naming the first differing byte on failure.
void require_same_bytes(const Bytes& interpreter, const Bytes& reference) {
  REQUIRE(interpreter.size() == reference.size());
  const size_t first = static_cast<size_t>(
      std::mismatch(interpreter.begin(), interpreter.end(), reference.begin()).first - interpreter.begin());
  INFO((first == interpreter.size()
            ? std::string("no difference")
            : "first difference at byte " + std::to_string(first) + " of " + std::to_string(interpreter.size()) +
                  ": interpreter " + std::to_string(static_cast<int8_t>(interpreter[first])) + ", reference " +
                  std::to_string(static_cast<int8_t>(reference[first])) + " (as int8)"));
  REQUIRE(interpreter == reference);
}

// Run the model and compare with the reference output; `what` describes the
// drawn case for the failure message.
void check_against_reference(const std::string& what, const OneOpModel& m, const std::vector<Bytes>& inputs,
                             const Bytes& expected) {
  INFO(what);
  require_same_bytes(run_through_interpreter(m, inputs), expected);
}

// ---- windows (conv, depthwise, pooling) ------------------------------------

// Output size and leading pad of one spatial axis, from the definitions in
// docs/format.md (TFLite SAME and VALID, explicit pads), not the runtime's
// helpers.
struct Axis {
  int output;
  int pad_before;
};

Axis resolve_axis(fb::Padding padding, int input, int filter, int stride, int dilation, int pad_before,
                  int pad_after) {
  const int extent = (filter - 1) * dilation + 1;
  switch (padding) {
    case fb::Padding::SAME: {
      const int output = (input + stride - 1) / stride;  // ceil(input / stride)
      const int total = std::max(0, (output - 1) * stride + extent - input);
      return {output, total / 2};  // the odd pixel goes after
    }
    case fb::Padding::VALID: return {input >= extent ? (input - extent) / stride + 1 : 0, 0};
    default: {
      const int span = input + pad_before + pad_after - extent;
      return {span >= 0 ? span / stride + 1 : 0, pad_before};
    }
  }
}

struct Window {
  fb::Padding padding = fb::Padding::VALID;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  Axis rows{0, 0}, cols{0, 0};

  std::string describe() const {
    std::ostringstream s;
    s << fb::EnumNamePadding(padding) << " pads " << pad_top << "," << pad_bottom << "," << pad_left << ","
      << pad_right << " stride " << stride_h << "x" << stride_w << " dilation " << dilation_h << "x" << dilation_w
      << " -> output " << rows.output << "x" << cols.output;
    return s.str();
  }
};

// A window whose output is at least 1x1. Pooling (no dilation) keeps
// explicit pads below the filter so no window lies entirely in the padding,
// which the runtime refuses.
Window draw_window(Draw& d, int in_h, int in_w, int kh, int kw, bool pooling) {
  for (;;) {
    Window w;
    w.padding = d.pick({fb::Padding::SAME, fb::Padding::VALID, fb::Padding::EXPLICIT});
    w.stride_h = d.integer(1, 2);
    w.stride_w = d.integer(1, 3);
    if (!pooling) {
      w.dilation_h = d.integer(1, 2);
      w.dilation_w = d.integer(1, 2);
    }
    if (w.padding == fb::Padding::EXPLICIT) {
      const int max_h = pooling ? kh - 1 : 2, max_w = pooling ? kw - 1 : 2;
      w.pad_top = d.integer(0, max_h);
      w.pad_bottom = d.integer(0, max_h);
      w.pad_left = d.integer(0, max_w);
      w.pad_right = d.integer(0, max_w);
    }
    w.rows = resolve_axis(w.padding, in_h, kh, w.stride_h, w.dilation_h, w.pad_top, w.pad_bottom);
    w.cols = resolve_axis(w.padding, in_w, kw, w.stride_w, w.dilation_w, w.pad_left, w.pad_right);
    if (w.rows.output >= 1 && w.cols.output >= 1) return w;
  }
}

template <typename OptionsT>
void set_window_options(const Window& w, OptionsT* o) {
  o->padding = w.padding;
  o->pad_top = w.pad_top;
  o->pad_bottom = w.pad_bottom;
  o->pad_left = w.pad_left;
  o->pad_right = w.pad_right;
  o->stride_h = w.stride_h;
  o->stride_w = w.stride_w;
}

// ---- accumulating ops: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED ----------

struct Weights {
  Shape shape;
  Bytes bytes;
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int32_t channel_axis = -1;

  // Per-channel weights are symmetric; per-tensor ones carry a zero point.
  int32_t filter_zero_point() const { return channel_axis < 0 ? zero_points[0] : 0; }
  float largest_scale() const { return *std::max_element(scales.begin(), scales.end()); }
  std::string describe() const {
    return "weights " + text(shape) + (channel_axis < 0 ? " per tensor zp " + std::to_string(zero_points[0])
                                                        : " per channel on axis " + std::to_string(channel_axis));
  }
};

Weights draw_weights(Draw& d, const Shape& shape, int32_t channel_axis) {
  Weights w;
  w.shape = shape;
  w.bytes = d.s8(element_count(shape));
  if (d.coin()) {
    w.channel_axis = channel_axis;
    for (int32_t c = 0; c < shape[channel_axis]; ++c) w.scales.push_back(d.real(0.002f, 0.02f));
    w.zero_points.assign(w.scales.size(), 0);
  } else {
    w.scales = {d.real(0.002f, 0.02f)};
    w.zero_points = {d.integer(-20, 20)};
  }
  return w;
}

// An output scale that keeps typical accumulators of `depth` products
// inside the int8 range, so the outputs are not all saturated.
Quant accumulator_output_quant(Draw& d, Quant in, const Weights& w, int depth) {
  const float typical = in.scale * w.largest_scale() * std::sqrt(static_cast<float>(depth)) * 130.0f;
  return {typical * d.real(0.5f, 2.0f), d.integer(-40, 40)};
}

// Optional bias: absent (-1) or a small int32 constant.
struct Bias {
  std::vector<int32_t> values;
  int tensor = -1;
  const int32_t* data() const { return tensor < 0 ? nullptr : values.data(); }
};

Bias add_bias(Draw& d, OneOpModel& m, int channels) {
  Bias b;
  if (d.coin()) return b;
  for (int c = 0; c < channels; ++c) b.values.push_back(d.integer(-3000, 3000));
  b.tensor = m.writer.add_constant("bias", fb::DType::INT32, {channels}, to_bytes(b.values));
  return b;
}

int add_weights(OneOpModel& m, const Weights& w) {
  return m.writer.add_constant("weights", fb::DType::INT8, w.shape, w.bytes, w.scales, w.zero_points,
                               w.channel_axis);
}

// Conv and fully connected round the fixedpoint rule once (as TFLite's ruy
// GEMM) unless their weights are asymmetric per tensor (legacy uint8 models,
// which TFLite runs through gemmlowp), depthwise twice; see FixedPointRounding.
FixedPointRounding gemm_rounding(const Weights& w) {
  return w.filter_zero_point() != 0 ? FixedPointRounding::kDouble : FixedPointRounding::kSingle;
}
OutputRequantStorage epilogue(fb::RequantRule rule, Quant in, const Weights& w, Quant out, fb::Activation act,
                              FixedPointRounding rounding) {
  return make_output_requant(kernel_rule(rule), in.scale, w.scales.data(), w.scales.size(), out.scale,
                             out.zero_point, clamp_of(act, out), rounding);
}

void check_conv2d(fb::RequantRule rule, Draw& d) {
  const int batch = d.integer(1, 2), in_h = d.integer(3, 8), in_w = d.integer(3, 8);
  const int groups = d.integer(1, 2);
  const int in_c = groups * d.integer(1, 3), out_c = groups * d.integer(1, 3);
  const int kh = d.integer(1, 3), kw = d.integer(1, 3);
  const Window win = draw_window(d, in_h, in_w, kh, kw, /*pooling=*/false);
  const fb::Activation act = draw_activation(d);
  const Quant in_q = d.quant(0.01f, 0.05f);
  const Weights w = draw_weights(d, {out_c, kh, kw, in_c / groups}, 0);
  const Quant out_q = accumulator_output_quant(d, in_q, w, kh * kw * in_c / groups);
  const Shape in_shape{batch, in_h, in_w, in_c}, out_shape{batch, win.rows.output, win.cols.output, out_c};

  OneOpModel m;
  const int input = m.input("input", in_shape, in_q);
  const int weights = add_weights(m, w);
  const Bias bias = add_bias(d, m, out_c);
  const int output = m.output(out_shape, out_q);
  fb::Conv2DOptionsT o;
  set_window_options(win, &o);
  o.dilation_h = win.dilation_h;
  o.dilation_w = win.dilation_w;
  o.groups = groups;
  o.activation = act;
  m.writer.add_op(fb::OpType::CONV_2D, {input, weights, bias.tensor}, {output}, wrap(o), rule, "conv");

  reference::Conv2DParams p;
  p.batch = batch;
  p.input_height = in_h;
  p.input_width = in_w;
  p.input_channels = in_c;
  p.output_height = win.rows.output;
  p.output_width = win.cols.output;
  p.output_channels = out_c;
  p.kernel_height = kh;
  p.kernel_width = kw;
  p.stride_height = win.stride_h;
  p.stride_width = win.stride_w;
  p.dilation_height = win.dilation_h;
  p.dilation_width = win.dilation_w;
  p.pad_top = win.rows.pad_before;
  p.pad_left = win.cols.pad_before;
  p.groups = groups;
  p.input_zero_point = in_q.zero_point;
  p.filter_zero_point = w.filter_zero_point();
  const OutputRequantStorage rq = epilogue(rule, in_q, w, out_q, act, gemm_rounding(w));
  p.requant = rq.requant;
  const Bytes in = d.s8(element_count(in_shape));
  Bytes expected(element_count(out_shape));
  reference::conv2d_s8(p, s8(in), s8(w.bytes), bias.data(), s8(expected));

  check_against_reference("input " + text(in_shape) + " " + w.describe() + " groups " + std::to_string(groups) +
                              " " + win.describe() + " activation " + fb::EnumNameActivation(act) +
                              (bias.data() ? " bias" : " no bias"),
                          m, {in}, expected);
}

void check_depthwise_conv2d(fb::RequantRule rule, Draw& d) {
  const int batch = d.integer(1, 2), in_h = d.integer(3, 8), in_w = d.integer(3, 8);
  const int in_c = d.integer(1, 4), multiplier = d.integer(1, 3), out_c = in_c * multiplier;
  const int kh = d.integer(1, 3), kw = d.integer(1, 3);
  const Window win = draw_window(d, in_h, in_w, kh, kw, /*pooling=*/false);
  const fb::Activation act = draw_activation(d);
  const Quant in_q = d.quant(0.01f, 0.05f);
  const Weights w = draw_weights(d, {1, kh, kw, out_c}, 3);
  const Quant out_q = accumulator_output_quant(d, in_q, w, kh * kw);
  const Shape in_shape{batch, in_h, in_w, in_c}, out_shape{batch, win.rows.output, win.cols.output, out_c};

  OneOpModel m;
  const int input = m.input("input", in_shape, in_q);
  const int weights = add_weights(m, w);
  const Bias bias = add_bias(d, m, out_c);
  const int output = m.output(out_shape, out_q);
  fb::DepthwiseConv2DOptionsT o;
  set_window_options(win, &o);
  o.dilation_h = win.dilation_h;
  o.dilation_w = win.dilation_w;
  o.depth_multiplier = multiplier;
  o.activation = act;
  m.writer.add_op(fb::OpType::DEPTHWISE_CONV_2D, {input, weights, bias.tensor}, {output}, wrap(o), rule, "dw");

  reference::DepthwiseConv2DParams p;
  p.batch = batch;
  p.input_height = in_h;
  p.input_width = in_w;
  p.input_channels = in_c;
  p.output_height = win.rows.output;
  p.output_width = win.cols.output;
  p.kernel_height = kh;
  p.kernel_width = kw;
  p.stride_height = win.stride_h;
  p.stride_width = win.stride_w;
  p.dilation_height = win.dilation_h;
  p.dilation_width = win.dilation_w;
  p.pad_top = win.rows.pad_before;
  p.pad_left = win.cols.pad_before;
  p.depth_multiplier = multiplier;
  p.input_zero_point = in_q.zero_point;
  p.filter_zero_point = w.filter_zero_point();
  const OutputRequantStorage rq = epilogue(rule, in_q, w, out_q, act, FixedPointRounding::kDouble);
  p.requant = rq.requant;
  const Bytes in = d.s8(element_count(in_shape));
  Bytes expected(element_count(out_shape));
  reference::depthwise_conv2d_s8(p, s8(in), s8(w.bytes), bias.data(), s8(expected));

  check_against_reference("input " + text(in_shape) + " " + w.describe() + " multiplier " +
                              std::to_string(multiplier) + " " + win.describe() + " activation " +
                              fb::EnumNameActivation(act) + (bias.data() ? " bias" : " no bias"),
                          m, {in}, expected);
}

void check_fully_connected(fb::RequantRule rule, Draw& d) {
  const int depth = d.integer(1, 20), units = d.integer(1, 8);
  // Rank 2 input, or rank 3 whose leading dims are the batch; keep_dims
  // keeps them in the output.
  const bool rank3 = d.coin(), keep_dims = rank3 && d.coin();
  const int rows = d.integer(1, 3), cols = d.integer(1, 3);
  const Shape in_shape = rank3 ? Shape{rows, cols, depth} : Shape{rows, depth};
  const Shape out_shape = keep_dims ? Shape{rows, cols, units} : Shape{rank3 ? rows * cols : rows, units};
  const fb::Activation act = draw_activation(d);
  const Quant in_q = d.quant(0.01f, 0.05f);
  const Weights w = draw_weights(d, {units, depth}, 0);
  const Quant out_q = accumulator_output_quant(d, in_q, w, depth);

  OneOpModel m;
  const int input = m.input("input", in_shape, in_q);
  const int weights = add_weights(m, w);
  const Bias bias = add_bias(d, m, units);
  const int output = m.output(out_shape, out_q);
  fb::FullyConnectedOptionsT o;
  o.activation = act;
  o.keep_dims = keep_dims;
  m.writer.add_op(fb::OpType::FULLY_CONNECTED, {input, weights, bias.tensor}, {output}, wrap(o), rule, "fc");

  reference::FullyConnectedParams p;
  p.batch = static_cast<int>(element_count(in_shape)) / depth;
  p.input_depth = depth;
  p.output_depth = units;
  p.input_zero_point = in_q.zero_point;
  p.filter_zero_point = w.filter_zero_point();
  const OutputRequantStorage rq = epilogue(rule, in_q, w, out_q, act, gemm_rounding(w));
  p.requant = rq.requant;
  const Bytes in = d.s8(element_count(in_shape));
  Bytes expected(element_count(out_shape));
  reference::fully_connected_s8(p, s8(in), s8(w.bytes), bias.data(), s8(expected));

  check_against_reference("input " + text(in_shape) + " " + w.describe() + " output " + text(out_shape) +
                              " activation " + fb::EnumNameActivation(act) + (bias.data() ? " bias" : " no bias"),
                          m, {in}, expected);
}

// ---- ADD, SUB, MUL -----------------------------------------------------------

// Two shapes that broadcast (NumPy rules) to `output`: in each dimension one
// or both inputs have the output's extent and the other 1, and one input
// may drop leading dimensions in which it is 1.
struct BroadcastShapes {
  Shape a, b, output;
};

BroadcastShapes draw_broadcast(Draw& d) {
  BroadcastShapes s;
  s.output = d.dims(d.integer(1, 5), 1, 4);
  s.a = s.b = s.output;
  for (size_t i = 0; i < s.output.size(); ++i) {
    switch (d.integer(0, 2)) {
      case 1: s.a[i] = 1; break;
      case 2: s.b[i] = 1; break;
      default: break;  // both full
    }
  }
  Shape& shorter = d.coin() ? s.a : s.b;
  size_t leading_ones = 0;
  while (leading_ones < shorter.size() && shorter[leading_ones] == 1) ++leading_ones;
  const size_t drop = static_cast<size_t>(d.integer(0, static_cast<int>(std::min(leading_ones, shorter.size() - 1))));
  shorter.erase(shorter.begin(), shorter.begin() + static_cast<std::ptrdiff_t>(drop));
  return s;
}

void check_binary(fb::OpType type, fb::RequantRule rule, Draw& d) {
  const BroadcastShapes shapes = draw_broadcast(d);
  const Quant a_q = d.quant(0.01f, 0.1f), b_q = d.quant(0.01f, 0.1f);
  const Quant out_q = type == fb::OpType::MUL ? Quant{a_q.scale * b_q.scale * d.real(30.0f, 150.0f), d.integer(-40, 40)}
                                              : d.quant(0.02f, 0.2f);
  // Sometimes no options table at all: the activation defaults to NONE.
  const bool with_options = d.integer(0, 3) != 0;
  const fb::Activation act = with_options ? draw_activation(d) : fb::Activation::NONE;

  OneOpModel m;
  const int a = m.input("a", shapes.a, a_q);
  const int b = m.input("b", shapes.b, b_q);
  const int output = m.output(shapes.output, out_q);
  fb::BinaryOptionsT o;
  o.activation = act;
  m.writer.add_op(type, {a, b}, {output}, with_options ? wrap(o) : fb::OpOptionsUnion{}, rule, "binary");

  const Bytes in_a = d.s8(element_count(shapes.a)), in_b = d.s8(element_count(shapes.b));
  Bytes expected(element_count(shapes.output));
  const int rank_a = static_cast<int>(shapes.a.size()), rank_b = static_cast<int>(shapes.b.size());
  std::string init_message;
  if (type == fb::OpType::MUL) {
    reference::MulS8Params p;
    init_message = reference::init_mul_s8_params(kernel_rule(rule), shapes.a.data(), rank_a, a_q.scale,
                                                 a_q.zero_point, shapes.b.data(), rank_b, b_q.scale, b_q.zero_point,
                                                 out_q.scale, out_q.zero_point, clamp_of(act, out_q), &p);
    reference::mul_s8(p, s8(in_a), s8(in_b), s8(expected));
  } else {
    reference::AddSubS8Params p;
    init_message = reference::init_add_sub_s8_params(kernel_rule(rule), shapes.a.data(), rank_a, a_q.scale,
                                                     a_q.zero_point, shapes.b.data(), rank_b, b_q.scale,
                                                     b_q.zero_point, out_q.scale, out_q.zero_point,
                                                     clamp_of(act, out_q), &p);
    (type == fb::OpType::ADD ? reference::add_s8 : reference::sub_s8)(p, s8(in_a), s8(in_b), s8(expected));
  }
  const std::string what = "a " + text(shapes.a) + text(a_q) + " b " + text(shapes.b) + text(b_q) + " output " +
                           text(shapes.output) + text(out_q) + " activation " + fb::EnumNameActivation(act) +
                           (with_options ? "" : " (no options)");
  INFO(what);
  REQUIRE(init_message.empty());
  check_against_reference(what, m, {in_a, in_b}, expected);
}

// ---- AVERAGE_POOL_2D, MAX_POOL_2D --------------------------------------------

void check_pool(fb::OpType type, fb::RequantRule rule, Draw& d) {
  const bool average = type == fb::OpType::AVERAGE_POOL_2D;
  const int batch = d.integer(1, 2), in_h = d.integer(2, 8), in_w = d.integer(2, 8), channels = d.integer(1, 4);
  const int fh = d.integer(1, 3), fw = d.integer(1, 3);
  const Window win = draw_window(d, in_h, in_w, fh, fw, /*pooling=*/true);
  const fb::Activation act = draw_activation(d);
  const bool count_include_pad = average && d.coin();
  const Quant in_q = d.quant(0.01f, 0.1f);
  // Max pool and fixedpoint average pool need equal input and output
  // quantization; fp32 average pool requantizes.
  const Quant out_q = average && rule == fb::RequantRule::FP32 ? d.quant(0.01f, 0.1f) : in_q;
  const Shape in_shape{batch, in_h, in_w, channels}, out_shape{batch, win.rows.output, win.cols.output, channels};

  OneOpModel m;
  const int input = m.input("input", in_shape, in_q);
  const int output = m.output(out_shape, out_q);
  fb::Pool2DOptionsT o;
  set_window_options(win, &o);
  o.filter_h = fh;
  o.filter_w = fw;
  o.activation = act;
  o.count_include_pad = count_include_pad;
  m.writer.add_op(type, {input}, {output}, wrap(o), rule, "pool");

  reference::Pool2DParams p;
  p.batch = batch;
  p.input_height = in_h;
  p.input_width = in_w;
  p.channels = channels;
  p.output_height = win.rows.output;
  p.output_width = win.cols.output;
  p.filter_height = fh;
  p.filter_width = fw;
  p.stride_height = win.stride_h;
  p.stride_width = win.stride_w;
  p.pad_top = win.rows.pad_before;
  p.pad_left = win.cols.pad_before;
  p.clamp = clamp_of(act, out_q);
  const Bytes in = d.s8(element_count(in_shape));
  Bytes expected(element_count(out_shape));
  if (average) {
    const reference::AveragePool2DParams avg = reference::init_average_pool2d_params(
        p, kernel_rule(rule), count_include_pad, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point);
    reference::average_pool2d_s8(avg, s8(in), s8(expected));
  } else {
    reference::max_pool2d_s8(p, s8(in), s8(expected));
  }
  check_against_reference("input " + text(in_shape) + text(in_q) + " filter " + std::to_string(fh) + "x" +
                              std::to_string(fw) + " " + win.describe() + " activation " +
                              fb::EnumNameActivation(act) + " output " + text(out_q) +
                              (count_include_pad ? " count_include_pad" : ""),
                          m, {in}, expected);
}

// ---- MEAN, SOFTMAX ---------------------------------------------------------

void check_mean(fb::RequantRule rule, Draw& d) {
  const Shape in_shape{d.integer(1, 2), d.integer(1, 6), d.integer(1, 6), d.integer(1, 5)};
  const bool keep_dims = d.coin();
  const Shape out_shape = keep_dims ? Shape{in_shape[0], 1, 1, in_shape[3]} : Shape{in_shape[0], in_shape[3]};
  const Quant in_q = d.quant(0.01f, 0.1f), out_q = d.quant(0.005f, 0.1f);

  OneOpModel m;
  const int input = m.input("input", in_shape, in_q);
  const int output = m.output(out_shape, out_q);
  fb::MeanOptionsT o;
  o.axes = d.coin() ? std::vector<int32_t>{1, 2} : std::vector<int32_t>{2, 1};
  o.keep_dims = keep_dims;
  m.writer.add_op(fb::OpType::MEAN, {input}, {output}, wrap(o), rule, "mean");

  reference::MeanS8Params p;
  const std::string init_message = reference::init_mean_s8_params(
      kernel_rule(rule), in_shape.data(), 4, keep_dims, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, &p);
  const std::string what = "input " + text(in_shape) + text(in_q) + " output " + text(out_shape) + text(out_q);
  INFO(what);
  REQUIRE(init_message.empty());
  const Bytes in = d.s8(element_count(in_shape));
  Bytes expected(element_count(out_shape));
  reference::mean_s8(p, s8(in), s8(expected));
  check_against_reference(what, m, {in}, expected);
}

void check_softmax(fb::RequantRule rule, Draw& d) {
  Shape shape = d.dims(d.integer(0, 2), 1, 3);
  shape.push_back(d.integer(1, 16));  // the softmax axis
  const Quant in_q = d.quant(0.02f, 0.2f);
  const Quant out_q = rule == fb::RequantRule::FIXEDPOINT || d.coin() ? kUnitIntervalQuant : d.quant(0.002f, 0.01f);
  // Sometimes no options: beta defaults to 1.
  const bool with_options = d.coin();
  const float beta = with_options ? d.real(0.3f, 2.0f) : 1.0f;

  OneOpModel m;
  const int input = m.input("input", shape, in_q);
  const int output = m.output(shape, out_q);
  fb::SoftmaxOptionsT o;
  o.beta = beta;
  m.writer.add_op(fb::OpType::SOFTMAX, {input}, {output}, with_options ? wrap(o) : fb::OpOptionsUnion{}, rule,
                  "softmax");

  reference::SoftmaxS8Params p;
  const std::string init_message =
      reference::init_softmax_s8_params(kernel_rule(rule), shape.data(), static_cast<int>(shape.size()), in_q.scale,
                                        in_q.zero_point, beta, out_q.scale, out_q.zero_point, &p);
  std::ostringstream what;
  what << "shape " << text(shape) << " input " << text(in_q) << " output " << text(out_q) << " beta " << beta
       << (with_options ? "" : " (no options)");
  INFO(what.str());
  REQUIRE(init_message.empty());
  const Bytes in = d.s8(element_count(shape));
  Bytes expected(in.size());
  reference::softmax_s8(p, s8(in), s8(expected));
  check_against_reference(what.str(), m, {in}, expected);
}

// ---- CONCATENATION -------------------------------------------------------------

// Three inputs along a middle axis; one of them is quantized differently
// from the output, so it goes through a rescale table.
void check_concatenation(fb::RequantRule rule, Draw& d) {
  const int rank = d.integer(3, 4);
  const int axis = d.integer(1, rank - 2);
  const Shape base = d.dims(rank, 1, 4);
  const Quant out_q = d.quant(0.01f, 0.1f);
  const int requantized_input = d.integer(0, 2);
  const Quant odd_q = d.quant(0.005f, 0.2f);
  // The axis is stored from the end half of the time.
  const int stored_axis = d.coin() ? axis - rank : axis;

  OneOpModel m;
  std::vector<Shape> shapes;
  std::vector<Quant> quants;
  std::vector<int32_t> inputs;
  int axis_total = 0;
  for (int i = 0; i < 3; ++i) {
    Shape s = base;
    s[axis] = d.integer(1, 3);
    axis_total += s[axis];
    shapes.push_back(s);
    quants.push_back(i == requantized_input ? odd_q : out_q);
    inputs.push_back(m.input("input" + std::to_string(i), s, quants.back()));
  }
  Shape out_shape = base;
  out_shape[axis] = axis_total;
  const int output = m.output(out_shape, out_q);
  fb::ConcatenationOptionsT o;
  o.axis = stored_axis;
  m.writer.add_op(fb::OpType::CONCATENATION, inputs, {output}, wrap(o), rule, "concat");

  reference::ConcatenationParams p;
  p.rank = rank;
  p.axis = axis;
  for (int i = 0; i < rank; ++i) p.output_dims[i] = out_shape[i];
  std::vector<Bytes> data;
  std::vector<const int8_t*> data_pointers;
  int8_t table[256];
  std::vector<const int8_t*> tables(3, nullptr);
  for (int i = 0; i < 3; ++i) {
    p.input_axis_dims.push_back(shapes[i][axis]);
    data.push_back(d.s8(element_count(shapes[i])));
  }
  for (const Bytes& b : data) data_pointers.push_back(s8(b));
  const std::string table_message = reference::build_rescale_lut(
      kernel_rule(rule), odd_q.scale, odd_q.zero_point, out_q.scale, out_q.zero_point, table);
  tables[requantized_input] = table;
  Bytes expected(element_count(out_shape));
  reference::concatenation_s8(p, data_pointers.data(), tables.data(), s8(expected));

  const std::string what = "inputs " + text(shapes[0]) + " " + text(shapes[1]) + " " + text(shapes[2]) +
                           " axis " + std::to_string(stored_axis) + " output " + text(out_q) + ", input " +
                           std::to_string(requantized_input) + " quantized " + text(odd_q);
  INFO(what);
  REQUIRE(table_message.empty());
  check_against_reference(what, m, data, expected);
}

// ---- RESHAPE, TRANSPOSE, PAD (data movement) ------------------------------------

void check_reshape(fb::RequantRule rule, Draw& d) {
  const Shape in_shape = d.dims(d.integer(1, 4), 1, 4);
  const int32_t count = static_cast<int32_t>(element_count(in_shape));
  // Flatten everything, or keep the first dimension.
  const Shape out_shape = d.coin() ? Shape{count} : Shape{in_shape[0], count / in_shape[0]};
  const Quant q = d.quant(0.01f, 0.1f);
  const int options_kind = d.integer(0, 2);  // none, exact new_shape, new_shape with one -1

  OneOpModel m;
  const int input = m.input("input", in_shape, q);
  const int output = m.output(out_shape, q);
  fb::ReshapeOptionsT o;
  o.new_shape = out_shape;
  if (options_kind == 2) o.new_shape.back() = -1;
  m.writer.add_op(fb::OpType::RESHAPE, {input}, {output}, options_kind ? wrap(o) : fb::OpOptionsUnion{}, rule,
                  "reshape");

  const Bytes in = d.s8(static_cast<size_t>(count));
  check_against_reference("input " + text(in_shape) + " output " + text(out_shape) + " new_shape " +
                              (options_kind ? text(o.new_shape) : std::string("absent")),
                          m, {in}, in);
}

void check_transpose(fb::RequantRule rule, Draw& d) {
  const Shape in_shape = d.dims(d.integer(1, 5), 1, 4);
  const int rank = static_cast<int>(in_shape.size());
  std::vector<int32_t> perm(rank);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), d.engine());
  Shape out_shape(rank);
  for (int i = 0; i < rank; ++i) out_shape[i] = in_shape[perm[i]];
  const Quant q = d.quant(0.01f, 0.1f);

  OneOpModel m;
  const int input = m.input("input", in_shape, q);
  const int output = m.output(out_shape, q);
  fb::TransposeOptionsT o;
  o.perm = perm;
  m.writer.add_op(fb::OpType::TRANSPOSE, {input}, {output}, wrap(o), rule, "transpose");

  reference::TransposeParams p;
  p.rank = rank;
  for (int i = 0; i < rank; ++i) {
    p.input_dims[i] = in_shape[i];
    p.perm[i] = perm[i];
  }
  const Bytes in = d.s8(element_count(in_shape));
  Bytes expected(in.size());
  reference::transpose_s8(p, s8(in), s8(expected));
  check_against_reference("input " + text(in_shape) + " perm " + text(perm), m, {in}, expected);
}

void check_pad(fb::RequantRule rule, Draw& d) {
  const Shape in_shape = d.dims(d.integer(1, 4), 1, 4);
  const int rank = static_cast<int>(in_shape.size());
  std::vector<int32_t> paddings;
  Shape out_shape(rank);
  for (int i = 0; i < rank; ++i) {
    paddings.push_back(d.integer(0, 2));
    paddings.push_back(d.integer(0, 2));
    out_shape[i] = in_shape[i] + paddings[2 * i] + paddings[2 * i + 1];
  }
  const Quant q = d.quant(0.01f, 0.1f);

  OneOpModel m;
  const int input = m.input("input", in_shape, q);
  const int output = m.output(out_shape, q);
  fb::PadOptionsT o;
  o.paddings = paddings;
  m.writer.add_op(fb::OpType::PAD, {input}, {output}, wrap(o), rule, "pad");

  reference::PadParams p;
  p.rank = rank;
  for (int i = 0; i < rank; ++i) {
    p.input_dims[i] = in_shape[i];
    p.pad_before[i] = paddings[2 * i];
    p.pad_after[i] = paddings[2 * i + 1];
  }
  p.fill_value = static_cast<int8_t>(q.zero_point);  // TFLite PAD fills with the output zero point
  const Bytes in = d.s8(element_count(in_shape));
  Bytes expected(element_count(out_shape));
  reference::pad_s8(p, s8(in), s8(expected));
  check_against_reference("input " + text(in_shape) + text(q) + " paddings " + text(paddings), m, {in}, expected);
}

// ---- QUANTIZE, DEQUANTIZE -------------------------------------------------------

// Floats around the quantization grid, with exact half steps (where the two
// rules round differently) and values far outside the int8 range.
std::vector<float> draw_floats(Draw& d, size_t count, Quant q) {
  std::vector<float> values(count);
  for (float& v : values) {
    switch (d.integer(0, 3)) {
      case 0: v = (static_cast<float>(d.integer(-140, 140)) + 0.5f) * q.scale; break;
      case 1: v = d.real(-1000.0f, 1000.0f) * q.scale; break;
      default: v = d.real(-150.0f, 150.0f) * q.scale; break;
    }
  }
  return values;
}

void check_quantize_float(fb::RequantRule rule, Draw& d) {
  const Shape shape = d.dims(d.integer(1, 3), 1, 6);
  const Quant out_q = d.quant(0.01f, 0.1f);
  OneOpModel m;
  const int input = m.float_input("input", shape);
  const int output = m.output(shape, out_q);
  m.writer.add_op(fb::OpType::QUANTIZE, {input}, {output}, {}, rule, "quantize");

  const std::vector<float> values = draw_floats(d, element_count(shape), out_q);
  Bytes expected(values.size());
  reference::quantize_f32_to_s8(kernel_rule(rule), out_q.scale, out_q.zero_point, values.data(), s8(expected),
                                values.size());
  check_against_reference("float32 " + text(shape) + " -> int8 " + text(out_q), m, {to_bytes(values)}, expected);
}

void check_quantize_int8(fb::RequantRule rule, Draw& d) {
  const Shape shape = d.dims(d.integer(1, 3), 1, 6);
  const Quant in_q = d.quant(0.01f, 0.1f), out_q = d.quant(0.005f, 0.2f);
  OneOpModel m;
  const int input = m.input("input", shape, in_q);
  const int output = m.output(shape, out_q);
  m.writer.add_op(fb::OpType::QUANTIZE, {input}, {output}, {}, rule, "requantize");

  int8_t table[256];
  const std::string table_message =
      reference::build_rescale_lut(kernel_rule(rule), in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, table);
  const std::string what = "int8 " + text(shape) + text(in_q) + " -> int8 " + text(out_q);
  INFO(what);
  REQUIRE(table_message.empty());
  const Bytes in = d.s8(element_count(shape));
  Bytes expected(in.size());
  reference::lut_s8(table, s8(in), s8(expected), in.size());
  check_against_reference(what, m, {in}, expected);
}

void check_dequantize(fb::RequantRule rule, Draw& d) {
  const Shape shape = d.dims(d.integer(1, 3), 1, 6);
  const Quant in_q = d.quant(0.01f, 0.1f);
  OneOpModel m;
  const int input = m.input("input", shape, in_q);
  const int output = m.float_output(shape);
  m.writer.add_op(fb::OpType::DEQUANTIZE, {input}, {output}, {}, rule, "dequantize");

  const Bytes in = d.s8(element_count(shape));
  std::vector<float> values(in.size());
  reference::dequantize_s8_to_f32(in_q.scale, in_q.zero_point, s8(in), values.data(), values.size());
  check_against_reference("int8 " + text(shape) + text(in_q) + " -> float32", m, {in}, to_bytes(values));
}

// ---- DYNAMIC_FULLY_CONNECTED: float32 in and out, int8 weights ----------------

void check_dynamic_fully_connected(fb::RequantRule rule, Draw& d) {
  const int depth = d.integer(1, 40), units = d.integer(1, 12);
  Shape in_shape = d.dims(d.integer(1, 3), 1, 4);
  in_shape.back() = depth;
  Shape out_shape = in_shape;
  out_shape.back() = units;
  const bool per_channel = d.coin(), has_bias = d.coin();
  const fb::Activation activation = draw_activation(d);
  std::vector<float> scales(per_channel ? units : 1);
  for (float& s : scales) s = d.real(0.001f, 0.1f);
  const Bytes weights = d.s8(static_cast<size_t>(units) * depth);
  std::vector<float> bias(units), input(element_count(in_shape));
  for (float& b : bias) b = d.real(-1.0f, 1.0f);
  for (float& x : input) x = d.real(-4.0f, 6.0f);
  OneOpModel m;
  const int in = m.float_input("input", in_shape);
  const int out = m.float_output(out_shape);
  const int w = m.writer.add_constant("weights", fb::DType::INT8, {units, depth}, weights, scales,
                                      std::vector<int32_t>(scales.size(), 0), per_channel ? 0 : -1);
  std::vector<int32_t> inputs = {in, w};
  if (has_bias) inputs.push_back(m.writer.add_constant("bias", fb::DType::FLOAT32, {units}, to_bytes(bias)));
  fb::DynamicFullyConnectedOptionsT o;
  o.activation = activation;
  o.keep_dims = in_shape.size() != 2;
  m.writer.add_op(fb::OpType::DYNAMIC_FULLY_CONNECTED, inputs, {out}, wrap(o), rule, "dynamic_fc");

  reference::DynamicFullyConnectedParams p;
  p.batch = static_cast<int>(element_count(in_shape) / depth);
  p.input_depth = depth;
  p.output_depth = units;
  p.weight_scales = scales.data();
  p.weight_scale_count = static_cast<int>(scales.size());
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(activation));
  std::vector<int8_t> scratch(depth);
  std::vector<float> expected(element_count(out_shape));
  reference::dynamic_fully_connected_f32s8(p, input.data(), s8(weights), has_bias ? bias.data() : nullptr,
                                           scratch.data(), expected.data());
  check_against_reference("float32 " + text(in_shape) + " x int8 [" + std::to_string(units) + "," +
                              std::to_string(depth) + "]" + (per_channel ? " per channel" : " per tensor"),
                          m, {to_bytes(input)}, to_bytes(expected));
}

// ---- table ops: LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6, GELU -------

void check_table_op(fb::OpType type, fb::RequantRule rule, Draw& d) {
  const Shape shape = d.dims(d.integer(1, 4), 1, 5);
  const Quant in_q = d.quant(0.02f, 0.1f);
  const bool fixedpoint = rule == fb::RequantRule::FIXEDPOINT;
  Quant out_q = d.quant(0.01f, 0.1f);
  fb::OpOptionsUnion options;
  float alpha = 0.0f;       // LEAKY_RELU without options: TFLite's default 0
  bool approximate = false;  // GELU without options
  switch (type) {
    case fb::OpType::LOGISTIC:
      if (fixedpoint || d.coin()) out_q = kUnitIntervalQuant;
      else out_q.scale = d.real(0.002f, 0.01f);
      break;
    case fb::OpType::TANH:
      if (fixedpoint || d.coin()) out_q = kSignedUnitQuant;
      else out_q.scale = d.real(0.004f, 0.02f);
      break;
    case fb::OpType::HARD_SWISH:
      out_q.scale = in_q.scale * d.real(0.3f, 1.5f);  // fixedpoint needs it above input_scale / 128
      break;
    case fb::OpType::LEAKY_RELU:
      if (d.coin()) {
        fb::LeakyReluOptionsT o;
        o.alpha = alpha = d.real(0.01f, 0.5f);
        options.Set(o);
      }
      break;
    case fb::OpType::GELU:
      if (d.coin()) {
        fb::GeluOptionsT o;
        o.approximate = approximate = d.coin();
        options.Set(o);
      }
      break;
    default: break;
  }
  const bool with_options = options.type != fb::OpOptions::NONE;

  OneOpModel m;
  const int input = m.input("input", shape, in_q);
  const int output = m.output(shape, out_q);
  m.writer.add_op(type, {input}, {output}, std::move(options), rule, "table op");

  const RequantRule r = kernel_rule(rule);
  int8_t table[256];
  std::string table_message;
  switch (type) {
    case fb::OpType::LOGISTIC:
      table_message = reference::build_logistic_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, table);
      break;
    case fb::OpType::TANH:
      table_message = reference::build_tanh_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, table);
      break;
    case fb::OpType::HARD_SWISH:
      table_message =
          reference::build_hard_swish_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, table);
      break;
    case fb::OpType::LEAKY_RELU:
      table_message = reference::build_leaky_relu_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point,
                                                      alpha, table);
      break;
    case fb::OpType::RELU:
      table_message = reference::build_relu_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, table);
      break;
    case fb::OpType::RELU6:
      table_message = reference::build_relu6_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, table);
      break;
    case fb::OpType::GELU:
      table_message = reference::build_gelu_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point,
                                                approximate, table);
      break;
    case fb::OpType::ERF:
      table_message = reference::build_erf_lut(r, in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point, table);
      break;
    default: FAIL("not a table op: " << fb::EnumNameOpType(type));
  }
  std::ostringstream what;
  what << "shape " << text(shape) << " input " << text(in_q) << " output " << text(out_q)
       << (with_options ? "" : " (no options)");
  if (type == fb::OpType::LEAKY_RELU) what << " alpha " << alpha;
  if (type == fb::OpType::GELU) what << " approximate " << approximate;
  INFO(what.str());
  REQUIRE(table_message.empty());
  const Bytes in = d.s8(element_count(shape));
  Bytes expected(in.size());
  reference::lut_s8(table, s8(in), s8(expected), in.size());
  check_against_reference(what.str(), m, {in}, expected);
}

// ---- transformer ops -------------------------------------------------------------

// Two int8 activations, batch dims broadcast from the right (A or B may lack
// or have size 1 in some), B transposed half the time.
void check_batch_matmul(fb::RequantRule rule, Draw& d) {
  const int batch_rank = d.integer(0, 2);
  const int m = d.integer(1, 6), k = d.integer(1, 20), n = d.integer(1, 6);
  const bool transpose_b = d.coin();
  Shape out_batch = d.dims(batch_rank, 1, 3), a_batch = out_batch, b_batch = out_batch;
  for (int i = 0; i < batch_rank; ++i) {
    if (d.integer(0, 3) == 0) a_batch[i] = 1;
    else if (d.integer(0, 3) == 0) b_batch[i] = 1;
  }
  if (batch_rank > 0 && d.coin()) b_batch.erase(b_batch.begin());  // B of lower rank
  for (int i = 0; i < batch_rank; ++i) {  // NumPy broadcasting of what is left
    const int bi = i - (batch_rank - static_cast<int>(b_batch.size()));
    out_batch[i] = std::max(a_batch[i], bi >= 0 ? b_batch[bi] : 1);
  }
  Shape a_shape = a_batch, b_shape = b_batch, out_shape = out_batch;
  a_shape.insert(a_shape.end(), {m, k});
  if (transpose_b) b_shape.insert(b_shape.end(), {n, k});
  else b_shape.insert(b_shape.end(), {k, n});
  out_shape.insert(out_shape.end(), {m, n});
  const Quant a_q = d.quant(0.01f, 0.1f), b_q = d.quant(0.01f, 0.1f);
  const Quant out_q = {a_q.scale * b_q.scale * d.real(2.0f, 20.0f), d.integer(-60, 60)};

  OneOpModel model;
  const int a = model.input("a", a_shape, a_q);
  const int b = model.input("b", b_shape, b_q);
  const int output = model.output(out_shape, out_q);
  fb::BatchMatMulOptionsT o;
  o.transpose_b = transpose_b;
  model.writer.add_op(fb::OpType::BATCH_MATMUL, {a, b}, {output}, wrap(o), rule, "batch matmul");

  // Strides from the definition: an operand's own batch dims, right-aligned.
  reference::BatchMatMulParams p;
  p.batch_rank = batch_rank;
  int64_t a_stride = int64_t{m} * k, b_stride = int64_t{k} * n;
  for (int i = batch_rank - 1; i >= 0; --i) {
    const int bi = i - (batch_rank - static_cast<int>(b_batch.size()));
    const int b_dim = bi >= 0 ? b_batch[bi] : 1;
    p.batch_dims[i] = out_batch[i];
    p.a_batch_stride[i] = a_batch[i] == 1 ? 0 : a_stride;
    p.b_batch_stride[i] = b_dim == 1 ? 0 : b_stride;
    a_stride *= a_batch[i];
    b_stride *= b_dim;
  }
  p.m = m; p.k = k; p.n = n; p.transpose_b = transpose_b;
  p.a_zero_point = a_q.zero_point; p.b_zero_point = b_q.zero_point; p.output_zero_point = out_q.zero_point;
  std::ostringstream what;
  what << "A " << text(a_shape) << " B " << text(b_shape) << " out " << text(out_shape) << " A " << text(a_q)
       << " B " << text(b_q) << " out " << text(out_q);
  INFO(what.str());
  REQUIRE(reference::init_batch_matmul_requant(kernel_rule(rule), a_q.scale, b_q.scale, out_q.scale, &p).empty());
  const Bytes a_in = d.s8(element_count(a_shape)), b_in = d.s8(element_count(b_shape));
  Bytes expected(element_count(out_shape));
  reference::batch_matmul_s8(p, s8(a_in), s8(b_in), s8(expected));
  check_against_reference(what.str(), model, {a_in, b_in}, expected);
}

// Over the last axis; beta absent half the time. The rule does not change the arithmetic.
void check_layer_norm(fb::RequantRule rule, Draw& d) {
  Shape shape = d.dims(d.integer(0, 2), 1, 3);
  const int depth = d.integer(1, 40);
  shape.push_back(depth);
  const Quant in_q = d.quant(0.01f, 0.2f), out_q = d.quant(0.01f, 0.05f);
  const float epsilon = d.pick({1e-5f, 1e-12f, 0.1f});
  std::vector<float> gamma(depth), beta(depth);
  for (int i = 0; i < depth; ++i) {
    gamma[i] = d.real(-1.5f, 1.5f);
    beta[i] = d.real(-1.0f, 1.0f);
  }
  const bool with_beta = d.coin();
  OneOpModel model;
  const int input = model.input("input", shape, in_q);
  const int g = model.writer.add_constant("gamma", fb::DType::FLOAT32, {depth}, to_bytes(gamma));
  const int b = with_beta ? model.writer.add_constant("beta", fb::DType::FLOAT32, {depth}, to_bytes(beta)) : -1;
  const int output = model.output(shape, out_q);
  fb::LayerNormOptionsT o;
  o.epsilon = epsilon;
  model.writer.add_op(fb::OpType::LAYER_NORM, {input, g, b}, {output}, wrap(o), rule, "layer norm");
  std::ostringstream what;
  what << "shape " << text(shape) << " input " << text(in_q) << " output " << text(out_q) << " epsilon " << epsilon
       << (with_beta ? "" : " (no beta)");
  INFO(what.str());
  reference::LayerNormParams p;
  REQUIRE(reference::init_layer_norm_params(static_cast<int64_t>(element_count(shape)) / depth, depth, in_q.scale,
                                            out_q.scale, out_q.zero_point, epsilon, gamma.data(),
                                            with_beta ? beta.data() : nullptr, &p)
              .empty());
  const Bytes in = d.s8(element_count(shape));
  Bytes expected(in.size());
  reference::layer_norm_s8(p, s8(in), s8(expected));
  check_against_reference(what.str(), model, {in}, expected);
}

// An int8 or float32 constant table, int32 indices from the graph input
// (negative ones too), along a random axis.
void check_gather(fb::RequantRule rule, Draw& d) {
  const Shape table_shape = d.dims(d.integer(1, 3), 1, 5);
  const int rank = static_cast<int>(table_shape.size());
  const int axis = d.integer(0, rank - 1);
  const Shape index_shape = d.dims(d.integer(1, 2), 1, 4);
  const bool float_table = d.coin();
  const size_t element = float_table ? 4 : 1;
  const Quant q = d.quant(0.01f, 0.1f);
  const Bytes table = d.s8(element_count(table_shape) * element);  // any bits: a float table may hold NaNs, copied as they are
  std::vector<int32_t> ids(element_count(index_shape));
  for (int32_t& id : ids) id = d.integer(-table_shape[axis], table_shape[axis] - 1);
  Shape out_shape(table_shape.begin(), table_shape.begin() + axis);
  out_shape.insert(out_shape.end(), index_shape.begin(), index_shape.end());
  out_shape.insert(out_shape.end(), table_shape.begin() + axis + 1, table_shape.end());

  OneOpModel model;
  const fb::DType dtype = float_table ? fb::DType::FLOAT32 : fb::DType::INT8;
  const std::vector<float> scales = float_table ? std::vector<float>{} : std::vector<float>{q.scale};
  const std::vector<int32_t> zps = float_table ? std::vector<int32_t>{} : std::vector<int32_t>{q.zero_point};
  const int t = model.writer.add_constant("table", dtype, table_shape, table, scales, zps);
  const int i = model.writer.add_tensor("ids", fb::DType::INT32, index_shape);
  model.writer.add_input(i, fb::DType::INT32);
  model.graph_inputs.push_back(i);
  const int output = model.writer.add_tensor("output", dtype, out_shape, scales, zps);
  model.writer.add_output(output, dtype);
  fb::GatherOptionsT o;
  o.axis = d.coin() ? axis : axis - rank;
  model.writer.add_op(fb::OpType::GATHER, {t, i}, {output}, wrap(o), rule, "gather");
  // Expected: copy slices as the definition says.
  int64_t outer = 1, inner = static_cast<int64_t>(element);
  for (int dim = 0; dim < axis; ++dim) outer *= table_shape[dim];
  for (int dim = axis + 1; dim < rank; ++dim) inner *= table_shape[dim];
  Bytes expected;
  for (int64_t o_i = 0; o_i < outer; ++o_i) {
    for (int32_t id : ids) {
      const int64_t row = id < 0 ? id + table_shape[axis] : id;
      const auto from = table.begin() + (o_i * table_shape[axis] + row) * inner;
      expected.insert(expected.end(), from, from + inner);
    }
  }
  std::ostringstream what;
  what << "table " << text(table_shape) << (float_table ? " float32" : " int8") << " axis " << o.axis << " indices "
       << text(index_shape);
  check_against_reference(what.str(), model, {to_bytes(ids)}, expected);
}

// ---- the table of cases ---------------------------------------------------------

struct OpCase {
  std::string name;  // starts with the OpType name
  std::function<void(fb::RequantRule, Draw&)> check;
};

std::function<void(fb::RequantRule, Draw&)> with_type(void (*check)(fb::OpType, fb::RequantRule, Draw&),
                                                      fb::OpType type) {
  return [check, type](fb::RequantRule rule, Draw& d) { check(type, rule, d); };
}

const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> cases = {
      {"CONV_2D", check_conv2d},
      {"DEPTHWISE_CONV_2D", check_depthwise_conv2d},
      {"FULLY_CONNECTED", check_fully_connected},
      {"ADD", with_type(check_binary, fb::OpType::ADD)},
      {"SUB", with_type(check_binary, fb::OpType::SUB)},
      {"MUL", with_type(check_binary, fb::OpType::MUL)},
      {"AVERAGE_POOL_2D", with_type(check_pool, fb::OpType::AVERAGE_POOL_2D)},
      {"MAX_POOL_2D", with_type(check_pool, fb::OpType::MAX_POOL_2D)},
      {"MEAN", check_mean},
      {"CONCATENATION", check_concatenation},
      {"RESHAPE", check_reshape},
      {"TRANSPOSE", check_transpose},
      {"PAD", check_pad},
      {"SOFTMAX", check_softmax},
      {"QUANTIZE float32->int8", check_quantize_float},
      {"QUANTIZE int8->int8", check_quantize_int8},
      {"DEQUANTIZE", check_dequantize},
      {"LOGISTIC", with_type(check_table_op, fb::OpType::LOGISTIC)},
      {"TANH", with_type(check_table_op, fb::OpType::TANH)},
      {"HARD_SWISH", with_type(check_table_op, fb::OpType::HARD_SWISH)},
      {"LEAKY_RELU", with_type(check_table_op, fb::OpType::LEAKY_RELU)},
      {"RELU", with_type(check_table_op, fb::OpType::RELU)},
      {"RELU6", with_type(check_table_op, fb::OpType::RELU6)},
      {"GELU", with_type(check_table_op, fb::OpType::GELU)},
      {"DYNAMIC_FULLY_CONNECTED", check_dynamic_fully_connected},
      {"BATCH_MATMUL", check_batch_matmul},
      {"LAYER_NORM", check_layer_norm},
      {"GATHER", check_gather},
      {"ERF", with_type(check_table_op, fb::OpType::ERF)},
  };
  return cases;
}

constexpr uint32_t kCasesPerOpAndRule = 12;

}  // namespace

TEST_CASE("single op: every op through the interpreter equals its reference kernel", "[single_op]") {
  for (const OpCase& op : op_cases()) {
    for (const fb::RequantRule rule : {fb::RequantRule::FIXEDPOINT, fb::RequantRule::FP32}) {
      DYNAMIC_SECTION(op.name << ", " << fb::EnumNameRequantRule(rule)) {
        for (uint32_t seed = 0; seed < kCasesPerOpAndRule; ++seed) {
          INFO(op.name << ", rule " << fb::EnumNameRequantRule(rule) << ", seed " << seed);
          Draw draw(seed * 2 + static_cast<uint32_t>(rule));
          op.check(rule, draw);
        }
      }
    }
  }
}

// A new op type must come with a case here. The op types below joined the
// schema (for TFLite import) while their glue was still being written; each
// should move into op_cases() with its own check, and out of this list.
TEST_CASE("single op: the cases cover every op type of the schema", "[single_op]") {
  const std::set<std::string> awaiting_a_case = {"SPLIT", "STRIDED_SLICE", "RESIZE_BILINEAR",
                                                 "RESIZE_NEAREST_NEIGHBOR", "ARG_MAX"};
  std::set<std::string> covered;
  for (const OpCase& op : op_cases()) covered.insert(op.name.substr(0, op.name.find(' ')));
  // float32-activation ops with no requantization rule, checked in their own files.
  covered.insert("FULLY_CONNECTED_W4");  // int4_fully_connected_w4_op_test.cc
  // ONNX's integer ops (int32 out, or run-time quantization): integer_ops_op_test.cc.
  for (const char* name : {"CONV_INTEGER", "MATMUL_INTEGER", "DYNAMIC_QUANTIZE_LINEAR"}) covered.insert(name);
  // Dynamic quantization block: dynamic_conv2d_op_test.cc and rnn_ops_test.cc
  // compare them with their reference kernels.
  for (const char* name : {"DYNAMIC_CONV_2D", "LSTM", "GRU"}) covered.insert(name);
  for (const fb::OpType type : fb::EnumValuesOpType()) {
    const std::string name = fb::EnumNameOpType(type);
    INFO("op type " << name);
    REQUIRE(covered.count(name) + awaiting_a_case.count(name) == 1);
  }
}
