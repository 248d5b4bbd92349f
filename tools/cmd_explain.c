// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest explain [--json] [FILE...|-]
 *
 * Finds every page allocation failure (and vmalloc failure) report in the
 * given kernel logs (stdin when none or "-"), and explains each: what was
 * asked, what the zones held, and the one cause the numbers prove.
 * Exit: 0 at least one report explained, 1 no report found, 2 usage or I/O.
 * The JSON schema is documented in docs/explain.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "diagnose.h"
#include "json.h"
#include "procfile.h"
#include "report_parse.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest explain [--json] [FILE...|-]\n"
		"  reads kernel log text (dmesg, journalctl, syslog, pasted e-mail) and explains\n"
		"  each \"page allocation failure\" / vmalloc failure report in it\n"
		"  --json   one JSON document: {\"reports\": [...]} (see docs/explain.md)\n");
}

static int read_stdin(struct text_buf *b)
{
	size_t cap = 1 << 16;
	ssize_t n;

	b->len = 0;
	b->data = malloc(cap);
	if (!b->data)
		return -ENOMEM;
	for (;;) {
		if (b->len + 1 >= cap) {
			char *nd = realloc(b->data, cap * 2);

			if (!nd) {
				text_free(b);
				return -ENOMEM;
			}
			b->data = nd;
			cap *= 2;
		}
		n = read(0, b->data + b->len, cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			text_free(b);
			return -errno;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	return 0;
}

static void json_names(struct json_writer *w, const char *key, const char *text)
{
	const char *p = text;

	json_array_begin(w, key);
	while (*p) {
		size_t l = strcspn(p, "|");

		if (l)
			json_string_n(w, NULL, p, l);
		p += l;
		if (*p == '|')
			p++;
	}
	json_array_end(w);
}

static void json_long_or_null(struct json_writer *w, const char *key, long v)
{
	if (v < 0)
		json_null(w, key);
	else
		json_int(w, key, v);
}

static void json_str_or_null(struct json_writer *w, const char *key, const char *s)
{
	if (s && s[0])
		json_string(w, key, s);
	else
		json_null(w, key);
}

static void json_items(struct json_writer *w, const char *key, char (*items)[DX_TEXT], int n)
{
	json_array_begin(w, key);
	for (int i = 0; i < n; i++)
		json_string(w, NULL, items[i]);
	json_array_end(w);
}

static void json_zone(struct json_writer *w, const struct rp_zone *z, const struct dx_zone *dz)
{
	json_object_begin(w, NULL);
	if (z->node >= 0)
		json_int(w, "node", z->node);
	else
		json_null(w, "node");
	json_string(w, "zone", z->name);
	json_long_or_null(w, "free_kb", z->free_kb);
	json_long_or_null(w, "min_kb", z->min_kb);
	json_long_or_null(w, "low_kb", z->low_kb);
	json_long_or_null(w, "high_kb", z->high_kb);
	json_long_or_null(w, "managed_kb", z->managed_kb);
	json_long_or_null(w, "present_kb", z->present_kb);
	json_long_or_null(w, "free_cma_kb", z->free_cma_kb);
	json_long_or_null(w, "reserved_highatomic_kb", z->reserved_highatomic_kb);
	if (z->nr_lowmem) {
		json_array_begin(w, "lowmem_reserve");
		for (int i = 0; i < z->nr_lowmem; i++)
			json_int(w, NULL, z->lowmem_reserve[i]);
		json_array_end(w);
	} else {
		json_null(w, "lowmem_reserve");
	}
	if (z->have_buddy) {
		json_array_begin(w, "buddy");
		for (int o = 0; o < z->nr_buddy; o++) {
			json_object_begin(w, NULL);
			json_int(w, "order", o);
			json_int(w, "count", z->buddy[o].count);
			json_int(w, "size_kb", z->buddy[o].size_kb);
			if (z->buddy_types)
				json_string(w, "types", z->buddy[o].letters);
			else
				json_null(w, "types");
			json_object_end(w);
		}
		json_array_end(w);
		json_long_or_null(w, "buddy_total_kb", z->buddy_total_kb);
		json_int(w, "buddy_sum_kb", z->buddy_sum_kb);
		if (z->buddy_total_kb >= 0 && !z->buddy_total_truncated)
			json_bool(w, "buddy_sum_ok", z->buddy_total_kb == z->buddy_sum_kb);
		else
			json_null(w, "buddy_sum_ok");
		json_bool(w, "buddy_truncated", z->buddy_total_truncated);
	} else {
		json_null(w, "buddy");
		json_null(w, "buddy_total_kb");
	}
	json_bool(w, "allowed", dz->allowed);
	json_string(w, "status", dx_zone_status_name(dz->status));
	if (dz->allowed && dz->have_wm) {
		const struct wm_result *s = &dz->res;

		json_object_begin(w, "watermark_check");
		json_bool(w, "ok", s->ok);
		json_bool(w, "estimated", dz->estimated);
		json_int(w, "page_kb", dz->page_kb);
		json_int(w, "mark_pages", s->mark);
		json_int(w, "effective_min_pages", s->min);
		json_int(w, "free_pages", s->free_pages);
		json_int(w, "headroom_pages", s->headroom);
		json_int(w, "highatomic_pages", s->highatomic_sub);
		json_int(w, "cma_pages", s->cma_sub);
		json_int(w, "free_after_pages", s->free_after);
		json_int(w, "lowmem_reserve_pages", s->lowmem_reserve);
		json_int(w, "required_pages", s->required);
		if (s->fail_order >= 0)
			json_int(w, "fail_order", s->fail_order);
		json_array_begin(w, "usable_orders");
		for (int o = 0; o < WM_MAX_ORDER; o++)
			if (s->usable_orders & (1u << o))
				json_int(w, NULL, o);
		json_array_end(w);
		json_bool(w, "fast_path_ok", dz->res_low.ok);
		json_object_end(w);
	} else if (dz->allowed && dz->max_min >= 0) {
		json_int(w, "passes_if_effective_min_below_pages", dz->max_min + 1);
	}
	json_object_end(w);
}

static void json_report(struct json_writer *w, const char *file, const struct rp_report *r,
			const struct dx_result *d)
{
	char hex[16];

	json_object_begin(w, NULL);
	json_string(w, "file", file);
	json_int(w, "line", r->first_line);
	json_int(w, "last_line", r->last_line);
	json_str_or_null(w, "comm", r->comm);
	if (r->pid >= 0)
		json_int(w, "pid", r->pid);
	else
		json_null(w, "pid");
	json_str_or_null(w, "kernel_version", r->kernel_version);
	json_str_or_null(w, "kernel_upstream", r->kernel_upstream);
	json_string(w, "layout", d->era->id);
	json_string(w, "layout_note", d->era_note);
	json_string(w, "watermark_model", wm_era_name(d->wm_era));
	if (r->order >= 0)
		json_int(w, "order", r->order);
	else
		json_null(w, "order");
	json_bool(w, "vmalloc", r->vmalloc);
	if (r->vmalloc)
		json_long_or_null(w, "vmalloc_size", r->vmalloc_size);
	if (r->have_mode) {
		snprintf(hex, sizeof(hex), "%#x", r->mode);
		json_string(w, "mode_hex", hex);
		json_names(w, "mode_names", d->names);
		json_string(w, "mode_names_source", d->names_from_report ? "report" : "decoded");
		json_string(w, "mode_decoded", d->decoded);
		if (d->decode_checked)
			json_bool(w, "decode_matches", d->decode_matches);
	} else {
		json_null(w, "mode_hex");
		json_array_begin(w, "mode_names");
		json_array_end(w);
	}
	json_str_or_null(w, "nodemask", r->nodemask);
	json_str_or_null(w, "cpuset", r->cpuset);
	json_str_or_null(w, "mems_allowed", r->mems_allowed);
	json_str_or_null(w, "caller", r->nr_callers ? r->callers[0] : NULL);
	json_array_begin(w, "call_chain");
	for (int i = 0; i < r->nr_callers; i++)
		json_string(w, NULL, r->callers[i]);
	json_array_end(w);
	json_bool(w, "caller_unreliable", r->callers_unreliable);
	json_object_begin(w, "meminfo");
	json_long_or_null(w, "free_pages", r->mi_free);
	json_long_or_null(w, "free_pcp_pages", r->mi_free_pcp);
	json_long_or_null(w, "free_cma_pages", r->mi_free_cma);
	json_long_or_null(w, "pages_ram", r->pages_ram);
	json_long_or_null(w, "pages_reserved", r->pages_reserved);
	json_long_or_null(w, "pages_cma_reserved", r->pages_cma_reserved);
	json_object_end(w);
	json_array_begin(w, "zones");
	for (int i = 0; i < d->nr_zones; i++)
		json_zone(w, &r->zones[d->zones[i].rz], &d->zones[i]);
	json_array_end(w);
	json_array_begin(w, "warnings");
	for (int i = 0; i < r->nr_warn; i++)
		json_string(w, NULL, r->warn[i]);
	json_array_end(w);
	json_object_begin(w, "verdict");
	json_string(w, "cause", dx_cause_name(d->cause));
	json_string(w, "summary", d->summary);
	json_items(w, "evidence", (char (*)[DX_TEXT])d->evidence, d->nr_evidence);
	json_items(w, "factors", (char (*)[DX_TEXT])d->factors, d->nr_factors);
	json_items(w, "remedies", (char (*)[DX_TEXT])d->remedies, d->nr_remedies);
	json_string(w, "reproduce", d->reproduce);
	json_object_end(w);
	json_object_end(w);
}

static void text_report(FILE *out, const char *file, int idx, const struct rp_report *r,
			const struct dx_result *d)
{
	fprintf(out, "== report %d (%s, lines %d-%d)\n", idx, file, r->first_line, r->last_line);
	fprintf(out, "task:     %s%s", r->comm[0] ? r->comm : "?", r->pid >= 0 ? "" : "\n");
	if (r->pid >= 0)
		fprintf(out, " (pid %d)\n", r->pid);
	fprintf(out, "kernel:   %s%s%s%s (layout %s-%s; %s)\n",
		r->kernel_version[0] ? r->kernel_version : "not printed",
		r->kernel_upstream[0] ? " (Debian " : "", r->kernel_upstream,
		r->kernel_upstream[0] ? ")" : "", d->era->id, d->era->last, d->era_note);
	if (r->vmalloc)
		fprintf(out, "request:  vmalloc of %ld bytes%s\n", r->vmalloc_size,
			r->order >= 0 ? "" : "");
	else if (r->order >= 0 && r->order < 40)
		fprintf(out, "request:  order %d (%ldkB contiguous)\n", r->order, 4L << r->order);
	else if (r->order >= 0)
		fprintf(out, "request:  order %d\n", r->order);
	if (r->have_mode)
		fprintf(out, "mode:     %#x %s%s\n", r->mode, d->names,
			d->names_from_report ? "" : "   (decoded; the kernel printed hex only)");
	if (d->decode_checked && !d->decode_matches)
		fprintf(out, "          our %s decoding: %s\n", d->era->id, d->decoded);
	if (r->nodemask[0] || r->cpuset[0])
		fprintf(out, "nodes:    nodemask=%s%s%s%s%s\n", r->nodemask[0] ? r->nodemask : "?",
			r->cpuset[0] ? " cpuset=" : "", r->cpuset, r->mems_allowed[0] ? " mems_allowed=" : "",
			r->mems_allowed);
	if (r->nr_callers) {
		fprintf(out, "caller:   %s", r->callers[0]);
		for (int i = 1; i < r->nr_callers && i < 4; i++)
			fprintf(out, " <- %s", r->callers[i]);
		fprintf(out, "%s\n", r->callers_unreliable ? "   (unreliable frames)" : "");
	}
	if (r->mi_free >= 0) {
		fprintf(out, "Mem-Info: free %ld pages", r->mi_free);
		if (r->mi_free_pcp >= 0)
			fprintf(out, ", free_pcp %ld", r->mi_free_pcp);
		if (r->mi_free_cma >= 0)
			fprintf(out, ", free_cma %ld", r->mi_free_cma);
		fputc('\n', out);
	}
	for (int i = 0; i < d->nr_zones; i++) {
		const struct dx_zone *dz = &d->zones[i];
		const struct rp_zone *z = &r->zones[dz->rz];
		char zn[40];

		if (z->node >= 0)
			snprintf(zn, sizeof(zn), "Node %d %s", z->node, z->name);
		else
			snprintf(zn, sizeof(zn), "%s", z->name);
		fprintf(out, "zone:     %-16s free %8ldkB  min %7ldkB  low %7ldkB  high %7ldkB  cma %ldkB  %s%s\n",
			zn, dz->free_kb, z->min_kb, z->low_kb, z->high_kb,
			z->free_cma_kb > 0 ? z->free_cma_kb : 0, dx_zone_status_name(dz->status),
			dz->estimated ? " (estimated)" : "");
		if (z->have_buddy) {
			fprintf(out, "          buddy:");
			for (int o = 0; o < z->nr_buddy; o++)
				if (z->buddy[o].count)
					fprintf(out, " %d:%ld%s%s%s", o, z->buddy[o].count,
						z->buddy[o].letters[0] ? "(" : "", z->buddy[o].letters,
						z->buddy[o].letters[0] ? ")" : "");
			fprintf(out, " = %ldkB%s\n", z->buddy_sum_kb,
				z->buddy_total_kb >= 0 && !z->buddy_total_truncated &&
				z->buddy_total_kb != z->buddy_sum_kb ? "  (printed total differs)" : "");
		}
	}
	fprintf(out, "verdict:  %s\n          %s\n", dx_cause_name(d->cause), d->summary);
	fprintf(out, "evidence:\n");
	for (int i = 0; i < d->nr_evidence; i++)
		fprintf(out, "  - %s\n", d->evidence[i]);
	if (d->nr_factors) {
		fprintf(out, "factors:\n");
		for (int i = 0; i < d->nr_factors; i++)
			fprintf(out, "  - %s\n", d->factors[i]);
	}
	if (d->nr_remedies) {
		fprintf(out, "remedies:\n");
		for (int i = 0; i < d->nr_remedies; i++)
			fprintf(out, "  - %s\n", d->remedies[i]);
	}
	fprintf(out, "reproduce: %s\n\n", d->reproduce);
}

int cmd_explain(int argc, char **argv)
{
	bool json = false;
	const char *files[256];
	int nfiles = 0, ret = 0, nreports = 0;
	struct json_writer w;
	struct dx_result *d;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "explain: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (nfiles < 256) {
			files[nfiles++] = argv[i];
		} else {
			fprintf(stderr, "explain: too many files\n");
			return 2;
		}
	}
	if (!nfiles)
		files[nfiles++] = "-";
	d = malloc(sizeof(*d));
	if (!d) {
		fprintf(stderr, "explain: out of memory\n");
		return 2;
	}
	if (json) {
		json_init(&w, stdout, true);
		json_object_begin(&w, NULL);
		json_array_begin(&w, "reports");
	}
	for (int f = 0; f < nfiles; f++) {
		struct text_buf buf = { 0 };
		struct rp_list list = { 0 };
		const char *name = strcmp(files[f], "-") ? files[f] : "<stdin>";
		int err = strcmp(files[f], "-") ? text_read_file(files[f], &buf) : read_stdin(&buf);

		if (err) {
			fprintf(stderr, "explain: %s: %s\n", name, strerror(-err));
			ret = 2;
			continue;
		}
		if (rp_parse(buf.data, buf.len, &list))
			fprintf(stderr, "explain: %s: out of memory, some reports skipped\n", name);
		for (size_t i = 0; i < list.n; i++) {
			dx_diagnose(&list.v[i], d);
			nreports++;
			if (json)
				json_report(&w, name, &list.v[i], d);
			else
				text_report(stdout, name, nreports, &list.v[i], d);
		}
		rp_free(&list);
		text_free(&buf);
	}
	if (json) {
		json_array_end(&w);
		json_int(&w, "count", nreports);
		json_object_end(&w);
		json_finish(&w);
	} else if (!nreports && !ret) {
		printf("no page allocation failure report found\n");
	}
	free(d);
	if (ret)
		return ret;
	return nreports ? 0 : 1;
}
