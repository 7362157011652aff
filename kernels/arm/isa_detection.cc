#include "kernels/arm/isa_detection.h"

#include <cpuinfo.h>

#if defined(__linux__) && (defined(__aarch64__) || defined(__arm__))
#include <sys/auxv.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

// On Linux (and Android) the features come from the kernel's hardware
// capability words, as cpuinfo itself reads them: that works where cpuinfo
// cannot initialize (no /sys, as in a bare chroot or a locked-down app
// sandbox), which must not cost a core its NEON kernels. Elsewhere, cpuinfo.
namespace qrt::arm {

bool has_neon() {
#if defined(__aarch64__)
  return true;  // Advanced SIMD is part of AArch64
#elif defined(__linux__) && defined(__arm__)
  constexpr unsigned long kHwcapNeon = 1ul << 12;  // HWCAP_NEON, <asm/hwcap.h>
  return (getauxval(AT_HWCAP) & kHwcapNeon) != 0;
#else
  return cpuinfo_initialize() && cpuinfo_has_arm_neon();
#endif
}

bool has_neondot() {
#if defined(__linux__) && defined(__aarch64__)
  constexpr unsigned long kHwcapAsimdDp = 1ul << 20;  // HWCAP_ASIMDDP, <asm/hwcap.h> of Linux 4.15+
  return (getauxval(AT_HWCAP) & kHwcapAsimdDp) != 0;
#else
  return cpuinfo_initialize() && cpuinfo_has_arm_neon_dot();
#endif
}

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
