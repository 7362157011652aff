// qconvert's mixed-precision flags: --keep-float NAME[,NAME...],
// --allow-float-fallback, --auto-mixed, --weights fp16|int4 and --group
// (QuantizeOptions, quantize_graph.h). The command
// line hands each argument here as it does to parse_ptq_argument.
#pragma once

#include <string>

#include "converter/calibration/quantize_graph.h"

namespace qrt::convert {

extern const char* const kMixedPrecisionUsage;

// 1 when argv[*i] is one of the flags (consumed with its value, *i advanced),
// 0 when it is not, -1 when it is but is wrong (*error says why).
int parse_mixed_precision_argument(int argc, char** argv, int* i, QuantizeOptions* options, std::string* error);

}  // namespace qrt::convert
