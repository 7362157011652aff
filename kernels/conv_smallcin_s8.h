// A direct int8 convolution for few input channels (at most
// kConvSmallCinMaxChannels): the first layer of image networks, 3 RGB
// channels under a 3x3 (MobileNet) or 7x7 (ResNet) filter. Bit-exact with
// reference::conv2d_s8 for groups = 1, any kernel size, stride, dilation and
// padding.
//
// Why not the IGEMM (conv_s8.h): with 3 channels a tap is 3 bytes, so the
// IGEMM gathers every output pixel from KH * KW tiny pieces through its
// indirection buffer, and that gather costs about four times the
// multiply-adds (perf on MobileNetV2's first layer: 80% of the time in the
// gather, 15% in the tiles). Here each output row first gets, once, the KH
// input rows it reads, sign-flipped and padded left and right with the input
// zero point; a pixel's patch (its K = KH * KW * Cin bytes in filter order)
// is then KH contiguous copies of KW * Cin bytes, and the tiles multiply the
// patches of a run of pixels against the packed weights. oneDNN's brgemm
// convolution does the same for small channel counts ("reduced lowering":
// KW * Cin becomes the reduction dimension).
//
// Weights: the GEMM packing (gemm_s8.h) of W - filter_zero_point with a zero
// filter zero point, so the kernels need no per-pixel input sums:
//   acc = bias' + sum_k (x_k + offset) * (w_k - zw),
//   bias' = bias - (zi + offset) * sum_k (w_k - zw),
// and a tap in the padding reads zi (adding (zi - zi) * (w - zw) = 0, as the
// reference, which skips it). This needs every w - zw in int8
// (conv_smallcin_fits; always true for per-channel weights, whose zero point
// is 0). Positions K..Kp-1 of a patch hold leftover bytes: their weights are
// 0. Sums wrap modulo 2^32 like the lanes; the true accumulator fits int32,
// so the result is exact.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/gemm_s8.h"
#include "kernels/reference/conv2d_s8.h"

namespace qrt {

constexpr int kConvSmallCinMaxChannels = 4;
// Patches are built and multiplied in runs of at most this many pixels of
// one output row (the patch buffer stays in L1).
constexpr int kConvSmallCinPixelRun = 64;
// Bytes read or written past the end of a padded row or of the patch buffer
// (the kernels copy in whole 32-byte vectors).
constexpr size_t kConvSmallCinSlack = 64;

// What a run needs besides the pointers (shapes from reference::Conv2DParams,
// the epilogue's per-tensor values as GemmRunParams has them).
struct ConvSmallCinRunParams {
  int batch = 1;
  int input_height = 0, input_width = 0, input_channels = 0;
  int output_height = 0, output_width = 0, output_channels = 0;
  int kernel_height = 0, kernel_width = 0;
  int stride_height = 1, stride_width = 1;
  int dilation_height = 1, dilation_width = 1;
  int pad_top = 0, pad_left = 0;
  int32_t input_zero_point = 0;
  RequantRule rule = RequantRule::kFp32;
  FixedPointRounding rounding = FixedPointRounding::kDouble;
  int32_t output_zero_point = 0;
  int32_t output_min = -128;
  int32_t output_max = 127;

  int k() const { return kernel_height * kernel_width * input_channels; }
  size_t rows() const { return static_cast<size_t>(batch) * output_height; }
  // Pixels of a padded input row: from column -pad_left to the last one a
  // tap reads (at least the input's last).
  int64_t padded_width() const;
};

ConvSmallCinRunParams make_conv_smallcin_run_params(const reference::Conv2DParams& p);

// A kernel: output rows [row_begin, row_end) of batch * output_height, one
// thread's scratch (conv_smallcin_scratch_size bytes).
using ConvSmallCinRunFn = void(const ConvSmallCinRunParams& p, const int8_t* input, const void* packed, void* scratch,
                               int8_t* output, size_t row_begin, size_t row_end);

// Whether the family takes this convolution: groups 1, at most
// kConvSmallCinMaxChannels input channels, K at most 1024 (the patch buffer
// stays small) (conv_smallcin_shape_fits, enough for the int16 pair scheme
// below), and for the uint8 patches every filter value minus the filter
// zero point in int8 (conv_smallcin_fits; `weights` is the OHWI filter).
bool conv_smallcin_shape_fits(const reference::Conv2DParams& p);
bool conv_smallcin_fits(const reference::Conv2DParams& p, const int8_t* weights);

// The packed weights: gemm_packed_size / gemm_pack of `layout` (whose
// input_offset is the kernel's sign flip) on W - filter_zero_point.
// Requires conv_smallcin_fits.
size_t conv_smallcin_packed_size(const GemmLayout& layout, RequantRule rule, int n, int k);
void conv_smallcin_pack(const GemmLayout& layout, const GemmPackParams& p, void* packed);

// One thread's scratch: KH padded rows of `a_element_size`-byte elements,
// then the patches of one pixel run, each Kp elements (layout.kr-padded K).
size_t conv_smallcin_row_stride(const GemmLayout& layout, const ConvSmallCinRunParams& p);
size_t conv_smallcin_scratch_size(const GemmLayout& layout, const ConvSmallCinRunParams& p);
// conv_smallcin_scratch_size rounded up to a cache line: the distance
// between threads' scratch.
inline size_t conv_smallcin_scratch_stride(const GemmLayout& layout, const ConvSmallCinRunParams& p) {
  return (conv_smallcin_scratch_size(layout, p) + 63) / 64 * 64;
}

// ---- The int16 pair scheme (AVX2: vpmaddwd; AVX-VNNI: vpdpwssd) ----
// vpmaddwd multiplies two int16 pairs per 32-bit lane and adds the
// products, exactly for every int8 value (vpmaddubsw would saturate). So
// the kernel widens each output row's input rows to int16, padded with the
// input zero point, and lays them out as "pair rows" of padded_width * Cin
// lanes, lane e (e = padded column * Cin + channel) holding
//   pair row g < KH / 2:        (input row 2g [e], input row 2g + 1 [e]),
//   pair row KH / 2 (odd KH):   (last input row [e], last input row [e + 1]).
// A pixel at output column x starts at lane x * stride_width * Cin of each
// pair row, and reads its K values there in place, as the pairs
// conv_smallcin_pairs lists: per pair row g, per tap kx and channel c, lane
// kx * dilation_width * Cin + c (filter rows 2g and 2g + 1); for an odd KH,
// the last filter row in runs of adjacent values (the whole row for
// dilation 1, one tap's Cin values otherwise) at every other lane of a run,
// a run's odd last value paired with the next lane's under a zero weight.
// The 3x3 x 3 stem is 9 + 5 = 14 pairs for K = 27; the 7x7 x 3 one 63 + 11
// = 74 for K = 147.
//
// Weights (conv_smallcin_pair_pack): per NR-channel tile
//   int32 bias'[NR] | int16 w[pairs][NR][2] | epilogue[NR]... (gemm_s8.h)
// with w the pair's filter values minus the filter zero point (0 under a
// padding position), bias' = bias - zi * sum_k (w_k - zw). In int16, w - zw
// fits for every filter zero point (|w - zw| <= 255, |x * w| <= 32640, a
// pair's sum within vpmaddwd's int32), so conv_smallcin_shape_fits is the
// only condition: per-tensor weights of uint8 models too. After the tiles,
// 64 bytes whose first int32 is kConvSmallCinFp32Bounded when the fp32
// rule's acc * scale stays below 2^30 in magnitude on every channel for
// every input (|bias'| + 128 * sum |w| bounds |acc|), else 0: the epilogue
// then needs no clamp in float before vcvtps2dq (which turns 2^31 and more
// into INT32_MIN), the byte clamp after it gives the same bytes.
constexpr int32_t kConvSmallCinFp32Bounded = 1;

// Pairs of K values per pixel.
int conv_smallcin_pair_count(const ConvSmallCinRunParams& p);
// Per pair its byte offset from the pixel's first lane in pair row 0
// (offsets, if not null) and its two filter positions (ky * KW + kx) * Cin
// + c, -1 for a padding position (positions, 2 per pair, if not null).
void conv_smallcin_pairs(const ConvSmallCinRunParams& p, size_t pair_row_stride, int32_t* offsets,
                         int32_t* positions);
// Packed weights: bytes of one NR-channel tile and of all of them (with the
// flag), and the packing (layout.kr must be 2). Requires
// conv_smallcin_shape_fits.
size_t conv_smallcin_pair_tile_bytes(const GemmLayout& layout, RequantRule rule, const ConvSmallCinRunParams& p);
size_t conv_smallcin_pair_packed_size(const GemmLayout& layout, RequantRule rule, const ConvSmallCinRunParams& p);
void conv_smallcin_pair_pack(const GemmLayout& layout, const ConvSmallCinRunParams& geometry,
                             const GemmPackParams& params, void* packed);

// One thread's scratch: ceil(KH / 2) pair rows, two padded int8 input rows
// and the pairs' offsets.
struct ConvSmallCinPairScratch {
  uint8_t* pair_rows;
  size_t pair_row_stride;
  int8_t* rows;  // two, row_stride bytes apart
  size_t row_stride;
  int32_t* offsets;
};
size_t conv_smallcin_pair_scratch_size(const ConvSmallCinRunParams& p);
ConvSmallCinPairScratch conv_smallcin_pair_scratch(const ConvSmallCinRunParams& p, void* scratch);

// Runs `run` over all output rows, split over the pool's threads into at
// most scratch_count contiguous ranges, range i on scratch + i *
// scratch_stride. Rows are independent, so the bytes do not depend on the
// split.
void conv_smallcin_run_parallel(ConvSmallCinRunFn* run, const ConvSmallCinRunParams& params, const int8_t* input,
                                const void* packed, void* scratch, size_t scratch_stride, size_t scratch_count,
                                int8_t* output, pthreadpool_t threadpool);

}  // namespace qrt
