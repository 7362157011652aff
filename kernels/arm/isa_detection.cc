#include "kernels/arm/isa_detection.h"

#include <cpuinfo.h>

#if defined(__linux__) && defined(__aarch64__)
#include <sys/auxv.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

namespace qrt::arm {

bool has_neon() {
#if defined(__aarch64__)
  return true;
#else
  return cpuinfo_initialize() && cpuinfo_has_arm_neon();
#endif
}

bool has_neondot() { return cpuinfo_initialize() && cpuinfo_has_arm_neon_dot(); }

bool has_i8mm() {
#if defined(__linux__) && defined(__aarch64__)
  constexpr unsigned long kHwcap2I8mm = 1ul << 13;  // HWCAP2_I8MM, <asm/hwcap.h> of Linux 5.10+
  return (getauxval(AT_HWCAP2) & kHwcap2I8mm) != 0;
#elif defined(__APPLE__) && defined(__aarch64__)
  int value = 0;
  size_t size = sizeof(value);
  return sysctlbyname("hw.optional.arm.FEAT_I8MM", &value, &size, nullptr, 0) == 0 && value != 0;
#else
  return false;
#endif
}

}  // namespace qrt::arm
