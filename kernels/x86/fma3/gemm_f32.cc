// f32_gemm_minmax_4x16__fma3: the float32 GEMM / indirect GEMM micro-kernel
// (kernels/gemm_f32.h) for AVX + FMA3. Per K step it loads one packed row of
// 16 weights (two ymm), broadcasts one A value per row and issues 8 FMAs
// into 8 independent accumulators, the broadcast form of XNNPACK's f32 GEMMs.
#include <immintrin.h>

#include "kernels/x86/float_f32.h"
#include "kernels/x86/fma3/float_avx.h"

namespace qrt::x86 {

void f32_gemm_minmax_4x16__fma3(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* packed,
                                float* c, size_t c_stride, const reference::ClampF32& clamp) {
  // Every row starts from the packed bias.
  __m256 acc0a = _mm256_loadu_ps(packed), acc0b = _mm256_loadu_ps(packed + 8);
  __m256 acc1a = acc0a, acc1b = acc0b, acc2a = acc0a, acc2b = acc0b, acc3a = acc0a, acc3b = acc0b;
  const float* w = packed + 16;
  for (size_t t = 0; t < ks; ++t) {
    const float* a0 = a[t * 4 + 0];
    const float* a1 = a[t * 4 + 1];
    const float* a2 = a[t * 4 + 2];
    const float* a3 = a[t * 4 + 3];
    for (size_t k = 0; k < kc; ++k) {
      const __m256 wa = _mm256_loadu_ps(w), wb = _mm256_loadu_ps(w + 8);
      w += 16;
      const __m256 x0 = _mm256_broadcast_ss(a0 + k);
      const __m256 x1 = _mm256_broadcast_ss(a1 + k);
      const __m256 x2 = _mm256_broadcast_ss(a2 + k);
      const __m256 x3 = _mm256_broadcast_ss(a3 + k);
      acc0a = _mm256_fmadd_ps(x0, wa, acc0a);
      acc0b = _mm256_fmadd_ps(x0, wb, acc0b);
      acc1a = _mm256_fmadd_ps(x1, wa, acc1a);
      acc1b = _mm256_fmadd_ps(x1, wb, acc1b);
      acc2a = _mm256_fmadd_ps(x2, wa, acc2a);
      acc2b = _mm256_fmadd_ps(x2, wb, acc2b);
      acc3a = _mm256_fmadd_ps(x3, wa, acc3a);
      acc3b = _mm256_fmadd_ps(x3, wb, acc3b);
    }
  }
  const ClampAvx cl(clamp);
  const __m256 rows[4][2] = {
      {cl(acc0a), cl(acc0b)}, {cl(acc1a), cl(acc1b)}, {cl(acc2a), cl(acc2b)}, {cl(acc3a), cl(acc3b)}};
  for (size_t r = 0; r < mr; ++r) {
    float* out = c + r * c_stride;
    if (nc >= 8) {
      _mm256_storeu_ps(out, rows[r][0]);
      store_first_lanes(out + 8, rows[r][1], nc - 8);
    } else {
      store_first_lanes(out, rows[r][0], nc);
    }
  }
}

}  // namespace qrt::x86
