/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Limits and names shared by the parsers of the kernel's zone files. The
 * kernel's own limits vary by version and architecture (6.1 x86 has orders
 * 0..10 with MAX_ORDER 11; arm64 with 64 KiB pages goes to 13), so parsers
 * record what each file shows and only cap at these sizes.
 */
#ifndef FRAGTEST_MMZONE_H
#define FRAGTEST_MMZONE_H

#define FT_MAX_ORDERS		16	/* orders 0..15 */
#define FT_MAX_MIGRATETYPES	8	/* Unmovable .. Isolate, plus room */
#define FT_ZONE_NAME_LEN	16
#define FT_MT_NAME_LEN		16
#define FT_MAX_ZONE_TYPES	8	/* lowmem_reserve entries per zone */



#include <stdbool.h>
#include "textscan.h"

/*
 * "Node 0, zone   Normal" as it starts lines of buddyinfo, pagetypeinfo,
 * zoneinfo and the extfrag files; a comma after the zone name (pagetypeinfo)
 * is consumed.
 */
bool scan_node_zone(struct scan *s, int *node, char zone[FT_ZONE_NAME_LEN]);
#endif
