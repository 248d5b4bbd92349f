// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: cases that pass, fail, abort, crash, skip and die by their
 * expected signal, for tests/test_case_results.c to check the result file
 * selftests/case_results.h writes for each. Run by hand it exits 1.
 */
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../selftests/case_results.h"

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(demo) {
	int unused;
};

FIXTURE_SETUP(demo)
{
	ftr_param_int(ft_case_run(), "from_setup", 7);
}

/* runs in the harness's parent process, after the case child is gone */
FIXTURE_TEARDOWN_PARENT(demo)
{
}

TEST_F(demo, records_and_passes)
{
	struct ftr_latency lat = { .name = "order3", .attempts = 4, .successes = 3, .failures = 1 };
	uint64_t ns[] = { 1000, 2000, 3000, 4000 };

	ftr_param_str(ft_case_run(), "gfp", "GFP_ATOMIC");
	ftr_metric(ft_case_run(), "rate", 75, "%", FTR_HIGHER);
	ftr_latency_from_samples(&lat, ns, 4);
	ftr_latency(ft_case_run(), &lat);
	if (!access("/proc/buddyinfo", R_OK)) {
		ftr_timeline_sample(ft_case_run());
		ftr_timeline_sample(ft_case_run());
		/* the file's snapshots are the ones taken at these moments */
		ftr_metric(ft_case_run(), "mono_before_snapshots", mono_now(), "s", FTR_NEUTRAL);
		ASSERT_EQ(0, ftr_snapshot_now(ft_case_run(), false));
		ASSERT_EQ(0, ftr_snapshot_now(ft_case_run(), true));
		ftr_metric(ft_case_run(), "mono_after_snapshots", mono_now(), "s", FTR_NEUTRAL);
		usleep(100000);	/* ftr_end() must not take an after snapshot of its own */
	}
}

TEST_F(demo, expect_fails)
{
	EXPECT_EQ(1, 2);
	ftr_metric(ft_case_run(), "after_expect", 1, "", FTR_NEUTRAL);
}

TEST_F(demo, assert_aborts)
{
	ftr_metric(ft_case_run(), "before_assert", 1, "", FTR_NEUTRAL);
	ASSERT_EQ(1, 2);
	ftr_metric(ft_case_run(), "after_assert", 1, "", FTR_NEUTRAL);
}

TEST_F(demo, skips)
{
	SKIP(return, "nothing to see");
}

TEST(crashes)
{
	raise(SIGSEGV);
}

TEST_SIGNAL(dies_by_its_signal, SIGUSR1)
{
	raise(SIGUSR1);
}

TEST_HARNESS_MAIN
