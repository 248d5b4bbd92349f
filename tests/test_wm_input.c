// SPDX-License-Identifier: GPL-2.0
/*
 * The watermark model's inputs: a zone from /proc/zoneinfo and
 * /proc/pagetypeinfo captured on Debian 6.12, from pagetypeinfo text with a
 * highatomic reserve, and from the module's buddy record; both sources must
 * give the check the same numbers.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"

#include "modclient.h"
#include "procfile.h"
#include "wm_input.h"

#define DATA FRAGTEST_SRCDIR "/tests/data/proc/"

static void parse_proc(struct __test_metadata *_metadata, const char *zi_text,
		       const char *pi_text, struct zoneinfo *zi, struct pagetypeinfo *pi)
{
	struct parse_error err = { 0 };

	ASSERT_EQ(0, zoneinfo_parse(zi_text, strlen(zi_text), zi, &err));
	ASSERT_EQ(0, pagetypeinfo_parse(pi_text, strlen(pi_text), pi, &err));
}

TEST(from_proc_captured_6_12)
{
	struct text_buf zt, pt;
	struct zoneinfo zi;
	struct pagetypeinfo pi;
	const struct zoneinfo_zone *zz;
	struct wm_zone z;
	struct wm_request r = { 3, 0, WM_MARK_MIN, 2, WM_ERA_FREE_HIGHATOMIC };
	struct wm_rules rules = { .era = WM_ERA_FREE_HIGHATOMIC, .highatomic_needs_high = true };
	struct wm_result res;

	ASSERT_EQ(0, text_read_file(DATA "6.12/zoneinfo", &zt));
	ASSERT_EQ(0, text_read_file(DATA "6.12/pagetypeinfo", &pt));
	parse_proc(_metadata, zt.data, pt.data, &zi, &pi);
	zz = zoneinfo_find(&zi, 0, "DMA32");
	ASSERT_NE(NULL, zz);
	ASSERT_EQ(0, wm_zone_from_proc(zz, &pi, &z));
	EXPECT_EQ(235400, z.free_pages);
	EXPECT_EQ(11087, z.min);
	EXPECT_EQ(13858, z.low);
	EXPECT_EQ(5, z.nr_lowmem_reserve);
	EXPECT_EQ(0, z.lowmem_reserve[2]);
	EXPECT_EQ(11, z.nr_orders);
	EXPECT_TRUE(z.types_known);
	/* order 1: one Unmovable and one Movable block */
	EXPECT_EQ(2, z.nr_free[1]);
	EXPECT_EQ((1u << WM_MT_UNMOVABLE) | (1u << WM_MT_MOVABLE), z.types[1]);
	EXPECT_EQ(228, z.nr_free[10]);
	EXPECT_EQ(1u << WM_MT_MOVABLE, z.types[10]);
	EXPECT_EQ(0, z.nr_reserved_highatomic);
	EXPECT_EQ(0, z.nr_free_highatomic);
	r.alloc_flags = wm_alloc_flags_r(&rules, 3, true, false, false, false, 0);
	EXPECT_TRUE(wm_check(&z, &r, &res));

	/* ZONE_DMA, protection (0, 944, ...): a Normal-class request must leave 944 pages */
	zz = zoneinfo_find(&zi, 0, "DMA");
	ASSERT_NE(NULL, zz);
	ASSERT_EQ(0, wm_zone_from_proc(zz, &pi, &z));
	EXPECT_EQ(944, z.lowmem_reserve[2]);
	r.order = 0;
	r.alloc_flags = wm_alloc_flags_r(&rules, 0, false, false, false, false, 0);
	EXPECT_EQ(176 + 944 + 1, wm_pass_level(&z, &r));
	zoneinfo_free(&zi);
	pagetypeinfo_free(&pi);
	text_free(&zt);
	text_free(&pt);
}

static const char zoneinfo_ha[] =
	"Node 0, zone    DMA32\n"
	"  pages free     4000\n"
	"        boost    0\n"
	"        min      1000\n"
	"        low      1250\n"
	"        high     1500\n"
	"        spanned  262144\n"
	"        present  262144\n"
	"        managed  250000\n"
	"        cma      0\n"
	"        protection: (0, 0, 0, 0, 0)\n"
	"      nr_free_pages 4000\n"
	"      nr_free_cma  0\n"
	"  pagesets\n";

static const char pagetypeinfo_ha[] =
	"Page block order: 9\n"
	"Pages per block:  512\n"
	"\n"
	"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
	"Node    0, zone    DMA32, type    Unmovable      7      1      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type      Movable    100     50      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type   HighAtomic      2      3      0      1      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
	"\n"
	"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
	"Node 0, zone    DMA32           19          481            2            2            0 \n";

/* the highatomic reserve is whole pageblocks; the free highatomic pages are its lists */
TEST(from_proc_highatomic)
{
	struct zoneinfo zi;
	struct pagetypeinfo pi;
	struct wm_zone z;
	struct wm_rules rules = { .era = WM_ERA_FREE_HIGHATOMIC, .highatomic_needs_high = true };
	struct wm_request r = { 3, 0, WM_MARK_MIN, 2, WM_ERA_FREE_HIGHATOMIC };
	struct wm_result res;

	parse_proc(_metadata, zoneinfo_ha, pagetypeinfo_ha, &zi, &pi);
	ASSERT_EQ(1, zi.nr_zones);
	ASSERT_EQ(0, wm_zone_from_proc(&zi.zones[0], &pi, &z));
	EXPECT_EQ(1024, z.nr_reserved_highatomic);
	EXPECT_EQ(2 + 3 * 2 + 8, z.nr_free_highatomic);
	EXPECT_EQ(1u << WM_MT_HIGHATOMIC, z.types[3]);
	/* order 3 sits only on the HighAtomic list: GFP_ATOMIC may take it, GFP_NOWAIT not */
	r.alloc_flags = wm_alloc_flags_r(&rules, 3, true, false, false, false, 0);
	EXPECT_TRUE(wm_check(&z, &r, &res));
	r.alloc_flags = wm_alloc_flags_r(&rules, 3, false, false, false, false, 0);
	EXPECT_FALSE(wm_check(&z, &r, &res));
	EXPECT_EQ(WM_FAIL_NO_USABLE_BLOCK, res.why);
	/* 6.1 (6.3 rules) subtracts the whole reserve from a non-reserve request */
	r.era = WM_ERA_RESERVES;
	r.order = 0;
	r.alloc_flags = wm_alloc_flags_r(&rules, 0, false, false, false, true, 0);
	EXPECT_EQ(1000 + 1024 + 1, wm_pass_level(&z, &r));
	r.era = WM_ERA_FREE_HIGHATOMIC;
	EXPECT_EQ(1000 + 16 + 1, wm_pass_level(&z, &r));
	/* without pagetypeinfo: no lists, no reserve known */
	ASSERT_EQ(0, wm_zone_from_proc(&zi.zones[0], NULL, &z));
	EXPECT_EQ(0, z.nr_orders);
	EXPECT_EQ(-1, z.nr_free_highatomic);
	zoneinfo_free(&zi);
	pagetypeinfo_free(&pi);
}

TEST(from_buddy_record)
{
	const char *reply =
		"buddy index=3 node=0 zone=DMA32 zidx=1 free=4000 min=1000 low=1250 high=1500 boost=0 managed=250000 highatomic=1024 free_highatomic=16 cma=0 lowmem_reserve=0,0,0,0,0 max_free_order=3 nr_free=109,54,0,1,0,0,0,0,0,0,0 lists=UMH,UMH,-,H,-,-,-,-,-,-,- pcp=M,-,UE,-\n"
		"buddy index=3 node=0 zone=DMA zidx=0 free=100 min=16 low=20 high=24 boost=0 managed=3976 highatomic=0 cma=0 lowmem_reserve=0,944,944,944,944 max_free_order=0 nr_free=100,0,0,0,0,0,0,0,0,0,0 lists=U,-,-,-,-,-,-,-,-,-,-\n"
		"buddy index=4 node=0 zone=DMA32 free=1 min=1 low=1 high=1 boost=0 managed=1 highatomic=0 max_free_order=0 nr_free=1,0,0,0,0,0,0,0,0,0,0\n";
	struct ftc_buddy b[2];
	struct wm_zone z;

	ASSERT_EQ(2, ftc_parse_buddy(reply, 3, b, 2));
	EXPECT_EQ(1, b[0].zidx);
	EXPECT_EQ(16, b[0].free_highatomic);
	EXPECT_EQ(-1, b[1].free_highatomic);
	ASSERT_EQ(0, wm_zone_from_buddy(&b[0], &z));
	EXPECT_EQ(4000, z.free_pages);
	EXPECT_EQ(1024, z.nr_reserved_highatomic);
	EXPECT_EQ(16, z.nr_free_highatomic);
	EXPECT_EQ(11, z.nr_orders);
	EXPECT_EQ(1u << WM_MT_HIGHATOMIC, z.types[3]);
	EXPECT_EQ(0u, z.types[2]);
	EXPECT_EQ((1u << WM_MT_UNMOVABLE) | (1u << WM_MT_MOVABLE) | (1u << WM_MT_HIGHATOMIC),
		  z.types[0]);
	EXPECT_TRUE(z.pcp_known);
	EXPECT_EQ(1u << WM_MT_MOVABLE, z.pcp_types[0]);
	EXPECT_EQ(0u, z.pcp_types[1]);
	EXPECT_EQ((1u << WM_MT_UNMOVABLE) | (1u << WM_MT_RECLAIMABLE), z.pcp_types[2]);
	ASSERT_EQ(0, wm_zone_from_buddy(&b[1], &z));
	EXPECT_EQ(944, z.lowmem_reserve[2]);
	EXPECT_FALSE(z.pcp_known);
	/* a record without the watermark keys cannot feed the model */
	ASSERT_EQ(1, ftc_parse_buddy(reply, 4, b, 1));
	EXPECT_EQ(-1, b[0].zidx);
	EXPECT_EQ(-EINVAL, wm_zone_from_buddy(&b[0], &z));
}

/* the same zone read both ways gives the check the same inputs */
TEST(buddy_and_proc_agree)
{
	const char *reply =
		"buddy index=0 node=0 zone=DMA32 zidx=1 free=4000 min=1000 low=1250 high=1500 boost=0 managed=250000 highatomic=1024 free_highatomic=16 cma=0 lowmem_reserve=0,0,0,0,0 max_free_order=3 nr_free=109,54,0,1,0,0,0,0,0,0,0 lists=UMH,UMH,-,H,-,-,-,-,-,-,-\n";
	struct zoneinfo zi;
	struct pagetypeinfo pi;
	struct ftc_buddy b;
	struct wm_zone a, p;

	parse_proc(_metadata, zoneinfo_ha, pagetypeinfo_ha, &zi, &pi);
	ASSERT_EQ(0, wm_zone_from_proc(&zi.zones[0], &pi, &p));
	ASSERT_EQ(1, ftc_parse_buddy(reply, 0, &b, 1));
	ASSERT_EQ(0, wm_zone_from_buddy(&b, &a));
	EXPECT_EQ(0, memcmp(&a, &p, sizeof(a)));
	zoneinfo_free(&zi);
	pagetypeinfo_free(&pi);
}

TEST_HARNESS_MAIN
