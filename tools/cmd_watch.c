// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest watch: buddyinfo, pagetypeinfo, vmstat and zoneinfo as a time
 * series, one JSON line per sample, for the duration of a command or until
 * stopped. Cheap enough to leave running at 10 Hz: the files stay open and
 * are re-read with pread, nothing is spawned per sample.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "commands.h"
#include "json.h"
#include "pagetypeinfo.h"
#include "procfile.h"
#include "vmstat.h"
#include "workload_util.h"
#include "zoneinfo.h"

enum { W_BUDDY, W_PAGETYPE, W_VMSTAT, W_ZONE, W_NR };

static const char *const part_names[W_NR] = { "buddyinfo", "pagetypeinfo", "vmstat", "zoneinfo" };

struct watch {
	int fd[W_NR];
	struct text_buf buf[W_NR];
	char proc[256];		/* directory of the files, /proc normally */
	FILE *out;
	uint64_t samples, errors;
	uint64_t pagetype_every;	/* pagetypeinfo in one sample of this many */
	double start;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest watch [--hz N] [--duration SECS] [--output FILE]\n"
		"                      [--parts LIST] [--quiet] [-- COMMAND [ARGS...]]\n"
		"  Samples buddyinfo, pagetypeinfo, vmstat and zoneinfo N times a second\n"
		"  and writes one JSON object per line: {\"t\":..., \"buddyinfo\":[...], ...}.\n"
		"  Runs COMMAND and stops when it exits (exit status: the command's), or\n"
		"  until SIGINT/SIGTERM or the duration ends (exit 0).\n"
		"  --hz N          samples a second (default 10, at most 1000)\n"
		"  --duration S    stop after S seconds (like 30, 500ms, 5m)\n"
		"  --output FILE   write the series to FILE instead of stdout\n"
		"  --parts LIST    comma-separated subset of buddyinfo,pagetypeinfo,vmstat,zoneinfo\n"
		"  --pagetypeinfo-hz N  pagetypeinfo at most N times a second (default 1): the\n"
		"                  kernel walks every pageblock to print it, ~10 ms per 24 GiB\n"
		"  --quiet         no summary line on stderr at the end\n");
}

static void sig_nop(int sig)
{
	(void)sig;	/* only there to interrupt the sleep */
}

static void write_u64s(struct json_writer *w, const char *key, const uint64_t *v, int n)
{
	json_array_begin(w, key);
	for (int i = 0; i < n; i++)
		json_uint(w, NULL, v[i]);
	json_array_end(w);
}

/* Parse and emit one part; false (and an "errors" entry) on failure. */
static bool emit_part(struct json_writer *w, int part, const struct text_buf *t, char *why,
		      size_t whylen)
{
	struct parse_error err = { 0 };

	switch (part) {
	case W_BUDDY: {
		struct buddyinfo bi;

		if (buddyinfo_parse(t->data, t->len, &bi, &err))
			break;
		json_array_begin(w, "buddyinfo");
		for (size_t i = 0; i < bi.nr_zones; i++) {
			json_object_begin(w, NULL);
			json_int(w, "node", bi.zones[i].node);
			json_string(w, "zone", bi.zones[i].zone);
			write_u64s(w, "free", bi.zones[i].free, bi.zones[i].nr_orders);
			json_object_end(w);
		}
		json_array_end(w);
		buddyinfo_free(&bi);
		return true;
	}
	case W_PAGETYPE: {
		struct pagetypeinfo pi;

		if (pagetypeinfo_parse(t->data, t->len, &pi, &err))
			break;
		json_array_begin(w, "pagetypeinfo");
		for (size_t i = 0; i < pi.nr_zones; i++) {
			const struct pagetype_zone *pz = &pi.zones[i];

			json_object_begin(w, NULL);
			json_int(w, "node", pz->node);
			json_string(w, "zone", pz->zone);
			json_object_begin(w, "free");
			for (int ty = 0; ty < pi.nr_types; ty++)
				write_u64s(w, pi.types[ty], pz->free[ty], pi.nr_orders);
			json_object_end(w);
			if (pz->has_blocks) {
				json_object_begin(w, "blocks");
				for (int ty = 0; ty < pi.nr_types; ty++)
					json_uint(w, pi.types[ty], pz->blocks[ty]);
				json_object_end(w);
			}
			json_object_end(w);
		}
		json_array_end(w);
		pagetypeinfo_free(&pi);
		return true;
	}
	case W_VMSTAT: {
		struct vmstat vs;

		if (vmstat_parse(t->data, t->len, &vs, &err))
			break;
		json_object_begin(w, "vmstat");
		for (size_t i = 0; i < vs.nr; i++)
			json_uint(w, vs.items[i].name, vs.items[i].value);
		json_object_end(w);
		vmstat_free(&vs);
		return true;
	}
	case W_ZONE: {
		struct zoneinfo zi;

		if (zoneinfo_parse(t->data, t->len, &zi, &err))
			break;
		json_array_begin(w, "zoneinfo");
		for (size_t i = 0; i < zi.nr_zones; i++) {
			const struct zoneinfo_zone *z = &zi.zones[i];

			json_object_begin(w, NULL);
			json_int(w, "node", z->node);
			json_string(w, "zone", z->zone);
			json_uint(w, "free", z->free);
			json_uint(w, "min", z->min);
			json_uint(w, "low", z->low);
			json_uint(w, "high", z->high);
			json_uint(w, "boost", z->boost);
			json_uint(w, "managed", z->managed);
			json_uint(w, "present", z->present);
			json_object_end(w);
		}
		json_array_end(w);
		zoneinfo_free(&zi);
		return true;
	}
	}
	snprintf(why, whylen, "%s line %d: %s", part_names[part], err.line, err.msg);
	return false;
}

static void sample(struct watch *wt)
{
	struct json_writer w;
	char why[W_NR][300];
	bool bad[W_NR] = { false };
	double now = wl_now();
	struct timespec rt;

	clock_gettime(CLOCK_REALTIME, &rt);
	/* read everything first, so the parts are as close in time as can be */
	bool skip_pt = wt->samples % wt->pagetype_every != 0;

	for (int p = 0; p < W_NR; p++) {
		int ret;

		if (wt->fd[p] < 0 || (p == W_PAGETYPE && skip_pt))
			continue;
		ret = text_read_fd(wt->fd[p], &wt->buf[p]);
		if (ret) {
			bad[p] = true;
			snprintf(why[p], sizeof(why[p]), "%s: %s", part_names[p], strerror(-ret));
		}
	}
	json_init(&w, wt->out, false);
	json_object_begin(&w, NULL);
	json_double(&w, "t", now - wt->start);
	json_uint(&w, "wall_ms", (uint64_t)rt.tv_sec * 1000 + (uint64_t)rt.tv_nsec / 1000000);
	json_uint(&w, "seq", wt->samples);
	json_double(&w, "read_ms", (wl_now() - now) * 1e3);
	for (int p = 0; p < W_NR; p++)
		if (wt->fd[p] >= 0 && !bad[p] && !(p == W_PAGETYPE && skip_pt) &&
		    !emit_part(&w, p, &wt->buf[p], why[p], sizeof(why[p])))
			bad[p] = true;
	for (int p = 0; p < W_NR; p++) {
		if (!bad[p])
			continue;
		json_string(&w, "error", why[p]);
		wt->errors++;
		break;
	}
	json_object_end(&w);
	json_finish(&w);
	fflush(wt->out);
	wt->samples++;
}

static int parse_parts(const char *list, bool want[W_NR])
{
	char *copy = strdup(list), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return -1;
	memset(want, 0, sizeof(bool) * W_NR);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int p;

		for (p = 0; p < W_NR; p++)
			if (!strcmp(tok, part_names[p]))
				break;
		if (p == W_NR) {
			ret = -1;
			break;
		}
		want[p] = true;
	}
	free(copy);
	return ret;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hz", required_argument, NULL, 'z' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "parts", required_argument, NULL, 'p' },
		{ "proc", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "pagetypeinfo-hz", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool want[W_NR] = { true, true, true, true }, quiet = false;
	const char *output = NULL, *proc = "/proc";
	double hz = 10, pt_hz = 1, duration = 0, period, next, deadline;
	struct sigaction sa;
	struct rusage ru;
	struct watch wt;
	pid_t child = 0;
	int c, status = 0, ret = 0;
	char *end;

	optind = 1;
	/* "+": stop at the first non-option, the command */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			errno = 0;
			hz = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(hz > 0) || hz > 1000) {
				fprintf(stderr, "fragtest watch: --hz: bad value '%s' (0 < N <= 1000)\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
			if (wl_parse_duration(optarg, &duration) || duration <= 0) {
				fprintf(stderr, "fragtest watch: --duration: bad value '%s'\n", optarg);
				return 2;
			}
			break;
		case 'T':
			errno = 0;
			pt_hz = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(pt_hz > 0) || pt_hz > 1000) {
				fprintf(stderr, "fragtest watch: --pagetypeinfo-hz: bad value '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'p':
			if (parse_parts(optarg, want)) {
				fprintf(stderr, "fragtest watch: --parts: bad list '%s' (of %s,%s,%s,%s)\n",
					optarg, part_names[0], part_names[1], part_names[2],
					part_names[3]);
				return 2;
			}
			break;
		case 'P':	/* captured files, for tests */
			proc = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	memset(&wt, 0, sizeof(wt));
	snprintf(wt.proc, sizeof(wt.proc), "%s", proc);
	for (int p = 0; p < W_NR; p++)
		wt.fd[p] = -1;
	for (int p = 0; p < W_NR; p++) {
		char path[512];

		if (!want[p])
			continue;
		snprintf(path, sizeof(path), "%s/%s", wt.proc, part_names[p]);
		wt.fd[p] = open(path, O_RDONLY | O_CLOEXEC);
		if (wt.fd[p] < 0 && (p != W_PAGETYPE || errno != EACCES)) {
			fprintf(stderr, "fragtest watch: %s: %s\n", path, strerror(errno));
			ret = 1;
			goto out;
		}
		if (wt.fd[p] < 0 && !quiet)
			fprintf(stderr, "fragtest watch: %s: %s (not recorded; needs root)\n", path,
				strerror(errno));
	}
	wt.out = stdout;
	if (output) {
		wt.out = fopen(output, "we");
		if (!wt.out) {
			fprintf(stderr, "fragtest watch: %s: %s\n", output, strerror(errno));
			ret = 1;
			goto out;
		}
	}
	wl_signals_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_nop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	wt.start = wl_now();
	if (optind < argc) {
		child = fork();
		if (child < 0) {
			fprintf(stderr, "fragtest watch: fork: %s\n", strerror(errno));
			ret = 1;
			goto out;
		}
		if (child == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			signal(SIGPIPE, SIG_DFL);
			signal(SIGCHLD, SIG_DFL);
			if (wt.out != stdout)
				fclose(wt.out);
			else	/* the series owns stdout; the command writes to stderr */
				dup2(2, 1);
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "fragtest watch: %s: %s\n", argv[optind], strerror(errno));
			_exit(127);
		}
	}
	period = 1.0 / hz;
	wt.pagetype_every = pt_hz >= hz ? 1 : (uint64_t)(hz / pt_hz + 0.5);
	next = wt.start;
	deadline = duration ? wt.start + duration : 0;
	for (;;) {
		double now;

		sample(&wt);
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		if (wl_stopping() || (deadline && wl_now() >= deadline))
			break;
		/* a fixed schedule; ticks missed under load are skipped, not bunched */
		now = wl_now();
		next += period;
		if (next < now)
			next = now + period;
		if (deadline && next > deadline)
			next = deadline;
		wl_sleep(next - wl_now());
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			sample(&wt);	/* the state the command left behind */
			break;
		}
		if (wl_stopping())
			break;
	}
	if (child > 0) {
		/* stopped by a signal or the duration: pass it on and wait */
		kill(child, SIGTERM);
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	getrusage(RUSAGE_SELF, &ru);
	if (!quiet) {
		double el = wl_now() - wt.start;
		double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;

		fprintf(stderr,
			"fragtest watch: %llu samples in %.2f s (%.1f Hz), cpu %.3f s (%.2f%% of one CPU, %.2f ms a sample), %llu errors\n",
			(unsigned long long)wt.samples, el, el > 0 ? (double)wt.samples / el : 0.0,
			cpu, el > 0 ? cpu / el * 100 : 0.0,
			wt.samples ? cpu / (double)wt.samples * 1e3 : 0.0,
			(unsigned long long)wt.errors);
	}
	if (wt.errors && !ret)
		ret = 1;
out:
	if (wt.out && wt.out != stdout)
		fclose(wt.out);
	for (int p = 0; p < W_NR; p++) {
		if (wt.fd[p] >= 0)
			close(wt.fd[p]);
		text_free(&wt.buf[p]);
	}
	return ret;
}
