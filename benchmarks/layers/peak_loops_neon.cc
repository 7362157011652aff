// NEON's int8 multiply-accumulate as qrt's NEON GEMM uses it: int8 widened to
// int16, then SMLAL (AArch64) / VMLAL.S16 (ARMv7) into int32, 4 products per
// instruction.
#include "kernels/arm/isa_detection.h"
#include "peak_chains_neon.h"
#include "peak_loops.h"

namespace qrt::bench {
namespace {

int64_t smlal_loop(int64_t iterations) {
  const int16x4_t a = vdup_n_s16(3), b = vdup_n_s16(-5);
  return run_neon_chains(iterations, [&](int32x4_t& c) {
#if defined(__aarch64__)
    asm volatile("smlal %0.4s, %1.4h, %2.4h" : "+w"(c) : "w"(a), "w"(b));
#else
    asm volatile("vmlal.s16 %q0, %P1, %P2" : "+w"(c) : "w"(a), "w"(b));
#endif
  });
}

}  // namespace

void add_neon_peak_loops(std::vector<PeakLoop>* loops) {
  loops->push_back({"smlal_s16", kNeonChains * 4, arm::has_neon, smlal_loop});
}

}  // namespace qrt::bench
