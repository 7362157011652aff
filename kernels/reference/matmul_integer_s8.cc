#include "kernels/reference/matmul_integer_s8.h"

namespace qrt::reference {

void matmul_integer_s8s32(const MatMulIntegerParams& p, const int8_t* input, const int8_t* weights, int32_t* output) {
  const size_t depth = static_cast<size_t>(p.depth);
  for (size_t r = 0; r < p.rows; ++r) {
    const int8_t* row = input + r * depth;
    for (int n = 0; n < p.units; ++n) {
      const int8_t* w = weights + static_cast<size_t>(n) * depth;
      const int32_t weight_zero_point = p.weight_zero_points[p.weight_zero_point_count == 1 ? 0 : n];
      int32_t acc = 0;
      for (size_t k = 0; k < depth; ++k) acc += (int32_t{row[k]} - p.input_zero_point) * (int32_t{w[k]} - weight_zero_point);
      output[r * static_cast<size_t>(p.units) + static_cast<size_t>(n)] = acc;
    }
  }
}

}  // namespace qrt::reference
