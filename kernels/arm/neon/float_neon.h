// Helpers shared by the NEON float32 kernels of this folder: multiply-add
// (fused on AArch64), the fused activation clamp, and partial loads / stores
// of the first n < 4 lanes through a small buffer.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstring>

#include "kernels/reference/activation_f32.h"

namespace qrt::arm {

inline float32x4_t multiply_add(float32x4_t acc, float32x4_t a, float32x4_t b) {
#if defined(__aarch64__)
  return vfmaq_f32(acc, a, b);
#else
  return vmlaq_f32(acc, a, b);
#endif
}

inline float32x4_t multiply_add_scalar(float32x4_t acc, float32x4_t a, float b) {
#if defined(__aarch64__)
  return vfmaq_n_f32(acc, a, b);
#else
  return vmlaq_n_f32(acc, a, b);
#endif
}

// reference::ClampF32::apply per lane. FMAX / FMIN return NaN when either
// operand is NaN, so a NaN stays NaN (its payload may change).
struct ClampNeon {
  float32x4_t min, max;
  explicit ClampNeon(const reference::ClampF32& c) : min(vdupq_n_f32(c.min)), max(vdupq_n_f32(c.max)) {}
  float32x4_t operator()(float32x4_t v) const { return vminq_f32(vmaxq_f32(v, min), max); }
};

inline float32x4_t load_first_lanes(const float* p, size_t n) {
  float buffer[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  std::memcpy(buffer, p, n * sizeof(float));
  return vld1q_f32(buffer);
}

inline void store_first_lanes(float* p, float32x4_t v, size_t n) {
  float buffer[4];
  vst1q_f32(buffer, v);
  std::memcpy(p, buffer, n * sizeof(float));
}

}  // namespace qrt::arm
