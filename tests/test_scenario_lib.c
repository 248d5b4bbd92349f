// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the libraries the scenario tests stand on: counting
 * kmem:mm_page_alloc trace lines (successes, failures printed as pfn=0x0,
 * one call's mask told apart from its helpers') and the sysctl record that
 * a supervising parent restores.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "sysctl.h"
#include "tracefs.h"

/* Lines as the 6.12 kernel prints them into a trace buffer. */
static const char trace_text[] =
	"# tracer: nop\n"
	"#\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"  order3_atomic_f-212     [001] .....    41.202117: mm_page_alloc: page=000000005cf1f6c6 pfn=0x3a400 order=3 migratetype=0 gfp_flags=__GFP_HIGH|__GFP_NOWARN|__GFP_THISNODE\n"
	"  order3_atomic_f-212     [001] .....    41.202190: mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 migratetype=0 gfp_flags=__GFP_HIGH|__GFP_NOWARN|__GFP_THISNODE\n"
	"  order3_atomic_f-212     [001] .....    41.202301: mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 migratetype=0 gfp_flags=GFP_ATOMIC\n"
	"  order3_atomic_f-212     [001] .....    41.202400: mm_page_alloc: page=00000000aa11bb22 pfn=0x1200 order=4 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP\n"
	"  order3_atomic_f-212     [001] .....    41.202500: mm_page_alloc: page=00000000aa11bb22 pfn=0x1200 order=99 migratetype=0 gfp_flags=GFP_KERNEL\n"
	"  order3_atomic_f-212     [001] .....    41.202600: mm_page_alloc: garbled\n"
	"  kworker/0:1-12          [000] .....    41.202700: mm_page_free: page=00000000aa11bb22 pfn=0x1200 order=4\n";

TEST(page_alloc_count_all)
{
	struct page_alloc_counts c;

	page_alloc_count(trace_text, strlen(trace_text), NULL, &c);
	EXPECT_EQ(6, c.lines);		/* mm_page_free and comments are not counted */
	EXPECT_EQ(2, c.unparsed);	/* order=99 and the garbled line */
	EXPECT_EQ(3, c.attempts[3]);
	EXPECT_EQ(2, c.failures[3]);
	EXPECT_EQ(1, c.attempts[4]);
	EXPECT_EQ(0, c.failures[4]);
}

TEST(page_alloc_count_one_mask)
{
	struct page_alloc_counts c;

	page_alloc_count(trace_text, strlen(trace_text), "GFP_ATOMIC", &c);
	EXPECT_EQ(1, c.attempts[3]);
	EXPECT_EQ(1, c.failures[3]);
	EXPECT_EQ(0, c.attempts[4]);
	/* a prefix of a longer mask does not match */
	page_alloc_count(trace_text, strlen(trace_text), "GFP_KERNEL", &c);
	EXPECT_EQ(0, c.attempts[4]);
	page_alloc_count(trace_text, strlen(trace_text), "GFP_KERNEL|__GFP_COMP", &c);
	EXPECT_EQ(1, c.attempts[4]);
	page_alloc_count("", 0, NULL, &c);
	EXPECT_EQ(0, c.lines);
}

/* reclaim and compaction entries belong to the next mm_page_alloc event */
TEST(alloc_calls_attribute_reclaim_and_compaction)
{
	static const char text[] =
		"  t-5 [000] ..... 1.0: mm_page_alloc: page=0000000000000000 pfn=0x0 order=6 migratetype=0 gfp_flags=GFP_NOWAIT\n"
		"  t-5 [000] ..... 1.1: mm_compaction_try_to_compact_pages: order=6 gfp_mask=GFP_KERNEL|__GFP_COMP priority=2\n"
		"  t-5 [000] ..... 1.2: mm_vmscan_direct_reclaim_begin: order=6 gfp_flags=GFP_KERNEL|__GFP_COMP\n"
		"  t-5 [000] ..... 1.3: mm_compaction_try_to_compact_pages: order=6 gfp_mask=GFP_KERNEL|__GFP_COMP priority=1\n"
		"  t-5 [000] ..... 1.4: mm_page_alloc: page=00000000deadbeef pfn=0x4000 order=6 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP\n"
		"  t-5 [000] ..... 1.5: mm_page_alloc: page=0000000000000000 pfn=0x0 order=6 migratetype=0 gfp_flags=GFP_NOWAIT\n";
	struct alloc_call calls[8];
	const struct alloc_call *c;
	size_t total, n = alloc_calls_parse(text, strlen(text), calls, 8, &total);

	ASSERT_EQ(3, n);
	EXPECT_EQ(3, total);
	EXPECT_TRUE(calls[0].failed);
	EXPECT_EQ(0, calls[0].reclaims + calls[0].compactions);
	EXPECT_FALSE(calls[1].failed);
	EXPECT_EQ(1, calls[1].reclaims);
	EXPECT_EQ(2, calls[1].compactions);
	EXPECT_STREQ("GFP_KERNEL|__GFP_COMP", calls[1].gfp);
	c = alloc_call_find(calls, n, "GFP_NOWAIT", 6);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(&calls[2], c);	/* the last one of that mask */
	EXPECT_EQ(NULL, alloc_call_find(calls, n, "GFP_NOWAIT", 5));
	/* with room for one, the last call is kept */
	EXPECT_EQ(1, alloc_calls_parse(text, strlen(text), calls, 1, &total));
	EXPECT_EQ(3, total);
	EXPECT_STREQ("GFP_NOWAIT", calls[0].gfp);
}

/* node-naming events belong to the next mm_page_alloc event, like reclaim */
TEST(alloc_calls_collect_nodes)
{
	static const char text[] =
		"  t-5 [000] ..... 1.0: mm_compaction_try_to_compact_pages: order=4 gfp_mask=GFP_KERNEL|__GFP_THISNODE priority=2\n"
		"  t-5 [000] ..... 1.1: mm_compaction_suitable: node=1 zone=DMA32    order=4 ret=continue\n"
		"  t-5 [000] ..... 1.2: mm_vmscan_wakeup_kswapd: nid=1 order=4 gfp_flags=GFP_KERNEL|__GFP_THISNODE\n"
		"  t-5 [000] ..... 1.3: mm_vmscan_direct_reclaim_begin: order=4 gfp_flags=GFP_KERNEL|__GFP_THISNODE\n"
		"  t-5 [000] ..... 1.4: mm_vmscan_lru_shrink_inactive: nid=1 nr_scanned=32 nr_reclaimed=32 nr_dirty=0 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 nr_activate_file=0 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC\n"
		"  t-5 [000] ..... 1.5: mm_compaction_try_to_compact_pages: order=4 gfp_mask=GFP_KERNEL|__GFP_THISNODE priority=1\n"
		"  t-5 [000] ..... 1.6: mm_compaction_deferred: node=1 zone=DMA32    order=4 order_failed=4 consider=1 limit=2\n"
		"  t-5 [000] ..... 1.7: mm_page_alloc: page=0000000000000000 pfn=0x0 order=4 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_THISNODE\n"
		"  t-5 [000] ..... 1.8: mm_page_alloc: page=00000000deadbeef pfn=0x4000 order=4 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"  t-5 [000] ..... 1.9: mm_compaction_suitable: node=0 zone=DMA32    order=4 ret=skipped\n"
		"  t-5 [000] ..... 2.0: mm_compaction_deferred: node=70 zone=Normal   order=4 order_failed=4 consider=1 limit=2\n"
		"  t-5 [000] ..... 2.1: mm_vmscan_wakeup_kswapd: nid=2 order=4 gfp_flags=GFP_KERNEL\n"
		"  t-5 [000] ..... 2.2: mm_page_alloc: page=0000000000000000 pfn=0x0 order=4 migratetype=0 gfp_flags=GFP_KERNEL\n";
	struct alloc_call calls[8];
	size_t total, n = alloc_calls_parse(text, strlen(text), calls, 8, &total);

	ASSERT_EQ(3, n);
	EXPECT_TRUE(calls[0].failed);
	EXPECT_EQ(2, calls[0].compactions);
	EXPECT_EQ(1, calls[0].reclaims);
	EXPECT_EQ(1ULL << 1, calls[0].nodes);
	EXPECT_FALSE(calls[1].failed);
	EXPECT_EQ(0ULL, calls[1].nodes);	/* the fast path names no node */
	/* node 70 does not fit the mask and is left out, node 0 and 2 are kept */
	EXPECT_EQ((1ULL << 0) | (1ULL << 2), calls[2].nodes);
}

/* sysctl record on ordinary files: first value wins, restore in reverse. */
TEST(sysctl_set_and_restore)
{
	char dir[] = "/tmp/fragtest-sysctl-XXXXXX", a[128], b[128], buf[64];
	struct sysctl_saved saved = { 0 };
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	f = fopen(a, "w");
	ASSERT_NE(NULL, f);
	fputs("100\n", f);
	fclose(f);
	f = fopen(b, "w");
	ASSERT_NE(NULL, f);
	fputs("7\n", f);
	fclose(f);

	ASSERT_EQ(0, sysctl_set(&saved, a, "200"));
	ASSERT_EQ(0, sysctl_set(&saved, a, "300"));	/* the original stays recorded */
	ASSERT_EQ(0, sysctl_set(&saved, b, "0"));
	EXPECT_EQ(2, saved.nr);
	ASSERT_EQ(0, sysctl_read(a, buf, sizeof(buf)));
	EXPECT_STREQ("300", buf);
	ASSERT_EQ(0, sysctl_restore(&saved));
	ASSERT_EQ(0, sysctl_read(a, buf, sizeof(buf)));
	EXPECT_STREQ("100", buf);
	ASSERT_EQ(0, sysctl_read(b, buf, sizeof(buf)));
	EXPECT_STREQ("7", buf);
	EXPECT_EQ(0, saved.nr);
	EXPECT_EQ(-ENOENT, sysctl_set(&saved, "/nonexistent/fragtest", "1"));
	EXPECT_EQ(0, saved.nr);
	unlink(a);
	unlink(b);
	rmdir(dir);
}

TEST_HARNESS_MAIN
