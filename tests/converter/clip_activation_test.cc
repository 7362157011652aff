// activation_for: which int8 clamp a quantized Clip becomes, decided on the
// bounds' int8 codes in the output's quantization.
#include <catch2/catch.hpp>

#include "converter/lowering/lowering_context.h"
#include "tests/converter/ir_test_helpers.h"

namespace qrt::convert {
namespace {

std::optional<fb::Activation> clip_activation(float lo, float hi, float scale, int32_t zero_point) {
  IrGraph g;
  g.opset = 13;
  test::add_float_constant(&g, "lo", {}, {lo});
  test::add_float_constant(&g, "hi", {}, {hi});
  const IrNode clip = test::make_node("Clip", {"x", "lo", "hi"}, {"y"});
  IrQuantization q;
  q.scales = {scale};
  q.zero_points = {zero_point};
  return lowering::activation_for(g, clip, q);
}

TEST_CASE("Clip(0, 6) as an int8 clamp, by the bounds' codes") {
  // Range [0, 6]: 0 is code -128 and 6 code 127, the ends of the range: nothing clamps.
  CHECK(clip_activation(0.0f, 6.0f, 6.0f / 255.0f, -128) == fb::Activation::NONE);
  // Range [-1, 5]: 6 is past the end, 0 inside: a ReLU.
  CHECK(clip_activation(0.0f, 6.0f, 6.0f / 255.0f, -128 + 43) == fb::Activation::RELU);
  // Range [-1, 11.75]: both bounds inside: ReLU6.
  CHECK(clip_activation(0.0f, 6.0f, 0.05f, -108) == fb::Activation::RELU6);
  // Range [0, 12.75] (zero point -128): 0 clamps nothing but 6 does: still RELU6 (its 0 clamp is a no-op).
  CHECK(clip_activation(0.0f, 6.0f, 0.05f, -128) == fb::Activation::RELU6);
  // A bound a fraction of a step inside the range's end rounds to the end code: dropped.
  // Range top = 0.05 * (127 + 108) = 11.75; a max of 11.74 is code 127.
  CHECK(clip_activation(0.0f, 11.74f, 0.05f, -108) == fb::Activation::RELU);
  // Bounds qrt has no clamp for are refused (nullopt), unless they clamp nothing.
  CHECK_FALSE(clip_activation(0.5f, 6.0f, 0.05f, -108).has_value());
  CHECK(clip_activation(-20.0f, 20.0f, 0.05f, -108) == fb::Activation::NONE);
  CHECK(clip_activation(-1.0f, 1.0f, 0.01f, 0) == fb::Activation::RELU_N1_TO_1);
}

}  // namespace
}  // namespace qrt::convert
