#include "kernels/conv_s8.h"

#include <pthreadpool.h>

#include <algorithm>
#include <limits>

#include "kernels/gemm_split.h"

namespace qrt {

bool conv_indirection_fits(const reference::Conv2DParams& p) {
  const int64_t elements = int64_t{p.batch} * p.input_height * p.input_width * p.input_channels;
  return elements < std::numeric_limits<int32_t>::max();
}

size_t conv_indirection_size(const reference::Conv2DParams& p) {
  return static_cast<size_t>(p.batch) * p.output_height * p.output_width * p.kernel_height * p.kernel_width;
}

void conv_build_indirection(const reference::Conv2DParams& p, int32_t* offsets) {
  for (int b = 0; b < p.batch; ++b) {
    for (int oy = 0; oy < p.output_height; ++oy) {
      for (int ox = 0; ox < p.output_width; ++ox) {
        for (int ky = 0; ky < p.kernel_height; ++ky) {
          const int iy = oy * p.stride_height - p.pad_top + ky * p.dilation_height;
          for (int kx = 0; kx < p.kernel_width; ++kx) {
            const int ix = ox * p.stride_width - p.pad_left + kx * p.dilation_width;
            const bool inside = iy >= 0 && iy < p.input_height && ix >= 0 && ix < p.input_width;
            *offsets++ = inside ? static_cast<int32_t>(
                                      ((int64_t{b} * p.input_height + iy) * p.input_width + ix) * p.input_channels)
                                : -1;
          }
        }
      }
    }
  }
}

namespace {

struct IgemmTask {
  IgemmRunFn* run;
  const IgemmRunParams* params;
  const int8_t* input;
  const void* packed;
  uint8_t* scratch;
  size_t scratch_stride;
  int8_t* c;
  size_t mr, nr, tile_bytes;
  GemmSplit split;
  ScratchSlots* slots;  // nullptr: range i uses scratch buffer i
};

void igemm_range_task(void* context, size_t i) {
  const IgemmTask& t = *static_cast<const IgemmTask*>(context);
  const size_t first = t.split.first(i), last = t.split.last(i);
  if (first >= last) return;
  const size_t slot = t.slots != nullptr ? t.slots->acquire() : i;
  uint8_t* scratch = t.scratch + slot * t.scratch_stride;
  IgemmRunParams p = *t.params;
  if (t.split.by_columns) {
    // Output channels [col0, col1): their packed tiles; every pixel.
    const size_t col0 = first * t.nr;
    const size_t col1 = std::min(static_cast<size_t>(p.gemm.n), last * t.nr);
    p.gemm.n = static_cast<int>(col1 - col0);
    t.run(p, t.input, static_cast<const uint8_t*>(t.packed) + first * t.tile_bytes, scratch, t.c + col0);
  } else {
    const size_t row0 = first * t.mr;
    const size_t row1 = std::min(p.gemm.m, last * t.mr);
    p.gemm.m = row1 - row0;
    p.offsets += row0 * static_cast<size_t>(p.taps);
    t.run(p, t.input, t.packed, scratch, t.c + row0 * p.gemm.c_stride);
  }
  if (t.slots != nullptr) t.slots->release(slot);
}

}  // namespace

void igemm_run_parallel(IgemmRunFn* run, const GemmLayout& layout, const IgemmRunParams& params,
                        const int8_t* input, const void* packed, void* scratch, size_t scratch_stride,
                        size_t scratch_count, int8_t* c, pthreadpool_t threadpool) {
  const size_t threads = threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
  const GemmSplit split =
      plan_gemm_split(layout, params.gemm.m, params.gemm.n, params.gemm.k, threads, scratch_count);
  if (split.tasks <= 1) {
    run(params, input, packed, scratch, c);
    return;
  }
  // More ranges than buffers: tasks share them (one per running thread).
  ScratchSlots slots(std::min(scratch_count, ScratchSlots::kMaxSlots));
  IgemmTask task{run,
                 &params,
                 input,
                 packed,
                 static_cast<uint8_t*>(scratch),
                 scratch_stride,
                 c,
                 static_cast<size_t>(layout.mr),
                 static_cast<size_t>(layout.nr),
                 gemm_tile_bytes(layout, params.gemm.rule, params.gemm.k),
                 split,
                 split.tasks > scratch_count ? &slots : nullptr};
  pthreadpool_parallelize_1d(threadpool, igemm_range_task, &task, split.tasks, 0);
}

}  // namespace qrt
