#!/bin/bash
# Tests of scripts/vmtest itself, on real Debian kernels: what it runs, the
# exit statuses bisect relies on (the command's; 125 for a VM failure), and
# the VM features the scenarios need (NUMA nodes, scratch disk, results);
# the runners' lab safety (tests/lab_safety.sh); and scripts/vmtest-repeat.
# Prints TAP and a "# runner totals:" line like scripts/run-suite.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vmtest=$top/scripts/vmtest
kernel=${1:-6.12}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
vm() { "$vmtest" --results "$tmp/r$n" "$@" </dev/null 2>"$tmp/err"; }

echo "TAP version 13"

out=$(vm --kernel 6.1 -- uname -r)
rc=$?
check "uname_6_1_prints_6_1_release" test "$rc" = 0 -a -n "$(echo "$out" | grep -E '^6\.1\.[0-9]+-[0-9]+-amd64$')"

# One boot, three checks (a boot costs 10-40 s under TCG): stdout and
# stderr apart, arguments unchanged (spaces, quotes, $, a newline), and the
# command's exit status.
out=$(vm --kernel "$kernel" -- sh -c 'printf "%s|" "$@"; echo err >&2; exit 7' sh 'a b' "it's" '$HOME' 'x
y')
rc=$?
check "stdout_and_stderr_separate" test "$(grep -c '^err$' "$tmp/err")" = 1 -a -z "$(echo "$out" | grep err)"
check "arguments_arrive_unchanged" test "$out" = 'a b|it'"'"'s|$HOME|x
y|'
check "exit_status_is_the_commands" test $rc = 7

# One boot, five checks. The host's view of the guest's vCPU thread, each
# second: a soft lockup with that thread standing still is the host's stall,
# not the guest's. Pages are not zeroed on allocation in the VM (the
# kernel's own report of it). The guest's CPU has no ERMS or FSRM (its
# kernel then clears pages with rep stosq: see scripts/vmtest). User address
# layouts are not randomized (norandmaps: see scripts/vmtest). And a
# command that fails, false, exits 1.
threads_log=$tmp/r$n/qemu-threads.log
out=$(vm --kernel "$kernel" -- sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done
dmesg | grep -c "mem auto-init:.*heap alloc:off"; grep -cwE "erms|fsrm" /proc/cpuinfo
cat /proc/sys/kernel/randomize_va_space; false')
rc=$?
check "qemu_threads_log_follows_the_vcpu_thread" awk '
	$1 ~ /^[0-9]+\.[0-9]$/ && $2 ~ /\/TCG$|\/KVM$/ {
		sub("utime=", "", $4); n++; if (n == 1) first = $4 + 0; last = $4 + 0 }
	END { exit !(n >= 3 && last > first) }' "$threads_log"
check "init_on_alloc_is_off_in_the_vm" test "$(echo "$out" | sed -n 1p)" = 1
check "no_erms_or_fsrm_in_the_vm" test "$(echo "$out" | sed -n 2p)" = 0
check "no_address_randomization_in_the_vm" test "$(echo "$out" | sed -n 3p)" = 0
check "false_exits_1" test $rc = 1

# A kernel image that cannot boot: zero-filled, with real modules beside it.
kdir=$("$top/scripts/get-kernel" "$kernel" | tail -n1)
mkdir -p "$tmp/bad"
ln -s "$kdir/root" "$tmp/bad/root"
cp "$kdir/release" "$tmp/bad/release"
head -c 8M /dev/zero >"$tmp/bad/vmlinuz"
start=$(date +%s)
vm --kernel "$tmp/bad" --timeout 60 -- true
rc=$?
check "unbootable_image_exits_125_within_timeout" test "$rc" = 125 -a $(($(date +%s) - start)) -le 70

# On timeout the VM itself must be gone: a QEMU left running would hold the
# VM lock and a core for ever (its command line names the results dir).
timed_out_results=$tmp/r$n
vm --kernel "$kernel" --timeout 15 -- sleep 600
rc=$?
sleep 1
check "timeout_exits_125_and_stops_qemu" test "$rc" = 125 -a -z "$(pgrep -f "fragtest.results=$timed_out_results( |$)")"

# Two nodes, a CPU each in its own socket, and no WARN at boot: CPUs of one
# core split over two nodes make topology_sane() WARN and taint the kernel W
# (bit 9) before any test starts, hiding a test's own WARN from the taint check.
# The same boot has a scratch disk: ext4, writable.
out=$(vm --kernel "$kernel" --numa 2 --memory 1G --scratch 256M -- sh -c 'ls -d /sys/devices/system/node/node[0-9]* | wc -l
cat /sys/devices/system/node/node0/cpulist /sys/devices/system/node/node1/cpulist
echo "W=$(($(cat /proc/sys/kernel/tainted) >> 9 & 1))"; dmesg | grep -c "not on the same node" || :
findmnt -n -o FSTYPE /mnt/scratch; echo x > /mnt/scratch/f && cat /mnt/scratch/f')
check "numa_2_gives_two_nodes" test "$(echo "$out" | sed -n 1p)" = 2
check "numa_2_boots_without_warning" test "$(echo "$out" | sed -n 2,5p)" = "0
1
W=0
0"
check "scratch_disk_is_writable_ext4" test "$(echo "$out" | sed -n 6,7p)" = "ext4
x"
"$vmtest" --kernel "$kernel" --numa 2 --cpus 3 -- true </dev/null 2>"$tmp/err"
check "numa_with_cpus_not_a_multiple_exits_2" test $? = 2 -a -n "$(grep -- '--numa 2 wants a CPU count' "$tmp/err")"

# A memoryless node (CPUs, no memory), and a boot's own files under a tag so
# that several boots can share a results directory (VM profiles).
r=$tmp/tagged
mkdir -p "$r"
out=$("$vmtest" --kernel "$kernel" --results "$r" --log-tag prof --numa 2 --numa-no-memory 1 -- \
	cat /sys/devices/system/node/online /sys/devices/system/node/has_memory 2>"$tmp/err" </dev/null)
check "numa_no_memory_gives_a_memoryless_node" test "$out" = "0-1
0"
check "log_tag_names_the_boots_files" test -s "$r/console.prof.log" -a -s "$r/dmesg.prof.log" \
	-a -s "$r/stdout.prof.log" -a ! -e "$r/console.log" -a ! -e "$r/dmesg.log"

# scripts/run-suite parts of one KTAP document (no VM): numbering, no header,
# a part line instead of totals, per-program arguments, the profile suffix.
printf '#!/bin/sh\necho "args:$*"\n' >"$tmp/prog_a"
chmod +x "$tmp/prog_a"
out=$(FRAGTEST_PROFILE=p2 "$top/scripts/run-suite" --first 3 --plan none --part \
	--harness-args prog_a=-V,x "$tmp/prog_a" | sed 's/ # time=.*//')
check "run_suite_part_of_a_document" test "$out" = "# selftests: fragtest: prog_a@p2
# arguments: -V x
# args:-V x
ok 3 selftests: fragtest: prog_a@p2
# part fragtest: pass:1 fail:0 skip:0"

r=$tmp/results
mkdir -p "$r"
"$vmtest" --quiet --kernel "$kernel" --results "$r" -- sh -c 'echo hello > "$FRAGTEST_RESULTS/from-guest"' </dev/null 2>/dev/null
check "results_dir_gets_console_dmesg_and_guest_files" test -s "$r/console.log" -a -s "$r/dmesg.log" -a "$(cat "$r/from-guest" 2>/dev/null)" = hello

# Static keys and tracepoints are patched while other vCPUs run the patched
# code (every scenario toggles kmem tracepoints): the VM must survive that.
# QEMU 7.2's multi-threaded TCG does not; see tests/text_poke_stress.sh.
out=$(vm --kernel "$kernel" --timeout 300 -- "$top/tests/text_poke_stress.sh" 30)
rc=$?
rounds=$(echo "$out" | sed -n 's/^text_poke_stress: \([0-9]*\) rounds$/\1/p')
if [[ $rc == 0 && ${rounds:-0} -ge 10 ]]; then
	ok "cross_modifying_code_survives"
else
	not_ok "cross_modifying_code_survives" "exit $rc after ${rounds:-no} rounds of tracepoint toggles" \
		"$(grep -a -m1 -E 'Oops|soft lockup|rcu_.* detected stalls' "$tmp/r$((n))/console.log" 2>/dev/null)"
fi

# The suite's health guard: a program that passes but leaves a kernel
# warning in the log fails (a userspace-written line stands in for one).
# And, in the same boot, a harness timeout leaves what runs and waits after
# the kill, on stdout and in the kernel log (a program printing the
# harness's line stands in).
out=$(vm --kernel "$kernel" -- sh -c 'p=/tmp/warns; printf "#!/bin/sh\necho \"WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:1 fake\" > /dev/kmsg\n" > $p; chmod +x $p
	scripts/run-suite $p; echo "rc=$?"
	p=/tmp/hangs; printf "#!/bin/sh\necho \"# hangs: Test terminated by timeout\"\nexit 1\n" > $p; chmod +x $p
	scripts/run-suite $p; dmesg | grep -c "Show backtrace of all active CPUs"')
warned=$(echo "$out" | sed '/^rc=/q')
check "health_guard_fails_a_test_that_warned" test -n "$(echo "$warned" | grep -E '^not ok 1 selftests: fragtest: warns')" -a -n "$(echo "$warned" | grep -E '^rc=1$')" -a -n "$(echo "$warned" | grep -E 'health guard: kernel log reports a problem')"
hung=$(echo "$out" | sed '1,/^rc=/d')
check "harness_timeout_leaves_evidence" test -n "$(echo "$hung" | grep -E '^# hangs: harness timeout; tasks running')" \
	-a -n "$(echo "$hung" | grep -E '^#   +PID +STAT')" -a "$(echo "$hung" | tail -n1)" -ge 1

# Lab safety of both runners: kill -9 each one mid-test (tests/lab_safety.sh).
out=$("$top/tests/lab_safety.sh" "$kernel" 2>&1)
if [[ $? -eq 0 ]]; then
	ok "lab_safety_watchdog_cleans_up_after_killed_runners"
else
	mapfile -t lines < <(echo "$out" | grep -E '^not ok|^# ')
	not_ok "lab_safety_watchdog_cleans_up_after_killed_runners" "${lines[@]}"
fi

# scripts/vmtest-repeat's tally, with a stand-in for make: per kernel, run 2
# of 3 is red (a failed test on 6.1; exit 125, no totals, on 6.12); and a
# TERM mid-run stops both lanes, leaving none of their processes.
mkdir -p "$tmp/stub"
cat >"$tmp/stub/make" <<'STUB'
#!/bin/bash
for a; do case $a in KERNEL=*) k=${a#KERNEL=} ;; esac; done
[[ " $* " == *" vmtest "* ]] || exit 0
i=$(($(cat "$STUB_DIR/$k" 2>/dev/null || echo 0) + 1))
echo $i >"$STUB_DIR/$k"
sleep "${STUB_SLEEP:-0.2}"
echo "vmtest-suite: rel-$k: results in /r/$k/$i" >&2
if [[ $i == 2 && $k == 6.12 ]]; then exit 125; fi
if [[ $i == 2 ]]; then
	echo "not ok 2 selftests: fragtest: prog_b # time=1s"
	echo "# selftests totals: pass:1 fail:1 skip:0"
	exit 1
fi
echo "# selftests totals: pass:2 fail:0 skip:1"
STUB
chmod +x "$tmp/stub/make"
mkdir -p "$tmp/rep1"
out=$(PATH=$tmp/stub:$PATH STUB_DIR=$tmp/rep1 "$top/scripts/vmtest-repeat" -n 3 --logs "$tmp/rep1" 6.12 6.1 2>/dev/null)
rc=$?
tsv=$(sort "$tmp/rep1/runs.tsv" | cut -f1-6,8,9)
check "vmtest_repeat_counts_green_and_red_runs" test "$rc" = 1 \
	-a -n "$(echo "$out" | grep -xF 'vmtest-repeat: 6.1: 3 runs, 2 green, 1 red')" \
	-a -n "$(echo "$out" | grep -xF 'vmtest-repeat: 6.12: 3 runs, 2 green, 1 red')" \
	-a "$tsv" = "$(printf '%s\t' 6.1 1 green 2 0 1 /r/6.1/1; echo -)
$(printf '%s\t' 6.1 2 red 1 1 0 /r/6.1/2; echo prog_b)
$(printf '%s\t' 6.1 3 green 2 0 1 /r/6.1/3; echo -)
$(printf '%s\t' 6.12 1 green 2 0 1 /r/6.12/1; echo -)
$(printf '%s\t' 6.12 2 red 0 0 0 /r/6.12/2; echo -)
$(printf '%s\t' 6.12 3 green 2 0 1 /r/6.12/3; echo -)
kernel$(printf '\t%s' run result pass fail skip results failed)"
mkdir -p "$tmp/rep2"
PATH=$tmp/stub:$PATH STUB_DIR=$tmp/rep2 STUB_SLEEP=300 "$top/scripts/vmtest-repeat" -n 3 --logs "$tmp/rep2" 6.12 6.1 >/dev/null 2>&1 &
pid=$!
# both lanes running (they start after a get-kernel per kernel, seconds each under load)
for _ in $(seq 600); do [[ $(cat "$tmp/rep2/6.1" "$tmp/rep2/6.12" 2>/dev/null | wc -l) == 2 ]] && break; sleep 0.1; done
kill -TERM $pid
wait $pid
rc=$?
sleep 0.5
check "vmtest_repeat_term_stops_both_lanes" test "$rc" = 143 -a "$(cat "$tmp/rep2/6.1" "$tmp/rep2/6.12" 2>/dev/null | wc -l)" = 2 \
	-a -z "$(pgrep -f "sleep 300$")"

# the plan last (TAP allows it): counted, so it cannot drift from the tests
echo "1..$n"
echo "# runner totals: pass:$pass fail:$fail skip:0"
[[ $fail -eq 0 ]]
