// The optimized SOFTMAX kernels (fp32 rule vectorised across rows: x86
// AVX2 and AVX-512, AArch64 NEON) against
// reference::softmax_s8, byte for byte: row counts 1..17 and more (not
// multiples of 8 or 16), depths 1, 2, 63, 64, 65, 1000 and random ones (past
// the 256-column scratch), tiny and huge input scales (exps that underflow to
// 0), all-equal rows, ties, extreme values, beta, output zero points -128 /
// 127 and ties in the final rounding; the fixedpoint rule (the reference's
// path) too. Each ISA is reached through the dispatch table and skipped when
// this CPU (or this build) lacks it.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/kernel_test_oracles.h"
#include "kernels/reference/softmax_s8.h"

namespace {

using qrt::RequantRule;
using qrt::test::exp2_uniform;
using qrt::test::uniform_int;

const qrt::KernelTable* softmax_table_or_skip(const char* isa, const char* expected_name) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return nullptr;
  }
  REQUIRE(std::string(table->softmax.name) == expected_name);
  return table;
}

// One random case: shape, scales, zero point, and an input pattern.
void check_case(const qrt::KernelTable& table, std::mt19937& rng, bool fixedpoint) {
  static const int32_t kDepths[] = {1, 2, 63, 64, 65, 1000};
  const int32_t depth = uniform_int(rng, 0, 2) ? kDepths[uniform_int(rng, 0, 5)] : uniform_int(rng, 1, 300);
  const int32_t rows = uniform_int(rng, 0, 3) ? uniform_int(rng, 1, 17) : uniform_int(rng, 18, 70);
  // Input scale * beta from 2^-20 (all exps near 1) to 2^4 (most underflow to 0).
  const float input_scale = exp2_uniform(rng, -20, 3);
  const float beta = uniform_int(rng, 0, 2) == 0 ? exp2_uniform(rng, -2, 1) : 1.0f;
  float output_scale = 1.0f / 256;
  int32_t output_zero_point = -128;
  if (!fixedpoint && uniform_int(rng, 0, 2) != 0) {
    const int pick = uniform_int(rng, 0, 3);
    output_scale = pick == 0 ? std::ldexp(1.0f, uniform_int(rng, -9, -5))  // exact ties in the rounding
                   : pick == 1 ? exp2_uniform(rng, -12, -4)
                               : exp2_uniform(rng, -9, -6);
    const int zp = uniform_int(rng, 0, 3);
    output_zero_point = zp == 0 ? -128 : zp == 1 ? 127 : uniform_int(rng, -128, 127);
  }
  const int32_t dims[] = {rows, depth};
  qrt::reference::SoftmaxS8Params p;
  const RequantRule rule = fixedpoint ? RequantRule::kFixedPoint : RequantRule::kFp32;
  const std::string error = qrt::reference::init_softmax_s8_params(
      rule, dims, 2, input_scale, 0, beta, output_scale, output_zero_point, &p);
  if (!error.empty()) return;  // fixedpoint refuses the tiniest scales
  std::vector<int8_t> x(static_cast<size_t>(rows) * depth);
  const int pattern = uniform_int(rng, 0, 4);
  for (int32_t r = 0; r < rows; ++r) {
    const int base = uniform_int(rng, -128, 127);
    for (int32_t c = 0; c < depth; ++c) {
      int v;
      switch (pattern) {
        case 0: v = base; break;                                                      // all equal
        case 1: v = std::min(127, base + uniform_int(rng, 0, 2)); break;             // ties
        case 2: v = uniform_int(rng, 0, 1) ? 127 : -128; break;                       // extremes
        default: v = uniform_int(rng, -128, 127); break;
      }
      x[static_cast<size_t>(r) * depth + c] = static_cast<int8_t>(v);
    }
  }
  std::vector<int8_t> expected(x.size(), 0x11), actual(x.size(), 0x5A);
  qrt::reference::softmax_s8(p, x.data(), expected.data());
  table.softmax.run(p, x.data(), actual.data());
  INFO("rows " << rows << " depth " << depth << " input_scale " << input_scale << " beta " << beta
               << " output_scale " << output_scale << " zp " << output_zero_point << " pattern " << pattern
               << " fixedpoint " << fixedpoint);
  REQUIRE(actual == expected);
}

void check_isa(const char* isa, const char* expected_name, int cases, unsigned seed) {
  const qrt::KernelTable* table = softmax_table_or_skip(isa, expected_name);
  if (table == nullptr) return;
  std::mt19937 rng(seed);
  for (int i = 0; i < cases; ++i) check_case(*table, rng, i % 10 == 9);
}

}  // namespace

TEST_CASE("x86 softmax: softmax_s8 avx2 equals the reference", "[x86_elementwise]") {
  check_isa("avx2", "softmax_s8__avx2", 150, 91);
}

TEST_CASE("x86 softmax: softmax_s8 avx512vnni equals the reference, avxvnni carries the avx2 kernel",
          "[x86_elementwise]") {
  check_isa("avx512vnni", "softmax_s8__avx512vnni", 150, 92);
  check_isa("avxvnni", "softmax_s8__avx2", 40, 93);
}

TEST_CASE("arm softmax: softmax_s8 neon equals the reference, in the neon, neondot and i8mm tables",
          "[arm_elementwise]") {
  check_isa("neon", "softmax_s8__neon", 150, 94);
  check_isa("neondot", "softmax_s8__neon", 30, 95);
  check_isa("i8mm", "softmax_s8__neon", 30, 96);
}

TEST_CASE("x86 softmax long: avx2 and avx512vnni, 10000 random cases each", "[x86_elementwise][.long]") {
  check_isa("avx2", "softmax_s8__avx2", 10000, 191);
  check_isa("avx512vnni", "softmax_s8__avx512vnni", 10000, 192);
}

TEST_CASE("arm softmax long: neon, 10000 random cases", "[arm_elementwise][.long]") {
  check_isa("neon", "softmax_s8__neon", 10000, 193);
}
