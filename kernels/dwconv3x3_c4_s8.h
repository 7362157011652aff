// A second packing for 3x3 depthwise convolution (depth multiplier 1,
// dilation 1), for kernels that multiply int8 by int8 four taps at a time
// (AVX-512 VNNI vpdpbusd: u8 x s8, four products summed into each int32
// lane). Bit-exact with reference::depthwise_conv2d_s8 like the int16
// packing of dwconv_s8.h, which stays the packing of every other filter.
//
// One int32 lane holds one channel; its four bytes are the three filter rows
// of one filter column (ky = 0, 1, 2) and a zero weight. The kernel builds
// the matching input dword (rows iy, iy + 1, iy + 2 of one input column)
// once per input column with four vpunpck, and reuses it for the three
// output pixels that read that column. Inputs are made unsigned by flipping
// their sign bit (x + 128, vpxor 0x80), and the weights must fit int8 after
// the filter zero point is taken off (dwconv3x3_c4_fits: always true for
// per-channel weights, whose zero point is 0):
//   acc = bias' + sum_t (x_t + 128) * (w_t - zw),
//   bias' = bias - (zi + 128) * sum_t (w_t - zw),
// and a tap in the padding reads zi, as in dwconv_s8.h. Sums wrap modulo 2^32
// like the lanes; the true accumulator fits int32, so the result is exact.
//
// Blocks of 64 channels. Within a block, channels sit in "acc order", the
// order vpunpck leaves them in: position q = 16 k + 4 L + j (vector k of 4,
// 128-bit lane L, dword j) holds channel 16 L + 4 k + j; vpackssdw then
// vpacksswb of the four vectors restores channel order. Per block, all in
// acc order:
//   int32 bias'[64] | per filter column kx = 0..2: int8 (w[0][kx], w[1][kx],
//   w[2][kx], 0)[64] | epilogue[64]... (as dwconv_s8.h: fp32 float scale;
//   fixedpoint int32 multiplier, left_shift, right_shift, rounding_mask, or
//   multiplier, 31 - shift and two unused for single rounding).
// Channels past the last have zero weights. After the last block: 64 bytes of
// input_zero_point, the row that taps in the padding read.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/dwconv_s8.h"

namespace qrt {

constexpr int kDwconv3x3C4ChannelTile = 64;

// Channel (within its block) of acc-order position q.
inline int dwconv3x3_c4_channel(int q) { return 16 * ((q / 4) % 4) + 4 * (q / 16) + q % 4; }

inline size_t dwconv3x3_c4_block_bytes(RequantRule rule) {
  return static_cast<size_t>(kDwconv3x3C4ChannelTile) * (sizeof(int32_t) + 3 * 4 + dwconv_epilogue_bytes(rule));
}
size_t dwconv3x3_c4_packed_size(RequantRule rule, int channels);
inline const int8_t* dwconv3x3_c4_padding_row(const void* packed, RequantRule rule, int channels) {
  const size_t blocks = static_cast<size_t>(dwconv_padded_channels(kDwconv3x3C4ChannelTile, channels) /
                                            kDwconv3x3C4ChannelTile);
  return static_cast<const int8_t*>(packed) + blocks * dwconv3x3_c4_block_bytes(rule);
}

// Whether this packing takes the filter: 3x3 and every w - filter_zero_point
// in [-128, 127].
bool dwconv3x3_c4_fits(const DwconvPackParams& params);
// Portable packing, run once at prepare; requires dwconv3x3_c4_fits(params).
void dwconv3x3_c4_pack(const DwconvPackParams& params, void* packed);

}  // namespace qrt
