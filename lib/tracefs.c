// SPDX-License-Identifier: GPL-2.0
#include "tracefs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textscan.h"

static const char *tracing_root(void)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char p[128];

		snprintf(p, sizeof(p), "%s/instances", roots[i]);
		if (!access(p, W_OK))
			return roots[i];
	}
	return NULL;
}

static int write_str(const char *dir, const char *file, const char *value)
{
	char path[512];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static const char *const events[] = {
	"kmem/mm_page_alloc",
	"vmscan/mm_vmscan_direct_reclaim_begin",
	"compaction/mm_compaction_try_to_compact_pages",
};
#define NR_EVENTS (sizeof(events) / sizeof(events[0]))

/* trace_alloc_nodes(): each prints the node first, as "node=N" or "nid=N" */
static const char *const node_events[] = {
	"vmscan/mm_vmscan_wakeup_kswapd",
	"vmscan/mm_vmscan_lru_shrink_inactive",
	"compaction/mm_compaction_suitable",
	"compaction/mm_compaction_deferred",
};
#define NR_NODE_EVENTS (sizeof(node_events) / sizeof(node_events[0]))

/*
 * trace_compaction_detail(): where each direct compaction's scanners went
 * and why it stopped (the pid's own), and when kswapd ran (any pid: it is
 * another task, and it competes with the compaction for the zone and LRU
 * locks that asynchronous compaction gives up on).
 */
static const char *const compaction_events[] = {
	"compaction/mm_compaction_begin",
	"compaction/mm_compaction_end",
	"compaction/mm_compaction_finished",
	"compaction/mm_compaction_isolate_migratepages",
	"compaction/mm_compaction_isolate_freepages",
	"compaction/mm_compaction_migratepages",
};
#define NR_COMPACTION_EVENTS (sizeof(compaction_events) / sizeof(compaction_events[0]))
static const char *const kswapd_events[] = {
	"vmscan/mm_vmscan_kswapd_wake",
	"vmscan/mm_vmscan_kswapd_sleep",
};
#define NR_KSWAPD_EVENTS (sizeof(kswapd_events) / sizeof(kswapd_events[0]))

static void disable_list(const char *dir, const char *const *list, size_t n)
{
	char f[160];

	for (size_t i = 0; i < n; i++) {
		snprintf(f, sizeof(f), "events/%s/enable", list[i]);
		write_str(dir, f, "0");
	}
}

static void disable_events(const char *dir)
{
	disable_list(dir, events, NR_EVENTS);
	disable_list(dir, node_events, NR_NODE_EVENTS);
	disable_list(dir, compaction_events, NR_COMPACTION_EVENTS);
	disable_list(dir, kswapd_events, NR_KSWAPD_EVENTS);
}

/* Filter an event of the instance to pid and enable it. */
static int enable_event(const struct trace_instance *ti, const char *event, const char *filter,
			char *why, size_t whylen)
{
	char f[160];
	int ret;

	snprintf(f, sizeof(f), "events/%s/filter", event);
	ret = write_str(ti->dir, f, filter);
	if (!ret) {
		snprintf(f, sizeof(f), "events/%s/enable", event);
		ret = write_str(ti->dir, f, "1");
	}
	if (ret)
		snprintf(why, whylen, "cannot enable %s: %s", event, strerror(-ret));
	return ret;
}

void trace_remove_stale(const char *name)
{
	const char *root = tracing_root();
	char dir[256];

	if (!root)
		return;
	snprintf(dir, sizeof(dir), "%s/instances/%s", root, name);
	if (access(dir, F_OK))
		return;
	disable_events(dir);
	rmdir(dir);
}

int trace_alloc_start(struct trace_instance *ti, const char *name, int pid, int min_order,
		      char *why, size_t whylen)
{
	const char *root = tracing_root();
	char filter[96];
	int ret;

	memset(ti, 0, sizeof(*ti));
	if (!root) {
		snprintf(why, whylen, "tracefs instances not available (CONFIG_TRACING, tracefs mounted, root)");
		return -ENOENT;
	}
	trace_remove_stale(name);
	snprintf(ti->dir, sizeof(ti->dir), "%s/instances/%s", root, name);
	if (mkdir(ti->dir, 0700)) {
		ret = -errno;
		snprintf(why, whylen, "mkdir %s: %s", ti->dir, strerror(-ret));
		return ret;
	}
	ti->created = true;
	/* a bigger buffer: a fragmented machine logs many failed attempts */
	write_str(ti->dir, "buffer_size_kb", "4096");
	for (size_t i = 0; i < NR_EVENTS; i++) {
		if (i == 0)
			snprintf(filter, sizeof(filter), "order >= %d && common_pid == %d",
				 min_order, pid);
		else
			snprintf(filter, sizeof(filter), "common_pid == %d", pid);
		ret = enable_event(ti, events[i], filter, why, whylen);
		if (ret) {
			trace_stop(ti);
			return ret;
		}
	}
	return 0;
}

int trace_alloc_nodes(struct trace_instance *ti, int pid, char *why, size_t whylen)
{
	char filter[64];

	if (!ti->created) {
		snprintf(why, whylen, "no trace instance");
		return -ENOENT;
	}
	snprintf(filter, sizeof(filter), "common_pid == %d", pid);
	for (size_t i = 0; i < NR_NODE_EVENTS; i++) {
		int ret = enable_event(ti, node_events[i], filter, why, whylen);

		if (ret)
			return ret;
	}
	return 0;
}

int trace_compaction_detail(struct trace_instance *ti, int pid, char *why, size_t whylen)
{
	char filter[64];
	int ret = 0;

	if (!ti->created) {
		snprintf(why, whylen, "no trace instance");
		return -ENOENT;
	}
	snprintf(filter, sizeof(filter), "common_pid == %d", pid);
	for (size_t i = 0; i < NR_COMPACTION_EVENTS && !ret; i++)
		ret = enable_event(ti, compaction_events[i], filter, why, whylen);
	for (size_t i = 0; i < NR_KSWAPD_EVENTS && !ret; i++)
		ret = enable_event(ti, kswapd_events[i], "0", why, whylen);
	return ret;
}

int trace_clear(const struct trace_instance *ti)
{
	/* opening "trace" for writing with O_TRUNC empties the buffer */
	return write_str(ti->dir, "trace", "");
}

int trace_read(const struct trace_instance *ti, struct text_buf *out)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/trace", ti->dir);
	return text_read_file(path, out);
}

void trace_stop(struct trace_instance *ti)
{
	if (!ti->created)
		return;
	disable_events(ti->dir);
	rmdir(ti->dir);
	ti->created = false;
}

/*
 * "  task-123  [001] .....  12.345678: mm_page_alloc: page=0000000000000000
 *  pfn=0x0 order=4 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP"
 * The kernel prints pfn 0 for a failed attempt (pfn 0 is never allocatable).
 * Returns 1 for a parsed event, 0 for another event, -1 for a garbled one.
 */
static int parse_page_alloc(const char *line, size_t llen, struct alloc_call *c)
{
	const char *end = line + llen, *ev, *p;
	unsigned long pfn;

	ev = memmem(line, llen, "mm_page_alloc: ", 15);
	if (!ev)
		return 0;
	memset(c, 0, sizeof(*c));
	p = memmem(ev, (size_t)(end - ev), " pfn=0x", 7);
	if (!p || sscanf(p + 7, "%lx", &pfn) != 1)
		return -1;
	p = memmem(ev, (size_t)(end - ev), " order=", 7);
	if (!p || sscanf(p + 7, "%d", &c->order) != 1 || c->order < 0 ||
	    c->order >= FT_MAX_ORDERS)
		return -1;
	p = memmem(ev, (size_t)(end - ev), " gfp_flags=", 11);
	if (!p)
		return -1;
	p += 11;
	while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
		end--;
	snprintf(c->gfp, sizeof(c->gfp), "%.*s", (int)(end - p), p);
	c->failed = pfn == 0;
	return 1;
}

void page_alloc_count(const char *text, size_t len, const char *gfp,
		      struct page_alloc_counts *out)
{
	struct line_iter it;
	struct alloc_call c;
	const char *line;
	size_t llen;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		int r = parse_page_alloc(line, llen, &c);

		if (r == 0)
			continue;
		out->lines++;
		if (r < 0) {
			out->unparsed++;
			continue;
		}
		if (gfp && strcmp(c.gfp, gfp))
			continue;
		out->attempts[c.order]++;
		out->failures[c.order] += c.failed;
	}
}

/*
 * The node a node_events line names ("mm_compaction_suitable: node=1 ...",
 * "mm_vmscan_wakeup_kswapd: nid=1 ..."): its id, -1 for another line.
 */
static int event_node(const char *line, size_t llen)
{
	static const char *const names[] = {
		"mm_vmscan_wakeup_kswapd: nid=", "mm_vmscan_lru_shrink_inactive: nid=",
		"mm_compaction_suitable: node=", "mm_compaction_deferred: node=",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t nlen = strlen(names[i]);
		const char *p = memmem(line, llen, names[i], nlen);
		int node;

		if (p && sscanf(p + nlen, "%d", &node) == 1 && node >= 0)
			return node;
	}
	return -1;
}

size_t alloc_calls_parse(const char *text, size_t len, struct alloc_call *out, size_t max,
			 size_t *total)
{
	struct line_iter it;
	const char *line;
	size_t llen, n = 0, all = 0;
	int reclaims = 0, compactions = 0, node;
	unsigned long long nodes = 0;

	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		struct alloc_call c;

		node = event_node(line, llen);
		if (node >= 0) {
			if (node < 64)
				nodes |= 1ULL << node;
			continue;
		}
		if (memmem(line, llen, "mm_vmscan_direct_reclaim_begin:", 31)) {
			reclaims++;
			continue;
		}
		if (memmem(line, llen, "mm_compaction_try_to_compact_pages:", 35)) {
			compactions++;
			continue;
		}
		if (parse_page_alloc(line, llen, &c) != 1)
			continue;
		c.reclaims = reclaims;
		c.compactions = compactions;
		c.nodes = nodes;
		reclaims = compactions = 0;
		nodes = 0;
		/* keep the last max calls: the call under test comes last */
		if (max && n == max) {
			memmove(out, out + 1, (max - 1) * sizeof(*out));
			n--;
		}
		if (max)
			out[n++] = c;
		all++;
	}
	if (total)
		*total = all;
	return n;
}

const struct alloc_call *alloc_call_find(const struct alloc_call *calls, size_t n,
					 const char *gfp, int order)
{
	for (size_t i = n; i-- > 0;)
		if (calls[i].order == order && !strcmp(calls[i].gfp, gfp))
			return &calls[i];
	return NULL;
}
