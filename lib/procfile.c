// SPDX-License-Identifier: GPL-2.0
#include "procfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define TEXT_MAX_BYTES (64u << 20)	/* refuse absurd inputs rather than OOM */

int text_read_fd(int fd, struct text_buf *buf)
{
	size_t cap = buf->data ? buf->len + 1 : 0, len = 0;
	char *data = buf->data;

	if (cap < 16384) {
		char *bigger = realloc(data, 16384);

		if (!bigger)
			goto nomem;
		data = bigger;
		cap = 16384;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *bigger;

			if (cap >= TEXT_MAX_BYTES) {
				free(data);
				buf->data = NULL;
				buf->len = 0;
				return -EFBIG;
			}
			bigger = realloc(data, cap * 2);
			if (!bigger)
				goto nomem;
			data = bigger;
			cap *= 2;
		}
		n = pread(fd, data + len, cap - len - 1, (off_t)len);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(data);
			buf->data = NULL;
			buf->len = 0;
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	data[len] = '\0';
	buf->data = data;
	buf->len = len;
	return 0;
nomem:
	free(data);
	buf->data = NULL;
	buf->len = 0;
	return -ENOMEM;
}

int text_read_file(const char *path, struct text_buf *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	buf->data = NULL;
	buf->len = 0;
	if (fd < 0)
		return -errno;
	ret = text_read_fd(fd, buf);
	close(fd);
	return ret;
}

void text_free(struct text_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = 0;
}
