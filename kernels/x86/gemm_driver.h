// The driver every x86 GEMM / IGEMM kernel shares (kernels/x86/<isa>/
// gemm_s8.cc): per MR-row panel, gather the A rows into scratch (a GEMM
// row as it is, an IGEMM row through the convolution's indirection, one copy
// per run of taps adjacent in memory), add up the row sums when a per-tensor
// filter zero point needs them, then run the tile kernel over every column
// tile. Only how a row is copied (widened to int16, or sign-flipped to
// uint8 for vpdpbusd), the vector the sums are kept in and the tiles differ
// per ISA; they come in a traits struct:
//
//   struct Traits {
//     using Panel = int16_t or uint8_t;   // a packed A element
//     using Sum = __m128i / __m256i / __m512i;
//     static constexpr const GemmLayout& kLayout;
//     static constexpr int kMr, kNr;
//     static Sum zero_sum();
//     static void copy(const int8_t* src, size_t n, Panel* dst, Sum* sum);  // sum: nullptr or the row's sums
//     static int32_t correction(Sum sum, int32_t filter_zero_point);        // -zw * sum, modulo 2^32
//     static const GemmTileFn<Panel>* tiles(const GemmRunParams& p);       // [rows - 1]
//   };
//
// or, instead of tiles(), `static const GemmPanelFn<Panel>* panels(const
// GemmRunParams& p)`: kernels that run every column tile of a panel
// themselves (one call per panel, the epilogue's constants set up once).
//
// Templates in an unnamed namespace: each ISA's translation unit, built with
// its own flags, gets its own copy (no inline function shared between
// instruction sets).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/x86/gemm_s8.h"

namespace qrt::x86 {
namespace {

struct GemmEpilogue {
  int32_t zero_point, min, max;
};

// A tile kernel: `rows` rows of the panel (kp values each) times one packed
// column tile, `cols` <= NR columns stored.
template <typename Panel>
using GemmTileFn = void (*)(const Panel* panel, size_t kp, const uint8_t* tile, const int32_t* row_corrections,
                            int8_t* c, size_t c_stride, int cols, const GemmEpilogue& e);

// A panel kernel: `rows` rows of the panel times all `n` columns of the
// packed block (tiles `tile_bytes` apart).
template <typename Panel>
using GemmPanelFn = void (*)(const Panel* panel, size_t kp, const uint8_t* packed, size_t tile_bytes, int n,
                             const int32_t* row_corrections, int8_t* c, size_t c_stride, const GemmEpilogue& e);

template <typename Traits, typename = void>
struct HasPanelKernels : std::false_type {};
template <typename Traits>
struct HasPanelKernels<Traits, std::void_t<decltype(Traits::panels)>> : std::true_type {};

// `gather(row, dst, sum)` packs row `row` of A into dst.
template <typename Traits, typename Gather>
void run_panels(const GemmRunParams& p, const void* packed, const Gather& gather, void* scratch, int8_t* c) {
  using Panel = typename Traits::Panel;
  const size_t k = static_cast<size_t>(p.k);
  const size_t kp = static_cast<size_t>(gemm_padded_k(Traits::kLayout, p.k));
  const size_t tile_bytes = gemm_tile_bytes(Traits::kLayout, p.rule, p.k);
  const GemmEpilogue e{p.output_zero_point, p.output_min, p.output_max};
  const auto* kernels = [&] {
    if constexpr (HasPanelKernels<Traits>::value) {
      return Traits::panels(p);
    } else {
      return Traits::tiles(p);
    }
  }();
  Panel* panel = static_cast<Panel*>(scratch);
  int32_t corrections[Traits::kMr];
  // Rows spread evenly over the fewest panels (M = 49 on 6 rows: 6 6 6 6 5
  // 5 5 5 5, not 8 x 6 and 1): every panel streams all the weights once,
  // and a panel of 1 or 2 rows does too little work to hide that.
  const size_t panels = (p.m + Traits::kMr - 1) / Traits::kMr;
  const size_t base_rows = panels != 0 ? p.m / panels : 0, longer = panels != 0 ? p.m % panels : 0;
  for (size_t index = 0, m0 = 0; index < panels; ++index) {
    const int rows = static_cast<int>(base_rows + (index < longer ? 1 : 0));
    for (int r = 0; r < rows; ++r) {
      Panel* dst = panel + r * kp;
      for (size_t i = k; i < kp; ++i) dst[i] = 0;
      if (p.filter_zero_point == 0) {
        gather(m0 + r, dst, nullptr);
        continue;
      }
      typename Traits::Sum sum = Traits::zero_sum();
      gather(m0 + r, dst, &sum);
      corrections[r] = Traits::correction(sum, p.filter_zero_point);
    }
    const int32_t* row_corrections = p.filter_zero_point != 0 ? corrections : nullptr;
    const uint8_t* tile = static_cast<const uint8_t*>(packed);
    if constexpr (HasPanelKernels<Traits>::value) {
      kernels[rows - 1](panel, kp, tile, tile_bytes, p.n, row_corrections, c + m0 * p.c_stride, p.c_stride, e);
    } else {
      for (int n0 = 0; n0 < p.n; n0 += Traits::kNr, tile += tile_bytes) {
        kernels[rows - 1](panel, kp, tile, row_corrections, c + m0 * p.c_stride + n0, p.c_stride,
                          std::min(Traits::kNr, p.n - n0), e);
      }
    }
    m0 += static_cast<size_t>(rows);
  }
}

template <typename Traits>
void run_gemm(const GemmRunParams& p, const int8_t* a, const void* packed, void* scratch, int8_t* c) {
  const size_t k = static_cast<size_t>(p.k);
  run_panels<Traits>(
      p, packed,
      [&](size_t row, typename Traits::Panel* dst, typename Traits::Sum* sum) {
        Traits::copy(a + row * p.a_stride, k, dst, sum);
      },
      scratch, c);
}

template <typename Traits>
void run_igemm(const IgemmRunParams& p, const int8_t* input, const void* packed, void* scratch, int8_t* c) {
  const size_t channels = static_cast<size_t>(p.channels);
  const int taps = p.taps;
  run_panels<Traits>(
      p.gemm, packed,
      [&](size_t row, typename Traits::Panel* dst, typename Traits::Sum* sum) {
        const int32_t* offsets = p.offsets + row * static_cast<size_t>(taps);
        for (int t = 0; t < taps;) {
          if (offsets[t] < 0) {
            Traits::copy(p.zero_row, channels, dst, sum);
            dst += channels;
            ++t;
            continue;
          }
          // Taps whose pixels are adjacent in memory (a filter row inside
          // the image, dilation 1) are one copy.
          int run = 1;
          while (t + run < taps && offsets[t + run] == offsets[t] + static_cast<int32_t>(run * channels)) ++run;
          Traits::copy(input + offsets[t], run * channels, dst, sum);
          dst += run * channels;
          t += run;
        }
      },
      scratch, c);
}

}  // namespace
}  // namespace qrt::x86
