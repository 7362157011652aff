// Table builders for the int8 unary ops applied by lut_s8 (see lut_s8.h for
// the table layout). Each returns "" on success or an error message, and
// writes the table only on success. Common checks: scales finite and > 0, zero
// points in [-128, 127]; for fixedpoint also that every multiplier is one
// TFLite's integer kernels can apply (finite, left shift <= 31: only absurd
// scale ratios, around 2^31 and up, fail this). Where TFLite's own arithmetic
// is undefined for extreme but valid scales, the builders use the exact value
// of its formula (noted per builder in the source).
//
// RequantRule::kFixedPoint: each entry is exactly what TFLite computes for
// that input value, with the integer parameters derived from the float scales
// as TFLite's Prepare derives them (sources named per builder below).
//
// RequantRule::kFp32 (ONNX Runtime / XNNPACK style), for every op:
//   x_real = float(x - input_zero_point) * input_scale                (float32)
//   y      = float(f(double(x_real)))                  (f below, in double)
//   q      = nearbyint(y / output_scale) + output_zero_point, saturated
// (float32 division, round half to even; see build_lut_s8_fp32).
#pragma once

#include <cstdint>
#include <string>

#include "kernels/requantization.h"

namespace qrt::reference {

// Logistic (sigmoid). fp32: f(x) = 1 / (1 + exp(-x)).
// fixedpoint: reference_integer_ops::Logistic (gemmlowp fixed-point logistic
// on a Q4.27 input) with TFLite Micro's Prepare: input_multiplier and
// input_left_shift from frexp(input_scale * 2^27) (mantissa rounded half away
// to Q31), input_range_radius = floor(15 * 2^27 / 2^input_left_shift). The
// kernel hard-codes the output quantization, so output_scale must be exactly
// 1/256 and output_zero_point -128, as TFLite requires; anything else is an
// error.
// (TFLite's interpreter kernels, lite/kernels/activations.cc, instead fill
// the int8 table with LUTPopulate from 1.0f / (1.0f + expf(-x)) or tanhf,
// i.e. build_lut_s8_tflite_float; that differs from the gemmlowp kernel in
// about 1 entry in 250000, by one step, where the value is within ~1e-6 of a
// rounding boundary.)
std::string build_logistic_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                               float output_scale, int32_t output_zero_point, int8_t table[256]);

// Tanh. fp32: f(x) = tanh(x).
// fixedpoint: reference_integer_ops::Tanh (gemmlowp fixed-point tanh on a
// Q4.27 input), parameters as for Logistic. Output must be scale 1/128,
// zero point 0.
std::string build_tanh_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, int8_t table[256]);

// HardSwish. fp32: f(x) = x * min(max(x + 3, 0), 6) / 6.
// fixedpoint: reference_ops::HardSwish<int8_t> (int16 fixed point) with the
// HardSwishParams of TFLite's HardSwishPrepare (output and "reluish"
// multipliers computed in float, quantized, then rounded to int16). TFLite
// rejects output_scale <= input_scale / 128 (output multiplier exponent > 0);
// so does this builder.
std::string build_hard_swish_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                                 float output_scale, int32_t output_zero_point, int8_t table[256]);

// LeakyRelu. fp32: f(x) = x >= 0 ? x : alpha * x.
// fixedpoint: reference_ops::QuantizeLeakyRelu with LeakyReluPrepare's
// multipliers: identity = quantize_multiplier(float(input_scale /
// output_scale)), alpha = quantize_multiplier(float(input_scale * alpha /
// output_scale)) (float32 arithmetic, as TFLite writes it).
std::string build_leaky_relu_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                                 float output_scale, int32_t output_zero_point, float alpha,
                                 int8_t table[256]);

// Relu. fp32: f(x) = max(x, 0).
// fixedpoint: TFLite's ReluX quantized path: output_zero_point +
// multiply_by_quantized_multiplier(x - input_zero_point, quantize_multiplier(
// float(input_scale / output_scale))), clamped to [max(-128,
// output_zero_point), 127].
std::string build_relu_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, int8_t table[256]);

// Relu6. fp32: f(x) = min(max(x, 0), 6).
// fixedpoint: as Relu, clamped to activation_range_s8(kRelu6, output_scale,
// output_zero_point) (upper bound zero point + roundf(6.0f / output_scale)).
std::string build_relu6_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                            float output_scale, int32_t output_zero_point, int8_t table[256]);

// GELU. fp32, in double: f(x) = 0.5 * x * (1 + erf(x * M_SQRT1_2)), or when
// approximate 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x * x * x))).
// fixedpoint: TFLite's GeluPrepare: LUTPopulate<int8_t> (see
// build_lut_s8_tflite_float) with reference_ops::GeluTransform, in float:
//   0.5f * x * erfcf(x * float(-1/sqrt(2)))
// or GeluTransformApproximate:
//   0.5f * x * (1 + tanhf(float(sqrt(2/pi)) * (x + 0.044715f * x * x * x))).
// erfcf / tanhf come from the platform's libm, as in TFLite.
std::string build_gelu_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, bool approximate,
                           int8_t table[256]);

// ERF (ONNX Erf; TFLite has no int8 Erf, so both rules build the same
// table): build_lut_s8_fp32 with f(x) = erf(x) in double. fixedpoint uses
// the fp32 table too (there is no TFLite arithmetic to reproduce).
std::string build_erf_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                          float output_scale, int32_t output_zero_point, int8_t table[256]);

// int8 -> int8 requantization (Quantize int8 -> int8, and any op whose input
// and output quantization differ). fp32: f(x) = x (ONNX DequantizeLinear then
// QuantizeLinear). fixedpoint: TFLite's Requantize: multiply_by_quantized_
// multiplier(x - input_zero_point, quantize_multiplier(double(input_scale) /
// double(output_scale))) + output_zero_point, clamped to int8.
std::string build_rescale_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                              float output_scale, int32_t output_zero_point, int8_t table[256]);

}  // namespace qrt::reference
