/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A result file for every harness case: including this header makes each
 * TEST()/TEST_F() of the program write $FRAGTEST_RESULTS/<id>.json
 * (lib/results.h, docs/results.md) with the id the harness prints,
 * "<program>.<fixture>[.<variant>].<case>" ("global" for TEST()).
 *
 * How: a constructor that runs after the harness registered every case
 * replaces each case's entry point with ft_case_wrapper(), which runs in the
 * process the harness forks per case. It starts the result (before snapshot,
 * kernel health mark), runs the original case in a child and ends the result
 * from the child's exit status once setup, body and teardown (also
 * FIXTURE_TEARDOWN_PARENT) are over, so an ASSERT that aborts the case, a
 * crash or an early exit still leaves a file: outcome, reason, duration and
 * what the case recorded until then; the reason of a failed case is the
 * first failed expectation the harness printed. Only the harness timeout,
 * which kills the whole process group, leaves none (ktap.log has the
 * outcome then).
 *
 * The case records into ft_case_run(), which lives in memory shared with
 * the child: ftr_param_*(), ftr_metric(), ftr_latency(), ftr_timeline_*()
 * and ftr_allow() (with a string literal: the pointer is read by the parent).
 * Snapshots are heap memory: the child's ftr_snapshot_now() has this process
 * take its own copy at that moment (ftr_share_snapshots), and the file gets
 * those.
 * The health guard (lib/health) judges the whole case: a case that passed
 * but left a kernel warning or a new taint is turned into a failure, with
 * the verdict as the KTAP reason. Outside a wrapped case ft_case_run() is an
 * inactive run on which every ftr_*() call does nothing.
 */
#ifndef FRAGTEST_CASE_RESULTS_H
#define FRAGTEST_CASE_RESULTS_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "results.h"

#define FT_CASE_MAX	256	/* cases wrapped per program */
#define FT_CASE_SAMPLES	1024	/* timeline samples a case may record */

typedef void (*ft_case_fn)(struct __test_metadata *, struct __fixture_variant_metadata *);

static struct {
	struct __test_metadata *t;
	ft_case_fn fn;
} ft_case_wraps[FT_CASE_MAX];
static int ft_case_nr_wraps;
static struct ftr_run ft_case_idle;	/* never begun: ftr_*() calls do nothing */
static struct ftr_run *ft_case_shared;	/* the running case's, shared with its child */

/* Where the running case records its parameters, metrics and latency. */
static inline struct ftr_run *ft_case_run(void)
{
	return ft_case_shared ? ft_case_shared : &ft_case_idle;
}

/* The outcome the harness will derive from the case child's status. */
static inline enum ftr_outcome ft_case_outcome(const struct __test_metadata *t, int status,
					       char *reason, size_t len)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		if (sig == t->termsig)
			return FTR_PASS;
		snprintf(reason, len, "%s", sig == SIGABRT ? "terminated by assertion" :
			 strsignal(sig));
		return FTR_FAIL;
	}
	if (!WIFEXITED(status))
		return FTR_FAIL;
	if (WEXITSTATUS(status) == KSFT_SKIP)
		return FTR_SKIP;
	if (t->termsig != -1) {
		snprintf(reason, len, "exited normally instead of by signal %d", t->termsig);
		return FTR_FAIL;
	}
	return WEXITSTATUS(status) == KSFT_PASS ? FTR_PASS : FTR_FAIL;
}

static inline void ft_case_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Where the child's ftr_snapshot_now() requests are answered. */
struct ft_case_snaps {
	int req_fd, ack_fd;		/* -1: the child cannot ask */
	struct snapshot *before, *after;	/* this process's copies */
};

/*
 * Copy the case's stderr through to ours until the case child has exited,
 * keeping the first failed expectation the harness printed
 * ("file:line:case:Expected ...") as the reason of a failed case, and take
 * the snapshots the child asks for. Reads stop when the child is gone even
 * if a process it leaked keeps the pipe open.
 */
static inline int ft_case_relay(int fd, pid_t pid, char *first_failure, size_t len,
				struct ft_case_snaps *snaps)
{
	char buf[4096], line[512];
	size_t used = 0;
	int status = 0, after = 0;
	bool done = false;

	if (fd >= 0)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	/* after the child is gone, a bounded drain: a leaked writer cannot hold us */
	while (after < 64 && (fd >= 0 || !done)) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = done ? -1 : snaps->req_fd, .events = POLLIN },
		};
		ssize_t n;

		if (!done) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid || (w < 0 && errno != EINTR))
				done = true;	/* drain what is left, then stop */
		}
		after += done;
		if (poll(p, 2, done ? 0 : 100) <= 0) {
			if (done)
				break;
			continue;
		}
		if (p[1].revents & POLLIN) {
			char req, ack = 'k';

			if (read(snaps->req_fd, &req, 1) == 1 && (req == 'a' || req == 'b')) {
				ftr_snapshot_replace(req == 'a' ? &snaps->after : &snaps->before);
				/* answered also without a snapshot: the child must go on */
				if (write(snaps->ack_fd, &ack, 1) != 1)
					ksft_print_msg("cannot answer the case's snapshot request\n");
			}
		}
		if (fd < 0 || !(p[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (done)
				break;
			if (n == 0)
				fd = -1;	/* stderr closed: still answer requests */
			continue;
		}
		if (write(2, buf, (size_t)n) < 0) {
			/* nowhere to copy to: still look for the reason */
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (used < sizeof(line) - 1)
					line[used++] = buf[i];
				continue;
			}
			line[used] = '\0';
			if (!first_failure[0] && strstr(line, ":Expected "))
				snprintf(first_failure, len, "%s",
					 line + (strncmp(line, "# ", 2) ? 0 : 2));
			used = 0;
		}
	}
	if (!done)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	return status;
}

static void ft_case_wrapper(struct __test_metadata *t, struct __fixture_variant_metadata *v)
{
	ft_case_fn fn = NULL;
	struct ftr_run *r;
	struct ftr_sample *samples;
	char id[sizeof(r->test)], reason[sizeof(t->results->reason)] = "";
	enum ftr_outcome outcome, final;
	char failure[sizeof(t->results->reason)] = "";
	int status = 0, err[2] = { -1, -1 }, req[2] = { -1, -1 }, ack[2] = { -1, -1 };
	struct ft_case_snaps snaps = { .req_fd = -1, .ack_fd = -1 };
	pid_t pid;

	for (int i = 0; i < ft_case_nr_wraps; i++)
		if (ft_case_wraps[i].t == t)
			fn = ft_case_wraps[i].fn;
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	samples = mmap(NULL, FT_CASE_SAMPLES * sizeof(*samples), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED || samples == MAP_FAILED) {
		fn(t, v);	/* the case still runs, without its file */
		return;
	}
	snprintf(id, sizeof(id), "%s.%s%s%s.%s", program_invocation_short_name, t->fixture->name,
		 v->name[0] ? "." : "", v->name, t->name);
	ftr_begin(r, id, FTR_SNAPSHOTS);
	ftr_timeline_buffer(r, samples, FT_CASE_SAMPLES);
	ftr_param_str(r, "program", program_invocation_short_name);
	ftr_param_str(r, "fixture", t->fixture->name);
	if (v->name[0])
		ftr_param_str(r, "variant", v->name);
	ftr_param_str(r, "case", t->name);
	ftr_param_int(r, "timeout_s", t->timeout);
	ft_case_shared = r;
	fflush(stdout);
	fflush(stderr);
	if (pipe(err))
		err[0] = err[1] = -1;
	snaps.before = r->before;
	if (!pipe(req) && !pipe(ack)) {
		ftr_share_snapshots(r, req[1], ack[0]);
		snaps.req_fd = req[0];
		snaps.ack_fd = ack[1];
	}
	pid = fork();
	if (pid == 0) {
		if (err[1] >= 0) {
			dup2(err[1], 2);
			close(err[0]);
			close(err[1]);
		}
		ft_case_close(req[0]);
		ft_case_close(ack[1]);
		fn(t, v);
		_exit(t->exit_code);
	}
	ft_case_close(err[1]);
	ft_case_close(req[1]);
	ft_case_close(ack[0]);
	if (pid > 0)
		status = ft_case_relay(err[0], pid, failure, sizeof(failure), &snaps);
	ft_case_close(err[0]);
	ft_case_close(req[0]);
	ft_case_close(ack[1]);
	/* the run's pointers may be the child's heap: the file gets our copies */
	r->before = snaps.before;
	r->after = snaps.after;
	if (pid < 0) {
		snprintf(reason, sizeof(reason), "cannot fork the case: %s", strerror(errno));
		status = KSFT_FAIL << 8;
	}
	outcome = ft_case_outcome(t, status, reason, sizeof(reason));
	/* the failed expectation says more than "terminated by assertion" */
	if (outcome == FTR_FAIL && failure[0])
		snprintf(reason, sizeof(reason), "%s", failure);
	if (!reason[0])
		snprintf(reason, sizeof(reason), "%s", t->results->reason);
	final = ftr_end(r, outcome, reason[0] ? reason : NULL);
	if (final == FTR_FAIL && outcome != FTR_FAIL) {
		/* the health guard failed a case that passed or skipped */
		ksft_print_msg("%s: %s\n", id, r->verdict);
		snprintf(t->results->reason, sizeof(t->results->reason), "%s", r->verdict);
		fflush(stdout);
		t->exit_code = KSFT_FAIL;
		return;		/* exits with KSFT_FAIL, even a TEST_SIGNAL case */
	}
	if (WIFSIGNALED(status)) {
		/* die the way the case died: the harness judges the signal */
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	t->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : KSFT_FAIL;
}

/*
 * After the harness's constructors registered every fixture, variant, case
 * and xfail (priorities KSELFTEST_PRIO_TEST and _XFAIL), wrap every case.
 */
#ifdef KSELFTEST_PRIO_XFAIL
#define FT_CASE_PRIO (KSELFTEST_PRIO_XFAIL + 1)
#else
#define FT_CASE_PRIO 20002
#endif
static void __attribute__((constructor(FT_CASE_PRIO))) ft_case_wrap_all(void)
{
	for (struct __fixture_metadata *f = __fixture_list; f; f = f->next) {
		for (struct __test_metadata *t = f->tests; t; t = t->next) {
			if (ft_case_nr_wraps == FT_CASE_MAX)
				return;	/* the rest run as they are, without files */
			ft_case_wraps[ft_case_nr_wraps].t = t;
			ft_case_wraps[ft_case_nr_wraps++].fn = t->fn;
			t->fn = ft_case_wrapper;
		}
	}
}

#endif
