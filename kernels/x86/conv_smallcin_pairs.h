// The int16 pair tiles of the direct convolution for few input channels
// (kernels/conv_smallcin_s8.h has the scheme), shared by the AVX2 and
// AVX-VNNI translation units (x86/avx2, x86/avxvnni conv_smallcin_s8.cc):
// they differ only in how a lane of two int16 values is multiplied by a
// lane of two weights and added to an accumulator, which comes in a policy
// struct:
//
//   struct Madd {
//     static __m256i add(__m256i acc, __m256i a, __m256i w);  // acc + vpmaddwd(a, w)
//   };
//
// Per output row: its KH input rows, padded with the input zero point, as
// int8 rows, then interleaved and widened into ceil(KH / 2) pair rows of
// int32 lanes (two int16 values each); then 6-pixel x 16-channel tiles read
// each pixel's pairs in place (32-bit broadcasts at the offsets of
// conv_smallcin_pairs) and multiply them by the packed int16 weight pairs.
// int16 products are exact for every int8 value (vpmaddubsw would
// saturate). The epilogue is the AVX2 GEMM's (requant_avx2.h).
//
// Templates in an unnamed namespace, included only by translation units
// built with -mavx2: each gets its own copy (no inline function shared
// between instruction sets).
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/x86/avx2/requant_avx2.h"
#include "kernels/x86/conv_smallcin_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx2;  // the shared epilogues (requant_avx2.h)

constexpr GemmLayout kLayout = kQs8ConvSmallCin6x16c2Avx2;
constexpr int kMr = kLayout.mr;
constexpr int kNr = kLayout.nr;
constexpr int kVectors = kNr / 8;

struct Epilogue {
  int32_t zero_point, min, max;
};

// A lane (two int16 values) in all 8 lanes of a vector, as vbroadcastss
// (load ports only; it measured no slower than vpbroadcastd here).
inline __m256i broadcast_lane(const uint8_t* p) {
  return _mm256_castps_si256(_mm256_broadcast_ss(reinterpret_cast<const float*>(p)));
}

// Stores the first `cols` (1 to 16) bytes of one row.
inline void store_row(int8_t* c, __m128i bytes, int cols) {
  if (cols == kNr) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(c), bytes);
    return;
  }
  if (cols & 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(c), bytes);
    bytes = _mm_srli_si128(bytes, 8);
    c += 8;
  }
  uint32_t low = static_cast<uint32_t>(_mm_cvtsi128_si32(bytes));
  if (cols & 4) {
    std::memcpy(c, &low, 4);
    low = static_cast<uint32_t>(_mm_extract_epi32(bytes, 1));
    c += 4;
  }
  if (cols & 2) {
    const uint16_t pair = static_cast<uint16_t>(low);
    std::memcpy(c, &pair, 2);
    low >>= 16;
    c += 2;
  }
  if (cols & 1) *c = static_cast<int8_t>(low);
}

// ROWS (<= kMr) pixels, their pairs at a[r] + offsets[i], against one
// packed column tile; VECTORS (1 or 2) vectors of 8 of its columns (a last
// tile of at most 8 columns does half the work), `cols` stored.
template <typename Madd, int ROWS, Mode MODE, bool BOUNDED, int VECTORS>
__attribute__((always_inline)) inline void conv_tile(const uint8_t* const (&a)[ROWS], const int32_t* offsets,
                                                     size_t pairs, const uint8_t* tile, int8_t* c, size_t c_stride,
                                                     int cols, const Epilogue& e) {
  __m256i acc[ROWS][VECTORS];
  const int32_t* bias = reinterpret_cast<const int32_t*>(tile);
#pragma GCC unroll 2
  for (int v = 0; v < VECTORS; ++v) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 8 * v));
#pragma GCC unroll 6
    for (int r = 0; r < ROWS; ++r) acc[r][v] = b;
  }
  const int16_t* w = reinterpret_cast<const int16_t*>(tile + kNr * sizeof(int32_t));
#pragma GCC unroll 2
  for (size_t i = 0; i < pairs; ++i) {
    const ptrdiff_t offset = offsets[i];
    __m256i wv[VECTORS];
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) wv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 16 * v));
    w += kNr * 2;
#pragma GCC unroll 6
    for (int r = 0; r < ROWS; ++r) {
      const __m256i av = broadcast_lane(a[r] + offset);
#pragma GCC unroll 2
      for (int v = 0; v < VECTORS; ++v) acc[r][v] = Madd::add(acc[r][v], av, wv[v]);
    }
  }
  // Requantized values without the zero point; the byte ending adds it and
  // clamps (requant_avx2.h). The epilogue values are laid out per whole
  // tile (kVectors vectors each), as the GEMM's.
  const uint8_t* epilogue = reinterpret_cast<const uint8_t*>(w);
  if constexpr (MODE == Mode::kFp32 && BOUNDED) {
    // |acc * scale| < 2^30 (the packing's flag): no clamp before the
    // conversion, the byte ending clamps (requant_fp32_unshifted's result
    // is min(this, max - zp), which the byte ending clamps alike).
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) {
      const __m256 scale = _mm256_loadu_ps(reinterpret_cast<const float*>(epilogue) + 8 * v);
#pragma GCC unroll 6
      for (int r = 0; r < ROWS; ++r) acc[r][v] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(acc[r][v]), scale));
    }
  } else if constexpr (MODE == Mode::kFp32) {
    const __m256 hi = _mm256_set1_ps(static_cast<float>(e.max - e.zero_point));
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) {
      const __m256 scale = _mm256_loadu_ps(reinterpret_cast<const float*>(epilogue) + 8 * v);
#pragma GCC unroll 6
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_fp32_unshifted(acc[r][v], scale, hi);
    }
  } else if constexpr (MODE == Mode::kFixedPointSingle) {
    const __m256i lo = _mm256_set1_epi64x(e.min - e.zero_point);
    const __m256i hi = _mm256_set1_epi64x(e.max - e.zero_point);
    const __m256i* values = reinterpret_cast<const __m256i*>(epilogue);
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) {
      const SingleRoundingColumns columns = single_rounding_columns(values + v, values + kVectors + v);
#pragma GCC unroll 6
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_single_unshifted(acc[r][v], columns, lo, hi);
    }
  } else {
    const __m256i* values = reinterpret_cast<const __m256i*>(epilogue);
#pragma GCC unroll 2
    for (int v = 0; v < VECTORS; ++v) {
      const __m256i multiplier = _mm256_loadu_si256(values + v);
      const __m256i left = _mm256_loadu_si256(values + kVectors + v);
      const __m256i right = _mm256_loadu_si256(values + 2 * kVectors + v);
      const __m256i mask = _mm256_loadu_si256(values + 3 * kVectors + v);
#pragma GCC unroll 6
      for (int r = 0; r < ROWS; ++r) acc[r][v] = requant_fixedpoint_unshifted(acc[r][v], multiplier, left, right, mask);
    }
  }
  const ByteEnding ending = byte_ending(e.zero_point, e.min, e.max);
  if constexpr (VECTORS == 2) {
#pragma GCC unroll 3
    for (int r = 0; r < ROWS; r += 2) {
      // An odd last row is paired with itself; only its low half is stored.
      const int r1 = r + 1 < ROWS ? r + 1 : r;
      const __m256i bytes = bytes_of_two_rows(acc[r][0], acc[r][1], acc[r1][0], acc[r1][1], ending);
      store_row(c + r * c_stride, _mm256_castsi256_si128(bytes), cols);
      if (r + 1 < ROWS) store_row(c + (r + 1) * c_stride, _mm256_extracti128_si256(bytes, 1), cols);
    }
  } else {
    // Four rows of 8 per byte vector (rows past ROWS repeat the last one and
    // are not stored).
#pragma GCC unroll 2
    for (int r = 0; r < ROWS; r += 4) {
      const __m256i bytes = bytes_of_two_rows(acc[r][0], acc[std::min(r + 1, ROWS - 1)][0],
                                              acc[std::min(r + 2, ROWS - 1)][0],
                                              acc[std::min(r + 3, ROWS - 1)][0], ending);
      const __m128i low = _mm256_castsi256_si128(bytes), high = _mm256_extracti128_si256(bytes, 1);
      store_row(c + r * c_stride, low, cols);
      if (r + 1 < ROWS) store_row(c + (r + 1) * c_stride, _mm_srli_si128(low, 8), cols);
      if (r + 2 < ROWS) store_row(c + (r + 2) * c_stride, high, cols);
      if (r + 3 < ROWS) store_row(c + (r + 3) * c_stride, _mm_srli_si128(high, 8), cols);
    }
  }
}

// ROWS (<= kMr) pixels, `pixel_step` bytes apart in the pair rows, against
// every column tile: one call, so the epilogue of a tile overlaps the next
// tile's multiplies and the pixel pointers are set up once.
template <typename Madd, int ROWS, Mode MODE, bool BOUNDED>
void conv_pixels(const uint8_t* pixels, size_t pixel_step, const int32_t* offsets, size_t pairs,
                 const uint8_t* packed, size_t tile_bytes, int n, int8_t* c, size_t c_stride, const Epilogue& e) {
  // One register per pixel, each read at [a[r] + offset]: hidden from the
  // optimizer, which otherwise re-derives them from `pixels` with a chain
  // of adds per pair (~8 more scalar instructions per 12 vpmaddwd).
  const uint8_t* a[ROWS];
#pragma GCC unroll 6
  for (int r = 0; r < ROWS; ++r) {
    a[r] = pixels + r * pixel_step;
    asm("" : "+r"(a[r]));
  }
  const uint8_t* tile = static_cast<const uint8_t*>(packed);
  int n0 = 0;
  for (; n0 + 8 < n; n0 += kNr, tile += tile_bytes) {
    conv_tile<Madd, ROWS, MODE, BOUNDED, 2>(a, offsets, pairs, tile, c + n0, c_stride, std::min(kNr, n - n0), e);
  }
  if (n0 < n) conv_tile<Madd, ROWS, MODE, BOUNDED, 1>(a, offsets, pairs, tile, c + n0, c_stride, n - n0, e);
}

using PixelsFn = void (*)(const uint8_t* pixels, size_t pixel_step, const int32_t* offsets, size_t pairs,
                          const uint8_t* packed, size_t tile_bytes, int n, int8_t* c, size_t c_stride,
                          const Epilogue& e);

template <typename Madd, Mode MODE, bool BOUNDED = false>
constexpr PixelsFn kPixels[kMr] = {conv_pixels<Madd, 1, MODE, BOUNDED>, conv_pixels<Madd, 2, MODE, BOUNDED>,
                                   conv_pixels<Madd, 3, MODE, BOUNDED>, conv_pixels<Madd, 4, MODE, BOUNDED>,
                                   conv_pixels<Madd, 5, MODE, BOUNDED>, conv_pixels<Madd, 6, MODE, BOUNDED>};

// `flag`: the packing's kConvSmallCinFp32Bounded word.
template <typename Madd>
const PixelsFn* pixels_for(const ConvSmallCinRunParams& p, int32_t flag) {
  if (p.rule == RequantRule::kFp32) {
    return flag == kConvSmallCinFp32Bounded ? kPixels<Madd, Mode::kFp32, true> : kPixels<Madd, Mode::kFp32>;
  }
  return p.rounding == FixedPointRounding::kSingle ? kPixels<Madd, Mode::kFixedPointSingle>
                                                    : kPixels<Madd, Mode::kFixedPointDouble>;
}

// Input row `iy` of image `b` as padded row bytes: element j is input
// element j - pad_left * Cin, the input zero point outside the image, for j
// up to `bytes` (the row and its slack).
void build_padded_row(const ConvSmallCinRunParams& p, const int8_t* input, size_t b, int iy, int8_t* dst,
                      size_t bytes) {
  const int pad = static_cast<int8_t>(p.input_zero_point);
  if (iy < 0 || iy >= p.input_height) {
    std::memset(dst, pad, bytes);
    return;
  }
  const size_t channels = static_cast<size_t>(p.input_channels);
  const size_t left = static_cast<size_t>(p.pad_left) * channels;
  const size_t inner = static_cast<size_t>(p.input_width) * channels;
  std::memset(dst, pad, left);
  std::memcpy(dst + left, input + (b * static_cast<size_t>(p.input_height) + static_cast<size_t>(iy)) * inner, inner);
  std::memset(dst + left + inner, pad, bytes - left - inner);
}

// Lanes 0 .. lanes - 1 (and up to 15 more) of a pair row: lane e = (first[e],
// second[e]) widened to int16.
void interleave_widened(const int8_t* first, const int8_t* second, size_t lanes, uint8_t* dst) {
  for (size_t e = 0; e < lanes; e += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + e));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second + e));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 4 * e), _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(a, b)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 4 * e + 32), _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(a, b)));
  }
}

// The pair rows of output row `oy` of image `b` (conv_smallcin_s8.h).
void build_pair_rows(const ConvSmallCinRunParams& p, const int8_t* input, size_t b, int oy, uint8_t* pair_rows,
                     size_t pair_row_stride, int8_t* rows, size_t row_stride) {
  const size_t lanes = static_cast<size_t>(p.padded_width()) * static_cast<size_t>(p.input_channels);
  const int iy0 = oy * p.stride_height - p.pad_top;
  const int kh = p.kernel_height, dh = p.dilation_height;
  int8_t* second = rows + row_stride;
  for (int g = 0; g < kh / 2; ++g) {
    build_padded_row(p, input, b, iy0 + 2 * g * dh, rows, row_stride);
    build_padded_row(p, input, b, iy0 + (2 * g + 1) * dh, second, row_stride);
    interleave_widened(rows, second, lanes, pair_rows + static_cast<size_t>(g) * pair_row_stride);
  }
  if (kh % 2 != 0) {
    build_padded_row(p, input, b, iy0 + (kh - 1) * dh, rows, row_stride);
    interleave_widened(rows, rows + 1, lanes, pair_rows + static_cast<size_t>(kh / 2) * pair_row_stride);
  }
}

// The kernel: output rows [row_begin, row_end) of batch * output_height,
// one thread's scratch (conv_smallcin_pair_scratch_size bytes).
template <typename Madd>
void run_conv_smallcin_pairs(const ConvSmallCinRunParams& p, const int8_t* input, const void* packed, void* scratch,
                             int8_t* output, size_t row_begin, size_t row_end) {
  const ConvSmallCinPairScratch s = conv_smallcin_pair_scratch(p, scratch);
  const size_t pairs = static_cast<size_t>(conv_smallcin_pair_count(p));
  conv_smallcin_pairs(p, s.pair_row_stride, s.offsets, nullptr);
  const size_t tile_bytes = conv_smallcin_pair_tile_bytes(kLayout, p.rule, p);
  const size_t tiles = static_cast<size_t>((p.output_channels + kNr - 1) / kNr);
  int32_t flag;
  std::memcpy(&flag, static_cast<const uint8_t*>(packed) + tiles * tile_bytes, sizeof(flag));
  const PixelsFn* runs = pixels_for<Madd>(p, flag);
  const Epilogue e{p.output_zero_point, p.output_min, p.output_max};
  const int n = p.output_channels;
  const size_t c_stride = static_cast<size_t>(n);
  const size_t pixel_step = static_cast<size_t>(p.stride_width) * static_cast<size_t>(p.input_channels) * 4;
  const size_t oh = static_cast<size_t>(p.output_height);
  for (size_t row = row_begin; row < row_end; ++row) {
    build_pair_rows(p, input, row / oh, static_cast<int>(row % oh), s.pair_rows, s.pair_row_stride, s.rows,
                    s.row_stride);
    int8_t* out_row = output + row * static_cast<size_t>(p.output_width) * c_stride;
    for (int x0 = 0; x0 < p.output_width; x0 += kMr) {
      const int tile_rows = std::min(kMr, p.output_width - x0);
      runs[tile_rows - 1](s.pair_rows + static_cast<size_t>(x0) * pixel_step, pixel_step, s.offsets, pairs,
                          static_cast<const uint8_t*>(packed), tile_bytes, n,
                          out_row + static_cast<size_t>(x0) * c_stride, c_stride, e);
    }
  }
}

}  // namespace
}  // namespace qrt::x86
