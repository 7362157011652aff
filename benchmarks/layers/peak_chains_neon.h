// The loop shared by the ARM peak loops (peak_loops_neon.cc, _neondot.cc,
// _i8mm.cc): eight independent int32x4 accumulators, each advanced once per
// iteration by `step`, one asm statement per call so the compiler can neither
// merge the identical chains nor drop them. Each file instantiates it under
// its own -march flags.
#pragma once

#include <arm_neon.h>

#include <cstdint>

namespace qrt::bench {

template <typename Step>
inline int64_t run_neon_chains(int64_t iterations, Step step) {
  int32x4_t c0 = vdupq_n_s32(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (int64_t i = 0; i < iterations; ++i) {
    step(c0); step(c1); step(c2); step(c3);
    step(c4); step(c5); step(c6); step(c7);
  }
  const int32x4_t sum = vaddq_s32(vaddq_s32(vaddq_s32(c0, c1), vaddq_s32(c2, c3)),
                                  vaddq_s32(vaddq_s32(c4, c5), vaddq_s32(c6, c7)));
  return vgetq_lane_s32(sum, 0);
}
constexpr int kNeonChains = 8;

}  // namespace qrt::bench
