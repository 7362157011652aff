#!/usr/bin/env bash
# Installs the Debian 12 packages qrt builds with, if any are missing.
# As root it runs apt-get; otherwise it prints the command to run.
# With --arm: only the ARM cross-build dependencies (install_arm_deps below).
set -euo pipefail

# ARM cross builds (scripts/test-arm.sh only, so x86 users and demo.sh do not
# pay for them): the cross compilers and qemu-user from apt, and the arm64 /
# armhf builds of the libraries qrt links, unpacked from Debian's own .deb
# files into a private prefix per architecture (QRT_ARM_DEPS, default
# build/arm-deps/<arch>/usr). Debian 12's libpthreadpool0 is not Multi-Arch:
# same, so installing it as :arm64 would remove the amd64 one (and
# libtorch with it); an unpacked copy leaves the system alone.
install_arm_deps() {
  local tools=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user)
  local missing=()
  for p in "${tools[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "qrt: not root; run: sudo apt-get install -y ${missing[*]}" >&2
      return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  local root=${QRT_ARM_DEPS:-$(cd "$(dirname "$0")/.." && pwd)/build/arm-deps}
  local arch triple
  for arch in arm64 armhf; do
    [ "$arch" = arm64 ] && triple=aarch64 || triple=armhf
    [ -f "$root/$triple/.complete-2" ] && continue
    local debs="$root/$triple/debs"
    mkdir -p "$debs"
    # The foreign package lists, fetched without dpkg --add-architecture (a
    # failing foreign index is not fatal: the download below says if a
    # package is really missing).
    apt-get update -qq -o APT::Architectures="amd64,$arch" >/dev/null 2>&1 || true
    (cd "$debs" && apt-get download -q -o APT::Architectures="amd64,$arch" \
      "libcpuinfo-dev:$arch" "libcpuinfo0:$arch" "libpthreadpool-dev:$arch" "libpthreadpool0:$arch" \
      "libflatbuffers-dev:$arch" "libflatbuffers2:$arch" "libstb-dev:$arch" \
      "libbenchmark-dev:$arch" "libbenchmark1debian:$arch" catch2)
    for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$root/$triple"; done
    touch "$root/$triple/.complete-2"
  done
  echo "qrt: ARM cross dependencies in $root"
}
if [ "${1:-}" = "--arm" ]; then
  install_arm_deps
  exit
fi

packages=(
  build-essential cmake ninja-build pkg-config
  libflatbuffers-dev flatbuffers-compiler
  libcpuinfo-dev libpthreadpool-dev
  catch2 libbenchmark-dev
  libxnnpack-dev
  libstb-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "qrt: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "qrt: not root; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
