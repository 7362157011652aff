// Every op's load-time check and prepare step; op_registry.cc maps op types
// to them. One source file per op family.
#pragma once

#include <memory>

#include "runtime/ops/op_registry.h"

namespace qrt {

using ValidateFn = Status (*)(const Model&, const OpDesc&);
using PrepareFn = Status (*)(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// conv_ops.cc
Status validate_conv2d(const Model&, const OpDesc&);
Status prepare_conv2d(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_depthwise_conv2d(const Model&, const OpDesc&);
Status prepare_depthwise_conv2d(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_fully_connected(const Model&, const OpDesc&);
Status prepare_fully_connected(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// binary_ops.cc
Status validate_add_sub(const Model&, const OpDesc&);
Status prepare_add_sub(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_mul(const Model&, const OpDesc&);
Status prepare_mul(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// pool_ops.cc
Status validate_average_pool2d(const Model&, const OpDesc&);
Status prepare_average_pool2d(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_max_pool2d(const Model&, const OpDesc&);
Status prepare_max_pool2d(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// softmax_mean_ops.cc
Status validate_softmax(const Model&, const OpDesc&);
Status prepare_softmax(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_mean(const Model&, const OpDesc&);
Status prepare_mean(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// layout_ops.cc
Status validate_transpose(const Model&, const OpDesc&);
Status prepare_transpose(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_pad(const Model&, const OpDesc&);
Status prepare_pad(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// lut_ops.cc: LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6, GELU, ERF, int8 QUANTIZE
Status validate_lut(const Model&, const OpDesc&);
Status prepare_lut(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// quantize_ops.cc
Status validate_quantize(const Model&, const OpDesc&);
Status prepare_quantize(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_dequantize(const Model&, const OpDesc&);
Status prepare_dequantize(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// concatenation_op.cc
Status validate_concatenation(const Model&, const OpDesc&);
Status prepare_concatenation(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// reshape_op.cc
Status validate_reshape(const Model&, const OpDesc&);
Status prepare_reshape(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// slice_ops.cc
Status validate_split(const Model&, const OpDesc&);
Status prepare_split(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_strided_slice(const Model&, const OpDesc&);
Status prepare_strided_slice(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// resize_ops.cc
Status validate_resize_bilinear(const Model&, const OpDesc&);
Status prepare_resize_bilinear(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_resize_nearest_neighbor(const Model&, const OpDesc&);
Status prepare_resize_nearest_neighbor(const Model&, const OpDesc&, const KernelTable&,
                                       std::unique_ptr<PreparedOp>*);

// arg_max_op.cc
Status validate_arg_max(const Model&, const OpDesc&);
Status prepare_arg_max(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// fully_connected_w4_op.cc: weight-only int4 (float32 activations)
Status validate_fully_connected_w4(const Model&, const OpDesc&);
Status prepare_fully_connected_w4(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// dynamic_fully_connected_op.cc: float32 in and out, int8 weights, the input quantized per run
Status validate_dynamic_fully_connected(const Model&, const OpDesc&);
Status prepare_dynamic_fully_connected(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// integer_ops.cc: ONNX's integer ops (int32 accumulator outputs, run-time quantization)
Status validate_conv_integer(const Model&, const OpDesc&);
Status prepare_conv_integer(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_matmul_integer(const Model&, const OpDesc&);
Status prepare_matmul_integer(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_dynamic_quantize_linear(const Model&, const OpDesc&);
Status prepare_dynamic_quantize_linear(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// dynamic_conv2d_op.cc: float32 in and out, int8 filter, the input quantized per run
Status validate_dynamic_conv2d(const Model&, const OpDesc&);
Status prepare_dynamic_conv2d(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// rnn_ops.cc: LSTM and GRU, float32 activations, float32 or int8 (dynamic) weights
Status validate_lstm(const Model&, const OpDesc&);
Status prepare_lstm(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_gru(const Model&, const OpDesc&);
Status prepare_gru(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

// transformer_ops.cc: BATCH_MATMUL, LAYER_NORM, GATHER (ERF is a table op in lut_ops.cc)
Status validate_batch_matmul(const Model&, const OpDesc&);
Status prepare_batch_matmul(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_layer_norm(const Model&, const OpDesc&);
Status prepare_layer_norm(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);
Status validate_gather(const Model&, const OpDesc&);
Status prepare_gather(const Model&, const OpDesc&, const KernelTable&, std::unique_ptr<PreparedOp>*);

}  // namespace qrt
