// SDOT (FEAT_DotProd, AArch64): 16 int8 products per instruction into four
// int32 lanes. Compiled with -march=armv8.2-a+dotprod; run only when the core
// has it.
#include "kernels/arm/isa_detection.h"
#include "peak_chains_neon.h"
#include "peak_loops.h"

namespace qrt::bench {
namespace {

int64_t sdot_loop(int64_t iterations) {
  const int8x16_t a = vdupq_n_s8(3), b = vdupq_n_s8(-5);
  return run_neon_chains(iterations, [&](int32x4_t& c) {
    asm volatile("sdot %0.4s, %1.16b, %2.16b" : "+w"(c) : "w"(a), "w"(b));
  });
}

}  // namespace

void add_neondot_peak_loops(std::vector<PeakLoop>* loops) {
  loops->push_back({"sdot_q", kNeonChains * 16, arm::has_neondot, sdot_loop});
}

}  // namespace qrt::bench
