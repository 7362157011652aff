#include "kernels/conv_smallcin_s8.h"

#include <pthreadpool.h>

#include <algorithm>
#include <cmath>
#include <cstring>
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

bool conv_smallcin_shape_fits(const reference::Conv2DParams& p) {
  if (p.groups != 1 || p.input_channels < 1 || p.input_channels > kConvSmallCinMaxChannels) return false;
  const int64_t k = int64_t{p.kernel_height} * p.kernel_width * p.input_channels;
  return k >= 1 && k <= 1024;
}

bool conv_smallcin_fits(const reference::Conv2DParams& p, const int8_t* weights) {
  if (!conv_smallcin_shape_fits(p)) return false;
  if (p.filter_zero_point == 0) return true;  // int8 weights fit as they are
  const int64_t k = int64_t{p.kernel_height} * p.kernel_width * p.input_channels;
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

// ---- The int16 pair scheme ----

int conv_smallcin_pair_count(const ConvSmallCinRunParams& p) {
  const int cin = p.input_channels, kw = p.kernel_width;
  int count = p.kernel_height / 2 * kw * cin;
  if (p.kernel_height % 2 != 0) count += p.dilation_width == 1 ? (kw * cin + 1) / 2 : kw * ((cin + 1) / 2);
  return count;
}

void conv_smallcin_pairs(const ConvSmallCinRunParams& p, size_t pair_row_stride, int32_t* offsets,
                         int32_t* positions) {
  const int cin = p.input_channels, kw = p.kernel_width, kh = p.kernel_height;
  const int tap_lanes = p.dilation_width * cin;  // lanes between taps
  int i = 0;
  auto add = [&](int row, int lane, int first, int second) {
    if (offsets != nullptr) offsets[i] = static_cast<int32_t>(static_cast<size_t>(row) * pair_row_stride + 4 * lane);
    if (positions != nullptr) {
      positions[2 * i] = first;
      positions[2 * i + 1] = second;
    }
    ++i;
  };
  for (int g = 0; g < kh / 2; ++g) {
    for (int kx = 0; kx < kw; ++kx) {
      for (int c = 0; c < cin; ++c) add(g, kx * tap_lanes + c, (2 * g * kw + kx) * cin + c, ((2 * g + 1) * kw + kx) * cin + c);
    }
  }
  if (kh % 2 == 0) return;
  const int g = kh / 2, first = (kh - 1) * kw * cin;
  if (p.dilation_width == 1) {  // one run: the whole filter row
    const int run = kw * cin;
    for (int j = 0; j < run; j += 2) add(g, j, first + j, j + 1 < run ? first + j + 1 : -1);
    return;
  }
  for (int kx = 0; kx < kw; ++kx) {  // a run per tap
    for (int c = 0; c < cin; c += 2) {
      add(g, kx * tap_lanes + c, first + kx * cin + c, c + 1 < cin ? first + kx * cin + c + 1 : -1);
    }
  }
}

size_t conv_smallcin_pair_tile_bytes(const GemmLayout& layout, RequantRule rule, const ConvSmallCinRunParams& p) {
  return static_cast<size_t>(layout.nr) *
         (sizeof(int32_t) + 2 * sizeof(int16_t) * static_cast<size_t>(conv_smallcin_pair_count(p)) +
          gemm_epilogue_bytes(rule));
}

size_t conv_smallcin_pair_packed_size(const GemmLayout& layout, RequantRule rule, const ConvSmallCinRunParams& p) {
  const size_t tiles = static_cast<size_t>((p.output_channels + layout.nr - 1) / layout.nr);
  return tiles * conv_smallcin_pair_tile_bytes(layout, rule, p) + 64;
}

void conv_smallcin_pair_pack(const GemmLayout& layout, const ConvSmallCinRunParams& geometry,
                             const GemmPackParams& params, void* packed) {
  // The epilogue values from the GEMM packing (kr 2) of zero weights; the
  // weights in pair order, in int16, and the bias with the input zero
  // point's correction here (w - zw may reach +-255, which int8 packing
  // could not hold).
  const int pairs = conv_smallcin_pair_count(geometry);
  const int k = 2 * pairs;
  std::vector<int32_t> positions(static_cast<size_t>(k));
  conv_smallcin_pairs(geometry, 0, nullptr, positions.data());
  GemmLayout bytes = layout;
  bytes.input_offset = 0;
  bytes.kr = 2;
  const std::vector<int8_t> zeros(static_cast<size_t>(params.n) * static_cast<size_t>(k), 0);
  GemmPackParams q = params;
  q.k = k;
  q.weights = zeros.data();
  q.filter_zero_point = 0;
  std::vector<uint8_t> gemm(gemm_packed_size(bytes, params.requant.rule, params.n, k));
  gemm_pack(bytes, q, gemm.data());
  const size_t nr = static_cast<size_t>(layout.nr), head = nr * sizeof(int32_t), values = nr * k;
  const size_t tail = nr * gemm_epilogue_bytes(params.requant.rule);
  const size_t gemm_tile = gemm_tile_bytes(bytes, params.requant.rule, k);
  const size_t pair_tile = conv_smallcin_pair_tile_bytes(layout, params.requant.rule, geometry);
  uint8_t* dst = static_cast<uint8_t*>(packed);
  std::memset(dst, 0, conv_smallcin_pair_packed_size(layout, params.requant.rule, geometry));
  bool bounded = params.requant.rule == RequantRule::kFp32;
  for (size_t t = 0; t < gemm.size() / gemm_tile; ++t, dst += pair_tile) {
    std::memcpy(dst + head + 2 * values, gemm.data() + t * gemm_tile + head + k * nr, tail);
    for (size_t j = 0; j < nr && t * nr + j < static_cast<size_t>(params.n); ++j) {
      const size_t n = t * nr + j;
      const int8_t* row = params.weights + n * static_cast<size_t>(params.k);
      int64_t sum = 0, magnitude = 0;
      for (int i = 0; i < k; ++i) {
        const int16_t w =
            static_cast<int16_t>(positions[i] < 0 ? 0 : int32_t{row[positions[i]]} - params.filter_zero_point);
        std::memcpy(dst + head + 2 * ((i / 2) * nr * 2 + j * 2 + i % 2), &w, sizeof(w));
        sum += w;
        magnitude += w < 0 ? -w : w;
      }
      // bias - zi * sum (w - zw), wrapped to int32 (see gemm_s8.h).
      const int64_t folded = int64_t{params.bias ? params.bias[n] : 0} - int64_t{params.input_zero_point} * sum;
      const int32_t bias = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(folded)));
      std::memcpy(dst + j * sizeof(int32_t), &bias, sizeof(bias));
      if (bounded) {
        const double acc = std::fabs(static_cast<double>(bias)) + 128.0 * static_cast<double>(magnitude);
        bounded = acc * static_cast<double>(params.requant.scales[params.requant.per_channel ? n : 0]) < 1073741824.0;
      }
    }
  }
  const int32_t flag = bounded ? kConvSmallCinFp32Bounded : 0;
  std::memcpy(dst, &flag, sizeof(flag));
}

namespace {

size_t pair_row_stride(const ConvSmallCinRunParams& p) {
  const size_t lanes = static_cast<size_t>(p.padded_width()) * static_cast<size_t>(p.input_channels);
  return (4 * lanes + kConvSmallCinSlack + 63) / 64 * 64;
}

size_t padded_row_stride(const ConvSmallCinRunParams& p) {
  const size_t lanes = static_cast<size_t>(p.padded_width()) * static_cast<size_t>(p.input_channels);
  return (lanes + kConvSmallCinSlack + 63) / 64 * 64;
}

}  // namespace

size_t conv_smallcin_pair_scratch_size(const ConvSmallCinRunParams& p) {
  return static_cast<size_t>((p.kernel_height + 1) / 2) * pair_row_stride(p) + 2 * padded_row_stride(p) +
         static_cast<size_t>(conv_smallcin_pair_count(p)) * sizeof(int32_t);
}

ConvSmallCinPairScratch conv_smallcin_pair_scratch(const ConvSmallCinRunParams& p, void* scratch) {
  ConvSmallCinPairScratch s;
  s.pair_rows = static_cast<uint8_t*>(scratch);
  s.pair_row_stride = pair_row_stride(p);
  s.rows = reinterpret_cast<int8_t*>(s.pair_rows + static_cast<size_t>((p.kernel_height + 1) / 2) * s.pair_row_stride);
  s.row_stride = padded_row_stride(p);
  s.offsets = reinterpret_cast<int32_t*>(s.rows + 2 * s.row_stride);
  return s;
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
