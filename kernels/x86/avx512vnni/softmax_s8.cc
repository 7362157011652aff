// softmax_s8__avx512vnni: see kernels/x86/softmax_s8.h. AVX-512 F/BW/VL only
// (no VNNI): 16 rows per block, masked loads, gathers and stores for the
// tails of rows and of the row count.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/softmax_s8.h"

namespace qrt::x86 {
namespace {

constexpr int kRows = 16;     // one float lane per row
constexpr int kColumns = 256;  // columns of exps kept per row: 16 KB of scratch

__mmask16 first_lanes(int64_t n) { return n >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << n) - 1); }

int32_t row_max(const int8_t* x, int32_t depth) {
  __m512i m = _mm512_set1_epi8(-128);
  int32_t c = 0;
  for (; c + 64 <= depth; c += 64) m = _mm512_max_epi8(m, _mm512_loadu_si512(x + c));
  if (c < depth) {
    const __mmask64 tail = ~uint64_t{0} >> (64 - (depth - c));
    m = _mm512_max_epi8(m, _mm512_mask_loadu_epi8(_mm512_set1_epi8(-128), tail, x + c));
  }
  __m128i r = _mm_max_epi8(_mm512_castsi512_si128(m), _mm512_extracti32x4_epi32(m, 1));
  r = _mm_max_epi8(r, _mm_max_epi8(_mm512_extracti32x4_epi32(m, 2), _mm512_extracti32x4_epi32(m, 3)));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 8));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 4));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 2));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 1));
  return static_cast<int8_t>(_mm_cvtsi128_si32(r));
}

// exp_table[max - x[c]] for c < count (at most 16), in 16 float lanes.
__m512 exps(const float* table, __m512i vmax, const int8_t* x, __mmask16 lanes) {
  const __m512i index = _mm512_sub_epi32(vmax, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(lanes, x)));
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, index, table, 4);
}

// Step 4 for one row, from its exps (stored, or looked up again).
void write_row(const reference::SoftmaxS8Params& p, const float* stored, const int8_t* x, int32_t max, float sum,
               int8_t* out) {
  const __m512i vmax = _mm512_set1_epi32(max);
  const __m512 vsum = _mm512_set1_ps(sum);
  const __m512 vscale = _mm512_set1_ps(p.output_scale);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(-128 - p.output_zero_point));
  const __m512 hi = _mm512_set1_ps(static_cast<float>(127 - p.output_zero_point));
  const __m512i zero_point = _mm512_set1_epi32(p.output_zero_point);
  for (int32_t c = 0; c < p.depth; c += 16) {
    const __mmask16 lanes = first_lanes(p.depth - c);
    const __m512 e = stored != nullptr ? _mm512_maskz_loadu_ps(lanes, stored + c)
                                       : exps(p.exp_table.data(), vmax, x + c, lanes);
    const __m512 probability = _mm512_div_ps(e, vsum);
    const __m512 q = _mm512_min_ps(_mm512_max_ps(_mm512_div_ps(probability, vscale), lo), hi);
    const __m512i value = _mm512_add_epi32(_mm512_cvtps_epi32(q), zero_point);
    _mm_mask_storeu_epi8(out + c, lanes, _mm512_cvtepi32_epi8(value));
  }
}

// Rows [0, rows) of one block, rows <= 16.
void softmax_block_fp32(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output, int rows,
                        float* scratch) {
  const int32_t depth = p.depth;
  const float* table = p.exp_table.data();
  int32_t max[kRows];
  for (int r = 0; r < rows; ++r) max[r] = row_max(input + int64_t{r} * depth, depth);

  const __mmask16 row_lanes = first_lanes(rows);
  const __m512i row_offsets = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                                 _mm512_set1_epi32(kColumns));
  __m512 sum = _mm512_setzero_ps();
  for (int32_t c0 = 0; c0 < depth; c0 += kColumns) {
    const int32_t columns = std::min(kColumns, depth - c0);
    for (int r = 0; r < rows; ++r) {
      const int8_t* x = input + int64_t{r} * depth + c0;
      const __m512i vmax = _mm512_set1_epi32(max[r]);
      for (int32_t c = 0; c < columns; c += 16) {
        const __mmask16 lanes = first_lanes(columns - c);
        _mm512_mask_storeu_ps(scratch + r * kColumns + c, lanes, exps(table, vmax, x + c, lanes));
      }
    }
    // Lane r: sum += e[r][c], c ascending, as the reference's loop.
    for (int32_t c = 0; c < columns; ++c) {
      sum = _mm512_add_ps(sum, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), row_lanes, row_offsets, scratch + c, 4));
    }
  }
  float sums[kRows];
  _mm512_storeu_ps(sums, sum);
  const bool stored = depth <= kColumns;
  for (int r = 0; r < rows; ++r) {
    const int64_t offset = int64_t{r} * depth;
    write_row(p, stored ? scratch + r * kColumns : nullptr, input + offset, max[r], sums[r], output + offset);
  }
}

}  // namespace

void softmax_s8__avx512vnni(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output) {
  if (p.rule != RequantRule::kFp32) {
    reference::softmax_s8(p, input, output);
    return;
  }
  if (p.depth == 0) return;
  alignas(64) float scratch[kRows * kColumns];
  for (int64_t row = 0; row < p.outer_size; row += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, p.outer_size - row));
    softmax_block_fp32(p, input + row * p.depth, output + row * p.depth, rows, scratch);
  }
}

}  // namespace qrt::x86
