/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the selftests of the fragtest module (selftests/module_*.c):
 * finding, loading and unloading the module built for the running kernel,
 * and reading the kernel state the tests check (taint, log, free memory)
 * through the suite's own parsers.
 */
#ifndef FRAGTEST_MODULE_FIXTURE_H
#define FRAGTEST_MODULE_FIXTURE_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "case_results.h"
#include "kmod.h"
#include "modclient.h"
#include "procfile.h"
#include "textscan.h"
#include "vmstat.h"
#include "zoneinfo.h"

/*
 * TEST_F() wrappers call setjmp() around fork(); with -Wextra gcc warns that
 * the harness's own local 'child' might be clobbered. It is not used after a
 * longjmp that could clobber it, so the warning is silenced for these files.
 */
#pragma GCC diagnostic ignored "-Wclobbered"

#define FT_MODULE_NAME	"fragtest"
/* Taints a test module may add: O (out of tree), E (unsigned), N (test). */
#define FT_TAINT_ALLOWED ((1UL << 12) | (1UL << 13) | (1UL << 18))

/* NULL when the module can be loaded here, else why not (into why). */
static inline const char *ft_module_unusable(char *why, size_t len)
{
	const char *path = getenv("FRAGTEST_MODULE");
	struct utsname u;

	if (kmod_supported(why, len))
		return why;
	uname(&u);
	if (!path || !*path) {
		snprintf(why, len, "FRAGTEST_MODULE not set (run through make run_tests)");
		return why;
	}
	if (access(path, R_OK)) {
		snprintf(why, len, "fragtest.ko not built for %s (%s)", u.release, path);
		return why;
	}
	if (access("/sys/kernel/debug", R_OK)) {
		snprintf(why, len, "debugfs not mounted at /sys/kernel/debug");
		return why;
	}
	return NULL;
}

/* Load a fresh copy: a module left by a killed test is unloaded first. */
static inline int ft_module_load(char *err, size_t len)
{
	if (kmod_loaded(FT_MODULE_NAME)) {
		int ret = kmod_unload(FT_MODULE_NAME, 10000);

		if (ret) {
			snprintf(err, len, "cannot unload the module left loaded: %s",
				 strerror(-ret));
			return ret;
		}
	}
	return kmod_load(getenv("FRAGTEST_MODULE"), "", err, len);
}

static inline int ft_module_unload(void)
{
	if (!kmod_loaded(FT_MODULE_NAME))
		return 0;
	return kmod_unload(FT_MODULE_NAME, 10000);
}

static inline unsigned long ft_tainted(void)
{
	struct text_buf b = { 0 };
	unsigned long v = ~0UL;

	if (!text_read_file("/proc/sys/kernel/tainted", &b))
		v = strtoul(b.data, NULL, 10);
	text_free(&b);
	return v;
}

/* Lines of the kernel log that hold needle ("WARNING:", "BUG:"); -1 on error. */
static inline int ft_klog_count(const char *needle)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n = 0, len;
	char *buf;

	if (size <= 0)
		return -1;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	for (char *p = buf; (p = strstr(p, needle)); p++)
		n++;
	free(buf);
	return n;
}

/* Free and managed pages over all zones, from /proc/zoneinfo. */
static inline int ft_zone_totals(uint64_t *free, uint64_t *managed)
{
	struct zoneinfo zi = { 0 };
	int ret;

	*free = *managed = 0;
	ret = zoneinfo_read(&zi);
	if (ret)
		return ret;
	for (size_t i = 0; i < zi.nr_zones; i++) {
		*free += zi.zones[i].free;
		*managed += zi.zones[i].managed;
	}
	zoneinfo_free(&zi);
	return 0;
}

/* Free pages per /proc/buddyinfo and the largest order with a free block. */
static inline int ft_buddy_totals(uint64_t *free, int *max_order)
{
	struct buddyinfo bi = { 0 };
	int ret;

	*free = 0;
	*max_order = -1;
	ret = buddyinfo_read(&bi);
	if (ret)
		return ret;
	for (size_t i = 0; i < bi.nr_zones; i++) {
		int m = buddy_zone_max_order(&bi.zones[i]);

		*free += buddy_zone_free_pages(&bi.zones[i]);
		if (m > *max_order)
			*max_order = m;
	}
	buddyinfo_free(&bi);
	return 0;
}

/* nr_free_pages from /proc/vmstat. */
static inline int ft_nr_free_pages(uint64_t *out)
{
	struct vmstat vs = { 0 };
	int ret = vmstat_read(&vs);

	if (ret)
		return ret;
	ret = vmstat_get(&vs, "nr_free_pages", out) ? 0 : -ENOENT;
	vmstat_free(&vs);
	return ret;
}

/*
 * Free pages plus the page cache that reclaim can take back (file pages
 * that are not shmem): the memory a test's own pressure moves between the
 * two is counted either way, so two readings compare.
 */
static inline int ft_avail_pages(uint64_t *avail, uint64_t *free, uint64_t *file)
{
	struct vmstat vs = { 0 };
	uint64_t shmem = 0;
	int ret = vmstat_read(&vs);

	if (ret)
		return ret;
	if (!vmstat_get(&vs, "nr_free_pages", free) || !vmstat_get(&vs, "nr_file_pages", file) ||
	    !vmstat_get(&vs, "nr_shmem", &shmem))
		ret = -ENOENT;
	vmstat_free(&vs);
	*file -= shmem < *file ? shmem : *file;
	*avail = *free + *file;
	return ret;
}

/* Write a sysctl-like file; the old value into old (if not NULL). */
static inline int ft_write_knob(const char *path, const char *value, char *old, size_t oldlen)
{
	struct text_buf b = { 0 };
	FILE *f;

	if (old) {
		if (text_read_file(path, &b))
			return -errno;
		snprintf(old, oldlen, "%s", b.data);
		old[strcspn(old, "\n")] = '\0';
		text_free(&b);
	}
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(value, f);
	return fclose(f) ? -errno : 0;
}

/*
 * Record step index of the module's last reply as the latency entry name of
 * the case's result file (case_results.h): attempts, successes, failures and
 * the module's own timing of each attempt (min, median, p99, max, mean and
 * its log2 histogram). failure_expected marks a probe meant to fail, whose
 * success rate compare shows but does not judge. False when the reply has
 * no result for that step.
 */
static inline bool ft_record_latency(const char *name, const char *reply, int index,
				     bool failure_expected)
{
	struct ftr_latency lat = { 0 };
	struct ftc_result res;
	const char *rec;
	uint64_t b, n;

	if (ftc_parse_result(reply, index, &res))
		return false;
	snprintf(lat.name, sizeof(lat.name), "%s", name);
	lat.failure_expected = failure_expected;
	lat.attempts = res.attempts;
	lat.successes = res.successes;
	lat.failures = res.failures;
	if (res.have_latency) {
		lat.have_ns = true;
		lat.min_ns = res.min_ns;
		lat.p50_ns = res.median_ns;
		lat.p99_ns = res.p99_ns;
		lat.max_ns = res.max_ns;
		lat.mean_ns = res.mean_ns;
	}
	/* floor(log2(ns)) = b: at most 2^(b+1) - 1 ns */
	for (int i = 0; lat.nr_buckets < FTR_MAX_BUCKETS &&
	     (rec = ftc_record(reply, "hist", index, i)); i++) {
		if (ftc_get_u64(rec, "log2_ns", &b) && ftc_get_u64(rec, "count", &n) && b < 63) {
			lat.le_ns[lat.nr_buckets] = (2ULL << b) - 1;
			lat.count[lat.nr_buckets++] = n;
		}
	}
	ftr_latency(ft_case_run(), &lat);
	return true;
}

/*
 * The common fixture body: SKIP with the reason when the module cannot be
 * used here, else load it and open a client into self->c.
 */
#define FT_MODULE_SETUP(self) do { \
	char _why[512]; \
	if (ft_module_unusable(_why, sizeof(_why))) \
		SKIP(return, "%s", _why); \
	ASSERT_EQ(0, ft_module_load(_why, sizeof(_why))) TH_LOG("%s", _why); \
	int _e = ftc_open(&(self)->c, NULL); \
	if (_e) { \
		ft_module_unload(); \
		ASSERT_EQ(0, _e) TH_LOG("open %s: %s", FTC_CTL_PATH, strerror(-_e)); \
	} \
} while (0)

/* The lowest floor the module lets a drain go to: min + max(64, managed/256). */
static inline uint64_t ft_drain_floor_min(const struct zoneinfo_zone *z)
{
	return z->min + (z->managed / 256 > 64 ? z->managed / 256 : 64);
}

/*
 * "drain zone=NAME above=A floor=F hold=POOL; " for every zone name, down to
 * just above the lowest floor the module accepts: the small DMA zone's free
 * memory may sit too close to its default floor (high watermark + 256
 * pages) for the drain to take a block there. The number of drains, or -1.
 */
static inline int ft_drain_steps(const struct zoneinfo *zi, int above, const char *pool,
				 char *buf, size_t len)
{
	size_t used = 0;
	int n = 0;

	for (size_t i = 0; i < zi->nr_zones; i++) {
		const struct zoneinfo_zone *z = &zi->zones[i];
		uint64_t floor = 0;
		bool seen = false;

		if (!z->populated)
			continue;
		for (size_t j = 0; j < i; j++)
			seen |= zi->zones[j].populated && !strcmp(zi->zones[j].zone, z->zone);
		if (seen)
			continue;
		/* the same zone name on every node: the highest floor of them */
		for (size_t j = i; j < zi->nr_zones; j++) {
			const struct zoneinfo_zone *y = &zi->zones[j];

			if (y->populated && !strcmp(y->zone, z->zone) &&
			    ft_drain_floor_min(y) + 16 > floor)
				floor = ft_drain_floor_min(y) + 16;
		}
		used += (size_t)snprintf(buf + used, len - used,
					 "drain zone=%s above=%d floor=%llu hold=%s; ", z->zone,
					 above, (unsigned long long)floor, pool);
		if (used >= len)
			return -1;
		n++;
	}
	return n;
}

#endif
