// Where the ARM GEMM and IGEMM drivers read their A rows from, and the NEON
// helpers that copy them into a panel. A GEMM row is one span of A; an IGEMM
// row (conv_s8.h) is the concatenation of the input pixels its taps read,
// taken from the indirection offsets (a padding tap reads the row of input
// zero points). Each driver passes a "sink" that appends a span to the
// panel in its own layout, so the GEMM and IGEMM share every micro-tile.
//
// Included by translation units built with different -march flags: the
// anonymous namespace gives each its own copy (see requant_neon.h).
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/conv_s8.h"

namespace qrt::arm {
namespace {

inline int32_t horizontal_sum(int32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_s32(v);
#else
  int32x2_t s = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  s = vpadd_s32(s, s);
  return vget_lane_s32(s, 0);
#endif
}

// The sum of n int8 values (|sum| <= 128 n: no overflow for the K the
// loader admits).
inline int32_t sum_s8(const int8_t* src, size_t n) {
  int32x4_t acc = vdupq_n_s32(0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) acc = vpadalq_s16(acc, vpaddlq_s8(vld1q_s8(src + i)));
  int32_t sum = horizontal_sum(acc);
  for (; i < n; ++i) sum += src[i];
  return sum;
}

// n int8 values widened to int16 at dst.
inline void copy_widened(const int8_t* src, size_t n, int16_t* dst) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) vst1q_s16(dst + i, vmovl_s8(vld1_s8(src + i)));
  for (; i < n; ++i) dst[i] = src[i];
}

// The per-row correction -filter_zero_point * sum_k A, modulo 2^32
// (gemm_s8.h).
inline int32_t row_correction(int32_t filter_zero_point, int32_t sum) {
  return static_cast<int32_t>(0u - static_cast<uint32_t>(filter_zero_point) * static_cast<uint32_t>(sum));
}

// GEMM rows: row `row` of A is k values at a + row * a_stride.
struct DenseRows {
  const int8_t* a;
  size_t a_stride;
  size_t k;

  template <typename Sink>
  void operator()(size_t row, Sink& sink) const {
    sink(a + row * a_stride, k);
  }
};

// IGEMM rows: the taps of output pixel `row` (relative to p.offsets) in K
// order. Taps whose pixels are adjacent in memory (a filter row inside the
// image, dilation 1) are one span.
struct IndirectRows {
  const IgemmRunParams* p;
  const int8_t* input;

  template <typename Sink>
  void operator()(size_t row, Sink& sink) const {
    const size_t channels = static_cast<size_t>(p->channels);
    const int taps = p->taps;
    const int32_t* offsets = p->offsets + row * static_cast<size_t>(taps);
    for (int t = 0; t < taps;) {
      if (offsets[t] < 0) {
        sink(p->zero_row, channels);
        ++t;
        continue;
      }
      int run = 1;
      while (t + run < taps &&
             int64_t{offsets[t + run]} == int64_t{offsets[t]} + static_cast<int64_t>(run * channels)) {
        ++run;
      }
      sink(input + offsets[t], run * channels);
      t += run;
    }
  }
};

}  // namespace
}  // namespace qrt::arm
