// SPDX-License-Identifier: GPL-2.0
/*
 * `fragtest explain` end to end below the CLI: the field reports in
 * /work/shared/data/seeds (missing seeds fail, they do not skip), the
 * synthetic reports in tests/data/reports for every cause and every log
 * prefix style, and hostile input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the harness's FIXTURE setjmp trips -Wclobbered at -O2 with -Wextra */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "diagnose.h"
#include "procfile.h"
#include "report_parse.h"

#define SEEDS FRAGTEST_SRCDIR "/../shared/data/seeds/"
#define FIXTURES FRAGTEST_SRCDIR "/tests/data/reports/"

/* Parse a file; on a missing file the calling test fails with the path. */
static int load(struct __test_metadata *_metadata, const char *path, struct rp_list *l)
{
	struct text_buf t = { 0 };
	int err = text_read_file(path, &t);

	if (err) {
		TH_LOG("cannot read %s: %s (seed and fixture files are required)", path, strerror(-err));
		return err;
	}
	memset(l, 0, sizeof(*l));
	err = rp_parse(t.data, t.len, l);
	text_free(&t);
	return err;
}

static const struct rp_zone *zone(const struct rp_report *r, int node, const char *name)
{
	for (int i = 0; i < r->nr_zones; i++)
		if (r->zones[i].node == node && !strcmp(r->zones[i].name, name))
			return &r->zones[i];
	return NULL;
}

static const struct dx_zone *dzone(const struct dx_result *d, const struct rp_report *r,
				   int node, const char *name)
{
	for (int i = 0; i < d->nr_zones; i++) {
		const struct rp_zone *z = &r->zones[d->zones[i].rz];

		if (z->node == node && !strcmp(z->name, name))
			return &d->zones[i];
	}
	return NULL;
}

FIXTURE(dx) {
	struct rp_list l;
	struct dx_result *d;
};

FIXTURE_SETUP(dx)
{
	memset(&self->l, 0, sizeof(self->l));
	self->d = calloc(1, sizeof(*self->d));
	ASSERT_NE(NULL, self->d);
}

FIXTURE_TEARDOWN(dx)
{
	rp_free(&self->l);
	free(self->d);
}

TEST_F(dx, seed_000_header_only)
{
	const struct rp_report *r;

	ASSERT_EQ(0, load(_metadata, SEEDS "000-order4-kmalloc.log", &self->l));
	ASSERT_EQ(1, self->l.n);
	r = &self->l.v[0];
	EXPECT_STREQ("3182_2", r->comm);
	EXPECT_EQ(4, r->order);
	EXPECT_EQ(0x6040c0, r->mode);
	EXPECT_STREQ("GFP_KERNEL|__GFP_COMP", r->mode_names);
	EXPECT_STREQ("(null)", r->nodemask);
	EXPECT_EQ(0, r->nr_zones);
	dx_diagnose(r, self->d);
	EXPECT_EQ(DX_INSUFFICIENT_DATA, self->d->cause);
	/* no version line: the names pin it to the 4.18-5.0 layout */
	EXPECT_STREQ("4.18", self->d->era->id);
	EXPECT_TRUE(self->d->decode_matches);
	EXPECT_FALSE(self->d->sem.can_direct_reclaim == false);
	EXPECT_GE(self->d->nr_factors, 2);
}

TEST_F(dx, seed_002_veth_fragmentation)
{
	const struct rp_report *r;
	const struct rp_zone *z;
	const struct dx_zone *dz;

	ASSERT_EQ(0, load(_metadata, SEEDS "002-veth-order6.log", &self->l));
	ASSERT_EQ(1, self->l.n);
	r = &self->l.v[0];
	EXPECT_STREQ("dockerd", r->comm);
	EXPECT_EQ(6, r->order);
	EXPECT_EQ(0x40dc0, r->mode);
	EXPECT_STREQ("GFP_KERNEL|__GFP_COMP|__GFP_ZERO", r->mode_names);
	EXPECT_STREQ("docker.service", r->cpuset);
	EXPECT_STREQ("0", r->mems_allowed);
	ASSERT_GE(r->nr_callers, 2);
	EXPECT_EQ(0, strncmp(r->callers[0], "veth_alloc_queues+0x25/0x80 [veth]", 34));
	EXPECT_TRUE(r->via_kmalloc);
	EXPECT_EQ(55278, r->mi_free);
	EXPECT_EQ(4194165, r->pages_ram);
	ASSERT_EQ(3, r->nr_zones);
	ASSERT_NE(NULL, z = zone(r, 0, "DMA"));
	EXPECT_EQ(5, z->nr_lowmem);
	EXPECT_EQ(15794, z->lowmem_reserve[2]);
	EXPECT_EQ(11, z->nr_buddy);
	EXPECT_EQ(13312, z->buddy_sum_kb);
	ASSERT_NE(NULL, z = zone(r, 0, "DMA32"));
	EXPECT_EQ(86104, z->free_kb);
	EXPECT_EQ(14148, z->min_kb);
	EXPECT_EQ(2048, z->reserved_highatomic_kb);
	EXPECT_EQ(3015048, z->managed_kb);
	EXPECT_EQ(86628, z->buddy_total_kb);
	EXPECT_EQ(86628, z->buddy_sum_kb);
	EXPECT_STREQ("H", z->buddy[6].letters);
	ASSERT_NE(NULL, z = zone(r, 0, "Normal"));
	EXPECT_EQ(123600, z->buddy_sum_kb);
	EXPECT_EQ(z->buddy_total_kb, z->buddy_sum_kb);
	EXPECT_EQ(0, r->nr_warn);

	dx_diagnose(r, self->d);
	EXPECT_EQ(DX_FRAGMENTATION, self->d->cause);
	EXPECT_TRUE(self->d->decode_matches);
	ASSERT_GE(self->d->deciding, 0);
	EXPECT_STREQ("Normal", r->zones[self->d->zones[self->d->deciding].rz].name);
	ASSERT_NE(NULL, dz = dzone(self->d, r, 0, "DMA"));
	EXPECT_EQ(DZ_LOWMEM_RESERVE, dz->status);
	EXPECT_FALSE(dz->primary);
	ASSERT_NE(NULL, dz = dzone(self->d, r, 0, "DMA32"));
	EXPECT_EQ(DZ_MIGRATETYPE, dz->status);
	EXPECT_EQ(512, dz->res.highatomic_sub);
	ASSERT_NE(NULL, dz = dzone(self->d, r, 0, "Normal"));
	EXPECT_EQ(DZ_FRAGMENTED, dz->status);
	/* the veth fix is named among the remedies */
	bool veth = false;

	for (int i = 0; i < self->d->nr_remedies; i++)
		veth |= strstr(self->d->remedies[i], "1ce7d306ea63") != NULL;
	EXPECT_TRUE(veth);
}

TEST_F(dx, seed_003_old_watermark_loop)
{
	const struct rp_report *r;
	const struct rp_zone *z;
	const struct dx_zone *dz;

	ASSERT_EQ(0, load(_metadata, SEEDS "003-order3-atomic.log", &self->l));
	ASSERT_EQ(1, self->l.n);
	r = &self->l.v[0];
	EXPECT_STREQ("<programe name>", r->comm);
	EXPECT_EQ(3, r->order);
	EXPECT_EQ(0x20, r->mode);
	EXPECT_FALSE(r->have_names);
	EXPECT_TRUE(r->old_format);
	EXPECT_TRUE(r->callers_unreliable);
	EXPECT_EQ(0, strncmp(r->callers[0], "__alloc_skb", 11));
	EXPECT_EQ(202655, r->mi_free);
	ASSERT_EQ(4, r->nr_zones);
	ASSERT_NE(NULL, z = zone(r, 1, "Normal"));
	EXPECT_TRUE(z->buddy_total_truncated);
	EXPECT_EQ(412612, z->buddy_sum_kb);
	ASSERT_NE(NULL, z = zone(r, 0, "Normal"));
	EXPECT_EQ(190996, z->free_kb);
	EXPECT_EQ(95488, z->min_kb);
	EXPECT_EQ(-1, z->managed_kb);

	dx_diagnose(r, self->d);
	EXPECT_STREQ("2.6.32", self->d->era->id);
	EXPECT_EQ(WM_ERA_LEGACY, self->d->wm_era);
	EXPECT_STREQ("GFP_ATOMIC", self->d->names);
	EXPECT_EQ(DX_WATERMARK, self->d->cause);
	ASSERT_NE(NULL, dz = dzone(self->d, r, 0, "Normal"));
	EXPECT_EQ(DZ_WATERMARK, dz->status);
	EXPECT_EQ(3, dz->res.fail_order);
	EXPECT_EQ(8952, dz->res.min);
	ASSERT_NE(NULL, dz = dzone(self->d, r, 1, "Normal"));
	EXPECT_TRUE(dz->estimated);
	EXPECT_EQ(DZ_WATERMARK, dz->status);
}

TEST_F(dx, seed_004_cma_inconclusive)
{
	const struct rp_report *r;
	const struct rp_zone *z;

	ASSERT_EQ(0, load(_metadata, SEEDS "004-wifi-order3-cma.log", &self->l));
	ASSERT_EQ(1, self->l.n);
	r = &self->l.v[0];
	EXPECT_STREQ("wifi@1.0-servic", r->comm);
	EXPECT_EQ(2164, r->pid);
	EXPECT_STREQ("4.19.176", r->kernel_version);
	EXPECT_EQ(3, r->order);
	EXPECT_EQ(0x484020, r->mode);
	EXPECT_EQ(0, strncmp(r->callers[0], "glSetHifInfo", 12));
	EXPECT_EQ(80512, r->mi_free_cma);
	EXPECT_EQ(95232, r->pages_cma_reserved);
	ASSERT_EQ(1, r->nr_zones);
	z = &r->zones[0];
	EXPECT_EQ(0, z->node);
	EXPECT_STREQ("DMA32", z->name);
	EXPECT_EQ(321800, z->free_cma_kb);
	EXPECT_EQ(3, z->nr_lowmem);
	EXPECT_EQ(11, z->nr_buddy);
	EXPECT_STREQ("UC", z->buddy[3].letters);
	EXPECT_EQ(362032, z->buddy_total_kb);
	EXPECT_EQ(362032, z->buddy_sum_kb);

	dx_diagnose(r, self->d);
	EXPECT_EQ(DX_INCONCLUSIVE, self->d->cause);
	EXPECT_TRUE(self->d->decode_matches);
	EXPECT_EQ(DZ_PASS, self->d->zones[0].status);
	EXPECT_EQ(80450, self->d->zones[0].res.cma_sub);
	/* the summary says the numbers do not explain it */
	EXPECT_NE(NULL, strstr(self->d->summary, "do not explain"));
}

static const struct { const char *file; enum dx_cause cause; } causes[] = {
	{ "cause-fragmentation.log", DX_FRAGMENTATION },
	{ "cause-watermark.log", DX_WATERMARK },
	{ "cause-migratetype.log", DX_MIGRATETYPE },
	{ "cause-zone-exhausted.log", DX_ZONE_EXHAUSTED },
	{ "cause-lowmem-reserve.log", DX_LOWMEM_RESERVE },
	{ "cause-low-memory.log", DX_LOW_MEMORY },
	{ "cause-insufficient.log", DX_INSUFFICIENT_DATA },
	{ "old-2.6.32-pid.log", DX_FRAGMENTATION },
};

/*
 * Reports the scenario test order3_atomic_free_memory_high made on Debian's
 * 6.1 and 6.12 in the VM, where the cause is known: every free block was of
 * order <= 2 when GFP_ATOMIC order 3 failed. Each shows a few blocks of
 * order 3-5 that formed before the printout; the verdict must still be
 * fragmentation, and the hex mode of each kernel (0xa20 with 6.1's
 * __GFP_ATOMIC, 0x820 after 6.3) must decode to the names it printed.
 */
TEST_F(dx, debian_kernels_order3_atomic_fragmentation)
{
	static const struct {
		const char *file, *version, *upstream;
		uint32_t mode;
		enum wm_era wm_era;	/* 6.1.192 runs the 6.3 rules (stable backports) */
	} cases[] = {
		{ FIXTURES "debian-6.1-order3-atomic.log", "6.1.0-56-amd64", "6.1.192", 0xa20,
		  WM_ERA_RESERVES },
		{ FIXTURES "debian-6.12-order3-atomic.log", "6.12.117+deb12-amd64", "6.12.117", 0x820,
		  WM_ERA_FREE_HIGHATOMIC },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rp_report *r;
		const struct rp_zone *z;

		rp_free(&self->l);
		ASSERT_EQ(0, load(_metadata, cases[i].file, &self->l));
		ASSERT_EQ(1, self->l.n);
		r = &self->l.v[0];
		EXPECT_EQ(3, r->order);
		EXPECT_EQ(cases[i].mode, r->mode);
		EXPECT_STREQ("GFP_ATOMIC", r->mode_names);
		EXPECT_STREQ(cases[i].version, r->kernel_version);
		EXPECT_STREQ(cases[i].upstream, r->kernel_upstream);
		EXPECT_STREQ("order3_atomic_f", r->comm);
		z = zone(r, 0, "DMA32");
		ASSERT_NE(NULL, z);
		EXPECT_EQ(z->buddy_total_kb, z->buddy_sum_kb);
		memset(self->d, 0, sizeof(*self->d));
		dx_diagnose(r, self->d);
		EXPECT_EQ(DX_FRAGMENTATION, self->d->cause) TH_LOG("%s: %s", cases[i].file,
								    self->d->summary);
		EXPECT_TRUE(self->d->decode_matches);
		EXPECT_FALSE(self->d->sem.can_direct_reclaim);
		EXPECT_EQ(cases[i].wm_era, self->d->wm_era) TH_LOG("%s", cases[i].file);
	}
}

TEST_F(dx, every_cause)
{
	char path[512];

	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		snprintf(path, sizeof(path), FIXTURES "%s", causes[i].file);
		rp_free(&self->l);
		ASSERT_EQ(0, load(_metadata, path, &self->l));
		ASSERT_EQ(1, self->l.n) TH_LOG("%s", path);
		dx_diagnose(&self->l.v[0], self->d);
		EXPECT_EQ(causes[i].cause, self->d->cause)
			TH_LOG("%s: got %s: %s", causes[i].file, dx_cause_name(self->d->cause),
			       self->d->summary);
		EXPECT_GT(self->d->nr_evidence, 0) TH_LOG("%s", path);
		EXPECT_NE(0, self->d->reproduce[0]);
		/* every zone line's buddy sum matches its printed total */
		for (int z = 0; z < self->l.v[0].nr_zones; z++)
			EXPECT_EQ(self->l.v[0].zones[z].buddy_total_kb, self->l.v[0].zones[z].buddy_sum_kb);
	}
}

TEST_F(dx, old_kernel_pid_line_hex_only)
{
	const struct rp_report *r;

	ASSERT_EQ(0, load(_metadata, FIXTURES "old-2.6.32-pid.log", &self->l));
	ASSERT_EQ(1, self->l.n);
	r = &self->l.v[0];
	EXPECT_STREQ("java", r->comm);
	EXPECT_EQ(31402, r->pid);
	EXPECT_STREQ("2.6.32-431.el6.x86_64", r->kernel_version);
	EXPECT_TRUE(r->old_format);
	EXPECT_FALSE(r->have_names);
	EXPECT_EQ(0, strncmp(r->callers[0], "nfs_readdir_xdr_to_array", 24));
	ASSERT_EQ(2, r->nr_zones);
	EXPECT_FALSE(r->zones[1].buddy_types);
	dx_diagnose(r, self->d);
	EXPECT_STREQ("2.6.32", self->d->era->id);
	EXPECT_STREQ("GFP_KERNEL", self->d->names);
	EXPECT_EQ(DX_FRAGMENTATION, self->d->cause);
}

TEST_F(dx, vmalloc_failure)
{
	const struct rp_report *r;

	ASSERT_EQ(0, load(_metadata, FIXTURES "vmalloc.log", &self->l));
	ASSERT_EQ(1, self->l.n);
	r = &self->l.v[0];
	EXPECT_TRUE(r->vmalloc);
	EXPECT_EQ(4194304, r->vmalloc_size);
	EXPECT_EQ(0, r->order);
	EXPECT_STREQ("modprobe", r->comm);
	EXPECT_STREQ("GFP_KERNEL|__GFP_ZERO", r->mode_names);
	EXPECT_EQ(0, strncmp(r->callers[0], "module_alloc", 12));
	dx_diagnose(r, self->d);
	EXPECT_TRUE(self->d->decode_matches);
}

static const char *const styles[] = {
	"dmesg", "dmesg-T", "dmesg-H", "journal", "journal-iso", "journal-mono", "syslog",
	"android", "caller-id", "loglevel", "quoted", "wrapped",
};

TEST_F(dx, every_log_style_parses_the_same)
{
	struct rp_list plain;
	char path[512];

	ASSERT_EQ(0, load(_metadata, FIXTURES "style-plain.log", &plain));
	ASSERT_EQ(1, plain.n);
	for (size_t s = 0; s < sizeof(styles) / sizeof(styles[0]); s++) {
		const struct rp_report *a = &plain.v[0], *b;

		snprintf(path, sizeof(path), FIXTURES "style-%s.log", styles[s]);
		rp_free(&self->l);
		ASSERT_EQ(0, load(_metadata, path, &self->l));
		ASSERT_EQ(1, self->l.n) TH_LOG("%s", styles[s]);
		b = &self->l.v[0];
		EXPECT_STREQ(a->comm, b->comm) TH_LOG("%s", styles[s]);
		EXPECT_EQ(a->order, b->order) TH_LOG("%s", styles[s]);
		EXPECT_EQ(a->mode, b->mode) TH_LOG("%s", styles[s]);
		EXPECT_STREQ(a->mode_names, b->mode_names) TH_LOG("%s", styles[s]);
		EXPECT_STREQ(a->kernel_version, b->kernel_version) TH_LOG("%s", styles[s]);
		EXPECT_STREQ(a->cpuset, b->cpuset) TH_LOG("%s", styles[s]);
		EXPECT_STREQ(a->callers[0], b->callers[0]) TH_LOG("%s", styles[s]);
		EXPECT_EQ(a->mi_free, b->mi_free) TH_LOG("%s", styles[s]);
		ASSERT_EQ(a->nr_zones, b->nr_zones) TH_LOG("%s", styles[s]);
		for (int z = 0; z < a->nr_zones; z++) {
			EXPECT_EQ(a->zones[z].free_kb, b->zones[z].free_kb) TH_LOG("%s", styles[s]);
			EXPECT_EQ(a->zones[z].min_kb, b->zones[z].min_kb) TH_LOG("%s", styles[s]);
			EXPECT_EQ(a->zones[z].managed_kb, b->zones[z].managed_kb) TH_LOG("%s", styles[s]);
			EXPECT_EQ(a->zones[z].nr_lowmem, b->zones[z].nr_lowmem) TH_LOG("%s", styles[s]);
			EXPECT_EQ(a->zones[z].buddy_sum_kb, b->zones[z].buddy_sum_kb) TH_LOG("%s", styles[s]);
			EXPECT_EQ(a->zones[z].buddy_total_kb, b->zones[z].buddy_total_kb) TH_LOG("%s", styles[s]);
		}
		dx_diagnose(b, self->d);
		EXPECT_EQ(DX_FRAGMENTATION, self->d->cause) TH_LOG("%s", styles[s]);
	}
	rp_free(&plain);
}

TEST_F(dx, several_and_truncated_reports)
{
	static const enum dx_cause want[] = { DX_FRAGMENTATION, DX_LOW_MEMORY, DX_INSUFFICIENT_DATA };

	ASSERT_EQ(0, load(_metadata, FIXTURES "multi.log", &self->l));
	ASSERT_EQ(3, self->l.n);
	for (size_t i = 0; i < 3; i++) {
		dx_diagnose(&self->l.v[i], self->d);
		EXPECT_EQ(want[i], self->d->cause) TH_LOG("report %zu: %s", i, self->d->summary);
		if (i)
			EXPECT_GT(self->l.v[i].first_line, self->l.v[i - 1].last_line);
	}
}

TEST(strip_prefix)
{
	static const struct { const char *in, *out; } c[] = {
		{ "[ 1798.829657] Mem-Info:", "Mem-Info:" },
		{ "[Mon Jun  3 19:59:56 2024] Mem-Info:", "Mem-Info:" },
		{ "[  +0.000123] Mem-Info:", "Mem-Info:" },
		{ "<4>[   12.000000][  T123] Mem-Info:", "Mem-Info:" },
		{ ".(3)[2164:wifi@1.0-servic]Mem-Info:", "Mem-Info:" },
		{ "Mar 1 14:52:30 localhost kernel: Mem-Info:", "Mem-Info:" },
		{ "2024-06-03T19:59:56.123+02:00 host kernel: Mem-Info:", "Mem-Info:" },
		{ "> > [ 1.0] Mem-Info:", "Mem-Info:" },
		{ "[<ffffffff81129cae>] ? f+0x1/0x2", "[<ffffffff81129cae>] ? f+0x1/0x2" },
		{ "                            active_file:1", "active_file:1" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		bool cont;
		const char *p = rp_strip_prefix(c[i].in, c[i].in + strlen(c[i].in), &cont);

		EXPECT_STREQ(c[i].out, p) TH_LOG("%s", c[i].in);
	}
}

TEST(hostile_input)
{
	static const char *const inputs[] = {
		"",
		"\n\n\n",
		"page allocation failure",
		"x: page allocation failure: order:99999999999999999999, mode:0xffffffffff(",
		"x: page allocation failure: order:3, mode:0x20\nNode 0 Normal: 1*4kB 1*8kB",
		"x: page allocation failure: order:-3, mode:0x\nNode 0 DMA free:-5kB min:-1kB\nlowmem_reserve[]: -1 99999999999999999999999",
		"x: page allocation failure: order:63, mode:0x1\nNode 0 DMA: 99999999999999999*4096kB (UMEHCIRX) = 1kB\nNode 0 DMA free:1kB min:1kB low:1kB high:1kB",
		"vmalloc error: size",
		"> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > >",
	};
	struct dx_result *d = malloc(sizeof(*d));

	ASSERT_NE(NULL, d);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct rp_list l = { 0 };

		EXPECT_EQ(0, rp_parse(inputs[i], strlen(inputs[i]), &l));
		for (size_t k = 0; k < l.n; k++)
			dx_diagnose(&l.v[k], d);
		rp_free(&l);
	}
	/* embedded NUL bytes and no trailing newline */
	{
		static const char nul[] = "a: page allocation failure: order:2,\0 mode:0xcc0(GFP_KERNEL)\0Node 0 Normal\0 free:1kB";
		struct rp_list l = { 0 };

		EXPECT_EQ(0, rp_parse(nul, sizeof(nul) - 1, &l));
		for (size_t k = 0; k < l.n; k++)
			dx_diagnose(&l.v[k], d);
		rp_free(&l);
	}
	free(d);
}

TEST_HARNESS_MAIN
