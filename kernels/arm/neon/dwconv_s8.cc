// qs8_dwconv_3x3_minmax_16c__neon and qs8_dwconv_minmax_16c__neon: int8
// depthwise convolution (depth multiplier 1) on NEON, AArch64 and ARMv7, 16
// channels per block.
//
// The packing is the shared one (kernels/dwconv_s8.h) with a channel tile of
// 16: int16 weights (w - filter_zero_point) in tap pairs, in lane order, so
// the four int32x4 accumulators hold channels 0-3, 8-11, 4-7 and 12-15. The
// 16 int8 inputs of a tap are widened to int16 (channels 0-7 and 8-15), and
// each half-vector meets its weights in vmlal_s16: int16 x int16 into int32,
// exact for every input, wrapping like the folded bias assumes. Taps in the
// padding read the packed row of input zero points.
#include <algorithm>
#include <cstring>

#include "kernels/arm/dwconv_s8.h"
#include "kernels/arm/requant_neon.h"

namespace qrt::arm {
namespace {

constexpr int kCt = kQs8DwconvChannelTileNeon;
static_assert(kCt == 16, "four int32x4 accumulators per block");

// acc += the 16 inputs at x times the weights of one tap: `lo` holds lane
// order positions 0-7 (channels 0-3, 8-11), `hi` positions 8-15 (4-7, 12-15).
inline void multiply_tap(int32x4_t (&acc)[4], int8x16_t x, int16x8_t lo, int16x8_t hi) {
  const int16x8_t x0 = vmovl_s8(vget_low_s8(x));   // channels 0-7
  const int16x8_t x1 = vmovl_s8(vget_high_s8(x));  // channels 8-15
  acc[0] = vmlal_s16(acc[0], vget_low_s16(x0), vget_low_s16(lo));
  acc[1] = vmlal_s16(acc[1], vget_low_s16(x1), vget_high_s16(lo));
  acc[2] = vmlal_s16(acc[2], vget_high_s16(x0), vget_low_s16(hi));
  acc[3] = vmlal_s16(acc[3], vget_high_s16(x1), vget_high_s16(hi));
}

// 16 input bytes of a tap; a tail block (n < 16 channels) copies the valid
// ones so that no load reads past the image.
template <bool TAIL>
inline int8x16_t load_tap(const int8_t* p, int n) {
  if constexpr (TAIL) {
    int8_t bytes[16] = {};
    std::memcpy(bytes, p, static_cast<size_t>(n));
    return vld1q_s8(bytes);
  } else {
    return vld1q_s8(p);
  }
}

// One channel block of one pixel: pointers to `pairs` * 2 taps (offset by
// c0 when used), the packed block, `n` <= 16 channels stored.
template <Mode MODE, bool TAIL>
inline void dwconv_block(const int8_t* const* taps, size_t c0, int pairs, const uint8_t* block, int8_t* out, int n,
                         const OutputBounds& bounds) {
  int32x4_t acc[4];
  const int32_t* bias = reinterpret_cast<const int32_t*>(block);
  for (int i = 0; i < 4; ++i) acc[i] = vld1q_s32(bias + 4 * i);
  const int16_t* w = reinterpret_cast<const int16_t*>(block + kCt * sizeof(int32_t));
  for (int i = 0; i < pairs; ++i, w += 2 * kCt) {
    // val[0]: the pair's first tap, val[1]: its second, lane order.
    const int16x8x2_t lo = vld2q_s16(w);
    const int16x8x2_t hi = vld2q_s16(w + 16);
    multiply_tap(acc, load_tap<TAIL>(taps[2 * i] + c0, n), lo.val[0], hi.val[0]);
    multiply_tap(acc, load_tap<TAIL>(taps[2 * i + 1] + c0, n), lo.val[1], hi.val[1]);
  }
  const uint8_t* epilogue = reinterpret_cast<const uint8_t*>(w);
  for (int i = 0; i < 4; ++i) acc[i] = requant<MODE>(acc[i], load_quad_params<MODE>(epilogue, kCt, 4 * i), bounds);
  // Channel order: 0-3 (acc 0), 4-7 (acc 2), 8-11 (acc 1), 12-15 (acc 3).
  const int8x16_t bytes = vcombine_s8(narrow_to_s8(acc[0], acc[2]), narrow_to_s8(acc[1], acc[3]));
  if constexpr (TAIL) {
    int8_t stored[16];
    vst1q_s8(stored, bytes);
    std::memcpy(out, stored, static_cast<size_t>(n));
  } else {
    vst1q_s8(out, bytes);
  }
}

// Output rows [row_begin, row_end). KH, KW > 0: a filter size fixed at
// compile time (3x3, dilation 1); 0: the run's filter and dilation.
template <Mode MODE, int KH, int KW>
void dwconv_rows(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output, size_t row_begin,
                 size_t row_end) {
  const int kh = KH > 0 ? KH : p.kernel_height;
  const int kw = KW > 0 ? KW : p.kernel_width;
  const int dh = KH > 0 ? 1 : p.dilation_height;
  const int dw = KW > 0 ? 1 : p.dilation_width;
  const int taps = kh * kw;
  const int pairs = (taps + 1) / 2;
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t block_bytes = dwconv_block_bytes(kCt, p.rule, taps);
  const int8_t* zero = dwconv_padding_row(packed, kCt, p.rule, p.channels, taps);
  const OutputBounds bounds = make_output_bounds(p.output_zero_point, p.output_min, p.output_max);
  const size_t full_end = channels / kCt * kCt;
  const int8_t* tap[kDwconvMaxTaps + 1];
  tap[taps] = zero;  // the second tap of an odd last pair (zero weights)
  for (size_t row = row_begin; row < row_end; ++row) {
    const size_t b = row / static_cast<size_t>(p.output_height);
    const int oy = static_cast<int>(row % static_cast<size_t>(p.output_height));
    const int8_t* image = input + b * p.input_height * p.input_width * channels;
    int8_t* out = output + row * p.output_width * channels;
    for (int ox = 0; ox < p.output_width; ++ox, out += channels) {
      int t = 0;
      for (int ky = 0; ky < kh; ++ky) {
        const int iy = oy * p.stride_height - p.pad_top + ky * dh;
        const bool row_inside = iy >= 0 && iy < p.input_height;
        for (int kx = 0; kx < kw; ++kx, ++t) {
          const int ix = ox * p.stride_width - p.pad_left + kx * dw;
          tap[t] = row_inside && ix >= 0 && ix < p.input_width
                       ? image + (static_cast<size_t>(iy) * p.input_width + ix) * channels
                       : zero;
        }
      }
      const uint8_t* block = static_cast<const uint8_t*>(packed);
      size_t c0 = 0;
      for (; c0 < full_end; c0 += kCt, block += block_bytes) {
        dwconv_block<MODE, false>(tap, c0, pairs, block, out + c0, kCt, bounds);
      }
      if (c0 < channels) {
        dwconv_block<MODE, true>(tap, c0, pairs, block, out + c0, static_cast<int>(channels - c0), bounds);
      }
    }
  }
}

template <int KH, int KW>
void dwconv_dispatch(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                     size_t row_begin, size_t row_end) {
  switch (mode_of(p.rule, p.rounding)) {
    case Mode::kFp32:
      dwconv_rows<Mode::kFp32, KH, KW>(p, input, packed, output, row_begin, row_end);
      break;
    case Mode::kFixedPointSingle:
      dwconv_rows<Mode::kFixedPointSingle, KH, KW>(p, input, packed, output, row_begin, row_end);
      break;
    default:
      dwconv_rows<Mode::kFixedPointDouble, KH, KW>(p, input, packed, output, row_begin, row_end);
      break;
  }
}

}  // namespace

void qs8_dwconv_3x3_minmax_16c__neon(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                     int8_t* output, size_t row_begin, size_t row_end) {
  dwconv_dispatch<3, 3>(p, input, packed, output, row_begin, row_end);
}

void qs8_dwconv_minmax_16c__neon(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                                 size_t row_begin, size_t row_end) {
  dwconv_dispatch<0, 0>(p, input, packed, output, row_begin, row_end);
}

}  // namespace qrt::arm
