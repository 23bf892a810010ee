/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by altmm's KUnit suites: a catalogue of layouts, a helper that
 * builds a private instance from one and tears it down when the test
 * ends, and the invariant checker every suite runs over every instance it
 * built.  The checker recomputes what it asserts from first principles
 * (walking frames, regions and sections) rather than trusting a counter.
 * The slab suites also read altmm's reports back from the kernel log.
 */
#ifndef _ALTMM_TEST_H
#define _ALTMM_TEST_H

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/poison.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/tracepoint.h>
#include <trace/events/printk.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))

/**
 * struct altmm_test_layout - a named layout for KUNIT_ARRAY_PARAM
 * @name: shown in the KTAP output
 * @p: the parameters
 */
struct altmm_test_layout {
	const char *name;
	struct altmm_params p;
};

/*
 * Small enough for a UML guest (at most 96 MiB each), together covering
 * one node, four nodes, holes, every zone type, kernelcore and
 * movablecore, and an uneven node split.
 */
static const struct altmm_test_layout altmm_test_layouts[] __maybe_unused = {
	{ "one_node", { .arena_mb = 32, .nr_nodes = 1, .dma_mb = 16,
			.dma32_mb = 128 } },
	{ "four_nodes", { .arena_mb = 64, .nr_nodes = 4, .dma_mb = 16,
			  .dma32_mb = 32 } },
	{ "holes", { .arena_mb = 64, .nr_nodes = 2, .dma_mb = 16,
		     .dma32_mb = 32, .holes = "8M@16M,4M@60M" } },
	{ "all_zones", { .arena_mb = 64, .nr_nodes = 1, .dma_mb = 16,
			 .dma32_mb = 32, .highmem_mb = 48,
			 .movablecore = "4M", .device_mb = 8 } },
	{ "all_zones_two_nodes", { .arena_mb = 96, .nr_nodes = 2,
				   .dma_mb = 16, .dma32_mb = 32,
				   .highmem_mb = 64, .kernelcore = "40M",
				   .device_mb = 8, .holes = "4M@40M" } },
	{ "uneven_kernelcore", { .arena_mb = 64, .nr_nodes = 2,
				 .nr_node_mb = 2, .node_mb = { 8, 56 },
				 .kernelcore = "32M" } },
};

static inline void altmm_test_layout_desc(const struct altmm_test_layout *t,
					  char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

#define ALTMM_TEST_MAX_SYSTEMS	4

/**
 * struct altmm_test_ctx - what a test built, for its suite's exit
 * @sys: instances, checked and destroyed after the test, pass or fail
 * @nr: entries in @sys
 */
struct altmm_test_ctx {
	struct altmm_system *sys[ALTMM_TEST_MAX_SYSTEMS];
	int nr;
};

/* A private instance, checked and destroyed by altmm_test_exit(). */
static inline struct altmm_system *altmm_test_create(struct kunit *test,
						     const struct altmm_params *p)
{
	struct altmm_test_ctx *ctx = test->priv;
	struct altmm_param_error err;
	struct altmm_system *sys = NULL;
	int ret;

	KUNIT_ASSERT_LT(test, ctx->nr, ALTMM_TEST_MAX_SYSTEMS);
	ret = altmm_system_create(p, "altmm-kunit", &sys, &err);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "create failed: %s: %s",
			    err.param ?: "-", err.reason);
	ctx->sys[ctx->nr++] = sys;
	return sys;
}

static inline unsigned long altmm_test_hole_pages(const struct altmm_layout *l)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < l->nr_holes; i++)
		n += l->holes[i].end - l->holes[i].start;
	return n;
}

/* Device frames that are not also in a hole. */
static inline unsigned long altmm_test_device_pages(const struct altmm_layout *l)
{
	unsigned long pfn, n = 0;

	for (pfn = l->device.start; pfn < l->device.end; pfn++)
		n += !altmm_layout_pfn_absent(l, pfn);
	return n;
}

/*
 * A frame is reserved when any byte of it is: small allocations share
 * frames, and the hand-over releases only whole free frames.
 */
static inline bool altmm_test_frame_reserved(const struct altmm_memblock *mb,
					     unsigned long pfn)
{
	u64 start = (u64)pfn << PAGE_SHIFT, end = start + PAGE_SIZE;
	unsigned int i;

	for (i = 0; i < mb->reserved.cnt; i++) {
		const struct altmm_mb_region *r = &mb->reserved.regions[i];

		if (r->base < end && start < r->base + r->size)
			return true;
	}
	return false;
}

static inline void altmm_check_memblock(struct kunit *test,
					const struct altmm_memblock *mb)
{
	const struct altmm_mb_type *types[] = { &mb->memory, &mb->reserved };
	unsigned int t, i;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (i = 0; i < types[t]->cnt; i++) {
			const struct altmm_mb_region *r = &types[t]->regions[i];

			KUNIT_EXPECT_GT(test, r->size, 0ULL);
			if (!i)
				continue;
			/* Sorted, disjoint, and merged where they touch. */
			KUNIT_EXPECT_GE(test, r->base, r[-1].base + r[-1].size);
			if (r->nid == r[-1].nid)
				KUNIT_EXPECT_GT(test, r->base,
						r[-1].base + r[-1].size);
		}
	}
	/* Everything reserved is memory. */
	for (i = 0; i < mb->reserved.cnt; i++) {
		const struct altmm_mb_region *r = &mb->reserved.regions[i];

		u64 last = r->base + r->size - 1;

		KUNIT_EXPECT_TRUE(test, altmm_memblock_is_memory(mb, r->base));
		KUNIT_EXPECT_TRUE(test, altmm_memblock_is_memory(mb, last));
	}
}

static inline bool altmm_test_in_zone(const struct altmm_zone *z,
				      unsigned long pfn)
{
	return pfn >= z->zone_start_pfn &&
	       pfn < z->zone_start_pfn + z->spanned_pages;
}

/* === The page allocator's invariants === */

/*
 * Most of the walk runs under a spinlock, where a failing KUnit
 * expectation may not be reported (it allocates, and may sleep): the
 * walk notes the first problem and how many there were, and the caller
 * reports them once the lock is dropped.
 */
struct altmm_check_err {
	unsigned long n;
	char msg[200];
};

static inline __printf(2, 3) void altmm_check_note(struct altmm_check_err *e,
						   const char *fmt, ...)
{
	va_list args;

	if (e->n++)
		return;
	va_start(args, fmt);
	vscnprintf(e->msg, sizeof(e->msg), fmt, args);
	va_end(args);
}

/*
 * What a walk of one zone finds, in frames: on free lists (isolated ones
 * apart, as NR_FREE_PAGES leaves them out), on per-CPU lists, allocated.
 */
struct altmm_check_counts {
	unsigned long free;
	unsigned long isolated;
	unsigned long pcp;
	unsigned long alloc;
	unsigned long vm_free;
	unsigned long reserved_highatomic;
	unsigned long highatomic_blocks;
};

/* The flags that say where a frame is; at most one block head has any. */
#define ALTMM_CHECK_PLACE_FLAGS	(BIT(ALTMM_PG_buddy) | BIT(ALTMM_PG_pcp) | \
				 BIT(ALTMM_PG_alloc) | BIT(ALTMM_PG_head) | \
				 BIT(ALTMM_PG_tail))

/* Does the block [pfn, pfn + 2^order) lie inside the zone? */
static inline bool altmm_check_block_in_zone(const struct altmm_system *sys,
					     const struct altmm_zone *z,
					     unsigned long pfn, unsigned int order)
{
	return pfn >= z->zone_start_pfn &&
	       pfn + BIT(order) <= z->zone_start_pfn + z->spanned_pages &&
	       altmm_pfn_to_zone(sys, pfn) == z;
}

/* Mark a block's frames as found; false if one of them already was. */
static inline bool altmm_check_claim(unsigned long *seen,
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
static inline bool altmm_check_interior_clean(const struct altmm_system *sys,
					      unsigned long pfn,
					      unsigned int order)
{
	unsigned long i;

	for (i = 1; i < BIT(order); i++)
		if (altmm_pfn_to_desc(sys, pfn + i)->flags & ALTMM_CHECK_PLACE_FLAGS)
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
static inline bool altmm_check_unmerged(const struct altmm_system *sys,
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
static inline void altmm_check_free_block(struct altmm_system *sys,
					  struct altmm_zone *z,
					  unsigned long *seen,
					  const struct altmm_page *d,
					  unsigned int o, int mt,
					  struct altmm_check_counts *c,
					  struct altmm_check_err *e)
{
	unsigned long pfn = altmm_desc_to_pfn(sys, d);
	const char *type = altmm_migratetype_names[mt];

	if (!altmm_check_block_in_zone(sys, z, pfn, o)) {
		altmm_check_note(e, "free %#lx order %u (%s) is outside the zone",
				 pfn, o, type);
		return;
	}
	if ((d->flags & ALTMM_CHECK_PLACE_FLAGS) != BIT(ALTMM_PG_buddy) ||
	    d->private != o)
		altmm_check_note(e, "free %#lx on the order-%u %s list: flags %#lx private %u",
				 pfn, o, type, d->flags & ALTMM_CHECK_PLACE_FLAGS,
				 d->private);
	if (!IS_ALIGNED(pfn, BIT(o)))
		altmm_check_note(e, "free %#lx of order %u is not aligned", pfn, o);
	if (!altmm_check_claim(seen, z, pfn, o))
		altmm_check_note(e, "free %#lx order %u overlaps another place", pfn, o);
	if (!altmm_check_interior_clean(sys, pfn, o))
		altmm_check_note(e, "free %#lx order %u has a placed frame inside", pfn, o);
	if (o < ALTMM_MAX_ORDER - 1 && altmm_check_unmerged(sys, pfn, o))
		altmm_check_note(e, "free %#lx and its buddy %#lx are both free at order %u",
				 pfn, pfn ^ BIT(o), o);
	if (mt == ALTMM_MIGRATE_ISOLATE)
		c->isolated += BIT(o);
	else
		c->free += BIT(o);
}

/* Pageblocks of @z: their types are valid; count the HighAtomic ones. */
static inline void altmm_check_pageblocks(struct altmm_system *sys,
					  struct altmm_zone *z,
					  struct altmm_check_counts *c,
					  struct altmm_check_err *e)
{
	unsigned long pfn = round_up(z->zone_start_pfn, ALTMM_PAGEBLOCK_NR_PAGES);
	int mt;

	for (; pfn < z->zone_start_pfn + z->spanned_pages; pfn += ALTMM_PAGEBLOCK_NR_PAGES) {
		if (altmm_pfn_to_zone(sys, pfn) != z)
			continue;
		mt = altmm_get_pageblock_migratetype(sys, pfn);
		if (mt >= ALTMM_MIGRATE_TYPES)
			altmm_check_note(e, "pageblock %#lx has type %d", pfn, mt);
		c->highatomic_blocks += mt == ALTMM_MIGRATE_HIGHATOMIC;
	}
}

/* Under the zone lock: every free list, nr_free, NR_FREE_PAGES, the reserve. */
static inline void altmm_check_free_lists(struct altmm_system *sys,
					  struct altmm_zone *z,
					  unsigned long *seen,
					  struct altmm_check_counts *c,
					  struct altmm_check_err *e)
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
					altmm_check_note(e, "order-%u lists do not end", o);
					break;
				}
				altmm_check_free_block(sys, z, seen, d, o, mt, c, e);
			}
		}
		if (blocks != area->nr_free)
			altmm_check_note(e, "order %u: nr_free %lu, %lu blocks on the lists",
					 o, area->nr_free, blocks);
	}
	c->vm_free = atomic_long_read(&z->vm_stat[ALTMM_NR_FREE_PAGES]);
	c->reserved_highatomic = z->nr_reserved_highatomic;
	altmm_check_pageblocks(sys, z, c, e);
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
static inline int altmm_check_pcp_list_type(int pindex, unsigned int order)
{
	if (pindex < ALTMM_NR_LOWORDER_PCP_LISTS)
		return pindex % ALTMM_MIGRATE_PCPTYPES;
	return pindex == altmm_pcp_order_to_pindex(ALTMM_MIGRATE_MOVABLE, order) ?
	       ALTMM_MIGRATE_MOVABLE : -1;
}

static inline void altmm_check_pcp_block(struct altmm_system *sys,
					 struct altmm_zone *z,
					 unsigned long *seen,
					 const struct altmm_page *d,
					 unsigned int o, int mt, int cpu,
					 struct altmm_check_err *e)
{
	unsigned long pfn = altmm_desc_to_pfn(sys, d);
	int own = altmm_get_pcp_migratetype(d);

	if (!altmm_check_block_in_zone(sys, z, pfn, o)) {
		altmm_check_note(e, "CPU %d: pcp %#lx is outside the zone", cpu, pfn);
		return;
	}
	if ((d->flags & ALTMM_CHECK_PLACE_FLAGS) != BIT(ALTMM_PG_pcp))
		altmm_check_note(e, "CPU %d: pcp %#lx order %u: flags %#lx",
				 cpu, pfn, o, d->flags & ALTMM_CHECK_PLACE_FLAGS);
	if (mt < 0 ? own == ALTMM_MIGRATE_MOVABLE || own == ALTMM_MIGRATE_HIGHATOMIC :
		     own != mt && !(mt == ALTMM_MIGRATE_MOVABLE && own == ALTMM_MIGRATE_HIGHATOMIC))
		altmm_check_note(e, "CPU %d: pcp %#lx of type %d on the %s list",
				 cpu, pfn, own, mt < 0 ? "non-movable" : altmm_migratetype_names[mt]);
	if (!IS_ALIGNED(pfn, BIT(o)))
		altmm_check_note(e, "CPU %d: pcp %#lx of order %u is not aligned", cpu, pfn, o);
	if (!altmm_check_claim(seen, z, pfn, o))
		altmm_check_note(e, "CPU %d: pcp %#lx order %u overlaps another place",
				 cpu, pfn, o);
	if (!altmm_check_interior_clean(sys, pfn, o))
		altmm_check_note(e, "CPU %d: pcp %#lx has a placed frame inside", cpu, pfn);
}

/*
 * Under each CPU's pcp lock in turn: its lists (altmm_pcp_order_to_pindex()
 * says which holds what) and its count.
 */
static inline void altmm_check_pcp_lists(struct altmm_system *sys,
					 struct altmm_zone *z,
					 unsigned long *seen,
					 struct altmm_check_counts *c,
					 struct altmm_check_err *e)
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
			int mt = altmm_check_pcp_list_type(i, o);
			struct altmm_page *d;

			list_for_each_entry(d, &pcp->lists[i], lru) {
				if (++blocks > limit) {
					altmm_check_note(e, "CPU %d: pcp lists do not end", cpu);
					break;
				}
				altmm_check_pcp_block(sys, z, seen, d, o, mt, cpu, e);
				frames += BIT(o);
			}
		}
		count = pcp->count;
		spin_unlock_irqrestore(&pcp->lock, flags);

		if (count != frames)
			altmm_check_note(e, "CPU %d: pcp count %d, %lu frames on its lists",
					 cpu, count, frames);
		c->pcp += frames;
	}
}

/* An allocation of @z at @pfn: its head, its tail pages, its references. */
static inline unsigned int altmm_check_allocation(struct altmm_system *sys,
						  struct altmm_zone *z,
						  unsigned long *seen,
						  unsigned long pfn,
						  struct altmm_check_counts *c,
						  struct altmm_check_err *e)
{
	const struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
	unsigned int o = altmm_alloc_order(d);
	unsigned long bad = BIT(ALTMM_PG_buddy) | BIT(ALTMM_PG_pcp) |
			    BIT(ALTMM_PG_tail) | BIT(ALTMM_PG_reserved), i;

	if (o >= ALTMM_MAX_ORDER || !altmm_check_block_in_zone(sys, z, pfn, o)) {
		altmm_check_note(e, "allocation %#lx of order %u is outside the zone", pfn, o);
		return 0;
	}
	if (!IS_ALIGNED(pfn, BIT(o)))
		altmm_check_note(e, "allocation %#lx of order %u is not aligned", pfn, o);
	if (d->flags & bad)
		altmm_check_note(e, "allocation %#lx: flags %#lx", pfn,
				 d->flags & (BIT(ALTMM_PG_MT_SHIFT) - 1));
	if (atomic_read(&d->refcount) < 1)
		altmm_check_note(e, "allocation %#lx: refcount %d", pfn,
				 atomic_read(&d->refcount));
	/* The host counts altmm's references and any of its own. */
	if (page_ref_count(altmm_pfn_to_host_page(sys, pfn)) < atomic_read(&d->refcount))
		altmm_check_note(e, "allocation %#lx: host refcount %d, altmm's %d", pfn,
				 page_ref_count(altmm_pfn_to_host_page(sys, pfn)),
				 atomic_read(&d->refcount));
	/* A compound allocation is one to the host too, and only such. */
	if (PageHead(altmm_pfn_to_host_page(sys, pfn)) != altmm_desc_test(d, ALTMM_PG_head) ||
	    compound_order(altmm_pfn_to_host_page(sys, pfn)) !=
	    (altmm_desc_test(d, ALTMM_PG_head) ? o : 0))
		altmm_check_note(e, "allocation %#lx order %u: host head %d, order %u", pfn, o,
				 PageHead(altmm_pfn_to_host_page(sys, pfn)),
				 compound_order(altmm_pfn_to_host_page(sys, pfn)));
	if (!altmm_check_claim(seen, z, pfn, o))
		altmm_check_note(e, "allocation %#lx order %u overlaps another place", pfn, o);
	if (!altmm_desc_test(d, ALTMM_PG_head)) {
		if (!altmm_check_interior_clean(sys, pfn, o))
			altmm_check_note(e, "allocation %#lx order %u has a placed frame inside",
					 pfn, o);
	} else {
		for (i = 1; i < BIT(o); i++)
			if ((d[i].flags & ALTMM_CHECK_PLACE_FLAGS) != BIT(ALTMM_PG_tail) ||
			    d[i].private != i ||
			    compound_head(altmm_pfn_to_host_page(sys, pfn + i)) !=
			    altmm_pfn_to_host_page(sys, pfn))
				altmm_check_note(e, "compound %#lx: tail %lu flags %#lx private %u",
						 pfn, i, d[i].flags & ALTMM_CHECK_PLACE_FLAGS,
						 d[i].private);
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
static inline void altmm_check_allocated(struct altmm_system *sys,
					 struct altmm_zone *z,
					 unsigned long *seen,
					 struct altmm_check_counts *c,
					 struct altmm_check_err *e)
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
			pfn += BIT(altmm_check_allocation(sys, z, seen, pfn, c, e));
			continue;
		}
		placed = test_bit(pfn - z->zone_start_pfn, seen);
		rsv = altmm_desc_test(d, ALTMM_PG_reserved);
		if (rsv == placed)
			altmm_check_note(e, "pfn %#lx: reserved %d, placed %d", pfn, rsv, placed);
		ref = page_ref_count(altmm_pfn_to_host_page(sys, pfn));
		if (ref != !(pfn & ALTMM_SECTION_MASK))
			altmm_check_note(e, "free pfn %#lx: host refcount %d", pfn, ref);
		if (PageCompound(altmm_pfn_to_host_page(sys, pfn)))
			altmm_check_note(e, "free pfn %#lx: still compound to the host", pfn);
		pfn++;
	}
}

/**
 * altmm_check_zone() - assert the page allocator's invariants on one zone
 * @test: the running test
 * @sys: a quiet instance (no allocation, free or reclaim running)
 * @z: one of its zones
 *
 * Every managed frame is in exactly one place: the head or inside of a
 * free block on the free list of its order, on a CPU's per-CPU list, or
 * allocated; every block is naturally aligned; no free block has a free
 * buddy it should have merged with; nr_free, NR_FREE_PAGES and each pcp
 * count equal what the walk finds; managed = free + per-CPU + allocated;
 * the high-atomic reserve is a whole number of HighAtomic pageblocks.  A
 * free block's list need not be its pageblock's type (fallback moves
 * blocks without retyping the pageblock).
 */
static inline void altmm_check_zone(struct kunit *test, struct altmm_system *sys,
				    struct altmm_zone *z)
{
	struct altmm_check_counts c = { 0 };
	struct altmm_check_err *e;
	unsigned long *seen, managed = altmm_zone_managed(z);
	const char *name = altmm_zone_names[z->type];
	int nid = altmm_zone_nid(z);
	unsigned int o;

	if (!managed) {
		for (o = 0; o < ALTMM_MAX_ORDER; o++)
			KUNIT_EXPECT_EQ_MSG(test, z->free_area[o].nr_free, 0UL,
					    "node %d zone %s", nid, name);
		KUNIT_EXPECT_EQ_MSG(test, altmm_zone_free(z), 0UL, "node %d zone %s",
				    nid, name);
		return;
	}
	KUNIT_ASSERT_TRUE_MSG(test, !!z->pcp, "node %d zone %s has no per-CPU lists", nid, name);

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	seen = bitmap_zalloc(z->spanned_pages, GFP_KERNEL);
	if (!e || !seen) {
		kfree(e);
		bitmap_free(seen);
		KUNIT_FAIL(test, "no memory to check node %d zone %s", nid, name);
		return;
	}

	altmm_check_free_lists(sys, z, seen, &c, e);
	altmm_check_pcp_lists(sys, z, seen, &c, e);
	altmm_check_allocated(sys, z, seen, &c, e);

	KUNIT_EXPECT_EQ_MSG(test, e->n, 0UL, "node %d zone %s: %lu problems, the first: %s",
			    nid, name, e->n, e->msg);
	KUNIT_EXPECT_EQ_MSG(test, c.free + c.isolated + c.pcp + c.alloc, managed,
			    "node %d zone %s: %lu free + %lu isolated + %lu per-CPU + %lu allocated",
			    nid, name, c.free, c.isolated, c.pcp, c.alloc);
	KUNIT_EXPECT_EQ_MSG(test, c.vm_free, c.free, "node %d zone %s: NR_FREE_PAGES",
			    nid, name);
	KUNIT_EXPECT_EQ_MSG(test, c.reserved_highatomic,
			    c.highatomic_blocks * ALTMM_PAGEBLOCK_NR_PAGES,
			    "node %d zone %s: nr_reserved_highatomic", nid, name);
	kfree(e);
	bitmap_free(seen);
}

/**
 * altmm_test_quiesce() - wait until no reclaim thread of an instance runs
 * @test: the running test
 * @sys: the instance
 *
 * kswapd drains per-CPU lists while it balances a node; a walk of the
 * lists must not race with it.  Its work is done when it is in its long
 * sleep (past the nap after a run) and nobody has woken it since.
 */
static inline void altmm_test_quiesce(struct kunit *test, struct altmm_system *sys)
{
	unsigned long deadline = jiffies + 5 * HZ;
	struct altmm_node *node;
	int nid;

	for_each_altmm_node(sys, node, nid) {
		while (node->kswapd && (!READ_ONCE(node->kswapd_asleep) ||
					task_is_running(node->kswapd))) {
			if (time_after(jiffies, deadline)) {
				KUNIT_FAIL(test, "altmm_kswapd%d still busy after 5 s", nid);
				return;
			}
			msleep(20);
		}
	}
}

/* === The slab layer's invariants (altmm_slab_test, altmm_kmalloc_test) === */

/* An object's index in its slab, or -1 when @obj is not at an object's start. */
static inline long altmm_check_obj_index(const struct altmm_kmem_cache *cache,
					 const struct altmm_slab *slab,
					 const void *obj)
{
	long off = obj - slab->s_mem - cache->obj_offset;

	if (off < 0 || off % cache->size || off / cache->size >= cache->num)
		return -1;
	return off / cache->size;
}

static inline int altmm_check_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The first index of the sorted @v[0..@n) whose value is >= @key. */
static inline unsigned long altmm_check_lower_bound(const unsigned long *v,
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
static inline bool altmm_check_poisoned(const struct altmm_kmem_cache *cache,
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
static inline void altmm_check_obj_debug(const struct altmm_kmem_cache *cache,
					 void *obj, bool free,
					 struct altmm_check_err *e)
{
	u64 want = free ? RED_INACTIVE : RED_ACTIVE;

	if (cache->flags & SLAB_RED_ZONE) {
		u64 r1 = *(u64 *)(obj - ALTMM_REDZONE_BYTES);
		u64 r2 = *(u64 *)(obj + ALIGN(cache->object_size, ALTMM_REDZONE_BYTES));

		if (r1 != want || r2 != want)
			altmm_check_note(e, "%s object %p: red zones %#llx %#llx, want %#llx",
					 free ? "free" : "allocated", obj, r1, r2, want);
	}
	if (free && (cache->flags & SLAB_POISON) && !altmm_check_poisoned(cache, obj))
		altmm_check_note(e, "free object %p: poison overwritten", obj);
}

/*
 * One slab, under its node's list_lock: where it is listed against its
 * fill level, its frames, its colour, its free-index array, and the CPU
 * array objects (sorted in @cpu_objs) that lie in it.  Adds to the
 * node's counts and to the objects handed out.
 */
static inline void altmm_check_one_slab(struct altmm_kmem_cache *cache, int nid,
					int list, struct altmm_slab *slab,
					unsigned long *free_map,
					const unsigned long *cpu_objs,
					unsigned long nr_cpu_objs,
					unsigned long *matched,
					unsigned long *handed_out,
					struct altmm_check_err *e)
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
		altmm_check_note(e, "slab %p on node %d's %s list: cache %p nid %d",
				 slab, nid, names[list], slab->cache, slab->nid);
	if (!altmm_virt_to_pfn(sys, base, &pfn) || offset_in_page(base) ||
	    !IS_ALIGNED(pfn, BIT(cache->order))) {
		altmm_check_note(e, "slab %p is not an aligned block of the arena", slab);
		return;
	}
	d = altmm_pfn_to_desc(sys, pfn);
	if (!altmm_desc_test(d, ALTMM_PG_slab) || !altmm_desc_test(d, ALTMM_PG_alloc) ||
	    altmm_alloc_order(d) != cache->order ||
	    (cache->order && !altmm_desc_test(d, ALTMM_PG_head)))
		altmm_check_note(e, "slab %p (pfn %#lx): flags %#lx, order %u, cache order %u",
				 slab, pfn, d->flags & (BIT(ALTMM_PG_MT_SHIFT) - 1),
				 altmm_alloc_order(d), cache->order);
	if (altmm_zone_nid(altmm_pfn_to_zone(sys, pfn)) != nid)
		altmm_check_note(e, "slab %p on node %d's lists has frames of node %d",
				 slab, nid, altmm_zone_nid(altmm_pfn_to_zone(sys, pfn)));

	if (slab->active > cache->num ||
	    (list == 0 && slab->active != cache->num) ||
	    (list == 1 && (!slab->active || slab->active == cache->num)) ||
	    (list == 2 && slab->active))
		altmm_check_note(e, "slab %p with %u of %u objects active is on the %s list",
				 slab, slab->active, cache->num, names[list]);

	colour_bytes = slab->s_mem - base;
	if (colour_bytes < 0 || colour_bytes % cache->colour_off ||
	    colour_bytes / cache->colour_off >= colours)
		altmm_check_note(e, "slab %p: objects %ld bytes into the block, colours %u of %u",
				 slab, colour_bytes, cache->colour, cache->colour_off);
	if (!IS_ALIGNED((unsigned long)slab->s_mem + cache->obj_offset, cache->align))
		altmm_check_note(e, "slab %p: first object %p not aligned to %u", slab,
				 slab->s_mem + cache->obj_offset, cache->align);
	if (slab->active > cache->num)
		return;

	bitmap_zero(free_map, cache->num);
	for (i = slab->active; i < cache->num; i++) {
		unsigned int idx = freelist[i];

		if (idx >= cache->num)
			altmm_check_note(e, "slab %p: free index %u of %u objects", slab,
					 idx, cache->num);
		else if (__test_and_set_bit(idx, free_map))
			altmm_check_note(e, "slab %p: object %u is free twice", slab, idx);
		else
			altmm_check_obj_debug(cache, slab->s_mem + idx * cache->size +
					      cache->obj_offset, true, e);
	}
	for (i = altmm_check_lower_bound(cpu_objs, nr_cpu_objs, start);
	     i < nr_cpu_objs && cpu_objs[i] < end; i++) {
		long idx = altmm_check_obj_index(cache, slab, (void *)cpu_objs[i]);

		if (idx < 0)
			continue;	/* reported when the arrays were read */
		if (test_bit(idx, free_map))
			altmm_check_note(e, "object %#lx is in a CPU array and free in its slab",
					 cpu_objs[i]);
		__set_bit(idx, free_map);
		altmm_check_obj_debug(cache, (void *)cpu_objs[i], true, e);
		in_arrays++;
		(*matched)++;
	}
	if (in_arrays > slab->active) {
		altmm_check_note(e, "slab %p: %lu objects in CPU arrays, %u active",
				 slab, in_arrays, slab->active);
		return;
	}
	*handed_out += slab->active - in_arrays;
	if (cache->flags & SLAB_RED_ZONE)
		for (i = 0; i < cache->num; i++)
			if (!test_bit(i, free_map))
				altmm_check_obj_debug(cache, slab->s_mem + i * cache->size +
						      cache->obj_offset, false, e);
}

/*
 * Every CPU's array, into @cpu_objs.  The running CPU's array is read
 * with interrupts off, as its owner changes it.  Another CPU's array is
 * read racily: only a quiet instance (nothing allocates or frees, as in
 * a suite's .exit) gives a true picture, which UML, uniprocessor, always
 * does.
 */
static inline unsigned long altmm_check_cpu_arrays(struct altmm_kmem_cache *cache,
						   unsigned long *cpu_objs,
						   unsigned long max,
						   struct altmm_check_err *e)
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
			altmm_check_note(e, "CPU %d: %u of %u objects, batch %u (cache: %u, %u)",
					 cpu, avail, ac->limit, ac->batchcount,
					 cache->limit, cache->batchcount);
			avail = min(avail, cache->limit);
		}
		for (i = 0; i < avail && n < max; i++) {
			void *obj = ac->entry[i];
			struct altmm_slab *slab = NULL;

			if (altmm_obj_to_cache(sys, obj, &slab) != cache) {
				altmm_check_note(e, "CPU %d array entry %u: %p is not the cache's",
						 cpu, i, obj);
				continue;
			}
			if (altmm_check_obj_index(cache, slab, obj) < 0)
				altmm_check_note(e, "CPU %d entry %u: %p is not an object start",
						 cpu, i, obj);
			/* Its CPU's node, or the nearest with memory (numa_mem_id()). */
			if (slab->nid != ac->nid ||
			    ac->nid != sys->slab->mem_node[sys->layout.cpu_node[cpu]])
				altmm_check_note(e, "CPU %d (array of node %d) holds %p of node %d",
						 cpu, ac->nid, obj, slab->nid);
			cpu_objs[n++] = (unsigned long)obj;
		}
		local_irq_restore(flags);
	}
	return n;
}

/**
 * altmm_check_cache() - assert a cache's invariants
 * @test: the running test
 * @cache: a cache of a quiet instance (see altmm_check_cpu_arrays())
 *
 * Every object is in exactly one place: a CPU's array, its slab's free
 * set (freelist[active..num)), or handed out; none is counted twice.  On
 * each node, total_slabs, free_slabs and free_objects match the lists;
 * each slab is on the list its fill level says, is an arena block of the
 * cache's order marked as a slab, on the node's frames; its objects start
 * a whole number of colours (fewer than max(colour, 1)) after its header,
 * aligned.  CPU arrays hold only their node's objects.  With debug flags,
 * red zones and poison are in the state the object's place says.  The
 * geometry fits the slab.
 *
 * Takes each node's list_lock in turn (irqsave), never two at once.
 *
 * Return: the objects handed out (neither free nor in a CPU array), to
 * compare with what the test holds.
 */
static inline unsigned long altmm_check_cache(struct kunit *test,
					      struct altmm_kmem_cache *cache)
{
	struct altmm_system *sys = cache->sys;
	unsigned long max_cpu_objs = (unsigned long)num_possible_cpus() * cache->limit;
	unsigned long slab_bytes = PAGE_SIZE << cache->order;
	unsigned long *cpu_objs, *free_map, nr_cpu_objs, matched = 0, handed_out = 0;
	unsigned long walk_limit = (sys->layout.end_pfn >> cache->order) + 1;
	struct altmm_check_err *e;
	unsigned long i;
	int nid;

	KUNIT_EXPECT_GE_MSG(test, cache->num, 1U, "cache %s", cache->name);
	KUNIT_EXPECT_LE_MSG(test, cache->num, ALTMM_SLAB_OBJ_MAX_NUM, "cache %s", cache->name);
	KUNIT_EXPECT_LE_MSG(test, cache->order, ALTMM_SLAB_MAX_ORDER, "cache %s", cache->name);
	if (cache->freelist_cache)
		KUNIT_EXPECT_GE_MSG(test, cache->freelist_cache->object_size,
				    (unsigned int)(sizeof(struct altmm_slab) +
						   cache->num * sizeof(u16)),
				    "cache %s: off-slab headers in %s", cache->name,
				    cache->freelist_cache->name);
	else
		KUNIT_EXPECT_GE_MSG(test, cache->mgmt_size,
				    (unsigned int)(sizeof(struct altmm_slab) +
						   cache->num * sizeof(u16)),
				    "cache %s", cache->name);
	KUNIT_EXPECT_LE_MSG(test, cache->mgmt_size + (max(cache->colour, 1U) - 1) *
			    cache->colour_off + (unsigned long)cache->num * cache->size,
			    slab_bytes, "cache %s: the last colour overflows", cache->name);
	KUNIT_EXPECT_GE_MSG(test, cache->size, cache->obj_offset + cache->object_size,
			    "cache %s", cache->name);
	KUNIT_EXPECT_TRUE_MSG(test, is_power_of_2(cache->align) &&
			      IS_ALIGNED(cache->size, cache->align) &&
			      IS_ALIGNED(cache->colour_off, cache->align) &&
			      IS_ALIGNED(cache->obj_offset, cache->align),
			      "cache %s: align %u, size %u, mgmt %u, colour_off %u, obj_offset %u",
			      cache->name, cache->align, cache->size, cache->mgmt_size,
			      cache->colour_off, cache->obj_offset);
	KUNIT_EXPECT_TRUE_MSG(test, cache->batchcount && cache->batchcount <= cache->limit,
			      "cache %s: batchcount %u, limit %u", cache->name,
			      cache->batchcount, cache->limit);
	if (!cache->num || cache->num > ALTMM_SLAB_OBJ_MAX_NUM)
		return 0;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	cpu_objs = kvmalloc_array(max(max_cpu_objs, 1UL), sizeof(*cpu_objs), GFP_KERNEL);
	free_map = bitmap_zalloc(cache->num, GFP_KERNEL);
	if (!e || !cpu_objs || !free_map) {
		KUNIT_FAIL(test, "no memory to check cache %s", cache->name);
		goto out;
	}

	nr_cpu_objs = altmm_check_cpu_arrays(cache, cpu_objs, max_cpu_objs, e);
	sort(cpu_objs, nr_cpu_objs, sizeof(*cpu_objs), altmm_check_cmp_ulong, NULL);
	for (i = 1; i < nr_cpu_objs; i++)
		if (cpu_objs[i] == cpu_objs[i - 1])
			altmm_check_note(e, "object %#lx is in CPU arrays twice", cpu_objs[i]);

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		struct altmm_kmem_cache_node *n = cache->node[nid];
		unsigned long slabs = 0, free_slabs = 0, free_objs = 0, flags;
		struct list_head *lists[3];
		struct altmm_slab *slab;
		int l;

		if (!n) {
			altmm_check_note(e, "node %d has no lists", nid);
			continue;
		}
		lists[0] = &n->slabs_full;
		lists[1] = &n->slabs_partial;
		lists[2] = &n->slabs_free;
		spin_lock_irqsave(&n->list_lock, flags);
		for (l = 0; l < ARRAY_SIZE(lists); l++) {
			list_for_each_entry(slab, lists[l], list) {
				if (++slabs > walk_limit) {
					altmm_check_note(e, "node %d: a list does not end", nid);
					break;
				}
				altmm_check_one_slab(cache, nid, l, slab, free_map, cpu_objs,
						     nr_cpu_objs, &matched, &handed_out, e);
				if (slab->active <= cache->num)
					free_objs += cache->num - slab->active;
				free_slabs += l == 2;
			}
		}
		if (slabs != n->total_slabs || free_slabs != n->free_slabs ||
		    free_objs != n->free_objects)
			/* total_slabs, free_slabs, free_objects: kept, then found */
			altmm_check_note(e, "node %d: counts %lu %lu %lu, lists %lu %lu %lu",
					 nid, n->total_slabs, n->free_slabs, n->free_objects,
					 slabs, free_slabs, free_objs);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	if (matched != nr_cpu_objs)
		altmm_check_note(e, "%lu of %lu CPU array objects are in no listed slab",
				 nr_cpu_objs - matched, nr_cpu_objs);

	KUNIT_EXPECT_EQ_MSG(test, e->n, 0UL, "cache %s: %lu problems, the first: %s",
			    cache->name, e->n, e->msg);
out:
	kfree(e);
	kvfree(cpu_objs);
	bitmap_free(free_map);
	return handed_out;
}

/* Slabs on a cache's lists, over its nodes (after altmm_check_cache()). */
static inline unsigned long altmm_test_cache_slabs(struct altmm_kmem_cache *cache)
{
	unsigned long n = 0;
	int nid;

	for (nid = 0; nid < cache->sys->layout.nr_nodes; nid++)
		n += READ_ONCE(cache->node[nid]->total_slabs);
	return n;
}

/**
 * altmm_check_slab_layer() - assert the invariants of every cache of an instance
 * @test: the running test
 * @sys: a quiet instance
 *
 * altmm_check_cache() on every cache, under the slab mutex; every kmalloc
 * class is present with its size; and, once RCU-deferred slab frees have
 * run, the arena holds exactly as many frames marked as slab heads as the
 * caches list slabs: no slab is lost or freed without its mark cleared.
 */
static inline void altmm_check_slab_layer(struct kunit *test, struct altmm_system *sys)
{
	struct altmm_kmem_cache *cache;
	unsigned long listed = 0, marked = 0, nr, i;
	int type, index;

	if (!sys->slab) {
		KUNIT_FAIL(test, "instance without a slab layer");
		return;
	}
	rcu_barrier();		/* SLAB_TYPESAFE_BY_RCU slabs on their way out */

	mutex_lock(&sys->slab->mutex);
	list_for_each_entry(cache, &sys->slab->caches, list) {
		altmm_check_cache(test, cache);
		listed += altmm_test_cache_slabs(cache);
	}
	for (type = 0; type < ALTMM_NR_KMALLOC_TYPES; type++) {
		for (index = 1; index < ALTMM_NR_KMALLOC_CLASSES; index++) {
			cache = sys->slab->kmalloc[type][index];
			KUNIT_EXPECT_NOT_NULL_MSG(test, cache, "kmalloc type %d class %d",
						  type, index);
			if (cache)
				KUNIT_EXPECT_EQ_MSG(test, cache->object_size,
						    altmm_kmalloc_size(index), "%s", cache->name);
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
	KUNIT_EXPECT_EQ_MSG(test, marked, listed,
			    "frames marked as slabs vs slabs the caches list");
}

/* === Kernel log capture for the slab suites === */

/*
 * The slab layer's reports go to the kernel log.  As kfence_test does, a
 * probe on the "console" tracepoint keeps the last lines that start with
 * "altmm" (every instance's lines do), for a test to look for its report.
 */
#define ALTMM_TEST_LOG_LINES	16

/**
 * struct altmm_test_log - the last lines of altmm's log
 * @lock: protects the rest
 * @registered: the probe is on the tracepoint
 * @next: lines seen since the last clear
 * @line: a ring of the last ALTMM_TEST_LOG_LINES of them
 */
struct altmm_test_log {
	spinlock_t lock;	/* the rest; any context printk runs in */
	bool registered;
	unsigned int next;
	char line[ALTMM_TEST_LOG_LINES][256];
};

static inline struct altmm_test_log *altmm_test_log(void)
{
	static struct altmm_test_log log = {
		.lock = __SPIN_LOCK_UNLOCKED(log.lock),
	};

	return &log;
}

static inline void altmm_test_log_probe(void *ignore, const char *buf, size_t len)
{
	struct altmm_test_log *log = altmm_test_log();
	unsigned long flags;

	if (len < 5 || strncmp(buf, "altmm", 5))
		return;
	spin_lock_irqsave(&log->lock, flags);
	/* @buf is not NUL-terminated: copy @len bytes and let strscpy() end it. */
	strscpy(log->line[log->next++ % ALTMM_TEST_LOG_LINES], buf,
		min(len + 1, sizeof(log->line[0])));
	spin_unlock_irqrestore(&log->lock, flags);
}

static inline void altmm_test_log_register(struct tracepoint *tp, void *ignore)
{
	check_trace_callback_type_console(altmm_test_log_probe);
	if (!strcmp(tp->name, "console") &&
	    !tracepoint_probe_register(tp, altmm_test_log_probe, NULL))
		altmm_test_log()->registered = true;
}

static inline void altmm_test_log_unregister(struct tracepoint *tp, void *ignore)
{
	if (!strcmp(tp->name, "console"))
		tracepoint_probe_unregister(tp, altmm_test_log_probe, NULL);
}

/* Suite .suite_init: start capturing. */
static inline int altmm_test_log_start(struct kunit_suite *suite)
{
	for_each_kernel_tracepoint(altmm_test_log_register, NULL);
	return 0;
}

/* Suite .suite_exit: stop, and wait until no probe runs. */
static inline void altmm_test_log_stop(struct kunit_suite *suite)
{
	if (!altmm_test_log()->registered)
		return;
	for_each_kernel_tracepoint(altmm_test_log_unregister, NULL);
	tracepoint_synchronize_unregister();
	altmm_test_log()->registered = false;
}

/* Forget what was captured; skips the test when nothing can be. */
static inline void altmm_test_log_clear(struct kunit *test)
{
	struct altmm_test_log *log = altmm_test_log();
	unsigned long flags;

	if (!log->registered)
		kunit_skip(test, "no console tracepoint to read reports from");
	spin_lock_irqsave(&log->lock, flags);
	log->next = 0;
	spin_unlock_irqrestore(&log->lock, flags);
}

/* Lines captured since the last clear that contain @needle. */
static inline unsigned int altmm_test_log_count(const char *needle)
{
	struct altmm_test_log *log = altmm_test_log();
	unsigned int i, first, found = 0;
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	first = log->next > ALTMM_TEST_LOG_LINES ? log->next - ALTMM_TEST_LOG_LINES : 0;
	for (i = first; i < log->next; i++)
		found += !!strstr(log->line[i % ALTMM_TEST_LOG_LINES], needle);
	spin_unlock_irqrestore(&log->lock, flags);
	return found;
}

/* Lines captured since the last clear. */
static inline unsigned int altmm_test_log_lines(void)
{
	return READ_ONCE(altmm_test_log()->next);
}

/**
 * altmm_check_system() - assert every invariant of a built instance
 * @test: the running test
 * @sys: the instance
 *
 * Sections: present exactly where the layout has no hole, each chunk
 * findable from its host pfn, each section in the zone that spans it.
 * Frames: every descriptor names its section; a frame is reserved exactly
 * when memblock reserved it or it is device memory; unreserved + reserved
 * = present and unreserved = managed, zone by zone.  Zones: managed <=
 * present <= spanned, no two zones of a node overlap, and the page
 * allocator's invariants hold (altmm_check_zone()).  Memory: the zones'
 * present frames add up to the arena less holes and device.  Slabs: every
 * cache's invariants hold (altmm_check_slab_layer()).
 *
 * The instance must be quiet: the test has stopped allocating and
 * freeing; this waits for its reclaim threads to go back to sleep.
 */
static inline void altmm_check_system(struct kunit *test,
				      struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;
	unsigned long (*free)[ALTMM_NR_ZONES], (*rsv)[ALTMM_NR_ZONES];
	unsigned long nr, present_total = 0, chunks = 0;
	struct altmm_node *node;
	int nid, zt, zt2;

	altmm_test_quiesce(test, sys);

	/* Frames counted per node and zone: too big for a UML stack. */
	free = kunit_kcalloc(test, ALTMM_MAX_NUMNODES, sizeof(*free), GFP_KERNEL);
	rsv = kunit_kcalloc(test, ALTMM_MAX_NUMNODES, sizeof(*rsv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, free);
	KUNIT_ASSERT_NOT_NULL(test, rsv);

	altmm_check_memblock(test, &sys->memblock);
	KUNIT_EXPECT_TRUE(test, sys->memblock.handed_over);

	for (nr = 0; nr < l->nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];
		unsigned long pfn = nr << ALTMM_PFN_SECTION_SHIFT, i;
		bool absent = altmm_layout_pfn_absent(l, pfn);
		struct altmm_zone *zone;
		unsigned long host_back = ULONG_MAX;

		KUNIT_EXPECT_EQ(test, !(sec->flags & ALTMM_SECTION_PRESENT), absent);
		if (absent)
			continue;
		chunks++;
		KUNIT_ASSERT_NOT_NULL(test, sec->mem_map);
		KUNIT_ASSERT_NOT_NULL(test, sec->usemap);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(sec->host_pfn, ALTMM_PAGES_PER_SECTION));
		KUNIT_EXPECT_TRUE(test, altmm_host_page_to_pfn(sys, pfn_to_page(sec->host_pfn),
							       &host_back) && host_back == pfn);
		KUNIT_EXPECT_EQ(test, !!(sec->flags & ALTMM_SECTION_DEVICE),
				pfn >= l->device.start);
		KUNIT_EXPECT_EQ(test, !!(sec->flags & ALTMM_SECTION_ONLINE),
				pfn < l->device.start);
		zone = &sys->nodes[sec->nid]->zones[sec->zone];
		KUNIT_EXPECT_TRUE(test, altmm_test_in_zone(zone, pfn));
		KUNIT_EXPECT_TRUE(test, altmm_test_in_zone(zone, pfn + ALTMM_SECTION_MASK));

		for (i = 0; i < ALTMM_PAGES_PER_SECTION; i++, pfn++) {
			const struct altmm_page *d = &sec->mem_map[i];
			bool want_rsv = altmm_test_frame_reserved(&sys->memblock, pfn) ||
					(sec->flags & ALTMM_SECTION_DEVICE);

			KUNIT_EXPECT_EQ(test, altmm_desc_section_nr(d), nr);
			if (altmm_desc_test(d, ALTMM_PG_reserved) != want_rsv) {
				KUNIT_FAIL(test, "pfn %#lx: reserved flag %d, memblock says %d",
					   pfn, altmm_desc_test(d, ALTMM_PG_reserved),
					   want_rsv);
				return;
			}
			KUNIT_EXPECT_EQ(test, altmm_desc_test(d, ALTMM_PG_device),
					!!(sec->flags & ALTMM_SECTION_DEVICE));
			if (sec->flags & ALTMM_SECTION_DEVICE)
				continue;
			if (want_rsv)
				rsv[sec->nid][sec->zone]++;
			else
				free[sec->nid][sec->zone]++;
		}
	}
	KUNIT_EXPECT_EQ(test, chunks, sys->nr_chunks);

	for_each_altmm_node(sys, node, nid) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			struct altmm_zone *z = &node->zones[zt];
			unsigned long managed = atomic_long_read(&z->managed_pages);

			KUNIT_EXPECT_LE(test, managed, z->present_pages);
			KUNIT_EXPECT_LE(test, z->present_pages, z->spanned_pages);
			KUNIT_EXPECT_EQ_MSG(test, managed, free[nid][zt],
					    "node %d zone %s", nid, altmm_zone_names[zt]);
			if (zt != ALTMM_ZONE_DEVICE)
				altmm_check_zone(test, sys, z);
			if (zt != ALTMM_ZONE_DEVICE)
				KUNIT_EXPECT_EQ_MSG(test, free[nid][zt] + rsv[nid][zt],
						    z->present_pages, "node %d zone %s",
						    nid, altmm_zone_names[zt]);
			present_total += z->present_pages;

			for (zt2 = zt + 1; zt2 < ALTMM_NR_ZONES; zt2++) {
				struct altmm_zone *o = &node->zones[zt2];

				bool overlap;

				if (!z->spanned_pages || !o->spanned_pages)
					continue;
				overlap = altmm_test_in_zone(z, o->zone_start_pfn) ||
					  altmm_test_in_zone(o, z->zone_start_pfn);
				KUNIT_EXPECT_FALSE_MSG(test, overlap,
						       "node %d: %s and %s overlap", nid,
						       altmm_zone_names[zt],
						       altmm_zone_names[zt2]);
			}
		}
	}
	KUNIT_EXPECT_EQ(test, present_total,
			l->end_pfn - altmm_test_hole_pages(l) -
			altmm_test_device_pages(l));
	altmm_check_slab_layer(test, sys);
}

/* === Helpers for the page allocator's suites === */

static inline struct altmm_zone *altmm_test_zone(struct altmm_system *sys,
						 int nid, int zt)
{
	return &sys->nodes[nid]->zones[zt];
}

/* The pfn of a page the instance handed out; the test stops if it is not ours. */
static inline unsigned long altmm_test_pfn(struct kunit *test,
					   struct altmm_system *sys,
					   struct page *page)
{
	unsigned long pfn = ULONG_MAX;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_TRUE(test, altmm_host_page_to_pfn(sys, page, &pfn));
	return pfn;
}

static inline struct altmm_page *altmm_test_desc(struct kunit *test,
						 struct altmm_system *sys,
						 struct page *page)
{
	return altmm_pfn_to_desc(sys, altmm_test_pfn(test, sys, page));
}

/**
 * struct altmm_test_hold - allocations a test keeps, to free later
 * @page: first pages
 * @order: their orders
 * @nr: entries used
 * @max: entries available
 */
struct altmm_test_hold {
	struct page **page;
	u8 *order;
	unsigned long nr;
	unsigned long max;
};

static inline struct altmm_test_hold *altmm_test_hold_new(struct kunit *test,
							  unsigned long max)
{
	struct altmm_test_hold *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	h->page = kunit_kmalloc_array(test, max, sizeof(*h->page), GFP_KERNEL);
	h->order = kunit_kmalloc_array(test, max, sizeof(*h->order), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h->page);
	KUNIT_ASSERT_NOT_NULL(test, h->order);
	h->max = max;
	return h;
}

/*
 * Allocate blocks of @order with @gfp until the instance says no or
 * @h is full; returns how many were allocated.
 */
static inline unsigned long altmm_test_fill(struct altmm_system *sys,
					    struct altmm_test_hold *h, gfp_t gfp,
					    unsigned int order, int nid)
{
	unsigned long n = 0;

	while (h->nr < h->max) {
		struct page *page = altmm_sys_alloc_pages(sys, gfp, order, nid);

		if (!page)
			break;
		h->page[h->nr] = page;
		h->order[h->nr++] = order;
		n++;
	}
	return n;
}

/* Free everything @h holds, last first. */
static inline void altmm_test_release(struct kunit *test,
				      struct altmm_system *sys,
				      struct altmm_test_hold *h)
{
	while (h->nr) {
		h->nr--;
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, h->page[h->nr],
							   h->order[h->nr], false), 0);
	}
}

/*
 * GFP_NOWAIT without waking kswapd: no reclaim at all, so a test that
 * drives a zone down sees only its own allocations move the counts.
 */
#define ALTMM_TEST_GFP_QUIET	(__GFP_NOWARN)

/* Suite .init: room to record the instances a test builds. */
static inline int altmm_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct altmm_test_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* Suite .exit: the shared invariant checker, then teardown. */
static inline void altmm_test_exit(struct kunit *test)
{
	struct altmm_test_ctx *ctx = test->priv;

	while (ctx && ctx->nr) {
		struct altmm_system *sys = ctx->sys[--ctx->nr];

		altmm_check_system(test, sys);
		altmm_system_destroy(sys);
	}
}

/* === Small helpers the suites share === */

/* The frame descriptor holding @addr, one of @sys's frames. */
static inline struct altmm_page *altmm_test_desc_of(struct kunit *test,
						    struct altmm_system *sys,
						    const void *addr)
{
	unsigned long pfn;

	KUNIT_ASSERT_TRUE(test, altmm_virt_to_pfn(sys, addr, &pfn));
	return altmm_pfn_to_desc(sys, pfn);
}

/* Frames the page allocator can hand out: on free lists or per-CPU lists. */
static inline unsigned long altmm_test_free_frames(struct altmm_system *sys)
{
	struct altmm_zone *zone;
	unsigned long n = 0;
	int nid, zt, cpu;

	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		n += altmm_zone_free(zone);
		for_each_possible_cpu(cpu)
			n += READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->count);
	}
	return n;
}

/* The first byte of @p[0..@len) that is not @c, or -1. */
static inline long altmm_test_first_not(const void *p, u8 c, size_t len)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != c)
			return i;
	return -1;
}

#endif /* _ALTMM_TEST_H */
