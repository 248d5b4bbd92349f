#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runner of an installed fragtest tree (make install INSTALL_PATH=DIR), with
# the options and output of the kernel's run_kselftest.sh so that LAVA /
# Linaro test-definitions, tuxrun and KernelCI run it unmodified:
#
#   ./run_kselftest.sh [-s] [-p] [-l] [-d] [-o SECS] [-c COLLECTION]... [-t COLLECTION:TEST]...
#
#   -l, --list                 list the tests (COLLECTION:TEST, from kselftest-list.txt)
#   -c, --collection NAME      run the tests of a collection (here: fragtest)
#   -t, --test COLL:TEST       run one test (repeatable; also comma separated)
#   -s, --summary              results only on stdout; each test's output in
#                              $KSELFTEST_LOG_DIR (default /tmp)/COLL:TEST.log
#   -p, --per-test-log         same as -s but the logs also go to stdout
#   -o, --override-timeout S   timeout per test instead of the settings files
#   -d, --dry-run              print what would run
#   -n, --netns                accepted for compatibility; tests run in the
#                              caller's namespaces
#   -h, --help
#
# Output: KTAP. Each test's own output is nested as "# " lines after a
# "# selftests: COLL: TEST" header, its result is
# "ok N selftests: COLL: TEST" (exit 0), "... # SKIP" (exit 4), or
# "not ok N selftests: COLL: TEST # TIMEOUT S seconds | exit=RC".
# Kernel health guard (backstop; the tests also check per case): a test
# after which the kernel log gained WARNING/BUG/Oops/general protection
# fault/RCU stall/lockdep lines, or the kernel a taint bit other than O/E/N,
# is reported not ok with the excerpt.
# Environment for the tests: FRAGTEST_BUILD (workloads and CLI under bin/),
# FRAGTEST_MODULE (the helper module built for `uname -r`, if installed),
# FRAGTEST_RESULTS (per-test JSON; only when the caller sets it).
# Exit status: 0 when nothing failed, 1 otherwise, 2 usage.

BASE_DIR=$(cd "$(dirname "$0")" && pwd)
LIST="$BASE_DIR/kselftest-list.txt"
summary=0 per_test_log=0 dry=0 list=0 override="" selected=""
log_dir=${KSELFTEST_LOG_DIR:-/tmp}

usage() {
	sed -n '3,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

add_sel() {	# add_sel KIND VALUE[,VALUE...]
	for v in $(echo "$2" | tr ',' ' '); do
		selected="$selected $1=$v"
	done
}

while [ $# -gt 0 ]; do
	case $1 in
	-s|--summary) summary=1; shift ;;
	-p|--per-test-log) per_test_log=1; shift ;;
	-l|--list) list=1; shift ;;
	-d|--dry-run) dry=1; shift ;;
	-n|--netns) shift ;;
	-o|--override-timeout) [ $# -ge 2 ] || usage; override=$2; shift 2 ;;
	-c|--collection) [ $# -ge 2 ] || usage; add_sel c "$2"; shift 2 ;;
	-t|--test) [ $# -ge 2 ] || usage; add_sel t "$2"; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run_kselftest.sh: unknown option $1" >&2; usage ;;
	esac
done
case $override in
''|*[!0-9]*) [ -z "$override" ] || { echo "run_kselftest.sh: -o needs seconds" >&2; exit 2; } ;;
esac
[ -r "$LIST" ] || { echo "run_kselftest.sh: no $LIST" >&2; exit 2; }

# The tests to run, in list order.
tests=""
while IFS= read -r entry; do
	case $entry in ''|'#'*) continue ;; esac
	if [ -z "$selected" ]; then
		tests="$tests $entry"
		continue
	fi
	for s in $selected; do
		case $s in
		"c=${entry%%:*}"|"t=$entry") tests="$tests $entry"; break ;;
		esac
	done
done <"$LIST"
if [ -n "$selected" ]; then
	for s in $selected; do
		found=0
		for e in $tests; do
			case $s in "c=${e%%:*}"|"t=$e") found=1 ;; esac
		done
		[ $found = 1 ] || { echo "run_kselftest.sh: no test matches ${s#?=}" >&2; exit 2; }
	done
fi

if [ $list = 1 ]; then
	for e in $tests; do echo "$e"; done
	exit 0
fi

# timeout=N from COLL/TEST.settings, else COLL/settings, else 45 as kselftest
timeout_of() {
	t=""
	for f in "$BASE_DIR/$1/$2.settings" "$BASE_DIR/$1/settings"; do
		[ -r "$f" ] || continue
		t=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$f" | tail -n 1)
		[ -n "$t" ] && break
	done
	echo "${override:-${t:-45}}"
}

allowed_taint=$(((1 << 12) | (1 << 13) | (1 << 18)))
health_re='WARNING:|BUG:|Oops|general protection fault|rcu.*(self-detected stall|detected stalls)|possible circular locking|possible recursive locking|inconsistent lock state|Kernel panic|UBSAN:|KASAN:|invoked oom-killer'
taint() { cat /proc/sys/kernel/tainted 2>/dev/null || echo 0; }
klog_lines() { dmesg 2>/dev/null | wc -l; }

export FRAGTEST_BUILD="$BASE_DIR/fragtest"
mod="$BASE_DIR/fragtest/modules/$(uname -r)/fragtest.ko"
if [ -z "${FRAGTEST_MODULE:-}" ] && [ -f "$mod" ]; then
	FRAGTEST_MODULE=$mod
	export FRAGTEST_MODULE
fi
# Lab safety (lab-safety.sh, shared with make run_tests): the runner at
# oom_score_adj -1000, each test in a cgroup v2 with memory.max
# (FRAGTEST_MEMORY_MAX, default 90% of RAM) and memory.oom.group, the
# module's pools freed and changed vm sysctls restored after each test, and
# a watchdog that does the same and unloads the module if the runner dies.
LAB_SAFETY_SH="$BASE_DIR/fragtest/lab-safety.sh"
. "$LAB_SAFETY_SH" || exit 2
if timeout --foreground 5 true 2>/dev/null; then
	run_timeout() { timeout --foreground -k 10 "$@"; }
else
	run_timeout() { timeout "$@"; }	# busybox
fi

n_total=0
for e in $tests; do n_total=$((n_total + 1)); done
echo "TAP version 13"
echo "1..$n_total"
n=0 rc_all=0
tmp=$(mktemp "${TMPDIR:-/tmp}/fragtest-run.XXXXXX") || exit 1
[ $dry = 1 ] || lab_safety_start
trap 'rm -f "$tmp"; lab_safety_stop' EXIT
for e in $tests; do
	n=$((n + 1))
	coll=${e%%:*} test=${e#*:}
	hdr="selftests: $coll: $test"
	secs=$(timeout_of "$coll" "$test")
	if [ $dry = 1 ]; then
		echo "ok $n $hdr # SKIP dry run (timeout ${secs}s)"
		continue
	fi
	echo "# $hdr"
	prog="$BASE_DIR/$coll/$test"
	log_before=$(klog_lines)
	taint_before=$(taint)
	start=$(date +%s)
	if [ ! -x "$prog" ]; then
		echo "# Warning: file $test is missing or not executable"
		rc=127
	else
		# the test's own output, nested; its exit status through a file
		( cd "$BASE_DIR/$coll" || exit 1
		  lab_safety_enter
		  run_timeout "$secs" "./$test" </dev/null
		  echo $? >"$tmp" ) 2>&1 |
		if [ $summary = 1 ] || [ $per_test_log = 1 ]; then
			if [ $per_test_log = 1 ]; then
				tee "$log_dir/$coll:$test.log" 9>&- | sed 's/^/# /' 9>&-
			else
				cat >"$log_dir/$coll:$test.log" 9>&-
			fi
		else
			sed 's/^/# /' 9>&-
		fi
		rc=$(cat "$tmp" 2>/dev/null)
		rc=${rc:-1}
	fi
	elapsed=$(($(date +%s) - start))
	# a killed test leaves its module pools and sysctls behind
	lab_safety_after_test
	# kernel health backstop
	new_taint=$(( $(taint) & ~taint_before & ~allowed_taint ))
	excerpt=$(dmesg 2>/dev/null | tail -n +$((log_before + 1)) | grep -aE -m 5 -A 3 "$health_re")
	health=""
	[ "$new_taint" -ne 0 ] && health="kernel gained taint bits 0x$(printf %x "$new_taint")"
	[ -n "$excerpt" ] && health="${health:+$health; }kernel log reports a problem"
	if [ -n "$health" ]; then
		echo "# health guard: $health"
		[ -n "$excerpt" ] && echo "$excerpt" | sed 's/^/#   /'
		[ "$rc" -eq 0 ] || [ "$rc" -eq 4 ] && rc=1
	fi
	case $rc in
	0) echo "ok $n $hdr # time=${elapsed}s" ;;
	4) echo "ok $n $hdr # SKIP" ;;
	124) echo "not ok $n $hdr # TIMEOUT $secs seconds"; rc_all=1 ;;
	*) echo "not ok $n $hdr # exit=$rc"; rc_all=1 ;;
	esac
done
exit $rc_all
