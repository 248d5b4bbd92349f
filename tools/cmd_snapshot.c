// SPDX-License-Identifier: GPL-2.0
/* fragtest snapshot: print one consistent snapshot, or the delta over an interval. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "json.h"
#include "snapshot.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest snapshot [--json] [--pretty] [--root DIR] [--delta SECONDS]\n"
		"  Reads buddyinfo, pagetypeinfo, zoneinfo, vmstat and the debugfs extfrag\n"
		"  indices back to back (retrying until free memory held still) and prints them.\n"
		"  --json          machine-readable output\n"
		"  --pretty        indented JSON\n"
		"  --root DIR      read files named buddyinfo, zoneinfo, ... from DIR instead\n"
		"  --delta SECS    take two snapshots SECS apart and print what changed\n");
}

static void print_text(const struct snapshot *snap)
{
	printf("kernel %s, page size %ld", snap->release[0] ? snap->release : "(files)",
	       snap->page_size);
	if (snapshot_has(snap, SNAP_PAGETYPEINFO))
		printf(", pageblock order %d", snap->pagetype.pageblock_order);
	printf(", read %d time%s, drift %llu pages\n", snap->attempts,
	       snap->attempts == 1 ? "" : "s", (unsigned long long)snap->drift_pages);
	printf("%-4s %-8s %10s %8s %8s %8s %10s %5s  %s\n", "node", "zone", "free_kB", "min",
	       "low", "high", "managed", "maxo", "free blocks per order");
	for (size_t i = 0; i < snap->zones.nr_zones; i++) {
		const struct zoneinfo_zone *z = &snap->zones.zones[i];
		const struct buddy_zone *bz = buddyinfo_find(&snap->buddy, z->node, z->zone);

		if (!z->populated)
			continue;
		printf("%-4d %-8s %10llu %8llu %8llu %8llu %10llu %5d ", z->node, z->zone,
		       (unsigned long long)(z->free * (uint64_t)snap->page_size / 1024),
		       (unsigned long long)z->min, (unsigned long long)z->low,
		       (unsigned long long)z->high, (unsigned long long)z->managed,
		       bz ? buddy_zone_max_order(bz) : -1);
		for (int o = 0; bz && o < bz->nr_orders; o++)
			printf(" %llu", (unsigned long long)bz->free[o]);
		putchar('\n');
	}
	for (int p = 0; p < SNAP_NR_PARTS; p++)
		if (!snapshot_has(snap, (enum snapshot_part)p))
			printf("missing %s: %s\n", snapshot_part_name((enum snapshot_part)p),
			       snap->why_missing[p]);
}

int cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "delta", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct snapshot a, b;
	struct json_writer w;
	const char *root = NULL;
	bool json = false, pretty = false;
	double delta = -1;
	char err[256] = "";
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			json = pretty = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'd':
			delta = strtod(optarg, &end);
			if (*end || end == optarg || !(delta >= 0 && delta <= 86400)) {
				fprintf(stderr, "fragtest snapshot: --delta wants 0..86400 seconds, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fragtest snapshot: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (snapshot_take(&a, root, err, sizeof(err))) {
		fprintf(stderr, "fragtest snapshot: %s\n", err);
		return 1;
	}
	if (delta < 0) {
		if (json) {
			json_init(&w, stdout, pretty);
			snapshot_write_json(&w, NULL, &a);
			json_finish(&w);
		} else {
			print_text(&a);
		}
		snapshot_free(&a);
		return 0;
	}
	{
		struct timespec ts = { (time_t)delta, (long)((delta - (time_t)delta) * 1e9) };

		nanosleep(&ts, NULL);
	}
	if (snapshot_take(&b, root, err, sizeof(err))) {
		fprintf(stderr, "fragtest snapshot: %s\n", err);
		snapshot_free(&a);
		return 1;
	}
	json_init(&w, stdout, pretty);
	json_object_begin(&w, NULL);
	snapshot_write_json(&w, "before", &a);
	snapshot_write_json(&w, "after", &b);
	snapshot_delta_write_json(&w, "delta", &a, &b);
	json_object_end(&w);
	json_finish(&w);
	snapshot_free(&a);
	snapshot_free(&b);
	return 0;
}
