// SOFTMAX (last axis) and MEAN (over H and W of NHWC): the reductions whose
// integer parameterisations the kernels' init functions derive.
#include <pthreadpool.h>

#include <algorithm>
#include <cmath>

#include "runtime/ops/kernel_op.h"
#include "runtime/ops/op_checks.h"
#include "runtime/ops/ops.h"

namespace qrt {
namespace {

Status from_message(const std::string& message) {
  return message.empty() ? ok_status() : error(QRT_UNSUPPORTED, message);
}

Status build_softmax(const Model& model, const OpDesc& op, reference::SoftmaxS8Params* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
  QRT_RETURN_IF_ERROR(check_shape(output, input->shape, "output"));
  const fb::SoftmaxOptions* o = op.op->options_as_SoftmaxOptions();
  const float beta = o ? o->beta() : 1.0f;
  if (!std::isfinite(beta) || !(beta > 0.0f)) {
    return error(QRT_INVALID_MODEL, "softmax beta " + std::to_string(beta) + " is not finite and positive");
  }
  return from_message(reference::init_softmax_s8_params(op.rule, input->shape.data(),
                                                        static_cast<int>(input->shape.size()), input->scale(),
                                                        input->zero_point(), beta, output.scale(),
                                                        output.zero_point(), p));
}

Status build_mean(const Model& model, const OpDesc& op, reference::MeanS8Params* p) {
  QRT_RETURN_IF_ERROR(check_counts(op, 1, 1, 1));
  const TensorDesc* input = op_input(model, op, 0);
  const TensorDesc& output = op_output(model, op, 0);
  QRT_RETURN_IF_ERROR(check_int8_activation(input, "input"));
  QRT_RETURN_IF_ERROR(check_int8_activation(&output, "output"));
  QRT_RETURN_IF_ERROR(check_rank(*input, 4, "input"));
  const fb::MeanOptions* o = op.op->options_as_MeanOptions();
  QRT_RETURN_IF_ERROR(check_options(o, "MeanOptions"));
  const bool spatial_axes = o->axes() && o->axes()->size() == 2 &&
                            ((o->axes()->Get(0) == 1 && o->axes()->Get(1) == 2) ||
                             (o->axes()->Get(0) == 2 && o->axes()->Get(1) == 1));
  if (!spatial_axes) return error(QRT_UNSUPPORTED, "MEAN is supported over axes [1, 2] (H and W of NHWC) only");
  QRT_RETURN_IF_ERROR(from_message(reference::init_mean_s8_params(
      op.rule, input->shape.data(), 4, o->keep_dims(), input->scale(), input->zero_point(), output.scale(),
      output.zero_point(), p, o->uint8_arithmetic())));
  return check_shape(output, std::vector<int32_t>(p->output_dims, p->output_dims + p->output_rank), "output");
}

// Softmax rows (elements) below which a task is not worth waking the pool
// for: a pthreadpool dispatch costs a few microseconds on a 2-core x86
// machine, the time of about 2000 softmax elements.
constexpr int64_t kSoftmaxMinTaskElements = 4096;

// SOFTMAX with its rows split over the thread pool in contiguous ranges.
// Rows are independent, so the bytes do not depend on the split.
class SoftmaxOp : public PreparedOp {
 public:
  using Fn = void(const reference::SoftmaxS8Params&, const int8_t*, int8_t*);
  SoftmaxOp(const reference::SoftmaxS8Params& params, Kernel<Fn> kernel, const OpDesc& op)
      : params_(params), kernel_(kernel), input_(op.inputs[0]), output_(op.outputs[0]) {}
  void run(const RunContext& c) const override {
    const int8_t* input = reinterpret_cast<const int8_t*>(c.tensor_data[input_]);
    int8_t* output = reinterpret_cast<int8_t*>(c.tensor_data[output_]);
    const int64_t rows = params_.outer_size;
    const int64_t by_work = rows * params_.depth / kSoftmaxMinTaskElements;
    const size_t threads = c.threadpool != nullptr ? pthreadpool_get_threads_count(c.threadpool) : 1;
    const size_t tasks = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(threads), std::min(rows, by_work)));
    if (tasks <= 1) {
      kernel_.run(params_, input, output);
      return;
    }
    Task task{this, input, output, static_cast<size_t>(rows), tasks};
    pthreadpool_parallelize_1d(c.threadpool, run_rows, &task, tasks, 0);
  }
  std::string kernel_name() const override { return kernel_.name; }

 private:
  struct Task {
    const SoftmaxOp* op;
    const int8_t* input;
    int8_t* output;
    size_t rows, tasks;
  };
  static void run_rows(void* context, size_t i) {
    const Task& t = *static_cast<const Task*>(context);
    const size_t first = i * t.rows / t.tasks, last = (i + 1) * t.rows / t.tasks;
    if (first >= last) return;
    reference::SoftmaxS8Params p = t.op->params_;
    p.outer_size = static_cast<int64_t>(last - first);
    const size_t offset = first * static_cast<size_t>(p.depth);
    t.op->kernel_.run(p, t.input + offset, t.output + offset);
  }

  reference::SoftmaxS8Params params_;
  Kernel<Fn> kernel_;
  int32_t input_, output_;
};

}  // namespace

Status validate_softmax(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::SoftmaxS8Params, build_softmax>(model, op);
}

Status prepare_softmax(const Model& model, const OpDesc& op, const KernelTable& kernels,
                       std::unique_ptr<PreparedOp>* prepared) {
  reference::SoftmaxS8Params params;
  QRT_RETURN_IF_ERROR(build_softmax(model, op, &params));
  *prepared = std::make_unique<SoftmaxOp>(params, kernels.softmax, op);
  return ok_status();
}

Status validate_mean(const Model& model, const OpDesc& op) {
  return validate_by_building<reference::MeanS8Params, build_mean>(model, op);
}

Status prepare_mean(const Model& model, const OpDesc& op, const KernelTable& kernels,
                    std::unique_ptr<PreparedOp>* prepared) {
  return prepare_unary_kernel_op<reference::MeanS8Params, build_mean, &KernelTable::mean>(model, op, kernels,
                                                                                          prepared);
}

}  // namespace qrt
