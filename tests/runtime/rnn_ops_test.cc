// LSTM and GRU through the interpreter: int8 (dynamic) weights give exactly
// what the reference recurrence gives when called directly with the
// DynamicRnnProjection, on every table (those with a dynamic FC kernel run
// the gate products on it), the precision and MACs are reported, and hostile
// options and tensors are refused at load with a message naming the problem.
// (tests/converter/rnn_import_test.cc compares the float32 form with PyTorch.)
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/kernel_table.h"
#include "kernels/reference/rnn_f32.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"
#include "runtime/op_precision.h"
#include "runtime/ops/op_registry.h"

using namespace qrt;

namespace {

constexpr fb::DType kF32 = fb::DType::FLOAT32;

// A valid LSTM (or GRU): X [3, 2, 4], H 5, one direction, int8 weights.
struct Spec {
  bool lstm = true;
  int32_t steps = 3, batch = 2, input = 4, hidden = 5, directions = 1;
  int8_t direction = 0;
  fb::DType weight_dtype = fb::DType::INT8;
  bool per_row = true;
  float bad_scale = 0.0f;  // != 0: scale 1 of W
  int32_t zero_point = 0;
  std::vector<int32_t> w_shape, r_shape, bias_shape, y_shape, state_shape;
  bool bias = true, initial_h = true;
  int32_t option_hidden = 0;  // 0: hidden
  bool linear_before_reset = false;
  bool wrong_options = false;
  int drop_outputs = 0;
};

int gates(const Spec& s) { return s.lstm ? 4 : 3; }

Spec normalized(Spec s) {
  const int32_t rows = s.directions * gates(s) * s.hidden;
  if (s.w_shape.empty()) s.w_shape = {rows, s.input};
  if (s.r_shape.empty()) s.r_shape = {rows, s.hidden};
  if (s.bias_shape.empty()) s.bias_shape = {s.directions, 2 * gates(s) * s.hidden};
  if (s.y_shape.empty()) s.y_shape = {s.steps, s.directions, s.batch, s.hidden};
  if (s.state_shape.empty()) s.state_shape = {s.directions, s.batch, s.hidden};
  if (s.option_hidden == 0) s.option_hidden = s.hidden;
  return s;
}

size_t count(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

std::vector<int8_t> int8_values(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> v(n);
  for (int8_t& e : v) e = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  return v;
}

std::vector<float> float_values(size_t n, uint32_t seed, float scale = 0.5f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-scale, scale);
  std::vector<float> v(n);
  for (float& e : v) e = d(rng);
  return v;
}

std::vector<float> row_scales(size_t rows, const Spec& s) {
  std::vector<float> v(s.per_row ? rows : 1);
  for (size_t i = 0; i < v.size(); ++i) v[i] = 0.004f + 0.0005f * static_cast<float>(i % 7);
  if (s.bad_scale != 0.0f && v.size() > 1) v[1] = s.bad_scale;
  return v;
}

int weights(QfbWriter& q, const Spec& s, const char* name, const std::vector<int32_t>& shape, uint32_t seed) {
  if (s.weight_dtype == kF32) return q.add_constant(name, kF32, shape, to_bytes(float_values(count(shape), seed)));
  const std::vector<float> scales = row_scales(shape.empty() ? 1 : static_cast<size_t>(shape[0]), s);
  return q.add_constant(name, s.weight_dtype, shape, to_bytes(int8_values(count(shape), seed)), scales,
                        std::vector<int32_t>(scales.size(), s.zero_point), scales.size() > 1 ? 0 : -1);
}

std::vector<uint8_t> build(Spec s) {
  s = normalized(s);
  QfbWriter q;
  const int x = q.add_tensor("x", kF32, {s.steps, s.batch, s.input});
  std::vector<int32_t> inputs = {x, weights(q, s, "W", s.w_shape, 1), weights(q, s, "R", s.r_shape, 2)};
  inputs.push_back(s.bias ? q.add_constant("B", kF32, s.bias_shape, to_bytes(float_values(count(s.bias_shape), 3))) : -1);
  inputs.push_back(s.initial_h ? q.add_tensor("h0", kF32, s.state_shape) : -1);
  const int y = q.add_tensor("y", kF32, s.y_shape);
  std::vector<int32_t> outputs = {y, q.add_tensor("y_h", kF32, s.state_shape)};
  if (s.lstm) outputs.push_back(q.add_tensor("y_c", kF32, s.state_shape));
  for (int i = 0; i < s.drop_outputs; ++i) outputs.pop_back();
  fb::OpOptionsUnion options;
  if (s.wrong_options) {
    fb::Conv2DOptionsT o;
    options.Set(std::move(o));
  } else {
    fb::RnnOptionsT o;
    o.hidden_size = s.option_hidden;
    o.direction = s.direction;
    o.linear_before_reset = s.linear_before_reset;
    options.Set(std::move(o));
  }
  q.add_op(s.lstm ? fb::OpType::LSTM : fb::OpType::GRU, inputs, outputs, std::move(options), fb::RequantRule::FP32, "rnn");
  q.add_input(x, kF32);
  if (s.initial_h) q.add_input(inputs[4], kF32);
  q.add_output(y, kF32);
  return q.serialize();
}

Status load(const Spec& s, std::unique_ptr<Model>* model) {
  const std::vector<uint8_t> bytes = build(s);
  return Model::load_buffer(bytes.data(), bytes.size(), /*copy=*/true, model);
}

void require_refused(const Spec& s, const std::string& fragment) {
  std::unique_ptr<Model> model;
  const Status status = load(s, &model);
  INFO("status " << status.code << ": " << status.message);
  REQUIRE_FALSE(status.ok());
  REQUIRE(status.message.find(fragment) != std::string::npos);
}

// The interpreter's output bits for s on `isa` against the reference
// recurrence called directly.
void check_against_reference(Spec s, const std::string& isa) {
  const bool lstm = s.lstm;
  const int8_t direction = s.direction;
  s = normalized(s);
  std::unique_ptr<Model> model;
  const Status loaded = load(s, &model);
  INFO(loaded.message);
  REQUIRE(loaded.ok());
  Interpreter interpreter(*model, InterpreterOptions(1, isa));
  REQUIRE(interpreter.prepare().ok());
  const std::vector<float> x = float_values(count({s.steps, s.batch, s.input}), 9, 2.0f);
  const std::vector<float> h0 = float_values(count(s.state_shape), 10);
  std::memcpy(interpreter.input_buffer(0), x.data(), x.size() * sizeof(float));
  std::memcpy(interpreter.input_buffer(1), h0.data(), h0.size() * sizeof(float));
  REQUIRE(interpreter.invoke().ok());
  const std::string kernel = interpreter.prepared_op(0).kernel_name();
  std::string why;
  const KernelTable* table = find_kernel_table(isa.c_str(), &why);
  REQUIRE(table != nullptr);
  if (table->dynamic_fully_connected.run != nullptr) {
    REQUIRE(kernel == std::string(lstm ? "lstm" : "gru") + "_f32s8_dynamic on " +
                          table->dynamic_fully_connected.name);
  } else {
    REQUIRE(kernel == std::string(lstm ? "lstm" : "gru") + "_f32s8_dynamic_reference");
  }
  CHECK(std::string(op_precision(*model, model->ops()[0])) == "dynamic int8");
  const uint64_t macs = count(s.y_shape) * static_cast<uint64_t>(gates(s)) * (s.input + s.hidden);
  CHECK(op_macs(*model, model->ops()[0]) == macs);
  const float* y = reinterpret_cast<const float*>(interpreter.output_buffer(0));

  reference::RnnParams p;
  p.sequence_length = s.steps;
  p.batch = s.batch;
  p.input_size = s.input;
  p.hidden_size = s.hidden;
  p.directions = s.directions;
  p.reverse = direction == 1;
  p.linear_before_reset = s.linear_before_reset;
  const std::vector<int8_t> w = int8_values(count(s.w_shape), 1), r = int8_values(count(s.r_shape), 2);
  const std::vector<float> ws = row_scales(static_cast<size_t>(s.w_shape[0]), s);
  const std::vector<float> rs = row_scales(static_cast<size_t>(s.r_shape[0]), s);
  const std::vector<float> b = float_values(count(s.bias_shape), 3);
  std::vector<int8_t> quantized(static_cast<size_t>(std::max(s.input, s.hidden)));
  const reference::DynamicRnnProjection projection(p, gates(s), w.data(), ws.data(), static_cast<int>(ws.size()),
                                                   r.data(), rs.data(), static_cast<int>(rs.size()),
                                                   quantized.data());
  std::vector<float> want(count(s.y_shape)), yh(count(s.state_shape)), yc(count(s.state_shape));
  std::vector<float> scratch(lstm ? reference::lstm_scratch_size(p) : reference::gru_scratch_size(p));
  if (lstm) {
    reference::lstm_f32(p, projection, x.data(), b.data(), h0.data(), nullptr, want.data(), yh.data(), yc.data(),
                        scratch.data());
  } else {
    reference::gru_f32(p, projection, x.data(), b.data(), h0.data(), want.data(), yh.data(), scratch.data());
  }
  REQUIRE(std::memcmp(y, want.data(), want.size() * sizeof(float)) == 0);
}

}  // namespace

TEST_CASE("rnn ops: int8 LSTM / GRU give the reference recurrence's bits on every table", "[rnn_op]") {
  int ran = 0;
  for (const char* isa : {"reference", "sse41", "avx2", "avxvnni", "avx512vnni", "neon", "neondot", "i8mm"}) {
    std::string why;
    if (find_kernel_table(isa, &why) == nullptr) continue;
    ++ran;
    for (const bool lstm : {true, false}) {
      for (const int8_t direction : {int8_t{0}, int8_t{1}, int8_t{2}}) {
        Spec s;
        s.lstm = lstm;
        s.direction = direction;
        s.directions = direction == 2 ? 2 : 1;
        s.linear_before_reset = !lstm && direction == 1;
        INFO(isa << ": " << (lstm ? "LSTM" : "GRU") << " direction " << int{direction});
        check_against_reference(s, isa);
        // Tiles with tails (hidden 37: 148 or 111 gate rows), per-tensor
        // scales, more steps and rows.
        s.steps = 4;
        s.batch = 3;
        s.input = 19;
        s.hidden = 37;
        s.per_row = direction != 1;
        check_against_reference(s, isa);
      }
    }
  }
  REQUIRE(ran >= 2);  // the reference table and at least this CPU's baseline
}

TEST_CASE("rnn ops: hostile models are refused at load", "[rnn_op]") {
  Spec s;
  SECTION("bad options") {
    Spec a = s;
    a.direction = 3;
    require_refused(a, "direction");
    Spec b = s;
    b.option_hidden = -1;
    b.w_shape = {20, 4};
    require_refused(b, "hidden_size");
    Spec c = s;
    c.linear_before_reset = true;
    require_refused(c, "linear_before_reset is for GRU");
    Spec d = s;
    d.wrong_options = true;
    require_refused(d, "RnnOptions");
  }
  SECTION("weights of the wrong shape, dtype, scales or zero point") {
    Spec a = s;
    a.w_shape = {19, 4};
    require_refused(a, "W");
    Spec b = s;
    b.r_shape = {20, 4};
    require_refused(b, "R");
    Spec c = s;
    c.bad_scale = -1.0f;
    require_refused(c, "finite and positive");
    Spec d = s;
    d.zero_point = 2;
    require_refused(d, "symmetric");
    Spec e = s;
    e.weight_dtype = fb::DType::INT32;  // int8 bytes: the loader's size check names the tensor first
    require_refused(e, "'W'");
  }
  SECTION("bias, state and outputs of the wrong shape, missing outputs") {
    Spec a = s;
    a.bias_shape = {1, 39};
    require_refused(a, "B");
    Spec b = s;
    b.state_shape = {1, 2, 4};
    require_refused(b, "initial_h");
    Spec c = s;
    c.y_shape = {3, 1, 2, 4};
    require_refused(c, "Y");
    Spec d = s;
    d.drop_outputs = 1;
    require_refused(d, "output");
    Spec e = s;  // a bidirectional op needs weights for both directions
    e.direction = 2;
    e.y_shape = {3, 2, 2, 5};
    e.state_shape = {2, 2, 5};
    e.bias_shape = {2, 40};
    require_refused(e, "W");
  }
}
