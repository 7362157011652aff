// Conv and the pools: 2-D windows over NCHW with ONNX's pads, strides,
// dilations, auto_pad and ceil_mode.
#include <algorithm>
#include <cmath>
#include <limits>

#include "converter/ir/float_conv2d.h"
#include "converter/ir/float_ops.h"

namespace qrt::convert {
namespace {

struct Window {
  int64_t kernel[2], stride[2], dilation[2], pad_begin[2], pad_end[2], out[2];
};

std::vector<int64_t> ints_or(const IrNode& node, const char* key, std::vector<int64_t> fallback) {
  std::vector<int64_t> v = node.ints_attribute(key);
  return v.empty() ? fallback : v;
}

// Output sizes and the begin/end pads ONNX implies for a 2-D window.
Window resolve_window(const FloatOpContext& ctx, const std::vector<int64_t>& kernel, int64_t in_h, int64_t in_w,
                      bool allow_ceil_mode) {
  const IrNode& node = ctx.node;
  if (kernel.size() != 2) ctx.fail("only 2-D windows are supported (kernel_shape " + shape_text(kernel) + ")");
  const auto strides = ints_or(node, "strides", {1, 1});
  const auto dilations = ints_or(node, "dilations", {1, 1});
  const auto pads = ints_or(node, "pads", {0, 0, 0, 0});
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
    ctx.fail("strides, dilations and pads must have 2, 2 and 4 values");
  }
  std::string auto_pad = "NOTSET";
  if (const IrAttribute* a = node.attribute("auto_pad")) auto_pad = a->s;
  const bool ceil_mode = allow_ceil_mode && node.int_attribute("ceil_mode", 0) != 0;
  const int64_t in[2] = {in_h, in_w};
  Window w{};
  for (int d = 0; d < 2; ++d) {
    w.kernel[d] = kernel[d];
    w.stride[d] = strides[d];
    w.dilation[d] = dilations[d];
    if (w.kernel[d] < 1 || w.stride[d] < 1 || w.dilation[d] < 1) ctx.fail("kernel, strides and dilations must be >= 1");
    const int64_t extent = (w.kernel[d] - 1) * w.dilation[d] + 1;
    if (auto_pad == "NOTSET") {
      w.pad_begin[d] = pads[d];
      w.pad_end[d] = pads[d + 2];
      if (w.pad_begin[d] < 0 || w.pad_end[d] < 0) ctx.fail("negative pads are not supported");
      const int64_t span = in[d] + w.pad_begin[d] + w.pad_end[d] - extent;
      if (span < 0) ctx.fail("the window " + shape_text(kernel) + " is larger than the padded input");
      w.out[d] = (ceil_mode ? (span + w.stride[d] - 1) / w.stride[d] : span / w.stride[d]) + 1;
      // As PyTorch and ONNX Runtime: the last window must start inside the input or its begin pad.
      if (ceil_mode && (w.out[d] - 1) * w.stride[d] >= in[d] + w.pad_begin[d]) --w.out[d];
    } else if (auto_pad == "VALID") {
      w.pad_begin[d] = w.pad_end[d] = 0;
      if (in[d] < extent) ctx.fail("the window " + shape_text(kernel) + " is larger than the input");
      w.out[d] = (in[d] - extent) / w.stride[d] + 1;
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      w.out[d] = (in[d] + w.stride[d] - 1) / w.stride[d];
      const int64_t total = std::max<int64_t>(0, (w.out[d] - 1) * w.stride[d] + extent - in[d]);
      const int64_t small = total / 2;
      w.pad_begin[d] = auto_pad == "SAME_UPPER" ? small : total - small;
      w.pad_end[d] = total - w.pad_begin[d];
    } else {
      ctx.fail("unknown auto_pad '" + auto_pad + "'");
    }
  }
  return w;
}

const HostTensor& nchw_input(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  if (x.shape.size() != 4) ctx.fail("input must be 4-D NCHW, got " + shape_text(x.shape));
  return x;
}

}  // namespace

std::vector<HostTensor> run_conv(const FloatOpContext& ctx) {
  const HostTensor& x = nchw_input(ctx);
  const HostTensor& w = ctx.float_input(1);
  const HostTensor* b = ctx.optional_input(2);
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  if (w.shape.size() != 4) ctx.fail("weights must be 4-D [M, C/group, kH, kW], got " + shape_text(w.shape));
  const int64_t m = w.shape[0], group = ctx.node.int_attribute("group", 1);
  if (group < 1 || c % group != 0 || m % group != 0 || w.shape[1] != c / group) {
    ctx.fail("input " + shape_text(x.shape) + ", weights " + shape_text(w.shape) + " and group " +
             std::to_string(group) + " do not agree");
  }
  if (b && (!b->is_float() || b->size() != m)) ctx.fail("bias must be float32 with " + std::to_string(m) + " values");
  const auto kernel = ints_or(ctx.node, "kernel_shape", {w.shape[2], w.shape[3]});
  if (kernel.size() != 2 || kernel[0] != w.shape[2] || kernel[1] != w.shape[3]) {
    ctx.fail("kernel_shape " + shape_text(kernel) + " does not match the weights " + shape_text(w.shape));
  }
  const Window g = resolve_window(ctx, kernel, h, wd, false);
  const int64_t oh = g.out[0], ow = g.out[1];
  FloatConv2dGeometry geometry{n, c, h, wd, m, group, {g.kernel[0], g.kernel[1]}, {g.stride[0], g.stride[1]},
                               {g.dilation[0], g.dilation[1]}, {g.pad_begin[0], g.pad_begin[1]}, oh, ow};
  std::vector<float> y(static_cast<size_t>(n * m * oh * ow));
  float_conv2d(geometry, x.f.data(), w.f.data(), b ? b->f.data() : nullptr, y.data());
  return {HostTensor::floats({n, m, oh, ow}, std::move(y))};
}

namespace {

std::vector<HostTensor> run_pool(const FloatOpContext& ctx, bool is_max) {
  const HostTensor& x = nchw_input(ctx);
  const auto kernel = ctx.node.ints_attribute("kernel_shape");
  if (kernel.empty()) ctx.fail("kernel_shape is required");
  if (!is_max && !ctx.node.ints_attribute("dilations").empty()) {
    for (int64_t d : ctx.node.ints_attribute("dilations")) {
      if (d != 1) ctx.fail("AveragePool with dilations is not supported");
    }
  }
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const Window g = resolve_window(ctx, kernel, h, wd, true);
  const bool count_include_pad = ctx.node.int_attribute("count_include_pad", 0) != 0;
  const int64_t oh = g.out[0], ow = g.out[1];
  std::vector<float> y(static_cast<size_t>(n * c * oh * ow));
  for (int64_t plane = 0; plane < n * c; ++plane) {
    const float* src = x.f.data() + plane * h * wd;
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        double sum = 0.0;
        float best = -std::numeric_limits<float>::infinity();
        int64_t inside = 0, padded = 0;
        for (int64_t ky = 0; ky < g.kernel[0]; ++ky) {
          const int64_t iy = oy * g.stride[0] - g.pad_begin[0] + ky * g.dilation[0];
          for (int64_t kx = 0; kx < g.kernel[1]; ++kx) {
            const int64_t ix = ox * g.stride[1] - g.pad_begin[1] + kx * g.dilation[1];
            // count_include_pad counts the declared pads, not what ceil_mode adds past them.
            if (iy < h + g.pad_end[0] && ix < wd + g.pad_end[1]) ++padded;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            const float v = src[iy * wd + ix];
            best = std::max(best, v);
            sum += v;
            ++inside;
          }
        }
        const int64_t count = count_include_pad ? padded : inside;
        y[(plane * oh + oy) * ow + ox] = is_max ? best : static_cast<float>(count ? sum / count : 0.0);
      }
    }
  }
  std::vector<HostTensor> out;
  out.push_back(HostTensor::floats({n, c, oh, ow}, std::move(y)));
  if (is_max && ctx.node.outputs.size() > 1 && !ctx.node.outputs[1].empty()) {
    ctx.fail("MaxPool's Indices output is not supported");
  }
  return out;
}

}  // namespace

std::vector<HostTensor> run_max_pool(const FloatOpContext& ctx) { return run_pool(ctx, true); }
std::vector<HostTensor> run_average_pool(const FloatOpContext& ctx) { return run_pool(ctx, false); }

std::vector<HostTensor> run_global_average_pool(const FloatOpContext& ctx) {
  const HostTensor& x = ctx.float_input(0);
  if (x.shape.size() < 3) ctx.fail("input must be N x C x spatial..., got " + shape_text(x.shape));
  const int64_t planes = x.shape[0] * x.shape[1];
  const int64_t area = x.size() / std::max<int64_t>(planes, 1);
  std::vector<float> y(static_cast<size_t>(planes));
  for (int64_t p = 0; p < planes; ++p) {
    double sum = 0.0;
    for (int64_t k = 0; k < area; ++k) sum += x.f[p * area + k];
    y[p] = static_cast<float>(area ? sum / area : 0.0);
  }
  std::vector<int64_t> shape(x.shape.size(), 1);
  shape[0] = x.shape[0];
  shape[1] = x.shape[1];
  return {HostTensor::floats(shape, std::move(y))};
}

}  // namespace qrt::convert
