#include "kernels/conv_s8.h"

#include <pthreadpool.h>

#include <algorithm>
#include <limits>

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
  size_t mr, panels, tasks;
};

void igemm_range_task(void* context, size_t i) {
  const IgemmTask& t = *static_cast<const IgemmTask*>(context);
  const size_t first = i * t.panels / t.tasks, last = (i + 1) * t.panels / t.tasks;
  const size_t row0 = first * t.mr;
  const size_t row1 = std::min(t.params->gemm.m, last * t.mr);
  if (row0 >= row1) return;
  IgemmRunParams p = *t.params;
  p.gemm.m = row1 - row0;
  p.offsets += row0 * static_cast<size_t>(p.taps);
  t.run(p, t.input, t.packed, t.scratch + i * t.scratch_stride, t.c + row0 * p.gemm.c_stride);
}

}  // namespace

void igemm_run_parallel(IgemmRunFn* run, const GemmLayout& layout, const IgemmRunParams& params,
                        const int8_t* input, const void* packed, void* scratch, size_t scratch_stride,
                        size_t scratch_count, int8_t* c, pthreadpool_t threadpool) {
  const size_t mr = static_cast<size_t>(layout.mr);
  const size_t panels = (params.gemm.m + mr - 1) / mr;
  const size_t threads = threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
  const size_t tasks = std::min({threads, scratch_count, panels});
  if (tasks <= 1) {
    run(params, input, packed, scratch, c);
    return;
  }
  IgemmTask task{run, &params, input, packed, static_cast<uint8_t*>(scratch), scratch_stride, c, mr, panels, tasks};
  pthreadpool_parallelize_1d(threadpool, igemm_range_task, &task, tasks, 0);
}

}  // namespace qrt
