// ONNX's integer ops that are not part of a dynamic-quantization pattern
// (dynamic_quant_import.h takes those first) -> the quantized IR form, for
// the CONV_INTEGER, MATMUL_INTEGER and DYNAMIC_QUANTIZE_LINEAR ops:
//  - ConvInteger(x, w, x_zp, w_zp) -> "ConvInteger"(x, w) and
//    MatMulInteger(A, B, a_zp, b_zp) -> "MatMulInteger"(A, B): each zero
//    point (a constant; absent: 0) becomes its operand's quantization with
//    scale 1, so real = q - zp is the integer ONNX multiplies, and uint8
//    operands become int8 with convert_uint8_to_int8 like any other (exact:
//    the differences q - zp do not change). The output is int32.
//  - DynamicQuantizeLinear(x) -> itself; its uint8 outputs y and y_zero_point
//    are turned into int8 (q - 128) by convert_uint8_to_int8, and keep a
//    uint8 interface when they are graph outputs.
#pragma once

#include "converter/ir/graph.h"

namespace qrt::convert {

void import_integer_ops(IrGraph& graph);

// DynamicQuantizeLinear written out as its ONNX function body (ReduceMin /
// Min 0, ReduceMax / Max 0, Sub, Div 255, zero point Cast<uint8>(Round(Clip(
// 0 - min / scale, 0, 255))), QuantizeLinear(x, scale, zero point)), as
// ONNX's *_expanded tests and function inlining write it: matched node for
// node and replaced by one DynamicQuantizeLinear node. Identity nodes that
// only pass the scale or zero point to graph outputs are folded into it.
// Runs before the QDQ folding, which would refuse the computed scale.
// Returns how many it replaced.
int fold_expanded_dynamic_quantize_linear(IrGraph& graph);

}  // namespace qrt::convert
