#include "runtime/packed_weights.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace qrt {
namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ull;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ull;

uint64_t rotate_left(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
uint64_t load_u64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));  // little-endian hosts: the same bytes give the same digest everywhere qrt runs
  return v;
}
uint64_t mix_word(uint64_t lane, uint64_t word) { return rotate_left(lane + word * kPrime2, 31) * kPrime1; }

constexpr size_t kPackedAlignment = 64;  // as the op's own packed buffers (conv_ops.cc)
void release_aligned(uint8_t* p) { ::operator delete[](p, std::align_val_t(kPackedAlignment)); }

}  // namespace

uint64_t digest_bytes(uint64_t seed, const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  uint64_t lanes[4] = {seed + kPrime1, seed ^ kPrime2, seed + kPrime3, seed - kPrime1};
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    for (int l = 0; l < 4; ++l) lanes[l] = mix_word(lanes[l], load_u64(p + i + 8 * l));
  }
  uint64_t h = rotate_left(lanes[0], 1) + rotate_left(lanes[1], 7) + rotate_left(lanes[2], 12) +
               rotate_left(lanes[3], 18) + static_cast<uint64_t>(size);
  for (; i + 8 <= size; i += 8) h = rotate_left(h ^ mix_word(0, load_u64(p + i)), 27) * kPrime1 + kPrime3;
  for (; i < size; ++i) h = rotate_left(h ^ (p[i] * kPrime3), 11) * kPrime1;
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}

uint64_t packed_checksum(const std::string& format, uint64_t source_digest, const void* packed, size_t size) {
  return digest_bytes(digest_bytes(source_digest, format.data(), format.size()), packed, size);
}

struct PackedWeightCache::Entry {
  std::mutex mutex;  // held while the block is verified or packed
  bool done = false;
  Status failure = ok_status();  // a damaged file packing: every later request gets it too
  PackedWeights block;
  std::unique_ptr<uint8_t[], void (*)(uint8_t*)> owned{nullptr, release_aligned};
};

PackedWeightCache::PackedWeightCache(std::vector<FilePacking> file_packings)
    : file_packings_(std::move(file_packings)) {}

PackedWeightCache::~PackedWeightCache() = default;

Status PackedWeightCache::find_or_pack(const PackRequest& request, const PackedWeights** out) {
  Entry* entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_ptr<Entry>& slot = entries_[{request.op, request.format}];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();  // entries are never removed before the cache dies
  }
  std::lock_guard<std::mutex> lock(entry->mutex);
  if (!entry->failure.ok()) return entry->failure;
  if (!entry->done) QRT_RETURN_IF_ERROR(fill(request, entry));
  if (entry->block.size != request.size) {  // two ops cannot share a key; guard anyway
    return error(QRT_RUNTIME_ERROR, "packed weights of op " + std::to_string(request.op) + " changed size");
  }
  *out = &entry->block;
  return ok_status();
}

Status PackedWeightCache::fill(const PackRequest& request, Entry* entry) {
  const FilePacking* file = nullptr;
  for (const FilePacking& f : file_packings_) {
    if (f.op == request.op && f.format == request.format) file = &f;
  }
  PackedWeights& block = entry->block;
  block.format = request.format;
  block.size = request.size;
  const uint64_t source = request.source_digest();
  if (file != nullptr) {
    const std::string what = "the file's packed weights for op " + std::to_string(request.op) + " (" + file->format +
                             ", packed for " + (file->isa.empty() ? std::string("an unnamed ISA") : file->isa) + ")";
    if (file->size != request.size) {
      entry->failure = error(QRT_INVALID_MODEL, what + " hold " + std::to_string(file->size) +
                                                    " bytes where the kernel expects " +
                                                    std::to_string(request.size) + "; the file is damaged");
      return entry->failure;
    }
    const uint64_t checksum = packed_checksum(request.format, source, file->data, file->size);
    if (checksum != file->checksum) {
      entry->failure = error(QRT_INVALID_MODEL, what +
                                                    " fail their checksum: the file is damaged, or its weights, "
                                                    "scales or zero points were changed after qconvert --pack");
      return entry->failure;
    }
    block.from_file = true;
    block.checksum = checksum;
    if (reinterpret_cast<uintptr_t>(file->data) % kPackedAlignment == 0) {
      block.data = file->data;
      file_in_place_ += file->size;
      entry->done = true;
      return ok_status();
    }
    // Caller memory (qrt_model_load_buffer_borrowed) need not be aligned.
    entry->owned.reset(new (std::align_val_t(kPackedAlignment), std::nothrow) uint8_t[std::max<size_t>(file->size, 1)]);
    if (!entry->owned) return error(QRT_OUT_OF_MEMORY, "cannot allocate " + std::to_string(file->size) + " bytes of packed weights");
    std::memcpy(entry->owned.get(), file->data, file->size);
    block.copied = true;
  } else {
    entry->owned.reset(new (std::align_val_t(kPackedAlignment), std::nothrow) uint8_t[std::max<size_t>(request.size, 1)]);
    if (!entry->owned) {
      return error(QRT_OUT_OF_MEMORY, "cannot allocate " + std::to_string(request.size) + " bytes of packed weights");
    }
    request.pack(entry->owned.get());
    block.checksum = packed_checksum(request.format, source, entry->owned.get(), request.size);
  }
  block.data = entry->owned.get();
  allocated_ += request.size;
  entry->done = true;
  return ok_status();
}

size_t PackedWeightCache::allocated_bytes() const { return allocated_.load(); }
size_t PackedWeightCache::file_bytes_in_place() const { return file_in_place_.load(); }

size_t PackedWeightCache::entry_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace qrt
