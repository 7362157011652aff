#include "runtime/backends/backend.h"

#include <cstring>

#include "runtime/backends/xnnpack/xnnpack_backend.h"

namespace qrt {

const char* backend_name(Backend backend) { return backend == Backend::kXnnpack ? "xnnpack" : "qrt"; }

bool parse_backend(const char* name, Backend* backend, qrt_status* code, std::string* error) {
  if (name == nullptr || name[0] == '\0' || std::strcmp(name, "qrt") == 0) {
    *backend = Backend::kQrt;
    return true;
  }
  if (std::strcmp(name, "xnnpack") == 0) {
    if (!xnnpack_backend_available()) {
      *code = QRT_UNSUPPORTED;
      *error = "backend \"xnnpack\": this build has no XNNPACK backend (configure with -DQRT_WITH_XNNPACK=ON)";
      return false;
    }
    *backend = Backend::kXnnpack;
    return true;
  }
  *code = QRT_INVALID_ARGUMENT;
  *error = std::string("unknown backend \"") + name + "\" (qrt or xnnpack)";
  return false;
}

}  // namespace qrt
