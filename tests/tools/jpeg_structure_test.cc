// JPEG marker checks made before stb_image decodes (docs/security.md,
// runtime/tools/jpeg_file_checks.h): a scan that uses a Huffman table the
// file never defined, a Huffman table of more than 256 codes, a frame whose
// quantization table is missing, and a segment past the end are refused with
// a message; the same file with its tables in place decodes. The first case
// was found by the image fuzzer (tests/fuzz/regressions/image).
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/tools/image_input.h"

namespace {

using Bytes = std::vector<uint8_t>;

void put_u16_be(Bytes* out, uint32_t v) {
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}

void segment(Bytes* out, uint8_t marker, const Bytes& payload) {
  out->push_back(0xFF);
  out->push_back(marker);
  put_u16_be(out, static_cast<uint32_t>(payload.size() + 2));
  out->insert(out->end(), payload.begin(), payload.end());
}

struct FlatJpeg {
  bool define_quantization = true;
  uint8_t ac_table_defined = 0;  // the AC table id the DHT defines; the scan uses 0
  uint8_t dc_codes_of_length_2 = 0;  // extra DC codes, to make a table too large
  bool progressive = false;
};

// A 16 x 8 gray JPEG whose Huffman tables give a 1-bit DC difference 0 and a
// 1-bit end-of-block, so its entropy-coded data can be all zero bits.
Bytes flat_jpeg(const FlatJpeg& spec) {
  Bytes out{0xFF, 0xD8};
  if (spec.define_quantization) {
    Bytes dqt(65, 1);
    dqt[0] = 0;
    segment(&out, 0xDB, dqt);
  }
  Bytes sof{8};
  put_u16_be(&sof, 8);
  put_u16_be(&sof, 16);
  sof.insert(sof.end(), {1, 1, 0x11, 0});
  segment(&out, spec.progressive ? 0xC2 : 0xC0, sof);
  for (uint8_t table : {uint8_t{0x00}, static_cast<uint8_t>(0x10 | spec.ac_table_defined)}) {
    Bytes counts(16, 0);
    counts[0] = 1;
    if (table == 0x00) counts[1] = spec.dc_codes_of_length_2;
    Bytes dht{table};
    dht.insert(dht.end(), counts.begin(), counts.end());
    for (int i = 0; i < counts[0] + counts[1]; ++i) dht.push_back(0);
    segment(&out, 0xC4, dht);
  }
  if (spec.progressive) {
    segment(&out, 0xDA, {1, 1, 0x00, 0x00, 0x00, 0x00});  // DC first pass: DC table 0 only
    out.insert(out.end(), {0, 0});
    segment(&out, 0xDA, {1, 1, 0x00, 0x01, 0x3F, 0x00});  // AC scan: AC table 0
  } else {
    segment(&out, 0xDA, {1, 1, 0x00, 0x00, 0x3F, 0x00});
  }
  out.insert(out.end(), {0, 0, 0, 0, 0xFF, 0xD9});
  return out;
}

bool decode(const Bytes& file, std::string* error) {
  qrt::tools::Image image;
  return qrt::tools::decode_image(file.data(), file.size(), &image, error);
}

}  // namespace

TEST_CASE("jpeg checks: the flat JPEG with every table defined decodes", "[image]") {
  std::string error;
  FlatJpeg spec;
  CHECK(decode(flat_jpeg(spec), &error));
  INFO(error);
  spec.progressive = true;
  CHECK(decode(flat_jpeg(spec), &error));
}

TEST_CASE("jpeg checks: a scan using an undefined Huffman table is refused", "[image]") {
  // stb_image would decode with the uninitialized table (found by the fuzzer:
  // an assertion in Debian's libstb, an out-of-bounds read without asserts).
  FlatJpeg spec;
  spec.ac_table_defined = 2;
  std::string error;
  CHECK_FALSE(decode(flat_jpeg(spec), &error));
  CHECK_THAT(error, Catch::Contains("uses Huffman table AC 0, which the file does not define"));
  spec.progressive = true;
  CHECK_FALSE(decode(flat_jpeg(spec), &error));
  CHECK_THAT(error, Catch::Contains("uses Huffman table AC 0"));
}

TEST_CASE("jpeg checks: a Huffman table of more than 256 codes is refused", "[image]") {
  FlatJpeg spec;
  spec.dc_codes_of_length_2 = 255;  // 1 + 255 = 256 codes: the most a table may hold
  std::string error;
  const Bytes largest = flat_jpeg(spec);
  // 256 codes pass the marker check (stb_image then refuses the impossible
  // code lengths itself); 257 do not.
  const bool decoded = decode(largest, &error);
  CHECK((decoded || error.find("more than 256") == std::string::npos));
  spec.dc_codes_of_length_2 = 0;
  Bytes too_many = flat_jpeg(spec);
  // Rewrite the first DHT's counts to 1 + 255 of length 2 + 1 of length 3.
  const size_t dht = std::string(too_many.begin(), too_many.end()).find("\xFF\xC4");
  REQUIRE(dht != std::string::npos);
  Bytes table{0x00, 1, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  table.resize(table.size() + 257, 0);
  Bytes rebuilt(too_many.begin(), too_many.begin() + static_cast<long>(dht));
  segment(&rebuilt, 0xC4, table);
  const size_t old_length = static_cast<size_t>((too_many[dht + 2] << 8) | too_many[dht + 3]);
  rebuilt.insert(rebuilt.end(), too_many.begin() + static_cast<long>(dht + 2 + old_length), too_many.end());
  CHECK_FALSE(decode(rebuilt, &error));
  CHECK_THAT(error, Catch::Contains("declares 257 codes, more than 256"));
}

TEST_CASE("jpeg checks: a missing quantization table and a segment past the end are refused", "[image]") {
  FlatJpeg spec;
  spec.define_quantization = false;
  std::string error;
  CHECK_FALSE(decode(flat_jpeg(spec), &error));
  CHECK_THAT(error, Catch::Contains("quantization table 0, which the file does not define"));

  Bytes cut = flat_jpeg(FlatJpeg());
  cut.resize(30);  // inside the frame header's segment
  CHECK_FALSE(decode(cut, &error));
  CHECK_THAT(error, Catch::Contains("past the end of the 30-byte file"));
}
