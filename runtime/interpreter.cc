#include "runtime/interpreter.h"

#include <algorithm>
#include <chrono>
#include <new>

#include "kernels/kernel_table.h"
#include "runtime/backends/xnnpack/xnnpack_backend.h"
#include "runtime/memory_planner.h"

namespace qrt {
namespace {

constexpr size_t kArenaAlignment = 64;

void free_arena(uint8_t* p) { ::operator delete[](p, std::align_val_t(kArenaAlignment)); }

// A uint8 interface over an int8 tensor: value - 128 is a flip of the top bit.
void flip_sign_bits(const uint8_t* in, uint8_t* out, size_t count) {
  for (size_t i = 0; i < count; ++i) out[i] = in[i] ^ 0x80;
}

// The compute limit: the summed work of every op against max_macs, checked
// before prepare packs any weights. The message names the costliest op.
Status check_compute_limit(const Model& model, uint64_t max_macs) {
  const std::vector<OpDesc>& ops = model.ops();
  uint64_t total = 0;
  uint64_t largest = 0;
  size_t largest_index = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const uint64_t cost = op_compute_cost(model, ops[i]);
    if (cost > largest) largest = cost, largest_index = i;
    if (__builtin_add_overflow(total, cost, &total)) total = UINT64_MAX;
  }
  if (total <= max_macs) return ok_status();
  const OpDesc& op = ops[largest_index];
  return error(QRT_UNSUPPORTED, "the model needs " + std::to_string(total) +
                                    " multiply-accumulates per invoke, more than the limit of " +
                                    std::to_string(max_macs) + " (qrt_options_set_max_macs); the largest is op " +
                                    std::to_string(largest_index) + (op.name.empty() ? "" : " '" + op.name + "'") +
                                    " (" + fb::EnumNameOpType(op.type) + ") with " + std::to_string(largest));
}

}  // namespace

Interpreter::Interpreter(const Model& model, const InterpreterOptions& options)
    : model_(model), options_(options) {}

Interpreter::~Interpreter() {
  if (threadpool_ != nullptr) pthreadpool_destroy(threadpool_);
}

Status Interpreter::prepare() {
  if (prepared_) return error(QRT_INVALID_STATE, "the interpreter is already prepared");
  std::string isa_error;
  const KernelTable* table = find_kernel_table(options_.isa.c_str(), &isa_error);
  if (table == nullptr) return error(QRT_INVALID_ARGUMENT, "kernel ISA: " + isa_error);
  const KernelTable& kernels = *table;
  QRT_RETURN_IF_ERROR(check_compute_limit(model_, options_.max_macs));
  const std::vector<OpDesc>& ops = model_.ops();
  ops_.resize(ops.size());
  op_backends_.assign(ops.size(), Backend::kQrt);
  op_backend_notes_.assign(ops.size(), std::string());
  for (size_t i = 0; i < ops.size(); ++i) {
    Status status = prepare_backend_op(i, kernels);
    if (!status.ok()) {
      status.message = "op " + std::to_string(i) + (ops[i].name.empty() ? "" : " '" + ops[i].name + "'") +
                       " (" + fb::EnumNameOpType(ops[i].type) + "): " + status.message;
      ops_.clear();
      return status;
    }
  }
  profiles_.assign(ops.size(), OpProfile{});
  for (size_t i = 0; i < ops.size(); ++i) profiles_[i].macs = op_macs(model_, ops[i]);
  isa_ = kernels.isa;
  QRT_RETURN_IF_ERROR(plan_memory());
  QRT_RETURN_IF_ERROR(bind_graph_io());
  if (options_.num_threads != 1) {
    threadpool_ = pthreadpool_create(static_cast<size_t>(std::max(options_.num_threads, 0)));
    if (threadpool_ == nullptr) return error(QRT_OUT_OF_MEMORY, "cannot create the thread pool");
  }
  QRT_RETURN_IF_ERROR(bind_delegated_ops(kernels));
  const size_t threads = threadpool_ != nullptr ? pthreadpool_get_threads_count(threadpool_) : 1;
  for (const std::unique_ptr<PreparedOp>& op : ops_) QRT_RETURN_IF_ERROR(op->set_thread_count(threads));
  prepared_ = true;
  return ok_status();
}

// The backend option's choice for one op: XNNPACK when asked for and it
// takes the op, else qrt's kernels.
Status Interpreter::prepare_backend_op(size_t index, const KernelTable& kernels) {
  const OpDesc& op = model_.ops()[index];
  if (options_.backend == Backend::kXnnpack) {
    std::unique_ptr<DelegatedOp> delegated;
    xnnpack_prepare_op(model_, op, &delegated, &op_backend_notes_[index]);
    if (delegated != nullptr) {
      ops_[index] = std::move(delegated);
      op_backends_[index] = Backend::kXnnpack;
      return ok_status();
    }
  }
  return prepare_op(model_, op, kernels, &ops_[index]);
}

// Delegated ops bind to the arena and the pool now that both exist; one
// whose library refuses the binding runs on qrt's kernels instead.
Status Interpreter::bind_delegated_ops(const KernelTable& kernels) {
  for (size_t i = 0; i < ops_.size(); ++i) {
    if (op_backends_[i] == Backend::kQrt) continue;
    const Status bound = static_cast<DelegatedOp&>(*ops_[i]).bind(tensor_data_.data(), threadpool_);
    if (bound.ok()) continue;
    op_backends_[i] = Backend::kQrt;
    op_backend_notes_[i] = bound.message;
    QRT_RETURN_IF_ERROR(prepare_op(model_, model_.ops()[i], kernels, &ops_[i]));
  }
  return ok_status();
}

Status Interpreter::plan_memory() {
  const std::vector<TensorDesc>& tensors = model_.tensors();
  const std::vector<OpDesc>& ops = model_.ops();
  const int last_op = static_cast<int>(ops.size()) - 1;
  constexpr int kUnused = -1;
  std::vector<int> first_use(tensors.size(), kUnused);
  std::vector<int> last_use(tensors.size(), kUnused);
  auto touch = [&](int32_t tensor, int op) {
    if (tensor < 0 || tensors[tensor].is_constant()) return;
    if (first_use[tensor] == kUnused) first_use[tensor] = op;
    last_use[tensor] = std::max(last_use[tensor], op);
  };
  for (int i = 0; i <= last_op; ++i) {
    for (int32_t t : ops[i].inputs) touch(t, i);
    for (int32_t t : ops[i].outputs) touch(t, i);
  }
  // Graph inputs and outputs live through the whole run, so callers can read
  // outputs afterwards and invoke again without writing the inputs anew.
  for (const GraphIODesc& io : model_.inputs()) touch(io.tensor, 0), touch(io.tensor, last_op);
  for (const GraphIODesc& io : model_.outputs()) touch(io.tensor, 0), touch(io.tensor, last_op);

  std::vector<BufferRequest> requests;
  std::vector<int32_t> request_tensor;
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (first_use[t] == kUnused) continue;
    requests.push_back(BufferRequest{tensors[t].byte_size, first_use[t], last_use[t]});
    request_tensor.push_back(static_cast<int32_t>(t));
  }
  const ArenaPlan plan = plan_arena(requests, kArenaAlignment);
  // The limit covers the uint8 boundary copies too (bind_graph_io), and is
  // checked before anything is allocated.
  size_t total = plan.arena_size;
  for (const std::vector<GraphIODesc>* list : {&model_.inputs(), &model_.outputs()}) {
    for (const GraphIODesc& io : *list) {
      if (io.external_dtype != tensors[io.tensor].dtype) total += tensors[io.tensor].byte_size;
    }
  }
  if (total > options_.max_arena_bytes) {
    return error(QRT_OUT_OF_MEMORY, "the model needs " + std::to_string(total) +
                                        " bytes of activation memory (arena " + std::to_string(plan.arena_size) +
                                        "), more than the limit of " + std::to_string(options_.max_arena_bytes) +
                                        " bytes (qrt_options_set_max_arena_bytes)");
  }
  arena_size_ = plan.arena_size;
  uint8_t* arena = new (std::align_val_t(kArenaAlignment), std::nothrow) uint8_t[std::max<size_t>(arena_size_, 1)];
  if (arena == nullptr) {
    return error(QRT_OUT_OF_MEMORY, "cannot allocate the " + std::to_string(arena_size_) + "-byte arena");
  }
  arena_ = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>(arena, free_arena);

  tensor_data_.assign(tensors.size(), nullptr);
  for (size_t t = 0; t < tensors.size(); ++t) {
    // Kernels never write constants; the cast only lets one array hold both.
    if (tensors[t].is_constant()) tensor_data_[t] = const_cast<uint8_t*>(tensors[t].data);
  }
  for (size_t r = 0; r < requests.size(); ++r) tensor_data_[request_tensor[r]] = arena + plan.offsets[r];
  return ok_status();
}

Status Interpreter::bind_graph_io() {
  const std::vector<TensorDesc>& tensors = model_.tensors();
  auto bind = [&](const std::vector<GraphIODesc>& list, std::vector<uint8_t*>* buffers) {
    for (const GraphIODesc& io : list) {
      if (io.external_dtype == tensors[io.tensor].dtype) {
        buffers->push_back(tensor_data_[io.tensor]);
      } else {
        boundary_buffers_.emplace_back(tensors[io.tensor].byte_size);
        buffers->push_back(boundary_buffers_.back().data());
      }
    }
  };
  boundary_buffers_.reserve(model_.inputs().size() + model_.outputs().size());
  bind(model_.inputs(), &input_buffers_);
  bind(model_.outputs(), &output_buffers_);
  return ok_status();
}

Status Interpreter::invoke() {
  if (!prepared_) return error(QRT_INVALID_STATE, "invoke called before prepare");
  const std::vector<TensorDesc>& tensors = model_.tensors();
  for (size_t i = 0; i < model_.inputs().size(); ++i) {
    const int32_t t = model_.inputs()[i].tensor;
    if (input_buffers_[i] != tensor_data_[t]) flip_sign_bits(input_buffers_[i], tensor_data_[t], tensors[t].byte_size);
  }
  const RunContext context{tensor_data_.data(), threadpool_};
  if (!options_.profiling) {
    for (const std::unique_ptr<PreparedOp>& op : ops_) op->run(context);
  } else {
    using Clock = std::chrono::steady_clock;
    Clock::time_point start = Clock::now();
    for (size_t i = 0; i < ops_.size(); ++i) {
      ops_[i]->run(context);
      const Clock::time_point end = Clock::now();
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count();
      OpProfile& profile = profiles_[i];
      profile.last_ns = static_cast<uint64_t>(std::max<int64_t>(ns, 0));
      profile.total_ns += profile.last_ns;
      ++profile.count;
      start = end;
    }
  }
  for (size_t i = 0; i < model_.outputs().size(); ++i) {
    const int32_t t = model_.outputs()[i].tensor;
    if (output_buffers_[i] != tensor_data_[t]) flip_sign_bits(tensor_data_[t], output_buffers_[i], tensors[t].byte_size);
  }
  return ok_status();
}

Interpreter::PackedWeightUse Interpreter::packed_weight_use() const {
  PackedWeightUse use;
  for (const std::unique_ptr<PreparedOp>& op : ops_) {
    const PackedWeights* packed = op->packed_weights();
    if (packed == nullptr) continue;
    use.bytes += packed->size;
    if (packed->from_file) use.from_file_bytes += packed->size;
  }
  return use;
}

void Interpreter::reset_op_profiles() {
  for (OpProfile& profile : profiles_) profile.last_ns = profile.total_ns = profile.count = 0;
}

}  // namespace qrt
