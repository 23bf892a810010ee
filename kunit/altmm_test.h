/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by altmm's KUnit suites: a catalogue of layouts, a helper that
 * builds a private instance from one and tears it down when the test
 * ends, and the invariant checker every suite runs over every instance it
 * built.  The checker recomputes what it asserts from first principles
 * (walking frames, regions and sections) rather than trusting a counter.
 */
#ifndef _ALTMM_TEST_H
#define _ALTMM_TEST_H

#include <kunit/test.h>
#include <linux/mm.h>

#include "internal.h"

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
static const struct altmm_test_layout altmm_test_layouts[] = {
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

/**
 * altmm_check_system() - assert every invariant of a built instance
 * @test: the running test
 * @sys: the instance
 *
 * Sections: present exactly where the layout has no hole, each chunk
 * findable from its host pfn, each section in the zone that spans it.
 * Frames: every descriptor names its section; a frame is reserved exactly
 * when memblock reserved it or it is device memory; free + reserved =
 * present and free = managed, zone by zone.  Zones: managed <= present <=
 * spanned, no two zones of a node overlap.  Memory: the zones' present
 * frames add up to the arena less holes and device.
 */
static inline void altmm_check_system(struct kunit *test,
				      struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;
	unsigned long (*free)[ALTMM_NR_ZONES], (*rsv)[ALTMM_NR_ZONES];
	unsigned long nr, present_total = 0, chunks = 0;
	struct altmm_node *node;
	int nid, zt, zt2;

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
		void *entry;

		KUNIT_EXPECT_EQ(test, !(sec->flags & ALTMM_SECTION_PRESENT), absent);
		if (absent)
			continue;
		chunks++;
		KUNIT_ASSERT_NOT_NULL(test, sec->mem_map);
		KUNIT_ASSERT_NOT_NULL(test, sec->usemap);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(sec->host_pfn, ALTMM_PAGES_PER_SECTION));
		entry = xa_load(&sys->host_chunks, sec->host_pfn >> ALTMM_PFN_SECTION_SHIFT);
		KUNIT_EXPECT_TRUE(test, xa_is_value(entry) && xa_to_value(entry) == nr);
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
			KUNIT_EXPECT_EQ(test, (unsigned long)atomic_long_read(&z->vm_stat[ALTMM_NR_FREE_PAGES]),
					managed);
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
}

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

#endif /* _ALTMM_TEST_H */
