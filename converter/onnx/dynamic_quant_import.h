// Dynamic quantization in the converter IR: the "DynamicFullyConnected" node
// (lowered to DYNAMIC_FULLY_CONNECTED, kernels/reference/
// dynamic_fully_connected_f32s8.h) and the import of ONNX graphs that
// quantize at run time:
//  - DynamicQuantizeLinear(x) -> MatMulInteger(x_q, B, x_zp[, B_zp]) ->
//    Cast(to float) -> Mul(., x_scale * B_scale) [-> Add(., bias)], what
//    onnxruntime.quantization.quantize_dynamic writes for MatMul and Gemm;
//  - com.microsoft DynamicQuantizeMatMul(x, B, B_scale[, B_zp][, bias]);
//  - DynamicQuantizeLinear(x) -> ConvInteger(x_q, W, x_zp[, W_zp]) -> Cast ->
//    Mul(., x_scale * W_scale) [-> Add(., Reshape(bias, [1, -1, 1, 1]))],
//    what quantize_dynamic writes for Conv: a "DynamicConv" node (below).
// B must be a constant; it becomes int8 [N, K] with zero point 0 (exact when
// every B - B_zp fits int8, as for int8 symmetric and uint8 zero point 128
// weights; otherwise re-quantized per channel, with a note).
#pragma once

#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace qrt::convert {

// The IR node: inputs {A (float32, [.., K]), W (int8 constant [N, K], zero
// point 0, scales per output channel along axis 0 or per tensor), bias
// (float32 constant [N], or "")}, output float32 [.., N]; optional int
// attribute "activation" (fb::Activation value, applied to the result).
// Domain "" so the lowering's table finds it; quantize_graph's float marker
// (kKeepFloatAttribute) stays on it.
inline constexpr const char* kDynamicFullyConnectedOp = "DynamicFullyConnected";
inline constexpr const char* kDynamicActivationAttribute = "activation";

// The IR node of DYNAMIC_CONV_2D: inputs {X (float32 NCHW), W (int8
// constant OIHW, zero point 0, scales per output channel along axis 0 or per
// tensor), bias (float32 constant with M values, or "")}, output float32
// NCHW; ONNX Conv's attributes (kernel_shape, pads, strides, dilations,
// group, auto_pad) and the optional "activation" as above. Made from
// DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul [-> Add(Reshape(bias))]
// and by qconvert --dynamic from Conv.
inline constexpr const char* kDynamicConvOp = "DynamicConv";

// Float B [K, N] (row-major) -> int8 W [N, K], symmetric per output channel
// (scale = max |column| / 127, 1 for an all-zero column; round half to even).
IrValue quantize_dynamic_weights(const std::string& name, const std::vector<float>& b, int64_t k, int64_t n);

// Float W (OIHW, `shape`) -> int8 OIHW, symmetric per output channel (the
// rule of quantize_dynamic_weights, per row of the first dimension).
IrValue quantize_dynamic_conv_weights(const std::string& name, const std::vector<float>& w,
                                      const std::vector<int64_t>& shape);

// Rewrites the patterns above into DynamicFullyConnected nodes and marks every
// node left computing in float32 as float (kKeepFloatAttribute), in place.
// Runs on a loaded quantized-form graph after QDQ folding. Returns how many
// nodes it made; a pattern it cannot take is left for the lowering to report.
// Throws ImportError on invalid constants (scales not finite and positive).
int import_dynamic_quantization(IrGraph& graph, std::vector<std::string>* notes);

}  // namespace qrt::convert
