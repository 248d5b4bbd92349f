# SPDX-License-Identifier: GPL-2.0
# Lab safety for the suite's runners, sourced by scripts/run-suite (make
# run_tests) and by the installed run_kselftest.sh: one implementation.
# POSIX sh (dash, busybox ash) since the installed runner is /bin/sh.
#
#   lab_safety_start        in the runner, once: the runner's oom_score_adj
#                           -1000 (the pressure the tests create must not
#                           kill it), a cgroup v2 for the tests with
#                           memory.max (FRAGTEST_MEMORY_MAX bytes, default
#                           90% of RAM) and memory.oom.group (an OOM kills
#                           the whole test, not the machine's services), the
#                           vm sysctls the suite changes saved, and a watchdog
#                           in its own session
#   lab_safety_enter        in the subshell that execs a test: join the
#                           cgroup, oom_score_adj back to 0
#   lab_safety_after_test   in the runner after each test: free the helper
#                           module's pools, put back any saved sysctl the test
#                           left changed (a harness timeout kills a test
#                           before its FIXTURE_TEARDOWN_PARENT restores them)
#   lab_safety_stop         at the runner's exit (an EXIT trap): stop the
#                           watchdog, kill what is left in the cgroup, free
#                           the pools, restore the sysctls, remove the cgroup
#
# The runners trap EXIT only: a trapped SIGINT or SIGTERM would wait until
# the running test ends (a shell runs traps after its foreground command),
# so a lab's stop request would hang. The watchdog blocks on a FIFO only
# the runner holds open (fd 9; polls every 5 s where no FIFO can be made).
# When the runner is gone without lab_safety_stop (SIGKILL, or a
# signal that ended the shell without its EXIT trap, as dash does), it
# kills what is left in the test cgroup, frees the module's pools and
# unloads the module, restores the saved sysctls, removes the cgroup and
# says so in the kernel log ("fragtest-watchdog: ..."). Everything here is
# best effort: without root or cgroup v2 the tests run as before,
# unprotected.

LAB_CTL=/sys/kernel/debug/fragtest/ctl
# sysctls a test may change (lib/sysctl in the scenarios, knobs in the module tests)
LAB_SYSCTLS="min_free_kbytes watermark_boost_factor watermark_scale_factor \
compaction_proactiveness extfrag_threshold compact_unevictable_allowed \
percpu_pagelist_high_fraction lowmem_reserve_ratio"
lab_cg="" lab_saved="" lab_wd="" lab_fifo=""

lab_log() {	# to the kernel log, where a lab's console capture sees it
	[ -w /dev/kmsg ] && echo "fragtest-watchdog: $*" >/dev/kmsg 2>/dev/null
	return 0
}

# The CPUs a task may run on, as /proc/PID/status lists them.
lab_cpus_of() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null; }
# Its scheduling policy (0 SCHED_OTHER, 5 SCHED_IDLE): /proc/PID/stat's 41st field.
lab_policy_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f39; }

# Also the CPUs and policy of kswapd and kcompactd, which the scenarios put
# on their own CPU at SCHED_IDLE during a try (lib/kthread_cpu.h): lines
# "@cpus PID NAME LIST POLICY".
lab_sysctls_save() {
	lab_saved=$(mktemp "${TMPDIR:-/tmp}/fragtest-sysctl.XXXXXX") || { lab_saved=""; return 0; }
	for s in $LAB_SYSCTLS; do
		[ -w "/proc/sys/vm/$s" ] || continue
		printf '%s %s\n' "$s" "$(tr -s '\t ' '  ' <"/proc/sys/vm/$s")" >>"$lab_saved"
	done
	for d in /proc/[0-9]*; do
		read -r c 2>/dev/null <"$d/comm" || continue
		case $c in kswapd*|kcompactd*) ;; *) continue ;; esac
		l=$(lab_cpus_of "${d#/proc/}")
		p=$(lab_policy_of "${d#/proc/}")
		[ -n "$l" ] && [ -n "$p" ] &&
			printf '@cpus %s %s %s %s\n' "${d#/proc/}" "$c" "$l" "$p" >>"$lab_saved"
	done
}

# lab_cpus_restore PID NAME LIST POLICY: when PID is still NAME and was
# changed (chrt puts back SCHED_OTHER, the kernel's policy for these threads).
lab_cpus_restore() {
	read -r c 2>/dev/null <"/proc/$1/comm" || return 0
	[ "$c" = "$2" ] || return 0
	now=$(lab_policy_of "$1")
	if [ "$4" = 0 ] && [ "$now" != 0 ] && command -v chrt >/dev/null 2>&1; then
		chrt -o -p 0 "$1" >/dev/null 2>&1 && echo "$2 policy SCHED_OTHER (was $now)"
	fi
	now=$(lab_cpus_of "$1")
	[ "$now" = "$3" ] && return 0
	command -v taskset >/dev/null 2>&1 || return 0
	taskset -pc "$3" "$1" >/dev/null 2>&1 && echo "$2 cpus $3 (was $now)"
}

# Writes back every saved value that differs now; names what it restored.
lab_sysctls_restore() {
	[ -n "$lab_saved" ] && [ -r "$lab_saved" ] || return 0
	while read -r s v; do
		if [ "$s" = "@cpus" ]; then
			# shellcheck disable=SC2086 # PID NAME LIST POLICY
			lab_cpus_restore $v
			continue
		fi
		now=$(tr -s '\t ' '  ' <"/proc/sys/vm/$s" 2>/dev/null)
		[ "$now" = "$v" ] && continue
		echo "$v" >"/proc/sys/vm/$s" 2>/dev/null && echo "vm.$s=$v (was $now)"
	done <"$lab_saved"
}

lab_free_pools() {
	[ -w "$LAB_CTL" ] && echo "free all" >"$LAB_CTL" 2>/dev/null
	return 0
}

# Kill every process of the test cgroup and wait until it is empty (10 s).
lab_cg_empty() {
	[ -n "$lab_cg" ] && [ -d "$lab_cg" ] || return 0
	i=0
	while [ $i -lt 50 ]; do
		[ -e "$lab_cg/cgroup.kill" ] && echo 1 >"$lab_cg/cgroup.kill" 2>/dev/null
		procs=$(cat "$lab_cg/cgroup.procs" 2>/dev/null)
		[ -z "$procs" ] && return 0
		# shellcheck disable=SC2086 # one pid per word
		kill -9 $procs 2>/dev/null
		sleep 0.2 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	return 1
}

# The watchdog's work once the runner died.
lab_rescue() {
	lab_cg_empty || lab_log "processes left in $lab_cg: $(cat "$lab_cg/cgroup.procs" 2>/dev/null | tr '\n' ' ')"
	lab_free_pools
	if [ -d /sys/module/fragtest ]; then
		i=0
		# an open ctl file holds a module reference until its process is reaped
		while [ -d /sys/module/fragtest ] && [ $i -lt 20 ]; do
			rmmod fragtest 2>/dev/null || sleep 0.5 2>/dev/null || sleep 1
			i=$((i + 1))
		done
	fi
	restored=$(lab_sysctls_restore | tr '\n' ' ')
	[ -n "$lab_cg" ] && rmdir "$lab_cg" 2>/dev/null
	if [ -d /sys/module/fragtest ]; then
		lab_log "runner $1 died; pools freed, module still loaded; restored: ${restored:-nothing}"
	else
		lab_log "runner $1 died; test processes killed, module pools freed and module unloaded; restored: ${restored:-nothing}"
	fi
	[ -n "$lab_saved" ] && rm -f "$lab_saved"
}

lab_safety_start() {
	echo -1000 >/proc/self/oom_score_adj 2>/dev/null
	lab_cg=""
	if [ -w /sys/fs/cgroup/cgroup.subtree_control ] &&
	   grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null &&
	   mkdir "/sys/fs/cgroup/fragtest-$$" 2>/dev/null; then
		lab_cg=/sys/fs/cgroup/fragtest-$$
		echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
		mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
		echo "${FRAGTEST_MEMORY_MAX:-$((mem_kb * 1024 / 10 * 9))}" >"$lab_cg/memory.max" 2>/dev/null
		echo 1 >"$lab_cg/memory.oom.group" 2>/dev/null
	fi
	lab_sysctls_save
	runner=$$
	# own session: a signal to the runner's process group does not reach it
	if command -v setsid >/dev/null 2>&1; then lab_detach=setsid; else lab_detach=""; fi
	# The watchdog waits without doing anything: it reads a FIFO whose only
	# writer is the runner's fd 9, and EOF comes when the runner is gone.
	# Polling (a `sleep 1` a second) forked and exited a process every
	# second in the middle of the tests' fragmented states, freeing pages
	# between a drain and the try that depends on it.
	lab_fifo=$(mktemp -u "${TMPDIR:-/tmp}/fragtest-watchdog.XXXXXX")
	if mkfifo -m 600 "$lab_fifo" 2>/dev/null; then
		exec 9<>"$lab_fifo"	# read-write: opening does not wait for a reader
		wait_runner='exec 9>&- 3<"$5"; rm -f "$5"; read -r _ <&3'
	else
		lab_fifo=""
		wait_runner='while kill -0 "$1" 2>/dev/null; do sleep 5; done'
	fi
	$lab_detach sh -c '
		trap "" INT HUP
		'"$wait_runner"'
		. "$2"
		lab_cg=$3 lab_saved=$4
		lab_rescue "$1"' lab-watchdog "$runner" "$LAB_SAFETY_SH" "$lab_cg" "$lab_saved" \
		"$lab_fifo" </dev/null >/dev/null 2>&1 &
	lab_wd=$!
}

# The runner's own commands that outlive a moment (the pipeline that
# carries a test's output) close fd 9 too: `cmd 9>&-`.
lab_safety_enter() {
	exec 9>&-	# the watchdog's FIFO: only the runner may hold it
	[ -n "$lab_cg" ] && echo 0 >"$lab_cg/cgroup.procs" 2>/dev/null
	echo 0 >/proc/self/oom_score_adj 2>/dev/null
	return 0
}

lab_safety_after_test() {
	lab_free_pools
	restored=$(lab_sysctls_restore | tr '\n' ' ')
	[ -n "$restored" ] && echo "# lab safety: restored ${restored% }"
	return 0
}

lab_safety_stop() {
	[ -n "$lab_wd" ] && kill "$lab_wd" 2>/dev/null
	exec 9>&-
	lab_cg_empty
	lab_free_pools
	lab_sysctls_restore >/dev/null
	[ -n "$lab_cg" ] && rmdir "$lab_cg" 2>/dev/null
	[ -n "$lab_saved" ] && rm -f "$lab_saved"
	[ -n "$lab_fifo" ] && rm -f "$lab_fifo"	# if the watchdog had not opened it yet
	lab_wd="" lab_cg="" lab_saved="" lab_fifo=""
	return 0
}
