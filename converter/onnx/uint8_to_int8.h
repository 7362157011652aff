// uint8 quantization -> int8, exactly: q_int8 = q_uint8 - 128 and
// zero_point - 128, for activations and constant weights alike (the IR's
// quantized form is int8 only). Returns the graph inputs and outputs that
// were uint8, which keep a uint8 interface in the .qfb (GraphIO external_dtype).
// DynamicQuantizeLinear's uint8 outputs (no fixed quantization) convert too.
#pragma once

#include <set>
#include <string>

#include "converter/ir/graph.h"

namespace qrt::convert {

std::set<std::string> convert_uint8_to_int8(IrGraph& graph);

}  // namespace qrt::convert
