// A second packing for 3x3 depthwise convolution (depth multiplier 1,
// dilation 1), for kernels that multiply int8 by int8 four taps at a time
// (AVX-512 VNNI vpdpbusd: u8 x s8, four products summed into each int32
// lane). Bit-exact with reference::depthwise_conv2d_s8 like the int16
// packing of dwconv_s8.h, which stays the packing of every other filter.
//
// One int32 lane holds one channel; its four bytes are the three filter rows
// of one filter column (ky = 0, 1, 2) and a zero weight. The kernel builds
// the matching input dword (rows iy, iy + 1, iy + 2 of one input column)
// once per input column and reuses it for the three output pixels that read
// that column. Inputs are made unsigned by flipping their sign bit (x + 128,
// vpxor 0x80), and the weights must fit int8 after the filter zero point is
// taken off (dwconv3x3_c4_fits: always true for per-channel weights, whose
// zero point is 0):
//   acc = bias' + sum_t (x_t + 128) * (w_t - zw),
//   bias' = bias - (zi + 128) * sum_t (w_t - zw),
// and a tap in the padding reads zi, as in dwconv_s8.h. Sums wrap modulo 2^32
// like the lanes; the true accumulator fits int32, so the result is exact.
//
// Full blocks of 64 channels, then at most one narrow tail block. Within a
// full block, channels sit in "acc order", the order vpunpck leaves them in
// when it interleaves four 64-byte input rows: position q = 16 k + 4 L + j
// (vector k of 4, 128-bit lane L, dword j) holds channel 16 L + 4 k + j;
// vpackssdw then vpacksswb of the four vectors restores channel order.
// The channels past the last multiple of 64 (the remainder r = channels %
// 64) go to a full block too when r > 48; when 0 < r <= 48 they go to a tail
// block of width T = 16 ceil(r / 16) (16, 32 or 48) in channel order: vector
// k holds channels 16 k .. 16 k + 15, built per 16 channels by one vpshufb
// per input row from the row's 16 bytes broadcast to the four lanes, so a
// 144-channel layer computes 144 channels, not 192, and a 32-channel one 32,
// not 64. Per block of width W (64, or T for the tail), in the block's order:
//   int32 bias'[W] | per filter column kx = 0..2: int8 (w[0][kx], w[1][kx],
//   w[2][kx], 0)[W] | epilogue[W]... (as dwconv_s8.h: fp32 float scale;
//   fixedpoint int32 multiplier, left_shift, right_shift, rounding_mask, or
//   multiplier, 31 - shift and two unused for single rounding).
// Channels past the last have zero weights. After the last block: 64 bytes of
// input_zero_point, the row that taps in the padding read.
// (runtime/ops/conv_ops.cc names this layout qs8_dwconv3x3c4_v2; v1 had no
// tail block and padded the channels to a multiple of 64.)
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/dwconv_s8.h"

namespace qrt {

constexpr int kDwconv3x3C4ChannelTile = 64;
constexpr int kDwconv3x3C4TailGroup = 16;

// Channel (within its full block) of acc-order position q.
inline int dwconv3x3_c4_channel(int q) { return 16 * ((q / 4) % 4) + 4 * (q / 16) + q % 4; }

// Width of the tail block (0: none) and the number of full blocks.
inline int dwconv3x3_c4_tail_width(int channels) {
  const int r = channels % kDwconv3x3C4ChannelTile;
  if (r == 0 || r > 3 * kDwconv3x3C4TailGroup) return 0;
  return (r + kDwconv3x3C4TailGroup - 1) / kDwconv3x3C4TailGroup * kDwconv3x3C4TailGroup;
}
inline int dwconv3x3_c4_full_blocks(int channels) {
  return dwconv3x3_c4_tail_width(channels) != 0 ? channels / kDwconv3x3C4ChannelTile
                                                  : dwconv_padded_channels(kDwconv3x3C4ChannelTile, channels) /
                                                        kDwconv3x3C4ChannelTile;
}

// Bytes of a block `width` channels wide.
inline size_t dwconv3x3_c4_block_bytes(RequantRule rule, int width = kDwconv3x3C4ChannelTile) {
  return static_cast<size_t>(width) * (sizeof(int32_t) + 3 * 4 + dwconv_epilogue_bytes(rule));
}
size_t dwconv3x3_c4_packed_size(RequantRule rule, int channels);
inline const int8_t* dwconv3x3_c4_padding_row(const void* packed, RequantRule rule, int channels) {
  return static_cast<const int8_t*>(packed) +
         static_cast<size_t>(dwconv3x3_c4_full_blocks(channels)) * dwconv3x3_c4_block_bytes(rule) +
         dwconv3x3_c4_block_bytes(rule, dwconv3x3_c4_tail_width(channels));
}

// Whether this packing takes the filter: 3x3 and every w - filter_zero_point
// in [-128, 127].
bool dwconv3x3_c4_fits(const DwconvPackParams& params);
// Portable packing, run once at prepare; requires dwconv3x3_c4_fits(params).
void dwconv3x3_c4_pack(const DwconvPackParams& params, void* packed);

}  // namespace qrt
