#!/usr/bin/env bash
# Installs what is needed, builds kindred (Release) and scans the bundled
# example corpus: links and families as JSON Lines in out/corpus.jsonl, the
# summary on the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKINDRED_BUILD_TESTS=OFF >/dev/null
cmake --build build --target kindred_cli
mkdir -p out
build/kindred scan examples/corpus -o out/corpus.jsonl
echo "links and families: out/corpus.jsonl"
grep -E '"type":"(link|family)"' out/corpus.jsonl
