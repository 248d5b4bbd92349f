// SPDX-License-Identifier: GPL-2.0
#include "kmod.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "procfile.h"

int kmod_supported(char *why, size_t len)
{
	if (access("/proc/modules", R_OK)) {
		snprintf(why, len, "module support not available: /proc/modules missing");
		return -ENOSYS;
	}
	if (geteuid()) {
		snprintf(why, len, "loading modules needs root");
		return -EPERM;
	}
	why[0] = '\0';
	return 0;
}

bool kmod_loaded(const char *name)
{
	struct text_buf buf = { 0 };
	size_t n = strlen(name);
	bool found = false;

	if (text_read_file("/proc/modules", &buf))
		return false;
	for (const char *p = buf.data; p && *p; ) {
		if (!strncmp(p, name, n) && p[n] == ' ') {
			found = true;
			break;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	text_free(&buf);
	return found;
}

int kmod_load(const char *path, const char *params, char *err, size_t errlen)
{
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (syscall(SYS_finit_module, fd, params ? params : "", 0)) {
		ret = -errno;
		snprintf(err, errlen, "finit_module(%s): %s", path, strerror(errno));
	}
	close(fd);
	return ret;
}

int kmod_unload(const char *name, int timeout_ms)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	for (int waited = 0;; waited += 20) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if ((errno != EWOULDBLOCK && errno != EAGAIN && errno != EBUSY) ||
		    waited >= timeout_ms)
			return -errno;
		nanosleep(&pause, NULL);
	}
}
