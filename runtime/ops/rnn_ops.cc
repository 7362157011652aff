// LSTM and GRU (op types 51, 52): float32 activations, float32 weights or
// int8 weights with the activations quantized per run (dynamic
// quantization). The recurrence is the reference's
// (kernels/reference/rnn_f32.h); the int8 form's gate products are
// DYNAMIC_FULLY_CONNECTED's arithmetic, on the table's packed dynamic FC
// kernel where it has one (bit-exact with the reference), else the
// reference's. Own glue (op_registry.cc), like the other dynamic ops.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "kernels/dynamic_fully_connected_f32s8.h"
#include "kernels/kernel_table.h"
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

// The int8 gate products on the table's packed dynamic FC kernel. The
// reference projection is dynamic_fully_connected_f32s8 without bias (each
// call quantizes its whole input), which the kernel matches bit for bit. W
// is packed per direction; R per direction and per row range the recurrence
// asks for (reference::rnn_recurrent_row_ranges, which
// tests/kernels/rnn_f32_test.cc checks against the calls); another range
// would go to the reference projection.
class PackedDynamicRnnProjection : public reference::RnnProjection {
 public:
  PackedDynamicRnnProjection(const DynamicFcKernel& kernel, const reference::RnnParams& p, int gates,
                             const int8_t* w, const std::vector<float>& w_scales, const int8_t* r,
                             const std::vector<float>& r_scales, const reference::RnnProjection* fallback)
      : kernel_(kernel), params_(p), fallback_(fallback) {
    const int rows = gates * p.hidden_size;
    const size_t steps_rows = static_cast<size_t>(p.sequence_length) * p.batch;
    scratch_.resize(std::max(dynamic_fc_scratch_size(kernel.layout, steps_rows, p.input_size),
                             dynamic_fc_scratch_size(kernel.layout, static_cast<size_t>(p.batch), p.hidden_size)));
    for (int d = 0; d < p.directions; ++d) {
      const int first = d * rows;
      input_.push_back(pack(w, w_scales, first, rows, p.input_size));
      std::vector<Packed> ranges;
      for (const reference::RnnRowRange& range : reference::rnn_recurrent_row_ranges(gates == 4, p.hidden_size)) {
        ranges.push_back(pack(r, r_scales, first + range.begin, range.count, p.hidden_size));
        ranges.back().begin = range.begin;
      }
      recurrent_.push_back(std::move(ranges));
    }
  }
  void input(int direction, const float* x, int rows, float* out) const override {
    run(input_[static_cast<size_t>(direction)], params_.input_size, x, rows, out);
  }
  void recurrent(int direction, int row_begin, int row_count, const float* h, int rows, float* out) const override {
    for (const Packed& range : recurrent_[static_cast<size_t>(direction)]) {
      if (range.begin == row_begin && range.count == row_count) {
        run(range, params_.hidden_size, h, rows, out);
        return;
      }
    }
    fallback_->recurrent(direction, row_begin, row_count, h, rows, out);
  }

 private:
  struct Packed {
    int begin, count;  // rows of R relative to the direction's first (W: all its rows)
    std::vector<uint8_t> block;
  };

  Packed pack(const int8_t* weights, const std::vector<float>& scales, int first, int count, int depth) const {
    Packed packed{first, count, std::vector<uint8_t>(dynamic_fc_packed_size(kernel_.layout, count, depth))};
    const bool per_row = scales.size() > 1;
    dynamic_fc_pack(kernel_.layout, count, depth, weights + static_cast<size_t>(first) * depth,
                    scales.data() + (per_row ? first : 0), per_row ? count : 1, nullptr, packed.block.data());
    return packed;
  }

  void run(const Packed& packed, int depth, const float* v, int rows, float* out) const {
    DynamicFcRunParams p;
    p.m = static_cast<size_t>(rows);
    p.n = packed.count;
    p.k = depth;
    kernel_.run(p, v, packed.block.data(), scratch_.data(), out);
  }

  DynamicFcKernel kernel_;
  reference::RnnParams params_;
  const reference::RnnProjection* fallback_;
  std::vector<Packed> input_;                  // per direction
  std::vector<std::vector<Packed>> recurrent_;  // per direction, per row range
  // The quantized rows; sized at prepare. An interpreter runs one
  // invocation at a time, so the op may reuse them.
  mutable std::vector<uint8_t> scratch_;
};

class RnnOp : public PreparedOp {
 public:
  RnnOp(bool lstm, const reference::RnnParams& p, const RnnTensors& t, const DynamicFcKernel& kernel,
        const OpDesc& op)
      : lstm_(lstm), params_(p), int8_(t.int8_weights), x_(op.inputs[0]), initial_h_(index_of(op, t.initial_h, 4)),
        initial_c_(lstm ? index_of(op, t.initial_c, 5) : -1), y_(op.outputs[0]), y_h_(op.outputs[1]),
        y_c_(lstm ? op.outputs[2] : -1), bias_(t.bias ? reinterpret_cast<const float*>(t.bias->data) : nullptr),
        scratch_(lstm ? reference::lstm_scratch_size(p) : reference::gru_scratch_size(p)),
        quantized_(static_cast<size_t>(std::max(p.input_size, p.hidden_size))) {
    const int gates = lstm ? 4 : 3;
    if (int8_) {
      w_scales_ = t.w->quantization.scales;
      r_scales_ = t.r->quantization.scales;
      const int8_t* w = reinterpret_cast<const int8_t*>(t.w->data);
      const int8_t* r = reinterpret_cast<const int8_t*>(t.r->data);
      reference_projection_ = std::make_unique<reference::DynamicRnnProjection>(
          p, gates, w, w_scales_.data(), static_cast<int>(w_scales_.size()), r, r_scales_.data(),
          static_cast<int>(r_scales_.size()), quantized_.data());
      if (kernel.run != nullptr) {
        kernel_name_ = kernel.name;
        projection_ = std::make_unique<PackedDynamicRnnProjection>(kernel, p, gates, w, w_scales_, r, r_scales_,
                                                                   reference_projection_.get());
      }
    } else {
      projection_ = std::make_unique<reference::FloatRnnProjection>(p, gates, reinterpret_cast<const float*>(t.w->data),
                                                                    reinterpret_cast<const float*>(t.r->data));
    }
  }
  void run(const RunContext& c) const override {
    const float* initial_h = initial_h_ >= 0 ? float_data(c.tensor_data, initial_h_) : nullptr;
    const reference::RnnProjection& projection = projection_ ? *projection_ : *reference_projection_;
    if (lstm_) {
      const float* initial_c = initial_c_ >= 0 ? float_data(c.tensor_data, initial_c_) : nullptr;
      reference::lstm_f32(params_, projection, float_data(c.tensor_data, x_), bias_, initial_h, initial_c,
                          float_output(c.tensor_data, y_), float_output(c.tensor_data, y_h_),
                          float_output(c.tensor_data, y_c_), scratch_.data());
    } else {
      reference::gru_f32(params_, projection, float_data(c.tensor_data, x_), bias_, initial_h,
                         float_output(c.tensor_data, y_), float_output(c.tensor_data, y_h_), scratch_.data());
    }
  }
  std::string kernel_name() const override {
    const std::string op = lstm_ ? "lstm" : "gru";
    if (!int8_) return op + "_f32_reference";
    return kernel_name_.empty() ? op + "_f32s8_dynamic_reference" : op + "_f32s8_dynamic on " + kernel_name_;
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
  // Float weights: the float projection. int8: the reference one, and the
  // packed one where the table has a dynamic FC kernel.
  std::unique_ptr<reference::RnnProjection> reference_projection_, projection_;
  std::string kernel_name_;  // the packed projection's kernel
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

Status build_rnn(bool lstm, const Model& model, const OpDesc& op, const KernelTable* kernels,
                 std::unique_ptr<PreparedOp>* prepared) {
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
  *prepared = std::make_unique<RnnOp>(lstm, p, t, kernels->dynamic_fully_connected, op);
  return ok_status();
}

}  // namespace

Status validate_lstm(const Model& model, const OpDesc& op) { return build_rnn(true, model, op, nullptr, nullptr); }
Status prepare_lstm(const Model& model, const OpDesc& op, const KernelTable& kernels,
                    std::unique_ptr<PreparedOp>* prepared) {
  return build_rnn(true, model, op, &kernels, prepared);
}
Status validate_gru(const Model& model, const OpDesc& op) { return build_rnn(false, model, op, nullptr, nullptr); }
Status prepare_gru(const Model& model, const OpDesc& op, const KernelTable& kernels,
                   std::unique_ptr<PreparedOp>* prepared) {
  return build_rnn(false, model, op, &kernels, prepared);
}

}  // namespace qrt
