#!/usr/bin/env bash
# Compares the outputs of two `kindred scan` builds on one input, ignoring the
# summary record (its timings differ from run to run):
#
#   bench/scripts/scan_diff.sh OLD_KINDRED NEW_KINDRED INPUT [scan options...]
#
# Exits 0 when the outputs are byte-identical apart from that record.
set -euo pipefail
old=$1 new=$2 input=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$old" scan "$input" -q -o "$tmp/old.jsonl" "$@"
"$new" scan "$input" -q -o "$tmp/new.jsonl" "$@"
grep -v '^{"type":"summary"' "$tmp/old.jsonl" > "$tmp/old.stripped" || true
grep -v '^{"type":"summary"' "$tmp/new.jsonl" > "$tmp/new.stripped" || true
if cmp -s "$tmp/old.stripped" "$tmp/new.stripped"; then
  echo "identical: $input ($(wc -l < "$tmp/new.stripped") records)"
else
  echo "DIFFERENT: $input"
  diff "$tmp/old.stripped" "$tmp/new.stripped" | head -20
  exit 1
fi
