// The random and corner cases shared by the IGEMM convolution tests of every
// ISA family (x86_conv_test.cc, arm_conv_test.cc): a case generator, the
// reference and IGEMM runs, and the two checks, byte for byte.
#pragma once

#include <catch2/catch.hpp>

#include <pthreadpool.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/gemm_split.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/conv2d_s8.h"

namespace qrt::test::igemm {

using qrt::ClampRange;
using qrt::ConvKernel;
using qrt::OutputRequantStorage;
using qrt::RequantRule;

inline int uniform(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

template <typename T>
T pick(std::mt19937& rng, std::initializer_list<T> values) {
  std::uniform_int_distribution<size_t> d(0, values.size() - 1);
  return *(values.begin() + d(rng));
}

struct ConvCase {
  qrt::reference::Conv2DParams p;  // requant filled from the fields below
  RequantRule rule = RequantRule::kFp32;
  qrt::FixedPointRounding rounding = qrt::FixedPointRounding::kDouble;
  bool per_channel = true;
  int32_t output_zero_point = 0;
  float input_scale = 0.02f, output_scale = 0.05f;
  std::vector<float> weight_scales;
  ClampRange clamp;
  bool bias = true;
  bool saturating = false;

  int k() const { return p.kernel_height * p.kernel_width * p.input_channels; }
  size_t pixels() const { return static_cast<size_t>(p.batch) * p.output_height * p.output_width; }

  std::string describe() const {
    std::ostringstream s;
    s << "N=" << p.batch << " H=" << p.input_height << " W=" << p.input_width << " Cin=" << p.input_channels
      << " Cout=" << p.output_channels << " K=" << p.kernel_height << "x" << p.kernel_width
      << " stride=" << p.stride_height << "x" << p.stride_width << " dilation=" << p.dilation_height << "x"
      << p.dilation_width << " pad=" << p.pad_top << "," << p.pad_left << " out=" << p.output_height << "x"
      << p.output_width << " rule="
      << (rule == RequantRule::kFp32                              ? "fp32"
          : rounding == qrt::FixedPointRounding::kSingle ? "fixedpoint-single"
                                                          : "fixedpoint-double")
      << (per_channel ? " per-channel" : " per-tensor") << " zi=" << p.input_zero_point
      << " zw=" << p.filter_zero_point << " zo=" << output_zero_point << " in_scale=" << input_scale
      << " out_scale=" << output_scale << " w_scale[0]=" << weight_scales[0] << " clamp=[" << clamp.min << ","
      << clamp.max << "] bias=" << bias << " saturating=" << saturating;
    return s.str();
  }
};

inline int output_size(int input, int kernel, int stride, int dilation, int pad_before, int pad_after) {
  return qrt::reference::compute_padding_explicit(input, kernel, stride, dilation, pad_before, pad_after).output_size;
}

inline ConvCase random_case(std::mt19937& rng, RequantRule rule) {
  ConvCase c;
  c.rule = rule;
  c.rounding = uniform(rng, 0, 1) ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
  auto& p = c.p;
  for (;;) {
    p.batch = uniform(rng, 0, 4) == 0 ? 2 : 1;
    p.input_height = pick(rng, {1, 2, 3, 4, 5, 7, 8, 11});
    p.input_width = pick(rng, {1, 2, 3, 4, 5, 7, 9, 12});
    p.input_channels = pick(rng, {1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 24, 32, 33, 64});
    p.output_channels = pick(rng, {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 48, 64, 65});
    if (uniform(rng, 0, 2) == 0) {
      p.kernel_height = p.kernel_width = 3;
    } else {
      p.kernel_height = uniform(rng, 1, 7);
      p.kernel_width = uniform(rng, 0, 2) == 0 ? uniform(rng, 1, 7) : p.kernel_height;
    }
    p.dilation_height = uniform(rng, 0, 4) == 0 ? pick(rng, {2, 3}) : 1;
    p.dilation_width = uniform(rng, 0, 4) == 0 ? pick(rng, {2, 3}) : 1;
    p.stride_height = pick(rng, {1, 1, 2, 2, 3});
    p.stride_width = uniform(rng, 0, 3) == 0 ? pick(rng, {1, 2, 3}) : p.stride_height;
    const int eh = (p.kernel_height - 1) * p.dilation_height + 1, ew = (p.kernel_width - 1) * p.dilation_width + 1;
    p.pad_top = uniform(rng, 0, eh - 1);
    p.pad_left = uniform(rng, 0, ew - 1);
    const int pad_bottom = uniform(rng, 0, eh - 1), pad_right = uniform(rng, 0, ew - 1);
    p.output_height = output_size(p.input_height, p.kernel_height, p.stride_height, p.dilation_height, p.pad_top,
                                  pad_bottom);
    p.output_width = output_size(p.input_width, p.kernel_width, p.stride_width, p.dilation_width, p.pad_left,
                                 pad_right);
    if (p.output_height > 0 && p.output_width > 0) break;
  }
  c.per_channel = uniform(rng, 0, 2) != 0;
  p.input_zero_point = pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
  p.filter_zero_point = c.per_channel ? 0 : pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
  c.output_zero_point = pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
  c.input_scale = pick(rng, {0.02f, 1.0f / 255, 0.5f, 1e-4f});
  c.output_scale = pick(rng, {0.05f, 0.1f, 3.0f, 1e-3f});
  // Real multipliers from far below 2^-31 up to just below 256.
  const float base = pick(rng, {0.002f, 0.01f, 1e-9f, 1e-12f, 0.3f, 1.0f});
  std::uniform_real_distribution<float> jitter(0.5f, 2.0f);
  for (int i = 0; i < (c.per_channel ? p.output_channels : 1); ++i) c.weight_scales.push_back(base * jitter(rng));
  for (float& w : c.weight_scales) {
    while (static_cast<double>(c.input_scale) * w / c.output_scale >= 255.0) w *= 0.5f;
  }
  switch (uniform(rng, 0, 3)) {
    case 0: c.clamp = ClampRange{}; break;
    case 1: c.clamp = ClampRange{c.output_zero_point, 127}; break;  // ReLU
    case 2: {
      const int a = uniform(rng, -128, 127), b = uniform(rng, -128, 127);
      c.clamp = ClampRange{std::min(a, b), std::max(a, b)};
      break;
    }
    default: c.clamp = ClampRange{-128, -128}; break;
  }
  c.bias = uniform(rng, 0, 4) != 0;
  c.saturating = uniform(rng, 0, 5) == 0;
  return c;
}

struct Data {
  std::vector<int8_t> input, filter;
  std::vector<int32_t> bias;
};

inline Data random_data(const ConvCase& c, std::mt19937& rng) {
  const auto& p = c.p;
  Data d;
  d.input.resize(static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.input_channels);
  d.filter.resize(static_cast<size_t>(p.output_channels) * c.k());
  if (c.saturating) {
    // Every product at the largest magnitude the zero points allow.
    const int8_t a = p.input_zero_point >= 0 ? -128 : 127;
    const int8_t w = p.filter_zero_point >= 0 ? -128 : 127;
    for (auto& x : d.input) x = uniform(rng, 0, 7) ? a : static_cast<int8_t>(uniform(rng, -128, 127));
    for (auto& x : d.filter) x = uniform(rng, 0, 7) ? w : static_cast<int8_t>(uniform(rng, -128, 127));
  } else {
    for (auto& x : d.input) x = static_cast<int8_t>(uniform(rng, -128, 127));
    for (auto& x : d.filter) x = static_cast<int8_t>(uniform(rng, -128, 127));
  }
  if (c.bias) {
    // Within the loader's bound: |bias| + K * 255 * 255 < 2^31.
    const int64_t headroom = (int64_t{1} << 31) - 1 - int64_t{c.k()} * 255 * 255;
    const int64_t span = std::min<int64_t>(headroom, uniform(rng, 0, 1) ? 100000 : headroom);
    std::uniform_int_distribution<int64_t> dist(-span, span);
    d.bias.resize(p.output_channels);
    for (auto& b : d.bias) b = static_cast<int32_t>(dist(rng));
  }
  return d;
}

inline OutputRequantStorage epilogue(const ConvCase& c) {
  return qrt::make_output_requant(c.rule, c.input_scale, c.weight_scales.data(), c.weight_scales.size(),
                                  c.output_scale, c.output_zero_point, c.clamp, c.rounding);
}

inline std::vector<int8_t> run_reference(const ConvCase& c, const Data& d) {
  qrt::reference::Conv2DParams p = c.p;
  OutputRequantStorage rq = epilogue(c);
  p.requant = rq.requant;
  std::vector<int8_t> out(c.pixels() * p.output_channels);
  qrt::reference::conv2d_s8(p, d.input.data(), d.filter.data(), c.bias ? d.bias.data() : nullptr, out.data());
  return out;
}

using Pool = std::unique_ptr<pthreadpool, decltype(&pthreadpool_destroy)>;

// Packs and builds the indirection as prepare does, then runs through
// igemm_run_parallel on `pool` (nullptr: one thread).
inline std::vector<int8_t> run_igemm(const ConvKernel& k, const ConvCase& c, const Data& d, pthreadpool_t pool) {
  const auto& p = c.p;
  OutputRequantStorage rq = epilogue(c);
  qrt::GemmPackParams pack;
  pack.n = p.output_channels;
  pack.k = c.k();
  pack.weights = d.filter.data();
  pack.bias = c.bias ? d.bias.data() : nullptr;
  pack.input_zero_point = p.input_zero_point;
  pack.filter_zero_point = p.filter_zero_point;
  pack.requant = rq.requant;
  std::vector<uint8_t> packed(k.packed_size(c.rule, pack.n, pack.k));
  k.pack(k.layout, pack, packed.data());
  REQUIRE(qrt::conv_indirection_fits(p));
  std::vector<int32_t> offsets(qrt::conv_indirection_size(p));
  qrt::conv_build_indirection(p, offsets.data());
  // Exactly sized, so ASan catches a read past the end.
  const std::vector<int8_t> zero_row(p.input_channels, static_cast<int8_t>(p.input_zero_point));
  qrt::IgemmRunParams r;
  r.gemm = qrt::make_gemm_run_params(pack, c.pixels(), 0, static_cast<size_t>(pack.n));
  r.taps = p.kernel_height * p.kernel_width;
  r.channels = p.input_channels;
  r.offsets = offsets.data();
  r.zero_row = zero_row.data();
  const size_t stride = qrt::gemm_scratch_stride(k.layout, pack.k);
  std::vector<uint8_t> scratch(2 * stride);
  std::vector<int8_t> out(c.pixels() * pack.n, 0x5A);
  qrt::igemm_run_parallel(k.run, k.layout, r, d.input.data(), packed.data(), scratch.data(), stride, 2, out.data(),
                          pool);
  return out;
}

inline const qrt::KernelTable* conv_table(const char* isa) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return nullptr;
  }
  REQUIRE(table->conv.run != nullptr);
  return table;
}

inline void require_equal(const std::vector<int8_t>& actual, const std::vector<int8_t>& expected, int channels) {
  if (actual == expected) return;
  for (size_t j = 0; j < expected.size(); ++j) {
    INFO("first difference at pixel " << j / channels << " channel " << j % channels);
    REQUIRE(int{actual[j]} == int{expected[j]});
  }
}

// `cases` random cases per rule; every third also on a 2-thread pool.
inline void check_random_cases(const char* isa, uint32_t seed, int cases) {
  const qrt::KernelTable* table = conv_table(isa);
  if (table == nullptr) return;
  Pool pool(pthreadpool_create(2), pthreadpool_destroy);
  REQUIRE(pool != nullptr);
  std::mt19937 rng(seed);
  int checked = 0;
  for (RequantRule rule : {RequantRule::kFixedPoint, RequantRule::kFp32}) {
    for (int i = 0; i < cases; ++i) {
      const ConvCase c = random_case(rng, rule);
      const Data d = random_data(c, rng);
      INFO(table->conv.name << " case " << i << ": " << c.describe());
      const std::vector<int8_t> expected = run_reference(c, d);
      require_equal(run_igemm(table->conv, c, d, nullptr), expected, c.p.output_channels);
      if (i % 3 == 0) require_equal(run_igemm(table->conv, c, d, pool.get()), expected, c.p.output_channels);
      ++checked;
    }
  }
  REQUIRE(checked == 2 * cases);
}

// Fixed corners: every rule, zero points -128 / 127 on input and filter,
// saturating data, a 1x1 image under a 7x7 filter (all but one tap padding),
// and the first MobileNetV2 layer's shape (3x3 stride 2, 3 channels).
inline void check_corner_cases(const char* isa) {
  const qrt::KernelTable* table = conv_table(isa);
  if (table == nullptr) return;
  std::mt19937 rng(5);
  for (int mode = 0; mode < 3; ++mode) {
    for (int32_t zp : {-128, 127}) {
      for (int shape = 0; shape < 3; ++shape) {
        ConvCase c;
        c.rule = mode == 0 ? RequantRule::kFp32 : RequantRule::kFixedPoint;
        c.rounding = mode == 2 ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
        auto& p = c.p;
        if (shape == 0) {  // 1x1 image, 7x7 filter, same padding
          p.input_height = p.input_width = 1;
          p.input_channels = 5;
          p.output_channels = 33;
          p.kernel_height = p.kernel_width = 7;
          p.pad_top = p.pad_left = 3;
          p.output_height = p.output_width = 1;
        } else if (shape == 1) {  // MobileNetV2's first layer, scaled down
          p.input_height = p.input_width = 15;
          p.input_channels = 3;
          p.output_channels = 32;
          p.kernel_height = p.kernel_width = 3;
          p.stride_height = p.stride_width = 2;
          p.output_height = p.output_width = 8;
          p.pad_top = p.pad_left = 1;
        } else {  // dilated, strided, odd everything
          p.input_height = 9;
          p.input_width = 10;
          p.input_channels = 17;
          p.output_channels = 65;
          p.kernel_height = 3;
          p.kernel_width = 2;
          p.dilation_height = 3;
          p.dilation_width = 2;
          p.stride_height = 2;
          p.stride_width = 3;
          p.pad_top = 2;
          p.pad_left = 1;
          p.output_height = output_size(9, 3, 2, 3, 2, 2);
          p.output_width = output_size(10, 2, 3, 2, 1, 0);
        }
        for (bool per_channel : {true, false}) {
          c.per_channel = per_channel;
          p.input_zero_point = zp;
          p.filter_zero_point = per_channel ? 0 : -zp - 1;
          c.output_zero_point = zp / 2;
          c.weight_scales.assign(per_channel ? p.output_channels : 1, 0.004f);
          c.saturating = true;
          const Data d = random_data(c, rng);
          INFO(table->conv.name << ": " << c.describe());
          REQUIRE(run_igemm(table->conv, c, d, nullptr) == run_reference(c, d));
          c.weight_scales.assign(per_channel ? p.output_channels : 1, 200.0f);  // clamps everything
          REQUIRE(run_igemm(table->conv, c, d, nullptr) == run_reference(c, d));
          c.weight_scales.assign(per_channel ? p.output_channels : 1, 1e-13f);  // multiplier 2^-40 or so
          REQUIRE(run_igemm(table->conv, c, d, nullptr) == run_reference(c, d));
        }
      }
    }
  }
}

// The splits igemm_run_parallel makes on 2 threads (kernels/gemm_split.h),
// each byte for byte against one thread and the reference: many pixels
// (row ranges, more of them than the 2 scratch buffers, which the ranges
// then share), few pixels and many channels (column ranges, a partial last
// tile).
inline void check_split_cases(const char* isa) {
  const qrt::KernelTable* table = conv_table(isa);
  if (table == nullptr) return;
  Pool pool(pthreadpool_create(2), pthreadpool_destroy);
  REQUIRE(pool != nullptr);
  std::mt19937 rng(11);
  struct Shape {
    int height, width, input_channels, output_channels, kernel;
    bool columns;  // the split the planner must choose
  };
  const Shape shapes[] = {{30, 29, 24, 40, 3, false}, {3, 3, 64, 1000, 3, true}, {1, 2, 200, 1001, 3, true}};
  for (const Shape& shape : shapes) {
    for (RequantRule rule : {RequantRule::kFp32, RequantRule::kFixedPoint}) {
      ConvCase c;
      c.rule = rule;
      auto& p = c.p;
      p.input_height = p.output_height = shape.height;
      p.input_width = p.output_width = shape.width;
      p.input_channels = shape.input_channels;
      p.output_channels = shape.output_channels;
      p.kernel_height = p.kernel_width = shape.kernel;
      p.pad_top = p.pad_left = shape.kernel / 2;
      p.input_zero_point = -128;
      c.output_zero_point = 127;
      c.weight_scales.assign(p.output_channels, 0.004f);
      const Data d = random_data(c, rng);
      INFO(table->conv.name << ": " << c.describe());
      const qrt::GemmSplit split =
          qrt::plan_gemm_split(table->conv.layout, c.pixels(), p.output_channels, c.k(), 2, 2);
      CHECK(split.tasks >= 2);
      CHECK(split.by_columns == shape.columns);
      const std::vector<int8_t> expected = run_reference(c, d);
      require_equal(run_igemm(table->conv, c, d, nullptr), expected, p.output_channels);
      require_equal(run_igemm(table->conv, c, d, pool.get()), expected, p.output_channels);
    }
  }
}

}  // namespace qrt::test::igemm
