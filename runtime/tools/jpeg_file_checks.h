// Checks on an untrusted JPEG's marker segments made before stb_image sees it.
//
// Debian's stb_image (2022) trusts the tables a JPEG defines: it builds its
// Huffman tables in a struct it never clears, so a scan that uses a table the
// file never defined decodes with whatever the heap held (an assertion
// failure in Debian's libstb, an out-of-bounds read without assertions; found
// by the image fuzzer, tests/fuzz/regressions/image/jpeg_undefined_huffman_*),
// and a DHT segment declaring more than 256 codes overruns its arrays. The
// same holds for quantization tables, whose garbage would leak heap contents
// into the pixels. This check walks every marker segment in the order
// stb_image reads them; it decodes no entropy-coded data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace qrt {
namespace tools {

// For a file that starts with FF D8 FF: every marker segment up to EOI lies
// inside the file; each DHT table has a class <= 1, an id <= 3 and at most
// 256 codes; each scan uses only Huffman tables defined before it (DC tables
// for baseline scans and first progressive DC scans, AC tables for baseline
// and progressive AC scans); the frame's quantization tables are all defined
// before the first scan. On failure sets `error`.
bool check_jpeg_structure(const uint8_t* bytes, size_t size, std::string* error);

}  // namespace tools
}  // namespace qrt
