// SPDX-License-Identifier: GPL-2.0
/*
 * pagecache_fill checked on the kernel, not by its exit code: the page cache
 * (Cached in /proc/meminfo) grows by the target on the scratch ext4 disk,
 * drop_caches takes it away again, many small files are all created, the
 * safety floor refuses, and the files are gone after a normal exit, after
 * SIGTERM, and after SIGKILL followed by --cleanup.
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

FIXTURE(pagecache) {
	char bin[PATH_MAX];
	char dir[PATH_MAX];
	char prefix[64];
	pid_t child;
	char out[16384];
};

FIXTURE_SETUP(pagecache)
{
	const char *scratch = getenv("FRAGTEST_SCRATCH");
	struct stat st;

	self->child = 0;
	wlt_bin("pagecache_fill", self->bin, sizeof(self->bin));
	snprintf(self->prefix, sizeof(self->prefix), "ftpct%d-", (int)getpid());
	if (!scratch || !*scratch)
		SKIP(return, "FRAGTEST_SCRATCH is not set (needs a VM with a scratch disk)");
	if (access(self->bin, X_OK))
		SKIP(return, "%.200s is not built", self->bin);
	if (access("/proc/sys/vm/drop_caches", W_OK))
		SKIP(return, "/proc/sys/vm/drop_caches is not writable (needs root)");
	snprintf(self->dir, sizeof(self->dir), "%s/pagecache", scratch);
	if (mkdir(self->dir, 0700) && errno != EEXIST)
		SKIP(return, "mkdir %.200s: %s", self->dir, strerror(errno));
	ASSERT_EQ(0, stat(self->dir, &st));
}

FIXTURE_TEARDOWN_PARENT(pagecache)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->dir[0])
		wl_remove_prefixed(self->dir, self->prefix);
}

/* drop_caches only drops clean, unmapped pages: write back first. */
static void drop_caches(struct __test_metadata *_metadata)
{
	sync();
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/drop_caches", "1"));
}

static void check_grew_and_drops(struct __test_metadata *_metadata, const char *out,
				 uint64_t target, uint64_t before)
{
	uint64_t after = wlt_meminfo("Cached"), dropped;
	int64_t reported;

	TH_LOG("Cached %llu -> %llu MiB for a %llu MiB target",
	       (unsigned long long)(before / MiB), (unsigned long long)(after / MiB),
	       (unsigned long long)(target / MiB));
	/* other activity moves Cached a little: allow 10% */
	ASSERT_GE(after, before + target / 10 * 9);
	ASSERT_TRUE(wlt_json_i64(out, "cached_delta_bytes", &reported));
	EXPECT_GE(reported, (int64_t)(target / 10 * 9));
	drop_caches(_metadata);
	dropped = wlt_meminfo("Cached");
	TH_LOG("after drop_caches: Cached %llu MiB", (unsigned long long)(dropped / MiB));
	EXPECT_LE(dropped + target / 10 * 9, after);
}

TEST_F_TIMEOUT(pagecache, write_grows_cache_and_drop_caches_removes_it, 600)
{
	uint64_t target = 256 * MiB, before;
	char *argv[] = { self->bin, "--dir", self->dir, "--target", "256M", "--keep", "--quiet",
			 "--prefix", self->prefix, NULL };

	drop_caches(_metadata);
	before = wlt_meminfo("Cached");
	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_TRUE(wlt_json_is(self->out, "result", "target"));
	EXPECT_EQ(4, wlt_count_prefixed(self->dir, self->prefix));
	check_grew_and_drops(_metadata, self->out, target, before);
	TH_LOG("%s", self->out);
}

TEST_F_TIMEOUT(pagecache, read_mode_leaves_clean_cache, 600)
{
	uint64_t target = 128 * MiB, before, dirty_before;
	char *argv[] = { self->bin, "--dir", self->dir, "--target", "128M", "--mode", "read",
			 "--file-size", "32M", "--keep", "--quiet", "--prefix", self->prefix,
			 NULL };

	drop_caches(_metadata);
	before = wlt_meminfo("Cached");
	dirty_before = wlt_meminfo("Dirty");
	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	/* read back after O_DIRECT writes: the cache is clean */
	EXPECT_LT(wlt_meminfo("Dirty"), dirty_before + target / 2);
	check_grew_and_drops(_metadata, self->out, target, before);
}

TEST_F_TIMEOUT(pagecache, many_small_files, 600)
{
	uint64_t target = 4000 * 16384, before;
	char *argv[] = { self->bin, "--dir", self->dir, "--file-size", "16K", "--count", "4000",
			 "--keep", "--quiet", "--prefix", self->prefix, NULL };
	char *clean[] = { self->bin, "--dir", self->dir, "--cleanup", "--prefix", self->prefix,
			  NULL };

	drop_caches(_metadata);
	before = wlt_meminfo("Cached");
	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(4000, wlt_count_prefixed(self->dir, self->prefix));
	check_grew_and_drops(_metadata, self->out, target, before);
	ASSERT_EQ(0, wlt_run(clean, self->out, sizeof(self->out)));
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST_F(pagecache, removes_its_files_on_exit)
{
	char *argv[] = { self->bin, "--dir", self->dir, "--target", "8M", "--file-size", "1M",
			 "--quiet", "--prefix", self->prefix, NULL };

	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
	EXPECT_TRUE(wlt_json_is(self->out, "result", "target"));
}

TEST_F(pagecache, safety_floor_refuses)
{
	char floor[32];
	char *argv[] = { self->bin, "--dir", self->dir, "--target", "64M", "--floor", floor,
			 "--quiet", "--prefix", self->prefix, NULL };

	/* a floor above what is available: nothing may be taken */
	snprintf(floor, sizeof(floor), "%lluK",
		 (unsigned long long)((wlt_meminfo("MemAvailable") + 64 * MiB) >> 10));
	EXPECT_EQ(1, wlt_run(argv, self->out, sizeof(self->out)));
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST_F_TIMEOUT(pagecache, sigterm_removes_files, 300)
{
	char *argv[] = { self->bin, "--dir", self->dir, "--target", "32M", "--file-size", "1M",
			 "--hold", "--prefix", self->prefix, NULL };
	int errfd;

	self->child = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->child, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding"));
	EXPECT_EQ(32, wlt_count_prefixed(self->dir, self->prefix));
	kill(self->child, SIGTERM);
	EXPECT_EQ(0, wlt_wait(self->child));
	self->child = 0;
	close(errfd);
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST_F_TIMEOUT(pagecache, sigkill_then_cleanup, 300)
{
	char *argv[] = { self->bin, "--dir", self->dir, "--target", "32M", "--file-size", "1M",
			 "--hold", "--prefix", self->prefix, NULL };
	char *clean[] = { self->bin, "--dir", self->dir, "--cleanup", "--prefix", self->prefix,
			  NULL };
	int errfd;

	self->child = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->child, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding"));
	kill(self->child, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, wlt_wait(self->child));
	self->child = 0;
	close(errfd);
	/* SIGKILL leaves the files behind: that is what --cleanup is for */
	EXPECT_EQ(32, wlt_count_prefixed(self->dir, self->prefix));
	ASSERT_EQ(0, wlt_run(clean, self->out, sizeof(self->out)));
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST(bad_usage_exits_2)
{
	char bin[PATH_MAX], out[4096];
	char *a1[] = { bin, "--target", "1G", NULL };
	char *a2[] = { bin, "--dir", "/tmp", "--target", "12Q", NULL };
	char *a3[] = { bin, "--dir", "/tmp", "--target", "1M", "--qd", "0", NULL };

	wlt_bin("pagecache_fill", bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(2, wlt_run(a1, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a2, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a3, out, sizeof(out)));
}

TEST_HARNESS_MAIN
