// SPDX-License-Identifier: GPL-2.0
#include "textscan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void line_iter_init(struct line_iter *it, const char *text, size_t len)
{
	it->pos = text;
	it->end = text + len;
	it->lineno = 0;
}

bool line_next(struct line_iter *it, const char **line, size_t *len)
{
	const char *nl;

	if (it->pos >= it->end)
		return false;
	nl = memchr(it->pos, '\n', (size_t)(it->end - it->pos));
	*line = it->pos;
	*len = (size_t)((nl ? nl : it->end) - it->pos);
	it->pos = nl ? nl + 1 : it->end;
	it->lineno++;
	return true;
}

void scan_init(struct scan *s, const char *line, size_t len)
{
	s->p = line;
	s->end = line + len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void scan_skip_space(struct scan *s)
{
	while (s->p < s->end && is_blank(*s->p))
		s->p++;
}

bool scan_at_end(struct scan *s)
{
	scan_skip_space(s);
	return s->p >= s->end;
}

bool scan_literal(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	scan_skip_space(s);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return false;
	s->p += n;
	return true;
}

bool scan_word(struct scan *s, char *out, size_t cap)
{
	const char *start;
	size_t n;

	scan_skip_space(s);
	start = s->p;
	while (s->p < s->end && !is_blank(*s->p))
		s->p++;
	n = (size_t)(s->p - start);
	if (n == 0 || n >= cap) {
		s->p = start;
		return false;
	}
	memcpy(out, start, n);
	out[n] = '\0';
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool scan_u64(struct scan *s, uint64_t *out)
{
	const char *start;
	uint64_t v = 0;

	scan_skip_space(s);
	start = s->p;
	while (s->p < s->end && is_digit(*s->p)) {
		unsigned int d = (unsigned int)(*s->p - '0');

		if (v > (UINT64_MAX - d) / 10) {
			s->p = start;
			return false;
		}
		v = v * 10 + d;
		s->p++;
	}
	if (s->p == start)
		return false;
	*out = v;
	return true;
}

bool scan_int(struct scan *s, int *out)
{
	bool neg;
	uint64_t v;

	scan_skip_space(s);
	neg = s->p < s->end && *s->p == '-';
	if (neg)
		s->p++;
	if (!scan_u64(s, &v) || v > 0x7fffffff) {
		if (neg)
			s->p--;
		return false;
	}
	*out = neg ? -(int)v : (int)v;
	return true;
}

bool scan_double(struct scan *s, double *out)
{
	const char *start;
	bool neg, digits = false;
	double v = 0, scale = 1;

	scan_skip_space(s);
	start = s->p;
	neg = s->p < s->end && *s->p == '-';
	if (neg)
		s->p++;
	while (s->p < s->end && is_digit(*s->p)) {
		v = v * 10 + (*s->p++ - '0');
		digits = true;
	}
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		while (s->p < s->end && is_digit(*s->p)) {
			scale /= 10;
			v += (*s->p++ - '0') * scale;
			digits = true;
		}
	}
	if (!digits) {
		s->p = start;
		return false;
	}
	*out = neg ? -v : v;
	return true;
}

void parse_error_set(struct parse_error *err, int line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}
