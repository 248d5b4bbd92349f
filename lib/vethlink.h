/* SPDX-License-Identifier: GPL-2.0 */
/*
 * veth pairs over rtnetlink (libmnl), without `ip` processes: create a pair
 * with chosen rx/tx queue counts (or the kernel's default), delete one, and
 * list or delete every veth whose name starts with a prefix. Used by the
 * veth_churn workload and by the scenarios that create devices themselves
 * (their allocations then run in the test's own process: rtnetlink handles
 * a request in the context of the task that sent it).
 *
 * Programs using it link with -lmnl.
 */
#ifndef FRAGTEST_VETHLINK_H
#define FRAGTEST_VETHLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_socket;

struct vl_sock {
	struct mnl_socket *sock;
	unsigned int portid, seq;
	char buf[65536];	/* whole dump messages; libmnl's size is not constant */
};

/* 0 or -errno. */
int vl_open(struct vl_sock *nl);
void vl_close(struct vl_sock *nl);

/*
 * RTM_NEWLINK for the pair a/b. txq/rxq 0: no IFLA_NUM_*_QUEUES attribute,
 * so the kernel picks the count (veth: the number of possible CPUs).
 * Returns 0 or the kernel's -errno.
 */
int vl_veth_create(struct vl_sock *nl, const char *a, const char *b, uint32_t txq,
		   uint32_t rxq);
/* Deleting either end of a veth removes the pair. 0 or -errno. */
int vl_link_delete(struct vl_sock *nl, const char *name);
/*
 * A link's queue counts as allocated (IFLA_NUM_TX_QUEUES/IFLA_NUM_RX_QUEUES:
 * the sizes of its queue arrays; /sys/class/net/DEV/queues shows only the
 * real, active ones). 0 or -errno.
 */
int vl_link_queues(struct vl_sock *nl, const char *name, uint32_t *txq, uint32_t *rxq);
/* How many veths are named prefix*; -errno when the dump fails. */
long vl_count_prefix(struct vl_sock *nl, const char *prefix);
/*
 * Delete every veth named prefix* (only devices of kind veth: a careless
 * prefix must not take down eth0); returns the number deleted or -errno,
 * and counts devices that could not be deleted in *failed.
 */
long vl_cleanup_prefix(struct vl_sock *nl, const char *prefix, uint64_t *failed);

/*
 * The kernel loads veth itself on the first request (request_module), but
 * not where its usermode helper cannot find modprobe, as in a chrooted VM:
 * run `modprobe -q veth` once. True when it succeeded.
 */
bool vl_load_veth_module(void);

#endif
