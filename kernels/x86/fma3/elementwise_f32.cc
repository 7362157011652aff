// f32_vbinary_minmax__avx and f32_vunary__avx: float32 ADD / SUB / MUL and
// RELU / RELU6 / LEAKY_RELU / HARD_SWISH, 8 lanes per step and a masked
// tail. Each lane does the reference's IEEE operations (no FMA), so ADD,
// SUB, MUL, RELU, RELU6 and LEAKY_RELU equal the reference exactly;
// HARD_SWISH computes x * (clamp(x + 3, 0, 6) * (1/6)) in float32 where the
// reference rounds once from double (within 3 FLT_EPSILON relative).
#include <immintrin.h>

#include "kernels/x86/float_f32.h"
#include "kernels/x86/fma3/float_avx.h"

namespace qrt::x86 {
namespace {

inline __m256 binary(reference::BinaryOpF32 op, __m256 a, __m256 b) {
  switch (op) {
    case reference::BinaryOpF32::kAdd: return _mm256_add_ps(a, b);
    case reference::BinaryOpF32::kSub: return _mm256_sub_ps(a, b);
    case reference::BinaryOpF32::kMul: return _mm256_mul_ps(a, b);
  }
  return a;
}

// The reference's relu: x > 0 ? x : (x is NaN ? x : +0). MAXPS(x, 0)
// returns +0 for x = -0 and for NaN; the NaN lanes are put back.
inline __m256 relu(__m256 x) {
  const __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
  return _mm256_blendv_ps(_mm256_max_ps(x, _mm256_setzero_ps()), x, nan);
}

inline __m256 unary(const reference::UnaryF32Params& p, __m256 x) {
  switch (p.op) {
    case reference::UnaryOpF32::kRelu: return relu(x);
    case reference::UnaryOpF32::kRelu6: return _mm256_min_ps(_mm256_set1_ps(6.0f), relu(x));  // NaN: second operand
    case reference::UnaryOpF32::kLeakyRelu: {
      const __m256 non_negative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
      return _mm256_blendv_ps(_mm256_mul_ps(_mm256_set1_ps(p.alpha), x), x, non_negative);
    }
    case reference::UnaryOpF32::kHardSwish: {
      // MAXPS(t, 0) turns a NaN t into 0 as fmax does; x * 0 is NaN again.
      const __m256 t = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(x, _mm256_set1_ps(3.0f)), _mm256_setzero_ps()),
                                     _mm256_set1_ps(6.0f));
      // t / 6 first: it is at most 1, so x * (t / 6) cannot overflow where
      // the reference's double result fits float32.
      return _mm256_mul_ps(x, _mm256_mul_ps(t, _mm256_set1_ps(1.0f / 6.0f)));
    }
    default: return x;  // not a vector op (unary_f32_has_vector_form); the glue never sends it here
  }
}

}  // namespace

void f32_vbinary_minmax__avx(const VBinaryF32Params& p, const float* a, const float* b, float* y) {
  const ClampAvx clamp(p.clamp);
  size_t i = 0;
  if (p.scalar_b) {
    const __m256 vb = _mm256_set1_ps(b[0]);
    for (; i + 8 <= p.count; i += 8) _mm256_storeu_ps(y + i, clamp(binary(p.op, _mm256_loadu_ps(a + i), vb)));
    if (i < p.count) {
      const size_t n = p.count - i;
      store_first_lanes(y + i, clamp(binary(p.op, load_first_lanes(a + i, n), vb)), n);
    }
    return;
  }
  for (; i + 8 <= p.count; i += 8) {
    _mm256_storeu_ps(y + i, clamp(binary(p.op, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i))));
  }
  if (i < p.count) {
    const size_t n = p.count - i;
    store_first_lanes(y + i, clamp(binary(p.op, load_first_lanes(a + i, n), load_first_lanes(b + i, n))), n);
  }
}

void f32_vunary__avx(const reference::UnaryF32Params& p, const float* x, float* y, size_t count) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(y + i, unary(p, _mm256_loadu_ps(x + i)));
  if (i < count) store_first_lanes(y + i, unary(p, load_first_lanes(x + i, count - i)), count - i);
}

}  // namespace qrt::x86
