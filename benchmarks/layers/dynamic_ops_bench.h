// Dynamically quantized layers (qconvert --dynamic on a float model:
// DYNAMIC_CONV_2D, int8 LSTM / GRU) beside the same layers in float32,
// registered by qrt_layer_bench's main.
#pragma once

#include <string>
#include <vector>

namespace qrt::bench {

// One benchmark per shape and ISA of `isas` ("reference" included when
// asked for): dynamic/<layer>/qrt_<isa> and float/<layer>/qrt_<isa>.
void register_dynamic_op_benchmarks(const std::vector<std::string>& isas);

}  // namespace qrt::bench
