// SPDX-License-Identifier: GPL-2.0
#include "workload_util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t wl_stop;

static uint64_t mem_total_bytes(void)
{
	struct meminfo mi;
	struct parse_error err;
	uint64_t v = 0;

	if (meminfo_read(-1, &mi, &err) || !meminfo_get(&mi, "MemTotal", &v))
		return 0;
	return v;
}

int wl_parse_size(const char *s, bool allow_percent, uint64_t *out)
{
	char *end;
	double v;
	uint64_t mult = 1;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	if (*end == '%') {
		uint64_t total;

		if (!allow_percent || end[1] || v > 100)
			return -EINVAL;
		total = mem_total_bytes();
		if (!total)
			return -EIO;
		*out = (uint64_t)(total * (v / 100.0));
		return 0;
	}
	switch (toupper((unsigned char)*end)) {
	case 'K': mult = 1ull << 10; end++; break;
	case 'M': mult = 1ull << 20; end++; break;
	case 'G': mult = 1ull << 30; end++; break;
	case 'T': mult = 1ull << 40; end++; break;
	default: break;
	}
	if (mult > 1 && *end == 'i')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -EINVAL;
	if (v * (double)mult >= 18446744073709551616.0)
		return -ERANGE;
	*out = (uint64_t)(v * (double)mult);
	return 0;
}

int wl_parse_duration(const char *s, double *secs)
{
	char *end;
	double v, mult = 1;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	if (!strcmp(end, "ms"))
		mult = 0.001;
	else if (!strcmp(end, "m"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	*secs = v * mult;
	return 0;
}

int wl_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int wl_bad_arg(const char *prog, const char *opt, const char *arg, const char *what)
{
	fprintf(stderr, "%s: --%s: bad value '%s' (%s)\n", prog, opt, arg ? arg : "", what);
	return WL_EXIT_USAGE;
}

double wl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	wl_stop = sig;
}

void wl_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocked wait must return so the loop sees the stop */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool wl_sleep(double secs)
{
	struct timespec ts;
	sigset_t stop, old;

	if (secs <= 0)
		return !wl_stopping();
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	/*
	 * A stop signal between the check and the wait would otherwise be
	 * handled and then slept through: block the stop signals for the
	 * check, and let ppoll unblock them atomically for the wait, so a
	 * pending one interrupts it at once (EINTR).
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (!wl_stopping())
		ppoll(NULL, 0, &ts, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return !wl_stopping();
}

int wl_floor_init(struct wl_floor *f, const char *spec, char *err, size_t errlen)
{
	struct meminfo mi;
	struct parse_error perr;
	uint64_t avail;
	int ret;

	memset(f, 0, sizeof(*f));
	f->fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "/proc/meminfo: %s", strerror(errno));
		return ret;
	}
	ret = meminfo_read(f->fd, &mi, &perr);
	if (ret || !meminfo_get(&mi, "MemTotal", &f->mem_total) ||
	    !meminfo_get(&mi, "MemAvailable", &avail)) {
		snprintf(err, errlen, "%s", ret ? perr.msg : "/proc/meminfo: no MemAvailable");
		wl_floor_close(f);
		return ret ? ret : -ENOENT;
	}
	f->lowest = avail;
	if (!spec) {
		f->floor = f->mem_total / 10;
		if (f->floor < WL_FLOOR_MIN)
			f->floor = WL_FLOOR_MIN;
		return 0;
	}
	ret = wl_parse_size(spec, true, &f->floor);
	if (ret) {
		snprintf(err, errlen, "bad floor '%s' (a size like 256M or a %% of MemTotal)",
			 spec);
		wl_floor_close(f);
		return ret;
	}
	return 0;
}

void wl_floor_close(struct wl_floor *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

uint64_t wl_mem_available(struct wl_floor *f)
{
	struct meminfo mi;
	struct parse_error perr;
	uint64_t avail;

	if (meminfo_read(f->fd, &mi, &perr) || !meminfo_get(&mi, "MemAvailable", &avail))
		return 0;
	f->checks++;
	if (avail < f->lowest)
		f->lowest = avail;
	return avail;
}

bool wl_floor_allows(struct wl_floor *f, uint64_t more)
{
	uint64_t avail = wl_mem_available(f);

	return avail > more && avail - more >= f->floor;
}

void wl_floor_write_json(struct json_writer *w, const char *key, const struct wl_floor *f)
{
	json_object_begin(w, key);
	json_uint(w, "floor_bytes", f->floor);
	json_uint(w, "lowest_available_bytes", f->lowest);
	json_uint(w, "checks", f->checks);
	json_object_end(w);
}

bool wl_progress_due(struct wl_progress *p)
{
	double now;

	if (p->quiet)
		return false;
	now = wl_now();
	if (!p->last) {	/* the first line after a second of work, not at once */
		p->last = now;
		return false;
	}
	if (now - p->last < 1.0)
		return false;
	p->last = now;
	return true;
}

void wl_progress(struct wl_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!wl_progress_due(p))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

long wl_remove_prefixed(const char *dir, const char *prefix)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	struct dirent *de;
	long removed = 0;
	int dfd, ret = 0;
	DIR *d;

	if (!plen)
		return -EINVAL;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		ret = -errno;
		close(dfd);
		return ret;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (strncmp(de->d_name, prefix, plen))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			removed++;
		else if (errno != ENOENT && !ret)
			ret = -errno;
	}
	closedir(d);
	return ret ? ret : removed;
}

void wl_default_prefix(char *buf, size_t len, const char *base)
{
	snprintf(buf, len, "%s%d-", base, (int)getpid());
}

bool wl_prefix_valid(const char *prefix, size_t max_len)
{
	size_t n = strlen(prefix);
	bool other = false;

	if (!n || n > max_len)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)prefix[i];

		if (c == '/' || c == ':' || isspace(c) || !isprint(c))
			return false;
		other |= c != '.';
	}
	return other;
}

void wl_meminfo_write_json(struct json_writer *w, const char *key, const struct meminfo *mi)
{
	static const char *const names[] = {
		"MemTotal", "MemFree", "MemAvailable", "Cached", "Dirty", "Writeback",
		"AnonPages", "Mlocked", "Shmem", "Slab", "SReclaimable", "SUnreclaim",
	};

	json_object_begin(w, key);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t v;

		if (meminfo_get(mi, names[i], &v))
			json_uint(w, names[i], v);
	}
	json_object_end(w);
}

int wl_cleanup_files(const char *prog, const char *dir, const char *prefix)
{
	long n = wl_remove_prefixed(dir, prefix);
	struct json_writer w;

	if (n < 0) {
		fprintf(stderr, "%s: cleanup of %s/%s*: %s\n", prog, dir, prefix, strerror((int)-n));
		return WL_EXIT_FAIL;
	}
	json_init(&w, stdout, false);
	json_object_begin(&w, NULL);
	json_string(&w, "program", prog);
	json_string(&w, "cleanup", dir);
	json_string(&w, "prefix", prefix);
	json_int(&w, "removed_files", n);
	json_object_end(&w);
	json_finish(&w);
	return 0;
}
