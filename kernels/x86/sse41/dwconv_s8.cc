// qs8_dwconv_3x3_minmax_8c__sse41 and qs8_dwconv_minmax_8c__sse41: int8
// depthwise convolution (depth multiplier 1) on SSE4.1, 8 channels per
// block as two vectors of 4 int32 lanes. Compiled with -msse4.1; called only
// when cpuinfo reports SSE4.1.
//
// As the AVX2 kernels: taps go in pairs, the two taps' 8 int8 inputs are
// sign-extended to int16, interleaved (punpck{l,h}wd) and multiplied with
// the packed int16 weight pairs by pmaddwd, exact for every input
// (kernels/dwconv_s8.h: layout, zero-point folding). With a channel tile of
// 8 the "lane order" of dwconv_s8.h is plain channel order: the low vector
// holds channels 0-3, the high one 4-7.
#include <algorithm>
#include <cstring>

#include "kernels/x86/dwconv_s8.h"
#include "kernels/x86/sse41/requant_sse41.h"

namespace qrt::x86 {
namespace {

using namespace sse41;  // the shared epilogues (requant_sse41.h)

constexpr int kCt = kQs8DwconvChannelTileSse41;
static_assert(kCt == 8, "two vectors of 4 int32 lanes per block");

struct Epilogue {
  int32_t zero_point, min, max;
};

// 8 int8 from p, widened; TAIL: only n < 8 bytes are read (the rest zero),
// so no load crosses the end of the input.
template <bool TAIL>
inline __m128i load_widened(const int8_t* p, int n) {
  if constexpr (TAIL) {
    alignas(16) int8_t bytes[16] = {};
    std::memcpy(bytes, p, static_cast<size_t>(n));
    return _mm_cvtepi8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(bytes)));
  } else {
    return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  }
}

// Requantizes one block's accumulators with the block's epilogue values
// ([value][2 vectors]) and stores `n` <= 8 channels. TAIL: n < 8.
template <Mode MODE, bool TAIL>
inline void store_block(__m128i lo, __m128i hi, const __m128i* epilogue, int8_t* out, int n, const Epilogue& e) {
  const __m128i zp = _mm_set1_epi32(e.zero_point);
  __m128i q[2];
  const __m128i acc[2] = {lo, hi};
  if constexpr (MODE == Mode::kFp32) {
    const __m128 lo_bound = _mm_set1_ps(static_cast<float>(e.min - e.zero_point));
    const __m128 hi_bound = _mm_set1_ps(static_cast<float>(e.max - e.zero_point));
    for (int v = 0; v < 2; ++v) {
      q[v] = requant_fp32(acc[v], _mm_loadu_ps(reinterpret_cast<const float*>(epilogue + v)), lo_bound, hi_bound, zp);
    }
  } else if constexpr (MODE == Mode::kFixedPointSingle) {
    const __m128i lo_bound = _mm_set1_epi64x(e.min - e.zero_point);
    const __m128i hi_bound = _mm_set1_epi64x(e.max - e.zero_point);
    for (int v = 0; v < 2; ++v) {
      const SingleRoundingColumns columns =
          single_rounding_columns(_mm_loadu_si128(epilogue + v), _mm_loadu_si128(epilogue + 2 + v));
      q[v] = requant_single(acc[v], columns, lo_bound, hi_bound, zp);
    }
  } else {
    const __m128i lo_bound = _mm_set1_epi32(e.min - e.zero_point);
    const __m128i hi_bound = _mm_set1_epi32(e.max - e.zero_point);
    for (int v = 0; v < 2; ++v) {
      const DoubleRoundingColumns columns =
          double_rounding_columns(_mm_loadu_si128(epilogue + v), _mm_loadu_si128(epilogue + 2 + v),
                                  _mm_loadu_si128(epilogue + 4 + v), _mm_loadu_si128(epilogue + 6 + v));
      q[v] = requant_fixedpoint(acc[v], columns, lo_bound, hi_bound, zp);
    }
  }
  // Values are in [-128, 127]: the saturating packs only reorder.
  const __m128i bytes = pack8(q[0], q[1]);
  if constexpr (TAIL) {
    alignas(16) int8_t tmp[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp), bytes);
    std::memcpy(out, tmp, static_cast<size_t>(n));
  } else {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
  }
}

// One channel block of one pixel: pointers to `pairs` * 2 taps, the packed
// block, `n` <= 8 channels stored. TAIL: n < 8.
template <Mode MODE, bool TAIL>
inline void dwconv_block(const int8_t* const* taps, size_t c0, int pairs, const uint8_t* block, int8_t* out, int n,
                         const Epilogue& e) {
  const __m128i* b = reinterpret_cast<const __m128i*>(block);
  __m128i lo = _mm_loadu_si128(b);
  __m128i hi = _mm_loadu_si128(b + 1);
  const __m128i* w = b + 2;
  for (int i = 0; i < pairs; ++i, w += 2) {
    const __m128i x0 = load_widened<TAIL>(taps[2 * i] + c0, n);
    const __m128i x1 = load_widened<TAIL>(taps[2 * i + 1] + c0, n);
    lo = _mm_add_epi32(lo, _mm_madd_epi16(_mm_unpacklo_epi16(x0, x1), _mm_loadu_si128(w)));
    hi = _mm_add_epi32(hi, _mm_madd_epi16(_mm_unpackhi_epi16(x0, x1), _mm_loadu_si128(w + 1)));
  }
  store_block<MODE, TAIL>(lo, hi, w, out, n, e);
}

// The 3x3 kernel (dilation 1, any stride and padding), row by row as the
// AVX2 one: for one output row and one channel block, each input pixel is
// widened once per output row (a sliding window of 3 columns per filter
// row). Taps pair up as packed: t = 3 ky + kx in (0,1) (2,3) (4,5) (6,7)
// (8,-), the last pair's second weight zero.
template <Mode MODE, bool TAIL>
inline void dwconv3x3_row_block(const DwconvRunParams& p, const int8_t* const rows[3], size_t c0,
                                const uint8_t* block, __m128i zero_x, int8_t* out, size_t channels, int n,
                                const Epilogue& e) {
  const __m128i* b = reinterpret_cast<const __m128i*>(block);
  const __m128i bias_lo = _mm_loadu_si128(b);
  const __m128i bias_hi = _mm_loadu_si128(b + 1);
  const __m128i* w = b + 2;
  const __m128i* epilogue = w + 10;
  const int width = p.input_width;
  auto column = [&](int r, int ix) -> __m128i {
    if (rows[r] == nullptr || ix < 0 || ix >= width) return zero_x;
    return load_widened<TAIL>(rows[r] + static_cast<size_t>(ix) * channels + c0, n);
  };
  const int stride = p.stride_width;
  int ix = -p.pad_left;
  __m128i x[3][3];
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) x[r][c] = column(r, ix + c);
  }
  for (int ox = 0; ox < p.output_width; ++ox, out += channels) {
    if (ox > 0) {
      ix += stride;
      for (int r = 0; r < 3; ++r) {
        if (stride == 1) {
          x[r][0] = x[r][1];
          x[r][1] = x[r][2];
        } else if (stride == 2) {
          x[r][0] = x[r][2];
          x[r][1] = column(r, ix + 1);
        } else {
          x[r][0] = column(r, ix);
          x[r][1] = column(r, ix + 1);
        }
        x[r][2] = column(r, ix + 2);
      }
    }
    __m128i lo = bias_lo, hi = bias_hi;
    const __m128i first[5] = {x[0][0], x[0][2], x[1][1], x[2][0], x[2][2]};
    const __m128i second[5] = {x[0][1], x[1][0], x[1][2], x[2][1], x[2][2]};
#pragma GCC unroll 5
    for (int i = 0; i < 5; ++i) {
      const __m128i pair_lo = _mm_unpacklo_epi16(first[i], second[i]);
      const __m128i pair_hi = _mm_unpackhi_epi16(first[i], second[i]);
      lo = _mm_add_epi32(lo, _mm_madd_epi16(pair_lo, _mm_loadu_si128(w + 2 * i)));
      hi = _mm_add_epi32(hi, _mm_madd_epi16(pair_hi, _mm_loadu_si128(w + 2 * i + 1)));
    }
    store_block<MODE, TAIL>(lo, hi, epilogue, out, n, e);
  }
}

template <Mode MODE>
void dwconv3x3_rows(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                    size_t row_begin, size_t row_end) {
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t block_bytes = dwconv_block_bytes(kCt, p.rule, 9);
  const int8_t* zero = dwconv_padding_row(packed, kCt, p.rule, p.channels, 9);
  // Every byte of the padding row is the input zero point (at least kCt of them).
  const __m128i zero_x = load_widened<false>(zero, kCt);
  const Epilogue e{p.output_zero_point, p.output_min, p.output_max};
  const size_t full_end = channels / kCt * kCt;
  for (size_t row = row_begin; row < row_end; ++row) {
    const size_t b = row / static_cast<size_t>(p.output_height);
    const int oy = static_cast<int>(row % static_cast<size_t>(p.output_height));
    const int8_t* image = input + b * p.input_height * p.input_width * channels;
    const int8_t* rows[3];
    for (int ky = 0; ky < 3; ++ky) {
      const int iy = oy * p.stride_height - p.pad_top + ky;
      rows[ky] = iy >= 0 && iy < p.input_height ? image + static_cast<size_t>(iy) * p.input_width * channels : nullptr;
    }
    int8_t* out = output + row * p.output_width * channels;
    const uint8_t* block = static_cast<const uint8_t*>(packed);
    size_t c0 = 0;
    for (; c0 < full_end; c0 += kCt, block += block_bytes) {
      dwconv3x3_row_block<MODE, false>(p, rows, c0, block, zero_x, out + c0, channels, kCt, e);
    }
    if (c0 < channels) {
      dwconv3x3_row_block<MODE, true>(p, rows, c0, block, zero_x, out + c0, channels,
                                      static_cast<int>(channels - c0), e);
    }
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
  const Epilogue e{p.output_zero_point, p.output_min, p.output_max};
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
        dwconv_block<MODE, false>(tap, c0, pairs, block, out + c0, kCt, e);
      }
      if (c0 < channels) dwconv_block<MODE, true>(tap, c0, pairs, block, out + c0, static_cast<int>(channels - c0), e);
    }
  }
}

template <int KH, int KW>
void dwconv_dispatch(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                     size_t row_begin, size_t row_end) {
  if (p.rule == RequantRule::kFp32) {
    dwconv_rows<Mode::kFp32, KH, KW>(p, input, packed, output, row_begin, row_end);
  } else if (p.rounding == FixedPointRounding::kSingle) {
    dwconv_rows<Mode::kFixedPointSingle, KH, KW>(p, input, packed, output, row_begin, row_end);
  } else {
    dwconv_rows<Mode::kFixedPointDouble, KH, KW>(p, input, packed, output, row_begin, row_end);
  }
}

}  // namespace

void qs8_dwconv_3x3_minmax_8c__sse41(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                     int8_t* output, size_t row_begin, size_t row_end) {
  if (p.rule == RequantRule::kFp32) {
    dwconv3x3_rows<Mode::kFp32>(p, input, packed, output, row_begin, row_end);
  } else if (p.rounding == FixedPointRounding::kSingle) {
    dwconv3x3_rows<Mode::kFixedPointSingle>(p, input, packed, output, row_begin, row_end);
  } else {
    dwconv3x3_rows<Mode::kFixedPointDouble>(p, input, packed, output, row_begin, row_end);
  }
}

void qs8_dwconv_minmax_8c__sse41(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                                 size_t row_begin, size_t row_end) {
  dwconv_dispatch<0, 0>(p, input, packed, output, row_begin, row_end);
}

}  // namespace qrt::x86
