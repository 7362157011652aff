// Backends: who runs an op. qrt's own kernels run every op; an optional
// backend (XNNPACK, QRT_WITH_XNNPACK) may take the ops it supports at
// prepare, and the rest fall back to qrt's kernels.
#pragma once

#include <cstdint>
#include <string>

#include <pthreadpool.h>

#include "runtime/ops/op_registry.h"

namespace qrt {

enum class Backend : uint8_t {
  kQrt = 0,      // qrt's kernels (the ISA option picks which)
  kXnnpack = 1,  // XNNPACK's operators where they apply, qrt's kernels elsewhere
};

const char* backend_name(Backend backend);

// "qrt" or "xnnpack" (NULL or "" is "qrt"). False, with a message, for an
// unknown name or a backend this build does not have.
bool parse_backend(const char* name, Backend* backend, qrt_status* code, std::string* error);

// An op another library runs. Its operator reads and writes tensor memory
// directly, so it is bound to the arena and the thread pool once they exist
// (after planning, before the first run), never during run().
class DelegatedOp : public PreparedOp {
 public:
  virtual Status bind(uint8_t* const* tensor_data, pthreadpool_t threadpool) = 0;
};

}  // namespace qrt
