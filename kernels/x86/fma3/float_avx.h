// Helpers shared by the AVX float32 kernels of this folder: the fused
// activation clamp with the reference's NaN and signed-zero behaviour, and
// partial loads / stores of the first n < 8 lanes.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/reference/activation_f32.h"

namespace qrt::x86 {

// reference::ClampF32::apply per lane: v < min ? min : (v > max ? max : v).
// MAXPS / MINPS return their second operand when either is NaN or both are
// equal, so with v second a NaN stays NaN and -0 against a bound of 0 stays
// -0, as in the reference.
struct ClampAvx {
  __m256 min, max;
  explicit ClampAvx(const reference::ClampF32& c) : min(_mm256_set1_ps(c.min)), max(_mm256_set1_ps(c.max)) {}
  __m256 operator()(__m256 v) const { return _mm256_min_ps(max, _mm256_max_ps(min, v)); }
};

// A mask whose first n (0..8) 32-bit lanes are set.
inline __m256i first_lanes_mask(size_t n) {
  alignas(32) static const int32_t kMask[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask + 8 - n));
}

// Masked lanes are neither read nor faulted on (VMASKMOVPS).
inline __m256 load_first_lanes(const float* p, size_t n) { return _mm256_maskload_ps(p, first_lanes_mask(n)); }
inline void store_first_lanes(float* p, __m256 v, size_t n) { _mm256_maskstore_ps(p, first_lanes_mask(n), v); }

}  // namespace qrt::x86
