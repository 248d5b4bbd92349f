/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From one parsed allocation-failure report to one named cause with the
 * numbers behind it, the contributing factors read from the GFP mask, and
 * remedies grounded in the case. Uses the era tables (gfp_layout) and the
 * watermark model; prints nothing.
 */
#ifndef FRAGTEST_DIAGNOSE_H
#define FRAGTEST_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "gfp_layout.h"
#include "report_parse.h"
#include "watermark.h"

enum dx_cause {
	DX_FRAGMENTATION,
	DX_WATERMARK,
	DX_MIGRATETYPE,
	DX_ZONE_EXHAUSTED,
	DX_LOWMEM_RESERVE,
	DX_LOW_MEMORY,
	DX_INCONCLUSIVE,
	DX_INSUFFICIENT_DATA,
};

enum dx_zone_status {
	DZ_NOT_ALLOWED,		/* the mask or nodemask rules the zone out */
	DZ_UNKNOWN,		/* watermarks or buddy lines missing */
	DZ_PASS,		/* the printed numbers pass the check */
	DZ_LOW,			/* free pages at or below the (reduced) min */
	DZ_WATERMARK,		/* blocks exist, the watermark arithmetic refuses */
	DZ_LOWMEM_RESERVE,	/* would pass but for lowmem_reserve[] */
	DZ_MIGRATETYPE,		/* blocks >= order only on lists it may not use */
	DZ_FRAGMENTED,		/* no block >= order at all */
};

#define DX_MAX_ITEMS	24
#define DX_TEXT		400

struct dx_zone {
	int rz;			/* index in rp_report.zones */
	int zone_idx;		/* position in lowmem_reserve[], -1 unknown */
	bool allowed;
	bool primary;		/* not a tiny zone like ZONE_DMA */
	bool have_wm;
	bool estimated;		/* watermarks borrowed from the same zone on another node */
	int borrowed_from;	/* rz of that zone */
	long page_kb;
	long free_kb;		/* zone free: or buddy sum */
	long weight_kb;		/* managed, present or free: for "tiny" */
	enum dx_zone_status status;
	struct wm_zone wz;
	struct wm_result res;		/* slow path, ALLOC_WMARK_MIN */
	struct wm_result res_nolr;	/* same without lowmem_reserve */
	struct wm_result res_low;	/* fast path, ALLOC_WMARK_LOW, no reductions */
	long max_min;			/* largest passing min, pages; -1 none */
};

struct dx_result {
	enum dx_cause cause;
	const struct gfp_era *era;
	char era_note[160];		/* how the era was chosen */
	enum wm_era wm_era;
	struct wm_rules wm_rules;
	unsigned kv;
	bool have_mask;
	uint32_t mask;
	char names[256];		/* the names used below */
	bool names_from_report;
	char decoded[256];		/* our decoding of mask in era */
	bool decode_checked, decode_matches;
	struct gfp_semantics sem;
	unsigned alloc_flags;
	int highest_zoneidx;
	int deciding;			/* index in zones[] that decided, -1 */
	struct dx_zone zones[RP_MAX_ZONES];
	int nr_zones;
	char summary[DX_TEXT * 2];
	char evidence[DX_MAX_ITEMS][DX_TEXT];
	int nr_evidence;
	char factors[DX_MAX_ITEMS][DX_TEXT];
	int nr_factors;
	char remedies[DX_MAX_ITEMS][DX_TEXT];
	int nr_remedies;
	char reproduce[DX_TEXT];
};

void dx_diagnose(const struct rp_report *r, struct dx_result *out);
const char *dx_cause_name(enum dx_cause c);
const char *dx_zone_status_name(enum dx_zone_status s);

/*
 * The era a report's kernel used: from its version line, else from the
 * printed names (the newest layout whose decoding matches), else from the
 * report's format. note explains the choice.
 */
const struct gfp_era *dx_report_era(const struct rp_report *r, unsigned *kv,
				    char *note, size_t note_len);

#endif
