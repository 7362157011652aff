// The x86 LUT, QUANTIZE / DEQUANTIZE, MAX_POOL_2D and AVERAGE_POOL_2D
// kernels against the reference kernels, byte for byte: every table index,
// lengths 0 to past two vectors, in place; floats with exact ties, signed
// zeros, infinities, NaN, denormals and huge values under extreme scales and
// zero points -128 / 127; pooling geometries with channels 1, odd and past
// the vector, 1x1 images, windows that miss the image, global pooling over
// large windows (saturating sums), both rules, count_include_pad and
// round_half_up, clamps. Each ISA is reached through the dispatch table and
// skipped when this CPU (or this build) lacks it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/reference/lut_s8.h"
#include "kernels/reference/pool2d_s8.h"
#include "kernels/reference/quantize_s8.h"

namespace {

int uniform(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// The table of `isa` when its `slot` is not the reference kernel; else a
// WARN that marks the test skipped, and nullptr.
template <typename Slot>
const qrt::KernelTable* table_or_skip(const char* isa, Slot qrt::KernelTable::*slot, const char* reference_name) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return nullptr;
  }
  if (std::string((table->*slot).name) == reference_name) {
    WARN("skipped: the " << isa << " table has no kernel of its own for " << reference_name);
    return nullptr;
  }
  return table;
}

void check_lut(const char* isa) {
  const qrt::KernelTable* table = table_or_skip(isa, &qrt::KernelTable::lut, "lut_s8_reference");
  if (table == nullptr) return;
  std::mt19937 rng(71);
  for (int i = 0; i < 190; ++i) {
    int8_t lut[256];
    for (auto& v : lut) v = static_cast<int8_t>(uniform(rng, -128, 127));
    const size_t count = static_cast<size_t>(i < 140 ? i : uniform(rng, 0, 2000));
    std::vector<int8_t> input(count), expected(count), actual(count, 0x5A);
    for (size_t j = 0; j < count; ++j) {
      // Every index in order first (each 32-byte vector sees all chunks), then random.
      input[j] = static_cast<int8_t>(i % 2 ? uniform(rng, -128, 127) : static_cast<int>(j % 256) - 128);
    }
    qrt::reference::lut_s8(lut, input.data(), expected.data(), count);
    INFO(table->lut.name << " count " << count);
    table->lut.run(lut, input.data(), actual.data(), count);
    REQUIRE(actual == expected);
    table->lut.run(lut, input.data(), input.data(), count);  // in place
    REQUIRE(input == expected);
  }
}

std::vector<float> random_floats(std::mt19937& rng, size_t count, float scale) {
  const float special[] = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 127.5f, -128.5f, 126.5f,
                           0.49999997f, -0.49999997f, 8388607.5f, 1e30f, -1e30f,
                           std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min(),
                           -1e-40f, 3e38f};
  std::uniform_int_distribution<size_t> which(0, sizeof(special) / sizeof(special[0]) - 1);
  std::uniform_real_distribution<float> wide(-200.0f, 200.0f);
  std::vector<float> v(count);
  for (auto& x : v) {
    const int kind = uniform(rng, 0, 9);
    if (kind == 0) {
      x = special[which(rng)];
    } else if (kind <= 3) {
      x = (std::floor(wide(rng)) + 0.5f) * scale;  // exact ties of the quotient when exact
    } else {
      x = wide(rng) * scale;
    }
  }
  return v;
}

void check_quantize(const char* isa) {
  const qrt::KernelTable* table = table_or_skip(isa, &qrt::KernelTable::quantize, "quantize_f32_s8_reference");
  if (table == nullptr) return;
  std::mt19937 rng(72);
  const float scales[] = {1.0f, 0.5f, 0.0078125f, 0.1f, 3.7e-3f, 1e-30f, 1e-40f, 250.0f, 3e30f};
  const int32_t zero_points[] = {-128, 0, 127, 5, -77};
  for (int i = 0; i < 135; ++i) {
    const float scale = scales[i % 9];
    const int32_t zp = zero_points[(i / 9) % 5];
    const size_t count = static_cast<size_t>(i < 70 ? i : uniform(rng, 0, 400));
    const std::vector<float> input = random_floats(rng, count, scale);
    for (qrt::RequantRule rule : {qrt::RequantRule::kFixedPoint, qrt::RequantRule::kFp32}) {
      std::vector<int8_t> expected(count), actual(count, 0x5A);
      qrt::reference::quantize_f32_to_s8(rule, scale, zp, input.data(), expected.data(), count);
      table->quantize.run(rule, scale, zp, input.data(), actual.data(), count);
      INFO(table->quantize.name << " rule " << int(rule) << " scale " << scale << " zp " << zp << " count " << count);
      REQUIRE(actual == expected);
    }
    std::vector<int8_t> q(count);
    for (auto& x : q) x = static_cast<int8_t>(uniform(rng, -128, 127));
    std::vector<float> expected(count), actual(count, 7.0f);
    qrt::reference::dequantize_s8_to_f32(scale, zp, q.data(), expected.data(), count);
    table->dequantize.run(scale, zp, q.data(), actual.data(), count);
    INFO(table->dequantize.name << " scale " << scale << " zp " << zp << " count " << count);
    // memcmp with a null pointer is undefined even for 0 bytes (an empty vector may have no storage).
    REQUIRE((count == 0 || std::memcmp(actual.data(), expected.data(), count * sizeof(float)) == 0));
  }
}

qrt::reference::Pool2DParams random_pool(std::mt19937& rng) {
  qrt::reference::Pool2DParams p;
  p.batch = uniform(rng, 1, 2);
  if (uniform(rng, 0, 7) == 0) {
    // Global pooling over a large window: sums far past int16.
    p.input_height = p.filter_height = uniform(rng, 7, 40);
    p.input_width = p.filter_width = uniform(rng, 7, 40);
    p.output_height = p.output_width = 1;
    p.channels = uniform(rng, 1, 40);
  } else {
    p.input_height = uniform(rng, 1, 9);
    p.input_width = uniform(rng, 1, 9);
    const int channel_choices[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 128, 130};
    p.channels = channel_choices[uniform(rng, 0, 16)];
    p.filter_height = uniform(rng, 1, 4);
    p.filter_width = uniform(rng, 1, 4);
    p.stride_height = uniform(rng, 1, 3);
    p.stride_width = uniform(rng, 1, 3);
    p.pad_top = uniform(rng, 0, p.filter_height);  // == filter: windows that miss the image
    p.pad_left = uniform(rng, 0, p.filter_width);
    p.output_height =
        (p.input_height + p.pad_top + uniform(rng, 0, p.filter_height - 1) - p.filter_height) / p.stride_height + 1;
    p.output_width =
        (p.input_width + p.pad_left + uniform(rng, 0, p.filter_width - 1) - p.filter_width) / p.stride_width + 1;
  }
  switch (uniform(rng, 0, 3)) {
    case 0: p.clamp = qrt::ClampRange{}; break;
    case 1: p.clamp = qrt::ClampRange{uniform(rng, -128, 127), 127}; break;
    case 2: {
      const int v = uniform(rng, -128, 127);
      p.clamp = qrt::ClampRange{v, v};
      break;
    }
    default: {
      const int a = uniform(rng, -128, 127), b = uniform(rng, -128, 127);
      p.clamp = qrt::ClampRange{std::min(a, b), std::max(a, b)};
    }
  }
  return p;
}

std::string describe(const qrt::reference::Pool2DParams& p) {
  std::ostringstream s;
  s << "N=" << p.batch << " H=" << p.input_height << " W=" << p.input_width << " C=" << p.channels << " K="
    << p.filter_height << "x" << p.filter_width << " stride=" << p.stride_height << "x" << p.stride_width
    << " pad=" << p.pad_top << "," << p.pad_left << " out=" << p.output_height << "x" << p.output_width
    << " clamp=[" << p.clamp.min << "," << p.clamp.max << "]";
  return s.str();
}

// Inputs all at one extreme in a third of the cases (saturating sums).
std::vector<int8_t> random_input(std::mt19937& rng, const qrt::reference::Pool2DParams& p) {
  std::vector<int8_t> input(static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.channels);
  const int mode = uniform(rng, 0, 5);
  for (auto& v : input) {
    v = static_cast<int8_t>(mode == 0 ? -128 : mode == 1 ? 127 : uniform(rng, -128, 127));
  }
  return input;
}

void check_max_pool(const char* isa, int cases, uint32_t seed) {
  const qrt::KernelTable* table = table_or_skip(isa, &qrt::KernelTable::max_pool2d, "max_pool2d_s8_reference");
  if (table == nullptr) return;
  std::mt19937 rng(seed);
  for (int i = 0; i < cases; ++i) {
    const qrt::reference::Pool2DParams p = random_pool(rng);
    if (p.output_height <= 0 || p.output_width <= 0) continue;
    const std::vector<int8_t> input = random_input(rng, p);
    const size_t out_size = static_cast<size_t>(p.batch) * p.output_height * p.output_width * p.channels;
    std::vector<int8_t> expected(out_size), actual(out_size, 0x5A);
    qrt::reference::max_pool2d_s8(p, input.data(), expected.data());
    table->max_pool2d.run(p, input.data(), actual.data());
    INFO(table->max_pool2d.name << ": " << describe(p));
    REQUIRE(actual == expected);
  }
}

void check_average_pool(const char* isa, int cases, uint32_t seed) {
  const qrt::KernelTable* table =
      table_or_skip(isa, &qrt::KernelTable::average_pool2d, "average_pool2d_s8_reference");
  if (table == nullptr) return;
  std::mt19937 rng(seed);
  const int32_t zero_points[] = {-128, 127, 0, 3};
  const float scales[] = {0.02f, 1.0f, 1e-4f, 50.0f, 3.0e30f};
  for (int i = 0; i < cases; ++i) {
    const qrt::reference::Pool2DParams g = random_pool(rng);
    if (g.output_height <= 0 || g.output_width <= 0) continue;
    const qrt::RequantRule rule = i % 2 ? qrt::RequantRule::kFp32 : qrt::RequantRule::kFixedPoint;
    const bool include_pad = uniform(rng, 0, 2) == 0;
    const int32_t in_zp = uniform(rng, 0, 1) ? zero_points[uniform(rng, 0, 3)] : uniform(rng, -128, 127);
    const int32_t out_zp = rule == qrt::RequantRule::kFixedPoint ? in_zp : zero_points[uniform(rng, 0, 3)];
    const float in_scale = scales[uniform(rng, 0, 4)];
    const float out_scale = rule == qrt::RequantRule::kFixedPoint ? in_scale : scales[uniform(rng, 0, 4)];
    qrt::reference::AveragePool2DParams p =
        qrt::reference::init_average_pool2d_params(g, rule, include_pad, in_scale, in_zp, out_scale, out_zp);
    p.round_half_up = rule == qrt::RequantRule::kFixedPoint && uniform(rng, 0, 2) == 0;
    const std::vector<int8_t> input = random_input(rng, g);
    const size_t out_size = static_cast<size_t>(g.batch) * g.output_height * g.output_width * g.channels;
    std::vector<int8_t> expected(out_size), actual(out_size, 0x5A);
    qrt::reference::average_pool2d_s8(p, input.data(), expected.data());
    table->average_pool2d.run(p, input.data(), actual.data());
    INFO(table->average_pool2d.name << ": " << describe(g) << " rule " << int(rule) << " include_pad "
                                    << include_pad << " half_up " << p.round_half_up << " zp " << in_zp << "/"
                                    << out_zp << " scales " << in_scale << "/" << out_scale);
    REQUIRE(actual == expected);
  }
}

}  // namespace

TEST_CASE("x86 lut: lut_s8 avx2 equals the reference", "[x86_elementwise]") { check_lut("avx2"); }

TEST_CASE("x86 quantize: the avx2 float <-> int8 kernels equal the reference", "[x86_elementwise]") {
  check_quantize("avx2");
}

TEST_CASE("x86 pool: max_pool2d_s8 avx2 equals the reference", "[x86_elementwise]") {
  check_max_pool("avx2", 200, 73);
}

TEST_CASE("x86 pool: average_pool2d_s8 avx2 equals the reference", "[x86_elementwise]") {
  check_average_pool("avx2", 300, 74);
}

TEST_CASE("x86 lut: lut_s8 avx512vnni equals the reference", "[x86_elementwise]") { check_lut("avx512vnni"); }

TEST_CASE("x86 quantize: the avx512vnni float <-> int8 kernels equal the reference", "[x86_elementwise]") {
  check_quantize("avx512vnni");
}

TEST_CASE("x86 pool: max_pool2d_s8 avx512vnni equals the reference", "[x86_elementwise]") {
  check_max_pool("avx512vnni", 200, 83);
}

TEST_CASE("x86 pool: average_pool2d_s8 avx512vnni equals the reference", "[x86_elementwise]") {
  check_average_pool("avx512vnni", 300, 84);
}

TEST_CASE("x86 lut, quantize and pools: the avx512vnni table has its own kernels, avxvnni the avx2 ones",
          "[x86_elementwise]") {
  for (const char* isa : {"avx512vnni", "avxvnni"}) {
    std::string error;
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table == nullptr) {
      WARN("skipped: " << error);
      continue;
    }
    const std::string suffix = std::string(isa) == "avx512vnni" ? "__avx512vnni" : "__avx2";
    REQUIRE(std::string(table->lut.name) == "lut_s8" + suffix);
    REQUIRE(std::string(table->quantize.name) == "quantize_f32_s8" + suffix);
    REQUIRE(std::string(table->dequantize.name) == "dequantize_s8_f32" + suffix);
    REQUIRE(std::string(table->max_pool2d.name) == "max_pool2d_s8" + suffix);
    REQUIRE(std::string(table->average_pool2d.name) == "average_pool2d_s8" + suffix);
  }
}

TEST_CASE("x86 pool long: avx2 max and average pooling, 10000 random cases each", "[x86_elementwise][.long]") {
  check_max_pool("avx2", 10000, 173);
  check_average_pool("avx2", 10000, 174);
}

TEST_CASE("x86 pool long: avx512vnni max and average pooling, 10000 random cases each",
          "[x86_elementwise][.long]") {
  check_max_pool("avx512vnni", 10000, 183);
  check_average_pool("avx512vnni", 10000, 184);
}
