/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page allocator events of one process in a private tracefs instance, so a
 * test can see every allocation attempt its own calls made (and failed), and
 * which of them entered direct reclaim or direct compaction, without touching
 * the global trace buffer other users may rely on:
 *   kmem:mm_page_alloc                       one per __alloc_pages call, at its end
 *   vmscan:mm_vmscan_direct_reclaim_begin    in the allocating task, before it
 *   compaction:mm_compaction_try_to_compact_pages   likewise
 * and, on request (trace_alloc_nodes()), the events that name the node a
 * call's slow path works on, also logged in the allocating task:
 *   vmscan:mm_vmscan_wakeup_kswapd           a kswapd the call woke
 *   vmscan:mm_vmscan_lru_shrink_inactive     a node's LRU direct reclaim scanned
 *   compaction:mm_compaction_suitable        a zone direct compaction (or
 *                                            reclaim's compaction check) considered
 *   compaction:mm_compaction_deferred        a zone it skipped as deferred
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
/*
 * Also enable the node-naming events above for process pid, so that
 * alloc_calls_parse() fills alloc_call.nodes. 0 or -errno with why.
 */
int trace_alloc_nodes(struct trace_instance *ti, int pid, char *why, size_t whylen);
/*
 * Also log where process pid's compactions scanned and why each ended
 * (compaction:mm_compaction_begin, _end, _finished, _isolate_migratepages,
 * _isolate_freepages, _migratepages), and
 * every kswapd wake and sleep (any pid). For the record of a test; the
 * parsers below skip these lines. 0 or -errno with why.
 */
int trace_compaction_detail(struct trace_instance *ti, int pid, char *why, size_t whylen);
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
	/*
	 * Nodes (bit per node id, ids >= 64 not kept) named by the kswapd
	 * wakeups, direct reclaim and compaction events logged during the
	 * call; 0 without trace_alloc_nodes() or when the call found its page
	 * in the fast path.
	 */
	unsigned long long nodes;
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
