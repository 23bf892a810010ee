// SPDX-License-Identifier: GPL-2.0
/*
 * Compaction: moving pages from the start of a zone to free frames
 * at its end, so that the frames they leave merge into large free blocks
 * (6.1's mm/compaction.c).
 *
 * What altmm keeps of 6.1:
 *   - the two scanners: the migration scanner walks the zone's pageblocks
 *     upwards from its start and isolates the pages on LRU lists (user
 *     pages) and the kernel pages their owners made movable
 *     (movable_operations, migrate.c), COMPACT_CLUSTER_MAX at a time;
 *     the free scanner walks pageblocks downwards from the zone's end and
 *     takes free blocks off the buddy lists (each split into
 *     single frames) as the migration needs targets; compaction of the
 *     zone is complete when they meet;
 *   - which pageblocks each scanner takes: the free scanner only movable
 *     ones and never a free block of a whole pageblock or more (moving
 *     pages into it would only fragment it), unless the caller is
 *     desperate (MIN_COMPACT_PRIORITY); asynchronous direct compaction
 *     migrates only from pageblocks of the request's own type;
 *   - the pageblock skip bits: a pageblock a scanner found nothing in is
 *     marked and passed over until the bits are reset (when a zone's
 *     compaction restarts after the deferrals ran out, and, where 6.1
 *     waits for kswapd to sleep, at the next compaction after a direct
 *     one met the scanners); manual compaction ignores them;
 *   - the scanners' cached positions per zone (one migration position for
 *     asynchronous compaction, one for synchronous), so that the next
 *     compaction resumes where the last stopped;
 *   - when a compaction for an order is done: a free block of that order
 *     on the request's lists or on a list it may claim a pageblock of,
 *     checked only at pageblock boundaries; frames freed by the migration
 *     are drained from the per-CPU lists when the migration scanner leaves
 *     an order-aligned block, so that they merge;
 *   - compaction_suitable(): a zone that already meets its watermark for
 *     the order needs nothing; one without 2 << order frames above its
 *     low (costly orders) or min watermark cannot be compacted; for a
 *     costly order, a fragmentation index at or below extfrag_threshold
 *     means the failure is for lack of memory and the zone is skipped;
 *   - deferral: a zone where synchronous compaction failed for an order
 *     is skipped for 1, 2, 4 ... 64 of the following attempts at that
 *     order or above (compact_considered, compact_defer_shift,
 *     compact_order_failed), reset when an allocation succeeds;
 *   - direct compaction from the allocation slow path, at the three
 *     priorities (asynchronous, synchronous light, synchronous with the
 *     skip bits and the free scanner's suitability ignored), and manual
 *     compaction of every zone of a node (compact_node(): synchronous,
 *     whole zones, skip bits ignored);
 *   - the compact_* events of vmstat.
 * What it leaves out: the fast searches (fast_find_migrateblock(),
 * fast_isolate_freepages()) that start the scanners at a likely block,
 * the free scanner's stride in asynchronous mode, capture of the freed
 * block by the compacting task, the zone lock's contention checks (the
 * free scanner takes the lock per block, not per pageblock), and the
 * throttling when too many pages are isolated.
 *
 * kcompactd, one thread per node: kswapd wakes it when it goes to sleep
 * on a balanced node, for the order it was woken for (and clears the
 * skip bits direct compaction asked cleared); it compacts the node's
 * zones as synchronous-light compaction, deferring as direct compaction
 * does.  Every 500 ms it also looks at the node's fragmentation score
 * (the unusable free index at pageblock order, weighted by zone size)
 * and, with compaction_proactiveness set, compacts whole zones until the
 * score is under 100 - proactiveness (proactive compaction; 64 times
 * less often after a round that did not lower it).
 *
 * Locking: none of its own.  The scanners read descriptors without a
 * lock and recheck what matters under the lock that owns it (the zone
 * lock for a free block, the lruvec lock for an LRU page); the zone's
 * compact_* fields are hints, written with WRITE_ONCE.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/swap.h>

#include "altmm_trace.h"
#include "compaction.h"
#include "migrate.h"
#include "page_alloc.h"
#include "usermem.h"

#define PB_PAGES		ALTMM_PAGEBLOCK_NR_PAGES

enum isolate_result {
	ISOLATE_ABORT,		/* a fatal signal */
	ISOLATE_NONE,		/* nothing isolated; the scanner moved on */
	ISOLATE_SUCCESS,
};

/**
 * struct compact_control - one compaction of one zone
 * @freepages: free frames isolated, each held once, by descriptor lru
 * @migratepages: user pages isolated, by descriptor lru
 * @nr_freepages: frames on @freepages
 * @nr_migratepages: pages on @migratepages
 * @free_pfn: where the free scanner resumes (it scans downwards)
 * @migrate_pfn: where the migration scanner resumes (upwards)
 * @stats: what it did
 * @sys: instance
 * @zone: the zone
 * @order: the order wanted, -1 for the whole zone (manual compaction)
 * @migratetype: the migrate type of the request
 * @alloc_flags: the request's ALTMM_ALLOC_* flags
 * @highest_zoneidx: the request's highest zone
 * @mode: how migration may wait
 * @ignore_skip_hint: scan pageblocks marked to be skipped
 * @ignore_block_suitable: the free scanner takes any pageblock type
 * @direct_compaction: for an allocation in its slow path
 * @whole_zone: from the zone's ends, not the cached positions
 * @proactive: kcompactd's background round: done when the zone's
 *	fragmentation score is under the low mark
 */
struct compact_control {
	struct list_head freepages;
	struct list_head migratepages;
	unsigned int nr_freepages;
	unsigned int nr_migratepages;
	unsigned long free_pfn;
	unsigned long migrate_pfn;
	struct altmm_compact_stats stats;
	struct altmm_system *sys;
	struct altmm_zone *zone;
	int order;
	int migratetype;
	unsigned int alloc_flags;
	int highest_zoneidx;
	enum migrate_mode mode;
	bool ignore_skip_hint;
	bool ignore_block_suitable;
	bool direct_compaction;
	bool whole_zone;
	bool proactive;
};

static unsigned long zone_end(const struct altmm_zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

/* pageblock_pfn_to_page(): is the pageblock of @pfn memory of the zone? */
static bool block_in_zone(const struct compact_control *cc, unsigned long pfn)
{
	const struct altmm_section *sec = altmm_pfn_to_section(cc->sys, pfn);

	return sec && (sec->flags & ALTMM_SECTION_ONLINE) &&
	       !(sec->flags & ALTMM_SECTION_DEVICE) &&
	       altmm_section_zone(cc->sys, sec) == cc->zone;
}

static bool scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> ALTMM_PAGEBLOCK_ORDER) <=
	       (cc->migrate_pfn >> ALTMM_PAGEBLOCK_ORDER);
}

static bool isolation_suitable(const struct compact_control *cc, unsigned long pfn)
{
	return cc->ignore_skip_hint || !altmm_get_pageblock_skip(cc->sys, pfn);
}

static void reset_cached_positions(struct altmm_zone *zone)
{
	WRITE_ONCE(zone->compact_cached_migrate_pfn[0], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_migrate_pfn[1], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_free_pfn,
		   round_down(zone_end(zone) - 1, PB_PAGES));
}

/* __reset_isolation_suitable(): every pageblock worth scanning again. */
static void reset_skip_bits(struct altmm_system *sys, struct altmm_zone *zone)
{
	struct compact_control cc = { .sys = sys, .zone = zone };
	unsigned long pfn;

	WRITE_ONCE(zone->compact_blockskip_flush, false);
	for (pfn = zone->zone_start_pfn; pfn < zone_end(zone); pfn += PB_PAGES) {
		if (!(pfn % (COMPACT_CLUSTER_MAX * PB_PAGES)))
			cond_resched();
		if (block_in_zone(&cc, pfn))
			altmm_set_pageblock_skip(sys, pfn, false);
	}
	reset_cached_positions(zone);
}

/* A pageblock scanned to its end: the next compaction starts past it. */
static void update_cached_migrate(struct compact_control *cc, unsigned long pfn)
{
	struct altmm_zone *zone = cc->zone;

	pfn = round_up(pfn, PB_PAGES);
	if (pfn > READ_ONCE(zone->compact_cached_migrate_pfn[0]))
		WRITE_ONCE(zone->compact_cached_migrate_pfn[0], pfn);
	if (cc->mode != MIGRATE_ASYNC &&
	    pfn > READ_ONCE(zone->compact_cached_migrate_pfn[1]))
		WRITE_ONCE(zone->compact_cached_migrate_pfn[1], pfn);
}

static void update_pageblock_skip(struct compact_control *cc, unsigned long pfn)
{
	altmm_set_pageblock_skip(cc->sys, pfn, true);
	if (pfn < READ_ONCE(cc->zone->compact_cached_free_pfn))
		WRITE_ONCE(cc->zone->compact_cached_free_pfn, pfn);
}

/* === The migration scanner === */

/*
 * suitable_migration_source(): asynchronous direct compaction takes pages
 * only from pageblocks of the request's type, so that it does not mix
 * types to serve one request; every other compaction takes any.
 */
static bool suitable_migration_source(const struct compact_control *cc,
				      unsigned long pfn)
{
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	return altmm_get_pageblock_migratetype(cc->sys, pfn) == cc->migratetype;
}

/*
 * isolate_migratepages_block(): isolate the movable pages of [@low_pfn,
 * @end_pfn), one pageblock or its rest, until COMPACT_CLUSTER_MAX are
 * held.  Free and allocated blocks are stepped over whole.  Returns
 * where scanning stopped, or ULONG_MAX on a fatal signal.
 */
static unsigned long isolate_migratepages_block(struct compact_control *cc,
						unsigned long low_pfn,
						unsigned long end_pfn)
{
	struct altmm_system *sys = cc->sys;
	unsigned long nr_scanned = 0, nr_isolated = 0;

	for (; low_pfn < end_pfn; low_pfn++) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, low_pfn);
		unsigned long flags = READ_ONCE(d->flags);
		unsigned int order;

		if (!(low_pfn % COMPACT_CLUSTER_MAX)) {
			cond_resched();
			if (fatal_signal_pending(current))
				return ULONG_MAX;
		}
		nr_scanned++;
		/* Racy reads: an order out of range is a block changing under us. */
		if (flags & BIT(ALTMM_PG_buddy)) {
			order = READ_ONCE(d->private);
			if (order < ALTMM_MAX_ORDER)
				low_pfn += BIT(order) - 1;
			continue;
		}
		if (!(flags & (BIT(ALTMM_PG_lru) | BIT(ALTMM_PG_movable)))) {
			if (flags & BIT(ALTMM_PG_alloc))
				low_pfn += BIT((flags & ALTMM_PG_ORDER_MASK) >>
					       ALTMM_PG_ORDER_SHIFT) - 1;
			continue;
		}
		if (altmm_isolate_movable_page(sys, low_pfn, cc->mode == MIGRATE_ASYNC ?
					       ISOLATE_ASYNC_MIGRATE : 0,
					       &cc->migratepages))
			continue;
		cc->nr_migratepages++;
		nr_isolated++;
		if (cc->nr_migratepages == COMPACT_CLUSTER_MAX) {
			low_pfn++;
			break;
		}
	}
	low_pfn = min(low_pfn, end_pfn);
	/* A pageblock with nothing to move is not worth the next look. */
	if (low_pfn == end_pfn) {
		if (!nr_isolated)
			altmm_set_pageblock_skip(sys, end_pfn - 1, true);
		update_cached_migrate(cc, low_pfn);
	}
	cc->stats.migrate_scanned += nr_scanned;
	cc->stats.isolated += nr_isolated;
	return low_pfn;
}

/* isolate_migratepages(): the next pageblock with pages to move. */
static enum isolate_result isolate_migratepages(struct compact_control *cc)
{
	unsigned long low_pfn = cc->migrate_pfn;
	unsigned long block_start = max(round_down(low_pfn, PB_PAGES),
					cc->zone->zone_start_pfn);
	unsigned long block_end = round_down(low_pfn, PB_PAGES) + PB_PAGES;

	for (; block_end <= cc->free_pfn;
	     low_pfn = block_end, block_start = block_end, block_end += PB_PAGES) {
		if (!(low_pfn % (COMPACT_CLUSTER_MAX * PB_PAGES)))
			cond_resched();
		if (!block_in_zone(cc, block_start))
			continue;
		if (IS_ALIGNED(low_pfn, PB_PAGES) && !isolation_suitable(cc, block_start))
			continue;
		if (!suitable_migration_source(cc, block_start)) {
			update_cached_migrate(cc, block_end);
			continue;
		}
		low_pfn = isolate_migratepages_block(cc, low_pfn, block_end);
		if (low_pfn == ULONG_MAX)
			return ISOLATE_ABORT;
		/* Either something to migrate, or compact_zone() decides. */
		break;
	}
	cc->migrate_pfn = low_pfn;
	return cc->nr_migratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

/* === The free scanner === */

/*
 * suitable_migration_target(): a movable pageblock that is not one large
 * free block already.
 */
static bool suitable_migration_target(const struct compact_control *cc,
				      unsigned long pfn)
{
	const struct altmm_page *d = altmm_pfn_to_desc(cc->sys, pfn);

	if (test_bit(ALTMM_PG_buddy, &d->flags) &&
	    READ_ONCE(d->private) >= ALTMM_PAGEBLOCK_ORDER)
		return false;
	/* Memory offline is emptying it: moving pages in would undo that. */
	if (altmm_get_pageblock_migratetype(cc->sys, pfn) == ALTMM_MIGRATE_ISOLATE)
		return false;
	if (cc->ignore_block_suitable)
		return true;
	return altmm_get_pageblock_migratetype(cc->sys, pfn) == ALTMM_MIGRATE_MOVABLE;
}

/*
 * isolate_freepages_block(): take the free blocks of [*@start_pfn,
 * @end_pfn) until there are as many frames as pages to migrate; each
 * becomes single frames on @cc->freepages.  *@start_pfn is left where
 * scanning stopped.
 */
static void isolate_freepages_block(struct compact_control *cc,
				    unsigned long *start_pfn, unsigned long end_pfn)
{
	struct altmm_system *sys = cc->sys;
	struct altmm_zone *zone = cc->zone;
	unsigned long pfn, nr_scanned = 0, nr_isolated = 0, flags;
	struct altmm_page *d, *next;
	LIST_HEAD(blocks);

	for (pfn = *start_pfn; pfn < end_pfn; pfn++) {
		int order;

		nr_scanned++;
		d = altmm_pfn_to_desc(sys, pfn);
		if (!test_bit(ALTMM_PG_buddy, &d->flags))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		order = altmm_isolate_free_block(sys, zone, pfn);
		spin_unlock_irqrestore(&zone->lock, flags);
		if (order == -ENOSPC)
			break;
		if (order < 0)
			continue;
		/* The order rides in private until the block is split. */
		d->private = order;
		list_add_tail(&d->lru, &blocks);
		nr_scanned += BIT(order) - 1;
		nr_isolated += BIT(order);
		cc->nr_freepages += BIT(order);
		pfn += BIT(order) - 1;
		if (cc->nr_freepages >= cc->nr_migratepages) {
			pfn++;
			break;
		}
	}
	*start_pfn = min(pfn, end_pfn);

	list_for_each_entry_safe(d, next, &blocks, lru) {
		unsigned int order = d->private;
		unsigned long first = altmm_desc_to_pfn(sys, d);

		list_del(&d->lru);
		d->private = 0;
		altmm_prep_isolated_block(sys, first, order);
		for (pfn = first; pfn < first + BIT(order); pfn++)
			list_add_tail(&altmm_pfn_to_desc(sys, pfn)->lru, &cc->freepages);
	}
	cc->stats.free_scanned += nr_scanned;
	cc->stats.isolated += nr_isolated;
}

/* isolate_freepages(): enough free frames for the pages isolated, if any. */
static void isolate_freepages(struct compact_control *cc)
{
	unsigned long isolate_start = cc->free_pfn;
	unsigned long block_start = round_down(cc->free_pfn, PB_PAGES);
	unsigned long block_end = min(block_start + PB_PAGES, zone_end(cc->zone));
	/* Never below the migration scanner's pageblock. */
	unsigned long low_pfn = round_down(cc->migrate_pfn, PB_PAGES) + PB_PAGES;

	for (; block_start >= low_pfn;
	     block_end = block_start, block_start -= PB_PAGES,
	     isolate_start = block_start) {
		if (!(block_start % (COMPACT_CLUSTER_MAX * PB_PAGES)))
			cond_resched();
		if (!block_in_zone(cc, block_start))
			continue;
		if (!suitable_migration_target(cc, block_start))
			continue;
		if (!isolation_suitable(cc, block_start))
			continue;
		isolate_freepages_block(cc, &isolate_start, block_end);
		/* Scanned to its end: nothing left here for a while. */
		if (isolate_start == block_end)
			update_pageblock_skip(cc, block_start);
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start >= block_end)
				isolate_start = block_start - PB_PAGES;
			break;
		}
		/* Stopped early (the watermark): no point going on. */
		if (isolate_start < block_end)
			break;
	}
	cc->free_pfn = isolate_start;
}

/* new_page_t for altmm_migrate_pages(): an isolated free frame. */
static struct page *compaction_alloc(struct altmm_system *sys, struct page *src,
				     unsigned long private)
{
	struct compact_control *cc = (struct compact_control *)private;
	struct altmm_page *d;

	if (list_empty(&cc->freepages)) {
		isolate_freepages(cc);
		if (list_empty(&cc->freepages))
			return NULL;
	}
	d = list_first_entry(&cc->freepages, struct altmm_page, lru);
	list_del_init(&d->lru);
	cc->nr_freepages--;
	return altmm_user_page(sys, d);
}

/* free_page_t: a frame the migration did not use goes back to the pool. */
static void compaction_free(struct altmm_system *sys, struct page *page,
			    unsigned long private)
{
	struct compact_control *cc = (struct compact_control *)private;
	unsigned long pfn;

	if (WARN_ON_ONCE(!altmm_host_page_to_pfn(sys, page, &pfn)))
		return;
	list_add(&altmm_pfn_to_desc(sys, pfn)->lru, &cc->freepages);
	cc->nr_freepages++;
}

/* Free what the free scanner took and nobody used; the highest pfn freed. */
static unsigned long release_freepages(struct compact_control *cc)
{
	struct altmm_page *d, *next;
	unsigned long high = 0;

	list_for_each_entry_safe(d, next, &cc->freepages, lru) {
		unsigned long pfn = altmm_desc_to_pfn(cc->sys, d);

		list_del_init(&d->lru);
		high = max(high, pfn);
		altmm_sys_free_pages(cc->sys, altmm_user_page(cc->sys, d), 0, false);
	}
	cc->nr_freepages = 0;
	return high;
}

/* === One zone === */

/**
 * altmm_compaction_suitable() - is compacting a zone for an order worth it
 *	(compaction_suitable())
 * @sys: instance
 * @zone: the zone
 * @order: the order, -1 for manual compaction (always worth it)
 * @alloc_flags: the request's ALTMM_ALLOC_* flags (its watermark)
 * @highest_zoneidx: the request's highest zone
 *
 * Context: any.
 * Return: COMPACT_SUCCESS when the zone meets the request's watermark
 * already, COMPACT_SKIPPED when it lacks the free frames to migrate into
 * or (costly orders) its free memory is short rather than fragmented,
 * COMPACT_CONTINUE otherwise.
 */
enum compact_result altmm_compaction_suitable(struct altmm_system *sys,
					      struct altmm_zone *zone, int order,
					      unsigned int alloc_flags,
					      int highest_zoneidx)
{
	unsigned long nr_free[ALTMM_MAX_ORDER];
	enum compact_result ret;
	int fragindex;

	if (order < 0)
		return COMPACT_CONTINUE;
	ret = altmm_compaction_watermarks(zone, order, alloc_flags, highest_zoneidx,
					  altmm_zone_free(zone));
	if (ret != COMPACT_CONTINUE)
		return ret;
	if (order > ALTMM_PCP_MAX_ORDER) {
		altmm_zone_nr_free(zone, nr_free);
		fragindex = altmm_fragmentation_index(nr_free, order);
		if (fragindex >= 0 && fragindex <= READ_ONCE(sys->tune.extfrag_threshold))
			return COMPACT_SKIPPED;
	}
	return COMPACT_CONTINUE;
}
EXPORT_SYMBOL_NS_GPL(altmm_compaction_suitable, ALTMM_INTERNAL);

/* === Fragmentation scores (proactive compaction) === */

/* kswapd_is_running() */
static bool kswapd_running(const struct altmm_node *node)
{
	return node->kswapd && task_is_running(node->kswapd);
}

/* fragmentation_score_zone(): extfrag_for_order() at pageblock order, 0..100. */
static unsigned int fragmentation_score_zone(struct altmm_zone *zone)
{
	unsigned long nr_free[ALTMM_MAX_ORDER];

	altmm_zone_nr_free(zone, nr_free);
	/* The unusable index in thousandths; 6.1's figure is in hundredths. */
	return altmm_unusable_index(nr_free, ALTMM_PAGEBLOCK_ORDER) / 10;
}

/* fragmentation_score_node(): the zones' scores weighted by their size. */
static unsigned int fragmentation_score_node(struct altmm_node *node)
{
	unsigned int score = 0;
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		struct altmm_zone *zone = &node->zones[zt];

		if (!altmm_zone_managed(zone))
			continue;
		/* An empty zone scores 0 in 6.1, where its index has no free pages. */
		if (!altmm_zone_free(zone))
			continue;
		score += div64_u64((u64)zone->present_pages * fragmentation_score_zone(zone),
				   node->node_present_pages + 1);
	}
	return score;
}

/* fragmentation_score_wmark(): the score proactive compaction aims under. */
static unsigned int fragmentation_score_wmark(struct altmm_system *sys, bool low)
{
	unsigned int wmark_low = max(100U - READ_ONCE(sys->tune.compaction_proactiveness), 5U);

	return low ? wmark_low : min(wmark_low + 10, 100U);
}

static bool should_proactive_compact_node(struct altmm_node *node)
{
	struct altmm_system *sys = node->sys;

	if (!READ_ONCE(sys->tune.compaction_proactiveness) || kswapd_running(node))
		return false;
	return fragmentation_score_node(node) > fragmentation_score_wmark(sys, false);
}

/* __compact_finished() */
static enum compact_result compact_finished(struct compact_control *cc)
{
	if (fatal_signal_pending(current))
		return COMPACT_CONTENDED;
	if (scanners_met(cc)) {
		reset_cached_positions(cc->zone);
		if (cc->direct_compaction)
			WRITE_ONCE(cc->zone->compact_blockskip_flush, true);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive) {
		if (kswapd_running(cc->zone->node))
			return COMPACT_PARTIAL_SKIPPED;
		return fragmentation_score_zone(cc->zone) >
		       fragmentation_score_wmark(cc->sys, true) ?
		       COMPACT_CONTINUE : COMPACT_SUCCESS;
	}
	if (cc->order < 0)
		return COMPACT_CONTINUE;
	/* Finish the pageblock: fewer fallbacks later. */
	if (!IS_ALIGNED(cc->migrate_pfn, PB_PAGES))
		return COMPACT_CONTINUE;
	if (altmm_zone_free_block_ready(cc->sys, cc->zone, cc->order, cc->migratetype) !=
	    ALTMM_FREE_BLOCK_NONE)
		return COMPACT_SUCCESS;
	return COMPACT_CONTINUE;
}

/* Frames the migration freed sit on per-CPU lists until drained. */
static void drain_local(struct compact_control *cc)
{
	int cpu = get_cpu();

	altmm_drain_zone_cpu(cc->sys, cc->zone, cpu);
	put_cpu();
}

static void start_positions(struct compact_control *cc)
{
	struct altmm_zone *zone = cc->zone;
	unsigned long start = zone->zone_start_pfn, end = zone_end(zone);
	bool sync = cc->mode != MIGRATE_ASYNC;

	if (cc->whole_zone) {
		cc->migrate_pfn = start;
		cc->free_pfn = round_down(end - 1, PB_PAGES);
		return;
	}
	cc->migrate_pfn = READ_ONCE(zone->compact_cached_migrate_pfn[sync]);
	cc->free_pfn = READ_ONCE(zone->compact_cached_free_pfn);
	if (cc->free_pfn < start || cc->free_pfn >= end) {
		cc->free_pfn = round_down(end - 1, PB_PAGES);
		WRITE_ONCE(zone->compact_cached_free_pfn, cc->free_pfn);
	}
	if (cc->migrate_pfn < start || cc->migrate_pfn >= end) {
		cc->migrate_pfn = start;
		WRITE_ONCE(zone->compact_cached_migrate_pfn[0], start);
		WRITE_ONCE(zone->compact_cached_migrate_pfn[1], start);
	}
	if (cc->migrate_pfn <= start)
		cc->whole_zone = true;
}

/* compaction_restarting(): the deferrals ran out; start afresh. */
static bool compaction_restarting(struct altmm_zone *zone, int order)
{
	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	return READ_ONCE(zone->compact_defer_shift) == ALTMM_COMPACT_MAX_DEFER_SHIFT &&
	       READ_ONCE(zone->compact_considered) >= BIT(ALTMM_COMPACT_MAX_DEFER_SHIFT);
}

/* compact_zone() */
static enum compact_result compact_zone(struct compact_control *cc)
{
	struct altmm_system *sys = cc->sys;
	unsigned long last_migrated_pfn = 0, free_pfn;
	enum compact_result ret;
	unsigned int moved;
	int err;

	INIT_LIST_HEAD(&cc->freepages);
	INIT_LIST_HEAD(&cc->migratepages);
	ret = altmm_compaction_suitable(sys, cc->zone, cc->order, cc->alloc_flags,
					cc->highest_zoneidx);
	if (ret != COMPACT_CONTINUE)
		return ret;
	if (compaction_restarting(cc->zone, cc->order))
		reset_skip_bits(cc->sys, cc->zone);
	start_positions(cc);
	trace_mm_compaction_begin(cc->zone->zone_start_pfn, cc->migrate_pfn, cc->free_pfn,
				  zone_end(cc->zone), cc->mode != MIGRATE_ASYNC,
				  COMPACT_CONTINUE);

	while ((ret = compact_finished(cc)) == COMPACT_CONTINUE) {
		unsigned long iteration_start = cc->migrate_pfn;

		switch (isolate_migratepages(cc)) {
		case ISOLATE_ABORT:
			ret = COMPACT_CONTENDED;
			goto out;
		case ISOLATE_NONE:
			goto check_drain;
		case ISOLATE_SUCCESS:
			last_migrated_pfn = iteration_start;
			break;
		}
		err = altmm_migrate_pages(sys, &cc->migratepages, compaction_alloc,
					  compaction_free, (unsigned long)cc, cc->mode,
					  MR_COMPACTION, &moved);
		cc->stats.migrated += moved;
		cc->nr_migratepages = 0;
		if (err) {
			altmm_putback_pages(sys, &cc->migratepages);
			/* No target left below the free scanner: it is over. */
			if (err == -ENOMEM && !scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				goto out;
			}
			/* Part of this order-aligned block stays: leave it. */
			if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC &&
			    cc->order > 0) {
				cc->migrate_pfn = ALIGN(cc->migrate_pfn, BIT(cc->order));
				last_migrated_pfn = 0;
			}
		}
check_drain:
		/* Left an order-aligned block it migrated from: let it merge. */
		if (cc->order > 0 && last_migrated_pfn &&
		    last_migrated_pfn < round_down(cc->migrate_pfn, BIT(cc->order))) {
			drain_local(cc);
			last_migrated_pfn = 0;
		}
	}
out:
	altmm_putback_pages(sys, &cc->migratepages);
	cc->nr_migratepages = 0;
	free_pfn = release_freepages(cc);
	/* The free scanner resumes at the highest frame it gave back. */
	if (free_pfn) {
		free_pfn = round_down(free_pfn, PB_PAGES);
		if (free_pfn > READ_ONCE(cc->zone->compact_cached_free_pfn))
			WRITE_ONCE(cc->zone->compact_cached_free_pfn, free_pfn);
	}
	altmm_count_event(sys, ALTMM_COMPACTMIGRATE_SCANNED, cc->stats.migrate_scanned);
	altmm_count_event(sys, ALTMM_COMPACTFREE_SCANNED, cc->stats.free_scanned);
	altmm_count_event(sys, ALTMM_COMPACTISOLATED, cc->stats.isolated);
	trace_mm_compaction_end(cc->zone->zone_start_pfn, cc->migrate_pfn, cc->free_pfn,
				zone_end(cc->zone), cc->mode != MIGRATE_ASYNC, ret);
	return ret;
}

/**
 * altmm_compact_zone_order() - compact one zone for an allocation
 *	(compact_zone_order())
 * @sys: instance
 * @zone: the zone
 * @order: the allocation's order
 * @gfp: its mask
 * @prio: COMPACT_PRIO_ASYNC, _SYNC_LIGHT or _SYNC_FULL
 * @alloc_flags: its ALTMM_ALLOC_* flags
 * @highest_zoneidx: its highest zone
 * @stats: if not NULL, what the compaction did
 *
 * Context: process context, may sleep; no altmm lock held.
 * Return: the compact_result of compact_zone().
 */
enum compact_result altmm_compact_zone_order(struct altmm_system *sys,
					     struct altmm_zone *zone, int order,
					     gfp_t gfp, enum compact_priority prio,
					     unsigned int alloc_flags,
					     int highest_zoneidx,
					     struct altmm_compact_stats *stats)
{
	struct compact_control cc = {
		.sys = sys,
		.zone = zone,
		.order = order,
		.migratetype = altmm_gfp_migratetype(gfp,
			READ_ONCE(sys->tune.page_group_by_mobility_disabled)),
		.alloc_flags = alloc_flags,
		.highest_zoneidx = highest_zoneidx,
		.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
		.direct_compaction = true,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
		.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
		.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
	};
	enum compact_result ret = compact_zone(&cc);

	if (stats)
		*stats = cc.stats;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_compact_zone_order, ALTMM_INTERNAL);

/**
 * altmm_try_to_compact_pages() - direct compaction for an allocation
 *	(try_to_compact_pages())
 * @sys: instance
 * @gfp: the allocation's mask
 * @order: its order
 * @alloc_flags: its ALTMM_ALLOC_* flags
 * @zonelist: its zones
 * @highest_zoneidx: its highest zone
 * @prio: how hard to try
 *
 * Zones are compacted in zonelist order until one succeeds; a zone whose
 * compaction is deferred for the order is passed over unless @prio is the
 * highest; a synchronous compaction that scanned a zone without success
 * defers the next ones there.
 *
 * Context: process context, may sleep; the caller may not do I/O without
 * __GFP_IO, and then nothing is done.
 * Return: the best result over the zones, COMPACT_SKIPPED if none could
 * be compacted.
 */
enum compact_result altmm_try_to_compact_pages(struct altmm_system *sys, gfp_t gfp,
					       unsigned int order,
					       unsigned int alloc_flags,
					       struct altmm_zonelist *zonelist,
					       int highest_zoneidx,
					       enum compact_priority prio)
{
	enum compact_result rc = COMPACT_SKIPPED;
	struct altmm_zone *zone;
	int i;

	if (!(gfp & __GFP_IO))
		return rc;
	for (i = 0; (zone = zonelist->zones[i]); i++) {
		enum compact_result status;

		if (zone->type > highest_zoneidx)
			continue;
		if (prio > MIN_COMPACT_PRIORITY && altmm_compaction_deferred(zone, order)) {
			rc = max_t(enum compact_result, COMPACT_DEFERRED, rc);
			continue;
		}
		status = altmm_compact_zone_order(sys, zone, order, gfp, prio, alloc_flags,
						  highest_zoneidx, NULL);
		rc = max(status, rc);
		if (status == COMPACT_SUCCESS) {
			altmm_compaction_defer_reset(zone, order, false);
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			altmm_defer_compaction(zone, order);
		if ((prio == COMPACT_PRIO_ASYNC && need_resched()) ||
		    fatal_signal_pending(current))
			break;
	}
	return rc;
}
EXPORT_SYMBOL_NS_GPL(altmm_try_to_compact_pages, ALTMM_INTERNAL);

/* === Manual compaction === */

/**
 * altmm_compact_node() - compact every zone of a node (compact_node())
 * @sys: instance
 * @nid: node
 * @stats: if not NULL, what was done, summed over the zones
 *
 * Synchronous, whole zones, skip bits ignored, as a write to the kernel's
 * vm/compact_memory or a node's compact file does.  Frames freed are
 * drained from every CPU's lists at the end, so the buddy lists show the
 * result.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a node that does not exist, -EINTR when a fatal
 * signal stopped it.
 */
int altmm_compact_node(struct altmm_system *sys, int nid,
		       struct altmm_compact_stats *stats)
{
	struct altmm_compact_stats sum = {};
	struct altmm_node *node;
	int zt, ret = 0;

	if (nid < 0 || nid >= sys->layout.nr_nodes || !sys->nodes[nid])
		return -EINVAL;
	node = sys->nodes[nid];
	for (zt = 0; zt < ALTMM_NR_ZONES && !ret; zt++) {
		struct compact_control cc = {
			.sys = sys,
			.zone = &node->zones[zt],
			.order = -1,
			.migratetype = ALTMM_MIGRATE_MOVABLE,
			.mode = MIGRATE_SYNC,
			.ignore_skip_hint = true,
			.whole_zone = true,
		};

		if (!altmm_zone_managed(cc.zone))
			continue;
		if (compact_zone(&cc) == COMPACT_CONTENDED)
			ret = -EINTR;
		altmm_drain_all_pages(sys, cc.zone);
		sum.migrate_scanned += cc.stats.migrate_scanned;
		sum.free_scanned += cc.stats.free_scanned;
		sum.isolated += cc.stats.isolated;
		sum.migrated += cc.stats.migrated;
	}
	if (stats)
		*stats = sum;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_compact_node, ALTMM_INTERNAL);

/**
 * altmm_compact_nodes() - compact every node (compact_nodes())
 * @sys: instance
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINTR when a fatal signal stopped it.
 */
int altmm_compact_nodes(struct altmm_system *sys)
{
	int nid, ret = 0;

	for (nid = 0; nid < sys->layout.nr_nodes && !ret; nid++)
		if (sys->nodes[nid])
			ret = altmm_compact_node(sys, nid, NULL);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_compact_nodes, ALTMM_INTERNAL);

/* === kcompactd === */

/* kcompactd_node_suitable(): would some zone of the node compact for the order? */
static bool kcompactd_node_suitable(struct altmm_node *node)
{
	int zt, highest = READ_ONCE(node->kcompactd_highest_zoneidx);
	int order = READ_ONCE(node->kcompactd_max_order);

	for (zt = 0; zt <= highest; zt++) {
		struct altmm_zone *zone = &node->zones[zt];

		if (altmm_zone_managed(zone) &&
		    altmm_compaction_suitable(node->sys, zone, order, 0, highest) ==
		    COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/* wakeup_kcompactd(): ask a node's kcompactd to compact for an order. */
static void wake_kcompactd(struct altmm_node *node, int order, int highest_zoneidx)
{
	if (!order || !node->kcompactd)
		return;
	if (READ_ONCE(node->kcompactd_max_order) < order)
		WRITE_ONCE(node->kcompactd_max_order, order);
	if (READ_ONCE(node->kcompactd_highest_zoneidx) > highest_zoneidx)
		WRITE_ONCE(node->kcompactd_highest_zoneidx, highest_zoneidx);
	/* Pairs with the barrier of the sleeper's wait_event: no wakeup is missed. */
	if (!wq_has_sleeper(&node->kcompactd_wait))
		return;
	if (!kcompactd_node_suitable(node))
		return;
	trace_mm_compaction_wakeup_kcompactd(node->nid, order, highest_zoneidx);
	wake_up_interruptible(&node->kcompactd_wait);
}

/*
 * kswapd is going to sleep on a balanced node: the skip bits direct
 * compaction left are cleared (pages may have gone since), and kcompactd
 * compacts for the order kswapd was woken for (6.1's
 * kswapd_try_to_sleep()).
 */
static void kswapd_sleeping(struct altmm_node *node, int order, int highest_zoneidx)
{
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		struct altmm_zone *zone = &node->zones[zt];

		if (altmm_zone_managed(zone) && READ_ONCE(zone->compact_blockskip_flush))
			reset_skip_bits(node->sys, zone);
	}
	wake_kcompactd(node, order, highest_zoneidx);
}

static void count_kcompactd(struct altmm_system *sys, const struct compact_control *cc)
{
	altmm_count_event(sys, ALTMM_KCOMPACTD_MIGRATE_SCANNED, cc->stats.migrate_scanned);
	altmm_count_event(sys, ALTMM_KCOMPACTD_FREE_SCANNED, cc->stats.free_scanned);
}

/* kcompactd_do_work(): compact each eligible zone for the order asked. */
static void kcompactd_do_work(struct altmm_node *node)
{
	struct altmm_system *sys = node->sys;
	int order = READ_ONCE(node->kcompactd_max_order);
	int highest = READ_ONCE(node->kcompactd_highest_zoneidx);
	int zt;

	altmm_count_event(sys, ALTMM_KCOMPACTD_WAKE, 1);
	trace_mm_compaction_kcompactd_wake(node->nid, order, highest);
	for (zt = 0; zt <= highest; zt++) {
		struct compact_control cc = {
			.sys = sys,
			.zone = &node->zones[zt],
			.order = order,
			.migratetype = ALTMM_MIGRATE_UNMOVABLE,
			.highest_zoneidx = highest,
			.mode = MIGRATE_SYNC_LIGHT,
		};
		enum compact_result status;

		if (!altmm_zone_managed(cc.zone))
			continue;
		if (altmm_compaction_deferred(cc.zone, order))
			continue;
		if (altmm_compaction_suitable(sys, cc.zone, order, 0, zt) != COMPACT_CONTINUE)
			continue;
		if (kthread_should_stop())
			return;
		status = compact_zone(&cc);
		if (status == COMPACT_SUCCESS) {
			altmm_compaction_defer_reset(cc.zone, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
			/* Frames stranded on per-CPU lists could merge; deferral limits this. */
			altmm_drain_all_pages(sys, cc.zone);
			altmm_defer_compaction(cc.zone, order);
		}
		count_kcompactd(sys, &cc);
	}
	/* Done until woken again, unless a waker asked for more meanwhile. */
	if (READ_ONCE(node->kcompactd_max_order) <= order)
		WRITE_ONCE(node->kcompactd_max_order, 0);
	if (READ_ONCE(node->kcompactd_highest_zoneidx) >= highest)
		WRITE_ONCE(node->kcompactd_highest_zoneidx, ALTMM_NR_ZONES - 1);
}

/* proactive_compact_node(): whole zones, until their scores are low enough. */
static void proactive_compact_node(struct altmm_node *node)
{
	struct altmm_system *sys = node->sys;
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		struct compact_control cc = {
			.sys = sys,
			.zone = &node->zones[zt],
			.order = -1,
			.migratetype = ALTMM_MIGRATE_MOVABLE,
			.mode = MIGRATE_SYNC_LIGHT,
			.ignore_skip_hint = true,
			.whole_zone = true,
			.proactive = true,
		};

		if (!altmm_zone_managed(cc.zone))
			continue;
		compact_zone(&cc);
		count_kcompactd(sys, &cc);
	}
}

static bool kcompactd_work_requested(struct altmm_node *node)
{
	return READ_ONCE(node->kcompactd_max_order) > 0 || kthread_should_stop() ||
	       READ_ONCE(node->proactive_compact_trigger);
}

/* 6.1's HPAGE_FRAG_CHECK_INTERVAL_MSEC: how often proactive compaction looks. */
#define FRAG_CHECK_INTERVAL_MSEC	500

static int kcompactd(void *data)
{
	struct altmm_node *node = data;
	long default_timeout = msecs_to_jiffies(FRAG_CHECK_INTERVAL_MSEC);
	long timeout = default_timeout;

	set_freezable();
	while (!kthread_should_stop()) {
		if (!READ_ONCE(node->sys->tune.compaction_proactiveness))
			timeout = MAX_SCHEDULE_TIMEOUT;
		trace_mm_compaction_kcompactd_sleep(node->nid);
		bool requested = wait_event_freezable_timeout(node->kcompactd_wait,
							      kcompactd_work_requested(node),
							      timeout);

		WRITE_ONCE(node->kcompactd_busy, true);
		timeout = default_timeout;
		if (requested && !READ_ONCE(node->proactive_compact_trigger)) {
			kcompactd_do_work(node);
		} else {
			if (should_proactive_compact_node(node)) {
				unsigned int prev = fragmentation_score_node(node);

				proactive_compact_node(node);
				/* No progress: look again 64 times later. */
				if (fragmentation_score_node(node) >= prev)
					timeout = default_timeout << ALTMM_COMPACT_MAX_DEFER_SHIFT;
			}
			WRITE_ONCE(node->proactive_compact_trigger, false);
		}
		WRITE_ONCE(node->kcompactd_busy, false);
	}
	return 0;
}

/**
 * altmm_compaction_proactiveness_changed() - a new compaction_proactiveness:
 *	every kcompactd looks at once (compaction_proactiveness_sysctl_handler())
 * @sys: instance
 *
 * Context: process context.
 */
void altmm_compaction_proactiveness_changed(struct altmm_system *sys)
{
	struct altmm_node *node;
	int nid;

	if (!READ_ONCE(sys->tune.compaction_proactiveness))
		return;
	for_each_altmm_node(sys, node, nid) {
		if (!node->kcompactd || READ_ONCE(node->proactive_compact_trigger))
			continue;
		WRITE_ONCE(node->proactive_compact_trigger, true);
		wake_up_interruptible(&node->kcompactd_wait);
	}
}
EXPORT_SYMBOL_NS_GPL(altmm_compaction_proactiveness_changed, ALTMM_INTERNAL);

/**
 * altmm_compaction_start() - direct compaction and one kcompactd per node
 * @sys: instance with user memory
 *
 * Context: process context.
 * Return: 0, or the error of kthread_run() (the threads started are
 * stopped by altmm_compaction_stop()).
 */
int altmm_compaction_start(struct altmm_system *sys)
{
	struct altmm_node *node;
	int nid;

	for_each_altmm_node(sys, node, nid) {
		struct task_struct *t;
		int zt;

		/* Scanner positions at the zones' ends (an instance's first zone starts at 0). */
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			if (node->zones[zt].spanned_pages)
				reset_cached_positions(&node->zones[zt]);
		init_waitqueue_head(&node->kcompactd_wait);
		node->kcompactd_max_order = 0;
		node->kcompactd_highest_zoneidx = ALTMM_NR_ZONES - 1;
		if (!node->node_present_pages)
			continue;
		t = kthread_run(kcompactd, node, "altmm_kcompactd%d", nid);
		if (IS_ERR(t))
			return PTR_ERR(t);
		node->kcompactd = t;
	}
	WRITE_ONCE(sys->try_to_compact, altmm_try_to_compact_pages);
	WRITE_ONCE(sys->wakeup_kcompactd, wake_kcompactd);
	WRITE_ONCE(sys->kswapd_sleeping, kswapd_sleeping);
	return 0;
}

/**
 * altmm_compaction_stop() - no more compaction: kcompactd stopped
 * @sys: instance
 *
 * Context: process context, may sleep.
 */
void altmm_compaction_stop(struct altmm_system *sys)
{
	struct altmm_node *node;
	int nid;

	WRITE_ONCE(sys->try_to_compact, NULL);
	WRITE_ONCE(sys->wakeup_kcompactd, NULL);
	WRITE_ONCE(sys->kswapd_sleeping, NULL);
	for_each_altmm_node(sys, node, nid) {
		if (!node || !node->kcompactd)
			continue;
		kthread_stop(node->kcompactd);
		node->kcompactd = NULL;
	}
}
