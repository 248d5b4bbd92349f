/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel log text as people paste it -> allocation-failure reports. Handles
 * dmesg with or without timestamps, dmesg -T/-H, journalctl and syslog
 * prefixes, Android "[pid:comm]" prefixes, printk caller ids, e-mail
 * quoting, lines wrapped by mailers, several reports in one log, truncated
 * reports, pre-%pGg hex-only modes and vmalloc failures. Pure text in,
 * structs out; no diagnosis here.
 */
#ifndef FRAGTEST_REPORT_PARSE_H
#define FRAGTEST_REPORT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RP_MAX_ORDERS	16
#define RP_MAX_ZONES	24
#define RP_MAX_LOWMEM	8
#define RP_MAX_CALLERS	6
#define RP_MAX_WARN	8

struct rp_buddy {
	long count;
	long size_kb;
	unsigned types;		/* bit (1u << wm_mt) per letter shown */
	char letters[8];	/* as printed, e.g. "UMEH" */
};

struct rp_zone {
	int node;		/* -1: the report did not say */
	char name[12];		/* DMA, DMA32, Normal, HighMem, Movable, Device */
	bool have_line;		/* "Node N Zone free:..." seen */
	bool have_buddy;	/* "Node N Zone: n*4kB ..." seen */
	/* kB as printed; -1 when the field was absent */
	long free_kb, min_kb, low_kb, high_kb;
	long present_kb, managed_kb, free_cma_kb;
	long reserved_highatomic_kb, free_highatomic_kb;
	long lowmem_reserve[RP_MAX_LOWMEM];	/* pages, as printed */
	int nr_lowmem;				/* 0: no lowmem_reserve line */
	struct rp_buddy buddy[RP_MAX_ORDERS];
	int nr_buddy;
	long page_kb;			/* size of the order-0 entry */
	bool buddy_types;		/* letters were printed */
	long buddy_total_kb;		/* the "= NNNkB" value, -1 absent */
	bool buddy_total_truncated;	/* "= 412612k" or cut short */
	long buddy_sum_kb;		/* our sum of count * size */
};

struct rp_report {
	int first_line, last_line;	/* 1-based, in the input */
	char comm[64];
	int pid;			/* -1 unknown */
	char kernel_version[64];	/* "" when not printed */
	/*
	 * The upstream release a distribution's ABI name is built from, when the
	 * line names it ("6.1.0-56-amd64 #1 Debian 6.1.192-2" -> "6.1.192"):
	 * stable updates change the rules inside one ABI name. "" otherwise.
	 */
	char kernel_upstream[32];
	bool vmalloc;
	long vmalloc_size;		/* bytes, -1 unknown */
	int order;			/* -1 unknown (vmalloc without order) */
	bool have_mode;
	uint32_t mode;
	bool have_names;
	char mode_names[256];		/* as printed in "(...)" */
	bool old_format;		/* "page allocation failure. order:" */
	char nodemask[64];
	char cpuset[96];
	char mems_allowed[64];
	char callers[RP_MAX_CALLERS][96];	/* frames past the allocator */
	int nr_callers;
	bool callers_unreliable;	/* only "? " frames were available */
	bool via_kmalloc;		/* kmalloc/kmalloc_order/kmalloc_large frames */
	bool via_slab;			/* slab refill frames (kmem_cache_alloc, new_slab) */
	bool via_vmalloc;
	bool have_meminfo;
	long mi_free, mi_free_pcp, mi_free_cma;		/* pages, -1 unknown */
	long mi_active_file, mi_inactive_file, mi_slab_reclaimable;
	long pages_ram, pages_reserved, pages_cma_reserved;
	struct rp_zone zones[RP_MAX_ZONES];
	int nr_zones;
	char warn[RP_MAX_WARN][128];
	int nr_warn;
};

struct rp_list {
	struct rp_report *v;
	size_t n, cap;
};

/*
 * Parse len bytes of text (need not be NUL-terminated). Appends to out.
 * Returns 0, or -ENOMEM with out holding what was parsed so far.
 */
int rp_parse(const char *text, size_t len, struct rp_list *out);
void rp_free(struct rp_list *l);

/*
 * Strip the decorations in front of a kernel message (timestamps, syslog,
 * journal, Android, quoting). Returns a pointer into line; *cont is set when
 * the line looks like a continuation (indented, no prefix of its own).
 * Exposed for the tests.
 */
const char *rp_strip_prefix(const char *line, const char *end, bool *cont);

#endif
