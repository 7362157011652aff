#!/usr/bin/env bash
# cpuinfo, pthreadpool, FlatBuffers and stb headers for Android, per ABI, in
#   <out>/<ABI>   (default: platforms/android/build/android-deps)
# which qrt/build.gradle passes as QRT_ANDROID_DEPS. See ../build-deps.sh.
#   ANDROID_NDK_HOME=/path/to/ndk platforms/android/build-deps.sh [out]
# NOT VERIFIED: no NDK on the machines qrt is developed on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build/android-deps}
ndk=${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK (r26 or later)}
for abi in arm64-v8a armeabi-v7a; do
  "$here/../build-deps.sh" "$out/$abi" -- -DCMAKE_TOOLCHAIN_FILE="$ndk/build/cmake/android.toolchain.cmake" \
    -DANDROID_ABI="$abi" -DANDROID_PLATFORM="android-${QRT_ANDROID_API:-24}"
done
