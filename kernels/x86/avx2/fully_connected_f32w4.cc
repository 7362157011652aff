#include "kernels/x86/avx2/fully_connected_f32w4.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace qrt::x86 {
namespace {

constexpr int kRows = 4;

// Nibbles k0 .. k0 + count - 1 of a packed row in one word, nibble i at bits
// 4i (count <= 8; the nibbles above count are 0: zero weights).
inline uint32_t nibble_word(const uint8_t* row, int k0, int count) {
  uint32_t word = 0;
  if (count == 8 && (k0 & 1) == 0) {  // the common case: four whole bytes
    std::memcpy(&word, row + k0 / 2, sizeof(word));
    return word;
  }
  for (int i = 0; i < count; ++i) {
    const int k = k0 + i;
    word |= static_cast<uint32_t>((row[k / 2] >> ((k & 1) * 4)) & 0xF) << (4 * i);
  }
  return word;
}

// The 8 nibbles of a word as floats, lane i from bits 4i: shift the nibble to
// the top, then an arithmetic shift back sign-extends it.
inline __m256 decode8(uint32_t word) {
  const __m256i shifts = _mm256_setr_epi32(28, 24, 20, 16, 12, 8, 4, 0);
  const __m256i v = _mm256_srai_epi32(_mm256_sllv_epi32(_mm256_set1_epi32(static_cast<int>(word)), shifts), 28);
  return _mm256_cvtepi32_ps(v);
}

// (acc[0]+acc[4] + acc[2]+acc[6]) + (acc[1]+acc[5] + acc[3]+acc[7]) in the
// reference's order.
inline float reduce8(__m256 acc) {
  const __m128 t = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  const __m128 u = _mm_add_ps(t, _mm_movehl_ps(t, t));
  return _mm_cvtss_f32(_mm_add_ss(u, _mm_shuffle_ps(u, u, 1)));
}

}  // namespace

void f32w4_gemm_minmax_4x8__avx2(const reference::FullyConnectedF32W4Params& p, const float* input,
                                 const uint8_t* weights, const float* scales, const float* bias, float* output) {
  const int k_total = p.input_depth, g_size = p.group_size;
  const int groups = k_total / g_size;
  const size_t row_bytes = reference::f32w4_row_bytes(k_total);
  const size_t output_stride = p.output_stride > 0 ? p.output_stride : p.output_depth;
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int b0 = 0; b0 < p.batch; b0 += kRows) {
    const int rows = std::min(kRows, p.batch - b0);
    const float* x[kRows];
    for (int r = 0; r < kRows; ++r) x[r] = input + static_cast<size_t>(b0 + std::min(r, rows - 1)) * k_total;
    for (int n = 0; n < p.output_depth; ++n) {
      const uint8_t* w = weights + static_cast<size_t>(n) * row_bytes;
      const float* s = scales + static_cast<size_t>(n) * groups;
      __m256 acc[kRows];
      for (int r = 0; r < kRows; ++r) acc[r] = _mm256_setzero_ps();
      for (int g = 0; g < groups; ++g) {
        __m256 part[kRows];
        for (int r = 0; r < kRows; ++r) part[r] = _mm256_setzero_ps();
        const int start = g * g_size;
        for (int i = 0; i < g_size; i += 8) {
          const int count = std::min(8, g_size - i);
          const int k0 = start + i;
          const __m256 wv = decode8(nibble_word(w, k0, count));
          if (count == 8) {
            for (int r = 0; r < kRows; ++r) part[r] = _mm256_add_ps(part[r], _mm256_mul_ps(wv, _mm256_loadu_ps(x[r] + k0)));
          } else {  // a short chunk: inputs past it read as 0 (and their weights are 0)
            const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lane);
            for (int r = 0; r < kRows; ++r) {
              part[r] = _mm256_add_ps(part[r], _mm256_mul_ps(wv, _mm256_maskload_ps(x[r] + k0, mask)));
            }
          }
        }
        const __m256 sv = _mm256_set1_ps(s[g]);
        for (int r = 0; r < kRows; ++r) acc[r] = _mm256_add_ps(acc[r], _mm256_mul_ps(part[r], sv));
      }
      for (int r = 0; r < rows; ++r) {
        float v = reduce8(acc[r]);
        if (bias != nullptr) v += bias[n];
        output[static_cast<size_t>(b0 + r) * output_stride + n] = p.clamp.apply(v);
      }
    }
  }
}

}  // namespace qrt::x86
