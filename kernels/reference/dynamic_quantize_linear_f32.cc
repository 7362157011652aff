#include "kernels/reference/dynamic_quantize_linear_f32.h"

#include "kernels/reference/dynamic_fully_connected_f32s8.h"

namespace qrt::reference {

void dynamic_quantize_linear_f32(const float* x, size_t n, int8_t* y, float* scale, int8_t* zero_point) {
  const DynamicQuantization q = dynamic_quantization_params(x, n);
  dynamic_quantize_f32_to_s8(q, x, y, n);
  *scale = q.scale;
  *zero_point = static_cast<int8_t>(q.zero_point);
}

}  // namespace qrt::reference
