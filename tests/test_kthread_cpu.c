// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/kthread_cpu.c that need no root and touch no kernel
 * thread: argument checks, the calling thread's own confinement, and the
 * restore of a record (made here for this process) that skips tasks which
 * exited or whose pid now names another task. Moving kswapd and kcompactd
 * for real is covered in the VM (the pagecache scenario, tests/lab_safety.sh).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "kthread_cpu.h"

static const char *const no_such[] = { "fragtest-no-such-thread", NULL };

/* This process's comm, for a record of itself. */
static void own_comm(char *comm, size_t len)
{
	FILE *f = fopen("/proc/self/comm", "re");

	comm[0] = '\0';
	if (f) {
		if (fgets(comm, (int)len, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
}

TEST(refuses_a_cpu_out_of_range)
{
	struct kthread_saved saved = { 0 };
	char why[128] = "";

	EXPECT_EQ(-EINVAL, kthreads_confine(&saved, no_such, -1, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "no CPU -1"));
	EXPECT_EQ(-EINVAL, kthreads_confine(&saved, no_such, CPU_SETSIZE, why, sizeof(why)));
	EXPECT_EQ(0, saved.nr);
}

TEST(confines_the_caller_and_records_nothing_unmatched)
{
	struct kthread_saved saved = { 0 };
	cpu_set_t orig, now;
	char why[128] = "";
	int cpu = sched_getcpu();

	ASSERT_LE(0, cpu);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(orig), &orig));
	EXPECT_EQ(0, kthreads_confine(&saved, no_such, cpu, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_EQ(0, saved.nr);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(now), &now));
	EXPECT_EQ(1, CPU_COUNT(&now));
	EXPECT_TRUE(CPU_ISSET(cpu, &now));
	EXPECT_EQ(0, kthreads_restore(&saved));
	sched_setaffinity(0, sizeof(orig), &orig);
}

TEST(restore_gives_a_recorded_task_its_mask_and_policy_back)
{
	struct sched_param idle = { .sched_priority = 0 };
	struct kthread_saved saved = { 0 };
	cpu_set_t orig, now;
	char why[128] = "";
	int cpu = sched_getcpu();

	ASSERT_LE(0, cpu);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(orig), &orig));
	saved.item[0].pid = getpid();
	own_comm(saved.item[0].comm, sizeof(saved.item[0].comm));
	saved.item[0].mask = orig;
	saved.item[0].policy = sched_getscheduler(0);
	ASSERT_EQ(0, sched_getparam(0, &saved.item[0].param));
	saved.nr = 1;
	ASSERT_EQ(0, kthreads_confine(&saved, no_such, cpu, why, sizeof(why))) TH_LOG("%s", why);
	/* as kthreads_confine() leaves a kernel thread */
	ASSERT_EQ(0, sched_setscheduler(0, SCHED_IDLE, &idle));
	EXPECT_EQ(0, kthreads_restore(&saved));
	EXPECT_EQ(0, saved.nr);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(now), &now));
	EXPECT_TRUE(CPU_EQUAL(&orig, &now));
	EXPECT_EQ(SCHED_OTHER, sched_getscheduler(0));
	sched_setaffinity(0, sizeof(orig), &orig);
}

TEST(restore_skips_exited_and_reused_pids)
{
	struct kthread_saved saved = { 0 };
	cpu_set_t orig, one, now;
	int cpu = sched_getcpu();
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
	ASSERT_LE(0, cpu);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(orig), &orig));
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	/* the child is gone; this pid now has another name than recorded */
	saved.item[0].pid = child;
	snprintf(saved.item[0].comm, sizeof(saved.item[0].comm), "kswapd0");
	saved.item[0].mask = orig;
	saved.item[1].pid = getpid();
	snprintf(saved.item[1].comm, sizeof(saved.item[1].comm), "kcompactd0");
	saved.item[1].mask = orig;
	saved.nr = 2;
	EXPECT_EQ(0, kthreads_restore(&saved));
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(now), &now));
	EXPECT_TRUE(CPU_EQUAL(&one, &now));
	sched_setaffinity(0, sizeof(orig), &orig);
}

TEST_HARNESS_MAIN
