#include "converter/report/variant_report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "converter/calibration/onnx_static_ptq.h"
#include "converter/calibration/quantize_graph.h"
#include "qrt/qrt.h"
#include "runtime/tools/json_writer.h"

namespace qrt::convert {
namespace {

// The C API's handles, released on every path.
struct Handles {
  qrt_model* model = nullptr;
  qrt_options* options = nullptr;
  qrt_interpreter* interpreter = nullptr;
  ~Handles() {
    qrt_interpreter_destroy(interpreter);
    qrt_options_destroy(options);
    qrt_model_destroy(model);
  }
};

void check(qrt_status status, const char* what) {
  if (status != QRT_OK) throw std::runtime_error(std::string("latency: ") + what + ": " + qrt_last_error());
}

const OutputAccuracy& worst_output(const AccuracyReport& report) {
  if (report.outputs.empty()) throw std::runtime_error("the accuracy report has no outputs");
  return *std::min_element(report.outputs.begin(), report.outputs.end(),
                           [](const OutputAccuracy& a, const OutputAccuracy& b) {
                             return a.stats.sqnr_db() < b.stats.sqnr_db();
                           });
}

VariantAccuracy measure(const std::string& name, const std::vector<uint8_t>& onnx, const OnnxLoadOptions& load,
                        const PtqOptions& ptq, const std::vector<uint8_t>& qfb,
                        const std::vector<std::string>& validate_paths, int threads, int runs) {
  VariantAccuracy v;
  v.variant = name;
  v.report = make_onnx_accuracy_report(onnx, load, ptq, qfb, validate_paths);
  v.output = worst_output(v.report);
  v.qfb_bytes = qfb.size();
  v.median_latency_ms = median_invoke_ms(qfb, threads, runs);
  return v;
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), pattern, value);
  return text;
}

std::string padded(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

double median_invoke_ms(const std::vector<uint8_t>& qfb, int threads, int runs) {
  Handles h;
  check(qrt_model_load_buffer(qfb.data(), qfb.size(), &h.model), "load");
  check(qrt_options_create(&h.options), "options");
  check(qrt_options_set_num_threads(h.options, threads), "threads");
  check(qrt_interpreter_create(h.model, h.options, &h.interpreter), "create");
  check(qrt_interpreter_prepare(h.interpreter), "prepare");
  size_t inputs = 0;
  check(qrt_interpreter_get_input_count(h.interpreter, &inputs), "input count");
  for (size_t i = 0; i < inputs; ++i) {  // zeros: latency does not depend on the values
    qrt_tensor_info info{};
    check(qrt_interpreter_get_input_info(h.interpreter, i, &info), "input info");
    const std::vector<uint8_t> zeros(info.byte_size, 0);
    check(qrt_interpreter_set_input(h.interpreter, i, zeros.data(), zeros.size()), "set input");
  }
  check(qrt_interpreter_invoke(h.interpreter), "invoke");  // warm-up
  std::vector<double> times;
  for (int r = 0; r < std::max(runs, 1); ++r) {
    const auto start = std::chrono::steady_clock::now();
    check(qrt_interpreter_invoke(h.interpreter), "invoke");
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

VariantReport make_variant_report(const std::vector<uint8_t>& onnx, const ImportOptions& options,
                                  const OnnxLoadOptions& load, const PtqOptions& ptq,
                                  const std::vector<uint8_t>& mixed_qfb,
                                  const std::vector<std::string>& validate_paths, int threads, int latency_runs) {
  VariantReport report;
  report.threads = threads;
  report.latency_runs = latency_runs;
  // Plain int8: no node kept in float, no weight format; float fallback as asked.
  PtqOptions int8 = ptq;
  int8.quantize.keep_float.clear();
  int8.quantize.fp16_weights = false;
  int8.quantize.int4_weights = false;
  int8.quantize.int4_group_size = 0;
  int8.quantize.auto_mixed_db = 0.0;
  PtqOptions all_float = int8;
  all_float.quantize.keep_float = {kKeepAllFloat};

  ImportOptions variant_options = options;
  ImportSummary summary;
  variant_options.ptq = &int8;
  const std::vector<uint8_t> int8_qfb = import_onnx_with_ptq(onnx.data(), onnx.size(), variant_options, load, int8, &summary);
  report.variants.push_back(measure("int8", onnx, load, int8, int8_qfb, validate_paths, threads, latency_runs));
  if (!mixed_qfb.empty()) {
    report.variants.push_back(measure("mixed", onnx, load, ptq, mixed_qfb, validate_paths, threads, latency_runs));
  }
  variant_options.ptq = &all_float;
  const std::vector<uint8_t> float_qfb =
      import_onnx_with_ptq(onnx.data(), onnx.size(), variant_options, load, all_float, &summary);
  report.variants.push_back(measure("float32", onnx, load, all_float, float_qfb, validate_paths, threads, latency_runs));
  report.samples = report.variants.front().report.samples;
  report.inputs_from = report.variants.front().report.inputs_from;
  return report;
}

std::string variant_report_table(const VariantReport& r) {
  std::string t = "variants: float model vs each .qfb on " + std::to_string(r.samples) + " samples from " +
                  r.inputs_from + "; latency: median of " + std::to_string(r.latency_runs) + " invokes, " +
                  std::to_string(r.threads) + " thread" + (r.threads == 1 ? "" : "s") + "\n\n";
  t += padded("variant", 10) + padded("output", 16) + padded("cosine", 10) + padded("SQNR dB", 10) +
       padded("top-1", 10) + padded("size KiB", 11) + "latency ms\n";
  for (const VariantAccuracy& v : r.variants) {
    const ErrorStats& s = v.output.stats;
    const double db = s.sqnr_db();
    t += padded(v.variant, 10) + padded(v.output.name, 16) + padded(format("%.5f", s.cosine()), 10) +
         padded(std::isinf(db) && db > 0 ? "exact" : format("%.2f", db), 10) +
         padded(v.output.elements > 1 ? format("%.2f%%", 100.0 * s.top1_agreement()) : "n/a", 10) +
         padded(format("%.1f", static_cast<double>(v.qfb_bytes) / 1024.0), 11) +
         format("%.3f", v.median_latency_ms) + "\n";
  }
  return t;
}

std::string variant_report_json(const VariantReport& r) {
  tools::JsonWriter json;
  json.begin_object();
  json.key("threads");
  json.value_int(r.threads);
  json.key("latency_runs");
  json.value_int(r.latency_runs);
  json.key("samples");
  json.value_uint(r.samples);
  json.key("variants");
  json.begin_array();
  for (const VariantAccuracy& v : r.variants) {
    const ErrorStats& s = v.output.stats;
    json.begin_object();
    json.key("variant");
    json.value_string(v.variant);
    json.key("output");
    json.value_string(v.output.name);
    json.key("cosine");
    json.value_float(s.cosine());
    json.key("sqnr_db");
    json.value_float(s.sqnr_db());  // +inf becomes null
    json.key("max_abs_error");
    json.value_float(s.max_abs_error);
    json.key("top1_agreement");
    if (v.output.elements > 1) json.value_float(s.top1_agreement());
    else json.value_null();
    json.key("qfb_bytes");
    json.value_uint(v.qfb_bytes);
    json.key("median_latency_ms");
    json.value_float(v.median_latency_ms);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.text();
}

}  // namespace qrt::convert
