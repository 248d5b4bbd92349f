// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the per-test result file and the health guard's matching:
 * a result written on this machine reads back with the documented keys
 * (docs/results.md), latency percentiles and histograms add up, names that
 * would escape the results directory are tamed.
 */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "health.h"
#include "json_read.h"
#include "results.h"

TEST(problem_lines)
{
	EXPECT_TRUE(health_line_is_problem("WARNING: CPU: 1 PID: 9 at mm/page_alloc.c:4400"));
	EXPECT_TRUE(health_line_is_problem("BUG: unable to handle page fault for address"));
	EXPECT_TRUE(health_line_is_problem("Oops: 0000 [#1] PREEMPT SMP"));
	EXPECT_TRUE(health_line_is_problem("general protection fault, probably for non-canonical"));
	EXPECT_TRUE(health_line_is_problem("rcu: INFO: rcu_preempt self-detected stall on CPU"));
	EXPECT_TRUE(health_line_is_problem("rcu: INFO: rcu_sched detected stalls on CPUs/tasks:"));
	EXPECT_TRUE(health_line_is_problem("WARNING: possible circular locking dependency detected"));
	EXPECT_TRUE(health_line_is_problem("inconsistent lock state"));
	EXPECT_TRUE(health_line_is_problem("watermark_check invoked oom-killer: gfp_mask=0x440dc0"
					   "(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO), order=3"));
	/* expected output of the suite */
	EXPECT_FALSE(health_line_is_problem("kworker/0:1: page allocation failure: order:4, "
					    "mode:0x40cc0(GFP_KERNEL|__GFP_COMP)"));
	EXPECT_FALSE(health_line_is_problem("fragtest: loading out-of-tree module taints kernel."));
}

TEST(taint_letters)
{
	char buf[32];

	health_taint_letters((1ul << 12) | (1ul << 13), buf, sizeof(buf));
	EXPECT_STREQ("OE", buf);
	health_taint_letters((1ul << 9) | 1, buf, sizeof(buf));
	EXPECT_STREQ("PW", buf);
	health_taint_letters(0, buf, sizeof(buf));
	EXPECT_STREQ("", buf);
}

TEST(latency_from_samples)
{
	uint64_t ns[100];
	struct ftr_latency lat = { 0 };
	uint64_t total = 0;

	for (int i = 0; i < 100; i++)
		ns[i] = (uint64_t)(100 - i) * 1000;	/* 1..100 us, reversed */
	ftr_latency_from_samples(&lat, ns, 100);
	ASSERT_TRUE(lat.have_ns);
	EXPECT_EQ(1000, lat.min_ns);
	EXPECT_EQ(100000, lat.max_ns);
	EXPECT_EQ(50000, lat.p50_ns);
	EXPECT_EQ(90000, lat.p90_ns);
	EXPECT_EQ(99000, lat.p99_ns);
	EXPECT_EQ(50500, lat.mean_ns);
	ASSERT_GT(lat.nr_buckets, 0);
	for (int b = 0; b < lat.nr_buckets; b++) {
		total += lat.count[b];
		if (b)
			EXPECT_GT(lat.le_ns[b], lat.le_ns[b - 1]);
	}
	EXPECT_EQ(100, total);
	EXPECT_GE(lat.le_ns[lat.nr_buckets - 1], 100000);
	EXPECT_GE(lat.le_ns[0], 1000);
}

TEST(result_file_round_trip)
{
	char dir[] = "/tmp/fragtest-results-XXXXXX", path[256], err[300];
	struct ftr_run r;
	struct jr_value v;
	struct ftr_latency lat = { .name = "order4", .attempts = 10, .successes = 7, .failures = 3 };
	uint64_t ns[] = { 5000, 7000, 9000 };
	enum ftr_outcome o;

	ASSERT_NE(NULL, mkdtemp(dir));
	setenv("FRAGTEST_RESULTS", dir, 1);
	ASSERT_EQ(0, ftr_begin(&r, "unit.round/trip", FTR_SNAPSHOTS));
	ftr_param_int(&r, "order", 4);
	ftr_param_str(&r, "gfp", "GFP_ATOMIC");
	ftr_metric(&r, "success_rate", 70.0, "%", FTR_HIGHER);
	ftr_latency_from_samples(&lat, ns, 3);
	ftr_latency(&r, &lat);
	snprintf(lat.name, sizeof(lat.name), "probe");
	lat.failure_expected = true;
	ftr_latency(&r, &lat);
	if (!access("/proc/buddyinfo", R_OK)) {
		EXPECT_EQ(0, ftr_timeline_sample(&r));
		EXPECT_EQ(0, ftr_timeline_sample(&r));
	}
	o = ftr_end(&r, FTR_PASS, NULL);
	unsetenv("FRAGTEST_RESULTS");
	/* a kernel already unhealthy mid-test would fail it; that is the guard's job */
	if (o == FTR_FAIL)
		TH_LOG("health guard on this machine: %s", r.verdict);

	snprintf(path, sizeof(path), "%s/unit.round_trip.json", dir);
	ASSERT_EQ(0, jr_parse_file(path, &v, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(FTR_SCHEMA_VERSION, jr_num(jr_get(&v, "schema_version"), -1));
	EXPECT_STREQ("unit.round/trip", jr_str(jr_get(&v, "test"), ""));
	EXPECT_STREQ(ftr_outcome_name(o), jr_str(jr_get(&v, "outcome"), ""));
	EXPECT_STREQ("pass", jr_str(jr_get(&v, "test_outcome"), ""));
	EXPECT_GE(jr_num(jr_get(&v, "duration_s"), -1), 0);
	EXPECT_EQ(4, jr_num(jr_path(&v, "parameters.order"), -1));
	EXPECT_STREQ("GFP_ATOMIC", jr_str(jr_path(&v, "parameters.gfp"), ""));
	EXPECT_EQ(70, jr_num(jr_path(&v, "metrics.success_rate.value"), -1));
	EXPECT_STREQ("higher", jr_str(jr_path(&v, "metrics.success_rate.better"), ""));
	EXPECT_EQ(70, jr_num(jr_get(jr_at(jr_get(&v, "latency"), 0), "success_rate"), -1));
	EXPECT_EQ(7000, jr_num(jr_get(jr_at(jr_get(&v, "latency"), 0), "p50_ns"), -1));
	/* only a probe meant to fail says so */
	EXPECT_EQ(NULL, jr_get(jr_at(jr_get(&v, "latency"), 0), "failure_expected"));
	EXPECT_TRUE(jr_is(jr_get(jr_at(jr_get(&v, "latency"), 1), "failure_expected"), JR_BOOL));
	EXPECT_TRUE(jr_is(jr_get(&v, "health"), JR_OBJECT));
	EXPECT_TRUE(jr_is(jr_path(&v, "health.ok"), JR_BOOL));
	EXPECT_TRUE(jr_is(jr_path(&v, "alloc_failures.reports"), JR_ARRAY));
	if (!access("/proc/buddyinfo", R_OK)) {
		EXPECT_TRUE(jr_is(jr_get(&v, "before"), JR_OBJECT));
		EXPECT_TRUE(jr_is(jr_path(&v, "delta.vmstat"), JR_OBJECT));
		EXPECT_EQ(2, jr_path(&v, "timeline.samples")->n);
		EXPECT_GT(jr_path(&v, "timeline.zones")->n, 0);
	}
	jr_free(&v);
	unlink(path);
	rmdir(dir);
}

TEST(snapshot_now_replaces_before_and_keeps_after)
{
	char dir[] = "/tmp/fragtest-results-XXXXXX", path[256], err[300];
	struct ftr_run r;
	struct jr_value v;
	double t_begin, t_before, t_after;

	if (access("/proc/buddyinfo", R_OK))
		SKIP(return, "no /proc/buddyinfo");
	ASSERT_NE(NULL, mkdtemp(dir));
	setenv("FRAGTEST_RESULTS", dir, 1);
	ASSERT_EQ(0, ftr_begin(&r, "unit.snapshot_now", FTR_SNAPSHOTS));
	ASSERT_NE(NULL, r.before);
	t_begin = r.before->monotonic;
	usleep(20000);
	ASSERT_EQ(0, ftr_snapshot_now(&r, false));
	t_before = r.before->monotonic;
	EXPECT_GT(t_before, t_begin);
	ASSERT_EQ(0, ftr_snapshot_now(&r, true));
	t_after = r.after->monotonic;
	usleep(20000);
	ftr_end(&r, FTR_PASS, NULL);
	unsetenv("FRAGTEST_RESULTS");
	/* the file has the two snapshots the test took, not ones of begin/end */
	snprintf(path, sizeof(path), "%s/unit.snapshot_now.json", dir);
	ASSERT_EQ(0, jr_parse_file(path, &v, err, sizeof(err))) TH_LOG("%s", err);
	/* the interval between the two snapshots the test took */
	EXPECT_LT(fabs(jr_num(jr_path(&v, "delta.seconds"), -1) - (t_after - t_before)), 1e-4);
	jr_free(&v);
	unlink(path);
	rmdir(dir);
	/* without FTR_SNAPSHOTS there is nothing to replace */
	ASSERT_EQ(0, ftr_begin(&r, "unit.snapshot_none", 0));
	EXPECT_EQ(-EINVAL, ftr_snapshot_now(&r, false));
	ftr_end(&r, FTR_SKIP, NULL);
}

/* A run in another VM profile names its cases prog@profile.fixture.case. */
TEST(profile_names_the_test)
{
	struct ftr_run r;

	unsetenv("FRAGTEST_RESULTS");
	setenv("FRAGTEST_PROFILE", "maxcpus255", 1);
	ASSERT_EQ(0, ftr_begin(&r, "veth_x.veth.queues_256.create", 0));
	EXPECT_STREQ("veth_x@maxcpus255.veth.queues_256.create", r.test);
	ftr_end(&r, FTR_SKIP, "name only");
	ASSERT_EQ(0, ftr_begin(&r, "order3_program_only", 0));
	EXPECT_STREQ("order3_program_only@maxcpus255", r.test);
	ftr_end(&r, FTR_SKIP, "name only");
	/* the default VM's names stay as they are */
	setenv("FRAGTEST_PROFILE", "default", 1);
	ASSERT_EQ(0, ftr_begin(&r, "veth_x.veth.queues_256.create", 0));
	EXPECT_STREQ("veth_x.veth.queues_256.create", r.test);
	ftr_end(&r, FTR_SKIP, "name only");
	unsetenv("FRAGTEST_PROFILE");
}

TEST(no_results_dir_writes_nothing)
{
	struct ftr_run r;

	unsetenv("FRAGTEST_RESULTS");
	ASSERT_EQ(0, ftr_begin(&r, "unit.nowhere", 0));
	EXPECT_STREQ("", r.path);
	ftr_end(&r, FTR_SKIP, "nothing to do");
	/* ended: further calls are harmless */
	ftr_metric(&r, "x", 1, "", FTR_NEUTRAL);
	EXPECT_EQ(FTR_PASS, ftr_end(&r, FTR_PASS, NULL));
}

TEST_HARNESS_MAIN
