// ConvInteger, MatMulInteger and DynamicQuantizeLinear (and the expanded
// form of the latter, whose QuantizeLinear gets a computed scale) have no
// qrt op: int32 outputs, run-time quantization. They are refused with a
// message that says why and what to do instead.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "converter/model_import.h"
#include "converter/onnx/onnx_importer.h"
#include "onnx/onnx_pb.h"

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

TEST_CASE("MatMulInteger and ConvInteger are refused: int32 accumulator outputs", "[onnx][refusal]") {
  onnx::ModelProto m = model(13);
  auto* g = m.mutable_graph();
  add_value(g->add_input(), "a", onnx::TensorProto::UINT8, {1, 2});
  add_value(g->add_output(), "y", onnx::TensorProto::INT32, {1, 2});
  add_uint8(g, "b", {2, 2}, {1, 2, 3, 4});
  add_node(g, "MatMulInteger", {"a", "b"}, {"y"});
  const std::string why = refusal(m);
  CHECK(why.find("'MatMulInteger_node' (MatMulInteger") != std::string::npos);
  CHECK(why.find("raw int32 accumulator") != std::string::npos);
  CHECK(why.find("QLinearMatMul") != std::string::npos);
  CHECK(why.find("--calib") != std::string::npos);

  onnx::ModelProto c = model(13);
  auto* cg = c.mutable_graph();
  add_value(cg->add_input(), "x", onnx::TensorProto::UINT8, {1, 1, 3, 3});
  add_value(cg->add_output(), "y", onnx::TensorProto::INT32, {1, 1, 2, 2});
  add_uint8(cg, "w", {1, 1, 2, 2}, {1, 1, 1, 1});
  add_node(cg, "ConvInteger", {"x", "w"}, {"y"});
  const std::string conv_why = refusal(c);
  CHECK(conv_why.find("(ConvInteger") != std::string::npos);
  CHECK(conv_why.find("raw int32 accumulator") != std::string::npos);
}

TEST_CASE("DynamicQuantizeLinear is refused: run-time quantization, plain and expanded", "[onnx][refusal]") {
  onnx::ModelProto m = model(13);
  auto* g = m.mutable_graph();
  add_value(g->add_input(), "x", onnx::TensorProto::FLOAT, {1, 4});
  add_value(g->add_output(), "y", onnx::TensorProto::UINT8, {1, 4});
  add_value(g->add_output(), "s", onnx::TensorProto::FLOAT, {});
  add_value(g->add_output(), "z", onnx::TensorProto::UINT8, {});
  add_node(g, "DynamicQuantizeLinear", {"x"}, {"y", "s", "z"});
  const std::string why = refusal(m);
  CHECK(why.find("(DynamicQuantizeLinear") != std::string::npos);
  CHECK(why.find("dynamic quantization") != std::string::npos);
  CHECK(why.find("--calib") != std::string::npos);

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

}  // namespace
