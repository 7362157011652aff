// BATCH_MATMUL on the kernel table's packed GEMM (kernels/batch_matmul_s8.h):
// B packed per batch at invoke into per-interpreter scratch. transformer_ops.cc
// checks the op and builds its reference params; this file runs them fast.
#pragma once

#include <memory>

#include "kernels/kernel_table.h"
#include "runtime/ops/op_registry.h"

namespace qrt {

// Whether the table's GEMM can run this op: the table has one, it packs with
// gemm_pack (the layout batch_matmul_pack_b writes), and M, N, K >= 1.
bool batch_matmul_fits_gemm(const reference::BatchMatMulParams& params, const GemmKernel& gemm);

// The prepared op; allocates the packed B and one A panel (more per thread
// in set_thread_count). Fails only when out of memory.
Status make_batch_matmul_gemm_op(const reference::BatchMatMulParams& params, const GemmKernel& gemm,
                                 const OpDesc& op, std::unique_ptr<PreparedOp>* prepared);

}  // namespace qrt
