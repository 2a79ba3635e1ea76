#!/usr/bin/env bash
# The Debian packages, installed into a fresh root and used from there only:
#   tests/install/install_test.sh BUILD_DIR [SOURCE_DIR]
# Builds kindred_*.deb and kindred-dev_*.deb with cpack from BUILD_DIR, checks
# that their dependencies are Debian packages installed here, unpacks both
# into a temporary root (dpkg -x: debootstrap cannot download in CI), and then,
# against that root and never the build tree:
#   - ldd finds every library of the CLI, libkindred.so and the Python module;
#   - `kindred --version` agrees with the version CMake set, and `kindred scan`
#     of the example corpus finds its links, with that version in the run record;
#   - the manual pages and bash completion are there, and completion works;
#   - an out-of-tree CMake project find_package(kindred)s, builds one program
#     with the shared library and one with the static, and both scan;
#     pkg-config gives flags that build it too;
#   - python3 -c "import kindred" imports the installed module, whose
#     __version__ is the CLI's, and scans; kindred-dask starts.
# Prints what it checks; exits non-zero on the first failure.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "${2:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "install_test: [${SECONDS}s] $*" >&2; }
# grep that reads all its input: `cmd | grep -q` can kill cmd with SIGPIPE,
# which pipefail reports as a failure.
has() { grep "$@" >/dev/null; }
die() {
  echo "install_test: FAILED: $*" >&2
  exit 1
}

step "cpack"
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; die "cpack"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb=$(ls "$work"/pkg/kindred_"$version"-*_*.deb)
dev=$(ls "$work"/pkg/kindred-dev_"$version"-*_*.deb)
step "built $(basename "$deb") $(basename "$dev")"

# Every dependency is a Debian package by name, and installed on this machine.
depends=$(dpkg-deb -f "$deb" Depends)
step "Depends: $depends"
[ -n "$depends" ] || die "kindred's package has no dependencies"
echo "$depends" | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | while read -r p; do
  [ -z "$p" ] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | has "install ok installed" ||
    die "dependency $p is not an installed Debian package"
done
dpkg-deb -f "$deb" Depends | has libtbb || die "libtbb is not among the dependencies"
dpkg-deb -f "$deb" Depends | has wordnet-base || die "wordnet-base is not among the dependencies"
[ "$(dpkg-deb -f "$dev" Depends)" = "kindred (= $version-1)" ] || die "kindred-dev's Depends"

root=$work/root
dpkg -x "$deb" "$root"
dpkg -x "$dev" "$root"
kindred=$root/usr/bin/kindred
[ -x "$kindred" ] || die "no usr/bin/kindred in the package"
libdir=$(dirname "$(find "$root/usr/lib" -name 'libkindred.so.*' -type f | head -1)")
[ -d "$libdir" ] || die "no libkindred.so.* in the package"
pydir=$root/usr/lib/python3/dist-packages
[ -f "$pydir/kindred/__init__.py" ] || die "no kindred package in usr/lib/python3/dist-packages"

step "ldd"
export LD_LIBRARY_PATH=$libdir
for f in "$kindred" "$libdir"/libkindred.so.* "$pydir"/kindred/_kindred*.so; do
  if ldd "$f" | has "not found"; then
    ldd "$f" >&2
    die "$f: a library is not found"
  fi
done

step "kindred --version, scan"
"$kindred" --version >"$work/version.txt"
[ "$(head -1 "$work/version.txt")" = "kindred $version" ] || die "--version: $(cat "$work/version.txt")"
grep -q '^params: shingle:' "$work/version.txt" || die "--version has no params line"
grep -q '^features: ' "$work/version.txt" || die "--version has no features line"
"$kindred" scan -q "$src/examples/corpus" -o "$work/links.jsonl"
grep -q '"type":"run".*"kindred":"'"$version"'"' "$work/links.jsonl" || die "run record's version"
grep -q '"a":"strike/abridged.txt","b":"strike/wire_full.txt","relation":"contained"' \
  "$work/links.jsonl" || die "scan of examples/corpus misses the abridged copy"

step "manual pages, completion"
for page in kindred kindred-scan kindred-report kindred-compare kindred-synth kindred-index kindred-serve; do
  man=$root/usr/share/man/man1/$page.1.gz
  [ -f "$man" ] || die "no manual page $page.1.gz"
  [ "$(zcat "$man" | grep -c '^\.TH')" = 1 ] || die "$page.1 is not a manual page"
done
# Every long option the --help of a subcommand lists is in its manual page.
for cmd in scan report compare synth serve "index add" "index query" "index refresh"; do
  page=kindred-${cmd%% *}.1
  zcat "$root/usr/share/man/man1/$page.gz" | sed 's/\\-/-/g' >"$work/$page"
  # shellcheck disable=SC2086  # "index add" is two words
  "$kindred" $cmd --help >"$work/help.txt"
  grep -o -- '--[a-z][a-z-]*' "$work/help.txt" | sort -u | while read -r opt; do
    grep -q -- "$opt" "$work/$page" || die "$page lacks $opt (kindred $cmd --help has it)"
  done
done
bash_completion=$root/usr/share/bash-completion/completions/kindred
got=$(bash -c 'source "$1"; COMP_WORDS=(kindred sc); COMP_CWORD=1; _kindred; echo "${COMPREPLY[*]}"' _ \
  "$bash_completion")
[ "$got" = "scan" ] || die "bash completion of 'kindred sc': '$got'"
got=$(bash -c 'source "$1"; COMP_WORDS=(kindred index add --mer); COMP_CWORD=3; _kindred
  echo "${COMPREPLY[*]}"' _ "$bash_completion")
[ "$got" = "--merge-every" ] || die "bash completion of 'kindred index add --mer': '$got'"
zsh_completion=$root/usr/share/zsh/vendor-completions/_kindred
if command -v zsh >/dev/null; then
  # What the script hands zsh's completion system (_describe, _files stubbed).
  zsh_offers() {  # CURRENT, then the words
    zsh -c 'CURRENT=$1; shift; words=("$@"); PREFIX=${words[CURRENT]}
      _describe() { local n=${@[-1]}; print -rl -- "${(@P)n}"; }; _files() { print "<files>"; }
      source "$ZSH_COMPLETION"' _ "$@"
  }
  export ZSH_COMPLETION=$zsh_completion
  zsh_offers 4 kindred index add --mer | has '^--merge-every:' ||
    die "zsh completion of 'kindred index add --mer'"
  zsh_offers 2 kindred ind | has '^index:' || die "zsh completion of 'kindred ind'"
  [ "$(zsh_offers 3 kindred scan '')" = "<files>" ] || die "zsh completion of 'kindred scan '"
else
  [ -f "$zsh_completion" ] || die "no zsh completion"
  step "zsh not installed: zsh completion only checked for presence"
fi

step "out-of-tree find_package(kindred)"
mkdir -p "$work/consumer"
cat >"$work/consumer/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.25)
project(consumer CXX)
find_package(kindred 0.1 CONFIG REQUIRED COMPONENTS static)
add_executable(consumer consumer.cpp)
target_link_libraries(consumer PRIVATE kindred::kindred)
add_executable(consumer_static consumer.cpp)
target_link_libraries(consumer_static PRIVATE kindred::kindred_static)
EOF
cat >"$work/consumer/consumer.cpp" <<'EOF'
#include <kindred/kindred.h>
#include <kindred/stages.h>

#include <cstdio>

int main() {
  const std::string a = "the strike closed every port on the coast for three days and the unions said "
                        "they would not return until wages were raised";
  std::vector<kindred::Document> docs(2);
  docs[0].id = "a";
  docs[0].text = a;
  docs[1].id = "b";
  docs[1].text = a + " by the ministers";
  kindred::Scanner scanner(kindred::Params{}, {.threads = 1});
  scanner.add(std::move(docs));
  const kindred::ScanResult result = scanner.finish();
  kindred::ingest::ReadOptions read;  // a public type since issue 17 (include/kindred/read_options.h)
  std::printf("%s %zu %s\n", kindred::kVersion, result.links.size(), read.fields.text.c_str());
  return result.links.size() == 1 ? 0 : 1;
}
EOF
if ! { cmake -S "$work/consumer" -B "$work/consumer/build" -G Ninja -DCMAKE_PREFIX_PATH="$root/usr" \
  -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF && cmake --build "$work/consumer/build"; } \
  >"$work/consumer.log" 2>&1; then
  cat "$work/consumer.log" >&2
  die "the out-of-tree build"
fi
grep -q "$root/usr/include" "$work/consumer/build/compile_commands.json" 2>/dev/null ||
  grep -rq -- "-isystem $root/usr/include\|-I$root/usr/include" "$work/consumer/build/build.ninja" ||
  die "the consumer was not compiled against the installed headers"
out=$("$work/consumer/build/consumer") || die "the consumer's scan: '$out'"
[ "$out" = "$version 1 text" ] || die "the consumer printed '$out'"
ldd "$work/consumer/build/consumer" | has "$libdir/libkindred.so" ||
  die "the consumer does not load the installed libkindred.so"
out=$("$work/consumer/build/consumer_static") || die "the static consumer's scan: '$out'"
[ "$out" = "$version 1 text" ] || die "the static consumer printed '$out'"
if ldd "$work/consumer/build/consumer_static" | has libkindred; then
  die "the static consumer loads libkindred.so"
fi
pc=$(find "$root/usr/lib" -name kindred.pc | head -1)
[ -n "$pc" ] || die "no kindred.pc"
pcflags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSTEM_INCLUDE_PATH='' pkg-config --cflags --libs kindred)
pcinclude=$(echo "$pcflags" | tr ' ' '\n' | sed -n 's/^-I//p')
[ "$(realpath "$pcinclude")" = "$root/usr/include" ] || die "pkg-config --cflags: $pcflags"
echo "$pcflags" | has -- "-lkindred" || die "pkg-config --libs: $pcflags"
# shellcheck disable=SC2086  # the flags are words
c++ -std=c++20 "$work/consumer/consumer.cpp" -o "$work/consumer-pc" $pcflags
[ "$("$work/consumer-pc")" = "$version 1 text" ] || die "the pkg-config build's scan"

step "python3 -c 'import kindred'"
got=$(cd "$work" && env -u PYTHONHOME PYTHONPATH="$pydir" /usr/bin/python3 -c '
import kindred, sys
assert kindred.__file__.startswith(sys.argv[1]), kindred.__file__
r = kindred.scan(sys.argv[2])
print(kindred.__version__, any(l.relation == "contained" for l in r.links))' "$pydir" "$src/examples/corpus")
[ "$got" = "$version True" ] || die "python3: '$got'"
if [ -x "$root/usr/bin/kindred-dask" ]; then
  if /usr/bin/python3 -c 'import distributed' 2>/dev/null; then
    (cd "$work" && PYTHONPATH="$pydir" "$root/usr/bin/kindred-dask" --help >"$work/dask.txt") ||
      die "kindred-dask --help"
    has '^usage: kindred-dask' "$work/dask.txt" || die "kindred-dask --help: $(cat "$work/dask.txt")"
  else
    step "python3-distributed not installed: kindred-dask not run"
  fi
fi
step "ok"
