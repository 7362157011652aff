// ADD / SUB / MUL, MAX_POOL_2D, MEAN over H and W, LOGISTIC and TANH on
// XNNPACK's int8 operators. Their arithmetic is XNNPACK's own (fixed-point
// add, float32 multiply and average); docs/xnnpack-backend.md says where it
// equals qrt's rules.
#include <vector>

#include "kernels/requantization.h"
#include "runtime/backends/xnnpack/xnnpack_operator.h"
#include "runtime/backends/xnnpack/xnnpack_ops.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/window_geometry.h"

namespace qrt {
namespace {

using CreateBinaryFn = xnn_status (*)(int8_t, float, int8_t, float, int8_t, float, int8_t, int8_t, uint32_t,
                                      xnn_operator_t*);
using SetupBinaryFn = xnn_status (*)(xnn_operator_t, size_t, const size_t*, size_t, const size_t*, const int8_t*,
                                     const int8_t*, int8_t*, pthreadpool_t);

std::vector<size_t> dims(const TensorDesc& t) { return std::vector<size_t>(t.shape.begin(), t.shape.end()); }

bool created(xnn_status status, const char* function, std::string* declined) {
  if (status == xnn_status_success) return true;
  *declined = std::string(function) + ": " + xnn_status_text(status);
  return false;
}

}  // namespace

void xnnpack_prepare_binary(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                            std::string* declined) {
  const TensorDesc& a = *op_input(model, op, 0);
  const TensorDesc& b = *op_input(model, op, 1);
  const TensorDesc& out = op_output(model, op, 0);
  if (a.shape.size() > XNN_MAX_TENSOR_DIMS || b.shape.size() > XNN_MAX_TENSOR_DIMS) {
    *declined = "rank above XNNPACK's " + std::to_string(XNN_MAX_TENSOR_DIMS);
    return;
  }
  const fb::BinaryOptions* o = op.op->options_as_BinaryOptions();
  const fb::Activation activation = o ? o->activation() : fb::Activation::NONE;
  const ClampRange clamp =
      activation_range_s8(static_cast<FusedActivation>(activation), out.scale(), out.zero_point());
  if (!clamp_fits_xnnpack(clamp, declined)) return;
  CreateBinaryFn create = xnn_create_add_nd_qs8;
  SetupBinaryFn setup = xnn_setup_add_nd_qs8;
  const char* name = "xnnpack_add_nd_qs8";
  if (op.type == fb::OpType::SUB) {
    create = xnn_create_subtract_nd_qs8, setup = xnn_setup_subtract_nd_qs8, name = "xnnpack_subtract_nd_qs8";
  } else if (op.type == fb::OpType::MUL) {
    create = xnn_create_multiply_nd_qs8, setup = xnn_setup_multiply_nd_qs8, name = "xnnpack_multiply_nd_qs8";
  }
  xnn_operator_t xop = nullptr;
  if (!created(create(static_cast<int8_t>(a.zero_point()), a.scale(), static_cast<int8_t>(b.zero_point()), b.scale(),
                      static_cast<int8_t>(out.zero_point()), out.scale(), static_cast<int8_t>(clamp.min),
                      static_cast<int8_t>(clamp.max), 0, &xop),
               name, declined)) {
    return;
  }
  const std::vector<size_t> a_dims = dims(a), b_dims = dims(b);
  const int32_t in1 = op.inputs[0], in2 = op.inputs[1], output = op.outputs[0];
  prepared->reset(new XnnpackOp(xop, name, [=](xnn_operator_t x, uint8_t* const* data, pthreadpool_t pool) {
    return setup(x, a_dims.size(), a_dims.data(), b_dims.size(), b_dims.data(), s8_in(data, in1), s8_in(data, in2),
                 s8_out(data, output), pool);
  }));
}

void xnnpack_prepare_max_pool2d(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                                std::string* declined) {
  const fb::Pool2DOptions& o = *op.op->options_as_Pool2DOptions();
  const TensorDesc& in = *op_input(model, op, 0);
  const TensorDesc& out = op_output(model, op, 0);
  WindowGeometry g;
  const Status status = resolve_window(window_options(o), in.shape[1], in.shape[2], o.filter_h(), o.filter_w(), &g);
  if (!status.ok()) {
    *declined = status.message;
    return;
  }
  const ClampRange clamp =
      activation_range_s8(static_cast<FusedActivation>(o.activation()), out.scale(), out.zero_point());
  if (!clamp_fits_xnnpack(clamp, declined)) return;
  const size_t channels = static_cast<size_t>(in.shape[3]);
  xnn_operator_t xop = nullptr;
  // Windows that reach into the padding take the max of their input pixels
  // only, as qrt's kernel (the loader refuses windows wholly in padding).
  if (!created(xnn_create_max_pooling2d_nhwc_s8(
                   static_cast<uint32_t>(g.rows.pad_before), static_cast<uint32_t>(g.cols.pad_after),
                   static_cast<uint32_t>(g.rows.pad_after), static_cast<uint32_t>(g.cols.pad_before),
                   static_cast<uint32_t>(o.filter_h()), static_cast<uint32_t>(o.filter_w()),
                   static_cast<uint32_t>(o.stride_h()), static_cast<uint32_t>(o.stride_w()), 1, 1, channels, channels,
                   channels, static_cast<int8_t>(clamp.min), static_cast<int8_t>(clamp.max), 0, &xop),
               "xnn_create_max_pooling2d_nhwc_s8", declined)) {
    return;
  }
  const size_t batch = static_cast<size_t>(in.shape[0]), height = static_cast<size_t>(in.shape[1]),
               width = static_cast<size_t>(in.shape[2]);
  const int32_t input = op.inputs[0], output = op.outputs[0];
  prepared->reset(new XnnpackOp(xop, "xnnpack_max_pooling2d_nhwc_s8",
                                [=](xnn_operator_t x, uint8_t* const* data, pthreadpool_t pool) {
                                  return xnn_setup_max_pooling2d_nhwc_s8(x, batch, height, width, s8_in(data, input),
                                                                         s8_out(data, output), pool);
                                }));
}

void xnnpack_prepare_mean(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                          std::string* declined) {
  // The loader accepts MEAN over axes [1, 2] of NHWC only: a global average.
  const TensorDesc& in = *op_input(model, op, 0);
  const TensorDesc& out = op_output(model, op, 0);
  const size_t channels = static_cast<size_t>(in.shape[3]);
  xnn_operator_t xop = nullptr;
  if (!created(xnn_create_global_average_pooling_nwc_qs8(
                   channels, channels, channels, static_cast<int8_t>(in.zero_point()), in.scale(),
                   static_cast<int8_t>(out.zero_point()), out.scale(), -128, 127, 0, &xop),
               "xnn_create_global_average_pooling_nwc_qs8", declined)) {
    return;
  }
  const size_t batch = static_cast<size_t>(in.shape[0]);
  const size_t width = static_cast<size_t>(in.shape[1]) * static_cast<size_t>(in.shape[2]);
  const int32_t input = op.inputs[0], output = op.outputs[0];
  prepared->reset(new XnnpackOp(xop, "xnnpack_global_average_pooling_nwc_qs8",
                                [=](xnn_operator_t x, uint8_t* const* data, pthreadpool_t pool) {
                                  return xnn_setup_global_average_pooling_nwc_qs8(
                                      x, batch, width, s8_in(data, input), s8_out(data, output), pool);
                                }));
}

void xnnpack_prepare_sigmoid_tanh(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                                  std::string* declined) {
  const TensorDesc& in = *op_input(model, op, 0);
  const TensorDesc& out = op_output(model, op, 0);
  if (in.dtype != DType::kInt8 || out.dtype != DType::kInt8) {
    *declined = "XNNPACK's sigmoid and tanh take int8 only";
    return;
  }
  const bool sigmoid = op.type == fb::OpType::LOGISTIC;
  const auto create = sigmoid ? xnn_create_sigmoid_nc_qs8 : xnn_create_tanh_nc_qs8;
  const auto setup = sigmoid ? xnn_setup_sigmoid_nc_qs8 : xnn_setup_tanh_nc_qs8;
  const char* name = sigmoid ? "xnnpack_sigmoid_nc_qs8" : "xnnpack_tanh_nc_qs8";
  // One row of every element: the operator is a table lookup.
  const size_t count = in.element_count;
  xnn_operator_t xop = nullptr;
  if (!created(create(count, count, count, static_cast<int8_t>(in.zero_point()), in.scale(),
                      static_cast<int8_t>(out.zero_point()), out.scale(), -128, 127, 0, &xop),
               name, declined)) {
    return;
  }
  const int32_t input = op.inputs[0], output = op.outputs[0];
  prepared->reset(new XnnpackOp(xop, name, [=](xnn_operator_t x, uint8_t* const* data, pthreadpool_t pool) {
    return setup(x, 1, s8_in(data, input), s8_out(data, output), pool);
  }));
}

}  // namespace qrt
