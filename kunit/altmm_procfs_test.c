// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the arithmetic behind procfs.c's extfrag files: the
 * unusable free space index and the fragmentation index of 6.1, on
 * hand-built free block counts, against values worked out by hand below
 * from 6.1's formulas.  No instance is built: these are pure functions of
 * the counts, and the page allocator need not be live.
 *
 * With n[o] free blocks of order o, for a request of order k:
 *
 *   free     = sum n[o] * 2^o               (frames free)
 *   total    = sum n[o]                     (free blocks)
 *   suitable = sum over o >= k of n[o] * 2^(o - k)
 *
 *   unusable(k) = 1000                                  if free == 0
 *               = (free - suitable * 2^k) * 1000 / free
 *   fragindex(k) = 0                                    if total == 0
 *                = -1000                                if suitable > 0
 *                = 1000 - (1000 + free * 1000 / 2^k) / total
 *
 * every division truncating, as 6.1's div_u64() does.
 *
 * Also the layout summary of debugfs.c (the "layout" file and the boot
 * log), rendered for a layout with far more CPUs than a UML guest has:
 * it must come out whole, however long the CPU map.
 */

#include <kunit/test.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>

#include "debugfs.h"
#include "page_alloc.h"

/**
 * struct index_case - free block counts and the indices they must give
 * @name: shown in the KTAP output
 * @nr_free: free blocks of each order
 * @unusable: the unusable index of each request order
 * @frag: the fragmentation index of each request order
 */
struct index_case {
	const char *name;
	unsigned long nr_free[ALTMM_MAX_ORDER];
	int unusable[ALTMM_MAX_ORDER];
	int frag[ALTMM_MAX_ORDER];
};

#define ALL_1000	{ 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 }
#define ALL_MINUS_1000	{ -1000, -1000, -1000, -1000, -1000, -1000, -1000, -1000, \
			  -1000, -1000, -1000 }

static const struct index_case index_cases[] = {
	/*
	 * Nothing free: all of nothing is unusable (1000 at every order),
	 * and with no free block the fragmentation index is 0.
	 */
	{ "empty_zone", { 0 }, ALL_1000, { 0 } },
	/*
	 * Node 0 DMA of the reference (debugfs-extfrag-*.txt, whose
	 * zoneinfo shows 3808 free): 1@5, 1@6, 1@7, 1@9, 3@10.
	 * free = 32 + 64 + 128 + 512 + 3072 = 3808.
	 * k <= 5: every block suits, unusable 0.
	 * k = 6: suitable = 1 + 2 + 8 + 48 = 59, 3808 - 59*64 = 32,
	 *        32000 / 3808 = 8.4 -> 8
	 * k = 7: suitable = 1 + 4 + 24 = 29, 3808 - 3712 = 96 -> 25.2 -> 25
	 * k = 8: suitable = 2 + 12 = 14, 3808 - 3584 = 224 -> 58.8 -> 58
	 * k = 9: suitable = 1 + 6 = 7, 3808 - 3584 = 224 -> 58
	 * k = 10: suitable = 3, 3808 - 3072 = 736 -> 193.2 -> 193
	 * A max-order block is free, so every fragmentation index is -1000.
	 * Both rows are the reference's, "0.008 0.025 ..." and "-1.000 ...".
	 */
	{ "reference_node0_dma", { 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 3 },
	  { 0, 0, 0, 0, 0, 0, 8, 25, 58, 58, 193 }, ALL_MINUS_1000 },
	/*
	 * Node 1 DMA32 of the reference: 11 12 11 9 8 7 4 9 4 3 44, so
	 * free = 11 + 24 + 44 + 72 + 128 + 224 + 256 + 1152 + 1024 + 1536
	 * + 45056 = 49527 (its zoneinfo's pages free).  The frames in blocks
	 * below order k are the running sum 11, 35, 79, 151, 279, 503, 759,
	 * 1911, 2935, 4471, and unusable(k) = that * 1000 / 49527:
	 * k = 3: 79000 / 49527 = 1.6 -> 1, k = 4: 3.0 -> 3, k = 5: 5.6 -> 5,
	 * k = 6: 10.2 -> 10, k = 7: 15.3 -> 15, k = 8: 38.6 -> 38,
	 * k = 9: 59.3 -> 59, k = 10: 90.3 -> 90 (the reference's row).
	 */
	{ "reference_node1_dma32", { 11, 12, 11, 9, 8, 7, 4, 9, 4, 3, 44 },
	  { 0, 0, 0, 1, 3, 5, 10, 15, 38, 59, 90 }, ALL_MINUS_1000 },
	/*
	 * Eight lone frames: free = 8, total = 8.  Only k = 0 suits
	 * (unusable 0, fragindex -1000); above, unusable is 1000 and
	 * fragindex = 1000 - (1000 + 8000 / 2^k) / 8:
	 * k = 1: 1000 - 5000/8 = 1000 - 625 = 375
	 * k = 2: 1000 - 3000/8 = 1000 - 375 = 625
	 * k = 3: 1000 - 2000/8 = 1000 - 250 = 750
	 * k = 4: 1000 - 1500/8 = 1000 - 187 = 813
	 * k = 5: 1000 - 1250/8 = 1000 - 156 = 844
	 * k = 6: 1000 - 1125/8 = 1000 - 140 = 860
	 * k = 7: 8000/128 = 62, 1000 - 1062/8 = 1000 - 132 = 868
	 * k = 8: 8000/256 = 31, 1000 - 1031/8 = 1000 - 128 = 872
	 * k = 9: 8000/512 = 15, 1000 - 1015/8 = 1000 - 126 = 874
	 * k = 10: 8000/1024 = 7, 1000 - 1007/8 = 1000 - 125 = 875
	 */
	{ "scattered_frames", { 8 },
	  { 0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 },
	  { -1000, 375, 625, 750, 813, 844, 860, 868, 872, 874, 875 } },
	/*
	 * 4@0, 2@1, 1@3: free = 4 + 4 + 8 = 16, total = 7.
	 * k = 0: all suit, 0.  k = 1: suitable = 2 + 4 = 6, 16 - 12 = 4,
	 * 4000/16 = 250.  k = 2: suitable = 2, 16 - 8 = 8 -> 500.
	 * k = 3: suitable = 1, 16 - 8 = 8 -> 500.  k >= 4: 1000.
	 * fragindex: -1000 up to k = 3, then 1000 - (1000 + 16000/2^k) / 7:
	 * k = 4: 1000 - 2000/7 = 1000 - 285 = 715
	 * k = 5: 1000 - 1500/7 = 1000 - 214 = 786
	 * k = 6: 1000 - 1250/7 = 1000 - 178 = 822
	 * k = 7: 1000 - 1125/7 = 1000 - 160 = 840
	 * k = 8: 16000/256 = 62, 1000 - 1062/7 = 1000 - 151 = 849
	 * k = 9: 16000/512 = 31, 1000 - 1031/7 = 1000 - 147 = 853
	 * k = 10: 16000/1024 = 15, 1000 - 1015/7 = 1000 - 145 = 855
	 */
	{ "mixed_small_blocks", { 4, 2, 0, 1 },
	  { 0, 250, 500, 500, 1000, 1000, 1000, 1000, 1000, 1000, 1000 },
	  { -1000, -1000, -1000, -1000, 715, 786, 822, 840, 849, 853, 855 } },
	/*
	 * Two lone frames: free = 2, total = 2.  k = 1 is the textbook "lack
	 * of memory": 1000 - (1000 + 2000/2) / 2 = 1000 - 1000 = 0.  Above:
	 * k = 2: 1000 - 1500/2 = 250,  k = 3: 1000 - 1250/2 = 375,
	 * k = 4: 1000 - 1125/2 = 438,  k = 5: 2000/32 = 62, 1000 - 531 = 469,
	 * k = 6: 31 -> 1000 - 515 = 485, k = 7: 15 -> 1000 - 507 = 493,
	 * k = 8: 7 -> 1000 - 503 = 497,  k = 9: 3 -> 1000 - 501 = 499,
	 * k = 10: 1 -> 1000 - 500 = 500.
	 */
	{ "two_frames", { 2 },
	  { 0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 },
	  { -1000, 0, 250, 375, 438, 469, 485, 493, 497, 499, 500 } },
	/*
	 * One order-2 block: free = 4, total = 1.  Up to k = 2 it suits.
	 * Above, 6.1's formula goes negative (and /proc prints -500 as
	 * " 0.-500"); the index is reproduced, not repaired:
	 * k = 3: 1000 - (1000 + 4000/8) / 1 = 1000 - 1500 = -500
	 * k = 4: 4000/16 = 250 -> -250, k = 5: 125 -> -125,
	 * k = 6: 62 -> -62, k = 7: 31 -> -31, k = 8: 15 -> -15,
	 * k = 9: 7 -> -7, k = 10: 3 -> -3.
	 */
	{ "one_block_just_short", { 0, 0, 1 },
	  { 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 },
	  { -1000, -1000, -1000, -500, -250, -125, -62, -31, -15, -7, -3 } },
};

static void index_case_desc(const struct index_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(index, index_cases, index_case_desc);

static void procfs_unusable_index(struct kunit *test)
{
	const struct index_case *c = test->param_value;
	unsigned int k;

	for (k = 0; k < ALTMM_MAX_ORDER; k++)
		KUNIT_EXPECT_EQ_MSG(test, altmm_unusable_index(c->nr_free, k),
				    c->unusable[k], "order %u", k);
}

static void procfs_fragmentation_index(struct kunit *test)
{
	const struct index_case *c = test->param_value;
	unsigned int k;

	for (k = 0; k < ALTMM_MAX_ORDER; k++)
		KUNIT_EXPECT_EQ_MSG(test, altmm_fragmentation_index(c->nr_free, k),
				    c->frag[k], "order %u", k);
}

/*
 * No block is of an order past the largest: all free memory is unusable
 * for it, and the fragmentation index is 6.1's 0 for a bad order.
 */
static void procfs_index_order_too_big(struct kunit *test)
{
	const unsigned long nr_free[ALTMM_MAX_ORDER] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

	KUNIT_EXPECT_EQ(test, altmm_unusable_index(nr_free, ALTMM_MAX_ORDER), 1000);
	KUNIT_EXPECT_EQ(test, altmm_unusable_index(nr_free, UINT_MAX), 1000);
	KUNIT_EXPECT_EQ(test, altmm_fragmentation_index(nr_free, ALTMM_MAX_ORDER), 0);
	KUNIT_EXPECT_EQ(test, altmm_fragmentation_index(nr_free, UINT_MAX), 0);
}

#define RANDOM_ROUNDS	1000

/*
 * Random counts, up to a 64 GiB zone, against the indices' meaning
 * recomputed another way: the unusable index is the share of free frames
 * in blocks smaller than the order (so it never falls as the order
 * grows), and the fragmentation index is -1000 exactly when a block of
 * the order or larger is free.
 */
static void procfs_index_random(struct kunit *test)
{
	u64 seed = get_random_u64();
	struct rnd_state rnd;
	int round;

	kunit_info(test, "seed %llu\n", seed);
	prandom_seed_state(&rnd, seed);

	for (round = 0; round < RANDOM_ROUNDS; round++) {
		unsigned long nr_free[ALTMM_MAX_ORDER], free = 0, below;
		int prev = 0, k, o;

		for (o = 0; o < ALTMM_MAX_ORDER; o++) {
			/* Often empty orders, sometimes huge counts. */
			u32 r = prandom_u32_state(&rnd);

			nr_free[o] = r % 4 ? 0 : r % (BIT(24 - o) + 1);
			free += nr_free[o] << o;
		}
		for (k = 0; k < ALTMM_MAX_ORDER; k++) {
			int unusable = altmm_unusable_index(nr_free, k);
			int frag = altmm_fragmentation_index(nr_free, k);
			bool fits = false;

			below = 0;
			for (o = 0; o < ALTMM_MAX_ORDER; o++) {
				if (o < k)
					below += nr_free[o] << o;
				else
					fits |= nr_free[o] != 0;
			}
			KUNIT_ASSERT_EQ_MSG(test, unusable,
					    free ? (int)div64_u64((u64)below * 1000, free) : 1000,
					    "round %d order %d", round, k);
			KUNIT_ASSERT_GE_MSG(test, unusable, prev, "round %d order %d", round, k);
			KUNIT_ASSERT_EQ_MSG(test, frag == -1000, fits,
					    "round %d order %d: %d", round, k, frag);
			KUNIT_ASSERT_LE(test, frag, 1000);
			prev = unusable;
		}
	}
}

/* === The layout summary === */

#define LAYOUT_TEST_CPUS	2048
#define LAYOUT_TEST_LINE_MAX	200	/* well inside a printk line */

/**
 * struct layout_seen - what the layout test's sink was given
 * @test: the test
 * @l: the layout rendered
 * @lines: lines seen
 * @bytes: their bytes, newlines included
 * @next_cpu: the CPU the next "CPU to node:" entry must name
 * @cpu_lines: "CPU to node:" lines seen
 * @last: the last line, cut to its buffer
 * @first: the first line, likewise
 */
struct layout_seen {
	struct kunit *test;
	const struct altmm_layout *l;
	unsigned int lines;
	size_t bytes;
	unsigned int next_cpu;
	unsigned int cpu_lines;
	char last[64];
	char first[64];
};

/* Every "CPU to node:" entry must name the next CPU and its node. */
static void layout_collect(void *ctx, const char *line)
{
	static const char prefix[] = "CPU to node:";
	struct layout_seen *seen = ctx;
	struct kunit *test = seen->test;
	const char *p;

	KUNIT_EXPECT_LT(test, strlen(line), (size_t)LAYOUT_TEST_LINE_MAX);
	KUNIT_EXPECT_NULL(test, strchr(line, '\n'));
	if (!seen->lines++)
		strscpy(seen->first, line, sizeof(seen->first));
	strscpy(seen->last, line, sizeof(seen->last));
	seen->bytes += strlen(line) + 1;
	if (strncmp(line, prefix, sizeof(prefix) - 1))
		return;
	seen->cpu_lines++;
	for (p = line + sizeof(prefix) - 1; *p; ) {
		unsigned int cpu, nid;
		int n = 0;

		if (sscanf(p, " %u:%u%n", &cpu, &nid, &n) != 2 || !n) {
			KUNIT_FAIL(test, "unparsable CPU map entry at \"%s\"", p);
			return;
		}
		KUNIT_EXPECT_EQ(test, cpu, seen->next_cpu);
		KUNIT_EXPECT_EQ(test, nid, (unsigned int)seen->l->cpu_node[cpu %
						LAYOUT_TEST_CPUS]);
		seen->next_cpu++;
		p += n;
	}
}

/*
 * Issue 8, defect 6: the summary was rendered into a fixed 8 KiB buffer,
 * and a machine with some 1,100 possible CPUs failed to load.  A layout
 * with 2048 CPUs (about 15 KiB of CPU map) must come out whole: every
 * CPU once, in order, with its node, in lines a printk can take, and the
 * closing "Sections:" line last.
 */
static void procfs_layout_many_cpus(struct kunit *test)
{
	struct layout_seen seen = { .test = test };
	struct altmm_param_error err;
	struct altmm_params *p;
	struct altmm_layout *l;
	u8 *own_map, *map;
	unsigned int cpu;

	/* Off the stack, as both are large. */
	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	map = kunit_kmalloc(test, LAYOUT_TEST_CPUS, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_ASSERT_NOT_NULL(test, map);
	*p = (struct altmm_params){ .arena_mb = 64, .nr_nodes = 4, .dma_mb = 16,
				    .dma32_mb = 32 };
	KUNIT_ASSERT_EQ(test, altmm_layout_build(p, l, &err), 0);
	/* The built map has nr_cpu_ids entries; stand a bigger one in. */
	for (cpu = 0; cpu < LAYOUT_TEST_CPUS; cpu++)
		map[cpu] = (cpu / 3) % p->nr_nodes;
	own_map = l->cpu_node;
	l->cpu_node = map;
	seen.l = l;

	altmm_layout_show(l, LAYOUT_TEST_CPUS, layout_collect, &seen);
	l->cpu_node = own_map;
	altmm_layout_free(l);

	KUNIT_EXPECT_EQ(test, seen.next_cpu, LAYOUT_TEST_CPUS);
	KUNIT_EXPECT_EQ(test, seen.cpu_lines, DIV_ROUND_UP(LAYOUT_TEST_CPUS, 16));
	KUNIT_EXPECT_STREQ(test, seen.first, "Zone ranges:");
	KUNIT_EXPECT_STREQ(test, seen.last, "Sections: 16 of 4M, 16 present, 0 absent");
	/* More than the old buffer held, or this would prove nothing. */
	KUNIT_EXPECT_GT(test, seen.bytes, (size_t)8192);
	kunit_info(test, "%u lines, %zu bytes\n", seen.lines, seen.bytes);
}

static struct kunit_case altmm_procfs_cases[] = {
	KUNIT_CASE_PARAM(procfs_unusable_index, index_gen_params),
	KUNIT_CASE_PARAM(procfs_fragmentation_index, index_gen_params),
	KUNIT_CASE(procfs_index_order_too_big),
	KUNIT_CASE(procfs_index_random),
	KUNIT_CASE(procfs_layout_many_cpus),
	{}
};

static struct kunit_suite altmm_procfs_suite = {
	.name = "altmm_procfs",
	.test_cases = altmm_procfs_cases,
};

kunit_test_suite(altmm_procfs_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the arithmetic of altmm's /proc-shaped files and its layout summary");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
