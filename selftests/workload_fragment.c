// SPDX-License-Identifier: GPL-2.0
/*
 * fragment --until checked on the kernel: on a small VM the default
 * userspace fragmenter drives the stated target and the proof it prints
 * holds; an unreachable condition ends with exit 3 and the best state, at
 * the timeout or, with --stall, once it comes no closer; the workloads it
 * started are stopped and clean up; bad conditions exit 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the harness's own setjmp in TEST_F tests trips this at -O2 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "sysctl.h"
#include "workload_helpers.h"

#define MiB (1ull << 20)
/* The stated target for a 1 GiB VM, where DMA32 holds almost all memory. */
#define TARGET "unusable_index(zone=DMA32,order=4) >= 0.7"

FIXTURE(frag) {
	struct sysctl_saved sysctls;
};

FIXTURE_SETUP(frag)
{
	self->sysctls.nr = 0;
}

FIXTURE_TEARDOWN_PARENT(frag)
{
	sysctl_restore(&self->sysctls);
}

static bool bin_or_skip(char *bin, size_t len)
{
	wlt_bin("fragment", bin, len);
	return access(bin, X_OK) == 0;
}

TEST(check_mode_exit_codes)
{
	char bin[512], out[65536];
	char *yes[] = { bin, "--check", "--until", "free_kb >= 1 && max_free_order >= 0", NULL };
	char *no[] = { bin, "--check", "--until", "free_kb < 0 || max_free_order > 99", NULL };

	if (!bin_or_skip(bin, sizeof(bin)))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(0, wlt_run(yes, out, sizeof(out)));
	EXPECT_TRUE(wlt_json_is(out, "result", "reached"));
	EXPECT_NE(NULL, strstr(out, "\"proof\":"));
	EXPECT_NE(NULL, strstr(out, "\"snapshot\":"));
	EXPECT_EQ(3, wlt_run(no, out, sizeof(out)));
	EXPECT_TRUE(wlt_json_is(out, "result", "not_reached"));
	EXPECT_NE(NULL, strstr(out, "\"best\":"));
}

TEST(bad_conditions_exit_2)
{
	char bin[512], out[4096];
	char *a1[] = { bin, "--until", "unusable_index(zone=Normal) >= 0.9", NULL };
	char *a2[] = { bin, "--until", "nosuch > 1", NULL };
	char *a3[] = { bin, "--until", "free_kb >= 1 &&", NULL };
	char *a4[] = { bin, "--until", "free_kb >= 1", "--run", "no_such_workload", NULL };
	char *a5[] = { bin, "--until", "free_kb >= 1", "--stall", "0", NULL };

	if (!bin_or_skip(bin, sizeof(bin)))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(2, wlt_run(a1, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a2, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a3, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a4, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a5, out, sizeof(out)));
}

TEST_F_TIMEOUT(frag, timeout_reports_best_and_stops_workloads, 300)
{
	char bin[512], out[65536];
	char *argv[] = { bin, "--until", "max_free_order < 0", "--timeout", "5", "--quiet", "--run",
			 "anon_file_mix --total 8M --ratio 1:0 --hold --quiet", NULL };

	if (!bin_or_skip(bin, sizeof(bin)))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(3, wlt_run(argv, out, sizeof(out))) TH_LOG("%.2000s", out);
	EXPECT_TRUE(wlt_json_is(out, "result", "timeout"));
	EXPECT_NE(NULL, strstr(out, "\"best\":"));
	/*
	 * The workload ended on the SIGTERM fragment sent: 0 when it was
	 * already holding, 1 when still filling; never killed or left over.
	 */
	EXPECT_TRUE(strstr(out, "\"exit\":0") || strstr(out, "\"exit\":1")) TH_LOG("%.2000s", out);
	EXPECT_EQ(NULL, strstr(out, "\"exit\":137"));
}

/*
 * A held state whose score never moves ends at --stall, long before the
 * timeout: "stalled" rather than "timeout" proves which limit ended it.
 */
TEST_F_TIMEOUT(frag, stall_ends_a_run_that_comes_no_closer, 300)
{
	char bin[512], out[65536];
	char *argv[] = { bin, "--until", "max_free_order < 0", "--stall", "3", "--timeout", "200",
			 "--quiet", "--run", "anon_file_mix --total 8M --ratio 1:0 --hold --quiet",
			 NULL };

	if (!bin_or_skip(bin, sizeof(bin)))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(3, wlt_run(argv, out, sizeof(out))) TH_LOG("%.2000s", out);
	EXPECT_TRUE(wlt_json_is(out, "result", "stalled")) TH_LOG("%.2000s", out);
	EXPECT_NE(NULL, strstr(out, "\"best\":"));
	EXPECT_EQ(NULL, strstr(out, "\"exit\":137"));
}

/* The recipe holds what it took within seconds: a longer wait only idles. */
TEST_F_TIMEOUT(frag, reaches_target_on_small_vm, 600)
{
	char bin[512], out[65536];
	char *argv[] = { bin, "--until", TARGET, "--timeout", "300", "--floor", "48M", "--quiet",
			 NULL };
	uint64_t total = wlt_meminfo("MemTotal");
	const char *p;

	if (!bin_or_skip(bin, sizeof(bin)))
		SKIP(return, "%.200s is not built", bin);
	/* the default recipe takes all memory above the floor: VMs only */
	if (!total || total > 1536 * MiB || !getenv("FRAGTEST_SCRATCH"))
		SKIP(return, "needs a VM with at most 1.5 GiB (MemTotal %llu MiB)",
		     (unsigned long long)(total / MiB));
	/* kcompactd would migrate the pages around the holes meanwhile */
	ASSERT_EQ(0, sysctl_quiet_compaction(&self->sysctls));
	sync();
	wlt_write_file("/proc/sys/vm/drop_caches", "3");
	wlt_write_file("/proc/sys/vm/compact_memory", "1");
	EXPECT_EQ(0, wlt_run(argv, out, sizeof(out))) TH_LOG("%.3000s", out);
	EXPECT_TRUE(wlt_json_is(out, "result", "reached"));
	p = strstr(out, "\"proof\":");
	ASSERT_NE(NULL, p);
	/* the proof's one term held, with its value */
	EXPECT_NE(NULL, strstr(p, "\"holds\":true"));
	TH_LOG("%.600s", p);
}

TEST_HARNESS_MAIN
