#!/usr/bin/env bash
# Builds build/ios/qrt.xcframework: one static library per slice (arm64
# device, arm64 simulator) holding qrt, cpuinfo and pthreadpool, plus qrt.h
# and a module map so Swift can `import qrt`.
#
#   platforms/ios/build-deps.sh            # once: dependencies per SDK
#   platforms/ios/build-xcframework.sh     # then add qrt.xcframework to the Xcode project
#
# Needs macOS with Xcode (xcodebuild, libtool), CMake 3.22+, Ninja, and
# Debian's flatc 2.0.8 on PATH (the same version as the FlatBuffers headers
# build-deps.sh installs). NOT VERIFIED: no macOS here.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
deps=${QRT_IOS_DEPS:-$root/build/ios-deps}
out=$root/build/ios
rm -rf "$out/qrt.xcframework" "$out/Headers"
mkdir -p "$out/Headers"
cp "$root/runtime/include/qrt/qrt.h" "$root/platforms/ios/module.modulemap" "$out/Headers/"
args=()
for sdk in iphoneos iphonesimulator; do
  build=$out/build-$sdk
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/platforms/ios/toolchain.cmake" -DQRT_IOS_SDK="$sdk" \
    -DQRT_CROSS_DEPS="$deps/$sdk" -DQRT_BUILD_TESTS=OFF -DQRT_BUILD_CONVERTER=OFF -DBUILD_SHARED_LIBS=OFF
  cmake --build "$build" --target qrt
  # One archive per slice: an app links qrt without knowing its dependencies.
  libtool -static -o "$build/libqrt_all.a" "$build/runtime/libqrt.a" \
    "$deps/$sdk/lib/libcpuinfo.a" "$deps/$sdk/lib/libclog.a" "$deps/$sdk/lib/libpthreadpool.a"
  args+=(-library "$build/libqrt_all.a" -headers "$out/Headers")
done
xcodebuild -create-xcframework "${args[@]}" -output "$out/qrt.xcframework"
echo "build-xcframework.sh: $out/qrt.xcframework"
