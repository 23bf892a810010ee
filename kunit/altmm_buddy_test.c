// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the buddy allocator (buddy.c): splitting and
 * merging are exact, fallback between migrate types claims pageblocks as
 * 6.1's steal_suitable_fallback() does, the high-atomic reserve grows to
 * its cap and is given back under pressure, and a long seeded random
 * sequence of allocations and frees over every zone, migrate type and
 * node leaves every invariant of altmm_check_system() intact.
 *
 * Scenarios are driven through the instance's public entry points
 * (altmm_sys_alloc_pages() and friends); expectations are derived below
 * from the 6.1 rules, never from a previous run.  Unless a test says
 * otherwise it runs on "one_zone": 16 MiB on one node, no DMA, DMA32 or
 * HighMem, so all of it is ZONE_NORMAL, batch 1 (see altmm_pcp_test.c).
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>

#include "altmm_test.h"

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of buddy_random_sequence (0: a random one, printed)");

static const struct altmm_params one_zone = { .arena_mb = 16, .nr_nodes = 1 };

/* === Helpers === */

static struct altmm_zone *one_zone_normal(struct kunit *test,
					  struct altmm_system *sys)
{
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
		if (zt != ALTMM_ZONE_NORMAL)
			KUNIT_ASSERT_EQ(test, altmm_zone_managed(altmm_test_zone(sys, 0, zt)), 0UL);
	KUNIT_ASSERT_GT(test, altmm_zone_managed(z), 0UL);
	return z;
}

/* Every free block of a zone, recorded at its head as order + 1; 0 elsewhere. */
static u8 *free_map(struct kunit *test, struct altmm_system *sys,
		    struct altmm_zone *z)
{
	u8 *map = kunit_kzalloc(test, z->spanned_pages, GFP_KERNEL);
	struct altmm_page *d;
	unsigned long flags;
	unsigned int o;
	int mt;

	KUNIT_ASSERT_NOT_NULL(test, map);
	spin_lock_irqsave(&z->lock, flags);
	for (o = 0; o < ALTMM_MAX_ORDER; o++)
		for (mt = 0; mt < ALTMM_MIGRATE_TYPES; mt++)
			list_for_each_entry(d, &z->free_area[o].free_list[mt], lru)
				map[altmm_desc_to_pfn(sys, d) - z->zone_start_pfn] = o + 1;
	spin_unlock_irqrestore(&z->lock, flags);
	return map;
}

static void expect_same_free_map(struct kunit *test, const u8 *before,
				 const u8 *after, struct altmm_zone *z)
{
	unsigned long i, diff = 0, first = 0;

	for (i = 0; i < z->spanned_pages; i++) {
		if (before[i] == after[i])
			continue;
		if (!diff++)
			first = i;
	}
	KUNIT_EXPECT_EQ_MSG(test, diff, 0UL,
			    "first difference at pfn %#lx: before %#x, after %#x",
			    z->zone_start_pfn + first, before[first], after[first]);
}

static void count_pageblocks(struct altmm_system *sys, struct altmm_zone *z,
			     unsigned long count[ALTMM_MIGRATE_TYPES])
{
	unsigned long pfn;

	memset(count, 0, sizeof(count[0]) * ALTMM_MIGRATE_TYPES);
	for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages;
	     pfn += ALTMM_PAGEBLOCK_NR_PAGES)
		if (altmm_pfn_to_zone(sys, pfn) == z)
			count[altmm_get_pageblock_migratetype(sys, pfn)]++;
}

static unsigned long event(struct altmm_system *sys, enum altmm_vm_event_item item)
{
	return altmm_vm_event_sum(sys, item);
}

/* === Split and merge === */

static const unsigned int all_orders[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const unsigned int buddy_orders[] = { 4, 5, 6, 7, 8, 9, 10 };

static void order_desc(const unsigned int *order, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "order_%u", *order);
}

KUNIT_ARRAY_PARAM(all_orders, all_orders, order_desc);
KUNIT_ARRAY_PARAM(buddy_orders, buddy_orders, order_desc);

/*
 * Take every block of one order the zone will give (down to its min
 * watermark), free them all and drain: the free lists must hold exactly
 * the blocks they held before, at the same pfns and orders.  (Not always
 * on the same lists: the slab layer's own pages, taken when the instance
 * was built, made some pageblocks unmovable, and the movable fill claims
 * them back when it runs out of movable blocks.)
 */
static void buddy_split_merge_exact(struct kunit *test)
{
	unsigned int order = *(const unsigned int *)test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = one_zone_normal(test, sys);
	unsigned long nr_free[ALTMM_MAX_ORDER], managed = altmm_zone_managed(z);
	struct altmm_test_hold *h;
	unsigned long n, i, free;
	unsigned int o;
	u8 *before;

	altmm_drain_all_pages(sys, NULL);
	before = free_map(test, sys, z);
	free = altmm_zone_free(z);
	for (o = 0; o < ALTMM_MAX_ORDER; o++)
		nr_free[o] = z->free_area[o].nr_free;

	h = altmm_test_hold_new(test, (managed >> order) + 1);
	n = altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET | __GFP_MOVABLE | __GFP_THISNODE,
			    order, 0);
	KUNIT_EXPECT_GT(test, n, 0UL);
	KUNIT_EXPECT_LT(test, n, h->max);
	for (i = 0; i < h->nr; i++) {
		unsigned long pfn = altmm_test_pfn(test, sys, h->page[i]);

		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(pfn, BIT(order)));
		KUNIT_EXPECT_PTR_EQ(test, altmm_pfn_to_zone(sys, pfn), z);
	}
	/* It stopped because the zone may not serve another at its min mark. */
	KUNIT_EXPECT_FALSE(test, altmm_zone_watermark_ok(z, order,
							 altmm_wmark(z, ALTMM_WMARK_MIN),
							 ALTMM_ZONE_NORMAL,
							 ALTMM_ALLOC_NON_BLOCK,
							 altmm_zone_free(z)));
	/* Every frame accounted for while the zone is (nearly) all out. */
	altmm_check_system(test, sys);

	altmm_test_release(test, sys, h);
	altmm_drain_all_pages(sys, NULL);
	expect_same_free_map(test, before, free_map(test, sys, z), z);
	for (o = 0; o < ALTMM_MAX_ORDER; o++)
		KUNIT_EXPECT_EQ_MSG(test, z->free_area[o].nr_free, nr_free[o], "order %u", o);
	KUNIT_EXPECT_EQ(test, altmm_zone_free(z), free);
}

/*
 * An allocation of order k takes the smallest free block of order c >= k
 * on its list and keeps its first 2^k frames; the upper halves, of
 * orders c-1 down to k, go back at pfn + 2^j (expand()).  Freeing it
 * merges them all back.  Orders above 3 go straight to the buddy lists.
 */
static void buddy_expand_returns_upper_halves(struct kunit *test)
{
	unsigned int order = *(const unsigned int *)test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = one_zone_normal(test, sys);
	unsigned long nr_free[ALTMM_MAX_ORDER], head = 0, flags, pfn;
	struct list_head *list;
	unsigned int o, cur;
	struct page *page;

	spin_lock_irqsave(&z->lock, flags);
	for (cur = order; cur < ALTMM_MAX_ORDER; cur++) {
		list = &z->free_area[cur].free_list[ALTMM_MIGRATE_MOVABLE];
		if (!list_empty(list))
			break;
	}
	if (cur < ALTMM_MAX_ORDER)
		head = altmm_desc_to_pfn(sys, list_first_entry(list, struct altmm_page, lru));
	for (o = 0; o < ALTMM_MAX_ORDER; o++)
		nr_free[o] = z->free_area[o].nr_free;
	spin_unlock_irqrestore(&z->lock, flags);
	KUNIT_ASSERT_LT(test, cur, ALTMM_MAX_ORDER);

	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_MOVABLE | __GFP_THISNODE,
				     order, 0);
	pfn = altmm_test_pfn(test, sys, page);
	KUNIT_EXPECT_EQ(test, pfn, head);
	for (o = 0; o < ALTMM_MAX_ORDER; o++) {
		unsigned long want = nr_free[o] + (o >= order && o < cur) - (o == cur);

		KUNIT_EXPECT_EQ_MSG(test, z->free_area[o].nr_free, want, "order %u", o);
	}
	for (o = order; o < cur; o++) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, head + BIT(o));

		KUNIT_EXPECT_TRUE_MSG(test, altmm_desc_test(d, ALTMM_PG_buddy), "order %u", o);
		KUNIT_EXPECT_EQ_MSG(test, d->private, o, "order %u", o);
	}

	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, order, false), 0);
	for (o = 0; o < ALTMM_MAX_ORDER; o++)
		KUNIT_EXPECT_EQ_MSG(test, z->free_area[o].nr_free, nr_free[o], "order %u", o);
}

/* === Fallback between migrate types === */

/*
 * Allocate away every free block on @mt's lists (asking with @gfp, whose
 * migrate type is @mt, for each block's order, so no request falls back),
 * then drain: afterwards no block of @mt is free or cached.
 */
static void take_all_of_type(struct kunit *test, struct altmm_system *sys,
			     struct altmm_zone *z, struct altmm_test_hold *h,
			     int mt, gfp_t gfp)
{
	for (;;) {
		unsigned long flags;
		unsigned int o;

		altmm_drain_all_pages(sys, NULL);
		spin_lock_irqsave(&z->lock, flags);
		for (o = 0; o < ALTMM_MAX_ORDER; o++)
			if (!list_empty(&z->free_area[o].free_list[mt]))
				break;
		spin_unlock_irqrestore(&z->lock, flags);
		if (o == ALTMM_MAX_ORDER)
			return;
		KUNIT_ASSERT_LT(test, h->nr, h->max);
		h->page[h->nr] = altmm_sys_alloc_pages(sys, gfp, o, 0);
		KUNIT_ASSERT_NOT_NULL(test, h->page[h->nr]);
		h->order[h->nr++] = o;
	}
}

/*
 * Every pageblock starts movable; the slab layer's first pages, taken
 * when the instance was built, claimed some as unmovable, so first take
 * every unmovable and reclaimable block away.  The next unmovable request
 * finds none, and 6.1 falls back to the largest movable block: with
 * ALLOC_NOFRAGMENT (a Normal zone of a one-node system) only blocks of
 * pageblock order or more are considered, and a block of order 10 or 9 is
 * claimed whole: its pageblocks become unmovable (two for order 10), one
 * fallback (EXTFRAG) and two STEAL_BLOCKs are counted.  The block is the
 * first on the order-10 movable list, and the page its first frame.
 */
static void buddy_fallback_claims_max_order_block(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = one_zone_normal(test, sys);
	unsigned long before[ALTMM_MIGRATE_TYPES], after[ALTMM_MIGRATE_TYPES];
	unsigned long blk = 0, flags, steal, extfrag, pfn, pfn2;
	struct altmm_free_area *top = &z->free_area[ALTMM_MAX_ORDER - 1];
	struct list_head *list = &top->free_list[ALTMM_MIGRATE_MOVABLE];
	struct altmm_test_hold *h = altmm_test_hold_new(test, 64);
	struct page *page, *page2;
	int mt;

	take_all_of_type(test, sys, z, h, ALTMM_MIGRATE_UNMOVABLE,
			 GFP_KERNEL | __GFP_THISNODE);
	take_all_of_type(test, sys, z, h, ALTMM_MIGRATE_RECLAIMABLE,
			 GFP_KERNEL | __GFP_RECLAIMABLE | __GFP_THISNODE);
	count_pageblocks(sys, z, before);
	spin_lock_irqsave(&z->lock, flags);
	if (!list_empty(list))
		blk = altmm_desc_to_pfn(sys, list_first_entry(list, struct altmm_page, lru));
	spin_unlock_irqrestore(&z->lock, flags);
	KUNIT_ASSERT_NE(test, blk, 0UL);

	steal = event(sys, ALTMM_STEAL_BLOCK);
	extfrag = event(sys, ALTMM_EXTFRAG);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_THISNODE, 0, 0);
	pfn = altmm_test_pfn(test, sys, page);

	KUNIT_EXPECT_EQ(test, pfn, blk);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_STEAL_BLOCK), steal + 2);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_EXTFRAG), extfrag + 1);
	KUNIT_EXPECT_EQ(test, altmm_get_pageblock_migratetype(sys, blk), ALTMM_MIGRATE_UNMOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_get_pageblock_migratetype(sys, blk + ALTMM_PAGEBLOCK_NR_PAGES),
			ALTMM_MIGRATE_UNMOVABLE);
	count_pageblocks(sys, z, after);
	KUNIT_EXPECT_EQ(test, after[ALTMM_MIGRATE_UNMOVABLE], before[ALTMM_MIGRATE_UNMOVABLE] + 2);
	KUNIT_EXPECT_EQ(test, after[ALTMM_MIGRATE_MOVABLE], before[ALTMM_MIGRATE_MOVABLE] - 2);
	for (mt = ALTMM_MIGRATE_RECLAIMABLE; mt < ALTMM_MIGRATE_TYPES; mt++)
		KUNIT_EXPECT_EQ(test, after[mt], before[mt]);

	/* The next unmovable page comes from the claimed block: no new steal. */
	page2 = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_THISNODE, 0, 0);
	pfn2 = altmm_test_pfn(test, sys, page2);
	KUNIT_EXPECT_GE(test, pfn2, blk);
	KUNIT_EXPECT_LT(test, pfn2, blk + ALTMM_MAX_ORDER_NR_PAGES);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_STEAL_BLOCK), steal + 2);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_EXTFRAG), extfrag + 1);

	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page2, 0, false), 0);
	altmm_test_release(test, sys, h);
}

/* Index + 1 in @h of the order-0 allocation at each pfn of @z, 0 if none. */
static unsigned int *hold_index(struct kunit *test, struct altmm_system *sys,
				struct altmm_zone *z, struct altmm_test_hold *h)
{
	unsigned int *idx = kunit_kcalloc(test, z->spanned_pages, sizeof(*idx), GFP_KERNEL);
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, idx);
	for (i = 0; i < h->nr; i++) {
		unsigned long pfn = altmm_test_pfn(test, sys, h->page[i]);

		if (altmm_pfn_to_zone(sys, pfn) == z && !h->order[i])
			idx[pfn - z->zone_start_pfn] = i + 1;
	}
	return idx;
}

/* Free the held order-0 pages in [pfn, pfn + nr); false if one is not held. */
static bool free_held_range(struct kunit *test, struct altmm_system *sys,
			    struct altmm_zone *z, struct altmm_test_hold *h,
			    const unsigned int *idx, unsigned long pfn,
			    unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (!idx[pfn + i - z->zone_start_pfn] ||
		    !h->page[idx[pfn + i - z->zone_start_pfn] - 1])
			return false;
	for (i = 0; i < nr; i++) {
		struct page **slot = &h->page[idx[pfn + i - z->zone_start_pfn] - 1];

		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, *slot, 0, false), 0);
		*slot = NULL;
	}
	return true;
}

/*
 * Fill @z with movable pages held in *@hp and give back the first half of
 * one pageblock, the only free block of order 8 or more; returns its pfn.
 */
static unsigned long half_free_pageblock(struct kunit *test, struct altmm_system *sys,
					 struct altmm_zone *z, struct altmm_test_hold **hp)
{
	unsigned long p, flags, big = ULONG_MAX;
	struct altmm_free_area *area;
	struct altmm_test_hold *h;
	struct list_head *list;
	unsigned int *idx;
	bool found = false;

	h = altmm_test_hold_new(test, altmm_zone_managed(z) + 1);
	*hp = h;
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET | __GFP_MOVABLE | __GFP_THISNODE, 0, 0);
	altmm_drain_all_pages(sys, NULL);
	idx = hold_index(test, sys, z, h);

	for (p = round_up(z->zone_start_pfn, ALTMM_PAGEBLOCK_NR_PAGES);
	     p < z->zone_start_pfn + z->spanned_pages && !found;
	     p += ALTMM_PAGEBLOCK_NR_PAGES)
		found = free_held_range(test, sys, z, h, idx, p, ALTMM_PAGEBLOCK_NR_PAGES / 2);
	KUNIT_ASSERT_TRUE_MSG(test, found, "no pageblock whose first half is all allocated");
	p -= ALTMM_PAGEBLOCK_NR_PAGES;
	altmm_drain_all_pages(sys, NULL);

	spin_lock_irqsave(&z->lock, flags);
	area = &z->free_area[ALTMM_PAGEBLOCK_ORDER - 1];
	list = &area->free_list[ALTMM_MIGRATE_MOVABLE];
	if (area->nr_free == 1 && !z->free_area[ALTMM_PAGEBLOCK_ORDER].nr_free &&
	    !z->free_area[ALTMM_MAX_ORDER - 1].nr_free && !list_empty(list))
		big = altmm_desc_to_pfn(sys, list_first_entry(list, struct altmm_page, lru));
	spin_unlock_irqrestore(&z->lock, flags);
	KUNIT_ASSERT_EQ_MSG(test, big, p, "P must be the only free block of order >= 8");
	return p;
}

/*
 * A smaller fallback block claims its pageblock only when enough of it is
 * free or alike.  Fill the zone with movable pages, then give back the
 * first half of one pageblock P (an order-8 block, the largest free block
 * left: the fill leaves fewer than 256 frames elsewhere).  An unmovable
 * request finds no block of pageblock order, retries without
 * ALLOC_NOFRAGMENT and falls back to P's block; move_freepages_block()
 * finds free_pages = 256, and since P is movable the 512 - 256 allocated
 * frames count as alike (6.1 counts as movable only LRU and __PageMovable
 * pages, which no allocator caller's page is); 256 + 256 >= 2^(9-1), so
 * P is claimed: one STEAL_BLOCK, one EXTFRAG, and the page comes from P.
 */
static void buddy_fallback_claims_half_free_pageblock(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = one_zone_normal(test, sys);
	unsigned long before[ALTMM_MIGRATE_TYPES], after[ALTMM_MIGRATE_TYPES];
	unsigned long steal, extfrag, p, pfn = 0;
	struct altmm_test_hold *h;
	struct page *page;

	p = half_free_pageblock(test, sys, z, &h);
	count_pageblocks(sys, z, before);
	steal = event(sys, ALTMM_STEAL_BLOCK);
	extfrag = event(sys, ALTMM_EXTFRAG);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_THISNODE, 0, 0);
	if (page)
		pfn = altmm_test_pfn(test, sys, page);
	KUNIT_ASSERT_NOT_NULL(test, page);

	KUNIT_EXPECT_GE(test, pfn, p);
	KUNIT_EXPECT_LT(test, pfn, p + ALTMM_PAGEBLOCK_NR_PAGES / 2);
	KUNIT_EXPECT_EQ(test, altmm_get_pageblock_migratetype(sys, p), ALTMM_MIGRATE_UNMOVABLE);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_STEAL_BLOCK), steal + 1);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_EXTFRAG), extfrag + 1);
	count_pageblocks(sys, z, after);
	KUNIT_EXPECT_EQ(test, after[ALTMM_MIGRATE_UNMOVABLE], before[ALTMM_MIGRATE_UNMOVABLE] + 1);
	KUNIT_EXPECT_EQ(test, after[ALTMM_MIGRATE_MOVABLE], before[ALTMM_MIGRATE_MOVABLE] - 1);
	/* watermark_boost_factor is 0 on a test instance: no boost. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(z->watermark_boost), 0UL);

	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	altmm_test_release(test, sys, h);
}

/*
 * The same steal with 6.1's watermark_boost_factor (15000): the zone's
 * watermarks rise by a pageblock (the boost is capped at 150% of the
 * high watermark, but never below a pageblock), as zoneinfo's "boost"
 * says.  The request did not allow kswapd to be woken, so the zone is
 * not flagged and the boost stays; once kswapd is woken (a boosted node
 * is worth waking even when balanced), its run takes the boost off.
 */
static void buddy_fallback_boosts_watermarks(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = one_zone_normal(test, sys);
	unsigned long steal, high, wake;
	struct altmm_test_hold *h;
	struct page *page;
	int i;

	half_free_pageblock(test, sys, z, &h);
	WRITE_ONCE(sys->tune.watermark_boost_factor, 15000);
	high = altmm_wmark(z, ALTMM_WMARK_HIGH);
	KUNIT_ASSERT_EQ(test, READ_ONCE(z->watermark_boost), 0UL);
	steal = event(sys, ALTMM_STEAL_BLOCK);
	page = altmm_sys_alloc_pages(sys, (GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM) | __GFP_THISNODE,
				     0, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_STEAL_BLOCK), steal + 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(z->watermark_boost), ALTMM_PAGEBLOCK_NR_PAGES);
	KUNIT_EXPECT_EQ(test, altmm_wmark(z, ALTMM_WMARK_HIGH), high + ALTMM_PAGEBLOCK_NR_PAGES);
	KUNIT_EXPECT_FALSE(test, test_bit(ALTMM_ZONE_BOOSTED_WATERMARK, &z->flags));

	wake = event(sys, ALTMM_KSWAPD_WAKE);
	altmm_wakeup_kswapd(sys, z, GFP_KERNEL, 0, z->type);
	for (i = 0; i < 500 && READ_ONCE(z->watermark_boost); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, READ_ONCE(z->watermark_boost), 0UL);
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_KSWAPD_WAKE), wake + 1);
	KUNIT_EXPECT_EQ(test, altmm_wmark(z, ALTMM_WMARK_HIGH), high);

	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	altmm_test_release(test, sys, h);
}

/* === The high-atomic reserve === */

/* GFP_ATOMIC without the kswapd wake-up, whose drains would move the counts. */
#define ATOMIC_QUIET	((GFP_ATOMIC & ~__GFP_KSWAPD_RECLAIM) | __GFP_NOWARN)

static unsigned long highatomic_blocks(struct altmm_system *sys, struct altmm_zone *z)
{
	unsigned long count[ALTMM_MIGRATE_TYPES];

	count_pageblocks(sys, z, count);
	return count[ALTMM_MIGRATE_HIGHATOMIC];
}

/**
 * struct ha_run - the high-atomic scenario's state, for the tests built on it
 * @sys: the instance ("one_zone")
 * @z: its zone
 * @h: the movable fill
 * @atomic: the GFP_ATOMIC order-1 blocks
 * @sleeping: the mask of the sleeping requests
 */
struct ha_run {
	struct altmm_system *sys;
	struct altmm_zone *z;
	struct altmm_test_hold *h;
	struct page *atomic[6];
	gfp_t sleeping;
};

/*
 * reserve_highatomic_pageblock(): a high-order atomic allocation that had
 * to leave the fast path (the zone is below its low mark) sets its
 * pageblock aside while the reserve is below managed/100 + one
 * pageblock; so a zone reserves at most DIV_ROUND_UP(that, 512) blocks
 * (two for any zone under 200 MiB).  unreserve_highatomic_pageblock(),
 * from a direct reclaim that made progress but still found nothing,
 * gives one back as long as more than one is reserved.
 *
 * The scenario: fill the zone with movable pages (free is then at most
 * min, so the fast path of order 1 fails: free - 1 <= low), give back an
 * order-1 pair in each of four otherwise full pageblocks, and ask for
 * six GFP_ATOMIC order-1 blocks.  Their watermark is min/2 - min/8 with
 * no high-atomic deduction (ALLOC_RESERVES), so all succeed; each lands
 * in a pageblock it claims from the movable ones, the first two are
 * reserved and the third is not.  Then the movable pages of the two
 * reserved pageblocks are freed (back to the HighAtomic lists), and a
 * sleeping request, which must not count the reserve (free - 1024 <=
 * min), reclaims the few frames left on the per-CPU lists, still fails,
 * and releases one reserved block, which lets it through.
 */
static void ha_reserve_and_release_one(struct kunit *test, struct ha_run *r)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = one_zone_normal(test, sys);
	unsigned long managed = altmm_zone_managed(z);
	unsigned long cap = managed / 100 + ALTMM_PAGEBLOCK_NR_PAGES;
	unsigned long cap_blocks = DIV_ROUND_UP(cap, ALTMM_PAGEBLOCK_NR_PAGES);
	unsigned long reserve0, unreserve0, stall0, p, i, pfn, free, min;
	unsigned long ha[2] = { ULONG_MAX, ULONG_MAX };
	struct altmm_test_hold *h;
	unsigned int pairs = 0, *idx;
	struct page *page;

	r->sys = sys;
	r->z = z;
	r->sleeping = (GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM) | __GFP_NOWARN;
	kunit_info(test, "managed %lu: cap %lu frames, %lu pageblocks\n",
		   managed, cap, cap_blocks);
	KUNIT_ASSERT_EQ(test, cap_blocks, 2UL);

	h = altmm_test_hold_new(test, managed + 1);
	r->h = h;
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET | __GFP_MOVABLE | __GFP_THISNODE, 0, 0);
	altmm_drain_all_pages(sys, NULL);
	idx = hold_index(test, sys, z, h);
	for (p = round_up(z->zone_start_pfn, ALTMM_PAGEBLOCK_NR_PAGES);
	     p < z->zone_start_pfn + z->spanned_pages && pairs < 4;
	     p += ALTMM_PAGEBLOCK_NR_PAGES) {
		for (i = 0; i < ALTMM_PAGEBLOCK_NR_PAGES; i++)
			if (!idx[p + i - z->zone_start_pfn])
				break;
		if (i == ALTMM_PAGEBLOCK_NR_PAGES)
			pairs += free_held_range(test, sys, z, h, idx, p + 64, 2);
	}
	KUNIT_ASSERT_EQ(test, pairs, 4U);
	altmm_drain_all_pages(sys, NULL);
	KUNIT_ASSERT_LE(test, altmm_zone_free(z), altmm_wmark(z, ALTMM_WMARK_LOW));
	KUNIT_ASSERT_EQ(test, z->nr_reserved_highatomic, 0UL);

	reserve0 = event(sys, ALTMM_HIGHATOMIC_RESERVE);
	for (i = 0; i < ARRAY_SIZE(r->atomic); i++) {
		unsigned long want = min(i + 1, cap_blocks) * ALTMM_PAGEBLOCK_NR_PAGES;

		r->atomic[i] = altmm_sys_alloc_pages(sys, ATOMIC_QUIET, 1, 0);
		KUNIT_ASSERT_NOT_NULL_MSG(test, r->atomic[i], "atomic allocation %lu", i);
		pfn = altmm_test_pfn(test, sys, r->atomic[i]);
		if (i < cap_blocks) {
			ha[i] = round_down(pfn, ALTMM_PAGEBLOCK_NR_PAGES);
			KUNIT_EXPECT_EQ_MSG(test, altmm_get_pageblock_migratetype(sys, pfn),
					    ALTMM_MIGRATE_HIGHATOMIC, "atomic allocation %lu", i);
		}
		KUNIT_EXPECT_EQ_MSG(test, z->nr_reserved_highatomic, want,
				    "after atomic allocation %lu", i);
		KUNIT_EXPECT_EQ(test, highatomic_blocks(sys, z), want / ALTMM_PAGEBLOCK_NR_PAGES);
	}
	KUNIT_EXPECT_NE(test, ha[0], ha[1]);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_HIGHATOMIC_RESERVE), reserve0 + cap_blocks);

	/* Fill the two reserved pageblocks with free frames again. */
	for (i = 0; i < cap_blocks; i++)
		for (p = ha[i]; p < ha[i] + ALTMM_PAGEBLOCK_NR_PAGES; p++)
			free_held_range(test, sys, z, h, idx, p, 1);
	altmm_drain_all_pages(sys, NULL);
	free = altmm_zone_free(z);
	min = altmm_wmark(z, ALTMM_WMARK_MIN);
	kunit_info(test, "free %lu, min %lu, reserved %lu\n", free, min,
		   z->nr_reserved_highatomic);
	KUNIT_ASSERT_LE(test, (long)(free - z->nr_reserved_highatomic), (long)min);
	KUNIT_ASSERT_GT(test, (long)(free - ALTMM_PAGEBLOCK_NR_PAGES), (long)min + 8);

	/* A few frames on the per-CPU lists: direct reclaim's progress. */
	for (i = 0, p = 0; i < h->nr && p < 4; i++) {
		if (!h->page[i])
			continue;
		pfn = altmm_test_pfn(test, sys, h->page[i]);
		if (round_down(pfn, ALTMM_PAGEBLOCK_NR_PAGES) == ha[0] ||
		    round_down(pfn, ALTMM_PAGEBLOCK_NR_PAGES) == ha[1])
			continue;
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, h->page[i], 0, false), 0);
		h->page[i] = NULL;
		p++;
	}

	unreserve0 = event(sys, ALTMM_HIGHATOMIC_UNRESERVE);
	stall0 = event(sys, ALTMM_ALLOCSTALL + ALTMM_ZONE_NORMAL);
	page = altmm_sys_alloc_pages(sys, r->sleeping, 0, 0);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_HIGHATOMIC_UNRESERVE), unreserve0 + 1);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_ALLOCSTALL + ALTMM_ZONE_NORMAL), stall0 + 1);
	KUNIT_EXPECT_EQ(test, z->nr_reserved_highatomic, (unsigned long)ALTMM_PAGEBLOCK_NR_PAGES);
	KUNIT_EXPECT_EQ(test, highatomic_blocks(sys, z), 1UL);
	KUNIT_EXPECT_NE(test, altmm_get_pageblock_migratetype(sys, ha[0]),
			altmm_get_pageblock_migratetype(sys, ha[1]));
	if (page)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
}

static void ha_run_release(struct kunit *test, struct ha_run *r)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r->atomic); i++)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(r->sys, r->atomic[i], 1, false), 0);
	altmm_test_release(test, r->sys, r->h);
}

static void buddy_highatomic_reserve(struct kunit *test)
{
	struct ha_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	ha_reserve_and_release_one(test, r);
	ha_run_release(test, r);
}

/*
 * The last reserved block is kept from the non-forced unreserve, but
 * 6.1.192's should_reclaim_retry() gives it up (unreserve with force, at
 * its "out:" label) whenever no zone could meet min even with everything
 * reclaimable, before a sleeping request fails for good.  Continuing the
 * scenario above with one block still reserved: sleeping __GFP_NORETRY
 * requests, which never get that far, take all but the reserve; a
 * request without __GFP_NORETRY then still succeeds, releasing the block.
 */
static void buddy_highatomic_last_block_before_failing(struct kunit *test)
{
	struct ha_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct altmm_test_hold *more;
	unsigned long free, min, unreserve0;
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, r);
	ha_reserve_and_release_one(test, r);
	more = altmm_test_hold_new(test, altmm_zone_managed(r->z));
	altmm_test_fill(r->sys, more, r->sleeping | __GFP_NORETRY, 0, 0);
	altmm_drain_all_pages(r->sys, NULL);
	free = altmm_zone_free(r->z);
	min = altmm_wmark(r->z, ALTMM_WMARK_MIN);
	KUNIT_ASSERT_EQ(test, r->z->nr_reserved_highatomic,
			(unsigned long)ALTMM_PAGEBLOCK_NR_PAGES);
	KUNIT_ASSERT_LE(test, (long)(free - r->z->nr_reserved_highatomic), (long)min);
	KUNIT_ASSERT_GT(test, free, min);

	unreserve0 = event(r->sys, ALTMM_HIGHATOMIC_UNRESERVE);
	page = altmm_sys_alloc_pages(r->sys, r->sleeping, 0, 0);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, event(r->sys, ALTMM_HIGHATOMIC_UNRESERVE), unreserve0 + 1);
	KUNIT_EXPECT_EQ(test, r->z->nr_reserved_highatomic, 0UL);
	KUNIT_EXPECT_EQ(test, highatomic_blocks(r->sys, r->z), 0UL);
	if (page)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(r->sys, page, 0, false), 0);
	altmm_test_release(test, r->sys, more);
	ha_run_release(test, r);
}

/* === A long random sequence === */

/**
 * struct random_gfp - a mask the random sequence draws
 * @gfp: the mask (__GFP_NOWARN is added)
 * @name: for the log
 */
struct random_gfp {
	gfp_t gfp;
	const char *name;
};

static const struct random_gfp random_gfps[] = {
	{ GFP_KERNEL | __GFP_DMA | __GFP_NORETRY, "GFP_DMA" },
	{ GFP_KERNEL | __GFP_DMA32 | __GFP_NORETRY, "GFP_DMA32" },
	{ GFP_KERNEL | __GFP_NORETRY, "GFP_KERNEL" },
	{ GFP_KERNEL | __GFP_RECLAIMABLE | __GFP_NORETRY, "GFP_KERNEL|__GFP_RECLAIMABLE" },
	{ GFP_KERNEL | __GFP_MOVABLE | __GFP_NORETRY, "GFP_KERNEL|__GFP_MOVABLE" },
	{ GFP_HIGHUSER | __GFP_NORETRY, "GFP_HIGHUSER" },
	{ GFP_HIGHUSER_MOVABLE | __GFP_NORETRY, "GFP_HIGHUSER_MOVABLE" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_ATOMIC | __GFP_DMA32, "GFP_ATOMIC|__GFP_DMA32" },
	{ GFP_NOWAIT | __GFP_MOVABLE, "GFP_NOWAIT|__GFP_MOVABLE" },
	{ GFP_NOWAIT | __GFP_RECLAIMABLE | __GFP_COMP, "GFP_NOWAIT|__GFP_RECLAIMABLE|__GFP_COMP" },
};

#define RANDOM_OPS		100000
#define RANDOM_CHECK_EVERY	10000

/* Mostly small orders, as real workloads ask. */
static unsigned int random_order(struct rnd_state *rnd)
{
	u32 r = prandom_u32_state(rnd) % 100;

	if (r < 55)
		return 0;
	if (r < 80)
		return 1 + r % 3;
	if (r < 95)
		return 4 + r % 4;
	return 8 + r % 3;
}

/* What a block holds while it is out, to catch a frame handed out twice. */
static unsigned long stamp(unsigned long pfn, unsigned int order)
{
	return (pfn << 4 | order) ^ 0xa17aa17aUL;
}

static void stamp_block(struct page *page, unsigned long pfn, unsigned int order)
{
	*(unsigned long *)page_address(page) = stamp(pfn, order);
	*(unsigned long *)(page_address(page + BIT(order)) - sizeof(long)) = ~stamp(pfn, order);
}

static bool stamp_intact(struct page *page, unsigned long pfn, unsigned int order)
{
	return *(unsigned long *)page_address(page) == stamp(pfn, order) &&
	       *(unsigned long *)(page_address(page + BIT(order)) - sizeof(long)) ==
	       ~stamp(pfn, order);
}

/**
 * struct random_run - the state of one random sequence
 * @sys: the instance
 * @h: blocks held
 * @cap: most frames held at once
 * @held: frames held
 * @allocs: successful allocations
 * @fails: refused ones
 * @frees: frees
 */
struct random_run {
	struct altmm_system *sys;
	struct altmm_test_hold *h;
	unsigned long cap;
	unsigned long held;
	unsigned long allocs;
	unsigned long fails;
	unsigned long frees;
};

static void random_alloc(struct kunit *test, struct random_run *r,
			 struct rnd_state *rnd)
{
	const struct random_gfp *g = &random_gfps[prandom_u32_state(rnd) % ARRAY_SIZE(random_gfps)];
	int nr_nodes = r->sys->layout.nr_nodes, nid = NUMA_NO_NODE, zidx;
	unsigned int order = random_order(rnd);
	gfp_t gfp = g->gfp | __GFP_NOWARN;
	struct altmm_zone *zone;
	struct page *page;
	unsigned long pfn;

	if (prandom_u32_state(rnd) % 2)
		nid = prandom_u32_state(rnd) % nr_nodes;
	if (nid != NUMA_NO_NODE && !(prandom_u32_state(rnd) % 4))
		gfp |= __GFP_THISNODE;
	if (!(prandom_u32_state(rnd) % 64))
		gfp |= __GFP_ZERO;

	page = altmm_sys_alloc_pages(r->sys, gfp, order, nid);
	if (!page) {
		r->fails++;
		return;
	}
	r->allocs++;
	pfn = altmm_test_pfn(test, r->sys, page);
	zone = altmm_pfn_to_zone(r->sys, pfn);
	zidx = altmm_gfp_zone(gfp);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(pfn, BIT(order)));
	KUNIT_EXPECT_LE_MSG(test, (int)zone->type, zidx, "%s", g->name);
	if (gfp & __GFP_THISNODE)
		KUNIT_EXPECT_EQ_MSG(test, altmm_zone_nid(zone), nid, "%s", g->name);
	if ((gfp & __GFP_ZERO) && order <= 3)
		KUNIT_EXPECT_NULL(test, memchr_inv(page_address(page), 0, PAGE_SIZE << order));
	stamp_block(page, pfn, order);
	r->h->page[r->h->nr] = page;
	r->h->order[r->h->nr++] = order;
	r->held += BIT(order);
}

static void random_free(struct kunit *test, struct random_run *r,
			struct rnd_state *rnd)
{
	unsigned long i = prandom_u32_state(rnd) % r->h->nr;
	struct page *page = r->h->page[i];
	unsigned int order = r->h->order[i];
	unsigned long pfn = altmm_test_pfn(test, r->sys, page);
	u32 how = prandom_u32_state(rnd) % 16;

	KUNIT_EXPECT_TRUE_MSG(test, stamp_intact(page, pfn, order),
			      "block %#lx order %u was written by someone else", pfn, order);
	r->h->page[i] = r->h->page[--r->h->nr];
	r->h->order[i] = r->h->order[r->h->nr];
	r->held -= BIT(order);
	r->frees++;

	if (how == 0 && order &&
	    !altmm_desc_test(altmm_pfn_to_desc(r->sys, pfn), ALTMM_PG_head)) {
		unsigned long j;

		/* split_page(): each frame becomes its own allocation. */
		KUNIT_EXPECT_EQ(test, altmm_sys_split_page(r->sys, page, order), 0);
		for (j = 0; j < BIT(order); j++)
			KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(r->sys, page + j, 0, false), 0);
		return;
	}
	if (how == 1) {
		/* Another reference: the first put must not free. */
		KUNIT_EXPECT_EQ(test, altmm_sys_get_page(r->sys, page), 0);
		KUNIT_EXPECT_EQ(test, altmm_sys_put_page(r->sys, page), 0);
		KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_pfn_to_desc(r->sys, pfn),
							ALTMM_PG_alloc));
	}
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(r->sys, page, order, how >= 12), 0);
}

KUNIT_ARRAY_PARAM(layouts, altmm_test_layouts, altmm_test_layout_desc);

/*
 * RANDOM_OPS operations, each an allocation (a random mask of
 * random_gfps, order, preferred node, sometimes __GFP_THISNODE or
 * __GFP_ZERO) or a free of a random held block (sometimes cold, after a
 * get/put pair, or split first), while at most 3/4 of the memory is
 * held; every RANDOM_CHECK_EVERY operations the invariant checker runs.
 * It runs on every catalogued layout: one to four nodes, holes, every
 * zone type including HighMem and Movable.
 * Every allocation respects its mask's highest zone and node, and no
 * block is handed out twice (each carries a stamp until it is freed).
 */
static void buddy_random_sequence(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	struct random_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u64 s = seed ?: get_random_u64();
	struct altmm_zone *zone;
	struct rnd_state rnd;
	unsigned long op, managed = 0;
	int nid, zt;

	KUNIT_ASSERT_NOT_NULL(test, r);
	kunit_info(test, "seed %llu (reload with seed=%llu to repeat)\n", s, s);
	prandom_seed_state(&rnd, s);

	r->sys = altmm_test_create(test, &t->p);
	for_each_altmm_populated_zone(r->sys, zone, nid, zt)
		managed += altmm_zone_managed(zone);
	r->cap = managed / 4 * 3;
	r->h = altmm_test_hold_new(test, r->cap + 1);

	for (op = 1; op <= RANDOM_OPS; op++) {
		bool alloc = !r->h->nr ||
			     (r->held + ALTMM_MAX_ORDER_NR_PAGES <= r->cap &&
			      prandom_u32_state(&rnd) % 100 < 55);

		if (alloc)
			random_alloc(test, r, &rnd);
		else
			random_free(test, r, &rnd);
		if (!(prandom_u32_state(&rnd) % 4096))
			altmm_drain_all_pages(r->sys, NULL);
		if (!(op % RANDOM_CHECK_EVERY)) {
			altmm_check_system(test, r->sys);
			if (READ_ONCE(test->status) == KUNIT_FAILURE)
				break;
		}
	}
	kunit_info(test, "%lu allocations, %lu refused, %lu frees; %lu frames held at the end\n",
		   r->allocs, r->fails, r->frees, r->held);
	/* It ran under pressure sometimes, and mostly succeeded. */
	KUNIT_EXPECT_GT(test, r->allocs, r->fails);
	altmm_test_release(test, r->sys, r->h);
}

static struct kunit_case altmm_buddy_cases[] = {
	KUNIT_CASE_PARAM(buddy_split_merge_exact, all_orders_gen_params),
	KUNIT_CASE_PARAM(buddy_expand_returns_upper_halves, buddy_orders_gen_params),
	KUNIT_CASE(buddy_fallback_claims_max_order_block),
	KUNIT_CASE(buddy_fallback_claims_half_free_pageblock),
	KUNIT_CASE(buddy_fallback_boosts_watermarks),
	KUNIT_CASE(buddy_highatomic_reserve),
	KUNIT_CASE(buddy_highatomic_last_block_before_failing),
	KUNIT_CASE_PARAM(buddy_random_sequence, layouts_gen_params),
	{}
};

static struct kunit_suite altmm_buddy_suite = {
	.name = "altmm_buddy",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_buddy_cases,
};

kunit_test_suite(altmm_buddy_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's buddy allocator");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
