// Dynamic quantization of a float ONNX model (qconvert --dynamic): the
// constant weights of Gemm, MatMul and Conv become int8, symmetric per
// output channel; activations stay float32 and each DYNAMIC_FULLY_CONNECTED
// / DYNAMIC_CONV_2D op quantizes its input per inference from its actual
// range (kernels/reference/dynamic_fully_connected_f32s8.h,
// dynamic_conv2d_f32s8.h), as onnxruntime.quantization.quantize_dynamic's
// graphs do. Every other node runs on the float32 path. No calibration data
// is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "converter/ir/graph.h"
#include "converter/model_import.h"
#include "converter/onnx/onnx_loader.h"

namespace qrt::convert {

// float form -> quantized form with DynamicFullyConnected and DynamicConv
// nodes (converter/onnx/dynamic_quant_import.h) and every other node float32. An
// Add of a per-column constant after a MatMul becomes its bias, and a Relu
// that alone reads a rewritten node's output fuses into it. Throws
// std::runtime_error (FloatExecutorError, QuantizeError) with a message.
IrGraph dynamic_quantize_float_graph(IrGraph graph, std::vector<std::string>* notes);

}  // namespace qrt::convert

namespace qrt {

// A float .onnx -> .qfb with dynamic quantization. A model that is already
// quantized converts as import_onnx does (with a note). Throws ImportError.
std::vector<uint8_t> import_onnx_dynamic(const uint8_t* data, size_t size, const ImportOptions& options,
                                         const convert::OnnxLoadOptions& load, ImportSummary* summary);

}  // namespace qrt
