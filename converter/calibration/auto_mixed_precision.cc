#include "converter/calibration/auto_mixed_precision.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "converter/calibration/onnx_static_ptq.h"
#include "converter/report/accuracy_report.h"

namespace qrt::convert {
namespace {

double lowest_output_sqnr(const AccuracyReport& report) {
  double lowest = std::numeric_limits<double>::infinity();
  for (const OutputAccuracy& o : report.outputs) lowest = std::min(lowest, o.stats.sqnr_db());
  return lowest;
}

std::string format_db(double db) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f dB", db);
  return text;
}

}  // namespace

AutoMixedResult convert_auto_mixed(const std::vector<uint8_t>& onnx, const ImportOptions& options,
                                   const OnnxLoadOptions& load, PtqOptions ptq, double target_db,
                                   ImportSummary* summary) {
  AutoMixedResult result;
  for (;;) {
    ImportSummary round_summary;
    std::vector<uint8_t> qfb = import_onnx_with_ptq(onnx.data(), onnx.size(), options, load, ptq, &round_summary);
    const AccuracyReport report = make_onnx_accuracy_report(onnx, load, ptq, qfb, {});
    const double sqnr = lowest_output_sqnr(report);
    result.rounds.push_back("auto-mixed: " + std::to_string(result.kept_float.size()) + " layer" +
                            (result.kept_float.size() == 1 ? "" : "s") + " kept in float32, output SQNR " +
                            format_db(sqnr) + " (target " + format_db(target_db) + ")");
    result.qfb = std::move(qfb);
    result.output_sqnr_db = sqnr;
    if (summary) *summary = round_summary;
    if (sqnr >= target_db) return result;
    // The worst layer (the report lists them worst first) below the target and still int8.
    std::string next;
    for (const LayerAccuracy& layer : report.layers) {
      if (layer.stats.sqnr_db() >= target_db) break;
      const std::string& node = layer.layer.node;
      if (node.empty() || layer.layer.op_type == "input" || ptq.quantize.keep_float.count(node)) continue;
      next = node;
      break;
    }
    if (next.empty()) {
      result.rounds.push_back("auto-mixed: no int8 layer below the target is left; the output stays at " +
                              format_db(sqnr));
      return result;
    }
    ptq.quantize.keep_float.insert(next);
    result.kept_float.insert(next);
    result.rounds.back() += "; keeping '" + next + "' in float32 next";
  }
}

}  // namespace qrt::convert
