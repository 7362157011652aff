// TFLite -> .qfb. Reads int8 (per-channel) and legacy uint8 (per-tensor)
// quantized models; every op uses the FIXEDPOINT rule so qrt reproduces
// TFLite's integer results. uint8 tensors become int8 exactly (value - 128,
// zero point - 128) and uint8 graph inputs and outputs keep a uint8
// interface; float inputs and outputs (QUANTIZE / DEQUANTIZE at the edges)
// stay float32. Where TFLite's uint8 kernels compute differently from its
// int8 ones on the shifted values (AVERAGE_POOL_2D rounding, CONV_2D /
// DEPTHWISE_CONV_2D / FULLY_CONNECTED multipliers and rounding, MEAN,
// RESIZE_BILINEAR), the op's options say so (round_half_up, double_rounding,
// scale_product_f32, uint8_arithmetic; see docs/format.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "converter/model_import.h"

namespace qrt {

// True when `data` carries the TFLite file identifier "TFL3".
bool looks_like_tflite(const uint8_t* data, size_t size);

// Converts a whole .tflite file (untrusted: verified first). Throws
// ImportError; when ops are unsupported, one error lists every one of them.
std::vector<uint8_t> import_tflite(const uint8_t* data, size_t size, const ImportOptions& options,
                                   ImportSummary* summary = nullptr);

}  // namespace qrt
