// Reference int8 2-D pooling: MaxPool2D (TFLite MAX_POOL_2D, ONNX MaxPool on
// int8) and AveragePool2D (TFLite AVERAGE_POOL_2D, ONNX QLinearAveragePool).
// The specification every optimized pooling kernel must match bit for bit.
#pragma once

#include <cstdint>

#include "kernels/reference/padding.h"
#include "kernels/requantization.h"

namespace qrt::reference {

// Shapes are NHWC; input and output have the same batch and channels. Padding
// is already resolved (see padding.h, SAME / VALID / explicit); only the top
// and left amounts matter, the output size implies the rest.
struct Pool2DParams {
  int batch = 1;
  int input_height = 0;
  int input_width = 0;
  int channels = 0;
  int output_height = 0;
  int output_width = 0;
  int filter_height = 0;
  int filter_width = 0;
  int stride_height = 1;
  int stride_width = 1;
  int pad_top = 0;
  int pad_left = 0;
  ClampRange clamp;  // fused activation, in output quantized units
};

// Largest filter_height * filter_width the kernels accept: with |x - zp| <=
// 255 per tap, the int32 window sums cannot overflow. The loader rejects more.
constexpr int kMaxPool2DFilterArea = 1 << 23;

// True when every output window covers at least one input pixel. TFLite's
// AveragePool fails at run time on an empty window; qrt rejects such a
// geometry at prepare instead (SAME, VALID and ONNX pads < kernel never make
// one). The kernels still give a defined result for it, see below.
bool pool2d_every_window_overlaps_input(const Pool2DParams& p);

// output[b][oy][ox][c] = clamp(max of input over the window's valid pixels).
// Input and output quantization must be equal (the caller checks; TFLite and
// ONNX both require it), so no requantization happens. Padded positions never
// win: this is TFLite's reference_integer_ops::MaxPool. An empty window yields
// clamp(-128).
void max_pool2d_s8(const Pool2DParams& p, const int8_t* input, int8_t* output);

struct AveragePool2DParams {
  Pool2DParams pool;
  RequantRule rule = RequantRule::kFixedPoint;
  // false: divide by the number of valid (in-image) positions of the window
  //        (TFLite; ONNX count_include_pad=0).
  // true:  divide by filter_height * filter_width, padded positions counting
  //        as the input zero point (ONNX count_include_pad=1).
  bool count_include_pad = false;
  // kFixedPoint only. false: round the average half away from zero (TFLite's
  // int8 AVERAGE_POOL_2D). true: round half up, toward +infinity, which is
  // what TFLite's uint8 kernel gives: it rounds (sum_u8 + count / 2) / count
  // on the uint8 values u = x + 128, and with sum_u8 = sum + 128 * count that
  // is floor((sum + count / 2) / count) + 128. Set after init (legacy uint8
  // TFLite models; .qfb Pool2DOptions.round_half_up).
  bool round_half_up = false;
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;  // kFp32 only (kFixedPoint: equal to the input's)
  float input_to_output_scale = 1.0f;  // kFp32 only: input_scale / output_scale
};

// Prepare-time setup. kFixedPoint requires input_scale == output_scale and
// input_zero_point == output_zero_point (TFLite's AVERAGE_POOL_2D does; the
// caller checks, the scales are then unused). kFp32 computes the ratio once
// in float32, input_scale / output_scale, saturated to FLT_MAX if it
// overflows so that the kernel never multiplies 0 by infinity.
AveragePool2DParams init_average_pool2d_params(const Pool2DParams& pool, RequantRule rule,
                                               bool count_include_pad, float input_scale,
                                               int32_t input_zero_point, float output_scale,
                                               int32_t output_zero_point);

// Per output element, over the window's positions inside the input ("valid"),
// with count = valid count (count_include_pad false) or filter area (true):
//
// kFixedPoint (TFLite reference_integer_ops::AveragePool for int8):
//   sum = int32 sum of the raw int8 values over the valid positions
//         (+ input_zero_point * (filter area - valid count) if count_include_pad)
//   avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count
//         (C++ division truncating toward zero: round half away from zero)
//         or, with round_half_up, avg = floor((sum + count / 2) / count)
//   out = clamp(avg)
//
// kFp32 (ONNX QLinearAveragePool semantics, on an exact integer sum):
//   acc = int32 sum of (x - input_zero_point) over the valid positions
//         (padded positions, when counted, contribute 0)
//   v   = static_cast<float>(acc) * input_to_output_scale / static_cast<float>(count)
//         evaluated left to right in float32, no FMA: ((float)acc * ratio) / (float)count
//   out = nearbyint(min(max(v, clamp.min - zp), clamp.max - zp)) + zp, zp = output_zero_point
//         (round half to even, as requantize_fp32)
//
// An empty window (count 0, only without count_include_pad; see
// pool2d_every_window_overlaps_input) yields clamp(zero point).
void average_pool2d_s8(const AveragePool2DParams& p, const int8_t* input, int8_t* output);

}  // namespace qrt::reference
