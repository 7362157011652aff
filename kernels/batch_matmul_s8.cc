#include "kernels/batch_matmul_s8.h"

#include <pthreadpool.h>

#include <algorithm>
#include <vector>

#include "kernels/gemm_split.h"

namespace qrt {
namespace {

// The GEMM packing parameters of B's packed block (see batch_matmul_s8.h);
// `requant` points into p.
GemmPackParams pack_params(const reference::BatchMatMulParams& p, const int8_t* weights, OutputRequant* requant) {
  requant->rule = p.rule;
  requant->rounding = FixedPointRounding::kDouble;
  requant->multipliers = &p.multiplier;
  requant->scales = &p.scale;
  requant->per_channel = false;
  requant->zero_point = p.output_zero_point;
  requant->min = -128;
  requant->max = 127;
  GemmPackParams g;
  g.n = p.n;
  g.k = p.k;
  g.weights = weights;
  g.bias = nullptr;
  g.input_zero_point = p.a_zero_point;
  g.filter_zero_point = p.b_zero_point;
  g.requant = *requant;
  return g;
}

// The folded bias of one column (gemm_pack's formula with no bias):
// -(input_offset + a_zero_point) * (sum_k W - K * b_zero_point), modulo 2^32.
int32_t folded_bias(const GemmLayout& layout, const reference::BatchMatMulParams& p, int32_t column_sum) {
  const int64_t folded = -int64_t{layout.input_offset + p.a_zero_point} *
                         (int64_t{column_sum} - int64_t{p.k} * p.b_zero_point);
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(folded)));
}

// The A and B offsets of batch `batch` (row-major over batch_dims).
void batch_offsets(const reference::BatchMatMulParams& p, int64_t batch, int64_t* a_offset, int64_t* b_offset) {
  *a_offset = 0;
  *b_offset = 0;
  for (int d = p.batch_rank - 1; d >= 0; --d) {
    const int64_t i = batch % p.batch_dims[d];
    batch /= p.batch_dims[d];
    *a_offset += i * p.a_batch_stride[d];
    *b_offset += i * p.b_batch_stride[d];
  }
}

// Batches split over the pool in contiguous ranges, each batch one GEMM on
// the thread that runs its range, B packed into that thread's own buffer.
struct BatchRangesTask {
  const GemmLayout* layout;
  GemmRunFn* run;
  const reference::BatchMatMulParams* p;
  const GemmRunParams* r;
  const int8_t* a;
  const int8_t* b;
  int8_t* output;
  const BatchMatMulScratch* scratch;
  ScratchSlots* slots;
  int64_t batches;
  size_t tasks;
};

void batch_range_task(void* context, size_t i) {
  const BatchRangesTask& t = *static_cast<const BatchRangesTask*>(context);
  const int64_t first = static_cast<int64_t>(i) * t.batches / static_cast<int64_t>(t.tasks);
  const int64_t last = static_cast<int64_t>(i + 1) * t.batches / static_cast<int64_t>(t.tasks);
  if (first >= last) return;
  const size_t slot = t.slots->acquire();
  void* packed_b = static_cast<uint8_t*>(t.scratch->packed_b) + slot * t.scratch->packed_b_stride;
  void* panel = static_cast<uint8_t*>(t.scratch->panels) + slot * t.scratch->panel_stride;
  const int64_t c_matrix = int64_t{t.p->m} * t.p->n;
  GemmRunParams r = *t.r;
  r.m = static_cast<size_t>(t.p->m);
  const int8_t* packed_for = nullptr;  // the B now in packed_b
  for (int64_t batch = first; batch < last; ++batch) {
    int64_t a_offset, b_offset;
    batch_offsets(*t.p, batch, &a_offset, &b_offset);
    if (packed_for != t.b + b_offset) {
      batch_matmul_pack_b(*t.layout, *t.p, t.b + b_offset, packed_b);
      packed_for = t.b + b_offset;
    }
    t.run(r, t.a + a_offset, packed_b, panel, t.output + batch * c_matrix);
  }
  t.slots->release(slot);
}

}  // namespace

size_t batch_matmul_packed_b_size(const GemmLayout& layout, const reference::BatchMatMulParams& p) {
  return gemm_packed_size(layout, p.rule, p.n, p.k);
}

void batch_matmul_init_packed_b(const GemmLayout& layout, const reference::BatchMatMulParams& p, void* packed) {
  // gemm_pack of an all-zero B: the epilogue and the zero padding are what
  // matter; batch_matmul_pack_b overwrites the weights and biases.
  const std::vector<int8_t> zeros(static_cast<size_t>(p.n) * static_cast<size_t>(p.k), 0);
  OutputRequant requant;
  gemm_pack(layout, pack_params(p, zeros.data(), &requant), packed);
}

void batch_matmul_pack_b(const GemmLayout& layout, const reference::BatchMatMulParams& p, const int8_t* b,
                         void* packed) {
  const int nr = layout.nr, kr = layout.kr, k_total = p.k, n_total = p.n;
  const size_t group_size = static_cast<size_t>(nr) * kr;  // weights in one K group of a tile
  const size_t tile_bytes = gemm_tile_bytes(layout, p.rule, k_total);
  uint8_t* tile = static_cast<uint8_t*>(packed);
  for (int n0 = 0; n0 < n_total; n0 += nr, tile += tile_bytes) {
    const int cols = std::min(nr, n_total - n0);
    int32_t* bias = reinterpret_cast<int32_t*>(tile);
    uint8_t* w = tile + static_cast<size_t>(nr) * sizeof(int32_t);
    if (p.transpose_b) {
      // B is [N][K]: column j of the tile is row n0 + j, contiguous.
      for (int j = 0; j < cols; ++j) {
        const int8_t* row = b + static_cast<size_t>(n0 + j) * k_total;
        int32_t sum = 0;
        for (int k = 0; k < k_total; ++k) sum += row[k];
        size_t dst = static_cast<size_t>(j) * kr;
        for (int k0 = 0; k0 < k_total; k0 += kr, dst += group_size) {
          const int len = std::min(kr, k_total - k0);
          for (int t = 0; t < len; ++t) gemm_put_weight(layout, w, dst + t, row[k0 + t]);
        }
        bias[j] = sum;
      }
    } else {
      // B is [K][N]: row k of B gives K position k of every column.
      for (int j = 0; j < cols; ++j) bias[j] = 0;
      size_t group = 0;
      for (int k0 = 0; k0 < k_total; k0 += kr, group += group_size) {
        const int len = std::min(kr, k_total - k0);
        for (int t = 0; t < len; ++t) {
          const int8_t* src = b + static_cast<size_t>(k0 + t) * n_total + n0;
          for (int j = 0; j < cols; ++j) {
            gemm_put_weight(layout, w, group + t + static_cast<size_t>(j) * kr, src[j]);
            bias[j] += src[j];
          }
        }
      }
    }
    for (int j = 0; j < cols; ++j) bias[j] = folded_bias(layout, p, bias[j]);
  }
}

void batch_matmul_s8_gemm(const GemmLayout& layout, GemmRunFn* run, const reference::BatchMatMulParams& p,
                          const int8_t* a, const int8_t* b, int8_t* output, const BatchMatMulScratch& scratch,
                          pthreadpool_t threadpool) {
  int64_t batches = 1;
  for (int d = 0; d < p.batch_rank; ++d) batches *= p.batch_dims[d];
  const int64_t a_matrix = int64_t{p.m} * p.k;
  const int64_t c_matrix = int64_t{p.m} * p.n;
  OutputRequant requant;
  GemmRunParams r = make_gemm_run_params(pack_params(p, nullptr, &requant), 0, static_cast<size_t>(p.k),
                                         static_cast<size_t>(p.n));
  // Many small batches (a transformer's heads): one per task, as one GEMM
  // each would run on the calling thread (gemm_split.h).
  const size_t threads = threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
  const uint64_t batch_macs = uint64_t(p.m) * uint64_t(p.n) * uint64_t(p.k);
  if (threads > 1 && batches > 1 && scratch.packed_b_count >= threads && scratch.panel_count >= threads &&
      threads <= ScratchSlots::kMaxSlots && batch_macs < kGemmMinParallelMacs &&
      batch_macs * static_cast<uint64_t>(batches) >= kGemmMinParallelMacs) {
    ScratchSlots slots(std::min(scratch.packed_b_count, scratch.panel_count));
    const size_t tasks = static_cast<size_t>(std::min<int64_t>(batches, static_cast<int64_t>(threads * kGemmTasksPerThread)));
    BatchRangesTask task{&layout, run, &p, &r, a, b, output, &scratch, &slots, batches, tasks};
    pthreadpool_parallelize_1d(threadpool, batch_range_task, &task, tasks, 0);
    return;
  }
  const int8_t* packed_b = nullptr;  // the B matrix now in scratch.packed_b
  // A group: `count` batches from `first`, one B, A matrices back to back.
  int64_t first = 0, count = 0, group_a = 0, group_b = 0;
  auto flush = [&] {
    if (count == 0) return;
    if (packed_b != b + group_b) {
      batch_matmul_pack_b(layout, p, b + group_b, scratch.packed_b);
      packed_b = b + group_b;
    }
    r.m = static_cast<size_t>(count * p.m);
    gemm_run_parallel(run, layout, r, a + group_a, scratch.packed_b, scratch.panels, scratch.panel_stride,
                      scratch.panel_count, output + first * c_matrix, threadpool);
  };
  int index[reference::kMaxBatchMatMulBatchRank] = {};
  for (int64_t batch = 0; batch < batches; ++batch) {
    int64_t a_offset = 0, b_offset = 0;
    for (int d = 0; d < p.batch_rank; ++d) {
      a_offset += index[d] * p.a_batch_stride[d];
      b_offset += index[d] * p.b_batch_stride[d];
    }
    if (count > 0 && b_offset == group_b && a_offset == group_a + count * a_matrix) {
      ++count;
    } else {
      flush();
      first = batch;
      count = 1;
      group_a = a_offset;
      group_b = b_offset;
    }
    // Next batch index, last dimension fastest (as the reference).
    for (int d = p.batch_rank - 1; d >= 0; --d) {
      if (++index[d] < p.batch_dims[d]) break;
      index[d] = 0;
    }
  }
  flush();
}

}  // namespace qrt
