// SPDX-License-Identifier: GPL-2.0
/*
 * Memory hotplug: taking one 4 MiB section offline and bringing it back
 * (6.1's mm/memory_hotplug.c offline_pages() and online_pages(), with
 * mm/page_isolation.c's pageblock isolation), and adding and removing
 * the memory behind a section (add_memory(), remove_memory()).  A
 * section is altmm's memory block: block_size_bytes is the section size.
 *
 * Offline, as 6.1 does it:
 *   1. refuse what cannot go: a section that is absent, device memory, or
 *      not online (6.1's "memory holes" and "multizone range" cannot
 *      happen: holes and zone bounds are section aligned);
 *   2. isolate its pageblocks (start_isolate_page_range()): each becomes
 *      ALTMM_MIGRATE_ISOLATE under the zone lock, its free blocks move to
 *      the isolate lists and stop counting as free, and frames freed into
 *      it later join them, so the allocator hands out nothing of it.  As
 *      has_unmovable_pages() does first, a pageblock holding a reserved
 *      frame or an allocation that cannot move fails the whole offline
 *      with -EBUSY at once;
 *   3. drain the per-CPU lists, where frames of the section may sit
 *      (6.1 disables them; altmm drains before every test instead: a
 *      free that read the pageblock's type just before isolation may
 *      still queue its frame);
 *   4. loop (scan_movable_pages(), do_migrate_range()): isolate every
 *      movable page of the section and migrate it (MR_MEMORY_HOTPLUG) to
 *      a frame outside it, until every frame is free and isolated
 *      (test_pages_isolated(), tested where step 5 takes them, under
 *      one hold of the zone lock).  6.1 loops until a signal; altmm stops
 *      after OFFLINE_PASSES passes with -EBUSY, with -ENOMEM when no
 *      frame outside the section is left to migrate to, and with -EBUSY
 *      when an allocation that cannot move stays for UNMOVABLE_PASSES
 *      passes in a row (a fault's frame is briefly allocated before it is
 *      a user page);
 *   5. take the free frames off the buddy lists and make them reserved
 *      (__offline_isolated_pages()), clear the section's ONLINE bit, and
 *      lower managed, present and spanned pages (shrink_zone_span(),
 *      update_pgdat_span()); recompute watermarks, lowmem reserves and
 *      per-CPU limits (init_per_zone_wmark_min()).
 * Any failure undoes the isolation (undo_isolate_page_range(): the
 * pageblocks become movable, as in 6.1, and their free blocks merge).
 *
 * Online (online_pages()): the zone is chosen as zone_for_pfn_range()
 * would; the pageblocks are isolated, counts and spans grow, the frames
 * are freed into the isolated blocks, and undoing the isolation makes
 * them allocatable with the counts already right.
 *
 * Zones: as 6.1's zone_for_pfn_range() does, online keeps the zone the
 * section was in, online_kernel picks the kernel zone (for a Movable
 * section, the zone ZONE_MOVABLE was carved from) and online_movable
 * ZONE_MOVABLE; valid_zones lists them.  6.1 lets a block of any pfn
 * join ZONE_MOVABLE and zones interleave; altmm's walkers (compaction's
 * scanners, pagetypeinfo, the checkers) take a zone to be the sections
 * between its first and last pfn, so a section changes zone only at a
 * boundary, where its new zone's span reaches no other zone's: the last
 * kernel section below ZONE_MOVABLE, or the first Movable section above
 * the kernel zone.  Elsewhere, and where the node has no ZONE_MOVABLE
 * (zones are made at load time, with their per-CPU lists and zonelists),
 * altmm refuses with -EINVAL where 6.1 would move the block.
 *
 * Add and remove: a section that is a hole (of the layout, or removed
 * before) gets descriptors (sparse.c: from the host's heap the first
 * time, kept after a remove, since a lockless walker may still read
 * them) and a new host chunk (arena.c: the chunk map grows upwards and
 * a chunk below its base is refused), and becomes present and offline,
 * as a block 6.1 adds without auto-onlining.  Remove takes an offline
 * section's chunk back to the host; an online one is -EBUSY.  The node
 * and zone are the layout's for that address; device memory and
 * addresses in no node are -EINVAL.  6.1's memory resources, memblock
 * (ARCH_KEEP_MEMBLOCK) and node creation are left out: memblock/ and
 * layout show the boot-time map.
 *
 * What altmm leaves out: memory notifiers, memory groups and
 * auto-movable onlining, memmap_on_memory, hugetlb dissolving, node
 * state changes (kswapd and kcompactd keep running on a node without
 * memory; they find nothing to do) and zonelist rebuilds: a zone that
 * loses all its sections keeps its per-CPU lists and its place in the
 * zonelists, where its empty free lists fail every watermark.
 *
 * Locking: &altmm_system.hotplug_lock serialises offline and online and
 * is the only lock under which section ONLINE bits, spans and present
 * counts change; it is outermost (held around page allocations, reclaim
 * and the tunables lock).  Readers of spans and section bits elsewhere
 * read them racily and recheck each section (compaction's
 * block_in_zone()), as 6.1's pfn walkers do without the span seqlock.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/delay.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

#include "memory_hotplug.h"
#include "migrate.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "usermem.h"

/* Passes of isolate-and-migrate before offline gives up. */
#define OFFLINE_PASSES		100
/* Passes an unmovable allocation may stay before offline gives up. */
#define UNMOVABLE_PASSES	3
/* Pages migrated at a time (6.1's do_migrate_range() takes 32 too). */
#define OFFLINE_BATCH		32

const char * const altmm_online_type_names[ALTMM_NR_MMOP] = {
	[ALTMM_MMOP_OFFLINE]		= "offline",
	[ALTMM_MMOP_ONLINE]		= "online",
	[ALTMM_MMOP_ONLINE_KERNEL]	= "online_kernel",
	[ALTMM_MMOP_ONLINE_MOVABLE]	= "online_movable",
};
EXPORT_SYMBOL_NS_GPL(altmm_online_type_names, ALTMM_INTERNAL);

/**
 * altmm_online_type_from_str() - parse a write to memoryN/state
 *	(mhp_online_type_from_str())
 * @buf: the text, a trailing newline allowed
 *
 * Context: any.
 * Return: an &enum altmm_online_type, or -EINVAL.
 */
int altmm_online_type_from_str(const char *buf)
{
	int i;

	for (i = 0; i < ALTMM_NR_MMOP; i++)
		if (sysfs_streq(buf, altmm_online_type_names[i]))
			return i;
	return -EINVAL;
}
EXPORT_SYMBOL_NS_GPL(altmm_online_type_from_str, ALTMM_INTERNAL);

/* A section memory hotplug may act on: present, not device memory. */
static struct altmm_section *hotplug_section(const struct altmm_system *sys,
					     unsigned long nr)
{
	struct altmm_section *sec;

	if (nr >= sys->layout.nr_sections)
		return NULL;
	sec = &sys->sections[nr];
	if (!(sec->flags & ALTMM_SECTION_PRESENT) || (sec->flags & ALTMM_SECTION_DEVICE))
		return NULL;
	return sec;
}

/*
 * Would section [@start, @end) fit in @zone without any two zones of the
 * node overlapping?  altmm's walkers (compaction's scanners, the
 * checkers, pagetypeinfo) take a zone to be the sections between its
 * first and last pfn, so a section may join a zone only where no other
 * zone's span lies between it and the zone: at a boundary.
 */
static bool section_fits(const struct altmm_zone *zone, unsigned long start,
			 unsigned long end)
{
	unsigned long lo = start, hi = end;
	int zt;

	if (zone->spanned_pages) {
		lo = min(lo, zone->zone_start_pfn);
		hi = max(hi, zone->zone_start_pfn + zone->spanned_pages);
	}
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		const struct altmm_zone *o = &zone->node->zones[zt];

		if (o == zone || !o->spanned_pages)
			continue;
		if (o->zone_start_pfn < hi && lo < o->zone_start_pfn + o->spanned_pages)
			return false;
	}
	return true;
}

/**
 * altmm_hotplug_zone_for() - the zone a section would be onlined to
 *	(zone_for_pfn_range())
 * @sys: instance
 * @nr: section number
 * @online_type: ALTMM_MMOP_ONLINE, _ONLINE_KERNEL or _ONLINE_MOVABLE
 *
 * ALTMM_MMOP_ONLINE keeps the zone the section was last in.  The kernel
 * zone is the zone ZONE_MOVABLE was carved from (movablecore=,
 * kernelcore=) for a Movable section, the section's own for the others.
 * A section changes zone only when it fits the other at its boundary
 * (section_fits()); even its own zone is checked, since a zone moved
 * across a hole may now lie between a hot-added section and the zone
 * the layout gives it.  And only into a zone that had memory when the
 * instance was built (per-CPU lists, a place in the zonelists): 6.1
 * lets zones interleave and creates ZONE_MOVABLE on demand; altmm does
 * neither.
 *
 * Context: &altmm_system.hotplug_lock for an answer that holds; racy
 * otherwise (the memory/ files' valid_zones).
 * Return: the zone, or NULL when the section cannot be onlined that way.
 */
struct altmm_zone *altmm_hotplug_zone_for(struct altmm_system *sys,
					  unsigned long nr, int online_type)
{
	struct altmm_section *sec = hotplug_section(sys, nr);
	unsigned long start = nr << ALTMM_PFN_SECTION_SHIFT;
	int cur, target;
	struct altmm_zone *zone;

	if (!sec)
		return NULL;
	cur = READ_ONCE(sec->zone);
	switch (online_type) {
	case ALTMM_MMOP_ONLINE:
		target = cur;
		break;
	case ALTMM_MMOP_ONLINE_KERNEL:
		target = cur != ALTMM_ZONE_MOVABLE ? cur : sys->layout.movable_zone;
		break;
	case ALTMM_MMOP_ONLINE_MOVABLE:
		target = ALTMM_ZONE_MOVABLE;
		break;
	default:
		return NULL;
	}
	zone = &sys->nodes[sec->nid]->zones[target];
	if (!zone->pcp)
		return NULL;
	/* An online section is where it is; an offline one must fit. */
	if (READ_ONCE(sec->flags) & ALTMM_SECTION_ONLINE)
		return target == cur ? zone : NULL;
	if (!section_fits(zone, start, start + ALTMM_PAGES_PER_SECTION))
		return NULL;
	return zone;
}
EXPORT_SYMBOL_NS_GPL(altmm_hotplug_zone_for, ALTMM_INTERNAL);

/**
 * altmm_section_state_name() - memoryN/state of a section
 * @sys: instance
 * @nr: section number
 *
 * Context: any; a racy read of the section's bits.
 * Return: "online", "offline" or "going-offline".
 */
const char *altmm_section_state_name(const struct altmm_system *sys,
				     unsigned long nr)
{
	u8 flags = READ_ONCE(sys->sections[nr].flags);

	if (flags & ALTMM_SECTION_GOING_OFFLINE)
		return "going-offline";
	return flags & ALTMM_SECTION_ONLINE ? "online" : "offline";
}
EXPORT_SYMBOL_NS_GPL(altmm_section_state_name, ALTMM_INTERNAL);

static void section_flags_set(struct altmm_section *sec, u8 set, u8 clear)
{
	WRITE_ONCE(sec->flags, (sec->flags & ~clear) | set);
}

/* === Spans and counts === */

/*
 * A zone's span from its online sections (shrink_zone_span() and
 * resize_zone_range() in one): the first and last online section of
 * the zone within [@lo, @hi).  Spans are only written here, under the
 * hotplug lock.  A walker reads start and length racily: the length
 * shrinks before the start moves up and the start moves down before
 * the length grows, so on a TSO machine it sees a span within the old
 * or the new one; elsewhere it may see a mix, which is why every
 * walker checks each section it meets (6.1 has a seqlock only a few
 * readers take).
 */
static void zone_set_span(struct altmm_system *sys, struct altmm_zone *zone,
			  unsigned long lo, unsigned long hi)
{
	unsigned long nr, first = ULONG_MAX, last = 0, start, spanned;
	int nid = altmm_zone_nid(zone);

	for (nr = lo >> ALTMM_PFN_SECTION_SHIFT; nr < (hi >> ALTMM_PFN_SECTION_SHIFT); nr++) {
		const struct altmm_section *sec = &sys->sections[nr];

		if (!(sec->flags & ALTMM_SECTION_ONLINE) || sec->nid != nid ||
		    sec->zone != zone->type)
			continue;
		first = min(first, nr);
		last = nr;
	}
	if (first == ULONG_MAX) {
		start = 0;
		spanned = 0;
	} else {
		start = first << ALTMM_PFN_SECTION_SHIFT;
		spanned = (last + 1 - first) << ALTMM_PFN_SECTION_SHIFT;
	}
	if (start > zone->zone_start_pfn) {
		WRITE_ONCE(zone->spanned_pages, spanned);
		WRITE_ONCE(zone->zone_start_pfn, start);
	} else {
		WRITE_ONCE(zone->zone_start_pfn, start);
		WRITE_ONCE(zone->spanned_pages, spanned);
	}
}

/* update_pgdat_span(): the node spans its zones, device range included. */
static void node_set_span(struct altmm_node *node)
{
	unsigned long start = ULONG_MAX, end = 0;
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		const struct altmm_zone *zone = &node->zones[zt];

		if (!zone->spanned_pages)
			continue;
		start = min(start, zone->zone_start_pfn);
		end = max(end, zone->zone_start_pfn + zone->spanned_pages);
	}
	if (start == ULONG_MAX) {
		start = 0;
		end = 0;
	}
	WRITE_ONCE(node->node_start_pfn, start);
	WRITE_ONCE(node->node_spanned_pages, end - start);
}

/*
 * The section [@start, @end) joined (@sign 1) or left (-1) @zone:
 * present counts and spans.  Managed counts move with the frames
 * (altmm_free_range_core() on the way in, the caller on the way out).
 */
static void adjust_present(struct altmm_system *sys, struct altmm_zone *zone,
			   unsigned long start, unsigned long end, int sign)
{
	struct altmm_node *node = zone->node;
	unsigned long lo, hi;

	WRITE_ONCE(zone->present_pages, zone->present_pages + sign * (long)(end - start));
	WRITE_ONCE(node->node_present_pages,
		   node->node_present_pages + sign * (long)(end - start));
	/* The zone's new span is within its old one and the section. */
	lo = zone->spanned_pages ? min(zone->zone_start_pfn, start) : start;
	hi = zone->spanned_pages ? max(zone->zone_start_pfn + zone->spanned_pages, end) : end;
	zone_set_span(sys, zone, lo, hi);
	node_set_span(node);
}

/* init_per_zone_wmark_min() after managed counts moved. */
static void recompute_watermarks(struct altmm_system *sys)
{
	mutex_lock(&sys->tune_lock);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
}

/* === Pageblock isolation (page_isolation.c) === */

/*
 * has_unmovable_pages(), racy as 6.1's: a reserved frame, or an
 * allocation that is not a movable page.  Free blocks and blocks on
 * per-CPU lists are on their way to the isolated lists.  Returns the
 * pfn of the first unmovable frame, or ALTMM_NO_PFN.
 */
static unsigned long find_unmovable(struct altmm_system *sys, unsigned long start,
				    unsigned long end)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn++) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
		unsigned long flags = READ_ONCE(d->flags);

		if (flags & BIT(ALTMM_PG_reserved))
			return pfn;
		if ((flags & BIT(ALTMM_PG_alloc)) &&
		    !(flags & (BIT(ALTMM_PG_user) | BIT(ALTMM_PG_movable))))
			return pfn;
		pfn += altmm_racy_block_frames(d, flags) - 1;
	}
	return ALTMM_NO_PFN;
}

/* undo_isolate_page_range(): every pageblock back, movable, merged. */
static void undo_isolate_range(struct altmm_system *sys, struct altmm_zone *zone,
			       unsigned long start, unsigned long end)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn += ALTMM_PAGEBLOCK_NR_PAGES)
		altmm_unset_migratetype_isolate(sys, zone, pfn, ALTMM_MIGRATE_MOVABLE);
}

/*
 * start_isolate_page_range() for a whole section: every pageblock, or
 * none (-EBUSY) when one is isolated already or holds an unmovable
 * frame.  *@bad is that frame, for the log.
 */
static int isolate_range(struct altmm_system *sys, struct altmm_zone *zone,
			 unsigned long start, unsigned long end, unsigned long *bad)
{
	unsigned long pfn;

	*bad = find_unmovable(sys, start, end);
	if (*bad != ALTMM_NO_PFN)
		return -EBUSY;
	for (pfn = start; pfn < end; pfn += ALTMM_PAGEBLOCK_NR_PAGES) {
		if (altmm_set_migratetype_isolate(sys, zone, pfn)) {
			undo_isolate_range(sys, zone, start, pfn);
			*bad = pfn;
			return -EBUSY;
		}
	}
	return 0;
}

/* === Migrating a section's pages away (do_migrate_range()) === */

/**
 * struct offline_control - one offline's migration state
 * @sys: instance
 * @start: the section's first pfn
 * @end: the pfn after its last
 * @nid: its node, preferred for the new frames
 * @held: frames the allocator gave from inside the section (a CPU
 *	cached them before the drain), by descriptor lru; freed after
 *	each batch, into the isolated pageblocks
 */
struct offline_control {
	struct altmm_system *sys;
	unsigned long start;
	unsigned long end;
	int nid;
	struct list_head held;
};

/* new_page_t: a frame outside the section (alloc_migration_target()). */
static struct page *offline_target(struct altmm_system *sys, struct page *src,
				   unsigned long private)
{
	struct offline_control *oc = (struct offline_control *)private;
	int tries;

	for (tries = 0; tries < OFFLINE_BATCH; tries++) {
		struct page *page;
		unsigned long pfn;

		page = altmm_sys_alloc_pages(sys, GFP_HIGHUSER_MOVABLE | __GFP_RETRY_MAYFAIL |
					     __GFP_NOWARN, 0, oc->nid);
		if (!page || WARN_ON_ONCE(!altmm_host_page_to_pfn(sys, page, &pfn)))
			return NULL;
		if (pfn < oc->start || pfn >= oc->end)
			return page;
		list_add(&altmm_pfn_to_desc(sys, pfn)->lru, &oc->held);
	}
	return NULL;
}

static void release_held(struct offline_control *oc)
{
	struct altmm_page *d, *next;

	list_for_each_entry_safe(d, next, &oc->held, lru) {
		unsigned long pfn = altmm_desc_to_pfn(oc->sys, d);

		list_del_init(&d->lru);
		altmm_sys_free_pages(oc->sys, altmm_pfn_to_host_page(oc->sys, pfn), 0, false);
	}
}

/*
 * The one place that decides what offline can move and takes it off
 * its list for migration: user pages on an LRU list and kernel pages
 * their owners made movable (altmm_isolate_movable_page()).  Returns 0
 * when isolated onto @list, -EAGAIN when the page is movable but held
 * elsewhere for now (reclaim or another migration has it off its list,
 * or its owner is letting it go), -EPERM when it cannot move.
 */
static int isolate_movable(struct altmm_system *sys, unsigned long pfn,
			   unsigned long flags, struct list_head *list)
{
	if (!(flags & (BIT(ALTMM_PG_user) | BIT(ALTMM_PG_movable))))
		return -EPERM;
	if (altmm_isolate_movable_page(sys, pfn, 0, list))
		return -EAGAIN;
	return 0;
}

/*
 * One pass over the section: isolate its movable pages and migrate them
 * away, OFFLINE_BATCH at a time.  Returns 0, -ENOMEM when no frame was
 * to be had outside the section, or -EINTR on a fatal signal; counts in
 * *@unmovable the allocations that cannot move.
 */
static int migrate_range(struct offline_control *oc, unsigned long *unmovable)
{
	struct altmm_system *sys = oc->sys;
	unsigned long pfn = oc->start;
	LIST_HEAD(pages);
	int ret = 0;

	*unmovable = 0;
	while (pfn < oc->end && !ret) {
		unsigned int n = 0;

		for (; pfn < oc->end && n < OFFLINE_BATCH; pfn++) {
			struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
			unsigned long flags = READ_ONCE(d->flags);

			if (flags & BIT(ALTMM_PG_alloc)) {
				switch (isolate_movable(sys, pfn, flags, &pages)) {
				case 0:
					n++;
					/* Movable pages are order 0: on to the next frame. */
					continue;
				case -EPERM:
					(*unmovable)++;
					break;
				}
			}
			pfn += altmm_racy_block_frames(d, flags) - 1;
		}
		if (n) {
			ret = altmm_migrate_pages(sys, &pages, offline_target, NULL,
						  (unsigned long)oc, MIGRATE_SYNC,
						  MR_MEMORY_HOTPLUG, NULL);
			altmm_putback_pages(sys, &pages);
			release_held(oc);
			ret = ret == -ENOMEM ? -ENOMEM : 0;
		}
		cond_resched();
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
	return ret;
}

/* === Offline and online === */

static int offline_locked(struct altmm_system *sys, unsigned long nr)
{
	struct altmm_section *sec = hotplug_section(sys, nr);
	unsigned long start = nr << ALTMM_PFN_SECTION_SHIFT;
	unsigned long end = start + ALTMM_PAGES_PER_SECTION;
	struct offline_control oc = {
		.sys = sys, .start = start, .end = end,
		.held = LIST_HEAD_INIT(oc.held),
	};
	unsigned long bad = ALTMM_NO_PFN, unmovable = 0, taken;
	int pass, stuck = 0, ret;
	struct altmm_zone *zone;
	const char *reason;

	if (!sec)
		return -EINVAL;
	if (!(sec->flags & ALTMM_SECTION_ONLINE))
		return 0;
	zone = altmm_section_zone(sys, sec);
	oc.nid = sec->nid;
	section_flags_set(sec, ALTMM_SECTION_GOING_OFFLINE, 0);

	ret = isolate_range(sys, zone, start, end, &bad);
	if (ret) {
		reason = "failure to isolate range";
		goto failed;
	}
	altmm_drain_all_pages(sys, zone);

	for (pass = 0;; pass++) {
		ret = migrate_range(&oc, &unmovable);
		if (ret == -EINTR) {
			reason = "signal backoff";
			goto failed_isolated;
		}
		/*
		 * 6.1 retries until a signal; with no frame left outside the
		 * section, altmm's next pass would fail the same way.
		 */
		if (ret == -ENOMEM) {
			reason = "no memory to migrate to";
			goto failed_isolated;
		}
		stuck = unmovable ? stuck + 1 : 0;
		if (stuck >= UNMOVABLE_PASSES) {
			ret = -EBUSY;
			reason = "unmovable page";
			goto failed_isolated;
		}
		altmm_drain_all_pages(sys, zone);
		/* Tested and taken under one lock hold, or not at all. */
		taken = altmm_offline_isolated_pages(sys, zone, start, end);
		if (taken)
			break;
		if (pass + 1 >= OFFLINE_PASSES) {
			ret = -EBUSY;
			reason = "pages still in use";
			goto failed_isolated;
		}
		/* Give a fault, reclaim or writeback holding a page time to let go. */
		if (pass)
			msleep(20);
	}

	section_flags_set(sec, 0, ALTMM_SECTION_ONLINE | ALTMM_SECTION_GOING_OFFLINE);
	atomic_long_sub(taken, &zone->managed_pages);
	adjust_present(sys, zone, start, end, -1);
	recompute_watermarks(sys);
	return 0;

failed_isolated:
	undo_isolate_range(sys, zone, start, end);
failed:
	section_flags_set(sec, 0, ALTMM_SECTION_GOING_OFFLINE);
	if (bad != ALTMM_NO_PFN)
		pr_info("%s: memory offlining [mem %#010llx-%#010llx] failed due to %s (pfn %#lx)\n",
			sys->name, (u64)start << PAGE_SHIFT, ((u64)end << PAGE_SHIFT) - 1,
			reason, bad);
	else
		pr_info("%s: memory offlining [mem %#010llx-%#010llx] failed due to %s\n",
			sys->name, (u64)start << PAGE_SHIFT, ((u64)end << PAGE_SHIFT) - 1,
			reason);
	return ret;
}

/**
 * altmm_offline_section() - take a section's memory offline (offline_pages())
 * @sys: instance
 * @nr: section number
 *
 * Its movable pages move to frames outside it; once every frame is free
 * it leaves the buddy lists and the zone's counts.  A section already
 * offline is left so (0, as device_offline() of an offline block).
 *
 * Context: process context, sleeps; takes &altmm_system.hotplug_lock.
 * Return: 0; -EINVAL for a section that is absent or device memory;
 * -EBUSY when it holds something that cannot move (or pages that stayed
 * busy), or -ENOMEM when there was no room outside it, with everything
 * as it was (pages already moved stay moved); -EINTR on a fatal signal.
 */
int altmm_offline_section(struct altmm_system *sys, unsigned long nr)
{
	int ret;

	mutex_lock(&sys->hotplug_lock);
	ret = offline_locked(sys, nr);
	mutex_unlock(&sys->hotplug_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_offline_section, ALTMM_INTERNAL);

/*
 * An offline section joins another zone of its node: its descriptors'
 * highmem bit follows the zone, as sparse.c set it.  Nothing else holds
 * its frames: they are reserved and on no list.
 */
static void move_section_to_zone(struct altmm_system *sys, struct altmm_section *sec,
				 struct altmm_zone *zone)
{
	bool highmem = altmm_zone_is_highmem(sys, zone);
	unsigned long i;

	for (i = 0; i < ALTMM_PAGES_PER_SECTION; i++) {
		if (highmem)
			set_bit(ALTMM_PG_highmem, &sec->mem_map[i].flags);
		else
			clear_bit(ALTMM_PG_highmem, &sec->mem_map[i].flags);
	}
	WRITE_ONCE(sec->zone, zone->type);
}

static int online_locked(struct altmm_system *sys, unsigned long nr, int online_type)
{
	struct altmm_section *sec = hotplug_section(sys, nr);
	unsigned long start = nr << ALTMM_PFN_SECTION_SHIFT;
	unsigned long end = start + ALTMM_PAGES_PER_SECTION;
	struct altmm_zone *zone;

	if (!sec)
		return -EINVAL;
	if (sec->flags & ALTMM_SECTION_ONLINE)
		return 0;
	zone = altmm_hotplug_zone_for(sys, nr, online_type);
	if (!zone) {
		pr_info("%s: memory%lu: cannot %s: it is in %s, and altmm moves a section to another zone only at their boundary\n",
			sys->name, nr, altmm_online_type_names[online_type],
			altmm_zone_names[sec->zone]);
		return -EINVAL;
	}

	if (zone->type != sec->zone)
		move_section_to_zone(sys, sec, zone);
	/* move_pfn_range_to_zone(): isolated until the counts are right. */
	altmm_online_isolate_pageblocks(sys, zone, start, end);
	/* Online first: the zone's new span is that of its online sections. */
	section_flags_set(sec, ALTMM_SECTION_ONLINE, 0);
	adjust_present(sys, zone, start, end, 1);
	altmm_free_range_core(sys, start, end);
	recompute_watermarks(sys);
	undo_isolate_range(sys, zone, start, end);
	return 0;
}

/**
 * altmm_online_section() - bring an offline section back (online_pages())
 * @sys: instance
 * @nr: section number
 * @online_type: ALTMM_MMOP_ONLINE, _ONLINE_KERNEL or _ONLINE_MOVABLE
 *
 * A section already online is left so (0, as device_online()).
 *
 * Context: process context, sleeps; takes &altmm_system.hotplug_lock.
 * Return: 0, or -EINVAL for a section that is absent or device memory,
 * or whose zone @online_type does not allow (logged).
 */
int altmm_online_section(struct altmm_system *sys, unsigned long nr, int online_type)
{
	int ret;

	if (online_type <= ALTMM_MMOP_OFFLINE || online_type >= ALTMM_NR_MMOP)
		return -EINVAL;
	mutex_lock(&sys->hotplug_lock);
	ret = online_locked(sys, nr, online_type);
	mutex_unlock(&sys->hotplug_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_online_section, ALTMM_INTERNAL);

/* === Adding and removing memory (add_memory(), remove_memory()) === */

/**
 * altmm_add_memory() - hot-add a section in a hole of the layout
 *	(add_memory(): a probe write)
 * @sys: instance
 * @nr: section number
 *
 * The section gets descriptors, a new host chunk and becomes present,
 * offline, as a memory block 6.1 adds without auto-onlining; it joins
 * the zone of the layout that spans it when onlined.
 *
 * Context: process context, sleeps; takes &altmm_system.hotplug_lock.
 * Return: 0; -EINVAL for a section past the layout, in no node or zone,
 * or device memory; -EEXIST for one present already; -ENOMEM when the
 * host or its heap has no room.
 */
int altmm_add_memory(struct altmm_system *sys, unsigned long nr)
{
	struct altmm_section *sec;
	int ret;

	if (nr >= sys->layout.nr_sections)
		return -EINVAL;
	sec = &sys->sections[nr];
	mutex_lock(&sys->hotplug_lock);
	ret = -EEXIST;
	if (sec->flags & ALTMM_SECTION_PRESENT)
		goto out;
	ret = altmm_sparse_add_section(sys, nr);
	if (ret)
		goto out;
	ret = altmm_arena_add_chunk(sys, nr);
	if (ret)
		goto out;
	/* Descriptors and chunk before anyone finds the section present. */
	smp_wmb();
	section_flags_set(sec, ALTMM_SECTION_PRESENT | ALTMM_SECTION_HOTPLUGGED, 0);
out:
	mutex_unlock(&sys->hotplug_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_add_memory, ALTMM_INTERNAL);

/**
 * altmm_remove_memory() - hot-remove an offline section (remove_memory())
 * @sys: instance
 * @nr: section number
 *
 * Its host chunk goes back to the host; the section is a hole again.
 *
 * Context: process context, sleeps; takes &altmm_system.hotplug_lock.
 * Return: 0; -EINVAL for a section that is not present memory; -EBUSY
 * for one that is online (as 6.1's check_memblock_offlined_cb()).
 */
int altmm_remove_memory(struct altmm_system *sys, unsigned long nr)
{
	struct altmm_section *sec;
	int ret = 0;

	mutex_lock(&sys->hotplug_lock);
	sec = hotplug_section(sys, nr);
	if (!sec) {
		ret = -EINVAL;
		goto out;
	}
	if (sec->flags & ALTMM_SECTION_ONLINE) {
		pr_info("%s: removing memory%lu fails, because it is online\n", sys->name, nr);
		ret = -EBUSY;
		goto out;
	}
	section_flags_set(sec, ALTMM_SECTION_HOTPLUGGED, ALTMM_SECTION_PRESENT);
	/* Absent to every new lookup before the chunk goes back. */
	smp_wmb();
	altmm_arena_remove_chunk(sys, nr);
out:
	mutex_unlock(&sys->hotplug_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_remove_memory, ALTMM_INTERNAL);
