/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs extfrag/extfrag_index and extfrag/unusable_index: one real per
 * order for each node and zone. extfrag_index is -1.000 when a block of the
 * order could be allocated, near 0 when a failure would be for lack of
 * memory and near 1 when it would be for fragmentation; unusable_index is
 * the fraction of free memory in blocks smaller than the order.
 */
#ifndef FRAGTEST_EXTFRAG_H
#define FRAGTEST_EXTFRAG_H

#include <stddef.h>

#include "mmzone.h"

struct extfrag_zone {
	int node;
	char zone[FT_ZONE_NAME_LEN];
	int nr_orders;
	double index[FT_MAX_ORDERS];
};

struct extfrag {
	size_t nr_zones;
	struct extfrag_zone *zones;
};

/* Parses either file; what the numbers mean depends on which it was. */
int extfrag_parse(const char *text, size_t len, struct extfrag *out, struct parse_error *err);
void extfrag_free(struct extfrag *ef);
const struct extfrag_zone *extfrag_find(const struct extfrag *ef, int node, const char *zone);

#endif
