/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the workload selftests share: finding the workload binaries, running
 * one (stdout captured) or starting one in the background (stderr on a
 * pipe, so a test waits for a line it prints rather than for a time), and
 * reading single values out of its flat JSON summary.
 */
#ifndef FRAGTEST_WORKLOAD_HELPERS_H
#define FRAGTEST_WORKLOAD_HELPERS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case_results.h"
#include "meminfo.h"
#include "procfile.h"
#include "zoneinfo.h"

/* $FRAGTEST_BUILD/bin/NAME, else ../bin/NAME next to this selftest. */
static inline void wlt_bin(const char *name, char *buf, size_t len)
{
	const char *build = getenv("FRAGTEST_BUILD");
	char exe[PATH_MAX];
	ssize_t n;

	if (build && *build) {
		if (snprintf(buf, len, "%s/bin/%s", build, name) >= (int)len)
			buf[0] = '\0';
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(exe, '/');

		if (slash)
			*slash = '\0';
	}
	if (snprintf(buf, len, "%s/bin/%s", exe, name) >= (int)len)
		buf[0] = '\0';
}

/* Exit status, 128 + signal when killed, -1 when it could not run. */
static inline int wlt_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/*
 * Every workload command a case runs is a parameter of its result file
 * (case_results.h): "cmd1", "cmd2", ... in order.
 */
static inline void wlt_record_cmd(char *const argv[])
{
	static int nr;
	char key[16], cmd[160];
	size_t used = 0;

	for (int i = 0; argv[i] && used < sizeof(cmd); i++) {
		const char *a = i ? argv[i] : (strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0]);

		used += (size_t)snprintf(cmd + used, sizeof(cmd) - used, "%s%s", i ? " " : "", a);
	}
	snprintf(key, sizeof(key), "cmd%d", ++nr);
	ftr_param_str(ft_case_run(), key, cmd);
}

/* Run argv to completion; its stdout (truncated to outlen) into out. */
static inline int wlt_run(char *const argv[], char *out, size_t outlen)
{
	int p[2], st;
	size_t len = 0;
	pid_t pid;

	wlt_record_cmd(argv);
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char tmp[4096];
		ssize_t n = read(p[0], tmp, sizeof(tmp));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out && len + 1 < outlen) {
			size_t c = (size_t)n < outlen - 1 - len ? (size_t)n : outlen - 1 - len;

			memcpy(out + len, tmp, c);
			len += c;
		}
	}
	if (out && outlen)
		out[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return wlt_status(st);
}

/* Start argv with stdout to /dev/null and stderr on *errfd. */
static inline pid_t wlt_spawn(char *const argv[], int *errfd)
{
	int p[2];
	pid_t pid;

	wlt_record_cmd(argv);
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(p[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*errfd = p[0];
	return pid;
}

/* Read fd until a line containing needle arrives (true) or EOF (false). */
static inline bool wlt_wait_line(int fd, const char *needle)
{
	char buf[8192];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, needle))
			return true;
		if (len > sizeof(buf) / 2) {	/* keep the tail only */
			memmove(buf, buf + len - 256, 256);
			len = 256;
		}
	}
}

static inline int wlt_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return wlt_status(st);
}

/* A number after "key": in a flat JSON summary. */
static inline bool wlt_json_i64(const char *json, const char *key, int64_t *v)
{
	char pat[96];
	const char *p;
	char *end;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return false;
	*v = strtoll(p + strlen(pat), &end, 10);
	return end != p + strlen(pat);
}

/* Whether "key":"value" appears. */
static inline bool wlt_json_is(const char *json, const char *key, const char *value)
{
	char pat[256];

	snprintf(pat, sizeof(pat), "\"%s\":\"%s\"", key, value);
	return strstr(json, pat) != NULL;
}

/*
 * Free memory in bytes including the per-cpu lists: MemFree leaves those
 * out, and their fill swings by thousands of pages between two readings.
 */
static inline uint64_t wlt_free_with_pcp(void)
{
	struct zoneinfo zi;
	uint64_t pages = 0;

	if (zoneinfo_read(&zi))
		return 0;
	for (size_t i = 0; i < zi.nr_zones; i++)
		pages += zi.zones[i].free + zi.zones[i].pcp_pages;
	zoneinfo_free(&zi);
	return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static inline uint64_t wlt_meminfo(const char *name)
{
	struct meminfo mi;
	struct parse_error err;
	uint64_t v = 0;

	if (meminfo_read(-1, &mi, &err) || !meminfo_get(&mi, name, &v))
		return 0;
	return v;
}

/* Entries of dir whose names start with prefix. */
static inline long wlt_count_prefixed(const char *dir, const char *prefix)
{
	size_t plen = strlen(prefix);
	struct dirent *de;
	long n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, prefix, plen);
	closedir(d);
	return n;
}

static inline int wlt_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

#endif
