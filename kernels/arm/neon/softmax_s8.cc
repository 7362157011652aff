// softmax_s8__neon: see kernels/arm/softmax_s8.h. 4 rows per block. NEON has
// no gather: the exps are looked up one by one and written transposed (column
// c's four rows side by side), so each column's sum step is one load and one
// vector add.
#include "kernels/arm/softmax_s8.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace qrt::arm {
namespace {

constexpr int kRows = 4;       // one float lane per row
constexpr int kColumns = 256;  // columns of exps per pass: 4 KB of scratch

int32_t row_max(const int8_t* x, int32_t depth) {
  int8x16_t m = vdupq_n_s8(-128);
  int32_t c = 0;
  for (; c + 16 <= depth; c += 16) m = vmaxq_s8(m, vld1q_s8(x + c));
  int32_t max = vmaxvq_s8(m);
  for (; c < depth; ++c) max = std::max<int32_t>(max, x[c]);
  return max;
}

// The reference's scalar steps for one element.
int8_t quantize_one(const reference::SoftmaxS8Params& p, float e, float sum) {
  const float lo = static_cast<float>(-128 - p.output_zero_point);
  const float hi = static_cast<float>(127 - p.output_zero_point);
  const float probability = e / sum;
  const float q = std::min(std::max(probability / p.output_scale, lo), hi);
  return static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(q)) + p.output_zero_point);
}

void write_row(const reference::SoftmaxS8Params& p, const int8_t* x, int32_t max, float sum, int8_t* out) {
  const float* table = p.exp_table.data();
  const float32x4_t vsum = vdupq_n_f32(sum);
  const float32x4_t vscale = vdupq_n_f32(p.output_scale);
  const float32x4_t lo = vdupq_n_f32(static_cast<float>(-128 - p.output_zero_point));
  const float32x4_t hi = vdupq_n_f32(static_cast<float>(127 - p.output_zero_point));
  const int32x4_t zero_point = vdupq_n_s32(p.output_zero_point);
  int32_t c = 0;
  for (; c + 4 <= p.depth; c += 4) {
    const float e4[4] = {table[max - x[c]], table[max - x[c + 1]], table[max - x[c + 2]], table[max - x[c + 3]]};
    const float32x4_t probability = vdivq_f32(vld1q_f32(e4), vsum);
    const float32x4_t q = vminq_f32(vmaxq_f32(vdivq_f32(probability, vscale), lo), hi);
    // FCVTNS rounds half to even, as nearbyint in the default rounding mode;
    // values are in [-128, 127], so the narrowing is exact.
    const int32x4_t value = vaddq_s32(vcvtnq_s32_f32(q), zero_point);
    const int16x4_t words = vmovn_s32(value);
    int8_t bytes[8];
    vst1_s8(bytes, vmovn_s16(vcombine_s16(words, words)));
    std::memcpy(out + c, bytes, 4);
  }
  for (; c < p.depth; ++c) out[c] = quantize_one(p, table[max - x[c]], sum);
}

// Rows [0, rows) of one block, rows <= 4; scratch holds kColumns x 4 floats.
void softmax_block_fp32(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output, int rows,
                        float* scratch) {
  const int32_t depth = p.depth;
  const float* table = p.exp_table.data();
  int32_t max[kRows] = {};
  for (int r = 0; r < rows; ++r) max[r] = row_max(input + int64_t{r} * depth, depth);
  float32x4_t sum = vdupq_n_f32(0.0f);
  for (int32_t c0 = 0; c0 < depth; c0 += kColumns) {
    const int32_t columns = std::min(kColumns, depth - c0);
    for (int r = 0; r < rows; ++r) {
      const int8_t* x = input + int64_t{r} * depth + c0;
      for (int32_t c = 0; c < columns; ++c) scratch[c * kRows + r] = table[max[r] - x[c]];
    }
    for (int r = rows; r < kRows; ++r) {  // lanes of absent rows: never used
      for (int32_t c = 0; c < columns; ++c) scratch[c * kRows + r] = 0.0f;
    }
    // Lane r: sum += e[r][c], c ascending, as the reference's loop.
    for (int32_t c = 0; c < columns; ++c) sum = vaddq_f32(sum, vld1q_f32(scratch + c * kRows));
  }
  float sums[kRows];
  vst1q_f32(sums, sum);
  for (int r = 0; r < rows; ++r) {
    const int64_t offset = int64_t{r} * depth;
    write_row(p, input + offset, max[r], sums[r], output + offset);
  }
}

}  // namespace

void softmax_s8__neon(const reference::SoftmaxS8Params& p, const int8_t* input, int8_t* output) {
  if (p.rule != RequantRule::kFp32) {
    reference::softmax_s8(p, input, output);
    return;
  }
  if (p.depth == 0) return;
  float scratch[kColumns * kRows];
  for (int64_t row = 0; row < p.outer_size; row += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, p.outer_size - row));
    softmax_block_fp32(p, input + row * p.depth, output + row * p.depth, rows, scratch);
  }
}

}  // namespace qrt::arm

#endif  // __aarch64__
