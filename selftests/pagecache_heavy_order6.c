// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: a page-cache-heavy machine with no free block of order >= 6
 * (field report: 14 GB of page cache, order-6 allocations failing). A
 * non-blocking order-6 request fails there; a GFP_KERNEL one gets its block
 * by direct compaction and/or direct reclaim of that cache.
 *
 * The state must leave that block to reclaim or compaction, not to luck. A
 * costly unmovable request without __GFP_RETRY_MAYFAIL compacts only
 * asynchronously, and asynchronous direct compaction migrates pages only out
 * of pageblocks of the request's own type (suitable_migration_source())
 * into free pages of movable pageblocks (suitable_migration_target()). So
 * the state has page cache inside unmovable pageblocks and free pages in
 * movable ones, built in a 1 GiB VM with an ext4 scratch disk:
 * - on a freshly dropped and compacted machine the module holds every
 *   other page of a movable region M (M_PCT of the largest zone, pin
 *   gfp=movable pattern=alt), then the pages in between too (pool movb); a
 *   drain takes all the other free blocks, unmovably, which makes their
 *   pageblocks unmovable (U), and frees them;
 * - M lies in the upper half of the zone: while it is pinned, the lower
 *   half's free blocks and the zone's free movable order-0 pages are held
 *   (pool low: drain below=50%, then an order-0 alloc). A compaction that
 *   restarts its scanners (__reset_isolation_suitable()) looks for its
 *   free-page targets (movable pageblocks with a free page) only from the
 *   zone's end down to its middle; with none there it put both scanners in
 *   the middle and the GFP_KERNEL try's compactions ended at once,
 *   partial_skipped, and the try failed (2 of 11 one-test runs on 6.1,
 *   with no pageblock of M in the upper half);
 * - one page in every aligned 16-page group of U is pinned: page cache can
 *   then fill U's 15-page holes by fallbacks of order < 4, which take pages
 *   without claiming the pageblock (it stays unmovable);
 * - pagecache_fill fills FILL_PCT of MemTotal with clean page cache (written
 *   with O_DIRECT, read back buffered) in U's holes; what the U pins left
 *   above their floor (large blocks, the first cache to go in and the
 *   first reclaim would free) is filled first, by files deleted after;
 * - the pins and M's first half (pool mov: the even pages) are freed (free
 *   pages scattered in M and U, page cache around each). The even ones:
 *   that restart takes a movable pageblock as a target only if one of the
 *   pages it samples, every 8th from the block's start, is free; with M's
 *   odd pages free it found none in M (6.1);
 * - kswapd and kcompactd are put on the test's CPU at SCHED_IDLE (see
 *   below); then one module request waits until they sleep (settle), lets
 *   the zones' next compaction run and start afresh whatever earlier
 *   tests' compactions left (undefer: no deferral, skip hints cleared,
 *   scanners at the zone's ends), drains any free block >= order 6 that
 *   freeing made, settles again (see build_request()) and tries
 *   GFP_NOWAIT|__GFP_NOWARN order 6, then GFP_KERNEL|__GFP_COMP order 6.
 *   Each try records the buddy state first; info steps before and after
 *   record how full the per-cpu lists were.
 *   (__GFP_NOWARN: printing the failure report over a serial console takes
 *   milliseconds, time enough for the kswapd it woke to rebuild a block.)
 *
 * Asserted: clean page cache >= 70% of MemTotal; before either try (both
 * buddy records) no zone could serve order 6: none has a free block >=
 * order 6, except a zone whose free pages minus the block are within its
 * lowmem_reserve for these requests (the 16 MiB DMA zone); GFP_NOWAIT fails
 * and its traced call ran neither direct reclaim nor direct compaction; the
 * GFP_KERNEL call succeeds and ran direct compaction or direct reclaim (the
 * trace pairs them with the call; compact_stall / allocstall, which only
 * direct work counts, rose); no OOM kill. The rest (pages reclaimed directly
 * and by kswapd, migrations, the per-cpu lists, the pageblock types) is
 * recorded.
 *
 * Asynchronous compaction also ends at the first lock it finds taken (a
 * failed trylock sets cc->contended; __compact_finished() then returns
 * COMPACT_CONTENDED at the next pageblock boundary), and both tries wake
 * kswapd, which reclaims this cache under the LRU lock. On the other CPU
 * that makes the outcome a race, the likeliest reason why 2 of 4 full-suite
 * runs had both compactions give up after 491-666 pages scanned (those runs
 * had no compaction trace). On the test's CPU kswapd runs only when the
 * test's task reschedules, never holding a spinlock then. At their normal
 * policy, though, the kswapd the GFP_NOWAIT try woke preempted the test at
 * the GFP_KERNEL try's first might_sleep(), before its first freelist
 * attempt, and with the kcompactd it woke built the block there: success
 * with no direct work (run 203 on 6.1). At SCHED_IDLE a wakeup does not
 * preempt the test; waiting for them with settle between the tries instead
 * let kcompactd compact the zone, leaving the try's compaction nothing.
 * The trace of each compaction (scanner positions, end status, kswapd's
 * wakes and sleeps) is logged.
 *
 * The first design pinned one page of every 64-page group instead and
 * drained free memory down to near the min watermark: its pageblocks turned
 * movable as the cache filled them, compaction had nothing it could use, and
 * success hung on whether the 64 pages direct reclaim freed formed an
 * aligned block (red in 3 of 7 runs on 6.12). The next, whose undefer only
 * reset the deferral, was red once in 5 runs on 6.12: after gfp_semantics,
 * both of its asynchronous compactions scanned 666 pages between them and
 * gave up (the skip hints and scanner positions earlier compactions left).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "kselftest_harness.h"
#include "pagetypeinfo.h"
#include "scenario.h"
#include "workload_helpers.h"
#include "workload_util.h"

#define ZONES 16
#define ORDER 6
#define FILL_PCT 73	/* pagecache_fill target, % of MemTotal */
#define NEED_PCT 70	/* clean page cache required, % of MemTotal */
#define M_PCT 6		/* the movable region M, % of the largest zone */
#define U_K 4		/* one pin per aligned 2^U_K pages of U: holes of order < 4 */
#define M_GFP "GFP_USER|__GFP_MOVABLE"
/* The last drains take free blocks above this order. */
#define DRAIN_ABOVE (ORDER - 1)
#define NOWAIT_GFP "GFP_NOWAIT|__GFP_NOWARN"
#define KERNEL_GFP "GFP_KERNEL|__GFP_COMP"

/*
 * The request: settle, undefer, one drain per zone name, an info (zone
 * records with the per-cpu list fill), settle again, the two tries,
 * another info.
 */
struct request {
	char text[2048];
	int nr_drains;		/* steps 2 .. nr_drains + 1 */
	int settle2_step, nowait_step, kernel_step;
};

FIXTURE(scenario) {
	struct scenario s;
	char dir[PATH_MAX];
	char prefix[64];
};

FIXTURE_SETUP(scenario)
{
	char why[256];

	self->dir[0] = '\0';
	snprintf(self->prefix, sizeof(self->prefix), "ftpc6-%d-", (int)getpid());
	SCENARIO_SETUP(&self->s, "pagecache_heavy_order6", ORDER);
	ASSERT_EQ(0, trace_compaction_detail(&self->s.trace, (int)getpid(), why, sizeof(why)))
		TH_LOG("%s", why);
}

FIXTURE_TEARDOWN_PARENT(scenario)
{
	/* the cache goes with the files */
	if (self->dir[0])
		wl_remove_prefixed(self->dir, self->prefix);
	scen_teardown(&self->s);
}

/* Clean page cache as a percentage of MemTotal. */
static double clean_cache_pct(void)
{
	uint64_t total = wlt_meminfo("MemTotal"), cached = wlt_meminfo("Cached");
	uint64_t unclean = wlt_meminfo("Shmem") + wlt_meminfo("Dirty") + wlt_meminfo("Writeback");

	if (!total || cached < unclean)
		return 0;
	return (double)(cached - unclean) * 100.0 / (double)total;
}

/* The last traced call of that order whose mask names contain what. */
static const struct alloc_call *find_call(const struct scen_obs *o, int order, const char *what)
{
	for (size_t i = o->nr_calls; i-- > 0;)
		if (o->calls[i].order == order && strstr(o->calls[i].gfp, what))
			return &o->calls[i];
	return NULL;
}

/*
 * Pages on the per-cpu lists as the nth info step of the reply saw them
 * (zone records, one per populated zone): free pages the buddy records do
 * not show, which the allocator's slow path may flush back into blocks.
 */
static uint64_t pcp_pages(const char *reply, int nth_info, int nr_zones)
{
	uint64_t sum = 0, v;

	for (int i = 0; i < nr_zones; i++) {
		const char *rec = ftc_record(reply, "zone", -1, nth_info * nr_zones + i);

		if (rec && ftc_get_u64(rec, "pcp", &v))
			sum += v;
	}
	return sum;
}

/*
 * See struct request. settle first: the pins and pools just freed and the
 * fill may have left kswapd or kcompactd at work, which on the test's CPU
 * runs only while the request sleeps. settle again right before the tries:
 * the request then resumes on a fresh time slice. Without it, the
 * scheduler tick that came after the GFP_NOWAIT try had woken kswapd found
 * the test past its slice (it had run since the first settle, through the
 * drains) and let the SCHED_IDLE kswapd run at the GFP_KERNEL try's first
 * might_sleep(): it and the kcompactd it woke built the block before the
 * try's first freelist attempt (flake run 205 on 6.1). Zone watermarks
 * from the before snapshot.
 */
static int build_request(const struct snapshot *snap, struct request *rq)
{
	char drains[1024];
	int n;

	memset(rq, 0, sizeof(*rq));
	n = ft_drain_steps(&snap->zones, DRAIN_ABOVE, "drain", drains, sizeof(drains));
	if (n <= 0)
		return -ENOENT;
	rq->nr_drains = n;
	rq->settle2_step = n + 3;
	rq->nowait_step = n + 4;
	rq->kernel_step = n + 5;
	if ((size_t)snprintf(rq->text, sizeof(rq->text),
			     "settle; undefer; %sinfo; settle; try api=alloc_pages gfp=%s order=%d; "
			     "try api=alloc_pages gfp=%s order=%d; info",
			     drains, NOWAIT_GFP, ORDER, KERNEL_GFP, ORDER) >= sizeof(rq->text))
		return -E2BIG;
	return 0;
}

/*
 * No zone could serve an order-ORDER request when the try of step index
 * began: none had a free block >= ORDER, or the zone's free pages minus the
 * block are within its lowmem_reserve for requests that may use the Normal
 * zone (GFP_KERNEL and GFP_NOWAIT), so that no watermark lets it be used
 * (the DMA zone, once drained down to near its min).
 */
static bool no_usable_block(const char *reply, const struct snapshot *snap, int index,
			    char *why, size_t len)
{
	struct ftc_buddy b[ZONES];
	int n = ftc_parse_buddy(reply, index, b, ZONES);

	snprintf(why, len, "no buddy state for step %d", index);
	if (n <= 0)
		return false;
	for (int i = 0; i < n; i++) {
		const struct zoneinfo_zone *z = zoneinfo_find(&snap->zones, b[i].node, b[i].zone);
		const struct zoneinfo_zone *normal = zoneinfo_find(&snap->zones, b[i].node,
								    "Normal");
		uint64_t reserve = 0;

		if (b[i].max_free_order < ORDER)
			continue;
		if (z && normal && normal->index < z->nr_protection)
			reserve = z->protection[normal->index];
		if (b[i].free + 1 <= reserve + (1u << ORDER))
			continue;	/* free - (2^ORDER - 1) <= lowmem_reserve: unusable */
		snprintf(why, len, "node %d %s had an order-%d block before step %d "
			 "(free %llu, lowmem_reserve %llu)", b[i].node, b[i].zone,
			 b[i].max_free_order, index, (unsigned long long)b[i].free,
			 (unsigned long long)reserve);
		return false;
	}
	return true;
}

/* Log one of the request's settle records and keep its wait as a metric. */
static void log_settle(struct __test_metadata *_metadata, struct scenario *s, int step,
		       const char *metric)
{
	const char *rec = ftc_record(s->c.reply, "settle", step, 0);
	uint64_t ms;

	if (!rec) {
		TH_LOG("no settle record at step %d", step);
		return;
	}
	TH_LOG("%.*s", (int)strcspn(rec, "\n"), rec);
	if (ftc_get_u64(rec, "waited_ms", &ms))
		ftr_metric(s->res, metric, (double)ms, "ms", FTR_NEUTRAL);
}

/*
 * Drain and try twice in one request; rebuilt (at most 3 times) when a drain
 * ran out of time or a usable block >= ORDER appeared before a try (kswapd,
 * woken by the failed GFP_NOWAIT, may rebuild one in between).
 */
static int drain_and_try(struct __test_metadata *_metadata, struct scenario *s,
			 struct scen_obs *o, struct request *rq)
{
	char why[200];
	int err;

	for (int attempt = 1; attempt <= 3; attempt++) {
		bool truncated = false;
		double pct = clean_cache_pct();

		ASSERT_GE(pct, NEED_PCT) TH_LOG("clean page cache is %.1f%% of MemTotal", pct);
		TH_LOG("clean page cache %.1f%% of MemTotal", pct);
		ASSERT_EQ(0, ftr_snapshot_now(s->res, false));
		ASSERT_EQ(0, build_request(s->res->before, rq));
		if (scen_observe(s, o, NULL, "%s", rq->text))
			return -EIO;
		for (int d = 0; d < rq->nr_drains; d++) {
			const char *drain = ftc_record(s->c.reply, "drain", -1, d);
			uint64_t t = 1;	/* no drain record: nothing to trust */

			if (drain)
				ftc_get_u64(drain, "truncated", &t);
			truncated |= t != 0;
		}
		if (truncated)
			snprintf(why, sizeof(why), "a drain ran out of time");
		else if (no_usable_block(s->c.reply, s->res->before, rq->nowait_step, why,
					 sizeof(why)) &&
			 no_usable_block(s->c.reply, s->res->before, rq->kernel_step, why,
					 sizeof(why)))
			return 0;
		TH_LOG("attempt %d: state not reached: %s; rebuilding", attempt, why);
		scen_obs_free(o);
		err = ftc_request(&s->c, "free pool=drain");
		if (err && err != -ENOENT)	/* ENOENT: the drains took nothing */
			return err;
	}
	return -EAGAIN;
}

/* The pin floor the module requires at least: high + max(256, managed/64). */
static uint64_t pin_floor_min(const struct zoneinfo_zone *z)
{
	return z->high + (z->managed / 64 > 256 ? z->managed / 64 : 256);
}

/* The zone modifier that makes a page allocation start at that zone. */
static const char *zone_modifier(const char *zone)
{
	if (!strcmp(zone, "DMA"))
		return "|__GFP_DMA";
	if (!strcmp(zone, "DMA32"))
		return "|__GFP_DMA32";
	return "";
}

/*
 * Movable order-0 pages free in the zone, which a movable order-0 request
 * takes before it splits a larger block: the buddy list's now, plus the
 * pages z saw on the per-cpu lists (of every type: taking a few too many
 * only splits a block of the upper half).
 */
static uint64_t movable_crumbs(const struct zoneinfo_zone *z)
{
	struct pagetypeinfo pi = { 0 };
	const struct pagetype_zone *pz;
	uint64_t n = z->pcp_pages;
	int t;

	if (pagetypeinfo_read(&pi))
		return n;
	pz = pagetypeinfo_find(&pi, z->node, z->zone);
	t = pagetypeinfo_type_index(&pi, "Movable");
	if (pz && pz->has_free && t >= 0)
		n += pz->free[t][0];
	pagetypeinfo_free(&pi);
	return n;
}

/*
 * Take the free memory of the lower half of (node, zone) into pool low: its
 * blocks (a drain keeping what lies below the middle), then the movable
 * order-0 pages left anywhere in the zone, which M's pin would otherwise
 * take first. What stays free for M is then in blocks of the upper half
 * (see the top of the file). Reads the zone again into *zi. *mid: the
 * zone's middle pfn. 0, or -1 after a failed assertion.
 */
static int hold_lower_half(struct __test_metadata *_metadata, struct scenario *s,
			   struct zoneinfo *zi, int node, const char *zone, uint64_t *mid)
{
	const struct zoneinfo_zone *z = zoneinfo_find(zi, node, zone);
	uint64_t floor, pages = 0, returned = 0, hi = 0, crumbs;
	const char *rec;

	if (!z)
		return -1;
	*mid = z->start_pfn + z->spanned / 2;
	/* as low as the module lets a drain go: what stays free is mostly upper half */
	floor = ft_drain_floor_min(z) + 16;
	ASSERT_EQ(0, ftc_request(&s->c, "drain node=%d zone=%s above=0 below=50%% floor=%llu hold=low",
				 node, zone, (unsigned long long)floor)) {
		TH_LOG("lower half: %s", s->c.reply);
		return -1;
	}
	rec = ftc_record(s->c.reply, "drain", 0, 0);
	TH_LOG("lower half: %.*s", rec ? (int)strcspn(rec, "\n") : 9, rec ? rec : "no record");
	ASSERT_TRUE(rec && ftc_get_u64(rec, "pages", &pages) &&
		    ftc_get_u64(rec, "returned", &returned))
		return -1;
	/* the module's contract: nothing at or above the middle was kept */
	if (pages) {
		ASSERT_TRUE(ftc_get_u64(rec, "pfn_hi", &hi)) return -1;
		ASSERT_LT(hi, *mid) return -1;
	}
	ftr_metric(s->res, "lower_half_held_pages", (double)pages, "", FTR_NEUTRAL);
	crumbs = movable_crumbs(z);
	if (crumbs) {
		ASSERT_EQ(0, ftc_request(&s->c, "alloc api=alloc_pages gfp=" M_GFP "%s order=0 "
					 "count=%llu hold=low", zone_modifier(zone),
					 (unsigned long long)(crumbs < 65536 ? crumbs : 65536))) {
			TH_LOG("order-0 pages: %s", s->c.reply);
			return -1;
		}
		TH_LOG("order-0 pages: %llu movable ones taken too", (unsigned long long)crumbs);
	}
	zoneinfo_free(zi);
	return zoneinfo_read(zi) ? -1 : 0;
}

/*
 * How many of the pages step index got (its first 1024 attempt records)
 * lie at or above mid: M's pin records only its lowest and highest page.
 */
static void log_upper_share(struct __test_metadata *_metadata, const char *reply, int index,
			    uint64_t mid)
{
	uint64_t pfn, up = 0, all = 0;
	const char *rec;

	for (int i = 0; (rec = ftc_record(reply, "attempt", index, i)); i++, all++)
		up += ftc_get_u64(rec, "pfn", &pfn) && pfn >= mid;
	TH_LOG("M: %llu of the first %llu pages taken back lie in the upper half",
	       (unsigned long long)up, (unsigned long long)all);
}

/*
 * M, then U (see the top of the file). M's free pages are held too (pool
 * movb) while the cache fills U, so that none of it lands next to them:
 * reclaim of such cache would rebuild blocks in M at once. *left: the pages
 * the U pins left free above their floors. 0, or -1 after a failed
 * assertion or a SKIP.
 */
static int build_regions(struct __test_metadata *_metadata, struct scenario *s, uint64_t *left)
{
	struct zoneinfo zi = { 0 };
	const struct zoneinfo_zone *z;
	char drains[1024], zone[16];
	uint64_t m, v, mid, lo = 0, hi = 0, held = 0, released = 0;
	const char *rec;
	int n, node;

	if (zoneinfo_read(&zi))
		return -1;
	z = zoneinfo_largest(&zi);	/* where M goes */
	if (!z) {
		zoneinfo_free(&zi);
		return -1;
	}
	node = z->node;
	snprintf(zone, sizeof(zone), "%s", z->zone);
	if (hold_lower_half(_metadata, s, &zi, node, zone, &mid)) {
		zoneinfo_free(&zi);
		return -1;
	}
	z = zoneinfo_find(&zi, node, zone);
	m = z->managed / 100 * M_PCT;
	if (z->free < m + pin_floor_min(z)) {
		TH_LOG("node %d %s: %llu pages free in its upper half, M needs %llu above %llu",
		       node, zone, (unsigned long long)z->free, (unsigned long long)m,
		       (unsigned long long)pin_floor_min(z));
		zoneinfo_free(&zi);
		SKIP(return -1, "too little free memory for the movable region");
	}
	/* M: m pages, every other one held (mov), the others then too (movb) */
	n = ftc_request(&s->c, "pin node=%d zone=%s gfp=" M_GFP " pattern=alt floor=%llu hold=mov",
			node, zone, (unsigned long long)(z->free - m));
	rec = ftc_record(s->c.reply, "pin", 0, 0);
	if (n || !rec || !ftc_get_u64(rec, "kept", &held) ||
	    !ftc_get_u64(rec, "released", &released) || !ftc_get_u64(rec, "pfn_lo", &lo) ||
	    !ftc_get_u64(rec, "pfn_hi", &hi)) {
		zoneinfo_free(&zi);
		EXPECT_EQ(0, n) TH_LOG("M: %s", s->c.reply);
		return -1;
	}
	TH_LOG("M: %.*s (zone middle %#llx)", (int)strcspn(rec, "\n"), rec,
	       (unsigned long long)mid);
	ftr_metric(s->res, "movable_region_pfn_lo", (double)lo, "", FTR_NEUTRAL);
	ftr_metric(s->res, "movable_region_pfn_hi", (double)hi, "", FTR_NEUTRAL);
	/* the state asked for: M in the upper half, where a restart looks for targets */
	ASSERT_GE(hi, mid) {
		zoneinfo_free(&zi);
		return -1;
	}
	n = ftc_request(&s->c, "free pool=low; alloc api=alloc_pages gfp=" M_GFP
			" order=0 count=%llu hold=movb", (unsigned long long)released);
	rec = ftc_record(s->c.reply, "result", 1, 0);
	if (n || !rec || !ftc_get_u64(rec, "successes", &v)) {
		zoneinfo_free(&zi);
		EXPECT_EQ(0, n) TH_LOG("M: %s", s->c.reply);
		return -1;
	}
	TH_LOG("M: %llu pages held, %llu of its %llu free pages taken back",
	       (unsigned long long)held, (unsigned long long)v, (unsigned long long)released);
	log_upper_share(_metadata, s->c.reply, 1, mid);
	ftr_metric(s->res, "movable_region_pages", (double)(held + v), "", FTR_NEUTRAL);
	/* the rest, taken unmovably (their pageblocks turn unmovable) and freed */
	n = ft_drain_steps(&zi, 0, "conv", drains, sizeof(drains));
	zoneinfo_free(&zi);
	ASSERT_GT(n, 0) return -1;
	ASSERT_EQ(0, ftc_request(&s->c, "%sfree pool=conv", drains)) {
		TH_LOG("U: %s", s->c.reply);
		return -1;
	}
	for (int i = 0; (rec = ftc_record(s->c.reply, "drain", -1, i)); i++)
		TH_LOG("U: %.*s", (int)strcspn(rec, "\n"), rec);
	/* U: one pin in every 2^U_K pages, in every zone down to its floor */
	ASSERT_EQ(0, ftc_request(&s->c, "pin pattern=group k=%d hold=pin", U_K)) {
		TH_LOG("U: %s", s->c.reply);
		return -1;
	}
	for (int i = 0; (rec = ftc_record(s->c.reply, "pin", 0, i)); i++) {
		uint64_t holes = 0;

		TH_LOG("U: %.*s", (int)strcspn(rec, "\n"), rec);
		/* free after the pin: its holes, and what it left above its floor */
		if (ftc_get_u64(rec, "free_after", &v) && ftc_get_u64(rec, "released", &holes) &&
		    v > holes)
			*left += v - holes;
	}
	EXPECT_EQ(NULL, strstr(s->c.reply, "interrupted=1"));
	return 0;
}

TEST_F_TIMEOUT(scenario, pagecache_heavy_order6, 900)
{
	struct scenario *s = &self->s;
	const char *scratch = getenv("FRAGTEST_SCRATCH");
	char bin[PATH_MAX], target[16], out[8192], delta[768], reply[16384];
	char first_target[32], first_prefix[80];
	char *argv[] = { bin, "--dir", self->dir, "--mode", "read", "--target", target,
			 "--keep", "--quiet", "--prefix", self->prefix, NULL };
	char *first_argv[] = { bin, "--dir", self->dir, "--mode", "read", "--target",
			       first_target, "--keep", "--quiet", "--prefix", first_prefix, NULL };
	uint64_t left = 0;
	int deferred_zones = 0, moved;
	char why[256];
	const struct alloc_call *nowait, *kernel;
	struct ftc_result r_nowait, r_kernel;
	struct scen_obs o;
	struct request rq;
	char where_key[32];
	const char *where;
	struct statvfs sv;
	uint64_t need, pcp0, pcp1;
	int nr_zones;
	int64_t v;

	wlt_bin("pagecache_fill", bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	if (!scratch || !*scratch)
		SKIP(return, "FRAGTEST_SCRATCH is not set (needs a disk-backed file system for clean page cache)");
	snprintf(self->dir, sizeof(self->dir), "%.200s/pagecache_heavy_order6", scratch);
	if (mkdir(self->dir, 0700) && errno != EEXIST)
		SKIP(return, "mkdir %.200s: %s", self->dir, strerror(errno));
	need = wlt_meminfo("MemTotal") / 100 * (FILL_PCT + 5);
	ASSERT_EQ(0, statvfs(self->dir, &sv));
	if ((uint64_t)sv.f_bavail * sv.f_frsize < need)
		SKIP(return, "%.200s has %llu MiB free, the page cache needs %llu MiB", self->dir,
		     (unsigned long long)((uint64_t)sv.f_bavail * sv.f_frsize >> 20),
		     (unsigned long long)(need >> 20));
	snprintf(target, sizeof(target), "%d%%", FILL_PCT);
	ftr_param_int(s->res, "fill_pct", FILL_PCT);
	ftr_param_int(s->res, "order", ORDER);

	/* the regions: start with as much memory free as possible */
	sync();
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/drop_caches", "3"));
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/compact_memory", "1"));
	ftr_timeline_sample(s->res);
	if (build_regions(_metadata, s, &left))
		return;
	ftr_timeline_sample(s->res);

	/*
	 * What the U pins left free is in large blocks: the first cache takes
	 * them whole, turns their pageblocks movable and would be the first
	 * that reclaim frees, rebuilding blocks there at once. That first cache
	 * goes in files of its own, deleted once the rest is in.
	 */
	snprintf(first_target, sizeof(first_target), "%lluK",
		 (unsigned long long)(left + left / 4) * (uint64_t)(getpagesize() / 1024));
	snprintf(first_prefix, sizeof(first_prefix), "%sfirst", self->prefix);
	if (left)
		ASSERT_EQ(0, wlt_run(first_argv, out, sizeof(out)))
			TH_LOG("pagecache_fill: %s", out);
	ASSERT_EQ(0, wlt_run(argv, out, sizeof(out))) TH_LOG("pagecache_fill: %s", out);
	if (wlt_json_i64(out, "cached_delta_bytes", &v))
		TH_LOG("pagecache_fill: page cache grew by %lld MiB", (long long)(v >> 20));
	wl_remove_prefixed(self->dir, first_prefix);
	ftr_timeline_sample(s->res);
	/* scattered free pages in M and U, page cache around each */
	ASSERT_EQ(0, ftc_request(&s->c, "free pool=pin; free pool=mov")) TH_LOG("%s", s->c.reply);
	/*
	 * The GFP_KERNEL try's compactions are asynchronous and end at the
	 * first contended lock: the kswapd the tries wake must not reclaim
	 * on the other CPU meanwhile, nor preempt the test on this one
	 * (SCHED_IDLE; see the top of the file).
	 */
	moved = scen_confine_reclaimers(s, why, sizeof(why));
	ASSERT_LT(0, moved) TH_LOG("%s", why);
	TH_LOG("%d kswapd/kcompactd threads confined to CPU %d with the test", moved,
	       sched_getcpu());

	ASSERT_EQ(0, drain_and_try(_metadata, s, &o, &rq)) TH_LOG("%s", s->c.reply);
	TH_LOG("request: %s", rq.text);
	log_settle(_metadata, s, 0, "settle_ms");
	log_settle(_metadata, s, rq.settle2_step, "settle_before_tries_ms");
	/* what earlier compactions had left in each zone, before undefer */
	for (int i = 0; (where = ftc_record(s->c.reply, "undefer", 1, i)); i++) {
		uint64_t shift = 0;

		TH_LOG("%.*s", (int)strcspn(where, "\n"), where);
		if (ftc_get_u64(where, "defer_shift", &shift) && shift)
			deferred_zones++;
	}
	ftr_metric(s->res, "zones_deferred_before_undefer", deferred_zones, "", FTR_NEUTRAL);
	ASSERT_EQ(0, ftr_snapshot_now(s->res, true));
	ftr_timeline_add(s->res, s->res->after);
	snprintf(reply, sizeof(reply), "%s", s->c.reply);
	SCEN_LOG_BUDDY(s, rq.nowait_step);
	ASSERT_EQ(0, ftc_parse_result(reply, rq.nowait_step, &r_nowait));
	ASSERT_EQ(0, ftc_parse_result(reply, rq.kernel_step, &r_kernel));
	nowait = find_call(&o, ORDER, "GFP_NOWAIT");
	kernel = find_call(&o, ORDER, "GFP_KERNEL");
	scen_format_delta(&o, delta, sizeof(delta));
	TH_LOG("request: %s", delta);
	if (nowait)
		TH_LOG("traced %s: %s, direct reclaim %d, direct compaction %d", nowait->gfp,
		       nowait->failed ? "failed" : "succeeded", nowait->reclaims,
		       nowait->compactions);
	if (kernel)
		TH_LOG("traced %s: %s, direct reclaim %d, direct compaction %d", kernel->gfp,
		       kernel->failed ? "failed" : "succeeded", kernel->reclaims,
		       kernel->compactions);
	nr_zones = ftc_count_records(reply, "buddy", rq.nowait_step);
	pcp0 = pcp_pages(reply, 0, nr_zones);
	pcp1 = pcp_pages(reply, 1, nr_zones);
	TH_LOG("per-cpu lists: %llu pages before the tries, %llu after",
	       (unsigned long long)pcp0, (unsigned long long)pcp1);
	ftr_metric(s->res, "pcp_pages_before", (double)pcp0, "", FTR_NEUTRAL);
	ftr_metric(s->res, "pcp_pages_after", (double)pcp1, "", FTR_NEUTRAL);
	snprintf(where_key, sizeof(where_key), "where index=%d", rq.kernel_step);
	where = strstr(reply, where_key);
	if (where)
		TH_LOG("GFP_KERNEL block: %.*s", (int)strcspn(where, "\n"), where);
	scen_log_compaction(_metadata, s, 80);
	scen_record(s, "request", &o);
	ftr_metric(s->res, "clean_cache_pct", clean_cache_pct(), "%", FTR_NEUTRAL);

	/* GFP_NOWAIT: no block, no direct reclaim or compaction: fails */
	EXPECT_EQ(1, r_nowait.failures);
	ASSERT_NE(NULL, nowait) TH_LOG("no traced order-%d GFP_NOWAIT call", ORDER);
	EXPECT_TRUE(nowait->failed);
	EXPECT_EQ(0, nowait->reclaims);
	EXPECT_EQ(0, nowait->compactions);
	/* GFP_KERNEL: the same state, and it gets the block by direct work */
	EXPECT_EQ(1, r_kernel.successes) TH_LOG("%s", reply);
	ASSERT_NE(NULL, kernel) TH_LOG("no traced order-%d GFP_KERNEL call", ORDER);
	EXPECT_FALSE(kernel->failed);
	EXPECT_GE(kernel->reclaims + kernel->compactions, 1);
	/* only direct reclaim and direct compaction count these; GFP_NOWAIT cannot */
	EXPECT_GE(o.delta.v[SC_ALLOCSTALL] + o.delta.v[SC_COMPACT_STALL], 1);
	EXPECT_EQ(0, o.delta.v[SC_OOM_KILL]);
	EXPECT_TRUE(o.health_ok) TH_LOG("%s", o.health_problem);
	scen_obs_free(&o);
	EXPECT_EQ(0, ftc_request(&s->c, "free all"));
}

TEST_HARNESS_MAIN
