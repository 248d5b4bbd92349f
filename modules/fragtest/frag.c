// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest: fragmentation primitives. kswapd and kcompactd refill high-order
 * blocks within milliseconds, so a fragmented state is built and used within
 * one request:
 *
 *   pin   - take order-0 pages of a zone down to a floor, then free all of
 *           them but one page of every aligned 2^k group: what stays free
 *           next to a held page is in blocks of at most order k-1;
 *   drain - take every free block above an order into a pool;
 *   try   - an allocation step that first records the buddy state.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#include "fragtest.h"

/* Pin never goes below high watermark + this margin, nor does drain by default. */
static unsigned long ft_floor_min(struct zone *zone)
{
	return high_wmark_pages(zone) + max(256UL, zone_managed_pages(zone) / 64);
}

/*
 * A drain given a floor may go below the high watermark, where busy machines
 * live (free between min and high, kswapd at work), but never within this
 * margin of the min watermark, below which atomic callers start failing.
 */
static unsigned long ft_drain_floor_min(struct zone *zone)
{
	return min_wmark_pages(zone) + max(64UL, zone_managed_pages(zone) / 256);
}

int ft_zone_gfp(int zone, gfp_t *bits)
{
	gfp_t g;

	switch (zone) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		g = __GFP_DMA;
		break;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		g = __GFP_DMA32;
		break;
#endif
	case ZONE_NORMAL:
		g = 0;
		break;
#ifdef CONFIG_HIGHMEM
	case ZONE_HIGHMEM:
		g = __GFP_HIGHMEM;
		break;
#endif
	case ZONE_MOVABLE:
		g = __GFP_HIGHMEM | __GFP_MOVABLE;
		break;
	default:
		return -EINVAL;
	}
	if (gfp_zone(g) != zone)
		return -EINVAL;
	*bits = g;
	return 0;
}

static bool ft_zone_usable(struct zone *zone)
{
	gfp_t bits;

	return populated_zone(zone) && zone_managed_pages(zone) &&
	       !ft_zone_gfp(zone_idx(zone), &bits);
}

/* The zones a pin, drain or undefer step targets, highest zone first. */
int ft_targets(struct ft_step *s, struct zone **out, int max, struct ft_ctx *ctx)
{
	int nid, z, n = 0;

	for_each_node_state(nid, N_MEMORY) {
		pg_data_t *pgdat = NODE_DATA(nid);

		if (s->node != FT_ALL && s->node != nid)
			continue;
		for (z = MAX_NR_ZONES - 1; z >= 0; z--) {
			struct zone *zone = &pgdat->node_zones[z];

			if (s->zone != FT_ALL && s->zone != z)
				continue;
			if (!ft_zone_usable(zone))
				continue;
			if (n == max)
				return ft_fail(ctx, -EINVAL, "more than %d target zones", max);
			out[n++] = zone;
		}
	}
	if (!n) {
		if (s->zone != FT_ALL)
			return ft_fail(ctx, -EINVAL, "no node%s has memory in zone %s",
				       s->node == FT_ALL ? "" : " given", ft_zone_name(s->zone));
		return ft_fail(ctx, -EINVAL, "no target zone");
	}
	return n;
}

/* The floor= of a pin or drain step in a zone, or the default. */
static unsigned long ft_step_floor(struct ft_step *s, struct zone *zone)
{
	if (!s->floor_set)
		return ft_floor_min(zone);
	if (s->floor_pct)
		return div_u64((u64)zone_managed_pages(zone) * s->floor, 100);
	return s->floor;
}

int ft_frag_prepare(struct ft_step *s, struct ft_ctx *ctx)
{
	struct zone *zones[FT_MAX_TARGETS];
	struct ft_result *res;
	int n, i;

	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return ft_fail(ctx, -ENOMEM, "out of memory for the result");
	INIT_LIST_HEAD(&res->spare);
	res->pfn_lo = ULONG_MAX;	/* a drain has kept nothing yet */
	s->res = res;

	if (s->verb == FT_VERB_PIN) {
		if (s->gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM))
			return ft_fail(ctx, -EINVAL,
		"pin chooses the zone itself: use zone=, not a zone modifier");
		if (s->gfp & (__GFP_NOFAIL | __GFP_MEMALLOC))
			return ft_fail(ctx, -EINVAL, "pin takes no __GFP_NOFAIL or __GFP_MEMALLOC");
		if ((s->gfp & FT_MT_MASK) == FT_MT_MASK)
			return ft_fail(ctx, -EINVAL,
		"__GFP_MOVABLE and __GFP_RECLAIMABLE together");
		n = ft_targets(s, zones, FT_MAX_TARGETS, ctx);
		if (n < 0)
			return n;
		res->pin = kvcalloc(n, sizeof(*res->pin), GFP_KERNEL);
		if (!res->pin)
			return ft_fail(ctx, -ENOMEM, "out of memory for the result");
		res->nr_pin = n;
		for (i = 0; i < n; i++) {
			unsigned long floor = ft_step_floor(s, zones[i]);

			if (floor < ft_floor_min(zones[i]))
				return ft_fail(ctx, -EINVAL,
					       "pin floor %lu pages in node %d zone %s is below high watermark + margin (%lu pages)",
					       floor, zone_to_nid(zones[i]), zones[i]->name,
					       ft_floor_min(zones[i]));
			res->pin[i].node = zone_to_nid(zones[i]);
			res->pin[i].zone = zone_idx(zones[i]);
			res->pin[i].floor = floor;
			res->pin[i].pfn_lo = ULONG_MAX;	/* none kept yet */
		}
	} else {
		n = ft_targets(s, zones, FT_MAX_TARGETS, ctx);
		if (n < 0)
			return n;
		for (i = 0; s->floor_set && i < n; i++) {
			unsigned long floor = ft_step_floor(s, zones[i]);

			if (floor < ft_drain_floor_min(zones[i]))
				return ft_fail(ctx, -EINVAL,
					       "drain floor %lu pages in node %d zone %s is below min watermark + margin (%lu pages)",
					       floor, zone_to_nid(zones[i]), zones[i]->name,
					       ft_drain_floor_min(zones[i]));
		}
	}
	s->target = ft_pool_get(s->pool, ctx);
	return s->target ? 0 : ctx->err;
}

/* Room for the buddy state of every populated zone, taken before a try. */
int ft_frag_check(struct ft_step *s, struct ft_ctx *ctx)
{
	int nid, z, n = 0;

	for_each_node_state(nid, N_MEMORY)
		for (z = 0; z < MAX_NR_ZONES; z++)
			n += populated_zone(&NODE_DATA(nid)->node_zones[z]);
	s->res->buddy = kcalloc(max(n, 1), sizeof(*s->res->buddy), GFP_KERNEL);
	if (!s->res->buddy)
		return ft_fail(ctx, -ENOMEM, "out of memory for the result");
	s->res->nr_buddy = n;
	return 0;
}

/* The letters show_migration_types() uses for the free lists. */
static char ft_mt_letter(int mt)
{
	switch (mt) {
	case MIGRATE_UNMOVABLE:
		return 'U';
	case MIGRATE_MOVABLE:
		return 'M';
	case MIGRATE_RECLAIMABLE:
		return 'E';
	case MIGRATE_HIGHATOMIC:
		return 'H';
#ifdef CONFIG_CMA
	case MIGRATE_CMA:
		return 'C';
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	case MIGRATE_ISOLATE:
		return 'I';
#endif
	}
	return '?';
}

/*
 * Everything __zone_watermark_ok() reads, read the way it reads it, so that
 * userspace can redo the check (lib/watermark.c): NR_FREE_PAGES and
 * NR_FREE_CMA_PAGES as zone_page_state() sees them, the watermarks with
 * boost, lowmem_reserve[], the highatomic reserve and, on 6.12+, the free
 * highatomic pages, and which free lists of each order are non-empty.
 */
void ft_buddy_capture(struct ft_result *res)
{
	int nid, z, o, mt, n = 0;

	for_each_node_state(nid, N_MEMORY) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			struct ft_buddy_zone *b;

			if (!populated_zone(zone))
				continue;
			if (n == res->nr_buddy)
				return;
			b = &res->buddy[n++];
			b->node = nid;
			b->zone = z;
			b->free = zone_page_state(zone, NR_FREE_PAGES);
			b->cma = zone_page_state(zone, NR_FREE_CMA_PAGES);
			b->min = min_wmark_pages(zone);
			b->low = low_wmark_pages(zone);
			b->high = high_wmark_pages(zone);
			b->boost = zone->watermark_boost;
			b->managed = zone_managed_pages(zone);
			b->highatomic = zone->nr_reserved_highatomic;
			/* counted since 6.12, see Kbuild */
#ifdef FT_HAVE_NR_FREE_HIGHATOMIC
			b->free_highatomic = READ_ONCE(zone->nr_free_highatomic);
#else
			b->free_highatomic = -1;
#endif
			for (o = 0; o < MAX_NR_ZONES; o++)
				b->lowmem_reserve[o] = zone->lowmem_reserve[o];
			ft_defer_read(zone, &b->defer);
			/*
			 * This CPU's per-cpu lists of orders 0..3, indexed as
			 * order_to_pindex() does: a try in the atomic tail runs
			 * on this CPU and takes from them before the buddy lists.
			 */
			for (o = 0; o <= PAGE_ALLOC_COSTLY_ORDER; o++) {
				struct per_cpu_pages *pcp = raw_cpu_ptr(zone->per_cpu_pageset);
				struct list_head *lists = &pcp->lists[MIGRATE_PCPTYPES * o];

				b->pcp[o] = 0;
				for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
					/* racy read: see the free lists below */
					if (!data_race(list_empty(&lists[mt])))
						b->pcp[o] |= 1 << mt;
			}
			for (o = 0; o < FT_NR_ORDERS; o++) {
				struct free_area *area = &zone->free_area[o];

				/* racy reads, as the allocator's own watermark check does */
				b->nr_free[o] = data_race(area->nr_free);
				b->lists[o] = 0;
				for (mt = 0; mt < MIGRATE_TYPES && mt < 8; mt++)
					/* racy read: see above */
					if (!data_race(list_empty(&area->free_list[mt])))
						b->lists[o] |= 1 << mt;
			}
		}
	}
	res->nr_buddy = n;
}

/*
 * A reference on the page in use at @page, or NULL if it is free. A tail
 * page has no count of its own: its folio's is taken, so that a large
 * folio (a multi-page slab, a THP) freed on another CPU cannot turn into
 * a free block of its order either. The folio is checked again after the
 * get, as a concurrent split or free may have changed what @page is part of.
 */
static struct page *ft_ref_in_use(struct page *page)
{
	struct folio *folio;

	if (!PageTail(page))
		return get_page_unless_zero(page) ? page : NULL;
	folio = page_folio(page);
	if (!folio_try_get(folio))
		return NULL;
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return NULL;
	}
	return &folio->page;
}

/*
 * refs=1: a group holding none of our pages is in use by others (or was left
 * free above the floor). If its pages are movable or reclaimable, compaction
 * or reclaim (kswapd's included, woken by the very allocation under test) can
 * empty it and make the block the state promised not to exist. A reference
 * on one of its pages keeps that page, and so the group, from being freed:
 * migration and reclaim both give up on a page with an extra reference.
 * Groups with no page in use at all are counted as unguarded.
 */
static void ft_pin_refs(struct zone *zone, struct ft_pin_zone *pz, const unsigned long *held,
			unsigned int k, struct ft_refs *refs)
{
	unsigned long start = zone->zone_start_pfn, end = zone_end_pfn(zone);
	unsigned long size = 1UL << k, first, pfn;

	for (first = ALIGN(start, size); first + size <= end; first += size) {
		bool guarded = false;

		/* before the skip below, which takes nearly every group of a pinned zone */
		if (!((first >> k) & 1023))
			cond_resched();
		if (find_next_bit(held, end - start, first - start) < first - start + size)
			continue;	/* one of ours is in it */
		for (pfn = first; pfn < first + size && !guarded; pfn++) {
			struct page *page = pfn_to_online_page(pfn);

			if (!page || page_zone(page) != zone)
				continue;
			page = ft_ref_in_use(page);
			if (!page)
				continue;	/* free: nothing to hold */
			refs->pages[refs->nr++] = page;
			pz->refs++;
			guarded = true;
		}
		pz->unguarded += !guarded;
	}
}

static void ft_pin_zone(struct ft_step *s, struct ft_pin_zone *pz)
{
	struct zone *zone = &NODE_DATA(pz->node)->node_zones[pz->zone];
	unsigned long start = zone->zone_start_pfn, span = zone->spanned_pages;
	unsigned long mask = (1UL << s->k) - 1, *held;
	struct ft_refs *refs = NULL;
	struct page *page, *tmp;
	LIST_HEAD(got);
	gfp_t gfp, bits;

	if (ft_zone_gfp(pz->zone, &bits))
		return;
	gfp = s->gfp | bits | __GFP_THISNODE | __GFP_NOWARN;
	held = kvcalloc(BITS_TO_LONGS(span), sizeof(long), GFP_KERNEL);
	/* room for one reference per group, taken while memory is still free */
	if (s->refs)
		refs = kvmalloc(struct_size(refs, pages, (span >> s->k) + 1), GFP_KERNEL);
	if (!held || (s->refs && !refs)) {
		kvfree(held);
		kvfree(refs);
		pz->interrupted = true;
		return;
	}
	if (refs)
		refs->nr = 0;
	pz->free_before = zone_page_state(zone, NR_FREE_PAGES);
	while (zone_page_state(zone, NR_FREE_PAGES) > pz->floor) {
		if (fatal_signal_pending(current)) {
			pz->interrupted = true;
			break;
		}
		page = alloc_pages_node(pz->node, gfp, 0);
		if (!page)
			break;
		if (page_zone(page) != zone) {
			__free_page(page);
			pz->fell_back = true;
			break;
		}
		list_add_tail(&page->lru, &got);
		__set_bit(page_to_pfn(page) - start, held);
		if (!(++pz->pinned & 255))
			cond_resched();
	}
	/* Free all but the first page of each aligned 2^k group we hold whole. */
	list_for_each_entry_safe(page, tmp, &got, lru) {
		unsigned long pfn = page_to_pfn(page), keeper = pfn & ~mask;

		list_del(&page->lru);
		if (pfn != keeper && keeper >= start && test_bit(keeper - start, held)) {
			__free_page(page);
			pz->released++;
		} else {
			ft_pool_add_page(s->target, page, 0, false);
			pz->kept++;
			pz->pfn_lo = min(pz->pfn_lo, pfn);
			pz->pfn_hi = max(pz->pfn_hi, pfn);
		}
		if (!((pz->released + pz->kept) & 1023))
			cond_resched();
	}
	if (refs) {
		if (!pz->interrupted)
			ft_pin_refs(zone, pz, held, s->k, refs);
		if (refs->nr)
			ft_pool_add_refs(s->target, refs);
		else
			kvfree(refs);
	}
	kvfree(held);
	pz->free_after = zone_page_state(zone, NR_FREE_PAGES);
}

void ft_pin_run(struct ft_step *s)
{
	int i;

	for (i = 0; i < s->res->nr_pin; i++)
		ft_pin_zone(s, &s->res->pin[i]);
}

/*
 * Every free block above s->above of one zone, largest first, with the
 * access of GFP_ATOMIC but without waking kswapd (which would start
 * refilling what is being taken), never below the step's floor (by default
 * the pin floor minimum, see ft_drain_floor_min() for an explicit one).
 *
 * below=P%: the allocator hands blocks out in free-list order, not by pfn,
 * so blocks that start at or above P% of the zone's span are taken too (or
 * the next attempt would get them again) but given back once the zone is
 * done: the pool then holds free memory of the zone's lower part only, and
 * what is free afterwards lies in its upper part.
 */
static void ft_drain_zone(struct ft_step *s, struct zone *zone, gfp_t gfp)
{
	unsigned long limit = ULONG_MAX;
	struct ft_result *res = s->res;
	struct page *page, *tmp;
	LIST_HEAD(back);
	int o;

	if (s->below_pct)
		limit = zone->zone_start_pfn +
			div_u64((u64)zone->spanned_pages * s->below_pct, 100);
	for (o = FT_TOP_ORDER; o > (int)s->above; o--) {
		for (;;) {
			struct zone *got;
			unsigned long pfn;
			u64 t;

			if (zone_page_state(zone, NR_FREE_PAGES) <
			    ft_step_floor(s, zone) + (1UL << o))
				break;
			if (s->deadline && ktime_get_ns() > s->deadline) {
				res->truncated = true;
				goto give_back;
			}
			/*
			 * Each block is zeroed (init_on_alloc): a zone's worth
			 * takes seconds under emulation.
			 */
			if (!s->deadline)
				cond_resched();
			t = ktime_get_ns();
			page = alloc_pages_node(zone_to_nid(zone), gfp, o);
			t = ktime_get_ns() - t;
			res->slowest_alloc_ns = max(res->slowest_alloc_ns, t);
			if (!page)
				break;
			got = page_zone(page);
			if (got != zone &&
			    zone_page_state(got, NR_FREE_PAGES) < ft_step_floor(s, got)) {
				__free_pages(page, o);
				break;
			}
			pfn = page_to_pfn(page);
			if (got == zone && pfn >= limit) {
				set_page_private(page, o);
				list_add(&page->lru, &back);
				res->returned += 1UL << o;
				continue;
			}
			ft_pool_add_page(s->target, page, o, false);
			res->drained[o]++;
			res->pfn_lo = min(res->pfn_lo, pfn);
			res->pfn_hi = max(res->pfn_hi, pfn + (1UL << o) - 1);
		}
	}
give_back:
	list_for_each_entry_safe(page, tmp, &back, lru) {
		o = page_private(page);
		list_del(&page->lru);
		set_page_private(page, 0);
		__free_pages(page, o);
	}
}

void ft_drain_run(struct ft_step *s)
{
	struct zone *zones[FT_MAX_TARGETS];
	struct ft_ctx ctx = { 0 };
	u64 start = ktime_get_ns();
	int n, i;

	n = ft_targets(s, zones, FT_MAX_TARGETS, &ctx);
	/* zone by zone from the highest, so that each zone's own blocks go first */
	for (i = 0; i < n && !s->res->truncated; i++) {
		gfp_t bits;

		if (ft_zone_gfp(zone_idx(zones[i]), &bits))
			continue;
		ft_drain_zone(s, zones[i], (GFP_ATOMIC & ~__GFP_KSWAPD_RECLAIM) | __GFP_NOWARN |
				__GFP_THISNODE | bits);
	}
	s->res->drain_ns = ktime_get_ns() - start;
}

/* What a pin or drain kept, as pfn_lo= and pfn_hi= (none: nothing kept). */
static void ft_pfn_range(struct ft_reply *r, unsigned long lo, unsigned long hi)
{
	if (lo > hi)
		ft_printf(r, " pfn_lo=none pfn_hi=none\n");
	else
		ft_printf(r, " pfn_lo=%#lx pfn_hi=%#lx\n", lo, hi);
}

void ft_frag_report(struct ft_step *s, int idx, struct ft_reply *r)
{
	struct ft_result *res = s->res;
	int i, o;

	if (s->verb == FT_VERB_PIN) {
		for (i = 0; i < res->nr_pin; i++) {
			struct ft_pin_zone *p = &res->pin[i];

			ft_printf(r,
				  "pin index=%d node=%d zone=%s k=%u floor=%lu free_before=%lu pinned=%lu released=%lu kept=%lu free_after=%lu refs=%lu unguarded=%lu fell_back=%d interrupted=%d pool=%s",
				  idx, p->node, ft_zone_name(p->zone), s->k, p->floor,
				  p->free_before, p->pinned, p->released, p->kept, p->free_after,
				  p->refs, p->unguarded, p->fell_back, p->interrupted, s->pool);
			ft_pfn_range(r, p->pfn_lo, p->pfn_hi);
		}
	} else if (s->verb == FT_VERB_DRAIN) {
		unsigned long blocks = 0, pages = 0;

		ft_printf(r, "drain index=%d above=%u pool=%s blocks_per_order=", idx, s->above,
			  s->pool);
		for (o = 0; o < FT_NR_ORDERS; o++) {
			ft_printf(r, "%s%lu", o ? "," : "", res->drained[o]);
			blocks += res->drained[o];
			pages += res->drained[o] << o;
		}
		ft_printf(r, " blocks=%lu pages=%lu truncated=%d below=%u returned=%lu", blocks,
			  pages, res->truncated, s->below_pct, res->returned);
		ft_printf(r, " us=%llu slowest_alloc_us=%llu atomic=%d",
			  div_u64(res->drain_ns, NSEC_PER_USEC),
			  div_u64(res->slowest_alloc_ns, NSEC_PER_USEC), !!s->deadline);
		ft_pfn_range(r, res->pfn_lo, res->pfn_hi);
	}
	for (i = 0; i < res->nr_buddy && res->buddy; i++) {
		struct ft_buddy_zone *b = &res->buddy[i];
		int top = -1, mt;

		for (o = 0; o < FT_NR_ORDERS; o++)
			if (b->nr_free[o])
				top = o;
		ft_printf(r,
			  "buddy index=%d node=%d zone=%s zidx=%d free=%lu min=%lu low=%lu high=%lu boost=%lu managed=%lu highatomic=%lu",
			  idx, b->node, ft_zone_name(b->zone), b->zone, b->free, b->min, b->low,
			  b->high, b->boost, b->managed, b->highatomic);
		if (b->free_highatomic >= 0)
			ft_printf(r, " free_highatomic=%ld", b->free_highatomic);
		ft_printf(r, " cma=%lu lowmem_reserve=", b->cma);
		for (o = 0; o < MAX_NR_ZONES; o++)
			ft_printf(r, "%s%ld", o ? "," : "", b->lowmem_reserve[o]);
		ft_printf(r, " max_free_order=%d nr_free=", top);
		for (o = 0; o < FT_NR_ORDERS; o++)
			ft_printf(r, "%s%lu", o ? "," : "", b->nr_free[o]);
		ft_printf(r, " lists=");
		for (o = 0; o < FT_NR_ORDERS; o++) {
			ft_printf(r, "%s", o ? "," : "");
			if (!b->lists[o])
				ft_printf(r, "-");
			for (mt = 0; mt < 8; mt++)
				if (b->lists[o] & (1 << mt))
					ft_printf(r, "%c", ft_mt_letter(mt));
		}
		if (b->defer.order_failed >= 0)
			ft_printf(r, " compact_defer=%u,%u,%d", b->defer.considered,
				  b->defer.shift, b->defer.order_failed);
		ft_printf(r, " pcp=");
		for (o = 0; o <= PAGE_ALLOC_COSTLY_ORDER; o++) {
			ft_printf(r, "%s", o ? "," : "");
			if (!b->pcp[o])
				ft_printf(r, "-");
			for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
				if (b->pcp[o] & (1 << mt))
					ft_printf(r, "%c", ft_mt_letter(mt));
		}
		ft_printf(r, "\n");
	}
}
