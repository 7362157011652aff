// qrt.hpp: a header-only C++17 RAII wrapper over the C API in qrt.h.
//
// Every failing C call becomes a qrt::Error carrying the qrt_status and the
// text of qrt_last_error(). Handles are move-only; destructors never throw.
//
//   qrt::Model model = qrt::Model::load_file("mobilenet.qfb");
//   qrt::Interpreter interpreter(model, qrt::Options().set_num_threads(4));
//   interpreter.prepare();
//   interpreter.set_input(0, pixels.data(), pixels.size());
//   interpreter.invoke();
//   interpreter.get_output(0, scores.data(), scores.size());
//
// Lifetime: an Interpreter keeps a pointer to its Model's handle, so the Model
// must outlive every Interpreter created from it (declare it first).
#ifndef QRT_QRT_HPP_
#define QRT_QRT_HPP_

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "qrt/qrt.h"

namespace qrt {
// The wrapper's classes live in an inline namespace: users still write
// qrt::Model and qrt::Interpreter, but the symbols differ from the runtime's
// internal qrt::Model / qrt::Interpreter, whose member functions share names
// and parameters (description(), prepare(), invoke(), ...). Without it a
// program linking the static libqrt has two different definitions under one
// mangled name, and the linker may call the wrong one (seen: qrun --info in a
// sanitized build called the wrapper's description() on an internal model).
inline namespace cpp_api {

// A failed qrt call: what() is "<call>: <qrt_last_error() text>".
class Error : public std::runtime_error {
 public:
  Error(qrt_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}

  qrt_status status() const noexcept { return status_; }

 private:
  qrt_status status_;
};

namespace detail {

// Throws when `status` is not QRT_OK. The last-error text is copied before
// any other qrt call, because the next call on this thread may replace it.
inline void check(qrt_status status, const char* call) {
  if (status == QRT_OK) return;
  std::string text = qrt_last_error();
  if (text.empty()) text = qrt_status_name(status);
  throw Error(status, std::string(call) + ": " + text);
}

}  // namespace detail

// Bytes per element of a dtype; 0 for a value outside the enum.
inline size_t dtype_size(qrt_dtype dtype) noexcept {
  switch (dtype) {
    case QRT_DTYPE_INT8:
    case QRT_DTYPE_UINT8:
      return 1;
    case QRT_DTYPE_INT16:
    case QRT_DTYPE_FLOAT16:
      return 2;
    case QRT_DTYPE_INT32:
    case QRT_DTYPE_FLOAT32:
      return 4;
  }
  return 0;
}

// Lower-case NumPy-style name, e.g. "int8"; "unknown" outside the enum.
inline const char* dtype_name(qrt_dtype dtype) noexcept {
  switch (dtype) {
    case QRT_DTYPE_INT8: return "int8";
    case QRT_DTYPE_UINT8: return "uint8";
    case QRT_DTYPE_INT16: return "int16";
    case QRT_DTYPE_INT32: return "int32";
    case QRT_DTYPE_FLOAT32: return "float32";
    case QRT_DTYPE_FLOAT16: return "float16";
  }
  return "unknown";
}

// The library's "MAJOR.MINOR.PATCH".
inline std::string version() { return qrt_version(); }

// A loaded, verified, immutable .qfb model. Shareable across threads.
class Model {
 public:
  // Maps the file read-only and verifies it.
  static Model load_file(const std::string& path) {
    qrt_model* handle = nullptr;
    detail::check(qrt_model_load_file(path.c_str(), &handle), "qrt_model_load_file");
    return Model(handle);
  }

  // Copies the bytes; the caller's buffer may be freed afterwards.
  static Model load_buffer(const void* data, size_t size) {
    qrt_model* handle = nullptr;
    detail::check(qrt_model_load_buffer(data, size, &handle), "qrt_model_load_buffer");
    return Model(handle);
  }

  // Uses the caller's bytes in place: they must outlive the Model unchanged.
  static Model load_buffer_borrowed(const void* data, size_t size) {
    qrt_model* handle = nullptr;
    detail::check(qrt_model_load_buffer_borrowed(data, size, &handle),
                  "qrt_model_load_buffer_borrowed");
    return Model(handle);
  }

  Model(Model&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Model& operator=(Model&& other) noexcept {
    if (this != &other) {
      qrt_model_destroy(handle_);
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  ~Model() { qrt_model_destroy(handle_); }

  std::string description() const {
    const char* text = nullptr;
    detail::check(qrt_model_get_description(handle_, &text), "qrt_model_get_description");
    return text ? text : "";
  }

  std::string producer() const {
    const char* text = nullptr;
    detail::check(qrt_model_get_producer(handle_, &text), "qrt_model_get_producer");
    return text ? text : "";
  }

  size_t label_count() const {
    size_t count = 0;
    detail::check(qrt_model_get_label_count(handle_, &count), "qrt_model_get_label_count");
    return count;
  }

  std::string label(size_t index) const {
    const char* text = nullptr;
    detail::check(qrt_model_get_label(handle_, index, &text), "qrt_model_get_label");
    return text ? text : "";
  }

  // Every label from the model's metadata; empty when it has none.
  std::vector<std::string> labels() const {
    std::vector<std::string> result;
    const size_t count = label_count();
    result.reserve(count);
    for (size_t i = 0; i < count; ++i) result.push_back(label(i));
    return result;
  }

  const qrt_model* get() const noexcept { return handle_; }

 private:
  explicit Model(qrt_model* handle) noexcept : handle_(handle) {}

  qrt_model* handle_ = nullptr;
};

// Interpreter settings; copied by the Interpreter, so it may be a temporary.
class Options {
 public:
  Options() { detail::check(qrt_options_create(&handle_), "qrt_options_create"); }

  Options(Options&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Options& operator=(Options&& other) noexcept {
    if (this != &other) {
      qrt_options_destroy(handle_);
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Options(const Options&) = delete;
  Options& operator=(const Options&) = delete;
  ~Options() { qrt_options_destroy(handle_); }

  // 1 runs on the calling thread; 0 means one thread per core.
  Options& set_max_arena_bytes(size_t max_arena_bytes) {
    detail::check(qrt_options_set_max_arena_bytes(handle_, max_arena_bytes), "qrt_options_set_max_arena_bytes");
    return *this;
  }
  // Work per invoke (qrt_options_set_max_macs); default QRT_DEFAULT_MAX_MACS.
  Options& set_max_macs(uint64_t max_macs) {
    detail::check(qrt_options_set_max_macs(handle_, max_macs), "qrt_options_set_max_macs");
    return *this;
  }
  Options& set_num_threads(int32_t num_threads) {
    detail::check(qrt_options_set_num_threads(handle_, num_threads),
                  "qrt_options_set_num_threads");
    return *this;
  }
  // "qrt" (default) or "xnnpack" (builds with QRT_WITH_XNNPACK).
  Options& set_backend(const char* backend) {
    detail::check(qrt_options_set_backend(handle_, backend), "qrt_options_set_backend");
    return *this;
  }

  const qrt_options* get() const noexcept { return handle_; }

 private:
  qrt_options* handle_ = nullptr;
};

// Runs one Model. Use from one thread at a time; call prepare() once first.
class Interpreter {
 public:
  explicit Interpreter(const Model& model) { create(model, nullptr); }
  Interpreter(const Model& model, const Options& options) { create(model, options.get()); }

  Interpreter(Interpreter&& other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)) {}
  Interpreter& operator=(Interpreter&& other) noexcept {
    if (this != &other) {
      qrt_interpreter_destroy(handle_);
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  ~Interpreter() { qrt_interpreter_destroy(handle_); }

  void prepare() { detail::check(qrt_interpreter_prepare(handle_), "qrt_interpreter_prepare"); }
  void invoke() { detail::check(qrt_interpreter_invoke(handle_), "qrt_interpreter_invoke"); }

  size_t input_count() const {
    size_t count = 0;
    detail::check(qrt_interpreter_get_input_count(handle_, &count),
                  "qrt_interpreter_get_input_count");
    return count;
  }

  size_t output_count() const {
    size_t count = 0;
    detail::check(qrt_interpreter_get_output_count(handle_, &count),
                  "qrt_interpreter_get_output_count");
    return count;
  }

  qrt_tensor_info input_info(size_t index) const {
    qrt_tensor_info info{};
    detail::check(qrt_interpreter_get_input_info(handle_, index, &info),
                  "qrt_interpreter_get_input_info");
    return info;
  }

  qrt_tensor_info output_info(size_t index) const {
    qrt_tensor_info info{};
    detail::check(qrt_interpreter_get_output_info(handle_, index, &info),
                  "qrt_interpreter_get_output_info");
    return info;
  }

  // `size` must equal the input's byte_size.
  void set_input(size_t index, const void* data, size_t size) {
    detail::check(qrt_interpreter_set_input(handle_, index, data, size),
                  "qrt_interpreter_set_input");
  }

  // `size` must equal the output's byte_size.
  void get_output(size_t index, void* data, size_t size) const {
    detail::check(qrt_interpreter_get_output(handle_, index, data, size),
                  "qrt_interpreter_get_output");
  }

  // The input's own buffer (byte_size bytes), valid from prepare() on.
  void* input_buffer(size_t index) {
    void* data = nullptr;
    detail::check(qrt_interpreter_get_input_buffer(handle_, index, &data),
                  "qrt_interpreter_get_input_buffer");
    return data;
  }

  // The output's own buffer (byte_size bytes), valid from prepare() on.
  const void* output_buffer(size_t index) const {
    const void* data = nullptr;
    detail::check(qrt_interpreter_get_output_buffer(handle_, index, &data),
                  "qrt_interpreter_get_output_buffer");
    return data;
  }

  size_t arena_size() const {
    size_t bytes = 0;
    detail::check(qrt_interpreter_get_arena_size(handle_, &bytes),
                  "qrt_interpreter_get_arena_size");
    return bytes;
  }

  // Bytes of packed weights the ops run on (shared with the model's other
  // interpreters), and how many of them the file supplied (qconvert --pack).
  struct PackedWeightSize {
    size_t bytes = 0;
    size_t from_file_bytes = 0;
  };
  PackedWeightSize packed_weight_size() const {
    PackedWeightSize size;
    detail::check(qrt_interpreter_get_packed_weight_size(handle_, &size.bytes, &size.from_file_bytes),
                  "qrt_interpreter_get_packed_weight_size");
    return size;
  }

  size_t op_count() const {
    size_t count = 0;
    detail::check(qrt_interpreter_get_op_count(handle_, &count), "qrt_interpreter_get_op_count");
    return count;
  }

  // Strings point into the interpreter and live as long as it does.
  qrt_op_info op_info(size_t index) const {
    qrt_op_info info{};
    detail::check(qrt_interpreter_get_op_info(handle_, index, &info),
                  "qrt_interpreter_get_op_info");
    return info;
  }

  // "int8", "float32", "int4 weights", ... (qrt_interpreter_get_op_precision).
  const char* op_precision(size_t index) const {
    const char* precision = nullptr;
    detail::check(qrt_interpreter_get_op_precision(handle_, index, &precision),
                  "qrt_interpreter_get_op_precision");
    return precision;
  }

  qrt_interpreter* get() noexcept { return handle_; }
  const qrt_interpreter* get() const noexcept { return handle_; }

 private:
  void create(const Model& model, const qrt_options* options) {
    qrt_interpreter* handle = nullptr;
    detail::check(qrt_interpreter_create(model.get(), options, &handle),
                  "qrt_interpreter_create");
    handle_ = handle;
  }

  qrt_interpreter* handle_ = nullptr;
};

}  // namespace cpp_api
}  // namespace qrt

#endif  // QRT_QRT_HPP_
