// softmax_s8__avx512vnni: see kernels/x86/softmax_s8.h. AVX-512 F/BW/VL only
// (no VNNI, no VBMI): 16 rows per block, masked loads and stores for the
// tails of rows and of the row count.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/softmax_s8.h"

// GCC 12 reports its own AVX-512 headers here (`__Y` "may be used
// uninitialized": the `__Y = __Y` self-initialisation of _mm512_undefined_*
// inlined at -O3); a false positive, silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

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
  // 128-bit lanes swapped in halves, then in pairs (shuffles of m with itself).
  m = _mm512_max_epi8(m, _mm512_shuffle_i64x2(m, m, 0x4E));
  m = _mm512_max_epi8(m, _mm512_shuffle_i64x2(m, m, 0xB1));
  __m128i r = _mm512_castsi512_si128(m);
  r = _mm_max_epi8(r, _mm_srli_si128(r, 8));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 4));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 2));
  r = _mm_max_epi8(r, _mm_srli_si128(r, 1));
  return static_cast<int8_t>(_mm_cvtsi128_si32(r));
}

// The 256-entry exp table in 16 registers of 16 floats.
struct ExpTable {
  __m512 part[16];
  explicit ExpTable(const float* table) {
    for (int i = 0; i < 16; ++i) part[i] = _mm512_loadu_ps(table + 16 * i);
  }
};

// exp_table[max - x[c]] for the lanes c set in `lanes` (zero elsewhere). No
// gather: vpermt2ps looks the index's low 5 bits up in each 32-entry eighth
// of the table, then three blends pick the eighth by bits 5, 6 and 7 (25%
// faster than vgatherdps on the encoder's softmax).
__m512 exps(const ExpTable& table, __m512i vmax, const int8_t* x, __mmask16 lanes) {
  const __m512i k = _mm512_sub_epi32(vmax, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(lanes, x)));
  __m512 eighth[8];
  for (int i = 0; i < 8; ++i) eighth[i] = _mm512_permutex2var_ps(table.part[2 * i], k, table.part[2 * i + 1]);
  const __mmask16 bit5 = _mm512_test_epi32_mask(k, _mm512_set1_epi32(32));
  const __mmask16 bit6 = _mm512_test_epi32_mask(k, _mm512_set1_epi32(64));
  const __mmask16 bit7 = _mm512_test_epi32_mask(k, _mm512_set1_epi32(128));
  const __m512 quarter0 = _mm512_mask_blend_ps(bit5, eighth[0], eighth[1]);
  const __m512 quarter1 = _mm512_mask_blend_ps(bit5, eighth[2], eighth[3]);
  const __m512 quarter2 = _mm512_mask_blend_ps(bit5, eighth[4], eighth[5]);
  const __m512 quarter3 = _mm512_mask_blend_ps(bit5, eighth[6], eighth[7]);
  const __m512 half0 = _mm512_mask_blend_ps(bit6, quarter0, quarter1);
  const __m512 half1 = _mm512_mask_blend_ps(bit6, quarter2, quarter3);
  return _mm512_maskz_mov_ps(lanes, _mm512_mask_blend_ps(bit7, half0, half1));
}

// Step 4 for one row, from its exps (stored, or looked up again).
void write_row(const reference::SoftmaxS8Params& p, const ExpTable& table, const float* stored, const int8_t* x,
               int32_t max, float sum, int8_t* out) {
  const __m512i vmax = _mm512_set1_epi32(max);
  const __m512 vsum = _mm512_set1_ps(sum);
  const __m512 vscale = _mm512_set1_ps(p.output_scale);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(-128 - p.output_zero_point));
  const __m512 hi = _mm512_set1_ps(static_cast<float>(127 - p.output_zero_point));
  const __m512i zero_point = _mm512_set1_epi32(p.output_zero_point);
  for (int32_t c = 0; c < p.depth; c += 16) {
    const __mmask16 lanes = first_lanes(p.depth - c);
    const __m512 e = stored != nullptr ? _mm512_maskz_loadu_ps(lanes, stored + c)
                                       : exps(table, vmax, x + c, lanes);
    const __m512 probability = _mm512_div_ps(e, vsum);
    const __m512 q = _mm512_min_ps(_mm512_max_ps(_mm512_div_ps(probability, vscale), lo), hi);
    const __m512i value = _mm512_add_epi32(_mm512_cvtps_epi32(q), zero_point);
    _mm_mask_storeu_epi8(out + c, lanes, _mm512_cvtepi32_epi8(value));
  }
}

// Lane r of sum += e[r][c0 + c] for c < columns (at most 16), c ascending:
// the 16x16 block of exps (row r at e + r * kColumns) is transposed in
// registers (unpack of floats, of pairs, then two 128-bit lane shuffles), so
// column c is one vector. Rows past `rows` and columns past `columns` load
// as zeros and are never added to a lane that is used.
__m512 add_columns(__m512 sum, const float* e, int rows, int32_t columns) {
  const __mmask16 column_lanes = first_lanes(columns);
  __m512 row[kRows];
  for (int r = 0; r < kRows; ++r) {
    row[r] = r < rows ? _mm512_maskz_loadu_ps(column_lanes, e + r * kColumns) : _mm512_setzero_ps();
  }
  // quad[g][b], 128-bit lane a: rows 4g .. 4g + 3 of column 4a + b.
  __m512 quad[4][4];
  for (int g = 0; g < 4; ++g) {
    const __m512d lo01 = _mm512_castps_pd(_mm512_unpacklo_ps(row[4 * g], row[4 * g + 1]));
    const __m512d hi01 = _mm512_castps_pd(_mm512_unpackhi_ps(row[4 * g], row[4 * g + 1]));
    const __m512d lo23 = _mm512_castps_pd(_mm512_unpacklo_ps(row[4 * g + 2], row[4 * g + 3]));
    const __m512d hi23 = _mm512_castps_pd(_mm512_unpackhi_ps(row[4 * g + 2], row[4 * g + 3]));
    quad[g][0] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo01, lo23));
    quad[g][1] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo01, lo23));
    quad[g][2] = _mm512_castpd_ps(_mm512_unpacklo_pd(hi01, hi23));
    quad[g][3] = _mm512_castpd_ps(_mm512_unpackhi_pd(hi01, hi23));
  }
  __m512 column[16];
  for (int b = 0; b < 4; ++b) {
    // Lanes 0, 2 of quad[2h][b] then of quad[2h + 1][b] (0x88): columns b and
    // 8 + b; lanes 1, 3 (0xDD): columns 4 + b and 12 + b.
    const __m512 even0 = _mm512_shuffle_f32x4(quad[0][b], quad[1][b], 0x88);
    const __m512 even1 = _mm512_shuffle_f32x4(quad[2][b], quad[3][b], 0x88);
    const __m512 odd0 = _mm512_shuffle_f32x4(quad[0][b], quad[1][b], 0xDD);
    const __m512 odd1 = _mm512_shuffle_f32x4(quad[2][b], quad[3][b], 0xDD);
    column[b] = _mm512_shuffle_f32x4(even0, even1, 0x88);
    column[8 + b] = _mm512_shuffle_f32x4(even0, even1, 0xDD);
    column[4 + b] = _mm512_shuffle_f32x4(odd0, odd1, 0x88);
    column[12 + b] = _mm512_shuffle_f32x4(odd0, odd1, 0xDD);
  }
  for (int32_t c = 0; c < columns && c < 16; ++c) sum = _mm512_add_ps(sum, column[c]);
  return sum;
}

// Rows [0, rows) of one block, rows <= 16.
void softmax_block_fp32(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output, int rows,
                        float* scratch) {
  const int32_t depth = p.depth;
  const ExpTable table(p.exp_table.data());
  int32_t max[kRows];
  for (int r = 0; r < rows; ++r) max[r] = row_max(input + int64_t{r} * depth, depth);

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
    for (int32_t c = 0; c < columns; c += 16) sum = add_columns(sum, scratch + c, rows, columns - c);
  }
  float sums[kRows];
  _mm512_storeu_ps(sums, sum);
  const bool stored = depth <= kColumns;
  for (int r = 0; r < rows; ++r) {
    const int64_t offset = int64_t{r} * depth;
    write_row(p, table, stored ? scratch + r * kColumns : nullptr, input + offset, max[r], sums[r], output + offset);
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
