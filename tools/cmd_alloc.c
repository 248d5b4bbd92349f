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
		"exit status: 0 all attempts succeeded, 1 some failed, 2 usage, 3 refused or no module\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *api = "alloc_pages", *gfp = "GFP_KERNEL", *order = NULL, *size = NULL;
	const char *node = NULL, *count = "1", *hold = NULL;
	bool json = false, pretty = false, raw = false, try = false;
	char req[1024];
	struct ft_client c;
	struct ftc_result r;
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
