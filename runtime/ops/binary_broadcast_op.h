// ADD, SUB and MUL whose one input repeats along the other's outer
// dimensions ([N, C] + [C], [B, S, D] * [D], [S, D] - [1, S, D]) or is a
// scalar, on the table's same-shape vector kernels (vadd / vsub / vmul): the
// full input is cut into runs as long as the small one and each run is one
// same-shape call against it. Short rows (a scalar, a few channels) are
// first repeated into a small buffer so every call covers at least
// kMinRowBroadcastChunk elements. Bit-exact with the broadcasting reference
// kernels because the vector kernels compute each element alone, from its two
// inputs and the op's parameters, exactly as the reference does.
#pragma once

#include <cstddef>
#include <memory>

#include "kernels/kernel_table.h"
#include "runtime/ops/op_registry.h"

namespace qrt {

constexpr size_t kMinRowBroadcastChunk = 512;

// How the small input lines up with the output.
struct RowBroadcast {
  int small_input = 1;  // 0: input 1 repeats, 1: input 2 repeats
  size_t row = 0;       // elements of the small input
  size_t rows = 0;      // output elements / row
  size_t repeats = 1;   // copies of the row per vector-kernel call
};

// Whether exactly one input equals the output's shape and the other is, once
// padded, 1s followed by the output's trailing dimensions (a scalar is all
// 1s); false for same-shape inputs, other broadcasts and empty tensors.
bool find_row_broadcast(const reference::BinaryShapes& shapes, RowBroadcast* broadcast);

// The prepared ops. `small` is the repeating input's description (a constant
// is expanded once here, an activation at every run).
std::unique_ptr<PreparedOp> make_row_broadcast_add_sub_op(
    const reference::AddSubS8Params& params,
    Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel,
    const RowBroadcast& broadcast, const TensorDesc& small, const OpDesc& op);
std::unique_ptr<PreparedOp> make_row_broadcast_mul_op(
    const reference::MulS8Params& params,
    Kernel<void(const reference::MulS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel,
    const RowBroadcast& broadcast, const TensorDesc& small, const OpDesc& op);

// Same-shape inputs on the vector kernels, their elements split over the
// thread pool (parallel_elements.h).
std::unique_ptr<PreparedOp> make_same_shape_add_sub_op(
    const reference::AddSubS8Params& params,
    Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel,
    const OpDesc& op);
std::unique_ptr<PreparedOp> make_same_shape_mul_op(
    const reference::MulS8Params& params,
    Kernel<void(const reference::MulS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel, const OpDesc& op);

}  // namespace qrt
