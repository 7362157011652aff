#include "image_input.h"

#include <stb_image.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "file_io.h"
#include "image_file_checks.h"
#include "qrt/qrt.hpp"
#include "tensor_values.h"

namespace qrt {
namespace tools {
namespace {

std::string stb_reason() {
  const char* reason = stbi_failure_reason();
  return reason && *reason ? reason : "unknown error";
}

std::string size_text(uint64_t width, uint64_t height) {
  return std::to_string(width) + " x " + std::to_string(height);
}

// One output coordinate's source positions and weight, as TFLite's
// ComputeInterpolationValues forms them (half_pixel_centers = true).
struct Interpolation {
  int low = 0;
  int high = 0;
  float fraction = 0;  // src - low; negative at the leading edge
};

Interpolation interpolation_for(int destination, float scale, int source_size) {
  const float source = (static_cast<float>(destination) + 0.5f) * scale - 0.5f;
  Interpolation result;
  result.low = std::max(static_cast<int>(std::floor(source)), 0);
  result.high = std::min(static_cast<int>(std::ceil(source)), source_size - 1);
  result.fraction = source - static_cast<float>(result.low);
  return result;
}

// static_cast<uint8_t>(float) as libcoral does, with the clamp that keeps
// the conversion defined; within [0, 255] it changes nothing.
uint8_t truncate_to_uint8(float value) {
  if (!(value > 0.0f)) return 0;
  if (value >= 255.0f) return 255;
  return static_cast<uint8_t>(value);
}

std::string input_label(const qrt_tensor_info& info) {
  return "input '" + std::string(info.name ? info.name : "") + "'";
}

// Value `index` of a per-channel list of 1 or `channels` values.
float channel_value(const std::vector<float>& values, int channel, float fallback) {
  if (values.empty()) return fallback;
  return values.size() == 1 ? values[0] : values[static_cast<size_t>(channel)];
}

bool check_normalization(const PixelNormalization& normalization, const qrt_tensor_info& info,
                         int channels, std::string* error) {
  for (const std::vector<float>* values : {&normalization.mean, &normalization.stddev}) {
    const size_t count = values->size();
    if (count > 1 && count != static_cast<size_t>(channels)) {
      *error = std::string(values == &normalization.mean ? "--mean" : "--std") + " has " +
               std::to_string(count) + " values but " + input_label(info) + " has " +
               std::to_string(channels) + " channel" +
               (channels == 1 ? "; give 1 value" : "s; give 1 or " + std::to_string(channels));
      return false;
    }
  }
  for (float s : normalization.stddev) {
    if (!(s != 0.0f) || !std::isfinite(s)) {
      *error = "--std values must be finite and non-zero";
      return false;
    }
  }
  const bool integer_input = info.dtype == QRT_DTYPE_UINT8 || info.dtype == QRT_DTYPE_INT8;
  if (integer_input && (!info.quantized || !(info.scale > 0.0f) || !std::isfinite(info.scale))) {
    *error = input_label(info) + " is " + dtype_name(info.dtype) +
             " without a usable scale, so --mean/--std values cannot be quantized for it";
    return false;
  }
  return true;
}

// q = nearbyint(x / scale) + zero_point, saturated: the float divide and the
// half-to-even rounding of qrt's fp32 QUANTIZE, in the dtype's range.
int32_t quantize(float x, float scale, int32_t zero_point, int32_t low, int32_t high) {
  const float quotient = x / scale;
  if (std::isnan(quotient)) return std::min(std::max(zero_point, low), high);
  const double shifted = static_cast<double>(std::nearbyint(quotient)) + zero_point;
  return static_cast<int32_t>(std::min(std::max(shifted, static_cast<double>(low)),
                                       static_cast<double>(high)));
}

}  // namespace

bool decode_image(const uint8_t* bytes, size_t size, Image* image, std::string* error) {
  if (size == 0) {
    *error = "empty file";
    return false;
  }
  const ImageFormat format = sniff_image_format(bytes, size);
  if (!check_image_structure(format, bytes, size, error)) return false;
  if (size > static_cast<size_t>(INT_MAX)) {
    *error = "file too large for the image decoder";
    return false;
  }
  const std::string format_name = image_format_name(format);
  const int length = static_cast<int>(size);

  // Dimensions from the header first: the decode happens only within bounds.
  int width = 0, height = 0, file_channels = 0;
  if (!stbi_info_from_memory(bytes, length, &width, &height, &file_channels)) {
    *error = "corrupt " + format_name + " header (" + stb_reason() + ")";
    return false;
  }
  if (width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide) {
    *error = format_name + " image is " + size_text(width, height) + "; at most " +
             size_text(kMaxImageSide, kMaxImageSide) + " is accepted";
    return false;
  }
  const uint64_t pixels = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
  const uint64_t decoded_bytes = pixels * static_cast<uint64_t>(std::max(file_channels, 1));
  if (decoded_bytes > kMaxImageDecodedBytes) {
    *error = format_name + " image is " + size_text(width, height) + " with " + std::to_string(file_channels) +
             " channels: " + std::to_string(decoded_bytes) + " bytes decoded, more than the limit of " +
             std::to_string(kMaxImageDecodedBytes);
    return false;
  }
  const uint64_t pixels_per_byte = format == ImageFormat::kJpeg  ? kMaxJpegPixelsPerFileByte
                                   : format == ImageFormat::kPng ? kMaxPngPixelsPerFileByte
                                                                 : 0;  // BMP, PNM: checked above
  if (pixels_per_byte != 0 && pixels > pixels_per_byte * static_cast<uint64_t>(size)) {
    *error = format_name + " header declares " + size_text(width, height) + " pixels but the file has only " +
             std::to_string(size) + " bytes: truncated, or a decompression bomb";
    return false;
  }

  int decoded_width = 0, decoded_height = 0, decoded_channels = 0;
  const std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
      stbi_load_from_memory(bytes, length, &decoded_width, &decoded_height, &decoded_channels, 0),
      stbi_image_free);
  if (!decoded) {
    *error = "corrupt or truncated " + format_name + " (" + stb_reason() + ")";
    return false;
  }
  if (decoded_width != width || decoded_height != height || decoded_channels < 1 ||
      decoded_channels > 4) {
    *error = "inconsistent " + format_name + " header";
    return false;
  }

  // 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA: keep the colour, drop the alpha.
  image->width = width;
  image->height = height;
  image->channels = decoded_channels >= 3 ? 3 : 1;
  const size_t pixel_count = static_cast<size_t>(width) * static_cast<size_t>(height);
  image->pixels.resize(pixel_count * static_cast<size_t>(image->channels));
  const uint8_t* source = decoded.get();
  for (size_t i = 0; i < pixel_count; ++i) {
    std::memcpy(&image->pixels[i * image->channels], source + i * decoded_channels,
                static_cast<size_t>(image->channels));
  }
  return true;
}

bool read_image_file(const std::string& path, Image* image, std::string* error) {
  std::error_code error_code;
  const uintmax_t file_size = std::filesystem::file_size(path, error_code);
  if (!error_code && file_size > kMaxImageFileBytes) {
    *error = "image '" + path + "' is " + std::to_string(file_size) + " bytes; at most " +
             std::to_string(kMaxImageFileBytes) + " are accepted";
    return false;
  }
  std::vector<uint8_t> bytes;
  if (!read_file_bytes(path, &bytes, error)) return false;
  std::string decode_error;
  if (!decode_image(bytes.data(), bytes.size(), image, &decode_error)) {
    *error = "image '" + path + "': " + decode_error;
    return false;
  }
  return true;
}

Image convert_channels(const Image& image, int channels) {
  if (image.channels == channels) return image;
  Image converted;
  converted.width = image.width;
  converted.height = image.height;
  converted.channels = channels;
  const size_t pixel_count = static_cast<size_t>(image.width) * static_cast<size_t>(image.height);
  converted.pixels.resize(pixel_count * static_cast<size_t>(channels));
  for (size_t i = 0; i < pixel_count; ++i) {
    if (channels == 3) {
      const uint8_t gray = image.pixels[i];
      converted.pixels[i * 3] = converted.pixels[i * 3 + 1] = converted.pixels[i * 3 + 2] = gray;
    } else {
      const uint32_t r = image.pixels[i * 3], g = image.pixels[i * 3 + 1],
                     b = image.pixels[i * 3 + 2];
      converted.pixels[i] = static_cast<uint8_t>((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
    }
  }
  return converted;
}

Image resize_bilinear(const Image& image, int height, int width) {
  Image resized;
  resized.width = width;
  resized.height = height;
  resized.channels = image.channels;
  const size_t channels = static_cast<size_t>(image.channels);
  resized.pixels.resize(static_cast<size_t>(height) * static_cast<size_t>(width) * channels);

  const float height_scale = static_cast<float>(image.height) / static_cast<float>(height);
  const float width_scale = static_cast<float>(image.width) / static_cast<float>(width);
  std::vector<Interpolation> columns(static_cast<size_t>(width));
  for (int x = 0; x < width; ++x) columns[x] = interpolation_for(x, width_scale, image.width);

  const size_t source_row = static_cast<size_t>(image.width) * channels;
  uint8_t* out = resized.pixels.data();
  for (int y = 0; y < height; ++y) {
    const Interpolation row = interpolation_for(y, height_scale, image.height);
    const uint8_t* row0 = image.pixels.data() + static_cast<size_t>(row.low) * source_row;
    const uint8_t* row1 = image.pixels.data() + static_cast<size_t>(row.high) * source_row;
    const float dy = row.fraction;
    for (const Interpolation& column : columns) {
      const float dx = column.fraction;
      const float w00 = (1 - dy) * (1 - dx), w01 = (1 - dy) * dx;
      const float w10 = dy * (1 - dx), w11 = dy * dx;
      const uint8_t* p00 = row0 + static_cast<size_t>(column.low) * channels;
      const uint8_t* p01 = row0 + static_cast<size_t>(column.high) * channels;
      const uint8_t* p10 = row1 + static_cast<size_t>(column.low) * channels;
      const uint8_t* p11 = row1 + static_cast<size_t>(column.high) * channels;
      for (size_t c = 0; c < channels; ++c) {
        // One statement per add, in TFLite's order; this file is compiled
        // with -ffp-contract=off so no add fuses with its multiply.
        float sum = 0.0f;
        sum += static_cast<float>(p00[c]) * w00;
        sum += static_cast<float>(p01[c]) * w01;
        sum += static_cast<float>(p10[c]) * w10;
        sum += static_cast<float>(p11[c]) * w11;
        *out++ = truncate_to_uint8(sum);
      }
    }
  }
  return resized;
}

bool image_input_shape(const qrt_tensor_info& info, ImageInputShape* shape) {
  if (info.num_dims != 4 || info.dims[0] != 1 || info.dims[1] < 1 || info.dims[2] < 1) {
    return false;
  }
  if (info.dims[3] != 1 && info.dims[3] != 3) return false;
  if (info.dtype != QRT_DTYPE_UINT8 && info.dtype != QRT_DTYPE_INT8 &&
      info.dtype != QRT_DTYPE_FLOAT32 && info.dtype != QRT_DTYPE_FLOAT16) {
    return false;
  }
  shape->height = info.dims[1];
  shape->width = info.dims[2];
  shape->channels = info.dims[3];
  return true;
}

bool image_to_tensor(const Image& image, const qrt_tensor_info& info,
                     const PixelNormalization& normalization, std::vector<uint8_t>* bytes,
                     std::string* error) {
  ImageInputShape shape;
  if (!image_input_shape(info, &shape)) {
    *error = input_label(info) + " does not take an image ([1, H, W, 1 or 3] of uint8, int8, "
             "float32 or float16)";
    return false;
  }
  if (image.height != shape.height || image.width != shape.width ||
      image.channels != shape.channels) {
    *error = "image is " + size_text(image.width, image.height) + " x " +
             std::to_string(image.channels) + " but " + input_label(info) + " takes " +
             size_text(shape.width, shape.height) + " x " + std::to_string(shape.channels);
    return false;
  }
  const bool normalize = normalization.enabled();
  if (normalize && !check_normalization(normalization, info, shape.channels, error)) return false;

  const size_t count = image.pixels.size();
  bytes->assign(count * dtype_size(info.dtype), 0);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t pixel = image.pixels[i];
    const int channel = static_cast<int>(i % static_cast<size_t>(shape.channels));
    const float x = normalize ? (static_cast<float>(pixel) -
                                 channel_value(normalization.mean, channel, 0.0f)) /
                                    channel_value(normalization.stddev, channel, 1.0f)
                              : static_cast<float>(pixel);
    switch (info.dtype) {
      case QRT_DTYPE_UINT8:
        (*bytes)[i] = normalize ? static_cast<uint8_t>(quantize(x, info.scale, info.zero_point, 0, 255))
                                : pixel;
        break;
      case QRT_DTYPE_INT8: {
        const int32_t value =
            normalize ? quantize(x, info.scale, info.zero_point, -128, 127) : pixel - 128;
        (*bytes)[i] = static_cast<uint8_t>(static_cast<int8_t>(value));
        break;
      }
      case QRT_DTYPE_FLOAT32:
        std::memcpy(bytes->data() + i * 4, &x, 4);
        break;
      case QRT_DTYPE_FLOAT16: {
        const uint16_t half = float_to_half(x);
        std::memcpy(bytes->data() + i * 2, &half, 2);
        break;
      }
      default:
        break;  // excluded by image_input_shape
    }
  }
  return true;
}

}  // namespace tools
}  // namespace qrt
