/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GFP bit layouts of every mainline era from 2.6.32 on, so that a mode:0x...
 * from any kernel's allocation-failure report can be turned back into flag
 * names (in the order the kernel's %pGg prints them) and into the allocator
 * behaviour the flags select. The layout was reorganised several times; the
 * same hex value means different things in different eras.
 */
#ifndef FRAGTEST_GFP_LAYOUT_H
#define FRAGTEST_GFP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every single-bit flag that existed in some era. */
enum gfp_flag {
	GF_DMA, GF_HIGHMEM, GF_DMA32, GF_MOVABLE, GF_RECLAIMABLE,
	GF_HIGH, GF_IO, GF_FS, GF_ZERO, GF_ATOMIC, GF_WAIT,
	GF_DIRECT_RECLAIM, GF_KSWAPD_RECLAIM, GF_WRITE, GF_NOWARN,
	GF_REPEAT, GF_RETRY_MAYFAIL, GF_NOFAIL, GF_NORETRY, GF_MEMALLOC,
	GF_COMP, GF_NOMEMALLOC, GF_HARDWALL, GF_THISNODE, GF_ACCOUNT,
	GF_NOACCOUNT, GF_COLD, GF_NOTRACK, GF_NO_KSWAPD, GF_OTHER_NODE,
	GF_KMEMCG, GF_NOLOCKDEP, GF_ZEROTAGS, GF_SKIP_ZERO,
	GF_SKIP_KASAN_UNPOISON, GF_SKIP_KASAN_POISON, GF_SKIP_KASAN,
	GF_NO_OBJ_EXT,
	GF__COUNT
};

/* A kernel version as major*1000 + minor (patch level never matters here). */
#define GFP_KV(a, b) ((unsigned)(a) * 1000u + (unsigned)(b))

struct gfp_era {
	const char *id;		/* first version of the era, e.g. "4.18" */
	const char *last;	/* last version with this layout */
	unsigned first_kv, last_kv;
	const char *source;	/* where the table was read */
	uint32_t bit[GF__COUNT];	/* 0: flag absent in this era */
	unsigned features;	/* GFP_ERA_* */
};

#define GFP_ERA_WAIT		0x01u	/* __GFP_WAIT era (before 4.4) */
#define GFP_ERA_THP_OLD		0x02u	/* GFP_TRANSHUGE without _LIGHT */
#define GFP_ERA_THP_LIGHT	0x04u	/* GFP_TRANSHUGE_LIGHT exists (4.8+) */
#define GFP_ERA_TEMPORARY	0x08u	/* GFP_TEMPORARY exists (< 4.14) */
#define GFP_ERA_KACCOUNT	0x10u	/* GFP_KERNEL_ACCOUNT (4.5+) */
#define GFP_ERA_NOWAIT_NOWARN	0x20u	/* GFP_NOWAIT includes __GFP_NOWARN (6.8+) */
#define GFP_ERA_PGG		0x40u	/* warn_alloc prints %pGg names (4.5+) */
#define GFP_ERA_CONFIG_BITS	0x80u	/* bits >= 24 depend on .config (6.10+) */
#define GFP_ERA_BIT_ORDER	0x100u	/* %pGg lists single flags in bit order (6.14+) */

#define GFP_NAME_MAX 64

struct gfp_name {
	const char *name;
	uint32_t mask;
};

size_t gfp_era_count(void);
const struct gfp_era *gfp_era_at(size_t i);
/* Parse "4.19.176", "5.15.0-107-generic", "2.6.32-431.el6.x86_64", "6.12". */
bool gfp_parse_kv(const char *version, unsigned *kv);
/* The era of a version string, or NULL when it cannot be parsed or is older than 2.6.32. */
const struct gfp_era *gfp_era_for_version(const char *version);
const struct gfp_era *gfp_era_for_kv(unsigned kv);
const char *gfp_flag_name(enum gfp_flag f);

uint32_t gfp_era_known_mask(const struct gfp_era *e);
static inline uint32_t gfp_bit(const struct gfp_era *e, enum gfp_flag f)
{
	return e->bit[f];
}
/* The era's %pGg name table: composites first, then single bits. */
size_t gfp_era_names(const struct gfp_era *e, struct gfp_name *out, size_t cap);

/*
 * Render mask as %pGg would ("GFP_KERNEL|__GFP_COMP", leftover bits as
 * "0x1000000"); always NUL-terminates. Returns the leftover unknown bits.
 */
uint32_t gfp_format(const struct gfp_era *e, uint32_t mask, char *buf, size_t len);
/* True when every set bit of mask is a flag of the era. */
bool gfp_era_consistent(const struct gfp_era *e, uint32_t mask);
/* Parse "0x40dc0", "40dc0" or "mode:0x40dc0(GFP_...)"; false on junk. */
bool gfp_parse_mask(const char *s, uint32_t *mask);

/* What the allocator does with a mask, era-independent. */
enum gfp_zone_class { GZ_DMA, GZ_DMA32, GZ_NORMAL, GZ_HIGHMEM, GZ_MOVABLE, GZ_BAD };

struct gfp_semantics {
	bool can_direct_reclaim;	/* __GFP_DIRECT_RECLAIM / __GFP_WAIT */
	bool wakes_kswapd;
	bool high;			/* __GFP_HIGH */
	bool atomic;			/* __GFP_ATOMIC (4.4-6.2) */
	bool nomemalloc, memalloc, noretry, retry_mayfail, nofail, nowarn;
	bool thisnode, hardwall, io, fs, comp;
	int migratetype;		/* 0 unmovable, 1 movable, 2 reclaimable */
	enum gfp_zone_class zone;	/* highest zone class the mask allows */
};

void gfp_semantics(const struct gfp_era *e, uint32_t mask, struct gfp_semantics *s);
const char *gfp_zone_class_name(enum gfp_zone_class z);

#endif
