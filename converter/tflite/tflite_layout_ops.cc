// Converters for the ops that move data: reshape, pad, transpose, split,
// split_v, strided slice, resize, arg max. Their TFLite constant inputs
// (shape, paddings, perm, axis, size_splits, begin/end/strides, size) become
// .qfb options or output shapes.
#include <cstring>

#include "converter/tflite/strided_slice_resolve.h"
#include "converter/tflite/tflite_ops.h"

namespace qrt::tflite_import {
namespace {

int rank_of(const Context& c, int tensor) { return static_cast<int>(c.graph().shape(tensor).size()); }

// The single value of a one-element constant of the given tensor's dtype.
int64_t scalar_of_type(const Context& c, const TfliteOp& op, int tensor) {
  const ConstBytes bytes = c.graph().constant_data(tensor);
  if (!bytes.data || c.graph().element_count(tensor) != 1) {
    throw ImportError(op_where(op) + ": " + c.graph().describe(tensor) + " must be a one-element constant");
  }
  switch (c.graph().tensor(tensor).type()) {
    case tfl::TensorType::INT8: return static_cast<int8_t>(bytes.data[0]);
    case tfl::TensorType::UINT8: return bytes.data[0];
    default: throw UnsupportedOp("PADV2 constant " + c.graph().describe(tensor) + " must be int8 or uint8");
  }
}

int64_t tflite_zero_point(const Context& c, int tensor) {
  const tfl::QuantizationParameters* q = c.graph().tensor(tensor).quantization();
  return q && q->zero_point() && q->zero_point()->size() > 0 ? read_int64_element(*q->zero_point(), 0) : 0;
}

}  // namespace

int32_t constant_axis(const Context& c, const TfliteOp& op, int tensor, int rank) {
  const std::vector<int64_t> values = c.graph().int_values(tensor, "axis");
  if (values.size() != 1 || values[0] < -rank || values[0] >= rank) {
    throw ImportError(op_where(op) + ": axis " + c.graph().describe(tensor) + " must hold one value in [" +
                      std::to_string(-rank) + ", " + std::to_string(rank) + ")");
  }
  return static_cast<int32_t>(values[0] < 0 ? values[0] + rank : values[0]);
}

void convert_reshape(Context& c, const TfliteOp& op) {
  // RESHAPE's second input (the shape) and SQUEEZE's options only restate
  // the output shape, which the file stores; new_shape records it exactly.
  c.expect_counts(op, 1, 2, 1);
  const int output = c.output(op, 0);
  fb::ReshapeOptionsT reshape;
  reshape.new_shape = c.graph().shape(output);
  c.emit(fb::OpType::RESHAPE, {c.tensor(c.input(op, 0))}, {c.tensor(output)}, make_options(std::move(reshape)),
         op.name);
}

void convert_pad(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, op.code == kPadV2 ? 3 : 2, 1);
  const int input = c.input(op, 0), output = c.output(op, 0);
  const int rank = rank_of(c, input);
  const std::vector<int64_t> values = c.graph().int_values(c.input(op, 1), "paddings");
  if (values.size() != static_cast<size_t>(2 * rank)) {
    throw ImportError(op_where(op) + ": paddings hold " + std::to_string(values.size()) + " values, rank " +
                      std::to_string(rank) + " needs " + std::to_string(2 * rank));
  }
  fb::PadOptionsT pad;
  for (int64_t v : values) {
    if (v < 0 || v > (1 << 20)) throw UnsupportedOp("padding " + std::to_string(v) + " out of range [0, 2^20]");
    pad.paddings.push_back(static_cast<int32_t>(v));
  }
  // .qfb pads with the output zero point (real 0); PADV2 may ask for another.
  if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
    const int64_t fill = scalar_of_type(c, op, op.inputs[2]);
    if (fill != tflite_zero_point(c, output)) {
      throw UnsupportedOp("PADV2 fill value " + std::to_string(fill) + " differs from the output zero point " +
                          std::to_string(tflite_zero_point(c, output)));
    }
  }
  c.emit(fb::OpType::PAD, {c.tensor(input)}, {c.tensor(output)}, make_options(std::move(pad)), op.name);
}

void convert_transpose(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 2, 1);
  const int input = c.input(op, 0);
  const int rank = rank_of(c, input);
  fb::TransposeOptionsT transpose;
  for (int64_t axis : c.graph().int_values(c.input(op, 1), "perm")) {
    if (axis < -rank || axis >= rank) throw ImportError(op_where(op) + ": perm value " + std::to_string(axis) + " out of range");
    transpose.perm.push_back(static_cast<int32_t>(axis < 0 ? axis + rank : axis));
  }
  c.emit(fb::OpType::TRANSPOSE, {c.tensor(input)}, {c.tensor(c.output(op, 0))}, make_options(std::move(transpose)),
         op.name);
}

void convert_split(Context& c, const TfliteOp& op) {
  // TFLite's SPLIT takes the axis first, then the tensor.
  if (op.inputs.size() != 2 || op.outputs.empty()) {
    throw ImportError(op_where(op) + " needs 2 inputs (axis, tensor) and at least one output");
  }
  const int input = c.input(op, 1);
  fb::SplitOptionsT split;
  split.axis = constant_axis(c, op, c.input(op, 0), rank_of(c, input));
  std::vector<int32_t> outputs;
  for (size_t k = 0; k < op.outputs.size(); ++k) outputs.push_back(c.tensor(c.output(op, k)));
  c.emit(fb::OpType::SPLIT, {c.tensor(input)}, outputs, make_options(std::move(split)), op.name);
}

void convert_split_v(Context& c, const TfliteOp& op) {
  // SPLIT_V: (tensor, size_splits, axis). The .qfb SPLIT takes each output's
  // length along the axis from its shape, so unequal sizes need no option;
  // the sizes are resolved here (one -1 takes the rest) and must be what the
  // output tensors say.
  if (op.inputs.size() != 3 || op.outputs.empty()) {
    throw ImportError(op_where(op) + " needs 3 inputs (tensor, size_splits, axis) and at least one output");
  }
  const int input = c.input(op, 0);
  const std::vector<int32_t> input_shape = c.graph().shape(input);
  fb::SplitOptionsT split;
  split.axis = constant_axis(c, op, c.input(op, 2), static_cast<int>(input_shape.size()));
  const int64_t axis_dim = input_shape[split.axis];
  std::vector<int64_t> sizes = c.graph().int_values(c.input(op, 1), "size_splits");
  if (sizes.size() != op.outputs.size()) {
    throw ImportError(op_where(op) + ": size_splits holds " + std::to_string(sizes.size()) + " values for " +
                      std::to_string(op.outputs.size()) + " outputs");
  }
  int64_t known = 0;
  int inferred = -1;
  for (size_t k = 0; k < sizes.size(); ++k) {
    if (sizes[k] == -1 && inferred < 0) {
      inferred = static_cast<int>(k);
    } else if (sizes[k] < 0 || sizes[k] > axis_dim) {
      throw ImportError(op_where(op) + ": size_splits value " + std::to_string(sizes[k]) +
                        (sizes[k] == -1 ? " appears twice" : " out of range [0, " + std::to_string(axis_dim) + "]"));
    } else {
      known += sizes[k];
    }
  }
  if (inferred >= 0) sizes[inferred] = axis_dim - known;
  if (known > axis_dim || (inferred < 0 && known != axis_dim)) {
    throw ImportError(op_where(op) + ": size_splits add up to " + std::to_string(known) + ", the input has " +
                      std::to_string(axis_dim) + " along axis " + std::to_string(split.axis));
  }
  std::vector<int32_t> outputs;
  for (size_t k = 0; k < op.outputs.size(); ++k) {
    const int output = c.output(op, k);
    const std::vector<int32_t> shape = c.graph().shape(output);
    if (shape.size() != input_shape.size() || shape[split.axis] != sizes[k]) {
      throw ImportError(op_where(op) + ": output " + c.graph().describe(output) + " should have " +
                        std::to_string(sizes[k]) + " along axis " + std::to_string(split.axis));
    }
    outputs.push_back(c.tensor(output));
  }
  c.emit(fb::OpType::SPLIT, {c.tensor(input)}, outputs, make_options(std::move(split)), op.name);
}

void convert_strided_slice(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 4, 4, 1);
  const int input = c.input(op, 0), output = c.output(op, 0);
  StridedSliceSpec spec;
  spec.begin = c.graph().int_values(c.input(op, 1), "begin");
  spec.end = c.graph().int_values(c.input(op, 2), "end");
  spec.strides = c.graph().int_values(c.input(op, 3), "strides");
  if (const auto* o = op.op->builtin_options_as_StridedSliceOptions()) {
    spec.begin_mask = o->begin_mask();
    spec.end_mask = o->end_mask();
    spec.ellipsis_mask = o->ellipsis_mask();
    spec.new_axis_mask = o->new_axis_mask();
    spec.shrink_axis_mask = o->shrink_axis_mask();
    spec.offset = o->offset();
  }
  ResolvedSlice slice;
  const std::string problem = resolve_strided_slice(c.graph().shape(input), spec, &slice);
  if (!problem.empty()) throw UnsupportedOp(problem);
  const std::vector<int32_t> output_shape = c.graph().shape(output);
  if (slice.output_shape != output_shape && slice.full_shape != output_shape) {
    throw ImportError(op_where(op) + ": the slice gives a shape other than output " + c.graph().describe(output));
  }
  fb::StridedSliceOptionsT options;
  options.begin = slice.begin;
  options.strides = slice.strides;
  if (slice.full_shape == output_shape) {
    c.emit(fb::OpType::STRIDED_SLICE, {c.tensor(input)}, {c.tensor(output)}, make_options(std::move(options)),
           op.name);
    return;
  }
  // Shrunk axes: slice at full rank, then drop the unit dimensions.
  const int sliced = c.add_intermediate(output, op.name + "/unshrunk", slice.full_shape);
  c.emit(fb::OpType::STRIDED_SLICE, {c.tensor(input)}, {sliced}, make_options(std::move(options)), op.name);
  fb::ReshapeOptionsT reshape;
  reshape.new_shape = output_shape;
  c.emit(fb::OpType::RESHAPE, {sliced}, {c.tensor(output)}, make_options(std::move(reshape)), op.name + "/shrink");
}

void convert_resize(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 2, 1);
  const int input = c.input(op, 0), output = c.output(op, 0);
  const std::vector<int32_t> out_shape = c.graph().shape(output);
  const std::vector<int64_t> size = c.graph().int_values(c.input(op, 1), "size");
  if (out_shape.size() != 4 || size.size() != 2 || size[0] != out_shape[1] || size[1] != out_shape[2]) {
    throw ImportError(op_where(op) + ": size must hold the output's height and width");
  }
  fb::ResizeOptionsT resize;
  if (op.code == kResizeBilinear) {
    if (const auto* o = op.op->builtin_options_as_ResizeBilinearOptions()) {
      resize.align_corners = o->align_corners();
      resize.half_pixel_centers = o->half_pixel_centers();
    }
    // TFLite's uint8 bilinear resize is a float32 kernel, unlike its int8 one.
    resize.uint8_arithmetic = c.is_uint8(input);
  } else if (const auto* o = op.op->builtin_options_as_ResizeNearestNeighborOptions()) {
    resize.align_corners = o->align_corners();
    resize.half_pixel_centers = o->half_pixel_centers();
  }
  c.emit(op.code == kResizeBilinear ? fb::OpType::RESIZE_BILINEAR : fb::OpType::RESIZE_NEAREST_NEIGHBOR,
         {c.tensor(input)}, {c.tensor(output)}, make_options(std::move(resize)), op.name);
}

void convert_arg_max(Context& c, const TfliteOp& op) {
  c.expect_counts(op, 2, 2, 1);
  const int input = c.input(op, 0), output = c.output(op, 0);
  fb::ArgMaxOptionsT arg_max;
  arg_max.axis = constant_axis(c, op, c.input(op, 1), rank_of(c, input));
  const tfl::TensorType out_type = c.graph().tensor(output).type();
  if (out_type == tfl::TensorType::INT64) {
    // .qfb has no int64; indices fit int32 (tensors hold < 2^31 elements).
    c.override_dtype(output, fb::DType::INT32);
    c.note("ARG_MAX output '" + c.graph().tensor_name(output) + "' is int64 in the TFLite model, int32 in the .qfb");
  } else if (out_type != tfl::TensorType::INT32) {
    throw UnsupportedOp("ARG_MAX output type " + std::string(tflite_dtype_name(out_type)) + " is not supported");
  }
  c.emit(fb::OpType::ARG_MAX, {c.tensor(input)}, {c.tensor(output)}, make_options(std::move(arg_max)), op.name);
}

}  // namespace qrt::tflite_import
