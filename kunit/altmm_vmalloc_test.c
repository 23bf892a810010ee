// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for vmalloc over altmm frames (vmalloc.c): an area is
 * virtually contiguous and backed, page by page, by frames of the
 * instance; vzalloc() zeroes, vmalloc_node() prefers its node, __GFP_HIGHMEM
 * reaches the HighMem zone; vfree() gives every frame back, from process
 * context at once and from atomic or hard interrupt context through the
 * deferred work; misuse is refused without harm; vmallocinfo has 6.1's
 * shape; teardown frees what was left; and a seeded random sequence of
 * vmalloc and vfree keeps all of it true.  The rest of the family:
 * __vmalloc_node()'s alignment, vmalloc_32()'s zones, vmalloc_user()'s
 * checks before a user mapping, vmap() and vm_map_ram() of altmm's and
 * the host's pages, vmalloc_to_page(), each area's one right free, and
 * vmallocinfo's line for every kind.
 *
 * Expectations are derived from the rules (frames per area, page array
 * sizes, zonelist order), never from a previous run.  Every instance goes
 * through the shared invariant checker when its test ends.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "altmm_test.h"
#include "slab.h"
#include "vmalloc.h"

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of vmalloc_random_sequence (0: a random one, printed)");

/* All of it ZONE_NORMAL on one node: 8192 frames. */
static const struct altmm_params one_node = { .arena_mb = 32, .nr_nodes = 1 };
static const struct altmm_params two_nodes = { .arena_mb = 32, .nr_nodes = 2 };
/* DMA32 [0, 16M), Normal [16M, 32M), HighMem [32M, 48M). */
static const struct altmm_params with_highmem = { .arena_mb = 48, .nr_nodes = 1,
						  .dma32_mb = 16, .highmem_mb = 32 };

#define PTRS_PER_PAGE	(PAGE_SIZE / sizeof(struct page *))
#define INFO_BUF_SIZE	(64 * 1024)

static DEFINE_SPINLOCK(test_lock);

/* === Helpers === */

/*
 * Free frames of the instance once nothing is cached: empty slabs of the
 * kmalloc classes (records and page arrays live there) and per-CPU lists
 * go back to the buddy lists first, so two counts around a vmalloc and
 * vfree compare only what the area held.
 */
static unsigned long free_frames(struct kunit *test, struct altmm_system *sys)
{
	struct altmm_zone *zone;
	unsigned long n = 0;
	int t, i, nid, zt;

	altmm_vmalloc_flush(sys);
	altmm_test_quiesce(test, sys);
	/*
	 * Largest classes first: shrinking an off-slab class frees its slab
	 * headers into a smaller normal class, which is shrunk after it.
	 */
	for (t = ALTMM_NR_KMALLOC_TYPES - 1; t >= 0; t--)
		for (i = ALTMM_NR_KMALLOC_CLASSES - 1; i >= 0; i--)
			if (sys->slab->kmalloc[t][i])
				altmm_cache_shrink(sys->slab->kmalloc[t][i]);
	altmm_drain_all_pages(sys, NULL);
	for_each_altmm_populated_zone(sys, zone, nid, zt)
		n += altmm_zone_free(zone);
	return n;
}

/* Managed frames of the zones a GFP_KERNEL vmalloc may use (not Movable). */
static unsigned long managed_frames(struct altmm_system *sys)
{
	struct altmm_zone *zone;
	unsigned long n = 0;
	int nid, zt;

	for_each_altmm_populated_zone(sys, zone, nid, zt)
		if (zt <= ALTMM_ZONE_HIGHMEM)
			n += altmm_zone_managed(zone);
	return n;
}

static unsigned long misuse(struct altmm_system *sys)
{
	return altmm_vm_event_sum(sys, ALTMM_MISUSE);
}

/*
 * Frames an area of @nr pages takes, and lookup entries: its own, plus,
 * when its page array is more than a page, the array's area (6.1's
 * __vmalloc_area_node() rule), recursively.
 */
static unsigned long area_frames(unsigned long nr, unsigned long *areas)
{
	unsigned long array = nr * sizeof(struct page *);

	(*areas)++;
	if (array <= PAGE_SIZE)
		return nr;
	return nr + area_frames(DIV_ROUND_UP(array, PAGE_SIZE), areas);
}

/* A vmalloc whose caller, for vmallocinfo, is the test function itself. */
#define test_vmalloc(sys, size, gfp, nid)	\
	altmm_sys_vmalloc(sys, size, gfp, nid, _THIS_IP_)

/* The altmm pfn behind each page of [@addr, @addr + @nr pages); asserts. */
static unsigned long *area_pfns(struct kunit *test, struct altmm_system *sys,
				const void *addr, unsigned long nr)
{
	unsigned long *pfns = kunit_kmalloc_array(test, nr, sizeof(*pfns), GFP_KERNEL);
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, pfns);
	for (i = 0; i < nr; i++) {
		struct page *page = vmalloc_to_page(addr + i * PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL_MSG(test, page, "page %lu is not mapped", i);
		KUNIT_ASSERT_TRUE_MSG(test, altmm_host_page_to_pfn(sys, page, &pfns[i]),
				      "page %lu is not an altmm frame", i);
	}
	return pfns;
}

static u8 pattern(unsigned long off, u8 salt)
{
	return (u8)(off * 7 + (off >> PAGE_SHIFT) * 13 + salt);
}

/*
 * Write a pattern through the vmalloc address, read it back through each
 * frame's direct-map address: page i of the area is frame i of its array.
 */
static void check_rw(struct kunit *test, struct altmm_system *sys, u8 *addr,
		     unsigned long nr, const unsigned long *pfns, u8 salt)
{
	unsigned long off, bad = 0, first = 0;

	for (off = 0; off < nr * PAGE_SIZE; off++)
		addr[off] = pattern(off, salt);
	for (off = 0; off < nr * PAGE_SIZE; off++) {
		u8 *direct = altmm_pfn_to_virt(sys, pfns[off >> PAGE_SHIFT]);

		if (direct[offset_in_page(off)] != pattern(off, salt) && !bad++)
			first = off;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "first wrong byte at offset %lu", first);
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* No frame twice, every one a live allocation of the instance. */
static void check_frames_owned(struct kunit *test, struct altmm_system *sys,
			       const unsigned long *pfns, unsigned long nr)
{
	unsigned long *sorted = kunit_kmalloc_array(test, nr, sizeof(*sorted), GFP_KERNEL);
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, sorted);
	memcpy(sorted, pfns, nr * sizeof(*sorted));
	sort(sorted, nr, sizeof(*sorted), cmp_ulong, NULL);
	for (i = 0; i < nr; i++) {
		const struct altmm_page *d = altmm_pfn_to_desc(sys, sorted[i]);

		KUNIT_ASSERT_NOT_NULL(test, d);
		KUNIT_EXPECT_TRUE_MSG(test, altmm_desc_test(d, ALTMM_PG_alloc),
				      "pfn %#lx is not allocated", sorted[i]);
		KUNIT_EXPECT_EQ(test, altmm_alloc_order(d), 0U);
		if (i)
			KUNIT_EXPECT_NE_MSG(test, sorted[i], sorted[i - 1],
					    "pfn %#lx mapped twice", sorted[i]);
	}
}

/* === Areas === */

/*
 * Sizes around the page and around PTRS_PER_PAGE pages, where the page
 * array stops fitting in one page and is vmalloc'ed itself.
 */
static const unsigned long area_sizes[] = {
	1, PAGE_SIZE, PAGE_SIZE + 1, 17 * PAGE_SIZE - 3,
	PTRS_PER_PAGE * PAGE_SIZE, PTRS_PER_PAGE * PAGE_SIZE + 1, 600 * PAGE_SIZE,
};

static void area_size_desc(const unsigned long *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu_bytes", *size);
}

KUNIT_ARRAY_PARAM(area_sizes, area_sizes, area_size_desc);

/*
 * An area of every interesting size: mapped contiguously, frame by frame
 * from the instance, counted in nr_pages and the lookup, and vfree() gives
 * every frame back.
 */
static void vmalloc_area_contiguous(struct kunit *test)
{
	const unsigned long size = *(const unsigned long *)test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE), areas = 0, frames;
	unsigned long before, *pfns;
	u8 *p;

	frames = area_frames(nr, &areas);
	before = free_frames(test, sys);
	KUNIT_ASSERT_EQ(test, altmm_vmalloc_nr_pages(sys), 0UL);

	p = test_vmalloc(sys, size, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(p));
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), frames);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), areas);

	pfns = area_pfns(test, sys, p, nr);
	check_frames_owned(test, sys, pfns, nr);
	check_rw(test, sys, p, nr, pfns, 0x5a);
	/* The record and a kmalloc'ed array cost at most a slab each. */
	KUNIT_EXPECT_LE(test, before - free_frames(test, sys),
			frames + 2 * BIT(ALTMM_SLAB_MAX_ORDER));
	KUNIT_EXPECT_GE(test, before - free_frames(test, sys), frames);

	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/* vzalloc() zeroes frames that were dirty when it got them. */
static void vmalloc_vzalloc_zeroes(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned long nr = 64;
	struct altmm_test_hold *h = altmm_test_hold_new(test, managed_frames(sys));
	unsigned long i, off, nonzero = 0, dirty = 0, *pfns, *dirtied;
	u8 *p;

	dirtied = kunit_kcalloc(test, BITS_TO_LONGS(sys->layout.end_pfn),
				sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dirtied);
	/* Dirty every frame the allocator hands out without reclaim. */
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET, 0, NUMA_NO_NODE);
	KUNIT_ASSERT_GT(test, h->nr, nr);
	for (i = 0; i < h->nr; i++) {
		memset(page_address(h->page[i]), 0xa5, PAGE_SIZE);
		__set_bit(altmm_test_pfn(test, sys, h->page[i]), dirtied);
	}
	altmm_test_release(test, sys, h);

	p = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	pfns = area_pfns(test, sys, p, nr);
	for (i = 0; i < nr; i++)
		dirty += test_bit(pfns[i], dirtied);
	for (off = 0; off < nr * PAGE_SIZE; off++)
		nonzero += p[off] != 0;
	KUNIT_EXPECT_EQ(test, nonzero, 0UL);
	/* The check had teeth: frames that were dirty came back zeroed. */
	KUNIT_EXPECT_GT(test, dirty, 0UL);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
}

/* vmalloc_node() takes every frame from its node while the node has room. */
static void vmalloc_node_prefers_node(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	const unsigned long nr = 200;
	int nid;

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		unsigned long i, on_node = 0, *pfns;
		void *p = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL, nid);

		KUNIT_ASSERT_NOT_NULL(test, p);
		pfns = area_pfns(test, sys, p, nr);
		for (i = 0; i < nr; i++)
			on_node += altmm_pfn_to_section(sys, pfns[i])->nid == nid;
		KUNIT_EXPECT_EQ_MSG(test, on_node, nr, "node %d", nid);
		KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	}
}

/*
 * GFP_KERNEL areas get __GFP_HIGHMEM, so with HighMem free they come
 * from it (the zonelist starts at the highest zone); a DMA32 mask keeps
 * them at or below DMA32.  Both are mapped and usable alike.
 */
static void vmalloc_highmem_frames(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_highmem);
	static const struct { gfp_t gfp; int lo, hi; } cases[] = {
		{ GFP_KERNEL, ALTMM_ZONE_HIGHMEM, ALTMM_ZONE_HIGHMEM },
		{ GFP_KERNEL | GFP_DMA32, ALTMM_ZONE_DMA, ALTMM_ZONE_DMA32 },
	};
	const unsigned long nr = 32;
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		unsigned long i, in_range = 0, *pfns;
		u8 *p = test_vmalloc(sys, nr * PAGE_SIZE, cases[c].gfp, NUMA_NO_NODE);

		KUNIT_ASSERT_NOT_NULL(test, p);
		pfns = area_pfns(test, sys, p, nr);
		for (i = 0; i < nr; i++) {
			int zt = altmm_pfn_to_zone(sys, pfns[i])->type;

			in_range += zt >= cases[c].lo && zt <= cases[c].hi;
		}
		KUNIT_EXPECT_EQ_MSG(test, in_range, nr, "case %u", c);
		check_rw(test, sys, p, nr, pfns, c);
		KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	}
}

/* === Freeing from atomic context === */

/*
 * Under a spinlock with interrupts off the record leaves the lookup at
 * once (a second vfree() is refused there and then) while the frames stay
 * allocated: this CPU's workqueue cannot run before the lock is dropped.
 * A flush completes it.
 */
static void vmalloc_vfree_under_spinlock(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned long nr = 40;
	unsigned long before, flags, held, areas, m0, *pfns;
	int ret, ret2;
	bool still_alloc;
	void *p;

	before = free_frames(test, sys);
	p = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	pfns = area_pfns(test, sys, p, nr);
	m0 = misuse(sys);

	spin_lock_irqsave(&test_lock, flags);
	ret = altmm_sys_vfree(sys, p);
	areas = altmm_vmalloc_nr_areas(sys);
	held = altmm_vmalloc_nr_pages(sys);
	still_alloc = altmm_desc_test(altmm_pfn_to_desc(sys, pfns[nr - 1]), ALTMM_PG_alloc);
	ret2 = altmm_sys_vfree(sys, p);
	spin_unlock_irqrestore(&test_lock, flags);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, areas, 0UL);
	KUNIT_EXPECT_EQ(test, held, nr);
	KUNIT_EXPECT_TRUE(test, still_alloc);
	KUNIT_EXPECT_EQ(test, ret2, -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 1);

	altmm_vmalloc_flush(sys);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), 0UL);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(altmm_pfn_to_desc(sys, pfns[nr - 1]),
						 ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

struct hard_vfree {
	struct hrtimer timer;
	struct completion done;
	struct altmm_system *sys;
	void *addr;
	int ret;
	bool in_hardirq;
	unsigned long held;
};

static enum hrtimer_restart hard_vfree_fn(struct hrtimer *timer)
{
	struct hard_vfree *hv = container_of(timer, struct hard_vfree, timer);

	hv->in_hardirq = in_hardirq();
	hv->ret = altmm_sys_vfree(hv->sys, hv->addr);
	hv->held = altmm_vmalloc_nr_pages(hv->sys);
	complete(&hv->done);
	return HRTIMER_NORESTART;
}

/* From a hard interrupt (an HRTIMER_MODE_REL_HARD callback), the same. */
static void vmalloc_vfree_from_hardirq(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned long nr = 24;
	struct hard_vfree hv = { .sys = sys, .ret = 1 };
	unsigned long before;
	bool fired;

	before = free_frames(test, sys);
	hv.addr = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, hv.addr);
	init_completion(&hv.done);
	hrtimer_init(&hv.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	hv.timer.function = hard_vfree_fn;
	hrtimer_start(&hv.timer, ns_to_ktime(100 * NSEC_PER_USEC), HRTIMER_MODE_REL_HARD);
	fired = wait_for_completion_timeout(&hv.done, 5 * HZ);
	hrtimer_cancel(&hv.timer);
	KUNIT_ASSERT_TRUE_MSG(test, fired, "the timer did not fire in 5 s");

	KUNIT_EXPECT_TRUE(test, hv.in_hardirq);
	KUNIT_EXPECT_EQ(test, hv.ret, 0);
	/* vunmap() cannot run in a hard interrupt: the frames waited. */
	KUNIT_EXPECT_EQ(test, hv.held, nr);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	altmm_vmalloc_flush(sys);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), 0UL);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/* === Misuse === */

/*
 * Each bad vfree() is refused with one report and changes nothing: a
 * foreign kmalloc and vmalloc pointer, the instance's own kmalloc
 * memory, an interior and an unaligned pointer into a live area (which
 * stays intact), and a second vfree().  NULL is fine.
 */
static void vmalloc_vfree_misuse(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned long nr = 8;
	unsigned long before, m0, *pfns, i;
	void *host_k, *host_v, *alt_k;
	const void *bad[5];
	u8 *p;

	before = free_frames(test, sys);
	host_k = kmalloc(64, GFP_KERNEL);
	host_v = vmalloc(PAGE_SIZE);
	alt_k = altmm_sys_kmalloc(sys, 128, GFP_KERNEL, NUMA_NO_NODE, _THIS_IP_);
	p = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, host_k);
	KUNIT_ASSERT_NOT_NULL(test, host_v);
	KUNIT_ASSERT_NOT_NULL(test, alt_k);
	KUNIT_ASSERT_NOT_NULL(test, p);
	pfns = area_pfns(test, sys, p, nr);
	check_rw(test, sys, p, nr, pfns, 1);

	bad[0] = host_k;
	bad[1] = host_v;
	bad[2] = alt_k;
	bad[3] = p + 3 * PAGE_SIZE;
	bad[4] = p + 1;
	m0 = misuse(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, NULL), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, altmm_sys_vfree(sys, bad[i]), -EINVAL, "case %lu", i);
		KUNIT_EXPECT_EQ_MSG(test, misuse(sys), m0 + i + 1, "case %lu", i);
	}
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), nr);
	KUNIT_EXPECT_EQ(test, memcmp(area_pfns(test, sys, p, nr), pfns, nr * sizeof(*pfns)), 0);
	check_rw(test, sys, p, nr, pfns, 2);

	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	m0 = misuse(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 1);

	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, alt_k, _THIS_IP_), 0);
	vfree(host_v);
	kfree(host_k);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/*
 * Requests that cannot be served fail cleanly: 0 bytes, more than the
 * instance manages (by a page, and ULONG_MAX), a node that does not
 * exist, a caller in atomic context, and a size the instance has but
 * cannot give (the frames taken so far go back).
 */
static void vmalloc_bad_requests(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned long total = managed_frames(sys), before, m0, flags;
	void *atomic_p;

	before = free_frames(test, sys);
	KUNIT_EXPECT_NULL(test, test_vmalloc(sys, 0, GFP_KERNEL | __GFP_NOWARN,
					     NUMA_NO_NODE));
	KUNIT_EXPECT_NULL(test, test_vmalloc(sys, (total + 1) * PAGE_SIZE,
					     GFP_KERNEL | __GFP_NOWARN, NUMA_NO_NODE));
	KUNIT_EXPECT_NULL(test, test_vmalloc(sys, total * PAGE_SIZE + 1,
					     GFP_KERNEL | __GFP_NOWARN, NUMA_NO_NODE));
	KUNIT_EXPECT_NULL(test, test_vmalloc(sys, ULONG_MAX, GFP_KERNEL | __GFP_NOWARN,
					     NUMA_NO_NODE));

	m0 = misuse(sys);
	KUNIT_EXPECT_NULL(test, test_vmalloc(sys, PAGE_SIZE, GFP_KERNEL,
					     sys->layout.nr_nodes));
	KUNIT_EXPECT_NULL(test, test_vmalloc(sys, PAGE_SIZE, GFP_KERNEL, -7));
	spin_lock_irqsave(&test_lock, flags);
	atomic_p = test_vmalloc(sys, PAGE_SIZE, GFP_ATOMIC, NUMA_NO_NODE);
	spin_unlock_irqrestore(&test_lock, flags);
	KUNIT_EXPECT_NULL(test, atomic_p);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 3);

	/* Every frame is not every free frame: watermarks keep some back. */
	KUNIT_EXPECT_NULL(test, test_vmalloc(sys, total * PAGE_SIZE,
					     GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
					     NUMA_NO_NODE));

	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), 0UL);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/* === vmallocinfo === */

struct info_area {
	void *addr;
	unsigned long nr;
	int nid;
};

static int cmp_info_area(const void *a, const void *b)
{
	const struct info_area *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * A %pK pointer: 16 hex digits (hashed, raw or zeros as kptr_restrict
 * says), or the placeholder printed before the hash key is ready.
 */
static bool pk_field(const char *s)
{
	return strspn(s, "0123456789abcdef") >= 16 ||
	       !strncmp(s, "(____ptrval____)", 16);
}

/*
 * One line: "0x%pK-0x%pK %7ld %pS pages=%d vmalloc[ vpages] N<n>=<c>...",
 * where %pS of a module address ends in " [module]".  Parses @line in
 * place; @copy keeps it whole for the messages.
 */
static void check_info_line(struct kunit *test, char *line, const char *copy,
			    unsigned long *size, unsigned long *pages, bool *vpages,
			    unsigned long nr_node[ALTMM_MAX_NUMNODES], int nr_nodes)
{
	int field = 0, last_nid = -1;
	char *tok, *s = line;
	size_t blanks;

	memset(nr_node, 0, ALTMM_MAX_NUMNODES * sizeof(*nr_node));
	*vpages = false;
	*pages = 0;
	/* Two 16-character pointers, the size right-aligned in >= 7 columns. */
	KUNIT_ASSERT_GE_MSG(test, strlen(line), 45UL, "%s", copy);
	KUNIT_EXPECT_EQ_MSG(test, strncmp(line, "0x", 2), 0, "%s", copy);
	KUNIT_EXPECT_TRUE_MSG(test, pk_field(line + 2), "%s", copy);
	KUNIT_EXPECT_EQ_MSG(test, strncmp(line + 18, "-0x", 3), 0, "%s", copy);
	KUNIT_EXPECT_TRUE_MSG(test, pk_field(line + 21), "%s", copy);
	KUNIT_EXPECT_EQ_MSG(test, line[37], ' ', "%s", copy);
	blanks = strspn(line + 38, " ");
	KUNIT_EXPECT_GE_MSG(test, blanks + strcspn(line + 38 + blanks, " "), 7UL, "%s", copy);

	while ((tok = strsep(&s, " "))) {
		unsigned int nid, count;

		if (!*tok)
			continue;
		if (field == 3 && tok[0] == '[' && tok[strlen(tok) - 1] == ']')
			continue;	/* the caller's module */
		switch (field++) {
		case 0:
			break;
		case 1:
			KUNIT_EXPECT_EQ_MSG(test, kstrtoul(tok, 10, size), 0, "%s", copy);
			break;
		case 2:
			KUNIT_EXPECT_TRUE_MSG(test, strstr(tok, "+0x") && strstr(tok, "/0x"),
					      "caller: %s", copy);
			break;
		case 3:
			KUNIT_EXPECT_EQ_MSG(test, sscanf(tok, "pages=%lu", pages), 1, "%s", copy);
			break;
		case 4:
			KUNIT_EXPECT_STREQ_MSG(test, tok, "vmalloc", "%s", copy);
			break;
		default:
			if (!strcmp(tok, "vpages") && field == 6) {
				*vpages = true;
				break;
			}
			KUNIT_EXPECT_EQ_MSG(test, sscanf(tok, "N%u=%u", &nid, &count), 2,
					    "%s: %s", tok, copy);
			KUNIT_EXPECT_LT_MSG(test, nid, (unsigned int)nr_nodes, "%s", copy);
			KUNIT_EXPECT_GT_MSG(test, (int)nid, last_nid, "node order: %s", copy);
			KUNIT_EXPECT_GT_MSG(test, count, 0U, "%s", copy);
			last_nid = nid;
			if (nid < ALTMM_MAX_NUMNODES)
				nr_node[nid] = count;
		}
	}
	KUNIT_EXPECT_GE_MSG(test, field, 6, "too few fields: %s", copy);
}

/*
 * Areas of several sizes on both nodes show up one line each, sorted by
 * address, with the size including the guard page, the pages, the flag,
 * "vpages" where the page array is vmalloc'ed (the array then has a line
 * of its own, with the same caller, as in 6.1), and per-node counts that
 * add up to the pages.
 */
static void vmalloc_vmallocinfo(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	static const struct { unsigned long nr; int nid; } req[] = {
		{ 1, 0 }, { 5, 1 }, { 37, NUMA_NO_NODE }, { 700, 1 }, { 3, 1 },
	};
	const unsigned long array_nr = DIV_ROUND_UP(700 * sizeof(struct page *), PAGE_SIZE);
	unsigned long n = ARRAY_SIZE(req), i, j, areas = 0, arrays = 0;
	struct info_area *want;
	char *buf, *s, *line, caller[64];
	ssize_t len;

	/* %pS of an address in this function. */
	snprintf(caller, sizeof(caller), " %s+0x", __func__);
	want = kunit_kcalloc(test, n, sizeof(*want), GFP_KERNEL);
	buf = kunit_kzalloc(test, INFO_BUF_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < n; i++) {
		/* Array lines are told apart by their size: no request has it. */
		KUNIT_ASSERT_NE(test, req[i].nr, array_nr);
		want[i].addr = test_vmalloc(sys, req[i].nr * PAGE_SIZE, GFP_KERNEL, req[i].nid);
		KUNIT_ASSERT_NOT_NULL(test, want[i].addr);
		want[i].nr = req[i].nr;
		want[i].nid = req[i].nid;
		area_frames(req[i].nr, &areas);
	}
	KUNIT_ASSERT_EQ(test, altmm_vmalloc_nr_areas(sys), areas);
	sort(want, n, sizeof(*want), cmp_info_area, NULL);

	len = altmm_vmallocinfo_render(sys, buf, INFO_BUF_SIZE);
	KUNIT_ASSERT_GT(test, len, 0L);
	KUNIT_EXPECT_EQ(test, buf[len - 1], '\n');
	kunit_info(test, "vmallocinfo:\n%s", buf);

	/* The lines of the areas asked for come in address order. */
	i = 0;
	s = buf;
	while ((line = strsep(&s, "\n")) && *line) {
		unsigned long size = 0, pages = 0, nr_node[ALTMM_MAX_NUMNODES], sum = 0;
		char copy[256];
		bool vpages;
		int nid;

		strscpy(copy, line, sizeof(copy));
		KUNIT_EXPECT_TRUE_MSG(test, strstr(line, caller), "caller: %s", copy);
		check_info_line(test, line, copy, &size, &pages, &vpages, nr_node,
				sys->layout.nr_nodes);
		KUNIT_EXPECT_EQ_MSG(test, size, (pages + 1) * PAGE_SIZE, "%s", copy);
		for (nid = 0; nid < ALTMM_MAX_NUMNODES; nid++)
			sum += nr_node[nid];
		KUNIT_EXPECT_EQ_MSG(test, sum, pages, "node counts of %s", copy);
		if (pages == array_nr && !vpages) {
			KUNIT_EXPECT_EQ_MSG(test, nr_node[1], array_nr,
					    "array on its area's node: %s", copy);
			arrays++;
			continue;
		}
		if (i >= n) {
			KUNIT_FAIL(test, "more lines than areas: %s", copy);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, pages, want[i].nr, "line %lu: %s", i, copy);
		KUNIT_EXPECT_EQ_MSG(test, vpages, want[i].nr > PTRS_PER_PAGE, "%s", copy);
		if (want[i].nid != NUMA_NO_NODE)
			KUNIT_EXPECT_EQ_MSG(test, nr_node[want[i].nid], want[i].nr, "%s", copy);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, n);
	KUNIT_EXPECT_EQ(test, arrays, 1UL);

	for (j = 0; j < n; j++)
		KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, want[j].addr), 0);
	KUNIT_EXPECT_EQ(test, altmm_vmallocinfo_render(sys, buf, INFO_BUF_SIZE), 0L);
}

/* === Teardown === */

/*
 * What is still allocated when the layer goes - live areas, a page array
 * of one, a vfree() still deferred - is all given back.
 */
static void vmalloc_exit_frees_leftovers(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned long before, flags;
	void *deferred;

	before = free_frames(test, sys);
	KUNIT_ASSERT_NOT_NULL(test, test_vmalloc(sys, 3 * PAGE_SIZE, GFP_KERNEL,
						 NUMA_NO_NODE));
	KUNIT_ASSERT_NOT_NULL(test, test_vmalloc(sys, 900 * PAGE_SIZE, GFP_KERNEL,
						 NUMA_NO_NODE));
	deferred = test_vmalloc(sys, 10 * PAGE_SIZE, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, deferred);
	spin_lock_irqsave(&test_lock, flags);
	altmm_sys_vfree(sys, deferred);
	spin_unlock_irqrestore(&test_lock, flags);

	altmm_vmalloc_exit(sys);
	KUNIT_EXPECT_NULL(test, sys->vmalloc);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
	/* The layer comes back for the rest of the teardown. */
	KUNIT_ASSERT_EQ(test, altmm_vmalloc_init(sys), 0);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
}

/* === Random === */

#define RANDOM_OPS		3000
#define RANDOM_MAX_HELD		64

struct random_area {
	u32 *addr;
	unsigned long nr;
	u32 tag;
};

/* Two words per page, so that a frame mapped at the wrong place shows. */
static void random_stamp(struct random_area *a)
{
	unsigned long i;

	for (i = 0; i < a->nr; i++) {
		a->addr[i * (PAGE_SIZE / 4)] = a->tag ^ i;
		a->addr[(i + 1) * (PAGE_SIZE / 4) - 1] = ~a->tag ^ i;
	}
}

static bool random_intact(const struct random_area *a)
{
	unsigned long i;

	for (i = 0; i < a->nr; i++)
		if (a->addr[i * (PAGE_SIZE / 4)] != (a->tag ^ i) ||
		    a->addr[(i + 1) * (PAGE_SIZE / 4) - 1] != (~a->tag ^ i))
			return false;
	return true;
}

static unsigned long random_pages(struct rnd_state *rnd)
{
	u32 r = prandom_u32_state(rnd) % 100;

	if (r < 70)
		return 1 + prandom_u32_state(rnd) % 16;
	if (r < 95)
		return 17 + prandom_u32_state(rnd) % 240;
	return PTRS_PER_PAGE + 1 + prandom_u32_state(rnd) % 200;
}

KUNIT_ARRAY_PARAM(layouts, altmm_test_layouts, altmm_test_layout_desc);

/*
 * On every catalogue layout, a seeded random sequence of vmalloc and
 * vfree of random sizes on random nodes, some frees from atomic context:
 * contents survive while held, the counters follow, and at the end every
 * frame is back.
 */
static void vmalloc_random_sequence(struct kunit *test)
{
	const struct altmm_test_layout *t = test->param_value;
	u64 s = seed ?: get_random_u64();
	struct random_area *held;
	unsigned long before, op, nr_held = 0, pages = 0, frames = 0, areas = 0;
	unsigned long cap, allocs = 0, atomic_frees = 0, frees = 0;
	struct altmm_system *sys;
	struct rnd_state rnd;

	kunit_info(test, "seed %llu (reload with seed=%llu to repeat)\n", s, s);
	prandom_seed_state(&rnd, s);
	sys = altmm_test_create(test, &t->p);
	held = kunit_kcalloc(test, RANDOM_MAX_HELD, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	cap = managed_frames(sys) / 2;
	before = free_frames(test, sys);

	for (op = 0; op < RANDOM_OPS; op++) {
		bool alloc = !nr_held ||
			     (nr_held < RANDOM_MAX_HELD && prandom_u32_state(&rnd) % 100 < 55);

		if (alloc) {
			struct random_area *a = &held[nr_held];
			int nid = NUMA_NO_NODE;
			unsigned long a_areas = 0, a_frames;

			a->nr = random_pages(&rnd);
			a_frames = area_frames(a->nr, &a_areas);
			if (frames + a_frames > cap)
				continue;
			if (prandom_u32_state(&rnd) % 2)
				nid = prandom_u32_state(&rnd) % sys->layout.nr_nodes;
			a->addr = test_vmalloc(sys, a->nr * PAGE_SIZE -
					       prandom_u32_state(&rnd) % PAGE_SIZE,
					       GFP_KERNEL, nid);
			KUNIT_ASSERT_NOT_NULL_MSG(test, a->addr, "op %lu: %lu pages", op, a->nr);
			a->tag = prandom_u32_state(&rnd);
			random_stamp(a);
			nr_held++;
			pages += a->nr;
			frames += a_frames;
			areas += a_areas;
			allocs++;
		} else {
			unsigned long i = prandom_u32_state(&rnd) % nr_held, a_areas = 0, flags;
			struct random_area a = held[i];
			int ret;

			KUNIT_EXPECT_TRUE_MSG(test, random_intact(&a), "op %lu: area of %lu pages",
					      op, a.nr);
			held[i] = held[--nr_held];
			if (!(prandom_u32_state(&rnd) % 8)) {
				spin_lock_irqsave(&test_lock, flags);
				ret = altmm_sys_vfree(sys, a.addr);
				spin_unlock_irqrestore(&test_lock, flags);
				atomic_frees++;
			} else {
				ret = altmm_sys_vfree(sys, a.addr);
			}
			KUNIT_EXPECT_EQ(test, ret, 0);
			pages -= a.nr;
			frames -= area_frames(a.nr, &a_areas);
			areas -= a_areas;
			frees++;
		}
		if (!(op % 256)) {
			altmm_vmalloc_flush(sys);
			KUNIT_EXPECT_EQ_MSG(test, altmm_vmalloc_nr_pages(sys), frames,
					    "op %lu", op);
			KUNIT_EXPECT_EQ_MSG(test, altmm_vmalloc_nr_areas(sys), areas,
					    "op %lu", op);
			if (READ_ONCE(test->status) == KUNIT_FAILURE)
				break;
		}
	}
	kunit_info(test, "%lu vmallocs, %lu vfrees (%lu atomic); %lu areas, %lu pages held at the end\n",
		   allocs, frees, atomic_frees, nr_held, pages);
	KUNIT_EXPECT_GT(test, atomic_frees, 0UL);

	while (nr_held) {
		nr_held--;
		KUNIT_EXPECT_TRUE(test, random_intact(&held[nr_held]));
		KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, held[nr_held].addr), 0);
	}
	/* An atomic vfree() since the last check may still be on the work queue. */
	altmm_vmalloc_flush(sys);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), 0UL);
}

/* === Alignment, zones, user areas (__vmalloc_node(), vmalloc_32(), vmalloc_user()) === */

struct align_case {
	unsigned long nr;
	unsigned long align;
};

/*
 * Areas shorter and longer than their alignment, up to the largest the
 * host's ranges give (1 << IOREMAP_MAX_ORDER), and test_vmalloc's
 * THREAD_ALIGN << 1 for five pages.
 */
static const struct align_case align_cases[] = {
	{ 1, 2 * PAGE_SIZE }, { 3, SZ_64K }, { 17, SZ_16K }, { 5, THREAD_ALIGN << 1 },
	{ 2, IOREMAP_MAX_ORDER > 22 ? SZ_4M : 1UL << IOREMAP_MAX_ORDER }, { 300, SZ_128K },
};

static void align_case_desc(const struct align_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu_pages_align_%#lx", c->nr, c->align);
}

KUNIT_ARRAY_PARAM(align_cases, align_cases, align_case_desc);

/*
 * __vmalloc_node() honours its alignment: the address is a multiple of
 * it, the area is the instance's frames in order and usable, the page
 * after it is its guard (no page to vmalloc_to_page()), and vfree()
 * gives every frame back.
 */
static void vmalloc_align_honoured(struct kunit *test)
{
	const struct align_case *c = test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned long before, *pfns, i;
	u8 *p;

	before = free_frames(test, sys);
	p = altmm_sys_vmalloc_node(sys, c->nr * PAGE_SIZE, c->align, GFP_KERNEL,
				   NUMA_NO_NODE, 0, _THIS_IP_);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)p & (c->align - 1), 0UL, "%p", p);
	pfns = area_pfns(test, sys, p, c->nr);
	check_frames_owned(test, sys, pfns, c->nr);
	check_rw(test, sys, p, c->nr, pfns, 3);
	for (i = 0; i < c->nr; i++)
		KUNIT_EXPECT_PTR_EQ(test, altmm_sys_vmalloc_to_page(sys, p + i * PAGE_SIZE),
				    altmm_pfn_to_host_page(sys, pfns[i]));
	KUNIT_EXPECT_NULL(test, altmm_sys_vmalloc_to_page(sys, p + c->nr * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), c->nr);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/*
 * Alignments 6.1 cannot serve either: not a power of two (0 included) is
 * refused and reported; above what the host's ranges give fails, reported
 * unless __GFP_NOWARN.  Nothing is left allocated.
 */
static void vmalloc_align_refused(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	static const unsigned long bad[] = { 0, 3 * PAGE_SIZE, PAGE_SIZE + 1 };
	unsigned long before, m0, i;

	altmm_test_log_clear(test);
	before = free_frames(test, sys);
	m0 = misuse(sys);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_NULL_MSG(test, altmm_sys_vmalloc_node(sys, PAGE_SIZE, bad[i],
								   GFP_KERNEL, NUMA_NO_NODE,
								   0, _THIS_IP_),
				      "align %#lx", bad[i]);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + ARRAY_SIZE(bad));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("is not a power of 2"),
			(unsigned int)ARRAY_SIZE(bad));
	KUNIT_EXPECT_NULL(test, altmm_sys_vmalloc_node(sys, PAGE_SIZE, 2UL << IOREMAP_MAX_ORDER,
						       GFP_KERNEL, NUMA_NO_NODE, 0,
						       _THIS_IP_));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("alignment beyond the host's largest"), 1U);
	/* Flags other than VM_USERMAP are not the vmalloc family's. */
	KUNIT_EXPECT_NULL(test, altmm_sys_vmalloc_node(sys, PAGE_SIZE, 1, GFP_KERNEL,
						       NUMA_NO_NODE, VM_IOREMAP, _THIS_IP_));
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + ARRAY_SIZE(bad) + 1);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/*
 * vmalloc_32() and vmalloc_32_user() masks keep every frame in DMA or
 * DMA32 even with HighMem and Normal free; the _user one is zeroed on
 * frames that were dirty, page-aligned (SHMLBA) and a "user" area.
 */
static void vmalloc_32_zones(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_highmem);
	const unsigned long nr = 48;
	unsigned int user;

	for (user = 0; user < 2; user++) {
		gfp_t gfp = GFP_KERNEL | GFP_DMA32 | (user ? __GFP_ZERO : 0);
		unsigned long i, low = 0, *pfns;
		u8 *p, *dirty;

		/* Dirty DMA32 frames that go back to the free lists first. */
		dirty = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL | GFP_DMA32, NUMA_NO_NODE);
		KUNIT_ASSERT_NOT_NULL(test, dirty);
		memset(dirty, 0xa5, nr * PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, altmm_sys_vfree(sys, dirty), 0);

		p = altmm_sys_vmalloc_node(sys, nr * PAGE_SIZE, user ? SHMLBA : 1, gfp,
					   NUMA_NO_NODE, user ? VM_USERMAP : 0, _THIS_IP_);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, SHMLBA));
		pfns = area_pfns(test, sys, p, nr);
		for (i = 0; i < nr; i++)
			low += altmm_pfn_to_zone(sys, pfns[i])->type <= ALTMM_ZONE_DMA32;
		KUNIT_EXPECT_EQ_MSG(test, low, nr, "user %u", user);
		if (user)
			KUNIT_EXPECT_TRUE(test, !memchr_inv(p, 0, nr * PAGE_SIZE));
		check_rw(test, sys, p, nr, pfns, 9);
		KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	}
}

/*
 * remap_vmalloc_range() checks before it maps anything: an area without
 * VM_USERMAP, a VMA larger than the area from the offset, an offset that
 * overflows, an unaligned address and one no area has are each refused
 * and reported, and touch no VMA field but the range (the VMA here is not
 * a real one: the user mapping itself is tested in the VM by consumer.sh).
 */
static void vmalloc_remap_refused(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct vm_area_struct *vma;
	unsigned long m0;
	void *plain, *user;

	vma = kunit_kzalloc(test, sizeof(*vma), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	plain = test_vmalloc(sys, 4 * PAGE_SIZE, GFP_KERNEL, NUMA_NO_NODE);
	user = altmm_sys_vmalloc_node(sys, 4 * PAGE_SIZE, SHMLBA, GFP_KERNEL | __GFP_ZERO,
				      NUMA_NO_NODE, VM_USERMAP, _THIS_IP_);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_ASSERT_NOT_NULL(test, user);
	altmm_test_log_clear(test);
	m0 = misuse(sys);

	vma->vm_start = 0x10000000UL;
	vma->vm_end = vma->vm_start + 4 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, altmm_sys_remap_vmalloc_range(sys, vma, plain, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("the area is not VM_USERMAP"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_sys_remap_vmalloc_range(sys, vma, user, 1), -EINVAL);
	vma->vm_end = vma->vm_start + 5 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, altmm_sys_remap_vmalloc_range(sys, vma, user, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("the VMA is larger than the area"), 2U);
	KUNIT_EXPECT_EQ(test, altmm_sys_remap_vmalloc_range(sys, vma, user, ULONG_MAX >> 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_remap_vmalloc_range(sys, vma, user + 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("unaligned or offset too large"), 2U);
	KUNIT_EXPECT_EQ(test, altmm_sys_remap_vmalloc_range(sys, vma, PTR_ALIGN(vma, PAGE_SIZE), 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("not in an area altmm mapped"), 1U);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 6);
	KUNIT_EXPECT_EQ(test, vma->vm_flags, 0UL);

	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, plain), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, user), 0);
}

/* === vmap() and vm_map_ram() === */

/*
 * @nr pages for a vmap(): altmm frames at even indexes, the host's at
 * odd ones (or all altmm's with !@mixed).
 */
static struct page **caller_pages(struct kunit *test, struct altmm_system *sys,
				  unsigned int nr, bool mixed)
{
	struct page **pages = kunit_kcalloc(test, nr, sizeof(*pages), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < nr; i++) {
		pages[i] = mixed && (i & 1) ? alloc_page(GFP_KERNEL) :
			altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, NUMA_NO_NODE);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	return pages;
}

static bool page_is_altmm(struct altmm_system *sys, struct page *page)
{
	unsigned long pfn;

	return altmm_host_page_to_pfn(sys, page, &pfn);
}

static void put_caller_pages_test(struct altmm_system *sys, struct page **pages,
				  unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (page_is_altmm(sys, pages[i]))
			altmm_sys_free_pages(sys, pages[i], 0, false);
		else
			__free_page(pages[i]);
	}
}

/* Each altmm page among @pages still allocated. */
static void check_pages_kept_alloc(struct kunit *test, struct altmm_system *sys,
				   struct page **pages, unsigned int nr)
{
	unsigned long pfn;
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (altmm_host_page_to_pfn(sys, pages[i], &pfn))
			KUNIT_EXPECT_TRUE_MSG(test, altmm_desc_test(altmm_pfn_to_desc(sys, pfn),
								    ALTMM_PG_alloc),
					      "page %u freed by the unmapping", i);
}

/* Each page still a live allocation of its owner, holding pattern @salt. */
static void check_pages_kept(struct kunit *test, struct altmm_system *sys,
			     struct page **pages, unsigned int nr, u8 salt)
{
	unsigned long bad = 0, off;
	unsigned int i;

	check_pages_kept_alloc(test, sys, pages, nr);
	for (i = 0; i < nr; i++) {
		const u8 *direct = page_address(pages[i]);

		for (off = 0; off < PAGE_SIZE; off++)
			bad += direct[off] != pattern(i * PAGE_SIZE + off, salt);
	}
	KUNIT_EXPECT_EQ(test, bad, 0UL);
}

/*
 * vmap() of altmm's and the host's pages maps them in array order: a
 * pattern written through the mapping is read back through each page's
 * direct-map address, vmalloc_to_page() gives each page back, and
 * vunmap() leaves every page allocated and intact.
 */
static void vmap_maps_in_order(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned int nr = 9;
	struct page **pages;
	unsigned long before, off;
	unsigned int i;
	u8 *v;

	before = free_frames(test, sys);
	pages = caller_pages(test, sys, nr, true);
	v = altmm_sys_vmap(sys, pages, nr, VM_MAP, PAGE_KERNEL, _THIS_IP_);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(v));
	KUNIT_EXPECT_TRUE(test, altmm_sys_vmalloc_owns(sys, v + nr * PAGE_SIZE - 1));
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 1UL);
	/* A vmap() holds no frames of its own: VmallocUsed does not see it. */
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_pages(sys), 0UL);
	for (off = 0; off < nr * PAGE_SIZE; off++)
		v[off] = pattern(off, 4);
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_PTR_EQ(test, altmm_sys_vmalloc_to_page(sys, v + i * PAGE_SIZE + 5),
				    pages[i]);
		KUNIT_EXPECT_PTR_EQ(test, vmalloc_to_page(v + i * PAGE_SIZE), pages[i]);
	}
	KUNIT_EXPECT_NULL(test, altmm_sys_vmalloc_to_page(sys, v + nr * PAGE_SIZE));
	check_pages_kept(test, sys, pages, nr, 4);

	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, v), 0);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	KUNIT_EXPECT_FALSE(test, altmm_sys_vmalloc_owns(sys, v + PAGE_SIZE));
	check_pages_kept(test, sys, pages, nr, 4);
	put_caller_pages_test(sys, pages, nr);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/*
 * With VM_MAP_PUT_PAGES the area owns the pages and the array: vunmap()
 * is refused (it would leak them), vfree() gives each page to its owner
 * and the instance's kmalloc'ed array back to the instance.
 */
static void vmap_put_pages(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned int nr = 6;
	struct page **pages, **kept;
	unsigned long before, m0;
	void *v;

	before = free_frames(test, sys);
	kept = caller_pages(test, sys, nr, true);
	pages = altmm_sys_kmalloc(sys, nr * sizeof(*pages), GFP_KERNEL, NUMA_NO_NODE,
				  _THIS_IP_);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	memcpy(pages, kept, nr * sizeof(*pages));
	v = altmm_sys_vmap(sys, pages, nr, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL, _THIS_IP_);
	KUNIT_ASSERT_NOT_NULL(test, v);
	memset(v, 0x3c, nr * PAGE_SIZE);

	altmm_test_log_clear(test);
	m0 = misuse(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, v), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("is freed by vfree()"), 1U);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 1);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, v), 0);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/*
 * Each area has one free.  vfree() of a vmap() area (6.1 unmaps it
 * silently, the pages stay the caller's), vunmap() of a vmalloc area
 * (6.1 leaks its frames), vunmap() of an interior address, of the host's
 * vmalloc and kmalloc memory and a second vunmap() are refused with a
 * report, and every area stays as it was.  vunmap(NULL) is fine;
 * vunmap() in atomic context is refused.
 */
static void vmap_wrong_free_refused(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned int nr = 4;
	unsigned long before, m0, *pfns, flags;
	struct page **pages;
	void *host_v, *host_k;
	u8 *v, *p;
	int ret;

	before = free_frames(test, sys);
	pages = caller_pages(test, sys, nr, false);
	v = altmm_sys_vmap(sys, pages, nr, VM_MAP, PAGE_KERNEL, _THIS_IP_);
	p = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL, NUMA_NO_NODE);
	host_v = vmalloc(PAGE_SIZE);
	host_k = kmalloc(32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, host_v);
	KUNIT_ASSERT_NOT_NULL(test, host_k);
	memset(v, 0x11, nr * PAGE_SIZE);
	pfns = area_pfns(test, sys, p, nr);
	check_rw(test, sys, p, nr, pfns, 5);

	altmm_test_log_clear(test);
	m0 = misuse(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, v), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("is freed by vunmap()"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("is freed by vfree()"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, v + PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("not its start"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, host_v), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, host_k), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("not an area altmm mapped"), 2U);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, NULL), 0);
	spin_lock_irqsave(&test_lock, flags);
	ret = altmm_sys_vunmap(sys, v);
	spin_unlock_irqrestore(&test_lock, flags);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("refused: atomic context"), 1U);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 6);

	/* Both areas as they were. */
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 2UL);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(v, 0x11, nr * PAGE_SIZE));
	check_rw(test, sys, p, nr, pfns, 6);

	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, v), 0);
	m0 = misuse(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, v), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("double free"), 1U);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 1);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	put_caller_pages_test(sys, pages, nr);
	vfree(host_v);
	kfree(host_k);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/*
 * Bad vmap() and vm_map_ram() requests: no pages, no array, a NULL page,
 * more pages than the host has RAM, flags vmap() does not take, atomic
 * context.  Each is refused with a report; nothing is mapped or kept.
 */
static void vmap_bad_requests(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned int nr = 3;
	struct page **pages, **holey;
	unsigned long before, m0, flags;
	void *atomic_v, *atomic_r;

	before = free_frames(test, sys);
	pages = caller_pages(test, sys, nr, false);
	holey = kunit_kmalloc_array(test, nr, sizeof(*holey), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, holey);
	memcpy(holey, pages, nr * sizeof(*holey));
	holey[1] = NULL;

	altmm_test_log_clear(test);
	m0 = misuse(sys);
	KUNIT_EXPECT_NULL(test, altmm_sys_vmap(sys, pages, 0, VM_MAP, PAGE_KERNEL, _THIS_IP_));
	KUNIT_EXPECT_NULL(test, altmm_sys_vmap(sys, NULL, nr, VM_MAP, PAGE_KERNEL, _THIS_IP_));
	KUNIT_EXPECT_NULL(test, altmm_sys_vmap(sys, holey, nr, VM_MAP, PAGE_KERNEL, _THIS_IP_));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("page 1 is NULL"), 1U);
	KUNIT_EXPECT_NULL(test, altmm_sys_vmap(sys, pages, UINT_MAX, VM_MAP, PAGE_KERNEL,
					       _THIS_IP_));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("more than the host's"), 1U);
	KUNIT_EXPECT_NULL(test, altmm_sys_vmap(sys, pages, nr, VM_MAP | VM_ALLOC, PAGE_KERNEL,
					       _THIS_IP_));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("not taken"), 1U);
	KUNIT_EXPECT_NULL(test, altmm_sys_vm_map_ram(sys, pages, 0, NUMA_NO_NODE, _THIS_IP_));
	KUNIT_EXPECT_NULL(test, altmm_sys_vm_map_ram(sys, holey, nr, NUMA_NO_NODE, _THIS_IP_));
	spin_lock_irqsave(&test_lock, flags);
	atomic_v = altmm_sys_vmap(sys, pages, nr, VM_MAP, PAGE_KERNEL, _THIS_IP_);
	atomic_r = altmm_sys_vm_map_ram(sys, pages, nr, NUMA_NO_NODE, _THIS_IP_);
	spin_unlock_irqrestore(&test_lock, flags);
	KUNIT_EXPECT_NULL(test, atomic_v);
	KUNIT_EXPECT_NULL(test, atomic_r);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 9);

	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	put_caller_pages_test(sys, pages, nr);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/* Counts below and above VMAP_MAX_ALLOC (64 pages, the per-CPU blocks). */
static const unsigned int map_ram_counts[] = { 1, 4, 64, 65, 200 };

static void map_ram_desc(const unsigned int *count, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u_pages", *count);
}

KUNIT_ARRAY_PARAM(map_ram_counts, map_ram_counts, map_ram_desc);

/*
 * vm_map_ram() maps in order like vmap(); vm_unmap_ram() with another
 * count, vunmap() and vfree() of it are refused; the right count unmaps
 * and leaves the pages allocated and intact.
 */
static void vm_map_ram_unmap(struct kunit *test)
{
	const unsigned int nr = *(const unsigned int *)test->param_value;
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned long before, m0, off;
	struct page **pages;
	unsigned int i;
	u8 *v;

	before = free_frames(test, sys);
	pages = caller_pages(test, sys, nr, true);
	v = altmm_sys_vm_map_ram(sys, pages, nr, NUMA_NO_NODE, _THIS_IP_);
	KUNIT_ASSERT_NOT_NULL(test, v);
	for (off = 0; off < nr * PAGE_SIZE; off++)
		v[off] = pattern(off, 7);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_PTR_EQ(test, altmm_sys_vmalloc_to_page(sys, v + i * PAGE_SIZE),
				    pages[i]);
	check_pages_kept(test, sys, pages, nr, 7);

	altmm_test_log_clear(test);
	m0 = misuse(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_vm_unmap_ram(sys, v, nr + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("maps"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, v), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, v), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("is freed by vm_unmap_ram()"), 2U);
	KUNIT_EXPECT_EQ(test, altmm_sys_vm_unmap_ram(sys, NULL, nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(sys), m0 + 4);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 1UL);

	KUNIT_EXPECT_EQ(test, altmm_sys_vm_unmap_ram(sys, v, nr), 0);
	KUNIT_EXPECT_EQ(test, altmm_vmalloc_nr_areas(sys), 0UL);
	check_pages_kept(test, sys, pages, nr, 7);
	put_caller_pages_test(sys, pages, nr);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

/*
 * vmalloc_to_page() round trip: for every page of an altmm area the
 * answer is the host struct page of the frame, the same the page table
 * gives, and its pfn that frame's; the guard page has none.  For the
 * host's own vmalloc memory the host answers.
 */
static void vmalloc_to_page_round_trip(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	const unsigned long nr = 70;
	unsigned long *pfns, i, pfn;
	void *p, *host_v;

	p = test_vmalloc(sys, nr * PAGE_SIZE, GFP_KERNEL, 1);
	host_v = vmalloc(3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, host_v);
	pfns = area_pfns(test, sys, p, nr);
	for (i = 0; i < nr; i++) {
		struct page *page = altmm_sys_vmalloc_to_page(sys, p + i * PAGE_SIZE +
							      (i * 97) % PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_PTR_EQ(test, page, vmalloc_to_page(p + i * PAGE_SIZE));
		KUNIT_EXPECT_TRUE(test, altmm_host_page_to_pfn(sys, page, &pfn));
		KUNIT_EXPECT_EQ(test, pfn, pfns[i]);
		KUNIT_EXPECT_EQ(test, altmm_pfn_to_section(sys, pfn)->nid, 1);
	}
	KUNIT_EXPECT_NULL(test, altmm_sys_vmalloc_to_page(sys, p + nr * PAGE_SIZE + 8));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, altmm_sys_vmalloc_to_page(sys, host_v + i * PAGE_SIZE),
				    vmalloc_to_page(host_v + i * PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, altmm_sys_vmalloc_owns(sys, host_v));
	KUNIT_EXPECT_TRUE(test, altmm_sys_vmalloc_owns(sys, p + nr * PAGE_SIZE));
	vfree(host_v);
	KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, p), 0);
	/* Freed and unmapped: still altmm's to refuse, not the host's to WARN about. */
	KUNIT_EXPECT_TRUE(test, altmm_sys_vmalloc_owns(sys, p));
}

/* === vmallocinfo of every kind === */

struct kind_line {
	void *addr;
	unsigned long size;
	char words[64];		/* what follows the caller, or the whole tail */
	bool map_ram;
};

static int cmp_kind_line(const void *a, const void *b)
{
	const struct kind_line *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * One area of each kind is one line each, in address order, shaped as
 * 6.1's s_show() shapes it: a vmalloc_user() area "pages=2 vmalloc user
 * N0=2", an aligned __vmalloc_node() one like any vmalloc area, a vmap()
 * "vmap" with no pages (they are not the area's), a vmap() that took its
 * pages "pages=3 vmap" with the altmm ones counted per node, a
 * VM_IOREMAP|VM_USERMAP vmap() "ioremap vmap user", and a vm_map_ram()
 * area its range, its size without a guard page and "vm_map_ram", no
 * caller.
 */
static void vmalloc_vmallocinfo_kinds(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct page **mine, **given, **ioremap_pages;
	struct kind_line *want;
	char *buf, *s, *line, caller[64];
	unsigned int n = 0, i = 0;
	ssize_t len;

	snprintf(caller, sizeof(caller), " %s+0x", __func__);
	want = kunit_kcalloc(test, 6, sizeof(*want), GFP_KERNEL);
	buf = kunit_kzalloc(test, INFO_BUF_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	mine = caller_pages(test, sys, 5, true);
	ioremap_pages = caller_pages(test, sys, 2, false);
	/* vfree() gives these back: an array of altmm's, all altmm pages. */
	given = altmm_sys_kmalloc(sys, 3 * sizeof(*given), GFP_KERNEL, NUMA_NO_NODE, _THIS_IP_);
	KUNIT_ASSERT_NOT_NULL(test, given);
	memcpy(given, caller_pages(test, sys, 3, false), 3 * sizeof(*given));

	want[n].addr = altmm_sys_vmalloc_node(sys, 2 * PAGE_SIZE, SHMLBA, GFP_KERNEL | __GFP_ZERO,
					      NUMA_NO_NODE, VM_USERMAP, _THIS_IP_);
	want[n].size = 3 * PAGE_SIZE;
	strscpy(want[n++].words, "pages=2 vmalloc user N0=2", sizeof(want->words));
	want[n].addr = altmm_sys_vmalloc_node(sys, 3 * PAGE_SIZE, SZ_32K, GFP_KERNEL,
					      NUMA_NO_NODE, 0, _THIS_IP_);
	want[n].size = 4 * PAGE_SIZE;
	strscpy(want[n++].words, "pages=3 vmalloc N0=3", sizeof(want->words));
	want[n].addr = altmm_sys_vmap(sys, mine, 5, VM_MAP, PAGE_KERNEL, _THIS_IP_);
	want[n].size = 6 * PAGE_SIZE;
	strscpy(want[n++].words, "vmap", sizeof(want->words));
	want[n].addr = altmm_sys_vmap(sys, given, 3, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL,
				      _THIS_IP_);
	want[n].size = 4 * PAGE_SIZE;
	strscpy(want[n++].words, "pages=3 vmap N0=3", sizeof(want->words));
	want[n].addr = altmm_sys_vmap(sys, ioremap_pages, 2, VM_MAP | VM_IOREMAP | VM_USERMAP,
				      PAGE_KERNEL, _THIS_IP_);
	want[n].size = 3 * PAGE_SIZE;
	strscpy(want[n++].words, "ioremap vmap user", sizeof(want->words));
	want[n].addr = altmm_sys_vm_map_ram(sys, mine, 5, NUMA_NO_NODE, _THIS_IP_);
	want[n].size = 5 * PAGE_SIZE;
	want[n++].map_ram = true;
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_NOT_NULL_MSG(test, want[i].addr, "area %u", i);
	KUNIT_ASSERT_EQ(test, altmm_vmalloc_nr_areas(sys), (unsigned long)n);
	sort(want, n, sizeof(*want), cmp_kind_line, NULL);

	len = altmm_vmallocinfo_render(sys, buf, INFO_BUF_SIZE);
	KUNIT_ASSERT_GT(test, len, 0L);
	kunit_info(test, "vmallocinfo:\n%s", buf);

	i = 0;
	s = buf;
	while ((line = strsep(&s, "\n")) && *line) {
		char copy[256], *rest;
		unsigned long size;
		int used = 0, fields;

		strscpy(copy, line, sizeof(copy));
		if (i >= n) {
			KUNIT_FAIL(test, "more lines than areas: %s", copy);
			break;
		}
		KUNIT_ASSERT_GE_MSG(test, strlen(line), 45UL, "%s", copy);
		KUNIT_EXPECT_EQ_MSG(test, strncmp(line, "0x", 2), 0, "%s", copy);
		KUNIT_EXPECT_TRUE_MSG(test, pk_field(line + 2), "%s", copy);
		KUNIT_EXPECT_EQ_MSG(test, strncmp(line + 18, "-0x", 3), 0, "%s", copy);
		KUNIT_EXPECT_TRUE_MSG(test, pk_field(line + 21), "%s", copy);
		fields = sscanf(line + 37, "%lu%n", &size, &used);
		KUNIT_ASSERT_EQ_MSG(test, fields, 1, "%s", copy);
		rest = line + 37 + used;
		KUNIT_EXPECT_EQ_MSG(test, size, want[i].size, "%s", copy);
		if (want[i].map_ram) {
			KUNIT_EXPECT_STREQ_MSG(test, rest, " vm_map_ram", "%s", copy);
			i++;
			continue;
		}
		KUNIT_EXPECT_TRUE_MSG(test, strstr(rest, caller) == rest, "caller: %s", copy);
		/* Past the caller, and the module it is in. */
		rest = strchr(rest + 1, ' ');
		KUNIT_ASSERT_NOT_NULL_MSG(test, rest, "%s", copy);
		if (rest[1] == '[')
			rest = strchr(rest + 1, ' ');
		KUNIT_ASSERT_NOT_NULL_MSG(test, rest, "%s", copy);
		KUNIT_EXPECT_STREQ_MSG(test, rest + 1, want[i].words, "%s", copy);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, n);

	for (i = 0; i < n; i++) {
		if (want[i].map_ram)
			KUNIT_EXPECT_EQ(test, altmm_sys_vm_unmap_ram(sys, want[i].addr, 5), 0);
		else if (!strncmp(want[i].words, "pages=", 6))
			KUNIT_EXPECT_EQ(test, altmm_sys_vfree(sys, want[i].addr), 0);
		else
			KUNIT_EXPECT_EQ(test, altmm_sys_vunmap(sys, want[i].addr), 0);
	}
	KUNIT_EXPECT_EQ(test, altmm_vmallocinfo_render(sys, buf, INFO_BUF_SIZE), 0L);
	put_caller_pages_test(sys, mine, 5);
	put_caller_pages_test(sys, ioremap_pages, 2);
}

/*
 * Teardown with an area of every kind left: a vmap() and a vm_map_ram()
 * of the test's pages (unmapped; the pages stay the test's), and a
 * VM_MAP_PUT_PAGES vmap() whose array is itself a vmalloc area (the
 * pages and the array go back, the array after the area that holds it).
 */
static void vmalloc_exit_frees_every_kind(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	const unsigned int nr = 5, given_nr = 600;
	struct page **mine, **given, **tmp;
	unsigned long before;

	before = free_frames(test, sys);
	mine = caller_pages(test, sys, nr, true);
	tmp = caller_pages(test, sys, given_nr, false);
	given = test_vmalloc(sys, given_nr * sizeof(*given), GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, given);
	memcpy(given, tmp, given_nr * sizeof(*given));
	KUNIT_ASSERT_NOT_NULL(test, altmm_sys_vmap(sys, mine, nr, VM_MAP, PAGE_KERNEL,
						   _THIS_IP_));
	KUNIT_ASSERT_NOT_NULL(test, altmm_sys_vm_map_ram(sys, mine, nr, NUMA_NO_NODE,
							 _THIS_IP_));
	KUNIT_ASSERT_NOT_NULL(test, altmm_sys_vmap(sys, given, given_nr,
						   VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL,
						   _THIS_IP_));

	altmm_vmalloc_exit(sys);
	KUNIT_EXPECT_NULL(test, sys->vmalloc);
	check_pages_kept_alloc(test, sys, mine, nr);
	put_caller_pages_test(sys, mine, nr);
	KUNIT_EXPECT_EQ(test, free_frames(test, sys), before);
}

static struct kunit_case altmm_vmalloc_cases[] = {
	KUNIT_CASE_PARAM(vmalloc_area_contiguous, area_sizes_gen_params),
	KUNIT_CASE(vmalloc_vzalloc_zeroes),
	KUNIT_CASE(vmalloc_node_prefers_node),
	KUNIT_CASE(vmalloc_highmem_frames),
	KUNIT_CASE(vmalloc_vfree_under_spinlock),
	KUNIT_CASE(vmalloc_vfree_from_hardirq),
	KUNIT_CASE(vmalloc_vfree_misuse),
	KUNIT_CASE(vmalloc_bad_requests),
	KUNIT_CASE(vmalloc_vmallocinfo),
	KUNIT_CASE(vmalloc_exit_frees_leftovers),
	KUNIT_CASE_PARAM(vmalloc_random_sequence, layouts_gen_params),
	KUNIT_CASE_PARAM(vmalloc_align_honoured, align_cases_gen_params),
	KUNIT_CASE(vmalloc_align_refused),
	KUNIT_CASE(vmalloc_32_zones),
	KUNIT_CASE(vmalloc_remap_refused),
	KUNIT_CASE(vmap_maps_in_order),
	KUNIT_CASE(vmap_put_pages),
	KUNIT_CASE(vmap_wrong_free_refused),
	KUNIT_CASE(vmap_bad_requests),
	KUNIT_CASE_PARAM(vm_map_ram_unmap, map_ram_counts_gen_params),
	KUNIT_CASE(vmalloc_to_page_round_trip),
	KUNIT_CASE(vmalloc_vmallocinfo_kinds),
	KUNIT_CASE(vmalloc_exit_frees_every_kind),
	{}
};

static struct kunit_suite altmm_vmalloc_suite = {
	.name = "altmm_vmalloc",
	.suite_init = altmm_test_log_start,
	.suite_exit = altmm_test_log_stop,
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_vmalloc_cases,
};

kunit_test_suite(altmm_vmalloc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's vmalloc");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
