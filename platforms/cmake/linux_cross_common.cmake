# Shared by the Linux cross toolchain files (platforms/linux-*/toolchain.cmake),
# which set CMAKE_SYSTEM_PROCESSOR, QRT_CROSS_TRIPLE and the compilers first.

# Toolchain files are read again for every try_compile project: pass the
# cache variable on.
set(QRT_CROSS_DEPS "${QRT_CROSS_DEPS}" CACHE PATH "Prefix with the target's cpuinfo, pthreadpool, FlatBuffers and Catch2 under usr/")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES QRT_CROSS_DEPS)

# Target libraries and headers come from the deps prefix and the cross
# compiler's sysroot; programs (flatc, the host's code generator) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${QRT_CROSS_TRIPLE})
if(QRT_CROSS_DEPS)
  list(PREPEND CMAKE_FIND_ROOT_PATH ${QRT_CROSS_DEPS})
  set(CMAKE_LIBRARY_ARCHITECTURE ${QRT_CROSS_TRIPLE})
  # pkg-config (cpuinfo's libcpuinfo.pc) reads the target's .pc files, with
  # their /usr prefix mapped into the deps prefix.
  set(ENV{PKG_CONFIG_LIBDIR} "${QRT_CROSS_DEPS}/usr/lib/${QRT_CROSS_TRIPLE}/pkgconfig")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${QRT_CROSS_DEPS}")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest (and Catch2's test discovery) run target programs through qemu-user
# when it is installed; QEMU_CPU in the environment picks the emulated core.
# Shared libraries of the deps prefix are found through the build RPATH.
string(REGEX REPLACE "^(armv7l|arm)$" "arm" QRT_QEMU_ARCH ${CMAKE_SYSTEM_PROCESSOR})
find_program(QRT_QEMU_USER qemu-${QRT_QEMU_ARCH})
if(QRT_QEMU_USER)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${QRT_QEMU_USER} -L /usr/${QRT_CROSS_TRIPLE})
endif()
