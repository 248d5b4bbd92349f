// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void json_init(struct json_writer *w, FILE *out, bool pretty)
{
	w->out = out;
	w->pretty = pretty;
	w->depth = 0;
	w->has_items[0] = false;
}

static void indent(struct json_writer *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

static void put_escaped(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			/* control bytes and DEL are escaped; other bytes pass through */
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/* Comma, indentation and "key": before any value. */
static void item(struct json_writer *w, const char *key)
{
	if (w->depth > 0) {
		if (w->has_items[w->depth])
			fputc(',', w->out);
		indent(w);
	}
	w->has_items[w->depth] = true;
	if (key) {
		put_escaped(w->out, key, strlen(key));
		fputs(w->pretty ? ": " : ":", w->out);
	}
}

static void open_container(struct json_writer *w, const char *key, char c)
{
	item(w, key);
	fputc(c, w->out);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->has_items[w->depth] = false;
}

static void close_container(struct json_writer *w, char c)
{
	bool had = w->has_items[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had)
		indent(w);
	fputc(c, w->out);
}

void json_object_begin(struct json_writer *w, const char *key) { open_container(w, key, '{'); }
void json_object_end(struct json_writer *w) { close_container(w, '}'); }
void json_array_begin(struct json_writer *w, const char *key) { open_container(w, key, '['); }
void json_array_end(struct json_writer *w) { close_container(w, ']'); }

void json_string_n(struct json_writer *w, const char *key, const char *value, size_t len)
{
	item(w, key);
	put_escaped(w->out, value, len);
}

void json_string(struct json_writer *w, const char *key, const char *value)
{
	if (!value) {
		json_null(w, key);
		return;
	}
	json_string_n(w, key, value, strlen(value));
}

void json_int(struct json_writer *w, const char *key, int64_t value)
{
	item(w, key);
	fprintf(w->out, "%" PRId64, value);
}

void json_uint(struct json_writer *w, const char *key, uint64_t value)
{
	item(w, key);
	fprintf(w->out, "%" PRIu64, value);
}

void json_double(struct json_writer *w, const char *key, double value)
{
	item(w, key);
	/* JSON has no NaN or infinity */
	if (isfinite(value))
		fprintf(w->out, "%.15g", value);	/* monotonic stamps keep their microseconds */
	else
		fputs("null", w->out);
}

void json_bool(struct json_writer *w, const char *key, bool value)
{
	item(w, key);
	fputs(value ? "true" : "false", w->out);
}

void json_null(struct json_writer *w, const char *key)
{
	item(w, key);
	fputs("null", w->out);
}

void json_finish(struct json_writer *w)
{
	fputc('\n', w->out);
	fflush(w->out);
}
