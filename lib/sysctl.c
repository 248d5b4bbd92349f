// SPDX-License-Identifier: GPL-2.0
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void full_path(const char *name, char *out, size_t len)
{
	if (name[0] == '/')
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "/proc/sys/%s", name);
}

int sysctl_read(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	full_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

int sysctl_write(const char *name, const char *value)
{
	char path[128];
	ssize_t n;
	int fd, ret = 0;

	full_path(name, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(value))
		ret = -EIO;
	close(fd);
	return ret;
}

int sysctl_set(struct sysctl_saved *saved, const char *name, const char *value)
{
	char path[128];
	int i, ret;

	full_path(name, path, sizeof(path));
	for (i = 0; i < saved->nr; i++)
		if (!strcmp(saved->item[i].path, path))
			break;
	if (i == saved->nr) {
		if (saved->nr == SYSCTL_SAVED_MAX)
			return -ENOSPC;
		ret = sysctl_read(path, saved->item[i].value, sizeof(saved->item[i].value));
		if (ret)
			return ret;
		snprintf(saved->item[i].path, sizeof(saved->item[i].path), "%s", path);
		saved->nr++;
	}
	return sysctl_write(path, value);
}

int sysctl_keep_pcp_small(struct sysctl_saved *saved)
{
	char path[128];

	full_path("vm/percpu_pagelist_high_fraction", path, sizeof(path));
	if (access(path, F_OK))
		return 0;	/* before 5.14: no such knob, lists were short anyway */
	/* high = managed pages / fraction / CPUs, floored by the kernel at 4 batches */
	return sysctl_set(saved, path, "1000000");
}

int sysctl_quiet_compaction(struct sysctl_saved *saved)
{
	int ret = 0;

	if (!access("/proc/sys/vm/compaction_proactiveness", F_OK))
		ret = sysctl_set(saved, "vm/compaction_proactiveness", "0");
	return ret ? ret : sysctl_set(saved, "vm/watermark_boost_factor", "0");
}

int sysctl_restore(struct sysctl_saved *saved)
{
	int first = 0;

	for (int i = saved->nr - 1; i >= 0; i--) {
		int ret = sysctl_write(saved->item[i].path, saved->item[i].value);

		if (ret && !first)
			first = ret;
	}
	saved->nr = 0;
	return first;
}
