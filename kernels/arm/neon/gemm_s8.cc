// qs8_gemm_minmax_4x16__neon_mlal_lane (AArch64) and
// qs8_gemm_minmax_4x8__neon_mlal_lane (ARMv7): int8 GEMM on NEON without
// dot products; qs8_igemm_minmax_* of the same tiles run them on panels
// gathered through a convolution's indirection buffer (conv_s8.h). On
// AArch64 NEON is baseline; on ARMv7 this folder alone is compiled with
// -mfpu=neon and the table calls it after cpuinfo reports NEON.
//
// The driver packs each panel of A rows widened to int16 (input_offset 0:
// the input zero point is folded into the packed bias, gemm_s8.h); the
// weights stay int8 in the packed block ([K][NR], kr = 1) and are widened as
// they are loaded. vmlal_lane_s16 multiplies int16 by int16 into int32
// lanes: exact for every int8 value, and the int32 sums wrap as the packed
// bias assumes.
#include <algorithm>

#include "kernels/arm/gemm_s8.h"
#include "kernels/arm/panel_neon.h"
#include "kernels/arm/requant_neon.h"

namespace qrt::arm {
namespace {

constexpr int kMr = kQs8GemmNeon.mr;
constexpr int kNr = kQs8GemmNeon.nr;
constexpr int kQuads = kNr / 4;  // int32x4 accumulators per row
static_assert(kQuads == 2 || kQuads == 4, "8 or 16 columns");

// The weights of one K position, widened: kQuads int16x4 halves.
struct WeightRow {
  int16x4_t quad[kQuads];
};

inline WeightRow load_weight_row(const int8_t* w) {
  WeightRow row;
#if defined(__aarch64__)
  const int8x16_t bytes = vld1q_s8(w);
  const int16x8_t lo = vmovl_s8(vget_low_s8(bytes));
  const int16x8_t hi = vmovl_s8(vget_high_s8(bytes));
  row.quad[0] = vget_low_s16(lo);
  row.quad[1] = vget_high_s16(lo);
  row.quad[2] = vget_low_s16(hi);
  row.quad[3] = vget_high_s16(hi);
#else
  const int16x8_t wide = vmovl_s8(vld1_s8(w));
  row.quad[0] = vget_low_s16(wide);
  row.quad[1] = vget_high_s16(wide);
#endif
  return row;
}

// acc[r] += W[k] * A[r][k] for the K position in lane LANE of a[r].
template <int ROWS, int LANE>
inline void multiply_lane(int32x4_t (&acc)[ROWS][kQuads], const WeightRow& w, const int16x4_t (&a)[ROWS]) {
  for (int r = 0; r < ROWS; ++r) {
    for (int q = 0; q < kQuads; ++q) acc[r][q] = vmlal_lane_s16(acc[r][q], w.quad[q], a[r], LANE);
  }
}

template <int ROWS, Mode MODE>
void gemm_tile(const int16_t* panel, size_t k, const uint8_t* tile, const int32_t* row_corrections,
               const OutputBounds& bounds, int8_t* c, size_t c_stride, int cols) {
  int32x4_t acc[ROWS][kQuads];
  const int32_t* bias = reinterpret_cast<const int32_t*>(tile);
  for (int r = 0; r < ROWS; ++r) {
    for (int q = 0; q < kQuads; ++q) acc[r][q] = vld1q_s32(bias + 4 * q);
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(tile + kNr * sizeof(int32_t));
  size_t i = 0;
  for (; i + 4 <= k; i += 4, w += 4 * kNr) {
    int16x4_t a[ROWS];
    for (int r = 0; r < ROWS; ++r) a[r] = vld1_s16(panel + r * k + i);
    multiply_lane<ROWS, 0>(acc, load_weight_row(w), a);
    multiply_lane<ROWS, 1>(acc, load_weight_row(w + kNr), a);
    multiply_lane<ROWS, 2>(acc, load_weight_row(w + 2 * kNr), a);
    multiply_lane<ROWS, 3>(acc, load_weight_row(w + 3 * kNr), a);
  }
  for (; i < k; ++i, w += kNr) {
    int16x4_t a[ROWS];
    for (int r = 0; r < ROWS; ++r) a[r] = vld1_dup_s16(panel + r * k + i);
    multiply_lane<ROWS, 0>(acc, load_weight_row(w), a);
  }
  requant_store_tile<ROWS, kQuads, MODE>(acc, row_corrections, reinterpret_cast<const uint8_t*>(w), bounds, c,
                                         c_stride, cols);
}

using TileFn = void (*)(const int16_t*, size_t, const uint8_t*, const int32_t*, const OutputBounds&, int8_t*,
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
// the row's values to `sink` span by span; they are widened into the panel
// (and summed when a per-tensor filter zero point needs it), then the tiles
// run over every column tile.
template <typename Rows>
void run_panels(const GemmRunParams& p, const Rows& rows_of_a, const void* packed, void* scratch, int8_t* c) {
  const GemmLayout& layout = kQs8GemmNeon;
  const size_t k = static_cast<size_t>(p.k);  // kr = 1: no K padding
  const size_t tile_bytes = gemm_tile_bytes(layout, p.rule, p.k);
  const TileFn* tiles = tiles_for(p);
  const OutputBounds bounds = make_output_bounds(p.output_zero_point, p.output_min, p.output_max);
  const bool sums = p.filter_zero_point != 0;
  int16_t* panel = static_cast<int16_t*>(scratch);
  int32_t corrections[kMr];
  for (size_t m0 = 0; m0 < p.m; m0 += kMr) {
    const int rows = static_cast<int>(std::min<size_t>(kMr, p.m - m0));
    for (int r = 0; r < rows; ++r) {
      int16_t* dst = panel + r * k;
      int32_t sum = 0;
      auto sink = [&](const int8_t* src, size_t n) {
        copy_widened(src, n, dst);
        if (sums) sum += sum_s8(src, n);
        dst += n;
      };
      rows_of_a(m0 + r, sink);
      corrections[r] = row_correction(p.filter_zero_point, sum);
    }
    const int32_t* row_corrections = sums ? corrections : nullptr;
    const uint8_t* tile = static_cast<const uint8_t*>(packed);
    for (int n0 = 0; n0 < p.n; n0 += kNr, tile += tile_bytes) {
      tiles[rows - 1](panel, k, tile, row_corrections, bounds, c + m0 * p.c_stride + n0, p.c_stride,
                      std::min(kNr, p.n - n0));
    }
  }
}

}  // namespace

void qs8_gemm_minmax__neon_mlal_lane(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch,
                                     int8_t* c) {
  run_panels(p, DenseRows{a, p.a_stride, static_cast<size_t>(p.k)}, packed, scratch, c);
}

void qs8_igemm_minmax__neon_mlal_lane(const IgemmRunParams& p, const int8_t* input, const void* packed,
                                      void* scratch, int8_t* c) {
  run_panels(p.gemm, IndirectRows{&p, input}, packed, scratch, c);
}

}  // namespace qrt::arm
