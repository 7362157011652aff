// qs8_dwconv_3x3_minmax_64c4__avx512vnni: int8 3x3 depthwise convolution
// (depth multiplier 1, dilation 1, any stride and padding) with vpdpbusd, on
// the packing of kernels/dwconv3x3_c4_s8.h (64 channels per block, the three
// filter rows of one filter column in the four bytes of a lane).
//
// Why it is faster than the int16 kernel of dwconv_s8.cc: one vpdpbusd does
// three taps of 16 channels (the int16 pairs need one vpmaddwd per two taps),
// and an input column is interleaved once (4 vpunpck per 64 channels) for
// the three output pixels that read it, instead of per tap pair and pixel.
// With stride 1 the kernel computes two output rows at once: the lanes of a
// column then hold input rows iy .. iy + 3, the upper output row multiplies
// them by (w0, w1, w2, 0) and the lower by (0, w0, w1, w2) (the same packed
// weights shifted left by a byte), so each input column is loaded, flipped
// and interleaved once per two output rows.
//
// The fp32 epilogue clamps only from above in float (vcvtps2dq turns values
// below -2^31 into INT_MIN, still below every bound) and leaves the lower
// clamp, the zero point and the narrowing to saturating int16 / int8 steps:
// saturation is monotonic, so values in range are exact and values out of
// range end at the same bound as the reference's float clamp.
#include "kernels/dwconv3x3_c4_s8.h"
#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/dwconv_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx512;  // the shared epilogues (requant_avx512.h)

constexpr int kCt = kDwconv3x3C4ChannelTile;
static_assert(kCt == 64, "four vectors of 16 int32 lanes per block");

struct EpilogueConstants {
  __m512 hi_f;        // fp32: max - zp
  __m512i zp16;       // fp32: zp in int16 lanes
  __m512i min8, max8;  // fp32: bounds in int8 lanes
  __m512i lo32, hi32, zp32;   // fixedpoint double: bounds - zp, zp
  __m512i lo64, hi64;  // fixedpoint single: bounds - zp in int64 lanes
};

EpilogueConstants epilogue_constants(const DwconvRunParams& p) {
  EpilogueConstants e;
  e.hi_f = _mm512_set1_ps(static_cast<float>(p.output_max - p.output_zero_point));
  e.zp16 = _mm512_set1_epi16(static_cast<int16_t>(p.output_zero_point));
  e.min8 = _mm512_set1_epi8(static_cast<char>(p.output_min));
  e.max8 = _mm512_set1_epi8(static_cast<char>(p.output_max));
  e.lo32 = _mm512_set1_epi32(p.output_min - p.output_zero_point);
  e.hi32 = _mm512_set1_epi32(p.output_max - p.output_zero_point);
  e.zp32 = _mm512_set1_epi32(p.output_zero_point);
  e.lo64 = _mm512_set1_epi64(p.output_min - p.output_zero_point);
  e.hi64 = _mm512_set1_epi64(p.output_max - p.output_zero_point);
  return e;
}

// Requantizes V accumulator vectors (columns `width` channels apart in the
// epilogue) and narrows them with vpackssdw / vpacksswb: byte 16 L + 4 k + j
// of the result comes from lane L, dword j of vector k (vectors past V repeat
// vector 0; their bytes are not stored).
template <Mode MODE, int V>
inline __m512i requant_pack(const __m512i* acc, const uint8_t* epilogue, size_t width, const EpilogueConstants& e) {
  __m512i r[4];
  if constexpr (MODE == Mode::kFp32) {
#pragma GCC unroll 4
    for (int k = 0; k < V; ++k) {
      const __m512 x = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[k]), _mm512_loadu_ps(epilogue + 64 * k));
      r[k] = _mm512_cvtps_epi32(_mm512_min_ps(x, e.hi_f));
    }
    for (int k = V; k < 4; ++k) r[k] = r[0];
    const __m512i low = _mm512_adds_epi16(_mm512_packs_epi32(r[0], r[1]), e.zp16);
    const __m512i high = V > 2 ? _mm512_adds_epi16(_mm512_packs_epi32(r[2], r[3]), e.zp16) : low;
    return _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(low, high), e.min8), e.max8);
  } else {
#pragma GCC unroll 4
    for (int k = 0; k < V; ++k) {
      if constexpr (MODE == Mode::kFixedPointSingle) {
        const SingleRoundingColumns columns = single_rounding_columns(epilogue + 64 * k, epilogue + width * 4 + 64 * k);
        r[k] = requant_single(acc[k], columns, e.lo64, e.hi64, e.zp32);
      } else {
        r[k] = requant_fixedpoint(acc[k], _mm512_loadu_si512(epilogue + 64 * k),
                                  _mm512_loadu_si512(epilogue + width * 4 + 64 * k),
                                  _mm512_loadu_si512(epilogue + width * 8 + 64 * k),
                                  _mm512_loadu_si512(epilogue + width * 12 + 64 * k), e.lo32, e.hi32, e.zp32);
      }
    }
    for (int k = V; k < 4; ++k) r[k] = r[0];
    // Values are in [-128, 127]: the saturating packs only reorder.
    const __m512i low = _mm512_packs_epi32(r[0], r[1]);
    const __m512i high = V > 2 ? _mm512_packs_epi32(r[2], r[3]) : low;
    return _mm512_packs_epi16(low, high);
  }
}

template <bool MASKED>
inline __m512i load64(const int8_t* src, __mmask64 mask) {
  if constexpr (MASKED) return _mm512_maskz_loadu_epi8(mask, src);
  return _mm512_loadu_si512(src);
}

// vpshufb control that spreads 16 channel bytes (broadcast to every lane) to
// byte 0 of 16 dwords in channel order: byte 16 L + 4 j + i <- 4 L + j.
inline __m512i spread_control() {
  alignas(64) int8_t control[64];
  for (int b = 0; b < 64; ++b) control[b] = static_cast<int8_t>(b / 4);
  return _mm512_load_si512(control);
}
// Byte i of every dword.
constexpr __mmask64 kDwordByte[4] = {0x1111111111111111, 0x2222222222222222, 0x4444444444444444,
                                     0x8888888888888888};

// One output row (ROWS = 1) or two consecutive ones (ROWS = 2, stride 1) of
// one channel block: a full one (V = 4, acc order; MASKED: n < 64 channels,
// loads and stores masked) or the tail (V = 1..3 vectors of 16 channels in
// channel order, n real channels; always MASKED: its last group's loads are
// masked, with all 16 lanes set when the group is whole; a masked load costs
// what a plain one does, and one variant less per mode and row count keeps
// this file's compile time, which the sanitized CI build pays, in check).
// rows[0..ROWS+1]: the input rows read, or the padding row (then `steps` is
// 0 for it: every column reads the same zi bytes).
template <Mode MODE, int ROWS, int V, bool MASKED>
void row_block(const DwconvRunParams& p, const int8_t* const rows[4], const size_t steps[4], const int8_t* zero,
               const uint8_t* block, int8_t* out0, int8_t* out1, size_t channels, int n,
               const EpilogueConstants& e) {
  constexpr bool kTail = V < 4;
  constexpr size_t kWidth = 16 * V;
  const __mmask64 mask = MASKED || kTail ? (uint64_t{1} << n) - 1 : ~uint64_t{0};
  [[maybe_unused]] const int last_group = kTail ? n - 16 * (V - 1) : 16;  // real channels of the tail's last vector
  [[maybe_unused]] const __mmask16 last_mask = static_cast<__mmask16>((1u << last_group) - 1);
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i spread = spread_control();
  // Tail bytes of vector k back to channel order: dword 4 k + L <- 4 L + k.
  const __m512i transpose = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  const uint8_t* weights = block + kWidth * sizeof(int32_t);
  const uint8_t* epilogue = weights + 3 * kWidth * 4;
  // w: (w0, w1, w2, 0) per lane for the upper row; w_down: (0, w0, w1, w2),
  // the same bytes shifted up one, for the lower row of a pair.
  __m512i w[3][V], w_down[3][V];
#pragma GCC unroll 3
  for (int kx = 0; kx < 3; ++kx) {
#pragma GCC unroll 4
    for (int k = 0; k < V; ++k) {
      w[kx][k] = _mm512_loadu_si512(weights + (kx * V + k) * 64);
      w_down[kx][k] = _mm512_slli_epi32(w[kx][k], 8);
    }
  }
  const int width = p.input_width;
  // Input column ix of rows 0..3 (row 3 only for two output rows: for one,
  // its weight is zero), sign-flipped and built to one dword per channel.
  auto column_full = [&](int ix, __m512i v[V]) {
    if constexpr (!kTail) {
      // Four vpunpck of 64-byte rows: acc order.
      const bool inside = ix >= 0 && ix < width;
      __m512i r[4];
#pragma GCC unroll 4
      for (int i = 0; i < ROWS + 2; ++i) {
        const int8_t* src = inside ? rows[i] + static_cast<size_t>(ix) * steps[i] : zero;
        r[i] = _mm512_xor_si512(load64<MASKED>(src, mask), flip);
      }
      if constexpr (ROWS == 1) r[3] = r[2];
      const __m512i lo01 = _mm512_unpacklo_epi8(r[0], r[1]), hi01 = _mm512_unpackhi_epi8(r[0], r[1]);
      const __m512i lo23 = _mm512_unpacklo_epi8(r[2], r[3]), hi23 = _mm512_unpackhi_epi8(r[2], r[3]);
      v[0] = _mm512_unpacklo_epi16(lo01, lo23);
      v[1] = _mm512_unpackhi_epi16(lo01, lo23);
      v[2] = _mm512_unpacklo_epi16(hi01, hi23);
      v[3] = _mm512_unpackhi_epi16(hi01, hi23);
    }
  };
  // Inlined by force: out of line, GCC passed the vectors through memory,
  // which made the tail slower than the padded 64-channel block at -O3 (not
  // forced for the full block: there, inlining measured slower).
  auto column_tail = [&](int ix, __m512i v[V]) __attribute__((always_inline)) {
    if constexpr (kTail) {
      const bool inside = ix >= 0 && ix < width;
      // Per 16 channels: each row's 16 bytes broadcast to the four lanes,
      // one vpshufb (merge-masked into byte i of the dwords) per row. The
      // padding row is 64 bytes, so zero + 16 k stays inside it.
#pragma GCC unroll 3
      for (int k = 0; k < V; ++k) {
        __m512i d = _mm512_setzero_si512();
#pragma GCC unroll 4
        for (int i = 0; i < ROWS + 2; ++i) {
          const int8_t* src = (inside ? rows[i] + static_cast<size_t>(ix) * steps[i] : zero) + 16 * k;
          const __m512i b = MASKED && k == V - 1
                                ? _mm512_broadcast_i32x4(_mm_maskz_loadu_epi8(last_mask, src))
                                : _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)));
          d = i == 0 ? _mm512_shuffle_epi8(b, spread) : _mm512_mask_shuffle_epi8(d, kDwordByte[i], b, spread);
        }
        v[k] = _mm512_xor_si512(d, flip);
      }
    }
  };
  auto column = [&](int ix, __m512i v[V]) __attribute__((always_inline)) {
    if constexpr (kTail) {
      column_tail(ix, v);
    } else {
      column_full(ix, v);
    }
  };
  auto store = [&](const __m512i* acc, int8_t* out) {
    __m512i bytes = requant_pack<MODE, V>(acc, epilogue, kWidth, e);
    if constexpr (kTail) bytes = _mm512_permutexvar_epi32(transpose, bytes);
    if constexpr (MASKED || kTail) {
      _mm512_mask_storeu_epi8(out, mask, bytes);
    } else {
      _mm512_storeu_si512(out, bytes);
    }
  };
  const int stride = p.stride_width;
  int ix = -p.pad_left;
  __m512i x[3][V];
#pragma GCC unroll 3
  for (int c = 0; c < 3; ++c) column(ix + c, x[c]);
  const __m512i* bias = reinterpret_cast<const __m512i*>(block);
  for (int ox = 0; ox < p.output_width; ++ox, out0 += channels, out1 += channels) {
    if (ox > 0) {
      ix += stride;
      if (stride == 1) {
#pragma GCC unroll 4
        for (int k = 0; k < V; ++k) {
          x[0][k] = x[1][k];
          x[1][k] = x[2][k];
        }
      } else if (stride == 2) {
#pragma GCC unroll 4
        for (int k = 0; k < V; ++k) x[0][k] = x[2][k];
        column(ix + 1, x[1]);
      } else {
        column(ix, x[0]);
        column(ix + 1, x[1]);
      }
      column(ix + 2, x[2]);
    }
    __m512i acc[V];
#pragma GCC unroll 4
    for (int k = 0; k < V; ++k) {
      acc[k] = _mm512_loadu_si512(bias + k);
#pragma GCC unroll 3
      for (int kx = 0; kx < 3; ++kx) acc[k] = _mm512_dpbusd_epi32(acc[k], x[kx][k], w[kx][k]);
    }
    store(acc, out0);
    if constexpr (ROWS == 2) {
#pragma GCC unroll 4
      for (int k = 0; k < V; ++k) {
        acc[k] = _mm512_loadu_si512(bias + k);
#pragma GCC unroll 3
        for (int kx = 0; kx < 3; ++kx) acc[k] = _mm512_dpbusd_epi32(acc[k], x[kx][k], w_down[kx][k]);
      }
      store(acc, out1);
    }
  }
}

// Both row counts of one block kind.
template <Mode MODE, int V, bool MASKED>
void run_block(bool two, const DwconvRunParams& p, const int8_t* const rows[4], const size_t steps[4],
               const int8_t* zero, const uint8_t* block, int8_t* out0, int8_t* out1, size_t channels, int n,
               const EpilogueConstants& e) {
  if (two) {
    row_block<MODE, 2, V, MASKED>(p, rows, steps, zero, block, out0, out1, channels, n, e);
  } else {
    row_block<MODE, 1, V, MASKED>(p, rows, steps, zero, block, out0, out1, channels, n, e);
  }
}

template <Mode MODE>
void dwconv3x3_c4_rows(const DwconvRunParams& p, const int8_t* input, const void* packed, int8_t* output,
                       size_t row_begin, size_t row_end) {
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t block_bytes = dwconv3x3_c4_block_bytes(p.rule);
  const int8_t* zero = dwconv3x3_c4_padding_row(packed, p.rule, p.channels);
  const EpilogueConstants e = epilogue_constants(p);
  // Full blocks cover [0, full_end); the rest is a tail block of
  // tail_vectors x 16 channels, or a masked full block when tail_vectors is 0.
  const size_t full_end = channels / kCt * kCt;
  const int tail_vectors = dwconv3x3_c4_tail_width(p.channels) / kDwconv3x3C4TailGroup;
  const size_t oh = static_cast<size_t>(p.output_height);
  for (size_t row = row_begin; row < row_end;) {
    const size_t b = row / oh;
    const int oy = static_cast<int>(row % oh);
    // Two rows at once when both are ours, in one image, at stride 1.
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
    size_t c0 = 0;
    const int8_t* at[4];
    auto offset_rows = [&](size_t c) {
#pragma GCC unroll 4
      for (int i = 0; i < 4; ++i) at[i] = rows[i] + (steps[i] != 0 ? c : 0);
    };
    for (; c0 < full_end; c0 += kCt, block += block_bytes) {
      offset_rows(c0);
      run_block<MODE, 4, false>(two, p, at, steps, zero, block, out0 + c0, out1 + c0, channels, kCt, e);
    }
    if (c0 < channels) {
      offset_rows(c0);
      const int n = static_cast<int>(channels - c0);
      int8_t* o0 = out0 + c0;
      int8_t* o1 = out1 + c0;
      switch (tail_vectors) {
        case 0: run_block<MODE, 4, true>(two, p, at, steps, zero, block, o0, o1, channels, n, e); break;
        case 1: run_block<MODE, 1, true>(two, p, at, steps, zero, block, o0, o1, channels, n, e); break;
        case 2: run_block<MODE, 2, true>(two, p, at, steps, zero, block, o0, o1, channels, n, e); break;
        default: run_block<MODE, 3, true>(two, p, at, steps, zero, block, o0, o1, channels, n, e); break;
      }
    }
    row += two ? 2 : 1;
  }
}

}  // namespace

void qs8_dwconv_3x3_minmax_64c4__avx512vnni(const DwconvRunParams& p, const int8_t* input, const void* packed,
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
