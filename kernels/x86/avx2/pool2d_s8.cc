// max_pool2d_s8__avx2 and average_pool2d_s8__avx2: see
// kernels/x86/elementwise_s8.h. Per output pixel, the window's valid rows
// and columns exactly as the reference computes them (the loop nest of
// x86/pool2d_windows.h), then the channels in vectors.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/elementwise_s8.h"
#include "kernels/x86/pool2d_windows.h"

namespace qrt::x86 {

void max_pool2d_s8__avx2(const reference::Pool2DParams& p, const int8_t* input, int8_t* output) {
  if (!max_pool_bounds_fit_int8(p)) {
    reference::max_pool2d_s8(p, input, output);
    return;
  }
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t full = channels / 32 * 32;
  const __m256i lo = _mm256_set1_epi8(static_cast<char>(p.clamp.min));
  const __m256i hi = _mm256_set1_epi8(static_cast<char>(p.clamp.max));
  const size_t row_stride = static_cast<size_t>(p.input_width) * channels;
  for_each_pool_window(p, input, output, [&](const int8_t* image, const PoolWindow& w, int8_t* out) {
    size_t c = 0;
    for (; c < full; c += 32) {
      __m256i m = _mm256_set1_epi8(-128);
      for (int y = w.y_begin; y < w.y_end; ++y) {
        const int8_t* row = image + static_cast<size_t>(y) * row_stride + c;
        for (int x = w.x_begin; x < w.x_end; ++x) {
          m = _mm256_max_epi8(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + x * channels)));
        }
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), _mm256_min_epi8(_mm256_max_epi8(m, lo), hi));
    }
    for (; c < channels; ++c) {
      int32_t m = -128;
      for (int y = w.y_begin; y < w.y_end; ++y) {
        for (int x = w.x_begin; x < w.x_end; ++x) m = std::max<int32_t>(m, image[y * row_stride + x * channels + c]);
      }
      out[c] = static_cast<int8_t>(std::min(std::max(m, p.clamp.min), p.clamp.max));
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
inline __m128i divide4(__m128i sum, __m256d count, __m128i half) {
  __m128i numerator;
  if constexpr (HALF_UP) {
    numerator = _mm_add_epi32(sum, half);
  } else {
    const __m128i positive = _mm_cmpgt_epi32(sum, _mm_setzero_si128());
    numerator = _mm_blendv_epi8(_mm_sub_epi32(sum, half), _mm_add_epi32(sum, half), positive);
  }
  const __m256d q = _mm256_div_pd(_mm256_cvtepi32_pd(numerator), count);
  const __m256d rounded = HALF_UP ? _mm256_floor_pd(q) : _mm256_round_pd(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  return _mm256_cvttpd_epi32(rounded);
}

// Sums of 8 channels over the window, int32 (|sum| <= 128 * 2^23: no overflow).
inline __m256i window_sum8(const int8_t* image, size_t row_stride, size_t channels, int y_begin, int y_end,
                           int x_begin, int x_end) {
  __m256i sum = _mm256_setzero_si256();
  for (int y = y_begin; y < y_end; ++y) {
    const int8_t* row = image + static_cast<size_t>(y) * row_stride;
    for (int x = x_begin; x < x_end; ++x) {
      const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + x * channels));
      sum = _mm256_add_epi32(sum, _mm256_cvtepi8_epi32(bytes));
    }
  }
  return sum;
}

}  // namespace

void average_pool2d_s8__avx2(const reference::AveragePool2DParams& p, const int8_t* input, int8_t* output) {
  if (!average_pool_vectorizable(p)) {
    reference::average_pool2d_s8(p, input, output);
    return;
  }
  const reference::Pool2DParams& g = p.pool;
  const size_t channels = static_cast<size_t>(g.channels);
  const size_t full = channels / 8 * 8;
  const size_t row_stride = static_cast<size_t>(g.input_width) * channels;
  const __m128i lo = _mm_set1_epi32(g.clamp.min), hi = _mm_set1_epi32(g.clamp.max);
  const __m256 ratio = _mm256_set1_ps(p.input_to_output_scale);
  const __m256 lo_f = _mm256_set1_ps(static_cast<float>(g.clamp.min - p.output_zero_point));
  const __m256 hi_f = _mm256_set1_ps(static_cast<float>(g.clamp.max - p.output_zero_point));
  const __m256i out_zp = _mm256_set1_epi32(p.output_zero_point);
  alignas(32) int32_t lanes[8];
  for_each_pool_window(g, input, output, [&](const int8_t* image, const PoolWindow& w, int8_t* out) {
    const AverageDivisor d = average_divisor(p, w);
    if (d.count == 0) {
      std::fill(out, out + channels, empty_average(p));
      return;
    }
    const __m256i corr = _mm256_set1_epi32(d.correction);
    const __m256d count_d = _mm256_set1_pd(d.count);
    const __m256 count_f = _mm256_set1_ps(static_cast<float>(d.count));
    const __m128i half = _mm_set1_epi32(d.count / 2);
    for (size_t c = 0; c < channels; c += 8) {
      __m256i sum;
      if (c < full) {
        sum = window_sum8(image + c, row_stride, channels, w.y_begin, w.y_end, w.x_begin, w.x_end);
      } else {
        for (size_t j = 0; j < 8; ++j) {
          int32_t s = 0;
          for (int y = w.y_begin; y < w.y_end && c + j < channels; ++y) {
            for (int x = w.x_begin; x < w.x_end; ++x) s += image[y * row_stride + x * channels + c + j];
          }
          lanes[j] = s;
        }
        sum = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes));
      }
      sum = _mm256_add_epi32(sum, corr);
      __m256i q;
      if (p.rule == RequantRule::kFixedPoint) {
        const __m128i s0 = _mm256_castsi256_si128(sum), s1 = _mm256_extracti128_si256(sum, 1);
        __m128i a0, a1;
        if (p.round_half_up) {
          a0 = divide4<true>(s0, count_d, half);
          a1 = divide4<true>(s1, count_d, half);
        } else {
          a0 = divide4<false>(s0, count_d, half);
          a1 = divide4<false>(s1, count_d, half);
        }
        a0 = _mm_min_epi32(_mm_max_epi32(a0, lo), hi);
        a1 = _mm_min_epi32(_mm_max_epi32(a1, lo), hi);
        q = _mm256_setr_m128i(a0, a1);
      } else {
        // ((float)acc * ratio) / (float)count, in this order, no FMA.
        __m256 v = _mm256_div_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(sum), ratio), count_f);
        v = _mm256_min_ps(_mm256_max_ps(v, lo_f), hi_f);
        q = _mm256_add_epi32(_mm256_cvtps_epi32(v), out_zp);
      }
      const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
      const __m128i bytes = _mm_packs_epi16(words, words);
      if (c < full) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out + c), bytes);
      } else {
        alignas(16) int8_t tmp[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(tmp), bytes);
        std::copy(tmp, tmp + (channels - c), out + c);
      }
    }
  });
}

}  // namespace qrt::x86
