// SPDX-License-Identifier: GPL-2.0
#include "meminfo.h"

#include <errno.h>
#include <string.h>

#include "procfile.h"

int meminfo_parse(const char *text, size_t len, struct meminfo *out, struct parse_error *err)
{
	struct line_iter it;
	const char *line;
	size_t llen;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, text, len);
	while (line_next(&it, &line, &llen)) {
		struct meminfo_item *item;
		const char *colon = memchr(line, ':', llen);
		size_t nlen = colon ? (size_t)(colon - line) : 0;
		struct scan s;

		if (!llen)
			continue;
		if (!colon || nlen == 0 || nlen >= sizeof(item->name)) {
			parse_error_set(err, it.lineno, "meminfo: expected 'Name: value [kB]'");
			return -EINVAL;
		}
		if (out->nr == MEMINFO_MAX_ITEMS) {
			parse_error_set(err, it.lineno, "meminfo: more than %d lines",
					MEMINFO_MAX_ITEMS);
			return -E2BIG;
		}
		item = &out->items[out->nr];
		memcpy(item->name, line, nlen);
		item->name[nlen] = '\0';
		scan_init(&s, colon + 1, llen - nlen - 1);
		if (!scan_u64(&s, &item->value)) {
			parse_error_set(err, it.lineno, "meminfo: %s: expected a number", item->name);
			return -EINVAL;
		}
		if (scan_literal(&s, "kB")) {
			if (item->value > UINT64_MAX / 1024) {
				parse_error_set(err, it.lineno, "meminfo: %s: too large", item->name);
				return -ERANGE;
			}
			item->value *= 1024;
		}
		if (!scan_at_end(&s)) {
			parse_error_set(err, it.lineno, "meminfo: %s: trailing text", item->name);
			return -EINVAL;
		}
		out->nr++;
	}
	if (!out->nr) {
		parse_error_set(err, 0, "meminfo: empty");
		return -EINVAL;
	}
	return 0;
}

int meminfo_read(int fd, struct meminfo *out, struct parse_error *err)
{
	struct text_buf t = { 0 };
	int ret = fd < 0 ? text_read_file("/proc/meminfo", &t) : text_read_fd(fd, &t);

	if (ret) {
		parse_error_set(err, 0, "/proc/meminfo: %s", strerror(-ret));
		return ret;
	}
	ret = meminfo_parse(t.data, t.len, out, err);
	text_free(&t);
	return ret;
}

bool meminfo_get(const struct meminfo *mi, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < mi->nr; i++) {
		if (!strcmp(mi->items[i].name, name)) {
			*value = mi->items[i].value;
			return true;
		}
	}
	return false;
}
