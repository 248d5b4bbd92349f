// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest compare A B: two result directories side by side (typically two
 * kernels, or one kernel before and after a change). Per test: outcome
 * changes; per metric, latency statistic and success rate: both values and
 * the change in %, flagged as a regression beyond the thresholds; the
 * counter deltas of both runs. Exit status 1 when a regression is found.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "results.h"

struct thresholds {
	double metric_pct;	/* metrics with a direction */
	double latency_pct;	/* p50/p99 increase */
	double min_latency_ns;	/* ignore latency changes smaller than this */
	double success_points;	/* success-rate drop in percentage points */
	double min_samples;	/* fewer attempts: percentiles shown, not judged */
};

/* Counters shown by default: the allocator's effort and outcome. */
static const char *const key_counters[] = {
	"compact_stall", "compact_fail", "compact_success", "compact_migrate_scanned",
	"compact_free_scanned", "compact_isolated", "compact_daemon_wake",
	"kcompactd_wake", "allocstall_dma32", "allocstall_normal", "allocstall_movable",
	"pgmigrate_success", "pgmigrate_fail", "pgsteal_kswapd", "pgsteal_direct",
	"pgscan_kswapd", "pgscan_direct", "kswapd_low_wmark_hit_quickly",
	"kswapd_high_wmark_hit_quickly", "pageoutrun", "thp_fault_alloc",
	"thp_fault_fallback", "oom_kill",
};

enum change { SAME, IMPROVED, REGRESSED, CHANGED, ONLY_A, ONLY_B };

static const char *change_name(enum change c)
{
	static const char *const n[] = { "same", "improvement", "regression", "changed",
					 "only_a", "only_b" };
	return n[c];
}

struct ctx {
	const struct ftr_loaded_run *a, *b;
	struct thresholds th;
	bool json, all_counters, judge_p99;
	int rows;		/* rows printed in the current section */
	struct json_writer w;
	int regressions, improvements;
	int name_w;
};

static int outcome_rank(const char *o)
{
	return !strcmp(o, "pass") ? 2 : !strcmp(o, "skip") ? 1 : 0;
}

static enum change outcome_change(const struct ftr_test *ta, const struct ftr_test *tb)
{
	if (!ta)
		return ONLY_B;
	if (!tb)
		return ONLY_A;
	if (!strcmp(ta->outcome, tb->outcome))
		return SAME;
	/* a new failure is a regression; pass <-> skip only changes coverage */
	if (!strcmp(tb->outcome, "fail"))
		return REGRESSED;
	if (!strcmp(ta->outcome, "fail"))
		return IMPROVED;
	return outcome_rank(tb->outcome) > outcome_rank(ta->outcome) ? IMPROVED : CHANGED;
}

static double pct_change(double a, double b)
{
	if (a == b)
		return 0;
	if (a == 0)
		return b > 0 ? INFINITY : -INFINITY;
	return 100.0 * (b - a) / fabs(a);
}

static void fmt_pct(char *buf, size_t len, double p)
{
	if (isinf(p))
		snprintf(buf, len, "%s", p > 0 ? "+inf" : "-inf");
	else
		snprintf(buf, len, "%+.1f%%", p);
}

static void fmt_num(char *buf, size_t len, double v)
{
	if (fabs(v) >= 1e6 || v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

static void flag(struct ctx *c, enum change ch)
{
	if (ch == REGRESSED)
		c->regressions++;
	else if (ch == IMPROVED)
		c->improvements++;
}

static const char *mark(enum change ch)
{
	return ch == REGRESSED ? "  REGRESSION" : ch == IMPROVED ? "  improved" : "";
}

/* Collects the union of test names of both runs in order. */
static const char **test_union(const struct ctx *c, size_t *n)
{
	const char **names = malloc((c->a->nr_tests + c->b->nr_tests + 1) * sizeof(*names));
	size_t i = 0, j = 0, k = 0;

	if (!names)
		return NULL;
	while (i < c->a->nr_tests || j < c->b->nr_tests) {
		int cmp = i >= c->a->nr_tests ? 1 : j >= c->b->nr_tests ? -1 :
			  strcmp(c->a->tests[i].name, c->b->tests[j].name);

		if (cmp <= 0)
			names[k++] = c->a->tests[i].name;
		else
			names[k++] = c->b->tests[j].name;
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
	*n = k;
	return names;
}

static void section_end(struct ctx *c, const char *hint)
{
	if (!c->json && !c->rows)
		printf("  (none%s)\n", hint);
}

static void section(struct ctx *c, const char *title, const char *cols)
{
	c->rows = 0;
	if (!c->json)
		printf("\n%s\n  %-*s %s\n", title, c->name_w, "", cols);
}

static void do_outcomes(struct ctx *c, const char **names, size_t n)
{
	if (c->json)
		json_array_begin(&c->w, "tests");
	else
		section(c, "Outcomes", "A          B");
	for (size_t i = 0; i < n; i++) {
		const struct ftr_test *ta = ftr_find_test(c->a, names[i]);
		const struct ftr_test *tb = ftr_find_test(c->b, names[i]);
		enum change ch = outcome_change(ta, tb);

		flag(c, ch);
		if (c->json) {
			json_object_begin(&c->w, NULL);
			json_string(&c->w, "test", names[i]);
			if (ta)
				json_string(&c->w, "a", ta->outcome);
			else
				json_null(&c->w, "a");
			if (tb)
				json_string(&c->w, "b", tb->outcome);
			else
				json_null(&c->w, "b");
			json_string(&c->w, "change", change_name(ch));
			if (tb && ch == REGRESSED)
				json_string(&c->w, "reason", tb->reason);
			json_object_end(&c->w);
			continue;
		}
		printf("  %-*s %-10s %-10s%s%s\n", c->name_w, names[i], ta ? ta->outcome : "-",
		       tb ? tb->outcome : "-", mark(ch),
		       ch == ONLY_A ? "  (missing in B)" : ch == ONLY_B ? "  (new in B)" :
		       ch == CHANGED ? "  (coverage changed)" : "");
		if (ch == REGRESSED && tb->reason[0])
			printf("  %-*s   B: %s\n", c->name_w, "", tb->reason);
	}
	if (c->json)
		json_array_end(&c->w);
}

/* One compared number: row in text, object in JSON. */
static void row(struct ctx *c, const char *test, const char *what, const char *unit,
		double va, double vb, enum change ch, bool points)
{
	char sa[32], sb[32], sp[32], label[256];
	double p = points ? vb - va : pct_change(va, vb);

	flag(c, ch);
	c->rows++;
	if (c->json) {
		json_object_begin(&c->w, NULL);
		json_string(&c->w, "test", test);
		json_string(&c->w, "name", what);
		json_string(&c->w, "unit", unit);
		json_double(&c->w, "a", va);
		json_double(&c->w, "b", vb);
		if (points)
			json_double(&c->w, "change_points", p);
		else if (isfinite(p))
			json_double(&c->w, "change_pct", p);
		else
			json_null(&c->w, "change_pct");
		json_string(&c->w, "change", change_name(ch));
		json_object_end(&c->w);
		return;
	}
	fmt_num(sa, sizeof(sa), va);
	fmt_num(sb, sizeof(sb), vb);
	if (points)
		snprintf(sp, sizeof(sp), "%+.1f pt", p);
	else
		fmt_pct(sp, sizeof(sp), p);
	snprintf(label, sizeof(label), "%s %s%s%s%s", test, what, unit[0] ? " (" : "", unit,
		 unit[0] ? ")" : "");
	printf("  %-*s %12s %12s %10s%s\n", c->name_w, label, sa, sb, sp, mark(ch));
}

static enum change judge(double va, double vb, const char *better, double threshold)
{
	double p = pct_change(va, vb);

	if (!strcmp(better, "higher"))
		p = -p;
	else if (strcmp(better, "lower"))
		return va == vb ? SAME : CHANGED;
	/* p > 0: worse by p % */
	if (p > threshold)
		return REGRESSED;
	if (p < -threshold)
		return IMPROVED;
	return SAME;
}

static void do_metrics(struct ctx *c, const char **names, size_t n)
{
	if (c->json)
		json_array_begin(&c->w, "metrics");
	else
		section(c, "Metrics", "           A            B     change");
	for (size_t i = 0; i < n; i++) {
		const struct ftr_test *ta = ftr_find_test(c->a, names[i]);
		const struct ftr_test *tb = ftr_find_test(c->b, names[i]);
		const struct jr_value *ma, *mb;

		if (!ta || !tb || !ta->doc || !tb->doc)
			continue;
		ma = jr_get(ta->doc, "metrics");
		mb = jr_get(tb->doc, "metrics");
		if (!jr_is(ma, JR_OBJECT) || !jr_is(mb, JR_OBJECT))
			continue;
		for (size_t k = 0; k < ma->n; k++) {
			const struct jr_value *xb = jr_get(mb, ma->keys[k]);
			const struct jr_value *xa = &ma->items[k];
			double va = jr_num(jr_get(xa, "value"), NAN), vb = jr_num(jr_get(xb, "value"), NAN);
			const char *better = jr_str(jr_get(xa, "better"), "none");

			if (isnan(va) || isnan(vb))
				continue;
			row(c, names[i], ma->keys[k], jr_str(jr_get(xa, "unit"), ""), va, vb,
			    judge(va, vb, better, c->th.metric_pct), false);
		}
	}
	if (c->json)
		json_array_end(&c->w);
	section_end(c, ": no test recorded metrics in both runs");
}

static const struct jr_value *find_latency(const struct jr_value *doc, const char *name)
{
	const struct jr_value *arr = jr_get(doc, "latency");

	for (size_t i = 0; arr && i < arr->n; i++)
		if (!strcmp(jr_str(jr_get(jr_at(arr, i), "name"), ""), name))
			return jr_at(arr, i);
	return NULL;
}

static bool failure_expected(const struct jr_value *lat)
{
	const struct jr_value *v = jr_get(lat, "failure_expected");

	return jr_is(v, JR_BOOL) && v->boolean;
}

static void do_latency(struct ctx *c, const char **names, size_t n)
{
	static const char *const fields[] = { "p50_ns", "p90_ns", "p99_ns" };

	if (c->json)
		json_array_begin(&c->w, "latency");
	else
		section(c, "Allocation latency and success rates", "           A            B     change");
	for (size_t i = 0; i < n; i++) {
		const struct ftr_test *ta = ftr_find_test(c->a, names[i]);
		const struct ftr_test *tb = ftr_find_test(c->b, names[i]);
		const struct jr_value *arr;

		if (!ta || !tb || !ta->doc || !tb->doc)
			continue;
		arr = jr_get(ta->doc, "latency");
		for (size_t k = 0; arr && k < arr->n; k++) {
			const struct jr_value *la = jr_at(arr, k);
			const char *lname = jr_str(jr_get(la, "name"), "");
			const struct jr_value *lb = find_latency(tb->doc, lname);
			char what[160];
			double va, vb;
			bool few;

			if (!lb)
				continue;
			va = jr_num(jr_get(la, "success_rate"), NAN);
			vb = jr_num(jr_get(lb, "success_rate"), NAN);
			if (!isnan(va) && !isnan(vb)) {
				enum change ch = va - vb > c->th.success_points ? REGRESSED :
						 vb - va > c->th.success_points ? IMPROVED : SAME;

				/* a probe meant to fail: more successes is not better */
				if (ch != SAME && (failure_expected(la) || failure_expected(lb)))
					ch = CHANGED;

				snprintf(what, sizeof(what), "%s success", lname);
				row(c, names[i], what, "%", va, vb, ch, true);
			}
			/* a percentile of a handful of samples is one sample's noise */
			few = jr_num(jr_get(la, "attempts"), 0) < c->th.min_samples ||
			      jr_num(jr_get(lb, "attempts"), 0) < c->th.min_samples;
			for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
				enum change ch;

				va = jr_num(jr_get(la, fields[f]), NAN);
				vb = jr_num(jr_get(lb, fields[f]), NAN);
				if (isnan(va) || isnan(vb))
					continue;
				ch = judge(va, vb, "lower", c->th.latency_pct);
				if (ch != SAME && fabs(vb - va) < c->th.min_latency_ns)
					ch = SAME;
				/* the tail is the noisiest number: shown, judged on request */
				if (!strcmp(fields[f], "p99_ns") && !c->judge_p99 && ch != SAME)
					ch = CHANGED;
				if (few && ch != SAME)
					ch = CHANGED;
				snprintf(what, sizeof(what), "%s %.3s", lname, fields[f]);
				row(c, names[i], what, "ns", va, vb, ch, false);
			}
		}
	}
	if (c->json)
		json_array_end(&c->w);
	section_end(c, ": no test recorded latency in both runs");
}

static bool key_counter(const char *name)
{
	for (size_t i = 0; i < sizeof(key_counters) / sizeof(key_counters[0]); i++)
		if (!strcmp(name, key_counters[i]))
			return true;
	return false;
}

static void counter_row(struct ctx *c, const char *test, const char *name,
			const struct jr_value *da, const struct jr_value *db)
{
	double va = jr_num(jr_get(da, name), 0), vb = jr_num(jr_get(db, name), 0);

	if (!c->all_counters && !key_counter(name))
		return;
	/* counters describe, they do not judge: never flagged */
	row(c, test, name, "", va, vb, va == vb ? SAME : CHANGED, false);
}

static void do_counters(struct ctx *c, const char **names, size_t n)
{
	if (c->json)
		json_array_begin(&c->w, "counters");
	else
		section(c, "Counter deltas during each test (/proc/vmstat)",
			"           A            B     change");
	for (size_t i = 0; i < n; i++) {
		const struct ftr_test *ta = ftr_find_test(c->a, names[i]);
		const struct ftr_test *tb = ftr_find_test(c->b, names[i]);
		const struct jr_value *da, *db;

		if (!ta || !tb || !ta->doc || !tb->doc)
			continue;
		da = jr_path(ta->doc, "delta.vmstat");
		db = jr_path(tb->doc, "delta.vmstat");
		if (!jr_is(da, JR_OBJECT) || !jr_is(db, JR_OBJECT))
			continue;
		for (size_t k = 0; k < da->n; k++)
			counter_row(c, names[i], da->keys[k], da, db);
		for (size_t k = 0; k < db->n; k++)
			if (!jr_get(da, db->keys[k]))
				counter_row(c, names[i], db->keys[k], da, db);
	}
	if (c->json)
		json_array_end(&c->w);
	section_end(c, c->all_counters ? "" : " of the key counters moved; --all-counters for all");
}

static void totals(const struct ftr_loaded_run *r, int *pass, int *fail, int *skip)
{
	*pass = *fail = *skip = 0;
	for (size_t i = 0; i < r->nr_tests; i++) {
		const char *o = r->tests[i].outcome;

		*pass += !strcmp(o, "pass");
		*fail += !strcmp(o, "fail");
		*skip += !strcmp(o, "skip");
	}
}

static void run_header(struct ctx *c, const char *key, const struct ftr_loaded_run *r)
{
	int p, f, s;
	const char *cfg = jr_str(jr_get(&r->summary, "config_hash"), "");
	const char *machine = jr_str(jr_path(&r->summary, "machine.hostname"), "");

	totals(r, &p, &f, &s);
	if (c->json) {
		json_object_begin(&c->w, key);
		json_string(&c->w, "dir", r->dir);
		json_string(&c->w, "kernel_release", r->release);
		json_string(&c->w, "config_hash", cfg);
		json_int(&c->w, "tests", (int64_t)r->nr_tests);
		json_int(&c->w, "pass", p);
		json_int(&c->w, "fail", f);
		json_int(&c->w, "skip", s);
		json_object_end(&c->w);
		return;
	}
	printf("%s: %s\n   kernel %s%s%.16s%s%s  tests %zu: pass %d, fail %d, skip %d\n", key,
	       r->dir, r->release, cfg[0] ? "  config " : "", cfg, machine[0] ? "  on " : "",
	       machine, r->nr_tests, p, f, s);
	if (r->nr_bad_files)
		printf("   warning: %zu result file(s) unreadable, first: %s\n", r->nr_bad_files,
		       r->bad_file);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest compare [options] A B\n"
		"  A, B                   result directories (results/<release>/<timestamp>)\n"
		"  --json                 machine-readable output\n"
		"  --threshold PCT        metric change flagged as a regression (default 10)\n"
		"  --latency-threshold PCT  p50/p90 increase flagged (default 50)\n"
		"  --judge-p99            flag p99 increases too (shown, not judged, by default)\n"
		"  --min-latency-ns NS    ignore latency changes smaller than NS (default 10000)\n"
		"  --success-threshold PT success-rate drop in points flagged (default 5)\n"
		"  --min-samples N        judge latency only over at least N attempts in both runs\n"
		"                         (default 10; fewer are shown, not judged)\n"
		"  --all-counters         every vmstat counter that moved, not only the key ones\n"
		"exit status: 0 no regression, 1 regression found, 2 usage or unreadable input\n");
}

static bool parse_nonneg(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < 0)
		return false;
	*out = v;
	return true;
}

int cmd_compare(int argc, char **argv)
{
	enum { O_JSON = 256, O_TH, O_LAT, O_MINLAT, O_SUCC, O_ALL, O_P99, O_MINS };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "threshold", required_argument, NULL, O_TH },
		{ "latency-threshold", required_argument, NULL, O_LAT },
		{ "min-latency-ns", required_argument, NULL, O_MINLAT },
		{ "success-threshold", required_argument, NULL, O_SUCC },
		{ "all-counters", no_argument, NULL, O_ALL },
		{ "judge-p99", no_argument, NULL, O_P99 },
		{ "min-samples", required_argument, NULL, O_MINS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { .th = { 10, 50, 10000, 5, 10 } };
	struct ftr_loaded_run a, b;
	const char **names;
	char err[600];
	size_t n;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		double *dst = NULL;

		switch (opt) {
		case O_JSON: c.json = true; break;
		case O_ALL: c.all_counters = true; break;
		case O_P99: c.judge_p99 = true; break;
		case O_TH: dst = &c.th.metric_pct; break;
		case O_LAT: dst = &c.th.latency_pct; break;
		case O_MINLAT: dst = &c.th.min_latency_ns; break;
		case O_SUCC: dst = &c.th.success_points; break;
		case O_MINS: dst = &c.th.min_samples; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (dst && !parse_nonneg(optarg, dst)) {
			fprintf(stderr, "fragtest compare: '%s' is not a non-negative number\n", optarg);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	if (ftr_load_run(argv[optind], &a, err, sizeof(err))) {
		fprintf(stderr, "fragtest compare: %s\n", err);
		return 2;
	}
	if (ftr_load_run(argv[optind + 1], &b, err, sizeof(err))) {
		fprintf(stderr, "fragtest compare: %s\n", err);
		ftr_free_run(&a);
		return 2;
	}
	c.a = &a;
	c.b = &b;
	names = test_union(&c, &n);
	if (!names) {
		fprintf(stderr, "fragtest compare: out of memory\n");
		ftr_free_run(&a);
		ftr_free_run(&b);
		return 2;
	}
	/* room for the longest id plus a metric name, within reason */
	c.name_w = 30;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(names[i]) > c.name_w)
			c.name_w = (int)strlen(names[i]);
	c.name_w = c.name_w > 90 ? 92 : c.name_w + 2;
	if (c.json) {
		json_init(&c.w, stdout, true);
		json_object_begin(&c.w, NULL);
		json_int(&c.w, "schema_version", FTR_SCHEMA_VERSION);
		json_string(&c.w, "kind", "fragtest-compare");
		json_object_begin(&c.w, "thresholds");
		json_double(&c.w, "metric_pct", c.th.metric_pct);
		json_double(&c.w, "latency_pct", c.th.latency_pct);
		json_double(&c.w, "min_latency_ns", c.th.min_latency_ns);
		json_double(&c.w, "success_points", c.th.success_points);
		json_double(&c.w, "min_samples", c.th.min_samples);
		json_bool(&c.w, "judge_p99", c.judge_p99);
		json_object_end(&c.w);
	} else {
		printf("fragtest compare (regression: metric worse by >%g%%, p50/p90 latency up by "
		       ">%g%% and >%gns over >=%g attempts, success rate down by >%g points)\n",
		       c.th.metric_pct, c.th.latency_pct, c.th.min_latency_ns, c.th.min_samples,
		       c.th.success_points);
	}
	run_header(&c, "A", &a);
	run_header(&c, "B", &b);
	do_outcomes(&c, names, n);
	do_metrics(&c, names, n);
	do_latency(&c, names, n);
	do_counters(&c, names, n);
	if (c.json) {
		json_int(&c.w, "regressions", c.regressions);
		json_int(&c.w, "improvements", c.improvements);
		json_object_end(&c.w);
		json_finish(&c.w);
	} else {
		printf("\n%d regression(s), %d improvement(s) over %zu test(s)\n", c.regressions,
		       c.improvements, n);
	}
	free(names);
	ftr_free_run(&a);
	ftr_free_run(&b);
	return c.regressions ? 1 : 0;
}
