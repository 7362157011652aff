// FULLY_CONNECTED_W4: weight-only int4 fully connected. float32 activations
// in and out; weights INT8 [N, ceil(K/2)] holding packed signed 4-bit pairs
// (low nibble first, rows padded to a byte), scales FLOAT32 [N, K/G] (one per
// output channel and group of G inputs), optional FLOAT32 bias [N]. The
// kernel (kernels/reference/fully_connected_f32w4.h, or an ISA's) decodes the
// weights on the fly, in place from the model: prepare copies nothing.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include <pthreadpool.h>

#include "kernels/kernel_table.h"
#include "runtime/ops/float_ops.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

using F32W4Fn = void(const reference::FullyConnectedF32W4Params&, const float*, const uint8_t*, const float*,
                     const float*, float*);

struct W4Tensors {
  const TensorDesc *input, *weights, *scales, *bias, *output;
};

Status check_packed_weights(const TensorDesc* w, int32_t k) {
  QRT_RETURN_IF_ERROR(check_required(w, "weights"));
  if (w->dtype != DType::kInt8 || !w->is_constant() || w->quantization.present()) {
    return error(QRT_INVALID_MODEL, "weights " + describe_tensor(*w) +
                                        " must be an int8 constant without quantization (packed int4 pairs)");
  }
  QRT_RETURN_IF_ERROR(check_rank(*w, 2, "weights"));
  const int64_t row_bytes = (int64_t{k} + 1) / 2;
  if (w->shape[1] != row_bytes) {
    return error(QRT_INVALID_MODEL, "weights " + describe_tensor(*w) + " should have " + std::to_string(row_bytes) +
                                        " bytes per row: ceil(K / 2) for the input's K = " + std::to_string(k));
  }
  return ok_status();
}

Status check_scales(const TensorDesc* s, int32_t n, int32_t k) {
  QRT_RETURN_IF_ERROR(check_float_constant(s, "scales"));
  QRT_RETURN_IF_ERROR(check_rank(*s, 2, "scales"));
  const int32_t groups = s->shape[1];
  if (s->shape[0] != n || k % groups != 0) {
    return error(QRT_INVALID_MODEL, "scales " + describe_tensor(*s) + " should be [" + std::to_string(n) +
                                        ", K / G] with the group size G dividing K = " + std::to_string(k));
  }
  const float* v = reinterpret_cast<const float*>(s->data);
  for (size_t i = 0; i < s->element_count; ++i) {
    if (!std::isfinite(v[i]) || !(v[i] > 0.0f)) {
      return error(QRT_INVALID_MODEL, "scales " + describe_tensor(*s) + ": value " + std::to_string(i) + " (" +
                                          std::to_string(v[i]) + ") is not finite and positive");
    }
  }
  return ok_status();
}

Status check_output_shape(const fb::FullyConnectedOptions& o, const W4Tensors& t, int32_t n) {
  std::vector<int32_t> expected;
  if (o.keep_dims()) {
    expected.assign(t.input->shape.begin(), t.input->shape.end() - 1);
  } else {
    expected.push_back(static_cast<int32_t>(t.input->element_count / static_cast<size_t>(t.input->shape.back())));
  }
  expected.push_back(n);
  return check_shape(*t.output, expected, "output");
}

Status build_params(const Model& model, const OpDesc& op, W4Tensors* t, reference::FullyConnectedF32W4Params* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 3, 4, 1));
  const fb::FullyConnectedOptions* o = op.op->options_as_FullyConnectedOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "FullyConnectedOptions"));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  if (o->double_rounding() || o->scale_product_f32()) {
    return error(QRT_INVALID_MODEL, "double_rounding and scale_product_f32 are int8 requantization options; "
                                    "FULLY_CONNECTED_W4 has no requantization");
  }
  t->input = op_input(model, op, 0);
  t->weights = op_input(model, op, 1);
  t->scales = op_input(model, op, 2);
  t->bias = op_input(model, op, 3);
  t->output = &op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(t->input, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(t->output, "output"));
  if (t->input->is_constant()) return error(QRT_UNSUPPORTED, "input " + describe_tensor(*t->input) + " is a constant");
  if (t->input->shape.empty()) return error(QRT_INVALID_MODEL, "input " + describe_tensor(*t->input) + " has rank 0");
  const int32_t k = t->input->shape.back();
  QRT_RETURN_IF_ERROR(check_packed_weights(t->weights, k));
  const int32_t n = t->weights->shape[0];
  QRT_RETURN_IF_ERROR(check_scales(t->scales, n, k));
  if (t->bias != nullptr) {
    QRT_RETURN_IF_ERROR(check_float_constant(t->bias, "bias"));
    if (t->bias->element_count != static_cast<size_t>(n)) {
      return error(QRT_INVALID_MODEL, "bias " + describe_tensor(*t->bias) + " should have " + std::to_string(n) +
                                          " values");
    }
  }
  const size_t batch = t->input->element_count / static_cast<size_t>(k);
  if (batch > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return error(QRT_INVALID_MODEL, "input " + describe_tensor(*t->input) + " has too many rows");
  }
  QRT_RETURN_IF_ERROR(check_output_shape(*o, *t, n));
  p->batch = static_cast<int>(batch);
  p->input_depth = k;
  p->output_depth = n;
  p->group_size = k / t->scales->shape[1];
  p->clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  return ok_status();
}

class FullyConnectedW4Op : public PreparedOp {
 public:
  FullyConnectedW4Op(const reference::FullyConnectedF32W4Params& p, Kernel<F32W4Fn> kernel, const OpDesc& op,
                     const W4Tensors& t)
      : p_(p), kernel_(kernel), input_(op.inputs[0]), output_(op.outputs[0]), weights_(t.weights->data),
        scales_(reinterpret_cast<const float*>(t.scales->data)),
        bias_(t.bias ? reinterpret_cast<const float*>(t.bias->data) : nullptr) {}
  void run(const RunContext& c) const override {
    const float* x = float_data(c.tensor_data, input_);
    float* y = float_output(c.tensor_data, output_);
    const size_t threads = c.threadpool != nullptr ? pthreadpool_get_threads_count(c.threadpool) : 1;
    // Each output is computed whole by one call, so any split gives the same bits.
    const size_t slices = std::min(threads, static_cast<size_t>(p_.output_depth) / kMinOutputsPerSlice);
    if (slices <= 1) {
      kernel_.run(p_, x, weights_, scales_, bias_, y);
      return;
    }
    Slices task{this, x, y, slices};
    pthreadpool_parallelize_1d(c.threadpool, run_slice, &task, slices, 0);
  }
  std::string kernel_name() const override { return kernel_.name; }

 private:
  static constexpr size_t kMinOutputsPerSlice = 16;
  struct Slices {
    const FullyConnectedW4Op* op;
    const float* x;
    float* y;
    size_t count;
  };
  // Slice i: outputs [N * i / count, N * (i + 1) / count), written into the full-width rows.
  static void run_slice(void* context, size_t i) {
    const Slices& t = *static_cast<const Slices*>(context);
    const FullyConnectedW4Op& op = *t.op;
    const size_t n = static_cast<size_t>(op.p_.output_depth);
    const size_t first = n * i / t.count, last = n * (i + 1) / t.count;
    reference::FullyConnectedF32W4Params p = op.p_;
    p.output_depth = static_cast<int>(last - first);
    p.output_stride = op.p_.output_depth;
    const size_t groups = static_cast<size_t>(op.p_.input_depth / op.p_.group_size);
    op.kernel_.run(p, t.x, op.weights_ + first * reference::f32w4_row_bytes(op.p_.input_depth),
                   op.scales_ + first * groups, op.bias_ ? op.bias_ + first : nullptr, t.y + first);
  }

  reference::FullyConnectedF32W4Params p_;
  Kernel<F32W4Fn> kernel_;
  int32_t input_, output_;
  const uint8_t* weights_;
  const float *scales_, *bias_;
};

}  // namespace

Status validate_fully_connected_w4(const Model& model, const OpDesc& op) {
  W4Tensors t;
  reference::FullyConnectedF32W4Params p;
  return build_params(model, op, &t, &p);
}

Status prepare_fully_connected_w4(const Model& model, const OpDesc& op, const KernelTable& kernels,
                                  std::unique_ptr<PreparedOp>* prepared) {
  W4Tensors t;
  reference::FullyConnectedF32W4Params p;
  QRT_RETURN_IF_ERROR(build_params(model, op, &t, &p));
  *prepared = std::make_unique<FullyConnectedW4Op>(p, kernels.fully_connected_f32w4, op, t);
  return ok_status();
}

}  // namespace qrt
