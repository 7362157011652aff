// average_pool2d_s8__neon: see kernels/arm/pool2d_s8.h. Per output pixel,
// the window's valid rows and columns exactly as the reference computes
// them (clipped to the image; an empty window has none), then the channels
// 16 at a time: the window sum is exact in int32 lanes (|x| <= 128 per tap,
// at most kMaxPool2DFilterArea taps), then divided by the count.
//
// The division, the only rounding step:
//  - AArch64, fixedpoint: TFLite's rounding integer division, as
//    (sum +- count / 2) / count in float64, truncated (half away from zero)
//    or floored (half up). The numerator and count are integers below 2^31
//    and 2^24: a quotient that is not an integer lies at least 1 / count
//    from the next one, and its float64 rounding error is below
//    2^31 / count * 2^-53, far less, so truncating or flooring the float64
//    quotient is the integer division itself.
//  - AArch64, fp32: ((float)acc * ratio) / (float)count with VMUL and VDIV,
//    IEEE float32 operations rounded to nearest even like the scalar ones.
//  - ARMv7 (no vector division) and the channel tail: the reference's
//    scalar formulas, lane by lane.
#include <arm_neon.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "kernels/arm/pool2d_s8.h"
#include "kernels/arm/requant_neon.h"

namespace qrt::arm {
namespace {

// a / b rounded toward -infinity, for b > 0.
int32_t floor_divide(int32_t a, int32_t b) {
  const int32_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// One output from the raw sum of a window with `valid` taps inside the
// image and divisor `count` > 0: the reference's formulas, step for step.
int8_t average_from_sum(const reference::AveragePool2DParams& p, int32_t raw_sum, int valid, int count) {
  const ClampRange clamp = p.pool.clamp;
  if (p.rule == RequantRule::kFixedPoint) {
    const int32_t sum = raw_sum + (count - valid) * p.input_zero_point;
    const int32_t average = p.round_half_up ? floor_divide(sum + count / 2, count)
                            : sum > 0       ? (sum + count / 2) / count
                                            : (sum - count / 2) / count;
    return static_cast<int8_t>(std::min(std::max(average, clamp.min), clamp.max));
  }
  const int32_t acc = raw_sum - valid * p.input_zero_point;
  float v = static_cast<float>(acc) * p.input_to_output_scale;
  v = v / static_cast<float>(count);
  v = std::min(std::max(v, static_cast<float>(clamp.min - p.output_zero_point)),
               static_cast<float>(clamp.max - p.output_zero_point));
  return static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(v)) + p.output_zero_point);
}

// Sums of 16 channels over the window's valid taps: int16 lanes for up to
// 256 taps (|sum| <= 128 * 256 fits), then added into int32 lanes.
struct WindowSum {
  int32x4_t quad[4];
};

inline WindowSum window_sum16(const int8_t* image, size_t row_stride, size_t channels, int y_begin, int y_end,
                              int x_begin, int x_end) {
  WindowSum s;
  for (auto& q : s.quad) q = vdupq_n_s32(0);
  int16x8_t lo = vdupq_n_s16(0), hi = vdupq_n_s16(0);
  int pending = 0;
  for (int y = y_begin; y < y_end; ++y) {
    const int8_t* row = image + static_cast<size_t>(y) * row_stride;
    for (int x = x_begin; x < x_end; ++x) {
      const int8x16_t v = vld1q_s8(row + static_cast<size_t>(x) * channels);
      lo = vaddw_s8(lo, vget_low_s8(v));
      hi = vaddw_s8(hi, vget_high_s8(v));
      if (++pending == 256) {
        s.quad[0] = vaddw_s16(s.quad[0], vget_low_s16(lo));
        s.quad[1] = vaddw_s16(s.quad[1], vget_high_s16(lo));
        s.quad[2] = vaddw_s16(s.quad[2], vget_low_s16(hi));
        s.quad[3] = vaddw_s16(s.quad[3], vget_high_s16(hi));
        lo = hi = vdupq_n_s16(0);
        pending = 0;
      }
    }
  }
  s.quad[0] = vaddw_s16(s.quad[0], vget_low_s16(lo));
  s.quad[1] = vaddw_s16(s.quad[1], vget_high_s16(lo));
  s.quad[2] = vaddw_s16(s.quad[2], vget_low_s16(hi));
  s.quad[3] = vaddw_s16(s.quad[3], vget_high_s16(hi));
  return s;
}

#if defined(__aarch64__)
// The per-pixel constants of the vector division.
struct Divisor {
  int32x4_t correction;  // added to the raw sums first
  int32x4_t half;        // count / 2
  float64x2_t count_d;
  float32x4_t count_f;
};

// fixedpoint: see the file comment.
template <bool HALF_UP>
inline int32x4_t divide_rounding(int32x4_t sum, const Divisor& d) {
  int32x4_t numerator;
  if constexpr (HALF_UP) {
    numerator = vaddq_s32(sum, d.half);
  } else {
    numerator = vbslq_s32(vcgtq_s32(sum, vdupq_n_s32(0)), vaddq_s32(sum, d.half), vsubq_s32(sum, d.half));
  }
  float64x2_t lo = vdivq_f64(vcvtq_f64_s64(vmovl_s32(vget_low_s32(numerator))), d.count_d);
  float64x2_t hi = vdivq_f64(vcvtq_f64_s64(vmovl_s32(vget_high_s32(numerator))), d.count_d);
  if constexpr (HALF_UP) {
    lo = vrndmq_f64(lo);
    hi = vrndmq_f64(hi);
  }
  // VCVTZS truncates toward zero; the values fit int32.
  return vcombine_s32(vmovn_s64(vcvtq_s64_f64(lo)), vmovn_s64(vcvtq_s64_f64(hi)));
}

// 16 outputs from 16 raw window sums.
inline int8x16_t average16(const reference::AveragePool2DParams& p, const WindowSum& s, const Divisor& d,
                           const OutputBounds& b) {
  int32x4_t q[4];
  for (int j = 0; j < 4; ++j) {
    const int32x4_t sum = vaddq_s32(s.quad[j], d.correction);
    if (p.rule == RequantRule::kFixedPoint) {
      const int32x4_t average = p.round_half_up ? divide_rounding<true>(sum, d) : divide_rounding<false>(sum, d);
      q[j] = vminq_s32(vmaxq_s32(average, b.lo), b.hi);
    } else {
      // ((float)acc * ratio) / (float)count, in this order, no FMA.
      const float32x4_t v =
          vdivq_f32(vmulq_f32(vcvtq_f32_s32(sum), vdupq_n_f32(p.input_to_output_scale)), d.count_f);
      q[j] = clamp_round_fp32(v, b);
    }
  }
  return vcombine_s8(narrow_to_s8(q[0], q[1]), narrow_to_s8(q[2], q[3]));
}
#endif

}  // namespace

void average_pool2d_s8__neon(const reference::AveragePool2DParams& p, const int8_t* input, int8_t* output) {
  const reference::Pool2DParams& g = p.pool;
  if (g.clamp.min < -128 || g.clamp.max > 127 || g.clamp.min > g.clamp.max ||
      static_cast<int64_t>(g.filter_height) * g.filter_width > reference::kMaxPool2DFilterArea) {
    reference::average_pool2d_s8(p, input, output);  // never prepared: keep the reference's exact behaviour
    return;
  }
  const size_t channels = static_cast<size_t>(g.channels);
  const size_t full = channels / 16 * 16;
  const int filter_area = g.filter_height * g.filter_width;
  const size_t row_stride = static_cast<size_t>(g.input_width) * channels;
  const size_t image_size = static_cast<size_t>(g.input_height) * row_stride;
#if defined(__aarch64__)
  // fixedpoint clamps the average itself (zero point 0 in the bounds); fp32
  // clamps before adding the output zero point.
  const OutputBounds bounds = p.rule == RequantRule::kFixedPoint
                                  ? make_output_bounds(0, g.clamp.min, g.clamp.max)
                                  : make_output_bounds(p.output_zero_point, g.clamp.min, g.clamp.max);
#endif
  for (int b = 0; b < g.batch; ++b) {
    const int8_t* image = input + b * image_size;
    for (int oy = 0; oy < g.output_height; ++oy) {
      const int y_origin = oy * g.stride_height - g.pad_top;
      const int y_begin = std::max(y_origin, 0), y_end = std::min(y_origin + g.filter_height, g.input_height);
      for (int ox = 0; ox < g.output_width; ++ox, output += channels) {
        const int x_origin = ox * g.stride_width - g.pad_left;
        const int x_begin = std::max(x_origin, 0), x_end = std::min(x_origin + g.filter_width, g.input_width);
        const int valid = std::max(0, y_end - y_begin) * std::max(0, x_end - x_begin);
        const int count = p.count_include_pad ? filter_area : valid;
        if (count == 0) {
          const int8_t value = static_cast<int8_t>(std::min(std::max(p.output_zero_point, g.clamp.min), g.clamp.max));
          std::fill(output, output + channels, value);
          continue;
        }
#if defined(__aarch64__)
        Divisor d;
        d.correction = vdupq_n_s32(p.rule == RequantRule::kFixedPoint ? (count - valid) * p.input_zero_point
                                                                       : -valid * p.input_zero_point);
        d.half = vdupq_n_s32(count / 2);
        d.count_d = vdupq_n_f64(count);
        d.count_f = vdupq_n_f32(static_cast<float>(count));
#endif
        size_t c = 0;
        for (; c < full; c += 16) {
          const WindowSum s = window_sum16(image + c, row_stride, channels, y_begin, y_end, x_begin, x_end);
#if defined(__aarch64__)
          vst1q_s8(output + c, average16(p, s, d, bounds));
#else
          int32_t sums[16];
          for (int j = 0; j < 4; ++j) vst1q_s32(sums + 4 * j, s.quad[j]);
          for (int j = 0; j < 16; ++j) output[c + j] = average_from_sum(p, sums[j], valid, count);
#endif
        }
        for (; c < channels; ++c) {
          int32_t sum = 0;
          for (int y = y_begin; y < y_end; ++y) {
            for (int x = x_begin; x < x_end; ++x) sum += image[static_cast<size_t>(y) * row_stride + x * channels + c];
          }
          output[c] = average_from_sum(p, sum, valid, count);
        }
      }
    }
  }
}

}  // namespace qrt::arm
