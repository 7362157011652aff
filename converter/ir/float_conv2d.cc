#include "converter/ir/float_conv2d.h"

#include <algorithm>
#include <vector>

#include "converter/ir/float_gemm.h"

namespace qrt::convert {
namespace {

// The output columns [*lo, *hi) whose input column ox * stride + offset lies in [0, width).
void valid_range(int64_t offset, int64_t stride, int64_t width, int64_t out, int64_t* lo, int64_t* hi) {
  // ox * stride + offset >= 0  <=>  ox >= ceil(-offset / stride)
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  // ox * stride + offset <= width - 1  <=>  ox <= floor((width - 1 - offset) / stride)
  const int64_t last = width - 1 - offset;
  *hi = last < 0 ? 0 : last / stride + 1;
  *lo = std::min(*lo, out);
  *hi = std::max(std::min(*hi, out), *lo);
}

// One output plane of a depthwise convolution: plane x (one input channel), kernel w.
void depthwise_plane(const FloatConv2dGeometry& g, const float* x, const float* w, float* y) {
  const int64_t sy = g.stride[0], sx = g.stride[1];
  for (int64_t ky = 0; ky < g.kernel[0]; ++ky) {
    for (int64_t kx = 0; kx < g.kernel[1]; ++kx) {
      const float wv = w[ky * g.kernel[1] + kx];
      const int64_t off_x = kx * g.dilation[1] - g.pad_begin[1];
      int64_t lo = 0, hi = 0;
      valid_range(off_x, sx, g.in_w, g.out_w, &lo, &hi);
      for (int64_t oy = 0; oy < g.out_h; ++oy) {
        const int64_t iy = oy * sy - g.pad_begin[0] + ky * g.dilation[0];
        if (iy < 0 || iy >= g.in_h) continue;
        // Indexed from the row's start: off_x may be negative, ox * sx + off_x is not.
        const float* xrow = x + iy * g.in_w;
        float* yrow = y + oy * g.out_w;
        if (sx == 1) {
          for (int64_t ox = lo; ox < hi; ++ox) yrow[ox] += wv * xrow[ox + off_x];
        } else {
          for (int64_t ox = lo; ox < hi; ++ox) yrow[ox] += wv * xrow[ox * sx + off_x];
        }
      }
    }
  }
}

// cols [channels * kh * kw][out_h * out_w]: the input patches of `channels` planes, zeros in the padding.
void im2col(const FloatConv2dGeometry& g, const float* x, int64_t channels, float* cols) {
  const int64_t area = g.out_h * g.out_w;
  for (int64_t ch = 0; ch < channels; ++ch) {
    const float* plane = x + ch * g.in_h * g.in_w;
    for (int64_t ky = 0; ky < g.kernel[0]; ++ky) {
      for (int64_t kx = 0; kx < g.kernel[1]; ++kx) {
        float* row = cols + ((ch * g.kernel[0] + ky) * g.kernel[1] + kx) * area;
        const int64_t off_x = kx * g.dilation[1] - g.pad_begin[1];
        int64_t lo = 0, hi = 0;
        valid_range(off_x, g.stride[1], g.in_w, g.out_w, &lo, &hi);
        for (int64_t oy = 0; oy < g.out_h; ++oy) {
          float* out = row + oy * g.out_w;
          const int64_t iy = oy * g.stride[0] - g.pad_begin[0] + ky * g.dilation[0];
          if (iy < 0 || iy >= g.in_h) {
            std::fill(out, out + g.out_w, 0.0f);
            continue;
          }
          const float* in = plane + iy * g.in_w;
          std::fill(out, out + lo, 0.0f);
          for (int64_t ox = lo; ox < hi; ++ox) out[ox] = in[ox * g.stride[1] + off_x];
          std::fill(out + hi, out + g.out_w, 0.0f);
        }
      }
    }
  }
}

bool is_pointwise(const FloatConv2dGeometry& g) {
  return g.kernel[0] == 1 && g.kernel[1] == 1 && g.stride[0] == 1 && g.stride[1] == 1 && g.pad_begin[0] == 0 &&
         g.pad_begin[1] == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
}

}  // namespace

void float_conv2d(const FloatConv2dGeometry& g, const float* x, const float* w, const float* bias, float* y) {
  const int64_t cg = g.in_channels / g.group, mg = g.out_channels / g.group;
  const int64_t in_plane = g.in_h * g.in_w, area = g.out_h * g.out_w;
  const int64_t patch = cg * g.kernel[0] * g.kernel[1];
  for (int64_t i = 0; i < g.batch * g.out_channels; ++i) {
    std::fill(y + i * area, y + (i + 1) * area, bias ? bias[i % g.out_channels] : 0.0f);
  }
  const bool pointwise = is_pointwise(g);
  std::vector<float> cols;
  if (cg > 1 && !pointwise) cols.resize(static_cast<size_t>(patch * area));
  for (int64_t n = 0; n < g.batch; ++n) {
    const float* xn = x + n * g.in_channels * in_plane;
    float* yn = y + n * g.out_channels * area;
    for (int64_t grp = 0; grp < g.group; ++grp) {
      const float* xg = xn + grp * cg * in_plane;
      const float* wg = w + grp * mg * patch;
      float* yg = yn + grp * mg * area;
      if (cg == 1) {  // depthwise (with any channel multiplier mg)
        for (int64_t om = 0; om < mg; ++om) depthwise_plane(g, xg, wg + om * patch, yg + om * area);
        continue;
      }
      const float* b_data = xg;
      if (!pointwise) {
        im2col(g, xg, cg, cols.data());
        b_data = cols.data();
      }
      float_gemm(mg, area, patch, FloatMatrixView{wg, patch, 1}, FloatMatrixView{b_data, area, 1}, yg, area, true);
    }
  }
}

}  // namespace qrt::convert
