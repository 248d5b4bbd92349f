/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Confining the page allocator's helper threads (kswapd, kcompactd) to one
 * CPU, at SCHED_IDLE, while a test allocates there, with a record of their
 * CPU masks and scheduling policies so that the supervising parent can put
 * every one back even when the test failed or was killed.
 *
 * Asynchronous compaction gives up at the first lock it finds taken
 * (cc->contended); a kswapd reclaiming on another CPU takes the LRU lock
 * thousands of times a second, so whether a test's direct compaction got
 * its block would otherwise depend on the scheduler. On the test's CPU the
 * threads run only when the test's task sleeps or reschedules, and never
 * hold a spinlock then. At SCHED_IDLE a wakeup does not preempt the test's
 * task either: a kswapd woken by one try no longer runs at the next try's
 * first might_sleep() (voluntary preemption), where it and the kcompactd it
 * wakes could build the block that try was meant to get by its own work.
 * The record lives in caller-provided memory (a harness fixture is shared
 * with the parent).
 */
#ifndef FRAGTEST_KTHREAD_CPU_H
#define FRAGTEST_KTHREAD_CPU_H

#include <sched.h>
#include <stddef.h>

#define KTHREAD_SAVED_MAX	16

struct kthread_saved {
	int nr;
	struct {
		int pid;
		char comm[16];
		cpu_set_t mask;
		int policy;
		struct sched_param param;
	} item[KTHREAD_SAVED_MAX];
};

/*
 * Move every kernel thread whose name starts with one of prefixes (a NULL
 * ended list, e.g. "kswapd", "kcompactd") onto cpu at SCHED_IDLE, and the
 * calling thread onto cpu, remembering each thread's mask and policy first
 * (once: a thread already recorded keeps its first record). The number of
 * kernel threads moved, or -errno with why.
 */
int kthreads_confine(struct kthread_saved *saved, const char *const *prefixes, int cpu,
		     char *why, size_t whylen);
/*
 * Give every recorded thread its policy and mask back (skipping one that
 * exited or whose pid now names another task). 0 or the first error.
 */
int kthreads_restore(struct kthread_saved *saved);

#endif
