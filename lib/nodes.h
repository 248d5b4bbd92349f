/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NUMA node lists as sysfs prints them (/sys/devices/system/node/online,
 * has_memory, has_cpu ...: "0-1,3"), as a bit per node id.
 */
#ifndef FRAGTEST_NODES_H
#define FRAGTEST_NODES_H

#include <stdint.h>

/* "0-1,3\n" -> bits 0, 1, 3; ids >= 64 are dropped. 0, or -EINVAL if malformed. */
int nodelist_parse(const char *text, uint64_t *bits);
/* /sys/devices/system/node/<which>: 0, or -errno (-ENOENT: no NUMA in sysfs). */
int nodes_read(const char *which, uint64_t *bits);

#endif
