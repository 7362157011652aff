// Reference Transpose against a per-element oracle written here, plus a
// hand-computed case; the optimized transpose_x8__portable against the
// reference, byte for byte.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/kernel_test_oracles.h"
#include "kernels/reference/transpose_s8.h"
#include "kernels/transpose_x8.h"

namespace {

using qrt::reference::kMaxTransposeRank;
using qrt::reference::TransposeParams;
using qrt::test::Random;

// Scatter: every input element, by its multi-index j, lands at the output
// index i with i_k = j[perm[k]].
std::vector<int8_t> expected_transpose(const TransposeParams& p, const std::vector<int8_t>& in) {
  int output_dims[kMaxTransposeRank];
  for (int k = 0; k < p.rank; ++k) output_dims[k] = p.input_dims[p.perm[k]];
  std::vector<int8_t> out(in.size());
  for (size_t flat = 0; flat < in.size(); ++flat) {
    int64_t j[kMaxTransposeRank] = {};
    int64_t rest = static_cast<int64_t>(flat);
    for (int d = p.rank - 1; d >= 0; --d) {
      j[d] = rest % p.input_dims[d];
      rest /= p.input_dims[d];
    }
    int64_t o = 0;
    for (int k = 0; k < p.rank; ++k) o = o * output_dims[k] + j[p.perm[k]];
    out[o] = in[flat];
  }
  return out;
}

std::vector<int8_t> run_transpose(const TransposeParams& p, const std::vector<int8_t>& in) {
  std::vector<int8_t> out(in.size(), 99);
  qrt::reference::transpose_s8(p, in.data(), out.data());
  return out;
}

void check_portable(const TransposeParams& p, const std::vector<int8_t>& in) {
  std::vector<int8_t> expected(in.size(), 99), actual(in.size(), 77);
  qrt::reference::transpose_s8(p, in.data(), expected.data());
  qrt::transpose_x8__portable(p, in.data(), actual.data());
  REQUIRE(actual == expected);
}

TransposeParams make_params(std::initializer_list<int> dims, std::initializer_list<int> perm) {
  TransposeParams p;
  p.rank = static_cast<int>(dims.size());
  std::copy(dims.begin(), dims.end(), p.input_dims);
  std::copy(perm.begin(), perm.end(), p.perm);
  return p;
}

std::vector<int8_t> random_bytes(Random& rng, int64_t size) {
  std::vector<int8_t> in(static_cast<size_t>(size));
  for (auto& v : in) v = static_cast<int8_t>(rng.uniform(-128, 127));
  return in;
}

// Random ranks 1..6 and permutations; dims mostly small, often 1, sometimes
// 0, and two of them sometimes large enough for several 8x8 tiles and 64x64
// blocks with ragged edges.
void check_portable_random(int iterations, uint32_t seed) {
  Random rng(seed);
  for (int iteration = 0; iteration < iterations; ++iteration) {
    TransposeParams p;
    p.rank = 1 + iteration % kMaxTransposeRank;
    int64_t size = 1;
    for (int d = 0; d < p.rank; ++d) {
      const int pick = rng.uniform(0, 9);
      p.input_dims[d] = pick < 3 ? 1 : pick < 8 ? rng.uniform(2, 6) : rng.uniform(7, 20);
    }
    if (rng.uniform(0, 3) == 0) {  // one or two long dims
      p.input_dims[rng.uniform(0, p.rank - 1)] = rng.uniform(20, 150);
      p.input_dims[rng.uniform(0, p.rank - 1)] = rng.uniform(20, 150);
    }
    if (rng.uniform(0, 29) == 0) p.input_dims[rng.uniform(0, p.rank - 1)] = 0;  // an empty tensor
    for (int d = 0; d < p.rank; ++d) size *= p.input_dims[d];
    if (size > (1 << 20)) continue;
    std::iota(p.perm, p.perm + p.rank, 0);
    for (int d = p.rank - 1; d > 0; --d) std::swap(p.perm[d], p.perm[rng.uniform(0, d)]);
    INFO("iteration " << iteration << " rank " << p.rank << " dims " << p.input_dims[0] << "," << p.input_dims[1]
                      << "," << p.input_dims[2] << "," << p.input_dims[3] << "," << p.input_dims[4] << ","
                      << p.input_dims[5] << " perm " << p.perm[0] << p.perm[1] << p.perm[2] << p.perm[3]
                      << p.perm[4] << p.perm[5]);
    check_portable(p, random_bytes(rng, size));
  }
}

}  // namespace

TEST_CASE("transpose_s8: hand-computed 2x3 and 2x2x2 cases", "[kernels][transpose]") {
  // [[1, 2, 3], [4, 5, 6]] with perm (1, 0) is [[1, 4], [2, 5], [3, 6]].
  TransposeParams p;
  p.rank = 2;
  p.input_dims[0] = 2;
  p.input_dims[1] = 3;
  p.perm[0] = 1;
  p.perm[1] = 0;
  CHECK(run_transpose(p, {1, 2, 3, 4, 5, 6}) == std::vector<int8_t>{1, 4, 2, 5, 3, 6});

  // Input element at (a, b, c) holds 100a + 10b + c (as a byte: 0..111).
  // perm (2, 0, 1): output (c, a, b) = input (a, b, c), so output order is
  // c-major: 0, 10, 100, 110, 1, 11, 101, 111.
  TransposeParams q;
  q.rank = 3;
  q.input_dims[0] = q.input_dims[1] = q.input_dims[2] = 2;
  q.perm[0] = 2;
  q.perm[1] = 0;
  q.perm[2] = 1;
  CHECK(run_transpose(q, {0, 1, 10, 11, 100, 101, 110, 111}) ==
        std::vector<int8_t>{0, 10, 100, 110, 1, 11, 101, 111});

  // Rank 0: a scalar is copied.
  TransposeParams scalar;
  CHECK(run_transpose(scalar, {-128}) == std::vector<int8_t>{-128});
}

TEST_CASE("transpose_s8: random ranks 1..6 and permutations", "[kernels][transpose]") {
  Random rng(11);
  for (int iteration = 0; iteration < 600; ++iteration) {
    TransposeParams p;
    p.rank = 1 + iteration % kMaxTransposeRank;
    int64_t size = 1;
    for (int d = 0; d < p.rank; ++d) {
      p.input_dims[d] = rng.uniform(1, 5);
      size *= p.input_dims[d];
    }
    if (rng.uniform(0, 19) == 0) {  // an empty tensor
      p.input_dims[rng.uniform(0, p.rank - 1)] = 0;
      size = 0;
    }
    std::iota(p.perm, p.perm + p.rank, 0);
    for (int d = p.rank - 1; d > 0; --d) std::swap(p.perm[d], p.perm[rng.uniform(0, d)]);

    std::vector<int8_t> in(size);
    for (auto& v : in) v = static_cast<int8_t>(rng.uniform(-128, 127));
    INFO("iteration " << iteration << " rank " << p.rank);
    REQUIRE(run_transpose(p, in) == expected_transpose(p, in));
  }
}

TEST_CASE("transpose_x8 portable: the shapes of models equal the reference", "[kernels][transpose]") {
  Random rng(12);
  struct Case {
    std::initializer_list<int> dims, perm;
  };
  const Case cases[] = {
      {{1, 64, 4, 32}, {0, 2, 1, 3}},    // split heads: runs of 32 bytes
      {{1, 4, 64, 32}, {0, 2, 1, 3}},    // merge heads
      {{1, 64, 4, 32}, {0, 2, 3, 1}},    // keys transposed: [4][32][64]
      {{1, 4, 64, 32}, {0, 1, 3, 2}},    // a 2D transpose per head
      {{1, 3, 224, 224}, {0, 2, 3, 1}},  // NCHW -> NHWC: [3][50176] -> [50176][3]
      {{1, 56, 56, 24}, {0, 3, 1, 2}},   // NHWC -> NCHW
      {{1, 1, 7, 1}, {3, 2, 1, 0}},      // only size-1 dims move: a copy
      {{5, 1, 9}, {1, 0, 2}},            // likewise
      {{2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5}},  // the identity
      {{2, 3, 4, 5, 6, 7}, {5, 4, 3, 2, 1, 0}},
      {{9, 8, 65, 3}, {2, 3, 1, 0}},
      {{64, 64}, {1, 0}},
      {{65, 129}, {1, 0}},
      {{0, 5}, {1, 0}},
      {{7}, {0}},
  };
  for (const Case& c : cases) {
    const TransposeParams p = make_params(c.dims, c.perm);
    int64_t size = 1;
    for (int d = 0; d < p.rank; ++d) size *= p.input_dims[d];
    INFO("dims " << p.input_dims[0] << "x" << p.input_dims[1] << "x" << p.input_dims[2] << "x" << p.input_dims[3]);
    check_portable(p, random_bytes(rng, size));
  }
  TransposeParams scalar;  // rank 0
  check_portable(scalar, {-128});
}

TEST_CASE("transpose_x8 portable: random ranks 1..6, permutations, size-0 and size-1 dims equal the reference",
          "[kernels][transpose]") {
  check_portable_random(500, 13);
}

TEST_CASE("transpose_x8 portable: every table but the reference one uses it", "[kernels][transpose]") {
  for (const char* isa : {"reference", "sse41", "avx2", "avxvnni", "avx512vnni", "neon", "neondot", "i8mm"}) {
    std::string error;
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table == nullptr) continue;  // not in this build or on this CPU
    const std::string expected = std::string(isa) == "reference" ? "transpose_s8_reference" : "transpose_x8__portable";
    CHECK(std::string(table->transpose.name) == expected);
  }
}

TEST_CASE("transpose_x8 portable long: 10000 random cases", "[transpose][.long]") { check_portable_random(10000, 14); }
