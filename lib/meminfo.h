/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/meminfo: "Name:   value kB" lines. The workloads' safety floor is
 * MemAvailable; page cache targets are measured with Cached.
 */
#ifndef FRAGTEST_MEMINFO_H
#define FRAGTEST_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "textscan.h"

#define MEMINFO_MAX_ITEMS 128

struct meminfo_item {
	char name[40];
	uint64_t value;		/* bytes when the line has a kB unit, else as printed */
};

struct meminfo {
	size_t nr;
	struct meminfo_item items[MEMINFO_MAX_ITEMS];
};

int meminfo_parse(const char *text, size_t len, struct meminfo *out, struct parse_error *err);
/* Parse /proc/meminfo (fd < 0) or an open descriptor to it (pread from 0). */
int meminfo_read(int fd, struct meminfo *out, struct parse_error *err);
bool meminfo_get(const struct meminfo *mi, const char *name, uint64_t *value);

#endif
