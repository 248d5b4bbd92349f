// SPDX-License-Identifier: GPL-2.0
/* Kernel health guard for one test; see health.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "health.h"

#define KMSG "/dev/kmsg"
#define LOG_CAP (4u << 20)	/* text kept for report parsing */
#define CONTEXT_LINES 3
#define MAX_MATCHES 5

unsigned long health_taint(void)
{
	unsigned long t = 0;
	FILE *f = fopen("/proc/sys/kernel/tainted", "re");

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

void health_taint_letters(unsigned long taint, char *buf, size_t len)
{
	/* kernel/panic.c taint_flags[], bit order */
	static const char letters[] = "PFSRMBUDAWCIOELKXTN";
	size_t n = 0;

	for (size_t bit = 0; bit < sizeof(letters) - 1 && n + 1 < len; bit++)
		if (taint & (1ul << bit))
			buf[n++] = letters[bit];
	if (len)
		buf[n] = '\0';
}

bool health_line_is_problem(const char *line)
{
	static const char *const plain[] = {
		"WARNING:", "BUG:", "Oops", "general protection fault", "Kernel panic",
		"possible circular locking", "possible recursive locking",
		"inconsistent lock state", "UBSAN:", "KASAN:",
		/* no test here means to run the machine out of memory */
		"invoked oom-killer",
	};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strstr(line, plain[i]))
			return true;
	return strstr(line, "rcu") &&
	       (strstr(line, "self-detected stall") || strstr(line, "detected stalls"));
}

/* One /dev/kmsg record: "pri,seq,usec,flags[,..];text\n[ KEY=val\n...]". */
static bool parse_record(char *rec, uint64_t *seq, uint64_t *usec, char **text)
{
	char *semi = strchr(rec, ';'), *nl, *p, *end;

	if (!semi)
		return false;
	p = strchr(rec, ',');
	if (!p || p > semi)
		return false;
	*seq = strtoull(p + 1, &end, 10);
	*usec = *end == ',' ? strtoull(end + 1, NULL, 10) : 0;
	*text = semi + 1;
	nl = strchr(*text, '\n');
	if (nl)
		*nl = '\0';
	return true;
}

typedef void (*record_fn)(void *ctx, uint64_t seq, uint64_t usec, const char *text);

/* Calls fn for every record in the buffer; returns -1 when unreadable, else
 * the number of records read. *lost is set when the reader fell behind.
 */
static long read_records(record_fn fn, void *ctx, bool *lost)
{
	char rec[8192];
	long n = 0;
	int fd = open(KMSG, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec) - 1);
		uint64_t seq, usec;
		char *text;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {	/* overwritten before we got there */
				*lost = true;
				continue;
			}
			break;	/* EAGAIN: the end */
		}
		if (len == 0)
			break;
		rec[len] = '\0';
		if (parse_record(rec, &seq, &usec, &text)) {
			fn(ctx, seq, usec, text);
			n++;
		}
	}
	close(fd);
	return n;
}

static void last_seq(void *ctx, uint64_t seq, uint64_t usec, const char *text)
{
	(void)text;
	(void)usec;
	*(uint64_t *)ctx = seq;
}

struct last_match {
	const char *needle;
	uint64_t usec;
	bool found;
};

static void find_last(void *ctx, uint64_t seq, uint64_t usec, const char *text)
{
	struct last_match *m = ctx;

	(void)seq;
	if (strstr(text, m->needle)) {
		m->usec = usec;
		m->found = true;
	}
}

double health_since_last(const char *substring)
{
	struct last_match m = { .needle = substring };
	struct timespec now;
	bool lost = false;

	if (read_records(find_last, &m, &lost) < 0 || !m.found)
		return -1;
	/* record stamps are the kernel's local_clock(), which CLOCK_MONOTONIC tracks */
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + now.tv_nsec / 1e9 - (double)m.usec / 1e6;
}

static void write_marker(const char *test, const char *what)
{
	char line[200];
	int fd = open(KMSG, O_WRONLY | O_CLOEXEC);
	int n;

	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "<6>fragtest: %s: %s\n", test, what);
	if (n > 0 && write(fd, line, (size_t)n) < 0) {
		/* best effort: the sequence number is the real mark */
	}
	close(fd);
}

void health_mark(struct health *h, const char *test)
{
	bool lost = false;

	memset(h, 0, sizeof(*h));
	snprintf(h->test, sizeof(h->test), "%s", test);
	h->ok = true;
	h->taint_before = health_taint();
	h->have_kmsg = read_records(last_seq, &h->seq, &lost) >= 0;
	write_marker(h->test, "start");
}

void health_allow(struct health *h, const char *substring)
{
	if (h->nr_allow < HEALTH_MAX_ALLOW)
		h->allow[h->nr_allow++] = substring;
}

struct scan {
	struct health *h;
	bool first;
	int matches;
	int context;	/* lines still to copy after a match */
	size_t ex_len, log_cap;
};

static void append(char *buf, size_t cap, size_t *len, const char *s)
{
	int n;

	if (*len + 1 >= cap)
		return;
	n = snprintf(buf + *len, cap - *len, "%s\n", s);
	if (n > 0)
		*len += (size_t)n < cap - *len ? (size_t)n : cap - *len - 1;
}

static bool is_marker(const struct health *h, const char *text)
{
	size_t n = strlen(h->test);

	return !strncmp(text, "fragtest: ", 10) && !strncmp(text + 10, h->test, n) &&
	       (!strcmp(text + 10 + n, ": start") || !strcmp(text + 10 + n, ": end"));
}

static void scan_record(void *ctx, uint64_t seq, uint64_t usec, const char *text)
{
	struct scan *s = ctx;
	struct health *h = s->h;
	size_t tlen = strlen(text);

	(void)usec;

	if (s->first) {
		s->first = false;
		if (seq > h->seq + 1 && h->seq)
			h->log_wrapped = true;
	}
	if (seq <= h->seq || is_marker(h, text))
		return;
	/* keep the text for report parsing, bounded */
	if (h->log_len + tlen + 2 <= LOG_CAP) {
		if (h->log_len + tlen + 2 > s->log_cap) {
			size_t cap = s->log_cap ? s->log_cap * 2 : 65536;
			char *nl;

			while (cap < h->log_len + tlen + 2)
				cap *= 2;
			nl = realloc(h->log, cap);
			if (nl) {
				h->log = nl;
				s->log_cap = cap;
			}
		}
		if (h->log_len + tlen + 2 <= s->log_cap) {
			memcpy(h->log + h->log_len, text, tlen);
			h->log_len += tlen;
			h->log[h->log_len++] = '\n';
			h->log[h->log_len] = '\0';
		}
	}
	if (health_line_is_problem(text)) {
		bool allowed = false;

		for (int i = 0; i < h->nr_allow; i++)
			allowed |= strstr(text, h->allow[i]) != NULL;
		if (!allowed) {
			if (!s->matches)
				snprintf(h->problem, sizeof(h->problem),
					 "kernel log reports a problem: %s", text);
			if (s->matches++ < MAX_MATCHES) {
				append(h->excerpt, sizeof(h->excerpt), &s->ex_len, text);
				s->context = CONTEXT_LINES;
			}
			h->ok = false;
			return;
		}
	}
	if (s->context > 0) {
		s->context--;
		append(h->excerpt, sizeof(h->excerpt), &s->ex_len, text);
	}
}

bool health_check(struct health *h)
{
	struct scan s = { .h = h, .first = true };
	bool lost = false;
	char letters[32];

	write_marker(h->test, "end");
	free(h->log);
	h->log = NULL;
	h->log_len = 0;
	h->ok = true;
	h->excerpt[0] = '\0';
	h->problem[0] = '\0';
	h->taint_after = health_taint();
	h->taint_added = h->taint_after & ~h->taint_before & ~HEALTH_ALLOWED_TAINT;
	if (h->have_kmsg && read_records(scan_record, &s, &lost) >= 0 && lost)
		h->log_wrapped = true;
	if (h->taint_added) {
		char prev[sizeof(h->problem)];
		size_t n;

		health_taint_letters(h->taint_added, letters, sizeof(letters));
		memcpy(prev, h->problem, sizeof(prev));
		n = (size_t)snprintf(h->problem, sizeof(h->problem), "kernel gained taint 0x%lx (%s)",
				     h->taint_added, letters);
		if (prev[0] && n + 2 < sizeof(h->problem))
			snprintf(h->problem + n, sizeof(h->problem) - n, "; %.*s",
				 (int)(sizeof(h->problem) - n - 3), prev);
		h->ok = false;
	}
	return h->ok;
}

void health_free(struct health *h)
{
	free(h->log);
	h->log = NULL;
	h->log_len = 0;
}
