#!/usr/bin/env bash
# Installs what is needed, builds kindred with warnings as errors and runs the
# whole test suite; then builds it again under AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the suite once more. In CI (CI=true) it
# then builds the libFuzzer targets with clang and runs each for a bounded
# time (FUZZ_SECONDS, default 20) from its corpus in tests/fuzz/corpus/.
#   scripts/test.sh            both configurations (and the fuzzers when CI=true)
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
# The Python module and its Dask backend (pytest, with Debian's python3, on the
# module just built; a real local Dask cluster on loopback).
if compgen -G "build-test/python/kindred/_kindred*.so" >/dev/null; then
  PYTHONPATH="$PWD/build-test/python" KINDRED_CLI="$PWD/build-test/cli/kindred" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests
else
  echo "kindred: Python module not built (pybind11-dev, python3-dev missing?); pytest skipped" >&2
fi
if [ "${1:-}" != "--quick" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DKINDRED_SANITIZE=address,undefined \
    -DKINDRED_BUILD_BENCH=OFF
fi

# Crashes are kept under build-fuzz/artifacts/; a crashing input belongs in
# tests/fuzz/corpus/<target>/ once fixed, where CTest replays it in every build.
run_fuzzers() {
  local launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKINDRED_BUILD_FUZZ=ON -DKINDRED_SANITIZE=address,undefined -DKINDRED_BUILD_BENCH=OFF \
    -DKINDRED_WERROR=ON "${launcher[@]}" >/dev/null
  cmake --build build-fuzz -j "$jobs" --target kindred_fuzzers
  mkdir -p build-fuzz/artifacts
  local target work
  for target in jsonl html warc gzip zstd text http; do
    work=$(mktemp -d)  # new inputs go here, never into the source tree
    echo "fuzz_$target: ${FUZZ_SECONDS:-20} s" >&2
    build-fuzz/tests/fuzz/fuzz_"$target" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$target"- \
      "$work" tests/fuzz/corpus/"$target"
    rm -rf "$work"
  done
}
if [ "${CI:-}" = "true" ] && [ "${1:-}" != "--quick" ]; then
  ASAN_OPTIONS=detect_leaks=1 run_fuzzers
fi
