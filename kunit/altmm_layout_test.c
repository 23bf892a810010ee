// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the layout: every kind of bad parameter is refused with
 * -EINVAL naming the parameter; good layouts give the zone spans, present
 * and managed counts that the parameters imply, worked out here by hand
 * from the same rules the kernel's free_area_init() follows.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "altmm_test.h"

/* struct altmm_layout is too big for a test's stack. */
static struct altmm_layout *new_layout(struct kunit *test)
{
	struct altmm_layout *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	return l;
}

/* === Parameter validation === */

struct bad_layout {
	const char *name;
	const char *param;	/* the parameter the error must name */
	struct altmm_params p;
};

#define GOOD	.arena_mb = 64, .nr_nodes = 2, .dma_mb = 16, .dma32_mb = 32

static const struct bad_layout bad_layouts[] = {
	{ "arena_zero", "arena_mb", { GOOD, .arena_mb = 0 } },
	{ "arena_unaligned", "arena_mb", { GOOD, .arena_mb = 66 } },
	{ "arena_huge", "arena_mb", { GOOD, .arena_mb = ALTMM_MAX_ARENA_MB + 4 } },
	{ "nodes_zero", "nodes", { GOOD, .nr_nodes = 0 } },
	{ "nodes_nine", "nodes", { GOOD, .nr_nodes = 9 } },
	{ "nodes_more_than_sections", "nodes", { GOOD, .arena_mb = 8, .nr_nodes = 4 } },
	{ "node_mb_sum_short", "node_mb", { GOOD, .nr_node_mb = 2, .node_mb = { 16, 32 } } },
	{ "node_mb_sum_long", "node_mb", { GOOD, .nr_node_mb = 2, .node_mb = { 32, 64 } } },
	{ "node_mb_count", "node_mb", { GOOD, .nr_node_mb = 3, .node_mb = { 16, 16, 32 } } },
	{ "node_mb_unaligned", "node_mb", { GOOD, .nr_node_mb = 2, .node_mb = { 30, 34 } } },
	{ "node_mb_zero", "node_mb", { GOOD, .nr_node_mb = 2, .node_mb = { 0, 64 } } },
	/* 12 + 4294967292 + 4 is 12 in 32 bits. */
	{ "node_mb_sum_wraps", "node_mb",
	  { GOOD, .arena_mb = 12, .nr_nodes = 3, .nr_node_mb = 3,
	    .node_mb = { 12, 4294967292U, 4 } } },
	{ "node_mb_sum_wraps_middle", "node_mb",
	  { GOOD, .nr_nodes = 4, .nr_node_mb = 4,
	    .node_mb = { 16, 16, 4294967292U, 36 } } },
	{ "distance_size", "distance", { GOOD, .nr_distance = 3, .distance = { 10, 20, 20 } } },
	{ "distance_diagonal", "distance",
	  { GOOD, .nr_distance = 4, .distance = { 10, 20, 20, 12 } } },
	{ "distance_remote_local", "distance",
	  { GOOD, .nr_distance = 4, .distance = { 10, 10, 20, 10 } } },
	{ "distance_too_far", "distance",
	  { GOOD, .nr_distance = 4, .distance = { 10, 255, 20, 10 } } },
	{ "cpu_node_missing_node", "cpu_node", { GOOD, .nr_cpu_node = 1, .cpu_node = { 2 } } },
	{ "dma_unaligned", "dma_mb", { GOOD, .dma_mb = 6 } },
	{ "dma32_unaligned", "dma32_mb", { GOOD, .dma32_mb = 130 } },
	{ "dma32_below_dma", "dma32_mb", { GOOD, .dma_mb = 16, .dma32_mb = 8 } },
	{ "highmem_below_dma32", "highmem_mb", { GOOD, .highmem_mb = 16 } },
	{ "highmem_unaligned", "highmem_mb", { GOOD, .highmem_mb = 50 } },
	{ "holes_outside", "holes", { GOOD, .holes = "8M@1G" } },
	{ "holes_straddle_end", "holes", { GOOD, .holes = "8M@60M" } },
	{ "holes_overlap", "holes", { GOOD, .holes = "8M@16M,8M@20M" } },
	{ "holes_unaligned", "holes", { GOOD, .holes = "1M@16M" } },
	{ "holes_malformed", "holes", { GOOD, .holes = "8M-16M" } },
	{ "holes_empty", "holes", { GOOD, .holes = "0@16M" } },
	{ "holes_everything", "holes", { GOOD, .holes = "64M@0" } },
	{ "device_all", "device_mb", { GOOD, .device_mb = 64 } },
	{ "device_unaligned", "device_mb", { GOOD, .device_mb = 2 } },
	{ "kernelcore_malformed", "kernelcore", { GOOD, .kernelcore = "abc" } },
	{ "kernelcore_trailing", "kernelcore", { GOOD, .kernelcore = "16Mx" } },
	{ "kernelcore_too_big", "kernelcore", { GOOD, .kernelcore = "300M" } },
	{ "kernelcore_percent", "kernelcore", { GOOD, .kernelcore = "150%" } },
	{ "movablecore_malformed", "movablecore", { GOOD, .movablecore = "%" } },
	{ "movablecore_too_big", "movablecore", { GOOD, .movablecore = "1G" } },
};

static void bad_layout_desc(const struct bad_layout *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_layouts, bad_layout_desc);

static void layout_refuses_bad_params(struct kunit *test)
{
	const struct bad_layout *b = test->param_value;
	struct altmm_param_error err;
	struct altmm_system *sys = NULL;
	struct altmm_layout *l = new_layout(test);

	KUNIT_EXPECT_EQ(test, altmm_layout_build(&b->p, l, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.param ?: "(none)", b->param);
	KUNIT_EXPECT_GT(test, strlen(err.reason), 0);
	KUNIT_EXPECT_NULL(test, l->cpu_node);

	/* The whole constructor refuses it too, and leaves nothing behind. */
	KUNIT_EXPECT_EQ(test, altmm_system_create(&b->p, "altmm-kunit", &sys, &err),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, sys);
}

static void layout_accepts_good_params(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	struct altmm_param_error err;
	struct altmm_layout *l = new_layout(test);

	KUNIT_EXPECT_EQ_MSG(test, altmm_layout_build(&t->p, l, &err), 0,
			    "%s: %s", err.param, err.reason);
	altmm_layout_free(l);
}

KUNIT_ARRAY_PARAM(layouts, altmm_test_layouts, altmm_test_layout_desc);

/* === Spans worked out by hand === */

static struct altmm_zone *zone_of(struct altmm_system *sys, int nid, int zt)
{
	return &sys->nodes[nid]->zones[zt];
}

static unsigned long managed(struct altmm_zone *z)
{
	return atomic_long_read(&z->managed_pages);
}

/* Frames of [start, end) reserved in the boot allocator. */
static unsigned long reserved_in(struct altmm_system *sys, unsigned long start,
				 unsigned long end)
{
	unsigned long pfn, n = 0;

	for (pfn = start; pfn < end; pfn++)
		n += altmm_test_frame_reserved(&sys->memblock, pfn);
	return n;
}

static void expect_zone(struct kunit *test, struct altmm_system *sys, int nid,
			int zt, unsigned long start, unsigned long spanned,
			unsigned long present)
{
	struct altmm_zone *z = zone_of(sys, nid, zt);

	KUNIT_EXPECT_EQ_MSG(test, z->spanned_pages, spanned, "node %d %s", nid,
			    altmm_zone_names[zt]);
	KUNIT_EXPECT_EQ_MSG(test, z->present_pages, present, "node %d %s", nid,
			    altmm_zone_names[zt]);
	if (spanned)
		KUNIT_EXPECT_EQ_MSG(test, z->zone_start_pfn, start, "node %d %s",
				    nid, altmm_zone_names[zt]);
	if (zt != ALTMM_ZONE_DEVICE)
		KUNIT_EXPECT_EQ_MSG(test, managed(z),
				    present - reserved_in(sys, start, start + spanned),
				    "node %d %s", nid, altmm_zone_names[zt]);
}

/*
 * Two 48M nodes; DMA to 16M, DMA32 to 32M, HighMem from 64M; a hole at
 * 40M-44M; the top 8M device memory.  Memory is 0-40M and 44M-88M:
 * node 0 has DMA, DMA32 and 32M-40M + 44M-48M of Normal, node 1 Normal
 * 48M-64M and HighMem 64M-88M, then Device 88M-96M.
 */
static void layout_spans_all_zones(struct kunit *test)
{
	static const struct altmm_params p = { .arena_mb = 96, .nr_nodes = 2,
					.dma_mb = 16, .dma32_mb = 32,
					.highmem_mb = 64, .device_mb = 8,
					.holes = "4M@40M" };
	struct altmm_system *sys = altmm_test_create(test, &p);

	expect_zone(test, sys, 0, ALTMM_ZONE_DMA, 0, MB_PAGES(16), MB_PAGES(16));
	expect_zone(test, sys, 0, ALTMM_ZONE_DMA32, MB_PAGES(16), MB_PAGES(16), MB_PAGES(16));
	expect_zone(test, sys, 0, ALTMM_ZONE_NORMAL, MB_PAGES(32), MB_PAGES(16),
		    MB_PAGES(16 - 4));
	expect_zone(test, sys, 0, ALTMM_ZONE_HIGHMEM, 0, 0, 0);
	expect_zone(test, sys, 1, ALTMM_ZONE_DMA, 0, 0, 0);
	expect_zone(test, sys, 1, ALTMM_ZONE_NORMAL, MB_PAGES(48), MB_PAGES(16), MB_PAGES(16));
	expect_zone(test, sys, 1, ALTMM_ZONE_HIGHMEM, MB_PAGES(64), MB_PAGES(24), MB_PAGES(24));
	expect_zone(test, sys, 1, ALTMM_ZONE_MOVABLE, 0, 0, 0);
	/* Device memory is spanned but, as in Linux, neither present nor managed. */
	expect_zone(test, sys, 1, ALTMM_ZONE_DEVICE, MB_PAGES(88), MB_PAGES(8), 0);
	KUNIT_EXPECT_EQ(test, managed(zone_of(sys, 1, ALTMM_ZONE_DEVICE)), 0);

	/* The firmware page: the first frame is present but not managed. */
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_pfn_to_desc(sys, 0),
						ALTMM_PG_reserved));
	KUNIT_EXPECT_LT(test, managed(zone_of(sys, 0, ALTMM_ZONE_DMA)), MB_PAGES(16));

	/* The node spans its memory and, on node 1, the device range. */
	KUNIT_EXPECT_EQ(test, sys->nodes[0]->node_spanned_pages, MB_PAGES(48));
	KUNIT_EXPECT_EQ(test, sys->nodes[0]->node_present_pages, MB_PAGES(44));
	KUNIT_EXPECT_EQ(test, sys->nodes[1]->node_start_pfn, MB_PAGES(48));
	KUNIT_EXPECT_EQ(test, sys->nodes[1]->node_spanned_pages, MB_PAGES(48));
	KUNIT_EXPECT_EQ(test, sys->nodes[1]->node_present_pages, MB_PAGES(40));
}

/*
 * kernelcore=16M on two 32M nodes of only ZONE_NORMAL: 8M of kernelcore
 * per node, the remaining 24M of each node movable.
 */
static void layout_kernelcore_even(struct kunit *test)
{
	static const struct altmm_params p = { .arena_mb = 64, .nr_nodes = 2,
					.kernelcore = "16M" };
	struct altmm_system *sys = altmm_test_create(test, &p);
	int nid;

	for (nid = 0; nid < 2; nid++) {
		unsigned long base = MB_PAGES(32 * nid);

		expect_zone(test, sys, nid, ALTMM_ZONE_NORMAL, base, MB_PAGES(8),
			    MB_PAGES(8));
		expect_zone(test, sys, nid, ALTMM_ZONE_MOVABLE, base + MB_PAGES(8),
			    MB_PAGES(24), MB_PAGES(24));
		KUNIT_EXPECT_EQ(test, sys->layout.zone_movable_pfn[nid],
				base + MB_PAGES(8));
	}
}

/*
 * movablecore=25% of 64M is 16M movable, so kernelcore is 48M: 24M per
 * node; the same answer as kernelcore=75%.
 */
static void layout_movablecore_percent(struct kunit *test)
{
	static const struct altmm_params pm = { .arena_mb = 64, .nr_nodes = 2,
					 .movablecore = "25%" };
	static const struct altmm_params pk = { .arena_mb = 64, .nr_nodes = 2,
					 .kernelcore = "75%" };
	struct altmm_system *m = altmm_test_create(test, &pm);
	struct altmm_system *k = altmm_test_create(test, &pk);
	int nid;

	for (nid = 0; nid < 2; nid++) {
		unsigned long base = MB_PAGES(32 * nid);

		expect_zone(test, m, nid, ALTMM_ZONE_MOVABLE, base + MB_PAGES(24),
			    MB_PAGES(8), MB_PAGES(8));
		KUNIT_EXPECT_EQ(test, m->layout.zone_movable_pfn[nid],
				k->layout.zone_movable_pfn[nid]);
	}
}

/*
 * Nodes of 8M and 56M with kernelcore=32M: 16M per node is asked, node 0
 * can only give its 8M, so a second pass gives node 1 the 8M left over.
 * Node 1 keeps 24M of kernelcore, its ZONE_MOVABLE starts at 8M + 24M,
 * and node 0, all kernelcore, has no ZONE_MOVABLE at all.
 */
static void layout_kernelcore_uneven(struct kunit *test)
{
	static const struct altmm_params p = { .arena_mb = 64, .nr_nodes = 2,
					.nr_node_mb = 2, .node_mb = { 8, 56 },
					.kernelcore = "32M" };
	struct altmm_system *sys = altmm_test_create(test, &p);

	KUNIT_EXPECT_EQ(test, sys->layout.zone_movable_pfn[0], 0);
	KUNIT_EXPECT_EQ(test, sys->layout.zone_movable_pfn[1], MB_PAGES(8 + 24));
	expect_zone(test, sys, 0, ALTMM_ZONE_MOVABLE, 0, 0, 0);
	expect_zone(test, sys, 1, ALTMM_ZONE_NORMAL, MB_PAGES(8), MB_PAGES(24), MB_PAGES(24));
	expect_zone(test, sys, 1, ALTMM_ZONE_MOVABLE, MB_PAGES(32), MB_PAGES(32), MB_PAGES(32));
}

/* ZONE_MOVABLE comes from the highest populated zone: DMA32 when there is no Normal. */
static void layout_movable_from_dma32(struct kunit *test)
{
	static const struct altmm_params p = { .arena_mb = 32, .nr_nodes = 1,
					.dma_mb = 16, .dma32_mb = 128,
					.movablecore = "8M" };
	struct altmm_system *sys = altmm_test_create(test, &p);

	KUNIT_EXPECT_EQ(test, sys->layout.movable_zone, ALTMM_ZONE_DMA32);
	expect_zone(test, sys, 0, ALTMM_ZONE_DMA32, MB_PAGES(16), MB_PAGES(8), MB_PAGES(8));
	expect_zone(test, sys, 0, ALTMM_ZONE_MOVABLE, MB_PAGES(24), MB_PAGES(8), MB_PAGES(8));
	expect_zone(test, sys, 0, ALTMM_ZONE_NORMAL, 0, 0, 0);
}

static void layout_defaults(struct kunit *test)
{
	static const struct altmm_params p = { .arena_mb = 40, .nr_nodes = 3 };
	struct altmm_param_error err;
	struct altmm_layout *l = new_layout(test);
	int i, j;

	KUNIT_ASSERT_EQ(test, altmm_layout_build(&p, l, &err), 0);
	/* 10 sections split 3/3/4: whole sections, the last node takes the rest. */
	KUNIT_EXPECT_EQ(test, l->node_range[0].end, MB_PAGES(12));
	KUNIT_EXPECT_EQ(test, l->node_range[1].end, MB_PAGES(24));
	KUNIT_EXPECT_EQ(test, l->node_range[2].end, MB_PAGES(40));
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			KUNIT_EXPECT_EQ(test, l->distance[i][j], i == j ? 10 : 20);
	for (i = 0; i < nr_cpu_ids; i++)
		KUNIT_EXPECT_EQ(test, l->cpu_node[i], i % 3);
	/* No DMA/DMA32 boundary: everything is Normal. */
	KUNIT_EXPECT_EQ(test, l->zone_low[ALTMM_ZONE_NORMAL], 0);
	KUNIT_EXPECT_EQ(test, l->zone_high[ALTMM_ZONE_NORMAL], MB_PAGES(40));
	altmm_layout_free(l);
}

static void layout_explicit_tables(struct kunit *test)
{
	static const struct altmm_params p = {
		.arena_mb = 64, .nr_nodes = 2, .nr_node_mb = 2,
		.node_mb = { 16, 48 }, .nr_distance = 4,
		.distance = { 10, 31, 31, 10 }, .nr_cpu_node = 1,
		.cpu_node = { 1 },
	};
	struct altmm_param_error err;
	struct altmm_layout *l = new_layout(test);

	KUNIT_ASSERT_EQ(test, altmm_layout_build(&p, l, &err), 0);
	KUNIT_EXPECT_EQ(test, l->node_range[1].start, MB_PAGES(16));
	KUNIT_EXPECT_EQ(test, l->distance[0][1], 31);
	KUNIT_EXPECT_EQ(test, l->cpu_node[0], 1);
	altmm_layout_free(l);
}

static struct kunit_case altmm_layout_cases[] = {
	KUNIT_CASE_PARAM(layout_refuses_bad_params, bad_gen_params),
	KUNIT_CASE_PARAM(layout_accepts_good_params, layouts_gen_params),
	KUNIT_CASE(layout_spans_all_zones),
	KUNIT_CASE(layout_kernelcore_even),
	KUNIT_CASE(layout_movablecore_percent),
	KUNIT_CASE(layout_kernelcore_uneven),
	KUNIT_CASE(layout_movable_from_dma32),
	KUNIT_CASE(layout_defaults),
	KUNIT_CASE(layout_explicit_tables),
	{}
};

static struct kunit_suite altmm_layout_suite = {
	.name = "altmm_layout",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_layout_cases,
};

kunit_test_suite(altmm_layout_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's memory layout");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
