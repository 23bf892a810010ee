// SPDX-License-Identifier: GPL-2.0
/*
 * Invariant checkers: walks over an instance that recompute what its
 * counters claim from first principles (frames, list links, slab
 * headers) and count every disagreement.
 *
 * The KUnit suites run them after every test (kunit/altmm_test.h turns a
 * report into expectations); the SMP stress module (stress/) runs them
 * on the default instance once its threads have stopped.  Both need a
 * quiet instance: nothing allocates, frees or reclaims while a walk runs
 * (altmm_check_quiesce() waits for the reclaim threads).  Each walk takes
 * the locks of what it reads in turn, never two at once, so it cannot
 * deadlock with the allocator; without quiet it may report a transient
 * state as a problem, never corrupt one.
 *
 * A walk records into a &struct altmm_check_report: how many problems,
 * and the text of the first, since under a spinlock the caller cannot
 * report anything.
 */

#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/page_ref.h>
#include <linux/poison.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"
#include "check.h"

/**
 * altmm_check_note() - record one problem
 * @r: the report
 * @fmt: what was found, printf-style
 *
 * Counts the problem; keeps the text (after r->where) of the first only.
 *
 * Context: any; takes no lock.
 */
void altmm_check_note(struct altmm_check_report *r, const char *fmt, ...)
{
	va_list args;
	int len;

	if (r->problems++)
		return;
	len = scnprintf(r->first, sizeof(r->first), "%s%s", r->where,
			r->where[0] ? ": " : "");
	va_start(args, fmt);
	vscnprintf(r->first + len, sizeof(r->first) - len, fmt, args);
	va_end(args);
}
EXPORT_SYMBOL_NS_GPL(altmm_check_note, ALTMM_INTERNAL);

#define verify_note altmm_check_note

/* === The page allocator's invariants === */

/*
 * What a walk of one zone finds, in frames: on free lists (isolated ones
 * apart, as NR_FREE_PAGES leaves them out), on per-CPU lists, allocated.
 */
struct zone_counts {
	unsigned long free;
	unsigned long isolated;
	unsigned long pcp;
	unsigned long alloc;
	unsigned long vm_free;
	unsigned long reserved_highatomic;
	unsigned long highatomic_blocks;
};

/* The flags that say where a frame is; at most one block head has any. */
#define PLACE_FLAGS	(BIT(ALTMM_PG_buddy) | BIT(ALTMM_PG_pcp) | \
				 BIT(ALTMM_PG_alloc) | BIT(ALTMM_PG_head) | \
				 BIT(ALTMM_PG_tail))

/* Does the block [pfn, pfn + 2^order) lie inside the zone? */
static bool verify_block_in_zone(const struct altmm_system *sys,
				 const struct altmm_zone *z,
					     unsigned long pfn, unsigned int order)
{
	return pfn >= z->zone_start_pfn &&
	       pfn + BIT(order) <= z->zone_start_pfn + z->spanned_pages &&
	       altmm_pfn_to_zone(sys, pfn) == z;
}

/* Mark a block's frames as found; false if one of them already was. */
static bool verify_claim(unsigned long *seen,
			 const struct altmm_zone *z,
				     unsigned long pfn, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < BIT(order); i++)
		if (__test_and_set_bit(pfn + i - z->zone_start_pfn, seen))
			return false;
	return true;
}

/* The frames after a block's head carry no place of their own. */
static bool verify_interior_clean(const struct altmm_system *sys,
				  unsigned long pfn,
					      unsigned int order)
{
	unsigned long i;

	for (i = 1; i < BIT(order); i++)
		if (altmm_pfn_to_desc(sys, pfn + i)->flags & PLACE_FLAGS)
			return false;
	return true;
}

/*
 * Is the buddy of a free block of @order free at the same order, when it
 * should have merged?  Below pageblock order the two are always in one
 * pageblock and must merge.  At pageblock order and above, 6.1 (and
 * altmm) keeps a pageblock of an unmergeable type (HighAtomic, Isolate)
 * apart from one of another type, so such a pair may stay split.
 */
static bool verify_unmerged(const struct altmm_system *sys,
			    unsigned long pfn, unsigned int order)
{
	unsigned long bpfn = pfn ^ BIT(order);
	const struct altmm_page *b = altmm_pfn_to_desc(sys, bpfn);
	int mt, bmt;

	if (!b || !altmm_desc_test(b, ALTMM_PG_buddy) || b->private != order)
		return false;
	if (order < ALTMM_PAGEBLOCK_ORDER)
		return true;
	mt = altmm_get_pageblock_migratetype(sys, pfn);
	bmt = altmm_get_pageblock_migratetype(sys, bpfn);
	return mt == bmt || (mt < ALTMM_MIGRATE_PCPTYPES &&
			     bmt < ALTMM_MIGRATE_PCPTYPES);
}

/* One block on a free list of @z, of order @o and list type @mt. */
static void verify_free_block(struct altmm_system *sys,
			      struct altmm_zone *z,
					  unsigned long *seen,
					  const struct altmm_page *d,
					  unsigned int o, int mt,
					  struct zone_counts *c,
					  struct altmm_check_report *e)
{
	unsigned long pfn = altmm_desc_to_pfn(sys, d);
	const char *type = altmm_migratetype_names[mt];

	if (!verify_block_in_zone(sys, z, pfn, o)) {
		verify_note(e, "free %#lx order %u (%s) is outside the zone",
			    pfn, o, type);
		return;
	}
	if ((d->flags & PLACE_FLAGS) != BIT(ALTMM_PG_buddy) ||
	    d->private != o)
		verify_note(e, "free %#lx on the order-%u %s list: flags %#lx private %u",
			    pfn, o, type, d->flags & PLACE_FLAGS,
				 d->private);
	if (!IS_ALIGNED(pfn, BIT(o)))
		verify_note(e, "free %#lx of order %u is not aligned", pfn, o);
	if (!verify_claim(seen, z, pfn, o))
		verify_note(e, "free %#lx order %u overlaps another place", pfn, o);
	if (!verify_interior_clean(sys, pfn, o))
		verify_note(e, "free %#lx order %u has a placed frame inside", pfn, o);
	if (o < ALTMM_MAX_ORDER - 1 && verify_unmerged(sys, pfn, o))
		verify_note(e, "free %#lx and its buddy %#lx are both free at order %u",
			    pfn, pfn ^ BIT(o), o);
	if (mt == ALTMM_MIGRATE_ISOLATE)
		c->isolated += BIT(o);
	else
		c->free += BIT(o);
}

/* Pageblocks of @z: their types are valid; count the HighAtomic ones. */
static void verify_pageblocks(struct altmm_system *sys,
			      struct altmm_zone *z,
					  struct zone_counts *c,
					  struct altmm_check_report *e)
{
	unsigned long pfn = round_up(z->zone_start_pfn, ALTMM_PAGEBLOCK_NR_PAGES);
	int mt;

	for (; pfn < z->zone_start_pfn + z->spanned_pages; pfn += ALTMM_PAGEBLOCK_NR_PAGES) {
		if (altmm_pfn_to_zone(sys, pfn) != z)
			continue;
		mt = altmm_get_pageblock_migratetype(sys, pfn);
		if (mt >= ALTMM_MIGRATE_TYPES)
			verify_note(e, "pageblock %#lx has type %d", pfn, mt);
		c->highatomic_blocks += mt == ALTMM_MIGRATE_HIGHATOMIC;
	}
}

/* Under the zone lock: every free list, nr_free, NR_FREE_PAGES, the reserve. */
static void verify_free_lists(struct altmm_system *sys,
			      struct altmm_zone *z,
					  unsigned long *seen,
					  struct zone_counts *c,
					  struct altmm_check_report *e)
{
	unsigned long flags, limit = altmm_zone_managed(z) + 1;
	unsigned int o;
	int mt;

	spin_lock_irqsave(&z->lock, flags);
	for (o = 0; o < ALTMM_MAX_ORDER; o++) {
		struct altmm_free_area *area = &z->free_area[o];
		unsigned long blocks = 0;

		for (mt = 0; mt < ALTMM_MIGRATE_TYPES; mt++) {
			struct altmm_page *d;

			list_for_each_entry(d, &area->free_list[mt], lru) {
				if (++blocks > limit) {
					verify_note(e, "order-%u lists do not end", o);
					break;
				}
				verify_free_block(sys, z, seen, d, o, mt, c, e);
			}
		}
		if (blocks != area->nr_free)
			verify_note(e, "order %u: nr_free %lu, %lu blocks on the lists",
				    o, area->nr_free, blocks);
	}
	c->vm_free = atomic_long_read(&z->vm_stat[ALTMM_NR_FREE_PAGES]);
	c->reserved_highatomic = z->nr_reserved_highatomic;
	verify_pageblocks(sys, z, c, e);
	spin_unlock_irqrestore(&z->lock, flags);
}

/*
 * One block on CPU @cpu's list of order @o and type @mt.  Its own
 * migratetype field is the list's type, or HighAtomic on the movable
 * list (a reserved pageblock's frames queue there and go home on drain).
 */
/*
 * The migrate type a pcp list holds: its own for the low orders; on the
 * pageblock-order lists, movable or -1 for "any but movable".
 */
static int verify_pcp_list_type(int pindex, unsigned int order)
{
	if (pindex < ALTMM_NR_LOWORDER_PCP_LISTS)
		return pindex % ALTMM_MIGRATE_PCPTYPES;
	return pindex == altmm_pcp_order_to_pindex(ALTMM_MIGRATE_MOVABLE, order) ?
	       ALTMM_MIGRATE_MOVABLE : -1;
}

static void verify_pcp_block(struct altmm_system *sys,
			     struct altmm_zone *z,
			     unsigned long *seen,
			     const struct altmm_page *d,
			     unsigned int o, int mt, int cpu,
			     struct altmm_check_report *e)
{
	unsigned long pfn = altmm_desc_to_pfn(sys, d);
	int own = altmm_get_pcp_migratetype(d);

	if (!verify_block_in_zone(sys, z, pfn, o)) {
		verify_note(e, "CPU %d: pcp %#lx is outside the zone", cpu, pfn);
		return;
	}
	if ((d->flags & PLACE_FLAGS) != BIT(ALTMM_PG_pcp))
		verify_note(e, "CPU %d: pcp %#lx order %u: flags %#lx",
			    cpu, pfn, o, d->flags & PLACE_FLAGS);
	if (mt < 0 ? own == ALTMM_MIGRATE_MOVABLE || own == ALTMM_MIGRATE_HIGHATOMIC :
		     own != mt && !(mt == ALTMM_MIGRATE_MOVABLE && own == ALTMM_MIGRATE_HIGHATOMIC))
		verify_note(e, "CPU %d: pcp %#lx of type %d on the %s list",
			    cpu, pfn, own, mt < 0 ? "non-movable" : altmm_migratetype_names[mt]);
	if (!IS_ALIGNED(pfn, BIT(o)))
		verify_note(e, "CPU %d: pcp %#lx of order %u is not aligned", cpu, pfn, o);
	if (!verify_claim(seen, z, pfn, o))
		verify_note(e, "CPU %d: pcp %#lx order %u overlaps another place",
			    cpu, pfn, o);
	if (!verify_interior_clean(sys, pfn, o))
		verify_note(e, "CPU %d: pcp %#lx has a placed frame inside", cpu, pfn);
}

/*
 * Under each CPU's pcp lock in turn: its lists (altmm_pcp_order_to_pindex()
 * says which holds what) and its count.
 */
static void verify_pcp_lists(struct altmm_system *sys,
			     struct altmm_zone *z,
			     unsigned long *seen,
			     struct zone_counts *c,
			     struct altmm_check_report *e)
{
	unsigned long limit = altmm_zone_managed(z) + 1;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct altmm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);
		unsigned long flags, frames = 0, blocks = 0;
		int count;

		spin_lock_irqsave(&pcp->lock, flags);
		for (i = 0; i < ALTMM_NR_PCP_LISTS; i++) {
			unsigned int o = altmm_pcp_pindex_to_order(i);
			int mt = verify_pcp_list_type(i, o);
			struct altmm_page *d;

			list_for_each_entry(d, &pcp->lists[i], lru) {
				if (++blocks > limit) {
					verify_note(e, "CPU %d: pcp lists do not end", cpu);
					break;
				}
				verify_pcp_block(sys, z, seen, d, o, mt, cpu, e);
				frames += BIT(o);
			}
		}
		count = pcp->count;
		spin_unlock_irqrestore(&pcp->lock, flags);

		if (count != frames)
			verify_note(e, "CPU %d: pcp count %d, %lu frames on its lists",
				    cpu, count, frames);
		c->pcp += frames;
	}
}

/* An allocation of @z at @pfn: its head, its tail pages, its references. */
static unsigned int verify_allocation(struct altmm_system *sys,
				      struct altmm_zone *z,
				      unsigned long *seen,
				      unsigned long pfn,
				      struct zone_counts *c,
				      struct altmm_check_report *e)
{
	const struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
	struct page *host = altmm_pfn_to_host_page(sys, pfn);
	unsigned int o = altmm_alloc_order(d);
	unsigned long bad = BIT(ALTMM_PG_buddy) | BIT(ALTMM_PG_pcp) |
			    BIT(ALTMM_PG_tail) | BIT(ALTMM_PG_reserved), i;

	if (o >= ALTMM_MAX_ORDER || !verify_block_in_zone(sys, z, pfn, o)) {
		verify_note(e, "allocation %#lx of order %u is outside the zone", pfn, o);
		return 0;
	}
	if (!IS_ALIGNED(pfn, BIT(o)))
		verify_note(e, "allocation %#lx of order %u is not aligned", pfn, o);
	if (d->flags & bad)
		verify_note(e, "allocation %#lx: flags %#lx", pfn,
			    d->flags & (BIT(ALTMM_PG_MT_SHIFT) - 1));
	if (atomic_read(&d->refcount) < 1)
		verify_note(e, "allocation %#lx: refcount %d", pfn,
			    atomic_read(&d->refcount));
	/* The host counts altmm's references and any of its own. */
	if (page_ref_count(host) < atomic_read(&d->refcount))
		verify_note(e, "allocation %#lx: host refcount %d, altmm's %d", pfn,
			    page_ref_count(host), atomic_read(&d->refcount));
	/* A compound allocation is one to the host too, and only such. */
	if (PageHead(host) != altmm_desc_test(d, ALTMM_PG_head) ||
	    compound_order(host) != (altmm_desc_test(d, ALTMM_PG_head) ? o : 0))
		verify_note(e, "allocation %#lx order %u: host head %d, order %u", pfn, o,
			    PageHead(host), compound_order(host));
	if (!verify_claim(seen, z, pfn, o))
		verify_note(e, "allocation %#lx order %u overlaps another place", pfn, o);
	if (!altmm_desc_test(d, ALTMM_PG_head)) {
		if (!verify_interior_clean(sys, pfn, o))
			verify_note(e, "allocation %#lx order %u has a placed frame inside",
				    pfn, o);
	} else {
		for (i = 1; i < BIT(o); i++)
			if ((d[i].flags & PLACE_FLAGS) != BIT(ALTMM_PG_tail) ||
			    d[i].private != i ||
			    compound_head(altmm_pfn_to_host_page(sys, pfn + i)) != host)
				verify_note(e, "compound %#lx: tail %lu flags %#lx private %u",
					    pfn, i, d[i].flags & PLACE_FLAGS, d[i].private);
	}
	c->alloc += BIT(o);
	return o;
}

/*
 * Without a lock (the instance is quiet): every allocation, found by its
 * head, and every frame that is in no place at all.  A frame that is not
 * the head of an allocation has the host reference count its chunk came
 * with: 1 on a chunk's first page, 0 elsewhere.
 */
static void verify_allocated(struct altmm_system *sys,
			     struct altmm_zone *z,
			     unsigned long *seen,
			     struct zone_counts *c,
			     struct altmm_check_report *e)
{
	unsigned long pfn = z->zone_start_pfn, end = pfn + z->spanned_pages;

	while (pfn < end) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
		bool placed, rsv;
		int ref;

		if (!d || altmm_pfn_to_zone(sys, pfn) != z) {
			pfn = round_down(pfn, ALTMM_PAGES_PER_SECTION) + ALTMM_PAGES_PER_SECTION;
			continue;
		}
		if (altmm_desc_test(d, ALTMM_PG_alloc)) {
			pfn += BIT(verify_allocation(sys, z, seen, pfn, c, e));
			continue;
		}
		placed = test_bit(pfn - z->zone_start_pfn, seen);
		rsv = altmm_desc_test(d, ALTMM_PG_reserved);
		if (rsv == placed)
			verify_note(e, "pfn %#lx: reserved %d, placed %d", pfn, rsv, placed);
		ref = page_ref_count(altmm_pfn_to_host_page(sys, pfn));
		if (ref != !(pfn & ALTMM_SECTION_MASK))
			verify_note(e, "free pfn %#lx: host refcount %d", pfn, ref);
		if (PageCompound(altmm_pfn_to_host_page(sys, pfn)))
			verify_note(e, "free pfn %#lx: still compound to the host", pfn);
		pfn++;
	}
}

/**
 * altmm_check_zone_walk() - check the page allocator's invariants on one zone
 * @sys: a quiet instance (no allocation, free or reclaim running)
 * @z: one of its zones
 * @r: the report to add to
 *
 * Every managed frame is in exactly one place: the head or inside of a
 * free block on the free list of its order, on a CPU's per-CPU list, or
 * allocated; every block is naturally aligned; no free block has a free
 * buddy it should have merged with; nr_free, NR_FREE_PAGES and each pcp
 * count equal what the walk finds; managed = free + per-CPU + allocated;
 * the high-atomic reserve is a whole number of HighAtomic pageblocks.  A
 * free block's list need not be its pageblock's type (fallback moves
 * blocks without retyping the pageblock).
 *
 * Context: process context; takes the zone lock, then each CPU's pcp
 * lock, one at a time.
 * Return: the problems this walk found (also added to @r).
 */
unsigned long altmm_check_zone_walk(struct altmm_system *sys,
				    struct altmm_zone *z,
				    struct altmm_check_report *r)
{
	unsigned long before = r->problems, managed = altmm_zone_managed(z);
	struct zone_counts c = { 0 };
	unsigned long *seen;
	unsigned int o;

	scnprintf(r->where, sizeof(r->where), "node %d zone %s",
		  altmm_zone_nid(z), altmm_zone_names[z->type]);
	if (!managed) {
		for (o = 0; o < ALTMM_MAX_ORDER; o++)
			if (z->free_area[o].nr_free)
				verify_note(r, "unmanaged, but nr_free[%u] is %lu", o,
					    z->free_area[o].nr_free);
		if (altmm_zone_free(z))
			verify_note(r, "unmanaged, but %lu frames free", altmm_zone_free(z));
		goto out;
	}
	if (!z->pcp) {
		verify_note(r, "no per-CPU lists");
		goto out;
	}
	seen = bitmap_zalloc(z->spanned_pages, GFP_KERNEL);
	if (!seen) {
		verify_note(r, "no memory for the walk");
		goto out;
	}

	verify_free_lists(sys, z, seen, &c, r);
	verify_pcp_lists(sys, z, seen, &c, r);
	verify_allocated(sys, z, seen, &c, r);
	bitmap_free(seen);

	if (c.free + c.isolated + c.pcp + c.alloc != managed)
		verify_note(r, "%lu free + %lu isolated + %lu per-CPU + %lu allocated, %lu managed",
			    c.free, c.isolated, c.pcp, c.alloc, managed);
	if (c.vm_free != c.free)
		verify_note(r, "NR_FREE_PAGES %lu, %lu frames on the free lists",
			    c.vm_free, c.free);
	if (c.reserved_highatomic != c.highatomic_blocks * ALTMM_PAGEBLOCK_NR_PAGES)
		verify_note(r, "nr_reserved_highatomic %lu, %lu HighAtomic pageblocks",
			    c.reserved_highatomic, c.highatomic_blocks);
out:
	r->where[0] = '\0';
	return r->problems - before;
}
EXPORT_SYMBOL_NS_GPL(altmm_check_zone_walk, ALTMM_INTERNAL);

/**
 * altmm_check_sections_walk() - check what memory hotplug leaves behind
 * @sys: a quiet instance
 * @r: the report to add to
 *
 * Every frame of an offline section (present, not device memory) is
 * reserved and in no place (free, per-CPU, allocated), so that neither
 * the allocator nor the zone walks count it; no section is left half
 * way offline; each zone's count of isolated pageblocks is the number
 * of isolated pageblocks in its online sections.
 *
 * Context: process context; takes no lock (the instance is quiet).
 * Return: the problems this walk found (also added to @r).
 */
unsigned long altmm_check_sections_walk(struct altmm_system *sys,
					struct altmm_check_report *r)
{
	unsigned long before = r->problems, nr, i;
	struct altmm_zone *zone;
	int nid, zt;

	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];

		if (!(sec->flags & ALTMM_SECTION_PRESENT) || (sec->flags & ALTMM_SECTION_DEVICE))
			continue;
		scnprintf(r->where, sizeof(r->where), "section %lu", nr);
		if (sec->flags & ALTMM_SECTION_GOING_OFFLINE)
			verify_note(r, "still going offline");
		if (sec->flags & ALTMM_SECTION_ONLINE)
			continue;
		for (i = 0; i < ALTMM_PAGES_PER_SECTION; i++) {
			const struct altmm_page *d = &sec->mem_map[i];

			if (!altmm_desc_test(d, ALTMM_PG_reserved) || (d->flags & PLACE_FLAGS)) {
				verify_note(r, "offline, but frame %lu has flags %#lx", i,
					    d->flags & (PLACE_FLAGS | BIT(ALTMM_PG_reserved)));
				break;
			}
		}
	}
	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		unsigned long isolated = 0, pfn;

		for (pfn = zone->zone_start_pfn; pfn < zone->zone_start_pfn + zone->spanned_pages;
		     pfn += ALTMM_PAGEBLOCK_NR_PAGES) {
			const struct altmm_section *sec = altmm_pfn_to_section(sys, pfn);

			if (sec && (sec->flags & ALTMM_SECTION_ONLINE) &&
			    altmm_section_zone(sys, sec) == zone &&
			    altmm_get_pageblock_migratetype(sys, pfn) == ALTMM_MIGRATE_ISOLATE)
				isolated++;
		}
		scnprintf(r->where, sizeof(r->where), "node %d zone %s", nid,
			  altmm_zone_names[zt]);
		if (isolated != zone->nr_isolate_pageblock)
			verify_note(r, "nr_isolate_pageblock %lu, %lu isolated pageblocks",
				    zone->nr_isolate_pageblock, isolated);
	}
	r->where[0] = '\0';
	return r->problems - before;
}
EXPORT_SYMBOL_NS_GPL(altmm_check_sections_walk, ALTMM_INTERNAL);

/**
 * altmm_check_quiesce() - wait until no reclaim or compaction thread of an
 *	instance runs
 * @sys: the instance
 * @timeout_ms: how long to wait at most
 *
 * kswapd drains per-CPU lists while it balances a node; a walk of the
 * lists must not race with it.  Its work is done when it is in its long
 * sleep (past the nap after a run) and nobody has woken it since.
 * kcompactd drains them too, and holds free blocks its scanner took: it
 * is quiet when it is neither running nor inside a round.
 *
 * Context: process context; sleeps.
 * Return: 0, or -ETIMEDOUT (with a log line naming the thread).
 */
int altmm_check_quiesce(struct altmm_system *sys, unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	struct altmm_node *node;
	int nid;

	for_each_altmm_node(sys, node, nid) {
		while (node->kswapd && (!READ_ONCE(node->kswapd_asleep) ||
					task_is_running(node->kswapd))) {
			if (time_after(jiffies, deadline)) {
				pr_warn("%s: altmm_kswapd%d still busy after %u ms\n",
					sys->name, nid, timeout_ms);
				return -ETIMEDOUT;
			}
			msleep(20);
		}
		/*
		 * kcompactd drains per-CPU lists and isolates free blocks too.
		 * A request it was not woken for (no zone suitable) stays
		 * recorded while it sleeps, so only busy or running counts.
		 */
		while (node->kcompactd && (READ_ONCE(node->kcompactd_busy) ||
					   task_is_running(node->kcompactd))) {
			if (time_after(jiffies, deadline)) {
				pr_warn("%s: altmm_kcompactd%d still busy after %u ms\n",
					sys->name, nid, timeout_ms);
				return -ETIMEDOUT;
			}
			msleep(20);
		}
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_check_quiesce, ALTMM_INTERNAL);

/* === The slab layer's invariants (altmm_slab_test, altmm_kmalloc_test) === */

/* An object's index in its slab, or -1 when @obj is not at an object's start. */
static long verify_obj_index(const struct altmm_kmem_cache *cache,
			     const struct altmm_slab *slab,
					 const void *obj)
{
	long off = obj - slab->s_mem - cache->obj_offset;

	if (off < 0 || off % cache->size || off / cache->size >= cache->num)
		return -1;
	return off / cache->size;
}

static int verify_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The first index of the sorted @v[0..@n) whose value is >= @key. */
static unsigned long verify_lower_bound(const unsigned long *v,
					unsigned long n,
						    unsigned long key)
{
	unsigned long lo = 0, hi = n;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is a free object of a SLAB_POISON cache still poisoned whole? */
static bool verify_poisoned(const struct altmm_kmem_cache *cache,
			    const u8 *obj)
{
	unsigned int i, end = cache->object_size - 1;

	for (i = 0; i < end; i++)
		if (obj[i] != POISON_FREE)
			return false;
	return obj[end] == POISON_END;
}

/*
 * The debug state an object must be in: red zones inactive and poison
 * intact while it is free, red zones active while it is handed out.
 */
static void verify_obj_debug(const struct altmm_kmem_cache *cache,
			     void *obj, bool free,
					 struct altmm_check_report *e)
{
	u64 want = free ? RED_INACTIVE : RED_ACTIVE;

	if (cache->flags & SLAB_RED_ZONE) {
		u64 r1 = *(u64 *)(obj - ALTMM_REDZONE_BYTES);
		u64 r2 = *(u64 *)(obj + ALIGN(cache->object_size, ALTMM_REDZONE_BYTES));

		if (r1 != want || r2 != want)
			verify_note(e, "%s object %p: red zones %#llx %#llx, want %#llx",
				    free ? "free" : "allocated", obj, r1, r2, want);
	}
	if (free && (cache->flags & SLAB_POISON) && !verify_poisoned(cache, obj))
		verify_note(e, "free object %p: poison overwritten", obj);
}

/*
 * One slab, under its node's list_lock: where it is listed against its
 * fill level, its frames, its colour, its free-index array, and the CPU
 * array objects (sorted in @cpu_objs) that lie in it.  Adds to the
 * node's counts and to the objects handed out.
 */
static void verify_one_slab(struct altmm_kmem_cache *cache, int nid,
			    int list, struct altmm_slab *slab,
			    unsigned long *free_map,
			    const unsigned long *cpu_objs,
			    unsigned long nr_cpu_objs,
			    unsigned long *matched,
			    unsigned long *handed_out,
			    struct altmm_check_report *e)
{
	static const char * const names[] = { "full", "partial", "free" };
	struct altmm_system *sys = cache->sys;
	/* Blocks are aligned to their size; objects start less than a block in. */
	void *base = altmm_slab_base(cache, slab);
	unsigned long start = (unsigned long)base, pfn, i, in_arrays = 0;
	unsigned long end = start + (PAGE_SIZE << cache->order);
	unsigned int colours = max(cache->colour, 1U);
	u16 *freelist = altmm_slab_freelist(cache, slab);
	struct altmm_page *d;
	long colour_bytes;

	if (slab->cache != cache || slab->nid != nid)
		verify_note(e, "slab %p on node %d's %s list: cache %p nid %d",
			    slab, nid, names[list], slab->cache, slab->nid);
	if (!altmm_virt_to_pfn(sys, base, &pfn) || offset_in_page(base) ||
	    !IS_ALIGNED(pfn, BIT(cache->order))) {
		verify_note(e, "slab %p is not an aligned block of the arena", slab);
		return;
	}
	d = altmm_pfn_to_desc(sys, pfn);
	if (!altmm_desc_test(d, ALTMM_PG_slab) || !altmm_desc_test(d, ALTMM_PG_alloc) ||
	    altmm_alloc_order(d) != cache->order ||
	    (cache->order && !altmm_desc_test(d, ALTMM_PG_head)))
		verify_note(e, "slab %p (pfn %#lx): flags %#lx, order %u, cache order %u",
			    slab, pfn, d->flags & (BIT(ALTMM_PG_MT_SHIFT) - 1),
				 altmm_alloc_order(d), cache->order);
	if (altmm_zone_nid(altmm_pfn_to_zone(sys, pfn)) != nid)
		verify_note(e, "slab %p on node %d's lists has frames of node %d",
			    slab, nid, altmm_zone_nid(altmm_pfn_to_zone(sys, pfn)));

	if (slab->active > cache->num ||
	    (list == 0 && slab->active != cache->num) ||
	    (list == 1 && (!slab->active || slab->active == cache->num)) ||
	    (list == 2 && slab->active))
		verify_note(e, "slab %p with %u of %u objects active is on the %s list",
			    slab, slab->active, cache->num, names[list]);

	colour_bytes = slab->s_mem - base;
	if (colour_bytes < 0 || colour_bytes % cache->colour_off ||
	    colour_bytes / cache->colour_off >= colours)
		verify_note(e, "slab %p: objects %ld bytes into the block, colours %u of %u",
			    slab, colour_bytes, cache->colour, cache->colour_off);
	if (!IS_ALIGNED((unsigned long)slab->s_mem + cache->obj_offset, cache->align))
		verify_note(e, "slab %p: first object %p not aligned to %u", slab,
			    slab->s_mem + cache->obj_offset, cache->align);
	if (slab->active > cache->num)
		return;

	bitmap_zero(free_map, cache->num);
	for (i = slab->active; i < cache->num; i++) {
		unsigned int idx = freelist[i];

		if (idx >= cache->num)
			verify_note(e, "slab %p: free index %u of %u objects", slab,
				    idx, cache->num);
		else if (__test_and_set_bit(idx, free_map))
			verify_note(e, "slab %p: object %u is free twice", slab, idx);
		else
			verify_obj_debug(cache, slab->s_mem + idx * cache->size +
					      cache->obj_offset, true, e);
	}
	for (i = verify_lower_bound(cpu_objs, nr_cpu_objs, start);
	     i < nr_cpu_objs && cpu_objs[i] < end; i++) {
		long idx = verify_obj_index(cache, slab, (void *)cpu_objs[i]);

		if (idx < 0)
			continue;	/* reported when the arrays were read */
		if (test_bit(idx, free_map))
			verify_note(e, "object %#lx is in an array and free in its slab",
				    cpu_objs[i]);
		__set_bit(idx, free_map);
		verify_obj_debug(cache, (void *)cpu_objs[i], true, e);
		in_arrays++;
		(*matched)++;
	}
	if (in_arrays > slab->active) {
		verify_note(e, "slab %p: %lu objects in arrays, %u active",
			    slab, in_arrays, slab->active);
		return;
	}
	*handed_out += slab->active - in_arrays;
	if (cache->flags & SLAB_RED_ZONE)
		for (i = 0; i < cache->num; i++)
			if (!test_bit(i, free_map))
				verify_obj_debug(cache, slab->s_mem + i * cache->size +
						      cache->obj_offset, false, e);
}

/*
 * Every CPU's array, into @cpu_objs.  The running CPU's array is read
 * with interrupts off, as its owner changes it.  Another CPU's array is
 * read racily: only a quiet instance (nothing allocates or frees, as in
 * a suite's .exit) gives a true picture, which UML, uniprocessor, always
 * does.
 */
static unsigned long verify_cpu_arrays(struct altmm_kmem_cache *cache,
				       unsigned long *cpu_objs,
				       unsigned long max,
				       struct altmm_check_report *e)
{
	struct altmm_system *sys = cache->sys;
	unsigned long n = 0, flags;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct altmm_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);
		unsigned int avail, i;

		local_irq_save(flags);
		avail = READ_ONCE(ac->avail);
		if (ac->limit != cache->limit || ac->batchcount != cache->batchcount ||
		    avail > cache->limit) {
			verify_note(e, "CPU %d: %u of %u objects, batch %u (cache: %u, %u)",
				    cpu, avail, ac->limit, ac->batchcount,
					 cache->limit, cache->batchcount);
			avail = min(avail, cache->limit);
		}
		for (i = 0; i < avail && n < max; i++) {
			void *obj = ac->entry[i];
			struct altmm_slab *slab = NULL;

			if (altmm_obj_to_cache(sys, obj, &slab) != cache) {
				verify_note(e, "CPU %d array entry %u: %p is not the cache's",
					    cpu, i, obj);
				continue;
			}
			if (verify_obj_index(cache, slab, obj) < 0)
				verify_note(e, "CPU %d entry %u: %p is not an object start",
					    cpu, i, obj);
			/* Its CPU's node, or the nearest with memory (numa_mem_id()). */
			if (slab->nid != ac->nid ||
			    ac->nid != sys->slab->mem_node[sys->layout.cpu_node[cpu]])
				verify_note(e, "CPU %d (array of node %d) holds %p of node %d",
					    cpu, ac->nid, obj, slab->nid);
			cpu_objs[n++] = (unsigned long)obj;
		}
		local_irq_restore(flags);
	}
	return n;
}

/*
 * The objects of one node's shared array or alien cache, into @objs: all
 * of node @nid (the shared array's own node, an alien cache's home).
 * The caller holds the array's lock.
 */
static unsigned long verify_node_array(struct altmm_kmem_cache *cache,
				       const char *what, int owner, int nid,
				       struct altmm_array_cache *ac,
				       unsigned int limit, unsigned long *objs,
				       unsigned long max, struct altmm_check_report *e)
{
	unsigned int avail = ac->avail, i;
	unsigned long n = 0;

	if (avail > limit || ac->limit != limit || ac->nid != nid) {
		verify_note(e, "node %d %s array: %u of %u objects of node %d (want %u of node %d)",
			    owner, what, avail, ac->limit, ac->nid, limit, nid);
		avail = min(avail, limit);
	}
	for (i = 0; i < avail && n < max; i++) {
		void *obj = ac->entry[i];
		struct altmm_slab *slab = NULL;

		if (altmm_obj_to_cache(cache->sys, obj, &slab) != cache) {
			verify_note(e, "node %d %s entry %u: %p is not the cache's",
				    owner, what, i, obj);
			continue;
		}
		if (verify_obj_index(cache, slab, obj) < 0)
			verify_note(e, "node %d %s entry %u: %p is not an object start",
				    owner, what, i, obj);
		if (slab->nid != nid)
			verify_note(e, "node %d %s array (of node %d) holds %p of node %d",
				    owner, what, nid, obj, slab->nid);
		objs[n++] = (unsigned long)obj;
	}
	return n;
}

/* Every node's shared array and alien caches, into @objs. */
static unsigned long verify_node_arrays(struct altmm_kmem_cache *cache,
					unsigned long *objs, unsigned long max,
					struct altmm_check_report *e)
{
	int nr_nodes = cache->sys->layout.nr_nodes, nid, r;
	unsigned long n = 0, flags;

	for (nid = 0; nid < nr_nodes; nid++) {
		struct altmm_kmem_cache_node *node = cache->node[nid];

		if (!!node->shared != !!cache->shared)
			verify_note(e, "node %d: shared array %p, sharedfactor %u", nid,
				    node->shared, cache->shared);
		if (node->shared) {
			spin_lock_irqsave(&node->list_lock, flags);
			n += verify_node_array(cache, "shared", nid, nid, node->shared,
					       cache->shared * cache->batchcount,
					       objs + n, max - n, e);
			spin_unlock_irqrestore(&node->list_lock, flags);
		}
		for (r = 0; node->alien && r < nr_nodes; r++) {
			struct altmm_alien_cache *alc = node->alien[r];

			if (!alc)
				continue;
			spin_lock_irqsave(&alc->lock, flags);
			n += verify_node_array(cache, "alien", nid, r, &alc->ac,
					       cache->limit > 1 ? ALTMM_SLAB_ALIEN_LIMIT : 1,
					       objs + n, max - n, e);
			spin_unlock_irqrestore(&alc->lock, flags);
		}
	}
	return n;
}

/* The geometry a cache was set up with fits its slabs. */
static void verify_geometry(const struct altmm_kmem_cache *cache,
			    struct altmm_check_report *e)
{
	unsigned long slab_bytes = PAGE_SIZE << cache->order;

	if (!cache->num || cache->num > ALTMM_SLAB_OBJ_MAX_NUM ||
	    cache->order > ALTMM_SLAB_MAX_ORDER)
		verify_note(e, "%u objects of order %u", cache->num, cache->order);
	if (cache->freelist_cache) {
		if (cache->freelist_cache->object_size <
		    sizeof(struct altmm_slab) + cache->num * sizeof(u16))
			verify_note(e, "off-slab headers of %u bytes in %s for %u objects",
				    cache->freelist_cache->object_size,
				    cache->freelist_cache->name, cache->num);
	} else if (cache->mgmt_size < sizeof(struct altmm_slab) + cache->num * sizeof(u16)) {
		verify_note(e, "management %u bytes for %u objects", cache->mgmt_size,
			    cache->num);
	}
	if (cache->mgmt_size + (max(cache->colour, 1U) - 1) * cache->colour_off +
	    (unsigned long)cache->num * cache->size > slab_bytes)
		verify_note(e, "the last colour overflows the slab");
	if (cache->size < cache->obj_offset + cache->object_size)
		verify_note(e, "size %u < offset %u + object %u", cache->size,
			    cache->obj_offset, cache->object_size);
	if (!is_power_of_2(cache->align) || !IS_ALIGNED(cache->size, cache->align) ||
	    !IS_ALIGNED(cache->colour_off, cache->align) ||
	    !IS_ALIGNED(cache->obj_offset, cache->align))
		verify_note(e, "align %u, size %u, mgmt %u, colour_off %u, obj_offset %u",
			    cache->align, cache->size, cache->mgmt_size,
			    cache->colour_off, cache->obj_offset);
	if (!cache->batchcount || cache->batchcount > cache->limit)
		verify_note(e, "batchcount %u, limit %u", cache->batchcount, cache->limit);
}

/**
 * altmm_check_cache_walk() - check a cache's invariants
 * @cache: a cache of a quiet instance (see verify_cpu_arrays())
 * @r: the report to add to
 * @handed_out: if not NULL, set to the objects handed out (neither free
 *	nor in an array), to compare with what the caller holds
 *
 * Every object is in exactly one place: a CPU's array, a node's shared
 * array or alien cache, its slab's free set (freelist[active..num)), or
 * handed out; none is counted twice.  On
 * each node, total_slabs, free_slabs and free_objects match the lists;
 * each slab is on the list its fill level says, is an arena block of the
 * cache's order marked as a slab, on the node's frames; its objects start
 * a whole number of colours (fewer than max(colour, 1)) after its header,
 * aligned.  CPU and shared arrays hold only their node's objects, an
 * alien cache only its home node's.  With debug flags,
 * red zones and poison are in the state the object's place says.  The
 * geometry fits the slab.
 *
 * Context: process context; takes each node's list_lock in turn
 * (irqsave), never two at once.
 * Return: the problems this walk found (also added to @r).
 */
unsigned long altmm_check_cache_walk(struct altmm_kmem_cache *cache,
				     struct altmm_check_report *r,
				     unsigned long *handed_out)
{
	struct altmm_system *sys = cache->sys;
	unsigned long max_cpu_objs = (unsigned long)num_possible_cpus() * cache->limit +
		(unsigned long)sys->layout.nr_nodes *
		(cache->shared * cache->batchcount +
		 sys->layout.nr_nodes * ALTMM_SLAB_ALIEN_LIMIT);
	unsigned long *cpu_objs = NULL, *free_map = NULL, nr_cpu_objs, matched = 0;
	unsigned long walk_limit = (sys->layout.end_pfn >> cache->order) + 1;
	unsigned long before = r->problems, handed = 0, i;
	struct altmm_check_report *e = r;
	int nid;

	scnprintf(r->where, sizeof(r->where), "cache %s", cache->name);
	verify_geometry(cache, e);
	if (!cache->num || cache->num > ALTMM_SLAB_OBJ_MAX_NUM)
		goto out;

	cpu_objs = kvmalloc_array(max(max_cpu_objs, 1UL), sizeof(*cpu_objs), GFP_KERNEL);
	free_map = bitmap_zalloc(cache->num, GFP_KERNEL);
	if (!cpu_objs || !free_map) {
		verify_note(e, "no memory for the walk");
		goto out;
	}

	nr_cpu_objs = verify_cpu_arrays(cache, cpu_objs, max_cpu_objs, e);
	nr_cpu_objs += verify_node_arrays(cache, cpu_objs + nr_cpu_objs,
					  max_cpu_objs - nr_cpu_objs, e);
	sort(cpu_objs, nr_cpu_objs, sizeof(*cpu_objs), verify_cmp_ulong, NULL);
	for (i = 1; i < nr_cpu_objs; i++)
		if (cpu_objs[i] == cpu_objs[i - 1])
			verify_note(e, "object %#lx is in arrays twice", cpu_objs[i]);

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		struct altmm_kmem_cache_node *n = cache->node[nid];
		unsigned long slabs = 0, free_slabs = 0, free_objs = 0, flags;
		struct list_head *lists[3];
		struct altmm_slab *slab;
		int l;

		if (!n) {
			verify_note(e, "node %d has no lists", nid);
			continue;
		}
		lists[0] = &n->slabs_full;
		lists[1] = &n->slabs_partial;
		lists[2] = &n->slabs_free;
		spin_lock_irqsave(&n->list_lock, flags);
		for (l = 0; l < ARRAY_SIZE(lists); l++) {
			list_for_each_entry(slab, lists[l], list) {
				if (++slabs > walk_limit) {
					verify_note(e, "node %d: a list does not end", nid);
					break;
				}
				verify_one_slab(cache, nid, l, slab, free_map, cpu_objs,
						nr_cpu_objs, &matched, &handed, e);
				if (slab->active <= cache->num)
					free_objs += cache->num - slab->active;
				free_slabs += l == 2;
			}
		}
		if (slabs != n->total_slabs || free_slabs != n->free_slabs ||
		    free_objs != n->free_objects)
			/* total_slabs, free_slabs, free_objects: kept, then found */
			verify_note(e, "node %d: counts %lu %lu %lu, lists %lu %lu %lu",
				    nid, n->total_slabs, n->free_slabs, n->free_objects,
					 slabs, free_slabs, free_objs);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	if (matched != nr_cpu_objs)
		verify_note(e, "%lu of %lu array objects are in no listed slab",
			    nr_cpu_objs - matched, nr_cpu_objs);

out:
	kvfree(cpu_objs);
	bitmap_free(free_map);
	r->where[0] = '\0';
	if (handed_out)
		*handed_out = handed;
	return r->problems - before;
}
EXPORT_SYMBOL_NS_GPL(altmm_check_cache_walk, ALTMM_INTERNAL);

/* Slabs on a cache's lists, over its nodes. */
static unsigned long cache_slabs(struct altmm_kmem_cache *cache)
{
	unsigned long n = 0;
	int nid;

	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++)
		n += READ_ONCE(cache->node[nid]->total_slabs);
	return n;
}

/**
 * altmm_check_slab_walk() - check the invariants of every cache of an instance
 * @sys: a quiet instance
 * @r: the report to add to
 *
 * altmm_check_cache_walk() on every cache, under the slab mutex; every
 * kmalloc class is present with its size; and, once RCU-deferred slab
 * frees have run, the arena holds exactly as many frames marked as slab
 * heads as the caches list slabs: no slab is lost or freed without its
 * mark cleared.
 *
 * Context: process context; sleeps (rcu_barrier(), the slab mutex).
 * Return: the problems this walk found (also added to @r).
 */
unsigned long altmm_check_slab_walk(struct altmm_system *sys,
				    struct altmm_check_report *r)
{
	unsigned long listed = 0, marked = 0, before = r->problems, nr, i;
	struct altmm_kmem_cache *cache;
	int type, index;

	if (!sys->slab) {
		altmm_check_note(r, "instance without a slab layer");
		return r->problems - before;
	}
	rcu_barrier();		/* SLAB_TYPESAFE_BY_RCU slabs on their way out */

	mutex_lock(&sys->slab->mutex);
	list_for_each_entry(cache, &sys->slab->caches, list) {
		altmm_check_cache_walk(cache, r, NULL);
		listed += cache_slabs(cache);
	}
	for (type = 0; type < ALTMM_NR_KMALLOC_TYPES; type++) {
		for (index = 1; index < ALTMM_NR_KMALLOC_CLASSES; index++) {
			cache = sys->slab->kmalloc[type][index];
			if (!cache)
				altmm_check_note(r, "no kmalloc cache of type %d class %d",
						 type, index);
			else if (cache->object_size != altmm_kmalloc_size(index))
				altmm_check_note(r, "%s: object size %u", cache->name,
						 cache->object_size);
		}
	}
	mutex_unlock(&sys->slab->mutex);

	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];

		if (!(sec->flags & ALTMM_SECTION_PRESENT))
			continue;
		for (i = 0; i < ALTMM_PAGES_PER_SECTION; i++)
			marked += altmm_desc_test(&sec->mem_map[i], ALTMM_PG_slab);
	}
	if (marked != listed)
		altmm_check_note(r, "%lu frames marked as slabs, the caches list %lu slabs",
				 marked, listed);
	return r->problems - before;
}
EXPORT_SYMBOL_NS_GPL(altmm_check_slab_walk, ALTMM_INTERNAL);

/* === User memory === */

/**
 * altmm_check_lru_walk() - check a node's LRU lists against their counters
 * @sys: instance
 * @node: a node of it
 * @r: the report to add to
 *
 * Every page on a list is an allocated user page of that node, marked on
 * an LRU, active exactly on the active lists and swap-backed exactly on
 * the anon ones; per zone, the pages found on each list are what the
 * zone's NR_ZONE_*_ANON/FILE counter says.  Pages reclaim has isolated
 * are on no list: on a quiet instance the NR_ISOLATED counters are 0.
 *
 * Context: process context; takes the node's LRU lock.
 * Return: the problems this walk found (also added to @r).
 */
unsigned long altmm_check_lru_walk(struct altmm_system *sys,
				   struct altmm_node *node,
				   struct altmm_check_report *r)
{
	unsigned long (*found)[ALTMM_NR_LRU_LISTS], before = r->problems;
	struct altmm_lruvec *lruvec = &node->lruvec;
	struct altmm_page *d;
	int lru, zt;

	if (!sys->usermem)
		return 0;
	found = kcalloc(ALTMM_NR_ZONES, sizeof(*found), GFP_KERNEL);
	if (!found) {
		altmm_check_note(r, "no memory for the LRU walk");
		return r->problems - before;
	}
	scnprintf(r->where, sizeof(r->where), "node %d LRU", node->nid);
	spin_lock(&lruvec->lru_lock);
	for (lru = 0; lru < ALTMM_NR_LRU_LISTS; lru++) {
		bool active = lru == ALTMM_LRU_ACTIVE_ANON ||
			      lru == ALTMM_LRU_ACTIVE_FILE;
		bool anon = lru <= ALTMM_LRU_ACTIVE_ANON;

		list_for_each_entry(d, &lruvec->lists[lru], lru) {
			unsigned long pfn = altmm_desc_to_pfn(sys, d);
			struct altmm_zone *zone = altmm_pfn_to_zone(sys, pfn);

			if (!zone || zone->node != node) {
				altmm_check_note(r, "list %d: pfn %#lx is not of this node",
						 lru, pfn);
				continue;
			}
			if (!altmm_desc_test(d, ALTMM_PG_lru) ||
			    !altmm_desc_test(d, ALTMM_PG_user) ||
			    !altmm_desc_test(d, ALTMM_PG_alloc) ||
			    altmm_desc_test(d, ALTMM_PG_active) != active ||
			    altmm_desc_test(d, ALTMM_PG_swapbacked) != anon)
				altmm_check_note(r, "list %d: pfn %#lx has flags %#lx", lru, pfn,
						 d->flags & (BIT(ALTMM_PG_MT_SHIFT) - 1));
			found[zone->type][lru]++;
		}
	}
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
		for (lru = 0; lru < ALTMM_NR_LRU_LISTS; lru++) {
			const atomic_long_t *stat = node->zones[zt].vm_stat;
			long counted = atomic_long_read(&stat[ALTMM_NR_ZONE_INACTIVE_ANON + lru]);

			if (counted != found[zt][lru])
				altmm_check_note(r, "zone %d list %d: counter %ld, %lu listed",
						 zt, lru, counted, found[zt][lru]);
		}
	spin_unlock(&lruvec->lru_lock);
	if (atomic_long_read(&node->vm_stat[ALTMM_NR_ISOLATED_ANON]) ||
	    atomic_long_read(&node->vm_stat[ALTMM_NR_ISOLATED_FILE]))
		altmm_check_note(r, "pages still isolated: %ld anon, %ld file",
				 atomic_long_read(&node->vm_stat[ALTMM_NR_ISOLATED_ANON]),
				 atomic_long_read(&node->vm_stat[ALTMM_NR_ISOLATED_FILE]));
	r->where[0] = '\0';
	kfree(found);
	return r->problems - before;
}
EXPORT_SYMBOL_NS_GPL(altmm_check_lru_walk, ALTMM_INTERNAL);

/**
 * altmm_check_instance() - check the allocator's invariants on an instance
 * @sys: an instance nothing allocates from or frees to any more
 * @r: the report to add to
 *
 * Waits for the reclaim threads to sleep, then walks every zone with
 * memory (altmm_check_zone_walk()) and the slab layer
 * (altmm_check_slab_walk()), then each node's LRU lists
 * (altmm_check_lru_walk()).  CPU hotplug is held off during the zone
 * walks, so that no dying CPU's lists go back to the zones under them.
 *
 * Context: process context; sleeps.
 * Return: the problems found (also added to @r).
 */
unsigned long altmm_check_instance(struct altmm_system *sys,
				   struct altmm_check_report *r)
{
	unsigned long before = r->problems;
	struct altmm_zone *zone;
	struct altmm_node *node;
	int nid, zt;

	if (altmm_check_quiesce(sys, 5000))
		altmm_check_note(r, "a reclaim thread is still busy");
	cpus_read_lock();
	for_each_altmm_populated_zone(sys, zone, nid, zt)
		if (zt != ALTMM_ZONE_DEVICE)
			altmm_check_zone_walk(sys, zone, r);
	cpus_read_unlock();
	altmm_check_sections_walk(sys, r);
	altmm_check_slab_walk(sys, r);
	for_each_altmm_node(sys, node, nid)
		altmm_check_lru_walk(sys, node, r);
	return r->problems - before;
}
EXPORT_SYMBOL_NS_GPL(altmm_check_instance, ALTMM_INTERNAL);
