#include "kernels/gemm_f32.h"

#include <pthreadpool.h>

#include <algorithm>

namespace qrt {
namespace {

size_t thread_count(pthreadpool_t threadpool) {
  return threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
}

// One GEMM's operands; a task computes row tiles [tile0, tile1) of column
// panels [panel0, panel1).
struct GemmF32Task {
  const GemmF32Kernel* kernel;
  size_t m, n, k;
  const float* a;
  size_t a_stride;
  const float* packed;
  float* c;
  size_t c_stride;
  const reference::ClampF32* clamp;
  // Split: tasks over row tiles (by_rows) or over column panels.
  bool by_rows;
  size_t tiles, panels, tasks;
};

void gemm_f32_block(const GemmF32Task& t, size_t tile0, size_t tile1, size_t panel0, size_t panel1) {
  const size_t mr_max = static_cast<size_t>(t.kernel->mr), nr = static_cast<size_t>(t.kernel->nr);
  const size_t panel_floats = nr * (1 + t.k);
  const float* rows[kGemmF32MaxMr];
  // Panels outside, rows inside: a panel's weights stay in cache over the
  // row tiles (batch-1 FULLY_CONNECTED reads each weight once).
  for (size_t panel = panel0; panel < panel1; ++panel) {
    const size_t n0 = panel * nr;
    const size_t nc = std::min(nr, t.n - n0);
    const float* w = t.packed + panel * panel_floats;
    for (size_t tile = tile0; tile < tile1; ++tile) {
      const size_t m0 = tile * mr_max;
      const size_t mr = std::min(mr_max, t.m - m0);
      for (size_t r = 0; r < mr_max; ++r) rows[r] = t.a + (m0 + std::min(r, mr - 1)) * t.a_stride;
      t.kernel->run(mr, nc, t.k, 1, rows, w, t.c + m0 * t.c_stride + n0, t.c_stride, *t.clamp);
    }
  }
}

void gemm_f32_task(void* context, size_t i) {
  const GemmF32Task& t = *static_cast<const GemmF32Task*>(context);
  if (t.by_rows) {
    gemm_f32_block(t, i * t.tiles / t.tasks, (i + 1) * t.tiles / t.tasks, 0, t.panels);
  } else {
    gemm_f32_block(t, 0, t.tiles, i * t.panels / t.tasks, (i + 1) * t.panels / t.tasks);
  }
}

struct IgemmF32Task {
  const GemmF32Kernel* kernel;
  size_t m, n, kc, ks;
  const int64_t* offsets;
  const float* input;
  const float* zero;
  const float* packed;
  float* c;
  size_t c_stride;
  const reference::ClampF32* clamp;
  const float** pointers;  // tasks slots of MR * ks
  size_t tiles, tasks;
};

void igemm_f32_tiles(const IgemmF32Task& t, size_t tile0, size_t tile1, const float** pointers) {
  const size_t mr_max = static_cast<size_t>(t.kernel->mr), nr = static_cast<size_t>(t.kernel->nr);
  const size_t panel_floats = nr * (1 + t.kc * t.ks);
  for (size_t tile = tile0; tile < tile1; ++tile) {
    const size_t m0 = tile * mr_max;
    const size_t mr = std::min(mr_max, t.m - m0);
    for (size_t tap = 0; tap < t.ks; ++tap) {
      for (size_t r = 0; r < mr_max; ++r) {
        const int64_t offset = t.offsets[(m0 + std::min(r, mr - 1)) * t.ks + tap];
        pointers[tap * mr_max + r] = offset < 0 ? t.zero : t.input + offset;
      }
    }
    for (size_t n0 = 0; n0 < t.n; n0 += nr) {
      const size_t nc = std::min(nr, t.n - n0);
      t.kernel->run(mr, nc, t.kc, t.ks, pointers, t.packed + (n0 / nr) * panel_floats, t.c + m0 * t.c_stride + n0,
                    t.c_stride, *t.clamp);
    }
  }
}

void igemm_f32_task(void* context, size_t i) {
  const IgemmF32Task& t = *static_cast<const IgemmF32Task*>(context);
  const size_t slot = static_cast<size_t>(t.kernel->mr) * t.ks;
  igemm_f32_tiles(t, i * t.tiles / t.tasks, (i + 1) * t.tiles / t.tasks, t.pointers + i * slot);
}

}  // namespace

size_t gemm_f32_packed_size(int nr, int n, int k) {
  const size_t panels = (static_cast<size_t>(n) + nr - 1) / nr;
  return panels * static_cast<size_t>(nr) * (1 + static_cast<size_t>(k));
}

void gemm_f32_pack(int nr, int n, int k, const float* weights, const float* bias, float* packed) {
  for (int n0 = 0; n0 < n; n0 += nr) {
    const int cols = std::min(nr, n - n0);
    for (int j = 0; j < nr; ++j) *packed++ = j < cols && bias != nullptr ? bias[n0 + j] : 0.0f;
    for (int kk = 0; kk < k; ++kk) {
      for (int j = 0; j < nr; ++j) {
        *packed++ = j < cols ? weights[static_cast<size_t>(n0 + j) * k + kk] : 0.0f;
      }
    }
  }
}

void gemm_f32_run(const GemmF32Kernel& kernel, size_t m, int n, int k, const float* a, size_t a_stride,
                  const float* packed, float* c, size_t c_stride, const reference::ClampF32& clamp,
                  pthreadpool_t threadpool) {
  if (m == 0 || n <= 0) return;
  GemmF32Task t;
  t.kernel = &kernel;
  t.m = m, t.n = static_cast<size_t>(n), t.k = static_cast<size_t>(k);
  t.a = a, t.a_stride = a_stride, t.packed = packed, t.c = c, t.c_stride = c_stride, t.clamp = &clamp;
  t.tiles = (m + kernel.mr - 1) / kernel.mr;
  t.panels = (t.n + kernel.nr - 1) / kernel.nr;
  const size_t threads = thread_count(threadpool);
  // Rows when there are enough tiles for every thread, else panels.
  t.by_rows = t.tiles >= threads || t.tiles >= t.panels;
  t.tasks = std::min(threads, t.by_rows ? t.tiles : t.panels);
  if (t.tasks <= 1) {
    gemm_f32_block(t, 0, t.tiles, 0, t.panels);
    return;
  }
  pthreadpool_parallelize_1d(threadpool, gemm_f32_task, &t, t.tasks, 0);
}

void igemm_f32_run(const GemmF32Kernel& kernel, size_t m, int n, size_t kc, size_t ks, const int64_t* offsets,
                   const float* input, const float* zero, const float* packed, float* c, size_t c_stride,
                   const reference::ClampF32& clamp, const float** pointers, size_t slots, pthreadpool_t threadpool) {
  if (m == 0 || n <= 0) return;
  IgemmF32Task t;
  t.kernel = &kernel;
  t.m = m, t.n = static_cast<size_t>(n), t.kc = kc, t.ks = ks;
  t.offsets = offsets, t.input = input, t.zero = zero, t.packed = packed;
  t.c = c, t.c_stride = c_stride, t.clamp = &clamp, t.pointers = pointers;
  t.tiles = (m + kernel.mr - 1) / kernel.mr;
  t.tasks = std::min({thread_count(threadpool), std::max<size_t>(slots, 1), t.tiles});
  if (t.tasks <= 1) {
    igemm_f32_tiles(t, 0, t.tiles, pointers);
    return;
  }
  pthreadpool_parallelize_1d(threadpool, igemm_f32_task, &t, t.tasks, 0);
}

void igemm_f32_build_offsets(const reference::Conv2DF32Params& p, int64_t* offsets) {
  for (int b = 0; b < p.batch; ++b) {
    for (int oy = 0; oy < p.output_height; ++oy) {
      for (int ox = 0; ox < p.output_width; ++ox) {
        for (int ky = 0; ky < p.kernel_height; ++ky) {
          const int iy = oy * p.stride_height - p.pad_top + ky * p.dilation_height;
          for (int kx = 0; kx < p.kernel_width; ++kx) {
            const int ix = ox * p.stride_width - p.pad_left + kx * p.dilation_width;
            const bool inside = iy >= 0 && iy < p.input_height && ix >= 0 && ix < p.input_width;
            *offsets++ = inside ? ((int64_t{b} * p.input_height + iy) * p.input_width + ix) * p.input_channels : -1;
          }
        }
      }
    }
  }
}

}  // namespace qrt
