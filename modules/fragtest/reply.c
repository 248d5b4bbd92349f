// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest: the reply text of a request, grown as needed. Replies are built
 * after the allocations they describe, never while a request holds memory in
 * a state it is measuring, so growing the buffer cannot disturb a result.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fragtest.h"

static bool ft_reply_grow(struct ft_reply *r, size_t need)
{
	size_t cap = max_t(size_t, r->cap ? r->cap * 2 : 4096, r->len + need + 1);
	char *buf;

	buf = kvmalloc(cap, GFP_KERNEL);
	if (!buf) {
		r->oom = true;
		return false;
	}
	if (r->len)
		memcpy(buf, r->buf, r->len);
	buf[r->len] = '\0';
	kvfree(r->buf);
	r->buf = buf;
	r->cap = cap;
	return true;
}

void ft_printf(struct ft_reply *r, const char *fmt, ...)
{
	va_list args;
	int n;

	if (r->oom)
		return;
	va_start(args, fmt);
	n = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (r->len + n + 1 > r->cap && !ft_reply_grow(r, n))
		return;
	va_start(args, fmt);
	vsnprintf(r->buf + r->len, r->cap - r->len, fmt, args);
	va_end(args);
	r->len += n;
}

void ft_reply_free(struct ft_reply *r)
{
	kvfree(r->buf);
	r->buf = NULL;
	r->len = 0;
	r->cap = 0;
	r->oom = false;
}

int ft_fail(struct ft_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;

	if (ctx->err)		/* keep the first reason */
		return ctx->err;
	ctx->err = err;
	va_start(args, fmt);
	vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, args);
	va_end(args);
	return err;
}
