// The ARM float <-> int8 conversion kernels against the reference kernels,
// byte for byte (bit for bit for floats): both rounding rules on exact ties
// (x.5, negative ties, -0), values far outside the int8 range, infinities,
// NaN, denormals, tiny and huge scales, zero points -128 / 0 / 127, lengths
// below, at and past the vector width. Skipped when this CPU (or build) has
// no such kernel (ARMv7 keeps the reference ones).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/reference/quantize_s8.h"

namespace {

int case_count(int fallback) {
  const char* env = std::getenv("QRT_ARM_TEST_CASES");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

const qrt::KernelTable* table_or_skip(const char* isa) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return nullptr;
  }
  if (std::string(table->quantize.name) == "quantize_f32_s8_reference") {
    WARN("skipped: the " << isa << " table keeps the reference quantize kernels");
    return nullptr;
  }
  return table;
}

std::vector<float> random_floats(std::mt19937& rng, size_t count, float scale) {
  const float special[] = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 127.5f, -128.5f, 126.5f,
                           1e30f, -1e30f, std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(),
                           std::numeric_limits<float>::denorm_min(), -1e-40f, 3e38f};
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<size_t> which(0, sizeof(special) / sizeof(special[0]) - 1);
  std::uniform_real_distribution<float> wide(-200.0f, 200.0f);
  std::vector<float> v(count);
  for (auto& x : v) {
    const int kind = pick(rng);
    if (kind == 0) {
      x = special[which(rng)];
    } else if (kind <= 3) {
      // Exact ties of the quotient: (k + 0.5) * scale when that is exact.
      x = (std::floor(wide(rng)) + 0.5f) * scale;
    } else {
      x = wide(rng) * scale;
    }
  }
  return v;
}

void check_isa(const char* isa) {
  const qrt::KernelTable* table = table_or_skip(isa);
  if (table == nullptr) return;
  std::mt19937 rng(61);
  const float scales[] = {1.0f, 0.5f, 0.0078125f, 0.1f, 3.7e-3f, 1e-30f, 1e-40f, 250.0f, 3e30f};
  const int32_t zero_points[] = {-128, 0, 127, 5, -77};
  for (int i = 0; i < case_count(120); ++i) {
    const float scale = scales[i % 9];
    const int32_t zp = zero_points[(i / 9) % 5];
    const size_t count = static_cast<size_t>(i < 20 ? i : std::uniform_int_distribution<int>(0, 300)(rng));
    const std::vector<float> input = random_floats(rng, count, scale);
    for (qrt::RequantRule rule : {qrt::RequantRule::kFixedPoint, qrt::RequantRule::kFp32}) {
      std::vector<int8_t> expected(count), actual(count, 0x5A);
      qrt::reference::quantize_f32_to_s8(rule, scale, zp, input.data(), expected.data(), count);
      table->quantize.run(rule, scale, zp, input.data(), actual.data(), count);
      INFO(table->quantize.name << " rule " << int(rule) << " scale " << scale << " zp " << zp << " count " << count);
      REQUIRE(actual == expected);
    }
    std::vector<int8_t> q(count);
    for (auto& x : q) x = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    std::vector<float> expected(count), actual(count, 7.0f);
    qrt::reference::dequantize_s8_to_f32(scale, zp, q.data(), expected.data(), count);
    table->dequantize.run(scale, zp, q.data(), actual.data(), count);
    INFO(table->dequantize.name << " scale " << scale << " zp " << zp << " count " << count);
    REQUIRE(std::memcmp(actual.data(), expected.data(), count * sizeof(float)) == 0);
  }
}

}  // namespace

TEST_CASE("arm quantize: the neon float <-> int8 kernels equal the reference", "[arm]") { check_isa("neon"); }

TEST_CASE("arm quantize: the neondot and i8mm tables carry them too", "[arm]") {
  check_isa("neondot");
  check_isa("i8mm");
}
