// SPDX-License-Identifier: GPL-2.0
/*
 * One cause per report, decided zone by zone with the watermark model.
 *
 * Each zone the request may use gets a status (pass, low, watermark,
 * lowmem_reserve, migratetype, fragmented); tiny zones such as ZONE_DMA are
 * kept as evidence but do not decide, because their lowmem_reserve makes
 * them refuse almost everything by design. The largest remaining zone
 * decides, except that any zone that passes makes the report inconclusive
 * and all-low makes it low_memory.
 */
#include "diagnose.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dx_cause_name(enum dx_cause c)
{
	static const char *const n[] = {
		"fragmentation", "watermark", "migratetype", "zone_exhausted",
		"lowmem_reserve", "low_memory", "inconclusive", "insufficient_data",
	};

	return (unsigned)c <= DX_INSUFFICIENT_DATA ? n[c] : "?";
}

const char *dx_zone_status_name(enum dx_zone_status s)
{
	static const char *const n[] = {
		"not_allowed", "unknown", "pass", "low", "watermark",
		"lowmem_reserve", "migratetype", "fragmented",
	};

	return (unsigned)s <= DZ_FRAGMENTED ? n[s] : "?";
}

static void add(char (*arr)[DX_TEXT], int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char (*arr)[DX_TEXT], int *n, const char *fmt, ...)
{
	va_list ap;

	if (*n >= DX_MAX_ITEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(arr[*n], DX_TEXT, fmt, ap);
	va_end(ap);
	(*n)++;
}

/* truncation is fine for these texts: a wrapper keeps -Wformat-truncation quiet */
static void setf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void setf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

#define EVID(d, ...) add((d)->evidence, &(d)->nr_evidence, __VA_ARGS__)
#define FACT(d, ...) add((d)->factors, &(d)->nr_factors, __VA_ARGS__)
#define REMEDY(d, ...) add((d)->remedies, &(d)->nr_remedies, __VA_ARGS__)

/* ---- era ---- */

const struct gfp_era *dx_report_era(const struct rp_report *r, unsigned *kv,
				    char *note, size_t note_len)
{
	const struct gfp_era *e, *best = NULL, *oldest = NULL;
	char buf[256];
	bool managed = false;

	*kv = 0;
	if (r->kernel_version[0] && gfp_parse_kv(r->kernel_version, kv) &&
	    (e = gfp_era_for_kv(*kv))) {
		snprintf(note, note_len, "kernel %s printed in the report", r->kernel_version);
		return e;
	}
	if (r->have_mode && r->have_names) {
		for (size_t i = 0; i < gfp_era_count(); i++) {
			e = gfp_era_at(i);
			if (!(e->features & GFP_ERA_PGG) || !gfp_era_consistent(e, r->mode))
				continue;
			gfp_format(e, r->mode, buf, sizeof(buf));
			if (strcmp(buf, r->mode_names))
				continue;
			if (!oldest)
				oldest = e;
			best = e;
		}
		if (best) {
			/* the oldest match: the model only differs for reserve users, whose names differ */
			*kv = oldest->first_kv;
			if (oldest != best)
				snprintf(note, note_len,
					 "no version line; the printed names match the layouts of %s to %s, using %s",
					 oldest->id, best->last, oldest->id);
			else
				snprintf(note, note_len,
					 "no version line; the printed names match only the %s-%s layout",
					 best->id, best->last);
			return oldest;
		}
	}
	/* no names: a kernel before %pGg (4.5) */
	for (int i = 0; i < r->nr_zones; i++)
		if (r->zones[i].managed_kb >= 0)
			managed = true;
	if (r->old_format) {
		e = gfp_era_at(0);
		snprintf(note, note_len,
			 "no version line; \"page allocation failure.\" with a hex-only mode is the 2.6.x format");
	} else {
		/* newest pre-%pGg era; managed: appeared in 3.8 */
		e = gfp_era_for_kv(managed ? GFP_KV(4, 4) : GFP_KV(3, 6));
		snprintf(note, note_len,
			 "no version line and no printed names: assuming the %s layout (%s)", e->id,
			 managed ? "zone lines show managed:" : "zone lines lack managed:");
	}
	*kv = e->first_kv;
	return e;
}

/* ---- zone indices ---- */

static int zone_index(const struct rp_report *r, const char *name)
{
	bool dma = false, dma32 = false, high = false;
	int maxlr = 0, idx = 0, n;

	for (int i = 0; i < r->nr_zones; i++) {
		const char *zn = r->zones[i].name;

		dma |= !strcmp(zn, "DMA");
		dma32 |= !strcmp(zn, "DMA32");
		high |= !strcmp(zn, "HighMem");
		if (r->zones[i].nr_lowmem > maxlr)
			maxlr = r->zones[i].nr_lowmem;
	}
	/* zone_type order; unconfigured zones take no slot */
	const char *order[6];

	n = 0;
	if (dma)
		order[n++] = "DMA";
	if (dma32)
		order[n++] = "DMA32";
	order[n++] = "Normal";
	if (high)
		order[n++] = "HighMem";
	order[n++] = "Movable";
	if (maxlr > n)
		order[n++] = "Device";
	for (idx = 0; idx < n; idx++)
		if (!strcmp(order[idx], name))
			return idx;
	return -1;
}

static int class_index(const struct rp_report *r, enum gfp_zone_class c)
{
	int i = -1;

	switch (c) {
	case GZ_DMA: i = zone_index(r, "DMA"); break;
	case GZ_DMA32: i = zone_index(r, "DMA32"); break;
	case GZ_HIGHMEM: i = zone_index(r, "HighMem"); break;
	case GZ_MOVABLE: i = zone_index(r, "Movable"); break;
	default: break;
	}
	/* OPT_ZONE_*: an unconfigured zone class falls back to Normal */
	return i >= 0 ? i : zone_index(r, "Normal");
}

/* "0-1,3" or "(null)"; returns false when no restriction */
static bool parse_nodelist(const char *s, unsigned long long *mask)
{
	char *end;

	*mask = 0;
	if (!s[0] || !strcmp(s, "(null)"))
		return false;
	while (*s) {
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a > 63)
			return false;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b > 63)
				return false;
			s = end;
		}
		for (long i = a; i <= b; i++)
			*mask |= 1ull << i;
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	return true;
}

/* ---- per zone ---- */

static long kb(long pages, long page_kb)
{
	return pages * page_kb;
}

static void build_wz(const struct rp_zone *z, const struct rp_zone *wm, struct dx_zone *dz)
{
	struct wm_zone *w = &dz->wz;
	long pk = z->page_kb > 0 && z->page_kb <= 1L << 20 ? z->page_kb : 4;

	memset(w, 0, sizeof(*w));
	dz->page_kb = pk;
	dz->free_kb = z->free_kb >= 0 ? z->free_kb : z->have_buddy ? z->buddy_sum_kb : -1;
	w->free_pages = dz->free_kb >= 0 ? dz->free_kb / pk : 0;
	if (wm) {
		w->min = wm->min_kb / pk;
		w->low = wm->low_kb >= 0 ? wm->low_kb / pk : w->min;
		w->high = wm->high_kb >= 0 ? wm->high_kb / pk : w->low;
		/* lowmem_reserve is the zone's own, never borrowed */
		if (wm == z) {
			w->nr_lowmem_reserve = z->nr_lowmem < WM_MAX_ZONES ? z->nr_lowmem : WM_MAX_ZONES;
			for (int i = 0; i < w->nr_lowmem_reserve; i++)
				w->lowmem_reserve[i] = z->lowmem_reserve[i];
		}
	}
	w->nr_free_cma = z->free_cma_kb > 0 ? z->free_cma_kb / pk : 0;
	w->nr_reserved_highatomic = z->reserved_highatomic_kb > 0 ? z->reserved_highatomic_kb / pk : 0;
	w->nr_free_highatomic = z->free_highatomic_kb >= 0 ? z->free_highatomic_kb / pk : -1;
	w->nr_orders = z->have_buddy ? (z->nr_buddy < WM_MAX_ORDER ? z->nr_buddy : WM_MAX_ORDER) : 0;
	for (int o = 0; o < w->nr_orders; o++) {
		w->nr_free[o] = z->buddy[o].count;
		w->types[o] = z->buddy[o].types;
	}
	w->types_known = z->buddy_types;
	dz->weight_kb = z->managed_kb > 0 ? z->managed_kb : z->present_kb > 0 ? z->present_kb :
			dz->free_kb > 0 ? dz->free_kb : 0;
}

static void classify(struct dx_zone *dz, const struct rp_zone *z, const struct wm_request *rq)
{
	struct wm_request nolr = *rq, low = *rq;

	nolr.highest_zoneidx = -1;
	low.mark = WM_MARK_LOW;
	low.alloc_flags &= WMA_CMA;	/* the fast path tries ALLOC_WMARK_LOW without reserves */
	dz->max_min = -1;
	if (!dz->have_wm) {
		dz->status = DZ_UNKNOWN;
		if (z->have_buddy)
			dz->max_min = wm_max_passing_min(&dz->wz, rq);
		return;
	}
	wm_check(&dz->wz, rq, &dz->res);
	wm_check(&dz->wz, &nolr, &dz->res_nolr);
	wm_check(&dz->wz, &low, &dz->res_low);
	if (!z->have_buddy && rq->order > 0) {
		/* without buddy lines only the free-page part can be judged */
		if (dz->wz.free_pages - dz->res.headroom <= dz->res.min)
			dz->status = DZ_LOW;
		else
			dz->status = DZ_UNKNOWN;
		return;
	}
	if (dz->res.ok) {
		dz->status = DZ_PASS;
		return;
	}
	if (dz->wz.free_pages - dz->res.headroom <= dz->res.min) {
		dz->status = DZ_LOW;
		return;
	}
	switch (dz->res.why) {
	case WM_FAIL_FREE:
		if (dz->res_nolr.ok)
			dz->status = DZ_LOWMEM_RESERVE;
		else if (dz->res_nolr.why == WM_FAIL_FREE ||
			 (dz->res_nolr.why == WM_FAIL_ORDER_LOOP && dz->res_nolr.present_orders))
			dz->status = DZ_WATERMARK;
		else if (dz->res_nolr.why == WM_FAIL_NO_USABLE_BLOCK)
			dz->status = DZ_MIGRATETYPE;
		else
			dz->status = DZ_FRAGMENTED;
		break;
	case WM_FAIL_ORDER_LOOP:
		/* with nothing at or above the order no min could have passed */
		dz->status = dz->res.present_orders || !dz->wz.nr_orders ? DZ_WATERMARK : DZ_FRAGMENTED;
		break;
	case WM_FAIL_NO_USABLE_BLOCK:
		dz->status = DZ_MIGRATETYPE;
		break;
	default:
		dz->status = DZ_FRAGMENTED;
		break;
	}
}

/* "order 5: 2x128kB (M); order 6: 3x256kB (H)" for orders >= from */
static void blocks_text(const struct rp_zone *z, int from, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (int o = from < 0 ? 0 : from; o < z->nr_buddy && pos + 1 < len; o++) {
		const struct rp_buddy *b = &z->buddy[o];
		int w;

		if (b->count <= 0)
			continue;
		w = snprintf(buf + pos, len - pos, "%sorder %d: %ldx%ldkB%s%s%s", pos ? "; " : "",
			     o, b->count, b->size_kb, b->letters[0] ? " (" : "", b->letters,
			     b->letters[0] ? ")" : "");
		if (w < 0 || (size_t)w >= len - pos)
			break;
		pos += (size_t)w;
	}
	if (!pos)
		snprintf(buf, len, "none");
}

static int largest_order(const struct rp_zone *z)
{
	for (int o = z->nr_buddy - 1; o >= 0; o--)
		if (z->buddy[o].count > 0)
			return o;
	return -1;
}

static const char *zname(const struct rp_zone *z, char *buf, size_t len)
{
	if (z->node >= 0)
		snprintf(buf, len, "Node %d %s", z->node, z->name);
	else
		snprintf(buf, len, "%s", z->name);
	return buf;
}

static void zone_evidence(struct dx_result *d, const struct rp_report *r, const struct dx_zone *dz)
{
	const struct rp_zone *z = &r->zones[dz->rz];
	const struct wm_result *s = &dz->res;
	char zn[48], blocks[DX_TEXT / 2], est[96] = "";
	long pk = dz->page_kb;
	int order = r->order < 0 ? 0 : r->order;

	zname(z, zn, sizeof(zn));
	blocks_text(z, order, blocks, sizeof(blocks));
	if (dz->estimated) {
		char bn[48];

		snprintf(est, sizeof(est), " (min not printed, borrowed from %s)",
			 zname(&r->zones[dz->borrowed_from], bn, sizeof(bn)));
	}
	switch (dz->status) {
	case DZ_NOT_ALLOWED:
		break;
	case DZ_UNKNOWN:
		if (!dz->have_wm && z->have_buddy) {
			if (dz->max_min >= 0)
				EVID(d, "%s: watermarks not printed; with its buddy counts the check passes only if the effective min is below %ldkB; blocks >= order %d: %s",
				     zn, kb(dz->max_min + 1, pk), order, blocks);
			else
				EVID(d, "%s: watermarks not printed; its buddy counts fail the check whatever the min (blocks >= order %d: %s)",
				     zn, order, blocks);
		} else if (!z->have_buddy) {
			EVID(d, "%s: no buddy line printed; free %ldkB, min %ldkB", zn, dz->free_kb,
			     z->min_kb);
		}
		break;
	case DZ_PASS:
		EVID(d, "%s%s passes: %ld free - %ld headroom - %ld highatomic - %ld CMA = %ld pages > min %ld + lowmem_reserve %ld, and blocks >= order %d are on lists it may use: %s",
		     zn, est, s->free_pages, s->headroom, s->highatomic_sub, s->cma_sub, s->free_after,
		     s->min, s->lowmem_reserve, order, blocks);
		break;
	case DZ_LOW:
		EVID(d, "%s%s: free %ldkB is at or below the effective min %ldkB (min %ldkB after __GFP_HIGH/ATOMIC reductions)",
		     zn, est, dz->free_kb, kb(s->min, pk), z->min_kb);
		break;
	case DZ_WATERMARK:
		if (s->why == WM_FAIL_ORDER_LOOP) {
			char steps[DX_TEXT / 2];
			size_t pos = 0;

			steps[0] = '\0';
			for (int o = 1; o <= s->fail_order && pos + 1 < sizeof(steps); o++) {
				int w = snprintf(steps + pos, sizeof(steps) - pos, "%sorder %d: %ld left vs %ld",
						 o > 1 ? ", " : "", o, s->loop_free[o], s->loop_min[o]);

				if (w < 0 || (size_t)w >= sizeof(steps) - pos)
					break;
				pos += (size_t)w;
			}
			EVID(d, "%s%s: has blocks >= order %d (%s) but fails the old check: effective min %ld pages (of %ld) is halved per order while the free pages of lower orders are subtracted: %s pages",
			     zn, est, order, blocks, s->min, s->mark, steps);
		} else {
			EVID(d, "%s%s: has blocks >= order %d (%s) but %ld free - %ld headroom - %ld highatomic - %ld CMA = %ld pages <= effective min %ld (of %ld) + lowmem_reserve %ld",
			     zn, est, order, blocks, s->free_pages, s->headroom, s->highatomic_sub,
			     s->cma_sub, s->free_after, s->min, s->mark, s->lowmem_reserve);
		}
		break;
	case DZ_LOWMEM_RESERVE:
		EVID(d, "%s%s: would pass (blocks >= order %d: %s) but %ld free pages after subtractions <= min %ld + lowmem_reserve %ld (%ldkB kept for higher-zone requests)",
		     zn, est, order, blocks, s->free_after, s->min, s->lowmem_reserve,
		     kb(s->lowmem_reserve, pk));
		break;
	case DZ_MIGRATETYPE:
		EVID(d, "%s%s: free %ldkB is enough, but every block >= order %d is on a list this request may not use: %s",
		     zn, est, dz->free_kb, order, blocks);
		break;
	case DZ_FRAGMENTED: {
		int lo = largest_order(z);
		char lb[DX_TEXT / 4];

		if (lo >= 0)
			snprintf(lb, sizeof(lb), "largest free block order %d, %ldx%ldkB%s%s%s", lo,
				 z->buddy[lo].count, z->buddy[lo].size_kb,
				 z->buddy[lo].letters[0] ? " (" : "", z->buddy[lo].letters,
				 z->buddy[lo].letters[0] ? ")" : "");
		else
			snprintf(lb, sizeof(lb), "no free blocks listed");
		EVID(d, "%s%s: free %ldkB (min %ldkB) but no free block of order >= %d on any list; %s",
		     zn, est, dz->free_kb, z->min_kb, order, lb);
		break;
	}
	}
}

/* Which printed numbers contradict the failure of a zone that passes. */
static void contradiction(struct dx_result *d, const struct rp_report *r, const struct dx_zone *dz)
{
	const struct rp_zone *z = &r->zones[dz->rz];
	unsigned ume = 1u << WM_MT_UNMOVABLE | 1u << WM_MT_MOVABLE | 1u << WM_MT_RECLAIMABLE;
	char list[DX_TEXT / 2], zn[48];
	size_t pos = 0;
	int order = r->order < 0 ? 0 : r->order;

	list[0] = '\0';
	for (int o = order; o < z->nr_buddy && pos + 1 < sizeof(list); o++) {
		const struct rp_buddy *b = &z->buddy[o];
		int w;

		if (b->count <= 0 || (z->buddy_types && !(b->types & ume)))
			continue;
		w = snprintf(list + pos, sizeof(list) - pos, "%sorder %d: %ldx%ldkB%s%s%s",
			     pos ? ", " : "", o, b->count, b->size_kb, b->letters[0] ? " (" : "",
			     b->letters, b->letters[0] ? ")" : "");
		if (w < 0 || (size_t)w >= sizeof(list) - pos)
			break;
		pos += (size_t)w;
	}
	zname(z, zn, sizeof(zn));
	if (pos)
		EVID(d, "contradiction: %s lists blocks of order >= %d that any order-%d request may take (%s)%s",
		     zn, order, order, list, z->buddy_types ? " on unmovable/movable/reclaimable lists" : "");
	if (dz->res_low.ok)
		EVID(d, "even the fast path passes: %ld pages after subtractions > low watermark %ld + lowmem_reserve %ld, without any reserve access",
		     dz->res_low.free_after, dz->res_low.min, dz->res_low.lowmem_reserve);
	EVID(d, "so the lists changed between the failed attempt and the printout (reclaim, kswapd, compaction, frees on other CPUs), or the attempt ran under constraints the report does not show (cpuset or mempolicy nodes, __GFP_THISNODE, fault injection)");
}

/* ---- the decision ---- */

static const char *cause_for(enum dx_zone_status s, enum dx_cause *c)
{
	switch (s) {
	case DZ_LOWMEM_RESERVE: *c = DX_LOWMEM_RESERVE; return "lowmem_reserve";
	case DZ_WATERMARK: *c = DX_WATERMARK; return "watermark";
	case DZ_MIGRATETYPE: *c = DX_MIGRATETYPE; return "migratetype";
	case DZ_FRAGMENTED: *c = DX_FRAGMENTATION; return "fragmentation";
	case DZ_LOW: *c = DX_LOW_MEMORY; return "low";
	default: *c = DX_INCONCLUSIVE; return "?";
	}
}

/*
 * A zone that "passes" only through a few small blocks at or above the order,
 * next to far more free memory in smaller blocks, is fragmented: the report
 * is printed after the last failed attempt, and kswapd (which the request
 * woke) and frees on other CPUs make a few blocks in between. Every report
 * the scenario tests capture from Debian 6.1 and 6.12 shows it (2-6 blocks of
 * order 3-5 against ~170000 free pages, tests/data/reports/debian-*);
 * seed 004's 229 such blocks stay inconclusive.
 */
#define DX_LATE_BLOCKS		16
#define DX_LATE_SHARE		200	/* at most 1/200 of the zone's free pages */

static bool few_late_blocks(const struct dx_zone *dz, int order, long *blocks, long *pages)
{
	*blocks = *pages = 0;
	for (int o = order; o < dz->wz.nr_orders; o++) {
		*blocks += dz->wz.nr_free[o];
		*pages += dz->wz.nr_free[o] << o;
	}
	return order > 0 && *blocks > 0 && *blocks <= DX_LATE_BLOCKS &&
	       *pages * DX_LATE_SHARE <= dz->wz.free_pages;
}

static void decide(struct dx_result *d, const struct rp_report *r)
{
	long total_w = 0, best_free = -1;
	int nallowed = 0, nknown = 0, nlow = 0, best = -1, pass = -1;
	bool any_data = false;

	for (int i = 0; i < d->nr_zones; i++) {
		const struct rp_zone *z = &r->zones[d->zones[i].rz];

		if (z->have_buddy || z->have_line)
			any_data = true;
		if (d->zones[i].allowed)
			total_w += d->zones[i].weight_kb;
	}
	if (!any_data) {
		d->cause = DX_INSUFFICIENT_DATA;
		return;
	}
	for (int i = 0; i < d->nr_zones; i++) {
		struct dx_zone *dz = &d->zones[i];

		if (!dz->allowed)
			continue;
		nallowed++;
		/* ZONE_DMA next to gigabytes of Normal: evidence, not the decider */
		dz->primary = total_w <= 0 || dz->weight_kb * 16 >= total_w ||
			      dz->weight_kb >= 256L * 1024;
		if (dz->status == DZ_PASS && dz->wz.nr_orders) {
			long nb, np;
			char zn[48];

			if (few_late_blocks(dz, r->order, &nb, &np)) {
				dz->status = DZ_FRAGMENTED;
				EVID(d, "%s: only %ld block%s of order >= %d (%ld pages, under 1/%d of its %ld free pages); blocks that few appear between the failed attempt and the printout (kswapd, woken by the request, and frees on other CPUs), so it counts as fragmented",
				     zname(&r->zones[dz->rz], zn, sizeof(zn)), nb, nb == 1 ? "" : "s",
				     r->order, np, DX_LATE_SHARE, dz->wz.free_pages);
			}
		}
		if (dz->status == DZ_PASS && !dz->estimated && pass < 0)
			pass = i;
		if (!dz->primary || dz->status == DZ_UNKNOWN || dz->status == DZ_PASS)
			continue;
		nknown++;
		if (dz->status == DZ_LOW) {
			nlow++;
			continue;
		}
		if (dz->free_kb > best_free) {
			best_free = dz->free_kb;
			best = i;
		}
	}
	if (pass >= 0) {
		d->cause = DX_INCONCLUSIVE;
		d->deciding = pass;
		return;
	}
	/* the mask's zones are exhausted or absent while higher zones have plenty */
	if (d->sem.zone == GZ_DMA || d->sem.zone == GZ_DMA32 || nallowed == 0) {
		bool allowed_poor = nallowed == 0 || (nknown > 0 && nlow == nknown);
		int rich = -1;

		for (int i = 0; i < d->nr_zones && allowed_poor; i++) {
			struct dx_zone *dz = &d->zones[i];

			if (!dz->allowed && dz->have_wm && dz->free_kb > 0 &&
			    dz->wz.free_pages > dz->wz.high && (!dz->wz.nr_orders ||
			    wm_max_passing_min(&dz->wz, &(struct wm_request){ r->order < 0 ? 0 : r->order,
					d->alloc_flags, WM_MARK_MIN, -1, d->wm_era }) >= dz->wz.min))
				rich = i;
		}
		if (allowed_poor && rich >= 0) {
			d->cause = DX_ZONE_EXHAUSTED;
			d->deciding = rich;
			return;
		}
	}
	if (nknown > 0 && nlow == nknown) {
		d->cause = DX_LOW_MEMORY;
		return;
	}
	if (best >= 0) {
		cause_for(d->zones[best].status, &d->cause);
		d->deciding = best;
		return;
	}
	/* only unknowns: blocks alone can still show fragmentation (4.4+) */
	if (d->wm_era != WM_ERA_LEGACY) {
		bool any_block = false, any_buddy = false;

		for (int i = 0; i < d->nr_zones; i++) {
			const struct dx_zone *dz = &d->zones[i];
			struct wm_result res;
			struct wm_request rq = { r->order < 0 ? 0 : r->order, d->alloc_flags,
						 WM_MARK_MIN, -1, d->wm_era };

			if (!dz->allowed || !dz->wz.nr_orders)
				continue;
			any_buddy = true;
			wm_check(&dz->wz, &rq, &res);
			if (res.usable_orders)
				any_block = true;
		}
		if (any_buddy && !any_block && r->order > 0) {
			d->cause = DX_FRAGMENTATION;
			return;
		}
		if (!any_buddy) {
			d->cause = DX_INSUFFICIENT_DATA;
			return;
		}
	}
	d->cause = DX_INCONCLUSIVE;
}

/* ---- factors and remedies ---- */

static long sum_min_kb(const struct rp_report *r)
{
	long s = 0;

	for (int i = 0; i < r->nr_zones; i++)
		if (r->zones[i].min_kb > 0)
			s += r->zones[i].min_kb;
	return s;
}

static void factors(struct dx_result *d, const struct rp_report *r)
{
	const struct gfp_semantics *s = &d->sem;
	int order = r->order;
	bool costly = order > WM_COSTLY_ORDER;
	const struct dx_zone *dz = d->deciding >= 0 ? &d->zones[d->deciding] : NULL;

	if (!d->have_mask) {
		FACT(d, "the report has no mode: the GFP flags are unknown");
		return;
	}
	if (!s->can_direct_reclaim)
		FACT(d, "no direct reclaim and no direct compaction: %s cannot sleep (GFP_ATOMIC/GFP_NOWAIT style); it %s and fails as soon as the free lists say no",
		     d->names, s->wakes_kswapd ? "only wakes kswapd" : "does not even wake kswapd");
	else if (costly && !s->retry_mayfail && !s->nofail)
		FACT(d, "order %d > PAGE_ALLOC_COSTLY_ORDER (3) without __GFP_RETRY_MAYFAIL: the slow path gives up once compaction and reclaim make no progress, instead of retrying",
		     order);
	if (s->noretry)
		FACT(d, "__GFP_NORETRY: a single light reclaim/compaction attempt, then failure");
	if (costly)
		FACT(d, "no OOM kill for costly orders (> 3): the allocator never frees memory by killing for this request");
	else if (!s->can_direct_reclaim)
		FACT(d, "atomic requests never invoke the OOM killer");
	if (s->high || s->atomic || (d->alloc_flags & (WMA_HARDER | WMA_NON_BLOCK))) {
		if (dz && dz->have_wm && dz->res.mark > 0)
			FACT(d, "%s%s lets it dip below min: effective min %ldkB instead of %ldkB in %s",
			     s->high ? "__GFP_HIGH" : "", (d->alloc_flags & (WMA_HARDER | WMA_NON_BLOCK)) ?
			     (s->high ? " + non-blocking (ALLOC_HARDER/NON_BLOCK)" : "non-blocking (ALLOC_HARDER/NON_BLOCK)") : "",
			     kb(dz->res.min, dz->page_kb), kb(dz->res.mark, dz->page_kb),
			     r->zones[dz->rz].name);
	}
	if (!(d->alloc_flags & WMA_CMA)) {
		long cma = 0, freek = 0;

		for (int i = 0; i < d->nr_zones; i++)
			if (d->zones[i].allowed) {
				const struct rp_zone *z = &r->zones[d->zones[i].rz];

				cma += z->free_cma_kb > 0 ? z->free_cma_kb : 0;
				freek += d->zones[i].free_kb > 0 ? d->zones[i].free_kb : 0;
			}
		if (cma > 0)
			FACT(d, "%s request: %ldkB of free CMA (of %ldkB free) is excluded from the check and CMA lists cannot serve it",
			     s->migratetype == 2 ? "reclaimable" : "unmovable", cma, freek);
	}
	if (dz && dz->res.highatomic_sub > 0)
		FACT(d, "%ldkB of high-atomic reserve in %s is not usable by this request",
		     kb(dz->res.highatomic_sub, dz->page_kb), r->zones[dz->rz].name);
	if (s->can_direct_reclaim && !s->io && order > 0)
		FACT(d, "no __GFP_IO: direct compaction is skipped");
	if (s->thisnode)
		FACT(d, "__GFP_THISNODE: no fallback to other nodes");
	if (r->cpuset[0] && strcmp(r->cpuset, "/") && (d->alloc_flags & WMA_CPUSET) && r->mems_allowed[0])
		FACT(d, "cpuset %s limits it to nodes %s", r->cpuset, r->mems_allowed);
	if (r->callers_unreliable)
		FACT(d, "the call trace has only unreliable (\"? \") frames; the caller is a best guess");
}

static bool caller_has(const struct rp_report *r, const char *s)
{
	for (int i = 0; i < r->nr_callers; i++)
		if (strstr(r->callers[i], s))
			return true;
	return false;
}

static void remedies(struct dx_result *d, const struct rp_report *r)
{
	const struct gfp_semantics *s = &d->sem;
	const char *caller = r->nr_callers ? r->callers[0] : "the caller";
	long minsum = sum_min_kb(r);
	long cma = 0, freek = 0;

	for (int i = 0; i < d->nr_zones; i++) {
		const struct rp_zone *z = &r->zones[d->zones[i].rz];

		cma += z->free_cma_kb > 0 ? z->free_cma_kb : 0;
		freek += d->zones[i].free_kb > 0 ? d->zones[i].free_kb : 0;
	}
	if (caller_has(r, "veth_alloc_queues"))
		REMEDY(d, "veth: upstream commit 1ce7d306ea63 \"veth: try harder when allocating queue memory\" switched veth_alloc_queues() from kcalloc to kvcalloc with __GFP_RETRY_MAYFAIL; it is needed since 9d3684c24a52 sized the queues by possible CPUs (832 bytes each -> order 5/6)");
	if (caller_has(r, "skb"))
		REMEDY(d, "network buffers: a large MTU makes the stack ask for order-%d skb data in atomic context; lower the MTU, or use a driver that builds skbs from page fragments (scatter-gather)",
		       r->order);
	else if (!r->vmalloc && r->order >= 1 && (r->via_kmalloc || r->via_slab) &&
		 d->cause != DX_ZONE_EXHAUSTED && s->can_direct_reclaim)
		REMEDY(d, "%s gets physically contiguous memory from kmalloc (order %d); if it does not need contiguity use kvmalloc()/kvcalloc(), which fall back to vmalloc, as upstream commit 1ce7d306ea63 did for veth",
		       caller, r->order);
	else if (!r->vmalloc && r->order >= 1 && !s->can_direct_reclaim) {
		if (caller_has(r, "probe") || caller_has(r, "init_module") ||
		    caller_has(r, "do_one_initcall"))
			REMEDY(d, "the call chain is a driver probe/module init, i.e. process context: allocate with GFP_KERNEL (or kvmalloc if contiguity is not needed) so reclaim and compaction can run, instead of an atomic mask");
		else
			REMEDY(d, "an atomic order-%d allocation cannot reclaim or compact: preallocate it in process context, use a mempool, or split it into order-0 pieces",
			       r->order);
	}
	if (s->can_direct_reclaim && r->order > WM_COSTLY_ORDER && !s->retry_mayfail && !s->nofail &&
	    !r->vmalloc)
		REMEDY(d, "if the allocation must succeed, add __GFP_RETRY_MAYFAIL so the allocator keeps compacting and reclaiming while that makes progress");
	if (!s->nowarn)
		REMEDY(d, "if %s has a fallback (smaller order, vmalloc, retry later), make the opportunistic attempt __GFP_NOWARN (and __GFP_NORETRY) so the fallback is silent",
		       caller);
	if (!s->can_direct_reclaim &&
	    (d->cause == DX_WATERMARK || d->cause == DX_LOW_MEMORY || d->cause == DX_FRAGMENTATION ||
	     d->cause == DX_INCONCLUSIVE)) {
		if (minsum > 0)
			REMEDY(d, "atomic bursts: raise vm.min_free_kbytes (the printed min watermarks add up to %ldkB; e.g. sysctl vm.min_free_kbytes=%ld) so kswapd keeps more memory and more high-order blocks free ahead of them",
			       minsum, minsum * 2);
		else
			REMEDY(d, "atomic bursts: raise vm.min_free_kbytes so kswapd keeps more memory and more high-order blocks free ahead of them");
		if (d->wm_era != WM_ERA_LEGACY)
			REMEDY(d, "vm.watermark_scale_factor widens the low-high gap so kswapd wakes earlier");
	}
	if (d->cause == DX_FRAGMENTATION)
		REMEDY(d, "reduce fragmentation before the demand: proactive compaction (vm.compaction_proactiveness, 5.9+) or echo 1 > /proc/sys/vm/compact_memory; allocate long-lived buffers early at boot");
	if (d->cause == DX_MIGRATETYPE || (freek > 0 && cma * 2 > freek)) {
		if (cma > 0)
			REMEDY(d, "CMA sizing: %ldkB of the %ldkB free is CMA, which only movable allocations may use; shrink the CMA area (cma= or the reserved-memory node) to what its users need, or make the allocation movable",
			       cma, freek);
		else
			REMEDY(d, "the high-atomic reserve holds the remaining large blocks; it is given back under pressure (unreserve_highatomic_pageblock), but an unmovable request cannot use it meanwhile");
	}
	if (d->cause == DX_LOWMEM_RESERVE)
		REMEDY(d, "lowmem_reserve protects the lower zone by design; lowering vm.lowmem_reserve_ratio lets this fallback succeed at the risk of exhausting DMA/DMA32 for the devices that need it");
	if (d->cause == DX_ZONE_EXHAUSTED)
		REMEDY(d, "drop GFP_DMA/GFP_DMA32 if the device can address more (dma_set_mask), use the DMA API (dma_alloc_coherent, swiotlb), or reserve a CMA area for the device");
	if (d->cause == DX_LOW_MEMORY)
		REMEDY(d, "little memory is free anywhere: find the consumer (Mem-Info slab_unreclaimable, anon, shmem), add swap or memory; high-order success needs free memory first");
	if (d->cause == DX_INCONCLUSIVE)
		REMEDY(d, "capture the state at the failure itself: /proc/buddyinfo, /proc/pagetypeinfo and `fragtest snapshot`, plus the tracepoints kmem:mm_page_alloc_extfrag and compaction:*; the report is printed after the failed attempt, so blocks freed by reclaim, compaction, per-cpu list drains or other CPUs in between show up in it");
}

/*
 * A `fragtest pin` line (tools/cmd_pin.c) that rebuilds a similar state in a
 * VM: pin the zone down to a floor of free pages, break every 2^k group so
 * nothing above a given order survives (--drain --above), then try the
 * request with the report's own flags through the same API.
 */
static void reproduce(struct dx_result *d, const struct rp_report *r)
{
	const struct dx_zone *dz = d->deciding >= 0 ? &d->zones[d->deciding] : NULL;
	const char *zn = dz ? r->zones[dz->rz].name : "Normal";
	long floor = dz && dz->free_kb > 0 ? dz->free_kb / (dz->page_kb ? dz->page_kb : 4) : 0;
	int order = r->order < 0 ? 0 : r->order;
	int above = order > 0 ? order - 1 : 0;
	const char *api = r->vmalloc ? "vmalloc" : (r->via_kmalloc || r->via_slab) ? "kmalloc" :
			  "alloc_pages";
	char gfp[300], tail[400];

	/* names must be the kernel's own; our decoding is what the module table knows */
	snprintf(gfp, sizeof(gfp), "'%s'", d->decoded[0] ? d->decoded :
		 d->names[0] ? d->names : "GFP_KERNEL");
	snprintf(tail, sizeof(tail), "--try-api %s --try-gfp %s --try-order %d", api, gfp, order);
	switch (d->cause) {
	case DX_FRAGMENTATION:
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone %s --floor %ld --pattern alt --drain --above %d %s",
		     zn, floor, above, tail);
		break;
	case DX_WATERMARK:
		/* keep blocks of the order but sit on the watermark */
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone %s --floor %ld --pattern group --k %d %s%s",
		     zn, !dz ? floor : d->wm_era == WM_ERA_LEGACY ? dz->wz.free_pages :
		     (long)(dz->res.required + dz->res.cma_sub + dz->res.highatomic_sub),
		     order, tail, r->zones[dz ? dz->rz : 0].free_cma_kb > 0 ?
		     "  (boot the VM with cma= of the report's size so CMA is excluded as here)" : "");
		break;
	case DX_MIGRATETYPE:
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone %s --floor %ld --pattern alt --drain --above %d %s  (with a cma= area or a high-atomic reserve left holding the large blocks)",
		     zn, floor, above, tail);
		break;
	case DX_ZONE_EXHAUSTED:
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone %s --floor 0 %s",
		     gfp_zone_class_name(d->sem.zone), tail);
		break;
	case DX_LOWMEM_RESERVE:
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone Normal --floor 0 %s  (%s keeps its lowmem_reserve)",
		     tail, zn);
		break;
	case DX_LOW_MEMORY:
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone all --floor %ld %s",
		     sum_min_kb(r) / 4, tail);
		break;
	case DX_INSUFFICIENT_DATA:
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone Normal --pattern alt --drain --above %d %s  (no zone data: a generic fragmented state)",
		     above, tail);
		break;
	default:
		setf(d->reproduce, DX_TEXT, "fragtest pin --zone %s --floor %ld %s  (the printed state passes; this approximates it)",
		     zn, floor, tail);
		break;
	}
}

static void summarize(struct dx_result *d, const struct rp_report *r)
{
	const struct dx_zone *dz = d->deciding >= 0 ? &d->zones[d->deciding] : NULL;
	char zn[48] = "", what[48];
	int order = r->order < 0 ? 0 : r->order;

	if (dz)
		zname(&r->zones[dz->rz], zn, sizeof(zn));
	if (r->vmalloc)
		snprintf(what, sizeof(what), "vmalloc(%ld bytes), order", r->vmalloc_size);
	else
		snprintf(what, sizeof(what), "order");
	switch (d->cause) {
	case DX_FRAGMENTATION:
		setf(d->summary, sizeof(d->summary),
			 "%s-%d %s request: %s has %ldkB free but no free block of order >= %d on a list it may use, and %s",
			 what, order, d->names, dz ? zn : "no zone", dz ? dz->free_kb : 0L, order,
			 d->sem.can_direct_reclaim ? "reclaim/compaction did not produce one before it gave up" :
			 "it may not reclaim or compact");
		break;
	case DX_WATERMARK:
		setf(d->summary, sizeof(d->summary),
			 "order-%d %s request: %s has blocks of order >= %d, but fails %s watermark check (%s)",
			 order, d->names, zn, order, d->wm_era == WM_ERA_LEGACY ? "the old per-order" : "the",
			 dz && dz->res.why == WM_FAIL_ORDER_LOOP ?
			 "free pages left above the lower orders fall below the halved min" :
			 "free pages after CMA/highatomic/headroom subtraction are not above min + lowmem_reserve");
		break;
	case DX_MIGRATETYPE:
		setf(d->summary, sizeof(d->summary),
			 "order-%d %s request: the only free blocks of order >= %d in %s are CMA or high-atomic reserve, which this request may not use",
			 order, d->names, order, zn);
		break;
	case DX_ZONE_EXHAUSTED:
		setf(d->summary, sizeof(d->summary),
			 "order-%d %s request may only use zones up to %s, which are empty or too small, while %s has plenty",
			 order, d->names, gfp_zone_class_name(d->sem.zone), zn);
		break;
	case DX_LOWMEM_RESERVE:
		setf(d->summary, sizeof(d->summary),
			 "order-%d %s request: %s has suitable blocks but keeps them for higher-zone requests (lowmem_reserve)",
			 order, d->names, zn);
		break;
	case DX_LOW_MEMORY:
		setf(d->summary, sizeof(d->summary),
			 "%s-%d %s request: every zone it may use is at or below its (reduced) min watermark",
			 what, order, d->names);
		break;
	case DX_INCONCLUSIVE:
		if (dz)
			setf(d->summary, sizeof(d->summary),
				 "order-%d %s request: the printed numbers do not explain the failure: %s passes the watermark check with blocks of order >= %d on usable lists",
				 order, d->names, zn, order);
		else
			setf(d->summary, sizeof(d->summary),
				 "order-%d %s request: the printed numbers do not decide the cause (watermarks or zones missing)",
				 order, d->names);
		break;
	case DX_INSUFFICIENT_DATA:
		setf(d->summary, sizeof(d->summary),
			 "%s-%d %s request: the report has no zone or buddy lines, so the cause cannot be computed",
			 what, order, d->names);
		break;
	}
}

void dx_diagnose(const struct rp_report *r, struct dx_result *d)
{
	unsigned long long nodes = 0;
	bool nodes_limited, cpuset_limited = false;
	unsigned long long mems = 0;
	struct wm_request rq;
	int order = r->order < 0 ? 0 : r->order;

	memset(d, 0, sizeof(*d));
	d->deciding = -1;
	d->era = dx_report_era(r, &d->kv, d->era_note, sizeof(d->era_note));
	/*
	 * The release's sublevel when printed: stable branches took later rules.
	 * A Debian ABI name ("6.1.0-56") hides it; the upstream release after
	 * "Debian" on the same line has it.
	 */
	if (!(r->kernel_upstream[0] && wm_rules_for_version(r->kernel_upstream, &d->wm_rules)) &&
	    !(r->kernel_version[0] && wm_rules_for_version(r->kernel_version, &d->wm_rules)))
		wm_rules_for(d->kv, -1, &d->wm_rules);
	d->wm_era = d->wm_rules.era;
	d->have_mask = r->have_mode;
	d->mask = r->mode;
	if (r->have_mode) {
		gfp_format(d->era, r->mode, d->decoded, sizeof(d->decoded));
		if (r->have_names) {
			snprintf(d->names, sizeof(d->names), "%s", r->mode_names);
			d->names_from_report = true;
			d->decode_checked = true;
			d->decode_matches = !strcmp(d->decoded, r->mode_names);
		} else {
			snprintf(d->names, sizeof(d->names), "%s", d->decoded);
		}
		gfp_semantics(d->era, r->mode, &d->sem);
	} else {
		snprintf(d->names, sizeof(d->names), "unknown mode");
		d->sem.zone = GZ_NORMAL;
		d->sem.can_direct_reclaim = true;
	}
	d->alloc_flags = wm_alloc_flags_r(&d->wm_rules, order, d->sem.high, d->sem.atomic,
					d->sem.can_direct_reclaim, d->sem.nomemalloc,
					d->sem.migratetype);
	d->highest_zoneidx = class_index(r, d->sem.zone);
	nodes_limited = parse_nodelist(r->nodemask, &nodes);
	if ((d->alloc_flags & WMA_CPUSET) && r->mems_allowed[0])
		cpuset_limited = parse_nodelist(r->mems_allowed, &mems);

	rq = (struct wm_request){ order, d->alloc_flags, WM_MARK_MIN, d->highest_zoneidx, d->wm_era };
	for (int i = 0; i < r->nr_zones && d->nr_zones < RP_MAX_ZONES; i++) {
		const struct rp_zone *z = &r->zones[i];
		const struct rp_zone *wm = NULL;
		struct dx_zone *dz = &d->zones[d->nr_zones++];
		int node = z->node < 0 ? 0 : z->node;

		memset(dz, 0, sizeof(*dz));
		dz->rz = i;
		dz->borrowed_from = -1;
		dz->zone_idx = zone_index(r, z->name);
		dz->allowed = dz->zone_idx >= 0 && dz->zone_idx <= d->highest_zoneidx;
		if (nodes_limited && node < 64 && !(nodes & (1ull << node)))
			dz->allowed = false;
		if (cpuset_limited && node < 64 && !(mems & (1ull << node)))
			dz->allowed = false;
		if (z->have_line && z->min_kb >= 0) {
			wm = z;
		} else {
			for (int j = 0; j < r->nr_zones; j++)
				if (j != i && r->zones[j].have_line && r->zones[j].min_kb >= 0 &&
				    !strcmp(r->zones[j].name, z->name)) {
					wm = &r->zones[j];
					dz->estimated = true;
					dz->borrowed_from = j;
					break;
				}
		}
		dz->have_wm = wm != NULL;
		build_wz(z, wm, dz);
		if (dz->allowed) {
			classify(dz, z, &rq);
		} else {
			struct wm_request own = rq;

			/* what the zone would say if the mask allowed it */
			own.highest_zoneidx = dz->zone_idx;
			dz->status = DZ_NOT_ALLOWED;
			if (dz->have_wm)
				wm_check(&dz->wz, &own, &dz->res);
		}
	}
	if (r->order < 0 && !r->vmalloc) {
		d->cause = DX_INSUFFICIENT_DATA;
	} else {
		decide(d, r);
	}
	/* the vmalloc path allocates order-0 pages: only low memory explains it from zones */
	if (r->vmalloc && d->cause != DX_LOW_MEMORY && d->cause != DX_INSUFFICIENT_DATA)
		d->cause = DX_INCONCLUSIVE;

	summarize(d, r);
	if (r->vmalloc)
		EVID(d, "vmalloc failure of %ld bytes: vmalloc needs order-0 pages and address space, not contiguity; a failure with free memory is usually a fatal signal, vmap space or a nested GFP_NOFS/NOIO context",
		     r->vmalloc_size);
	if (d->decode_checked && !d->decode_matches)
		EVID(d, "the printed names \"%s\" differ from the %s-layout decoding \"%s\"", r->mode_names,
		     d->era->id, d->decoded);
	{
		long tot = 0;

		for (int i = 0; i < d->nr_zones; i++)
			if (d->zones[i].allowed && d->zones[i].free_kb > 0)
				tot += d->zones[i].free_kb;
		if (tot > 0)
			EVID(d, "free in the zones it may use: %ldkB%s", tot,
			     r->mi_free >= 0 ? "" : "");
	}
	/* the deciding zone first, then the others it may use */
	if (d->deciding >= 0)
		zone_evidence(d, r, &d->zones[d->deciding]);
	if (d->cause == DX_INCONCLUSIVE && d->deciding >= 0)
		contradiction(d, r, &d->zones[d->deciding]);
	for (int i = 0; i < d->nr_zones; i++)
		if (i != d->deciding && d->zones[i].allowed)
			zone_evidence(d, r, &d->zones[i]);
	for (int i = 0; i < d->nr_zones; i++) {
		const struct dx_zone *dz = &d->zones[i];
		const struct rp_zone *z = &r->zones[dz->rz];
		char zn[48];

		if (dz->allowed)
			continue;
		if (d->cause == DX_ZONE_EXHAUSTED || z->free_kb > 0)
			EVID(d, "%s: not usable by this mask (zone %d > %s), free %ldkB%s", zname(z, zn, sizeof(zn)),
			     dz->zone_idx, gfp_zone_class_name(d->sem.zone), dz->free_kb,
			     dz->have_wm && dz->res.ok ? "; the same request would pass there" : "");
	}
	for (int i = 0; i < r->nr_warn; i++)
		EVID(d, "report: %s", r->warn[i]);
	if (d->cause == DX_INSUFFICIENT_DATA) {
		EVID(d, "the report has %s", r->nr_zones ? "zones without watermark or buddy numbers" :
		     r->have_meminfo ? "Mem-Info but no zone or buddy lines" :
		     "only the header: no Mem-Info, zone or buddy lines");
		if (r->order > WM_COSTLY_ORDER && d->sem.can_direct_reclaim && d->sem.migratetype != 1)
			EVID(d, "an order-%d %s request can fail although the buddy lines printed with it show order-%d blocks: the lines are printed after the last attempt (reclaim, compaction and other CPUs free blocks in between); a costly request gives up after compaction reports no progress or is deferred; and blocks on ZONE_MOVABLE or on C (CMA) lists are not usable by an unmovable request",
			     r->order, d->names, r->order);
	}
	factors(d, r);
	remedies(d, r);
	reproduce(d, r);
}
