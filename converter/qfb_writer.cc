#include "converter/qfb_writer.h"

#include <memory>
#include <stdexcept>

namespace qrt {
namespace {

constexpr size_t kBufferAlignment = 64;

size_t align_up(size_t value) { return (value + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment; }

std::unique_ptr<fb::QuantizationT> make_quantization(const std::vector<float>& scales,
                                                     const std::vector<int32_t>& zero_points,
                                                     int32_t channel_axis) {
  if (scales.empty()) return nullptr;
  auto q = std::make_unique<fb::QuantizationT>();
  q->scale = scales;
  q->zero_point = zero_points.empty() ? std::vector<int32_t>(scales.size(), 0) : zero_points;
  q->channel_axis = channel_axis;
  return q;
}

}  // namespace

QfbWriter::QfbWriter() {
  model_.graph = std::make_unique<fb::GraphT>();
  model_.metadata = std::make_unique<fb::MetadataT>();
  model_.metadata->producer = "qrt";
}

int QfbWriter::add_tensor(const std::string& name, fb::DType dtype, const std::vector<int32_t>& shape,
                          const std::vector<float>& scales, const std::vector<int32_t>& zero_points,
                          int32_t channel_axis) {
  auto tensor = std::make_unique<fb::TensorT>();
  tensor->name = name;
  tensor->dtype = dtype;
  tensor->shape = shape;
  tensor->quantization = make_quantization(scales, zero_points, channel_axis);
  tensor->buffer = -1;
  model_.graph->tensors.push_back(std::move(tensor));
  return static_cast<int>(model_.graph->tensors.size()) - 1;
}

int QfbWriter::add_constant(const std::string& name, fb::DType dtype, const std::vector<int32_t>& shape,
                            std::vector<uint8_t> bytes, const std::vector<float>& scales,
                            const std::vector<int32_t>& zero_points, int32_t channel_axis) {
  const int index = add_tensor(name, dtype, shape, scales, zero_points, channel_axis);
  model_.graph->tensors[index]->buffer = static_cast<int32_t>(constants_.size());
  constants_.push_back(std::move(bytes));
  return index;
}

int QfbWriter::add_op(fb::OpType type, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
                      fb::OpOptionsUnion options, fb::RequantRule rule, const std::string& name) {
  auto op = std::make_unique<fb::OperatorT>();
  op->type = type;
  op->inputs = inputs;
  op->outputs = outputs;
  op->options = std::move(options);
  op->requant = rule;
  op->name = name;
  model_.graph->operators.push_back(std::move(op));
  return static_cast<int>(model_.graph->operators.size()) - 1;
}

void QfbWriter::add_input(int tensor, fb::DType external_dtype) {
  auto io = std::make_unique<fb::GraphIOT>();
  io->tensor = tensor;
  io->external_dtype = external_dtype;
  model_.graph->inputs.push_back(std::move(io));
}

void QfbWriter::add_output(int tensor, fb::DType external_dtype) {
  auto io = std::make_unique<fb::GraphIOT>();
  io->tensor = tensor;
  io->external_dtype = external_dtype;
  model_.graph->outputs.push_back(std::move(io));
}

void QfbWriter::set_metadata(const std::string& producer, const std::string& description,
                             const std::vector<std::string>& labels, const std::string& source_digest) {
  model_.metadata->producer = producer;
  model_.metadata->description = description;
  model_.metadata->labels = labels;
  model_.metadata->source_digest = source_digest;
}

QfbWriter QfbWriter::from_qfb(const uint8_t* data, size_t size) {
  flatbuffers::Verifier verifier(data, size);
  if (!fb::VerifyModelBuffer(verifier)) throw std::invalid_argument("qfb writer: not a verified .qfb");
  const fb::Model& root = *fb::GetModel(data);
  QfbWriter w;
  root.UnPackTo(&w.model_);
  if (!w.model_.graph) w.model_.graph = std::make_unique<fb::GraphT>();
  if (!w.model_.metadata) w.model_.metadata = std::make_unique<fb::MetadataT>();
  // Drop the old packings and their buffers; renumber the tensors' buffers.
  const size_t buffer_count = root.buffers() ? root.buffers()->size() : 0;
  std::vector<bool> packed(buffer_count, false);
  for (const auto& p : w.model_.packed_weights) {
    if (p && p->buffer < buffer_count) packed[p->buffer] = true;
  }
  w.model_.packed_weights.clear();
  w.model_.buffers.clear();  // serialize() writes the buffer table
  std::vector<int32_t> renumbered(buffer_count, -1);
  for (size_t i = 0; i < buffer_count; ++i) {
    if (packed[i]) continue;
    const fb::Buffer* b = root.buffers()->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (b->offset() > size || b->size() > size - b->offset()) throw std::invalid_argument("qfb writer: buffer outside the file");
    renumbered[i] = static_cast<int32_t>(w.constants_.size());
    w.constants_.emplace_back(data + b->offset(), data + b->offset() + b->size());
  }
  for (auto& t : w.model_.graph->tensors) {
    if (t && t->buffer >= 0 && static_cast<size_t>(t->buffer) < buffer_count) t->buffer = renumbered[t->buffer];
  }
  return w;
}

void QfbWriter::add_packed_weights(uint32_t op, const std::string& format, const std::string& isa, uint64_t checksum,
                                   std::vector<uint8_t> bytes) {
  auto p = std::make_unique<fb::PackedWeightsT>();
  p->op = op;
  p->format = format;
  p->isa = isa;
  p->checksum = checksum;
  p->buffer = static_cast<uint32_t>(constants_.size());
  constants_.push_back(std::move(bytes));
  model_.packed_weights.push_back(std::move(p));
}

std::vector<uint8_t> QfbWriter::serialize() const {
  // The buffer table holds file offsets, which depend on the FlatBuffer's own
  // size. Offsets are fixed-size struct fields, so a first pass with the right
  // count of buffers gives the size, and the second pass writes real offsets.
  auto pack = [&](const std::vector<fb::Buffer>& buffers) {
    flatbuffers::FlatBufferBuilder builder;
    const fb::ModelT& source = model_;
    auto graph = fb::CreateGraph(builder, source.graph.get());
    auto metadata = fb::CreateMetadata(builder, source.metadata.get());
    auto buffer_vector = builder.CreateVectorOfStructs(buffers);
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::PackedWeights>>> packed_vector;
    if (!source.packed_weights.empty()) {
      std::vector<flatbuffers::Offset<fb::PackedWeights>> packed;
      for (const auto& p : source.packed_weights) packed.push_back(fb::CreatePackedWeights(builder, p.get()));
      packed_vector = builder.CreateVector(packed);
    }
    fb::ModelBuilder root(builder);
    root.add_version_major(source.version_major);
    root.add_version_minor(source.version_minor);
    root.add_graph(graph);
    root.add_buffers(buffer_vector);
    root.add_metadata(metadata);
    if (!packed_vector.IsNull()) root.add_packed_weights(packed_vector);
    builder.Finish(root.Finish(), fb::ModelIdentifier());
    return std::vector<uint8_t>(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
  };
  std::vector<fb::Buffer> buffers(constants_.size(), fb::Buffer(0, 0));
  const size_t flatbuffer_size = pack(buffers).size();
  size_t offset = align_up(flatbuffer_size);
  for (size_t i = 0; i < constants_.size(); ++i) {
    buffers[i] = fb::Buffer(offset, constants_[i].size());
    offset = align_up(offset + constants_[i].size());
  }
  std::vector<uint8_t> file = pack(buffers);
  if (file.size() != flatbuffer_size) throw std::logic_error("qfb writer: FlatBuffer size changed between passes");
  for (size_t i = 0; i < constants_.size(); ++i) {
    file.resize(buffers[i].offset(), 0);
    file.insert(file.end(), constants_[i].begin(), constants_[i].end());
  }
  return file;
}

}  // namespace qrt
