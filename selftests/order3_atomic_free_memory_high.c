// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: GFP_ATOMIC order 3 fails while a third of memory is free (field
 * report 003: 800 MB free, order-3 atomic skb allocations failing).
 *
 * An atomic request cannot reclaim or compact: when no free block of order
 * >= 3 exists in the zones it may use, it fails at once, whatever the amount
 * of free memory. The module builds that state in the same call as the try
 * (pin every other page of free memory, drain what is left above order 2),
 * because kswapd and kcompactd rebuild high-order blocks within milliseconds.
 *
 * Asserted: the state (no block >= order 3 in any zone, free >= 30% of the
 * zone), the outcome (fails), the path (allocstall and compact_stall do not
 * move: no direct reclaim, no direct compaction), the tracepoint (a failed
 * order-3 attempt of this process), and warn_alloc: with __GFP_NOWARN no
 * report, without it exactly one, showing order:3 and GFP_ATOMIC.
 */
#include "kselftest_harness.h"
#include "scenario.h"

#define ZONES 16
/*
 * pin keeps one page of every aligned 8-page group, so what is free next to
 * it is in blocks of order <= 2 and 7/8 of the pinned memory is free again;
 * drain takes what is left above order 2.
 */
#define STATE "pin pattern=group k=3; drain above=2; "
#define TRY_STEP 2

SCENARIO_FIXTURE("order3_atomic_free_memory_high", 3)

/*
 * Whether the state before the try is the one asked for: no block of order
 * >= 3 in any zone, and a large zone with at least 30% of its memory free.
 */
static bool state_reached(const struct scenario *s, char *why, size_t len)
{
	struct ftc_buddy b[ZONES];
	int n = ftc_parse_buddy(s->c.reply, TRY_STEP, b, ZONES);

	if (!scen_no_block_from(s, TRY_STEP, 3, why, len))
		return false;
	for (int i = 0; i < n; i++)
		if (b[i].managed > 65536 && b[i].free * 100 >= b[i].managed * 30)
			return true;
	snprintf(why, len, "no large zone kept 30%% of its memory free");
	return false;
}

static int build_and_try(struct __test_metadata *_metadata, struct scenario *s,
			 struct scen_obs *o, const char *step, const char *gfp)
{
	/*
	 * The state is freed in the same call: reading the trace afterwards
	 * opens an iterator of order 3 on 6.12 (order 2 on 6.1), which must not
	 * meet a machine with no block of that order left.
	 */
	int err = scen_build_and_try(_metadata, s, o, gfp, state_reached, NULL,
				     STATE "try api=alloc_pages gfp=%s order=3; free all", gfp);
	struct ftc_buddy b[ZONES];
	uint64_t free = 0, managed = 0;
	char name[64];
	int n;

	if (err)
		return err;
	SCEN_LOG_BUDDY(s, TRY_STEP);
	/* the state it failed in, and the try as the module timed it */
	n = ftc_parse_buddy(s->c.reply, TRY_STEP, b, ZONES);
	for (int i = 0; i < n; i++) {
		free += b[i].free;
		managed += b[i].managed;
	}
	snprintf(name, sizeof(name), "%s.free_pct_at_try", step);
	ftr_metric(s->res, name, managed ? 100.0 * (double)free / (double)managed : 0, "%",
		   FTR_NEUTRAL);
	snprintf(name, sizeof(name), "%s %s order 3", step, gfp);
	ft_record_latency(name, s->c.reply, TRY_STEP, true);
	return 0;
}

TEST_F_TIMEOUT(scenario, order3_atomic_free_memory_high, 600)
{
	struct scen_obs quiet, loud;
	struct ftc_result r;
	const struct rp_report *rep;
	char delta[512];

	/*
	 * warn_alloc prints at most one report per 10 s: wait for the window to
	 * open so that "no report with __GFP_NOWARN" means something. NOWARN
	 * returns before the rate limit is consulted, so the window stays open
	 * for the second try.
	 */
	scen_wait_report_window();
	ASSERT_EQ(0, build_and_try(_metadata, &self->s, &quiet, "nowarn", "GFP_ATOMIC|__GFP_NOWARN"))
		TH_LOG("%s", self->s.c.reply);
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, TRY_STEP, &r));
	EXPECT_EQ(1, r.failures);

	ASSERT_EQ(0, build_and_try(_metadata, &self->s, &loud, "warn", "GFP_ATOMIC"))
		TH_LOG("%s", self->s.c.reply);
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, TRY_STEP, &r));
	EXPECT_EQ(1, r.failures);

	for (int i = 0; i < 2; i++) {
		const struct scen_obs *o = i ? &loud : &quiet;
		const struct alloc_call *call = alloc_call_find(o->calls, o->nr_calls,
				i ? "GFP_ATOMIC" : "GFP_ATOMIC|__GFP_NOWARN", 3);

		scen_format_delta(o, delta, sizeof(delta));
		TH_LOG("%s: %s; traced order-3 attempts %lu, failed %lu; reports %zu",
		       i ? "without NOWARN" : "with NOWARN", delta, o->trace.attempts[3],
		       o->trace.failures[3], o->reports.n);
		/* an atomic request neither reclaims nor compacts */
		EXPECT_EQ(0, o->delta.v[SC_ALLOCSTALL]);
		EXPECT_EQ(0, o->delta.v[SC_COMPACT_STALL]);
		EXPECT_EQ(0, o->delta.v[SC_OOM_KILL]);
		/* the tracepoint saw this call's one order-3 attempt, failed */
		EXPECT_EQ(1, o->trace.attempts[3]);
		EXPECT_EQ(1, o->trace.failures[3]);
		/* and no direct reclaim or compaction ran inside that call */
		ASSERT_NE(NULL, call);
		EXPECT_TRUE(call->failed);
		EXPECT_EQ(0, call->reclaims);
		EXPECT_EQ(0, call->compactions);
		EXPECT_TRUE(o->health_ok) TH_LOG("%s", o->health_problem);
	}
	EXPECT_EQ(0, quiet.reports.n) TH_LOG("__GFP_NOWARN still printed a report");
	EXPECT_EQ(1, scen_reports_of_order(&loud, 3));
	rep = scen_report(&loud, 3);
	ASSERT_NE(NULL, rep);
	EXPECT_TRUE(rep->have_names);
	EXPECT_NE(NULL, strstr(rep->mode_names, "GFP_ATOMIC")) TH_LOG("mode names: %s",
								      rep->mode_names);
	EXPECT_NE(NULL, strstr(rep->comm, "order3")) TH_LOG("comm: %s", rep->comm);
	scen_record(&self->s, "nowarn", &quiet);
	scen_record(&self->s, "warn", &loud);
	scen_obs_free(&quiet);
	scen_obs_free(&loud);
}

TEST_HARNESS_MAIN
