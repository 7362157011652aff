// Model: an immutable, verified view of a .qfb file. The bytes come from an
// mmap, a copy the model owns, or the caller's memory; constant tensors point
// straight into them. Safe to share between interpreters on many threads;
// its one mutable part, the packed-weight cache, locks itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/requantization.h"
#include "runtime/packed_weights.h"
#include "runtime/status.h"
#include "schema/qfb_generated.h"

namespace qrt {

enum class DType : uint8_t {
  kInt8 = 0,
  kUInt8 = 1,
  kInt16 = 2,
  kInt32 = 3,
  kFloat32 = 4,
  kFloat16 = 5,
};

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);

struct Quantization {
  std::vector<float> scales;          // empty: not quantized
  std::vector<int32_t> zero_points;   // as long as scales
  int32_t channel_axis = -1;          // -1: per tensor

  bool present() const { return !scales.empty(); }
  bool per_channel() const { return channel_axis >= 0; }
};

struct TensorDesc {
  std::string name;
  DType dtype = DType::kInt8;
  std::vector<int32_t> shape;
  size_t element_count = 0;
  size_t byte_size = 0;
  Quantization quantization;
  const uint8_t* data = nullptr;  // constant bytes inside the model, else nullptr

  bool is_constant() const { return data != nullptr; }
  float scale() const { return quantization.scales.empty() ? 0.0f : quantization.scales[0]; }
  int32_t zero_point() const {
    return quantization.zero_points.empty() ? 0 : quantization.zero_points[0];
  }
};

struct OpDesc {
  fb::OpType type = fb::OpType::CONV_2D;
  std::vector<int32_t> inputs;   // -1 marks an absent optional input
  std::vector<int32_t> outputs;
  RequantRule rule = RequantRule::kFp32;
  std::string name;
  const fb::Operator* op = nullptr;  // the op in the file, for its options
};

struct GraphIODesc {
  int32_t tensor = 0;
  DType external_dtype = DType::kInt8;
};

class Model {
 public:
  // Maps the file read-only.
  static Status load_file(const char* path, std::unique_ptr<Model>* model);
  // copy = true: the model keeps its own 64-byte aligned copy of the bytes.
  // copy = false: the caller's bytes are used in place and must outlive it.
  static Status load_buffer(const void* data, size_t size, bool copy,
                            std::unique_ptr<Model>* model);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::vector<TensorDesc>& tensors() const { return tensors_; }
  const std::vector<OpDesc>& ops() const { return ops_; }
  const std::vector<GraphIODesc>& inputs() const { return inputs_; }
  const std::vector<GraphIODesc>& outputs() const { return outputs_; }
  const std::string& description() const { return description_; }
  const std::string& producer() const { return producer_; }
  const std::vector<std::string>& labels() const { return labels_; }
  // Packed weights shared by the model's interpreters, and the packings the
  // file carries (runtime/packed_weights.h). Thread-safe.
  PackedWeightCache& packed_weights() const { return *packed_weights_; }

 private:
  Model() = default;
  // Verifies bytes_ and fills the descriptions; the model is unusable if it fails.
  Status verify_and_describe();
  Status describe_tensors(const fb::Model& root);
  Status describe_ops(const fb::Model& root);
  Status describe_graph_io(const fb::Model& root);
  Status describe_packed_weights(const fb::Model& root);

  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;  // munmap on destruction
  size_t mapping_size_ = 0;
  std::unique_ptr<uint8_t[], void (*)(uint8_t*)> owned_{nullptr, nullptr};

  std::vector<TensorDesc> tensors_;
  std::vector<OpDesc> ops_;
  std::vector<GraphIODesc> inputs_;
  std::vector<GraphIODesc> outputs_;
  std::string description_;
  std::string producer_;
  std::vector<std::string> labels_;
  std::unique_ptr<PackedWeightCache> packed_weights_;
};

}  // namespace qrt
