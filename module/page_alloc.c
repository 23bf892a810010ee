// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator's front end, as __alloc_pages() is the kernel's: turn a
 * GFP mask into a zonelist, a highest zone, a migrate type and the
 * reserves the caller may touch; try every zone of the zonelist against
 * its low watermark (the fast path); failing that, wake the reclaim
 * threads and retry down to the min watermark with whatever reserves the
 * mask allows, then reclaim directly if the caller may sleep, give back
 * the high-atomic reserve, drain the per-CPU lists, and retry as
 * __GFP_NORETRY, __GFP_RETRY_MAYFAIL and __GFP_NOFAIL say.  altmm has no
 * OOM killer yet: where the kernel would call it, a request fails (or,
 * for __GFP_NOFAIL, waits and retries).
 *
 * Pages handed out are the host's own struct pages of arena frames.  The
 * arena's chunks are order-10 blocks whose tail pages have a host
 * reference count of 0, so the first frame of every allocation is given
 * a count of 1 while it is out, as a freshly allocated kernel page has,
 * and 0 again when it comes back; that lets other kernel code take and
 * drop references as it would on any page.
 *
 * Frees are checked before anything is touched: a page that is not in
 * the arena, that does not start a live allocation, that is freed twice,
 * with the wrong order, or with references still held on the host side
 * is reported (rate-limited), counted, and refused.  A frame's flags are
 * written with plain stores by whoever owns it (the lock of its list, or
 * the caller while it is allocated); the reference count, decremented
 * once per free, decides between two frees racing on one block.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/sched.h>

#include "mmzone.h"
#include "page_alloc.h"

/**
 * struct alloc_context - what every stage of one allocation shares
 * @zonelist: the zones to try, in order
 * @preferred_zone: the first usable zone of @zonelist
 * @highest_zoneidx: the highest zone type the mask allows
 * @migratetype: the migrate type asked for
 */
struct alloc_context {
	struct altmm_zonelist *zonelist;
	struct altmm_zone *preferred_zone;
	int highest_zoneidx;
	int migratetype;
};

/* The next zone of the zonelist the request may use, from index *@i on. */
static struct altmm_zone *next_usable_zone(const struct alloc_context *ac, int *i)
{
	struct altmm_zone *zone;

	while ((zone = ac->zonelist->zones[*i]) && zone->type > ac->highest_zoneidx)
		(*i)++;
	return zone;
}

#define for_each_usable_zone(ac, zone, i)				\
	for ((i) = 0; ((zone) = next_usable_zone((ac), &(i))); (i)++)

/* === Reports === */

#define altmm_misuse(sys, fmt, ...)					\
do {									\
	altmm_count_event(sys, ALTMM_MISUSE, 1);			\
	if (__ratelimit(&(sys)->misuse_rs))				\
		pr_err("%s: " fmt, (sys)->name, ##__VA_ARGS__);		\
} while (0)

static void show_zone_summary(struct altmm_system *sys, struct altmm_zone *zone)
{
	unsigned long nr[ALTMM_MAX_ORDER], flags, total = 0;
	char buf[ALTMM_MAX_ORDER * 16], *p = buf;
	unsigned int order;

	pr_warn("%s: Node %d %s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB reserved_highatomic:%luKB present:%lukB managed:%lukB\n",
		sys->name, altmm_zone_nid(zone), altmm_zone_names[zone->type],
		altmm_zone_free(zone) << 2, zone->watermark_boost << 2,
		zone->watermark[ALTMM_WMARK_MIN] << 2,
		zone->watermark[ALTMM_WMARK_LOW] << 2,
		zone->watermark[ALTMM_WMARK_HIGH] << 2,
		zone->nr_reserved_highatomic << 2, zone->present_pages << 2,
		altmm_zone_managed(zone) << 2);

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < ALTMM_MAX_ORDER; order++)
		nr[order] = zone->free_area[order].nr_free;
	spin_unlock_irqrestore(&zone->lock, flags);
	for (order = 0; order < ALTMM_MAX_ORDER; order++) {
		p += scnprintf(p, buf + sizeof(buf) - p, "%lu*%lukB ", nr[order],
			       4UL << order);
		total += nr[order] << order;
	}
	pr_warn("%s: Node %d %s: %s= %lukB\n", sys->name, altmm_zone_nid(zone),
		altmm_zone_names[zone->type], buf, total << 2);
}

/* As warn_alloc(): what failed, and the state of every zone it could use. */
static void report_alloc_failure(struct altmm_system *sys, gfp_t gfp,
				 unsigned int order, const struct alloc_context *ac)
{
	struct altmm_zone *zone;
	int i;

	altmm_count_event(sys, ALTMM_ALLOC_FAIL, 1);
	if ((gfp & __GFP_NOWARN) || !__ratelimit(&sys->fail_rs))
		return;
	pr_warn("%s: %s: page allocation failure: order:%u, mode:%#x(%pGg), nodemask=(null)\n",
		sys->name, current->comm, order, gfp, &gfp);
	if (!ac)
		return;
	for_each_usable_zone(ac, zone, i)
		show_zone_summary(sys, zone);
}

/* === Counters === */

/* === The new page === */

static bool is_chunk_head(unsigned long pfn)
{
	return !(pfn & ALTMM_SECTION_MASK);
}

static struct page *prep_new_page(struct altmm_system *sys, unsigned long pfn,
				  unsigned int order, gfp_t gfp)
{
	struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
	struct page *page = altmm_pfn_to_host_page(sys, pfn);
	unsigned long i;

	unsigned long flags = (d->flags & ~ALTMM_PG_ORDER_MASK) | BIT(ALTMM_PG_alloc) |
			      ((unsigned long)order << ALTMM_PG_ORDER_SHIFT);

	/*
	 * The frame is ours alone until it is returned: plain stores.  Two
	 * frees racing later are told apart by the reference count.
	 */
	atomic_set(&d->refcount, 1);
	if ((gfp & __GFP_COMP) && order) {
		flags |= BIT(ALTMM_PG_head);
		for (i = 1; i < BIT(order); i++) {
			__set_bit(ALTMM_PG_tail, &d[i].flags);
			d[i].private = i;
		}
	}
	WRITE_ONCE(d->flags, flags);

	if (!is_chunk_head(pfn))
		set_page_count(page, 1);
	if ((gfp & __GFP_ZERO) || READ_ONCE(sys->tune.init_on_alloc))
		for (i = 0; i < BIT(order); i++)
			clear_page(page_address(page + i));
	return page;
}

/* === The fast path === */

/* ALLOC_NOFRAGMENT for Normal allocations that have a local DMA32 to spare. */
static unsigned int alloc_flags_nofragment(struct altmm_system *sys,
					   struct altmm_zone *zone, gfp_t gfp)
{
	unsigned int flags = (__force unsigned int)(gfp & __GFP_KSWAPD_RECLAIM);

	if (zone->type != ALTMM_ZONE_NORMAL)
		return flags;
	if (sys->layout.nr_nodes > 1 &&
	    !altmm_zone_populated(&zone->node->zones[ALTMM_ZONE_DMA32]))
		return flags;
	return flags | ALTMM_ALLOC_NOFRAGMENT;
}

static unsigned long rmqueue(struct altmm_system *sys, const struct alloc_context *ac,
			     struct altmm_zone *zone, unsigned int order,
			     unsigned int alloc_flags)
{
	unsigned long pfn = ALTMM_NO_PFN;

	/* Both count the allocation inside their interrupts-off section. */
	if (order <= ALTMM_PCP_MAX_ORDER)
		pfn = altmm_rmqueue_pcplist(sys, ac->preferred_zone, zone, order,
					    ac->migratetype, alloc_flags);
	if (pfn == ALTMM_NO_PFN)
		pfn = altmm_rmqueue_buddy(sys, ac->preferred_zone, zone, order,
					  ac->migratetype, alloc_flags);
	return pfn;
}

static struct page *get_page_from_freelist(struct altmm_system *sys, gfp_t gfp,
					   unsigned int order,
					   unsigned int alloc_flags,
					   const struct alloc_context *ac)
{
	struct altmm_zone *zone;
	bool no_fallback;
	int i;

retry:
	no_fallback = alloc_flags & ALTMM_ALLOC_NOFRAGMENT;
	for_each_usable_zone(ac, zone, i) {
		unsigned long mark, pfn;

		/* Fragmenting the local node beats a remote node. */
		if (no_fallback && sys->layout.nr_nodes > 1 &&
		    altmm_zone_nid(zone) != altmm_zone_nid(ac->preferred_zone)) {
			alloc_flags &= ~ALTMM_ALLOC_NOFRAGMENT;
			goto retry;
		}
		mark = altmm_wmark(zone, alloc_flags & ALTMM_ALLOC_WMARK_MASK);
		if (!(alloc_flags & ALTMM_ALLOC_NO_WATERMARKS) &&
		    !altmm_zone_watermark_fast(zone, order, mark,
					       ac->highest_zoneidx, alloc_flags))
			continue;

		pfn = rmqueue(sys, ac, zone, order, alloc_flags);
		if (pfn == ALTMM_NO_PFN)
			continue;
		if (alloc_flags & ALTMM_ALLOC_HIGHATOMIC)
			altmm_reserve_highatomic_pageblock(sys, zone, pfn);
		return prep_new_page(sys, pfn, order, gfp);
	}
	if (no_fallback) {
		alloc_flags &= ~ALTMM_ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/* === The slow path === */

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int flags = ALTMM_ALLOC_WMARK_MIN;

	flags |= (__force unsigned int)(gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM));
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			flags |= ALTMM_ALLOC_NON_BLOCK;
			if (order && (flags & ALTMM_ALLOC_MIN_RESERVE))
				flags |= ALTMM_ALLOC_HIGHATOMIC;
		}
	} else if (rt_task(current) && in_task()) {
		flags |= ALTMM_ALLOC_MIN_RESERVE;
	}
	return flags;
}

static void wake_all_kswapds(struct altmm_system *sys, gfp_t gfp,
			     unsigned int order, const struct alloc_context *ac)
{
	unsigned long woken = 0;
	struct altmm_zone *zone;
	int i;

	for_each_usable_zone(ac, zone, i) {
		int nid = altmm_zone_nid(zone);

		if (woken & BIT(nid))
			continue;
		woken |= BIT(nid);
		altmm_wakeup_kswapd(sys, zone, gfp, order, ac->highest_zoneidx);
	}
}

static struct page *direct_reclaim(struct altmm_system *sys, gfp_t gfp,
				   unsigned int order, unsigned int alloc_flags,
				   const struct alloc_context *ac,
				   unsigned long *progress)
{
	bool drained = false;
	struct page *page;

	*progress = altmm_try_to_free_pages(sys, ac->zonelist, order, gfp,
					    altmm_zone_nid(ac->preferred_zone));
	if (!*progress)
		return NULL;
retry:
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, ac);
	/* Pages may be pinned on other CPUs' lists or in the atomic reserve. */
	if (!page && !drained) {
		altmm_unreserve_highatomic_pageblock(sys, ac->zonelist,
						     ac->highest_zoneidx,
						     ac->migratetype, false);
		altmm_drain_all_pages(sys, NULL);
		drained = true;
		goto retry;
	}
	return page;
}

/*
 * should_reclaim_retry(): keep trying while reclaim makes progress and a
 * zone could meet its min watermark with what is reclaimable, for at most
 * ALTMM_MAX_RECLAIM_RETRIES rounds without progress; before giving up,
 * the high-atomic reserve goes, to the last pageblock.
 */
static bool should_reclaim_retry(struct altmm_system *sys, gfp_t gfp,
				 unsigned int order,
				 const struct alloc_context *ac,
				 unsigned int alloc_flags, unsigned long progress,
				 int *no_progress_loops)
{
	struct altmm_zone *zone;
	int i;

	if (progress && order <= ALTMM_PCP_MAX_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops <= ALTMM_MAX_RECLAIM_RETRIES) {
		for_each_usable_zone(ac, zone, i) {
			unsigned long available = altmm_zone_free(zone) +
				altmm_node_pcp_pages(sys, altmm_zone_nid(zone));

			if (altmm_zone_watermark_ok(zone, order,
						    altmm_wmark(zone, ALTMM_WMARK_MIN),
						    ac->highest_zoneidx, alloc_flags,
						    available))
				return true;
		}
		cond_resched();
	}
	/* Before failing (where the kernel would OOM), the reserve goes. */
	return altmm_unreserve_highatomic_pageblock(sys, ac->zonelist,
						    ac->highest_zoneidx,
						    ac->migratetype, true);
}

static struct page *alloc_pages_slowpath(struct altmm_system *sys, gfp_t gfp,
					 unsigned int order,
					 const struct alloc_context *ac)
{
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool costly = order > ALTMM_PCP_MAX_ORDER;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	int no_progress_loops = 0;
	unsigned long progress;
	struct page *page;

	if (alloc_flags & ALTMM_ALLOC_KSWAPD)
		wake_all_kswapds(sys, gfp, order, ac);
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (!can_direct_reclaim)
		goto nopage;

retry:
	if (alloc_flags & ALTMM_ALLOC_KSWAPD)
		wake_all_kswapds(sys, gfp, order, ac);
	/* Others (kswapd, frees, a released reserve) may have made room. */
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	page = direct_reclaim(sys, gfp, order, alloc_flags, ac, &progress);
	if (page)
		return page;
	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly && !(gfp & __GFP_RETRY_MAYFAIL) && !(gfp & __GFP_NOFAIL))
		goto nopage;
	if (should_reclaim_retry(sys, gfp, order, ac, alloc_flags, progress,
				 &no_progress_loops))
		goto retry;

	if (gfp & __GFP_NOFAIL) {
		/* Where the kernel would OOM-kill, wait for frees. */
		page = get_page_from_freelist(sys, gfp, order,
					      ALTMM_ALLOC_WMARK_MIN | ALTMM_ALLOC_MIN_RESERVE, ac);
		if (page)
			return page;
		schedule_timeout_uninterruptible(1);
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	report_alloc_failure(sys, gfp, order, ac);
	return NULL;
}

/* === Entry points === */

/*
 * Decode a request into @ac: its highest zone, migrate type, zonelist and
 * preferred zone.  Misuse (a bad order, mask or node) is reported; a
 * request no zone can serve is reported as a failure.
 */
static bool prepare_alloc(struct altmm_system *sys, gfp_t gfp,
			  unsigned int order, int nid, struct alloc_context *ac)
{
	struct altmm_zone *zone;
	bool mobility_off;
	int i;

	if (unlikely(!READ_ONCE(sys->ready)))
		return false;
	if (unlikely(order >= ALTMM_MAX_ORDER)) {
		if (!(gfp & __GFP_NOWARN))
			altmm_misuse(sys, "order %u allocation: orders 0..%d exist\n",
				     order, ALTMM_MAX_ORDER - 1);
		return false;
	}
	mobility_off = READ_ONCE(sys->tune.page_group_by_mobility_disabled);
	ac->highest_zoneidx = altmm_gfp_zone(gfp);
	ac->migratetype = altmm_gfp_migratetype(gfp, mobility_off);
	if (unlikely(ac->highest_zoneidx < 0 || ac->migratetype < 0)) {
		altmm_misuse(sys, "invalid GFP mask %#x(%pGg)\n", gfp, &gfp);
		return false;
	}
	if (nid == NUMA_NO_NODE)
		nid = altmm_numa_node_id(sys);
	if (unlikely(nid < 0 || nid >= sys->layout.nr_nodes)) {
		altmm_misuse(sys, "allocation on node %d: there are %d nodes\n",
			     nid, sys->layout.nr_nodes);
		return false;
	}
	might_sleep_if(gfp & __GFP_DIRECT_RECLAIM);

	ac->zonelist = &sys->nodes[nid]->zonelists[(gfp & __GFP_THISNODE) ?
						   ALTMM_ZONELIST_NOFALLBACK :
						   ALTMM_ZONELIST_FALLBACK];
	ac->preferred_zone = NULL;
	for_each_usable_zone(ac, zone, i) {
		ac->preferred_zone = zone;
		break;
	}
	if (unlikely(!ac->preferred_zone)) {
		report_alloc_failure(sys, gfp, order, NULL);
		return false;
	}
	return true;
}

/**
 * altmm_sys_alloc_pages() - allocate 2^@order frames from an instance
 * @sys: instance
 * @gfp: the kernel's GFP mask, with the kernel's meaning
 * @order: 0..10
 * @nid: preferred node, or NUMA_NO_NODE for the running CPU's node
 *
 * Context: any context the mask allows: process context for masks with
 * __GFP_DIRECT_RECLAIM (GFP_KERNEL), any context for GFP_ATOMIC/GFP_NOWAIT.
 * Return: the host struct page of the first frame, or NULL.
 */
struct page *altmm_sys_alloc_pages(struct altmm_system *sys, gfp_t gfp,
				   unsigned int order, int nid)
{
	struct alloc_context ac;
	unsigned int alloc_flags;
	struct page *page;

	if (unlikely(!prepare_alloc(sys, gfp, order, nid, &ac)))
		return NULL;
	alloc_flags = ALTMM_ALLOC_WMARK_LOW |
		      alloc_flags_nofragment(sys, ac.preferred_zone, gfp);
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, &ac);
	if (likely(page))
		return page;
	return alloc_pages_slowpath(sys, gfp, order, &ac);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_alloc_pages, ALTMM_INTERNAL);

/* @pfn's section, zone and pageblock type are looked up once, here. */
static void free_pages_to_zone(struct altmm_system *sys, unsigned long pfn,
			       struct altmm_page *d, unsigned int order, bool cold)
{
	struct altmm_zone *zone = altmm_section_zone(sys,
				&sys->sections[altmm_pfn_to_section_nr(pfn)]);
	int mt = altmm_get_pageblock_migratetype(sys, pfn);
	unsigned long flags;

	if (order <= ALTMM_PCP_MAX_ORDER) {
		altmm_free_to_pcp(sys, zone, pfn, d, mt, order, cold);
		return;
	}
	spin_lock_irqsave(&zone->lock, flags);
	__this_cpu_add(sys->vm_events->event[ALTMM_PGFREE], BIT(order));
	altmm_free_one_page(sys, zone, pfn, order, mt, cold);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* Why @d cannot be freed as an allocation of @order, or NULL if it can. */
static const char *free_check(const struct altmm_page *d, unsigned int order)
{
	if (test_bit(ALTMM_PG_alloc, &d->flags))
		return order == altmm_alloc_order(d) ? NULL : "wrong order";
	if (test_bit(ALTMM_PG_buddy, &d->flags) || test_bit(ALTMM_PG_pcp, &d->flags))
		return "double free";
	if (test_bit(ALTMM_PG_reserved, &d->flags))
		return "a reserved frame";
	if (test_bit(ALTMM_PG_tail, &d->flags))
		return "a tail page of a compound allocation";
	return "not the first page of an allocation";
}

/**
 * altmm_sys_free_pages() - drop a reference to an allocation, freeing it
 *	when it was the last (__free_pages())
 * @sys: instance
 * @page: the first page of the allocation
 * @order: the order it was allocated with
 * @cold: the frames will not be touched soon: queue them last
 *
 * Misuse is reported, counted and refused; altmm stays consistent.
 *
 * Context: any.
 * Return: 0 on success (freed, or a reference dropped), -EINVAL if refused.
 */
int altmm_sys_free_pages(struct altmm_system *sys, struct page *page,
			 unsigned int order, bool cold)
{
	struct altmm_page *d;
	unsigned long pfn, i;
	const char *why;
	int refs;

	if (unlikely(!page))
		return 0;
	if (unlikely(!altmm_host_page_to_pfn(sys, page, &pfn))) {
		altmm_misuse(sys, "free of page %p (pfn %#lx): not an altmm page\n",
			     page, page_to_pfn(page));
		return -EINVAL;
	}
	d = altmm_pfn_to_desc(sys, pfn);
	why = free_check(d, order);
	if (unlikely(why)) {
		altmm_misuse(sys, "free of pfn %#lx order %u refused: %s (flags %#lx, order %u)\n",
			     pfn, order, why, d->flags & (BIT(ALTMM_PG_MT_SHIFT) - 1),
			     altmm_alloc_order(d));
		return -EINVAL;
	}
	if (unlikely(!is_chunk_head(pfn) && page_ref_count(page) != 1)) {
		altmm_misuse(sys, "free of pfn %#lx refused: the host holds %d references to it\n",
			     pfn, page_ref_count(page));
		return -EINVAL;
	}
	/* The one locked operation of a free: it also decides a racing pair. */
	refs = atomic_dec_return(&d->refcount);
	if (refs > 0)
		return 0;
	if (unlikely(refs < 0)) {
		atomic_inc(&d->refcount);
		altmm_misuse(sys, "free of pfn %#lx refused: freed twice at once\n", pfn);
		return -EINVAL;
	}

	if (test_bit(ALTMM_PG_head, &d->flags)) {
		for (i = 1; i < BIT(order); i++) {
			__clear_bit(ALTMM_PG_tail, &d[i].flags);
			d[i].private = 0;
		}
	}
	WRITE_ONCE(d->flags, d->flags & ~(BIT(ALTMM_PG_alloc) | BIT(ALTMM_PG_head) |
					  ALTMM_PG_ORDER_MASK));
	d->private = 0;
	if (!is_chunk_head(pfn))
		set_page_count(page, 0);
	if (READ_ONCE(sys->tune.init_on_free))
		for (i = 0; i < BIT(order); i++)
			clear_page(page_address(page + i));
	free_pages_to_zone(sys, pfn, d, order, cold);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_free_pages, ALTMM_INTERNAL);

/**
 * altmm_sys_get_page() - take a reference to an allocation (get_page())
 * @sys: instance
 * @page: its first page
 *
 * Context: any.
 * Return: 0, or -EINVAL for a page that is not a live allocation.
 */
int altmm_sys_get_page(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d;
	unsigned long pfn;

	if (!altmm_host_page_to_pfn(sys, page, &pfn)) {
		altmm_misuse(sys, "get_page of %p: not an altmm page\n", page);
		return -EINVAL;
	}
	d = altmm_pfn_to_desc(sys, pfn);
	if (!test_bit(ALTMM_PG_alloc, &d->flags) ||
	    !atomic_inc_not_zero(&d->refcount)) {
		altmm_misuse(sys, "get_page of pfn %#lx: %s\n", pfn,
			     free_check(d, altmm_alloc_order(d)) ?: "not allocated");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_get_page, ALTMM_INTERNAL);

/**
 * altmm_sys_put_page() - drop a reference; the last one frees (put_page())
 * @sys: instance
 * @page: the first page of the allocation
 *
 * Context: any.
 * Return: 0, or -EINVAL if refused.
 */
int altmm_sys_put_page(struct altmm_system *sys, struct page *page)
{
	unsigned long pfn;

	if (!altmm_host_page_to_pfn(sys, page, &pfn)) {
		altmm_misuse(sys, "put_page of %p: not an altmm page\n", page);
		return -EINVAL;
	}
	return altmm_sys_free_pages(sys, page,
				    altmm_alloc_order(altmm_pfn_to_desc(sys, pfn)),
				    false);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_put_page, ALTMM_INTERNAL);

/**
 * altmm_sys_split_page() - make a non-compound allocation 2^@order single
 *	frames (split_page())
 * @sys: instance
 * @page: the first page of an order-@order allocation held once
 * @order: its order
 *
 * Context: any.
 * Return: 0, or -EINVAL (reported) for anything else.
 */
int altmm_sys_split_page(struct altmm_system *sys, struct page *page,
			 unsigned int order)
{
	struct altmm_page *d;
	unsigned long pfn, i;

	if (!altmm_host_page_to_pfn(sys, page, &pfn)) {
		altmm_misuse(sys, "split of %p: not an altmm page\n", page);
		return -EINVAL;
	}
	d = altmm_pfn_to_desc(sys, pfn);
	if (free_check(d, order) || test_bit(ALTMM_PG_head, &d->flags) ||
	    atomic_read(&d->refcount) != 1) {
		altmm_misuse(sys, "split of pfn %#lx order %u refused: shared or compound\n",
			     pfn, order);
		return -EINVAL;
	}
	for (i = 1; i < BIT(order); i++) {
		altmm_set_alloc_order(&d[i], 0);
		atomic_set(&d[i].refcount, 1);
		__set_bit(ALTMM_PG_alloc, &d[i].flags);
		set_page_count(page + i, 1);
	}
	altmm_set_alloc_order(d, 0);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_split_page, ALTMM_INTERNAL);

/* Frames taken from a CPU's list per interrupts-off section. */
#define BULK_CHUNK	64

/**
 * altmm_sys_alloc_pages_bulk() - fill the NULL slots of an array with
 *	order-0 pages (alloc_pages_bulk_array_node())
 * @sys: instance
 * @gfp: the kernel's GFP mask
 * @nid: preferred node, or NUMA_NO_NODE
 * @nr_pages: slots
 * @page_array: the array
 *
 * Context: as the mask allows.
 * Return: slots that hold a page afterwards.
 */
unsigned long altmm_sys_alloc_pages_bulk(struct altmm_system *sys, gfp_t gfp,
					 int nid, unsigned long nr_pages,
					 struct page **page_array)
{
	unsigned long pfns[BULK_CHUNK], i, want = 0, got = 0, populated = 0, n;
	struct altmm_zone *zone = NULL;
	struct alloc_context ac;
	unsigned int alloc_flags;
	int z;

	for (i = 0; i < nr_pages; i++)
		want += !page_array[i];
	if (!want)
		return nr_pages;
	/* Refused (and reported) once: the single way would refuse it again. */
	if (!prepare_alloc(sys, gfp, 0, nid, &ac))
		return nr_pages - want;

	/*
	 * As __alloc_pages_bulk(): the first zone that stays above its low
	 * mark with every frame taken serves them all from this CPU's list,
	 * in one section per chunk; whatever it cannot give goes the single
	 * way, through the slow path if need be.
	 */
	alloc_flags = ALTMM_ALLOC_WMARK_LOW |
		      alloc_flags_nofragment(sys, ac.preferred_zone, gfp);
	for_each_usable_zone(&ac, zone, z)
		if (altmm_zone_watermark_fast(zone, 0,
					      altmm_wmark(zone, ALTMM_WMARK_LOW) + want,
					      ac.highest_zoneidx, alloc_flags))
			break;
	for (i = 0; zone && i < nr_pages && got < want; i += BULK_CHUNK) {
		unsigned long end = min(nr_pages, i + BULK_CHUNK), j, k = 0, ask = 0;

		for (j = i; j < end; j++)
			ask += !page_array[j];
		if (!ask)
			continue;
		n = altmm_rmqueue_pcplist_bulk(sys, ac.preferred_zone, zone,
					       ac.migratetype, alloc_flags, ask, pfns);
		for (j = i; j < end && k < n; j++)
			if (!page_array[j])
				page_array[j] = prep_new_page(sys, pfns[k++], 0, gfp);
		got += n;
		if (n < ask)
			break;	/* the zone ran dry: the single way takes over */
	}
	/* The single way, stopping at the first frame it cannot have. */
	for (i = 0; i < nr_pages; i++) {
		if (!page_array[i]) {
			page_array[i] = altmm_sys_alloc_pages(sys, gfp, 0, nid);
			if (!page_array[i])
				break;
		}
		populated++;
	}
	/* Slots after the first failure that were already full still count. */
	for (i++; i < nr_pages; i++)
		populated += !!page_array[i];
	return populated;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_alloc_pages_bulk, ALTMM_INTERNAL);
