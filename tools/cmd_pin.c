// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest pin: build a fragmented buddy state with the fragtest module and,
 * in the same call, drain it and try allocations against it.
 */
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
		"usage: fragtest pin [--node N|all] [--zone NAME|all] [--gfp MASK] [--floor PAGES|PCT%%]\n"
		"                    [--pattern alt|group] [--k K] [--drain] [--above K]\n"
		"                    [--try-api API] [--try-gfp MASK] [--try-order LIST] [--try-count N]\n"
		"                    [--redrain] [--keep] [--json] [--pretty] [--raw]\n"
		"  One module request: pin order-0 pages down to the floor (default: high\n"
		"  watermark + margin), free all but one page of every aligned 2^k group\n"
		"  (alt: k=1), optionally drain every free block above order --above, then try\n"
		"  one allocation per order of LIST (e.g. 1-4 or 1,3,9), each reporting the\n"
		"  buddy state seen just before it.\n"
		"  --redrain     drain again right before each try (kswapd refills in between)\n"
		"  --keep        leave the pools 'pin' and 'drain' held (free: fragtest pools free-all)\n"
		"exit status: 0 every try succeeded (or none asked), 1 some try failed, 2 usage,\n"
		"             3 refused or no module\n");
}

/* "1-4" or "1,3,9" into orders; returns the count or -1. */
static int parse_orders(const char *s, int *orders, int max)
{
	int n = 0;
	char *end;

	while (*s) {
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a > 63)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b > 63)
				return -1;
		}
		for (long o = a; o <= b; o++) {
			if (n == max)
				return -1;
			orders[n++] = (int)o;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return n;
}

int cmd_pin(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "zone", required_argument, NULL, 'z' },
		{ "gfp", required_argument, NULL, 'g' },
		{ "floor", required_argument, NULL, 'f' },
		{ "pattern", required_argument, NULL, 'P' },
		{ "k", required_argument, NULL, 'k' },
		{ "drain", no_argument, NULL, 'd' },
		{ "above", required_argument, NULL, 'a' },
		{ "try-api", required_argument, NULL, 'A' },
		{ "try-gfp", required_argument, NULL, 'G' },
		{ "try-order", required_argument, NULL, 'O' },
		{ "try-count", required_argument, NULL, 'C' },
		{ "redrain", no_argument, NULL, 'R' },
		{ "keep", no_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *node = "all", *zone = "all", *gfp = "GFP_KERNEL", *floor = NULL;
	const char *pattern = "alt", *k = NULL, *above = "0", *tapi = "alloc_pages";
	const char *tgfp = "GFP_ATOMIC", *tcount = "1";
	bool drain = false, redrain = false, keep = false, json = false, pretty = false, raw = false;
	int orders[16], nr_orders = 0, opt, err, failed = 0;
	char req[4096];
	size_t len;
	struct ft_client c;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': node = optarg; break;
		case 'z': zone = optarg; break;
		case 'g': gfp = optarg; break;
		case 'f': floor = optarg; break;
		case 'P': pattern = optarg; break;
		case 'k': k = optarg; break;
		case 'd': drain = true; break;
		case 'a': above = optarg; drain = true; break;
		case 'A': tapi = optarg; break;
		case 'G': tgfp = optarg; break;
		case 'O':
			nr_orders = parse_orders(optarg, orders, 16);
			if (nr_orders <= 0) {
				fprintf(stderr, "fragtest pin: bad --try-order '%s'\n", optarg);
				return 2;
			}
			break;
		case 'C': tcount = optarg; break;
		case 'R': redrain = drain = true; break;
		case 'K': keep = true; break;
		case 'j': json = true; break;
		case 'p': json = pretty = true; break;
		case 'r': raw = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	len = (size_t)snprintf(req, sizeof(req), "pin node=%s zone=%s gfp=%s pattern=%s%s%s%s%s",
			       node, zone, gfp, pattern, k ? " k=" : "", k ? k : "",
			       floor ? " floor=" : "", floor ? floor : "");
	if (drain)
		len += (size_t)snprintf(req + len, sizeof(req) - len, "; drain node=%s above=%s",
					node, above);
	for (int i = 0; i < nr_orders && len < sizeof(req); i++) {
		if (redrain && i)
			len += (size_t)snprintf(req + len, sizeof(req) - len,
						"; drain node=%s above=%s", node, above);
		len += (size_t)snprintf(req + len, sizeof(req) - len,
					"; try api=%s gfp=%s order=%d count=%s", tapi, tgfp,
					orders[i], tcount);
	}
	if (len >= sizeof(req)) {
		fprintf(stderr, "fragtest pin: request too long\n");
		return 2;
	}
	err = ftc_open(&c, NULL);
	if (err)
		return ftc_print_failure(NULL, err, "pin");
	err = ftc_request(&c, "%s", req);
	if (json)
		ftc_write_json(&c, req, err, stdout, pretty);
	else if (raw && c.reply)
		fputs(c.reply, stdout);
	if (err) {
		if (!json)
			ftc_print_failure(&c, err, "pin");
		ftc_close(&c);
		return 3;
	}
	for (int step = 0; ftc_record(c.reply, "done", -1, 0) && step < 64; step++) {
		const char *rec;
		struct ftc_result r;

		for (int i = 0; !json && !raw && (rec = ftc_record(c.reply, "pin", step, i)); i++) {
			char z[16] = "";
			uint64_t v[5] = { 0 };
			int nd = -1;

			ftc_get_int(rec, "node", &nd);
			ftc_get_str(rec, "zone", z, sizeof(z));
			ftc_get_u64(rec, "floor", &v[0]);
			ftc_get_u64(rec, "free_before", &v[1]);
			ftc_get_u64(rec, "pinned", &v[2]);
			ftc_get_u64(rec, "released", &v[3]);
			ftc_get_u64(rec, "free_after", &v[4]);
			printf("pin: node %d zone %-8s free %llu -> pinned %llu (floor %llu), released %llu, free now %llu pages\n",
			       nd, z, (unsigned long long)v[1], (unsigned long long)v[2],
			       (unsigned long long)v[0], (unsigned long long)v[3],
			       (unsigned long long)v[4]);
		}
		rec = ftc_record(c.reply, "drain", step, 0);
		if (rec && !json && !raw) {
			char per[128] = "";
			uint64_t pages = 0;

			ftc_get_str(rec, "blocks_per_order", per, sizeof(per));
			ftc_get_u64(rec, "pages", &pages);
			printf("drain: %llu pages in blocks per order %s\n", (unsigned long long)pages,
			       per);
		}
		if (!ftc_parse_result(c.reply, step, &r)) {
			failed += r.failures != 0;
			if (!json && !raw)
				ftc_print_step(stdout, c.reply, step);
		}
	}
	if (!keep) {
		struct ft_client f;

		if (!ftc_open(&f, NULL)) {
			if (ftc_request(&f, "free all"))
				ftc_print_failure(&f, f.err, "pin (freeing the pools)");
			ftc_close(&f);
		}
	}
	ftc_close(&c);
	return failed ? 1 : 0;
}
