// SPDX-License-Identifier: GPL-2.0
#include "zoneinfo.h"
#include "procfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct field {
	const char *name;
	size_t offset;
};

#define ZF(n) { #n, offsetof(struct zoneinfo_zone, n) }
/* The watermark block printed under "pages free". */
static const struct field wm_fields[] = {
	ZF(boost), ZF(min), ZF(low), ZF(high), ZF(spanned), ZF(present), ZF(managed), ZF(cma),
};

static int parse_protection(struct zoneinfo_zone *z, struct scan *s)
{
	if (!scan_literal(s, "("))
		return -EINVAL;
	for (;;) {
		if (z->nr_protection == FT_MAX_ZONE_TYPES ||
		    !scan_u64(s, &z->protection[z->nr_protection]))
			return -EINVAL;
		z->nr_protection++;
		if (scan_literal(s, ")"))
			return scan_at_end(s) ? 0 : -EINVAL;
		if (!scan_literal(s, ","))
			return -EINVAL;
	}
}

/* One "name value" line inside a zone; unknown names are ignored. */
static int parse_zone_line(struct zoneinfo_zone *z, struct scan *s, bool *in_zone_stats)
{
	char name[48];
	uint64_t v;

	if (scan_literal(s, "pages free")) {
		*in_zone_stats = true;
		return scan_u64(s, &z->free) && scan_at_end(s) ? 0 : -EINVAL;
	}
	if (!*in_zone_stats)
		return 0;	/* per-node stats of the node's first zone */
	if (scan_literal(s, "protection:"))
		return parse_protection(z, s);
	if (!scan_word(s, name, sizeof(name)))
		return 0;
	if (!strcmp(name, "count:")) {
		/* a CPU's per-cpu list under "pagesets": free, but not in NR_FREE_PAGES */
		if (!scan_u64(s, &v))
			return -EINVAL;
		z->pcp_pages += v;
		return 0;
	}
	if (name[strlen(name) - 1] == ':')
		return 0;	/* pagesets, cpu:, high:, batch:, start_pfn: handled elsewhere */
	if (!scan_u64(s, &v))
		return 0;	/* "vm stats threshold: 6" and similar */
	for (size_t i = 0; i < sizeof(wm_fields) / sizeof(wm_fields[0]); i++) {
		if (!strcmp(name, wm_fields[i].name)) {
			*(uint64_t *)((char *)z + wm_fields[i].offset) = v;
			return 0;
		}
	}
	if (!strcmp(name, "promo")) {
		z->promo = v;
		z->has_promo = true;
	} else if (!strcmp(name, "nr_free_pages")) {
		z->nr_free_pages = v;
	} else if (!strcmp(name, "nr_free_cma")) {
		z->nr_free_cma = v;
		z->has_nr_free_cma = true;
	}
	return 0;
}

int zoneinfo_parse(const char *text, size_t len, struct zoneinfo *out, struct parse_error *err)
{
	struct zoneinfo_zone *cur = NULL;
	bool in_zone_stats = false;
	struct line_iter it;
	const char *line;
	size_t llen, cap = 0;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		struct scan s;
		int node;
		char zone[FT_ZONE_NAME_LEN];

		scan_init(&s, line, llen);
		if (scan_at_end(&s))
			continue;
		if (llen >= 4 && !memcmp(line, "Node", 4)) {
			if (!scan_node_zone(&s, &node, zone) || !scan_at_end(&s)) {
				parse_error_set(err, it.lineno, "zoneinfo: expected 'Node N, zone NAME'");
				goto fail;
			}
			if (out->nr_zones == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				struct zoneinfo_zone *nz = realloc(out->zones, ncap * sizeof(*nz));

				if (!nz) {
					parse_error_set(err, it.lineno, "zoneinfo: out of memory");
					zoneinfo_free(out);
					return -ENOMEM;
				}
				out->zones = nz;
				cap = ncap;
			}
			cur = &out->zones[out->nr_zones++];
			memset(cur, 0, sizeof(*cur));
			cur->node = node;
			strcpy(cur->zone, zone);
			cur->index = 0;
			for (size_t i = 0; i + 1 < out->nr_zones; i++)
				if (out->zones[i].node == node)
					cur->index++;
			in_zone_stats = false;
			continue;
		}
		if (!cur) {
			parse_error_set(err, it.lineno, "zoneinfo: text before the first zone");
			goto fail;
		}
		if (scan_literal(&s, "start_pfn:")) {
			if (!scan_u64(&s, &cur->start_pfn)) {
				parse_error_set(err, it.lineno, "zoneinfo: bad start_pfn");
				goto fail;
			}
			continue;
		}
		if (parse_zone_line(cur, &s, &in_zone_stats)) {
			parse_error_set(err, it.lineno, "zoneinfo: malformed line in zone %s",
					cur->zone);
			goto fail;
		}
	}
	if (out->nr_zones == 0) {
		parse_error_set(err, 0, "zoneinfo: no zones");
		goto fail;
	}
	for (size_t i = 0; i < out->nr_zones; i++)
		out->zones[i].populated = out->zones[i].managed > 0;
	return 0;
fail:
	zoneinfo_free(out);
	return -EINVAL;
}

void zoneinfo_free(struct zoneinfo *zi)
{
	free(zi->zones);
	zi->zones = NULL;
	zi->nr_zones = 0;
}

const struct zoneinfo_zone *zoneinfo_find(const struct zoneinfo *zi, int node, const char *zone)
{
	for (size_t i = 0; i < zi->nr_zones; i++)
		if (zi->zones[i].node == node && !strcmp(zi->zones[i].zone, zone))
			return &zi->zones[i];
	return NULL;
}

const struct zoneinfo_zone *zoneinfo_largest(const struct zoneinfo *zi)
{
	const struct zoneinfo_zone *best = NULL;

	for (size_t i = 0; i < zi->nr_zones; i++)
		if (zi->zones[i].populated && (!best || zi->zones[i].managed > best->managed))
			best = &zi->zones[i];
	return best;
}

int zoneinfo_read(struct zoneinfo *out)
{
	struct text_buf b = { 0 };
	struct parse_error err;
	int ret = text_read_file("/proc/zoneinfo", &b);

	if (ret)
		return ret;
	ret = zoneinfo_parse(b.data, b.len, out, &err);
	text_free(&b);
	return ret;
}
