// SPDX-License-Identifier: GPL-2.0
/* fragtest alloc: one allocation step through the fragtest module. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "modclient.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest alloc [--api API] [--gfp MASK] [--order N | --size BYTES]\n"
		"                      [--node N] [--count N] [--hold POOL] [--try] [--json] [--pretty] [--raw]\n"
		"  Issues count real kernel allocations through the fragtest module and reports\n"
		"  successes, latency and where each result lives (node, zone, pageblock type).\n"
		"  --api API     alloc_pages (default), alloc_pages_node, folio_alloc, kmalloc,\n"
		"                kvmalloc, vmalloc\n"
		"  --gfp MASK    flag names joined by '|' (default GFP_KERNEL); see fragtest pools --info\n"
		"  --order N     page order (default 0); --size BYTES with K/M/G suffix instead\n"
		"  --node N      node for alloc_pages_node, kmalloc, kvmalloc, vmalloc\n"
		"  --count N     attempts (default 1)\n"
		"  --hold POOL   keep the results in pool POOL instead of freeing them at once\n"
		"  --try         also report the buddy state seen just before the first attempt\n"
		"  --raw         print the module's reply as it is\n"
		"  --repeat N    send the request N times and compare the round trip through\n"
		"                debugfs with the allocation time the module measured\n"
		"exit status: 0 all attempts succeeded, 1 some failed, 2 usage, 3 refused or no module\n");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t *v, long n, int p)
{
	long i = (p * n + 99) / 100 - 1;

	return v[i < 0 ? 0 : i];
}

/*
 * The cost of the interface: the round trip of each request (write + read
 * of the reply) against the time the module measured inside it for the
 * allocations themselves. Needs count=1 to compare like with like.
 */
static int repeat_request(struct ft_client *c, const char *req, long n, bool json, bool pretty)
{
	uint64_t *trip = calloc((size_t)n, sizeof(*trip)), *alloc = calloc((size_t)n, sizeof(*alloc));
	uint64_t *over = calloc((size_t)n, sizeof(*over));
	struct json_writer w;
	long failed = 0;
	int err = 0;

	if (!trip || !alloc || !over) {
		fprintf(stderr, "fragtest alloc: out of memory\n");
		err = 3;
		goto out;
	}
	for (long i = 0; i < n; i++) {
		struct ftc_result r;

		err = ftc_request(c, "%s", req);
		if (err) {
			ftc_print_failure(c, err, "alloc");
			err = 3;
			goto out;
		}
		if (ftc_parse_result(c->reply, 0, &r) || !r.have_latency) {
			err = 3;
			goto out;
		}
		failed += r.failures;
		trip[i] = c->request_ns;
		alloc[i] = r.mean_ns * r.attempts;
		over[i] = trip[i] > alloc[i] ? trip[i] - alloc[i] : 0;
	}
	qsort(trip, (size_t)n, sizeof(*trip), cmp_u64);
	qsort(alloc, (size_t)n, sizeof(*alloc), cmp_u64);
	qsort(over, (size_t)n, sizeof(*over), cmp_u64);
	if (json) {
		json_init(&w, stdout, pretty);
		json_object_begin(&w, NULL);
		json_string(&w, "request", req);
		json_int(&w, "repeat", n);
		json_int(&w, "failures", failed);
		json_uint(&w, "round_trip_median_ns", pct(trip, n, 50));
		json_uint(&w, "round_trip_p99_ns", pct(trip, n, 99));
		json_uint(&w, "alloc_median_ns", pct(alloc, n, 50));
		json_uint(&w, "alloc_p99_ns", pct(alloc, n, 99));
		json_uint(&w, "overhead_median_ns", pct(over, n, 50));
		json_uint(&w, "overhead_p99_ns", pct(over, n, 99));
		json_object_end(&w);
		json_finish(&w);
	} else {
		printf("%ld requests (%ld failed attempts): %s", n, failed, req);
		printf("  round trip ns: median %llu p99 %llu\n", (unsigned long long)pct(trip, n, 50),
		       (unsigned long long)pct(trip, n, 99));
		printf("  allocation ns: median %llu p99 %llu (measured by the module)\n",
		       (unsigned long long)pct(alloc, n, 50), (unsigned long long)pct(alloc, n, 99));
		printf("  overhead ns:   median %llu p99 %llu\n", (unsigned long long)pct(over, n, 50),
		       (unsigned long long)pct(over, n, 99));
	}
	err = failed ? 1 : 0;
out:
	free(trip);
	free(alloc);
	free(over);
	ftc_close(c);
	return err;
}

int cmd_alloc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "api", required_argument, NULL, 'a' },
		{ "gfp", required_argument, NULL, 'g' },
		{ "order", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "node", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "hold", required_argument, NULL, 'H' },
		{ "try", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "raw", no_argument, NULL, 'r' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *api = "alloc_pages", *gfp = "GFP_KERNEL", *order = NULL, *size = NULL;
	const char *node = NULL, *count = "1", *hold = NULL;
	bool json = false, pretty = false, raw = false, try = false;
	char req[1024];
	struct ft_client c;
	struct ftc_result r;
	long repeat = 0;
	int opt, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': api = optarg; break;
		case 'g': gfp = optarg; break;
		case 'o': order = optarg; break;
		case 's': size = optarg; break;
		case 'n': node = optarg; break;
		case 'c': count = optarg; break;
		case 'H': hold = optarg; break;
		case 't': try = true; break;
		case 'j': json = true; break;
		case 'p': json = pretty = true; break;
		case 'r': raw = true; break;
		case 'R':
			repeat = strtol(optarg, NULL, 10);
			if (repeat < 1 || repeat > 1000000) {
				fprintf(stderr, "fragtest alloc: --repeat wants 1..1000000\n");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (order && size)) {
		usage(stderr);
		return 2;
	}
	snprintf(req, sizeof(req), "%s api=%s gfp=%s %s%s count=%s%s%s%s%s\n",
		 try ? "try" : "alloc", api, gfp, size ? "size=" : "order=",
		 size ? size : order ? order : "0", count, node ? " node=" : "", node ? node : "",
		 hold ? " hold=" : "", hold ? hold : "");
	err = ftc_open(&c, NULL);
	if (err)
		return ftc_print_failure(NULL, err, "alloc");
	if (repeat)
		return repeat_request(&c, req, repeat, json, pretty);
	err = ftc_request(&c, "%s", req);
	if (json)
		ftc_write_json(&c, req, err, stdout, pretty);
	else if (raw && c.reply)
		fputs(c.reply, stdout);
	if (err) {
		if (!json)
			ftc_print_failure(&c, err, "alloc");
		ftc_close(&c);
		return 3;
	}
	if (!json && !raw)
		ftc_print_step(stdout, c.reply, 0);
	err = ftc_parse_result(c.reply, 0, &r);
	ftc_close(&c);
	if (err)
		return 3;
	return r.failures ? 1 : 0;
}
