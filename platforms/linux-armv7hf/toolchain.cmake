# Cross toolchain: Linux ARMv7 hard-float with NEON (32-bit Raspberry Pi OS on
# a Pi 2/3/4/5, other Cortex-A7/A9/A15/A53 boards running armhf) from an
# x86-64 Debian host with g++-arm-linux-gnueabihf. See README.md next to
# this file.
#
#   cmake -S . -B build/armv7 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=platforms/linux-armv7hf/toolchain.cmake \
#     -DQRT_CROSS_DEPS=$PWD/build/arm-deps/armhf
#
# The library stays baseline armhf (Debian's -march=armv7-a+fp, VFPv3-D16,
# no NEON), so it still loads on a NEON-less core; only kernels/arm/neon is
# compiled with -mfpu=neon, and the dispatch table calls it after cpuinfo
# reports NEON (every Raspberry Pi from the Pi 2 on has it).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(QRT_CROSS_TRIPLE arm-linux-gnueabihf)

set(CMAKE_C_COMPILER ${QRT_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${QRT_CROSS_TRIPLE}-g++)

include(${CMAKE_CURRENT_LIST_DIR}/../cmake/linux_cross_common.cmake)
