// ConvInteger, MatMulInteger and DynamicQuantizeLinear import as
// CONV_INTEGER, MATMUL_INTEGER and DYNAMIC_QUANTIZE_LINEAR and run with
// ONNX's values (uint8 at the graph edge); a zero point computed at run time
// and the expanded DynamicQuantizeLinear (a QuantizeLinear whose scale a node
// computes) are refused with a message that says why.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "converter/model_import.h"
#include "converter/onnx/onnx_importer.h"
#include "onnx/onnx_pb.h"
#include "onnx_test_support.h"

namespace {

void add_value(onnx::ValueInfoProto* v, const std::string& name, int type, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(type);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

void add_uint8(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, std::vector<uint8_t> v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::UINT8);
  for (int64_t d : dims) t->add_dims(d);
  t->set_raw_data(std::string(v.begin(), v.end()));
}

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, std::vector<std::string> in,
                          std::vector<std::string> out) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(op + "_node");
  for (const std::string& s : in) n->add_input(s);
  for (const std::string& s : out) n->add_output(s);
  return n;
}

std::string refusal(const onnx::ModelProto& m) {
  std::string bytes;
  m.SerializeToString(&bytes);
  try {
    qrt::import_onnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), qrt::ImportOptions{}, {});
  } catch (const qrt::ImportError& e) {
    return e.what();
  }
  return "converted";
}

onnx::ModelProto model(int opset) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(opset);
  return m;
}

std::vector<uint8_t> convert(const onnx::ModelProto& m, qrt::ImportSummary* summary = nullptr) {
  std::string bytes;
  m.SerializeToString(&bytes);
  return qrt::import_onnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), qrt::ImportOptions{}, {}, summary);
}

std::vector<int32_t> as_int32(const std::vector<uint8_t>& bytes) {
  std::vector<int32_t> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

TEST_CASE("MatMulInteger imports as MATMUL_INTEGER: uint8 A, per-column uint8 B zero points", "[onnx][integer_ops]") {
  onnx::ModelProto m = model(13);
  auto* g = m.mutable_graph();
  add_value(g->add_input(), "a", onnx::TensorProto::UINT8, {2, 3});
  add_value(g->add_output(), "y", onnx::TensorProto::INT32, {2, 2});
  add_uint8(g, "b", {3, 2}, {1, 200, 2, 5, 255, 0});
  add_uint8(g, "a_zp", {}, {130});
  add_uint8(g, "b_zp", {2}, {3, 128});
  add_node(g, "MatMulInteger", {"a", "b", "a_zp", "b_zp"}, {"y"});
  qrt::ImportSummary summary;
  const std::vector<uint8_t> qfb = convert(m, &summary);
  CHECK(summary.op_counts["MATMUL_INTEGER"] == 1);
  const std::vector<uint8_t> a = {0, 255, 130, 7, 131, 250};
  const auto out = onnx_test::run_qfb(qfb, {a});
  REQUIRE(out.size() == 1);
  // sum_k (a - 130) * (b - b_zp[n]), written out.
  const std::vector<int32_t> expected = {
      (0 - 130) * (1 - 3) + (255 - 130) * (2 - 3) + (130 - 130) * (255 - 3),
      (0 - 130) * (200 - 128) + (255 - 130) * (5 - 128) + (130 - 130) * (0 - 128),
      (7 - 130) * (1 - 3) + (131 - 130) * (2 - 3) + (250 - 130) * (255 - 3),
      (7 - 130) * (200 - 128) + (131 - 130) * (5 - 128) + (250 - 130) * (0 - 128)};
  CHECK(as_int32(out[0]) == expected);
}

TEST_CASE("ConvInteger imports as CONV_INTEGER: NCHW int32 output, padding with the zero point", "[onnx][integer_ops]") {
  onnx::ModelProto c = model(13);
  auto* cg = c.mutable_graph();
  add_value(cg->add_input(), "x", onnx::TensorProto::UINT8, {1, 2, 2, 2});
  add_value(cg->add_output(), "y", onnx::TensorProto::INT32, {1, 2, 3, 3});
  add_uint8(cg, "w", {2, 2, 2, 2}, {1, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2});
  add_uint8(cg, "x_zp", {}, {10});
  auto* n = add_node(cg, "ConvInteger", {"x", "w", "x_zp"}, {"y"});
  auto* pads = n->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int p : {1, 1, 1, 1}) pads->add_ints(p);
  qrt::ImportSummary summary;
  const std::vector<uint8_t> qfb = convert(c, &summary);
  CHECK(summary.op_counts["CONV_INTEGER"] == 1);
  // x channel 0 = [[11, 12], [13, 14]], channel 1 = [[20, 30], [40, 50]] (NCHW).
  const std::vector<uint8_t> x = {11, 12, 13, 14, 20, 30, 40, 50};
  const auto out = onnx_test::run_qfb(qfb, {x});
  REQUIRE(out.size() == 1);
  const std::vector<int32_t> y = as_int32(out[0]);
  REQUIRE(y.size() == 18);
  // Output channel 0: w[0][0][0][0] = 1 on x0 and w[0][1][1][1] = 1 on x1 (zero point 0 for w).
  // At (0, 0) the window starts one pixel above-left: only the bottom-right tap (x1[0][0] - 10) is inside.
  CHECK(y[0] == 20 - 10);
  // At (1, 1): x0[0][0] - 10 + x1[1][1] - 10.
  CHECK(y[4] == (11 - 10) + (50 - 10));
  // Output channel 1: 2 * the sum of every (x - 10) its window covers; at (1, 1) all eight values.
  CHECK(y[9 + 4] == 2 * ((11 + 12 + 13 + 14 + 20 + 30 + 40 + 50) - 8 * 10));
}

TEST_CASE("DynamicQuantizeLinear imports: uint8 y and zero point, float32 scale, as ONNX", "[onnx][integer_ops]") {
  onnx::ModelProto m = model(13);
  auto* g = m.mutable_graph();
  add_value(g->add_input(), "x", onnx::TensorProto::FLOAT, {1, 6});
  add_value(g->add_output(), "y", onnx::TensorProto::UINT8, {1, 6});
  add_value(g->add_output(), "s", onnx::TensorProto::FLOAT, {});
  add_value(g->add_output(), "z", onnx::TensorProto::UINT8, {});
  add_node(g, "DynamicQuantizeLinear", {"x"}, {"y", "s", "z"});
  const std::vector<uint8_t> qfb = convert(m);
  const std::vector<float> x = {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f};
  const std::vector<uint8_t> bytes(reinterpret_cast<const uint8_t*>(x.data()),
                                   reinterpret_cast<const uint8_t*>(x.data() + x.size()));
  const auto out = onnx_test::run_qfb(qfb, {bytes});
  REQUIRE(out.size() == 3);
  // ONNX's documented example: scale 5 / 255, zero point 153.
  CHECK(out[0] == std::vector<uint8_t>{153, 255, 0, 26, 221, 179});
  float scale = 0.0f;
  std::memcpy(&scale, out[1].data(), sizeof(float));
  CHECK(scale == 5.0f / 255.0f);
  CHECK(out[2] == std::vector<uint8_t>{153});
}

TEST_CASE("integer ops: a zero point computed at run time and the expanded form are refused", "[onnx][refusal]") {
  // DynamicQuantizeLinear -> MatMulInteger with an int32 output (no Cast / Mul): not the dynamic FC pattern.
  onnx::ModelProto m = model(13);
  auto* g = m.mutable_graph();
  add_value(g->add_input(), "x", onnx::TensorProto::FLOAT, {1, 2});
  add_value(g->add_output(), "y", onnx::TensorProto::INT32, {1, 2});
  add_uint8(g, "b", {2, 2}, {1, 2, 3, 4});
  add_node(g, "DynamicQuantizeLinear", {"x"}, {"xq", "xs", "xz"});
  add_node(g, "MatMulInteger", {"xq", "b", "xz"}, {"y"});
  const std::string why = refusal(m);
  CHECK(why.find("computed at run time") != std::string::npos);

  // The expanded form ends in a QuantizeLinear whose scale a node computes.
  onnx::ModelProto e = model(13);
  auto* eg = e.mutable_graph();
  add_value(eg->add_input(), "x", onnx::TensorProto::FLOAT, {1, 4});
  add_value(eg->add_output(), "y", onnx::TensorProto::UINT8, {1, 4});
  add_node(eg, "ReduceMax", {"x"}, {"scale"});
  add_uint8(eg, "zp", {}, {128});
  add_node(eg, "QuantizeLinear", {"x", "scale", "zp"}, {"y"});
  const std::string expanded_why = refusal(e);
  CHECK(expanded_why.find("'scale' is computed at run time (dynamic quantization)") != std::string::npos);
}

TEST_CASE("expanded DynamicQuantizeLinear: matched only when every constant of the function body is ONNX's", "[onnx][integer_ops]") {
  const std::string path = "/usr/share/libonnx-testdata/data/node/test_dynamicquantizelinear_expanded/model.onnx";
  const std::vector<uint8_t> bytes = onnx_test::read_bytes(path);
  if (bytes.empty()) {
    WARN("skipped: " << path << " is absent");
    return;
  }
  onnx::ModelProto m;
  REQUIRE(m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  qrt::ImportSummary summary;
  convert(m, &summary);
  CHECK(summary.op_counts == std::map<std::string, int>{{"DYNAMIC_QUANTIZE_LINEAR", 1}});
  // 254 levels instead of 255 is another computation: left alone, and refused as run-time quantization.
  bool changed = false;
  for (onnx::NodeProto& n : *m.mutable_graph()->mutable_node()) {
    if (n.op_type() != "Constant" || n.output(0).find("Q_Max") == std::string::npos) continue;
    onnx::TensorProto* t = n.mutable_attribute(0)->mutable_t();
    t->clear_float_data();
    t->clear_raw_data();
    t->add_float_data(254.0f);
    changed = true;
  }
  REQUIRE(changed);
  CHECK(refusal(m).find("computed at run time") != std::string::npos);
}

}  // namespace
