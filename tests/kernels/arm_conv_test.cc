// The ARM IGEMM convolution kernels (kernels/conv_s8.h: NEON, dotprod,
// i8mm) against reference::conv2d_s8, byte for byte, on the same random
// shapes and corners as the x86 ones (tests/kernels/x86_conv_test.cc; the
// cases are in conv_igemm_cases.h): batch 1-2, 1x1 images, filters larger than the
// image, kernel sizes 1 to 7, strides 1 to 3, dilation 1 to 3, padding on
// every side, odd channel counts, N not a multiple of the tile, K not a
// multiple of the K group; zero points -128 / 127, saturating sums, tiny and
// huge scales, clamps, both requantization rules (fixedpoint with double and
// single rounding), per-channel and per-tensor (non-zero filter zero point)
// weights; igemm_run_parallel on 1 and 2 threads. Each ISA is reached
// through the dispatch table and skipped when this CPU (or this build)
// lacks it. Under qemu (scripts/test-arm.sh) the random case count comes
// from QRT_ARM_TEST_CASES; the long sweep is tagged [.long].
#include <cstdlib>

#include "tests/kernels/conv_igemm_cases.h"

using namespace qrt::test::igemm;

namespace {

// Random cases per rule: QRT_ARM_TEST_CASES when set (emulated runs use
// fewer), else `fallback`.
int case_count(int fallback) {
  const char* env = std::getenv("QRT_ARM_TEST_CASES");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

}  // namespace

TEST_CASE("arm conv: every ARM table has an IGEMM kernel on its GEMM layout", "[arm][arm_conv]") {
  for (const char* isa : {"neon", "neondot", "i8mm"}) {
    std::string error;
    const qrt::KernelTable* table = qrt::find_kernel_table(isa, &error);
    if (table == nullptr) {
      WARN("skipped: " << error);
      continue;
    }
    INFO(isa);
    REQUIRE(table->conv.run != nullptr);
    REQUIRE(table->conv.pack == table->gemm.pack);
    REQUIRE(table->conv.layout.mr == table->gemm.layout.mr);
    REQUIRE(table->conv.layout.nr == table->gemm.layout.nr);
    REQUIRE(table->conv.layout.kr == table->gemm.layout.kr);
    REQUIRE(std::string(table->conv.name).find("qs8_igemm_minmax_") == 0);
  }
}

TEST_CASE("arm conv: qs8_igemm neon equals the conv reference on random cases", "[arm][arm_conv]") {
  check_random_cases("neon", 31, case_count(100));
}

TEST_CASE("arm conv: qs8_igemm neon corner cases", "[arm][arm_conv]") { check_corner_cases("neon"); }

TEST_CASE("arm conv: qs8_igemm 4x16c4 neondot equals the conv reference on random cases", "[arm][arm_conv]") {
  check_random_cases("neondot", 32, case_count(100));
}

TEST_CASE("arm conv: qs8_igemm 4x16c4 neondot corner cases", "[arm][arm_conv]") { check_corner_cases("neondot"); }

TEST_CASE("arm conv: qs8_igemm 8x8c8 i8mm equals the conv reference on random cases", "[arm][arm_conv]") {
  check_random_cases("i8mm", 33, case_count(100));
}

TEST_CASE("arm conv: qs8_igemm 8x8c8 i8mm corner cases", "[arm][arm_conv]") { check_corner_cases("i8mm"); }

TEST_CASE("arm conv long: qs8_igemm neon, 5000 random cases per rule", "[arm_conv][.long]") {
  check_random_cases("neon", 131, 5000);
}

TEST_CASE("arm conv long: qs8_igemm neondot, 5000 random cases per rule", "[arm_conv][.long]") {
  check_random_cases("neondot", 132, 5000);
}

TEST_CASE("arm conv long: qs8_igemm i8mm, 5000 random cases per rule", "[arm_conv][.long]") {
  check_random_cases("i8mm", 133, 5000);
}
