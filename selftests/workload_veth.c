// SPDX-License-Identifier: GPL-2.0
/*
 * veth_churn checked on the kernel: the devices exist with the requested rx
 * and tx queue counts (as /sys/class/net/DEV/queues shows them), keep-alive
 * bounds how many live at once, and every device is gone afterwards: after a
 * normal exit, after SIGTERM, and after SIGKILL followed by --cleanup.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the harness's own setjmp in FIXTURE_TEARDOWN_PARENT tests trips this at -O2 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "workload_helpers.h"

FIXTURE(veth) {
	char bin[512];
	char prefix[16];
	pid_t child;
	char out[16384];
};

FIXTURE_SETUP(veth)
{
	char *probe[] = { self->bin, "--count", "1", "--quiet", "--prefix", self->prefix, NULL };
	int rc;

	self->child = 0;
	wlt_bin("veth_churn", self->bin, sizeof(self->bin));
	/* short: names are PREFIX<index><a|b> within 15 characters */
	snprintf(self->prefix, sizeof(self->prefix), "ftt%x-", (unsigned int)getpid() & 0xffff);
	if (access(self->bin, X_OK))
		SKIP(return, "%.200s is not built", self->bin);
	if (access("/sys/class/net", R_OK))
		SKIP(return, "no /sys/class/net");
	rc = wlt_run(probe, self->out, sizeof(self->out));
	if (rc != 0)
		SKIP(return, "cannot create a veth pair here (exit %d): %.300s", rc, self->out);
}

FIXTURE_TEARDOWN_PARENT(veth)
{
	char *clean[] = { self->bin, "--cleanup", self->prefix, "--quiet", NULL };

	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->prefix[0] && !access(self->bin, X_OK))
		wlt_run(clean, NULL, 0);
}

/* Entries of /sys/class/net/DEV/queues named kind-N ("rx" or "tx"). */
static long queue_count(const char *dev, const char *kind)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", dev);
	return wlt_count_prefixed(path, kind);
}

static long devices(const char *prefix)
{
	return wlt_count_prefixed("/sys/class/net", prefix);
}

static void check_queues(struct __test_metadata *_metadata, const char *prefix, int pairs,
			 long rx, long tx)
{
	for (int i = 0; i < pairs; i++) {
		for (int end = 0; end < 2; end++) {
			char dev[32];

			snprintf(dev, sizeof(dev), "%s%d%c", prefix, i, end ? 'b' : 'a');
			EXPECT_EQ(rx, queue_count(dev, "rx-")) TH_LOG("%s", dev);
			EXPECT_EQ(tx, queue_count(dev, "tx-")) TH_LOG("%s", dev);
		}
	}
}

TEST_F_TIMEOUT(veth, created_with_256_queues_and_cleaned_up, 300)
{
	char *argv[] = { self->bin, "--count", "4", "--queues", "256", "--keep", "--quiet",
			 "--prefix", self->prefix, NULL };
	char *clean[] = { self->bin, "--cleanup", self->prefix, NULL };
	int64_t v;

	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	TH_LOG("%s", self->out);
	ASSERT_EQ(8, devices(self->prefix));
	check_queues(_metadata, self->prefix, 4, 256, 256);
	ASSERT_TRUE(wlt_json_i64(self->out, "created", &v));
	EXPECT_EQ(4, v);
	ASSERT_EQ(0, wlt_run(clean, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_TRUE(wlt_json_i64(self->out, "deleted_pairs", &v));
	EXPECT_EQ(4, v);
	EXPECT_EQ(0, devices(self->prefix));
}

TEST_F_TIMEOUT(veth, separate_rx_and_tx_counts, 300)
{
	char *argv[] = { self->bin, "--count", "2", "--rx-queues", "8", "--tx-queues", "3",
			 "--keep", "--quiet", "--prefix", self->prefix, NULL };
	char *clean[] = { self->bin, "--cleanup", self->prefix, NULL };

	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	check_queues(_metadata, self->prefix, 2, 8, 3);
	ASSERT_EQ(0, wlt_run(clean, self->out, sizeof(self->out)));
	EXPECT_EQ(0, devices(self->prefix));
}

TEST_F_TIMEOUT(veth, keep_alive_churns_and_removes_all, 600)
{
	char *argv[] = { self->bin, "--count", "30", "--keep-alive", "4", "--queues", "64",
			 "--quiet", "--prefix", self->prefix, NULL };
	int64_t v;

	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	TH_LOG("%s", self->out);
	ASSERT_TRUE(wlt_json_i64(self->out, "created", &v));
	EXPECT_EQ(30, v);
	ASSERT_TRUE(wlt_json_i64(self->out, "deleted", &v));
	EXPECT_EQ(30, v);
	ASSERT_TRUE(wlt_json_i64(self->out, "max_alive", &v));
	EXPECT_EQ(4, v);
	EXPECT_EQ(0, devices(self->prefix));
}

TEST_F_TIMEOUT(veth, sigterm_removes_pairs, 300)
{
	char *argv[] = { self->bin, "--count", "3", "--queues", "16", "--hold", "--prefix",
			 self->prefix, NULL };
	int errfd;

	self->child = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->child, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding"));
	EXPECT_EQ(6, devices(self->prefix));
	kill(self->child, SIGTERM);
	EXPECT_EQ(0, wlt_wait(self->child));
	self->child = 0;
	close(errfd);
	EXPECT_EQ(0, devices(self->prefix));
}

TEST_F_TIMEOUT(veth, sigkill_then_cleanup, 300)
{
	char *argv[] = { self->bin, "--count", "3", "--queues", "16", "--hold", "--prefix",
			 self->prefix, NULL };
	char *clean[] = { self->bin, "--cleanup", self->prefix, NULL };
	int errfd;

	self->child = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->child, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding"));
	kill(self->child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wlt_wait(self->child));
	self->child = 0;
	close(errfd);
	/* nothing ran on the way out: the pairs are still there */
	EXPECT_EQ(6, devices(self->prefix));
	ASSERT_EQ(0, wlt_run(clean, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, devices(self->prefix));
}

TEST(bad_usage_exits_2)
{
	char bin[512], out[4096];
	char *a1[] = { bin, "--queues", "0", NULL };
	char *a2[] = { bin, "--count", "5", "--prefix", "waytoolongprefix", NULL };
	char *a3[] = { bin, "--cleanup", "", NULL };

	wlt_bin("veth_churn", bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(2, wlt_run(a1, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a2, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a3, out, sizeof(out)));
}

TEST_HARNESS_MAIN
