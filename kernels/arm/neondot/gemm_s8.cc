// qs8_gemm_minmax_4x16c4__neondot: int8 GEMM on AArch64 with the dot product
// instructions (SDOT, Armv8.2 FEAT_DotProd: Cortex-A55/A76 and later,
// Raspberry Pi 5), and qs8_igemm_minmax_4x16c4__neondot, the same tiles on
// panels gathered through a convolution's indirection buffer (conv_s8.h). Compiled with -march=armv8.2-a+dotprod; called only when
// cpuinfo reports dot product support (a Cortex-A53, Pi 3 and 4's A72 lack
// it: SDOT would trap there).
//
// SDOT adds four int8 x int8 products into each int32 lane: exact for every
// int8 value, wrapping like the packed bias assumes. The packed weights are
// [Kp / 4][16 columns][4] (gemm_s8.h, kr = 4): one 16-byte vector holds 4
// columns x 4 K positions. The A panel is int8 (input_offset 0), rows of Kp.
#include <algorithm>
#include <cstring>

#include "kernels/arm/gemm_s8.h"
#include "kernels/arm/panel_neon.h"
#include "kernels/arm/requant_neon.h"

namespace qrt::arm {
namespace {

constexpr int kMr = kQs8Gemm4x16c4Neondot.mr;
constexpr int kNr = kQs8Gemm4x16c4Neondot.nr;
constexpr int kKr = kQs8Gemm4x16c4Neondot.kr;
constexpr int kQuads = kNr / 4;

// acc[r][q] += the K group in lane LANE of a[r] . the 4 columns of w[q].
template <int ROWS, int LANE>
inline void dot_lane(int32x4_t (&acc)[ROWS][kQuads], const int8_t* w, const int8x16_t (&a)[ROWS]) {
  int8x16_t wq[kQuads];
  for (int q = 0; q < kQuads; ++q) wq[q] = vld1q_s8(w + 16 * q);
  for (int r = 0; r < ROWS; ++r) {
    for (int q = 0; q < kQuads; ++q) acc[r][q] = vdotq_laneq_s32(acc[r][q], wq[q], a[r], LANE);
  }
}

template <int ROWS, Mode MODE>
void gemm_tile(const int8_t* panel, size_t kp, const uint8_t* tile, const int32_t* row_corrections,
               const OutputBounds& bounds, int8_t* c, size_t c_stride, int cols) {
  int32x4_t acc[ROWS][kQuads];
  const int32_t* bias = reinterpret_cast<const int32_t*>(tile);
  for (int r = 0; r < ROWS; ++r) {
    for (int q = 0; q < kQuads; ++q) acc[r][q] = vld1q_s32(bias + 4 * q);
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(tile + kNr * sizeof(int32_t));
  constexpr size_t kGroupBytes = kNr * kKr;  // one K group of the packed weights
  size_t i = 0;
  // Four K groups per step: one 16-byte load of A per row.
  for (; i + 16 <= kp; i += 16, w += 4 * kGroupBytes) {
    int8x16_t a[ROWS];
    for (int r = 0; r < ROWS; ++r) a[r] = vld1q_s8(panel + r * kp + i);
    dot_lane<ROWS, 0>(acc, w, a);
    dot_lane<ROWS, 1>(acc, w + kGroupBytes, a);
    dot_lane<ROWS, 2>(acc, w + 2 * kGroupBytes, a);
    dot_lane<ROWS, 3>(acc, w + 3 * kGroupBytes, a);
  }
  for (; i < kp; i += kKr, w += kGroupBytes) {
    int8x16_t a[ROWS];
    for (int r = 0; r < ROWS; ++r) {
      int32_t group;
      std::memcpy(&group, panel + r * kp + i, sizeof(group));
      a[r] = vreinterpretq_s8_s32(vdupq_n_s32(group));
    }
    dot_lane<ROWS, 0>(acc, w, a);
  }
  requant_store_tile<ROWS, kQuads, MODE>(acc, row_corrections, reinterpret_cast<const uint8_t*>(w), bounds, c,
                                         c_stride, cols);
}

using TileFn = void (*)(const int8_t*, size_t, const uint8_t*, const int32_t*, const OutputBounds&, int8_t*,
                        size_t, int);

template <Mode MODE>
constexpr TileFn kTiles[kMr] = {gemm_tile<1, MODE>, gemm_tile<2, MODE>, gemm_tile<3, MODE>, gemm_tile<4, MODE>};

const TileFn* tiles_for(const GemmRunParams& p) {
  switch (mode_of(p.rule, p.rounding)) {
    case Mode::kFp32: return kTiles<Mode::kFp32>;
    case Mode::kFixedPointSingle: return kTiles<Mode::kFixedPointSingle>;
    default: return kTiles<Mode::kFixedPointDouble>;
  }
}

// The shared driver: for each MR-row panel, `rows_of_a(row, sink)` hands
// the row's values to `sink` span by span; they are copied into the panel
// (and summed when a per-tensor filter zero point needs it), K is padded
// with zeros to Kp, then the tiles run over every column tile.
template <typename Rows>
void run_panels(const GemmRunParams& p, const Rows& rows_of_a, const void* packed, void* scratch, int8_t* c) {
  const GemmLayout& layout = kQs8Gemm4x16c4Neondot;
  const size_t k = static_cast<size_t>(p.k);
  const size_t kp = static_cast<size_t>(gemm_padded_k(layout, p.k));
  const size_t tile_bytes = gemm_tile_bytes(layout, p.rule, p.k);
  const TileFn* tiles = tiles_for(p);
  const OutputBounds bounds = make_output_bounds(p.output_zero_point, p.output_min, p.output_max);
  const bool sums = p.filter_zero_point != 0;
  int8_t* panel = static_cast<int8_t*>(scratch);
  int32_t corrections[kMr];
  for (size_t m0 = 0; m0 < p.m; m0 += kMr) {
    const int rows = static_cast<int>(std::min<size_t>(kMr, p.m - m0));
    for (int r = 0; r < rows; ++r) {
      int8_t* dst = panel + r * kp;
      int32_t sum = 0;
      auto sink = [&](const int8_t* src, size_t n) {
        std::memcpy(dst, src, n);
        if (sums) sum += sum_s8(src, n);
        dst += n;
      };
      rows_of_a(m0 + r, sink);
      std::memset(dst, 0, kp - k);
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

void qs8_gemm_minmax_4x16c4__neondot(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c) {
  run_panels(p, DenseRows{a, p.a_stride, static_cast<size_t>(p.k)}, packed, scratch, c);
}

void qs8_igemm_minmax_4x16c4__neondot(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c) {
  run_panels(p.gemm, IndirectRows{&p, input}, packed, scratch, c);
}

}  // namespace qrt::arm
