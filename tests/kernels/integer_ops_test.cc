// CONV_INTEGER, MATMUL_INTEGER and DYNAMIC_QUANTIZE_LINEAR reference kernels
// against oracles written from the ONNX definitions: ConvInteger and
// MatMulInteger computed on the uint8 (or int8) values as ONNX states them,
// with an explicitly padded image holding the zero point; then the kernels
// run on qrt's int8 storage (q - 128, zp - 128) and must give the same int32
// values: the proof by test that the uint8 -> int8 shift leaves
// (q - zp) unchanged.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "kernels/reference/conv_integer_s8.h"
#include "kernels/reference/dynamic_quantize_linear_f32.h"
#include "kernels/reference/matmul_integer_s8.h"

using namespace qrt;

namespace {

struct ConvCase {
  int n = 1, c = 1, h = 3, w = 3, m = 1, kh = 2, kw = 2;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  int groups = 1;
  bool is_uint8 = true;  // ONNX type of x and w (same for both here; the shift is per operand)
};

// ONNX ConvInteger on NCHW / MCHW values as ONNX has them (uint8 or int8 as int).
std::vector<int32_t> onnx_conv_integer(const ConvCase& k, const std::vector<int>& x, const std::vector<int>& w, int x_zp,
                                       const std::vector<int>& w_zp, int oh, int ow) {
  // The padded image holds the zero point, as ONNX pads ConvInteger.
  const int ph = k.h + k.pad_t + k.pad_b, pw = k.w + k.pad_l + k.pad_r;
  std::vector<int> padded(static_cast<size_t>(k.n) * k.c * ph * pw, x_zp);
  for (int b = 0; b < k.n; ++b)
    for (int ch = 0; ch < k.c; ++ch)
      for (int y = 0; y < k.h; ++y)
        for (int xx = 0; xx < k.w; ++xx)
          padded[((b * k.c + ch) * ph + y + k.pad_t) * pw + xx + k.pad_l] = x[((b * k.c + ch) * k.h + y) * k.w + xx];
  const int cg = k.c / k.groups, mg = k.m / k.groups;
  std::vector<int32_t> out(static_cast<size_t>(k.n) * k.m * oh * ow);
  for (int b = 0; b < k.n; ++b)
    for (int o = 0; o < k.m; ++o)
      for (int y = 0; y < oh; ++y)
        for (int xx = 0; xx < ow; ++xx) {
          int64_t acc = 0;
          const int zp = w_zp[w_zp.size() == 1 ? 0 : o];
          for (int ci = 0; ci < cg; ++ci)
            for (int ky = 0; ky < k.kh; ++ky)
              for (int kx = 0; kx < k.kw; ++kx) {
                const int ch = (o / mg) * cg + ci;
                const int v = padded[((b * k.c + ch) * ph + y * k.stride_h + ky * k.dilation_h) * pw + xx * k.stride_w +
                                     kx * k.dilation_w];
                acc += int64_t{v - x_zp} * (w[((o * cg + ci) * k.kh + ky) * k.kw + kx] - zp);
              }
          out[((b * k.m + o) * oh + y) * ow + xx] = static_cast<int32_t>(acc);
        }
  return out;
}

int8_t to_storage(int v, bool is_uint8) { return static_cast<int8_t>(is_uint8 ? v - 128 : v); }

void check_conv(const ConvCase& k, std::mt19937& rng, int forced_value = -1000, int forced_x_zp = -1000) {
  const int lo = k.is_uint8 ? 0 : -128, hi = k.is_uint8 ? 255 : 127;
  std::uniform_int_distribution<int> d(lo, hi);
  const int cg = k.c / k.groups;
  std::vector<int> x(static_cast<size_t>(k.n) * k.c * k.h * k.w), w(static_cast<size_t>(k.m) * cg * k.kh * k.kw);
  for (int& v : x) v = forced_value != -1000 ? forced_value : d(rng);
  for (int& v : w) v = forced_value != -1000 ? (k.is_uint8 ? 255 - forced_value : forced_value) : d(rng);
  const int x_zp = forced_x_zp != -1000 ? forced_x_zp : d(rng);
  std::vector<int> w_zp(rng() % 2 ? 1 : k.m);
  for (int& v : w_zp) v = d(rng);
  const int oh = (k.h + k.pad_t + k.pad_b - ((k.kh - 1) * k.dilation_h + 1)) / k.stride_h + 1;
  const int ow = (k.w + k.pad_l + k.pad_r - ((k.kw - 1) * k.dilation_w + 1)) / k.stride_w + 1;
  const std::vector<int32_t> expected = onnx_conv_integer(k, x, w, x_zp, w_zp, oh, ow);

  // qrt storage: NHWC / OHWI int8.
  std::vector<int8_t> xs(x.size()), ws(w.size());
  for (int b = 0; b < k.n; ++b)
    for (int ch = 0; ch < k.c; ++ch)
      for (int y = 0; y < k.h; ++y)
        for (int xx = 0; xx < k.w; ++xx)
          xs[((b * k.h + y) * k.w + xx) * k.c + ch] = to_storage(x[((b * k.c + ch) * k.h + y) * k.w + xx], k.is_uint8);
  for (int o = 0; o < k.m; ++o)
    for (int ci = 0; ci < cg; ++ci)
      for (int ky = 0; ky < k.kh; ++ky)
        for (int kx = 0; kx < k.kw; ++kx)
          ws[((o * k.kh + ky) * k.kw + kx) * cg + ci] = to_storage(w[((o * cg + ci) * k.kh + ky) * k.kw + kx], k.is_uint8);
  std::vector<int32_t> zps;
  for (int v : w_zp) zps.push_back(to_storage(v, k.is_uint8));
  reference::ConvIntegerParams p;
  p.batch = k.n; p.input_height = k.h; p.input_width = k.w; p.input_channels = k.c;
  p.output_height = oh; p.output_width = ow; p.output_channels = k.m;
  p.kernel_height = k.kh; p.kernel_width = k.kw;
  p.stride_height = k.stride_h; p.stride_width = k.stride_w;
  p.dilation_height = k.dilation_h; p.dilation_width = k.dilation_w;
  p.pad_top = k.pad_t; p.pad_left = k.pad_l; p.groups = k.groups;
  p.input_zero_point = to_storage(x_zp, k.is_uint8);
  p.filter_zero_points = zps.data();
  p.filter_zero_point_count = static_cast<int>(zps.size());
  std::vector<int32_t> out(expected.size());
  reference::conv_integer_s8s32(p, xs.data(), ws.data(), out.data());
  // NHWC -> NCHW to compare with ONNX.
  std::vector<int32_t> nchw(out.size());
  for (int b = 0; b < k.n; ++b)
    for (int y = 0; y < oh; ++y)
      for (int xx = 0; xx < ow; ++xx)
        for (int o = 0; o < k.m; ++o) nchw[((b * k.m + o) * oh + y) * ow + xx] = out[((b * oh + y) * ow + xx) * k.m + o];
  INFO("C " << k.c << " M " << k.m << " " << k.h << "x" << k.w << " k " << k.kh << "x" << k.kw << " groups " << k.groups
            << " uint8 " << k.is_uint8 << " x_zp " << x_zp);
  REQUIRE(nchw == expected);
}

}  // namespace

TEST_CASE("conv integer: ONNX's test_convinteger_with_padding values", "[integer_ops]") {
  // x = 2..10 (uint8, 1x1x3x3), w = ones 2x2, x_zp = 1, pads 1: the ONNX node test.
  const std::vector<int8_t> x = {2 - 128, 3 - 128, 4 - 128, 5 - 128, 6 - 128, 7 - 128, 8 - 128, 9 - 128, 10 - 128};
  const std::vector<int8_t> w = {1 - 128, 1 - 128, 1 - 128, 1 - 128};
  const int32_t w_zp = -128;  // uint8 zero point 0
  reference::ConvIntegerParams p;
  p.input_height = p.input_width = 3;
  p.input_channels = p.output_channels = 1;
  p.output_height = p.output_width = 4;
  p.kernel_height = p.kernel_width = 2;
  p.pad_top = p.pad_left = 1;
  p.input_zero_point = 1 - 128;
  p.filter_zero_points = &w_zp;
  std::vector<int32_t> out(16);
  reference::conv_integer_s8s32(p, x.data(), w.data(), out.data());
  // Sums of 2x2 windows of x - 1 = 1..9 with zero padding around.
  REQUIRE(out == std::vector<int32_t>{1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9});
}

TEST_CASE("conv integer: random shapes, uint8 and int8, equal ONNX's integers", "[integer_ops]") {
  std::mt19937 rng(17);
  for (int iter = 0; iter < 60; ++iter) {
    ConvCase k;
    k.groups = 1 + static_cast<int>(rng() % 3);
    k.c = k.groups * (1 + static_cast<int>(rng() % 4));
    k.m = k.groups * (1 + static_cast<int>(rng() % 4));
    k.h = 1 + static_cast<int>(rng() % 7);
    k.w = 1 + static_cast<int>(rng() % 7);
    k.kh = 1 + static_cast<int>(rng() % 3);
    k.kw = 1 + static_cast<int>(rng() % 3);
    k.stride_h = 1 + static_cast<int>(rng() % 2);
    k.stride_w = 1 + static_cast<int>(rng() % 2);
    k.dilation_h = 1 + static_cast<int>(rng() % 2);
    k.dilation_w = 1 + static_cast<int>(rng() % 2);
    k.pad_t = static_cast<int>(rng() % 3); k.pad_b = static_cast<int>(rng() % 3);
    k.pad_l = static_cast<int>(rng() % 3); k.pad_r = static_cast<int>(rng() % 3);
    k.n = 1 + static_cast<int>(rng() % 2);
    k.is_uint8 = rng() % 2 == 0;
    if (k.h + k.pad_t + k.pad_b < (k.kh - 1) * k.dilation_h + 1) continue;
    if (k.w + k.pad_l + k.pad_r < (k.kw - 1) * k.dilation_w + 1) continue;
    check_conv(k, rng);
  }
}

TEST_CASE("conv integer: extreme zero points and saturating-size sums, 1x1 images", "[integer_ops]") {
  std::mt19937 rng(5);
  ConvCase k;
  k.h = k.w = 1;
  k.kh = k.kw = 1;
  k.c = 7;
  k.m = 3;
  for (bool is_uint8 : {true, false}) {
    k.is_uint8 = is_uint8;
    // Largest products: x at one end, zero point at the other.
    check_conv(k, rng, is_uint8 ? 255 : 127, is_uint8 ? 0 : -128);
    check_conv(k, rng, is_uint8 ? 0 : -128, is_uint8 ? 255 : 127);
  }
  // Near the depth limit: 33025 * 255 * 255 still fits int32.
  ConvCase deep;
  deep.h = deep.w = 1;
  deep.kh = deep.kw = 1;
  deep.c = reference::kIntegerOpMaxDepth;
  deep.m = 1;
  check_conv(deep, rng, 255, 0);
}

TEST_CASE("matmul integer: uint8 and int8 operands equal ONNX's integers", "[integer_ops]") {
  std::mt19937 rng(23);
  // ONNX test_matmulinteger: A 4x3, B 3x2, a_zp 12, b_zp 0, all uint8.
  {
    const std::vector<int> a = {11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0}, b = {1, 4, 2, 5, 3, 6};
    std::vector<int8_t> as, bs(6);
    for (int v : a) as.push_back(static_cast<int8_t>(v - 128));
    for (int kk = 0; kk < 3; ++kk)
      for (int n = 0; n < 2; ++n) bs[n * 3 + kk] = static_cast<int8_t>(b[kk * 2 + n] - 128);  // [K,N] -> [N,K]
    const int32_t b_zp = -128;
    reference::MatMulIntegerParams p;
    p.rows = 4;
    p.depth = 3;
    p.units = 2;
    p.input_zero_point = 12 - 128;
    p.weight_zero_points = &b_zp;
    std::vector<int32_t> out(8);
    reference::matmul_integer_s8s32(p, as.data(), bs.data(), out.data());
    REQUIRE(out == std::vector<int32_t>{-38, -83, -44, -98, -50, -113, -56, -128});
  }
  for (int iter = 0; iter < 40; ++iter) {
    const bool a_u8 = rng() % 2, b_u8 = rng() % 2;
    const size_t rows = 1 + rng() % 5;
    const int depth = 1 + static_cast<int>(rng() % 40), units = 1 + static_cast<int>(rng() % 9);
    std::uniform_int_distribution<int> da(a_u8 ? 0 : -128, a_u8 ? 255 : 127), db(b_u8 ? 0 : -128, b_u8 ? 255 : 127);
    std::vector<int> a(rows * depth), b(static_cast<size_t>(depth) * units);  // b is [K, N] as in ONNX
    for (int& v : a) v = da(rng);
    for (int& v : b) v = db(rng);
    const int a_zp = iter < 4 ? (a_u8 ? 255 * (iter % 2) : (iter % 2 ? 127 : -128)) : da(rng);
    std::vector<int> b_zp(rng() % 2 ? 1 : static_cast<size_t>(units));
    for (int& v : b_zp) v = db(rng);
    std::vector<int8_t> as(a.size()), bs(b.size());
    for (size_t i = 0; i < a.size(); ++i) as[i] = to_storage(a[i], a_u8);
    for (int kk = 0; kk < depth; ++kk)
      for (int n = 0; n < units; ++n) bs[n * depth + kk] = to_storage(b[kk * units + n], b_u8);
    std::vector<int32_t> zps;
    for (int v : b_zp) zps.push_back(to_storage(v, b_u8));
    reference::MatMulIntegerParams p;
    p.rows = rows;
    p.depth = depth;
    p.units = units;
    p.input_zero_point = to_storage(a_zp, a_u8);
    p.weight_zero_points = zps.data();
    p.weight_zero_point_count = static_cast<int>(zps.size());
    std::vector<int32_t> out(rows * units);
    reference::matmul_integer_s8s32(p, as.data(), bs.data(), out.data());
    for (size_t r = 0; r < rows; ++r) {
      for (int n = 0; n < units; ++n) {
        int64_t acc = 0;
        for (int kk = 0; kk < depth; ++kk) {
          acc += int64_t{a[r * depth + kk] - a_zp} * (b[kk * units + n] - b_zp[b_zp.size() == 1 ? 0 : n]);
        }
        REQUIRE(out[r * units + n] == acc);
      }
    }
  }
}

namespace {

// ONNX DynamicQuantizeLinear, written from the operator's definition
// (function body: ReduceMin / Min 0, ReduceMax / Max 0, Sub, Div 255,
// zero point = Cast(Round(Clip(0 - min / scale, 0, 255))), QuantizeLinear).
void onnx_dynamic_quantize_linear(const std::vector<float>& x, std::vector<uint8_t>* y, float* scale, uint8_t* zp) {
  float lo = x[0], hi = x[0];
  for (float v : x) lo = std::min(lo, v), hi = std::max(hi, v);
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  *scale = (hi - lo) / 255.0f;
  const float zero = std::nearbyint(std::min(std::max(0.0f - lo / *scale, 0.0f), 255.0f));
  *zp = static_cast<uint8_t>(zero);
  y->clear();
  for (float v : x) {
    const float q = std::nearbyint(v / *scale) + zero;
    y->push_back(static_cast<uint8_t>(std::min(std::max(q, 0.0f), 255.0f)));
  }
}

}  // namespace

TEST_CASE("dynamic quantize linear: ONNX's definition, as uint8 through the int8 storage", "[integer_ops]") {
  std::mt19937 rng(31);
  std::vector<std::vector<float>> cases = {
      {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f},              // test_dynamicquantizelinear
      {-1.0f, -2.1f, -1.3f, -2.5f, -3.34f, -4.0f},          // all negative: zero point 255
      {1.0f, 2.1f, 1.3f, 2.5f, 3.34f, 4.0f, 1.5f, 2.6f},    // all positive: zero point 0
      {1e-30f, -1e-30f, 3e-31f},                            // tiny scale
      {3e37f, -3e37f, 1.0f},                                // huge scale
      {0.5f},                                               // one value
  };
  for (int i = 0; i < 20; ++i) {
    std::uniform_real_distribution<float> d(-10.0f * static_cast<float>(i + 1), 3.0f * static_cast<float>(i + 1));
    std::vector<float> x(1 + rng() % 300);
    for (float& v : x) v = d(rng);
    cases.push_back(x);
  }
  for (const std::vector<float>& x : cases) {
    std::vector<uint8_t> expected;
    float expected_scale = 0.0f;
    uint8_t expected_zp = 0;
    onnx_dynamic_quantize_linear(x, &expected, &expected_scale, &expected_zp);
    std::vector<int8_t> y(x.size());
    float scale = 0.0f;
    int8_t zp = 0;
    reference::dynamic_quantize_linear_f32(x.data(), x.size(), y.data(), &scale, &zp);
    REQUIRE(std::memcmp(&scale, &expected_scale, sizeof(float)) == 0);
    REQUIRE(static_cast<uint8_t>(zp ^ 0x80) == expected_zp);  // uint8 = int8 + 128: flip the top bit
    for (size_t i = 0; i < x.size(); ++i) REQUIRE(static_cast<uint8_t>(y[i] ^ 0x80) == expected[i]);
  }
  // All zeros: ONNX's scale would be 0 (0 / 0 values); qrt picks 1, exact for every value.
  const std::vector<float> zeros(5, 0.0f);
  std::vector<int8_t> y(5);
  float scale = 0.0f;
  int8_t zp = 0;
  reference::dynamic_quantize_linear_f32(zeros.data(), zeros.size(), y.data(), &scale, &zp);
  REQUIRE(scale == 1.0f);
  REQUIRE(zp == -128);
  for (int8_t v : y) REQUIRE(v == -128);
}
