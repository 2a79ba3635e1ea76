#!/usr/bin/env bash
# Installs kindred's build and test dependencies from Debian 12's packages.
# Does nothing when they are all present; uses sudo when not run as root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libsimdjson-dev libxxhash-dev libutf8proc-dev libzstd-dev zlib1g-dev
  libcli11-dev libtbb-dev libgumbo-dev libicu-dev
  liblmdb-dev libcpp-httplib-dev  # the live index's store and HTTP service
  libstemmer-dev  # Snowball stemmers per language (normalize/language.h)
  wordnet-base  # English synonyms for paraphrased quotations (story/synonyms.h)
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-pytest python3-numpy python3-pandas python3-distributed
  clang libclang-rt-dev
  chromium fonts-dejavu-core  # the HTML report's browser test (ctest -L browser)
  zsh  # the install test checks that the generated zsh completion parses (ctest -L install)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "kindred: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
