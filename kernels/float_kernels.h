// The float32 kernel slots of the dispatch table besides the GEMM
// (gemm_f32.h): depthwise convolution, binary and unary elementwise ops.
// Each takes the reference kernel's parameters. Binary and unary kernels
// compute every element with the same IEEE operations as the reference, so
// their results equal it as values; the depthwise kernel may fuse
// multiply-adds and keeps to the float32 tolerance (kernels/README.md).
#pragma once

#include <cstddef>

#include "kernels/reference/activation_f32.h"
#include "kernels/reference/binary_elementwise_f32.h"
#include "kernels/reference/depthwise_conv2d_f32.h"
#include "kernels/reference/unary_f32.h"

namespace qrt {

// DEPTHWISE_CONV_2D with depth_multiplier == 1 (others keep the reference).
using DwconvF32Fn = void(const reference::DepthwiseConv2DF32Params& p, const float* input, const float* filter,
                         const float* bias, float* output);

// ADD / SUB / MUL over `count` elements: y[i] = clamp(a[i] op b[i]), or
// with scalar_b, clamp(a[i] op b[0]). The op glue reaches the common
// broadcasts through it (a per-channel row repeated, a scalar).
struct VBinaryF32Params {
  reference::BinaryOpF32 op = reference::BinaryOpF32::kAdd;
  size_t count = 0;
  bool scalar_b = false;
  reference::ClampF32 clamp;
};
using VBinaryF32Fn = void(const VBinaryF32Params& p, const float* a, const float* b, float* y);

// The unary ops a vector kernel covers: RELU, RELU6, LEAKY_RELU (exact) and
// HARD_SWISH (within 3 FLT_EPSILON relative of the reference, which rounds once from
// double). The transcendental ones keep the reference.
inline bool unary_f32_has_vector_form(reference::UnaryOpF32 op) {
  return op == reference::UnaryOpF32::kRelu || op == reference::UnaryOpF32::kRelu6 ||
         op == reference::UnaryOpF32::kLeakyRelu || op == reference::UnaryOpF32::kHardSwish;
}
using VUnaryF32Fn = void(const reference::UnaryF32Params& p, const float* x, float* y, size_t count);

}  // namespace qrt
