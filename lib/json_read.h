/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small strict JSON reader (RFC 8259) for fragtest's own result files: a
 * recursive-descent parser building a DOM, with limits on input size, depth
 * and string length so that a malformed or hostile file gives an error
 * message, never a crash or an unbounded allocation.
 */
#ifndef FRAGTEST_JSON_READ_H
#define FRAGTEST_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JR_MAX_DEPTH	64
#define JR_MAX_INPUT	(64u << 20)	/* bytes */

enum jr_type { JR_NULL, JR_BOOL, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

struct jr_value {
	enum jr_type type;
	bool boolean;
	double number;
	bool is_int;		/* an integer that fits int64 exactly */
	int64_t integer;
	char *string;		/* NUL-terminated UTF-8; len excludes the NUL */
	size_t len;
	size_t n;		/* array items or object members */
	struct jr_value *items;
	char **keys;		/* objects: keys[i] names items[i] */
};

/* 0, or -1 with a message naming line and column in err. */
int jr_parse(const char *text, size_t len, struct jr_value *out, char *err, size_t errlen);
/* Also -1 when the file cannot be read or exceeds JR_MAX_INPUT. */
int jr_parse_file(const char *path, struct jr_value *out, char *err, size_t errlen);
void jr_free(struct jr_value *v);

/* Lookups: NULL when absent or of the wrong kind, so they chain safely. */
const struct jr_value *jr_get(const struct jr_value *obj, const char *key);
const struct jr_value *jr_at(const struct jr_value *arr, size_t i);
/* Dotted path of object keys: "health.taint_added". */
const struct jr_value *jr_path(const struct jr_value *v, const char *path);
const char *jr_str(const struct jr_value *v, const char *def);
double jr_num(const struct jr_value *v, double def);
bool jr_is(const struct jr_value *v, enum jr_type type);

#endif
