// DYNAMIC_CONV_2D through the interpreter: a model built with QfbWriter gives
// exactly what the reference kernel gives when called directly, with the
// reference table and with every table of this CPU (which run ungrouped
// convolutions on the packed DYNAMIC_FULLY_CONNECTED kernel: pointwise ones
// directly, the others on gathered windows); MACs are counted; hostile
// options and tensors are refused at load with a message naming the problem.
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/dynamic_conv2d_f32s8.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"
#include "runtime/op_precision.h"
#include "runtime/ops/op_registry.h"

using namespace qrt;

namespace {

constexpr fb::DType kF32 = fb::DType::FLOAT32;

// What a test may change in the otherwise valid model: NHWC [2,5,4,6] ->
// 3x3 filter, pads 1, stride 1 -> [2,5,4,8].
struct Spec {
  std::vector<int32_t> input_shape = {2, 5, 4, 6};
  std::vector<int32_t> output_shape = {2, 5, 4, 8};
  std::vector<int32_t> filter_shape = {8, 3, 3, 6};
  fb::DType filter_dtype = fb::DType::INT8;
  std::vector<float> scales = {0.02f, 0.01f, 0.03f, 0.005f, 0.04f, 0.015f, 0.025f, 0.011f};
  std::vector<int32_t> zero_points = std::vector<int32_t>(8, 0);
  int32_t axis = 0;
  bool filter_constant = true;
  bool bias = true;
  int32_t bias_length = 8;
  int pad = 1;
  int stride = 1;
  int dilation = 1;
  int groups = 1;
  fb::Activation activation = fb::Activation::NONE;
  bool double_rounding = false;
  bool wrong_options = false;
};

Spec pointwise() {
  Spec s;
  s.filter_shape = {8, 1, 1, 6};
  s.pad = 0;
  return s;
}

size_t count(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

std::vector<int8_t> filter_values(size_t n) {
  std::mt19937 rng(3);
  std::vector<int8_t> w(n);
  for (int8_t& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  return w;
}

std::vector<float> bias_values(size_t n) {
  std::vector<float> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = 0.25f * static_cast<float>(i) - 0.5f;
  return b;
}

std::vector<uint8_t> build(const Spec& s) {
  QfbWriter w;
  const int x = w.add_tensor("x", kF32, s.input_shape);
  const int y = w.add_tensor("y", kF32, s.output_shape);
  const size_t wn = count(s.filter_shape);
  int filter;
  if (!s.filter_constant) {
    filter = w.add_tensor("w", s.filter_dtype, s.filter_shape, s.scales, s.zero_points, s.axis);
  } else if (s.filter_dtype == kF32) {
    filter = w.add_constant("w", kF32, s.filter_shape, to_bytes(std::vector<float>(wn, 0.5f)));
  } else {
    filter = w.add_constant("w", s.filter_dtype, s.filter_shape, to_bytes(filter_values(wn)), s.scales, s.zero_points,
                            s.scales.size() > 1 ? s.axis : -1);
  }
  std::vector<int32_t> inputs = {x, filter};
  if (s.bias) inputs.push_back(w.add_constant("b", kF32, {s.bias_length}, to_bytes(bias_values(s.bias_length))));
  fb::OpOptionsUnion options;
  if (s.wrong_options) {
    fb::DynamicFullyConnectedOptionsT o;
    options.Set(std::move(o));
  } else {
    fb::Conv2DOptionsT o;
    o.padding = fb::Padding::EXPLICIT;
    o.pad_top = o.pad_bottom = o.pad_left = o.pad_right = s.pad;
    o.stride_h = o.stride_w = s.stride;
    o.dilation_h = o.dilation_w = s.dilation;
    o.groups = s.groups;
    o.activation = s.activation;
    o.double_rounding = s.double_rounding;
    options.Set(std::move(o));
  }
  w.add_op(fb::OpType::DYNAMIC_CONV_2D, inputs, {y}, std::move(options), fb::RequantRule::FP32, "dconv");
  w.add_input(x, kF32);
  w.add_output(y, kF32);
  return w.serialize();
}

Status load(const Spec& s, std::unique_ptr<Model>* model) {
  const std::vector<uint8_t> bytes = build(s);
  return Model::load_buffer(bytes.data(), bytes.size(), /*copy=*/true, model);
}

void require_refused(const Spec& s, const std::string& fragment) {
  std::unique_ptr<Model> model;
  const Status status = load(s, &model);
  INFO("status " << status.code << ": " << status.message);
  REQUIRE_FALSE(status.ok());
  REQUIRE(status.message.find(fragment) != std::string::npos);
}

std::vector<float> run(const Spec& s, const std::vector<float>& input, std::string* kernel,
                       const std::string& isa, int threads = 1) {
  std::unique_ptr<Model> model;
  const Status loaded = load(s, &model);
  INFO(loaded.message);
  REQUIRE(loaded.ok());
  Interpreter interpreter(*model, InterpreterOptions(threads, isa));
  const Status prepared = interpreter.prepare();
  INFO(prepared.message);
  REQUIRE(prepared.ok());
  std::memcpy(interpreter.input_buffer(0), input.data(), input.size() * sizeof(float));
  REQUIRE(interpreter.invoke().ok());
  if (kernel) *kernel = interpreter.prepared_op(0).kernel_name();
  const float* y = reinterpret_cast<const float*>(interpreter.output_buffer(0));
  return std::vector<float>(y, y + count(s.output_shape));
}

std::vector<float> direct(const Spec& s, const std::vector<float>& input) {
  reference::DynamicConv2DParams p;
  p.batch = s.input_shape[0];
  p.input_height = s.input_shape[1];
  p.input_width = s.input_shape[2];
  p.input_channels = s.input_shape[3];
  p.output_height = s.output_shape[1];
  p.output_width = s.output_shape[2];
  p.output_channels = s.output_shape[3];
  p.kernel_height = s.filter_shape[1];
  p.kernel_width = s.filter_shape[2];
  p.stride_height = p.stride_width = s.stride;
  p.dilation_height = p.dilation_width = s.dilation;
  p.pad_top = p.pad_left = s.pad;
  p.groups = s.groups;
  p.filter_scales = s.scales.data();
  p.filter_scale_count = static_cast<int>(s.scales.size());
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(s.activation));
  const std::vector<int8_t> w = filter_values(count(s.filter_shape));
  const std::vector<float> b = bias_values(static_cast<size_t>(s.bias_length));
  std::vector<int8_t> scratch(input.size());
  std::vector<float> out(count(s.output_shape));
  reference::dynamic_conv2d_f32s8(p, input.data(), w.data(), s.bias ? b.data() : nullptr, scratch.data(), out.data());
  return out;
}

std::vector<float> input_values(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-2.0f, 3.0f);
  std::vector<float> x(n);
  for (float& v : x) v = d(rng);
  return x;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("dynamic conv op: the interpreter gives the reference kernel's bits on every table", "[dynamic_conv_op]") {
  for (const bool is_pointwise : {false, true}) {
    Spec s = is_pointwise ? pointwise() : Spec{};
    const std::vector<float> x = input_values(count(s.input_shape), 11);
    for (const std::string isa : {"reference", ""}) {
      INFO((is_pointwise ? "1x1" : "3x3") << " filter, table " << (isa.empty() ? "best" : isa));
      std::string kernel;
      s.activation = fb::Activation::NONE;
      s.bias = true;
      REQUIRE(same_bits(run(s, x, &kernel, isa), direct(s, x)));
      INFO(kernel);
      if (isa == "reference") REQUIRE(kernel == "dynamic_conv2d_f32s8_reference");
      s.activation = fb::Activation::RELU6;
      s.bias = false;
      REQUIRE(same_bits(run(s, x, &kernel, isa), direct(s, x)));
      Spec per_tensor = s;
      per_tensor.scales = {0.125f};
      per_tensor.zero_points = {0};
      REQUIRE(same_bits(run(per_tensor, x, &kernel, isa), direct(per_tensor, x)));
    }
  }
  Spec grouped;  // 2 groups of 3 input channels
  grouped.filter_shape = {8, 3, 3, 3};
  grouped.groups = 2;
  const std::vector<float> x = input_values(count(grouped.input_shape), 12);
  REQUIRE(same_bits(run(grouped, x, nullptr, ""), direct(grouped, x)));
}

// The geometries the gathered-window path must get right, each on every
// table this CPU has, on 1 and 2 threads.
TEST_CASE("dynamic conv op: strided, dilated, padded and large convolutions give the reference bits on every table",
          "[dynamic_conv_op]") {
  auto shaped = [](std::vector<int32_t> in, int kernel, int pad, int stride, int dilation, int out_c) {
    Spec s;
    s.input_shape = in;
    s.filter_shape = {out_c, kernel, kernel, in[3]};
    s.pad = pad;
    s.stride = stride;
    s.dilation = dilation;
    const int span = dilation * (kernel - 1) + 1;
    s.output_shape = {in[0], (in[1] + 2 * pad - span) / stride + 1, (in[2] + 2 * pad - span) / stride + 1, out_c};
    s.scales.resize(static_cast<size_t>(out_c));
    for (int c = 0; c < out_c; ++c) s.scales[c] = 0.004f * static_cast<float>(c % 7 + 1);
    s.zero_points.assign(static_cast<size_t>(out_c), 0);
    s.bias_length = out_c;
    return s;
  };
  struct Case {
    const char* what;
    Spec spec;
  };
  const std::vector<Case> cases = {
      {"1x1 stride 2 (skipped pixels hold the range's ends)", shaped({2, 7, 6, 5}, 1, 0, 2, 1, 9)},
      {"5x5 pad 2 stride 2", shaped({1, 9, 11, 3}, 5, 2, 2, 1, 17)},
      {"3x3 dilation 2 pad 2", shaped({2, 8, 7, 4}, 3, 2, 1, 2, 33)},
      {"3x3 pad 1 on a 1x1 image", shaped({1, 1, 1, 7}, 3, 1, 1, 1, 5)},
      {"3x3 pad 1, 380 pixels (several chunks), 40 channels", shaped({1, 20, 19, 40}, 3, 1, 1, 1, 24)},
  };
  for (const Case& c : cases) {
    std::vector<float> x = input_values(count(c.spec.input_shape), 21);
    if (c.spec.stride == 2 && c.spec.filter_shape[1] == 1) {
      x[c.spec.input_shape[3] * 1] = 40.0f;  // pixel (0, 1): no window reads it
      x[c.spec.input_shape[3] * 3 + 2] = -25.0f;
    }
    const std::vector<float> expected = direct(c.spec, x);
    for (const std::string isa : {"reference", "sse41", "avx2", "avxvnni", "avx512vnni", "neon", "neondot", "i8mm"}) {
      std::string why;
      const KernelTable* table = find_kernel_table(isa.c_str(), &why);
      if (table == nullptr) continue;
      for (int threads : {1, 2}) {
        INFO(c.what << ", table " << isa << ", " << threads << " thread(s)");
        std::string kernel;
        REQUIRE(same_bits(run(c.spec, x, &kernel, isa, threads), expected));
        if (table->dynamic_fully_connected.run != nullptr) {
          REQUIRE(kernel == std::string(table->dynamic_fully_connected.name) + " (im2col conv)");
        } else {
          REQUIRE(kernel == "dynamic_conv2d_f32s8_reference");
        }
      }
    }
  }
}

TEST_CASE("dynamic conv op: NaN, infinite and all-zero inputs give the reference bits on every table",
          "[dynamic_conv_op]") {
  Spec s;  // 3x3, pad 1
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::vector<float>> inputs;
  std::vector<float> x = input_values(count(s.input_shape), 31);
  x[3] = nan;
  inputs.push_back(x);
  x[17] = inf;
  inputs.push_back(x);
  x[40] = -inf;
  inputs.push_back(x);
  inputs.push_back(std::vector<float>(x.size(), 0.0f));
  std::vector<float> tiny(x.size(), 0.0f);
  tiny[5] = std::numeric_limits<float>::denorm_min();  // the scale underflows to 0
  inputs.push_back(tiny);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<float> expected = direct(s, inputs[i]);
    for (const std::string isa : {"reference", "sse41", "avx2", "avxvnni", "avx512vnni", "neon", "neondot", "i8mm"}) {
      std::string why;
      if (find_kernel_table(isa.c_str(), &why) == nullptr) continue;
      INFO("input " << i << ", table " << isa);
      REQUIRE(same_bits(run(s, inputs[i], nullptr, isa), expected));
    }
  }
}

TEST_CASE("dynamic conv op: MACs are output elements times the filter volume", "[dynamic_conv_op]") {
  std::unique_ptr<Model> model;
  REQUIRE(load(Spec{}, &model).ok());
  REQUIRE(op_macs(*model, model->ops()[0]) == 2u * 5u * 4u * 8u * 3u * 3u * 6u);
  REQUIRE(std::string(op_precision(*model, model->ops()[0])) == "dynamic int8");
}

TEST_CASE("dynamic conv op: hostile models are refused at load", "[dynamic_conv_op]") {
  const float nan = std::nanf(""), inf = std::numeric_limits<float>::infinity();
  Spec s;
  SECTION("zero, negative, NaN and infinite scales") {
    for (float bad : {0.0f, -0.5f, nan, inf}) {
      s.scales[2] = bad;
      require_refused(s, "finite and positive");
    }
  }
  SECTION("a non-zero filter zero point") {
    s.zero_points[1] = 3;
    require_refused(s, "must be symmetric");
  }
  SECTION("scales that match neither the channels nor one per tensor") {
    s.scales = {0.1f, 0.2f};
    s.zero_points = {0, 0};
    require_refused(s, "scales");
  }
  SECTION("per-channel scales along the wrong axis") {
    s.axis = 3;
    s.scales.resize(6);
    s.zero_points.resize(6);
    require_refused(s, "axis");
  }
  SECTION("a filter without scales, a float filter, an activation as filter, a rank-3 filter") {
    Spec no_scales = s;
    no_scales.scales.clear();
    no_scales.zero_points.clear();
    require_refused(no_scales, "no quantization");
    Spec float_filter = s;
    float_filter.filter_dtype = kF32;
    require_refused(float_filter, "must be int8");
    Spec activation_filter = s;
    activation_filter.filter_constant = false;
    require_refused(activation_filter, "'w'");
    Spec rank3 = s;
    rank3.filter_shape = {8, 9, 6};
    require_refused(rank3, "rank 4");
  }
  SECTION("channels that do not fit the groups") {
    s.groups = 4;  // 6 input channels
    require_refused(s, "must divide input channels");
    s.groups = 2;  // filter has 6 per group, 2 groups of 6 input channels need 3
    require_refused(s, "input channels per group");
  }
  SECTION("an output of the wrong shape") {
    s.output_shape = {2, 5, 5, 8};
    require_refused(s, "output");
  }
  SECTION("bias of the wrong length") {
    s.bias_length = 7;
    require_refused(s, "should have 8 values");
  }
  SECTION("an unknown fused activation, integer-only options, another op's options") {
    Spec a = s;
    a.activation = static_cast<fb::Activation>(9);
    require_refused(a, "unknown fused activation");
    Spec d = s;
    d.double_rounding = true;
    require_refused(d, "double_rounding");
    Spec o = s;
    o.wrong_options = true;
    require_refused(o, "Conv2DOptions");
  }
  SECTION("a window that does not fit, a zero stride") {
    Spec big = s;
    big.pad = 0;
    big.input_shape = {2, 2, 2, 6};
    require_refused(big, "does not fit");
    Spec zero = s;
    zero.stride = 0;
    require_refused(zero, "stride");
  }
  SECTION("a depth that could overflow the int32 accumulator") {
    const int32_t channels = reference::kDynamicFullyConnectedMaxDepth / 9 + 1;
    s.input_shape = {1, 3, 3, channels};
    s.output_shape = {1, 1, 1, 1};
    s.filter_shape = {1, 3, 3, channels};
    s.pad = 0;
    s.scales = {0.1f};
    s.zero_points = {0};
    s.bias_length = 1;
    require_refused(s, "overflow");
  }
}
