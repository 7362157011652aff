// The DYNAMIC_CONV_2D reference kernel against the ONNX graph it replaces,
// built here from the other reference kernels, each tested against ONNX on
// its own (integer_ops_test.cc): DynamicQuantizeLinear over the whole input
// (dynamic_quantize_linear_f32), ConvInteger with that zero point
// (conv_integer_s8s32), then Cast -> Mul(x_scale * w_scale) -> Add(bias) in
// float32, then the activation's clamp. Bit for bit, on random shapes and on
// edge cases: 1x1 images, odd channel counts, groups, depthwise, dilations,
// asymmetric padding, weights at -128 / 127, inputs all positive / all
// negative / all zero / huge / tiny / with a NaN.
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "kernels/reference/conv_integer_s8.h"
#include "kernels/reference/dynamic_conv2d_f32s8.h"
#include "kernels/reference/dynamic_quantize_linear_f32.h"

using namespace qrt;

namespace {

struct Shape {
  int n = 1, h = 4, w = 4, c = 3, m = 4, kh = 3, kw = 3;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  int groups = 1;
};

reference::DynamicConv2DParams params_of(const Shape& s) {
  reference::DynamicConv2DParams p;
  p.batch = s.n;
  p.input_height = s.h;
  p.input_width = s.w;
  p.input_channels = s.c;
  p.output_channels = s.m;
  p.kernel_height = s.kh;
  p.kernel_width = s.kw;
  p.stride_height = s.stride_h;
  p.stride_width = s.stride_w;
  p.dilation_height = s.dilation_h;
  p.dilation_width = s.dilation_w;
  p.pad_top = s.pad_t;
  p.pad_left = s.pad_l;
  p.groups = s.groups;
  p.output_height = (s.h + s.pad_t + s.pad_b - (s.dilation_h * (s.kh - 1) + 1)) / s.stride_h + 1;
  p.output_width = (s.w + s.pad_l + s.pad_r - (s.dilation_w * (s.kw - 1) + 1)) / s.stride_w + 1;
  return p;
}

// The ONNX graph from the other reference kernels.
std::vector<float> onnx_graph(const reference::DynamicConv2DParams& p, const std::vector<float>& x,
                              const std::vector<int8_t>& filter, const float* bias) {
  std::vector<int8_t> xq(x.size());
  float x_scale = 0.0f;
  int8_t x_zero_point = 0;
  reference::dynamic_quantize_linear_f32(x.data(), x.size(), xq.data(), &x_scale, &x_zero_point);
  reference::ConvIntegerParams c;
  c.batch = p.batch;
  c.input_height = p.input_height;
  c.input_width = p.input_width;
  c.input_channels = p.input_channels;
  c.output_height = p.output_height;
  c.output_width = p.output_width;
  c.output_channels = p.output_channels;
  c.kernel_height = p.kernel_height;
  c.kernel_width = p.kernel_width;
  c.stride_height = p.stride_height;
  c.stride_width = p.stride_width;
  c.dilation_height = p.dilation_height;
  c.dilation_width = p.dilation_width;
  c.pad_top = p.pad_top;
  c.pad_left = p.pad_left;
  c.groups = p.groups;
  c.input_zero_point = x_zero_point;
  const int32_t zero = 0;
  c.filter_zero_points = &zero;
  c.filter_zero_point_count = 1;
  const size_t pixels = static_cast<size_t>(p.batch) * p.output_height * p.output_width;
  std::vector<int32_t> acc(pixels * p.output_channels);
  reference::conv_integer_s8s32(c, xq.data(), filter.data(), acc.data());
  std::vector<float> y(acc.size());
  for (size_t i = 0; i < pixels; ++i) {
    for (int o = 0; o < p.output_channels; ++o) {
      const float scale_product = x_scale * p.filter_scales[p.filter_scale_count == 1 ? 0 : o];  // Mul(x_scale, w_scale)
      const float cast = static_cast<float>(acc[i * p.output_channels + o]);                   // Cast
      float v = cast * scale_product;                                                           // Mul
      if (bias != nullptr) v = v + bias[o];                                                     // Add
      y[i * p.output_channels + o] = p.clamp.apply(v);
    }
  }
  return y;
}

enum class Fill { kRandom, kPositive, kNegative, kZero, kHuge, kTiny, kNan };

std::vector<float> input_values(size_t n, Fill fill, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-3.0f, 5.0f);
  std::vector<float> x(n);
  for (float& v : x) {
    const float r = d(rng);
    switch (fill) {
      case Fill::kRandom: v = r; break;
      case Fill::kPositive: v = std::fabs(r) + 0.5f; break;
      case Fill::kNegative: v = -std::fabs(r); break;
      case Fill::kZero: v = 0.0f; break;
      case Fill::kHuge: v = r * 1e30f; break;
      case Fill::kTiny: v = r * 1e-30f; break;
      case Fill::kNan: v = r; break;
    }
  }
  if (fill == Fill::kNan) x[n / 2] = std::numeric_limits<float>::quiet_NaN();
  return x;
}

void check_case(const Shape& s, Fill fill, bool per_channel, bool with_bias, FusedActivation activation,
                bool extreme_weights, uint32_t seed) {
  std::mt19937 rng(seed);
  reference::DynamicConv2DParams p = params_of(s);
  const int cg = s.c / s.groups;
  std::vector<int8_t> filter(static_cast<size_t>(s.m) * s.kh * s.kw * cg);
  for (size_t i = 0; i < filter.size(); ++i) {
    filter[i] = extreme_weights ? static_cast<int8_t>(i % 2 ? 127 : -128) : static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  }
  std::vector<float> scales(per_channel ? s.m : 1);
  std::uniform_real_distribution<float> sd(0.001f, 0.1f);
  for (float& v : scales) v = sd(rng);
  std::vector<float> bias(s.m);
  std::uniform_real_distribution<float> bd(-2.0f, 2.0f);
  for (float& v : bias) v = bd(rng);
  p.filter_scales = scales.data();
  p.filter_scale_count = static_cast<int>(scales.size());
  p.clamp = reference::activation_range_f32(activation);
  const std::vector<float> x = input_values(static_cast<size_t>(s.n) * s.h * s.w * s.c, fill, rng);
  std::vector<int8_t> scratch(x.size());
  std::vector<float> y(static_cast<size_t>(s.n) * p.output_height * p.output_width * s.m);
  reference::dynamic_conv2d_f32s8(p, x.data(), filter.data(), with_bias ? bias.data() : nullptr, scratch.data(),
                                  y.data());
  const std::vector<float> want = onnx_graph(p, x, filter, with_bias ? bias.data() : nullptr);
  INFO("shape n" << s.n << " " << s.h << "x" << s.w << "x" << s.c << " -> " << s.m << ", kernel " << s.kh << "x" << s.kw
                 << ", groups " << s.groups << ", fill " << static_cast<int>(fill) << ", seed " << seed);
  REQUIRE(y.size() == want.size());
  REQUIRE(std::memcmp(y.data(), want.data(), y.size() * sizeof(float)) == 0);
}

}  // namespace

TEST_CASE("dynamic conv reference: equals DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul -> Add bit for bit",
          "[dynamic_conv]") {
  Shape s;
  SECTION("edge shapes") {
    Shape one = s;  // 1x1 image, 1x1 filter
    one.h = one.w = 1;
    one.kh = one.kw = 1;
    check_case(one, Fill::kRandom, true, true, FusedActivation::kNone, false, 1);
    Shape padded_one = s;  // 1x1 image inside padding: only the centre tap is real
    padded_one.h = padded_one.w = 1;
    padded_one.pad_t = padded_one.pad_l = padded_one.pad_b = padded_one.pad_r = 1;
    check_case(padded_one, Fill::kRandom, false, true, FusedActivation::kNone, false, 2);
    Shape odd = s;  // odd channels, asymmetric padding, strides and dilations
    odd.n = 2, odd.h = 7, odd.w = 6, odd.c = 5, odd.m = 3, odd.kh = 3, odd.kw = 2;
    odd.stride_h = 2, odd.dilation_w = 2, odd.pad_t = 2, odd.pad_r = 1;
    check_case(odd, Fill::kRandom, true, false, FusedActivation::kRelu, false, 3);
    Shape grouped = s;
    grouped.c = 6, grouped.m = 9, grouped.groups = 3;
    check_case(grouped, Fill::kRandom, true, true, FusedActivation::kRelu6, false, 4);
    Shape depthwise = s;
    depthwise.c = depthwise.m = depthwise.groups = 7;
    depthwise.pad_t = depthwise.pad_l = depthwise.pad_b = depthwise.pad_r = 1;
    check_case(depthwise, Fill::kRandom, false, true, FusedActivation::kReluN1To1, false, 5);
    Shape deep = s;  // large sums: weights at -128 / 127, 64 channels x 9 taps
    deep.c = 64, deep.m = 5;
    check_case(deep, Fill::kRandom, true, true, FusedActivation::kNone, true, 6);
  }
  SECTION("input ranges: all positive (zero point 0), all negative (255), all zero (scale 1), huge, tiny, NaN") {
    uint32_t seed = 10;
    for (Fill fill : {Fill::kPositive, Fill::kNegative, Fill::kZero, Fill::kHuge, Fill::kTiny, Fill::kNan}) {
      check_case(s, fill, true, true, FusedActivation::kNone, false, seed++);
      check_case(s, fill, false, false, FusedActivation::kNone, true, seed++);
    }
  }
  SECTION("random shapes") {
    std::mt19937 rng(77);
    const auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<uint32_t>(hi - lo + 1)); };
    for (int i = 0; i < 40; ++i) {
      Shape r;
      r.groups = pick(1, 3);
      r.c = r.groups * pick(1, 4);
      r.m = r.groups * pick(1, 4);
      r.n = pick(1, 2);
      r.kh = pick(1, 3), r.kw = pick(1, 3);
      r.stride_h = pick(1, 2), r.stride_w = pick(1, 2);
      r.dilation_h = pick(1, 2), r.dilation_w = pick(1, 2);
      r.pad_t = pick(0, 2), r.pad_l = pick(0, 2), r.pad_b = pick(0, 2), r.pad_r = pick(0, 2);
      r.h = pick(1, 6) + r.dilation_h * (r.kh - 1);
      r.w = pick(1, 6) + r.dilation_w * (r.kw - 1);
      check_case(r, Fill::kRandom, pick(0, 1) == 1, pick(0, 1) == 1, static_cast<FusedActivation>(pick(0, 3)), false,
                 100 + static_cast<uint32_t>(i));
    }
  }
}
