# iOS with CMake's own iOS support: arm64 device or arm64 simulator (Apple
# silicon Macs). Used by build-xcframework.sh; by hand:
#   cmake -S . -B build/ios-device -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=platforms/ios/toolchain.cmake -DQRT_IOS_SDK=iphoneos \
#     -DQRT_CROSS_DEPS=$PWD/build/ios-deps/iphoneos
# QRT_IOS_SDK: iphoneos (device) or iphonesimulator.
# QRT_CROSS_DEPS: cpuinfo, pthreadpool, FlatBuffers and stb headers for that
# SDK, from platforms/ios/build-deps.sh.
# NOT VERIFIED: no macOS / Xcode on the machines qrt is developed on.
set(CMAKE_SYSTEM_NAME iOS)
# CMake leaves the processor empty for iOS; kernels/CMakeLists.txt picks the
# ARM kernel folders from it.
set(CMAKE_SYSTEM_PROCESSOR arm64)
set(CMAKE_OSX_ARCHITECTURES arm64)
set(CMAKE_OSX_DEPLOYMENT_TARGET 13.0 CACHE STRING "Oldest iOS the library runs on")

set(QRT_IOS_SDK "iphoneos" CACHE STRING "iphoneos or iphonesimulator")
set(QRT_CROSS_DEPS "${QRT_CROSS_DEPS}" CACHE PATH "cpuinfo, pthreadpool, FlatBuffers, stb for this SDK")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES QRT_IOS_SDK QRT_CROSS_DEPS)
set(CMAKE_OSX_SYSROOT ${QRT_IOS_SDK})

if(QRT_CROSS_DEPS)
  list(APPEND CMAKE_FIND_ROOT_PATH ${QRT_CROSS_DEPS})
  set(ENV{PKG_CONFIG_LIBDIR} "${QRT_CROSS_DEPS}/lib/pkgconfig")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
endif()
# flatc and pkg-config run on the Mac; libraries and headers come from the
# SDK and the deps prefix.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
