#!/usr/bin/env bash
# Checks the Android JNI glue (qrt_jni.cc, org.qrt.Interpreter) on the
# desktop JVM, since no Android device or emulator is at hand: builds a host
# qrt (build/host), libqrt_jni.so for the host JDK, the example model, and
# runs JniSmoke (reference vs best ISA, refused bad input, model and ISA).
# Needs a JDK (javac, jni.h). Not part of CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/platforms/android/desktop-check
out=$root/build/jni-check
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
cmake -S "$root" -B "$root/build/host" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQRT_BUILD_TESTS=OFF \
  -DQRT_BUILD_CONVERTER=OFF >/dev/null
cmake --build "$root/build/host" -j "${QRT_JOBS:-2}" --target qrt qrt_make_example
mkdir -p "$out/classes"
g++ -std=c++17 -O2 -fPIC -shared -Wall -Wextra -I"$java_home/include" -I"$java_home/include/linux" \
  -I"$root/runtime/include" "$root/platforms/android/qrt/src/main/cpp/qrt_jni.cc" \
  "$root/build/host/runtime/libqrt.a" $(pkg-config --libs libcpuinfo) -lpthreadpool -lpthread \
  -o "$out/libqrt_jni.so"
javac -d "$out/classes" "$root"/platforms/android/qrt/src/main/java/org/qrt/*.java "$here/JniSmoke.java"
"$root/build/host/converter/qrt_make_example" --model "$out/stripes.qfb" --input "$out/stripes.npy" >/dev/null
java -Djava.library.path="$out" -cp "$out/classes" JniSmoke "$out/stripes.qfb" "$out/stripes.npy"
