// dynamic_fully_connected_f32s8 against a straightforward oracle written from
// the ONNX DynamicQuantizeLinear definition: the range, scale and zero point,
// the quantized values (round half to even written out by hand), an int64
// dot product, then the dequantization in the documented float32 order. The
// result must equal the kernel's exactly, and must stay within the
// quantization error bound of the plain float32 product.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/reference/dynamic_fully_connected_f32s8.h"

using namespace qrt;
using namespace qrt::reference;

namespace {

// Round half to even without nearbyint: floor, then look at the remainder.
double round_half_even(double v) {
  const double f = std::floor(v);
  const double rest = v - f;
  if (rest > 0.5) return f + 1.0;
  if (rest < 0.5) return f;
  return std::fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

struct OracleQuantization {
  float scale;
  int zero_point_u8;
};

OracleQuantization oracle_params(const std::vector<float>& x) {
  float lo = 0.0f, hi = 0.0f;
  for (float v : x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  OracleQuantization q;
  q.scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;  // float32 arithmetic, as ONNX computes it
  float zp = 0.0f - lo / q.scale;
  zp = zp < 0.0f ? 0.0f : (zp > 255.0f ? 255.0f : zp);
  q.zero_point_u8 = static_cast<int>(round_half_even(zp));
  return q;
}

int oracle_quantize_u8(float x, const OracleQuantization& q) {
  const float ratio = x / q.scale;  // float32 division, as ONNX
  double v = round_half_even(ratio) + q.zero_point_u8;
  return static_cast<int>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

struct Case {
  int batch, depth, units;
  std::vector<float> input, scales, bias;
  std::vector<int8_t> weights;
};

std::vector<float> oracle_output(const Case& c, const ClampF32& clamp) {
  const OracleQuantization q = oracle_params(c.input);
  std::vector<float> out;
  for (int b = 0; b < c.batch; ++b) {
    for (int o = 0; o < c.units; ++o) {
      int64_t acc = 0;
      for (int i = 0; i < c.depth; ++i) {
        const int xq = oracle_quantize_u8(c.input[b * c.depth + i], q);
        acc += int64_t{xq - q.zero_point_u8} * c.weights[o * c.depth + i];
      }
      REQUIRE(acc >= INT32_MIN);
      REQUIRE(acc <= INT32_MAX);
      const float ws = c.scales.size() == 1 ? c.scales[0] : c.scales[o];
      float v = static_cast<float>(acc) * (q.scale * ws);
      if (!c.bias.empty()) v += c.bias[o];
      out.push_back(v < clamp.min ? clamp.min : (v > clamp.max ? clamp.max : v));
    }
  }
  return out;
}

std::vector<float> run_kernel(const Case& c, const ClampF32& clamp) {
  DynamicFullyConnectedParams p;
  p.batch = c.batch;
  p.input_depth = c.depth;
  p.output_depth = c.units;
  p.weight_scales = c.scales.data();
  p.weight_scale_count = static_cast<int>(c.scales.size());
  p.clamp = clamp;
  std::vector<int8_t> scratch(c.depth);
  std::vector<float> out(static_cast<size_t>(c.batch) * c.units);
  dynamic_fully_connected_f32s8(p, c.input.data(), c.weights.data(), c.bias.empty() ? nullptr : c.bias.data(),
                                scratch.data(), out.data());
  return out;
}

Case random_case(std::mt19937& rng, int batch, int depth, int units, float lo, float hi, bool per_channel) {
  Case c{batch, depth, units, {}, {}, {}, {}};
  std::uniform_real_distribution<float> x(lo, hi), s(0.001f, 0.05f), b(-1.0f, 1.0f);
  std::uniform_int_distribution<int> w(-128, 127);
  for (int i = 0; i < batch * depth; ++i) c.input.push_back(x(rng));
  for (int i = 0; i < units * depth; ++i) c.weights.push_back(static_cast<int8_t>(w(rng)));
  for (int i = 0; i < (per_channel ? units : 1); ++i) c.scales.push_back(s(rng));
  if (rng() % 2) {
    for (int i = 0; i < units; ++i) c.bias.push_back(b(rng));
  }
  return c;
}

}  // namespace

TEST_CASE("dynamic FC f32s8: random shapes equal the oracle exactly and the float product within the bound",
          "[kernels][dynamic_fc]") {
  std::mt19937 rng(20261206);
  for (int trial = 0; trial < 60; ++trial) {
    const int batch = 1 + static_cast<int>(rng() % 5), depth = 1 + static_cast<int>(rng() % 70),
              units = 1 + static_cast<int>(rng() % 17);
    const float lo = trial % 3 == 0 ? 0.0f : -3.0f, hi = trial % 3 == 1 ? 0.0f : 5.0f;  // one-sided ranges too
    const Case c = random_case(rng, batch, depth, units, lo, hi, trial % 2 == 0);
    INFO("trial " << trial << " batch " << batch << " depth " << depth << " units " << units);
    const ClampF32 clamp = activation_range_f32(trial % 4 == 3 ? FusedActivation::kRelu : FusedActivation::kNone);
    const std::vector<float> got = run_kernel(c, clamp);
    const std::vector<float> want = oracle_output(c, clamp);
    REQUIRE(got == want);
    // Within the rounding error of the input's quantization: |x - x~| <= scale / 2 per value.
    const OracleQuantization q = oracle_params(c.input);
    for (int b = 0; b < batch; ++b) {
      for (int o = 0; o < units; ++o) {
        const double ws = c.scales.size() == 1 ? c.scales[0] : c.scales[o];
        double exact = c.bias.empty() ? 0.0 : c.bias[o], bound = 1e-4;
        for (int i = 0; i < depth; ++i) {
          exact += double{c.input[b * depth + i]} * c.weights[o * depth + i] * ws;
          bound += std::fabs(static_cast<double>(c.weights[o * depth + i]) * ws) * q.scale * 0.5;
        }
        exact = std::max<double>(exact, clamp.min);
        REQUIRE(std::fabs(got[b * units + o] - exact) <= bound * 1.001);
      }
    }
  }
}

TEST_CASE("dynamic FC f32s8: DynamicQuantizeLinear parameters on the edges", "[kernels][dynamic_fc]") {
  SECTION("all zeros: scale 1, uint8 zero point 0, every value exact") {
    const std::vector<float> x(9, 0.0f);
    const DynamicQuantization q = dynamic_quantization_params(x.data(), x.size());
    REQUIRE(q.scale == 1.0f);
    REQUIRE(q.zero_point == -128);
  }
  SECTION("only positive values: the range starts at 0, zero point uint8 0") {
    const std::vector<float> x = {1.0f, 2.0f, 255.0f};
    const DynamicQuantization q = dynamic_quantization_params(x.data(), x.size());
    REQUIRE(q.scale == 1.0f);
    REQUIRE(q.zero_point == -128);
    std::vector<int8_t> out(3);
    dynamic_quantize_f32_to_s8(q, x.data(), out.data(), 3);
    REQUIRE(out == std::vector<int8_t>{-127, -126, 127});
  }
  SECTION("only negative values: zero point uint8 255") {
    const std::vector<float> x = {-510.0f, -1.0f};
    const DynamicQuantization q = dynamic_quantization_params(x.data(), x.size());
    REQUIRE(q.scale == 2.0f);
    REQUIRE(q.zero_point == 127);
  }
  SECTION("ties round half to even, values saturate") {
    const std::vector<float> range = {0.0f, 255.0f};
    const DynamicQuantization q = dynamic_quantization_params(range.data(), range.size());
    const std::vector<float> x = {2.5f, 3.5f, -0.5f, 0.5f, 254.5f, 1e9f, -1e9f};
    std::vector<int8_t> out(x.size());
    dynamic_quantize_f32_to_s8(q, x.data(), out.data(), x.size());
    REQUIRE(out == std::vector<int8_t>{2 - 128, 4 - 128, -128, -128, 254 - 128, 127, -128});
  }
  SECTION("zero point from a tie: -lo / scale = 127.5 rounds to 128") {
    const std::vector<float> x = {-127.5f, 127.5f};
    const DynamicQuantization q = dynamic_quantization_params(x.data(), x.size());
    REQUIRE(q.scale == 1.0f);
    REQUIRE(q.zero_point == 0);
  }
  SECTION("NaN and infinities never crash and give defined values") {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> x = {std::nanf(""), 1.0f, -inf, inf};
    const DynamicQuantization q = dynamic_quantization_params(x.data(), x.size());
    std::vector<int8_t> out(x.size());
    dynamic_quantize_f32_to_s8(q, x.data(), out.data(), x.size());
    REQUIRE(out[0] == q.zero_point);  // NaN -> the zero point
  }
}

TEST_CASE("dynamic FC f32s8: saturating sums at the largest depth fit int32", "[kernels][dynamic_fc]") {
  // Input -1 and 1 with weights -128: every product is 255 * 128 at the extreme.
  const int depth = kDynamicFullyConnectedMaxDepth;
  Case c{1, depth, 1, std::vector<float>(depth, -1.0f), {0.5f}, {}, std::vector<int8_t>(depth, -128)};
  c.input[0] = 0.0f;  // the range is [-1, 0]: uint8 zero point 255, every other value quantizes to 0
  const std::vector<float> got = run_kernel(c, ClampF32{});
  REQUIRE(got == oracle_output(c, ClampF32{}));
  REQUIRE(got[0] == static_cast<float>(int64_t{-255} * -128 * (depth - 1)) * ((1.0f / 255.0f) * 0.5f));
}

TEST_CASE("dynamic FC f32s8: tiny and huge input ranges, 1x1", "[kernels][dynamic_fc]") {
  std::mt19937 rng(7);
  for (float magnitude : {1e-30f, 1e-6f, 1e6f, 1e30f}) {
    INFO("magnitude " << magnitude);
    Case c = random_case(rng, 3, 11, 5, -magnitude, magnitude, true);
    REQUIRE(run_kernel(c, ClampF32{}) == oracle_output(c, ClampF32{}));
  }
  Case one{1, 1, 1, {-0.75f}, {0.25f}, {0.125f}, {-3}};
  const std::vector<float> got = run_kernel(one, ClampF32{});
  REQUIRE(got == oracle_output(one, ClampF32{}));
  REQUIRE(got[0] == Approx(-0.75 * -3 * 0.25 + 0.125).epsilon(0.01));
}
