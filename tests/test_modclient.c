// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the module client's reply parsers (lib/modclient.c) on
 * replies the fragtest module gave on Debian's 6.12 kernel in a VM
 * (tests/data/module/, copied from the test logs that printed them), and on
 * malformed records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "text_fixture.h"

#include "modclient.h"
#include "procfile.h"

#define DATA FRAGTEST_SRCDIR "/tests/data/module/"

/* pin; drain; try RETRY_MAYFAIL order 4; undefer; try NOWAIT order 0 */
#define REPLY DATA "reply-6.12-pin-drain-try-undefer.txt"
/* the pin and drain records of a run whose drains the 10 s budget cut */
#define CUT DATA "records-6.12-drain-cut.txt"

TEST(records_by_type_index_and_nth)
{
	struct text_buf t = text_fixture_load(_metadata, REPLY);
	const char *rec;
	uint64_t v = 0;
	char zone[16];

	EXPECT_EQ(2, ftc_count_records(t.data, "pin", 0));
	EXPECT_EQ(1, ftc_count_records(t.data, "drain", 1));
	EXPECT_EQ(2, ftc_count_records(t.data, "buddy", 2));
	EXPECT_EQ(4, ftc_count_records(t.data, "buddy", -1));
	EXPECT_EQ(0, ftc_count_records(t.data, "buddy", 3));
	/* "step" records are not "steps" ones, nor is "undefer" a prefix match */
	EXPECT_EQ(0, ftc_count_records(t.data, "ste", -1));
	EXPECT_EQ(2, ftc_count_records(t.data, "undefer", 3));

	rec = ftc_record(t.data, "undefer", 3, 0);
	ASSERT_NE(NULL, rec);
	ASSERT_TRUE(ftc_get_str(rec, "zone", zone, sizeof(zone)));
	EXPECT_STREQ("DMA32", zone);
	ASSERT_TRUE(ftc_get_u64(rec, "order_failed", &v));
	EXPECT_EQ(7, v);
	/* a key is matched whole: "considered" is there, "consider" is not */
	EXPECT_FALSE(ftc_get_u64(rec, "consider", &v));
	EXPECT_FALSE(ftc_get_u64(rec, "defer", &v));
	EXPECT_EQ(NULL, ftc_record(t.data, "undefer", 3, 2));
	text_free(&t);
}

TEST(result_and_latency)
{
	struct text_buf t = text_fixture_load(_metadata, REPLY);
	struct ftc_result r;

	ASSERT_EQ(0, ftc_parse_result(t.data, 2, &r));
	EXPECT_EQ(1, r.attempts);
	EXPECT_EQ(1, r.successes);
	EXPECT_EQ(0, r.failures);
	EXPECT_TRUE(r.have_latency);
	EXPECT_EQ(933860, r.median_ns);
	EXPECT_EQ(-ENOENT, ftc_parse_result(t.data, 3, &r));
	text_free(&t);
}

TEST(buddy_records_with_compact_defer)
{
	struct text_buf t = text_fixture_load(_metadata, REPLY);
	struct ftc_buddy b[4];

	ASSERT_EQ(2, ftc_parse_buddy(t.data, 2, b, 4));
	EXPECT_STREQ("DMA", b[0].zone);
	EXPECT_STREQ("DMA32", b[1].zone);
	EXPECT_EQ(1, b[1].zidx);
	EXPECT_EQ(92756, b[1].free);
	EXPECT_EQ(7168, b[1].boost);
	EXPECT_EQ(2560, b[1].highatomic);
	EXPECT_EQ(0, b[1].max_free_order);
	EXPECT_EQ(11, b[1].nr_orders);
	EXPECT_TRUE(b[1].have_lists);
	/* compact_defer sits between lists= and pcp=: both still parse */
	ASSERT_TRUE(b[1].have_compact_defer);
	EXPECT_EQ(7, b[1].compact_order_failed);
	EXPECT_EQ(0, b[1].compact_defer_shift);
	EXPECT_EQ(4, b[1].nr_pcp);
	/* after undefer (step 3) the next try's record reads the boot state */
	ASSERT_EQ(2, ftc_parse_buddy(t.data, 4, b, 4));
	EXPECT_TRUE(b[1].have_compact_defer);
	EXPECT_EQ(0, b[1].compact_order_failed);
	EXPECT_EQ(9, b[1].max_free_order);
	text_free(&t);
}

TEST(largest_free_order_over_zones)
{
	struct text_buf t = text_fixture_load(_metadata, REPLY);
	struct ftc_buddy where;

	/* after the drain (step 2) both zones are down to order 0 */
	EXPECT_EQ(0, ftc_largest_free_order(t.data, 2, NULL));
	/* after undefer (step 4) DMA32 has an order-9 block, DMA still none */
	ASSERT_EQ(9, ftc_largest_free_order(t.data, 4, &where));
	EXPECT_STREQ("DMA32", where.zone);
	EXPECT_EQ(0, where.node);
	EXPECT_EQ(-ENOENT, ftc_largest_free_order(t.data, 3, &where));
	text_free(&t);
	/* a zone whose record cannot be read might hold the block */
	EXPECT_EQ(-EPROTO, ftc_largest_free_order("buddy index=0 node=0 zone=DMA32 free=x\n",
						  0, NULL));
}

TEST(buddy_record_without_compact_defer)
{
	/* a module built before compact_defer, or a kernel without compaction */
	const char *reply = "buddy index=0 node=0 zone=DMA32 zidx=1 free=10 min=1 low=2 high=3 "
			    "boost=0 managed=100 highatomic=0 cma=0 max_free_order=1 "
			    "nr_free=2,4 lists=U,M pcp=-,-,-,-\n";
	struct ftc_buddy b[1];

	ASSERT_EQ(1, ftc_parse_buddy(reply, 0, b, 1));
	EXPECT_FALSE(b[0].have_compact_defer);
	EXPECT_EQ(2, b[0].nr_orders);
	EXPECT_EQ(4, b[0].nr_pcp);
	/* a malformed value is not taken for a reading */
	reply = "buddy index=0 node=0 zone=DMA32 free=10 min=1 low=2 high=3 boost=0 "
		"managed=100 highatomic=0 max_free_order=1 nr_free=2,4 compact_defer=1,x\n";
	ASSERT_EQ(1, ftc_parse_buddy(reply, 0, b, 1));
	EXPECT_FALSE(b[0].have_compact_defer);
}

TEST(reply_cut_by_the_time_budget)
{
	struct text_buf whole = text_fixture_load(_metadata, REPLY);
	struct text_buf cut = text_fixture_load(_metadata, CUT);
	char last[256];

	EXPECT_FALSE(ftc_reply_cut(whole.data));
	EXPECT_TRUE(ftc_reply_cut(cut.data));
	EXPECT_FALSE(ftc_reply_cut(NULL));
	EXPECT_FALSE(ftc_reply_cut(""));
	/* a cut record on the last line, with no newline after it */
	snprintf(last, sizeof(last), "result index=1 attempts=0 successes=0 failures=0 errno=0 vmalloc=0 truncated=1");
	EXPECT_TRUE(ftc_reply_cut(last));
	/* the field whole: truncated=10 or truncated=1x are not it */
	EXPECT_FALSE(ftc_reply_cut("drain index=1 truncated=10\n"));
	EXPECT_FALSE(ftc_reply_cut("drain index=1 truncated=1x\n"));
	text_free(&whole);
	text_free(&cut);
}

TEST_HARNESS_MAIN
