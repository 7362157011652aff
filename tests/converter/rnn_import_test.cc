// LSTM and GRU from PyTorch (tests/data/make_rnn_fixture.py: torch.nn.LSTM,
// torch.nn.GRU and a bidirectional LSTM exported with torch.onnx.export):
//  - the converter's float executor gives PyTorch's outputs (within 1e-5);
//  - qconvert --dynamic makes one LSTM / GRU op with int8 W and R whose
//    outputs stay near PyTorch's (X and each step's hidden state quantized
//    per run);
//  - the runtime's float32 LSTM / GRU op, built from the exported weights,
//    gives PyTorch's outputs (within 1e-5).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "converter/calibration/dynamic_quantization.h"
#include "converter/ir/float_executor.h"
#include "converter/onnx/onnx_importer.h"
#include "converter/onnx/onnx_loader.h"
#include "converter/qfb_writer.h"
#include "runtime/tools/npy.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

fs::path fixture_dir() { return fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "rnn"; }

std::vector<float> npy_floats(const std::string& name, std::vector<int64_t>* shape) {
  tools::NpyArray a;
  std::string error;
  const bool ok = tools::read_npy((fixture_dir() / name).string(), &a, &error);
  INFO(name << ": " << error);
  REQUIRE(ok);
  REQUIRE(a.dtype == QRT_DTYPE_FLOAT32);
  std::vector<float> v(a.data.size() / sizeof(float));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  *shape = a.shape;
  return v;
}

std::vector<float> run(const std::vector<uint8_t>& qfb, const float* x, size_t count) {
  std::vector<uint8_t> bytes(count * sizeof(float));
  std::memcpy(bytes.data(), x, bytes.size());
  const std::vector<uint8_t> out = onnx_test::run_qfb(qfb, {bytes})[0];
  std::vector<float> y(out.size() / sizeof(float));
  std::memcpy(y.data(), out.data(), out.size());
  return y;
}

double max_difference(const float* a, const float* b, size_t n) {
  double worst = 0.0;
  for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(double{a[i]} - b[i]));
  return worst;
}

const char* const kModels[] = {"lstm", "gru", "lstm_bidirectional"};

TEST_CASE("LSTM / GRU: the float executor gives PyTorch's outputs", "[rnn]") {
  for (const std::string name : kModels) {
    INFO(name);
    const std::vector<uint8_t> onnx = onnx_test::read_bytes((fixture_dir() / (name + ".onnx")).string());
    REQUIRE(!onnx.empty());
    const OnnxModel model = load_onnx_model(onnx.data(), onnx.size(), OnnxLoadOptions{});
    REQUIRE(unsupported_float_nodes(model.graph).empty());
    std::vector<int64_t> xs, ys;
    const std::vector<float> x = npy_floats(name + "_x.npy", &xs);
    const std::vector<float> y = npy_floats(name + "_y.npy", &ys);
    const size_t runs = static_cast<size_t>(xs[0]), x_count = x.size() / runs, y_count = y.size() / runs;
    for (size_t r = 0; r < runs; ++r) {
      HostTensorMap inputs;
      inputs["x"] = HostTensor::floats({xs[1], xs[2], xs[3]}, std::vector<float>(x.begin() + r * x_count,
                                                                                 x.begin() + (r + 1) * x_count));
      const HostTensorMap values = run_float_graph(model.graph, inputs);
      const HostTensor& out = values.at("y");
      REQUIRE(out.f.size() == y_count);
      CHECK(max_difference(out.f.data(), y.data() + r * y_count, y_count) <= 1e-5);
    }
  }
}

TEST_CASE("qconvert --dynamic: PyTorch LSTM / GRU become one op with int8 weights, near PyTorch", "[rnn][dynamic]") {
  for (const std::string name : kModels) {
    INFO(name);
    const std::vector<uint8_t> onnx = onnx_test::read_bytes((fixture_dir() / (name + ".onnx")).string());
    ImportOptions options;
    options.dynamic_quantization = true;
    ImportSummary summary;
    const std::vector<uint8_t> qfb = import_onnx_dynamic(onnx.data(), onnx.size(), options, OnnxLoadOptions{}, &summary);
    const std::string op = name == "gru" ? "GRU" : "LSTM";
    REQUIRE(summary.op_counts.count(op));
    CHECK(summary.op_counts.at(op) == 1);
    bool noted = false;
    for (const std::string& note : summary.notes) noted = noted || note.find("LSTM / GRU") != std::string::npos;
    CHECK(noted);
    std::vector<int64_t> xs, ys;
    const std::vector<float> x = npy_floats(name + "_x.npy", &xs);
    const std::vector<float> y = npy_floats(name + "_y.npy", &ys);
    const size_t runs = static_cast<size_t>(xs[0]), x_count = x.size() / runs, y_count = y.size() / runs;
    for (size_t r = 0; r < runs; ++r) {
      const std::vector<float> got = run(qfb, x.data() + r * x_count, x_count);
      REQUIRE(got.size() == y_count);
      const double worst = max_difference(got.data(), y.data() + r * y_count, y_count);
      INFO("largest difference from PyTorch " << worst);
      CHECK(worst <= 0.05);  // hidden states in (-1, 1); 8-bit inputs, hidden states and weights
      CHECK(worst > 0.0);    // it did quantize
    }
  }
}

// The float32 op from the exported node's weights, as the lowering writes it.
std::vector<uint8_t> float_rnn_model(const std::string& name, bool lstm, int directions, bool linear_before_reset) {
  std::vector<int64_t> ws, rs, bs;
  const std::vector<float> w = npy_floats(name + "_W.npy", &ws);
  const std::vector<float> r = npy_floats(name + "_R.npy", &rs);
  const std::vector<float> b = npy_floats(name + "_B.npy", &bs);
  const int32_t rows = static_cast<int32_t>(ws[0] * ws[1]), input = static_cast<int32_t>(ws[2]);
  const int32_t hidden = static_cast<int32_t>(rs[2]);
  QfbWriter q;
  const int x = q.add_tensor("x", fb::DType::FLOAT32, {6, 1, input});
  const int wt = q.add_constant("W", fb::DType::FLOAT32, {rows, input}, to_bytes(w));
  const int rt = q.add_constant("R", fb::DType::FLOAT32, {rows, hidden}, to_bytes(r));
  const int bt = q.add_constant("B", fb::DType::FLOAT32, {directions, static_cast<int32_t>(bs[1])}, to_bytes(b));
  const int y = q.add_tensor("Y", fb::DType::FLOAT32, {6, directions, 1, hidden});
  std::vector<int32_t> outputs = {y, q.add_tensor("Y_h", fb::DType::FLOAT32, {directions, 1, hidden})};
  if (lstm) outputs.push_back(q.add_tensor("Y_c", fb::DType::FLOAT32, {directions, 1, hidden}));
  fb::RnnOptionsT o;
  o.hidden_size = hidden;
  o.direction = directions == 2 ? 2 : 0;
  o.linear_before_reset = linear_before_reset;
  fb::OpOptionsUnion options;
  options.Set(std::move(o));
  q.add_op(lstm ? fb::OpType::LSTM : fb::OpType::GRU, {x, wt, rt, bt}, outputs, std::move(options),
           fb::RequantRule::FP32, name);
  q.add_input(x, fb::DType::FLOAT32);
  q.add_output(y, fb::DType::FLOAT32);
  return q.serialize();
}

TEST_CASE("LSTM / GRU runtime ops with float32 weights give PyTorch's outputs", "[rnn]") {
  struct Model {
    const char* name;
    bool lstm;
    int directions;
    bool linear_before_reset;
  };
  for (const Model& m : {Model{"lstm", true, 1, false}, Model{"gru", false, 1, true}, Model{"lstm_bidirectional", true, 2, false}}) {
    INFO(m.name);
    const std::vector<uint8_t> qfb = float_rnn_model(m.name, m.lstm, m.directions, m.linear_before_reset);
    std::vector<int64_t> xs, ys;
    const std::vector<float> x = npy_floats(std::string(m.name) + "_x.npy", &xs);
    const std::vector<float> y = npy_floats(std::string(m.name) + "_Y.npy", &ys);
    const size_t runs = static_cast<size_t>(xs[0]), x_count = x.size() / runs, y_count = y.size() / runs;
    for (size_t r = 0; r < runs; ++r) {
      const std::vector<float> got = run(qfb, x.data() + r * x_count, x_count);
      REQUIRE(got.size() == y_count);
      CHECK(max_difference(got.data(), y.data() + r * y_count, y_count) <= 1e-5);
    }
  }
}

}  // namespace
}  // namespace qrt::convert
