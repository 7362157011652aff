// A one-op model loaded and prepared through the public C API for a
// benchmark (qrt_layer_bench's int8 layers, dynamic and float convolutions):
// load and prepare (weight packing) happen before the timed loop, as in an
// application.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "qrt/qrt.h"

namespace qrt::bench {

// QRT_BENCH_THREADS, or 1.
inline int bench_threads() {
  const char* text = std::getenv("QRT_BENCH_THREADS");
  return text && std::atoi(text) > 0 ? std::atoi(text) : 1;
}

class PreparedOneOpModel {
 public:
  // backend "qrt" or "xnnpack"; isa as qrt_options_set_isa takes it.
  PreparedOneOpModel(const std::vector<uint8_t>& file, const char* backend, const char* isa) {
    ok_ = qrt_model_load_buffer(file.data(), file.size(), &model_) == QRT_OK &&
          qrt_options_create(&options_) == QRT_OK && qrt_options_set_backend(options_, backend) == QRT_OK &&
          qrt_options_set_isa(options_, isa) == QRT_OK &&
          qrt_options_set_num_threads(options_, bench_threads()) == QRT_OK &&
          qrt_interpreter_create(model_, options_, &interpreter_) == QRT_OK &&
          qrt_interpreter_prepare(interpreter_) == QRT_OK &&
          qrt_interpreter_get_input_info(interpreter_, 0, &input_info_) == QRT_OK &&
          qrt_interpreter_get_input_buffer(interpreter_, 0, &input_) == QRT_OK &&
          qrt_interpreter_get_op_info(interpreter_, 0, &op_) == QRT_OK;
  }
  ~PreparedOneOpModel() {
    qrt_interpreter_destroy(interpreter_);
    qrt_options_destroy(options_);
    qrt_model_destroy(model_);
  }
  PreparedOneOpModel(const PreparedOneOpModel&) = delete;
  PreparedOneOpModel& operator=(const PreparedOneOpModel&) = delete;

  bool ok() const { return ok_; }  // else qrt_last_error() says why
  qrt_interpreter* interpreter() const { return interpreter_; }
  void* input() const { return input_; }
  size_t input_bytes() const { return input_info_.byte_size; }
  const char* kernel() const { return op_.kernel; }

 private:
  qrt_model* model_ = nullptr;
  qrt_options* options_ = nullptr;
  qrt_interpreter* interpreter_ = nullptr;
  void* input_ = nullptr;
  qrt_tensor_info input_info_{};
  qrt_op_info op_{};
  bool ok_ = false;
};

}  // namespace qrt::bench
