#!/usr/bin/env bash
# Checks that an installed qrt is usable by an app, for a static libqrt
# (the default) and a shared one (BUILD_SHARED_LIBS=ON):
#   - Release build without tests, `cmake --install --prefix` into a fresh prefix
#   - no build or source paths leak into the installed CMake package or qrt.pc
#   - a shared libqrt exports only qrt_* symbols
#   - tests/install/consumer (C99 and C++17; and as a C-only project) builds
#     with find_package(qrt CONFIG) and qrt::qrt, and consumer.c builds with
#     cc and pkg-config (--libs, and --libs --static)
#   - consumers of a shared libqrt need libqrt only, not cpuinfo/pthreadpool
#   - every consumer (and the installed qrun) runs the example model made by
#     qrt_make_example, and fails with qrt_last_error()'s message on a corrupt
#     and on a truncated model
# One line per check; exits non-zero if any check fails. Logs of the build
# steps are kept in build/install-check*/logs.
#
#   scripts/check-install.sh            # both variants
#   scripts/check-install.sh static     # or just one: static | shared
#   QRT_INSTALL_CHECK_O0=1 scripts/check-install.sh
#                                       # compile at -O0 (scripts/test.sh: the checks are
#                                       # about packaging, and CI time is mostly compiling)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${QRT_JOBS:-2}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cc=${CC:-cc}
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(static shared)

# Release build type either way (the installed qrtConfig-release.cmake); -O0 on request.
# (Both set explicitly: a reused build folder keeps whatever its cache had.)
optimisation=("-DCMAKE_C_FLAGS_RELEASE=-O3 -DNDEBUG" "-DCMAKE_CXX_FLAGS_RELEASE=-O3 -DNDEBUG")
[ "${QRT_INSTALL_CHECK_O0:-0}" = 1 ] && optimisation=("-DCMAKE_C_FLAGS_RELEASE=-O0 -DNDEBUG" "-DCMAKE_CXX_FLAGS_RELEASE=-O0 -DNDEBUG")

failures=0
pass() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; [ -n "${2:-}" ] && sed 's/^/      | /' "$2" | tail -n 25; failures=$((failures + 1)); }
# check NAME LOG COMMAND...: runs COMMAND with its output in LOG.
check() {
  local name=$1 log=$2
  shift 2
  if "$@" >"$log" 2>&1; then pass "$name"; return 0; fi
  fail "$name" "$log"
  return 1
}

# expect_run NAME LOG PROGRAM MODEL BUILD: PROGRAM must succeed and report outputs.
expect_run() {
  local name=$1 log=$2 program=$3 model=$4 build=$5
  if "$program" "$model" >"$log" 2>&1 && grep -q 'output(s)' "$log"; then
    pass "$name: $(head -n 1 "$log" | sed "s|$build/||")"
  else
    fail "$name" "$log"
  fi
}

# expect_failure NAME LOG PROGRAM MODEL BUILD: PROGRAM must exit 1 with the text of
# qrt_last_error() after the name of the failing call.
expect_failure() {
  local name=$1 log=$2 program=$3 model=$4 build=$5 status=0
  "$program" "$model" >"$log" 2>&1 || status=$?
  if [ "$status" -eq 1 ] && grep -Eq 'qrt_model_load_file: .{10,}' "$log"; then
    pass "$name: $(head -n 1 "$log" | sed "s|$build/||" | cut -c 1-120)"
  else
    echo "(exit status $status)" >>"$log"
    fail "$name" "$log"
  fi
}

run_variant() {
  local variant=$1 shared lib_suffix
  local build=$root/build/install-check
  case $variant in
    static) shared=OFF; lib_suffix=a ;;
    shared) shared=ON; lib_suffix=so; build=$root/build/install-check-shared ;;
    *) echo "unknown variant '$variant' (static or shared)" >&2; exit 2 ;;
  esac
  local prefix=$build/prefix logs=$build/logs
  mkdir -p "$logs"
  rm -rf "$prefix" "$build/consumer" "$build/consumer-c" "$build/pkgconfig-consumer" "$build"/*.qfb

  # shellcheck disable=SC2016  # the script is bash -c's, its arguments follow
  check "$variant: configure + build qrt (Release, BUILD_SHARED_LIBS=$shared)" "$logs/build.log" \
    bash -c 'cmake -S "$1" -B "$2" "${@:5}" -DCMAKE_BUILD_TYPE=Release -DQRT_BUILD_TESTS=OFF -DQRT_BUILD_BENCHMARKS=OFF -DQRT_BUILD_CONVERTER=OFF \
               -DBUILD_SHARED_LIBS="$3" && cmake --build "$2" -j "$4"' \
    _ "$root" "$build" "$shared" "$jobs" "${generator[@]}" "${optimisation[@]}" || return
  # Installed with --prefix, not the configured CMAKE_INSTALL_PREFIX: a
  # packager's relocation must still give a usable package.
  check "$variant: cmake --install --prefix build/${build##*/build/}/prefix" "$logs/install.log" \
    cmake --install "$build" --prefix "$prefix" || return

  local pc
  pc=$(find "$prefix" -name qrt.pc -path '*/pkgconfig/*' | head -n 1)
  if [ -n "$pc" ] && [ -f "$(dirname "$pc")/../cmake/qrt/qrtConfig.cmake" ]; then
    pass "$variant: installed qrt.pc and lib/cmake/qrt/qrtConfig.cmake"
  else
    find "$prefix" >"$logs/tree.log"
    fail "$variant: installed qrt.pc and lib/cmake/qrt/qrtConfig.cmake" "$logs/tree.log"
    return
  fi
  local libdir
  libdir=$(cd "$(dirname "$pc")/.." && pwd)

  if grep -rlF -e "$root" -e "$build" "$libdir/cmake/qrt" "$pc" >"$logs/paths.log" 2>&1; then
    fail "$variant: no build or source paths in the installed package files" "$logs/paths.log"
  else
    pass "$variant: no build or source paths in the installed package files"
  fi

  if [ "$shared" = ON ]; then
    local so=$libdir/libqrt.so
    if nm -D --defined-only "$so" | awk '$2 ~ /^[A-Z]$/ && $3 !~ /^qrt_/' >"$logs/exports.log" 2>&1 &&
       [ ! -s "$logs/exports.log" ] && nm -D --defined-only "$so" | grep -q ' T qrt_interpreter_invoke$'; then
      pass "$variant: libqrt.so exports only qrt_* ($(nm -D --defined-only "$so" | grep -c ' T qrt_') functions)"
    else
      fail "$variant: libqrt.so exports only qrt_* symbols (others below)" "$logs/exports.log"
    fi
  fi

  # (a) CMake: find_package(qrt CONFIG REQUIRED) + qrt::qrt.
  # shellcheck disable=SC2016
  check "$variant: consumer project builds with find_package(qrt) + qrt::qrt" "$logs/consumer-cmake.log" \
    bash -c 'cmake -S "$1" -B "$2" "${@:5}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$3" \
               && cmake --build "$2" -j "$4"' \
    _ "$root/tests/install/consumer" "$build/consumer" "$prefix" "$jobs" "${generator[@]}"
  if [ "$shared" = OFF ]; then
    # A C-only project: CMake does not link with the C++ driver there.
    # shellcheck disable=SC2016
    check "$variant: C-only consumer project (LANGUAGES C) builds with qrt::qrt" "$logs/consumer-c-cmake.log" \
      bash -c 'cmake -S "$1" -B "$2" "${@:5}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$3" \
                 -DQRT_CONSUMER_C_ONLY=ON && cmake --build "$2" -j "$4"' \
      _ "$root/tests/install/consumer" "$build/consumer-c" "$prefix" "$jobs" "${generator[@]}"
  fi

  # (b) pkg-config: its paths must lead to the installed files. A static
  # libqrt must link with plain --libs (there is no shared one to fall back
  # on) and with --static; a shared one with plain --libs, without its
  # dependencies' flags.
  local var dir
  for var in includedir:qrt/qrt.h libdir:libqrt.${lib_suffix}; do
    dir=$(PKG_CONFIG_PATH=${pc%/*} pkg-config --variable="${var%%:*}" qrt 2>&1)
    if [ -f "$dir/${var#*:}" ]; then
      pass "$variant: pkg-config --variable=${var%%:*} qrt has ${var#*:}"
    else
      echo "$dir" >"$logs/pkg-config.log"
      fail "$variant: pkg-config --variable=${var%%:*} qrt has ${var#*:}" "$logs/pkg-config.log"
    fi
  done
  local forms=("--cflags --libs") rpath=() form flags out
  if [ "$shared" = ON ]; then rpath=("-Wl,-rpath,$libdir"); else forms+=("--cflags --libs --static"); fi
  mkdir -p "$build/pkgconfig-consumer"
  for form in "${forms[@]}"; do
    out=$build/pkgconfig-consumer/consumer${form##*--libs}
    out=${out// /}
    # shellcheck disable=SC2086  # a form and pkg-config's output are lists of words
    if ! flags=$(PKG_CONFIG_PATH=${pc%/*} pkg-config $form qrt 2>"$logs/pkg-config.log"); then
      fail "$variant: pkg-config $form qrt" "$logs/pkg-config.log"
      continue
    fi
    # shellcheck disable=SC2086
    check "$variant: cc -std=c99 consumer.c \$(pkg-config $form qrt)" "$logs/consumer-pkgconfig.log" \
      "$cc" -std=c99 -Wall -Wextra -pedantic -Werror "$root/tests/install/consumer/consumer.c" \
      -o "$out" $flags "${rpath[@]}"
  done

  if [ "$shared" = ON ]; then
    # Consumers of a shared libqrt link libqrt alone, not its dependencies.
    local bin needed
    for bin in "$build"/consumer/consumer "$build"/consumer/consumer_cpp "$build"/pkgconfig-consumer/consumer*; do
      [ -x "$bin" ] || continue
      needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')
      if [[ $needed == *libqrt.so* && $needed != *cpuinfo* && $needed != *pthreadpool* ]]; then
        pass "$variant: ${bin#"$build"/} needs libqrt, not cpuinfo/pthreadpool"
      else
        echo "NEEDED: $needed" >"$logs/needed.log"
        fail "$variant: ${bin#"$build"/} needs libqrt, not cpuinfo/pthreadpool" "$logs/needed.log"
      fi
    done
  fi

  # (c) and (d): run every consumer on the example model and on two bad files.
  local model=$build/example.qfb
  check "$variant: qrt_make_example --model example.qfb" "$logs/make-example.log" \
    "$build/converter/qrt_make_example" --model "$model" || return
  printf 'QFB!not a flatbuffer at all %.0s' {1..40} >"$build/corrupt.qfb"
  head -c "$(($(stat -c %s "$model") / 2))" "$model" >"$build/truncated.qfb"

  local program name
  local programs=("$build"/consumer/consumer "$build"/consumer/consumer_cpp)
  [ "$shared" = OFF ] && programs+=("$build"/consumer-c/consumer)
  programs+=("$build"/pkgconfig-consumer/consumer* "$prefix/bin/qrun")
  for program in "${programs[@]}"; do
    name="$variant: ${program#"$build"/}"
    if [ ! -x "$program" ]; then fail "$name: not built"; continue; fi
    if [[ $program == */qrun ]]; then
      check "$name --info example.qfb (installed)" "$logs/qrun.log" "$program" "$model" --info
      continue
    fi
    expect_run "$name example.qfb" "$logs/run.log" "$program" "$model" "$build"
    expect_failure "$name corrupt.qfb" "$logs/corrupt.log" "$program" "$build/corrupt.qfb" "$build"
    expect_failure "$name truncated.qfb" "$logs/truncated.log" "$program" "$build/truncated.qfb" "$build"
  done
}

start=$SECONDS
for variant in "${variants[@]}"; do run_variant "$variant"; done
if [ "$failures" -ne 0 ]; then
  echo "check-install: $failures check(s) failed ($((SECONDS - start)) s)"
  exit 1
fi
echo "check-install: all checks passed ($((SECONDS - start)) s)"
