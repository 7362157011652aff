// --allow-float-fallback: ops with no int8 form in qrt (a BatchNormalization
// no conv absorbed, Div by a constant, Neg) run in float32 next to int8 ops
// instead of failing the conversion. The model is built with the onnx
// protobuf API: x [1,2,4,4] -> BatchNormalization -> Conv 1x1 (2 -> 3) ->
// Div by a per-channel constant -> Neg -> y.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "converter/calibration/onnx_static_ptq.h"
#include "converter/ir/float_executor.h"
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

void add_initializer(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
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

std::vector<uint8_t> model_bytes() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  add_value(g->add_input(), "x", {1, 2, 4, 4});
  add_value(g->add_output(), "y", {1, 3, 4, 4});
  add_initializer(g, "bn_scale", {2}, {1.5f, 0.5f});
  add_initializer(g, "bn_b", {2}, {0.1f, -0.2f});
  add_initializer(g, "bn_mean", {2}, {0.3f, -0.1f});
  add_initializer(g, "bn_var", {2}, {2.0f, 0.25f});
  add_initializer(g, "w", {3, 2, 1, 1}, {0.5f, -1.0f, 0.25f, 0.75f, -0.5f, 1.0f});
  add_initializer(g, "b", {3}, {0.0f, 0.5f, -0.25f});
  add_initializer(g, "d", {3, 1, 1}, {2.0f, -4.0f, 0.5f});
  add_node(g, "BatchNormalization", "bn", {"x", "bn_scale", "bn_b", "bn_mean", "bn_var"}, "n");
  add_node(g, "Conv", "conv", {"n", "w", "b"}, "c");
  add_node(g, "Div", "div", {"c", "d"}, "q");
  add_node(g, "Neg", "neg", {"q"}, "y");
  std::string s;
  m.SerializeToString(&s);
  return std::vector<uint8_t>(s.begin(), s.end());
}

std::vector<uint8_t> convert(const std::set<std::string>& keep_float, bool fallback, ImportSummary* summary) {
  PtqOptions ptq;
  ptq.random_calibration = true;
  ptq.quantize.keep_float = keep_float;
  ptq.quantize.allow_float_fallback = fallback;
  const std::vector<uint8_t> onnx = model_bytes();
  return import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq, summary);
}

// The float executor's y and qrt's, on one normal(0, 1) input (as --calib random draws).
void run_both(const std::vector<uint8_t>& qfb, std::vector<float>* want, std::vector<float>* got) {
  std::mt19937 rng(17);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(32);
  for (float& v : x) v = normal(rng);
  const std::vector<uint8_t> onnx = model_bytes();
  const OnnxModel model = load_onnx_model(onnx.data(), onnx.size(), OnnxLoadOptions{});
  *want = run_float_graph(model.graph, {{"x", HostTensor::floats({1, 2, 4, 4}, x)}}).at("y").f;
  std::vector<uint8_t> bytes(x.size() * sizeof(float));
  std::memcpy(bytes.data(), x.data(), bytes.size());
  const std::vector<uint8_t> out = onnx_test::run_qfb(qfb, {bytes}).at(0);
  got->resize(out.size() / sizeof(float));
  std::memcpy(got->data(), out.data(), out.size());
}

TEST_CASE("float fallback: without the flag, each op with no int8 form is named with the way out", "[mixed]") {
  ImportSummary summary;
  try {
    convert({}, false, &summary);
    FAIL("converted");
  } catch (const std::exception& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("3 unsupported nodes") != std::string::npos);
    CHECK(what.find("'bn' (BatchNormalization") != std::string::npos);
    CHECK(what.find("'div' (Div") != std::string::npos);
    CHECK(what.find("--allow-float-fallback") != std::string::npos);
  }
}

TEST_CASE("float fallback: the ops run in float32 around an int8 conv", "[mixed]") {
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert({}, true, &summary);
  CHECK(summary.op_counts.count("CONV_2D"));
  CHECK(summary.op_counts.count("QUANTIZE"));
  CHECK(summary.op_counts.count("DEQUANTIZE"));
  CHECK(summary.op_counts["MUL"] == 3);  // batch norm's scale, 1 / d, -1
  CHECK(summary.op_counts["ADD"] == 1);  // batch norm's offset
  bool noted = false;
  for (const std::string& note : summary.notes) noted = noted || note.find("3 nodes run in float32") != std::string::npos;
  CHECK(noted);
  std::vector<float> want, got;
  run_both(qfb, &want, &got);
  REQUIRE(got.size() == want.size());
  double peak = 0, worst = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    peak = std::max(peak, std::fabs(static_cast<double>(want[i])));
    worst = std::max(worst, std::fabs(static_cast<double>(got[i]) - want[i]));
  }
  INFO("worst error " << worst << " of peak " << peak);
  CHECK(worst < 0.08 * peak);  // one int8 conv (random calibration) between float ops: measured 4.3%
}

TEST_CASE("float fallback: with every node kept in float the output is the float model's", "[mixed]") {
  ImportSummary summary;
  std::vector<float> want, got;
  run_both(convert({kKeepAllFloat}, false, &summary), &want, &got);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) REQUIRE(std::fabs(got[i] - want[i]) <= 1e-5 * std::fabs(want[i]) + 1e-6);
}

}  // namespace
}  // namespace qrt::convert
