// 32-bit data movement kernels: each output element is checked against the
// input element its index names, on values whose bit patterns are all
// distinct (so a wrong source index cannot go unnoticed).
#include <catch2/catch.hpp>

#include <cstdint>
#include <numeric>
#include <vector>

#include "kernels/reference/data_movement_x32.h"

namespace qrt::reference {
namespace {

std::vector<uint32_t> iota_words(size_t n) {
  std::vector<uint32_t> v(n);
  std::iota(v.begin(), v.end(), 0x7fc00001u);  // NaN payloads too: copied as bits
  return v;
}

TEST_CASE("transpose_x32 reads input[j] with j[perm[k]] = i_k", "[x32]") {
  TransposeParams p;
  p.rank = 4;
  const int dims[4] = {2, 3, 4, 5}, perm[4] = {0, 3, 1, 2};
  for (int i = 0; i < 4; ++i) p.input_dims[i] = dims[i], p.perm[i] = perm[i];
  const auto x = iota_words(120);
  std::vector<uint32_t> y(120);
  transpose_x32(p, x.data(), y.data());
  size_t o = 0;
  int od[4];
  for (int i = 0; i < 4; ++i) od[i] = dims[perm[i]];
  for (int a = 0; a < od[0]; ++a)
    for (int b = 0; b < od[1]; ++b)
      for (int c = 0; c < od[2]; ++c)
        for (int d = 0; d < od[3]; ++d, ++o) {
          int j[4];
          const int i[4] = {a, b, c, d};
          for (int k = 0; k < 4; ++k) j[perm[k]] = i[k];
          REQUIRE(y[o] == x[((j[0] * 3 + j[1]) * 4 + j[2]) * 5 + j[3]]);
        }
}

TEST_CASE("pad_x32 places the input and fills the rest", "[x32]") {
  PadParams p;
  p.rank = 2;
  p.input_dims[0] = 2, p.input_dims[1] = 3;
  p.pad_before[0] = 1, p.pad_after[0] = 2, p.pad_before[1] = 0, p.pad_after[1] = 1;
  const auto x = iota_words(6);
  std::vector<uint32_t> y(5 * 4, 0xdeadbeef);
  pad_x32(p, 7u, x.data(), y.data());
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 4; ++c) {
      const bool inside = r >= 1 && r < 3 && c < 3;
      REQUIRE(y[r * 4 + c] == (inside ? x[(r - 1) * 3 + c] : 7u));
    }
}

TEST_CASE("concatenation_x32 and split_x32 are inverses along an inner axis", "[x32]") {
  ConcatenationParams cp;
  cp.rank = 3;
  cp.axis = 1;
  cp.output_dims[0] = 2, cp.output_dims[1] = 5, cp.output_dims[2] = 3;
  cp.input_axis_dims = {2, 3};
  const auto a = iota_words(2 * 2 * 3), b = iota_words(2 * 3 * 3 + 100);
  const uint32_t* inputs[2] = {a.data(), b.data() + 100};
  std::vector<uint32_t> y(30);
  concatenation_x32(cp, inputs, y.data());
  for (int o = 0; o < 2; ++o)
    for (int k = 0; k < 5; ++k)
      for (int i = 0; i < 3; ++i)
        REQUIRE(y[(o * 5 + k) * 3 + i] == (k < 2 ? a[(o * 2 + k) * 3 + i] : b[100 + (o * 3 + k - 2) * 3 + i]));
  SplitParams sp;
  sp.outer_size = 2;
  sp.inner_size = 3;
  sp.output_axis_dims = {2, 3};
  std::vector<uint32_t> s0(12), s1(18);
  uint32_t* outputs[2] = {s0.data(), s1.data()};
  split_x32(sp, y.data(), outputs);
  REQUIRE(s0 == a);
  REQUIRE(std::vector<uint32_t>(b.begin() + 100, b.end()) == s1);
}

TEST_CASE("strided_slice_x32 reads begin + i * stride, negative strides included", "[x32]") {
  StridedSliceParams p;
  p.rank = 2;
  p.input_dims[0] = 4, p.input_dims[1] = 6;
  p.output_dims[0] = 2, p.output_dims[1] = 3;
  p.begin[0] = 3, p.strides[0] = -2;
  p.begin[1] = 1, p.strides[1] = 2;
  const auto x = iota_words(24);
  std::vector<uint32_t> y(6);
  strided_slice_x32(p, x.data(), y.data());
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) REQUIRE(y[r * 3 + c] == x[(3 - 2 * r) * 6 + 1 + 2 * c]);
}

}  // namespace
}  // namespace qrt::reference
