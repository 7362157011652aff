// Shared by the fuzz targets that end with a .qfb: load it through the C API,
// prepare with a small arena limit, fill the inputs from the fuzzer's bytes,
// invoke, read the outputs. Every call must return a status; a crash, a
// sanitizer report or an inconsistent answer is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "qrt/qrt.h"
#include "tests/fuzz/fuzz_input.h"

namespace qrt::fuzz {

// Activation memory a fuzzed model may ask for: small, so one input costs
// milliseconds (bigger plans are refused at prepare, which is itself tested).
constexpr size_t kFuzzMaxArenaBytes = size_t{1} << 20;
// Work per invoke likewise (qrt_options_set_max_macs): a tiny file can ask for
// a large window or filter over a small tensor; bigger models are refused at
// prepare, which the fuzzer then exercises instead of timing out.
constexpr uint64_t kFuzzMaxMacs = uint64_t{1} << 26;

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s (last error: %s)\n", what, qrt_last_error());
  std::abort();
}

inline void run_model(qrt_model* model, const uint8_t* data, size_t size) {
  qrt_options* options = nullptr;
  if (qrt_options_create(&options) != QRT_OK) fail("qrt_options_create");
  if (qrt_options_set_max_arena_bytes(options, kFuzzMaxArenaBytes) != QRT_OK) fail("set_max_arena_bytes");
  if (qrt_options_set_max_macs(options, kFuzzMaxMacs) != QRT_OK) fail("set_max_macs");
  qrt_interpreter* interpreter = nullptr;
  if (qrt_interpreter_create(model, options, &interpreter) != QRT_OK) fail("qrt_interpreter_create");
  qrt_options_destroy(options);
  if (qrt_interpreter_prepare(interpreter) == QRT_OK) {
    size_t arena = 0;
    if (qrt_interpreter_get_arena_size(interpreter, &arena) != QRT_OK) fail("get_arena_size");
    if (arena > kFuzzMaxArenaBytes) fail("prepare accepted an arena over the limit");
    size_t op_count = 0;
    if (qrt_interpreter_get_op_count(interpreter, &op_count) != QRT_OK) fail("get_op_count");
    for (size_t i = 0; i < op_count; ++i) {
      qrt_op_info info;
      if (qrt_interpreter_get_op_info(interpreter, i, &info) != QRT_OK) fail("get_op_info");
    }
    size_t inputs = 0, outputs = 0;
    if (qrt_interpreter_get_input_count(interpreter, &inputs) != QRT_OK) fail("get_input_count");
    if (qrt_interpreter_get_output_count(interpreter, &outputs) != QRT_OK) fail("get_output_count");
    if (outputs > 0) {
      qrt_tensor_info info;
      if (qrt_interpreter_get_output_info(interpreter, 0, &info) != QRT_OK) fail("get_output_info");
      std::vector<uint8_t> bytes(info.byte_size);
      if (qrt_interpreter_get_output(interpreter, 0, bytes.data(), bytes.size()) != QRT_INVALID_STATE) {
        fail("get_output before invoke was not refused");
      }
    }
    ByteCycle cycle(data, size);
    for (size_t i = 0; i < inputs; ++i) {
      qrt_tensor_info info;
      if (qrt_interpreter_get_input_info(interpreter, i, &info) != QRT_OK) fail("get_input_info");
      std::vector<uint8_t> bytes(info.byte_size);
      cycle.fill(bytes.data(), bytes.size());  // float inputs get NaN and infinity too
      if (qrt_interpreter_set_input(interpreter, i, bytes.data(), bytes.size()) != QRT_OK) fail("set_input");
    }
    if (qrt_interpreter_invoke(interpreter) != QRT_OK) fail("invoke of a prepared interpreter");
    for (size_t i = 0; i < outputs; ++i) {
      qrt_tensor_info info;
      if (qrt_interpreter_get_output_info(interpreter, i, &info) != QRT_OK) fail("get_output_info");
      std::vector<uint8_t> bytes(info.byte_size);
      if (qrt_interpreter_get_output(interpreter, i, bytes.data(), bytes.size()) != QRT_OK) fail("get_output");
    }
  } else if (qrt_last_error()[0] == '\0') {
    fail("prepare failed without a message");
  }
  qrt_interpreter_destroy(interpreter);
}

// Loads a .qfb (copied, so alignment is the model's business) and runs it.
// Returns false when the loader refused it.
inline bool load_and_run(const uint8_t* qfb, size_t qfb_size, const uint8_t* data, size_t size) {
  qrt_model* model = nullptr;
  if (qrt_model_load_buffer(qfb, qfb_size, &model) != QRT_OK) {
    if (model != nullptr) fail("a failed load returned a model");
    if (qrt_last_error()[0] == '\0') fail("load failed without a message");
    return false;
  }
  const char* text = nullptr;
  if (qrt_model_get_description(model, &text) != QRT_OK || text == nullptr) fail("get_description");
  size_t labels = 0;
  if (qrt_model_get_label_count(model, &labels) != QRT_OK) fail("get_label_count");
  for (size_t i = 0; i < labels; ++i) {
    if (qrt_model_get_label(model, i, &text) != QRT_OK) fail("get_label");
  }
  run_model(model, data, size);
  qrt_model_destroy(model);
  return true;
}

}  // namespace qrt::fuzz
