// Reference int8 bilinear resize (TFLite RESIZE_BILINEAR on int8). The
// specification every optimized bilinear resize must match.
#pragma once

#include <cstdint>

#include "kernels/reference/resize_params.h"

namespace qrt::reference {

// TFLite's integer reference path, reference_ops::ResizeBilinearInteger,
// which TFLite's reference kernel runs for int8 (its float ResizeBilinear
// handles float and uint8 only):
//   scale = round(1024 * in / out)                 (align_corners and out > 1:
//           round(1024 * (in - 1) / (out - 1)))    integer, half up
//   src   = dst * scale                            (half_pixel_centers:
//           dst * scale + scale / 2 - 512)         10 fractional bits
//   lo    = max(src / 1024, 0), hi = min(ceil(src / 1024), in - 1)
//   out   = sum of the four corners times (1024 - frac) or frac weights,
//           divided by 2^20 rounding half away from zero (TFLite's default
//           build; TFLITE_SINGLE_ROUNDING builds round half up instead).
// Divisions truncate toward zero, as C++ does. One deviation: TFLite does
// not clamp lo to in - 1, and when scale rounds up (e.g. in 1, out 80) the
// last row or column reads past the input; qrt clamps lo, so that output is
// the edge pixel. align_corners with half_pixel_centers is refused at load,
// as TFLite refuses it.
//
// uint8_arithmetic: TFLite's uint8 kernel, optimized_ops::ResizeBilinear ->
// ResizeBilinearGenericSmallChannel<uint8>, in float32 on u = x + 128:
//   scale = float(in) / float(out)    (align_corners and out > 1:
//           float(in - 1) / float(out - 1))
//   src   = float(dst) * scale        (half_pixel_centers:
//           (float(dst) + 0.5f) * scale - 0.5f)
//   lo    = max(int(floor(src)), 0), hi = min(int(ceil(src)), in - 1)
//   f     = src - float(lo) (rows: fy, columns: fx)
//   out   = uint8(u[lo,lo] * ((1 - fy) * (1 - fx)) + u[lo,hi] * ((1 - fy) * fx)
//                 + u[hi,lo] * (fy * (1 - fx)) + u[hi,hi] * (fy * fx) + 0.5f) - 128
// summed left to right, no FMA; the truncation is clamped to [0, 255]. (lo is
// also clamped to in - 1, as above.)
void resize_bilinear_s8(const ResizeParams& p, const int8_t* input, int8_t* output);

}  // namespace qrt::reference
