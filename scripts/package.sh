#!/usr/bin/env bash
# Builds the Debian packages: build-deb/kindred_<version>-1_amd64.deb (the CLI,
# libkindred.so, the Python module, kindred-dask, manual pages, completion)
# and build-deb/kindred-dev_<version>-1_amd64.deb (headers, libkindred.a, the
# CMake package and kindred.pc). Then, as root:
#   apt install ./build-deb/kindred_*.deb ./build-deb/kindred-dev_*.deb
#   scripts/package.sh [BUILD_DIR]      (default build-deb)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-deb}
scripts/install-deps.sh
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINDRED_WERROR=ON \
  -DKINDRED_BUILD_TESTS=OFF -DKINDRED_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
(cd "$dir" && cpack -G DEB)
ls "$dir"/kindred*.deb
