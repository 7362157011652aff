// Float executor ops against values computed by hand.
#include <catch2/catch.hpp>

#include "converter/ir/float_executor.h"
#include "converter/ir/fused_activation.h"
#include "tests/converter/ir_test_helpers.h"

namespace qrt::convert {
namespace {

using test::float_attr;
using test::int_attr;
using test::ints_attr;
using test::make_node;
using test::string_attr;

HostTensor run1(const IrNode& node, std::vector<HostTensor> inputs, int64_t opset = 13) {
  std::vector<const HostTensor*> ptrs;
  for (const HostTensor& t : inputs) ptrs.push_back(t.size() || !t.shape.empty() ? &t : nullptr);
  return run_float_node(node, ptrs, opset).at(0);
}

HostTensor F(std::vector<int64_t> shape, std::vector<float> data) { return HostTensor::floats(shape, data); }
HostTensor I(std::vector<int64_t> shape, std::vector<int64_t> data) { return HostTensor::int64s(shape, data); }

TEST_CASE("Conv: pads, strides, bias") {
  // 1x1x3x3 input 1..9, 2x2 kernel of ones, pad 1 at the start only, stride 2.
  const auto x = F({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const auto w = F({1, 1, 2, 2}, {1, 1, 1, 1});
  const auto b = F({1}, {0.5f});
  const auto node = make_node("Conv", {"x", "w", "b"}, {"y"}, {{"pads", ints_attr({1, 1, 0, 0})}, {"strides", ints_attr({2, 2})}});
  const HostTensor y = run1(node, {x, w, b});
  CHECK(y.shape == std::vector<int64_t>{1, 1, 2, 2});
  // Windows start at (-1,-1), (-1,1), (1,-1), (1,1).
  CHECK(y.f == std::vector<float>{1.5f, 2 + 3 + 0.5f, 4 + 7 + 0.5f, 5 + 6 + 8 + 9 + 0.5f});
}

TEST_CASE("Conv: groups (depthwise) and dilation") {
  const auto x = F({1, 2, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90});
  const auto w = F({2, 1, 2, 2}, {1, 0, 0, 1, 1, 1, 1, 1});
  const auto node = make_node("Conv", {"x", "w"}, {"y"}, {{"group", int_attr(2)}, {"dilations", ints_attr({2, 2})}});
  const HostTensor y = run1(node, {x, w});
  CHECK(y.shape == std::vector<int64_t>{1, 2, 1, 1});
  CHECK(y.f == std::vector<float>{1 + 9, 10 + 30 + 70 + 90});
}

TEST_CASE("Conv: auto_pad SAME_UPPER and SAME_LOWER") {
  const auto x = F({1, 1, 1, 4}, {1, 2, 3, 4});
  const auto w = F({1, 1, 1, 2}, {1, 10});
  // Total pad 1: SAME_UPPER puts it at the end, SAME_LOWER at the start.
  auto upper = make_node("Conv", {"x", "w"}, {"y"}, {{"auto_pad", string_attr("SAME_UPPER")}});
  CHECK(run1(upper, {x, w}).f == std::vector<float>{21, 32, 43, 4});
  auto lower = make_node("Conv", {"x", "w"}, {"y"}, {{"auto_pad", string_attr("SAME_LOWER")}});
  CHECK(run1(lower, {x, w}).f == std::vector<float>{10, 21, 32, 43});
}

TEST_CASE("Conv: mismatched channels are refused with the node's name") {
  const auto x = F({1, 2, 2, 2}, std::vector<float>(8, 1));
  const auto w = F({1, 3, 1, 1}, {1, 1, 1});
  const auto node = make_node("Conv", {"x", "w"}, {"y"});
  CHECK_THROWS_WITH(run1(node, {x, w}), Catch::Contains("Conv_y") && Catch::Contains("do not agree"));
}

TEST_CASE("Fused activation attributes clamp the output") {
  const auto x = F({1, 1, 1, 3}, {-2, 0.5f, 9});
  const auto w = F({1, 1, 1, 1}, {1});
  auto node = make_node("Conv", {"x", "w"}, {"y"});
  set_fused_activation(&node, {"Clip", 0.0f, 6.0f});
  CHECK(run1(node, {x, w}).f == std::vector<float>{0, 0.5f, 6});
}

TEST_CASE("MaxPool and AveragePool with pads and count_include_pad") {
  const auto x = F({1, 1, 2, 2}, {1, 2, 3, 4});
  const std::map<std::string, IrAttribute> window = {{"kernel_shape", ints_attr({2, 2})}, {"pads", ints_attr({1, 1, 0, 0})}};
  auto max_node = make_node("MaxPool", {"x"}, {"y"}, window);
  CHECK(run1(max_node, {x}).f == std::vector<float>{1, 2, 3, 4});
  auto avg_node = make_node("AveragePool", {"x"}, {"y"}, window);
  CHECK(run1(avg_node, {x}).f == std::vector<float>{1, 1.5f, 2, 2.5f});
  avg_node.attributes["count_include_pad"] = int_attr(1);
  CHECK(run1(avg_node, {x}).f == std::vector<float>{0.25f, 0.75f, 1, 2.5f});
}

TEST_CASE("MaxPool ceil_mode adds the partial window") {
  const auto x = F({1, 1, 1, 5}, {1, 5, 2, 7, 3});
  auto node = make_node("MaxPool", {"x"}, {"y"}, {{"kernel_shape", ints_attr({1, 2})}, {"strides", ints_attr({1, 2})}});
  CHECK(run1(node, {x}).f == std::vector<float>{5, 7});
  node.attributes["ceil_mode"] = int_attr(1);
  CHECK(run1(node, {x}).f == std::vector<float>{5, 7, 3});
}

TEST_CASE("GlobalAveragePool") {
  const HostTensor y = run1(make_node("GlobalAveragePool", {"x"}, {"y"}), {F({1, 2, 1, 2}, {1, 3, 10, 20})});
  CHECK(y.shape == std::vector<int64_t>{1, 2, 1, 1});
  CHECK(y.f == std::vector<float>{2, 15});
}

TEST_CASE("Gemm with transB, alpha, beta and a row bias") {
  const auto a = F({1, 2}, {1, 2});
  const auto b = F({3, 2}, {1, 0, 0, 1, 1, 1});
  const auto c = F({3}, {10, 20, 30});
  auto node = make_node("Gemm", {"a", "b", "c"}, {"y"}, {{"transB", int_attr(1)}, {"alpha", float_attr(2)}, {"beta", float_attr(0.5f)}});
  const HostTensor y = run1(node, {a, b, c});
  CHECK(y.shape == std::vector<int64_t>{1, 3});
  CHECK(y.f == std::vector<float>{2 + 5, 4 + 10, 6 + 15});
}

TEST_CASE("MatMul broadcasts batches and promotes vectors") {
  const auto a = F({2, 1, 2}, {1, 2, 3, 4});
  const auto b = F({2, 1}, {10, 1});
  const HostTensor y = run1(make_node("MatMul", {"a", "b"}, {"y"}), {a, b});
  CHECK(y.shape == std::vector<int64_t>{2, 1, 1});
  CHECK(y.f == std::vector<float>{12, 34});
  const HostTensor v = run1(make_node("MatMul", {"a", "b"}, {"y"}), {F({2}, {1, 2}), F({2, 2}, {1, 2, 3, 4})});
  CHECK(v.shape == std::vector<int64_t>{2});
  CHECK(v.f == std::vector<float>{7, 10});
}

TEST_CASE("Binary ops broadcast, on floats and on int64") {
  const auto a = F({2, 2}, {1, 2, 3, 4});
  CHECK(run1(make_node("Add", {"a", "b"}, {"y"}), {a, F({2}, {10, 20})}).f == std::vector<float>{11, 22, 13, 24});
  CHECK(run1(make_node("Sub", {"a", "b"}, {"y"}), {a, F({2, 1}, {1, 2})}).f == std::vector<float>{0, 1, 1, 2});
  CHECK(run1(make_node("Mul", {"a", "b"}, {"y"}), {a, F({}, {2})}).f == std::vector<float>{2, 4, 6, 8});
  CHECK(run1(make_node("Div", {"a", "b"}, {"y"}), {a, F({}, {2})}).f == std::vector<float>{0.5f, 1, 1.5f, 2});
  CHECK(run1(make_node("Mul", {"a", "b"}, {"y"}), {I({2}, {3, 4}), I({}, {2})}).i == std::vector<int64_t>{6, 8});
  CHECK_THROWS_WITH(run1(make_node("Add", {"a", "b"}, {"y"}), {a, F({3}, {1, 2, 3})}), Catch::Contains("do not broadcast"));
}

TEST_CASE("Unary activations") {
  const auto x = F({4}, {-3, -1, 0, 2});
  const auto approx = [](std::vector<float> got, std::vector<float> want) {
    REQUIRE(got.size() == want.size());
    for (size_t k = 0; k < got.size(); ++k) CHECK(got[k] == Approx(want[k]).margin(1e-6));
  };
  approx(run1(make_node("Relu", {"x"}, {"y"}), {x}).f, {0, 0, 0, 2});
  approx(run1(make_node("Sigmoid", {"x"}, {"y"}), {x}).f, {0.0474259f, 0.2689414f, 0.5f, 0.8807971f});
  approx(run1(make_node("Tanh", {"x"}, {"y"}), {x}).f, {-0.9950548f, -0.7615942f, 0, 0.9640276f});
  approx(run1(make_node("HardSwish", {"x"}, {"y"}), {x}).f, {0, -1.0f / 3, 0, 2 * 5.0f / 6});
  approx(run1(make_node("HardSigmoid", {"x"}, {"y"}), {x}).f, {0, 0.3f, 0.5f, 0.9f});
  approx(run1(make_node("LeakyRelu", {"x"}, {"y"}, {{"alpha", float_attr(0.1f)}}), {x}).f, {-0.3f, -0.1f, 0, 2});
  approx(run1(make_node("Erf", {"x"}, {"y"}), {x}).f, {-0.9999779f, -0.8427008f, 0, 0.9953223f});
  approx(run1(make_node("Gelu", {"x"}, {"y"}), {x}).f, {-0.0040497f, -0.1586553f, 0, 1.9544997f});
}

TEST_CASE("Clip: attributes before opset 11, inputs after") {
  const auto x = F({3}, {-5, 1, 9});
  auto old_clip = make_node("Clip", {"x"}, {"y"}, {{"min", float_attr(0)}, {"max", float_attr(6)}});
  CHECK(run1(old_clip, {x}, 10).f == std::vector<float>{0, 1, 6});
  CHECK(run1(make_node("Clip", {"x", "lo", "hi"}, {"y"}), {x, F({}, {-1}), F({}, {2})}, 13).f == std::vector<float>{-1, 1, 2});
  CHECK(run1(make_node("Clip", {"x", "", "hi"}, {"y"}), {x, HostTensor{}, F({}, {2})}, 13).f == std::vector<float>{-5, 1, 2});
}

TEST_CASE("BatchNormalization") {
  const auto x = F({1, 2, 1, 1}, {3, 5});
  const HostTensor y = run1(make_node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"y"}, {{"epsilon", float_attr(0)}}),
                            {x, F({2}, {2, 1}), F({2}, {1, -1}), F({2}, {1, 1}), F({2}, {4, 16})});
  CHECK(y.f == std::vector<float>{2 * (3 - 1) / 2.0f + 1, (5 - 1) / 4.0f - 1});
}

TEST_CASE("Softmax: single axis from opset 13, flattened before") {
  const auto x = F({2, 2}, {0, 0, 0, std::log(3.0f)});
  const HostTensor y = run1(make_node("Softmax", {"x"}, {"y"}), {x});
  CHECK(y.f[0] == Approx(0.5f));
  CHECK(y.f[3] == Approx(0.75f));
  const HostTensor old = run1(make_node("Softmax", {"x"}, {"y"}, {{"axis", int_attr(0)}}), {x}, 11);
  CHECK(old.f[3] == Approx(0.5f));  // all four values normalized together
  CHECK(old.f[0] == Approx(1.0f / 6));
}

TEST_CASE("Shape ops: Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Concat") {
  const auto x = F({1, 2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(run1(make_node("Flatten", {"x"}, {"y"}), {x}).shape == std::vector<int64_t>{1, 6});
  CHECK(run1(make_node("Reshape", {"x", "s"}, {"y"}), {x, I({2}, {0, -1})}).shape == std::vector<int64_t>{1, 6});
  CHECK_THROWS_WITH(run1(make_node("Reshape", {"x", "s"}, {"y"}), {x, I({1}, {4})}), Catch::Contains("cannot reshape"));
  CHECK(run1(make_node("Squeeze", {"x", "a"}, {"y"}), {x, I({1}, {0})}).shape == std::vector<int64_t>{2, 3});
  CHECK(run1(make_node("Squeeze", {"x"}, {"y"}, {{"axes", ints_attr({0})}}), {x}, 11).shape == std::vector<int64_t>{2, 3});
  CHECK(run1(make_node("Unsqueeze", {"x", "a"}, {"y"}), {x, I({1}, {-1})}).shape == std::vector<int64_t>{1, 2, 3, 1});
  const HostTensor t = run1(make_node("Transpose", {"x"}, {"y"}, {{"perm", ints_attr({0, 2, 1})}}), {x});
  CHECK(t.shape == std::vector<int64_t>{1, 3, 2});
  CHECK(t.f == std::vector<float>{1, 4, 2, 5, 3, 6});
  const HostTensor c = run1(make_node("Concat", {"a", "b"}, {"y"}, {{"axis", int_attr(1)}}), {F({2, 1}, {1, 2}), F({2, 2}, {3, 4, 5, 6})});
  CHECK(c.f == std::vector<float>{1, 3, 4, 2, 5, 6});
}

TEST_CASE("Pad: constant value, inputs from opset 11") {
  const auto x = F({1, 2}, {1, 2});
  const HostTensor y = run1(make_node("Pad", {"x", "p", "v"}, {"y"}), {x, I({4}, {0, 1, 1, 0}), F({}, {-1})});
  CHECK(y.shape == std::vector<int64_t>{2, 3});
  CHECK(y.f == std::vector<float>{-1, 1, 2, -1, -1, -1});
  auto reflect = make_node("Pad", {"x", "p"}, {"y"}, {{"mode", string_attr("reflect")}});
  CHECK_THROWS_WITH(run1(reflect, {x, I({4}, {0, 1, 0, 0})}), Catch::Contains("only constant padding"));
}

TEST_CASE("Shape arithmetic: Shape, Gather, Unsqueeze, Concat on int64") {
  const auto x = F({4, 3, 2}, std::vector<float>(24, 0));
  const HostTensor s = run1(make_node("Shape", {"x"}, {"s"}), {x});
  CHECK(s.i == std::vector<int64_t>{4, 3, 2});
  const HostTensor n = run1(make_node("Gather", {"s", "i"}, {"n"}), {s, I({}, {0})});
  CHECK(n.shape.empty());
  CHECK(n.i == std::vector<int64_t>{4});
  const HostTensor u = run1(make_node("Unsqueeze", {"n", "a"}, {"u"}), {n, I({1}, {0})});
  const HostTensor c = run1(make_node("Concat", {"u", "m"}, {"c"}, {{"axis", int_attr(0)}}), {u, I({1}, {-1})});
  CHECK(c.i == std::vector<int64_t>{4, -1});
}

TEST_CASE("Unsupported ops are all listed at once") {
  IrGraph g;
  g.opset = 13;
  test::add_float_input(&g, "x", {1});
  g.nodes.push_back(make_node("RoiAlign", {"x"}, {"a"}));
  g.nodes.push_back(make_node("Relu", {"a"}, {"b"}));
  g.nodes.push_back(make_node("NonMaxSuppression", {"b"}, {"c"}));
  const std::string message = unsupported_float_nodes(g);
  CHECK_THAT(message, Catch::Contains("RoiAlign") && Catch::Contains("NonMaxSuppression"));
  CHECK_THROWS_AS(run_float_graph(g, {{"x", F({1}, {1})}}), FloatExecutorError);
}

}  // namespace
}  // namespace qrt::convert
