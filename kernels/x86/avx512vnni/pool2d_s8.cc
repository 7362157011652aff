// max_pool2d_s8__avx512vnni and average_pool2d_s8__avx512vnni: see
// kernels/x86/elementwise_s8.h. The AVX2 kernels' steps on wider vectors
// (AVX-512 F/BW/VL only): max pool 64 channels per vector, average pool 16;
// the last partial vector of channels is masked instead of going scalar.
// The loop nest and window arithmetic are x86/pool2d_windows.h's.
#include <algorithm>

#include "kernels/x86/avx512vnni/requant_avx512.h"
#include "kernels/x86/elementwise_s8.h"
#include "kernels/x86/pool2d_windows.h"

namespace qrt::x86 {

void max_pool2d_s8__avx512vnni(const reference::Pool2DParams& p, const int8_t* input, int8_t* output) {
  if (!max_pool_bounds_fit_int8(p)) {
    reference::max_pool2d_s8(p, input, output);
    return;
  }
  const size_t channels = static_cast<size_t>(p.channels);
  const __m512i lo = _mm512_set1_epi8(static_cast<char>(p.clamp.min));
  const __m512i hi = _mm512_set1_epi8(static_cast<char>(p.clamp.max));
  const size_t row_stride = static_cast<size_t>(p.input_width) * channels;
  for_each_pool_window(p, input, output, [&](const int8_t* image, const PoolWindow& w, int8_t* out) {
    for (size_t c = 0; c < channels; c += 64) {
      const __mmask64 mask = channels - c >= 64 ? ~uint64_t{0} : (uint64_t{1} << (channels - c)) - 1;
      __m512i m = _mm512_set1_epi8(-128);
      for (int y = w.y_begin; y < w.y_end; ++y) {
        const int8_t* row = image + static_cast<size_t>(y) * row_stride + c;
        for (int x = w.x_begin; x < w.x_end; ++x) {
          m = _mm512_max_epi8(m, _mm512_maskz_loadu_epi8(mask, row + x * channels));
        }
      }
      _mm512_mask_storeu_epi8(out + c, mask, _mm512_min_epi8(_mm512_max_epi8(m, lo), hi));
    }
  });
}

namespace {

// fixedpoint: TFLite's rounding integer divisions. sum +- count / 2 and
// count are integers below 2^31 and count below 2^24, so the double
// quotient is correctly rounded and never reaches the next integer:
// truncating (half away from zero) or flooring (half up) it is the integer
// division itself.
template <bool HALF_UP>
inline __m256i divide8(__m256i sum, __m512d count, __m256i half) {
  __m256i numerator;
  if constexpr (HALF_UP) {
    numerator = _mm256_add_epi32(sum, half);
  } else {
    const __mmask8 positive = _mm256_cmpgt_epi32_mask(sum, _mm256_setzero_si256());
    numerator = _mm256_mask_add_epi32(_mm256_sub_epi32(sum, half), positive, sum, half);
  }
  const __m512d q = _mm512_div_pd(_mm512_cvtepi32_pd(numerator), count);
  const __m512d rounded = _mm512_roundscale_pd(q, (HALF_UP ? _MM_FROUND_TO_NEG_INF : _MM_FROUND_TO_ZERO) |
                                                      _MM_FROUND_NO_EXC);
  return _mm512_cvttpd_epi32(rounded);
}

// Sums of 16 channels (those `mask` selects) over the window, int32
// (|sum| <= 128 * 2^23: no overflow).
inline __m512i window_sum16(const int8_t* image, size_t row_stride, size_t channels, int y_begin, int y_end,
                            int x_begin, int x_end, __mmask16 mask) {
  __m512i sum = _mm512_setzero_si512();
  for (int y = y_begin; y < y_end; ++y) {
    const int8_t* row = image + static_cast<size_t>(y) * row_stride;
    for (int x = x_begin; x < x_end; ++x) {
      sum = _mm512_add_epi32(sum, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, row + x * channels)));
    }
  }
  return sum;
}

}  // namespace

void average_pool2d_s8__avx512vnni(const reference::AveragePool2DParams& p, const int8_t* input, int8_t* output) {
  if (!average_pool_vectorizable(p)) {
    reference::average_pool2d_s8(p, input, output);
    return;
  }
  const reference::Pool2DParams& g = p.pool;
  const size_t channels = static_cast<size_t>(g.channels);
  const size_t row_stride = static_cast<size_t>(g.input_width) * channels;
  const __m512i lo = _mm512_set1_epi32(g.clamp.min), hi = _mm512_set1_epi32(g.clamp.max);
  const __m512 ratio = _mm512_set1_ps(p.input_to_output_scale);
  const __m512 lo_f = _mm512_set1_ps(static_cast<float>(g.clamp.min - p.output_zero_point));
  const __m512 hi_f = _mm512_set1_ps(static_cast<float>(g.clamp.max - p.output_zero_point));
  const __m512i out_zp = _mm512_set1_epi32(p.output_zero_point);
  for_each_pool_window(g, input, output, [&](const int8_t* image, const PoolWindow& w, int8_t* out) {
    const AverageDivisor d = average_divisor(p, w);
    if (d.count == 0) {
      std::fill(out, out + channels, empty_average(p));
      return;
    }
    const __m512i corr = _mm512_set1_epi32(d.correction);
    const __m512d count_d = _mm512_set1_pd(d.count);
    const __m512 count_f = _mm512_set1_ps(static_cast<float>(d.count));
    const __m256i half = _mm256_set1_epi32(d.count / 2);
    for (size_t c = 0; c < channels; c += 16) {
      const __mmask16 mask =
          channels - c >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (channels - c)) - 1);
      const __m512i sum = _mm512_add_epi32(
          window_sum16(image + c, row_stride, channels, w.y_begin, w.y_end, w.x_begin, w.x_end, mask), corr);
      __m512i q;
      if (p.rule == RequantRule::kFixedPoint) {
        const __m256i s0 = _mm512_castsi512_si256(sum), s1 = _mm512_extracti64x4_epi64(sum, 1);
        __m256i a0, a1;
        if (p.round_half_up) {
          a0 = divide8<true>(s0, count_d, half);
          a1 = divide8<true>(s1, count_d, half);
        } else {
          a0 = divide8<false>(s0, count_d, half);
          a1 = divide8<false>(s1, count_d, half);
        }
        q = _mm512_inserti64x4(_mm512_castsi256_si512(a0), a1, 1);
        q = _mm512_min_epi32(_mm512_max_epi32(q, lo), hi);
      } else {
        // ((float)acc * ratio) / (float)count, in this order, no FMA.
        __m512 v = _mm512_div_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(sum), ratio), count_f);
        v = _mm512_min_ps(_mm512_max_ps(v, lo_f), hi_f);
        q = _mm512_add_epi32(_mm512_cvtps_epi32(v), out_zp);
      }
      // Values are in [-128, 127]: the saturating narrowing only stores.
      _mm512_mask_cvtsepi32_storeu_epi8(out + c, mask, q);
    }
  });
}

}  // namespace qrt::x86
