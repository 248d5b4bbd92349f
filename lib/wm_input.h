/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The watermark model's inputs from a live kernel: one zone's struct wm_zone
 * from the module's pre-try buddy record (lib/modclient) or from
 * /proc/zoneinfo with /proc/pagetypeinfo (lib/zoneinfo, lib/pagetypeinfo),
 * and the running kernel's rules from its version text.
 */
#ifndef FRAGTEST_WM_INPUT_H
#define FRAGTEST_WM_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "modclient.h"
#include "pagetypeinfo.h"
#include "watermark.h"
#include "zoneinfo.h"

/*
 * From a buddy record. -EINVAL when the record lacks what the check reads
 * (lowmem_reserve, lists: a module older than those keys).
 */
int wm_zone_from_buddy(const struct ftc_buddy *b, struct wm_zone *z);

/*
 * From a zone of /proc/zoneinfo and /proc/pagetypeinfo (pi may be NULL: no
 * per-type lists, no highatomic reserve). The highatomic reserve is the
 * HighAtomic pageblocks times the pageblock size (reserve_highatomic_pageblock
 * counts whole blocks); the free highatomic pages are the HighAtomic lists.
 */
int wm_zone_from_proc(const struct zoneinfo_zone *zz, const struct pagetypeinfo *pi,
		      struct wm_zone *z);

/* The running kernel's rules, from /proc/version (text copied to version). */
int wm_rules_running(struct wm_rules *out, char *version, size_t len);

#endif
