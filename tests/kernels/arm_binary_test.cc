// The ARM vector ADD, SUB and MUL kernels (same-shape inputs) against
// reference::add_s8 / sub_s8 / mul_s8, byte for byte, as the x86 ones
// (tests/kernels/x86_binary_test.cc, whose sweep this file copies): random
// lengths (1, odd, not a multiple of the 16-value vector, long), zero points
// -128 / 127, input scales equal, far apart, tiny and huge, clamps, both
// requantization rules, extreme inputs, and in place (output = input1).
// Each ISA is reached through the dispatch table and skipped when this CPU
// (or this build) lacks it. Under qemu the case count comes from
// QRT_ARM_TEST_CASES; the long sweep is tagged [.long].
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"

namespace {

using qrt::ClampRange;
using qrt::RequantRule;

int uniform(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

template <typename T>
T pick(std::mt19937& rng, std::initializer_list<T> values) {
  std::uniform_int_distribution<size_t> d(0, values.size() - 1);
  return *(values.begin() + d(rng));
}

// Random cases: QRT_ARM_TEST_CASES when set (emulated runs use fewer), else
// `fallback`.
int case_count(int fallback) {
  const char* env = std::getenv("QRT_ARM_TEST_CASES");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

void check_isa(const char* isa, uint32_t seed, int cases) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return;
  }
  REQUIRE(table->vadd.run != nullptr);
  REQUIRE(table->vsub.run != nullptr);
  REQUIRE(table->vmul.run != nullptr);
  const qrt::KernelTable* reference = qrt::find_kernel_table("reference", &error);
  REQUIRE(reference != nullptr);
  REQUIRE(reference->vadd.run == nullptr);
  std::mt19937 rng(seed);
  int checked = 0;
  for (int i = 0; i < cases; ++i) {
    const RequantRule rule = i % 2 ? RequantRule::kFp32 : RequantRule::kFixedPoint;
    const int32_t n = pick(rng, {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 1000, 4097, uniform(rng, 1, 300)});
    const float s1 = pick(rng, {0.02f, 0.05f, 1.0f / 255, 0.5f, 1e-3f, 1e-7f, 300.0f});
    const float s2 = pick(rng, {s1, 0.02f, 0.1f, 1.0f / 128, 2e-3f, 3e-8f, 1000.0f});
    const float so = pick(rng, {0.04f, 0.1f, 0.02f, 1.0f / 64, 1e-3f, 1e-6f, 50.0f});
    const int32_t z1 = pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
    const int32_t z2 = pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
    const int32_t zo = pick(rng, {-128, 0, 127, uniform(rng, -128, 127)});
    ClampRange clamp;
    if (uniform(rng, 0, 2) == 0) {
      const int a = uniform(rng, -128, 127), b = uniform(rng, -128, 127);
      clamp = ClampRange{std::min(a, b), std::max(a, b)};
    }
    qrt::reference::AddSubS8Params p;
    const std::string message = qrt::reference::init_add_sub_s8_params(rule, &n, 1, s1, z1, &n, 1, s2, z2, so, zo,
                                                                        clamp, &p);
    if (!message.empty()) continue;  // scales TFLite's arithmetic cannot represent
    std::vector<int8_t> a(n), b(n);
    for (auto& x : a) x = static_cast<int8_t>(uniform(rng, -128, 127));
    for (auto& x : b) x = static_cast<int8_t>(uniform(rng, -128, 127));
    if (uniform(rng, 0, 3) == 0) {  // the extremes
      for (auto& x : a) x = uniform(rng, 0, 1) ? -128 : 127;
      for (auto& x : b) x = uniform(rng, 0, 1) ? -128 : 127;
    }
    INFO(isa << " case " << i << " n=" << n << " rule=" << (rule == RequantRule::kFp32 ? "fp32" : "fixedpoint")
              << " s1=" << s1 << " s2=" << s2 << " so=" << so << " z1=" << z1 << " z2=" << z2 << " zo=" << zo
              << " clamp=[" << clamp.min << "," << clamp.max << "]");
    for (int sub = 0; sub < 2; ++sub) {
      std::vector<int8_t> expected(n), actual(n);
      (sub ? qrt::reference::sub_s8 : qrt::reference::add_s8)(p, a.data(), b.data(), expected.data());
      (sub ? table->vsub.run : table->vadd.run)(p, a.data(), b.data(), actual.data());
      INFO((sub ? "sub" : "add"));
      REQUIRE(actual == expected);
      std::vector<int8_t> in_place = a;
      (sub ? table->vsub.run : table->vadd.run)(p, in_place.data(), b.data(), in_place.data());
      REQUIRE(in_place == expected);
    }
    qrt::reference::MulS8Params m;
    const float sm = pick(rng, {so, 1e-4f, 0.5f, 1e-9f});  // multipliers far below and above one
    if (qrt::reference::init_mul_s8_params(rule, &n, 1, s1, z1, &n, 1, s2, z2, sm, zo, clamp, &m).empty()) {
      std::vector<int8_t> expected(n), actual(n);
      qrt::reference::mul_s8(m, a.data(), b.data(), expected.data());
      table->vmul.run(m, a.data(), b.data(), actual.data());
      INFO("mul, output scale " << sm);
      REQUIRE(actual == expected);
    }
    ++checked;
  }
  REQUIRE(checked > cases / 2);
}

}  // namespace

TEST_CASE("arm binary: qs8_vadd / vsub / vmul neon equal the reference", "[arm][arm_elementwise]") {
  check_isa("neon", 41, 4 * case_count(100));
}

TEST_CASE("arm binary: the neondot and i8mm tables carry the neon kernels", "[arm][arm_elementwise]") {
  for (const char* isa : {"neondot", "i8mm"}) {
    std::string error;
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table == nullptr) {
      WARN("skipped: " << error);
      continue;
    }
    REQUIRE(std::string(table->vadd.name) == "qs8_vadd_minmax__neon");
    REQUIRE(std::string(table->vsub.name) == "qs8_vsub_minmax__neon");
    REQUIRE(std::string(table->vmul.name) == "qs8_vmul_minmax__neon");
  }
}

TEST_CASE("arm binary long: qs8_vadd / vsub / vmul neon, 10000 random cases", "[arm_elementwise][.long]") {
  check_isa("neon", 141, 10000);
}
