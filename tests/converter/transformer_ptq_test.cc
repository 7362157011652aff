// End to end: the tiny BERT-style encoder fixture (tests/data/transformer,
// made by make_transformer_fixture.py; int64 token ids -> Gather,
// LayerNormalization, attention with MatMuls of two activations, Softmax on
// the last axis of [1,H,S,S], erf GELU) -> float executor, checked against
// PyTorch -> static PTQ with token-id calibration -> .qfb -> qrt's C API.
// The int8 logits must keep cosine >= 0.98 with the float model's.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <set>
#include <string>
#include <vector>

#include "converter/calibration/onnx_static_ptq.h"
#include "converter/ir/float_executor.h"
#include "converter/onnx/onnx_loader.h"
#include "runtime/tools/npy.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

constexpr int kSeq = 8, kLabels = 4;

fs::path fixture_dir() { return fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "transformer"; }

tools::NpyArray npy(const std::string& name) {
  tools::NpyArray a;
  std::string error;
  const bool ok = tools::read_npy((fixture_dir() / name).string(), &a, &error);
  INFO(error);
  REQUIRE(ok);
  return a;
}

std::vector<int32_t> ids_of(const tools::NpyArray& ids, size_t sample) {
  std::vector<int32_t> v(kSeq);
  std::memcpy(v.data(), ids.data.data() + sample * kSeq * 4, kSeq * 4);
  return v;
}

std::vector<uint8_t> model_bytes(const char* file = "model.onnx") {
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((fixture_dir() / file).string());
  REQUIRE(!onnx.empty());
  return onnx;
}

// The float executor's logits for every held-out sample, concatenated.
std::vector<float> float_logits(const tools::NpyArray& ids) {
  const std::vector<uint8_t> onnx = model_bytes();
  const OnnxModel model = load_onnx_model(onnx.data(), onnx.size(), OnnxLoadOptions{});
  std::vector<float> all;
  const size_t samples = ids.data.size() / (kSeq * 4);
  for (size_t s = 0; s < samples; ++s) {
    const std::vector<int32_t> v = ids_of(ids, s);
    HostTensorMap inputs;
    inputs["input_ids"] = HostTensor::int64s({1, kSeq}, std::vector<int64_t>(v.begin(), v.end()));
    const HostTensorMap out = run_float_graph(model.graph, inputs);
    const HostTensor& logits = out.at("logits");
    REQUIRE(logits.shape == std::vector<int64_t>{1, kSeq, kLabels});
    all.insert(all.end(), logits.f.begin(), logits.f.end());
  }
  return all;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += double(a[i]) * b[i];
    aa += double(a[i]) * a[i];
    bb += double(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

std::vector<uint8_t> convert(const char* file, ImportSummary* summary, bool random_calibration = false,
                             const std::set<std::string>& keep_float = {}, bool allow_float_fallback = false) {
  PtqOptions ptq;
  ptq.quantize.keep_float = keep_float;
  ptq.quantize.allow_float_fallback = allow_float_fallback;
  if (random_calibration) ptq.random_calibration = true;
  else ptq.calibration_paths = {(fixture_dir() / "calibration.npy").string()};
  const std::vector<uint8_t> onnx = model_bytes(file);
  return import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq, summary);
}

std::vector<float> int8_logits(const std::vector<uint8_t>& qfb, const tools::NpyArray& ids) {
  std::vector<float> all;
  const size_t samples = ids.data.size() / (kSeq * 4);
  for (size_t s = 0; s < samples; ++s) {
    const std::vector<int32_t> v = ids_of(ids, s);
    std::vector<uint8_t> input(kSeq * 4);
    std::memcpy(input.data(), v.data(), input.size());
    const std::vector<std::vector<uint8_t>> out = onnx_test::run_qfb(qfb, {input});
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].size() == kSeq * kLabels * 4);
    const float* logits = reinterpret_cast<const float*>(out[0].data());
    all.insert(all.end(), logits, logits + kSeq * kLabels);
  }
  return all;
}

// Runs the int8 encoder on every held-out sample with `isa` ("" for the best
// this CPU has) and `threads`; returns the logits' bytes and, in *kernels,
// the kernel of every BATCH_MATMUL and ADD / MUL.
std::vector<uint8_t> logits_bytes_on(const std::vector<uint8_t>& qfb, const tools::NpyArray& ids, const char* isa,
                                     int threads, std::vector<std::string>* kernels) {
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer(qfb.data(), qfb.size(), &model) == QRT_OK);
  qrt_options* options = nullptr;
  REQUIRE(qrt_options_create(&options) == QRT_OK);
  REQUIRE(qrt_options_set_isa(options, isa) == QRT_OK);
  REQUIRE(qrt_options_set_num_threads(options, threads) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, options, &interpreter) == QRT_OK);
  qrt_options_destroy(options);
  INFO(isa << ": " << qrt_last_error());
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  size_t op_count = 0;
  REQUIRE(qrt_interpreter_get_op_count(interpreter, &op_count) == QRT_OK);
  for (size_t i = 0; i < op_count; ++i) {
    qrt_op_info info;
    REQUIRE(qrt_interpreter_get_op_info(interpreter, i, &info) == QRT_OK);
    const std::string type = info.type;
    if (type == "BATCH_MATMUL" || type == "ADD" || type == "MUL") kernels->push_back(type + " " + info.kernel);
  }
  std::vector<uint8_t> all;
  const size_t samples = ids.data.size() / (kSeq * 4);
  for (size_t s = 0; s < samples; ++s) {
    const std::vector<int32_t> v = ids_of(ids, s);
    REQUIRE(qrt_interpreter_set_input(interpreter, 0, v.data(), v.size() * 4) == QRT_OK);
    REQUIRE(qrt_interpreter_invoke(interpreter) == QRT_OK);
    std::vector<uint8_t> bytes(kSeq * kLabels * 4);
    REQUIRE(qrt_interpreter_get_output(interpreter, 0, bytes.data(), bytes.size()) == QRT_OK);
    all.insert(all.end(), bytes.begin(), bytes.end());
  }
  qrt_interpreter_destroy(interpreter);
  qrt_model_destroy(model);
  return all;
}

TEST_CASE("transformer: the float executor runs the encoder as PyTorch does", "[transformer]") {
  const tools::NpyArray ids = npy("heldout_ids.npy");
  const tools::NpyArray torch_logits = npy("heldout_logits.npy");
  REQUIRE(ids.dtype == QRT_DTYPE_INT32);
  const std::vector<float> ours = float_logits(ids);
  REQUIRE(ours.size() * 4 == torch_logits.data.size());
  const float* theirs = reinterpret_cast<const float*>(torch_logits.data.data());
  for (size_t i = 0; i < ours.size(); ++i) {
    INFO("logit " << i);
    REQUIRE(std::fabs(ours[i] - theirs[i]) <= 1e-4f + 1e-4f * std::fabs(theirs[i]));
  }
}

TEST_CASE("transformer: static PTQ with token-id calibration keeps cosine >= 0.98 with float", "[transformer]") {
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert("model.onnx", &summary);
  // Every transformer op runs in int8: no float fallback was needed.
  CHECK(summary.op_counts["GATHER"] == 1);
  CHECK(summary.op_counts["LAYER_NORM"] == 5);
  CHECK(summary.op_counts["BATCH_MATMUL"] == 4);
  CHECK(summary.op_counts["SOFTMAX"] == 2);
  CHECK(summary.op_counts["GELU"] == 2);
  CHECK(summary.op_counts.count("DEQUANTIZE") == 1);  // only at the logits

  const tools::NpyArray ids = npy("heldout_ids.npy");
  const std::vector<float> reference = float_logits(ids);
  const std::vector<float> int8 = int8_logits(qfb, ids);
  size_t agree = 0;
  for (size_t t = 0; t < int8.size() / kLabels; ++t) {
    size_t a = 0, b = 0;
    for (size_t c = 1; c < kLabels; ++c) {
      a = int8[t * kLabels + c] > int8[t * kLabels + a] ? c : a;
      b = reference[t * kLabels + c] > reference[t * kLabels + b] ? c : b;
    }
    agree += a == b;
  }
  const double cos = cosine(int8, reference);
  const double top1 = double(agree) / double(int8.size() / kLabels);
  WARN("transformer fixture int8 vs float: cosine " << cos << ", per-token top-1 agreement " << top1);
  CHECK(cos >= 0.98);
  CHECK(top1 >= 0.85);
}

TEST_CASE("transformer: opset 14's written-out LayerNorm is fused and converts as well", "[transformer]") {
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert("model_opset14.onnx", &summary);
  CHECK(summary.op_counts["LAYER_NORM"] == 5);
  CHECK(summary.op_counts["GELU"] == 2);
  CHECK(summary.op_counts["BATCH_MATMUL"] == 4);
  const tools::NpyArray ids = npy("heldout_ids.npy");
  const double cos = cosine(int8_logits(qfb, ids), float_logits(ids));
  INFO("cosine " << cos);
  CHECK(cos >= 0.98);
}

TEST_CASE("transformer: --calib random draws token ids below the embedding's row count", "[transformer]") {
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert("model.onnx", &summary, true);
  const tools::NpyArray ids = npy("heldout_ids.npy");
  const double cos = cosine(int8_logits(qfb, ids), float_logits(ids));
  INFO("cosine " << cos);
  CHECK(cos >= 0.95);
}

TEST_CASE("transformer: an out-of-range token id fails invoke instead of reading outside the table",
          "[transformer]") {
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert("model.onnx", &summary);
  qrt_model* model = nullptr;
  REQUIRE(qrt_model_load_buffer(qfb.data(), qfb.size(), &model) == QRT_OK);
  qrt_interpreter* interpreter = nullptr;
  REQUIRE(qrt_interpreter_create(model, nullptr, &interpreter) == QRT_OK);
  REQUIRE(qrt_interpreter_prepare(interpreter) == QRT_OK);
  qrt_tensor_info info;
  REQUIRE(qrt_interpreter_get_input_info(interpreter, 0, &info) == QRT_OK);
  CHECK(info.dtype == QRT_DTYPE_INT32);
  std::vector<int32_t> bad(kSeq, 3);
  bad[5] = 50;  // vocab is 50
  REQUIRE(qrt_interpreter_set_input(interpreter, 0, bad.data(), bad.size() * 4) == QRT_OK);
  CHECK(qrt_interpreter_invoke(interpreter) == QRT_INVALID_ARGUMENT);
  CHECK(std::string(qrt_last_error()).find("index 50 at position 5") != std::string::npos);
  qrt_interpreter_destroy(interpreter);
  qrt_model_destroy(model);
}

TEST_CASE("transformer: LayerNorms kept in float32 run and are at least as accurate as int8", "[transformer]") {
  const tools::NpyArray ids = npy("heldout_ids.npy");
  const std::vector<float> reference = float_logits(ids);
  ImportSummary int8_summary, mixed_summary;
  const double int8_cos = cosine(int8_logits(convert("model.onnx", &int8_summary), ids), reference);
  const std::set<std::string> layer_norms = {"/ln/LayerNormalization", "/layers.0/ln1/LayerNormalization",
                                             "/layers.0/ln2/LayerNormalization", "/layers.1/ln1/LayerNormalization",
                                             "/layers.1/ln2/LayerNormalization"};
  // --allow-float-fallback too: it must not refuse the transformer ops either.
  const std::vector<uint8_t> mixed = convert("model.onnx", &mixed_summary, false, layer_norms, true);
  CHECK(mixed_summary.op_counts["LAYER_NORM"] == 5);
  // Each float32 LayerNorm sits between int8 ops: a DEQUANTIZE before it and
  // a QUANTIZE after it (plus the DEQUANTIZE at the logits).
  CHECK(mixed_summary.op_counts["DEQUANTIZE"] >= 5);
  CHECK(mixed_summary.op_counts["QUANTIZE"] >= 5);
  const double mixed_cos = cosine(int8_logits(mixed, ids), reference);
  WARN("transformer fixture vs float: int8 cosine " << std::setprecision(9) << int8_cos << ", LayerNorms in float32 "
                                                    << mixed_cos);
  CHECK(mixed_cos >= int8_cos);
}

TEST_CASE("transformer: every node kept in float32 (Gather, MatMul of activations, LayerNorm, GELU) gives the "
          "float model's logits",
          "[transformer]") {
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert("model.onnx", &summary, false, {kKeepAllFloat});
  CHECK(summary.op_counts["BATCH_MATMUL"] == 4);
  CHECK(summary.op_counts["LAYER_NORM"] == 5);
  CHECK(summary.op_counts["GATHER"] == 1);
  CHECK_FALSE(summary.op_counts.count("QUANTIZE"));
  const tools::NpyArray ids = npy("heldout_ids.npy");
  const std::vector<float> reference = float_logits(ids);
  const std::vector<float> got = int8_logits(qfb, ids);
  REQUIRE(got.size() == reference.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("logit " << i);
    CHECK(std::fabs(got[i] - reference[i]) <= 1e-4f + 1e-4f * std::fabs(reference[i]));
  }
}

TEST_CASE("transformer: the int8 encoder gives the reference kernels' bytes on the best ISA, 1 and 2 threads",
          "[transformer]") {
  ImportSummary summary;
  const std::vector<uint8_t> qfb = convert("model.onnx", &summary);
  const tools::NpyArray ids = npy("heldout_ids.npy");
  std::vector<std::string> reference_kernels, best_kernels, two_kernels;
  const std::vector<uint8_t> reference = logits_bytes_on(qfb, ids, "reference", 1, &reference_kernels);
  const std::vector<uint8_t> best = logits_bytes_on(qfb, ids, "", 1, &best_kernels);
  const std::vector<uint8_t> two = logits_bytes_on(qfb, ids, "", 2, &two_kernels);
  std::string kernels;
  for (const std::string& k : best_kernels) kernels += k + "; ";
  INFO("best ISA kernels: " << kernels);
  REQUIRE(reference_kernels.size() >= 4);
  REQUIRE(best == reference);
  REQUIRE(two == reference);
}

}  // namespace
}  // namespace qrt::convert
