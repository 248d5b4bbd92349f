// SPDX-License-Identifier: GPL-2.0
#include "buddyinfo.h"
#include "procfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int buddyinfo_parse(const char *text, size_t len, struct buddyinfo *out,
		    struct parse_error *err)
{
	struct line_iter it;
	const char *line;
	size_t llen, cap = 0;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		struct buddy_zone z = { 0 };
		struct scan s;

		scan_init(&s, line, llen);
		if (scan_at_end(&s))
			continue;
		if (!scan_node_zone(&s, &z.node, z.zone)) {
			parse_error_set(err, it.lineno, "buddyinfo: expected 'Node N, zone NAME'");
			goto fail;
		}
		while (!scan_at_end(&s)) {
			if (z.nr_orders == FT_MAX_ORDERS) {
				parse_error_set(err, it.lineno, "buddyinfo: more than %d orders",
						FT_MAX_ORDERS);
				goto fail;
			}
			if (!scan_u64(&s, &z.free[z.nr_orders])) {
				parse_error_set(err, it.lineno, "buddyinfo: bad count in column %d",
						z.nr_orders + 1);
				goto fail;
			}
			z.nr_orders++;
		}
		if (z.nr_orders == 0) {
			parse_error_set(err, it.lineno, "buddyinfo: zone %s has no counts", z.zone);
			goto fail;
		}
		if (out->nr_zones == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct buddy_zone *nz = realloc(out->zones, ncap * sizeof(*nz));

			if (!nz) {
				parse_error_set(err, it.lineno, "buddyinfo: out of memory");
				buddyinfo_free(out);
				return -ENOMEM;
			}
			out->zones = nz;
			cap = ncap;
		}
		out->zones[out->nr_zones++] = z;
	}
	if (out->nr_zones == 0) {
		parse_error_set(err, 0, "buddyinfo: no zones");
		goto fail;
	}
	return 0;
fail:
	buddyinfo_free(out);
	return -EINVAL;
}

void buddyinfo_free(struct buddyinfo *bi)
{
	free(bi->zones);
	bi->zones = NULL;
	bi->nr_zones = 0;
}

const struct buddy_zone *buddyinfo_find(const struct buddyinfo *bi, int node, const char *zone)
{
	for (size_t i = 0; i < bi->nr_zones; i++)
		if (bi->zones[i].node == node && !strcmp(bi->zones[i].zone, zone))
			return &bi->zones[i];
	return NULL;
}

uint64_t buddy_zone_free_pages(const struct buddy_zone *z)
{
	return buddy_zone_pages_at_or_above(z, 0);
}

uint64_t buddy_zone_pages_at_or_above(const struct buddy_zone *z, int order)
{
	uint64_t pages = 0;

	for (int o = order < 0 ? 0 : order; o < z->nr_orders; o++)
		pages += z->free[o] << o;
	return pages;
}

int buddy_zone_max_order(const struct buddy_zone *z)
{
	for (int o = z->nr_orders - 1; o >= 0; o--)
		if (z->free[o])
			return o;
	return -1;
}

int buddyinfo_read(struct buddyinfo *out)
{
	struct text_buf b = { 0 };
	struct parse_error err;
	int ret = text_read_file("/proc/buddyinfo", &b);

	if (ret)
		return ret;
	ret = buddyinfo_parse(b.data, b.len, out, &err);
	text_free(&b);
	return ret;
}
