// SPDX-License-Identifier: GPL-2.0
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "procfile.h"

#define SNAP_MAX_ATTEMPTS 4

static const char *const part_names[SNAP_NR_PARTS] = {
	"buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "extfrag_index", "unusable_index",
};

static const char *const live_paths[SNAP_NR_PARTS] = {
	"/proc/buddyinfo", "/proc/pagetypeinfo", "/proc/zoneinfo", "/proc/vmstat",
	"/sys/kernel/debug/extfrag/extfrag_index", "/sys/kernel/debug/extfrag/unusable_index",
};

const char *snapshot_part_name(enum snapshot_part part)
{
	return part < SNAP_NR_PARTS ? part_names[part] : "?";
}

static int parse_part(struct snapshot *snap, enum snapshot_part part, const struct text_buf *t,
		      struct parse_error *err)
{
	switch (part) {
	case SNAP_BUDDYINFO:
		return buddyinfo_parse(t->data, t->len, &snap->buddy, err);
	case SNAP_PAGETYPEINFO:
		return pagetypeinfo_parse(t->data, t->len, &snap->pagetype, err);
	case SNAP_ZONEINFO:
		return zoneinfo_parse(t->data, t->len, &snap->zones, err);
	case SNAP_VMSTAT:
		return vmstat_parse(t->data, t->len, &snap->vmstat, err);
	case SNAP_EXTFRAG_INDEX:
		return extfrag_parse(t->data, t->len, &snap->extfrag_index, err);
	case SNAP_UNUSABLE_INDEX:
		return extfrag_parse(t->data, t->len, &snap->unusable_index, err);
	default:
		return -EINVAL;
	}
}

static void free_parts(struct snapshot *snap)
{
	buddyinfo_free(&snap->buddy);
	pagetypeinfo_free(&snap->pagetype);
	zoneinfo_free(&snap->zones);
	vmstat_free(&snap->vmstat);
	extfrag_free(&snap->extfrag_index);
	extfrag_free(&snap->unusable_index);
	snap->have = 0;
}

static uint64_t total_free(const struct buddyinfo *bi)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < bi->nr_zones; i++)
		pages += buddy_zone_free_pages(&bi->zones[i]);
	return pages;
}

/* One pass over every file, buddyinfo first; returns -errno for a required part. */
static int read_once(struct snapshot *snap, const char *root, struct buddyinfo *last,
		     char *errbuf, size_t errlen)
{
	struct text_buf t = { 0 };
	struct parse_error perr;
	char path[4096];
	int ret = 0;

	for (int part = 0; part < SNAP_NR_PARTS; part++) {
		if (root)
			snprintf(path, sizeof(path), "%s/%s", root, part_names[part]);
		else
			snprintf(path, sizeof(path), "%s", live_paths[part]);
		ret = text_read_file(path, &t);
		if (ret) {
			snprintf(snap->why_missing[part], sizeof(snap->why_missing[part]),
				 "%.200s: %.160s", path, strerror(-ret));
		} else {
			memset(&perr, 0, sizeof(perr));
			ret = parse_part(snap, (enum snapshot_part)part, &t, &perr);
			if (ret)
				snprintf(snap->why_missing[part], sizeof(snap->why_missing[part]),
					 "%.200s line %d: %.160s", path, perr.line, perr.msg);
			else
				snap->have |= 1u << part;
		}
		text_free(&t);
		if (ret && (SNAP_REQUIRED & (1u << part))) {
			snprintf(errbuf, errlen, "%s", snap->why_missing[part]);
			return ret;
		}
	}
	/* buddyinfo once more, to measure how far free memory moved meanwhile */
	if (root)
		snprintf(path, sizeof(path), "%s/buddyinfo", root);
	else
		snprintf(path, sizeof(path), "%s", live_paths[SNAP_BUDDYINFO]);
	ret = text_read_file(path, &t);
	if (!ret)
		ret = buddyinfo_parse(t.data, t.len, last, &perr);
	text_free(&t);
	if (ret)
		snprintf(errbuf, errlen, "%.200s: re-read failed", path);
	return ret;
}

int snapshot_take(struct snapshot *snap, const char *root, char *errbuf, size_t errlen)
{
	struct timespec ts;
	struct utsname u;
	int ret = 0;

	memset(snap, 0, sizeof(*snap));
	snap->page_size = sysconf(_SC_PAGESIZE);
	if (!root && uname(&u) == 0)
		snprintf(snap->release, sizeof(snap->release), "%s", u.release);
	for (snap->attempts = 1; snap->attempts <= SNAP_MAX_ATTEMPTS; snap->attempts++) {
		struct buddyinfo last = { 0 };
		uint64_t before, after, tolerance;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		snap->monotonic = (double)ts.tv_sec + ts.tv_nsec / 1e9;
		snap->wall = (int64_t)time(NULL);
		free_parts(snap);
		memset(snap->why_missing, 0, sizeof(snap->why_missing));
		ret = read_once(snap, root, &last, errbuf, errlen);
		if (ret) {
			buddyinfo_free(&last);
			break;
		}
		before = total_free(&snap->buddy);
		after = total_free(&last);
		buddyinfo_free(&last);
		snap->drift_pages = before > after ? before - after : after - before;
		/* 0.2% of free memory plus a few pcp batches: what an idle system moves */
		tolerance = before / 500 + 256;
		if (snap->drift_pages <= tolerance)
			break;
	}
	if (snap->attempts > SNAP_MAX_ATTEMPTS)
		snap->attempts = SNAP_MAX_ATTEMPTS;
	if (ret)
		free_parts(snap);
	return ret;
}

void snapshot_free(struct snapshot *snap)
{
	free_parts(snap);
}

static void write_u64_array(struct json_writer *w, const char *key, const uint64_t *v, int n)
{
	json_array_begin(w, key);
	for (int i = 0; i < n; i++)
		json_uint(w, NULL, v[i]);
	json_array_end(w);
}

static void write_index(struct json_writer *w, const char *key, const struct extfrag *ef,
			bool have, int node, const char *zone)
{
	const struct extfrag_zone *ez = have ? extfrag_find(ef, node, zone) : NULL;

	if (!ez)
		return;
	json_array_begin(w, key);
	for (int o = 0; o < ez->nr_orders; o++)
		json_double(w, NULL, ez->index[o]);
	json_array_end(w);
}

static void write_pagetype(struct json_writer *w, const struct pagetypeinfo *pi,
			   const struct pagetype_zone *pz)
{
	json_object_begin(w, "free_by_type");
	for (int t = 0; t < pi->nr_types; t++)
		write_u64_array(w, pi->types[t], pz->free[t], pi->nr_orders);
	json_object_end(w);
	if (pz->has_blocks) {
		json_object_begin(w, "blocks_by_type");
		for (int t = 0; t < pi->nr_types; t++)
			json_uint(w, pi->types[t], pz->blocks[t]);
		json_object_end(w);
	}
}

static void write_zone(struct json_writer *w, const struct snapshot *snap,
		       const struct zoneinfo_zone *z)
{
	const struct buddy_zone *bz = buddyinfo_find(&snap->buddy, z->node, z->zone);
	const struct pagetype_zone *pz = snapshot_has(snap, SNAP_PAGETYPEINFO) ?
		pagetypeinfo_find(&snap->pagetype, z->node, z->zone) : NULL;
	uint64_t kb = (uint64_t)snap->page_size / 1024;

	json_object_begin(w, NULL);
	json_int(w, "node", z->node);
	json_string(w, "zone", z->zone);
	json_int(w, "zone_index", z->index);
	json_bool(w, "populated", z->populated);
	json_uint(w, "free_pages", z->free);
	json_uint(w, "free_kb", z->free * kb);
	json_uint(w, "min", z->min);
	json_uint(w, "low", z->low);
	json_uint(w, "high", z->high);
	json_uint(w, "boost", z->boost);
	if (z->has_promo)
		json_uint(w, "promo", z->promo);
	json_uint(w, "spanned", z->spanned);
	json_uint(w, "present", z->present);
	json_uint(w, "managed", z->managed);
	json_uint(w, "cma", z->cma);
	write_u64_array(w, "lowmem_reserve", z->protection, z->nr_protection);
	if (z->has_nr_free_cma)
		json_uint(w, "nr_free_cma", z->nr_free_cma);
	if (bz) {
		write_u64_array(w, "buddy", bz->free, bz->nr_orders);
		json_uint(w, "buddy_free_pages", buddy_zone_free_pages(bz));
		json_int(w, "max_free_order", buddy_zone_max_order(bz));
	}
	if (pz)
		write_pagetype(w, &snap->pagetype, pz);
	write_index(w, "extfrag_index", &snap->extfrag_index,
		    snapshot_has(snap, SNAP_EXTFRAG_INDEX), z->node, z->zone);
	write_index(w, "unusable_index", &snap->unusable_index,
		    snapshot_has(snap, SNAP_UNUSABLE_INDEX), z->node, z->zone);
	json_object_end(w);
}

void snapshot_write_json(struct json_writer *w, const char *key, const struct snapshot *snap)
{
	json_object_begin(w, key);
	json_string(w, "kernel_release", snap->release);
	json_int(w, "time", snap->wall);
	json_double(w, "monotonic", snap->monotonic);
	json_int(w, "page_size", snap->page_size);
	if (snapshot_has(snap, SNAP_PAGETYPEINFO)) {
		json_int(w, "pageblock_order", snap->pagetype.pageblock_order);
		json_array_begin(w, "migratetypes");
		for (int t = 0; t < snap->pagetype.nr_types; t++)
			json_string(w, NULL, snap->pagetype.types[t]);
		json_array_end(w);
	}
	json_object_begin(w, "consistency");
	json_int(w, "attempts", snap->attempts);
	json_uint(w, "drift_pages", snap->drift_pages);
	json_object_end(w);
	json_object_begin(w, "missing");
	for (int p = 0; p < SNAP_NR_PARTS; p++)
		if (!snapshot_has(snap, (enum snapshot_part)p))
			json_string(w, part_names[p], snap->why_missing[p]);
	json_object_end(w);
	json_array_begin(w, "zones");
	for (size_t i = 0; i < snap->zones.nr_zones; i++)
		write_zone(w, snap, &snap->zones.zones[i]);
	json_array_end(w);
	json_object_begin(w, "vmstat");
	for (size_t i = 0; i < snap->vmstat.nr; i++)
		json_uint(w, snap->vmstat.items[i].name, snap->vmstat.items[i].value);
	json_object_end(w);
	json_object_end(w);
}

void snapshot_delta_write_json(struct json_writer *w, const char *key,
			       const struct snapshot *a, const struct snapshot *b)
{
	json_object_begin(w, key);
	json_double(w, "seconds", b->monotonic - a->monotonic);
	json_array_begin(w, "zones");
	for (size_t i = 0; i < b->buddy.nr_zones; i++) {
		const struct buddy_zone *zb = &b->buddy.zones[i];
		const struct buddy_zone *za = buddyinfo_find(&a->buddy, zb->node, zb->zone);

		if (!za)
			continue;
		json_object_begin(w, NULL);
		json_int(w, "node", zb->node);
		json_string(w, "zone", zb->zone);
		json_int(w, "free_pages", (int64_t)(buddy_zone_free_pages(zb) -
						    buddy_zone_free_pages(za)));
		json_array_begin(w, "buddy");
		for (int o = 0; o < zb->nr_orders && o < za->nr_orders; o++)
			json_int(w, NULL, (int64_t)(zb->free[o] - za->free[o]));
		json_array_end(w);
		json_int(w, "max_free_order_before", buddy_zone_max_order(za));
		json_int(w, "max_free_order_after", buddy_zone_max_order(zb));
		json_object_end(w);
	}
	json_array_end(w);
	/* only counters that moved: a delta of 0 is noise in a report */
	json_object_begin(w, "vmstat");
	for (size_t i = 0; i < b->vmstat.nr; i++) {
		int64_t d;

		if (vmstat_delta(&a->vmstat, &b->vmstat, b->vmstat.items[i].name, &d) && d)
			json_int(w, b->vmstat.items[i].name, d);
	}
	json_object_end(w);
	json_object_end(w);
}
