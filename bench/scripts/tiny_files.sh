#!/usr/bin/env bash
# Writes N tiny .txt files (12 words each, distinct) into DIR, 1,000 per
# subfolder: the many-small-files case of issue 16.
#   bench/scripts/tiny_files.sh DIR N
set -euo pipefail
dir=$1
n=$2
mkdir -p "$dir"
awk -v dir="$dir" -v n="$n" 'BEGIN {
  srand(16);
  for (i = 0; i < n; ++i) {
    if (i % 1000 == 0) { sub_dir = sprintf("%s/%04d", dir, i / 1000); system("mkdir -p " sub_dir); }
    f = sprintf("%s/%06d.txt", sub_dir, i);
    line = "item " i;
    for (w = 0; w < 10; ++w) line = line " w" int(rand() * 1000000);
    print line > f;
    close(f);
  }
}'
