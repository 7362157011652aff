// A cache-blocked float32 GEMM for the converter's float executor, so that
// calibration on 224x224 images takes seconds, not minutes. Plain C++ that
// the compiler vectorises (fixed-size register tiles, packed panels); no
// intrinsics. Accumulates in float, so results differ from a double-precision
// loop by rounding only.
#pragma once

#include <cstdint>

namespace qrt::convert {

// A strided view of a row-major-or-transposed matrix: element (r, c) is
// data[r * row_stride + c * col_stride]. A transposed operand is the same
// data with the two strides swapped.
struct FloatMatrixView {
  const float* data;
  int64_t row_stride;
  int64_t col_stride;
};

// C[m x n] (row stride ldc) = A[m x k] * B[k x n], or C += A * B when
// `accumulate`. k == 0 writes zeros (or leaves C as it is when accumulating).
void float_gemm(int64_t m, int64_t n, int64_t k, FloatMatrixView a, FloatMatrixView b, float* c, int64_t ldc,
                bool accumulate);

}  // namespace qrt::convert
