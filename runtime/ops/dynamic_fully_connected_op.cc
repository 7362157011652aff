// DYNAMIC_FULLY_CONNECTED: float32 input and output, int8 symmetric weights
// with float scales (per output channel or per tensor), optional float32
// bias; the input is quantized per inference from its own range
// (kernels/reference/dynamic_fully_connected_f32s8.h). Its activations are
// float32, but it has its own glue (op_registry.cc), since it picks a kernel
// from the table: the packed int8 GEMM tiles with the input quantized per
// run and a float epilogue (kernels/dynamic_fully_connected_f32s8.h), or the
// reference kernel when the table has none.
#include <cmath>
#include <memory>
#include <vector>

#include "kernels/dynamic_fully_connected_f32s8.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/dynamic_fully_connected_f32s8.h"
#include "runtime/ops/float_ops.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

class DynamicFullyConnectedOp : public PreparedOp {
 public:
  DynamicFullyConnectedOp(reference::DynamicFullyConnectedParams params, const OpDesc& op, const TensorDesc& weights,
                          const TensorDesc* bias)
      : params_(params), weights_(reinterpret_cast<const int8_t*>(weights.data)),
        bias_(bias ? reinterpret_cast<const float*>(bias->data) : nullptr),
        scales_(weights.quantization.scales), scratch_(static_cast<size_t>(params.input_depth)),
        input_(op.inputs[0]), output_(op.outputs[0]) {
    params_.weight_scales = scales_.data();
  }
  void run(const RunContext& c) const override {
    reference::dynamic_fully_connected_f32s8(params_, float_data(c.tensor_data, input_), weights_, bias_,
                                             scratch_.data(), float_output(c.tensor_data, output_));
  }
  std::string kernel_name() const override { return "dynamic_fully_connected_f32s8_reference"; }

 private:
  reference::DynamicFullyConnectedParams params_;
  const int8_t* weights_;
  const float* bias_;
  std::vector<float> scales_;
  // One quantized input row; sized at prepare. An interpreter runs one
  // invocation at a time, so the op may reuse it.
  mutable std::vector<int8_t> scratch_;
  int32_t input_, output_;
};

// The packed path: weights, column sums and bias packed once for the kernel's layout.
class PackedDynamicFullyConnectedOp : public PreparedOp {
 public:
  PackedDynamicFullyConnectedOp(const DynamicFcKernel& kernel, const DynamicFcRunParams& params, const OpDesc& op,
                                const TensorDesc& weights, const TensorDesc* bias)
      : kernel_(kernel), params_(params),
        packed_(dynamic_fc_packed_size(kernel.layout, params.n, params.k)),
        scratch_(dynamic_fc_scratch_size(kernel.layout, params.m, params.k)), input_(op.inputs[0]),
        output_(op.outputs[0]) {
    const std::vector<float>& scales = weights.quantization.scales;
    dynamic_fc_pack(kernel.layout, params.n, params.k, reinterpret_cast<const int8_t*>(weights.data), scales.data(),
                    static_cast<int>(scales.size()), bias ? reinterpret_cast<const float*>(bias->data) : nullptr,
                    packed_.data());
  }
  void run(const RunContext& c) const override {
    kernel_.run(params_, float_data(c.tensor_data, input_), packed_.data(), scratch_.data(),
                float_output(c.tensor_data, output_));
  }
  std::string kernel_name() const override { return kernel_.name; }

 private:
  DynamicFcKernel kernel_;
  DynamicFcRunParams params_;
  std::vector<uint8_t> packed_;
  // The quantized input rows; sized at prepare. An interpreter runs one
  // invocation at a time, so the op may reuse it.
  mutable std::vector<uint8_t> scratch_;
  int32_t input_, output_;
};

Status check_weights(const TensorDesc* w) {
  QRT_RETURN_IF_ERROR(check_required(w, "weights"));
  const std::string what = "weights " + describe_tensor(*w);
  if (w->dtype != DType::kInt8) return error(QRT_UNSUPPORTED, what + " must be int8");
  if (!w->is_constant()) return error(QRT_UNSUPPORTED, what + " must be a constant");
  QRT_RETURN_IF_ERROR(check_rank(*w, 2, "weights"));
  if (w->shape[0] < 1 || w->shape[1] < 1) return error(QRT_INVALID_MODEL, what + " is empty");
  return check_symmetric_weight_scales(*w, what);
}

Status build_dynamic_fully_connected(const Model& model, const OpDesc& op, const KernelTable* kernels,
                                     std::unique_ptr<PreparedOp>* prepared) {
  const fb::DynamicFullyConnectedOptions* o = op.op->options_as_DynamicFullyConnectedOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "DynamicFullyConnectedOptions"));
  QRT_RETURN_IF_ERROR(check_fused_activation(static_cast<int>(o->activation())));
  QRT_RETURN_IF_ERROR(check_counts(op, 2, 3, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc* weights = op_input(model, op, 1);
  const TensorDesc* bias = op_input(model, op, 2);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_float_operand(input, "input"));
  QRT_RETURN_IF_ERROR(check_float_operand(&output, "output"));
  if (input->is_constant()) return error(QRT_UNSUPPORTED, "input " + describe_tensor(*input) + " is a constant");
  if (output.is_constant()) return error(QRT_INVALID_MODEL, "output " + describe_tensor(output) + " is a constant");
  QRT_RETURN_IF_ERROR(check_weights(weights));
  const int32_t units = weights->shape[0];
  const int32_t depth = weights->shape[1];
  if (depth > reference::kDynamicFullyConnectedMaxDepth) {
    return error(QRT_UNSUPPORTED, "weights " + describe_tensor(*weights) + ": input depth above " +
                                      std::to_string(reference::kDynamicFullyConnectedMaxDepth) +
                                      " could overflow the int32 accumulator");
  }
  if (input->shape.empty() || input->shape.back() != depth || input->element_count % depth != 0) {
    return error(QRT_INVALID_MODEL, "input " + describe_tensor(*input) + " must end in the weights' depth " +
                                        std::to_string(depth));
  }
  const size_t batch = input->element_count / depth;
  if (batch > static_cast<size_t>(INT32_MAX)) return error(QRT_UNSUPPORTED, "input " + describe_tensor(*input) + " is too large");
  if (output.shape.empty() || output.shape.back() != units || output.element_count != batch * units) {
    return error(QRT_INVALID_MODEL, "output " + describe_tensor(output) + " should hold " + std::to_string(batch) +
                                        " rows of " + std::to_string(units));
  }
  if (bias != nullptr) {
    QRT_RETURN_IF_ERROR(check_float_constant(bias, "bias"));
    if (bias->element_count != static_cast<size_t>(units)) {
      return error(QRT_INVALID_MODEL, "bias " + describe_tensor(*bias) + " should have " + std::to_string(units) +
                                          " values");
    }
  }
  reference::DynamicFullyConnectedParams p;
  p.batch = static_cast<int>(batch);
  p.input_depth = depth;
  p.output_depth = units;
  p.weight_scale_count = static_cast<int>(weights->quantization.scales.size());
  p.clamp = reference::activation_range_f32(static_cast<FusedActivation>(o->activation()));
  if (prepared == nullptr) return ok_status();
  if (kernels != nullptr && kernels->dynamic_fully_connected.run != nullptr) {
    DynamicFcRunParams r;
    r.m = batch;
    r.n = units;
    r.k = depth;
    r.has_bias = bias != nullptr;
    r.clamp = p.clamp;
    *prepared = std::make_unique<PackedDynamicFullyConnectedOp>(kernels->dynamic_fully_connected, r, op, *weights, bias);
  } else {
    *prepared = std::make_unique<DynamicFullyConnectedOp>(p, op, *weights, bias);
  }
  return ok_status();
}

}  // namespace

Status validate_dynamic_fully_connected(const Model& model, const OpDesc& op) {
  return build_dynamic_fully_connected(model, op, nullptr, nullptr);
}

Status prepare_dynamic_fully_connected(const Model& model, const OpDesc& op, const KernelTable& kernels,
                                       std::unique_ptr<PreparedOp>* prepared) {
  return build_dynamic_fully_connected(model, op, &kernels, prepared);
}

}  // namespace qrt
