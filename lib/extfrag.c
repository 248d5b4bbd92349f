// SPDX-License-Identifier: GPL-2.0
#include "extfrag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int extfrag_parse(const char *text, size_t len, struct extfrag *out, struct parse_error *err)
{
	struct line_iter it;
	const char *line;
	size_t llen, cap = 0;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		struct extfrag_zone z = { 0 };
		struct scan s;

		scan_init(&s, line, llen);
		if (scan_at_end(&s))
			continue;
		if (!scan_node_zone(&s, &z.node, z.zone)) {
			parse_error_set(err, it.lineno, "extfrag: expected 'Node N, zone NAME'");
			goto fail;
		}
		while (!scan_at_end(&s)) {
			if (z.nr_orders == FT_MAX_ORDERS || !scan_double(&s, &z.index[z.nr_orders]) ||
			    z.index[z.nr_orders] < -1.0 || z.index[z.nr_orders] > 1.0) {
				parse_error_set(err, it.lineno, "extfrag: bad index in column %d",
						z.nr_orders + 1);
				goto fail;
			}
			z.nr_orders++;
		}
		if (out->nr_zones == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct extfrag_zone *nz = realloc(out->zones, ncap * sizeof(*nz));

			if (!nz) {
				parse_error_set(err, it.lineno, "extfrag: out of memory");
				extfrag_free(out);
				return -ENOMEM;
			}
			out->zones = nz;
			cap = ncap;
		}
		out->zones[out->nr_zones++] = z;
	}
	if (out->nr_zones == 0) {
		parse_error_set(err, 0, "extfrag: no zones");
		goto fail;
	}
	return 0;
fail:
	extfrag_free(out);
	return -EINVAL;
}

void extfrag_free(struct extfrag *ef)
{
	free(ef->zones);
	ef->zones = NULL;
	ef->nr_zones = 0;
}

const struct extfrag_zone *extfrag_find(const struct extfrag *ef, int node, const char *zone)
{
	for (size_t i = 0; i < ef->nr_zones; i++)
		if (ef->zones[i].node == node && !strcmp(ef->zones[i].zone, zone))
			return &ef->zones[i];
	return NULL;
}
