// The C API over Model and Interpreter: argument checks, status codes and the
// thread-local last-error text. No exception crosses this boundary.
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <unordered_set>

#include "qrt/qrt.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"
#include "runtime/op_precision.h"
#include "runtime/ops/op_registry.h"

struct qrt_model {
  std::unique_ptr<qrt::Model> model;
  // Guarded by the handle registry's mutex: interpreters created on the
  // model and not yet destroyed, and whether qrt_model_destroy came first.
  mutable size_t interpreters = 0;
  mutable bool destroy_pending = false;
};

struct qrt_options {
  qrt::InterpreterOptions options;
};

struct qrt_interpreter {
  const qrt_model* owner;
  std::unique_ptr<qrt::Interpreter> interpreter;
  std::vector<std::string> op_kernel_names;  // kept so qrt_op_info strings stay valid
  bool invoked = false;  // outputs hold results (qrt_interpreter_get_output)
};

namespace {

thread_local std::string last_error;

qrt_status fail(qrt_status code, std::string message) {
  last_error = std::move(message);
  return code;
}

qrt_status report(const qrt::Status& status) {
  if (status.ok()) return QRT_OK;
  return fail(status.code, status.message);
}

// Runs body, turning any escaping exception into a status: nothing unwinds into C.
template <typename Body>
qrt_status guarded(const char* function, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(QRT_OUT_OF_MEMORY, std::string(function) + ": out of memory");
  } catch (const std::exception& e) {
    return fail(QRT_RUNTIME_ERROR, std::string(function) + ": " + e.what());
  }
}

// Every live handle, so that a destroy of a handle that is not live (a second
// destroy, or a pointer that never came from qrt) is refused with a status
// instead of freeing memory twice, and so that the lifecycle calls (create,
// prepare, invoke) refuse a destroyed handle. The accessors do not look
// handles up: they stay lock-free. Never destroyed, so handles freed by static
// destructors at exit still find it.
class HandleRegistry {
 public:
  void add(const void* handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    live_.insert(handle);
  }
  bool contains(const void* handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    return live_.count(handle) != 0;
  }
  std::mutex& mutex() { return mutex_; }
  // With mutex() held.
  bool contains_locked(const void* handle) const { return live_.count(handle) != 0; }
  void add_locked(const void* handle) { live_.insert(handle); }
  bool remove_locked(const void* handle) { return live_.erase(handle) == 1; }

 private:
  std::mutex mutex_;
  std::unordered_set<const void*> live_;
};

HandleRegistry& registry() {
  static HandleRegistry* instance = new HandleRegistry();
  return *instance;
}

qrt_status not_live(const char* function, const char* kind) {
  return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": " + kind +
                                        " is not live (already destroyed, or not created by qrt)");
}

#define QRT_CHECK_ARG(cond, what) \
  if (!(cond)) return fail(QRT_INVALID_ARGUMENT, std::string(__func__) + ": " + (what))

qrt_status check_prepared(const qrt_interpreter* interpreter, const char* function) {
  if (!interpreter->interpreter->prepared()) {
    return fail(QRT_INVALID_STATE, std::string(function) + ": call qrt_interpreter_prepare first");
  }
  return QRT_OK;
}

qrt_status describe_io(const qrt_interpreter* interpreter, const qrt::GraphIODesc& io, qrt_tensor_info* info) {
  const qrt::TensorDesc& t = interpreter->interpreter->model().tensors()[io.tensor];
  std::memset(info, 0, sizeof(*info));
  info->name = t.name.c_str();
  info->dtype = static_cast<qrt_dtype>(io.external_dtype);
  info->num_dims = static_cast<int32_t>(t.shape.size());
  for (size_t d = 0; d < t.shape.size(); ++d) info->dims[d] = t.shape[d];
  info->byte_size = t.element_count * qrt::dtype_size(io.external_dtype);
  info->quantized = t.quantization.present() ? 1 : 0;
  info->scale = t.scale();
  info->zero_point = t.zero_point() + (io.external_dtype == qrt::DType::kUInt8 ? 128 : 0);
  return QRT_OK;
}

}  // namespace

extern "C" {

const char* qrt_version(void) { return "0.1.0"; }

const char* qrt_last_error(void) { return last_error.c_str(); }

const char* qrt_status_name(qrt_status status) {
  switch (status) {
    case QRT_OK: return "QRT_OK";
    case QRT_INVALID_ARGUMENT: return "QRT_INVALID_ARGUMENT";
    case QRT_INVALID_STATE: return "QRT_INVALID_STATE";
    case QRT_INVALID_MODEL: return "QRT_INVALID_MODEL";
    case QRT_UNSUPPORTED: return "QRT_UNSUPPORTED";
    case QRT_IO_ERROR: return "QRT_IO_ERROR";
    case QRT_OUT_OF_MEMORY: return "QRT_OUT_OF_MEMORY";
    case QRT_RUNTIME_ERROR: return "QRT_RUNTIME_ERROR";
  }
  return "QRT_UNKNOWN_STATUS";
}

static qrt_status wrap_model(std::unique_ptr<qrt::Model> model, qrt_model** out) {
  auto wrapped = std::make_unique<qrt_model>();
  wrapped->model = std::move(model);
  registry().add(wrapped.get());
  *out = wrapped.release();
  return QRT_OK;
}

qrt_status qrt_model_load_file(const char* path, qrt_model** model) {
  return guarded(__func__, [&] {
    QRT_CHECK_ARG(path != nullptr, "path is NULL");
    QRT_CHECK_ARG(model != nullptr, "model is NULL");
    *model = nullptr;
    std::unique_ptr<qrt::Model> loaded;
    const qrt_status status = report(qrt::Model::load_file(path, &loaded));
    return status == QRT_OK ? wrap_model(std::move(loaded), model) : status;
  });
}

static qrt_status load_buffer(const char* function, const void* data, size_t size, bool copy, qrt_model** model) {
  return guarded(function, [&] {
    if (model == nullptr) return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": model is NULL");
    *model = nullptr;
    if (data == nullptr) return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": data is NULL");
    if (size == 0) return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": size is 0");
    std::unique_ptr<qrt::Model> loaded;
    const qrt_status status = report(qrt::Model::load_buffer(data, size, copy, &loaded));
    return status == QRT_OK ? wrap_model(std::move(loaded), model) : status;
  });
}

qrt_status qrt_model_load_buffer(const void* data, size_t size, qrt_model** model) {
  return load_buffer(__func__, data, size, /*copy=*/true, model);
}

qrt_status qrt_model_load_buffer_borrowed(const void* data, size_t size, qrt_model** model) {
  return load_buffer(__func__, data, size, /*copy=*/false, model);
}

qrt_status qrt_model_destroy(qrt_model* model) {
  if (model == nullptr) return QRT_OK;
  {
    std::lock_guard<std::mutex> lock(registry().mutex());
    if (!registry().remove_locked(model)) return not_live(__func__, "model");
    if (model->interpreters > 0) {
      model->destroy_pending = true;
      return fail(QRT_INVALID_STATE, std::string(__func__) + ": " + std::to_string(model->interpreters) +
                                         " interpreter(s) still use the model; destroy them first (the model is "
                                         "freed when the last one is destroyed)");
    }
  }
  delete model;
  return QRT_OK;
}

static qrt_status model_string(const char* function, const qrt_model* model, const char** text,
                               const std::string& (qrt::Model::*field)() const) {
  if (model == nullptr || text == nullptr) {
    return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": model or text is NULL");
  }
  *text = ((*model->model).*field)().c_str();
  return QRT_OK;
}

qrt_status qrt_model_get_description(const qrt_model* model, const char** text) {
  return model_string(__func__, model, text, &qrt::Model::description);
}

qrt_status qrt_model_get_producer(const qrt_model* model, const char** text) {
  return model_string(__func__, model, text, &qrt::Model::producer);
}

qrt_status qrt_model_get_label_count(const qrt_model* model, size_t* count) {
  QRT_CHECK_ARG(model != nullptr && count != nullptr, "model or count is NULL");
  *count = model->model->labels().size();
  return QRT_OK;
}

qrt_status qrt_model_get_label(const qrt_model* model, size_t index, const char** label) {
  QRT_CHECK_ARG(model != nullptr && label != nullptr, "model or label is NULL");
  QRT_CHECK_ARG(index < model->model->labels().size(),
                "label index " + std::to_string(index) + " out of range");
  *label = model->model->labels()[index].c_str();
  return QRT_OK;
}

qrt_status qrt_options_create(qrt_options** options) {
  return guarded(__func__, [&] {
    QRT_CHECK_ARG(options != nullptr, "options is NULL");
    *options = new qrt_options{};
    registry().add(*options);
    return QRT_OK;
  });
}

qrt_status qrt_options_set_num_threads(qrt_options* options, int32_t num_threads) {
  QRT_CHECK_ARG(options != nullptr, "options is NULL");
  QRT_CHECK_ARG(num_threads >= 0 && num_threads <= 1024,
                "num_threads " + std::to_string(num_threads) + " is outside [0, 1024]");
  options->options.num_threads = num_threads;
  return QRT_OK;
}

qrt_status qrt_options_set_isa(qrt_options* options, const char* isa) {
  return guarded(__func__, [&] {
    QRT_CHECK_ARG(options != nullptr, "options is NULL");
    options->options.isa = isa == nullptr ? "" : isa;  // checked by prepare, against this CPU
    return QRT_OK;
  });
}

qrt_status qrt_options_set_backend(qrt_options* options, const char* backend) {
  return guarded(__func__, [&] {
    QRT_CHECK_ARG(options != nullptr, "options is NULL");
    qrt_status code = QRT_OK;
    std::string message;
    if (!qrt::parse_backend(backend, &options->options.backend, &code, &message)) {
      return fail(code, std::string(__func__) + ": " + message);
    }
    return QRT_OK;
  });
}

qrt_status qrt_options_set_profiling(qrt_options* options, int32_t enable) {
  QRT_CHECK_ARG(options != nullptr, "options is NULL");
  QRT_CHECK_ARG(enable == 0 || enable == 1, "enable is " + std::to_string(enable) + ", not 0 or 1");
  options->options.profiling = enable == 1;
  return QRT_OK;
}

qrt_status qrt_options_set_max_arena_bytes(qrt_options* options, size_t max_arena_bytes) {
  QRT_CHECK_ARG(options != nullptr, "options is NULL");
  QRT_CHECK_ARG(max_arena_bytes > 0, "max_arena_bytes is 0");
  options->options.max_arena_bytes = max_arena_bytes;
  return QRT_OK;
}

qrt_status qrt_options_set_max_macs(qrt_options* options, uint64_t max_macs) {
  QRT_CHECK_ARG(options != nullptr, "options is NULL");
  QRT_CHECK_ARG(max_macs > 0, "max_macs is 0");
  options->options.max_macs = max_macs;
  return QRT_OK;
}

qrt_status qrt_options_destroy(qrt_options* options) {
  if (options == nullptr) return QRT_OK;
  {
    std::lock_guard<std::mutex> lock(registry().mutex());
    if (!registry().remove_locked(options)) return not_live(__func__, "options");
  }
  delete options;
  return QRT_OK;
}

qrt_status qrt_interpreter_create(const qrt_model* model, const qrt_options* options,
                                  qrt_interpreter** interpreter) {
  return guarded(__func__, [&] {
    QRT_CHECK_ARG(interpreter != nullptr, "interpreter is NULL");
    *interpreter = nullptr;
    QRT_CHECK_ARG(model != nullptr, "model is NULL");
    if (options != nullptr && !registry().contains(options)) return not_live(__func__, "options");
    const qrt::InterpreterOptions defaults;
    auto created = std::make_unique<qrt_interpreter>();
    created->owner = model;
    std::lock_guard<std::mutex> lock(registry().mutex());
    if (!registry().contains_locked(model)) return not_live(__func__, "model");
    created->interpreter = std::make_unique<qrt::Interpreter>(*model->model, options ? options->options : defaults);
    registry().add_locked(created.get());
    ++model->interpreters;
    *interpreter = created.release();
    return QRT_OK;
  });
}

qrt_status qrt_interpreter_prepare(qrt_interpreter* interpreter) {
  return guarded(__func__, [&] {
    QRT_CHECK_ARG(interpreter != nullptr, "interpreter is NULL");
    if (!registry().contains(interpreter)) return not_live(__func__, "interpreter");
    const qrt_status status = report(interpreter->interpreter->prepare());
    if (status != QRT_OK) return status;
    const size_t count = interpreter->interpreter->model().ops().size();
    for (size_t i = 0; i < count; ++i) {
      interpreter->op_kernel_names.push_back(interpreter->interpreter->prepared_op(i).kernel_name());
    }
    return QRT_OK;
  });
}

qrt_status qrt_interpreter_invoke(qrt_interpreter* interpreter) {
  return guarded(__func__, [&] {
    QRT_CHECK_ARG(interpreter != nullptr, "interpreter is NULL");
    if (!registry().contains(interpreter)) return not_live(__func__, "interpreter");
    interpreter->invoked = false;
    const qrt_status status = report(interpreter->interpreter->invoke());
    interpreter->invoked = status == QRT_OK;
    return status;
  });
}

qrt_status qrt_interpreter_destroy(qrt_interpreter* interpreter) {
  if (interpreter == nullptr) return QRT_OK;
  const qrt_model* orphan = nullptr;
  {
    std::lock_guard<std::mutex> lock(registry().mutex());
    if (!registry().remove_locked(interpreter)) return not_live(__func__, "interpreter");
    const qrt_model* owner = interpreter->owner;
    if (--owner->interpreters == 0 && owner->destroy_pending) orphan = owner;
  }
  delete interpreter;
  delete orphan;  // qrt_model_destroy was called while this interpreter lived
  return QRT_OK;
}

qrt_status qrt_interpreter_get_input_count(const qrt_interpreter* interpreter, size_t* count) {
  QRT_CHECK_ARG(interpreter != nullptr && count != nullptr, "interpreter or count is NULL");
  *count = interpreter->interpreter->model().inputs().size();
  return QRT_OK;
}

qrt_status qrt_interpreter_get_output_count(const qrt_interpreter* interpreter, size_t* count) {
  QRT_CHECK_ARG(interpreter != nullptr && count != nullptr, "interpreter or count is NULL");
  *count = interpreter->interpreter->model().outputs().size();
  return QRT_OK;
}

qrt_status qrt_interpreter_get_input_info(const qrt_interpreter* interpreter, size_t index,
                                          qrt_tensor_info* info) {
  QRT_CHECK_ARG(interpreter != nullptr && info != nullptr, "interpreter or info is NULL");
  const auto& inputs = interpreter->interpreter->model().inputs();
  QRT_CHECK_ARG(index < inputs.size(), "input index " + std::to_string(index) + " out of range (" +
                                           std::to_string(inputs.size()) + " inputs)");
  return describe_io(interpreter, inputs[index], info);
}

qrt_status qrt_interpreter_get_output_info(const qrt_interpreter* interpreter, size_t index,
                                           qrt_tensor_info* info) {
  QRT_CHECK_ARG(interpreter != nullptr && info != nullptr, "interpreter or info is NULL");
  const auto& outputs = interpreter->interpreter->model().outputs();
  QRT_CHECK_ARG(index < outputs.size(), "output index " + std::to_string(index) + " out of range (" +
                                            std::to_string(outputs.size()) + " outputs)");
  return describe_io(interpreter, outputs[index], info);
}

// Checks the arguments shared by the data accessors and returns the byte size.
static qrt_status check_io_access(const char* function, const qrt_interpreter* interpreter, size_t index,
                                  bool input, size_t* byte_size) {
  if (interpreter == nullptr) return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": interpreter is NULL");
  const qrt_status prepared = check_prepared(interpreter, function);
  if (prepared != QRT_OK) return prepared;
  const auto& list = input ? interpreter->interpreter->model().inputs() : interpreter->interpreter->model().outputs();
  if (index >= list.size()) {
    return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": " + (input ? "input" : "output") + " index " +
                                          std::to_string(index) + " out of range (" + std::to_string(list.size()) + ")");
  }
  const qrt::TensorDesc& t = interpreter->interpreter->model().tensors()[list[index].tensor];
  *byte_size = t.element_count * qrt::dtype_size(list[index].external_dtype);
  return QRT_OK;
}

qrt_status qrt_interpreter_set_input(qrt_interpreter* interpreter, size_t index, const void* data, size_t size) {
  size_t byte_size = 0;
  const qrt_status status = check_io_access(__func__, interpreter, index, true, &byte_size);
  if (status != QRT_OK) return status;
  QRT_CHECK_ARG(data != nullptr, "data is NULL");
  QRT_CHECK_ARG(size == byte_size, "input " + std::to_string(index) + " takes " + std::to_string(byte_size) +
                                       " bytes, got " + std::to_string(size));
  std::memcpy(interpreter->interpreter->input_buffer(index), data, size);
  return QRT_OK;
}

qrt_status qrt_interpreter_get_output(const qrt_interpreter* interpreter, size_t index, void* data, size_t size) {
  size_t byte_size = 0;
  const qrt_status status = check_io_access(__func__, interpreter, index, false, &byte_size);
  if (status != QRT_OK) return status;
  QRT_CHECK_ARG(data != nullptr, "data is NULL");
  QRT_CHECK_ARG(size == byte_size, "output " + std::to_string(index) + " has " + std::to_string(byte_size) +
                                       " bytes, buffer is " + std::to_string(size));
  if (!interpreter->invoked) {
    return fail(QRT_INVALID_STATE, std::string(__func__) + ": no successful qrt_interpreter_invoke yet, so output " +
                                       std::to_string(index) + " holds no result");
  }
  std::memcpy(data, interpreter->interpreter->output_buffer(index), size);
  return QRT_OK;
}

qrt_status qrt_interpreter_get_input_buffer(qrt_interpreter* interpreter, size_t index, void** data) {
  size_t byte_size = 0;
  const qrt_status status = check_io_access(__func__, interpreter, index, true, &byte_size);
  if (status != QRT_OK) return status;
  QRT_CHECK_ARG(data != nullptr, "data is NULL");
  *data = interpreter->interpreter->input_buffer(index);
  return QRT_OK;
}

qrt_status qrt_interpreter_get_output_buffer(const qrt_interpreter* interpreter, size_t index, const void** data) {
  size_t byte_size = 0;
  const qrt_status status = check_io_access(__func__, interpreter, index, false, &byte_size);
  if (status != QRT_OK) return status;
  QRT_CHECK_ARG(data != nullptr, "data is NULL");
  *data = interpreter->interpreter->output_buffer(index);
  return QRT_OK;
}

qrt_status qrt_model_get_weight_size(const qrt_model* model, size_t* bytes) {
  QRT_CHECK_ARG(model != nullptr && bytes != nullptr, "model or bytes is NULL");
  size_t total = 0;
  for (const qrt::TensorDesc& t : model->model->tensors()) {
    if (t.is_constant()) total += t.byte_size;
  }
  *bytes = total;
  return QRT_OK;
}

qrt_status qrt_interpreter_get_arena_size(const qrt_interpreter* interpreter, size_t* bytes) {
  QRT_CHECK_ARG(interpreter != nullptr && bytes != nullptr, "interpreter or bytes is NULL");
  const qrt_status prepared = check_prepared(interpreter, __func__);
  if (prepared != QRT_OK) return prepared;
  *bytes = interpreter->interpreter->arena_size();
  return QRT_OK;
}

qrt_status qrt_interpreter_get_op_count(const qrt_interpreter* interpreter, size_t* count) {
  QRT_CHECK_ARG(interpreter != nullptr && count != nullptr, "interpreter or count is NULL");
  *count = interpreter->interpreter->model().ops().size();
  return QRT_OK;
}

qrt_status qrt_interpreter_get_op_info(const qrt_interpreter* interpreter, size_t index, qrt_op_info* info) {
  QRT_CHECK_ARG(interpreter != nullptr && info != nullptr, "interpreter or info is NULL");
  const qrt_status prepared = check_prepared(interpreter, __func__);
  if (prepared != QRT_OK) return prepared;
  const auto& ops = interpreter->interpreter->model().ops();
  QRT_CHECK_ARG(index < ops.size(), "op index " + std::to_string(index) + " out of range (" +
                                        std::to_string(ops.size()) + " ops)");
  const qrt::OpDesc& op = ops[index];
  info->type = qrt::fb::EnumNameOpType(op.type);
  info->name = op.name.c_str();
  info->kernel = interpreter->op_kernel_names[index].c_str();
  info->requant = !qrt::op_requantizes(op.type)                ? "none"
                  : op.rule == qrt::RequantRule::kFixedPoint ? "fixedpoint"
                                                             : "fp32";
  info->backend = qrt::backend_name(interpreter->interpreter->op_backend(index));
  info->backend_note = interpreter->interpreter->op_backend_note(index).c_str();
  return QRT_OK;
}

qrt_status qrt_interpreter_get_packed_weight_size(const qrt_interpreter* interpreter, size_t* bytes,
                                                  size_t* from_file_bytes) {
  QRT_CHECK_ARG(interpreter != nullptr && bytes != nullptr && from_file_bytes != nullptr,
                "interpreter, bytes or from_file_bytes is NULL");
  const qrt_status prepared = check_prepared(interpreter, __func__);
  if (prepared != QRT_OK) return prepared;
  const qrt::Interpreter::PackedWeightUse use = interpreter->interpreter->packed_weight_use();
  *bytes = use.bytes;
  *from_file_bytes = use.from_file_bytes;
  return QRT_OK;
}

qrt_status qrt_model_get_packed_weight_size(const qrt_model* model, size_t* allocated_bytes, size_t* in_place_bytes) {
  QRT_CHECK_ARG(model != nullptr && allocated_bytes != nullptr && in_place_bytes != nullptr,
                "model, allocated_bytes or in_place_bytes is NULL");
  *allocated_bytes = model->model->packed_weights().allocated_bytes();
  *in_place_bytes = model->model->packed_weights().file_bytes_in_place();
  return QRT_OK;
}

qrt_status qrt_interpreter_get_op_packed_weights(const qrt_interpreter* interpreter, size_t index,
                                                 qrt_packed_weights* packed) {
  QRT_CHECK_ARG(interpreter != nullptr && packed != nullptr, "interpreter or packed is NULL");
  const qrt_status prepared = check_prepared(interpreter, __func__);
  if (prepared != QRT_OK) return prepared;
  const size_t count = interpreter->interpreter->model().ops().size();
  QRT_CHECK_ARG(index < count, "op index " + std::to_string(index) + " out of range (" + std::to_string(count) +
                                   " ops)");
  const qrt::PackedWeights* block = interpreter->interpreter->prepared_op(index).packed_weights();
  QRT_CHECK_ARG(block != nullptr, "op " + std::to_string(index) + " runs on a kernel without packed weights");
  packed->data = block->data;
  packed->size = block->size;
  packed->format = block->format.c_str();
  packed->checksum = block->checksum;
  packed->from_file = block->from_file ? 1 : 0;
  return QRT_OK;
}

qrt_status qrt_interpreter_get_op_precision(const qrt_interpreter* interpreter, size_t index,
                                            const char** precision) {
  QRT_CHECK_ARG(interpreter != nullptr && precision != nullptr, "interpreter or precision is NULL");
  const qrt_status prepared = check_prepared(interpreter, __func__);
  if (prepared != QRT_OK) return prepared;
  const qrt::Model& model = interpreter->interpreter->model();
  QRT_CHECK_ARG(index < model.ops().size(), "op index " + std::to_string(index) + " out of range (" +
                                                std::to_string(model.ops().size()) + " ops)");
  *precision = qrt::op_precision(model, model.ops()[index]);
  return QRT_OK;
}

qrt_status qrt_interpreter_get_isa(const qrt_interpreter* interpreter, const char** isa) {
  QRT_CHECK_ARG(interpreter != nullptr && isa != nullptr, "interpreter or isa is NULL");
  const qrt_status prepared = check_prepared(interpreter, __func__);
  if (prepared != QRT_OK) return prepared;
  *isa = interpreter->interpreter->isa();
  return QRT_OK;
}

static qrt_status check_profiling(const qrt_interpreter* interpreter, const char* function) {
  if (interpreter == nullptr) return fail(QRT_INVALID_ARGUMENT, std::string(function) + ": interpreter is NULL");
  const qrt_status prepared = check_prepared(interpreter, function);
  if (prepared != QRT_OK) return prepared;
  if (!interpreter->interpreter->profiling()) {
    return fail(QRT_INVALID_STATE,
                std::string(function) + ": profiling is off; create the interpreter with qrt_options_set_profiling(options, 1)");
  }
  return QRT_OK;
}

qrt_status qrt_interpreter_get_op_profile(const qrt_interpreter* interpreter, size_t index, qrt_op_profile* profile) {
  const qrt_status status = check_profiling(interpreter, __func__);
  if (status != QRT_OK) return status;
  QRT_CHECK_ARG(profile != nullptr, "profile is NULL");
  const auto& profiles = interpreter->interpreter->op_profiles();
  QRT_CHECK_ARG(index < profiles.size(), "op index " + std::to_string(index) + " out of range (" +
                                             std::to_string(profiles.size()) + " ops)");
  const qrt::OpProfile& p = profiles[index];
  profile->last_ns = p.last_ns;
  profile->total_ns = p.total_ns;
  profile->count = p.count;
  profile->macs = p.macs;
  return QRT_OK;
}

qrt_status qrt_interpreter_reset_op_profile(qrt_interpreter* interpreter) {
  const qrt_status status = check_profiling(interpreter, __func__);
  if (status != QRT_OK) return status;
  interpreter->interpreter->reset_op_profiles();
  return QRT_OK;
}

}  // extern "C"
