#include "kernels/gemm_split.h"

#include <algorithm>

namespace qrt {
namespace {

// The rows (or columns) the busiest task gets when `units` blocks of `block`
// covering `total` are split `tasks` ways.
size_t busiest(size_t total, size_t block, size_t units, size_t tasks) {
  return std::min(total, (units + tasks - 1) / tasks * block);
}

}  // namespace

GemmSplit plan_gemm_split(const GemmLayout& layout, size_t m, int n, int k, size_t threads, size_t scratch_count) {
  GemmSplit split;
  if (threads <= 1 || m == 0 || n <= 0) return split;
  const size_t mr = static_cast<size_t>(std::max(layout.mr, 1));
  const size_t nr = static_cast<size_t>(std::max(layout.nr, 1));
  const size_t columns = static_cast<size_t>(n);
  const size_t panels = (m + mr - 1) / mr;
  const size_t tiles = (columns + nr - 1) / nr;
  const uint64_t weights = columns * static_cast<uint64_t>(std::max(k, 1));
  // A GEMM of few rows (a classifier's one) streams its weights from memory:
  // each weight byte costs about kGemmWeightByteMacs multiply-adds' time.
  const uint64_t work = uint64_t{m} * weights + weights * kGemmWeightByteMacs;
  if (work < kGemmMinParallelMacs) return split;
  const uint64_t by_work = std::max<uint64_t>(2, work / kGemmMinTaskMacs);
  // Several ranges per thread share the buffers through ScratchSlots, which
  // needs one buffer per thread; else one range per buffer.
  const bool shared = scratch_count >= threads && threads <= ScratchSlots::kMaxSlots;
  const size_t most = shared ? threads * kGemmTasksPerThread : std::min(threads, scratch_count);
  const size_t wanted = static_cast<size_t>(std::min<uint64_t>(most, by_work));
  if (wanted <= 1) return split;
  // Rows unless columns balance the threads strictly better: the busiest
  // thread's share, busiest_rows / m against busiest_columns / n,
  // cross-multiplied. Stealing evens row ranges out to about one panel per
  // thread. A column range gathers every row of A, so columns get one range
  // per thread and no more.
  const size_t row_threads = std::min(threads, panels), column_threads = std::min(threads, tiles);
  const bool by_columns =
      busiest(columns, nr, tiles, column_threads) * m < busiest(m, mr, panels, row_threads) * columns;
  split.by_columns = by_columns;
  split.units = by_columns ? tiles : panels;
  split.tasks = by_columns ? std::min(column_threads, wanted) : std::min(wanted, panels);
  return split;
}

}  // namespace qrt
