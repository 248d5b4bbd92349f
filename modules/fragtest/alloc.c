// SPDX-License-Identifier: GPL-2.0
/*
 * fragtest: one allocation step - the chosen API, mask and size, count
 * times, each attempt timed on its own, each result described (node, zone,
 * pageblock migratetype, vmalloc or not) and then freed or held in a pool.
 */
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pageblock-flags.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "fragtest.h"

/* Masks the slab allocator must not see (mm/slab.h GFP_SLAB_BUG_MASK). */
#define FT_SLAB_BAD	(__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK)
/* The page order behind a kmalloc of size: large kmalloc goes to the buddy. */
#define FT_KMALLOC_ORDER(size)	get_order(max_t(size_t, size, 1))

/*
 * The pageblock migratetype of pfn, read as get_pfnblock_flags_mask() does;
 * that function is not exported, the bitmap it reads is.
 */
static int ft_pageblock_mt(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned long *bitmap, bitidx, word;

#ifdef CONFIG_SPARSEMEM
	struct mem_section *ms = __pfn_to_section(pfn);

	if (!ms || !ms->usage)
		return -1;
	bitmap = section_to_usemap(ms);
	bitidx = ((pfn & (PAGES_PER_SECTION - 1)) >> pageblock_order) * NR_PAGEBLOCK_BITS;
#else
	struct zone *zone = page_zone(page);

	bitmap = zone->pageblock_flags;
	bitidx = ((pfn - round_down(zone->zone_start_pfn, pageblock_nr_pages)) >>
		  pageblock_order) * NR_PAGEBLOCK_BITS;
#endif
	word = READ_ONCE(bitmap[bitidx / BITS_PER_LONG]);
	return (word >> (bitidx & (BITS_PER_LONG - 1))) & ((1UL << PB_migratetype_bits) - 1);
}

void ft_describe_page(struct page *page, int *node, int *zone, int *mt)
{
	*node = page_to_nid(page);
	*zone = page_zonenum(page);
	*mt = ft_pageblock_mt(page);
}

static void ft_where_add(struct ft_result *res, struct page *page, unsigned long pages)
{
	int node, zone, mt, i;

	ft_describe_page(page, &node, &zone, &mt);
	for (i = 0; i < res->nr_where; i++) {
		struct ft_where *w = &res->where[i];

		if (w->node == node && w->zone == zone && w->mt == mt) {
			w->pages += pages;
			return;
		}
	}
	if (res->nr_where == FT_MAX_WHERE) {
		res->where_other += pages;
		return;
	}
	res->where[res->nr_where++] = (struct ft_where){ node, zone, mt, pages };
}

bool ft_atomic_ok(const struct ft_step *s)
{
	if (s->verb == FT_VERB_DRAIN)
		return true;
	if (s->verb != FT_VERB_TRY || ft_gfp_blocking(s->gfp))
		return false;
	return s->api != FT_API_VMALLOC && s->api != FT_API_KVMALLOC;
}

/* Checks that depend on the api; errors name the rule that was broken. */
static int ft_alloc_check(struct ft_step *s, struct ft_ctx *ctx)
{
	bool pages = s->api == FT_API_ALLOC_PAGES || s->api == FT_API_ALLOC_PAGES_NODE ||
		     s->api == FT_API_FOLIO_ALLOC;
	int zbits = (__force int)(s->gfp & GFP_ZONEMASK);
	unsigned int eff_order;
	u64 total;

	if (s->order < 0 && pages) {
		s->order = get_order(s->size);
		if (s->order > FT_TOP_ORDER)
			return ft_fail(ctx, -EINVAL,
				       "size %zu needs order %d, above the top order %d",
				       s->size, s->order, FT_TOP_ORDER);
	}
	if (!s->size)
		s->size = PAGE_SIZE << s->order;
	if (!pages)
		s->order = -1;

	if ((GFP_ZONE_BAD >> zbits) & 1)
		return ft_fail(ctx, -EINVAL, "GFP mask names two zones at once");
	if ((s->gfp & FT_MT_MASK) == FT_MT_MASK)
		return ft_fail(ctx, -EINVAL, "__GFP_MOVABLE and __GFP_RECLAIMABLE together");

	switch (s->api) {
	case FT_API_ALLOC_PAGES:
	case FT_API_FOLIO_ALLOC:
		if (s->node != NUMA_NO_NODE)
			return ft_fail(ctx, -EINVAL, "%s takes no node; use alloc_pages_node",
				       ft_api_name(s->api));
		eff_order = s->order;
		break;
	case FT_API_ALLOC_PAGES_NODE:
		eff_order = s->order;
		break;
	case FT_API_KMALLOC:
	case FT_API_KVMALLOC:
		if (s->gfp & FT_SLAB_BAD)
			return ft_fail(ctx, -EINVAL,
				       "%s must not get __GFP_DMA32 or __GFP_HIGHMEM (slab bug mask)",
				       ft_api_name(s->api));
		if (s->api == FT_API_KMALLOC && s->size > KMALLOC_MAX_SIZE)
			return ft_fail(ctx, -EINVAL,
				       "kmalloc size %zu is above KMALLOC_MAX_SIZE %lu",
				       s->size, (unsigned long)KMALLOC_MAX_SIZE);
		eff_order = FT_KMALLOC_ORDER(s->size);
		if (s->api == FT_API_KVMALLOC)
			eff_order = 0;	/* kvmalloc drops __GFP_NOFAIL for kmalloc */
		break;
	case FT_API_VMALLOC:
		if (!ft_gfp_blocking(s->gfp))
			return ft_fail(ctx, -EINVAL,
				       "vmalloc needs a blocking mask (__GFP_DIRECT_RECLAIM)");
		if (s->gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM))
			return ft_fail(ctx, -EINVAL, "vmalloc takes no zone modifier here");
		if (s->node != NUMA_NO_NODE && s->gfp != GFP_KERNEL)
			return ft_fail(ctx, -EINVAL,
				       "vmalloc with a node needs gfp=GFP_KERNEL (only vmalloc_node is exported)");
		eff_order = 0;
		break;
	default:
		return ft_fail(ctx, -EINVAL, "bad api");
	}
	if (s->size > (u64)totalram_pages() * PAGE_SIZE / 2)
		return ft_fail(ctx, -EINVAL, "size %zu is above half of RAM", s->size);

	if (s->gfp & __GFP_NOFAIL) {
		if (eff_order > 1)
			return ft_fail(ctx, -EINVAL,
				       "__GFP_NOFAIL with order %u: the allocator warns above order 1",
				       eff_order);
		if (!ft_gfp_blocking(s->gfp))
			return ft_fail(ctx, -EINVAL,
				       "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM: the allocator warns");
	}

	if (s->pool[0]) {
		total = (u64)s->count * (s->order >= 0 ? PAGE_SIZE << s->order : s->size);
		if (total + ctx->held > (u64)totalram_pages() * PAGE_SIZE / 2)
			return ft_fail(ctx, -EINVAL,
				       "pool limit: holding %llu more bytes would hold over half of RAM",
				       total);
		ctx->held += total;
	}
	return 0;
}

int ft_alloc_prepare(struct ft_step *s, struct ft_ctx *ctx)
{
	struct ft_result *res;
	unsigned int i;

	if (ft_alloc_check(s, ctx))
		return ctx->err;
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return ft_fail(ctx, -ENOMEM, "out of memory for the result");
	INIT_LIST_HEAD(&res->spare);
	s->res = res;
	res->lat = kvcalloc(s->count, sizeof(*res->lat), GFP_KERNEL);
	res->att = kvcalloc(min(s->count, FT_MAX_LISTED), sizeof(*res->att), GFP_KERNEL);
	if (!res->lat || !res->att)
		return ft_fail(ctx, -ENOMEM, "out of memory for the result");
	/* Object records are made now so that holding never allocates. */
	if (s->pool[0] && s->order < 0) {
		for (i = 0; i < s->count; i++) {
			struct ft_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

			if (!o)
				return ft_fail(ctx, -ENOMEM, "out of memory for pool records");
			list_add(&o->list, &res->spare);
		}
	}
	if (s->pool[0]) {
		s->target = ft_pool_get(s->pool, ctx);
		if (!s->target)
			return ctx->err;
	}
	return 0;
}

void ft_result_free(struct ft_result *res)
{
	struct ft_obj *o, *tmp;

	if (!res)
		return;
	list_for_each_entry_safe(o, tmp, &res->spare, list)
		kfree(o);
	kvfree(res->lat);
	kvfree(res->att);
	kfree(res->buddy);
	kvfree(res->pin);
	kfree(res->defer);
	kfree(res);
}

/* Where the memory at ptr lives; vmalloc memory page by page. */
static struct page *ft_describe_ptr(struct ft_result *res, void *ptr, size_t size, bool vm)
{
	struct page *first = NULL, *page;
	size_t off;

	if (!vm) {
		first = virt_to_page(ptr);
		ft_where_add(res, first, DIV_ROUND_UP(size, PAGE_SIZE));
		return first;
	}
	for (off = 0; off < size; off += PAGE_SIZE) {
		page = vmalloc_to_page((char *)ptr + off);
		if (!page)
			continue;
		if (!first)
			first = page;
		ft_where_add(res, page, 1);
	}
	return first;
}

void ft_alloc_run(struct ft_step *s)
{
	struct ft_result *res = s->res;
	unsigned int i;

	for (i = 0; i < s->count; i++) {
		struct ft_attempt a = { .node = -1, .zone = -1, .mt = -1 };
		struct page *page = NULL, *first = NULL;
		struct folio *folio = NULL;
		void *ptr = NULL;
		u64 t0, t1;

		if (fatal_signal_pending(current) ||
		    (s->deadline && ktime_get_ns() > s->deadline)) {
			res->truncated = true;
			break;
		}
		t0 = ktime_get_ns();
		switch (s->api) {
		case FT_API_ALLOC_PAGES:
			page = alloc_pages(s->gfp, s->order);
			break;
		case FT_API_ALLOC_PAGES_NODE:
			page = alloc_pages_node(s->node, s->gfp, s->order);
			break;
		case FT_API_FOLIO_ALLOC:
			folio = folio_alloc(s->gfp, s->order);
			page = folio ? &folio->page : NULL;
			break;
		case FT_API_KMALLOC:
			ptr = kmalloc_node(s->size, s->gfp, s->node);
			break;
		case FT_API_KVMALLOC:
			ptr = kvmalloc_node(s->size, s->gfp, s->node);
			break;
		case FT_API_VMALLOC:
			ptr = s->node == NUMA_NO_NODE ? __vmalloc(s->size, s->gfp) :
							vmalloc_node(s->size, s->node);
			break;
		default:
			break;
		}
		t1 = ktime_get_ns();

		a.ns = t1 - t0;
		res->lat[i] = a.ns;
		res->attempts++;
		a.ok = page || ptr;
		if (!a.ok) {
			res->failures++;
		} else {
			res->successes++;
			if (page) {
				first = page;
				ft_where_add(res, page, 1UL << s->order);
			} else {
				a.vmalloc = is_vmalloc_addr(ptr);
				res->nr_vmalloc += a.vmalloc;
				first = ft_describe_ptr(res, ptr, s->size, a.vmalloc);
			}
			if (first) {
				int node, zone, mt;

				ft_describe_page(first, &node, &zone, &mt);
				a.pfn = page_to_pfn(first);
				a.node = node;
				a.zone = zone;
				a.mt = mt;
			}
			if (page && s->target) {
				ft_pool_add_page(s->target, page, s->order, !!folio);
			} else if (page) {
				if (folio)
					folio_put(folio);
				else
					__free_pages(page, s->order);
			} else if (s->target && !list_empty(&res->spare)) {
				struct ft_obj *o;

				o = list_first_entry(&res->spare, struct ft_obj, list);

				list_del(&o->list);
				o->api = s->api;
				o->ptr = ptr;
				o->bytes = s->size;
				ft_pool_add_obj(s->target, o);
			} else {
				ft_free_obj_mem(s->api, ptr);
			}
		}
		if (i < FT_MAX_LISTED)
			res->att[i] = a;
		if (ft_gfp_blocking(s->gfp) && !(i & 63))
			cond_resched();
	}
}

static int ft_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

void ft_alloc_report(struct ft_step *s, int idx, struct ft_reply *r)
{
	struct ft_result *res = s->res;
	unsigned int hist[64] = { 0 };
	unsigned int i, n = res->attempts;
	char names[256];
	u64 sum = 0;
	int b;

	ft_gfp_describe(s->gfp, names, sizeof(names));
	ft_printf(r,
		  "step index=%d verb=%s api=%s gfp=%#lx gfp_names=%s order=%d size=%zu node=%d count=%u hold=%s\n",
		  idx, ft_verb_name(s->verb), ft_api_name(s->api),
		  (__force unsigned long)s->gfp, names, s->order, s->size, s->node, s->count,
		  s->pool[0] ? s->pool : "-");
	ft_printf(r,
		  "result index=%d attempts=%u successes=%u failures=%u errno=%s vmalloc=%u truncated=%d\n",
		  idx, res->attempts, res->successes, res->failures,
		  res->failures ? "ENOMEM" : "0", res->nr_vmalloc, res->truncated);
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		sum += res->lat[i];
		hist[res->lat[i] ? ilog2(res->lat[i]) : 0]++;
	}
	sort(res->lat, n, sizeof(u64), ft_cmp_u64, NULL);
	/*
	 * Reports run in process context, after the state they describe: a
	 * step of 100k attempts sorts and prints for seconds under emulation,
	 * where the reply's stores may take QEMU's slow path (27 s once).
	 */
	cond_resched();
	ft_printf(r,
		  "latency index=%d min_ns=%llu median_ns=%llu p99_ns=%llu max_ns=%llu mean_ns=%llu\n",
		  idx, res->lat[0], res->lat[(n - 1) / 2],
		  res->lat[DIV_ROUND_UP(99 * n, 100) - 1], res->lat[n - 1], div_u64(sum, n));
	for (b = 0; b < 64; b++)
		if (hist[b])
			ft_printf(r, "hist index=%d log2_ns=%d count=%u\n", idx, b, hist[b]);
	for (b = 0; b < res->nr_where; b++)
		ft_printf(r, "where index=%d node=%d zone=%s mt=%s pages=%lu\n", idx,
			  res->where[b].node, ft_zone_name(res->where[b].zone),
			  ft_mt_name(res->where[b].mt), res->where[b].pages);
	if (res->where_other)
		ft_printf(r, "where index=%d node=-1 zone=other mt=other pages=%lu\n", idx,
			  res->where_other);
	for (i = 0; i < min(n, FT_MAX_LISTED); i++) {
		struct ft_attempt *a = &res->att[i];

		cond_resched();
		if (a->ok)
			ft_printf(r,
				  "attempt index=%d i=%u ok=1 ns=%llu pfn=%#lx node=%d zone=%s mt=%s vmalloc=%d\n",
				  idx, i, a->ns, a->pfn, a->node, ft_zone_name(a->zone),
				  ft_mt_name(a->mt), a->vmalloc);
		else
			ft_printf(r, "attempt index=%d i=%u ok=0 ns=%llu errno=ENOMEM\n",
				  idx, i, a->ns);
	}
}
