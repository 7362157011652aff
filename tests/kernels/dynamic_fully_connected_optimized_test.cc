// The x86 and AArch64 DYNAMIC_FULLY_CONNECTED kernels (dispatch table slot
// dynamic_fully_connected) against reference::dynamic_fully_connected_f32s8:
// float outputs compared bit for bit (memcmp), on random shapes (M, N, K not
// multiples of the tiles) and edge cases: all-zero, all-negative and
// all-positive inputs, NaN and infinite values, -0, tiny and huge scales,
// weights at -128 / 127 with the longest K, per-tensor scales, with and
// without bias and activation. Each ISA is reached through the table and
// skipped when this CPU lacks it (the NEON kernel is AArch64's; 32-bit
// builds compile only the arm_*.cc kernel tests).
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "kernels/dynamic_fully_connected_f32s8.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"

namespace {

struct Case {
  size_t m = 1;
  int n = 1, k = 1;
  std::vector<float> input;    // m * k
  std::vector<int8_t> weights; // n * k
  std::vector<float> scales;   // n or 1
  std::vector<float> bias;     // n or empty
  qrt::reference::ClampF32 clamp;
};

std::vector<float> reference_output(const Case& c) {
  qrt::reference::DynamicFullyConnectedParams p;
  p.batch = static_cast<int>(c.m);
  p.input_depth = c.k;
  p.output_depth = c.n;
  p.weight_scales = c.scales.data();
  p.weight_scale_count = static_cast<int>(c.scales.size());
  p.clamp = c.clamp;
  std::vector<int8_t> scratch(static_cast<size_t>(c.k));
  std::vector<float> out(c.m * static_cast<size_t>(c.n));
  qrt::reference::dynamic_fully_connected_f32s8(p, c.input.data(), c.weights.data(), c.bias.empty() ? nullptr : c.bias.data(),
                                                scratch.data(), out.data());
  return out;
}

std::vector<float> kernel_output(const qrt::DynamicFcKernel& kernel, const Case& c) {
  std::vector<uint8_t> packed(qrt::dynamic_fc_packed_size(kernel.layout, c.n, c.k));
  qrt::dynamic_fc_pack(kernel.layout, c.n, c.k, c.weights.data(), c.scales.data(), static_cast<int>(c.scales.size()),
                       c.bias.empty() ? nullptr : c.bias.data(), packed.data());
  std::vector<uint8_t> scratch(qrt::dynamic_fc_scratch_size(kernel.layout, c.m, c.k) + 1);
  qrt::DynamicFcRunParams p;
  p.m = c.m;
  p.n = c.n;
  p.k = c.k;
  p.has_bias = !c.bias.empty();
  p.clamp = c.clamp;
  std::vector<float> out(c.m * static_cast<size_t>(c.n) + 1, 12345.0f);  // one guard value after the end
  kernel.run(p, c.input.data(), packed.data(), scratch.data(), out.data());
  REQUIRE(out.back() == 12345.0f);
  out.pop_back();
  return out;
}

void check(const qrt::DynamicFcKernel& kernel, const Case& c) {
  const std::vector<float> expected = reference_output(c);
  const std::vector<float> got = kernel_output(kernel, c);
  INFO(kernel.name << ": M " << c.m << " N " << c.n << " K " << c.k << " bias " << !c.bias.empty() << " scales "
                   << c.scales.size());
  REQUIRE(std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)) == 0);
}

Case random_case(std::mt19937& rng, size_t m, int n, int k) {
  Case c;
  c.m = m;
  c.n = n;
  c.k = k;
  std::uniform_real_distribution<float> range(0.01f, 20.0f);
  const float lo = -range(rng), hi = range(rng);
  std::uniform_real_distribution<float> d(lo, hi);
  for (size_t i = 0; i < m * static_cast<size_t>(k); ++i) c.input.push_back(d(rng));
  for (int i = 0; i < n * k; ++i) c.weights.push_back(static_cast<int8_t>(static_cast<int>(rng() % 255) - 127));
  std::uniform_real_distribution<float> s(1e-4f, 0.05f);
  const int scales = rng() % 3 == 0 ? 1 : n;
  for (int i = 0; i < scales; ++i) c.scales.push_back(s(rng));
  if (rng() % 3 != 0) {
    for (int i = 0; i < n; ++i) c.bias.push_back(d(rng));
  }
  switch (rng() % 4) {
    case 0: c.clamp = qrt::reference::activation_range_f32(qrt::FusedActivation::kRelu); break;
    case 1: c.clamp = qrt::reference::activation_range_f32(qrt::FusedActivation::kRelu6); break;
    default: break;
  }
  return c;
}

const qrt::DynamicFcKernel* kernel_for(const char* isa) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return nullptr;
  }
  REQUIRE(table->dynamic_fully_connected.run != nullptr);
  return &table->dynamic_fully_connected;
}

void check_random(const char* isa) {
  const qrt::DynamicFcKernel* kernel = kernel_for(isa);
  if (kernel == nullptr) return;
  std::mt19937 rng(2026);
  for (int iter = 0; iter < 150; ++iter) {
    const size_t m = 1 + rng() % 11;
    const int n = 1 + static_cast<int>(rng() % 70);
    const int k = 1 + static_cast<int>(rng() % 150);
    check(*kernel, random_case(rng, m, n, k));
  }
}

void check_edges(const char* isa) {
  const qrt::DynamicFcKernel* kernel = kernel_for(isa);
  if (kernel == nullptr) return;
  std::mt19937 rng(7);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  Case base = random_case(rng, 3, 37, 41);
  // Input value patterns: zeros, one sign only, NaN, infinities, -0, tiny and huge ranges.
  const std::vector<std::vector<float>> fills = {
      {0.0f}, {-0.0f, 0.0f}, {-1.0f, -2.5f, -0.25f}, {1.0f, 2.5f, 0.25f}, {nan, 1.0f, -2.0f},
      {inf, 1.0f}, {-inf, 1.0f}, {inf, -inf}, {1e-38f, -3e-39f}, {3e38f, -3e38f, 1.0f}, {0.5f}};
  for (const std::vector<float>& fill : fills) {
    Case c = base;
    for (size_t i = 0; i < c.input.size(); ++i) c.input[i] = fill[i % fill.size()] * (i % 7 == 3 ? 0.5f : 1.0f);
    check(*kernel, c);
  }
  // The longest K with the largest products: weights -128, every input at the range's far end.
  Case deep;
  deep.m = 2;
  deep.n = 3;
  deep.k = qrt::reference::kDynamicFullyConnectedMaxDepth;
  deep.input.assign(deep.m * static_cast<size_t>(deep.k), -1.0f);
  deep.input[5] = 254.0f / 255.0f * 1e-3f;  // a small positive value: the zero point lands near 255
  deep.weights.assign(static_cast<size_t>(deep.n * deep.k), -128);
  for (int i = 0; i < deep.k; ++i) deep.weights[static_cast<size_t>(deep.k) + i] = 127;
  deep.scales = {1e-3f};
  check(*kernel, deep);
  // One row, one column, one input value.
  Case tiny = random_case(rng, 1, 1, 1);
  check(*kernel, tiny);
  // Huge and tiny weight scales.
  Case scales = random_case(rng, 5, 33, 17);
  scales.scales.assign(33, 3e38f);
  check(*kernel, scales);
  scales.scales.assign(1, 1e-38f);
  check(*kernel, scales);
}

}  // namespace

TEST_CASE("x86 dynamic FC: avx2 equals the reference bit for bit on random cases", "[x86_dynamic_fc]") {
  check_random("avx2");
}
TEST_CASE("x86 dynamic FC: avx2 edge cases", "[x86_dynamic_fc]") { check_edges("avx2"); }
TEST_CASE("x86 dynamic FC: avx512vnni equals the reference bit for bit on random cases", "[x86_dynamic_fc]") {
  check_random("avx512vnni");
}
TEST_CASE("x86 dynamic FC: avx512vnni edge cases", "[x86_dynamic_fc]") { check_edges("avx512vnni"); }
TEST_CASE("arm dynamic FC: neon equals the reference bit for bit on random cases", "[arm_dynamic_fc]") {
  check_random("neon");
}
TEST_CASE("arm dynamic FC: neon edge cases", "[arm_dynamic_fc]") { check_edges("neon"); }
