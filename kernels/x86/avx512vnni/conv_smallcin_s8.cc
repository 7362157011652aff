// qs8_conv_smallcin_minmax_8x32c4__avx512vnni: the direct convolution for
// few input channels (kernels/conv_smallcin_s8.h) on AVX-512 VNNI.
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni;
// called only when cpuinfo reports all of them.
//
// Per output row: the KH input rows it reads, sign-flipped (x + 128 as
// uint8, for vpdpbusd's u8 x s8) and padded with the flipped input zero
// point, into scratch; per run of up to kConvSmallCinPixelRun pixels, each
// pixel's patch of K bytes (KH copies of KW * Cin bytes, whole 32-byte
// vectors in increasing address order, so each copy's spill is overwritten
// by the next one or lands in [K, Kp), whose weights are 0); then 8-pixel x
// 32-channel tiles as the GEMM's (gemm_s8.cc), without row corrections (the
// filter zero point is in the packed weights).
#include <algorithm>
#include <cstring>

#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/conv_smallcin_s8.h"

namespace qrt::x86 {
namespace {

using namespace avx512;  // the shared epilogues (requant_avx512.h)

constexpr GemmLayout kLayout = kQs8ConvSmallCin8x32c4Avx512vnni;
constexpr int kMr = kLayout.mr;
constexpr int kNr = kLayout.nr;
constexpr int kVectors = kNr / 16;

struct Epilogue {
  int32_t zero_point, min, max;
};

int32_t load_u32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// acc + vpdpbusd(a, w). As inline assembly because GCC 12, given the
// intrinsic on an accumulator array, copies every accumulator through a
// spare register each K step (and spills some): 2 moves per vpdpbusd, and
// the tile ran about a third slower.
inline __m512i dpbusd(__m512i acc, __m512i a, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(w));
  return acc;
}

// ROWS (<= kMr) patches, kp bytes apart, against one packed column tile;
// `cols` (<= kNr) columns stored.
template <int ROWS, Mode MODE>
void conv_tile(const uint8_t* patches, size_t kp, const uint8_t* tile, int8_t* c, size_t c_stride, int cols,
               const Epilogue& e) {
  __m512i acc[ROWS][kVectors];
  const int32_t* bias = reinterpret_cast<const int32_t*>(tile);
#pragma GCC unroll 8
  for (int r = 0; r < ROWS; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) acc[r][v] = _mm512_loadu_si512(bias + 16 * v);
  }
  const uint8_t* w = tile + kNr * sizeof(int32_t);
  for (size_t k = 0; k < kp; k += 4) {
    __m512i wv[kVectors];
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) wv[v] = _mm512_loadu_si512(w + 64 * v);
    w += kNr * 4;
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; ++r) {
      const __m512i av = _mm512_set1_epi32(load_u32(patches + r * kp + k));
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) acc[r][v] = dpbusd(acc[r][v], av, wv[v]);
    }
  }
  requantize_store_tile<MODE, ROWS, kNr>(acc, w, e.zero_point, e.min, e.max, c, c_stride, cols);
}

using TileFn = void (*)(const uint8_t* patches, size_t kp, const uint8_t* tile, int8_t* c, size_t c_stride, int cols,
                        const Epilogue& e);

template <Mode MODE>
constexpr TileFn kTiles[kMr] = {conv_tile<1, MODE>, conv_tile<2, MODE>, conv_tile<3, MODE>, conv_tile<4, MODE>,
                                conv_tile<5, MODE>, conv_tile<6, MODE>, conv_tile<7, MODE>, conv_tile<8, MODE>};

const TileFn* tiles_for(const ConvSmallCinRunParams& p) {
  if (p.rule == RequantRule::kFp32) return kTiles<Mode::kFp32>;
  return p.rounding == FixedPointRounding::kSingle ? kTiles<Mode::kFixedPointSingle>
                                                    : kTiles<Mode::kFixedPointDouble>;
}

// n int8 values to dst as uint8 (+128, the sign flip).
void copy_flipped(const int8_t* src, size_t n, uint8_t* dst) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
  }
  if (i < n) {
    const __mmask64 mask = (~uint64_t{0}) >> (64 - (n - i));
    _mm512_mask_storeu_epi8(dst + i, mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, src + i), flip));
  }
}

// The KH input rows output row `oy` of image `b` reads, flipped and padded:
// padded column j is input column j - pad_left, the flipped zero point
// outside the image (and for rows outside it).
void build_rows(const ConvSmallCinRunParams& p, const int8_t* input, size_t b, int oy, uint8_t* rows,
                size_t row_stride) {
  const uint8_t pad = static_cast<uint8_t>(static_cast<uint8_t>(static_cast<int8_t>(p.input_zero_point)) ^ 0x80u);
  const size_t channels = static_cast<size_t>(p.input_channels);
  const size_t width = static_cast<size_t>(p.padded_width()) * channels;
  const size_t left = static_cast<size_t>(p.pad_left) * channels;
  const size_t inner = static_cast<size_t>(p.input_width) * channels;
  for (int ky = 0; ky < p.kernel_height; ++ky) {
    uint8_t* dst = rows + static_cast<size_t>(ky) * row_stride;
    const int iy = oy * p.stride_height - p.pad_top + ky * p.dilation_height;
    if (iy < 0 || iy >= p.input_height) {
      std::memset(dst, pad, width);
      continue;
    }
    std::memset(dst, pad, left);
    copy_flipped(input + (b * static_cast<size_t>(p.input_height) + static_cast<size_t>(iy)) * inner, inner,
                 dst + left);
    std::memset(dst + left + inner, pad, width - left - inner);
  }
}

// Copies `bytes` (>= 1) in whole 32-byte vectors: up to 31 bytes past the
// end are read and written (the slack of the rows and the patch buffer).
inline void copy_vectors(const uint8_t* src, uint8_t* dst, size_t bytes) {
  for (size_t j = 0; j < bytes; j += 32) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + j),
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + j)));
  }
}

// The patches of pixels x0 .. x0 + count - 1 of the row, kp bytes apart.
void build_patches(const ConvSmallCinRunParams& p, const uint8_t* rows, size_t row_stride, int x0, int count,
                   uint8_t* patches, size_t kp) {
  const size_t channels = static_cast<size_t>(p.input_channels);
  const size_t run = static_cast<size_t>(p.kernel_width) * channels;  // a filter row's bytes
  const int kh = p.kernel_height;
  if (p.dilation_width == 1 && run <= 16) {
    // The common case (3x3 and 5x5 filters): one 16-byte vector per filter
    // row (32-byte ones would split more cache lines).
    for (int i = 0; i < count; ++i) {
      const uint8_t* src = rows + static_cast<size_t>(x0 + i) * p.stride_width * channels;
      uint8_t* dst = patches + static_cast<size_t>(i) * kp;
      for (int ky = 0; ky < kh; ++ky) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + ky * run),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + ky * row_stride)));
      }
    }
  } else if (p.dilation_width == 1 && run <= 32) {
    // 7x7 filters and others up to 32 bytes a row: one 32-byte vector per row.
    for (int i = 0; i < count; ++i) {
      const uint8_t* src = rows + static_cast<size_t>(x0 + i) * p.stride_width * channels;
      uint8_t* dst = patches + static_cast<size_t>(i) * kp;
      for (int ky = 0; ky < kh; ++ky) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + ky * run),
                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + ky * row_stride)));
      }
    }
  } else if (p.dilation_width == 1) {
    for (int i = 0; i < count; ++i) {
      const uint8_t* src = rows + static_cast<size_t>(x0 + i) * p.stride_width * channels;
      uint8_t* dst = patches + static_cast<size_t>(i) * kp;
      for (int ky = 0; ky < kh; ++ky) copy_vectors(src + ky * row_stride, dst + ky * run, run);
    }
  } else {
    // Dilated filter rows: one tap (channels <= 4 bytes) at a time, as 4-byte
    // copies whose spill the next tap overwrites.
    const size_t step = static_cast<size_t>(p.dilation_width) * channels;
    for (int i = 0; i < count; ++i) {
      const uint8_t* src = rows + static_cast<size_t>(x0 + i) * p.stride_width * channels;
      uint8_t* dst = patches + static_cast<size_t>(i) * kp;
      for (int ky = 0; ky < kh; ++ky) {
        for (int kx = 0; kx < p.kernel_width; ++kx) {
          std::memcpy(dst + (static_cast<size_t>(ky) * p.kernel_width + kx) * channels,
                      src + ky * row_stride + kx * step, 4);
        }
      }
    }
  }
}

}  // namespace

void qs8_conv_smallcin_minmax_8x32c4__avx512vnni(const ConvSmallCinRunParams& p, const int8_t* input,
                                                 const void* packed, void* scratch, int8_t* output, size_t row_begin,
                                                 size_t row_end) {
  const int k = p.k();
  const size_t kp = static_cast<size_t>(gemm_padded_k(kLayout, k));
  const size_t row_stride = conv_smallcin_row_stride(kLayout, p);
  uint8_t* rows = static_cast<uint8_t*>(scratch);
  uint8_t* patches = rows + static_cast<size_t>(p.kernel_height) * row_stride;
  const size_t tile_bytes = gemm_tile_bytes(kLayout, p.rule, k);
  const TileFn* tiles = tiles_for(p);
  const Epilogue e{p.output_zero_point, p.output_min, p.output_max};
  const int n = p.output_channels;
  const size_t c_stride = static_cast<size_t>(n);
  const size_t oh = static_cast<size_t>(p.output_height);
  for (size_t row = row_begin; row < row_end; ++row) {
    build_rows(p, input, row / oh, static_cast<int>(row % oh), rows, row_stride);
    int8_t* out_row = output + row * static_cast<size_t>(p.output_width) * c_stride;
    for (int x0 = 0; x0 < p.output_width; x0 += kConvSmallCinPixelRun) {
      const int count = std::min(kConvSmallCinPixelRun, p.output_width - x0);
      build_patches(p, rows, row_stride, x0, count, patches, kp);
      for (int m0 = 0; m0 < count; m0 += kMr) {
        const int tile_rows = std::min(kMr, count - m0);
        const uint8_t* tile = static_cast<const uint8_t*>(packed);
        int8_t* c = out_row + static_cast<size_t>(x0 + m0) * c_stride;
        for (int n0 = 0; n0 < n; n0 += kNr, tile += tile_bytes) {
          tiles[tile_rows - 1](patches + static_cast<size_t>(m0) * kp, kp, tile, c + n0, c_stride,
                               std::min(kNr, n - n0), e);
        }
      }
    }
  }
}

}  // namespace qrt::x86
