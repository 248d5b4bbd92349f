// SPDX-License-Identifier: GPL-2.0
/*
 * The zone watermark check, per era. The arithmetic follows the kernel's
 * __zone_watermark_ok() as read in mm/page_alloc.c of v2.6.32, v4.19, v5.10,
 * v6.3 and v6.12; the code is ours.
 */
#include "watermark.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "gfp_layout.h"

enum wm_era wm_era_for_kv(unsigned kv)
{
	if (kv < GFP_KV(4, 4))
		return WM_ERA_LEGACY;
	if (kv < GFP_KV(6, 3))
		return WM_ERA_HARDER;
	if (kv < GFP_KV(6, 12))
		return WM_ERA_RESERVES;
	return WM_ERA_FREE_HIGHATOMIC;
}

const char *wm_era_name(enum wm_era era)
{
	switch (era) {
	case WM_ERA_LEGACY: return "<=4.3 (order loop halving min)";
	case WM_ERA_HARDER: return "4.4-6.2 (ALLOC_HARDER, highatomic reserve)";
	case WM_ERA_RESERVES: return "6.3-6.11 (ALLOC_NON_BLOCK/ALLOC_MIN_RESERVE)";
	case WM_ERA_FREE_HIGHATOMIC: return "6.12+ (free highatomic pages unusable)";
	}
	return "?";
}

void wm_rules_for(unsigned kv, int sublevel, struct wm_rules *out)
{
	int sub = sublevel < 0 ? 0 : sublevel;

	out->era = wm_era_for_kv(kv);
	if (kv == GFP_KV(6, 1) && sub >= 116)
		out->era = WM_ERA_RESERVES;
	out->highatomic_fallback = kv >= GFP_KV(6, 10) || (kv == GFP_KV(6, 1) && sub >= 116);
	out->highatomic_needs_high = kv >= GFP_KV(6, 17) ||
				     (kv == GFP_KV(6, 12) && sub >= 54) ||
				     (kv == GFP_KV(6, 1) && sub >= 157);
}

/* "a.b" or "a.b.c" at s; false when s does not start a version. */
static bool version_at(const char *s, unsigned *kv, int *sub)
{
	unsigned long a, b;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	a = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]) || a < 2 || a > 99)
		return false;
	b = strtoul(end + 1, &end, 10);
	if (b > 999)
		return false;
	*sub = -1;
	if (*end == '.' && isdigit((unsigned char)end[1]))
		*sub = (int)strtoul(end + 1, &end, 10);
	*kv = GFP_KV(a, b);
	return true;
}

bool wm_rules_for_version(const char *text, struct wm_rules *out)
{
	const char *p;
	unsigned kv, dkv = 0;
	int sub, dsub = -1;

	/* the last one: /proc/version names the compiler's Debian version first */
	for (p = text; p && (p = strstr(p, "Debian ")); p += 7)
		if (version_at(p + 7, &kv, &sub)) {
			dkv = kv;
			dsub = sub;
		}
	if (dkv) {
		wm_rules_for(dkv, dsub, out);
		return true;
	}
	for (p = text; p && *p; p++) {
		if ((p == text || !isalnum((unsigned char)p[-1])) && version_at(p, &kv, &sub)) {
			wm_rules_for(kv, sub, out);
			return true;
		}
	}
	return false;
}

unsigned wm_alloc_flags(enum wm_era era, int order, bool high, bool atomic,
			bool can_direct_reclaim, bool nomemalloc, int migratetype)
{
	struct wm_rules r = { .era = era };

	return wm_alloc_flags_r(&r, order, high, atomic, can_direct_reclaim, nomemalloc,
				migratetype);
}

unsigned wm_alloc_flags_r(const struct wm_rules *rules, int order, bool high, bool atomic,
			  bool can_direct_reclaim, bool nomemalloc, int migratetype)
{
	enum wm_era era = rules->era;
	unsigned f = WMA_CPUSET;

	if (high)
		f |= WMA_HIGH;
	switch (era) {
	case WM_ERA_LEGACY:
		/* !__GFP_WAIT: ALLOC_HARDER unless __GFP_NOMEMALLOC (3.x) */
		if (!can_direct_reclaim) {
			if (!nomemalloc)
				f |= WMA_HARDER;
			f &= ~WMA_CPUSET;
		}
		break;
	case WM_ERA_HARDER:
		if (atomic) {
			if (!nomemalloc)
				f |= WMA_HARDER;
			f &= ~WMA_CPUSET;
		}
		break;
	case WM_ERA_RESERVES:
	case WM_ERA_FREE_HIGHATOMIC:
		if (!can_direct_reclaim) {
			if (!nomemalloc) {
				f |= WMA_NON_BLOCK;
				if (order > 0 && (high || !rules->highatomic_needs_high))
					f |= WMA_HIGHATOMIC;
			}
			if (f & WMA_HIGH)
				f &= ~WMA_CPUSET;
		}
		break;
	}
	/* CMA pageblocks only take movable allocations */
	if (migratetype == 1 && era != WM_ERA_LEGACY)
		f |= WMA_CMA;
	return f;
}

static unsigned usable_types(const struct wm_request *r)
{
	unsigned t = 1u << WM_MT_UNMOVABLE | 1u << WM_MT_MOVABLE | 1u << WM_MT_RECLAIMABLE;

	if (r->era == WM_ERA_LEGACY) {
		/* one loop over counts; types did not matter, MIGRATE_RESERVE was a fallback */
		return t | 1u << WM_MT_RESERVE | 1u << WM_MT_CMA | 1u << WM_MT_HIGHATOMIC;
	}
	if (r->alloc_flags & WMA_CMA)
		t |= 1u << WM_MT_CMA;
	if (r->era == WM_ERA_HARDER) {
		if (r->alloc_flags & (WMA_HARDER | WMA_OOM))
			t |= 1u << WM_MT_HIGHATOMIC;
	} else if (r->alloc_flags & (WMA_HIGHATOMIC | WMA_OOM)) {
		t |= 1u << WM_MT_HIGHATOMIC;
	}
	return t;
}

static long reduced_min(long mark, const struct wm_request *r)
{
	long min = mark;
	unsigned f = r->alloc_flags;

	switch (r->era) {
	case WM_ERA_LEGACY:
		if (f & WMA_HIGH)
			min -= min / 2;
		if (f & WMA_HARDER)
			min -= min / 4;
		break;
	case WM_ERA_HARDER:
		if (f & WMA_HIGH)
			min -= min / 2;
		if (f & (WMA_HARDER | WMA_OOM))
			min -= (f & WMA_OOM) ? min / 2 : min / 4;
		break;
	case WM_ERA_RESERVES:
	case WM_ERA_FREE_HIGHATOMIC:
		/* __GFP_HIGH gets half of min; non-blocking __GFP_HIGH a further quarter */
		if (f & WMA_HIGH) {
			min -= min / 2;
			if (f & WMA_NON_BLOCK)
				min -= min / 4;
		}
		if (f & WMA_OOM)
			min -= min / 2;
		break;
	}
	return min;
}

static bool may_use_reserves(const struct wm_request *r)
{
	if (r->era == WM_ERA_HARDER)
		return r->alloc_flags & (WMA_HARDER | WMA_OOM);
	return r->alloc_flags & (WMA_HIGH | WMA_NON_BLOCK | WMA_HIGHATOMIC | WMA_OOM);
}

/* Everything but the comparison with min: shared by wm_check and wm_max_passing_min. */
static void prepare(const struct wm_zone *z, const struct wm_request *r, struct wm_result *res)
{
	int order = r->order < 0 ? 0 : r->order;

	memset(res, 0, sizeof(*res));
	res->fail_order = -1;
	res->free_pages = z->free_pages;
	res->headroom = order < 31 ? (1L << order) - 1 : 0;
	if (r->era != WM_ERA_LEGACY && !may_use_reserves(r)) {
		if (r->era == WM_ERA_FREE_HIGHATOMIC && z->nr_free_highatomic >= 0)
			res->highatomic_sub = z->nr_free_highatomic;
		else
			res->highatomic_sub = z->nr_reserved_highatomic;
	}
	if (!(r->alloc_flags & WMA_CMA))
		res->cma_sub = z->nr_free_cma;
	res->free_after = z->free_pages - res->headroom - res->highatomic_sub - res->cma_sub;
	if (r->highest_zoneidx >= 0 && r->highest_zoneidx < z->nr_lowmem_reserve &&
	    r->highest_zoneidx < WM_MAX_ZONES)
		res->lowmem_reserve = z->lowmem_reserve[r->highest_zoneidx];
	res->usable_types = usable_types(r);
	for (int o = order; o < z->nr_orders && o < WM_MAX_ORDER; o++) {
		if (z->nr_free[o] <= 0)
			continue;
		res->present_orders |= 1u << o;
		if (!z->types_known || (z->types[o] & res->usable_types))
			res->usable_orders |= 1u << o;
	}
}

/* n << o without overflow: inputs are bounded by the parser, shifts are not */
static long shl(long n, int o)
{
	if (n <= 0)
		return n;
	if (n > (LONG_MAX / 4) >> o)
		return LONG_MAX / 4;
	return n << o;
}

static bool legacy_loop(const struct wm_zone *z, const struct wm_request *r,
			long min, struct wm_result *res)
{
	/* the order-0 check uses free pages including CMA (CMA excluded above only) */
	long free = z->free_pages - res->headroom;

	for (int o = 0; o < r->order && o < WM_MAX_ORDER; o++) {
		long n = o < z->nr_orders ? z->nr_free[o] : 0;

		free -= shl(n, o);
		min >>= 1;
		res->loop_free[o + 1] = free;
		res->loop_min[o + 1] = min;
		if (free <= min) {
			res->fail_order = o + 1;
			return false;
		}
	}
	return true;
}

bool wm_check(const struct wm_zone *z, const struct wm_request *r, struct wm_result *res)
{
	long mark;

	prepare(z, r, res);
	mark = r->mark == WM_MARK_LOW ? z->low : r->mark == WM_MARK_HIGH ? z->high : z->min;
	res->mark = mark;
	res->min = reduced_min(mark, r);
	res->required = res->min + res->lowmem_reserve;
	res->loop_free[0] = res->free_after;
	res->loop_min[0] = res->min;

	if (res->free_after <= res->required) {
		res->why = WM_FAIL_FREE;
		return res->ok = false;
	}
	if (r->order <= 0) {
		res->why = WM_OK;
		return res->ok = true;
	}
	if (r->era == WM_ERA_LEGACY) {
		if (!legacy_loop(z, r, res->min, res)) {
			res->why = WM_FAIL_ORDER_LOOP;
			return res->ok = false;
		}
		/* the old check never looked at the lists, but rmqueue needs a block */
		if (z->nr_orders > 0 && !res->present_orders) {
			res->why = WM_FAIL_NO_BLOCK;
			return res->ok = false;
		}
		res->why = WM_OK;
		return res->ok = true;
	}
	if (res->usable_orders) {
		res->why = WM_OK;
		return res->ok = true;
	}
	res->why = res->present_orders ? WM_FAIL_NO_USABLE_BLOCK : WM_FAIL_NO_BLOCK;
	return res->ok = false;
}

long wm_max_passing_min(const struct wm_zone *z, const struct wm_request *r)
{
	struct wm_result res;
	long best;

	prepare(z, r, &res);
	if (r->era != WM_ERA_LEGACY && r->order > 0 && !res.usable_orders)
		return -1;
	/* free_after > min */
	best = res.free_after - 1;
	if (r->era == WM_ERA_LEGACY) {
		long free = z->free_pages - res.headroom;

		for (int o = 0; o < r->order && o < WM_MAX_ORDER; o++) {
			long n = o < z->nr_orders ? z->nr_free[o] : 0;
			long lim;

			free -= shl(n, o);
			/* (min >> (o + 1)) < free  <=>  min < free << (o + 1) */
			if (free <= 0)
				return -1;
			lim = shl(free, o + 1) - 1;
			if (lim < best)
				best = lim;
		}
	}
	return best < 0 ? -1 : best;
}

bool wm_rmqueue_ok(const struct wm_zone *z, const struct wm_request *r,
		   const struct wm_rules *rules, int migratetype)
{
	int order = r->order < 0 ? 0 : r->order;
	unsigned t = 1u << WM_MT_UNMOVABLE | 1u << WM_MT_MOVABLE | 1u << WM_MT_RECLAIMABLE;
	bool harder = r->era == WM_ERA_HARDER && order > 0 && (r->alloc_flags & WMA_HARDER);

	if (!z->types_known || r->era == WM_ERA_LEGACY)
		return true;
	if (z->pcp_known && order <= WM_COSTLY_ORDER && migratetype >= 0 && migratetype < 3 &&
	    (z->pcp_types[order] & (1u << migratetype)))
		return true;
	if (r->alloc_flags & WMA_CMA)
		t |= 1u << WM_MT_CMA;
	if (harder || (r->alloc_flags & WMA_HIGHATOMIC) ||
	    (rules->highatomic_fallback && (r->alloc_flags & (WMA_NON_BLOCK | WMA_OOM))))
		t |= 1u << WM_MT_HIGHATOMIC;
	for (int o = order; o < z->nr_orders && o < WM_MAX_ORDER; o++)
		if (z->nr_free[o] > 0 && (z->types[o] & t))
			return true;
	return false;
}

long wm_pass_level(const struct wm_zone *z, const struct wm_request *r)
{
	struct wm_result res;
	long mark = r->mark == WM_MARK_LOW ? z->low : r->mark == WM_MARK_HIGH ? z->high : z->min;

	prepare(z, r, &res);
	return reduced_min(mark, r) + res.lowmem_reserve + res.headroom + res.highatomic_sub +
	       res.cma_sub + 1;
}

char wm_mt_letter(enum wm_mt mt)
{
	static const char l[WM_MT_COUNT] = { 'U', 'M', 'E', 'H', 'C', 'I', 'R' };

	return (unsigned)mt < WM_MT_COUNT ? l[mt] : '?';
}

int wm_mt_from_letter(char c)
{
	switch (c) {
	case 'U': return WM_MT_UNMOVABLE;
	case 'M': return WM_MT_MOVABLE;
	case 'E': return WM_MT_RECLAIMABLE;
	case 'H': return WM_MT_HIGHATOMIC;
	case 'C': return WM_MT_CMA;
	case 'I': return WM_MT_ISOLATE;
	case 'R': return WM_MT_RESERVE;
	}
	return -1;
}
