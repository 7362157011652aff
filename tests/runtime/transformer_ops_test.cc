// BATCH_MATMUL, LAYER_NORM, GATHER and ERF through the interpreter: one-op
// models built with QfbWriter give exactly the reference kernel's bytes;
// GATHER's bad index fails invoke with a status; bad files are refused at
// load with a message naming the problem.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "converter/qfb_writer.h"
#include "kernels/kernel_table.h"
#include "runtime/interpreter.h"
#include "runtime/model.h"

using namespace qrt;

namespace {

Status load(const QfbWriter& writer, std::unique_ptr<Model>* model) {
  const std::vector<uint8_t> bytes = writer.serialize();
  return Model::load_buffer(bytes.data(), bytes.size(), /*copy=*/true, model);
}

std::unique_ptr<Model> load_ok(const QfbWriter& writer) {
  std::unique_ptr<Model> model;
  const Status status = load(writer, &model);
  INFO(status.message);
  REQUIRE(status.ok());
  return model;
}

void require_refused(const QfbWriter& writer, const std::string& fragment) {
  std::unique_ptr<Model> model;
  const Status status = load(writer, &model);
  INFO("status " << status.code << ": " << status.message);
  REQUIRE_FALSE(status.ok());
  REQUIRE(status.message.find(fragment) != std::string::npos);
}

template <typename T>
std::vector<uint8_t> bytes_of(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

std::vector<int8_t> random_input(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

template <typename Table>
fb::OpOptionsUnion options_of(Table t) {
  fb::OpOptionsUnion u;
  u.Set(std::move(t));
  return u;
}

QfbWriter batch_matmul_model(std::vector<int32_t> a, std::vector<int32_t> b, std::vector<int32_t> out,
                             bool transpose_b, fb::RequantRule rule = fb::RequantRule::FP32) {
  QfbWriter w;
  const int ta = w.add_tensor("a", fb::DType::INT8, a, {0.05f}, {-3});
  const int tb = w.add_tensor("b", fb::DType::INT8, b, {0.04f}, {8});
  const int to = w.add_tensor("out", fb::DType::INT8, out, {0.5f}, {1});
  fb::BatchMatMulOptionsT o;
  o.transpose_b = transpose_b;
  w.add_op(fb::OpType::BATCH_MATMUL, {ta, tb}, {to}, options_of(o), rule, "bmm");
  w.add_input(ta);
  w.add_input(tb);
  w.add_output(to);
  return w;
}

}  // namespace

TEST_CASE("transformer ops: BATCH_MATMUL Q*K^T through the interpreter equals the reference kernel",
          "[transformer_ops]") {
  for (fb::RequantRule rule : {fb::RequantRule::FP32, fb::RequantRule::FIXEDPOINT}) {
    const std::unique_ptr<Model> model = load_ok(batch_matmul_model({1, 4, 6, 8}, {1, 4, 5, 8}, {1, 4, 6, 5}, true, rule));
    Interpreter interpreter(*model, InterpreterOptions{1});
    REQUIRE(interpreter.prepare().ok());
    const std::vector<int8_t> a = random_input(4 * 6 * 8, 1), b = random_input(4 * 5 * 8, 2);
    std::memcpy(interpreter.input_buffer(0), a.data(), a.size());
    std::memcpy(interpreter.input_buffer(1), b.data(), b.size());
    REQUIRE(interpreter.invoke().ok());
    reference::BatchMatMulParams p;
    p.batch_rank = 2;
    p.batch_dims[0] = 1; p.batch_dims[1] = 4;
    p.a_batch_stride[1] = 6 * 8; p.b_batch_stride[1] = 5 * 8;
    p.m = 6; p.k = 8; p.n = 5; p.transpose_b = true;
    p.a_zero_point = -3; p.b_zero_point = 8; p.output_zero_point = 1;
    REQUIRE(reference::init_batch_matmul_requant(rule == fb::RequantRule::FP32 ? RequantRule::kFp32 : RequantRule::kFixedPoint,
                                                 0.05f, 0.04f, 0.5f, &p).empty());
    std::vector<int8_t> expected(4 * 6 * 5);
    reference::batch_matmul_s8(p, a.data(), b.data(), expected.data());
    REQUIRE(std::memcmp(interpreter.output_buffer(0), expected.data(), expected.size()) == 0);
  }
}

TEST_CASE("transformer ops: BATCH_MATMUL refuses mismatched K, bad broadcast and a wrong output shape",
          "[transformer_ops]") {
  require_refused(batch_matmul_model({2, 3, 4}, {2, 5, 6}, {2, 3, 6}, false), "has K = 4");
  require_refused(batch_matmul_model({2, 3, 4}, {3, 4, 6}, {2, 3, 6}, false), "do not broadcast");
  require_refused(batch_matmul_model({2, 3, 4}, {2, 4, 6}, {2, 3, 5}, false), "should have shape [2,3,6]");
  require_refused(batch_matmul_model({4}, {4, 6}, {6}, false), "rank >= 2");
  load_ok(batch_matmul_model({3, 4}, {2, 4, 6}, {2, 3, 6}, false));  // A broadcast over B's batch
}

namespace {

QfbWriter layer_norm_model(int depth, std::vector<float> gamma, std::vector<float> beta, float epsilon,
                           int gamma_length = -1) {
  QfbWriter w;
  const int in = w.add_tensor("x", fb::DType::INT8, {2, 3, depth}, {0.1f}, {5});
  const int g = w.add_constant("gamma", fb::DType::FLOAT32, {gamma_length < 0 ? depth : gamma_length}, bytes_of(gamma));
  const int b = beta.empty() ? -1 : w.add_constant("beta", fb::DType::FLOAT32, {depth}, bytes_of(beta));
  const int out = w.add_tensor("y", fb::DType::INT8, {2, 3, depth}, {0.03f}, {-2});
  fb::LayerNormOptionsT o;
  o.epsilon = epsilon;
  w.add_op(fb::OpType::LAYER_NORM, {in, g, b}, {out}, options_of(o), fb::RequantRule::FP32, "ln");
  w.add_input(in);
  w.add_output(out);
  return w;
}

}  // namespace

TEST_CASE("transformer ops: LAYER_NORM through the interpreter equals the reference kernel", "[transformer_ops]") {
  const int depth = 16;
  std::vector<float> gamma(depth), beta(depth);
  for (int i = 0; i < depth; ++i) { gamma[i] = 0.5f + 0.1f * i; beta[i] = 0.05f * i - 0.3f; }
  for (bool with_beta : {true, false}) {
    const std::unique_ptr<Model> model = load_ok(layer_norm_model(depth, gamma, with_beta ? beta : std::vector<float>{}, 1e-5f));
    Interpreter interpreter(*model, InterpreterOptions{1});
    REQUIRE(interpreter.prepare().ok());
    const std::vector<int8_t> x = random_input(6 * depth, 5);
    std::memcpy(interpreter.input_buffer(0), x.data(), x.size());
    REQUIRE(interpreter.invoke().ok());
    reference::LayerNormParams p;
    REQUIRE(reference::init_layer_norm_params(6, depth, 0.1f, 0.03f, -2, 1e-5f, gamma.data(),
                                              with_beta ? beta.data() : nullptr, &p).empty());
    std::vector<int8_t> expected(x.size());
    reference::layer_norm_s8(p, x.data(), expected.data());
    REQUIRE(std::memcmp(interpreter.output_buffer(0), expected.data(), expected.size()) == 0);
  }
  require_refused(layer_norm_model(depth, gamma, beta, 0.0f), "epsilon");
  // A huge input scale over a tiny epsilon would take a constant row to inf,
  // and a zero gamma to NaN: refused before any kernel runs.
  reference::LayerNormParams huge;
  CHECK_THAT(reference::init_layer_norm_params(6, depth, 3e37f, 0.03f, -2, 1e-30f, gamma.data(), beta.data(), &huge),
             Catch::Contains("out of float range"));
  CHECK(reference::init_layer_norm_params(6, depth, 3e20f, 0.03f, -2, 1e-30f, gamma.data(), beta.data(), &huge)
            .empty());
  require_refused(layer_norm_model(depth, std::vector<float>(depth + 1, 1.0f), beta, 1e-5f, depth + 1),
                  "gamma 'gamma' float32[17] should have shape [16]");
}

namespace {

QfbWriter gather_model(fb::DType table_dtype, int32_t axis = 0, fb::DType index_dtype = fb::DType::INT32) {
  QfbWriter w;
  const bool int8 = table_dtype == fb::DType::INT8;
  std::vector<uint8_t> table_bytes;
  if (int8) {
    for (int i = 0; i < 10 * 4; ++i) table_bytes.push_back(static_cast<uint8_t>(i * 3 - 60));
  } else {
    std::vector<float> f(10 * 4);
    for (int i = 0; i < 40; ++i) f[i] = 0.5f * i - 3.0f;
    table_bytes = bytes_of(f);
  }
  const std::vector<float> q = int8 ? std::vector<float>{0.2f} : std::vector<float>{};
  const std::vector<int32_t> zp = int8 ? std::vector<int32_t>{4} : std::vector<int32_t>{};
  const int table = w.add_constant("embedding", table_dtype, {10, 4}, table_bytes, q, zp);
  const int ids = w.add_tensor("ids", index_dtype, {1, 3});
  const int out = w.add_tensor("out", table_dtype, {1, 3, 4}, q, zp);
  fb::GatherOptionsT o;
  o.axis = axis;
  w.add_op(fb::OpType::GATHER, {table, ids}, {out}, options_of(o), fb::RequantRule::FP32, "embed");
  w.add_input(ids, index_dtype);
  w.add_output(out, table_dtype);
  return w;
}

}  // namespace

TEST_CASE("transformer ops: GATHER looks rows up; an index out of range fails invoke, naming it",
          "[transformer_ops]") {
  for (fb::DType dtype : {fb::DType::INT8, fb::DType::FLOAT32}) {
    const std::unique_ptr<Model> model = load_ok(gather_model(dtype));
    Interpreter interpreter(*model, InterpreterOptions{1});
    REQUIRE(interpreter.prepare().ok());
    const size_t element = dtype == fb::DType::INT8 ? 1 : 4;
    const uint8_t* table = model->tensors()[0].data;
    const std::vector<int32_t> ids = {9, 0, -2};
    std::memcpy(interpreter.input_buffer(0), ids.data(), 12);
    REQUIRE(interpreter.invoke().ok());
    for (int j = 0; j < 3; ++j) {
      const int row = ids[j] < 0 ? ids[j] + 10 : ids[j];
      REQUIRE(std::memcmp(interpreter.output_buffer(0) + j * 4 * element, table + row * 4 * element, 4 * element) == 0);
    }
    const std::vector<int32_t> bad = {1, 10, 2};
    std::memcpy(interpreter.input_buffer(0), bad.data(), 12);
    const Status status = interpreter.invoke();
    REQUIRE(status.code == QRT_INVALID_ARGUMENT);
    INFO(status.message);
    REQUIRE(status.message.find("'embed' (GATHER): index 10 at position 1 is outside [-10, 10)") != std::string::npos);
  }
  require_refused(gather_model(fb::DType::INT8, 2), "axis 2 out of range");
  require_refused(gather_model(fb::DType::INT8, 0, fb::DType::INT8), "must be int32");
}

TEST_CASE("transformer ops: ERF runs as a table of the quantized erf", "[transformer_ops]") {
  QfbWriter w;
  const int in = w.add_tensor("x", fb::DType::INT8, {256}, {0.02f}, {0});
  const int out = w.add_tensor("y", fb::DType::INT8, {256}, {1.0f / 128}, {0});
  w.add_op(fb::OpType::ERF, {in}, {out}, {}, fb::RequantRule::FP32, "erf");
  w.add_input(in);
  w.add_output(out);
  const std::unique_ptr<Model> model = load_ok(w);
  Interpreter interpreter(*model, InterpreterOptions{1});
  REQUIRE(interpreter.prepare().ok());
  for (int i = 0; i < 256; ++i) interpreter.input_buffer(0)[i] = static_cast<uint8_t>(i);
  REQUIRE(interpreter.invoke().ok());
  for (int i = 0; i < 256; ++i) {
    const int8_t x = static_cast<int8_t>(i);
    const double y = std::erf(0.02 * x) * 128.0;
    const double q = std::min(127.0, std::max(-128.0, std::nearbyint(y)));
    REQUIRE(std::fabs(static_cast<int8_t>(interpreter.output_buffer(0)[i]) - q) <= 1.0);
  }
}

TEST_CASE("transformer ops: SOFTMAX over the last axis of rank-4 attention scores", "[transformer_ops]") {
  QfbWriter w;
  const int in = w.add_tensor("scores", fb::DType::INT8, {1, 2, 3, 5}, {0.1f}, {0});
  const int out = w.add_tensor("probs", fb::DType::INT8, {1, 2, 3, 5}, {1.0f / 256}, {-128});
  fb::SoftmaxOptionsT o;
  w.add_op(fb::OpType::SOFTMAX, {in}, {out}, options_of(o), fb::RequantRule::FP32, "softmax");
  w.add_input(in);
  w.add_output(out);
  const std::unique_ptr<Model> model = load_ok(w);
  Interpreter interpreter(*model, InterpreterOptions{1});
  REQUIRE(interpreter.prepare().ok());
  const std::vector<int8_t> x = random_input(30, 9);
  std::memcpy(interpreter.input_buffer(0), x.data(), 30);
  REQUIRE(interpreter.invoke().ok());
  for (int row = 0; row < 6; ++row) {
    double sum = 0.0;
    for (int i = 0; i < 5; ++i) sum += std::exp(0.1 * x[row * 5 + i]);
    for (int i = 0; i < 5; ++i) {
      const double p = std::exp(0.1 * x[row * 5 + i]) / sum;
      const double q = std::min(127.0, std::nearbyint(p * 256.0) - 128);
      REQUIRE(std::fabs(static_cast<int8_t>(interpreter.output_buffer(0)[row * 5 + i]) - q) <= 1.0);
    }
  }
}

TEST_CASE("transformer ops: SOFTMAX split over 2 threads gives the 1-thread bytes, both rules",
          "[transformer_ops]") {
  // 4 heads x 64 x 64 scores: 16384 elements, enough for rows to be split.
  for (fb::RequantRule rule : {fb::RequantRule::FP32, fb::RequantRule::FIXEDPOINT}) {
    QfbWriter w;
    const int in = w.add_tensor("scores", fb::DType::INT8, {1, 4, 64, 64}, {0.1f}, {3});
    const int out = w.add_tensor("probs", fb::DType::INT8, {1, 4, 64, 64}, {1.0f / 256}, {-128});
    fb::SoftmaxOptionsT o;
    w.add_op(fb::OpType::SOFTMAX, {in}, {out}, options_of(o), rule, "softmax");
    w.add_input(in);
    w.add_output(out);
    const std::unique_ptr<Model> model = load_ok(w);
    const std::vector<int8_t> x = random_input(4 * 64 * 64, 21);
    std::vector<int8_t> results[2];
    for (int threads : {1, 2}) {
      Interpreter interpreter(*model, InterpreterOptions{threads});
      REQUIRE(interpreter.prepare().ok());
      std::memcpy(interpreter.input_buffer(0), x.data(), x.size());
      REQUIRE(interpreter.invoke().ok());
      const int8_t* y = reinterpret_cast<const int8_t*>(interpreter.output_buffer(0));
      results[threads - 1].assign(y, y + x.size());
    }
    // Not a constant output: the check can fail.
    REQUIRE(std::count(results[0].begin(), results[0].end(), results[0][0]) < static_cast<long>(x.size()));
    REQUIRE(results[1] == results[0]);
  }
}

TEST_CASE("elementwise ADD, MUL and RELU split over 2 threads give the 1-thread bytes", "[transformer_ops]") {
  // 64x64x24 = 98304 elements: enough for two ranges (parallel_elements.h);
  // 24 channels make the split fall inside a pixel.
  const std::vector<int32_t> shape = {1, 64, 64, 24};
  const size_t count = 64 * 64 * 24;
  for (fb::OpType type : {fb::OpType::ADD, fb::OpType::MUL, fb::OpType::RELU}) {
    QfbWriter w;
    const int a = w.add_tensor("a", fb::DType::INT8, shape, {0.05f}, {-3});
    const int b = w.add_tensor("b", fb::DType::INT8, shape, {0.04f}, {7});
    const int y = w.add_tensor("y", fb::DType::INT8, shape, {type == fb::OpType::MUL ? 0.3f : 0.06f}, {-128});
    const bool binary = type != fb::OpType::RELU;
    w.add_op(type, binary ? std::vector<int>{a, b} : std::vector<int>{a}, {y},
             binary ? options_of(fb::BinaryOptionsT{}) : fb::OpOptionsUnion{}, fb::RequantRule::FP32, "op");
    w.add_input(a);
    if (binary) w.add_input(b);
    w.add_output(y);
    const std::unique_ptr<Model> model = load_ok(w);
    const std::vector<int8_t> x1 = random_input(count, 31), x2 = random_input(count, 32);
    std::vector<int8_t> results[2];
    for (int threads : {1, 2}) {
      Interpreter interpreter(*model, InterpreterOptions{threads});
      REQUIRE(interpreter.prepare().ok());
      std::memcpy(interpreter.input_buffer(0), x1.data(), count);
      if (binary) std::memcpy(interpreter.input_buffer(1), x2.data(), count);
      REQUIRE(interpreter.invoke().ok());
      const int8_t* out = reinterpret_cast<const int8_t*>(interpreter.output_buffer(0));
      results[threads - 1].assign(out, out + count);
    }
    INFO(fb::EnumNameOpType(type));
    REQUIRE(std::count(results[0].begin(), results[0].end(), results[0][0]) < static_cast<long>(count));
    REQUIRE(results[1] == results[0]);
  }
}

// ---- float32 forms (mixed precision: qconvert --keep-float on a transformer) ----

namespace {

std::vector<float> random_reals(size_t n, uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<float> run_f32(const Model& model, const std::vector<std::vector<float>>& inputs, std::string* kernel) {
  Interpreter interpreter(model, InterpreterOptions{1});
  const Status status = interpreter.prepare();
  INFO(status.message);
  REQUIRE(status.ok());
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::memcpy(interpreter.input_buffer(i), inputs[i].data(), inputs[i].size() * sizeof(float));
  }
  REQUIRE(interpreter.invoke().ok());
  *kernel = interpreter.prepared_op(0).kernel_name();
  const size_t count = model.tensors()[model.outputs()[0].tensor].element_count;
  const float* y = reinterpret_cast<const float*>(interpreter.output_buffer(0));
  return std::vector<float>(y, y + count);
}

}  // namespace

TEST_CASE("transformer ops: float32 BATCH_MATMUL with broadcast batches equals a double-precision product",
          "[transformer_ops]") {
  // A [2, 3, 4, 5] x B^T with B [3, 6, 5] (broadcast over the first batch dim).
  QfbWriter w;
  const int ta = w.add_tensor("a", fb::DType::FLOAT32, {2, 3, 4, 5});
  const int tb = w.add_tensor("b", fb::DType::FLOAT32, {3, 6, 5});
  const int to = w.add_tensor("out", fb::DType::FLOAT32, {2, 3, 4, 6});
  fb::BatchMatMulOptionsT o;
  o.transpose_b = true;
  w.add_op(fb::OpType::BATCH_MATMUL, {ta, tb}, {to}, options_of(o), fb::RequantRule::FP32, "bmm");
  w.add_input(ta, fb::DType::FLOAT32);
  w.add_input(tb, fb::DType::FLOAT32);
  w.add_output(to, fb::DType::FLOAT32);
  const std::unique_ptr<Model> model = load_ok(w);
  const std::vector<float> a = random_reals(2 * 3 * 4 * 5, 21), b = random_reals(3 * 6 * 5, 22);
  std::string kernel;
  const std::vector<float> y = run_f32(*model, {a, b}, &kernel);
  CHECK(kernel == "batch_matmul_f32_reference");
  REQUIRE(y.size() == 2 * 3 * 4 * 6);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int m = 0; m < 4; ++m)
        for (int n = 0; n < 6; ++n) {
          double exact = 0.0, magnitude = 0.0;
          for (int k = 0; k < 5; ++k) {
            const double term = double(a[((i * 3 + j) * 4 + m) * 5 + k]) * b[(j * 6 + n) * 5 + k];
            exact += term;
            magnitude += std::fabs(term);
          }
          // The float32 tolerance (kernels/README.md) of 5 terms.
          CHECK(std::fabs(y[((i * 3 + j) * 4 + m) * 6 + n] - exact) <= 7 * std::ldexp(1.0, -24) * magnitude);
        }
  // A float32 op fed an int8 tensor is refused, naming it.
  QfbWriter mixed;
  const int ma = mixed.add_tensor("a", fb::DType::FLOAT32, {4, 5});
  const int mb = mixed.add_tensor("b8", fb::DType::INT8, {5, 6}, {0.1f}, {0});
  const int mo = mixed.add_tensor("out", fb::DType::FLOAT32, {4, 6});
  mixed.add_op(fb::OpType::BATCH_MATMUL, {ma, mb}, {mo}, options_of(fb::BatchMatMulOptionsT{}), fb::RequantRule::FP32,
               "bmm");
  mixed.add_input(ma, fb::DType::FLOAT32);
  mixed.add_input(mb);
  mixed.add_output(mo, fb::DType::FLOAT32);
  require_refused(mixed, "input B 'b8'");
}

TEST_CASE("transformer ops: float32 LAYER_NORM normalizes each row and applies gamma and beta",
          "[transformer_ops]") {
  const int depth = 12, rows = 5;
  const std::vector<float> gamma = random_reals(depth, 31, 0.5f, 1.5f), beta = random_reals(depth, 32);
  QfbWriter w;
  const int x = w.add_tensor("x", fb::DType::FLOAT32, {1, rows, depth});
  const int g = w.add_constant("gamma", fb::DType::FLOAT32, {depth}, bytes_of(gamma));
  const int bt = w.add_constant("beta", fb::DType::FLOAT32, {depth}, bytes_of(beta));
  const int y = w.add_tensor("y", fb::DType::FLOAT32, {1, rows, depth});
  fb::LayerNormOptionsT o;
  o.epsilon = 1e-5f;
  w.add_op(fb::OpType::LAYER_NORM, {x, g, bt}, {y}, options_of(o), fb::RequantRule::FP32, "ln");
  w.add_input(x, fb::DType::FLOAT32);
  w.add_output(y, fb::DType::FLOAT32);
  const std::unique_ptr<Model> model = load_ok(w);
  const std::vector<float> in = random_reals(rows * depth, 33, -3.0f, 5.0f);
  std::string kernel;
  const std::vector<float> got = run_f32(*model, {in}, &kernel);
  CHECK(kernel == "layer_norm_f32_reference");
  for (int r = 0; r < rows; ++r) {
    // Independent form: var = E[x^2] - E[x]^2 in long double.
    long double s = 0, s2 = 0;
    for (int i = 0; i < depth; ++i) {
      const long double v = in[r * depth + i];
      s += v;
      s2 += v * v;
    }
    const long double mean = s / depth, var = s2 / depth - mean * mean;
    for (int i = 0; i < depth; ++i) {
      const double want = double((in[r * depth + i] - mean) / std::sqrt(var + 1e-5L) * gamma[i] + beta[i]);
      CHECK(std::fabs(got[r * depth + i] - want) <= 1e-6 * (1.0 + std::fabs(want)));
    }
  }
  // gamma must be float32 constant values that are finite.
  std::vector<float> bad = gamma;
  bad[3] = NAN;
  QfbWriter wb;
  const int bx = wb.add_tensor("x", fb::DType::FLOAT32, {2, depth});
  const int bg = wb.add_constant("gamma", fb::DType::FLOAT32, {depth}, bytes_of(bad));
  const int by = wb.add_tensor("y", fb::DType::FLOAT32, {2, depth});
  wb.add_op(fb::OpType::LAYER_NORM, {bx, bg}, {by}, options_of(o), fb::RequantRule::FP32, "ln");
  wb.add_input(bx, fb::DType::FLOAT32);
  wb.add_output(by, fb::DType::FLOAT32);
  require_refused(wb, "not finite");
}

TEST_CASE("transformer ops: float32 ERF is erf rounded to float32", "[transformer_ops]") {
  QfbWriter w;
  const int x = w.add_tensor("x", fb::DType::FLOAT32, {3, 7});
  const int y = w.add_tensor("y", fb::DType::FLOAT32, {3, 7});
  w.add_op(fb::OpType::ERF, {x}, {y}, {}, fb::RequantRule::FP32, "erf");
  w.add_input(x, fb::DType::FLOAT32);
  w.add_output(y, fb::DType::FLOAT32);
  const std::unique_ptr<Model> model = load_ok(w);
  const std::vector<float> in = random_reals(21, 41, -3.0f, 3.0f);
  std::string kernel;
  const std::vector<float> got = run_f32(*model, {in}, &kernel);
  CHECK(kernel == "unary_f32_reference");
  for (size_t i = 0; i < in.size(); ++i) CHECK(got[i] == static_cast<float>(std::erf(double(in[i]))));
}

namespace {

struct BatchMatMulCase {
  std::vector<int32_t> a, b, out;
  bool transpose_b;
  float a_scale, b_scale, out_scale;
  int32_t a_zp, b_zp, out_zp;
};

// Output bytes and the kernel name of one BATCH_MATMUL model on `isa`.
std::pair<std::vector<int8_t>, std::string> run_batch_matmul(const Model& model, const std::string& isa, int threads,
                                                             const std::vector<int8_t>& a,
                                                             const std::vector<int8_t>& b) {
  Interpreter interpreter(model, InterpreterOptions{threads, isa});
  const Status status = interpreter.prepare();
  INFO(isa << ": " << status.message);
  REQUIRE(status.ok());
  std::memcpy(interpreter.input_buffer(0), a.data(), a.size());
  std::memcpy(interpreter.input_buffer(1), b.data(), b.size());
  REQUIRE(interpreter.invoke().ok());
  const TensorDesc& out = model.tensors()[model.outputs()[0].tensor];
  const int8_t* data = reinterpret_cast<const int8_t*>(interpreter.output_buffer(0));
  return {std::vector<int8_t>(data, data + out.byte_size), interpreter.prepared_op(0).kernel_name()};
}

size_t element_count(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

}  // namespace

TEST_CASE("transformer ops: BATCH_MATMUL on every ISA's packed GEMM gives the reference bytes, 1 and 2 threads",
          "[transformer_ops][isa]") {
  const std::vector<BatchMatMulCase> cases = {
      {{1, 4, 6, 8}, {1, 4, 5, 8}, {1, 4, 6, 5}, true, 0.05f, 0.04f, 0.5f, -3, 8, 1},             // Q * K^T
      {{2, 3, 9, 7}, {2, 3, 7, 10}, {2, 3, 9, 10}, false, 0.02f, 0.03f, 0.0007f, -128, 127, 127},  // P * V
      {{3, 1, 5, 4}, {2, 4, 6}, {3, 2, 5, 6}, false, 0.1f, 0.2f, 0.3f, 127, -128, -128},  // both broadcast
      {{5, 4}, {3, 6, 4}, {3, 5, 6}, true, 1e-6f, 1e-6f, 10.0f, 0, 0, 0},                // A shared, tiny scale
      {{3, 5, 4}, {4, 6}, {3, 5, 6}, false, 1e10f, 1e10f, 1e-10f, 5, -9, 3},             // B shared, huge scale
      {{2, 7, 1}, {2, 1, 9}, {2, 7, 9}, false, 0.5f, 0.25f, 0.2f, 127, 127, -128},       // K = 1
      {{2, 33, 17}, {2, 19, 17}, {2, 33, 19}, true, 0.011f, 0.017f, 0.09f, -20, 31, 7},  // rows over 2 threads
  };
  const char* const isas[] = {"avx512vnni", "avxvnni", "avx2", "sse41", "i8mm", "neondot", "neon"};
  std::mt19937 rng(17);
  int forced = 0;
  std::string why;
  for (const BatchMatMulCase& c : cases) {
    for (fb::RequantRule rule : {fb::RequantRule::FP32, fb::RequantRule::FIXEDPOINT}) {
      QfbWriter w;
      const int ta = w.add_tensor("a", fb::DType::INT8, c.a, {c.a_scale}, {c.a_zp});
      const int tb = w.add_tensor("b", fb::DType::INT8, c.b, {c.b_scale}, {c.b_zp});
      const int to = w.add_tensor("out", fb::DType::INT8, c.out, {c.out_scale}, {c.out_zp});
      fb::BatchMatMulOptionsT o;
      o.transpose_b = c.transpose_b;
      w.add_op(fb::OpType::BATCH_MATMUL, {ta, tb}, {to}, options_of(o), rule, "bmm");
      w.add_input(ta);
      w.add_input(tb);
      w.add_output(to);
      std::unique_ptr<Model> model;
      const std::vector<uint8_t> bytes = w.serialize();
      if (!Model::load_buffer(bytes.data(), bytes.size(), true, &model).ok()) {
        // Only fixedpoint with a ratio >= 1 (the huge-scale case) is refused.
        REQUIRE(rule == fb::RequantRule::FIXEDPOINT);
        REQUIRE(double(c.a_scale) * c.b_scale / c.out_scale >= 1.0);
        continue;
      }
      const std::vector<int8_t> a = random_input(element_count(c.a), rng());
      const std::vector<int8_t> b = random_input(element_count(c.b), rng());
      const auto reference = run_batch_matmul(*model, "reference", 1, a, b);
      REQUIRE(reference.second == "batch_matmul_s8_reference");
      for (const char* isa : isas) {
        const KernelTable* table = find_kernel_table(isa, &why);
        if (table == nullptr) continue;
        ++forced;
        INFO(isa << " rule " << fb::EnumNameRequantRule(rule) << " a " << element_count(c.a) << " b "
                 << element_count(c.b));
        for (int threads : {1, 2}) {
          const auto got = run_batch_matmul(*model, isa, threads, a, b);
          REQUIRE(got.first == reference.first);
          if (table->gemm.run != nullptr && table->gemm.pack == &gemm_pack) REQUIRE(got.second == table->gemm.name);
        }
      }
    }
  }
  if (forced == 0) WARN("skipped: " << why);
}
