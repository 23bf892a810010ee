// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the boot allocator.  The region arithmetic is tested on
 * bare allocators with no arena behind them (phys_alloc never touches the
 * memory); the hand-over is tested on real instances, where the shared
 * checker also confirms that no frame is both free and reserved and that
 * free + reserved = present in every zone.
 */

#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sizes.h>

#include "altmm_test.h"

#define SEC	BIT_ULL(ALTMM_SECTION_SHIFT)

static struct altmm_memblock *new_memblock(struct kunit *test)
{
	struct altmm_memblock *mb = kunit_kzalloc(test, sizeof(*mb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mb);
	altmm_memblock_init(mb);
	return mb;
}

static void memblock_merges_regions(struct kunit *test)
{
	struct altmm_memblock *mb = new_memblock(test);

	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 0, SEC, 0), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 2 * SEC, SEC, 0), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 2);
	/* Filling the gap joins all three; another node's range does not join. */
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, SEC, SEC, 0), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 1);
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 3 * SEC, SEC, 1), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 2);
	/* Overlapping memory and empty ranges are refused. */
	KUNIT_EXPECT_EQ(test, altmm_memblock_add(mb, SEC / 2, SEC, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_memblock_add(mb, 8 * SEC, 0, 0), -EINVAL);

	/* Reservations merge when they overlap or touch. */
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, 0, PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, 2 * PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mb->reserved.cnt, 2);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, PAGE_SIZE / 2, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mb->reserved.cnt, 1);
	KUNIT_EXPECT_EQ(test, mb->reserved.regions[0].size, 3ULL * PAGE_SIZE);
	altmm_check_memblock(test, mb);
}

static void memblock_walks_free_ranges(struct kunit *test)
{
	struct altmm_memblock *mb = new_memblock(test);
	u64 pos = 0, s, e, total = 0;
	int ranges = 0;

	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 0, 2 * SEC, 0), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 4 * SEC, SEC, 1), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, 0, PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, SEC, SZ_64K), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, 5 * SEC - SZ_8K, SZ_8K), 0);

	while (altmm_memblock_next_free(mb, &pos, &s, &e)) {
		u64 a;

		KUNIT_EXPECT_LT(test, s, e);
		for (a = s; a < e; a += PAGE_SIZE) {
			KUNIT_EXPECT_TRUE(test, altmm_memblock_is_memory(mb, a));
			KUNIT_EXPECT_FALSE(test, altmm_memblock_is_reserved(mb, a));
		}
		total += e - s;
		ranges++;
	}
	/* [4K, 4M), [4M + 64K, 8M), [16M, 20M - 8K) */
	KUNIT_EXPECT_EQ(test, ranges, 3);
	KUNIT_EXPECT_EQ(test, total, 3 * SEC - PAGE_SIZE - SZ_64K - SZ_8K);
}

static void memblock_alloc_top_down(struct kunit *test)
{
	struct altmm_memblock *mb = new_memblock(test);
	u64 a, b;

	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 0, 2 * SEC, 0), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 2 * SEC, 2 * SEC, 1), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, 0, PAGE_SIZE), 0);

	a = altmm_memblock_phys_alloc(mb, SZ_32K, PAGE_SIZE, 0, true);
	KUNIT_EXPECT_EQ(test, a, 2 * SEC - SZ_32K);
	b = altmm_memblock_phys_alloc(mb, 100, 64, 0, true);
	KUNIT_EXPECT_EQ(test, b, round_down(a - 100, 64));
	a = altmm_memblock_phys_alloc(mb, SZ_4K, SZ_4K, 1, true);
	KUNIT_EXPECT_EQ(test, a, 4 * SEC - SZ_4K);

	/*
	 * Never across a section: the first 3M block fits under the 4K one
	 * in the top section; the second would straddle 12M, so it goes
	 * whole below that boundary.
	 */
	a = altmm_memblock_phys_alloc(mb, 3 * SZ_1M, SZ_4K, 1, true);
	KUNIT_EXPECT_EQ(test, a, 4 * SEC - SZ_4K - 3 * SZ_1M);
	a = altmm_memblock_phys_alloc(mb, 3 * SZ_1M, SZ_4K, 1, true);
	KUNIT_EXPECT_EQ(test, a, 3 * SEC - 3 * SZ_1M);

	/* More than a section, zero, or a bad alignment: refused. */
	KUNIT_EXPECT_EQ(test, altmm_memblock_phys_alloc(mb, SEC + 1, 0, 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_memblock_phys_alloc(mb, 0, 0, 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_memblock_phys_alloc(mb, 64, 48, 0, false), 0);
	altmm_check_memblock(test, mb);
}

static void memblock_alloc_node_fallback(struct kunit *test)
{
	struct altmm_memblock *mb = new_memblock(test);
	u64 a;

	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 0, SEC, 0), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, SEC, SEC, 1), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, 0, PAGE_SIZE), 0);
	/* Fill node 1 completely. */
	KUNIT_ASSERT_NE(test, altmm_memblock_phys_alloc(mb, SEC, SZ_4K, 1, true), 0);
	KUNIT_EXPECT_EQ(test, altmm_memblock_phys_alloc(mb, SZ_4K, SZ_4K, 1, true), 0);
	a = altmm_memblock_phys_alloc(mb, SZ_4K, SZ_4K, 1, false);
	KUNIT_EXPECT_EQ(test, a, SEC - SZ_4K);
	altmm_check_memblock(test, mb);
}

/*
 * Random sizes and alignments until the allocator is full: every answer
 * aligned, inside one section of memory of the node asked for, disjoint
 * from every earlier one (its first and last bytes were free before), and
 * what is reserved at the end is exactly what was handed out plus the
 * firmware page.
 */
static void memblock_alloc_random(struct kunit *test)
{
	struct altmm_memblock *mb = new_memblock(test);
	u64 given = PAGE_SIZE, seed = get_random_u64();
	struct rnd_state rnd;
	u64 rsv = 0;
	int n, fails = 0;
	unsigned int i;

	kunit_info(test, "seed %llu\n", seed);
	prandom_seed_state(&rnd, seed);
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 0, 3 * SEC, 0), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_add(mb, 3 * SEC, 2 * SEC, 1), 0);
	KUNIT_ASSERT_EQ(test, altmm_memblock_reserve(mb, 0, PAGE_SIZE), 0);

	for (n = 0; n < 4000 && fails < 50; n++) {
		u64 size = 1 + prandom_u32_state(&rnd) % SZ_256K;
		u64 align = 1ULL << (3 + prandom_u32_state(&rnd) % 12);
		int nid = prandom_u32_state(&rnd) % 2;
		u64 a;

		a = altmm_memblock_phys_alloc(mb, size, align, nid, true);
		if (!a) {
			fails++;
			continue;
		}
		KUNIT_ASSERT_TRUE(test, IS_ALIGNED(a, align));
		KUNIT_ASSERT_EQ(test, a >> ALTMM_SECTION_SHIFT,
				(a + size - 1) >> ALTMM_SECTION_SHIFT);
		KUNIT_ASSERT_EQ(test, (int)(a < 3 * SEC ? 0 : 1), nid);
		KUNIT_ASSERT_TRUE(test, altmm_memblock_is_reserved(mb, a));
		KUNIT_ASSERT_TRUE(test, altmm_memblock_is_reserved(mb, a + size - 1));
		KUNIT_ASSERT_LE(test, mb->reserved.cnt, ALTMM_MEMBLOCK_REGIONS);
		given += size;
	}
	for (i = 0; i < mb->reserved.cnt; i++)
		rsv += mb->reserved.regions[i].size;
	KUNIT_EXPECT_EQ(test, rsv, given);
	KUNIT_EXPECT_GT(test, n, 10);
	altmm_check_memblock(test, mb);
}

/* After hand-over the allocator is done; the checker sees the rest. */
static void memblock_hand_over(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &t->p);
	unsigned long managed = 0, present = 0;
	struct altmm_node *node;
	u64 pos = 0, s, e, free_bytes = 0, rsv = 0, whole = 0;
	unsigned int i;
	int nid, zt;

	KUNIT_EXPECT_TRUE(test, sys->memblock.handed_over);
	while (altmm_memblock_next_free(&sys->memblock, &pos, &s, &e)) {
		free_bytes += e - s;
		/* Only whole free frames are handed over; a gap may hold none. */
		if (PFN_DOWN(e) > PFN_UP(s))
			whole += PFN_DOWN(e) - PFN_UP(s);
	}
	for (i = 0; i < sys->memblock.reserved.cnt; i++)
		rsv += sys->memblock.reserved.regions[i].size;
	for_each_altmm_node(sys, node, nid) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			managed += atomic_long_read(&node->zones[zt].managed_pages);
			present += node->zones[zt].present_pages;
		}
	}
	KUNIT_EXPECT_EQ(test, managed, (unsigned long)whole);
	KUNIT_EXPECT_EQ(test, present, (unsigned long)((free_bytes + rsv) >> PAGE_SHIFT));
	/* Metadata is at least 32 bytes per frame of every present section. */
	KUNIT_EXPECT_GE(test, rsv, (u64)sys->nr_chunks * ALTMM_PAGES_PER_SECTION *
			sizeof(struct altmm_page));
}

KUNIT_ARRAY_PARAM(layouts, altmm_test_layouts, altmm_test_layout_desc);

static struct kunit_case altmm_memblock_cases[] = {
	KUNIT_CASE(memblock_merges_regions),
	KUNIT_CASE(memblock_walks_free_ranges),
	KUNIT_CASE(memblock_alloc_top_down),
	KUNIT_CASE(memblock_alloc_node_fallback),
	KUNIT_CASE(memblock_alloc_random),
	KUNIT_CASE_PARAM(memblock_hand_over, layouts_gen_params),
	{}
};

static struct kunit_suite altmm_memblock_suite = {
	.name = "altmm_memblock",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_memblock_cases,
};

kunit_test_suite(altmm_memblock_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's boot allocator");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
