// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest: a kernel module that issues real allocations on request - the
 * chosen API, GFP mask, order or size and node - measures them, holds or
 * frees what it got, and builds fragmented buddy states (docs/module.md).
 *
 * debugfs fragtest/ctl (0600): write one request, read its reply. The reply
 * belongs to the open file description that wrote the request, so two users
 * with their own descriptors never see each other's replies.
 * debugfs fragtest/info (0400): what "info; gfp" replies.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include <linux/utsname.h>

#include "fragtest.h"

/* Serialises every request: pools and the buddy state are shared. */
static DEFINE_MUTEX(ft_lock);
static struct dentry *ft_dir;

struct ft_file {
	struct mutex lock;	/* reply and off */
	struct ft_reply reply;
	size_t off;		/* read position in the reply */
};

static const char *ft_errname(int err)
{
	switch (err) {
	case -EINVAL: return "EINVAL";
	case -ENOMEM: return "ENOMEM";
	case -ENOENT: return "ENOENT";
	case -EINTR: return "EINTR";
	case -EFAULT: return "EFAULT";
	case -EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "EIO";
	}
}

static void ft_info(struct ft_reply *r)
{
	int nid, z;

	ft_printf(r,
		  "info version=%s release=%s page_size=%lu top_order=%d nr_orders=%d pageblock_order=%u max_count=%d max_request=%d max_steps=%d max_pools=%d max_listed=%d kmalloc_max_size=%lu kmalloc_max_cache_size=%lu\n",
		  FT_VERSION, utsname()->release, PAGE_SIZE, FT_TOP_ORDER, FT_NR_ORDERS,
		  (unsigned int)pageblock_order, FT_MAX_COUNT, FT_MAX_REQUEST, FT_MAX_STEPS,
		  FT_MAX_POOLS, FT_MAX_LISTED, (unsigned long)KMALLOC_MAX_SIZE,
		  (unsigned long)KMALLOC_MAX_CACHE_SIZE);
	for_each_node_state(nid, N_MEMORY) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			unsigned long pcp = 0;
			int cpu;

			if (!populated_zone(zone))
				continue;
			for_each_possible_cpu(cpu)
				/* racy read: a report of pages on per-cpu lists */
				pcp += data_race(per_cpu_ptr(zone->per_cpu_pageset, cpu)->count);
			ft_printf(r, "zone node=%d zone=%s managed=%lu free=%lu pcp=%lu\n", nid,
				  zone->name, zone_managed_pages(zone),
				  zone_page_state(zone, NR_FREE_PAGES), pcp);
		}
	}
}

/*
 * A step's pool is looked up when the request is checked, and a free
 * destroys the pool when it runs: a step after the free would then use a
 * pool that no longer exists. So a request never uses a pool after a step
 * of its own has freed it (or freed all).
 */
static int ft_pool_not_freed(const struct ft_request *req, int idx, struct ft_ctx *ctx)
{
	const struct ft_step *s = &req->steps[idx];
	int j;

	if (!s->pool[0])
		return 0;
	for (j = 0; j < idx; j++) {
		const struct ft_step *e = &req->steps[j];

		if (e->verb == FT_VERB_FREE && (e->all || !strcmp(e->pool, s->pool)))
			return ft_fail(ctx, -EINVAL,
				       "pool '%s' is freed by step %d of this request already",
				       s->pool, j);
	}
	return 0;
}

/*
 * ctx->held follows what the pools will hold as the steps run, so that the
 * pool limit counts the frees before a step and the holds of earlier allocs
 * (a pin or drain holds what it finds, and is not counted in advance).
 */
static int ft_prepare(struct ft_request *req, int idx, struct ft_ctx *ctx)
{
	struct ft_step *s = &req->steps[idx];
	struct ft_pool *p;

	if (ft_pool_not_freed(req, idx, ctx))
		return ctx->err;
	switch (s->verb) {
	case FT_VERB_ALLOC:
		return ft_alloc_prepare(s, ctx);
	case FT_VERB_TRY:
		if (ft_alloc_prepare(s, ctx))
			return ctx->err;
		return ft_frag_check(s, ctx);
	case FT_VERB_PIN:
	case FT_VERB_DRAIN:
		return ft_frag_prepare(s, ctx);
	case FT_VERB_UNDEFER:
		return ft_undefer_prepare(s, ctx);
	case FT_VERB_FREE:
		if (s->all) {
			ctx->held = 0;
			return 0;
		}
		p = ft_pool_find(s->pool);
		if (!p)
			return ft_fail(ctx, -ENOENT, "no pool named '%s'", s->pool);
		/* what earlier allocs of this request add to it stays counted */
		ctx->held -= min(ctx->held, p->bytes);
		return 0;
	default:
		return 0;
	}
}

static void ft_run(struct ft_step *s, struct ft_reply *r)
{
	switch (s->verb) {
	case FT_VERB_TRY:
		ft_buddy_capture(s->res);
		fallthrough;
	case FT_VERB_ALLOC:
		ft_alloc_run(s);
		break;
	case FT_VERB_PIN:
		ft_pin_run(s);
		break;
	case FT_VERB_DRAIN:
		ft_drain_run(s);
		break;
	case FT_VERB_FREE:
		if (s->all)
			ft_pool_free_all(r);
		else
			ft_pool_free(ft_pool_find(s->pool), r);
		break;
	case FT_VERB_POOLS:
		ft_pool_list(r);
		break;
	case FT_VERB_INFO:
		ft_info(r);
		break;
	case FT_VERB_GFP:
		ft_gfp_table(r);
		break;
	case FT_VERB_UNDEFER:
		ft_undefer_run(s);
		break;
	case FT_VERB_SETTLE:
		ft_settle_run(s);
		break;
	}
}

static void ft_report(struct ft_step *s, int idx, struct ft_reply *r)
{
	if (s->verb == FT_VERB_ALLOC || s->verb == FT_VERB_TRY)
		ft_alloc_report(s, idx, r);
	if (s->verb == FT_VERB_TRY || s->verb == FT_VERB_PIN || s->verb == FT_VERB_DRAIN)
		ft_frag_report(s, idx, r);
	if (s->verb == FT_VERB_UNDEFER)
		ft_undefer_report(s, idx, r);
	if (s->verb == FT_VERB_SETTLE)
		ft_settle_report(s, idx, r);
}

/*
 * Parse, check every step, then run them all under ft_lock. The longest tail
 * of drain and non-blocking try steps runs in sections, one from each drain
 * up to the next. A section with a try in it runs with bottom halves (and so
 * preemption) disabled: on one CPU, with its per-cpu page lists, and with no
 * softirq freeing pages between a drain and its tries. Each of its steps may
 * run for FT_ATOMIC_BUDGET_NS and the section for FT_ATOMIC_TAIL_NS, far
 * below the soft lockup threshold (20 s). A section of drains alone has no
 * tries to protect and runs preemptibly: under emulation a whole zone's drain
 * takes seconds. Free steps at the very end do not end the tail: they run
 * after it and before its reports: a state is measured and freed in one call,
 * and the reply grows only after the free.
 */
static bool ft_section_has_try(const struct ft_request *req, int first)
{
	int i;

	for (i = first; i < req->nr; i++) {
		if (i > first && req->steps[i].verb == FT_VERB_DRAIN)
			break;
		if (req->steps[i].verb == FT_VERB_TRY)
			return true;
	}
	return false;
}

static int ft_execute(char *text, struct ft_reply *r)
{
	struct ft_ctx ctx = { .reply = r, .step = -1 };
	struct ft_request *req;
	int i, tail, last;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (ft_parse_request(text, req, &ctx))
		goto out;
	if (mutex_lock_interruptible(&ft_lock)) {
		ft_fail(&ctx, -EINTR, "interrupted while waiting for another request");
		goto out;
	}
	ctx.held = ft_pool_held_bytes();
	for (i = 0; i < req->nr; i++) {
		ctx.step = i;
		if (ft_prepare(req, i, &ctx))
			break;
	}
	if (ctx.err) {
		ft_pool_prune_empty();
		mutex_unlock(&ft_lock);
		goto out;
	}
	ctx.step = -1;
	for (last = req->nr; last > 0 && req->steps[last - 1].verb == FT_VERB_FREE; last--)
		;
	for (tail = last; tail > 0 && ft_atomic_ok(&req->steps[tail - 1]); tail--)
		;
	for (i = 0; i < tail; i++) {
		ft_run(&req->steps[i], r);
		ft_report(&req->steps[i], i, r);
		cond_resched();
	}
	if (tail < last) {
		bool atomic = false;
		u64 end = 0;

		for (i = tail; i < last; i++) {
			if (i == tail || req->steps[i].verb == FT_VERB_DRAIN) {
				if (atomic)
					local_bh_enable();
				cond_resched();
				atomic = ft_section_has_try(req, i);
				if (atomic) {
					local_bh_disable();
					end = ktime_get_ns() + FT_ATOMIC_TAIL_NS;
				}
			}
			if (atomic)
				req->steps[i].deadline = min(ktime_get_ns() + FT_ATOMIC_BUDGET_NS, end);
			ft_run(&req->steps[i], r);
		}
		if (atomic)
			local_bh_enable();
	}
	for (i = last; i < req->nr; i++)
		ft_run(&req->steps[i], r);
	for (i = tail; i < last; i++) {
		ft_report(&req->steps[i], i, r);
		cond_resched();
	}
	mutex_unlock(&ft_lock);
	ft_printf(r, "done steps=%d status=0\n", req->nr);
out:
	for (i = 0; i < FT_MAX_STEPS; i++)
		ft_result_free(req->steps[i].res);
	kfree(req);
	if (ctx.err) {
		r->len = 0;
		if (r->buf)
			r->buf[0] = '\0';
		r->oom = false;
		ft_printf(r, "error errno=%s code=%d step=%d reason=%s\n", ft_errname(ctx.err),
			  ctx.err, ctx.step, ctx.reason);
		return ctx.err;
	}
	return r->oom ? -ENOMEM : 0;
}

static int ft_ctl_open(struct inode *inode, struct file *file)
{
	struct ft_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return stream_open(inode, file);
}

static int ft_ctl_release(struct inode *inode, struct file *file)
{
	struct ft_file *f = file->private_data;

	ft_reply_free(&f->reply);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static ssize_t ft_ctl_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct ft_file *f = file->private_data;
	loff_t off;
	ssize_t ret;

	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	off = f->off;
	ret = simple_read_from_buffer(buf, count, &off, f->reply.buf, f->reply.len);
	if (ret > 0)
		f->off = off;
	mutex_unlock(&f->lock);
	return ret;
}

/* One write is one request; its reply replaces the previous one. */
static ssize_t ft_ctl_write(struct file *file, const char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	struct ft_file *f = file->private_data;
	struct ft_reply reply = { 0 };
	char *text = NULL;
	int ret;

	if (count > FT_MAX_REQUEST) {
		ft_printf(&reply,
			  "error errno=EINVAL code=%d step=-1 reason=request of %zu bytes is longer than %d\n",
			  -EINVAL, count, FT_MAX_REQUEST);
		ret = -EINVAL;
	} else {
		text = memdup_user_nul(ubuf, count);
		if (IS_ERR(text))
			return PTR_ERR(text);
		if (memchr(text, '\0', count)) {
			ft_printf(&reply,
				  "error errno=EINVAL code=%d step=-1 reason=malformed request: NUL byte\n",
				  -EINVAL);
			ret = -EINVAL;
		} else {
			ret = ft_execute(text, &reply);
		}
		kfree(text);
	}

	mutex_lock(&f->lock);
	ft_reply_free(&f->reply);
	f->reply = reply;
	f->off = 0;
	mutex_unlock(&f->lock);
	return ret ? ret : count;
}

static const struct file_operations ft_ctl_fops = {
	.owner = THIS_MODULE,
	.open = ft_ctl_open,
	.release = ft_ctl_release,
	.read = ft_ctl_read,
	.write = ft_ctl_write,
};

static int ft_info_open(struct inode *inode, struct file *file)
{
	struct ft_reply *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	ft_info(r);
	ft_gfp_table(r);
	if (r->oom) {
		ft_reply_free(r);
		kfree(r);
		return -ENOMEM;
	}
	file->private_data = r;
	return 0;
}

static int ft_info_release(struct inode *inode, struct file *file)
{
	struct ft_reply *r = file->private_data;

	ft_reply_free(r);
	kfree(r);
	return 0;
}

static ssize_t ft_info_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct ft_reply *r = file->private_data;

	return simple_read_from_buffer(buf, count, ppos, r->buf, r->len);
}

static const struct file_operations ft_info_fops = {
	.owner = THIS_MODULE,
	.open = ft_info_open,
	.release = ft_info_release,
	.read = ft_info_read,
	.llseek = default_llseek,
};

static int __init ft_init(void)
{
	ft_dir = debugfs_create_dir("fragtest", NULL);
	if (IS_ERR(ft_dir))
		return PTR_ERR(ft_dir);
	debugfs_create_file("ctl", 0600, ft_dir, NULL, &ft_ctl_fops);
	debugfs_create_file("info", 0400, ft_dir, NULL, &ft_info_fops);
	return 0;
}

static void __exit ft_exit(void)
{
	/* Waits for running requests; open files hold a module reference. */
	debugfs_remove_recursive(ft_dir);
	mutex_lock(&ft_lock);
	ft_pool_free_all(NULL);
	mutex_unlock(&ft_lock);
}

module_init(ft_init);
module_exit(ft_exit);
MODULE_DESCRIPTION("fragtest: issue, measure and hold real kernel allocations; build fragmented buddy states");
MODULE_AUTHOR("fragtest");
MODULE_LICENSE("GPL");
MODULE_VERSION(FT_VERSION);
MODULE_INFO(test, "Y");
