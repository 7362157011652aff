// qconvert --weights int4 on small ONNX models built with the protobuf API:
//  - a 1x1 Conv (64 -> 6) + Relu becomes one FULLY_CONNECTED_W4 over the
//    NHWC pixels (keep_dims), equal to the dequantized-int4 convolution
//    within float rounding; a strided 1x1 Conv stays a float32 CONV_2D;
//  - a MatMul with B [K, N] (transposed to [N, K] by the lowering) on a
//    rank-3 input gives the dequantized-int4 product, shape kept.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "converter/calibration/int4_weights.h"
#include "converter/calibration/onnx_static_ptq.h"
#include "onnx/onnx_pb.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

void add_value(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

void add_initializer(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims,
                     const std::vector<float>& v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float x : v) t->add_float_data(x);
}

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& type, const std::string& name,
                          std::vector<std::string> inputs, const std::string& output) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(type);
  n->set_name(name);
  for (const std::string& in : inputs) n->add_input(in);
  n->add_output(output);
  return n;
}

std::vector<float> normal_values(size_t count, uint32_t seed, float sigma) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, sigma);
  std::vector<float> v(count);
  for (float& x : v) x = d(rng);
  return v;
}

constexpr int kC = 64, kO = 6, kH = 3, kW = 3;

std::vector<uint8_t> conv_model(const std::vector<float>& w, const std::vector<float>& b, int stride) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  const int out = (kH - 1) / stride + 1;
  add_value(g->add_input(), "x", {1, kC, kH, kW});
  add_value(g->add_output(), "y", {1, kO, out, out});
  add_initializer(g, "w", {kO, kC, 1, 1}, w);
  add_initializer(g, "b", {kO}, b);
  onnx::NodeProto* conv = add_node(g, "Conv", "pw", {"x", "w", "b"}, "c");
  onnx::AttributeProto* strides = conv->add_attribute();
  strides->set_name("strides");
  strides->set_type(onnx::AttributeProto::INTS);
  strides->add_ints(stride);
  strides->add_ints(stride);
  add_node(g, "Relu", "relu", {"c"}, "y");
  std::string s;
  m.SerializeToString(&s);
  return std::vector<uint8_t>(s.begin(), s.end());
}

std::vector<uint8_t> convert(const std::vector<uint8_t>& onnx, int group, ImportSummary* summary) {
  PtqOptions ptq;
  ptq.random_calibration = true;
  ptq.quantize.keep_float = {kKeepAllFloat};
  ptq.quantize.int4_weights = true;
  ptq.quantize.int4_group_size = group;
  return import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq, summary);
}

std::vector<float> run(const std::vector<uint8_t>& qfb, const std::vector<float>& x) {
  std::vector<uint8_t> bytes(x.size() * sizeof(float));
  std::memcpy(bytes.data(), x.data(), bytes.size());
  const std::vector<uint8_t> out = onnx_test::run_qfb(qfb, {bytes}).at(0);
  std::vector<float> y(out.size() / sizeof(float));
  std::memcpy(y.data(), out.data(), out.size());
  return y;
}

TEST_CASE("qconvert --weights int4: a 1x1 convolution runs as FULLY_CONNECTED_W4 over the pixels", "[int4]") {
  const std::vector<float> w = normal_values(kO * kC, 21, 0.2f), b = normal_values(kO, 22, 0.5f);
  const std::vector<float> x = normal_values(kC * kH * kW, 23, 1.0f);  // NCHW
  for (const int group : {0, 32}) {
    ImportSummary summary;
    const std::vector<uint8_t> qfb = convert(conv_model(w, b, 1), group, &summary);
    INFO("group " << group);
    CHECK(summary.op_counts["FULLY_CONNECTED_W4"] == 1);
    CHECK(summary.op_counts.count("CONV_2D") == 0);
    const Int4Weights q = quantize_int4_weights(w, kO, kC, group);
    const std::vector<float> y = run(qfb, x);
    REQUIRE(y.size() == static_cast<size_t>(kO * kH * kW));
    bool positive = false, zero = false;
    for (int o = 0; o < kO; ++o) {
      for (int p = 0; p < kH * kW; ++p) {
        double exact = b[o], magnitude = std::fabs(b[o]);
        for (int c = 0; c < kC; ++c) {
          const double term = static_cast<double>(int4_weight_value(q, kC, o, c)) * x[c * kH * kW + p];
          exact += term;
          magnitude += std::fabs(term);
        }
        exact = std::max(exact, 0.0);
        const float got = y[o * kH * kW + p];  // the output keeps ONNX's NCHW interface
        positive = positive || got > 0.0f;
        zero = zero || got == 0.0f;
        INFO("o " << o << " pixel " << p);
        REQUIRE(std::fabs(got - exact) <= 1e-5 * magnitude + 1e-6);
      }
    }
    CHECK(positive);
    CHECK(zero);  // the Relu was fused
  }
}

TEST_CASE("qconvert --weights int4: a strided 1x1 convolution keeps float32 weights", "[int4]") {
  ImportSummary summary;
  convert(conv_model(normal_values(kO * kC, 21, 0.2f), normal_values(kO, 22, 0.5f), 2), 0, &summary);
  CHECK(summary.op_counts.count("FULLY_CONNECTED_W4") == 0);
  CHECK(summary.op_counts["CONV_2D"] == 1);
  bool noted = false;
  for (const std::string& note : summary.notes) noted = noted || note.find("not 1x1 / stride 1") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("qconvert --weights int4: MatMul with B [K, N] on a rank-3 input", "[int4]") {
  constexpr int kK = 96, kN = 5;
  const std::vector<float> bkn = normal_values(kK * kN, 31, 0.3f);
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  add_value(g->add_input(), "x", {2, 3, kK});
  add_value(g->add_output(), "y", {2, 3, kN});
  add_initializer(g, "B", {kK, kN}, bkn);
  add_node(g, "MatMul", "mm", {"x", "B"}, "y");
  std::string s;
  m.SerializeToString(&s);
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert(std::vector<uint8_t>(s.begin(), s.end()), 32, &summary);
  CHECK(summary.op_counts["FULLY_CONNECTED_W4"] == 1);
  std::vector<float> nk(kN * kK);  // what the lowering quantizes: B transposed
  for (int k = 0; k < kK; ++k) {
    for (int n = 0; n < kN; ++n) nk[n * kK + k] = bkn[k * kN + n];
  }
  const Int4Weights q = quantize_int4_weights(nk, kN, kK, 32);
  const std::vector<float> x = normal_values(6 * kK, 32, 1.0f);
  const std::vector<float> y = run(qfb, x);
  REQUIRE(y.size() == static_cast<size_t>(6 * kN));
  for (int r = 0; r < 6; ++r) {
    for (int n = 0; n < kN; ++n) {
      double exact = 0, magnitude = 0;
      for (int k = 0; k < kK; ++k) {
        const double term = static_cast<double>(int4_weight_value(q, kK, n, k)) * x[r * kK + k];
        exact += term;
        magnitude += std::fabs(term);
      }
      INFO("row " << r << " n " << n);
      REQUIRE(std::fabs(y[r * kN + n] - exact) <= 1e-5 * magnitude + 1e-6);
    }
  }
}

}  // namespace
}  // namespace qrt::convert
