// Interpreter: prepare once (kernel choice, parameters, arena plan), then
// invoke many times with no heap allocation. One thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pthreadpool.h>

#include "runtime/backends/backend.h"
#include "runtime/model.h"
#include "runtime/ops/op_registry.h"
#include "runtime/status.h"

namespace qrt {

struct InterpreterOptions {
  // A constructor rather than an aggregate, so InterpreterOptions{threads}
  // stays warning-free as fields are added.
  InterpreterOptions(int threads = 1, std::string kernel_isa = {})
      : num_threads(threads), isa(std::move(kernel_isa)) {}

  int num_threads = 1;  // 0: one per core
  // Kernel ISA: "" for the QRT_ISA environment variable when set, else the
  // best this CPU has; or a name ("reference", "sse41", "avx2", "avxvnni",
  // "avx512vnni", "neon", ...) that the CPU must have, or prepare fails.
  std::string isa;
  // Time every op of every invoke (two clock reads per op); off costs nothing.
  bool profiling = false;
  // Activation memory prepare may allocate (arena + uint8 boundary copies);
  // larger plans are refused before allocating. qrt_options_set_max_arena_bytes.
  size_t max_arena_bytes = QRT_DEFAULT_MAX_ARENA_BYTES;
  // Work per invoke (op_compute_cost summed over the ops); larger models are
  // refused by prepare before any weight is packed. qrt_options_set_max_macs.
  uint64_t max_macs = QRT_DEFAULT_MAX_MACS;
  // kXnnpack: XNNPACK runs the ops it supports, qrt's kernels the rest.
  Backend backend = Backend::kQrt;
};

// One op's profile: multiply-accumulates computed at prepare, times measured
// by invoke when InterpreterOptions::profiling is on.
struct OpProfile {
  uint64_t last_ns = 0;   // the most recent invoke
  uint64_t total_ns = 0;  // summed since prepare or reset_op_profiles()
  uint64_t count = 0;     // invokes in total_ns
  uint64_t macs = 0;      // per invoke; 0 for ops that do not accumulate products
};

class Interpreter {
 public:
  Interpreter(const Model& model, const InterpreterOptions& options);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  Status prepare();
  Status invoke();
  bool prepared() const { return prepared_; }

  const Model& model() const { return model_; }
  size_t arena_size() const { return arena_size_; }
  // External-dtype buffers of the graph inputs and outputs (after prepare).
  uint8_t* input_buffer(size_t index) const { return input_buffers_[index]; }
  const uint8_t* output_buffer(size_t index) const { return output_buffers_[index]; }
  const PreparedOp& prepared_op(size_t index) const { return *ops_[index]; }
  // The packed weights the prepared ops run on (shared with the model's other
  // interpreters through its cache): total bytes, the part the file supplied.
  struct PackedWeightUse {
    size_t bytes = 0;
    size_t from_file_bytes = 0;
  };
  PackedWeightUse packed_weight_use() const;
  // The kernel table prepare chose, e.g. "avx2" (after prepare).
  const char* isa() const { return isa_; }
  bool profiling() const { return options_.profiling; }
  // One entry per op after prepare; times stay 0 unless profiling is on.
  const std::vector<OpProfile>& op_profiles() const { return profiles_; }
  void reset_op_profiles();
  // Who runs op `index` (after prepare), and why the requested backend did
  // not take it ("" when it did, or when the backend is qrt).
  Backend op_backend(size_t index) const { return op_backends_[index]; }
  const std::string& op_backend_note(size_t index) const { return op_backend_notes_[index]; }

 private:
  Status plan_memory();
  Status bind_graph_io();
  Status prepare_backend_op(size_t index, const KernelTable& kernels);
  Status bind_delegated_ops(const KernelTable& kernels);

  const Model& model_;
  InterpreterOptions options_;
  bool prepared_ = false;
  std::vector<std::unique_ptr<PreparedOp>> ops_;
  std::vector<OpProfile> profiles_;
  std::vector<Backend> op_backends_;
  std::vector<std::string> op_backend_notes_;
  const char* isa_ = "";
  std::vector<uint8_t*> tensor_data_;
  std::unique_ptr<uint8_t[], void (*)(uint8_t*)> arena_{nullptr, nullptr};
  size_t arena_size_ = 0;
  // Separate buffers only where the external dtype differs (uint8 over int8).
  std::vector<std::vector<uint8_t>> boundary_buffers_;
  std::vector<uint8_t*> input_buffers_;
  std::vector<uint8_t*> output_buffers_;
  pthreadpool_t threadpool_ = nullptr;
};

}  // namespace qrt
