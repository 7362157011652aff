// The element-wise and reduction ops of the TFLite importer not covered by
// tflite_import_ops_test.cc: SUB, MUL, MEAN, the table ops (LOGISTIC, TANH,
// HARD_SWISH, RELU, RELU6, LEAKY_RELU) and every fused activation. Each test
// builds a TFLite model, imports it, runs it through the C API and compares
// with the reference kernel called directly with parameters worked out here
// from the TFLite model's scales, zero points and options.
#include <catch2/catch.hpp>

#include <random>

#include "converter/tflite/tflite_importer.h"
#include "kernels/reference/binary_elementwise_s8.h"
#include "kernels/reference/lut_s8.h"
#include "kernels/reference/mean_s8.h"
#include "kernels/reference/unary_lut_builders.h"
#include "tests/tflite/qfb_runner.h"
#include "tests/tflite/tflite_builder.h"

namespace qrt::test {
namespace {

using TT = tfl::TensorType;
using Act = tfl::ActivationFunctionType;
constexpr auto kFixed = RequantRule::kFixedPoint;

// Builtin codes of the TFLite format.
enum : int {
  kAdd = 0, kLogistic = 14, kMul = 18, kRelu = 19, kRelu6 = 21, kTanh = 28, kMean = 40, kSub = 41,
  kLeakyRelu = 98, kHardSwish = 117,
};

std::vector<uint8_t> import(TfliteBuilder& b) {
  const std::vector<uint8_t> tflite = b.finish();
  return import_tflite(tflite.data(), tflite.size(), ImportOptions{});
}

std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

// Every int8 value once, so a table op is checked on its whole table.
std::vector<int8_t> every_s8() {
  std::vector<int8_t> v;
  for (int x = -128; x <= 127; ++x) v.push_back(static_cast<int8_t>(x));
  return v;
}

std::vector<uint8_t> as_bytes(const std::vector<int8_t>& v) { return std::vector<uint8_t>(v.begin(), v.end()); }

// The TFLite fused activation and the clamp it means, worked out here.
struct Activation {
  Act tflite;
  FusedActivation kernel;
  const char* name;
};
const Activation kActivations[] = {{Act::NONE, FusedActivation::kNone, "NONE"},
                                   {Act::RELU, FusedActivation::kRelu, "RELU"},
                                   {Act::RELU6, FusedActivation::kRelu6, "RELU6"},
                                   {Act::RELU_N1_TO_1, FusedActivation::kReluN1To1, "RELU_N1_TO_1"}};

// A binary op over [1,3,4,5] and a broadcast [1,1,4,1] operand.
std::vector<uint8_t> run_binary(int code, Act activation, float s1, int32_t z1, float s2, int32_t z2, float so,
                                int32_t zo, const std::vector<int8_t>& a, const std::vector<int8_t>& c) {
  TfliteBuilder b;
  const int in1 = b.tensor("a", TT::INT8, {1, 3, 4, 5}, {s1}, {z1});
  const int in2 = b.tensor("c", TT::INT8, {1, 1, 4, 1}, {s2}, {z2});
  const int out = b.tensor("out", TT::INT8, {1, 3, 4, 5}, {so}, {zo});
  if (code == kAdd) {
    tfl::AddOptionsT o;
    o.fused_activation_function = activation;
    b.op(code, {in1, in2}, {out}, tflite_options(o));
  } else if (code == kSub) {
    tfl::SubOptionsT o;
    o.fused_activation_function = activation;
    b.op(code, {in1, in2}, {out}, tflite_options(o));
  } else {
    tfl::MulOptionsT o;
    o.fused_activation_function = activation;
    b.op(code, {in1, in2}, {out}, tflite_options(o));
  }
  b.inputs({in1, in2});
  b.outputs({out});
  return run_qfb(import(b), {as_bytes(a), as_bytes(c)})[0];
}

TEST_CASE("TFLite ADD, SUB and MUL with each fused activation match the reference kernels") {
  const int32_t d1[] = {1, 3, 4, 5}, d2[] = {1, 1, 4, 1};
  const auto a = random_s8(60, 21), c = random_s8(4, 22);
  // Output scales small enough that RELU6 and RELU_N1_TO_1 clamp inside int8.
  const float s1 = 0.05f, s2 = 0.03f, so = 0.02f;
  const int32_t z1 = 4, z2 = -11, zo = -3;
  for (int code : {kAdd, kSub, kMul}) {
    for (const Activation& act : kActivations) {
      INFO("op " << code << ", activation " << act.name);
      const ClampRange clamp = activation_range_s8(act.kernel, so, zo);
      std::vector<int8_t> expected(60);
      if (code == kMul) {
        reference::MulS8Params p;
        REQUIRE(reference::init_mul_s8_params(kFixed, d1, 4, s1, z1, d2, 4, s2, z2, so, zo, clamp, &p) == "");
        reference::mul_s8(p, a.data(), c.data(), expected.data());
      } else {
        reference::AddSubS8Params p;
        REQUIRE(reference::init_add_sub_s8_params(kFixed, d1, 4, s1, z1, d2, 4, s2, z2, so, zo, clamp, &p) == "");
        (code == kAdd ? reference::add_s8 : reference::sub_s8)(p, a.data(), c.data(), expected.data());
      }
      const auto got = run_binary(code, act.tflite, s1, z1, s2, z2, so, zo, a, c);
      CHECK(got == as_bytes(expected));
      if (act.kernel != FusedActivation::kNone) {
        // The clamp must bite somewhere, or the activation is untested.
        const auto unclamped = run_binary(code, Act::NONE, s1, z1, s2, z2, so, zo, a, c);
        CHECK(got != unclamped);
      }
    }
  }
}

TEST_CASE("TFLite MEAN over H and W, keep_dims and not, matches the reference kernel") {
  const auto input = random_s8(2 * 3 * 5 * 7, 23);
  const int32_t dims[] = {2, 3, 5, 7};
  for (bool keep_dims : {true, false}) {
    for (bool negative_axes : {false, true}) {
      INFO("keep_dims " << keep_dims << ", negative axes " << negative_axes);
      TfliteBuilder b;
      const int in = b.tensor("in", TT::INT8, {2, 3, 5, 7}, {0.07f}, {-9});
      // Axes as TF may write them: negative, or in another order.
      const int axes =
          b.int32_constant("axes", negative_axes ? std::vector<int32_t>{-2, -3} : std::vector<int32_t>{1, 2});
      const std::vector<int32_t> out_shape = keep_dims ? std::vector<int32_t>{2, 1, 1, 7} : std::vector<int32_t>{2, 7};
      const int out = b.tensor("out", TT::INT8, out_shape, {0.03f}, {12});
      tfl::ReducerOptionsT o;
      o.keep_dims = keep_dims;
      b.op(kMean, {in, axes}, {out}, tflite_options(o));
      b.inputs({in});
      b.outputs({out});
      const auto got = run_qfb(import(b), {as_bytes(input)});

      reference::MeanS8Params p;
      REQUIRE(reference::init_mean_s8_params(kFixed, dims, 4, keep_dims, 0.07f, -9, 0.03f, 12, &p) == "");
      std::vector<int8_t> expected(14);
      reference::mean_s8(p, input.data(), expected.data());
      CHECK(got[0] == as_bytes(expected));
    }
  }
}

// One table op on every int8 value; the table comes from the reference builder.
struct TableCase {
  const char* name;
  int code;
  float output_scale;
  int32_t output_zero_point;
};

TEST_CASE("TFLite LOGISTIC, TANH, HARD_SWISH, RELU, RELU6 and LEAKY_RELU match the reference tables") {
  const float in_scale = 0.06f;
  const int32_t in_zp = 3;
  const float alpha = 0.2f;
  // Logistic and tanh have the fixed output quantization TFLite requires.
  const TableCase cases[] = {{"LOGISTIC", kLogistic, 1.0f / 256, -128}, {"TANH", kTanh, 1.0f / 128, 0},
                             {"HARD_SWISH", kHardSwish, 0.05f, -20},     {"RELU", kRelu, 0.04f, -128},
                             {"RELU6", kRelu6, 0.03f, -100},             {"LEAKY_RELU", kLeakyRelu, 0.05f, 10}};
  const std::vector<int8_t> input = every_s8();
  for (const TableCase& c : cases) {
    INFO(c.name);
    TfliteBuilder b;
    const int in = b.tensor("in", TT::INT8, {1, 256}, {in_scale}, {in_zp});
    const int out = b.tensor("out", TT::INT8, {1, 256}, {c.output_scale}, {c.output_zero_point});
    if (c.code == kLeakyRelu) {
      tfl::LeakyReluOptionsT o;
      o.alpha = alpha;
      b.op(c.code, {in}, {out}, tflite_options(o));
    } else {
      b.op(c.code, {in}, {out});
    }
    b.inputs({in});
    b.outputs({out});
    const auto got = run_qfb(import(b), {as_bytes(input)});

    int8_t table[reference::kLutS8Size];
    const float so = c.output_scale;
    const int32_t zo = c.output_zero_point;
    std::string error;
    switch (c.code) {
      case kLogistic: error = reference::build_logistic_lut(kFixed, in_scale, in_zp, so, zo, table); break;
      case kTanh: error = reference::build_tanh_lut(kFixed, in_scale, in_zp, so, zo, table); break;
      case kHardSwish: error = reference::build_hard_swish_lut(kFixed, in_scale, in_zp, so, zo, table); break;
      case kRelu: error = reference::build_relu_lut(kFixed, in_scale, in_zp, so, zo, table); break;
      case kRelu6: error = reference::build_relu6_lut(kFixed, in_scale, in_zp, so, zo, table); break;
      default: error = reference::build_leaky_relu_lut(kFixed, in_scale, in_zp, so, zo, alpha, table); break;
    }
    REQUIRE(error == "");
    std::vector<int8_t> expected(256);
    reference::lut_s8(table, input.data(), expected.data(), expected.size());
    CHECK(got[0] == as_bytes(expected));
  }
}

}  // namespace
}  // namespace qrt::test
