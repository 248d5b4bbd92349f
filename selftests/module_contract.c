// SPDX-License-Identifier: GPL-2.0
/*
 * The fragtest module's contract per API and disposition: every order from 0
 * to the top succeeds at idle, results are described, kvmalloc falls back to
 * vmalloc when the zone is fragmented, pool counts are exact and MemFree
 * comes back after unload.
 */
#include <stdint.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "module_fixture.h"
#include "pagetypeinfo.h"

FIXTURE(contract) {
	struct ft_client c;
	struct ftc_info info;
};

FIXTURE_SETUP(contract)
{
	FT_MODULE_SETUP(self);
	ASSERT_EQ(0, ftc_request(&self->c, "info"));
	ASSERT_EQ(0, ftc_parse_info(self->c.reply, &self->info)) TH_LOG("%s", self->c.reply);
}

FIXTURE_TEARDOWN_PARENT(contract)
{
	ft_module_unload();
}

/* One step; returns its result, asserting the request was accepted. */
#define ALLOC_OK(self, res, ...) do { \
	int _r = ftc_request(&(self)->c, __VA_ARGS__); \
	ASSERT_EQ(0, _r) TH_LOG("%s", (self)->c.reply); \
	ASSERT_EQ(0, ftc_parse_result((self)->c.reply, 0, &(res))); \
} while (0)

TEST_F_TIMEOUT(contract, info_matches_kernel, 120)
{
	struct buddyinfo bi = { 0 };
	struct pagetypeinfo pi = { 0 };
	struct utsname u;

	uname(&u);
	EXPECT_STREQ(u.release, self->info.release);
	EXPECT_EQ((unsigned long)sysconf(_SC_PAGESIZE), self->info.page_size);
	ASSERT_EQ(0, buddyinfo_read(&bi));
	ASSERT_GT(bi.nr_zones, 0);
	EXPECT_EQ(bi.zones[0].nr_orders - 1, self->info.top_order);
	buddyinfo_free(&bi);
	ASSERT_EQ(0, pagetypeinfo_read(&pi));
	EXPECT_EQ(pi.pageblock_order, self->info.pageblock_order);
	pagetypeinfo_free(&pi);
	/* the GFP table has this kernel's names, and 6.12 dropped __GFP_ATOMIC */
	ASSERT_EQ(0, ftc_request(&self->c, "gfp"));
	EXPECT_NE(NULL, strstr(self->c.reply, "gfp name=GFP_KERNEL "));
	EXPECT_NE(NULL, strstr(self->c.reply, "gfp name=__GFP_NOWARN "));
	EXPECT_NE(NULL, strstr(self->c.reply, "gfp name=GFP_TRANSHUGE_LIGHT "));
	if (strncmp(u.release, "6.1.", 4) == 0)
		EXPECT_NE(NULL, strstr(self->c.reply, "gfp name=__GFP_ATOMIC "));
	if (strncmp(u.release, "6.12.", 5) == 0)
		EXPECT_EQ(NULL, strstr(self->c.reply, "gfp name=__GFP_ATOMIC "));
}

TEST_F_TIMEOUT(contract, page_apis_every_order, 600)
{
	static const char * const apis[] = { "alloc_pages", "alloc_pages_node", "folio_alloc" };
	struct ftc_result r;
	char name[64];

	for (size_t a = 0; a < sizeof(apis) / sizeof(apis[0]); a++) {
		for (int o = 0; o <= self->info.top_order; o++) {
			const char *rec;
			uint64_t pages = 0;
			char zone[16] = "";

			ALLOC_OK(self, r, "alloc api=%s gfp=GFP_KERNEL order=%d count=2%s", apis[a], o,
				 a == 1 ? " node=0" : "");
			snprintf(name, sizeof(name), "%s GFP_KERNEL order %d", apis[a], o);
			ft_record_latency(name, self->c.reply, 0, false);
			EXPECT_EQ(2, r.attempts);
			EXPECT_EQ(2, r.successes) TH_LOG("%s order %d", apis[a], o);
			EXPECT_EQ(0, r.failures);
			EXPECT_EQ(0, r.vmalloc);
			EXPECT_TRUE(r.have_latency);
			EXPECT_LE(r.min_ns, r.median_ns);
			EXPECT_LE(r.median_ns, r.max_ns);
			rec = ftc_record(self->c.reply, "where", 0, 0);
			ASSERT_NE(NULL, rec);
			ftc_get_u64(rec, "pages", &pages);
			ftc_get_str(rec, "zone", zone, sizeof(zone));
			EXPECT_EQ(2ULL << o, pages);
			EXPECT_NE(0, zone[0]);
			EXPECT_EQ(2, ftc_count_records(self->c.reply, "attempt", 0));
		}
	}
	/* nothing is held by free-at-once requests */
	ASSERT_EQ(0, ftc_request(&self->c, "pools"));
	EXPECT_NE(NULL, strstr(self->c.reply, "pools count=0 objects=0 pages=0 bytes=0"));
}

TEST_F_TIMEOUT(contract, slab_and_vmalloc_apis, 300)
{
	const uint64_t kmax = self->info.kmalloc_max_size;
	uint64_t sizes[] = { 8, 100, 4096, 8192, 65536, kmax };
	struct ftc_result r;
	char name[64];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ALLOC_OK(self, r, "alloc api=kmalloc size=%llu count=3", (unsigned long long)sizes[i]);
		EXPECT_EQ(3, r.successes) TH_LOG("kmalloc %llu", (unsigned long long)sizes[i]);
		EXPECT_EQ(0, r.vmalloc);
		snprintf(name, sizeof(name), "kmalloc %llu B", (unsigned long long)sizes[i]);
		ft_record_latency(name, self->c.reply, 0, false);
		ALLOC_OK(self, r, "alloc api=kvmalloc size=%llu count=3", (unsigned long long)sizes[i]);
		EXPECT_EQ(3, r.successes);
		snprintf(name, sizeof(name), "kvmalloc %llu B", (unsigned long long)sizes[i]);
		ft_record_latency(name, self->c.reply, 0, false);
		ALLOC_OK(self, r, "alloc api=vmalloc size=%llu count=3", (unsigned long long)sizes[i]);
		EXPECT_EQ(3, r.successes);
		EXPECT_EQ(3, r.vmalloc);
		snprintf(name, sizeof(name), "vmalloc %llu B", (unsigned long long)sizes[i]);
		ft_record_latency(name, self->c.reply, 0, false);
	}
	/* above what kmalloc can ever give: kvmalloc is vmalloc memory */
	ALLOC_OK(self, r, "alloc api=kvmalloc size=%llu count=2", (unsigned long long)kmax * 2);
	EXPECT_EQ(2, r.successes);
	EXPECT_EQ(2, r.vmalloc);
	ALLOC_OK(self, r, "alloc api=kmalloc size=64 count=4 node=0");
	EXPECT_EQ(4, r.successes);
	ALLOC_OK(self, r, "alloc api=vmalloc size=64K count=2 node=0");
	EXPECT_EQ(2, r.vmalloc);
}

/*
 * With every zone fragmented down to order 0 (pin + drain) and compaction
 * told not to bother (extfrag_threshold 1000), kmalloc cannot get the order-4
 * block of 64 KiB and kvmalloc returns vmalloc memory.
 */
TEST_F_TIMEOUT(contract, kvmalloc_falls_back_when_fragmented, 600)
{
	char old[32] = "";
	struct ftc_result r;
	struct ftc_buddy b[16];
	int n, knob;

	knob = ft_write_knob("/proc/sys/vm/extfrag_threshold", "1000", old, sizeof(old));
	ft_write_knob("/proc/sys/vm/drop_caches", "3", NULL, 0);
	ASSERT_EQ(0, ftc_request(&self->c,
				 "pin pattern=alt; drain above=0; try api=kvmalloc gfp=GFP_KERNEL size=64K count=1 hold=kv"))
		TH_LOG("%s", self->c.reply);
	if (!knob)
		ft_write_knob("/proc/sys/vm/extfrag_threshold", old, NULL, 0);
	ASSERT_EQ(0, ftc_parse_result(self->c.reply, 2, &r));
	n = ftc_parse_buddy(self->c.reply, 2, b, 16);
	ASSERT_GT(n, 0);
	for (int i = 0; i < n; i++) {
		EXPECT_LT(b[i].max_free_order, 4) TH_LOG("node %d zone %s had an order-%d block",
							b[i].node, b[i].zone, b[i].max_free_order);
	}
	EXPECT_EQ(1, r.successes);
	EXPECT_EQ(1, r.vmalloc) TH_LOG("%s", self->c.reply);
	ft_record_latency("kvmalloc 64K fragmented", self->c.reply, 2, false);
	ASSERT_EQ(0, ftc_request(&self->c, "free all; pools"));
	EXPECT_NE(NULL, strstr(self->c.reply, "pools count=0 "));
}

TEST_F_TIMEOUT(contract, pools_counts_exact, 300)
{
	struct ftc_pool pools[8], total;
	uint64_t before, held;
	struct ftc_result r;
	int n;

	ALLOC_OK(self, r, "alloc order=2 count=7 hold=x");
	EXPECT_EQ(7, r.successes);
	ALLOC_OK(self, r, "alloc api=kmalloc size=100 count=5 hold=x");
	ALLOC_OK(self, r, "alloc api=vmalloc size=64K count=3 hold=y");
	ALLOC_OK(self, r, "alloc api=folio_alloc order=3 count=2 hold=y");
	ASSERT_EQ(0, ftc_request(&self->c, "pools"));
	n = ftc_parse_pools(self->c.reply, pools, 8, &total);
	ASSERT_EQ(2, n);
	EXPECT_STREQ("x", pools[0].name);
	EXPECT_EQ(12, pools[0].objects);
	EXPECT_EQ(7 * 4 + 5, pools[0].pages);
	EXPECT_EQ(7 * 16384 + 500, pools[0].bytes);
	EXPECT_STREQ("y", pools[1].name);
	EXPECT_EQ(5, pools[1].objects);
	EXPECT_EQ(3 * 16 + 2 * 8, pools[1].pages);
	EXPECT_EQ(3 * 65536 + 2 * 32768, pools[1].bytes);
	EXPECT_EQ(17, total.objects);

	ASSERT_EQ(0, ftc_request(&self->c, "free pool=x; pools"));
	EXPECT_NE(NULL, strstr(self->c.reply, "freed name=x objects=12 pages=33 "));
	n = ftc_parse_pools(self->c.reply, pools, 8, &total);
	EXPECT_EQ(1, n);
	EXPECT_EQ(5, total.objects);
	EXPECT_EQ(-ENOENT, ftc_request(&self->c, "free pool=x"));

	/* holding is real: 32 MiB held shows in nr_free_pages */
	ASSERT_EQ(0, ft_nr_free_pages(&before));
	ALLOC_OK(self, r, "alloc order=9 count=16 hold=big");
	ASSERT_EQ(16, r.successes);
	ASSERT_EQ(0, ft_nr_free_pages(&held));
	EXPECT_GE(before - held, 16 * 512 * 3 / 4) TH_LOG("free %llu -> %llu",
		(unsigned long long)before, (unsigned long long)held);
	ASSERT_EQ(0, ftc_request(&self->c, "free all; pools"));
	EXPECT_NE(NULL, strstr(self->c.reply, "pools count=0 objects=0 pages=0 bytes=0"));
}

/* What memfree_returns_after_unload holds: every API, a pin pool, ~60 MiB. */
static void hold_everything(struct __test_metadata *_metadata, struct ft_client *c)
{
	static const char * const reqs[] = {
		"alloc order=4 count=512 hold=a",
		"alloc api=kvmalloc size=1M count=16 hold=b",
		"alloc api=vmalloc size=1M count=8 hold=c",
		"alloc api=kmalloc size=4096 count=1024 hold=d",
		"alloc api=folio_alloc order=2 count=64 hold=e",
		"pin pattern=group k=3",
	};

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		ASSERT_EQ(0, ftc_request(c, "%s", reqs[i])) TH_LOG("%s: %s", reqs[i], c->reply);
	}
}

/*
 * Free pages including those on the per-cpu lists (which nr_free_pages does
 * not count and which swing by thousands of pages as frees are batched), as
 * the module's info reports them.
 */
static uint64_t free_with_pcp(struct __test_metadata *_metadata, struct ft_client *c)
{
	uint64_t sum = 0, v;
	const char *rec;

	if (ftc_request(c, "info"))
		return 0;
	for (int i = 0; (rec = ftc_record(c->reply, "zone", -1, i)); i++) {
		EXPECT_TRUE(ftc_get_u64(rec, "free", &v));
		sum += v;
		EXPECT_TRUE(ftc_get_u64(rec, "pcp", &v));
		sum += v;
	}
	return sum;
}

/*
 * undefer reports each usable zone's compaction deferral state (what earlier
 * compactions left: considered <= 64, defer_shift <= 6) and leaves it where
 * a deferral that has just run out does (considered 64, defer_shift 6,
 * order_failed 0: the next compaction runs and restarts its scanners): a
 * second undefer right after it and the buddy record of the next try both
 * read that.
 */
TEST_F_TIMEOUT(contract, undefer_lets_the_next_compaction_run, 120)
{
	const char *rec;
	int n = 0, nonzero = 0;
	int err = ftc_request(&self->c, "undefer; undefer; "
			      "try api=alloc_pages gfp=GFP_NOWAIT|__GFP_NOWARN order=0");

	if (err && strstr(self->c.reply, "errno=EOPNOTSUPP"))
		SKIP(return, "CONFIG_COMPACTION not set");
	ASSERT_EQ(0, err) TH_LOG("%s", self->c.reply);
	for (int i = 0; (rec = ftc_record(self->c.reply, "undefer", 0, i)); i++) {
		const char *again = ftc_record(self->c.reply, "undefer", 1, i);
		uint64_t shift = 99, considered = 99, failed = 99;
		char zone[16] = "", zone2[16] = "";

		TH_LOG("%.*s", (int)strcspn(rec, "\n"), rec);
		EXPECT_TRUE(ftc_get_str(rec, "zone", zone, sizeof(zone)));
		EXPECT_TRUE(ftc_get_u64(rec, "defer_shift", &shift));
		EXPECT_TRUE(ftc_get_u64(rec, "considered", &considered));
		EXPECT_TRUE(ftc_get_u64(rec, "order_failed", &failed));
		EXPECT_LE(shift, 6);
		EXPECT_LE(considered, 64);
		nonzero += shift || considered > 1 || failed;
		EXPECT_NE(NULL, strstr(rec, " skip_flush="));
		/* the second undefer finds what the first one left */
		ASSERT_NE(NULL, again);
		EXPECT_TRUE(ftc_get_str(again, "zone", zone2, sizeof(zone2)));
		EXPECT_STREQ(zone, zone2);
		EXPECT_TRUE(ftc_get_u64(again, "defer_shift", &shift));
		EXPECT_TRUE(ftc_get_u64(again, "considered", &considered));
		EXPECT_TRUE(ftc_get_u64(again, "order_failed", &failed));
		EXPECT_EQ(6, shift);
		EXPECT_EQ(64, considered);
		EXPECT_EQ(0, failed);
		n++;
	}
	EXPECT_GT(n, 0);
	TH_LOG("%d of %d zones had compaction state", nonzero, n);
	n = 0;
	for (int i = 0; (rec = ftc_record(self->c.reply, "buddy", 2, i)); i++) {
		unsigned int considered, shift;
		int order_failed;
		const char *d = strstr(rec, " compact_defer=");

		ASSERT_NE(NULL, d) TH_LOG("%.*s", (int)strcspn(rec, "\n"), rec);
		ASSERT_EQ(3, sscanf(d, " compact_defer=%u,%u,%d", &considered, &shift,
				    &order_failed));
		EXPECT_EQ(64, considered);
		EXPECT_EQ(6, shift);
		EXPECT_EQ(0, order_failed);
		n++;
	}
	EXPECT_GT(n, 0);
}

/*
 * drain below=50% keeps only blocks that lie below the middle of the zone
 * (pfn_hi) and gives back the blocks it took above it (returned=): the
 * allocator hands blocks out in free-list order, so both sides are taken.
 * With the caches dropped, a 1 GiB VM has free blocks on both sides. A
 * pin's pfn_lo and pfn_hi bound the pages it kept, inside the zone (a pin
 * stops where its allocation falls back to another zone; a drain keeps
 * such blocks, which lie below the zone's start).
 */
TEST_F_TIMEOUT(contract, drain_below_keeps_the_lower_half, 120)
{
	struct zoneinfo zi = { 0 };
	const struct zoneinfo_zone *z;
	uint64_t start, end, mid, pages = 0, returned = 0, lo = 0, hi = 0, kept = 0;
	const char *rec;
	int node;
	char zone[16];

	sync();
	ASSERT_EQ(0, ft_write_knob("/proc/sys/vm/drop_caches", "3", NULL, 0));
	ASSERT_EQ(0, zoneinfo_read(&zi));
	z = zoneinfo_largest(&zi);
	ASSERT_NE(NULL, z);
	node = z->node;
	snprintf(zone, sizeof(zone), "%s", z->zone);
	start = z->start_pfn;
	end = z->start_pfn + z->spanned;
	mid = start + z->spanned / 2;
	zoneinfo_free(&zi);
	ASSERT_EQ(0, ftc_request(&self->c, "drain node=%d zone=%s above=0 below=50%% hold=low; "
				 "pin node=%d zone=%s pattern=group k=4 hold=pin; free all",
				 node, zone, node, zone)) TH_LOG("%s", self->c.reply);
	rec = ftc_record(self->c.reply, "drain", 0, 0);
	ASSERT_NE(NULL, rec);
	TH_LOG("%.*s (zone %#llx..%#llx)", (int)strcspn(rec, "\n"), rec,
	       (unsigned long long)start, (unsigned long long)end);
	ASSERT_TRUE(ftc_get_u64(rec, "pages", &pages));
	ASSERT_TRUE(ftc_get_u64(rec, "returned", &returned));
	ASSERT_TRUE(ftc_get_u64(rec, "pfn_lo", &lo));
	ASSERT_TRUE(ftc_get_u64(rec, "pfn_hi", &hi));
	EXPECT_GT(pages, 0);
	EXPECT_GT(returned, 0);
	/* lo may lie in a lower zone: the drain keeps what its fallback got there */
	EXPECT_LE(lo, hi);
	EXPECT_LT(hi, mid);
	rec = ftc_record(self->c.reply, "pin", 1, 0);
	ASSERT_NE(NULL, rec);
	TH_LOG("%.*s", (int)strcspn(rec, "\n"), rec);
	ASSERT_TRUE(ftc_get_u64(rec, "kept", &kept));
	ASSERT_GT(kept, 0);
	ASSERT_TRUE(ftc_get_u64(rec, "pfn_lo", &lo));
	ASSERT_TRUE(ftc_get_u64(rec, "pfn_hi", &hi));
	EXPECT_GE(lo, start);
	EXPECT_LE(lo, hi);
	EXPECT_LT(hi, end);
}

/*
 * Only a drain/try section with a try in it runs with bottom halves disabled
 * (atomic=1): a drain alone, or one followed by another drain, has no try to
 * protect and runs preemptibly. Under TCG a zone's drain takes seconds, and a
 * non-preemptible one that long is a soft lockup at watchdog_thresh=2. Each
 * drain takes at most two order-10 blocks (its floor), so this stays quick.
 * The second request's first drain finds the zone at its floor already (the
 * first request's drain holds those blocks) and may take nothing: what is
 * checked is the section rule it ran under, not what it took.
 */
TEST_F_TIMEOUT(contract, drain_without_try_runs_preemptibly, 120)
{
	struct zoneinfo zi = { 0 };
	const struct zoneinfo_zone *z;
	uint64_t atomic = 2, floor1, floor2;
	const char *rec;
	char zone[16];
	int node;

	ASSERT_EQ(0, zoneinfo_read(&zi));
	z = zoneinfo_largest(&zi);
	ASSERT_NE(NULL, z);
	node = z->node;
	snprintf(zone, sizeof(zone), "%s", z->zone);
	floor1 = z->free - 2048;
	floor2 = z->free - 4096;
	zoneinfo_free(&zi);

	ASSERT_EQ(0, ftc_request(&self->c, "drain node=%d zone=%s above=9 floor=%llu hold=d",
				 node, zone, (unsigned long long)floor1)) TH_LOG("%s", self->c.reply);
	rec = ftc_record(self->c.reply, "drain", 0, 0);
	ASSERT_NE(NULL, rec);
	TH_LOG("alone: %.*s", (int)strcspn(rec, "\n"), rec);
	ASSERT_TRUE(ftc_get_u64(rec, "atomic", &atomic));
	EXPECT_EQ(0, atomic);

	ASSERT_EQ(0, ftc_request(&self->c, "drain node=%d zone=%s above=9 floor=%llu hold=d; "
				 "drain node=%d zone=%s above=9 floor=%llu hold=d; "
				 "try api=alloc_pages gfp=GFP_ATOMIC order=0 count=1 hold=t",
				 node, zone, (unsigned long long)floor1, node, zone,
				 (unsigned long long)floor2)) TH_LOG("%s", self->c.reply);
	rec = ftc_record(self->c.reply, "drain", 0, 0);
	ASSERT_NE(NULL, rec);
	TH_LOG("before a drain: %.*s", (int)strcspn(rec, "\n"), rec);
	ASSERT_TRUE(ftc_get_u64(rec, "atomic", &atomic));
	EXPECT_EQ(0, atomic);
	rec = ftc_record(self->c.reply, "drain", 1, 0);
	ASSERT_NE(NULL, rec);
	TH_LOG("before a try: %.*s", (int)strcspn(rec, "\n"), rec);
	ASSERT_TRUE(ftc_get_u64(rec, "atomic", &atomic));
	EXPECT_EQ(1, atomic);
	ASSERT_EQ(0, ftc_request(&self->c, "free all")) TH_LOG("%s", self->c.reply);

	/* frees at the end run after the section and do not end it */
	ASSERT_EQ(0, ftc_request(&self->c, "drain node=%d zone=%s above=9 floor=%llu hold=d; "
				 "try api=alloc_pages gfp=GFP_ATOMIC order=0 count=1 hold=t; free all",
				 node, zone, (unsigned long long)floor1)) TH_LOG("%s", self->c.reply);
	rec = ftc_record(self->c.reply, "drain", 0, 0);
	ASSERT_NE(NULL, rec);
	TH_LOG("before a try and a free: %.*s", (int)strcspn(rec, "\n"), rec);
	ASSERT_TRUE(ftc_get_u64(rec, "atomic", &atomic));
	EXPECT_EQ(1, atomic);
	EXPECT_NE(NULL, ftc_record(self->c.reply, "result", 1, 0));
	ASSERT_EQ(0, ftc_request(&self->c, "pools")) TH_LOG("%s", self->c.reply);
	EXPECT_NE(NULL, strstr(self->c.reply, "pools count=0 objects=0 pages=0 bytes=0"))
		TH_LOG("%s", self->c.reply);
}

/* A /proc/vmstat counter, 0 when absent. */
static uint64_t vmstat_counter(const char *name)
{
	struct vmstat vs = { 0 };
	uint64_t v = 0;

	if (!vmstat_read(&vs)) {
		vmstat_get(&vs, name, &v);
		vmstat_free(&vs);
	}
	return v;
}

/*
 * A failed GFP_NOWAIT|__GFP_DMA order-10 try, with the DMA zone's blocks
 * above order 9 drained, wakes kswapd (pageoutrun counts its balancing
 * passes): the node is balanced for that try only if the DMA zone is. (A
 * try that may use DMA32 finds one of the blocks the drains leave above
 * their floors.) settle then waits until kswapd and kcompactd sleep again
 * and says so.
 */
TEST_F_TIMEOUT(contract, settle_waits_for_the_reclaimers, 120)
{
	uint64_t runs0 = vmstat_counter("pageoutrun"), waited = 0, settled = 0, fails = 0;
	struct zoneinfo zi = { 0 };
	char drains[1024];
	const char *rec;
	int n, err;

	ASSERT_EQ(0, zoneinfo_read(&zi));
	/* every zone, the DMA zone too: one left with a block keeps the node balanced */
	n = ft_drain_steps(&zi, 9, "drain", drains, sizeof(drains));
	zoneinfo_free(&zi);
	ASSERT_GT(n, 0);
	if (!strstr(drains, "zone=DMA "))
		SKIP(return, "no DMA zone");
	err = ftc_request(&self->c,
			  "%stry api=alloc_pages gfp=GFP_NOWAIT|__GFP_NOWARN|__GFP_DMA order=10; "
			  "settle; free pool=drain", drains);
	ASSERT_EQ(0, err) TH_LOG("%s", self->c.reply);
	rec = ftc_record(self->c.reply, "result", n, 0);
	ASSERT_NE(NULL, rec) TH_LOG("%s", self->c.reply);
	EXPECT_TRUE(ftc_get_u64(rec, "failures", &fails));
	EXPECT_EQ(1, fails) TH_LOG("no block above order 9 was to be left: %s", self->c.reply);
	rec = ftc_record(self->c.reply, "settle", n + 1, 0);
	ASSERT_NE(NULL, rec) TH_LOG("%s", self->c.reply);
	TH_LOG("%.*s; kswapd balancing passes +%llu", (int)strcspn(rec, "\n"), rec,
	       (unsigned long long)(vmstat_counter("pageoutrun") - runs0));
	EXPECT_TRUE(ftc_get_u64(rec, "waited_ms", &waited));
	EXPECT_TRUE(ftc_get_u64(rec, "settled", &settled));
	EXPECT_EQ(1, settled);
	/* twelve idle polls 10 ms apart at the least */
	EXPECT_GE(waited, 110);
	/* the try woke kswapd, so there was something to wait for */
	EXPECT_GT(vmstat_counter("pageoutrun"), runs0);
}

TEST_F_TIMEOUT(contract, memfree_returns_after_unload, 600)
{
	uint64_t base, held, after, fr, managed, avail, free, file[2];
	char why[256];

	ASSERT_EQ(0, ft_zone_totals(&fr, &managed));
	/* one cycle first, so that slab caches are warm */
	hold_everything(_metadata, &self->c);
	ASSERT_EQ(0, ftc_request(&self->c, "free all"));
	ASSERT_EQ(0, ft_avail_pages(&avail, &free, &file[0]));
	base = free_with_pcp(_metadata, &self->c);
	ASSERT_GT(base, 0);

	hold_everything(_metadata, &self->c);
	held = free_with_pcp(_metadata, &self->c);
	EXPECT_GE(base - held, (8192 + 4096 + 2048 + 1024 + 256) * 3 / 4);
	/* unload with everything still held: the module must free it all */
	ftc_close(&self->c);
	ASSERT_EQ(0, ft_module_unload());
	/* and load it again to read the per-cpu lists */
	ASSERT_EQ(0, ft_module_load(why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, ftc_open(&self->c, NULL));
	after = free_with_pcp(_metadata, &self->c);
	ASSERT_EQ(0, ft_avail_pages(&avail, &free, &file[1]));
	TH_LOG("free+pcp pages %llu before, %llu held, %llu after unload; file pages %llu -> %llu; managed %llu",
	       (unsigned long long)base, (unsigned long long)held, (unsigned long long)after,
	       (unsigned long long)file[0], (unsigned long long)file[1],
	       (unsigned long long)managed);
	/* within 0.5% of managed memory, page cache that came back counted */
	EXPECT_GE(after + (file[1] > file[0] ? file[1] - file[0] : 0) + managed / 200, base);
}

TEST_HARNESS_MAIN
