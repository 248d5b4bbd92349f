// SPDX-License-Identifier: GPL-2.0
#include "nodes.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "procfile.h"

/* A node id: digits only, no sign or blanks. */
static int node_id(const char **s, long *out)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	errno = 0;
	*out = strtol(*s, &end, 10);
	if (errno || *out > 1 << 20)
		return -EINVAL;
	*s = end;
	return 0;
}

int nodelist_parse(const char *text, uint64_t *bits)
{
	const char *s = text;

	*bits = 0;
	if (*s == '\n' || !*s)	/* an empty list: no node in that state */
		return *s && s[1] ? -EINVAL : 0;
	for (;;) {
		long a, b;

		if (node_id(&s, &a))
			return -EINVAL;
		b = a;
		if (*s == '-') {
			s++;
			if (node_id(&s, &b) || b < a)
				return -EINVAL;
		}
		for (long n = a; n <= b && n < 64; n++)
			*bits |= 1ULL << n;
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\n')
			s++;
		return *s ? -EINVAL : 0;
	}
}

int nodes_read(const char *which, uint64_t *bits)
{
	struct text_buf t;
	char path[128];
	int ret;

	*bits = 0;
	snprintf(path, sizeof(path), "/sys/devices/system/node/%s", which);
	ret = text_read_file(path, &t);
	if (ret)
		return ret;
	ret = nodelist_parse(t.data, bits);
	text_free(&t);
	return ret;
}
