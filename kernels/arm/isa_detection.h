// Which ARM kernels this CPU runs. Used by kernel_table.cc only.
#pragma once

namespace qrt::arm {

// NEON: always on AArch64; on ARMv7 when cpuinfo reports it.
bool has_neon();
// SDOT (FEAT_DotProd), from cpuinfo.
bool has_neondot();
// SMMLA (FEAT_I8MM). Debian 12's cpuinfo predates cpuinfo_has_arm_i8mm, so
// this asks the kernel: HWCAP2_I8MM on Linux and Android, the
// hw.optional.arm.FEAT_I8MM sysctl on Apple platforms.
bool has_i8mm();

}  // namespace qrt::arm
