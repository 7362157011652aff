// The x86 LAYER_NORM kernel against reference::layer_norm_s8, byte for
// byte: depths 1 to past several vectors (tails of every length, 65536, the
// largest the op admits), rows of one repeated value (variance 0), extreme
// inputs (-128 rows: the largest sums), zero points -128 / 127, tiny and
// huge scales and epsilons, gamma and beta of both signs and large ratios.
// Reached through the dispatch table of each x86 ISA that carries it;
// skipped when this CPU (or this build) lacks it.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/reference/layer_norm_s8.h"

namespace {

struct LayerNormCase {
  int64_t rows;
  int depth;
  float input_scale, output_scale, epsilon;
  int32_t output_zero_point;
  float gamma_spread;  // gamma in 1 +- spread (times a sign), beta in +- spread
  int fill;            // 0 random, 1 one value per row, 2 all -128, 3 only -128 and 127
};

void check_case(const qrt::KernelTable& table, const LayerNormCase& c, std::mt19937& rng) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> gamma(static_cast<size_t>(c.depth)), beta(static_cast<size_t>(c.depth));
  for (int i = 0; i < c.depth; ++i) {
    gamma[i] = (i % 5 == 0 ? -1.0f : 1.0f) * (1.0f + c.gamma_spread * unit(rng));
    beta[i] = c.gamma_spread * unit(rng);
  }
  qrt::reference::LayerNormParams p;
  const std::string message = qrt::reference::init_layer_norm_params(
      c.rows, c.depth, c.input_scale, c.output_scale, c.output_zero_point, c.epsilon, gamma.data(), beta.data(), &p);
  INFO("rows " << c.rows << " depth " << c.depth << " scales " << c.input_scale << " / " << c.output_scale
               << " epsilon " << c.epsilon << " zp " << c.output_zero_point << " fill " << c.fill << ": " << message);
  REQUIRE(message.empty());
  const size_t count = static_cast<size_t>(c.rows) * static_cast<size_t>(c.depth);
  std::vector<int8_t> x(count);
  std::uniform_int_distribution<int> byte(-128, 127);
  for (size_t i = 0; i < count; ++i) {
    const int64_t row = static_cast<int64_t>(i / static_cast<size_t>(c.depth));
    switch (c.fill) {
      case 0: x[i] = static_cast<int8_t>(byte(rng)); break;
      case 1: x[i] = static_cast<int8_t>(row * 37 % 256 - 128); break;
      case 2: x[i] = -128; break;
      default: x[i] = byte(rng) < 0 ? -128 : 127; break;
    }
  }
  std::vector<int8_t> expected(count), got(count, 0x55);
  qrt::reference::layer_norm_s8(p, x.data(), expected.data());
  table.layer_norm.run(p, x.data(), got.data());
  REQUIRE(got == expected);
}

void check_isa(const char* isa) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return;
  }
  REQUIRE(std::string(table->layer_norm.name) == "layer_norm_s8__avx2");
  std::mt19937 rng(31);
  // Every depth from 1 to 40 (tails 0..7 after each vector), then wider ones.
  for (int depth = 1; depth <= 40; ++depth) {
    check_case(*table, {3, depth, 0.05f, 0.02f, 1e-5f, static_cast<int32_t>(depth % 3 == 0 ? -128 : 3), 0.3f, 0}, rng);
  }
  const LayerNormCase cases[] = {
      {64, 128, 0.1f, 0.03f, 1e-5f, -2, 0.1f, 0},      // the encoder's rows
      {7, 768, 0.02f, 0.05f, 1e-12f, 127, 0.5f, 0},    // BERT width, tiny epsilon
      {5, 33, 0.05f, 0.02f, 1e-5f, -128, 0.3f, 1},     // one value per row: variance 0
      {4, 129, 3e-3f, 0.1f, 1e-3f, 0, 0.2f, 2},        // all -128
      {4, 257, 1.0f, 1e-3f, 1e-6f, 5, 3.0f, 3},        // +-extremes, large gamma / output ratio
      {3, 100, 1e-30f, 1e-30f, 1e-38f, -7, 0.3f, 0},   // tiny scales and epsilon
      {3, 100, 1e30f, 1e20f, 1e30f, 9, 0.3f, 0},       // huge scales and epsilon
      {2, 96, 0.05f, 0.02f, 1e30f, 127, 0.3f, 0},      // epsilon swamps the variance
      {1, 65536, 0.05f, 0.02f, 1e-5f, -128, 0.3f, 3},  // the largest depth
  };
  for (const LayerNormCase& c : cases) check_case(*table, c, rng);
  for (int trial = 0; trial < 60; ++trial) {
    const int depth = std::uniform_int_distribution<int>(1, 600)(rng);
    const int64_t rows = std::uniform_int_distribution<int>(1, 6)(rng);
    const float input_scale = std::pow(10.0f, std::uniform_real_distribution<float>(-4, 1)(rng));
    const float output_scale = std::pow(10.0f, std::uniform_real_distribution<float>(-3, 0)(rng));
    const int32_t zp = std::uniform_int_distribution<int>(-128, 127)(rng);
    check_case(*table, {rows, depth, input_scale, output_scale, 1e-5f, zp, 0.5f, trial % 4}, rng);
  }
}

}  // namespace

TEST_CASE("x86 layer norm: layer_norm_s8 avx2 equals the reference", "[x86_elementwise]") { check_isa("avx2"); }

TEST_CASE("x86 layer norm: the avxvnni and avx512vnni tables carry the avx2 kernel, equal to the reference",
          "[x86_elementwise]") {
  check_isa("avxvnni");
  check_isa("avx512vnni");
}
