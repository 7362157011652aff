#include "kernels/dwconv_s8.h"

#include <pthreadpool.h>

#include <algorithm>
#include <cstring>

namespace qrt {
namespace {

// Channel of position q of a block in lane order (see dwconv_s8.h).
int lane_order_channel(int channel_tile, int q) {
  const int half = q / (channel_tile / 2);
  const int i = q % (channel_tile / 2);
  return 8 * (i / 4) + 4 * half + i % 4;
}

}  // namespace

void dwconv_pack_epilogue(const OutputRequant& requant, int channel, int channel_tile, int q, uint8_t* epilogue) {
  const int index = requant.per_channel ? channel : 0;
  if (requant.rule == RequantRule::kFp32) {
    std::memcpy(epilogue + q * sizeof(float), &requant.scales[index], sizeof(float));
    return;
  }
  const QuantizedMultiplier m = requant.multipliers[index];
  const int32_t left = m.shift > 0 ? m.shift : 0;
  const int32_t right = m.shift > 0 ? 0 : -m.shift;
  const int32_t mask = static_cast<int32_t>((int64_t{1} << right) - 1);
  const bool single = requant.rounding == FixedPointRounding::kSingle;
  const int32_t values[4] = {m.multiplier, single ? 31 - m.shift : left, single ? 0 : right, single ? 0 : mask};
  for (int v = 0; v < 4; ++v) {
    std::memcpy(epilogue + (v * channel_tile + q) * sizeof(int32_t), &values[v], sizeof(int32_t));
  }
}

size_t dwconv_packed_size(int channel_tile, RequantRule rule, int channels, int taps) {
  const int padded = dwconv_padded_channels(channel_tile, channels);
  return static_cast<size_t>(padded / channel_tile) * dwconv_block_bytes(channel_tile, rule, taps) +
         static_cast<size_t>(padded);
}

void dwconv_pack(int channel_tile, const DwconvPackParams& p, void* packed) {
  const int ct = channel_tile;
  const int taps = p.kernel_height * p.kernel_width;
  const int pairs = (taps + 1) / 2;
  const RequantRule rule = p.requant.rule;
  const int padded = dwconv_padded_channels(ct, p.channels);
  uint8_t* block = static_cast<uint8_t*>(packed);
  std::memset(block, 0, dwconv_packed_size(ct, rule, p.channels, taps));
  for (int c0 = 0; c0 < padded; c0 += ct) {
    int32_t* bias = reinterpret_cast<int32_t*>(block);
    int16_t* w = reinterpret_cast<int16_t*>(block + ct * sizeof(int32_t));
    uint8_t* epilogue = block + ct * (sizeof(int32_t) + pairs * 2 * sizeof(int16_t));
    for (int q = 0; q < ct; ++q) {
      const int c = c0 + lane_order_channel(ct, q);
      if (c >= p.channels) continue;
      int64_t sum = 0;
      for (int t = 0; t < taps; ++t) {
        const int32_t wt = int32_t{p.weights[static_cast<size_t>(t) * p.channels + c]} - p.filter_zero_point;
        w[(t / 2) * 2 * ct + 2 * q + t % 2] = static_cast<int16_t>(wt);
        sum += wt;
      }
      // bias - zi * sum (w - zw), wrapped to int32 (see dwconv_s8.h).
      const int64_t folded = int64_t{p.bias ? p.bias[c] : 0} - int64_t{p.input_zero_point} * sum;
      bias[q] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(folded)));
      dwconv_pack_epilogue(p.requant, c, ct, q, epilogue);
    }
    block += dwconv_block_bytes(ct, rule, taps);
  }
  std::memset(block, static_cast<uint8_t>(static_cast<int8_t>(p.input_zero_point)), static_cast<size_t>(padded));
}

DwconvRunParams make_dwconv_run_params(const DwconvPackParams& pack) {
  DwconvRunParams r;
  r.channels = pack.channels;
  r.kernel_height = pack.kernel_height;
  r.kernel_width = pack.kernel_width;
  r.rule = pack.requant.rule;
  r.rounding = pack.requant.rounding;
  r.output_zero_point = pack.requant.zero_point;
  r.output_min = pack.requant.min;
  r.output_max = pack.requant.max;
  return r;
}

namespace {

struct DwconvTask {
  DwconvRunFn* run;
  const DwconvRunParams* params;
  const int8_t* input;
  const void* packed;
  int8_t* output;
};

void dwconv_rows_task(void* context, size_t row_begin, size_t rows) {
  const DwconvTask& t = *static_cast<const DwconvTask*>(context);
  t.run(*t.params, t.input, t.packed, t.output, row_begin, row_begin + rows);
}

}  // namespace

void dwconv_run_parallel(DwconvRunFn* run, const DwconvRunParams& params, const int8_t* input, const void* packed,
                         int8_t* output, pthreadpool_t threadpool) {
  const size_t rows = params.rows();
  const size_t threads = threadpool != nullptr ? pthreadpool_get_threads_count(threadpool) : 1;
  // Multiply-adds per output row; a small layer (MobileNet's 7x7 ones) runs
  // on the calling thread: waking the pool costs more than it saves.
  const uint64_t row_macs = uint64_t(std::max(params.output_width, 0)) * uint64_t(std::max(params.channels, 0)) *
                            uint64_t(std::max(params.kernel_height, 0)) * uint64_t(std::max(params.kernel_width, 0));
  if (threads <= 1 || rows <= 1 || row_macs * rows < kDwconvMinParallelMacs) {
    run(params, input, packed, output, 0, rows);
    return;
  }
  // A few row ranges per thread, so a thread slowed by other work on its
  // core does not hold the others back (pthreadpool steals ranges), none
  // smaller than kDwconvMinTaskMacs.
  const size_t by_work = static_cast<size_t>((kDwconvMinTaskMacs + row_macs - 1) / std::max<uint64_t>(row_macs, 1));
  const size_t tile = std::max<size_t>({1, rows / (threads * 4), by_work});
  DwconvTask task{run, &params, input, packed, output};
  pthreadpool_parallelize_1d_tile_1d(threadpool, dwconv_rows_task, &task, rows, tile, 0);
}

}  // namespace qrt
