// SPDX-License-Identifier: GPL-2.0
/*
 * LRU reclaim of user memory, the classic (non-MGLRU) reclaim of 6.1's
 * mm/vmscan.c, for the pages of usermem.c's objects.
 *
 * What altmm keeps:
 *   - per node, one lruvec of four lists (inactive/active anon/file; no
 *     unevictable list: nothing is mlocked), the newest page at the head;
 *     the list sizes live in the zones' NR_ZONE_*_ANON/FILE counters and
 *     move with the lists under the lruvec's lru_lock;
 *   - shrink_lruvec(): get_scan_count() splits each priority's scan over
 *     the lists (SCAN_FRACT by swappiness and the recent anon/file costs,
 *     SCAN_EQUAL at priority 0, SCAN_FILE when swap is impossible, SCAN_ANON
 *     when file pages are tiny), SWAP_CLUSTER_MAX pages at a time, and
 *     ages the active anon list when inactive_is_low() (the
 *     int_sqrt(10 * GB) ratio);
 *   - shrink_active_list(): every page scanned is deactivated (pgrefill,
 *     pgdeactivate) except file pages mapped executable and referenced;
 *     its accessed bits are cleared on the way;
 *   - shrink_folio_list()'s folio_check_references(): accessed bits from
 *     the page tables of the object's VMAs (usermem.c), as
 *     folio_referenced() finds them, and the page's referenced flag
 *     decide between activate (used twice), keep (used once: mark and
 *     spare it), reclaim, and reclaim only if clean (a file page whose
 *     referenced flag alone was set); an anonymous page is reclaimed only
 *     with __GFP_IO and swap room, by unmapping it and writing it to swap
 *     (usermem.c); one that cannot be is activated (no swap room) or kept;
 *   - a clean file page is unmapped and dropped, leaving a shadow entry;
 *     a dirty one is written back only by kswapd, only with __GFP_FS, and
 *     only once the node is marked dirty (kswapd found nothing but
 *     dirty, unqueued file pages) and the page was seen dirty before
 *     (PG_reclaim); otherwise it is marked PG_reclaim and activated, and
 *     rotated to the inactive tail when the flusher has written it
 *     (filemap.c); a scan that found only such pages wakes the flusher;
 *   - lru_note_cost(): pages written count against their type, and the
 *     costs halve when they pass a quarter of the LRU pages;
 *   - the may_deactivate rule: an active list is aged only when its
 *     inactive list is low or refaults activated pages since the last run.
 * What it leaves out: memcg, the scan-target rebalancing of
 * shrink_lruvec() once enough was reclaimed (altmm stops there), dirty
 * file throttling, cache_trim_mode.
 *
 * &altmm_system.shrink_lru points here: reclaim.c's shrink_node() calls it
 * first, with the node, how much to reclaim and the caller's GFP, and
 * altmm_shrink_lru() runs the priority loop from DEF_PRIORITY down.
 */

#define pr_fmt(fmt) fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/swap.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "usermem.h"

#define ALTMM_DEF_PRIORITY	12	/* DEF_PRIORITY */

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

enum page_references {
	PAGEREF_ACTIVATE, PAGEREF_KEEP, PAGEREF_RECLAIM, PAGEREF_RECLAIM_CLEAN
};

/**
 * struct scan_control - one call of altmm_shrink_lru()
 * @sys: instance
 * @node: the node
 * @gfp: the reclaiming allocation's flags
 * @nr_to_reclaim: how many frames to free
 * @nr_reclaimed: freed so far
 * @nr_scanned: inactive pages scanned so far
 * @priority: this pass scans 1/2^priority of each list
 * @may_swap: anonymous pages may go to swap (there is swap, __GFP_IO)
 * @may_deactivate: which active lists may be aged, bit 0 anon, bit 1 file
 * @file_is_tiny: so little file memory is left that anon goes first
 * @nr_pageout: pages written this call
 * @kswapd: kswapd's run (only it writes file pages back)
 * @nr_unqueued_dirty: dirty file pages the last shrink_page_list() found
 */
struct scan_control {
	struct altmm_system *sys;
	struct altmm_node *node;
	gfp_t gfp;
	unsigned long nr_to_reclaim;
	unsigned long nr_reclaimed;
	unsigned long nr_scanned;
	int priority;
	bool may_swap;
	unsigned int may_deactivate;
	bool file_is_tiny;
	unsigned long nr_pageout;
	bool kswapd;
	unsigned long nr_unqueued_dirty;
};

#define DEACTIVATE_ANON	1
#define DEACTIVATE_FILE	2

static bool lru_is_file(enum altmm_lru_list lru)
{
	return lru >= ALTMM_LRU_INACTIVE_FILE;
}

static bool lru_is_active(enum altmm_lru_list lru)
{
	return lru == ALTMM_LRU_ACTIVE_ANON || lru == ALTMM_LRU_ACTIVE_FILE;
}

static enum altmm_lru_list desc_lru(const struct altmm_page *d)
{
	enum altmm_lru_list lru = test_bit(ALTMM_PG_swapbacked, &d->flags) ?
				  ALTMM_LRU_INACTIVE_ANON : ALTMM_LRU_INACTIVE_FILE;

	return lru + test_bit(ALTMM_PG_active, &d->flags);
}

/* nr_isolated_anon or nr_isolated_file, as the page is. */
static int isolated_item(const struct altmm_page *d)
{
	return test_bit(ALTMM_PG_swapbacked, &d->flags) ? ALTMM_NR_ISOLATED_ANON :
							   ALTMM_NR_ISOLATED_FILE;
}

void altmm_lruvec_init(struct altmm_lruvec *lruvec)
{
	int lru;

	spin_lock_init(&lruvec->lru_lock);
	for (lru = 0; lru < ALTMM_NR_LRU_LISTS; lru++)
		INIT_LIST_HEAD(&lruvec->lists[lru]);
	lruvec->anon_cost = 0;
	lruvec->file_cost = 0;
	atomic_long_set(&lruvec->nonresident_age, 0);
	lruvec->refaults[0] = 0;
	lruvec->refaults[1] = 0;
}

/* The zone and lruvec of a user page. */
static struct altmm_zone *user_zone(struct altmm_system *sys, struct page *page,
				    struct altmm_page **dp)
{
	unsigned long pfn;

	if (WARN_ON_ONCE(!altmm_host_page_to_pfn(sys, page, &pfn)))
		return NULL;
	*dp = altmm_pfn_to_desc(sys, pfn);
	return altmm_pfn_to_zone(sys, pfn);
}

static void update_lru_size(struct altmm_zone *zone, enum altmm_lru_list lru,
			    long delta)
{
	atomic_long_add(delta, &zone->vm_stat[ALTMM_NR_ZONE_INACTIVE_ANON + lru]);
}

/* Under lru_lock: off the list its flags name. */
static void del_locked(struct altmm_zone *zone, struct altmm_page *d)
{
	list_del(&d->lru);
	update_lru_size(zone, desc_lru(d), -1);
}

/* Under lru_lock: onto the head of the list its flags name. */
static void add_locked(struct altmm_lruvec *lruvec, struct altmm_zone *zone,
		       struct altmm_page *d)
{
	enum altmm_lru_list lru = desc_lru(d);

	list_add(&d->lru, &lruvec->lists[lru]);
	set_bit(ALTMM_PG_lru, &d->flags);
	update_lru_size(zone, lru, 1);
}

/**
 * altmm_lru_add() - put a new user page on its node's LRU
 * @sys: instance
 * @page: a page not on any list; its active and swapbacked flags pick
 *	the list (folio_add_lru())
 *
 * Context: any but hard IRQ; takes the lruvec's lru_lock.
 */
void altmm_lru_add(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d;
	struct altmm_zone *zone = user_zone(sys, page, &d);
	struct altmm_lruvec *lruvec = &zone->node->lruvec;

	spin_lock(&lruvec->lru_lock);
	add_locked(lruvec, zone, d);
	spin_unlock(&lruvec->lru_lock);
}
EXPORT_SYMBOL_NS_GPL(altmm_lru_add, ALTMM_INTERNAL);

/**
 * altmm_lru_del() - take a user page off its LRU list, if it is on one
 * @sys: instance
 * @page: the page
 *
 * Context: any but hard IRQ; takes the lruvec's lru_lock.
 */
void altmm_lru_del(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d;
	struct altmm_zone *zone = user_zone(sys, page, &d);
	struct altmm_lruvec *lruvec = &zone->node->lruvec;

	spin_lock(&lruvec->lru_lock);
	if (test_and_clear_bit(ALTMM_PG_lru, &d->flags))
		del_locked(zone, d);
	spin_unlock(&lruvec->lru_lock);
}
EXPORT_SYMBOL_NS_GPL(altmm_lru_del, ALTMM_INTERNAL);

/**
 * altmm_lru_rotate() - folio_rotate_reclaimable(): a page reclaim wanted,
 *	written back, goes to the tail of its inactive list to be freed next
 * @sys: instance
 * @page: a file page, on an LRU list or isolated (then left alone)
 *
 * Context: any but hard IRQ; takes the lruvec's lru_lock.
 */
void altmm_lru_rotate(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d;
	struct altmm_zone *zone = user_zone(sys, page, &d);
	struct altmm_lruvec *lruvec = &zone->node->lruvec;

	spin_lock(&lruvec->lru_lock);
	if (test_bit(ALTMM_PG_lru, &d->flags)) {
		del_locked(zone, d);
		clear_bit(ALTMM_PG_active, &d->flags);
		list_add_tail(&d->lru, &lruvec->lists[desc_lru(d)]);
		update_lru_size(zone, desc_lru(d), 1);
		altmm_count_event(sys, ALTMM_PGROTATED, 1);
	}
	spin_unlock(&lruvec->lru_lock);
}

/**
 * altmm_isolate_lru_page() - take a user page off its LRU list for
 *	migration (folio_isolate_lru())
 * @sys: instance
 * @page: a user page
 * @list: where it goes, by its descriptor's lru
 *
 * Holds a reference to the page's object for as long as the page is
 * off its list, as reclaim's isolation does, and counts nr_isolated_*.
 *
 * Context: any but hard IRQ; takes the lruvec's lru_lock.
 * Return: 0, or -EBUSY when the page is on no list (reclaim or another
 * migration holds it) or its object is going.
 */
int altmm_isolate_lru_page(struct altmm_system *sys, struct page *page,
			   struct list_head *list)
{
	struct altmm_page *d;
	struct altmm_zone *zone = user_zone(sys, page, &d);
	struct altmm_lruvec *lruvec = &zone->node->lruvec;
	struct altmm_uobj *obj;
	int ret = -EBUSY;

	spin_lock(&lruvec->lru_lock);
	if (test_bit(ALTMM_PG_lru, &d->flags)) {
		obj = (struct altmm_uobj *)page_private(page);
		if (kref_get_unless_zero(&obj->ref)) {
			clear_bit(ALTMM_PG_lru, &d->flags);
			del_locked(zone, d);
			list_add_tail(&d->lru, list);
			ret = 0;
		}
	}
	spin_unlock(&lruvec->lru_lock);
	if (!ret)
		atomic_long_inc(&zone->node->vm_stat[isolated_item(d)]);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_isolate_lru_page, ALTMM_INTERNAL);

/**
 * altmm_putback_lru_page() - an isolated page back on its list
 * @sys: instance
 * @page: a page altmm_isolate_lru_page() took, off any list of its own
 *
 * Drops the isolation's object reference, which may be the last.
 *
 * Context: process context, may sleep (the object may go).
 */
void altmm_putback_lru_page(struct altmm_system *sys, struct page *page)
{
	struct altmm_uobj *obj = (struct altmm_uobj *)page_private(page);

	altmm_lru_isolated_done(sys, page);
	altmm_lru_add(sys, page);
	altmm_uobj_put(obj);
}
EXPORT_SYMBOL_NS_GPL(altmm_putback_lru_page, ALTMM_INTERNAL);

/**
 * altmm_lru_isolated_done() - an isolated page stops counting as isolated
 * @sys: instance
 * @page: the page, back on a list or about to be freed
 */
void altmm_lru_isolated_done(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d;
	struct altmm_zone *zone = user_zone(sys, page, &d);

	atomic_long_dec(&zone->node->vm_stat[isolated_item(d)]);
}

/**
 * altmm_lru_size() - pages on one of a node's lists (lruvec_lru_size())
 * @sys: instance
 * @nid: node
 * @lru: list
 *
 * Return: the sum of the node's zones' counters.
 */
unsigned long altmm_lru_size(struct altmm_system *sys, int nid,
			     enum altmm_lru_list lru)
{
	struct altmm_node *node = sys->nodes[nid];
	long n = 0;
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
		n += atomic_long_read(&node->zones[zt].vm_stat[ALTMM_NR_ZONE_INACTIVE_ANON + lru]);
	return max(n, 0L);
}
EXPORT_SYMBOL_NS_GPL(altmm_lru_size, ALTMM_INTERNAL);

/**
 * altmm_inactive_is_low() - 6.1's inactive_is_low()
 * @sys: instance
 * @nid: node
 * @inactive_lru: ALTMM_LRU_INACTIVE_ANON or ALTMM_LRU_INACTIVE_FILE
 *
 * The inactive list should hold at least 1/ratio of the pair, the ratio
 * being int_sqrt(10 * size in GiB), or 1 under a GiB: 1:1 at 100 MiB,
 * 1:3 at 1 GiB, 1:10 at 10 GiB.
 *
 * Return: true when the active list is the larger by more than that.
 */
bool altmm_inactive_is_low(struct altmm_system *sys, int nid,
			   enum altmm_lru_list inactive_lru)
{
	unsigned long inactive = altmm_lru_size(sys, nid, inactive_lru);
	unsigned long active = altmm_lru_size(sys, nid, inactive_lru + 1);
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}
EXPORT_SYMBOL_NS_GPL(altmm_inactive_is_low, ALTMM_INTERNAL);

/* 6.1's lru_note_cost(): @nr pages of one type cost I/O. */
static void note_cost(struct altmm_system *sys, struct altmm_node *node,
		      bool file, unsigned long nr)
{
	struct altmm_lruvec *lruvec = &node->lruvec;
	unsigned long lrusize = 0;
	int lru;

	for (lru = 0; lru < ALTMM_NR_LRU_LISTS; lru++)
		lrusize += altmm_lru_size(sys, node->nid, lru);
	spin_lock(&lruvec->lru_lock);
	if (file)
		lruvec->file_cost += nr;
	else
		lruvec->anon_cost += nr;
	if (lruvec->file_cost + lruvec->anon_cost > lrusize / 4) {
		lruvec->file_cost /= 2;
		lruvec->anon_cost /= 2;
	}
	spin_unlock(&lruvec->lru_lock);
}

/* === Scan targets === */

static int swappiness(struct altmm_system *sys)
{
	return READ_ONCE(sys->tune.swappiness);
}

static void scan_count(struct scan_control *sc, unsigned long *nr)
{
	struct altmm_system *sys = sc->sys;
	struct altmm_lruvec *lruvec = &sc->node->lruvec;
	int nid = sc->node->nid, swp = swappiness(sys);
	enum scan_balance balance;
	u64 fraction[2] = { 0, 0 }, denominator = 1;
	enum altmm_lru_list lru;

	if (!sc->may_swap) {
		balance = SCAN_FILE;
	} else if (!sc->priority && swp) {
		balance = SCAN_EQUAL;
	} else if (sc->file_is_tiny) {
		balance = SCAN_ANON;
	} else {
		unsigned long anon_cost, file_cost, total_cost;
		u64 ap, fp;

		spin_lock(&lruvec->lru_lock);
		total_cost = lruvec->anon_cost + lruvec->file_cost;
		anon_cost = total_cost + lruvec->anon_cost;
		file_cost = total_cost + lruvec->file_cost;
		spin_unlock(&lruvec->lru_lock);
		total_cost = anon_cost + file_cost;
		ap = div64_u64((u64)swp * (total_cost + 1), anon_cost + 1);
		fp = div64_u64((u64)(200 - swp) * (total_cost + 1), file_cost + 1);
		fraction[0] = ap;
		fraction[1] = fp;
		denominator = ap + fp;
		balance = SCAN_FRACT;
	}

	for (lru = 0; lru < ALTMM_NR_LRU_LISTS; lru++) {
		bool file = lru_is_file(lru);
		u64 scan = altmm_lru_size(sys, nid, lru) >> sc->priority;

		switch (balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = denominator ? div64_u64(scan * fraction[file], denominator) : 0;
			break;
		case SCAN_FILE:
			if (!file)
				scan = 0;
			break;
		case SCAN_ANON:
			if (file)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
}

/**
 * altmm_get_scan_count() - how many pages of each list one pass scans
 * @sys: instance
 * @nid: node
 * @priority: 0..DEF_PRIORITY; a pass scans size >> @priority
 * @may_swap: anonymous pages can go to swap
 * @nr: ALTMM_NR_LRU_LISTS counts, filled in
 *
 * For tests: get_scan_count() with file_is_tiny false.
 */
void altmm_get_scan_count(struct altmm_system *sys, int nid, int priority,
			  bool may_swap, unsigned long *nr)
{
	struct scan_control sc = {
		.sys = sys, .node = sys->nodes[nid], .priority = priority,
		.may_swap = may_swap,
	};

	scan_count(&sc, nr);
}
EXPORT_SYMBOL_NS_GPL(altmm_get_scan_count, ALTMM_INTERNAL);

/* === Accessed bits === */

/* folio_check_references(). */
static enum page_references check_references(struct altmm_uobj *obj,
					     struct page *page, struct altmm_page *d)
{
	unsigned long vm_flags;
	int referenced_ptes = altmm_uobj_referenced(obj, page, &vm_flags);
	bool referenced_page = test_and_clear_bit(ALTMM_PG_referenced, &d->flags);

	if (referenced_ptes == -1)
		return PAGEREF_KEEP;
	if (referenced_ptes) {
		/* Every mapped page starts with the fault's reference: look twice. */
		set_bit(ALTMM_PG_referenced, &d->flags);
		if (referenced_page || referenced_ptes > 1)
			return PAGEREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && !test_bit(ALTMM_PG_swapbacked, &d->flags))
			return PAGEREF_ACTIVATE;
		return PAGEREF_KEEP;
	}
	/* Reclaim, but without I/O: a clean page is cheap to drop. */
	if (referenced_page && !test_bit(ALTMM_PG_swapbacked, &d->flags))
		return PAGEREF_RECLAIM_CLEAN;
	return PAGEREF_RECLAIM;
}

/* === Isolation and putback === */

/*
 * isolate_lru_folios(): up to @nr_to_scan pages from the tail of @lru onto
 * @dst, each holding a reference to its object.  Returns the pages taken;
 * *@scanned is how many were looked at.
 */
static unsigned long isolate_pages(struct scan_control *sc, enum altmm_lru_list lru,
				   unsigned long nr_to_scan, struct list_head *dst,
				   unsigned long *scanned)
{
	struct altmm_system *sys = sc->sys;
	struct altmm_lruvec *lruvec = &sc->node->lruvec;
	struct list_head *src = &lruvec->lists[lru];
	unsigned long taken = 0, seen = 0;

	spin_lock(&lruvec->lru_lock);
	while (seen < nr_to_scan && !list_empty(src)) {
		struct altmm_page *d = list_last_entry(src, struct altmm_page, lru);
		unsigned long pfn = altmm_desc_to_pfn(sys, d);
		struct page *page = altmm_pfn_to_host_page(sys, pfn);
		struct altmm_uobj *obj = (struct altmm_uobj *)page_private(page);

		seen++;
		/* An object being destroyed takes its pages off itself. */
		if (!kref_get_unless_zero(&obj->ref)) {
			list_move(&d->lru, src);
			continue;
		}
		list_move(&d->lru, dst);
		clear_bit(ALTMM_PG_lru, &d->flags);
		update_lru_size(altmm_pfn_to_zone(sys, pfn), lru, -1);
		taken++;
	}
	spin_unlock(&lruvec->lru_lock);
	atomic_long_add(taken, &sc->node->vm_stat[lru_is_file(lru) ?
						  ALTMM_NR_ISOLATED_FILE :
						  ALTMM_NR_ISOLATED_ANON]);
	*scanned = seen;
	return taken;
}

/*
 * move_folios_to_lru(): every page of @list back on the list its flags
 * name, its object reference dropped.  Returns how many went back active.
 */
static unsigned long putback_pages(struct scan_control *sc, struct list_head *list)
{
	struct altmm_system *sys = sc->sys;
	struct altmm_lruvec *lruvec = &sc->node->lruvec;
	struct altmm_page *d, *next;
	unsigned long nr_active = 0;
	struct altmm_uobj *held[SWAP_CLUSTER_MAX];
	unsigned int nr_held = 0, i;

	spin_lock(&lruvec->lru_lock);
	list_for_each_entry_safe(d, next, list, lru) {
		unsigned long pfn = altmm_desc_to_pfn(sys, d);
		struct page *page = altmm_pfn_to_host_page(sys, pfn);

		list_del(&d->lru);
		add_locked(lruvec, altmm_pfn_to_zone(sys, pfn), d);
		if (test_bit(ALTMM_PG_active, &d->flags))
			nr_active++;
		if (!WARN_ON_ONCE(nr_held == ARRAY_SIZE(held)))
			held[nr_held++] = (struct altmm_uobj *)page_private(page);
	}
	spin_unlock(&lruvec->lru_lock);
	/* The last reference may destroy an object: outside the lock. */
	for (i = 0; i < nr_held; i++)
		altmm_uobj_put(held[i]);
	/* Activated pages age the workingset clock, as in 6.1. */
	atomic_long_add(nr_active, &lruvec->nonresident_age);
	return nr_active;
}

static void unisolate(struct scan_control *sc, bool file, unsigned long nr)
{
	atomic_long_sub(nr, &sc->node->vm_stat[file ? ALTMM_NR_ISOLATED_FILE :
					       ALTMM_NR_ISOLATED_ANON]);
}

/* === The lists === */

/* shrink_active_list(): age up to @nr_to_scan pages of an active list. */
static void shrink_active_list(struct scan_control *sc, enum altmm_lru_list lru,
			       unsigned long nr_to_scan)
{
	struct altmm_system *sys = sc->sys;
	unsigned long taken, scanned, nr_deactivate = 0;
	bool file = lru_is_file(lru);
	struct altmm_page *d, *next;
	LIST_HEAD(hold);

	taken = isolate_pages(sc, lru, nr_to_scan, &hold, &scanned);
	altmm_count_event(sys, ALTMM_PGREFILL, scanned);
	list_for_each_entry_safe(d, next, &hold, lru) {
		struct page *page = altmm_user_page(sys, d);
		struct altmm_uobj *obj = (struct altmm_uobj *)page_private(page);
		unsigned long vm_flags;

		/* Executable file pages that are used stay active. */
		if (altmm_uobj_referenced(obj, page, &vm_flags) > 0 &&
		    (vm_flags & VM_EXEC) && file)
			continue;
		clear_bit(ALTMM_PG_active, &d->flags);
		nr_deactivate++;
	}
	putback_pages(sc, &hold);
	unisolate(sc, file, taken);
	altmm_count_event(sys, ALTMM_PGDEACTIVATE, nr_deactivate);
}

/*
 * An object's lock, for reclaim: a fault holds it for microseconds, so
 * a few tries are worth it before the page is given up as locked (6.1's
 * trylock_folio() fails as seldom, the lock being the page's own).
 */
static bool obj_trylock(struct altmm_uobj *obj)
{
	int i;

	for (i = 0; i < 64; i++) {
		if (mutex_trylock(&obj->lock))
			return true;
		cpu_relax();
	}
	return false;
}

/*
 * shrink_folio_list(): reclaim what can be of the isolated inactive pages
 * on @list; what stays is left there, activated where it should be.  A
 * run of pages of one object is done under one hold of its lock; the
 * references of the pages freed are dropped after it.
 */
static unsigned long shrink_page_list(struct scan_control *sc, struct list_head *list)
{
	struct altmm_system *sys = sc->sys;
	struct altmm_page *d, *next;
	unsigned long reclaimed = 0, activated = 0, nr_put = 0, i;
	struct altmm_uobj *locked = NULL, *put[SWAP_CLUSTER_MAX];

	sc->nr_unqueued_dirty = 0;
	list_for_each_entry_safe(d, next, list, lru) {
		struct page *page = altmm_user_page(sys, d);
		struct altmm_uobj *obj = (struct altmm_uobj *)page_private(page);
		enum page_references references;
		bool file = obj->backing;
		int ret;

		if (obj != locked) {
			if (locked)
				mutex_unlock(&locked->lock);
			locked = obj_trylock(obj) ? obj : NULL;
			if (!locked)
				continue;
		}
		references = check_references(obj, page, d);
		switch (references) {
		case PAGEREF_ACTIVATE:
			goto activate;
		case PAGEREF_KEEP:
			continue;
		case PAGEREF_RECLAIM:
		case PAGEREF_RECLAIM_CLEAN:
			break;
		}
		if (file && test_bit(ALTMM_PG_dirty, &d->flags)) {
			sc->nr_unqueued_dirty++;
			/* Only kswapd writes, and only what it has seen dirty before. */
			if (!sc->kswapd || !test_bit(ALTMM_PG_reclaim, &d->flags) ||
			    !READ_ONCE(sc->node->lruvec.dirty)) {
				atomic_long_inc(&sc->node->vm_stat[ALTMM_NR_VMSCAN_IMMEDIATE]);
				set_bit(ALTMM_PG_reclaim, &d->flags);
				goto activate;
			}
			if (references == PAGEREF_RECLAIM_CLEAN || !(sc->gfp & __GFP_FS))
				continue;
			/* pageout(): the write is synchronous, so the page may go now. */
			clear_bit(ALTMM_PG_reclaim, &d->flags);
			/* Unlocks @obj for the write: the page is ours, isolated. */
			if (altmm_file_write_page(obj, page, false))
				continue;
			atomic_long_inc(&sc->node->vm_stat[ALTMM_NR_VMSCAN_WRITE]);
			sc->nr_pageout++;
		}
		/* Anonymous: to swap, with I/O allowed and room there. */
		if (!file && !(sc->gfp & __GFP_IO))
			continue;
		list_del(&d->lru);
		ret = altmm_uobj_evict(obj, page, sc->gfp);
		if (!ret) {
			/* Its reference, dropped once no lock is held: it may be the last. */
			if (nr_put < ARRAY_SIZE(put)) {
				put[nr_put++] = obj;
			} else {
				mutex_unlock(&obj->lock);
				locked = NULL;
				altmm_uobj_put(obj);
			}
			reclaimed++;
			if (!file)
				sc->nr_pageout++;
			continue;
		}
		list_add(&d->lru, list);
		if (ret == -EBUSY || ret == -ENOMEM || file)
			continue;
activate:
		/* 6.1's activate_locked: used twice, or no swap room for it. */
		if (!test_and_set_bit(ALTMM_PG_active, &d->flags))
			activated++;
	}
	if (locked)
		mutex_unlock(&locked->lock);
	for (i = 0; i < nr_put; i++)
		altmm_uobj_put(put[i]);
	altmm_count_event(sys, ALTMM_PGACTIVATE, activated);
	return reclaimed;
}

/* shrink_inactive_list(). */
static unsigned long shrink_inactive_list(struct scan_control *sc,
					  enum altmm_lru_list lru,
					  unsigned long nr_to_scan)
{
	struct altmm_system *sys = sc->sys;
	unsigned long taken, scanned, reclaimed, pageout = sc->nr_pageout;
	bool file = lru_is_file(lru);
	LIST_HEAD(list);

	taken = isolate_pages(sc, lru, nr_to_scan, &list, &scanned);
	sc->nr_scanned += scanned;
	altmm_count_event(sys, file ? ALTMM_PGSCAN_FILE : ALTMM_PGSCAN_ANON, scanned);
	reclaimed = shrink_page_list(sc, &list);
	/* Nothing but dirty pages nobody is writing: the flushers are behind. */
	if (file && taken && sc->nr_unqueued_dirty == taken) {
		altmm_wakeup_flusher(sys);
		if (sc->kswapd)
			WRITE_ONCE(sc->node->lruvec.dirty, true);
	}
	putback_pages(sc, &list);
	unisolate(sc, file, taken);
	if (sc->nr_pageout > pageout)
		note_cost(sys, sc->node, file, sc->nr_pageout - pageout);
	altmm_count_event(sys, file ? ALTMM_PGSTEAL_FILE : ALTMM_PGSTEAL_ANON, reclaimed);
	return reclaimed;
}

/* shrink_list(). */
static unsigned long shrink_list(struct scan_control *sc, enum altmm_lru_list lru,
				 unsigned long nr_to_scan)
{
	if (lru_is_active(lru)) {
		if (sc->may_deactivate & (lru_is_file(lru) ? DEACTIVATE_FILE : DEACTIVATE_ANON))
			shrink_active_list(sc, lru, nr_to_scan);
		return 0;
	}
	return shrink_inactive_list(sc, lru, nr_to_scan);
}

/* shrink_lruvec(), stopping once @sc has reclaimed what it was asked for. */
static void shrink_lruvec(struct scan_control *sc)
{
	unsigned long nr[ALTMM_NR_LRU_LISTS];
	enum altmm_lru_list lru;
	bool more;

	scan_count(sc, nr);
	do {
		more = false;
		for (lru = 0; lru < ALTMM_NR_LRU_LISTS; lru++) {
			unsigned long n = min_t(unsigned long, nr[lru], SWAP_CLUSTER_MAX);

			if (!n)
				continue;
			nr[lru] -= n;
			sc->nr_reclaimed += shrink_list(sc, lru, n);
			more = true;
		}
		cond_resched();
	} while (more && sc->nr_reclaimed < sc->nr_to_reclaim);

	/* Even if nothing was scanned, keep the anon lists balanced. */
	if (sc->may_swap && altmm_inactive_is_low(sc->sys, sc->node->nid,
						  ALTMM_LRU_INACTIVE_ANON))
		shrink_active_list(sc, ALTMM_LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
}

/* prepare_scan_count() for a whole-node reclaim. */
static void prepare_scan_count(struct scan_control *sc)
{
	struct altmm_system *sys = sc->sys;
	struct altmm_node *node = sc->node;
	struct altmm_lruvec *lruvec = &node->lruvec;
	unsigned long refaults, free = 0, high = 0, file, anon;
	int zt;

	refaults = atomic_long_read(&node->vm_stat[ALTMM_WORKINGSET_ACTIVATE_ANON]);
	if (refaults != lruvec->refaults[0] ||
	    altmm_inactive_is_low(sys, node->nid, ALTMM_LRU_INACTIVE_ANON))
		sc->may_deactivate |= DEACTIVATE_ANON;
	else
		sc->may_deactivate &= ~DEACTIVATE_ANON;
	refaults = atomic_long_read(&node->vm_stat[ALTMM_WORKINGSET_ACTIVATE_FILE]);
	if (refaults != lruvec->refaults[1] ||
	    altmm_inactive_is_low(sys, node->nid, ALTMM_LRU_INACTIVE_FILE))
		sc->may_deactivate |= DEACTIVATE_FILE;
	else
		sc->may_deactivate &= ~DEACTIVATE_FILE;

	/* So little file memory is left that anon must go first. */
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		free += altmm_zone_free(&node->zones[zt]);
		high += altmm_wmark(&node->zones[zt], ALTMM_WMARK_HIGH);
	}
	file = altmm_lru_size(sys, node->nid, ALTMM_LRU_ACTIVE_FILE) +
	       altmm_lru_size(sys, node->nid, ALTMM_LRU_INACTIVE_FILE);
	anon = altmm_lru_size(sys, node->nid, ALTMM_LRU_INACTIVE_ANON);
	sc->file_is_tiny = file + free <= high &&
			   !(sc->may_deactivate & DEACTIVATE_ANON) &&
			   anon >> sc->priority;
}

/**
 * altmm_shrink_lru() - reclaim user pages of a node (&altmm_system.shrink_lru)
 * @sys: instance
 * @nid: node
 * @nr_to_reclaim: frames wanted
 * @gfp: the reclaiming allocation's flags: without __GFP_IO nothing is
 *	written to swap
 * @kswapd: kswapd's run, else direct reclaim (which never writes file
 *	pages back; altmm stops once enough is reclaimed, without 6.1's
 *	proportional rebalancing)
 * @scanned: incremented by the inactive pages scanned
 *
 * Runs the priority loop from DEF_PRIORITY down to 0, stopping once
 * @nr_to_reclaim pages were freed.
 *
 * Context: process context, in reclaim (PF_MEMALLOC); may sleep.
 * Return: frames freed.
 */
unsigned long altmm_shrink_lru(struct altmm_system *sys, int nid,
			       unsigned long nr_to_reclaim, gfp_t gfp,
			       bool kswapd, unsigned long *scanned)
{
	struct altmm_node *node = sys->nodes[nid];
	struct altmm_swap *swap = sys->usermem->swap;
	struct scan_control sc = {
		.sys = sys, .node = node, .gfp = gfp, .kswapd = kswapd,
		.nr_to_reclaim = nr_to_reclaim,
		.may_swap = swap && altmm_swap_free_slots(swap) && (gfp & __GFP_IO),
	};

	for (sc.priority = ALTMM_DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		prepare_scan_count(&sc);
		shrink_lruvec(&sc);
		if (sc.nr_reclaimed >= nr_to_reclaim)
			break;
	}
	/* clear_pgdat_congested(), when kswapd got what it wanted. */
	if (kswapd && sc.nr_reclaimed >= nr_to_reclaim)
		WRITE_ONCE(node->lruvec.dirty, false);
	/* snapshot_refaults() */
	node->lruvec.refaults[0] =
		atomic_long_read(&node->vm_stat[ALTMM_WORKINGSET_ACTIVATE_ANON]);
	node->lruvec.refaults[1] =
		atomic_long_read(&node->vm_stat[ALTMM_WORKINGSET_ACTIVATE_FILE]);
	*scanned += sc.nr_scanned;
	return sc.nr_reclaimed;
}
EXPORT_SYMBOL_NS_GPL(altmm_shrink_lru, ALTMM_INTERNAL);
