// SMMLA (FEAT_I8MM, AArch64): a 2x8 by 8x2 int8 matrix product into a 2x2
// int32 tile, 32 products per instruction. Compiled with
// -march=armv8.2-a+i8mm; run only when the core has it.
#include "kernels/arm/isa_detection.h"
#include "peak_chains_neon.h"
#include "peak_loops.h"

namespace qrt::bench {
namespace {

int64_t smmla_loop(int64_t iterations) {
  const int8x16_t a = vdupq_n_s8(3), b = vdupq_n_s8(-5);
  return run_neon_chains(iterations, [&](int32x4_t& c) {
    asm volatile("smmla %0.4s, %1.16b, %2.16b" : "+w"(c) : "w"(a), "w"(b));
  });
}

}  // namespace

void add_i8mm_peak_loops(std::vector<PeakLoop>* loops) {
  loops->push_back({"smmla", kNeonChains * 32, arm::has_i8mm, smmla_loop});
}

}  // namespace qrt::bench
