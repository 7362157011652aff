#include "jpeg_file_checks.h"

#include <vector>

namespace qrt {
namespace tools {
namespace {

// Marker codes (ITU T.81 table B.1).
constexpr uint8_t kSoi = 0xD8;
constexpr uint8_t kEoi = 0xD9;
constexpr uint8_t kSos = 0xDA;
constexpr uint8_t kDqt = 0xDB;
constexpr uint8_t kDht = 0xC4;
constexpr uint8_t kTem = 0x01;

bool is_restart(uint8_t marker) { return marker >= 0xD0 && marker <= 0xD7; }

// Start of frame: C0 to CF except DHT (C4), JPG (C8) and DAC (CC).
bool is_start_of_frame(uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != kDht && marker != 0xC8 && marker != 0xCC;
}

std::string at(size_t position) { return " at byte " + std::to_string(position); }

struct JpegTables {
  bool huffman[2][4] = {};  // [class: 0 DC, 1 AC][id]
  bool quantization[4] = {};
  bool progressive = false;
  bool have_frame = false;
  bool scanned = false;
  std::vector<uint8_t> frame_quantization;  // the table each frame component uses
};

bool read_dht(const uint8_t* p, size_t length, size_t position, JpegTables* tables, std::string* error) {
  size_t offset = 0;
  while (offset < length) {
    if (length - offset < 17) {
      *error = "JPEG DHT segment" + at(position) + " ends inside a table header";
      return false;
    }
    const int table_class = p[offset] >> 4;
    const int id = p[offset] & 15;
    if (table_class > 1 || id > 3) {
      *error = "JPEG DHT segment" + at(position) + " defines table class " + std::to_string(table_class) +
               " id " + std::to_string(id) + " (class must be 0 or 1, id 0 to 3)";
      return false;
    }
    size_t codes = 0;
    for (size_t i = 1; i <= 16; ++i) codes += p[offset + i];
    // Code lengths are counted per bit length; a table holds at most 256
    // symbols (stb_image's arrays are that large).
    if (codes > 256) {
      *error = "JPEG Huffman table" + at(position) + " declares " + std::to_string(codes) +
               " codes, more than 256";
      return false;
    }
    if (length - offset - 17 < codes) {
      *error = "JPEG DHT segment" + at(position) + " is shorter than its tables";
      return false;
    }
    tables->huffman[table_class][id] = true;
    offset += 17 + codes;
  }
  return true;
}

bool read_dqt(const uint8_t* p, size_t length, size_t position, JpegTables* tables, std::string* error) {
  size_t offset = 0;
  while (offset < length) {
    const int precision = p[offset] >> 4;
    const int id = p[offset] & 15;
    const size_t table_bytes = precision == 0 ? 64 : 128;
    if (precision > 1 || id > 3 || length - offset - 1 < table_bytes) {
      *error = "malformed JPEG DQT segment" + at(position);
      return false;
    }
    tables->quantization[id] = true;
    offset += 1 + table_bytes;
  }
  return true;
}

bool read_frame(uint8_t marker, const uint8_t* p, size_t length, size_t position, JpegTables* tables,
                std::string* error) {
  if (length < 6 || length < 6 + size_t{3} * p[5]) {
    *error = "malformed JPEG frame header" + at(position);
    return false;
  }
  tables->have_frame = true;
  tables->progressive = marker == 0xC2;
  tables->frame_quantization.clear();
  for (size_t i = 0; i < p[5]; ++i) tables->frame_quantization.push_back(p[6 + 3 * i + 2]);
  return true;
}

bool read_scan(const uint8_t* p, size_t length, size_t position, JpegTables* tables, std::string* error) {
  if (length < 1 || length < 1 + size_t{2} * p[0] + 3) {
    *error = "malformed JPEG scan header" + at(position);
    return false;
  }
  if (!tables->have_frame) return true;  // stb_image refuses a scan before the frame itself
  if (!tables->scanned) {
    for (uint8_t id : tables->frame_quantization) {
      if (id <= 3 && !tables->quantization[id]) {
        *error = "JPEG frame uses quantization table " + std::to_string(id) + ", which the file does not define before its first scan";
        return false;
      }
    }
    tables->scanned = true;
  }
  const size_t components = p[0];
  const uint8_t spectral_start = p[1 + 2 * components];
  const uint8_t approximation_high = p[1 + 2 * components + 2] >> 4;
  // Which tables stb_image decodes with: a baseline scan both; a progressive
  // DC scan (spectral start 0) its DC tables on the first pass only; a
  // progressive AC scan its AC tables.
  const bool uses_dc = !tables->progressive || (spectral_start == 0 && approximation_high == 0);
  const bool uses_ac = !tables->progressive || spectral_start > 0;
  for (size_t i = 0; i < components; ++i) {
    const int dc = p[2 + 2 * i] >> 4;
    const int ac = p[2 + 2 * i] & 15;
    if (dc > 3 || ac > 3) continue;  // stb_image refuses these itself
    if ((uses_dc && !tables->huffman[0][dc]) || (uses_ac && !tables->huffman[1][ac])) {
      *error = "JPEG scan" + at(position) + " uses Huffman table " +
               (uses_dc && !tables->huffman[0][dc] ? "DC " + std::to_string(dc) : "AC " + std::to_string(ac)) +
               ", which the file does not define before it";
      return false;
    }
  }
  return true;
}

// After a scan header: the entropy-coded data runs to the next marker that is
// neither a stuffed 0xFF (FF 00), a restart (FF D0..D7) nor fill (FF FF).
size_t skip_entropy_coded_data(const uint8_t* bytes, size_t size, size_t position) {
  while (position + 1 < size) {
    if (bytes[position] != 0xFF) {
      ++position;
    } else if (bytes[position + 1] == 0x00 || is_restart(bytes[position + 1])) {
      position += 2;
    } else if (bytes[position + 1] == 0xFF) {
      ++position;
    } else {
      return position;
    }
  }
  return size;
}

}  // namespace

bool check_jpeg_structure(const uint8_t* bytes, size_t size, std::string* error) {
  JpegTables tables;
  size_t position = 2;  // after SOI
  while (position < size) {
    // Junk between segments is skipped up to the next 0xFF, fill bytes too.
    while (position < size && bytes[position] != 0xFF) ++position;
    while (position < size && bytes[position] == 0xFF) ++position;
    if (position >= size) break;
    const uint8_t marker = bytes[position];
    const size_t marker_position = position - 1;
    ++position;
    if (marker == kEoi) break;
    if (marker == kSoi || marker == kTem || is_restart(marker) || marker == 0x00) continue;
    if (size - position < 2) {
      *error = "truncated JPEG: the segment" + at(marker_position) + " has no length";
      return false;
    }
    const size_t length = static_cast<size_t>((bytes[position] << 8) | bytes[position + 1]);
    if (length < 2 || length > size - position) {
      *error = "JPEG segment" + at(marker_position) + " declares " + std::to_string(length) +
               " bytes, past the end of the " + std::to_string(size) + "-byte file";
      return false;
    }
    const uint8_t* payload = bytes + position + 2;
    const size_t payload_length = length - 2;
    bool ok = true;
    if (marker == kDht) {
      ok = read_dht(payload, payload_length, marker_position, &tables, error);
    } else if (marker == kDqt) {
      ok = read_dqt(payload, payload_length, marker_position, &tables, error);
    } else if (is_start_of_frame(marker)) {
      ok = read_frame(marker, payload, payload_length, marker_position, &tables, error);
    } else if (marker == kSos) {
      ok = read_scan(payload, payload_length, marker_position, &tables, error);
    }
    if (!ok) return false;
    position += length;
    if (marker == kSos) position = skip_entropy_coded_data(bytes, size, position);
  }
  return true;
}

}  // namespace tools
}  // namespace qrt
