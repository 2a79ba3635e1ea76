#!/usr/bin/env bash
# Installs what is needed, builds kindred with warnings as errors and runs the
# whole test suite; then builds it again under AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the suite once more.
#   scripts/test.sh            both configurations
#   scripts/test.sh --quick    the first one only
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

run_suite() {  # build-dir, extra cmake args...
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DKINDRED_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600
}

run_suite build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "${1:-}" != "--quick" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DKINDRED_SANITIZE=address,undefined \
    -DKINDRED_BUILD_BENCH=OFF
fi
