/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small strict scanners over kernel text: numbers that must be numbers, words
 * that must be words, one line at a time. Every parser in lib/ uses these so
 * that malformed input is rejected the same way everywhere.
 */
#ifndef FRAGTEST_TEXTSCAN_H
#define FRAGTEST_TEXTSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct line_iter {
	const char *pos, *end;
	int lineno;
};

struct parse_error {
	int line;		/* 1-based; 0 when not tied to a line */
	char msg[160];
};

void line_iter_init(struct line_iter *it, const char *text, size_t len);
/* Next line without its newline; false at the end. */
bool line_next(struct line_iter *it, const char **line, size_t *len);

/* A cursor within one line. */
struct scan {
	const char *p, *end;
};

void scan_init(struct scan *s, const char *line, size_t len);
void scan_skip_space(struct scan *s);
bool scan_at_end(struct scan *s);		/* only blanks remain */
bool scan_literal(struct scan *s, const char *lit);	/* after blanks; consumes on match */
/* A run of non-blank characters, at most cap-1 bytes (else false). */
bool scan_word(struct scan *s, char *out, size_t cap);
/* Decimal u64 after blanks; rejects overflow and sign. */
bool scan_u64(struct scan *s, uint64_t *out);
bool scan_int(struct scan *s, int *out);	/* optional leading '-' */
/* Decimal real like -1.000 or 0.925 (no exponent needed by the kernel). */
bool scan_double(struct scan *s, double *out);

void parse_error_set(struct parse_error *err, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
