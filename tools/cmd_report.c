// SPDX-License-Identifier: GPL-2.0
/* fragtest report RESULTS_DIR: placeholder while the HTML writer lands. */
#include <stdio.h>

#include "commands.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "fragtest report: not implemented yet\n");
	return 2;
}
