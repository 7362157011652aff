// The XNNPACK backend against qrt's reference kernels on random one-op
// models: which ops XNNPACK takes, byte-exact results where its arithmetic
// is the op's rule (conv, depthwise and fully connected under fp32; max
// pool under both), and bounded, counted differences where it is not
// (docs/xnnpack-backend.md has the measured counts). Skipped in builds
// without QRT_WITH_XNNPACK.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "converter/qfb_writer.h"
#include "qrt/qrt.h"
#include "runtime/backends/xnnpack/xnnpack_backend.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"

namespace qrt {
namespace {

using Bytes = std::vector<uint8_t>;
using Shape = std::vector<int32_t>;

// QRT_XNNPACK_CASES=N measures on more models (docs/xnnpack-backend.md used 300).
int cases_per_op() {
  const char* text = std::getenv("QRT_XNNPACK_CASES");
  const int n = text ? std::atoi(text) : 0;
  return n > 0 ? n : 12;
}

struct Rng {
  std::mt19937 engine;
  explicit Rng(uint32_t seed) : engine(seed) {}
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine); }
  float log_uniform(float lo, float hi) {
    return std::exp(std::uniform_real_distribution<float>(std::log(lo), std::log(hi))(engine));
  }
  // Zero points at the edges of the range as often as inside it.
  int32_t zero_point() {
    const int pick = integer(0, 3);
    return pick == 0 ? -128 : pick == 1 ? 127 : integer(-128, 127);
  }
  Bytes s8(size_t count, int lo = -128, int hi = 127) {
    Bytes bytes(count);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(static_cast<int8_t>(integer(lo, hi)));
    return bytes;
  }
  fb::Activation activation() {
    const fb::Activation all[] = {fb::Activation::NONE, fb::Activation::RELU, fb::Activation::RELU6,
                                  fb::Activation::RELU_N1_TO_1};
    return all[integer(0, 3)];
  }
};

size_t count_of(const Shape& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

template <typename OptionsT>
fb::OpOptionsUnion wrap(OptionsT options) {
  fb::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// A one-op model with its random graph inputs.
struct Case {
  QfbWriter writer;
  std::vector<Bytes> inputs;
  std::string what;

  int input(Rng& rng, const Shape& shape, float scale, int32_t zero_point) {
    const int t = writer.add_tensor("in" + std::to_string(inputs.size()), fb::DType::INT8, shape, {scale},
                                    {zero_point});
    writer.add_input(t);
    inputs.push_back(rng.s8(count_of(shape)));
    return t;
  }
  int output(const Shape& shape, float scale, int32_t zero_point) {
    const int t = writer.add_tensor("out", fb::DType::INT8, shape, {scale}, {zero_point});
    writer.add_output(t);
    return t;
  }
};

struct Run {
  Bytes output;
  std::vector<Backend> backends;
  std::vector<std::string> notes;
};

Run run(const Case& c, Backend backend, const std::string& isa, int threads = 1) {
  const Bytes file = c.writer.serialize();
  std::unique_ptr<Model> model;
  const Status loaded = Model::load_buffer(file.data(), file.size(), /*copy=*/true, &model);
  INFO(c.what << " load: " << loaded.message);
  REQUIRE(loaded.ok());
  InterpreterOptions options(threads, isa);
  options.backend = backend;
  Interpreter interpreter(*model, options);
  const Status prepared = interpreter.prepare();
  INFO(c.what << " prepare: " << prepared.message);
  REQUIRE(prepared.ok());
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    std::memcpy(interpreter.input_buffer(i), c.inputs[i].data(), c.inputs[i].size());
  }
  REQUIRE(interpreter.invoke().ok());
  Run r;
  const size_t size = model->tensors()[model->outputs()[0].tensor].byte_size;
  r.output.assign(interpreter.output_buffer(0), interpreter.output_buffer(0) + size);
  for (size_t i = 0; i < model->ops().size(); ++i) {
    r.backends.push_back(interpreter.op_backend(i));
    r.notes.push_back(interpreter.op_backend_note(i));
  }
  return r;
}

// ---- random one-op models ---------------------------------------------------

// An output scale that spreads the accumulators of `depth` products over
// much of the int8 range, with a random factor so some saturate.
float conv_output_scale(Rng& rng, float input_scale, float weight_scale, int depth) {
  const float typical_acc = 5000.0f * std::sqrt(static_cast<float>(depth));
  return input_scale * weight_scale * typical_acc / (64.0f * rng.log_uniform(0.25f, 4.0f));
}

int window_output(int in, int k, int stride, int dilation, fb::Padding padding, int pad_before, int pad_after) {
  const int dk = (k - 1) * dilation + 1;
  if (padding == fb::Padding::SAME) return (in + stride - 1) / stride;
  if (padding == fb::Padding::VALID) return (in - dk) / stride + 1;
  return (in + pad_before + pad_after - dk) / stride + 1;
}

struct Window {
  int kh, kw, stride_h, stride_w, dilation;
  fb::Padding padding;
  int pt, pb, pl, pr;
  int in_h, in_w, out_h, out_w;
};

Window draw_window(Rng& rng, bool allow_dilation) {
  Window w;
  w.kh = rng.integer(1, 5);
  w.kw = rng.integer(1, 5);
  w.stride_h = rng.integer(1, 2);
  w.stride_w = rng.integer(1, 2);
  w.dilation = allow_dilation ? rng.integer(1, 2) : 1;
  const fb::Padding paddings[] = {fb::Padding::SAME, fb::Padding::VALID, fb::Padding::EXPLICIT};
  w.padding = paddings[rng.integer(0, 2)];
  w.pt = w.pb = w.pl = w.pr = 0;
  if (w.padding == fb::Padding::EXPLICIT) {
    w.pt = rng.integer(0, w.kh - 1), w.pb = rng.integer(0, w.kh - 1);
    w.pl = rng.integer(0, w.kw - 1), w.pr = rng.integer(0, w.kw - 1);
  }
  w.in_h = (w.kh - 1) * w.dilation + rng.integer(1, 9);
  w.in_w = (w.kw - 1) * w.dilation + rng.integer(1, 9);
  if (rng.integer(0, 5) == 0) {  // the smallest images the window fits
    w.in_h = (w.kh - 1) * w.dilation + 1;
    w.in_w = (w.kw - 1) * w.dilation + 1;
  }
  w.out_h = window_output(w.in_h, w.kh, w.stride_h, w.dilation, w.padding, w.pt, w.pb);
  w.out_w = window_output(w.in_w, w.kw, w.stride_w, w.dilation, w.padding, w.pl, w.pr);
  return w;
}

template <typename OptionsT>
void set_window(const Window& w, OptionsT* o) {
  o->padding = w.padding;
  o->pad_top = w.pt, o->pad_bottom = w.pb, o->pad_left = w.pl, o->pad_right = w.pr;
  o->stride_h = w.stride_h, o->stride_w = w.stride_w;
}

// Per-channel weights with zero point 0, or per-tensor ones with zero point 0.
int add_weights(Rng& rng, Case& c, const Shape& shape, int axis, float base_scale, bool per_channel) {
  const int channels = shape[axis];
  std::vector<float> scales(per_channel ? channels : 1);
  for (float& s : scales) s = base_scale * rng.log_uniform(0.5f, 2.0f);
  // -128 appears in imported weights; XNNPACK and qrt must both take it.
  Bytes data = rng.s8(count_of(shape), rng.integer(0, 1) ? -128 : -127, 127);
  return c.writer.add_constant("w", fb::DType::INT8, shape, data, scales,
                               std::vector<int32_t>(scales.size(), 0), per_channel ? axis : -1);
}

int add_bias(Rng& rng, Case& c, int channels) {
  std::vector<int32_t> bias(channels);
  for (int32_t& b : bias) b = rng.integer(-20000, 20000);
  return c.writer.add_constant("b", fb::DType::INT32, {channels}, to_bytes(bias));
}

Case conv_case(Rng& rng, fb::RequantRule rule) {
  Case c;
  const Window w = draw_window(rng, true);
  const int groups = rng.integer(0, 3) == 0 ? rng.integer(2, 3) : 1;
  const int in_c = groups * rng.integer(1, 9), out_c = groups * rng.integer(1, 9);
  const int batch = rng.integer(1, 2);
  const float in_scale = rng.log_uniform(0.005f, 0.1f), w_scale = rng.log_uniform(0.001f, 0.05f);
  const int in = c.input(rng, {batch, w.in_h, w.in_w, in_c}, in_scale, rng.zero_point());
  const int weights = add_weights(rng, c, {out_c, w.kh, w.kw, in_c / groups}, 0, w_scale, rng.integer(0, 3) != 0);
  const int bias = rng.integer(0, 4) ? add_bias(rng, c, out_c) : -1;
  const int out = c.output({batch, w.out_h, w.out_w, out_c},
                           conv_output_scale(rng, in_scale, w_scale, w.kh * w.kw * in_c / groups), rng.zero_point());
  fb::Conv2DOptionsT o;
  set_window(w, &o);
  o.dilation_h = o.dilation_w = w.dilation;
  o.groups = groups;
  o.activation = rng.activation();
  c.writer.add_op(fb::OpType::CONV_2D, {in, weights, bias}, {out}, wrap(o), rule, "conv");
  c.what = "CONV_2D " + std::to_string(w.kh) + "x" + std::to_string(w.kw) + " groups " + std::to_string(groups);
  return c;
}

Case depthwise_case(Rng& rng, fb::RequantRule rule) {
  Case c;
  const Window w = draw_window(rng, true);
  const int channels = rng.integer(1, 40), multiplier = rng.integer(0, 3) == 0 ? 2 : 1;
  const float in_scale = rng.log_uniform(0.005f, 0.1f), w_scale = rng.log_uniform(0.001f, 0.05f);
  const int in = c.input(rng, {1, w.in_h, w.in_w, channels}, in_scale, rng.zero_point());
  const int out_c = channels * multiplier;
  const int weights = add_weights(rng, c, {1, w.kh, w.kw, out_c}, 3, w_scale, rng.integer(0, 3) != 0);
  const int bias = add_bias(rng, c, out_c);
  const int out = c.output({1, w.out_h, w.out_w, out_c}, conv_output_scale(rng, in_scale, w_scale, w.kh * w.kw),
                           rng.zero_point());
  fb::DepthwiseConv2DOptionsT o;
  set_window(w, &o);
  o.dilation_h = o.dilation_w = w.dilation;
  o.depth_multiplier = multiplier;
  o.activation = rng.activation();
  c.writer.add_op(fb::OpType::DEPTHWISE_CONV_2D, {in, weights, bias}, {out}, wrap(o), rule, "dw");
  c.what = "DEPTHWISE_CONV_2D " + std::to_string(w.kh) + "x" + std::to_string(w.kw) + " x" +
           std::to_string(multiplier);
  return c;
}

Case fully_connected_case(Rng& rng, fb::RequantRule rule) {
  Case c;
  const int batch = rng.integer(1, 5), depth = rng.integer(1, 300), units = rng.integer(1, 70);
  const float in_scale = rng.log_uniform(0.005f, 0.1f), w_scale = rng.log_uniform(0.001f, 0.05f);
  const int in = c.input(rng, {batch, depth}, in_scale, rng.zero_point());
  const int weights = add_weights(rng, c, {units, depth}, 0, w_scale, rng.integer(0, 1) != 0);
  const int bias = add_bias(rng, c, units);
  const int out = c.output({batch, units}, conv_output_scale(rng, in_scale, w_scale, depth), rng.zero_point());
  fb::FullyConnectedOptionsT o;
  o.activation = rng.activation();
  c.writer.add_op(fb::OpType::FULLY_CONNECTED, {in, weights, bias}, {out}, wrap(o), rule, "fc");
  c.what = "FULLY_CONNECTED " + std::to_string(batch) + "x" + std::to_string(depth) + "->" + std::to_string(units);
  return c;
}

Case binary_case(Rng& rng, fb::RequantRule rule, fb::OpType type) {
  Case c;
  Shape a = {rng.integer(1, 2), rng.integer(1, 6), rng.integer(1, 6), rng.integer(1, 20)};
  Shape b = a;
  for (int32_t& d : b) {
    if (rng.integer(0, 3) == 0) d = 1;  // broadcast this axis
  }
  const float s1 = rng.log_uniform(0.01f, 0.1f), s2 = rng.log_uniform(0.01f, 0.1f);
  const int in1 = c.input(rng, a, s1, rng.zero_point());
  const int in2 = c.input(rng, b, s2, rng.zero_point());
  Shape out_shape = a;
  const float out_scale =
      type == fb::OpType::MUL ? s1 * s2 * rng.log_uniform(20.0f, 200.0f) : (s1 + s2) * rng.log_uniform(0.5f, 2.0f);
  const int out = c.output(out_shape, out_scale, rng.zero_point());
  fb::BinaryOptionsT o;
  o.activation = rng.activation();
  c.writer.add_op(type, {in1, in2}, {out}, wrap(o), rule, "binary");
  c.what = fb::EnumNameOpType(type);
  return c;
}

Case max_pool_case(Rng& rng, fb::RequantRule rule) {
  Case c;
  Window w = draw_window(rng, false);
  if (w.kh * w.kw == 1) {  // XNNPACK refuses a 1x1 max pool (a copy)
    w.kw = 2;
    w.in_w = std::max(w.in_w, 2);
    w.out_w = window_output(w.in_w, w.kw, w.stride_w, 1, w.padding, w.pl, w.pr);
  }
  const int channels = rng.integer(1, 40);
  const float scale = rng.log_uniform(0.01f, 0.1f);
  const int32_t zp = rng.zero_point();
  const int in = c.input(rng, {1, w.in_h, w.in_w, channels}, scale, zp);
  const int out = c.output({1, w.out_h, w.out_w, channels}, scale, zp);
  fb::Pool2DOptionsT o;
  set_window(w, &o);
  o.filter_h = w.kh, o.filter_w = w.kw;
  o.activation = rng.activation();
  c.writer.add_op(fb::OpType::MAX_POOL_2D, {in}, {out}, wrap(o), rule, "max_pool");
  c.what = "MAX_POOL_2D " + std::to_string(w.kh) + "x" + std::to_string(w.kw);
  return c;
}

Case mean_case(Rng& rng, fb::RequantRule rule) {
  Case c;
  const int batch = rng.integer(1, 2), h = rng.integer(1, 9), w = rng.integer(1, 9), channels = rng.integer(1, 40);
  const float in_scale = rng.log_uniform(0.01f, 0.1f);
  const int in = c.input(rng, {batch, h, w, channels}, in_scale, rng.zero_point());
  const int out = c.output({batch, 1, 1, channels}, in_scale * rng.log_uniform(0.3f, 3.0f), rng.zero_point());
  fb::MeanOptionsT o;
  o.axes = {1, 2};
  o.keep_dims = true;
  c.writer.add_op(fb::OpType::MEAN, {in}, {out}, wrap(o), rule, "mean");
  c.what = "MEAN";
  return c;
}

// XNNPACK's sigmoid takes only output scale 1/256 with zero point -128, and
// tanh 1/128 with 0: TFLite's fixed output quantization for these ops.
Case table_case(Rng& rng, fb::RequantRule rule, fb::OpType type) {
  Case c;
  const Shape shape = {1, rng.integer(1, 8), rng.integer(1, 8), rng.integer(1, 16)};
  const int in = c.input(rng, shape, rng.log_uniform(0.01f, 0.1f), rng.zero_point());
  const bool sigmoid = type == fb::OpType::LOGISTIC;
  const int out = c.output(shape, sigmoid ? 1.0f / 256 : 1.0f / 128, sigmoid ? -128 : 0);
  c.writer.add_op(type, {in}, {out}, {}, rule, "table");
  c.what = fb::EnumNameOpType(type);
  return c;
}

struct OpCase {
  const char* name;
  Case (*make)(Rng&, fb::RequantRule);
};

Case add_case(Rng& r, fb::RequantRule rule) { return binary_case(r, rule, fb::OpType::ADD); }
Case sub_case(Rng& r, fb::RequantRule rule) { return binary_case(r, rule, fb::OpType::SUB); }
Case mul_case(Rng& r, fb::RequantRule rule) { return binary_case(r, rule, fb::OpType::MUL); }
Case logistic_case(Rng& r, fb::RequantRule rule) { return table_case(r, rule, fb::OpType::LOGISTIC); }
Case tanh_case(Rng& r, fb::RequantRule rule) { return table_case(r, rule, fb::OpType::TANH); }

const OpCase kOpCases[] = {
    {"CONV_2D", conv_case},   {"DEPTHWISE_CONV_2D", depthwise_case}, {"FULLY_CONNECTED", fully_connected_case},
    {"ADD", add_case},        {"SUB", sub_case},                     {"MUL", mul_case},
    {"MAX_POOL_2D", max_pool_case}, {"MEAN", mean_case},             {"LOGISTIC", logistic_case},
    {"TANH", tanh_case},
};

// Ops whose XNNPACK arithmetic is exactly the rule's, so any difference is a bug.
bool exact_under(const std::string& op, fb::RequantRule rule) {
  if (op == "MAX_POOL_2D") return true;
  const bool accumulating = op == "CONV_2D" || op == "DEPTHWISE_CONV_2D" || op == "FULLY_CONNECTED";
  return accumulating && rule == fb::RequantRule::FP32;
}

bool skip_without_xnnpack() {
  if (xnnpack_backend_available()) return false;
  WARN("skipped: this build has no XNNPACK backend (QRT_WITH_XNNPACK=OFF)");
  return true;
}

}  // namespace

TEST_CASE("xnnpack backend: supported ops run on XNNPACK and match qrt's reference kernels", "[xnnpack]") {
  if (skip_without_xnnpack()) return;
  const int cases = cases_per_op();
  std::printf("xnnpack vs qrt reference, %d random models per op and rule:\n", cases);
  std::printf("%-18s %-10s %8s %10s %10s %8s\n", "op", "rule", "taken", "bytes", "differ", "max|d|");
  uint32_t seed = 1;
  for (const OpCase& op : kOpCases) {
    for (fb::RequantRule rule : {fb::RequantRule::FP32, fb::RequantRule::FIXEDPOINT}) {
      size_t taken = 0, bytes = 0, differ = 0;
      int max_diff = 0;
      for (int i = 0; i < cases; ++i) {
        Rng rng(seed++);
        const Case c = op.make(rng, rule);
        const Run expected = run(c, Backend::kQrt, "reference");
        const Run xnnpack = run(c, Backend::kXnnpack, "");
        INFO(c.what << " (" << fb::EnumNameRequantRule(rule) << ", seed " << seed - 1
                    << "): xnnpack note: " << xnnpack.notes[0]);
        // XNNPACK takes every op of these cases but those whose fused
        // activation clamps to one value (it needs output_min < output_max).
        if (xnnpack.backends[0] == Backend::kXnnpack) {
          ++taken;
        } else {
          CHECK(xnnpack.notes[0].find("one output value") != std::string::npos);
        }
        REQUIRE(expected.output.size() == xnnpack.output.size());
        for (size_t k = 0; k < expected.output.size(); ++k) {
          const int d = std::abs(int{static_cast<int8_t>(expected.output[k])} -
                                 int{static_cast<int8_t>(xnnpack.output[k])});
          differ += d != 0;
          max_diff = std::max(max_diff, d);
        }
        bytes += expected.output.size();
        if (exact_under(op.name, rule)) {
          CHECK(xnnpack.output == expected.output);
        }
      }
      std::printf("%-18s %-10s %5zu/%-4d %10zu %10zu %8d\n", op.name, fb::EnumNameRequantRule(rule), taken,
                  cases, bytes, differ, max_diff);
      INFO(op.name << " " << fb::EnumNameRequantRule(rule) << ": " << differ << " of " << bytes << " bytes differ");
      CHECK(taken >= static_cast<size_t>(cases) / 2);
      // Where the rules differ, both are rounding the same real value: one
      // step at most (more would mean a wrong scale or zero point).
      CHECK(max_diff <= 1);
    }
  }
}

TEST_CASE("xnnpack backend: ops XNNPACK cannot take run on qrt's kernels, with the reason", "[xnnpack]") {
  if (skip_without_xnnpack()) return;
  Rng rng(99);
  Case c;
  // Per-tensor weights with a non-zero zero point (legacy uint8 models):
  // XNNPACK has no weight zero point.
  const int in = c.input(rng, {1, 5, 5, 3}, 0.02f, 4);
  const int weights = c.writer.add_constant("w", fb::DType::INT8, {4, 3, 3, 3}, rng.s8(4 * 27), {0.01f}, {7});
  const int conv_out = c.writer.add_tensor("conv", fb::DType::INT8, {1, 3, 3, 4}, {0.5f}, {-3});
  fb::Conv2DOptionsT conv;
  conv.padding = fb::Padding::VALID;
  c.writer.add_op(fb::OpType::CONV_2D, {in, weights, -1}, {conv_out}, wrap(conv), fb::RequantRule::FP32, "conv");
  // SOFTMAX: no int8 operator in this XNNPACK.
  const int out = c.output({1, 3, 3, 4}, 1.0f / 256, -128);
  fb::SoftmaxOptionsT softmax;
  softmax.beta = 1.0f;
  c.writer.add_op(fb::OpType::SOFTMAX, {conv_out}, {out}, wrap(softmax), fb::RequantRule::FP32, "softmax");
  const Run expected = run(c, Backend::kQrt, "reference");
  const Run xnnpack = run(c, Backend::kXnnpack, "");
  CHECK(xnnpack.backends == std::vector<Backend>{Backend::kQrt, Backend::kQrt});
  CHECK(xnnpack.notes[0].find("zero point 7") != std::string::npos);
  CHECK_FALSE(xnnpack.notes[1].empty());
  CHECK(xnnpack.output == expected.output);
  // The qrt backend leaves no notes.
  const Run qrt = run(c, Backend::kQrt, "");
  CHECK(qrt.notes == std::vector<std::string>{"", ""});
}

TEST_CASE("xnnpack backend: the same bytes on 1 and 2 threads", "[xnnpack]") {
  if (skip_without_xnnpack()) return;
  for (uint32_t seed = 500; seed < 506; ++seed) {
    Rng rng(seed);
    const Case c = seed % 2 ? conv_case(rng, fb::RequantRule::FP32) : depthwise_case(rng, fb::RequantRule::FP32);
    INFO(c.what << " seed " << seed);
    CHECK(run(c, Backend::kXnnpack, "", 1).output == run(c, Backend::kXnnpack, "", 2).output);
  }
}

TEST_CASE("xnnpack backend: the C API option and op info", "[xnnpack][c_api]") {
  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  CHECK(qrt_options_set_backend(options, "qrt") == QRT_OK);
  CHECK(qrt_options_set_backend(options, nullptr) == QRT_OK);
  CHECK(qrt_options_set_backend(options, "tflite") == QRT_INVALID_ARGUMENT);
  CHECK(std::string(qrt_last_error()).find("unknown backend \"tflite\"") != std::string::npos);
  CHECK(qrt_options_set_backend(nullptr, "qrt") == QRT_INVALID_ARGUMENT);
  const qrt_status xnnpack = qrt_options_set_backend(options, "xnnpack");
  if (!xnnpack_backend_available()) {
    CHECK(xnnpack == QRT_UNSUPPORTED);
    CHECK(std::string(qrt_last_error()).find("QRT_WITH_XNNPACK") != std::string::npos);
    qrt_options_destroy(options);
    WARN("skipped: this build has no XNNPACK backend (QRT_WITH_XNNPACK=OFF)");
    return;
  }
  REQUIRE(xnnpack == QRT_OK);
  Rng rng(7);
  const Case c = fully_connected_case(rng, fb::RequantRule::FP32);
  const Bytes file = c.writer.serialize();
  qrt_model* model = nullptr;
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_model_load_buffer(file.data(), file.size(), &model) == QRT_OK);
  REQUIRE(qrt_interpreter_create(model, options, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  qrt_op_info info{};
  REQUIRE(qrt_interpreter_get_op_info(interpreter, 0, &info) == QRT_OK);
  CHECK(std::string(info.backend) == "xnnpack");
  CHECK(std::string(info.backend_note).empty());
  CHECK(std::string(info.kernel).rfind("xnnpack_", 0) == 0);
  qrt_interpreter_destroy(interpreter);
  qrt_model_destroy(model);
  qrt_options_destroy(options);
}

}  // namespace qrt
