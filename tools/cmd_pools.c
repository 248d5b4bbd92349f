// SPDX-License-Identifier: GPL-2.0
/* fragtest pools: list or free what the fragtest module holds; its limits. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "modclient.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragtest pools [list | free POOL | free-all | info] [--json] [--pretty]\n"
		"  list      pools the fragtest module holds: objects, pages, bytes (default)\n"
		"  free      free one pool; free-all frees every pool\n"
		"  info      module version, top order, page size, pageblock order, GFP names\n"
		"exit status: 0 done, 2 usage, 3 refused or no module\n");
}

int cmd_pools(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool json = false, pretty = false;
	const char *verb = "list";
	char req[128];
	struct ft_client c;
	int opt, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'p': json = pretty = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		verb = argv[optind++];
	if (!strcmp(verb, "list") && optind == argc) {
		snprintf(req, sizeof(req), "pools");
	} else if (!strcmp(verb, "free") && optind + 1 == argc) {
		snprintf(req, sizeof(req), "free pool=%.40s; pools", argv[optind]);
	} else if (!strcmp(verb, "free-all") && optind == argc) {
		snprintf(req, sizeof(req), "free all; pools");
	} else if (!strcmp(verb, "info") && optind == argc) {
		snprintf(req, sizeof(req), "info; gfp");
	} else {
		usage(stderr);
		return 2;
	}
	err = ftc_open(&c, NULL);
	if (err)
		return ftc_print_failure(NULL, err, "pools");
	err = ftc_request(&c, "%s", req);
	if (json) {
		ftc_write_json(&c, req, err, stdout, pretty);
	} else if (!err && !strcmp(verb, "info")) {
		fputs(c.reply, stdout);
	} else if (!err) {
		struct ftc_pool pools[64], total;
		const char *rec;
		int n = ftc_parse_pools(c.reply, pools, 64, &total);

		for (int i = 0; (rec = ftc_record(c.reply, "freed", -1, i)); i++) {
			char name[40] = "";
			uint64_t pages = 0;

			ftc_get_str(rec, "name", name, sizeof(name));
			ftc_get_u64(rec, "pages", &pages);
			printf("freed %s: %llu pages\n", name, (unsigned long long)pages);
		}
		printf("%-32s %10s %10s %14s\n", "pool", "objects", "pages", "bytes");
		for (int i = 0; i < n && i < 64; i++)
			printf("%-32s %10llu %10llu %14llu\n", pools[i].name,
			       (unsigned long long)pools[i].objects,
			       (unsigned long long)pools[i].pages, (unsigned long long)pools[i].bytes);
		printf("%-32s %10llu %10llu %14llu\n", "total", (unsigned long long)total.objects,
		       (unsigned long long)total.pages, (unsigned long long)total.bytes);
	}
	if (err && !json)
		ftc_print_failure(&c, err, "pools");
	ftc_close(&c);
	return err ? 3 : 0;
}
