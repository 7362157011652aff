// The ARM table-lookup, max- and average-pooling kernels against the
// reference kernels, byte for byte: random tables and lengths (0, below, at
// and past the 16-byte vector, in place), random pooling geometries
// (channels 1, odd and past the 16-channel vector, 1x1 images, padding up to
// the filter size, windows that miss the image, strides 1 to 3) and clamps
// (none, ReLU-like, single value); average pooling also over global windows
// of up to 40x40 (sums far past int16), with both rules, counting padding or
// not, both fixedpoint roundings, zero points -128 / 127 and tiny and huge
// scales. Each ISA is reached through the dispatch table and skipped when
// this CPU (or this build) lacks it or its slot is the reference one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/reference/lut_s8.h"
#include "kernels/reference/pool2d_s8.h"

namespace {

int uniform(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// Random cases: QRT_ARM_TEST_CASES when set (emulated runs use fewer).
int case_count(int fallback) {
  const char* env = std::getenv("QRT_ARM_TEST_CASES");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

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
  std::mt19937 rng(51);
  for (int i = 0; i < case_count(100); ++i) {
    int8_t lut[256];
    for (auto& v : lut) v = static_cast<int8_t>(uniform(rng, -128, 127));
    const size_t count = static_cast<size_t>(i < 40 ? i : uniform(rng, 0, 1000));
    std::vector<int8_t> input(count), expected(count), actual(count, 0x5A);
    for (auto& v : input) v = static_cast<int8_t>(uniform(rng, -128, 127));
    qrt::reference::lut_s8(lut, input.data(), expected.data(), count);
    INFO(table->lut.name << " count " << count);
    table->lut.run(lut, input.data(), actual.data(), count);
    REQUIRE(actual == expected);
    table->lut.run(lut, input.data(), input.data(), count);  // in place
    REQUIRE(input == expected);
  }
}

void check_max_pool(const char* isa) {
  const qrt::KernelTable* table = table_or_skip(isa, &qrt::KernelTable::max_pool2d, "max_pool2d_s8_reference");
  if (table == nullptr) return;
  std::mt19937 rng(52);
  for (int i = 0; i < case_count(150); ++i) {
    qrt::reference::Pool2DParams p;
    p.batch = uniform(rng, 1, 2);
    p.input_height = uniform(rng, 1, 9);
    p.input_width = uniform(rng, 1, 9);
    const int channel_choices[] = {1, 3, 15, 16, 17, 31, 32, 33, 64, 70};
    p.channels = channel_choices[uniform(rng, 0, 9)];
    p.filter_height = uniform(rng, 1, 4);
    p.filter_width = uniform(rng, 1, 4);
    p.stride_height = uniform(rng, 1, 3);
    p.stride_width = uniform(rng, 1, 3);
    p.pad_top = uniform(rng, 0, p.filter_height);  // == filter: windows that miss the image
    p.pad_left = uniform(rng, 0, p.filter_width);
    p.output_height = (p.input_height + p.pad_top + uniform(rng, 0, p.filter_height - 1) - p.filter_height) /
                          p.stride_height + 1;
    p.output_width = (p.input_width + p.pad_left + uniform(rng, 0, p.filter_width - 1) - p.filter_width) /
                         p.stride_width + 1;
    if (p.output_height <= 0 || p.output_width <= 0) continue;
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
    std::vector<int8_t> input(static_cast<size_t>(p.batch) * p.input_height * p.input_width * p.channels);
    for (auto& v : input) v = static_cast<int8_t>(uniform(rng, -128, 127));
    const size_t out_size = static_cast<size_t>(p.batch) * p.output_height * p.output_width * p.channels;
    std::vector<int8_t> expected(out_size), actual(out_size, 0x5A);
    qrt::reference::max_pool2d_s8(p, input.data(), expected.data());
    table->max_pool2d.run(p, input.data(), actual.data());
    std::ostringstream s;
    s << "N=" << p.batch << " H=" << p.input_height << " W=" << p.input_width << " C=" << p.channels << " K="
      << p.filter_height << "x" << p.filter_width << " stride=" << p.stride_height << "x" << p.stride_width
      << " pad=" << p.pad_top << "," << p.pad_left << " out=" << p.output_height << "x" << p.output_width
      << " clamp=[" << p.clamp.min << "," << p.clamp.max << "]";
    INFO(table->max_pool2d.name << ": " << s.str());
    REQUIRE(actual == expected);
  }
}

qrt::reference::Pool2DParams random_average_pool(std::mt19937& rng) {
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
    const int channel_choices[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 70};
    p.channels = channel_choices[uniform(rng, 0, 12)];
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

void check_average_pool(const char* isa, int cases, uint32_t seed) {
  const qrt::KernelTable* table =
      table_or_skip(isa, &qrt::KernelTable::average_pool2d, "average_pool2d_s8_reference");
  if (table == nullptr) return;
  std::mt19937 rng(seed);
  const int32_t zero_points[] = {-128, 127, 0, 3};
  const float scales[] = {0.02f, 1.0f, 1e-4f, 50.0f, 3.0e30f, 1e-30f};
  int checked = 0;
  for (int i = 0; i < cases; ++i) {
    const qrt::reference::Pool2DParams g = random_average_pool(rng);
    if (g.output_height <= 0 || g.output_width <= 0) continue;
    const qrt::RequantRule rule = i % 2 ? qrt::RequantRule::kFp32 : qrt::RequantRule::kFixedPoint;
    const bool include_pad = uniform(rng, 0, 2) == 0;
    const int32_t in_zp = uniform(rng, 0, 1) ? zero_points[uniform(rng, 0, 3)] : uniform(rng, -128, 127);
    const int32_t out_zp = rule == qrt::RequantRule::kFixedPoint ? in_zp : zero_points[uniform(rng, 0, 3)];
    const float in_scale = scales[uniform(rng, 0, 5)];
    const float out_scale = rule == qrt::RequantRule::kFixedPoint ? in_scale : scales[uniform(rng, 0, 5)];
    qrt::reference::AveragePool2DParams p =
        qrt::reference::init_average_pool2d_params(g, rule, include_pad, in_scale, in_zp, out_scale, out_zp);
    p.round_half_up = rule == qrt::RequantRule::kFixedPoint && uniform(rng, 0, 2) == 0;
    // Inputs all at one extreme in a third of the cases (saturating sums).
    std::vector<int8_t> input(static_cast<size_t>(g.batch) * g.input_height * g.input_width * g.channels);
    const int mode = uniform(rng, 0, 5);
    for (auto& v : input) v = static_cast<int8_t>(mode == 0 ? -128 : mode == 1 ? 127 : uniform(rng, -128, 127));
    const size_t out_size = static_cast<size_t>(g.batch) * g.output_height * g.output_width * g.channels;
    std::vector<int8_t> expected(out_size), actual(out_size, 0x5A);
    qrt::reference::average_pool2d_s8(p, input.data(), expected.data());
    table->average_pool2d.run(p, input.data(), actual.data());
    std::ostringstream s;
    s << "N=" << g.batch << " H=" << g.input_height << " W=" << g.input_width << " C=" << g.channels << " K="
      << g.filter_height << "x" << g.filter_width << " stride=" << g.stride_height << "x" << g.stride_width
      << " pad=" << g.pad_top << "," << g.pad_left << " out=" << g.output_height << "x" << g.output_width
      << " clamp=[" << g.clamp.min << "," << g.clamp.max << "]";
    INFO(table->average_pool2d.name << ": " << s.str() << " rule " << int(rule) << " include_pad " << include_pad
                                    << " half_up " << p.round_half_up << " zp " << in_zp << "/" << out_zp
                                    << " scales " << in_scale << "/" << out_scale);
    REQUIRE(actual == expected);
    ++checked;
  }
  REQUIRE(checked > cases / 2);
}

}  // namespace

TEST_CASE("arm lut: lut_s8 of the neon table equals the reference", "[arm]") { check_lut("neon"); }

TEST_CASE("arm pool: average_pool2d_s8 of the neon table equals the reference", "[arm][arm_elementwise]") {
  check_average_pool("neon", 2 * case_count(150), 53);
}

TEST_CASE("arm pool long: average_pool2d_s8 neon, 10000 random cases", "[arm_elementwise][.long]") {
  check_average_pool("neon", 10000, 153);
}

TEST_CASE("arm pool: max_pool2d_s8 of the neon table equals the reference", "[arm]") { check_max_pool("neon"); }

TEST_CASE("arm pool and lut: the neondot and i8mm tables carry the neon kernels", "[arm]") {
  check_lut("i8mm");
  check_max_pool("i8mm");
  check_lut("neondot");
  check_max_pool("neondot");
  check_average_pool("i8mm", 20, 54);
  check_average_pool("neondot", 20, 55);
}
