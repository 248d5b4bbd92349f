#!/bin/bash
# make install, then the installed tree: it is relocatable, lists one
# fragtest:<test> per selftests/*.c, takes the kernel runner's options and
# prints KTAP that Linaro's parser turns into fragtest.<test> results. With
# --vm KERNEL the installed copy also runs inside a VM of that kernel, with
# FRAGTEST_RESULTS set: one test of each kind of file the installed tests
# find beside them (the CLI, a workload, the module, a scenario's tracing),
# and each must pass. Every test runs in make vmtest already; running them
# all a third time from the installed tree took 25 min of a slow CPU.
# Prints TAP and a "# runner totals:" line like scripts/run-suite.
#
# usage: tests/install_kselftest.sh [--vm 6.12|6.1]
# env:   BUILD (default build), KSRC
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
vm=""
[[ ${1:-} == --vm ]] && vm=${2:?--vm needs a kernel}
# Under build/, not /tmp: a fragtest VM sees the host's files but has a /tmp
# of its own, and the installed tree must be visible inside it.
mkdir -p "$top/build"
tmp=$(mktemp -d "$top/build/install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0 skip=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

echo "TAP version 13"
echo "1..8"

kdir_args=()
if [[ -n $vm ]]; then
	kdir=$("$top/scripts/get-kernel" "$vm" | tail -n 1) || exit 1
	kdir_args=(KDIR="$kdir/kdir")
fi
make -s -C "$top" BUILD="$build" ${KSRC:+KSRC="$KSRC"} "${kdir_args[@]}" install \
	INSTALL_PATH="$tmp/inst" >"$tmp/make.log" 2>&1
check make_install test $? = 0 -a -x "$tmp/inst/run_kselftest.sh" -a -f "$tmp/inst/kselftest-list.txt"

# relocatable: use it from somewhere else
mv "$tmp/inst" "$tmp/moved"
inst=$tmp/moved
want=$(cd "$top/selftests" && ls ./*.c | sed 's|^\./|fragtest:|; s|\.c$||' | sort)
check list_is_every_selftest test "$("$inst/run_kselftest.sh" -l | sort)" = "$want"
check settings_have_timeouts test -z "$(for t in $want; do
	grep -qE '^timeout=[0-9]+$' "$inst/fragtest/${t#fragtest:}.settings" || echo "$t"; done)"
"$inst/run_kselftest.sh" -d >"$tmp/dry"
check dry_run_names_all test "$(grep -c '^ok [0-9]* selftests: fragtest: .* # SKIP dry run' "$tmp/dry")" = \
	"$(echo "$want" | wc -l)"
"$inst/run_kselftest.sh" -t nosuch:test >/dev/null 2>&1
check unknown_test_is_usage_error test $? = 2

"$inst/run_kselftest.sh" -t fragtest:snapshot_invariants >"$tmp/one" 2>&1
rc=$?
check one_test_runs test $rc = 0 -a "$(grep -c '^ok 1 selftests: fragtest: snapshot_invariants' "$tmp/one")" = 1
# what Linaro's parse_output() keys on: a "# selftests: C: T" header and
# results whose names are "selftests: C: T" or nested case names
check ktap_for_linaro_parser test "$(grep -c '^# selftests: fragtest: snapshot_invariants$' "$tmp/one")" = 1 \
	-a "$(grep -cE '^# ok [0-9]+ global\.' "$tmp/one")" -gt 0

if [[ -z $vm ]]; then
	n=$((n + 1)); skip=$((skip + 1))
	echo "ok $n installed_tree_in_vm # SKIP no --vm KERNEL given"
else
	mkdir -p "$tmp/results"
	in_vm=(snapshot_invariants workload_watch module_bad_input order4_kmalloc_comp_fragmented)
	"$top/scripts/vmtest" --kernel "$vm" --results "$tmp/results" --memory 1G --cpus 2 \
		--scratch 2G -- sh -c "cp -a $inst /tmp/k && cd /tmp/k && ./run_kselftest.sh -l >/dev/null && FRAGTEST_RESULTS=$tmp/results ./run_kselftest.sh $(printf -- '-t fragtest:%s ' "${in_vm[@]}")" \
		</dev/null >"$tmp/vm.log" 2>&1
	rc=$?
	# kept for a look with a lab's parser (the tree itself is removed), and
	# the guest's console, where a kernel oops is (the VM's results go too)
	mkdir -p "$top/results" && cp "$tmp/vm.log" "$top/results/installed-tree-$vm.log"
	cp "$tmp/results/console.log" "$top/results/installed-tree-$vm.console.log" 2>/dev/null
	passed=$(grep -cE '^ok [0-9]+ selftests: fragtest: [a-z0-9_]+ # time=' "$tmp/vm.log")
	if [[ $rc -eq 0 && $passed -eq ${#in_vm[@]} ]]; then
		ok installed_tree_in_vm
	else
		not_ok installed_tree_in_vm "vmtest exit $rc, $passed of ${#in_vm[@]} passed" \
			"$(tail -n 5 "$tmp/vm.log")"
	fi
	grep -E '^(not )?ok [0-9]+ selftests: fragtest: ' "$tmp/vm.log" | sed 's/^/#   /'
fi
echo "# runner totals: pass:$pass fail:$fail skip:$skip"
[[ $fail -eq 0 ]]
