// The data-movement and index ops of the TFLite importer (SPLIT, SPLIT_V, STRIDED_SLICE,
// TRANSPOSE, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, ARG_MAX, PADV2): each
// test builds a TFLite model, imports it, runs it through the C API and
// compares with the reference kernel called directly, with the kernel's
// parameters worked out here from TFLite's semantics (not by the importer's
// own helpers), so a wrong mapping of an option or mask fails.
#include <catch2/catch.hpp>

#include <cstring>
#include <numeric>
#include <random>

#include "converter/tflite/tflite_importer.h"
#include "kernels/reference/arg_max_s8.h"
#include "kernels/reference/pad_s8.h"
#include "kernels/reference/resize_bilinear_s8.h"
#include "kernels/reference/resize_nearest_neighbor_s8.h"
#include "kernels/reference/split_s8.h"
#include "kernels/reference/strided_slice_s8.h"
#include "kernels/reference/transpose_s8.h"
#include "tests/tflite/qfb_runner.h"
#include "tests/tflite/tflite_builder.h"

namespace qrt::test {
namespace {

using TT = tfl::TensorType;
using Catch::Matchers::Contains;

// Builtin codes of the TFLite format.
enum : int {
  kResizeBilinear = 23, kTranspose = 39, kStridedSlice = 45, kSplit = 49, kArgMax = 56, kPadV2 = 60,
  kResizeNearest = 97, kSplitV = 102,
};

std::vector<uint8_t> import(TfliteBuilder& b) {
  const std::vector<uint8_t> tflite = b.finish();
  return import_tflite(tflite.data(), tflite.size(), ImportOptions{});
}

std::string import_error(TfliteBuilder& b) {
  try {
    import(b);
  } catch (const ImportError& e) {
    return e.what();
  }
  return "";
}

std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

std::vector<uint8_t> as_bytes(const std::vector<int8_t>& v) { return std::vector<uint8_t>(v.begin(), v.end()); }

std::vector<int32_t> as_s32(const std::vector<uint8_t>& bytes) {
  std::vector<int32_t> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

int64_t product(const std::vector<int32_t>& dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<int64_t>());
}

// ---------------------------------------------------------------- SPLIT

TEST_CASE("TFLite SPLIT along a middle axis and a negative axis matches the reference kernel") {
  struct Case {
    std::vector<int32_t> shape;
    int32_t axis;  // as written in the model (may be negative)
    int splits;
  };
  const Case cases[] = {{{2, 6, 3}, 1, 3}, {{2, 3, 4}, -1, 2}, {{4, 2}, 0, 4}, {{1, 5}, 1, 1}};
  for (const Case& c : cases) {
    const int rank = static_cast<int>(c.shape.size());
    const int axis = c.axis < 0 ? c.axis + rank : c.axis;
    INFO("shape rank " << rank << ", axis " << c.axis << ", " << c.splits << " splits");
    const auto input = random_s8(static_cast<size_t>(product(c.shape)), 11);
    std::vector<int32_t> out_shape = c.shape;
    out_shape[axis] /= c.splits;

    TfliteBuilder b;
    const int axis_t = b.int32_constant("axis", {c.axis}, {});
    b.model().subgraphs[0]->tensors[axis_t]->shape = {};  // a scalar, as TF writes it
    const int in = b.tensor("in", TT::INT8, c.shape, {0.25f}, {-3});
    std::vector<int32_t> outs;
    for (int k = 0; k < c.splits; ++k) {
      outs.push_back(b.tensor("part" + std::to_string(k), TT::INT8, out_shape, {0.25f}, {-3}));
    }
    tfl::SplitOptionsT o;
    o.num_splits = c.splits;
    b.op(kSplit, {axis_t, in}, outs, tflite_options(o));
    b.inputs({in});
    b.outputs(outs);
    const auto got = run_qfb(import(b), {as_bytes(input)});
    REQUIRE(got.size() == static_cast<size_t>(c.splits));

    reference::SplitParams p;
    for (int d = 0; d < axis; ++d) p.outer_size *= c.shape[d];
    for (int d = axis + 1; d < rank; ++d) p.inner_size *= c.shape[d];
    p.output_axis_dims.assign(c.splits, out_shape[axis]);
    std::vector<std::vector<int8_t>> expected(c.splits, std::vector<int8_t>(product(out_shape)));
    std::vector<int8_t*> pointers;
    for (auto& e : expected) pointers.push_back(e.data());
    reference::split_s8(p, input.data(), pointers.data());
    for (int k = 0; k < c.splits; ++k) CHECK(got[k] == as_bytes(expected[k]));
  }
}

TEST_CASE("TFLite SPLIT_V with unequal sizes, a -1 size and a negative axis matches the reference kernel") {
  struct Case {
    std::vector<int32_t> shape;
    int32_t axis;                      // as written in the model (may be negative)
    std::vector<int32_t> size_splits;  // as written (one -1 allowed)
    std::vector<int32_t> sizes;        // the resolved sizes, worked out by hand
  };
  const Case cases[] = {{{2, 7, 3}, 1, {2, -1, 1}, {2, 4, 1}},
                        {{2, 3, 6}, -1, {1, 5}, {1, 5}},
                        {{5, 2}, -2, {-1, 3}, {2, 3}},
                        {{1, 4}, 1, {4}, {4}}};
  for (const Case& c : cases) {
    const int rank = static_cast<int>(c.shape.size());
    const int axis = c.axis < 0 ? c.axis + rank : c.axis;
    INFO("shape rank " << rank << ", axis " << c.axis << ", " << c.sizes.size() << " outputs");
    const auto input = random_s8(static_cast<size_t>(product(c.shape)), 12);

    TfliteBuilder b;
    const int in = b.tensor("in", TT::INT8, c.shape, {0.5f}, {7});
    const int sizes = b.int32_constant("size_splits", c.size_splits);
    const int axis_t = b.int32_constant("axis", {c.axis}, {});
    b.model().subgraphs[0]->tensors[axis_t]->shape = {};  // a scalar
    std::vector<int32_t> outs;
    std::vector<std::vector<int32_t>> out_shapes;
    for (size_t k = 0; k < c.sizes.size(); ++k) {
      std::vector<int32_t> shape = c.shape;
      shape[axis] = c.sizes[k];
      out_shapes.push_back(shape);
      outs.push_back(b.tensor("part" + std::to_string(k), TT::INT8, shape, {0.5f}, {7}));
    }
    tfl::SplitVOptionsT o;
    o.num_splits = static_cast<int32_t>(c.sizes.size());
    b.op(kSplitV, {in, sizes, axis_t}, outs, tflite_options(o));
    b.inputs({in});
    b.outputs(outs);
    const auto got = run_qfb(import(b), {as_bytes(input)});
    REQUIRE(got.size() == c.sizes.size());

    reference::SplitParams p;
    for (int d = 0; d < axis; ++d) p.outer_size *= c.shape[d];
    for (int d = axis + 1; d < rank; ++d) p.inner_size *= c.shape[d];
    p.output_axis_dims = c.sizes;
    std::vector<std::vector<int8_t>> expected;
    std::vector<int8_t*> pointers;
    for (const auto& shape : out_shapes) expected.emplace_back(product(shape));
    for (auto& e : expected) pointers.push_back(e.data());
    reference::split_s8(p, input.data(), pointers.data());
    for (size_t k = 0; k < c.sizes.size(); ++k) CHECK(got[k] == as_bytes(expected[k]));
  }
}

TEST_CASE("TFLite SPLIT_V with inconsistent sizes is refused with the problem named") {
  struct Case {
    std::vector<int32_t> size_splits;
    std::vector<int32_t> output_dims;  // each output's length along axis 1
    const char* message;
  };
  const Case cases[] = {{{2, 3}, {2, 4}, "add up to 5"},
                        {{-1, -1}, {3, 3}, "-1 appears twice"},
                        {{7, -1}, {3, 3}, "out of range"},
                        {{2, -1}, {3, 3}, "should have 2 along axis 1"},
                        {{6}, {3, 3}, "holds 1 values for 2 outputs"}};
  for (const Case& c : cases) {
    INFO(c.message);
    TfliteBuilder b;
    const int in = b.tensor("in", TT::INT8, {1, 6}, {0.1f}, {0});
    const int sizes = b.int32_constant("sizes", c.size_splits);
    const int axis = b.int32_constant("axis", {1});
    std::vector<int32_t> outs;
    for (size_t k = 0; k < c.output_dims.size(); ++k) {
      outs.push_back(b.tensor("o" + std::to_string(k), TT::INT8, {1, c.output_dims[k]}, {0.1f}, {0}));
    }
    b.op(kSplitV, {in, sizes, axis}, outs);
    b.inputs({in});
    b.outputs(outs);
    const std::string error = import_error(b);
    CHECK_THAT(error, Contains("SPLIT_V") && Contains(c.message));
  }
}

// -------------------------------------------------------- STRIDED_SLICE

struct SliceCase {
  const char* what;
  std::vector<int32_t> input_shape;
  std::vector<int32_t> begin, end, strides;
  int begin_mask = 0, end_mask = 0, shrink_axis_mask = 0;
  std::vector<int32_t> output_shape;  // the TFLite output tensor
  // The reference kernel's parameters, worked out by hand from TFLite's rules.
  std::vector<int> ref_begin, ref_strides, ref_dims;
};

TEST_CASE("TFLite STRIDED_SLICE masks, negative strides and shrink axes match the reference kernel") {
  const SliceCase cases[] = {
      // dim 1: 1, 3; dim 2: begin -1 -> 4, stride -2 -> 4, 2 (end 0 excluded);
      // begin_mask on dim 3, end_mask on dim 0.
      {"masks and a negative stride", {1, 4, 5, 3}, {0, 1, -1, 2}, {7, 4, 0, 3}, {1, 2, -2, 1}, 0b1000, 0b0001, 0,
       {1, 2, 2, 3}, {0, 1, 4, 0}, {1, 2, -2, 1}, {1, 2, 2, 3}},
      // Both dims fully reversed by masks; the ends are ignored.
      {"full reverse by masks", {3, 6}, {0, 0}, {0, 0}, {-1, -1}, 0b11, 0b11, 0, {3, 6}, {2, 5}, {-1, -1}, {3, 6}},
      // Out-of-range ends clamp; stride 3 from 1: 1, 4.
      {"clamped ends", {2, 6}, {-5, 1}, {100, 100}, {1, 3}, 0, 0, 0, {2, 2}, {0, 1}, {1, 3}, {2, 2}},
      // Shrink dims 0 and 2: index 1 of dim 0, index -2 -> 2 of dim 2.
      {"shrink axes", {2, 3, 4}, {1, 0, -2}, {2, 3, -1}, {1, 1, 1}, 0, 0, 0b101, {3}, {1, 0, 2}, {1, 1, 1}, {1, 3, 1}},
      // Shrink with a negative stride elsewhere; begin / end shorter than the rank.
      {"shrink, reverse, short spec", {3, 4, 2}, {-1, 3}, {0, -5}, {1, -1}, 0, 0, 0b01, {4, 2}, {2, 3, 0},
       {1, -1, 1}, {1, 4, 2}},
  };
  for (const SliceCase& c : cases) {
    INFO(c.what);
    const auto input = random_s8(static_cast<size_t>(product(c.input_shape)), 21);
    TfliteBuilder b;
    const int in = b.tensor("in", TT::INT8, c.input_shape, {0.5f}, {4});
    const int begin = b.int32_constant("begin", c.begin);
    const int end = b.int32_constant("end", c.end);
    const int strides = b.int32_constant("strides", c.strides);
    const int out = b.tensor("out", TT::INT8, c.output_shape, {0.5f}, {4});
    tfl::StridedSliceOptionsT o;
    o.begin_mask = c.begin_mask;
    o.end_mask = c.end_mask;
    o.shrink_axis_mask = c.shrink_axis_mask;
    b.op(kStridedSlice, {in, begin, end, strides}, {out}, tflite_options(o));
    b.inputs({in});
    b.outputs({out});
    const auto got = run_qfb(import(b), {as_bytes(input)});

    reference::StridedSliceParams p;
    p.rank = static_cast<int>(c.input_shape.size());
    for (int d = 0; d < p.rank; ++d) {
      p.input_dims[d] = c.input_shape[d];
      p.begin[d] = c.ref_begin[d];
      p.strides[d] = c.ref_strides[d];
      p.output_dims[d] = c.ref_dims[d];
    }
    std::vector<int8_t> expected(static_cast<size_t>(product(c.output_shape)));
    reference::strided_slice_s8(p, input.data(), expected.data());
    CHECK(got[0] == as_bytes(expected));
  }
}

TEST_CASE("TFLite STRIDED_SLICE: a reversed last dimension reads the input backwards") {
  // An oracle independent of the reference kernel too: [2, 5] reversed along dim 1.
  TfliteBuilder b;
  const int in = b.tensor("in", TT::INT8, {2, 5}, {0.5f}, {0});
  const int begin = b.int32_constant("begin", {0, -1});
  const int end = b.int32_constant("end", {2, -6});
  const int strides = b.int32_constant("strides", {1, -1});
  const int out = b.tensor("out", TT::INT8, {2, 5}, {0.5f}, {0});
  b.op(kStridedSlice, {in, begin, end, strides}, {out}, tflite_options(tfl::StridedSliceOptionsT()));
  b.inputs({in});
  b.outputs({out});
  const auto got = run_qfb(import(b), {{0, 1, 2, 3, 4, 10, 11, 12, 13, 14}});
  CHECK(got[0] == std::vector<uint8_t>{4, 3, 2, 1, 0, 14, 13, 12, 11, 10});
}

// ------------------------------------------------------------ TRANSPOSE

TEST_CASE("TFLite TRANSPOSE of rank 2, 3 and 4 matches the reference kernel") {
  struct Case {
    std::vector<int32_t> shape;
    std::vector<int32_t> perm;
  };
  const Case cases[] = {{{3, 5}, {1, 0}}, {{2, 3, 4}, {2, 0, 1}}, {{2, 3, 4, 5}, {0, 3, 1, 2}},
                        {{2, 3, 4, 5}, {3, 2, 1, 0}}};
  for (const Case& c : cases) {
    const int rank = static_cast<int>(c.shape.size());
    INFO("rank " << rank << ", perm[0] " << c.perm[0]);
    const auto input = random_s8(static_cast<size_t>(product(c.shape)), 31);
    std::vector<int32_t> out_shape(rank);
    for (int i = 0; i < rank; ++i) out_shape[i] = c.shape[c.perm[i]];
    TfliteBuilder b;
    const int in = b.tensor("in", TT::INT8, c.shape, {0.1f}, {-1});
    const int perm = b.int32_constant("perm", c.perm);
    const int out = b.tensor("out", TT::INT8, out_shape, {0.1f}, {-1});
    b.op(kTranspose, {in, perm}, {out});
    b.inputs({in});
    b.outputs({out});
    const auto got = run_qfb(import(b), {as_bytes(input)});

    reference::TransposeParams p;
    p.rank = rank;
    for (int d = 0; d < rank; ++d) {
      p.input_dims[d] = c.shape[d];
      p.perm[d] = c.perm[d];
    }
    std::vector<int8_t> expected(input.size());
    reference::transpose_s8(p, input.data(), expected.data());
    CHECK(got[0] == as_bytes(expected));
  }
}

// --------------------------------------------------------------- RESIZE

struct ResizeCase {
  int in_h, in_w, out_h, out_w;
  bool align_corners, half_pixel_centers;
};

const ResizeCase kResizeCases[] = {
    {3, 4, 5, 7, false, false}, {3, 4, 5, 7, true, false}, {3, 4, 5, 7, false, true},
    {7, 6, 3, 4, false, false}, {7, 6, 3, 4, true, false}, {7, 6, 3, 4, false, true},
    {1, 1, 3, 2, false, true},  {4, 4, 4, 4, false, true},
};

template <typename Options>
std::vector<uint8_t> run_resize(int code, const ResizeCase& c, const std::vector<int8_t>& input, int channels) {
  TfliteBuilder b;
  const int in = b.tensor("in", TT::INT8, {2, c.in_h, c.in_w, channels}, {0.05f}, {-10});
  const int size = b.int32_constant("size", {c.out_h, c.out_w});
  const int out = b.tensor("out", TT::INT8, {2, c.out_h, c.out_w, channels}, {0.05f}, {-10});
  Options o;
  o.align_corners = c.align_corners;
  o.half_pixel_centers = c.half_pixel_centers;
  b.op(code, {in, size}, {out}, tflite_options(o));
  b.inputs({in});
  b.outputs({out});
  return run_qfb(import(b), {as_bytes(input)})[0];
}

reference::ResizeParams resize_params(const ResizeCase& c, int channels) {
  reference::ResizeParams p;
  p.batches = 2;
  p.channels = channels;
  p.input_height = c.in_h;
  p.input_width = c.in_w;
  p.output_height = c.out_h;
  p.output_width = c.out_w;
  p.align_corners = c.align_corners;
  p.half_pixel_centers = c.half_pixel_centers;
  return p;
}

TEST_CASE("TFLite RESIZE_BILINEAR (align_corners, half_pixel_centers, up and down) matches the reference kernel") {
  const int channels = 3;
  for (const ResizeCase& c : kResizeCases) {
    INFO(c.in_h << "x" << c.in_w << " -> " << c.out_h << "x" << c.out_w << " align_corners " << c.align_corners
                << " half_pixel_centers " << c.half_pixel_centers);
    const auto input = random_s8(static_cast<size_t>(2 * c.in_h * c.in_w * channels), 41);
    const auto got = run_resize<tfl::ResizeBilinearOptionsT>(kResizeBilinear, c, input, channels);
    std::vector<int8_t> expected(static_cast<size_t>(2 * c.out_h * c.out_w * channels));
    reference::resize_bilinear_s8(resize_params(c, channels), input.data(), expected.data());
    CHECK(got == as_bytes(expected));
  }
}

TEST_CASE("TFLite RESIZE_BILINEAR: upscaling 1x2 -> 1x4 half-pixel gives TFLite's integers") {
  // Independent of the reference kernel: TFLite's ResizeBilinearInteger for
  // x in 0..3: scale 512, src = x * 512 + 256 - 512 -> -256, 256, 768, 1280;
  // lo/hi 0/0, 0/1, 0/1, 1/1 (clamped), weights of the right pixel 0, 256, 768, 0 (of 1024).
  TfliteBuilder b;
  const int in = b.tensor("in", TT::INT8, {1, 1, 2, 1}, {0.1f}, {0});
  const int size = b.int32_constant("size", {1, 4});
  const int out = b.tensor("out", TT::INT8, {1, 1, 4, 1}, {0.1f}, {0});
  tfl::ResizeBilinearOptionsT o;
  o.half_pixel_centers = true;
  b.op(kResizeBilinear, {in, size}, {out}, tflite_options(o));
  b.inputs({in});
  b.outputs({out});
  const auto got = run_qfb(import(b), {{static_cast<uint8_t>(int8_t{-100}), 100}});
  // -100 + 200 * 256/1024 = -50; -100 + 200 * 768/1024 = 50.
  CHECK(got[0] == as_bytes({-100, -50, 50, 100}));
}

TEST_CASE("TFLite RESIZE_NEAREST_NEIGHBOR (every align_corners / half_pixel_centers pair) matches the reference") {
  const int channels = 2;
  std::vector<ResizeCase> cases(std::begin(kResizeCases), std::end(kResizeCases));
  cases.push_back({3, 4, 5, 7, true, true});  // allowed for nearest neighbour, as in TFLite
  cases.push_back({7, 6, 3, 4, true, true});
  for (const ResizeCase& c : cases) {
    INFO(c.in_h << "x" << c.in_w << " -> " << c.out_h << "x" << c.out_w << " align_corners " << c.align_corners
                << " half_pixel_centers " << c.half_pixel_centers);
    const auto input = random_s8(static_cast<size_t>(2 * c.in_h * c.in_w * channels), 51);
    const auto got = run_resize<tfl::ResizeNearestNeighborOptionsT>(kResizeNearest, c, input, channels);
    std::vector<int8_t> expected(static_cast<size_t>(2 * c.out_h * c.out_w * channels));
    reference::resize_nearest_neighbor_s8(resize_params(c, channels), input.data(), expected.data());
    CHECK(got == as_bytes(expected));
  }
}

TEST_CASE("TFLite RESIZE_NEAREST_NEIGHBOR: 2 -> 5 picks TFLite's source columns") {
  // scale 0.4: floor(x * 0.4) = 0 0 0 1 1; with half-pixel centers
  // floor((x + 0.5) * 0.4) = 0 0 1 1 1; align_corners: round(x * 0.25) = 0 0 1 1 1
  // (0.5 rounds away from zero).
  const std::vector<std::pair<std::pair<bool, bool>, std::vector<uint8_t>>> cases = {
      {{false, false}, {7, 7, 7, 9, 9}}, {{false, true}, {7, 7, 9, 9, 9}}, {{true, false}, {7, 7, 9, 9, 9}}};
  for (const auto& c : cases) {
    INFO("align_corners " << c.first.first << " half_pixel_centers " << c.first.second);
    TfliteBuilder b;
    const int in = b.tensor("in", TT::INT8, {1, 1, 2, 1}, {0.1f}, {0});
    const int size = b.int32_constant("size", {1, 5});
    const int out = b.tensor("out", TT::INT8, {1, 1, 5, 1}, {0.1f}, {0});
    tfl::ResizeNearestNeighborOptionsT o;
    o.align_corners = c.first.first;
    o.half_pixel_centers = c.first.second;
    b.op(kResizeNearest, {in, size}, {out}, tflite_options(o));
    b.inputs({in});
    b.outputs({out});
    CHECK(run_qfb(import(b), {{7, 9}})[0] == c.second);
  }
}

// -------------------------------------------------------------- ARG_MAX

TEST_CASE("TFLite ARG_MAX (int32 and int64 outputs, each axis) matches the reference kernel") {
  const std::vector<int32_t> shape = {2, 3, 5};
  auto input = random_s8(30, 61);
  input[0] = input[5] = 127;  // a tie along axis 1 at [0, 0, 0] / [0, 1, 0]: the lower index wins
  for (int32_t axis_value : {0, 1, 2, -1}) {
    for (TT out_type : {TT::INT32, TT::INT64}) {
      const int axis = axis_value < 0 ? axis_value + 3 : axis_value;
      INFO("axis " << axis_value << (out_type == TT::INT64 ? " int64" : " int32"));
      std::vector<int32_t> out_shape;
      for (int d = 0; d < 3; ++d) {
        if (d != axis) out_shape.push_back(shape[d]);
      }
      TfliteBuilder b;
      const int in = b.tensor("in", TT::INT8, shape, {0.1f}, {0});
      const int axis_t = b.int32_constant("axis", {axis_value});
      const int out = b.tensor("index", out_type, out_shape);
      tfl::ArgMaxOptionsT o;
      o.output_type = out_type;
      b.op(kArgMax, {in, axis_t}, {out}, tflite_options(o));
      b.inputs({in});
      b.outputs({out});
      const auto got = run_qfb(import(b), {as_bytes(input)});

      reference::ArgMaxParams p;
      for (int d = 0; d < axis; ++d) p.outer_size *= shape[d];
      p.axis_size = shape[axis];
      for (int d = axis + 1; d < 3; ++d) p.inner_size *= shape[d];
      std::vector<int32_t> expected(static_cast<size_t>(product(out_shape)));
      reference::arg_max_s8(p, input.data(), expected.data());
      CHECK(as_s32(got[0]) == expected);  // int64 in the model, int32 at the API
      if (axis == 1) CHECK(expected[0] == 0);
    }
  }
}

TEST_CASE("TFLite ARG_MAX on a legacy uint8 input keeps the order of the uint8 values") {
  TfliteBuilder b;
  const int in = b.tensor("in", TT::UINT8, {2, 4}, {0.1f}, {128});
  const int axis_t = b.int32_constant("axis", {1});
  const int out = b.tensor("index", TT::INT32, {2});
  tfl::ArgMaxOptionsT o;
  o.output_type = TT::INT32;
  b.op(kArgMax, {in, axis_t}, {out}, tflite_options(o));
  b.inputs({in});
  b.outputs({out});
  // 200 > 127 > 3 in uint8 terms (int8 72 > -1 > -125); a signed reading would pick 127.
  const auto got = run_qfb(import(b), {{3, 127, 200, 0, 255, 254, 0, 255}});
  CHECK(as_s32(got[0]) == std::vector<int32_t>{2, 0});
}

// ---------------------------------------------------------------- PADV2

TEST_CASE("TFLite PADV2 with the zero point as constant matches the reference kernel") {
  const std::vector<int32_t> shape = {1, 3, 2, 2};
  const auto input = random_s8(12, 71);
  const std::vector<int32_t> paddings = {0, 0, 2, 1, 0, 3, 1, 0};
  const int8_t zp = -17;
  TfliteBuilder b;
  const int in = b.tensor("in", TT::INT8, shape, {0.2f}, {zp});
  const int pads = b.int32_constant("paddings", paddings, {4, 2});
  const int value = b.tensor("value", TT::INT8, {}, {0.2f}, {zp}, 0, {static_cast<uint8_t>(zp)});
  const int out = b.tensor("out", TT::INT8, {1, 6, 5, 3}, {0.2f}, {zp});
  b.op(kPadV2, {in, pads, value}, {out});
  b.inputs({in});
  b.outputs({out});
  const auto got = run_qfb(import(b), {as_bytes(input)});

  reference::PadParams p;
  p.rank = 4;
  for (int d = 0; d < 4; ++d) {
    p.input_dims[d] = shape[d];
    p.pad_before[d] = paddings[2 * d];
    p.pad_after[d] = paddings[2 * d + 1];
  }
  p.fill_value = zp;
  std::vector<int8_t> expected(90);
  reference::pad_s8(p, input.data(), expected.data());
  CHECK(got[0] == as_bytes(expected));
}

TEST_CASE("TFLite PADV2 with another constant value is refused with the value named") {
  TfliteBuilder b;
  const int in = b.tensor("in", TT::INT8, {1, 2}, {0.2f}, {-17});
  const int pads = b.int32_constant("paddings", {0, 0, 1, 1}, {2, 2});
  const int value = b.tensor("value", TT::INT8, {}, {0.2f}, {-17}, 0, {static_cast<uint8_t>(int8_t{-128})});
  const int out = b.tensor("out", TT::INT8, {1, 4}, {0.2f}, {-17});
  b.op(kPadV2, {in, pads, value}, {out});
  b.inputs({in});
  b.outputs({out});
  CHECK_THAT(import_error(b), Contains("PADV2") && Contains("-128"));
}

}  // namespace
}  // namespace qrt::test
