// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for movable kernel pages (migrate.c): pages a kernel owner
 * marks with 6.1's struct movable_operations are isolated once, moved
 * with their contents by the owner's ->migrate_page(), put back through
 * ->putback_page(), let go when the owner unmarks them while isolated,
 * and moved by compaction as user pages are.
 *
 * The owner here is a fake: an array of pages whose host page's private
 * word holds the index + 1, each page filled with a pattern of its index
 * (so a page that lands in the wrong slot, or a copy that is missed,
 * shows), and counters of the calls altmm made.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/prandom.h>

#include "altmm_test.h"
#include "check.h"
#include "compaction.h"
#include "memory_hotplug.h"
#include "migrate.h"
#include "page_alloc.h"

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of the fragmenting allocation order (0: a random one, printed)");

/* 16 MiB of Normal on one node. */
static const struct altmm_params small = { .arena_mb = 16, .nr_nodes = 1 };
/* Two nodes of 8 MiB: a page moves to the other one. */
static const struct altmm_params two_nodes = { .arena_mb = 16, .nr_nodes = 2 };

#define OWNER_MAX	4096

/* A mask that neither wakes kswapd (and so kcompactd) nor warns. */
#define MOVABLE_GFP	((GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN) & ~__GFP_KSWAPD_RECLAIM)

/**
 * struct fake_owner - a kernel user of movable pages
 * @sys: the instance its pages are in
 * @pages: its pages, by index; NULL where it has none
 * @nr: entries of @pages in use
 * @isolated: ->isolate_page() calls that said yes
 * @refused: ->isolate_page() calls that said no
 * @migrated: ->migrate_page() calls
 * @putback: ->putback_page() calls
 * @refuse: ->isolate_page() says no
 */
struct fake_owner {
	struct altmm_system *sys;
	struct page *pages[OWNER_MAX];
	unsigned int nr;
	atomic_t isolated, refused, migrated, putback;
	bool refuse;
};

/* The callbacks have no context of their own; one test runs at a time. */
static struct fake_owner *owner;

static u64 pattern(unsigned long i, unsigned int w)
{
	return (i << 32 | w) * 0x9e3779b97f4a7c15ULL;
}

static void fill(struct page *page, unsigned long i)
{
	u64 *p = kmap_local_page(page);
	unsigned int w;

	for (w = 0; w < PAGE_SIZE / sizeof(*p); w++)
		p[w] = pattern(i, w);
	kunmap_local(p);
}

/* The first word of @page that is not @i's pattern, or -1. */
static long check(struct page *page, unsigned long i)
{
	u64 *p = kmap_local_page(page);
	long bad = -1;
	unsigned int w;

	for (w = 0; w < PAGE_SIZE / sizeof(*p) && bad < 0; w++)
		if (p[w] != pattern(i, w))
			bad = w;
	kunmap_local(p);
	return bad;
}

static bool fake_isolate(struct page *page, isolate_mode_t mode)
{
	if (!PageLocked(page) || owner->refuse) {
		atomic_inc(&owner->refused);
		return false;
	}
	atomic_inc(&owner->isolated);
	return true;
}

static const struct movable_operations fake_ops;

/* As a 6.1 owner: copy, take dst, mark it, point at it, drop src. */
static int fake_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	unsigned long i = page_private(src) - 1;

	if (!PageLocked(src) || !PageLocked(dst) || i >= owner->nr ||
	    owner->pages[i] != src)
		return -EINVAL;
	copy_highpage(dst, src);
	altmm_sys_get_page(owner->sys, dst);
	set_page_private(dst, i + 1);
	altmm_sys_set_page_movable(owner->sys, dst, &fake_ops);
	owner->pages[i] = dst;
	set_page_private(src, 0);
	altmm_sys_clear_page_movable(owner->sys, src);
	altmm_sys_put_page(owner->sys, src);
	atomic_inc(&owner->migrated);
	return 0;
}

static void fake_putback(struct page *page)
{
	atomic_inc(&owner->putback);
}

static const struct movable_operations fake_ops = {
	.isolate_page	= fake_isolate,
	.migrate_page	= fake_migrate,
	.putback_page	= fake_putback,
};

/* The owner's page @i goes: unmarked, then freed. */
static void owner_free(struct kunit *test, unsigned long i)
{
	struct page *page = owner->pages[i];

	lock_page(page);
	KUNIT_EXPECT_EQ(test, altmm_sys_clear_page_movable(owner->sys, page), 0);
	set_page_private(page, 0);
	unlock_page(page);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(owner->sys, page, 0, false), 0);
	owner->pages[i] = NULL;
}

static int movable_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct altmm_test_ctx), GFP_KERNEL);
	owner = kunit_kzalloc(test, sizeof(*owner), GFP_KERNEL);
	return test->priv && owner ? 0 : -ENOMEM;
}

/* The owner's pages go before the instances they are in. */
static void movable_test_exit(struct kunit *test)
{
	unsigned long i;

	for (i = 0; owner && i < owner->nr; i++)
		if (owner->pages[i])
			owner_free(test, i);
	altmm_test_exit(test);
	owner = NULL;
}

/* Page @i of the owner: allocated on @nid, filled and marked movable. */
static struct page *owner_alloc(struct kunit *test, int nid)
{
	unsigned long i = owner->nr;
	struct page *page;

	KUNIT_ASSERT_LT(test, i, (unsigned long)OWNER_MAX);
	page = altmm_sys_alloc_pages(owner->sys, MOVABLE_GFP | __GFP_THISNODE, 0, nid);
	if (!page)
		return NULL;
	owner->pages[owner->nr++] = page;
	fill(page, i);
	set_page_private(page, i + 1);
	KUNIT_EXPECT_EQ(test, altmm_sys_set_page_movable(owner->sys, page, &fake_ops), 0);
	return page;
}

static unsigned long pfn_of(struct kunit *test, struct page *page)
{
	unsigned long pfn;

	KUNIT_ASSERT_TRUE(test, altmm_host_page_to_pfn(owner->sys, page, &pfn));
	return pfn;
}

static struct altmm_page *desc_of(struct kunit *test, struct page *page)
{
	return altmm_pfn_to_desc(owner->sys, pfn_of(test, page));
}

static int nid_of(struct kunit *test, struct page *page)
{
	return altmm_pfn_to_section(owner->sys, pfn_of(test, page))->nid;
}

static unsigned long event(struct altmm_system *sys, enum altmm_vm_event_item item)
{
	return altmm_vm_event_sum(sys, item);
}

static struct page *node_target(struct altmm_system *sys, struct page *src, unsigned long nid)
{
	return altmm_sys_alloc_pages(sys, MOVABLE_GFP | __GFP_THISNODE, 0, nid);
}

static unsigned long node_free(struct altmm_system *sys, int nid)
{
	altmm_drain_all_pages(sys, NULL);
	return altmm_zone_free(&sys->nodes[nid]->zones[ALTMM_ZONE_NORMAL]);
}

/*
 * 64 pages on node 0 move to node 1: each is isolated once (a second
 * isolation is refused without asking the owner), migrated with its
 * contents into the slot it had, by one ->migrate_page() call; it ends
 * with one reference, marked movable and not isolated, and node 0 gets
 * its frames back.  pgmigrate_success counts 64.
 */
static void movable_migrate_keeps_contents(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	unsigned long i, free0, success, old[64];
	LIST_HEAD(list);
	unsigned int moved = 0;

	owner->sys = sys;
	free0 = node_free(sys, 0);
	for (i = 0; i < 64; i++) {
		KUNIT_ASSERT_NOT_NULL(test, owner_alloc(test, 0));
		old[i] = pfn_of(test, owner->pages[i]);
	}
	KUNIT_EXPECT_EQ(test, node_free(sys, 0), free0 - 64);
	success = event(sys, ALTMM_PGMIGRATE_SUCCESS);

	for (i = 0; i < 64; i++) {
		KUNIT_ASSERT_EQ(test, altmm_isolate_movable_page(sys, old[i], 0, &list), 0);
		KUNIT_EXPECT_TRUE(test, altmm_desc_test(desc_of(test, owner->pages[i]),
							ALTMM_PG_isolated));
		KUNIT_EXPECT_EQ(test, altmm_isolate_movable_page(sys, old[i], 0, &list), -EBUSY);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&owner->isolated), 64);
	KUNIT_EXPECT_EQ(test, atomic_read(&owner->refused), 0);
	/* The isolation's reference. */
	KUNIT_EXPECT_EQ(test, page_count(owner->pages[0]), 2);

	KUNIT_EXPECT_EQ(test, altmm_migrate_pages(sys, &list, node_target, NULL, 1, MIGRATE_SYNC,
						  MR_COMPACTION, &moved), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&list));
	KUNIT_EXPECT_EQ(test, moved, 64U);
	KUNIT_EXPECT_EQ(test, atomic_read(&owner->migrated), 64);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMIGRATE_SUCCESS) - success, 64UL);
	for (i = 0; i < 64; i++) {
		struct page *page = owner->pages[i];
		struct altmm_page *d = desc_of(test, page);

		KUNIT_EXPECT_NE(test, pfn_of(test, page), old[i]);
		KUNIT_EXPECT_EQ(test, nid_of(test, page), 1);
		KUNIT_EXPECT_EQ_MSG(test, check(page, i), -1L, "page %lu", i);
		KUNIT_EXPECT_EQ(test, page_private(page), i + 1);
		KUNIT_EXPECT_EQ(test, page_count(page), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 1);
		KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_movable));
		KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_isolated));
		/* The old frame is free again. */
		KUNIT_EXPECT_FALSE(test, altmm_desc_test(altmm_pfn_to_desc(sys, old[i]),
							 ALTMM_PG_alloc));
	}
	KUNIT_EXPECT_EQ(test, node_free(sys, 0), free0);
}

/*
 * An owner that says no keeps its page where it was, with its one
 * reference; one isolated and put back hears ->putback_page() and is
 * movable, not isolated, with one reference again.
 */
static void movable_refused_and_putback(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &small);
	struct page *page;
	struct altmm_page *d;
	LIST_HEAD(list);

	owner->sys = sys;
	page = owner_alloc(test, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	d = desc_of(test, page);

	owner->refuse = true;
	KUNIT_EXPECT_EQ(test, altmm_isolate_movable_page(sys, pfn_of(test, page), 0, &list),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, atomic_read(&owner->refused), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&list));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_isolated));
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 1);

	owner->refuse = false;
	KUNIT_ASSERT_EQ(test, altmm_isolate_movable_page(sys, pfn_of(test, page), 0, &list), 0);
	altmm_putback_pages(sys, &list);
	KUNIT_EXPECT_TRUE(test, list_empty(&list));
	KUNIT_EXPECT_EQ(test, atomic_read(&owner->putback), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&owner->migrated), 0);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_isolated));
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_movable));
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 1);
	KUNIT_EXPECT_PTR_EQ(test, owner->pages[0], page);
}

/*
 * The owner unmarks and frees a page a migration holds: the frame stays
 * allocated until the migration lets it go, which counts as a success
 * without calling the owner, and frees it; the frame the migration was
 * given goes back too, so node 0's free count ends where it started.
 */
static void movable_freed_while_isolated(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	unsigned long pfn, free0, free1;
	unsigned int moved = 0;
	LIST_HEAD(list);

	owner->sys = sys;
	free0 = node_free(sys, 0);
	free1 = node_free(sys, 1);
	KUNIT_ASSERT_NOT_NULL(test, owner_alloc(test, 0));
	pfn = pfn_of(test, owner->pages[0]);
	KUNIT_ASSERT_EQ(test, altmm_isolate_movable_page(sys, pfn, 0, &list), 0);

	owner_free(test, 0);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_pfn_to_desc(sys, pfn), ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, altmm_migrate_pages(sys, &list, node_target, NULL, 1, MIGRATE_SYNC,
						  MR_COMPACTION, &moved), 0);
	KUNIT_EXPECT_EQ(test, moved, 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&owner->migrated), 0);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(altmm_pfn_to_desc(sys, pfn), ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, node_free(sys, 0), free0);
	KUNIT_EXPECT_EQ(test, node_free(sys, 1), free1);
}

/*
 * Marking needs a live order-0 kernel page and three operations;
 * unmarking a page that is not marked is refused.  Each refusal is
 * counted as a misuse and changes nothing.
 */
static void movable_misuse_refused(struct kunit *test)
{
	static const struct movable_operations no_putback = {
		.isolate_page = fake_isolate, .migrate_page = fake_migrate,
	};
	struct altmm_system *sys = altmm_test_create(test, &small);
	unsigned long misuse = event(sys, ALTMM_MISUSE);
	struct page *order1, *plain;

	owner->sys = sys;
	order1 = altmm_sys_alloc_pages(sys, MOVABLE_GFP, 1, NUMA_NO_NODE);
	plain = altmm_sys_alloc_pages(sys, MOVABLE_GFP, 0, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, order1);
	KUNIT_ASSERT_NOT_NULL(test, plain);

	KUNIT_EXPECT_EQ(test, altmm_sys_set_page_movable(sys, order1, &fake_ops), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_set_page_movable(sys, plain, &no_putback), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_set_page_movable(sys, plain, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_clear_page_movable(sys, plain), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_set_page_movable(sys, order1 + 1, &fake_ops), -EINVAL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_MISUSE) - misuse, 5UL);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(desc_of(test, plain), ALTMM_PG_movable));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(desc_of(test, order1), ALTMM_PG_movable));

	/* A page freed while marked loses the mark with the free. */
	KUNIT_EXPECT_EQ(test, altmm_sys_set_page_movable(sys, plain, &fake_ops), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, plain, 0, false), 0);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(altmm_pfn_to_desc(sys, pfn_of(test, plain)),
						 ALTMM_PG_movable));
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, order1, 1, false), 0);
}

/*
 * compact_node() on a zone fragmented by movable kernel pages (allocated
 * until no free pageblock is left, a seeded half of them freed again):
 * the free order-9 blocks grow by two or more, every page keeps its
 * contents and slot, a page that moved went up, and the owner was asked
 * to migrate exactly the pages that moved.
 */
static void movable_compaction_raises_free_order9(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &small);
	struct altmm_zone *zone = &sys->nodes[0]->zones[ALTMM_ZONE_NORMAL];
	unsigned long *old, i, before, moved = 0, kept = 0, extra = 2;
	u64 s = seed ?: get_random_u64();
	struct altmm_compact_stats st;
	struct rnd_state rnd;

	owner->sys = sys;
	kunit_info(test, "seed %llu (reload with seed=%llu to repeat)\n", s, s);
	prandom_seed_state(&rnd, s);
	KUNIT_ASSERT_GT(test, altmm_zone_managed(zone), 0UL);
	while (owner->nr < OWNER_MAX) {
		if (altmm_zone_free(zone) < altmm_wmark(zone, ALTMM_WMARK_HIGH) + 32)
			break;
		KUNIT_ASSERT_NOT_NULL(test, owner_alloc(test, 0));
		if (owner->nr % 32)
			continue;
		altmm_drain_all_pages(sys, NULL);
		if (!altmm_test_free_order9(zone) && !extra--)
			break;
	}
	for (i = 0; i < owner->nr; i++)
		if (prandom_u32_state(&rnd) & 1)
			owner_free(test, i);
	altmm_drain_all_pages(sys, NULL);
	before = altmm_test_free_order9(zone);
	KUNIT_ASSERT_EQ(test, before, 0UL);
	old = kunit_kcalloc(test, owner->nr, sizeof(*old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);
	for (i = 0; i < owner->nr; i++)
		if (owner->pages[i])
			old[i] = pfn_of(test, owner->pages[i]);

	KUNIT_ASSERT_EQ(test, altmm_compact_node(sys, 0, &st), 0);
	kunit_info(test, "%u pages; free order-9 blocks %lu -> %lu; migrated %lu\n",
		   owner->nr, before, altmm_test_free_order9(zone), st.migrated);
	KUNIT_EXPECT_GE(test, altmm_test_free_order9(zone), before + 2);
	for (i = 0; i < owner->nr; i++) {
		struct page *page = owner->pages[i];

		if (!page)
			continue;
		kept++;
		if (pfn_of(test, page) != old[i]) {
			moved++;
			KUNIT_EXPECT_GT_MSG(test, pfn_of(test, page), old[i],
					    "page %lu moved down", i);
		}
		KUNIT_EXPECT_EQ_MSG(test, check(page, i), -1L, "page %lu", i);
		KUNIT_EXPECT_EQ(test, page_count(page), 1);
		KUNIT_EXPECT_FALSE(test, altmm_desc_test(desc_of(test, page), ALTMM_PG_isolated));
	}
	KUNIT_EXPECT_GT(test, moved, 0UL);
	KUNIT_EXPECT_EQ(test, moved, st.migrated);
	KUNIT_EXPECT_EQ(test, (unsigned long)atomic_read(&owner->migrated), moved);
	KUNIT_EXPECT_LE(test, moved, kept);
}

/*
 * A section whose allocations are all the owner's movable pages goes
 * offline: the owner moved each page out of it (one ->migrate_page() a
 * page), every page holds its pattern, none is left in the section, and
 * it comes back online.  A section where the owner keeps a page it
 * unmarked stays online, -EBUSY.
 */
static void movable_offline_section(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &small);
	struct altmm_zone *zone = &sys->nodes[0]->zones[ALTMM_ZONE_NORMAL];
	unsigned long nr, pfn, i, in_section, best = ULONG_MAX, most = 0;
	struct page *pinned = NULL;

	owner->sys = sys;
	/* Three fifths of the zone: a section's worth of room stays for the moves. */
	while (owner->nr < OWNER_MAX &&
	       altmm_zone_free(zone) > altmm_zone_managed(zone) * 2 / 5)
		KUNIT_ASSERT_NOT_NULL(test, owner_alloc(test, 0));
	/* The section holding most owner pages and nothing else allocated. */
	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		unsigned long start = nr << ALTMM_PFN_SECTION_SHIFT, n = 0;
		bool only_owner = altmm_pfn_valid(sys, start);

		for (pfn = start; only_owner && pfn < start + ALTMM_PAGES_PER_SECTION; pfn++) {
			struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);

			if (altmm_desc_test(d, ALTMM_PG_reserved) ||
			    (altmm_desc_test(d, ALTMM_PG_alloc) &&
			     !altmm_desc_test(d, ALTMM_PG_movable)))
				only_owner = false;
			n += altmm_desc_test(d, ALTMM_PG_movable);
		}
		if (only_owner && n > most) {
			most = n;
			best = nr;
		}
	}
	KUNIT_ASSERT_NE_MSG(test, best, ULONG_MAX, "no section holds only the owner's pages");
	KUNIT_EXPECT_GE(test, most, ALTMM_PAGES_PER_SECTION / 4);
	kunit_info(test, "section %lu holds %lu of the owner's %u pages\n", best, most,
		   owner->nr);
	altmm_drain_all_pages(sys, NULL);

	KUNIT_ASSERT_EQ(test, altmm_offline_section(sys, best), 0);
	KUNIT_EXPECT_GE(test, (unsigned long)atomic_read(&owner->migrated), most);
	for (i = 0, in_section = 0; i < owner->nr; i++) {
		KUNIT_EXPECT_EQ_MSG(test, check(owner->pages[i], i), -1L, "page %lu", i);
		in_section += pfn_of(test, owner->pages[i]) >> ALTMM_PFN_SECTION_SHIFT == best;
	}
	KUNIT_EXPECT_EQ(test, in_section, 0UL);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, best, ALTMM_MMOP_ONLINE), 0);

	/* A page its owner keeps but no longer lets move pins its section. */
	for (i = 0; i < owner->nr && !pinned; i++)
		if (pfn_of(test, owner->pages[i]) >> ALTMM_PFN_SECTION_SHIFT != best) {
			pinned = owner->pages[i];
			KUNIT_ASSERT_EQ(test, altmm_sys_clear_page_movable(sys, pinned), 0);
		}
	KUNIT_ASSERT_NOT_NULL(test, pinned);
	nr = pfn_of(test, pinned) >> ALTMM_PFN_SECTION_SHIFT;
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), -EBUSY);
	KUNIT_EXPECT_STREQ(test, altmm_section_state_name(sys, nr), "online");
	/* The owner marks it again, so that the exit's unmarking finds it marked. */
	KUNIT_EXPECT_EQ(test, altmm_sys_set_page_movable(sys, pinned, &fake_ops), 0);
}

static struct kunit_case altmm_movable_cases[] = {
	KUNIT_CASE(movable_migrate_keeps_contents),
	KUNIT_CASE(movable_refused_and_putback),
	KUNIT_CASE(movable_freed_while_isolated),
	KUNIT_CASE(movable_misuse_refused),
	KUNIT_CASE(movable_compaction_raises_free_order9),
	KUNIT_CASE(movable_offline_section),
	{}
};

static struct kunit_suite altmm_movable_suite = {
	.name = "altmm_movable",
	.init = movable_test_init,
	.exit = movable_test_exit,
	.test_cases = altmm_movable_cases,
};

kunit_test_suites(&altmm_movable_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's movable kernel pages");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
