// The transformer reference kernels against straightforward implementations
// written here from docs/format.md: BATCH_MATMUL (int64 sums, both rules),
// LAYER_NORM (against double-precision LayerNorm within one step, and the
// documented integer statistics), GATHER (bad indices stop the kernel) and
// the ERF table.
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "kernels/reference/batch_matmul_s8.h"
#include "kernels/reference/gather_x8.h"
#include "kernels/reference/layer_norm_s8.h"
#include "kernels/reference/lut_s8.h"
#include "kernels/reference/unary_lut_builders.h"

using namespace qrt;
using namespace qrt::reference;

namespace {

std::vector<int8_t> random_bytes(size_t n, std::mt19937& rng, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

// Round half to even of a double, clamped to int8, plus zero point.
int8_t quantize_double(double real_over_scale, int32_t zp) {
  double r = std::nearbyint(real_over_scale) + zp;
  return static_cast<int8_t>(std::min(127.0, std::max(-128.0, r)));
}

}  // namespace

TEST_CASE("batch_matmul_s8: broadcast batches, transpose_b, fp32 rule against int64 sums", "[transformer][batch_matmul]") {
  std::mt19937 rng(7);
  struct Case { std::vector<int> a, b; bool tb; };
  const std::vector<Case> cases = {
      {{1, 4, 5, 3}, {1, 4, 3, 6}, false},   // attention P * V
      {{2, 3, 7, 8}, {2, 3, 9, 8}, true},    // Q * K^T
      {{3, 1, 2, 5}, {4, 5, 3}, false},      // broadcast both ways
      {{1, 1}, {1, 1}, false},
      {{2, 5, 4}, {4, 6}, false},
  };
  for (const Case& c : cases) {
    for (int zp_case = 0; zp_case < 3; ++zp_case) {
      const int32_t za = zp_case == 0 ? -128 : zp_case == 1 ? 127 : 3;
      const int32_t zb = zp_case == 0 ? 127 : zp_case == 1 ? -128 : -7;
      const size_t ra = c.a.size(), rb = c.b.size();
      const int m = c.a[ra - 2], k = c.a[ra - 1];
      const int n = c.tb ? c.b[rb - 2] : c.b[rb - 1];
      const size_t br = std::max(ra, rb) - 2;
      std::vector<int> ab(br, 1), bb(br, 1), ob(br, 1);
      for (size_t i = 0; i < br; ++i) {
        const size_t back = br - i;
        ab[i] = back + 2 <= ra ? c.a[ra - 2 - back] : 1;
        bb[i] = back + 2 <= rb ? c.b[rb - 2 - back] : 1;
        ob[i] = std::max(ab[i], bb[i]);
      }
      size_t a_count = 1, b_count = 1, batches = 1;
      for (int d : c.a) a_count *= d;
      for (int d : c.b) b_count *= d;
      for (int d : ob) batches *= d;
      const std::vector<int8_t> a = random_bytes(a_count, rng), b = random_bytes(b_count, rng);
      const float sa = 0.05f, sb = 0.02f, so = 0.9f;
      const int32_t zo = -5;
      BatchMatMulParams p;
      p.batch_rank = static_cast<int>(br);
      int64_t astr = int64_t{m} * k, bstr = int64_t{k} * n;
      for (size_t i = br; i-- > 0;) {
        p.batch_dims[i] = ob[i];
        p.a_batch_stride[i] = ab[i] == 1 ? 0 : astr;
        p.b_batch_stride[i] = bb[i] == 1 ? 0 : bstr;
        astr *= ab[i];
        bstr *= bb[i];
      }
      p.m = m; p.k = k; p.n = n; p.transpose_b = c.tb;
      p.a_zero_point = za; p.b_zero_point = zb; p.output_zero_point = zo;
      REQUIRE(init_batch_matmul_requant(RequantRule::kFp32, sa, sb, so, &p).empty());
      std::vector<int8_t> out(batches * m * n);
      batch_matmul_s8(p, a.data(), b.data(), out.data());
      // Oracle: decode each batch index into A's and B's own indices.
      const float scale = (sa * sb) / so;
      for (size_t bi = 0; bi < batches; ++bi) {
        size_t rem = bi, a_idx = 0, b_idx = 0, a_mul = 1, b_mul = 1;
        for (size_t i = br; i-- > 0;) {
          const size_t coord = rem % ob[i];
          rem /= ob[i];
          a_idx += (ab[i] == 1 ? 0 : coord) * a_mul;
          b_idx += (bb[i] == 1 ? 0 : coord) * b_mul;
          a_mul *= ab[i];
          b_mul *= bb[i];
        }
        for (int i = 0; i < m; ++i) {
          for (int j = 0; j < n; ++j) {
            int64_t acc = 0;
            for (int kk = 0; kk < k; ++kk) {
              const int64_t av = a[a_idx * m * k + i * k + kk] - za;
              const int64_t bv = (c.tb ? b[b_idx * n * k + j * k + kk] : b[b_idx * k * n + kk * n + j]) - zb;
              acc += av * bv;
            }
            const float real = static_cast<float>(acc) * scale;
            const int8_t expected = quantize_double(real, zo);
            INFO("batch " << bi << " m " << i << " n " << j);
            REQUIRE(out[bi * m * n + i * n + j] == expected);
          }
        }
      }
    }
  }
}

TEST_CASE("batch_matmul_s8: fixedpoint rule is TFLite's double-rounding multiply", "[transformer][batch_matmul]") {
  std::mt19937 rng(11);
  const int m = 3, k = 17, n = 4;
  const std::vector<int8_t> a = random_bytes(m * k, rng), b = random_bytes(k * n, rng);
  BatchMatMulParams p;
  p.m = m; p.k = k; p.n = n;
  p.a_zero_point = -128; p.b_zero_point = 0; p.output_zero_point = 10;
  const float sa = 0.1f, sb = 0.003f, so = 0.7f;
  REQUIRE(init_batch_matmul_requant(RequantRule::kFixedPoint, sa, sb, so, &p).empty());
  std::vector<int8_t> out(m * n);
  batch_matmul_s8(p, a.data(), b.data(), out.data());
  const double real_multiplier = static_cast<double>(sa) * sb / so;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      int64_t acc = 0;
      for (int kk = 0; kk < k; ++kk) acc += int64_t{a[i * k + kk] + 128} * b[kk * n + j];
      // Within one step of the exact real value (the fixed-point rounding may differ from round-half-even).
      const double exact = static_cast<double>(acc) * real_multiplier + 10;
      const double clamped = std::min(127.0, std::max(-128.0, exact));
      REQUIRE(std::fabs(out[i * n + j] - clamped) <= 1.0);
    }
  }
  // A ratio >= 1 cannot be a Q31 multiplier below one.
  REQUIRE_FALSE(init_batch_matmul_requant(RequantRule::kFixedPoint, 1.0f, 2.0f, 1.0f, &p).empty());
  REQUIRE_FALSE(init_batch_matmul_requant(RequantRule::kFp32, 1.0f, 0.0f, 1.0f, &p).empty());
}

TEST_CASE("layer_norm_s8: within one step of double LayerNorm, exact integer statistics", "[transformer][layer_norm]") {
  std::mt19937 rng(3);
  for (int depth : {1, 2, 7, 64, 128, 301}) {
    for (int trial = 0; trial < 4; ++trial) {
      const int rows = 3;
      // Narrow and wide inputs; a constant row (variance 0) in the last trial.
      std::vector<int8_t> x = trial == 3 ? std::vector<int8_t>(rows * depth, 42)
                                          : random_bytes(rows * depth, rng, trial == 0 ? -3 : -128, trial == 0 ? 4 : 127);
      std::vector<float> gamma(depth), beta(depth);
      std::normal_distribution<float> nd(1.0f, 0.3f);
      for (int i = 0; i < depth; ++i) { gamma[i] = nd(rng); beta[i] = nd(rng) - 1.0f; }
      const float si = 0.037f, so = 0.021f, eps = 1e-5f;
      const int32_t zi = 17, zo = -3;
      LayerNormParams p;
      REQUIRE(init_layer_norm_params(rows, depth, si, so, zo, eps, gamma.data(), beta.data(), &p).empty());
      std::vector<int8_t> out(x.size());
      layer_norm_s8(p, x.data(), out.data());
      for (int r = 0; r < rows; ++r) {
        double mean = 0.0, var = 0.0;
        for (int i = 0; i < depth; ++i) mean += si * (x[r * depth + i] - zi);
        mean /= depth;
        for (int i = 0; i < depth; ++i) {
          const double d = si * (x[r * depth + i] - zi) - mean;
          var += d * d;
        }
        var /= depth;
        for (int i = 0; i < depth; ++i) {
          const double real = (si * (x[r * depth + i] - zi) - mean) / std::sqrt(var + eps) * gamma[i] + beta[i];
          const double q = std::min(127.0, std::max(-128.0, std::nearbyint(real / so) + zo));
          INFO("depth " << depth << " trial " << trial << " row " << r << " i " << i);
          REQUIRE(std::fabs(out[r * depth + i] - q) <= 1.0);
        }
      }
    }
  }
  LayerNormParams p;
  const float g = 1.0f;
  CHECK_FALSE(init_layer_norm_params(1, 1, 0.1f, 0.1f, 0, 0.0f, &g, nullptr, &p).empty());   // epsilon 0
  CHECK_FALSE(init_layer_norm_params(1, 0, 0.1f, 0.1f, 0, 1e-5f, &g, nullptr, &p).empty());  // depth 0
  const float inf = INFINITY;
  CHECK_FALSE(init_layer_norm_params(1, 1, 0.1f, 0.1f, 0, 1e-5f, &inf, nullptr, &p).empty());
}

TEST_CASE("gather_x8: rows by index, negative indices, a bad index stops before reading", "[transformer][gather]") {
  // table [2 outer][5 rows][3 bytes], gather axis 1.
  std::vector<uint8_t> table(2 * 5 * 3);
  for (size_t i = 0; i < table.size(); ++i) table[i] = static_cast<uint8_t>(i * 7 + 1);
  GatherParams p;
  p.outer = 2; p.axis_size = 5; p.inner_bytes = 3; p.index_count = 3;
  const std::vector<int32_t> idx = {4, 0, -1};
  std::vector<uint8_t> out(2 * 3 * 3, 0xAA);
  REQUIRE(gather_x8(p, table.data(), idx.data(), out.data()) == -1);
  for (int o = 0; o < 2; ++o) {
    for (int j = 0; j < 3; ++j) {
      const int row = idx[j] < 0 ? idx[j] + 5 : idx[j];
      for (int e = 0; e < 3; ++e) REQUIRE(out[(o * 3 + j) * 3 + e] == table[(o * 5 + row) * 3 + e]);
    }
  }
  for (int32_t bad : {5, -6, 2147483647, -2147483647 - 1}) {
    const std::vector<int32_t> bad_idx = {1, bad, 2};
    REQUIRE(gather_x8(p, table.data(), bad_idx.data(), out.data()) == 1);
  }
}

TEST_CASE("erf table: every entry is the quantized erf of the dequantized input", "[transformer][erf]") {
  int8_t table[256];
  const float si = 0.02f, so = 1.0f / 128.0f;
  const int32_t zi = -4, zo = 0;
  for (RequantRule rule : {RequantRule::kFp32, RequantRule::kFixedPoint}) {
    REQUIRE(build_erf_lut(rule, si, zi, so, zo, table).empty());
    for (int x = -128; x <= 127; ++x) {
      const double y = std::erf(static_cast<double>(si) * (x - zi));
      const double q = std::min(127.0, std::max(-128.0, std::nearbyint(y / so) + zo));
      REQUIRE(std::fabs(table[lut_s8_index(static_cast<int8_t>(x))] - q) <= 1.0);
    }
  }
  REQUIRE_FALSE(build_erf_lut(RequantRule::kFp32, 0.0f, 0, so, zo, table).empty());
}
