// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the per-CPU page lists (pcp.c): batch and high as 6.1's
 * zone_batchsize() and zone_highsize() compute them, worked by hand; a
 * freed page is hot (the head of the list, handed out next) unless it is
 * freed cold; a CPU whose count reaches high gives a batch back to the
 * zone, doubling while frees run without allocations; an empty list takes
 * a batch from the zone; draining empties every list.
 *
 * A CPU's lists are indexed order * ALTMM_MIGRATE_PCPTYPES + migratetype,
 * then two pageblock-order lists (6.1's order_to_pindex() with THP).
 * Tests pin themselves to a CPU while they look at its lists
 * (migrate_disable()), and use masks that neither sleep
 * nor wake kswapd, so nothing else touches the lists meanwhile (UML has
 * one CPU).
 */

#include <kunit/test.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "altmm_test.h"

#define QUIET_MOVABLE	(ALTMM_TEST_GFP_QUIET | __GFP_MOVABLE | __GFP_THISNODE)

/* 16 MiB of Normal: about 4000 frames, batch 1.  96 MiB: about 24400, batch 3. */
static const struct altmm_params small_zone = { .arena_mb = 16, .nr_nodes = 1 };
static const struct altmm_params big_zone = { .arena_mb = 96, .nr_nodes = 1 };

static struct altmm_zone *normal(struct altmm_system *sys)
{
	return altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
}

static struct list_head *pcp_list(struct altmm_pcp *pcp, unsigned int order, int mt)
{
	return &pcp->lists[altmm_pcp_order_to_pindex(mt, order)];
}

/* === batch and high === */

/**
 * struct batch_case - a zone size and zone_batchsize()'s answer
 * @managed: managed frames
 * @batch: the batch
 */
struct batch_case {
	unsigned long managed;
	int batch;
};

/*
 * zone_batchsize(): b = min(managed / 1024, 1 MiB / 4 KiB = 256) / 4,
 * at least 1, then rounddown_pow_of_two(b + b / 2) - 1:
 *
 *   managed     /1024  /4  b + b/2  pow2  - 1
 *         0        0   0->1     1      1     0
 *      4096        4    1       1      1     0
 *      8192        8    2       3      2     1
 *     12288       12    3       4      4     3
 *     16384       16    4       6      4     3
 *     32768       32    8      12      8     7
 *     65536       64   16      24     16    15
 *    131072      128   32      48     32    31
 *    262144      256   64      96     64    63
 *   4194304     4096->256 64   96     64    63
 */
static const struct batch_case batch_cases[] = {
	{ 0, 0 }, { 1023, 0 }, { 4096, 0 }, { 8192, 1 }, { 12288, 3 }, { 16384, 3 },
	{ 32768, 7 }, { 65536, 15 }, { 131072, 31 }, { 262144, 63 }, { 4194304, 63 },
};

static void pcp_batchsize_by_hand(struct kunit *test)
{
	struct altmm_zone *z = kunit_kzalloc(test, sizeof(*z), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, z);
	for (i = 0; i < ARRAY_SIZE(batch_cases); i++) {
		atomic_long_set(&z->managed_pages, batch_cases[i].managed);
		KUNIT_EXPECT_EQ_MSG(test, altmm_zone_batchsize(z), batch_cases[i].batch,
				    "managed %lu", batch_cases[i].managed);
	}
}

/*
 * zone_highsize(): the low mark (or managed / percpu_pagelist_high_fraction
 * when set) split among the online CPUs of the zone's node, plus one while
 * a CPU comes up; all online CPUs when the node has none; at least four
 * batches.  Every CPU is on node 0; n CPUs are online (1 in UML, where
 * the figures are those in brackets).
 *
 *   low 1000, batch 7, node 0:           1000 / n (1000)
 *   the same while a CPU comes up:       1000 / (n + 1) (500)
 *   node 1 (no CPU):                     1000 / num_online_cpus() (1000)
 *   node 1 while a CPU comes up:         1000 / (0 + 1) = 1000
 *   low 10, batch 7:                     max(10 / n, 28) = 28
 *   fraction 8, managed 80000, node 0:   10000 / n (10000)
 *   fraction 8, managed 80000, coming up: 10000 / (n + 1) (5000)
 */
static void pcp_highsize_by_hand(struct kunit *test)
{
	static const struct altmm_params two = { .arena_mb = 32, .nr_nodes = 2 };
	struct altmm_params *p = kunit_kmalloc(test, sizeof(*p), GFP_KERNEL);
	struct altmm_zone *z = kunit_kzalloc(test, sizeof(*z), GFP_KERNEL);
	struct altmm_node *node = kunit_kzalloc(test, sizeof(*node), GFP_KERNEL);
	struct altmm_system *sys;
	int n = num_online_cpus();

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, z);
	KUNIT_ASSERT_NOT_NULL(test, node);
	/* Every CPU on node 0, none on node 1: n is 1 in UML. */
	*p = two;
	p->nr_cpu_node = min_t(unsigned int, nr_cpu_ids, ALTMM_MAX_CPU_PARAMS);
	KUNIT_ASSERT_EQ(test, p->nr_cpu_node, nr_cpu_ids);
	sys = altmm_test_create(test, p);
	z->node = node;
	atomic_long_set(&z->managed_pages, 80000);
	z->watermark[ALTMM_WMARK_LOW] = 1000;

	node->nid = 0;
	KUNIT_EXPECT_EQ(test, altmm_zone_highsize(sys, z, 7, 0), 1000 / n);
	KUNIT_EXPECT_EQ(test, altmm_zone_highsize(sys, z, 7, 1), 1000 / (n + 1));
	/* No CPU of its own: shared by all online CPUs, or the one coming. */
	node->nid = 1;
	KUNIT_EXPECT_EQ(test, altmm_zone_highsize(sys, z, 7, 0), 1000 / n);
	KUNIT_EXPECT_EQ(test, altmm_zone_highsize(sys, z, 7, 1), 1000);
	node->nid = 0;
	z->watermark[ALTMM_WMARK_LOW] = 10;
	KUNIT_EXPECT_EQ(test, altmm_zone_highsize(sys, z, 7, 0), 28);

	mutex_lock(&sys->tune_lock);
	WRITE_ONCE(sys->tune.percpu_pagelist_high_fraction, 8);
	KUNIT_EXPECT_EQ(test, altmm_zone_highsize(sys, z, 7, 0), 10000 / n);
	KUNIT_EXPECT_EQ(test, altmm_zone_highsize(sys, z, 7, 1), 10000 / (n + 1));
	WRITE_ONCE(sys->tune.percpu_pagelist_high_fraction, 0);
	mutex_unlock(&sys->tune_lock);
}

KUNIT_ARRAY_PARAM(layouts, altmm_test_layouts, altmm_test_layout_desc);

/*
 * 6.1's rules worked out from the zone's own figures, not through the
 * functions under test: batch a quarter of managed/1024 (at most 256
 * frames' worth), then 2^n - 1, at least 1; high the low watermark shared
 * by the online CPUs of the zone's node (all online CPUs for a node
 * without), at least four batches.
 */
static int expected_batch(const struct altmm_zone *zone)
{
	unsigned long b = min(altmm_zone_managed(zone) >> 10, 256UL) / 4;

	b = max(b, 1UL);
	return max_t(int, rounddown_pow_of_two(b + b / 2) - 1, 1);
}

static int expected_high(const struct altmm_system *sys,
			 const struct altmm_zone *zone, int batch)
{
	int cpu, cpus = 0;

	for_each_online_cpu(cpu)
		cpus += sys->layout.cpu_node[cpu] == zone->node->nid;
	if (!cpus)
		cpus = num_online_cpus();
	return max_t(int, READ_ONCE(zone->watermark[ALTMM_WMARK_LOW]) / cpus,
		     batch * 4);
}

/* Every CPU's lists of every zone got the batch and high of those rules. */
static void pcp_limits_of_every_zone(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &t->p);
	struct altmm_zone *zone;
	int nid, zt, cpu;

	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		int batch = expected_batch(zone);
		int high = expected_high(sys, zone, batch);

		for_each_possible_cpu(cpu) {
			struct altmm_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

			KUNIT_EXPECT_EQ_MSG(test, pcp->batch, batch, "node %d %s", nid,
					    altmm_zone_names[zt]);
			KUNIT_EXPECT_EQ_MSG(test, pcp->high, high, "node %d %s", nid,
					    altmm_zone_names[zt]);
		}
	}
}

/* === Hot and cold === */

/*
 * A page freed hot goes to the head of this CPU's list for its order and
 * type, and is the next one handed out; it is on the list, not free in
 * the zone.
 */
static void pcp_free_is_hot(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &small_zone);
	struct altmm_zone *z = normal(sys);
	struct page *a, *again;
	struct altmm_pcp *pcp;
	unsigned long free;
	int count, cpu;

	migrate_disable();
	cpu = smp_processor_id();
	pcp = per_cpu_ptr(z->pcp, cpu);
	a = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, 0, 0);
	KUNIT_EXPECT_NOT_NULL(test, a);
	count = pcp->count;
	free = altmm_zone_free(z);

	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, a, 0, false), 0);
	KUNIT_EXPECT_EQ(test, pcp->count, count + 1);
	KUNIT_EXPECT_EQ(test, altmm_zone_free(z), free);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_test_desc(test, sys, a), ALTMM_PG_pcp));
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(pcp_list(pcp, 0, ALTMM_MIGRATE_MOVABLE),
						   struct altmm_page, lru),
			    altmm_test_desc(test, sys, a));

	again = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, 0, 0);
	KUNIT_EXPECT_PTR_EQ(test, again, a);
	KUNIT_EXPECT_EQ(test, pcp->count, count);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, again, 0, false), 0);
}

/*
 * A cold free goes to the tail: freeing A hot and B cold leaves A first
 * and B last; A comes back first.  The same holds for an order-3 block.
 */
static void pcp_cold_free_goes_last(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &small_zone);
	struct altmm_zone *z = normal(sys);
	unsigned int orders[] = { 0, 3 }, i;
	struct altmm_pcp *pcp;
	int cpu;

	migrate_disable();
	cpu = smp_processor_id();
	pcp = per_cpu_ptr(z->pcp, cpu);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		unsigned int o = orders[i];
		struct list_head *list = pcp_list(pcp, o, ALTMM_MIGRATE_MOVABLE);
		struct page *a = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, o, 0);
		struct page *b = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, o, 0);
		struct page *next;

		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_ASSERT_NOT_NULL(test, b);
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, a, o, false), 0);
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, b, o, true), 0);
		KUNIT_EXPECT_PTR_EQ_MSG(test, list_first_entry(list, struct altmm_page, lru),
					altmm_test_desc(test, sys, a), "order %u", o);
		KUNIT_EXPECT_PTR_EQ_MSG(test, list_last_entry(list, struct altmm_page, lru),
					altmm_test_desc(test, sys, b), "order %u", o);
		next = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, o, 0);
		KUNIT_EXPECT_PTR_EQ_MSG(test, next, a, "order %u", o);
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, next, o, false), 0);
	}
	migrate_enable();
}

/* === Moving batches === */

/*
 * An empty list takes a batch from the zone (rmqueue_bulk()), scaled for
 * higher orders: max(batch >> order, 2) blocks when batch > 1.  With the
 * 96 MiB zone's batch of 3: order 0 takes 3 frames and keeps 2; order 1
 * takes 2 blocks (4 frames) and keeps 2 frames; order 3 takes 2 blocks
 * (16 frames) and keeps 8.  The 16 MiB zone's batch is 1: one block, none
 * kept.
 */
/**
 * struct refill_case - a first allocation from an empty list
 * @p: the layout
 * @order: the order asked
 * @batch: the zone's batch
 * @taken: frames the refill takes from the zone
 */
struct refill_case {
	const struct altmm_params *p;
	unsigned int order;
	int batch;
	int taken;
};

static const struct refill_case refill_cases[] = {
	{ &big_zone, 0, 3, 3 }, { &big_zone, 1, 3, 4 }, { &big_zone, 3, 3, 16 },
	{ &small_zone, 0, 1, 1 }, { &small_zone, 2, 1, 4 },
};

static void pcp_refill_takes_a_batch(struct kunit *test)
{
	const struct refill_case *cases = refill_cases;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(refill_cases); i++) {
		struct altmm_system *sys = altmm_test_create(test, cases[i].p);
		struct altmm_zone *z = normal(sys);
		unsigned int o = cases[i].order;
		struct altmm_pcp *pcp;
		unsigned long free;
		struct page *page;
		int cpu;

		altmm_drain_all_pages(sys, NULL);
		migrate_disable();
		cpu = smp_processor_id();
		pcp = per_cpu_ptr(z->pcp, cpu);
		KUNIT_EXPECT_EQ(test, pcp->batch, cases[i].batch);
		KUNIT_EXPECT_EQ(test, pcp->count, 0);
		free = altmm_zone_free(z);
		page = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, o, 0);
		KUNIT_EXPECT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ_MSG(test, altmm_zone_free(z), free - cases[i].taken, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, pcp->count, cases[i].taken - (1 << o), "case %u", i);
		migrate_enable();
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, o, false), 0);
		/* One instance at a time: the next case builds its own. */
		altmm_test_exit(test);
	}
}

/*
 * Frees that reach high give nr_pcp_free() frames back, oldest first:
 * clamp(batch << free_factor, batch, high - batch), free_factor growing
 * by one per overflow while frees run without an allocation.  With
 * batch 3: the first overflow returns 3, the second 6, the third 12.
 * Then, while free_factor is set, freeing a block of order 1..3 returns
 * everything ("free_high"); an allocation halves free_factor again.
 */
static void pcp_overflow_gives_back_batches(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &big_zone);
	struct altmm_zone *z = normal(sys);
	struct altmm_test_hold *h;
	struct altmm_pcp *pcp;
	int cpu, high, batch, drains = 0, count;
	unsigned long free, i;
	struct page *big;

	altmm_drain_all_pages(sys, NULL);
	migrate_disable();
	cpu = smp_processor_id();
	pcp = per_cpu_ptr(z->pcp, cpu);
	high = pcp->high;
	batch = pcp->batch;
	KUNIT_ASSERT_EQ(test, batch, 3);
	h = altmm_test_hold_new(test, high + 64);
	altmm_test_fill(sys, h, QUIET_MOVABLE, 0, 0);
	KUNIT_ASSERT_EQ(test, h->nr, h->max);
	big = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, 2, 0);
	KUNIT_ASSERT_NOT_NULL(test, big);
	altmm_drain_all_pages(sys, NULL);
	KUNIT_ASSERT_EQ(test, pcp->count, 0);
	KUNIT_ASSERT_EQ(test, (int)pcp->free_factor, 0);

	for (i = 0; i < h->nr && drains < 3; i++) {
		free = altmm_zone_free(z);
		count = pcp->count;
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, h->page[i], 0, false), 0);
		h->page[i] = NULL;
		if (count + 1 < high) {
			KUNIT_EXPECT_EQ(test, pcp->count, count + 1);
			KUNIT_EXPECT_EQ(test, altmm_zone_free(z), free);
			continue;
		}
		/* This free reached high: a drain of batch << drains. */
		KUNIT_EXPECT_EQ_MSG(test, pcp->count, high - (batch << drains),
				    "overflow %d", drains);
		KUNIT_EXPECT_EQ_MSG(test, altmm_zone_free(z), free + (batch << drains),
				    "overflow %d", drains);
		drains++;
		KUNIT_EXPECT_EQ(test, (int)pcp->free_factor, drains);
	}
	KUNIT_EXPECT_EQ(test, drains, 3);

	/* free_factor is 3: an order-2 free returns the whole list. */
	free = altmm_zone_free(z);
	count = pcp->count;
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, big, 2, false), 0);
	KUNIT_EXPECT_EQ(test, pcp->count, 0);
	KUNIT_EXPECT_EQ(test, altmm_zone_free(z), free + count + 4);
	migrate_enable();
	altmm_test_release(test, sys, h);
}

/* === Draining === */

/*
 * altmm_drain_all_pages() empties every CPU's lists of every zone (or of
 * one zone), giving their frames to the zones, and counts one DRAIN_ALL.
 */
static void pcp_drain_empties_lists(struct kunit *test)
{
	static const gfp_t masks[] = { __GFP_DMA, __GFP_DMA32, 0, __GFP_HIGHMEM,
				       __GFP_HIGHMEM | __GFP_MOVABLE };
	struct altmm_system *sys = altmm_test_create(test, &altmm_test_layouts[3].p);
	unsigned long cached[ALTMM_NR_ZONES] = { 0 }, freed[ALTMM_NR_ZONES];
	unsigned long total = 0, drains, got, only;
	struct altmm_zone *zone, *dma32 = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA32);
	unsigned int i, o;
	int nid, zt, cpu;

	KUNIT_ASSERT_STREQ(test, altmm_test_layouts[3].name, "all_zones");
	/* Something on the lists of every zone, of several orders. */
	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		for (o = 0; o <= ALTMM_PCP_MAX_ORDER; o++) {
			struct page *page = altmm_sys_alloc_pages(sys, masks[i] | __GFP_NOWARN,
								  o, 0);

			KUNIT_ASSERT_NOT_NULL(test, page);
			KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, o, false), 0);
		}
	}
	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		for_each_possible_cpu(cpu)
			cached[zt] += per_cpu_ptr(zone->pcp, cpu)->count;
		freed[zt] = altmm_zone_free(zone);
		total += cached[zt];
		KUNIT_EXPECT_GT_MSG(test, cached[zt], 0UL, "%s", altmm_zone_names[zt]);
	}

	/* One zone only: the others keep theirs. */
	only = altmm_drain_all_pages(sys, dma32);
	KUNIT_EXPECT_EQ(test, only, cached[ALTMM_ZONE_DMA32]);
	KUNIT_EXPECT_EQ(test, altmm_zone_free(dma32), freed[ALTMM_ZONE_DMA32] + only);
	freed[ALTMM_ZONE_DMA32] += only;
	cached[ALTMM_ZONE_DMA32] = 0;

	drains = altmm_vm_event_sum(sys, ALTMM_DRAIN_ALL);
	got = altmm_drain_all_pages(sys, NULL);
	KUNIT_EXPECT_EQ(test, got, total - only);
	KUNIT_EXPECT_EQ(test, altmm_vm_event_sum(sys, ALTMM_DRAIN_ALL), drains + 1);
	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		KUNIT_EXPECT_EQ_MSG(test, altmm_zone_free(zone), freed[zt] + cached[zt], "%s",
				    altmm_zone_names[zt]);
		for_each_possible_cpu(cpu) {
			struct altmm_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

			KUNIT_EXPECT_EQ(test, pcp->count, 0);
			for (i = 0; i < ALTMM_NR_PCP_LISTS; i++)
				KUNIT_EXPECT_TRUE(test, list_empty(&pcp->lists[i]));
		}
	}
}

/* === Pageblock order, contention and reclaim === */

/*
 * As with THP in 6.1, a pageblock-order block is cached too: freed, it
 * sits on this CPU's movable pageblock list (not the low-order ones), and
 * the next pageblock-order movable request gets it back without the zone.
 * A drain gives it back.
 */
static void pcp_caches_pageblock_order(struct kunit *test)
{
	/* high is the zone's eighth split among its CPUs: 96 MiB each. */
	struct altmm_params sized = { .arena_mb = 96 * num_online_cpus(), .nr_nodes = 1 };
	struct altmm_system *sys = altmm_test_create(test, &sized);
	struct altmm_zone *z = normal(sys);
	const unsigned int o = ALTMM_PAGEBLOCK_ORDER;
	struct page *a, *again;
	struct altmm_pcp *pcp;
	unsigned long free;
	int count;

	/* High above two blocks, so that the block freed stays cached. */
	mutex_lock(&sys->tune_lock);
	WRITE_ONCE(sys->tune.percpu_pagelist_high_fraction, 8);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);

	migrate_disable();
	pcp = this_cpu_ptr(z->pcp);
	KUNIT_ASSERT_GT(test, pcp->high, 3 * (int)BIT(o));
	a = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, o, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	count = pcp->count;
	free = altmm_zone_free(z);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, a, o, false), 0);
	KUNIT_EXPECT_EQ(test, pcp->count, count + (int)BIT(o));
	KUNIT_EXPECT_EQ(test, altmm_zone_free(z), free);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(pcp_list(pcp, o, ALTMM_MIGRATE_MOVABLE),
						   struct altmm_page, lru),
			    altmm_test_desc(test, sys, a));
	KUNIT_EXPECT_EQ(test, altmm_pcp_order_to_pindex(ALTMM_MIGRATE_MOVABLE, o),
			ALTMM_NR_PCP_LISTS - 1);
	KUNIT_EXPECT_EQ(test, altmm_pcp_order_to_pindex(ALTMM_MIGRATE_UNMOVABLE, o),
			ALTMM_NR_PCP_LISTS - 2);
	KUNIT_EXPECT_EQ(test, altmm_pcp_order_to_pindex(ALTMM_MIGRATE_RECLAIMABLE, o),
			ALTMM_NR_PCP_LISTS - 2);

	again = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, o, 0);
	KUNIT_EXPECT_PTR_EQ(test, again, a);
	KUNIT_EXPECT_EQ(test, pcp->count, count);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, again, o, false), 0);
	migrate_enable();
	altmm_drain_all_pages(sys, NULL);
	KUNIT_EXPECT_EQ(test, altmm_zone_pcp_pages(z), 0UL);
}

/*
 * While another CPU drains this CPU's lists (here: the test holds the
 * lock, as a drainer would), allocations and frees do not wait: they go
 * to and from the buddy lists, as 6.1's pcp_spin_trylock() users do, and
 * the lists are left as they were.
 */
static void pcp_busy_lists_fall_back_to_zone(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &small_zone);
	struct altmm_zone *z = normal(sys);
	unsigned long flags, free;
	struct altmm_pcp *pcp;
	struct page *a;
	int count;

	if (!IS_ENABLED(CONFIG_SMP))
		kunit_skip(test, "uniprocessor: no other CPU can hold a CPU's lists");
	migrate_disable();
	pcp = this_cpu_ptr(z->pcp);
	spin_lock_irqsave(&pcp->lock, flags);
	count = pcp->count;
	free = altmm_zone_free(z);
	a = altmm_sys_alloc_pages(sys, GFP_ATOMIC | __GFP_NOWARN | __GFP_THISNODE, 0, 0);
	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, pcp->count, count);
	KUNIT_EXPECT_EQ(test, altmm_zone_free(z), free - 1);
	if (a) {
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, a, 0, false), 0);
		KUNIT_EXPECT_EQ(test, pcp->count, count);
		KUNIT_EXPECT_EQ(test, altmm_zone_free(z), free);
		KUNIT_EXPECT_FALSE(test, altmm_desc_test(altmm_test_desc(test, sys, a),
							 ALTMM_PG_pcp));
	}
	spin_unlock_irqrestore(&pcp->lock, flags);
	migrate_enable();
}

/*
 * While kswapd balances the node (ALTMM_ZONE_RECLAIM_ACTIVE), frees keep
 * a CPU's count below four batches (nr_pcp_high()), however high "high"
 * is; once reclaim is over, the lists may fill to high again.
 */
static void pcp_short_while_reclaim_active(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &big_zone);
	struct altmm_zone *z = normal(sys);
	struct altmm_test_hold *h;
	struct altmm_pcp *pcp;
	int cap, max = 0;

	migrate_disable();
	pcp = this_cpu_ptr(z->pcp);
	cap = min(pcp->batch * 4, pcp->high);
	KUNIT_ASSERT_LT(test, cap, pcp->high);
	h = altmm_test_hold_new(test, pcp->high * 2);
	while (h->nr < h->max) {
		struct page *page = altmm_sys_alloc_pages(sys, QUIET_MOVABLE, 0, 0);

		KUNIT_ASSERT_NOT_NULL(test, page);
		h->page[h->nr] = page;
		h->order[h->nr++] = 0;
	}
	set_bit(ALTMM_ZONE_RECLAIM_ACTIVE, &z->flags);
	while (h->nr > pcp->high) {
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, h->page[--h->nr], 0, false), 0);
		max = max(max, pcp->count);
	}
	KUNIT_EXPECT_LT(test, max, cap);
	clear_bit(ALTMM_ZONE_RECLAIM_ACTIVE, &z->flags);
	while (h->nr) {
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, h->page[--h->nr], 0, false), 0);
		max = max(max, pcp->count);
	}
	KUNIT_EXPECT_GE(test, max, cap);
	migrate_enable();
}

static struct kunit_case altmm_pcp_cases[] = {
	KUNIT_CASE(pcp_batchsize_by_hand),
	KUNIT_CASE(pcp_highsize_by_hand),
	KUNIT_CASE_PARAM(pcp_limits_of_every_zone, layouts_gen_params),
	KUNIT_CASE(pcp_free_is_hot),
	KUNIT_CASE(pcp_cold_free_goes_last),
	KUNIT_CASE(pcp_refill_takes_a_batch),
	KUNIT_CASE(pcp_overflow_gives_back_batches),
	KUNIT_CASE(pcp_drain_empties_lists),
	KUNIT_CASE(pcp_caches_pageblock_order),
	KUNIT_CASE(pcp_busy_lists_fall_back_to_zone),
	KUNIT_CASE(pcp_short_while_reclaim_active),
	{}
};

static struct kunit_suite altmm_pcp_suite = {
	.name = "altmm_pcp",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_pcp_cases,
};

kunit_test_suite(altmm_pcp_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's per-CPU page lists");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
