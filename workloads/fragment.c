// SPDX-License-Identifier: GPL-2.0
/*
 * fragment --until COND: run fragmenting workloads until a condition on the
 * live allocator state holds, sampling /proc at a chosen rate, and prove it
 * with the sample that satisfied it (exit 0), or report the closest state
 * reached when time runs out or the workloads end first (exit 3).
 *
 * The workloads are the sibling programs (anon_file_mix, pagecache_fill,
 * veth_churn, slab_pin), started once each; they must hold what they take
 * (--hold) and are stopped with SIGTERM, so they clean up after themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buddyinfo.h"
#include "fragcond.h"
#include "json.h"
#include "meminfo.h"
#include "procfile.h"
#include "snapshot.h"
#include "vmstat.h"
#include "workload_util.h"

#define PROG "fragment"
#define MAX_RUNS 8
#define MAX_ARGS 64
/*
 * Progress for --stall: a shortfall shrinking by 0.1% of its threshold
 * (fragcond scales by thresholds above 1). Smaller movements are a few
 * pages coming and going, not the workloads getting closer.
 */
#define STALL_MIN_GAIN 1e-3

struct run {
	char *line;		/* as given, for the summary */
	char *tokens;		/* the copy argv points into */
	char *argv[MAX_ARGS + 1];
	char path[PATH_MAX];
	pid_t pid;
	int status;		/* exit status once ended, -1 while running */
};

/* One sample's raw text, kept for the best state so far. */
struct sample {
	struct text_buf buddy, vmstat, meminfo;
	double t;
	double score;
	bool valid;
};

struct state {
	struct buddyinfo buddy;
	struct vmstat vmstat;
	struct meminfo meminfo;
	bool have_vmstat, have_meminfo;
	struct fragcond_state fs;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " --until COND [--run 'PROGRAM ARGS...']... [options]\n"
		"Run fragmenting workloads until COND holds on the live state.\n"
		"  --until COND       e.g. 'unusable_index(zone=Normal,order=4) >= 0.9',\n"
		"                     'max_free_order(zone=DMA32) < 4', 'free_kb >= 200000';\n"
		"                     terms joined by && and ||. Metrics: unusable_index(order=N),\n"
		"                     max_free_order, free_kb, free_pages_at_or_above(order=N)\n"
		"                     (zone=, node= narrow them), vmstat(name=C), meminfo(name=F)\n"
		"  --run 'CMD'        a workload to run (up to %d), words split on blanks; a\n"
		"                     bare program name is taken from this program's directory.\n"
		"                     It must hold what it takes (--hold). Default:\n"
		"                     'anon_file_mix --total max --ratio 1:0 --chunk 4K --holes --hold'\n"
		"  --floor SIZE|PCT   passed to the default workload (default: its own)\n"
		"  --timeout SECS     give up after SECS (default 600)\n"
		"  --stall SECS       give up when COND has come no closer for SECS (default:\n"
		"                     never; for labs holding a state that will not move)\n"
		"  --rate HZ          samples a second (default 2, at most 100)\n"
		"  --check            evaluate COND once against the current state, run nothing\n"
		"  --quiet            no progress lines on stderr\n"
		"Prints a JSON summary on stdout: the condition's terms and values in the\n"
		"sample that proved it, and a full snapshot. Exit 0 when COND held, 3 when\n"
		"it did not before the timeout, the stall limit or the end of every\n"
		"workload (the best state reached is reported), 1 on errors, 2 on bad usage.\n",
		MAX_RUNS);
}

static int split_run(struct run *r, const char *line, const char *bindir)
{
	char *save = NULL;
	int n = 0;

	r->line = strdup(line);
	/* argv points into a second copy, so line stays whole for the summary */
	r->tokens = strdup(line);
	if (!r->line || !r->tokens)
		return -ENOMEM;
	for (char *w = strtok_r(r->tokens, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_ARGS)
			return -E2BIG;
		r->argv[n++] = w;
	}
	r->argv[n] = NULL;
	if (!n)
		return -EINVAL;
	if (strchr(r->argv[0], '/'))
		snprintf(r->path, sizeof(r->path), "%s", r->argv[0]);
	else if (snprintf(r->path, sizeof(r->path), "%s/%s", bindir, r->argv[0]) >=
		 (int)sizeof(r->path))
		return -ENAMETOOLONG;
	r->pid = 0;
	r->status = -1;
	return 0;
}

static void free_run(struct run *r)
{
	free(r->line);
	free(r->tokens);
}

static pid_t start_run(struct run *r)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* the workload's JSON goes to our stderr: stdout is our summary's */
		dup2(2, 1);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execv(r->path, r->argv);
		fprintf(stderr, PROG ": %s: %s\n", r->path, strerror(errno));
		_exit(127);
	}
	return pid;
}

static int reap_runs(struct run *runs, int nr)
{
	int alive = 0;

	for (int i = 0; i < nr; i++) {
		int st;

		if (runs[i].pid <= 0)
			continue;
		if (waitpid(runs[i].pid, &st, WNOHANG) == runs[i].pid) {
			runs[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			runs[i].pid = 0;
		} else {
			alive++;
		}
	}
	return alive;
}

/* SIGTERM, then up to 60 s for the cleanup, then SIGKILL. */
static void stop_runs(struct run *runs, int nr)
{
	double deadline = wl_now() + 60;

	for (int i = 0; i < nr; i++)
		if (runs[i].pid > 0)
			kill(runs[i].pid, SIGTERM);
	while (reap_runs(runs, nr) && wl_now() < deadline) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < nr; i++) {
		if (runs[i].pid > 0) {
			int st;

			kill(runs[i].pid, SIGKILL);
			waitpid(runs[i].pid, &st, 0);
			runs[i].status = 128 + SIGKILL;
			runs[i].pid = 0;
		}
	}
}

static void state_free(struct state *st)
{
	buddyinfo_free(&st->buddy);
	if (st->have_vmstat)
		vmstat_free(&st->vmstat);
	st->have_vmstat = st->have_meminfo = false;
}

/* Parse a sample's texts into st; -errno with err set on failure. */
static int state_parse(struct state *st, const struct sample *s, char *err, size_t errlen)
{
	struct parse_error perr = { 0 };
	int ret;

	memset(st, 0, sizeof(*st));
	ret = buddyinfo_parse(s->buddy.data, s->buddy.len, &st->buddy, &perr);
	if (ret) {
		snprintf(err, errlen, "buddyinfo: %s", perr.msg);
		return ret;
	}
	if (s->vmstat.data) {
		ret = vmstat_parse(s->vmstat.data, s->vmstat.len, &st->vmstat, &perr);
		if (ret) {
			snprintf(err, errlen, "vmstat: %s", perr.msg);
			buddyinfo_free(&st->buddy);
			return ret;
		}
		st->have_vmstat = true;
	}
	if (s->meminfo.data) {
		ret = meminfo_parse(s->meminfo.data, s->meminfo.len, &st->meminfo, &perr);
		if (ret) {
			snprintf(err, errlen, "meminfo: %s", perr.msg);
			state_free(st);
			return ret;
		}
		st->have_meminfo = true;
	}
	st->fs.buddy = &st->buddy;
	st->fs.vmstat = st->have_vmstat ? &st->vmstat : NULL;
	st->fs.meminfo = st->have_meminfo ? &st->meminfo : NULL;
	st->fs.page_size = sysconf(_SC_PAGESIZE);
	return 0;
}

static int copy_text(struct text_buf *dst, const struct text_buf *src)
{
	char *d;

	if (!src->data)
		return 0;
	d = realloc(dst->data, src->len + 1);
	if (!d)
		return -ENOMEM;
	memcpy(d, src->data, src->len + 1);
	dst->data = d;
	dst->len = src->len;
	return 0;
}

static void write_state(struct json_writer *w, const char *key, const struct fragcond *cond,
			const struct sample *s)
{
	struct state st;
	char err[256];

	json_object_begin(w, key);
	json_double(w, "t", s->t);
	json_double(w, "score", s->score);
	if (!state_parse(&st, s, err, sizeof(err))) {
		fragcond_write_json(w, "condition", cond, &st.fs);
		json_array_begin(w, "buddyinfo");
		for (size_t i = 0; i < st.buddy.nr_zones; i++) {
			const struct buddy_zone *z = &st.buddy.zones[i];

			json_object_begin(w, NULL);
			json_int(w, "node", z->node);
			json_string(w, "zone", z->zone);
			json_array_begin(w, "free");
			for (int o = 0; o < z->nr_orders; o++)
				json_uint(w, NULL, z->free[o]);
			json_array_end(w);
			json_int(w, "max_free_order", buddy_zone_max_order(z));
			json_object_end(w);
		}
		json_array_end(w);
		state_free(&st);
	}
	json_object_end(w);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "until", required_argument, NULL, 'u' },
		{ "run", required_argument, NULL, 'r' },
		{ "floor", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stall", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'R' },
		{ "check", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *until = NULL, *floor = NULL, *run_lines[MAX_RUNS];
	char bindir[PATH_MAX], err[300], default_run[256];
	struct wl_progress progress = { 0 };
	struct sample cur = { 0 }, best = { 0 };
	struct fragcond *cond = NULL;
	struct run runs[MAX_RUNS];
	struct json_writer w;
	struct snapshot snap;
	double timeout = 600, stall = 0, rate = 2, t0, next;
	/* the score and time of the last gain of at least STALL_MIN_GAIN */
	double gain_score = -1e300, gain_t = 0;
	int fd_buddy = -1, fd_vm = -1, fd_mi = -1, nr_runs = 0, c, ret = 1, held = 0;
	const char *outcome = "error";
	bool check = false, have_snap = false;
	char *end;
	ssize_t n;

	memset(runs, 0, sizeof(runs));
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			until = optarg;
			break;
		case 'r':
			if (nr_runs == MAX_RUNS) {
				fprintf(stderr, PROG ": at most %d --run\n", MAX_RUNS);
				return WL_EXIT_USAGE;
			}
			run_lines[nr_runs++] = optarg;
			break;
		case 'f':
			floor = optarg;
			break;
		case 't':
			if (wl_parse_duration(optarg, &timeout) || timeout <= 0)
				return wl_bad_arg(PROG, "timeout", optarg, "like 600, 90s, 10m");
			break;
		case 's':
			if (wl_parse_duration(optarg, &stall) || stall <= 0)
				return wl_bad_arg(PROG, "stall", optarg, "like 60, 90s, 5m");
			break;
		case 'R':
			errno = 0;
			rate = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(rate > 0) || rate > 100)
				return wl_bad_arg(PROG, "rate", optarg, "samples a second, 0 < HZ <= 100");
			break;
		case 'c':
			check = true;
			break;
		case 'q':
			progress.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return WL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (quote --run commands)\n",
			argv[optind]);
		return WL_EXIT_USAGE;
	}
	if (!until) {
		fprintf(stderr, PROG ": --until COND is required\n");
		return WL_EXIT_USAGE;
	}
	if (fragcond_parse(until, &cond, err, sizeof(err))) {
		fprintf(stderr, PROG ": --until: %s\n", err);
		return WL_EXIT_USAGE;
	}
	if (floor) {
		uint64_t v;

		if (wl_parse_size(floor, true, &v)) {
			fragcond_free(cond);
			return wl_bad_arg(PROG, "floor", floor, "a size like 64M or a %");
		}
	}
	n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	bindir[n > 0 ? n : 0] = '\0';
	if (strrchr(bindir, '/'))
		*strrchr(bindir, '/') = '\0';
	if (!nr_runs && !check) {
		/*
		 * Page-sized holes: where consecutive faults did not get
		 * consecutive pages (6.1 paired them), larger holes merged into
		 * blocks above order 4 with their neighbours' and the unusable
		 * index of a 1 GiB VM ranged 0.69-0.82 from run to run.
		 */
		snprintf(default_run, sizeof(default_run),
			 "anon_file_mix --total max --ratio 1:0 --chunk 4K --holes --hold --quiet%s%s",
			 floor ? " --floor " : "", floor ? floor : "");
		run_lines[nr_runs++] = default_run;
	}
	for (int i = 0; i < nr_runs; i++) {
		int r = split_run(&runs[i], run_lines[i], bindir);

		if (r) {
			fprintf(stderr, PROG ": --run '%s': %s\n", run_lines[i], strerror(-r));
			for (int j = 0; j <= i; j++)
				free_run(&runs[j]);
			fragcond_free(cond);
			return WL_EXIT_USAGE;
		}
		if (access(runs[i].path, X_OK)) {
			fprintf(stderr, PROG ": --run '%s': %s: %s\n", run_lines[i], runs[i].path,
				strerror(errno));
			for (int j = 0; j <= i; j++)
				free_run(&runs[j]);
			fragcond_free(cond);
			return WL_EXIT_USAGE;
		}
	}

	fd_buddy = open("/proc/buddyinfo", O_RDONLY | O_CLOEXEC);
	if (fragcond_needs_vmstat(cond))
		fd_vm = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
	if (fragcond_needs_meminfo(cond))
		fd_mi = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd_buddy < 0 || (fragcond_needs_vmstat(cond) && fd_vm < 0) ||
	    (fragcond_needs_meminfo(cond) && fd_mi < 0)) {
		fprintf(stderr, PROG ": cannot open /proc files: %s\n", strerror(errno));
		goto out;
	}
	wl_signals_init();
	t0 = wl_now();
	for (int i = 0; i < nr_runs; i++) {
		runs[i].pid = start_run(&runs[i]);
		if (runs[i].pid < 0) {
			fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
			runs[i].pid = 0;
			stop_runs(runs, i);
			goto out;
		}
	}
	best.score = -1e300;
	next = t0;
	for (;;) {
		struct state st;
		double score;
		int alive, r;

		alive = reap_runs(runs, nr_runs);
		cur.t = wl_now() - t0;
		if (text_read_fd(fd_buddy, &cur.buddy) ||
		    (fd_vm >= 0 && text_read_fd(fd_vm, &cur.vmstat)) ||
		    (fd_mi >= 0 && text_read_fd(fd_mi, &cur.meminfo))) {
			fprintf(stderr, PROG ": reading /proc failed\n");
			break;
		}
		if (state_parse(&st, &cur, err, sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			break;
		}
		r = fragcond_eval(cond, &st.fs, &score, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, PROG ": %s\n", err);
			state_free(&st);
			break;
		}
		cur.score = score;
		if (score >= gain_score + STALL_MIN_GAIN) {
			gain_score = score;
			gain_t = cur.t;
		}
		if (r == 1 || score > best.score) {
			best.t = cur.t;
			best.score = score;
			if (copy_text(&best.buddy, &cur.buddy) || copy_text(&best.vmstat, &cur.vmstat) ||
			    copy_text(&best.meminfo, &cur.meminfo)) {
				state_free(&st);
				fprintf(stderr, PROG ": out of memory\n");
				break;
			}
			best.valid = true;
		}
		if (wl_progress_due(&progress)) {
			char desc[512];

			fragcond_describe(cond, &st.fs, desc, sizeof(desc));
			fprintf(stderr, PROG ": t=%.0fs %s (%d workload%s running)\n", cur.t, desc,
				alive, alive == 1 ? "" : "s");
		}
		state_free(&st);
		if (r == 1) {
			held = 1;
			outcome = "reached";
			/* the whole picture while the workloads still hold it */
			have_snap = !snapshot_take(&snap, NULL, err, sizeof(err));
			break;
		}
		if (check) {
			outcome = "not_reached";
			break;
		}
		if (wl_stopping()) {
			outcome = "signal";
			break;
		}
		if (cur.t >= timeout) {
			outcome = "timeout";
			break;
		}
		if (!alive) {
			outcome = "workloads_ended";
			break;
		}
		if (stall > 0 && cur.t - gain_t >= stall) {
			outcome = "stalled";
			break;
		}
		next += 1.0 / rate;
		if (next < wl_now())
			next = wl_now();
		wl_sleep(next - wl_now());
	}
	stop_runs(runs, nr_runs);

	json_init(&w, stdout, false);
	json_object_begin(&w, NULL);
	json_string(&w, "program", PROG);
	json_string(&w, "until", until);
	json_string(&w, "result", outcome);
	json_double(&w, "seconds", wl_now() - t0);
	json_double(&w, "rate_hz", rate);
	json_array_begin(&w, "workloads");
	for (int i = 0; i < nr_runs; i++) {
		json_object_begin(&w, NULL);
		json_string(&w, "run", runs[i].line);
		json_int(&w, "exit", runs[i].status);
		json_object_end(&w);
	}
	json_array_end(&w);
	if (best.valid)
		write_state(&w, held ? "proof" : "best", cond, &best);
	if (have_snap)
		snapshot_write_json(&w, "snapshot", &snap);
	json_object_end(&w);
	json_finish(&w);
	if (have_snap)
		snapshot_free(&snap);
	if (held)
		ret = 0;
	else if (!strcmp(outcome, "timeout") || !strcmp(outcome, "workloads_ended") ||
		 !strcmp(outcome, "stalled") || !strcmp(outcome, "not_reached") ||
		 !strcmp(outcome, "signal"))
		ret = WL_EXIT_TIMEOUT;
	if (ret == WL_EXIT_TIMEOUT)
		fprintf(stderr, PROG ": condition not reached (%s)\n", outcome);
out:
	for (int i = 0; i < nr_runs; i++)
		free_run(&runs[i]);
	text_free(&cur.buddy);
	text_free(&cur.vmstat);
	text_free(&cur.meminfo);
	text_free(&best.buddy);
	text_free(&best.vmstat);
	text_free(&best.meminfo);
	if (fd_buddy >= 0)
		close(fd_buddy);
	if (fd_vm >= 0)
		close(fd_vm);
	if (fd_mi >= 0)
		close(fd_mi);
	fragcond_free(cond);
	return ret;
}
