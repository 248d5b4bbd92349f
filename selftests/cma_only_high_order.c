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
 * within milliseconds), and released by the next one before anything else
 * runs: while it is held, a GFP_KERNEL order-3 allocation outside CMA can
 * only come from reclaim (opening the trace file needs one on 6.12: a
 * 32 KiB struct trace_iterator); with a page reference in every group too
 * (pin refs=1) one ended in the OOM killer. The state: an unmovable page
 * pinned in every aligned 8-page group of free memory outside the CMA area
 * (pins cannot take CMA pages, so the pin floor of a zone with CMA is
 * raised by its free CMA pages: the non-CMA part goes down to the usual
 * floor and no further), every non-CMA block above order 2 drained, again
 * before the control (kswapd, woken by the failed try, may have freed some).
 * The CMA area stays free, in its large blocks.
 *
 * Asserted: the state from the module's record taken just before the try
 * (no free block of order >= 3 on any list but the CMA one, in any zone; at
 * least half of the CMA area free in blocks of order >= 3) and from
 * /proc/pagetypeinfo before it (CMA pageblocks cover the area, at least
 * half of it free in blocks of order >= 3); the outcome (fails); the path
 * (no direct reclaim or compaction, no OOM kill; the traced order-3 attempt
 * failed); the report (one, order:3, GFP_ATOMIC, free_cma as large).
 * Control, in the same request after draining again: a movable request of
 * the same order and access (GFP_ATOMIC|__GFP_MOVABLE) succeeds, and its
 * page lies in a CMA pageblock.
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
#define MIN_CMA_MB 16		/* eight 2 MiB pageblocks */
#define MB(pages) ((double)(pages) * (double)page_size / 1048576.0)

SCENARIO_FIXTURE("cma_only_high_order", ORDER)

static int try_step;		/* index of the try in the state request */
static int control_step;	/* and of the movable control */
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
static bool cma_only(const char *reply, int step, char *why, size_t len)
{
	struct cma_view v;
	int err = cma_view_read(reply, step, &v);

	if (err) {
		snprintf(why, len, "%s", err == -ENOENT ? "no buddy state in the reply" :
			 "the module did not report the free lists");
		return false;
	}
	if (v.other_max >= ORDER) {
		snprintf(why, len, "zone %s still had an order-%d block on lists %s%s",
			 v.other_zone, v.other_max, v.other_lists,
			 strstr(reply, "truncated=1") ? " (drain ran out of time)" : "");
		return false;
	}
	if (v.cma_high * 2 < cma_pages) {
		snprintf(why, len, "only %.1f MiB of the %.1f MiB CMA area free in blocks >= order %d",
			 MB(v.cma_high), MB(cma_pages), ORDER);
		return false;
	}
	return true;
}

/*
 * Build, try and release, observed as one: the state request, then at once
 * "free all" (see above), then the trace and the kernel log are read. The
 * state request's reply goes to *reply. Rebuilt, at most 5 times, when the
 * record before either try shows the state was not reached.
 */
static int build_try_release(struct __test_metadata *_metadata, struct scenario *s,
			     struct scen_obs *o, const char *req, char **reply)
{
	char why[256];

	for (int attempt = 1; attempt <= 5; attempt++) {
		struct scen_watch w;
		int err, ferr;

		scen_watch_begin(s, &w);
		err = ftc_request(&s->c, "%s", req);
		free(*reply);
		*reply = strdup(s->c.reply);
		ferr = ftc_request(&s->c, "free all");
		o->err = err ? err : ferr;
		scen_watch_end(s, &w, o, MASK);
		if (o->err || !*reply) {
			TH_LOG("%s", *reply ? *reply : "out of memory");
			return o->err ? o->err : -ENOMEM;
		}
		if (cma_only(*reply, try_step, why, sizeof(why)) &&
		    cma_only(*reply, control_step, why, sizeof(why))) {
			o->builds = attempt;
			return 0;
		}
		scen_obs_free(o);
		TH_LOG("attempt %d: state not reached: %s; rebuilding", attempt, why);
	}
	return -EAGAIN;
}

/* The traced call of the movable control: order 3, its mask, succeeded. */
static const struct alloc_call *movable_call(const struct scen_obs *o)
{
	for (size_t i = o->nr_calls; i-- > 0;)
		if (o->calls[i].order == ORDER && !o->calls[i].failed &&
		    strstr(o->calls[i].gfp, "__GFP_MOVABLE"))
			return &o->calls[i];
	return NULL;
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
	struct zoneinfo zi;
	size_t used = 0;
	int steps = 0;

	*cma_zone_pages = 0;
	if (zoneinfo_read(&zi)) {
		snprintf(why, wlen, "/proc/zoneinfo unreadable or unparsable");
		return -EIO;
	}
	for (size_t i = zi.nr_zones; i-- > 0 && used < len;) {
		const struct zoneinfo_zone *z = &zi.zones[i];
		uint64_t floor = z->high + (z->managed / 64 > 256 ? z->managed / 64 : 256);

		if (!z->populated)
			continue;
		used += (size_t)snprintf(req + used, len - used,
					 "pin node=%d zone=%s pattern=group k=%d", z->node,
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
	struct pagetypeinfo pi;
	int cma;

	memset(v, 0, sizeof(*v));
	v->other_max = -1;
	if (pagetypeinfo_read(&pi))
		return -EIO;
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
	struct scen_obs o;
	struct pti_view before;
	struct cma_view at_try, at_control;
	struct ftc_buddy b[ZONES];
	uint64_t cma_zone_pages;
	const struct alloc_call *call, *mcall;
	const struct rp_report *rep;
	struct ftc_result r;
	char req[1536], why[256], delta[512], mt[16], *reply = NULL;
	const char *rec, *missing = cma_missing(why, sizeof(why));
	int steps, n;

	if (missing)
		SKIP(return, "%s", missing);
	/* the area, from pagetypeinfo: CMA pageblocks, free in large blocks */
	ASSERT_EQ(0, pti_view_read(&before)) TH_LOG("/proc/pagetypeinfo has no CMA column");
	TH_LOG("CMA area %.0f MiB in %llu pageblocks of %llu pages; %.1f MiB of it free in blocks >= order %d; largest free order elsewhere %d",
	       MB(cma_pages), (unsigned long long)before.cma_blocks,
	       (unsigned long long)before.pages_per_block, MB(before.cma_high), ORDER,
	       before.other_max);
	ASSERT_LE(cma_pages, before.cma_blocks * before.pages_per_block);
	ASSERT_LE(cma_pages, before.cma_high * 2);
	steps = state_request(req, sizeof(req), &cma_zone_pages, why, sizeof(why));
	ASSERT_LT(0, steps) TH_LOG("%s", why);
	EXPECT_EQ(cma_pages, cma_zone_pages) TH_LOG("CMA pages outside the zones zoneinfo lists");
	try_step = steps + 1;
	control_step = steps + 3;
	snprintf(req + strlen(req), sizeof(req) - strlen(req),
		 "drain above=%d; try api=alloc_pages gfp=" MASK " order=%d; "
		 "drain above=%d; try api=alloc_pages gfp=" MOVABLE_MASK " order=%d",
		 ORDER - 1, ORDER, ORDER - 1, ORDER);
	ftr_param_int(self->s.res, "cma_mb", (int64_t)MB(cma_pages));

	/* no other report in the window: one report means this try's */
	scen_wait_report_window();
	ASSERT_EQ(0, build_try_release(_metadata, &self->s, &o, req, &reply));
	n = ftc_parse_buddy(reply, try_step, b, ZONES);
	for (int i = 0; i < n; i++) {
		char lists[FTC_MAX_ORDERS * 8] = "";
		size_t used = 0;

		for (int k = 0; k < b[i].nr_orders && used < sizeof(lists); k++)
			used += (size_t)snprintf(lists + used, sizeof(lists) - used, "%s%s",
						 k ? "," : "", b[i].lists[k][0] ? b[i].lists[k] : "-");
		TH_LOG("before try: node %d %-6s free %llu of %llu managed, CMA %llu, min %llu, non-empty lists per order %s",
		       b[i].node, b[i].zone, (unsigned long long)b[i].free,
		       (unsigned long long)b[i].managed, (unsigned long long)b[i].cma,
		       (unsigned long long)b[i].min, lists);
	}
	ASSERT_EQ(0, cma_view_read(reply, try_step, &at_try));
	ASSERT_EQ(0, cma_view_read(reply, control_step, &at_control));
	ASSERT_EQ(0, ftc_parse_result(reply, try_step, &r));
	EXPECT_EQ(1, r.failures) TH_LOG("%s", reply);
	ft_record_latency("GFP_ATOMIC order 3 with only CMA blocks", reply, try_step, true);
	call = alloc_call_find(o.calls, o.nr_calls, MASK, ORDER);
	mcall = movable_call(&o);
	scen_format_delta(&o, delta, sizeof(delta));
	TH_LOG("before try: free %.1f MiB (CMA %.1f MiB, %.1f MiB of it in blocks >= order %d, largest CMA order %d); outside CMA %.1f MiB free, largest free order %d",
	       MB(at_try.free), MB(at_try.cma_free), MB(at_try.cma_high), ORDER, at_try.cma_max,
	       MB(at_try.free - at_try.cma_free), at_try.other_max);
	TH_LOG("request: %s; traced " MASK " order-3 attempts %lu, failed %lu; reports %zu; state builds %d",
	       delta, o.trace.attempts[ORDER], o.trace.failures[ORDER], o.reports.n, o.builds);

	/* an atomic request neither reclaims nor compacts, and never OOM-kills */
	EXPECT_EQ(0, o.delta.v[SC_ALLOCSTALL]);
	EXPECT_EQ(0, o.delta.v[SC_COMPACT_STALL]);
	EXPECT_EQ(0, o.delta.v[SC_OOM_KILL]);
	EXPECT_EQ(1, o.trace.attempts[ORDER]);
	EXPECT_EQ(1, o.trace.failures[ORDER]);
	ASSERT_NE(NULL, call) TH_LOG("%zu traced calls kept", o.nr_calls);
	EXPECT_TRUE(call->failed);
	EXPECT_EQ(0, call->reclaims);
	EXPECT_EQ(0, call->compactions);
	/* the report shows the free CMA memory the request could not use */
	EXPECT_EQ(1, scen_reports_of_order(&o, ORDER));
	rep = scen_report(&o, ORDER);
	ASSERT_NE(NULL, rep);
	EXPECT_TRUE(rep->have_names);
	EXPECT_NE(NULL, strstr(rep->mode_names, MASK)) TH_LOG("mode names: %s", rep->mode_names);
	EXPECT_TRUE(rep->have_meminfo);
	EXPECT_LE(cma_pages / 2, (uint64_t)rep->mi_free_cma) TH_LOG("report free_cma %ld pages",
								      rep->mi_free_cma);
	EXPECT_TRUE(o.health_ok) TH_LOG("%s", o.health_problem);

	/*
	 * Control: a movable request of the same order and access may use CMA
	 * (ALLOC_CMA) and is served from a CMA pageblock, with no reclaim or
	 * compaction either.
	 */
	ASSERT_EQ(0, ftc_parse_result(reply, control_step, &r));
	EXPECT_EQ(1, r.successes) TH_LOG("%s", reply);
	rec = ftc_record(reply, "attempt", control_step, 0);
	ASSERT_NE(NULL, rec);
	ASSERT_TRUE(ftc_get_str(rec, "mt", mt, sizeof(mt))) TH_LOG("%s", reply);
	TH_LOG("movable control: page from a %s pageblock; before it outside CMA largest free order %d; traced as %s",
	       mt, at_control.other_max, mcall ? mcall->gfp : "(not found)");
	EXPECT_STREQ("CMA", mt);
	ASSERT_NE(NULL, mcall);
	EXPECT_EQ(0, mcall->reclaims);
	EXPECT_EQ(0, mcall->compactions);

	ftr_metric(self->s.res, "try.cma_free_mb", MB(at_try.cma_free), "MiB", FTR_NEUTRAL);
	ftr_metric(self->s.res, "try.cma_free_order3plus_mb", MB(at_try.cma_high), "MiB",
		   FTR_NEUTRAL);
	ftr_metric(self->s.res, "try.other_free_mb", MB(at_try.free - at_try.cma_free), "MiB",
		   FTR_NEUTRAL);
	ftr_metric(self->s.res, "try.other_largest_order", at_try.other_max, "", FTR_NEUTRAL);
	scen_record(&self->s, "request", &o);
	scen_obs_free(&o);
	free(reply);
}

TEST_HARNESS_MAIN
