// DYNAMIC_CONV_2D layers (qconvert --dynamic on a float model) beside the
// same convolutions in float32 (CONV_2D on the float path), registered by
// qrt_layer_bench's main.
#pragma once

#include <string>
#include <vector>

namespace qrt::bench {

// One benchmark per shape and ISA of `isas` ("reference" included when
// asked for): dynamic/<layer>/qrt_<isa> and float/<layer>/qrt_<isa>.
void register_dynamic_conv_benchmarks(const std::vector<std::string>& isas);

}  // namespace qrt::bench
