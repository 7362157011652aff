#include "kernels/dynamic_fully_connected_f32s8.h"

#include <cstring>
#include <vector>

namespace qrt {

size_t dynamic_fc_packed_size(const GemmLayout& layout, int n, int k) {
  return dynamic_fc_sums_offset(layout, n, k) + dynamic_fc_padded_n(layout, n) * (sizeof(int32_t) + sizeof(float));
}

size_t dynamic_fc_scratch_size(const GemmLayout& layout, size_t m, int k) {
  return m * static_cast<size_t>(gemm_padded_k(layout, k)) * static_cast<size_t>(layout.a_element_size);
}

void dynamic_fc_pack(const GemmLayout& layout, int n, int k, const int8_t* weights, const float* scales,
                     int scale_count, const float* bias, void* packed) {
  GemmPackParams g;
  g.n = n;
  g.k = k;
  g.weights = weights;
  g.requant.rule = RequantRule::kFp32;
  g.requant.per_channel = scale_count != 1;
  g.requant.scales = scales;
  gemm_pack(layout, g, packed);
  uint8_t* tail = static_cast<uint8_t*>(packed) + dynamic_fc_sums_offset(layout, n, k);
  const size_t np = dynamic_fc_padded_n(layout, n);
  std::vector<int32_t> sums(np, 0);
  std::vector<float> b(np, 0.0f);
  for (int c = 0; c < n; ++c) {
    int32_t sum = 0;  // |sum| <= 128 K: fits
    for (int i = 0; i < k; ++i) sum += weights[static_cast<size_t>(c) * k + i];
    sums[c] = sum;
    if (bias != nullptr) b[c] = bias[c];
  }
  std::memcpy(tail, sums.data(), np * sizeof(int32_t));
  std::memcpy(tail + np * sizeof(int32_t), b.data(), np * sizeof(float));
}

}  // namespace qrt
