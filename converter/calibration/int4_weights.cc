#include "converter/calibration/int4_weights.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qrt::convert {

Int4Weights quantize_int4_weights(const std::vector<float>& w, int64_t n, int64_t k, int64_t group_size) {
  Int4Weights q;
  q.group_size = group_size > 0 && group_size < k && k % group_size == 0 ? group_size : k;
  const int64_t groups = k / q.group_size;
  const int64_t row_bytes = (k + 1) / 2;
  q.packed.assign(static_cast<size_t>(n * row_bytes), 0);
  q.scales.resize(static_cast<size_t>(n * groups));
  for (int64_t o = 0; o < n; ++o) {
    for (int64_t g = 0; g < groups; ++g) {
      const float* v = w.data() + o * k + g * q.group_size;
      float peak = 0.0f;
      for (int64_t i = 0; i < q.group_size; ++i) peak = std::max(peak, std::fabs(v[i]));
      float scale = peak > 0.0f ? peak / 7.0f : 1.0f;  // an all-zero group: any scale is exact
      if (!(scale > 0.0f)) scale = std::numeric_limits<float>::denorm_min();  // peak / 7 underflowed
      q.scales[static_cast<size_t>(o * groups + g)] = scale;
      for (int64_t i = 0; i < q.group_size; ++i) {
        const int value = static_cast<int>(std::clamp(std::nearbyint(v[i] / scale), -7.0f, 7.0f));
        const int64_t col = g * q.group_size + i;
        const uint8_t nibble = static_cast<uint8_t>(value & 0xF);
        q.packed[static_cast<size_t>(o * row_bytes + col / 2)] |= static_cast<uint8_t>(col % 2 ? nibble << 4 : nibble);
      }
    }
  }
  return q;
}

float int4_weight_value(const Int4Weights& q, int64_t k, int64_t row, int64_t col) {
  const uint8_t byte = q.packed[static_cast<size_t>(row * ((k + 1) / 2) + col / 2)];
  const int nibble = (byte >> (col % 2 ? 4 : 0)) & 0xF;
  const int value = nibble >= 8 ? nibble - 16 : nibble;
  return static_cast<float>(value) * q.scales[static_cast<size_t>(row * (k / q.group_size) + col / q.group_size)];
}

}  // namespace qrt::convert
