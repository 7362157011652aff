// LSTM and GRU (op types 51, 52): float32 activations, float32 weights or
// int8 weights with the activations quantized per run (dynamic
// quantization). Reference kernels (kernels/reference/rnn_f32.h); the int8
// form's gate products are DYNAMIC_FULLY_CONNECTED's reference arithmetic.
// Own glue (op_registry.cc), like the other dynamic ops.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "kernels/reference/rnn_f32.h"
#include "runtime/ops/float_ops.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

struct RnnTensors {
  const TensorDesc *x = nullptr, *w = nullptr, *r = nullptr, *bias = nullptr, *initial_h = nullptr,
                   *initial_c = nullptr;
  bool int8_weights = false;
};

class RnnOp : public PreparedOp {
 public:
  RnnOp(bool lstm, const reference::RnnParams& p, const RnnTensors& t, const OpDesc& op)
      : lstm_(lstm), params_(p), int8_(t.int8_weights), x_(op.inputs[0]), initial_h_(index_of(op, t.initial_h, 4)),
        initial_c_(lstm ? index_of(op, t.initial_c, 5) : -1), y_(op.outputs[0]), y_h_(op.outputs[1]),
        y_c_(lstm ? op.outputs[2] : -1), bias_(t.bias ? reinterpret_cast<const float*>(t.bias->data) : nullptr),
        scratch_(lstm ? reference::lstm_scratch_size(p) : reference::gru_scratch_size(p)),
        quantized_(static_cast<size_t>(std::max(p.input_size, p.hidden_size))) {
    const int gates = lstm ? 4 : 3;
    if (int8_) {
      w_scales_ = t.w->quantization.scales;
      r_scales_ = t.r->quantization.scales;
      projection_ = std::make_unique<reference::DynamicRnnProjection>(
          p, gates, reinterpret_cast<const int8_t*>(t.w->data), w_scales_.data(), static_cast<int>(w_scales_.size()),
          reinterpret_cast<const int8_t*>(t.r->data), r_scales_.data(), static_cast<int>(r_scales_.size()),
          quantized_.data());
    } else {
      projection_ = std::make_unique<reference::FloatRnnProjection>(p, gates, reinterpret_cast<const float*>(t.w->data),
                                                                    reinterpret_cast<const float*>(t.r->data));
    }
  }
  void run(const RunContext& c) const override {
    const float* initial_h = initial_h_ >= 0 ? float_data(c.tensor_data, initial_h_) : nullptr;
    if (lstm_) {
      const float* initial_c = initial_c_ >= 0 ? float_data(c.tensor_data, initial_c_) : nullptr;
      reference::lstm_f32(params_, *projection_, float_data(c.tensor_data, x_), bias_, initial_h, initial_c,
                          float_output(c.tensor_data, y_), float_output(c.tensor_data, y_h_),
                          float_output(c.tensor_data, y_c_), scratch_.data());
    } else {
      reference::gru_f32(params_, *projection_, float_data(c.tensor_data, x_), bias_, initial_h,
                         float_output(c.tensor_data, y_), float_output(c.tensor_data, y_h_), scratch_.data());
    }
  }
  std::string kernel_name() const override {
    return std::string(lstm_ ? "lstm" : "gru") + (int8_ ? "_f32s8_dynamic_reference" : "_f32_reference");
  }

 private:
  static int32_t index_of(const OpDesc& op, const TensorDesc* t, size_t i) {
    return t != nullptr && i < op.inputs.size() ? op.inputs[i] : -1;
  }
  bool lstm_;
  reference::RnnParams params_;
  bool int8_;
  int32_t x_, initial_h_, initial_c_, y_, y_h_, y_c_;
  const float* bias_;
  std::vector<float> w_scales_, r_scales_;
  std::unique_ptr<reference::RnnProjection> projection_;
  // Sized at prepare; an interpreter runs one invocation at a time, so the op may reuse them.
  mutable std::vector<float> scratch_;
  mutable std::vector<int8_t> quantized_;
};

// W or R: a rank-2 constant [rows, depth], float32 or int8 symmetric with
// one scale per row or per tensor.
Status check_gate_weights(const TensorDesc* t, const char* role, int64_t rows, int64_t depth) {
  QRT_RETURN_IF_ERROR(check_required(t, role));
  const std::string what = std::string(role) + " " + describe_tensor(*t);
  if (!t->is_constant()) return error(QRT_UNSUPPORTED, what + " must be a constant");
  QRT_RETURN_IF_ERROR(check_rank(*t, 2, role));
  if (t->shape[0] != rows || t->shape[1] != depth) {
    return error(QRT_INVALID_MODEL, what + " should be [" + std::to_string(rows) + ", " + std::to_string(depth) + "]");
  }
  if (t->dtype == DType::kFloat32) return check_float_constant(t, role);
  if (t->dtype != DType::kInt8) return error(QRT_UNSUPPORTED, what + " must be float32 or int8");
  QRT_RETURN_IF_ERROR(check_symmetric_weight_scales(*t, what));
  if (depth > reference::kDynamicFullyConnectedMaxDepth) {
    return error(QRT_UNSUPPORTED, what + ": depth above " + std::to_string(reference::kDynamicFullyConnectedMaxDepth) +
                                      " could overflow the int32 accumulator");
  }
  return ok_status();
}

Status check_state(const TensorDesc* t, const char* role, const std::vector<int32_t>& shape) {
  if (t == nullptr) return ok_status();
  QRT_RETURN_IF_ERROR(check_float_operand(t, role));
  return check_shape(*t, shape, role);
}

Status check_output(const TensorDesc& t, const char* role, const std::vector<int32_t>& shape) {
  QRT_RETURN_IF_ERROR(check_float_operand(&t, role));
  if (t.is_constant()) return error(QRT_INVALID_MODEL, std::string(role) + " " + describe_tensor(t) + " is a constant");
  return check_shape(t, shape, role);
}

Status build_rnn(bool lstm, const Model& model, const OpDesc& op, std::unique_ptr<PreparedOp>* prepared) {
  const fb::RnnOptions* o = op.op->options_as_RnnOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "RnnOptions"));
  const int gates = lstm ? 4 : 3;
  QRT_RETURN_IF_ERROR(check_counts(op, 3, lstm ? 6 : 5, lstm ? 3 : 2));
  if (o->direction() < 0 || o->direction() > 2) {
    return error(QRT_INVALID_MODEL, "RnnOptions: direction " + std::to_string(o->direction()) +
                                        " (0 forward, 1 reverse, 2 bidirectional)");
  }
  if (lstm && o->linear_before_reset()) return error(QRT_INVALID_MODEL, "RnnOptions: linear_before_reset is for GRU");
  RnnTensors t;
  t.x = op_input(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(t.x, "X"));
  if (t.x->is_constant()) return error(QRT_UNSUPPORTED, "X " + describe_tensor(*t.x) + " is a constant");
  QRT_RETURN_IF_ERROR(check_rank(*t.x, 3, "X"));
  const int32_t steps = t.x->shape[0], batch = t.x->shape[1], input_size = t.x->shape[2];
  const int64_t hidden = o->hidden_size();
  const int32_t directions = o->direction() == 2 ? 2 : 1;
  if (steps < 1 || batch < 1 || input_size < 1) return error(QRT_INVALID_MODEL, "X " + describe_tensor(*t.x) + " is empty");
  if (hidden < 1 || hidden > (1 << 20)) {
    return error(QRT_INVALID_MODEL, "RnnOptions: hidden_size " + std::to_string(hidden) + " out of range [1, 2^20]");
  }
  const int64_t rows = int64_t{directions} * gates * hidden;
  t.w = op_input(model, op, 1);
  t.r = op_input(model, op, 2);
  QRT_RETURN_IF_ERROR(check_gate_weights(t.w, "W", rows, input_size));
  QRT_RETURN_IF_ERROR(check_gate_weights(t.r, "R", rows, hidden));
  if (t.w->dtype != t.r->dtype) return error(QRT_UNSUPPORTED, "W and R must have one dtype (float32 or int8)");
  t.int8_weights = t.w->dtype == DType::kInt8;
  t.bias = op_input(model, op, 3);
  if (t.bias != nullptr) {
    QRT_RETURN_IF_ERROR(check_float_constant(t.bias, "B"));
    QRT_RETURN_IF_ERROR(check_shape(*t.bias, {directions, static_cast<int32_t>(2 * gates * hidden)}, "B"));
  }
  const std::vector<int32_t> state = {directions, batch, static_cast<int32_t>(hidden)};
  t.initial_h = op_input(model, op, 4);
  QRT_RETURN_IF_ERROR(check_state(t.initial_h, "initial_h", state));
  if (lstm) {
    t.initial_c = op_input(model, op, 5);
    QRT_RETURN_IF_ERROR(check_state(t.initial_c, "initial_c", state));
  }
  QRT_RETURN_IF_ERROR(
      check_output(op_output(model, op, 0), "Y", {steps, directions, batch, static_cast<int32_t>(hidden)}));
  QRT_RETURN_IF_ERROR(check_output(op_output(model, op, 1), "Y_h", state));
  if (lstm) QRT_RETURN_IF_ERROR(check_output(op_output(model, op, 2), "Y_c", state));
  if (prepared == nullptr) return ok_status();
  reference::RnnParams p;
  p.sequence_length = steps;
  p.batch = batch;
  p.input_size = input_size;
  p.hidden_size = static_cast<int>(hidden);
  p.directions = directions;
  p.reverse = o->direction() == 1;
  p.linear_before_reset = o->linear_before_reset();
  *prepared = std::make_unique<RnnOp>(lstm, p, t, op);
  return ok_status();
}

}  // namespace

Status validate_lstm(const Model& model, const OpDesc& op) { return build_rnn(true, model, op, nullptr); }
Status prepare_lstm(const Model& model, const OpDesc& op, const KernelTable&, std::unique_ptr<PreparedOp>* prepared) {
  return build_rnn(true, model, op, prepared);
}
Status validate_gru(const Model& model, const OpDesc& op) { return build_rnn(false, model, op, nullptr); }
Status prepare_gru(const Model& model, const OpDesc& op, const KernelTable&, std::unique_ptr<PreparedOp>* prepared) {
  return build_rnn(false, model, op, prepared);
}

}  // namespace qrt
