// NEON's int8 multiply-accumulate as qrt's NEON GEMM uses it: int8 widened to
// int16, then SMLAL (AArch64) / VMLAL.S16 (ARMv7) into int32, 4 products per
// instruction. Eight chains; each step is its own asm statement so the
// compiler can neither merge the identical accumulators nor drop them.
#include <arm_neon.h>

#include <cstdint>

#include "kernels/arm/isa_detection.h"
#include "peak_loops.h"

namespace qrt::bench {
namespace {

int64_t smlal_loop(int64_t iterations) {
  const int16x4_t a = vdup_n_s16(3), b = vdup_n_s16(-5);
  int32x4_t c0 = vdupq_n_s32(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (int64_t i = 0; i < iterations; ++i) {
#if defined(__aarch64__)
#define QRT_MLAL(c) asm volatile("smlal %0.4s, %1.4h, %2.4h" : "+w"(c) : "w"(a), "w"(b))
#else
#define QRT_MLAL(c) asm volatile("vmlal.s16 %q0, %P1, %P2" : "+w"(c) : "w"(a), "w"(b))
#endif
    QRT_MLAL(c0); QRT_MLAL(c1); QRT_MLAL(c2); QRT_MLAL(c3);
    QRT_MLAL(c4); QRT_MLAL(c5); QRT_MLAL(c6); QRT_MLAL(c7);
#undef QRT_MLAL
  }
  const int32x4_t sum = vaddq_s32(vaddq_s32(vaddq_s32(c0, c1), vaddq_s32(c2, c3)),
                                  vaddq_s32(vaddq_s32(c4, c5), vaddq_s32(c6, c7)));
  return vgetq_lane_s32(sum, 0);
}

}  // namespace

void add_neon_peak_loops(std::vector<PeakLoop>* loops) {
  loops->push_back({"smlal_s16", 8 * 4, arm::has_neon, smlal_loop});
}

}  // namespace qrt::bench
