// The x86 IGEMM convolution kernels (kernels/conv_s8.h) against
// reference::conv2d_s8, byte for byte: random shapes (batch 1-2, 1x1 images,
// filters larger than the image, kernel sizes 1 to 7, strides 1 to 3,
// dilation 1 to 3, padding on every side, odd channel counts, N not a multiple
// of the tile, K not a multiple of the K group), zero points -128 / 127,
// saturating sums, tiny and huge scales, clamps, both requantization rules
// (fixedpoint with double and single rounding), per-channel and per-tensor
// (non-zero filter zero point) weights; and igemm_run_parallel on 1 and 2
// threads. Each ISA is reached through the dispatch table and skipped when
// this CPU (or this build) lacks it. The long sweep is tagged [.long].
#include "tests/kernels/conv_igemm_cases.h"

using namespace qrt::test::igemm;

TEST_CASE("x86 conv: the reference table has no IGEMM kernel", "[x86_conv]") {
  std::string error;
  const qrt::KernelTable* reference = qrt::find_kernel_table("reference", &error);
  REQUIRE(reference != nullptr);
  REQUIRE(reference->conv.run == nullptr);
  REQUIRE(std::string(reference->conv2d.name) == "conv2d_s8_reference");
}

TEST_CASE("x86 conv: the indirection buffer points at every tap, -1 in the padding", "[x86_conv]") {
  qrt::reference::Conv2DParams p;
  p.batch = 2;
  p.input_height = 2;
  p.input_width = 3;
  p.input_channels = 4;
  p.kernel_height = p.kernel_width = 3;
  p.pad_top = p.pad_left = 1;
  p.output_height = 2;
  p.output_width = 3;
  REQUIRE(qrt::conv_indirection_size(p) == 2 * 2 * 3 * 9);
  std::vector<int32_t> offsets(qrt::conv_indirection_size(p));
  qrt::conv_build_indirection(p, offsets.data());
  // Batch 1, output (1, 2): taps (0..2, 1..3) minus the padding row and column.
  const int32_t* pixel = &offsets[((1 * 2 + 1) * 3 + 2) * 9];
  const int32_t base = 2 * 3 * 4;
  const std::vector<int32_t> expected = {base + (0 * 3 + 1) * 4, base + (0 * 3 + 2) * 4, -1,
                                         base + (1 * 3 + 1) * 4, base + (1 * 3 + 2) * 4, -1,
                                         -1,                     -1,                     -1};
  REQUIRE(std::vector<int32_t>(pixel, pixel + 9) == expected);
}

TEST_CASE("x86 conv: qs8_igemm 6x16c2 avx2 equals the conv reference on random cases", "[x86_conv]") {
  check_random_cases("avx2", 1, 150);
}

TEST_CASE("x86 conv: qs8_igemm 6x16c2 avx2 corner cases", "[x86_conv]") { check_corner_cases("avx2"); }

TEST_CASE("x86 conv: qs8_igemm 8x32c4 avx512vnni equals the conv reference on random cases", "[x86_conv]") {
  check_random_cases("avx512vnni", 2, 150);
}

TEST_CASE("x86 conv: qs8_igemm 8x32c4 avx512vnni corner cases", "[x86_conv]") { check_corner_cases("avx512vnni"); }

TEST_CASE("x86 conv: igemm_run_parallel's row and column splits equal one thread (avx2, avx512vnni)", "[x86_conv]") {
  check_split_cases("avx2");
  check_split_cases("avx512vnni");
}

TEST_CASE("x86 conv: qs8_igemm 4x8c2 sse41 equals the conv reference on random cases", "[x86_conv]") {
  check_random_cases("sse41", 3, 150);
}

TEST_CASE("x86 conv: qs8_igemm 4x8c2 sse41 corner cases", "[x86_conv]") { check_corner_cases("sse41"); }

TEST_CASE("x86 conv: qs8_igemm 6x16c4 avxvnni equals the conv reference on random cases", "[x86_conv]") {
  check_random_cases("avxvnni", 4, 150);
}

TEST_CASE("x86 conv: qs8_igemm 6x16c4 avxvnni corner cases", "[x86_conv]") { check_corner_cases("avxvnni"); }

TEST_CASE("x86 conv long: qs8_igemm avx2, 5000 random cases per rule", "[x86_conv][.long]") {
  check_random_cases("avx2", 101, 5000);
}

TEST_CASE("x86 conv long: qs8_igemm avx512vnni, 5000 random cases per rule", "[x86_conv][.long]") {
  check_random_cases("avx512vnni", 102, 5000);
}

TEST_CASE("x86 conv long: qs8_igemm sse41, 5000 random cases per rule", "[x86_conv][.long]") {
  check_random_cases("sse41", 103, 5000);
}

TEST_CASE("x86 conv long: qs8_igemm avxvnni, 5000 random cases per rule", "[x86_conv][.long]") {
  check_random_cases("avxvnni", 104, 5000);
}

// ---- The direct convolution for few input channels (conv_smallcin_s8.h) ----
// Against reference::conv2d_s8 byte for byte: 1 to 4 input channels, kernels
// 1x1 to 7x7 (some not square), stride 1 / 2 (some 3), dilation 1 (some 2 and
// 3), VALID, SAME and arbitrary padding, 1x1, odd and wide images (rows of
// more than one pixel run), batch 1 and 2, 1 to 80 output channels, the zero
// points, scales, clamps and rules of random_case, per-channel and
// per-tensor weights (a per-tensor filter zero point taken off the weights at
// packing, which then must fit int8). Both schemes: the uint8 patches of the
// AVX-512 VNNI kernel, the int16 pairs of the AVX2 one.

namespace {

// random_case's quantization and output channels, with a small-channel
// geometry.
ConvCase smallcin_case(std::mt19937& rng, RequantRule rule) {
  ConvCase c = random_case(rng, rule);
  auto& p = c.p;
  p.input_channels = uniform(rng, 1, 4);
  if (uniform(rng, 0, 5) == 0) {  // up to 80 output channels: 5 tiles of 16, 2.5 of 32
    p.output_channels = pick(rng, {72, 79, 80});
    if (c.per_channel) c.weight_scales.resize(p.output_channels, c.weight_scales.back());
  }
  for (;;) {
    p.input_height = pick(rng, {1, 2, 3, 4, 5, 7, 8, 11, 16});
    p.input_width = p.input_height <= 3 && uniform(rng, 0, 3) == 0 ? pick(rng, {64, 67, 130, 131})
                                                                   : pick(rng, {1, 2, 3, 5, 7, 9, 12, 15});
    p.kernel_height = uniform(rng, 0, 2) == 0 ? 3 : uniform(rng, 1, 7);
    p.kernel_width = uniform(rng, 0, 3) == 0 ? uniform(rng, 1, 7) : p.kernel_height;
    p.stride_height = pick(rng, {1, 2, 2, 1, 3});
    p.stride_width = uniform(rng, 0, 4) == 0 ? pick(rng, {1, 2, 3}) : p.stride_height;
    p.dilation_height = uniform(rng, 0, 5) == 0 ? pick(rng, {2, 3}) : 1;
    p.dilation_width = uniform(rng, 0, 5) == 0 ? pick(rng, {2, 3}) : 1;
    const int eh = (p.kernel_height - 1) * p.dilation_height + 1, ew = (p.kernel_width - 1) * p.dilation_width + 1;
    int pad_bottom = 0, pad_right = 0;
    p.pad_top = p.pad_left = 0;
    switch (uniform(rng, 0, 2)) {
      case 0: break;  // VALID
      case 1: {       // SAME (TensorFlow's split: the odd pixel at the end)
        const int oh = (p.input_height + p.stride_height - 1) / p.stride_height;
        const int ow = (p.input_width + p.stride_width - 1) / p.stride_width;
        const int th = std::max((oh - 1) * p.stride_height + eh - p.input_height, 0);
        const int tw = std::max((ow - 1) * p.stride_width + ew - p.input_width, 0);
        p.pad_top = th / 2;
        pad_bottom = th - th / 2;
        p.pad_left = tw / 2;
        pad_right = tw - tw / 2;
        break;
      }
      default:
        p.pad_top = uniform(rng, 0, eh - 1);
        p.pad_left = uniform(rng, 0, ew - 1);
        pad_bottom = uniform(rng, 0, eh - 1);
        pad_right = uniform(rng, 0, ew - 1);
    }
    p.output_height = output_size(p.input_height, p.kernel_height, p.stride_height, p.dilation_height, p.pad_top,
                                  pad_bottom);
    p.output_width = output_size(p.input_width, p.kernel_width, p.stride_width, p.dilation_width, p.pad_left,
                                 pad_right);
    if (p.output_height > 0 && p.output_width > 0) break;
  }
  return c;
}

// Per-tensor weights moved into [zw - 128, zw + 127], where the packing takes
// them (the extremes stay extremes).
void fit_weights(const ConvCase& c, Data* d) {
  const int lo = std::max(-128, c.p.filter_zero_point - 128), hi = std::min(127, c.p.filter_zero_point + 127);
  for (auto& w : d->filter) w = static_cast<int8_t>(std::min(std::max(int{w}, lo), hi));
}

// Packs as prepare does and runs through conv_smallcin_run_parallel on
// `pool` (nullptr: one thread), scratch exactly sized so ASan sees overruns.
std::vector<int8_t> run_smallcin(const qrt::ConvSmallCinKernel& k, const ConvCase& c, const Data& d,
                                 pthreadpool_t pool) {
  OutputRequantStorage rq = epilogue(c);
  qrt::reference::Conv2DParams p = c.p;
  p.requant = rq.requant;
  REQUIRE(k.fits(p, d.filter.data()));
  qrt::GemmPackParams pack;
  pack.n = p.output_channels;
  pack.k = c.k();
  pack.weights = d.filter.data();
  pack.bias = c.bias ? d.bias.data() : nullptr;
  pack.input_zero_point = p.input_zero_point;
  pack.filter_zero_point = p.filter_zero_point;
  pack.requant = rq.requant;
  const qrt::ConvSmallCinRunParams r = qrt::make_conv_smallcin_run_params(p);
  std::vector<uint8_t> packed(k.packed_size(r));
  k.pack(r, pack, packed.data());
  const size_t stride = k.scratch_stride(r);
  std::vector<uint8_t> scratch(2 * stride);
  std::vector<int8_t> out(c.pixels() * pack.n, 0x5A);
  qrt::conv_smallcin_run_parallel(k.run, r, d.input.data(), packed.data(), scratch.data(), stride, 2, out.data(),
                                  pool);
  return out;
}

const qrt::KernelTable* smallcin_table(const char* isa) {
  std::string error;
  const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
  if (table == nullptr) {
    WARN("skipped: " << error);
    return nullptr;
  }
  REQUIRE(table->conv_smallcin.run != nullptr);
  return table;
}

// `cases` random cases per rule, every third also on a 2-thread pool; most
// per-tensor weights are fitted, the others must be refused.
void check_smallcin_random_cases(const char* isa, uint32_t seed, int cases) {
  const qrt::KernelTable* table = smallcin_table(isa);
  if (table == nullptr) return;
  Pool pool(pthreadpool_create(2), pthreadpool_destroy);
  REQUIRE(pool != nullptr);
  std::mt19937 rng(seed);
  int checked = 0, refused = 0;
  for (RequantRule rule : {RequantRule::kFixedPoint, RequantRule::kFp32}) {
    for (int i = 0; i < cases; ++i) {
      const ConvCase c = smallcin_case(rng, rule);
      Data d = qrt::test::igemm::random_data(c, rng);
      INFO(table->conv_smallcin.name << " case " << i << ": " << c.describe());
      if (!c.per_channel && uniform(rng, 0, 7) != 0) fit_weights(c, &d);
      bool fits = true;
      for (int8_t w : d.filter) {
        const int shifted = int{w} - c.p.filter_zero_point;
        fits = fits && shifted >= -128 && shifted <= 127;
      }
      REQUIRE(qrt::conv_smallcin_fits(c.p, d.filter.data()) == fits);
      // The int16 pairs take every filter zero point.
      fits = fits || table->conv_smallcin.scheme == qrt::ConvSmallCinScheme::kPairs;
      REQUIRE(table->conv_smallcin.fits(c.p, d.filter.data()) == fits);
      if (!fits) {
        ++refused;
        continue;
      }
      const std::vector<int8_t> expected = run_reference(c, d);
      require_equal(run_smallcin(table->conv_smallcin, c, d, nullptr), expected, c.p.output_channels);
      if (i % 3 == 0) require_equal(run_smallcin(table->conv_smallcin, c, d, pool.get()), expected, c.p.output_channels);
      ++checked;
    }
  }
  REQUIRE(checked + refused == 2 * cases);
  REQUIRE(checked >= cases);  // most cases ran the kernel
}

}  // namespace

TEST_CASE("x86 conv: conv_smallcin_fits takes 1 to 4 channels, groups 1 and weights that fit int8", "[x86_conv]") {
  qrt::reference::Conv2DParams p;
  p.input_height = p.input_width = 8;
  p.kernel_height = p.kernel_width = 3;
  p.output_height = p.output_width = 6;
  p.output_channels = 2;
  std::vector<int8_t> w(2 * 3 * 3 * 5, -128);
  for (int c = 1; c <= 4; ++c) {
    p.input_channels = c;
    REQUIRE(qrt::conv_smallcin_fits(p, w.data()));
  }
  p.input_channels = 5;
  REQUIRE_FALSE(qrt::conv_smallcin_fits(p, w.data()));
  p.input_channels = 4;
  p.groups = 2;
  REQUIRE_FALSE(qrt::conv_smallcin_fits(p, w.data()));
  p.groups = 1;
  p.filter_zero_point = 1;  // -128 - 1 leaves int8
  REQUIRE_FALSE(qrt::conv_smallcin_fits(p, w.data()));
  p.filter_zero_point = -1;  // -128 + 1 fits
  REQUIRE(qrt::conv_smallcin_fits(p, w.data()));
  w[7] = 127;  // 127 + 1 does not
  REQUIRE_FALSE(qrt::conv_smallcin_fits(p, w.data()));
  p.filter_zero_point = 0;
  p.kernel_height = p.kernel_width = 17;  // K = 1156: past the patch limit
  std::vector<int8_t> big(2 * 17 * 17 * 4, 1);
  REQUIRE_FALSE(qrt::conv_smallcin_fits(p, big.data()));
}

TEST_CASE("x86 conv: the avx512vnni, avxvnni and avx2 tables have small-channel kernels", "[x86_conv]") {
  std::string error;
  for (const char* isa : {"reference", "sse41"}) {
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table != nullptr) REQUIRE(table->conv_smallcin.run == nullptr);
  }
  const qrt::KernelTable* table = smallcin_table("avx512vnni");
  if (table != nullptr) {
    REQUIRE(std::string(table->conv_smallcin.name) == "qs8_conv_smallcin_minmax_8x32c4__avx512vnni");
  }
  table = smallcin_table("avx2");
  if (table != nullptr) REQUIRE(std::string(table->conv_smallcin.name) == "qs8_conv_smallcin_minmax_6x16c2__avx2");
  REQUIRE((table == nullptr || table->conv_smallcin.takes == nullptr));
  table = smallcin_table("avxvnni");
  if (table != nullptr) {
    REQUIRE(std::string(table->conv_smallcin.name) == "qs8_conv_smallcin_minmax_6x16c2__avxvnni");
    // It leaves to the vpdpbusd IGEMM the layers with many channels and long filter rows.
    qrt::reference::Conv2DParams p;
    p.input_channels = 3;
    p.kernel_height = p.kernel_width = 7;
    p.output_channels = 64;
    REQUIRE(table->conv_smallcin.takes(p));
    p.output_channels = 128;
    REQUIRE_FALSE(table->conv_smallcin.takes(p));
    p.input_channels = 2;
    REQUIRE(table->conv_smallcin.takes(p));
  }
}

TEST_CASE("x86 conv: the int16 pairs cover every filter position once, adjacent values in a lane", "[x86_conv]") {
  qrt::reference::Conv2DParams p;
  p.input_height = p.input_width = 9;
  p.output_height = p.output_width = 4;
  for (int kh = 1; kh <= 7; ++kh) {
    for (int kw = 1; kw <= 7; kw += 2) {
      for (int cin = 1; cin <= 4; ++cin) {
        for (int dw : {1, 2}) {
          p.kernel_height = kh;
          p.kernel_width = kw;
          p.input_channels = cin;
          p.dilation_width = dw;
          const qrt::ConvSmallCinRunParams r = qrt::make_conv_smallcin_run_params(p);
          INFO(kh << "x" << kw << "x" << cin << " dilation " << dw);
          const int pairs = qrt::conv_smallcin_pair_count(r);
          const size_t stride = 1000;
          std::vector<int32_t> offsets(pairs), positions(2 * pairs);
          qrt::conv_smallcin_pairs(r, stride, offsets.data(), positions.data());
          std::vector<int> seen(kh * kw * cin, 0);
          for (int i = 0; i < pairs; ++i) {
            const int first = positions[2 * i], second = positions[2 * i + 1];
            REQUIRE(first >= 0);
            ++seen[first];
            if (second >= 0) ++seen[second];
            // The lane's filter row pair, tap and channel as the pair row holds them.
            const int ky = first / (kw * cin), kx = first / cin % kw, c = first % cin;
            const size_t row = ky / 2;
            REQUIRE(offsets[i] == static_cast<int32_t>(row * stride + 4 * (kx * dw * cin + c)));
            if (ky % 2 == 0 && ky + 1 < kh) {
              REQUIRE(second == first + kw * cin);  // the next filter row, same tap and channel
            } else if (second >= 0) {
              REQUIRE(second == first + 1);  // the next value of a run
              REQUIRE((dw == 1 || c + 1 < cin));
            }
          }
          for (int count : seen) REQUIRE(count == 1);
          // At most one padding position per run of the last row.
          const int runs = kh % 2 == 0 ? 0 : dw == 1 ? 1 : kw;
          REQUIRE(2 * pairs - kh * kw * cin <= runs);
        }
      }
    }
  }
}

TEST_CASE("x86 conv: the int16 pair packing flags fp32 layers whose acc * scale stays below 2^30", "[x86_conv]") {
  qrt::reference::Conv2DParams p;
  p.input_height = p.input_width = 8;
  p.input_channels = 3;
  p.kernel_height = p.kernel_width = 3;
  p.output_height = p.output_width = 6;
  p.output_channels = 20;  // two tiles, the second with 4 channels
  const qrt::ConvSmallCinRunParams r = qrt::make_conv_smallcin_run_params(p);
  const qrt::GemmLayout layout{6, 16, 2, 0, 2};
  std::vector<int8_t> weights(20 * 27, -128);
  std::vector<int32_t> bias(20, -4000000);
  auto flag = [&](float weight_scale, qrt::RequantRule rule) {
    std::vector<float> scales(20, 0.01f);
    scales[19] = weight_scale;  // the last channel of the last tile; requantization scale / 10
    qrt::OutputRequantStorage rq = qrt::make_output_requant(rule, 1.0f, scales.data(), scales.size(), 10.0f, 0,
                                                            qrt::ClampRange{}, qrt::FixedPointRounding::kDouble);
    qrt::GemmPackParams pack;
    pack.n = 20;
    pack.k = 27;
    pack.weights = weights.data();
    pack.bias = bias.data();
    pack.input_zero_point = 5;
    pack.requant = rq.requant;
    std::vector<uint8_t> packed(qrt::conv_smallcin_pair_packed_size(layout, rule, r));
    qrt::conv_smallcin_pair_pack(layout, r, pack, packed.data());
    int32_t value;
    std::memcpy(&value, packed.data() + packed.size() - 64, sizeof(value));
    return value;
  };
  // |acc| <= |bias'| + 128 * sum |w| = |-4000000 + 5 * 27 * 128| + 128 * 27 * 128 = 4425088.
  REQUIRE(flag(2000.0f, qrt::RequantRule::kFp32) == qrt::kConvSmallCinFp32Bounded);  // x 200 = 8.9e8 < 2^30
  REQUIRE(flag(2500.0f, qrt::RequantRule::kFp32) == 0);                                // x 250 = 1.1e9 > 2^30
  REQUIRE(flag(0.01f, qrt::RequantRule::kFixedPoint) == 0);                           // the fp32 rule only
}

TEST_CASE("x86 conv: qs8_conv_smallcin 8x32c4 avx512vnni equals the conv reference on random cases", "[x86_conv]") {
  check_smallcin_random_cases("avx512vnni", 21, 150);
}

TEST_CASE("x86 conv: qs8_conv_smallcin 6x16c2 avx2 equals the conv reference on random cases", "[x86_conv]") {
  check_smallcin_random_cases("avx2", 22, 150);
}

TEST_CASE("x86 conv: qs8_conv_smallcin 6x16c2 avxvnni equals the conv reference on random cases", "[x86_conv]") {
  check_smallcin_random_cases("avxvnni", 23, 150);
}

namespace {

// Extreme zero points, saturating data, tiny and huge scales, both rules
// and roundings on four geometries: MobileNet's and ResNet's stems scaled
// down, a 1x1 image under a 7x7 filter, one dilated channel.
void check_smallcin_corner_cases(const char* isa) {
  const qrt::KernelTable* table = smallcin_table(isa);
  if (table == nullptr) return;
  std::mt19937 rng(6);
  for (int mode = 0; mode < 3; ++mode) {
    for (int32_t zp : {-128, 127}) {
      for (int shape = 0; shape < 4; ++shape) {
        ConvCase c;
        c.rule = mode == 0 ? RequantRule::kFp32 : RequantRule::kFixedPoint;
        c.rounding = mode == 2 ? qrt::FixedPointRounding::kSingle : qrt::FixedPointRounding::kDouble;
        auto& p = c.p;
        if (shape == 0) {  // MobileNet's first layer, scaled down (SAME, stride 2)
          p.input_height = p.input_width = 15;
          p.input_channels = 3;
          p.output_channels = 32;
          p.kernel_height = p.kernel_width = 3;
          p.stride_height = p.stride_width = 2;
          p.pad_top = p.pad_left = 1;
          p.output_height = p.output_width = 8;
        } else if (shape == 1) {  // ResNet's stem, scaled down: 7x7 stride 2, 64 channels
          p.input_height = 9;
          p.input_width = 140;  // 70 output pixels: two pixel runs
          p.input_channels = 3;
          p.output_channels = 64;
          p.kernel_height = p.kernel_width = 7;
          p.stride_height = p.stride_width = 2;
          p.pad_top = p.pad_left = 3;
          p.output_height = output_size(9, 7, 2, 1, 3, 3);
          p.output_width = output_size(140, 7, 2, 1, 3, 3);
        } else if (shape == 2) {  // a 1x1 image under a 7x7 filter: all but one tap padding
          p.input_height = p.input_width = 1;
          p.input_channels = 4;
          p.output_channels = 33;
          p.kernel_height = p.kernel_width = 7;
          p.pad_top = p.pad_left = 3;
          p.output_height = p.output_width = 1;
        } else {  // one channel, dilated, odd everything
          p.input_height = 9;
          p.input_width = 11;
          p.input_channels = 1;
          p.output_channels = 17;
          p.kernel_height = 3;
          p.kernel_width = 2;
          p.dilation_height = 2;
          p.dilation_width = 3;
          p.stride_height = 2;
          p.stride_width = 1;
          p.pad_top = 2;
          p.pad_left = 1;
          p.output_height = output_size(9, 3, 2, 2, 2, 2);
          p.output_width = output_size(11, 2, 1, 3, 1, 0);
        }
        for (bool per_channel : {true, false}) {
          c.per_channel = per_channel;
          p.input_zero_point = zp;
          p.filter_zero_point = per_channel ? 0 : -zp - 1;
          c.output_zero_point = zp / 2;
          c.weight_scales.assign(per_channel ? p.output_channels : 1, 0.004f);
          c.saturating = true;
          Data d = qrt::test::igemm::random_data(c, rng);
          // The int16 pairs take any weights: w - zw up to +-255 here.
          if (!per_channel && table->conv_smallcin.scheme != qrt::ConvSmallCinScheme::kPairs) fit_weights(c, &d);
          INFO(table->conv_smallcin.name << ": " << c.describe());
          REQUIRE(run_smallcin(table->conv_smallcin, c, d, nullptr) == run_reference(c, d));
          c.weight_scales.assign(per_channel ? p.output_channels : 1, 200.0f);  // clamps everything
          REQUIRE(run_smallcin(table->conv_smallcin, c, d, nullptr) == run_reference(c, d));
          c.weight_scales.assign(per_channel ? p.output_channels : 1, 1e-13f);  // multiplier 2^-40 or so
          REQUIRE(run_smallcin(table->conv_smallcin, c, d, nullptr) == run_reference(c, d));
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("x86 conv: qs8_conv_smallcin 8x32c4 avx512vnni corner cases", "[x86_conv]") {
  check_smallcin_corner_cases("avx512vnni");
}

TEST_CASE("x86 conv: qs8_conv_smallcin 6x16c2 avx2 corner cases", "[x86_conv]") { check_smallcin_corner_cases("avx2"); }

TEST_CASE("x86 conv: qs8_conv_smallcin 6x16c2 avxvnni corner cases", "[x86_conv]") {
  check_smallcin_corner_cases("avxvnni");
}

TEST_CASE("x86 conv long: qs8_conv_smallcin avx512vnni, 5000 random cases per rule", "[x86_conv][.long]") {
  check_smallcin_random_cases("avx512vnni", 105, 5000);
}

TEST_CASE("x86 conv long: qs8_conv_smallcin avx2, 5000 random cases per rule", "[x86_conv][.long]") {
  check_smallcin_random_cases("avx2", 106, 5000);
}

TEST_CASE("x86 conv long: qs8_conv_smallcin avxvnni, 5000 random cases per rule", "[x86_conv][.long]") {
  check_smallcin_random_cases("avxvnni", 107, 5000);
}

TEST_CASE("gemm split: small GEMMs stay on the calling thread, ranges cover every panel or tile once", "[x86_conv]") {
  qrt::GemmLayout layout;
  layout.mr = 8;
  layout.nr = 32;
  // A transformer's 64x128x128 projection: one task.
  CHECK(qrt::plan_gemm_split(layout, 64, 128, 128, 2, 2).tasks == 1);
  // No pool, or a one-thread pool: one task whatever the size.
  CHECK(qrt::plan_gemm_split(layout, 3136, 256, 64, 1, 1).tasks == 1);
  // ResNet-50's 56x56 1x1 64->256: row ranges, several per thread.
  const qrt::GemmSplit rows = qrt::plan_gemm_split(layout, 3136, 256, 64, 2, 2);
  CHECK(!rows.by_columns);
  CHECK(rows.tasks == 2 * qrt::kGemmTasksPerThread);
  CHECK(rows.units == 392);
  // Fewer buffers than threads: one range per buffer.
  CHECK(qrt::plan_gemm_split(layout, 3136, 256, 64, 4, 2).tasks == 2);
  // ResNet-50's last 1x1 2048->512 on 7x7 pixels, 7 panels: columns.
  const qrt::GemmSplit columns = qrt::plan_gemm_split(layout, 49, 512, 2048, 2, 2);
  CHECK(columns.by_columns);
  CHECK(columns.units == 16);
  for (const qrt::GemmSplit& split : {rows, columns}) {
    size_t covered = 0;
    for (size_t i = 0; i < split.tasks; ++i) {
      CHECK(split.first(i) == covered);
      CHECK(split.last(i) > split.first(i));
      covered = split.last(i);
    }
    CHECK(covered == split.units);
  }
}
