#include "image_file_checks.h"

#include <cstring>

#include "jpeg_file_checks.h"

namespace qrt {
namespace tools {
namespace {

// stb_image's own limit on a side (STBI_MAX_DIMENSIONS); with it, every size
// below fits in 64 bits.
constexpr uint64_t kLargestSide = uint64_t{1} << 24;

uint32_t read_u16_le(const uint8_t* p) { return static_cast<uint32_t>(p[0] | (p[1] << 8)); }

uint32_t read_u32_le(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

std::string bytes_text(uint64_t count) { return std::to_string(count) + " bytes"; }

// BMP: a 14-byte file header, then an info header whose size names its kind.
bool check_bmp(const uint8_t* bytes, size_t size, std::string* error) {
  if (size < 26) {
    *error = "truncated BMP header";
    return false;
  }
  const uint64_t data_offset = read_u32_le(bytes + 10);
  const uint32_t header_size = read_u32_le(bytes + 14);
  uint64_t width = 0, height = 0;
  uint32_t bits_per_pixel = 0, compression = 0;
  if (header_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sides
    width = read_u16_le(bytes + 18);
    height = read_u16_le(bytes + 20);
    bits_per_pixel = read_u16_le(bytes + 24);
  } else if (header_size == 40 || header_size == 56 || header_size == 108 || header_size == 124) {
    if (size < 34) {
      *error = "truncated BMP header";
      return false;
    }
    const int32_t signed_width = static_cast<int32_t>(read_u32_le(bytes + 18));
    const int32_t signed_height = static_cast<int32_t>(read_u32_le(bytes + 22));
    width = static_cast<uint64_t>(signed_width < 0 ? 0 : signed_width);
    // A negative height means rows stored top-down.
    const int64_t wide_height = signed_height;
    height = static_cast<uint64_t>(wide_height < 0 ? -wide_height : wide_height);
    bits_per_pixel = read_u16_le(bytes + 28);
    compression = read_u32_le(bytes + 30);
  } else {
    *error = "unsupported BMP info header of " + bytes_text(header_size);
    return false;
  }
  if (width == 0 || height == 0 || width > kLargestSide || height > kLargestSide) {
    *error = "BMP has invalid dimensions " + std::to_string(width) + " x " + std::to_string(height);
    return false;
  }
  // 0 = BI_RGB, 3 = BI_BITFIELDS: rows of raw pixels, so the size is known.
  if (compression != 0 && compression != 3) {
    *error = "compressed BMP (compression " + std::to_string(compression) + ") is not supported";
    return false;
  }
  if (bits_per_pixel != 1 && bits_per_pixel != 4 && bits_per_pixel != 8 && bits_per_pixel != 16 &&
      bits_per_pixel != 24 && bits_per_pixel != 32) {
    *error = "BMP with " + std::to_string(bits_per_pixel) + " bits per pixel is not supported";
    return false;
  }
  const uint64_t row_bytes = (width * bits_per_pixel + 31) / 32 * 4;  // rows pad to 4 bytes
  const uint64_t needed = data_offset + row_bytes * height;
  if (needed > size) {
    *error = "truncated BMP: its header needs " + bytes_text(needed) + ", the file has " +
             bytes_text(size);
    return false;
  }
  return true;
}

// A PNM header: tokens separated by whitespace, '#' comments to the end of a
// line, and exactly one whitespace byte before the samples.
class PnmHeaderReader {
 public:
  PnmHeaderReader(const uint8_t* bytes, size_t size) : bytes_(bytes), size_(size), position_(2) {}

  // Reads the next decimal number; false when there is none or it is huge.
  bool next_number(uint64_t* value) {
    skip_space_and_comments();
    if (position_ >= size_ || !is_digit(bytes_[position_])) return false;
    *value = 0;
    while (position_ < size_ && is_digit(bytes_[position_])) {
      *value = *value * 10 + static_cast<uint64_t>(bytes_[position_++] - '0');
      if (*value > kLargestSide) return false;
    }
    return true;
  }

  // Where the samples start: after the one whitespace byte that ends the header.
  bool data_offset(size_t* offset) const {
    if (position_ >= size_ || !is_space(bytes_[position_])) return false;
    *offset = position_ + 1;
    return true;
  }

 private:
  static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
  static bool is_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

  void skip_space_and_comments() {
    while (position_ < size_) {
      if (is_space(bytes_[position_])) {
        ++position_;
      } else if (bytes_[position_] == '#') {
        while (position_ < size_ && bytes_[position_] != '\n' && bytes_[position_] != '\r') {
          ++position_;
        }
      } else {
        return;
      }
    }
  }

  const uint8_t* bytes_;
  size_t size_;
  size_t position_;
};

bool check_pnm(const uint8_t* bytes, size_t size, std::string* error) {
  PnmHeaderReader reader(bytes, size);
  uint64_t width = 0, height = 0, max_value = 0;
  size_t data_offset = 0;
  if (!reader.next_number(&width) || !reader.next_number(&height) ||
      !reader.next_number(&max_value) || !reader.data_offset(&data_offset)) {
    *error = "malformed or truncated PNM header (expected width, height and maximum value)";
    return false;
  }
  if (width == 0 || height == 0) {
    *error = "PNM has invalid dimensions " + std::to_string(width) + " x " + std::to_string(height);
    return false;
  }
  // stb_image passes smaller maximum values through unscaled (silently
  // darkening the image), and of a 16-bit sample it keeps the low byte on a
  // little-endian machine (it reads big-endian samples in host order).
  if (max_value != 255) {
    *error = "PNM maximum value " + std::to_string(max_value) +
             " is not supported (only 8-bit samples with maximum value 255)";
    return false;
  }
  const uint64_t channels = bytes[1] == '6' ? 3 : 1;
  const uint64_t needed = data_offset + width * height * channels;
  if (needed > size) {
    *error = "truncated PNM: its header needs " + bytes_text(needed) + ", the file has " +
             bytes_text(size);
    return false;
  }
  return true;
}

uint32_t read_u32_be(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

// PNG: every chunk up to IEND must lie inside the file. stb_image grows its
// IDAT buffer to a chunk's declared length before reading the chunk, so a
// 111-byte file whose IDAT claims 1.5 GB made it allocate 1.5 GB (found by the
// image fuzzer; tests/fuzz/regressions/image/png_idat_length_past_end_*.png).
bool check_png(const uint8_t* bytes, size_t size, std::string* error) {
  size_t position = 8;  // after the signature
  while (true) {
    if (size - position < 12) {
      *error = "truncated PNG: a chunk header is cut off at byte " + std::to_string(position);
      return false;
    }
    const uint64_t length = read_u32_be(bytes + position);
    const std::string type(reinterpret_cast<const char*>(bytes + position + 4), 4);
    if (length > size - position - 12) {
      *error = "PNG chunk at byte " + std::to_string(position) + " declares " + bytes_text(length) +
               ", past the end of the " + bytes_text(size) + " file";
      return false;
    }
    position += 12 + static_cast<size_t>(length);
    if (type == "IEND") return true;
  }
}

}  // namespace

ImageFormat sniff_image_format(const uint8_t* bytes, size_t size) {
  static const uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (size >= 8 && std::memcmp(bytes, kPngSignature, 8) == 0) return ImageFormat::kPng;
  if (size >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff) {
    return ImageFormat::kJpeg;
  }
  if (size >= 2 && bytes[0] == 'B' && bytes[1] == 'M') return ImageFormat::kBmp;
  if (size >= 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '6')) {
    return ImageFormat::kPnm;
  }
  return ImageFormat::kUnknown;
}

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kBmp:
      return "BMP";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPnm:
      return "PNM";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

bool check_image_structure(ImageFormat format, const uint8_t* bytes, size_t size,
                           std::string* error) {
  switch (format) {
    case ImageFormat::kBmp:
      return check_bmp(bytes, size, error);
    case ImageFormat::kPnm:
      return check_pnm(bytes, size, error);
    case ImageFormat::kPng:
      return check_png(bytes, size, error);
    case ImageFormat::kJpeg:
      return check_jpeg_structure(bytes, size, error);
    case ImageFormat::kUnknown:
      break;
  }
  *error = "not a BMP, PNG, JPEG or binary PGM/PPM file";
  return false;
}

}  // namespace tools
}  // namespace qrt
