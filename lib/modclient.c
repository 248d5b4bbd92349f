// SPDX-License-Identifier: GPL-2.0
#include "modclient.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int ftc_open(struct ft_client *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	if (!path)
		path = getenv("FRAGTEST_CTL");
	if (!path || !*path)
		path = FTC_CTL_PATH;
	c->fd = open(path, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	return 0;
}

void ftc_close(struct ft_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->reply);
	c->reply = NULL;
	c->len = c->cap = 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int read_reply(struct ft_client *c)
{
	c->len = 0;
	for (;;) {
		ssize_t n;

		if (c->cap - c->len < 4096) {
			size_t cap = c->cap ? c->cap * 2 : 65536;
			char *p = realloc(c->reply, cap);

			if (!p)
				return -ENOMEM;
			c->reply = p;
			c->cap = cap;
		}
		n = read(c->fd, c->reply + c->len, c->cap - c->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		c->len += (size_t)n;
	}
	c->reply[c->len] = '\0';
	return 0;
}

int ftc_request(struct ft_client *c, const char *fmt, ...)
{
	char stack[4096], *text = stack;
	uint64_t t0;
	va_list ap;
	ssize_t n;
	int len, ret;

	va_start(ap, fmt);
	len = vsnprintf(stack, sizeof(stack), fmt, ap);
	va_end(ap);
	if (len < 0)
		return -EINVAL;
	if ((size_t)len >= sizeof(stack)) {	/* the module refuses it with a reason */
		text = malloc((size_t)len + 1);
		if (!text)
			return -ENOMEM;
		va_start(ap, fmt);
		vsnprintf(text, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	t0 = now_ns();
	n = write(c->fd, text, (size_t)len);
	c->err = n < 0 ? -errno : 0;
	ret = read_reply(c);
	c->request_ns = now_ns() - t0;
	if (text != stack)
		free(text);
	if (ret)
		return ret;
	if (n >= 0 && n != len)
		return -EIO;
	return c->err;
}

const char *ftc_open_hint(int err)
{
	switch (-err) {
	case ENOENT:
		return " (is the fragtest module loaded and debugfs mounted?)";
	case EACCES:
	case EPERM:
		return " (fragtest/ctl is root only)";
	default:
		return "";
	}
}

const char *ftc_reason(const struct ft_client *c, char *buf, size_t len)
{
	const char *rec = c->reply ? ftc_record(c->reply, "error", -1, 0) : NULL;

	buf[0] = '\0';
	if (rec)
		ftc_get_str(rec, "reason", buf, len);
	return buf;
}

static size_t line_len(const char *rec)
{
	const char *nl = strchr(rec, '\n');

	return nl ? (size_t)(nl - rec) : strlen(rec);
}

/* The value of key in the record; *vlen its length. */
static const char *find_value(const char *rec, const char *key, size_t *vlen)
{
	size_t len = line_len(rec), klen = strlen(key);

	for (const char *p = rec; p < rec + len; p++) {
		if (*p != ' ' || (size_t)(rec + len - p) < klen + 2)
			continue;
		if (strncmp(p + 1, key, klen) || p[1 + klen] != '=')
			continue;
		const char *v = p + 2 + klen;
		const char *end = rec + len;

		if (strcmp(key, "reason")) {	/* reason runs to the end of the line */
			const char *sp = memchr(v, ' ', (size_t)(end - v));

			if (sp)
				end = sp;
		}
		*vlen = (size_t)(end - v);
		return v;
	}
	return NULL;
}

bool ftc_get_str(const char *rec, const char *key, char *buf, size_t len)
{
	size_t vlen;
	const char *v = find_value(rec, key, &vlen);

	if (!v || vlen >= len)
		return false;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	return true;
}

bool ftc_get_u64(const char *rec, const char *key, uint64_t *out)
{
	char buf[32], *end;

	if (!ftc_get_str(rec, key, buf, sizeof(buf)) || !buf[0] || buf[0] == '-')
		return false;
	errno = 0;
	*out = strtoull(buf, &end, 0);
	return !errno && !*end;
}

bool ftc_get_int(const char *rec, const char *key, int *out)
{
	char buf[32], *end;
	long v;

	if (!ftc_get_str(rec, key, buf, sizeof(buf)) || !buf[0])
		return false;
	errno = 0;
	v = strtol(buf, &end, 0);
	if (errno || *end || v < -2147483647L - 1 || v > 2147483647L)
		return false;
	*out = (int)v;
	return true;
}

const char *ftc_record(const char *reply, const char *type, int index, int nth)
{
	size_t tlen = strlen(type);

	for (const char *p = reply; p && *p; ) {
		if (!strncmp(p, type, tlen) && (p[tlen] == ' ' || p[tlen] == '\n' || !p[tlen])) {
			int idx;

			if (index < 0 || (ftc_get_int(p, "index", &idx) && idx == index)) {
				if (!nth--)
					return p;
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

int ftc_count_records(const char *reply, const char *type, int index)
{
	int n = 0;

	while (ftc_record(reply, type, index, n))
		n++;
	return n;
}

int ftc_parse_result(const char *reply, int index, struct ftc_result *out)
{
	const char *rec = ftc_record(reply, "result", index, 0);
	uint64_t v[4];

	memset(out, 0, sizeof(*out));
	if (!rec || !ftc_get_u64(rec, "attempts", &v[0]) || !ftc_get_u64(rec, "successes", &v[1]) ||
	    !ftc_get_u64(rec, "failures", &v[2]) || !ftc_get_u64(rec, "vmalloc", &v[3]))
		return -ENOENT;
	out->attempts = (unsigned int)v[0];
	out->successes = (unsigned int)v[1];
	out->failures = (unsigned int)v[2];
	out->vmalloc = (unsigned int)v[3];
	rec = ftc_record(reply, "latency", index, 0);
	out->have_latency = rec && ftc_get_u64(rec, "min_ns", &out->min_ns) &&
			    ftc_get_u64(rec, "median_ns", &out->median_ns) &&
			    ftc_get_u64(rec, "p99_ns", &out->p99_ns) &&
			    ftc_get_u64(rec, "max_ns", &out->max_ns) &&
			    ftc_get_u64(rec, "mean_ns", &out->mean_ns);
	return 0;
}

/* "UM,U,-,..." : letters of the non-empty lists per order, '-' for none; -1 malformed. */
static int parse_letters(const char *list, char out[FTC_MAX_ORDERS][8])
{
	const char *p = list;
	int o = 0;

	for (; *p && o < FTC_MAX_ORDERS; o++) {
		size_t len = strcspn(p, ",");
		bool none = len == 1 && *p == '-';

		if (len >= sizeof(out[o]))
			return -1;
		memcpy(out[o], p, none ? 0 : len);
		out[o][none ? 0 : len] = '\0';
		p += len + (p[len] == ',');
	}
	return o;
}

/*
 * What the watermark check reads besides the counts: zidx, free_highatomic
 * (6.12+ only), cma, lowmem_reserve, lists, and the per-cpu lists rmqueue
 * takes from first (pcp). Optional: earlier modules did not print them.
 */
static void buddy_parse_extra(const char *rec, struct ftc_buddy *b)
{
	char list[256], *p, *end;
	uint64_t v;
	int o;

	b->zidx = -1;
	b->free_highatomic = -1;
	ftc_get_int(rec, "zidx", &b->zidx);
	if (ftc_get_u64(rec, "free_highatomic", &v))
		b->free_highatomic = (int64_t)v;
	ftc_get_u64(rec, "cma", &b->cma);
	if (ftc_get_str(rec, "lowmem_reserve", list, sizeof(list))) {
		for (p = list; *p && b->nr_lowmem_reserve < FTC_MAX_ZONES; p = end + (*end == ',')) {
			b->lowmem_reserve[b->nr_lowmem_reserve] = strtoll(p, &end, 10);
			if (end == p)
				break;
			b->nr_lowmem_reserve++;
		}
	}
	if (ftc_get_str(rec, "pcp", list, sizeof(list)))
		b->nr_pcp = parse_letters(list, b->pcp);
	if (ftc_get_str(rec, "compact_defer", list, sizeof(list)))
		b->have_compact_defer = sscanf(list, "%u,%u,%d", &b->compact_considered,
					       &b->compact_defer_shift,
					       &b->compact_order_failed) == 3;
	if (!ftc_get_str(rec, "lists", list, sizeof(list)))
		return;
	o = parse_letters(list, b->lists);
	b->have_lists = o == b->nr_orders;
}

int ftc_parse_buddy(const char *reply, int index, struct ftc_buddy *out, int max)
{
	int n = 0;
	const char *rec;

	while (n < max && (rec = ftc_record(reply, "buddy", index, n))) {
		struct ftc_buddy *b = &out[n];
		char list[256], *p, *end;

		memset(b, 0, sizeof(*b));
		if (!ftc_get_int(rec, "node", &b->node) ||
		    !ftc_get_str(rec, "zone", b->zone, sizeof(b->zone)) ||
		    !ftc_get_u64(rec, "free", &b->free) || !ftc_get_u64(rec, "min", &b->min) ||
		    !ftc_get_u64(rec, "low", &b->low) || !ftc_get_u64(rec, "high", &b->high) ||
		    !ftc_get_u64(rec, "boost", &b->boost) ||
		    !ftc_get_u64(rec, "managed", &b->managed) ||
		    !ftc_get_u64(rec, "highatomic", &b->highatomic) ||
		    !ftc_get_int(rec, "max_free_order", &b->max_free_order) ||
		    !ftc_get_str(rec, "nr_free", list, sizeof(list)))
			break;
		for (p = list; *p && b->nr_orders < FTC_MAX_ORDERS; p = end + (*end == ',')) {
			b->nr_free[b->nr_orders++] = strtoull(p, &end, 10);
			if (end == p)
				break;
		}
		buddy_parse_extra(rec, b);
		n++;
	}
	return n;
}

int ftc_largest_free_order(const char *reply, int index, struct ftc_buddy *where)
{
	struct ftc_buddy b;
	const char *rec;
	int largest = -ENOENT;

	/* one record at a time: no cap on how many nodes and zones there are */
	for (int i = 0; (rec = ftc_record(reply, "buddy", index, i)); i++) {
		if (ftc_parse_buddy(rec, index, &b, 1) != 1)
			return -EPROTO;	/* a zone we cannot read may hold the block */
		if (largest == -ENOENT || b.max_free_order > largest) {
			largest = b.max_free_order;
			if (where)
				*where = b;
		}
	}
	return largest;
}

int ftc_parse_pools(const char *reply, struct ftc_pool *out, int max, struct ftc_pool *total)
{
	const char *rec = ftc_record(reply, "pools", -1, 0);
	int n = 0, count;

	if (!rec || !ftc_get_int(rec, "count", &count))
		return -ENOENT;
	memset(total, 0, sizeof(*total));
	strcpy(total->name, "*");
	ftc_get_u64(rec, "objects", &total->objects);
	ftc_get_u64(rec, "pages", &total->pages);
	ftc_get_u64(rec, "bytes", &total->bytes);
	while (n < max && (rec = ftc_record(reply, "pool", -1, n))) {
		memset(&out[n], 0, sizeof(out[n]));
		ftc_get_str(rec, "name", out[n].name, sizeof(out[n].name));
		ftc_get_u64(rec, "objects", &out[n].objects);
		ftc_get_u64(rec, "pages", &out[n].pages);
		ftc_get_u64(rec, "bytes", &out[n].bytes);
		n++;
	}
	return count;
}

int ftc_parse_info(const char *reply, struct ftc_info *out)
{
	const char *rec = ftc_record(reply, "info", -1, 0);
	uint64_t ps;

	memset(out, 0, sizeof(*out));
	if (!rec || !ftc_get_str(rec, "version", out->version, sizeof(out->version)) ||
	    !ftc_get_str(rec, "release", out->release, sizeof(out->release)) ||
	    !ftc_get_u64(rec, "page_size", &ps) || !ftc_get_int(rec, "top_order", &out->top_order) ||
	    !ftc_get_int(rec, "pageblock_order", &out->pageblock_order) ||
	    !ftc_get_int(rec, "max_count", &out->max_count) ||
	    !ftc_get_int(rec, "max_request", &out->max_request) ||
	    !ftc_get_int(rec, "max_pools", &out->max_pools) ||
	    !ftc_get_u64(rec, "kmalloc_max_size", &out->kmalloc_max_size) ||
	    !ftc_get_u64(rec, "kmalloc_max_cache_size", &out->kmalloc_max_cache_size))
		return -ENOENT;
	out->page_size = (unsigned long)ps;
	return 0;
}

static bool is_number(const char *s, size_t len)
{
	size_t i = (len && s[0] == '-') ? 1 : 0;

	if (i == len || len > 19)
		return false;
	if (len - i > 1 && s[i] == '0')	/* 0x..., and no leading zeros */
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

void ftc_write_records_json(struct json_writer *w, const char *key, const char *reply)
{
	json_array_begin(w, key);
	for (const char *p = reply; p && *p; ) {
		size_t len = line_len(p);
		const char *end = p + len, *q = memchr(p, ' ', len);
		char k[48];

		json_object_begin(w, NULL);
		json_string_n(w, "type", p, q ? (size_t)(q - p) : len);
		while (q && q < end) {
			const char *eq, *v, *vend;

			q++;
			eq = memchr(q, '=', (size_t)(end - q));
			if (!eq)
				break;
			v = eq + 1;
			snprintf(k, sizeof(k), "%.*s", (int)(eq - q), q);
			if (!strcmp(k, "reason")) {
				vend = end;
			} else {
				vend = memchr(v, ' ', (size_t)(end - v));
				if (!vend)
					vend = end;
			}
			if (is_number(v, (size_t)(vend - v)))
				json_int(w, k, strtoll(v, NULL, 10));
			else
				json_string_n(w, k, v, (size_t)(vend - v));
			q = vend;
		}
		json_object_end(w);
		p = *end ? end + 1 : end;
	}
	json_array_end(w);
}

int ftc_print_failure(const struct ft_client *c, int err, const char *what)
{
	char reason[256];

	if (c && c->reply && ftc_reason(c, reason, sizeof(reason))[0])
		fprintf(stderr, "fragtest %s: refused (%s): %s\n", what, strerror(-err), reason);
	else
		fprintf(stderr, "fragtest %s: %s%s\n", what, strerror(-err), ftc_open_hint(err));
	return 3;
}

void ftc_print_step(FILE *out, const char *reply, int index)
{
	struct ftc_result r;
	const char *rec;
	char api[32] = "", gfp[256] = "", order[16] = "", size[32] = "", zone[16], mt[16];
	uint64_t pages;
	int node;

	if (ftc_parse_result(reply, index, &r))
		return;
	rec = ftc_record(reply, "step", index, 0);
	if (rec) {
		ftc_get_str(rec, "api", api, sizeof(api));
		ftc_get_str(rec, "gfp_names", gfp, sizeof(gfp));
		ftc_get_str(rec, "order", order, sizeof(order));
		ftc_get_str(rec, "size", size, sizeof(size));
	}
	fprintf(out, "step %d: %s %s %s %s: %u attempts, %u ok, %u failed", index, api, gfp,
	       strcmp(order, "-1") ? "order" : "size", strcmp(order, "-1") ? order : size,
	       r.attempts, r.successes, r.failures);
	if (r.vmalloc)
		fprintf(out, ", %u vmalloc", r.vmalloc);
	fputc('\n', out);
	if (r.have_latency)
		fprintf(out, "  latency ns: min %llu median %llu p99 %llu max %llu mean %llu\n",
		       (unsigned long long)r.min_ns, (unsigned long long)r.median_ns,
		       (unsigned long long)r.p99_ns, (unsigned long long)r.max_ns,
		       (unsigned long long)r.mean_ns);
	for (int i = 0; (rec = ftc_record(reply, "where", index, i)); i++)
		if (ftc_get_int(rec, "node", &node) && ftc_get_str(rec, "zone", zone, sizeof(zone)) &&
		    ftc_get_str(rec, "mt", mt, sizeof(mt)) && ftc_get_u64(rec, "pages", &pages))
			fprintf(out, "  node %d zone %-8s %-12s %llu pages\n", node, zone, mt,
			       (unsigned long long)pages);
	for (int i = 0; (rec = ftc_record(reply, "buddy", index, i)); i++) {
		struct ftc_buddy b[1];

		(void)rec;
		if (ftc_parse_buddy(ftc_record(reply, "buddy", index, i), index, b, 1) != 1)
			break;
		fprintf(out, "  before: node %d zone %-8s free %llu (min %llu low %llu high %llu) largest free order %d\n",
		       b->node, b->zone, (unsigned long long)b->free, (unsigned long long)b->min,
		       (unsigned long long)b->low, (unsigned long long)b->high, b->max_free_order);
	}
}

void ftc_write_json(const struct ft_client *c, const char *request, int err,
		    FILE *out, bool pretty)
{
	struct json_writer w;
	char reason[256];

	json_init(&w, out, pretty);
	json_object_begin(&w, NULL);
	json_string(&w, "request", request);
	json_bool(&w, "ok", err == 0);
	if (err) {
		json_string(&w, "error", strerror(-err));
		json_string(&w, "reason", ftc_reason(c, reason, sizeof(reason)));
	}
	json_uint(&w, "request_ns", c->request_ns);
	ftc_write_records_json(&w, "records", c->reply ? c->reply : "");
	json_object_end(&w);
	json_finish(&w);
}

bool ftc_reply_cut(const char *reply)
{
	const char *p = reply;

	/* the field ends its record: a newline or, on a last line, the end */
	while (p && (p = strstr(p, " truncated=1"))) {
		p += strlen(" truncated=1");
		if (*p == '\n' || *p == '\0')
			return true;
	}
	return false;
}
