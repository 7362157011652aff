// quantize_graph: the quantized form it produces from a calibrated float graph.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>

#include "converter/calibration/calibrate.h"
#include "converter/calibration/ptq_options.h"
#include "converter/calibration/quantize_graph.h"
#include "converter/ir/fused_activation.h"
#include "tests/converter/ir_test_helpers.h"

namespace qrt::convert {
namespace {

using test::add_float_constant;
using test::add_float_input;
using test::ints_attr;
using test::make_node;

template <typename T>
std::vector<T> values_of(const IrValue& v) {
  std::vector<T> out(v.data.size() / sizeof(T));
  std::memcpy(out.data(), v.data.data(), v.data.size());
  return out;
}

const IrNode* node_writing(const IrGraph& g, const std::string& name) {
  for (const IrNode& n : g.nodes) {
    for (const std::string& o : n.outputs) {
      if (o == name) return &n;
    }
  }
  return nullptr;
}

// x [1,1,2,2] -> Conv(2 channels, 1x1, fused Relu) -> MaxPool -> y, ranges set by hand.
IrGraph calibrated_conv_graph() {
  IrGraph g;
  g.opset = 13;
  add_float_input(&g, "x", {1, 1, 2, 2});
  add_float_constant(&g, "w", {2, 1, 1, 1}, {0.5f, -2.0f});
  add_float_constant(&g, "b", {2}, {0.1f, -0.3f});
  IrNode conv = make_node("Conv", {"x", "w", "b"}, {"c"});
  set_fused_activation(&conv, {"Relu", 0.0f, INFINITY});
  g.nodes.push_back(conv);
  g.nodes.push_back(make_node("MaxPool", {"c"}, {"y"}, {{"kernel_shape", ints_attr({2, 2})}}));
  g.outputs = {"y"};
  test::declare_outputs(&g);
  g.values["x"].calibrated_range = std::make_pair(-1.0f, 1.0f);
  g.values["c"].calibrated_range = std::make_pair(0.0f, 2.55f);
  g.values["y"].calibrated_range = std::make_pair(0.0f, 1.0f);
  return g;
}

TEST_CASE("activation_quantization: asymmetric int8 over a range that includes 0") {
  const IrQuantization q = activation_quantization(-1.0f, 1.0f);
  CHECK(q.scales[0] == Approx(2.0f / 255));
  // -128 - (-1 / scale) is -0.5 up to float rounding of the scale: either neighbour is right.
  CHECK((q.zero_points[0] == 0 || q.zero_points[0] == -1));
  const IrQuantization positive = activation_quantization(0.5f, 2.55f);  // widened to [0, 2.55]
  CHECK(positive.scales[0] == Approx(0.01f));
  CHECK(positive.zero_points[0] == -128);
  CHECK(activation_quantization(0.0f, 0.0f).scales[0] > 0.0f);
}

TEST_CASE("quantize_graph: per-channel weights, int32 bias, Q/DQ at the float edges") {
  const IrGraph q = quantize_graph(calibrated_conv_graph(), {});
  // Edges: float x -> QuantizeLinear -> ... -> DequantizeLinear -> float y.
  REQUIRE(q.nodes.front().op_type == "QuantizeLinear");
  REQUIRE(q.nodes.back().op_type == "DequantizeLinear");
  CHECK(q.nodes.front().inputs[0] == "x");
  CHECK(q.nodes.back().outputs[0] == "y");
  CHECK(q.values.at("x").dtype == IrDType::kFloat32);
  CHECK(q.values.at("y").dtype == IrDType::kFloat32);
  CHECK_FALSE(q.values.at("x").quantization);

  const IrNode* conv = nullptr;
  for (const IrNode& n : q.nodes) conv = n.op_type == "Conv" ? &n : conv;
  REQUIRE(conv);
  CHECK_FALSE(fused_activation(*conv));  // the Relu is a node again
  const IrValue& w = q.values.at(conv->inputs[1]);
  REQUIRE(w.quantization);
  CHECK(w.dtype == IrDType::kInt8);
  CHECK(w.quantization->axis == 0);
  CHECK(w.quantization->scales == std::vector<float>{0.5f / 127, 2.0f / 127});
  CHECK(w.quantization->zero_points == std::vector<int32_t>{0, 0});
  CHECK(values_of<int8_t>(w) == std::vector<int8_t>{127, -127});

  const IrValue& x_q = q.values.at(conv->inputs[0]);
  REQUIRE(x_q.quantization);
  const float s_in = x_q.quantization->scales[0];
  const IrValue& b = q.values.at(conv->inputs[2]);
  CHECK(b.dtype == IrDType::kInt32);
  REQUIRE(b.quantization);
  CHECK(b.quantization->scales[0] == s_in * (0.5f / 127));
  const auto bias = values_of<int32_t>(b);
  CHECK(bias[0] == static_cast<int32_t>(std::nearbyint(0.1 / (s_in * (0.5f / 127)))));
  CHECK(bias[1] == static_cast<int32_t>(std::nearbyint(-0.3 / (s_in * (2.0f / 127)))));

  // Relu(conv) : the conv's output is quantized like the Relu's, so the lowering fuses it exactly.
  const IrNode* relu = node_writing(q, "c");
  REQUIRE(relu);
  CHECK(relu->op_type == "Relu");
  CHECK(q.values.at(relu->inputs[0]).quantization->scales == q.values.at("c").quantization->scales);
  CHECK(q.values.at("c").quantization->scales[0] == Approx(0.01f));

  // MaxPool never requantizes: its output takes its input's quantization, not its own range.
  const IrNode& dq = q.nodes.back();
  CHECK(q.values.at(dq.inputs[0]).quantization->scales == q.values.at("c").quantization->scales);
}

TEST_CASE("quantize_graph: --per-tensor gives one weight scale and one bias scale") {
  QuantizeOptions options;
  options.per_tensor_weights = true;
  const IrGraph q = quantize_graph(calibrated_conv_graph(), options);
  for (const IrNode& n : q.nodes) {
    if (n.op_type != "Conv") continue;
    const IrValue& w = q.values.at(n.inputs[1]);
    CHECK(w.quantization->scales == std::vector<float>{2.0f / 127});
    CHECK(w.quantization->axis == -1);
    CHECK(values_of<int8_t>(w) == std::vector<int8_t>{32, -127});
    CHECK(q.values.at(n.inputs[2]).quantization->scales.size() == 1);
  }
}

TEST_CASE("quantize_graph: a bias too large for int32 at s_in * s_w raises that channel's weight scale") {
  // A near-constant input (range 1e-6) and a bias of 1e4 on channel 1: at
  // s_w = 2 / 127 its int32 value would be about 1e14. Channel 0 (bias 1e-4)
  // needs no change.
  IrGraph g = calibrated_conv_graph();
  g.values["x"].calibrated_range = std::make_pair(-1e-6f, 1e-6f);
  add_float_constant(&g, "b", {2}, {1e-4f, 1e4f});
  for (bool per_tensor : {false, true}) {
    QuantizeOptions options;
    options.per_tensor_weights = per_tensor;
    const IrGraph q = quantize_graph(g, options);
    const IrNode* conv = nullptr;
    for (const IrNode& n : q.nodes) conv = n.op_type == "Conv" ? &n : conv;
    REQUIRE(conv);
    const IrValue& w = q.values.at(conv->inputs[1]);
    const std::vector<float>& scales = w.quantization->scales;
    const float s_in = q.values.at(conv->inputs[0]).quantization->scales[0];
    const auto bias = values_of<int32_t>(q.values.at(conv->inputs[2]));
    // Within the headroom the runtime's bias check leaves for one 255 * 255 product.
    for (int32_t v : bias) CHECK(std::llabs(v) <= 2147483647LL - 255 * 255);
    const float s1 = scales.back();
    CHECK(s1 > 2.0f / 127);
    CHECK(bias[1] == static_cast<int32_t>(std::nearbyint(1e4 / static_cast<double>(s_in * s1))));
    if (!per_tensor) CHECK(scales[0] == 0.5f / 127);  // only the channel that needed it
    // The weights follow the larger scale: -2 / s1 rounds to a small int8.
    const auto weights = values_of<int8_t>(w);
    CHECK(weights[1] == static_cast<int8_t>(std::nearbyint(-2.0f / s1)));
  }
}

TEST_CASE("quantize_graph: an activation without a calibrated range is refused") {
  IrGraph g = calibrated_conv_graph();
  g.values["c"].calibrated_range.reset();
  CHECK_THROWS_WITH(quantize_graph(g, {}), Catch::Contains("'c'") && Catch::Contains("no calibrated range"));
}

TEST_CASE("calibrate_graph: min-max ranges of every activation over the samples") {
  IrGraph g = calibrated_conv_graph();
  for (auto& [name, v] : g.values) v.calibrated_range.reset();
  const std::vector<HostTensorMap> samples = {{{"x", HostTensor::floats({1, 1, 2, 2}, {-1, 0, 0.5f, 1})}},
                                              {{"x", HostTensor::floats({1, 1, 2, 2}, {2, 0, 0, 0})}}};
  calibrate_graph(&g, samples, {});
  CHECK(*g.values.at("x").calibrated_range == std::make_pair(-1.0f, 2.0f));
  // Channel 0: 0.5x + 0.1 then Relu; channel 1: -2x - 0.3 then Relu. Largest: 1.7 (x = -1, channel 1).
  CHECK(g.values.at("c").calibrated_range->first == 0.0f);
  CHECK(g.values.at("c").calibrated_range->second == Approx(1.7f));
  CHECK_FALSE(g.values.at("w").calibrated_range);
  CHECK_THROWS(calibrate_graph(&g, {}, {}));
}

TEST_CASE("parse_ptq_argument: the qconvert flags") {
  const char* argv[] = {"qconvert", "--calib", "a.npy", "--calib", "random", "--calib-method", "mse",
                        "--percentile", "99.9", "--per-tensor", "-o", "--percentile", "20"};
  const int argc = 13;
  PtqOptions o;
  std::string error;
  int i = 1;
  auto next = [&]() { return parse_ptq_argument(argc, const_cast<char**>(argv), &i, &o, &error); };
  CHECK(next() == 1);
  CHECK(i == 2);
  ++i;
  CHECK(next() == 1);
  ++i;
  CHECK(next() == 1);
  ++i;
  CHECK(next() == 1);
  ++i;
  CHECK(next() == 1);
  ++i;
  CHECK(next() == 0);  // -o is not a PTQ flag
  ++i;
  CHECK(next() == -1);
  CHECK_THAT(error, Catch::Contains("(50, 100]"));
  CHECK(o.calibration_paths == std::vector<std::string>{"a.npy"});
  CHECK(o.random_calibration);
  CHECK(o.calibration.method == CalibrationMethod::kMse);
  CHECK(o.calibration.percentile == 99.9);
  CHECK(o.quantize.per_tensor_weights);
  CHECK(o.requested());
}

}  // namespace
}  // namespace qrt::convert
