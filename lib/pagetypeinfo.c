// SPDX-License-Identifier: GPL-2.0
#include "pagetypeinfo.h"
#include "procfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum section { SEC_HEAD, SEC_FREE, SEC_BLOCKS, SEC_MIXED };

static struct pagetype_zone *zone_get(struct pagetypeinfo *pi, size_t *cap, int node,
				      const char *name)
{
	struct pagetype_zone *z;

	for (size_t i = 0; i < pi->nr_zones; i++)
		if (pi->zones[i].node == node && !strcmp(pi->zones[i].zone, name))
			return &pi->zones[i];
	if (pi->nr_zones == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct pagetype_zone *nz = realloc(pi->zones, ncap * sizeof(*nz));

		if (!nz)
			return NULL;
		pi->zones = nz;
		*cap = ncap;
	}
	z = &pi->zones[pi->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	strcpy(z->zone, name);
	return z;
}

/* "Number of blocks type  Unmovable  Movable ..." names the columns. */
static int parse_type_header(struct pagetypeinfo *pi, struct scan *s, int lineno,
			     struct parse_error *err)
{
	char name[FT_MT_NAME_LEN];
	int n = 0;

	while (!scan_at_end(s)) {
		if (n == FT_MAX_MIGRATETYPES || !scan_word(s, name, sizeof(name))) {
			parse_error_set(err, lineno, "pagetypeinfo: bad migratetype header");
			return -EINVAL;
		}
		if (pi->nr_types && (n >= pi->nr_types || strcmp(pi->types[n], name))) {
			parse_error_set(err, lineno, "pagetypeinfo: column %s does not match the free lists", name);
			return -EINVAL;
		}
		strcpy(pi->types[n++], name);
	}
	if (pi->nr_types && n != pi->nr_types) {
		parse_error_set(err, lineno, "pagetypeinfo: %d block columns for %d types", n,
				pi->nr_types);
		return -EINVAL;
	}
	pi->nr_types = n;
	return 0;
}

static int parse_free_row(struct pagetypeinfo *pi, size_t *cap, struct scan *s, int lineno,
			  struct parse_error *err)
{
	char zone[FT_ZONE_NAME_LEN], type[FT_MT_NAME_LEN];
	struct pagetype_zone *z;
	int node, t, o = 0;

	if (!scan_node_zone(s, &node, zone) || !scan_literal(s, "type") ||
	    !scan_word(s, type, sizeof(type))) {
		parse_error_set(err, lineno, "pagetypeinfo: expected 'Node N, zone Z, type T'");
		return -EINVAL;
	}
	t = pagetypeinfo_type_index(pi, type);
	if (t < 0) {
		if (pi->nr_types == FT_MAX_MIGRATETYPES) {
			parse_error_set(err, lineno, "pagetypeinfo: too many migratetypes");
			return -EINVAL;
		}
		t = pi->nr_types++;
		strcpy(pi->types[t], type);
	}
	z = zone_get(pi, cap, node, zone);
	if (!z) {
		parse_error_set(err, lineno, "pagetypeinfo: out of memory");
		return -ENOMEM;
	}
	z->has_free = true;
	while (!scan_at_end(s)) {
		bool over = scan_literal(s, ">");

		if (o == pi->nr_orders || !scan_u64(s, &z->free[t][o])) {
			parse_error_set(err, lineno, "pagetypeinfo: bad count for %s order %d", type, o);
			return -EINVAL;
		}
		z->saturated[t][o++] = over;
	}
	if (o != pi->nr_orders) {
		parse_error_set(err, lineno, "pagetypeinfo: %d counts for %d orders", o, pi->nr_orders);
		return -EINVAL;
	}
	return 0;
}

static int parse_block_row(struct pagetypeinfo *pi, size_t *cap, struct scan *s, bool mixed,
			   int lineno, struct parse_error *err)
{
	char zone[FT_ZONE_NAME_LEN];
	struct pagetype_zone *z;
	int node, t = 0;

	if (!scan_node_zone(s, &node, zone)) {
		parse_error_set(err, lineno, "pagetypeinfo: expected 'Node N, zone Z'");
		return -EINVAL;
	}
	z = zone_get(pi, cap, node, zone);
	if (!z) {
		parse_error_set(err, lineno, "pagetypeinfo: out of memory");
		return -ENOMEM;
	}
	while (!scan_at_end(s)) {
		uint64_t *dst = mixed ? &z->mixed[t] : &z->blocks[t];

		if (t == pi->nr_types || !scan_u64(s, dst)) {
			parse_error_set(err, lineno, "pagetypeinfo: bad block count in column %d", t + 1);
			return -EINVAL;
		}
		t++;
	}
	if (t != pi->nr_types) {
		parse_error_set(err, lineno, "pagetypeinfo: %d block counts for %d types", t,
				pi->nr_types);
		return -EINVAL;
	}
	if (mixed)
		z->has_mixed = true;
	else
		z->has_blocks = true;
	return 0;
}

int pagetypeinfo_parse(const char *text, size_t len, struct pagetypeinfo *out,
		       struct parse_error *err)
{
	enum section sec = SEC_HEAD;
	struct line_iter it;
	const char *line;
	size_t llen, cap = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->pageblock_order = -1;
	line_iter_init(&it, text, len);
	while (!ret && line_next(&it, &line, &llen)) {
		struct scan s;
		uint64_t v;

		scan_init(&s, line, llen);
		if (scan_at_end(&s))
			continue;
		if (scan_literal(&s, "Page block order:")) {
			if (!scan_u64(&s, &v) || v >= FT_MAX_ORDERS + 8) {
				parse_error_set(err, it.lineno, "pagetypeinfo: bad page block order");
				ret = -EINVAL;
			}
			out->pageblock_order = (int)v;
		} else if (scan_literal(&s, "Pages per block:")) {
			if (!scan_u64(&s, &out->pages_per_block)) {
				parse_error_set(err, it.lineno, "pagetypeinfo: bad pages per block");
				ret = -EINVAL;
			}
		} else if (scan_literal(&s, "Free pages count per migrate type at order")) {
			int o = 0;

			while (!scan_at_end(&s)) {
				if (o == FT_MAX_ORDERS || !scan_u64(&s, &v) || v != (uint64_t)o) {
					parse_error_set(err, it.lineno, "pagetypeinfo: bad order header");
					ret = -EINVAL;
					break;
				}
				o++;
			}
			out->nr_orders = o;
			sec = SEC_FREE;
		} else if (scan_literal(&s, "Number of blocks type")) {
			ret = parse_type_header(out, &s, it.lineno, err);
			sec = SEC_BLOCKS;
		} else if (scan_literal(&s, "Number of mixed blocks")) {
			ret = parse_type_header(out, &s, it.lineno, err);
			sec = SEC_MIXED;
		} else if (sec == SEC_FREE) {
			ret = parse_free_row(out, &cap, &s, it.lineno, err);
		} else if (sec == SEC_BLOCKS || sec == SEC_MIXED) {
			ret = parse_block_row(out, &cap, &s, sec == SEC_MIXED, it.lineno, err);
		} else {
			parse_error_set(err, it.lineno, "pagetypeinfo: unexpected line");
			ret = -EINVAL;
		}
	}
	if (!ret && (out->nr_zones == 0 || out->nr_orders == 0 || out->pageblock_order < 0)) {
		parse_error_set(err, 0, "pagetypeinfo: incomplete (no zones, orders or block order)");
		ret = -EINVAL;
	}
	if (ret)
		pagetypeinfo_free(out);
	return ret;
}

void pagetypeinfo_free(struct pagetypeinfo *pi)
{
	free(pi->zones);
	pi->zones = NULL;
	pi->nr_zones = 0;
}

const struct pagetype_zone *pagetypeinfo_find(const struct pagetypeinfo *pi, int node,
					      const char *zone)
{
	for (size_t i = 0; i < pi->nr_zones; i++)
		if (pi->zones[i].node == node && !strcmp(pi->zones[i].zone, zone))
			return &pi->zones[i];
	return NULL;
}

int pagetypeinfo_type_index(const struct pagetypeinfo *pi, const char *name)
{
	for (int t = 0; t < pi->nr_types; t++)
		if (!strcmp(pi->types[t], name))
			return t;
	return -1;
}

int pagetypeinfo_read(struct pagetypeinfo *out)
{
	struct text_buf b = { 0 };
	struct parse_error err;
	int ret = text_read_file("/proc/pagetypeinfo", &b);

	if (ret)
		return ret;
	ret = pagetypeinfo_parse(b.data, b.len, out, &err);
	text_free(&b);
	return ret;
}
