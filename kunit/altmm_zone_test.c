// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for zones (zone.c): which zone a GFP mask may use, the
 * zonelists that order the zones of every node by distance, the
 * watermarks and lowmem reserves that 6.1 derives from min_free_kbytes,
 * watermark_scale_factor and lowmem_reserve_ratio, and the watermark
 * check with the allowances of __GFP_HIGH, non-blocking and OOM callers.
 *
 * The expectations are 6.1's formulas worked by hand for concrete
 * layouts (in the comments), and for every catalogued layout an
 * independent rendering of the same formulas (expect_watermarks()).
 * Zonelists are checked twice: as built, and as allocations walk them
 * (the zones a fill touches, in the order it first touches them).
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "altmm_test.h"

/*
 * Not exported (yet): recomputing after a tunable changes is tested when
 * altmm.ko exports it, and skipped otherwise.  A weak reference resolves
 * to NULL at load time instead of refusing the module.
 */
#pragma weak altmm_setup_watermarks

/* === GFP === */

/**
 * struct gfp_zone_case - a zone-modifier combination and 6.1's answer
 * @gfp: __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM, __GFP_MOVABLE bits
 * @zone: GFP_ZONE_TABLE's zone, or -EINVAL where GFP_ZONE_BAD is set
 */
struct gfp_zone_case {
	gfp_t gfp;
	int zone;
};

/*
 * All sixteen combinations, from include/linux/gfp.h: each modifier alone
 * names its zone, __GFP_MOVABLE alone is Normal and with __GFP_HIGHMEM is
 * Movable, with __GFP_DMA or __GFP_DMA32 it changes nothing; two of DMA,
 * DMA32 and HIGHMEM together are bad, with or without MOVABLE.  altmm
 * honours __GFP_HIGHMEM (it can lay out a HighMem zone), as a 32-bit
 * kernel with CONFIG_HIGHMEM does.
 */
static const struct gfp_zone_case gfp_zone_cases[] = {
	{ 0, ALTMM_ZONE_NORMAL },
	{ __GFP_DMA, ALTMM_ZONE_DMA },
	{ __GFP_HIGHMEM, ALTMM_ZONE_HIGHMEM },
	{ __GFP_DMA32, ALTMM_ZONE_DMA32 },
	{ __GFP_MOVABLE, ALTMM_ZONE_NORMAL },
	{ __GFP_MOVABLE | __GFP_DMA, ALTMM_ZONE_DMA },
	{ __GFP_MOVABLE | __GFP_HIGHMEM, ALTMM_ZONE_MOVABLE },
	{ __GFP_MOVABLE | __GFP_DMA32, ALTMM_ZONE_DMA32 },
	{ __GFP_DMA | __GFP_HIGHMEM, -EINVAL },
	{ __GFP_DMA | __GFP_DMA32, -EINVAL },
	{ __GFP_DMA32 | __GFP_HIGHMEM, -EINVAL },
	{ __GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM, -EINVAL },
	{ __GFP_MOVABLE | __GFP_HIGHMEM | __GFP_DMA, -EINVAL },
	{ __GFP_MOVABLE | __GFP_DMA32 | __GFP_DMA, -EINVAL },
	{ __GFP_MOVABLE | __GFP_DMA32 | __GFP_HIGHMEM, -EINVAL },
	{ __GFP_MOVABLE | __GFP_DMA32 | __GFP_DMA | __GFP_HIGHMEM, -EINVAL },
};

static void zone_gfp_zone_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gfp_zone_cases); i++) {
		const struct gfp_zone_case *c = &gfp_zone_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, altmm_gfp_zone(c->gfp), c->zone,
				    "gfp %#x", (__force unsigned int)c->gfp);
		/* Action modifiers never change the zone. */
		KUNIT_EXPECT_EQ_MSG(test, altmm_gfp_zone(c->gfp | GFP_ATOMIC), c->zone,
				    "gfp %#x | GFP_ATOMIC", (__force unsigned int)c->gfp);
		KUNIT_EXPECT_EQ_MSG(test, altmm_gfp_zone(c->gfp | GFP_KERNEL | __GFP_THISNODE),
				    c->zone, "gfp %#x | GFP_KERNEL", (__force unsigned int)c->gfp);
	}
	KUNIT_EXPECT_EQ(test, altmm_gfp_zone(GFP_HIGHUSER_MOVABLE), ALTMM_ZONE_MOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_gfp_zone(GFP_HIGHUSER), ALTMM_ZONE_HIGHMEM);
	KUNIT_EXPECT_EQ(test, altmm_gfp_zone(GFP_USER), ALTMM_ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, altmm_gfp_zone(GFP_DMA32), ALTMM_ZONE_DMA32);
}

/* gfp_migratetype(): movable or reclaimable by their bit, both is a bug. */
static void zone_gfp_migratetype(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, altmm_gfp_migratetype(GFP_KERNEL, false), ALTMM_MIGRATE_UNMOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_gfp_migratetype(GFP_ATOMIC, false), ALTMM_MIGRATE_UNMOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_gfp_migratetype(GFP_HIGHUSER_MOVABLE, false),
			ALTMM_MIGRATE_MOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE, false),
			ALTMM_MIGRATE_RECLAIMABLE);
	KUNIT_EXPECT_EQ(test, altmm_gfp_migratetype(__GFP_MOVABLE | __GFP_RECLAIMABLE, false),
			-EINVAL);
	/* Without grouping by mobility, everything is unmovable. */
	KUNIT_EXPECT_EQ(test, altmm_gfp_migratetype(GFP_HIGHUSER_MOVABLE, true),
			ALTMM_MIGRATE_UNMOVABLE);
	KUNIT_EXPECT_EQ(test, altmm_gfp_migratetype(__GFP_RECLAIMABLE, true),
			ALTMM_MIGRATE_UNMOVABLE);
}

/* === Watermarks and lowmem reserves === */

static unsigned long managed(struct altmm_system *sys, int nid, int zt)
{
	return altmm_zone_managed(altmm_test_zone(sys, nid, zt));
}

/*
 * "wm": one node of 64 MiB, DMA [0, 16M), DMA32 [16M, 32M), Normal
 * [32M, 48M), HighMem [48M, 64M).  The boot allocator places metadata
 * top-down in the node, so all of it (sixteen 32 KiB memory maps, a
 * frame for each 8-byte usemap wedged between them, the node: about 150
 * frames) lands in HighMem, and the firmware frame is pfn 0:
 *
 *   managed: DMA 4095, DMA32 4096, Normal 4096, HighMem H = 4096 - ~150
 *
 * min_free_kbytes = int_sqrt(16 * lowmem kB), the lowmem being what
 * GFP_USER could use above the high marks, all of it at boot (marks 0):
 *   (4095 + 4096 + 4096) * 4 = 49148 kB; 16 * 49148 = 786368;
 *   886^2 = 784996 <= 786368 < 887^2 = 786769, so 886 kB (within 128..262144)
 * pages_min = 886 / 4 = 221, shared by managed size among non-HighMem
 * zones (lowmem_pages = 12287), rounding down:
 *   DMA     221 * 4095 / 12287 = 904995 / 12287 = 73
 *   DMA32   221 * 4096 / 12287 = 905216 / 12287 = 73; Normal the same
 * each step to low and high is max(min / 4, managed * 10 / 10000):
 *   max(18, 4) = 18: min 73, low 91, high 109, promo 127 for all three
 * HighMem: min = clamp(H / 1024 = 3, 32, 128) = 32; its step still
 * uses its share tmp = 221 * H / 12287, which is 68..71 for
 * 3781 <= H <= 4003, so max(tmp / 4 = 17, H * 10 / 10000 = 3) = 17:
 *   min 32, low 49, high 66, promo 83
 * lowmem_reserve[j] = managed of the zones above, up to j, / ratio
 * (256 DMA, 256 DMA32, 32 Normal, 0 HighMem: none):
 *   DMA     [DMA32] 4096 / 256 = 16, [Normal] 8192 / 256 = 32,
 *           [HighMem] = [Movable] = [Device] = (8192 + H) / 256
 *   DMA32   [Normal] 16, [HighMem...] = (4096 + H) / 256
 *   Normal  [HighMem...] = H / 32
 * totalreserve = sum of min(managed, high + largest reserve):
 *   109 + (8192 + H) / 256 + 109 + (4096 + H) / 256 + 109 + H / 32 + 66
 */
static const struct altmm_params wm_layout = {
	.arena_mb = 64, .nr_nodes = 1, .dma_mb = 16, .dma32_mb = 32, .highmem_mb = 48,
};

static void expect_marks(struct kunit *test, struct altmm_zone *z,
			 unsigned long min, unsigned long low,
			 unsigned long high, unsigned long promo)
{
	const char *name = altmm_zone_names[z->type];

	KUNIT_EXPECT_EQ_MSG(test, z->watermark[ALTMM_WMARK_MIN], min, "%s min", name);
	KUNIT_EXPECT_EQ_MSG(test, z->watermark[ALTMM_WMARK_LOW], low, "%s low", name);
	KUNIT_EXPECT_EQ_MSG(test, z->watermark[ALTMM_WMARK_HIGH], high, "%s high", name);
	KUNIT_EXPECT_EQ_MSG(test, z->watermark[ALTMM_WMARK_PROMO], promo, "%s promo", name);
}

static void zone_watermarks_by_hand(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &wm_layout);
	struct altmm_zone *dma = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA);
	struct altmm_zone *dma32 = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA32);
	struct altmm_zone *normal = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	struct altmm_zone *high = altmm_test_zone(sys, 0, ALTMM_ZONE_HIGHMEM);
	unsigned long h = managed(sys, 0, ALTMM_ZONE_HIGHMEM);
	int j;

	KUNIT_ASSERT_EQ(test, managed(sys, 0, ALTMM_ZONE_DMA), 4095UL);
	KUNIT_ASSERT_EQ(test, managed(sys, 0, ALTMM_ZONE_DMA32), 4096UL);
	KUNIT_ASSERT_EQ(test, managed(sys, 0, ALTMM_ZONE_NORMAL), 4096UL);
	KUNIT_ASSERT_GE(test, h, 3781UL);
	KUNIT_ASSERT_LE(test, h, 4003UL);

	KUNIT_EXPECT_EQ(test, sys->tune.min_free_kbytes, 886);
	expect_marks(test, dma, 73, 91, 109, 127);
	expect_marks(test, dma32, 73, 91, 109, 127);
	expect_marks(test, normal, 73, 91, 109, 127);
	expect_marks(test, high, 32, 49, 66, 83);

	KUNIT_EXPECT_EQ(test, dma->lowmem_reserve[ALTMM_ZONE_DMA], 0L);
	KUNIT_EXPECT_EQ(test, dma->lowmem_reserve[ALTMM_ZONE_DMA32], 16L);
	KUNIT_EXPECT_EQ(test, dma->lowmem_reserve[ALTMM_ZONE_NORMAL], 32L);
	KUNIT_EXPECT_EQ(test, dma32->lowmem_reserve[ALTMM_ZONE_NORMAL], 16L);
	for (j = ALTMM_ZONE_HIGHMEM; j < ALTMM_NR_ZONES; j++) {
		KUNIT_EXPECT_EQ(test, dma->lowmem_reserve[j], (long)(8192 + h) / 256);
		KUNIT_EXPECT_EQ(test, dma32->lowmem_reserve[j], (long)(4096 + h) / 256);
		KUNIT_EXPECT_EQ(test, normal->lowmem_reserve[j], (long)h / 32);
		KUNIT_EXPECT_EQ(test, high->lowmem_reserve[j], 0L);
	}
	for (j = 0; j <= ALTMM_ZONE_DMA32; j++)
		KUNIT_EXPECT_EQ(test, dma32->lowmem_reserve[j], 0L);
	KUNIT_EXPECT_EQ(test, sys->totalreserve_pages,
			109 + (8192 + h) / 256 + 109 + (4096 + h) / 256 + 109 + h / 32 + 66);
}

/*
 * 6.1's formulas again, written independently of zone.c, for any layout:
 * init_per_zone_wmark_min() at boot, when every high mark is still 0.
 */
static bool zone_is_highmem(struct altmm_system *sys, int zt)
{
	return zt == ALTMM_ZONE_HIGHMEM ||
	       (zt == ALTMM_ZONE_MOVABLE && sys->layout.movable_zone == ALTMM_ZONE_HIGHMEM);
}

static void expect_watermarks(struct kunit *test, struct altmm_system *sys)
{
	unsigned long buffer = 0, lowmem = 0, total = 0, pages_min;
	int nid, zt, j, mfk;

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			/* nr_free_buffer_pages(): the GFP_USER zones, every node. */
			if (zt <= ALTMM_ZONE_NORMAL)
				buffer += managed(sys, nid, zt);
			if (!zone_is_highmem(sys, zt))
				lowmem += managed(sys, nid, zt);
		}
	}
	mfk = clamp_t(int, int_sqrt(buffer * 4 * 16), 128, 262144);
	KUNIT_EXPECT_EQ(test, sys->tune.min_free_kbytes, mfk);
	pages_min = mfk / 4;

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			struct altmm_zone *z = altmm_test_zone(sys, nid, zt);
			unsigned long m = managed(sys, nid, zt), share, step, min, upper = 0;
			int ratio = sys->tune.lowmem_reserve_ratio[zt];
			long most = 0;

			share = lowmem ? (u64)pages_min * m / lowmem : 0;
			min = zone_is_highmem(sys, zt) ? clamp(m / 1024, 32UL, 128UL) : share;
			step = max(share / 4, m * 10 / 10000);
			expect_marks(test, z, min, min + step, min + 2 * step, min + 3 * step);

			for (j = zt + 1; j < ALTMM_NR_ZONES; j++) {
				long want;

				upper += managed(sys, nid, j);
				want = zt == ALTMM_NR_ZONES - 1 || !ratio || !m ? 0 :
				       upper / ratio;
				KUNIT_EXPECT_EQ_MSG(test, z->lowmem_reserve[j], want,
						    "node %d %s reserve for %s", nid,
						    altmm_zone_names[zt], altmm_zone_names[j]);
			}
			for (j = zt; j < ALTMM_NR_ZONES; j++)
				most = max(most, z->lowmem_reserve[j]);
			total += min_t(unsigned long, m, most + z->watermark[ALTMM_WMARK_HIGH]);
		}
	}
	KUNIT_EXPECT_EQ(test, sys->totalreserve_pages, total);
}

KUNIT_ARRAY_PARAM(layouts, altmm_test_layouts, altmm_test_layout_desc);

static void zone_watermarks_formula(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;

	expect_watermarks(test, altmm_test_create(test, &t->p));
}

/*
 * A tunable write stores the value under tune_lock and recomputes
 * (altmm_setup_watermarks(), as the sysctl handlers do).  In 6.1 only
 * boot and memory hotplug recompute min_free_kbytes
 * (init_per_zone_wmark_min()); watermark_scale_factor and
 * lowmem_reserve_ratio writes leave it alone.  Here, on "wm":
 *
 *   watermark_scale_factor 10 -> 1000: steps become
 *   max(min / 4, managed * 1000 / 10000): DMA max(18, 409) = 409, so
 *   min 73, low 482, high 891; DMA32 and Normal 409.6 -> 409 as well:
 *   73, 482, 891.  min_free_kbytes stays 886.
 *   lowmem_reserve_ratio DMA 256 -> 1: DMA [DMA32] = 4096 / 1 = 4096.
 *   min_free_kbytes 886 -> 2048: pages_min 512, DMA min
 *   512 * 4095 / 12287 = 170 (170.6), step max(42, 409) = 409.
 */
static void zone_tunables_recompute(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &wm_layout);
	struct altmm_zone *dma = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA);
	struct altmm_zone *dma32 = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA32);
	struct altmm_zone *normal = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);

	if (!altmm_setup_watermarks)
		kunit_skip(test, "altmm_setup_watermarks() is not exported by altmm.ko");

	KUNIT_ASSERT_EQ(test, sys->tune.min_free_kbytes, 886);
	mutex_lock(&sys->tune_lock);
	WRITE_ONCE(sys->tune.watermark_scale_factor, 1000);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
	KUNIT_EXPECT_EQ(test, sys->tune.min_free_kbytes, 886);
	expect_marks(test, dma, 73, 482, 891, 1300);
	expect_marks(test, dma32, 73, 482, 891, 1300);
	expect_marks(test, normal, 73, 482, 891, 1300);

	mutex_lock(&sys->tune_lock);
	WRITE_ONCE(sys->tune.lowmem_reserve_ratio[ALTMM_ZONE_DMA], 1);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
	KUNIT_EXPECT_EQ(test, dma->lowmem_reserve[ALTMM_ZONE_DMA32], 4096L);
	KUNIT_EXPECT_EQ(test, dma->lowmem_reserve[ALTMM_ZONE_NORMAL], 8192L);
	KUNIT_EXPECT_EQ(test, sys->tune.min_free_kbytes, 886);

	mutex_lock(&sys->tune_lock);
	WRITE_ONCE(sys->tune.min_free_kbytes, 2048);
	WRITE_ONCE(sys->tune.user_min_free_kbytes, 2048);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
	KUNIT_EXPECT_EQ(test, sys->tune.min_free_kbytes, 2048);
	expect_marks(test, dma, 170, 579, 988, 1397);
}

/* === Zonelists === */

/**
 * struct zl_entry - one expected zonelist entry
 * @nid: node
 * @zt: zone type
 */
struct zl_entry {
	int nid;
	int zt;
};

static void expect_zonelist(struct kunit *test, struct altmm_system *sys,
			    int nid, int type, const struct zl_entry *want, int nr)
{
	struct altmm_zone * const *zones = sys->nodes[nid]->zonelists[type].zones;
	int i;

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, zones[i], "node %d list %d ends at %d", nid,
					  type, i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, zones[i],
					altmm_test_zone(sys, want[i].nid, want[i].zt),
					"node %d list %d entry %d: node %d %s, want node %d %s",
					nid, type, i, altmm_zone_nid(zones[i]),
					altmm_zone_names[zones[i]->type], want[i].nid,
					altmm_zone_names[want[i].zt]);
	}
	KUNIT_EXPECT_NULL_MSG(test, zones[nr], "node %d list %d is longer than %d", nid,
			      type, nr);
}

#define D	ALTMM_ZONE_DMA
#define D32	ALTMM_ZONE_DMA32
#define N	ALTMM_ZONE_NORMAL
#define H	ALTMM_ZONE_HIGHMEM
#define M	ALTMM_ZONE_MOVABLE

/* One node: its managed zones, highest first; Device is never managed. */
static void zone_zonelist_one_node(struct kunit *test)
{
	static const struct zl_entry all[] = { { 0, M }, { 0, H }, { 0, N }, { 0, D32 }, { 0, D } };
	struct altmm_system *sys = altmm_test_create(test, &altmm_test_layouts[3].p);

	KUNIT_ASSERT_STREQ(test, altmm_test_layouts[3].name, "all_zones");
	expect_zonelist(test, sys, 0, ALTMM_ZONELIST_FALLBACK, all, ARRAY_SIZE(all));
	expect_zonelist(test, sys, 0, ALTMM_ZONELIST_NOFALLBACK, all, ARRAY_SIZE(all));
}

/*
 * Two nodes, default distances (10 local, 20 remote), 32 MiB each:
 * node 0 has DMA [0, 16M) and DMA32 [16M, 32M), node 1 is all Normal.
 * Each node's own zones come first.
 */
static void zone_zonelist_two_nodes(struct kunit *test)
{
	static const struct altmm_params p = {
		.arena_mb = 64, .nr_nodes = 2, .dma_mb = 16, .dma32_mb = 32,
	};
	static const struct zl_entry n0[] = { { 0, D32 }, { 0, D }, { 1, N } };
	static const struct zl_entry n1[] = { { 1, N }, { 0, D32 }, { 0, D } };
	struct altmm_system *sys = altmm_test_create(test, &p);

	expect_zonelist(test, sys, 0, ALTMM_ZONELIST_FALLBACK, n0, ARRAY_SIZE(n0));
	expect_zonelist(test, sys, 1, ALTMM_ZONELIST_FALLBACK, n1, ARRAY_SIZE(n1));
	expect_zonelist(test, sys, 0, ALTMM_ZONELIST_NOFALLBACK, n0, 2);
	expect_zonelist(test, sys, 1, ALTMM_ZONELIST_NOFALLBACK, n1, 1);
}

/*
 * Four nodes of 24 MiB with an asymmetric distance table (row: from):
 *
 *          0   1   2   3
 *     0:  10  30  20  30
 *     1:  25  10  20  20
 *     2:  20  40  10  30
 *     3:  40  15  30  10
 *
 * DMA [0, 16M), DMA32 [16M, 32M), HighMem from 80M, so node 0 has DMA32
 * and DMA, node 1 Normal and DMA32, node 2 Normal, node 3 HighMem and
 * Normal.  Every CPU is on node 0.  find_next_best_node() scores a
 * candidate n of local node l as (d(l, n) + (n < l) + (n has CPUs)) * 1024
 * (MAX_NUMNODES) + node_load[n], lowest first, first of equals;
 * build_zonelists() adds one to node_load[n] whenever n's distance differs
 * from the previous node's.  Nodes are built 0 to 3, node_load shared:
 *
 * node 0: 0 first.  1: 30720, 2: 20480, 3: 30720 -> 2 (20 != 10:
 *   load[2] = 1); 1: 30720, 3: 30720, equal -> 1 (30 != 20: load[1] = 1);
 *   then 3 (30 == 30).  Order 0 2 1 3; load 0 1 1 0.
 * node 1: 1 first.  0: (25 + 1 + 1) * 1024 = 27648, 2: 20480 + 1 = 20481,
 *   3: 20480 + 0 = 20480 -> 3, the lighter (load[3] = 1); 0: 27648,
 *   2: 20481 -> 2 (20 == 20); then 0 (25 != 20: load[0] = 1).
 *   Order 1 3 2 0; load 1 1 1 1.
 * node 2: 2 first.  0: (20 + 1 + 1) * 1024 + 1 = 22529, 1: (40 + 1) * 1024
 *   + 1 = 41985, 3: 30720 + 1 = 30721 -> 0 (load[0] = 2); 3 (load[3] = 2);
 *   then 1.  Order 2 0 3 1; load 2 2 1 2.
 * node 3: 3 first.  0: (40 + 1 + 1) * 1024 + 2 = 43010, 1: (15 + 1) * 1024
 *   + 2 = 16386, 2: (30 + 1) * 1024 + 1 = 31745 -> 1, then 2, then 0.
 *   Order 3 1 2 0.
 *
 * The CPU map puts every possible CPU on node 0, so the lists are the
 * same on one CPU (UML) and on the SMP debug kernel.
 */
static const struct altmm_params four_nodes = {
	.arena_mb = 96, .nr_nodes = 4, .dma_mb = 16, .dma32_mb = 32, .highmem_mb = 80,
	.nr_distance = 16,
	.distance = { 10, 30, 20, 30,
		      25, 10, 20, 20,
		      20, 40, 10, 30,
		      40, 15, 30, 10 },
	/* cpu_node all 0; the test sets nr_cpu_node to every possible CPU. */
};

static const struct zl_entry four_nodes_lists[4][7] = {
	{ { 0, D32 }, { 0, D }, { 2, N }, { 1, N }, { 1, D32 }, { 3, H }, { 3, N } },
	{ { 1, N }, { 1, D32 }, { 3, H }, { 3, N }, { 2, N }, { 0, D32 }, { 0, D } },
	{ { 2, N }, { 0, D32 }, { 0, D }, { 3, H }, { 3, N }, { 1, N }, { 1, D32 } },
	{ { 3, H }, { 3, N }, { 1, N }, { 1, D32 }, { 2, N }, { 0, D32 }, { 0, D } },
};

static void zone_zonelist_four_nodes(struct kunit *test)
{
	static const int own[4] = { 2, 2, 1, 2 };
	struct altmm_params *p = kunit_kmalloc(test, sizeof(*p), GFP_KERNEL);
	struct altmm_system *sys;
	int nid;

	KUNIT_ASSERT_NOT_NULL(test, p);
	*p = four_nodes;
	p->nr_cpu_node = min_t(unsigned int, nr_cpu_ids, ALTMM_MAX_CPU_PARAMS);
	sys = altmm_test_create(test, p);

	for (nid = 0; nid < 4; nid++) {
		expect_zonelist(test, sys, nid, ALTMM_ZONELIST_FALLBACK,
				four_nodes_lists[nid], 7);
		expect_zonelist(test, sys, nid, ALTMM_ZONELIST_NOFALLBACK,
				four_nodes_lists[nid], own[nid]);
	}
}

/*
 * Allocate order-0 pages with @gfp (no reclaim, no kswapd) preferring
 * @nid until refused, and record the zones in the order the allocations
 * first came from them; then give everything back.  The fast path tries
 * the zonelist in order against each zone's low mark (plus reserve), the
 * slow path again against min: a zone is touched only once every zone
 * before it is low, so first use follows the zonelist.
 */
static int fill_order(struct kunit *test, struct altmm_system *sys, gfp_t gfp,
		      int nid, struct altmm_zone **seen, int max, int *only_nid)
{
	struct altmm_test_hold *h;
	unsigned long total = 0;
	struct altmm_zone *zone;
	int n = 0, node, zt;

	for_each_altmm_populated_zone(sys, zone, node, zt)
		total += altmm_zone_managed(zone);
	h = altmm_test_hold_new(test, total + 1);
	*only_nid = nid;
	while (h->nr < h->max) {
		struct page *page = altmm_sys_alloc_pages(sys, gfp | __GFP_NOWARN, 0, nid);
		int i;

		if (!page)
			break;
		h->page[h->nr] = page;
		h->order[h->nr++] = 0;
		zone = altmm_pfn_to_zone(sys, altmm_test_pfn(test, sys, page));
		if (altmm_zone_nid(zone) != nid)
			*only_nid = -1;
		for (i = 0; i < n && seen[i] != zone; i++)
			;
		if (i == n && n < max)
			seen[n++] = zone;
	}
	KUNIT_EXPECT_GT(test, h->nr, 0UL);
	altmm_test_release(test, sys, h);
	altmm_drain_all_pages(sys, NULL);
	return n;
}

static void expect_fill_order(struct kunit *test, struct altmm_system *sys,
			      gfp_t gfp, int nid)
{
	struct altmm_zone **seen = kunit_kcalloc(test, ALTMM_MAX_ZONEREFS, sizeof(*seen),
						  GFP_KERNEL);
	struct altmm_zone * const *zl = sys->nodes[nid]->zonelists[ALTMM_ZONELIST_FALLBACK].zones;
	int n, i, want = 0, highest = altmm_gfp_zone(gfp), only;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	n = fill_order(test, sys, gfp, nid, seen, ALTMM_MAX_ZONEREFS, &only);
	for (i = 0; zl[i]; i++) {
		if ((int)zl[i]->type > highest)
			continue;
		KUNIT_EXPECT_LT_MSG(test, want, n, "gfp %pGg node %d: node %d %s never used",
				    &gfp, nid, altmm_zone_nid(zl[i]),
				    altmm_zone_names[zl[i]->type]);
		if (want < n)
			KUNIT_EXPECT_PTR_EQ_MSG(test, seen[want], zl[i],
						"gfp %pGg node %d: use %d was node %d %s", &gfp,
						nid, want, altmm_zone_nid(seen[want]),
						altmm_zone_names[seen[want]->type]);
		want++;
	}
	KUNIT_EXPECT_EQ_MSG(test, n, want, "gfp %pGg node %d", &gfp, nid);
}

/*
 * Every zone modifier on "all_zones" (one node: Movable, HighMem, Normal,
 * DMA32, DMA): __GFP_DMA uses DMA only; __GFP_DMA32 DMA32 then DMA; no
 * modifier (or __GFP_MOVABLE alone) Normal, DMA32, DMA; __GFP_HIGHMEM
 * HighMem first; __GFP_HIGHMEM | __GFP_MOVABLE Movable first.
 */
static void zone_modifiers_walk_zonelist(struct kunit *test)
{
	static const gfp_t modifiers[] = {
		__GFP_DMA, __GFP_DMA32, 0, __GFP_MOVABLE, __GFP_HIGHMEM,
		__GFP_HIGHMEM | __GFP_MOVABLE,
	};
	struct altmm_system *sys = altmm_test_create(test, &altmm_test_layouts[3].p);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modifiers); i++)
		expect_fill_order(test, sys, modifiers[i], 0);
}

/* The four-node zonelists, walked from every node by GFP_HIGHUSER. */
static void zone_nodes_walk_zonelist(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &four_nodes);
	int nid;

	for (nid = 0; nid < 4; nid++)
		expect_fill_order(test, sys, GFP_HIGHUSER & ~__GFP_RECLAIM, nid);
	/* A bad mask and a node out of range are refused, not walked. */
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, __GFP_DMA | __GFP_HIGHMEM |
						      __GFP_NOWARN, 0, 0));
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_NOWARN, 0, 4));
}

static int page_nid(struct kunit *test, struct altmm_system *sys, struct page *page)
{
	return altmm_zone_nid(altmm_pfn_to_zone(sys, altmm_test_pfn(test, sys, page)));
}

/*
 * __GFP_THISNODE uses the node's own zonelist: a fill from each node of
 * "four_nodes" never leaves it, and once it stops the node's neighbours
 * still serve the same request without the flag.
 */
static void zone_thisnode_stays(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &four_nodes);
	struct altmm_zone **seen = kunit_kcalloc(test, ALTMM_MAX_ZONEREFS, sizeof(*seen),
						  GFP_KERNEL);
	int nid, n, only;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (nid = 0; nid < 4; nid++) {
		struct altmm_test_hold *h = altmm_test_hold_new(test, MB_PAGES(24));
		struct page *page;
		unsigned long i;

		n = fill_order(test, sys, __GFP_HIGHMEM | __GFP_THISNODE, nid, seen,
			       ALTMM_MAX_ZONEREFS, &only);
		KUNIT_EXPECT_EQ_MSG(test, only, nid, "a __GFP_THISNODE page left node %d", nid);
		KUNIT_EXPECT_EQ(test, n, nid == 2 ? 1 : 2);

		/* Fill again and keep it; the others still have room. */
		altmm_test_fill(sys, h, __GFP_HIGHMEM | __GFP_THISNODE | __GFP_NOWARN, 0, nid);
		for (i = 0; i < h->nr; i++)
			KUNIT_EXPECT_EQ(test, page_nid(test, sys, h->page[i]), nid);
		page = altmm_sys_alloc_pages(sys, __GFP_HIGHMEM | __GFP_NOWARN, 0, nid);
		KUNIT_EXPECT_NOT_NULL(test, page);
		if (page) {
			KUNIT_EXPECT_NE(test, page_nid(test, sys, page), nid);
			KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
		}
		altmm_test_release(test, sys, h);
	}
}

/* === The watermark check === */

/**
 * struct wmark_case - a call of the watermark check and its answer
 * @name: for the log
 * @order: order asked
 * @mark: the mark
 * @flags: ALTMM_ALLOC_*
 * @pass: the smallest free count that passes; one less fails
 */
struct wmark_case {
	const char *name;
	unsigned int order;
	unsigned long mark;
	unsigned int flags;
	long pass;
};

/*
 * __zone_watermark_ok() on a zone with no reserve for its own type and
 * no high-atomic reserve: free - (2^order - 1) must exceed min, where
 * __GFP_HIGH (ALLOC_MIN_RESERVE) takes min / 2 off, non-blocking callers
 * with it a further quarter of what is left, OOM victims half again.
 * Non-blocking alone (GFP_NOWAIT) takes nothing off.
 */
static const struct wmark_case wmark_cases[] = {
	{ "plain", 0, 100, 0, 101 },
	{ "__GFP_HIGH", 0, 100, ALTMM_ALLOC_MIN_RESERVE, 51 },		/* 100 - 50 */
	{ "GFP_ATOMIC", 0, 100, ALTMM_ALLOC_MIN_RESERVE | ALTMM_ALLOC_NON_BLOCK, 39 },
									/* 50 - 12 */
	{ "GFP_NOWAIT", 0, 100, ALTMM_ALLOC_NON_BLOCK, 101 },
	{ "OOM", 0, 100, ALTMM_ALLOC_OOM, 51 },				/* 100 - 50 */
	{ "__GFP_HIGH+OOM", 0, 100, ALTMM_ALLOC_MIN_RESERVE | ALTMM_ALLOC_OOM, 26 },
									/* 50 - 25 */
	{ "GFP_ATOMIC+OOM", 0, 100, ALTMM_ALLOC_MIN_RESERVE | ALTMM_ALLOC_NON_BLOCK |
	  ALTMM_ALLOC_OOM, 20 },					/* 38 - 19 */
	{ "HIGHATOMIC", 1, 100, ALTMM_ALLOC_HIGHATOMIC, 102 },		/* 1 unusable */
	{ "odd_mark", 0, 7, ALTMM_ALLOC_MIN_RESERVE | ALTMM_ALLOC_NON_BLOCK, 4 },
									/* 7-3=4, 4-1=3 */
	{ "order_3", 3, 100, 0, 108 },					/* 7 unusable */
	{ "order_3_atomic", 3, 100, ALTMM_ALLOC_MIN_RESERVE | ALTMM_ALLOC_NON_BLOCK, 46 },
};

static void zone_watermark_check(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &wm_layout);
	struct altmm_zone *dma = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA);
	unsigned long flags;
	long r = dma->lowmem_reserve[ALTMM_ZONE_NORMAL];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dma->nr_reserved_highatomic, 0UL);
	for (i = 0; i < ARRAY_SIZE(wmark_cases); i++) {
		const struct wmark_case *c = &wmark_cases[i];

		KUNIT_EXPECT_TRUE_MSG(test, altmm_zone_watermark_ok(dma, c->order, c->mark,
								    ALTMM_ZONE_DMA, c->flags,
								    c->pass), "%s", c->name);
		KUNIT_EXPECT_FALSE_MSG(test, altmm_zone_watermark_ok(dma, c->order, c->mark,
								     ALTMM_ZONE_DMA, c->flags,
								     c->pass - 1), "%s", c->name);
	}

	/* A request that could use Normal keeps DMA's reserve for Normal (32). */
	KUNIT_EXPECT_EQ(test, r, 32L);
	KUNIT_EXPECT_TRUE(test, altmm_zone_watermark_ok(dma, 0, 100, ALTMM_ZONE_NORMAL, 0,
							101 + r));
	KUNIT_EXPECT_FALSE(test, altmm_zone_watermark_ok(dma, 0, 100, ALTMM_ZONE_NORMAL, 0,
							 100 + r));

	/*
	 * The high-atomic reserve is not free to those without reserves, and
	 * is to __GFP_HIGH ones: with 512 reserved, plain needs 613.
	 */
	spin_lock_irqsave(&dma->lock, flags);
	dma->nr_reserved_highatomic = ALTMM_PAGEBLOCK_NR_PAGES;
	spin_unlock_irqrestore(&dma->lock, flags);
	KUNIT_EXPECT_TRUE(test, altmm_zone_watermark_ok(dma, 0, 100, ALTMM_ZONE_DMA, 0, 613));
	KUNIT_EXPECT_FALSE(test, altmm_zone_watermark_ok(dma, 0, 100, ALTMM_ZONE_DMA, 0, 612));
	KUNIT_EXPECT_TRUE(test, altmm_zone_watermark_ok(dma, 0, 100, ALTMM_ZONE_DMA,
							ALTMM_ALLOC_MIN_RESERVE, 51));
	spin_lock_irqsave(&dma->lock, flags);
	dma->nr_reserved_highatomic = 0;
	spin_unlock_irqrestore(&dma->lock, flags);
}

/*
 * Above order 0 a free block of that order or more must exist: take
 * every order-10 block of DMA away, and an order-10 request fails
 * however much is free, while an order-9 one passes.
 */
static void zone_watermark_needs_a_block(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &wm_layout);
	struct altmm_zone *dma = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA);
	struct altmm_test_hold *h = altmm_test_hold_new(test, 8);
	long lots = altmm_zone_managed(dma);

	KUNIT_EXPECT_TRUE(test, altmm_zone_watermark_ok(dma, 10, 0, ALTMM_ZONE_DMA, 0, lots));
	altmm_test_fill(sys, h, __GFP_DMA | __GFP_NOWARN, 10, 0);
	KUNIT_ASSERT_GT(test, h->nr, 0UL);
	KUNIT_ASSERT_EQ(test, dma->free_area[10].nr_free, 0UL);
	KUNIT_ASSERT_GT(test, dma->free_area[9].nr_free, 0UL);
	KUNIT_EXPECT_FALSE(test, altmm_zone_watermark_ok(dma, 10, 0, ALTMM_ZONE_DMA, 0, lots));
	KUNIT_EXPECT_FALSE(test, altmm_zone_watermark_ok(dma, 10, 0, ALTMM_ZONE_DMA,
							 ALTMM_ALLOC_MIN_RESERVE |
							 ALTMM_ALLOC_NON_BLOCK |
							 ALTMM_ALLOC_OOM, lots));
	KUNIT_EXPECT_TRUE(test, altmm_zone_watermark_ok(dma, 9, 0, ALTMM_ZONE_DMA, 0, lots));
	altmm_test_release(test, sys, h);
}

static struct kunit_case altmm_zone_cases[] = {
	KUNIT_CASE(zone_gfp_zone_table),
	KUNIT_CASE(zone_gfp_migratetype),
	KUNIT_CASE(zone_watermarks_by_hand),
	KUNIT_CASE_PARAM(zone_watermarks_formula, layouts_gen_params),
	KUNIT_CASE(zone_tunables_recompute),
	KUNIT_CASE(zone_zonelist_one_node),
	KUNIT_CASE(zone_zonelist_two_nodes),
	KUNIT_CASE(zone_zonelist_four_nodes),
	KUNIT_CASE(zone_modifiers_walk_zonelist),
	KUNIT_CASE(zone_nodes_walk_zonelist),
	KUNIT_CASE(zone_thisnode_stays),
	KUNIT_CASE(zone_watermark_check),
	KUNIT_CASE(zone_watermark_needs_a_block),
	{}
};

static struct kunit_suite altmm_zone_suite = {
	.name = "altmm_zone",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_zone_cases,
};

kunit_test_suite(altmm_zone_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's zones, zonelists and watermarks");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
