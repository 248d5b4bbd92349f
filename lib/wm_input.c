// SPDX-License-Identifier: GPL-2.0
/*
 * struct wm_zone from the module's buddy record and from /proc/zoneinfo with
 * /proc/pagetypeinfo: the same fields __zone_watermark_ok() reads.
 */
#include "wm_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "procfile.h"

static unsigned letters_to_types(const char *s)
{
	unsigned t = 0;

	for (; *s; s++) {
		int mt = wm_mt_from_letter(*s);

		if (mt >= 0)
			t |= 1u << mt;
	}
	return t;
}

int wm_zone_from_buddy(const struct ftc_buddy *b, struct wm_zone *z)
{
	memset(z, 0, sizeof(*z));
	if (!b->nr_lowmem_reserve || !b->have_lists)
		return -EINVAL;
	z->free_pages = (long)b->free;
	z->min = (long)b->min;
	z->low = (long)b->low;
	z->high = (long)b->high;
	z->nr_lowmem_reserve = b->nr_lowmem_reserve < WM_MAX_ZONES ? b->nr_lowmem_reserve :
				WM_MAX_ZONES;
	for (int i = 0; i < z->nr_lowmem_reserve; i++)
		z->lowmem_reserve[i] = (long)b->lowmem_reserve[i];
	z->nr_free_cma = (long)b->cma;
	z->nr_reserved_highatomic = (long)b->highatomic;
	z->nr_free_highatomic = (long)b->free_highatomic;
	z->nr_orders = b->nr_orders < WM_MAX_ORDER ? b->nr_orders : WM_MAX_ORDER;
	for (int o = 0; o < z->nr_orders; o++) {
		z->nr_free[o] = (long)b->nr_free[o];
		z->types[o] = letters_to_types(b->lists[o]);
	}
	z->types_known = true;
	z->pcp_known = b->nr_pcp > 0;
	for (int o = 0; o < b->nr_pcp && o < WM_MAX_ORDER; o++)
		z->pcp_types[o] = letters_to_types(b->pcp[o]);
	return 0;
}

/* pagetypeinfo's type names to the model's list types */
static int mt_from_name(const char *name)
{
	static const struct { const char *name; int mt; } map[] = {
		{ "Unmovable", WM_MT_UNMOVABLE }, { "Movable", WM_MT_MOVABLE },
		{ "Reclaimable", WM_MT_RECLAIMABLE }, { "HighAtomic", WM_MT_HIGHATOMIC },
		{ "CMA", WM_MT_CMA }, { "Isolate", WM_MT_ISOLATE }, { "Reserve", WM_MT_RESERVE },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(name, map[i].name))
			return map[i].mt;
	return -1;
}

int wm_zone_from_proc(const struct zoneinfo_zone *zz, const struct pagetypeinfo *pi,
		      struct wm_zone *z)
{
	const struct pagetype_zone *pz = pi ? pagetypeinfo_find(pi, zz->node, zz->zone) : NULL;

	memset(z, 0, sizeof(*z));
	z->free_pages = (long)zz->free;
	z->min = (long)zz->min;
	z->low = (long)zz->low;
	z->high = (long)zz->high;
	z->nr_lowmem_reserve = zz->nr_protection < WM_MAX_ZONES ? zz->nr_protection : WM_MAX_ZONES;
	for (int i = 0; i < z->nr_lowmem_reserve; i++)
		z->lowmem_reserve[i] = (long)zz->protection[i];
	z->nr_free_cma = zz->has_nr_free_cma ? (long)zz->nr_free_cma : 0;
	z->nr_free_highatomic = -1;
	if (!pz || !pz->has_free)
		return 0;
	z->nr_orders = pi->nr_orders < WM_MAX_ORDER ? pi->nr_orders : WM_MAX_ORDER;
	z->nr_free_highatomic = 0;
	for (int t = 0; t < pi->nr_types && t < FT_MAX_MIGRATETYPES; t++) {
		int mt = mt_from_name(pi->types[t]);

		for (int o = 0; o < z->nr_orders; o++) {
			long n = (long)pz->free[t][o];

			z->nr_free[o] += n;
			if (n && mt >= 0)
				z->types[o] |= 1u << mt;
			if (mt == WM_MT_HIGHATOMIC)
				z->nr_free_highatomic += n << o;
		}
		if (mt == WM_MT_HIGHATOMIC && pz->has_blocks)
			z->nr_reserved_highatomic = (long)(pz->blocks[t] * pi->pages_per_block);
	}
	z->types_known = true;
	return 0;
}

int wm_rules_running(struct wm_rules *out, char *version, size_t len)
{
	struct text_buf t;
	int ret = text_read_file("/proc/version", &t);

	if (ret)
		return ret;
	if (version && len)
		snprintf(version, len, "%.*s", (int)strcspn(t.data, "\n"), t.data);
	ret = wm_rules_for_version(t.data, out) ? 0 : -EINVAL;
	text_free(&t);
	return ret;
}
