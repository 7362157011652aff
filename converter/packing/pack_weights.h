// qconvert --pack: stores ops' packed weights in a .qfb, as the runtime packs
// them for the kernel tables of the named ISAs, so that prepare on a CPU with
// one of those ISAs uses them in place (docs/format.md, "Packed weights").
// The runtime does the packing and computes the checksums, through the
// public C API: the file holds exactly what prepare would have built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qrt {

struct WeightPackingSummary {
  size_t packings = 0;  // (op, format) blobs stored
  size_t bytes = 0;     // their total size
};

// Returns `qfb` with packed weights for every op whose kernel packs, for
// each ISA in `isas` (names qrt_options_set_isa takes; the CPU running this
// must have them). Packings the file already had are replaced. False with
// *error when an ISA is unavailable or the model does not load or prepare.
bool pack_qfb_weights(const std::vector<uint8_t>& qfb, const std::vector<std::string>& isas,
                      std::vector<uint8_t>* packed, std::string* error, WeightPackingSummary* summary = nullptr);

}  // namespace qrt
