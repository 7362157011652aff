// float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED reference kernels
// against an independent oracle: the input copied into an explicitly
// zero-padded buffer, every tap summed in double. Tolerance: float32
// accumulation over `depth` terms drifts by about depth * eps * sum |terms|.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/reference/conv2d_f32.h"
#include "kernels/reference/depthwise_conv2d_f32.h"
#include "kernels/reference/fully_connected_f32.h"

namespace qrt::reference {
namespace {

std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// Grouped conv in double on a zero-padded copy; weights OHWI [O][KH][KW][I/groups].
// Returns the outputs and, per output, the sum of |terms| (for the tolerance).
void oracle_conv(const Conv2DF32Params& p, const std::vector<float>& x, const std::vector<float>& w,
                 const std::vector<float>* bias, std::vector<double>* y, std::vector<double>* magnitude) {
  const int ph = p.input_height + 2 * (p.kernel_height * p.dilation_height + p.stride_height * p.output_height);
  const int pw = p.input_width + 2 * (p.kernel_width * p.dilation_width + p.stride_width * p.output_width);
  const int off_y = ph / 2 - p.input_height / 2, off_x = pw / 2 - p.input_width / 2;  // room on every side
  std::vector<double> padded(static_cast<size_t>(p.batch) * ph * pw * p.input_channels, 0.0);
  for (int b = 0; b < p.batch; ++b)
    for (int iy = 0; iy < p.input_height; ++iy)
      for (int ix = 0; ix < p.input_width; ++ix)
        for (int c = 0; c < p.input_channels; ++c)
          padded[((static_cast<size_t>(b) * ph + iy + off_y) * pw + ix + off_x) * p.input_channels + c] =
              x[((static_cast<size_t>(b) * p.input_height + iy) * p.input_width + ix) * p.input_channels + c];
  const int gi = p.input_channels / p.groups, go = p.output_channels / p.groups;
  y->assign(static_cast<size_t>(p.batch) * p.output_height * p.output_width * p.output_channels, 0.0);
  magnitude->assign(y->size(), 0.0);
  size_t o = 0;
  for (int b = 0; b < p.batch; ++b)
    for (int oy = 0; oy < p.output_height; ++oy)
      for (int ox = 0; ox < p.output_width; ++ox)
        for (int oc = 0; oc < p.output_channels; ++oc, ++o) {
          double acc = bias ? (*bias)[oc] : 0.0, mag = std::fabs(acc);
          for (int ky = 0; ky < p.kernel_height; ++ky)
            for (int kx = 0; kx < p.kernel_width; ++kx)
              for (int ic = 0; ic < gi; ++ic) {
                const int iy = oy * p.stride_height - p.pad_top + ky * p.dilation_height + off_y;
                const int ix = ox * p.stride_width - p.pad_left + kx * p.dilation_width + off_x;
                const double term =
                    padded[((static_cast<size_t>(b) * ph + iy) * pw + ix) * p.input_channels + (oc / go) * gi + ic] *
                    w[((static_cast<size_t>(oc) * p.kernel_height + ky) * p.kernel_width + kx) * gi + ic];
                acc += term;
                mag += std::fabs(term);
              }
          (*y)[o] = std::min<double>(std::max<double>(acc, p.clamp.min), p.clamp.max);
          (*magnitude)[o] = mag;
        }
}

void require_close(const std::vector<float>& got, const std::vector<double>& want, const std::vector<double>& mag) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i << ": got " << got[i] << ", want " << want[i]);
    REQUIRE(std::fabs(got[i] - want[i]) <= 1e-5 * mag[i] + 1e-6);
  }
}

int out_size(int in, int k, int stride, int dilation, int pad_before, int pad_after) {
  return (in + pad_before + pad_after - ((k - 1) * dilation + 1)) / stride + 1;
}

TEST_CASE("conv2d_f32 matches a zero-padded double-precision oracle on random shapes", "[conv2d_f32]") {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> small(1, 4);
  for (int trial = 0; trial < 60; ++trial) {
    Conv2DF32Params p;
    p.batch = small(rng) == 1 ? 2 : 1;
    p.groups = trial % 3 == 0 ? small(rng) : 1;
    p.input_channels = p.groups * small(rng);
    p.output_channels = p.groups * small(rng);
    p.kernel_height = small(rng);
    p.kernel_width = small(rng);
    p.stride_height = small(rng) % 2 + 1;
    p.stride_width = small(rng) % 2 + 1;
    p.dilation_height = trial % 4 == 1 ? 2 : 1;
    p.dilation_width = trial % 5 == 1 ? 2 : 1;
    p.pad_top = small(rng) - 1;
    p.pad_left = small(rng) - 1;
    const int pad_bottom = small(rng) - 1, pad_right = small(rng) - 1;
    p.input_height = (p.kernel_height - 1) * p.dilation_height + small(rng) + (trial % 7 == 0 ? -1 : 3);
    p.input_width = (p.kernel_width - 1) * p.dilation_width + small(rng);
    p.input_height = std::max(p.input_height, 1);
    p.output_height = out_size(p.input_height, p.kernel_height, p.stride_height, p.dilation_height, p.pad_top, pad_bottom);
    p.output_width = out_size(p.input_width, p.kernel_width, p.stride_width, p.dilation_width, p.pad_left, pad_right);
    if (p.output_height < 1 || p.output_width < 1) continue;
    if (trial % 4 == 2) p.clamp = activation_range_f32(FusedActivation::kRelu6);
    const auto x = random_floats(rng, static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.input_channels, -3, 3);
    const auto w = random_floats(rng, static_cast<size_t>(p.output_channels) * p.kernel_height * p.kernel_width *
                                          (p.input_channels / p.groups));
    const auto bias = random_floats(rng, p.output_channels);
    const bool with_bias = trial % 2 == 0;
    std::vector<float> y(static_cast<size_t>(p.batch) * p.output_height * p.output_width * p.output_channels);
    conv2d_f32(p, x.data(), w.data(), with_bias ? bias.data() : nullptr, y.data());
    std::vector<double> want, mag;
    oracle_conv(p, x, w, with_bias ? &bias : nullptr, &want, &mag);
    INFO("trial " << trial);
    require_close(y, want, mag);
  }
}

TEST_CASE("depthwise_conv2d_f32 equals a grouped convolution with one group per input channel", "[conv2d_f32]") {
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> small(1, 4);
  for (int trial = 0; trial < 40; ++trial) {
    DepthwiseConv2DF32Params p;
    p.input_channels = small(rng) + (trial % 3 == 0 ? 4 : 0);
    p.depth_multiplier = trial % 4 == 0 ? 2 : 1;
    p.kernel_height = small(rng);
    p.kernel_width = small(rng);
    p.stride_height = small(rng) % 2 + 1;
    p.stride_width = small(rng) % 2 + 1;
    p.dilation_height = trial % 5 == 0 ? 2 : 1;
    p.pad_top = small(rng) - 1;
    p.pad_left = small(rng) - 1;
    p.input_height = (p.kernel_height - 1) * p.dilation_height + small(rng);
    p.input_width = p.kernel_width + small(rng) - 1;
    p.output_height = out_size(p.input_height, p.kernel_height, p.stride_height, p.dilation_height, p.pad_top, 1);
    p.output_width = out_size(p.input_width, p.kernel_width, p.stride_width, 1, p.pad_left, 0);
    if (p.output_height < 1 || p.output_width < 1) continue;
    if (trial % 3 == 1) p.clamp = activation_range_f32(FusedActivation::kRelu);
    const int oc = p.output_channels();
    const auto x = random_floats(rng, static_cast<size_t>(p.input_height) * p.input_width * p.input_channels);
    const auto w = random_floats(rng, static_cast<size_t>(p.kernel_height) * p.kernel_width * oc);
    const auto bias = random_floats(rng, oc);
    std::vector<float> y(static_cast<size_t>(p.output_height) * p.output_width * oc);
    depthwise_conv2d_f32(p, x.data(), w.data(), bias.data(), y.data());
    // [1][KH][KW][C*M] -> OHWI [C*M][KH][KW][1], groups = C.
    Conv2DF32Params c;
    c.input_height = p.input_height, c.input_width = p.input_width, c.input_channels = p.input_channels;
    c.output_height = p.output_height, c.output_width = p.output_width, c.output_channels = oc;
    c.kernel_height = p.kernel_height, c.kernel_width = p.kernel_width;
    c.stride_height = p.stride_height, c.stride_width = p.stride_width;
    c.dilation_height = p.dilation_height, c.dilation_width = p.dilation_width;
    c.pad_top = p.pad_top, c.pad_left = p.pad_left, c.groups = p.input_channels, c.clamp = p.clamp;
    std::vector<float> ohwi(w.size());
    for (int o = 0; o < oc; ++o)
      for (int k = 0; k < p.kernel_height * p.kernel_width; ++k) ohwi[o * p.kernel_height * p.kernel_width + k] = w[k * oc + o];
    std::vector<double> want, mag;
    oracle_conv(c, x, ohwi, &bias, &want, &mag);
    INFO("trial " << trial);
    require_close(y, want, mag);
  }
}

TEST_CASE("fully_connected_f32 computes clamped dot products plus bias", "[fully_connected_f32]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    FullyConnectedF32Params p;
    p.batch = 1 + trial % 3;
    p.input_depth = 1 + (trial * 37) % 300;
    p.output_depth = 1 + (trial * 11) % 17;
    if (trial % 2) p.clamp = activation_range_f32(FusedActivation::kReluN1To1);
    const auto x = random_floats(rng, static_cast<size_t>(p.batch) * p.input_depth);
    const auto w = random_floats(rng, static_cast<size_t>(p.output_depth) * p.input_depth);
    const auto bias = random_floats(rng, p.output_depth);
    std::vector<float> y(static_cast<size_t>(p.batch) * p.output_depth);
    fully_connected_f32(p, x.data(), w.data(), trial % 3 ? bias.data() : nullptr, y.data());
    for (int b = 0; b < p.batch; ++b)
      for (int o = 0; o < p.output_depth; ++o) {
        double acc = trial % 3 ? bias[o] : 0.0, mag = std::fabs(acc);
        for (int i = 0; i < p.input_depth; ++i) {
          acc += static_cast<double>(x[b * p.input_depth + i]) * w[o * p.input_depth + i];
          mag += std::fabs(static_cast<double>(x[b * p.input_depth + i]) * w[o * p.input_depth + i]);
        }
        acc = std::min<double>(std::max<double>(acc, p.clamp.min), p.clamp.max);
        REQUIRE(std::fabs(y[b * p.output_depth + o] - acc) <= 1e-5 * mag + 1e-6);
      }
  }
}

TEST_CASE("float32 fused activations clamp but keep NaN", "[conv2d_f32]") {
  Conv2DF32Params p;
  p.input_height = p.input_width = p.input_channels = p.output_channels = 1;
  p.output_height = p.output_width = p.kernel_height = p.kernel_width = 1;
  p.clamp = activation_range_f32(FusedActivation::kRelu6);
  const float w = 1.0f;
  for (float v : {-5.0f, 3.5f, 100.0f}) {
    float y = 0;
    conv2d_f32(p, &v, &w, nullptr, &y);
    REQUIRE(y == std::min(std::max(v, 0.0f), 6.0f));
  }
  const float nan = std::nanf("");
  float y = 0;
  conv2d_f32(p, &nan, &w, nullptr, &y);
  REQUIRE(std::isnan(y));
}

}  // namespace
}  // namespace qrt::reference
