#include "peak_probe.h"

#include <algorithm>
#include <chrono>

#include "peak_loops.h"

namespace qrt::bench {

std::vector<PeakLoop> peak_loops() {
  std::vector<PeakLoop> loops;
#if defined(__x86_64__) || defined(_M_X64)
  add_x86_peak_loops(&loops);
#endif
#if defined(QRT_PEAK_HAVE_I8MM)
  add_i8mm_peak_loops(&loops);
#endif
#if defined(QRT_PEAK_HAVE_NEONDOT)
  add_neondot_peak_loops(&loops);
#endif
#if defined(QRT_PEAK_HAVE_NEON)
  add_neon_peak_loops(&loops);
#endif
  return loops;
}

double measure_peak_gops(const PeakLoop& loop, double seconds) {
  using Clock = std::chrono::steady_clock;
  if (!loop.available()) return 0.0;
  // Grow the batch until one takes long enough to time; keep the fastest
  // batch (the least disturbed by other processes on a shared machine).
  int64_t iterations = 1 << 12;
  double best = 0.0;
  volatile int64_t sink = 0;
  const Clock::time_point end =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  do {
    const Clock::time_point start = Clock::now();
    sink = sink + loop.run(iterations);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (elapsed < 1e-3) {
      iterations *= 2;
      continue;
    }
    best = std::max(best, 2.0 * loop.macs_per_iteration * static_cast<double>(iterations) / elapsed / 1e9);
  } while (Clock::now() < end);
  return best;
}

double machine_peak_gops() {
  static const double peak = [] {
    double best = 0.0;
    for (const PeakLoop& loop : peak_loops()) best = std::max(best, measure_peak_gops(loop, 0.3));
    return best;
  }();
  return peak;
}

}  // namespace qrt::bench
