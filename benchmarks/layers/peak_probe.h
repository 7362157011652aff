// The machine's measured int8 multiply-accumulate peak on one core: register-
// only loops of independent accumulators, so the result is the execution-port
// limit of the instruction, the ceiling for any kernel built on it.
#pragma once

#include <cstdint>
#include <vector>

namespace qrt::bench {

// One instruction's loop (peak_loops_<arch>.cc).
struct PeakLoop {
  const char* name;            // e.g. "vpdpbusd_zmm", "sdot_q"
  int macs_per_iteration;      // multiply-accumulates one call of run() does per iteration
  bool (*available)();         // false when this CPU lacks the instruction
  int64_t (*run)(int64_t iterations);
};

// The loops of this build's architecture, fastest instruction first.
std::vector<PeakLoop> peak_loops();

// GOPS (2 ops per multiply-accumulate) over about `seconds` of the loop on
// the calling thread; 0 when the instruction is unavailable.
double measure_peak_gops(const PeakLoop& loop, double seconds);

// The best of the available loops, measured once per process.
double machine_peak_gops();

}  // namespace qrt::bench
