#!/usr/bin/env bash
# Builds qrt's target dependencies for a platform whose SDK has none of them
# (Android, iOS), from Debian's source packages (nothing from outside
# Debian), with the CMake toolchain arguments given after `--`:
#   cpuinfo, pthreadpool (static libraries), FlatBuffers' headers and CMake
#   package (no flatc: the host's generates the headers), and stb's headers
#   with a stb.pc (qrun is configured, not built, for these platforms).
#
#   platforms/build-deps.sh <prefix> -- <cmake toolchain arguments>
# e.g. (what platforms/android/build-deps.sh and platforms/ios/build-deps.sh run)
#   platforms/build-deps.sh build/android-deps/arm64-v8a -- \
#     -DCMAKE_TOOLCHAIN_FILE=$ANDROID_NDK_HOME/build/cmake/android.toolchain.cmake \
#     -DANDROID_ABI=arm64-v8a -DANDROID_PLATFORM=android-24
#
# Host needs: cmake, ninja, deb-src lines for `apt-get source` (or the
# unpacked sources of cpuinfo, pthreadpool, fxdiv and flatbuffers in
# $QRT_DEPS_SRC), Debian's flatc (flatbuffers-compiler, the same 2.0.8 as the
# headers built here) and stb's headers (libstb-dev). On a Mac, unpack the
# Debian sources on a Debian machine and copy them over (QRT_DEPS_SRC), with
# /usr/include/stb (QRT_DEPS_HOST_INCLUDE).
set -euo pipefail
prefix=$1
shift
[ "${1:-}" = "--" ] && shift
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
src=${QRT_DEPS_SRC:-$(cd "$(dirname "$0")" && pwd)/../build/deps-src}
mkdir -p "$src"
for package in cpuinfo pthreadpool fxdiv flatbuffers; do
  if [ ! -d "$src/$package" ]; then
    (cd "$src" && apt-get source "$package" && mv "$package"-*/ "$package")
  fi
done
include=${QRT_DEPS_HOST_INCLUDE:-/usr/include}
[ -f "$include/stb/stb_image.h" ] || { echo "build-deps.sh: $include/stb/stb_image.h missing (libstb-dev)" >&2; exit 1; }
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig"
cp -r "$include/stb" "$prefix/include/"
cat > "$prefix/lib/pkgconfig/stb.pc" <<PC
Name: stb
Description: stb headers only (qrun is not built for this platform)
Version: 0.0
Cflags: -I$prefix/include/stb
PC

common=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib
        -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_SHARED_LIBS=OFF "$@")
build() {  # build <package> <cmake options...>
  local package=$1
  shift
  local dir="$prefix/build-$package"
  cmake -S "$src/$package" -B "$dir" "${common[@]}" "$@"
  cmake --build "$dir" --target install
}
build cpuinfo -DCPUINFO_BUILD_TOOLS=OFF -DCPUINFO_BUILD_UNIT_TESTS=OFF -DCPUINFO_BUILD_MOCK_TESTS=OFF \
  -DCPUINFO_BUILD_BENCHMARKS=OFF -DCPUINFO_LIBRARY_TYPE=static
build pthreadpool -DPTHREADPOOL_BUILD_TESTS=OFF -DPTHREADPOOL_BUILD_BENCHMARKS=OFF -DPTHREADPOOL_LIBRARY_TYPE=static \
  -DFXDIV_SOURCE_DIR="$src/fxdiv"
build flatbuffers -DFLATBUFFERS_BUILD_TESTS=OFF -DFLATBUFFERS_BUILD_FLATC=OFF -DFLATBUFFERS_BUILD_FLATHASH=OFF \
  -DFLATBUFFERS_BUILD_FLATLIB=ON
# cpuinfo's pkg-config file, if its build did not install one.
if [ ! -f "$prefix/lib/pkgconfig/libcpuinfo.pc" ]; then
  cat > "$prefix/lib/pkgconfig/libcpuinfo.pc" <<PC
Name: libcpuinfo
Description: cpuinfo (static, built by platforms/build-deps.sh)
Version: 0
Cflags: -I$prefix/include
Libs: -L$prefix/lib -lcpuinfo -lclog
PC
fi
echo "build-deps.sh: dependencies in $prefix"
