/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/pagetypeinfo: free blocks per order split by migratetype, and the
 * number of pageblocks of each migratetype, per node and zone.
 */
#ifndef FRAGTEST_PAGETYPEINFO_H
#define FRAGTEST_PAGETYPEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmzone.h"

struct pagetype_zone {
	int node;
	char zone[FT_ZONE_NAME_LEN];
	/* [type][order]; the kernel stops counting a list at 100000 entries */
	uint64_t free[FT_MAX_MIGRATETYPES][FT_MAX_ORDERS];
	bool saturated[FT_MAX_MIGRATETYPES][FT_MAX_ORDERS];
	bool has_free;
	uint64_t blocks[FT_MAX_MIGRATETYPES];	/* pageblocks of each type */
	bool has_blocks;
	uint64_t mixed[FT_MAX_MIGRATETYPES];	/* CONFIG_PAGE_OWNER only */
	bool has_mixed;
};

struct pagetypeinfo {
	int pageblock_order;
	uint64_t pages_per_block;
	int nr_orders;
	int nr_types;				/* as the kernel lists them */
	char types[FT_MAX_MIGRATETYPES][FT_MT_NAME_LEN];
	size_t nr_zones;
	struct pagetype_zone *zones;
};

int pagetypeinfo_parse(const char *text, size_t len, struct pagetypeinfo *out,
		       struct parse_error *err);
void pagetypeinfo_free(struct pagetypeinfo *pi);
/* Read and parse the running kernel's /proc/pagetypeinfo: 0 or a negative errno. */
int pagetypeinfo_read(struct pagetypeinfo *out);
const struct pagetype_zone *pagetypeinfo_find(const struct pagetypeinfo *pi, int node,
					      const char *zone);
/* Index of a migratetype name ("Movable", "CMA", ...), -1 when absent. */
int pagetypeinfo_type_index(const struct pagetypeinfo *pi, const char *name);

#endif
