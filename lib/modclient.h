/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the fragtest module's debugfs interface (docs/module.md): open
 * fragtest/ctl, send a request, read its reply, and pick values out of the
 * reply's records ("TYPE key=value ...", one per line).
 */
#ifndef FRAGTEST_MODCLIENT_H
#define FRAGTEST_MODCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

#define FTC_CTL_PATH	"/sys/kernel/debug/fragtest/ctl"
#define FTC_INFO_PATH	"/sys/kernel/debug/fragtest/info"
#define FTC_MAX_ORDERS	16

struct ft_client {
	int fd;
	char *reply;		/* NUL-terminated reply of the last request */
	size_t len, cap;
	int err;		/* 0, or the -errno the last request got */
	uint64_t request_ns;	/* write() + read() of the last request */
};

/* path NULL: $FRAGTEST_CTL or FTC_CTL_PATH. 0 or -errno. */
int ftc_open(struct ft_client *c, const char *path);
void ftc_close(struct ft_client *c);
/* A hint to append to the message of a failed ftc_open(). */
const char *ftc_open_hint(int err);
/*
 * Send one request and read its whole reply. Returns 0, or the -errno of a
 * refused request (EINVAL, ENOENT ...) with the reason in the reply, or the
 * -errno of a failed read.
 */
int ftc_request(struct ft_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The reason of a refused request ("" when none), copied into buf. */
const char *ftc_reason(const struct ft_client *c, char *buf, size_t len);

/*
 * The nth (0-based) record of type whose index= is index (-1: any index);
 * returns a pointer to the record's line (up to '\n') or NULL.
 */
const char *ftc_record(const char *reply, const char *type, int index, int nth);
/*
 * Whether the module cut a step at its time budget ("truncated=1" in a
 * result or drain record): the request then did not build, or did not try,
 * all it asked for, and what it reports is no evidence about the allocator.
 */
bool ftc_reply_cut(const char *reply);
bool ftc_get_u64(const char *rec, const char *key, uint64_t *out);
bool ftc_get_int(const char *rec, const char *key, int *out);
bool ftc_get_str(const char *rec, const char *key, char *buf, size_t len);
int ftc_count_records(const char *reply, const char *type, int index);

struct ftc_result {
	unsigned int attempts, successes, failures, vmalloc;
	bool have_latency;
	uint64_t min_ns, median_ns, p99_ns, max_ns, mean_ns;
};
/* result and latency records of step index. 0 or -ENOENT. */
int ftc_parse_result(const char *reply, int index, struct ftc_result *out);

#define FTC_MAX_ZONES	8

struct ftc_buddy {
	int node;
	char zone[16];
	int zidx;			/* zone index (ZONE_DMA = 0 ...); -1: not reported */
	uint64_t free, min, low, high, boost, managed, highatomic;
	int64_t free_highatomic;	/* -1: this kernel does not count it (< 6.12) */
	uint64_t cma;			/* NR_FREE_CMA_PAGES */
	int nr_lowmem_reserve;		/* 0: not reported */
	int64_t lowmem_reserve[FTC_MAX_ZONES];
	int max_free_order, nr_orders;
	uint64_t nr_free[FTC_MAX_ORDERS];
	bool have_lists;
	char lists[FTC_MAX_ORDERS][8];	/* non-empty free lists per order: "UM", "" */
	int nr_pcp;			/* orders described in pcp[]; 0: not reported */
	char pcp[FTC_MAX_ORDERS][8];	/* the capturing CPU's non-empty per-cpu lists */
	/* compaction deferral (compact_defer=): considered, defer_shift, order_failed */
	bool have_compact_defer;
	unsigned int compact_considered, compact_defer_shift;
	int compact_order_failed;
};
/* buddy records of step index, up to max; returns how many. */
int ftc_parse_buddy(const char *reply, int index, struct ftc_buddy *out, int max);
/*
 * The largest free block order over all zones of step index's buddy records
 * (-1: all empty), and into where (may be NULL) the zone that has it;
 * -ENOENT when the step has no buddy record, -EPROTO when one is malformed.
 */
int ftc_largest_free_order(const char *reply, int index, struct ftc_buddy *where);

struct ftc_pool {
	char name[32];
	uint64_t objects, pages, bytes;
};
/* pool records into out (up to max) and the totals; returns the pool count or -ENOENT. */
int ftc_parse_pools(const char *reply, struct ftc_pool *out, int max, struct ftc_pool *total);

struct ftc_info {
	char version[16], release[80];
	unsigned long page_size;
	int top_order, pageblock_order, max_count, max_request, max_pools;
	uint64_t kmalloc_max_size, kmalloc_max_cache_size;
};
int ftc_parse_info(const char *reply, struct ftc_info *out);

/* Every record of the reply as a JSON array of objects {"type": ..., key: value}. */
void ftc_write_records_json(struct json_writer *w, const char *key, const char *reply);

/* For the CLI: a refusal's reason or an open failure on stderr; returns 3. */
int ftc_print_failure(const struct ft_client *c, int err, const char *what);
/* A human summary of an alloc or try step of the reply. */
void ftc_print_step(FILE *out, const char *reply, int index);
/* {"request", "ok", "error", "reason", "request_ns", "records": [...]} */
void ftc_write_json(const struct ft_client *c, const char *request, int err, FILE *out,
		    bool pretty);

#endif
