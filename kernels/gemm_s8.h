// The packed int8 GEMM interface shared by every ISA's GEMM micro-kernels:
//   C[m][n] = requant.apply(sum over k of (A[m][k] - input_zero_point) *
//                           (W[n][k] - filter_zero_point) + bias[n], n)
// which is reference::fully_connected_s8 with batch = M, and
// reference::conv2d_s8 for a 1x1, stride 1, unpadded, ungrouped convolution
// over M = batch * height * width pixels. Bit-exact with both.
//
// Weights are packed once, at prepare, into the layout of the kernel that
// will run them (the table chooses both together); bias, the zero-point
// corrections and the per-channel requantization values are folded into the
// packed block. Per NR-column tile the block is
//   int32 bias'[NR] | int8 W[Kp / KR][NR][KR] | epilogue[NR]...
// (W as int16, the same values, in layouts with w_element_size 2: kernels
// that would otherwise widen every weight on every use), where Kp is K
// rounded up to KR, padding columns and K positions hold zeros,
// and the epilogue is float scale[NR] (fp32 rule); or for the fixedpoint
// rule int32 multiplier[NR], left_shift[NR], right_shift[NR],
// rounding_mask[NR] (double rounding, gemmlowp) or multiplier[NR],
// total_shift[NR] = 31 - shift, two unused int32[NR] (single rounding, ruy).
//
// The kernel sees A through a small per-thread panel of MR rows that the
// driver packs first: each value plus `input_offset` (128 for the VNNI
// u8 x s8 sign flip, 0 otherwise), as int8/uint8 or widened to int16, K
// padded to Kp. The packed bias is bias - (input_offset + input_zero_point) *
// (sum_k W[n][k] - K * filter_zero_point); a per-tensor filter zero point
// adds -filter_zero_point * sum_k (A[m][k] + input_offset) per row. All sums
// wrap modulo 2^32 like the kernels' int32 lanes; the true accumulator fits
// int32 (the loader bounds K and the bias), so the result is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/requantization.h"

typedef struct pthreadpool* pthreadpool_t;  // as <pthreadpool.h> declares it

namespace qrt {

// The layout a GEMM kernel family packs weights and A panels into.
struct GemmLayout {
  int mr = 1;             // rows of a micro-tile
  int nr = 1;             // columns of a micro-tile (packed tile width)
  int kr = 1;             // K positions per packed group
  int32_t input_offset = 0;  // added to every A value when packing the panel
  int a_element_size = 1;  // 1: int8/uint8 panel, 2: int16 panel
  int w_element_size = 1;  // 1: int8 weights, 2: weights widened to int16 at pack time
};

// What packing needs: the op's weights [N][K], optional bias [N], zero
// points and its (prepared) epilogue.
struct GemmPackParams {
  int n = 0;
  int k = 0;
  const int8_t* weights = nullptr;  // [n][k]
  const int32_t* bias = nullptr;    // [n] or nullptr
  int32_t input_zero_point = 0;
  int32_t filter_zero_point = 0;
  OutputRequant requant;
};

// What a run needs besides the pointers.
struct GemmRunParams {
  size_t m = 0;
  int n = 0;
  int k = 0;
  size_t a_stride = 0;  // int8 elements between rows of A
  size_t c_stride = 0;  // int8 elements between rows of C
  int32_t filter_zero_point = 0;
  RequantRule rule = RequantRule::kFp32;
  FixedPointRounding rounding = FixedPointRounding::kDouble;  // kFixedPoint
  int32_t output_zero_point = 0;
  int32_t output_min = -128;
  int32_t output_max = 127;
};

GemmRunParams make_gemm_run_params(const GemmPackParams& pack, size_t m, size_t a_stride, size_t c_stride);

// Size and contents of the packed block for `layout` (portable code: packing
// runs once, at prepare).
size_t gemm_packed_size(const GemmLayout& layout, RequantRule rule, int n, int k);
void gemm_pack(const GemmLayout& layout, const GemmPackParams& p, void* packed);
// Bytes of A panel scratch a run needs.
size_t gemm_scratch_size(const GemmLayout& layout, int k);

// A GEMM micro-kernel driver: all M rows of A, one A panel of scratch.
using GemmRunFn = void(const GemmRunParams& params, const int8_t* a, const void* packed, void* scratch, int8_t* c);

// Bytes between per-thread scratch panels (gemm_scratch_size, cache-line
// aligned).
inline size_t gemm_scratch_stride(const GemmLayout& layout, int k) {
  return (gemm_scratch_size(layout, k) + 63) / 64 * 64;
}

// Runs `run` over all M rows, split over the pool's threads in whole MR-row
// panels when there is a pool with more than one thread: at most
// scratch_count contiguous ranges, range i packing its A panels in
// scratch + i * scratch_stride. Rows are independent, so the bytes do not
// depend on the split.
void gemm_run_parallel(GemmRunFn* run, const GemmLayout& layout, const GemmRunParams& params, const int8_t* a,
                       const void* packed, void* scratch, size_t scratch_stride, size_t scratch_count, int8_t* c,
                       pthreadpool_t threadpool);

// Helpers for the drivers: byte sizes inside one packed tile.
inline int gemm_padded_k(const GemmLayout& layout, int k) { return (k + layout.kr - 1) / layout.kr * layout.kr; }
// Stores weight number `index` of a tile's W block (starting at w), as
// int8 or int16 per the layout (packing code).
inline void gemm_put_weight(const GemmLayout& layout, uint8_t* w, size_t index, int8_t value) {
  if (layout.w_element_size == 2) {
    const int16_t wide = value;
    std::memcpy(w + 2 * index, &wide, sizeof(wide));
  } else {
    w[index] = static_cast<uint8_t>(value);
  }
}
inline size_t gemm_epilogue_bytes(RequantRule rule) { return rule == RequantRule::kFp32 ? 4 : 16; }
inline size_t gemm_tile_bytes(const GemmLayout& layout, RequantRule rule, int k) {
  const size_t weights = static_cast<size_t>(gemm_padded_k(layout, k)) * static_cast<size_t>(layout.w_element_size);
  return static_cast<size_t>(layout.nr) * (sizeof(int32_t) + weights + gemm_epilogue_bytes(rule));
}

}  // namespace qrt
