// The XNNPACK backend in a build without QRT_WITH_XNNPACK: never available,
// never takes an op (parse_backend refuses "xnnpack" first).
#include "runtime/backends/xnnpack/xnnpack_backend.h"

namespace qrt {

bool xnnpack_backend_available() { return false; }

void xnnpack_prepare_op(const Model&, const OpDesc&, std::unique_ptr<DelegatedOp>* prepared, std::string* declined) {
  prepared->reset();
  *declined = "this build has no XNNPACK backend";
}

}  // namespace qrt
