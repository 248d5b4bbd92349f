// SPDX-License-Identifier: GPL-2.0
/* Strict recursive-descent JSON reader; see json_read.h. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_read.h"

struct parser {
	const char *s, *end, *p;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parser *ps, const char *fmt, ...)
{
	int line = 1, col = 1;
	char msg[160];
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	for (const char *q = ps->s; q < ps->p && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->err && ps->errlen)
		snprintf(ps->err, ps->errlen, "line %d column %d: %s", line, col, msg);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) {
		fail(ps, "invalid literal");
		return false;
	}
	ps->p += n;
	return true;
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of a valid UTF-8 sequence at p (strict: no overlongs, no
 * surrogates, nothing past U+10FFFF), 0 when invalid.
 */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Parses a string at ps->p (on the opening quote) into a new buffer. */
static char *parse_string(struct parser *ps, size_t *lenp)
{
	const char *q;
	char *out, *o;

	ps->p++;
	/* decoded text is never longer than the escaped text */
	for (q = ps->p; q < ps->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= ps->end) {
		fail(ps, "unterminated string");
		return NULL;
	}
	out = malloc((size_t)(q - ps->p) + 1);
	if (!out) {
		fail(ps, "out of memory");
		return NULL;
	}
	o = out;
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;

		if (c < 0x20) {
			fail(ps, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			size_t n = utf8_len((const unsigned char *)ps->p, (const unsigned char *)ps->end);

			if (!n) {
				fail(ps, "invalid UTF-8 in string");
				goto bad;
			}
			memcpy(o, ps->p, n);
			o += n;
			ps->p += n;
			continue;
		}
		ps->p++;
		switch (*ps->p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			int cp, lo;

			if (ps->end - ps->p < 5 || (cp = hex4(ps->p + 1)) < 0) {
				fail(ps, "bad \\u escape");
				goto bad;
			}
			ps->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail(ps, "lone low surrogate");
				goto bad;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - ps->p < 7 || ps->p[1] != '\\' || ps->p[2] != 'u' ||
				    (lo = hex4(ps->p + 3)) < 0xdc00 || lo > 0xdfff) {
					fail(ps, "unpaired high surrogate");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				ps->p += 6;
			}
			if (cp == 0) {
				/* keeps every string NUL-terminated without surprises */
				fail(ps, "\\u0000 is not supported");
				goto bad;
			}
			/* a \u escape is 6 bytes, its UTF-8 at most 4: fits */
			o += put_utf8(o, (unsigned int)cp);
			break;
		}
		default:
			fail(ps, "bad escape");
			goto bad;
		}
		ps->p++;
	}
	ps->p++;
	*o = '\0';
	*lenp = (size_t)(o - out);
	return out;
bad:
	free(out);
	return NULL;
}

static bool parse_number(struct parser *ps, struct jr_value *v)
{
	const char *start = ps->p, *q = ps->p;
	char buf[64];
	bool integral = true;

	if (q < ps->end && *q == '-')
		q++;
	if (q < ps->end && *q == '0') {
		q++;
	} else if (q < ps->end && *q >= '1' && *q <= '9') {
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	} else {
		ps->p = q;
		fail(ps, "invalid number");
		return false;
	}
	if (q < ps->end && *q == '.') {
		integral = false;
		q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			ps->p = q;
			fail(ps, "digit expected after '.'");
			return false;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		integral = false;
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			ps->p = q;
			fail(ps, "digit expected in exponent");
			return false;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if ((size_t)(q - start) >= sizeof(buf)) {
		fail(ps, "number too long");
		return false;
	}
	memcpy(buf, start, (size_t)(q - start));
	buf[q - start] = '\0';
	v->type = JR_NUMBER;
	errno = 0;
	v->number = strtod(buf, NULL);
	if (!isfinite(v->number)) {
		fail(ps, "number out of range");
		return false;
	}
	if (integral) {
		long long ll;

		errno = 0;
		ll = strtoll(buf, NULL, 10);
		if (!errno) {
			v->is_int = true;
			v->integer = ll;
		}
	}
	ps->p = q;
	return true;
}

static bool parse_value(struct parser *ps, struct jr_value *v);

/* Appends one zeroed slot to a container, growing geometrically. */
static struct jr_value *grow(struct parser *ps, struct jr_value *c, size_t *cap, bool keys)
{
	if (c->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct jr_value *ni = realloc(c->items, ncap * sizeof(*ni));

		if (!ni) {
			fail(ps, "out of memory");
			return NULL;
		}
		c->items = ni;
		if (keys) {
			char **nk = realloc(c->keys, ncap * sizeof(*nk));

			if (!nk) {
				fail(ps, "out of memory");
				return NULL;
			}
			c->keys = nk;
		}
		*cap = ncap;
	}
	memset(&c->items[c->n], 0, sizeof(c->items[0]));
	if (keys)
		c->keys[c->n] = NULL;
	return &c->items[c->n++];
}

static bool parse_container(struct parser *ps, struct jr_value *v, bool object)
{
	size_t cap = 0;
	char close = object ? '}' : ']';

	if (++ps->depth > JR_MAX_DEPTH) {
		fail(ps, "nesting deeper than %d", JR_MAX_DEPTH);
		return false;
	}
	v->type = object ? JR_OBJECT : JR_ARRAY;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return true;
	}
	for (;;) {
		struct jr_value *item;

		skip_ws(ps);
		if (object) {
			char *key;
			size_t klen;

			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, "object key expected");
				return false;
			}
			key = parse_string(ps, &klen);
			if (!key)
				return false;
			item = grow(ps, v, &cap, true);
			if (!item) {
				free(key);
				return false;
			}
			v->keys[v->n - 1] = key;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, "':' expected");
				return false;
			}
			ps->p++;
		} else {
			item = grow(ps, v, &cap, false);
			if (!item)
				return false;
		}
		if (!parse_value(ps, item))
			return false;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return true;
		}
		fail(ps, "',' or '%c' expected", close);
		return false;
	}
}

static bool parse_value(struct parser *ps, struct jr_value *v)
{
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "value expected");
		return false;
	}
	switch (*ps->p) {
	case '{':
		return parse_container(ps, v, true);
	case '[':
		return parse_container(ps, v, false);
	case '"':
		v->type = JR_STRING;
		v->string = parse_string(ps, &v->len);
		return v->string != NULL;
	case 't':
		v->type = JR_BOOL;
		v->boolean = true;
		return literal(ps, "true");
	case 'f':
		v->type = JR_BOOL;
		return literal(ps, "false");
	case 'n':
		v->type = JR_NULL;
		return literal(ps, "null");
	default:
		return parse_number(ps, v);
	}
}

static void free_inner(struct jr_value *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free_inner(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	memset(v, 0, sizeof(*v));
}

void jr_free(struct jr_value *v)
{
	if (v)
		free_inner(v);
}

int jr_parse(const char *text, size_t len, struct jr_value *out, char *err, size_t errlen)
{
	struct parser ps = { .s = text, .end = text + len, .p = text, .err = err, .errlen = errlen };

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (len > JR_MAX_INPUT) {
		fail(&ps, "input larger than %u bytes", JR_MAX_INPUT);
		return -1;
	}
	if (parse_value(&ps, out)) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			fail(&ps, "trailing data after the value");
	}
	if (ps.failed) {
		jr_free(out);
		return -1;
	}
	return 0;
}

int jr_parse_file(const char *path, struct jr_value *out, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)JR_MAX_INPUT) {
		snprintf(err, errlen, "%s: not a regular file of at most %u bytes", path,
			 JR_MAX_INPUT);
		close(fd);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	ret = jr_parse(buf, got, out, err, errlen);
	if (ret && err && errlen) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", err);
		snprintf(err, errlen, "%s: %s", path, tmp);
	}
	free(buf);
	return ret;
}

const struct jr_value *jr_get(const struct jr_value *obj, const char *key)
{
	if (!obj || obj->type != JR_OBJECT)
		return NULL;
	/* last one wins, as in most readers */
	for (size_t i = obj->n; i-- > 0;)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const struct jr_value *jr_at(const struct jr_value *arr, size_t i)
{
	if (!arr || arr->type != JR_ARRAY || i >= arr->n)
		return NULL;
	return &arr->items[i];
}

const struct jr_value *jr_path(const struct jr_value *v, const char *path)
{
	char key[128];

	while (v && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = jr_get(v, key);
		path += n;
		if (*path == '.')
			path++;
	}
	return v;
}

const char *jr_str(const struct jr_value *v, const char *def)
{
	return v && v->type == JR_STRING ? v->string : def;
}

double jr_num(const struct jr_value *v, double def)
{
	return v && v->type == JR_NUMBER ? v->number : def;
}

bool jr_is(const struct jr_value *v, enum jr_type type)
{
	return v && v->type == type;
}
