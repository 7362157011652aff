// Thread safety of the C API (docs/security.md), run under ThreadSanitizer by
// scripts/test.sh (-DQRT_SANITIZE_THREAD=ON) and as plain tests elsewhere:
//  - one qrt_model shared by several interpreters that prepare and invoke
//    concurrently, each on its own thread;
//  - one interpreter used from several threads in turn, a mutex serializing
//    them (qrt.h: one thread at a time);
//  - handles created and destroyed concurrently (the handle registry).
// Every result is compared byte for byte with a single-threaded run of the
// same input. Interpreters use num_threads = 1: Debian's pthreadpool is not
// instrumented, so TSan cannot see its synchronization (docs/security.md).
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "qrt/qrt.h"
#include "test_models.h"

namespace {

constexpr int kThreads = 4;
constexpr int kInvokesPerThread = 25;

std::vector<int8_t> input_for(int thread, int iteration, size_t size) {
  std::vector<int8_t> input(size);
  uint32_t state = static_cast<uint32_t>(thread * 7919 + iteration * 104729 + 1);
  for (int8_t& v : input) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<int8_t>(state >> 24);
  }
  return input;
}

struct Runner {
  qrt_interpreter* interpreter = nullptr;
  size_t input_size = 0;
  size_t output_size = 0;

  explicit Runner(qrt_model* model) {
    REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);  // 1 thread: no pool
    REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
    qrt_tensor_info info;
    REQUIRE(qrt_interpreter_get_input_info(interpreter, 0, &info) == QRT_OK);
    input_size = info.byte_size;
    REQUIRE(qrt_interpreter_get_output_info(interpreter, 0, &info) == QRT_OK);
    output_size = info.byte_size;
  }
  ~Runner() { qrt_interpreter_destroy(interpreter); }

  // Status codes only: Catch2's assertions are not thread-safe, so worker
  // threads report through their return values.
  bool run(const std::vector<int8_t>& input, std::vector<int8_t>* output) {
    output->assign(output_size, 0);
    return qrt_interpreter_set_input(interpreter, 0, input.data(), input.size()) == QRT_OK &&
           qrt_interpreter_invoke(interpreter) == QRT_OK &&
           qrt_interpreter_get_output(interpreter, 0, output->data(), output->size()) == QRT_OK;
  }
};

struct SharedModel {
  std::vector<uint8_t> bytes = qrt::test::small_cnn(qrt::fb::RequantRule::FIXEDPOINT).writer.serialize();
  qrt_model* model = nullptr;
  SharedModel() { REQUIRE(qrt_model_load_buffer(bytes.data(), bytes.size(), &model) == QRT_OK); }
  ~SharedModel() { qrt_model_destroy(model); }
};

// expected[thread][iteration]: single-threaded results.
std::vector<std::vector<std::vector<int8_t>>> expected_outputs(qrt_model* model) {
  Runner runner(model);
  std::vector<std::vector<std::vector<int8_t>>> expected(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kInvokesPerThread; ++i) {
      std::vector<int8_t> output;
      REQUIRE(runner.run(input_for(t, i, runner.input_size), &output));
      expected[t].push_back(output);
    }
  }
  return expected;
}

}  // namespace

TEST_CASE("several interpreters share one model and invoke concurrently", "[threads]") {
  SharedModel shared;
  const auto expected = expected_outputs(shared.model);
  // Different inputs give different outputs, so a mix-up between threads shows.
  REQUIRE(expected[0][0] != expected[1][0]);

  std::vector<int> mismatches(kThreads, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread creates and prepares its own interpreter concurrently with
      // the others: prepare reads the shared model too.
      qrt_interpreter* interpreter = nullptr;
      if (qrt_interpreter_create(shared.model, nullptr, &interpreter) != QRT_OK) return;
      if (qrt_interpreter_prepare(interpreter) != QRT_OK) {
        qrt_interpreter_destroy(interpreter);
        return;
      }
      int wrong = 0;
      for (int i = 0; i < kInvokesPerThread; ++i) {
        const std::vector<int8_t>& want = expected[t][i];
        const std::vector<int8_t> input = input_for(t, i, 243);  // [1, 9, 9, 3]
        std::vector<int8_t> output(want.size());
        const bool ok = qrt_interpreter_set_input(interpreter, 0, input.data(), input.size()) == QRT_OK &&
                        qrt_interpreter_invoke(interpreter) == QRT_OK &&
                        qrt_interpreter_get_output(interpreter, 0, output.data(), output.size()) == QRT_OK;
        if (!ok || output != want) ++wrong;
      }
      qrt_interpreter_destroy(interpreter);
      mismatches[t] = wrong;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t << " (-1: create or prepare failed)");
    CHECK(mismatches[t] == 0);
  }
}

TEST_CASE("interpreters prepared concurrently on a fresh model pack its weights once", "[threads][packing]") {
  SharedModel shared;  // no interpreter has prepared yet: the threads race to pack
  struct Result {
    bool ok = false;
    size_t packed_bytes = 0;
    const void* conv_packing = nullptr;  // op 0's packed block
    std::vector<int8_t> output;
  };
  std::vector<Result> results(kThreads);
  std::vector<qrt_interpreter*> interpreters(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      qrt_interpreter*& interpreter = interpreters[t];  // destroyed after the join: the pointers stay comparable
      Result& r = results[t];
      if (qrt_interpreter_create(shared.model, nullptr, &interpreter) != QRT_OK ||
          qrt_interpreter_prepare(interpreter) != QRT_OK) {
        return;
      }
      size_t from_file = 0;
      qrt_packed_weights conv;
      r.conv_packing = qrt_interpreter_get_op_packed_weights(interpreter, 0, &conv) == QRT_OK ? conv.data : nullptr;
      const std::vector<int8_t> input = input_for(0, 0, 243);
      r.output.resize(10);
      r.ok = qrt_interpreter_get_packed_weight_size(interpreter, &r.packed_bytes, &from_file) == QRT_OK &&
             qrt_interpreter_set_input(interpreter, 0, input.data(), input.size()) == QRT_OK &&
             qrt_interpreter_invoke(interpreter) == QRT_OK &&
             qrt_interpreter_get_output(interpreter, 0, r.output.data(), r.output.size()) == QRT_OK;
    });
  }
  for (std::thread& thread : threads) thread.join();
  size_t allocated = 0, in_place = 0;
  REQUIRE(qrt_model_get_packed_weight_size(shared.model, &allocated, &in_place) == QRT_OK);
  const auto expected = expected_outputs(shared.model);
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK(results[t].ok);
    CHECK(results[t].output == expected[0][0]);
    CHECK(results[t].packed_bytes == results[0].packed_bytes);
    CHECK(results[t].conv_packing == results[0].conv_packing);  // one block, shared
  }
  CHECK(allocated == results[0].packed_bytes);  // packed once, not once per interpreter
  for (qrt_interpreter* interpreter : interpreters) qrt_interpreter_destroy(interpreter);
}

TEST_CASE("one interpreter is used from several threads in turn", "[threads]") {
  SharedModel shared;
  const auto expected = expected_outputs(shared.model);
  Runner runner(shared.model);
  std::mutex turn;  // qrt.h: one thread at a time per interpreter
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kInvokesPerThread; ++i) {
        std::vector<int8_t> output;
        std::lock_guard<std::mutex> lock(turn);
        if (!runner.run(input_for(t, i, runner.input_size), &output) || output != expected[t][i]) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK(mismatches[t] == 0);
  }
}

TEST_CASE("handles are created, misused and destroyed concurrently", "[threads]") {
  SharedModel shared;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        qrt_options* options = nullptr;
        qrt_interpreter* interpreter = nullptr;
        if (qrt_options_create(&options) != QRT_OK ||
            qrt_interpreter_create(shared.model, options, &interpreter) != QRT_OK) {
          ++failures[t];
          continue;
        }
        if (qrt_options_destroy(options) != QRT_OK) ++failures[t];
        // A misuse on this thread leaves its message in this thread's qrt_last_error.
        if (qrt_interpreter_invoke(interpreter) != QRT_INVALID_STATE ||
            std::string(qrt_last_error()).find("before prepare") == std::string::npos) {
          ++failures[t];
        }
        // No second destroy here: another thread may already have been given
        // the same address for a new interpreter (the registry cannot tell).
        if (qrt_interpreter_destroy(interpreter) != QRT_OK) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) CHECK(failures[t] == 0);
}
