#include "kernels/dwconv3x3_c4_s8.h"

#include <cstring>

namespace qrt {

size_t dwconv3x3_c4_packed_size(RequantRule rule, int channels) {
  return static_cast<size_t>(dwconv3x3_c4_full_blocks(channels)) * dwconv3x3_c4_block_bytes(rule) +
         dwconv3x3_c4_block_bytes(rule, dwconv3x3_c4_tail_width(channels)) +
         static_cast<size_t>(kDwconv3x3C4ChannelTile);
}

bool dwconv3x3_c4_fits(const DwconvPackParams& p) {
  if (p.kernel_height != 3 || p.kernel_width != 3) return false;
  const size_t count = size_t{9} * static_cast<size_t>(p.channels);
  for (size_t i = 0; i < count; ++i) {
    const int32_t w = int32_t{p.weights[i]} - p.filter_zero_point;
    if (w < -128 || w > 127) return false;
  }
  return true;
}

namespace {

// One block of `width` channels from channel c0; position q holds channel
// c0 + channel_of(q) (acc order in full blocks, channel order in the tail).
template <typename ChannelOf>
uint8_t* pack_block(const DwconvPackParams& p, int c0, int width, ChannelOf channel_of, uint8_t* block) {
  int32_t* bias = reinterpret_cast<int32_t*>(block);
  int8_t* w = reinterpret_cast<int8_t*>(block + width * sizeof(int32_t));
  uint8_t* epilogue = block + width * (sizeof(int32_t) + 3 * 4);
  for (int q = 0; q < width; ++q) {
    const int c = c0 + channel_of(q);
    if (c >= p.channels) continue;
    int64_t sum = 0;
    for (int ky = 0; ky < 3; ++ky) {
      for (int kx = 0; kx < 3; ++kx) {
        const int32_t wt =
            int32_t{p.weights[static_cast<size_t>(3 * ky + kx) * p.channels + c]} - p.filter_zero_point;
        w[(kx * width + q) * 4 + ky] = static_cast<int8_t>(wt);  // fits: dwconv3x3_c4_fits
        sum += wt;
      }
    }
    // bias - (zi + 128) * sum (w - zw), wrapped to int32 (see the header).
    const int64_t folded = int64_t{p.bias ? p.bias[c] : 0} - (int64_t{p.input_zero_point} + 128) * sum;
    bias[q] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(folded)));
    dwconv_pack_epilogue(p.requant, c, width, q, epilogue);
  }
  return block + dwconv3x3_c4_block_bytes(p.requant.rule, width);
}

}  // namespace

void dwconv3x3_c4_pack(const DwconvPackParams& p, void* packed) {
  constexpr int ct = kDwconv3x3C4ChannelTile;
  uint8_t* block = static_cast<uint8_t*>(packed);
  std::memset(block, 0, dwconv3x3_c4_packed_size(p.requant.rule, p.channels));
  const int full = dwconv3x3_c4_full_blocks(p.channels);
  for (int b = 0; b < full; ++b) block = pack_block(p, b * ct, ct, dwconv3x3_c4_channel, block);
  const int tail = dwconv3x3_c4_tail_width(p.channels);
  if (tail != 0) block = pack_block(p, full * ct, tail, [](int q) { return q; }, block);
  std::memset(block, static_cast<uint8_t>(static_cast<int8_t>(p.input_zero_point)), static_cast<size_t>(ct));
}

}  // namespace qrt
