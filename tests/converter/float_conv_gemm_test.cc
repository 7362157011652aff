// The float executor's blocked GEMM and convolution (converter/ir/float_gemm.*,
// float_conv2d.*) against plain double-precision loops, the executor's
// former implementation. They accumulate in float, in another order, so each
// output may differ by rounding only: the bound is a few float epsilons of
// the sum of the absolute products.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "converter/ir/float_conv2d.h"
#include "converter/ir/float_gemm.h"

namespace qrt::convert {
namespace {

std::vector<float> random_floats(std::mt19937& rng, int64_t count) {
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = dist(rng);
  return v;
}

// |got - want| <= tolerance relative to the magnitude the sum went through.
void check_close(const std::vector<float>& got, const std::vector<double>& want, const std::vector<double>& magnitude) {
  REQUIRE(got.size() == want.size());
  size_t bad = 0;
  for (size_t e = 0; e < got.size(); ++e) {
    if (std::fabs(got[e] - want[e]) > 1e-5 * magnitude[e] + 1e-6) ++bad;
  }
  CHECK(bad == 0);
}

struct GemmCase {
  int64_t m, n, k;
  bool trans_a, trans_b, accumulate;
};

TEST_CASE("float_gemm matches a double loop: edges of tiles and blocks, transposes, accumulate") {
  std::mt19937 rng(7);
  const GemmCase cases[] = {
      {1, 1, 1, false, false, false},    {1, 1000, 1280, false, true, false}, {3, 5, 7, false, false, true},
      {4, 8, 256, true, false, false},   {5, 9, 257, true, true, true},       {17, 300, 33, false, false, false},
      {64, 513, 600, false, true, true}, {7, 3, 0, false, false, false},      {2, 2, 0, false, false, true},
      {33, 1, 19, true, false, false},
  };
  for (const GemmCase& t : cases) {
    CAPTURE(t.m, t.n, t.k, t.trans_a, t.trans_b, t.accumulate);
    const auto a = random_floats(rng, t.m * t.k), b = random_floats(rng, t.k * t.n);
    const int64_t ldc = t.n + 3;  // a wider C checks the row stride and that the gap is untouched
    std::vector<float> c = random_floats(rng, t.m * ldc);
    const std::vector<float> c_before = c;
    const auto at = [&](int64_t i, int64_t p) { return t.trans_a ? a[p * t.m + i] : a[i * t.k + p]; };
    const auto bt = [&](int64_t p, int64_t j) { return t.trans_b ? b[j * t.k + p] : b[p * t.n + j]; };
    std::vector<double> want(c.size()), magnitude(c.size());
    for (int64_t i = 0; i < t.m; ++i) {
      for (int64_t j = 0; j < ldc; ++j) {
        const size_t e = static_cast<size_t>(i * ldc + j);
        if (j >= t.n) {
          want[e] = c_before[e];
          continue;
        }
        double acc = t.accumulate ? c_before[e] : 0.0, mag = std::fabs(acc);
        for (int64_t p = 0; p < t.k; ++p) {
          acc += static_cast<double>(at(i, p)) * bt(p, j);
          mag += std::fabs(static_cast<double>(at(i, p)) * bt(p, j));
        }
        want[e] = acc;
        magnitude[e] = mag;
      }
    }
    const FloatMatrixView av = t.trans_a ? FloatMatrixView{a.data(), 1, t.m} : FloatMatrixView{a.data(), t.k, 1};
    const FloatMatrixView bv = t.trans_b ? FloatMatrixView{b.data(), 1, t.k} : FloatMatrixView{b.data(), t.n, 1};
    float_gemm(t.m, t.n, t.k, av, bv, c.data(), ldc, t.accumulate);
    check_close(c, want, magnitude);
  }
}

// The executor's former Conv loop, in double.
void reference_conv(const FloatConv2dGeometry& g, const std::vector<float>& x, const std::vector<float>& w,
                    const float* bias, std::vector<double>* y, std::vector<double>* magnitude) {
  const int64_t cg = g.in_channels / g.group, mg = g.out_channels / g.group;
  y->assign(static_cast<size_t>(g.batch * g.out_channels * g.out_h * g.out_w), 0.0);
  magnitude->assign(y->size(), 0.0);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t om = 0; om < g.out_channels; ++om) {
      const int64_t gi = om / mg;
      for (int64_t oy = 0; oy < g.out_h; ++oy) {
        for (int64_t ox = 0; ox < g.out_w; ++ox) {
          double acc = bias ? bias[om] : 0.0, mag = std::fabs(acc);
          for (int64_t ic = 0; ic < cg; ++ic) {
            for (int64_t ky = 0; ky < g.kernel[0]; ++ky) {
              const int64_t iy = oy * g.stride[0] - g.pad_begin[0] + ky * g.dilation[0];
              if (iy < 0 || iy >= g.in_h) continue;
              for (int64_t kx = 0; kx < g.kernel[1]; ++kx) {
                const int64_t ix = ox * g.stride[1] - g.pad_begin[1] + kx * g.dilation[1];
                if (ix < 0 || ix >= g.in_w) continue;
                const int64_t xi = ((n * g.in_channels + gi * cg + ic) * g.in_h + iy) * g.in_w + ix;
                const double p = static_cast<double>(x[xi]) * w[((om * cg + ic) * g.kernel[0] + ky) * g.kernel[1] + kx];
                acc += p;
                mag += std::fabs(p);
              }
            }
          }
          const size_t e = static_cast<size_t>(((n * g.out_channels + om) * g.out_h + oy) * g.out_w + ox);
          (*y)[e] = acc;
          (*magnitude)[e] = mag;
        }
      }
    }
  }
}

struct ConvCase {
  int64_t batch, c, h, w, m, group, kh, kw, stride, dilation, pad_begin, pad_end;
};

TEST_CASE("float_conv2d matches the plain loop: pointwise, im2col, depthwise, groups, pads, strides") {
  std::mt19937 rng(11);
  const ConvCase cases[] = {
      {1, 3, 17, 19, 8, 1, 3, 3, 2, 1, 1, 1},    // first MobileNet conv: stride 2, pad 1, odd sizes
      {2, 16, 9, 7, 24, 1, 1, 1, 1, 1, 0, 0},    // pointwise: the input is the GEMM's B
      {1, 16, 9, 7, 24, 1, 1, 1, 2, 1, 0, 0},    // 1x1 stride 2: through im2col
      {1, 12, 11, 10, 12, 12, 3, 3, 1, 1, 1, 1}, // depthwise stride 1
      {1, 12, 11, 10, 12, 12, 3, 3, 2, 1, 1, 1}, // depthwise stride 2
      {1, 4, 8, 8, 8, 4, 3, 3, 1, 1, 0, 2},      // depthwise, channel multiplier 2, asymmetric pad
      {1, 8, 10, 12, 6, 2, 3, 2, 1, 2, 2, 1},    // grouped, dilated, rectangular kernel
      {1, 5, 1, 1, 7, 1, 1, 1, 1, 1, 0, 0},      // 1x1 image
      {1, 3, 2, 2, 2, 1, 3, 3, 1, 1, 2, 2},      // windows that see mostly padding
      {1, 300, 6, 5, 9, 1, 1, 1, 1, 1, 0, 0},    // K past one GEMM block
  };
  for (const ConvCase& t : cases) {
    CAPTURE(t.batch, t.c, t.h, t.w, t.m, t.group, t.kh, t.kw, t.stride, t.dilation, t.pad_begin, t.pad_end);
    FloatConv2dGeometry g{};
    g.batch = t.batch;
    g.in_channels = t.c;
    g.in_h = t.h;
    g.in_w = t.w;
    g.out_channels = t.m;
    g.group = t.group;
    g.kernel[0] = t.kh;
    g.kernel[1] = t.kw;
    for (int d = 0; d < 2; ++d) {
      g.stride[d] = t.stride;
      g.dilation[d] = t.dilation;
      g.pad_begin[d] = t.pad_begin;
    }
    g.out_h = (t.h + t.pad_begin + t.pad_end - ((t.kh - 1) * t.dilation + 1)) / t.stride + 1;
    g.out_w = (t.w + t.pad_begin + t.pad_end - ((t.kw - 1) * t.dilation + 1)) / t.stride + 1;
    const auto x = random_floats(rng, t.batch * t.c * t.h * t.w);
    const auto w = random_floats(rng, t.m * (t.c / t.group) * t.kh * t.kw);
    const auto bias = random_floats(rng, t.m);
    for (const bool with_bias : {false, true}) {
      CAPTURE(with_bias);
      std::vector<double> want, magnitude;
      reference_conv(g, x, w, with_bias ? bias.data() : nullptr, &want, &magnitude);
      std::vector<float> y(want.size(), 12345.0f);  // every output must be written
      float_conv2d(g, x.data(), w.data(), with_bias ? bias.data() : nullptr, y.data());
      check_close(y, want, magnitude);
    }
  }
}

}  // namespace
}  // namespace qrt::convert
