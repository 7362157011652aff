// DYNAMIC_FULLY_CONNECTED through the interpreter: a model built with
// QfbWriter gives exactly what the reference kernel gives when called
// directly, MACs are counted, and hostile options and tensors are refused at
// load with a message that names the problem.
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"
#include "runtime/op_precision.h"
#include "runtime/ops/op_registry.h"

using namespace qrt;

namespace {

constexpr fb::DType kF32 = fb::DType::FLOAT32;

// What a test may change in the otherwise valid model.
struct Spec {
  std::vector<int32_t> input_shape = {2, 3, 10};
  std::vector<int32_t> output_shape = {2, 3, 4};
  std::vector<int32_t> weight_shape = {4, 10};
  fb::DType weight_dtype = fb::DType::INT8;
  std::vector<float> scales = {0.02f, 0.01f, 0.03f, 0.005f};
  std::vector<int32_t> zero_points = {0, 0, 0, 0};
  int32_t axis = 0;
  bool weights_constant = true;
  bool bias = true;
  int32_t bias_length = 4;
  fb::Activation activation = fb::Activation::NONE;
  bool wrong_options = false;
  bool no_options = false;
};

std::vector<int8_t> weight_values(size_t n) {
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

size_t count(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

std::vector<uint8_t> build(const Spec& s) {
  QfbWriter w;
  const int x = w.add_tensor("x", kF32, s.input_shape);
  const int y = w.add_tensor("y", kF32, s.output_shape);
  const size_t wn = count(s.weight_shape);
  int weights;
  if (!s.weights_constant) {
    weights = w.add_tensor("w", s.weight_dtype, s.weight_shape, s.scales, s.zero_points, s.axis);
  } else if (s.weight_dtype == kF32) {
    weights = w.add_constant("w", kF32, s.weight_shape, to_bytes(std::vector<float>(wn, 0.5f)));
  } else {
    weights = w.add_constant("w", s.weight_dtype, s.weight_shape, to_bytes(weight_values(wn)), s.scales,
                             s.zero_points, s.scales.size() > 1 ? s.axis : -1);
  }
  std::vector<int32_t> inputs = {x, weights};
  if (s.bias) inputs.push_back(w.add_constant("b", kF32, {s.bias_length}, to_bytes(bias_values(s.bias_length))));
  fb::OpOptionsUnion options;
  if (s.wrong_options) {
    fb::FullyConnectedOptionsT o;
    options.Set(std::move(o));
  } else if (!s.no_options) {
    fb::DynamicFullyConnectedOptionsT o;
    o.activation = s.activation;
    options.Set(std::move(o));
  }
  w.add_op(fb::OpType::DYNAMIC_FULLY_CONNECTED, inputs, {y}, std::move(options), fb::RequantRule::FP32, "dfc");
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

std::vector<float> run(const Spec& s, const std::vector<float>& input, std::string* kernel = nullptr,
                       const std::string& isa = "reference") {
  std::unique_ptr<Model> model;
  const Status loaded = load(s, &model);
  INFO(loaded.message);
  REQUIRE(loaded.ok());
  Interpreter interpreter(*model, InterpreterOptions(1, isa));
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
  reference::DynamicFullyConnectedParams p;
  p.batch = 6;
  p.input_depth = 10;
  p.output_depth = 4;
  p.weight_scales = s.scales.data();
  p.weight_scale_count = static_cast<int>(s.scales.size());
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(s.activation));
  const std::vector<int8_t> w = weight_values(40);
  const std::vector<float> b = bias_values(4);
  std::vector<int8_t> scratch(10);
  std::vector<float> out(24);
  reference::dynamic_fully_connected_f32s8(p, input.data(), w.data(), s.bias ? b.data() : nullptr, scratch.data(),
                                           out.data());
  return out;
}

std::vector<float> input_values() {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> d(-2.0f, 3.0f);
  std::vector<float> x(60);
  for (float& v : x) v = d(rng);
  return x;
}

}  // namespace

TEST_CASE("dynamic FC op: the interpreter gives the reference kernel's values", "[dynamic_fc_op]") {
  const std::vector<float> x = input_values();
  Spec s;
  std::string kernel;
  REQUIRE(run(s, x, &kernel) == direct(s, x));
  REQUIRE(kernel == "dynamic_fully_connected_f32s8_reference");
  s.activation = fb::Activation::RELU;
  s.bias = false;
  const std::vector<float> relu = run(s, x);
  REQUIRE(relu == direct(s, x));
  for (float v : relu) REQUIRE(v >= 0.0f);
  s.scales = {0.125f};  // per-tensor weights
  s.zero_points = {0};
  REQUIRE(run(s, x) == direct(s, x));
}

TEST_CASE("dynamic FC op: the best table's kernel gives the reference kernel's bits", "[dynamic_fc_op]") {
  const std::vector<float> x = input_values();
  Spec s;
  std::string kernel;
  const std::vector<float> best = run(s, x, &kernel, "");
  const std::vector<float> expected = direct(s, x);
  INFO(kernel);
  REQUIRE(std::memcmp(best.data(), expected.data(), best.size() * sizeof(float)) == 0);
  s.activation = fb::Activation::RELU6;
  s.bias = false;
  const std::vector<float> relu6 = run(s, x, &kernel, "");
  const std::vector<float> expected_relu6 = direct(s, x);
  REQUIRE(std::memcmp(relu6.data(), expected_relu6.data(), relu6.size() * sizeof(float)) == 0);
}

TEST_CASE("dynamic FC op: MACs are output elements times depth", "[dynamic_fc_op]") {
  std::unique_ptr<Model> model;
  REQUIRE(load(Spec{}, &model).ok());
  REQUIRE(op_macs(*model, model->ops()[0]) == 24u * 10u);
  REQUIRE(std::string(op_precision(*model, model->ops()[0])) == "dynamic int8");
}

TEST_CASE("dynamic FC op: hostile models are refused at load", "[dynamic_fc_op]") {
  const float nan = std::nanf(""), inf = std::numeric_limits<float>::infinity();
  Spec s;
  SECTION("zero, negative, NaN and infinite scales") {
    for (float bad : {0.0f, -0.5f, nan, inf}) {
      s.scales[2] = bad;
      require_refused(s, "finite and positive");  // the loader's check or the op's
    }
  }
  SECTION("a non-zero weight zero point") {
    s.zero_points[1] = 3;
    require_refused(s, "must be symmetric");
  }
  SECTION("scales that match neither the channels nor one per tensor") {
    s.scales = {0.1f, 0.2f};
    s.zero_points = {0, 0};
    require_refused(s, "scales");
  }
  SECTION("per-channel scales along the wrong axis") {
    s.axis = 1;
    require_refused(s, "axis");
  }
  SECTION("weights without scales") {
    s.scales.clear();
    s.zero_points.clear();
    require_refused(s, "no quantization");
  }
  SECTION("float weights") {
    s.weight_dtype = kF32;
    require_refused(s, "must be int8");
  }
  SECTION("weights that are an activation") {
    s.weights_constant = false;
    require_refused(s, "'w'");
  }
  SECTION("weights of rank 3") {
    s.weight_shape = {4, 10, 1};
    require_refused(s, "rank 2");
  }
  SECTION("input depth that is not the weights'") {
    s.input_shape = {2, 3, 9};
    require_refused(s, "must end in the weights' depth 10");
  }
  SECTION("output of the wrong size") {
    s.output_shape = {2, 3, 5};
    require_refused(s, "should hold 6 rows of 4");
  }
  SECTION("bias of the wrong length") {
    s.bias_length = 3;
    require_refused(s, "should have 4 values");
  }
  SECTION("an unknown fused activation") {
    s.activation = static_cast<fb::Activation>(9);
    require_refused(s, "unknown fused activation");
  }
  SECTION("the options of another op, or none") {
    s.wrong_options = true;
    require_refused(s, "DynamicFullyConnectedOptions");
    s.wrong_options = false;
    s.no_options = true;
    require_refused(s, "DynamicFullyConnectedOptions");
  }
  SECTION("a depth that could overflow the int32 accumulator") {
    const int32_t depth = reference::kDynamicFullyConnectedMaxDepth + 1;
    s.input_shape = {1, depth};
    s.output_shape = {1, 1};
    s.weight_shape = {1, depth};
    s.scales = {0.1f};
    s.zero_points = {0};
    s.bias_length = 1;
    require_refused(s, "overflow");
  }
}
