/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the scenario tests (selftests/<scenario>.c): the helper module
 * loaded, sysctls changed only through a record the supervising parent
 * restores (FIXTURE_TEARDOWN_PARENT runs even when the test child was
 * killed; a harness timeout kills the whole case, and then the runner puts
 * the vm sysctls back, scripts/lab-safety.sh), a private tracefs instance
 * for kmem:mm_page_alloc, and one module request observed as a whole: vmstat
 * counter deltas, the allocation attempts the tracepoint saw and the
 * warn_alloc reports the kernel logged meanwhile. Results go to the case's
 * result file, $FRAGTEST_RESULTS/<program>.<fixture>.<case>.json, which
 * case_results.h writes once the case is over (also after a failed ASSERT).
 */
#ifndef FRAGTEST_SCENARIO_H
#define FRAGTEST_SCENARIO_H

#include <stdarg.h>

#include "module_fixture.h"
#include "health.h"
#include "kthread_cpu.h"
#include "report_parse.h"
#include "results.h"
#include "sysctl.h"
#include "tracefs.h"

/* Counters that tell which allocator path a call took. */
enum scen_counter {
	SC_COMPACT_STALL, SC_COMPACT_FAIL, SC_COMPACT_SUCCESS, SC_ALLOCSTALL,
	SC_PGSTEAL_DIRECT, SC_PGSTEAL_KSWAPD, SC_PGMIGRATE_SUCCESS, SC_OOM_KILL,
	SC_COMPACT_DAEMON_WAKE,
	/* counted by compact_zone() in every mode: direct, kcompactd, compact_memory */
	SC_COMPACT_MIGRATE_SCANNED, SC_COMPACT_FREE_SCANNED, SC_COMPACT_ISOLATED,
	SC_NR
};

static const char *const scen_counter_names[SC_NR] = {
	"compact_stall", "compact_fail", "compact_success", "allocstall",
	"pgsteal_direct", "pgsteal_kswapd", "pgmigrate_success", "oom_kill",
	"compact_daemon_wake", "compact_migrate_scanned", "compact_free_scanned",
	"compact_isolated",
};

/*
 * Which way is better when `fragtest compare` sets two runs side by side:
 * what the allocating task paid itself (direct reclaim and compaction
 * stalls, failed compactions, pages it reclaimed) and OOM kills are costs,
 * lower is better for the same outcome. What kswapd and kcompactd did in
 * the background, successful compactions and migrated pages describe the
 * path and are shown, not judged.
 */
static const enum ftr_better scen_counter_better[SC_NR] = {
	[SC_COMPACT_STALL] = FTR_LOWER, [SC_COMPACT_FAIL] = FTR_LOWER,
	[SC_ALLOCSTALL] = FTR_LOWER, [SC_PGSTEAL_DIRECT] = FTR_LOWER, [SC_OOM_KILL] = FTR_LOWER,
};

struct scen_counters {
	int64_t v[SC_NR];
};

static inline int scen_counters_read(struct scen_counters *c)
{
	struct vmstat vs;
	uint64_t v;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = vmstat_read(&vs);
	if (ret)
		return ret;
	for (int i = 0; i < SC_NR; i++) {
		if (i == SC_ALLOCSTALL)
			c->v[i] = (int64_t)vmstat_sum_prefix(&vs, "allocstall_");
		else if (vmstat_get(&vs, scen_counter_names[i], &v))
			c->v[i] = (int64_t)v;
	}
	vmstat_free(&vs);
	return 0;
}

struct scenario {
	struct ft_client c;
	struct sysctl_saved sysctls;
	struct kthread_saved kthreads;	/* scen_confine_reclaimers() */
	struct trace_instance trace;
	struct ftr_run *res;		/* the case's result file: ft_case_run() */
	char name[128];
};

/* One module request and what the kernel did while it ran. */
struct scen_obs {
	int err;			/* ftc_request's return */
	struct scen_counters delta;
	struct page_alloc_counts trace;	/* the try's mask only; zero when tracing is off */
	struct alloc_call calls[64];	/* traced calls in order, with reclaim/compaction */
	size_t nr_calls;
	struct rp_list reports;		/* warn_alloc reports logged meanwhile */
	bool health_ok;
	char health_problem[256];
	int builds;			/* scen_build_and_try(): attempts to reach the state */
};

static inline void scen_obs_free(struct scen_obs *o)
{
	rp_free(&o->reports);
}

/*
 * Setup: the module (SKIP with the reason where it cannot load), the results
 * file, a trace instance filtered to this process and orders >= min_order,
 * and the knobs that make the kernel's background agents deterministic:
 * no proactive compaction and no watermark boosting, whose kswapd and
 * kcompactd wakeups would otherwise race the state the test builds, and
 * short per-cpu page lists (sysctl_keep_pcp_small()).
 */
#define SCENARIO_SETUP(s, test, min_order) do { \
	char _swhy[256]; \
	FT_MODULE_SETUP(s); \
	snprintf((s)->name, sizeof((s)->name), "%s", test); \
	(s)->res = ft_case_run(); \
	ftr_allow((s)->res, "page allocation failure"); \
	ASSERT_EQ(0, trace_alloc_start(&(s)->trace, "fragtest-scenario", (int)getpid(), \
				       (min_order), _swhy, sizeof(_swhy))) TH_LOG("%s", _swhy); \
	ASSERT_EQ(0, sysctl_quiet_compaction(&(s)->sysctls)); \
	ASSERT_EQ(0, sysctl_keep_pcp_small(&(s)->sysctls)); \
} while (0)

/* In FIXTURE_TEARDOWN_PARENT: undo everything, even after a killed child. */
static inline void scen_teardown(struct scenario *s)
{
	sysctl_restore(&s->sysctls);
	kthreads_restore(&s->kthreads);
	trace_stop(&s->trace);
	trace_remove_stale("fragtest-scenario");
	ft_module_unload();	/* frees every pool */
}

/*
 * The fixture of a scenario program with one test and no variants: set up
 * as SCENARIO_SETUP says, torn down by the supervising parent.
 */
#define SCENARIO_FIXTURE(test, min_order) \
	FIXTURE(scenario) { \
		struct scenario s; \
	}; \
	FIXTURE_SETUP(scenario) \
	{ \
		SCENARIO_SETUP(&self->s, test, min_order); \
	} \
	FIXTURE_TEARDOWN_PARENT(scenario) \
	{ \
		scen_teardown(&self->s); \
	}

/*
 * kswapd and kcompactd onto the CPU the test runs on, at SCHED_IDLE, and
 * the test with them (lib/kthread_cpu.h says why); put back by
 * scen_teardown(). The number of threads moved, or -errno with why.
 */
static inline int scen_confine_reclaimers(struct scenario *s, char *why, size_t whylen)
{
	static const char *const names[] = { "kswapd", "kcompactd", NULL };
	int cpu = sched_getcpu(), err = errno;

	if (cpu < 0) {
		snprintf(why, whylen, "sched_getcpu: %s", strerror(err));
		return -err;
	}
	return kthreads_confine(&s->kthreads, names, cpu, why, whylen);
}

/*
 * Observe whatever the test does between scen_watch_begin() and
 * scen_watch_end(): counter deltas, the traced attempts (counted for the
 * gfp_flags given, NULL: all) and the kernel log meanwhile.
 */
struct scen_watch {
	struct scen_counters before;
	struct health h;
};

static inline void scen_watch_begin(struct scenario *s, struct scen_watch *w)
{
	if (s->trace.created)
		trace_clear(&s->trace);	/* only what is watched counts */
	health_mark(&w->h, s->name);
	scen_counters_read(&w->before);
}

static inline void scen_watch_end(struct scenario *s, struct scen_watch *w, struct scen_obs *o,
				  const char *gfp)
{
	struct scen_counters after;
	struct text_buf t;
	int err = o->err;

	scen_counters_read(&after);
	memset(o, 0, sizeof(*o));
	o->err = err;
	health_allow(&w->h, "page allocation failure");
	o->health_ok = health_check(&w->h);
	snprintf(o->health_problem, sizeof(o->health_problem), "%s", w->h.problem);
	if (w->h.log)
		rp_parse(w->h.log, w->h.log_len, &o->reports);
	health_free(&w->h);
	for (int i = 0; i < SC_NR; i++)
		o->delta.v[i] = after.v[i] - w->before.v[i];
	if (s->trace.created && !trace_read(&s->trace, &t)) {
		page_alloc_count(t.data, t.len, gfp, &o->trace);
		o->nr_calls = alloc_calls_parse(t.data, t.len, o->calls, 64, NULL);
		text_free(&t);
	}
}

/*
 * Send a request and observe it; traced attempts are counted for the
 * gfp_flags the kernel prints for the call under test (NULL: all). With
 * keep, the reply is copied to *keep (replacing what it held; the caller
 * frees it) and every pool is freed by the request itself, at its end: the
 * module runs the free right after the tries and writes the reply after it,
 * so nothing, the test's reading of the reply included, allocates while the
 * state is held (opening the trace file takes an order-3 iterator, which a
 * state without such blocks answers with reclaim, compaction or the OOM
 * killer; a state below min answers any allocation with direct reclaim).
 * Returns the request's status, or the free's when that failed.
 */
static inline int scen_observe_va(struct scenario *s, struct scen_obs *o, const char *gfp,
				  char **keep, const char *fmt, va_list ap)
{
	static const char free_all[] = "; free all";
	struct scen_watch w;
	char req[2048];
	int err = 0, n = vsnprintf(req, sizeof(req) - sizeof(free_all), fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(req) - sizeof(free_all)) {
		memset(o, 0, sizeof(*o));
		o->err = -E2BIG;	/* a cut request would build another state */
		return o->err;
	}
	if (keep)
		strcat(req, free_all);
	scen_watch_begin(s, &w);
	o->err = ftc_request(&s->c, "%s", req);
	if (keep) {
		free(*keep);
		*keep = strdup(s->c.reply);
		/* a refused request ran nothing, its own free included */
		if (o->err)
			err = ftc_request(&s->c, "free all");
	}
	scen_watch_end(s, &w, o, gfp);
	if (keep && !*keep && !o->err)
		o->err = -ENOMEM;
	return o->err ? o->err : err;
}

static inline int scen_observe(struct scenario *s, struct scen_obs *o, const char *gfp,
			       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline int scen_observe(struct scenario *s, struct scen_obs *o, const char *gfp,
			       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scen_observe_va(s, o, gfp, NULL, fmt, ap);
	va_end(ap);
	return o->err;
}

/* scen_observe() that keeps the reply in *keep and frees every pool in the same request. */
static inline int scen_observe_and_free(struct scenario *s, struct scen_obs *o, char **keep,
					const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline int scen_observe_and_free(struct scenario *s, struct scen_obs *o, char **keep,
					const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = scen_observe_va(s, o, NULL, keep, fmt, ap);
	va_end(ap);
	return err;
}

/*
 * Whether every zone's largest free block, as the module saw it just before
 * the try of step `step`, was below `order`; why not, into why.
 */
static inline bool scen_no_block_from(const struct scenario *s, int step, int order, char *why,
				      size_t len)
{
	struct ftc_buddy b;
	int largest = ftc_largest_free_order(s->c.reply, step, &b);

	if (largest < -1) {
		snprintf(why, len, "no readable buddy state in the reply: %s", strerror(-largest));
		return false;
	}
	if (largest >= order) {
		snprintf(why, len, "node %d %s still had an order-%d block%s", b.node, b.zone,
			 largest, strstr(s->c.reply, "truncated=1") ? " (drain ran out of time)" : "");
		return false;
	}
	return true;
}

/* Whether the state a request built is the one the test asked for. */
typedef bool (*scen_state_fn)(const struct scenario *s, char *why, size_t len);
/* Build a state held across requests: 0, -EAGAIN (not reached: why), or an error. */
typedef int (*scen_build_fn)(struct scenario *s, char *why, size_t len);

/*
 * Build a state, then try and observe; rebuild, at most 5 times, when the
 * build or `reached` says the state was not reached (e.g. a slow machine ran
 * a drain out of its time budget). With build == NULL the request given by
 * fmt builds the state and tries in one go (needed where kswapd or
 * kcompactd would undo the state between two requests); else build makes a
 * state that holds and only the try is observed. Assertions are then made on
 * the observation of the run that reached the state.
 */
static inline int scen_build_and_try(struct __test_metadata *_metadata, struct scenario *s,
				     struct scen_obs *o, const char *gfp, scen_state_fn reached,
				     scen_build_fn build, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
static inline int scen_build_and_try(struct __test_metadata *_metadata, struct scenario *s,
				     struct scen_obs *o, const char *gfp, scen_state_fn reached,
				     scen_build_fn build, const char *fmt, ...)
{
	char req[2048], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	for (int attempt = 1; attempt <= 5; attempt++) {
		int err = build ? build(s, why, sizeof(why)) : 0;

		if (err && err != -EAGAIN) {
			TH_LOG("building the state failed: %s", why);
			return err;
		}
		if (!err) {
			err = scen_observe(s, o, gfp, "%s", req);
			if (err)
				return err;
			if (ftc_reply_cut(s->c.reply))
				snprintf(why, sizeof(why), "the module cut a step at its time budget");
			else if (reached(s, why, sizeof(why))) {
				o->builds = attempt;
				return 0;
			}
			scen_obs_free(o);
		}
		TH_LOG("attempt %d: state not reached: %s; rebuilding", attempt, why);
		if (ftc_request(&s->c, "free all"))
			return -EIO;
	}
	return -EAGAIN;
}

/*
 * Unmovable fragmentation that holds across requests: an unmovable page
 * pinned in every aligned 2^k group of free memory, a page reference in
 * every group in use by others (so neither reclaim nor compaction can empty
 * a group), every block above order k-1 drained.
 *
 * Free groups some of whose pages sat on per-cpu lists merge only when the
 * lists are flushed, which direct reclaim does (drain_all_pages() when it
 * made progress but found no page) and no exported function can. So GFP_KERNEL
 * order-k allocations, held, run until the allocator has nothing left to give
 * (one fails: it went through reclaim and compaction); a last drain takes
 * what merged meanwhile. What stays free is in blocks below order k, in
 * groups holding a page that cannot move. node >= 0: on that node only.
 */
#define SCEN_FLUSH_TRIES 64
static inline int scen_build_unmovable_node(struct scenario *s, int k, int node, char *why,
					    size_t len)
{
	char where[16] = "", flush[64] = "";
	struct ftc_result r;
	int err;

	/*
	 * One node: pin and drain only there, and flush with node-bound
	 * requests (alloc_pages_node, __GFP_THISNODE), whose reclaim and
	 * compaction work on that node alone; the others keep their blocks.
	 */
	if (node >= 0) {
		snprintf(where, sizeof(where), "node=%d ", node);
		snprintf(flush, sizeof(flush), "api=alloc_pages_node node=%d ", node);
	}
	err = ftc_request(&s->c,
			  "pin %spattern=group k=%d refs=1; drain %sabove=%d; "
			  "alloc %sgfp=GFP_KERNEL|__GFP_NOWARN%s order=%d count=%d hold=drain; "
			  "drain %sabove=%d", where, k, where, k - 1, flush,
			  node >= 0 ? "|__GFP_THISNODE" : "", k, SCEN_FLUSH_TRIES, where, k - 1);
	if (err) {
		ftc_reason(&s->c, why, len);
		return err;
	}
	if (ftc_parse_result(s->c.reply, 2, &r)) {
		snprintf(why, len, "no result for the flushing allocations");
		return -EIO;
	}
	if (!r.failures) {
		snprintf(why, len, "the allocator still made order-%d blocks after %d tries", k,
			 SCEN_FLUSH_TRIES);
		return -EAGAIN;
	}
	if (strstr(s->c.reply, "truncated=1") || strstr(s->c.reply, "interrupted=1")) {
		snprintf(why, len, "a pin or drain step was cut short");
		return -EAGAIN;
	}
	return 0;
}

/* The same on every node. */
static inline int scen_build_unmovable(struct scenario *s, int k, char *why, size_t len)
{
	return scen_build_unmovable_node(s, k, -1, why, len);
}

/* The state most scenarios share: no free block of order >= 4 anywhere. */
static inline int scen_build_unmovable4(struct scenario *s, char *why, size_t len)
{
	return scen_build_unmovable(s, 4, why, len);
}

/* Whether the first try of the observed request met that state. */
static inline bool scen_first_try_below4(const struct scenario *s, char *why, size_t len)
{
	return scen_no_block_from(s, 0, 4, why, len);
}

/*
 * warn_alloc prints at most one report per 10 s (a ratelimit no one can
 * reset): wait until the last report logged is that old, so that a missing
 * report means the kernel chose not to print one.
 */
static inline void scen_wait_report_window(void)
{
	double age = health_since_last("page allocation failure");

	if (age >= 0 && age < 10.5)
		usleep((useconds_t)((10.5 - age) * 1e6));
}

/* Reports of the given order in an observation. */
static inline int scen_reports_of_order(const struct scen_obs *o, int order)
{
	int n = 0;

	for (size_t i = 0; i < o->reports.n; i++)
		n += o->reports.v[i].order == order;
	return n;
}

static inline const struct rp_report *scen_report(const struct scen_obs *o, int order)
{
	for (size_t i = 0; i < o->reports.n; i++)
		if (o->reports.v[i].order == order)
			return &o->reports.v[i];
	return NULL;
}

/* "compact_stall=+1 compact_fail=+1 ..." for the KTAP diagnostics. */
static inline void scen_format_delta(const struct scen_obs *o, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < SC_NR && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%+lld", i ? " " : "",
					 scen_counter_names[i], (long long)o->delta.v[i]);
}

/*
 * Record a step's counter deltas as metrics of the result file (directions:
 * scen_counter_better) and its warn_alloc reports, which are shown, not
 * judged: a report is the expected output of a step that provokes one.
 */
static inline void scen_record(struct scenario *s, const char *step, const struct scen_obs *o)
{
	char name[64];

	for (int i = 0; i < SC_NR; i++) {
		snprintf(name, sizeof(name), "%s.%s", step, scen_counter_names[i]);
		ftr_metric(s->res, name, (double)o->delta.v[i], "", scen_counter_better[i]);
	}
	snprintf(name, sizeof(name), "%s.reports", step);
	ftr_metric(s->res, name, (double)o->reports.n, "", FTR_NEUTRAL);
	if (o->builds) {
		snprintf(name, sizeof(name), "%s.state_builds", step);
		ftr_metric(s->res, name, o->builds, "", FTR_NEUTRAL);
	}
}

/* The number after key in line, or 0. */
static inline unsigned long scen_trace_field(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	unsigned long v = 0;

	if (p)
		sscanf(p + strlen(key), "%lu", &v);
	return v;
}

/*
 * Log what the trace instance holds about compaction and kswapd (with
 * trace_compaction_detail() enabled): every line but the per-pageblock
 * isolate/migrate ones, which are summed instead; at most max lines.
 */
static inline void scen_log_compaction(struct __test_metadata *_metadata,
				       const struct scenario *s, int max)
{
	unsigned long mcalls = 0, mscanned = 0, mtaken = 0, fcalls = 0, fscanned = 0;
	unsigned long ftaken = 0, migrated = 0, mfailed = 0;
	struct line_iter it;
	struct text_buf t;
	const char *l;
	size_t ll;
	int shown = 0;

	if (!s->trace.created || trace_read(&s->trace, &t))
		return;
	line_iter_init(&it, t.data, t.len);
	while (line_next(&it, &l, &ll)) {
		char ln[512];

		snprintf(ln, sizeof(ln), "%.*s", (int)ll, l);
		if (strstr(ln, "mm_compaction_isolate_migratepages:")) {
			mcalls++;
			mscanned += scen_trace_field(ln, "nr_scanned=");
			mtaken += scen_trace_field(ln, "nr_taken=");
		} else if (strstr(ln, "mm_compaction_isolate_freepages:")) {
			fcalls++;
			fscanned += scen_trace_field(ln, "nr_scanned=");
			ftaken += scen_trace_field(ln, "nr_taken=");
		} else if (strstr(ln, "mm_compaction_migratepages:")) {
			migrated += scen_trace_field(ln, "nr_migrated=");
			mfailed += scen_trace_field(ln, "nr_failed=");
		} else if ((strstr(ln, "mm_compaction_") || strstr(ln, "kswapd_")) &&
			   shown++ < max) {
			TH_LOG("trace: %s", ln);
		}
	}
	text_free(&t);
	TH_LOG("trace: migrate scanner %lu runs, %lu pages scanned, %lu isolated; free scanner %lu runs, %lu scanned, %lu isolated; %lu migrated, %lu failed",
	       mcalls, mscanned, mtaken, fcalls, fscanned, ftaken, migrated, mfailed);
}

/* The buddy state the module saw before a try, as KTAP diagnostics. */
#define SCEN_LOG_BUDDY(s, step) SCEN_LOG_BUDDY_OF((s)->c.reply, step)
#define SCEN_LOG_BUDDY_OF(reply, step) do { \
	struct ftc_buddy _b[16]; \
	int _n = ftc_parse_buddy((reply), (step), _b, 16); \
	for (int _i = 0; _i < _n; _i++) \
		TH_LOG("before try: node %d %-6s free %llu of %llu managed (%llu%%), min %llu, largest free order %d", \
		       _b[_i].node, _b[_i].zone, (unsigned long long)_b[_i].free, \
		       (unsigned long long)_b[_i].managed, \
		       (unsigned long long)(_b[_i].managed ? _b[_i].free * 100 / _b[_i].managed : 0), \
		       (unsigned long long)_b[_i].min, _b[_i].max_free_order); \
} while (0)

#endif
