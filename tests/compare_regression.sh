#!/bin/bash
# fragtest compare catches an injected change and leaves the same kernel
# alone: two normal runs of a scenario compare clean (exit 0, no
# regression), a run of the same kernel booted with vm.min_free_kbytes
# raised is flagged (exit 1) for the reason expected.
#
# usage: tests/compare_regression.sh             the saved real runs in
#                                                tests/data/results/regression/
#        tests/compare_regression.sh --vm KERNEL [--min-free-kbytes N]
#                                                three fresh make vmtest runs on
#                                                KERNEL (default N 262144)
# TAP on stdout, "# compare totals:" last.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
fragtest=$top/${BUILD:-build}/bin/fragtest
test=order3_atomic_free_memory_high
id=$test.scenario.$test
min_free=262144
kernel=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--vm) kernel=$2; shift 2 ;;
	--min-free-kbytes) min_free=$2; shift 2 ;;
	*) echo "usage: $0 [--vm KERNEL [--min-free-kbytes N]]" >&2; exit 2 ;;
	esac
done
[[ -x $fragtest ]] || make -s -C "$top" "${BUILD:-build}/bin/fragtest" >&2 || exit 1

n=0 pass=0 fail=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }

# one run of the scenario; prints its results directory
vm_run() {
	local log
	log=$(mktemp)
	make -s -C "$top" vmtest KERNEL="$kernel" TESTS="$test" VMTEST_ARGS="$*" >"$log" 2>&1
	sed -n 's/^vmtest-suite: .*: results in //p' "$log"
	rm -f "$log"
}

if [[ -n $kernel ]]; then
	a=$(vm_run) b=$(vm_run) c=$(vm_run --append "sysctl.vm.min_free_kbytes=$min_free")
else
	d=$top/tests/data/results/regression
	a=$d/base-a b=$d/base-b c=$d/min-free
fi
echo "TAP version 13"
echo "1..6"
for r in "$a" "$b" "$c"; do
	[[ -n $r && -d $r ]] || { not_ok "runs_exist" "missing results directory '$r'"; echo "# compare totals: pass:$pass fail:$fail skip:0"; exit 1; }
done

# the injected run really ran with the knob (the boot line is in summary.json)
if grep -q "sysctl.vm.min_free_kbytes=" "$c/summary.json" && ! grep -q "sysctl.vm.min_free_kbytes=" "$a/summary.json"; then
	ok "injected_run_is_marked"
else
	not_ok "injected_run_is_marked" "summary.json of $c does not name the sysctl"
fi

out=$("$fragtest" compare "$a" "$b")
rc=$?
if [[ $rc -eq 0 ]] && echo "$out" | grep -q '^0 regression(s)'; then
	ok "same_kernel_compares_clean"
else
	not_ok "same_kernel_compares_clean" "exit $rc" "$(echo "$out" | grep -E 'REGRESSION|regression\(s\)')"
fi

out=$("$fragtest" compare "$a" "$c")
rc=$?
if [[ $rc -eq 1 ]]; then
	ok "injected_change_exits_1"
else
	not_ok "injected_change_exits_1" "exit $rc"
fi
echo "$out" | grep -E 'REGRESSION' | sed 's/^/#   /'

# the flagged regression is the scenario's outcome: with the watermarks that
# high it cannot build its state (the DMA zone keeps a block the pin floor
# protects); nothing that has a direction got worse while it still passed
tmpj=$(mktemp)
"$fragtest" compare --json "$a" "$c" >"$tmpj"
got=$(python3 - "$tmpj" "$id" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
regs = sorted(t["test"] for t in d["tests"] if t["change"] == "regression")
regs += sorted(m["test"] + " " + m["name"] for m in d["metrics"] + d["latency"]
               if m["change"] == "regression")
print(d["regressions"], ",".join(regs))
PY
)
rm -f "$tmpj"
want="2 $test,$id"
if [[ $got == "$want" ]]; then
	ok "regressions_are_the_scenario_outcome"
else
	not_ok "regressions_are_the_scenario_outcome" "expected: $want" "got: $got"
fi

if "$fragtest" compare "$a" "$a" >/dev/null; then
	ok "run_against_itself_is_clean"
else
	not_ok "run_against_itself_is_clean"
fi
"$fragtest" compare "$a" /nonexistent >/dev/null 2>&1
rc=$?
if [[ $rc -eq 2 ]]; then ok "unreadable_run_exits_2"; else not_ok "unreadable_run_exits_2" "exit $rc"; fi

echo "# compare totals: pass:$pass fail:$fail skip:0"
[[ $fail -eq 0 ]]
