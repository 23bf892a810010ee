// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for memory hotplug (memory_hotplug.c, and the pageblock
 * isolation of buddy.c): isolating a section's pageblocks takes its free
 * frames off the free count and undoing it merges them back; offlining
 * a section whose allocations are all user pages moves them out with
 * their contents and takes the section out of every count; a section
 * with a plain kernel allocation, or a user page someone holds, stays
 * online with its pageblocks movable again; onlining gives the frames
 * back; a section changes between a kernel zone and ZONE_MOVABLE only at
 * their boundary; a section hot-added in a hole is memory like any other
 * once online, and hot-removed gives its chunk back.
 *
 * Sections are chosen by walking their descriptors, never by number:
 * where the boot allocator put its metadata depends on the layout.  The
 * shared checker (altmm_test.h) runs after every test, offline sections
 * included.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/module.h>

#include "altmm_test.h"
#include "memory_hotplug.h"
#include "migrate.h"
#include "usermem.h"

/* 16 MiB of Normal on one node: four sections. */
static const struct altmm_params one_node = { .arena_mb = 16, .nr_nodes = 1 };
/*
 * 32 MiB, for user pages: filling three sections' worth spills past the
 * sections that hold the firmware page and the boot allocator's
 * metadata (at most two on one node) into one that holds nothing else.
 */
static const struct altmm_params for_users = { .arena_mb = 32, .nr_nodes = 1 };
#define USER_PAGES	(3 * SECTION_PAGES)
/* 32 MiB on one node with a hole at 16 MiB: section 4 can be hot-added. */
static const struct altmm_params with_hole = { .arena_mb = 32, .nr_nodes = 1,
					       .holes = "4M@16M" };
#define HOLE_SECTION	4
/* 32 MiB, the last 8 MiB of it ZONE_MOVABLE. */
static const struct altmm_params with_movable = { .arena_mb = 32, .nr_nodes = 1,
						  .movablecore = "8M" };

#define SECTION_PAGES	ALTMM_PAGES_PER_SECTION

/* === Objects the suite's exit puts back === */

#define HOTPLUG_MAX_OBJS	2

/**
 * struct hotplug_ctx - what a test built
 * @base: the instances, for altmm_test_exit(); first, as altmm_test_create()
 *	takes test->priv for one
 * @obj: objects still held, put before the instances are checked
 * @nr: entries in @obj
 */
struct hotplug_ctx {
	struct altmm_test_ctx base;
	struct altmm_uobj *obj[HOTPLUG_MAX_OBJS];
	int nr;
};

static int hotplug_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct hotplug_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void hotplug_test_exit(struct kunit *test)
{
	struct hotplug_ctx *ctx = test->priv;

	while (ctx && ctx->nr)
		altmm_uobj_put(ctx->obj[--ctx->nr]);
	altmm_test_exit(test);
}

static struct altmm_uobj *obj_new(struct kunit *test, struct altmm_system *sys)
{
	struct hotplug_ctx *ctx = test->priv;
	struct altmm_uobj *obj;

	KUNIT_ASSERT_LT(test, ctx->nr, HOTPLUG_MAX_OBJS);
	obj = altmm_uobj_create(sys, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	ctx->obj[ctx->nr++] = obj;
	return obj;
}

/* === Contents === */

static u64 pattern(pgoff_t index, unsigned int i)
{
	return 0x5a5a000000000000ULL ^ ((u64)index << 20) ^ i;
}

/* Fault offsets [0, @nr) in and give each its pattern; the PTE goes at once. */
static void fill(struct kunit *test, struct altmm_uobj *obj, pgoff_t nr)
{
	pgoff_t index;

	for (index = 0; index < nr; index++) {
		struct page *page;
		vm_fault_t ret = altmm_uobj_fault(obj, index, FAULT_FLAG_WRITE, &page);
		u64 *p;
		unsigned int i;

		KUNIT_ASSERT_FALSE_MSG(test, ret & (VM_FAULT_OOM | VM_FAULT_SIGBUS),
				       "fault on offset %lu", index);
		p = kmap_local_page(page);
		for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
			p[i] = pattern(index, i);
		kunmap_local(p);
		put_page(page);
	}
}

/*
 * Fault offsets [0, @nr) back: each must hold its pattern, and none may
 * be in section @nr_sec.  Returns the offsets that failed.
 */
static unsigned long verify(struct kunit *test, struct altmm_system *sys,
			    struct altmm_uobj *obj, pgoff_t nr, unsigned long nr_sec)
{
	unsigned long bad = 0;
	pgoff_t index;

	for (index = 0; index < nr; index++) {
		struct page *page;
		vm_fault_t ret = altmm_uobj_fault(obj, index, 0, &page);
		unsigned long pfn = ULONG_MAX;
		unsigned int i;
		u64 *p;

		KUNIT_ASSERT_FALSE(test, ret & (VM_FAULT_OOM | VM_FAULT_SIGBUS));
		/* Resident all along: no swap here, nothing to read back. */
		KUNIT_EXPECT_FALSE(test, ret & VM_FAULT_MAJOR);
		KUNIT_EXPECT_TRUE(test, altmm_host_page_to_pfn(sys, page, &pfn));
		if (altmm_pfn_to_section_nr(pfn) == nr_sec) {
			KUNIT_FAIL(test, "offset %lu is still in section %lu", index, nr_sec);
			bad++;
		}
		p = kmap_local_page(page);
		for (i = 0; i < PAGE_SIZE / sizeof(*p); i++) {
			if (p[i] != pattern(index, i)) {
				KUNIT_FAIL(test, "offset %lu: word %u is not what was written",
					   index, i);
				bad++;
				break;
			}
		}
		kunmap_local(p);
		put_page(page);
	}
	return bad;
}

/* === Choosing sections === */

/*
 * What a section holds, read from its descriptors on a quiet instance
 * whose per-CPU lists were drained: free frames, user pages, and
 * frames that cannot move (reserved, or allocations not user pages).
 */
struct section_census {
	unsigned long free;
	unsigned long user;
	unsigned long unmovable;
};

static struct section_census census(struct altmm_system *sys, unsigned long nr)
{
	unsigned long pfn = nr << ALTMM_PFN_SECTION_SHIFT, end = pfn + SECTION_PAGES;
	struct section_census c = { 0 };

	while (pfn < end) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);

		if (altmm_desc_test(d, ALTMM_PG_buddy)) {
			c.free += BIT(d->private);
			pfn += BIT(d->private);
		} else if (altmm_desc_test(d, ALTMM_PG_alloc)) {
			if (altmm_desc_test(d, ALTMM_PG_user))
				c.user++;
			else
				c.unmovable++;
			pfn += BIT(altmm_alloc_order(d));
		} else {
			c.unmovable += altmm_desc_test(d, ALTMM_PG_reserved);
			pfn++;
		}
	}
	return c;
}

/* The first frame of pageblock @i of section @nr. */
static unsigned long pageblock_pfn(unsigned long nr, int i)
{
	return (nr << ALTMM_PFN_SECTION_SHIFT) + i * ALTMM_PAGEBLOCK_NR_PAGES;
}

static bool section_online(struct altmm_system *sys, unsigned long nr)
{
	return sys->sections[nr].flags & ALTMM_SECTION_ONLINE;
}

/*
 * The first online memory section of zone type @zt (any when
 * ALTMM_NR_ZONES) whose census @want accepts, or ULONG_MAX.
 */
static unsigned long find_section(struct altmm_system *sys, int zt,
				  bool (*want)(const struct section_census *c))
{
	unsigned long nr;

	altmm_drain_all_pages(sys, NULL);
	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];
		struct section_census c;

		if (!(sec->flags & ALTMM_SECTION_ONLINE) || (sec->flags & ALTMM_SECTION_DEVICE))
			continue;
		if (zt != ALTMM_NR_ZONES && sec->zone != zt)
			continue;
		c = census(sys, nr);
		if (want(&c))
			return nr;
	}
	return ULONG_MAX;
}

static bool all_free(const struct section_census *c)
{
	return c->free == SECTION_PAGES;
}

static bool movable_users(const struct section_census *c)
{
	return c->user && !c->unmovable;
}

/* === Snapshots === */

/* Counts of one zone and the instance that offline and online move. */
struct counts {
	unsigned long managed;
	unsigned long present;
	unsigned long node_present;
	unsigned long total_managed;	/* MemTotal */
	unsigned long free;		/* NR_FREE_PAGES, after a drain */
	unsigned long nr_free[ALTMM_MAX_ORDER];
	int pageblock[ALTMM_PAGEBLOCKS_PER_SECTION];
};

static void snapshot(struct altmm_system *sys, unsigned long nr, struct counts *c)
{
	const struct altmm_section *sec = &sys->sections[nr];
	struct altmm_zone *zone = altmm_section_zone(sys, sec);
	struct altmm_node *node;
	unsigned int o;
	int nid, zt, i;

	altmm_drain_all_pages(sys, NULL);
	c->managed = altmm_zone_managed(zone);
	c->present = zone->present_pages;
	c->node_present = zone->node->node_present_pages;
	c->total_managed = 0;
	for_each_altmm_node(sys, node, nid)
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			c->total_managed += altmm_zone_managed(&node->zones[zt]);
	c->free = altmm_zone_free(zone);
	for (o = 0; o < ALTMM_MAX_ORDER; o++)
		c->nr_free[o] = zone->free_area[o].nr_free;
	for (i = 0; i < ALTMM_PAGEBLOCKS_PER_SECTION; i++)
		c->pageblock[i] = altmm_get_pageblock_migratetype(sys, pageblock_pfn(nr, i));
}

static void expect_same(struct kunit *test, const struct counts *a, const struct counts *b)
{
	unsigned int o;
	int i;

	KUNIT_EXPECT_EQ(test, a->managed, b->managed);
	KUNIT_EXPECT_EQ(test, a->present, b->present);
	KUNIT_EXPECT_EQ(test, a->node_present, b->node_present);
	KUNIT_EXPECT_EQ(test, a->total_managed, b->total_managed);
	KUNIT_EXPECT_EQ(test, a->free, b->free);
	for (o = 0; o < ALTMM_MAX_ORDER; o++)
		KUNIT_EXPECT_EQ_MSG(test, a->nr_free[o], b->nr_free[o], "order %u", o);
	for (i = 0; i < ALTMM_PAGEBLOCKS_PER_SECTION; i++)
		KUNIT_EXPECT_EQ_MSG(test, a->pageblock[i], b->pageblock[i], "pageblock %d", i);
}

/* The counts after an offline: one section less, everything else alike. */
static void expect_section_gone(struct kunit *test, const struct counts *before,
				const struct counts *after)
{
	KUNIT_EXPECT_EQ(test, after->managed, before->managed - SECTION_PAGES);
	KUNIT_EXPECT_EQ(test, after->present, before->present - SECTION_PAGES);
	KUNIT_EXPECT_EQ(test, after->node_present, before->node_present - SECTION_PAGES);
	KUNIT_EXPECT_EQ(test, after->total_managed, before->total_managed - SECTION_PAGES);
}

/* === Pageblock isolation === */

/*
 * Isolating both pageblocks of a free section takes its frames off the
 * free count (they are on the isolate lists); a second isolation is
 * refused; undoing it brings them back merged into one max-order block.
 */
static void hotplug_isolation_round_trip(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned long nr = find_section(sys, ALTMM_NR_ZONES, all_free), start, pfn;
	struct counts before, isolated, after;
	struct altmm_zone *zone;

	KUNIT_ASSERT_NE_MSG(test, nr, ULONG_MAX, "no free section");
	start = nr << ALTMM_PFN_SECTION_SHIFT;
	zone = altmm_section_zone(sys, &sys->sections[nr]);
	snapshot(sys, nr, &before);

	for (pfn = start; pfn < start + SECTION_PAGES; pfn += ALTMM_PAGEBLOCK_NR_PAGES)
		KUNIT_EXPECT_EQ(test, altmm_set_migratetype_isolate(sys, zone, pfn), 0);
	KUNIT_EXPECT_EQ(test, altmm_set_migratetype_isolate(sys, zone, start), -EBUSY);
	KUNIT_EXPECT_TRUE(test, altmm_test_pages_isolated(sys, zone, start,
							  start + SECTION_PAGES));
	snapshot(sys, nr, &isolated);
	KUNIT_EXPECT_EQ(test, isolated.free, before.free - SECTION_PAGES);
	KUNIT_EXPECT_EQ(test, zone->nr_isolate_pageblock,
			(unsigned long)ALTMM_PAGEBLOCKS_PER_SECTION);
	KUNIT_EXPECT_EQ(test, isolated.pageblock[0], ALTMM_MIGRATE_ISOLATE);

	/* Nothing is handed out of it: all but it, then nothing. */
	KUNIT_EXPECT_EQ(test, isolated.nr_free[ALTMM_MAX_ORDER - 1],
			before.nr_free[ALTMM_MAX_ORDER - 1]);

	for (pfn = start; pfn < start + SECTION_PAGES; pfn += ALTMM_PAGEBLOCK_NR_PAGES)
		altmm_unset_migratetype_isolate(sys, zone, pfn, ALTMM_MIGRATE_MOVABLE);
	KUNIT_EXPECT_EQ(test, zone->nr_isolate_pageblock, 0UL);
	KUNIT_EXPECT_FALSE(test, altmm_test_pages_isolated(sys, zone, start,
							   start + SECTION_PAGES));
	snapshot(sys, nr, &after);
	expect_same(test, &before, &after);
}

/* === Offline and online === */

/*
 * A section holding only user pages goes offline: its pages move with
 * their contents, it leaves managed, present and MemTotal; online
 * brings exactly its frames back as free and movable.
 */
static void hotplug_offline_movable_section(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &for_users);
	struct altmm_uobj *obj = obj_new(test, sys);
	const pgoff_t nr_pages = USER_PAGES;
	unsigned long nr, migrated, i;
	struct counts before, off, on;
	struct section_census c;

	fill(test, obj, nr_pages);
	nr = find_section(sys, ALTMM_NR_ZONES, movable_users);
	KUNIT_ASSERT_NE_MSG(test, nr, ULONG_MAX, "no section holds only user pages");
	c = census(sys, nr);
	kunit_info(test, "section %lu: %lu user pages, %lu free frames", nr, c.user, c.free);
	altmm_test_quiesce(test, sys);
	snapshot(sys, nr, &before);
	migrated = altmm_vm_event_sum(sys, ALTMM_PGMIGRATE_SUCCESS);

	KUNIT_ASSERT_EQ(test, altmm_offline_section(sys, nr), 0);
	KUNIT_EXPECT_FALSE(test, section_online(sys, nr));
	KUNIT_EXPECT_STREQ(test, altmm_section_state_name(sys, nr), "offline");
	KUNIT_EXPECT_GE(test, altmm_vm_event_sum(sys, ALTMM_PGMIGRATE_SUCCESS) - migrated,
			c.user);
	snapshot(sys, nr, &off);
	expect_section_gone(test, &before, &off);
	for (i = 0; i < SECTION_PAGES; i++) {
		struct altmm_page *d = altmm_pfn_to_desc(sys, (nr << ALTMM_PFN_SECTION_SHIFT) + i);

		if (!altmm_desc_test(d, ALTMM_PG_reserved) || altmm_desc_test(d, ALTMM_PG_alloc)) {
			KUNIT_FAIL(test, "frame %lu of the offline section: flags %#lx",
				   i, d->flags);
			break;
		}
	}
	/* Offline again is nothing to do, as device_offline() of an offline block. */
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), 0);
	KUNIT_EXPECT_EQ(test, verify(test, sys, obj, nr_pages, nr), 0UL);

	altmm_test_quiesce(test, sys);
	snapshot(sys, nr, &off);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, nr, ALTMM_MMOP_ONLINE), 0);
	KUNIT_EXPECT_TRUE(test, section_online(sys, nr));
	snapshot(sys, nr, &on);
	KUNIT_EXPECT_EQ(test, on.managed, before.managed);
	KUNIT_EXPECT_EQ(test, on.present, before.present);
	KUNIT_EXPECT_EQ(test, on.node_present, before.node_present);
	KUNIT_EXPECT_EQ(test, on.total_managed, before.total_managed);
	KUNIT_EXPECT_EQ(test, on.free, off.free + SECTION_PAGES);
	KUNIT_EXPECT_EQ(test, on.nr_free[ALTMM_MAX_ORDER - 1],
			off.nr_free[ALTMM_MAX_ORDER - 1] + 1);
	for (i = 0; i < ALTMM_PAGEBLOCKS_PER_SECTION; i++)
		KUNIT_EXPECT_EQ(test, on.pageblock[i], ALTMM_MIGRATE_MOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_online_section(sys, nr, ALTMM_MMOP_ONLINE), 0);
}

/*
 * A plain kernel allocation in a section makes offline fail with
 * -EBUSY, and every count, free list and pageblock type is as before.
 */
static void hotplug_offline_unmovable_fails(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned int order = ALTMM_MAX_ORDER - 1;
	struct counts before, after;
	struct section_census c;
	unsigned long pfn, nr, i, keep;
	struct page *page;

	/* A whole section as one kernel block, then all of it back but one frame. */
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_NOWARN, order, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_TRUE(test, altmm_host_page_to_pfn(sys, page, &pfn));
	nr = altmm_pfn_to_section_nr(pfn);
	KUNIT_ASSERT_EQ(test, altmm_sys_split_page(sys, page, order), 0);
	keep = SECTION_PAGES / 2 + 3;
	for (i = 0; i < SECTION_PAGES; i++)
		if (i != keep)
			KUNIT_ASSERT_EQ(test, altmm_sys_free_pages(sys, page + i, 0, false), 0);
	altmm_drain_all_pages(sys, NULL);
	c = census(sys, nr);
	KUNIT_EXPECT_EQ(test, c.unmovable, 1UL);
	KUNIT_EXPECT_EQ(test, c.free, SECTION_PAGES - 1);
	altmm_test_quiesce(test, sys);
	snapshot(sys, nr, &before);

	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), -EBUSY);
	KUNIT_EXPECT_TRUE(test, section_online(sys, nr));
	KUNIT_EXPECT_STREQ(test, altmm_section_state_name(sys, nr), "online");
	snapshot(sys, nr, &after);
	expect_same(test, &before, &after);
	c = census(sys, nr);
	KUNIT_EXPECT_EQ(test, c.unmovable, 1UL);
	KUNIT_EXPECT_EQ(test, c.free, SECTION_PAGES - 1);

	/* Gone, the section can go. */
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page + keep, 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), 0);
	KUNIT_EXPECT_EQ(test, altmm_online_section(sys, nr, ALTMM_MMOP_ONLINE), 0);
}

/*
 * A user page someone holds cannot move: offline isolates the section,
 * migrates what it can, gives up with -EBUSY and undoes the isolation.
 * The held page stays where it is and the pageblocks are movable again.
 */
static void hotplug_offline_held_page_fails(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &for_users);
	struct altmm_uobj *obj = obj_new(test, sys);
	const pgoff_t nr_pages = USER_PAGES;
	struct page *held = NULL;
	unsigned long nr, pfn = 0, i;
	pgoff_t index;

	fill(test, obj, nr_pages);
	nr = find_section(sys, ALTMM_NR_ZONES, movable_users);
	KUNIT_ASSERT_NE_MSG(test, nr, ULONG_MAX, "no section holds only user pages");
	for (index = 0; index < nr_pages && !held; index++) {
		struct page *page;

		KUNIT_ASSERT_FALSE(test, altmm_uobj_fault(obj, index, 0, &page) & VM_FAULT_OOM);
		KUNIT_ASSERT_TRUE(test, altmm_host_page_to_pfn(sys, page, &pfn));
		if (altmm_pfn_to_section_nr(pfn) == nr)
			held = page;	/* the fault's reference stays */
		else
			put_page(page);
	}
	KUNIT_ASSERT_NOT_NULL(test, held);

	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), -EBUSY);
	KUNIT_EXPECT_TRUE(test, section_online(sys, nr));
	KUNIT_EXPECT_PTR_EQ(test, altmm_pfn_to_host_page(sys, pfn), held);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_pfn_to_desc(sys, pfn), ALTMM_PG_user));
	for (i = 0; i < ALTMM_PAGEBLOCKS_PER_SECTION; i++)
		KUNIT_EXPECT_EQ(test, altmm_get_pageblock_migratetype(sys, pageblock_pfn(nr, i)),
				ALTMM_MIGRATE_MOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_section_zone(sys, &sys->sections[nr])->nr_isolate_pageblock,
			0UL);
	put_page(held);
	/* Let go, it moves: the same offline now succeeds. */
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), 0);
	KUNIT_EXPECT_EQ(test, verify(test, sys, obj, nr_pages, nr), 0UL);
}

/*
 * Zones at a boundary.  32 MiB on one node, Normal then 8 MiB of
 * Movable: the first Movable section may go to Normal (online_kernel)
 * and back (online_movable), the last Normal section to Movable; an
 * online section never moves, nor one with another zone's span between
 * it and the zone asked for; a refused online leaves the section
 * offline.  Counts follow the section from zone to zone; the last
 * section offlined stays so for the checker and the teardown.
 */
static void hotplug_online_zones(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_movable);
	struct altmm_zone *movable = &sys->nodes[0]->zones[ALTMM_ZONE_MOVABLE];
	struct altmm_zone *normal = &sys->nodes[0]->zones[ALTMM_ZONE_NORMAL];
	unsigned long first = movable->zone_start_pfn >> ALTMM_PFN_SECTION_SHIFT;
	unsigned long below = first - 1, mid = ULONG_MAX, nr;
	unsigned long normal0 = normal->present_pages, movable0 = movable->present_pages;
	struct counts before, on;
	struct section_census c;

	KUNIT_ASSERT_EQ(test, (int)sys->layout.movable_zone, ALTMM_ZONE_NORMAL);
	KUNIT_ASSERT_EQ(test, (int)sys->sections[below].zone, ALTMM_ZONE_NORMAL);
	altmm_drain_all_pages(sys, NULL);
	c = census(sys, first);
	KUNIT_ASSERT_TRUE_MSG(test, all_free(&c), "section %lu is not free", first);
	c = census(sys, below);
	KUNIT_ASSERT_TRUE_MSG(test, all_free(&c), "section %lu is not free", below);
	for (nr = 1; nr + 1 < below && mid == ULONG_MAX; nr++) {
		c = census(sys, nr);
		if (all_free(&c))
			mid = nr;
	}
	KUNIT_ASSERT_NE_MSG(test, mid, ULONG_MAX, "no free Normal section inside the zone");

	/* Online, a section stays where it is. */
	KUNIT_EXPECT_PTR_EQ(test, altmm_hotplug_zone_for(sys, first, ALTMM_MMOP_ONLINE), movable);
	KUNIT_EXPECT_PTR_EQ(test, altmm_hotplug_zone_for(sys, first, ALTMM_MMOP_ONLINE_MOVABLE),
			    movable);
	KUNIT_EXPECT_NULL(test, altmm_hotplug_zone_for(sys, first, ALTMM_MMOP_ONLINE_KERNEL));
	KUNIT_EXPECT_NULL(test, altmm_hotplug_zone_for(sys, below, ALTMM_MMOP_ONLINE_MOVABLE));

	/* The first Movable section goes to Normal, then back. */
	altmm_test_quiesce(test, sys);
	snapshot(sys, first, &before);
	KUNIT_ASSERT_EQ(test, altmm_offline_section(sys, first), 0);
	KUNIT_EXPECT_EQ(test, movable->present_pages, movable0 - SECTION_PAGES);
	KUNIT_EXPECT_PTR_EQ(test, altmm_hotplug_zone_for(sys, first, ALTMM_MMOP_ONLINE_KERNEL),
			    normal);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, first, ALTMM_MMOP_ONLINE_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, (int)sys->sections[first].zone, ALTMM_ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, normal->present_pages, normal0 + SECTION_PAGES);
	KUNIT_EXPECT_EQ(test, normal->zone_start_pfn + normal->spanned_pages,
			(first + 1) << ALTMM_PFN_SECTION_SHIFT);
	KUNIT_EXPECT_EQ(test, movable->zone_start_pfn, (first + 1) << ALTMM_PFN_SECTION_SHIFT);
	KUNIT_EXPECT_NULL(test, altmm_hotplug_zone_for(sys, first, ALTMM_MMOP_ONLINE_MOVABLE));
	KUNIT_ASSERT_EQ(test, altmm_offline_section(sys, first), 0);
	KUNIT_EXPECT_EQ(test, normal->present_pages, normal0);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, first, ALTMM_MMOP_ONLINE_MOVABLE), 0);
	KUNIT_EXPECT_EQ(test, (int)sys->sections[first].zone, ALTMM_ZONE_MOVABLE);
	snapshot(sys, first, &on);
	expect_same(test, &before, &on);

	/* A Normal section inside the zone cannot go to Movable. */
	KUNIT_ASSERT_EQ(test, altmm_offline_section(sys, mid), 0);
	KUNIT_EXPECT_NULL(test, altmm_hotplug_zone_for(sys, mid, ALTMM_MMOP_ONLINE_MOVABLE));
	KUNIT_EXPECT_EQ(test, altmm_online_section(sys, mid, ALTMM_MMOP_ONLINE_MOVABLE), -EINVAL);
	KUNIT_EXPECT_FALSE(test, section_online(sys, mid));
	KUNIT_EXPECT_EQ(test, altmm_online_section(sys, mid, ALTMM_MMOP_OFFLINE), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_online_section(sys, sys->layout.nr_sections,
						   ALTMM_MMOP_ONLINE), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, sys->layout.nr_sections), -EINVAL);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, mid, ALTMM_MMOP_ONLINE_KERNEL), 0);

	/* The last Normal section joins Movable and stays. */
	KUNIT_ASSERT_EQ(test, altmm_offline_section(sys, below), 0);
	KUNIT_EXPECT_PTR_EQ(test, altmm_hotplug_zone_for(sys, below, ALTMM_MMOP_ONLINE), normal);
	KUNIT_EXPECT_PTR_EQ(test, altmm_hotplug_zone_for(sys, below, ALTMM_MMOP_ONLINE_MOVABLE),
			    movable);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, below, ALTMM_MMOP_ONLINE_MOVABLE), 0);
	KUNIT_EXPECT_EQ(test, movable->zone_start_pfn, below << ALTMM_PFN_SECTION_SHIFT);
	KUNIT_EXPECT_EQ(test, movable->present_pages, movable0 + SECTION_PAGES);
	KUNIT_EXPECT_EQ(test, normal->present_pages, normal0 - SECTION_PAGES);

	/* And one section stays offline for the teardown. */
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, mid), 0);
}

/*
 * A section hot-added in a hole is present and offline, on a new host
 * chunk altmm's lookups find; online, its frames can be allocated and
 * hold what is written; offline and removed, its chunk goes back to the
 * host and the section is a hole again; added again, it reuses its
 * descriptors and stays for the teardown.  Bad requests change nothing.
 */
static void hotplug_add_remove(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_hole);
	struct altmm_test_hold *h = altmm_test_hold_new(test, 64);
	const unsigned long nr = HOLE_SECTION, start = nr << ALTMM_PFN_SECTION_SHIFT;
	const unsigned int order = ALTMM_MAX_ORDER - 1;
	struct altmm_section *sec = &sys->sections[nr];
	unsigned long chunks0 = sys->nr_chunks, pfn, managed0, host_pfn;
	struct altmm_zone *zone;
	struct page *got = NULL;

	KUNIT_ASSERT_FALSE(test, sec->flags & ALTMM_SECTION_PRESENT);
	KUNIT_EXPECT_EQ(test, altmm_add_memory(sys, sys->layout.nr_sections), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_add_memory(sys, 1), -EEXIST);
	KUNIT_EXPECT_EQ(test, altmm_remove_memory(sys, nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_remove_memory(sys, 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_online_section(sys, nr, ALTMM_MMOP_ONLINE), -EINVAL);

	KUNIT_ASSERT_EQ(test, altmm_add_memory(sys, nr), 0);
	KUNIT_EXPECT_TRUE(test, sec->flags & ALTMM_SECTION_PRESENT);
	KUNIT_EXPECT_FALSE(test, section_online(sys, nr));
	KUNIT_EXPECT_EQ(test, sys->nr_chunks, chunks0 + 1);
	KUNIT_EXPECT_EQ(test, altmm_add_memory(sys, nr), -EEXIST);
	host_pfn = sec->host_pfn;
	KUNIT_EXPECT_TRUE(test, altmm_host_page_to_pfn(sys, pfn_to_page(host_pfn + 5), &pfn));
	KUNIT_EXPECT_EQ(test, pfn, start + 5);
	KUNIT_EXPECT_TRUE(test, altmm_virt_to_pfn(sys, page_address(pfn_to_page(host_pfn + 7)),
						  &pfn));
	KUNIT_EXPECT_EQ(test, pfn, start + 7);

	zone = altmm_hotplug_zone_for(sys, nr, ALTMM_MMOP_ONLINE);
	KUNIT_ASSERT_NOT_NULL(test, zone);
	KUNIT_EXPECT_EQ(test, (int)zone->type, ALTMM_ZONE_NORMAL);
	managed0 = altmm_zone_managed(zone);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, nr, ALTMM_MMOP_ONLINE), 0);
	KUNIT_EXPECT_EQ(test, altmm_zone_managed(zone), managed0 + SECTION_PAGES);

	/* Its frames serve allocations and keep what is written. */
	while (!got && h->nr < h->max) {
		struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_NOWARN, order,
							  NUMA_NO_NODE);

		if (!page)
			break;
		h->page[h->nr] = page;
		h->order[h->nr++] = order;
		if (altmm_host_page_to_pfn(sys, page, &pfn) && pfn == start)
			got = page;
	}
	KUNIT_ASSERT_NOT_NULL_MSG(test, got, "no order-%u block from the new section", order);
	memset(page_address(got), 0x6b, PAGE_SIZE << order);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(page_address(got), 0x6b, PAGE_SIZE << order),
			-1L);
	KUNIT_EXPECT_EQ(test, altmm_remove_memory(sys, nr), -EBUSY);
	KUNIT_EXPECT_EQ(test, altmm_offline_section(sys, nr), -EBUSY);
	altmm_test_release(test, sys, h);

	KUNIT_ASSERT_EQ(test, altmm_offline_section(sys, nr), 0);
	KUNIT_EXPECT_EQ(test, altmm_zone_managed(zone), managed0);
	KUNIT_ASSERT_EQ(test, altmm_remove_memory(sys, nr), 0);
	KUNIT_EXPECT_FALSE(test, sec->flags & ALTMM_SECTION_PRESENT);
	KUNIT_EXPECT_EQ(test, sys->nr_chunks, chunks0);
	KUNIT_EXPECT_NULL(test, altmm_pfn_to_section(sys, start));
	KUNIT_EXPECT_EQ(test, altmm_remove_memory(sys, nr), -EINVAL);

	/* Again: the descriptors are reused; it stays for the teardown. */
	KUNIT_ASSERT_EQ(test, altmm_add_memory(sys, nr), 0);
	KUNIT_ASSERT_EQ(test, altmm_online_section(sys, nr, ALTMM_MMOP_ONLINE), 0);
	KUNIT_EXPECT_EQ(test, altmm_zone_managed(zone), managed0 + SECTION_PAGES);
}

static struct kunit_case hotplug_test_cases[] = {
	KUNIT_CASE(hotplug_isolation_round_trip),
	KUNIT_CASE(hotplug_offline_movable_section),
	KUNIT_CASE(hotplug_offline_unmovable_fails),
	KUNIT_CASE(hotplug_offline_held_page_fails),
	KUNIT_CASE(hotplug_online_zones),
	KUNIT_CASE(hotplug_add_remove),
	{}
};

static struct kunit_suite hotplug_test_suite = {
	.name = "altmm_hotplug",
	.init = hotplug_test_init,
	.exit = hotplug_test_exit,
	.test_cases = hotplug_test_cases,
};

kunit_test_suite(hotplug_test_suite);

MODULE_DESCRIPTION("KUnit tests for altmm memory hotplug");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
