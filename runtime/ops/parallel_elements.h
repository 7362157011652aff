// Elementwise ops (the table lookups, same-shape ADD / SUB / MUL) split over
// the thread pool in contiguous element ranges. They are memory-bound and
// cheap, so they were left on one thread; but on 2 threads the op before
// them wrote half of their input from the other core, and one thread then
// pulls that half across (ResNet-50's ADDs and RELUs took 0.68x and 0.84x of
// their 1-thread time on 2 threads, benchmarks/RESULTS.md 2026-12-07). Split,
// each thread mostly reads what it wrote. Each element is computed alone, so
// the bytes do not depend on the split.
#pragma once

#include <pthreadpool.h>

#include <algorithm>
#include <cstddef>

namespace qrt {

// Elements below which a range is not worth a task (a dispatch costs a few
// microseconds on a 2-core x86 machine, the time of some 30000 elements).
constexpr size_t kMinElementsPerTask = 32768;

// Calls range(first, count) over [0, total): on the calling thread when
// there is no pool or too little work, else in at most one range per thread,
// each a multiple of 64 elements but the last (no cache line of output
// written by two threads).
template <typename Range>
void parallel_elements(pthreadpool_t threadpool, size_t total, const Range& range) {
  const size_t threads = threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
  const size_t tasks = std::min(threads, total / kMinElementsPerTask);
  if (tasks <= 1) {
    range(size_t{0}, total);
    return;
  }
  struct Context {
    const Range* range;
    size_t total, per_task;
  };
  const size_t per_task = ((total + tasks - 1) / tasks + 63) / 64 * 64;
  Context context{&range, total, per_task};
  pthreadpool_parallelize_1d(
      threadpool,
      [](void* c, size_t i) {
        const Context& t = *static_cast<const Context*>(c);
        const size_t first = i * t.per_task;
        if (first >= t.total) return;
        (*t.range)(first, std::min(t.per_task, t.total - first));
      },
      &context, tasks, 0);
}

}  // namespace qrt
