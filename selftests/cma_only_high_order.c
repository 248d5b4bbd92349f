// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: GFP_ATOMIC order 3 fails while a CMA area holds plenty of free
 * memory in large blocks (the "migratetype" cause of a failure report whose
 * Mem-Info shows high free_cma and free blocks of every order, all of them
 * marked (C)).
 *
 * Pages of CMA pageblocks may only back movable allocations (ALLOC_CMA is
 * set for MIGRATE_MOVABLE requests only). For any other request the zone
 * watermark check subtracts the free CMA pages and looks for a free block of
 * the order on the unmovable, movable, reclaimable (and, for atomic
 * requests, highatomic) lists only; rmqueue's fallbacks never take a CMA
 * block either. So an unmovable request fails when the only free blocks of
 * its order are in the CMA area, however much of it is free.
 *
 * State, built and tried in one request (kswapd and kcompactd rebuild blocks
 * within milliseconds): an unmovable page pinned in every aligned 8-page
 * group of free memory outside the CMA area (pins cannot take CMA pages, so
 * the pin floor of a zone with CMA is raised by its free CMA pages: the
 * non-CMA part goes down to the usual floor and no further), a reference on
 * a page of every group in use by others, every non-CMA block above order 2
 * drained. The CMA area stays free, in its large blocks.
 *
 * Asserted: the state from the module's record taken just before the try
 * (no free block of order >= 3 on any list but the CMA one, in any zone; at
 * least half of the CMA area free in blocks of order >= 3) and from
 * /proc/pagetypeinfo (CMA pageblocks exist, with free blocks of order >= 3);
 * the outcome (fails); the path (no direct reclaim or compaction, no OOM
 * kill; the traced order-3 attempt failed); the report (one, order:3,
 * GFP_ATOMIC, free_cma as large). Control: in the same pinned state a
 * movable request of the same order and access (GFP_ATOMIC|__GFP_MOVABLE)
 * succeeds, and its page lies in a CMA pageblock.
 *
 * Needs CONFIG_CMA (SKIP "CONFIG_CMA not set": no CmaTotal in /proc/meminfo)
 * and an area reserved at boot (`cma=128M`, which CONFIG_DMA_CMA parses):
 * the VM profile "cma" in selftests/vm-profiles boots it so.
 */
#include "kselftest_harness.h"
#include "scenario.h"
#include "meminfo.h"
#include "pagetypeinfo.h"
#include "zoneinfo.h"

#define ZONES 16
#define ORDER 3
#define MASK "GFP_ATOMIC"
#define MOVABLE_MASK "GFP_ATOMIC|__GFP_MOVABLE|__GFP_NOWARN"
#define CONTROL_STEP 1		/* "drain above=2; try ..." */
#define MIN_CMA_MB 16		/* eight 2 MiB pageblocks */
#define MB(pages) ((double)(pages) * (double)page_size / 1048576.0)

SCENARIO_FIXTURE("cma_only_high_order", ORDER)

static int try_step;		/* index of the try in the state request */
static uint64_t cma_pages;	/* CmaTotal, in pages */
static long page_size;

/* What a buddy record (of one step, all zones) says about CMA and the rest. */
struct cma_view {
	uint64_t free, managed, cma_free;
	uint64_t cma_high;	/* free pages in blocks >= ORDER on the CMA list alone */
	int other_max;		/* largest order with a block on another list; -1 none */
	int cma_max;		/* largest order with a CMA block; -1 none */
	char other_zone[FT_ZONE_NAME_LEN], other_lists[8];
};

static int cma_view_read(const char *reply, int step, struct cma_view *v)
{
	struct ftc_buddy b[ZONES];
	int n = ftc_parse_buddy(reply, step, b, ZONES);

	memset(v, 0, sizeof(*v));
	v->other_max = -1;
	v->cma_max = -1;
	if (n <= 0)
		return -ENOENT;
	for (int i = 0; i < n; i++) {
		if (!b[i].have_lists)
			return -EPROTO;
		v->free += b[i].free;
		v->managed += b[i].managed;
		v->cma_free += b[i].cma;
		for (int o = 0; o < b[i].nr_orders; o++) {
			const char *l = b[i].lists[o];
			bool cma = strchr(l, 'C'), other = l[strspn(l, "C")] != '\0';

			if (!b[i].nr_free[o])
				continue;
			if (cma && o > v->cma_max)
				v->cma_max = o;
			if (cma && !other && o >= ORDER)
				v->cma_high += b[i].nr_free[o] << o;
			if (other && o > v->other_max) {
				v->other_max = o;
				snprintf(v->other_zone, sizeof(v->other_zone), "%s", b[i].zone);
				snprintf(v->other_lists, sizeof(v->other_lists), "%s", l);
			}
		}
	}
	return 0;
}

/* Only CMA blocks at order >= ORDER, and at least half of the area free in them. */
static bool cma_only(const struct scenario *s, int step, char *why, size_t len)
{
	struct cma_view v;
	int err = cma_view_read(s->c.reply, step, &v);

	if (err) {
		snprintf(why, len, "%s", err == -ENOENT ? "no buddy state in the reply" :
			 "the module did not report the free lists");
		return false;
	}
	if (v.other_max >= ORDER) {
		snprintf(why, len, "zone %s still had an order-%d block on lists %s%s",
			 v.other_zone, v.other_max, v.other_lists,
			 strstr(s->c.reply, "truncated=1") ? " (drain ran out of time)" : "");
		return false;
	}
	if (v.cma_high * 2 < cma_pages) {
		snprintf(why, len, "only %.1f MiB of the %.1f MiB CMA area free in blocks >= order %d",
			 MB(v.cma_high), MB(cma_pages), ORDER);
		return false;
	}
	return true;
}

static bool state_reached(const struct scenario *s, char *why, size_t len)
{
	return cma_only(s, try_step, why, len);
}

/* Why this kernel cannot run the scenario, or NULL; CmaTotal into cma_pages. */
static const char *cma_missing(char *why, size_t len)
{
	struct parse_error err;
	struct meminfo mi;
	uint64_t total, freed;

	if (meminfo_read(-1, &mi, &err)) {
		snprintf(why, len, "/proc/meminfo unreadable");
		return why;
	}
	if (!meminfo_get(&mi, "CmaTotal", &total))
		return "CONFIG_CMA not set";
	if (!total)
		return "no CMA area reserved (CmaTotal 0 kB): boot with cma=SIZE (needs CONFIG_DMA_CMA)";
	if (total < (uint64_t)MIN_CMA_MB << 20) {
		snprintf(why, len, "CMA area of %llu kB is below %d MiB: boot with cma=128M",
			 (unsigned long long)(total >> 10), MIN_CMA_MB);
		return why;
	}
	if (meminfo_get(&mi, "CmaFree", &freed) && freed * 2 < total) {
		snprintf(why, len, "only %llu of %llu kB of the CMA area free before the test",
			 (unsigned long long)(freed >> 10), (unsigned long long)(total >> 10));
		return why;
	}
	page_size = sysconf(_SC_PAGESIZE);
	cma_pages = total / (uint64_t)page_size;
	return NULL;
}

/*
 * The state request: a pin step per populated zone, highest first; in a
 * zone with CMA the floor is the module's default (high watermark + margin)
 * plus its free CMA pages, which no pin can take, plus some slack for CMA
 * pages freed meanwhile. Returns the number of steps before the drain.
 */
static int state_request(char *req, size_t len, uint64_t *cma_zone_pages, char *why,
			 size_t wlen)
{
	struct parse_error err;
	struct zoneinfo zi;
	struct text_buf t;
	size_t used = 0;
	int steps = 0;

	*cma_zone_pages = 0;
	if (text_read_file("/proc/zoneinfo", &t)) {
		snprintf(why, wlen, "/proc/zoneinfo unreadable");
		return -EIO;
	}
	if (zoneinfo_parse(t.data, t.len, &zi, &err)) {
		text_free(&t);
		snprintf(why, wlen, "/proc/zoneinfo unparsable");
		return -EPROTO;
	}
	text_free(&t);
	for (size_t i = zi.nr_zones; i-- > 0 && used < len;) {
		const struct zoneinfo_zone *z = &zi.zones[i];
		uint64_t floor = z->high + (z->managed / 64 > 256 ? z->managed / 64 : 256);

		if (!z->populated)
			continue;
		used += (size_t)snprintf(req + used, len - used,
					 "pin node=%d zone=%s pattern=group k=%d refs=1", z->node,
					 z->zone, ORDER);
		if (z->has_nr_free_cma && z->nr_free_cma)
			used += (size_t)snprintf(req + used, len - used, " floor=%llu",
						 (unsigned long long)(floor + z->nr_free_cma + 256));
		used += (size_t)snprintf(req + used, len - used, "; ");
		*cma_zone_pages += z->cma;
		steps++;
	}
	zoneinfo_free(&zi);
	if (used >= len || steps > 12) {
		snprintf(why, wlen, "too many zones for one request");
		return -E2BIG;
	}
	return steps;
}

/* CMA pageblocks and free CMA blocks >= ORDER, largest other free order, from pagetypeinfo. */
struct pti_view {
	uint64_t cma_blocks, cma_high, pages_per_block;
	int other_max;
};

static int pti_view_read(struct pti_view *v)
{
	struct parse_error err;
	struct pagetypeinfo pi;
	struct text_buf t;
	int cma;

	memset(v, 0, sizeof(*v));
	v->other_max = -1;
	if (text_read_file("/proc/pagetypeinfo", &t))
		return -EIO;
	if (pagetypeinfo_parse(t.data, t.len, &pi, &err)) {
		text_free(&t);
		return -EPROTO;
	}
	text_free(&t);
	v->pages_per_block = pi.pages_per_block;
	cma = pagetypeinfo_type_index(&pi, "CMA");
	for (size_t z = 0; cma >= 0 && z < pi.nr_zones; z++) {
		const struct pagetype_zone *pz = &pi.zones[z];

		v->cma_blocks += pz->blocks[cma];
		for (int mt = 0; mt < pi.nr_types; mt++)
			for (int o = 0; o < pi.nr_orders; o++) {
				if (!pz->free[mt][o])
					continue;
				if (mt == cma && o >= ORDER)
					v->cma_high += pz->free[mt][o] << o;
				if (mt != cma && o > v->other_max)
					v->other_max = o;
			}
	}
	pagetypeinfo_free(&pi);
	return cma >= 0 ? 0 : -ENOENT;
}

TEST_F_TIMEOUT(scenario, cma_only_high_order, 600)
{
	struct scen_obs frag, movable;
	struct pti_view before, held;
	struct cma_view at_try, at_control;
	uint64_t cma_zone_pages;
	const struct alloc_call *call;
	const struct rp_report *rep;
	struct ftc_result r;
	char req[1536], why[256], delta[512], mt[16];
	const char *rec, *missing = cma_missing(why, sizeof(why));
	int steps;

	if (missing)
		SKIP(return, "%s", missing);
	ASSERT_EQ(0, pti_view_read(&before)) TH_LOG("/proc/pagetypeinfo has no CMA column");
	TH_LOG("CMA area %.0f MiB in %llu pageblocks of %llu pages", MB(cma_pages),
	       (unsigned long long)before.cma_blocks, (unsigned long long)before.pages_per_block);
	ASSERT_LE(cma_pages, before.cma_blocks * before.pages_per_block);
	steps = state_request(req, sizeof(req), &cma_zone_pages, why, sizeof(why));
	ASSERT_LT(0, steps) TH_LOG("%s", why);
	EXPECT_EQ(cma_pages, cma_zone_pages) TH_LOG("CMA pages outside the zones zoneinfo lists");
	try_step = steps + 1;
	ftr_param_int(self->s.res, "cma_mb", (int64_t)MB(cma_pages));

	/* no other report in the window: one report means this try's */
	scen_wait_report_window();
	ASSERT_EQ(0, scen_build_and_try(_metadata, &self->s, &frag, MASK, state_reached, NULL,
					"%sdrain above=%d; try api=alloc_pages gfp=" MASK " order=%d",
					req, ORDER - 1, ORDER))
		TH_LOG("%s", self->s.c.reply);
	SCEN_LOG_BUDDY(&self->s, try_step);
	ASSERT_EQ(0, cma_view_read(self->s.c.reply, try_step, &at_try));
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, try_step, &r));
	EXPECT_EQ(1, r.failures) TH_LOG("%s", self->s.c.reply);
	ft_record_latency("GFP_ATOMIC order 3 with only CMA blocks", self->s.c.reply, try_step,
			  true);
	call = alloc_call_find(frag.calls, frag.nr_calls, MASK, ORDER);
	scen_format_delta(&frag, delta, sizeof(delta));
	TH_LOG("before try: free %.1f MiB (CMA %.1f MiB, %.1f MiB of it in blocks >= order %d, largest CMA order %d); outside CMA %.1f MiB free, largest free order %d",
	       MB(at_try.free), MB(at_try.cma_free), MB(at_try.cma_high), ORDER, at_try.cma_max,
	       MB(at_try.free - at_try.cma_free), at_try.other_max);
	TH_LOG("try: %s; traced order-3 attempts %lu, failed %lu; reports %zu; state builds %d",
	       delta, frag.trace.attempts[ORDER], frag.trace.failures[ORDER], frag.reports.n,
	       frag.builds);

	/* an atomic request neither reclaims nor compacts, and never OOM-kills */
	EXPECT_EQ(0, frag.delta.v[SC_ALLOCSTALL]);
	EXPECT_EQ(0, frag.delta.v[SC_COMPACT_STALL]);
	EXPECT_EQ(0, frag.delta.v[SC_OOM_KILL]);
	EXPECT_EQ(1, frag.trace.attempts[ORDER]);
	EXPECT_EQ(1, frag.trace.failures[ORDER]);
	ASSERT_NE(NULL, call);
	EXPECT_TRUE(call->failed);
	EXPECT_EQ(0, call->reclaims);
	EXPECT_EQ(0, call->compactions);
	/* the report shows the free CMA memory the request could not use */
	EXPECT_EQ(1, scen_reports_of_order(&frag, ORDER));
	rep = scen_report(&frag, ORDER);
	ASSERT_NE(NULL, rep);
	EXPECT_TRUE(rep->have_names);
	EXPECT_NE(NULL, strstr(rep->mode_names, MASK)) TH_LOG("mode names: %s", rep->mode_names);
	EXPECT_TRUE(rep->have_meminfo);
	EXPECT_LE(cma_pages / 2, (uint64_t)rep->mi_free_cma) TH_LOG("report free_cma %ld pages",
								      rep->mi_free_cma);
	EXPECT_TRUE(frag.health_ok) TH_LOG("%s", frag.health_problem);

	/* pagetypeinfo, the pins still held: the free CMA blocks are there */
	ASSERT_EQ(0, pti_view_read(&held));
	TH_LOG("pagetypeinfo with the pins held: CMA free in blocks >= order %d: %.1f MiB; largest free order elsewhere %d",
	       ORDER, MB(held.cma_high), held.other_max);
	EXPECT_LE(cma_pages / 2, held.cma_high);
	/* the result file's "after" snapshot shows this state, not the one after free all */
	ASSERT_EQ(0, ftr_snapshot_now(self->s.res, true));

	/*
	 * Control: a movable request of the same order and access may use CMA
	 * (ALLOC_CMA) and is served from a CMA pageblock. Drained again first:
	 * kswapd, woken by the failed try, may have freed blocks meanwhile.
	 */
	ASSERT_EQ(0, scen_observe(&self->s, &movable, NULL,
				  "drain above=%d; try api=alloc_pages gfp=" MOVABLE_MASK " order=%d",
				  ORDER - 1, ORDER))
		TH_LOG("%s", self->s.c.reply);
	EXPECT_TRUE(cma_only(&self->s, CONTROL_STEP, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, cma_view_read(self->s.c.reply, CONTROL_STEP, &at_control));
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, CONTROL_STEP, &r));
	EXPECT_EQ(1, r.successes) TH_LOG("%s", self->s.c.reply);
	rec = ftc_record(self->s.c.reply, "attempt", CONTROL_STEP, 0);
	ASSERT_NE(NULL, rec);
	ASSERT_TRUE(ftc_get_str(rec, "mt", mt, sizeof(mt))) TH_LOG("%s", self->s.c.reply);
	scen_format_delta(&movable, delta, sizeof(delta));
	TH_LOG("movable control: page from a %s pageblock; outside CMA largest free order %d; %s",
	       mt, at_control.other_max, delta);
	EXPECT_STREQ("CMA", mt);
	EXPECT_EQ(0, movable.delta.v[SC_ALLOCSTALL]);
	EXPECT_EQ(0, movable.delta.v[SC_COMPACT_STALL]);
	EXPECT_TRUE(movable.health_ok) TH_LOG("%s", movable.health_problem);
	ASSERT_EQ(0, ftc_request(&self->s.c, "free all"));

	ftr_metric(self->s.res, "try.cma_free_mb", MB(at_try.cma_free), "MiB", FTR_NEUTRAL);
	ftr_metric(self->s.res, "try.cma_free_order3plus_mb", MB(at_try.cma_high), "MiB",
		   FTR_NEUTRAL);
	ftr_metric(self->s.res, "try.other_free_mb", MB(at_try.free - at_try.cma_free), "MiB",
		   FTR_NEUTRAL);
	ftr_metric(self->s.res, "try.other_largest_order", at_try.other_max, "", FTR_NEUTRAL);
	scen_record(&self->s, "try", &frag);
	scen_record(&self->s, "movable", &movable);
	scen_obs_free(&frag);
	scen_obs_free(&movable);
}

TEST_HARNESS_MAIN
