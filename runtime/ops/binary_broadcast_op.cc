#include "runtime/ops/binary_broadcast_op.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "runtime/ops/kernel_op.h"
#include "runtime/ops/parallel_elements.h"

namespace qrt {
namespace {

size_t element_count(const reference::BroadcastShape& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

// One vector-kernel call's shapes: `length` elements, every input alike.
template <typename Params>
void set_length(Params* p, size_t length) {
  reference::BroadcastShape shape;
  shape.fill(1);
  shape.back() = static_cast<int32_t>(length);
  p->shapes.input1 = p->shapes.input2 = p->shapes.output = shape;
}

template <typename Params, typename Fn>
class RowBroadcastOp : public PreparedOp {
 public:
  RowBroadcastOp(const Params& params, Kernel<Fn> kernel, const RowBroadcast& broadcast, const TensorDesc& small,
                 const OpDesc& op)
      : params_(params), kernel_(kernel), broadcast_(broadcast), input1_(op.inputs[0]), input2_(op.inputs[1]),
        output_(op.outputs[0]) {
    set_length(&params_, broadcast_.row * broadcast_.repeats);
    if (broadcast_.repeats > 1) {
      repeated_ = std::make_unique<int8_t[]>(broadcast_.row * broadcast_.repeats);
      if (small.is_constant()) {
        repeat(reinterpret_cast<const int8_t*>(small.data));
        constant_ = true;
      }
    }
  }

  void run(const RunContext& c) const override {
    const int8_t* inputs[2] = {reinterpret_cast<const int8_t*>(c.tensor_data[input1_]),
                               reinterpret_cast<const int8_t*>(c.tensor_data[input2_])};
    const int small = broadcast_.small_input;
    const int8_t* full = inputs[1 - small];
    const int8_t* row = inputs[small];
    if (repeated_ != nullptr) {
      if (!constant_) repeat(row);
      row = repeated_.get();
    }
    int8_t* output = reinterpret_cast<int8_t*>(c.tensor_data[output_]);
    const size_t chunk = broadcast_.row * broadcast_.repeats;
    const size_t total = broadcast_.row * broadcast_.rows;
    Params tail_params = params_;
    for (size_t i = 0; i < total; i += chunk) {
      const Params* p = &params_;
      if (total - i < chunk) {  // a last, shorter chunk: still whole rows
        set_length(&tail_params, total - i);
        p = &tail_params;
      }
      kernel_.run(*p, small == 0 ? row : full + i, small == 0 ? full + i : row, output + i);
    }
  }

  std::string kernel_name() const override { return kernel_.name; }

 private:
  void repeat(const int8_t* row) const {
    for (size_t r = 0; r < broadcast_.repeats; ++r) std::memcpy(repeated_.get() + r * broadcast_.row, row, broadcast_.row);
  }

  Params params_;  // shapes of one full chunk
  Kernel<Fn> kernel_;
  RowBroadcast broadcast_;
  std::unique_ptr<int8_t[]> repeated_;  // the row `repeats` times; rewritten by run for an activation
  bool constant_ = false;
  int32_t input1_, input2_, output_;
};

// Same-shape inputs on the vector kernel, the elements split over the pool
// (parallel_elements.h): each range is one call on a flat run of elements.
template <typename Params, typename Fn>
class SameShapeVectorOp : public PreparedOp {
 public:
  SameShapeVectorOp(const Params& params, Kernel<Fn> kernel, size_t count, const OpDesc& op)
      : params_(params), kernel_(kernel), count_(count), input1_(op.inputs[0]), input2_(op.inputs[1]),
        output_(op.outputs[0]) {}

  void run(const RunContext& c) const override {
    const int8_t* input1 = reinterpret_cast<const int8_t*>(c.tensor_data[input1_]);
    const int8_t* input2 = reinterpret_cast<const int8_t*>(c.tensor_data[input2_]);
    int8_t* output = reinterpret_cast<int8_t*>(c.tensor_data[output_]);
    parallel_elements(c.threadpool, count_, [&](size_t first, size_t count) {
      if (count == count_) {  // one range: the op's own shapes
        kernel_.run(params_, input1, input2, output);
        return;
      }
      Params p = params_;
      set_length(&p, count);
      kernel_.run(p, input1 + first, input2 + first, output + first);
    });
  }

  std::string kernel_name() const override { return kernel_.name; }

 private:
  Params params_;
  Kernel<Fn> kernel_;
  size_t count_;
  int32_t input1_, input2_, output_;
};

template <typename Params, typename Fn>
std::unique_ptr<PreparedOp> make_same_shape_op(const Params& params, Kernel<Fn> kernel, const OpDesc& op) {
  const size_t count = element_count(params.shapes.output);
  // A range's length is one int32 dimension; longer tensors run whole.
  if (count > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return make_binary_kernel_op(params, kernel, op);
  }
  return std::make_unique<SameShapeVectorOp<Params, Fn>>(params, kernel, count, op);
}

}  // namespace

std::unique_ptr<PreparedOp> make_same_shape_add_sub_op(
    const reference::AddSubS8Params& params,
    Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel,
    const OpDesc& op) {
  return make_same_shape_op(params, kernel, op);
}

std::unique_ptr<PreparedOp> make_same_shape_mul_op(
    const reference::MulS8Params& params,
    Kernel<void(const reference::MulS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel, const OpDesc& op) {
  return make_same_shape_op(params, kernel, op);
}

bool find_row_broadcast(const reference::BinaryShapes& shapes, RowBroadcast* broadcast) {
  const bool full1 = shapes.input1 == shapes.output, full2 = shapes.input2 == shapes.output;
  if (full1 == full2) return false;
  const reference::BroadcastShape& small = full1 ? shapes.input2 : shapes.input1;
  int d = reference::kMaxBroadcastRank;
  while (d > 0 && small[d - 1] == shapes.output[d - 1]) --d;
  for (int i = 0; i < d; ++i) {
    if (small[i] != 1) return false;
  }
  const size_t row = element_count(small), total = element_count(shapes.output);
  if (row == 0 || total == 0) return false;
  const size_t rows = total / row;
  const size_t repeats = std::min(rows, (kMinRowBroadcastChunk + row - 1) / row);
  // A vector-kernel call's length is one int32 dimension.
  if (row * repeats > static_cast<size_t>(std::numeric_limits<int32_t>::max())) return false;
  broadcast->small_input = full1 ? 1 : 0;
  broadcast->row = row;
  broadcast->rows = rows;
  broadcast->repeats = repeats;
  return true;
}

std::unique_ptr<PreparedOp> make_row_broadcast_add_sub_op(
    const reference::AddSubS8Params& params,
    Kernel<void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel,
    const RowBroadcast& broadcast, const TensorDesc& small, const OpDesc& op) {
  using Fn = void(const reference::AddSubS8Params&, const int8_t*, const int8_t*, int8_t*);
  return std::make_unique<RowBroadcastOp<reference::AddSubS8Params, Fn>>(params, kernel, broadcast, small, op);
}

std::unique_ptr<PreparedOp> make_row_broadcast_mul_op(
    const reference::MulS8Params& params,
    Kernel<void(const reference::MulS8Params&, const int8_t*, const int8_t*, int8_t*)> kernel,
    const RowBroadcast& broadcast, const TensorDesc& small, const OpDesc& op) {
  using Fn = void(const reference::MulS8Params&, const int8_t*, const int8_t*, int8_t*);
  return std::make_unique<RowBroadcastOp<reference::MulS8Params, Fn>>(params, kernel, broadcast, small, op);
}

}  // namespace qrt
