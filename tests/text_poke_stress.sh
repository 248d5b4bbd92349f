#!/bin/bash
# Guest side of the runner test "cross_modifying_code_survives": toggles
# tracepoints in the page and slab allocators (each toggle patches the jump
# label NOPs in __alloc_pages and kmalloc through int3, text_poke_bp) while
# both vCPUs allocate pages. That is what every scenario does through its
# private tracefs instance, and what the installed runner's first memory
# cgroup does to memcg_kmem_online_key. An emulator that lets one vCPU run
# code another has just patched kills the guest here within seconds.
# usage: text_poke_stress.sh [SECONDS]; prints "text_poke_stress: N rounds".
set -u
secs=${1:-30}
[[ $secs =~ ^[0-9]+$ ]] || { echo "text_poke_stress: SECONDS must be a number" >&2; exit 2; }
t=/sys/kernel/tracing
if [[ ! -d $t/events ]]; then
	mount -t tracefs nodev "$t" || exit 1
fi
events=(kmem/mm_page_alloc kmem/kmalloc kmem/mm_page_free)
for e in "${events[@]}"; do
	[[ -w $t/events/$e/enable ]] || { echo "text_poke_stress: no event $e" >&2; exit 1; }
done
declare -A was_on
for e in "${events[@]}"; do
	was_on[$e]=$(<"$t/events/$e/enable")
	was_on[$e]=${was_on[$e]:0:1}
done
scratch=$(mktemp -d) || exit 1
loops=()
# also on an early exit: stop the loops, put the events back as they were
cleanup() {
	((${#loops[@]})) && kill "${loops[@]}" 2>/dev/null
	wait
	for e in "${events[@]}"; do
		echo "${was_on[$e]}" >"$t/events/$e/enable"
	done
	rm -rf "$scratch"
}
trap cleanup EXIT
end=$(($(date +%s) + secs))
# page allocations on the other vCPU: shmem pages written and freed, and
# page cache faults from short-lived processes
(while (($(date +%s) < end)); do head -c 64M /dev/zero >"$scratch/blob"; rm -f "$scratch/blob"; done) &
loops+=($!)
(while (($(date +%s) < end)); do sed -n 1p /proc/meminfo >/dev/null; done) &
loops+=($!)
rounds=0
while (($(date +%s) < end)); do
	for e in "${events[@]}"; do
		echo 1 >"$t/events/$e/enable" && echo 0 >"$t/events/$e/enable" || exit 1
	done
	rounds=$((rounds + 1))
	# progress in the console: how far a guest that dies got
	((rounds % 10)) || echo "text_poke_stress: round $rounds" >/dev/kmsg
done
echo "text_poke_stress: $rounds rounds"
