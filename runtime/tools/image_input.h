// Image files as model inputs, for qrun --image: decode (stb_image), match
// the channel count, resize, and write the tensor's bytes.
//
// The resize reproduces what TFLite's classification examples feed a model
// (libcoral's ResizeImage, see ../shared/data/README.md): bilinear with
// align_corners false and half-pixel centers, computed in float32 the way
// TFLite's optimized ResizeBilinear sums, then truncated to uint8.
//
// Needs only the C header's types, not libqrt or qrun, so tests use it alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "qrt/qrt.h"

namespace qrt {
namespace tools {

// An 8-bit image: rows top to bottom, channels interleaved (gray, or R G B).
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;             // 1 or 3
  std::vector<uint8_t> pixels;  // height * width * channels
};

// Bounds on what a file may decode to, checked from its header before the
// pixels are decoded, so a small hostile file cannot demand gigabytes
// (docs/security.md): each side at most 16384, the decoded bytes (width x
// height x the file's channels, alpha included) at most 2^28 (256 MiB), and
// no more pixels than the format can pack into the file's bytes.
constexpr int kMaxImageSide = 16384;
constexpr uint64_t kMaxImageDecodedBytes = uint64_t{1} << 28;
// Decompression bombs: a JPEG spends at least 2 bits on an 8x8 block (a
// 1-bit DC code and a 1-bit end-of-block), so at most 256 pixels per byte of
// file; stb_image fills a truncated JPEG with zeros, so without this bound a
// 200-byte header declaring 16384 x 16384 decodes 256 M pixels. A PNG's
// deflate stream expands at most 1032 times, 8 pixels per byte at 1 bit per
// pixel: at most 8256 pixels per byte. Both bounds below leave a factor of 4.
constexpr uint64_t kMaxJpegPixelsPerFileByte = 1024;
constexpr uint64_t kMaxPngPixelsPerFileByte = 32768;
// Files larger than this are refused unread.
constexpr uint64_t kMaxImageFileBytes = uint64_t{1} << 30;

// Decodes a BMP, PNG, JPEG or binary PGM/PPM held in memory. Gray files give
// 1 channel, colour files 3; an alpha channel is dropped (not composited), and
// 16-bit PNG samples keep their high byte. PNM must be 8-bit (maximum 255). On failure returns false and sets
// `error`, e.g. "truncated PNM: ...".
bool decode_image(const uint8_t* bytes, size_t size, Image* image, std::string* error);

// decode_image on a file's contents; errors name the file.
bool read_image_file(const std::string& path, Image* image, std::string* error);

// The image with `channels` (1 or 3) channels. Gray to RGB repeats the value;
// RGB to gray is ITU-R BT.601 luma in PIL's integer form (what
// Image.convert("L") gives): (19595 R + 38470 G + 7471 B + 32768) >> 16.
Image convert_channels(const Image& image, int channels);

// Bilinear resize to height x width, align_corners false, half-pixel centers.
// For each output row y (columns x alike), all in float32:
//   src = (y + 0.5f) * (in_height / (float)height) - 0.5f
//   y0 = max(floor(src), 0), y1 = min(ceil(src), in_height - 1), dy = src - y0
// and each value starts at 0.0f and adds, in this order,
//   p(y0,x0) * ((1-dy)(1-dx)), p(y0,x1) * ((1-dy) dx),
//   p(y1,x0) * (dy (1-dx)),    p(y1,x1) * (dy dx)
// (each weight formed before its multiply), then truncates toward zero to
// uint8. `src` is not clamped, so edge pixels may get weights outside [0,1].
Image resize_bilinear(const Image& image, int height, int width);

// The height, width and channels of an input that takes an image: NHWC
// [1, H, W, C] with C 1 or 3 and an 8-bit or float dtype.
struct ImageInputShape {
  int height = 0;
  int width = 0;
  int channels = 0;
};
bool image_input_shape(const qrt_tensor_info& info, ImageInputShape* shape);

// --mean / --std: per-channel (one value for every channel, or one per
// channel). Empty vectors mean "not given".
struct PixelNormalization {
  std::vector<float> mean;
  std::vector<float> stddev;
  bool enabled() const { return !mean.empty() || !stddev.empty(); }
};

// Writes `image` (already info's H x W x C) as the tensor's bytes.
//   No normalization: uint8 takes the pixel p; int8 takes p - 128; float32
//   and float16 take p as a number.
//   With normalization: x = (p - mean[c]) / std[c] in float32 (mean 0 and
//   std 1 when not given); float inputs take x; quantized int8 / uint8
//   inputs take nearbyint(x / scale) + zero_point (round half to even),
//   saturated to the dtype's range.
// Fails when the dtype or the normalization does not fit the input.
bool image_to_tensor(const Image& image, const qrt_tensor_info& info,
                     const PixelNormalization& normalization, std::vector<uint8_t>* bytes,
                     std::string* error);

}  // namespace tools
}  // namespace qrt
