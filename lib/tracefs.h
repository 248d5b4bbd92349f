/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmem:mm_page_alloc events in a private tracefs instance, so a test can see
 * every page allocation attempt (and failure) its own calls caused without
 * touching the global trace buffer other users may rely on.
 */
#ifndef FRAGTEST_TRACEFS_H
#define FRAGTEST_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

#include "mmzone.h"
#include "procfile.h"

struct trace_instance {
	char dir[256];		/* .../tracing/instances/<name> */
	bool created;
};

/*
 * Create instance name and enable kmem/mm_page_alloc with filter (e.g.
 * "order >= 3 && common_pid == 123", NULL for none). 0 or -errno with why.
 */
int trace_page_alloc_start(struct trace_instance *ti, const char *name, const char *filter,
			   char *why, size_t whylen);
/* Empty the instance's buffer. */
int trace_clear(const struct trace_instance *ti);
/* The instance's buffer as text (does not consume it). */
int trace_read(const struct trace_instance *ti, struct text_buf *out);
/* Disable and remove the instance; safe to call twice or after a failed start. */
void trace_stop(struct trace_instance *ti);
/* Remove a leftover instance of that name (a killed test's). */
void trace_remove_stale(const char *name);

struct page_alloc_counts {
	unsigned long attempts[FT_MAX_ORDERS];
	unsigned long failures[FT_MAX_ORDERS];	/* pfn=0x0: the allocator returned NULL */
	unsigned long lines, unparsed;
};

/*
 * Count mm_page_alloc lines of trace text per order, failed ones apart;
 * with gfp set, only lines whose gfp_flags are printed exactly so (e.g.
 * "GFP_ATOMIC|__GFP_NOWARN"), to tell a test's own call from its helpers'.
 */
void page_alloc_count(const char *text, size_t len, const char *gfp,
		      struct page_alloc_counts *out);

#endif
