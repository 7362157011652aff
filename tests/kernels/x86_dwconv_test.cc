// The x86 packed depthwise kernels against reference::depthwise_conv2d_s8,
// byte for byte: random shapes (channels 1, odd, not a multiple of the
// 32-channel block, 1x1 images, filters larger than the image), padding on
// every side, strides 1 to 3, dilation (generic kernel), zero points -128 /
// 127, saturating sums, tiny and huge scales, clamps, both requantization
// rules (fixedpoint with double rounding as DEPTHWISE_CONV_2D uses, and
// single rounding too), per-channel and per-tensor weights (non-zero filter
// zero point). Every 3x3 case also runs the generic kernel, and, where the
// table has one and the filter fits int8, the 3x3 kernel on the int8
// packing (kernels/dwconv3x3_c4_s8.h); that kernel also runs on every
// channel count around its 64-channel blocks and 16 / 32 / 48-channel tail
// block (check_c4_channels; 1 to 80 and more in the long sweep). The parallel
// drivers (depthwise rows, GEMM M panels) must give the same bytes on 1 and
// 2 threads. Each ISA is reached through the dispatch table and skipped when
// this CPU (or this build) lacks it.
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

#include "kernels/kernel_table.h"
#include "kernels/reference/depthwise_conv2d_s8.h"
#include "kernels/reference/fully_connected_s8.h"

namespace {

using qrt::ClampRange;
using qrt::DwconvKernel;
using qrt::OutputRequantStorage;
using qrt::RequantRule;

int uniform(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

template <typename T>
T pick(std::mt19937& rng, std::initializer_list<T> values) {
  std::uniform_int_distribution<size_t> d(0, values.size() - 1);
  return *(values.begin() + d(rng));
}

struct DwCase {
  qrt::reference::DepthwiseConv2DParams p;  // requant filled from the fields below
  RequantRule rule = RequantRule::kFp32;
  qrt::FixedPointRounding rounding = qrt::FixedPointRounding::kDouble;
  bool per_channel = true;
  int32_t output_zero_point = 0;
  float input_scale = 0.02f, output_scale = 0.05f;
  std::vector<float> weight_scales;
  ClampRange clamp;
  bool bias = true;
  bool saturating = false;

  std::string describe() const {
    std::ostringstream s;
    s << "N=" << p.batch << " H=" << p.input_height << " W=" << p.input_width << " C=" << p.input_channels
      << " K=" << p.kernel_height << "x" << p.kernel_width << " stride=" << p.stride_height << "x" << p.stride_width
      << " dilation=" << p.dilation_height << "x" << p.dilation_width << " pad=" << p.pad_top << "," << p.pad_left
      << " out=" << p.output_height << "x" << p.output_width << " rule="
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

// Output size for explicit padding on both sides (pad_after may differ from
// pad_before), as the ops resolve it.
int output_size(int input, int kernel, int stride, int dilation, int pad_before, int pad_after) {
  return qrt::reference::compute_padding_explicit(input, kernel, stride, dilation, pad_before, pad_after).output_size;
}

DwCase random_case(std::mt19937& rng, RequantRule rule) {
  DwCase c;
  c.rule = rule;
  c.rounding = uniform(rng, 0, 3) == 0 ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
  auto& p = c.p;
  for (;;) {
    p.batch = uniform(rng, 1, 2);
    p.input_height = pick(rng, {1, 2, 3, 4, 5, 7, 8, 11, 14});
    p.input_width = pick(rng, {1, 2, 3, 4, 5, 7, 9, 12, 16});
    p.input_channels = pick(rng, {1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 96, 128, 144, 193});
    if (uniform(rng, 0, 2) != 0) {
      p.kernel_height = p.kernel_width = 3;
      p.dilation_height = p.dilation_width = 1;
    } else {
      p.kernel_height = uniform(rng, 1, 5);
      p.kernel_width = uniform(rng, 1, 5);
      p.dilation_height = uniform(rng, 0, 3) == 0 ? 2 : 1;
      p.dilation_width = uniform(rng, 0, 3) == 0 ? 2 : 1;
    }
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
  const float base = pick(rng, {0.002f, 0.01f, 1e-9f, 1e-12f, 0.3f, 1.0f});
  std::uniform_real_distribution<float> jitter(0.5f, 2.0f);
  for (int i = 0; i < (c.per_channel ? p.input_channels : 1); ++i) c.weight_scales.push_back(base * jitter(rng));
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
  c.saturating = uniform(rng, 0, 4) == 0;
  return c;
}

struct Data {
  std::vector<int8_t> input, weights;
  std::vector<int32_t> bias;
};

Data random_dw_data(const DwCase& c, std::mt19937& rng) {
  const auto& p = c.p;
  Data d;
  d.input.resize(static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.input_channels);
  d.weights.resize(static_cast<size_t>(p.kernel_height) * p.kernel_width * p.input_channels);
  // Saturating: every product at the largest magnitude the zero points allow.
  const int8_t sat_x = p.input_zero_point >= 0 ? -128 : 127;
  const int8_t sat_w = p.filter_zero_point >= 0 ? -128 : 127;
  for (auto& x : d.input) x = c.saturating && uniform(rng, 0, 7) ? sat_x : static_cast<int8_t>(uniform(rng, -128, 127));
  for (auto& x : d.weights) x = c.saturating && uniform(rng, 0, 7) ? sat_w : static_cast<int8_t>(uniform(rng, -128, 127));
  if (c.bias) {
    const int64_t headroom = (int64_t{1} << 31) - 1 - int64_t{p.kernel_height} * p.kernel_width * 255 * 255;
    const int64_t span = uniform(rng, 0, 1) ? 100000 : headroom;
    std::uniform_int_distribution<int64_t> dist(-span, span);
    d.bias.resize(p.input_channels);
    for (auto& b : d.bias) {
      b = static_cast<int32_t>(uniform(rng, 0, 9) == 0 ? (uniform(rng, 0, 1) ? span : -span) : dist(rng));
    }
  }
  return d;
}

OutputRequantStorage epilogue(const DwCase& c) {
  return qrt::make_output_requant(c.rule, c.input_scale, c.weight_scales.data(), c.weight_scales.size(),
                                  c.output_scale, c.output_zero_point, c.clamp, c.rounding);
}

size_t output_bytes(const DwCase& c) {
  return static_cast<size_t>(c.p.batch) * c.p.output_height * c.p.output_width * c.p.input_channels;
}

std::vector<int8_t> run_reference(const DwCase& c, const Data& d) {
  qrt::reference::DepthwiseConv2DParams p = c.p;
  OutputRequantStorage rq = epilogue(c);
  p.requant = rq.requant;
  std::vector<int8_t> out(output_bytes(c));
  qrt::reference::depthwise_conv2d_s8(p, d.input.data(), d.weights.data(), c.bias ? d.bias.data() : nullptr,
                                      out.data());
  return out;
}

struct Packed {
  std::vector<uint8_t> bytes;
  qrt::DwconvRunParams params;
};

// The pack parameters of a case; `rq` must outlive them.
qrt::DwconvPackParams pack_params(const DwCase& c, const Data& d, const OutputRequantStorage& rq) {
  qrt::DwconvPackParams pp;
  pp.channels = c.p.input_channels;
  pp.kernel_height = c.p.kernel_height;
  pp.kernel_width = c.p.kernel_width;
  pp.weights = d.weights.data();
  pp.bias = c.bias ? d.bias.data() : nullptr;
  pp.input_zero_point = c.p.input_zero_point;
  pp.filter_zero_point = c.p.filter_zero_point;
  pp.requant = rq.requant;
  return pp;
}

qrt::DwconvRunParams run_params(const DwCase& c, const qrt::DwconvPackParams& pp) {
  qrt::DwconvRunParams q = qrt::make_dwconv_run_params(pp);
  q.batch = c.p.batch;
  q.input_height = c.p.input_height;
  q.input_width = c.p.input_width;
  q.output_height = c.p.output_height;
  q.output_width = c.p.output_width;
  q.stride_height = c.p.stride_height;
  q.stride_width = c.p.stride_width;
  q.dilation_height = c.p.dilation_height;
  q.dilation_width = c.p.dilation_width;
  q.pad_top = c.p.pad_top;
  q.pad_left = c.p.pad_left;
  return q;
}

Packed pack(const DwconvKernel& k, const DwCase& c, const Data& d) {
  const OutputRequantStorage rq = epilogue(c);
  const qrt::DwconvPackParams pp = pack_params(c, d, rq);
  Packed r;
  r.bytes.resize(k.packed_size(c.rule, pp.channels, pp.kernel_height * pp.kernel_width));
  k.pack(pp, r.bytes.data());
  r.params = run_params(c, pp);
  return r;
}

// The int8 3x3 packing (kernels/dwconv3x3_c4_s8.h); *fits says whether it
// takes the filter (no bytes when not).
Packed pack_3x3_c4(const DwCase& c, const Data& d, bool* fits) {
  const OutputRequantStorage rq = epilogue(c);
  const qrt::DwconvPackParams pp = pack_params(c, d, rq);
  Packed r;
  r.params = run_params(c, pp);
  *fits = qrt::dwconv3x3_c4_fits(pp);
  if (*fits) {
    r.bytes.resize(qrt::dwconv3x3_c4_packed_size(c.rule, pp.channels));
    qrt::dwconv3x3_c4_pack(pp, r.bytes.data());
  }
  return r;
}

// Runs `run` over every row, in two calls split at `split` (rows are
// independent), into an exactly-sized buffer so ASan sees any overrun.
std::vector<int8_t> run_kernel(qrt::DwconvRunFn* run, const Packed& packed, const DwCase& c, const Data& d,
                               size_t split) {
  std::vector<int8_t> out(output_bytes(c), 0x5A);
  const size_t rows = packed.params.rows();
  split = std::min(split, rows);
  run(packed.params, d.input.data(), packed.bytes.data(), out.data(), 0, split);
  run(packed.params, d.input.data(), packed.bytes.data(), out.data(), split, rows);
  return out;
}

// The table for `isa` if it has a depthwise kernel; otherwise nullptr and
// the reason in *why.
const qrt::KernelTable* dwconv_table(const char* isa, std::string* why) {
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, why);
  if (table != nullptr && table->dwconv.run == nullptr) {
    *why = std::string("the ") + isa + " table has no depthwise kernel yet";
    return nullptr;
  }
  return table;
}

// Same, after a WARN that marks the test skipped.
const qrt::KernelTable* table_or_skip(const char* isa) {
  std::string why;
  const qrt::KernelTable* table = dwconv_table(isa, &why);
  if (table == nullptr) WARN("skipped: " << why);
  return table;
}

void check_isa(const char* isa, int cases, uint32_t seed) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  const DwconvKernel& k = table->dwconv;
  std::mt19937 rng(seed);
  int c4_cases = 0;
  for (int i = 0; i < cases; ++i) {
    const RequantRule rule = i % 2 ? RequantRule::kFp32 : RequantRule::kFixedPoint;
    const DwCase c = random_case(rng, rule);
    const Data d = random_dw_data(c, rng);
    INFO(isa << " case " << i << ": " << c.describe());
    const std::vector<int8_t> expected = run_reference(c, d);
    const Packed packed = pack(k, c, d);
    const size_t split = static_cast<size_t>(uniform(rng, 0, static_cast<int>(packed.params.rows())));
    {
      INFO("kernel " << k.name);
      REQUIRE(run_kernel(k.run, packed, c, d, split) == expected);
    }
    if (c.p.kernel_height == 3 && c.p.kernel_width == 3 && c.p.dilation_height == 1 && c.p.dilation_width == 1) {
      {
        INFO("kernel " << k.name_3x3);
        REQUIRE(run_kernel(k.run_3x3, packed, c, d, split) == expected);
      }
      if (k.run_3x3_c4 != nullptr) {
        // The int8 packing takes the filter exactly when every w - zw fits int8.
        bool fits = true;
        for (int8_t w : d.weights) {
          fits = fits && int{w} - c.p.filter_zero_point >= -128 && int{w} - c.p.filter_zero_point <= 127;
        }
        bool packed_fits = false;
        const Packed c4 = pack_3x3_c4(c, d, &packed_fits);
        REQUIRE(packed_fits == fits);
        if (fits) {
          ++c4_cases;
          INFO("kernel " << k.name_3x3_c4);
          REQUIRE(run_kernel(k.run_3x3_c4, c4, c, d, split) == expected);
        }
      }
    }
  }
  if (k.run_3x3_c4 != nullptr) REQUIRE(c4_cases >= cases / 8);
}

// The int8 3x3 kernel of `isa` on every channel count of `channel_counts`
// (the tail block of dwconv3x3_c4_s8.h: 16, 32 or 48 channels in channel
// order, or a masked 64-channel block past 48) and on `geometries` (H, W,
// stride, pad_top, pad_left, pad_bottom, pad_right), each with the three
// requantization rules and zero points at the ends of the range.
struct C4Geometry {
  int height, width, stride, pad_top, pad_left, pad_bottom, pad_right;
};

void check_c4_channels(const char* isa, const std::vector<int>& channel_counts,
                       const std::vector<C4Geometry>& geometries, uint32_t seed) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  if (table->dwconv.run_3x3_c4 == nullptr) {
    WARN("skipped: the " << isa << " table has no int8 3x3 depthwise kernel");
    return;
  }
  std::mt19937 rng(seed);
  int ran = 0;
  for (int channels : channel_counts) {
    for (const C4Geometry& g : geometries) {
      for (int r = 0; r < 3; ++r) {
        DwCase c = random_case(rng, r == 0 ? RequantRule::kFp32 : RequantRule::kFixedPoint);
        c.rounding = r == 2 ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
        auto& p = c.p;
        p.input_channels = channels;
        p.input_height = g.height;
        p.input_width = g.width;
        p.kernel_height = p.kernel_width = 3;
        p.dilation_height = p.dilation_width = 1;
        p.stride_height = p.stride_width = g.stride;
        p.pad_top = g.pad_top;
        p.pad_left = g.pad_left;
        p.output_height = output_size(g.height, 3, g.stride, 1, g.pad_top, g.pad_bottom);
        p.output_width = output_size(g.width, 3, g.stride, 1, g.pad_left, g.pad_right);
        if (p.output_height <= 0 || p.output_width <= 0) continue;
        // Zero points at the ends of the range; per-channel weights (zw = 0)
        // always fit the int8 packing.
        p.input_zero_point = (channels + r) % 2 ? -128 : 127;
        c.output_zero_point = (channels + r) % 3 == 0 ? 127 : -128;
        if (c.clamp.min == c.clamp.max) c.clamp = ClampRange{};
        c.per_channel = true;
        p.filter_zero_point = 0;
        const float base = c.weight_scales[0];
        c.weight_scales.assign(static_cast<size_t>(channels), base);
        for (size_t i = 0; i < c.weight_scales.size(); i += 3) c.weight_scales[i] *= 0.75f;
        const Data d = random_dw_data(c, rng);
        INFO(isa << " " << c.describe());
        bool fits = false;
        const Packed c4 = pack_3x3_c4(c, d, &fits);
        REQUIRE(fits);
        const std::vector<int8_t> expected = run_reference(c, d);
        const size_t split = static_cast<size_t>(uniform(rng, 0, static_cast<int>(c4.params.rows())));
        REQUIRE(run_kernel(table->dwconv.run_3x3_c4, c4, c, d, split) == expected);
        ++ran;
      }
    }
  }
  REQUIRE(ran > 0);
}

// 1x1 images, stride 1 and 2, padding on every side, odd sizes.
const std::vector<C4Geometry>& c4_geometries() {
  static const std::vector<C4Geometry> g = {
      {1, 1, 1, 1, 1, 1, 1}, {1, 1, 2, 1, 1, 1, 1}, {5, 6, 1, 1, 1, 1, 1}, {4, 7, 1, 0, 2, 2, 0},
      {6, 5, 2, 0, 1, 1, 1}, {7, 8, 2, 1, 0, 2, 2}, {2, 3, 1, 2, 2, 2, 2}, {3, 2, 2, 2, 2, 0, 0}};
  return g;
}

struct PoolDeleter {
  void operator()(pthreadpool_t p) const { pthreadpool_destroy(p); }
};
using Pool = std::unique_ptr<pthreadpool, PoolDeleter>;

}  // namespace

TEST_CASE("qs8_dwconv avx512vnni kernels equal the reference byte for byte", "[x86][dwconv]") {
  check_isa("avx512vnni", 600, 11);
}

TEST_CASE("qs8_dwconv 3x3 c4 avx512vnni kernel: tail blocks of 16 / 32 / 48 channels", "[x86][dwconv]") {
  check_c4_channels("avx512vnni", {1, 3, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 80, 96, 144, 176},
                    c4_geometries(), 41);
}

TEST_CASE("qs8_dwconv avx2 kernels equal the reference byte for byte", "[x86][dwconv]") {
  check_isa("avx2", 600, 12);
}

TEST_CASE("qs8_dwconv sse41 kernels equal the reference byte for byte", "[x86][dwconv]") {
  check_isa("sse41", 600, 13);
}

TEST_CASE("dwconv_run_parallel gives the same bytes on 1 and 2 threads", "[x86][dwconv][threads]") {
  Pool pool(pthreadpool_create(2));
  REQUIRE(pool != nullptr);
  int ran = 0;
  std::string why;
  for (const char* isa : {"avx512vnni", "avx2", "sse41"}) {
    const qrt::KernelTable* table = dwconv_table(isa, &why);
    if (table == nullptr) continue;
    ++ran;
    const DwconvKernel& k = table->dwconv;
    std::mt19937 rng(21);
    for (int i = 0; i < 60; ++i) {
      DwCase c = random_case(rng, i % 2 ? RequantRule::kFp32 : RequantRule::kFixedPoint);
      const Data d = random_dw_data(c, rng);
      INFO(isa << " case " << i << ": " << c.describe());
      const Packed packed = pack(k, c, d);
      const std::vector<int8_t> expected = run_reference(c, d);
      std::vector<int8_t> one(output_bytes(c)), two(output_bytes(c));
      qrt::dwconv_run_parallel(k.run, packed.params, d.input.data(), packed.bytes.data(), one.data(), nullptr);
      qrt::dwconv_run_parallel(k.run, packed.params, d.input.data(), packed.bytes.data(), two.data(), pool.get());
      REQUIRE(one == expected);
      REQUIRE(two == one);
    }
  }
  if (ran == 0) WARN("skipped: " << why);
}

TEST_CASE("gemm_run_parallel gives the same bytes on 1 and 2 threads", "[x86][gemm][threads]") {
  Pool pool(pthreadpool_create(2));
  REQUIRE(pool != nullptr);
  int ran = 0;
  std::string why;
  for (const char* isa : {"avx512vnni", "avxvnni", "avx2", "sse41"}) {
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &why);
    if (table == nullptr || table->gemm.run == nullptr) continue;
    ++ran;
    const qrt::GemmKernel& g = table->gemm;
    std::mt19937 rng(31);
    for (int i = 0; i < 60; ++i) {
      const size_t m = pick<size_t>(rng, {1, 2, 7, 8, 9, 16, 17, 31, 33, 100, 257});
      const int n = pick(rng, {1, 15, 32, 33, 144});
      const int k = pick(rng, {1, 3, 16, 24, 61, 300});
      const RequantRule rule = i % 2 ? RequantRule::kFp32 : RequantRule::kFixedPoint;
      INFO(isa << " M=" << m << " N=" << n << " K=" << k << " rule " << int(rule));
      std::vector<int8_t> a(m * k), w(static_cast<size_t>(n) * k);
      for (auto& x : a) x = static_cast<int8_t>(uniform(rng, -128, 127));
      for (auto& x : w) x = static_cast<int8_t>(uniform(rng, -128, 127));
      std::vector<int32_t> bias(n);
      for (auto& b : bias) b = uniform(rng, -100000, 100000);
      const std::vector<float> scales(n, 0.004f);
      OutputRequantStorage rq = qrt::make_output_requant(rule, 0.02f, scales.data(), scales.size(), 0.05f, 3,
                                                         ClampRange{}, qrt::FixedPointRounding::kSingle);
      qrt::GemmPackParams pp;
      pp.n = n;
      pp.k = k;
      pp.weights = w.data();
      pp.bias = bias.data();
      pp.input_zero_point = uniform(rng, -128, 127);
      pp.requant = rq.requant;
      std::vector<uint8_t> packed(g.packed_size(rule, n, k));
      g.pack(g.layout, pp, packed.data());
      const size_t stride = qrt::gemm_scratch_stride(g.layout, k);
      std::vector<uint8_t> scratch(2 * stride);
      const qrt::GemmRunParams params = qrt::make_gemm_run_params(pp, m, k, n);
      std::vector<int8_t> one(m * n), two(m * n, 0x5A);
      qrt::gemm_run_parallel(g.run, g.layout, params, a.data(), packed.data(), scratch.data(), stride, 1, one.data(),
                             nullptr);
      qrt::gemm_run_parallel(g.run, g.layout, params, a.data(), packed.data(), scratch.data(), stride, 2, two.data(),
                             pool.get());
      qrt::reference::FullyConnectedParams fp;
      fp.batch = static_cast<int>(m);
      fp.input_depth = k;
      fp.output_depth = n;
      fp.input_zero_point = pp.input_zero_point;
      fp.requant = rq.requant;
      std::vector<int8_t> expected(m * n);
      qrt::reference::fully_connected_s8(fp, a.data(), w.data(), bias.data(), expected.data());
      REQUIRE(one == expected);
      REQUIRE(two == one);
    }
  }
  if (ran == 0) WARN("skipped: " << why);
}

// The long sweep (ctest -L long): 10,000 random cases per ISA, half per rule.
TEST_CASE("qs8_dwconv long: avx512vnni kernels, 10000 random cases", "[x86][dwconv][.long]") {
  check_isa("avx512vnni", 10000, 111);
}

TEST_CASE("qs8_dwconv long: avx512vnni 3x3 c4 kernel, channels 1 to 80, 144 and 192",
          "[x86][dwconv][.long]") {
  std::vector<int> channels;
  for (int c = 1; c <= 80; ++c) channels.push_back(c);
  for (int c : {112, 127, 128, 129, 144, 160, 176, 191, 192}) channels.push_back(c);
  for (uint32_t seed : {141u, 142u, 143u, 144u}) check_c4_channels("avx512vnni", channels, c4_geometries(), seed);
}

TEST_CASE("qs8_dwconv long: avx2 kernels, 10000 random cases", "[x86][dwconv][.long]") {
  check_isa("avx2", 10000, 112);
}

TEST_CASE("qs8_dwconv long: sse41 kernels, 10000 random cases", "[x86][dwconv][.long]") {
  check_isa("sse41", 10000, 113);
}
