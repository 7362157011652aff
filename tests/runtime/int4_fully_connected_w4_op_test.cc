// FULLY_CONNECTED_W4 through the loader and the interpreter: a model built
// with QfbWriter gives exactly what reference::fully_connected_f32w4 gives
// when called directly (the kernel itself is checked against oracles in
// tests/kernels/int4_fully_connected_f32w4_test.cc), on the reference table
// and on this CPU's best one; op_macs counts N * K per row; and every
// malformed variant (packing, scales, bias, shapes, options, dtypes) is
// refused at load with a message naming what is wrong.
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/reference/fully_connected_f32w4.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"
#include "runtime/op_precision.h"
#include "runtime/ops/op_registry.h"

using namespace qrt;

namespace {

constexpr fb::DType kF32 = fb::DType::FLOAT32;

template <typename Table>
fb::OpOptionsUnion options_of(Table t) {
  fb::OpOptionsUnion u;
  u.Set(std::move(t));
  return u;
}

// One FULLY_CONNECTED_W4 op: x [2, 3, K] -> y [2, 3, N] (keep_dims), every
// part adjustable before the model is written.
struct W4Model {
  int k = 64, n, groups = 2;
  std::vector<int32_t> input_shape{2, 3, 64};
  std::vector<int32_t> output_shape;
  std::vector<int32_t> weights_shape;  // default [N, ceil(K/2)]
  std::vector<int32_t> scales_shape;   // default [N, groups]
  fb::DType weights_dtype = fb::DType::INT8, input_dtype = kF32;
  std::vector<float> weights_scale;  // quantization on the packed weights (refused)
  std::vector<float> scales, bias;
  std::vector<uint8_t> packed;
  bool with_bias = true, scales_constant = true, with_options = true;
  int input_count = 4;
  fb::FullyConnectedOptionsT options;

  explicit W4Model(int outputs = 5) : n(outputs), output_shape{2, 3, outputs} {
    options.keep_dims = true;
    options.activation = fb::Activation::RELU;
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> s(0.01f, 0.1f), b(-1.0f, 1.0f);
    packed.resize(static_cast<size_t>(n) * ((k + 1) / 2));
    for (uint8_t& v : packed) v = static_cast<uint8_t>(byte(rng));  // every nibble value, -8 included
    scales.resize(static_cast<size_t>(n) * groups);
    for (float& v : scales) v = s(rng);
    bias.resize(n);
    for (float& v : bias) v = b(rng);
  }

  std::vector<uint8_t> serialize() const {
    QfbWriter w;
    const int x = w.add_tensor("x", input_dtype, input_shape, input_dtype == kF32 ? std::vector<float>{}
                                                                                  : std::vector<float>{0.1f}, {});
    const std::vector<int32_t> ws = weights_shape.empty() ? std::vector<int32_t>{n, (k + 1) / 2} : weights_shape;
    size_t w_bytes = 1;
    for (int32_t d : ws) w_bytes *= static_cast<size_t>(d) * (weights_dtype == fb::DType::INT8 ? 1 : 1);
    if (weights_dtype == kF32) w_bytes *= 4;
    std::vector<uint8_t> wb = packed;
    wb.resize(w_bytes);
    const int wt = w.add_constant("w4", weights_dtype, ws, wb, weights_scale,
                                  std::vector<int32_t>(weights_scale.size(), 0));
    const std::vector<int32_t> ss = scales_shape.empty() ? std::vector<int32_t>{n, groups} : scales_shape;
    size_t s_count = 1;
    for (int32_t d : ss) s_count *= static_cast<size_t>(d);
    std::vector<float> sv = scales;
    sv.resize(s_count, 0.05f);
    const int st = scales_constant ? w.add_constant("scales", kF32, ss, to_bytes(sv)) : w.add_tensor("scales", kF32, ss);
    const int bt = with_bias ? w.add_constant("bias", kF32, {static_cast<int32_t>(bias.size())}, to_bytes(bias)) : -1;
    const int y = w.add_tensor("y", kF32, output_shape);
    std::vector<int32_t> inputs{x, wt, st, bt};
    inputs.resize(static_cast<size_t>(input_count));
    w.add_op(fb::OpType::FULLY_CONNECTED_W4, inputs, {y}, with_options ? options_of(options) : fb::OpOptionsUnion{},
             fb::RequantRule::FP32, "fc_w4");
    w.add_input(x, input_dtype == kF32 ? kF32 : fb::DType::INT8);
    if (!scales_constant) w.add_input(st, kF32);
    w.add_output(y, kF32);
    return w.serialize();
  }
};

Status load(const W4Model& m, std::unique_ptr<Model>* model) {
  const std::vector<uint8_t> bytes = m.serialize();
  return Model::load_buffer(bytes.data(), bytes.size(), /*copy=*/true, model);
}

void require_refused(const W4Model& m, const std::string& fragment) {
  std::unique_ptr<Model> model;
  const Status status = load(m, &model);
  INFO("status " << status.code << ": " << status.message);
  REQUIRE_FALSE(status.ok());
  REQUIRE(status.message.find(fragment) != std::string::npos);
}

TEST_CASE("FULLY_CONNECTED_W4: the interpreter gives the reference kernel's values", "[int4]") {
  W4Model m;
  std::unique_ptr<Model> model;
  const Status loaded = load(m, &model);
  INFO(loaded.message);
  REQUIRE(loaded.ok());
  REQUIRE(op_macs(*model, model->ops()[0]) == uint64_t{6} * 5 * 64);
  REQUIRE(std::string(op_precision(*model, model->ops()[0])) == "int4 weights");

  std::mt19937 rng(8);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> x(6 * 64);
  for (float& v : x) v = d(rng);
  reference::FullyConnectedF32W4Params p;
  p.batch = 6, p.input_depth = 64, p.output_depth = 5, p.group_size = 32;
  p.clamp = reference::activation_range_f32(FusedActivation::kRelu);
  std::vector<float> want(30);
  reference::fully_connected_f32w4(p, x.data(), m.packed.data(), m.scales.data(), m.bias.data(), want.data());
  bool some_positive = false;
  for (float v : want) some_positive = some_positive || v > 0.0f;
  REQUIRE(some_positive);

  for (const char* isa : {"reference", ""}) {
    Interpreter interpreter(*model, InterpreterOptions{1, isa});
    const Status prepared = interpreter.prepare();
    INFO(prepared.message);
    REQUIRE(prepared.ok());
    INFO("kernel " << interpreter.prepared_op(0).kernel_name());
    if (std::string(isa) == "reference") CHECK(interpreter.prepared_op(0).kernel_name() == "fully_connected_f32w4_reference");
    std::memcpy(interpreter.input_buffer(0), x.data(), x.size() * sizeof(float));
    REQUIRE(interpreter.invoke().ok());
    const float* y = reinterpret_cast<const float*>(interpreter.output_buffer(0));
    REQUIRE(std::memcmp(y, want.data(), want.size() * sizeof(float)) == 0);
  }
}

TEST_CASE("FULLY_CONNECTED_W4: outputs split over threads give the same bits", "[int4]") {
  W4Model m(70);
  std::unique_ptr<Model> model;
  const Status loaded = load(m, &model);
  INFO(loaded.message);
  REQUIRE(loaded.ok());
  std::vector<float> x(6 * 64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i));
  std::vector<std::vector<float>> outputs;
  for (const int threads : {1, 2, 3}) {
    Interpreter interpreter(*model, InterpreterOptions{threads});
    REQUIRE(interpreter.prepare().ok());
    std::memcpy(interpreter.input_buffer(0), x.data(), x.size() * sizeof(float));
    REQUIRE(interpreter.invoke().ok());
    const float* y = reinterpret_cast<const float*>(interpreter.output_buffer(0));
    outputs.emplace_back(y, y + 6 * 70);
  }
  reference::FullyConnectedF32W4Params p;
  p.batch = 6, p.input_depth = 64, p.output_depth = 70, p.group_size = 32;
  p.clamp = reference::activation_range_f32(FusedActivation::kRelu);
  std::vector<float> want(6 * 70);
  reference::fully_connected_f32w4(p, x.data(), m.packed.data(), m.scales.data(), m.bias.data(), want.data());
  for (const std::vector<float>& got : outputs) REQUIRE(std::memcmp(got.data(), want.data(), want.size() * 4) == 0);
}

TEST_CASE("FULLY_CONNECTED_W4: without keep_dims, odd K, one scale per channel, no bias", "[int4]") {
  W4Model m;
  m.k = 7, m.groups = 1;
  m.input_shape = {3, 7};
  m.output_shape = {3, 5};
  m.options.keep_dims = false;
  m.with_bias = false;
  m.input_count = 3;
  m.packed.resize(static_cast<size_t>(5) * 4);
  m.scales.resize(5);
  std::unique_ptr<Model> model;
  const Status loaded = load(m, &model);
  INFO(loaded.message);
  REQUIRE(loaded.ok());
  Interpreter interpreter(*model, InterpreterOptions{1});
  REQUIRE(interpreter.prepare().ok());
  std::vector<float> x(21);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 5) - 2.0f;
  std::memcpy(interpreter.input_buffer(0), x.data(), x.size() * sizeof(float));
  REQUIRE(interpreter.invoke().ok());
  reference::FullyConnectedF32W4Params p;
  p.batch = 3, p.input_depth = 7, p.output_depth = 5, p.group_size = 7;
  p.clamp = reference::activation_range_f32(FusedActivation::kRelu);
  std::vector<float> want(15);
  reference::fully_connected_f32w4(p, x.data(), m.packed.data(), m.scales.data(), nullptr, want.data());
  REQUIRE(std::memcmp(interpreter.output_buffer(0), want.data(), want.size() * sizeof(float)) == 0);
}

TEST_CASE("FULLY_CONNECTED_W4: malformed models are refused at load, naming the problem", "[int4]") {
  const std::vector<std::pair<std::string, std::function<void(W4Model&)>>> cases = {
      {"bytes per row", [](W4Model& m) { m.weights_shape = {5, 33}; }},
      {"bytes per row", [](W4Model& m) { m.weights_shape = {5, 64}; }},  // unpacked int8 is not int4
      {"packed int4", [](W4Model& m) { m.weights_dtype = kF32; }},
      {"packed int4", [](W4Model& m) { m.weights_scale = {0.5f}; }},
      {"dividing K", [](W4Model& m) { m.scales_shape = {5, 3}; }},
      {"dividing K", [](W4Model& m) { m.scales_shape = {4, 2}; }},
      {"must have rank 2", [](W4Model& m) { m.scales_shape = {10}; }},
      {"not finite and positive", [](W4Model& m) { m.scales[3] = 0.0f; }},
      {"not finite and positive", [](W4Model& m) { m.scales[0] = -0.5f; }},
      {"not finite and positive", [](W4Model& m) { m.scales[9] = std::numeric_limits<float>::quiet_NaN(); }},
      {"not finite and positive", [](W4Model& m) { m.scales[1] = std::numeric_limits<float>::infinity(); }},
      {"must be a constant", [](W4Model& m) { m.scales_constant = false; }},
      {"should have 5 values", [](W4Model& m) { m.bias.resize(4); }},
      {"should have shape [2,3,5]", [](W4Model& m) { m.output_shape = {6, 5}; }},
      {"should have shape [6,5]", [](W4Model& m) { m.options.keep_dims = false; }},
      {"no requantization", [](W4Model& m) { m.options.double_rounding = true; }},
      {"no requantization", [](W4Model& m) { m.options.scale_product_f32 = true; }},
      {"unknown fused activation", [](W4Model& m) { m.options.activation = static_cast<fb::Activation>(9); }},
      {"needs options", [](W4Model& m) { m.with_options = false; }},
      {"must be float32", [](W4Model& m) { m.input_dtype = fb::DType::INT8; }},
      {"takes 3 to 4 inputs", [](W4Model& m) { m.input_count = 2; }},
  };
  for (const auto& [fragment, mutate] : cases) {
    W4Model m;
    mutate(m);
    INFO("expect: " << fragment);
    require_refused(m, fragment);
  }
}

}  // namespace
