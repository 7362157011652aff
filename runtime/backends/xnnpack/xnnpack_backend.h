// The XNNPACK backend (QRT_WITH_XNNPACK): XNNPACK's int8 operators on the ops
// of a .qfb they support, as a yardstick for qrt's kernels and as an
// alternative on CPUs qrt has no optimized kernels for.
//
// Taken, with XNNPACK's requantization (float32 scale, round half to even,
// as qrt's fp32 rule; see docs/xnnpack-backend.md for where it differs):
//   CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED with symmetric weights
//     (per channel, or per tensor with zero point 0): qc8 convolution;
//   ADD, SUB, MUL (broadcasting up to 6 dims): qs8 add / subtract / multiply;
//   MAX_POOL_2D: s8 max pooling; MEAN over H and W: qs8 global average pooling;
//   LOGISTIC, TANH: qs8 sigmoid / tanh.
// Everything else, and any op XNNPACK refuses (weights with a zero point,
// scales out of its range), runs on qrt's kernels.
#pragma once

#include <memory>
#include <string>

#include "runtime/backends/backend.h"
#include "runtime/model.h"

namespace qrt {

// False when qrt was built without QRT_WITH_XNNPACK.
bool xnnpack_backend_available();

// For an op the loader has validated: sets *prepared to an XNNPACK operator
// holding its own packed weights, or leaves it null and says in *declined
// why qrt's kernels should run the op instead. Never fails otherwise.
void xnnpack_prepare_op(const Model& model, const OpDesc& op, std::unique_ptr<DelegatedOp>* prepared,
                        std::string* declined);

}  // namespace qrt
