// SPDX-License-Identifier: GPL-2.0
/*
 * Per-era GFP bit tables. Written from the kernel's own headers; each era
 * names the copy it was read from. Eras are split wherever a bit moved, a
 * flag appeared or vanished, or a composite GFP_* changed its value.
 *
 * Sources (read through the public-code index, not copied):
 *  - v2.6.32.69 include/linux/gfp.h (chenbq83/Linux-2.6.32.69 @40fc30b9)
 *  - v3.13 include/linux/gfp.h (Breathleas/linux-kernel-3.13-codedump @e962ccea)
 *  - lkml patches: "memcg: get rid of __GFP_KMEMCG" (2014, v3.16),
 *    __GFP_NOACCOUNT (Davydov, 2015-05, v4.2), Mel Gorman's
 *    "distinguish between being unable to sleep, unwilling to sleep and
 *    avoiding waking kswapd" series (2015-09, v4.4), the ZONE_NVM RFC
 *    quoting the v4.17 layout, Dobriyan "mm: shuffle GFP_* flags"
 *    (2019-01-09, first in v5.1), the KASAN HW_TAGS series (v5.14, v5.18)
 *  - v4.18.0-147 (RHEL 8.1) and v4.19 include/linux/gfp.h
 *    (0x88888888/Linux-4.19 @d7e460ed) for the 4.18-5.0 layout
 *  - v5.10.228 include/linux/gfp.h (06I90/Notes-of-Kernel-5.10.228 @c026e141)
 *  - v6.1 include/linux/gfp_types.h (FreshlyCutWax/Linux-Kernel-KTMM-6.1
 *    @45fa12b1, minus its out-of-tree ___GFP_PMEM)
 *  - torvalds/linux include/linux/gfp_types.h @16f5dfbc (6.8/6.9 layout)
 *  - the 6.10 enum conversion ("mm: enumerate all gfp flags") and
 *    __GFP_NO_OBJ_EXT (memory allocation profiling, 6.10)
 *  - include/trace/events/mmflags.h: v4.6, v5.10.89, v6.1, qsdk v6.6, the
 *    6.12-stable backport of 60295b944ff6 (TRACE_DEFINE_ENUM only: 6.12
 *    keeps the explicit name list) and torvalds @01c69ef5 (bit order) for
 *    the order in which %pGg prints names;
 *    include/trace/events/gfpflags.h for the pre-4.5 order.
 */
#include "gfp_layout.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const flag_names[GF__COUNT] = {
	[GF_DMA] = "__GFP_DMA", [GF_HIGHMEM] = "__GFP_HIGHMEM",
	[GF_DMA32] = "__GFP_DMA32", [GF_MOVABLE] = "__GFP_MOVABLE",
	[GF_RECLAIMABLE] = "__GFP_RECLAIMABLE", [GF_HIGH] = "__GFP_HIGH",
	[GF_IO] = "__GFP_IO", [GF_FS] = "__GFP_FS", [GF_ZERO] = "__GFP_ZERO",
	[GF_ATOMIC] = "__GFP_ATOMIC", [GF_WAIT] = "__GFP_WAIT",
	[GF_DIRECT_RECLAIM] = "__GFP_DIRECT_RECLAIM",
	[GF_KSWAPD_RECLAIM] = "__GFP_KSWAPD_RECLAIM", [GF_WRITE] = "__GFP_WRITE",
	[GF_NOWARN] = "__GFP_NOWARN", [GF_REPEAT] = "__GFP_REPEAT",
	[GF_RETRY_MAYFAIL] = "__GFP_RETRY_MAYFAIL", [GF_NOFAIL] = "__GFP_NOFAIL",
	[GF_NORETRY] = "__GFP_NORETRY", [GF_MEMALLOC] = "__GFP_MEMALLOC",
	[GF_COMP] = "__GFP_COMP", [GF_NOMEMALLOC] = "__GFP_NOMEMALLOC",
	[GF_HARDWALL] = "__GFP_HARDWALL", [GF_THISNODE] = "__GFP_THISNODE",
	[GF_ACCOUNT] = "__GFP_ACCOUNT", [GF_NOACCOUNT] = "__GFP_NOACCOUNT",
	[GF_COLD] = "__GFP_COLD", [GF_NOTRACK] = "__GFP_NOTRACK",
	[GF_NO_KSWAPD] = "__GFP_NO_KSWAPD", [GF_OTHER_NODE] = "__GFP_OTHER_NODE",
	[GF_KMEMCG] = "__GFP_KMEMCG", [GF_NOLOCKDEP] = "__GFP_NOLOCKDEP",
	[GF_ZEROTAGS] = "__GFP_ZEROTAGS", [GF_SKIP_ZERO] = "__GFP_SKIP_ZERO",
	[GF_SKIP_KASAN_UNPOISON] = "__GFP_SKIP_KASAN_UNPOISON",
	[GF_SKIP_KASAN_POISON] = "__GFP_SKIP_KASAN_POISON",
	[GF_SKIP_KASAN] = "__GFP_SKIP_KASAN", [GF_NO_OBJ_EXT] = "__GFP_NO_OBJ_EXT",
};

/* Zone modifiers never moved. */
#define ZONE_BITS \
	[GF_DMA] = 0x01, [GF_HIGHMEM] = 0x02, [GF_DMA32] = 0x04, [GF_MOVABLE] = 0x08

/* 2.6.32 .. 4.3: the __GFP_WAIT layout (v2.6.32.69 gfp.h). */
#define WAIT_BITS ZONE_BITS, \
	[GF_WAIT] = 0x10, [GF_HIGH] = 0x20, [GF_IO] = 0x40, [GF_FS] = 0x80, \
	[GF_COLD] = 0x100, [GF_NOWARN] = 0x200, [GF_REPEAT] = 0x400, \
	[GF_NOFAIL] = 0x800, [GF_NORETRY] = 0x1000, [GF_COMP] = 0x4000, \
	[GF_ZERO] = 0x8000, [GF_NOMEMALLOC] = 0x10000, [GF_HARDWALL] = 0x20000, \
	[GF_THISNODE] = 0x40000, [GF_RECLAIMABLE] = 0x80000, \
	[GF_NOTRACK] = 0x200000
/* 2.6.38 THP: __GFP_NO_KSWAPD and __GFP_OTHER_NODE (as in v3.13). */
#define THP_BITS [GF_NO_KSWAPD] = 0x400000, [GF_OTHER_NODE] = 0x800000

/* 4.4 .. 4.9 (Mel Gorman's rework; 4.5 renamed NOACCOUNT to ACCOUNT). */
#define RECLAIM44_BITS ZONE_BITS, \
	[GF_RECLAIMABLE] = 0x10, [GF_HIGH] = 0x20, [GF_IO] = 0x40, [GF_FS] = 0x80, \
	[GF_COLD] = 0x100, [GF_NOWARN] = 0x200, [GF_NOFAIL] = 0x800, \
	[GF_NORETRY] = 0x1000, [GF_MEMALLOC] = 0x2000, [GF_COMP] = 0x4000, \
	[GF_ZERO] = 0x8000, [GF_NOMEMALLOC] = 0x10000, [GF_HARDWALL] = 0x20000, \
	[GF_THISNODE] = 0x40000, [GF_ATOMIC] = 0x80000, [GF_NOTRACK] = 0x200000, \
	[GF_DIRECT_RECLAIM] = 0x400000

/* 4.18 .. 5.0 (v4.19 gfp.h). */
#define L418_BITS ZONE_BITS, \
	[GF_RECLAIMABLE] = 0x10, [GF_HIGH] = 0x20, [GF_IO] = 0x40, [GF_FS] = 0x80, \
	[GF_WRITE] = 0x100, [GF_NOWARN] = 0x200, [GF_RETRY_MAYFAIL] = 0x400, \
	[GF_NOFAIL] = 0x800, [GF_NORETRY] = 0x1000, [GF_MEMALLOC] = 0x2000, \
	[GF_COMP] = 0x4000, [GF_ZERO] = 0x8000, [GF_NOMEMALLOC] = 0x10000, \
	[GF_HARDWALL] = 0x20000, [GF_THISNODE] = 0x40000, [GF_ATOMIC] = 0x80000, \
	[GF_ACCOUNT] = 0x100000, [GF_DIRECT_RECLAIM] = 0x200000, \
	[GF_KSWAPD_RECLAIM] = 0x400000, [GF_NOLOCKDEP] = 0x800000

/* 5.1 on (Dobriyan's shuffle; v5.10.228 gfp.h, v6.1 gfp_types.h). */
#define L51_BITS ZONE_BITS, \
	[GF_RECLAIMABLE] = 0x10, [GF_HIGH] = 0x20, [GF_IO] = 0x40, [GF_FS] = 0x80, \
	[GF_ZERO] = 0x100, [GF_DIRECT_RECLAIM] = 0x400, \
	[GF_KSWAPD_RECLAIM] = 0x800, [GF_WRITE] = 0x1000, [GF_NOWARN] = 0x2000, \
	[GF_RETRY_MAYFAIL] = 0x4000, [GF_NOFAIL] = 0x8000, [GF_NORETRY] = 0x10000, \
	[GF_MEMALLOC] = 0x20000, [GF_COMP] = 0x40000, [GF_NOMEMALLOC] = 0x80000, \
	[GF_HARDWALL] = 0x100000, [GF_THISNODE] = 0x200000, [GF_ACCOUNT] = 0x400000

#define OLD (GFP_ERA_WAIT | GFP_ERA_TEMPORARY)

static const struct gfp_era eras[] = {
	{ "2.6.32", "2.6.37", GFP_KV(2, 6), GFP_KV(2, 6), /* see gfp_parse_kv */
	  "v2.6.32.69 include/linux/gfp.h",
	  { WAIT_BITS }, OLD },
	{ "2.6.38", "3.1", GFP_KV(2, 7), GFP_KV(3, 1),
	  "v3.13 gfp.h minus later flags; THP (2.6.38) added NO_KSWAPD/OTHER_NODE",
	  { WAIT_BITS, THP_BITS }, OLD | GFP_ERA_THP_OLD },
	{ "3.2", "3.5", GFP_KV(3, 2), GFP_KV(3, 5),
	  "v3.13 gfp.h minus later flags; __GFP_WRITE since 3.2",
	  { WAIT_BITS, THP_BITS, [GF_WRITE] = 0x1000000 }, OLD | GFP_ERA_THP_OLD },
	{ "3.6", "3.7", GFP_KV(3, 6), GFP_KV(3, 7),
	  "v3.13 gfp.h minus __GFP_KMEMCG; __GFP_MEMALLOC since 3.6",
	  { WAIT_BITS, THP_BITS, [GF_WRITE] = 0x1000000, [GF_MEMALLOC] = 0x2000 },
	  OLD | GFP_ERA_THP_OLD },
	{ "3.8", "3.15", GFP_KV(3, 8), GFP_KV(3, 15),
	  "v3.13 include/linux/gfp.h",
	  { WAIT_BITS, THP_BITS, [GF_WRITE] = 0x1000000, [GF_MEMALLOC] = 0x2000,
	    [GF_KMEMCG] = 0x100000 }, OLD | GFP_ERA_THP_OLD },
	{ "3.16", "4.1", GFP_KV(3, 16), GFP_KV(4, 1),
	  "v3.13 gfp.h with \"memcg: get rid of __GFP_KMEMCG\" applied",
	  { WAIT_BITS, THP_BITS, [GF_WRITE] = 0x1000000, [GF_MEMALLOC] = 0x2000 },
	  OLD | GFP_ERA_THP_OLD },
	{ "4.2", "4.3", GFP_KV(4, 2), GFP_KV(4, 3),
	  "lkml: __GFP_NOACCOUNT 0x100000u (Davydov, 2015)",
	  { WAIT_BITS, THP_BITS, [GF_WRITE] = 0x1000000, [GF_MEMALLOC] = 0x2000,
	    [GF_NOACCOUNT] = 0x100000 }, OLD | GFP_ERA_THP_OLD },
	{ "4.4", "4.4", GFP_KV(4, 4), GFP_KV(4, 4),
	  "lkml: Mel Gorman's __GFP_WAIT split (2015-09), as merged in 4.4",
	  { RECLAIM44_BITS, [GF_REPEAT] = 0x400, [GF_NOACCOUNT] = 0x100000,
	    [GF_OTHER_NODE] = 0x800000, [GF_WRITE] = 0x1000000,
	    [GF_KSWAPD_RECLAIM] = 0x2000000 },
	  GFP_ERA_TEMPORARY | GFP_ERA_THP_OLD },
	{ "4.5", "4.7", GFP_KV(4, 5), GFP_KV(4, 7),
	  "4.x gfp.h (annotated copy) and v4.6 mmflags.h",
	  { RECLAIM44_BITS, [GF_REPEAT] = 0x400, [GF_ACCOUNT] = 0x100000,
	    [GF_OTHER_NODE] = 0x800000, [GF_WRITE] = 0x1000000,
	    [GF_KSWAPD_RECLAIM] = 0x2000000 },
	  GFP_ERA_TEMPORARY | GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_OLD },
	{ "4.8", "4.9", GFP_KV(4, 8), GFP_KV(4, 9),
	  "4.5 layout; GFP_TRANSHUGE_LIGHT added in 4.8",
	  { RECLAIM44_BITS, [GF_REPEAT] = 0x400, [GF_ACCOUNT] = 0x100000,
	    [GF_OTHER_NODE] = 0x800000, [GF_WRITE] = 0x1000000,
	    [GF_KSWAPD_RECLAIM] = 0x2000000 },
	  GFP_ERA_TEMPORARY | GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "4.10", "4.11", GFP_KV(4, 10), GFP_KV(4, 11),
	  "\"mm: get rid of __GFP_OTHER_NODE\" (4.10) on the 4.9 layout",
	  { RECLAIM44_BITS, [GF_REPEAT] = 0x400, [GF_ACCOUNT] = 0x100000,
	    [GF_WRITE] = 0x800000, [GF_KSWAPD_RECLAIM] = 0x1000000 },
	  GFP_ERA_TEMPORARY | GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "4.12", "4.12", GFP_KV(4, 12), GFP_KV(4, 12),
	  "4.10 layout plus __GFP_NOLOCKDEP 0x2000000u (4.12)",
	  { RECLAIM44_BITS, [GF_REPEAT] = 0x400, [GF_ACCOUNT] = 0x100000,
	    [GF_WRITE] = 0x800000, [GF_KSWAPD_RECLAIM] = 0x1000000,
	    [GF_NOLOCKDEP] = 0x2000000 },
	  GFP_ERA_TEMPORARY | GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "4.13", "4.14", GFP_KV(4, 13), GFP_KV(4, 14),
	  "__GFP_REPEAT became __GFP_RETRY_MAYFAIL (4.13); GFP_TEMPORARY gone in 4.14",
	  { RECLAIM44_BITS, [GF_RETRY_MAYFAIL] = 0x400, [GF_ACCOUNT] = 0x100000,
	    [GF_WRITE] = 0x800000, [GF_KSWAPD_RECLAIM] = 0x1000000,
	    [GF_NOLOCKDEP] = 0x2000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "4.15", "4.17", GFP_KV(4, 15), GFP_KV(4, 17),
	  "__GFP_COLD and __GFP_NOTRACK removed (4.15); layout as quoted by the ZONE_NVM RFC",
	  { ZONE_BITS, [GF_RECLAIMABLE] = 0x10, [GF_HIGH] = 0x20, [GF_IO] = 0x40,
	    [GF_FS] = 0x80, [GF_NOWARN] = 0x200, [GF_RETRY_MAYFAIL] = 0x400,
	    [GF_NOFAIL] = 0x800, [GF_NORETRY] = 0x1000, [GF_MEMALLOC] = 0x2000,
	    [GF_COMP] = 0x4000, [GF_ZERO] = 0x8000, [GF_NOMEMALLOC] = 0x10000,
	    [GF_HARDWALL] = 0x20000, [GF_THISNODE] = 0x40000, [GF_ATOMIC] = 0x80000,
	    [GF_ACCOUNT] = 0x100000, [GF_DIRECT_RECLAIM] = 0x400000,
	    [GF_WRITE] = 0x800000, [GF_KSWAPD_RECLAIM] = 0x1000000,
	    [GF_NOLOCKDEP] = 0x2000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "4.18", "5.0", GFP_KV(4, 18), GFP_KV(5, 0),
	  "v4.19 include/linux/gfp.h (also RHEL 8 4.18.0-147)",
	  { L418_BITS }, GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "5.1", "5.13", GFP_KV(5, 1), GFP_KV(5, 13),
	  "v5.10.228 include/linux/gfp.h",
	  { L51_BITS, [GF_ATOMIC] = 0x200, [GF_NOLOCKDEP] = 0x800000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "5.14", "5.17", GFP_KV(5, 14), GFP_KV(5, 17),
	  "5.10 layout plus __GFP_ZEROTAGS, __GFP_SKIP_KASAN_POISON (KASAN HW tags, 5.14)",
	  { L51_BITS, [GF_ATOMIC] = 0x200, [GF_ZEROTAGS] = 0x800000,
	    [GF_SKIP_KASAN_POISON] = 0x1000000, [GF_NOLOCKDEP] = 0x2000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "5.18", "6.2", GFP_KV(5, 18), GFP_KV(6, 2),
	  "v6.1 include/linux/gfp_types.h",
	  { L51_BITS, [GF_ATOMIC] = 0x200, [GF_ZEROTAGS] = 0x800000,
	    [GF_SKIP_ZERO] = 0x1000000, [GF_SKIP_KASAN_UNPOISON] = 0x2000000,
	    [GF_SKIP_KASAN_POISON] = 0x4000000, [GF_NOLOCKDEP] = 0x8000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "6.3", "6.7", GFP_KV(6, 3), GFP_KV(6, 7),
	  "gfp_types.h after __GFP_ATOMIC removal and the SKIP_KASAN merge (6.3)",
	  { L51_BITS, [GF_ZEROTAGS] = 0x800000, [GF_SKIP_ZERO] = 0x1000000,
	    [GF_SKIP_KASAN] = 0x2000000, [GF_NOLOCKDEP] = 0x4000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT },
	{ "6.8", "6.9", GFP_KV(6, 8), GFP_KV(6, 9),
	  "torvalds/linux include/linux/gfp_types.h @16f5dfbc",
	  { L51_BITS, [GF_ZEROTAGS] = 0x800000, [GF_SKIP_ZERO] = 0x1000000,
	    [GF_SKIP_KASAN] = 0x2000000, [GF_NOLOCKDEP] = 0x4000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT | GFP_ERA_NOWAIT_NOWARN },
	/*
	 * 6.10 numbers the bits from an enum: bits from 24 on exist only when
	 * configured (KASAN_HW_TAGS, LOCKDEP, SLAB_OBJ_EXT). The table assumes
	 * a distribution x86-64 kernel: no HW tags, no lockdep, SLAB_OBJ_EXT=y
	 * (selected by MEMCG), so __GFP_NO_OBJ_EXT is bit 24.
	 */
	{ "6.10", "6.13", GFP_KV(6, 10), GFP_KV(6, 13),
	  "gfp_types.h enum (6.10), distro config: NO_OBJ_EXT at bit 24",
	  { L51_BITS, [GF_ZEROTAGS] = 0x800000, [GF_NO_OBJ_EXT] = 0x1000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT | GFP_ERA_NOWAIT_NOWARN |
	  GFP_ERA_CONFIG_BITS },
	/* Rostedt's follow-up builds the name list from the enum: bit order */
	{ "6.14", "6.18", GFP_KV(6, 14), GFP_KV(6, 18),
	  "torvalds/linux mmflags.h @01c69ef5: single flags in bit order",
	  { L51_BITS, [GF_ZEROTAGS] = 0x800000, [GF_NO_OBJ_EXT] = 0x1000000 },
	  GFP_ERA_KACCOUNT | GFP_ERA_PGG | GFP_ERA_THP_LIGHT | GFP_ERA_NOWAIT_NOWARN |
	  GFP_ERA_CONFIG_BITS | GFP_ERA_BIT_ORDER },
};

#define NR_ERAS (sizeof(eras) / sizeof(eras[0]))

size_t gfp_era_count(void)
{
	return NR_ERAS;
}

const struct gfp_era *gfp_era_at(size_t i)
{
	return i < NR_ERAS ? &eras[i] : NULL;
}

const char *gfp_flag_name(enum gfp_flag f)
{
	return (unsigned)f < GF__COUNT ? flag_names[f] : "?";
}

bool gfp_parse_kv(const char *v, unsigned *kv)
{
	unsigned long a, b, c = 0;
	char *end;

	if (!v)
		return false;
	while (*v == ' ' || *v == 'v')
		v++;
	if (!isdigit((unsigned char)*v))
		return false;
	a = strtoul(v, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return false;
	b = strtoul(end + 1, &end, 10);
	if (*end == '.' && isdigit((unsigned char)end[1]))
		c = strtoul(end + 1, &end, 10);
	if (a > 100 || b > 999)
		return false;
	/* 2.6.x: encode the third number, 2.6.32 -> "2.6" era, 2.6.38+ -> 2.7 */
	if (a == 2 && b == 6) {
		if (c < 32)
			return false;
		b = c >= 38 ? 7 : 6;
	} else if (a < 3) {
		return false;
	}
	*kv = GFP_KV(a, b);
	return true;
}

const struct gfp_era *gfp_era_for_kv(unsigned kv)
{
	if (kv < eras[0].first_kv)
		return NULL;
	for (size_t i = NR_ERAS; i-- > 0;)
		if (kv >= eras[i].first_kv)
			return &eras[i];
	return NULL;
}

const struct gfp_era *gfp_era_for_version(const char *version)
{
	unsigned kv;

	return gfp_parse_kv(version, &kv) ? gfp_era_for_kv(kv) : NULL;
}

uint32_t gfp_era_known_mask(const struct gfp_era *e)
{
	uint32_t m = 0;

	for (int i = 0; i < GF__COUNT; i++)
		m |= e->bit[i];
	return m;
}

bool gfp_era_consistent(const struct gfp_era *e, uint32_t mask)
{
	return (mask & ~gfp_era_known_mask(e)) == 0;
}

static void add(struct gfp_name *out, size_t cap, size_t *n, const char *name, uint32_t mask)
{
	/* a composite or flag that is 0 in this era would match every mask */
	if (!mask || *n >= cap)
		return;
	out[*n].name = name;
	out[*n].mask = mask;
	(*n)++;
}

size_t gfp_era_names(const struct gfp_era *e, struct gfp_name *out, size_t cap)
{
	const uint32_t *b = e->bit;
	size_t n = 0;
	uint32_t reclaim, kernel, user, hum;

	if (e->features & GFP_ERA_WAIT) {
		/* trace/events/gfpflags.h order; %pGg did not exist yet */
		kernel = b[GF_WAIT] | b[GF_IO] | b[GF_FS];
		user = kernel | b[GF_HARDWALL];
		hum = user | b[GF_HIGHMEM] | b[GF_MOVABLE];
		if (e->features & GFP_ERA_THP_OLD)
			add(out, cap, &n, "GFP_TRANSHUGE", hum | b[GF_COMP] | b[GF_NOMEMALLOC] |
			    b[GF_NORETRY] | b[GF_NOWARN] | b[GF_NO_KSWAPD]);
		add(out, cap, &n, "GFP_HIGHUSER_MOVABLE", hum);
		add(out, cap, &n, "GFP_HIGHUSER", user | b[GF_HIGHMEM]);
		add(out, cap, &n, "GFP_USER", user);
		add(out, cap, &n, "GFP_TEMPORARY", kernel | b[GF_RECLAIMABLE]);
		add(out, cap, &n, "GFP_KERNEL", kernel);
		add(out, cap, &n, "GFP_NOFS", b[GF_WAIT] | b[GF_IO]);
		add(out, cap, &n, "GFP_ATOMIC", b[GF_HIGH]);
		add(out, cap, &n, "GFP_NOIO", b[GF_WAIT]);
		add(out, cap, &n, "GFP_DMA", b[GF_DMA]);
		add(out, cap, &n, "__GFP_HIGHMEM", b[GF_HIGHMEM]);
		add(out, cap, &n, "GFP_DMA32", b[GF_DMA32]);
		static const enum gfp_flag rest[] = {
			GF_IO, GF_FS, GF_COLD, GF_NOWARN, GF_REPEAT, GF_NOFAIL,
			GF_NORETRY, GF_MEMALLOC, GF_COMP, GF_ZERO, GF_NOMEMALLOC,
			GF_HARDWALL, GF_THISNODE, GF_RECLAIMABLE, GF_MOVABLE,
			GF_KMEMCG, GF_NOACCOUNT, GF_NOTRACK, GF_NO_KSWAPD,
			GF_OTHER_NODE, GF_WRITE,
		};
		for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
			add(out, cap, &n, flag_names[rest[i]], b[rest[i]]);
		return n;
	}

	/* include/trace/events/mmflags.h order, 4.5 .. 6.12 */
	reclaim = b[GF_DIRECT_RECLAIM] | b[GF_KSWAPD_RECLAIM];
	kernel = reclaim | b[GF_IO] | b[GF_FS];
	user = kernel | b[GF_HARDWALL];
	hum = user | b[GF_HIGHMEM] | b[GF_MOVABLE];
	if (e->features & GFP_ERA_THP_LIGHT) {
		uint32_t light = (hum | b[GF_COMP] | b[GF_NOMEMALLOC] | b[GF_NOWARN]) & ~reclaim;

		add(out, cap, &n, "GFP_TRANSHUGE", light | b[GF_DIRECT_RECLAIM]);
		add(out, cap, &n, "GFP_TRANSHUGE_LIGHT", light);
	} else {
		add(out, cap, &n, "GFP_TRANSHUGE", (hum | b[GF_COMP] | b[GF_NOMEMALLOC] |
			b[GF_NORETRY] | b[GF_NOWARN]) & ~b[GF_KSWAPD_RECLAIM]);
	}
	add(out, cap, &n, "GFP_HIGHUSER_MOVABLE", hum);
	add(out, cap, &n, "GFP_HIGHUSER", user | b[GF_HIGHMEM]);
	add(out, cap, &n, "GFP_USER", user);
	if (e->features & GFP_ERA_TEMPORARY)
		add(out, cap, &n, "GFP_TEMPORARY", kernel | b[GF_RECLAIMABLE]);
	if (e->features & GFP_ERA_KACCOUNT)
		add(out, cap, &n, "GFP_KERNEL_ACCOUNT", kernel | b[GF_ACCOUNT]);
	add(out, cap, &n, "GFP_KERNEL", kernel);
	add(out, cap, &n, "GFP_NOFS", reclaim | b[GF_IO]);
	add(out, cap, &n, "GFP_ATOMIC", b[GF_HIGH] | b[GF_ATOMIC] | b[GF_KSWAPD_RECLAIM]);
	add(out, cap, &n, "GFP_NOIO", reclaim);
	add(out, cap, &n, "GFP_NOWAIT", b[GF_KSWAPD_RECLAIM] |
	    ((e->features & GFP_ERA_NOWAIT_NOWARN) ? b[GF_NOWARN] : 0));
	add(out, cap, &n, "GFP_DMA", b[GF_DMA]);
	if (e->features & GFP_ERA_BIT_ORDER) {
		uint32_t known = gfp_era_known_mask(e);

		add(out, cap, &n, "GFP_DMA32", b[GF_DMA32]);
		add(out, cap, &n, "__GFP_RECLAIM", reclaim);
		/* TRACE_GFP_FLAGS: every flag, lowest bit first */
		for (int bit = 0; bit < 32; bit++) {
			uint32_t m = 1u << bit;

			if (!(known & m))
				continue;
			for (int f = 0; f < GF__COUNT; f++)
				if (b[f] == m)
					add(out, cap, &n, flag_names[f], m);
		}
		return n;
	}
	add(out, cap, &n, "__GFP_HIGHMEM", b[GF_HIGHMEM]);
	add(out, cap, &n, "GFP_DMA32", b[GF_DMA32]);
	static const enum gfp_flag tail[] = {
		GF_HIGH, GF_ATOMIC, GF_IO, GF_FS, GF_COLD, GF_NOWARN, GF_REPEAT,
		GF_RETRY_MAYFAIL, GF_NOFAIL, GF_NORETRY, GF_COMP, GF_ZERO,
		GF_NOMEMALLOC, GF_MEMALLOC, GF_HARDWALL, GF_THISNODE,
		GF_RECLAIMABLE, GF_MOVABLE, GF_ACCOUNT, GF_NOACCOUNT, GF_NOTRACK,
		GF_WRITE,
	};
	for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		add(out, cap, &n, flag_names[tail[i]], b[tail[i]]);
	add(out, cap, &n, "__GFP_RECLAIM", reclaim);
	static const enum gfp_flag tail2[] = {
		GF_DIRECT_RECLAIM, GF_KSWAPD_RECLAIM, GF_OTHER_NODE, GF_ZEROTAGS,
		GF_SKIP_ZERO, GF_SKIP_KASAN_POISON, GF_SKIP_KASAN_UNPOISON,
		GF_SKIP_KASAN,
	};
	for (size_t i = 0; i < sizeof(tail2) / sizeof(tail2[0]); i++)
		add(out, cap, &n, flag_names[tail2[i]], b[tail2[i]]);
	/* __GFP_NOLOCKDEP and __GFP_NO_OBJ_EXT are not in the 6.12 name list */
	return n;
}

static void append(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t l = strlen(s);

	if (*pos + l + 1 > len) {
		/* truncate, keep NUL */
		l = *pos + 1 < len ? len - *pos - 1 : 0;
	}
	memcpy(buf + *pos, s, l);
	*pos += l;
	buf[*pos] = '\0';
}

uint32_t gfp_format(const struct gfp_era *e, uint32_t mask, char *buf, size_t len)
{
	struct gfp_name names[GFP_NAME_MAX];
	size_t n = gfp_era_names(e, names, GFP_NAME_MAX), pos = 0;
	uint32_t left = mask;

	if (!len)
		return mask & ~gfp_era_known_mask(e);
	buf[0] = '\0';
	/* lib/vsprintf.c format_flags(): first match wins, then clear its bits */
	for (size_t i = 0; i < n && left; i++) {
		if ((left & names[i].mask) != names[i].mask)
			continue;
		append(buf, len, &pos, names[i].name);
		left &= ~names[i].mask;
		if (left)
			append(buf, len, &pos, "|");
	}
	if (left) {
		char hex[16];

		snprintf(hex, sizeof(hex), "%#x", left);
		append(buf, len, &pos, hex);
	}
	return mask & ~gfp_era_known_mask(e);
}

bool gfp_parse_mask(const char *s, uint32_t *mask)
{
	unsigned long long v;
	char *end;

	if (!s)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!strncmp(s, "mode:", 5))
		s += 5;
	else if (!strncmp(s, "gfp_mask=", 9))
		s += 9;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!isxdigit((unsigned char)*s))
		return false;
	v = strtoull(s, &end, 16);
	if (end - s > 8 || v > 0xffffffffull)
		return false;
	/* allow the kernel's "(NAMES)" suffix or trailing blanks */
	while (*end == ' ' || *end == '\n' || *end == '\t')
		end++;
	if (*end && *end != '(' && *end != ',')
		return false;
	*mask = (uint32_t)v;
	return true;
}

const char *gfp_zone_class_name(enum gfp_zone_class z)
{
	static const char *const n[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable", "BAD" };

	return (unsigned)z <= GZ_BAD ? n[z] : "?";
}

void gfp_semantics(const struct gfp_era *e, uint32_t m, struct gfp_semantics *s)
{
	const uint32_t *b = e->bit;
	bool dma = m & b[GF_DMA], dma32 = m & b[GF_DMA32];
	bool hi = m & b[GF_HIGHMEM], mov = m & b[GF_MOVABLE];

	memset(s, 0, sizeof(*s));
	if (e->features & GFP_ERA_WAIT) {
		s->can_direct_reclaim = m & b[GF_WAIT];
		/* kswapd is woken unless __GFP_NO_KSWAPD (THP) */
		s->wakes_kswapd = !(m & b[GF_NO_KSWAPD]);
	} else {
		s->can_direct_reclaim = m & b[GF_DIRECT_RECLAIM];
		s->wakes_kswapd = m & b[GF_KSWAPD_RECLAIM];
	}
	s->high = m & b[GF_HIGH];
	s->atomic = b[GF_ATOMIC] && (m & b[GF_ATOMIC]);
	s->nomemalloc = m & b[GF_NOMEMALLOC];
	s->memalloc = b[GF_MEMALLOC] && (m & b[GF_MEMALLOC]);
	s->noretry = m & b[GF_NORETRY];
	s->retry_mayfail = (m & b[GF_RETRY_MAYFAIL]) || (m & b[GF_REPEAT]);
	s->nofail = m & b[GF_NOFAIL];
	s->nowarn = m & b[GF_NOWARN];
	s->thisnode = m & b[GF_THISNODE];
	s->hardwall = m & b[GF_HARDWALL];
	s->io = m & b[GF_IO];
	s->fs = m & b[GF_FS];
	s->comp = m & b[GF_COMP];
	if ((m & b[GF_MOVABLE]) && (m & b[GF_RECLAIMABLE]))
		s->migratetype = 0;	/* invalid pair; kernel warns */
	else if (m & b[GF_MOVABLE])
		s->migratetype = 1;
	else if (m & b[GF_RECLAIMABLE])
		s->migratetype = 2;
	/* GFP_ZONE_TABLE: only one of DMA/DMA32/HIGHMEM may be set */
	if (dma + dma32 + hi > 1)
		s->zone = GZ_BAD;
	else if (dma)
		s->zone = GZ_DMA;
	else if (dma32)
		s->zone = GZ_DMA32;
	else if (hi)
		s->zone = mov ? GZ_MOVABLE : GZ_HIGHMEM;
	else
		s->zone = GZ_NORMAL;
}
