// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: kmalloc(64 KiB, GFP_KERNEL) fails under unmovable fragmentation
 * (field report 001: an order-4 GFP_KERNEL|__GFP_COMP kmalloc failing while
 * free memory is plentiful in blocks of order <= 3).
 *
 * 64 KiB is above the slab caches, so kmalloc takes an order-4 compound page
 * from the page allocator. Order 4 is costly (> PAGE_ALLOC_COSTLY_ORDER):
 * the slow path compacts first (async), then reclaims, compacts again (sync
 * light) and gives up without __GFP_RETRY_MAYFAIL; it never OOM-kills.
 *
 * State (scen_build_unmovable(), held in pools across requests): an
 * unmovable page pinned in every aligned 16-page group of free memory, a
 * page reference in every group in use by others, so that neither reclaim
 * nor migration can empty a group (kswapd, which the try wakes, reclaims
 * page cache; without the references it made the block this test must not
 * find), and every block above order 3 drained. Compaction then finds every
 * group blocked by a page it cannot move.
 *
 * Asserted: the state (no free block >= order 4 in any zone); the outcome
 * (fails); the path (compact_stall and compact_fail rise, no OOM kill; the
 * traced call is a failed order-4 attempt with direct compaction inside);
 * the report (order:4, mode names containing GFP_KERNEL|__GFP_COMP); and
 * once the pins are released, the same call succeeds.
 */
#include "kselftest_harness.h"
#include "scenario.h"

#define TRY_STEP 0
#define KMALLOC_64K "try api=kmalloc gfp=GFP_KERNEL|__GFP_COMP size=64K"
/* As the kernel prints the mask of the order-4 page kmalloc asked for. */
#define MASK "GFP_KERNEL|__GFP_COMP"

SCENARIO_FIXTURE("order4_kmalloc_comp_fragmented", 4)

TEST_F_TIMEOUT(scenario, order4_kmalloc_comp_fragmented, 600)
{
	struct scen_obs frag, released;
	const struct alloc_call *call;
	const struct rp_report *rep;
	struct ftc_result r;
	char delta[512];

	scen_wait_report_window();
	ASSERT_EQ(0, scen_build_and_try(_metadata, &self->s, &frag, MASK, scen_first_try_below4,
					scen_build_unmovable4,
					KMALLOC_64K))
		TH_LOG("%s", self->s.c.reply);
	SCEN_LOG_BUDDY(&self->s, TRY_STEP);
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, TRY_STEP, &r));
	EXPECT_EQ(1, r.failures) TH_LOG("%s", self->s.c.reply);
	call = alloc_call_find(frag.calls, frag.nr_calls, MASK, 4);
	scen_format_delta(&frag, delta, sizeof(delta));
	TH_LOG("fragmented: %s; traced order-4 attempts %lu, failed %lu; direct compactions %d, reclaims %d; reports %zu",
	       delta, frag.trace.attempts[4], frag.trace.failures[4], call ? call->compactions : -1,
	       call ? call->reclaims : -1, frag.reports.n);

	/* costly order: direct compaction ran and failed, no OOM kill */
	EXPECT_LE(1, frag.delta.v[SC_COMPACT_STALL]);
	EXPECT_LE(1, frag.delta.v[SC_COMPACT_FAIL]);
	EXPECT_EQ(0, frag.delta.v[SC_COMPACT_SUCCESS]);
	EXPECT_EQ(0, frag.delta.v[SC_OOM_KILL]);
	ASSERT_NE(NULL, call);
	EXPECT_TRUE(call->failed);
	EXPECT_LE(1, call->compactions);
	EXPECT_EQ(1, scen_reports_of_order(&frag, 4));
	rep = scen_report(&frag, 4);
	ASSERT_NE(NULL, rep);
	EXPECT_TRUE(rep->have_names);
	EXPECT_NE(NULL, strstr(rep->mode_names, MASK)) TH_LOG("mode names: %s", rep->mode_names);
	EXPECT_TRUE(frag.health_ok) TH_LOG("%s", frag.health_problem);

	/* the pins were the cause: without them the same call succeeds */
	ASSERT_EQ(0, ftc_request(&self->s.c, "free all"));
	ASSERT_EQ(0, scen_observe(&self->s, &released, MASK, KMALLOC_64K));
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, 0, &r));
	EXPECT_EQ(1, r.successes) TH_LOG("%s", self->s.c.reply);
	EXPECT_EQ(0, released.delta.v[SC_OOM_KILL]);
	EXPECT_TRUE(released.health_ok) TH_LOG("%s", released.health_problem);

	scen_record(&self->s, "fragmented", &frag);
	scen_record(&self->s, "released", &released);
	scen_obs_free(&frag);
	scen_obs_free(&released);
}

TEST_HARNESS_MAIN
