// The packed int8 depthwise convolution interface shared by every ISA's
// depthwise micro-kernels (depth multiplier 1): bit-exact with
// reference::depthwise_conv2d_s8 for any padding, stride, dilation, zero
// points and either requantization rule.
//
// Channels are vectorised: a kernel handles a block of `channel_tile`
// channels (32 on AVX-512, 16 on AVX2) at a time and taps in pairs with
// vpmaddwd on int16: x * (w - filter_zero_point) + x' * (w' - filter_zero_point),
// with x, x' in [-128, 127] and w - zw in [-255, 255], is exact, so a
// per-tensor filter zero point is simply folded into the packed weights.
// The input zero point is folded into the bias:
//   acc = bias - zi * sum_t (w_t - zw) + sum_t x_t * (w_t - zw)
// and every tap that falls in the padding reads a row of zi values (the
// `zero` buffer), which contributes zi * (w_t - zw): the reference skips
// those taps, and the two agree. All sums wrap modulo 2^32 like the int32
// lanes; the true accumulator fits int32 (the loader bounds the bias), so
// the result is exact.
//
// The two taps of a pair are interleaved per 128-bit lane by vpunpck{l,h}wd,
// so the accumulators hold the channels of a block in "lane order": vector
// `half` (0 = low, 1 = high), lane L, dword j holds channel 8L + 4 half + j.
// vpackssdw of the two halves restores channel order. Per block the packed
// weights are, all in lane order:
//   int32 bias'[CT] | per tap pair: int16 (w_t - zw, w_t+1 - zw)[CT] |
//   epilogue[CT]...
// with the epilogue as in gemm_s8.h (fp32: float scale[CT]; fixedpoint:
// int32 multiplier, left_shift, right_shift, rounding_mask [CT] each for
// double rounding, or multiplier, 31 - shift and two unused for single).
// Channels past the last and the second tap of an odd last pair have zero
// weights. After the last block comes the padding row: padded-channels bytes
// of input_zero_point, which taps in the padding read.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/requantization.h"

typedef struct pthreadpool* pthreadpool_t;  // as <pthreadpool.h> declares it

namespace qrt {

struct DwconvPackParams {
  int channels = 0;
  int kernel_height = 0;
  int kernel_width = 0;
  const int8_t* weights = nullptr;  // [kernel_height][kernel_width][channels]
  const int32_t* bias = nullptr;    // [channels] or nullptr
  int32_t input_zero_point = 0;
  int32_t filter_zero_point = 0;
  OutputRequant requant;
};

// Geometry and epilogue of a run.
struct DwconvRunParams {
  int batch = 1;
  int input_height = 0, input_width = 0, channels = 0;
  int output_height = 0, output_width = 0;
  int kernel_height = 0, kernel_width = 0;
  int stride_height = 1, stride_width = 1;
  int dilation_height = 1, dilation_width = 1;
  int pad_top = 0, pad_left = 0;
  RequantRule rule = RequantRule::kFp32;
  FixedPointRounding rounding = FixedPointRounding::kDouble;  // kFixedPoint
  int32_t output_zero_point = 0;
  int32_t output_min = -128;
  int32_t output_max = 127;

  size_t rows() const { return static_cast<size_t>(batch) * static_cast<size_t>(output_height); }
};

// Output rows [row_begin, row_end) of batch * output_height.
using DwconvRunFn = void(const DwconvRunParams& params, const int8_t* input, const void* packed, int8_t* output,
                         size_t row_begin, size_t row_end);

// Most taps the generic kernels take (the pointers of one pixel live on the
// stack); larger filters stay on the reference kernel.
constexpr int kDwconvMaxTaps = 64;

inline int dwconv_padded_channels(int channel_tile, int channels) {
  return (channels + channel_tile - 1) / channel_tile * channel_tile;
}
inline size_t dwconv_epilogue_bytes(RequantRule rule) { return rule == RequantRule::kFp32 ? 4 : 16; }
inline size_t dwconv_block_bytes(int channel_tile, RequantRule rule, int taps) {
  const size_t pairs = static_cast<size_t>((taps + 1) / 2);
  return static_cast<size_t>(channel_tile) * (sizeof(int32_t) + pairs * 2 * sizeof(int16_t) + dwconv_epilogue_bytes(rule));
}
// Packed blocks, then the padding row.
size_t dwconv_packed_size(int channel_tile, RequantRule rule, int channels, int taps);
inline const int8_t* dwconv_padding_row(const void* packed, int channel_tile, RequantRule rule, int channels,
                                        int taps) {
  const size_t blocks = static_cast<size_t>(dwconv_padded_channels(channel_tile, channels) / channel_tile);
  return static_cast<const int8_t*>(packed) + blocks * dwconv_block_bytes(channel_tile, rule, taps);
}
// Writes channel `channel`'s epilogue values at position q of a block's
// epilogue (layout above), for this packing and dwconv3x3_c4_s8.h's.
void dwconv_pack_epilogue(const OutputRequant& requant, int channel, int channel_tile, int q, uint8_t* epilogue);
// Portable packing, run once at prepare.
void dwconv_pack(int channel_tile, const DwconvPackParams& params, void* packed);
DwconvRunParams make_dwconv_run_params(const DwconvPackParams& pack);

// Runs `run` over every output row, split over the pool's threads when there
// is a pool with more than one and the layer has at least
// kDwconvMinParallelMacs multiply-adds, in ranges of at least
// kDwconvMinTaskMacs (rows are independent: the bytes do not depend on the
// split). Measured on a 2-core x86 machine, as gemm_split.h's thresholds.
constexpr uint64_t kDwconvMinParallelMacs = uint64_t{1} << 19;
constexpr uint64_t kDwconvMinTaskMacs = uint64_t{1} << 16;
void dwconv_run_parallel(DwconvRunFn* run, const DwconvRunParams& params, const int8_t* input, const void* packed,
                         int8_t* output, pthreadpool_t threadpool);

}  // namespace qrt
