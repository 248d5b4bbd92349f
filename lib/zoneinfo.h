/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/zoneinfo: per node and zone, free pages, watermarks, sizes and
 * lowmem_reserve ("protection"). Per-node and per-cpu sections are skipped.
 */
#ifndef FRAGTEST_ZONEINFO_H
#define FRAGTEST_ZONEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmzone.h"

struct zoneinfo_zone {
	int node;
	char zone[FT_ZONE_NAME_LEN];
	int index;			/* position within its node: ZONE_DMA = 0 ... */
	uint64_t free, boost, min, low, high, spanned, present, managed, cma;
	uint64_t promo;			/* 0 where the kernel has no "promo" line */
	bool has_promo;
	int nr_protection;		/* lowmem_reserve[] for requests up to each zone */
	uint64_t protection[FT_MAX_ZONE_TYPES];
	uint64_t nr_free_pages;
	uint64_t pcp_pages;		/* on the per-cpu lists: free, outside nr_free_pages */
	uint64_t nr_free_cma;
	bool has_nr_free_cma;		/* only populated zones print vm stats */
	uint64_t start_pfn;
	bool populated;			/* managed > 0 */
};

struct zoneinfo {
	size_t nr_zones;
	struct zoneinfo_zone *zones;
};

int zoneinfo_parse(const char *text, size_t len, struct zoneinfo *out, struct parse_error *err);
void zoneinfo_free(struct zoneinfo *zi);
/* Read and parse the running kernel's /proc/zoneinfo: 0 or a negative errno. */
int zoneinfo_read(struct zoneinfo *out);
const struct zoneinfo_zone *zoneinfo_find(const struct zoneinfo *zi, int node, const char *zone);
/* The populated zone with the most managed pages (the first of equals), or NULL. */
const struct zoneinfo_zone *zoneinfo_largest(const struct zoneinfo *zi);

#endif
