// SPDX-License-Identifier: GPL-2.0
#include "vmstat.h"
#include "procfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int vmstat_read(struct vmstat *out)
{
	struct text_buf b = { 0 };
	struct parse_error err;
	int ret = text_read_file("/proc/vmstat", &b);

	if (ret)
		return ret;
	ret = vmstat_parse(b.data, b.len, out, &err);
	text_free(&b);
	return ret;
}

int vmstat_parse(const char *text, size_t len, struct vmstat *out, struct parse_error *err)
{
	struct line_iter it;
	const char *line;
	size_t llen, cap = 0;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		struct vmstat_item item;
		struct scan s;

		scan_init(&s, line, llen);
		if (scan_at_end(&s))
			continue;
		if (!scan_word(&s, item.name, sizeof(item.name)) || !scan_u64(&s, &item.value) ||
		    !scan_at_end(&s)) {
			parse_error_set(err, it.lineno, "vmstat: expected 'name value'");
			vmstat_free(out);
			return -EINVAL;
		}
		if (out->nr == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct vmstat_item *ni = realloc(out->items, ncap * sizeof(*ni));

			if (!ni) {
				parse_error_set(err, it.lineno, "vmstat: out of memory");
				vmstat_free(out);
				return -ENOMEM;
			}
			out->items = ni;
			cap = ncap;
		}
		out->items[out->nr++] = item;
	}
	if (out->nr == 0) {
		parse_error_set(err, 0, "vmstat: no counters");
		return -EINVAL;
	}
	return 0;
}

void vmstat_free(struct vmstat *vs)
{
	free(vs->items);
	vs->items = NULL;
	vs->nr = 0;
}

bool vmstat_get(const struct vmstat *vs, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < vs->nr; i++) {
		if (!strcmp(vs->items[i].name, name)) {
			*value = vs->items[i].value;
			return true;
		}
	}
	return false;
}

bool vmstat_delta(const struct vmstat *a, const struct vmstat *b, const char *name,
		  int64_t *delta)
{
	uint64_t va, vb;

	if (!vmstat_get(a, name, &va) || !vmstat_get(b, name, &vb))
		return false;
	*delta = (int64_t)(vb - va);
	return true;
}

uint64_t vmstat_sum_prefix(const struct vmstat *vs, const char *prefix)
{
	size_t n = strlen(prefix);
	uint64_t sum = 0;

	for (size_t i = 0; i < vs->nr; i++)
		if (!strncmp(vs->items[i].name, prefix, n))
			sum += vs->items[i].value;
	return sum;
}
