// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot parsers checked against the running kernel's own invariants:
 * files that describe the same free lists must agree (within the drift of a
 * live system), watermarks and zone sizes must be ordered, counters only
 * grow. A parser that shifts a column, drops a zone or misreads a number
 * breaks one of these on any kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "case_results.h"

#include "snapshot.h"

/* Reads of a live system race with allocations; try a few moments. */
#define ATTEMPTS 20

static void take(struct __test_metadata *_metadata, struct snapshot *snap)
{
	char err[256];

	ASSERT_EQ(0, snapshot_take(snap, NULL, err, sizeof(err))) TH_LOG("%s", err);
}

/* Pages by which pagetypeinfo's free lists differ from buddyinfo's, summed over orders. */
static uint64_t pagetype_mismatch(const struct snapshot *s, const struct buddy_zone *bz,
				  char *why, size_t whylen)
{
	const struct pagetype_zone *pz = pagetypeinfo_find(&s->pagetype, bz->node, bz->zone);
	uint64_t pages = 0;

	if (!pz) {
		snprintf(why, whylen, "node %d zone %s missing from pagetypeinfo", bz->node, bz->zone);
		return UINT64_MAX;
	}
	for (int o = 0; o < bz->nr_orders && o < s->pagetype.nr_orders; o++) {
		uint64_t sum = 0;
		bool saturated = false;

		for (int mt = 0; mt < s->pagetype.nr_types; mt++) {
			sum += pz->free[mt][o];
			saturated |= pz->saturated[mt][o];
		}
		/* a saturated list only gives a lower bound */
		if (saturated && sum <= bz->free[o])
			continue;
		if (sum != bz->free[o]) {
			pages += (sum > bz->free[o] ? sum - bz->free[o] : bz->free[o] - sum) << o;
			snprintf(why, whylen, "node %d %s order %d: buddyinfo %llu, pagetypeinfo %llu",
				 bz->node, bz->zone, o, (unsigned long long)bz->free[o],
				 (unsigned long long)sum);
		}
	}
	return pages;
}

TEST(buddyinfo_matches_pagetypeinfo)
{
	uint64_t best = UINT64_MAX, tolerance = 0;
	char why[256] = "";

	if (access("/proc/pagetypeinfo", R_OK))
		SKIP(return, "/proc/pagetypeinfo is not readable (needs root)");
	for (int i = 0; i < ATTEMPTS && best > tolerance; i++) {
		struct snapshot s;
		uint64_t total = 0, free = 0;

		take(_metadata, &s);
		ASSERT_TRUE(snapshot_has(&s, SNAP_PAGETYPEINFO)) TH_LOG("%s",
			s.why_missing[SNAP_PAGETYPEINFO]);
		ASSERT_EQ(s.buddy.nr_zones, s.pagetype.nr_zones);
		for (size_t z = 0; z < s.buddy.nr_zones; z++) {
			uint64_t m = pagetype_mismatch(&s, &s.buddy.zones[z], why, sizeof(why));

			ASSERT_NE(UINT64_MAX, m) TH_LOG("%s", why);
			total += m;
			free += buddy_zone_free_pages(&s.buddy.zones[z]);
		}
		/* the two files are read moments apart: allow what moves meanwhile */
		tolerance = free / 1000 + 64;
		if (total < best)
			best = total;
		snapshot_free(&s);
	}
	TH_LOG("smallest mismatch %llu pages (tolerance %llu)", (unsigned long long)best,
	       (unsigned long long)tolerance);
	EXPECT_LE(best, tolerance) TH_LOG("last difference: %s", why);
}

TEST(zone_free_matches_buddyinfo)
{
	uint64_t best = UINT64_MAX, tolerance = 0;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	for (int i = 0; i < ATTEMPTS && best > tolerance; i++) {
		struct snapshot s;
		uint64_t diff = 0, free = 0;

		take(_metadata, &s);
		for (size_t z = 0; z < s.buddy.nr_zones; z++) {
			const struct buddy_zone *bz = &s.buddy.zones[z];
			const struct zoneinfo_zone *zz = zoneinfo_find(&s.zones, bz->node, bz->zone);
			uint64_t b = buddy_zone_free_pages(bz);

			ASSERT_NE(NULL, zz) TH_LOG("node %d zone %s not in zoneinfo", bz->node, bz->zone);
			ASSERT_TRUE(zz->populated);
			diff += zz->free > b ? zz->free - b : b - zz->free;
			free += b;
		}
		/*
		 * NR_FREE_PAGES is a per-cpu batched counter: each CPU may hold
		 * up to its stat threshold (at most 125) unfolded.
		 */
		tolerance = (uint64_t)(cpus > 0 ? cpus : 1) * 125 * s.buddy.nr_zones + free / 1000;
		if (diff < best)
			best = diff;
		snapshot_free(&s);
	}
	TH_LOG("smallest difference %llu pages (tolerance %llu)", (unsigned long long)best,
	       (unsigned long long)tolerance);
	EXPECT_LE(best, tolerance);
}

TEST(vmstat_free_matches_zoneinfo)
{
	struct snapshot s;
	uint64_t vm_free, zone_free = 0, tolerance;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	take(_metadata, &s);
	ASSERT_TRUE(vmstat_get(&s.vmstat, "nr_free_pages", &vm_free));
	for (size_t z = 0; z < s.zones.nr_zones; z++)
		zone_free += s.zones.zones[z].free;
	tolerance = (uint64_t)(cpus > 0 ? cpus : 1) * 125 * s.zones.nr_zones + zone_free / 100;
	EXPECT_LE(vm_free > zone_free ? vm_free - zone_free : zone_free - vm_free, tolerance)
		TH_LOG("vmstat nr_free_pages %llu, zoneinfo sum %llu", (unsigned long long)vm_free,
		       (unsigned long long)zone_free);
	snapshot_free(&s);
}

TEST(watermarks_and_sizes_ordered)
{
	struct snapshot s;
	int populated = 0;

	take(_metadata, &s);
	for (size_t z = 0; z < s.zones.nr_zones; z++) {
		const struct zoneinfo_zone *zz = &s.zones.zones[z];

		EXPECT_LE(zz->managed, zz->present) TH_LOG("%s", zz->zone);
		EXPECT_LE(zz->present, zz->spanned) TH_LOG("%s", zz->zone);
		ASSERT_GT(zz->nr_protection, zz->index);
		EXPECT_EQ(0, zz->protection[zz->index]) TH_LOG("%s", zz->zone);
		/* a zone only reserves against requests that could use higher zones */
		for (int j = 0; j < zz->index; j++)
			EXPECT_EQ(0, zz->protection[j]);
		for (int j = zz->index + 1; j < zz->nr_protection; j++)
			EXPECT_LE(zz->protection[j - 1], zz->protection[j]);
		if (!zz->populated)
			continue;
		populated++;
		EXPECT_LT(zz->min, zz->low) TH_LOG("node %d %s", zz->node, zz->zone);
		EXPECT_LT(zz->low, zz->high) TH_LOG("node %d %s", zz->node, zz->zone);
		EXPECT_LT(zz->high, zz->managed);
		/* every populated zone shows up in buddyinfo */
		EXPECT_NE(NULL, buddyinfo_find(&s.buddy, zz->node, zz->zone));
	}
	EXPECT_GE(populated, 1);
	EXPECT_EQ(populated, s.buddy.nr_zones);
	snapshot_free(&s);
}

TEST(event_counters_only_grow)
{
	static const char *const events[] = {
		"pgfree", "pgfault", "compact_stall", "compact_fail", "compact_success",
		"pgmigrate_success", "pgsteal_kswapd", "pgsteal_direct", "allocstall_normal",
		"allocstall_dma32",
	};
	struct snapshot a, b;
	int seen = 0;

	take(_metadata, &a);
	usleep(100 * 1000);
	take(_metadata, &b);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		int64_t d;

		if (!vmstat_delta(&a.vmstat, &b.vmstat, events[i], &d))
			continue;
		seen++;
		EXPECT_GE(d, 0) TH_LOG("%s went backwards by %lld", events[i], (long long)-d);
	}
	EXPECT_GE(seen, 5);
	/* the event counters this suite relies on exist on this kernel */
	EXPECT_GE(vmstat_sum_prefix(&b.vmstat, "allocstall_"), 0);
	EXPECT_GT(b.monotonic, a.monotonic);
	snapshot_free(&a);
	snapshot_free(&b);
}

TEST(unusable_index_matches_buddyinfo)
{
	double best = 2.0;

	if (access("/sys/kernel/debug/extfrag/unusable_index", R_OK))
		SKIP(return, "debugfs extfrag/unusable_index not available (needs debugfs, CONFIG_COMPACTION and root)");
	for (int i = 0; i < ATTEMPTS && best > 0.02; i++) {
		struct snapshot s;
		double worst = 0;

		take(_metadata, &s);
		ASSERT_TRUE(snapshot_has(&s, SNAP_UNUSABLE_INDEX));
		for (size_t z = 0; z < s.buddy.nr_zones; z++) {
			const struct buddy_zone *bz = &s.buddy.zones[z];
			const struct extfrag_zone *uz =
				extfrag_find(&s.unusable_index, bz->node, bz->zone);
			uint64_t free = buddy_zone_free_pages(bz);

			ASSERT_NE(NULL, uz);
			ASSERT_EQ(bz->nr_orders, uz->nr_orders);
			for (int o = 0; o < bz->nr_orders && free; o++) {
				double mine = 1.0 - (double)buddy_zone_pages_at_or_above(bz, o) / free;
				double d = mine > uz->index[o] ? mine - uz->index[o] : uz->index[o] - mine;

				if (d > worst)
					worst = d;
			}
		}
		if (worst < best)
			best = worst;
		snapshot_free(&s);
	}
	TH_LOG("largest difference %.4f", best);
	EXPECT_LE(best, 0.02);
}

/* The CLI prints the same snapshot as JSON. */
TEST(snapshot_cli_json)
{
	const char *build = getenv("FRAGTEST_BUILD");
	char cmd[4200], *out;
	size_t bytes = 0, n;
	FILE *p;

	if (!build)
		SKIP(return, "FRAGTEST_BUILD not set (run through make run_tests)");
	snprintf(cmd, sizeof(cmd), "%.4000s/bin/fragtest snapshot --json", build);
	out = calloc(1, 1 << 20);
	ASSERT_NE(NULL, out);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while ((n = fread(out + bytes, 1, (1 << 20) - 1 - bytes, p)) > 0)
		bytes += n;
	EXPECT_EQ(0, pclose(p));
	EXPECT_GT(bytes, 500);
	EXPECT_NE(NULL, strstr(out, "\"zones\":[{\"node\":0,\"zone\":\"DMA\""));
	EXPECT_NE(NULL, strstr(out, "\"vmstat\":{\"nr_free_pages\":"));
	EXPECT_EQ('\n', out[bytes - 1]);
	free(out);
}

TEST_HARNESS_MAIN
