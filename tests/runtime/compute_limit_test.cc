// The compute limit (qrt_options_set_max_macs, docs/security.md): prepare sums
// every op's multiply-accumulates (and pooling window reads) and refuses a
// model over the limit with a message naming the costliest op, before any
// weight is packed. Default QRT_DEFAULT_MAX_MACS = 2^40.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "qrt/qrt.h"
#include "test_models.h"

using namespace qrt;

namespace {

qrt_status prepare_with_limit(qrt_model* model, uint64_t max_macs) {
  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  REQUIRE(qrt_options_set_max_macs(options, max_macs) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, options, &interpreter) == QRT_OK);
  REQUIRE(qrt_options_destroy(options) == QRT_OK);
  const qrt_status status = qrt_interpreter_prepare(interpreter);
  const std::string message = qrt_last_error();
  if (status == QRT_OK) CHECK(qrt_interpreter_invoke(interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_destroy(interpreter) == QRT_OK);
  INFO(message);
  return status;
}

// int8 [1, side, side, 1] -> MAX_POOL_2D side x side, SAME, stride 1: side^4
// window reads from a file of a few hundred bytes.
std::vector<uint8_t> huge_window_pool_model(int32_t side) {
  QfbWriter w;
  const int in = w.add_tensor("in", fb::DType::INT8, {1, side, side, 1}, {0.5f}, {0});
  const int out = w.add_tensor("out", fb::DType::INT8, {1, side, side, 1}, {0.5f}, {0});
  fb::Pool2DOptionsT pool;
  pool.padding = fb::Padding::SAME;
  pool.filter_h = pool.filter_w = side;
  fb::OpOptionsUnion options;
  options.Set(pool);
  w.add_op(fb::OpType::MAX_POOL_2D, {in}, {out}, std::move(options), fb::RequantRule::FP32, "huge_pool");
  w.add_input(in);
  w.add_output(out);
  return w.serialize();
}

}  // namespace

TEST_CASE("qrt_options_set_max_macs refuses a model over the limit at prepare, naming the op") {
  // small_cnn: CONV_2D 5*5*8 outputs x 27 = 5400, DEPTHWISE 4*4*16 x 9 = 2304,
  // AVERAGE_POOL 3*3*16 x 4 = 576, FULLY_CONNECTED 10 x 144 = 1440: 9720.
  const auto bytes = test::small_cnn(fb::RequantRule::FP32).writer.serialize();
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer(bytes.data(), bytes.size(), &model) == QRT_OK);
  CHECK(prepare_with_limit(model, 9720) == QRT_OK);
  CHECK(prepare_with_limit(model, 9719) == QRT_UNSUPPORTED);
  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  REQUIRE(qrt_options_set_max_macs(options, 9719) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, options, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_UNSUPPORTED);
  CHECK_THAT(qrt_last_error(), Catch::Contains("needs 9720 multiply-accumulates") &&
                                   Catch::Contains("limit of 9719 (qrt_options_set_max_macs)") &&
                                   Catch::Contains("op 0 'conv' (CONV_2D) with 5400"));
  // Not prepared: nothing runs.
  CHECK(qrt_interpreter_invoke(interpreter) == QRT_INVALID_STATE);
  CHECK(qrt_interpreter_destroy(interpreter) == QRT_OK);

  CHECK(qrt_options_set_max_macs(options, 0) == QRT_INVALID_ARGUMENT);
  CHECK_THAT(qrt_last_error(), Catch::Contains("max_macs is 0"));
  CHECK(qrt_options_set_max_macs(nullptr, 5) == QRT_INVALID_ARGUMENT);
  CHECK(qrt_options_destroy(options) == QRT_OK);
  CHECK(qrt_model_destroy(model) == QRT_OK);
}

TEST_CASE("a tiny model asking for 2^44 window reads is refused by the default compute limit") {
  const auto bytes = huge_window_pool_model(2048);
  REQUIRE(bytes.size() < 4096);
  qrt_model* model = nullptr;
  INFO(qrt_last_error());
  REQUIRE(qrt_model_load_buffer(bytes.data(), bytes.size(), &model) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);
  CHECK(qrt_interpreter_prepare(interpreter) == QRT_UNSUPPORTED);
  CHECK_THAT(qrt_last_error(), Catch::Contains("needs 17592186044416 multiply-accumulates") &&
                                   Catch::Contains("limit of 1099511627776") &&
                                   Catch::Contains("'huge_pool' (MAX_POOL_2D)"));
  CHECK(qrt_interpreter_destroy(interpreter) == QRT_OK);
  CHECK(qrt_model_destroy(model) == QRT_OK);
}
