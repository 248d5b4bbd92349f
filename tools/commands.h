/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fragtest subcommands. Each lives in tools/cmd_<name>.c, parses its own
 * arguments and returns the process exit status: 0 success, 1 a result the
 * command reports as negative, 2 a usage error, other values documented per
 * command.
 */
#ifndef FRAGTEST_COMMANDS_H
#define FRAGTEST_COMMANDS_H

int cmd_snapshot(int argc, char **argv);
int cmd_decode_gfp(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_alloc(int argc, char **argv);
int cmd_pin(int argc, char **argv);
int cmd_pools(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
