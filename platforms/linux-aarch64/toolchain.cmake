# Cross toolchain: Linux AArch64 (Raspberry Pi 3/4/5 with a 64-bit OS, any
# arm64 Debian/Ubuntu board) from an x86-64 Debian host with
# g++-aarch64-linux-gnu. See README.md next to this file.
#
#   cmake -S . -B build/aarch64 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=platforms/linux-aarch64/toolchain.cmake \
#     -DQRT_CROSS_DEPS=$PWD/build/arm-deps/aarch64
#
# QRT_CROSS_DEPS: a prefix holding the arm64 builds of cpuinfo, pthreadpool,
# FlatBuffers' headers (and Catch2's, for tests) under usr/, as
# `scripts/install-deps.sh --arm` unpacks them from Debian's .deb files.
# Without it, the cross compiler's own sysroot is searched (multiarch
# installs of the :arm64 -dev packages work that way).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(QRT_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${QRT_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${QRT_CROSS_TRIPLE}-g++)
# GCC notes that passing some structs changed ABI in GCC 10.1; everything
# here is built by one compiler, so the notes are noise.
set(CMAKE_CXX_FLAGS_INIT -Wno-psabi)

include(${CMAKE_CURRENT_LIST_DIR}/../cmake/linux_cross_common.cmake)
