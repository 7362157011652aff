// DYNAMIC_FULLY_CONNECTED on the packed int8 GEMM layouts (gemm_s8.h):
// float32 input quantized per run, int8 weights, float32 output. Bit-exact
// with reference::dynamic_fully_connected_f32s8, whose header fixes every
// float step and its order.
//
// The weights are packed once with gemm_pack for the kernel's layout, with
// input zero point 0, no int32 bias and the weight scales as the fp32
// epilogue: each packed tile's bias then holds -input_offset * sum_k W[n][k]
// (the VNNI sign flip's correction) and its epilogue weight_scale[n]. The
// run's input zero point changes every run, so it is applied per column
// from sum_k W[n][k]: acc = sum_k (x_q + offset) W - offset * sum W
// - zp * sum W = sum_k (x_q - zp) W, in wrapping int32 lanes; the true value
// fits int32 (K <= kDynamicFullyConnectedMaxDepth), so it is exact. Then
// the reference's float epilogue, lane by lane.
//
// Packed block: the GEMM block | int32 column_sums[Np] | float bias[Np],
// Np = N rounded up to the layout's NR, padding zero.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/gemm_s8.h"
#include "kernels/reference/activation_f32.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"

namespace qrt {

struct DynamicFcRunParams {
  size_t m = 0;  // rows of the input (every dimension but the last)
  int n = 0;
  int k = 0;
  bool has_bias = false;
  reference::ClampF32 clamp;  // the fused activation, on the float32 result
  // nullptr: the input is quantized with the parameters of its own range,
  // as the reference does. Else with these: a convolution's rows of
  // gathered windows (DYNAMIC_CONV_2D) use those of its whole input.
  const reference::DynamicQuantization* quantization = nullptr;
};

size_t dynamic_fc_packed_size(const GemmLayout& layout, int n, int k);
// weights [n][k] int8; scales per column (scale_count == n) or one (1); bias [n] or nullptr.
void dynamic_fc_pack(const GemmLayout& layout, int n, int k, const int8_t* weights, const float* scales,
                     int scale_count, const float* bias, void* packed);
// Bytes of scratch a run over m rows needs: every row quantized into the
// layout's A panel format (K padded to Kp).
size_t dynamic_fc_scratch_size(const GemmLayout& layout, size_t m, int k);

// A kernel: quantizes the whole input (one scale and zero point, as the
// reference), then the GEMM tiles with the float epilogue.
using DynamicFcRunFn = void(const DynamicFcRunParams& params, const float* input, const void* packed, void* scratch,
                            float* output);

// Where the column sums and the bias start inside a packed block.
inline size_t dynamic_fc_padded_n(const GemmLayout& layout, int n) {
  return static_cast<size_t>((n + layout.nr - 1) / layout.nr * layout.nr);
}
inline size_t dynamic_fc_sums_offset(const GemmLayout& layout, int n, int k) {
  return gemm_packed_size(layout, RequantRule::kFp32, n, k);
}

}  // namespace qrt
