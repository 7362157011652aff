// The C API end to end on a model built in the test, and its misuse: NULLs,
// wrong sizes, out-of-range indices, calls out of order. Each misuse returns
// a status and leaves a message in qrt_last_error().
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "qrt/qrt.h"
#include "test_models.h"

namespace {

struct LoadedModel {
  std::vector<uint8_t> bytes;
  qrt_model* model = nullptr;
  explicit LoadedModel(std::vector<uint8_t> b) : bytes(std::move(b)) {
    REQUIRE(qrt_model_load_buffer(bytes.data(), bytes.size(), &model) == QRT_OK);
  }
  ~LoadedModel() { qrt_model_destroy(model); }
};

void require_status(qrt_status actual, qrt_status expected, const std::string& fragment) {
  const std::string message = qrt_last_error();
  INFO(qrt_status_name(actual) << ": " << message);
  REQUIRE(actual == expected);
  REQUIRE(message.find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("c api: load, prepare, invoke, read outputs", "[c_api]") {
  LoadedModel loaded(qrt::test::reshape_model());
  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  REQUIRE(qrt_options_set_num_threads(options, 2) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(loaded.model, options, &interpreter) == QRT_OK);
  qrt_options_destroy(options);  // copied by create
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);

  size_t count = 0;
  REQUIRE(qrt_interpreter_get_input_count(interpreter, &count) == QRT_OK);
  REQUIRE(count == 1);
  qrt_tensor_info info;
  REQUIRE(qrt_interpreter_get_input_info(interpreter, 0, &info) == QRT_OK);
  REQUIRE(std::string(info.name) == "input");
  REQUIRE(info.dtype == QRT_DTYPE_INT8);
  REQUIRE(info.num_dims == 4);
  REQUIRE(info.byte_size == 24);
  REQUIRE(info.quantized == 1);
  REQUIRE(info.scale == 0.5f);
  REQUIRE(info.zero_point == -3);

  int8_t input[24];
  for (int i = 0; i < 24; ++i) input[i] = static_cast<int8_t>(i * 11 - 128);
  REQUIRE(qrt_interpreter_set_input(interpreter, 0, input, sizeof(input)) == QRT_OK);
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  int8_t output[24];
  REQUIRE(qrt_interpreter_get_output(interpreter, 0, output, sizeof(output)) == QRT_OK);
  REQUIRE(std::memcmp(input, output, sizeof(input)) == 0);

  // Direct buffers: inputs stay intact, so a second invoke needs no set_input.
  const void* direct = nullptr;
  REQUIRE(qrt_interpreter_get_output_buffer(interpreter, 0, &direct) == QRT_OK);
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  REQUIRE(std::memcmp(input, direct, sizeof(input)) == 0);

  size_t arena = 0;
  REQUIRE(qrt_interpreter_get_arena_size(interpreter, &arena) == QRT_OK);
  REQUIRE(arena >= 48);
  qrt_op_info op;
  REQUIRE(qrt_interpreter_get_op_info(interpreter, 0, &op) == QRT_OK);
  REQUIRE(std::string(op.type) == "RESHAPE");
  REQUIRE(std::string(op.name) == "flatten");
  REQUIRE(std::string(op.kernel) == "copy");
  const char* precision = nullptr;
  REQUIRE(qrt_interpreter_get_op_precision(interpreter, 0, &precision) == QRT_OK);
  REQUIRE(std::string(precision) == "int8");

  size_t labels = 0;
  REQUIRE(qrt_model_get_label_count(loaded.model, &labels) == QRT_OK);
  REQUIRE(labels == 2);
  const char* label = nullptr;
  REQUIRE(qrt_model_get_label(loaded.model, 1, &label) == QRT_OK);
  REQUIRE(std::string(label) == "b");
  qrt_interpreter_destroy(interpreter);
}

TEST_CASE("c api: a uint8 interface shifts by 128 at the boundary", "[c_api]") {
  qrt::QfbWriter w = qrt::test::reshape_model_writer();
  w.model().graph->inputs[0]->external_dtype = qrt::fb::DType::UINT8;
  w.model().graph->outputs[0]->external_dtype = qrt::fb::DType::UINT8;
  LoadedModel loaded(w.serialize());
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(loaded.model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  qrt_tensor_info info;
  REQUIRE(qrt_interpreter_get_input_info(interpreter, 0, &info) == QRT_OK);
  REQUIRE(info.dtype == QRT_DTYPE_UINT8);
  REQUIRE(info.zero_point == 125);  // int8 zero point -3, seen as uint8
  uint8_t input[24];
  for (int i = 0; i < 24; ++i) input[i] = static_cast<uint8_t>(i * 11);
  REQUIRE(qrt_interpreter_set_input(interpreter, 0, input, sizeof(input)) == QRT_OK);
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  uint8_t output[24];
  REQUIRE(qrt_interpreter_get_output(interpreter, 0, output, sizeof(output)) == QRT_OK);
  REQUIRE(std::memcmp(input, output, sizeof(input)) == 0);
  qrt_interpreter_destroy(interpreter);
}

TEST_CASE("c api: misuse gets a status and a message", "[c_api]") {
  LoadedModel loaded(qrt::test::reshape_model());
  qrt_model* model = nullptr;
  require_status(qrt_model_load_file(nullptr, &model), QRT_INVALID_ARGUMENT, "path is NULL");
  require_status(qrt_model_load_file("missing.qfb", nullptr), QRT_INVALID_ARGUMENT, "model is NULL");
  require_status(qrt_model_load_file("/nonexistent/missing.qfb", &model), QRT_IO_ERROR, "cannot open");
  REQUIRE(model == nullptr);
  require_status(qrt_model_load_buffer(nullptr, 10, &model), QRT_INVALID_ARGUMENT, "data is NULL");
  const char garbage[16] = "not a model";
  require_status(qrt_model_load_buffer(garbage, sizeof(garbage), &model), QRT_INVALID_MODEL, "QFB1");

  qrt_interpreter* interpreter = nullptr;
  require_status(qrt_interpreter_create(nullptr, nullptr, &interpreter), QRT_INVALID_ARGUMENT, "model is NULL");
  REQUIRE(qrt_interpreter_create(loaded.model, nullptr, &interpreter) == QRT_OK);

  int8_t buffer[24] = {};
  require_status(qrt_interpreter_invoke(interpreter), QRT_INVALID_STATE, "before prepare");
  require_status(qrt_interpreter_set_input(interpreter, 0, buffer, sizeof(buffer)), QRT_INVALID_STATE,
                 "qrt_interpreter_prepare first");
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  require_status(qrt_interpreter_prepare(interpreter), QRT_INVALID_STATE, "already prepared");
  require_status(qrt_interpreter_set_input(interpreter, 0, buffer, 23), QRT_INVALID_ARGUMENT,
                 "takes 24 bytes, got 23");
  require_status(qrt_interpreter_set_input(interpreter, 1, buffer, 24), QRT_INVALID_ARGUMENT,
                 "input index 1 out of range");
  require_status(qrt_interpreter_set_input(interpreter, 0, nullptr, 24), QRT_INVALID_ARGUMENT, "data is NULL");
  require_status(qrt_interpreter_get_output(interpreter, 0, buffer, 25), QRT_INVALID_ARGUMENT, "has 24 bytes");
  qrt_tensor_info info;
  require_status(qrt_interpreter_get_output_info(interpreter, 3, &info), QRT_INVALID_ARGUMENT,
                 "output index 3 out of range");
  require_status(qrt_interpreter_get_input_info(interpreter, 0, nullptr), QRT_INVALID_ARGUMENT, "NULL");
  qrt_op_info op;
  require_status(qrt_interpreter_get_op_info(interpreter, 1, &op), QRT_INVALID_ARGUMENT, "op index 1 out of range");
  const char* precision = nullptr;
  require_status(qrt_interpreter_get_op_precision(interpreter, 1, &precision), QRT_INVALID_ARGUMENT,
                 "op index 1 out of range");
  require_status(qrt_interpreter_get_op_precision(interpreter, 0, nullptr), QRT_INVALID_ARGUMENT,
                 "precision is NULL");
  require_status(qrt_interpreter_invoke(nullptr), QRT_INVALID_ARGUMENT, "interpreter is NULL");
  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  require_status(qrt_options_set_num_threads(options, -1), QRT_INVALID_ARGUMENT, "outside [0, 1024]");
  qrt_options_destroy(options);

  // A successful call keeps the last failure's message.
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  REQUIRE(std::string(qrt_last_error()).find("outside [0, 1024]") != std::string::npos);
  qrt_interpreter_destroy(interpreter);
  qrt_interpreter_destroy(nullptr);
  qrt_model_destroy(nullptr);
  REQUIRE(std::string(qrt_status_name(QRT_INVALID_MODEL)) == "QRT_INVALID_MODEL");
  REQUIRE(std::string(qrt_version()).size() >= 5);
}

TEST_CASE("c api: get_output before invoke is a state error", "[c_api]") {
  LoadedModel loaded(qrt::test::reshape_model());
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(loaded.model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  int8_t buffer[24] = {};
  require_status(qrt_interpreter_get_output(interpreter, 0, buffer, sizeof(buffer)), QRT_INVALID_STATE,
                 "no successful qrt_interpreter_invoke yet");
  // The argument checks come first: a wrong size is still named as such.
  require_status(qrt_interpreter_get_output(interpreter, 0, buffer, 3), QRT_INVALID_ARGUMENT, "has 24 bytes");
  // A buffer sized for another dtype (float32: 4 bytes per element) is a wrong size.
  float as_float[24] = {};
  require_status(qrt_interpreter_set_input(interpreter, 0, as_float, sizeof(as_float)), QRT_INVALID_ARGUMENT,
                 "takes 24 bytes, got 96");
  REQUIRE(qrt_interpreter_set_input(interpreter, 0, buffer, sizeof(buffer)) == QRT_OK);
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_get_output(interpreter, 0, buffer, sizeof(buffer)) == QRT_OK);
  REQUIRE(qrt_interpreter_destroy(interpreter) == QRT_OK);
}

TEST_CASE("c api: double destroy and use after destroy are refused, not freed twice", "[c_api]") {
  const std::vector<uint8_t> bytes = qrt::test::reshape_model();
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer(bytes.data(), bytes.size(), &model) == QRT_OK);

  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  REQUIRE(qrt_options_destroy(options) == QRT_OK);
  require_status(qrt_options_destroy(options), QRT_INVALID_ARGUMENT, "options is not live");
  qrt_interpreter* interpreter = nullptr;
  require_status(qrt_interpreter_create(model, options, &interpreter), QRT_INVALID_ARGUMENT,
                 "options is not live");
  REQUIRE(interpreter == nullptr);

  REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_destroy(interpreter) == QRT_OK);
  require_status(qrt_interpreter_destroy(interpreter), QRT_INVALID_ARGUMENT, "interpreter is not live");
  require_status(qrt_interpreter_prepare(interpreter), QRT_INVALID_ARGUMENT, "interpreter is not live");
  require_status(qrt_interpreter_invoke(interpreter), QRT_INVALID_ARGUMENT, "interpreter is not live");

  // Destroying the model while an interpreter uses it: refused as a state
  // error, the interpreter keeps working, and the model is freed with it
  // (ASan's leak check would report it otherwise).
  REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  require_status(qrt_model_destroy(model), QRT_INVALID_STATE, "1 interpreter(s) still use the model");
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  qrt_interpreter* second = nullptr;
  require_status(qrt_interpreter_create(model, nullptr, &second), QRT_INVALID_ARGUMENT, "model is not live");
  REQUIRE(qrt_interpreter_destroy(interpreter) == QRT_OK);
  require_status(qrt_model_destroy(model), QRT_INVALID_ARGUMENT, "model is not live");

  // A pointer qrt never handed out.
  int not_a_handle = 0;
  require_status(qrt_model_destroy(reinterpret_cast<qrt_model*>(&not_a_handle)), QRT_INVALID_ARGUMENT,
                 "model is not live");
  REQUIRE(qrt_model_destroy(nullptr) == QRT_OK);
  REQUIRE(qrt_interpreter_destroy(nullptr) == QRT_OK);
  REQUIRE(qrt_options_destroy(nullptr) == QRT_OK);
}

TEST_CASE("c api: float inputs with NaN and infinity quantize to documented values", "[c_api]") {
  // x float32 [1, 6] -> QUANTIZE (scale 0.5, zero point 3) -> int8 output.
  // docs/security.md: NaN -> the zero point, +inf -> 127, -inf -> -128.
  qrt::QfbWriter w;
  const int x = w.add_tensor("x", qrt::fb::DType::FLOAT32, {1, 6});
  const int q = w.add_tensor("q", qrt::fb::DType::INT8, {1, 6}, {0.5f}, {3});
  w.add_op(qrt::fb::OpType::QUANTIZE, {x}, {q}, {}, qrt::fb::RequantRule::FP32, "quantize");
  w.add_input(x, qrt::fb::DType::FLOAT32);
  w.add_output(q);
  LoadedModel loaded(w.serialize());
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(loaded.model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float input[6] = {nan, -nan, inf, -inf, 1.0f, 1e30f};
  REQUIRE(qrt_interpreter_set_input(interpreter, 0, input, sizeof(input)) == QRT_OK);
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  int8_t output[6] = {};
  REQUIRE(qrt_interpreter_get_output(interpreter, 0, output, sizeof(output)) == QRT_OK);
  CHECK(output[0] == 3);
  CHECK(output[1] == 3);
  CHECK(output[2] == 127);
  CHECK(output[3] == -128);
  CHECK(output[4] == 5);  // 1.0 / 0.5 + 3
  CHECK(output[5] == 127);
  REQUIRE(qrt_interpreter_destroy(interpreter) == QRT_OK);
}

TEST_CASE("c api: borrowed loads, zero-copy buffers and option setters check their arguments", "[c_api]") {
  // Borrowed bytes are used in place, so their alignment is the caller's
  // business: a copy placed at 4 mod 8 must be refused, not read misaligned.
  const std::vector<uint8_t> bytes = qrt::test::reshape_model();
  std::vector<uint64_t> storage(bytes.size() / 8 + 2);
  uint8_t* misaligned = reinterpret_cast<uint8_t*>(storage.data()) + 4;
  std::memcpy(misaligned, bytes.data(), bytes.size());
  qrt_model* model = nullptr;
  require_status(qrt_model_load_buffer_borrowed(misaligned, bytes.size(), &model), QRT_INVALID_ARGUMENT,
                 "8-byte aligned");
  REQUIRE(model == nullptr);
  require_status(qrt_model_load_buffer_borrowed(storage.data(), 0, &model), QRT_INVALID_ARGUMENT, "size is 0");
  require_status(qrt_model_load_buffer_borrowed(nullptr, bytes.size(), &model), QRT_INVALID_ARGUMENT,
                 "data is NULL");
  require_status(qrt_model_load_buffer_borrowed(storage.data(), bytes.size(), nullptr), QRT_INVALID_ARGUMENT,
                 "model is NULL");
  std::memcpy(storage.data(), bytes.data(), bytes.size());
  REQUIRE(qrt_model_load_buffer_borrowed(storage.data(), bytes.size(), &model) == QRT_OK);

  const char* text = nullptr;
  require_status(qrt_model_get_producer(model, nullptr), QRT_INVALID_ARGUMENT, "model or text is NULL");
  require_status(qrt_model_get_producer(nullptr, &text), QRT_INVALID_ARGUMENT, "model or text is NULL");
  REQUIRE(qrt_model_get_producer(model, &text) == QRT_OK);
  REQUIRE(text != nullptr);

  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  require_status(qrt_options_set_max_arena_bytes(options, 0), QRT_INVALID_ARGUMENT, "max_arena_bytes is 0");
  require_status(qrt_options_set_max_macs(options, 0), QRT_INVALID_ARGUMENT, "max_macs is 0");
  require_status(qrt_options_set_profiling(options, 2), QRT_INVALID_ARGUMENT, "not 0 or 1");
  require_status(qrt_options_set_max_arena_bytes(nullptr, 1), QRT_INVALID_ARGUMENT, "options is NULL");
  require_status(qrt_options_set_backend(options, "no-such-backend"), QRT_INVALID_ARGUMENT, "no-such-backend");

  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, options, &interpreter) == QRT_OK);
  REQUIRE(qrt_options_destroy(options) == QRT_OK);
  void* input = nullptr;
  const void* output = nullptr;
  require_status(qrt_interpreter_get_input_buffer(interpreter, 0, &input), QRT_INVALID_STATE,
                 "qrt_interpreter_prepare first");
  require_status(qrt_interpreter_get_output_buffer(interpreter, 0, &output), QRT_INVALID_STATE,
                 "qrt_interpreter_prepare first");
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  require_status(qrt_interpreter_get_input_buffer(interpreter, 1, &input), QRT_INVALID_ARGUMENT,
                 "input index 1 out of range");
  require_status(qrt_interpreter_get_output_buffer(interpreter, 1, &output), QRT_INVALID_ARGUMENT,
                 "output index 1 out of range");
  require_status(qrt_interpreter_get_input_buffer(interpreter, 0, nullptr), QRT_INVALID_ARGUMENT, "data is NULL");
  require_status(qrt_interpreter_get_input_buffer(nullptr, 0, &input), QRT_INVALID_ARGUMENT, "interpreter is NULL");

  // The zero-copy path moves the same bytes as set_input / get_output.
  REQUIRE(qrt_interpreter_get_input_buffer(interpreter, 0, &input) == QRT_OK);
  REQUIRE(qrt_interpreter_get_output_buffer(interpreter, 0, &output) == QRT_OK);
  REQUIRE(input != nullptr);
  REQUIRE(output != nullptr);
  int8_t values[24];
  for (int i = 0; i < 24; ++i) values[i] = static_cast<int8_t>(i * 5 - 60);
  std::memcpy(input, values, sizeof(values));
  REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
  int8_t copied[24] = {};
  REQUIRE(qrt_interpreter_get_output(interpreter, 0, copied, sizeof(copied)) == QRT_OK);
  REQUIRE(std::memcmp(copied, output, sizeof(copied)) == 0);
  REQUIRE(qrt_interpreter_destroy(interpreter) == QRT_OK);
  REQUIRE(qrt_model_destroy(model) == QRT_OK);
}
