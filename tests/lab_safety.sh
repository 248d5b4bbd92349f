#!/bin/bash
# Lab safety of both runners (scripts/lab-safety.sh), in a VM of a real
# kernel: scripts/run-suite (make run_tests) and an installed
# run_kselftest.sh each run a stand-in test that loads the helper module,
# holds 64 MiB in a pool with its ctl file open, changes a vm sysctl and
# puts kswapd0 on CPU 0 at SCHED_IDLE (as the scenarios do during a try).
# While it runs: the runner is at oom_score_adj -1000, the test at 0 in the
# runner's cgroup with memory.max and memory.oom.group set. Then the runner
# is killed (run-suite with SIGKILL, run_kselftest.sh with SIGTERM); the
# watchdog must kill the test, free the pools, unload the module, restore
# the sysctl and kswapd0's CPUs and policy and remove the cgroup.
#
# usage: tests/lab_safety.sh [KERNEL]   (default 6.12; TAP on stdout)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:-6.12}
build=${BUILD:-build}
[[ $build == /* ]] || build=$top/$build

kdir=$("$top/scripts/get-kernel" "$kernel" | tail -n 1) || exit 125
rel=$(<"$kdir/release")
make -s -C "$top" BUILD="$build" KDIR="$kdir/kdir" all >&2 || exit 1
ko=$build/modules/$rel/fragtest.ko
[[ -f $ko ]] || { echo "lab_safety: $ko not built" >&2; exit 1; }

# under build/: the guest sees the host's tree (read-only) but has its own /tmp
work=$(mktemp -d "$build/lab-safety.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/results"

# The guest's part: runs as root in the VM, prints TAP lines.
cat >"$work/guest.sh" <<'EOF'
#!/bin/bash
set -u
top=$1 ko=$2 work=$FRAGTEST_RESULTS
n=0 pass=0 fail=0
check() {	# check NAME CMD...
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then pass=$((pass + 1)); echo "ok $n $name"
	else fail=$((fail + 1)); echo "not ok $n $name"; fi
}
wait_for() {	# wait_for SECS CMD...: until CMD succeeds
	local i=0 max=$(($1 * 5))
	shift
	while ! "$@"; do
		i=$((i + 1))
		[[ $i -ge $max ]] && return 1
		sleep 0.2
	done
}
# free pages including the per-cpu lists, which keep freed order-9 pages
# too (6.1): "pages free" and every pageset's "count:" in /proc/zoneinfo
free_pages() { awk '$1 == "pages" && $2 == "free" { n += $3 } $1 == "count:" { n += $2 } END { print n }' /proc/zoneinfo; }

# the stand-in test: module loaded, 32 x order 9 held, ctl kept open, a
# sysctl changed, then it waits to be killed
cat >"$work/holder" <<HOLDER
#!/bin/bash
insmod $ko || exit 1
echo 1 >/proc/sys/vm/watermark_boost_factor
taskset -pc 0 \$(pgrep -x kswapd0) >/dev/null || exit 1
chrt -i -p 0 \$(pgrep -x kswapd0) || exit 1
exec 3<>/sys/kernel/debug/fragtest/ctl
echo "alloc order=9 count=32 hold=held" >&3
echo \$\$ >$work/holder.pid
exec sleep 600
HOLDER
chmod +x "$work/holder"

# an installed tree with the stand-in as its only test
inst=$work/inst
mkdir -p "$inst/fragtest"
cp "$top/scripts/run_kselftest.sh" "$inst/"
cp "$top/scripts/lab-safety.sh" "$inst/fragtest/"
cp "$work/holder" "$inst/fragtest/holder"
echo "fragtest:holder" >"$inst/kselftest-list.txt"

boost=$(cat /proc/sys/vm/watermark_boost_factor)
kswapd=$(pgrep -x kswapd0)
kswapd_cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$kswapd/status)
for runner in run-suite run_kselftest; do
	rm -f "$work/holder.pid"
	base=$(free_pages)
	if [[ $runner == run-suite ]]; then
		"$top/scripts/run-suite" --name lab "$work/holder" >"$work/$runner.out" 2>&1 &
	else
		"$inst/run_kselftest.sh" >"$work/$runner.out" 2>&1 &
	fi
	rpid=$!
	check "${runner}_test_started" wait_for 20 test -s "$work/holder.pid"
	hpid=$(cat "$work/holder.pid" 2>/dev/null)
	hpid=${hpid:-0}
	cg=/sys/fs/cgroup/fragtest-$rpid
	check "${runner}_runner_oom_score_adj_-1000" test "$(cat /proc/$rpid/oom_score_adj)" = -1000
	check "${runner}_test_oom_score_adj_0" test "$(cat /proc/$hpid/oom_score_adj 2>/dev/null)" = 0
	check "${runner}_test_in_runner_cgroup" test "$(cat /proc/$hpid/cgroup 2>/dev/null)" = "0::/fragtest-$rpid"
	max=$(cat "$cg/memory.max" 2>/dev/null)
	mem=$(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) * 1024))
	# the kernel rounds memory.max down to whole pages
	check "${runner}_memory_max_90pct" test -n "$max" -a "${max:-0}" = $((mem / 10 * 9 / 4096 * 4096))
	check "${runner}_oom_group_set" test "$(cat "$cg/memory.oom.group" 2>/dev/null)" = 1
	held=$(free_pages)
	check "${runner}_pool_held" test $((base - held)) -ge $((32 * 512 * 3 / 4))

	# SIGKILL for one runner, SIGTERM (a lab's stop request) for the other
	if [[ $runner == run-suite ]]; then kill -KILL "$rpid"; else kill -TERM "$rpid"; fi
	check "${runner}_watchdog_unloads_module" wait_for 20 test ! -d /sys/module/fragtest
	check "${runner}_test_killed" test ! -d "/proc/$hpid"
	check "${runner}_cgroup_removed" wait_for 5 test ! -d "$cg"
	check "${runner}_sysctl_restored" test "$(cat /proc/sys/vm/watermark_boost_factor)" = "$boost"
	check "${runner}_kswapd_cpus_restored" test \
		"$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$kswapd/status)" = "$kswapd_cpus"
	check "${runner}_kswapd_policy_restored" sh -c "chrt -p $kswapd | grep -q SCHED_OTHER"
	# the pool's 32 x 512 pages are free again (per-cpu lists move a little)
	check "${runner}_memory_back" test $(($(free_pages) - held)) -ge $((32 * 512 * 3 / 4))
	check "${runner}_kernel_log_says_so" wait_for 5 sh -c \
		"dmesg | grep -q 'fragtest-watchdog: runner $rpid died; test processes killed, module pools freed and module unloaded; restored: vm.watermark_boost_factor=$boost'"
	echo "# $runner: free+pcp pages $base before, $held held, $(free_pages) after"
	[[ $fail -eq 0 ]] || { echo "$runner output:"; cat "$work/$runner.out"; dmesg | grep fragtest-watchdog; }
done
echo "# guest totals: pass:$pass fail:$fail"
EOF
chmod +x "$work/guest.sh"

start=$(date +%s)
out=$("$top/scripts/vmtest" --kernel "$kdir" --results "$work/results" \
	-- "$work/guest.sh" "$top" "$ko" </dev/null 2>"$work/stderr")
rc=$?
echo "TAP version 13"
echo "$out" | grep -E '^(not )?ok ' | sed -E 's/^(not )?ok [0-9]+ //' >"$work/names"
echo "1..$(wc -l <"$work/names")"
echo "$out" | grep -E '^(not )?ok |^# (run-suite|run_kselftest):'
pass=$(echo "$out" | grep -cE '^ok ')
fail=$(echo "$out" | grep -cE '^not ok ')
if [[ $fail -ne 0 ]]; then
	echo "# the guest's output:"
	echo "$out" | grep -vE '^(not )?ok ' | sed 's/^/#   /' | tail -n 40
fi
if [[ $rc -ne 0 || $((pass + fail)) -eq 0 ]]; then
	echo "# the VM run failed (exit $rc):"
	sed 's/^/#   /' "$work/stderr" | tail -n 20
	fail=$((fail + 1))
fi
echo "# lab safety on $rel: $(($(date +%s) - start)) s in the VM"
echo "# lab totals: pass:$pass fail:$fail skip:0"
[[ $fail -eq 0 ]]
