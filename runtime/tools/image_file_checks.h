// Checks on an untrusted image file made before stb_image sees it.
//
// stb_image decodes, but it trusts a file more than qrun may: it guesses the
// format by trying every decoder in turn (so garbage can "decode" as TGA),
// reads past the end of a truncated BMP as zeros, leaves the rest of a
// truncated PNM's buffer uninitialized, and mishandles PNMs that are not
// 8-bit with maximum value 255. These
// checks read only headers and sizes; they decode no pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace qrt {
namespace tools {

enum class ImageFormat { kUnknown, kBmp, kPng, kJpeg, kPnm };

// The format named by the file's magic bytes, and only the formats qrun
// supports: BMP ("BM"), PNG (8-byte signature), JPEG (FF D8 FF) and binary
// PGM / PPM ("P5" / "P6").
ImageFormat sniff_image_format(const uint8_t* bytes, size_t size);

// "BMP", "PNG", "JPEG", "PNM" or "unknown".
const char* image_format_name(ImageFormat format);

// Checks what stb_image would not: for BMP, a header stb recognizes and
// enough bytes for the rows the header promises (uncompressed BMPs); for
// PNM, a well-formed header with a maximum value of 255 (stb_image does not
// rescale other values and mis-orders 16-bit samples) and enough bytes for
// every sample; for PNG, every chunk up to IEND inside the file; for JPEG,
// check_jpeg_structure (jpeg_file_checks.h). On failure sets `error`
// (without the file name).
bool check_image_structure(ImageFormat format, const uint8_t* bytes, size_t size,
                           std::string* error);

}  // namespace tools
}  // namespace qrt
