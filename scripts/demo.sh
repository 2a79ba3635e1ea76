#!/usr/bin/env bash
# Installs what is needed, builds kindred (Release) and scans the bundled
# example corpus: every record as JSON Lines in out/corpus.jsonl, the same
# analysis as a page in out/report.html, the summary on the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKINDRED_BUILD_TESTS=OFF >/dev/null
cmake --build build --target kindred_cli
mkdir -p out
build/cli/kindred scan examples/corpus -o out/corpus.jsonl
build/cli/kindred report examples/corpus -o out/report.html -q
echo
echo "Links, families and stories (all records, passages and quotations included: out/corpus.jsonl):"
grep -E '"type":"(link|family)"' out/corpus.jsonl | cut -c1-160
grep -E '"type":"story"' out/corpus.jsonl | sed -E 's/"account":.*//' | cut -c1-220
echo
echo "HTML report: out/report.html (open it in a browser; it needs no network)"
