#include "kernels/reference/mean_s8.h"

#include <algorithm>
#include <cmath>

namespace qrt {
namespace reference {
namespace {

bool is_int8(int32_t zero_point) { return zero_point >= -128 && zero_point <= 127; }

int floor_log2(int64_t x) {  // x > 0
  int log2 = 0;
  while (x > 1) {
    x >>= 1;
    ++log2;
  }
  return log2;
}

// QuantizedMeanOrSum's "readapt output rescaling": fold 1 / count into the
// Q31 multiplier. shift = floor(log2(count)), capped at 32 and at
// 31 + multiplier shift, then multiplier * 2^shift / count truncated.
QuantizedMultiplier fold_count_into_multiplier(QuantizedMultiplier m, int64_t count) {
  int shift = floor_log2(count);
  shift = std::min(shift, 32);
  shift = std::min(shift, 31 + m.shift);
  QuantizedMultiplier folded;
  folded.multiplier = static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << shift) / count);
  folded.shift = m.shift - shift;
  return folded;
}

}  // namespace

std::string init_mean_s8_params(RequantRule rule, const int32_t* input_dims, int input_rank,
                                bool keep_dims, float input_scale, int32_t input_zero_point,
                                float output_scale, int32_t output_zero_point,
                                MeanS8Params* params, bool uint8_arithmetic) {
  if (input_rank != 4) return "mean over H, W needs an NHWC input of rank 4";
  for (int d = 0; d < 4; ++d) {
    if (input_dims[d] < 0) return "negative dimension";
  }
  const int64_t count = static_cast<int64_t>(input_dims[1]) * input_dims[2];
  // 255 * 2^23 < 2^31: every sum, and sum - z_in * count, fits int32 exactly.
  if (count == 0 || count > (int64_t{1} << 23)) {
    return "mean needs 1 <= height * width <= 2^23";
  }
  if (!(std::isfinite(input_scale) && input_scale > 0.0f) ||
      !(std::isfinite(output_scale) && output_scale > 0.0f)) {
    return "scales must be finite and positive";
  }
  if (!is_int8(input_zero_point) || !is_int8(output_zero_point)) {
    return "zero points must be in [-128, 127]";
  }
  MeanS8Params p;
  p.rule = rule;
  p.batch = input_dims[0];
  p.height = input_dims[1];
  p.width = input_dims[2];
  p.channels = input_dims[3];
  if (keep_dims) {
    p.output_rank = 4;
    p.output_dims[0] = p.batch;
    p.output_dims[1] = 1;
    p.output_dims[2] = 1;
    p.output_dims[3] = p.channels;
  } else {
    p.output_rank = 2;
    p.output_dims[0] = p.batch;
    p.output_dims[1] = p.channels;
  }
  p.input_zero_point = input_zero_point;
  p.output_zero_point = output_zero_point;
  if (rule == RequantRule::kFixedPoint && keep_dims) {
    // optimized_integer_ops::Mean: scale and bias in float32, as TFLite.
    p.optimized_mean_4d = true;
    p.value_offset = uint8_arithmetic ? 128 : 0;
    const float real = input_scale / (static_cast<float>(count) * output_scale);
    p.multiplier = quantize_multiplier(static_cast<double>(real));
    if (p.multiplier.shift > 30) return "input / output scale ratio out of range";
    float t = static_cast<float>(input_zero_point + p.value_offset) * input_scale / output_scale;
    t = t > 0.0f ? t + 0.5f : t - 0.5f;
    if (!(std::fabs(t) < 2e9f)) return "input zero point times the scale ratio is out of range";
    p.bias = output_zero_point + p.value_offset - static_cast<int32_t>(t);
  } else if (rule == RequantRule::kFixedPoint) {
    // PrepareMeanOrSum: QuantizeMultiplier(double(s_in) / double(s_out)).
    const double real = static_cast<double>(input_scale) / static_cast<double>(output_scale);
    p.multiplier = fold_count_into_multiplier(quantize_multiplier(real), count);
    if (p.multiplier.shift > 30) return "input / output scale ratio out of range";
  } else {
    p.scale = input_scale / (output_scale * static_cast<float>(count));
    if (!std::isfinite(p.scale)) return "input / output scale ratio is not finite";
  }
  *params = p;
  return {};
}

// fixedpoint with keep_dims, per (batch, channel), as optimized Mean:
//   out = MultiplyByQuantizedMultiplier(sum of raw x, multiplier) + bias, clamped
//   (uint8 arithmetic: the sum of x + 128, and out - 128, bias as set up)
// fixedpoint otherwise, as QuantizedMeanOrSum:
//   sum = sum of raw x over H, W (int32)
//   out = MultiplyByQuantizedMultiplier(sum - z_in * count, folded multiplier)
//         + z_out, clamped
// fp32: acc = sum of (x - z_in); out = requantize_fp32(acc, scale, z_out).
void mean_s8(const MeanS8Params& params, const int8_t* input, int8_t* output) {
  const MeanS8Params& p = params;
  const int64_t count = static_cast<int64_t>(p.height) * p.width;
  const int64_t batch_stride = count * p.channels;
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t c = 0; c < p.channels; ++c) {
      const int8_t* in = input + b * batch_stride + c;
      int32_t sum = 0;
      for (int64_t i = 0; i < count; ++i) sum += in[i * p.channels];
      int32_t q;
      if (p.optimized_mean_4d) {
        // 255 * 2^23 < 2^31: the uint8 sum fits int32 too.
        const int32_t raw_sum = static_cast<int32_t>(sum + p.value_offset * count);
        const int64_t scaled = int64_t{multiply_by_quantized_multiplier(raw_sum, p.multiplier.multiplier,
                                                                        p.multiplier.shift)} +
                               p.bias - p.value_offset;
        q = static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(scaled, p.clamp.min), p.clamp.max));
      } else if (p.rule == RequantRule::kFixedPoint) {
        const int32_t shifted_sum = static_cast<int32_t>(sum - p.input_zero_point * count);
        q = requantize_fixedpoint(shifted_sum, p.multiplier, p.output_zero_point, p.clamp.min,
                                  p.clamp.max);
      } else {
        const int32_t acc = static_cast<int32_t>(sum - p.input_zero_point * count);
        q = requantize_fp32(acc, p.scale, p.output_zero_point, p.clamp.min, p.clamp.max);
      }
      output[static_cast<int64_t>(b) * p.channels + c] = static_cast<int8_t>(q);
    }
  }
}

}  // namespace reference
}  // namespace qrt
