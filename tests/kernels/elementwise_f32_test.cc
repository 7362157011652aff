// float32 ADD / SUB / MUL (broadcasting), unary ops, softmax, mean and the
// pools against straightforward double-precision formulations.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/reference/binary_elementwise_f32.h"
#include "kernels/reference/mean_f32.h"
#include "kernels/reference/pool2d_f32.h"
#include "kernels/reference/softmax_f32.h"
#include "kernels/reference/unary_f32.h"

namespace qrt::reference {
namespace {

std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo = -4.0f, float hi = 4.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

TEST_CASE("binary_elementwise_f32 broadcasts as numpy does", "[binary_f32]") {
  std::mt19937 rng(5);
  struct Case {
    std::vector<int32_t> a, b;
  };
  const std::vector<Case> cases = {{{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}},       {{1, 3, 1}, {2, 1, 5}},
                                   {{5}, {1}},             {{2, 1, 3, 1, 2}, {3, 4, 1}}, {{1}, {1, 2, 1, 1, 2, 3}}};
  for (const Case& c : cases) {
    for (BinaryOpF32 op : {BinaryOpF32::kAdd, BinaryOpF32::kSub, BinaryOpF32::kMul}) {
      BinaryF32Params p;
      p.op = op;
      REQUIRE(broadcast_shapes(c.a.data(), static_cast<int>(c.a.size()), c.b.data(), static_cast<int>(c.b.size()),
                               &p.shapes.input1, &p.shapes.input2, &p.shapes.output));
      if (op == BinaryOpF32::kMul) p.clamp = activation_range_f32(FusedActivation::kRelu);
      size_t na = 1, nb = 1, no = 1;
      for (int32_t d : c.a) na *= d;
      for (int32_t d : c.b) nb *= d;
      for (int32_t d : p.shapes.output) no *= d;
      const auto a = random_floats(rng, na), b = random_floats(rng, nb);
      std::vector<float> y(no);
      binary_elementwise_f32(p, a.data(), b.data(), y.data());
      // Unravel each output index over the 6-D output; an extent-1 input dim reads index 0.
      for (size_t o = 0; o < no; ++o) {
        size_t rest = o, ia = 0, ib = 0, sa = 1, sb = 1;
        for (int d = kMaxBroadcastRank - 1; d >= 0; --d) {
          const size_t i = rest % p.shapes.output[d];
          rest /= p.shapes.output[d];
          ia += (p.shapes.input1[d] == 1 ? 0 : i) * sa;
          ib += (p.shapes.input2[d] == 1 ? 0 : i) * sb;
          sa *= p.shapes.input1[d];
          sb *= p.shapes.input2[d];
        }
        float want = op == BinaryOpF32::kAdd ? a[ia] + b[ib] : op == BinaryOpF32::kSub ? a[ia] - b[ib] : a[ia] * b[ib];
        if (op == BinaryOpF32::kMul) want = std::max(want, 0.0f);
        REQUIRE(y[o] == want);  // one float op each: exact
      }
    }
  }
}

TEST_CASE("unary_f32 follows each op's formula", "[unary_f32]") {
  const double pi = 3.14159265358979323846;
  const std::vector<float> xs = {-10.0f, -3.5f, -3.0f, -1.0f, -0.25f, 0.0f, 0.3f, 1.0f, 2.9f, 3.0f, 6.5f, 20.0f};
  const std::vector<std::pair<UnaryOpF32, double (*)(double)>> cases = {
      {UnaryOpF32::kLogistic, [](double x) { return 1.0 / (1.0 + std::exp(-x)); }},
      {UnaryOpF32::kTanh, [](double x) { return std::tanh(x); }},
      {UnaryOpF32::kHardSwish, [](double x) { return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; }},
      {UnaryOpF32::kRelu, [](double x) { return std::max(x, 0.0); }},
      {UnaryOpF32::kRelu6, [](double x) { return std::min(std::max(x, 0.0), 6.0); }},
      {UnaryOpF32::kLeakyRelu, [](double x) { return x >= 0 ? x : 0.125 * x; }},
      {UnaryOpF32::kGelu, [](double x) { return x * 0.5 * std::erfc(-x / std::sqrt(2.0)); }},
  };
  for (const auto& [op, f] : cases) {
    UnaryF32Params p;
    p.op = op;
    p.alpha = 0.125f;
    std::vector<float> y(xs.size());
    unary_f32(p, xs.data(), y.data(), xs.size());
    for (size_t i = 0; i < xs.size(); ++i) {
      INFO("op " << static_cast<int>(op) << " x " << xs[i]);
      REQUIRE(std::fabs(y[i] - f(xs[i])) <= 1e-6 * std::fabs(f(xs[i])) + 1e-7);
    }
  }
  UnaryF32Params tanh_gelu;
  tanh_gelu.op = UnaryOpF32::kGeluTanh;
  const float x = 1.5f;
  const double want = 0.5 * x * (1 + std::tanh(std::sqrt(2 / pi) * (x + 0.044715 * x * x * x)));
  REQUIRE(std::fabs(unary_f32_value(tanh_gelu, x) - want) < 1e-6);
  UnaryF32Params relu;
  REQUIRE(std::isnan(unary_f32_value(relu, std::nanf(""))));
}

TEST_CASE("softmax_f32 rows sum to 1 and match exp ratios, even for large inputs", "[softmax_f32]") {
  std::mt19937 rng(3);
  for (float beta : {1.0f, 0.5f, 2.0f}) {
    SoftmaxF32Params p;
    p.outer_size = 5;
    p.depth = 13;
    p.beta = beta;
    auto x = random_floats(rng, 65, -30.0f, 30.0f);
    x[3] = 500.0f;  // exp(500) overflows float: the max subtraction must keep it finite
    std::vector<float> y(x.size());
    softmax_f32(p, x.data(), y.data());
    for (int r = 0; r < 5; ++r) {
      double max = -1e300, sum = 0;
      for (int i = 0; i < 13; ++i) max = std::max(max, static_cast<double>(x[r * 13 + i]));
      for (int i = 0; i < 13; ++i) sum += std::exp(beta * (x[r * 13 + i] - max));
      for (int i = 0; i < 13; ++i) {
        const double want = std::exp(beta * (x[r * 13 + i] - max)) / sum;
        REQUIRE(std::fabs(y[r * 13 + i] - want) <= 1e-6 * want + 1e-9);
      }
    }
  }
}

TEST_CASE("mean_f32 averages over H and W per channel", "[mean_f32]") {
  std::mt19937 rng(11);
  MeanF32Params p;
  p.batch = 2, p.height = 3, p.width = 5, p.channels = 7;
  const auto x = random_floats(rng, 2 * 3 * 5 * 7);
  std::vector<float> y(14);
  mean_f32(p, x.data(), y.data());
  for (int b = 0; b < 2; ++b)
    for (int c = 0; c < 7; ++c) {
      double s = 0;
      for (int i = 0; i < 15; ++i) s += x[(b * 15 + i) * 7 + c];
      REQUIRE(std::fabs(y[b * 7 + c] - s / 15) < 1e-5);
    }
}

TEST_CASE("pool2d_f32 max and average windows, with and without counting the padding", "[pool2d_f32]") {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 30; ++trial) {
    Pool2DF32Params p;
    p.batch = 1 + trial % 2;
    p.channels = 1 + trial % 5;
    p.filter_height = 1 + trial % 3;
    p.filter_width = 1 + (trial / 3) % 3;
    p.stride_height = 1 + trial % 2;
    p.stride_width = 1 + (trial / 2) % 2;
    p.pad_top = std::min(trial % 2, p.filter_height - 1);
    p.pad_left = std::min((trial / 4) % 2, p.filter_width - 1);
    p.input_height = 3 + trial % 4;
    p.input_width = 2 + trial % 5;
    p.output_height = (p.input_height + 2 * p.pad_top - p.filter_height) / p.stride_height + 1;
    p.output_width = (p.input_width + 2 * p.pad_left - p.filter_width) / p.stride_width + 1;
    p.count_include_pad = trial % 3 == 0;
    const auto x = random_floats(rng, static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.channels);
    std::vector<float> ymax(static_cast<size_t>(p.batch) * p.output_height * p.output_width * p.channels);
    std::vector<float> yavg(ymax.size());
    max_pool2d_f32(p, x.data(), ymax.data());
    average_pool2d_f32(p, x.data(), yavg.data());
    size_t o = 0;
    for (int b = 0; b < p.batch; ++b)
      for (int oy = 0; oy < p.output_height; ++oy)
        for (int ox = 0; ox < p.output_width; ++ox)
          for (int c = 0; c < p.channels; ++c, ++o) {
            double mx = -1e300, sum = 0;
            int valid = 0;
            for (int ky = 0; ky < p.filter_height; ++ky)
              for (int kx = 0; kx < p.filter_width; ++kx) {
                const int iy = oy * p.stride_height - p.pad_top + ky, ix = ox * p.stride_width - p.pad_left + kx;
                if (iy < 0 || ix < 0 || iy >= p.input_height || ix >= p.input_width) continue;
                const double v = x[((static_cast<size_t>(b) * p.input_height + iy) * p.input_width + ix) * p.channels + c];
                mx = std::max(mx, v);
                sum += v;
                ++valid;
              }
            INFO("trial " << trial << " output " << o);
            REQUIRE(ymax[o] == static_cast<float>(mx));
            const double want = sum / (p.count_include_pad ? p.filter_height * p.filter_width : valid);
            REQUIRE(std::fabs(yavg[o] - want) < 1e-5);
          }
  }
}

}  // namespace
}  // namespace qrt::reference
