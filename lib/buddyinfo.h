/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/buddyinfo: free blocks per order, per node and zone. */
#ifndef FRAGTEST_BUDDYINFO_H
#define FRAGTEST_BUDDYINFO_H

#include <stddef.h>
#include <stdint.h>

#include "mmzone.h"

struct buddy_zone {
	int node;
	char zone[FT_ZONE_NAME_LEN];
	int nr_orders;
	uint64_t free[FT_MAX_ORDERS];	/* free blocks of each order */
};

struct buddyinfo {
	size_t nr_zones;
	struct buddy_zone *zones;
};

int buddyinfo_parse(const char *text, size_t len, struct buddyinfo *out,
		    struct parse_error *err);
void buddyinfo_free(struct buddyinfo *bi);
/* Read and parse the running kernel's /proc/buddyinfo: 0 or a negative errno. */
int buddyinfo_read(struct buddyinfo *out);
const struct buddy_zone *buddyinfo_find(const struct buddyinfo *bi, int node, const char *zone);
/* Free pages in the zone: sum of count << order. */
uint64_t buddy_zone_free_pages(const struct buddy_zone *z);
/* Highest order with a free block, -1 when none. */
int buddy_zone_max_order(const struct buddy_zone *z);
/* Free pages in blocks of at least order; the kernel's unusable index is 1 - this / free. */
uint64_t buddy_zone_pages_at_or_above(const struct buddy_zone *z, int order);

#endif
