/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of the zone watermark check (__zone_watermark_ok) and of the alloc
 * flags the page allocator derives from a GFP mask (gfp_to_alloc_flags), per
 * kernel era. Pure arithmetic on a plain description of one zone: it is fed
 * from a pasted report by `fragtest explain` and from live /proc data by the
 * scenario tests. No parsing beyond a kernel version string, no printing.
 *
 * Read from mm/page_alloc.c and mm/internal.h of v2.6.32 (halving loop),
 * v4.19 and v5.10 (ALLOC_HARDER, highatomic reserve, CMA exclusion), v6.3+
 * (ALLOC_NON_BLOCK / ALLOC_MIN_RESERVE / ALLOC_HIGHATOMIC), v6.12
 * (__zone_watermark_unusable_free counts free highatomic pages), and checked
 * line by line against Debian's 6.1.192 and 6.12.117 sources.
 */
#ifndef FRAGTEST_WATERMARK_H
#define FRAGTEST_WATERMARK_H

#include <stdbool.h>

#define WM_MAX_ORDER	16	/* NR_PAGE_ORDERS is 11 on x86, up to 14 on arm64/64K */
#define WM_MAX_ZONES	8
#define WM_COSTLY_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER */

enum wm_era {
	WM_ERA_LEGACY,		/* <= 4.3: subtract lower orders, halve min per order */
	WM_ERA_HARDER,		/* 4.4 .. 6.2: ALLOC_HARDER, MIGRATE_HIGHATOMIC */
	WM_ERA_RESERVES,	/* 6.3 .. 6.11: ALLOC_NON_BLOCK / ALLOC_MIN_RESERVE */
	WM_ERA_FREE_HIGHATOMIC,	/* 6.12+: only *free* highatomic pages are unusable */
};

/* Free-list types, as show_migration_types() letters them. */
enum wm_mt {
	WM_MT_UNMOVABLE,	/* U */
	WM_MT_MOVABLE,		/* M */
	WM_MT_RECLAIMABLE,	/* E */
	WM_MT_HIGHATOMIC,	/* H */
	WM_MT_CMA,		/* C */
	WM_MT_ISOLATE,		/* I */
	WM_MT_RESERVE,		/* R, MIGRATE_RESERVE before 4.4 */
	WM_MT_COUNT
};

/* Our own bit numbers; they mirror the kernel's ALLOC_* by meaning only. */
#define WMA_HIGH	0x001u	/* ALLOC_HIGH (<= 6.2) / ALLOC_MIN_RESERVE (6.3+): __GFP_HIGH */
#define WMA_HARDER	0x002u	/* ALLOC_HARDER (<= 6.2) */
#define WMA_NON_BLOCK	0x004u	/* ALLOC_NON_BLOCK (6.3+) */
#define WMA_HIGHATOMIC	0x008u	/* ALLOC_HIGHATOMIC (6.3+) */
#define WMA_OOM		0x010u	/* ALLOC_OOM: OOM victim */
#define WMA_CMA		0x020u	/* ALLOC_CMA: movable request may use CMA */
#define WMA_CPUSET	0x040u	/* ALLOC_CPUSET */
#define WMA_NO_WATERMARKS 0x080u

enum wm_mark { WM_MARK_MIN, WM_MARK_LOW, WM_MARK_HIGH };

struct wm_zone {
	long free_pages;		/* NR_FREE_PAGES */
	long min, low, high;		/* watermarks, pages */
	long lowmem_reserve[WM_MAX_ZONES];
	int nr_lowmem_reserve;		/* 0: unknown, treated as 0 */
	long nr_free_cma;		/* NR_FREE_CMA_PAGES */
	long nr_reserved_highatomic;
	long nr_free_highatomic;	/* -1: unknown */
	int nr_orders;			/* orders described below; 0: no buddy data */
	long nr_free[WM_MAX_ORDER];	/* free blocks per order */
	unsigned types[WM_MAX_ORDER];	/* bit (1u << wm_mt): that list is non-empty */
	bool types_known;		/* false: no per-type letters, assume any list */
	/* the allocating CPU's per-cpu lists (orders 0..3), as types[] */
	unsigned pcp_types[WM_MAX_ORDER];
	bool pcp_known;
};

struct wm_request {
	int order;
	unsigned alloc_flags;		/* WMA_* */
	enum wm_mark mark;
	int highest_zoneidx;		/* index into lowmem_reserve[] */
	enum wm_era era;
};

enum wm_why {
	WM_OK,
	WM_FAIL_FREE,		/* free pages after subtractions <= min + lowmem_reserve */
	WM_FAIL_ORDER_LOOP,	/* legacy: too little left at a higher order */
	WM_FAIL_NO_BLOCK,	/* no block >= order at all */
	WM_FAIL_NO_USABLE_BLOCK,	/* blocks >= order only on lists it may not use */
};

struct wm_result {
	bool ok;
	enum wm_why why;
	long mark;		/* the watermark selected (pages) */
	long min;		/* after ALLOC_HIGH/HARDER/OOM reductions */
	long free_pages;	/* input NR_FREE_PAGES */
	long headroom;		/* (1 << order) - 1 */
	long highatomic_sub;	/* highatomic pages not usable */
	long cma_sub;		/* CMA pages not usable */
	long free_after;	/* free_pages minus the three above */
	long lowmem_reserve;	/* lowmem_reserve[highest_zoneidx] */
	long required;		/* free_after must exceed this */
	/* legacy loop: free and min after removing orders < o, at o */
	int fail_order;		/* -1 unless WM_FAIL_ORDER_LOOP */
	long loop_free[WM_MAX_ORDER + 1];
	long loop_min[WM_MAX_ORDER + 1];
	unsigned present_orders;	/* orders >= request with any free block */
	unsigned usable_orders;		/* ... with a block on a list it may use */
	unsigned usable_types;		/* the wm_mt lists it may use */
};

/* Kernel version (major*1000+minor, as GFP_KV) to model era, as of its .0 release. */
enum wm_era wm_era_for_kv(unsigned kv);
const char *wm_era_name(enum wm_era era);

/*
 * The rules of one kernel. Stable branches took some changes across eras,
 * so major.minor alone does not decide: Debian's 6.1.192 has the 6.3 rules.
 */
struct wm_rules {
	enum wm_era era;
	/*
	 * ALLOC_HIGHATOMIC only for non-blocking requests with __GFP_HIGH
	 * (6a204d4b14c9: 6.17; stable 6.12.54, 6.1.157). Before it any
	 * non-blocking order > 0 request (GFP_NOWAIT) could use and reserve
	 * highatomic blocks.
	 */
	bool highatomic_needs_high;
	/*
	 * rmqueue falls back to the highatomic lists for non-blocking requests
	 * (281dd25c1a01: 6.10; stable 6.1.116).
	 */
	bool highatomic_fallback;
};

/*
 * kv as GFP_KV, sublevel the stable release (-1: unknown, taken as .0).
 * Stable backports known to the model: the 6.3 reserve rules in 6.1.116
 * (6.1.y changelog), 6a204d4b14c9 in 6.1.157 and 6.12.54. Other stable
 * branches (5.15.y, 6.6.y) are modelled by their .0 release.
 */
void wm_rules_for(unsigned kv, int sublevel, struct wm_rules *out);

/*
 * From a kernel's version text: /proc/version, uname -v or -r, a report's
 * "Tainted:" line. A distribution version ("Debian 6.1.192-2") wins over the
 * release ("6.1.0-56-amd64", whose .0 is an ABI name); false when no version.
 */
bool wm_rules_for_version(const char *text, struct wm_rules *out);

/*
 * gfp_to_alloc_flags() for the slow path (ALLOC_WMARK_MIN) from the mask's
 * meaning. atomic is __GFP_ATOMIC (4.4-6.2); before 4.4 pass !can_reclaim.
 */
unsigned wm_alloc_flags_r(const struct wm_rules *rules, int order, bool high, bool atomic,
			  bool can_direct_reclaim, bool nomemalloc, int migratetype);
/* The same with the rules of the era's first release. */
unsigned wm_alloc_flags(enum wm_era era, int order, bool high, bool atomic,
			bool can_direct_reclaim, bool nomemalloc, int migratetype);

/* __zone_watermark_ok(). */
bool wm_check(const struct wm_zone *z, const struct wm_request *r, struct wm_result *res);

/*
 * Largest effective min (after reductions) for which the zone would still
 * pass with lowmem_reserve 0; -1 when even min 0 fails. For zones whose
 * watermarks were not printed.
 */
long wm_max_passing_min(const struct wm_zone *z, const struct wm_request *r);

/*
 * Whether rmqueue() finds a block once the watermark check passed: this
 * CPU's per-cpu list of the order and migratetype (orders <= 3), else a
 * free list it may take: the request's own and its fallbacks (U/M/E), CMA
 * with ALLOC_CMA, highatomic first with ALLOC_HIGHATOMIC (4.4-6.2:
 * ALLOC_HARDER, order > 0) and last with ALLOC_NON_BLOCK/ALLOC_OOM where the
 * kernel has that fallback. It differs from the check only where the check
 * cannot see: GFP_ATOMIC|__GFP_NOMEMALLOC order 0 (reserves, but neither
 * highatomic access) when the free pages sit on highatomic lists. True when
 * the lists are unknown. migratetype: 0 unmovable, 1 movable, 2 reclaimable.
 */
bool wm_rmqueue_ok(const struct wm_zone *z, const struct wm_request *r,
		   const struct wm_rules *rules, int migratetype);

/*
 * The smallest NR_FREE_PAGES with which the free-page part of the check
 * passes: free - headroom - highatomic - CMA > min' + lowmem_reserve. The
 * lists are not considered; not for the legacy era (its loop has no level).
 */
long wm_pass_level(const struct wm_zone *z, const struct wm_request *r);

/* Letter of a free-list type ('U', 'M', ...), and back (-1: not a type). */
char wm_mt_letter(enum wm_mt mt);
int wm_mt_from_letter(char c);

#endif
