// The precision an op computes in, as users name it: what `qrun --info` and
// qrt_interpreter_get_op_precision show so a mixed-precision model can be
// read op by op.
#pragma once

#include "runtime/model.h"

namespace qrt {

// One of "int8", "float32", "float32+fp16 weights", "int4 weights",
// "dynamic int8", "int8->float32" (DEQUANTIZE), "float32->int8" (QUANTIZE),
// "int16" or "int32"; a static string. Derived from the op type and its
// tensors' dtypes, so it needs no prepare.
const char* op_precision(const Model& model, const OpDesc& op);

}  // namespace qrt
