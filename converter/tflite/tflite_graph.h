// A verified, bounds-checked view of a .tflite file's main subgraph. Every
// accessor checks what it reads (indices, buffer sizes, dimensions) and
// throws ImportError with the tensor or op it concerns: the file is untrusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "converter/model_import.h"
#include "converter/tflite/tflite_schema_generated.h"

namespace qrt::tflite_import {

namespace tfl = qrt::tflite;

// The format's BuiltinOperator codes that qrt reads.
enum BuiltinCode : int {
  kAdd = 0,
  kAveragePool2D = 1,
  kConcatenation = 2,
  kConv2D = 3,
  kDepthwiseConv2D = 4,
  kDequantize = 6,
  kFullyConnected = 9,
  kLogistic = 14,
  kMaxPool2D = 17,
  kMul = 18,
  kRelu = 19,
  kRelu6 = 21,
  kReshape = 22,
  kResizeBilinear = 23,
  kSoftmax = 25,
  kTanh = 28,
  kCustom = 32,
  kPad = 34,
  kTranspose = 39,
  kMean = 40,
  kSub = 41,
  kSqueeze = 43,
  kStridedSlice = 45,
  kSplit = 49,
  kArgMax = 56,
  kPadV2 = 60,
  kResizeNearestNeighbor = 97,
  kSplitV = 102,
  kLeakyRelu = 98,
  kQuantize = 114,
  kHardSwish = 117,
};

// Raw bytes of a constant tensor inside the file.
struct ConstBytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

class TfliteGraph {
 public:
  // Runs the FlatBuffers verifier (identifier "TFL3") and checks there is a
  // subgraph. `data` must outlive the graph.
  TfliteGraph(const uint8_t* data, size_t size);

  const tfl::Model& model() const { return *model_; }
  const tfl::SubGraph& subgraph() const { return *subgraph_; }
  size_t tensor_count() const { return tensor_count_; }
  size_t op_count() const;

  // Checked: index in range.
  const tfl::Tensor& tensor(int index) const;
  std::string tensor_name(int index) const;
  // "'name' INT8[1,2,3]" for messages.
  std::string describe(int index) const;
  // Dimensions, each >= 0, element count bounded (2^31).
  std::vector<int32_t> shape(int index) const;
  size_t element_count(int index) const;

  // The constant's bytes (exactly element count x dtype size), or empty for
  // an activation (buffer 0 or an empty buffer).
  ConstBytes constant_data(int index) const;
  bool is_constant(int index) const { return constant_data(index).data != nullptr; }
  // Values of a constant INT32 or INT64 tensor (a shape, axes, paddings...).
  std::vector<int64_t> int_values(int index, const std::string& what) const;

  // The operator's builtin code (kCustom for custom ops); checks opcode_index.
  int builtin_code(const tfl::Operator& op) const;
  // "CONV_2D", "custom op 'Foo'" or "DIV (builtin 42)": for messages.
  std::string op_label(const tfl::Operator& op) const;

 private:
  const tfl::OperatorCode& op_code(const tfl::Operator& op) const;

  const uint8_t* file_;
  size_t file_size_;
  const tfl::Model* model_ = nullptr;
  const tfl::SubGraph* subgraph_ = nullptr;
  size_t tensor_count_ = 0;
};

// Bytes per element of a TFLite tensor type; 0 for types with no fixed size.
size_t tflite_dtype_size(tfl::TensorType type);
const char* tflite_dtype_name(tfl::TensorType type);

}  // namespace qrt::tflite_import
