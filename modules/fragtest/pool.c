// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest: named pools of held allocations. Pages are chained through
 * page->lru with their order in page_private, so holding a page never
 * allocates; other objects use a record made before the step ran. All pool
 * functions run under the request mutex (main.c).
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "fragtest.h"

static LIST_HEAD(ft_pools);
static int ft_nr_pools;

struct ft_pool *ft_pool_find(const char *name)
{
	struct ft_pool *p;

	list_for_each_entry(p, &ft_pools, node)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

struct ft_pool *ft_pool_get(const char *name, struct ft_ctx *ctx)
{
	struct ft_pool *p = ft_pool_find(name);

	if (p)
		return p;
	if (ft_nr_pools >= FT_MAX_POOLS) {
		ft_fail(ctx, -EINVAL, "pool limit: %d pools exist already", FT_MAX_POOLS);
		return NULL;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		ft_fail(ctx, -ENOMEM, "out of memory for a pool");
		return NULL;
	}
	strscpy(p->name, name, sizeof(p->name));
	INIT_LIST_HEAD(&p->pages);
	INIT_LIST_HEAD(&p->objs);
	INIT_LIST_HEAD(&p->refs);
	list_add_tail(&p->node, &ft_pools);
	ft_nr_pools++;
	return p;
}

void ft_pool_add_page(struct ft_pool *p, struct page *page, unsigned int order, bool folio)
{
	set_page_private(page, order | (folio ? FT_PAGE_FOLIO : 0));
	list_add_tail(&page->lru, &p->pages);
	p->nr_objs++;
	p->nr_pages += 1UL << order;
	p->bytes += PAGE_SIZE << order;
}

void ft_pool_add_obj(struct ft_pool *p, struct ft_obj *obj)
{
	list_add_tail(&obj->list, &p->objs);
	p->nr_objs++;
	p->nr_pages += DIV_ROUND_UP(obj->bytes, PAGE_SIZE);
	p->bytes += obj->bytes;
}

/* Pages held by reference are not our memory: objects, but no pages or bytes. */
void ft_pool_add_refs(struct ft_pool *p, struct ft_refs *refs)
{
	list_add_tail(&refs->list, &p->refs);
	p->nr_objs += refs->nr;
}

void ft_free_obj_mem(enum ft_api api, void *ptr)
{
	switch (api) {
	case FT_API_KMALLOC:
		kfree(ptr);
		break;
	case FT_API_KVMALLOC:
		kvfree(ptr);
		break;
	case FT_API_VMALLOC:
		vfree(ptr);
		break;
	default:
		break;
	}
}

u64 ft_pool_held_bytes(void)
{
	struct ft_pool *p;
	u64 sum = 0;

	list_for_each_entry(p, &ft_pools, node)
		sum += p->bytes;
	return sum;
}

static void ft_pool_line(struct ft_reply *r, const char *what, struct ft_pool *p)
{
	if (r)
		ft_printf(r, "%s name=%s objects=%lu pages=%lu bytes=%llu\n", what, p->name,
			  p->nr_objs, p->nr_pages, p->bytes);
}

void ft_pool_free(struct ft_pool *p, struct ft_reply *r)
{
	struct ft_obj *o, *otmp;
	struct ft_refs *refs, *rtmp;
	struct page *page, *ptmp;
	unsigned long n = 0, i;

	ft_pool_line(r, "freed", p);
	list_for_each_entry_safe(page, ptmp, &p->pages, lru) {
		unsigned long priv = page_private(page);

		list_del(&page->lru);
		set_page_private(page, 0);
		if (priv & FT_PAGE_FOLIO)
			folio_put(page_folio(page));
		else
			__free_pages(page, priv & 0xff);
		if (!(++n & 1023))
			cond_resched();
	}
	list_for_each_entry_safe(o, otmp, &p->objs, list) {
		list_del(&o->list);
		ft_free_obj_mem(o->api, o->ptr);
		kfree(o);
		if (!(++n & 1023))
			cond_resched();
	}
	list_for_each_entry_safe(refs, rtmp, &p->refs, list) {
		list_del(&refs->list);
		for (i = 0; i < refs->nr; i++) {
			put_page(refs->pages[i]);
			if (!(++n & 1023))
				cond_resched();
		}
		kvfree(refs);
	}
	list_del(&p->node);
	ft_nr_pools--;
	kfree(p);
}

void ft_pool_free_all(struct ft_reply *r)
{
	struct ft_pool *p, *tmp;

	list_for_each_entry_safe(p, tmp, &ft_pools, node)
		ft_pool_free(p, r);
}

void ft_pool_list(struct ft_reply *r)
{
	struct ft_pool *p;
	unsigned long objs = 0, pages = 0;
	u64 bytes = 0;

	list_for_each_entry(p, &ft_pools, node) {
		ft_pool_line(r, "pool", p);
		objs += p->nr_objs;
		pages += p->nr_pages;
		bytes += p->bytes;
	}
	ft_printf(r, "pools count=%d objects=%lu pages=%lu bytes=%llu\n", ft_nr_pools, objs,
		  pages, bytes);
}

/* Pools a refused request created and left empty. */
void ft_pool_prune_empty(void)
{
	struct ft_pool *p, *tmp;

	list_for_each_entry_safe(p, tmp, &ft_pools, node)
		if (!p->nr_objs)
			ft_pool_free(p, NULL);
}
