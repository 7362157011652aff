// softmax_s8__avx2: see kernels/x86/softmax_s8.h. 8 rows per block; AVX2 has
// no masked byte loads, so the tails of rows (fewer than 8 columns) take the
// reference's scalar steps, which round the same way.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "kernels/x86/softmax_s8.h"

namespace qrt::x86 {
namespace {

constexpr int kRows = 8;       // one float lane per row
constexpr int kColumns = 256;  // columns of exps kept per row: 8 KB of scratch

int32_t row_max(const int8_t* x, int32_t depth) {
  __m256i m = _mm256_set1_epi8(-128);
  int32_t c = 0;
  for (; c + 32 <= depth; c += 32) {
    m = _mm256_max_epi8(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + c)));
  }
  __m128i r = _mm_max_epi8(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 8));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 4));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 2));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 1));
  int32_t max = static_cast<int8_t>(_mm_cvtsi128_si32(r));
  for (; c < depth; ++c) max = std::max<int32_t>(max, x[c]);
  return max;
}

// exp_table[max - x[c]] for 8 columns.
__m256 exps8(const float* table, __m256i vmax, const int8_t* x) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x));
  return _mm256_i32gather_ps(table, _mm256_sub_epi32(vmax, _mm256_cvtepi8_epi32(bytes)), 4);
}

// The reference's scalar steps for one element.
int8_t quantize_one(const reference::SoftmaxS8Params& p, float e, float sum) {
  const float lo = static_cast<float>(-128 - p.output_zero_point);
  const float hi = static_cast<float>(127 - p.output_zero_point);
  const float probability = e / sum;
  const float q = std::min(std::max(probability / p.output_scale, lo), hi);
  return static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(q)) + p.output_zero_point);
}

// Step 4 for one row, from its exps (stored, or looked up again).
void write_row(const reference::SoftmaxS8Params& p, const float* stored, const int8_t* x, int32_t max, float sum,
               int8_t* out) {
  const float* table = p.exp_table.data();
  const __m256i vmax = _mm256_set1_epi32(max);
  const __m256 vsum = _mm256_set1_ps(sum);
  const __m256 vscale = _mm256_set1_ps(p.output_scale);
  const __m256 lo = _mm256_set1_ps(static_cast<float>(-128 - p.output_zero_point));
  const __m256 hi = _mm256_set1_ps(static_cast<float>(127 - p.output_zero_point));
  const __m256i zero_point = _mm256_set1_epi32(p.output_zero_point);
  int32_t c = 0;
  for (; c + 8 <= p.depth; c += 8) {
    const __m256 e = stored != nullptr ? _mm256_loadu_ps(stored + c) : exps8(table, vmax, x + c);
    const __m256 probability = _mm256_div_ps(e, vsum);
    const __m256 q = _mm256_min_ps(_mm256_max_ps(_mm256_div_ps(probability, vscale), lo), hi);
    const __m256i value = _mm256_add_epi32(_mm256_cvtps_epi32(q), zero_point);
    // Values are in [-128, 127]: the saturating packs are exact.
    const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(value), _mm256_extracti128_si256(value, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + c), _mm_packs_epi16(words, words));
  }
  for (; c < p.depth; ++c) out[c] = quantize_one(p, table[max - x[c]], sum);
}

// Lane r of sum += e[r][c0 + c] for c < columns (at most 8), c ascending:
// the 8x8 block of exps (row r at e + r * kColumns) is transposed in
// registers (unpack, shuffle, 128-bit lane permute), so column c is one
// vector. Rows past `rows` and columns past `columns` load as zeros and are
// never added to a lane that is used.
__m256 add_columns(__m256 sum, const float* e, int rows, int32_t columns) {
  const __m256i column_lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256 row[kRows];
  for (int r = 0; r < kRows; ++r) {
    row[r] = r < rows ? _mm256_maskload_ps(e + r * kColumns, column_lanes) : _mm256_setzero_ps();
  }
  // quad[g][b], 128-bit lane a: rows 4g .. 4g + 3 of column 4a + b.
  __m256 quad[2][4];
  for (int g = 0; g < 2; ++g) {
    const __m256 lo01 = _mm256_unpacklo_ps(row[4 * g], row[4 * g + 1]);
    const __m256 hi01 = _mm256_unpackhi_ps(row[4 * g], row[4 * g + 1]);
    const __m256 lo23 = _mm256_unpacklo_ps(row[4 * g + 2], row[4 * g + 3]);
    const __m256 hi23 = _mm256_unpackhi_ps(row[4 * g + 2], row[4 * g + 3]);
    quad[g][0] = _mm256_shuffle_ps(lo01, lo23, 0x44);
    quad[g][1] = _mm256_shuffle_ps(lo01, lo23, 0xEE);
    quad[g][2] = _mm256_shuffle_ps(hi01, hi23, 0x44);
    quad[g][3] = _mm256_shuffle_ps(hi01, hi23, 0xEE);
  }
  __m256 column[8];
  for (int b = 0; b < 4; ++b) {
    column[b] = _mm256_permute2f128_ps(quad[0][b], quad[1][b], 0x20);      // low lanes: column b
    column[4 + b] = _mm256_permute2f128_ps(quad[0][b], quad[1][b], 0x31);  // high lanes: column 4 + b
  }
  for (int32_t c = 0; c < columns && c < 8; ++c) sum = _mm256_add_ps(sum, column[c]);
  return sum;
}

// Rows [0, rows) of one block, rows <= 8.
void softmax_block_fp32(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output, int rows,
                        float* scratch) {
  const int32_t depth = p.depth;
  const float* table = p.exp_table.data();
  int32_t max[kRows];
  for (int r = 0; r < rows; ++r) max[r] = row_max(input + int64_t{r} * depth, depth);

  __m256 sum = _mm256_setzero_ps();
  for (int32_t c0 = 0; c0 < depth; c0 += kColumns) {
    const int32_t columns = std::min(kColumns, depth - c0);
    for (int r = 0; r < rows; ++r) {
      const int8_t* x = input + int64_t{r} * depth + c0;
      float* e = scratch + r * kColumns;
      const __m256i vmax = _mm256_set1_epi32(max[r]);
      int32_t c = 0;
      for (; c + 8 <= columns; c += 8) _mm256_storeu_ps(e + c, exps8(table, vmax, x + c));
      for (; c < columns; ++c) e[c] = table[max[r] - x[c]];
    }
    // Lane r: sum += e[r][c], c ascending, as the reference's loop.
    for (int32_t c = 0; c < columns; c += 8) sum = add_columns(sum, scratch + c, rows, columns - c);
  }
  alignas(32) float sums[kRows];
  _mm256_store_ps(sums, sum);
  const bool stored = depth <= kColumns;
  for (int r = 0; r < rows; ++r) {
    const int64_t offset = int64_t{r} * depth;
    write_row(p, stored ? scratch + r * kColumns : nullptr, input + offset, max[r], sums[r], output + offset);
  }
}

}  // namespace

void softmax_s8__avx2(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output) {
  if (p.rule != RequantRule::kFp32) {
    reference::softmax_s8(p, input, output);
    return;
  }
  if (p.depth == 0) return;
  alignas(32) float scratch[kRows * kColumns];
  for (int64_t row = 0; row < p.outer_size; row += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, p.outer_size - row));
    softmax_block_fp32(p, input + row * p.depth, output + row * p.depth, rows, scratch);
  }
}

}  // namespace qrt::x86
