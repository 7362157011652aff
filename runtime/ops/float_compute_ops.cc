// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on float32 tensors: float32
// input and output activations, float32 or float16 constant weights (same
// layouts as int8: OHWI, [1,KH,KW,C*M], [N,K]; float16 is widened once at
// prepare) and an optional float32 (or float16) bias. With a float32 GEMM
// in the table, FULLY_CONNECTED and ungrouped CONV_2D pack their weights
// once and run it (1x1 / stride 1 / unpadded convolutions as a plain GEMM,
// the others as an indirect GEMM over a per-pixel tap table); depthwise
// convolutions with multiplier 1 run the table's depthwise kernel.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/gemm_f32.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/conv2d_f32.h"
#include "kernels/reference/depthwise_conv2d_f32.h"
#include "kernels/reference/float16.h"
#include "kernels/reference/fully_connected_f32.h"
#include "runtime/ops/float_ops.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

struct FloatConvTensors {
  const TensorDesc *input, *weights, *bias, *output;
};

// Weights and bias as the float32 kernels read them: in place from the model
// (float32), or widened once from float16 into storage the prepared op owns.
struct FloatConstant {
  const float* data = nullptr;
  std::shared_ptr<std::vector<float>> widened;
};

// widen = false (validation): float16 data is not converted.
FloatConstant float_values(const TensorDesc* t, bool widen) {
  FloatConstant c;
  if (t == nullptr || (!widen && t->dtype != DType::kFloat32)) return c;
  if (t->dtype == DType::kFloat32) {
    c.data = reinterpret_cast<const float*>(t->data);
    return c;
  }
  c.widened = std::make_shared<std::vector<float>>(t->element_count);
  for (size_t i = 0; i < t->element_count; ++i) {
    uint16_t h;
    std::memcpy(&h, t->data + i * sizeof(h), sizeof(h));
    (*c.widened)[i] = reference::half_to_float(h);
  }
  c.data = c.widened->data();
  return c;
}

// A float32 or float16 constant, not quantized.
Status check_float_weights(const TensorDesc* t, const char* role) {
  QRT_RETURN_IF_ERROR(check_required(t, role));
  if (t->dtype == DType::kFloat16) {
    if (!t->is_constant() || t->quantization.present()) {
      return error(QRT_UNSUPPORTED, std::string(role) + " " + describe_tensor(*t) +
                                        " must be a constant without quantization");
    }
    return ok_status();
  }
  return check_float_constant(t, role);
}

Status check_conv_tensors(const Model& model, const OpDesc& op, size_t rank, FloatConvTensors* t) {
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  t->input = op_input(model, op, 0);
  t->weights = op_input(model, op, 1);
  t->bias = op_input(model, op, 2);
  t->output = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(t->input, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(t->output, "output"));
  if (t->input->is_constant()) return error(QRT_UNSUPPORTED, "input " + describe_tensor(*t->input) + " is a constant");
  QRT_RETURN_IF_ERROR(check_float_weights(t->weights, "weights"));
  QRT_RETURN_IF_ERROR(check_rank(*t->weights, rank, "weights"));
  if (t->bias != nullptr) QRT_RETURN_IF_ERROR(check_float_weights(t->bias, "bias"));
  if (rank == 4) {
    QRT_RETURN_IF_ERROR(check_rank(*t->input, 4, "input"));
    QRT_RETURN_IF_ERROR(check_rank(*t->output, 4, "output"));
  }
  return ok_status();
}

Status check_bias_length(const TensorDesc* bias, int32_t channels) {
  if (bias != nullptr && bias->element_count != static_cast<size_t>(channels)) {
    return error(QRT_INVALID_MODEL, "bias " + describe_tensor(*bias) + " should have " + std::to_string(channels) +
                                        " values");
  }
  return ok_status();
}

template <typename Options>
WindowOptions dilated_window(const Options& o) {
  WindowOptions w = window_options(o);
  w.dilation_h = o.dilation_h();
  w.dilation_w = o.dilation_w();
  return w;
}

// Weights [n][k] (and bias) packed once for a float32 GEMM kernel.
std::shared_ptr<std::vector<float>> pack_gemm_f32(const GemmF32Kernel& kernel, int n, int k, const float* weights,
                                                  const float* bias) {
  auto packed = std::make_shared<std::vector<float>>(gemm_f32_packed_size(kernel.nr, n, k));
  gemm_f32_pack(kernel.nr, n, k, weights, bias, packed->data());
  return packed;
}

// The most tap offsets (8 bytes each) an indirect GEMM convolution builds
// at prepare; a larger one (a file may declare any output size) runs the
// reference kernel, which needs no table.
constexpr size_t kMaxIgemmF32Offsets = size_t{1} << 24;

// What the indirect GEMM of one convolution reads: per output pixel and tap
// the input offset (or -1 in the padding), a row of zeros, pointer scratch.
struct IgemmF32Setup {
  std::vector<int64_t> offsets;
  std::vector<float> zero;
  std::vector<const float*> pointers;
};

std::shared_ptr<IgemmF32Setup> make_igemm_f32_setup(const reference::Conv2DF32Params& p, int mr) {
  auto s = std::make_shared<IgemmF32Setup>();
  const size_t taps = static_cast<size_t>(p.kernel_height) * p.kernel_width;
  s->offsets.resize(static_cast<size_t>(p.batch) * p.output_height * p.output_width * taps);
  igemm_f32_build_offsets(p, s->offsets.data());
  s->zero.assign(static_cast<size_t>(p.input_channels), 0.0f);
  s->pointers.resize(static_cast<size_t>(mr) * taps);
  return s;
}

}  // namespace

Status build_conv2d_f32(const Model& model, const OpDesc& op, const KernelTable* kernels,
                        std::unique_ptr<PreparedOp>* prepared) {
  const fb::Conv2DOptions* o = op.op->options_as_Conv2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "Conv2DOptions"));
  FloatConvTensors t;
  QRT_RETURN_IF_ERROR(check_conv_tensors(model, op, 4, &t));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  const int in_c = t.input->shape[3];
  const int out_c = t.weights->shape[0];
  const int groups = o->groups();
  if (groups < 1 || in_c % groups != 0 || out_c % groups != 0 || t.weights->shape[3] != in_c / groups) {
    return error(QRT_INVALID_MODEL, "weights " + describe_tensor(*t.weights) + " with " + std::to_string(groups) +
                                        " groups do not fit input " + describe_tensor(*t.input));
  }
  QRT_RETURN_IF_ERROR(check_bias_length(t.bias, out_c));
  WindowGeometry g;
  QRT_RETURN_IF_ERROR(resolve_window(dilated_window(*o), t.input->shape[1], t.input->shape[2], t.weights->shape[1],
                                     t.weights->shape[2], &g));
  QRT_RETURN_IF_ERROR(
      check_shape(*t.output, {t.input->shape[0], g.rows.output_size, g.cols.output_size, out_c}, "output"));
  reference::Conv2DF32Params p;
  p.batch = t.input->shape[0];
  p.input_height = t.input->shape[1];
  p.input_width = t.input->shape[2];
  p.input_channels = in_c;
  p.output_height = g.rows.output_size;
  p.output_width = g.cols.output_size;
  p.output_channels = out_c;
  p.kernel_height = t.weights->shape[1];
  p.kernel_width = t.weights->shape[2];
  p.stride_height = o->stride_h();
  p.stride_width = o->stride_w();
  p.dilation_height = o->dilation_h();
  p.dilation_width = o->dilation_w();
  p.pad_top = g.rows.pad_before;
  p.pad_left = g.cols.pad_before;
  p.groups = groups;
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  const FloatConstant weights = float_values(t.weights, prepared != nullptr),
                      bias = float_values(t.bias, prepared != nullptr);
  const int32_t in = op.inputs[0], out = op.outputs[0];
  if (prepared == nullptr) return ok_status();
  if (kernels != nullptr && kernels->gemm_f32.run != nullptr && groups == 1) {
    const GemmF32Kernel kernel = kernels->gemm_f32;
    const int k = p.kernel_height * p.kernel_width * in_c;
    const std::shared_ptr<std::vector<float>> packed = pack_gemm_f32(kernel, out_c, k, weights.data, bias.data);
    const size_t pixels = static_cast<size_t>(p.batch) * p.output_height * p.output_width;
    const bool plain_gemm = p.kernel_height == 1 && p.kernel_width == 1 && p.stride_height == 1 &&
                            p.stride_width == 1 && p.pad_top == 0 && p.pad_left == 0 &&
                            p.output_height == p.input_height && p.output_width == p.input_width;
    if (plain_gemm) {
      set_prepared(prepared, std::make_unique<FloatParallelKernelOp>(kernel.name, [=](uint8_t* const* d,
                                                                                      pthreadpool_t threadpool) {
        gemm_f32_run(kernel, pixels, out_c, in_c, float_data(d, in), static_cast<size_t>(in_c), packed->data(),
                     float_output(d, out), static_cast<size_t>(out_c), p.clamp, threadpool);
      }));
      return ok_status();
    }
    const size_t taps = static_cast<size_t>(p.kernel_height) * p.kernel_width;
    if (pixels * taps <= kMaxIgemmF32Offsets) {
      const std::shared_ptr<IgemmF32Setup> setup = make_igemm_f32_setup(p, kernel.mr);
      const size_t slot = static_cast<size_t>(kernel.mr) * taps;
      set_prepared(prepared, std::make_unique<FloatParallelKernelOp>(
                                 kernel.name,
                                 [=](uint8_t* const* d, pthreadpool_t threadpool) {
                                   igemm_f32_run(kernel, pixels, out_c, static_cast<size_t>(in_c), taps,
                                                 setup->offsets.data(), float_data(d, in), setup->zero.data(),
                                                 packed->data(), float_output(d, out), static_cast<size_t>(out_c),
                                                 p.clamp, setup->pointers.data(), setup->pointers.size() / slot,
                                                 threadpool);
                                 },
                                 [=](size_t threads) { setup->pointers.resize(std::max<size_t>(threads, 1) * slot); }));
      return ok_status();
    }
  }
  set_prepared(prepared, std::make_unique<FloatKernelOp>("conv2d_f32_reference", [=](uint8_t* const* d) {
    reference::conv2d_f32(p, float_data(d, in), weights.data, bias.data, float_output(d, out));
  }));
  return ok_status();
}

Status build_depthwise_conv2d_f32(const Model& model, const OpDesc& op, const KernelTable* kernels,
                                  std::unique_ptr<PreparedOp>* prepared) {
  const fb::DepthwiseConv2DOptions* o = op.op->options_as_DepthwiseConv2DOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "DepthwiseConv2DOptions"));
  FloatConvTensors t;
  QRT_RETURN_IF_ERROR(check_conv_tensors(model, op, 4, &t));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  const int in_c = t.input->shape[3];
  const int multiplier = o->depth_multiplier();
  if (multiplier < 1 || int64_t{in_c} * multiplier != t.weights->shape[3] || t.weights->shape[0] != 1) {
    return error(QRT_INVALID_MODEL, "weights " + describe_tensor(*t.weights) + " should be [1,KH,KW," +
                                        std::to_string(int64_t{in_c} * multiplier) + "]");
  }
  const int out_c = t.weights->shape[3];
  QRT_RETURN_IF_ERROR(check_bias_length(t.bias, out_c));
  WindowGeometry g;
  QRT_RETURN_IF_ERROR(resolve_window(dilated_window(*o), t.input->shape[1], t.input->shape[2], t.weights->shape[1],
                                     t.weights->shape[2], &g));
  QRT_RETURN_IF_ERROR(
      check_shape(*t.output, {t.input->shape[0], g.rows.output_size, g.cols.output_size, out_c}, "output"));
  reference::DepthwiseConv2DF32Params p;
  p.batch = t.input->shape[0];
  p.input_height = t.input->shape[1];
  p.input_width = t.input->shape[2];
  p.input_channels = in_c;
  p.output_height = g.rows.output_size;
  p.output_width = g.cols.output_size;
  p.kernel_height = t.weights->shape[1];
  p.kernel_width = t.weights->shape[2];
  p.stride_height = o->stride_h();
  p.stride_width = o->stride_w();
  p.dilation_height = o->dilation_h();
  p.dilation_width = o->dilation_w();
  p.pad_top = g.rows.pad_before;
  p.pad_left = g.cols.pad_before;
  p.depth_multiplier = multiplier;
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  const FloatConstant weights = float_values(t.weights, prepared != nullptr),
                      bias = float_values(t.bias, prepared != nullptr);
  const int32_t in = op.inputs[0], out = op.outputs[0];
  if (kernels != nullptr && kernels->dwconv_f32.run != nullptr && multiplier == 1) {
    const Kernel<DwconvF32Fn> kernel = kernels->dwconv_f32;
    set_prepared(prepared, std::make_unique<FloatKernelOp>(kernel.name, [=](uint8_t* const* d) {
      kernel.run(p, float_data(d, in), weights.data, bias.data, float_output(d, out));
    }));
    return ok_status();
  }
  set_prepared(prepared, std::make_unique<FloatKernelOp>("depthwise_conv2d_f32_reference", [=](uint8_t* const* d) {
    reference::depthwise_conv2d_f32(p, float_data(d, in), weights.data, bias.data, float_output(d, out));
  }));
  return ok_status();
}

Status build_fully_connected_f32(const Model& model, const OpDesc& op, const KernelTable* kernels,
                                 std::unique_ptr<PreparedOp>* prepared) {
  const fb::FullyConnectedOptions* o = op.op->options_as_FullyConnectedOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "FullyConnectedOptions"));
  FloatConvTensors t;
  QRT_RETURN_IF_ERROR(check_conv_tensors(model, op, 2, &t));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  const int32_t out_c = t.weights->shape[0];
  const int32_t depth = t.weights->shape[1];
  if (t.input->element_count % depth != 0) {
    return error(QRT_INVALID_MODEL, "input " + describe_tensor(*t.input) + " does not split into rows of " +
                                        std::to_string(depth));
  }
  const size_t batch = t.input->element_count / depth;
  if (t.output->shape.empty() || t.output->shape.back() != out_c || t.output->element_count != batch * out_c) {
    return error(QRT_INVALID_MODEL, "output " + describe_tensor(*t.output) + " should hold " + std::to_string(batch) +
                                        " rows of " + std::to_string(out_c));
  }
  QRT_RETURN_IF_ERROR(check_bias_length(t.bias, out_c));
  reference::FullyConnectedF32Params p;
  p.batch = static_cast<int>(batch);
  p.input_depth = depth;
  p.output_depth = out_c;
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  const FloatConstant weights = float_values(t.weights, prepared != nullptr),
                      bias = float_values(t.bias, prepared != nullptr);
  const int32_t in = op.inputs[0], out = op.outputs[0];
  if (prepared != nullptr && kernels != nullptr && kernels->gemm_f32.run != nullptr) {
    const GemmF32Kernel kernel = kernels->gemm_f32;
    const std::shared_ptr<std::vector<float>> packed = pack_gemm_f32(kernel, out_c, depth, weights.data, bias.data);
    set_prepared(prepared, std::make_unique<FloatParallelKernelOp>(kernel.name, [=](uint8_t* const* d,
                                                                                    pthreadpool_t threadpool) {
      gemm_f32_run(kernel, batch, out_c, depth, float_data(d, in), static_cast<size_t>(depth), packed->data(),
                   float_output(d, out), static_cast<size_t>(out_c), p.clamp, threadpool);
    }));
    return ok_status();
  }
  set_prepared(prepared, std::make_unique<FloatKernelOp>("fully_connected_f32_reference", [=](uint8_t* const* d) {
    reference::fully_connected_f32(p, float_data(d, in), weights.data, bias.data, float_output(d, out));
  }));
  return ok_status();
}

}  // namespace qrt
