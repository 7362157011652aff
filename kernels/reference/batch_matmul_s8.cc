#include "kernels/reference/batch_matmul_s8.h"

#include <cmath>

namespace qrt::reference {

std::string init_batch_matmul_requant(RequantRule rule, float a_scale, float b_scale, float output_scale,
                                      BatchMatMulParams* params) {
  const double real = static_cast<double>(a_scale) * b_scale / output_scale;
  if (!std::isfinite(real) || !(real > 0.0)) return "a_scale * b_scale / output_scale is not finite and positive";
  params->rule = rule;
  params->scale = (a_scale * b_scale) / output_scale;  // float32, as ONNX Runtime forms it
  if (rule == RequantRule::kFp32 && !(std::isfinite(params->scale) && params->scale > 0.0f)) {
    return "a_scale * b_scale / output_scale underflows or overflows float32";
  }
  params->multiplier = quantize_multiplier(real);
  if (rule == RequantRule::kFixedPoint && real >= 1.0) return "fixedpoint needs a_scale * b_scale / output_scale < 1";
  return "";
}

void batch_matmul_s8(const BatchMatMulParams& p, const int8_t* a, const int8_t* b, int8_t* output) {
  int64_t batches = 1;
  for (int d = 0; d < p.batch_rank; ++d) batches *= p.batch_dims[d];
  int index[kMaxBatchMatMulBatchRank] = {};
  for (int64_t batch = 0; batch < batches; ++batch) {
    int64_t a_offset = 0, b_offset = 0;
    for (int d = 0; d < p.batch_rank; ++d) {
      a_offset += index[d] * p.a_batch_stride[d];
      b_offset += index[d] * p.b_batch_stride[d];
    }
    const int8_t* a_mat = a + a_offset;
    const int8_t* b_mat = b + b_offset;
    int8_t* out = output + batch * p.m * p.n;
    for (int i = 0; i < p.m; ++i) {
      for (int j = 0; j < p.n; ++j) {
        int32_t acc = 0;
        for (int kk = 0; kk < p.k; ++kk) {
          const int32_t av = a_mat[static_cast<int64_t>(i) * p.k + kk] - p.a_zero_point;
          const int32_t bv = (p.transpose_b ? b_mat[static_cast<int64_t>(j) * p.k + kk]
                                            : b_mat[static_cast<int64_t>(kk) * p.n + j]) -
                             p.b_zero_point;
          acc += av * bv;
        }
        const int32_t q = p.rule == RequantRule::kFp32
                              ? requantize_fp32(acc, p.scale, p.output_zero_point, -128, 127)
                              : requantize_fixedpoint(acc, p.multiplier, p.output_zero_point, -128, 127);
        out[static_cast<int64_t>(i) * p.n + j] = static_cast<int8_t>(q);
      }
    }
    // Next batch index, last dimension fastest.
    for (int d = p.batch_rank - 1; d >= 0; --d) {
      if (++index[d] < p.batch_dims[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace qrt::reference
