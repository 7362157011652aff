// Op converters: one function per TFLite builtin (or family) that emits the
// equivalent .qfb op(s). find_op_converter (tflite_op_table.cc) maps codes to
// them; a code without a converter is an unsupported op.
#pragma once

#include "converter/tflite/tflite_context.h"

namespace qrt::tflite_import {

using OpConverter = void (*)(Context&, const TfliteOp&);

// nullptr for a builtin code qrt does not import (and for custom ops).
OpConverter find_op_converter(int builtin_code);

// tflite_compute_ops.cc
void convert_conv2d(Context&, const TfliteOp&);
void convert_depthwise_conv2d(Context&, const TfliteOp&);
void convert_fully_connected(Context&, const TfliteOp&);
void convert_binary(Context&, const TfliteOp&);  // ADD, SUB, MUL
void convert_pool2d(Context&, const TfliteOp&);  // AVERAGE_POOL_2D, MAX_POOL_2D
void convert_softmax(Context&, const TfliteOp&);
void convert_unary(Context&, const TfliteOp&);  // LOGISTIC, TANH, HARD_SWISH, RELU, RELU6, QUANTIZE, DEQUANTIZE
void convert_leaky_relu(Context&, const TfliteOp&);
void convert_mean(Context&, const TfliteOp&);
void convert_concatenation(Context&, const TfliteOp&);

// tflite_layout_ops.cc
void convert_reshape(Context&, const TfliteOp&);  // RESHAPE, SQUEEZE
void convert_pad(Context&, const TfliteOp&);      // PAD, PADV2
void convert_transpose(Context&, const TfliteOp&);
void convert_split(Context&, const TfliteOp&);
void convert_split_v(Context&, const TfliteOp&);
void convert_strided_slice(Context&, const TfliteOp&);
void convert_resize(Context&, const TfliteOp&);  // RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR
void convert_arg_max(Context&, const TfliteOp&);

// Shared helpers.
fb::Activation convert_activation(const TfliteOp& op, tfl::ActivationFunctionType activation);
fb::Padding convert_padding(const TfliteOp& op, tfl::Padding padding);
// A single axis from a constant tensor (SPLIT, ARG_MAX), in [-rank, rank).
int32_t constant_axis(const Context& c, const TfliteOp& op, int tensor, int rank);

template <typename T>
const T* required_options(const TfliteOp& op, const T* options, const char* table) {
  if (!options) throw ImportError(op_where(op) + " has no " + table);
  return options;
}

template <typename T>
fb::OpOptionsUnion make_options(T&& table) {
  fb::OpOptionsUnion u;
  u.Set(std::forward<T>(table));
  return u;
}

}  // namespace qrt::tflite_import
