// qs8_dwconv_3x3_minmax_32c__avx512vnni and qs8_dwconv_minmax_32c__avx512vnni:
// int8 depthwise convolution (depth multiplier 1) on AVX-512, 32 channels
// per block as two vectors of 16 int32 lanes. Compiled with this folder's
// flags (it needs only AVX-512 F/BW) and dispatched with the avx512vnni
// table, after cpuinfo reports all of them.
//
// Taps go in pairs: the two taps' 32 int8 inputs are sign-extended to int16,
// interleaved per 128-bit lane (vpunpck{l,h}wd) and multiplied with the
// packed int16 weight pairs by vpmaddwd, exact for every input (see
// kernels/dwconv_s8.h for the layout and the zero-point folding). The
// epilogues are the GEMM's (requant_avx512.h); vpackssdw of the two
// lane-order halves restores channel order.
#include <algorithm>
#include <cstring>

#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/dwconv_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx512;  // the shared epilogues (requant_avx512.h)

constexpr int kCt = kQs8DwconvChannelTileAvx512;
static_assert(kCt == 32, "two vectors of 16 int32 lanes per block");

struct Epilogue {
  int32_t zero_point, min, max;
};

// Requantizes one block's accumulators (lane order) with the block's
// epilogue values and stores `n` <= 32 channels. TAIL: n < 32, masked store.
template <Mode MODE, bool TAIL>
inline void store_block(__m512i lo, __m512i hi, const uint8_t* epilogue, int8_t* out, int n, const Epilogue& e) {
  const __mmask32 mask = TAIL ? static_cast<__mmask32>((uint64_t{1} << n) - 1) : ~__mmask32{0};
  const __m512i zp = _mm512_set1_epi32(e.zero_point);
  __m512i q[2];
  const __m512i acc[2] = {lo, hi};
  if constexpr (MODE == Mode::kFp32) {
    const __m512 lo_bound = _mm512_set1_ps(static_cast<float>(e.min - e.zero_point));
    const __m512 hi_bound = _mm512_set1_ps(static_cast<float>(e.max - e.zero_point));
    for (int v = 0; v < 2; ++v) {
      q[v] = requant_fp32(acc[v], _mm512_loadu_ps(epilogue + 64 * v), lo_bound, hi_bound, zp);
    }
  } else if constexpr (MODE == Mode::kFixedPointSingle) {
    const __m512i lo_bound = _mm512_set1_epi64(e.min - e.zero_point);
    const __m512i hi_bound = _mm512_set1_epi64(e.max - e.zero_point);
    for (int v = 0; v < 2; ++v) {
      const SingleRoundingColumns columns = single_rounding_columns(epilogue + 64 * v, epilogue + kCt * 4 + 64 * v);
      q[v] = requant_single(acc[v], columns, lo_bound, hi_bound, zp);
    }
  } else {
    const __m512i lo_bound = _mm512_set1_epi32(e.min - e.zero_point);
    const __m512i hi_bound = _mm512_set1_epi32(e.max - e.zero_point);
    for (int v = 0; v < 2; ++v) {
      q[v] = requant_fixedpoint(acc[v], _mm512_loadu_si512(epilogue + 64 * v),
                                _mm512_loadu_si512(epilogue + kCt * 4 + 64 * v),
                                _mm512_loadu_si512(epilogue + kCt * 8 + 64 * v),
                                _mm512_loadu_si512(epilogue + kCt * 12 + 64 * v), lo_bound, hi_bound, zp);
    }
  }
  // Values are in [-128, 127]: the saturating packs only reorder.
  const __m256i bytes = _mm512_cvtsepi16_epi8(_mm512_packs_epi32(q[0], q[1]));
  if constexpr (TAIL) {
    _mm256_mask_storeu_epi8(out, mask, bytes);
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), bytes);
  }
}

// One channel block of one pixel: pointers to `pairs` * 2 taps (already
// offset to the block's first channel), the packed block, `n` <= 32 channels
// stored. TAIL: n < 32, loads and stores masked.
template <Mode MODE, bool TAIL>
inline void dwconv_block(const int8_t* const* taps, size_t c0, int pairs, const uint8_t* block, int8_t* out, int n,
                         const Epilogue& e) {
  const __mmask32 mask = TAIL ? static_cast<__mmask32>((uint64_t{1} << n) - 1) : ~__mmask32{0};
  __m512i lo = _mm512_loadu_si512(block);
  __m512i hi = _mm512_loadu_si512(block + 64);
  const uint8_t* w = block + kCt * sizeof(int32_t);
  for (int i = 0; i < pairs; ++i, w += kCt * 2 * sizeof(int16_t)) {
    __m512i x0, x1;
    if constexpr (TAIL) {
      x0 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, taps[2 * i] + c0));
      x1 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, taps[2 * i + 1] + c0));
    } else {
      x0 = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(taps[2 * i] + c0)));
      x1 = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(taps[2 * i + 1] + c0)));
    }
    lo = _mm512_add_epi32(lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), _mm512_loadu_si512(w)));
    hi = _mm512_add_epi32(hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), _mm512_loadu_si512(w + 64)));
  }
  store_block<MODE, TAIL>(lo, hi, w, out, n, e);
}

// The 3x3 kernel (dilation 1, any stride and padding), row by row: for one
// output row and one channel block, the block's weights stay in registers
// over the whole row and each input pixel is widened once per output row
// (a sliding window of 3 columns per filter row; stride 1 loads one new
// column per pixel, stride 2 two). Taps pair up as packed: t = 3 ky + kx in
// (0,1) (2,3) (4,5) (6,7) (8,-), the last pair's second weight zero.
// vpdpwssd (AVX-512 VNNI) is vpmaddwd + vpaddd in one instruction: the same
// exact int32 sums.
template <Mode MODE, bool TAIL>
inline void dwconv3x3_row_block(const DwconvRunParams& p, const int8_t* const rows[3], size_t c0,
                                const uint8_t* block, __m512i zero_x, int8_t* out, size_t channels, int n,
                                const Epilogue& e) {
  const __mmask32 mask = TAIL ? static_cast<__mmask32>((uint64_t{1} << n) - 1) : ~__mmask32{0};
  const __m512i bias_lo = _mm512_loadu_si512(block);
  const __m512i bias_hi = _mm512_loadu_si512(block + 64);
  const uint8_t* weights = block + kCt * sizeof(int32_t);
  __m512i w[5][2];
  for (int i = 0; i < 5; ++i) {
    w[i][0] = _mm512_loadu_si512(weights + 128 * i);
    w[i][1] = _mm512_loadu_si512(weights + 128 * i + 64);
  }
  const uint8_t* epilogue = weights + 5 * 128;
  const int width = p.input_width;
  auto column = [&](int r, int ix) -> __m512i {
    if (rows[r] == nullptr || ix < 0 || ix >= width) return zero_x;
    const int8_t* src = rows[r] + static_cast<size_t>(ix) * channels + c0;
    if constexpr (TAIL) return _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, src));
    return _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src)));
  };
  const int stride = p.stride_width;
  int ix = -p.pad_left;
  __m512i x[3][3];
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
    __m512i lo = bias_lo, hi = bias_hi;
    const __m512i first[5] = {x[0][0], x[0][2], x[1][1], x[2][0], x[2][2]};
    const __m512i second[5] = {x[0][1], x[1][0], x[1][2], x[2][1], x[2][2]};
#pragma GCC unroll 5
    for (int i = 0; i < 5; ++i) {
      lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(first[i], second[i]), w[i][0]);
      hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(first[i], second[i]), w[i][1]);
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
  const __m512i zero_x = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(zero)));
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

void qs8_dwconv_3x3_minmax_32c__avx512vnni(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                           int8_t* output, size_t row_begin, size_t row_end) {
  if (p.rule == RequantRule::kFp32) {
    dwconv3x3_rows<Mode::kFp32>(p, input, packed, output, row_begin, row_end);
  } else if (p.rounding == FixedPointRounding::kSingle) {
    dwconv3x3_rows<Mode::kFixedPointSingle>(p, input, packed, output, row_begin, row_end);
  } else {
    dwconv3x3_rows<Mode::kFixedPointDouble>(p, input, packed, output, row_begin, row_end);
  }
}

void qs8_dwconv_minmax_32c__avx512vnni(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                       int8_t* output, size_t row_begin, size_t row_end) {
  dwconv_dispatch<0, 0>(p, input, packed, output, row_begin, row_end);
}

}  // namespace qrt::x86
