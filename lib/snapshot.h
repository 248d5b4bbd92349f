/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One snapshot of the allocator's state: buddyinfo, pagetypeinfo, zoneinfo,
 * vmstat and the debugfs extfrag indices, read back to back and checked for
 * consistency (buddyinfo is read first and last; if free memory moved by more
 * than a small tolerance in between, the whole read is retried).
 */
#ifndef FRAGTEST_SNAPSHOT_H
#define FRAGTEST_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "buddyinfo.h"
#include "extfrag.h"
#include "json.h"
#include "pagetypeinfo.h"
#include "vmstat.h"
#include "zoneinfo.h"

enum snapshot_part {
	SNAP_BUDDYINFO,
	SNAP_PAGETYPEINFO,
	SNAP_ZONEINFO,
	SNAP_VMSTAT,
	SNAP_EXTFRAG_INDEX,
	SNAP_UNUSABLE_INDEX,
	SNAP_NR_PARTS
};

/* Parts without which a snapshot is refused; the others may be absent
 * (pagetypeinfo needs root, the extfrag files need debugfs and COMPACTION).
 */
#define SNAP_REQUIRED ((1u << SNAP_BUDDYINFO) | (1u << SNAP_ZONEINFO) | (1u << SNAP_VMSTAT))

struct snapshot {
	double monotonic;		/* CLOCK_MONOTONIC seconds at the start */
	int64_t wall;			/* Unix time */
	char release[65];		/* uname -r, or "" for a fixture directory */
	long page_size;
	unsigned int have;		/* bit per part that was read and parsed */
	char why_missing[SNAP_NR_PARTS][400];
	int attempts;			/* reads until consistent */
	uint64_t drift_pages;		/* free-page change across the last read */
	struct buddyinfo buddy;
	struct pagetypeinfo pagetype;
	struct zoneinfo zones;
	struct vmstat vmstat;
	struct extfrag extfrag_index, unusable_index;
};

/*
 * Take a snapshot of the running kernel (root NULL) or of a directory holding
 * files named buddyinfo, pagetypeinfo, zoneinfo, vmstat, extfrag_index and
 * unusable_index (captured fixtures). Returns 0 or -errno; on failure errbuf
 * says which file and line.
 */
int snapshot_take(struct snapshot *snap, const char *root, char *errbuf, size_t errlen);
void snapshot_free(struct snapshot *snap);
const char *snapshot_part_name(enum snapshot_part part);
static inline bool snapshot_has(const struct snapshot *snap, enum snapshot_part part)
{
	return snap->have & (1u << part);
}

void snapshot_write_json(struct json_writer *w, const char *key, const struct snapshot *snap);
/* What changed from a to b: free blocks per zone and order, vmstat counters. */
void snapshot_delta_write_json(struct json_writer *w, const char *key,
			       const struct snapshot *a, const struct snapshot *b);

#endif
