#!/usr/bin/env bash
# Second command: builds with tests and runs the whole suite with ctest under
# AddressSanitizer + UndefinedBehaviorSanitizer (at Release optimisation, so
# the kernels are compiled as they ship), the thread tests under
# ThreadSanitizer, the install check (plain builds of the library, a static
# and a shared one, at -O0: they check the packaging; used by consumer
# projects), the ARM tests under
# qemu, then each fuzz target briefly (scripts/fuzz.sh) when clang is installed.
#
# CI runs this on 2 cores within 30 minutes, and compiling is most of it: the
# suite is built once, sanitized, rather than once plain and once sanitized.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

# The test build has the XNNPACK backend (tests/runtime/xnnpack_backend_test.cc)
# and compiles the micro-benchmarks (not run here).
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Release -DQRT_BUILD_TESTS=ON -DQRT_WITH_XNNPACK=ON \
  -DQRT_BUILD_BENCHMARKS=ON -DQRT_SANITIZE=ON
cmake --build build/test -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/test --output-on-failure -j "$jobs" -LE long

# qbench builds always; one short run on the example model keeps it working (CI does no benchmarking).
"build/test/converter/qrt_make_example" --model build/test/stripes.qfb --input build/test/stripes_input.npy
build/test/benchmarks/qbench build/test/stripes.qfb --runs 3 --warmup 1 --warmup-secs 0 --profile
build/test/benchmarks/qbench build/test/stripes.qfb --runs 3 --warmup 1 --warmup-secs 0 --profile --backend xnnpack

# ThreadSanitizer (docs/security.md): only the thread tests (tests/threads), so
# only the runtime, the .qfb writer and those tests are built.
# -O1, as ThreadSanitizer's documentation advises: it finds the same races,
# and the build costs less CI time than at -O3.
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=Release -DQRT_BUILD_TESTS=ON \
  -DQRT_SANITIZE_THREAD=ON -DQRT_BUILD_CONVERTER=OFF \
  "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG"
cmake --build build/tsan -j "$jobs" --target qrt_thread_tests
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build/tsan --output-on-failure -j "$jobs" -R '^threads:'

# The installed package: find_package(qrt), pkg-config, C and C++ consumers.
QRT_JOBS="$jobs" QRT_INSTALL_CHECK_O0=1 scripts/check-install.sh

# ARM: AArch64 and ARMv7 cross builds under qemu-user (skips with a message without the cross toolchain).
QRT_JOBS="$jobs" scripts/test-arm.sh

# Fuzzers (docs/security.md): each libFuzzer target for QRT_FUZZ_SECONDS
# (default 10) from its seed corpus, when clang and its libFuzzer runtime are
# installed; QRT_FUZZ_SECONDS=0 skips them. A finding fails the run and is kept
# in build/fuzz/crashes/. Costs the clang build (a few minutes, at -O0: about
# 60% of the compiling of fuzz.sh's default -O1, for 2-7x fewer executions in
# these short runs) plus 5 x 10 s. Long runs: scripts/fuzz.sh TARGET SECONDS.
fuzz_seconds=${QRT_FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" -gt 0 ]; then
  for target in qfb_load_prepare_invoke tflite_import onnx_import npy image; do
    fuzz_status=0
    QRT_JOBS="$jobs" QRT_FUZZ_OPT=-O0 scripts/fuzz.sh "$target" "$fuzz_seconds" || fuzz_status=$?
    if [ "$fuzz_status" -eq 77 ]; then
      echo "test.sh: skipped: fuzzers (clang with libFuzzer not installed: apt-get install -y clang libclang-rt-14-dev)"
      break
    elif [ "$fuzz_status" -ne 0 ]; then
      exit "$fuzz_status"
    fi
  done
fi
