// SPDX-License-Identifier: GPL-2.0
/*
 * The watermark model against hand-computed cases from the seeds and from
 * the differences between eras.
 */
#include <string.h>

#include "kselftest_harness.h"

#include "gfp_layout.h"
#include "watermark.h"

#define T(x) (1u << WM_MT_##x)
#define UME (T(UNMOVABLE) | T(MOVABLE) | T(RECLAIMABLE))

/* seed 003, Node 0 Normal: 2.6.32, GFP_ATOMIC order 3 */
TEST(legacy_halving_loop_003)
{
	struct wm_zone z = { .free_pages = 190996 / 4, .min = 95488 / 4, .low = 119360 / 4,
			     .high = 143232 / 4, .nr_orders = 11,
			     .nr_free = { 40558, 1403, 1198, 5 }, .nr_free_highatomic = -1 };
	struct wm_request r = { 3, 0, WM_MARK_MIN, 2, WM_ERA_LEGACY };
	struct wm_result res;

	r.alloc_flags = wm_alloc_flags(WM_ERA_LEGACY, 3, true, false, false, false, 0);
	EXPECT_TRUE(r.alloc_flags & WMA_HIGH);
	EXPECT_TRUE(r.alloc_flags & WMA_HARDER);
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_ORDER_LOOP, res.why);
	/* 23872 - 11936 (HIGH) - 2984 (HARDER) */
	EXPECT_EQ(8952, res.min);
	EXPECT_EQ(3, res.fail_order);
	EXPECT_EQ(47749 - 7 - 40558 - 2806 - 4792, res.loop_free[3]);
	EXPECT_EQ(8952 >> 3, res.loop_min[3]);
	/* the order-3 blocks are there: it is not fragmentation */
	EXPECT_EQ(1u << 3, res.usable_orders);
	/* and a bigger min would not change which step fails */
	EXPECT_EQ(-1, wm_max_passing_min(&z, &r));
}

/* the old check never looked at the lists, but without a block rmqueue fails */
TEST(legacy_without_block)
{
	/* NR_FREE_PAGES above the buddy sum (pages in flight) keeps the loop happy */
	struct wm_zone z = { .free_pages = 200000, .min = 10, .nr_orders = 11,
			     .nr_free = { 90000, 5000 }, .nr_free_highatomic = -1 };
	struct wm_request r = { 2, 0, WM_MARK_MIN, -1, WM_ERA_LEGACY };
	struct wm_result res;

	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_NO_BLOCK, res.why);
	z.nr_free[5] = 1;
	z.free_pages += 32;
	EXPECT_TRUE(wm_check(&z, &r, &res));
}

/* seed 004, DMA32: 4.19 GFP_ATOMIC|__GFP_COMP order 3, CMA heavy */
TEST(harder_cma_004_passes)
{
	struct wm_zone z = { .free_pages = 362116 / 4, .min = 4556 / 4, .low = 29180 / 4,
			     .high = 30484 / 4, .nr_free_cma = 321800 / 4, .nr_orders = 11,
			     .nr_free = { 4060, 942, 223, 47, 176, 53, 1, 5, 3, 1, 75 },
			     .types = { [3] = T(UNMOVABLE) | T(CMA), [4] = UME | T(CMA) | T(HIGHATOMIC),
					[5] = UME | T(CMA), [6] = T(CMA), [7] = T(CMA), [8] = T(CMA),
					[9] = T(CMA), [10] = T(CMA) },
			     .types_known = true, .nr_free_highatomic = -1 };
	struct wm_request r = { 3, 0, WM_MARK_MIN, 1, WM_ERA_HARDER };
	struct wm_result res;

	r.alloc_flags = wm_alloc_flags(WM_ERA_HARDER, 3, true, true, false, false, 0);
	EXPECT_FALSE(r.alloc_flags & WMA_CMA);
	EXPECT_TRUE(wm_check(&z, &r, &res));
	EXPECT_EQ(80450, res.cma_sub);
	EXPECT_EQ(90529 - 7 - 80450, res.free_after);
	EXPECT_EQ(1139 - 569 - 142, res.min);
	EXPECT_TRUE(res.usable_orders & (1u << 3));
	/* with only the CMA lists at order >= 3 it would fail on types */
	for (int o = 3; o < 11; o++)
		z.types[o] = T(CMA);
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_NO_USABLE_BLOCK, res.why);
	/* a movable request may use them */
	r.alloc_flags |= WMA_CMA;
	EXPECT_TRUE(wm_check(&z, &r, &res));
	EXPECT_EQ(0, res.cma_sub);
}

/* GFP_NOWAIT order-1: 6.3 gives non-blocking requests the highatomic lists, 4.x does not */
TEST(highatomic_by_era)
{
	struct wm_zone z = { .free_pages = 10000, .min = 1000, .low = 1250, .high = 1500,
			     .nr_reserved_highatomic = 512, .nr_free_highatomic = 100, .nr_orders = 11,
			     .nr_free = { 5000, 0, 0, 0, 0, 0, 0, 0, 0, 2 },
			     .types = { UME, 0, 0, 0, 0, 0, 0, 0, 0, T(HIGHATOMIC) },
			     .types_known = true };
	struct wm_request r = { 1, 0, WM_MARK_MIN, 0, WM_ERA_HARDER };
	struct wm_result res;

	r.alloc_flags = wm_alloc_flags(WM_ERA_HARDER, 1, false, false, false, false, 0);
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_NO_USABLE_BLOCK, res.why);
	EXPECT_EQ(512, res.highatomic_sub);

	r.era = WM_ERA_RESERVES;
	r.alloc_flags = wm_alloc_flags(WM_ERA_RESERVES, 1, false, false, false, false, 0);
	EXPECT_TRUE(r.alloc_flags & WMA_NON_BLOCK);
	EXPECT_TRUE(r.alloc_flags & WMA_HIGHATOMIC);
	EXPECT_TRUE(wm_check(&z, &r, &res));
	EXPECT_EQ(0, res.highatomic_sub);
	/* no __GFP_HIGH: a non-blocking request gets no min reduction in 6.3+ */
	EXPECT_EQ(1000, res.min);

	/* blocking GFP_KERNEL in 6.12 only loses the *free* highatomic pages */
	r.era = WM_ERA_FREE_HIGHATOMIC;
	r.alloc_flags = wm_alloc_flags(r.era, 1, false, false, true, false, 0);
	wm_check(&z, &r, &res);
	EXPECT_EQ(100, res.highatomic_sub);
	r.era = WM_ERA_RESERVES;
	wm_check(&z, &r, &res);
	EXPECT_EQ(512, res.highatomic_sub);
}

TEST(min_reductions)
{
	struct wm_zone z = { .free_pages = 100000, .min = 1000, .nr_free_highatomic = -1 };
	struct wm_request r = { 0, 0, WM_MARK_MIN, 0, WM_ERA_HARDER };
	struct wm_result res;

	r.alloc_flags = WMA_HIGH | WMA_HARDER;
	wm_check(&z, &r, &res);
	EXPECT_EQ(375, res.min);
	r.alloc_flags = WMA_HIGH | WMA_OOM;
	wm_check(&z, &r, &res);
	EXPECT_EQ(250, res.min);
	r.era = WM_ERA_RESERVES;
	r.alloc_flags = WMA_HIGH | WMA_NON_BLOCK;
	wm_check(&z, &r, &res);
	EXPECT_EQ(375, res.min);
	r.alloc_flags = WMA_HIGH;
	wm_check(&z, &r, &res);
	EXPECT_EQ(500, res.min);
	r.mark = WM_MARK_LOW;
	z.low = 2000;
	r.alloc_flags = 0;
	wm_check(&z, &r, &res);
	EXPECT_EQ(2000, res.min);
}

TEST(lowmem_reserve_and_headroom)
{
	struct wm_zone z = { .free_pages = 5000, .min = 100, .nr_lowmem_reserve = 3,
			     .lowmem_reserve = { 0, 4000, 6000 }, .nr_orders = 11,
			     .nr_free = { 1000, 0, 0, 0, 0, 0, 10 }, .types = { [6] = UME },
			     .types_known = true, .nr_free_highatomic = -1 };
	struct wm_request r = { 6, 0, WM_MARK_MIN, 1, WM_ERA_HARDER };
	struct wm_result res;

	EXPECT_TRUE(wm_check(&z, &r, &res));
	EXPECT_EQ(63, res.headroom);
	r.highest_zoneidx = 2;
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_FREE, res.why);
	EXPECT_EQ(6100, res.required);
	/* no block at the order at all */
	r.highest_zoneidx = 0;
	r.order = 7;
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_NO_BLOCK, res.why);
	/* out-of-range index means no reserve known */
	r.order = 6;
	r.highest_zoneidx = 7;
	EXPECT_TRUE(wm_check(&z, &r, &res));
}

TEST(max_passing_min_is_exact)
{
	struct wm_zone z = { .free_pages = 103153, .nr_orders = 11,
			     .nr_free = { 66667, 13617, 2265, 22, 1 }, .nr_free_highatomic = -1 };
	struct wm_request r = { 3, 0, WM_MARK_MIN, -1, WM_ERA_LEGACY };
	struct wm_result res;
	long m = wm_max_passing_min(&z, &r);

	ASSERT_GT(m, 0);
	z.min = m;
	EXPECT_TRUE(wm_check(&z, &r, &res));
	z.min = m + 1;
	EXPECT_FALSE(wm_check(&z, &r, &res));
}

TEST(letters)
{
	EXPECT_EQ(WM_MT_CMA, wm_mt_from_letter('C'));
	EXPECT_EQ(-1, wm_mt_from_letter('x'));
	EXPECT_EQ('H', wm_mt_letter(WM_MT_HIGHATOMIC));
	EXPECT_EQ(WM_ERA_LEGACY, wm_era_for_kv(GFP_KV(4, 3)));
	EXPECT_EQ(WM_ERA_HARDER, wm_era_for_kv(GFP_KV(6, 2)));
	EXPECT_EQ(WM_ERA_RESERVES, wm_era_for_kv(GFP_KV(6, 3)));
	EXPECT_EQ(WM_ERA_FREE_HIGHATOMIC, wm_era_for_kv(GFP_KV(6, 12)));
}

/* Stable branches took later rules: major.minor alone does not decide. */
TEST(rules_by_version)
{
	struct wm_rules r;

	wm_rules_for(GFP_KV(6, 1), 115, &r);
	EXPECT_EQ(WM_ERA_HARDER, r.era);
	EXPECT_FALSE(r.highatomic_fallback);
	wm_rules_for(GFP_KV(6, 1), 116, &r);
	EXPECT_EQ(WM_ERA_RESERVES, r.era);
	EXPECT_FALSE(r.highatomic_needs_high);
	wm_rules_for(GFP_KV(6, 1), 157, &r);
	EXPECT_TRUE(r.highatomic_needs_high);
	wm_rules_for(GFP_KV(6, 12), 53, &r);
	EXPECT_EQ(WM_ERA_FREE_HIGHATOMIC, r.era);
	EXPECT_FALSE(r.highatomic_needs_high);
	wm_rules_for(GFP_KV(6, 12), -1, &r);
	EXPECT_FALSE(r.highatomic_needs_high);
	wm_rules_for(GFP_KV(6, 12), 54, &r);
	EXPECT_TRUE(r.highatomic_needs_high);
	wm_rules_for(GFP_KV(6, 17), -1, &r);
	EXPECT_TRUE(r.highatomic_needs_high);
	wm_rules_for(GFP_KV(6, 16), 9, &r);
	EXPECT_FALSE(r.highatomic_needs_high);

	/* Debian's release says 6.1.0-56; its version says 6.1.192 */
	ASSERT_TRUE(wm_rules_for_version("Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-11-01)", &r));
	/* "Debian 12.2.0" is gcc's: the last "Debian X.Y.Z" is the kernel's */
	EXPECT_EQ(WM_ERA_RESERVES, r.era);
	EXPECT_TRUE(r.highatomic_needs_high);
	ASSERT_TRUE(wm_rules_for_version("6.12.117+deb12-amd64", &r));
	EXPECT_EQ(WM_ERA_FREE_HIGHATOMIC, r.era);
	EXPECT_TRUE(r.highatomic_needs_high);
	ASSERT_TRUE(wm_rules_for_version("6.1.0-56-amd64", &r));
	EXPECT_EQ(WM_ERA_HARDER, r.era);
	EXPECT_FALSE(wm_rules_for_version("no version here", &r));
	EXPECT_FALSE(wm_rules_for_version(NULL, &r));
}

/* GFP_NOWAIT order 3 after 6a204d4b14c9: no highatomic lists; GFP_ATOMIC keeps them */
TEST(highatomic_needs_high)
{
	struct wm_rules old = { .era = WM_ERA_FREE_HIGHATOMIC },
			 fixed = { .era = WM_ERA_FREE_HIGHATOMIC, .highatomic_needs_high = true };
	struct wm_zone z = { .free_pages = 10000, .min = 1000, .low = 1250, .high = 1500,
			     .nr_reserved_highatomic = 512, .nr_free_highatomic = 64, .nr_orders = 11,
			     .nr_free = { 5000, 0, 0, 8 }, .types = { UME, 0, 0, T(HIGHATOMIC) },
			     .types_known = true };
	struct wm_request r = { 3, 0, WM_MARK_MIN, 0, WM_ERA_FREE_HIGHATOMIC };
	struct wm_result res;

	r.alloc_flags = wm_alloc_flags_r(&old, 3, false, false, false, false, 0);
	EXPECT_TRUE(r.alloc_flags & WMA_HIGHATOMIC);
	EXPECT_TRUE(wm_check(&z, &r, &res));
	r.alloc_flags = wm_alloc_flags_r(&fixed, 3, false, false, false, false, 0);
	EXPECT_FALSE(r.alloc_flags & WMA_HIGHATOMIC);
	EXPECT_TRUE(r.alloc_flags & WMA_NON_BLOCK);
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_NO_USABLE_BLOCK, res.why);
	/* still a reserve user: the free highatomic pages are not subtracted */
	EXPECT_EQ(0, res.highatomic_sub);
	/* GFP_ATOMIC */
	r.alloc_flags = wm_alloc_flags_r(&fixed, 3, true, false, false, false, 0);
	EXPECT_TRUE(r.alloc_flags & WMA_HIGHATOMIC);
	EXPECT_TRUE(wm_check(&z, &r, &res));
	/* __GFP_NOMEMALLOC: no reserves at all, highatomic subtracted, min not reduced */
	r.alloc_flags = wm_alloc_flags_r(&fixed, 3, false, false, false, true, 0);
	EXPECT_FALSE(r.alloc_flags & (WMA_NON_BLOCK | WMA_HIGHATOMIC));
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(64, res.highatomic_sub);
}

/* the level at which the free-page part flips, per mask class (6.12, min 1000) */
TEST(pass_level)
{
	struct wm_rules rules = { .era = WM_ERA_FREE_HIGHATOMIC, .highatomic_needs_high = true };
	struct wm_zone z = { .free_pages = 0, .min = 1001, .nr_lowmem_reserve = 3,
			     .lowmem_reserve = { 0, 0, 7 }, .nr_free_highatomic = 300,
			     .nr_free_cma = 40 };
	struct wm_request r = { 0, 0, WM_MARK_MIN, 2, WM_ERA_FREE_HIGHATOMIC };
	struct wm_result res;
	/* high, nomemalloc, expected level */
	static const struct { bool high, nomemalloc; long level; } c[] = {
		{ true, false, 1001 - 500 - 125 + 7 + 40 + 1 },	/* GFP_ATOMIC: 3/8 */
		{ true, true, 1001 - 500 + 7 + 40 + 1 },	/* GFP_ATOMIC|__GFP_NOMEMALLOC: 1/2 */
		{ false, false, 1001 + 7 + 40 + 1 },		/* GFP_NOWAIT */
		{ false, true, 1001 + 7 + 300 + 40 + 1 },	/* GFP_NOWAIT|__GFP_NOMEMALLOC */
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		long level;

		r.alloc_flags = wm_alloc_flags_r(&rules, 0, c[i].high, false, false,
						 c[i].nomemalloc, 0);
		level = wm_pass_level(&z, &r);
		EXPECT_EQ(c[i].level, level);
		z.free_pages = level;
		EXPECT_TRUE(wm_check(&z, &r, &res));
		z.free_pages = level - 1;
		EXPECT_FALSE(wm_check(&z, &r, &res));
	}
	/* order 3 adds the headroom of 7 pages */
	r.order = 3;
	r.alloc_flags = wm_alloc_flags_r(&rules, 3, false, false, false, false, 0);
	EXPECT_EQ(1001 + 7 + 40 + 1 + 7, wm_pass_level(&z, &r));
}

/*
 * Seen on 6.1.192: GFP_ATOMIC|__GFP_NOMEMALLOC order 0 passes the check (a
 * reserve user: highatomic not subtracted) but rmqueue may not take the
 * highatomic lists where all the free pages were.
 */
TEST(rmqueue_after_the_check)
{
	struct wm_rules rules;
	struct wm_zone z = { .free_pages = 562, .min = 1008, .nr_reserved_highatomic = 3072,
			     .nr_free_highatomic = -1, .nr_orders = 11,
			     .nr_free = { 100, 50, 30, 20 },
			     .types = { T(HIGHATOMIC), T(HIGHATOMIC), T(HIGHATOMIC), T(HIGHATOMIC) },
			     .types_known = true, .pcp_known = true };
	struct wm_request r = { 0, 0, WM_MARK_MIN, 0, WM_ERA_RESERVES };
	struct wm_result res;

	wm_rules_for(GFP_KV(6, 1), 192, &rules);
	EXPECT_TRUE(rules.highatomic_fallback);
	r.alloc_flags = wm_alloc_flags_r(&rules, 0, true, false, false, true, 0);
	EXPECT_TRUE(wm_check(&z, &r, &res));
	EXPECT_FALSE(wm_rmqueue_ok(&z, &r, &rules, 0));
	/* a page on this CPU's unmovable order-0 list serves it */
	z.pcp_types[0] = T(UNMOVABLE);
	EXPECT_TRUE(wm_rmqueue_ok(&z, &r, &rules, 0));
	EXPECT_FALSE(wm_rmqueue_ok(&z, &r, &rules, 1));
	z.pcp_types[0] = 0;
	/* GFP_ATOMIC (non-blocking) falls back to the highatomic lists ... */
	r.alloc_flags = wm_alloc_flags_r(&rules, 0, true, false, false, false, 0);
	EXPECT_TRUE(wm_rmqueue_ok(&z, &r, &rules, 0));
	/* ... since 281dd25c1a01 */
	wm_rules_for(GFP_KV(6, 6), 0, &rules);
	EXPECT_FALSE(rules.highatomic_fallback);
	EXPECT_FALSE(wm_rmqueue_ok(&z, &r, &rules, 0));
	/* order 3 with ALLOC_HIGHATOMIC takes them first */
	r.order = 3;
	r.alloc_flags = wm_alloc_flags_r(&rules, 3, true, false, false, false, 0);
	EXPECT_TRUE(wm_rmqueue_ok(&z, &r, &rules, 0));
	/* 4.4-6.2: ALLOC_HARDER order > 0 */
	r.era = WM_ERA_HARDER;
	r.alloc_flags = wm_alloc_flags(WM_ERA_HARDER, 3, true, true, false, false, 0);
	EXPECT_TRUE(wm_rmqueue_ok(&z, &r, &rules, 0));
	r.order = 0;
	EXPECT_FALSE(wm_rmqueue_ok(&z, &r, &rules, 0));
	/* unknown lists: no claim */
	z.types_known = false;
	EXPECT_TRUE(wm_rmqueue_ok(&z, &r, &rules, 0));
}

TEST_HARNESS_MAIN
