// Weight-only int4 fully connected (FULLY_CONNECTED_W4) kernels:
//  - the reference against an oracle written from the header's specification
//    on unpacked weights (its own packing, its own order): bit for bit;
//  - the reference against a double-precision oracle, within the rounding
//    bound of float summation (so the specified order computes the right
//    thing, not only a repeatable one);
//  - every x86 / AArch64 table's kernel against the reference, bit for bit, on random
//    shapes: batch 1..9, odd K, groups not a multiple of 8, -8 weights,
//    clamps, no bias, huge / tiny scales, inf and NaN inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/reference/fully_connected_f32w4.h"

namespace {

using qrt::reference::FullyConnectedF32W4Params;

struct W4Case {
  FullyConnectedF32W4Params p;
  std::vector<int> w;  // [N][K], each in [-8, 7]
  std::vector<uint8_t> packed;
  std::vector<float> x, scales, bias;
  bool has_bias = true;

  std::string describe() const {
    std::ostringstream s;
    s << "batch=" << p.batch << " K=" << p.input_depth << " N=" << p.output_depth << " G=" << p.group_size
      << " clamp=[" << p.clamp.min << "," << p.clamp.max << "] bias=" << has_bias;
    return s.str();
  }
};

// The test's own packing: two per byte, low nibble first, rows padded to a byte.
std::vector<uint8_t> pack_rows(const std::vector<int>& w, int n, int k) {
  const size_t row = (static_cast<size_t>(k) + 1) / 2;
  std::vector<uint8_t> out(row * n, 0);
  for (int o = 0; o < n; ++o) {
    for (int i = 0; i < k; ++i) {
      const uint8_t nibble = static_cast<uint8_t>(w[static_cast<size_t>(o) * k + i] & 0xF);
      out[o * row + i / 2] |= static_cast<uint8_t>(i % 2 == 0 ? nibble : nibble << 4);
    }
  }
  return out;
}

W4Case random_case(std::mt19937& rng, int batch, int k, int n, int g) {
  W4Case c;
  c.p.batch = batch;
  c.p.input_depth = k;
  c.p.output_depth = n;
  c.p.group_size = g;
  std::uniform_int_distribution<int> wd(-8, 7);
  std::normal_distribution<float> xd(0.0f, 1.0f);
  std::uniform_real_distribution<float> sd(0.001f, 0.2f);
  c.w.resize(static_cast<size_t>(n) * k);
  for (int& v : c.w) v = wd(rng);
  c.packed = pack_rows(c.w, n, k);
  c.x.resize(static_cast<size_t>(batch) * k);
  for (float& v : c.x) v = xd(rng);
  c.scales.resize(static_cast<size_t>(n) * (k / g));
  for (float& v : c.scales) v = sd(rng);
  c.bias.resize(n);
  for (float& v : c.bias) v = xd(rng);
  return c;
}

// The header's order, on the unpacked weights.
std::vector<float> spec_oracle(const W4Case& c) {
  const int k = c.p.input_depth, n = c.p.output_depth, g = c.p.group_size, groups = k / g;
  std::vector<float> out(static_cast<size_t>(c.p.batch) * n);
  for (int b = 0; b < c.p.batch; ++b) {
    for (int o = 0; o < n; ++o) {
      float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int gi = 0; gi < groups; ++gi) {
        float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < g; ++i) {
          const int kk = gi * g + i;
          const float prod = static_cast<float>(c.w[static_cast<size_t>(o) * k + kk]) * c.x[static_cast<size_t>(b) * k + kk];
          part[i % 8] = part[i % 8] + prod;
        }
        const float s = c.scales[static_cast<size_t>(o) * groups + gi];
        for (int j = 0; j < 8; ++j) acc[j] = acc[j] + part[j] * s;
      }
      const float left = (acc[0] + acc[4]) + (acc[2] + acc[6]);
      const float right = (acc[1] + acc[5]) + (acc[3] + acc[7]);
      float r = left + right;
      if (c.has_bias) r = r + c.bias[o];
      if (r < c.p.clamp.min) r = c.p.clamp.min;
      if (r > c.p.clamp.max) r = c.p.clamp.max;
      out[static_cast<size_t>(b) * n + o] = r;
    }
  }
  return out;
}

// The whole output buffer (rows output_stride apart when set; the gaps keep
// their sentinel, so a write outside the slice shows).
template <typename Fn>
std::vector<float> run(Fn* kernel, const W4Case& c) {
  const int stride = c.p.output_stride > 0 ? c.p.output_stride : c.p.output_depth;
  std::vector<float> out(static_cast<size_t>(c.p.batch) * stride, -12345.0f);
  kernel(c.p, c.x.data(), c.packed.data(), c.scales.data(), c.has_bias ? c.bias.data() : nullptr, out.data());
  return out;
}

// Bit for bit, except that any NaN equals any NaN: which of two NaN operands
// x86 propagates depends on operand order, which the compiler may commute.
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return false;
  }
  return true;
}

TEST_CASE("int4: the packed layout decodes every nibble value", "[int4]") {
  std::vector<int> w;
  for (int v = -8; v <= 7; ++v) w.push_back(v);
  w.push_back(-3);  // odd K: the last byte's high nibble is padding
  const std::vector<uint8_t> packed = pack_rows(w, 1, 17);
  REQUIRE(packed.size() == qrt::reference::f32w4_row_bytes(17));
  for (int k = 0; k < 17; ++k) REQUIRE(qrt::reference::f32w4_weight(packed.data(), k) == w[k]);
}

TEST_CASE("int4: reference kernel equals the specification's order bit for bit", "[int4]") {
  std::mt19937 rng(4);
  const int shapes[][4] = {{1, 1, 1, 1},   {1, 7, 3, 7},    {2, 32, 5, 32}, {3, 64, 4, 32}, {1, 256, 10, 128},
                           {5, 96, 7, 3},  {4, 130, 6, 65}, {9, 24, 2, 24}, {1, 13, 9, 13}, {2, 128, 3, 64}};
  for (const auto& s : shapes) {
    W4Case c = random_case(rng, s[0], s[1], s[2], s[3]);
    for (int variant = 0; variant < 3; ++variant) {
      c.has_bias = variant != 1;
      c.p.clamp = variant == 2 ? qrt::reference::activation_range_f32(qrt::FusedActivation::kRelu6)
                               : qrt::reference::ClampF32{};
      INFO(c.describe());
      REQUIRE(same_bits(run(qrt::reference::fully_connected_f32w4, c), spec_oracle(c)));
    }
  }
}

TEST_CASE("int4: output_stride leaves the gaps between rows alone", "[int4]") {
  std::mt19937 rng(9);
  W4Case c = random_case(rng, 3, 16, 4, 8);
  const std::vector<float> dense = run(qrt::reference::fully_connected_f32w4, c);
  c.p.output_stride = 7;
  const std::vector<float> strided = run(qrt::reference::fully_connected_f32w4, c);
  for (int b = 0; b < 3; ++b) {
    for (int o = 0; o < 7; ++o) {
      const float got = strided[static_cast<size_t>(b) * 7 + o];
      REQUIRE((o < 4 ? got == dense[static_cast<size_t>(b) * 4 + o] : got == -12345.0f));
    }
  }
}

TEST_CASE("int4: reference kernel is within float rounding of the exact sum", "[int4]") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 40; ++trial) {
    const int g = std::uniform_int_distribution<int>(1, 70)(rng);
    const int groups = std::uniform_int_distribution<int>(1, 5)(rng);
    W4Case c = random_case(rng, std::uniform_int_distribution<int>(1, 4)(rng), g * groups,
                           std::uniform_int_distribution<int>(1, 9)(rng), g);
    const std::vector<float> got = run(qrt::reference::fully_connected_f32w4, c);
    const int k = c.p.input_depth, n = c.p.output_depth;
    for (int b = 0; b < c.p.batch; ++b) {
      for (int o = 0; o < n; ++o) {
        double exact = c.bias[o], magnitude = std::fabs(c.bias[o]);
        for (int i = 0; i < k; ++i) {
          const double term = static_cast<double>(c.w[static_cast<size_t>(o) * k + i]) *
                              c.x[static_cast<size_t>(b) * k + i] * c.scales[static_cast<size_t>(o) * groups + i / g];
          exact += term;
          magnitude += std::fabs(term);
        }
        // Each term passes through at most K + 8 roundings of relative size 2^-24.
        const double bound = (k + 16) * std::ldexp(1.0, -24) * magnitude * 1.01;
        INFO(c.describe() << " b=" << b << " o=" << o);
        REQUIRE(std::fabs(got[static_cast<size_t>(b) * n + o] - exact) <= bound);
      }
    }
  }
}

// The table for `isa`, or nullptr after a WARN that marks the test skipped.
const qrt::KernelTable* table_or_skip(const char* isa) {
  std::string error;
  const qrt::KernelTable* t = qrt::find_kernel_table(isa, &error);
  if (t == nullptr) WARN("skipped: " << error);
  return t;
}

// The tables of this architecture that have an int4 kernel.
#if defined(__x86_64__)
constexpr const char* kIsas[] = {"avx2", "avx512vnni"};
#elif defined(__aarch64__)
constexpr const char* kIsas[] = {"neon", "neondot", "i8mm"};  // all three use the NEON kernel
#else
constexpr const char* kIsas[] = {"reference"};
#endif

TEST_CASE("int4: optimized kernels equal the reference bit for bit", "[int4]") {
  for (const char* isa : kIsas) {
    const qrt::KernelTable* table = table_or_skip(isa);
    if (table == nullptr) continue;
    INFO("isa " << isa << ": " << table->fully_connected_f32w4.name);
    if (std::string(isa) != "reference") {
      CHECK(std::string(table->fully_connected_f32w4.name) != "fully_connected_f32w4_reference");
    }
    std::mt19937 rng(6);
    for (int trial = 0; trial < 300; ++trial) {
      const int pick = trial % 4;
      int g;
      if (pick == 0) g = 32 << std::uniform_int_distribution<int>(0, 2)(rng);  // what qconvert writes
      else if (pick == 1) g = 8 * std::uniform_int_distribution<int>(1, 6)(rng);
      else g = std::uniform_int_distribution<int>(1, 45)(rng);  // short and odd chunks
      const int groups = std::uniform_int_distribution<int>(1, 4)(rng);
      W4Case c = random_case(rng, std::uniform_int_distribution<int>(1, 9)(rng), g * groups,
                             std::uniform_int_distribution<int>(1, 7)(rng), g);
      c.has_bias = trial % 5 != 0;
      if (trial % 7 == 0) c.p.clamp = qrt::reference::activation_range_f32(qrt::FusedActivation::kRelu);
      if (trial % 11 == 0) {
        for (float& s : c.scales) s = trial % 2 ? 1e30f : 1e-30f;  // overflow to inf, underflow to subnormals
      }
      if (trial % 3 == 0) c.p.output_stride = c.p.output_depth + trial % 5;
      if (trial % 13 == 0) {
        c.x[0] = std::numeric_limits<float>::infinity();
        c.x[c.x.size() / 2] = std::numeric_limits<float>::quiet_NaN();
      }
      INFO(c.describe());
      REQUIRE(same_bits(run(table->fully_connected_f32w4.run, c), run(qrt::reference::fully_connected_f32w4, c)));
    }
  }
}

}  // namespace
