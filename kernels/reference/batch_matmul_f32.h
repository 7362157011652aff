// Reference float32 batch matrix multiply of two activations (BATCH_MATMUL
// on float32 tensors: attention's Q * K^T and P * V kept in float32). Same
// shapes and broadcasting as batch_matmul_s8.h.
#pragma once

#include <cstdint>

#include "kernels/reference/batch_matmul_s8.h"

namespace qrt::reference {

struct BatchMatMulF32Params {
  int batch_rank = 0;  // 0..kMaxBatchMatMulBatchRank
  int batch_dims[kMaxBatchMatMulBatchRank] = {};
  // Element strides of one step along each output batch dimension (0 where
  // that operand is broadcast).
  int64_t a_batch_stride[kMaxBatchMatMulBatchRank] = {};
  int64_t b_batch_stride[kMaxBatchMatMulBatchRank] = {};
  int m = 0, k = 0, n = 0;
  bool transpose_b = false;
};

// output[b][m][n] = sum over k (in increasing k, float32) of A[b][m][k] *
// B[b][k][n] (B[b][n][k] with transpose_b).
void batch_matmul_f32(const BatchMatMulF32Params& p, const float* a, const float* b, float* output);

}  // namespace qrt::reference
