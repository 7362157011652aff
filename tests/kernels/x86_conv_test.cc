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
