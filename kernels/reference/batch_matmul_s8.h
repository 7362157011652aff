// Reference int8 batch matrix multiply of two activations (TFLite
// BATCH_MATMUL, ONNX MatMul with no constant operand: attention's Q * K^T and
// P * V). The specification every optimized batch-matmul kernel must match
// bit for bit.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/requantization.h"

namespace qrt::reference {

constexpr int kMaxBatchMatMulBatchRank = 4;

// A is [batch..., M, K], B is [batch..., K, N] or, with transpose_b,
// [batch..., N, K]; the output is [batch..., M, N]. The batch dimensions
// broadcast: a_batch_stride[d] / b_batch_stride[d] is 0 where that operand
// has size 1 (or lacks the dimension) and the output does not.
struct BatchMatMulParams {
  int batch_rank = 0;  // 0..kMaxBatchMatMulBatchRank
  int batch_dims[kMaxBatchMatMulBatchRank] = {};
  // Element strides of one step along each output batch dimension.
  int64_t a_batch_stride[kMaxBatchMatMulBatchRank] = {};
  int64_t b_batch_stride[kMaxBatchMatMulBatchRank] = {};
  int m = 0, k = 0, n = 0;
  bool transpose_b = false;
  int32_t a_zero_point = 0;
  int32_t b_zero_point = 0;
  RequantRule rule = RequantRule::kFp32;
  // kFp32: acc * scale, scale = (a_scale * b_scale) / output_scale in float32.
  float scale = 0.0f;
  // kFixedPoint: quantize_multiplier(double(a_scale) * b_scale / output_scale),
  // applied with two roundings (TFLite's reference BatchMatMul).
  QuantizedMultiplier multiplier;
  int32_t output_zero_point = 0;
};

// Fills the requantization fields from the scales; returns "" or why the
// ratio cannot be represented (fixedpoint: multiplier above 2^31 / below 2^-31
// is flushed as TFLite does; a ratio that is not finite or not positive is an error).
std::string init_batch_matmul_requant(RequantRule rule, float a_scale, float b_scale, float output_scale,
                                      BatchMatMulParams* params);

// output[b][m][n] = requantize(acc) with
//   acc = sum over k of (A[b][m][k] - a_zero_point) * (B[b][k][n] - b_zero_point)
// in int32 (k <= 33025 keeps 255 * 255 * k inside int32; the loader checks),
// summed in increasing k. requantize is requantize_fp32(acc, scale, zp, -128,
// 127) or requantize_fixedpoint(acc, multiplier, zp, -128, 127, kDouble).
void batch_matmul_s8(const BatchMatMulParams& p, const int8_t* a, const int8_t* b, int8_t* output);

}  // namespace qrt::reference
