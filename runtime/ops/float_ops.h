// The float32 path: ops whose activations are float32 (mixed-precision
// models keep some layers in float, with QUANTIZE / DEQUANTIZE at the
// boundaries). op_registry.cc sends every such op here instead of to its int8
// glue; each float op has its own strict load-time check (every activation
// float32, weights and bias float32 constants) and runs the table's float32
// kernel (KernelTable::gemm_f32, dwconv_f32, vbinary_f32, vunary_f32) where
// the CPU has one and the op's form fits it, else its float32 reference
// kernel (kernels/reference/*_f32.h).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "runtime/ops/op_checks.h"
#include "runtime/ops/op_registry.h"

namespace qrt {

// True for an op other than QUANTIZE, DEQUANTIZE, RESHAPE, GATHER,
// FULLY_CONNECTED_W4, DYNAMIC_FULLY_CONNECTED, DYNAMIC_CONV_2D, LSTM, GRU and DYNAMIC_QUANTIZE_LINEAR
// (which handle float32 themselves) whose first input or first output is
// float32; and for a TRANSPOSE of int32 values (the same 32-bit word moves).
bool is_float_op(const Model& model, const OpDesc& op);

struct KernelTable;

Status validate_float_op(const Model& model, const OpDesc& op);
Status prepare_float_op(const Model& model, const OpDesc& op, const KernelTable& kernels,
                        std::unique_ptr<PreparedOp>* prepared);

// ---- shared by the float_*_ops.cc files ----

// A prepared float op: a kernel name and a call that reads the tensors it
// captured by index. Built once at prepare; run() allocates nothing.
class FloatKernelOp : public PreparedOp {
 public:
  using Run = std::function<void(uint8_t* const* tensor_data)>;
  FloatKernelOp(std::string name, Run run) : name_(std::move(name)), run_(std::move(run)) {}
  void run(const RunContext& context) const override { run_(context.tensor_data); }
  std::string kernel_name() const override { return name_; }

 private:
  std::string name_;
  Run run_;
};

// A float op whose kernel splits its work over the interpreter's threads
// (threadpool nullptr: the calling thread). on_thread_count, when set, sizes
// per-thread scratch once at prepare (PreparedOp::set_thread_count).
class FloatParallelKernelOp : public PreparedOp {
 public:
  using Run = std::function<void(uint8_t* const* tensor_data, pthreadpool_t threadpool)>;
  using ThreadCount = std::function<void(size_t threads)>;
  FloatParallelKernelOp(std::string name, Run run, ThreadCount on_thread_count = {})
      : name_(std::move(name)), run_(std::move(run)), on_thread_count_(std::move(on_thread_count)) {}
  void run(const RunContext& context) const override { run_(context.tensor_data, context.threadpool); }
  std::string kernel_name() const override { return name_; }
  Status set_thread_count(size_t threads) override {
    if (on_thread_count_) on_thread_count_(threads);
    return ok_status();
  }

 private:
  std::string name_;
  Run run_;
  ThreadCount on_thread_count_;
};

// Checks the op and, when `prepared` is not nullptr, builds it (validation
// passes nullptr: nothing is widened or kept).
using FloatBuildFn = Status (*)(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
// The same for ops with ISA kernels: `kernels` is nullptr when validating.
using FloatKernelBuildFn = Status (*)(const Model&, const OpDesc&, const KernelTable*, std::unique_ptr<PreparedOp>*);

inline void set_prepared(std::unique_ptr<PreparedOp>* prepared, std::unique_ptr<PreparedOp> op) {
  if (prepared != nullptr) *prepared = std::move(op);
}

// A float32 activation or constant operand (role names it in messages).
Status check_float_operand(const TensorDesc* t, const char* role);
// A float32 constant (weights, bias).
Status check_float_constant(const TensorDesc* t, const char* role);
// A fused activation value in range.
Status check_fused_activation(int activation);

inline const float* float_data(uint8_t* const* tensors, int32_t index) {
  return reinterpret_cast<const float*>(tensors[index]);
}
inline float* float_output(uint8_t* const* tensors, int32_t index) { return reinterpret_cast<float*>(tensors[index]); }

// float_compute_ops.cc
Status build_conv2d_f32(const Model&, const OpDesc&, const KernelTable*, std::unique_ptr<PreparedOp>*);
Status build_depthwise_conv2d_f32(const Model&, const OpDesc&, const KernelTable*, std::unique_ptr<PreparedOp>*);
Status build_fully_connected_f32(const Model&, const OpDesc&, const KernelTable*, std::unique_ptr<PreparedOp>*);
// float_elementwise_ops.cc
Status build_binary_f32(const Model&, const OpDesc&, const KernelTable*, std::unique_ptr<PreparedOp>*);
Status build_unary_f32(const Model&, const OpDesc&, const KernelTable*, std::unique_ptr<PreparedOp>*);
Status build_softmax_f32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
Status build_mean_f32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
Status build_pool2d_f32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
// float_transformer_ops.cc: BATCH_MATMUL and LAYER_NORM (reference kernels)
Status build_batch_matmul_f32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
Status build_layer_norm_f32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
// float_layout_ops.cc
Status build_transpose_x32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
Status build_pad_x32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
Status build_concatenation_x32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
Status build_split_x32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);
Status build_strided_slice_x32(const Model&, const OpDesc&, std::unique_ptr<PreparedOp>*);

}  // namespace qrt
