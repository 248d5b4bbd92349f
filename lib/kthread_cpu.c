// SPDX-License-Identifier: GPL-2.0
#include "kthread_cpu.h"

#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /proc/pid/comm without the newline; -errno when the task is gone. */
static int task_comm(int pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(comm, (int)len, f))
		ret = -EIO;
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return ret;
}

/* Kernel threads have no command line and the PF_KTHREAD flag (0x200000). */
static bool is_kthread(int pid)
{
	char path[64], line[256];
	unsigned long flags = 0;
	FILE *f;
	int field = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		/* the flags are the 9th field; the name (2nd) may hold blanks */
		char *p = strrchr(line, ')');

		for (; p && *p && field < 7; p++)
			if (*p == ' ')
				field++;
		if (p && field == 7)
			flags = strtoul(p, NULL, 10);
	}
	fclose(f);
	return flags & 0x00200000;
}

static bool has_prefix(const char *comm, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (!strncmp(comm, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}

/* Record pid's mask and policy unless recorded already; its slot or -errno. */
static int remember(struct kthread_saved *saved, int pid, const char *comm)
{
	int i;

	for (i = 0; i < saved->nr; i++)
		if (saved->item[i].pid == pid)
			return i;
	if (saved->nr == KTHREAD_SAVED_MAX)
		return -ENOSPC;
	if (sched_getaffinity(pid, sizeof(cpu_set_t), &saved->item[i].mask) ||
	    sched_getparam(pid, &saved->item[i].param))
		return -errno;
	saved->item[i].policy = sched_getscheduler(pid);
	if (saved->item[i].policy < 0)
		return -errno;
	saved->item[i].pid = pid;
	snprintf(saved->item[i].comm, sizeof(saved->item[i].comm), "%s", comm);
	saved->nr++;
	return i;
}

int kthreads_confine(struct kthread_saved *saved, const char *const *prefixes, int cpu,
		     char *why, size_t whylen)
{
	struct sched_param idle = { .sched_priority = 0 };
	cpu_set_t one;
	struct dirent *de;
	DIR *d;
	int moved = 0, ret = 0;

	if (cpu < 0 || cpu >= CPU_SETSIZE) {
		snprintf(why, whylen, "no CPU %d", cpu);
		return -EINVAL;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		ret = -errno;
		snprintf(why, whylen, "cannot run on CPU %d: %s", cpu, strerror(-ret));
		return ret;
	}
	d = opendir("/proc");
	if (!d) {
		ret = -errno;
		snprintf(why, whylen, "/proc: %s", strerror(-ret));
		return ret;
	}
	while ((de = readdir(d))) {
		char comm[16];
		int pid, slot;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atoi(de->d_name);
		if (task_comm(pid, comm, sizeof(comm)) || !has_prefix(comm, prefixes) ||
		    !is_kthread(pid))
			continue;
		slot = remember(saved, pid, comm);
		if (slot < 0) {
			ret = slot;
			snprintf(why, whylen, "%s (pid %d): cannot record its CPUs and policy: %s",
				 comm, pid, strerror(-ret));
			break;
		}
		if (sched_setaffinity(pid, sizeof(one), &one)) {
			ret = -errno;
			snprintf(why, whylen, "%s (pid %d): cannot move it to CPU %d: %s", comm,
				 pid, cpu, strerror(-ret));
			break;
		}
		if (sched_setscheduler(pid, SCHED_IDLE, &idle)) {
			ret = -errno;
			snprintf(why, whylen, "%s (pid %d): cannot make it SCHED_IDLE: %s", comm,
				 pid, strerror(-ret));
			break;
		}
		moved++;
	}
	closedir(d);
	return ret ? ret : moved;
}

int kthreads_restore(struct kthread_saved *saved)
{
	int ret = 0;

	for (int i = saved->nr - 1; i >= 0; i--) {
		char comm[16];

		if (task_comm(saved->item[i].pid, comm, sizeof(comm)) ||
		    strcmp(comm, saved->item[i].comm))
			continue;	/* gone, or the pid was reused */
		if (sched_setscheduler(saved->item[i].pid, saved->item[i].policy,
				       &saved->item[i].param) && !ret)
			ret = -errno;
		if (sched_setaffinity(saved->item[i].pid, sizeof(cpu_set_t), &saved->item[i].mask) &&
		    !ret)
			ret = -errno;
	}
	saved->nr = 0;
	return ret;
}
