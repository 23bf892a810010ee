/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by altmm's KUnit suites: a catalogue of layouts, a helper that
 * builds a private instance from one and tears it down when the test
 * ends, and the invariant checker every suite runs over every instance it
 * built.  The walks of the page allocator and the slab layer live in
 * module/check.c (the stress module runs them too); here they become
 * expectations.  They recompute what they check from first principles
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
#include "check.h"

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

/*
 * A private instance, checked and destroyed by altmm_test_exit().  Its
 * kcompactd does no proactive compaction (compaction_proactiveness 0), so
 * that user pages stay where a test put them, and fallbacks do not boost
 * the watermarks (watermark_boost_factor 0), so that they stay what the
 * formulas say; a test of either turns it on.
 */
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
	WRITE_ONCE(sys->tune.compaction_proactiveness, 0);
	WRITE_ONCE(sys->tune.watermark_boost_factor, 0);
	/* Boosts the instance's own first allocations made go too. */
	mutex_lock(&sys->tune_lock);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
	return sys;
}

/* Free blocks of pageblock order or more in @zone, in pageblock units. */
static inline unsigned long altmm_test_free_order9(struct altmm_zone *zone)
{
	unsigned long nr_free[ALTMM_MAX_ORDER], n = 0;
	unsigned int order;

	altmm_zone_nr_free(zone, nr_free);
	for (order = ALTMM_PAGEBLOCK_ORDER; order < ALTMM_MAX_ORDER; order++)
		n += nr_free[order] << (order - ALTMM_PAGEBLOCK_ORDER);
	return n;
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

/* === The invariant checkers (module/check.c), as expectations === */

/* One expectation per walk: its problem count, with the first problem. */
static inline void altmm_check_expect(struct kunit *test,
				      const struct altmm_check_report *r)
{
	KUNIT_EXPECT_EQ_MSG(test, r->problems, 0UL, "%lu problems, the first: %s",
			    r->problems, r->first);
}

/**
 * altmm_check_zone() - assert the page allocator's invariants on one zone
 * @test: the running test
 * @sys: a quiet instance (no allocation, free or reclaim running)
 * @z: one of its zones
 *
 * See altmm_check_zone_walk().
 */
static inline void altmm_check_zone(struct kunit *test, struct altmm_system *sys,
				    struct altmm_zone *z)
{
	struct altmm_check_report r = { 0 };

	altmm_check_zone_walk(sys, z, &r);
	altmm_check_expect(test, &r);
}

/**
 * altmm_test_quiesce() - wait until no reclaim thread of an instance runs
 * @test: the running test
 * @sys: the instance
 *
 * See altmm_check_quiesce().
 */
static inline void altmm_test_quiesce(struct kunit *test, struct altmm_system *sys)
{
	KUNIT_EXPECT_EQ_MSG(test, altmm_check_quiesce(sys, 5000), 0,
			    "a reclaim thread is still busy after 5 s");
}

/**
 * altmm_check_cache() - assert a cache's invariants
 * @test: the running test
 * @cache: a cache of a quiet instance
 *
 * See altmm_check_cache_walk().  On uniprocessor UML every instance a
 * test holds still is quiet.
 *
 * Return: the objects handed out (neither free nor in a CPU array), to
 * compare with what the test holds.
 */
static inline unsigned long altmm_check_cache(struct kunit *test,
					      struct altmm_kmem_cache *cache)
{
	struct altmm_check_report r = { 0 };
	unsigned long handed_out = 0;

	altmm_check_cache_walk(cache, &r, &handed_out);
	altmm_check_expect(test, &r);
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
 * See altmm_check_slab_walk().
 */
static inline void altmm_check_slab_layer(struct kunit *test, struct altmm_system *sys)
{
	struct altmm_check_report r = { 0 };

	altmm_check_slab_walk(sys, &r);
	altmm_check_expect(test, &r);
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
 * findable from its host pfn, each online section in the zone that spans
 * it; a memory section memory hotplug took offline counts in no zone
 * and all its frames are reserved (altmm_check_sections_walk()).
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
	unsigned long nr, present_total = 0, chunks = 0, offline = 0, online = 0;
	bool hotplugged = false;
	struct altmm_check_report *sr;
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
		bool is_offline;

		/* Memory hotplug adds sections in holes and removes others. */
		hotplugged |= !!(sec->flags & ALTMM_SECTION_HOTPLUGGED);
		if (!(sec->flags & ALTMM_SECTION_HOTPLUGGED))
			KUNIT_EXPECT_EQ(test, !(sec->flags & ALTMM_SECTION_PRESENT), absent);
		if (!(sec->flags & ALTMM_SECTION_PRESENT))
			continue;
		chunks++;
		KUNIT_ASSERT_NOT_NULL(test, sec->mem_map);
		KUNIT_ASSERT_NOT_NULL(test, sec->usemap);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(sec->host_pfn, ALTMM_PAGES_PER_SECTION));
		KUNIT_EXPECT_TRUE(test, altmm_host_page_to_pfn(sys, pfn_to_page(sec->host_pfn),
							       &host_back) && host_back == pfn);
		KUNIT_EXPECT_EQ(test, !!(sec->flags & ALTMM_SECTION_DEVICE),
				pfn >= l->device.start);
		/* Memory hotplug may have taken a memory section offline. */
		is_offline = !(sec->flags & (ALTMM_SECTION_ONLINE | ALTMM_SECTION_DEVICE));
		if (!is_offline)
			KUNIT_EXPECT_EQ(test, !!(sec->flags & ALTMM_SECTION_ONLINE),
					pfn < l->device.start);
		else
			KUNIT_EXPECT_LT(test, pfn, l->device.start);
		offline += is_offline;
		online += !is_offline && !(sec->flags & ALTMM_SECTION_DEVICE);
		zone = &sys->nodes[sec->nid]->zones[sec->zone];
		if (!is_offline) {
			KUNIT_EXPECT_TRUE(test, altmm_test_in_zone(zone, pfn));
			KUNIT_EXPECT_TRUE(test, altmm_test_in_zone(zone, pfn + ALTMM_SECTION_MASK));
		}

		for (i = 0; i < ALTMM_PAGES_PER_SECTION; i++, pfn++) {
			const struct altmm_page *d = &sec->mem_map[i];
			bool want_rsv = (!absent &&
					 altmm_test_frame_reserved(&sys->memblock, pfn)) ||
					(sec->flags & ALTMM_SECTION_DEVICE) || is_offline;

			KUNIT_EXPECT_EQ(test, altmm_desc_section_nr(d), nr);
			if (altmm_desc_test(d, ALTMM_PG_reserved) != want_rsv) {
				KUNIT_FAIL(test, "pfn %#lx: reserved flag %d, memblock says %d",
					   pfn, altmm_desc_test(d, ALTMM_PG_reserved),
					   want_rsv);
				return;
			}
			KUNIT_EXPECT_EQ(test, altmm_desc_test(d, ALTMM_PG_device),
					!!(sec->flags & ALTMM_SECTION_DEVICE));
			if (sec->flags & ALTMM_SECTION_DEVICE || is_offline)
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
	KUNIT_EXPECT_EQ(test, present_total, online * ALTMM_PAGES_PER_SECTION);
	if (!hotplugged)
		KUNIT_EXPECT_EQ(test, present_total,
				l->end_pfn - altmm_test_hole_pages(l) -
				altmm_test_device_pages(l) - offline * ALTMM_PAGES_PER_SECTION);
	/* On the heap: this frame is near the 1024 bytes -Wframe-larger-than allows. */
	sr = kunit_kzalloc(test, sizeof(*sr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sr);
	altmm_check_sections_walk(sys, sr);
	altmm_check_expect(test, sr);
	altmm_check_slab_layer(test, sys);
	for_each_altmm_node(sys, node, nid) {
		struct altmm_check_report r = { 0 };

		altmm_check_lru_walk(sys, node, &r);
		altmm_check_expect(test, &r);
	}
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

/**
 * altmm_test_pin_cpu0() - run the rest of the test on CPU 0
 * @test: the running test
 *
 * For tests that follow one CPU's lists or arrays through several calls
 * that may sleep: on SMP the test's thread could otherwise move between
 * them.  Each test runs in a thread of its own, so the affinity goes
 * with it.  CPU 0 is the one every instance layout puts on node 0.
 */
static inline void altmm_test_pin_cpu0(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(0)), 0);
	KUNIT_ASSERT_EQ(test, raw_smp_processor_id(), 0);
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
