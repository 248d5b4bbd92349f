/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading kernel text files (/proc, /sys, debugfs) whole, in one pass, so a
 * parser always sees one consistent rendering of the file.
 */
#ifndef FRAGTEST_PROCFILE_H
#define FRAGTEST_PROCFILE_H

#include <stddef.h>

struct text_buf {
	char *data;	/* NUL-terminated */
	size_t len;
};

/*
 * Read all of path. Returns 0, or -errno with the buffer empty. Files in /proc
 * report size 0, so this grows the buffer until read() returns 0.
 */
int text_read_file(const char *path, struct text_buf *buf);
/* Same, through an already open descriptor, from offset 0 (pread). */
int text_read_fd(int fd, struct text_buf *buf);
void text_free(struct text_buf *buf);

#endif
