#!/bin/bash
# Installs what a host needs to build against libfabricpeer, from a Bazel output tree:
#   PREFIX/include/fabric/{fabric.h,endorse.h,contract.hpp,version.h}
#   PREFIX/lib/libfabricpeer.so.X.Y.Z, libfabricpeer.so.X -> it, libfabricpeer.so -> .so.X
#   PREFIX/lib/pkgconfig/fabricpeer.pc
#   PREFIX/lib/cmake/FabricPeer/FabricPeerConfig.cmake, FabricPeerConfigVersion.cmake
#   PREFIX/bin/fabric
#   scripts/install.sh PREFIX [BAZEL_BIN]     (BAZEL_BIN: default .bazel/bin)
# `make install` builds optimized, then runs this; make test runs it on its own build.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:?usage: scripts/install.sh PREFIX [BAZEL_BIN]}
bin=${2:-.bazel/bin}
version_h=$bin/include/fabric/version.h
[[ -f "$version_h" ]] || { echo "install: $version_h is missing: build //include:version_h" >&2; exit 1; }
macro() { sed -n "s/^#define $1 \"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$version_h"; }
version=$(macro FABRIC_VERSION)
major=$(macro FABRIC_VERSION_MAJOR)
release=$(macro FABRIC_FABRIC_VERSION)
soname=libfabricpeer.so.$major
[[ -f "$bin/capi/$soname" ]] || { echo "install: $bin/capi/$soname is missing" >&2; exit 1; }
[[ -f "$bin/tools/fabric" ]] || { echo "install: $bin/tools/fabric is missing" >&2; exit 1; }
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

install -d "$prefix/include/fabric" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/FabricPeer" \
  "$prefix/bin"
install -m 644 include/fabric/fabric.h include/fabric/endorse.h include/fabric/contract.hpp \
  "$version_h" \
  "$prefix/include/fabric/"
install -m 755 "$bin/capi/$soname" "$prefix/lib/libfabricpeer.so.$version"
ln -sfn "libfabricpeer.so.$version" "$prefix/lib/$soname"
ln -sfn "$soname" "$prefix/lib/libfabricpeer.so"
install -m 755 "$bin/tools/fabric" "$prefix/bin/fabric"
fill() {
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" \
    -e "s|@SONAME@|$soname|g" -e "s|@FABRIC_RELEASE@|$release|g" "$1" > "$2"
  chmod 644 "$2"
}
fill capi/install/fabricpeer.pc.in "$prefix/lib/pkgconfig/fabricpeer.pc"
fill capi/install/FabricPeerConfig.cmake.in "$prefix/lib/cmake/FabricPeer/FabricPeerConfig.cmake"
fill capi/install/FabricPeerConfigVersion.cmake.in \
  "$prefix/lib/cmake/FabricPeer/FabricPeerConfigVersion.cmake"
echo "installed libfabricpeer $version (Fabric $release) in $prefix"
