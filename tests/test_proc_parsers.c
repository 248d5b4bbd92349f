// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the /proc and debugfs parsers on text captured from Debian's
 * 6.1 and 6.12 kernels (tests/data/proc/, captured with scripts/vmtest), on
 * the buddyinfo of field report 002, and on malformed input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "text_fixture.h"

#include "buddyinfo.h"
#include "extfrag.h"
#include "nodes.h"
#include "pagetypeinfo.h"
#include "procfile.h"
#include "snapshot.h"
#include "vmstat.h"
#include "zoneinfo.h"

#define DATA FRAGTEST_SRCDIR "/tests/data/proc/"
#define SEEDS FRAGTEST_SRCDIR "/../shared/data/seeds/"

static const char *const fixtures[] = { "6.1", "6.12", "6.12-numa2" };

static int parse_buddy(const char *text, struct buddyinfo *bi)
{
	struct parse_error err = { 0 };

	return buddyinfo_parse(text, strlen(text), bi, &err);
}

TEST(buddyinfo_captured_kernels)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		char path[512];
		struct text_buf t;
		struct buddyinfo bi;
		struct parse_error err = { 0 };

		snprintf(path, sizeof(path), DATA "%s/buddyinfo", fixtures[f]);
		t = text_fixture_load(_metadata, path);
		ASSERT_EQ(0, buddyinfo_parse(t.data, t.len, &bi, &err)) TH_LOG("%s: %s", path, err.msg);
		ASSERT_GE(bi.nr_zones, 2);
		for (size_t i = 0; i < bi.nr_zones; i++) {
			/* x86-64 with 4 KiB pages: orders 0..10 on both kernels */
			EXPECT_EQ(11, bi.zones[i].nr_orders);
			EXPECT_GT(buddy_zone_free_pages(&bi.zones[i]), 0);
		}
		buddyinfo_free(&bi);
		text_free(&t);
	}
}

TEST(buddyinfo_values_6_12)
{
	struct text_buf t = text_fixture_load(_metadata, DATA "6.12/buddyinfo");
	const struct buddy_zone *z;
	struct buddyinfo bi;
	struct parse_error err = { 0 };

	ASSERT_EQ(0, buddyinfo_parse(t.data, t.len, &bi, &err));
	ASSERT_EQ(2, bi.nr_zones);
	z = buddyinfo_find(&bi, 0, "DMA32");
	ASSERT_NE(NULL, z);
	/* "Node 0, zone DMA32 0 2 3 3 2 2 0 2 2 2 228" */
	EXPECT_EQ(0, z->free[0]);
	EXPECT_EQ(2, z->free[1]);
	EXPECT_EQ(228, z->free[10]);
	EXPECT_EQ(10, buddy_zone_max_order(z));
	EXPECT_EQ(0 + 2 * 2 + 3 * 4 + 3 * 8 + 2 * 16 + 2 * 32 + 0 + 2 * 128 + 2 * 256 + 2 * 512 +
		  228 * 1024, buddy_zone_free_pages(z));
	EXPECT_EQ(NULL, buddyinfo_find(&bi, 0, "Normal"));
	EXPECT_EQ(NULL, buddyinfo_find(&bi, 1, "DMA32"));
	buddyinfo_free(&bi);
	text_free(&t);
}

/*
 * Field report 002: the veth order-6 failure. The first buddyinfo is the
 * failing state (Normal has nothing at order >= 6), the second is after
 * drop_caches.
 */
TEST(buddyinfo_seed_002_veth)
{
	struct text_buf t = text_fixture_load(_metadata, SEEDS "002-veth-order6.buddyinfo.txt");
	char *blocks[2] = { NULL, NULL };
	size_t used[2] = { 0, 0 };
	int cur = -1;
	char *save = NULL;

	/* the file interleaves "$ cat /proc/buddyinfo" prompts with two dumps */
	for (char *line = strtok_r(t.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (line[0] == '$') {
			ASSERT_LT(cur, 1);
			cur++;
			blocks[cur] = calloc(1, t.len + 1);
			ASSERT_NE(NULL, blocks[cur]);
			continue;
		}
		ASSERT_GE(cur, 0);
		memcpy(blocks[cur] + used[cur], line, n);
		used[cur] += n;
		blocks[cur][used[cur]++] = '\n';
	}
	ASSERT_EQ(1, cur);
	for (int b = 0; b < 2; b++) {
		struct buddyinfo bi;
		const struct buddy_zone *normal;

		ASSERT_EQ(0, parse_buddy(blocks[b], &bi));
		ASSERT_EQ(3, bi.nr_zones);
		normal = buddyinfo_find(&bi, 0, "Normal");
		ASSERT_NE(NULL, normal);
		if (b == 0) {
			EXPECT_EQ(5, buddy_zone_max_order(normal));
			EXPECT_EQ(0, buddy_zone_pages_at_or_above(normal, 6));
			EXPECT_EQ(3070, normal->free[0]);
		} else {
			EXPECT_EQ(10, buddy_zone_max_order(normal));
			EXPECT_EQ(394, normal->free[10]);
		}
		buddyinfo_free(&bi);
		free(blocks[b]);
	}
	text_free(&t);
}

TEST(buddyinfo_rejects_malformed)
{
	static const char *const bad[] = {
		"",
		"\n\n",
		"Node 0, zone DMA\n",				/* no counts */
		"Node 0 zone DMA 1 2 3\n",			/* no comma */
		"Node -1, zone DMA 1 2 3\n",
		"Node 0, zone DMA 1 2 x\n",
		"Node 0, zone DMA 1 -2 3\n",
		"Node 0, zone DMA 99999999999999999999999\n",	/* u64 overflow */
		"Node 0, zone DMA 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", /* > 16 orders */
		"garbage\n",
		"Node 0, zone AVeryLongZoneNameIndeed 1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buddyinfo bi;
		struct parse_error err = { 0 };

		EXPECT_EQ(-EINVAL, buddyinfo_parse(bad[i], strlen(bad[i]), &bi, &err))
			TH_LOG("accepted: %s", bad[i]);
		EXPECT_EQ(NULL, bi.zones);
		if (bad[i][0] && bad[i][0] != '\n')
			EXPECT_NE(0, err.msg[0]);
	}
}

/* Both files walk the same free lists: per order, the migratetype rows of
 * pagetypeinfo add up to buddyinfo (the captures were taken back to back
 * in an idle VM).
 */
TEST(pagetypeinfo_sums_match_buddyinfo)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		char bpath[512], ppath[512];
		struct text_buf tb, tp;
		struct buddyinfo bi;
		struct pagetypeinfo pi;
		struct parse_error err = { 0 };

		snprintf(bpath, sizeof(bpath), DATA "%s/buddyinfo", fixtures[f]);
		snprintf(ppath, sizeof(ppath), DATA "%s/pagetypeinfo", fixtures[f]);
		tb = text_fixture_load(_metadata, bpath);
		tp = text_fixture_load(_metadata, ppath);
		ASSERT_EQ(0, buddyinfo_parse(tb.data, tb.len, &bi, &err));
		ASSERT_EQ(0, pagetypeinfo_parse(tp.data, tp.len, &pi, &err)) TH_LOG("%s", err.msg);
		EXPECT_EQ(9, pi.pageblock_order);
		EXPECT_EQ(512, pi.pages_per_block);
		EXPECT_EQ(11, pi.nr_orders);
		EXPECT_EQ(5, pi.nr_types);	/* Debian kernels: no CMA */
		EXPECT_EQ(0, strcmp(pi.types[0], "Unmovable"));
		EXPECT_EQ(0, strcmp(pi.types[3], "HighAtomic"));
		EXPECT_EQ(-1, pagetypeinfo_type_index(&pi, "CMA"));
		ASSERT_EQ(bi.nr_zones, pi.nr_zones);
		for (size_t i = 0; i < bi.nr_zones; i++) {
			const struct buddy_zone *bz = &bi.zones[i];
			const struct pagetype_zone *pz = pagetypeinfo_find(&pi, bz->node, bz->zone);

			ASSERT_NE(NULL, pz);
			EXPECT_TRUE(pz->has_blocks);
			for (int o = 0; o < bz->nr_orders; o++) {
				uint64_t sum = 0;

				for (int mt = 0; mt < pi.nr_types; mt++)
					sum += pz->free[mt][o];
				EXPECT_EQ(bz->free[o], sum) TH_LOG("%s node %d %s order %d",
								   fixtures[f], bz->node, bz->zone, o);
			}
		}
		buddyinfo_free(&bi);
		pagetypeinfo_free(&pi);
		text_free(&tb);
		text_free(&tp);
	}
}

TEST(pagetypeinfo_blocks_cover_zone)
{
	struct text_buf tp = text_fixture_load(_metadata, DATA "6.12-numa2/pagetypeinfo");
	struct text_buf tz = text_fixture_load(_metadata, DATA "6.12-numa2/zoneinfo");
	struct pagetypeinfo pi;
	struct zoneinfo zi;
	struct parse_error err = { 0 };

	ASSERT_EQ(0, pagetypeinfo_parse(tp.data, tp.len, &pi, &err));
	ASSERT_EQ(0, zoneinfo_parse(tz.data, tz.len, &zi, &err));
	for (size_t i = 0; i < pi.nr_zones; i++) {
		const struct pagetype_zone *pz = &pi.zones[i];
		const struct zoneinfo_zone *z = zoneinfo_find(&zi, pz->node, pz->zone);
		uint64_t blocks = 0;

		ASSERT_NE(NULL, z);
		for (int mt = 0; mt < pi.nr_types; mt++)
			blocks += pz->blocks[mt];
		/* blocks are counted over the spanned range, skipping holes */
		EXPECT_LE(blocks * pi.pages_per_block, z->spanned + pi.pages_per_block);
		EXPECT_GE(blocks * pi.pages_per_block + pi.pages_per_block, z->present);
	}
	pagetypeinfo_free(&pi);
	zoneinfo_free(&zi);
	text_free(&tp);
	text_free(&tz);
}

/* The kernel stops counting a free list at 100000 and prints ">100000". */
TEST(pagetypeinfo_saturated_and_cma)
{
	static const char text[] =
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order       0      1      2 \n"
		"Node    0, zone   Normal, type    Unmovable >100000      5      0 \n"
		"Node    0, zone   Normal, type      Movable      1      2      3 \n"
		"Node    0, zone   Normal, type          CMA      0      0      7 \n"
		"\n"
		"Number of blocks type     Unmovable      Movable          CMA \n"
		"Node 0, zone   Normal           10           20           30 \n"
		"Number of mixed blocks    Unmovable      Movable          CMA \n"
		"Node 0, zone   Normal            1            2            0 \n";
	struct pagetypeinfo pi;
	struct parse_error err = { 0 };
	const struct pagetype_zone *z;
	int cma;

	ASSERT_EQ(0, pagetypeinfo_parse(text, strlen(text), &pi, &err)) TH_LOG("%s", err.msg);
	z = pagetypeinfo_find(&pi, 0, "Normal");
	ASSERT_NE(NULL, z);
	EXPECT_EQ(100000, z->free[0][0]);
	EXPECT_TRUE(z->saturated[0][0]);
	EXPECT_FALSE(z->saturated[0][1]);
	cma = pagetypeinfo_type_index(&pi, "CMA");
	ASSERT_EQ(2, cma);
	EXPECT_EQ(7, z->free[cma][2]);
	EXPECT_EQ(30, z->blocks[cma]);
	EXPECT_TRUE(z->has_mixed);
	EXPECT_EQ(2, z->mixed[1]);
	pagetypeinfo_free(&pi);
}

TEST(pagetypeinfo_rejects_malformed)
{
	static const char *const bad[] = {
		"",
		"Page block order: 9\n",
		/* row with fewer counts than the order header */
		"Page block order: 9\nPages per block: 512\n"
		"Free pages count per migrate type at order 0 1 2\n"
		"Node 0, zone DMA, type Unmovable 1 2\n",
		/* block header names a type the free lists did not list */
		"Page block order: 9\nPages per block: 512\n"
		"Free pages count per migrate type at order 0 1\n"
		"Node 0, zone DMA, type Unmovable 1 2\n"
		"Number of blocks type Movable\nNode 0, zone DMA 3\n",
		/* order header out of sequence */
		"Page block order: 9\nPages per block: 512\n"
		"Free pages count per migrate type at order 0 2\n",
		/* a data row before any header */
		"Page block order: 9\nPages per block: 512\nNode 0, zone DMA 3\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pagetypeinfo pi;
		struct parse_error err = { 0 };

		EXPECT_EQ(-EINVAL, pagetypeinfo_parse(bad[i], strlen(bad[i]), &pi, &err))
			TH_LOG("accepted case %zu", i);
		EXPECT_EQ(NULL, pi.zones);
	}
}

TEST(zoneinfo_captured_kernels)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		char path[512];
		struct text_buf t;
		struct zoneinfo zi;
		struct parse_error err = { 0 };
		int populated = 0;

		snprintf(path, sizeof(path), DATA "%s/zoneinfo", fixtures[f]);
		t = text_fixture_load(_metadata, path);
		ASSERT_EQ(0, zoneinfo_parse(t.data, t.len, &zi, &err)) TH_LOG("%s", err.msg);
		for (size_t i = 0; i < zi.nr_zones; i++) {
			const struct zoneinfo_zone *z = &zi.zones[i];

			/* x86-64: DMA, DMA32, Normal, Movable, Device per node */
			EXPECT_EQ(5, z->nr_protection) TH_LOG("%s %s", fixtures[f], z->zone);
			EXPECT_EQ(0, z->protection[z->index]);
			if (!z->populated)
				continue;
			populated++;
			EXPECT_LT(z->min, z->low);
			EXPECT_LT(z->low, z->high);
			EXPECT_LE(z->managed, z->present);
			EXPECT_LE(z->present, z->spanned);
			EXPECT_TRUE(z->has_nr_free_cma);
			EXPECT_EQ(z->free, z->nr_free_pages);
			EXPECT_GT(z->start_pfn, 0);
		}
		EXPECT_GE(populated, 2);
		zoneinfo_free(&zi);
		text_free(&t);
	}
}

TEST(zoneinfo_values)
{
	struct text_buf t61 = text_fixture_load(_metadata, DATA "6.1/zoneinfo");
	struct text_buf tn = text_fixture_load(_metadata, DATA "6.12-numa2/zoneinfo");
	const struct zoneinfo_zone *z;
	struct zoneinfo zi;
	struct parse_error err = { 0 };

	ASSERT_EQ(0, zoneinfo_parse(t61.data, t61.len, &zi, &err));
	z = zoneinfo_find(&zi, 0, "DMA");
	ASSERT_NE(NULL, z);
	EXPECT_EQ(0, z->index);
	EXPECT_EQ(177, z->min);
	EXPECT_EQ(221, z->low);
	EXPECT_EQ(265, z->high);
	EXPECT_EQ(3840, z->managed);
	z = zoneinfo_find(&zi, 0, "DMA32");
	ASSERT_NE(NULL, z);
	EXPECT_EQ(1, z->index);
	EXPECT_EQ(11086, z->min);
	EXPECT_GT(z->pcp_pages, 0);	/* the pagesets' count: lines */
	/* lowmem_reserve: what DMA keeps back from DMA32 requests etc. */
	z = zoneinfo_find(&zi, 0, "DMA");
	EXPECT_GT(z->protection[1], 0);
	z = zoneinfo_largest(&zi);
	ASSERT_NE(NULL, z);
	EXPECT_STREQ("DMA32", z->zone);
	zoneinfo_free(&zi);

	ASSERT_EQ(0, zoneinfo_parse(tn.data, tn.len, &zi, &err));
	EXPECT_EQ(10, zi.nr_zones);	/* 5 zone types on each of 2 nodes */
	z = zoneinfo_find(&zi, 1, "Normal");
	ASSERT_NE(NULL, z);
	EXPECT_EQ(2, z->index);
	EXPECT_TRUE(z->populated);
	z = zoneinfo_find(&zi, 1, "DMA32");
	ASSERT_NE(NULL, z);
	EXPECT_FALSE(z->populated);
	/* the largest is populated and no populated zone has more */
	z = zoneinfo_largest(&zi);
	ASSERT_NE(NULL, z);
	EXPECT_TRUE(z->populated);
	for (size_t i = 0; i < zi.nr_zones; i++)
		if (zi.zones[i].populated)
			EXPECT_GE(z->managed, zi.zones[i].managed);
	zoneinfo_free(&zi);
	zi.nr_zones = 0;
	EXPECT_EQ(NULL, zoneinfo_largest(&zi));
	text_free(&t61);
	text_free(&tn);
}

TEST(zoneinfo_rejects_malformed)
{
	static const char *const bad[] = {
		"",
		"  pages free 3\n",					/* before a zone */
		"Node 0, zone DMA\n  pages free x\n",
		"Node 0, zone DMA\n  pages free 1\n        protection: (0, 1\n",
		"Node 0, zone DMA\n  pages free 1\n        protection: 0, 1)\n",
		"Node 0, zone DMA extra\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct zoneinfo zi;
		struct parse_error err = { 0 };

		EXPECT_EQ(-EINVAL, zoneinfo_parse(bad[i], strlen(bad[i]), &zi, &err))
			TH_LOG("accepted case %zu", i);
	}
}

TEST(vmstat_and_extfrag)
{
	struct text_buf tv = text_fixture_load(_metadata, DATA "6.12/vmstat");
	struct text_buf te = text_fixture_load(_metadata, DATA "6.12/extfrag_index");
	struct text_buf tu = text_fixture_load(_metadata, DATA "6.1/unusable_index");
	struct vmstat vs;
	struct extfrag ef, un;
	struct parse_error err = { 0 };
	uint64_t v;

	ASSERT_EQ(0, vmstat_parse(tv.data, tv.len, &vs, &err));
	EXPECT_TRUE(vmstat_get(&vs, "nr_free_pages", &v));
	EXPECT_GT(v, 0);
	EXPECT_TRUE(vmstat_get(&vs, "compact_stall", &v));
	EXPECT_TRUE(vmstat_get(&vs, "pgmigrate_success", &v));
	EXPECT_FALSE(vmstat_get(&vs, "no_such_counter", &v));
	EXPECT_GE(vmstat_sum_prefix(&vs, "allocstall_"), 0);
	vmstat_free(&vs);

	ASSERT_EQ(0, extfrag_parse(te.data, te.len, &ef, &err));
	ASSERT_EQ(2, ef.nr_zones);
	EXPECT_EQ(11, ef.zones[1].nr_orders);
	EXPECT_EQ(-1.0, ef.zones[1].index[10]);
	extfrag_free(&ef);

	ASSERT_EQ(0, extfrag_parse(tu.data, tu.len, &un, &err));
	for (size_t i = 0; i < un.nr_zones; i++)
		for (int o = 0; o < un.zones[i].nr_orders; o++) {
			EXPECT_GE(un.zones[i].index[o], 0.0);
			EXPECT_LE(un.zones[i].index[o], 1.0);
		}
	extfrag_free(&un);
	text_free(&tv);
	text_free(&te);
	text_free(&tu);

	{
		static const char bad1[] = "pgfault 12 13\n", bad2[] = "Node 0, zone DMA 1.5\n";

		EXPECT_EQ(-EINVAL, vmstat_parse(bad1, strlen(bad1), &vs, &err));
		EXPECT_EQ(-EINVAL, extfrag_parse(bad2, strlen(bad2), &ef, &err));
	}
}

/* Unusable index recomputed from buddyinfo equals the kernel's own. */
TEST(unusable_index_matches_buddyinfo)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		struct snapshot snap;
		char dir[512], err[256];

		snprintf(dir, sizeof(dir), DATA "%s", fixtures[f]);
		ASSERT_EQ(0, snapshot_take(&snap, dir, err, sizeof(err))) TH_LOG("%s", err);
		ASSERT_TRUE(snapshot_has(&snap, SNAP_UNUSABLE_INDEX));
		for (size_t i = 0; i < snap.buddy.nr_zones; i++) {
			const struct buddy_zone *bz = &snap.buddy.zones[i];
			const struct extfrag_zone *uz =
				extfrag_find(&snap.unusable_index, bz->node, bz->zone);
			uint64_t free = buddy_zone_free_pages(bz);

			ASSERT_NE(NULL, uz);
			for (int o = 0; o < bz->nr_orders; o++) {
				double mine = free ? 1.0 - (double)buddy_zone_pages_at_or_above(bz, o) /
						       (double)free : 0.0;

				/* the kernel prints three decimals, truncating */
				EXPECT_LT(mine - uz->index[o], 0.0011);
				EXPECT_GT(mine - uz->index[o], -0.0011);
			}
		}
		snapshot_free(&snap);
	}
}

TEST(snapshot_from_fixture_and_json)
{
	struct snapshot snap;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *mem;
	struct json_writer w;

	ASSERT_EQ(0, snapshot_take(&snap, DATA "6.12", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ((1u << SNAP_NR_PARTS) - 1, snap.have);
	EXPECT_EQ(1, snap.attempts);
	EXPECT_EQ(0, snap.drift_pages);
	mem = open_memstream(&buf, &len);
	ASSERT_NE(NULL, mem);
	json_init(&w, mem, false);
	snapshot_write_json(&w, NULL, &snap);
	json_finish(&w);
	fclose(mem);
	EXPECT_NE(NULL, strstr(buf, "\"zone\":\"DMA32\""));
	EXPECT_NE(NULL, strstr(buf, "\"max_free_order\":10"));
	EXPECT_NE(NULL, strstr(buf, "\"free_by_type\":{\"Unmovable\":["));
	EXPECT_NE(NULL, strstr(buf, "\"lowmem_reserve\":[0,"));
	EXPECT_EQ('}', buf[len - 2]);
	free(buf);
	snapshot_free(&snap);

	/* a directory without the required files is refused with the reason */
	EXPECT_NE(0, snapshot_take(&snap, FRAGTEST_SRCDIR "/tests", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "buddyinfo"));
}

/* sysfs node lists (/sys/devices/system/node/has_memory ...) */
TEST(nodelist_sysfs_format)
{
	static const char *const bad[] = { "x", "1-", "-1", "2-1", "0,", "0 1", "1\n\n", "0-1,a",
					   "99999999999999999999" };
	uint64_t bits = 7;

	EXPECT_EQ(0, nodelist_parse("0\n", &bits));
	EXPECT_EQ(1ULL, bits);
	EXPECT_EQ(0, nodelist_parse("0-1,3\n", &bits));
	EXPECT_EQ(0xbULL, bits);
	EXPECT_EQ(0, nodelist_parse("1,62-65", &bits));
	EXPECT_EQ((1ULL << 1) | (3ULL << 62), bits);	/* ids >= 64 dropped */
	EXPECT_EQ(0, nodelist_parse("\n", &bits));
	EXPECT_EQ(0ULL, bits);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *text = bad[i];

		EXPECT_EQ(-EINVAL, nodelist_parse(text, &bits)) TH_LOG("'%s'", text);
	}
}

/* The live readers parse the running kernel's files (the host's, here). */
TEST(live_readers)
{
	struct buddyinfo bi;
	struct pagetypeinfo pi;
	struct zoneinfo zi;
	struct vmstat vs;

	if (access("/proc/buddyinfo", R_OK) || access("/proc/pagetypeinfo", R_OK))
		SKIP(return, "no /proc/buddyinfo or /proc/pagetypeinfo to read");
	ASSERT_EQ(0, buddyinfo_read(&bi));
	ASSERT_EQ(0, zoneinfo_read(&zi));
	ASSERT_EQ(0, pagetypeinfo_read(&pi));
	ASSERT_EQ(0, vmstat_read(&vs));
	EXPECT_GT(bi.nr_zones, 0);
	/* every zone buddyinfo lists is one zoneinfo describes */
	for (size_t i = 0; i < bi.nr_zones; i++) {
		const struct buddy_zone *z = &bi.zones[i];

		EXPECT_NE(NULL, zoneinfo_find(&zi, z->node, z->zone))
			TH_LOG("node %d zone %s", z->node, z->zone);
	}
	EXPECT_GT(pi.pageblock_order, 0);
	buddyinfo_free(&bi);
	zoneinfo_free(&zi);
	pagetypeinfo_free(&pi);
	vmstat_free(&vs);
}

TEST_HARNESS_MAIN
