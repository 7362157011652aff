// The state one TFLite import shares between op converters: the source
// graph, the .qfb being written, and the map from TFLite tensors to .qfb
// tensors (created on first use, so constants that became op options, such
// as a RESHAPE's shape tensor, do not reach the .qfb).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "converter/model_import.h"
#include "converter/qfb_writer.h"
#include "converter/tflite/tflite_graph.h"

namespace qrt::tflite_import {

// Thrown by an op converter for an op qrt cannot import; the importer
// collects these over all ops and reports them in one error.
class UnsupportedOp : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One TFLite operator with its tensor indices already range-checked
// (inputs may hold -1 for an absent optional input).
struct TfliteOp {
  int index = 0;
  int code = 0;
  std::string label;  // "CONV_2D"
  std::string name;   // the first output tensor's name: TFLite ops have none
  const tfl::Operator* op = nullptr;
  std::vector<int> inputs, outputs;
};

class Context {
 public:
  Context(const TfliteGraph& graph, QfbWriter& writer, ImportSummary& summary)
      : graph_(graph), writer_(writer), summary_(summary) {}

  const TfliteGraph& graph() const { return graph_; }

  // The .qfb tensor for TFLite tensor `index`, created on first use: uint8
  // becomes int8 (values and zero points - 128), constants are copied.
  int tensor(int index);
  // As tensor(), but -1 (an absent optional input) stays -1.
  int optional_tensor(int index) { return index < 0 ? -1 : tensor(index); }
  // Makes the .qfb tensor for TFLite tensor `index` use `dtype` (ARG_MAX's
  // int64 output becomes int32). Call before the tensor is first used.
  void override_dtype(int index, fb::DType dtype) { dtype_overrides_[index] = dtype; }
  // An extra activation quantized like TFLite tensor `like`, with `shape`.
  int add_intermediate(int like, const std::string& name, const std::vector<int32_t>& shape);
  // Whether the TFLite tensor is uint8 (its .qfb tensor is int8).
  bool is_uint8(int index) const;

  void emit(fb::OpType type, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
            fb::OpOptionsUnion options, const std::string& name);
  void note(const std::string& text) { summary_.notes.push_back(text); }

  // The op's input `k`, required present (throws ImportError otherwise).
  int input(const TfliteOp& op, size_t k) const;
  int output(const TfliteOp& op, size_t k) const;
  void expect_counts(const TfliteOp& op, size_t min_inputs, size_t max_inputs, size_t outputs) const;

 private:
  fb::DType qfb_dtype(int index) const;

  const TfliteGraph& graph_;
  QfbWriter& writer_;
  ImportSummary& summary_;
  std::map<int, int> qfb_index_;  // TFLite tensor -> .qfb tensor
  std::map<int, fb::DType> dtype_overrides_;
};

// "op 3 (CONV_2D 'name')": the prefix of every message about an op.
std::string op_where(const TfliteOp& op);

// Element `i` of an int64 vector of the TFLite file (zero points). The
// FlatBuffers verifier aligns vectors to 4 bytes only, so a crafted file can
// place int64 elements at addresses that are not 8-byte aligned: read them
// with memcpy, never through an int64_t pointer (undefined behaviour).
int64_t read_int64_element(const flatbuffers::Vector<int64_t>& values, size_t i);

}  // namespace qrt::tflite_import
