/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal streaming JSON writer shared by every fragtest tool, so that all
 * JSON output is escaped and comma-separated the same way.
 */
#ifndef FRAGTEST_JSON_H
#define FRAGTEST_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool has_items[JSON_MAX_DEPTH];	/* a comma is due before the next item */
};

void json_init(struct json_writer *w, FILE *out, bool pretty);
/* key is the member name inside an object, NULL inside an array or at top */
void json_object_begin(struct json_writer *w, const char *key);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w, const char *key);
void json_array_end(struct json_writer *w);
void json_string(struct json_writer *w, const char *key, const char *value);
void json_string_n(struct json_writer *w, const char *key, const char *value, size_t len);
void json_int(struct json_writer *w, const char *key, int64_t value);
void json_uint(struct json_writer *w, const char *key, uint64_t value);
void json_double(struct json_writer *w, const char *key, double value);
void json_bool(struct json_writer *w, const char *key, bool value);
void json_null(struct json_writer *w, const char *key);
/* ends the document with a newline */
void json_finish(struct json_writer *w);

#endif
