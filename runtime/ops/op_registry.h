// The glue between the graph and the kernels: for each op type, a check run
// at load (counts, dtypes, shapes, options) and a prepare step that computes
// parameters once and picks a kernel, giving a PreparedOp that invoke runs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <pthreadpool.h>

#include "runtime/model.h"
#include "runtime/status.h"

namespace qrt {

struct KernelTable;

// What a prepared op sees during invoke.
struct RunContext {
  uint8_t* const* tensor_data;  // by tensor index; constants point into the model
  pthreadpool_t threadpool;     // nullptr: run on the calling thread
};

class PreparedOp {
 public:
  virtual ~PreparedOp() = default;
  virtual void run(const RunContext& context) const = 0;
  // The kernel prepare chose, e.g. "conv2d_s8_reference".
  virtual std::string kernel_name() const = 0;
  // The packed weights the op runs on, shared through the model's cache
  // (runtime/packed_weights.h); nullptr for ops without.
  virtual const PackedWeights* packed_weights() const { return nullptr; }
  // Called once by the interpreter's prepare, after the thread pool exists:
  // the most threads run() will be given. Ops that need per-thread scratch
  // allocate it here, never in run().
  virtual Status set_thread_count(size_t threads) {
    (void)threads;
    return ok_status();
  }
};

// False for ops that only move or compare values (reshape, transpose, pad,
// split, strided slice, nearest-neighbour resize, max pool, arg max,
// dequantize) and FULLY_CONNECTED_W4 (float32 in and out): the
// requantization rule does not apply to them.
bool op_requantizes(fb::OpType type);

// Multiply-accumulates one run of a validated op performs: output elements
// times the products behind each (CONV_2D: KH*KW*I, DEPTHWISE_CONV_2D: KH*KW,
// FULLY_CONNECTED: K). 0 for every other op: elementwise, pooling, softmax and
// data movement are not counted as MACs.
uint64_t op_macs(const Model& model, const OpDesc& op);

// The work the compute limit counts (qrt_options_set_max_macs): op_macs,
// plus output elements times the window for AVERAGE_POOL_2D and MAX_POOL_2D,
// whose windows a file may make as large as the input. Every other op costs
// time linear in its tensors, which the arena limit already bounds.
uint64_t op_compute_cost(const Model& model, const OpDesc& op);

// Load-time semantic check of one op of a model whose tensors are described.
Status validate_op(const Model& model, const OpDesc& op);

// Prepare-time parameter computation and kernel choice for a validated op.
Status prepare_op(const Model& model, const OpDesc& op, const KernelTable& kernels,
                  std::unique_ptr<PreparedOp>* prepared);

}  // namespace qrt
