// SPDX-License-Identifier: GPL-2.0
/*
 * warn_alloc() / show_free_areas() text -> struct rp_report.
 *
 * The report format was read from mm/page_alloc.c (warn_alloc,
 * show_free_areas, show_migration_types) of v2.6.32, v4.19 and v5.10, and
 * mm/show_mem.c of v6.1+. One pass over the input, line by line; a line is
 * first stripped of whatever the log tool or mailer put in front of it,
 * then wrapped pieces are glued back, then the logical line is matched.
 */
#include "report_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watermark.h"

#define LINE_MAX_JOIN	8192
#define MAX_FRAMES	48
#define FRAME_LEN	96

enum pend_kind { PK_NONE, PK_OTHER, PK_HEADER, PK_ZONE, PK_BUDDY, PK_LOWMEM, PK_CPU };

struct parser {
	struct rp_list *out;
	long cur;		/* index in out->v, -1 none */
	int last_zone;		/* zone that got the last zone line */
	bool in_trace;
	bool nomem;
	int only_node;		/* -2 no "Node N" seen, -1 several, else N */
	int nframes;
	char frames[MAX_FRAMES][FRAME_LEN];
	bool unreliable[MAX_FRAMES];
	char pend[LINE_MAX_JOIN];
	size_t plen;
	int pend_line, pend_last;
	int pend_joins;
	enum pend_kind pkind;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_ws(const char *s, const char *e)
{
	while (s < e && is_space(*s))
		s++;
	return s;
}

static bool has_prefix(const char *s, const char *e, const char *lit)
{
	size_t l = strlen(lit);

	return (size_t)(e - s) >= l && !memcmp(s, lit, l);
}

static const char *find(const char *s, const char *e, const char *lit)
{
	size_t l = strlen(lit);

	if (s >= e || (size_t)(e - s) < l)
		return NULL;
	return memmem(s, (size_t)(e - s), lit, l);
}

/*
 * Parse a decimal number; *ok false when no digit. Saturates at 1e15 (an
 * exabyte in kB) so that sums and shifts downstream cannot overflow.
 */
#define NUM_MAX 1000000000000000L

static long num(const char **pp, const char *e, bool *ok)
{
	const char *p = *pp;
	long v = 0;
	bool neg = false;

	*ok = false;
	if (p < e && *p == '-') {
		neg = true;
		p++;
	}
	while (p < e && isdigit((unsigned char)*p)) {
		int d = *p - '0';

		if (v > (NUM_MAX - d) / 10)
			v = NUM_MAX;
		else
			v = v * 10 + d;
		*ok = true;
		p++;
	}
	if (*ok)
		*pp = p;
	return neg ? -v : v;
}

static void copy_field(char *dst, size_t cap, const char *s, const char *e)
{
	size_t l = (size_t)(e - s);

	if (l >= cap)
		l = cap - 1;
	memcpy(dst, s, l);
	dst[l] = '\0';
}

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static bool is_month(const char *s, const char *e)
{
	if (e - s < 4 || s[3] != ' ')
		return false;
	for (int i = 0; i < 12; i++)
		if (!memcmp(s, months[i], 3))
			return true;
	return false;
}

/* "[ 1798.829657]", "[Mon Jun  3 19:59:56 2024]", "[  +0.000123]", "[   T123]" */
static const char *strip_bracket_time(const char *s, const char *e)
{
	const char *p = s + 1;
	bool digit = false;

	if (s >= e || *s != '[' || (p < e && *p == '<'))
		return NULL;
	for (; p < e && p - s < 48; p++) {
		char c = *p;

		if (c == ']')
			break;
		if (isdigit((unsigned char)c))
			digit = true;
		else if (!(c == ' ' || c == '.' || c == ':' || c == '+' || c == '-' ||
			   c == ',' || isalpha((unsigned char)c)))
			return NULL;
	}
	if (p >= e || *p != ']' || !digit)
		return NULL;
	/* "[veth]"-like words are not timestamps: need a digit, checked above */
	p++;
	if (p < e && *p == ' ')
		p++;
	return p;
}

/* Android/MTK: ".(0)[2164:wifi@1.0-servic]" or "[2164:comm]" */
static const char *strip_android(const char *s, const char *e)
{
	const char *p = s;

	if (p < e && (*p == '.' || *p == '-') && p + 1 < e && p[1] == '(')
		p++;
	if (p < e && *p == '(') {
		p++;
		if (p >= e || !isdigit((unsigned char)*p))
			return NULL;
		while (p < e && isdigit((unsigned char)*p))
			p++;
		if (p >= e || *p != ')')
			return NULL;
		p++;
	}
	if (p >= e || *p != '[')
		return NULL;
	p++;
	if (p >= e || !isdigit((unsigned char)*p))
		return NULL;
	while (p < e && isdigit((unsigned char)*p))
		p++;
	if (p >= e || *p != ':')
		return NULL;
	for (; p < e && p - s < 64; p++)
		if (*p == ']')
			return p + 1;
	return NULL;
}

/*
 * "Mar  1 14:52:30 host kernel: ", "2024-06-03T19:59:56.1+02:00 host kernel: ",
 * and journalctl's "host kernel: " after a bracketed monotonic stamp.
 */
static const char *strip_syslog(const char *s, const char *e)
{
	const char *p = s, *k;

	if (is_month(s, e)) {
		p = s + 4;
		p = skip_ws(p, e);
		while (p < e && isdigit((unsigned char)*p))
			p++;
		p = skip_ws(p, e);
		if (e - p < 8 || p[2] != ':' || p[5] != ':')
			return NULL;
		p += 8;
		while (p < e && !is_space(*p))	/* fractional seconds, year */
			p++;
	} else if (e - s > 10 && isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-' &&
		   (s[10] == 'T' || s[10] == ' ')) {
		p = s + 10;
		if (*p == ' ')
			p++;
		while (p < e && !is_space(*p))
			p++;
	} else {
		return NULL;
	}
	/* host, then ident ("kernel:", "kernel[0]:") */
	k = find(p, e - p > 96 ? p + 96 : e, "kernel: ");
	if (k)
		return k + 8;
	k = find(p, e - p > 96 ? p + 96 : e, ": ");
	return k ? k + 2 : NULL;
}

const char *rp_strip_prefix(const char *s, const char *e, bool *cont)
{
	const char *p;
	bool changed;
	int guard = 0;

	*cont = false;
	do {
		changed = false;
		/* e-mail quoting, possibly nested and with leading blanks */
		p = skip_ws(s, e);
		if (p < e && *p == '>') {
			s = p + 1;
			if (s < e && *s == ' ')
				s++;
			changed = true;
			continue;
		}
		/* printk level "<4>" */
		if (s + 2 < e && *s == '<' && isdigit((unsigned char)s[1])) {
			p = s + 1;
			while (p < e && isdigit((unsigned char)*p))
				p++;
			if (p < e && *p == '>') {
				s = p + 1;
				changed = true;
				continue;
			}
		}
		if ((p = strip_bracket_time(s, e))) {
			s = p;
			changed = true;
			continue;
		}
		if ((p = strip_android(s, e))) {
			s = p;
			changed = true;
			continue;
		}
		if ((p = strip_syslog(s, e))) {
			s = p;
			changed = true;
			continue;
		}
		/* journalctl -o short-monotonic: "host kernel: " after the stamp */
		if (guard > 0) {
			const char *k = find(s, e - s > 64 ? s + 64 : e, " kernel: ");

			if (k) {
				for (p = s; p < k && !is_space(*p); p++)
					;
				if (p == k) {
					s = k + 9;
					changed = true;
					continue;
				}
			}
		}
	} while (changed && ++guard < 16);
	p = skip_ws(s, e);
	if (p != s)
		*cont = true;
	return p;
}

/* ---- zone and buddy lines ---- */

static const char *const zone_names[] = { "DMA32", "DMA", "Normal", "HighMem", "Movable", "Device" };

/* "DMA32" at s followed by a character in after; returns length or 0 */
static size_t zone_name_at(const char *s, const char *e, const char *after)
{
	for (size_t i = 0; i < sizeof(zone_names) / sizeof(zone_names[0]); i++) {
		size_t l = strlen(zone_names[i]);

		if ((size_t)(e - s) > l && !memcmp(s, zone_names[i], l) && s[l] &&
		    strchr(after, s[l]))
			return l;
	}
	return 0;
}

/* Optional "Node N " then a zone name; returns the position after the name. */
static const char *zone_head(const char *s, const char *e, int *node, const char **name,
			     size_t *nlen, const char *after)
{
	const char *p = s;
	bool ok;

	*node = -1;
	if (has_prefix(p, e, "Node ")) {
		p += 5;
		*node = (int)num(&p, e, &ok);
		if (!ok || *node < 0 || *node > 4095)
			return NULL;
		if (p < e && *p == ',')	/* buddyinfo style "Node 0, zone" is not ours */
			return NULL;
		p = skip_ws(p, e);
	}
	*nlen = zone_name_at(p, e, after);
	if (!*nlen)
		return NULL;
	*name = p;
	return p + *nlen;
}

static struct rp_report *cur(struct parser *ps)
{
	return ps->cur >= 0 ? &ps->out->v[ps->cur] : NULL;
}

static void warn(struct rp_report *r, const char *fmt, const char *arg)
{
	char a[80];

	if (r->nr_warn >= RP_MAX_WARN)
		return;
	/* arg may live inside *r */
	snprintf(a, sizeof(a), "%s", arg);
	snprintf(r->warn[r->nr_warn++], sizeof(r->warn[0]), fmt, a);
}

/* "Node 1 Normal" for messages */
static const char *zlabel(const struct rp_zone *z, char *buf, size_t len)
{
	if (z->node >= 0)
		snprintf(buf, len, "Node %d %s", z->node, z->name);
	else
		snprintf(buf, len, "%s", z->name);
	return buf;
}

static int zone_get(struct rp_report *r, int node, const char *name, size_t nlen)
{
	int i, match = -1, nmatch = 0;

	for (i = 0; i < r->nr_zones; i++) {
		struct rp_zone *z = &r->zones[i];

		if (strlen(z->name) != nlen || memcmp(z->name, name, nlen))
			continue;
		if (z->node == node)
			return i;
		/* a line without "Node N" matches the only zone of that name */
		if (node == -1 || z->node == -1) {
			match = i;
			nmatch++;
		}
	}
	if (nmatch == 1) {
		if (r->zones[match].node == -1)
			r->zones[match].node = node;
		return match;
	}
	if (r->nr_zones >= RP_MAX_ZONES)
		return -1;
	i = r->nr_zones++;
	struct rp_zone *z = &r->zones[i];

	memset(z, 0, sizeof(*z));
	z->node = node;
	copy_field(z->name, sizeof(z->name), name, name + nlen);
	z->free_kb = z->min_kb = z->low_kb = z->high_kb = -1;
	z->present_kb = z->managed_kb = z->free_cma_kb = -1;
	z->reserved_highatomic_kb = z->free_highatomic_kb = -1;
	z->buddy_total_kb = -1;
	return i;
}

/* Value of "key:NNNkB"; returns -1 when absent or without a kB unit. */
static long kb_field(const char *s, const char *e, const char *key)
{
	size_t kl = strlen(key);
	const char *p = s;
	bool ok;

	while ((p = find(p, e, key))) {
		/* whole-word key: preceded by blank or line start */
		if ((p == s || is_space(p[-1])) && p + kl < e && p[kl] == ':') {
			const char *q = p + kl + 1;
			long v = num(&q, e, &ok);

			if (!ok || v < 0)
				return -1;
			if (q + 1 < e && (q[0] == 'k' || q[0] == 'K') && q[1] == 'B')
				return v;
			if (q + 1 < e && q[0] == 'M' && q[1] == 'B')
				return v * 1024;
			return -1;
		}
		p += kl;
	}
	return -1;
}

static void parse_zone_line(struct parser *ps, const char *s, const char *e,
			    int node, const char *name, size_t nlen)
{
	struct rp_report *r = cur(ps);
	int zi = zone_get(r, node, name, nlen);
	struct rp_zone *z;

	if (zi < 0)
		return;
	z = &r->zones[zi];
	z->have_line = true;
	z->free_kb = kb_field(s, e, "free");
	z->min_kb = kb_field(s, e, "min");
	z->low_kb = kb_field(s, e, "low");
	z->high_kb = kb_field(s, e, "high");
	z->present_kb = kb_field(s, e, "present");
	z->managed_kb = kb_field(s, e, "managed");
	z->free_cma_kb = kb_field(s, e, "free_cma");
	z->reserved_highatomic_kb = kb_field(s, e, "reserved_highatomic");
	z->free_highatomic_kb = kb_field(s, e, "free_highatomic");
	ps->last_zone = zi;
}

static void parse_lowmem(struct parser *ps, const char *s, const char *e)
{
	struct rp_report *r = cur(ps);
	struct rp_zone *z;
	bool ok;

	if (ps->last_zone < 0 || ps->last_zone >= r->nr_zones)
		return;
	z = &r->zones[ps->last_zone];
	z->nr_lowmem = 0;
	for (const char *p = skip_ws(s, e); p < e && z->nr_lowmem < RP_MAX_LOWMEM;
	     p = skip_ws(p, e)) {
		long v = num(&p, e, &ok);

		if (!ok || v < 0)
			break;
		z->lowmem_reserve[z->nr_lowmem++] = v;
	}
}

static void parse_buddy(struct parser *ps, const char *s, const char *e,
			int node, const char *name, size_t nlen)
{
	struct rp_report *r = cur(ps);
	int zi = zone_get(r, node, name, nlen);
	struct rp_zone *z;
	const char *p = s;
	bool ok, bad_size = false;

	if (zi < 0)
		return;
	z = &r->zones[zi];
	z->have_buddy = true;
	z->nr_buddy = 0;
	z->buddy_sum_kb = 0;
	z->buddy_types = false;
	z->buddy_total_kb = -1;
	z->buddy_total_truncated = false;
	for (;;) {
		long count, size;
		struct rp_buddy *b;

		p = skip_ws(p, e);
		if (p >= e)
			break;
		if (*p == '=') {
			p = skip_ws(p + 1, e);
			z->buddy_total_kb = num(&p, e, &ok);
			if (!ok)
				z->buddy_total_kb = -1;
			if (!ok || !has_prefix(p, e, "kB"))
				z->buddy_total_truncated = true;
			break;
		}
		count = num(&p, e, &ok);
		if (!ok || count < 0 || p >= e || *p != '*') {
			z->buddy_total_truncated = true;
			break;
		}
		p++;
		size = num(&p, e, &ok);
		if (!ok || size < 0 || !has_prefix(p, e, "kB")) {
			z->buddy_total_truncated = true;
			break;
		}
		p += 2;
		if (z->nr_buddy >= RP_MAX_ORDERS)
			break;
		b = &z->buddy[z->nr_buddy];
		memset(b, 0, sizeof(*b));
		b->count = count;
		b->size_kb = size;
		if (z->nr_buddy == 0)
			z->page_kb = size;
		else if (z->page_kb <= 0 || z->page_kb > (1L << 30) ||
			 size != z->page_kb << z->nr_buddy)
			bad_size = true;
		p = skip_ws(p, e);
		if (p < e && *p == '(') {
			const char *q = p + 1;
			size_t n = 0;

			while (q < e && *q != ')' && n + 1 < sizeof(b->letters)) {
				int mt = wm_mt_from_letter(*q);

				if (mt >= 0)
					b->types |= 1u << mt;
				b->letters[n++] = *q++;
			}
			b->letters[n] = '\0';
			while (q < e && *q != ')')
				q++;
			p = q < e ? q + 1 : q;
			z->buddy_types = true;
		}
		/* both <= 1e15: saturate the product and the sum */
		if (count > 0 && size > 0) {
			long add = count > NUM_MAX / size ? NUM_MAX : count * size;

			z->buddy_sum_kb = z->buddy_sum_kb > NUM_MAX - add ? NUM_MAX : z->buddy_sum_kb + add;
		}
		z->nr_buddy++;
	}
	if (bad_size) {
		char lb[48];

		warn(r, "%s: block sizes do not double per order", zlabel(z, lb, sizeof(lb)));
	}
}

/* ---- header, trace, Mem-Info ---- */

static void finish_report(struct parser *ps);

static int new_report(struct parser *ps, int line)
{
	struct rp_list *l = ps->out;
	struct rp_report *r;

	finish_report(ps);
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		struct rp_report *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv) {
			ps->nomem = true;
			return -ENOMEM;
		}
		l->v = nv;
		l->cap = ncap;
	}
	r = &l->v[l->n];
	memset(r, 0, sizeof(*r));
	r->first_line = r->last_line = line;
	r->pid = -1;
	r->order = -1;
	r->vmalloc_size = -1;
	r->mi_free = r->mi_free_pcp = r->mi_free_cma = -1;
	r->mi_active_file = r->mi_inactive_file = r->mi_slab_reclaimable = -1;
	r->pages_ram = r->pages_reserved = r->pages_cma_reserved = -1;
	ps->cur = (long)l->n++;
	ps->last_zone = -1;
	ps->in_trace = true;
	ps->nframes = 0;
	return 0;
}

/* mode:0x...(...), nodemask=..., cpuset=..., mems_allowed=... from p on */
static void parse_mode_tail(struct rp_report *r, const char *p, const char *e)
{
	const char *q;
	bool ok;

	if ((q = find(p, e, "order:"))) {
		q += 6;
		long o = num(&q, e, &ok);

		if (ok && o >= 0 && o < 64)
			r->order = (int)o;
	}
	if ((q = find(p, e, "mode:0x")) || (q = find(p, e, "gfp_mask=0x"))) {
		q += *q == 'm' ? 7 : 11;
		uint32_t m = 0;
		int digits = 0;

		while (q < e && isxdigit((unsigned char)*q) && digits < 9) {
			int c = tolower((unsigned char)*q);

			m = m << 4 | (uint32_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
			q++;
			digits++;
		}
		if (digits && digits <= 8) {
			r->have_mode = true;
			r->mode = m;
		}
		if (q < e && *q == '(') {
			const char *c = memchr(q, ')', (size_t)(e - q));

			if (c) {
				size_t n = 0;

				/* a wrapped header may have put blanks between names */
				for (const char *x = q + 1; x < c && n + 1 < sizeof(r->mode_names); x++)
					if (!is_space(*x))
						r->mode_names[n++] = *x;
				r->mode_names[n] = '\0';
				r->have_names = true;
			}
		}
	}
	if ((q = find(p, e, "nodemask="))) {
		const char *s = q + 9, *c = s;

		while (c < e && *c != ',' && !is_space(*c))
			c++;
		copy_field(r->nodemask, sizeof(r->nodemask), s, c);
	}
	if ((q = find(p, e, "cpuset="))) {
		const char *s = q + 7, *c = s;

		while (c < e && *c != ',' && !is_space(*c))
			c++;
		copy_field(r->cpuset, sizeof(r->cpuset), s, c);
	}
	if ((q = find(p, e, "mems_allowed="))) {
		const char *s = q + 13, *c = s;

		while (c < e && !is_space(*c))
			c++;
		copy_field(r->mems_allowed, sizeof(r->mems_allowed), s, c);
	}
}

static void set_comm(struct rp_report *r, const char *s, const char *e)
{
	s = skip_ws(s, e);
	while (e > s && (is_space(e[-1]) || e[-1] == ':'))
		e--;
	copy_field(r->comm, sizeof(r->comm), s, e);
}

static bool parse_header(struct parser *ps, const char *s, const char *e, int line)
{
	const char *h, *v;
	struct rp_report *r;
	bool ok;

	h = find(s, e, "page allocation failure");
	v = h ? NULL : find(s, e, "vmalloc: allocation failure");
	if (!h && !v)
		v = find(s, e, "vmalloc error: size");
	if (!h && !v)
		return false;
	if (new_report(ps, line))
		return true;
	r = cur(ps);
	if (h) {
		set_comm(r, s, h);
		r->old_format = h + 23 < e && h[23] == '.';
		parse_mode_tail(r, h + 23, e);
		return true;
	}
	r->vmalloc = true;
	set_comm(r, s, v);
	/* "N bytes", "allocated A of N bytes", "size N" */
	const char *q = find(v, e, " of ");
	const char *b = find(v, e, " bytes");

	if (q && b && q < b)
		q += 4;
	else if ((q = find(v, e, "size ")))
		q += 5;
	else if (b) {
		q = b;
		while (q > v && isdigit((unsigned char)q[-1]))
			q--;
	}
	if (q) {
		long sz = num(&q, e, &ok);

		if (ok)
			r->vmalloc_size = sz;
	}
	parse_mode_tail(r, v, e);
	r->order = -1;
	if ((q = find(v, e, "page order "))) {
		q += 11;
		long o = num(&q, e, &ok);

		if (ok && o >= 0 && o < 64)
			r->order = (int)o;
	}
	return true;
}

/*
 * Debian's version string after the release: "#1 SMP PREEMPT_DYNAMIC Debian
 * 6.1.192-2" or "#1  Debian 6.12.117-1~deb12u1": keep "A.B.C" when it has
 * exactly that form (three numbers, then '-' or the end of the word).
 */
static void parse_debian_upstream(struct rp_report *r, const char *s, const char *e)
{
	const char *p = find(s, e, "Debian "), *w;
	int dots = 0;

	if (!p)
		return;
	w = p = p + 7;
	while (p < e && (isdigit((unsigned char)*p) || *p == '.')) {
		if (*p == '.' && (p == w || p[-1] == '.'))
			return;
		dots += *p == '.';
		p++;
	}
	if (dots != 2 || p[-1] == '.' || (p < e && *p != '-' && !is_space(*p)))
		return;
	copy_field(r->kernel_upstream, sizeof(r->kernel_upstream), w, p);
}

/* "CPU: 0 PID: 2164 Comm: x Tainted: P O 4.19.176 #2", "Pid: 1, comm: x Not tainted 2.6.32 #1" */
static bool parse_cpu_line(struct rp_report *r, const char *s, const char *e)
{
	const char *p, *t;
	bool ok;

	if (!has_prefix(s, e, "CPU: ") && !has_prefix(s, e, "Pid: "))
		return false;
	if ((p = find(s, e, "PID: ")) || (p = find(s, e, "Pid: "))) {
		p += 5;
		long pid = num(&p, e, &ok);

		if (ok && r->pid < 0)
			r->pid = (int)pid;
	}
	t = find(s, e, "Not tainted ");
	if (t)
		t += 12;
	else if ((t = find(s, e, "Tainted: ")))
		t += 9;
	if (!t || r->kernel_version[0])
		return true;
	/* taint letters, then the release */
	for (p = t; p < e;) {
		const char *w;

		p = skip_ws(p, e);
		w = p;
		while (p < e && !is_space(*p))
			p++;
		if (w < p && isdigit((unsigned char)*w) && memchr(w, '.', (size_t)(p - w))) {
			copy_field(r->kernel_version, sizeof(r->kernel_version), w, p);
			break;
		}
	}
	parse_debian_upstream(r, p, e);
	return true;
}

static const char *const alloc_prefixes[] = {
	"dump_stack", "__dump_stack", "show_stack", "dump_backtrace", "warn_alloc",
	"__alloc_pages", "alloc_pages", "alloc_page_", "__alloc_frozen", "alloc_frozen",
	"__get_free_pages", "get_zeroed_page", "kmalloc", "__kmalloc", "___kmalloc",
	"kmem_cache_alloc", "__kmem_cache_alloc", "kmem_getpages", "fallback_alloc",
	"____cache_alloc", "cache_grow", "cache_alloc_refill", "new_slab", "allocate_slab",
	"alloc_slab_page", "___slab_alloc", "__slab_alloc", "slab_alloc", "folio_alloc",
	"__folio_alloc", "vmalloc", "__vmalloc", "vm_area_alloc_pages", "kvmalloc",
	"__kvmalloc", "kvzalloc", "kvcalloc", "kzalloc", "kcalloc", "krealloc",
};

static bool is_allocator(const char *name)
{
	for (size_t i = 0; i < sizeof(alloc_prefixes) / sizeof(alloc_prefixes[0]); i++)
		if (!strncmp(name, alloc_prefixes[i], strlen(alloc_prefixes[i])))
			return true;
	return false;
}

/* " veth_alloc_queues+0x25/0x80 [veth]", "[<ffff>] ? func+0x1/0x2", arm "(func+0x..)" */
static bool parse_frame(struct parser *ps, const char *s, const char *e)
{
	const char *p = s, *n, *ne, *plus;
	bool unrel = false;
	char buf[FRAME_LEN];
	size_t l;

	if (has_prefix(p, e, "[<")) {
		const char *c = memchr(p, ']', (size_t)(e - p));

		if (!c)
			return false;
		p = skip_ws(c + 1, e);
	}
	if (p < e && *p == '?') {
		unrel = true;
		p = skip_ws(p + 1, e);
	}
	if (p < e && *p == '(')
		p++;
	n = p;
	while (p < e && (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '$'))
		p++;
	ne = p;
	if (ne == n || !has_prefix(p, e, "+0x"))
		return false;
	plus = p;
	while (p < e && !is_space(*p) && *p != ')')
		p++;
	/* keep "func+off/size [module]" for display */
	l = (size_t)(p - n);
	if (l >= sizeof(buf))
		l = sizeof(buf) - 1;
	memcpy(buf, n, l);
	buf[l] = '\0';
	p = skip_ws(p < e && *p == ')' ? p + 1 : p, e);
	if (p < e && *p == '[') {
		const char *c = memchr(p, ']', (size_t)(e - p));

		if (c && (size_t)(c - p) < 40 && l + (size_t)(c - p) + 2 < sizeof(buf)) {
			buf[l++] = ' ';
			memcpy(buf + l, p, (size_t)(c - p + 1));
			l += (size_t)(c - p + 1);
			buf[l] = '\0';
		}
	}
	(void)plus;
	if (ps->nframes < MAX_FRAMES) {
		memcpy(ps->frames[ps->nframes], buf, l + 1);
		ps->unreliable[ps->nframes] = unrel;
		ps->nframes++;
	}
	return true;
}

static void frame_func(const char *frame, char *out, size_t cap)
{
	size_t l = strcspn(frame, "+");
	char *dot;

	if (l >= cap)
		l = cap - 1;
	memcpy(out, frame, l);
	out[l] = '\0';
	/* compiler clones: foo.constprop.0, foo.isra.0, foo.part.0, foo.cold */
	if ((dot = strchr(out, '.')))
		*dot = '\0';
	l = strlen(out);
	if (l > 7 && !strcmp(out + l - 7, "_noprof"))
		out[l - 7] = '\0';
}

static void finish_callers(struct parser *ps, struct rp_report *r)
{
	bool any_reliable = false;
	bool past = false;
	char fn[FRAME_LEN];

	for (int i = 0; i < ps->nframes; i++)
		if (!ps->unreliable[i])
			any_reliable = true;
	r->nr_callers = 0;
	r->callers_unreliable = !any_reliable && ps->nframes > 0;
	for (int i = 0; i < ps->nframes && r->nr_callers < RP_MAX_CALLERS; i++) {
		if (any_reliable && ps->unreliable[i])
			continue;
		frame_func(ps->frames[i], fn, sizeof(fn));
		if (!past && is_allocator(fn)) {
			if (strstr(fn, "kmalloc"))
				r->via_kmalloc = true;
			if (strstr(fn, "slab") || strstr(fn, "cache_alloc") || strstr(fn, "kmem_getpages"))
				r->via_slab = true;
			if (strstr(fn, "vmalloc") || strstr(fn, "vm_area_alloc"))
				r->via_vmalloc = true;
			continue;
		}
		past = true;
		snprintf(r->callers[r->nr_callers++], sizeof(r->callers[0]), "%s", ps->frames[i]);
	}
}

static void finish_report(struct parser *ps)
{
	struct rp_report *r = cur(ps);

	if (!r)
		return;
	finish_callers(ps, r);
	for (int i = 0; i < r->nr_zones; i++) {
		struct rp_zone *z = &r->zones[i];
		char lb[48];

		if (z->have_buddy && z->buddy_total_kb >= 0 && !z->buddy_total_truncated &&
		    z->buddy_total_kb != z->buddy_sum_kb)
			warn(r, "%s: buddy line sum differs from its printed total", zlabel(z, lb, sizeof(lb)));
		if (z->have_buddy && z->buddy_total_truncated)
			warn(r, "%s: buddy line is truncated", zlabel(z, lb, sizeof(lb)));
	}
	if (r->order < 0 && !r->vmalloc)
		warn(r, "%s", "order not found in the header");
	/* zones printed without "Node N" on a single-node report */
	for (int i = 0; i < r->nr_zones; i++)
		if (r->zones[i].node == -1 && ps->only_node >= 0)
			r->zones[i].node = ps->only_node;
	ps->cur = -1;
	ps->only_node = -2;
	ps->nframes = 0;
}

static bool meminfo_key(const char *s, const char *e)
{
	const char *p = s;

	while (p < e && (islower((unsigned char)*p) || *p == '_'))
		p++;
	return p > s && p + 1 < e && *p == ':' && isdigit((unsigned char)p[1]);
}

static void parse_meminfo(struct rp_report *r, const char *s, const char *e)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "free", offsetof(struct rp_report, mi_free) },
		{ "free_pcp", offsetof(struct rp_report, mi_free_pcp) },
		{ "free_cma", offsetof(struct rp_report, mi_free_cma) },
		{ "active_file", offsetof(struct rp_report, mi_active_file) },
		{ "inactive_file", offsetof(struct rp_report, mi_inactive_file) },
		{ "slab_reclaimable", offsetof(struct rp_report, mi_slab_reclaimable) },
	};
	const char *p = s;
	bool ok;

	r->have_meminfo = true;
	while (p < e) {
		const char *k = skip_ws(p, e), *c;

		p = k;
		while (p < e && !is_space(*p))
			p++;
		c = memchr(k, ':', (size_t)(p - k));
		if (!c)
			continue;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);

			if ((size_t)(c - k) == kl && !memcmp(k, keys[i].key, kl)) {
				const char *q = c + 1;
				long v = num(&q, p, &ok);

				if (ok && q == p)
					*(long *)((char *)r + keys[i].off) = v;
			}
		}
	}
}

/* "345696 pages RAM", "19070 pages reserved", "95232 pages cma reserved" */
static bool parse_pages_line(struct rp_report *r, const char *s, const char *e)
{
	const char *p = s;
	bool ok;
	long v = num(&p, e, &ok);

	if (!ok || !has_prefix(p, e, " pages "))
		return false;
	p += 7;
	if (has_prefix(p, e, "RAM"))
		r->pages_ram = v;
	else if (has_prefix(p, e, "reserved"))
		r->pages_reserved = v;
	else if (has_prefix(p, e, "cma reserved"))
		r->pages_cma_reserved = v;
	return true;
}

/* A complete logical line. */
static void process(struct parser *ps, const char *s, const char *e, int line)
{
	struct rp_report *r;
	const char *name, *p;
	size_t nlen;
	int node;

	while (e > s && (is_space(e[-1]) || e[-1] == '\r'))
		e--;
	if (s >= e)
		return;
	if (parse_header(ps, s, e, line))
		return;
	r = cur(ps);
	if (!r)
		return;
	r->last_line = line;

	if (has_prefix(s, e, "Mem-Info:")) {
		r->have_meminfo = true;
		ps->in_trace = false;
		return;
	}
	if (parse_cpu_line(r, s, e))
		return;
	if (has_prefix(s, e, "Node ")) {
		const char *q = s + 5;
		bool ok;
		long n = num(&q, e, &ok);

		if (ok && ps->only_node == -2)
			ps->only_node = (int)n;
		else if (ok && ps->only_node != n)
			ps->only_node = -1;
	}
	if (has_prefix(s, e, ",cpuset=") || has_prefix(s, e, "cpuset=") ||
	    has_prefix(s, e, "nodemask=")) {
		parse_mode_tail(r, s, e);
		return;
	}
	if ((p = zone_head(s, e, &node, &name, &nlen, " "))) {
		if (has_prefix(p, e, " free:")) {
			ps->in_trace = false;
			parse_zone_line(ps, p, e, node, name, nlen);
			return;
		}
	}
	if ((p = zone_head(s, e, &node, &name, &nlen, ":"))) {
		const char *q = skip_ws(p + 1, e);

		if (q < e && isdigit((unsigned char)*q)) {
			ps->in_trace = false;
			parse_buddy(ps, q, e, node, name, nlen);
			return;
		}
	}
	if (has_prefix(s, e, "lowmem_reserve[]:")) {
		parse_lowmem(ps, s + 17, e);
		return;
	}
	if (!has_prefix(s, e, "Node ") && meminfo_key(s, e)) {
		ps->in_trace = false;
		parse_meminfo(r, s, e);
		return;
	}
	if (isdigit((unsigned char)*s) && parse_pages_line(r, s, e))
		return;
	if (ps->in_trace)
		parse_frame(ps, s, e);
}

static enum pend_kind kind_of(const char *s, const char *e)
{
	int node;
	const char *name, *p;
	size_t nlen;

	if (find(s, e, "allocation failure") || find(s, e, "vmalloc error: size")) {
		const char *m = find(s, e, "mode:");

		if (!m)
			return PK_HEADER;
		/* "mode:0x40dc0(GFP_KERNEL|" wrapped inside the names */
		p = memchr(m, '(', (size_t)(e - m));
		if (p && !memchr(p, ')', (size_t)(e - p)))
			return PK_HEADER;
		return PK_OTHER;
	}
	if ((p = zone_head(s, e, &node, &name, &nlen, " ")) && has_prefix(p, e, " free:"))
		return PK_ZONE;
	if ((p = zone_head(s, e, &node, &name, &nlen, ":")) && !find(p, e, " = "))
		return PK_BUDDY;
	if (has_prefix(s, e, "lowmem_reserve[]:"))
		return PK_LOWMEM;
	if (has_prefix(s, e, "CPU: ") || has_prefix(s, e, "Pid: ")) {
		struct rp_report probe;

		/* a version line cut before the release */
		probe.kernel_version[0] = '\0';
		probe.pid = 0;
		parse_cpu_line(&probe, s, e);
		if (!probe.kernel_version[0])
			return PK_CPU;
	}
	return PK_OTHER;
}

/* Does the physical line s..e continue the pending logical line? */
static bool continues(struct parser *ps, const char *s, const char *e)
{
	const char *p;

	if (ps->plen + (size_t)(e - s) + 2 >= sizeof(ps->pend) || ps->pend_joins >= 16)
		return false;
	switch (ps->pkind) {
	case PK_HEADER:
		/* "order:6," then "mode:0x..." on the next line */
		return find(s, e, "mode:") || find(s, e, "nodemask=") || has_prefix(s, e, "order:") ||
		       has_prefix(s, e, "GFP_") || has_prefix(s, e, "__GFP_") ||
		       (s < e && *s == '|');
	case PK_ZONE:
		if (has_prefix(s, e, "all_unreclaimable?") || has_prefix(s, e, "no") ||
		    has_prefix(s, e, "yes"))
			return true;
		for (p = s; p < e && (islower((unsigned char)*p) || *p == '_' || *p == '(' ||
				      *p == ')'); p++)
			;
		return p > s && p + 1 < e && *p == ':' && isdigit((unsigned char)p[1]) &&
		       kind_of(s, e) == PK_OTHER;
	case PK_BUDDY:
		return s < e && (isdigit((unsigned char)*s) || *s == '(' || *s == '=');
	case PK_LOWMEM:
		for (p = s; p < e && (isdigit((unsigned char)*p) || is_space(*p)); p++)
			;
		return p == e;
	case PK_CPU:
		return (s < e && isdigit((unsigned char)*s)) || has_prefix(s, e, "Not tainted") ||
		       has_prefix(s, e, "Tainted:");
	default:
		return false;
	}
}

static void flush(struct parser *ps)
{
	if (ps->pkind != PK_NONE)
		process(ps, ps->pend, ps->pend + ps->plen, ps->pend_line);
	ps->pkind = PK_NONE;
	ps->plen = 0;
	ps->pend_joins = 0;
}

static void physical_line(struct parser *ps, const char *s, const char *e, int line)
{
	bool cont;
	size_t l;

	while (e > s && (e[-1] == '\r' || e[-1] == '\n'))
		e--;
	s = rp_strip_prefix(s, e, &cont);
	if (ps->pkind != PK_NONE && ps->pkind != PK_OTHER && continues(ps, s, e)) {
		ps->pend[ps->plen++] = ' ';
		memcpy(ps->pend + ps->plen, s, (size_t)(e - s));
		ps->plen += (size_t)(e - s);
		ps->pend_joins++;
		/* a header that now has its mode and nodemask is complete */
		if (ps->pkind == PK_HEADER && find(ps->pend, ps->pend + ps->plen, "nodemask="))
			flush(ps);
		return;
	}
	flush(ps);
	l = (size_t)(e - s);
	if (l >= sizeof(ps->pend))
		l = sizeof(ps->pend) - 1;
	ps->pkind = kind_of(s, s + l);
	if (ps->pkind == PK_OTHER) {
		/* nothing can continue it: process in place, no copy */
		ps->pkind = PK_NONE;
		process(ps, s, s + l, line);
		return;
	}
	memcpy(ps->pend, s, l);
	ps->plen = l;
	ps->pend_line = line;
}

int rp_parse(const char *text, size_t len, struct rp_list *out)
{
	struct parser *ps = calloc(1, sizeof(*ps));
	const char *s = text, *end = text + len;
	int line = 0, ret = 0;

	if (!ps)
		return -ENOMEM;
	ps->out = out;
	ps->cur = -1;
	ps->last_zone = -1;
	ps->only_node = -2;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		line++;
		physical_line(ps, s, e, line);
		s = nl ? nl + 1 : end;
	}
	flush(ps);
	finish_report(ps);
	/* a failed realloc leaves fewer reports; tell the caller */
	if (ps->nomem)
		ret = -ENOMEM;
	free(ps);
	return ret;
}

void rp_free(struct rp_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
