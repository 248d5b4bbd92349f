/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel health guard for one test: mark /dev/kmsg at the start (sequence
 * number and a marker line), read the taint mask; at the end, scan the
 * records logged since the mark for WARNING, BUG, Oops, general protection
 * faults, RCU stalls and lockdep reports, and compare the taint mask.
 * Taint bits O, E and N (loading an out-of-tree, unsigned test module) are
 * allowed; page allocation failure reports are expected output.
 */
#ifndef FRAGTEST_HEALTH_H
#define FRAGTEST_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* taint bits a test module legitimately adds: O (12), E (13), N (18) */
#define HEALTH_ALLOWED_TAINT ((1ul << 12) | (1ul << 13) | (1ul << 18))
#define HEALTH_MAX_ALLOW 8
#define HEALTH_EXCERPT 4096

struct health {
	char test[96];
	bool have_kmsg;		/* /dev/kmsg was readable at the mark */
	uint64_t seq;		/* records with a larger sequence number are new */
	unsigned long taint_before, taint_after;
	const char *allow[HEALTH_MAX_ALLOW];	/* substrings that excuse a match */
	int nr_allow;
	/* filled by health_check() */
	bool ok;
	bool log_wrapped;	/* records were lost before we read them */
	unsigned long taint_added;	/* new bits beyond the allowed ones */
	char problem[256];	/* one line: what failed */
	char excerpt[HEALTH_EXCERPT];	/* matching lines with a little context */
	char *log;		/* every new record's text, for report parsing */
	size_t log_len;
};

/*
 * Marks the start: writes "fragtest: <test>: start" to /dev/kmsg (when
 * writable) and remembers the last sequence number and the taint mask.
 * Never fails: without /dev/kmsg only the taint check remains.
 */
void health_mark(struct health *h, const char *test);
/* A line containing this substring does not count as a problem (e.g. a
 * WARNING the test provokes on purpose). The string must outlive h.
 */
void health_allow(struct health *h, const char *substring);
/* Writes the end marker and checks; returns h->ok. */
bool health_check(struct health *h);
void health_free(struct health *h);

/* The kernel's taint mask (0 when unreadable) and its letters ("OE"). */
unsigned long health_taint(void);
void health_taint_letters(unsigned long taint, char *buf, size_t len);
/*
 * Seconds since the kernel last logged a record containing substring, or -1
 * when none is in the buffer or /dev/kmsg is unreadable.
 */
double health_since_last(const char *substring);
/* Whether a kernel log line reports a problem the guard fails tests for. */
bool health_line_is_problem(const char *line);

#endif
