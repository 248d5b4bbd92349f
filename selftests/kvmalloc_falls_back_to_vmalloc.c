// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: kvmalloc falls back to vmalloc where kmalloc fails (field report
 * 002: an order-6 kmalloc in veth queue setup, fixed upstream by commit
 * 1ce7d306ea63 "veth: try harder when allocating queue memory", which
 * switched to kvcalloc with __GFP_RETRY_MAYFAIL).
 *
 * In a state with no free block above order 3 (scen_build_unmovable(): an
 * unmovable page pinned in every aligned 16-page group, references on the
 * groups in use by others, what is left above order 3 drained; see
 * order4_kmalloc_comp_fragmented.c), in one request:
 *   kmalloc(256 KiB, GFP_KERNEL)                      fails (an order-6 page)
 *   kvmalloc(256 KiB, GFP_KERNEL|__GFP_RETRY_MAYFAIL) succeeds, vmalloc memory
 *   kvmalloc(256 KiB, GFP_ATOMIC)                     fails, no fallback:
 *       vmalloc may sleep, so kvmalloc tries kmalloc only for a mask that
 *       cannot (6.1: any mask short of GFP_KERNEL; 6.12: a non-blocking one)
 */
#include "kselftest_harness.h"
#include "scenario.h"

#define KMALLOC_STEP 0
#define KVMALLOC_STEP 1
#define ATOMIC_STEP 2
#define TRIES "try api=kmalloc gfp=GFP_KERNEL size=256K; " \
	      "try api=kvmalloc gfp=GFP_KERNEL|__GFP_RETRY_MAYFAIL size=256K; " \
	      "try api=kvmalloc gfp=GFP_ATOMIC size=256K"

SCENARIO_FIXTURE("kvmalloc_falls_back_to_vmalloc", 4)

/* Each try must meet the state: no block of order >= 4 before any of them. */
static bool state_reached(const struct scenario *s, char *why, size_t len)
{
	for (int step = KMALLOC_STEP; step <= ATOMIC_STEP; step++)
		if (!scen_no_block_from(s, step, 4, why, len))
			return false;
	return true;
}

TEST_F_TIMEOUT(scenario, kvmalloc_falls_back_to_vmalloc, 600)
{
	struct ftc_result kmalloc_r, kvmalloc_r, atomic_r;
	const struct alloc_call *call;
	struct scen_obs o;
	char delta[512];

	ASSERT_EQ(0, scen_build_and_try(_metadata, &self->s, &o, NULL, state_reached,
					scen_build_unmovable4,
					TRIES))
		TH_LOG("%s", self->s.c.reply);
	SCEN_LOG_BUDDY(&self->s, KMALLOC_STEP);
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, KMALLOC_STEP, &kmalloc_r));
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, KVMALLOC_STEP, &kvmalloc_r));
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, ATOMIC_STEP, &atomic_r));
	scen_format_delta(&o, delta, sizeof(delta));
	TH_LOG("%s; traced attempts >= order 4: %zu calls", delta, o.nr_calls);

	/* kmalloc alone: the order-6 page is not there */
	EXPECT_EQ(1, kmalloc_r.failures) TH_LOG("%s", self->s.c.reply);
	/* kvmalloc tried kmalloc, then vmalloc: order-0 pages, which exist */
	EXPECT_EQ(1, kvmalloc_r.successes) TH_LOG("%s", self->s.c.reply);
	EXPECT_EQ(1, kvmalloc_r.vmalloc);
	/* GFP_ATOMIC: kmalloc only, which fails, and no vmalloc memory */
	EXPECT_EQ(1, atomic_r.failures) TH_LOG("%s", self->s.c.reply);
	EXPECT_EQ(0, atomic_r.vmalloc);
	/*
	 * The tracepoint saw all three order-6 page requests fail (kmalloc,
	 * kvmalloc's kmalloc, the atomic one), kmalloc's with direct compaction
	 * inside (a costly GFP_KERNEL request).
	 */
	call = alloc_call_find(o.calls, o.nr_calls, "GFP_KERNEL|__GFP_COMP", 6);
	ASSERT_NE(NULL, call);
	EXPECT_TRUE(call->failed);
	EXPECT_LE(1, call->compactions);
	EXPECT_LE(3, o.trace.failures[6]);
	EXPECT_EQ(0, o.delta.v[SC_OOM_KILL]);
	EXPECT_TRUE(o.health_ok) TH_LOG("%s", o.health_problem);

	scen_record(&self->s, "fallback", &o);
	scen_obs_free(&o);
}

TEST_HARNESS_MAIN
