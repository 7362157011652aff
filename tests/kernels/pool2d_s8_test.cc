// Reference MaxPool2D / AveragePool2D against straightforward int64 / double
// implementations written here, plus hand-computed cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/kernel_test_oracles.h"
#include "kernels/reference/pool2d_s8.h"

namespace {

using qrt::ClampRange;
using qrt::RequantRule;
using qrt::reference::AveragePool2DParams;
using qrt::reference::Pool2DParams;
using qrt::test::Random;

int8_t input_at(const Pool2DParams& p, const std::vector<int8_t>& in, int b, int y, int x, int c) {
  return in[((static_cast<size_t>(b) * p.input_height + y) * p.input_width + x) * p.channels + c];
}

bool inside(const Pool2DParams& p, int y, int x) {
  return y >= 0 && y < p.input_height && x >= 0 && x < p.input_width;
}

// Independent oracles: visit every filter tap and test it against the image.
std::vector<int8_t> expected_max_pool(const Pool2DParams& p, const std::vector<int8_t>& in) {
  std::vector<int8_t> out;
  for (int b = 0; b < p.batch; ++b)
    for (int oy = 0; oy < p.output_height; ++oy)
      for (int ox = 0; ox < p.output_width; ++ox)
        for (int c = 0; c < p.channels; ++c) {
          int64_t best = -128;
          for (int fy = 0; fy < p.filter_height; ++fy)
            for (int fx = 0; fx < p.filter_width; ++fx) {
              const int y = oy * p.stride_height - p.pad_top + fy;
              const int x = ox * p.stride_width - p.pad_left + fx;
              if (inside(p, y, x)) best = std::max<int64_t>(best, input_at(p, in, b, y, x, c));
            }
          best = std::min<int64_t>(std::max<int64_t>(best, p.clamp.min), p.clamp.max);
          out.push_back(static_cast<int8_t>(best));
        }
  return out;
}

std::vector<int8_t> expected_average_pool(const AveragePool2DParams& a, float input_scale,
                                          float output_scale, const std::vector<int8_t>& in) {
  const Pool2DParams& p = a.pool;
  std::vector<int8_t> out;
  for (int b = 0; b < p.batch; ++b)
    for (int oy = 0; oy < p.output_height; ++oy)
      for (int ox = 0; ox < p.output_width; ++ox)
        for (int c = 0; c < p.channels; ++c) {
          int64_t sum_raw = 0;       // padded taps read as the input zero point
          int64_t sum_centered = 0;  // x - zero point; padded taps read as 0
          int64_t valid = 0;
          for (int fy = 0; fy < p.filter_height; ++fy)
            for (int fx = 0; fx < p.filter_width; ++fx) {
              const int y = oy * p.stride_height - p.pad_top + fy;
              const int x = ox * p.stride_width - p.pad_left + fx;
              if (inside(p, y, x)) {
                const int64_t v = input_at(p, in, b, y, x, c);
                sum_raw += v;
                sum_centered += v - a.input_zero_point;
                ++valid;
              } else if (a.count_include_pad) {
                sum_raw += a.input_zero_point;
              }
            }
          const int64_t count =
              a.count_include_pad ? int64_t{p.filter_height} * p.filter_width : valid;
          REQUIRE(count > 0);
          double q;
          if (a.rule == RequantRule::kFixedPoint) {
            // Round half away from zero, exactly (count is small, halves are exact).
            q = std::round(static_cast<double>(sum_raw) / static_cast<double>(count));
          } else {
            // The documented float32 expression, then rounding in double.
            const float ratio = input_scale / output_scale;
            const float v = static_cast<float>(sum_centered) * ratio / static_cast<float>(count);
            q = std::nearbyint(std::min(std::max(static_cast<double>(v), -1e6), 1e6)) +
                a.output_zero_point;
            // Sanity: the float rule is within one step of the exact average.
            const double exact = static_cast<double>(sum_centered) * input_scale / output_scale /
                                 static_cast<double>(count);
            if (std::fabs(exact) < 1000) CHECK(std::fabs(exact - (q - a.output_zero_point)) <= 1.0);
          }
          q = std::min<double>(std::max<double>(q, p.clamp.min), p.clamp.max);
          out.push_back(static_cast<int8_t>(q));
        }
  return out;
}

// A random geometry whose every window overlaps the image: pads are smaller
// than the filter, and the output size follows the explicit-padding formula
// (at least 1, so a filter larger than the padded image still gives one
// window).
Pool2DParams random_geometry(Random& rng) {
  Pool2DParams p;
  p.batch = rng.uniform(1, 2);
  p.input_height = rng.uniform(1, 7);
  p.input_width = rng.uniform(1, 7);
  p.channels = rng.uniform(1, 5) * 2 - 1 + rng.uniform(0, 1);  // odd counts often
  p.filter_height = rng.uniform(1, 5);
  p.filter_width = rng.uniform(1, 5);
  p.stride_height = rng.uniform(1, 4);  // may exceed the filter
  p.stride_width = rng.uniform(1, 4);
  p.pad_top = rng.uniform(0, p.filter_height - 1);
  p.pad_left = rng.uniform(0, p.filter_width - 1);
  const int pad_bottom = rng.uniform(0, p.filter_height - 1);
  const int pad_right = rng.uniform(0, p.filter_width - 1);
  p.output_height = std::max(
      1, (p.input_height + p.pad_top + pad_bottom - p.filter_height) / p.stride_height + 1);
  p.output_width =
      std::max(1, (p.input_width + p.pad_left + pad_right - p.filter_width) / p.stride_width + 1);
  if (rng.uniform(0, 3) == 0) {
    p.clamp.min = rng.uniform(-128, 20);
    p.clamp.max = rng.uniform(p.clamp.min, 127);
  }
  return p;
}

// Mostly uniform bytes, sometimes all -128 or all 127 (saturating sums).
std::vector<int8_t> random_input(Random& rng, const Pool2DParams& p) {
  std::vector<int8_t> in(static_cast<size_t>(p.batch) * p.input_height * p.input_width *
                         p.channels);
  const int mode = rng.uniform(0, 5);
  for (auto& v : in) {
    v = static_cast<int8_t>(mode == 0 ? -128 : mode == 1 ? 127 : rng.uniform(-128, 127));
  }
  return in;
}

std::vector<int8_t> run_max_pool(const Pool2DParams& p, const std::vector<int8_t>& in) {
  std::vector<int8_t> out(static_cast<size_t>(p.batch) * p.output_height * p.output_width *
                          p.channels);
  qrt::reference::max_pool2d_s8(p, in.data(), out.data());
  return out;
}

std::vector<int8_t> run_average_pool(const AveragePool2DParams& a, const std::vector<int8_t>& in) {
  const Pool2DParams& p = a.pool;
  std::vector<int8_t> out(static_cast<size_t>(p.batch) * p.output_height * p.output_width *
                          p.channels);
  qrt::reference::average_pool2d_s8(a, in.data(), out.data());
  return out;
}

}  // namespace

TEST_CASE("max_pool2d_s8: hand-computed 3x3 image, 2x2 filter, stride 2", "[kernels][pool2d]") {
  // Image (one channel):   -5    3   -1
  //                         7 -128    2
  //                         0   -9    4
  // 2x2 windows at stride 2 without padding on top/left; the right and bottom
  // windows hang off the image (SAME) and see only the valid pixels:
  //   (0,0): {-5,3,7,-128} -> 7   (0,1): {-1,2} -> 2
  //   (1,0): {0,-9}        -> 0   (1,1): {4}    -> 4
  // With clamp [1, 5]: 7 -> 5, 0 -> 1.
  Pool2DParams p;
  p.input_height = p.input_width = 3;
  p.channels = 1;
  p.output_height = p.output_width = 2;
  p.filter_height = p.filter_width = 2;
  p.stride_height = p.stride_width = 2;
  const std::vector<int8_t> in = {-5, 3, -1, 7, -128, 2, 0, -9, 4};
  CHECK(run_max_pool(p, in) == std::vector<int8_t>{7, 2, 0, 4});
  p.clamp = {1, 5};
  CHECK(run_max_pool(p, in) == std::vector<int8_t>{5, 2, 1, 4});
}

TEST_CASE("average_pool2d_s8: hand-computed fixedpoint rounding", "[kernels][pool2d]") {
  // One 2x2 window over a 2x2 image with 4 channels, count 4:
  //   c0: 1+2+3+5 = 11    -> (11+2)/4 = 3     (2.75)
  //   c1: -11             -> (-11-2)/4 = -3   (-2.75)
  //   c2: 1+1+0+0 = 2     -> (2+2)/4 = 1      (0.5 rounds away from zero)
  //   c3: -2              -> (-2-2)/4 = -1    (-0.5 rounds away from zero)
  Pool2DParams p;
  p.input_height = p.input_width = 2;
  p.channels = 4;
  p.output_height = p.output_width = 1;
  p.filter_height = p.filter_width = 2;
  const std::vector<int8_t> in = {1, -1, 1, -1,  //
                                  2, -2, 1, -1,  //
                                  3, -3, 0, 0,   //
                                  5, -5, 0, 0};
  const AveragePool2DParams a =
      qrt::reference::init_average_pool2d_params(p, RequantRule::kFixedPoint, false, 0.5f, 0, 0.5f, 0);
  CHECK(run_average_pool(a, in) == std::vector<int8_t>{3, -3, 1, -1});
}

TEST_CASE("average_pool2d_s8: hand-computed count_include_pad", "[kernels][pool2d]") {
  // A 1x1 image holding 10, zero point 4, scales equal; a 3x3 window padded
  // by 1 on every side, so 1 valid tap and 8 padded ones.
  //   exclude pad: average of {10} = 10 (both rules).
  //   include pad, fixedpoint: (10 + 8*4) = 42 over 9 -> (42+4)/9 = 5.
  //   include pad, fp32: acc = 10-4 = 6, 6 * 1 / 9 = 0.667 -> 1, + 4 = 5.
  Pool2DParams p;
  p.input_height = p.input_width = 1;
  p.channels = 1;
  p.output_height = p.output_width = 1;
  p.filter_height = p.filter_width = 3;
  p.pad_top = p.pad_left = 1;
  const std::vector<int8_t> in = {10};
  for (RequantRule rule : {RequantRule::kFixedPoint, RequantRule::kFp32}) {
    for (bool include : {false, true}) {
      const auto a = qrt::reference::init_average_pool2d_params(p, rule, include, 0.25f, 4, 0.25f, 4);
      CHECK(run_average_pool(a, in) == std::vector<int8_t>{static_cast<int8_t>(include ? 5 : 10)});
    }
  }
}

TEST_CASE("average_pool2d_s8: hand-computed fp32 rounds half to even", "[kernels][pool2d]") {
  // 1x1 filter, ratio 0.5 / 1.0 = 0.5, zero points 0:
  //   5 -> 2.5 -> 2,  7 -> 3.5 -> 4,  -5 -> -2.5 -> -2.
  // With output zero point -128 and clamp [-128, -126]: 7 -> 4 - 128 = -124
  // clamps to -126.
  Pool2DParams p;
  p.input_height = p.input_width = 1;
  p.channels = 3;
  p.output_height = p.output_width = 1;
  p.filter_height = p.filter_width = 1;
  const std::vector<int8_t> in = {5, 7, -5};
  auto a = qrt::reference::init_average_pool2d_params(p, RequantRule::kFp32, false, 0.5f, 0, 1.0f, 0);
  CHECK(run_average_pool(a, in) == std::vector<int8_t>{2, 4, -2});
  p.clamp = {-128, -126};
  a = qrt::reference::init_average_pool2d_params(p, RequantRule::kFp32, false, 0.5f, 0, 1.0f, -128);
  CHECK(run_average_pool(a, in) == std::vector<int8_t>{-126, -126, -128});
}

TEST_CASE("average_pool2d_s8: fp32 ratio overflow saturates instead of NaN", "[kernels][pool2d]") {
  // 1e30 / 1e-30 overflows float32; the ratio becomes FLT_MAX, so x == zero
  // point still gives exactly the output zero point, and anything else
  // saturates to the clamp bound of its sign.
  Pool2DParams p;
  p.input_height = p.input_width = 1;
  p.channels = 3;
  p.output_height = p.output_width = 1;
  p.filter_height = p.filter_width = 1;
  const auto a = qrt::reference::init_average_pool2d_params(p, RequantRule::kFp32, false, 1e30f, 3,
                                                            1e-30f, -7);
  CHECK(a.input_to_output_scale == FLT_MAX);
  CHECK(run_average_pool(a, {3, 4, 2}) == std::vector<int8_t>{-7, 127, -128});
}

TEST_CASE("pool2d_s8: empty windows are detected and give defined bytes", "[kernels][pool2d]") {
  // pad_top == filter_height: the first window row lies entirely in the padding.
  Pool2DParams p;
  p.input_height = p.input_width = 2;
  p.channels = 1;
  p.output_height = 2;
  p.output_width = 1;
  p.filter_height = 1;
  p.filter_width = 2;
  p.pad_top = 1;
  CHECK_FALSE(qrt::reference::pool2d_every_window_overlaps_input(p));
  const std::vector<int8_t> in = {1, 3, 5, 9};
  CHECK(run_max_pool(p, in) == std::vector<int8_t>{-128, 3});
  const auto a = qrt::reference::init_average_pool2d_params(p, RequantRule::kFp32, false, 1.0f, 0,
                                                            1.0f, 6);
  CHECK(run_average_pool(a, in) == std::vector<int8_t>{6, 8});  // (1+3)/2 + 6
  p.pad_top = 0;
  p.output_height = 2;
  CHECK(qrt::reference::pool2d_every_window_overlaps_input(p));
}

TEST_CASE("max_pool2d_s8: random shapes against the oracle", "[kernels][pool2d]") {
  Random rng(20240611);
  for (int iteration = 0; iteration < 400; ++iteration) {
    const Pool2DParams p = random_geometry(rng);
    REQUIRE(qrt::reference::pool2d_every_window_overlaps_input(p));
    const std::vector<int8_t> in = random_input(rng, p);
    INFO("iteration " << iteration);
    REQUIRE(run_max_pool(p, in) == expected_max_pool(p, in));
  }
}

TEST_CASE("average_pool2d_s8: random shapes, both rules, both pad counts", "[kernels][pool2d]") {
  Random rng(20240611);
  for (int iteration = 0; iteration < 1600; ++iteration) {
    const Pool2DParams p = random_geometry(rng);
    const std::vector<int8_t> in = random_input(rng, p);
    const RequantRule rule = iteration % 2 == 0 ? RequantRule::kFixedPoint : RequantRule::kFp32;
    const bool include_pad = (iteration / 2) % 2 == 1;
    const int32_t input_zero_point = rng.edgy_int8();
    float input_scale = rng.log_uniform(1e-4f, 1.0f);
    float output_scale = input_scale;
    int32_t output_zero_point = input_zero_point;
    if (rule == RequantRule::kFp32) {
      output_zero_point = rng.edgy_int8();
      // Tiny, huge, powers of two (exact halves: ties to even), or ordinary.
      const int ratio_kind = rng.uniform(0, 4);
      const float ratio = ratio_kind == 0   ? rng.log_uniform(1e-9f, 1e-3f)
                          : ratio_kind == 1 ? rng.log_uniform(1e2f, 1e9f)
                          : ratio_kind == 2 ? std::ldexp(1.0f, rng.uniform(-3, 1))
                                            : rng.log_uniform(0.05f, 20.0f);
      output_scale = input_scale / ratio;
    }
    const AveragePool2DParams a = qrt::reference::init_average_pool2d_params(
        p, rule, include_pad, input_scale, input_zero_point, output_scale, output_zero_point);
    INFO("iteration " << iteration << " rule " << static_cast<int>(rule) << " include_pad "
                      << include_pad << " scales " << input_scale << " / " << output_scale);
    REQUIRE(run_average_pool(a, in) == expected_average_pool(a, input_scale, output_scale, in));
  }
}

namespace {

// TFLite's uint8 AVERAGE_POOL_2D computed directly on uint8 values: u = x +
// 128, padded taps (when counted) hold the uint8 zero point, the average is
// (sum_u8 + count / 2) / count in unsigned arithmetic, the clamp bounds move
// by +128 too; the result goes back to int8 by - 128.
std::vector<int8_t> expected_uint8_average_pool(const AveragePool2DParams& a, const std::vector<int8_t>& in) {
  const Pool2DParams& p = a.pool;
  const uint64_t zero_point_u8 = static_cast<uint64_t>(a.input_zero_point + 128);
  std::vector<int8_t> out;
  for (int b = 0; b < p.batch; ++b)
    for (int oy = 0; oy < p.output_height; ++oy)
      for (int ox = 0; ox < p.output_width; ++ox)
        for (int c = 0; c < p.channels; ++c) {
          uint64_t sum_u8 = 0, count = 0;
          for (int fy = 0; fy < p.filter_height; ++fy)
            for (int fx = 0; fx < p.filter_width; ++fx) {
              const int y = oy * p.stride_height - p.pad_top + fy;
              const int x = ox * p.stride_width - p.pad_left + fx;
              if (inside(p, y, x)) {
                sum_u8 += static_cast<uint8_t>(input_at(p, in, b, y, x, c) + 128);
                ++count;
              } else if (a.count_include_pad) {
                sum_u8 += zero_point_u8;
                ++count;
              }
            }
          REQUIRE(count > 0);
          const uint64_t average_u8 = (sum_u8 + count / 2) / count;
          const int64_t clamped = std::min<int64_t>(std::max<int64_t>(static_cast<int64_t>(average_u8),
                                                                      p.clamp.min + 128),
                                                    p.clamp.max + 128);
          out.push_back(static_cast<int8_t>(clamped - 128));
        }
  return out;
}

}  // namespace

TEST_CASE("average_pool2d_s8: hand-computed round_half_up", "[kernels][pool2d]") {
  // The 2x2 image of the fixedpoint case above, count 4; only exact halves
  // change: c2 0.5 -> 1 (as before), c3 -0.5 -> 0 (not -1); c1 -2.75 -> -3.
  Pool2DParams p;
  p.input_height = p.input_width = 2;
  p.channels = 4;
  p.output_height = p.output_width = 1;
  p.filter_height = p.filter_width = 2;
  const std::vector<int8_t> in = {1, -1, 1, -1,  //
                                  2, -2, 1, -1,  //
                                  3, -3, 0, 0,   //
                                  5, -5, 0, 0};
  AveragePool2DParams a =
      qrt::reference::init_average_pool2d_params(p, RequantRule::kFixedPoint, false, 0.5f, 0, 0.5f, 0);
  a.round_half_up = true;
  CHECK(run_average_pool(a, in) == std::vector<int8_t>{3, -3, 1, 0});
  CHECK(run_average_pool(a, in) == expected_uint8_average_pool(a, in));
}

TEST_CASE("average_pool2d_s8: round_half_up equals TFLite's uint8 arithmetic on random shapes",
          "[kernels][pool2d]") {
  Random rng(20240612);
  int differs_from_half_away = 0;
  for (int iteration = 0; iteration < 1600; ++iteration) {
    const Pool2DParams p = random_geometry(rng);
    const std::vector<int8_t> in = random_input(rng, p);
    const bool include_pad = iteration % 4 == 3;  // TFLite never counts the padding; the kernel may
    const int32_t zero_point = rng.edgy_int8();
    AveragePool2DParams a = qrt::reference::init_average_pool2d_params(p, RequantRule::kFixedPoint, include_pad,
                                                                       0.1f, zero_point, 0.1f, zero_point);
    a.round_half_up = true;
    const std::vector<int8_t> got = run_average_pool(a, in);
    INFO("iteration " << iteration << " include_pad " << include_pad);
    REQUIRE(got == expected_uint8_average_pool(a, in));
    a.round_half_up = false;
    if (run_average_pool(a, in) != got) ++differs_from_half_away;
  }
  // The option must matter: negative exact halves occur in random data.
  CHECK(differs_from_half_away > 0);
}

TEST_CASE("average_pool2d_s8: round_half_up at the largest window and extreme sums", "[kernels][pool2d]") {
  // A 1-row window of kMaxPool2DFilterArea taps is too big to allocate here;
  // 4096 taps of -128 and of 127 exercise the floor division on large sums,
  // and a mix of -128 and -127 makes an exact negative half.
  Pool2DParams p;
  p.input_height = 1;
  p.input_width = 4096;
  p.channels = 3;
  p.output_height = p.output_width = 1;
  p.filter_height = 1;
  p.filter_width = 4096;
  std::vector<int8_t> in(static_cast<size_t>(4096) * 3);
  for (int x = 0; x < 4096; ++x) {
    in[x * 3 + 0] = -128;
    in[x * 3 + 1] = 127;
    in[x * 3 + 2] = static_cast<int8_t>(x % 2 == 0 ? -128 : -127);  // average -127.5
  }
  AveragePool2DParams a =
      qrt::reference::init_average_pool2d_params(p, RequantRule::kFixedPoint, false, 1.0f, -128, 1.0f, -128);
  a.round_half_up = true;
  CHECK(run_average_pool(a, in) == std::vector<int8_t>{-128, 127, -127});
  CHECK(run_average_pool(a, in) == expected_uint8_average_pool(a, in));
  a.round_half_up = false;
  CHECK(run_average_pool(a, in) == std::vector<int8_t>{-128, 127, -128});
}
