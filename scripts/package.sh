#!/usr/bin/env bash
# Packs qrun, qbench and qrt_layer_bench (the layer micro-benchmarks with the
# core's int8 peak: SMLAL, SDOT, SMMLA) for a Raspberry Pi (or any Linux ARM
# board) into
#   build/package/qrt-<version>-linux-<target>.tar.gz
#   scripts/package.sh [aarch64|armv7]      (default aarch64; 64-bit Pi OS)
#
# Cross-built on this x86-64 Debian host (platforms/linux-*/toolchain.cmake).
# libqrt, libstdc++ and libgcc are linked in statically; cpuinfo and
# pthreadpool, which Debian ships only as shared libraries, travel in lib/
# (Debian 12's own arm64 / armhf builds) and are found through
# RPATH=$ORIGIN/../lib, so nothing needs installing on the board. The board
# needs glibc 2.36 or later: Raspberry Pi OS bookworm, Debian 12, Ubuntu 23.04+.
# The binaries pick the best kernels of the board's core at run time (neon,
# neondot on a Pi 5, i8mm where present); see platforms/README.md for how to
# measure there.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-aarch64}
case $target in
  aarch64) toolchain=linux-aarch64 deps_arch=aarch64 triple=aarch64-linux-gnu ;;
  armv7) toolchain=linux-armv7hf deps_arch=armhf triple=arm-linux-gnueabihf ;;
  *) echo "package.sh: unknown target '$target' (aarch64, armv7)" >&2; exit 2 ;;
esac
scripts/install-deps.sh --arm
deps=${QRT_ARM_DEPS:-$PWD/build/arm-deps}/$deps_arch
version=$(sed -n 's/^project(qrt VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
build=build/package-$target
stage=build/package/qrt-$version-linux-$target

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="platforms/$toolchain/toolchain.cmake" -DQRT_CROSS_DEPS="$deps" \
  -DQRT_BUILD_TESTS=OFF -DQRT_BUILD_CONVERTER=OFF -DQRT_BUILD_BENCHMARKS=ON -DBUILD_SHARED_LIBS=OFF \
  -DCMAKE_EXE_LINKER_FLAGS="-static-libstdc++ -static-libgcc" \
  -DCMAKE_INSTALL_RPATH='$ORIGIN/../lib' -DCMAKE_INSTALL_PREFIX=/opt/qrt -DCMAKE_INSTALL_LIBDIR=lib
cmake --build "$build" -j "${QRT_JOBS:-$(nproc)}" --target qrun qbench qrt_layer_bench
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib"
cmake --install "$build" --prefix "$PWD/$stage" >/dev/null
# Only the programs: the static library and headers are for building, not running.
rm -rf "$stage/include" "$stage/lib/"*.a "$stage/lib/cmake" "$stage/lib/pkgconfig" "$stage/share"
cmake --install "$build" --prefix "$PWD/$stage" --component layer_bench >/dev/null
for lib in libcpuinfo.so.0 libpthreadpool.so.0 libbenchmark.so.1debian; do
  cp -L "$deps/usr/lib/$triple/$lib" "$stage/lib/"
done
"$triple-strip" "$stage/bin/"* "$stage/lib/"*.so.*
cat > "$stage/README.txt" <<TXT
qrt $version for Linux $target (built $(date -u +%Y-%m-%d) by scripts/package.sh).

  bin/qrun model.qfb --input x.npy
  bin/qbench model.qfb --runs 50 --threads 1 --profile [--isa reference|neon|neondot|i8mm]
  QRT_ISA=neon bin/qrun ...   forces an ISA (an ISA the core lacks is an error)
  bin/qrt_layer_bench --benchmark_filter='peak/|mobilenet_v2/'
                              GOPS of each layer per ISA, and the core's int8 peak

Needs glibc 2.36+ (Raspberry Pi OS bookworm / Debian 12). Both find
lib/libcpuinfo.so.0, lib/libpthreadpool.so.0 and lib/libbenchmark.so.1debian
(Debian 12 builds) by RPATH.
How to measure on a Pi: platforms/README.md in the qrt sources.
TXT
tar -C build/package -czf "$stage.tar.gz" "$(basename "$stage")"
echo "package.sh: $stage.tar.gz"
