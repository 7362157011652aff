#include "runtime/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <new>

#include "runtime/checked_math.h"
#include "runtime/ops/op_registry.h"

namespace qrt {
namespace {

constexpr uint16_t kReaderVersionMajor = 1;
// A file may pack an op for a few kernel families; names stay short.
constexpr size_t kMaxPackingsPerOp = 8;
constexpr size_t kMaxPackingNameLength = 128;
constexpr size_t kBufferAlignment = 64;
constexpr size_t kMaxRank = QRT_MAX_DIMS;

std::string tensor_label(size_t index, const std::string& name) {
  return "tensor " + std::to_string(index) + (name.empty() ? "" : " '" + name + "'");
}

std::string string_or_empty(const flatbuffers::String* s) {
  return s ? std::string(s->c_str(), s->size()) : std::string();
}

bool zero_point_in_range(DType dtype, int32_t zp) {
  switch (dtype) {
    case DType::kInt8: return zp >= -128 && zp <= 127;
    case DType::kUInt8: return zp >= 0 && zp <= 255;
    case DType::kInt16: return zp >= -32768 && zp <= 32767;
    default: return zp == 0;
  }
}

void free_aligned(uint8_t* p) { ::operator delete[](p, std::align_val_t(kBufferAlignment)); }

// Buffer `index` of the model's buffer table. Buffer is a struct of two
// uint64, but the FlatBuffers verifier only checks a vector's 4-byte
// alignment, so in a crafted file the structs can sit at addresses that are
// not 8-byte aligned: read the fields with memcpy, never through the
// struct's accessors (a misaligned load is undefined behaviour).
struct BufferRange {
  uint64_t offset = 0;
  uint64_t size = 0;
};

BufferRange read_buffer_range(const flatbuffers::Vector<const fb::Buffer*>& buffers, size_t index) {
  static_assert(sizeof(fb::Buffer) == 2 * sizeof(uint64_t), "Buffer is two uint64 fields");
  const uint8_t* raw = reinterpret_cast<const uint8_t*>(buffers.Data()) + index * sizeof(fb::Buffer);
  BufferRange range;
  std::memcpy(&range.offset, raw, sizeof(uint64_t));
  std::memcpy(&range.size, raw + sizeof(uint64_t), sizeof(uint64_t));
  range.offset = flatbuffers::EndianScalar(range.offset);
  range.size = flatbuffers::EndianScalar(range.size);
  return range;
}

}  // namespace

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kInt8:
    case DType::kUInt8: return 1;
    case DType::kInt16:
    case DType::kFloat16: return 2;
    case DType::kInt32:
    case DType::kFloat32: return 4;
  }
  return 0;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kInt8: return "int8";
    case DType::kUInt8: return "uint8";
    case DType::kInt16: return "int16";
    case DType::kInt32: return "int32";
    case DType::kFloat32: return "float32";
    case DType::kFloat16: return "float16";
  }
  return "unknown";
}

Model::~Model() {
  if (mapping_ != nullptr) munmap(mapping_, mapping_size_);
}

Status Model::load_file(const char* path, std::unique_ptr<Model>* model) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return error(QRT_IO_ERROR, std::string("cannot open '") + path + "': " + std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return error(QRT_IO_ERROR, std::string("'") + path + "' is not a regular file");
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    close(fd);
    return error(QRT_INVALID_MODEL, std::string("'") + path + "' is empty");
  }
  void* mapping = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (mapping == MAP_FAILED) {
    return error(QRT_IO_ERROR, std::string("cannot map '") + path + "': " + std::strerror(errno));
  }
  std::unique_ptr<Model> m(new Model());
  m->mapping_ = mapping;
  m->mapping_size_ = size;
  m->bytes_ = static_cast<const uint8_t*>(mapping);
  m->size_ = size;
  Status status = m->verify_and_describe();
  if (!status.ok()) {
    status.message = std::string(path) + ": " + status.message;
    return status;
  }
  *model = std::move(m);
  return ok_status();
}

Status Model::load_buffer(const void* data, size_t size, bool copy, std::unique_ptr<Model>* model) {
  std::unique_ptr<Model> m(new Model());
  if (copy) {
    uint8_t* owned = new (std::align_val_t(kBufferAlignment), std::nothrow) uint8_t[size];
    if (owned == nullptr) {
      return error(QRT_OUT_OF_MEMORY, "cannot allocate " + std::to_string(size) + " bytes for the model");
    }
    std::memcpy(owned, data, size);
    m->owned_ = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>(owned, free_aligned);
    m->bytes_ = owned;
  } else {
    m->bytes_ = static_cast<const uint8_t*>(data);
  }
  m->size_ = size;
  QRT_RETURN_IF_ERROR(m->verify_and_describe());
  *model = std::move(m);
  return ok_status();
}

Status Model::verify_and_describe() {
  if (size_ < 8) {
    return error(QRT_INVALID_MODEL, "file too small to be a .qfb model (" + std::to_string(size_) + " bytes)");
  }
  if (!fb::ModelBufferHasIdentifier(bytes_)) {
    return error(QRT_INVALID_MODEL, "not a .qfb model: file identifier is not 'QFB1'");
  }
  if (reinterpret_cast<uintptr_t>(bytes_) % alignof(uint64_t) != 0) {
    return error(QRT_INVALID_ARGUMENT, "model bytes must be at least 8-byte aligned");
  }
  flatbuffers::Verifier verifier(bytes_, size_);
  if (!fb::VerifyModelBuffer(verifier)) {
    return error(QRT_INVALID_MODEL, "FlatBuffers verification failed: the file is truncated or corrupt");
  }
  const fb::Model& root = *fb::GetModel(bytes_);
  if (root.version_major() > kReaderVersionMajor) {
    return error(QRT_UNSUPPORTED, "format version " + std::to_string(root.version_major()) + "." +
                                      std::to_string(root.version_minor()) +
                                      " is newer than this reader (" +
                                      std::to_string(kReaderVersionMajor) + ".x); update qrt");
  }
  if (root.graph() == nullptr) return error(QRT_INVALID_MODEL, "model has no graph");
  // Counts first: nothing is allocated per tensor or op before these pass.
  if (const auto* ops = root.graph()->operators(); ops != nullptr && ops->size() > kMaxModelOperators) {
    return error(QRT_INVALID_MODEL, "graph declares " + std::to_string(ops->size()) +
                                        " operators, more than the limit of " + std::to_string(kMaxModelOperators));
  }
  QRT_RETURN_IF_ERROR(describe_tensors(root));
  QRT_RETURN_IF_ERROR(describe_graph_io(root));
  QRT_RETURN_IF_ERROR(describe_ops(root));
  QRT_RETURN_IF_ERROR(describe_packed_weights(root));
  if (const fb::Metadata* meta = root.metadata()) {
    producer_ = string_or_empty(meta->producer());
    description_ = string_or_empty(meta->description());
    if (meta->labels()) {
      for (const flatbuffers::String* label : *meta->labels()) labels_.push_back(string_or_empty(label));
    }
  }
  return ok_status();
}

Status Model::describe_tensors(const fb::Model& root) {
  const auto* tensors = root.graph()->tensors();
  if (tensors == nullptr || tensors->size() == 0) return error(QRT_INVALID_MODEL, "graph has no tensors");
  if (tensors->size() > kMaxModelTensors) {
    return error(QRT_INVALID_MODEL, "graph declares " + std::to_string(tensors->size()) +
                                        " tensors, more than the limit of " + std::to_string(kMaxModelTensors));
  }
  const auto* buffers = root.buffers();
  const size_t buffer_count = buffers ? buffers->size() : 0;
  tensors_.resize(tensors->size());
  for (size_t i = 0; i < tensors->size(); ++i) {
    const fb::Tensor& t = *tensors->Get(static_cast<flatbuffers::uoffset_t>(i));
    TensorDesc& desc = tensors_[i];
    desc.name = string_or_empty(t.name());
    const std::string what = tensor_label(i, desc.name);
    const int dtype = static_cast<int>(t.dtype());
    if (dtype < 0 || dtype > static_cast<int>(fb::DType::MAX)) {
      return error(QRT_INVALID_MODEL, what + ": unknown dtype " + std::to_string(dtype));
    }
    desc.dtype = static_cast<DType>(dtype);
    if (desc.dtype == DType::kUInt8) {
      return error(QRT_INVALID_MODEL, what + ": uint8 tensors are not allowed inside the graph "
                                             "(the converter turns them into int8; a uint8 interface "
                                             "is a GraphIO external_dtype)");
    }
    if (t.shape() == nullptr) return error(QRT_INVALID_MODEL, what + ": missing shape");
    if (t.shape()->size() > kMaxRank) {
      return error(QRT_INVALID_MODEL, what + ": rank " + std::to_string(t.shape()->size()) +
                                          " exceeds the maximum of " + std::to_string(kMaxRank));
    }
    size_t elements = 1;
    for (int32_t d : *t.shape()) {
      if (d <= 0) return error(QRT_INVALID_MODEL, what + ": dimension " + std::to_string(d) + " is not positive");
      desc.shape.push_back(d);
      if (!checked_mul(elements, static_cast<size_t>(d), &elements)) {
        return error(QRT_INVALID_MODEL, what + ": element count overflows");
      }
    }
    desc.element_count = elements;
    if (!checked_mul(elements, dtype_size(desc.dtype), &desc.byte_size) ||
        desc.byte_size > kMaxTensorBytes) {
      return error(QRT_INVALID_MODEL, what + ": byte size exceeds the limit of " +
                                          std::to_string(kMaxTensorBytes) + " bytes");
    }

    if (const fb::Quantization* q = t.quantization()) {
      const size_t n = q->scale() ? q->scale()->size() : 0;
      if (n > 0) {
        const size_t zp_count = q->zero_point() ? q->zero_point()->size() : 0;
        if (zp_count != 0 && zp_count != n) {
          return error(QRT_INVALID_MODEL, what + ": " + std::to_string(zp_count) + " zero points for " +
                                              std::to_string(n) + " scales");
        }
        const int32_t axis = q->channel_axis();
        if (axis == -1) {
          if (n != 1) return error(QRT_INVALID_MODEL, what + ": per-tensor quantization with " + std::to_string(n) + " scales");
        } else if (axis < 0 || static_cast<size_t>(axis) >= desc.shape.size()) {
          return error(QRT_INVALID_MODEL, what + ": quantization channel_axis " + std::to_string(axis) + " out of range");
        } else if (static_cast<size_t>(desc.shape[axis]) != n) {
          return error(QRT_INVALID_MODEL, what + ": " + std::to_string(n) + " scales for " +
                                              std::to_string(desc.shape[axis]) + " channels on axis " +
                                              std::to_string(axis));
        }
        desc.quantization.channel_axis = axis;
        for (size_t c = 0; c < n; ++c) {
          const float s = q->scale()->Get(static_cast<flatbuffers::uoffset_t>(c));
          if (!std::isfinite(s) || !(s > 0.0f)) {
            return error(QRT_INVALID_MODEL, what + ": scale " + std::to_string(s) + " is not finite and positive");
          }
          const int32_t zp = zp_count ? q->zero_point()->Get(static_cast<flatbuffers::uoffset_t>(c)) : 0;
          if (!zero_point_in_range(desc.dtype, zp)) {
            return error(QRT_INVALID_MODEL, what + ": zero point " + std::to_string(zp) + " out of range for " +
                                                dtype_name(desc.dtype));
          }
          desc.quantization.scales.push_back(s);
          desc.quantization.zero_points.push_back(zp);
        }
      }
    }

    const int32_t buffer = t.buffer();
    if (buffer != -1) {
      if (buffer < 0 || static_cast<size_t>(buffer) >= buffer_count) {
        return error(QRT_INVALID_MODEL, what + ": buffer index " + std::to_string(buffer) + " out of range (" +
                                            std::to_string(buffer_count) + " buffers)");
      }
      const BufferRange b = read_buffer_range(*buffers, static_cast<size_t>(buffer));
      uint64_t end = 0;
      if (b.offset % kBufferAlignment != 0) {
        return error(QRT_INVALID_MODEL, what + ": buffer offset " + std::to_string(b.offset) + " is not 64-byte aligned");
      }
      if (!checked_add<uint64_t>(b.offset, b.size, &end) || end > size_) {
        return error(QRT_INVALID_MODEL, what + ": buffer [" + std::to_string(b.offset) + ", +" +
                                            std::to_string(b.size) + ") lies outside the " +
                                            std::to_string(size_) + "-byte file");
      }
      if (b.size != desc.byte_size) {
        return error(QRT_INVALID_MODEL, what + ": buffer holds " + std::to_string(b.size) + " bytes, shape and dtype need " +
                                            std::to_string(desc.byte_size));
      }
      desc.data = bytes_ + b.offset;
    }
  }
  return ok_status();
}

Status Model::describe_graph_io(const fb::Model& root) {
  const fb::Graph& graph = *root.graph();
  auto describe = [&](const flatbuffers::Vector<flatbuffers::Offset<fb::GraphIO>>* list, const char* kind,
                      std::vector<GraphIODesc>* out) -> Status {
    if (list == nullptr || list->size() == 0) return error(QRT_INVALID_MODEL, std::string("graph has no ") + kind + "s");
    for (size_t i = 0; i < list->size(); ++i) {
      const fb::GraphIO& io = *list->Get(static_cast<flatbuffers::uoffset_t>(i));
      const std::string what = std::string("graph ") + kind + " " + std::to_string(i);
      if (io.tensor() < 0 || static_cast<size_t>(io.tensor()) >= tensors_.size()) {
        return error(QRT_INVALID_MODEL, what + ": tensor index " + std::to_string(io.tensor()) + " out of range");
      }
      const TensorDesc& t = tensors_[io.tensor()];
      if (t.is_constant()) return error(QRT_INVALID_MODEL, what + ": " + tensor_label(io.tensor(), t.name) + " is a constant");
      const int ext = static_cast<int>(io.external_dtype());
      if (ext < 0 || ext > static_cast<int>(fb::DType::MAX)) {
        return error(QRT_INVALID_MODEL, what + ": unknown external dtype " + std::to_string(ext));
      }
      const DType external = static_cast<DType>(ext);
      const bool uint8_over_int8 = external == DType::kUInt8 && t.dtype == DType::kInt8;
      if (external != t.dtype && !uint8_over_int8) {
        return error(QRT_INVALID_MODEL, what + ": external dtype " + dtype_name(external) + " cannot carry " +
                                            dtype_name(t.dtype) + " " + tensor_label(io.tensor(), t.name));
      }
      if (t.dtype == DType::kInt8 && t.quantization.per_channel()) {
        return error(QRT_INVALID_MODEL, what + ": a graph input or output must be quantized per tensor");
      }
      for (const GraphIODesc& other : *out) {
        if (other.tensor == io.tensor()) return error(QRT_INVALID_MODEL, what + ": tensor listed twice");
      }
      out->push_back(GraphIODesc{io.tensor(), external});
    }
    return ok_status();
  };
  QRT_RETURN_IF_ERROR(describe(graph.inputs(), "input", &inputs_));
  return describe(graph.outputs(), "output", &outputs_);
}

Status Model::describe_ops(const fb::Model& root) {
  const auto* ops = root.graph()->operators();
  if (ops == nullptr || ops->size() == 0) return error(QRT_INVALID_MODEL, "graph has no operators");
  // A tensor is available once it is a constant, a graph input, or written by
  // an earlier op: reading only available tensors makes the list a valid
  // execution order, which also rules out cycles.
  std::vector<bool> available(tensors_.size(), false);
  std::vector<bool> written(tensors_.size(), false);
  for (size_t t = 0; t < tensors_.size(); ++t) available[t] = tensors_[t].is_constant();
  for (const GraphIODesc& in : inputs_) available[in.tensor] = true;

  ops_.resize(ops->size());
  for (size_t i = 0; i < ops->size(); ++i) {
    const fb::Operator& op = *ops->Get(static_cast<flatbuffers::uoffset_t>(i));
    OpDesc& desc = ops_[i];
    desc.op = &op;
    desc.name = string_or_empty(op.name());
    const int type = static_cast<int>(op.type());
    const std::string what = "op " + std::to_string(i) + (desc.name.empty() ? "" : " '" + desc.name + "'");
    if (type < 0 || type > static_cast<int>(fb::OpType::MAX)) {
      return error(QRT_UNSUPPORTED, what + ": unknown op type " + std::to_string(type));
    }
    desc.type = op.type();
    const int rule = static_cast<int>(op.requant());
    if (rule != 0 && rule != 1) return error(QRT_INVALID_MODEL, what + ": unknown requantization rule " + std::to_string(rule));
    desc.rule = rule == 0 ? RequantRule::kFixedPoint : RequantRule::kFp32;
    if (op.inputs() == nullptr || op.outputs() == nullptr || op.outputs()->size() == 0) {
      return error(QRT_INVALID_MODEL, what + ": missing inputs or outputs");
    }
    for (int32_t t : *op.inputs()) {
      if (t == -1) {
        desc.inputs.push_back(t);
        continue;
      }
      if (t < 0 || static_cast<size_t>(t) >= tensors_.size()) {
        return error(QRT_INVALID_MODEL, what + ": input tensor index " + std::to_string(t) + " out of range");
      }
      if (!available[t]) {
        return error(QRT_INVALID_MODEL, what + ": reads " + tensor_label(t, tensors_[t].name) +
                                            " before any op writes it (ops out of order, a cycle, or a missing producer)");
      }
      desc.inputs.push_back(t);
    }
    for (int32_t t : *op.outputs()) {
      if (t < 0 || static_cast<size_t>(t) >= tensors_.size()) {
        return error(QRT_INVALID_MODEL, what + ": output tensor index " + std::to_string(t) + " out of range");
      }
      if (tensors_[t].is_constant() || written[t] || available[t]) {
        return error(QRT_INVALID_MODEL, what + ": writes " + tensor_label(t, tensors_[t].name) +
                                            ", which is a constant, a graph input or already written");
      }
      written[t] = true;
      available[t] = true;
      desc.outputs.push_back(t);
    }
    Status status = validate_op(*this, desc);
    if (!status.ok()) {
      status.message = what + " (" + fb::EnumNameOpType(desc.type) + "): " + status.message;
      return status;
    }
  }
  for (const GraphIODesc& out : outputs_) {
    if (!available[out.tensor]) {
      return error(QRT_INVALID_MODEL, "graph output " + tensor_label(out.tensor, tensors_[out.tensor].name) +
                                          " is never written");
    }
  }
  return ok_status();
}

// The file's packings (qconvert --pack): structure here; size and checksum
// when an interpreter's kernel would use one (PackedWeightCache), since the
// expected size depends on the kernel family.
Status Model::describe_packed_weights(const fb::Model& root) {
  std::vector<FilePacking> packings;
  if (const auto* list = root.packed_weights()) {
    const auto* buffers = root.buffers();
    const size_t buffer_count = buffers ? buffers->size() : 0;
    if (list->size() > kMaxPackingsPerOp * ops_.size()) {
      return error(QRT_INVALID_MODEL, "packed_weights lists " + std::to_string(list->size()) +
                                          " packings, more than " + std::to_string(kMaxPackingsPerOp) + " per op");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      const fb::PackedWeights& p = *list->Get(static_cast<flatbuffers::uoffset_t>(i));
      const std::string what = "packed_weights[" + std::to_string(i) + "]";
      if (p.op() >= ops_.size()) {
        return error(QRT_INVALID_MODEL, what + ": op index " + std::to_string(p.op()) + " out of range (" +
                                            std::to_string(ops_.size()) + " ops)");
      }
      const fb::OpType type = ops_[p.op()].type;
      if (type != fb::OpType::CONV_2D && type != fb::OpType::DEPTHWISE_CONV_2D &&
          type != fb::OpType::FULLY_CONNECTED) {
        return error(QRT_INVALID_MODEL, what + ": op " + std::to_string(p.op()) + " is a " +
                                            fb::EnumNameOpType(type) + ", which has no packed weights");
      }
      FilePacking f;
      f.op = p.op();
      f.format = string_or_empty(p.format());
      f.isa = string_or_empty(p.isa());
      if (f.format.empty() || f.format.size() > kMaxPackingNameLength || f.isa.size() > kMaxPackingNameLength) {
        return error(QRT_INVALID_MODEL, what + ": format must be 1 to " + std::to_string(kMaxPackingNameLength) +
                                            " characters, isa at most as many");
      }
      for (const FilePacking& seen : packings) {
        if (seen.op == f.op && seen.format == f.format) {
          return error(QRT_INVALID_MODEL, what + ": a second packing of op " + std::to_string(f.op) + " in '" +
                                              f.format + "'");
        }
      }
      if (p.buffer() >= buffer_count) {
        return error(QRT_INVALID_MODEL, what + ": buffer index " + std::to_string(p.buffer()) + " out of range (" +
                                            std::to_string(buffer_count) + " buffers)");
      }
      const BufferRange b = read_buffer_range(*buffers, p.buffer());
      uint64_t end = 0;
      if (b.offset % kBufferAlignment != 0) {
        return error(QRT_INVALID_MODEL, what + ": buffer offset " + std::to_string(b.offset) + " is not 64-byte aligned");
      }
      if (b.size == 0 || !checked_add<uint64_t>(b.offset, b.size, &end) || end > size_) {
        return error(QRT_INVALID_MODEL, what + ": buffer [" + std::to_string(b.offset) + ", +" + std::to_string(b.size) +
                                            ") is empty or lies outside the " + std::to_string(size_) + "-byte file");
      }
      f.data = bytes_ + b.offset;
      f.size = static_cast<size_t>(b.size);
      f.checksum = p.checksum();
      packings.push_back(std::move(f));
    }
  }
  packed_weights_ = std::make_unique<PackedWeightCache>(std::move(packings));
  return ok_status();
}

}  // namespace qrt
