// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest report RESULTS_DIR: one self-contained HTML file (inline CSS and
 * SVG drawn here, no scripts, no network) with the run's outcomes, free
 * blocks per order per zone over time as a heatmap, counter deltas,
 * allocation latency histograms and the parsed allocation failure reports.
 *
 * fragtest report --write-summary RESULTS_DIR [KEY=VALUE...] writes the run's
 * summary.json instead (used by scripts/vmtest-suite): the totals come from
 * the directory, the rest from KEY=VALUE pairs; "vm.memory=1G" goes into a
 * "vm" object.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "procfile.h"
#include "report_parse.h"
#include "results.h"

#define MAX_LOG_BYTES (1u << 20)	/* ktap.log embedded at most */

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* control bytes would make the page invalid */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

static void esc_n(FILE *f, const char *s, size_t n)
{
	char buf[4096];

	while (n) {
		size_t k = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;

		memcpy(buf, s, k);
		buf[k] = '\0';
		/* an embedded NUL would end esc() early: skip it */
		for (size_t i = 0; i < k; i++)
			if (!buf[i])
				buf[i] = '?';
		esc(f, buf);
		s += k;
		n -= k;
	}
}

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1250px}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:1px solid #ddd}h3{font-size:15px;margin:18px 0 6px}"
	"table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;"
	"padding:3px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}"
	"td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	".pass{background:#d9f2d9}.fail{background:#f8d0d0;font-weight:bold}"
	".skip{background:#fff2cc}.meta td:first-child{color:#666}"
	"pre{background:#f7f7f7;padding:8px;overflow:auto;max-height:420px;font-size:12px}"
	".tiles span{display:inline-block;padding:8px 14px;margin:0 8px 8px 0;"
	"border-radius:6px;font-size:18px}.muted{color:#777}svg{display:block;margin:6px 0}";

static void svg_text(FILE *f, double x, double y, const char *anchor, int size, const char *s)
{
	fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='%s' font-size='%d'>", x, y, anchor, size);
	esc(f, s);
	fputs("</text>", f);
}

/* A perceptually ordered ramp (viridis stops); t in [0,1]. */
static void ramp(double t, char *buf, size_t len)
{
	static const int stop[][3] = {
		{ 68, 1, 84 }, { 59, 82, 139 }, { 33, 145, 140 }, { 94, 201, 98 }, { 253, 231, 37 },
	};
	double x = t * 4;
	int i = (int)x;
	double fr;

	if (i >= 4) {
		i = 3;
		fr = 1;
	} else {
		fr = x - i;
	}
	snprintf(buf, len, "#%02x%02x%02x",
		 (int)(stop[i][0] + fr * (stop[i + 1][0] - stop[i][0])),
		 (int)(stop[i][1] + fr * (stop[i + 1][1] - stop[i][1])),
		 (int)(stop[i][2] + fr * (stop[i + 1][2] - stop[i][2])));
}

/*
 * Heatmap: one row per zone and order (high orders on top inside each zone),
 * one column per sample; colour = log10(1 + free blocks), grey = none free.
 */
static double tl_value(const struct jr_value *samples, size_t s, size_t z, int o)
{
	return jr_num(jr_at(jr_at(jr_get(jr_at(samples, s), "free"), z), (size_t)o), 0);
}

static void heatmap(FILE *f, const struct jr_value *tl, const char *title)
{
	const struct jr_value *zones = jr_get(tl, "zones"), *samples = jr_get(tl, "samples");
	int orders = (int)jr_num(jr_get(tl, "orders"), 0);
	size_t ns = samples ? samples->n : 0, nz = zones ? zones->n : 0, shown = 0;
	double maxlog = 0, cw, ch = 9, left = 110, top = 24, width, y0, zh;
	bool *empty;
	char label[96];

	if (!ns || !nz || orders <= 0 || orders > 64 || nz > 256)
		return;
	empty = calloc(nz, sizeof(*empty));
	if (!empty)
		return;
	for (size_t z = 0; z < nz; z++) {
		empty[z] = true;
		for (size_t s = 0; s < ns; s++)
			for (int o = 0; o < orders; o++) {
				double v = tl_value(samples, s, z, o);

				if (v > 0)
					empty[z] = false;
				if (log10(1 + v) > maxlog)
					maxlog = log10(1 + v);
			}
		shown += !empty[z];
	}
	if (maxlog <= 0)
		maxlog = 1;
	/* wide cells for a handful of samples (before/after), thin for long runs */
	cw = 900.0 / (double)ns;
	if (cw > 120)
		cw = 120;
	zh = ch * orders + 10;
	width = left + cw * (double)ns + 20;
	if (width < 620)
		width = 620;
	fprintf(f, "<svg class='heatmap' xmlns='http://www.w3.org/2000/svg' width='%.0f' "
		"height='%.0f' role='img'><title>", width, top + zh * (double)shown + 60);
	esc(f, title);
	fputs("</title>", f);
	svg_text(f, 4, top - 8, "start", 11, "zone / order");
	y0 = top;
	for (size_t z = 0; z < nz; z++) {
		if (empty[z])
			continue;
		svg_text(f, 4, y0 + ch * orders / 2 + 4, "start", 11, jr_str(jr_at(zones, z), "?"));
		for (int o = orders - 1; o >= 0; o--) {
			double y = y0 + (orders - 1 - o) * ch;

			if (o % 2 == 0) {
				snprintf(label, sizeof(label), "%d", o);
				svg_text(f, left - 6, y + ch - 1, "end", 8, label);
			}
			for (size_t s = 0; s < ns; s++) {
				double v = tl_value(samples, s, z, o);
				char col[16] = "#e8e8e8";

				if (v > 0)
					ramp(log10(1 + v) / maxlog, col, sizeof(col));
				fprintf(f, "<rect x='%.2f' y='%.1f' width='%.2f' height='%.1f' fill='%s'>"
					"<title>", left + cw * (double)s, y, cw + 0.3, ch, col);
				esc(f, jr_str(jr_at(zones, z), "?"));
				fprintf(f, " order %d t=%.1fs: %.0f free</title></rect>", o,
					jr_num(jr_get(jr_at(samples, s), "t"), 0), v);
			}
		}
		y0 += zh;
	}
	/* time axis, then the colour scale */
	snprintf(label, sizeof(label), "%.1f s", jr_num(jr_get(jr_at(samples, 0), "t"), 0));
	svg_text(f, left, y0 + 6, "start", 10, ns == 2 ? "before" : label);
	snprintf(label, sizeof(label), "%.1f s (%zu samples)",
		 jr_num(jr_get(jr_at(samples, ns - 1), "t"), 0), ns);
	svg_text(f, left + cw * (double)ns, y0 + 6, "end", 10, ns == 2 ? "after" : label);
	for (int i = 0; i < 20; i++) {
		char col[16];

		ramp(i / 19.0, col, sizeof(col));
		fprintf(f, "<rect x='%.0f' y='%.0f' width='12' height='10' fill='%s'/>",
			left + 60 + i * 12, y0 + 20, col);
	}
	fprintf(f, "<rect x='%.0f' y='%.0f' width='12' height='10' fill='#e8e8e8'/>", left,
		y0 + 20);
	svg_text(f, left + 16, y0 + 29, "start", 10, "0");
	svg_text(f, left + 56, y0 + 29, "end", 10, "1");
	snprintf(label, sizeof(label), "%.0f free blocks (log scale)", pow(10, maxlog) - 1);
	svg_text(f, left + 306, y0 + 29, "start", 10, label);
	if (shown < nz) {
		size_t n = 0;

		n += (size_t)snprintf(label + n, sizeof(label) - n, "no free blocks at all:");
		for (size_t z = 0; z < nz && n < sizeof(label) - 16; z++)
			if (empty[z])
				n += (size_t)snprintf(label + n, sizeof(label) - n, " %.12s",
						      jr_str(jr_at(zones, z), "?"));
		svg_text(f, 4, y0 + 48, "start", 10, label);
	}
	fputs("</svg>\n", f);
	free(empty);
}

/* Horizontal bars for labelled values (counters), scaled to the largest. */
static void bars(FILE *f, const char *const *labels, const double *vals, size_t n,
		 const char *title)
{
	double maxv = 0, bh = 16, left = 250, width = 900;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		if (fabs(vals[i]) > maxv)
			maxv = fabs(vals[i]);
	if (maxv == 0)
		maxv = 1;
	fprintf(f, "<svg class='bars' xmlns='http://www.w3.org/2000/svg' width='%.0f' "
		"height='%.0f' role='img'><title>", width, bh * (double)n + 10);
	esc(f, title);
	fputs("</title>", f);
	for (size_t i = 0; i < n; i++) {
		double w = (width - left - 110) * fabs(vals[i]) / maxv;
		char num[32];

		svg_text(f, left - 6, bh * (double)i + 12, "end", 11, labels[i]);
		fprintf(f, "<rect x='%.0f' y='%.0f' width='%.1f' height='%.0f' fill='%s'/>", left,
			bh * (double)i + 2, w < 1 ? 1 : w, bh - 4, vals[i] < 0 ? "#c0504d" : "#4f81bd");
		snprintf(num, sizeof(num), "%.0f", vals[i]);
		svg_text(f, left + w + 4, bh * (double)i + 12, "start", 11, num);
	}
	fputs("</svg>\n", f);
}

static void fmt_ns(double ns, char *buf, size_t len)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else
		snprintf(buf, len, "%.0fns", ns);
}

/* Latency histogram (bucket counts over upper bounds), else the percentiles. */
static void latency_chart(FILE *f, const struct jr_value *lat)
{
	const struct jr_value *hist = jr_get(lat, "histogram");
	static const char *const pct[] = { "min_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns" };
	double maxc = 0, bw, h = 140, left = 40, top = 10, width = 700;
	size_t n = hist ? hist->n : 0;
	char label[64];

	fprintf(f, "<table><tr><th>attempts</th><th>successes</th><th>failures</th>"
		"<th>success rate</th>");
	for (size_t i = 0; i < 5; i++)
		fprintf(f, "<th>%.3s</th>", pct[i]);
	fprintf(f, "<th>mean</th></tr><tr><td class='num'>%.0f</td><td class='num'>%.0f</td>"
		"<td class='num'>%.0f</td><td class='num'>",
		jr_num(jr_get(lat, "attempts"), 0), jr_num(jr_get(lat, "successes"), 0),
		jr_num(jr_get(lat, "failures"), 0));
	if (jr_get(lat, "success_rate"))
		fprintf(f, "%.1f%%", jr_num(jr_get(lat, "success_rate"), 0));
	fputs("</td>", f);
	for (size_t i = 0; i < 6; i++) {
		const struct jr_value *v = jr_get(lat, i < 5 ? pct[i] : "mean_ns");

		label[0] = '\0';
		if (v)
			fmt_ns(jr_num(v, 0), label, sizeof(label));
		fprintf(f, "<td class='num'>%s</td>", label);
	}
	fputs("</tr></table>\n", f);
	if (!n) {
		if (!jr_get(lat, "p50_ns"))
			return;
		/* percentiles as bars: the shape of the tail at a glance */
		{
			const char *labels[5];
			double vals[5];
			size_t k = 0;

			for (size_t i = 0; i < 5; i++) {
				if (!jr_get(lat, pct[i]))
					continue;
				labels[k] = pct[i];
				vals[k++] = jr_num(jr_get(lat, pct[i]), 0);
			}
			bars(f, labels, vals, k, "latency percentiles (ns)");
		}
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (jr_num(jr_get(jr_at(hist, i), "count"), 0) > maxc)
			maxc = jr_num(jr_get(jr_at(hist, i), "count"), 0);
	if (maxc <= 0)
		maxc = 1;
	bw = (width - left - 20) / (double)n;
	fprintf(f, "<svg class='histogram' xmlns='http://www.w3.org/2000/svg' width='%.0f' "
		"height='%.0f' role='img'><title>latency histogram</title>", width, h + top + 40);
	snprintf(label, sizeof(label), "%.0f", maxc);
	svg_text(f, left - 4, top + 8, "end", 10, label);
	svg_text(f, left - 4, top + h, "end", 10, "0");
	fprintf(f, "<line x1='%.0f' y1='%.0f' x2='%.0f' y2='%.0f' stroke='#999'/>", left, top + h,
		width - 20, top + h);
	for (size_t i = 0; i < n; i++) {
		double c = jr_num(jr_get(jr_at(hist, i), "count"), 0);
		double bh = h * c / maxc;

		fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#4f81bd'>"
			"<title>&lt;= %.0f ns: %.0f</title></rect>", left + bw * (double)i + 1,
			top + h - bh, bw - 2 > 1 ? bw - 2 : 1, bh,
			jr_num(jr_get(jr_at(hist, i), "le_ns"), 0), c);
		if (n <= 16 || i % (n / 8 + 1) == 0) {
			fmt_ns(jr_num(jr_get(jr_at(hist, i), "le_ns"), 0), label, sizeof(label));
			svg_text(f, left + bw * ((double)i + 0.5), top + h + 14, "middle", 9, label);
		}
	}
	svg_text(f, left, top + h + 32, "start", 11, "allocation latency (bucket upper bound)");
	fputs("</svg>\n", f);
}

static void reports_table(FILE *f, const struct jr_value *reports)
{
	fputs("<table class='reports'><tr><th>#</th><th>task</th><th>order</th><th>mode</th><th>caller</th>"
	      "<th>zones: free / min / low / high kB; free blocks per order</th></tr>\n", f);
	for (size_t i = 0; i < reports->n; i++) {
		const struct jr_value *r = jr_at(reports, i), *zs = jr_get(r, "zones");
		const struct jr_value *callers = jr_get(r, "callers");

		fprintf(f, "<tr><td class='num'>%zu</td><td>", i + 1);
		esc(f, jr_str(jr_get(r, "comm"), ""));
		fprintf(f, " (%.0f)</td><td class='num'>%.0f%s</td><td>",
			jr_num(jr_get(r, "pid"), -1), jr_num(jr_get(r, "order"), -1),
			jr_get(r, "vmalloc") && jr_get(r, "vmalloc")->boolean ? " vmalloc" : "");
		esc(f, jr_str(jr_get(r, "mode"), ""));
		fputs(" ", f);
		esc(f, jr_str(jr_get(r, "mode_names"), ""));
		fputs("</td><td>", f);
		for (size_t c = 0; callers && c < callers->n && c < 3; c++) {
			esc(f, jr_str(jr_at(callers, c), ""));
			fputs("<br>", f);
		}
		fputs("</td><td>", f);
		for (size_t z = 0; zs && z < zs->n; z++) {
			const struct jr_value *zn = jr_at(zs, z), *bd = jr_get(zn, "buddy");

			fprintf(f, "%.0f/", jr_num(jr_get(zn, "node"), -1));
			esc(f, jr_str(jr_get(zn, "zone"), "?"));
			fprintf(f, ": %.0f / %.0f / %.0f / %.0f", jr_num(jr_get(zn, "free_kb"), -1),
				jr_num(jr_get(zn, "min_kb"), -1), jr_num(jr_get(zn, "low_kb"), -1),
				jr_num(jr_get(zn, "high_kb"), -1));
			if (bd && bd->n) {
				fputs("; ", f);
				for (size_t o = 0; o < bd->n; o++)
					fprintf(f, "%s%.0f", o ? " " : "", jr_num(jr_at(bd, o), 0));
			}
			fputs("<br>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Failure reports parsed from a whole log (the run's dmesg.log), written
 * through the JSON writer into memory and read back, so that one renderer
 * serves both sources.
 */
static int log_reports(const char *path, struct jr_value *out)
{
	struct text_buf t;
	struct rp_list l = { 0 };
	struct json_writer w;
	char *buf = NULL, err[200];
	size_t len = 0;
	FILE *mf;
	int ret = -1;

	if (text_read_file(path, &t))
		return -1;
	if (rp_parse(t.data, t.len, &l) || !l.n)
		goto out;
	mf = open_memstream(&buf, &len);
	if (!mf)
		goto out;
	json_init(&w, mf, false);
	json_array_begin(&w, NULL);
	for (size_t i = 0; i < l.n && i < 200; i++) {
		const struct rp_report *r = &l.v[i];
		char mode[16];

		json_object_begin(&w, NULL);
		json_string(&w, "comm", r->comm);
		json_int(&w, "pid", r->pid);
		json_int(&w, "order", r->order);
		json_bool(&w, "vmalloc", r->vmalloc);
		if (r->have_mode) {
			snprintf(mode, sizeof(mode), "0x%x", r->mode);
			json_string(&w, "mode", mode);
		}
		if (r->have_names)
			json_string(&w, "mode_names", r->mode_names);
		json_array_begin(&w, "callers");
		for (int c = 0; c < r->nr_callers; c++)
			json_string(&w, NULL, r->callers[c]);
		json_array_end(&w);
		json_array_begin(&w, "zones");
		for (int z = 0; z < r->nr_zones; z++) {
			const struct rp_zone *zn = &r->zones[z];

			json_object_begin(&w, NULL);
			json_int(&w, "node", zn->node);
			json_string(&w, "zone", zn->name);
			json_int(&w, "free_kb", zn->free_kb);
			json_int(&w, "min_kb", zn->min_kb);
			json_int(&w, "low_kb", zn->low_kb);
			json_int(&w, "high_kb", zn->high_kb);
			json_array_begin(&w, "buddy");
			for (int o = 0; zn->have_buddy && o < zn->nr_buddy; o++)
				json_int(&w, NULL, zn->buddy[o].count);
			json_array_end(&w);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_finish(&w);
	fclose(mf);
	ret = jr_parse(buf, len, out, err, sizeof(err));
	free(buf);
out:
	rp_free(&l);
	text_free(&t);
	return ret;
}

/*
 * The failure reports of the run's kernel logs: dmesg.log of the default VM
 * and dmesg.<profile>.log of each VM profile's boot (scripts/vmtest-suite).
 */
static void kernel_logs(FILE *f, const char *dir)
{
	char pattern[4200];
	glob_t g;
	bool any = false;

	snprintf(pattern, sizeof(pattern), "%s/dmesg*.log", dir);
	if (glob(pattern, 0, NULL, &g))
		g.gl_pathc = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *name = strrchr(g.gl_pathv[i], '/') + 1;
		struct jr_value reports;

		if (log_reports(g.gl_pathv[i], &reports))
			continue;
		/* the first section is the one the page's links point to */
		fprintf(f, "<h2%s>Page allocation failure reports in ",
			any ? "" : " id='failure-reports'");
		esc(f, name);
		fprintf(f, " (%zu)</h2>\n", reports.n);
		reports_table(f, &reports);
		jr_free(&reports);
		any = true;
	}
	if (g.gl_pathc)
		globfree(&g);
	if (!any)
		fputs("<h2 id='failure-reports'>Page allocation failure reports in the run's "
		      "kernel log</h2>\n<p class='muted'>none (or no dmesg.log)</p>\n", f);
}


static const char *const shown_counters[] = {
	"compact_stall", "compact_fail", "compact_success", "compact_migrate_scanned",
	"compact_free_scanned", "compact_daemon_wake", "kcompactd_wake", "allocstall_dma32",
	"allocstall_normal", "allocstall_movable", "pgmigrate_success", "pgmigrate_fail",
	"pgsteal_kswapd", "pgsteal_direct", "pgscan_kswapd", "pgscan_direct", "pageoutrun",
	"thp_fault_alloc", "thp_fault_fallback", "oom_kill", "nr_free_pages",
};

static void snapshot_heatmap(FILE *f, const struct ftr_test *t)
{
	/* before/after as a two-column heatmap when no timeline was recorded */
	const struct jr_value *b = jr_get(t->doc, "before"), *a = jr_get(t->doc, "after");
	const struct jr_value *zb = jr_get(b, "zones");
	char *buf = NULL, err[200];
	size_t len = 0;
	struct json_writer w;
	struct jr_value tl;
	FILE *mf;

	if (!zb || !jr_get(a, "zones") || jr_get(t->doc, "timeline"))
		return;
	mf = open_memstream(&buf, &len);
	if (!mf)
		return;
	json_init(&w, mf, false);
	json_object_begin(&w, NULL);
	json_array_begin(&w, "zones");
	for (size_t z = 0; z < zb->n; z++) {
		char name[64];

		snprintf(name, sizeof(name), "%.0f/%s", jr_num(jr_get(jr_at(zb, z), "node"), 0),
			 jr_str(jr_get(jr_at(zb, z), "zone"), "?"));
		json_string(&w, NULL, name);
	}
	json_array_end(&w);
	json_int(&w, "orders", (int64_t)(jr_get(jr_at(zb, 0), "buddy") ?
					 jr_get(jr_at(zb, 0), "buddy")->n : 0));
	json_array_begin(&w, "samples");
	for (int s = 0; s < 2; s++) {
		const struct jr_value *snap = s ? a : b;

		json_object_begin(&w, NULL);
		json_double(&w, "t", s ? jr_num(jr_get(t->doc, "duration_s"), 0) : 0);
		json_array_begin(&w, "free");
		for (size_t z = 0; z < zb->n; z++) {
			const struct jr_value *fb = jr_get(jr_at(jr_get(snap, "zones"), z), "buddy");

			json_array_begin(&w, NULL);
			for (size_t o = 0; fb && o < fb->n; o++)
				json_double(&w, NULL, jr_num(jr_at(fb, o), 0));
			json_array_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	json_finish(&w);
	fclose(mf);
	if (!jr_parse(buf, len, &tl, err, sizeof(err))) {
		fputs("<h4>Free blocks per order per zone: before and after</h4>\n", f);
		heatmap(f, &tl, t->name);
		jr_free(&tl);
	}
	free(buf);
}

static void test_details(FILE *f, const struct ftr_test *t)
{
	const struct jr_value *doc = t->doc, *v;
	const char *labels[64];
	double vals[64];
	size_t n = 0;

	fprintf(f, "<section class='test' id='t-");
	esc(f, t->name);
	fprintf(f, "'><h3>");
	esc(f, t->name);
	fprintf(f, " <span class='%s'>%s</span></h3>\n", t->outcome, t->outcome);
	if (t->reason[0]) {
		fputs("<p>", f);
		esc(f, t->reason);
		fputs("</p>\n", f);
	}
	v = jr_get(doc, "health");
	if (v && jr_get(v, "ok") && !jr_get(v, "ok")->boolean) {
		fputs("<p class='fail'>kernel health guard: ", f);
		esc(f, jr_str(jr_get(v, "problem"), ""));
		fputs("</p><pre>", f);
		esc(f, jr_str(jr_get(v, "excerpt"), ""));
		fputs("</pre>\n", f);
	}
	v = jr_get(doc, "parameters");
	if (jr_is(v, JR_OBJECT) && v->n) {
		fputs("<table class='meta'><tr><th colspan='2'>parameters</th></tr>", f);
		for (size_t i = 0; i < v->n; i++) {
			fputs("<tr><td>", f);
			esc(f, v->keys[i]);
			fputs("</td><td>", f);
			if (v->items[i].type == JR_NUMBER)
				fprintf(f, "%g", v->items[i].number);
			else
				esc(f, jr_str(&v->items[i], ""));
			fputs("</td></tr>", f);
		}
		fputs("</table>\n", f);
	}
	v = jr_get(doc, "metrics");
	if (jr_is(v, JR_OBJECT) && v->n) {
		fputs("<table class='metrics'><tr><th>metric</th><th>value</th><th>better</th></tr>", f);
		for (size_t i = 0; i < v->n; i++) {
			fputs("<tr><td>", f);
			esc(f, v->keys[i]);
			fprintf(f, "</td><td class='num'>%g ", jr_num(jr_get(&v->items[i], "value"), 0));
			esc(f, jr_str(jr_get(&v->items[i], "unit"), ""));
			fputs("</td><td>", f);
			esc(f, jr_str(jr_get(&v->items[i], "better"), ""));
			fputs("</td></tr>", f);
		}
		fputs("</table>\n", f);
	}
	v = jr_get(doc, "timeline");
	if (v) {
		fputs("<h4>Free blocks per order per zone over time</h4>\n", f);
		heatmap(f, v, t->name);
	}
	v = jr_path(doc, "delta.vmstat");
	if (jr_is(v, JR_OBJECT)) {
		for (size_t i = 0; i < sizeof(shown_counters) / sizeof(shown_counters[0]) && n < 64; i++) {
			const struct jr_value *c = jr_get(v, shown_counters[i]);

			if (c && jr_num(c, 0) != 0) {
				labels[n] = shown_counters[i];
				vals[n++] = jr_num(c, 0);
			}
		}
		if (n) {
			fprintf(f, "<h4>Counter deltas over %.1f s</h4>\n",
				jr_num(jr_path(doc, "delta.seconds"), 0));
			bars(f, labels, vals, n, "vmstat counter deltas");
		}
	}
	v = jr_get(doc, "latency");
	for (size_t i = 0; v && i < v->n; i++) {
		fputs("<h4>Allocation latency: ", f);
		esc(f, jr_str(jr_get(jr_at(v, i), "name"), ""));
		fputs("</h4>\n", f);
		latency_chart(f, jr_at(v, i));
	}
	v = jr_path(doc, "alloc_failures.reports");
	if (v && v->n) {
		fprintf(f, "<h4>Page allocation failure reports during the test (%.0f)</h4>\n",
			jr_num(jr_path(doc, "alloc_failures.count"), 0));
		reports_table(f, v);
	}
	snapshot_heatmap(f, t);
	fputs("</section>\n", f);
}

/*
 * A `fragtest watch --output RESULTS/<name>.watch.jsonl` series: one JSON
 * object per line with "t" and "buddyinfo": [{node, zone, free: [...]}].
 * Turned into a timeline (at most MAX_WATCH_SAMPLES, evenly thinned).
 */
#define MAX_WATCH_SAMPLES 600

static void watch_heatmap(FILE *f, const char *path, const char *name)
{
	struct text_buf t;
	const char **lines = NULL;
	size_t nl = 0, cap = 0, step;
	struct json_writer w;
	struct jr_value tl, first;
	char *buf = NULL, err[200];
	size_t len = 0;
	bool have_first = false;
	FILE *mf;

	if (text_read_file(path, &t))
		return;
	for (char *p = t.data; p && p < t.data + t.len;) {
		char *e = memchr(p, '\n', (size_t)(t.data + t.len - p));

		if (e)
			*e = '\0';
		if (*p == '{') {
			if (nl == cap) {
				const char **n = realloc(lines, (cap = cap ? cap * 2 : 256) * sizeof(*n));

				if (!n)
					break;
				lines = n;
			}
			lines[nl++] = p;
		}
		p = e ? e + 1 : NULL;
	}
	step = nl > MAX_WATCH_SAMPLES ? (nl + MAX_WATCH_SAMPLES - 1) / MAX_WATCH_SAMPLES : 1;
	mf = nl ? open_memstream(&buf, &len) : NULL;
	if (!mf)
		goto out;
	json_init(&w, mf, false);
	json_object_begin(&w, NULL);
	json_array_begin(&w, "samples");
	for (size_t i = 0; i < nl; i += step) {
		struct jr_value v;
		const struct jr_value *bi;

		if (jr_parse(lines[i], strlen(lines[i]), &v, err, sizeof(err)))
			continue;
		bi = jr_get(&v, "buddyinfo");
		if (jr_is(bi, JR_ARRAY) && bi->n) {
			json_object_begin(&w, NULL);
			json_double(&w, "t", jr_num(jr_get(&v, "t"), 0));
			json_array_begin(&w, "free");
			for (size_t z = 0; z < bi->n; z++) {
				const struct jr_value *fr = jr_get(jr_at(bi, z), "free");

				json_array_begin(&w, NULL);
				for (size_t o = 0; fr && o < fr->n; o++)
					json_double(&w, NULL, jr_num(jr_at(fr, o), 0));
				json_array_end(&w);
			}
			json_array_end(&w);
			json_object_end(&w);
			if (!have_first) {
				first = v;	/* zone names come from the first sample */
				have_first = true;
				continue;
			}
		}
		jr_free(&v);
	}
	json_array_end(&w);
	if (have_first) {
		const struct jr_value *bi = jr_get(&first, "buddyinfo");

		json_array_begin(&w, "zones");
		for (size_t z = 0; z < bi->n; z++) {
			char zn[64];

			snprintf(zn, sizeof(zn), "%.0f/%.20s", jr_num(jr_get(jr_at(bi, z), "node"), 0),
				 jr_str(jr_get(jr_at(bi, z), "zone"), "?"));
			json_string(&w, NULL, zn);
		}
		json_array_end(&w);
		json_int(&w, "orders", (int64_t)(jr_get(jr_at(bi, 0), "free") ?
						 jr_get(jr_at(bi, 0), "free")->n : 0));
		jr_free(&first);
	}
	json_object_end(&w);
	json_finish(&w);
	fclose(mf);
	if (have_first && !jr_parse(buf, len, &tl, err, sizeof(err))) {
		fputs("<h3>", f);
		esc(f, name);
		fprintf(f, " (fragtest watch, %zu lines%s)</h3>\n", nl, step > 1 ? ", thinned" : "");
		heatmap(f, &tl, name);
		jr_free(&tl);
	}
	free(buf);
out:
	free(lines);
	text_free(&t);
}

static void watch_files(FILE *f, const char *dir)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	bool any = false;

	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);
		char path[4400];

		if (l > 12 && !strcmp(ents[i]->d_name + l - 12, ".watch.jsonl")) {
			if (!any)
				fputs("<h2 id='timelines'>Free blocks over time (fragtest watch)</h2>\n", f);
			any = true;
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			ents[i]->d_name[l - 12] = '\0';
			watch_heatmap(f, path, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
}

static void summary_table(FILE *f, const struct ftr_loaded_run *run)
{
	const struct jr_value *s = &run->summary;

	fputs("<table class='meta'>", f);
	fputs("<tr><td>results</td><td>", f);
	esc(f, run->dir);
	fputs("</td></tr><tr><td>kernel</td><td>", f);
	esc(f, run->release);
	fputs("</td></tr>", f);
	for (size_t i = 0; jr_is(s, JR_OBJECT) && i < s->n; i++) {
		const struct jr_value *v = &s->items[i];

		if (!strcmp(s->keys[i], "kernel_release") || !strcmp(s->keys[i], "totals") ||
		    !strcmp(s->keys[i], "kind") || !strcmp(s->keys[i], "tests"))
			continue;
		fputs("<tr><td>", f);
		esc(f, s->keys[i]);
		fputs("</td><td>", f);
		if (v->type == JR_OBJECT) {
			for (size_t k = 0; k < v->n; k++) {
				esc(f, v->keys[k]);
				fputs("=", f);
				if (v->items[k].type == JR_NUMBER)
					fprintf(f, "%g", v->items[k].number);
				else
					esc(f, jr_str(&v->items[k], ""));
				fputs(k + 1 < v->n ? ", " : "", f);
			}
		} else if (v->type == JR_NUMBER) {
			fprintf(f, "%g", v->number);
		} else {
			esc(f, jr_str(v, ""));
		}
		fputs("</td></tr>", f);
	}
	fputs("</table>\n", f);
}

static int write_html(FILE *f, const struct ftr_loaded_run *run)
{
	int pass = 0, fail = 0, skip = 0;
	char path[4200];
	struct text_buf ktap;

	for (size_t i = 0; i < run->nr_tests; i++) {
		pass += !strcmp(run->tests[i].outcome, "pass");
		fail += !strcmp(run->tests[i].outcome, "fail");
		skip += !strcmp(run->tests[i].outcome, "skip");
	}
	fputs("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
	      "<meta name='viewport' content='width=device-width'>"
	      "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\"><title>fragtest report: ", f);
	esc(f, run->release);
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>fragtest report: ", css);
	esc(f, run->release);
	fputs("</h1>\n", f);
	fprintf(f, "<div class='tiles' id='totals'><span class='pass'>%d passed</span>"
		"<span class='fail'>%d failed</span><span class='skip'>%d skipped</span></div>\n",
		pass, fail, skip);
	summary_table(f, run);
	if (run->nr_bad_files) {
		fprintf(f, "<p class='fail'>%zu result file(s) could not be read; first: ",
			run->nr_bad_files);
		esc(f, run->bad_file);
		fputs("</p>\n", f);
	}

	fputs("<h2>Outcomes</h2>\n<table id='outcomes'><tr><th>test</th><th>outcome</th>"
	      "<th>time</th><th>note</th></tr>\n", f);
	for (size_t i = 0; i < run->nr_tests; i++) {
		const struct ftr_test *t = &run->tests[i];

		fputs("<tr><td>", f);
		if (t->doc) {
			fputs("<a href='#t-", f);
			esc(f, t->name);
			fputs("'>", f);
		}
		if (!t->is_program)
			fputs("&nbsp;&nbsp;", f);
		esc(f, t->name);
		fputs(t->doc ? "</a>" : "", f);
		fprintf(f, "</td><td class='%s'>%s</td><td class='num'>", t->outcome, t->outcome);
		if (t->duration >= 0)
			fprintf(f, "%.1f s", t->duration);
		fputs("</td><td>", f);
		esc(f, t->reason);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (!run->nr_tests)
		fputs("<p class='muted'>No test results in this directory.</p>\n", f);

	fputs("<h2>Tests in detail</h2>\n", f);
	for (size_t i = 0; i < run->nr_tests; i++) {
		if (!run->tests[i].doc)
			continue;
		test_details(f, &run->tests[i]);
	}

	watch_files(f, run->dir);
	kernel_logs(f, run->dir);

	snprintf(path, sizeof(path), "%s/ktap.log", run->dir);
	if (!text_read_file(path, &ktap)) {
		size_t off = ktap.len > MAX_LOG_BYTES ? ktap.len - MAX_LOG_BYTES : 0;

		fputs("<h2>ktap.log</h2>\n<details><summary>show", f);
		if (off)
			fprintf(f, " (last %u bytes)", MAX_LOG_BYTES);
		fputs("</summary><pre id='ktap'>", f);
		esc_n(f, ktap.data + off, ktap.len - off);
		fputs("</pre></details>\n", f);
		text_free(&ktap);
	}
	fputs("<p class='muted'>Generated by fragtest report; schema: docs/results.md.</p>\n"
	      "</body></html>\n", f);
	return ferror(f) ? -EIO : 0;
}

/* summary.json: totals from the directory, the rest from KEY=VALUE pairs. */
static int write_summary(const char *dir, int npairs, char **pairs)
{
	struct ftr_loaded_run run;
	struct json_writer w;
	char err[600], path[4200], tmp[4210];
	int pass = 0, fail = 0, skip = 0;
	FILE *f;

	for (int i = 0; i < npairs; i++) {
		if (!strchr(pairs[i], '=') || pairs[i][0] == '=') {
			fprintf(stderr, "fragtest report: '%s' is not KEY=VALUE\n", pairs[i]);
			return 2;
		}
	}
	if (ftr_load_run(dir, &run, err, sizeof(err))) {
		fprintf(stderr, "fragtest report: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/summary.json", run.dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		fprintf(stderr, "fragtest report: %s: %s\n", tmp, strerror(errno));
		ftr_free_run(&run);
		return 1;
	}
	json_init(&w, f, true);
	json_object_begin(&w, NULL);
	json_int(&w, "schema_version", FTR_SCHEMA_VERSION);
	json_string(&w, "kind", "fragtest-run");
	/* flat keys first, then one object per prefix, in the order given */
	for (int i = 0; i < npairs; i++) {
		char *eq = strchr(pairs[i], '=');

		if (memchr(pairs[i], '.', (size_t)(eq - pairs[i])))
			continue;
		*eq = '\0';
		json_string(&w, pairs[i], eq + 1);
		*eq = '=';
	}
	for (int i = 0; i < npairs; i++) {
		char *eq = strchr(pairs[i], '='), *dot = memchr(pairs[i], '.', (size_t)(eq - pairs[i]));
		size_t plen;
		bool seen = false;

		if (!dot)
			continue;
		plen = (size_t)(dot - pairs[i]);
		for (int j = 0; j < i; j++) {
			char *e2 = strchr(pairs[j], '='), *d2 = memchr(pairs[j], '.', (size_t)(e2 - pairs[j]));

			if (d2 && (size_t)(d2 - pairs[j]) == plen && !strncmp(pairs[j], pairs[i], plen))
				seen = true;
		}
		if (seen)
			continue;
		*dot = '\0';
		json_object_begin(&w, pairs[i]);
		*dot = '.';
		for (int j = i; j < npairs; j++) {
			char *e2 = strchr(pairs[j], '='), *d2 = memchr(pairs[j], '.', (size_t)(e2 - pairs[j]));

			if (!d2 || (size_t)(d2 - pairs[j]) != plen || strncmp(pairs[j], pairs[i], plen))
				continue;
			*e2 = '\0';
			json_string(&w, d2 + 1, e2 + 1);
			*e2 = '=';
		}
		json_object_end(&w);
	}
	if (!jr_get(&run.summary, "kernel_release")) {
		bool given = false;

		for (int i = 0; i < npairs; i++)
			given |= !strncmp(pairs[i], "kernel_release=", 15);
		if (!given)
			json_string(&w, "kernel_release", run.release);
	}
	json_array_begin(&w, "tests");
	for (size_t i = 0; i < run.nr_tests; i++) {
		const struct ftr_test *t = &run.tests[i];

		pass += !strcmp(t->outcome, "pass");
		fail += !strcmp(t->outcome, "fail");
		skip += !strcmp(t->outcome, "skip");
		json_object_begin(&w, NULL);
		json_string(&w, "test", t->name);
		json_string(&w, "outcome", t->outcome);
		json_bool(&w, "program", t->is_program);
		if (t->duration >= 0)
			json_double(&w, "duration_s", t->duration);
		json_bool(&w, "has_json", t->doc != NULL);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_begin(&w, "totals");
	json_int(&w, "tests", (int64_t)run.nr_tests);
	json_int(&w, "pass", pass);
	json_int(&w, "fail", fail);
	json_int(&w, "skip", skip);
	json_object_end(&w);
	json_object_end(&w);
	json_finish(&w);
	ftr_free_run(&run);
	if (ferror(f) | fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "fragtest report: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return 1;
	}
	printf("%s\n", path);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest report [-o FILE] RESULTS_DIR\n"
		"       fragtest report --write-summary RESULTS_DIR [KEY=VALUE...]\n"
		"  writes RESULTS_DIR/report.html (or FILE; - for stdout): outcomes, free-block\n"
		"  heatmaps, counter deltas, latency histograms, failure reports; no scripts,\n"
		"  no network. --write-summary writes RESULTS_DIR/summary.json.\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "write-summary", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	bool summary = false;
	struct ftr_loaded_run run;
	char err[600], path[4200], tmp[4210];
	FILE *f;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'S': summary = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (summary) {
		if (argc - optind < 1) {
			usage(stderr);
			return 2;
		}
		return write_summary(argv[optind], argc - optind - 1, argv + optind + 1);
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	if (ftr_load_run(argv[optind], &run, err, sizeof(err))) {
		fprintf(stderr, "fragtest report: %s\n", err);
		return 1;
	}
	if (out && !strcmp(out, "-")) {
		ret = write_html(stdout, &run);
		ftr_free_run(&run);
		return ret ? 1 : 0;
	}
	if (out)
		snprintf(path, sizeof(path), "%s", out);
	else
		snprintf(path, sizeof(path), "%s/report.html", run.dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		fprintf(stderr, "fragtest report: %s: %s\n", tmp, strerror(errno));
		ftr_free_run(&run);
		return 1;
	}
	ret = write_html(f, &run);
	ftr_free_run(&run);
	if (fclose(f) || ret || rename(tmp, path)) {
		fprintf(stderr, "fragtest report: cannot write %s\n", path);
		unlink(tmp);
		return 1;
	}
	printf("%s\n", path);
	return 0;
}
