/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changing /proc/sys values with a record of what they were, so that the
 * supervising parent of a test can put every one back even when the test
 * itself failed or was killed. The record lives in caller-provided memory
 * (a harness fixture is shared with the parent that runs the teardown).
 */
#ifndef FRAGTEST_SYSCTL_H
#define FRAGTEST_SYSCTL_H

#include <stddef.h>

#define SYSCTL_SAVED_MAX	8

struct sysctl_saved {
	int nr;
	struct {
		char path[128];
		char value[64];
	} item[SYSCTL_SAVED_MAX];
};

/* Read a value ("vm/min_free_kbytes" or a /proc/sys path) without the newline. */
int sysctl_read(const char *name, char *buf, size_t len);
int sysctl_write(const char *name, const char *value);
/* Remember the current value once (the first call wins), then write value. */
int sysctl_set(struct sysctl_saved *saved, const char *name, const char *value);
/* Write back every remembered value, newest first; returns the first error or 0. */
int sysctl_restore(struct sysctl_saved *saved);

#endif
