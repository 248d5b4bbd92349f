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

void trace_remove_stale(const char *name)
{
	const char *root = tracing_root();
	char dir[256];

	if (!root)
		return;
	snprintf(dir, sizeof(dir), "%s/instances/%s", root, name);
	if (access(dir, F_OK))
		return;
	write_str(dir, "events/kmem/mm_page_alloc/enable", "0");
	rmdir(dir);
}

int trace_page_alloc_start(struct trace_instance *ti, const char *name, const char *filter,
			   char *why, size_t whylen)
{
	const char *root = tracing_root();
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
	if (filter && (ret = write_str(ti->dir, "events/kmem/mm_page_alloc/filter", filter))) {
		snprintf(why, whylen, "trace filter '%s' refused: %s", filter, strerror(-ret));
		trace_stop(ti);
		return ret;
	}
	ret = write_str(ti->dir, "events/kmem/mm_page_alloc/enable", "1");
	if (ret) {
		snprintf(why, whylen, "cannot enable kmem:mm_page_alloc: %s", strerror(-ret));
		trace_stop(ti);
		return ret;
	}
	return 0;
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
	write_str(ti->dir, "events/kmem/mm_page_alloc/enable", "0");
	rmdir(ti->dir);
	ti->created = false;
}

/*
 * "  task-123  [001] .....  12.345678: mm_page_alloc: page=0000000000000000
 *  pfn=0x0 order=4 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP"
 * The kernel prints pfn 0 for a failed attempt (pfn 0 is never allocatable).
 */
void page_alloc_count(const char *text, size_t len, const char *gfp,
		      struct page_alloc_counts *out)
{
	struct line_iter it;
	const char *line;
	size_t llen;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		const char *ev = memmem(line, llen, "mm_page_alloc: ", 15);
		const char *end = line + llen, *p;
		unsigned long pfn;
		int order;

		if (!ev)
			continue;
		out->lines++;
		p = memmem(ev, (size_t)(end - ev), " pfn=0x", 7);
		if (!p || sscanf(p + 7, "%lx", &pfn) != 1)
			goto unparsed;
		p = memmem(ev, (size_t)(end - ev), " order=", 7);
		if (!p || sscanf(p + 7, "%d", &order) != 1 || order < 0 || order >= FT_MAX_ORDERS)
			goto unparsed;
		if (gfp) {
			size_t n = strlen(gfp);

			p = memmem(ev, (size_t)(end - ev), " gfp_flags=", 11);
			if (!p)
				goto unparsed;
			p += 11;
			while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
				end--;
			if ((size_t)(end - p) != n || memcmp(p, gfp, n))
				continue;
		}
		out->attempts[order]++;
		if (pfn == 0)
			out->failures[order]++;
		continue;
unparsed:
		out->unparsed++;
	}
}
