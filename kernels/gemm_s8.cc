#include "kernels/gemm_s8.h"

#include <pthreadpool.h>

#include <algorithm>
#include <cstring>

#include "kernels/gemm_split.h"

namespace qrt {

GemmRunParams make_gemm_run_params(const GemmPackParams& pack, size_t m, size_t a_stride, size_t c_stride) {
  GemmRunParams r;
  r.m = m;
  r.n = pack.n;
  r.k = pack.k;
  r.a_stride = a_stride;
  r.c_stride = c_stride;
  r.filter_zero_point = pack.filter_zero_point;
  r.rule = pack.requant.rule;
  r.rounding = pack.requant.rounding;
  r.output_zero_point = pack.requant.zero_point;
  r.output_min = pack.requant.min;
  r.output_max = pack.requant.max;
  return r;
}

size_t gemm_packed_size(const GemmLayout& layout, RequantRule rule, int n, int k) {
  const size_t tiles = static_cast<size_t>((n + layout.nr - 1) / layout.nr);
  return tiles * gemm_tile_bytes(layout, rule, k);
}

size_t gemm_scratch_size(const GemmLayout& layout, int k) {
  return static_cast<size_t>(layout.mr) * gemm_padded_k(layout, k) * layout.a_element_size;
}

void gemm_pack(const GemmLayout& layout, const GemmPackParams& p, void* packed) {
  const int nr = layout.nr, kr = layout.kr;
  const int kp = gemm_padded_k(layout, p.k);
  const RequantRule rule = p.requant.rule;
  uint8_t* tile = static_cast<uint8_t*>(packed);
  std::memset(tile, 0, gemm_packed_size(layout, rule, p.n, p.k));
  for (int n0 = 0; n0 < p.n; n0 += nr) {
    int32_t* bias = reinterpret_cast<int32_t*>(tile);
    uint8_t* w = tile + nr * sizeof(int32_t);
    uint8_t* epilogue = w + static_cast<size_t>(nr) * kp * layout.w_element_size;
    for (int j = 0; j < nr && n0 + j < p.n; ++j) {
      const int n = n0 + j;
      const int8_t* row = p.weights + static_cast<size_t>(n) * p.k;
      int64_t sum = 0;
      for (int k = 0; k < p.k; ++k) {
        gemm_put_weight(layout, w, static_cast<size_t>(k / kr) * nr * kr + j * kr + k % kr, row[k]);
        sum += row[k];
      }
      // bias - (offset + za) * (sum w - K zw), wrapped to int32 (see gemm_s8.h).
      const int64_t folded = int64_t{p.bias ? p.bias[n] : 0} -
                             int64_t{layout.input_offset + p.input_zero_point} * (sum - int64_t{p.k} * p.filter_zero_point);
      bias[j] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(folded)));
      const int index = p.requant.per_channel ? n : 0;
      if (rule == RequantRule::kFp32) {
        std::memcpy(epilogue + j * sizeof(float), &p.requant.scales[index], sizeof(float));
      } else {
        const QuantizedMultiplier q = p.requant.multipliers[index];
        const int32_t left = q.shift > 0 ? q.shift : 0;
        const int32_t right = q.shift > 0 ? 0 : -q.shift;
        const int32_t mask = static_cast<int32_t>((int64_t{1} << right) - 1);
        const bool single = p.requant.rounding == FixedPointRounding::kSingle;
        const int32_t values[4] = {q.multiplier, single ? 31 - q.shift : left, single ? 0 : right, single ? 0 : mask};
        for (int v = 0; v < 4; ++v) std::memcpy(epilogue + (v * nr + j) * sizeof(int32_t), &values[v], sizeof(int32_t));
      }
    }
    tile += gemm_tile_bytes(layout, rule, p.k);
  }
}

namespace {

struct GemmTask {
  GemmRunFn* run;
  const GemmRunParams* params;
  const int8_t* a;
  const void* packed;
  uint8_t* scratch;
  size_t scratch_stride;
  int8_t* c;
  size_t mr, nr, tile_bytes;
  GemmSplit split;
  ScratchSlots* slots;  // nullptr: range i uses scratch buffer i
};

void gemm_range_task(void* context, size_t i) {
  const GemmTask& t = *static_cast<const GemmTask*>(context);
  const size_t first = t.split.first(i), last = t.split.last(i);
  if (first >= last) return;
  const size_t slot = t.slots != nullptr ? t.slots->acquire() : i;
  uint8_t* scratch = t.scratch + slot * t.scratch_stride;
  GemmRunParams p = *t.params;
  if (t.split.by_columns) {
    // Columns [col0, col1): their packed tiles and output columns; all rows.
    const size_t col0 = first * t.nr;
    const size_t col1 = std::min(static_cast<size_t>(p.n), last * t.nr);
    p.n = static_cast<int>(col1 - col0);
    t.run(p, t.a, static_cast<const uint8_t*>(t.packed) + first * t.tile_bytes, scratch, t.c + col0);
  } else {
    const size_t row0 = first * t.mr;
    const size_t row1 = std::min(p.m, last * t.mr);
    p.m = row1 - row0;
    t.run(p, t.a + row0 * p.a_stride, t.packed, scratch, t.c + row0 * p.c_stride);
  }
  if (t.slots != nullptr) t.slots->release(slot);
}

}  // namespace

void gemm_run_parallel(GemmRunFn* run, const GemmLayout& layout, const GemmRunParams& params, const int8_t* a,
                       const void* packed, void* scratch, size_t scratch_stride, size_t scratch_count, int8_t* c,
                       pthreadpool_t threadpool) {
  const size_t threads = threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
  const GemmSplit split = plan_gemm_split(layout, params.m, params.n, params.k, threads, scratch_count);
  if (split.tasks <= 1) {
    run(params, a, packed, scratch, c);
    return;
  }
  // More ranges than buffers: tasks share them (one per running thread).
  ScratchSlots slots(std::min(scratch_count, ScratchSlots::kMaxSlots));
  GemmTask task{run,
                &params,
                a,
                packed,
                static_cast<uint8_t*>(scratch),
                scratch_stride,
                c,
                static_cast<size_t>(layout.mr),
                static_cast<size_t>(layout.nr),
                gemm_tile_bytes(layout, params.rule, params.k),
                split,
                split.tasks > scratch_count ? &slots : nullptr};
  pthreadpool_parallelize_1d(threadpool, gemm_range_task, &task, split.tasks, 0);
}

}  // namespace qrt
