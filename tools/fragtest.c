// SPDX-License-Identifier: GPL-2.0
/* fragtest: entry point, dispatching to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "snapshot", cmd_snapshot,
	  "buddy, pagetype, zone, vmstat and extfrag state of this kernel" },
	{ "decode-gfp", cmd_decode_gfp,
	  "GFP mask -> flag names for any kernel era from 2.6.32 on" },
	{ "explain", cmd_explain,
	  "explain page allocation failure reports in a kernel log" },
	{ "alloc", cmd_alloc,
	  "real kernel allocations through the fragtest module, measured" },
	{ "pin", cmd_pin,
	  "fragment the buddy allocator (pin, drain) and try allocations in one call" },
	{ "pools", cmd_pools,
	  "list or free what the fragtest module holds; its limits and GFP names" },
	{ "report", cmd_report,
	  "self-contained HTML report of a results directory" },
	{ "compare", cmd_compare,
	  "two result directories side by side; exit 1 on a regression" },
	{ "watch", cmd_watch,
	  "buddyinfo, pagetypeinfo, vmstat, zoneinfo as JSON lines at N Hz" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: fragtest COMMAND [ARGS]   (fragtest COMMAND --help)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "fragtest: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
