/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every workload program shares: sizes like 512M or 30% (of MemTotal),
 * durations, the MemAvailable safety floor, progress lines on stderr at most
 * once a second, stop requests from SIGINT/SIGTERM, removal of files with a
 * prefix, and the meminfo part of the JSON summary.
 */
#ifndef FRAGTEST_WORKLOAD_UTIL_H
#define FRAGTEST_WORKLOAD_UTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "meminfo.h"

/* Exit statuses shared by the workloads. */
#define WL_EXIT_OK	0
#define WL_EXIT_FAIL	1	/* could not do what was asked; message on stderr */
#define WL_EXIT_USAGE	2
#define WL_EXIT_TIMEOUT	3	/* fragment --until: condition not reached in time */

/*
 * "4096", "64K", "512M", "2G", "1T" (powers of 1024, optional trailing B or
 * iB); with percent allowed, "30%" of MemTotal. Returns 0 or -EINVAL/-ERANGE.
 */
int wl_parse_size(const char *s, bool allow_percent, uint64_t *out);
/* "10", "2.5s", "500ms", "3m", "1h" -> seconds. */
int wl_parse_duration(const char *s, double *secs);
/* Decimal integer in [min, max]. */
int wl_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Prints "PROG: --OPT: bad value 'ARG' (WHAT)" and returns WL_EXIT_USAGE. */
int wl_bad_arg(const char *prog, const char *opt, const char *arg, const char *what);

double wl_now(void);	/* CLOCK_MONOTONIC seconds */

/*
 * SIGINT/SIGTERM/SIGHUP set wl_stop (without SA_RESTART, so blocking calls
 * return EINTR) and the program stops at its next check and cleans up.
 */
extern volatile sig_atomic_t wl_stop;
void wl_signals_init(void);
static inline bool wl_stopping(void)
{
	return wl_stop != 0;
}
/* Sleep until the deadline or a stop request; false when stopped. */
bool wl_sleep(double secs);

/* The safety floor: never take memory while MemAvailable is below it. */
struct wl_floor {
	int fd;			/* /proc/meminfo, kept open */
	uint64_t floor;		/* bytes */
	uint64_t mem_total;
	uint64_t lowest;	/* lowest MemAvailable seen */
	uint64_t checks;
};
#define WL_FLOOR_DEFAULT "10%"	/* of MemTotal, at least WL_FLOOR_MIN */
#define WL_FLOOR_MIN (64ull << 20)
/* spec: a size or percentage of MemTotal; NULL for the default. */
int wl_floor_init(struct wl_floor *f, const char *spec, char *err, size_t errlen);
void wl_floor_close(struct wl_floor *f);
/* Current MemAvailable in bytes (0 on a read error, which then refuses). */
uint64_t wl_mem_available(struct wl_floor *f);
/* May `more` bytes be taken without MemAvailable going below the floor? */
bool wl_floor_allows(struct wl_floor *f, uint64_t more);
void wl_floor_write_json(struct json_writer *w, const char *key, const struct wl_floor *f);

/* Progress on stderr, at most one line a second, none when quiet. */
struct wl_progress {
	bool quiet;
	double last;
};
bool wl_progress_due(struct wl_progress *p);
void wl_progress(struct wl_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Unlink the regular files directly in dir whose names start with prefix.
 * Returns the number removed or -errno; an empty prefix is refused.
 */
long wl_remove_prefixed(const char *dir, const char *prefix);

/* A default unique prefix: base + pid, e.g. "ftpc1234-". */
void wl_default_prefix(char *buf, size_t len, const char *base);
/* Prefixes become file and interface names: refuse '/', blanks and dots only. */
bool wl_prefix_valid(const char *prefix, size_t max_len);

/* The meminfo lines a summary needs, in bytes. */
void wl_meminfo_write_json(struct json_writer *w, const char *key, const struct meminfo *mi);

/*
 * --cleanup after a SIGKILL: remove DIR/PREFIX* and print the one-line JSON
 * summary. Returns the exit status (0, or WL_EXIT_FAIL with a message).
 */
int wl_cleanup_files(const char *prog, const char *dir, const char *prefix);

#endif
