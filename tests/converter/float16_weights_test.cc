// --weights fp16: the converter's float_to_half (round to nearest even) and
// the digits model kept in float with float16 weights.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "converter/calibration/onnx_static_ptq.h"
#include "converter/lowering/weight_lowering.h"
#include "kernels/reference/float16.h"
#include "tests/converter/onnx_test_support.h"

namespace qrt::convert {
namespace {

TEST_CASE("float_to_half: every half round-trips and midpoints round to even", "[float16]") {
  using lowering::float_to_half;
  using reference::half_to_float;
  for (uint32_t h = 0; h < 65536; ++h) {
    if (((h >> 10) & 31) == 31 && (h & 1023) != 0) continue;  // NaN: any NaN will do
    INFO("half 0x" << std::hex << h);
    REQUIRE(float_to_half(half_to_float(static_cast<uint16_t>(h))) == h);
  }
  // Between consecutive halves a and b (a's mantissa even), the midpoint goes to a, a hair above it to b.
  for (uint16_t a : {uint16_t{0x3c00}, uint16_t{0x0002}, uint16_t{0x7bfe}, uint16_t{0x0400}}) {
    const double lo = half_to_float(a), hi = half_to_float(static_cast<uint16_t>(a + 1));
    const float mid = static_cast<float>((lo + hi) / 2);
    REQUIRE(float_to_half(mid) == a);
    REQUIRE(float_to_half(std::nextafter(mid, 1e9f)) == a + 1);
    REQUIRE(float_to_half(-mid) == (a | 0x8000));
  }
  REQUIRE(float_to_half(65520.0f) == 0x7c00);  // above the largest half after rounding: infinity
  REQUIRE(float_to_half(65519.0f) == 0x7bff);
  REQUIRE(float_to_half(1e-9f) == 0);
  REQUIRE(std::isnan(half_to_float(float_to_half(std::nanf("")))));
}

TEST_CASE("qconvert --weights fp16: the float digits model with half weights is smaller and close to float", "[float16]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(QRT_SOURCE_DIR) / "tests" / "data" / "digits";
  const std::vector<uint8_t> onnx = onnx_test::read_bytes((dir / "model.onnx").string());
  REQUIRE(!onnx.empty());
  auto convert = [&](bool fp16) {
    PtqOptions ptq;
    ptq.calibration_paths = {(dir / "calibration.npy").string()};
    ptq.quantize.keep_float = {kKeepAllFloat};
    ptq.quantize.fp16_weights = fp16;
    ImportSummary summary;
    return import_onnx_with_ptq(onnx.data(), onnx.size(), ImportOptions{}, OnnxLoadOptions{}, ptq, &summary);
  };
  const std::vector<uint8_t> f32 = convert(false), f16 = convert(true);
  INFO("float32 weights " << f32.size() << " bytes, float16 " << f16.size());
  CHECK(f16.size() < f32.size() * 3 / 4);
  std::vector<float> image(64);
  for (size_t i = 0; i < 64; ++i) image[i] = static_cast<float>((i * 37) % 17) / 16.0f;
  std::vector<uint8_t> bytes(256);
  std::memcpy(bytes.data(), image.data(), bytes.size());
  const auto a = onnx_test::run_qfb(f32, {bytes}).at(0), b = onnx_test::run_qfb(f16, {bytes}).at(0);
  REQUIRE(a.size() == b.size());
  std::vector<float> x(a.size() / 4), y(b.size() / 4);
  std::memcpy(x.data(), a.data(), a.size());
  std::memcpy(y.data(), b.data(), b.size());
  double peak = 0, worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    peak = std::max(peak, std::fabs(static_cast<double>(x[i])));
    worst = std::max(worst, std::fabs(static_cast<double>(x[i]) - y[i]));
  }
  INFO("worst " << worst << " of peak " << peak);
  CHECK(worst > 0.0);  // the weights did change
  CHECK(worst < 1e-2 * peak);  // half keeps 11 significant bits
}

}  // namespace
}  // namespace qrt::convert
