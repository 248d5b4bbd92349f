// SPDX-License-Identifier: GPL-2.0
/*
 * slab_pin checked on the kernel: pipe pages stay taken through
 * drop_caches (they are not cache, and compaction cannot move them), socket
 * pairs grow unreclaimable slab, empty files grow reclaimable slab, and the
 * files are gone after SIGTERM, and after SIGKILL followed by --cleanup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the harness's own setjmp in FIXTURE_TEARDOWN_PARENT tests trips this at -O2 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "workload_helpers.h"
#include "workload_util.h"

#define MiB (1ull << 20)

FIXTURE(pin) {
	char bin[512];
	char dir[PATH_MAX];
	char prefix[64];
	pid_t child;
	char out[16384];
};

FIXTURE_SETUP(pin)
{
	const char *scratch = getenv("FRAGTEST_SCRATCH");

	self->child = 0;
	wlt_bin("slab_pin", self->bin, sizeof(self->bin));
	snprintf(self->prefix, sizeof(self->prefix), "ftspt%d-", (int)getpid());
	if (access(self->bin, X_OK))
		SKIP(return, "%.200s is not built", self->bin);
	if (access("/proc/sys/vm/drop_caches", W_OK))
		SKIP(return, "/proc/sys/vm/drop_caches is not writable (needs root)");
	if (!scratch || !*scratch)
		SKIP(return, "FRAGTEST_SCRATCH is not set (needs a VM with a scratch disk)");
	snprintf(self->dir, sizeof(self->dir), "%.200s/slabpin", scratch);
	if (mkdir(self->dir, 0700) && errno != EEXIST)
		SKIP(return, "mkdir %.200s: %s", self->dir, strerror(errno));
}

FIXTURE_TEARDOWN_PARENT(pin)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->dir[0])
		wl_remove_prefixed(self->dir, self->prefix);
}

static void drop_caches(void)
{
	sync();
	wlt_write_file("/proc/sys/vm/drop_caches", "3");
}

static pid_t start(struct __test_metadata *_metadata, FIXTURE_DATA(pin) *self,
		   char *const argv[], int *errfd)
{
	self->child = wlt_spawn(argv, errfd);
	EXPECT_GT(self->child, 0);
	EXPECT_TRUE(wlt_wait_line(*errfd, "holding"));
	return self->child;
}

static int stop(FIXTURE_DATA(pin) *self, int errfd, int sig)
{
	int rc;

	kill(self->child, sig);
	rc = wlt_wait(self->child);
	self->child = 0;
	close(errfd);
	return rc;
}

TEST_F_TIMEOUT(pin, pipe_pages_survive_drop_caches, 300)
{
	char *argv[] = { self->bin, "--pipes", "2000", "--pipe-pages", "8", "--hold",
			 "--prefix", self->prefix, NULL };
	uint64_t pinned = 2000ull * 8 * (uint64_t)sysconf(_SC_PAGESIZE), free0, free1;
	int errfd;

	drop_caches();
	free0 = wlt_free_with_pcp();
	start(_metadata, self, argv, &errfd);
	drop_caches();
	free1 = wlt_free_with_pcp();
	EXPECT_EQ(0, stop(self, errfd, SIGTERM));
	TH_LOG("free + per-cpu %llu -> %llu MiB with %llu MiB in pipes, after drop_caches",
	       (unsigned long long)(free0 / MiB), (unsigned long long)(free1 / MiB),
	       (unsigned long long)(pinned / MiB));
	EXPECT_GE(free0, free1 + pinned / 10 * 9);
}

TEST_F_TIMEOUT(pin, sockets_and_files_grow_slab, 600)
{
	char *argv[] = { self->bin, "--sockets", "4000", "--files", "20000", "--dir", self->dir,
			 "--hold", "--prefix", self->prefix, NULL };
	uint64_t unrec0, rec0, unrec1, rec1;
	int errfd;

	drop_caches();
	unrec0 = wlt_meminfo("SUnreclaim");
	rec0 = wlt_meminfo("SReclaimable");
	start(_metadata, self, argv, &errfd);
	unrec1 = wlt_meminfo("SUnreclaim");
	rec1 = wlt_meminfo("SReclaimable");
	EXPECT_EQ(20000, wlt_count_prefixed(self->dir, self->prefix));
	EXPECT_EQ(0, stop(self, errfd, SIGTERM));
	TH_LOG("SUnreclaim %llu -> %llu KiB, SReclaimable %llu -> %llu KiB",
	       (unsigned long long)(unrec0 >> 10), (unsigned long long)(unrec1 >> 10),
	       (unsigned long long)(rec0 >> 10), (unsigned long long)(rec1 >> 10));
	/* a unix socket is >= 1 KiB of slab; a dentry and an ext4 inode >= 1 KiB */
	EXPECT_GE(unrec1, unrec0 + 4000ull * 2 * 1024 / 2);
	EXPECT_GE(rec1, rec0 + 20000ull * 1024 / 2);
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST_F_TIMEOUT(pin, sigkill_then_cleanup, 300)
{
	char *argv[] = { self->bin, "--files", "500", "--pipes", "100", "--interleave", "64K",
			 "--keep-cache", "--dir", self->dir, "--hold", "--prefix", self->prefix,
			 NULL };
	char *clean[] = { self->bin, "--dir", self->dir, "--cleanup", "--prefix", self->prefix,
			  NULL };
	int errfd;

	start(_metadata, self, argv, &errfd);
	EXPECT_EQ(128 + SIGKILL, stop(self, errfd, SIGKILL));
	/* 500 empty files and the interleaved cache file stay behind */
	EXPECT_EQ(501, wlt_count_prefixed(self->dir, self->prefix));
	ASSERT_EQ(0, wlt_run(clean, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST(bad_usage_exits_2)
{
	char bin[512], out[4096];
	char *a1[] = { bin, NULL };
	char *a2[] = { bin, "--files", "10", NULL };
	char *a3[] = { bin, "--pipes", "10", "--pipe-pages", "17", NULL };

	wlt_bin("slab_pin", bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(2, wlt_run(a1, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a2, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a3, out, sizeof(out)));
}

TEST_HARNESS_MAIN
