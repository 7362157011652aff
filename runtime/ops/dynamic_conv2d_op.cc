// DYNAMIC_CONV_2D: float32 NHWC input and output, int8 symmetric OHWI filter
// with float scales (per output channel or per tensor), optional float32
// bias; the input is quantized per inference from its own range
// (kernels/reference/dynamic_conv2d_f32s8.h). Like DYNAMIC_FULLY_CONNECTED
// it has its own glue (op_registry.cc), not the float path's.
//
// Kernels: a pointwise convolution (1x1 filter, stride 1, no padding, one
// group) over NHWC is a fully connected layer over the N*H*W pixels, with the
// same single quantization of the whole input and the same float epilogue,
// so it runs the table's packed DYNAMIC_FULLY_CONNECTED kernel (bit-exact
// with dynamic_fully_connected_f32s8, whose float steps are the ones of
// dynamic_conv2d_f32s8). Every other ungrouped convolution runs the same
// kernel on its gathered windows (im2col, a chunk of output pixels at a
// time); grouped ones run the reference kernel.
#include <pthreadpool.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/dynamic_fully_connected_f32s8.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/dynamic_conv2d_f32s8.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "runtime/ops/float_ops.h"
#include "runtime/ops/ops.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

class DynamicConv2DOp : public PreparedOp {
 public:
  DynamicConv2DOp(reference::DynamicConv2DParams params, const OpDesc& op, const TensorDesc& input,
                  const TensorDesc& filter, const TensorDesc* bias)
      : params_(params), filter_(reinterpret_cast<const int8_t*>(filter.data)),
        bias_(bias ? reinterpret_cast<const float*>(bias->data) : nullptr), scales_(filter.quantization.scales),
        scratch_(input.element_count), input_(op.inputs[0]), output_(op.outputs[0]) {
    params_.filter_scales = scales_.data();
    params_.filter_scale_count = static_cast<int>(scales_.size());
  }
  void run(const RunContext& c) const override {
    reference::dynamic_conv2d_f32s8(params_, float_data(c.tensor_data, input_), filter_, bias_, scratch_.data(),
                                    float_output(c.tensor_data, output_));
  }
  std::string kernel_name() const override { return "dynamic_conv2d_f32s8_reference"; }

 private:
  reference::DynamicConv2DParams params_;
  const int8_t* filter_;
  const float* bias_;
  std::vector<float> scales_;
  // The quantized input; sized at prepare. An interpreter runs one
  // invocation at a time, so the op may reuse it.
  mutable std::vector<int8_t> scratch_;
  int32_t input_, output_;
};

// A pointwise convolution on the packed dynamic FC kernel: filter [O,1,1,C] is [N=O, K=C].
class PointwiseDynamicConv2DOp : public PreparedOp {
 public:
  PointwiseDynamicConv2DOp(const DynamicFcKernel& kernel, const DynamicFcRunParams& params, const OpDesc& op,
                           const TensorDesc& filter, const TensorDesc* bias)
      : kernel_(kernel), params_(params), packed_(dynamic_fc_packed_size(kernel.layout, params.n, params.k)),
        scratch_(dynamic_fc_scratch_size(kernel.layout, params.m, params.k)), input_(op.inputs[0]),
        output_(op.outputs[0]) {
    const std::vector<float>& scales = filter.quantization.scales;
    dynamic_fc_pack(kernel.layout, params.n, params.k, reinterpret_cast<const int8_t*>(filter.data), scales.data(),
                    static_cast<int>(scales.size()), bias ? reinterpret_cast<const float*>(bias->data) : nullptr,
                    packed_.data());
  }
  void run(const RunContext& c) const override {
    kernel_.run(params_, float_data(c.tensor_data, input_), packed_.data(), scratch_.data(),
                float_output(c.tensor_data, output_));
  }
  std::string kernel_name() const override { return std::string(kernel_.name) + " (1x1 conv)"; }

 private:
  DynamicFcKernel kernel_;
  DynamicFcRunParams params_;
  std::vector<uint8_t> packed_;
  mutable std::vector<uint8_t> scratch_;  // the quantized input rows; sized at prepare
  int32_t input_, output_;
};

// reference::dynamic_quantization_params with the minimum and maximum kept
// in 16 lanes, which the compiler vectorizes (the scalar loop's two
// branches do not): each lane takes x when x < lane (x > lane), as the
// scalar loop and vminps / vmaxps do, so NaN is skipped and the lanes' and
// the scalar loop's extremes are the same values. Every lane starts at 0
// and so never holds -0.0 (the range includes 0 anyway).
reference::DynamicQuantization input_quantization(const float* x, size_t n) {
  constexpr size_t kLanes = 16;
  float lo[kLanes] = {}, hi[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) {
      lo[j] = x[i + j] < lo[j] ? x[i + j] : lo[j];
      hi[j] = x[i + j] > hi[j] ? x[i + j] : hi[j];
    }
  }
  for (size_t j = 0; i + j < n; ++j) {
    lo[j] = x[i + j] < lo[j] ? x[i + j] : lo[j];
    hi[j] = x[i + j] > hi[j] ? x[i + j] : hi[j];
  }
  float l = 0.0f, h = 0.0f;
  for (size_t j = 0; j < kLanes; ++j) {
    l = lo[j] < l ? lo[j] : l;
    h = hi[j] > h ? hi[j] : h;
  }
  return reference::dynamic_quantization_from_range(l, h);
}

// Any other ungrouped convolution on the same packed kernel. Each chunk of
// output pixels gathers its windows into float rows (im2col: K = KH * KW * C
// values in the filter's OHWI order, 0.0f where a tap falls in the padding),
// which the kernel quantizes with the parameters of the whole input (found
// once per run, as the reference does: a stride larger than the filter skips
// input values that still count in the range) and multiplies. A padding tap
// quantizes to exactly the zero point (0 / scale is 0, or NaN for a scale
// that underflowed to 0, and NaN quantizes to the zero point), so it adds
// nothing, as the reference's skipped taps. Chunks are split over the
// threads; each pixel's result depends only on its own window.
class Im2colDynamicConv2DOp : public PreparedOp {
 public:
  Im2colDynamicConv2DOp(const DynamicFcKernel& kernel, const reference::DynamicConv2DParams& geometry,
                        const DynamicFcRunParams& params, const OpDesc& op, const TensorDesc& filter,
                        const TensorDesc* bias)
      : kernel_(kernel), geometry_(geometry), params_(params),
        packed_(dynamic_fc_packed_size(kernel.layout, params.n, params.k)),
        chunk_rows_(chunk_rows(static_cast<size_t>(params.k))),
        scratch_stride_(chunk_rows_ * static_cast<size_t>(params.k) * sizeof(float) +
                        dynamic_fc_scratch_size(kernel.layout, chunk_rows_, params.k)),
        scratch_(scratch_stride_), input_(op.inputs[0]), output_(op.outputs[0]) {
    const std::vector<float>& scales = filter.quantization.scales;
    dynamic_fc_pack(kernel.layout, params.n, params.k, reinterpret_cast<const int8_t*>(filter.data), scales.data(),
                    static_cast<int>(scales.size()), bias ? reinterpret_cast<const float*>(bias->data) : nullptr,
                    packed_.data());
  }
  Status set_thread_count(size_t threads) override {
    scratch_.assign(std::max<size_t>(threads, 1) * scratch_stride_, 0);
    return ok_status();
  }
  void run(const RunContext& c) const override {
    const reference::DynamicConv2DParams& g = geometry_;
    const float* x = float_data(c.tensor_data, input_);
    const size_t input_count = static_cast<size_t>(g.batch) * g.input_height * g.input_width * g.input_channels;
    const reference::DynamicQuantization q = input_quantization(x, input_count);
    const size_t pixels = static_cast<size_t>(g.batch) * g.output_height * g.output_width;
    const size_t chunks = (pixels + chunk_rows_ - 1) / chunk_rows_;
    const size_t threads = c.threadpool != nullptr ? pthreadpool_get_threads_count(c.threadpool) : 1;
    struct Task {
      const Im2colDynamicConv2DOp* op;
      const float* x;
      float* y;
      const reference::DynamicQuantization* q;
      size_t pixels, chunks, tasks;
    };
    Task task{this, x, float_output(c.tensor_data, output_), &q, pixels, chunks,
              std::min({threads, chunks, scratch_.size() / scratch_stride_})};
    auto run_task = [](void* context, size_t i) {
      const Task& t = *static_cast<const Task*>(context);
      for (size_t chunk = i * t.chunks / t.tasks; chunk < (i + 1) * t.chunks / t.tasks; ++chunk) {
        const size_t first = chunk * t.op->chunk_rows_;
        t.op->run_rows(t.x, *t.q, first, std::min(t.op->chunk_rows_, t.pixels - first), i, t.y);
      }
    };
    if (task.tasks <= 1) {
      task.tasks = 1;
      run_task(&task, 0);
    } else {
      pthreadpool_parallelize_1d(c.threadpool, run_task, &task, task.tasks, 0);
    }
  }
  std::string kernel_name() const override { return std::string(kernel_.name) + " (im2col conv)"; }

 private:
  // Output pixels per chunk: the gathered rows stay near 128 KB (in L2 with
  // the packed weights' stream), a multiple of 8 rows (every kernel's MR
  // divides it), 8 to 64.
  static size_t chunk_rows(size_t k) {
    return std::clamp<size_t>(128 * 1024 / (k * sizeof(float)) / 8 * 8, 8, 64);
  }

  // Output pixels [first, first + rows) on scratch slot `slot`.
  void run_rows(const float* x, const reference::DynamicQuantization& q, size_t first, size_t rows, size_t slot,
                float* y) const {
    const reference::DynamicConv2DParams& g = geometry_;
    const size_t k = static_cast<size_t>(params_.k), channels = static_cast<size_t>(g.input_channels);
    float* windows = reinterpret_cast<float*>(scratch_.data() + slot * scratch_stride_);
    for (size_t r = 0; r < rows; ++r) {
      const size_t pixel = first + r;
      const size_t ox = pixel % g.output_width, oy = pixel / g.output_width % g.output_height;
      const size_t b = pixel / (static_cast<size_t>(g.output_width) * g.output_height);
      float* row = windows + r * k;
      const int64_t ix0 = static_cast<int64_t>(ox) * g.stride_width - g.pad_left;
      // A filter row inside the image, dilation 1: its taps are adjacent in memory, one copy.
      const bool whole_rows = g.dilation_width == 1 && ix0 >= 0 && ix0 + g.kernel_width <= g.input_width;
      for (int ky = 0; ky < g.kernel_height; ++ky) {
        const int64_t iy = static_cast<int64_t>(oy) * g.stride_height - g.pad_top + int64_t{ky} * g.dilation_height;
        if (iy < 0 || iy >= g.input_height) {
          std::fill(row, row + g.kernel_width * channels, 0.0f);
          row += g.kernel_width * channels;
          continue;
        }
        const float* image_row = x + (b * g.input_height + static_cast<size_t>(iy)) * g.input_width * channels;
        if (whole_rows) {
          std::memcpy(row, image_row + static_cast<size_t>(ix0) * channels, g.kernel_width * channels * sizeof(float));
          row += g.kernel_width * channels;
          continue;
        }
        for (int kx = 0; kx < g.kernel_width; ++kx, row += channels) {
          const int64_t ix = ix0 + int64_t{kx} * g.dilation_width;
          if (ix < 0 || ix >= g.input_width) {
            std::fill(row, row + channels, 0.0f);
          } else {
            std::memcpy(row, image_row + static_cast<size_t>(ix) * channels, channels * sizeof(float));
          }
        }
      }
    }
    DynamicFcRunParams p = params_;
    p.m = rows;
    p.quantization = &q;
    kernel_.run(p, windows, packed_.data(), windows + chunk_rows_ * k, y + first * static_cast<size_t>(p.n));
  }

  DynamicFcKernel kernel_;
  reference::DynamicConv2DParams geometry_;
  DynamicFcRunParams params_;
  std::vector<uint8_t> packed_;
  size_t chunk_rows_, scratch_stride_;
  // Per thread: the gathered rows (float) and the kernel's quantized panel;
  // sized at prepare and by set_thread_count.
  mutable std::vector<uint8_t> scratch_;
  int32_t input_, output_;
};

Status check_filter(const TensorDesc* w) {
  QRT_RETURN_IF_ERROR(check_required(w, "filter"));
  const std::string what = "filter " + describe_tensor(*w);
  if (w->dtype != DType::kInt8) return error(QRT_UNSUPPORTED, what + " must be int8");
  if (!w->is_constant()) return error(QRT_UNSUPPORTED, what + " must be a constant");
  QRT_RETURN_IF_ERROR(check_rank(*w, 4, "filter"));
  for (int32_t d : w->shape) {
    if (d < 1) return error(QRT_INVALID_MODEL, what + " is empty");
  }
  return check_symmetric_weight_scales(*w, what);
}

Status build_dynamic_conv2d(const Model& model, const OpDesc& op, const KernelTable* kernels,
                            std::unique_ptr<PreparedOp>* prepared) {
  const fb::Conv2DOptions* o = op.op->options_as_Conv2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "Conv2DOptions"));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  if (o->double_rounding() || o->scale_product_f32()) {
    return error(QRT_INVALID_MODEL, "Conv2DOptions: double_rounding and scale_product_f32 must be false (the op "
                                    "dequantizes in float32)");
  }
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc* filter = op_input(model, op, 1);
  const TensorDesc* bias = op_input(model, op, 2);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(input, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(&output, "output"));
  if (input->is_constant()) return error(QRT_UNSUPPORTED, "input " + describe_tensor(*input) + " is a constant");
  if (output.is_constant()) return error(QRT_INVALID_MODEL, "output " + describe_tensor(output) + " is a constant");
  QRT_RETURN_IF_ERROR(check_rank(*input, 4, "input"));
  QRT_RETURN_IF_ERROR(check_rank(output, 4, "output"));
  QRT_RETURN_IF_ERROR(check_filter(filter));
  const int in_c = input->shape[3];
  const int out_c = filter->shape[0];
  const int groups = o->groups();
  if (groups < 1 || in_c < 1 || in_c % groups != 0 || out_c % groups != 0) {
    return error(QRT_INVALID_MODEL, "groups " + std::to_string(groups) + " must divide input channels " +
                                        std::to_string(in_c) + " and output channels " + std::to_string(out_c));
  }
  if (filter->shape[3] != in_c / groups) {
    return error(QRT_INVALID_MODEL, "filter " + describe_tensor(*filter) + " has " + std::to_string(filter->shape[3]) +
                                        " input channels per group; input " + describe_tensor(*input) + " with " +
                                        std::to_string(groups) + " groups needs " + std::to_string(in_c / groups));
  }
  const int64_t depth = int64_t{filter->shape[1]} * filter->shape[2] * filter->shape[3];
  if (depth > reference::kDynamicFullyConnectedMaxDepth) {
    return error(QRT_UNSUPPORTED, "filter " + describe_tensor(*filter) + ": a reduction over " + std::to_string(depth) +
                                      " values (more than " +
                                      std::to_string(reference::kDynamicFullyConnectedMaxDepth) +
                                      ") could overflow the int32 accumulator");
  }
  WindowOptions window = window_options(*o);
  window.dilation_h = o->dilation_h();
  window.dilation_w = o->dilation_w();
  WindowGeometry g;
  QRT_RETURN_IF_ERROR(resolve_window(window, input->shape[1], input->shape[2], filter->shape[1], filter->shape[2], &g));
  QRT_RETURN_IF_ERROR(
      check_shape(output, {input->shape[0], g.rows.output_size, g.cols.output_size, out_c}, "output"));
  if (bias != nullptr) {
    QRT_RETURN_IF_ERROR(check_float_constant(bias, "bias"));
    if (bias->element_count != static_cast<size_t>(out_c)) {
      return error(QRT_INVALID_MODEL, "bias " + describe_tensor(*bias) + " should have " + std::to_string(out_c) +
                                          " values");
    }
  }
  if (prepared == nullptr) return ok_status();
  const reference::ClampF32 clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  const bool pointwise = filter->shape[1] == 1 && filter->shape[2] == 1 && groups == 1 && window.stride_h == 1 &&
                         window.stride_w == 1 && g.rows.pad_before == 0 && g.cols.pad_before == 0 &&
                         g.rows.output_size == input->shape[1] && g.cols.output_size == input->shape[2];
  if (pointwise && kernels != nullptr && kernels->dynamic_fully_connected.run != nullptr) {
    DynamicFcRunParams r;
    r.m = input->element_count / static_cast<size_t>(in_c);
    r.n = out_c;
    r.k = in_c;
    r.has_bias = bias != nullptr;
    r.clamp = clamp;
    *prepared = std::make_unique<PointwiseDynamicConv2DOp>(kernels->dynamic_fully_connected, r, op, *filter, bias);
    return ok_status();
  }
  reference::DynamicConv2DParams p;
  p.batch = input->shape[0];
  p.input_height = input->shape[1];
  p.input_width = input->shape[2];
  p.input_channels = in_c;
  p.output_height = g.rows.output_size;
  p.output_width = g.cols.output_size;
  p.output_channels = out_c;
  p.kernel_height = filter->shape[1];
  p.kernel_width = filter->shape[2];
  p.stride_height = window.stride_h;
  p.stride_width = window.stride_w;
  p.dilation_height = window.dilation_h;
  p.dilation_width = window.dilation_w;
  p.pad_top = g.rows.pad_before;
  p.pad_left = g.cols.pad_before;
  p.groups = groups;
  p.clamp = clamp;
  if (groups == 1 && kernels != nullptr && kernels->dynamic_fully_connected.run != nullptr) {
    DynamicFcRunParams r;
    r.n = out_c;
    r.k = static_cast<int>(depth);
    r.has_bias = bias != nullptr;
    r.clamp = clamp;
    *prepared = std::make_unique<Im2colDynamicConv2DOp>(kernels->dynamic_fully_connected, p, r, op, *filter, bias);
    return ok_status();
  }
  *prepared = std::make_unique<DynamicConv2DOp>(p, op, *input, *filter, bias);
  return ok_status();
}

}  // namespace

Status validate_dynamic_conv2d(const Model& model, const OpDesc& op) {
  return build_dynamic_conv2d(model, op, nullptr, nullptr);
}

Status prepare_dynamic_conv2d(const Model& model, const OpDesc& op, const KernelTable& kernels,
                              std::unique_ptr<PreparedOp>* prepared) {
  return build_dynamic_conv2d(model, op, &kernels, prepared);
}

}  // namespace qrt
