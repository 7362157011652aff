// f32_dwconv_minmax_8c__fma3: float32 depthwise convolution (depth
// multiplier 1) for AVX + FMA3. Per output pixel, 8 channels per ymm (a
// masked tail for the rest); the taps are visited in the reference's ky, kx
// order and taps in the padding are skipped as the reference skips them, so
// the only difference from it is the fused multiply-add.
#include <immintrin.h>

#include "kernels/x86/float_f32.h"
#include "kernels/x86/fma3/float_avx.h"

namespace qrt::x86 {
namespace {

// One output pixel's channels [c0, c0 + lanes), lanes <= 8.
inline __m256 dwconv_lanes(const reference::DepthwiseConv2DF32Params& p, const float* image, const float* filter,
                           const float* bias, int iy0, int ix0, int c0, size_t lanes) {
  const size_t channels = static_cast<size_t>(p.input_channels);
  __m256 acc = bias == nullptr ? _mm256_setzero_ps()
                               : (lanes == 8 ? _mm256_loadu_ps(bias + c0) : load_first_lanes(bias + c0, lanes));
  for (int ky = 0; ky < p.kernel_height; ++ky) {
    const int iy = iy0 + ky * p.dilation_height;
    if (iy < 0 || iy >= p.input_height) continue;
    for (int kx = 0; kx < p.kernel_width; ++kx) {
      const int ix = ix0 + kx * p.dilation_width;
      if (ix < 0 || ix >= p.input_width) continue;
      const float* x = image + (static_cast<size_t>(iy) * p.input_width + ix) * channels + c0;
      const float* w = filter + static_cast<size_t>(ky * p.kernel_width + kx) * channels + c0;
      if (lanes == 8) {
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(w), acc);
      } else {
        acc = _mm256_fmadd_ps(load_first_lanes(x, lanes), load_first_lanes(w, lanes), acc);
      }
    }
  }
  return acc;
}

}  // namespace

void f32_dwconv_minmax_8c__fma3(const reference::DepthwiseConv2DF32Params& p, const float* input, const float* filter,
                                const float* bias, float* output) {
  const ClampAvx clamp(p.clamp);
  const size_t channels = static_cast<size_t>(p.input_channels);
  for (int b = 0; b < p.batch; ++b) {
    const float* image = input + static_cast<size_t>(b) * p.input_height * p.input_width * channels;
    for (int oy = 0; oy < p.output_height; ++oy) {
      const int iy0 = oy * p.stride_height - p.pad_top;
      for (int ox = 0; ox < p.output_width; ++ox) {
        const int ix0 = ox * p.stride_width - p.pad_left;
        float* out = output + ((static_cast<size_t>(b) * p.output_height + oy) * p.output_width + ox) * channels;
        int c0 = 0;
        for (; static_cast<size_t>(c0) + 8 <= channels; c0 += 8) {
          _mm256_storeu_ps(out + c0, clamp(dwconv_lanes(p, image, filter, bias, iy0, ix0, c0, 8)));
        }
        const size_t rest = channels - static_cast<size_t>(c0);
        if (rest != 0) {
          store_first_lanes(out + c0, clamp(dwconv_lanes(p, image, filter, bias, iy0, ix0, c0, rest)), rest);
        }
      }
    }
  }
}

}  // namespace qrt::x86
