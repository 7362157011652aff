// qconvert --compare-variants on the digits fixture: the table has a row per
// variant (int8, mixed when one was asked for, float32); each row's accuracy
// numbers and size are the single-variant report's for that .qfb; the float32
// .qfb is larger than the int8 one and matches the float model. Latency is
// measured but never asserted.
#include <catch2/catch.hpp>

#include <filesystem>

#include "converter/calibration/onnx_static_ptq.h"
#include "converter/calibration/quantize_graph.h"
#include "converter/report/accuracy_report.h"
#include "converter/report/variant_report.h"
#include "tests/converter/mini_json.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

namespace fs = std::filesystem;

fs::path digits_dir() { return fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "digits"; }

PtqOptions digits_ptq(const std::set<std::string>& keep_float) {
  PtqOptions ptq;
  ptq.calibration_paths = {(digits_dir() / "calibration.npy").string()};
  ptq.quantize.keep_float = keep_float;
  return ptq;
}

std::vector<uint8_t> convert(const std::vector<uint8_t>& onnx, const PtqOptions& ptq) {
  return import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq, nullptr);
}

void require_same_numbers(const VariantAccuracy& row, const AccuracyReport& single) {
  REQUIRE(single.outputs.size() == 1);
  const ErrorStats& want = single.outputs[0].stats;
  const ErrorStats& got = row.output.stats;
  INFO("variant " << row.variant);
  CHECK(row.output.name == single.outputs[0].name);
  CHECK(got.cosine() == want.cosine());
  CHECK(got.sqnr_db() == want.sqnr_db());
  CHECK(got.max_abs_error == want.max_abs_error);
  CHECK(got.top1_agree == want.top1_agree);
  CHECK(got.samples == want.samples);
}

TEST_CASE("variant report: int8, mixed and float32 side by side agree with the single-variant reports", "[mixed]") {
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((digits_dir() / "model.onnx").string());
  REQUIRE(!onnx.empty());
  const PtqOptions mixed_ptq = digits_ptq({"/fc/Gemm"});
  const std::vector<uint8_t> mixed_qfb = convert(onnx, mixed_ptq);
  const VariantReport r = make_variant_report(onnx, ImportOptions{}, OnnxLoadOptions{}, mixed_ptq, mixed_qfb, {}, 1, 3);
  REQUIRE(r.variants.size() == 3);
  const VariantAccuracy& int8 = r.variants[0];
  const VariantAccuracy& mixed = r.variants[1];
  const VariantAccuracy& all_float = r.variants[2];
  CHECK(int8.variant == "int8");
  CHECK(mixed.variant == "mixed");
  CHECK(all_float.variant == "float32");

  // Each row is what --report says about that variant alone.
  const PtqOptions int8_ptq = digits_ptq({});
  const std::vector<uint8_t> int8_qfb = convert(onnx, int8_ptq);
  require_same_numbers(int8, make_onnx_accuracy_report(onnx, {}, int8_ptq, int8_qfb, {}));
  CHECK(int8.qfb_bytes == int8_qfb.size());
  require_same_numbers(mixed, make_onnx_accuracy_report(onnx, {}, mixed_ptq, mixed_qfb, {}));
  CHECK(mixed.qfb_bytes == mixed_qfb.size());
  const PtqOptions float_ptq = digits_ptq({kKeepAllFloat});
  const std::vector<uint8_t> float_qfb = convert(onnx, float_ptq);
  require_same_numbers(all_float, make_onnx_accuracy_report(onnx, {}, float_ptq, float_qfb, {}));
  CHECK(all_float.qfb_bytes == float_qfb.size());

  // The trade: float32 is larger, and is the float model.
  CHECK(all_float.qfb_bytes > mixed.qfb_bytes);
  CHECK(mixed.qfb_bytes > int8.qfb_bytes);
  CHECK(all_float.output.stats.cosine() > 0.99999);
  CHECK(all_float.output.stats.top1_agreement() == 1.0);
  CHECK(int8.output.stats.cosine() < all_float.output.stats.cosine());
  CHECK(r.samples == int8.report.samples);

  const std::string table = variant_report_table(r);
  INFO(table);
  for (const char* text : {"int8 ", "mixed ", "float32 ", "SQNR dB", "size KiB", "latency ms"}) {
    CHECK(table.find(text) != std::string::npos);
  }

  const mini_json::Value j = mini_json::parse(variant_report_json(r));
  using K = mini_json::Value::Kind;
  REQUIRE(j["variants"].array.size() == 3);
  CHECK(j["threads"].number == 1);
  for (size_t k = 0; k < 3; ++k) {
    const mini_json::Value& v = j["variants"].array[k];
    CHECK(v["variant"].string == r.variants[k].variant);
    CHECK(v["qfb_bytes"].number == static_cast<double>(r.variants[k].qfb_bytes));
    CHECK(v["cosine"].number == Approx(r.variants[k].output.stats.cosine()).epsilon(1e-7));
    CHECK(v["top1_agreement"].kind == K::kNumber);
    CHECK(v["median_latency_ms"].kind == K::kNumber);
  }
}

TEST_CASE("variant report: without a mixed conversion there is no mixed row", "[mixed]") {
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((digits_dir() / "model.onnx").string());
  REQUIRE(!onnx.empty());
  const VariantReport r = make_variant_report(onnx, ImportOptions{}, OnnxLoadOptions{}, digits_ptq({}), {}, {}, 1, 1);
  REQUIRE(r.variants.size() == 2);
  CHECK(r.variants[0].variant == "int8");
  CHECK(r.variants[1].variant == "float32");
  CHECK(r.variants[1].qfb_bytes > r.variants[0].qfb_bytes);
}

}  // namespace
}  // namespace qrt::convert
