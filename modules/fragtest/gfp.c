// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest: GFP flag names of the kernel this module is built for. Every
 * entry exists only when that kernel defines the flag (6.1 still has
 * __GFP_ATOMIC, 6.12 has __GFP_NO_OBJ_EXT instead), so a mask given by name
 * always means what it means to this kernel.
 */
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "fragtest.h"

struct ft_gfp_name {
	const char *name;
	gfp_t mask;
};

#define FT_GFP(flag)	{ #flag, flag }

static const struct ft_gfp_name ft_gfp_names[] = {
#ifdef __GFP_DMA
	FT_GFP(__GFP_DMA),
#endif
#ifdef __GFP_HIGHMEM
	FT_GFP(__GFP_HIGHMEM),
#endif
#ifdef __GFP_DMA32
	FT_GFP(__GFP_DMA32),
#endif
#ifdef __GFP_MOVABLE
	FT_GFP(__GFP_MOVABLE),
#endif
#ifdef __GFP_RECLAIMABLE
	FT_GFP(__GFP_RECLAIMABLE),
#endif
#ifdef __GFP_WRITE
	FT_GFP(__GFP_WRITE),
#endif
#ifdef __GFP_HARDWALL
	FT_GFP(__GFP_HARDWALL),
#endif
#ifdef __GFP_THISNODE
	FT_GFP(__GFP_THISNODE),
#endif
#ifdef __GFP_ACCOUNT
	FT_GFP(__GFP_ACCOUNT),
#endif
#ifdef __GFP_NO_OBJ_EXT
	FT_GFP(__GFP_NO_OBJ_EXT),
#endif
#ifdef __GFP_ATOMIC
	FT_GFP(__GFP_ATOMIC),
#endif
#ifdef __GFP_HIGH
	FT_GFP(__GFP_HIGH),
#endif
#ifdef __GFP_MEMALLOC
	FT_GFP(__GFP_MEMALLOC),
#endif
#ifdef __GFP_NOMEMALLOC
	FT_GFP(__GFP_NOMEMALLOC),
#endif
#ifdef __GFP_IO
	FT_GFP(__GFP_IO),
#endif
#ifdef __GFP_FS
	FT_GFP(__GFP_FS),
#endif
#ifdef __GFP_DIRECT_RECLAIM
	FT_GFP(__GFP_DIRECT_RECLAIM),
#endif
#ifdef __GFP_KSWAPD_RECLAIM
	FT_GFP(__GFP_KSWAPD_RECLAIM),
#endif
#ifdef __GFP_RECLAIM
	FT_GFP(__GFP_RECLAIM),
#endif
#ifdef __GFP_RETRY_MAYFAIL
	FT_GFP(__GFP_RETRY_MAYFAIL),
#endif
#ifdef __GFP_NOFAIL
	FT_GFP(__GFP_NOFAIL),
#endif
#ifdef __GFP_NORETRY
	FT_GFP(__GFP_NORETRY),
#endif
#ifdef __GFP_NOWARN
	FT_GFP(__GFP_NOWARN),
#endif
#ifdef __GFP_COMP
	FT_GFP(__GFP_COMP),
#endif
#ifdef __GFP_ZERO
	FT_GFP(__GFP_ZERO),
#endif
#ifdef __GFP_ZEROTAGS
	FT_GFP(__GFP_ZEROTAGS),
#endif
#ifdef __GFP_SKIP_ZERO
	FT_GFP(__GFP_SKIP_ZERO),
#endif
#ifdef __GFP_SKIP_KASAN
	FT_GFP(__GFP_SKIP_KASAN),
#endif
#ifdef __GFP_SKIP_KASAN_UNPOISON
	FT_GFP(__GFP_SKIP_KASAN_UNPOISON),
#endif
#ifdef __GFP_SKIP_KASAN_POISON
	FT_GFP(__GFP_SKIP_KASAN_POISON),
#endif
#ifdef __GFP_NOLOCKDEP
	FT_GFP(__GFP_NOLOCKDEP),
#endif
#ifdef __GFP_UNMAPPED
	FT_GFP(__GFP_UNMAPPED),
#endif
#ifdef __GFP_NOTRACK
	FT_GFP(__GFP_NOTRACK),
#endif
#ifdef __GFP_OTHER_NODE
	FT_GFP(__GFP_OTHER_NODE),
#endif
#ifdef GFP_ATOMIC
	FT_GFP(GFP_ATOMIC),
#endif
#ifdef GFP_KERNEL
	FT_GFP(GFP_KERNEL),
#endif
#ifdef GFP_KERNEL_ACCOUNT
	FT_GFP(GFP_KERNEL_ACCOUNT),
#endif
#ifdef GFP_NOWAIT
	FT_GFP(GFP_NOWAIT),
#endif
#ifdef GFP_NOIO
	FT_GFP(GFP_NOIO),
#endif
#ifdef GFP_NOFS
	FT_GFP(GFP_NOFS),
#endif
#ifdef GFP_USER
	FT_GFP(GFP_USER),
#endif
#ifdef GFP_DMA
	FT_GFP(GFP_DMA),
#endif
#ifdef GFP_DMA32
	FT_GFP(GFP_DMA32),
#endif
#ifdef GFP_HIGHUSER
	FT_GFP(GFP_HIGHUSER),
#endif
#ifdef GFP_HIGHUSER_MOVABLE
	FT_GFP(GFP_HIGHUSER_MOVABLE),
#endif
#ifdef GFP_TRANSHUGE_LIGHT
	FT_GFP(GFP_TRANSHUGE_LIGHT),
#endif
#ifdef GFP_TRANSHUGE
	FT_GFP(GFP_TRANSHUGE),
#endif
};

static const struct ft_gfp_name *ft_gfp_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ft_gfp_names); i++)
		if (strlen(ft_gfp_names[i].name) == len &&
		    !strncmp(ft_gfp_names[i].name, name, len))
			return &ft_gfp_names[i];
	return NULL;
}

/* "GFP_KERNEL|__GFP_COMP": names joined by '|', no blanks. */
int ft_gfp_parse(const char *text, gfp_t *out, struct ft_ctx *ctx)
{
	const struct ft_gfp_name *e;
	const char *p = text, *bar;
	gfp_t gfp = 0;
	size_t len;

	if (!*text)
		return ft_fail(ctx, -EINVAL, "empty GFP mask");
	for (;;) {
		bar = strchr(p, '|');
		len = bar ? bar - p : strlen(p);
		if (!len)
			return ft_fail(ctx, -EINVAL, "malformed GFP mask '%s': empty flag name",
				       text);
		e = ft_gfp_lookup(p, len);
		if (!e)
			return ft_fail(ctx, -EINVAL,
				       "unknown GFP flag '%.*s' (not defined by this kernel; see info)",
				       (int)min_t(size_t, len, 48), p);
		gfp |= e->mask;
		if (!bar)
			break;
		p = bar + 1;
	}
	*out = gfp;
	return 0;
}

bool ft_gfp_blocking(gfp_t gfp)
{
	return !!(gfp & __GFP_DIRECT_RECLAIM);
}

/* The single-bit modifier names of gfp, joined by '|', or "0". */
void ft_gfp_describe(gfp_t gfp, char *buf, size_t len)
{
	unsigned long rest = (__force unsigned long)gfp;
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(ft_gfp_names) && n < len; i++) {
		unsigned long m = (__force unsigned long)ft_gfp_names[i].mask;

		if (ft_gfp_names[i].name[0] != '_' || hweight_long(m) != 1 || !(rest & m))
			continue;
		n += scnprintf(buf + n, len - n, "%s%s", n ? "|" : "", ft_gfp_names[i].name);
		rest &= ~m;
	}
	if (rest && n < len)
		n += scnprintf(buf + n, len - n, "%s%#lx", n ? "|" : "", rest);
	if (!n)
		scnprintf(buf, len, "0");
}

void ft_gfp_table(struct ft_reply *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ft_gfp_names); i++)
		ft_printf(r, "gfp name=%s value=%#lx kind=%s\n", ft_gfp_names[i].name,
			  (__force unsigned long)ft_gfp_names[i].mask,
			  ft_gfp_names[i].name[0] == '_' ? "modifier" : "composite");
}
