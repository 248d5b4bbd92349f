/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/vmstat: named event and state counters. */
#ifndef FRAGTEST_VMSTAT_H
#define FRAGTEST_VMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "textscan.h"

struct vmstat_item {
	char name[48];
	uint64_t value;
};

struct vmstat {
	size_t nr;
	struct vmstat_item *items;	/* in the kernel's order */
};

int vmstat_parse(const char *text, size_t len, struct vmstat *out, struct parse_error *err);
/* Read and parse the running kernel's /proc/vmstat: 0 or a negative errno. */
int vmstat_read(struct vmstat *out);
void vmstat_free(struct vmstat *vs);
/* false when this kernel has no such counter */
bool vmstat_get(const struct vmstat *vs, const char *name, uint64_t *value);
/*
 * b - a for a counter present in both (counters only grow, but state items
 * like nr_free_pages can shrink: the result is signed).
 */
bool vmstat_delta(const struct vmstat *a, const struct vmstat *b, const char *name,
		  int64_t *delta);
/* Sum of all counters whose name starts with prefix (allocstall_dma32 ...). */
uint64_t vmstat_sum_prefix(const struct vmstat *vs, const char *prefix);

#endif
