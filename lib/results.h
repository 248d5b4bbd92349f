/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-test result file: $FRAGTEST_RESULTS/<test>.json (schema in
 * docs/results.md). A test calls ftr_begin() at its start (kernel health
 * mark, "before" snapshot), records parameters, metrics, latency statistics
 * and optionally a timeline of free blocks while it runs, and ftr_end() with
 * its own outcome: the health guard may turn a pass into a failure, the
 * allocation failure reports logged meanwhile are parsed into the file.
 *
 * Typical use from a kselftest-harness fixture:
 *
 *	FIXTURE_SETUP(x)   { ftr_begin(&self->res, "prog.case", FTR_SNAPSHOTS); }
 *	TEST_F(x, case)    { ... ftr_param_int(&self->res, "order", 4); ...
 *			     ftr_metric(&self->res, "success_rate", r, "%", FTR_HIGHER); }
 *	FIXTURE_TEARDOWN(x) {
 *		int e = _metadata->exit_code;
 *		enum ftr_outcome o = e == KSFT_SKIP ? FTR_SKIP :
 *				     e == KSFT_FAIL ? FTR_FAIL : FTR_PASS;
 *
 *		if (ftr_end(&self->res, o, NULL) == FTR_FAIL && o != FTR_FAIL) {
 *			TH_LOG("%s", self->res.verdict);	// the health guard failed it
 *			_metadata->exit_code = KSFT_FAIL;
 *		}
 *	}
 *
 * Without FRAGTEST_RESULTS nothing is written, but the health verdict is
 * still returned. All calls are safe on a zeroed or ended ftr_run.
 */
#ifndef FRAGTEST_RESULTS_H
#define FRAGTEST_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "health.h"
#include "json_read.h"
#include "snapshot.h"

#define FTR_SCHEMA_VERSION 1
#define FTR_MAX_PARAMS 32
#define FTR_MAX_METRICS 64
#define FTR_MAX_LATENCY 48	/* e.g. 3 page APIs x 11 orders */
#define FTR_MAX_BUCKETS 48
#define FTR_MAX_REPORTS 32	/* parsed failure reports kept in the file */
#define FTR_TIMELINE_ZONES 16

enum ftr_outcome { FTR_PASS, FTR_FAIL, FTR_SKIP };
enum ftr_better { FTR_NEUTRAL, FTR_HIGHER, FTR_LOWER };

#define FTR_SNAPSHOTS		(1u << 0)	/* before/after snapshots and their delta */
#define FTR_ALLOC_FAILS_TEST	(1u << 1)	/* a failure report fails the test */

struct ftr_param {
	char key[48];
	char value[160];
	bool is_num;
	double num;
};

struct ftr_metric {
	char name[64];
	char unit[16];
	double value;
	enum ftr_better better;
};

struct ftr_latency {
	char name[64];
	uint64_t attempts, successes, failures;
	bool have_ns;		/* min/p50/p99/max/mean are set */
	bool failure_expected;	/* a probe meant to fail: its success rate is not judged */
	uint64_t min_ns, p50_ns, p90_ns, p99_ns, max_ns, mean_ns;	/* p90 0: unknown */
	int nr_buckets;		/* histogram: count[i] samples <= le_ns[i] (and > le_ns[i-1]) */
	uint64_t le_ns[FTR_MAX_BUCKETS];
	uint64_t count[FTR_MAX_BUCKETS];
};

struct ftr_sample {
	double t;		/* seconds since ftr_begin */
	uint64_t free[FTR_TIMELINE_ZONES][FT_MAX_ORDERS];
};

struct ftr_run {
	bool active;
	unsigned int flags;
	char test[128];
	char path[4096];	/* "" when FRAGTEST_RESULTS is unset */
	double t_start, t_end;
	int64_t wall_start;
	struct health health;
	struct ftr_param params[FTR_MAX_PARAMS];
	int nr_params;
	struct ftr_metric metrics[FTR_MAX_METRICS];
	int nr_metrics;
	struct ftr_latency latency[FTR_MAX_LATENCY];
	int nr_latency;
	struct snapshot *before, *after;
	/* timeline: zone names fixed by the first sample */
	int nr_tl_zones, tl_orders;
	char tl_zone[FTR_TIMELINE_ZONES][32];
	struct ftr_sample *samples;
	size_t nr_samples, cap_samples;
	bool samples_fixed;	/* the caller's buffer: never reallocated or freed */
	int nr_reports;		/* allocation failure reports seen (after ftr_end) */
	char verdict[320];	/* after ftr_end: why the outcome is what it is */
	/*
	 * A run in memory shared with a forked test process (ftr_share_snapshots):
	 * the snapshots are the writing process's heap, so the test's
	 * ftr_snapshot_now() also asks the parent to take its own copy.
	 */
	pid_t snap_parent;
	int snap_req_fd, snap_ack_fd;
};

/* Starts a test; 0, or -errno when the results directory is unusable
 * (the run still works, only the file will not be written).
 */
int ftr_begin(struct ftr_run *r, const char *test, unsigned int flags);
/* Tolerate kernel log lines containing substring (see health_allow()). */
void ftr_allow(struct ftr_run *r, const char *substring);
void ftr_param_str(struct ftr_run *r, const char *key, const char *value);
void ftr_param_int(struct ftr_run *r, const char *key, int64_t value);
void ftr_param_double(struct ftr_run *r, const char *key, double value);
/* A number `fragtest compare` compares between runs; better says which
 * direction is an improvement (FTR_NEUTRAL: shown, never flagged).
 */
void ftr_metric(struct ftr_run *r, const char *name, double value, const char *unit,
		enum ftr_better better);
/* Latency statistics, e.g. the module's per-request numbers. */
void ftr_latency(struct ftr_run *r, const struct ftr_latency *lat);
/* Fills lat's counts, percentiles and a log2 histogram from n samples (the
 * array is sorted in place); attempts/successes/failures are left alone.
 */
void ftr_latency_from_samples(struct ftr_latency *lat, uint64_t *ns, size_t n);
/*
 * Replace the before (after=false) or after snapshot with one taken now, for
 * a test whose state of interest is built after ftr_begin() or gone by
 * ftr_end(). ftr_end() keeps an after snapshot taken this way. 0 or -errno.
 */
int ftr_snapshot_now(struct ftr_run *r, bool after);
/* One timeline sample: free blocks per order per zone (buddyinfo). */
int ftr_timeline_sample(struct ftr_run *r);
void ftr_timeline_add(struct ftr_run *r, const struct snapshot *snap);
/*
 * Keep the timeline in the caller's buffer of cap samples (memory shared
 * with a forked test process, see selftests/case_results.h): it is never
 * reallocated or freed, and samples beyond cap are dropped. Call after
 * ftr_begin().
 */
void ftr_timeline_buffer(struct ftr_run *r, struct ftr_sample *buf, size_t cap);
/*
 * For a run shared with a process the caller forks next: the child's
 * ftr_snapshot_now() writes 'b' (before) or 'a' (after) to req_fd and waits
 * for a byte 'k' on ack_fd, while the caller, which writes the file, takes
 * its own copy with ftr_snapshot_replace() and answers. Call after
 * ftr_begin().
 */
void ftr_share_snapshots(struct ftr_run *r, int req_fd, int ack_fd);
/* Replace *slot (freed) with a snapshot taken now. 0 or -errno. */
int ftr_snapshot_replace(struct snapshot **slot);
/*
 * Ends the test: after snapshot, health check, failure reports, JSON file.
 * Returns the final outcome: FTR_FAIL when the test failed or the health
 * guard failed it, else the test's own. r->verdict says why.
 */
enum ftr_outcome ftr_end(struct ftr_run *r, enum ftr_outcome outcome, const char *reason);
const char *ftr_outcome_name(enum ftr_outcome o);


/*
 * Reading a run back (fragtest compare, fragtest report): summary.json, the
 * per-test JSON files and the outcomes in ktap.log (for tests that wrote no
 * file). Test ids: "<program>" for a selftest program, "<program>.<case>"
 * for a harness case ("snapshot_invariants.global.zone_free_ok"); a JSON
 * file's "test" with the same id replaces the ktap outcome.
 */
struct ftr_test {
	char name[192];
	char outcome[8];	/* "pass", "fail", "skip" */
	char reason[256];
	double duration;	/* seconds, -1 unknown */
	bool is_program;	/* a top-level ktap result */
	struct jr_value *doc;	/* the per-test JSON, or NULL */
};

struct ftr_loaded_run {
	char dir[4096];		/* resolved */
	char release[128];
	struct jr_value summary;
	bool have_summary;
	struct ftr_test *tests;	/* sorted by name */
	size_t nr_tests;
	size_t nr_bad_files;	/* JSON files that did not parse */
	char bad_file[512];	/* the first such file and why */
};

/* 0, or -1 with a message when dir is not a readable run directory. */
int ftr_load_run(const char *dir, struct ftr_loaded_run *run, char *err, size_t errlen);
void ftr_free_run(struct ftr_loaded_run *run);
const struct ftr_test *ftr_find_test(const struct ftr_loaded_run *run, const char *name);
/* Reads ktap text into tests (appends; used by ftr_load_run). */
int ftr_parse_ktap(const char *text, size_t len, struct ftr_loaded_run *run);

#endif
