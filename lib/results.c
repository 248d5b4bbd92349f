// SPDX-License-Identifier: GPL-2.0
/* Per-test result files; see results.h and docs/results.md. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "procfile.h"
#include "report_parse.h"
#include "results.h"

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *ftr_outcome_name(enum ftr_outcome o)
{
	switch (o) {
	case FTR_PASS: return "pass";
	case FTR_SKIP: return "skip";
	default: return "fail";
	}
}

static struct snapshot *take_snapshot(void)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	char err[256];

	if (s && snapshot_take(s, NULL, err, sizeof(err))) {
		free(s);
		return NULL;
	}
	return s;
}

static void drop_snapshot(struct snapshot **s)
{
	if (*s) {
		snapshot_free(*s);
		free(*s);
		*s = NULL;
	}
}

int ftr_begin(struct ftr_run *r, const char *test, unsigned int flags)
{
	const char *dir = getenv("FRAGTEST_RESULTS");
	int ret = 0;

	const char *profile = getenv("FRAGTEST_PROFILE");

	memset(r, 0, sizeof(*r));
	r->active = true;
	r->flags = flags;
	if (profile && *profile && strcmp(profile, "default")) {
		/*
		 * A run in another VM profile (scripts/vmtest-suite) is another
		 * test: "prog.fixture.case" becomes "prog@profile.fixture.case",
		 * as scripts/run-suite names the program.
		 */
		size_t plen = strcspn(test, ".");

		snprintf(r->test, sizeof(r->test), "%.*s@%s%s", (int)plen, test, profile,
			 test + plen);
	} else {
		snprintf(r->test, sizeof(r->test), "%s", test);
	}
	if (dir && *dir) {
		struct stat st;
		char name[sizeof(r->test)];

		/* the test name becomes a file name: keep it tame */
		for (size_t i = 0; i < sizeof(name); i++) {
			char c = r->test[i];

			name[i] = (c == '\0' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				   (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') ? c : '_';
			if (!c)
				break;
		}
		if (stat(dir, &st) || !S_ISDIR(st.st_mode))
			ret = -ENOTDIR;
		else if (!strcmp(name, "summary"))
			ret = -EINVAL;	/* would clobber the run's summary.json */
		else
			snprintf(r->path, sizeof(r->path), "%s/%s.json", dir, name);
	}
	r->wall_start = (int64_t)time(NULL);
	if (flags & FTR_SNAPSHOTS)
		r->before = take_snapshot();
	/* mark after the snapshot: reading /proc logs nothing, but keep the
	 * window the guard judges to the test itself
	 */
	health_mark(&r->health, r->test);
	r->t_start = now_mono();
	return ret;
}

/* The child of a shared run: let the parent take its copy while we wait. */
static int ask_parent_snapshot(struct ftr_run *r, bool after)
{
	char req = after ? 'a' : 'b', ack = 0;
	ssize_t n;

	do
		n = write(r->snap_req_fd, &req, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -EIO;
	do
		n = read(r->snap_ack_fd, &ack, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 && ack == 'k' ? 0 : -EIO;
}

int ftr_snapshot_now(struct ftr_run *r, bool after)
{
	struct snapshot **slot = after ? &r->after : &r->before;
	struct snapshot *s;

	if (!r->active || !(r->flags & FTR_SNAPSHOTS))
		return -EINVAL;
	s = take_snapshot();
	if (!s)
		return -EIO;
	/* in a shared run's child the old pointer may be the parent's copy:
	 * that one was duplicated by fork, so freeing it here is still ours
	 */
	drop_snapshot(slot);
	*slot = s;
	if (r->snap_parent && r->snap_parent != getpid())
		return ask_parent_snapshot(r, after);
	return 0;
}

void ftr_share_snapshots(struct ftr_run *r, int req_fd, int ack_fd)
{
	r->snap_parent = getpid();
	r->snap_req_fd = req_fd;
	r->snap_ack_fd = ack_fd;
}

int ftr_snapshot_replace(struct snapshot **slot)
{
	struct snapshot *s = take_snapshot();

	if (!s)
		return -EIO;
	drop_snapshot(slot);
	*slot = s;
	return 0;
}

void ftr_allow(struct ftr_run *r, const char *substring)
{
	if (r->active)
		health_allow(&r->health, substring);
}

static struct ftr_param *new_param(struct ftr_run *r, const char *key)
{
	struct ftr_param *p;

	if (!r->active || r->nr_params >= FTR_MAX_PARAMS)
		return NULL;
	p = &r->params[r->nr_params++];
	memset(p, 0, sizeof(*p));
	snprintf(p->key, sizeof(p->key), "%s", key);
	return p;
}

void ftr_param_str(struct ftr_run *r, const char *key, const char *value)
{
	struct ftr_param *p = new_param(r, key);

	if (p)
		snprintf(p->value, sizeof(p->value), "%s", value ? value : "");
}

void ftr_param_int(struct ftr_run *r, const char *key, int64_t value)
{
	struct ftr_param *p = new_param(r, key);

	if (p) {
		p->is_num = true;
		p->num = (double)value;
		snprintf(p->value, sizeof(p->value), "%lld", (long long)value);
	}
}

void ftr_param_double(struct ftr_run *r, const char *key, double value)
{
	struct ftr_param *p = new_param(r, key);

	if (p) {
		p->is_num = true;
		p->num = value;
		snprintf(p->value, sizeof(p->value), "%g", value);
	}
}

void ftr_metric(struct ftr_run *r, const char *name, double value, const char *unit,
		enum ftr_better better)
{
	struct ftr_metric *m;

	if (!r->active || r->nr_metrics >= FTR_MAX_METRICS || !isfinite(value))
		return;
	m = &r->metrics[r->nr_metrics++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "%s", unit ? unit : "");
	m->value = value;
	m->better = better;
}

void ftr_latency(struct ftr_run *r, const struct ftr_latency *lat)
{
	if (r->active && r->nr_latency < FTR_MAX_LATENCY)
		r->latency[r->nr_latency++] = *lat;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static uint64_t pct(const uint64_t *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);

	return v[rank ? rank - 1 : 0];
}

void ftr_latency_from_samples(struct ftr_latency *lat, uint64_t *ns, size_t n)
{
	long double sum = 0;
	int lo, hi;

	lat->have_ns = false;
	lat->nr_buckets = 0;
	if (!n)
		return;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += ns[i];
	lat->have_ns = true;
	lat->min_ns = ns[0];
	lat->max_ns = ns[n - 1];
	lat->p50_ns = pct(ns, n, 50);
	lat->p90_ns = pct(ns, n, 90);
	lat->p99_ns = pct(ns, n, 99);
	lat->mean_ns = (uint64_t)(sum / n);
	/* power-of-two buckets from the minimum's to the maximum's */
	lo = ns[0] ? 63 - __builtin_clzll(ns[0]) : 0;
	hi = ns[n - 1] ? 64 - __builtin_clzll(ns[n - 1]) : 1;
	if (hi - lo > FTR_MAX_BUCKETS)
		lo = hi - FTR_MAX_BUCKETS;
	for (int b = lo; b < hi; b++) {
		lat->le_ns[lat->nr_buckets] = b >= 63 ? UINT64_MAX : (1ull << (b + 1)) - 1;
		lat->count[lat->nr_buckets++] = 0;
	}
	for (size_t i = 0, b = 0; i < n; i++) {
		while (b + 1 < (size_t)lat->nr_buckets && ns[i] > lat->le_ns[b])
			b++;
		lat->count[b]++;
	}
}

void ftr_timeline_buffer(struct ftr_run *r, struct ftr_sample *buf, size_t cap)
{
	if (!r->active || r->nr_samples)
		return;
	if (!r->samples_fixed)
		free(r->samples);
	r->samples = buf;
	r->cap_samples = cap;
	r->samples_fixed = true;
}

void ftr_timeline_add(struct ftr_run *r, const struct snapshot *snap)
{
	struct ftr_sample *s;

	if (!r->active)
		return;
	if (!r->nr_samples) {
		r->nr_tl_zones = 0;
		r->tl_orders = 0;
		for (size_t z = 0; z < snap->buddy.nr_zones && z < FTR_TIMELINE_ZONES; z++) {
			const struct buddy_zone *bz = &snap->buddy.zones[z];

			snprintf(r->tl_zone[r->nr_tl_zones++], sizeof(r->tl_zone[0]), "%d/%s",
				 bz->node, bz->zone);
			if (bz->nr_orders > r->tl_orders)
				r->tl_orders = bz->nr_orders;
		}
	}
	if (r->nr_samples == r->cap_samples && r->samples_fixed)
		return;		/* the caller's buffer is full */
	if (r->nr_samples == r->cap_samples) {
		size_t cap = r->cap_samples ? r->cap_samples * 2 : 64;
		struct ftr_sample *n;

		if (cap > 100000)	/* a day at one sample a second is plenty */
			return;
		n = realloc(r->samples, cap * sizeof(*n));
		if (!n)
			return;
		r->samples = n;
		r->cap_samples = cap;
	}
	s = &r->samples[r->nr_samples++];
	memset(s, 0, sizeof(*s));
	s->t = snap->monotonic - r->t_start;
	/* match by name: a zone list never changes, but be safe */
	for (int z = 0; z < r->nr_tl_zones; z++) {
		for (size_t i = 0; i < snap->buddy.nr_zones; i++) {
			const struct buddy_zone *bz = &snap->buddy.zones[i];
			char name[64];

			snprintf(name, sizeof(name), "%d/%s", bz->node, bz->zone);
			if (strcmp(name, r->tl_zone[z]))
				continue;
			for (int o = 0; o < bz->nr_orders && o < FT_MAX_ORDERS; o++)
				s->free[z][o] = bz->free[o];
		}
	}
}

int ftr_timeline_sample(struct ftr_run *r)
{
	struct snapshot *s;

	if (!r->active)
		return -EINVAL;
	s = take_snapshot();
	if (!s)
		return -EIO;
	ftr_timeline_add(r, s);
	drop_snapshot(&s);
	return 0;
}

static void write_latency(struct json_writer *w, const struct ftr_latency *l)
{
	json_object_begin(w, NULL);
	json_string(w, "name", l->name);
	json_uint(w, "attempts", l->attempts);
	json_uint(w, "successes", l->successes);
	json_uint(w, "failures", l->failures);
	if (l->attempts)
		json_double(w, "success_rate", 100.0 * (double)l->successes / (double)l->attempts);
	if (l->failure_expected)
		json_bool(w, "failure_expected", true);
	if (l->have_ns) {
		json_uint(w, "min_ns", l->min_ns);
		json_uint(w, "p50_ns", l->p50_ns);
		if (l->p90_ns)
			json_uint(w, "p90_ns", l->p90_ns);
		json_uint(w, "p99_ns", l->p99_ns);
		json_uint(w, "max_ns", l->max_ns);
		json_uint(w, "mean_ns", l->mean_ns);
	}
	if (l->nr_buckets > 0) {
		json_array_begin(w, "histogram");
		for (int b = 0; b < l->nr_buckets && b < FTR_MAX_BUCKETS; b++) {
			json_object_begin(w, NULL);
			json_uint(w, "le_ns", l->le_ns[b]);
			json_uint(w, "count", l->count[b]);
			json_object_end(w);
		}
		json_array_end(w);
	}
	json_object_end(w);
}

static void write_report(struct json_writer *w, const struct rp_report *rp)
{
	json_object_begin(w, NULL);
	json_string(w, "comm", rp->comm);
	json_int(w, "pid", rp->pid);
	json_int(w, "order", rp->order);
	if (rp->have_mode) {
		char mode[16];

		snprintf(mode, sizeof(mode), "0x%x", rp->mode);
		json_string(w, "mode", mode);
	}
	if (rp->have_names)
		json_string(w, "mode_names", rp->mode_names);
	json_bool(w, "vmalloc", rp->vmalloc);
	if (rp->vmalloc_size >= 0)
		json_int(w, "vmalloc_size", rp->vmalloc_size);
	if (rp->nodemask[0])
		json_string(w, "nodemask", rp->nodemask);
	json_array_begin(w, "callers");
	for (int i = 0; i < rp->nr_callers; i++)
		json_string(w, NULL, rp->callers[i]);
	json_array_end(w);
	json_array_begin(w, "zones");
	for (int z = 0; z < rp->nr_zones; z++) {
		const struct rp_zone *zn = &rp->zones[z];

		json_object_begin(w, NULL);
		json_int(w, "node", zn->node);
		json_string(w, "zone", zn->name);
		json_int(w, "free_kb", zn->free_kb);
		json_int(w, "min_kb", zn->min_kb);
		json_int(w, "low_kb", zn->low_kb);
		json_int(w, "high_kb", zn->high_kb);
		if (zn->have_buddy) {
			json_array_begin(w, "buddy");
			for (int o = 0; o < zn->nr_buddy; o++)
				json_int(w, NULL, zn->buddy[o].count);
			json_array_end(w);
		}
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void write_health(struct json_writer *w, const struct health *h)
{
	char letters[32];

	json_object_begin(w, "health");
	json_bool(w, "ok", h->ok);
	json_bool(w, "kmsg", h->have_kmsg);
	json_string(w, "problem", h->problem);
	json_string(w, "excerpt", h->excerpt);
	json_uint(w, "taint_before", h->taint_before);
	json_uint(w, "taint_after", h->taint_after);
	json_uint(w, "taint_added", h->taint_added);
	health_taint_letters(h->taint_after, letters, sizeof(letters));
	json_string(w, "taint_letters", letters);
	json_bool(w, "log_wrapped", h->log_wrapped);
	json_object_end(w);
}

static void write_timeline(struct json_writer *w, const struct ftr_run *r)
{
	json_object_begin(w, "timeline");
	json_array_begin(w, "zones");
	for (int z = 0; z < r->nr_tl_zones; z++)
		json_string(w, NULL, r->tl_zone[z]);
	json_array_end(w);
	json_int(w, "orders", r->tl_orders);
	json_array_begin(w, "samples");
	for (size_t i = 0; i < r->nr_samples; i++) {
		const struct ftr_sample *s = &r->samples[i];

		json_object_begin(w, NULL);
		json_double(w, "t", s->t);
		json_array_begin(w, "free");
		for (int z = 0; z < r->nr_tl_zones; z++) {
			json_array_begin(w, NULL);
			for (int o = 0; o < r->tl_orders; o++)
				json_uint(w, NULL, s->free[z][o]);
			json_array_end(w);
		}
		json_array_end(w);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static int write_file(struct ftr_run *r, enum ftr_outcome test_outcome,
		      enum ftr_outcome outcome, const char *reason, const struct rp_list *reports)
{
	char tmp[sizeof(r->path) + 16];
	struct json_writer w;
	FILE *f;
	int ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", r->path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	json_init(&w, f, true);
	json_object_begin(&w, NULL);
	json_int(&w, "schema_version", FTR_SCHEMA_VERSION);
	json_string(&w, "kind", "fragtest-test");
	json_string(&w, "test", r->test);
	json_string(&w, "outcome", ftr_outcome_name(outcome));
	json_string(&w, "test_outcome", ftr_outcome_name(test_outcome));
	json_string(&w, "reason", reason ? reason : "");
	json_string(&w, "verdict", r->verdict);
	json_int(&w, "start_time", r->wall_start);
	json_double(&w, "duration_s", r->t_end - r->t_start);
	if (r->before)
		json_string(&w, "kernel_release", r->before->release);
	json_object_begin(&w, "parameters");
	for (int i = 0; i < r->nr_params; i++) {
		if (r->params[i].is_num)
			json_double(&w, r->params[i].key, r->params[i].num);
		else
			json_string(&w, r->params[i].key, r->params[i].value);
	}
	json_object_end(&w);
	json_object_begin(&w, "metrics");
	for (int i = 0; i < r->nr_metrics; i++) {
		const struct ftr_metric *m = &r->metrics[i];

		json_object_begin(&w, m->name);
		json_double(&w, "value", m->value);
		json_string(&w, "unit", m->unit);
		json_string(&w, "better", m->better == FTR_HIGHER ? "higher" :
			    m->better == FTR_LOWER ? "lower" : "none");
		json_object_end(&w);
	}
	json_object_end(&w);
	json_array_begin(&w, "latency");
	for (int i = 0; i < r->nr_latency; i++)
		write_latency(&w, &r->latency[i]);
	json_array_end(&w);
	write_health(&w, &r->health);
	json_object_begin(&w, "alloc_failures");
	json_int(&w, "count", r->nr_reports);
	json_array_begin(&w, "reports");
	for (size_t i = 0; reports && i < reports->n && i < FTR_MAX_REPORTS; i++)
		write_report(&w, &reports->v[i]);
	json_array_end(&w);
	json_object_end(&w);
	if (r->before)
		snapshot_write_json(&w, "before", r->before);
	if (r->after)
		snapshot_write_json(&w, "after", r->after);
	if (r->before && r->after)
		snapshot_delta_write_json(&w, "delta", r->before, r->after);
	if (r->nr_samples)
		write_timeline(&w, r);
	json_object_end(&w);
	json_finish(&w);
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, r->path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

enum ftr_outcome ftr_end(struct ftr_run *r, enum ftr_outcome outcome, const char *reason)
{
	enum ftr_outcome final = outcome;
	struct rp_list reports = { 0 };
	bool have_reports = false;

	if (!r->active)
		return outcome;
	r->t_end = now_mono();
	health_check(&r->health);
	if ((r->flags & FTR_SNAPSHOTS) && !r->after)
		r->after = take_snapshot();
	if (r->health.log_len && !rp_parse(r->health.log, r->health.log_len, &reports))
		have_reports = true;
	r->nr_reports = have_reports ? (int)reports.n : 0;
	if (!r->health.ok) {
		final = FTR_FAIL;
		snprintf(r->verdict, sizeof(r->verdict), "health guard: %s", r->health.problem);
	} else if ((r->flags & FTR_ALLOC_FAILS_TEST) && r->nr_reports) {
		final = FTR_FAIL;
		snprintf(r->verdict, sizeof(r->verdict),
			 "%d page allocation failure report(s) in the kernel log", r->nr_reports);
	} else {
		snprintf(r->verdict, sizeof(r->verdict), "%s%s%s", ftr_outcome_name(outcome),
			 reason ? ": " : "", reason ? reason : "");
	}
	if (r->path[0]) {
		int ret = write_file(r, outcome, final, reason, have_reports ? &reports : NULL);

		if (ret)
			fprintf(stderr, "fragtest: cannot write %s: %s\n", r->path, strerror(-ret));
	}
	rp_free(&reports);
	health_free(&r->health);
	drop_snapshot(&r->before);
	drop_snapshot(&r->after);
	if (!r->samples_fixed)
		free(r->samples);
	r->samples = NULL;
	r->nr_samples = r->cap_samples = 0;
	r->samples_fixed = false;
	r->active = false;
	return final;
}

/* ---- reading runs back ---- */

static struct ftr_test *add_test(struct ftr_loaded_run *run, const char *name)
{
	struct ftr_test *t;

	for (size_t i = 0; i < run->nr_tests; i++)
		if (!strcmp(run->tests[i].name, name))
			return &run->tests[i];
	if (run->nr_tests >= 100000)
		return NULL;
	t = realloc(run->tests, (run->nr_tests + 1) * sizeof(*t));
	if (!t)
		return NULL;
	run->tests = t;
	t = &run->tests[run->nr_tests++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->duration = -1;
	return t;
}

/* "ok 3 name # SKIP why" (after any "# " nesting was removed). */
static bool ktap_result(const char *line, bool *ok, char *name, size_t nlen,
			char *directive, size_t dlen)
{
	const char *p = line, *hash;
	size_t n;

	*ok = true;
	if (!strncmp(p, "not ok ", 7)) {
		*ok = false;
		p += 7;
	} else if (!strncmp(p, "ok ", 3)) {
		p += 3;
	} else {
		return false;
	}
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != ' ')
		return false;
	p++;
	hash = strstr(p, " # ");
	n = hash ? (size_t)(hash - p) : strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
		n--;
	if (!n)
		return false;
	snprintf(name, nlen, "%.*s", (int)n, p);
	snprintf(directive, dlen, "%s", hash ? hash + 3 : "");
	n = strlen(directive);
	while (n && (directive[n - 1] == '\r' || directive[n - 1] == ' '))
		directive[--n] = '\0';
	return true;
}

static void set_outcome(struct ftr_test *t, bool ok, const char *directive)
{
	const char *time;

	if (!strncmp(directive, "SKIP", 4)) {
		snprintf(t->outcome, sizeof(t->outcome), "skip");
		snprintf(t->reason, sizeof(t->reason), "%s", directive[4] ? directive + 5 : "");
	} else {
		snprintf(t->outcome, sizeof(t->outcome), ok ? "pass" : "fail");
		snprintf(t->reason, sizeof(t->reason), "%s", directive);
	}
	time = strstr(directive, "time=");
	if (time)
		t->duration = strtod(time + 5, NULL);
}

int ftr_parse_ktap(const char *text, size_t len, struct ftr_loaded_run *run)
{
	char program[128] = "", line[1024], name[256], directive[512];
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *l = line;
		int depth = 0;
		bool ok;

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		p += n + (nl ? 1 : 0);
		while (!strncmp(l, "# ", 2)) {
			l += 2;
			depth++;
		}
		/* the runner's header names the program whose cases follow */
		if (depth == 1 && !strncmp(l, "selftests: fragtest: ", 21)) {
			snprintf(program, sizeof(program), "%s", l + 21);
			continue;
		}
		if (depth > 1 || !ktap_result(l, &ok, name, sizeof(name), directive, sizeof(directive)))
			continue;
		if (depth == 0) {
			struct ftr_test *t;
			const char *base = strncmp(name, "selftests: fragtest: ", 21) ? name : name + 21;

			t = add_test(run, base);
			if (!t)
				return -ENOMEM;
			t->is_program = true;
			set_outcome(t, ok, directive);
			if (!strncmp(directive, "TIMEOUT", 7) || !strncmp(directive, "exit=", 5))
				snprintf(t->reason, sizeof(t->reason), "%s", directive);
		} else if (program[0]) {
			char id[sizeof(run->tests[0].name)];
			struct ftr_test *t;

			snprintf(id, sizeof(id), "%.63s.%.120s", program, name);
			t = add_test(run, id);
			if (!t)
				return -ENOMEM;
			set_outcome(t, ok, directive);
		}
	}
	return 0;
}

static int cmp_test(const void *a, const void *b)
{
	return strcmp(((const struct ftr_test *)a)->name, ((const struct ftr_test *)b)->name);
}

static void load_test_json(struct ftr_loaded_run *run, const char *path)
{
	struct jr_value *doc = calloc(1, sizeof(*doc));
	char err[400];
	const char *name, *outcome;
	struct ftr_test *t;

	if (!doc)
		return;
	if (jr_parse_file(path, doc, err, sizeof(err))) {
		if (!run->nr_bad_files++)
			snprintf(run->bad_file, sizeof(run->bad_file), "%s", err);
		free(doc);
		return;
	}
	name = jr_str(jr_get(doc, "test"), NULL);
	outcome = jr_str(jr_get(doc, "outcome"), NULL);
	if (strcmp(jr_str(jr_get(doc, "kind"), ""), "fragtest-test") || !name || !outcome ||
	    (strcmp(outcome, "pass") && strcmp(outcome, "fail") && strcmp(outcome, "skip"))) {
		/* some other JSON: not ours to judge */
		jr_free(doc);
		free(doc);
		return;
	}
	t = add_test(run, name);
	if (!t) {
		jr_free(doc);
		free(doc);
		return;
	}
	if (t->doc) {
		jr_free(t->doc);
		free(t->doc);
	}
	t->doc = doc;
	snprintf(t->outcome, sizeof(t->outcome), "%s", outcome);
	snprintf(t->reason, sizeof(t->reason), "%s", jr_str(jr_get(doc, "verdict"), ""));
	t->duration = jr_num(jr_get(doc, "duration_s"), -1);
}

int ftr_load_run(const char *dir, struct ftr_loaded_run *run, char *err, size_t errlen)
{
	char path[4352], resolved[4096];
	struct text_buf ktap;
	struct dirent **ents = NULL;
	int n;
	bool have_ktap = false;

	memset(run, 0, sizeof(*run));
	if (!realpath(dir, resolved)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(run->dir, sizeof(run->dir), "%s", resolved);
	snprintf(path, sizeof(path), "%s/summary.json", run->dir);
	if (!access(path, F_OK)) {
		char jerr[400];

		if (jr_parse_file(path, &run->summary, jerr, sizeof(jerr))) {
			snprintf(err, errlen, "%s", jerr);
			return -1;
		}
		run->have_summary = true;
	}
	snprintf(path, sizeof(path), "%s/ktap.log", run->dir);
	if (!text_read_file(path, &ktap)) {
		have_ktap = true;
		if (ftr_parse_ktap(ktap.data, ktap.len, run)) {
			text_free(&ktap);
			snprintf(err, errlen, "%s: out of memory", path);
			ftr_free_run(run);
			return -1;
		}
		text_free(&ktap);
	}
	n = scandir(run->dir, &ents, NULL, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", run->dir, strerror(errno));
		ftr_free_run(run);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > 5 && !strcmp(ents[i]->d_name + l - 5, ".json") &&
		    strcmp(ents[i]->d_name, "summary.json")) {
			snprintf(path, sizeof(path), "%s/%s", run->dir, ents[i]->d_name);
			load_test_json(run, path);
		}
		free(ents[i]);
	}
	free(ents);
	if (!have_ktap && !run->have_summary && !run->nr_tests) {
		snprintf(err, errlen, "%s: not a fragtest results directory (no ktap.log, "
			 "summary.json or test JSON)", run->dir);
		ftr_free_run(run);
		return -1;
	}
	qsort(run->tests, run->nr_tests, sizeof(run->tests[0]), cmp_test);
	/* release: the summary's, a test's, else results/<release>/<timestamp> */
	snprintf(run->release, sizeof(run->release), "%s",
		 jr_str(jr_get(&run->summary, "kernel_release"), ""));
	for (size_t i = 0; !run->release[0] && i < run->nr_tests; i++)
		if (run->tests[i].doc)
			snprintf(run->release, sizeof(run->release), "%s",
				 jr_str(jr_get(run->tests[i].doc, "kernel_release"), ""));
	if (!run->release[0]) {
		char *slash = strrchr(resolved, '/');

		if (slash && slash != resolved) {
			*slash = '\0';
			slash = strrchr(resolved, '/');
			snprintf(run->release, sizeof(run->release), "%.127s", slash ? slash + 1 : resolved);
		}
	}
	return 0;
}

void ftr_free_run(struct ftr_loaded_run *run)
{
	for (size_t i = 0; i < run->nr_tests; i++) {
		if (run->tests[i].doc) {
			jr_free(run->tests[i].doc);
			free(run->tests[i].doc);
		}
	}
	free(run->tests);
	jr_free(&run->summary);
	memset(run, 0, sizeof(*run));
}

const struct ftr_test *ftr_find_test(const struct ftr_loaded_run *run, const char *name)
{
	for (size_t i = 0; i < run->nr_tests; i++)
		if (!strcmp(run->tests[i].name, name))
			return &run->tests[i];
	return NULL;
}
