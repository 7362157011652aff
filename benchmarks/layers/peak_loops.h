// The per-architecture peak loops behind peak_probe.h's peak_loops(): each
// file is compiled only for its architecture, the dotprod and i8mm ones with
// their -march flags (benchmarks/CMakeLists.txt).
#pragma once

#include <vector>

#include "peak_probe.h"

namespace qrt::bench {

void add_x86_peak_loops(std::vector<PeakLoop>* loops);      // peak_loops_x86.cc
void add_neon_peak_loops(std::vector<PeakLoop>* loops);     // peak_loops_neon.cc (AArch64 and ARMv7)
void add_neondot_peak_loops(std::vector<PeakLoop>* loops);  // peak_loops_neondot.cc (AArch64)
void add_i8mm_peak_loops(std::vector<PeakLoop>* loops);     // peak_loops_i8mm.cc (AArch64)

}  // namespace qrt::bench
