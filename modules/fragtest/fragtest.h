/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fragtest: shared definitions of the allocation helper module.
 *
 * A request is one write() to debugfs fragtest/ctl: one or more steps
 * separated by ';'. Every step is parsed and checked before any runs, all of
 * them run under one mutex in one call, and the reply is kept for the file
 * description that wrote the request (see docs/module.md).
 */
#ifndef FRAGTEST_H
#define FRAGTEST_H

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mmzone.h>
#include <linux/numa.h>
#include <linux/types.h>

#define FT_VERSION		"1.0"
#define FT_MAX_REQUEST		4096	/* bytes per write */
#define FT_MAX_STEPS		16
#define FT_MAX_COUNT		65536	/* attempts per step */
#define FT_MAX_LISTED		1024	/* attempt lines per step in the reply */
#define FT_MAX_WHERE		32	/* distinct (node, zone, migratetype) */
#define FT_POOL_NAME_LEN	32
#define FT_MAX_POOLS		16
#define FT_REASON_LEN		192
/*
 * The longest each step of a drain/try section, and the section, run with
 * bottom halves disabled: half the soft lockup threshold. A drain zeroes
 * every block it takes (init_on_alloc), ~90 MB in a 1 GiB VM, which takes
 * seconds under TCG on a loaded host.
 */
#define FT_ATOMIC_BUDGET_NS	(10 * NSEC_PER_SEC)
#define FT_ATOMIC_TAIL_NS	(10 * NSEC_PER_SEC)

/*
 * The top order: up to 6.3 MAX_ORDER is a count (11 on x86), 6.4..6.7 make
 * it the top order itself, 6.8+ call the top order MAX_PAGE_ORDER. The
 * MAX_ORDER_NR_PAGES of each era tells the first two apart.
 */
#if defined(MAX_PAGE_ORDER)
#define FT_TOP_ORDER		MAX_PAGE_ORDER
#elif MAX_ORDER_NR_PAGES == (1 << MAX_ORDER)
#define FT_TOP_ORDER		MAX_ORDER
#else
#define FT_TOP_ORDER		(MAX_ORDER - 1)
#endif
#define FT_NR_ORDERS		(FT_TOP_ORDER + 1)
/* Both migratetype modifiers at once name no migratetype. */
#define FT_MT_MASK		(__GFP_MOVABLE | __GFP_RECLAIMABLE)

enum ft_api {
	FT_API_ALLOC_PAGES,
	FT_API_ALLOC_PAGES_NODE,
	FT_API_FOLIO_ALLOC,
	FT_API_KMALLOC,
	FT_API_KVMALLOC,
	FT_API_VMALLOC,
	FT_NR_API
};

enum ft_verb {
	FT_VERB_ALLOC,
	FT_VERB_TRY,
	FT_VERB_PIN,
	FT_VERB_DRAIN,
	FT_VERB_FREE,
	FT_VERB_POOLS,
	FT_VERB_INFO,
	FT_VERB_GFP,
	FT_VERB_UNDEFER,
	FT_VERB_SETTLE,
};

#define FT_ALL		(-2)	/* node=all / zone=all */

struct ft_pool;
struct ft_result;

struct ft_step {
	enum ft_verb verb;
	enum ft_api api;
	gfp_t gfp;
	bool gfp_set;
	int order;		/* -1: size given */
	size_t size;		/* bytes per attempt */
	int node;		/* NUMA_NO_NODE, FT_ALL or a node id */
	int zone;		/* FT_ALL or a zone index */
	unsigned int count;
	char pool[FT_POOL_NAME_LEN];	/* "": free at once */
	bool all;		/* free all */
	/* pin */
	u64 floor;
	bool floor_set, floor_pct;
	unsigned int k;		/* keep one page in every aligned 2^k group */
	bool alt;		/* pattern=alt: k is 1 */
	bool refs;		/* refs=1: a page reference in every group we hold none of */
	/* drain */
	unsigned int above;
	unsigned int below_pct;	/* 0: whole zone; else keep blocks below this % of its span */
	/* settle: how long it waited, and whether the reclaimers went idle */
	u64 settle_ns;
	bool settled;
	/* filled in while preparing and running */
	u64 deadline;		/* ktime ns, set only with bottom halves disabled; 0: none */
	struct ft_pool *target;
	struct ft_result *res;
};

struct ft_request {
	int nr;
	struct ft_step steps[FT_MAX_STEPS];
};

/* Growable reply text. */
struct ft_reply {
	char *buf;
	size_t len, cap;
	bool oom;
};

/* Error of a request: errno and a sentence the caller can read. */
struct ft_ctx {
	struct ft_reply *reply;
	int err;
	int step;		/* 0-based step, -1 for the whole request */
	char reason[FT_REASON_LEN];
	u64 held;		/* bytes held in pools when the checked step runs */
};

__printf(2, 3) void ft_printf(struct ft_reply *r, const char *fmt, ...);
void ft_reply_free(struct ft_reply *r);
__printf(3, 4) int ft_fail(struct ft_ctx *ctx, int err, const char *fmt, ...);

/* gfp.c */
int ft_gfp_parse(const char *text, gfp_t *out, struct ft_ctx *ctx);
void ft_gfp_describe(gfp_t gfp, char *buf, size_t len);
void ft_gfp_table(struct ft_reply *r);
bool ft_gfp_blocking(gfp_t gfp);

/* parse.c */
int ft_parse_request(char *text, struct ft_request *req, struct ft_ctx *ctx);
const char *ft_api_name(enum ft_api api);
const char *ft_verb_name(enum ft_verb verb);
int ft_zone_index(const char *name);
const char *ft_zone_name(int idx);
const char *ft_mt_name(int mt);

/* alloc.c */
struct ft_where {
	int node, zone, mt;
	unsigned long pages;
};

struct ft_attempt {
	u64 ns;
	unsigned long pfn;
	s16 node;
	s8 zone, mt;
	bool ok, vmalloc;
};

/* A zone's compaction deferral state (compaction_deferred()). */
struct ft_defer_zone {
	int node, zone;
	unsigned int considered, shift;
	int order_failed;		/* -1: no CONFIG_COMPACTION */
	bool skip_flush;		/* compact_blockskip_flush */
};

struct ft_buddy_zone {
	int node, zone;
	unsigned long free, min, low, high, boost, managed, highatomic;
	long free_highatomic;		/* -1: the kernel does not count it */
	unsigned long cma;
	long lowmem_reserve[MAX_NR_ZONES];
	unsigned long nr_free[FT_NR_ORDERS];
	u8 lists[FT_NR_ORDERS];		/* bit mt: free_area[o].free_list[mt] not empty */
	u8 pcp[PAGE_ALLOC_COSTLY_ORDER + 1];	/* bit mt: this CPU's pcp list not empty */
	struct ft_defer_zone defer;
};

struct ft_pin_zone {
	int node, zone;
	unsigned long floor, free_before, pinned, released, kept, free_after;
	unsigned long refs, unguarded;	/* refs=1: groups referenced, groups left without */
	unsigned long pfn_lo, pfn_hi;	/* lowest and highest kept page; pfn_lo > pfn_hi: none */
	bool fell_back, interrupted;
};

struct ft_result {
	unsigned int attempts, successes, failures;
	unsigned int nr_vmalloc;
	bool truncated;		/* stopped early: deadline or fatal signal */
	u64 *lat;
	struct ft_attempt *att;	/* first FT_MAX_LISTED attempts */
	struct ft_where where[FT_MAX_WHERE];
	int nr_where;
	unsigned long where_other;	/* pages beyond FT_MAX_WHERE tuples */
	struct list_head spare;	/* preallocated object records */
	/* try: the buddy state just before the first attempt */
	struct ft_buddy_zone *buddy;
	int nr_buddy;
	/* pin */
	struct ft_pin_zone *pin;
	int nr_pin;
	/* drain */
	unsigned long drained[FT_NR_ORDERS];
	unsigned long returned;		/* below=: pages taken above the limit, given back */
	unsigned long pfn_lo, pfn_hi;	/* first and last page kept; pfn_lo > pfn_hi: none */
	u64 drain_ns, slowest_alloc_ns;	/* the whole drain; its slowest allocation */
	/* undefer: each target zone as it was found */
	struct ft_defer_zone *defer;
	int nr_defer;
};

int ft_alloc_prepare(struct ft_step *s, struct ft_ctx *ctx);
void ft_alloc_run(struct ft_step *s);
void ft_alloc_report(struct ft_step *s, int idx, struct ft_reply *r);
void ft_result_free(struct ft_result *res);
void ft_describe_page(struct page *page, int *node, int *zone, int *mt);
bool ft_atomic_ok(const struct ft_step *s);

/* pool.c */
struct ft_pool {
	struct list_head node;
	char name[FT_POOL_NAME_LEN];
	struct list_head pages;		/* page->lru, page_private = order | kind */
	struct list_head objs;		/* struct ft_obj */
	struct list_head refs;		/* struct ft_refs: pages we hold a reference on */
	unsigned long nr_objs, nr_pages;
	u64 bytes;
};

struct ft_obj {
	struct list_head list;
	enum ft_api api;
	void *ptr;
	size_t bytes;
};

/*
 * References taken on pages in use by others (pin refs=1), dropped with
 * put_page() when the pool is freed. Their page->lru belongs to the owner,
 * so they are kept in an array, not chained like the pool's own pages.
 */
struct ft_refs {
	struct list_head list;
	unsigned long nr;
	struct page *pages[];
};

#define FT_PAGE_FOLIO	0x100	/* page_private flag: free with folio_put() */

struct ft_pool *ft_pool_find(const char *name);
struct ft_pool *ft_pool_get(const char *name, struct ft_ctx *ctx);
void ft_pool_add_page(struct ft_pool *p, struct page *page, unsigned int order, bool folio);
void ft_pool_add_obj(struct ft_pool *p, struct ft_obj *obj);
void ft_pool_add_refs(struct ft_pool *p, struct ft_refs *refs);
void ft_pool_free(struct ft_pool *p, struct ft_reply *r);
void ft_pool_free_all(struct ft_reply *r);
void ft_pool_list(struct ft_reply *r);
void ft_pool_prune_empty(void);
u64 ft_pool_held_bytes(void);
void ft_free_obj_mem(enum ft_api api, void *ptr);

/* frag.c */
#define FT_MAX_TARGETS	(4 * MAX_NR_ZONES)
int ft_targets(struct ft_step *s, struct zone **out, int max, struct ft_ctx *ctx);
int ft_frag_check(struct ft_step *s, struct ft_ctx *ctx);
int ft_frag_prepare(struct ft_step *s, struct ft_ctx *ctx);
void ft_pin_run(struct ft_step *s);
void ft_drain_run(struct ft_step *s);
void ft_buddy_capture(struct ft_result *res);
void ft_frag_report(struct ft_step *s, int idx, struct ft_reply *r);
int ft_zone_gfp(int zone, gfp_t *bits);

/* compact.c */
int ft_undefer_prepare(struct ft_step *s, struct ft_ctx *ctx);
void ft_undefer_run(struct ft_step *s);
void ft_undefer_report(struct ft_step *s, int idx, struct ft_reply *r);
void ft_settle_run(struct ft_step *s);
void ft_settle_report(struct ft_step *s, int idx, struct ft_reply *r);
void ft_defer_read(struct zone *zone, struct ft_defer_zone *d);

#endif /* FRAGTEST_H */
