/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conditions on the live allocator state, for `fragment --until`:
 *
 *   unusable_index(zone=Normal,order=4) >= 0.9
 *   max_free_order(zone=DMA32) < 4 && free_kb >= 200000
 *
 * Terms are METRIC[(key=value,...)] OP NUMBER joined by && and || (&& binds
 * tighter). Metrics, over all zones (and nodes) unless zone=/node= narrow
 * them:
 *   unusable_index(order=N)   1 - free pages in blocks >= N / free pages
 *                             (the kernel's formula; 1 when nothing is free)
 *   max_free_order            highest order with a free block, -1 if none
 *   free_kb                   free memory per buddyinfo, in kB
 *   free_pages_at_or_above(order=N)
 *   vmstat(name=COUNTER)      a /proc/vmstat counter
 *   meminfo(name=FIELD)       a /proc/meminfo field, in kB as printed
 */
#ifndef FRAGTEST_FRAGCOND_H
#define FRAGTEST_FRAGCOND_H

#include <stdbool.h>
#include <stddef.h>

#include "buddyinfo.h"
#include "json.h"
#include "meminfo.h"
#include "vmstat.h"

struct fragcond;

struct fragcond_state {
	const struct buddyinfo *buddy;
	const struct vmstat *vmstat;	/* may be NULL if no term needs it */
	const struct meminfo *meminfo;	/* likewise */
	long page_size;
};

/* Parse text; on error returns -EINVAL with a message naming the column. */
int fragcond_parse(const char *text, struct fragcond **out, char *err, size_t errlen);
void fragcond_free(struct fragcond *c);
bool fragcond_needs_vmstat(const struct fragcond *c);
bool fragcond_needs_meminfo(const struct fragcond *c);

/*
 * 1 when the condition holds, 0 when not, -ENOENT when a term names a zone,
 * counter or field the state lacks (err says which). *score is how close
 * the state came: 0 when every term holds, otherwise the negative sum over
 * failing terms of their shortfall relative to the threshold.
 */
int fragcond_eval(const struct fragcond *c, const struct fragcond_state *s, double *score,
		  char *err, size_t errlen);
/* "unusable_index(...)=0.731 max_free_order(...)=7" into buf, for progress lines. */
void fragcond_describe(const struct fragcond *c, const struct fragcond_state *s, char *buf,
		       size_t len);
/* The condition's text and each term's current value and verdict. */
void fragcond_write_json(struct json_writer *w, const char *key, const struct fragcond *c,
			 const struct fragcond_state *s);

#endif
