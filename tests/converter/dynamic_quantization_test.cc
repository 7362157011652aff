// Dynamic quantization in the converter:
//  - qconvert --dynamic on the digits fixture (a float ONNX CNN): Gemm weights
//    int8, activations float32; held-out accuracy within 2 points of float;
//  - ONNX graphs that quantize at run time, built here with the onnx protobuf
//    API (onnxruntime is not installed on Debian 12, so
//    onnxruntime.quantization.quantize_dynamic cannot make them): the
//    DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul -> Add chain that
//    quantize_dynamic writes, and com.microsoft DynamicQuantizeMatMul, import
//    to DYNAMIC_FULLY_CONNECTED and give exactly the values of the ONNX
//    definitions computed here by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "converter/calibration/dynamic_quantization.h"
#include "converter/onnx/onnx_importer.h"
#include "onnx/onnx_pb.h"
#include "runtime/tools/npy.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

fs::path digits_dir() { return fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "digits"; }

double recorded_float_accuracy() {
  std::ifstream f(digits_dir() / "float_accuracy.json");
  std::stringstream text;
  text << f.rdbuf();
  const std::string json = text.str();
  const size_t key = json.find("\"float_accuracy\":");
  REQUIRE(key != std::string::npos);
  return std::stod(json.substr(key + 17));
}

tools::NpyArray npy(const std::string& name) {
  tools::NpyArray a;
  std::string error;
  const bool ok = tools::read_npy((digits_dir() / name).string(), &a, &error);
  INFO(error);
  REQUIRE(ok);
  return a;
}

double heldout_accuracy(const std::vector<uint8_t>& qfb) {
  const tools::NpyArray pixels = npy("heldout_pixels.npy");
  const tools::NpyArray labels = npy("heldout_labels.npy");
  size_t correct = 0;
  for (size_t k = 0; k < labels.data.size(); ++k) {
    std::vector<float> image(64);
    for (size_t e = 0; e < 64; ++e) image[e] = pixels.data[k * 64 + e] / 16.0f;
    std::vector<uint8_t> bytes(64 * sizeof(float));
    std::memcpy(bytes.data(), image.data(), bytes.size());
    const std::vector<uint8_t> out = onnx_test::run_qfb(qfb, {bytes})[0];
    REQUIRE(out.size() == 10 * sizeof(float));
    float scores[10];
    std::memcpy(scores, out.data(), sizeof(scores));
    size_t best = 0;
    for (size_t c = 1; c < 10; ++c) best = scores[c] > scores[best] ? c : best;
    correct += best == static_cast<size_t>(labels.data[k]);
  }
  return static_cast<double>(correct) / static_cast<double>(labels.data.size());
}

TEST_CASE("qconvert --dynamic: digits keeps held-out accuracy within 2 points of float", "[dynamic]") {
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((digits_dir() / "model.onnx").string());
  REQUIRE(!onnx.empty());
  ImportSummary summary;
  ImportOptions options;
  options.dynamic_quantization = true;
  const std::vector<uint8_t> qfb = import_onnx_dynamic(onnx.data(), onnx.size(), options, OnnxLoadOptions{}, &summary);
  REQUIRE(summary.op_counts.count("DYNAMIC_FULLY_CONNECTED"));
  CHECK_FALSE(summary.op_counts.count("FULLY_CONNECTED"));  // every Gemm became dynamic
  const double float_accuracy = recorded_float_accuracy();
  const double accuracy = heldout_accuracy(qfb);
  WARN("digits --dynamic: held-out accuracy " << accuracy << ", float " << float_accuracy << ", size " << onnx.size()
                                              << " -> " << qfb.size() << " bytes");
  CHECK(float_accuracy > 0.95);
  CHECK(accuracy >= float_accuracy - 0.02);
}

// ---- ONNX graphs built here ----

void add_value(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

void add_floats(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float x : v) t->add_float_data(x);
}

void add_bytes(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, bool is_unsigned,
               const std::vector<int>& v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(is_unsigned ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8);
  for (int64_t d : dims) t->add_dims(d);
  for (int x : v) t->add_int32_data(x);
}

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& type, const std::string& name,
                          std::vector<std::string> inputs, std::vector<std::string> outputs) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(type);
  n->set_name(name);
  for (const std::string& in : inputs) n->add_input(in);
  for (const std::string& out : outputs) n->add_output(out);
  return n;
}

constexpr int kBatch = 3, kDepth = 7, kUnits = 5;

struct Weights {
  bool is_unsigned;
  std::vector<int> q;      // [K][N]
  std::vector<int> zp;     // 1 or N
  std::vector<float> scale;  // 1 or N
  std::vector<float> bias;   // N
};

Weights make_weights(bool is_unsigned, bool per_column, uint32_t seed) {
  std::mt19937 rng(seed);
  Weights w{is_unsigned, {}, {}, {}, {}};
  for (int i = 0; i < kDepth * kUnits; ++i) w.q.push_back(is_unsigned ? static_cast<int>(rng() % 256) : static_cast<int>(rng() % 256) - 128);
  const int columns = per_column ? kUnits : 1;
  for (int c = 0; c < columns; ++c) {
    w.zp.push_back(is_unsigned ? 128 : 0);  // exact in int8: value - zero point fits
    w.scale.push_back(0.01f + 0.003f * static_cast<float>(c));
  }
  for (int c = 0; c < kUnits; ++c) w.bias.push_back(0.1f * static_cast<float>(c) - 0.2f);
  return w;
}

std::vector<uint8_t> serialize(onnx::ModelProto& m) {
  std::string s;
  m.SerializeToString(&s);
  return std::vector<uint8_t>(s.begin(), s.end());
}

onnx::ModelProto model_frame(onnx::GraphProto** g) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  *g = m.mutable_graph();
  add_value((*g)->add_input(), "x", {kBatch, kDepth});
  add_value((*g)->add_output(), "y", {kBatch, kUnits});
  return m;
}

void add_weights(onnx::GraphProto* g, const Weights& w) {
  const auto dims = [](size_t n) { return n == 1 ? std::vector<int64_t>{} : std::vector<int64_t>{static_cast<int64_t>(n)}; };
  add_bytes(g, "B", {kDepth, kUnits}, w.is_unsigned, w.q);
  add_bytes(g, "B_zp", dims(w.zp.size()), w.is_unsigned, w.zp);
  add_floats(g, "B_scale", dims(w.scale.size()), w.scale);
  add_floats(g, "bias", {kUnits}, w.bias);
}

// What onnxruntime.quantization.quantize_dynamic writes for MatMul + Add.
std::vector<uint8_t> matmul_integer_model(const Weights& w) {
  onnx::GraphProto* g;
  onnx::ModelProto m = model_frame(&g);
  add_weights(g, w);
  add_node(g, "DynamicQuantizeLinear", "x_quant", {"x"}, {"x_q", "x_scale", "x_zp"});
  add_node(g, "MatMulInteger", "matmul", {"x_q", "B", "x_zp", "B_zp"}, {"acc"});
  add_node(g, "Cast", "cast", {"acc"}, {"acc_f"})->add_attribute()->CopyFrom([] {
    onnx::AttributeProto a;
    a.set_name("to");
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(onnx::TensorProto::FLOAT);
    return a;
  }());
  add_node(g, "Mul", "scales", {"x_scale", "B_scale"}, {"scale"});
  add_node(g, "Mul", "dequant", {"acc_f", "scale"}, {"mm"});
  add_node(g, "Add", "add_bias", {"mm", "bias"}, {"y"});
  return serialize(m);
}

std::vector<uint8_t> dynamic_quantize_matmul_model(const Weights& w) {
  onnx::GraphProto* g;
  onnx::ModelProto m = model_frame(&g);
  m.add_opset_import()->set_domain("com.microsoft");
  m.mutable_opset_import(1)->set_version(1);
  add_weights(g, w);
  add_node(g, "DynamicQuantizeMatMul", "dqmm", {"x", "B", "B_scale", "B_zp", "bias"}, {"y"})
      ->set_domain("com.microsoft");
  return serialize(m);
}

float round_half_even(float v) {
  const float f = std::floor(v);
  if (v - f > 0.5f) return f + 1.0f;
  if (v - f < 0.5f) return f;
  return std::fmod(f, 2.0f) == 0.0f ? f : f + 1.0f;
}

// The ONNX definitions, step by step, in float32 where ONNX computes in float32.
std::vector<float> onnx_oracle(const std::vector<float>& x, const Weights& w) {
  float lo = 0.0f, hi = 0.0f;
  for (float v : x) lo = std::min(lo, v), hi = std::max(hi, v);
  const float x_scale = (hi - lo) / 255.0f;
  const float x_zp = round_half_even(std::min(255.0f, std::max(0.0f, 0.0f - lo / x_scale)));
  std::vector<int> xq;
  for (float v : x) xq.push_back(static_cast<int>(std::min(255.0f, std::max(0.0f, round_half_even(v / x_scale) + x_zp))));
  std::vector<float> y;
  for (int b = 0; b < kBatch; ++b) {
    for (int n = 0; n < kUnits; ++n) {
      int64_t acc = 0;
      const int zp = w.zp[w.zp.size() == 1 ? 0 : n];
      for (int k = 0; k < kDepth; ++k) acc += int64_t{xq[b * kDepth + k] - static_cast<int>(x_zp)} * (w.q[k * kUnits + n] - zp);
      const float scale = x_scale * w.scale[w.scale.size() == 1 ? 0 : n];
      y.push_back(static_cast<float>(acc) * scale + w.bias[n]);
    }
  }
  return y;
}

std::vector<float> run(const std::vector<uint8_t>& qfb, const std::vector<float>& x) {
  std::vector<uint8_t> bytes(x.size() * sizeof(float));
  std::memcpy(bytes.data(), x.data(), bytes.size());
  const std::vector<uint8_t> out = onnx_test::run_qfb(qfb, {bytes})[0];
  std::vector<float> y(out.size() / sizeof(float));
  std::memcpy(y.data(), out.data(), out.size());
  return y;
}

std::vector<float> input_values(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.5f, 2.5f);
  std::vector<float> x(kBatch * kDepth);
  for (float& v : x) v = d(rng);
  return x;
}

TEST_CASE("ONNX dynamic quantization graphs import to DYNAMIC_FULLY_CONNECTED and match ONNX exactly", "[dynamic]") {
  for (const bool is_unsigned : {false, true}) {
    for (const bool per_column : {false, true}) {
      for (const bool contrib : {false, true}) {
        INFO((is_unsigned ? "uint8" : "int8") << " weights, " << (per_column ? "per column" : "per tensor") << ", "
                                             << (contrib ? "DynamicQuantizeMatMul" : "DQL + MatMulInteger"));
        const Weights w = make_weights(is_unsigned, per_column, 5 + is_unsigned + 2 * per_column);
        const std::vector<uint8_t> onnx = contrib ? dynamic_quantize_matmul_model(w) : matmul_integer_model(w);
        ImportSummary summary;
        const std::vector<uint8_t> qfb = import_onnx(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, &summary);
        REQUIRE(summary.op_counts.size() == 1);  // the whole chain, bias included, is one op
        REQUIRE(summary.op_counts.count("DYNAMIC_FULLY_CONNECTED"));
        for (uint32_t seed : {1u, 2u, 3u}) {
          const std::vector<float> x = input_values(seed);
          REQUIRE(run(qfb, x) == onnx_oracle(x, w));
        }
      }
    }
  }
}

TEST_CASE("ONNX dynamic quantization: bad weight scales and shapes are refused by name", "[dynamic]") {
  Weights w = make_weights(false, true, 9);
  w.scale[2] = 0.0f;
  const std::vector<uint8_t> zero_scale = dynamic_quantize_matmul_model(w);
  CHECK_THROWS_WITH(import_onnx(zero_scale.data(), zero_scale.size(), ImportOptions{}, OnnxLoadOptions{}),
                    Catch::Contains("finite and positive"));
  w = make_weights(false, true, 9);
  w.scale.pop_back();
  w.zp.pop_back();
  const std::vector<uint8_t> short_scale = dynamic_quantize_matmul_model(w);
  CHECK_THROWS_WITH(import_onnx(short_scale.data(), short_scale.size(), ImportOptions{}, OnnxLoadOptions{}),
                    Catch::Contains("output columns"));
  // float B, and B given as an activation (the graph input), named in the error.
  for (const bool activation_b : {false, true}) {
    onnx::GraphProto* g;
    onnx::ModelProto m = model_frame(&g);
    m.add_opset_import()->set_domain("com.microsoft");
    m.mutable_opset_import(1)->set_version(1);
    add_floats(g, "B", {kDepth, kUnits}, std::vector<float>(kDepth * kUnits, 0.5f));
    add_floats(g, "B_scale", {}, {0.1f});
    add_node(g, "DynamicQuantizeMatMul", "dqmm", {"x", activation_b ? "x" : "B", "B_scale"}, {"y"})
        ->set_domain("com.microsoft");
    const std::vector<uint8_t> bytes = serialize(m);
    CHECK_THROWS_WITH(import_onnx(bytes.data(), bytes.size(), ImportOptions{}, OnnxLoadOptions{}),
                      Catch::Contains("dqmm") && Catch::Contains(activation_b ? "must be constants" : "int8 or uint8"));
  }
}

TEST_CASE("qconvert --dynamic on a float MatMul -> Add -> Relu model: one op, within the quantization bound",
          "[dynamic]") {
  onnx::GraphProto* g;
  onnx::ModelProto m = model_frame(&g);
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> b(kDepth * kUnits);
  for (float& v : b) v = d(rng);
  const std::vector<float> bias = {0.5f, -0.25f, 0.0f, 1.0f, -2.0f};
  add_floats(g, "W", {kDepth, kUnits}, b);
  add_floats(g, "bias", {kUnits}, bias);
  add_node(g, "MatMul", "mm", {"x", "W"}, {"h"});
  add_node(g, "Add", "add", {"bias", "h"}, {"hb"});
  add_node(g, "Relu", "relu", {"hb"}, {"y"});
  const std::vector<uint8_t> onnx = serialize(m);
  ImportOptions options;
  options.dynamic_quantization = true;
  ImportSummary summary;
  const std::vector<uint8_t> qfb = import_onnx_dynamic(onnx.data(), onnx.size(), options, OnnxLoadOptions{}, &summary);
  REQUIRE(summary.op_counts == std::map<std::string, int>{{"DYNAMIC_FULLY_CONNECTED", 1}});  // Add and Relu fused
  const std::vector<float> x = input_values(8);
  const std::vector<float> y = run(qfb, x);
  float x_range = 0.0f;
  for (float v : x) x_range = std::max(x_range, std::fabs(v));
  for (int i = 0; i < kBatch; ++i) {
    for (int n = 0; n < kUnits; ++n) {
      double exact = bias[n], w_peak = 0.0, w_sum = 0.0, x_sum = 0.0;
      for (int k = 0; k < kDepth; ++k) {
        exact += double{x[i * kDepth + k]} * b[k * kUnits + n];
        w_peak = std::max(w_peak, std::fabs(double{b[k * kUnits + n]}));
        w_sum += std::fabs(b[k * kUnits + n]);
        x_sum += std::fabs(x[i * kDepth + k]);
      }
      // Input error <= x_scale / 2 per value (x_scale <= 2 * max|x| / 255), weight error <= w_scale / 2.
      const double bound = w_sum * (2.0 * x_range / 255.0) / 2.0 + x_sum * (w_peak / 127.0) / 2.0 + 1e-4;
      REQUIRE(y[i * kUnits + n] >= 0.0f);
      REQUIRE(std::fabs(y[i * kUnits + n] - std::max(exact, 0.0)) <= bound * 1.01);
    }
  }
}

}  // namespace
}  // namespace qrt::convert

namespace qrt::convert {
namespace {

TEST_CASE("ONNX dynamic quantization: asymmetric uint8 weights are re-quantized, with a note", "[dynamic]") {
  Weights w = make_weights(true, true, 21);
  for (int& z : w.zp) z = 90;  // q - 90 spans [-90, 165]: no exact int8 form
  const std::vector<uint8_t> onnx = matmul_integer_model(w);
  ImportSummary summary;
  const std::vector<uint8_t> qfb = import_onnx(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, &summary);
  bool noted = false;
  for (const std::string& note : summary.notes) noted = noted || note.find("re-quantized") != std::string::npos;
  CHECK(noted);
  REQUIRE(summary.op_counts.count("DYNAMIC_FULLY_CONNECTED"));
  const std::vector<float> x = input_values(4);
  const std::vector<float> want = onnx_oracle(x, w), got = run(qfb, x);
  REQUIRE(got.size() == want.size());
  float x_peak = 0.0f;
  for (float v : x) x_peak = std::max(x_peak, std::fabs(v));
  for (int n = 0; n < kUnits; ++n) {
    // Each weight moves by at most half its new scale (max |real weight| / 127 / 2).
    double peak = 0.0;
    for (int k = 0; k < kDepth; ++k) peak = std::max(peak, std::fabs((w.q[k * kUnits + n] - 90) * double{w.scale[n]}));
    const double bound = kDepth * (peak / 254.0) * (x_peak + 4.0 / 255.0) + 1e-4;
    for (int b = 0; b < kBatch; ++b) REQUIRE(std::fabs(got[b * kUnits + n] - want[b * kUnits + n]) <= bound);
  }
}

TEST_CASE("ONNX dynamic quantization: one DynamicQuantizeLinear shared by two MatMulIntegers", "[dynamic]") {
  const Weights w = make_weights(false, false, 31);
  onnx::GraphProto* g;
  onnx::ModelProto m = model_frame(&g);
  add_value(g->add_output(), "y2", {kBatch, kUnits});
  add_weights(g, w);
  onnx::AttributeProto to_float;
  to_float.set_name("to");
  to_float.set_type(onnx::AttributeProto::INT);
  to_float.set_i(onnx::TensorProto::FLOAT);
  add_node(g, "DynamicQuantizeLinear", "x_quant", {"x"}, {"x_q", "x_scale", "x_zp"});
  add_node(g, "Mul", "scales", {"B_scale", "x_scale"}, {"scale"});  // operands in the other order
  for (const std::string s : {"1", "2"}) {
    add_node(g, "MatMulInteger", "matmul" + s, {"x_q", "B", "x_zp", "B_zp"}, {"acc" + s});
    add_node(g, "Cast", "cast" + s, {"acc" + s}, {"acc_f" + s})->add_attribute()->CopyFrom(to_float);
  }
  add_node(g, "Mul", "dequant1", {"acc_f1", "scale"}, {"mm"});
  add_node(g, "Add", "add_bias", {"bias", "mm"}, {"y"});
  add_node(g, "Mul", "dequant2", {"scale", "acc_f2"}, {"y2"});
  const std::vector<uint8_t> onnx = serialize(m);
  ImportSummary summary;
  const std::vector<uint8_t> qfb = import_onnx(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, &summary);
  REQUIRE(summary.op_counts == std::map<std::string, int>{{"DYNAMIC_FULLY_CONNECTED", 2}});
  const std::vector<float> x = input_values(6);
  std::vector<uint8_t> bytes(x.size() * sizeof(float));
  std::memcpy(bytes.data(), x.data(), bytes.size());
  const std::vector<std::vector<uint8_t>> outs = onnx_test::run_qfb(qfb, {bytes});
  REQUIRE(outs.size() == 2);
  std::vector<float> y1(kBatch * kUnits), y2(kBatch * kUnits);
  std::memcpy(y1.data(), outs[0].data(), outs[0].size());
  std::memcpy(y2.data(), outs[1].data(), outs[1].size());
  REQUIRE(y1 == onnx_oracle(x, w));
  Weights no_bias = w;
  for (float& b : no_bias.bias) b = 0.0f;
  const std::vector<float> want2 = onnx_oracle(x, no_bias);  // acc * scale + 0 is acc * scale exactly
  REQUIRE(y2 == want2);
}

}  // namespace
}  // namespace qrt::convert
