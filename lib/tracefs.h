/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page allocator events of one process in a private tracefs instance, so a
 * test can see every allocation attempt its own calls made (and failed), and
 * which of them entered direct reclaim or direct compaction, without touching
 * the global trace buffer other users may rely on:
 *   kmem:mm_page_alloc                       one per __alloc_pages call, at its end
 *   vmscan:mm_vmscan_direct_reclaim_begin    in the allocating task, before it
 *   compaction:mm_compaction_try_to_compact_pages   likewise
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
 * Create instance name and enable the three events for process pid, with
 * mm_page_alloc limited to orders >= min_order. 0 or -errno with why.
 */
int trace_alloc_start(struct trace_instance *ti, const char *name, int pid, int min_order,
		      char *why, size_t whylen);
/* Empty the instance's buffer. */
int trace_clear(const struct trace_instance *ti);
/* The instance's buffer as text (does not consume it). */
int trace_read(const struct trace_instance *ti, struct text_buf *out);
/* Disable and remove the instance; safe to call twice or after a failed start. */
void trace_stop(struct trace_instance *ti);
/* Remove a leftover instance of that name (a killed test's). */
void trace_remove_stale(const char *name);

/* Trace text handed to the parsers below must be NUL-terminated at len. */
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

/* One allocation call as the trace shows it. */
struct alloc_call {
	int order;
	bool failed;
	char gfp[128];		/* gfp_flags as printed */
	int reclaims;		/* direct reclaim entries during the call */
	int compactions;	/* direct compaction entries during the call */
};

/*
 * The mm_page_alloc events of trace text in order, each with the direct
 * reclaim and compaction entries logged since the previous one (they run in
 * the allocating task before its mm_page_alloc event). Keeps the last max
 * calls and returns how many it kept; *total gets how many there were.
 */
size_t alloc_calls_parse(const char *text, size_t len, struct alloc_call *out, size_t max,
			 size_t *total);
/* The last call of that exact mask and order, or NULL. */
const struct alloc_call *alloc_call_find(const struct alloc_call *calls, size_t n,
					 const char *gfp, int order);

#endif
