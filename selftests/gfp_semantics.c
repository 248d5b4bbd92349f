// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: what the slow path does for each GFP mask, on one fragmented
 * state (scen_build_unmovable(), k=4: plenty of free memory in blocks of
 * order <= 3, no block of order >= 4 anywhere, every aligned 16-page group
 * holding a page that neither reclaim nor compaction can free).
 *
 * Rule table (mm/page_alloc.c __alloc_pages_slowpath(), 6.1 and 6.12), for
 * the traced call of the try (lib/tracefs pairs each mm_page_alloc event with
 * the direct reclaim and compaction entries that ran inside it):
 *
 *   order 1, 3   every mask  succeeds from the free lists: no reclaim, no
 *                            compaction, no report
 *   order 4, 9   every mask  fails; costly orders never OOM-kill
 *     GFP_ATOMIC, GFP_NOWAIT      no __GFP_DIRECT_RECLAIM: neither reclaim
 *                                 nor compaction
 *     GFP_NOIO                    reclaims once; compaction needs __GFP_IO
 *                                 (try_to_compact_pages() returns before
 *                                 its tracepoint)
 *     GFP_NOFS, GFP_KERNEL        costly: compacts (async) first, reclaims,
 *                                 compacts again (sync light), gives up
 *                                 without __GFP_RETRY_MAYFAIL: 2 + 1
 *     GFP_KERNEL|__GFP_NORETRY    one round: the first compaction, then
 *                                 stop if it was skipped or deferred, else
 *                                 one reclaim and one more compaction
 *     GFP_KERNEL|__GFP_RETRY_MAYFAIL  at least the GFP_KERNEL round; more
 *                                 while should_reclaim_retry() or
 *                                 should_compact_retry() see hope
 *   report: every failure without __GFP_NOWARN (as this kernel defines the
 *   mask: the module's step record lists the flags), none otherwise
 */
#include "kselftest_harness.h"
#include "scenario.h"

#define TRY_STEP 0

FIXTURE(gfp_semantics) {
	struct scenario s;
	char id[80];
};

FIXTURE_VARIANT(gfp_semantics) {
	const char *name;
	const char *mask;
	int order;
};

#define V(tag, mask_, order_) \
	FIXTURE_VARIANT_ADD(gfp_semantics, tag##_order##order_) { \
		.name = #tag "_order" #order_, .mask = mask_, .order = order_ };
/* a failing order between two others, so that reports are >= 5 s apart */
#define ORDERS(tag, mask_) V(tag, mask_, 1) V(tag, mask_, 4) V(tag, mask_, 3) V(tag, mask_, 9)
ORDERS(atomic, "GFP_ATOMIC")
ORDERS(nowait, "GFP_NOWAIT")
ORDERS(noio, "GFP_NOIO")
ORDERS(nofs, "GFP_NOFS")
ORDERS(kernel, "GFP_KERNEL")
ORDERS(kernel_noretry, "GFP_KERNEL|__GFP_NORETRY")
ORDERS(kernel_retry_mayfail, "GFP_KERNEL|__GFP_RETRY_MAYFAIL")

FIXTURE_SETUP(gfp_semantics)
{
	/* one result file per variant: gfp_semantics.<variant>.json */
	snprintf(self->id, sizeof(self->id), "gfp_semantics.%s", variant->name);
	SCENARIO_SETUP(&self->s, self->id, 1);
}

FIXTURE_TEARDOWN_PARENT(gfp_semantics)
{
	scen_teardown(&self->s);
}

/*
 * A failing try that should report waits for warn_alloc's window (one report
 * per 10 s): after building the state, so the build's seconds count towards
 * the wait. The state holds meanwhile (every group keeps a pinned page), and
 * scen_build_and_try() checks it again in the try's own buddy record.
 */
static bool wait_for_report_window;

static int build_then_wait(struct scenario *s, char *why, size_t len)
{
	int err = scen_build_unmovable4(s, why, len);

	if (!err && wait_for_report_window)
		scen_wait_report_window();
	return err;
}

/* The try's own call: the last traced one of its order and mask. */
static const struct alloc_call *try_call(const struct scen_obs *o, const char *mask, int order)
{
	return alloc_call_find(o->calls, o->nr_calls, mask, order);
}

TEST_F_TIMEOUT(gfp_semantics, allocator_path, 300)
{
	const char *mask = variant->mask;
	int order = variant->order;
	bool costly = order > 3, direct = strcmp(mask, "GFP_ATOMIC") && strcmp(mask, "GFP_NOWAIT");
	const struct alloc_call *call;
	char names[256] = "", delta[512];
	struct ftc_result r;
	struct scen_obs o;
	bool nowarn;

	wait_for_report_window = costly;
	ASSERT_EQ(0, scen_build_and_try(_metadata, &self->s, &o, mask, scen_first_try_below4,
					build_then_wait,
					"try api=alloc_pages gfp=%s order=%d", mask, order))
		TH_LOG("%s", self->s.c.reply);
	ASSERT_TRUE(ftc_get_str(ftc_record(self->s.c.reply, "step", TRY_STEP, 0), "gfp_names",
				names, sizeof(names)));
	nowarn = strstr(names, "__GFP_NOWARN") != NULL;
	ASSERT_EQ(0, ftc_parse_result(self->s.c.reply, TRY_STEP, &r));
	call = try_call(&o, mask, order);
	scen_format_delta(&o, delta, sizeof(delta));
	TH_LOG("%s order %d: %s; direct compactions %d, reclaims %d; reports %zu", mask, order,
	       r.successes ? "succeeded" : "failed", call ? call->compactions : -1,
	       call ? call->reclaims : -1, o.reports.n);
	TH_LOG("%s", delta);
	ASSERT_NE(NULL, call) TH_LOG("no traced order-%d call with gfp_flags=%s", order, mask);

	EXPECT_EQ(0, o.delta.v[SC_OOM_KILL]);
	EXPECT_TRUE(o.health_ok) TH_LOG("%s", o.health_problem);
	if (!costly) {
		EXPECT_EQ(1, r.successes);
		EXPECT_FALSE(call->failed);
		EXPECT_EQ(0, call->reclaims);
		EXPECT_EQ(0, call->compactions);
		EXPECT_EQ(0, o.reports.n);
	} else {
		EXPECT_EQ(1, r.failures);
		EXPECT_TRUE(call->failed);
		EXPECT_EQ(nowarn ? 0 : 1, scen_reports_of_order(&o, order))
			TH_LOG("mask as this kernel defines it: %s", names);
		if (!direct) {
			EXPECT_EQ(0, call->reclaims);
			EXPECT_EQ(0, call->compactions);
		} else if (!strcmp(mask, "GFP_NOIO")) {
			EXPECT_EQ(1, call->reclaims);
			EXPECT_EQ(0, call->compactions);
		} else if (!strcmp(mask, "GFP_KERNEL|__GFP_NORETRY")) {
			EXPECT_LE(1, call->compactions);
			EXPECT_GE(2, call->compactions);
			EXPECT_EQ(call->compactions - 1, call->reclaims);
		} else if (!strcmp(mask, "GFP_KERNEL|__GFP_RETRY_MAYFAIL")) {
			EXPECT_LE(2, call->compactions);
			EXPECT_LE(1, call->reclaims);
		} else {	/* GFP_NOFS, GFP_KERNEL */
			EXPECT_EQ(2, call->compactions);
			EXPECT_EQ(1, call->reclaims);
		}
	}
	ftr_param_str(self->s.res, "mask", mask);
	ftr_param_int(self->s.res, "order", order);
	ftr_metric(self->s.res, "direct_compactions", call->compactions, "", FTR_NEUTRAL);
	ftr_metric(self->s.res, "direct_reclaims", call->reclaims, "", FTR_NEUTRAL);
	scen_record(&self->s, "try", &o);
	scen_obs_free(&o);
}

TEST_HARNESS_MAIN
