#include "kernels/arm/fully_connected_f32w4.h"

#if defined(__aarch64__)

#include <arm_neon.h>

#include <algorithm>
#include <cstring>

namespace qrt::arm {
namespace {

constexpr int kRows = 4;

// The reference's 8 lanes: lanes 0-3 and 4-7.
struct Lanes8 {
  float32x4_t lo, hi;
};

// Nibbles k0 .. k0 + count - 1 of a packed row in one word, nibble i at bits
// 4i (count <= 8; the nibbles above count are 0: zero weights).
inline uint32_t nibble_word(const uint8_t* row, int k0, int count) {
  uint32_t word = 0;
  if (count == 8 && (k0 & 1) == 0) {
    std::memcpy(&word, row + k0 / 2, sizeof(word));
    return word;
  }
  for (int i = 0; i < count; ++i) {
    const int k = k0 + i;
    word |= static_cast<uint32_t>((row[k / 2] >> ((k & 1) * 4)) & 0xF) << (4 * i);
  }
  return word;
}

// Lane i from bits 4i: shift the nibble to the top, then an arithmetic shift
// back sign-extends it.
inline Lanes8 decode8(uint32_t word) {
  const int32x4_t v = vdupq_n_s32(static_cast<int32_t>(word));
  const int32_t lo_shifts[4] = {28, 24, 20, 16}, hi_shifts[4] = {12, 8, 4, 0};
  const int32x4_t lo = vshrq_n_s32(vshlq_s32(v, vld1q_s32(lo_shifts)), 28);
  const int32x4_t hi = vshrq_n_s32(vshlq_s32(v, vld1q_s32(hi_shifts)), 28);
  return {vcvtq_f32_s32(lo), vcvtq_f32_s32(hi)};
}

// (acc[0]+acc[4] + acc[2]+acc[6]) + (acc[1]+acc[5] + acc[3]+acc[7]).
inline float reduce8(const Lanes8& acc) {
  const float32x4_t t = vaddq_f32(acc.lo, acc.hi);
  const float left = vgetq_lane_f32(t, 0) + vgetq_lane_f32(t, 2);
  const float right = vgetq_lane_f32(t, 1) + vgetq_lane_f32(t, 3);
  return left + right;
}

// part += w * x, multiply then add (no fused multiply-add: the reference
// rounds the product).
inline void add_products(Lanes8* part, const Lanes8& w, const float* x) {
  part->lo = vaddq_f32(part->lo, vmulq_f32(w.lo, vld1q_f32(x)));
  part->hi = vaddq_f32(part->hi, vmulq_f32(w.hi, vld1q_f32(x + 4)));
}

}  // namespace

void f32w4_gemm_minmax_4x8__neon(const reference::FullyConnectedF32W4Params& p, const float* input,
                                 const uint8_t* weights, const float* scales, const float* bias, float* output) {
  const int k_total = p.input_depth, g_size = p.group_size;
  const int groups = k_total / g_size;
  const size_t row_bytes = reference::f32w4_row_bytes(k_total);
  const size_t output_stride = p.output_stride > 0 ? p.output_stride : p.output_depth;
  for (int b0 = 0; b0 < p.batch; b0 += kRows) {
    const int rows = std::min(kRows, p.batch - b0);
    const float* x[kRows];
    for (int r = 0; r < kRows; ++r) x[r] = input + static_cast<size_t>(b0 + std::min(r, rows - 1)) * k_total;
    for (int n = 0; n < p.output_depth; ++n) {
      const uint8_t* w = weights + static_cast<size_t>(n) * row_bytes;
      const float* s = scales + static_cast<size_t>(n) * groups;
      Lanes8 acc[kRows];
      for (int r = 0; r < kRows; ++r) acc[r] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
      for (int g = 0; g < groups; ++g) {
        Lanes8 part[kRows];
        for (int r = 0; r < kRows; ++r) part[r] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
        const int start = g * g_size;
        for (int i = 0; i < g_size; i += 8) {
          const int count = std::min(8, g_size - i);
          const int k0 = start + i;
          const Lanes8 wv = decode8(nibble_word(w, k0, count));
          if (count == 8) {
            for (int r = 0; r < kRows; ++r) add_products(&part[r], wv, x[r] + k0);
          } else {  // a short chunk: inputs past it read as 0 (and their weights are 0)
            for (int r = 0; r < kRows; ++r) {
              float padded[8] = {0, 0, 0, 0, 0, 0, 0, 0};
              std::memcpy(padded, x[r] + k0, static_cast<size_t>(count) * sizeof(float));
              add_products(&part[r], wv, padded);
            }
          }
        }
        const float32x4_t sv = vdupq_n_f32(s[g]);
        for (int r = 0; r < kRows; ++r) {
          acc[r].lo = vaddq_f32(acc[r].lo, vmulq_f32(part[r].lo, sv));
          acc[r].hi = vaddq_f32(acc[r].hi, vmulq_f32(part[r].hi, sv));
        }
      }
      for (int r = 0; r < rows; ++r) {
        float v = reduce8(acc[r]);
        if (bias != nullptr) v += bias[n];
        output[static_cast<size_t>(b0 + r) * output_stride + n] = p.clamp.apply(v);
      }
    }
  }
}

}  // namespace qrt::arm

#endif  // __aarch64__
