#!/usr/bin/env bash
# ARM tests: cross-builds the runtime and kernel test executables (not the
# converter) for AArch64 and ARMv7 hard-float, and runs them under qemu-user:
#   AArch64 with -cpu cortex-a53 (NEON only: the dotprod kernel must not be
#   chosen, its SDOT would trap), -cpu neoverse-n1 (dotprod) and -cpu max
#   (i8mm); ARMv7 with -cpu cortex-a15 (NEON; kernel tests and whole models,
#   the runtime tests only on AArch64, to keep CI within its time).
# Every ARM kernel is compared byte for byte with the reference kernels, the
# runtime tests force every ISA the emulated core has, and real models give
# the same output bytes on every ARM ISA as on x86 (compare_models below).
#
# Called by scripts/test.sh. Skips (exit 0, with a message) when the cross
# compilers, qemu-user or the ARM libraries are missing and cannot be
# installed (scripts/install-deps.sh --arm needs root).
#   QRT_ARM_TEST_CASES  random cases per kernel test under qemu (default 40;
#                       native runs use 300)
#   QRT_ARM_TARGETS     "aarch64 armv7" by default
set -euo pipefail
cd "$(dirname "$0")/.."

if ! scripts/install-deps.sh --arm; then
  echo "test-arm.sh: skipped: ARM cross toolchain or libraries missing (as root: scripts/install-deps.sh --arm)"
  exit 0
fi
for tool in aarch64-linux-gnu-g++ arm-linux-gnueabihf-g++ qemu-aarch64 qemu-arm; do
  if ! command -v "$tool" >/dev/null; then
    echo "test-arm.sh: skipped: $tool not found (apt-get install g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user)"
    exit 0
  fi
done

jobs=${QRT_JOBS:-$(nproc)}
deps=${QRT_ARM_DEPS:-$PWD/build/arm-deps}
export QRT_ARM_TEST_CASES=${QRT_ARM_TEST_CASES:-40}
start=$SECONDS

# build <name> <toolchain dir> <deps arch dir> <target>...
build() {
  local name=$1 toolchain=$2 arch=$3
  shift 3
  cmake -S . -B "build/$name" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="platforms/$toolchain/toolchain.cmake" -DQRT_CROSS_DEPS="$deps/$arch" \
    -DQRT_BUILD_CONVERTER=OFF -DQRT_BUILD_TESTS=ON >/dev/null
  cmake --build "build/$name" -j "$jobs" --target "$@"
}

# run <name> <qemu> <sysroot> <cpu> <expected best ISA> [kernel test filter]
# The runtime tests run whole models with the best kernels of the emulated
# core, so they run on every core; the reference kernel tests do not depend
# on the core, and run once per architecture (no filter).
run() {
  local t0=$SECONDS
  echo "test-arm.sh: $1 under $2 -cpu $4 (best ISA must be $5)"
  local env=(QEMU_CPU="$4" QRT_EXPECT_BEST_ISA="$5" QRT_SHARED_DATA="$PWD/../shared/data")
  env "${env[@]}" "$2" -L "$3" "build/$1/tests/qrt_kernel_tests" --order decl ${6:+"$6"}
  if [ -x "build/$1/tests/qrt_runtime_tests" ]; then
    env "${env[@]}" "$2" -L "$3" "build/$1/tests/qrt_runtime_tests" --order decl
  fi
  echo "test-arm.sh: $1 -cpu $4 ran in $((SECONDS - t0)) s"
}

# Whole models, ARM against x86: real TFLite and ONNX models of
# ../shared/data (fixedpoint with both roundings, fp32; GEMM, 1x1 and 3x3
# conv, depthwise, pooling), converted by the host's qconvert and run by the
# host's qrun (reference and best x86 ISA) and by the ARM qrun under qemu
# with each given ISA forced; every output file must be byte-identical.
# The host tools are scripts/test.sh's (build/test) or QRT_HOST_BUILD's.
host=${QRT_HOST_BUILD:-build/test}
data=$PWD/../shared/data
models=(tflite/coral/mobilenet_v1_0.25_128_quant.tflite tflite/mlperf_tiny/ad01_int8.tflite
        onnx/qdq/conv_qdq_s8s8_perchannel.onnx onnx/qdq/conv_qdq_u8u8.onnx)
# compare_models <name> <qemu> <sysroot> <cpu> <isa>...
compare_models() {
  local name=$1 qemu=$2 sysroot=$3 cpu=$4
  shift 4
  if [ ! -x "$host/converter/qconvert" ] || [ ! -x "$host/runtime/tools/qrun" ]; then
    echo "test-arm.sh: skipped: whole models ARM vs x86 (no host qconvert / qrun in $host; scripts/test.sh builds them)"
    return
  fi
  local work=build/$name/models t0=$SECONDS compared=0
  rm -rf "$work"
  mkdir -p "$work"
  for model in "${models[@]}"; do
    if [ ! -f "$data/$model" ]; then
      echo "test-arm.sh: skipped: $model (not in $data)"
      continue
    fi
    local qfb=$work/$(basename "${model%.*}").qfb
    "$host/converter/qconvert" "$data/$model" -o "$qfb" >/dev/null
    QRT_ISA=reference "$host/runtime/tools/qrun" "$qfb" --seed 3 --top-k 0 --output-dir "$qfb.x86-reference" >/dev/null
    "$host/runtime/tools/qrun" "$qfb" --seed 3 --top-k 0 --output-dir "$qfb.x86-best" >/dev/null
    [ -n "$(ls "$qfb.x86-reference")" ] || { echo "test-arm.sh: qrun wrote no outputs for $model" >&2; exit 1; }
    diff -r "$qfb.x86-reference" "$qfb.x86-best"
    for isa in "$@"; do
      QEMU_CPU=$cpu QRT_ISA=$isa "$qemu" -L "$sysroot" "build/$name/runtime/tools/qrun" "$qfb" --seed 3 --top-k 0 \
        --output-dir "$qfb.$name-$isa" >/dev/null
      diff -r "$qfb.x86-reference" "$qfb.$name-$isa"
      compared=$((compared + 1))
    done
  done
  echo "test-arm.sh: $name whole models: $compared runs (ISAs: $*) byte-identical with x86, in $((SECONDS - t0)) s"
}

for target in ${QRT_ARM_TARGETS:-aarch64 armv7}; do
  case $target in
    aarch64)
      build aarch64 linux-aarch64 aarch64 qrt_kernel_tests qrt_runtime_tests qrun
      run aarch64 qemu-aarch64 /usr/aarch64-linux-gnu cortex-a53 neon
      run aarch64 qemu-aarch64 /usr/aarch64-linux-gnu neoverse-n1 neondot "[arm_gemm],[arm]"
      run aarch64 qemu-aarch64 /usr/aarch64-linux-gnu max i8mm "[arm_gemm],[arm]"
      compare_models aarch64 qemu-aarch64 /usr/aarch64-linux-gnu max reference neon neondot i8mm
      ;;
    armv7)
      # The runtime tests are AArch64's only (CI time): on ARMv7 the kernel
      # tests and the whole models below check the NEON kernels.
      build armv7 linux-armv7hf armhf qrt_kernel_tests qrun
      run armv7 qemu-arm /usr/arm-linux-gnueabihf cortex-a15 neon
      compare_models armv7 qemu-arm /usr/arm-linux-gnueabihf cortex-a15 reference neon
      ;;
    *) echo "test-arm.sh: unknown target '$target' (aarch64, armv7)" >&2; exit 2 ;;
  esac
done
echo "test-arm.sh: all ARM tests passed in $((SECONDS - start)) s"
