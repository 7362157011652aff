// The x86 packed GEMM kernels against the reference kernels, byte for byte:
// reference::fully_connected_s8 (M = batch) and reference::conv2d_s8 for 1x1
// convolutions, on random shapes (M, N, K of 1, odd, prime, K not a multiple
// of the K group, N not a multiple of the tile), zero points -128 / 0 / 127,
// tiny and huge scales, saturating sums, clamps, both requantization rules
// (fixedpoint with gemmlowp's double and ruy's single rounding),
// per-channel and per-tensor (non-zero zero point) weights, strided A and C.
// Each ISA is reached through the dispatch table and skipped when this CPU
// (or this build) lacks it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/reference/conv2d_s8.h"
#include "kernels/reference/fully_connected_s8.h"

namespace {

using qrt::ClampRange;
using qrt::GemmKernel;
using qrt::GemmPackParams;
using qrt::GemmRunParams;
using qrt::OutputRequantStorage;
using qrt::RequantRule;

struct GemmCase {
  size_t m = 1;
  int n = 1, k = 1;
  RequantRule rule = RequantRule::kFp32;
  qrt::FixedPointRounding rounding = qrt::FixedPointRounding::kDouble;  // kFixedPoint
  bool per_channel = true;
  int32_t input_zero_point = 0, filter_zero_point = 0, output_zero_point = 0;
  float input_scale = 0.02f, output_scale = 0.05f;
  std::vector<float> weight_scales;
  ClampRange clamp;
  bool bias = true;
  bool saturating = false;  // extreme inputs and weights
  size_t a_pad = 0, c_pad = 0;  // extra row stride of A and C

  std::string describe() const {
    std::ostringstream s;
    s << "M=" << m << " N=" << n << " K=" << k << " rule="
      << (rule == RequantRule::kFp32                              ? "fp32"
          : rounding == qrt::FixedPointRounding::kSingle ? "fixedpoint-single"
                                                          : "fixedpoint-double")
      << (per_channel ? " per-channel" : " per-tensor") << " za=" << input_zero_point << " zw=" << filter_zero_point
      << " zo=" << output_zero_point << " in_scale=" << input_scale << " out_scale=" << output_scale
      << " w_scale[0]=" << weight_scales[0] << " clamp=[" << clamp.min << "," << clamp.max << "]"
      << " bias=" << bias << " saturating=" << saturating << " a_pad=" << a_pad << " c_pad=" << c_pad;
    return s.str();
  }
};

template <typename T>
T pick(std::mt19937& rng, std::initializer_list<T> values) {
  std::uniform_int_distribution<size_t> d(0, values.size() - 1);
  return *(values.begin() + d(rng));
}

int uniform(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

GemmCase random_case(std::mt19937& rng, RequantRule rule) {
  GemmCase c;
  c.rule = rule;
  c.rounding = uniform(rng, 0, 1) ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
  c.m = pick<size_t>(rng, {1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17, 23, 31});
  c.n = pick(rng, {1, 2, 3, 7, 8, 13, 15, 16, 17, 24, 31, 32, 33, 47, 48, 63, 64, 65, 97, 144});
  c.k = pick(rng, {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 23, 24, 31, 61, 64, 127, 128, 257, 1031});
  c.per_channel = uniform(rng, 0, 2) != 0;
  c.input_zero_point = pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
  c.filter_zero_point = c.per_channel ? 0 : pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
  c.output_zero_point = pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
  c.input_scale = pick(rng, {0.02f, 1.0f / 255, 0.5f, 1e-4f});
  c.output_scale = pick(rng, {0.05f, 0.1f, 3.0f, 1e-3f});
  // Real multipliers from far below 2^-31 (flushed to zero) up to just below
  // 256 (the largest the ops admit, with a left shift).
  const float base = pick(rng, {0.002f, 0.01f, 1e-9f, 1e-12f, 0.3f, 1.0f});
  const int channels = c.per_channel ? c.n : 1;
  std::uniform_real_distribution<float> jitter(0.5f, 2.0f);
  for (int i = 0; i < channels; ++i) c.weight_scales.push_back(base * jitter(rng));
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
  if (uniform(rng, 0, 3) == 0) {
    c.a_pad = pick<size_t>(rng, {1, 3, 7, 13});
    c.c_pad = pick<size_t>(rng, {1, 5, 11});
  }
  return c;
}

struct Data {
  std::vector<int8_t> a;  // [m][k], contiguous
  std::vector<int8_t> w;  // [n][k]
  std::vector<int32_t> bias;
};

Data random_data(const GemmCase& c, std::mt19937& rng) {
  Data d;
  d.a.resize(c.m * c.k);
  d.w.resize(static_cast<size_t>(c.n) * c.k);
  if (c.saturating) {
    // Every product at the largest magnitude the zero points allow.
    const int8_t a = c.input_zero_point >= 0 ? -128 : 127;
    const int8_t w = c.filter_zero_point >= 0 ? -128 : 127;
    for (auto& x : d.a) x = uniform(rng, 0, 7) ? a : static_cast<int8_t>(uniform(rng, -128, 127));
    for (auto& x : d.w) x = uniform(rng, 0, 7) ? w : static_cast<int8_t>(uniform(rng, -128, 127));
  } else {
    for (auto& x : d.a) x = static_cast<int8_t>(uniform(rng, -128, 127));
    for (auto& x : d.w) x = static_cast<int8_t>(uniform(rng, -128, 127));
  }
  if (c.bias) {
    // Within the loader's bound: |bias| + K * 255 * 255 < 2^31.
    const int64_t headroom = (int64_t{1} << 31) - 1 - int64_t{c.k} * 255 * 255;
    const int64_t span = std::min<int64_t>(headroom, uniform(rng, 0, 1) ? 100000 : headroom);
    std::uniform_int_distribution<int64_t> dist(-span, span);
    d.bias.resize(c.n);
    for (auto& b : d.bias) b = static_cast<int32_t>(uniform(rng, 0, 9) == 0 ? (uniform(rng, 0, 1) ? span : -span) : dist(rng));
  }
  return d;
}

OutputRequantStorage epilogue(const GemmCase& c) {
  return qrt::make_output_requant(c.rule, c.input_scale, c.weight_scales.data(), c.weight_scales.size(),
                                  c.output_scale, c.output_zero_point, c.clamp, c.rounding);
}

std::vector<int8_t> run_reference(const GemmCase& c, const Data& d) {
  qrt::reference::FullyConnectedParams p;
  p.batch = static_cast<int>(c.m);
  p.input_depth = c.k;
  p.output_depth = c.n;
  p.input_zero_point = c.input_zero_point;
  p.filter_zero_point = c.filter_zero_point;
  OutputRequantStorage rq = epilogue(c);
  p.requant = rq.requant;
  std::vector<int8_t> out(c.m * c.n);
  qrt::reference::fully_connected_s8(p, d.a.data(), d.w.data(), c.bias ? d.bias.data() : nullptr, out.data());
  return out;
}

constexpr int8_t kGuard = 0x5A;

// Packs as prepare does, runs on strided copies of A and C, and returns C
// compacted; guard bytes between C rows must survive.
std::vector<int8_t> run_gemm(const GemmKernel& g, const GemmCase& c, const Data& d) {
  OutputRequantStorage rq = epilogue(c);
  GemmPackParams pack;
  pack.n = c.n;
  pack.k = c.k;
  pack.weights = d.w.data();
  pack.bias = c.bias ? d.bias.data() : nullptr;
  pack.input_zero_point = c.input_zero_point;
  pack.filter_zero_point = c.filter_zero_point;
  pack.requant = rq.requant;
  std::vector<uint8_t> packed(g.packed_size(c.rule, c.n, c.k));
  g.pack(g.layout, pack, packed.data());
  std::vector<uint8_t> scratch(g.scratch_size(c.k));

  const size_t a_stride = c.k + c.a_pad, c_stride = c.n + c.c_pad;
  // Exactly-sized buffers, so ASan catches any read or write past the end.
  std::vector<int8_t> a((c.m - 1) * a_stride + c.k, 0x33);
  for (size_t r = 0; r < c.m; ++r) std::memcpy(&a[r * a_stride], &d.a[r * c.k], c.k);
  std::vector<int8_t> out((c.m - 1) * c_stride + c.n, kGuard);
  const GemmRunParams params = qrt::make_gemm_run_params(pack, c.m, a_stride, c_stride);
  g.run(params, a.data(), packed.data(), scratch.data(), out.data());

  std::vector<int8_t> compact(c.m * c.n);
  for (size_t r = 0; r < c.m; ++r) {
    std::memcpy(&compact[r * c.n], &out[r * c_stride], c.n);
    for (size_t i = c.n; r + 1 < c.m && i < c_stride; ++i) REQUIRE(out[r * c_stride + i] == kGuard);
  }
  return compact;
}

// The table for `isa`, or nullptr after a WARN that marks the test skipped.
const qrt::KernelTable* table_or_skip(const char* isa) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) WARN("skipped: " << error);
  return table;
}

// Which of a table's GEMM kernels a check runs.
using GemmSlot = GemmKernel qrt::KernelTable::*;

void check_random_cases(const char* isa, uint32_t seed, int cases, GemmSlot slot = &qrt::KernelTable::gemm) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  const GemmKernel& g = table->*slot;
  REQUIRE(g.run != nullptr);
  std::mt19937 rng(seed);
  int checked = 0;
  for (RequantRule rule : {RequantRule::kFixedPoint, RequantRule::kFp32}) {
    for (int i = 0; i < cases; ++i) {
      const GemmCase c = random_case(rng, rule);
      const Data d = random_data(c, rng);
      INFO(g.name << " case " << i << ": " << c.describe());
      const std::vector<int8_t> expected = run_reference(c, d);
      const std::vector<int8_t> actual = run_gemm(g, c, d);
      if (actual != expected) {
        for (size_t j = 0; j < expected.size(); ++j) {
          INFO("first difference at row " << j / c.n << " column " << j % c.n);
          REQUIRE(int{actual[j]} == int{expected[j]});
        }
      }
      ++checked;
    }
  }
  REQUIRE(checked == 2 * cases);
}

// Corners every kernel must get right, beyond the random sweep.
void check_corner_cases(const char* isa, GemmSlot slot = &qrt::KernelTable::gemm) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  const GemmKernel& g = table->*slot;
  std::mt19937 rng(7);
  for (int mode = 0; mode < 3; ++mode) {
    const RequantRule rule = mode == 0 ? RequantRule::kFp32 : RequantRule::kFixedPoint;
    const auto rounding = mode == 2 ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
    for (int32_t zp : {-128, 0, 127}) {
      for (bool per_channel : {true, false}) {
        for (int k : {1, 3, 4, 5, 8, 1031}) {
          for (int n : {1, 17, 33}) {
            GemmCase c;
            c.rule = rule;
            c.rounding = rounding;
            c.m = 9;
            c.n = n;
            c.k = k;
            c.per_channel = per_channel;
            c.input_zero_point = zp;
            c.filter_zero_point = per_channel ? 0 : zp;
            c.output_zero_point = -zp / 2;
            c.weight_scales.assign(per_channel ? n : 1, 0.004f);
            c.saturating = true;
            const Data d = random_data(c, rng);
            INFO(g.name << ": " << c.describe());
            REQUIRE(run_gemm(g, c, d) == run_reference(c, d));
            // Scales that clamp everything, and a real multiplier of 2^-40.
            c.weight_scales.assign(per_channel ? n : 1, 200.0f);
            REQUIRE(run_gemm(g, c, d) == run_reference(c, d));
            c.weight_scales.assign(per_channel ? n : 1, 1e-13f);
            REQUIRE(run_gemm(g, c, d) == run_reference(c, d));
            // Powers of two: Q31 multiplier 2^30, so the doubling high
            // multiply and the float product hit exact ties (half up in the
            // one, half even in the other).
            c.input_scale = 0.5f;
            c.output_scale = 1.0f;
            for (size_t i = 0; i < c.weight_scales.size(); ++i) c.weight_scales[i] = std::ldexp(1.0f, -1 - int(i % 12));
            const Data small = random_data(c, rng);
            REQUIRE(run_gemm(g, c, small) == run_reference(c, small));
            c.input_scale = 0.02f;
            c.output_scale = 0.05f;
          }
        }
      }
    }
  }
}

// Every K from 1 to max_k under all three epilogues, with M past a whole
// number of row tiles and N past a whole number of column tiles: small K is
// where the tile's epilogue (not the K loop) decides the bytes' path.
void check_every_small_k(const char* isa, uint32_t seed, int max_k, GemmSlot slot = &qrt::KernelTable::gemm) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  const GemmKernel& g = table->*slot;
  std::mt19937 rng(seed);
  for (int k = 1; k <= max_k; ++k) {
    for (int mode = 0; mode < 3; ++mode) {
      GemmCase c = random_case(rng, mode == 0 ? RequantRule::kFp32 : RequantRule::kFixedPoint);
      c.rounding = mode == 2 ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
      c.k = k;
      c.m = pick<size_t>(rng, {1, 5, 6, 7, 12, 13, 19});
      const int n = pick(rng, {1, 15, 16, 17, 33, 47});
      if (n != c.n) {
        const float scale = c.weight_scales[0];
        c.n = n;
        c.weight_scales.assign(c.per_channel ? n : 1, scale);
      }
      const Data d = random_data(c, rng);
      INFO(g.name << ": " << c.describe());
      REQUIRE(run_gemm(g, c, d) == run_reference(c, d));
    }
  }
}

// Every N from 1 to 40 (whole 16-column tiles, then a last tile of 1 to 15
// columns, at most 8 of them on half the vectors) against every M from 1 to
// 13 (a whole 6-row panel, then 1 to 5 rows), K from 1 to 80, under all
// three epilogues, with per-tensor weights (row corrections) every other
// case and zero points at the ends of the range.
void check_every_n_and_m(const char* isa, uint32_t seed, GemmSlot slot = &qrt::KernelTable::gemm) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  const GemmKernel& g = table->*slot;
  std::mt19937 rng(seed);
  for (int n = 1; n <= 40; ++n) {
    for (size_t m = 1; m <= 13; ++m) {
      const int mode = static_cast<int>((n + m) % 3);
      GemmCase c = random_case(rng, mode == 0 ? RequantRule::kFp32 : RequantRule::kFixedPoint);
      c.rounding = mode == 2 ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
      c.m = m;
      c.n = n;
      c.k = uniform(rng, 1, 80);
      c.per_channel = (n + m) % 2 == 0;
      c.input_zero_point = pick(rng, {-128, 127, uniform(rng, -128, 127)});
      c.filter_zero_point = c.per_channel ? 0 : pick(rng, {-128, 127, uniform(rng, -127, 126)});
      c.output_zero_point = pick(rng, {-128, 127, uniform(rng, -128, 127)});
      c.weight_scales.assign(c.per_channel ? n : 1, c.weight_scales[0]);
      const Data d = random_data(c, rng);
      INFO(g.name << ": " << c.describe());
      REQUIRE(run_gemm(g, c, d) == run_reference(c, d));
    }
  }
}

// A 1x1 convolution over a batch of images is the same GEMM over pixels.
void check_pointwise_conv(const char* isa, GemmSlot slot = &qrt::KernelTable::gemm) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  const GemmKernel& g = table->*slot;
  std::mt19937 rng(11);
  for (RequantRule rule : {RequantRule::kFixedPoint, RequantRule::kFp32}) {
    for (int trial = 0; trial < 20; ++trial) {
      GemmCase c = random_case(rng, rule);
      c.a_pad = c.c_pad = 0;
      qrt::reference::Conv2DParams p;
      p.batch = uniform(rng, 1, 2);
      p.input_height = p.output_height = uniform(rng, 1, 7);
      p.input_width = p.output_width = uniform(rng, 1, 9);
      c.m = static_cast<size_t>(p.batch) * p.input_height * p.input_width;
      const Data d = random_data(c, rng);
      p.input_channels = c.k;
      p.output_channels = c.n;
      p.kernel_height = p.kernel_width = 1;
      p.input_zero_point = c.input_zero_point;
      p.filter_zero_point = c.filter_zero_point;
      OutputRequantStorage rq = epilogue(c);
      p.requant = rq.requant;
      std::vector<int8_t> expected(c.m * c.n);
      qrt::reference::conv2d_s8(p, d.a.data(), d.w.data(), c.bias ? d.bias.data() : nullptr, expected.data());
      INFO(g.name << " 1x1 conv " << p.batch << "x" << p.input_height << "x" << p.input_width << ": "
                            << c.describe());
      REQUIRE(run_gemm(g, c, d) == expected);
    }
  }
}

}  // namespace

TEST_CASE("x86 gemm: the dispatch table refuses unknown ISAs and has a reference entry", "[x86_gemm]") {
  std::string error;
  REQUIRE(qrt::find_kernel_table("no-such-isa", &error) == nullptr);
  REQUIRE(error.find("unknown ISA 'no-such-isa'") != std::string::npos);
  REQUIRE(error.find("reference") != std::string::npos);
  const qrt::KernelTable* reference = qrt::find_kernel_table("reference", &error);
  REQUIRE(reference != nullptr);
  REQUIRE(reference->gemm.run == nullptr);
  REQUIRE(std::string(reference->fully_connected.name) == "fully_connected_s8_reference");
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 avx2 equals the reference on random cases", "[x86_gemm]") {
  check_random_cases("avx2", 1, 300);
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 avx2 corner cases", "[x86_gemm]") { check_corner_cases("avx2"); }

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 avx2 equals the 1x1 conv reference", "[x86_gemm]") {
  check_pointwise_conv("avx2");
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 avx2 equals the reference for every K from 1 to 80", "[x86_gemm]") {
  check_every_small_k("avx2", 5, 80);
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 avx2 equals the reference for every N from 1 to 40 and M from 1 to 13",
          "[x86_gemm]") {
  check_every_n_and_m("avx2", 6);
}

// The same tiles on int8 weights, for GEMMs of few rows.
constexpr GemmSlot kFewRows = &qrt::KernelTable::gemm_few_rows;

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 w8 avx2 equals the reference on random cases", "[x86_gemm]") {
  check_random_cases("avx2", 7, 300, kFewRows);
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 w8 avx2 corner cases", "[x86_gemm]") { check_corner_cases("avx2", kFewRows); }

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 w8 avx2 equals the reference for every K from 1 to 80", "[x86_gemm]") {
  check_every_small_k("avx2", 8, 80, kFewRows);
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c2 w8 avx2 equals the reference for every N from 1 to 40 and M from 1 to 13",
          "[x86_gemm]") {
  check_every_n_and_m("avx2", 9, kFewRows);
}

TEST_CASE("x86 gemm: qs8_gemm 8x32c4 avx512vnni equals the reference on random cases", "[x86_gemm]") {
  check_random_cases("avx512vnni", 2, 300);
}

TEST_CASE("x86 gemm: qs8_gemm 8x32c4 avx512vnni corner cases", "[x86_gemm]") { check_corner_cases("avx512vnni"); }

TEST_CASE("x86 gemm: qs8_gemm 8x32c4 avx512vnni equals the 1x1 conv reference", "[x86_gemm]") {
  check_pointwise_conv("avx512vnni");
}

TEST_CASE("x86 gemm: qs8_gemm 4x8c2 sse41 equals the reference on random cases", "[x86_gemm]") {
  check_random_cases("sse41", 3, 300);
}

TEST_CASE("x86 gemm: qs8_gemm 4x8c2 sse41 corner cases", "[x86_gemm]") { check_corner_cases("sse41"); }

TEST_CASE("x86 gemm: qs8_gemm 4x8c2 sse41 equals the 1x1 conv reference", "[x86_gemm]") {
  check_pointwise_conv("sse41");
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c4 avxvnni equals the reference on random cases", "[x86_gemm]") {
  check_random_cases("avxvnni", 4, 300);
}

TEST_CASE("x86 gemm: qs8_gemm 6x16c4 avxvnni corner cases", "[x86_gemm]") { check_corner_cases("avxvnni"); }

TEST_CASE("x86 gemm: qs8_gemm 6x16c4 avxvnni equals the 1x1 conv reference", "[x86_gemm]") {
  check_pointwise_conv("avxvnni");
}

// The long sweep (ctest -L long): 5,000 random cases per rule and ISA.
TEST_CASE("x86 gemm long: qs8_gemm 6x16c2 avx2, 5000 random cases per rule", "[x86_gemm][.long]") {
  check_random_cases("avx2", 101, 5000);
}

TEST_CASE("x86 gemm long: qs8_gemm 6x16c2 avx2, every K from 1 to 300", "[x86_gemm][.long]") {
  for (uint32_t seed = 201; seed < 211; ++seed) check_every_small_k("avx2", seed, 300);
}

TEST_CASE("x86 gemm long: qs8_gemm 6x16c2 avx2, every N from 1 to 40 and M from 1 to 13", "[x86_gemm][.long]") {
  for (uint32_t seed = 301; seed < 321; ++seed) check_every_n_and_m("avx2", seed);
}

TEST_CASE("x86 gemm long: qs8_gemm 6x16c2 w8 avx2, 5000 random cases per rule", "[x86_gemm][.long]") {
  check_random_cases("avx2", 105, 5000, kFewRows);
}

TEST_CASE("x86 gemm long: qs8_gemm 8x32c4 avx512vnni, 5000 random cases per rule", "[x86_gemm][.long]") {
  check_random_cases("avx512vnni", 102, 5000);
}

TEST_CASE("x86 gemm long: qs8_gemm 4x8c2 sse41, 5000 random cases per rule", "[x86_gemm][.long]") {
  check_random_cases("sse41", 103, 5000);
}

TEST_CASE("x86 gemm long: qs8_gemm 6x16c4 avxvnni, 5000 random cases per rule", "[x86_gemm][.long]") {
  check_random_cases("avxvnni", 104, 5000);
}
