#!/usr/bin/env bash
# cpuinfo, pthreadpool, FlatBuffers and stb headers for iOS, per SDK, in
#   <out>/<sdk>   (default: build/ios-deps; sdk = iphoneos, iphonesimulator)
# See ../build-deps.sh for what the host needs (Debian sources, flatc 2.0.8).
# NOT VERIFIED: no macOS / Xcode on the machines qrt is developed on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../build/ios-deps}
for sdk in iphoneos iphonesimulator; do
  "$here/../build-deps.sh" "$out/$sdk" -- -DCMAKE_SYSTEM_NAME=iOS -DCMAKE_SYSTEM_PROCESSOR=arm64 \
    -DCMAKE_OSX_ARCHITECTURES=arm64 -DCMAKE_OSX_SYSROOT="$sdk" -DCMAKE_OSX_DEPLOYMENT_TARGET=13.0
done
