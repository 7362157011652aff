// SMMLA (FEAT_I8MM, AArch64): a 2x8 by 8x2 int8 matrix product into a 2x2
// int32 tile, 32 products per instruction. Compiled with
// -march=armv8.2-a+i8mm; run only when the core has it. Eight chains, one asm
// statement each (see peak_loops_neon.cc).
#include <arm_neon.h>

#include <cstdint>

#include "kernels/arm/isa_detection.h"
#include "peak_loops.h"

namespace qrt::bench {
namespace {

int64_t smmla_loop(int64_t iterations) {
  const int8x16_t a = vdupq_n_s8(3), b = vdupq_n_s8(-5);
  int32x4_t c0 = vdupq_n_s32(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (int64_t i = 0; i < iterations; ++i) {
#define QRT_SMMLA(c) asm volatile("smmla %0.4s, %1.16b, %2.16b" : "+w"(c) : "w"(a), "w"(b))
    QRT_SMMLA(c0); QRT_SMMLA(c1); QRT_SMMLA(c2); QRT_SMMLA(c3);
    QRT_SMMLA(c4); QRT_SMMLA(c5); QRT_SMMLA(c6); QRT_SMMLA(c7);
#undef QRT_SMMLA
  }
  const int32x4_t sum = vaddq_s32(vaddq_s32(vaddq_s32(c0, c1), vaddq_s32(c2, c3)),
                                  vaddq_s32(vaddq_s32(c4, c5), vaddq_s32(c6, c7)));
  return vgetq_lane_s32(sum, 0);
}

}  // namespace

void add_i8mm_peak_loops(std::vector<PeakLoop>* loops) {
  loops->push_back({"smmla", 8 * 32, arm::has_i8mm, smmla_loop});
}

}  // namespace qrt::bench
