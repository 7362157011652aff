#include "kernels/conv_smallcin_s8.h"

#include <pthreadpool.h>

#include <algorithm>
#include <vector>

namespace qrt {

int64_t ConvSmallCinRunParams::padded_width() const {
  const int64_t last_read = int64_t{output_width - 1} * stride_width - pad_left +
                            int64_t{kernel_width - 1} * dilation_width;
  return pad_left + std::max<int64_t>(input_width, last_read + 1);
}

ConvSmallCinRunParams make_conv_smallcin_run_params(const reference::Conv2DParams& p) {
  ConvSmallCinRunParams r;
  r.batch = p.batch;
  r.input_height = p.input_height;
  r.input_width = p.input_width;
  r.input_channels = p.input_channels;
  r.output_height = p.output_height;
  r.output_width = p.output_width;
  r.output_channels = p.output_channels;
  r.kernel_height = p.kernel_height;
  r.kernel_width = p.kernel_width;
  r.stride_height = p.stride_height;
  r.stride_width = p.stride_width;
  r.dilation_height = p.dilation_height;
  r.dilation_width = p.dilation_width;
  r.pad_top = p.pad_top;
  r.pad_left = p.pad_left;
  r.input_zero_point = p.input_zero_point;
  r.rule = p.requant.rule;
  r.rounding = p.requant.rounding;
  r.output_zero_point = p.requant.zero_point;
  r.output_min = p.requant.min;
  r.output_max = p.requant.max;
  return r;
}

bool conv_smallcin_fits(const reference::Conv2DParams& p, const int8_t* weights) {
  if (p.groups != 1 || p.input_channels < 1 || p.input_channels > kConvSmallCinMaxChannels) return false;
  const int64_t k = int64_t{p.kernel_height} * p.kernel_width * p.input_channels;
  if (k < 1 || k > 1024) return false;
  if (p.filter_zero_point == 0) return true;  // int8 weights fit as they are
  const size_t count = static_cast<size_t>(p.output_channels) * static_cast<size_t>(k);
  for (size_t i = 0; i < count; ++i) {
    const int32_t w = int32_t{weights[i]} - p.filter_zero_point;
    if (w < -128 || w > 127) return false;
  }
  return true;
}

size_t conv_smallcin_packed_size(const GemmLayout& layout, RequantRule rule, int n, int k) {
  return gemm_packed_size(layout, rule, n, k);
}

void conv_smallcin_pack(const GemmLayout& layout, const GemmPackParams& p, void* packed) {
  if (p.filter_zero_point == 0) {
    gemm_pack(layout, p, packed);
    return;
  }
  // W - zw (fits int8: conv_smallcin_fits) with zero point 0 folds the
  // filter zero point into the weights and the bias (see the header).
  const size_t count = static_cast<size_t>(p.n) * static_cast<size_t>(p.k);
  std::vector<int8_t> shifted(count);
  for (size_t i = 0; i < count; ++i) shifted[i] = static_cast<int8_t>(int32_t{p.weights[i]} - p.filter_zero_point);
  GemmPackParams q = p;
  q.weights = shifted.data();
  q.filter_zero_point = 0;
  gemm_pack(layout, q, packed);
}

size_t conv_smallcin_row_stride(const GemmLayout& layout, const ConvSmallCinRunParams& p) {
  const size_t bytes = static_cast<size_t>(p.padded_width()) * static_cast<size_t>(p.input_channels) *
                           static_cast<size_t>(layout.a_element_size) +
                       kConvSmallCinSlack;
  return (bytes + 63) / 64 * 64;
}

size_t conv_smallcin_scratch_size(const GemmLayout& layout, const ConvSmallCinRunParams& p) {
  const size_t patch = static_cast<size_t>(gemm_padded_k(layout, p.k())) * static_cast<size_t>(layout.a_element_size);
  return static_cast<size_t>(p.kernel_height) * conv_smallcin_row_stride(layout, p) +
         static_cast<size_t>(kConvSmallCinPixelRun) * patch + kConvSmallCinSlack;
}

namespace {

struct SmallCinTask {
  ConvSmallCinRunFn* run;
  const ConvSmallCinRunParams* params;
  const int8_t* input;
  const void* packed;
  uint8_t* scratch;
  size_t scratch_stride;
  int8_t* output;
  size_t rows, tasks;
};

void smallcin_range_task(void* context, size_t i) {
  const SmallCinTask& t = *static_cast<const SmallCinTask*>(context);
  const size_t first = i * t.rows / t.tasks, last = (i + 1) * t.rows / t.tasks;
  if (first >= last) return;
  t.run(*t.params, t.input, t.packed, t.scratch + i * t.scratch_stride, t.output, first, last);
}

}  // namespace

void conv_smallcin_run_parallel(ConvSmallCinRunFn* run, const ConvSmallCinRunParams& params, const int8_t* input,
                                const void* packed, void* scratch, size_t scratch_stride, size_t scratch_count,
                                int8_t* output, pthreadpool_t threadpool) {
  const size_t rows = params.rows();
  const size_t threads = threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
  const size_t tasks = std::min({threads, scratch_count, rows});
  if (tasks <= 1) {
    run(params, input, packed, scratch, output, 0, rows);
    return;
  }
  SmallCinTask task{run, &params, input, packed, static_cast<uint8_t*>(scratch), scratch_stride, output, rows, tasks};
  pthreadpool_parallelize_1d(threadpool, smallcin_range_task, &task, tasks, 0);
}

}  // namespace qrt
