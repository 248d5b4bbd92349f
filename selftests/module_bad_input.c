// SPDX-License-Identifier: GPL-2.0
/*
 * Every class of bad input the fragtest module documents is refused with
 * its errno and a reason, runs nothing, creates no pool, and leaves no
 * WARNING/BUG in the log nor any taint beyond O, E and N.
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "meminfo.h"
#include "module_fixture.h"
#include "nodes.h"

FIXTURE(bad_input) {
	struct ft_client c;
	struct ftc_info info;
	unsigned long taint;
	int warnings, bugs;
};

FIXTURE_SETUP(bad_input)
{
	self->taint = ft_tainted();
	self->warnings = ft_klog_count("WARNING:");
	self->bugs = ft_klog_count("BUG:");
	FT_MODULE_SETUP(self);
	ASSERT_EQ(0, ftc_request(&self->c, "info"));
	ASSERT_EQ(0, ftc_parse_info(self->c.reply, &self->info));
}

FIXTURE_TEARDOWN_PARENT(bad_input)
{
	ft_module_unload();
}

/* The request is refused with err and a reason holding want. */
static int refused(struct __test_metadata *_metadata, struct ft_client *c, int err,
		   const char *want, const char *request)
{
	char reason[256];
	int ret = ftc_request(c, "%s", request);

	EXPECT_EQ(err, ret) TH_LOG("'%.80s' gave %d: %s", request, ret, c->reply);
	ftc_reason(c, reason, sizeof(reason));
	EXPECT_NE(0, reason[0]) TH_LOG("'%.80s': no reason", request);
	EXPECT_NE(NULL, strstr(reason, want)) TH_LOG("'%.80s': reason '%s' lacks '%s'",
						    request, reason, want);
	EXPECT_EQ(NULL, ftc_record(c->reply, "done", -1, 0));
	return ret == err;
}

#define REFUSED(want, ...) do { \
	char _req[8192]; \
	snprintf(_req, sizeof(_req), __VA_ARGS__); \
	refused(_metadata, &self->c, -EINVAL, want, _req); \
} while (0)

static void check_clean(struct __test_metadata *_metadata, FIXTURE_DATA(bad_input) *self)
{
	unsigned long now = ft_tainted();

	ASSERT_EQ(0, ftc_request(&self->c, "pools"));
	EXPECT_NE(NULL, strstr(self->c.reply, "pools count=0 objects=0 pages=0 bytes=0"));
	EXPECT_EQ(0, (now & ~self->taint) & ~FT_TAINT_ALLOWED) TH_LOG("tainted %#lx -> %#lx",
								  self->taint, now);
	EXPECT_EQ(self->warnings, ft_klog_count("WARNING:"));
	EXPECT_EQ(self->bugs, ft_klog_count("BUG:"));
}

TEST_F_TIMEOUT(bad_input, malformed_text, 300)
{
	static const char nul[] = "alloc order=1\0 count=2";
	char big[5000];

	REFUSED("unknown verb", "allocate order=1");
	REFUSED("empty step", "%s", "");
	REFUSED("not key=value", "alloc order");
	REFUSED("takes no key", "alloc colour=blue");
	REFUSED("takes no key", "pools count=1");
	REFUSED("undefer takes no key 'order'", "undefer order=6");
	REFUSED("settle takes no key 'order'", "settle order=6");
	REFUSED("given twice", "alloc order=1 order=2");
	REFUSED("malformed order", "alloc order=abc");
	REFUSED("malformed order", "alloc order=-1");
	REFUSED("malformed order", "alloc order=");
	REFUSED("malformed order", "alloc order=99999999999999999999999");
	REFUSED("malformed count", "alloc count=0x10");
	REFUSED("malformed size", "alloc size=12Q");
	REFUSED("malformed node", "alloc api=alloc_pages_node node=zero");
	REFUSED("not both", "alloc order=1 size=4096");
	REFUSED("empty step", "alloc order=1;; pools");
	REFUSED("byte 0x1", "alloc order=1\x01");
	REFUSED("byte 0xff", "alloc order=1 \xff");
	REFUSED("unknown api", "alloc api=malloc");
	REFUSED("unknown zone", "pin zone=Highest");
	REFUSED("unknown pattern", "pin pattern=checkerboard");
	REFUSED("more than 16 steps", "pools;pools;pools;pools;pools;pools;pools;pools;pools;"
		"pools;pools;pools;pools;pools;pools;pools;pools");
	REFUSED("free takes", "free");
	REFUSED("free takes", "free all pool=x");
	/* a NUL byte inside the request */
	EXPECT_EQ(-1, write(self->c.fd, nul, sizeof(nul) - 1));
	EXPECT_EQ(EINVAL, errno);
	/* overlong input */
	memset(big, 'a', sizeof(big));
	memcpy(big, "alloc ", 6);
	big[sizeof(big) - 1] = '\0';
	REFUSED("longer than", "%s", big);
	/* free of a pool that does not exist is ENOENT */
	refused(_metadata, &self->c, -ENOENT, "no pool named", "free pool=nosuch");
	check_clean(_metadata, self);
}

TEST_F_TIMEOUT(bad_input, gfp_names_and_rules, 300)
{
	REFUSED("unknown GFP flag 'GFP_FOO'", "alloc gfp=GFP_FOO");
	REFUSED("unknown GFP flag 'gfp_kernel'", "alloc gfp=gfp_kernel");
	REFUSED("unknown GFP flag '__GFP_BOGUS'", "alloc gfp=GFP_KERNEL|__GFP_BOGUS");
	REFUSED("empty flag name", "alloc gfp=GFP_KERNEL||__GFP_COMP");
	REFUSED("empty flag name", "alloc gfp=GFP_KERNEL|");
	REFUSED("unknown GFP flag '0xcc0'", "alloc gfp=0xcc0");
	REFUSED("empty GFP mask", "alloc gfp=");
	/* __GFP_ATOMIC exists up to 6.2 only: later it is an unknown name */
	ASSERT_EQ(0, ftc_request(&self->c, "gfp"));
	if (!strstr(self->c.reply, "name=__GFP_ATOMIC "))
		REFUSED("unknown GFP flag '__GFP_ATOMIC'", "alloc gfp=__GFP_ATOMIC");
	REFUSED("two zones", "alloc gfp=GFP_KERNEL|__GFP_DMA|__GFP_DMA32");
	REFUSED("__GFP_MOVABLE and __GFP_RECLAIMABLE",
		"alloc gfp=GFP_KERNEL|__GFP_MOVABLE|__GFP_RECLAIMABLE");
	REFUSED("__GFP_NOFAIL with order 2", "alloc gfp=GFP_KERNEL|__GFP_NOFAIL order=2");
	REFUSED("__GFP_NOFAIL with order 3", "alloc gfp=GFP_KERNEL|__GFP_NOFAIL order=3");
	REFUSED("__GFP_NOFAIL with order 10",
		"alloc gfp=GFP_KERNEL|__GFP_NOFAIL order=%d", self->info.top_order);
	REFUSED("__GFP_NOFAIL with order 2",
		"alloc api=kmalloc gfp=GFP_KERNEL|__GFP_NOFAIL size=16K");
	REFUSED("without __GFP_DIRECT_RECLAIM", "alloc gfp=GFP_ATOMIC|__GFP_NOFAIL order=0");
	REFUSED("slab bug mask", "alloc api=kmalloc gfp=GFP_KERNEL|__GFP_DMA32 size=64");
	REFUSED("slab bug mask", "alloc api=kvmalloc gfp=GFP_HIGHUSER size=64");
	REFUSED("blocking mask", "alloc api=vmalloc gfp=GFP_ATOMIC size=4096");
	REFUSED("needs gfp=GFP_KERNEL", "alloc api=vmalloc gfp=GFP_NOFS size=4096 node=0");
	REFUSED("pin chooses the zone", "pin gfp=GFP_KERNEL|__GFP_DMA32");
	REFUSED("refs takes 0 or 1", "pin refs=2");
	REFUSED("pin takes no __GFP_NOFAIL", "pin gfp=GFP_KERNEL|__GFP_NOFAIL");
	check_clean(_metadata, self);
}

TEST_F_TIMEOUT(bad_input, ranges_and_limits, 300)
{
	int top = self->info.top_order;

	REFUSED("above this kernel's top order", "alloc order=%d", top + 1);
	REFUSED("above this kernel's top order", "alloc order=64");
	REFUSED("needs order", "alloc size=%lluM", (1ULL << top) * 2 * self->info.page_size >> 20);
	REFUSED("size 0", "alloc api=kmalloc size=0");
	REFUSED("size 0", "alloc api=vmalloc size=0K");
	REFUSED("above the cap", "alloc api=vmalloc size=2G");
	REFUSED("above KMALLOC_MAX_SIZE", "alloc api=kmalloc size=%llu",
		(unsigned long long)self->info.kmalloc_max_size + 1);
	REFUSED("count 0", "alloc count=0");
	REFUSED("count 65537", "alloc count=%d", self->info.max_count + 1);
	REFUSED("does not exist", "alloc api=alloc_pages_node node=1023");
	REFUSED("does not exist", "alloc api=alloc_pages_node node=4096");
	REFUSED("takes no node", "alloc api=alloc_pages node=0");
	REFUSED("node=all is for pin", "alloc api=alloc_pages_node node=all");
	REFUSED("k 0", "pin pattern=group k=0");
	REFUSED("below the top order", "drain above=%d", top);
	REFUSED("outside 1..99%", "drain below=0%%");
	REFUSED("outside 1..99%", "drain below=100%%");
	REFUSED("takes a percentage", "drain below=50");
	REFUSED("takes a percentage", "drain below=%%");
	REFUSED("malformed below", "drain below=5x%%");
	REFUSED("pin takes no key 'below'", "pin below=50%%");
	REFUSED("below high watermark", "pin floor=0");
	REFUSED("below high watermark", "pin floor=1");
	REFUSED("below high watermark", "pin floor=0%%");
	REFUSED("above 100%", "pin floor=101%%");
	REFUSED("pool names", "alloc hold=%s", "a-pool-name-that-is-far-too-long-to-keep");
	REFUSED("only letters", "alloc hold=a/b");
	REFUSED("half of RAM", "alloc order=%d count=65536 hold=big", top);
	/* the pool limit: 16 pools exist, the 17th is refused */
	for (int i = 0; i < self->info.max_pools; i++)
		ASSERT_EQ(0, ftc_request(&self->c, "alloc count=1 hold=p%d", i));
	REFUSED("pool limit", "alloc count=1 hold=one-too-many");
	ASSERT_EQ(0, ftc_request(&self->c, "free all"));
	/* a refused later step runs none of the earlier ones */
	REFUSED("count 0", "alloc count=1 hold=early; alloc count=0");
	/* a step never uses a pool that an earlier step of its request freed */
	REFUSED("freed by step 1", "alloc count=1 hold=x; free pool=x; alloc count=1 hold=x");
	REFUSED("freed by step 1", "alloc count=1 hold=x; free pool=x; free pool=x");
	REFUSED("freed by step 0", "free all; alloc count=1 hold=x");
	check_clean(_metadata, self);
}

/* The bytes the module's pools hold now: 0, or -1 when they cannot be read. */
static int pools_held(struct ft_client *c, uint64_t *bytes)
{
	struct ftc_pool total;

	if (ftc_request(c, "pools") || ftc_parse_pools(c->reply, NULL, 0, &total) < 0)
		return -1;
	*bytes = total.bytes;
	return 0;
}

/*
 * The pool limit (half of RAM) counts what the request's own steps hold and
 * free before the step it checks: a free makes room for a later hold of the
 * same request, and two holds of one request add up.
 */
TEST_F_TIMEOUT(bad_input, pool_limit_counts_the_request, 300)
{
	struct meminfo mi;
	struct parse_error perr;
	uint64_t ram = 0, half, held, held_b, b;
	unsigned long chunk;
	int order = 0;

	ASSERT_EQ(0, meminfo_read(-1, &mi, &perr));
	ASSERT_TRUE(meminfo_get(&mi, "MemTotal", &ram));
	half = ram / 2;
	/* chunks large enough that 40% of RAM fits in one step's count */
	while ((ram * 2 / 5 / (self->info.page_size << order)) > (uint64_t)self->info.max_count)
		order++;
	chunk = self->info.page_size << order;
	ASSERT_EQ(0, ftc_request(&self->c, "alloc order=%d count=%llu hold=a", order,
				 (unsigned long long)(ram * 2 / 5 / chunk)));
	ASSERT_EQ(0, pools_held(&self->c, &held)) TH_LOG("%s", self->c.reply);
	if (held < ram * 3 / 10) {
		ASSERT_EQ(0, ftc_request(&self->c, "free all"));
		SKIP(return, "could hold only %llu of %llu bytes", (unsigned long long)held,
		     (unsigned long long)ram);
	}
	/* b fits alone, not beside a: held/2 either side of the limit */
	b = (half - held / 2) / chunk;
	REFUSED("half of RAM", "alloc order=%d count=%llu hold=b", order, (unsigned long long)b);
	ASSERT_EQ(0, ftc_request(&self->c, "free pool=a; alloc order=%d count=%llu hold=b", order,
				 (unsigned long long)b)) TH_LOG("%s", self->c.reply);
	ASSERT_EQ(0, pools_held(&self->c, &held_b)) TH_LOG("%s", self->c.reply);
	EXPECT_EQ(b * chunk, held_b);
	ASSERT_EQ(0, ftc_request(&self->c, "free all"));
	/* each of the two fits alone; together they are over the limit */
	REFUSED("half of RAM", "alloc order=%d count=%llu hold=c; alloc order=%d count=%llu hold=d",
		order, (unsigned long long)(held / chunk), order, (unsigned long long)b);
	check_clean(_metadata, self);
}

/* A memoryless node, where the machine has one. */
TEST_F_TIMEOUT(bad_input, node_without_memory, 120)
{
	uint64_t online, mem, without;
	char req[64];
	int node;

	if (nodes_read("online", &online) || nodes_read("has_memory", &mem))
		SKIP(return, "no NUMA node information in sysfs");
	without = online & ~mem;
	if (!without)
		SKIP(return, "every online node has memory here");
	node = __builtin_ctzll(without);
	snprintf(req, sizeof(req), "alloc api=alloc_pages_node node=%d", node);
	refused(_metadata, &self->c, -EINVAL, "has no memory", req);
	check_clean(_metadata, self);
}

TEST_HARNESS_MAIN
