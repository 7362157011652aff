// Packed weights, once per model: the cache every interpreter of a model
// takes its ops' packed weights from, and the packings a file may carry
// (qconvert --pack).
//
// An op's packed block is a pure function of the model (weights, bias, zero
// points, requantization values) and of the kernel family's layout, which
// the family names in a format string ("qs8_gemm_v1 nr32 kr4 offset128").
// So the cache is keyed by (op index, format): interpreters that choose the
// same family for an op share one block, interpreters on another ISA get
// their own. Entries are created under a lock, packed once, then never
// written again; they live as long as the model.
//
// A file packing for the same (op, format) is used instead of packing when
// its size is the one the kernel expects and its checksum holds: the digest
// of the format, of everything packing reads (the source digest) and of the
// packed bytes. It is read in place when 64-byte aligned (an mmap always is),
// else copied. A packing whose size or checksum is wrong fails prepare with
// QRT_INVALID_MODEL: the file is damaged, and repacking would hide it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/status.h"

namespace qrt {

// 64-bit digest of bytes, chained through `seed` (four independent
// multiply-rotate lanes over 8-byte words, then an avalanche). Not
// cryptographic: it detects damage and stale packings, not forgery.
uint64_t digest_bytes(uint64_t seed, const void* data, size_t size);
// The checksum a file stores for a packing.
uint64_t packed_checksum(const std::string& format, uint64_t source_digest, const void* packed, size_t size);

// A packing the file carries (Model, from the PackedWeights table).
struct FilePacking {
  uint32_t op = 0;
  std::string format;
  std::string isa;
  const uint8_t* data = nullptr;  // inside the model's bytes
  size_t size = 0;
  uint64_t checksum = 0;
};

// One op's packed weights, shared and read-only.
struct PackedWeights {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool from_file = false;  // the file's packing (in place, or copied when unaligned)
  bool copied = false;     // from_file, but copied to aligned memory
  uint64_t checksum = 0;   // packed_checksum of this block
  std::string format;
};

// What an op asks the cache for: the key, the size its kernel expects, and
// how to digest the sources and pack them (both run at most once per model
// and key, inside find_or_pack).
struct PackRequest {
  size_t op = 0;
  std::string format;
  size_t size = 0;
  std::function<uint64_t()> source_digest;
  std::function<void(void* packed)> pack;
};

class PackedWeightCache {
 public:
  explicit PackedWeightCache(std::vector<FilePacking> file_packings);
  ~PackedWeightCache();
  PackedWeightCache(const PackedWeightCache&) = delete;
  PackedWeightCache& operator=(const PackedWeightCache&) = delete;

  // The block for request.op and request.format: from the cache, else from
  // the file's packing (verified), else packed now. *out stays valid until
  // the cache is destroyed. Thread-safe; the same key packs once.
  Status find_or_pack(const PackRequest& request, const PackedWeights** out);

  // Bytes the cache allocated (packed at prepare, or copies of unaligned
  // file packings), and bytes of file packings used in place.
  size_t allocated_bytes() const;
  size_t file_bytes_in_place() const;
  // Keys requested so far (one per op and format).
  size_t entry_count() const;
  const std::vector<FilePacking>& file_packings() const { return file_packings_; }

 private:
  struct Entry;
  Status fill(const PackRequest& request, Entry* entry);

  const std::vector<FilePacking> file_packings_;
  mutable std::mutex mutex_;  // guards entries_ (the map, not the entries' blocks)
  std::map<std::pair<size_t, std::string>, std::unique_ptr<Entry>> entries_;
  std::atomic<size_t> allocated_{0};
  std::atomic<size_t> file_in_place_{0};
};

}  // namespace qrt
