// SPDX-License-Identifier: GPL-2.0
/*
 * GFP layout tables: known masks per era decode to the kernel's %pGg names,
 * versions map to the right era, and every report in the seeds that prints
 * both hex and names decodes, with its own version, to those names.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"

#include "gfp_layout.h"
#include "procfile.h"
#include "report_parse.h"

static const char *decode(const char *version, uint32_t mask, char *buf, size_t len)
{
	const struct gfp_era *e = gfp_era_for_version(version);

	if (!e)
		return "<no era>";
	gfp_format(e, mask, buf, len);
	return buf;
}

struct known { const char *version; uint32_t mask; const char *names; };

/* values as printed by real kernels of each era */
static const struct known known[] = {
	{ "2.6.32-431.el6.x86_64", 0x20, "GFP_ATOMIC" },
	{ "2.6.32", 0xd0, "GFP_KERNEL" },
	{ "3.10.0-1160.el7.x86_64", 0x201da, "GFP_HIGHUSER_MOVABLE|__GFP_COLD" },
	{ "3.10.0", 0x10d0, "GFP_KERNEL|__GFP_NORETRY" },
	{ "4.4.0-210-generic", 0x24000c0, "GFP_KERNEL" },
	{ "4.9.0-13-amd64", 0x24201ca, "GFP_HIGHUSER_MOVABLE|__GFP_COLD" },
	{ "4.9.0", 0x2080020, "GFP_ATOMIC" },
	/* THP fault: GFP_TRANSHUGE_LIGHT (4.8+) vs the 4.5 GFP_TRANSHUGE */
	{ "4.9.0", 0x4742ca, "GFP_TRANSHUGE|__GFP_THISNODE" },
	{ "4.9.0", 0x342ca, "GFP_TRANSHUGE_LIGHT" },
	{ "4.7.0", 0x4352ca, "GFP_TRANSHUGE" },
	{ "4.14.0", 0x14000c0, "GFP_KERNEL" },
	{ "4.15.0-20-generic", 0x14200ca, "GFP_HIGHUSER_MOVABLE" },
	{ "4.19.0-6-amd64", 0x6200ca, "GFP_HIGHUSER_MOVABLE" },
	{ "4.19.176", 0x6040c0, "GFP_KERNEL|__GFP_COMP" },
	{ "4.19.176", 0x484020, "GFP_ATOMIC|__GFP_COMP" },
	{ "5.4.0-150-generic", 0x100cca, "GFP_HIGHUSER_MOVABLE" },
	{ "5.10.0-28-amd64", 0xa20, "GFP_ATOMIC" },
	{ "5.15.0-107-generic", 0x40dc0, "GFP_KERNEL|__GFP_COMP|__GFP_ZERO" },
	{ "5.15.0", 0x400dc0, "GFP_KERNEL_ACCOUNT|__GFP_ZERO" },
	{ "6.1.0-18-amd64", 0xcc0, "GFP_KERNEL" },
	{ "6.1.0-18-amd64", 0x800, "GFP_NOWAIT" },
	{ "6.1.0", 0x2a20, "GFP_ATOMIC|__GFP_NOWARN" },
	{ "6.6.0", 0x820, "GFP_ATOMIC" },
	{ "6.6.0", 0x800, "GFP_NOWAIT" },
	{ "6.12.12-amd64", 0x2800, "GFP_NOWAIT" },
	{ "6.12.12-amd64", 0x140cca, "GFP_HIGHUSER_MOVABLE|__GFP_COMP" },
	/* 6.12 still used the explicit mmflags.h name list (6.6 order) */
	{ "6.12.12-amd64", 0x52dc0, "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_ZERO" },
	{ "6.12", 0x200, "0x200" },
	/* 6.14+: single flags in bit order */
	{ "6.15.0", 0x52dc0, "GFP_KERNEL|__GFP_ZERO|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP" },
	{ "6.15.0", 0x140cca, "GFP_HIGHUSER_MOVABLE|__GFP_COMP" },
	{ "6.12", 0x0, "" },
};

TEST(known_masks_per_era)
{
	char buf[256];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		decode(known[i].version, known[i].mask, buf, sizeof(buf));
		EXPECT_STREQ(known[i].names, buf)
			TH_LOG("%s %#x", known[i].version, known[i].mask);
	}
}

TEST(version_to_era)
{
	static const struct { const char *v, *era; } m[] = {
		{ "2.6.32-431.el6.x86_64", "2.6.32" }, { "2.6.39", "2.6.38" },
		{ "3.0.101", "2.6.38" }, { "3.2.0", "3.2" }, { "3.10.0-1160", "3.8" },
		{ "3.16.0", "3.16" }, { "4.4.0-210-generic", "4.4" }, { "4.7.10", "4.5" }, { "4.9.0-13-amd64", "4.8" },
		{ "4.19.176", "4.18" }, { "4.18.0-147.el8", "4.18" }, { "5.0.0", "4.18" },
		{ "5.1", "5.1" }, { "5.15.0-107-generic", "5.14" }, { "6.1.0-18-amd64", "5.18" },
		{ "6.3.1", "6.3" }, { "6.8.0-45-generic", "6.8" }, { "6.12.12+bpo-amd64", "6.10" }, { "6.14.2", "6.14" },
		{ "v6.12", "6.10" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		const struct gfp_era *e = gfp_era_for_version(m[i].v);

		ASSERT_NE(NULL, e) TH_LOG("%s", m[i].v);
		EXPECT_STREQ(m[i].era, e->id) TH_LOG("%s", m[i].v);
	}
	EXPECT_EQ(NULL, gfp_era_for_version("2.6.18-398.el5"));
	EXPECT_EQ(NULL, gfp_era_for_version("banana"));
	EXPECT_EQ(NULL, gfp_era_for_version(""));
	EXPECT_EQ(NULL, gfp_era_for_version("6"));
}

TEST(tables_are_sane)
{
	for (size_t i = 0; i < gfp_era_count(); i++) {
		const struct gfp_era *e = gfp_era_at(i);
		uint32_t seen = 0;

		ASSERT_NE(NULL, e->source);
		for (int f = 0; f < GF__COUNT; f++) {
			uint32_t b = e->bit[f];

			if (!b)
				continue;
			/* one bit per flag, no two flags on one bit */
			EXPECT_EQ(0, b & (b - 1)) TH_LOG("%s %s", e->id, gfp_flag_name(f));
			EXPECT_EQ(0, seen & b) TH_LOG("%s %s", e->id, gfp_flag_name(f));
			seen |= b;
		}
		/* the zone modifiers never moved */
		EXPECT_EQ(0x01, e->bit[GF_DMA]);
		EXPECT_EQ(0x08, e->bit[GF_MOVABLE]);
		if (i)
			EXPECT_LT(gfp_era_at(i - 1)->first_kv, e->first_kv);
		/* every era can say GFP_KERNEL */
		{
			struct gfp_name n[GFP_NAME_MAX];
			size_t k = gfp_era_names(e, n, GFP_NAME_MAX);
			bool kernel = false;

			for (size_t j = 0; j < k; j++)
				kernel |= !strcmp(n[j].name, "GFP_KERNEL");
			EXPECT_TRUE(kernel) TH_LOG("%s", e->id);
		}
	}
}

TEST(consistency)
{
	/* 0x6040c0 has 4.19-only meaning; 0x400000 does not exist in 2.6.32 */
	EXPECT_TRUE(gfp_era_consistent(gfp_era_for_version("4.19"), 0x6040c0));
	EXPECT_FALSE(gfp_era_consistent(gfp_era_for_version("2.6.32"), 0x6040c0));
	/* __GFP_ATOMIC (0x200) is gone in 6.3 */
	EXPECT_TRUE(gfp_era_consistent(gfp_era_for_version("6.1"), 0xa20));
	EXPECT_FALSE(gfp_era_consistent(gfp_era_for_version("6.3"), 0xa20));
}

TEST(parse_mask)
{
	uint32_t m;

	ASSERT_TRUE(gfp_parse_mask("0x40dc0", &m));
	EXPECT_EQ(0x40dc0, m);
	ASSERT_TRUE(gfp_parse_mask("40dc0", &m));
	EXPECT_EQ(0x40dc0, m);
	ASSERT_TRUE(gfp_parse_mask("mode:0x484020(GFP_ATOMIC|__GFP_COMP),", &m));
	EXPECT_EQ(0x484020, m);
	EXPECT_FALSE(gfp_parse_mask("0x123456789", &m));
	EXPECT_FALSE(gfp_parse_mask("GFP_KERNEL", &m));
	EXPECT_FALSE(gfp_parse_mask("0x12zz", &m));
	EXPECT_FALSE(gfp_parse_mask("", &m));
}

TEST(semantics)
{
	struct gfp_semantics s;

	gfp_semantics(gfp_era_for_version("4.19"), 0x484020, &s);
	EXPECT_FALSE(s.can_direct_reclaim);
	EXPECT_TRUE(s.high);
	EXPECT_TRUE(s.atomic);
	EXPECT_TRUE(s.comp);
	EXPECT_EQ(GZ_NORMAL, s.zone);
	gfp_semantics(gfp_era_for_version("2.6.32"), 0x20, &s);
	EXPECT_FALSE(s.can_direct_reclaim);
	EXPECT_TRUE(s.high);
	gfp_semantics(gfp_era_for_version("6.1"), 0xcc1, &s);
	EXPECT_TRUE(s.can_direct_reclaim);
	EXPECT_EQ(GZ_DMA, s.zone);
	gfp_semantics(gfp_era_for_version("6.1"), 0x100cca, &s);
	EXPECT_EQ(GZ_MOVABLE, s.zone);
	EXPECT_EQ(1, s.migratetype);
	gfp_semantics(gfp_era_for_version("4.4"), 0x2400400 | 0xc0, &s);
	EXPECT_TRUE(s.retry_mayfail);	/* __GFP_REPEAT */
}

/* The seeds print hex and names; decode with each report's own kernel. */
TEST(seed_reports_decode_to_their_names)
{
	static const struct { const char *file, *version; } seeds[] = {
		/* 000 and 002 lack a version line: versions from the seeds' README */
		{ "000-order4-kmalloc.log", "4.19" },
		{ "002-veth-order6.log", "5.15" },
		{ "004-wifi-order3-cma.log", NULL },
	};
	char path[512], buf[256];

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct text_buf t = { 0 };
		struct rp_list l = { 0 };
		int err;

		snprintf(path, sizeof(path), "%s/../shared/data/seeds/%s", FRAGTEST_SRCDIR, seeds[i].file);
		err = text_read_file(path, &t);
		ASSERT_EQ(0, err) TH_LOG("seed file %s missing or unreadable: %s", path, strerror(-err));
		ASSERT_EQ(0, rp_parse(t.data, t.len, &l));
		ASSERT_EQ(1, l.n) TH_LOG("%s", path);
		ASSERT_TRUE(l.v[0].have_mode && l.v[0].have_names);
		decode(seeds[i].version ? seeds[i].version : l.v[0].kernel_version, l.v[0].mode, buf,
		       sizeof(buf));
		EXPECT_STREQ(l.v[0].mode_names, buf) TH_LOG("%s", path);
		rp_free(&l);
		text_free(&t);
	}
}

TEST_HARNESS_MAIN
