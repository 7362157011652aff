// Static PTQ's last step: a calibrated float graph (converter/ir/graph.h
// "float form", after run_float_passes and calibrate_graph) -> the
// "quantized form" the lowering turns into a .qfb:
//  - activations: int8, asymmetric, per tensor, from each value's calibrated
//    range (which always includes 0); ops that never requantize (MaxPool,
//    Reshape, Flatten, Squeeze, Unsqueeze, Transpose) give their output
//    their input's quantization;
//  - weights of Conv, Gemm and MatMul: int8 symmetric in [-127, 127], zero
//    point 0, per output channel (or per tensor);
//  - their bias: int32 = round(b / (s_in * s_w)), scale s_in * s_w, zero point 0;
//    a channel whose bias would not fit int32 at that scale gets a larger
//    weight scale instead (weight_scale_floor in quantize_graph.cc);
//  - other float constants read by int8 ops (an Add's operand, ...): int8 per
//    tensor from their own range; Clip bounds and a Pad value stay float;
//  - a fused activation (fused_activation.h) becomes a Relu / Clip node again,
//    its input quantized like its output, which the lowering fuses exactly;
//  - graph inputs and outputs stay float32 under their names, with
//    QuantizeLinear / DequantizeLinear where they meet int8 values;
//  - mixed precision: the nodes named in QuantizeOptions::keep_float stay
//    float32 (their outputs, weights, bias and other constants too; a fused
//    activation stays with its node), with DequantizeLinear before a float
//    node that reads an int8 value and QuantizeLinear (from the value's
//    calibrated range) before an int8 node that reads a float value.
#pragma once

#include <set>
#include <stdexcept>
#include <string>

#include "converter/ir/graph.h"

namespace qrt::convert {

// Mixed precision: quantize_graph marks each node it keeps in float32 with
// this attribute; the lowering gives such nodes float32 ops (float32
// tensors, weights and bias) instead of refusing them as unquantized.
inline constexpr const char* kKeepFloatAttribute = "qrt.keep_float";

inline constexpr const char* kKeepAllFloat = "*";

struct QuantizeOptions {
  bool per_tensor_weights = false;  // --per-tensor
  // --keep-float NAME[,NAME...] (and the nodes --allow-float-fallback adds):
  // node names of the float graph that stay float32. An unknown name is an
  // error; kKeepAllFloat keeps every node (a float32 .qfb).
  std::set<std::string> keep_float;
  // --allow-float-fallback: nodes whose op has no int8 form in qrt
  // (runs_in_float_only) stay float32 instead of failing the conversion.
  bool allow_float_fallback = false;
  // --weights fp16: the weights of the nodes kept in float are stored as
  // IEEE half (the runtime widens them at prepare); the attribute value
  // kFloat16Weights on kKeepFloatAttribute says so to the lowering.
  bool fp16_weights = false;
  // --weights int4 [--group G]: every Gemm / MatMul with a constant float32
  // matrix B, and every 1x1 Conv, stays float32 with int4 weights
  // (int4_weights.h: one FULLY_CONNECTED_W4 op); the rest converts as the
  // other options say.
  // int4_group_size 0: one scale per output channel.
  bool int4_weights = false;
  int int4_group_size = 0;
  // --auto-mixed DB (> 0 when given): read by convert_auto_mixed
  // (auto_mixed_precision.h), which fills keep_float; quantize_graph ignores it.
  double auto_mixed_db = 0.0;
};

inline constexpr const char* kFloat16Weights = "fp16";

// Ops qrt runs in float32 only (the lowering has float32 ops for them, no
// int8 ones): Div by a constant, Neg, a BatchNormalization no conv absorbed.
bool runs_in_float_only(const IrNode& node);

class QuantizeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// int8 asymmetric per-tensor quantization covering `lo..hi` (0 included).
IrQuantization activation_quantization(float lo, float hi);

IrGraph quantize_graph(const IrGraph& float_graph, const QuantizeOptions& options);

}  // namespace qrt::convert
