// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator's front end, as __alloc_pages() is the kernel's: turn a
 * GFP mask, narrowed by the task's memalloc_no{fs,io} scopes, into a
 * zonelist, a highest zone, a migrate type and the reserves the caller may
 * touch; try every zone of the zonelist against its low watermark (the
 * fast path); failing that, wake the reclaim threads and retry down to
 * the min watermark with whatever reserves the mask and the task allow
 * (none watermarks at all for __GFP_MEMALLOC and PF_MEMALLOC tasks), then
 * reclaim directly if the caller may sleep and is not itself reclaiming,
 * give back the high-atomic reserve, drain the per-CPU lists, and retry
 * as __GFP_NORETRY, __GFP_RETRY_MAYFAIL and __GFP_NOFAIL say.  altmm has
 * no OOM killer yet: where the kernel would call it, a request fails (or,
 * for __GFP_NOFAIL, waits and retries).
 *
 * Pages handed out are the host's own struct pages of arena frames.  The
 * arena's chunks are order-10 blocks whose tail pages have a host
 * reference count of 0, so the first frame of every allocation is given
 * a count of 1 while it is out, as a freshly allocated kernel page has,
 * and 0 again when it comes back (a chunk's first frame keeps the
 * arena's 1 throughout); that lets other kernel code take and drop
 * references as it would on any page.  A __GFP_COMP block is made a
 * compound page to the host as well, and plain again when it returns.
 *
 * Frees are checked before anything is touched: a page that is not in
 * the arena, that does not start a live allocation, that is freed twice,
 * with the wrong order, or with references still held on the host side
 * is reported (rate-limited), counted, and refused.  A frame's flags are
 * written with plain stores by whoever owns it (the lock of its list, or
 * the caller while it is allocated); ownership passes back to the
 * allocator in two atomic steps, freezing the host count and clearing
 * altmm's own (put_allocation()), which also decide between two frees
 * racing on one block.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/page_ref.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>

#include "altmm_trace.h"
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

/*
 * A __GFP_COMP block is a compound page to the host too, laid out as 6.1's
 * prep_compound_page() leaves it (PG_head on the head; compound_head with
 * bit 0 and TAIL_MAPPING on every tail; destructor, order, nr and the
 * mapcounts in the first tail), so that the kernel's compound_head(),
 * compound_order(), page_size(), virt_to_head_page() and get_page() or
 * put_page() on a tail see what they would on a kernel page.
 *
 * The first words of a tail's struct page are whatever the host left
 * there (stale list pointers, at rest unread); prep overwrites them, so
 * each tail's first word is kept in its altmm descriptor's list head
 * (unused while the frame is a tail) with the first tail's second word,
 * and put back on free: the host gets every page back as it handed it
 * out.
 */
static void host_compound_prep(struct page *page, struct altmm_page *d,
			       unsigned int order)
{
	unsigned long i;

	d[1].lru.prev = page[1].lru.prev;
	for (i = 1; i < BIT(order); i++) {
		d[i].lru.next = (struct list_head *)page[i].compound_head;
		page[i].mapping = TAIL_MAPPING;
		set_compound_head(page + i, page);
		set_page_private(page + i, 0);
	}
	set_compound_page_dtor(page, COMPOUND_PAGE_DTOR);
	set_compound_order(page, order);
	atomic_set(compound_mapcount_ptr(page), -1);
	atomic_set(compound_pincount_ptr(page), 0);
	__set_bit(PG_head, &page->flags);
}

/* Undo host_compound_prep(): a plain, non-compound block again. */
static void host_compound_undo(struct page *page, struct altmm_page *d,
			       unsigned int order)
{
	unsigned long i;

	__clear_bit(PG_head, &page->flags);
	for (i = 1; i < BIT(order); i++) {
		/* Also clears the first tail's pincount and nr. */
		page[i].mapping = NULL;
		WRITE_ONCE(page[i].compound_head, (unsigned long)d[i].lru.next);
		d[i].lru.next = &d[i].lru;
	}
	page[1].lru.prev = d[1].lru.prev;
	d[1].lru.prev = &d[1].lru;
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
	 * The frame is ours alone until it is returned: plain stores.  The
	 * host count goes from 0 (or, on a chunk's first frame, the arena's
	 * 1, which stands for the allocation's) to 1.
	 */
	atomic_set(&d->refcount, 1);
	if ((gfp & __GFP_COMP) && order) {
		flags |= BIT(ALTMM_PG_head);
		for (i = 1; i < BIT(order); i++) {
			__set_bit(ALTMM_PG_tail, &d[i].flags);
			d[i].private = i;
		}
		host_compound_prep(page, d, order);
	}
	WRITE_ONCE(d->flags, flags);

	if (!is_chunk_head(pfn))
		set_page_count(page, 1);
	altmm_page_owner_alloc(sys, pfn, order, gfp);
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
	if (altmm_pcp_allowed_order(order))
		pfn = altmm_rmqueue_pcplist(sys, ac->preferred_zone, zone, order,
					    ac->migratetype, alloc_flags);
	if (pfn == ALTMM_NO_PFN)
		pfn = altmm_rmqueue_buddy(sys, ac->preferred_zone, zone, order,
					  ac->migratetype, alloc_flags);
	/* A fallback boosted the watermarks: kswapd reclaims the boost. */
	if ((alloc_flags & ALTMM_ALLOC_KSWAPD) &&
	    unlikely(test_bit(ALTMM_ZONE_BOOSTED_WATERMARK, &zone->flags))) {
		clear_bit(ALTMM_ZONE_BOOSTED_WATERMARK, &zone->flags);
		altmm_wakeup_kswapd(sys, zone, 0, 0, zone->type);
	}
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

	/*
	 * As 6.1's __perform_reclaim(), reclaim runs PF_MEMALLOC (it enters
	 * the scope itself), so what a shrinker allocates may use the
	 * reserves and never reclaims again.
	 */
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
				altmm_zone_pcp_pages(zone);

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

/*
 * __alloc_pages_direct_compact(): compaction (compaction.c) for a high
 * order, then an allocation; a success resets the zone's deferral.
 * Compaction runs PF_MEMALLOC, as reclaim does.
 */
static struct page *direct_compact(struct altmm_system *sys, gfp_t gfp,
				   unsigned int order, unsigned int alloc_flags,
				   const struct alloc_context *ac,
				   enum compact_priority prio,
				   enum compact_result *result)
{
	typeof(sys->try_to_compact) compact = READ_ONCE(sys->try_to_compact);
	unsigned int noreclaim;
	unsigned long pfn;
	struct page *page;

	*result = COMPACT_SKIPPED;
	if (!order || !compact)
		return NULL;
	noreclaim = memalloc_noreclaim_save();
	*result = compact(sys, gfp, order, alloc_flags, ac->zonelist,
			  ac->highest_zoneidx, prio);
	memalloc_noreclaim_restore(noreclaim);
	if (*result == COMPACT_SKIPPED)
		return NULL;
	altmm_count_event(sys, ALTMM_COMPACTSTALL, 1);
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, ac);
	if (page) {
		struct altmm_zone *zone;

		altmm_host_page_to_pfn(sys, page, &pfn);
		zone = altmm_pfn_to_zone(sys, pfn);
		WRITE_ONCE(zone->compact_blockskip_flush, false);
		altmm_compaction_defer_reset(zone, order, true);
		altmm_count_event(sys, ALTMM_COMPACTSUCCESS, 1);
		return page;
	}
	altmm_count_event(sys, ALTMM_COMPACTFAIL, 1);
	cond_resched();
	return NULL;
}

/*
 * zonelist_compaction_suitable(): would compaction find enough free
 * frames in some zone if reclaim freed part of what the LRU lists hold?
 */
static bool zonelist_compaction_suitable(const struct alloc_context *ac,
					 unsigned int order, unsigned int alloc_flags)
{
	struct altmm_zone *zone;
	int i;

	for_each_usable_zone(ac, zone, i) {
		unsigned long lru = 0;
		int l;

		/* Not all of it: one high-order request is not worth thrashing for. */
		for (l = ALTMM_NR_ZONE_INACTIVE_ANON; l <= ALTMM_NR_ZONE_ACTIVE_FILE; l++)
			lru += atomic_long_read(&zone->vm_stat[l]);
		if (altmm_compaction_watermarks(zone, order, alloc_flags, ac->highest_zoneidx,
						altmm_zone_free(zone) + lru / order) ==
		    COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/*
 * should_compact_retry(): retry a high order while compaction makes
 * progress (a quarter as often for costly orders), and before giving up,
 * once at each stronger priority.
 */
static bool should_compact_retry(const struct alloc_context *ac, unsigned int order,
				 unsigned int alloc_flags, enum compact_result result,
				 enum compact_priority *prio, int *retries)
{
	int max_retries = ALTMM_MAX_COMPACT_RETRIES;
	enum compact_priority min_prio;

	if (!order || fatal_signal_pending(current))
		return false;
	if (result == COMPACT_SUCCESS)
		(*retries)++;
	if (result == COMPACT_COMPLETE)
		goto check_priority;
	/* Too few free frames to compact with: retry if reclaim could help. */
	if (result == COMPACT_SKIPPED)
		return zonelist_compaction_suitable(ac, order, alloc_flags);
	if (result == COMPACT_DEFERRED || result == COMPACT_CONTENDED ||
	    result == COMPACT_PARTIAL_SKIPPED)
		goto check_priority;
	if (order > ALTMM_PCP_MAX_ORDER)
		max_retries /= 4;
	if (*retries <= max_retries)
		return true;
check_priority:
	min_prio = order > ALTMM_PCP_MAX_ORDER ? MIN_COMPACT_COSTLY_PRIORITY :
						 MIN_COMPACT_PRIORITY;
	if (*prio > min_prio) {
		(*prio)--;
		*retries = 0;
		return true;
	}
	return false;
}

/*
 * __gfp_pfmemalloc_flags(): who may ignore the watermarks altogether.
 * __GFP_NOMEMALLOC forbids it; __GFP_MEMALLOC asks for it; a task in
 * reclaim (PF_MEMALLOC: kswapd, a direct reclaimer, a
 * memalloc_noreclaim_save() scope) gets it outside interrupts and in the
 * softirq it runs itself; a victim of the host's OOM killer gets part of
 * the reserves so that it can exit.
 */
static unsigned int gfp_pfmemalloc_flags(gfp_t gfp)
{
	if (unlikely(gfp & __GFP_NOMEMALLOC))
		return 0;
	if (gfp & __GFP_MEMALLOC)
		return ALTMM_ALLOC_NO_WATERMARKS;
	if (in_serving_softirq() && (current->flags & PF_MEMALLOC))
		return ALTMM_ALLOC_NO_WATERMARKS;
	if (!in_interrupt()) {
		if (current->flags & PF_MEMALLOC)
			return ALTMM_ALLOC_NO_WATERMARKS;
		if (tsk_is_oom_victim(current))
			return ALTMM_ALLOC_OOM;
	}
	return 0;
}

/*
 * __alloc_pages_may_oom(): the OOM killer (user memory's, usermem.c), for
 * the requests 6.1 would call it for: not costly orders, not callers that
 * may fail or are bound to a node, not lowmem-only ones.  Where 6.1 lets
 * a request without __GFP_FS retry as if the killer had helped, altmm
 * kills nothing and the request fails; and one whose own task is dying
 * fails rather than loop.  Returns true when memory is on its way.
 */
static bool alloc_may_oom(struct altmm_system *sys, gfp_t gfp, unsigned int order,
			  const struct alloc_context *ac)
{
	typeof(sys->out_of_memory) oom = READ_ONCE(sys->out_of_memory);

	if (!oom || order > ALTMM_PCP_MAX_ORDER || !(gfp & __GFP_FS) ||
	    (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) ||
	    ac->highest_zoneidx < ALTMM_ZONE_NORMAL || fatal_signal_pending(current))
		return false;
	return oom(sys, gfp, order);
}

static struct page *alloc_pages_slowpath(struct altmm_system *sys, gfp_t gfp,
					 unsigned int order,
					 const struct alloc_context *ac)
{
	enum compact_priority compact_priority = DEF_COMPACT_PRIORITY;
	enum compact_result compact_result = COMPACT_SKIPPED;
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool costly = order > ALTMM_PCP_MAX_ORDER;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	int no_progress_loops = 0, compaction_retries = 0;
	unsigned int reserve_flags;
	unsigned long progress = 0;
	struct page *page;

	if (alloc_flags & ALTMM_ALLOC_KSWAPD)
		wake_all_kswapds(sys, gfp, order, ac);
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, ac);
	if (page)
		return page;

	/*
	 * Costly orders, and high orders that are not movable (which
	 * reclaim's order-0 frees help least), compact before reclaiming,
	 * asynchronously; a costly __GFP_NORETRY request that compaction
	 * skipped or deferred gives up there.
	 */
	if (can_direct_reclaim && (costly || (order && ac->migratetype != ALTMM_MIGRATE_MOVABLE)) &&
	    !gfp_pfmemalloc_flags(gfp)) {
		page = direct_compact(sys, gfp, order, alloc_flags, ac,
				      INIT_COMPACT_PRIORITY, &compact_result);
		if (page)
			return page;
		if (costly && (gfp & __GFP_NORETRY)) {
			if (compact_result == COMPACT_SKIPPED ||
			    compact_result == COMPACT_DEFERRED)
				goto nopage;
			compact_priority = INIT_COMPACT_PRIORITY;
		}
	}

retry:
	if (alloc_flags & ALTMM_ALLOC_KSWAPD)
		wake_all_kswapds(sys, gfp, order, ac);
	reserve_flags = gfp_pfmemalloc_flags(gfp);
	if (reserve_flags)
		alloc_flags = reserve_flags | (alloc_flags & ALTMM_ALLOC_KSWAPD);
	/* Others (kswapd, frees, a released reserve) may have made room. */
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (!can_direct_reclaim)
		goto nopage;
	/* A task already reclaiming must not reclaim again from inside it. */
	if (current->flags & PF_MEMALLOC)
		goto nopage;
	page = direct_reclaim(sys, gfp, order, alloc_flags, ac, &progress);
	if (page)
		return page;
	page = direct_compact(sys, gfp, order, alloc_flags, ac, compact_priority,
			      &compact_result);
	if (page)
		return page;
	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly && !(gfp & __GFP_RETRY_MAYFAIL))
		goto nopage;
	if (should_reclaim_retry(sys, gfp, order, ac, alloc_flags, progress,
				 &no_progress_loops))
		goto retry;
	if (progress && should_compact_retry(ac, order, alloc_flags, compact_result,
					     &compact_priority, &compaction_retries))
		goto retry;
	/*
	 * Retry as long as the OOM killer is making progress; a tick first,
	 * so that its victim gets a CPU to exit on (6.1 sleeps a tick when
	 * another task holds oom_lock, and in should_reclaim_retry()).
	 */
	if (alloc_may_oom(sys, gfp, order, ac)) {
		no_progress_loops = 0;
		schedule_timeout_killable(1);
		goto retry;
	}

nopage:
	/* __GFP_NOFAIL never leaks out, whatever sent it here. */
	if (gfp & __GFP_NOFAIL) {
		/* 6.1 warns and fails a caller that cannot sleep. */
		if (!can_direct_reclaim)
			goto fail;
		/*
		 * Some of the reserves non-blocking requests use, never all of
		 * them; then, where 6.1 relies on the OOM killer's progress,
		 * wait a tick for frees.
		 */
		page = get_page_from_freelist(sys, gfp, order,
					      ALTMM_ALLOC_WMARK_MIN | ALTMM_ALLOC_MIN_RESERVE, ac);
		if (page)
			return page;
		schedule_timeout_uninterruptible(1);
		goto retry;
	}
fail:
	report_alloc_failure(sys, gfp, order, ac);
	return NULL;
}

/* === Entry points === */

/*
 * Decode a request into @ac: its highest zone, migrate type, zonelist and
 * preferred zone.  Misuse (a bad order, mask or node) is reported; a
 * request no zone can serve is reported as a failure.
 */
/* fail_page_alloc's filters, then the common rules (fault.c). */
static bool should_fail_alloc_page(struct altmm_system *sys, gfp_t gfp,
				   unsigned int order)
{
	struct altmm_fault_attr *attr = &sys->fail_page_alloc;

	if (likely(!READ_ONCE(attr->probability)))
		return false;
	if (order < READ_ONCE(attr->min_order) || (gfp & __GFP_NOFAIL))
		return false;
	if (READ_ONCE(attr->ignore_gfp_highmem) && (gfp & __GFP_HIGHMEM))
		return false;
	if (READ_ONCE(attr->ignore_gfp_reclaim) && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	return altmm_should_fail(sys, attr, BIT(order), gfp & __GFP_NOWARN);
}

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
	altmm_might_reclaim(gfp);
	if (unlikely(should_fail_alloc_page(sys, gfp, order)))
		return false;

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

	/* The caller's memalloc_no{fs,io}_save() and pin scopes narrow the mask. */
	gfp = current_gfp_context(gfp);
	if (unlikely(!prepare_alloc(sys, gfp, order, nid, &ac)))
		return NULL;
	alloc_flags = ALTMM_ALLOC_WMARK_LOW |
		      alloc_flags_nofragment(sys, ac.preferred_zone, gfp);
	page = get_page_from_freelist(sys, gfp, order, alloc_flags, &ac);
	if (unlikely(!page))
		page = alloc_pages_slowpath(sys, gfp, order, &ac);
	trace_mm_page_alloc(page, order, gfp, ac.migratetype);
	return page;
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

	if (altmm_pcp_allowed_order(order)) {
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

#if IS_ENABLED(CONFIG_KUNIT)
static void (*free_decided_hook)(struct altmm_system *sys, struct page *page, bool won);

/**
 * altmm_set_free_decided_hook() - for KUnit: look into a free's window
 * @hook: called by every free that reached the decision between freeing
 *	and refusing, with @won true for the one that frees (before it
 *	touches the block) and false for one refused there; NULL disarms
 *
 * A test can put another free, an allocation or a host reference into
 * that window.  Built only with CONFIG_KUNIT.
 *
 * Context: any; @hook runs in the freeing context.
 */
void altmm_set_free_decided_hook(void (*hook)(struct altmm_system *sys,
					      struct page *page, bool won))
{
	WRITE_ONCE(free_decided_hook, hook);
}
EXPORT_SYMBOL_NS_GPL(altmm_set_free_decided_hook, ALTMM_INTERNAL);
#endif

static inline void free_decided(struct altmm_system *sys, struct page *page,
				bool won)
{
#if IS_ENABLED(CONFIG_KUNIT)
	void (*hook)(struct altmm_system *sys, struct page *page, bool won);

	hook = READ_ONCE(free_decided_hook);
	if (unlikely(hook))
		hook(sys, page, won);
#endif
}

/* Drop one of several references: false, untouched, if @v holds one or none. */
static bool ref_put_unless_last(atomic_t *v)
{
	int c = atomic_read(v);

	do {
		if (c <= 1)
			return false;
	} while (!atomic_try_cmpxchg(v, &c, c - 1));
	return true;
}

/*
 * What looks like the last reference to a page its owner left movable
 * (movable_operations, migrate.c): a migration takes its reference under
 * &altmm_system.movable_lock when it sees the page movable, so clearing
 * the mark under that lock leaves none to come.  Returns false when one
 * came first: then this reference only comes off and the migration's
 * own put frees the page.
 */
static bool release_movable(struct altmm_system *sys, struct page *page,
			    struct altmm_page *d)
{
	unsigned long flags;
	bool last = true;

	spin_lock_irqsave(&sys->movable_lock, flags);
	if (atomic_read(&d->refcount) > 1 && page_ref_add_unless(page, -1, 1)) {
		ref_put_unless_last(&d->refcount);
		last = false;
	} else {
		clear_bit(ALTMM_PG_movable, &d->flags);
	}
	spin_unlock_irqrestore(&sys->movable_lock, flags);
	return last;
}

/*
 * Drop a reference to the allocation at @pfn; the last one frees it.
 *
 * Two counts describe an allocation's head.  The host's _refcount counts
 * every reference: the allocation's, each altmm get_page() (which raises
 * it first) and any the kernel's own get_page() took.  The descriptor's
 * counts those altmm knows of.  A reference altmm drops while others
 * remain comes off both.
 *
 * The last reference altmm knows of frees only by freezing the host
 * count from 1 to 0 (page_ref_freeze()), one atomic step that both proves
 * nobody outside altmm still holds the page and stops a speculative
 * get_page_unless_zero() from taking it while it goes back; a page still
 * held is refused, both counts as they were.  (So is one whose host count
 * the kernel's put_page() took below altmm's: then the host has no other
 * reference left, and this one is the last.)  Then the descriptor's count
 * goes to 0 by exchange, which a chunk's first frame needs, its host count
 * being 1 at rest: of two frees racing exactly one wins, and the loser
 * writes nothing that stays, so a block freed and handed out again
 * meanwhile keeps its count.
 */
static int put_allocation(struct altmm_system *sys, struct page *page,
			  unsigned long pfn, struct altmm_page *d,
			  unsigned int order, bool cold)
{
	unsigned long i;
	int held;

	if (atomic_read(&d->refcount) > 1 && page_ref_add_unless(page, -1, 1)) {
		ref_put_unless_last(&d->refcount);
		return 0;
	}
	if (unlikely(test_bit(ALTMM_PG_movable, &d->flags)) && !release_movable(sys, page, d))
		return 0;
	if (unlikely(!page_ref_freeze(page, 1))) {
		held = page_ref_count(page);
		free_decided(sys, page, false);
		if (!held)
			altmm_misuse(sys, "free of pfn %#lx refused: freed twice at once\n", pfn);
		else
			altmm_misuse(sys,
				     "free of pfn %#lx refused: the host holds %d references to it\n",
				     pfn, held);
		return -EINVAL;
	}
	if (unlikely(!atomic_xchg(&d->refcount, 0))) {
		/* Only a chunk's first frame, whose host count is 1 at rest. */
		page_ref_unfreeze(page, 1);
		free_decided(sys, page, false);
		altmm_misuse(sys, "free of pfn %#lx refused: freed twice at once\n", pfn);
		return -EINVAL;
	}
	free_decided(sys, page, true);
	trace_mm_page_free(page, order);
	altmm_page_owner_free(sys, pfn);

	if (test_bit(ALTMM_PG_head, &d->flags)) {
		host_compound_undo(page, d, order);
		for (i = 1; i < BIT(order); i++) {
			__clear_bit(ALTMM_PG_tail, &d[i].flags);
			d[i].private = 0;
		}
	}
	WRITE_ONCE(d->flags, d->flags & ~(BIT(ALTMM_PG_alloc) | BIT(ALTMM_PG_head) |
					  BIT(ALTMM_PG_isolated) | ALTMM_PG_ORDER_MASK));
	d->private = 0;
	/* The host count stays frozen at 0, a free frame's; the arena holds a first frame. */
	if (is_chunk_head(pfn))
		page_ref_unfreeze(page, 1);
	if (READ_ONCE(sys->tune.init_on_free))
		for (i = 0; i < BIT(order); i++)
			clear_page(page_address(page + i));
	free_pages_to_zone(sys, pfn, d, order, cold);
	return 0;
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
	unsigned long pfn;
	const char *why;

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
	return put_allocation(sys, page, pfn, d, order, cold);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_free_pages, ALTMM_INTERNAL);

/*
 * The head of the allocation @page is in, as the kernel's get_page() and
 * put_page() act on a compound page's head whichever page they are given.
 */
static struct altmm_page *head_of(struct altmm_system *sys, struct page **page,
				  unsigned long *pfn)
{
	struct altmm_page *d = altmm_pfn_to_desc(sys, *pfn);

	if (test_bit(ALTMM_PG_tail, &d->flags)) {
		*pfn -= d->private;
		*page = altmm_pfn_to_host_page(sys, *pfn);
		d = altmm_pfn_to_desc(sys, *pfn);
	}
	return d;
}

/**
 * altmm_sys_get_page() - take a reference to an allocation (get_page())
 * @sys: instance
 * @page: any page of a compound allocation, the first of another
 *
 * The host count rises with altmm's, so that a put_page() by code that
 * does not know altmm (the kernel's own) drops a reference without ever
 * handing the frame to the host's allocator.
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
	d = head_of(sys, &page, &pfn);
	if (!test_bit(ALTMM_PG_alloc, &d->flags) || !page_ref_add_unless(page, 1, 0))
		goto refused;
	if (!atomic_inc_not_zero(&d->refcount)) {
		page_ref_dec(page);
		goto refused;
	}
	return 0;

refused:
	altmm_misuse(sys, "get_page of pfn %#lx: %s\n", pfn,
		     free_check(d, altmm_alloc_order(d)) ?: "not allocated");
	return -EINVAL;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_get_page, ALTMM_INTERNAL);

/**
 * altmm_sys_put_page() - drop a reference; the last one frees (put_page())
 * @sys: instance
 * @page: any page of a compound allocation, the first of another
 *
 * Context: any.
 * Return: 0, or -EINVAL if refused.
 */
int altmm_sys_put_page(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d;
	unsigned long pfn;

	if (!altmm_host_page_to_pfn(sys, page, &pfn)) {
		altmm_misuse(sys, "put_page of %p: not an altmm page\n", page);
		return -EINVAL;
	}
	d = head_of(sys, &page, &pfn);
	return altmm_sys_free_pages(sys, page, altmm_alloc_order(d), false);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_put_page, ALTMM_INTERNAL);

/**
 * altmm_sys_forget_allocation() - give the host back the struct pages of
 *	an allocation nobody freed, as it handed them out
 * @sys: an instance being torn down, quiet
 * @pfn: the first frame of an allocation still live
 *
 * A leaked __GFP_COMP block is still a compound page to the host; this
 * makes it a plain one again and puts the host count back at rest (1 on
 * a chunk's first frame, 0 elsewhere).  The descriptors go with the arena.
 *
 * Context: process context, nothing else running on @sys.
 */
void altmm_sys_forget_allocation(struct altmm_system *sys, unsigned long pfn)
{
	struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
	struct page *page = altmm_pfn_to_host_page(sys, pfn);

	if (!d || !test_bit(ALTMM_PG_alloc, &d->flags))
		return;
	if (test_bit(ALTMM_PG_head, &d->flags))
		host_compound_undo(page, d, altmm_alloc_order(d));
	set_page_count(page, is_chunk_head(pfn));
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_forget_allocation, ALTMM_INTERNAL);

/* The frames of a non-compound block held once: each its own allocation. */
static void split_frames(struct altmm_page *d, struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 1; i < BIT(order); i++) {
		altmm_set_alloc_order(&d[i], 0);
		atomic_set(&d[i].refcount, 1);
		__set_bit(ALTMM_PG_alloc, &d[i].flags);
		set_page_count(page + i, 1);
	}
	altmm_set_alloc_order(d, 0);
}

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
	unsigned long pfn;

	if (!altmm_host_page_to_pfn(sys, page, &pfn)) {
		altmm_misuse(sys, "split of %p: not an altmm page\n", page);
		return -EINVAL;
	}
	d = altmm_pfn_to_desc(sys, pfn);
	if (free_check(d, order) || test_bit(ALTMM_PG_head, &d->flags) ||
	    atomic_read(&d->refcount) != 1 || page_ref_count(page) != 1) {
		altmm_misuse(sys, "split of pfn %#lx order %u refused: shared or compound\n",
			     pfn, order);
		return -EINVAL;
	}
	split_frames(d, page, order);
	if (unlikely(sys->page_owner))
		__altmm_page_owner_split(sys, pfn, order);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_split_page, ALTMM_INTERNAL);

/**
 * altmm_prep_isolated_block() - 2^@order single frames, each held once,
 *	from a block compaction's free scanner took (split_map_pages())
 * @sys: instance
 * @pfn: the block's first frame, off every free list
 * @order: its order
 *
 * Context: any.
 */
void altmm_prep_isolated_block(struct altmm_system *sys, unsigned long pfn,
			       unsigned int order)
{
	struct page *page = prep_new_page(sys, pfn, order, __GFP_MOVABLE);

	split_frames(altmm_pfn_to_desc(sys, pfn), page, order);
}
EXPORT_SYMBOL_NS_GPL(altmm_prep_isolated_block, ALTMM_INTERNAL);

/*
 * The bulk path writes pfns into the array's empty slots and turns each
 * into its page in place.
 */
static_assert(sizeof(struct page *) == sizeof(unsigned long));

/* The first bulk-eligible zone: local, and above its low mark with @nr to spare. */
static struct altmm_zone *bulk_zone(struct altmm_system *sys,
				    const struct alloc_context *ac,
				    unsigned int alloc_flags, unsigned long nr)
{
	int preferred_nid = altmm_zone_nid(ac->preferred_zone);
	struct altmm_zone *zone;
	int i;

	for_each_usable_zone(ac, zone, i) {
		unsigned long mark;

		/* A remote node is the single path's business, and reclaim's. */
		if (sys->layout.nr_nodes > 1 && zone != ac->preferred_zone &&
		    altmm_zone_nid(zone) != preferred_nid)
			return NULL;
		mark = altmm_wmark(zone, alloc_flags & ALTMM_ALLOC_WMARK_MASK) + nr;
		if (altmm_zone_watermark_fast(zone, 0, mark, ac->preferred_zone->type,
					      alloc_flags))
			return zone;
	}
	return NULL;
}

/**
 * altmm_sys_alloc_pages_bulk() - fill the NULL slots of an array with
 *	order-0 pages (alloc_pages_bulk_array_node())
 * @sys: instance
 * @gfp: the kernel's GFP mask
 * @nid: preferred node, or NUMA_NO_NODE
 * @nr_pages: slots
 * @page_array: the array
 *
 * As 6.1's __alloc_pages_bulk(): the first local zone that stays above
 * its low watermark with @nr_pages more taken serves the empty slots from
 * this CPU's list, refilled from the zone as it goes, in one pcp section
 * per run of empty slots (one section for an empty array).  When no such
 * zone exists, the preferred node's zone would be passed over for a remote
 * one, or not a frame comes, one page is allocated the single way (which
 * may reclaim); a batch cut short stops there.  Nothing else falls back.
 *
 * Context: as the mask allows.
 * Return: the length of the populated prefix of @page_array: slots that
 * were full count, those after the first still empty do not.
 */
unsigned long altmm_sys_alloc_pages_bulk(struct altmm_system *sys, gfp_t gfp,
					 int nid, unsigned long nr_pages,
					 struct page **page_array)
{
	unsigned long nr_populated = 0, nr_account = 0;
	unsigned int alloc_flags = ALTMM_ALLOC_WMARK_LOW;
	struct alloc_context ac;
	struct altmm_zone *zone;
	struct page *page;

	while (nr_populated < nr_pages && page_array[nr_populated])
		nr_populated++;
	if (nr_populated == nr_pages)
		return nr_populated;
	if (nr_pages - nr_populated == 1)
		goto single;
	if (!prepare_alloc(sys, gfp, 0, nid, &ac))
		return nr_populated;
	zone = bulk_zone(sys, &ac, alloc_flags, nr_pages);
	if (!zone)
		goto single;

	while (nr_populated < nr_pages) {
		unsigned long *pfns = (unsigned long *)&page_array[nr_populated];
		unsigned long run = 0, n, i;

		if (page_array[nr_populated]) {
			nr_populated++;
			continue;
		}
		while (nr_populated + run < nr_pages && !page_array[nr_populated + run])
			run++;
		n = altmm_rmqueue_pcplist_bulk(sys, ac.preferred_zone, zone,
					       ac.migratetype, alloc_flags, run, pfns);
		for (i = 0; i < n; i++)
			page_array[nr_populated + i] = prep_new_page(sys, pfns[i], 0, gfp);
		nr_populated += n;
		nr_account += n;
		if (n < run) {
			/* Not one frame: at least one, the single way. */
			if (!nr_account)
				goto single;
			break;
		}
	}
	return nr_populated;

single:
	page = altmm_sys_alloc_pages(sys, gfp, 0, nid);
	if (page)
		page_array[nr_populated++] = page;
	return nr_populated;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_alloc_pages_bulk, ALTMM_INTERNAL);
