// SPDX-License-Identifier: GPL-2.0
/*
 * anon_file_mix checked on the kernel: releasing every other chunk leaves
 * the freed memory in blocks no larger than a chunk (buddyinfo, read by the
 * test itself while the workload holds the rest), the ratio and mlock are
 * what was asked, and MemAvailable stays above the safety floor when the
 * workload is told to take all it may.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the harness's own setjmp in FIXTURE_TEARDOWN_PARENT tests trips this at -O2 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "buddyinfo.h"
#include "procfile.h"
#include "sysctl.h"
#include "workload_helpers.h"
#include "workload_util.h"

#define MiB (1ull << 20)

FIXTURE(mix) {
	char bin[512];
	char dir[PATH_MAX];
	char prefix[64];
	pid_t child;
	struct sysctl_saved sysctls;
	char out[16384];
};

FIXTURE_SETUP(mix)
{
	const char *scratch = getenv("FRAGTEST_SCRATCH");

	self->child = 0;
	wlt_bin("anon_file_mix", self->bin, sizeof(self->bin));
	snprintf(self->prefix, sizeof(self->prefix), "ftaft%d-", (int)getpid());
	if (access(self->bin, X_OK))
		SKIP(return, "%.200s is not built", self->bin);
	if (!scratch || !*scratch)
		SKIP(return, "FRAGTEST_SCRATCH is not set (needs a VM with a scratch disk)");
	snprintf(self->dir, sizeof(self->dir), "%.200s/anonmix", scratch);
	if (mkdir(self->dir, 0700) && errno != EEXIST)
		SKIP(return, "mkdir %.200s: %s", self->dir, strerror(errno));
	/* freed chunks must reach the buddy lists, not wait on 6.12's long per-cpu lists */
	ASSERT_EQ(0, sysctl_keep_pcp_small(&self->sysctls));
	/* kcompactd would migrate the chunks around the holes (run 201 on 6.1) */
	ASSERT_EQ(0, sysctl_quiet_compaction(&self->sysctls));
	/* start from free memory in large blocks, as on a fresh machine */
	sync();
	wlt_write_file("/proc/sys/vm/drop_caches", "3");
	wlt_write_file("/proc/sys/vm/compact_memory", "1");
}

FIXTURE_TEARDOWN_PARENT(mix)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->dir[0])
		wl_remove_prefixed(self->dir, self->prefix);
	sysctl_restore(&self->sysctls);
}

/* Free pages in blocks up to order and above it, over all zones. */
static void buddy_split(struct __test_metadata *_metadata, int order, uint64_t *small,
			uint64_t *large)
{
	struct buddyinfo bi;

	*small = *large = 0;
	ASSERT_EQ(0, buddyinfo_read(&bi));
	for (size_t z = 0; z < bi.nr_zones; z++) {
		uint64_t all = buddy_zone_free_pages(&bi.zones[z]);
		uint64_t above = buddy_zone_pages_at_or_above(&bi.zones[z], order + 1);

		*large += above;
		*small += all - above;
	}
	buddyinfo_free(&bi);
}

TEST_F_TIMEOUT(mix, holes_are_chunk_sized, 600)
{
	char total[32];
	char *argv[] = { self->bin, "--total", total, "--chunk", "64K", "--ratio", "1:1",
			 "--dir", self->dir, "--holes", "--hold", "--prefix", self->prefix, NULL };
	uint64_t small0, large0, small1, large1, page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t taken = wlt_meminfo("MemAvailable") / 2, released_pages;
	int errfd;

	snprintf(total, sizeof(total), "%lluM", (unsigned long long)(taken / MiB));
	buddy_split(_metadata, 4, &small0, &large0);
	self->child = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->child, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding"));
	buddy_split(_metadata, 4, &small1, &large1);
	kill(self->child, SIGTERM);
	EXPECT_EQ(0, wlt_wait(self->child));
	self->child = 0;
	close(errfd);
	released_pages = taken / 2 / page;
	TH_LOG("took %llu MiB, released %llu MiB in 64K chunks; free in blocks <= order 4: "
	       "%llu -> %llu pages, above: %llu -> %llu pages",
	       (unsigned long long)(taken / MiB), (unsigned long long)(taken / 2 / MiB),
	       (unsigned long long)small0, (unsigned long long)small1,
	       (unsigned long long)large0, (unsigned long long)large1);
	/*
	 * Every freed chunk is a run of 16 pages between held ones, so it
	 * cannot merge past order 4. Allow half of them to escape (chunks that
	 * happen to sit next to free memory, per-cpu lists holding some).
	 */
	EXPECT_GE(small1, small0 + released_pages / 2);
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST_F_TIMEOUT(mix, ratio_and_file_removed, 300)
{
	char *argv[] = { self->bin, "--total", "64M", "--chunk", "64K", "--ratio", "3:1",
			 "--dir", self->dir, "--quiet", "--prefix", self->prefix, NULL };
	int64_t anon, file;

	ASSERT_EQ(0, wlt_run(argv, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_TRUE(wlt_json_i64(self->out, "anon_chunks", &anon));
	ASSERT_TRUE(wlt_json_i64(self->out, "file_chunks", &file));
	EXPECT_EQ(1024, anon + file);
	EXPECT_EQ(anon, 3 * file);
	EXPECT_EQ(0, wlt_count_prefixed(self->dir, self->prefix));
}

TEST_F_TIMEOUT(mix, mlock_locks_the_anon_chunks, 300)
{
	char *argv[] = { self->bin, "--total", "64M", "--ratio", "1:0", "--mlock", "--hold",
			 "--prefix", self->prefix, NULL };
	uint64_t before = wlt_meminfo("Mlocked"), held;
	int errfd;

	self->child = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->child, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding"));
	held = wlt_meminfo("Mlocked");
	kill(self->child, SIGTERM);
	EXPECT_EQ(0, wlt_wait(self->child));
	self->child = 0;
	close(errfd);
	TH_LOG("Mlocked %llu -> %llu KiB", (unsigned long long)(before >> 10),
	       (unsigned long long)(held >> 10));
	EXPECT_GE(held, before + 64 * MiB / 16 * 15);
}

TEST_F_TIMEOUT(mix, safety_floor_is_honoured, 600)
{
	char floor[32];
	char *argv[] = { self->bin, "--total", "max", "--ratio", "1:0", "--floor", floor,
			 "--hold", "--prefix", self->prefix, NULL };
	uint64_t avail0 = wlt_meminfo("MemAvailable"), want, held;
	int errfd;

	if (avail0 < 400 * MiB)
		SKIP(return, "only %llu MiB available", (unsigned long long)(avail0 / MiB));
	want = avail0 - 256 * MiB;
	snprintf(floor, sizeof(floor), "%lluK", (unsigned long long)(want >> 10));
	self->child = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->child, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding"));
	held = wlt_meminfo("MemAvailable");
	kill(self->child, SIGTERM);
	EXPECT_EQ(0, wlt_wait(self->child));
	self->child = 0;
	close(errfd);
	TH_LOG("MemAvailable %llu MiB, floor %llu MiB, while held %llu MiB",
	       (unsigned long long)(avail0 / MiB), (unsigned long long)(want / MiB),
	       (unsigned long long)(held / MiB));
	/*
	 * It took memory down to the floor, not past it. MemAvailable comes
	 * from per-cpu batched counters: allow their drift (125 pages per cpu
	 * for free and for file pages) and the page tables.
	 */
	EXPECT_LT(held, avail0 - 128 * MiB);
	EXPECT_GE(held + 8 * MiB + (uint64_t)sysconf(_SC_NPROCESSORS_CONF) * 250 *
		  (uint64_t)sysconf(_SC_PAGESIZE), want);
}

TEST(bad_usage_exits_2)
{
	char bin[512], out[4096];
	char *a1[] = { bin, "--total", "1G", NULL };	/* file chunks without --dir */
	char *a2[] = { bin, "--total", "1G", "--ratio", "0:0", "--dir", "/tmp", NULL };
	char *a3[] = { bin, "--total", "1G", "--chunk", "1000", "--ratio", "1:0", NULL };

	wlt_bin("anon_file_mix", bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	EXPECT_EQ(2, wlt_run(a1, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a2, out, sizeof(out)));
	EXPECT_EQ(2, wlt_run(a3, out, sizeof(out)));
}

TEST_HARNESS_MAIN
