#include "converter/calibration/mixed_precision_flags.h"

#include <cstdlib>

namespace qrt::convert {

const char* const kMixedPrecisionUsage =
    "  --keep-float N[,N] keep these nodes (ONNX node names, after qrt's float passes) in float32;\n"
    "                     QuantizeLinear / DequantizeLinear are inserted where they meet int8 ops.\n"
    "                     '*' keeps every node: a float32 .qfb\n"
    "  --allow-float-fallback  run ops that have no int8 form in qrt (Div by a constant, Neg,\n"
    "                     a BatchNormalization no conv absorbed) in float32 instead of refusing\n"
    "  --auto-mixed DB    keep layers in float32, worst per-layer SQNR first (--report's, on the\n"
    "                     calibration inputs), until the output SQNR reaches DB\n"
    "  --weights fp16     store the weights of the float32 nodes as float16 (half the bytes;\n"
    "                     widened to float32 when the model is prepared)\n"
    "  --weights int4     weight-only int4: Gemm / MatMul with constant weights and 1x1 convolutions\n"
    "                     run in float32 with int4 weights (symmetric, [-7, 7]; an eighth of\n"
    "                     float32's bytes plus the scales)\n"
    "  --group G          with --weights int4: one scale per G inputs (32, 64 or 128); default one\n"
    "                     scale per output channel\n";

int parse_mixed_precision_argument(int argc, char** argv, int* i, QuantizeOptions* options, std::string* error) {
  const std::string arg = argv[*i];
  if (arg == "--allow-float-fallback") {
    options->allow_float_fallback = true;
    return 1;
  }
  if (arg == "--weights") {
    const std::string kind = *i + 1 < argc ? argv[*i + 1] : "";
    if (kind != "fp16" && kind != "int4") {
      *error = "--weights takes fp16 (the float32 nodes' weights as float16) or int4 (weight-only int4 for "
               "Gemm / MatMul); got '" + kind + "'";
      return -1;
    }
    if (options->fp16_weights || options->int4_weights) {
      *error = "--weights given twice";
      return -1;
    }
    ++*i;
    (kind == "fp16" ? options->fp16_weights : options->int4_weights) = true;
    return 1;
  }
  if (arg == "--group") {
    const std::string text = *i + 1 < argc ? argv[*i + 1] : "";
    if (text != "32" && text != "64" && text != "128") {
      *error = "--group takes 32, 64 or 128 (inputs per int4 scale); got '" + text + "'";
      return -1;
    }
    ++*i;
    options->int4_group_size = std::atoi(text.c_str());
    return 1;
  }
  if (arg == "--auto-mixed") {
    const std::string text = *i + 1 < argc ? argv[*i + 1] : "";
    char* end = nullptr;
    const double db = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(db > 0.0) || db > 200.0) {
      *error = "--auto-mixed takes the output SQNR to reach, in dB (e.g. 30); got '" + text + "'";
      return -1;
    }
    ++*i;
    options->auto_mixed_db = db;
    return 1;
  }
  if (arg != "--keep-float") return 0;
  if (*i + 1 >= argc) {
    *error = "--keep-float needs node names (NAME[,NAME...])";
    return -1;
  }
  const std::string list = argv[++*i];
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty()) {
      *error = "--keep-float: empty node name in '" + list + "'";
      return -1;
    }
    options->keep_float.insert(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return 1;
}

}  // namespace qrt::convert
