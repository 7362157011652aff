#include "kernels/reference/unary_lut_builders.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/lut_s8.h"

namespace qrt::reference {

namespace {

constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
// M_SQRT1_2 and M_2_SQRTPI as TFLite's gelu.h spells them (POSIX macros).
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
constexpr double kSqrt2OverPi = 0.79788456080286535588;  // sqrt(2 / pi) in double
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();

std::string check_quantization(float input_scale, int32_t input_zero_point, float output_scale,
                               int32_t output_zero_point) {
  if (!(std::isfinite(input_scale) && input_scale > 0.0f)) {
    return "input scale must be finite and positive";
  }
  if (!(std::isfinite(output_scale) && output_scale > 0.0f)) {
    return "output scale must be finite and positive";
  }
  if (input_zero_point < -128 || input_zero_point > 127) {
    return "input zero point must be in [-128, 127]";
  }
  if (output_zero_point < -128 || output_zero_point > 127) {
    return "output zero point must be in [-128, 127]";
  }
  return "";
}

int32_t clamp_s8(int32_t x) { return std::min(std::max(x, int32_t{-128}), int32_t{127}); }

constexpr const char* kRatioOutOfRange =
    "fixedpoint needs a finite scale ratio below 2^31 (TFLite's integer kernels cannot apply it)";

// quantize_multiplier for a multiplier TFLite's integer kernels can apply:
// finite, with a left shift of at most 31 bits. Anything else (only absurd
// scale ratios) is undefined behaviour there, and an error here.
bool tflite_multiplier(double real, QuantizedMultiplier* m) {
  if (!std::isfinite(real)) return false;
  *m = quantize_multiplier(real);
  return m->shift <= 31;
}

// ---------------------------------------------------------------------------
// gemmlowp's scalar int32 fixed point (fixedpoint/fixedpoint.h), as TFLite's
// reference_integer_ops::Logistic / Tanh use it. A value is a raw int32 and a
// number of integer bits; the raw value of a Qm.(31-m) number x is
// x * 2^(31-m). Plain int32 + and - wrap here (gemmlowp leaves them to the
// hardware; none of the uses below overflow).

int32_t wrapping_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
int32_t wrapping_sub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}

// Fixed-point product (gemmlowp operator*): integer bits add up.
int32_t fixed_mul(int32_t a, int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

// SaturatingRoundingMultiplyByPOT<exponent>: saturating left shift, or
// rounding right shift.
int32_t saturating_rounding_multiply_by_pot(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return rounding_divide_by_pot(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - exponent)) - 1);
  if (x > threshold) return kInt32Max;
  if (x < -threshold) return kInt32Min;
  return static_cast<int32_t>(static_cast<uint32_t>(x) << exponent);
}

// Rescale<dst_integer_bits>(x with src_integer_bits).
int32_t fixed_rescale(int32_t raw, int src_integer_bits, int dst_integer_bits) {
  return saturating_rounding_multiply_by_pot(raw, src_integer_bits - dst_integer_bits);
}

// RoundingHalfSum: (a + b) / 2 rounded half away from zero.
int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = int64_t{a} + int64_t{b};
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

// exp(a) for a in [-1/4, 0), Q0.31 in and out: Taylor expansion around -1/8.
int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  const int32_t constant_term = 1895147668;             // exp(-1/8) in Q0.31
  const int32_t constant_1_over_3 = 715827883;          // 1/3 in Q0.31
  const int32_t x = wrapping_add(a, int32_t{1} << 28);  // a + 1/8
  const int32_t x2 = fixed_mul(x, x);
  const int32_t x3 = fixed_mul(x2, x);
  const int32_t x4 = fixed_mul(x2, x2);
  const int32_t x4_over_4 = saturating_rounding_multiply_by_pot(x4, -2);
  const int32_t x4_over_24_plus_x3_over_6_plus_x2_over_2 = saturating_rounding_multiply_by_pot(
      wrapping_add(fixed_mul(wrapping_add(x4_over_4, x3), constant_1_over_3), x2), -1);
  return wrapping_add(
      constant_term,
      fixed_mul(constant_term, wrapping_add(x, x4_over_24_plus_x3_over_6_plus_x2_over_2)));
}

// exp(a) for a <= 0 given with `integer_bits` integer bits; Q0.31 result.
// Only integer_bits <= 5 is needed (Logistic: 4, Tanh: 5), so gemmlowp's
// clamp below -32 (integer_bits > 5) never applies.
int32_t exp_on_negative_values(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = int32_t{1} << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = wrapping_sub(a & mask, one_quarter);
  int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      fixed_rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  const int32_t remainder = wrapping_sub(a_mod_quarter_minus_one_quarter, a);
  // Barrel shifter: multiply by exp(-2^e) for every bit 2^e set in the
  // remainder. Multipliers are exp(-2^e) in Q0.31.
  struct Step {
    int exponent;
    int32_t multiplier;
  };
  static constexpr Step kSteps[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084},
                                    {1, 290630308},   {2, 39332535},    {3, 720401},
                                    {4, 242}};
  for (const Step& step : kSteps) {
    if (integer_bits > step.exponent) {
      const int shift = fractional_bits + step.exponent;
      if (remainder & (int32_t{1} << shift)) result = fixed_mul(result, step.multiplier);
    }
  }
  return a == 0 ? kInt32Max : result;  // exp(0) = One() of Q0.31
}

// Newton-Raphson reciprocal iterations on half_denominator = (1 + a) / 2 in
// Q0.31; returns x ~ 1 / half_denominator in Q2.29. Shared by
// one_over_one_plus_x_for_x_in_0_1 and one_minus_x_over_one_plus_x_for_x_in_0_1.
int32_t newton_raphson_reciprocal_q2(int32_t half_denominator) {
  const int32_t constant_48_over_17 = 1515870810;       // Q2.29
  const int32_t constant_neg_32_over_17 = -1010580540;  // Q2.29
  const int32_t one_q2 = int32_t{1} << 29;
  int32_t x =
      wrapping_add(constant_48_over_17, fixed_mul(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = fixed_mul(half_denominator, x);  // Q2
    const int32_t one_minus_half_denominator_times_x =
        wrapping_sub(one_q2, half_denominator_times_x);
    // Q2 * Q2 = Q4, rescaled back to Q2.
    x = wrapping_add(x, fixed_rescale(fixed_mul(x, one_minus_half_denominator_times_x), 4, 2));
  }
  return x;
}

// 1 / (1 + a) for a in (0, 1), Q0.31 in and out.
int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t x = newton_raphson_reciprocal_q2(rounding_half_sum(a, kInt32Max));
  // ExactMulByPot<-1> (Q2 -> Q1, same raw), then Rescale<0> from Q1.
  return fixed_rescale(x, 1, 0);
}

// (1 - a) / (1 + a) for a in (0, 1), Q0.31 in and out.
int32_t one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t x = newton_raphson_reciprocal_q2(rounding_half_sum(a, kInt32Max));
  return fixed_rescale(wrapping_sub(x, int32_t{1} << 29), 2, 0);
}

// gemmlowp::logistic of a Q(integer_bits) value; Q0.31 result.
int32_t fixed_logistic(int32_t a, int integer_bits) {
  const bool positive = a > 0;
  const int32_t abs_input = positive ? a : wrapping_sub(0, a);
  const int32_t result_if_positive = one_over_one_plus_x_for_x_in_0_1(
      exp_on_negative_values(wrapping_sub(0, abs_input), integer_bits));
  const int32_t result_if_negative = wrapping_sub(kInt32Max, result_if_positive);
  if (a == 0) return int32_t{1} << 30;  // one half
  return positive ? result_if_positive : result_if_negative;
}

// gemmlowp::tanh of a Q(integer_bits) value; Q0.31 result.
int32_t fixed_tanh(int32_t a, int integer_bits) {
  const bool negative = a < 0;
  const int32_t n = negative ? a : wrapping_sub(0, a);  // -|a|
  // neg_tanh_on_negative_values: ExactMulByPot<1> reads the same raw value
  // with one more integer bit, i.e. exp(2n).
  const int32_t t =
      one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(n, integer_bits + 1));
  if (a == 0) return 0;
  return negative ? wrapping_sub(0, t) : t;
}

// ---------------------------------------------------------------------------
// Logistic / Tanh: TFLite Micro's Prepare and reference_integer_ops kernels.

constexpr int kSigmoidInputIntegerBits = 4;

struct SigmoidInputParams {
  int32_t multiplier = 0;
  int left_shift = 0;
  int32_t range_radius = 0;
};

SigmoidInputParams sigmoid_input_params(float input_scale) {
  SigmoidInputParams p;
  const double input_real_multiplier =
      static_cast<double>(input_scale) * static_cast<double>(1 << (31 - kSigmoidInputIntegerBits));
  const double q = std::frexp(input_real_multiplier, &p.left_shift);
  // q has float's 24-bit precision, so q * 2^31 is an exact integer < 2^31.
  p.multiplier = static_cast<int32_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  // CalculateInputRadius(4, left_shift, 31): floor(15 * 2^27 / 2^left_shift).
  // ldexp keeps it defined for any shift; only values up to 255 matter.
  const double radius =
      std::floor(std::ldexp(static_cast<double>((1 << kSigmoidInputIntegerBits) - 1),
                            31 - kSigmoidInputIntegerBits - p.left_shift));
  p.range_radius = static_cast<int32_t>(std::min(radius, 1e9));
  return p;
}

// Input in Q4.27, as reference_integer_ops::Logistic / Tanh compute it. Only
// reached for |input| < range_radius, which keeps the left shift in range.
int32_t sigmoid_input_in_q4(int32_t input, const SigmoidInputParams& p) {
  // Right shifts beyond 31 (input scales below 2^-59) are undefined in
  // TFLite; the exact result there is 0 (|input * multiplier| < 2^39).
  if (p.left_shift < -31) return 0;
  return multiply_by_quantized_multiplier(input, p.multiplier, p.left_shift);
}

// ---------------------------------------------------------------------------
// HardSwish: int16 helpers of reference_ops::HardSwish and gemmlowp's int16
// specialisations.

int16_t saturating_rounding_doubling_high_mul_s16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) {
    return std::numeric_limits<int16_t>::max();
  }
  const int32_t ab = int32_t{a} * int32_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// reference_ops::SaturatingDoublingHighMul: like the above but truncating.
int16_t saturating_doubling_high_mul_s16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) {
    return std::numeric_limits<int16_t>::max();
  }
  return static_cast<int16_t>((int32_t{a} * int32_t{b}) / (1 << 15));
}

// gemmlowp's generic RoundingDivideByPOT instantiated for int16, including
// its behaviour for exponents of 16..31, where the int16 mask is all ones
// (the result is then 1 for x >= 0 and -1 for x < 0).
int16_t rounding_divide_by_pot_s16(int16_t x, int exponent) {
  const int16_t mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// reference_ops::SaturatingLeftShift: value * 2^amount saturated to int16.
// (amount <= 30 here: tflite_multiplier caps the exponent at 31.)
int16_t saturating_left_shift_s16(int16_t value, int amount) {
  const int64_t result = int64_t{value} * (int64_t{1} << std::min(amount, 31));
  return static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(result, -32768), 32767));
}

// TFLite's DownScaleInt32ToInt16Multiplier (multiplier >= 0).
int16_t downscale_multiplier_to_s16(int32_t multiplier) {
  constexpr int32_t kRoundingOffset = 1 << 15;
  if (multiplier >= kInt32Max - kRoundingOffset) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((multiplier + kRoundingOffset) >> 16);
}

struct HardSwishParams {
  int16_t input_zero_point = 0;
  int16_t output_zero_point = 0;
  int16_t reluish_multiplier_fixedpoint_int16 = 0;
  int reluish_multiplier_exponent = 0;
  int16_t output_multiplier_fixedpoint_int16 = 0;
  int output_multiplier_exponent = 0;
};

// TFLite's HardSwishPrepare. All scale arithmetic is float32, as written
// there; QuantizeMultiplier then works on the float widened to double.
// Returns "" or why TFLite (or its undefined behaviour) rules the scales out.
std::string hard_swish_params(float input_scale, int32_t input_zero_point, float output_scale,
                              int32_t output_zero_point, HardSwishParams* params) {
  HardSwishParams& p = *params;
  p.input_zero_point = static_cast<int16_t>(input_zero_point);
  p.output_zero_point = static_cast<int16_t>(output_zero_point);
  const float hires_input_scale = (1.0f / 128.0f) * input_scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const float output_multiplier = hires_input_scale / output_scale;
  QuantizedMultiplier output_q;
  if (!tflite_multiplier(output_multiplier, &output_q) || output_q.shift > 0) {
    return "fixedpoint hard swish needs output scale > input scale / 128 (TFLite's "
           "HardSwishPrepare)";
  }
  p.output_multiplier_fixedpoint_int16 = downscale_multiplier_to_s16(output_q.multiplier);
  p.output_multiplier_exponent = output_q.shift;
  const float reluish_multiplier = hires_input_scale / reluish_scale;
  QuantizedMultiplier reluish_q;
  if (!tflite_multiplier(reluish_multiplier, &reluish_q)) return kRatioOutOfRange;
  p.reluish_multiplier_fixedpoint_int16 = downscale_multiplier_to_s16(reluish_q.multiplier);
  p.reluish_multiplier_exponent = reluish_q.shift;
  return "";
}

// reference_ops::HardSwish<int8_t> for one input value. Every intermediate is
// int16 as in TFLite (conversions back to int16 wrap, as TFLite's implicit
// narrowing does on every target).
int8_t hard_swish_fixedpoint(int32_t x, const HardSwishParams& p) {
  const int16_t input_value = static_cast<int16_t>(x - p.input_zero_point);
  const int16_t input_value_on_hires_input_scale = static_cast<int16_t>(input_value * (1 << 7));
  const int16_t input_value_on_preshift_output_scale = saturating_rounding_doubling_high_mul_s16(
      input_value_on_hires_input_scale, p.output_multiplier_fixedpoint_int16);
  int16_t reluish_value = input_value_on_hires_input_scale;
  if (p.reluish_multiplier_exponent > 0) {
    reluish_value = saturating_left_shift_s16(reluish_value, p.reluish_multiplier_exponent - 1);
  }
  reluish_value = saturating_rounding_doubling_high_mul_s16(reluish_value,
                                                            p.reluish_multiplier_fixedpoint_int16);
  if (p.reluish_multiplier_exponent > 0) {
    reluish_value = saturating_left_shift_s16(reluish_value, 1);
  }
  if (p.reluish_multiplier_exponent < 0) {
    reluish_value = rounding_divide_by_pot_s16(reluish_value, -p.reluish_multiplier_exponent);
  }
  // [-1, 1] in Q0.15 to [0, 1].
  reluish_value = static_cast<int16_t>((int32_t{reluish_value} + (1 << 15)) >> 1);
  const int16_t preshift_output_value =
      saturating_doubling_high_mul_s16(reluish_value, input_value_on_preshift_output_scale);
  int16_t output_value =
      rounding_divide_by_pot_s16(preshift_output_value, -p.output_multiplier_exponent);
  output_value = static_cast<int16_t>(output_value + p.output_zero_point);
  return static_cast<int8_t>(clamp_s8(output_value));
}

// ---------------------------------------------------------------------------
// GELU transforms of tensorflow/lite/kernels/internal/reference/gelu.h,
// compiled without FMA contraction like every kernel source.

float gelu_transform(float in) {
  return 0.5f * in * std::erfc(in * static_cast<float>(-kSqrtHalf));
}

float gelu_transform_approximate(float in) {
  constexpr float kSqrt2dPi = kTwoOverSqrtPi * kSqrtHalf;  // sqrt(2 / pi), as TFLite
  return 0.5f * in * (1.f + std::tanh(kSqrt2dPi * (in + 0.044715f * in * in * in)));
}

// ---------------------------------------------------------------------------
// ReluX and Requantize share one shape: multiply, add the zero point, clamp.

void fill_requantized(int32_t input_zero_point, QuantizedMultiplier m, int32_t output_zero_point,
                      ClampRange clamp, int8_t table[256]) {
  fill_lut_s8(
      [&](int32_t x) {
        return requantize_fixedpoint(x - input_zero_point, m, output_zero_point, clamp.min,
                                     clamp.max);
      },
      table);
}

// Relu / Relu6: ReluPrepare's multiplier is input_scale / output_scale in
// float32 (`double real_multiplier = input->params.scale / output->params.scale`).
std::string fill_relu_fixedpoint(float input_scale, int32_t input_zero_point, float output_scale,
                                 int32_t output_zero_point, FusedActivation activation,
                                 int8_t table[256]) {
  QuantizedMultiplier m;
  if (!tflite_multiplier(input_scale / output_scale, &m)) return kRatioOutOfRange;
  fill_requantized(input_zero_point, m, output_zero_point,
                   activation_range_s8(activation, output_scale, output_zero_point), table);
  return "";
}

}  // namespace

std::string build_logistic_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                               float output_scale, int32_t output_zero_point, int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (rule == RequantRule::kFp32) {
    build_lut_s8_fp32(
        input_scale, input_zero_point, output_scale, output_zero_point,
        [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, table);
    return "";
  }
  if (static_cast<double>(output_scale) != 1.0 / 256 || output_zero_point != -128) {
    return "fixedpoint logistic needs output scale 1/256 and zero point -128 (TFLite's int8 "
           "Logistic)";
  }
  const SigmoidInputParams p = sigmoid_input_params(input_scale);
  fill_lut_s8(
      [&](int32_t x) {
        const int32_t input = x - input_zero_point;
        if (input <= -p.range_radius) return int32_t{-128};
        if (input >= p.range_radius) return int32_t{127};
        const int32_t output_in_q0 =
            fixed_logistic(sigmoid_input_in_q4(input, p), kSigmoidInputIntegerBits);
        // Q0.31 to 1/256 units, then the fixed output zero point -128.
        return clamp_s8(rounding_divide_by_pot(output_in_q0, 31 - 8) - 128);
      },
      table);
  return "";
}

std::string build_tanh_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (rule == RequantRule::kFp32) {
    build_lut_s8_fp32(
        input_scale, input_zero_point, output_scale, output_zero_point,
        [](double x) { return std::tanh(x); }, table);
    return "";
  }
  if (static_cast<double>(output_scale) != 1.0 / 128 || output_zero_point != 0) {
    return "fixedpoint tanh needs output scale 1/128 and zero point 0 (TFLite's int8 Tanh)";
  }
  const SigmoidInputParams p = sigmoid_input_params(input_scale);
  fill_lut_s8(
      [&](int32_t x) {
        const int32_t input = x - input_zero_point;
        if (input <= -p.range_radius) return int32_t{-128};
        if (input >= p.range_radius) return int32_t{127};
        const int32_t output_in_q0 =
            fixed_tanh(sigmoid_input_in_q4(input, p), kSigmoidInputIntegerBits);
        // Q0.31 to 1/128 units.
        return clamp_s8(rounding_divide_by_pot(output_in_q0, 31 - 7));
      },
      table);
  return "";
}

std::string build_hard_swish_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                                 float output_scale, int32_t output_zero_point, int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (rule == RequantRule::kFp32) {
    build_lut_s8_fp32(
        input_scale, input_zero_point, output_scale, output_zero_point,
        [](double x) { return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; }, table);
    return "";
  }
  HardSwishParams p;
  error = hard_swish_params(input_scale, input_zero_point, output_scale, output_zero_point, &p);
  if (!error.empty()) return error;
  fill_lut_s8([&](int32_t x) { return hard_swish_fixedpoint(x, p); }, table);
  return "";
}

std::string build_leaky_relu_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                                 float output_scale, int32_t output_zero_point, float alpha,
                                 int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (!std::isfinite(alpha)) return "leaky relu alpha must be finite";
  if (rule == RequantRule::kFp32) {
    const double a = alpha;
    build_lut_s8_fp32(
        input_scale, input_zero_point, output_scale, output_zero_point,
        [a](double x) { return x >= 0.0 ? x : a * x; }, table);
    return "";
  }
  // LeakyReluPrepare, float32 arithmetic widened to double.
  QuantizedMultiplier identity, alpha_m;
  if (!tflite_multiplier(input_scale / output_scale, &identity) ||
      !tflite_multiplier(input_scale * alpha / output_scale, &alpha_m)) {
    return kRatioOutOfRange;
  }
  fill_lut_s8(
      [&](int32_t x) {
        const int32_t input = x - input_zero_point;
        const QuantizedMultiplier& m = input >= 0 ? identity : alpha_m;
        // int32 addition as TFLite's (wraps only for absurd alphas / scales).
        return clamp_s8(wrapping_add(
            output_zero_point, multiply_by_quantized_multiplier(input, m.multiplier, m.shift)));
      },
      table);
  return "";
}

std::string build_relu_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (rule == RequantRule::kFp32) {
    build_lut_s8_fp32(
        input_scale, input_zero_point, output_scale, output_zero_point,
        [](double x) { return std::max(x, 0.0); }, table);
    return "";
  }
  return fill_relu_fixedpoint(input_scale, input_zero_point, output_scale, output_zero_point,
                              FusedActivation::kRelu, table);
}

std::string build_relu6_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                            float output_scale, int32_t output_zero_point, int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (rule == RequantRule::kFp32) {
    build_lut_s8_fp32(
        input_scale, input_zero_point, output_scale, output_zero_point,
        [](double x) { return std::min(std::max(x, 0.0), 6.0); }, table);
    return "";
  }
  return fill_relu_fixedpoint(input_scale, input_zero_point, output_scale, output_zero_point,
                              FusedActivation::kRelu6, table);
}

std::string build_gelu_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, bool approximate,
                           int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (rule == RequantRule::kFp32) {
    if (approximate) {
      build_lut_s8_fp32(
          input_scale, input_zero_point, output_scale, output_zero_point,
          [](double x) {
            return 0.5 * x * (1.0 + std::tanh(kSqrt2OverPi * (x + 0.044715 * x * x * x)));
          },
          table);
    } else {
      build_lut_s8_fp32(
          input_scale, input_zero_point, output_scale, output_zero_point,
          [](double x) { return 0.5 * x * (1.0 + std::erf(x * kSqrtHalf)); }, table);
    }
    return "";
  }
  build_lut_s8_tflite_float(input_scale, input_zero_point, output_scale, output_zero_point,
                            approximate ? gelu_transform_approximate : gelu_transform, table);
  return "";
}

std::string build_erf_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                          float output_scale, int32_t output_zero_point, int8_t table[256]) {
  (void)rule;  // one table for both rules (unary_lut_builders.h)
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  build_lut_s8_fp32(
      input_scale, input_zero_point, output_scale, output_zero_point,
      [](double x) { return std::erf(x); }, table);
  return "";
}

std::string build_rescale_lut(RequantRule rule, float input_scale, int32_t input_zero_point,
                              float output_scale, int32_t output_zero_point, int8_t table[256]) {
  std::string error =
      check_quantization(input_scale, input_zero_point, output_scale, output_zero_point);
  if (!error.empty()) return error;
  if (rule == RequantRule::kFp32) {
    build_lut_s8_fp32(
        input_scale, input_zero_point, output_scale, output_zero_point, [](double x) { return x; },
        table);
    return "";
  }
  QuantizedMultiplier m;
  if (!tflite_multiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale),
                         &m)) {
    return kRatioOutOfRange;
  }
  fill_requantized(input_zero_point, m, output_zero_point, ClampRange{}, table);
  return "";
}

}  // namespace qrt::reference
