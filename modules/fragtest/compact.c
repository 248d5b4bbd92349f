// SPDX-License-Identifier: GPL-2.0
/*
 * undefer: let a zone's next compaction run, and start afresh.
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
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>

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
