// The int8 unary ops that run as a 256-entry table built at prepare:
// LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6, GELU, ERF, and QUANTIZE
// from int8 to int8 (a rescale). The table builders carry each rule's exact
// formula; the kernel only looks values up.
#include <array>
#include <cmath>

#include "kernels/kernel_table.h"
#include "kernels/reference/unary_lut_builders.h"
#include "runtime/ops/parallel_elements.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

using Table = std::array<int8_t, 256>;

class LutOp : public PreparedOp {
 public:
  LutOp(const Table& table, size_t count, Kernel<LutKernelFn> kernel, const OpDesc& op)
      : table_(table), count_(count), kernel_(kernel), input_(op.inputs[0]), output_(op.outputs[0]) {}
  void run(const RunContext& c) const override {
    const int8_t* input = reinterpret_cast<const int8_t*>(c.tensor_data[input_]);
    int8_t* output = reinterpret_cast<int8_t*>(c.tensor_data[output_]);
    parallel_elements(c.threadpool, count_, [&](size_t first, size_t count) {
      kernel_.run(table_.data(), input + first, output + first, count);
    });
  }
  std::string kernel_name() const override { return kernel_.name; }

 private:
  Table table_;
  size_t count_;
  Kernel<LutKernelFn> kernel_;
  int32_t input_, output_;
};

Status build_table(const Model& model, const OpDesc& op, Table* table) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
  QRT_RETURN_IF_ERROR(check_shape(output, input->shape, "output"));
  const float in_scale = input->scale(), out_scale = output.scale();
  const int32_t in_zp = input->zero_point(), out_zp = output.zero_point();
  int8_t* t = table->data();
  std::string message;
  switch (op.type) {
    case fb::OpType::LOGISTIC:
      message = reference::build_logistic_lut(op.rule, in_scale, in_zp, out_scale, out_zp, t);
      break;
    case fb::OpType::TANH:
      message = reference::build_tanh_lut(op.rule, in_scale, in_zp, out_scale, out_zp, t);
      break;
    case fb::OpType::HARD_SWISH:
      message = reference::build_hard_swish_lut(op.rule, in_scale, in_zp, out_scale, out_zp, t);
      break;
    case fb::OpType::LEAKY_RELU: {
      const fb::LeakyReluOptions* o = op.op->options_as_LeakyReluOptions();
      const float alpha = o ? o->alpha() : 0.0f;
      if (!std::isfinite(alpha)) return error(QRT_INVALID_MODEL, "leaky relu alpha is not finite");
      message = reference::build_leaky_relu_lut(op.rule, in_scale, in_zp, out_scale, out_zp, alpha, t);
      break;
    }
    case fb::OpType::RELU:
      message = reference::build_relu_lut(op.rule, in_scale, in_zp, out_scale, out_zp, t);
      break;
    case fb::OpType::RELU6:
      message = reference::build_relu6_lut(op.rule, in_scale, in_zp, out_scale, out_zp, t);
      break;
    case fb::OpType::GELU: {
      const fb::GeluOptions* o = op.op->options_as_GeluOptions();
      message = reference::build_gelu_lut(op.rule, in_scale, in_zp, out_scale, out_zp, o && o->approximate(), t);
      break;
    }
    case fb::OpType::ERF:
      message = reference::build_erf_lut(op.rule, in_scale, in_zp, out_scale, out_zp, t);
      break;
    case fb::OpType::QUANTIZE:
      message = reference::build_rescale_lut(op.rule, in_scale, in_zp, out_scale, out_zp, t);
      break;
    default:
      return error(QRT_UNSUPPORTED, "not a table op");
  }
  return message.empty() ? ok_status() : error(QRT_UNSUPPORTED, message);
}

}  // namespace

Status validate_lut(const Model& model, const OpDesc& op) {
  Table table;
  return build_table(model, op, &table);
}

Status prepare_lut(const Model& model, const OpDesc& op, const KernelTable& kernels,
                   std::unique_ptr<PreparedOp>* prepared) {
  Table table;
  QRT_RETURN_IF_ERROR(build_table(model, op, &table));
  *prepared = std::make_unique<LutOp>(table, op_output(model, op, 0).element_count, kernels.lut, op);
  return ok_status();
}

}  // namespace qrt
