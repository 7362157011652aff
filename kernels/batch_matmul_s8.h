// BATCH_MATMUL of two int8 activations on the packed int8 GEMM kernels
// (gemm_s8.h): per batch, B is packed at invoke time as the GEMM's weights
// (W[n][k] = B[k][n], or B[n][k] with transpose_b) with B's per-tensor zero
// point as the GEMM's filter zero point and no bias, and A's rows run through
// the GEMM kernel. Bit-exact with reference::batch_matmul_s8:
//  - the GEMM computes sum_k (A - a_zero_point) * (W - b_zero_point) exactly
//    (gemm_s8.h: the folded sums wrap modulo 2^32, the true sum fits int32
//    because the op bounds K), the same integer the reference sums;
//  - its epilogue is OutputRequant::apply with one per-tensor entry, given
//    the reference's own values: fp32, params.scale, which
//    init_batch_matmul_requant computed as (a_scale * b_scale) / output_scale
//    in float32; fixedpoint, params.multiplier with double rounding
//    (requantize_fixedpoint's default, TFLite's reference BatchMatMul);
//    output zero point, clamp [-128, 127].
// Only for GEMM families that pack with gemm_pack (the layout this file
// writes); the op keeps the reference kernel otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/gemm_s8.h"
#include "kernels/reference/batch_matmul_s8.h"

namespace qrt {

// Bytes of one packed B (the GEMM's packed weights for N = p.n, K = p.k).
size_t batch_matmul_packed_b_size(const GemmLayout& layout, const reference::BatchMatMulParams& p);

// Writes the parts of a packed B that are the same for every batch: the
// epilogue of every column tile and zeros in the padding (columns past N, K
// positions past K). Once, at prepare.
void batch_matmul_init_packed_b(const GemmLayout& layout, const reference::BatchMatMulParams& p, void* packed);

// Writes one batch's B matrix (p.k x p.n, or p.n x p.k with transpose_b)
// into the weights and folded bias of a packed B that
// batch_matmul_init_packed_b prepared: the block gemm_pack would write for
// weights B^T, no bias, input zero point p.a_zero_point and filter zero point
// p.b_zero_point.
void batch_matmul_pack_b(const GemmLayout& layout, const reference::BatchMatMulParams& p, const int8_t* b,
                         void* packed);

// Scratch a run needs besides the packed B.
struct BatchMatMulScratch {
  // packed_b_count buffers of batch_matmul_packed_b_size bytes,
  // packed_b_stride apart, each prepared by batch_matmul_init_packed_b
  void* packed_b = nullptr;
  size_t packed_b_stride = 0;
  size_t packed_b_count = 1;
  void* panels = nullptr;         // A panels: panel_count of gemm_scratch_size, panel_stride bytes apart
  size_t panel_stride = 0;
  size_t panel_count = 1;
};

// Every batch of p on the GEMM kernel `run` of `layout`: batches that share
// one B and whose A matrices follow one another in memory run as one GEMM
// with their rows stacked; each GEMM's rows are split over the pool's
// threads (gemm_run_parallel). Batches too small to split, when there is a
// packed B buffer and an A panel per thread, run instead one per task, in
// ranges over the pool (a transformer's attention heads). Every batch's rows
// are computed as one thread computes them, so the bytes do not depend on
// the thread count. Needs p.m, p.n and p.k >= 1.
void batch_matmul_s8_gemm(const GemmLayout& layout, GemmRunFn* run, const reference::BatchMatMulParams& p,
                          const int8_t* a, const int8_t* b, int8_t* output, const BatchMatMulScratch& scratch,
                          pthreadpool_t threadpool);

}  // namespace qrt
