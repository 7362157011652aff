// Reference int8 Mean over H and W of an NHWC tensor (axes {1, 2}).
//
// fixedpoint reproduces what TFLite's default kernels compute for int8 MEAN
// (LiteRT tflite/kernels/reduce.cc, EvalMean<kGenericOptimized>):
//  - keep_dims (4-D output): optimized_integer_ops::Mean. The raw int8 sum
//    (no zero point taken off) times QuantizeMultiplier(float32
//    s_in / (float(H * W) * s_out)), double rounding, plus
//    bias = z_out - trunc(t +/- 0.5) with t = float(z_in) * s_in / s_out in
//    float32, then the clamp. Measured equal to TFLite on tf2_mobilenet_v2.
//  - otherwise: reference_ops::QuantizedMeanOrSum with multiplier / shift =
//    QuantizeMultiplier(s_in / s_out) from PrepareMeanOrSum and 1 / count
//    folded into the multiplier.
//
// fp32: sum of (x - z_in) in int32, times the float32 scale
// s_in / (s_out * count), round half to even, plus z_out, clamp.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/requantization.h"

namespace qrt {
namespace reference {

struct MeanS8Params {
  RequantRule rule = RequantRule::kFixedPoint;
  int32_t batch = 0;
  int32_t height = 0;
  int32_t width = 0;
  int32_t channels = 0;
  // Output shape: {batch, 1, 1, channels} with keep_dims, else {batch,
  // channels}. The data layout is the same either way.
  int32_t output_rank = 0;
  int32_t output_dims[4] = {0, 0, 0, 0};
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  ClampRange clamp;  // mean has no fused activation: the full int8 range
  // kFixedPoint: with keep_dims, the optimized Mean's multiplier of
  // s_in / (count * s_out) and its bias; otherwise QuantizeMultiplier(s_in /
  // s_out) with 1 / (height * width) folded in as QuantizedMeanOrSum does.
  bool optimized_mean_4d = false;
  QuantizedMultiplier multiplier;
  int32_t bias = 0;
  // optimized_mean_4d only: 128 when computing as TFLite's uint8 Mean on the
  // values x + 128 (raw sum, bias and clamp in uint8 terms), else 0.
  int32_t value_offset = 0;
  float scale = 0.0f;  // kFp32: s_in / (s_out * float(height * width))
};

// input_dims: NHWC, rank 4. Errors: rank not 4, negative dims, H * W == 0 or
// above 2^24 (keeps the int32 sums exact), bad scales, zero points outside
// int8; fixedpoint: none beyond those (TFLite flushes tiny ratios to zero).
// uint8_arithmetic (fixedpoint with keep_dims; ignored otherwise, where
// TFLite's uint8 and int8 kernels agree on the shifted values): TFLite's
// uint8 optimized Mean, i.e. the formula above on u = x + 128 with the zero
// points + 128, the result - 128.
std::string init_mean_s8_params(RequantRule rule, const int32_t* input_dims, int input_rank,
                                bool keep_dims, float input_scale, int32_t input_zero_point,
                                float output_scale, int32_t output_zero_point,
                                MeanS8Params* params, bool uint8_arithmetic = false);

void mean_s8(const MeanS8Params& params, const int8_t* input, int8_t* output);

}  // namespace reference
}  // namespace qrt
