// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: __GFP_THISNODE on a fragmented node. alloc_pages_node(1,
 * GFP_KERNEL|__GFP_THISNODE, 4) fails while node 1 has plenty of free memory
 * in blocks of order <= 3 and node 0 has order-4 blocks; the same call
 * without __GFP_THISNODE succeeds with a page from node 0.
 *
 * Needs two NUMA nodes with memory (selftests/vm-profiles: numa2, a 1 GiB VM
 * split into two 512 MiB nodes; node 1 has one zone, DMA32) and the ext4
 * scratch disk (clean page cache). SKIPs with the reason otherwise.
 *
 * The state, built on node 1 only:
 * - pagecache_fill --node 1 (libnuma: membind to node 1 before its io_uring
 *   exists) puts clean page cache worth CACHE_PCT of node 1's memory there;
 * - scen_build_unmovable_node(k=4, node 1): an unmovable page pinned in every
 *   aligned 16-page group of node 1's free memory, a page reference in every
 *   group in use (the cache), node 1's blocks above order 3 drained, then
 *   GFP_KERNEL|__GFP_THISNODE|__GFP_NOWARN order-4 requests on node 1 until
 *   one fails (its reclaim flushed the per-cpu lists), a last drain. Node 0
 *   is not touched.
 *
 * vm.zone_reclaim_mode is set to 0 (restored by the parent), so that the
 * fast path passes over a node whose watermark check fails instead of
 * reclaiming it first (node_reclaim()).
 *
 * Rules asserted (mm/page_alloc.c, 6.1 and 6.12): __GFP_THISNODE selects the
 * node's no-fallback zonelist (its own zones only); it changes nothing else
 * in the slow path for this mask (its only other uses there: no OOM kill,
 * and a costly __GFP_NORETRY request - THP's - stops after its first
 * compaction). So the THISNODE call goes the costly GFP_KERNEL way on node 1
 * alone: async compaction, direct reclaim, sync-light compaction, give up
 * (no __GFP_RETRY_MAYFAIL): exactly 2 direct compactions and 1 direct
 * reclaim in the traced call (compact_stall and compact_fail count a
 * compaction that ran or was deferred, not one skipped as unsuitable: >= 1
 * each, allocstall >= 1), every zone its compaction, reclaim and kswapd
 * wakeups named is on node 1 (lib/tracefs trace_alloc_nodes()), no OOM
 * kill, and one warn_alloc report: order 4, mode names GFP_KERNEL with
 * __GFP_THISNODE, nodemask=(null) (alloc_pages_node() passes no nodemask:
 * the node restriction is the zonelist), whose Mem-Info shows node 1
 * without free blocks >= 64 kB and node 0 with some. Without __GFP_THISNODE
 * the zonelist falls back to node 0: the fast path finds node 0's block
 * (node 1's zone fails its watermark check at order 4 and is passed over):
 * success, the page on node 0, no direct reclaim or compaction, no slow-path
 * event on any node, no report.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "kselftest_harness.h"
#include "nodes.h"
#include "scenario.h"
#include "workload_helpers.h"
#include "workload_util.h"

#define NODE 1		/* the fragmented node */
#define OTHER 0		/* the node the fallback finds */
#define ORDER 4
#define CACHE_PCT 50	/* clean page cache put on NODE, % of its managed memory */
#define ZONES 16
#define TRY_STEP 0
#define THISNODE_GFP "GFP_KERNEL|__GFP_THISNODE"
#define FALLBACK_GFP "GFP_KERNEL"
#define TRY_FMT "try api=alloc_pages_node node=%d gfp=%s order=%d"

FIXTURE(scenario) {
	struct scenario s;
	char dir[PATH_MAX];
	char prefix[64];
};

FIXTURE_SETUP(scenario)
{
	self->dir[0] = '\0';
	snprintf(self->prefix, sizeof(self->prefix), "ftthisnode-%d-", (int)getpid());
	SCENARIO_SETUP(&self->s, "thisnode_fragmented_node", ORDER);
	if (!access("/proc/sys/vm/zone_reclaim_mode", W_OK))
		ASSERT_EQ(0, sysctl_set(&self->s.sysctls, "vm/zone_reclaim_mode", "0"));
}

FIXTURE_TEARDOWN_PARENT(scenario)
{
	/* the page cache goes with the files */
	if (self->dir[0]) {
		wl_remove_prefixed(self->dir, self->prefix);
		rmdir(self->dir);
	}
	scen_teardown(&self->s);
}

/* Free and managed pages and the largest free order of a node, from buddy records. */
struct node_state {
	uint64_t free, managed;
	int max_order;		/* -1: no zone */
	int zones;
};

static struct node_state node_state(const struct ftc_buddy *b, int n, int node)
{
	struct node_state ns = { .max_order = -1 };

	for (int i = 0; i < n; i++) {
		if (b[i].node != node)
			continue;
		ns.free += b[i].free;
		ns.managed += b[i].managed;
		ns.zones++;
		if (b[i].max_free_order > ns.max_order)
			ns.max_order = b[i].max_free_order;
	}
	return ns;
}

static unsigned int pct(uint64_t part, uint64_t whole)
{
	return whole ? (unsigned int)(part * 100 / whole) : 0;
}

/*
 * The state the tries need, as the module saw it before the try: no zone of
 * NODE has a free block >= ORDER, some zone of OTHER has one.
 */
static bool node_fragmented(const struct scenario *s, char *why, size_t len)
{
	struct ftc_buddy b[ZONES];
	int n = ftc_parse_buddy(s->c.reply, TRY_STEP, b, ZONES);
	struct node_state frag = node_state(b, n, NODE), other = node_state(b, n, OTHER);

	if (!frag.zones || !other.zones) {
		snprintf(why, len, "no buddy record of node %d or %d", NODE, OTHER);
		return false;
	}
	if (frag.max_order >= ORDER) {
		snprintf(why, len, "node %d still had an order-%d block%s", NODE, frag.max_order,
			 strstr(s->c.reply, "truncated=1") ? " (drain ran out of time)" : "");
		return false;
	}
	if (other.max_order < ORDER) {
		snprintf(why, len, "node %d has no free block >= order %d (largest %d)", OTHER,
			 ORDER, other.max_order);
		return false;
	}
	return true;
}

static int build_node(struct scenario *s, char *why, size_t len)
{
	return scen_build_unmovable_node(s, ORDER, NODE, why, len);
}

/* Managed and free pages of a node, from the module's zone records ("info"). */
static int node_pages(struct ft_client *c, int node, uint64_t *managed, uint64_t *free)
{
	const char *rec;
	int err = ftc_request(c, "info");

	*managed = *free = 0;
	if (err)
		return err;
	for (int i = 0; (rec = ftc_record(c->reply, "zone", -1, i)); i++) {
		uint64_t m, f;
		int nid;

		if (ftc_get_int(rec, "node", &nid) && nid == node && ftc_get_u64(rec, "managed", &m) &&
		    ftc_get_u64(rec, "free", &f)) {
			*managed += m;
			*free += f;
		}
	}
	return *managed ? 0 : -ENOENT;
}

/* Whether a report's zones of a node show a free block of order >= ORDER. */
static int report_node_has_block(const struct rp_report *rep, int node)
{
	int seen = 0;

	for (int z = 0; z < rep->nr_zones; z++) {
		const struct rp_zone *zone = &rep->zones[z];

		if (zone->node != node || !zone->have_buddy)
			continue;
		seen = 1;
		for (int o = ORDER; o < zone->nr_buddy; o++)
			if (zone->buddy[o].count > 0)
				return 2;
	}
	return seen ? 1 : 0;	/* 0: the node's free lists are not in the report */
}

TEST_F_TIMEOUT(scenario, thisnode_fragmented_node, 600)
{
	struct scenario *s = &self->s;
	const char *scratch = getenv("FRAGTEST_SCRATCH");
	char bin[PATH_MAX], target[32], out[8192], why[256], delta[768], zone[16] = "";
	char *argv[] = { bin, "--dir", self->dir, "--mode", "read", "--target", target,
			 "--node", "1", "--keep", "--quiet", "--prefix", self->prefix, NULL };
	uint64_t mem, managed, free_before, free_after, managed0, free0, want;
	const struct alloc_call *call, *fb_call;
	struct node_state frag, other;
	struct scen_obs thisnode, fallback;
	struct ftc_buddy b[ZONES];
	struct ftc_result r;
	const struct rp_report *rep;
	const char *att;
	struct statvfs sv;
	int n, got_node = -1;
	int64_t cached = 0;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (nodes_read("has_memory", &mem))
		SKIP(return, "no NUMA node information in sysfs (CONFIG_NUMA not set?)");
	if (!(mem & (1ULL << NODE)) || !(mem & (1ULL << OTHER)))
		SKIP(return, "needs NUMA nodes %d and %d with memory (has_memory bits 0x%llx); "
		     "boot with two nodes (scripts/vmtest --numa 2)", OTHER, NODE,
		     (unsigned long long)mem);
	wlt_bin("pagecache_fill", bin, sizeof(bin));
	if (access(bin, X_OK))
		SKIP(return, "%.200s is not built", bin);
	if (!scratch || !*scratch)
		SKIP(return, "FRAGTEST_SCRATCH is not set (needs a disk-backed file system for clean page cache)");
	ASSERT_EQ(0, trace_alloc_nodes(&s->trace, (int)getpid(), why, sizeof(why))) TH_LOG("%s", why);

	/* start from free blocks: node 1's memory is then free before the cache */
	sync();
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/drop_caches", "3"));
	ASSERT_EQ(0, wlt_write_file("/proc/sys/vm/compact_memory", "1"));
	ASSERT_EQ(0, node_pages(&s->c, NODE, &managed, &free_before)) TH_LOG("%s", s->c.reply);
	want = managed * page / 100 * CACHE_PCT;
	snprintf(self->dir, sizeof(self->dir), "%.200s/thisnode_fragmented_node", scratch);
	if (mkdir(self->dir, 0700) && errno != EEXIST)
		SKIP(return, "mkdir %.200s: %s", self->dir, strerror(errno));
	ASSERT_EQ(0, statvfs(self->dir, &sv));
	if ((uint64_t)sv.f_bavail * sv.f_frsize < want + (want >> 3))
		SKIP(return, "%.200s has %llu MiB free, the page cache needs %llu MiB", self->dir,
		     (unsigned long long)((uint64_t)sv.f_bavail * sv.f_frsize >> 20),
		     (unsigned long long)(want >> 20));
	snprintf(target, sizeof(target), "%lluK", (unsigned long long)(want >> 10));
	ftr_param_int(s->res, "node", NODE);
	ftr_param_int(s->res, "order", ORDER);
	ftr_param_int(s->res, "cache_pct_of_node", CACHE_PCT);

	ftr_timeline_sample(s->res);
	ASSERT_EQ(0, wlt_run(argv, out, sizeof(out))) TH_LOG("pagecache_fill: %s", out);
	wlt_json_i64(out, "cached_delta_bytes", &cached);
	ASSERT_EQ(0, node_pages(&s->c, NODE, &managed, &free_after)) TH_LOG("%s", s->c.reply);
	ASSERT_EQ(0, node_pages(&s->c, OTHER, &managed0, &free0)) TH_LOG("%s", s->c.reply);
	TH_LOG("page cache +%lld MiB; node %d free %llu -> %llu of %llu pages; node %d free %llu of %llu",
	       (long long)(cached >> 20), NODE, (unsigned long long)free_before,
	       (unsigned long long)free_after, (unsigned long long)managed, OTHER,
	       (unsigned long long)free0, (unsigned long long)managed0);
	/* the cache went to node 1: its free memory fell by most of the target */
	EXPECT_GE(free_before - (free_after < free_before ? free_after : free_before),
		  want / page * 8 / 10);
	ftr_metric(s->res, "node1_cache_mib", (double)(cached >> 20), "MiB", FTR_NEUTRAL);
	ftr_timeline_sample(s->res);

	/* __GFP_THISNODE: fails on node 1, on node 1 only */
	scen_wait_report_window();
	ASSERT_EQ(0, ftr_snapshot_now(s->res, false));
	ASSERT_EQ(0, scen_build_and_try(_metadata, s, &thisnode, THISNODE_GFP, node_fragmented,
					build_node, TRY_FMT, NODE, THISNODE_GFP, ORDER))
		TH_LOG("%s", s->c.reply);
	SCEN_LOG_BUDDY(s, TRY_STEP);
	n = ftc_parse_buddy(s->c.reply, TRY_STEP, b, ZONES);
	frag = node_state(b, n, NODE);
	other = node_state(b, n, OTHER);
	TH_LOG("before the THISNODE try: node %d %u%% free, largest free order %d; node %d %u%% free, largest free order %d",
	       NODE, pct(frag.free, frag.managed), frag.max_order, OTHER,
	       pct(other.free, other.managed), other.max_order);
	ftr_metric(s->res, "node1_free_pct", pct(frag.free, frag.managed), "%", FTR_NEUTRAL);
	ftr_metric(s->res, "node0_free_pct", pct(other.free, other.managed), "%", FTR_NEUTRAL);
	ftr_metric(s->res, "node1_max_free_order", frag.max_order, "", FTR_NEUTRAL);
	ftr_metric(s->res, "node0_max_free_order", other.max_order, "", FTR_NEUTRAL);
	ASSERT_EQ(0, ftc_parse_result(s->c.reply, TRY_STEP, &r));
	call = alloc_call_find(thisnode.calls, thisnode.nr_calls, THISNODE_GFP, ORDER);
	scen_format_delta(&thisnode, delta, sizeof(delta));
	TH_LOG("THISNODE: %s; %s; direct compactions %d, reclaims %d, nodes 0x%llx; reports %zu",
	       r.failures ? "failed" : "succeeded", delta, call ? call->compactions : -1,
	       call ? call->reclaims : -1, call ? call->nodes : 0ULL, thisnode.reports.n);
	EXPECT_EQ(1, r.failures) TH_LOG("%s", s->c.reply);
	ASSERT_NE(NULL, call) TH_LOG("no traced order-%d call with gfp_flags=%s", ORDER,
				     THISNODE_GFP);
	EXPECT_TRUE(call->failed);
	EXPECT_EQ(2, call->compactions);
	EXPECT_EQ(1, call->reclaims);
	EXPECT_EQ(1ULL << NODE, call->nodes);
	EXPECT_LE(1, thisnode.delta.v[SC_COMPACT_STALL]);
	EXPECT_LE(1, thisnode.delta.v[SC_COMPACT_FAIL]);
	EXPECT_EQ(0, thisnode.delta.v[SC_COMPACT_SUCCESS]);
	EXPECT_LE(1, thisnode.delta.v[SC_ALLOCSTALL]);
	EXPECT_EQ(0, thisnode.delta.v[SC_OOM_KILL]);
	EXPECT_EQ(1, scen_reports_of_order(&thisnode, ORDER));
	rep = scen_report(&thisnode, ORDER);
	ASSERT_NE(NULL, rep);
	TH_LOG("report: mode %s nodemask=%s", rep->mode_names, rep->nodemask);
	EXPECT_TRUE(rep->have_names);
	EXPECT_NE(NULL, strstr(rep->mode_names, "GFP_KERNEL")) TH_LOG("%s", rep->mode_names);
	EXPECT_NE(NULL, strstr(rep->mode_names, "__GFP_THISNODE")) TH_LOG("%s", rep->mode_names);
	EXPECT_STREQ("(null)", rep->nodemask);
	EXPECT_EQ(1, report_node_has_block(rep, NODE));
	EXPECT_EQ(2, report_node_has_block(rep, OTHER));
	EXPECT_TRUE(thisnode.health_ok) TH_LOG("%s", thisnode.health_problem);

	/* without it: node 1's zonelist falls back to node 0 */
	ASSERT_EQ(0, scen_observe(s, &fallback, FALLBACK_GFP, TRY_FMT, NODE, FALLBACK_GFP, ORDER))
		TH_LOG("%s", s->c.reply);
	ASSERT_TRUE(node_fragmented(s, why, sizeof(why))) TH_LOG("before the fallback try: %s", why);
	ASSERT_EQ(0, ftc_parse_result(s->c.reply, TRY_STEP, &r));
	att = ftc_record(s->c.reply, "attempt", TRY_STEP, 0);
	if (att) {
		ftc_get_int(att, "node", &got_node);
		ftc_get_str(att, "zone", zone, sizeof(zone));
	}
	fb_call = alloc_call_find(fallback.calls, fallback.nr_calls, FALLBACK_GFP, ORDER);
	scen_format_delta(&fallback, delta, sizeof(delta));
	TH_LOG("fallback: %s, page on node %d %s; %s; direct compactions %d, reclaims %d, nodes 0x%llx; reports %zu",
	       r.successes ? "succeeded" : "failed", got_node, zone, delta,
	       fb_call ? fb_call->compactions : -1, fb_call ? fb_call->reclaims : -1,
	       fb_call ? fb_call->nodes : 0ULL, fallback.reports.n);
	EXPECT_EQ(1, r.successes) TH_LOG("%s", s->c.reply);
	EXPECT_EQ(OTHER, got_node) TH_LOG("%s", s->c.reply);
	ASSERT_NE(NULL, fb_call) TH_LOG("no traced order-%d call with gfp_flags=%s", ORDER,
					FALLBACK_GFP);
	EXPECT_FALSE(fb_call->failed);
	EXPECT_EQ(0, fb_call->compactions);
	EXPECT_EQ(0, fb_call->reclaims);
	EXPECT_EQ(0ULL, fb_call->nodes);
	EXPECT_EQ(0, fallback.delta.v[SC_COMPACT_STALL]);
	EXPECT_EQ(0, fallback.delta.v[SC_ALLOCSTALL]);
	EXPECT_EQ(0, fallback.delta.v[SC_OOM_KILL]);
	EXPECT_EQ(0, fallback.reports.n);
	EXPECT_TRUE(fallback.health_ok) TH_LOG("%s", fallback.health_problem);

	ASSERT_EQ(0, ftr_snapshot_now(s->res, true));
	ftr_timeline_add(s->res, s->res->after);
	scen_record(s, "thisnode", &thisnode);
	scen_record(s, "fallback", &fallback);
	ftr_metric(s->res, "thisnode.direct_compactions", call->compactions, "", FTR_NEUTRAL);
	ftr_metric(s->res, "thisnode.direct_reclaims", call->reclaims, "", FTR_NEUTRAL);
	scen_obs_free(&thisnode);
	scen_obs_free(&fallback);
	EXPECT_EQ(0, ftc_request(&s->c, "free all"));
}

TEST_HARNESS_MAIN
