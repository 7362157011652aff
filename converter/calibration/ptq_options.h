// What static post-training quantization of a float model is asked to do,
// and qconvert's flags for it. The command line hands each argument to
// parse_ptq_argument before its own parsing, so the flags live here, next
// to the code that uses them.
#pragma once

#include <string>
#include <vector>

#include "converter/calibration/calibrate.h"
#include "converter/calibration/image_preprocessing.h"
#include "converter/calibration/quantize_graph.h"

namespace qrt::convert {

struct PtqOptions {
  std::vector<std::string> calibration_paths;  // --calib [NAME=]PATH (repeatable): .npy batches, images or folders
  bool random_calibration = false;             // --calib random: no data; accuracy will suffer
  CalibrationOptions calibration;              // --calib-method, --percentile
  QuantizeOptions quantize;                    // --per-tensor
  ImagePreprocessing images;                   // --size, --mean, --std, --layout

  bool requested() const { return random_calibration || !calibration_paths.empty(); }
};

// The flags' lines for qconvert --help.
extern const char* const kPtqUsage;

// Looks at argv[*i]: 1 when it is a PTQ flag (consumed, with its value, *i
// advanced past it), 0 when it is not one, -1 when it is but is wrong (*error says why).
int parse_ptq_argument(int argc, char** argv, int* i, PtqOptions* options, std::string* error);

}  // namespace qrt::convert
