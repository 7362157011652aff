// Ops qrt runs in float32 only, for nodes that mixed precision keeps in float
// (--keep-float, --allow-float-fallback): each becomes float32 MUL / ADD with
// constants worked out here.
//  - Div(x, c), c constant: MUL(x, 1 / c);
//  - Neg(x): MUL(x, -1);
//  - BatchNormalization (inference; one no conv absorbed): per channel (axis
//    1) a = scale / sqrt(var + epsilon), b = B - mean * a, then MUL(x, a) and
//    ADD(., b), a and b computed in double and rounded to float32.
#include <cmath>

#include "converter/lowering/lowering_context.h"
#include "converter/onnx/constant_values.h"

namespace qrt::convert::lowering {
namespace {

template <typename Table>
fb::OpOptionsUnion options_of(Table table) {
  fb::OpOptionsUnion u;
  u.Set(std::move(table));
  return u;
}

// MUL or ADD of activation x (in its own layout) with a float32 constant.
void emit_with_constant(Context& c, const IrNode& n, fb::OpType type, const std::string& x, int constant,
                        const std::string& output, int output_tensor = -1) {
  const bool nhwc = c.is_nhwc(x);
  const int input = c.in_layout(x, nhwc);
  const int out = output_tensor >= 0 ? output_tensor : c.define(output, c.shape(x), nhwc);
  fb::BinaryOptionsT o;
  o.activation = c.activation_of(n);
  c.add_op(type, {input, constant}, {out}, options_of(o), n.name);
}

const IrValue& float_constant_input(Context& c, const IrNode& n, size_t index, const char* role) {
  if (index >= n.inputs.size() || n.inputs[index].empty()) fail(n, std::string(role) + " is missing");
  const IrValue& v = c.value(n.inputs[index]);
  if (!v.is_constant || v.dtype != IrDType::kFloat32) {
    fail(n, std::string(role) + " '" + v.name + "' must be a float32 constant (qrt has no op for a computed one)");
  }
  return v;
}

}  // namespace

void emit_float_only(Context& c, const IrNode& n) {
  if (!is_float_node(c.graph(), n)) fail(n, "qrt has no int8 op for it; --allow-float-fallback runs it in float32");
  const std::string& x = n.inputs.at(0);
  const bool nhwc = c.is_nhwc(x);
  const size_t rank = c.shape(x).size();
  const std::string out = c.output_of(n);
  if (n.op_type == "Neg") {
    const int minus_one = c.float_constant(n.name + "/minus_one", {-1.0f}, {}, rank, nhwc);
    return emit_with_constant(c, n, fb::OpType::MUL, x, minus_one, out);
  }
  if (n.op_type == "Div") {
    const IrValue& d = float_constant_input(c, n, 1, "divisor");
    const std::vector<int64_t>& xs = c.shape(x);
    bool fits = d.shape.size() <= xs.size();
    for (size_t i = 0; fits && i < d.shape.size(); ++i) {
      const int64_t dim = d.shape[d.shape.size() - 1 - i];
      fits = dim == 1 || dim == xs[xs.size() - 1 - i];
    }
    if (!fits) fail(n, "the divisor must broadcast to the dividend's shape");
    std::vector<float> reciprocal = constant_floats(d, describe(n) + ": divisor");
    for (float& v : reciprocal) v = 1.0f / v;
    const int constant = c.float_constant(n.name + "/reciprocal", std::move(reciprocal), d.shape, rank, nhwc);
    return emit_with_constant(c, n, fb::OpType::MUL, x, constant, out);
  }
  // BatchNormalization: X, scale, B, input_mean, input_var.
  if (rank < 2) fail(n, "input must have a channel axis (rank 2 or more)");
  if (n.outputs.size() > 1) {
    for (size_t i = 1; i < n.outputs.size(); ++i) {
      if (!n.outputs[i].empty()) fail(n, "training-mode outputs are not supported");
    }
  }
  const std::vector<float> scale = constant_floats(float_constant_input(c, n, 1, "scale"), describe(n));
  const std::vector<float> bias = constant_floats(float_constant_input(c, n, 2, "B"), describe(n));
  const std::vector<float> mean = constant_floats(float_constant_input(c, n, 3, "mean"), describe(n));
  const std::vector<float> var = constant_floats(float_constant_input(c, n, 4, "var"), describe(n));
  const int64_t channels = c.shape(x)[1];
  if (static_cast<int64_t>(scale.size()) != channels || bias.size() != scale.size() || mean.size() != scale.size() ||
      var.size() != scale.size()) {
    fail(n, "scale, B, mean and var must have one value per channel (" + std::to_string(channels) + ")");
  }
  const double epsilon = n.float_attribute("epsilon", 1e-5f);
  std::vector<float> a(scale.size()), b(scale.size());
  for (size_t i = 0; i < scale.size(); ++i) {
    const double ai = scale[i] / std::sqrt(static_cast<double>(var[i]) + epsilon);
    a[i] = static_cast<float>(ai);
    b[i] = static_cast<float>(bias[i] - mean[i] * ai);
  }
  std::vector<int64_t> shape(rank, 1);  // channels on ONNX axis 1
  shape[1] = channels;
  const int multiplier = c.float_constant(n.name + "/multiplier", std::move(a), shape, rank, nhwc);
  const int offset = c.float_constant(n.name + "/offset", std::move(b), shape, rank, nhwc);
  const int scaled = c.temporary(n.name + "/scaled", to_stored(c.shape(x), nhwc && rank == 4), fb::DType::FLOAT32,
                                 std::nullopt);
  fb::BinaryOptionsT none;
  c.add_op(fb::OpType::MUL, {c.in_layout(x, nhwc), multiplier}, {scaled}, options_of(none), n.name + "/scale");
  const int output = c.define(out, c.shape(x), nhwc);
  fb::BinaryOptionsT o;
  o.activation = c.activation_of(n);
  c.add_op(fb::OpType::ADD, {scaled, offset}, {output}, options_of(o), n.name);
}

}  // namespace qrt::convert::lowering
