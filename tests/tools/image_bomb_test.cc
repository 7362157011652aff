// Decompression bombs (docs/security.md): a tiny JPEG or PNG header that
// declares a huge image is refused from its header, before stb_image decodes
// anything. stb_image fills a truncated JPEG with zero bits, so without the
// pixels-per-file-byte bound a 144-byte file declaring 16384 x 16384 decoded
// 256 M pixels. The same files are fuzz regressions (tests/fuzz/regressions/image).
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/tools/image_input.h"

namespace {

void put_u16_be(std::vector<uint8_t>* out, uint32_t v) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}

void segment(std::vector<uint8_t>* out, uint8_t marker, const std::vector<uint8_t>& payload) {
  out->push_back(0xFF);
  out->push_back(marker);
  put_u16_be(out, static_cast<uint32_t>(payload.size() + 2));
  out->insert(out->end(), payload.begin(), payload.end());
}

// A baseline gray JPEG whose Huffman tables give a 1-bit DC difference 0 and a
// 1-bit end-of-block: zero bits decode as flat 8 x 8 blocks (the layout of
// make_image_regressions.py).
std::vector<uint8_t> flat_jpeg(uint32_t width, uint32_t height) {
  std::vector<uint8_t> out{0xFF, 0xD8};
  std::vector<uint8_t> dqt(65, 1);
  dqt[0] = 0;
  segment(&out, 0xDB, dqt);
  std::vector<uint8_t> sof{8};
  put_u16_be(&sof, height);
  put_u16_be(&sof, width);
  sof.insert(sof.end(), {1, 1, 0x11, 0});
  segment(&out, 0xC0, sof);
  std::vector<uint8_t> counts(16, 0);
  counts[0] = 1;
  for (uint8_t table_class : {0x00, 0x10}) {
    std::vector<uint8_t> dht{table_class};
    dht.insert(dht.end(), counts.begin(), counts.end());
    dht.push_back(0);
    segment(&out, 0xC4, dht);
  }
  segment(&out, 0xDA, {1, 1, 0x00, 0x00, 0x3F, 0x00});
  out.insert(out.end(), {0, 0, 0, 0, 0xFF, 0xD9});
  return out;
}

}  // namespace

TEST_CASE("image bombs: a tiny JPEG declaring 16384 x 16384 is refused from its header", "[image]") {
  const std::vector<uint8_t> bomb = flat_jpeg(16384, 16384);
  REQUIRE(bomb.size() < 200);
  qrt::tools::Image image;
  std::string error;
  CHECK_FALSE(qrt::tools::decode_image(bomb.data(), bomb.size(), &image, &error));
  CHECK_THAT(error, Catch::Contains("declares 16384 x 16384 pixels but the file has only") &&
                        Catch::Contains("decompression bomb"));
  CHECK(image.pixels.empty());
}

TEST_CASE("image bombs: decoded bytes above 2^28 are refused", "[image]") {
  // A PNG header declaring 16384 x 16384 RGBA: 2^30 decoded bytes. Only the
  // signature and IHDR: the bound is checked from the header alone.
  std::vector<uint8_t> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (int side = 0; side < 2; ++side) png.insert(png.end(), {0x00, 0x00, 0x40, 0x00});  // 16384
  png.insert(png.end(), {8, 6, 0, 0, 0, 0, 0, 0, 0});  // 8-bit RGBA, then a CRC stb_image does not check
  png.insert(png.end(), {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82});
  qrt::tools::Image image;
  std::string error;
  CHECK_FALSE(qrt::tools::decode_image(png.data(), png.size(), &image, &error));
  CHECK_THAT(error, Catch::Contains("1073741824 bytes decoded, more than the limit of 268435456"));
  const std::vector<uint8_t> taller = flat_jpeg(16384, 16385);
  CHECK_FALSE(qrt::tools::decode_image(taller.data(), taller.size(), &image, &error));
  CHECK_THAT(error, Catch::Contains("at most 16384 x 16384"));
}

TEST_CASE("image bombs: a small honest JPEG still decodes", "[image]") {
  const std::vector<uint8_t> flat = flat_jpeg(64, 64);
  qrt::tools::Image image;
  std::string error;
  REQUIRE(qrt::tools::decode_image(flat.data(), flat.size(), &image, &error));
  CHECK(image.width == 64);
  CHECK(image.height == 64);
  CHECK(image.channels == 1);
  CHECK(image.pixels.size() == 64u * 64u);
}

TEST_CASE("image bombs: a PNG chunk longer than the file is refused before stb_image sizes a buffer by it",
          "[image]") {
  // IHDR 7 x 5 RGB, then an IDAT declaring 0x5A020000 (1.5 GB) bytes: stb_image
  // grew its IDAT buffer to that size before reading (found by the fuzzer).
  std::vector<uint8_t> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                           0, 0, 0, 7, 0, 0, 0, 5, 8, 2, 0, 0, 0, 0, 0, 0, 0};
  png.insert(png.end(), {0x5A, 0x02, 0x00, 0x00, 'I', 'D', 'A', 'T', 0x78, 0x5E, 0x01, 0x00});
  qrt::tools::Image image;
  std::string error;
  CHECK_FALSE(qrt::tools::decode_image(png.data(), png.size(), &image, &error));
  CHECK_THAT(error, Catch::Contains("declares 1510080512 bytes, past the end of the"));
  // Without IEND the chunks run out: also refused, with its own message.
  png.resize(33);
  CHECK_FALSE(qrt::tools::decode_image(png.data(), png.size(), &image, &error));
  CHECK_THAT(error, Catch::Contains("truncated PNG"));
}
