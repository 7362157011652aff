#include "converter/onnx/onnx_importer.h"

#include "converter/lowering/qfb_lowering.h"
#include "converter/onnx/dynamic_quant_import.h"
#include "converter/onnx/import_constant_folding.h"
#include "converter/onnx/integer_ops_import.h"
#include "converter/onnx/qdq_import.h"
#include "converter/onnx/qoperator_import.h"
#include "converter/onnx/uint8_to_int8.h"
#include "converter/qfb_writer.h"
#include "converter/sha256.h"

#ifndef QRT_CONVERTER_VERSION
#define QRT_CONVERTER_VERSION "unknown"
#endif

namespace qrt {
namespace {

// A float model converts only through static PTQ, which needs calibration
// data; the command line wires --calib to it.
[[noreturn]] void refuse_float_model() {
  throw ImportError(
      "this is a float ONNX model (no QuantizeLinear / DequantizeLinear or QLinear* ops); converting it needs "
      "static post-training quantization with calibration data: give --calib PATH (.npy batches or images)");
}

}  // namespace

bool onnx_graph_is_quantized(const convert::IrGraph& graph) {
  for (const convert::IrNode& n : graph.nodes) {
    if (convert::is_quantize_node(n) || convert::is_dequantize_node(n) || convert::is_qoperator_node(n)) return true;
    if (n.op_type == "ConvInteger" || n.op_type == "MatMulInteger" || n.op_type == "DynamicQuantizeLinear") return true;
    if (n.op_type == "DynamicQuantizeMatMul" && n.domain == "com.microsoft") return true;
  }
  return false;
}

std::set<std::string> onnx_to_quantized_form(convert::IrGraph& graph, std::vector<std::string>* notes) {
  convert::fold_import_constants(graph);
  convert::fold_expanded_dynamic_quantize_linear(graph);  // before fold_qdq, which needs constant scales
  convert::import_qoperators(graph);
  convert::fold_qdq(graph, notes);
  convert::import_dynamic_quantization(graph, notes);  // DynamicQuantizeLinear + MatMulInteger, DynamicQuantizeMatMul
  convert::import_integer_ops(graph);  // what is left of ConvInteger, MatMulInteger, DynamicQuantizeLinear
  return convert::convert_uint8_to_int8(graph);
}

std::vector<uint8_t> write_quantized_graph(const convert::IrGraph& graph, const std::set<std::string>& uint8_interface,
                                           const ImportOptions& options, const std::string& source_digest,
                                           const std::string& source_description, ImportSummary* summary) {
  QfbWriter writer;
  convert::LoweringOptions lowering;
  lowering.nhwc_io = options.nhwc_io;
  lowering.uint8_interface = uint8_interface;
  convert::LoweringResult result;
  convert::lower_to_qfb(graph, lowering, writer, &result);
  const std::string producer = options.producer.empty() ? "qconvert " QRT_CONVERTER_VERSION : options.producer;
  writer.set_metadata(producer, options.description.empty() ? source_description : options.description,
                      options.labels, source_digest);
  if (summary) {
    const fb::ModelT& m = writer.model();
    summary->op_count = m.graph->operators.size();
    summary->tensor_count = m.graph->tensors.size();
    for (const auto& op : m.graph->operators) ++summary->op_counts[fb::EnumNameOpType(op->type)];
    for (const auto& t : m.graph->tensors) {  // buffers get their sizes at serialize()
      if (t->buffer < 0) continue;
      size_t bytes = t->dtype == fb::DType::INT32 || t->dtype == fb::DType::FLOAT32 ? 4 : t->dtype == fb::DType::INT8 ? 1 : 2;
      for (int32_t d : t->shape) bytes *= static_cast<size_t>(d);
      summary->constant_bytes += bytes;
    }
    summary->notes.insert(summary->notes.end(), result.notes.begin(), result.notes.end());
  }
  return writer.serialize();
}

std::vector<uint8_t> import_onnx(const uint8_t* data, size_t size, const ImportOptions& options,
                                 const convert::OnnxLoadOptions& load, ImportSummary* summary) {
  convert::OnnxModel model = convert::load_onnx_model(data, size, load);
  if (!onnx_graph_is_quantized(model.graph)) refuse_float_model();
  ImportSummary local;
  ImportSummary& s = summary ? *summary : local;
  s.source_format = "ONNX";
  s.notes = model.notes;
  const std::set<std::string> uint8_interface = onnx_to_quantized_form(model.graph, &s.notes);
  return write_quantized_graph(model.graph, uint8_interface, options, "sha256:" + sha256_hex(data, size),
                               model.description, &s);
}

}  // namespace qrt
