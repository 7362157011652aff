// How gemm_run_parallel and igemm_run_parallel divide one GEMM over a thread
// pool, as XNNPACK and ruy do:
// - a few contiguous ranges of MR-row panels per thread, so that pthreadpool's
//   work stealing evens out a thread that starts late or is slowed by other
//   work on its core (one range per thread leaves the whole op waiting for
//   the slowest);
// - ranges of NR-column tiles instead when there are too few panels to go
//   round (a transformer's few rows, a late ResNet layer's 7x7 pixels);
// - one task on the calling thread when the GEMM is too small to pay for
//   waking the pool (ruy gives each thread a minimum of multiply-adds).
// Every output element is computed by one task exactly as a single-threaded
// run computes it, so the bytes never depend on the split.
//
// The thresholds were measured on a 2-core AVX-512 VNNI machine
// (benchmarks/RESULTS.md, 2026-12-07): a pthreadpool dispatch there costs a
// few microseconds (a futex wake, then the other core's cache lines), the
// time of about a million int8 multiply-adds.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "kernels/gemm_s8.h"

namespace qrt {

// Work (M x N x K multiply-adds, plus kGemmWeightByteMacs per weight byte)
// below which a GEMM runs on the calling thread.
constexpr uint64_t kGemmMinParallelMacs = uint64_t{2} << 20;
// The time of reading one weight byte, in multiply-adds: a one-row GEMM
// (MobileNet's 1280->1000 classifier) runs at about a tenth of the
// multiply-add rate of a many-row one.
constexpr uint64_t kGemmWeightByteMacs = 8;
// Multiply-adds below which a range is not split further.
constexpr uint64_t kGemmMinTaskMacs = uint64_t{1} << 18;
// Ranges per thread at most: enough for stealing to even out the threads.
constexpr size_t kGemmTasksPerThread = 4;

struct GemmSplit {
  size_t tasks = 1;         // 1: run on the calling thread
  bool by_columns = false;  // ranges of NR-column tiles instead of MR-row panels
  size_t units = 1;         // panels or column tiles, divided as evenly as can be
  // Range i of the split: units [first, last).
  size_t first(size_t i) const { return i * units / tasks; }
  size_t last(size_t i) const { return (i + 1) * units / tasks; }
};

// `threads`: the pool's thread count (1 without a pool); `scratch_count`:
// the A-panel scratch buffers the caller has. More ranges than buffers only
// when there is one per thread (they are then shared through ScratchSlots).
GemmSplit plan_gemm_split(const GemmLayout& layout, size_t m, int n, int k, size_t threads, size_t scratch_count);

// The per-thread A-panel scratch buffers (`count` of them) shared by a
// split's tasks: a task takes a free one when it starts and gives it back
// when it ends. pthreadpool runs at most one task per thread at a time, so
// one buffer per thread is enough however many tasks there are.
class ScratchSlots {
 public:
  static constexpr size_t kMaxSlots = 64;
  // count <= kMaxSlots.
  explicit ScratchSlots(size_t count)
      : free_(count >= kMaxSlots ? ~uint64_t{0} : (uint64_t{1} << count) - 1) {}
  size_t acquire() {
    uint64_t mask = free_.load(std::memory_order_relaxed);
    for (;;) {
      // Never empty while at most `count` tasks run at once; spin otherwise.
      if (mask == 0) {
        mask = free_.load(std::memory_order_relaxed);
        continue;
      }
      const uint64_t slot = static_cast<uint64_t>(__builtin_ctzll(mask));
      if (free_.compare_exchange_weak(mask, mask & ~(uint64_t{1} << slot), std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        return static_cast<size_t>(slot);
      }
    }
  }
  void release(size_t slot) { free_.fetch_or(uint64_t{1} << slot, std::memory_order_release); }

 private:
  std::atomic<uint64_t> free_;
};

}  // namespace qrt
