// qconvert: converts a model (.tflite, or .onnx: quantized, or float with
// static PTQ and an optional accuracy report) into a .qfb file.
//
// Exit status: 0 success, 1 conversion or file failure, 2 usage error.
// The result is loaded back through qrt's public API before it is written,
// so a file qconvert writes is one this qrt build accepts.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "converter/calibration/auto_mixed_precision.h"
#include "converter/calibration/mixed_precision_flags.h"
#include "converter/calibration/ptq_options.h"
#include "converter/model_import_dispatch.h"
#include "converter/onnx/onnx_loader.h"
#include "converter/packing/pack_weights.h"
#include "converter/report/accuracy_report.h"
#include "converter/report/report_format.h"
#include "converter/report/variant_report.h"
#include "qrt/qrt.h"
#include "runtime/tools/file_io.h"

#ifndef QRT_CONVERTER_VERSION
#define QRT_CONVERTER_VERSION "unknown"
#endif

namespace {

constexpr int kExitConversionError = 1;
constexpr int kExitUsageError = 2;
constexpr int kLatencyRuns = 20;  // --compare-variants: invokes per variant, the median is shown

constexpr const char* kUsage =
    "usage: qconvert MODEL -o OUT.qfb [--description TEXT] [--labels FILE]\n"
    "\n"
    "Converts a quantized TFLite model (.tflite), a quantized ONNX model (.onnx: QDQ or QOperator) or,\n"
    "with --calib, a float ONNX model (static post-training quantization; or --dynamic) into qrt's .qfb format.\n"
    "\n"
    "  MODEL              the source model; the format is read from its content or extension\n"
    "  -o, --output FILE  the .qfb to write\n"
    "  --description TEXT free text stored in the .qfb (default: the model's own description)\n"
    "  --labels FILE      class labels, one per line (line i names output index i)\n"
    "  --input-shape NAME=1x3x224x224\n"
    "                     ONNX: the shape of a graph input with dynamic dimensions (repeatable)\n"
    "  --nhwc-io          ONNX: rank-4 inputs and outputs NHWC, as qrt runs inside (default: as declared)\n"
    "  --report           float ONNX with --calib: print how far the int8 model is from the float one\n"
    "                     (per output cosine, SQNR, max abs error, top-1 agreement; per layer SQNR)\n"
    "  --report-json FILE the same report as JSON\n"
    "  --compare-variants with --report / --report-json: also convert plain int8 and all-float32\n"
    "                     (--keep-float '*') and print them beside the mixed model (when --keep-float,\n"
    "                     --auto-mixed or --weights made one): output cosine, SQNR, top-1, .qfb size, latency\n"
    "  --threads N        --compare-variants: threads of the latency runs (default 1)\n"
    "  --validate PATH    the report's inputs: .npy batches, images or folders (repeatable;\n"
    "                     default: the calibration data)\n"
    "  --dynamic          float ONNX: dynamic quantization, no calibration data: Gemm / MatMul / Conv /\n"
    "                     LSTM / GRU weights\n"
    "                     int8 per channel, activations float32, quantized per inference from their range\n"
    "  --pack ISA[,ISA]   also store the weights packed for these kernel ISAs (e.g. avx512vnni,avx2; 'best':\n"
    "                     this CPU's best), so prepare on such a CPU skips packing; others repack from the\n"
    "                     original weights, which stay in the file. MODEL may be a .qfb to pack it alone.\n"
    "                     This CPU must have the ISAs (qrun --info lists them)\n"
    "  --help             this text\n"
    "\n"
    "Exit status: 0 converted, 1 conversion failed, 2 usage error.\n";

struct Arguments {
  std::string model, output, description, labels;
  bool has_description = false;
  std::vector<std::string> input_shapes;  // NAME=DIMS, as given
  bool nhwc_io = false;
  bool report = false;
  bool dynamic = false;  // --dynamic
  bool compare_variants = false;
  int threads = 1;  // --compare-variants' latency runs
  std::string report_json;
  std::vector<std::string> validate_paths;
  std::vector<std::string> pack_isas;  // --pack
  qrt::convert::PtqOptions ptq;  // --calib, --calib-method, --percentile, --per-tensor
};

void print_usage(FILE* to) {
  std::fputs(kUsage, to);
  std::fprintf(to, "\nStatic PTQ of float ONNX models:\n%s", qrt::convert::kPtqUsage);
  std::fprintf(to, "\nMixed precision (with static PTQ):\n%s", qrt::convert::kMixedPrecisionUsage);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "qconvert: %s\n\n", message.c_str());
  print_usage(stderr);
  return kExitUsageError;
}

// Returns -1 when parsing succeeded, else the exit status.
int parse_arguments(int argc, char** argv, Arguments* a) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      print_usage(stdout);
      return 0;
    } else if (arg == "-o" || arg == "--output") {
      if (!value(&a->output)) return usage_error(arg + " needs a file name");
    } else if (arg == "--description") {
      if (!value(&a->description)) return usage_error("--description needs a text");
      a->has_description = true;
    } else if (arg == "--input-shape") {
      std::string text;
      if (!value(&text) || text.find('=') == std::string::npos) return usage_error("--input-shape needs NAME=1x3x224x224");
      a->input_shapes.push_back(text);
    } else if (arg == "--nhwc-io") {
      a->nhwc_io = true;
    } else if (arg == "--dynamic") {
      a->dynamic = true;
    } else if (arg == "--report") {
      a->report = true;
    } else if (arg == "--compare-variants") {
      a->compare_variants = true;
    } else if (arg == "--threads") {
      std::string text;
      if (!value(&text) || text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(text) < 1) {
        return usage_error("--threads needs a thread count of at least 1");
      }
      a->threads = std::stoi(text);
    } else if (arg == "--report-json") {
      if (!value(&a->report_json)) return usage_error("--report-json needs a file name");
    } else if (arg == "--validate") {
      std::string path;
      if (!value(&path)) return usage_error("--validate needs a path");
      a->validate_paths.push_back(path);
    } else if (arg == "--pack") {
      std::string list;
      if (!value(&list) || list.empty()) return usage_error("--pack needs ISA names, e.g. avx512vnni,avx2");
      for (size_t start = 0; start <= list.size();) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string isa = list.substr(start, comma - start);
        if (isa.empty()) return usage_error("--pack: empty ISA name in '" + list + "'");
        a->pack_isas.push_back(isa == "best" ? "" : isa);
        start = comma + 1;
      }
    } else if (arg == "--labels") {
      if (!value(&a->labels)) return usage_error("--labels needs a file name");
    } else if (std::string ptq_error; const int ptq = qrt::convert::parse_ptq_argument(argc, argv, &i, &a->ptq, &ptq_error)) {
      if (ptq < 0) return usage_error(ptq_error);
    } else if (std::string mp_error; const int mp = qrt::convert::parse_mixed_precision_argument(
                                         argc, argv, &i, &a->ptq.quantize, &mp_error)) {
      if (mp < 0) return usage_error(mp_error);
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'");
    } else if (a->model.empty()) {
      a->model = arg;
    } else {
      return usage_error("more than one model given ('" + a->model + "', '" + arg + "')");
    }
  }
  if (a->model.empty()) return usage_error("no model given");
  if (a->output.empty()) return usage_error("no output file given (-o OUT.qfb)");
  const bool wants_report = a->report || !a->report_json.empty();
  if (a->dynamic && (a->ptq.requested() || wants_report)) {
    return usage_error("--dynamic needs no calibration: it cannot be combined with --calib, --report or --report-json");
  }
  if (wants_report && !a->ptq.requested()) {
    return usage_error("--report compares a float ONNX model with its int8 conversion: it needs --calib");
  }
  const qrt::convert::QuantizeOptions& q = a->ptq.quantize;
  if ((!q.keep_float.empty() || q.allow_float_fallback || q.fp16_weights || q.int4_weights || q.auto_mixed_db > 0) &&
      !a->ptq.requested()) {
    return usage_error("--keep-float, --allow-float-fallback and --weights choose precisions in static PTQ: they need --calib");
  }
  if (q.int4_group_size > 0 && !q.int4_weights) return usage_error("--group is for --weights int4");
  if (a->compare_variants && !wants_report) return usage_error("--compare-variants is for --report / --report-json");
  if (a->threads != 1 && !a->compare_variants) return usage_error("--threads is for --compare-variants");
  if (!a->validate_paths.empty() && !wants_report) return usage_error("--validate is for --report / --report-json");
  return -1;
}

std::vector<std::string> split_lines(const std::vector<uint8_t>& bytes) {
  std::vector<std::string> lines;
  std::string line;
  for (uint8_t b : bytes) {
    if (b == '\n') {
      lines.push_back(line);
      line.clear();
    } else if (b != '\r') {
      line += static_cast<char>(b);
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string kib(size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  return text;
}

void print_summary(const Arguments& a, const qrt::ImportSummary& s, size_t in_size, size_t out_size) {
  std::printf("converted %s model '%s' -> '%s'\n", s.source_format.c_str(), a.model.c_str(), a.output.c_str());
  std::printf("  ops: %zu (", s.op_count);
  bool first = true;
  for (const auto& [type, count] : s.op_counts) {
    std::printf("%s%s x%d", first ? "" : ", ", type.c_str(), count);
    first = false;
  }
  std::printf(")\n  tensors: %zu, constants: %s\n", s.tensor_count, kib(s.constant_bytes).c_str());
  std::printf("  size: %s -> %s\n", kib(in_size).c_str(), kib(out_size).c_str());
  for (const std::string& note : s.notes) std::printf("  note: %s\n", note.c_str());
}

// Runs after the .qfb is written, so a failing report never costs the conversion.
int accuracy_report(const Arguments& a, const std::vector<uint8_t>& source, const std::vector<uint8_t>& qfb) {
  if (qrt::detect_source_format(a.model, source) != qrt::SourceFormat::kOnnx) {
    std::fprintf(stderr, "qconvert: --report needs a float ONNX model\n");
    return kExitConversionError;
  }
  qrt::convert::AccuracyReport report;
  qrt::convert::VariantReport variants;
  try {
    qrt::convert::OnnxLoadOptions load;
    for (const std::string& text : a.input_shapes) {
      const size_t eq = text.rfind('=');
      load.input_shapes[text.substr(0, eq)] = qrt::convert::parse_shape_text(text.substr(eq + 1));
    }
    report = qrt::convert::make_onnx_accuracy_report(source, load, a.ptq, qfb, a.validate_paths);
    if (a.compare_variants) {
      const qrt::convert::QuantizeOptions& q = a.ptq.quantize;
      const bool mixed = !q.keep_float.empty() || q.auto_mixed_db > 0 || q.fp16_weights || q.int4_weights;
      qrt::ImportOptions options;
      options.nhwc_io = a.nhwc_io;
      options.input_shapes = load.input_shapes;
      variants = qrt::convert::make_variant_report(source, options, load, a.ptq, mixed ? qfb : std::vector<uint8_t>{},
                                                   a.validate_paths, a.threads, kLatencyRuns);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qconvert: accuracy report failed: %s\n", e.what());
    return kExitConversionError;
  }
  if (a.report) std::printf("\n%s", qrt::convert::accuracy_report_table(report).c_str());
  if (a.report && a.compare_variants) std::printf("\n%s", qrt::convert::variant_report_table(variants).c_str());
  if (!a.report_json.empty()) {
    std::string json = qrt::convert::accuracy_report_json(report);
    if (a.compare_variants) {  // one more key in the report's object
      const size_t end = json.rfind('}');
      json = json.substr(0, end) + ",\"compare_variants\":" + qrt::convert::variant_report_json(variants) + "}";
    }
    std::string error;
    if (!qrt::tools::write_file_bytes(a.report_json, json.data(), json.size(), &error)) {
      std::fprintf(stderr, "qconvert: %s\n", error.c_str());
      return kExitConversionError;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments a;
  const int parsed = parse_arguments(argc, argv, &a);
  if (parsed >= 0) return parsed;

  std::vector<uint8_t> source;
  std::string error;
  if (!qrt::tools::read_file_bytes(a.model, &source, &error)) {
    std::fprintf(stderr, "qconvert: %s\n", error.c_str());
    return kExitConversionError;
  }
  qrt::ImportOptions options;
  options.producer = "qconvert " QRT_CONVERTER_VERSION;
  if (a.has_description) options.description = a.description;
  if (!a.labels.empty()) {
    std::vector<uint8_t> label_bytes;
    if (!qrt::tools::read_file_bytes(a.labels, &label_bytes, &error)) {
      std::fprintf(stderr, "qconvert: %s\n", error.c_str());
      return kExitConversionError;
    }
    options.labels = split_lines(label_bytes);
  }

  qrt::ImportSummary summary;
  std::vector<uint8_t> qfb;
  const bool is_qfb = source.size() >= 8 && std::memcmp(source.data() + 4, "QFB1", 4) == 0;
  if (is_qfb) {
    if (a.pack_isas.empty()) {
      std::fprintf(stderr, "qconvert: '%s' is already a .qfb; give --pack to pack its weights\n", a.model.c_str());
      return kExitUsageError;
    }
    qfb = source;
  } else try {
    options.nhwc_io = a.nhwc_io;
    options.ptq = &a.ptq;
    options.dynamic_quantization = a.dynamic;
    for (const std::string& text : a.input_shapes) {
      const size_t eq = text.rfind('=');
      options.input_shapes[text.substr(0, eq)] = qrt::convert::parse_shape_text(text.substr(eq + 1));
    }
    if (a.ptq.quantize.auto_mixed_db > 0) {  // mixed precision chosen by measurement
      qrt::convert::OnnxLoadOptions load;
      load.input_shapes = options.input_shapes;
      const qrt::convert::AutoMixedResult mixed =
          qrt::convert::convert_auto_mixed(source, options, load, a.ptq, a.ptq.quantize.auto_mixed_db, &summary);
      qfb = mixed.qfb;
      a.ptq.quantize.keep_float.insert(mixed.kept_float.begin(), mixed.kept_float.end());  // for --report
      summary.notes.insert(summary.notes.end(), mixed.rounds.begin(), mixed.rounds.end());
    } else {
      qfb = qrt::import_model(a.model, source, options, &summary);
    }
  } catch (const qrt::ImportError& e) {
    std::fprintf(stderr, "qconvert: cannot convert '%s': %s\n", a.model.c_str(), e.what());
    return kExitConversionError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qconvert: cannot convert '%s': %s\n", a.model.c_str(), e.what());
    return kExitConversionError;
  }

  // Check the result as qrun will see it: verification and every op's check.
  qrt_model* model = nullptr;
  if (qrt_model_load_buffer(qfb.data(), qfb.size(), &model) != QRT_OK) {
    std::fprintf(stderr, "qconvert: the converted model does not load in this qrt build: %s\n", qrt_last_error());
    return kExitConversionError;
  }
  qrt_model_destroy(model);

  if (!a.pack_isas.empty()) {
    std::vector<uint8_t> packed;
    qrt::WeightPackingSummary packing;
    try {
      if (!qrt::pack_qfb_weights(qfb, a.pack_isas, &packed, &error, &packing)) {
        std::fprintf(stderr, "qconvert: --pack: %s\n", error.c_str());
        return kExitConversionError;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "qconvert: --pack: %s\n", e.what());
      return kExitConversionError;
    }
    qfb = std::move(packed);
    summary.notes.push_back("packed weights: " + std::to_string(packing.packings) + " blobs, " + kib(packing.bytes));
  }

  if (!qrt::tools::write_file_bytes(a.output, qfb.data(), qfb.size(), &error)) {
    std::fprintf(stderr, "qconvert: %s\n", error.c_str());
    return kExitConversionError;
  }
  if (is_qfb) {
    std::printf("packed '%s' -> '%s' (%s)\n", a.model.c_str(), a.output.c_str(),
                summary.notes.empty() ? "" : summary.notes.back().c_str());
    return 0;
  }
  print_summary(a, summary, source.size(), qfb.size());
  if (a.report || !a.report_json.empty()) return accuracy_report(a, source, qfb);
  return 0;
}
