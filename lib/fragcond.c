// SPDX-License-Identifier: GPL-2.0
#include "fragcond.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmzone.h"

#define FRAGCOND_MAX_TERMS 16

enum metric { M_UNUSABLE, M_MAX_ORDER, M_FREE_KB, M_PAGES_ABOVE, M_VMSTAT, M_MEMINFO };
enum op { OP_GE, OP_LE, OP_GT, OP_LT, OP_EQ, OP_NE };

static const char *const metric_names[] = {
	"unusable_index", "max_free_order", "free_kb", "free_pages_at_or_above", "vmstat",
	"meminfo",
};
static const char *const op_names[] = { ">=", "<=", ">", "<", "==", "!=" };

struct term {
	enum metric metric;
	char zone[FT_ZONE_NAME_LEN];	/* "" for every zone */
	int node;			/* -1 for every node */
	int order;			/* -1 when not given */
	char name[48];			/* vmstat / meminfo */
	enum op op;
	double threshold;
	bool or_before;			/* joined to the previous term by || */
	char text[128];
};

struct fragcond {
	char text[512];
	int nr;
	struct term terms[FRAGCOND_MAX_TERMS];
};

struct parser {
	const char *s, *p;
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, const char *what)
{
	snprintf(ps->err, ps->errlen, "condition, column %d: %s", (int)(ps->p - ps->s) + 1, what);
	return -EINVAL;
}

static void skip_space(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool word(struct parser *ps, char *out, size_t cap)
{
	size_t n = 0;

	skip_space(ps);
	while (isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_')
		n++;
	if (!n || n >= cap)
		return false;
	memcpy(out, ps->p, n);
	out[n] = '\0';
	ps->p += n;
	return true;
}

static bool literal(struct parser *ps, const char *lit)
{
	skip_space(ps);
	if (strncmp(ps->p, lit, strlen(lit)))
		return false;
	ps->p += strlen(lit);
	return true;
}

static int parse_args(struct parser *ps, struct term *t)
{
	if (!literal(ps, "("))
		return 0;
	if (literal(ps, ")"))
		return 0;
	do {
		char key[16], val[48];
		char *end;
		long v;

		if (!word(ps, key, sizeof(key)))
			return fail(ps, "expected an argument name (zone, node, order, name)");
		if (!literal(ps, "="))
			return fail(ps, "expected '=' after the argument name");
		if (!word(ps, val, sizeof(val)))
			return fail(ps, "expected an argument value");
		if (!strcmp(key, "zone")) {
			if (strlen(val) >= sizeof(t->zone))
				return fail(ps, "zone name too long");
			snprintf(t->zone, sizeof(t->zone), "%s", val);
			continue;
		}
		if (!strcmp(key, "name")) {
			snprintf(t->name, sizeof(t->name), "%s", val);
			continue;
		}
		errno = 0;
		v = strtol(val, &end, 10);
		if (errno || *end || v < 0 || v > 1023)
			return fail(ps, "expected a small non-negative integer");
		if (!strcmp(key, "node"))
			t->node = (int)v;
		else if (!strcmp(key, "order") && v < FT_MAX_ORDERS)
			t->order = (int)v;
		else
			return fail(ps, "unknown argument, or order out of range");
	} while (literal(ps, ","));
	if (!literal(ps, ")"))
		return fail(ps, "expected ',' or ')'");
	return 0;
}

static int parse_term(struct parser *ps, struct term *t)
{
	const char *start;
	char name[32], *end;
	size_t m;
	int ret;

	skip_space(ps);
	start = ps->p;
	memset(t, 0, sizeof(*t));
	t->node = -1;
	t->order = -1;
	if (!word(ps, name, sizeof(name)))
		return fail(ps, "expected a metric (unusable_index, max_free_order, free_kb, ...)");
	for (m = 0; m < sizeof(metric_names) / sizeof(metric_names[0]); m++)
		if (!strcmp(name, metric_names[m]))
			break;
	if (m == sizeof(metric_names) / sizeof(metric_names[0]))
		return fail(ps, "unknown metric");
	t->metric = (enum metric)m;
	ret = parse_args(ps, t);
	if (ret)
		return ret;
	if ((t->metric == M_UNUSABLE || t->metric == M_PAGES_ABOVE) && t->order < 0)
		return fail(ps, "this metric needs order=N");
	if ((t->metric == M_VMSTAT || t->metric == M_MEMINFO) && !t->name[0])
		return fail(ps, "this metric needs name=...");
	skip_space(ps);
	for (m = 0; m < sizeof(op_names) / sizeof(op_names[0]); m++)
		if (!strncmp(ps->p, op_names[m], strlen(op_names[m])))
			break;
	if (m == sizeof(op_names) / sizeof(op_names[0]))
		return fail(ps, "expected a comparison (>=, <=, >, <, ==, !=)");
	t->op = (enum op)m;
	ps->p += strlen(op_names[m]);
	skip_space(ps);
	errno = 0;
	t->threshold = strtod(ps->p, &end);
	if (errno || end == ps->p || !isfinite(t->threshold))
		return fail(ps, "expected a number");
	ps->p = end;
	snprintf(t->text, sizeof(t->text), "%.*s", (int)(ps->p - start), start);
	return 0;
}

int fragcond_parse(const char *text, struct fragcond **out, char *err, size_t errlen)
{
	struct parser ps = { .s = text, .p = text, .err = err, .errlen = errlen };
	struct fragcond *c;
	bool join_or = false;
	int ret;

	*out = NULL;
	if (strlen(text) >= sizeof(c->text)) {
		snprintf(err, errlen, "condition longer than %zu characters", sizeof(c->text) - 1);
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->text, sizeof(c->text), "%s", text);
	for (;;) {
		if (c->nr == FRAGCOND_MAX_TERMS) {
			ret = fail(&ps, "too many terms");
			goto bad;
		}
		ret = parse_term(&ps, &c->terms[c->nr]);
		if (ret)
			goto bad;
		c->terms[c->nr++].or_before = join_or;
		skip_space(&ps);
		if (!*ps.p)
			break;
		if (literal(&ps, "||")) {
			join_or = true;
		} else if (literal(&ps, "&&")) {
			join_or = false;
		} else {
			ret = fail(&ps, "expected && or || between terms");
			goto bad;
		}
	}
	*out = c;
	return 0;
bad:
	free(c);
	return ret;
}

void fragcond_free(struct fragcond *c)
{
	free(c);
}

static bool needs(const struct fragcond *c, enum metric m)
{
	for (int i = 0; i < c->nr; i++)
		if (c->terms[i].metric == m)
			return true;
	return false;
}

bool fragcond_needs_vmstat(const struct fragcond *c)
{
	return needs(c, M_VMSTAT);
}

bool fragcond_needs_meminfo(const struct fragcond *c)
{
	return needs(c, M_MEMINFO);
}

/* The term's metric in state s; -ENOENT when the state lacks it. */
static int term_value(const struct term *t, const struct fragcond_state *s, double *v,
		      char *err, size_t errlen)
{
	uint64_t free = 0, above = 0, u;
	int max_order = -1, zones = 0;

	switch (t->metric) {
	case M_VMSTAT:
		if (!s->vmstat || !vmstat_get(s->vmstat, t->name, &u)) {
			snprintf(err, errlen, "%s: no vmstat counter %s", t->text, t->name);
			return -ENOENT;
		}
		*v = (double)u;
		return 0;
	case M_MEMINFO:
		if (!s->meminfo || !meminfo_get(s->meminfo, t->name, &u)) {
			snprintf(err, errlen, "%s: no meminfo field %s", t->text, t->name);
			return -ENOENT;
		}
		*v = (double)u / 1024;	/* the parser keeps bytes; kB as printed */
		return 0;
	default:
		break;
	}
	for (size_t i = 0; i < s->buddy->nr_zones; i++) {
		const struct buddy_zone *z = &s->buddy->zones[i];
		int mo;

		if ((t->zone[0] && strcmp(t->zone, z->zone)) || (t->node >= 0 && t->node != z->node))
			continue;
		zones++;
		free += buddy_zone_free_pages(z);
		if (t->order >= 0)
			above += buddy_zone_pages_at_or_above(z, t->order);
		mo = buddy_zone_max_order(z);
		if (mo > max_order)
			max_order = mo;
	}
	if (!zones) {
		snprintf(err, errlen, "%s: no zone %s%s in buddyinfo", t->text,
			 t->zone[0] ? t->zone : "(any)", t->node >= 0 ? " on that node" : "");
		return -ENOENT;
	}
	switch (t->metric) {
	case M_UNUSABLE:
		*v = free ? (double)(free - above) / (double)free : 1.0;
		break;
	case M_MAX_ORDER:
		*v = max_order;
		break;
	case M_FREE_KB:
		*v = (double)free * (double)s->page_size / 1024;
		break;
	default:
		*v = (double)above;
		break;
	}
	return 0;
}

static bool compare(enum op op, double v, double th)
{
	switch (op) {
	case OP_GE: return v >= th;
	case OP_LE: return v <= th;
	case OP_GT: return v > th;
	case OP_LT: return v < th;
	case OP_EQ: return v == th;
	default: return v != th;
	}
}

/* How far v is from satisfying the term, relative to the threshold (<= 0). */
static double shortfall(const struct term *t, double v)
{
	double scale = fabs(t->threshold) > 1 ? fabs(t->threshold) : 1;

	if (compare(t->op, v, t->threshold))
		return 0;
	/* failing at the threshold itself (a strict comparison) still counts */
	return -fabs(v - t->threshold) / scale - 1e-9;
}

int fragcond_eval(const struct fragcond *c, const struct fragcond_state *s, double *score,
		  char *err, size_t errlen)
{
	bool any = false, group = true;
	double best = -INFINITY, group_score = 0;

	for (int i = 0; i < c->nr; i++) {
		const struct term *t = &c->terms[i];
		double v;
		int ret;

		if (t->or_before) {
			any |= group;
			if (group_score > best)
				best = group_score;
			group = true;
			group_score = 0;
		}
		ret = term_value(t, s, &v, err, errlen);
		if (ret)
			return ret;
		group &= compare(t->op, v, t->threshold);
		group_score += shortfall(t, v);
	}
	any |= group;
	if (group_score > best)
		best = group_score;
	*score = best;
	return any;
}

void fragcond_write_json(struct json_writer *w, const char *key, const struct fragcond *c,
			 const struct fragcond_state *s)
{
	json_object_begin(w, key);
	json_string(w, "text", c->text);
	json_array_begin(w, "terms");
	for (int i = 0; i < c->nr; i++) {
		const struct term *t = &c->terms[i];
		char err[160];
		double v;

		json_object_begin(w, NULL);
		json_string(w, "term", t->text);
		if (i)
			json_string(w, "join", t->or_before ? "||" : "&&");
		if (term_value(t, s, &v, err, sizeof(err))) {
			json_string(w, "error", err);
		} else {
			json_double(w, "value", v);
			json_bool(w, "holds", compare(t->op, v, t->threshold));
		}
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

void fragcond_describe(const struct fragcond *c, const struct fragcond_state *s, char *buf,
		       size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->nr && used < len; i++) {
		const struct term *t = &c->terms[i];
		const char *op = strstr(t->text, op_names[t->op]);
		int lhs = op ? (int)(op - t->text) : (int)strlen(t->text);
		char err[160];
		double v;
		int n;

		while (lhs > 0 && t->text[lhs - 1] == ' ')
			lhs--;
		if (term_value(t, s, &v, err, sizeof(err)))
			n = snprintf(buf + used, len - used, "%s%.*s=?", i ? " " : "", lhs, t->text);
		else
			n = snprintf(buf + used, len - used, "%s%.*s=%.4g", i ? " " : "", lhs,
				     t->text, v);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
