#!/bin/bash
# fragtest report, rendered by a real browser: the HTML is self-contained (no
# script, no network), headless Chromium loads it without console errors or
# blocked loads, and the page shows the outcomes table, the free-block
# heatmap, the counter bars, the latency histogram and the failure reports.
# Leaves a screenshot to look at. Prints TAP and a "# runner totals:" line.
#
# usage: tests/report_chromium.sh [RESULTS_DIR]   (default: tests/data/results/sample)
# env:   BUILD (default build), REPORT_SCREENSHOT (default $BUILD/report-screenshot.png)
# Chromium comes from Debian's `chromium` package; without it the browser
# checks SKIP with the reason.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
[[ $build == /* ]] || build=$top/$build
fragtest=$build/bin/fragtest
src=${1:-$top/tests/data/results/sample}
shot=${REPORT_SCREENSHOT:-$build/report-screenshot.png}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0 skip=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip_() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

echo "TAP version 13"
echo "1..9"

# The report is written into a copy: the fixture stays untouched.
cp -r "$src" "$tmp/run"
html=$tmp/run/report.html
"$fragtest" report "$tmp/run" >"$tmp/out" 2>"$tmp/err"
check "report_writes_html" test $? = 0 -a -s "$html"

check "no_script_elements" test "$(grep -ci '<script' "$html")" = 0
# the only URL allowed is the SVG namespace, which is never fetched
check "no_external_references" test \
	"$(grep -oE '(src|href)=.(https?:|//)|url\(|@import|https?://[^ "'\'']*' "$html" |
	   grep -vc '^http://www.w3.org/2000/svg$')" = 0

chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
	for t in loads_without_errors shows_outcomes shows_heatmap shows_counters_and_latency \
		 shows_failure_reports screenshot; do
		skip_ "$t" "chromium not installed (apt-get install chromium)"
	done
	echo "# runner totals: pass:$pass fail:$fail skip:$skip"
	exit 0
fi

# Headless, no sandbox (root in CI), no GPU, nothing phoning home, a fresh profile.
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run --disable-extensions
       --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0)
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$html" >"$tmp/dom" 2>"$tmp/chromium.err"
rc=$?
# console errors, CSP violations and failed loads all end up in the log
errors=$(grep -E 'CONSOLE|Uncaught|Refused to|net::ERR_|Failed to load' "$tmp/chromium.err")
if [[ $rc -eq 0 && -s $tmp/dom && -z $errors ]]; then
	ok loads_without_errors
else
	not_ok loads_without_errors "chromium exit $rc" "${errors:-$(tail -n 5 "$tmp/chromium.err")}"
fi

has() { grep -q -- "$1" "$tmp/dom"; }
count() { grep -o -- "$1" "$tmp/dom" | wc -l; }
# one outcome cell per test of the run (ktap.log lines and JSON files)
tests=$(grep -cE '^(# )?(not )?ok [0-9]+ ' "$tmp/run/ktap.log" 2>/dev/null)
check shows_outcomes test -n "$(has 'id="outcomes"' && echo y)" \
	-a "$(count '<td class="\(pass\|fail\|skip\)">')" -ge "${tests:-1}"
check shows_heatmap test "$(count 'class="heatmap"')" -ge 1 -a "$(count '<rect')" -gt 50
check shows_counters_and_latency test "$(count 'class="bars"')" -ge 1 \
	-a "$(count 'class="histogram"')" -ge 1
check shows_failure_reports test -n "$(has 'id="failure-reports"' && echo y)" \
	-a "$(count 'class="reports"')" -ge 1

mkdir -p "$(dirname "$shot")"
timeout 120 "$chromium" "${flags[@]}" --hide-scrollbars --window-size=1280,2400 \
	--screenshot="$shot" "file://$html" >/dev/null 2>>"$tmp/chromium.err"
if [[ -s $shot ]] && head -c 8 "$shot" | grep -q PNG; then
	ok screenshot
	echo "# screenshot: $shot"
else
	not_ok screenshot "no PNG at $shot"
fi
echo "# runner totals: pass:$pass fail:$fail skip:$skip"
[[ $fail -eq 0 ]]
