// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator: free blocks of 2^order frames, naturally aligned,
 * kept per zone in free_area[order].free_list[migratetype].
 *
 * A block at pfn P of order O has one buddy, at P ^ (1 << O).  Freeing a
 * block merges it with its buddy whenever the buddy is itself a free block
 * of the same order, and repeats one order up, so that no block and its
 * buddy are ever both free at the same order.  Allocation takes the
 * smallest free block that fits and splits it, returning the upper halves
 * to the free lists ("expand").  A max-order block is exactly one section,
 * and zone boundaries and holes are section aligned, so a buddy is always
 * in the same section, zone and node: no merge can cross them.
 *
 * Migrate types group frames by how they may move: every pageblock
 * (order 9) carries one type in its section's usemap, free blocks sit on
 * the list of their type, and when a type runs dry 6.1's fallback order
 * takes from another, claiming the whole pageblock when enough of it is
 * free or of a like kind.  A small reserve of pageblocks serves high-order
 * atomic allocations and is given back under pressure.
 *
 * Locking (the whole module's order, outermost first):
 *   0. &altmm_system.hotplug_lock (memory offline/online): held around
 *      migration, page allocations (so reclaim) and the tunables lock;
 *      nothing that holds another altmm lock takes it
 *   0. the kernel's cpu_hotplug_lock, then &altmm_slab_state.mutex: the
 *      slab mutex is held around page allocations (cache creation, as
 *      6.1's slab_mutex is around kmem_cache_create()'s), so reclaim's
 *      slab shrinker and the slab reaper only trylock it
 *   1. altmm_reclaim (a lockdep map)    held by kswapd and direct reclaim,
 *                                       as fs_reclaim is in the kernel
 *   2. &altmm_system.tune_lock (mutex)  tunable writes and recomputation;
 *                                       CPU hotplug takes it inside the
 *                                       hotplug lock, so nothing under it
 *                                       may call cpus_read_lock()
 *   3. &altmm_system.shrinker_rwsem     reclaim (read, trylock only),
 *                                       (un)register (write)
 *   4. &altmm_pcp.lock                  a CPU's lists of a zone, irqs off;
 *                                       its owner only trylocks it
 *   5. &altmm_zone.lock                 free_area, pageblock bits, the
 *                                       high-atomic reserve; irqs off
 * Beside them, taken with no other altmm lock held and never around a
 * call into the page allocator: a cache node's list_lock (slab.h), the
 * vmalloc area lock (a leaf, irq-safe), and the ctl mutex.
 * No two zone locks and no two pcp locks are ever held together.
 * Descriptor flags of a frame change only under the lock that owns the
 * frame (zone lock for free blocks, pcp lock for cached ones) or by the
 * allocation's owner; ALTMM_PG_alloc is cleared with an atomic
 * test-and-clear so that two racing frees of one block cannot both win.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>

#include "altmm_trace.h"
#include "mmzone.h"
#include "page_alloc.h"

const char * const altmm_migratetype_names[ALTMM_MIGRATE_TYPES] = {
	[ALTMM_MIGRATE_UNMOVABLE]	= "Unmovable",
	[ALTMM_MIGRATE_MOVABLE]		= "Movable",
	[ALTMM_MIGRATE_RECLAIMABLE]	= "Reclaimable",
	[ALTMM_MIGRATE_HIGHATOMIC]	= "HighAtomic",
	[ALTMM_MIGRATE_ISOLATE]		= "Isolate",
};
EXPORT_SYMBOL_NS_GPL(altmm_migratetype_names, ALTMM_INTERNAL);

/* 6.1's fallbacks[]: which free lists a type may take from, in order. */
static const int fallbacks[ALTMM_MIGRATE_PCPTYPES][3] = {
	[ALTMM_MIGRATE_UNMOVABLE] = { ALTMM_MIGRATE_RECLAIMABLE,
				      ALTMM_MIGRATE_MOVABLE, ALTMM_MIGRATE_TYPES },
	[ALTMM_MIGRATE_MOVABLE] = { ALTMM_MIGRATE_RECLAIMABLE,
				    ALTMM_MIGRATE_UNMOVABLE, ALTMM_MIGRATE_TYPES },
	[ALTMM_MIGRATE_RECLAIMABLE] = { ALTMM_MIGRATE_UNMOVABLE,
					ALTMM_MIGRATE_MOVABLE, ALTMM_MIGRATE_TYPES },
};

/* === Free lists === */

static void add_to_free_list(struct altmm_zone *zone, struct altmm_page *d,
			     unsigned int order, int mt, bool tail)
{
	struct altmm_free_area *area = &zone->free_area[order];

	d->private = order;
	__set_bit(ALTMM_PG_buddy, &d->flags);
	if (tail)
		list_add_tail(&d->lru, &area->free_list[mt]);
	else
		list_add(&d->lru, &area->free_list[mt]);
	area->nr_free++;
}

static void del_from_free_list(struct altmm_zone *zone, struct altmm_page *d,
			       unsigned int order)
{
	list_del(&d->lru);
	__clear_bit(ALTMM_PG_buddy, &d->flags);
	d->private = 0;
	zone->free_area[order].nr_free--;
}

static void move_to_free_list(struct altmm_zone *zone, struct altmm_page *d,
			      unsigned int order, int mt)
{
	list_move_tail(&d->lru, &zone->free_area[order].free_list[mt]);
}

static void account_freepages(struct altmm_zone *zone, long nr, int mt)
{
	/* Isolated frames are not free to anyone, as in the kernel. */
	if (mt != ALTMM_MIGRATE_ISOLATE)
		atomic_long_add(nr, &zone->vm_stat[ALTMM_NR_FREE_PAGES]);
}

/* Is @d the head of a free block of exactly @order? */
static bool is_free_buddy(const struct altmm_page *d, unsigned int order)
{
	return test_bit(ALTMM_PG_buddy, &d->flags) && d->private == order;
}

static bool mergeable(int mt)
{
	return mt < ALTMM_MIGRATE_PCPTYPES;
}

/*
 * Where to put a block that could not merge: if its buddy one order up
 * is free, it is likely to merge soon, so keep it at the tail where it
 * is taken last (buddy_merge_likely()).
 */
static bool merge_likely(struct altmm_system *sys, unsigned long pfn,
			 unsigned int order)
{
	unsigned long higher, higher_buddy;

	if (order >= ALTMM_MAX_ORDER - 2)
		return false;
	higher = pfn & ~(BIT(order + 1) - 1);
	higher_buddy = higher ^ BIT(order + 1);
	return is_free_buddy(altmm_pfn_to_desc(sys, higher_buddy), order + 1);
}

/**
 * altmm_free_one_page() - give a block back to the buddy lists, merging
 * @sys: instance
 * @zone: its zone
 * @pfn: first frame, aligned to @order
 * @order: order
 * @mt: the migrate type of its pageblock
 * @tail: put it at the tail (cold) rather than the head
 *
 * Context: the zone lock.
 */
void altmm_free_one_page(struct altmm_system *sys, struct altmm_zone *zone,
			 unsigned long pfn, unsigned int order, int mt,
			 bool tail)
{
	lockdep_assert_held(&zone->lock);
	/*
	 * The caller read @mt before it took the lock, or when the block
	 * went to a per-CPU list; the pageblock may have been isolated since
	 * (free_one_page()'s has_isolate_pageblock() test).
	 */
	if (unlikely(zone->nr_isolate_pageblock || mt == ALTMM_MIGRATE_ISOLATE))
		mt = altmm_get_pageblock_migratetype(sys, pfn);
	account_freepages(zone, BIT(order), mt);

	while (order < ALTMM_MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ BIT(order);
		struct altmm_page *buddy = altmm_pfn_to_desc(sys, buddy_pfn);

		if (!is_free_buddy(buddy, order))
			break;
		/*
		 * Past pageblock size, blocks of different types merge only if
		 * both types may (never an isolated or high-atomic one).
		 */
		if (order >= ALTMM_PAGEBLOCK_ORDER) {
			int buddy_mt = altmm_get_pageblock_migratetype(sys, buddy_pfn);

			if (mt != buddy_mt && (!mergeable(mt) || !mergeable(buddy_mt)))
				break;
		}
		del_from_free_list(zone, buddy, order);
		pfn &= buddy_pfn;
		order++;
	}

	if (!tail)
		tail = merge_likely(sys, pfn, order);
	add_to_free_list(zone, altmm_pfn_to_desc(sys, pfn), order, mt, tail);
}

/* Split a block of @high down to @low, returning the upper halves. */
static void expand(struct altmm_system *sys, struct altmm_zone *zone,
		   unsigned long pfn, unsigned int low, unsigned int high, int mt)
{
	while (high > low) {
		high--;
		add_to_free_list(zone, altmm_pfn_to_desc(sys, pfn + BIT(high)),
				 high, mt, false);
	}
}

static unsigned long take_block(struct altmm_system *sys,
				struct altmm_zone *zone, unsigned int order,
				unsigned int cur, int mt)
{
	struct altmm_page *d = list_first_entry(&zone->free_area[cur].free_list[mt],
						struct altmm_page, lru);
	unsigned long pfn = altmm_desc_to_pfn(sys, d);

	del_from_free_list(zone, d, cur);
	expand(sys, zone, pfn, order, cur, mt);
	altmm_set_pcp_migratetype(d, mt);
	return pfn;
}

/* The smallest free block of @mt that fits, or ALTMM_NO_PFN. */
static unsigned long rmqueue_smallest(struct altmm_system *sys,
				      struct altmm_zone *zone,
				      unsigned int order, int mt)
{
	unsigned int cur;

	unsigned long pfn;

	for (cur = order; cur < ALTMM_MAX_ORDER; cur++) {
		if (list_empty(&zone->free_area[cur].free_list[mt]))
			continue;
		pfn = take_block(sys, zone, order, cur, mt);
		if (trace_mm_page_alloc_zone_locked_enabled())
			trace_mm_page_alloc_zone_locked(altmm_pfn_to_host_page(sys, pfn), order,
							mt, altmm_pcp_allowed_order(order) &&
							mt < ALTMM_MIGRATE_PCPTYPES);
		return pfn;
	}
	return ALTMM_NO_PFN;
}

/* === Fallback between migrate types === */

/*
 * Move every free block of a pageblock to @mt's lists.  Allocated frames
 * are counted in @alike when they are likely movable; altmm has no LRU
 * yet, so no allocated frame is known to be movable and @alike stays 0.
 */
static unsigned long move_freepages_block(struct altmm_system *sys,
					  struct altmm_zone *zone,
					  unsigned long pfn, int mt)
{
	unsigned long start = round_down(pfn, ALTMM_PAGEBLOCK_NR_PAGES);
	unsigned long end = start + ALTMM_PAGEBLOCK_NR_PAGES, moved = 0;

	for (pfn = start; pfn < end;) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
		unsigned int order;

		if (!test_bit(ALTMM_PG_buddy, &d->flags)) {
			pfn++;
			continue;
		}
		order = d->private;
		move_to_free_list(zone, d, order, mt);
		pfn += BIT(order);
		moved += BIT(order);
	}
	return moved;
}

static bool can_steal_fallback(unsigned int order, int start_mt,
			       bool mobility_disabled)
{
	if (order >= ALTMM_PAGEBLOCK_ORDER)
		return true;
	return order >= ALTMM_PAGEBLOCK_ORDER / 2 ||
	       start_mt == ALTMM_MIGRATE_RECLAIMABLE ||
	       start_mt == ALTMM_MIGRATE_UNMOVABLE || mobility_disabled;
}

static int find_suitable_fallback(struct altmm_free_area *area,
				  unsigned int order, int mt, bool *can_steal,
				  bool mobility_disabled)
{
	int i, fb;

	*can_steal = false;
	if (!area->nr_free)
		return -1;
	for (i = 0; (fb = fallbacks[mt][i]) != ALTMM_MIGRATE_TYPES; i++) {
		if (list_empty(&area->free_list[fb]))
			continue;
		*can_steal = can_steal_fallback(order, mt, mobility_disabled);
		return fb;
	}
	return -1;
}

/*
 * boost_watermark(): a pageblock is being stolen; raise the zone's
 * watermarks by a pageblock, up to watermark_boost_factor of the high
 * watermark, so that kswapd reclaims and kcompactd compacts before the
 * next fallback.  Not in zones of fewer than four pageblocks, where it
 * would soon leave nothing to allocate.
 */
static bool boost_watermark(struct altmm_system *sys, struct altmm_zone *zone)
{
	int factor = READ_ONCE(sys->tune.watermark_boost_factor);
	unsigned long max_boost;

	if (!factor || ALTMM_PAGEBLOCK_NR_PAGES * 4 > altmm_zone_managed(zone))
		return false;
	max_boost = mult_frac(READ_ONCE(zone->watermark[ALTMM_WMARK_HIGH]), factor, 10000);
	if (!max_boost)
		return false;
	max_boost = max_t(unsigned long, ALTMM_PAGEBLOCK_NR_PAGES, max_boost);
	WRITE_ONCE(zone->watermark_boost,
		   min(zone->watermark_boost + ALTMM_PAGEBLOCK_NR_PAGES, max_boost));
	return true;
}

/*
 * A fallback block of @cur was found on @fb's list for a @start_mt
 * request: claim its whole pageblock when the block is that big, or when
 * at least half the pageblock is free or alike; otherwise move just the
 * block (steal_suitable_fallback()).
 */
static void steal_fallback(struct altmm_system *sys, struct altmm_zone *zone,
			   struct altmm_page *d, unsigned int cur,
			   int start_mt, bool whole_block, unsigned int alloc_flags)
{
	unsigned long pfn = altmm_desc_to_pfn(sys, d);
	int old_mt = altmm_get_pageblock_migratetype(sys, pfn);
	unsigned long free_pages, alike;

	if (old_mt == ALTMM_MIGRATE_HIGHATOMIC)
		goto single;

	if (cur >= ALTMM_PAGEBLOCK_ORDER) {
		unsigned long p;

		for (p = pfn; p < pfn + BIT(cur); p += ALTMM_PAGEBLOCK_NR_PAGES)
			altmm_set_pageblock_migratetype(sys, p, start_mt);
		altmm_count_event(sys, ALTMM_STEAL_BLOCK, BIT(cur) / ALTMM_PAGEBLOCK_NR_PAGES);
		goto single;
	}
	/* Flagged, the allocation wakes kswapd: a balanced node would not wake it. */
	if (boost_watermark(sys, zone) && (alloc_flags & ALTMM_ALLOC_KSWAPD))
		set_bit(ALTMM_ZONE_BOOSTED_WATERMARK, &zone->flags);
	if (!whole_block)
		goto single;

	free_pages = move_freepages_block(sys, zone, pfn, start_mt);
	/* Allocated frames of a movable block count as alike for others. */
	alike = old_mt == ALTMM_MIGRATE_MOVABLE && start_mt != ALTMM_MIGRATE_MOVABLE ?
		ALTMM_PAGEBLOCK_NR_PAGES - free_pages : 0;
	if (!free_pages)
		goto single;
	if (free_pages + alike >= BIT(ALTMM_PAGEBLOCK_ORDER - 1) ||
	    READ_ONCE(sys->tune.page_group_by_mobility_disabled)) {
		altmm_set_pageblock_migratetype(sys, pfn, start_mt);
		altmm_count_event(sys, ALTMM_STEAL_BLOCK, 1);
	}
	return;

single:
	move_to_free_list(zone, d, cur, start_mt);
}

static bool rmqueue_fallback(struct altmm_system *sys, struct altmm_zone *zone,
			     unsigned int order, int start_mt,
			     unsigned int alloc_flags)
{
	bool disabled = READ_ONCE(sys->tune.page_group_by_mobility_disabled);
	unsigned int min_order = order;
	struct altmm_free_area *area;
	struct altmm_page *d;
	bool can_steal;
	int cur, fb;

	/* Without ALLOC_NOFRAGMENT's consent, take only whole pageblocks. */
	if (order < ALTMM_PAGEBLOCK_ORDER && (alloc_flags & ALTMM_ALLOC_NOFRAGMENT))
		min_order = ALTMM_PAGEBLOCK_ORDER;

	/* The largest fallback block approximates the emptiest pageblock. */
	for (cur = ALTMM_MAX_ORDER - 1; cur >= (int)min_order; cur--) {
		area = &zone->free_area[cur];
		fb = find_suitable_fallback(area, cur, start_mt, &can_steal, disabled);
		if (fb == -1)
			continue;
		/*
		 * A movable request that cannot claim the block takes the
		 * smallest one instead: a stray movable allocation does not
		 * fragment for long.
		 */
		if (!can_steal && start_mt == ALTMM_MIGRATE_MOVABLE && cur > order)
			goto find_smallest;
		goto steal;
	}
	return false;

find_smallest:
	for (cur = order; cur < ALTMM_MAX_ORDER; cur++) {
		area = &zone->free_area[cur];
		fb = find_suitable_fallback(area, cur, start_mt, &can_steal, disabled);
		if (fb != -1)
			break;
	}
	if (WARN_ON_ONCE(cur == ALTMM_MAX_ORDER))
		return false;
steal:
	d = list_first_entry(&area->free_list[fb], struct altmm_page, lru);
	steal_fallback(sys, zone, d, cur, start_mt, can_steal, alloc_flags);
	altmm_count_event(sys, ALTMM_EXTFRAG, 1);
	if (trace_mm_page_alloc_extfrag_enabled()) {
		unsigned long pfn = altmm_desc_to_pfn(sys, d);

		trace_mm_page_alloc_extfrag(altmm_pfn_to_host_page(sys, pfn), order, cur,
					    start_mt, fb,
					    altmm_get_pageblock_migratetype(sys, pfn) ==
					    start_mt);
	}
	return true;
}

/**
 * altmm_rmqueue() - take a block of @order from a zone's buddy lists
 * @sys: instance
 * @zone: the zone
 * @order: order
 * @mt: the migrate type asked for
 * @alloc_flags: ALTMM_ALLOC_*
 *
 * Context: the zone lock.
 * Return: the first pfn of the block, or ALTMM_NO_PFN.
 */
unsigned long altmm_rmqueue(struct altmm_system *sys, struct altmm_zone *zone,
			    unsigned int order, int mt, unsigned int alloc_flags)
{
	unsigned long pfn;

	lockdep_assert_held(&zone->lock);
	do {
		pfn = rmqueue_smallest(sys, zone, order, mt);
	} while (pfn == ALTMM_NO_PFN &&
		 rmqueue_fallback(sys, zone, order, mt, alloc_flags));
	return pfn;
}

/**
 * altmm_rmqueue_buddy() - take a block straight from the buddy lists
 * @sys: instance
 * @preferred: the request's preferred zone, for the NUMA counters
 * @zone: the zone
 * @order: order
 * @mt: the migrate type asked for
 * @alloc_flags: ALTMM_ALLOC_*
 *
 * The high-atomic reserve serves requests that may use it first, and any
 * non-blocking or OOM request as a last resort (rmqueue_buddy()).
 *
 * Context: any; takes the zone lock.
 * Return: the first pfn of the block, or ALTMM_NO_PFN.
 */
unsigned long altmm_rmqueue_buddy(struct altmm_system *sys,
				  struct altmm_zone *preferred,
				  struct altmm_zone *zone, unsigned int order,
				  int mt, unsigned int alloc_flags)
{
	unsigned long flags, pfn = ALTMM_NO_PFN;

	spin_lock_irqsave(&zone->lock, flags);
	if (alloc_flags & ALTMM_ALLOC_HIGHATOMIC)
		pfn = rmqueue_smallest(sys, zone, order, ALTMM_MIGRATE_HIGHATOMIC);
	if (pfn == ALTMM_NO_PFN)
		pfn = altmm_rmqueue(sys, zone, order, mt, alloc_flags);
	if (pfn == ALTMM_NO_PFN &&
	    (alloc_flags & (ALTMM_ALLOC_OOM | ALTMM_ALLOC_NON_BLOCK)))
		pfn = rmqueue_smallest(sys, zone, order, ALTMM_MIGRATE_HIGHATOMIC);
	if (pfn != ALTMM_NO_PFN) {
		account_freepages(zone, -(long)BIT(order),
				  altmm_get_pcp_migratetype(altmm_pfn_to_desc(sys, pfn)));
		altmm_count_alloc(sys, preferred, zone, order);
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return pfn;
}

/* === For compaction === */

/**
 * altmm_isolate_free_block() - take a free block off the buddy lists for
 *	compaction's free scanner (__isolate_free_page())
 * @sys: instance
 * @zone: the zone of @pfn
 * @pfn: a frame that may head a free block
 *
 * Refused when taking the block would leave the zone under its min
 * watermark (an isolated pageblock's blocks are not free to anyone, so
 * they always go).  A block of at least half a pageblock turns the
 * pageblocks it covers movable, unless they are isolated or reserved:
 * what compaction moves into them is.
 *
 * Context: the zone lock.
 * Return: the block's order, -ENOENT when @pfn heads no free block, or
 * -ENOSPC when the watermark refuses.
 */
int altmm_isolate_free_block(struct altmm_system *sys, struct altmm_zone *zone,
			     unsigned long pfn)
{
	struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
	int mt = altmm_get_pageblock_migratetype(sys, pfn);
	unsigned int order;
	unsigned long p;

	lockdep_assert_held(&zone->lock);
	if (!test_bit(ALTMM_PG_buddy, &d->flags))
		return -ENOENT;
	order = d->private;
	if (mt != ALTMM_MIGRATE_ISOLATE &&
	    !altmm_zone_watermark_ok(zone, 0, altmm_wmark(zone, ALTMM_WMARK_MIN) + BIT(order),
				     0, 0, altmm_zone_free(zone)))
		return -ENOSPC;
	del_from_free_list(zone, d, order);
	account_freepages(zone, -(long)BIT(order), mt);
	if (order >= ALTMM_PAGEBLOCK_ORDER - 1)
		for (p = pfn; p < pfn + BIT(order); p += ALTMM_PAGEBLOCK_NR_PAGES)
			if (mergeable(altmm_get_pageblock_migratetype(sys, p)))
				altmm_set_pageblock_migratetype(sys, p, ALTMM_MIGRATE_MOVABLE);
	return order;
}
EXPORT_SYMBOL_NS_GPL(altmm_isolate_free_block, ALTMM_INTERNAL);

/**
 * altmm_zone_free_block_ready() - would a request be served from a zone's
 *	free lists without compacting further (__compact_finished()'s test)
 * @sys: instance
 * @zone: the zone
 * @order: the request order
 * @mt: its migrate type
 *
 * Context: any; takes the zone lock.
 * Return: ALTMM_FREE_BLOCK_OWN when a block of @order or more is on
 * @mt's lists, ALTMM_FREE_BLOCK_STEAL when one is on a list @mt may
 * claim a whole pageblock of, ALTMM_FREE_BLOCK_NONE otherwise.
 */
enum altmm_free_block altmm_zone_free_block_ready(struct altmm_system *sys,
						  struct altmm_zone *zone,
						  unsigned int order, int mt)
{
	bool disabled = READ_ONCE(sys->tune.page_group_by_mobility_disabled);
	enum altmm_free_block ret = ALTMM_FREE_BLOCK_NONE;
	unsigned long flags;
	bool can_steal;

	spin_lock_irqsave(&zone->lock, flags);
	for (; order < ALTMM_MAX_ORDER; order++) {
		struct altmm_free_area *area = &zone->free_area[order];

		if (!list_empty(&area->free_list[mt])) {
			ret = ALTMM_FREE_BLOCK_OWN;
			break;
		}
		if (find_suitable_fallback(area, order, mt, &can_steal, disabled) != -1 &&
		    can_steal) {
			ret = ALTMM_FREE_BLOCK_STEAL;
			break;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_zone_free_block_ready, ALTMM_INTERNAL);

/* === Pageblock isolation, for memory offline === */

/**
 * altmm_set_migratetype_isolate() - isolate one pageblock
 *	(set_migratetype_isolate())
 * @sys: instance
 * @zone: the zone of @pfn
 * @pfn: any frame of the pageblock
 *
 * The pageblock's free blocks move to the isolate lists and stop
 * counting as free; frames freed into it later join them
 * (altmm_free_one_page() re-reads the type), so the allocator hands
 * out nothing of it.  A high-atomic pageblock leaves the reserve.  The
 * caller isolates whole max-order blocks (sections): a free block never
 * straddles the range's edge.
 *
 * Context: any; takes the zone lock.
 * Return: 0, or -EBUSY when the pageblock is isolated already.
 */
int altmm_set_migratetype_isolate(struct altmm_system *sys, struct altmm_zone *zone,
				  unsigned long pfn)
{
	unsigned long flags, moved;
	int mt;

	spin_lock_irqsave(&zone->lock, flags);
	mt = altmm_get_pageblock_migratetype(sys, pfn);
	if (mt == ALTMM_MIGRATE_ISOLATE) {
		spin_unlock_irqrestore(&zone->lock, flags);
		return -EBUSY;
	}
	if (mt == ALTMM_MIGRATE_HIGHATOMIC)
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic -
			   min_t(unsigned long, ALTMM_PAGEBLOCK_NR_PAGES,
				 zone->nr_reserved_highatomic));
	altmm_set_pageblock_migratetype(sys, pfn, ALTMM_MIGRATE_ISOLATE);
	zone->nr_isolate_pageblock++;
	moved = move_freepages_block(sys, zone, pfn, ALTMM_MIGRATE_ISOLATE);
	account_freepages(zone, -(long)moved, mt);
	spin_unlock_irqrestore(&zone->lock, flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_set_migratetype_isolate, ALTMM_INTERNAL);

/**
 * altmm_unset_migratetype_isolate() - give an isolated pageblock back
 *	(unset_migratetype_isolate())
 * @sys: instance
 * @zone: the zone of @pfn
 * @pfn: any frame of the pageblock
 * @mt: its new type (6.1 makes it movable)
 *
 * Each free block of the pageblock is taken off the isolate lists and
 * freed again, so it counts as free and merges with its buddy, which
 * isolation kept apart at pageblock order.
 *
 * Context: any; takes the zone lock.
 */
void altmm_unset_migratetype_isolate(struct altmm_system *sys, struct altmm_zone *zone,
				     unsigned long pfn, int mt)
{
	unsigned long start = round_down(pfn, ALTMM_PAGEBLOCK_NR_PAGES);
	unsigned long end = start + ALTMM_PAGEBLOCK_NR_PAGES, flags;

	spin_lock_irqsave(&zone->lock, flags);
	if (altmm_get_pageblock_migratetype(sys, start) != ALTMM_MIGRATE_ISOLATE)
		goto out;
	altmm_set_pageblock_migratetype(sys, start, mt);
	zone->nr_isolate_pageblock--;
	for (pfn = start; pfn < end;) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
		unsigned int order;

		if (!test_bit(ALTMM_PG_buddy, &d->flags)) {
			pfn++;
			continue;
		}
		order = d->private;
		del_from_free_list(zone, d, order);
		altmm_free_one_page(sys, zone, pfn, order, mt, false);
		pfn += BIT(order);
	}
out:
	spin_unlock_irqrestore(&zone->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(altmm_unset_migratetype_isolate, ALTMM_INTERNAL);

/* Every pageblock of [@start, @end) isolated, every frame in a free block. */
static bool range_isolated(struct altmm_system *sys, unsigned long start,
			   unsigned long end)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn += ALTMM_PAGEBLOCK_NR_PAGES)
		if (altmm_get_pageblock_migratetype(sys, pfn) != ALTMM_MIGRATE_ISOLATE)
			return false;
	for (pfn = start; pfn < end;) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);

		if (!test_bit(ALTMM_PG_buddy, &d->flags))
			return false;
		pfn += BIT(d->private);
	}
	return pfn == end;
}

/**
 * altmm_test_pages_isolated() - is every frame of a range free and
 *	isolated (test_pages_isolated())
 * @sys: instance
 * @zone: the zone of the range
 * @start: first pfn, pageblock aligned
 * @end: pfn after the last, pageblock aligned
 *
 * Context: any; takes the zone lock.
 * Return: true when every pageblock is isolated and every frame is in a
 * free block on the buddy lists (none on a per-CPU list or allocated).
 */
bool altmm_test_pages_isolated(struct altmm_system *sys, struct altmm_zone *zone,
			       unsigned long start, unsigned long end)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&zone->lock, flags);
	ok = range_isolated(sys, start, end);
	spin_unlock_irqrestore(&zone->lock, flags);
	return ok;
}
EXPORT_SYMBOL_NS_GPL(altmm_test_pages_isolated, ALTMM_INTERNAL);

/**
 * altmm_offline_isolated_pages() - take a free, isolated range off the
 *	buddy lists for good (__offline_isolated_pages())
 * @sys: instance
 * @zone: the zone of the range
 * @start: first pfn, section aligned
 * @end: pfn after the last
 *
 * Every frame becomes reserved, so that nothing takes it for free or
 * for allocated; the pageblocks stay isolated (stale, as in 6.1) and
 * leave the zone's count of isolated pageblocks.  The range is tested
 * under the same lock hold (test_pages_isolated()): between a separate
 * test and the taking, compaction's free scanner, which read the
 * pageblock's type before the isolation, could take a block.
 *
 * Context: any; takes the zone lock.
 * Return: frames taken off, or 0 (nothing done) when a frame of the
 * range is not free or a pageblock not isolated.
 */
unsigned long altmm_offline_isolated_pages(struct altmm_system *sys,
					   struct altmm_zone *zone,
					   unsigned long start, unsigned long end)
{
	unsigned long pfn, flags, taken = 0, i;

	spin_lock_irqsave(&zone->lock, flags);
	if (!range_isolated(sys, start, end))
		goto out;
	for (pfn = start; pfn < end;) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
		unsigned int order = d->private;

		del_from_free_list(zone, d, order);
		for (i = 0; i < BIT(order); i++)
			__set_bit(ALTMM_PG_reserved, &altmm_pfn_to_desc(sys, pfn + i)->flags);
		taken += BIT(order);
		pfn += BIT(order);
	}
	zone->nr_isolate_pageblock -= (end - start) / ALTMM_PAGEBLOCK_NR_PAGES;
out:
	spin_unlock_irqrestore(&zone->lock, flags);
	return taken;
}
EXPORT_SYMBOL_NS_GPL(altmm_offline_isolated_pages, ALTMM_INTERNAL);

/**
 * altmm_online_isolate_pageblocks() - isolate an offline range's
 *	pageblocks before its frames are freed (move_pfn_range_to_zone())
 * @sys: instance
 * @zone: the zone the range joins
 * @start: first pfn, section aligned
 * @end: pfn after the last
 *
 * online_pages() frees the frames into isolated pageblocks, so that no
 * allocation sees them before the zone's counts are right, then
 * undoes the isolation.
 *
 * Context: any; takes the zone lock.
 */
void altmm_online_isolate_pageblocks(struct altmm_system *sys, struct altmm_zone *zone,
				     unsigned long start, unsigned long end)
{
	unsigned long pfn, flags;

	spin_lock_irqsave(&zone->lock, flags);
	for (pfn = start; pfn < end; pfn += ALTMM_PAGEBLOCK_NR_PAGES) {
		altmm_set_pageblock_migratetype(sys, pfn, ALTMM_MIGRATE_ISOLATE);
		altmm_set_pageblock_skip(sys, pfn, false);
		zone->nr_isolate_pageblock++;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(altmm_online_isolate_pageblocks, ALTMM_INTERNAL);

/* === The high-atomic reserve === */

/**
 * altmm_reserve_highatomic_pageblock() - set a pageblock aside for atomic
 *	high-order allocations
 * @sys: instance
 * @zone: the zone @pfn is in
 * @pfn: a frame just allocated by such an allocation
 *
 * The reserve is capped at about 1% of the zone plus one pageblock.
 *
 * Context: any; takes the zone lock.
 */
void altmm_reserve_highatomic_pageblock(struct altmm_system *sys,
					struct altmm_zone *zone,
					unsigned long pfn)
{
	unsigned long max_managed = altmm_zone_managed(zone) / 100 +
				    ALTMM_PAGEBLOCK_NR_PAGES;
	unsigned long flags;
	int mt;

	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed)
		return;

	spin_lock_irqsave(&zone->lock, flags);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out;
	mt = altmm_get_pageblock_migratetype(sys, pfn);
	if (mergeable(mt)) {
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + ALTMM_PAGEBLOCK_NR_PAGES);
		altmm_set_pageblock_migratetype(sys, pfn, ALTMM_MIGRATE_HIGHATOMIC);
		move_freepages_block(sys, zone, pfn, ALTMM_MIGRATE_HIGHATOMIC);
		altmm_count_event(sys, ALTMM_HIGHATOMIC_RESERVE, 1);
	}
out:
	spin_unlock_irqrestore(&zone->lock, flags);
}

/**
 * altmm_unreserve_highatomic_pageblock() - give a reserved pageblock back
 * @sys: instance
 * @zonelist: the zones of the allocation under pressure
 * @highest_zoneidx: its highest zone
 * @mt: the type the pageblock becomes
 * @force: also take the last pageblock of a zone's reserve
 *
 * Context: process context; takes zone locks one at a time.
 * Return: true if a pageblock with free frames was released.
 */
bool altmm_unreserve_highatomic_pageblock(struct altmm_system *sys,
					  struct altmm_zonelist *zonelist,
					  int highest_zoneidx, int mt, bool force)
{
	struct altmm_zone *zone;
	int i;

	for (i = 0; (zone = zonelist->zones[i]); i++) {
		unsigned long flags;
		unsigned int order;

		if (zone->type > highest_zoneidx)
			continue;
		if (!force && READ_ONCE(zone->nr_reserved_highatomic) <=
			      ALTMM_PAGEBLOCK_NR_PAGES)
			continue;

		spin_lock_irqsave(&zone->lock, flags);
		for (order = 0; order < ALTMM_MAX_ORDER; order++) {
			struct list_head *list =
				&zone->free_area[order].free_list[ALTMM_MIGRATE_HIGHATOMIC];
			struct altmm_page *d;
			unsigned long pfn;

			if (list_empty(list))
				continue;
			d = list_first_entry(list, struct altmm_page, lru);
			pfn = altmm_desc_to_pfn(sys, d);
			if (altmm_get_pageblock_migratetype(sys, pfn) ==
			    ALTMM_MIGRATE_HIGHATOMIC) {
				WRITE_ONCE(zone->nr_reserved_highatomic,
					   zone->nr_reserved_highatomic -
					   min_t(unsigned long, ALTMM_PAGEBLOCK_NR_PAGES,
						 zone->nr_reserved_highatomic));
			}
			altmm_set_pageblock_migratetype(sys, pfn, mt);
			if (move_freepages_block(sys, zone, pfn, mt)) {
				altmm_count_event(sys, ALTMM_HIGHATOMIC_UNRESERVE, 1);
				spin_unlock_irqrestore(&zone->lock, flags);
				return true;
			}
		}
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	return false;
}

/* === Counters === */

/**
 * altmm_vm_event_sum() - an event count over every possible CPU
 * @sys: instance
 * @item: the event
 *
 * Context: any.
 * Return: the sum; racy against concurrent increments, as vmstat is.
 */
unsigned long altmm_vm_event_sum(const struct altmm_system *sys,
				 enum altmm_vm_event_item item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(sys->vm_events, cpu)->event[item];
	return sum;
}
EXPORT_SYMBOL_NS_GPL(altmm_vm_event_sum, ALTMM_INTERNAL);

/* === From the boot allocator === */

/**
 * altmm_free_range_core() - hand a range of free frames to the buddy lists
 * @sys: instance
 * @start: first pfn
 * @end: pfn after the last
 *
 * As memblock_free_all() does through __free_pages_core(): the range is
 * cut into the largest naturally aligned blocks it holds, each freed (and
 * merged) as one.  Descriptors stop being reserved; managed counts grow.
 * Under init_on_free the frames are zeroed first, as free_pages_prepare()
 * zeroes them on that path ("clearing system memory may take some
 * time"): they hold whatever the host left in them, and every later free
 * zeroes only what it frees, so nothing else would.
 *
 * Context: instance construction, process context.
 */
void altmm_free_range_core(struct altmm_system *sys, unsigned long start,
			   unsigned long end)
{
	bool init = READ_ONCE(sys->tune.init_on_free);

	while (start < end) {
		unsigned int order = min_t(unsigned int, __ffs(start | BIT(ALTMM_MAX_ORDER - 1)),
					   ALTMM_MAX_ORDER - 1);
		struct altmm_zone *zone = altmm_pfn_to_zone(sys, start);
		unsigned long flags, i;

		while (start + BIT(order) > end)
			order--;
		for (i = 0; i < BIT(order); i++) {
			__clear_bit(ALTMM_PG_reserved,
				    &altmm_pfn_to_desc(sys, start + i)->flags);
			if (init)
				clear_page(page_address(altmm_pfn_to_host_page(sys, start + i)));
		}
		atomic_long_add(BIT(order), &zone->managed_pages);
		altmm_count_event(sys, ALTMM_PGFREE, BIT(order));

		spin_lock_irqsave(&zone->lock, flags);
		altmm_free_one_page(sys, zone, start, order,
				    altmm_get_pageblock_migratetype(sys, start), true);
		spin_unlock_irqrestore(&zone->lock, flags);
		start += BIT(order);
		/* Zeroing a large arena is long work for one CPU. */
		if (init)
			cond_resched();
	}
}

/**
 * altmm_zone_init_free_lists() - empty free lists and a zone lock
 * @zone: the zone
 */
void altmm_zone_init_free_lists(struct altmm_zone *zone)
{
	unsigned int order, mt;

	spin_lock_init(&zone->lock);
	for (order = 0; order < ALTMM_MAX_ORDER; order++) {
		for (mt = 0; mt < ALTMM_MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list[mt]);
		zone->free_area[order].nr_free = 0;
	}
}
