#include "kernels/reference/batch_matmul_f32.h"

#include <cstddef>

namespace qrt::reference {

void batch_matmul_f32(const BatchMatMulF32Params& p, const float* a, const float* b, float* output) {
  int64_t batches = 1;
  for (int d = 0; d < p.batch_rank; ++d) batches *= p.batch_dims[d];
  const size_t matrix = static_cast<size_t>(p.m) * p.n;
  for (int64_t index = 0; index < batches; ++index) {
    // The operands' offsets of this output batch (row-major over batch_dims).
    int64_t rest = index, a_offset = 0, b_offset = 0;
    for (int d = p.batch_rank; d-- > 0;) {
      const int64_t i = rest % p.batch_dims[d];
      rest /= p.batch_dims[d];
      a_offset += i * p.a_batch_stride[d];
      b_offset += i * p.b_batch_stride[d];
    }
    const float* am = a + a_offset;
    const float* bm = b + b_offset;
    float* out = output + static_cast<size_t>(index) * matrix;
    for (int m = 0; m < p.m; ++m) {
      for (int n = 0; n < p.n; ++n) {
        float acc = 0.0f;
        for (int k = 0; k < p.k; ++k) {
          const float bv = p.transpose_b ? bm[static_cast<size_t>(n) * p.k + k] : bm[static_cast<size_t>(k) * p.n + n];
          acc += am[static_cast<size_t>(m) * p.k + k] * bv;
        }
        out[static_cast<size_t>(m) * p.n + n] = acc;
      }
    }
  }
}

}  // namespace qrt::reference
