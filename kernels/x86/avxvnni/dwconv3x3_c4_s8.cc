// qs8_dwconv_3x3_minmax_64c4__avxvnni: the AVX-512 VNNI kernel of
// kernels/x86/avx512vnni/dwconv3x3_c4_s8.cc on AVX-VNNI (256-bit vpdpbusd,
// 16 ymm registers), on the same packing (kernels/dwconv3x3_c4_s8.h).
// Compiled with -mavx2 -mavxvnni; called only when the CPU has both.
//
// A 64-channel block is run as four passes, each one 128-bit lane pair
// (half h: channels 32 h .. 32 h + 31) and one vpunpck{l,h}bw side (part s:
// acc vectors k = 2 s, 2 s + 1), so that the window of three interleaved
// columns (6 registers) and the accumulators stay in registers; a pass's
// lanes hold channels 32 h + 16 L + 8 s + 0..7. As on AVX-512: inputs
// sign-flipped (x + 128), one vpdpbusd per filter column and 8 channels,
// two output rows at once at stride 1 (lanes = input rows iy .. iy + 3, the
// lower row's weights the packed ones shifted up a byte), and the fp32
// epilogue clamps from above in float and leaves the rest to saturating
// int16 / int8 steps (see the AVX-512 file for why that is exact).
#include <cstring>

#include "kernels/dwconv3x3_c4_s8.h"
#include "kernels/x86/avx2/requant_avx2.h"
#include "kernels/x86/dwconv_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx2;  // the shared epilogues (requant_avx2.h)

constexpr int kCt = kDwconv3x3C4ChannelTile;
static_assert(kCt == 64, "four lane-pair passes per block");
constexpr size_t kWeightOffset = kCt * sizeof(int32_t);
constexpr size_t kEpilogueOffset = kWeightOffset + 3 * kCt * 4;

struct EpilogueConstants {
  __m256 hi_f;
  __m256i zp16, min8, max8;
  __m256i lo32, hi32, zp32;
  __m256i lo64, hi64;
};

EpilogueConstants epilogue_constants(const DwconvRunParams& p) {
  EpilogueConstants e;
  e.hi_f = _mm256_set1_ps(static_cast<float>(p.output_max - p.output_zero_point));
  e.zp16 = _mm256_set1_epi16(static_cast<int16_t>(p.output_zero_point));
  e.min8 = _mm256_set1_epi8(static_cast<char>(p.output_min));
  e.max8 = _mm256_set1_epi8(static_cast<char>(p.output_max));
  e.lo32 = _mm256_set1_epi32(p.output_min - p.output_zero_point);
  e.hi32 = _mm256_set1_epi32(p.output_max - p.output_zero_point);
  e.zp32 = _mm256_set1_epi32(p.output_zero_point);
  e.lo64 = _mm256_set1_epi64x(p.output_min - p.output_zero_point);
  e.hi64 = _mm256_set1_epi64x(p.output_max - p.output_zero_point);
  return e;
}

// 32 bytes at src; TAIL: only n < 32 of them are read (the rest zero).
template <bool TAIL>
inline __m256i load32(const int8_t* src, int n) {
  if constexpr (TAIL) {
    alignas(32) int8_t bytes[32] = {};
    std::memcpy(bytes, src, static_cast<size_t>(n));
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(bytes));
  } else {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
  }
}

// Requantizes a pass's two accumulators (epilogue values at `epilogue`, the
// pass's first vector; the second 64 bytes on) and stores its 16 channels:
// 8 at out (lane 0) and 8 at out + 16 (lane 1). n: channels of the half
// (from out - 8 s on) that exist; TAIL: n < 32.
template <Mode MODE, bool TAIL>
inline void store16(__m256i acc0, __m256i acc1, const uint8_t* epilogue, int8_t* out, int part, int n,
                    const EpilogueConstants& e) {
  __m256i bytes;
  if constexpr (MODE == Mode::kFp32) {
    const __m256 x0 =
        _mm256_mul_ps(_mm256_cvtepi32_ps(acc0), _mm256_loadu_ps(reinterpret_cast<const float*>(epilogue)));
    const __m256 x1 =
        _mm256_mul_ps(_mm256_cvtepi32_ps(acc1), _mm256_loadu_ps(reinterpret_cast<const float*>(epilogue + 64)));
    const __m256i r0 = _mm256_cvtps_epi32(_mm256_min_ps(x0, e.hi_f));
    const __m256i r1 = _mm256_cvtps_epi32(_mm256_min_ps(x1, e.hi_f));
    const __m256i words = _mm256_adds_epi16(_mm256_packs_epi32(r0, r1), e.zp16);
    bytes = _mm256_min_epi8(_mm256_max_epi8(_mm256_packs_epi16(words, words), e.min8), e.max8);
  } else {
    const __m256i acc[2] = {acc0, acc1};
    __m256i q[2];
#pragma GCC unroll 2
    for (int t = 0; t < 2; ++t) {
      const uint8_t* v = epilogue + 64 * t;
      if constexpr (MODE == Mode::kFixedPointSingle) {
        const SingleRoundingColumns columns = single_rounding_columns(reinterpret_cast<const __m256i*>(v),
                                                                      reinterpret_cast<const __m256i*>(v + kCt * 4));
        q[t] = requant_single(acc[t], columns, e.lo64, e.hi64, e.zp32);
      } else {
        q[t] = requant_fixedpoint(acc[t], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v)),
                                  _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + kCt * 4)),
                                  _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + kCt * 8)),
                                  _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + kCt * 12)), e.lo32, e.hi32,
                                  e.zp32);
      }
    }
    // Values are in [-128, 127]: the saturating packs only reorder.
    const __m256i words = _mm256_packs_epi32(q[0], q[1]);
    bytes = _mm256_packs_epi16(words, words);
  }
  const __m128i lane0 = _mm256_castsi256_si128(bytes), lane1 = _mm256_extracti128_si256(bytes, 1);
  if constexpr (TAIL) {
    alignas(16) int8_t tmp[2][16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp[0]), lane0);
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp[1]), lane1);
    for (int l = 0; l < 2; ++l) {
      const int first = 16 * l + 8 * part;  // the chunk's first channel within the half
      const int count = n - first < 0 ? 0 : n - first > 8 ? 8 : n - first;
      std::memcpy(out + 16 * l, tmp[l], static_cast<size_t>(count));
    }
  } else {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), lane0);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 16), lane1);
  }
}

// One pass (half h, part s) of one output row (ROWS = 1) or two (ROWS = 2,
// stride 1); rows / steps as in the AVX-512 kernel, already offset to the
// half's first channel. n: channels of the half that exist.
template <Mode MODE, bool TAIL, int ROWS>
void row_pass(const DwconvRunParams& p, const int8_t* const rows[4], const size_t steps[4], const int8_t* zero,
              const uint8_t* block, int half, int part, int8_t* out0, int8_t* out1, size_t channels, int n,
              const EpilogueConstants& e) {
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
  const uint8_t* weights = block + kWeightOffset + 32 * half + 128 * part;  // vector k = 2 part (+ 1)
  const uint8_t* bias = block + 32 * half + 128 * part;
  const uint8_t* epilogue = block + kEpilogueOffset + 32 * half + 128 * part;
  auto weight = [&](int kx, int t) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(weights + kx * 256 + 64 * t));
  };
  const int width = p.input_width;
  auto column = [&](int ix, __m256i v[2]) {
    const bool inside = ix >= 0 && ix < width;
    __m256i r[4];
#pragma GCC unroll 4
    for (int i = 0; i < ROWS + 2; ++i) {
      const int8_t* src = inside ? rows[i] + static_cast<size_t>(ix) * steps[i] : zero;
      r[i] = _mm256_xor_si256(load32<TAIL>(src, n), flip);
    }
    if constexpr (ROWS == 1) r[3] = r[2];
    __m256i r01, r23;
    if (part == 0) {
      r01 = _mm256_unpacklo_epi8(r[0], r[1]);
      r23 = _mm256_unpacklo_epi8(r[2], r[3]);
    } else {
      r01 = _mm256_unpackhi_epi8(r[0], r[1]);
      r23 = _mm256_unpackhi_epi8(r[2], r[3]);
    }
    v[0] = _mm256_unpacklo_epi16(r01, r23);
    v[1] = _mm256_unpackhi_epi16(r01, r23);
  };
  const int stride = p.stride_width;
  int ix = -p.pad_left;
  __m256i x[3][2];
#pragma GCC unroll 3
  for (int c = 0; c < 3; ++c) column(ix + c, x[c]);
  const __m256i bias0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias));
  const __m256i bias1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 64));
  for (int ox = 0; ox < p.output_width; ++ox, out0 += channels, out1 += channels) {
    if (ox > 0) {
      ix += stride;
      if (stride == 1) {
#pragma GCC unroll 2
        for (int t = 0; t < 2; ++t) {
          x[0][t] = x[1][t];
          x[1][t] = x[2][t];
        }
      } else if (stride == 2) {
#pragma GCC unroll 2
        for (int t = 0; t < 2; ++t) x[0][t] = x[2][t];
        column(ix + 1, x[1]);
      } else {
        column(ix, x[0]);
        column(ix + 1, x[1]);
      }
      column(ix + 2, x[2]);
    }
    __m256i acc0 = bias0, acc1 = bias1;
#pragma GCC unroll 3
    for (int kx = 0; kx < 3; ++kx) {
      acc0 = _mm256_dpbusd_avx_epi32(acc0, x[kx][0], weight(kx, 0));
      acc1 = _mm256_dpbusd_avx_epi32(acc1, x[kx][1], weight(kx, 1));
    }
    store16<MODE, TAIL>(acc0, acc1, epilogue, out0, part, n, e);
    if constexpr (ROWS == 2) {
      // The lower row: weights (0, w0, w1, w2), the packed ones a byte up.
      acc0 = bias0;
      acc1 = bias1;
#pragma GCC unroll 3
      for (int kx = 0; kx < 3; ++kx) {
        acc0 = _mm256_dpbusd_avx_epi32(acc0, x[kx][0], _mm256_slli_epi32(weight(kx, 0), 8));
        acc1 = _mm256_dpbusd_avx_epi32(acc1, x[kx][1], _mm256_slli_epi32(weight(kx, 1), 8));
      }
      store16<MODE, TAIL>(acc0, acc1, epilogue, out1, part, n, e);
    }
  }
}

template <Mode MODE, int ROWS>
void block_passes(const DwconvRunParams& p, const int8_t* const rows[4], const size_t steps[4], const int8_t* zero,
                  const uint8_t* block, size_t c0, int n, int8_t* out0, int8_t* out1, size_t channels,
                  const EpilogueConstants& e) {
  for (int half = 0; half < 2 && 32 * half < n; ++half) {
    const size_t c = c0 + 32 * static_cast<size_t>(half);
    const int8_t* at[4];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) at[i] = rows[i] + (steps[i] != 0 ? c : 0);
    const int m = n - 32 * half < 32 ? n - 32 * half : 32;
    for (int part = 0; part < 2; ++part) {
      if (m < 32) {
        row_pass<MODE, true, ROWS>(p, at, steps, zero, block, half, part, out0 + c + 8 * part, out1 + c + 8 * part,
                                   channels, m, e);
      } else {
        row_pass<MODE, false, ROWS>(p, at, steps, zero, block, half, part, out0 + c + 8 * part, out1 + c + 8 * part,
                                    channels, 32, e);
      }
    }
  }
}

template <Mode MODE>
void dwconv3x3_c4_rows(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                       size_t row_begin, size_t row_end) {
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t block_bytes = dwconv3x3_c4_block_bytes(p.rule);
  const int8_t* zero = dwconv3x3_c4_padding_row(packed, p.rule, p.channels);
  const EpilogueConstants e = epilogue_constants(p);
  const size_t oh = static_cast<size_t>(p.output_height);
  for (size_t row = row_begin; row < row_end;) {
    const size_t b = row / oh;
    const int oy = static_cast<int>(row % oh);
    const bool two = p.stride_height == 1 && row + 1 < row_end && static_cast<size_t>(oy) + 1 < oh;
    const int8_t* image = input + b * p.input_height * p.input_width * channels;
    const int8_t* rows[4];
    size_t steps[4];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
      const int iy = oy * p.stride_height - p.pad_top + i;
      const bool inside = iy >= 0 && iy < p.input_height && i < (two ? 4 : 3);
      rows[i] = inside ? image + static_cast<size_t>(iy) * p.input_width * channels : zero;
      steps[i] = inside ? channels : 0;
    }
    int8_t* out0 = output + row * p.output_width * channels;
    int8_t* out1 = out0 + p.output_width * channels;
    const uint8_t* block = static_cast<const uint8_t*>(packed);
    for (size_t c0 = 0; c0 < channels; c0 += kCt, block += block_bytes) {
      const int n = channels - c0 < kCt ? static_cast<int>(channels - c0) : kCt;
      if (two) {
        block_passes<MODE, 2>(p, rows, steps, zero, block, c0, n, out0, out1, channels, e);
      } else {
        block_passes<MODE, 1>(p, rows, steps, zero, block, c0, n, out0, out1, channels, e);
      }
    }
    row += two ? 2 : 1;
  }
}

}  // namespace

void qs8_dwconv_3x3_minmax_64c4__avxvnni(const DwconvRunParams& p, const int8_t* input, const void* packed,
                                         int8_t* output, size_t row_begin, size_t row_end) {
  if (p.rule == RequantRule::kFp32) {
    dwconv3x3_c4_rows<Mode::kFp32>(p, input, packed, output, row_begin, row_end);
  } else if (p.rounding == FixedPointRounding::kSingle) {
    dwconv3x3_c4_rows<Mode::kFixedPointSingle>(p, input, packed, output, row_begin, row_end);
  } else {
    dwconv3x3_c4_rows<Mode::kFixedPointDouble>(p, input, packed, output, row_begin, row_end);
  }
}

}  // namespace qrt::x86
