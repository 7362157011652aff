// half_to_float on every one of the 65536 half bit patterns against the
// format's definition: (-1)^s * 2^(e - 15) * (1 + m / 1024) for normal
// values, (-1)^s * m * 2^-24 for subnormals, infinities and NaN for e = 31.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include "kernels/reference/float16.h"

TEST_CASE("half_to_float widens every half exactly", "[float16]") {
  for (uint32_t h = 0; h < 65536; ++h) {
    const int sign = (h >> 15) ? -1 : 1;
    const int e = (h >> 10) & 31;
    const int m = h & 1023;
    const float got = qrt::reference::half_to_float(static_cast<uint16_t>(h));
    INFO("half 0x" << std::hex << h);
    if (e == 31) {
      REQUIRE((m == 0 ? std::isinf(got) : std::isnan(got)));
      if (m == 0) REQUIRE(std::signbit(got) == (sign < 0));
      continue;
    }
    const double want = e == 0 ? sign * std::ldexp(m, -24) : sign * std::ldexp(1024 + m, e - 25);
    REQUIRE(static_cast<double>(got) == want);
    REQUIRE(std::signbit(got) == (sign < 0));  // -0 stays -0
  }
}
