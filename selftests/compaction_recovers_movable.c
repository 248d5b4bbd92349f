// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: writing /proc/sys/vm/compact_memory undoes fragmentation made of
 * movable memory alone.
 *
 * anon_file_mix takes memory down to its safety floor in 256 KiB chunks of
 * anonymous base pages, then releases every other chunk: half of what it
 * took is free again, in holes between movable pages that cannot merge past
 * order 6. The memory it never touched (its floor plus the watermark
 * reserve, ~150 MB of 1 GiB) is still free in whole order-9/10 blocks; the
 * module takes those into a pool first (drain above=8). Taking whole free
 * blocks fragments nothing, so every order-9 block found afterwards is one
 * that compaction built by moving the workload's pages.
 *
 * The per-cpu page lists are kept small and fixed (SCENARIO_SETUP:
 * percpu_pagelist_high_fraction, restored by the parent): 6.12 grew them to
 * thousands of pages while the holes were freed and handed them back after
 * the drain, where they merged into order-9/10 blocks compaction never made.
 *
 * Why 256 KiB and not smaller holes: the free scanner (isolate_freepages())
 * samples every stride-th page of a pageblock and doubles the stride, up to
 * 32 pages, after each suitable pageblock where it isolated nothing. With
 * 64 KiB chunks the holes recur every 32 pages, as regularly placed as the
 * anonymous faults were: once the stride reached 32 (a few full pageblocks
 * at the top of the zone suffice) every sample fell on held memory, the
 * scanner met the migration scanner and compact_zone() reported "complete"
 * having migrated ~200 pages (seen on 6.12, first run after boot, 2 of 2).
 * A 64-page hole always contains a 32-aligned free block of order >= 5,
 * whose head every stride lands on.
 *
 * Asserted before: the zones the workload fragmented (zones above 256 MiB
 * with a quarter of their memory or more free; there must be one) have no
 * free block of order >= 9 (the module's buddy record, and buddyinfo just
 * before the write), and an order-9 allocation that can neither reclaim,
 * compact nor wake kswapd (mask __GFP_NOWARN alone) fails. That failure
 * also covers the zones left out: the 16 MiB DMA zone may keep an order-9
 * block the drain may not take, which this request cannot use either (free
 * minus the block is below min + lowmem_reserve).
 *
 * Then "1" is written to compact_memory: compact_nodes() runs
 * compact_zone() over every populated zone (sync migration, whole zone). On
 * 6.1 and 6.12 compact_zone() counts compact_migrate_scanned,
 * compact_free_scanned and compact_isolated in every mode; migrate_pages()
 * counts pgmigrate_success; compact_stall is direct compaction only and
 * must not move. Asserted after: those counters rose, the fragmented zones
 * have order >= 9 blocks again, and the same allocation succeeds from one of
 * them.
 */
#include <time.h>

#include "kselftest_harness.h"
#include "scenario.h"
#include "workload_helpers.h"

#define ZONES 16
/* zones the workload fragments; not the 16 MiB DMA zone, which holds little of it */
#define LARGE_ZONE 65536	/* pages */
#define ORDER 9
#define DRAIN_STEP 0
#define TRY_STEP 1
/* neither direct reclaim, nor compaction, nor a kswapd wakeup: a free block or nothing */
#define TRY_GFP "__GFP_NOWARN"

FIXTURE(scenario) {
	struct scenario s;
	pid_t workload;
};

FIXTURE_SETUP(scenario)
{
	self->workload = 0;
	SCENARIO_SETUP(&self->s, "compaction_recovers_movable", ORDER);
}

FIXTURE_TEARDOWN_PARENT(scenario)
{
	/* the workload holds its memory until told: never leave it behind */
	if (self->workload > 0) {
		kill(self->workload, SIGKILL);
		waitpid(self->workload, NULL, 0);
	}
	scen_teardown(&self->s);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The free blocks of every zone of a snapshot, as KTAP diagnostics. */
static void log_buddy(struct __test_metadata *_metadata, const char *when,
		      const struct snapshot *snap)
{
	for (size_t z = 0; snap && z < snap->buddy.nr_zones; z++) {
		const struct buddy_zone *b = &snap->buddy.zones[z];
		char counts[256];
		size_t used = 0;

		counts[0] = '\0';
		for (int o = 0; o < b->nr_orders && used < sizeof(counts); o++)
			used += (size_t)snprintf(counts + used, sizeof(counts) - used, "%s%llu",
						 o ? "," : "", (unsigned long long)b->free[o]);
		TH_LOG("%s: node %d %-6s free %llu pages, largest free order %d, blocks per order %s",
		       when, b->node, b->zone, (unsigned long long)buddy_zone_free_pages(b),
		       buddy_zone_max_order(b), counts);
	}
}

/* Free blocks of order >= ORDER in one zone of a snapshot; -1: no such zone. */
static long big_blocks(const struct snapshot *snap, int node, const char *zone)
{
	const struct buddy_zone *b = snap ? buddyinfo_find(&snap->buddy, node, zone) : NULL;
	long n = 0;

	if (!b)
		return -1;
	for (int o = ORDER; o < b->nr_orders; o++)
		n += (long)b->free[o];
	return n;
}

/*
 * Drain the untouched large blocks and try once: the state is reached when
 * the drain ran to its end, the try failed, at least one large zone with a
 * quarter of its memory free has no block of order >= ORDER (the zones the
 * workload fragmented, returned in frag[]), and buddyinfo read afterwards
 * (the before snapshot) still shows none there. Rebuilt at most 3 times.
 */
static int drain_and_check(struct __test_metadata *_metadata, struct scenario *s,
			   struct ftc_buddy *frag, int *nr_frag)
{
	int err;

	for (int attempt = 1; attempt <= 3; attempt++) {
		struct ftc_buddy b[ZONES];
		struct ftc_result r = { 0 };
		uint64_t truncated = 0;
		const char *drain;
		int n;

		if (ftc_request(&s->c, "drain above=%d hold=drain; try api=alloc_pages gfp=%s order=%d",
				ORDER - 1, TRY_GFP, ORDER))
			return -EIO;
		n = ftc_parse_buddy(s->c.reply, TRY_STEP, b, ZONES);
		*nr_frag = 0;
		for (int i = 0; i < n; i++)
			if (b[i].managed > LARGE_ZONE && b[i].max_free_order < ORDER &&
			    b[i].free * 4 >= b[i].managed)
				frag[(*nr_frag)++] = b[i];
		drain = ftc_record(s->c.reply, "drain", DRAIN_STEP, 0);
		if (!drain || !ftc_get_u64(drain, "truncated", &truncated))
			truncated = 1;	/* no drain record: nothing to trust */
		if (!ftc_parse_result(s->c.reply, TRY_STEP, &r) && r.failures == 1 &&
		    !truncated && *nr_frag > 0) {
			/* the state as it is just before the write: the before snapshot */
			long big = 0;

			ASSERT_EQ(0, ftr_snapshot_now(s->res, false));
			for (int i = 0; i < *nr_frag; i++)
				big += big_blocks(s->res->before, frag[i].node, frag[i].zone);
			if (!big) {
				SCEN_LOG_BUDDY(s, TRY_STEP);
				return 0;
			}
			TH_LOG("attempt %d: %ld blocks >= order %d came back after the drain "
			       "(freed meanwhile); rebuilding", attempt, big, ORDER);
		} else {
			TH_LOG("attempt %d: state not reached (drain truncated=%llu, try failures=%u, "
			       "fragmented zones %d); rebuilding", attempt,
			       (unsigned long long)truncated, r.failures, *nr_frag);
		}
		TH_LOG("%s", s->c.reply);
		err = ftc_request(&s->c, "free pool=drain");
		if (err && err != -ENOENT)	/* ENOENT: the drain took nothing */
			return err;
	}
	return -EAGAIN;
}

TEST_F_TIMEOUT(scenario, compaction_recovers_movable, 600)
{
	struct scenario *s = &self->s;
	char bin[PATH_MAX], delta[768], zone[16] = "";
	char *argv[] = { bin, "--total", "max", "--ratio", "1:0", "--chunk", "256K", "--holes",
			 "--hold", NULL };
	struct ftc_buddy frag[ZONES];
	struct scen_counters c0, c1;
	struct scen_obs o = { 0 };
	struct ftc_result r;
	const char *where;
	bool zone_was_fragmented = false;
	int nr_frag = 0, errfd;
	double t0, t1;

	wlt_bin("anon_file_mix", bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	/*
	 * SCENARIO_SETUP keeps the per-cpu lists small and fixed: 6.12 lets them
	 * grow to thousands of pages while the holes are freed and hands them
	 * back over the following seconds (decay_pcp_high()): ~3500 pages merged
	 * into order-9/10 blocks between the drain and the write, on the first
	 * run after boot, before the fraction was set.
	 */
	/* start from free memory in large blocks: the holes are the only fragmentation */
	sync();
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/drop_caches", "3"));
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/compact_memory", "1"));
	ftr_timeline_sample(s->res);

	self->workload = wlt_spawn(argv, &errfd);
	ASSERT_GT(self->workload, 0);
	ASSERT_TRUE(wlt_wait_line(errfd, "holding")) TH_LOG("anon_file_mix ended before holding");
	ftr_timeline_sample(s->res);

	ASSERT_EQ(0, drain_and_check(_metadata, s, frag, &nr_frag)) TH_LOG("%s", s->c.reply);
	ftr_timeline_add(s->res, s->res->before);
	log_buddy(_metadata, "before compact_memory", s->res->before);

	scen_counters_read(&c0);
	t0 = mono_s();
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/compact_memory", "1"));
	t1 = mono_s();
	scen_counters_read(&c1);
	ASSERT_EQ(0, ftr_snapshot_now(s->res, true));
	ftr_timeline_add(s->res, s->res->after);
	log_buddy(_metadata, "after compact_memory", s->res->after);
	for (int i = 0; i < SC_NR; i++)
		o.delta.v[i] = c1.v[i] - c0.v[i];
	scen_format_delta(&o, delta, sizeof(delta));
	TH_LOG("compact_memory took %.2f s: %s", t1 - t0, delta);
	ftr_metric(s->res, "compact_memory_s", t1 - t0, "s", FTR_LOWER);
	scen_record(s, "compact_memory", &o);

	/* the compaction scanners ran and moved pages; no allocation stalled on it */
	EXPECT_GT(o.delta.v[SC_COMPACT_MIGRATE_SCANNED], 0);
	EXPECT_GT(o.delta.v[SC_COMPACT_FREE_SCANNED], 0);
	EXPECT_GT(o.delta.v[SC_COMPACT_ISOLATED], 0);
	EXPECT_GT(o.delta.v[SC_PGMIGRATE_SUCCESS], 0);
	EXPECT_EQ(0, o.delta.v[SC_COMPACT_STALL]);
	/* order-9 blocks are back in the zones that had none */
	for (int i = 0; i < nr_frag; i++) {
		long n = big_blocks(s->res->after, frag[i].node, frag[i].zone);

		TH_LOG("node %d %s: free blocks of order >= %d: 0 -> %ld", frag[i].node,
		       frag[i].zone, ORDER, n);
		ftr_metric(s->res, "order9_blocks_after", (double)n, "", FTR_HIGHER);
		EXPECT_GT(n, 0);
	}

	/* and the allocation that failed now succeeds, from one of those zones */
	ASSERT_EQ(0, ftc_request(&s->c, "try api=alloc_pages gfp=%s order=%d", TRY_GFP, ORDER))
		TH_LOG("%s", s->c.reply);
	ASSERT_EQ(0, ftc_parse_result(s->c.reply, 0, &r));
	EXPECT_EQ(1, r.successes) TH_LOG("%s", s->c.reply);
	where = strstr(s->c.reply, "where index=0");
	if (r.successes == 1) {
		ASSERT_NE(NULL, where);
		ASSERT_TRUE(ftc_get_str(where, "zone", zone, sizeof(zone)));
		for (int i = 0; i < nr_frag; i++)
			zone_was_fragmented |= !strcmp(frag[i].zone, zone);
		EXPECT_TRUE(zone_was_fragmented) TH_LOG("the block came from %s", zone);
	}

	kill(self->workload, SIGTERM);
	EXPECT_EQ(0, wlt_wait(self->workload));
	self->workload = 0;
	close(errfd);
	EXPECT_EQ(0, ftc_request(&s->c, "free all"));
}

TEST_HARNESS_MAIN
