// dynamic_fully_connected_f32s8_4x16__neon: DYNAMIC_FULLY_CONNECTED on the
// AArch64 NEON 4x16 tiles (see kernels/dynamic_fully_connected_f32s8.h for
// the packing and the exactness argument). AArch64 Advanced SIMD follows
// FPCR like scalar code (round to nearest even, no flush to zero on Linux)
// and the kernels are built with -ffp-contract=off, so each vector step is
// the reference's scalar IEEE operation lane by lane: x / scale, round half
// to even, + zero point, NaN to the zero point, clamp to [0, 255]; then
// float(acc) * (scale * weight_scale) [+ bias] and the reference's clamp
// (compare and select, so NaN stays NaN and -0 stays -0, which FMAX / FMIN
// would not keep).
#include "kernels/arm/dynamic_fully_connected_f32s8.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/dynamic_fc_driver.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"

namespace qrt::arm {
namespace {

constexpr GemmLayout kLayout = kQs8GemmNeon;
constexpr int kMr = kLayout.mr;
constexpr int kNr = kLayout.nr;
constexpr int kQuads = kNr / 4;
static_assert(kNr == 16 && kLayout.kr == 1, "the AArch64 4x16 layout");

// The reference's parameters for these n values: lo = min(0, min x),
// hi = max(0, max x), NaN skipped (compare and select, as the scalar loop).
reference::DynamicQuantization quantization_of(const float* x, size_t n) {
  float32x4_t lo = vdupq_n_f32(0.0f), hi = vdupq_n_f32(0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = vld1q_f32(x + i);
    lo = vbslq_f32(vcltq_f32(v, lo), v, lo);
    hi = vbslq_f32(vcgtq_f32(v, hi), v, hi);
  }
  // No lane holds NaN or -0 (each starts at 0 and only takes smaller or
  // larger numbers), so FMINV / FMAXV give the scalar loop's answer.
  float l = vminvq_f32(lo), h = vmaxvq_f32(hi);
  for (; i < n; ++i) {
    l = x[i] < l ? x[i] : l;
    h = x[i] > h ? x[i] : h;
  }
  return reference::dynamic_quantization_from_range(l, h);
}

// Four values quantized to the int8 storage value (uint8 - 128), as int32.
inline int32x4_t quantize4(float32x4_t x, float32x4_t scale, float32x4_t zero_point_u8) {
  float32x4_t v = vaddq_f32(vrndnq_f32(vdivq_f32(x, scale)), zero_point_u8);
  v = vbslq_f32(vceqq_f32(v, v), v, zero_point_u8);  // NaN: the zero point
  v = vminq_f32(vmaxq_f32(v, vdupq_n_f32(0.0f)), vdupq_n_f32(255.0f));
  return vsubq_s32(vcvtq_s32_f32(v), vdupq_n_s32(128));  // v is an integer: exact
}

// One row quantized into int16 (kr = 1: kp == k, no padding); the last 1
// to 7 values through a zero-filled copy.
void quantize_row(const float* x, size_t k, size_t /*kp*/, const reference::DynamicQuantization& q, int16_t* dst) {
  const float32x4_t scale = vdupq_n_f32(q.scale);
  const float32x4_t zero_point_u8 = vdupq_n_f32(static_cast<float>(q.zero_point + 128));
  auto quantize8 = [&](const float* values) {
    return vcombine_s16(vmovn_s32(quantize4(vld1q_f32(values), scale, zero_point_u8)),
                        vmovn_s32(quantize4(vld1q_f32(values + 4), scale, zero_point_u8)));
  };
  size_t i = 0;
  for (; i + 8 <= k; i += 8) vst1q_s16(dst + i, quantize8(x + i));
  if (i < k) {
    float tail_in[8] = {};
    int16_t tail_out[8];
    std::memcpy(tail_in, x + i, (k - i) * sizeof(float));
    vst1q_s16(tail_out, quantize8(tail_in));
    std::memcpy(dst + i, tail_out, (k - i) * sizeof(int16_t));
  }
}


// ClampF32::apply lane by lane: x < lo ? lo : (x > hi ? hi : x).
inline float32x4_t clamp_as_reference(float32x4_t x, float32x4_t lo, float32x4_t hi) {
  return vbslq_f32(vcltq_f32(x, lo), lo, vbslq_f32(vcgtq_f32(x, hi), hi, x));
}

template <int ROWS>
void dfc_tile(const int16_t* panel, size_t k, const uint8_t* tile, const int32_t* sums, const float* bias, float* c,
              size_t c_stride, int cols, const DynamicFcEpilogue& e) {
  int32x4_t acc[ROWS][kQuads];
  const int32_t* packed_bias = reinterpret_cast<const int32_t*>(tile);
  for (int r = 0; r < ROWS; ++r) {
    for (int q = 0; q < kQuads; ++q) acc[r][q] = vld1q_s32(packed_bias + 4 * q);
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(tile + kNr * sizeof(int32_t));
  for (size_t i = 0; i < k; ++i, w += kNr) {
    const int8x16_t bytes = vld1q_s8(w);
    const int16x8_t lo = vmovl_s8(vget_low_s8(bytes)), hi = vmovl_s8(vget_high_s8(bytes));
    const int16x4_t quads[kQuads] = {vget_low_s16(lo), vget_high_s16(lo), vget_low_s16(hi), vget_high_s16(hi)};
    for (int r = 0; r < ROWS; ++r) {
      const int16_t a = panel[r * k + i];
      for (int q = 0; q < kQuads; ++q) acc[r][q] = vmlal_n_s16(acc[r][q], quads[q], a);
    }
  }
  const float* weight_scales = reinterpret_cast<const float*>(w);  // the packed fp32 epilogue
  const float32x4_t lo = vdupq_n_f32(e.min), hi = vdupq_n_f32(e.max);
  for (int q = 0; q < kQuads; ++q) {
    const int n = std::min(std::max(cols - 4 * q, 0), 4);
    if (n == 0) break;
    const int32x4_t column_sums = vld1q_s32(sums + 4 * q);
    const float32x4_t scale = vmulq_n_f32(vld1q_f32(weight_scales + 4 * q), e.input_scale);
    const float32x4_t b = vld1q_f32(bias + 4 * q);
    for (int r = 0; r < ROWS; ++r) {
      // acc - zero_point * sum W, wrapping like the x86 kernels' int32 lanes.
      const int32x4_t centered = vmlsq_n_s32(acc[r][q], column_sums, e.zero_point);
      float32x4_t y = vmulq_f32(vcvtq_f32_s32(centered), scale);
      if (e.has_bias) y = vaddq_f32(y, b);
      y = clamp_as_reference(y, lo, hi);
      float* out = c + r * c_stride + 4 * q;
      if (n == 4) {
        vst1q_f32(out, y);
      } else {
        float values[4];
        vst1q_f32(values, y);
        std::memcpy(out, values, static_cast<size_t>(n) * sizeof(float));
      }
    }
  }
}

constexpr DynamicFcTileFn<int16_t> kTiles[kMr] = {dfc_tile<1>, dfc_tile<2>, dfc_tile<3>, dfc_tile<4>};

// This ISA's parts for the shared driver (kernels/dynamic_fc_driver.h).
const DynamicFcIsa<int16_t> kIsa{kLayout, quantization_of, quantize_row, kTiles};

}  // namespace

void dynamic_fully_connected_f32s8_4x16__neon(const DynamicFcRunParams& p, const float* input, const void* packed,
                                              void* scratch, float* output) {
  run_dynamic_fc(kIsa, p, input, packed, scratch, output);
}

}  // namespace qrt::arm
#endif
