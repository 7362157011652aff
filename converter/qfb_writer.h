// QfbWriter: builds a .qfb file in memory. Used by qconvert's back end, by the
// example-model builder and by tests that make small models.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schema/qfb_generated.h"

namespace qrt {

class QfbWriter {
 public:
  QfbWriter();

  // Adds an activation tensor; returns its index. Empty scales: not quantized.
  int add_tensor(const std::string& name, fb::DType dtype, const std::vector<int32_t>& shape,
                 const std::vector<float>& scales = {}, const std::vector<int32_t>& zero_points = {},
                 int32_t channel_axis = -1);
  // Adds a constant tensor whose bytes go into the data segment.
  int add_constant(const std::string& name, fb::DType dtype, const std::vector<int32_t>& shape,
                   std::vector<uint8_t> bytes, const std::vector<float>& scales = {},
                   const std::vector<int32_t>& zero_points = {}, int32_t channel_axis = -1);
  // Adds an op; returns its index. `options` may be empty (NONE).
  int add_op(fb::OpType type, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
             fb::OpOptionsUnion options = {}, fb::RequantRule rule = fb::RequantRule::FP32,
             const std::string& name = "");
  void add_input(int tensor, fb::DType external_dtype = fb::DType::INT8);
  void add_output(int tensor, fb::DType external_dtype = fb::DType::INT8);
  void set_metadata(const std::string& producer, const std::string& description,
                    const std::vector<std::string>& labels = {}, const std::string& source_digest = "");

  // A writer holding an existing, verified .qfb (graph, metadata, constants)
  // without its packed weights: qconvert --pack adds fresh ones.
  static QfbWriter from_qfb(const uint8_t* data, size_t size);
  // Adds op `op`'s weights packed in `format` for `isa`, with the checksum
  // the runtime computed (qrt_interpreter_get_op_packed_weights).
  void add_packed_weights(uint32_t op, const std::string& format, const std::string& isa, uint64_t checksum,
                          std::vector<uint8_t> bytes);

  // The object model, for callers that need to adjust a field directly.
  fb::ModelT& model() { return model_; }

  // The file: the FlatBuffer, then each constant at a 64-byte aligned offset.
  std::vector<uint8_t> serialize() const;

 private:
  fb::ModelT model_;
  std::vector<std::vector<uint8_t>> constants_;  // by buffer index
};

// Bytes of a typed array, for add_constant.
template <typename T>
std::vector<uint8_t> to_bytes(const std::vector<T>& values) {
  const auto* p = reinterpret_cast<const uint8_t*>(values.data());
  return std::vector<uint8_t>(p, p + values.size() * sizeof(T));
}

}  // namespace qrt
