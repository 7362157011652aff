// qs8_gemm_minmax_8x8c8__neoni8mm: int8 GEMM on AArch64 with the int8 matrix
// multiply instructions (SMMLA, Armv8.6 FEAT_I8MM: Cortex-A510/A710/X2,
// Neoverse V1/N2, Apple M2 and later), and qs8_igemm_minmax_8x8c8__neoni8mm,
// the same tiles on panels gathered through a convolution's indirection
// buffer (conv_s8.h). Compiled with -march=armv8.2-a+i8mm;
// called only when the kernel reports I8MM (HWCAP2_I8MM on Linux).
//
// SMMLA multiplies a 2x8 int8 block of A by an 8x2 int8 block of W^T into a
// 2x2 int32 block: exact for every int8 value, wrapping like the packed bias
// assumes. The packed weights are [Kp / 8][8 columns][8] (gemm_s8.h, kr =
// 8): one 16-byte vector is the 8x2 block of a column pair. The driver packs
// the A panel as [Kp / 8][8 rows][8], so one vector is the 2x8 block of a
// row pair; the accumulator of (row pair, column pair) holds
// [r0c0 r0c1 r1c0 r1c1] and is split into rows (TRN1/TRN2 on 64-bit halves)
// before the shared epilogue.
#include <algorithm>
#include <cstring>

#include "kernels/arm/gemm_s8.h"
#include "kernels/arm/panel_neon.h"
#include "kernels/arm/requant_neon.h"

namespace qrt::arm {
namespace {

constexpr int kMr = kQs8Gemm8x8c8I8mm.mr;
constexpr int kNr = kQs8Gemm8x8c8I8mm.nr;
constexpr int kKr = kQs8Gemm8x8c8I8mm.kr;
constexpr int kColumnPairs = kNr / 2;
constexpr int kQuads = kNr / 4;

template <int ROWS, Mode MODE>
void gemm_tile(const int8_t* panel, size_t kp, const uint8_t* tile, const int32_t* row_corrections,
               const OutputBounds& bounds, int8_t* c, size_t c_stride, int cols) {
  constexpr int kRowPairs = (ROWS + 1) / 2;
  int32x4_t acc[kRowPairs][kColumnPairs];
  const int32_t* bias = reinterpret_cast<const int32_t*>(tile);
  for (int j = 0; j < kColumnPairs; ++j) {
    const int32x2_t pair = vld1_s32(bias + 2 * j);
    for (int i = 0; i < kRowPairs; ++i) acc[i][j] = vcombine_s32(pair, pair);
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(tile + kNr * sizeof(int32_t));
  const int8_t* a = panel;
  for (size_t k = 0; k < kp; k += kKr, w += kNr * kKr, a += kMr * kKr) {
    int8x16_t wv[kColumnPairs];
    for (int j = 0; j < kColumnPairs; ++j) wv[j] = vld1q_s8(w + 16 * j);
    for (int i = 0; i < kRowPairs; ++i) {
      const int8x16_t av = vld1q_s8(a + 16 * i);
      for (int j = 0; j < kColumnPairs; ++j) acc[i][j] = vmmlaq_s32(acc[i][j], av, wv[j]);
    }
  }
  // Row 2i: the low halves of its column pairs; row 2i + 1: the high halves.
  int32x4_t rows[ROWS][kQuads];
  for (int i = 0; i < kRowPairs; ++i) {
    for (int q = 0; q < kQuads; ++q) {
      const int64x2_t left = vreinterpretq_s64_s32(acc[i][2 * q]);
      const int64x2_t right = vreinterpretq_s64_s32(acc[i][2 * q + 1]);
      rows[2 * i][q] = vreinterpretq_s32_s64(vtrn1q_s64(left, right));
      if (2 * i + 1 < ROWS) rows[2 * i + 1][q] = vreinterpretq_s32_s64(vtrn2q_s64(left, right));
    }
  }
  requant_store_tile<ROWS, kQuads, MODE>(rows, row_corrections, reinterpret_cast<const uint8_t*>(w), bounds, c,
                                         c_stride, cols);
}

using TileFn = void (*)(const int8_t*, size_t, const uint8_t*, const int32_t*, const OutputBounds&, int8_t*,
                        size_t, int);

template <Mode MODE>
constexpr TileFn kTiles[kMr] = {gemm_tile<1, MODE>, gemm_tile<2, MODE>, gemm_tile<3, MODE>, gemm_tile<4, MODE>,
                                gemm_tile<5, MODE>, gemm_tile<6, MODE>, gemm_tile<7, MODE>, gemm_tile<8, MODE>};

const TileFn* tiles_for(const GemmRunParams& p) {
  switch (mode_of(p.rule, p.rounding)) {
    case Mode::kFp32: return kTiles<Mode::kFp32>;
    case Mode::kFixedPointSingle: return kTiles<Mode::kFixedPointSingle>;
    default: return kTiles<Mode::kFixedPointDouble>;
  }
}

// The shared driver: for each MR-row panel, `rows_of_a(row, sink)` hands
// the row's values to `sink` span by span; they are interleaved into the
// [Kp / 8][8 rows][8] panel (and summed when a per-tensor filter zero point
// needs it), then the tiles run over every column tile.
template <typename Rows>
void run_panels(const GemmRunParams& p, const Rows& rows_of_a, const void* packed, void* scratch, int8_t* c) {
  const GemmLayout& layout = kQs8Gemm8x8c8I8mm;
  const size_t kp = static_cast<size_t>(gemm_padded_k(layout, p.k));
  const size_t tile_bytes = gemm_tile_bytes(layout, p.rule, p.k);
  const TileFn* tiles = tiles_for(p);
  const OutputBounds bounds = make_output_bounds(p.output_zero_point, p.output_min, p.output_max);
  const bool sums = p.filter_zero_point != 0;
  int8_t* panel = static_cast<int8_t*>(scratch);  // [kp / 8][8 rows][8]
  int32_t corrections[kMr];
  for (size_t m0 = 0; m0 < p.m; m0 += kMr) {
    const int rows = static_cast<int>(std::min<size_t>(kMr, p.m - m0));
    // K padding and the rows past the last of an odd tile are zero
    // (computed, never stored).
    std::memset(panel, 0, kMr * kp);
    for (int r = 0; r < rows; ++r) {
      int8_t* row_base = panel + r * kKr;
      size_t position = 0;  // K index of the next value
      int32_t sum = 0;
      auto sink = [&](const int8_t* src, size_t n) {
        if (sums) sum += sum_s8(src, n);
        while (n > 0) {
          const size_t in_group = position % kKr;
          const size_t count = std::min<size_t>(kKr - in_group, n);
          int8_t* dst = row_base + (position - in_group) * kMr + in_group;
          if (count == kKr) {
            vst1_s8(dst, vld1_s8(src));
          } else {
            std::memcpy(dst, src, count);
          }
          position += count;
          src += count;
          n -= count;
        }
      };
      rows_of_a(m0 + r, sink);
      corrections[r] = row_correction(p.filter_zero_point, sum);
    }
    const int32_t* row_corrections = sums ? corrections : nullptr;
    const uint8_t* tile = static_cast<const uint8_t*>(packed);
    for (int n0 = 0; n0 < p.n; n0 += kNr, tile += tile_bytes) {
      tiles[rows - 1](panel, kp, tile, row_corrections, bounds, c + m0 * p.c_stride + n0, p.c_stride,
                      std::min(kNr, p.n - n0));
    }
  }
}

}  // namespace

void qs8_gemm_minmax_8x8c8__neoni8mm(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c) {
  run_panels(p, DenseRows{a, p.a_stride, static_cast<size_t>(p.k)}, packed, scratch, c);
}

void qs8_igemm_minmax_8x8c8__neoni8mm(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c) {
  run_panels(p.gemm, IndirectRows{&p, input}, packed, scratch, c);
}

}  // namespace qrt::arm
