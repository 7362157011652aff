#include "converter/model_import_dispatch.h"

#include <algorithm>
#include <cctype>

#include "converter/calibration/dynamic_quantization.h"
#include "converter/calibration/onnx_static_ptq.h"
#include "converter/onnx/onnx_importer.h"
#include "converter/tflite/tflite_importer.h"

namespace qrt {
namespace {

std::string lower_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return ext;
}

std::vector<uint8_t> import_onnx_model(const std::vector<uint8_t>& bytes, const ImportOptions& options,
                                       ImportSummary* summary) {
  convert::OnnxLoadOptions load;
  load.input_shapes = options.input_shapes;
  if (options.dynamic_quantization) return import_onnx_dynamic(bytes.data(), bytes.size(), options, load, summary);
  if (options.ptq && options.ptq->requested()) {
    return import_onnx_with_ptq(bytes.data(), bytes.size(), options, load, *options.ptq, summary);
  }
  return import_onnx(bytes.data(), bytes.size(), options, load, summary);
}

}  // namespace

SourceFormat detect_source_format(const std::string& path, const std::vector<uint8_t>& bytes) {
  if (looks_like_tflite(bytes.data(), bytes.size())) return SourceFormat::kTflite;
  const std::string ext = lower_extension(path);
  if (ext == ".tflite") return SourceFormat::kTflite;
  if (ext == ".onnx") return SourceFormat::kOnnx;
  return SourceFormat::kUnknown;
}

const char* source_format_name(SourceFormat format) {
  switch (format) {
    case SourceFormat::kTflite: return "TFLite";
    case SourceFormat::kOnnx: return "ONNX";
    default: return "unknown";
  }
}

std::vector<uint8_t> import_model(const std::string& path, const std::vector<uint8_t>& bytes,
                                  const ImportOptions& options, ImportSummary* summary) {
  switch (detect_source_format(path, bytes)) {
    case SourceFormat::kTflite: return import_tflite(bytes.data(), bytes.size(), options, summary);
    case SourceFormat::kOnnx: return import_onnx_model(bytes, options, summary);
    default:
      throw ImportError("'" + path + "' is neither a TFLite model (no \"TFL3\" identifier) nor named .onnx");
  }
}

}  // namespace qrt
