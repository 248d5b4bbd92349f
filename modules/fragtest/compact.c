// SPDX-License-Identifier: GPL-2.0
/*
 * undefer: let a zone's next compaction run, and start afresh. (settle, at
 * the end of this file, waits for the compaction and reclaim threads.)
 *
 * After a failed synchronous compaction the kernel defers compaction of that
 * zone for orders >= compact_order_failed for up to 64 later attempts
 * (compaction_deferred()); an asynchronous attempt, the only kind a costly
 * request without __GFP_RETRY_MAYFAIL makes, then does not run at all. And
 * compactions that did run leave pageblock skip hints and cached scanner
 * positions behind, so that the next asynchronous one may scan a few
 * hundred pages and give up. Both are memory of earlier tests, which makes a
 * later test's outcome depend on what ran before it.
 *
 * undefer puts a zone where a deferral that has just run out leaves it:
 * compact_defer_shift at its maximum and compact_considered at its limit
 * (the next compaction is not deferred, and compaction_restarting() holds),
 * compact_order_failed 0, and compact_blockskip_flush set, so that the next
 * compaction of the zone first clears the skip hints and moves its scanners
 * back to the zone's ends (__reset_isolation_suitable()): the kernel's own
 * path for a retry after a deferral. It reports what it found.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "fragtest.h"

/* mm/compaction.c's COMPACT_MAX_DEFER_SHIFT, private to it (6 since 3.x) */
#define FT_MAX_DEFER_SHIFT	6

int ft_undefer_prepare(struct ft_step *s, struct ft_ctx *ctx)
{
	struct zone *zones[FT_MAX_TARGETS];
	int n;

	if (!IS_ENABLED(CONFIG_COMPACTION))
		return ft_fail(ctx, -EOPNOTSUPP,
			       "the kernel has no compaction (CONFIG_COMPACTION)");
	s->res = kzalloc(sizeof(*s->res), GFP_KERNEL);
	if (!s->res)
		return ft_fail(ctx, -ENOMEM, "out of memory for the result");
	INIT_LIST_HEAD(&s->res->spare);
	n = ft_targets(s, zones, FT_MAX_TARGETS, ctx);
	if (n < 0)
		return n;
	s->res->defer = kcalloc(n, sizeof(*s->res->defer), GFP_KERNEL);
	if (!s->res->defer)
		return ft_fail(ctx, -ENOMEM, "out of memory for the result");
	s->res->nr_defer = n;
	return 0;
}

/* The zone's deferral state, which the kernel itself updates unlocked. */
void ft_defer_read(struct zone *zone, struct ft_defer_zone *d)
{
	d->node = zone_to_nid(zone);
	d->zone = zone_idx(zone);
#ifdef CONFIG_COMPACTION
	/* racy reads: a snapshot for the report, see above */
	d->considered = data_race(zone->compact_considered);
	/* racy read: as above */
	d->shift = data_race(zone->compact_defer_shift);
	/* racy read: as above */
	d->order_failed = data_race(zone->compact_order_failed);
	/* racy read: as above */
	d->skip_flush = data_race(zone->compact_blockskip_flush);
#else
	d->order_failed = -1;
#endif
}

void ft_undefer_run(struct ft_step *s)
{
	struct zone *zones[FT_MAX_TARGETS];
	struct ft_ctx ctx = { 0 };
	int n, i;

	n = ft_targets(s, zones, FT_MAX_TARGETS, &ctx);
	for (i = 0; i < n && i < s->res->nr_defer; i++) {
		ft_defer_read(zones[i], &s->res->defer[i]);
#ifdef CONFIG_COMPACTION
		/* a deferral just run out (see above); written unlocked, as the kernel does */
		WRITE_ONCE(zones[i]->compact_considered, 1U << FT_MAX_DEFER_SHIFT);
		WRITE_ONCE(zones[i]->compact_defer_shift, FT_MAX_DEFER_SHIFT);
		WRITE_ONCE(zones[i]->compact_order_failed, 0);
		WRITE_ONCE(zones[i]->compact_blockskip_flush, true);
#endif
	}
}

void ft_undefer_report(struct ft_step *s, int idx, struct ft_reply *r)
{
	int i;

	for (i = 0; i < s->res->nr_defer; i++) {
		struct ft_defer_zone *d = &s->res->defer[i];

		ft_printf(r,
			  "undefer index=%d node=%d zone=%s considered=%u defer_shift=%u order_failed=%d skip_flush=%d\n",
			  idx, d->node, ft_zone_name(d->zone), d->considered, d->shift,
			  d->order_failed, d->skip_flush);
	}
}

/*
 * settle: wait until every node's kswapd and kcompactd sleep (at most
 * FT_SETTLE_MS). A failed try wakes kswapd, which then wakes kcompactd;
 * where they share the test's CPU they run at the next try's first
 * might_sleep(), before its first freelist attempt, and may build the very
 * block that try is meant to get by its own work. After
 * settle the next try starts with them asleep: its own wakeups come after
 * that attempt. The request also resumes on a fresh time slice, so the
 * scheduler tick does not soon hand the CPU to a SCHED_IDLE kswapd that a
 * try wakes. Asleep means on its wait queue (a wakeup takes it off at
 * once), FT_SETTLE_QUIET polls in a row: longer than the HZ/10 nap kswapd
 * takes there before it decides to sleep for good or to work again. The
 * orders the wakers ask for (kswapd_order, kcompactd_max_order) are no
 * sign: a wakeup that finds the node balanced sets them and wakes no one.
 */
#define FT_SETTLE_MS		5000
#define FT_SETTLE_POLL_MS	10
#define FT_SETTLE_QUIET		12

/*
 * Lockless waitqueue_active() below: a thread is on its wait queue only
 * while it sleeps there; a stale answer costs one more poll, and
 * FT_SETTLE_QUIET polls in a row must agree.
 */
static bool ft_reclaimers_idle(pg_data_t *pgdat)
{
	bool idle = true;

	/* lockless, see above */
	if (pgdat->kswapd && !waitqueue_active(&pgdat->kswapd_wait))
		idle = false;
#ifdef CONFIG_COMPACTION
	/* lockless, see above */
	if (pgdat->kcompactd && !waitqueue_active(&pgdat->kcompactd_wait))
		idle = false;
#endif
	return idle;
}

void ft_settle_run(struct ft_step *s)
{
	u64 start = ktime_get_ns();
	int quiet = 0;

	for (;;) {
		bool idle = true;
		int nid;

		for_each_node_state(nid, N_MEMORY)
			idle &= ft_reclaimers_idle(NODE_DATA(nid));
		quiet = idle ? quiet + 1 : 0;
		if (quiet >= FT_SETTLE_QUIET ||
		    ktime_get_ns() - start >= (u64)FT_SETTLE_MS * NSEC_PER_MSEC ||
		    fatal_signal_pending(current))
			break;
		msleep(FT_SETTLE_POLL_MS);
	}
	s->settled = quiet >= FT_SETTLE_QUIET;
	s->settle_ns = ktime_get_ns() - start;
}

void ft_settle_report(struct ft_step *s, int idx, struct ft_reply *r)
{
	ft_printf(r, "settle index=%d waited_ms=%llu settled=%d\n", idx,
		  div_u64(s->settle_ns, NSEC_PER_MSEC), s->settled);
}
