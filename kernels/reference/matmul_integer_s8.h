// Reference MATMUL_INTEGER (ONNX MatMulInteger with a constant B): int8 rows
// times int8 weights [N, K], int32 output holding the raw accumulator. The
// specification of the op. uint8 data stored as int8 (q - 128, zp - 128)
// gives the same accumulator (kernels/reference/conv_integer_s8.h says why).
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrt::reference {

struct MatMulIntegerParams {
  size_t rows = 1;  // every dimension of the input but the last
  int depth = 0;    // K
  int units = 0;    // N
  int32_t input_zero_point = 0;
  // One weight zero point (count 1) or one per output column (count = units).
  const int32_t* weight_zero_points = nullptr;
  int weight_zero_point_count = 1;
};

// output[r][n] = sum_k (input[r][k] - input_zero_point) * (weights[n][k] -
// weight_zero_point[n]) in int32; depth <= kIntegerOpMaxDepth (conv_integer_s8.h)
// so it cannot overflow.
void matmul_integer_s8s32(const MatMulIntegerParams& p, const int8_t* input, const int8_t* weights, int32_t* output);

}  // namespace qrt::reference
