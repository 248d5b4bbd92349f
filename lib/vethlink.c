// SPDX-License-Identifier: GPL-2.0
/* veth pairs over rtnetlink with libmnl: see vethlink.h. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "vethlink.h"

extern char **environ;

int vl_open(struct vl_sock *nl)
{
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

void vl_close(struct vl_sock *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/*
 * Send a request and wait for its acknowledgement. A signal during the wait
 * is ignored here: the reply still has to be read, and the caller checks for
 * a stop request afterwards. Returns 0 or -errno from the kernel.
 */
static int vl_transact(struct vl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int seq = nlh->nlmsg_seq;
	int ret;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, data);
		if (ret == MNL_CB_ERROR)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static struct nlmsghdr *vl_begin(struct vl_sock *nl, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	return nlh;
}

static void vl_put_queues(struct nlmsghdr *nlh, uint32_t txq, uint32_t rxq)
{
	if (txq)
		mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, txq);
	if (rxq)
		mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, rxq);
}

int vl_veth_create(struct vl_sock *nl, const char *a, const char *b, uint32_t txq, uint32_t rxq)
{
	char buf[1024] = { 0 };	/* attribute padding goes out too */
	struct nlmsghdr *nlh = vl_begin(nl, buf, RTM_NEWLINK,
					NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifm;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, a);
	vl_put_queues(nlh, txq, rxq);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* the peer is an ifinfomsg followed by its own link attributes */
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, b);
	vl_put_queues(nlh, txq, rxq);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return vl_transact(nl, nlh, NULL, NULL);
}

int vl_link_delete(struct vl_sock *nl, const char *name)
{
	char buf[256] = { 0 };
	struct nlmsghdr *nlh = vl_begin(nl, buf, RTM_DELLINK, NLM_F_ACK);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return vl_transact(nl, nlh, NULL, NULL);
}

struct queues_ctx {
	uint32_t txq, rxq;
	bool have_tx, have_rx;
};

static int queues_attr_cb(const struct nlattr *attr, void *data)
{
	struct queues_ctx *q = data;

	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	switch (mnl_attr_get_type(attr)) {
	case IFLA_NUM_TX_QUEUES:
		q->txq = mnl_attr_get_u32(attr);
		q->have_tx = true;
		break;
	case IFLA_NUM_RX_QUEUES:
		q->rxq = mnl_attr_get_u32(attr);
		q->have_rx = true;
		break;
	}
	return MNL_CB_OK;
}

static int queues_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWLINK)
		mnl_attr_parse(nlh, sizeof(struct ifinfomsg), queues_attr_cb, data);
	return MNL_CB_OK;
}

int vl_link_queues(struct vl_sock *nl, const char *name, uint32_t *txq, uint32_t *rxq)
{
	char buf[256] = { 0 };
	struct nlmsghdr *nlh = vl_begin(nl, buf, RTM_GETLINK, NLM_F_ACK);
	struct queues_ctx q = { 0 };
	int ret;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	ret = vl_transact(nl, nlh, queues_cb, &q);
	if (ret)
		return ret;
	if (!q.have_tx || !q.have_rx)
		return -ENODATA;
	*txq = q.txq;
	*rxq = q.rxq;
	return 0;
}

struct dump_ctx {
	const char *prefix;
	char (*names)[IFNAMSIZ];
	size_t nr, cap;
	int err;
};

static int linkinfo_kind_cb(const struct nlattr *attr, void *data)
{
	const char **kind = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*kind = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

struct link_attrs {
	const char *name;
	const char *kind;
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_attrs *la = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			la->name = mnl_attr_get_str(attr);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
			mnl_attr_parse_nested(attr, linkinfo_kind_cb, &la->kind);
		break;
	}
	return MNL_CB_OK;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct link_attrs la = { 0 };

	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, &la);
	/* only veths: a careless prefix must not take down eth0 */
	if (!la.name || !la.kind || strcmp(la.kind, "veth") ||
	    strncmp(la.name, d->prefix, strlen(d->prefix)))
		return MNL_CB_OK;
	if (d->nr == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		void *nn = realloc(d->names, ncap * sizeof(*d->names));

		if (!nn) {
			d->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		d->names = nn;
		d->cap = ncap;
	}
	snprintf(d->names[d->nr++], IFNAMSIZ, "%s", la.name);
	return MNL_CB_OK;
}

static int vl_dump(struct vl_sock *nl, struct dump_ctx *d)
{
	char buf[256] = { 0 };
	struct nlmsghdr *nlh = vl_begin(nl, buf, RTM_GETLINK, NLM_F_DUMP);
	int ret = vl_transact(nl, nlh, dump_cb, d);

	return ret ? ret : d->err;
}

long vl_count_prefix(struct vl_sock *nl, const char *prefix)
{
	struct dump_ctx d = { .prefix = prefix };
	int ret = vl_dump(nl, &d);

	free(d.names);
	return ret ? ret : (long)d.nr;
}

long vl_cleanup_prefix(struct vl_sock *nl, const char *prefix, uint64_t *failed)
{
	struct dump_ctx d = { .prefix = prefix };
	long deleted = 0;
	int ret = vl_dump(nl, &d);

	if (ret) {
		free(d.names);
		return ret;
	}
	for (size_t i = 0; i < d.nr; i++) {
		ret = vl_link_delete(nl, d.names[i]);
		/* ENODEV: its peer was deleted first and took it along */
		if (!ret)
			deleted++;
		else if (ret != -ENODEV)
			(*failed)++;
	}
	free(d.names);
	return deleted;
}

bool vl_load_veth_module(void)
{
	char *argv[] = { "modprobe", "-q", "veth", NULL };
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ))
		return false;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
