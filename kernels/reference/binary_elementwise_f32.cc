#include "kernels/reference/binary_elementwise_f32.h"

#include <cstddef>

namespace qrt::reference {
namespace {

template <typename Op>
void broadcast_apply(const BinaryF32Params& p, const float* a, const float* b, float* out, Op op) {
  // Row-major strides of each padded input; a broadcast dim (extent 1) has stride 0.
  size_t stride_a[kMaxBroadcastRank], stride_b[kMaxBroadcastRank];
  size_t sa = 1, sb = 1;
  for (int d = kMaxBroadcastRank - 1; d >= 0; --d) {
    stride_a[d] = p.shapes.input1[d] == 1 ? 0 : sa;
    stride_b[d] = p.shapes.input2[d] == 1 ? 0 : sb;
    sa *= static_cast<size_t>(p.shapes.input1[d]);
    sb *= static_cast<size_t>(p.shapes.input2[d]);
  }
  size_t total = 1;
  for (int32_t d : p.shapes.output) total *= static_cast<size_t>(d);
  if (total == 0) return;
  int32_t index[kMaxBroadcastRank] = {};
  size_t ia = 0, ib = 0;
  for (size_t o = 0; o < total; ++o) {
    out[o] = p.clamp.apply(op(a[ia], b[ib]));
    for (int d = kMaxBroadcastRank - 1; d >= 0; --d) {
      ia += stride_a[d];
      ib += stride_b[d];
      if (++index[d] < p.shapes.output[d]) break;
      ia -= stride_a[d] * static_cast<size_t>(p.shapes.output[d]);
      ib -= stride_b[d] * static_cast<size_t>(p.shapes.output[d]);
      index[d] = 0;
    }
  }
}

}  // namespace

void binary_elementwise_f32(const BinaryF32Params& p, const float* input1, const float* input2, float* output) {
  switch (p.op) {
    case BinaryOpF32::kAdd: return broadcast_apply(p, input1, input2, output, [](float a, float b) { return a + b; });
    case BinaryOpF32::kSub: return broadcast_apply(p, input1, input2, output, [](float a, float b) { return a - b; });
    case BinaryOpF32::kMul: return broadcast_apply(p, input1, input2, output, [](float a, float b) { return a * b; });
  }
}

}  // namespace qrt::reference
