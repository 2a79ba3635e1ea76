#!/usr/bin/env bash
# Loads the HTML report of the example corpus in headless Chromium and checks
# what the browser made of it: the DOM after the page's script ran, and
# screenshots that must not be blank.
#
#   check_report.sh KINDRED_BINARY SOURCE_DIR
#
# Exit codes: 0 pass, 1 fail, 77 skip (no Chromium; scripts/install-deps.sh
# installs Debian's `chromium`). KINDRED_CHROMIUM=PATH picks the browser
# (default: the first of chromium, chromium-browser, google-chrome on PATH).
# KINDRED_REPORT_ARTIFACTS=DIR keeps the report, the DOM and the screenshots.
# shellcheck disable=SC2015  # `test && pass || fail`: pass only echoes, so fail runs only when test fails
set -uo pipefail

kindred=${1:?usage: check_report.sh KINDRED_BINARY SOURCE_DIR}
source_dir=${2:?usage: check_report.sh KINDRED_BINARY SOURCE_DIR}

browser=""
if [ -n "${KINDRED_CHROMIUM:-}" ]; then
  [ -x "$KINDRED_CHROMIUM" ] && browser=$KINDRED_CHROMIUM
else
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" > /dev/null 2>&1; then browser=$(command -v "$candidate"); break; fi
  done
fi
if [ -z "$browser" ]; then
  echo "SKIP: no chromium installed, the report was not checked in a browser (scripts/install-deps.sh installs it)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

# The corpus: examples/corpus.jsonl (titles, dates, sources, URLs) and one
# hostile article whose text and file name try to become markup.
mkdir -p "$work/hostile"
cat > "$work/hostile/x\"'<b>.txt" <<'HOSTILE'
Dockworkers <script>document.documentElement.setAttribute('data-pwned','1')</script> strike

The port said "no" <img src=x onerror="document.documentElement.setAttribute('data-pwned','2')"> today.
<script src="https://evil.example/x.js"></script></td></tr></table></details><iframe src="http://evil.example/"></iframe>
HOSTILE
inputs=("$source_dir/examples/corpus.jsonl" "$work/hostile")

if ! "$kindred" report "${inputs[@]}" -o "$work/report.html" -q --title "Example corpus" --threads 2; then
  echo "FAIL: kindred report did not run"
  exit 1
fi
"$kindred" scan "${inputs[@]}" -q --threads 2 > "$work/scan.jsonl" || { echo "FAIL: kindred scan"; exit 1; }
stories=$(grep -c '"type":"story"' "$work/scan.jsonl")
links=$(grep -c '"type":"link"' "$work/scan.jsonl")
first_doc=$(grep -o '"members":\["[^"]*"' "$work/scan.jsonl" | head -1 | sed 's/.*\["//; s/"$//')

chrome() {  # chrome PROFILE ARGS... : one headless run, its noise kept in chromium.log
  local profile=$1
  shift
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-quic --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$work/profile-$profile" "$@" 2>> "$work/chromium.log"
}
count() { grep -o -- "$1" "$2" | wc -l | tr -d ' '; }

# --- the DOM after the script ran
url="file://$work/report.html"
chrome dom --dump-dom "$url" > "$work/dom.html"
dom="$work/dom.html"
if [ ! -s "$dom" ]; then
  echo "FAIL: chromium dumped no DOM"
  tail -20 "$work/chromium.log"
  exit 1
fi
html_tag=$(grep -o '<html[^>]*>' "$dom" | head -1)
case "$html_tag" in
  *'data-js="ready"'*) pass "the page's script ran to its end ($html_tag)" ;;
  *) fail "the page's script did not finish: $html_tag" ;;
esac
case "$html_tag" in
  *pwned*) fail "the hostile article's script ran: $html_tag" ;;
  *) pass "the hostile article's script did not run" ;;
esac
grep -q '<title>Example corpus</title>' "$dom" && pass "title" || fail "title changed or missing"

n=$(count '<section class="story"' "$dom")
[ "$n" -eq "$stories" ] && [ "$n" -ge 3 ] && pass "$n story sections (scan found $stories)" ||
  fail "$n story sections, scan found $stories"
n=$(grep -o '<tr data-story="[0-9]*"' "$dom" | wc -l)
[ "$n" -eq "$stories" ] && pass "$n rows in the story list" || fail "$n rows in the story list, want $stories"
n=$(count '<details class="pair">' "$dom")
[ "$n" -eq "$links" ] && pass "$n linked pairs shown (scan found $links)" || fail "$n linked pairs, want $links"

# Parts only the script builds.
grep -q '<input id="kr-filter" type="search"' "$dom" && pass "filter box built" || fail "no filter box"
grep -q '<button type="button" id="kr-expand">Expand all</button>' "$dom" && pass "expand button built" ||
  fail "no expand button"
grep -q "Showing $stories of $stories stories" "$dom" && pass "story count shown" || fail "no story count"
n=$(grep -o 'data-sort="[a-z]*"><button type="button">' "$dom" | wc -l)
[ "$n" -eq 6 ] && pass "6 sortable columns" || fail "$n sortable columns, want 6"
accounts=$(count '<ol class="account">' "$dom")
legends=$(count '<div class="legend" role="group"' "$dom")
[ "$accounts" -ge 1 ] && [ "$legends" -eq "$accounts" ] && pass "$legends account legends" ||
  fail "$legends legends for $accounts accounts"

# The hostile article is there as text, and none of its elements exist.
grep -q '&lt;script&gt;document.documentElement.setAttribute' "$dom" && pass "hostile text shown escaped" ||
  fail "the hostile text is missing"
for tag in '<img' '<iframe' '<b>' '<script src'; do
  n=$(count "$tag" "$dom")
  [ "$n" -eq 0 ] && pass "no $tag element" || fail "$n $tag elements in the DOM"
done
n=$(count '<script' "$dom")
[ "$n" -eq 1 ] && pass "one script element (the page's own)" || fail "$n script elements"

# --- the script's controls, driven by a test script given the page's nonce
# (the page's Content-Security-Policy runs no script without it)
nonce=$(grep -o '<script nonce="[0-9a-f]*"' "$work/report.html" | sed 's/.*nonce="//; s/"$//')
cat > "$work/drive.js" <<'DRIVE'
(function () {
  var out = [];
  var visible = function () {
    return Array.prototype.filter.call(document.querySelectorAll('section.story'),
                                       function (s) { return !s.hidden; }).length;
  };
  var filter = document.getElementById('kr-filter');
  filter.value = 'quillon';
  filter.dispatchEvent(new Event('input'));
  out.push('filter=' + visible() + ':' + document.getElementById('kr-count').textContent);
  filter.value = '';
  filter.dispatchEvent(new Event('input'));
  out.push('unfiltered=' + visible());
  document.getElementById('kr-expand').click();
  out.push('expanded=' + document.querySelectorAll('details.story-body[open]').length);
  document.getElementById('kr-collapse').click();
  out.push('collapsed=' + document.querySelectorAll('details[open]').length);
  var sizes = function () {
    return Array.prototype.map.call(document.querySelectorAll('#story-table tbody tr'),
                                    function (r) { return r.getAttribute('data-size'); }).join(',');
  };
  var button = document.querySelector('#story-table th[data-sort="size"] button');
  button.click();
  out.push('sort1=' + sizes());
  button.click();
  out.push('sort2=' + sizes());
  var legend = document.querySelector('.legend button');
  legend.click();
  out.push('dimmed=' + document.querySelectorAll('ol.account li.dim').length + '/' +
           legend.closest('section').querySelectorAll('ol.account li').length);
  var pre = document.createElement('pre');
  pre.id = 'kr-test';
  pre.textContent = out.join(' ');
  document.body.appendChild(pre);
})();
DRIVE
{
  sed '/^<\/body>$/,$d' "$work/report.html"
  echo "<script nonce=\"$nonce\">"
  cat "$work/drive.js"
  printf '</script>\n</body>\n</html>\n'
} > "$work/drive.html"
chrome drive --dump-dom "file://$work/drive.html" > "$work/dom-drive.html"
results=$(grep -o '<pre id="kr-test">[^<]*' "$work/dom-drive.html" | sed 's/.*>//')
echo "      controls: $results"
case "$results" in
  *"filter=1:Showing 1 of $stories stories"*) pass "the filter keeps the one Quillon story" ;;
  *) fail "filtering for quillon: $results" ;;
esac
case "$results" in *"unfiltered=$stories "*) pass "clearing the filter shows every story" ;;
  *) fail "clearing the filter: $results" ;; esac
case "$results" in *"expanded=$stories "*) pass "expand all opens every story" ;;
  *) fail "expand all: $results" ;; esac
case "$results" in *"collapsed=0 "*) pass "collapse all closes everything" ;;
  *) fail "collapse all: $results" ;; esac
sort1=$(echo "$results" | grep -o 'sort1=[0-9,]*' | cut -d= -f2)
sort2=$(echo "$results" | grep -o 'sort2=[0-9,]*' | cut -d= -f2)
[ -n "$sort1" ] && [ "$sort1" = "$(echo "$sort1" | tr ',' '\n' | sort -rn | paste -sd,)" ] &&
  [ "$sort2" = "$(echo "$sort1" | tr ',' '\n' | sort -n | paste -sd,)" ] &&
  pass "sorting by size: $sort1, then $sort2" || fail "sorting by size: $sort1, then $sort2"
dimmed=$(echo "$results" | grep -o 'dimmed=[0-9]*/[0-9]*' | cut -d= -f2)
[ -n "$dimmed" ] && [ "${dimmed%/*}" -gt 0 ] && [ "${dimmed%/*}" -lt "${dimmed#*/}" ] &&
  pass "an article's legend key dims the $dimmed sentences it does not carry" ||
  fail "legend: dimmed $dimmed"

# --- a link to an article opens its story
first_id=$(grep -o "<tr id=\"d[0-9]*\" data-key=\"[0-9]*\"><td><span class=\"key k[0-9]\" title=\"$first_doc" "$dom" |
  head -1 | sed 's/<tr id="\([^"]*\)".*/\1/')
if [ -n "$first_id" ]; then
  chrome hash --dump-dom "$url#$first_id" > "$work/dom-hash.html"
  n=$(count '<details class="story-body" open="">' "$work/dom-hash.html")
  [ "$n" -eq 1 ] && pass "#$first_id opens its story" || fail "#$first_id opened $n stories"
else
  fail "no row for $first_doc"
fi

# --- screenshots: not blank, and an opened story changes the picture.
# (Headless screenshots of a fragment far down a long page come out white, a
# quirk of headless Chromium; the first story's first article is near the top.)
chrome blank --screenshot="$work/blank.png" --window-size=1280,2000 "data:text/html,<title>blank</title>" > /dev/null
chrome shot --screenshot="$work/report.png" --window-size=1280,2000 "$url" > /dev/null
chrome open --screenshot="$work/open.png" --window-size=1280,2000 "$url#$first_id" > /dev/null
for png in report open; do
  file="$work/$png.png"
  if [ ! -s "$file" ]; then
    fail "no screenshot $png.png"
    continue
  fi
  size=$(stat -c %s "$file")
  blank=$(stat -c %s "$work/blank.png" 2> /dev/null || echo 0)
  # PNG signature, then IHDR: width and height as 4-byte big-endian numbers.
  signature=$(od -An -tx1 -N8 "$file" | tr -d ' \n')
  width=$((16#$(od -An -tx1 -j16 -N4 "$file" | tr -d ' \n')))
  height=$((16#$(od -An -tx1 -j20 -N4 "$file" | tr -d ' \n')))
  [ "$signature" = "89504e470d0a1a0a" ] && [ "$width" -eq 1280 ] && [ "$height" -eq 2000 ] &&
    pass "$png.png is a 1280x2000 PNG" || fail "$png.png: signature $signature, ${width}x$height"
  # A page of one colour compresses to about 12 KB at this size; a rendered report, to far more.
  [ "$size" -gt 10240 ] && [ "$size" -gt $((blank * 4)) ] &&
    pass "$png.png is not blank ($size bytes; a blank page: $blank)" ||
    fail "$png.png looks blank ($size bytes; a blank page: $blank)"
done
if [ -s "$work/report.png" ] && [ -s "$work/open.png" ] && cmp -s "$work/report.png" "$work/open.png"; then
  fail "opening a story did not change the screenshot"
fi

if [ -n "${KINDRED_REPORT_ARTIFACTS:-}" ]; then
  mkdir -p "$KINDRED_REPORT_ARTIFACTS"
  cp "$work/report.html" "$work/dom.html" "$work"/*.png "$KINDRED_REPORT_ARTIFACTS"/ 2> /dev/null
  echo "artifacts in $KINDRED_REPORT_ARTIFACTS"
fi
if [ "$failures" -gt 0 ]; then
  echo "$failures checks failed; chromium said:"
  grep -v dbus "$work/chromium.log" | tail -5
  exit 1
fi
echo "PASS: the report renders in $("$browser" --version 2> /dev/null | head -1)"
