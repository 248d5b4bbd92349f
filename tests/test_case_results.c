// SPDX-License-Identifier: GPL-2.0
/*
 * selftests/case_results.h: every case of a harness program leaves a result
 * file named by the id the harness prints, with the outcome the harness
 * reports, also when the case failed an EXPECT, aborted on an ASSERT in a
 * FIXTURE_TEARDOWN_PARENT fixture, crashed, skipped or died by its expected
 * signal, and with what the case recorded from its own process; a failed
 * case's reason is the expectation that failed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "json_read.h"
#include "results.h"

static const struct {
	const char *id, *outcome, *reason;
} expected[] = {
	{ "demo.records_and_passes", "pass", "" },
	{ "demo.expect_fails", "fail", ":expect_fails:Expected 1 (1) == 2 (2)" },
	{ "demo.assert_aborts", "fail", ":assert_aborts:Expected 1 (1) == 2 (2)" },
	{ "demo.skips", "skip", "nothing to see" },
	{ "global.crashes", "fail", "Segmentation fault" },
	{ "global.dies_by_its_signal", "pass", "" },
};

/* Runs the demo next to this binary; its KTAP into *out. */
static int run_demo(const char *dir, char *out, size_t len)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *p;
	size_t got;
	int st;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "FRAGTEST_RESULTS=%s %s/case_results_demo 2>/dev/null", dir, exe);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	got = fread(out, 1, len - 1, p);
	out[got] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(every_case_leaves_its_file)
{
	char dir[] = "/tmp/fragtest-case-XXXXXX", path[512], err[300], ktap[65536], line[256];
	struct jr_value v;

	ASSERT_NE(NULL, mkdtemp(dir));
	/* some cases fail on purpose */
	EXPECT_EQ(1, run_demo(dir, ktap, sizeof(ktap)));
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct jr_value *lat;

		/* the harness printed the same id */
		snprintf(line, sizeof(line), " %s", expected[i].id);
		EXPECT_NE(NULL, strstr(ktap, line)) TH_LOG("%s not in the KTAP", expected[i].id);
		snprintf(path, sizeof(path), "%s/case_results_demo.%s.json", dir, expected[i].id);
		ASSERT_EQ(0, jr_parse_file(path, &v, err, sizeof(err))) TH_LOG("%s", err);
		snprintf(line, sizeof(line), "case_results_demo.%s", expected[i].id);
		EXPECT_STREQ(line, jr_str(jr_get(&v, "test"), ""));
		EXPECT_STREQ(expected[i].outcome, jr_str(jr_get(&v, "test_outcome"), ""))
			TH_LOG("%s", expected[i].id);
		/* failures: the harness's own line, from the demo's stderr */
		if (expected[i].reason[0] == ':') {
			EXPECT_NE(NULL, strstr(jr_str(jr_get(&v, "reason"), ""), expected[i].reason))
				TH_LOG("%s: %s", expected[i].id, jr_str(jr_get(&v, "reason"), ""));
		} else {
			EXPECT_STREQ(expected[i].reason, jr_str(jr_get(&v, "reason"), ""))
				TH_LOG("%s", expected[i].id);
		}
		EXPECT_STREQ("case_results_demo", jr_str(jr_path(&v, "parameters.program"), ""));
		EXPECT_GE(jr_num(jr_get(&v, "duration_s"), -1), 0);
		if (!strncmp(expected[i].id, "demo.", 5))
			EXPECT_EQ(7, jr_num(jr_path(&v, "parameters.from_setup"), -1));
		if (!strcmp(expected[i].id, "demo.records_and_passes")) {
			EXPECT_STREQ("GFP_ATOMIC", jr_str(jr_path(&v, "parameters.gfp"), ""));
			EXPECT_EQ(75, jr_num(jr_path(&v, "metrics.rate.value"), -1));
			lat = jr_at(jr_get(&v, "latency"), 0);
			EXPECT_EQ(75, jr_num(jr_get(lat, "success_rate"), -1));
			EXPECT_EQ(2000, jr_num(jr_get(lat, "p50_ns"), -1));
			if (!access("/proc/buddyinfo", R_OK)) {
				EXPECT_EQ(2, jr_path(&v, "timeline.samples")->n);
				EXPECT_TRUE(jr_is(jr_path(&v, "delta.vmstat"), JR_OBJECT));
				/* ftr_snapshot_now() in the case child: the parent took them then */
				EXPECT_GE(jr_num(jr_path(&v, "before.monotonic"), -1),
					  jr_num(jr_path(&v, "metrics.mono_before_snapshots.value"), 1e18));
				EXPECT_LE(jr_num(jr_path(&v, "after.monotonic"), 1e18),
					  jr_num(jr_path(&v, "metrics.mono_after_snapshots.value"), -1));
			}
		}
		if (!strcmp(expected[i].id, "demo.expect_fails"))
			EXPECT_EQ(1, jr_num(jr_path(&v, "metrics.after_expect.value"), -1));
		if (!strcmp(expected[i].id, "demo.assert_aborts")) {
			/* what was recorded before the ASSERT is kept */
			EXPECT_EQ(1, jr_num(jr_path(&v, "metrics.before_assert.value"), -1));
			EXPECT_EQ(NULL, jr_path(&v, "metrics.after_assert"));
		}
		jr_free(&v);
		unlink(path);
	}
	EXPECT_EQ(0, rmdir(dir)) TH_LOG("files the demo was not expected to write are left in %s",
				       dir);
}

TEST_HARNESS_MAIN
