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
/*
 * Keep the per-cpu page lists short for a test (vm.percpu_pagelist_high_fraction
 * at its largest useful value). 6.12 tunes them up to an eighth of a zone:
 * pages there are free but invisible to /proc/buddyinfo and to the module's
 * pin and drain, and they go back to the buddy lists, merging, seconds later.
 * 0 (also on kernels without the knob) or a negative errno.
 */
int sysctl_keep_pcp_small(struct sysctl_saved *saved);
/*
 * Keep the kernel's background compaction from undoing a state a test
 * built: no proactive compaction (vm.compaction_proactiveness 0, 5.9+:
 * kcompactd otherwise migrates movable pages out of the holes every half
 * second once the fragmentation score is high) and no watermark boosting
 * (vm.watermark_boost_factor 0: a fallback would wake kswapd and kcompactd).
 * 0 or a negative errno.
 */
int sysctl_quiet_compaction(struct sysctl_saved *saved);
/* Write back every remembered value, newest first; returns the first error or 0. */
int sysctl_restore(struct sysctl_saved *saved);

#endif
