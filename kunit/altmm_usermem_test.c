// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for user memory (usermem.c, vmscan.c, swap.c): an object's
 * pages are allocated and zeroed on first touch and counted as AnonPages
 * on the inactive anon list; reclaim splits its scan over the lists as
 * 6.1's get_scan_count() does, ages the active list when inactive_is_low(),
 * writes unreferenced pages to swap and frees them; a fault reads a page
 * back (a major fault) and frees its slot, activating it when its refault
 * distance fits in the workingset; without swap, or without __GFP_IO,
 * nothing is written; the OOM killer never picks a kernel thread.
 * File-backed objects (filemap.c), on a shmem file: a fault reads the
 * file (a major fault), past its end is SIGBUS; ->page_mkwrite dirties a
 * page, writeback writes it to its offset and cleans it; reclaim drops
 * clean file pages, leaves dirty ones to the flusher (direct reclaim
 * never writes), frees them once written, and a dropped page comes back
 * from the file by a major fault counted as a file refault.
 *
 * No process maps anything here.  A test calls altmm_uobj_fault() as the
 * fault handler would and drops the page reference it returns at once,
 * as if the PTE had gone: such a page is mapped nowhere, so reclaim finds
 * it unreferenced.  The expected numbers come from 6.1's rules
 * (mm/vmscan.c, mm/workingset.c, mm/swap.c lru_note_cost()); the comments
 * show the arithmetic.  On every layout here the LRU holds well under a
 * GiB, so inactive_is_low()'s ratio is 1 unless a test says otherwise.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>

#include "altmm_test.h"
#include "check.h"
#include "compaction.h"
#include "migrate.h"
#include "usermem.h"

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of usermem_random_sequence (0: a random one, printed)");

/* 16 MiB of Normal on one node, with 4 MiB of swap: 1023 slots and the header. */
static const struct altmm_params with_swap = { .arena_mb = 16, .nr_nodes = 1,
					       .swap_mb = 4 };
/* The same without swap. */
static const struct altmm_params no_swap = { .arena_mb = 16, .nr_nodes = 1 };
/* A swap area larger than the arena, for a working set that does not fit. */
static const struct altmm_params big_swap = { .arena_mb = 16, .nr_nodes = 1,
					      .swap_mb = 32 };

#define GIB_PAGES	(1UL << (30 - PAGE_SHIFT))

/* === Objects the suite's exit puts back, whatever became of the test === */

#define USERMEM_MAX_OBJS	4

/**
 * struct usermem_ctx - what a test built
 * @base: the instances, for altmm_test_exit(); first, as altmm_test_create()
 *	takes test->priv for one
 * @obj: objects still held, put before the instances are checked
 * @nr: entries in @obj
 */
struct usermem_ctx {
	struct altmm_test_ctx base;
	struct altmm_uobj *obj[USERMEM_MAX_OBJS];
	int nr;
};

static int usermem_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct usermem_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* Objects first: an instance cannot go while one of its objects lives. */
static void usermem_test_exit(struct kunit *test)
{
	struct usermem_ctx *ctx = test->priv;

	while (ctx && ctx->nr)
		altmm_uobj_put(ctx->obj[--ctx->nr]);
	altmm_test_exit(test);
}

static struct altmm_uobj *obj_new(struct kunit *test, struct altmm_system *sys)
{
	struct usermem_ctx *ctx = test->priv;
	struct altmm_uobj *obj;

	KUNIT_ASSERT_LT(test, ctx->nr, USERMEM_MAX_OBJS);
	obj = altmm_uobj_create(sys, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	ctx->obj[ctx->nr++] = obj;
	return obj;
}

/* Hand an object made elsewhere to the suite's exit. */
static void obj_adopt(struct kunit *test, struct altmm_uobj *obj)
{
	struct usermem_ctx *ctx = test->priv;

	KUNIT_ASSERT_LT(test, ctx->nr, USERMEM_MAX_OBJS);
	ctx->obj[ctx->nr++] = obj;
}

/* The opener's reference goes, as when the file is closed. */
static void obj_put(struct kunit *test, struct altmm_uobj *obj)
{
	struct usermem_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < ctx->nr; i++) {
		if (ctx->obj[i] != obj)
			continue;
		ctx->obj[i] = ctx->obj[--ctx->nr];
		altmm_uobj_put(obj);
		return;
	}
	KUNIT_FAIL(test, "putting an object the test does not hold");
}

/* === Counters === */

static unsigned long event(struct altmm_system *sys, enum altmm_vm_event_item item)
{
	return altmm_vm_event_sum(sys, item);
}

static long node_stat(struct altmm_system *sys, enum altmm_node_stat_item item)
{
	return atomic_long_read(&sys->nodes[0]->vm_stat[item]);
}

static unsigned long lru(struct altmm_system *sys, enum altmm_lru_list l)
{
	return altmm_lru_size(sys, 0, l);
}

static unsigned long swap_room(struct altmm_system *sys)
{
	return altmm_swap_free_slots(sys->usermem->swap);
}

static unsigned long nonresident_age(struct altmm_system *sys)
{
	return atomic_long_read(&sys->nodes[0]->lruvec.nonresident_age);
}

/* === Pages === */

/* Word @i of offset @index's contents: never 0, different for every word. */
static u64 pattern(pgoff_t index, unsigned int i)
{
	return 0xa5a5000000000000ULL ^ ((u64)index << 20) ^ i;
}

static void write_pattern(struct page *page, pgoff_t index)
{
	u64 *p = kmap_local_page(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		p[i] = pattern(index, i);
	kunmap_local(p);
}

/* The first word of @page that is not @index's pattern, or -1. */
static long check_pattern(struct page *page, pgoff_t index)
{
	u64 *p = kmap_local_page(page);
	long bad = -1;
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*p); i++) {
		if (p[i] != pattern(index, i)) {
			bad = i;
			break;
		}
	}
	kunmap_local(p);
	return bad;
}

/* The first byte of @page that is not zero, or -1. */
static long first_nonzero(struct page *page)
{
	void *p = kmap_local_page(page);
	long bad = altmm_test_first_not(p, 0, PAGE_SIZE);

	kunmap_local(p);
	return bad;
}

/* A fault's result as a plain number, for the KUnit comparisons. */
static unsigned int vmf(vm_fault_t ret)
{
	return (__force unsigned int)ret;
}

/*
 * Touch offset @index as a fault would, then let the PTE go: the fault's
 * reference is dropped at once, so only the object holds the page and
 * reclaim sees it unreferenced.  With @write the page first gets @index's
 * pattern (written while the reference protects it from reclaim).
 * Returns the fault's result; *@pagep, when asked for, is the page, which
 * stays valid while it is resident.
 */
static vm_fault_t touch(struct kunit *test, struct altmm_uobj *obj, pgoff_t index,
			bool write, struct page **pagep)
{
	struct page *page;
	vm_fault_t ret = altmm_uobj_fault(obj, index, write ? FAULT_FLAG_WRITE : 0, &page);

	KUNIT_ASSERT_FALSE_MSG(test, ret & VM_FAULT_OOM, "fault on offset %lu: OOM", index);
	if (write)
		write_pattern(page, index);
	put_page(page);
	if (pagep)
		*pagep = page;
	return ret;
}

/* Touch offsets [@first, @first + @nr), in that order. */
static void touch_range(struct kunit *test, struct altmm_uobj *obj, pgoff_t first,
			unsigned long nr, bool write)
{
	pgoff_t i;

	for (i = first; i < first + nr; i++)
		KUNIT_ASSERT_EQ(test, vmf(touch(test, obj, i, write, NULL)), 0U);
}

/*
 * Fault offset @index back and compare it with its pattern; counts the
 * major faults in *@major.  Returns whether the contents were intact.
 */
static bool read_back(struct kunit *test, struct altmm_uobj *obj, pgoff_t index,
		      unsigned long *major)
{
	struct page *page;
	vm_fault_t ret = altmm_uobj_fault(obj, index, 0, &page);
	long bad;

	KUNIT_ASSERT_FALSE_MSG(test, ret & VM_FAULT_OOM, "fault on offset %lu: OOM", index);
	bad = check_pattern(page, index);
	put_page(page);
	if (ret & VM_FAULT_MAJOR)
		(*major)++;
	if (bad >= 0)
		KUNIT_FAIL(test, "offset %lu: word %ld is not what was written", index, bad);
	return bad < 0;
}

static struct altmm_page *desc(struct kunit *test, struct altmm_system *sys,
			       struct page *page)
{
	struct altmm_page *d = altmm_user_desc(sys, page);

	KUNIT_ASSERT_NOT_NULL(test, d);
	return d;
}

/*
 * Move a resident page to the active list, as 6.1's folio_activate()
 * does for a page used twice: off its list, flagged active, back on.
 */
static void activate(struct kunit *test, struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d = desc(test, sys, page);

	altmm_lru_del(sys, page);
	set_bit(ALTMM_PG_active, &d->flags);
	altmm_lru_add(sys, page);
}

/*
 * Write one resident page to swap as reclaim does, without the scan:
 * off the LRU, evicted with the object locked; put back if it stays.
 */
static int evict(struct kunit *test, struct altmm_uobj *obj, pgoff_t index)
{
	struct altmm_system *sys = obj->sys;
	struct page *page;
	int ret;

	mutex_lock(&obj->lock);
	page = xa_load(&obj->pages, index);
	if (!page || xa_is_value(page)) {
		mutex_unlock(&obj->lock);
		KUNIT_FAIL(test, "offset %lu is not resident", index);
		return -ENOENT;
	}
	altmm_lru_del(sys, page);
	ret = altmm_uobj_evict(obj, page, GFP_KERNEL);
	if (ret)
		altmm_lru_add(sys, page);
	mutex_unlock(&obj->lock);
	return ret;
}

/* altmm_shrink_lru() on node 0 in a no-reclaim scope, as reclaim.c calls it. */
static unsigned long shrink(struct altmm_system *sys, unsigned long nr_to_reclaim,
			    gfp_t gfp, unsigned long *scanned)
{
	unsigned int noreclaim = memalloc_noreclaim_save();
	unsigned long freed;

	*scanned = 0;
	freed = altmm_shrink_lru(sys, 0, nr_to_reclaim, gfp, false, scanned);
	memalloc_noreclaim_restore(noreclaim);
	return freed;
}

/* === Faults === */

/*
 * A frame is dirtied, freed hot (the top of CPU 0's movable per-CPU
 * list) and the first touch of an offset takes it: it must come zeroed,
 * flagged a user page on the inactive anon list, and counted in AnonPages
 * and the list size.  A second fault of the offset finds the same page,
 * contents kept, with one more reference.  Putting the object frees
 * every frame it took.
 */
static void usermem_fault_allocates_zeroed_page(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	unsigned long free0 = altmm_test_free_frames(sys);
	struct page *dirty, *page, *again;
	struct altmm_uobj *obj;
	struct altmm_page *d;
	vm_fault_t ret;
	void *p;

	altmm_test_pin_cpu0(test);
	dirty = altmm_sys_alloc_pages(sys, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, dirty);
	p = kmap_local_page(dirty);
	memset(p, 0x5a, PAGE_SIZE);
	kunmap_local(p);
	KUNIT_ASSERT_EQ(test, altmm_sys_free_pages(sys, dirty, 0, false), 0);

	obj = obj_new(test, sys);
	ret = altmm_uobj_fault(obj, 5, 0, &page);
	KUNIT_ASSERT_EQ(test, vmf(ret), 0U);
	/* Without the dirty frame under it, the zero check proves nothing. */
	KUNIT_EXPECT_PTR_EQ(test, page, dirty);
	KUNIT_EXPECT_EQ(test, first_nonzero(page), -1L);
	/* The object's reference and the PTE's. */
	KUNIT_EXPECT_EQ(test, page_count(page), 2);
	KUNIT_EXPECT_PTR_EQ(test, (void *)page_private(page), (void *)obj);
	KUNIT_EXPECT_EQ(test, page->index, 5UL);
	d = desc(test, sys, page);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_user));
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_swapbacked));
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_lru));
	/* Anonymous pages start inactive (since 5.9). */
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_active));
	write_pattern(page, 5);

	ret = altmm_uobj_fault(obj, 5, 0, &again);
	KUNIT_EXPECT_EQ(test, vmf(ret), 0U);
	KUNIT_EXPECT_PTR_EQ(test, again, page);
	KUNIT_EXPECT_EQ(test, page_count(page), 3);
	KUNIT_EXPECT_EQ(test, check_pattern(page, 5), -1L);
	put_page(again);
	put_page(page);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);

	KUNIT_EXPECT_EQ(test, obj->nr_resident, 1UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 1L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 1UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 0UL);

	/* Seven more offsets, around and far from the first. */
	touch_range(test, obj, 0, 5, false);
	touch_range(test, obj, 6, 1, false);
	touch_range(test, obj, 1000, 1, false);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 8UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 0UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 8L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 8UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMAJFAULT), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0 - 8);

	obj_put(test, obj);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 0L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0);
}

/* === Scan balance === */

/*
 * Pretend node 0's Normal zone holds @inactive and @active more pages on
 * a pair of lists: inactive_is_low() reads only the counters, and the
 * ratios above 1 need more than a GiB, more than any instance here has.
 */
static void pretend(struct altmm_system *sys, enum altmm_lru_list inactive_lru,
		    long inactive, long active)
{
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);

	atomic_long_add(inactive, &z->vm_stat[ALTMM_NR_ZONE_INACTIVE_ANON + inactive_lru]);
	atomic_long_add(active, &z->vm_stat[ALTMM_NR_ZONE_INACTIVE_ANON + inactive_lru + 1]);
}

static bool low_with(struct altmm_system *sys, enum altmm_lru_list inactive_lru,
		     unsigned long inactive, unsigned long active)
{
	bool low;

	pretend(sys, inactive_lru, inactive, active);
	low = altmm_inactive_is_low(sys, 0, inactive_lru);
	pretend(sys, inactive_lru, -(long)inactive, -(long)active);
	return low;
}

/*
 * inactive_is_low(): inactive * ratio < active, the ratio int_sqrt(10 *
 * GiB of the pair), or 1 under a GiB.  With real pages (ratio 1): 64
 * inactive, then 32:32 (not low), then 31:33 (low).  With the counters
 * alone: 1/4 GiB : 3/4 GiB is 1 GiB, ratio int_sqrt(10) = 3, and
 * 3 * 1/4 = 3/4 is not below 3/4, so not low; one page more active and
 * it is.  2 GiB : 7 GiB is 9 GiB, ratio int_sqrt(90) = 9: 18 > 7, not low
 * (a ratio of 1 or 3 would say low).  The file pair is judged alike.
 */
static void usermem_inactive_is_low(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	struct page *page[64];
	pgoff_t i;

	for (i = 0; i < ARRAY_SIZE(page); i++)
		KUNIT_ASSERT_EQ(test, vmf(touch(test, obj, i, false, &page[i])), 0U);
	KUNIT_EXPECT_FALSE(test, altmm_inactive_is_low(sys, 0, ALTMM_LRU_INACTIVE_ANON));
	for (i = 0; i < 32; i++)
		activate(test, sys, page[i]);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 32UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 32UL);
	KUNIT_EXPECT_FALSE(test, altmm_inactive_is_low(sys, 0, ALTMM_LRU_INACTIVE_ANON));
	activate(test, sys, page[32]);
	KUNIT_EXPECT_TRUE(test, altmm_inactive_is_low(sys, 0, ALTMM_LRU_INACTIVE_ANON));
	/* No file pages at all: nothing is low. */
	KUNIT_EXPECT_FALSE(test, altmm_inactive_is_low(sys, 0, ALTMM_LRU_INACTIVE_FILE));
	obj_put(test, obj);
	KUNIT_ASSERT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON) +
			      lru(sys, ALTMM_LRU_ACTIVE_ANON), 0UL);

	KUNIT_EXPECT_FALSE(test, low_with(sys, ALTMM_LRU_INACTIVE_ANON,
					  GIB_PAGES / 4, 3 * GIB_PAGES / 4));
	KUNIT_EXPECT_TRUE(test, low_with(sys, ALTMM_LRU_INACTIVE_ANON,
					 GIB_PAGES / 4, 3 * GIB_PAGES / 4 + 1));
	KUNIT_EXPECT_FALSE(test, low_with(sys, ALTMM_LRU_INACTIVE_ANON,
					  2 * GIB_PAGES, 7 * GIB_PAGES));
	KUNIT_EXPECT_FALSE(test, low_with(sys, ALTMM_LRU_INACTIVE_FILE,
					  2 * GIB_PAGES, 7 * GIB_PAGES));
	KUNIT_EXPECT_TRUE(test, low_with(sys, ALTMM_LRU_INACTIVE_FILE,
					 GIB_PAGES / 4, 3 * GIB_PAGES / 4 + 1));
}

static void expect_scan(struct kunit *test, const unsigned long *nr,
			unsigned long ia, unsigned long aa, const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, nr[ALTMM_LRU_INACTIVE_ANON], ia, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, nr[ALTMM_LRU_ACTIVE_ANON], aa, "%s", what);
	/* Never a file page to scan. */
	KUNIT_EXPECT_EQ_MSG(test, nr[ALTMM_LRU_INACTIVE_FILE], 0UL, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, nr[ALTMM_LRU_ACTIVE_FILE], 0UL, "%s", what);
}

static void set_costs(struct altmm_system *sys, unsigned long anon, unsigned long file)
{
	struct altmm_lruvec *lruvec = &sys->nodes[0]->lruvec;

	spin_lock(&lruvec->lru_lock);
	lruvec->anon_cost = anon;
	lruvec->file_cost = file;
	spin_unlock(&lruvec->lru_lock);
}

/*
 * get_scan_count() over 1000 inactive and 200 active anon pages (each
 * list's share is its size >> priority, times fraction / denominator):
 *   - priority 0, swappiness 60: SCAN_EQUAL, the whole lists;
 *   - may_swap false: SCAN_FILE, no anon at all, even at priority 0;
 *   - swappiness 0 at priority 0: not SCAN_EQUAL but SCAN_FRACT with
 *     ap = 0, so no anon either;
 *   - SCAN_FRACT with no recorded costs: total_cost = 0, so anon_cost =
 *     file_cost = 0 and total = 0, ap = swp * 1 / 1, fp = (200 - swp) * 1
 *     / 1.  Swappiness 60, priority 2: 250 * 60 / 200 = 75 and 50 * 60 /
 *     200 = 15; swappiness 100, priority 3: 125 * 100 / 200 = 62 and
 *     25 * 100 / 200 = 12; swappiness 200, priority 1: fp = 0, the
 *     whole 500 and 100;
 *   - SCAN_FRACT with anon_cost 10, file_cost 30, swappiness 60, priority
 *     2: total_cost = 40, anon_cost = 50, file_cost = 70, total = 120,
 *     ap = 60 * 121 / 51 = 142, fp = 140 * 121 / 71 = 238, so
 *     250 * 142 / 380 = 93 and 50 * 142 / 380 = 18 (cheaper anon is
 *     scanned harder than swappiness alone says, 75 and 15);
 *   - priority 12: 1000 >> 12 = 0, nothing.
 */
static void usermem_scan_count(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long nr[ALTMM_NR_LRU_LISTS];
	struct page *page;
	pgoff_t i;

	KUNIT_ASSERT_EQ(test, READ_ONCE(sys->tune.swappiness), 60);
	for (i = 0; i < 1200; i++) {
		KUNIT_ASSERT_EQ(test, vmf(touch(test, obj, i, false, &page)), 0U);
		if (i >= 1000)
			activate(test, sys, page);
	}
	KUNIT_ASSERT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 1000UL);
	KUNIT_ASSERT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 200UL);

	altmm_get_scan_count(sys, 0, 0, true, nr);
	expect_scan(test, nr, 1000, 200, "SCAN_EQUAL at priority 0");
	altmm_get_scan_count(sys, 0, 0, false, nr);
	expect_scan(test, nr, 0, 0, "SCAN_FILE without swap");
	altmm_get_scan_count(sys, 0, 2, true, nr);
	expect_scan(test, nr, 75, 15, "SCAN_FRACT, swappiness 60, no costs");
	altmm_get_scan_count(sys, 0, 12, true, nr);
	expect_scan(test, nr, 0, 0, "DEF_PRIORITY");

	set_costs(sys, 10, 30);
	altmm_get_scan_count(sys, 0, 2, true, nr);
	expect_scan(test, nr, 93, 18, "SCAN_FRACT, swappiness 60, costs 10:30");
	set_costs(sys, 0, 0);

	WRITE_ONCE(sys->tune.swappiness, 0);
	altmm_get_scan_count(sys, 0, 0, true, nr);
	expect_scan(test, nr, 0, 0, "swappiness 0 at priority 0");
	WRITE_ONCE(sys->tune.swappiness, 100);
	altmm_get_scan_count(sys, 0, 3, true, nr);
	expect_scan(test, nr, 62, 12, "SCAN_FRACT, swappiness 100");
	WRITE_ONCE(sys->tune.swappiness, 200);
	altmm_get_scan_count(sys, 0, 1, true, nr);
	expect_scan(test, nr, 500, 100, "SCAN_FRACT, swappiness 200");
	WRITE_ONCE(sys->tune.swappiness, 60);
}

/* === Reclaim and swap === */

/*
 * Direct reclaim (altmm_try_to_free_pages(), GFP_KERNEL: SWAP_CLUSTER_MAX
 * = 32 frames wanted) over 64 unreferenced inactive pages, the oldest
 * (offset 0) at the tail.  The priority loop, SCAN_FRACT with swappiness
 * 60 (no file pages, free memory well above high, so not file_is_tiny):
 *   - priorities 12..5: 64 >> 5 = 2, 2 * 60 / 200 = 0: nothing;
 *   - 4: 4 * 60 / 200 = 1 page out; lru_note_cost: anon_cost 1
 *     (1 <= 63 / 4, no decay);
 *   - 3: total 1, anon 2, file 1, total 3, ap = 60 * 4 / 3 = 80,
 *     fp = 140 * 4 / 2 = 280: 7 * 80 / 360 = 1 out; anon_cost 2;
 *   - 2: total 2, anon 4, file 2, total 6, ap = 60 * 7 / 5 = 84,
 *     fp = 140 * 7 / 3 = 326: 15 * 84 / 410 = 3 out; anon_cost 5;
 *   - 1: total 5, anon 10, file 5, total 15, ap = 60 * 16 / 11 = 87,
 *     fp = 140 * 16 / 6 = 373: 29 * 87 / 460 = 5 out; 10 so far;
 *   - 0: SCAN_EQUAL, all 54, a batch of 32 at a time: after the first
 *     42 >= 32 are freed and reclaim stops.
 * So 42 pages, offsets 0..41, are written out, each scanned once; the
 * shrinkers are asked for nothing more.  Then every offset is faulted
 * back: 0..41 are major faults that read their slot and free it, with
 * their contents intact and (nothing active, distance >= 1 > 0) none
 * activated; 42..63 were never gone.  Putting the object frees every
 * frame and slot.
 */
static void usermem_reclaim_swaps_out_and_in(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	struct altmm_node *node = sys->nodes[0];
	unsigned long free0 = altmm_test_free_frames(sys);
	unsigned long total = altmm_swap_total(sys->usermem->swap);
	unsigned long out, scan_anon, steal_anon, scan_direct, steal_direct;
	unsigned long in, major, freed, majors = 0;
	long writes, refaults, activations;
	struct altmm_uobj *obj = obj_new(test, sys);
	pgoff_t i;

	KUNIT_EXPECT_EQ(test, total, (4UL << (20 - PAGE_SHIFT)) - 1);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total);
	touch_range(test, obj, 0, 64, true);

	out = event(sys, ALTMM_PSWPOUT);
	scan_anon = event(sys, ALTMM_PGSCAN_ANON);
	steal_anon = event(sys, ALTMM_PGSTEAL_ANON);
	scan_direct = event(sys, ALTMM_PGSCAN_DIRECT);
	steal_direct = event(sys, ALTMM_PGSTEAL_DIRECT);
	writes = node_stat(sys, ALTMM_NR_VMSCAN_WRITE);
	freed = altmm_try_to_free_pages(sys, &node->zonelists[ALTMM_ZONELIST_FALLBACK],
					0, GFP_KERNEL, 0);
	KUNIT_EXPECT_EQ(test, freed, 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT) - out, 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGSCAN_ANON) - scan_anon, 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGSTEAL_ANON) - steal_anon, 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGSCAN_DIRECT) - scan_direct, 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGSTEAL_DIRECT) - steal_direct, 42UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_VMSCAN_WRITE) - writes, 42L);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - 42);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 42UL);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 22UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 22L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ISOLATED_ANON), 0L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 22UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 0UL);
	/* The frames are back with the allocator. */
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0 - 22);

	in = event(sys, ALTMM_PSWPIN);
	major = event(sys, ALTMM_PGMAJFAULT);
	refaults = node_stat(sys, ALTMM_WORKINGSET_REFAULT_ANON);
	activations = node_stat(sys, ALTMM_WORKINGSET_ACTIVATE_ANON);
	for (i = 0; i < 64; i++) {
		unsigned long before = majors;

		read_back(test, obj, i, &majors);
		KUNIT_EXPECT_EQ_MSG(test, majors - before, i < 42 ? 1UL : 0UL,
				    "offset %lu", i);
	}
	KUNIT_EXPECT_EQ(test, majors, 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPIN) - in, 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMAJFAULT) - major, 42UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_REFAULT_ANON) - refaults, 42L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_ACTIVATE_ANON) - activations, 0L);
	/* Read faults: each page read back keeps its slot, in the swap cache. */
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - 42);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 0UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 42UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_SWAPCACHE), 42L);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 64UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 64L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 64UL);

	/*
	 * Out again: offset 7, clean in the swap cache, goes back to its
	 * slot unwritten; 50 was never out and takes a slot.  Then the
	 * object goes with pages in swap and in the swap cache.
	 */
	out = event(sys, ALTMM_PSWPOUT);
	KUNIT_EXPECT_EQ(test, evict(test, obj, 7), 0);
	KUNIT_EXPECT_EQ(test, evict(test, obj, 50), 0);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT) - out, 1UL);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - 43);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 41UL);
	obj_put(test, obj);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_SWAPCACHE), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_FILE_PAGES), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 0L);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0);
}

/*
 * 64 pages, all on the active list, none referenced; reclaim asked for
 * one frame.  Priority 12 scans nothing (64 >> 12 = 0), but after the
 * pass inactive_is_low() (0 < 64) ages SWAP_CLUSTER_MAX = 32 active pages:
 * all are deactivated.  At 32:32 the inactive list is no longer low and
 * no refault activated anything, so the active list is left alone
 * (may_deactivate clear) until priority 3, where 32 >> 3 = 4, 4 * 60 /
 * 200 = 1 inactive page goes to swap: enough.  Then 31 < 32 is low
 * again, and the other 32 are deactivated.  pgrefill and pgdeactivate
 * count 64, pgscan_anon 1, nothing is activated.
 */
static void usermem_reclaim_ages_active_list(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long refill, deact, act, scan, out, scanned;
	struct page *page;
	pgoff_t i;

	for (i = 0; i < 64; i++) {
		KUNIT_ASSERT_EQ(test, vmf(touch(test, obj, i, false, &page)), 0U);
		activate(test, sys, page);
	}
	KUNIT_ASSERT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 64UL);
	refill = event(sys, ALTMM_PGREFILL);
	deact = event(sys, ALTMM_PGDEACTIVATE);
	act = event(sys, ALTMM_PGACTIVATE);
	scan = event(sys, ALTMM_PGSCAN_ANON);
	out = event(sys, ALTMM_PSWPOUT);

	KUNIT_EXPECT_EQ(test, shrink(sys, 1, GFP_KERNEL, &scanned), 1UL);
	KUNIT_EXPECT_EQ(test, scanned, 1UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGREFILL) - refill, 64UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGDEACTIVATE) - deact, 64UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGACTIVATE) - act, 0UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGSCAN_ANON) - scan, 1UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT) - out, 1UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 63UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 1UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ISOLATED_ANON), 0L);
}

/* === Workingset === */

/*
 * Refaults judged by distance, as 6.1's workingset_refault(): eviction
 * reads the node's clock (nonresident_age) and ages it by one; a refault
 * activates the page when the clock moved by no more than the workingset
 * (active + inactive file, plus active anon while swap has room), and
 * then ages it by one more.
 *   - Offset 0 out and straight back, nothing active: distance 1 > 0,
 *     it stays inactive and the clock does not move.
 *   - 64 pages made active.  Offset 1 out, then 63 others: distance 64
 *     <= 64, it comes back active (workingset_activate_anon) and the
 *     clock moves once more.  Offset 65 out, then 65 others: distance 66
 *     > 65 (the 64 and offset 1), it stays inactive.
 */
static void usermem_workingset_refault(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long total = altmm_swap_total(sys->usermem->swap);
	unsigned long clock;
	long refaults, activations;
	struct page *page;
	vm_fault_t ret;
	pgoff_t i;

	touch_range(test, obj, 0, 200, false);
	refaults = node_stat(sys, ALTMM_WORKINGSET_REFAULT_ANON);
	activations = node_stat(sys, ALTMM_WORKINGSET_ACTIVATE_ANON);

	clock = nonresident_age(sys);
	KUNIT_ASSERT_EQ(test, evict(test, obj, 0), 0);
	KUNIT_EXPECT_EQ(test, nonresident_age(sys), clock + 1);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 1UL);
	ret = touch(test, obj, 0, false, &page);
	KUNIT_EXPECT_EQ(test, vmf(ret), vmf(VM_FAULT_MAJOR));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(desc(test, sys, page), ALTMM_PG_active));
	KUNIT_EXPECT_EQ(test, nonresident_age(sys), clock + 1);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_REFAULT_ANON), refaults + 1);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_ACTIVATE_ANON), activations);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 200UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 0UL);

	for (i = 136; i < 200; i++) {
		KUNIT_ASSERT_EQ(test, vmf(touch(test, obj, i, false, &page)), 0U);
		activate(test, sys, page);
	}
	KUNIT_ASSERT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 64UL);

	clock = nonresident_age(sys);
	for (i = 1; i < 65; i++)
		KUNIT_ASSERT_EQ(test, evict(test, obj, i), 0);
	KUNIT_EXPECT_EQ(test, nonresident_age(sys), clock + 64);
	ret = touch(test, obj, 1, false, &page);
	KUNIT_EXPECT_EQ(test, vmf(ret), vmf(VM_FAULT_MAJOR));
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(desc(test, sys, page), ALTMM_PG_active));
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_REFAULT_ANON), refaults + 2);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_ACTIVATE_ANON), activations + 1);
	KUNIT_EXPECT_EQ(test, nonresident_age(sys), clock + 65);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 65UL);

	clock = nonresident_age(sys);
	for (i = 65; i < 131; i++)
		KUNIT_ASSERT_EQ(test, evict(test, obj, i), 0);
	KUNIT_EXPECT_EQ(test, nonresident_age(sys), clock + 66);
	ret = touch(test, obj, 65, false, &page);
	KUNIT_EXPECT_EQ(test, vmf(ret), vmf(VM_FAULT_MAJOR));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(desc(test, sys, page), ALTMM_PG_active));
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_REFAULT_ANON), refaults + 3);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_ACTIVATE_ANON), activations + 1);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 65UL);

	/*
	 * 63 + 65 pages still out, and offsets 0, 1 and 65 in the swap
	 * cache; the object takes their slots with it.
	 */
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 128UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 3UL);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - 131);
	obj_put(test, obj);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total);
}

/* === When nothing may be written === */

/*
 * GFP_NOIO reclaim over 64 unreferenced pages: anonymous pages need I/O
 * to go, so nothing is written, freed or activated, and every page is
 * still resident with its contents.  The same reclaim with GFP_KERNEL
 * then frees the 42 of usermem_reclaim_swaps_out_and_in(): the pages
 * were reclaimable, only the mask kept them.
 */
static void usermem_noio_writes_nothing(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long total = altmm_swap_total(sys->usermem->swap);
	unsigned long out, act, scanned, majors = 0;
	long writes;
	pgoff_t i;

	touch_range(test, obj, 0, 64, true);
	out = event(sys, ALTMM_PSWPOUT);
	writes = node_stat(sys, ALTMM_NR_VMSCAN_WRITE);
	act = event(sys, ALTMM_PGACTIVATE);

	KUNIT_EXPECT_EQ(test, shrink(sys, SWAP_CLUSTER_MAX, GFP_NOIO, &scanned), 0UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT), out);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_VMSCAN_WRITE), writes);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGACTIVATE), act);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 0UL);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 64UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 64L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ISOLATED_ANON), 0L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 64UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 0UL);
	for (i = 0; i < 64; i++)
		read_back(test, obj, i, &majors);
	KUNIT_EXPECT_EQ(test, majors, 0UL);

	KUNIT_EXPECT_EQ(test, shrink(sys, SWAP_CLUSTER_MAX, GFP_KERNEL, &scanned), 42UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT) - out, 42UL);
}

/*
 * Without a swap area an anonymous page cannot be reclaimed: 6.1 scans
 * only the file lists (SCAN_FILE) and does not age the anon lists
 * (can_age_anon_pages() wants swap), so reclaim scans, writes and frees
 * nothing of the 64 pages.
 */
static void usermem_no_swap_keeps_anon(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long scan, refill, out, scanned, majors = 0;
	struct page *page;
	pgoff_t i;

	KUNIT_ASSERT_EQ(test, altmm_swap_total(sys->usermem->swap), 0UL);
	touch_range(test, obj, 0, 64, true);
	/* Some active too: nothing ages them without swap. */
	for (i = 0; i < 8; i++) {
		KUNIT_ASSERT_EQ(test, vmf(touch(test, obj, i, false, &page)), 0U);
		activate(test, sys, page);
	}
	scan = event(sys, ALTMM_PGSCAN_ANON);
	refill = event(sys, ALTMM_PGREFILL);
	out = event(sys, ALTMM_PSWPOUT);

	KUNIT_EXPECT_EQ(test, shrink(sys, SWAP_CLUSTER_MAX, GFP_KERNEL, &scanned), 0UL);
	KUNIT_EXPECT_EQ(test, scanned, 0UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGSCAN_ANON), scan);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGREFILL), refill);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT), out);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 64UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 56UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_ANON), 8UL);
	for (i = 0; i < 64; i++)
		read_back(test, obj, i, &majors);
	KUNIT_EXPECT_EQ(test, majors, 0UL);
}

/* === A working set larger than the arena === */

/*
 * managed + 512 pages written through faults, each allocation free to
 * wake kswapd and to reclaim directly: every fault succeeds, the pages
 * that do not fit are in swap, every count agrees with the objects, and
 * every page reads back what was written (most of them from swap, some
 * more than once as the read-back pushes others out).
 */
static void usermem_working_set_larger_than_arena(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &big_swap);
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	unsigned long n = altmm_zone_managed(z) + 512;
	unsigned long total = altmm_swap_total(sys->usermem->swap);
	unsigned long in, out, majors = 0, intact = 0;
	struct altmm_uobj *obj = obj_new(test, sys);
	pgoff_t i;

	KUNIT_ASSERT_GT(test, total, n);
	out = event(sys, ALTMM_PSWPOUT);
	in = event(sys, ALTMM_PSWPIN);
	touch_range(test, obj, 0, n, true);
	altmm_test_quiesce(test, sys);
	KUNIT_EXPECT_EQ(test, obj->nr_resident + obj->nr_swap, n);
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_PSWPOUT) - out, 512UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT) - out - (event(sys, ALTMM_PSWPIN) - in),
			obj->nr_swap);
	KUNIT_EXPECT_EQ(test, total - swap_room(sys), obj->nr_swap);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), (long)obj->nr_resident);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON) + lru(sys, ALTMM_LRU_ACTIVE_ANON),
			obj->nr_resident);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ISOLATED_ANON), 0L);

	in = event(sys, ALTMM_PSWPIN);
	for (i = 0; i < n; i++)
		intact += read_back(test, obj, i, &majors);
	altmm_test_quiesce(test, sys);
	kunit_info(test, "%lu pages, %lu read back from swap\n", n, majors);
	KUNIT_EXPECT_EQ(test, intact, n);
	KUNIT_EXPECT_GT(test, majors, 0UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPIN) - in, majors);
	KUNIT_EXPECT_EQ(test, obj->nr_resident + obj->nr_swap, n);
	KUNIT_EXPECT_EQ(test, total - swap_room(sys), obj->nr_swap + obj->nr_swapcache);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), (long)obj->nr_resident);

	obj_put(test, obj);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 0L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON) + lru(sys, ALTMM_LRU_ACTIVE_ANON),
			0UL);
}

/* === The OOM killer === */

/**
 * struct kthread_owner - a kernel thread that opens an object and waits
 * @sys: the instance
 * @obj: its object, with @nr pages
 * @nr: pages to fault
 * @ready: completed once @obj is filled (or could not be made)
 */
struct kthread_owner {
	struct altmm_system *sys;
	struct altmm_uobj *obj;
	unsigned long nr;
	struct completion ready;
};

static int kthread_owner_fn(void *data)
{
	struct kthread_owner *o = data;
	struct altmm_uobj *obj = altmm_uobj_create(o->sys, NUMA_NO_NODE);
	struct page *page;
	unsigned long i;

	for (i = 0; obj && i < o->nr; i++) {
		if (altmm_uobj_fault(obj, i, 0, &page) & VM_FAULT_OOM)
			break;
		put_page(page);
	}
	o->obj = obj;
	complete(&o->ready);
	/* Alive, so that the OOM killer finds its task, until stopped. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * Without swap, faults fill the arena until one fails with VM_FAULT_OOM
 * (after direct reclaim found nothing it could take).  The objects
 * belong to kernel threads (the test's own and another, alive), which
 * the OOM killer never picks, as 6.1's oom_unkillable_task(): it kills
 * nothing, counts no oom_kill, and says there is no memory coming back.
 */
static void usermem_oom_spares_kthreads(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	struct kthread_owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	unsigned long max = altmm_zone_managed(z), kills;
	struct altmm_uobj *obj = obj_new(test, sys);
	struct task_struct *t;
	vm_fault_t ret = 0;
	struct page *page;
	bool coming;
	pgoff_t i;

	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_ASSERT_TRUE(test, current->flags & PF_KTHREAD);
	o->sys = sys;
	o->nr = 64;
	init_completion(&o->ready);
	t = kthread_create(kthread_owner_fn, o, "altmm_kunit_owner");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wake_up_process(t);
	wait_for_completion(&o->ready);
	if (o->obj)
		obj_adopt(test, o->obj);

	for (i = 0; i < max; i++) {
		ret = altmm_uobj_fault(obj, i, 0, &page);
		if (ret & VM_FAULT_OOM)
			break;
		put_page(page);
	}
	kills = event(sys, ALTMM_OOM_KILL);
	coming = altmm_out_of_memory(sys, GFP_HIGHUSER_MOVABLE, 0);
	kthread_stop(t);
	put_task_struct(t);

	KUNIT_ASSERT_NOT_NULL(test, o->obj);
	KUNIT_EXPECT_EQ(test, o->obj->nr_resident, 64UL);
	KUNIT_EXPECT_TRUE_MSG(test, ret & VM_FAULT_OOM, "%lu faults, none failed", i);
	KUNIT_EXPECT_GT(test, i, 0UL);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, (unsigned long)i);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), (long)i + 64);
	KUNIT_EXPECT_FALSE(test, coming);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_OOM_KILL), kills);
	KUNIT_EXPECT_FALSE(test, signal_pending(current));
}

/* === File-backed objects === */

/* A shmem file of @size bytes holding @index's pattern in each page. */
static struct file *pattern_file(struct kunit *test, loff_t size)
{
	struct file *file = shmem_file_setup("altmm-kunit", size, 0);
	u64 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	loff_t pos = 0;
	pgoff_t index;
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (index = 0; pos < size; index++) {
		size_t len = min_t(loff_t, PAGE_SIZE, size - pos);

		for (i = 0; i < PAGE_SIZE / sizeof(*buf); i++)
			buf[i] = pattern(index, i);
		KUNIT_ASSERT_EQ(test, kernel_write(file, buf, len, &pos), (ssize_t)len);
	}
	return file;
}

/* The first word of page @index of @file that is not @want's pattern, or -1. */
static long file_check(struct kunit *test, struct file *file, pgoff_t index,
		       pgoff_t want)
{
	u64 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	long bad = -1;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, kernel_read(file, buf, PAGE_SIZE, &pos), (ssize_t)PAGE_SIZE);
	for (i = 0; i < PAGE_SIZE / sizeof(*buf); i++) {
		if (buf[i] != pattern(want, i)) {
			bad = i;
			break;
		}
	}
	kunit_kfree(test, buf);
	return bad;
}

/* A write fault's ->page_mkwrite, then the write (pattern @want) through the page. */
static void dirty(struct kunit *test, struct altmm_uobj *obj, pgoff_t index, pgoff_t want)
{
	struct page *page;
	vm_fault_t ret = altmm_uobj_fault(obj, index, 0, &page);

	KUNIT_ASSERT_FALSE(test, ret & VM_FAULT_ERROR);
	KUNIT_ASSERT_EQ(test, vmf(altmm_uobj_mkwrite(obj, page)), vmf(VM_FAULT_LOCKED));
	KUNIT_EXPECT_TRUE(test, PageLocked(page));
	write_pattern(page, want);
	unlock_page(page);
	put_page(page);
}

/*
 * A file of 10 pages and 100 bytes backs an object.  Each fault reads its
 * page from the file (a major fault, pgpgin), the last one zeroed past
 * byte 100; offset 11 is past the end: SIGBUS.  The pages count as
 * NR_FILE_PAGES on the inactive file list, not as anon.  Dirtying page 3
 * with another pattern counts it dirty (NR_DIRTY, the zone's write
 * pending, the xarray mark) until writeback writes it to offset 3 of the
 * file (nr_written, pgpgout); dirtying the partial page and writing it
 * back leaves the file's size alone.  A second backing file, and any
 * backing file once the object has pages, is refused with -EBUSY.
 */
static void usermem_file_read_dirty_writeback(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	loff_t size = 10 * PAGE_SIZE + 100;
	struct file *file = pattern_file(test, size);
	struct altmm_uobj *obj = obj_new(test, sys);
	struct altmm_zone *zone = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	unsigned long free0 = altmm_test_free_frames(sys);
	unsigned long major, pgpgin, pgpgout;
	long written, bad;
	struct page *page;
	u8 *p;
	pgoff_t i;

	get_file(file);
	KUNIT_ASSERT_EQ(test, altmm_uobj_set_backing(obj, file), 0);
	KUNIT_EXPECT_EQ(test, altmm_uobj_set_backing(obj, file), -EBUSY);

	major = event(sys, ALTMM_PGMAJFAULT);
	pgpgin = event(sys, ALTMM_PGPGIN);
	for (i = 0; i < 10; i++) {
		KUNIT_EXPECT_EQ(test, vmf(altmm_uobj_fault(obj, i, 0, &page)), vmf(VM_FAULT_MAJOR));
		bad = check_pattern(page, i);
		KUNIT_EXPECT_EQ_MSG(test, bad, -1L, "offset %lu", i);
		put_page(page);
	}
	KUNIT_EXPECT_EQ(test, vmf(altmm_uobj_fault(obj, 10, 0, &page)), vmf(VM_FAULT_MAJOR));
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, *(u64 *)p, pattern(10, 0));
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(p + 100, 0, PAGE_SIZE - 100), -1L);
	kunmap_local(p);
	put_page(page);
	KUNIT_EXPECT_EQ(test, vmf(altmm_uobj_fault(obj, 11, 0, &page)), vmf(VM_FAULT_SIGBUS));
	/* Cached or not, a page again is minor. */
	KUNIT_EXPECT_EQ(test, vmf(touch(test, obj, 4, false, NULL)), 0U);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMAJFAULT) - major, 11UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGPGIN) - pgpgin, 11 * PAGE_SIZE / SZ_1K);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_FILE_PAGES), 11L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 0L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_FILE), 11UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 11UL);

	dirty(test, obj, 3, 1003);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_DIRTY), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&zone->vm_stat[ALTMM_NR_ZONE_WRITE_PENDING]), 1L);
	KUNIT_EXPECT_TRUE(test, xa_get_mark(&obj->pages, 3, ALTMM_TAG_DIRTY));
	KUNIT_EXPECT_NE(test, obj->dirtied_when, 0UL);
	/* Not written yet: the file still has the old data. */
	KUNIT_EXPECT_EQ(test, file_check(test, file, 3, 3), -1L);

	written = node_stat(sys, ALTMM_NR_WRITTEN);
	pgpgout = event(sys, ALTMM_PGPGOUT);
	KUNIT_EXPECT_EQ(test, altmm_uobj_writeback(obj, 0, ULONG_MAX, true), 0);
	KUNIT_EXPECT_EQ(test, file_check(test, file, 3, 1003), -1L);
	KUNIT_EXPECT_EQ(test, file_check(test, file, 2, 2), -1L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_DIRTY), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_WRITEBACK), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&zone->vm_stat[ALTMM_NR_ZONE_WRITE_PENDING]), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_WRITTEN) - written, 1L);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGPGOUT) - pgpgout, PAGE_SIZE / SZ_1K);
	KUNIT_EXPECT_FALSE(test, xa_get_mark(&obj->pages, 3, ALTMM_TAG_DIRTY));
	KUNIT_EXPECT_EQ(test, obj->dirtied_when, 0UL);

	/* The partial page: its write stops at the file's end. */
	dirty(test, obj, 10, 1010);
	KUNIT_EXPECT_EQ(test, altmm_uobj_fsync(obj, 0, LLONG_MAX, 0), 0);
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(file)), size);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_WRITTEN) - written, 2L);

	obj_put(test, obj);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_FILE_PAGES), 0L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_FILE), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0);
	/* The object's reference went with it; this is the test's. */
	KUNIT_EXPECT_EQ(test, file_count(file), 1L);
	fput(file);
}

/*
 * 64 file pages, 16 of them (every fourth) dirtied.  Direct reclaim asked
 * for all 64 drops the 48 clean ones (pgsteal_file) and writes nothing
 * itself (nr_vmscan_write): the dirty ones are marked PG_reclaim and
 * activated, counted as nr_vmscan_immediate_reclaim, and the flusher is
 * woken.  It may run while reclaim goes on (reclaim reschedules; on SMP
 * it runs beside it, holding the object's lock now and then, so that a
 * batch of clean pages may be kept too), and what it wrote reclaim may
 * then free; so the test asks that reclaim wrote nothing itself and
 * that, once the flusher has run, nothing is dirty and the file has the
 * new data: 16 pages written, those still resident on the inactive
 * list (one may stay active, see below).  Reclaim then frees the
 * rest.  Faulting the 64 back reads each
 * from the file, with its last contents: 64 major faults, 64 file
 * refaults.  Last, a dirty page reclaim marked and activated goes, once
 * written, to the tail of the inactive list (pgrotated), first in line.
 */
static void usermem_file_reclaim(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	struct file *file = pattern_file(test, 64 * PAGE_SIZE);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long steal, rotated, scanned, majors = 0, freed, resident, active;
	struct altmm_lruvec *lruvec = &sys->nodes[0]->lruvec;
	struct altmm_page *d;
	long written, immediate, refaults, vmscan_writes;
	struct page *page;
	pgoff_t i;

	KUNIT_ASSERT_EQ(test, altmm_uobj_set_backing(obj, file), 0);
	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_EQ(test, vmf(touch(test, obj, i, false, NULL)), vmf(VM_FAULT_MAJOR));
	for (i = 0; i < 64; i += 4)
		dirty(test, obj, i, 1000 + i);
	KUNIT_ASSERT_EQ(test, node_stat(sys, ALTMM_NR_DIRTY), 16L);

	steal = event(sys, ALTMM_PGSTEAL_FILE);
	written = node_stat(sys, ALTMM_NR_WRITTEN);
	immediate = node_stat(sys, ALTMM_NR_VMSCAN_IMMEDIATE);
	rotated = event(sys, ALTMM_PGROTATED);
	vmscan_writes = node_stat(sys, ALTMM_NR_VMSCAN_WRITE);
	freed = shrink(sys, 64, GFP_KERNEL, &scanned);
	/* 48 on one CPU; on SMP a page whose object the flusher holds is kept. */
	KUNIT_EXPECT_GT(test, freed, 0UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGSTEAL_FILE) - steal, freed);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_VMSCAN_WRITE), vmscan_writes);
	/* The first dirty page reclaim met, at least, waits for the flusher. */
	KUNIT_EXPECT_GE(test, node_stat(sys, ALTMM_NR_VMSCAN_IMMEDIATE) - immediate, 1L);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 64 - freed);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_FILE_PAGES), 64L - (long)freed);

	/* Woken by the scan; waiting for it makes it run now if it has not. */
	flush_delayed_work(&sys->usermem->wb_work);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_DIRTY), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_WRITTEN) - written, 16L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_VMSCAN_WRITE), vmscan_writes);
	KUNIT_EXPECT_LE(test, event(sys, ALTMM_PGROTATED) - rotated, 16UL);
	/*
	 * A written page may miss its rotation and stay active: its
	 * writeback ended while reclaim held it off the list, to put it back
	 * active (6.1's folio_rotate_reclaimable() skips a folio off the
	 * LRU too).  The flusher runs beside reclaim on SMP, and on one CPU
	 * when reclaim reschedules.
	 */
	active = lru(sys, ALTMM_LRU_ACTIVE_FILE);
	KUNIT_EXPECT_LE(test, active, 16UL);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_FILE) + active, obj->nr_resident);
	for (i = 0; i < 64; i += 4)
		KUNIT_EXPECT_EQ_MSG(test, file_check(test, file, i, 1000 + i), -1L,
				    "offset %lu", i);

	/* Every page is clean: reclaim frees them all, aging the active ones first. */
	resident = obj->nr_resident;
	freed = 0;
	for (i = 0; i < 4 && obj->nr_resident; i++)
		freed += shrink(sys, 64, GFP_KERNEL, &scanned);
	KUNIT_EXPECT_EQ(test, freed, resident);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 0UL);

	refaults = node_stat(sys, ALTMM_WORKINGSET_REFAULT_FILE);
	for (i = 0; i < 64; i++) {
		vm_fault_t ret = altmm_uobj_fault(obj, i, 0, &page);

		KUNIT_ASSERT_FALSE(test, ret & VM_FAULT_ERROR);
		if (ret & VM_FAULT_MAJOR)
			majors++;
		KUNIT_EXPECT_EQ_MSG(test, check_pattern(page, i % 4 ? i : 1000 + i), -1L,
				    "offset %lu", i);
		put_page(page);
	}
	KUNIT_EXPECT_EQ(test, majors, 64UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_WORKINGSET_REFAULT_FILE) - refaults, 64L);

	dirty(test, obj, 5, 1005);
	page = xa_load(&obj->pages, 5);
	d = desc(test, sys, page);
	set_bit(ALTMM_PG_reclaim, &d->flags);
	activate(test, sys, page);
	rotated = event(sys, ALTMM_PGROTATED);
	KUNIT_EXPECT_EQ(test, altmm_uobj_writeback(obj, 5, 5, true), 0);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGROTATED) - rotated, 1UL);
	KUNIT_EXPECT_FALSE(test, test_bit(ALTMM_PG_active, &d->flags));
	KUNIT_EXPECT_FALSE(test, test_bit(ALTMM_PG_reclaim, &d->flags));
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(&lruvec->lists[ALTMM_LRU_INACTIVE_FILE],
						  struct altmm_page, lru), d);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_ACTIVE_FILE), 0UL);
}

/* === A long random sequence === */

#define SEQ_OPS		100000
#define SEQ_ANON	3
#define SEQ_ANON_PAGES	768
#define SEQ_FILE_PAGES	512

/**
 * struct seq_obj - an object of the random sequence and what it holds
 * @obj: the object
 * @nr: its offsets
 * @gen: per offset, the generation last written (0: never, so zero for
 *	anon memory and the file's own pattern for the file)
 */
struct seq_obj {
	struct altmm_uobj *obj;
	unsigned long nr;
	u16 *gen;
};

static pgoff_t seq_want(pgoff_t index, u16 gen)
{
	return index + ((pgoff_t)gen << 20);
}

/* The counters and lists agree with the objects, after every operation. */
static bool seq_consistent(struct kunit *test, struct altmm_system *sys,
			   struct seq_obj *o, unsigned long op)
{
	unsigned long anon = 0, file = 0, swapped = 0, cached = 0, on_lists = 0;
	int i, l;

	for (i = 0; i <= SEQ_ANON; i++) {
		if (o[i].obj->backing)
			file += o[i].obj->nr_resident;
		else
			anon += o[i].obj->nr_resident;
		swapped += o[i].obj->nr_swap;
		cached += o[i].obj->nr_swapcache;
	}
	/* A rotation by the flusher moves a page between lists under the lock. */
	spin_lock(&sys->nodes[0]->lruvec.lru_lock);
	for (l = 0; l < ALTMM_NR_LRU_LISTS; l++)
		on_lists += lru(sys, l);
	spin_unlock(&sys->nodes[0]->lruvec.lru_lock);
	/* A page in the swap cache is a file page too, and holds a slot. */
	if (node_stat(sys, ALTMM_NR_ANON_MAPPED) == anon &&
	    node_stat(sys, ALTMM_NR_FILE_PAGES) == file + cached &&
	    node_stat(sys, ALTMM_NR_SWAPCACHE) == cached && on_lists == anon + file &&
	    altmm_swap_total(sys->usermem->swap) - swap_room(sys) == swapped + cached &&
	    !node_stat(sys, ALTMM_NR_ISOLATED_ANON) && !node_stat(sys, ALTMM_NR_ISOLATED_FILE))
		return true;
	KUNIT_FAIL(test,
		   "after op %lu: anon %lu/%ld, file %lu/%ld, swap cache %lu/%ld, on lists %lu, swap %lu/%lu",
		   op, anon, node_stat(sys, ALTMM_NR_ANON_MAPPED), file,
		   node_stat(sys, ALTMM_NR_FILE_PAGES), cached,
		   node_stat(sys, ALTMM_NR_SWAPCACHE), on_lists, swapped + cached,
		   altmm_swap_total(sys->usermem->swap) - swap_room(sys));
	return false;
}

/*
 * Fault a page in and, with @write, write a new generation to it: by a
 * write fault on odd operations, on even ones by a read fault and then a
 * store through the PTE, whose dirty bit unmapping moves to the page.
 */
static bool seq_touch(struct kunit *test, struct seq_obj *o, pgoff_t index,
		      bool write, unsigned long op)
{
	struct altmm_uobj *obj = o->obj;
	bool write_fault = write && (op & 1);
	struct page *page;
	vm_fault_t ret = altmm_uobj_fault(obj, index, write_fault ? FAULT_FLAG_WRITE : 0,
					  &page);
	long bad;

	if (ret & VM_FAULT_OOM)
		return true;
	KUNIT_ASSERT_FALSE(test, ret & VM_FAULT_ERROR);
	if (!o->gen[index] && !obj->backing)
		bad = first_nonzero(page);
	else
		bad = check_pattern(page, seq_want(index, o->gen[index]));
	if (bad >= 0) {
		KUNIT_FAIL(test, "op %lu: offset %lu of %s lost generation %u (byte/word %ld)",
			   op, index, obj->backing ? "the file" : "an anon object",
			   o->gen[index], bad);
		put_page(page);
		return false;
	}
	if (write) {
		if (obj->backing)
			KUNIT_ASSERT_EQ(test, vmf(altmm_uobj_mkwrite(obj, page)),
					vmf(VM_FAULT_LOCKED));
		o->gen[index]++;
		write_pattern(page, seq_want(index, o->gen[index]));
		if (obj->backing)
			unlock_page(page);
		else if (!write_fault)
			SetPageDirty(page);
	}
	put_page(page);
	return true;
}

/* Reclaim's eviction of one page, if resident: it may be refused. */
static void seq_evict(struct seq_obj *o, pgoff_t index)
{
	struct altmm_uobj *obj = o->obj;
	struct altmm_system *sys = obj->sys;
	struct page *page;

	mutex_lock(&obj->lock);
	page = xa_load(&obj->pages, index);
	if (page && !xa_is_value(page)) {
		altmm_lru_del(sys, page);
		if (obj->backing && altmm_file_write_page(obj, page, true) == -EAGAIN)
			altmm_file_write_page(obj, page, true);
		if (altmm_uobj_evict(obj, page, GFP_KERNEL))
			altmm_lru_add(sys, page);
	}
	mutex_unlock(&obj->lock);
}

/* A frame on node 0 for a page to move to, as compaction would find one. */
static struct page *seq_target(struct altmm_system *sys, struct page *src,
			       unsigned long private)
{
	return altmm_sys_alloc_pages(sys, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0, 0);
}

/* Migrate the first resident page from @index on to another frame, if it is on its list. */
static unsigned int seq_migrate(struct seq_obj *o, pgoff_t index, enum migrate_mode mode)
{
	struct altmm_uobj *obj = o->obj;
	struct altmm_system *sys = obj->sys;
	unsigned int moved = 0;
	unsigned long i;
	struct page *page;
	LIST_HEAD(list);
	int ret = -EBUSY;

	mutex_lock(&obj->lock);
	xa_for_each_start(&obj->pages, i, page, index) {
		if (!xa_is_value(page)) {
			ret = altmm_isolate_lru_page(sys, page, &list);
			break;
		}
	}
	mutex_unlock(&obj->lock);
	if (ret)
		return 0;
	altmm_migrate_pages(sys, &list, seq_target, NULL, 0, mode, MR_COMPACTION, &moved);
	altmm_putback_pages(sys, &list);
	return moved;
}

/*
 * 100000 operations, chosen by a seeded generator, on three anonymous
 * objects and one file-backed one on an instance with swap enough to
 * keep it under half full, so that pages read back stay in the swap
 * cache: faults that
 * read (checking the page holds the generation last written: zeroes, the
 * file's data, or what a write left), faults that write a new
 * generation, evictions of one page (to swap, or written back and
 * dropped), migrations of one page to another frame, direct reclaim
 * with GFP_KERNEL and GFP_NOIO, writeback of the file, and an anonymous
 * object put and made anew.  After every
 * operation the LRU sizes, AnonPages, the file pages and the swap slots
 * in use agree with the objects; every 1000, a walk of the LRU lists
 * (altmm_check_lru_walk()) finds nothing wrong.  The objects stay well
 * under the arena, so that kswapd never runs under the checks; in the
 * end every frame and slot is back.
 */
static void usermem_random_sequence(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &big_swap);
	struct seq_obj *o = kunit_kcalloc(test, SEQ_ANON + 1, sizeof(*o), GFP_KERNEL);
	unsigned long free0 = altmm_test_free_frames(sys), op, scanned, migrated = 0;
	struct altmm_check_report r = {};
	u64 s = seed ?: get_random_u64();
	struct rnd_state rnd;
	struct file *file;
	int i;

	kunit_info(test, "seed %llu (reload with seed=%llu to repeat)\n", s, s);
	prandom_seed_state(&rnd, s);
	KUNIT_ASSERT_NOT_NULL(test, o);
	for (i = 0; i <= SEQ_ANON; i++) {
		o[i].nr = i < SEQ_ANON ? SEQ_ANON_PAGES : SEQ_FILE_PAGES;
		o[i].gen = kunit_kcalloc(test, o[i].nr, sizeof(u16), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, o[i].gen);
		o[i].obj = obj_new(test, sys);
	}
	file = pattern_file(test, SEQ_FILE_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, altmm_uobj_set_backing(o[SEQ_ANON].obj, file), 0);

	for (op = 0; op < SEQ_OPS; op++) {
		u32 dice = prandom_u32_state(&rnd) % 100;
		struct seq_obj *so = &o[prandom_u32_state(&rnd) % (SEQ_ANON + 1)];
		pgoff_t index = prandom_u32_state(&rnd) % so->nr;

		if (dice < 40) {
			if (!seq_touch(test, so, index, false, op))
				break;
		} else if (dice < 65) {
			if (!seq_touch(test, so, index, true, op))
				break;
		} else if (dice < 85) {
			seq_evict(so, index);
		} else if (dice < 90) {
			shrink(sys, 1 + prandom_u32_state(&rnd) % 32,
			       dice & 1 ? GFP_NOIO : GFP_KERNEL, &scanned);
		} else if (dice < 93) {
			migrated += seq_migrate(so, index, dice & 1 ? MIGRATE_ASYNC : MIGRATE_SYNC);
		} else if (dice < 98) {
			altmm_uobj_writeback(o[SEQ_ANON].obj, 0, ULONG_MAX, dice & 1);
		} else if (so->obj->backing) {
			continue;
		} else {
			obj_put(test, so->obj);
			so->obj = obj_new(test, sys);
			memset(so->gen, 0, so->nr * sizeof(u16));
		}
		if (!seq_consistent(test, sys, o, op))
			break;

		if (op % 1000 == 999 && altmm_check_lru_walk(sys, sys->nodes[0], &r)) {
			KUNIT_FAIL(test, "after op %lu: %s: %s", op, r.where, r.first);
			break;
		}
	}
	kunit_info(test, "%lu operations; %lu pswpout, %ld written to the file, %lu in the swap cache at the end, %lu migrated (%lu failed), %lu oom\n",
		   op, event(sys, ALTMM_PSWPOUT), node_stat(sys, ALTMM_NR_WRITTEN),
		   node_stat(sys, ALTMM_NR_SWAPCACHE), migrated,
		   event(sys, ALTMM_PGMIGRATE_FAIL), event(sys, ALTMM_OOM_KILL));
	KUNIT_EXPECT_EQ(test, op, (unsigned long)SEQ_OPS);
	KUNIT_EXPECT_GT(test, migrated, 0UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMIGRATE_SUCCESS), migrated);

	/* What the flusher may still be writing, then every object goes. */
	flush_delayed_work(&sys->usermem->wb_work);
	for (i = 0; i <= SEQ_ANON; i++)
		obj_put(test, o[i].obj);
	flush_delayed_work(&sys->usermem->wb_work);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_FILE_PAGES), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_DIRTY), 0L);
	KUNIT_EXPECT_EQ(test, swap_room(sys), altmm_swap_total(sys->usermem->swap));
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0);
}

/*
 * swap_mb at run time.  With 40 of 64 pages in a 4 MiB area, a 1 MiB
 * area (255 slots) keeps them where they are; swapoff (0) brings all 40
 * back (pswpin, contents intact) and leaves SwapTotal 0, after which an
 * eviction finds no room; 8 MiB makes an area of 2047 slots that takes
 * pages again.  Without memory for them (a working set twice the arena
 * in a 32 MiB area), swapoff fails with -ENOMEM, the area keeps its size,
 * and every page reads back intact.
 */
static void usermem_swap_resize(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long in, majors = 0, slots;
	pgoff_t i;

	touch_range(test, obj, 0, 64, true);
	for (i = 0; i < 40; i++)
		KUNIT_ASSERT_EQ(test, evict(test, obj, i), 0);
	KUNIT_EXPECT_EQ(test, altmm_usermem_set_swap(sys, 1), 0);
	KUNIT_EXPECT_EQ(test, altmm_swap_total(sys->usermem->swap), 255UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 40UL);

	in = event(sys, ALTMM_PSWPIN);
	KUNIT_EXPECT_EQ(test, altmm_usermem_set_swap(sys, 0), 0);
	KUNIT_EXPECT_EQ(test, altmm_swap_total(sys->usermem->swap), 0UL);
	KUNIT_EXPECT_EQ(test, swap_room(sys), 0UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 0UL);
	KUNIT_EXPECT_EQ(test, obj->nr_resident, 64UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPIN) - in, 40UL);
	for (i = 0; i < 64; i++)
		read_back(test, obj, i, &majors);
	KUNIT_EXPECT_EQ(test, majors, 0UL);
	KUNIT_EXPECT_EQ(test, evict(test, obj, 3), -ENOSPC);

	KUNIT_EXPECT_EQ(test, altmm_usermem_set_swap(sys, 8), 0);
	KUNIT_EXPECT_EQ(test, altmm_swap_total(sys->usermem->swap), 2047UL);
	KUNIT_EXPECT_EQ(test, evict(test, obj, 3), 0);
	KUNIT_EXPECT_EQ(test, swap_room(sys), 2046UL);
	obj_put(test, obj);
	KUNIT_EXPECT_EQ(test, swap_room(sys), 2047UL);

	/* More in swap than the arena holds: swapoff cannot finish. */
	sys = altmm_test_create(test, &big_swap);
	obj = obj_new(test, sys);
	slots = altmm_swap_total(sys->usermem->swap);
	for (i = 0; i < 2 * 4096; i++) {
		KUNIT_ASSERT_FALSE(test, touch(test, obj, i, true, NULL) & VM_FAULT_OOM);
		if (i % 2)
			evict(test, obj, i);
	}
	KUNIT_ASSERT_GT(test, obj->nr_swap, 4096UL);
	KUNIT_EXPECT_EQ(test, altmm_usermem_set_swap(sys, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, altmm_swap_total(sys->usermem->swap), slots);
	majors = 0;
	for (i = 0; i < 2 * 4096; i++)
		if (!read_back(test, obj, i, &majors))
			break;
}

/*
 * The swap cache: a page a read fault brings back from swap keeps its
 * slot (SwapCached, and nr_file_pages, which meminfo's Cached leaves
 * out), and reclaim puts it back without writing unless it was written
 * since: by a write fault, which frees the slot at once as do_swap_page()
 * and do_wp_page() do, or through a PTE, whose dirty bit the unmap moves
 * to the page (SetPageDirty() here, as no process maps anything).  With
 * the area half full a read fault frees the slot too (vm_swap_full()),
 * and swapoff takes every page out of the swap cache.
 */
static void usermem_swap_cache(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_swap);
	unsigned long total = altmm_swap_total(sys->usermem->swap);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long out, in, majors = 0;
	struct page *page;
	long writes;
	pgoff_t i;

	touch_range(test, obj, 0, 16, true);
	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_EQ(test, evict(test, obj, i), 0);
	for (i = 0; i < 16; i++)
		read_back(test, obj, i, &majors);
	KUNIT_EXPECT_EQ(test, majors, 16UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 16UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_SWAPCACHE), 16L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_FILE_PAGES), 16L);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - 16);

	/* Offset 0 is stored to through a PTE, offset 1 is written by a write fault. */
	page = xa_load(&obj->pages, 0);
	write_pattern(page, 1000);
	SetPageDirty(page);
	KUNIT_EXPECT_EQ(test, vmf(touch(test, obj, 1, true, NULL)), 0U);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 15UL);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - 15);

	out = event(sys, ALTMM_PSWPOUT);
	writes = node_stat(sys, ALTMM_NR_VMSCAN_WRITE);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, evict(test, obj, i), 0);
	/* 0 is dirty and 1 left the swap cache: written; 2 and 3 go as they are. */
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT) - out, 2UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_VMSCAN_WRITE) - writes, 2L);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 4UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 12UL);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - 16);

	/* What comes back is what was last written, each time. */
	page = NULL;
	KUNIT_EXPECT_EQ(test, vmf(touch(test, obj, 0, false, &page)), vmf(VM_FAULT_MAJOR));
	KUNIT_EXPECT_EQ(test, check_pattern(page, 1000), -1L);
	for (i = 1; i < 16; i++)
		read_back(test, obj, i, &majors);

	/* Swap over half full: a page read back no longer keeps its slot. */
	touch_range(test, obj, 16, total / 2 + 16, true);
	for (i = 16; i < total / 2 + 32; i++)
		KUNIT_ASSERT_EQ(test, evict(test, obj, i), 0);
	in = obj->nr_swapcache;
	read_back(test, obj, 16, &majors);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, in);
	KUNIT_EXPECT_EQ(test, swap_room(sys), total - (obj->nr_swap + obj->nr_swapcache));

	/* swapoff: every page in, none left in the swap cache, all intact. */
	KUNIT_EXPECT_EQ(test, altmm_usermem_set_swap(sys, 0), 0);
	KUNIT_EXPECT_EQ(test, obj->nr_swap, 0UL);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 0UL);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_SWAPCACHE), 0L);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_FILE_PAGES), 0L);
	for (i = 1; i < total / 2 + 32; i++)
		KUNIT_EXPECT_TRUE_MSG(test, read_back(test, obj, i, &majors), "offset %lu", i);
}

/* Two nodes of 16 MiB, with 4 MiB of swap. */
static const struct altmm_params two_nodes = { .arena_mb = 32, .nr_nodes = 2,
					       .swap_mb = 4 };

static int page_nid(struct altmm_system *sys, struct page *page)
{
	return altmm_user_zone(sys, page)->node->nid;
}

static long node_stat_of(struct altmm_system *sys, int nid, int item)
{
	return atomic_long_read(&sys->nodes[nid]->vm_stat[item]);
}

/*
 * ALTMM_IOC_MIGRATE's work: an object's 64 pages on node 0, some active,
 * some in the swap cache, move to node 1 with their contents, offsets,
 * object, LRU lists, swap cache slots and the dirty bit a PTE left; the
 * node counters and LRU sizes move with them, node 0 gets its frames
 * back, pgmigrate_success counts 64, a clean swap cache page is still
 * reclaimed unwritten and the dirty one is written.
 */
static void usermem_migrate_to_node(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long free0 = altmm_test_free_frames(sys), majors = 0, room, success, out;
	DECLARE_BITMAP(active, 64) = {};
	unsigned int moved, nr_active;
	struct page *page;
	pgoff_t i;

	KUNIT_ASSERT_EQ(test, altmm_uobj_set_node(obj, 0), 0);
	touch_range(test, obj, 0, 64, true);
	for (i = 0; i < 8; i++)
		activate(test, sys, xa_load(&obj->pages, i));
	for (i = 60; i < 64; i++)
		KUNIT_ASSERT_EQ(test, evict(test, obj, i), 0);
	for (i = 60; i < 64; i++)
		read_back(test, obj, i, &majors);
	KUNIT_ASSERT_EQ(test, obj->nr_swapcache, 4UL);
	/* Offset 62 is stored to through a PTE: dirty, it must be written after the move. */
	page = xa_load(&obj->pages, 62);
	write_pattern(page, 1062);
	SetPageDirty(page);
	for (i = 0; i < 64; i++)
		if (altmm_desc_test(desc(test, sys, xa_load(&obj->pages, i)), ALTMM_PG_active))
			__set_bit(i, active);
	/* The 8 activated, and those of the 4 read back that refaulted into the workingset. */
	nr_active = bitmap_weight(active, 64);
	KUNIT_EXPECT_GE(test, nr_active, 8U);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 0, ALTMM_NR_ANON_MAPPED), 64L);
	room = swap_room(sys);
	success = event(sys, ALTMM_PGMIGRATE_SUCCESS);

	KUNIT_EXPECT_EQ(test, altmm_uobj_migrate(obj, 1, MIGRATE_SYNC, &moved), 0);
	KUNIT_EXPECT_EQ(test, moved, 64U);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMIGRATE_SUCCESS) - success, 64UL);
	for (i = 0; i < 64; i++) {
		page = xa_load(&obj->pages, i);
		KUNIT_ASSERT_FALSE(test, xa_is_value(page));
		KUNIT_EXPECT_EQ_MSG(test, page_nid(sys, page), 1, "offset %lu", i);
		KUNIT_EXPECT_PTR_EQ(test, (void *)page_private(page), (void *)obj);
		KUNIT_EXPECT_EQ(test, page->index, i);
		KUNIT_EXPECT_EQ(test, page_count(page), 1);
		KUNIT_EXPECT_EQ_MSG(test, altmm_desc_test(desc(test, sys, page), ALTMM_PG_active),
				    test_bit(i, active), "offset %lu", i);
		KUNIT_EXPECT_EQ_MSG(test, check_pattern(page, i == 62 ? 1062 : i), -1L,
				    "offset %lu", i);
	}
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 0, ALTMM_NR_ANON_MAPPED), 0L);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 1, ALTMM_NR_ANON_MAPPED), 64L);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 0, ALTMM_NR_SWAPCACHE), 0L);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 1, ALTMM_NR_SWAPCACHE), 4L);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 1, ALTMM_NR_ISOLATED_ANON), 0L);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 0, ALTMM_NR_ISOLATED_ANON), 0L);
	KUNIT_EXPECT_EQ(test, altmm_lru_size(sys, 0, ALTMM_LRU_INACTIVE_ANON) +
			altmm_lru_size(sys, 0, ALTMM_LRU_ACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, altmm_lru_size(sys, 1, ALTMM_LRU_ACTIVE_ANON),
			(unsigned long)nr_active);
	KUNIT_EXPECT_EQ(test, altmm_lru_size(sys, 1, ALTMM_LRU_INACTIVE_ANON), 64UL - nr_active);
	KUNIT_EXPECT_EQ(test, obj->nr_swapcache, 4UL);
	KUNIT_EXPECT_EQ(test, swap_room(sys), room);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0 - 64);

	/* Already there: nothing to do.  A clean swap cache page still goes unwritten. */
	KUNIT_EXPECT_EQ(test, altmm_uobj_migrate(obj, 1, MIGRATE_SYNC, &moved), 0);
	KUNIT_EXPECT_EQ(test, moved, 0U);
	out = event(sys, ALTMM_PSWPOUT);
	KUNIT_EXPECT_EQ(test, evict(test, obj, 61), 0);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT), out);
	/* The dirty one is written, and comes back as it was stored. */
	KUNIT_EXPECT_EQ(test, evict(test, obj, 62), 0);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PSWPOUT), out + 1);
	page = NULL;
	touch(test, obj, 62, false, &page);
	KUNIT_EXPECT_EQ(test, check_pattern(page, 1062), -1L);
	KUNIT_EXPECT_EQ(test, altmm_uobj_migrate(obj, 2, MIGRATE_SYNC, &moved), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_uobj_migrate(obj, -1, MIGRATE_SYNC, &moved), -EINVAL);
	obj_put(test, obj);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), free0);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 1, ALTMM_NR_SWAPCACHE), 0L);
}

static struct page *no_target(struct altmm_system *sys, struct page *src,
			      unsigned long private)
{
	return NULL;
}

/*
 * A page someone else holds (a pin) is tried in each of 6.1's ten passes
 * and fails, staying where it was, back on its list; so does one whose
 * object is locked under MIGRATE_ASYNC.  No frame: -ENOMEM, the page on
 * the list for the caller to put back.  Nothing stays isolated.
 */
static void usermem_migrate_failures(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	struct altmm_uobj *obj = obj_new(test, sys);
	unsigned long fail = event(sys, ALTMM_PGMIGRATE_FAIL);
	unsigned int moved;
	struct page *page;
	LIST_HEAD(list);

	KUNIT_ASSERT_EQ(test, altmm_uobj_set_node(obj, 0), 0);
	touch_range(test, obj, 0, 4, true);
	page = xa_load(&obj->pages, 2);
	get_page(page);
	KUNIT_EXPECT_EQ(test, altmm_uobj_migrate(obj, 1, MIGRATE_SYNC, &moved), 1);
	KUNIT_EXPECT_EQ(test, moved, 3U);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMIGRATE_FAIL) - fail, 1UL);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&obj->pages, 2), (void *)page);
	KUNIT_EXPECT_EQ(test, page_nid(sys, page), 0);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(desc(test, sys, page), ALTMM_PG_lru));
	KUNIT_EXPECT_EQ(test, check_pattern(page, 2), -1L);
	put_page(page);
	KUNIT_EXPECT_EQ(test, altmm_uobj_migrate(obj, 1, MIGRATE_SYNC, &moved), 0);
	KUNIT_EXPECT_EQ(test, moved, 1U);

	/* The object's lock held (here, by the test): async gives up. */
	page = xa_load(&obj->pages, 0);
	KUNIT_ASSERT_EQ(test, altmm_isolate_lru_page(sys, page, &list), 0);
	KUNIT_EXPECT_EQ(test, altmm_isolate_lru_page(sys, page, &list), -EBUSY);
	mutex_lock(&obj->lock);
	KUNIT_EXPECT_EQ(test, altmm_migrate_pages(sys, &list, seq_target, NULL, 0,
						  MIGRATE_ASYNC, MR_COMPACTION, &moved), 1);
	mutex_unlock(&obj->lock);
	KUNIT_EXPECT_EQ(test, moved, 0U);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&list), 1UL);
	KUNIT_EXPECT_EQ(test, altmm_migrate_pages(sys, &list, no_target, NULL, 0,
						  MIGRATE_SYNC, MR_COMPACTION, &moved), -ENOMEM);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&list), 1UL);
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 1, ALTMM_NR_ISOLATED_ANON), 1L);
	altmm_putback_pages(sys, &list);
	KUNIT_EXPECT_TRUE(test, list_empty(&list));
	KUNIT_EXPECT_EQ(test, node_stat_of(sys, 1, ALTMM_NR_ISOLATED_ANON), 0L);
	KUNIT_EXPECT_EQ(test, altmm_lru_size(sys, 1, ALTMM_LRU_INACTIVE_ANON), 4UL);
	KUNIT_EXPECT_EQ(test, check_pattern(page, 0), -1L);
}

/*
 * oom_badness() as 6.1 computes it: pages plus page tables in pages, and
 * oom_score_adj in thousandths of the memory and swap (totalpages / 1000
 * per unit, integer division first); -1000 is never chosen.
 */
static void usermem_oom_badness(struct kunit *test)
{
	/* 4096 frames and 1023 slots: 5119 / 1000 = 5 points per unit. */
	unsigned long total = 4096 + 1023;

	KUNIT_EXPECT_EQ(test, altmm_oom_badness(1000, 8192, 0, total), 1002L);
	KUNIT_EXPECT_EQ(test, altmm_oom_badness(1000, 8191, 0, total), 1001L);
	KUNIT_EXPECT_EQ(test, altmm_oom_badness(1000, 8192, 500, total), 1002L + 2500);
	KUNIT_EXPECT_EQ(test, altmm_oom_badness(1000, 8192, -999, total), 1002L - 4995);
	KUNIT_EXPECT_EQ(test, altmm_oom_badness(1000, 8192, -1000, total), LONG_MIN);
	KUNIT_EXPECT_EQ(test, altmm_oom_badness(0, 0, 1000, total), 5000L);
	/* Under 1000 pages in all, oom_score_adj weighs nothing. */
	KUNIT_EXPECT_EQ(test, altmm_oom_badness(7, 0, 1000, 999), 7L);
	/* 3000 - 500 * 5 = 500 < 1000; 3000 - 300 * 5 = 1500 > 1000. */
	KUNIT_EXPECT_LT(test, altmm_oom_badness(3000, 0, -500, total),
			altmm_oom_badness(1000, 0, 0, total));
	KUNIT_EXPECT_GT(test, altmm_oom_badness(3000, 0, -300, total),
			altmm_oom_badness(1000, 0, 0, total));
}

/* === Compaction === */

/* Free blocks of a pageblock or more in a zone. */
/*
 * Fragment a one-node instance with user pages: two objects take pages
 * in a seeded random order until no free block of a pageblock is left
 * (the allocator splits the largest blocks last) and 64 pages more
 * (so that the last block split holds some of the survivor's too), then
 * the second goes, leaving holes of a few frames all over the zone.  Returns the
 * survivor; *@nr is its page count, *@zonep the zone.
 */
static struct altmm_uobj *fragment(struct kunit *test, struct altmm_system *sys,
				   unsigned long *nr, struct altmm_zone **zonep)
{
	struct altmm_uobj *keep = obj_new(test, sys), *drop = obj_new(test, sys);
	u64 s = seed ?: get_random_u64();
	struct altmm_zone *zone = NULL;
	unsigned long i = 0, j = 0, extra = 2;
	struct rnd_state rnd;
	struct page *page;

	kunit_info(test, "seed %llu (reload with seed=%llu to repeat)\n", s, s);
	prandom_seed_state(&rnd, s);
	for (;;) {
		if (prandom_u32_state(&rnd) & 1) {
			touch(test, keep, i++, true, &page);
			if (!zone)
				zone = altmm_user_zone(sys, page);
		} else {
			touch(test, drop, j++, true, NULL);
		}
		if ((i + j) % 32 || !zone)
			continue;
		/* Room above the high watermark: no reclaim, no OOM killer. */
		KUNIT_ASSERT_GT(test, altmm_zone_free(zone),
				altmm_wmark(zone, ALTMM_WMARK_HIGH) + 32);
		altmm_drain_all_pages(sys, NULL);
		if (!altmm_test_free_order9(zone) && !extra--)
			break;
	}
	obj_put(test, drop);
	altmm_drain_all_pages(sys, NULL);
	*zonep = zone;
	*nr = i;
	return keep;
}

static unsigned long user_pfn(struct kunit *test, struct altmm_system *sys,
			      struct page *page)
{
	unsigned long pfn;

	KUNIT_ASSERT_TRUE(test, altmm_host_page_to_pfn(sys, page, &pfn));
	return pfn;
}

/*
 * compact_node() on a fragmented zone: the free order-9 blocks grow,
 * every page keeps its contents, object, offset, single reference and
 * LRU list, and every page that moved went up (the migration scanner
 * only takes pages below the free scanner, which only gives frames above
 * it, so no page is isolated twice).  The counters agree with what the
 * compaction says it did: each page migrated took an isolated free frame.
 */
static void compaction_raises_free_order9(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	unsigned long nr, i, moved = 0, before, scanned, success;
	struct altmm_compact_stats st;
	struct altmm_zone *zone;
	struct altmm_uobj *obj = fragment(test, sys, &nr, &zone);
	unsigned long *old = kunit_kcalloc(test, nr, sizeof(*old), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, old);
	for (i = 0; i < nr; i++)
		old[i] = user_pfn(test, sys, xa_load(&obj->pages, i));
	before = altmm_test_free_order9(zone);
	scanned = event(sys, ALTMM_COMPACTMIGRATE_SCANNED);
	success = event(sys, ALTMM_PGMIGRATE_SUCCESS);

	KUNIT_ASSERT_EQ(test, altmm_compact_node(sys, 0, &st), 0);
	kunit_info(test, "%lu pages; free order-9 blocks %lu -> %lu; migrated %lu\n",
		   nr, before, altmm_test_free_order9(zone), st.migrated);
	KUNIT_EXPECT_GE(test, altmm_test_free_order9(zone), before + 2);
	KUNIT_EXPECT_GT(test, st.migrated, 0UL);
	KUNIT_EXPECT_LE(test, st.migrated, nr);
	KUNIT_EXPECT_GE(test, st.isolated, 2 * st.migrated);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_PGMIGRATE_SUCCESS) - success, st.migrated);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_COMPACTMIGRATE_SCANNED) - scanned,
			st.migrate_scanned);
	for (i = 0; i < nr; i++) {
		struct page *page = xa_load(&obj->pages, i);
		unsigned long pfn;

		KUNIT_ASSERT_FALSE(test, xa_is_value(page));
		pfn = user_pfn(test, sys, page);
		if (pfn != old[i]) {
			moved++;
			KUNIT_EXPECT_GT_MSG(test, pfn, old[i], "offset %lu moved down", i);
		}
		KUNIT_EXPECT_PTR_EQ(test, (void *)page_private(page), (void *)obj);
		KUNIT_EXPECT_EQ(test, page->index, i);
		KUNIT_EXPECT_EQ(test, page_count(page), 1);
		KUNIT_EXPECT_TRUE(test, altmm_desc_test(desc(test, sys, page), ALTMM_PG_lru));
		KUNIT_EXPECT_EQ_MSG(test, check_pattern(page, i), -1L, "offset %lu", i);
	}
	KUNIT_EXPECT_EQ(test, moved, st.migrated);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ANON_MAPPED), (long)nr);
	KUNIT_EXPECT_EQ(test, node_stat(sys, ALTMM_NR_ISOLATED_ANON), 0L);
	KUNIT_EXPECT_EQ(test, lru(sys, ALTMM_LRU_INACTIVE_ANON) +
			lru(sys, ALTMM_LRU_ACTIVE_ANON), nr);
}

/* A mask that does not wake kswapd, whose kcompactd would race the test. */
#define NO_KSWAPD(gfp)	(((gfp) & ~__GFP_KSWAPD_RECLAIM) | __GFP_NOWARN)

/*
 * An order-9 request on the fragmented zone: GFP_NOIO may not compact
 * (6.1 wants __GFP_IO) and, with nothing to reclaim, fails without a
 * compaction stall; a movable request compacts directly and gets its
 * block, counted as a stall and a success, and the zone's deferral for
 * the order is reset (orders up to 9 are not deferred any more).
 */
static void compaction_direct_serves_order9(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	unsigned long nr, stall, csuccess;
	struct altmm_zone *zone;
	struct page *page;

	fragment(test, sys, &nr, &zone);
	KUNIT_ASSERT_EQ(test, altmm_test_free_order9(zone), 0UL);
	stall = event(sys, ALTMM_COMPACTSTALL);
	csuccess = event(sys, ALTMM_COMPACTSUCCESS);

	page = altmm_sys_alloc_pages(sys, NO_KSWAPD(GFP_NOIO), ALTMM_PAGEBLOCK_ORDER,
				     NUMA_NO_NODE);
	KUNIT_EXPECT_NULL(test, page);
	if (page)
		altmm_sys_free_pages(sys, page, ALTMM_PAGEBLOCK_ORDER, false);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_COMPACTSTALL), stall);

	page = altmm_sys_alloc_pages(sys, NO_KSWAPD(GFP_HIGHUSER_MOVABLE),
				     ALTMM_PAGEBLOCK_ORDER, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_COMPACTSTALL) - stall, 1UL);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_COMPACTSUCCESS) - csuccess, 1UL);
	KUNIT_EXPECT_EQ(test, zone->compact_defer_shift, 0U);
	KUNIT_EXPECT_GT(test, zone->compact_order_failed, ALTMM_PAGEBLOCK_ORDER);
	altmm_sys_free_pages(sys, page, ALTMM_PAGEBLOCK_ORDER, false);
}

/*
 * compaction_suitable(): a zone with free order-9 blocks needs nothing;
 * fragmented, it is worth compacting, unless extfrag_threshold says its
 * fragmentation index is low enough that memory, not order, is short;
 * manual compaction (order -1) always runs.
 */
static void compaction_suitable_follows_extfrag(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	struct altmm_zone *zone;
	unsigned long nr_free[ALTMM_MAX_ORDER], nr;
	int index;

	fragment(test, sys, &nr, &zone);
	KUNIT_EXPECT_EQ(test, altmm_compaction_suitable(sys, zone, -1, ALTMM_ALLOC_WMARK_LOW,
							zone->type), COMPACT_CONTINUE);
	altmm_zone_nr_free(zone, nr_free);
	index = altmm_fragmentation_index(nr_free, ALTMM_PAGEBLOCK_ORDER);
	kunit_info(test, "fragmentation index for order 9: %d\n", index);
	KUNIT_ASSERT_GT(test, index, 0);
	sys->tune.extfrag_threshold = index - 1;
	KUNIT_EXPECT_EQ(test, altmm_compaction_suitable(sys, zone, ALTMM_PAGEBLOCK_ORDER,
							ALTMM_ALLOC_WMARK_LOW, zone->type),
			COMPACT_CONTINUE);
	sys->tune.extfrag_threshold = index;
	KUNIT_EXPECT_EQ(test, altmm_compaction_suitable(sys, zone, ALTMM_PAGEBLOCK_ORDER,
							ALTMM_ALLOC_WMARK_LOW, zone->type),
			COMPACT_SKIPPED);
	sys->tune.extfrag_threshold = 500;
	KUNIT_ASSERT_EQ(test, altmm_compact_node(sys, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, altmm_compaction_suitable(sys, zone, ALTMM_PAGEBLOCK_ORDER,
							ALTMM_ALLOC_WMARK_LOW, zone->type),
			COMPACT_SUCCESS);
}

/* Wait up to 10 s for kcompactd to be done with what it was asked. */
static bool kcompactd_done(struct altmm_node *node)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (!READ_ONCE(node->kcompactd_max_order) &&
		    !READ_ONCE(node->proactive_compact_trigger))
			return true;
		msleep(20);
	}
	return false;
}

static unsigned int unusable_order9(struct altmm_zone *zone)
{
	unsigned long nr_free[ALTMM_MAX_ORDER];

	altmm_zone_nr_free(zone, nr_free);
	return altmm_unusable_index(nr_free, ALTMM_PAGEBLOCK_ORDER);
}

/*
 * kswapd going to sleep on a balanced node wakes kcompactd for the order
 * it was woken for: kcompactd counts a wake, compacts the zone as
 * synchronous-light compaction for an unmovable order-9 request (6.1's
 * GFP_KERNEL) until such a block is free, and is done with the request.
 */
static void compaction_kcompactd_woken_by_kswapd(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	unsigned long nr, wake, scanned;
	struct altmm_zone *zone;
	struct altmm_uobj *obj = fragment(test, sys, &nr, &zone);
	pgoff_t i;

	wake = event(sys, ALTMM_KCOMPACTD_WAKE);
	scanned = event(sys, ALTMM_KCOMPACTD_MIGRATE_SCANNED);
	KUNIT_ASSERT_NOT_NULL(test, zone->node->kcompactd);
	KUNIT_ASSERT_NOT_NULL(test, sys->kswapd_sleeping);
	sys->kswapd_sleeping(zone->node, ALTMM_PAGEBLOCK_ORDER, zone->type);
	KUNIT_ASSERT_TRUE(test, kcompactd_done(zone->node));
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KCOMPACTD_WAKE) - wake, 1UL);
	KUNIT_EXPECT_GT(test, event(sys, ALTMM_KCOMPACTD_MIGRATE_SCANNED), scanned);
	KUNIT_EXPECT_GE(test, altmm_test_free_order9(zone), 1UL);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, check_pattern(xa_load(&obj->pages, i), i), -1L,
				    "offset %lu", i);
	/* An order-0 request wakes nobody. */
	sys->kswapd_sleeping(zone->node, 0, zone->type);
	KUNIT_EXPECT_TRUE(test, kcompactd_done(zone->node));
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KCOMPACTD_WAKE) - wake, 1UL);
}

/*
 * Proactive compaction: with compaction_proactiveness 90 a fragmented
 * zone (score near 100) is over the high mark (20); a write of the
 * tunable starts a round at once, which compacts whole zones, lowers the
 * score, counts kcompactd's scans but no wake (that is for requests).
 */
static void compaction_proactive_lowers_score(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &no_swap);
	unsigned long nr, wake, scanned;
	unsigned int before;
	struct altmm_zone *zone;
	struct altmm_uobj *obj = fragment(test, sys, &nr, &zone);
	pgoff_t i;

	before = unusable_order9(zone);
	KUNIT_ASSERT_GT(test, before, 200U);
	wake = event(sys, ALTMM_KCOMPACTD_WAKE);
	scanned = event(sys, ALTMM_KCOMPACTD_MIGRATE_SCANNED);
	WRITE_ONCE(sys->tune.compaction_proactiveness, 90);
	altmm_compaction_proactiveness_changed(sys);
	KUNIT_ASSERT_TRUE(test, kcompactd_done(zone->node));
	WRITE_ONCE(sys->tune.compaction_proactiveness, 0);
	kunit_info(test, "unusable index at order 9: %u -> %u\n", before,
		   unusable_order9(zone));
	KUNIT_EXPECT_LT(test, unusable_order9(zone), before);
	KUNIT_EXPECT_GT(test, event(sys, ALTMM_KCOMPACTD_MIGRATE_SCANNED), scanned);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KCOMPACTD_WAKE), wake);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, check_pattern(xa_load(&obj->pages, i), i), -1L,
				    "offset %lu", i);
}

/*
 * Deferral as 6.1 counts it: after the n-th failure in a row at an order,
 * the next 2^n - 1 attempts at it or above are skipped (the n-th: 2^n
 * considered, capped at 64); orders below the lowest failure are never
 * deferred; an allocation's success forgets it all.
 */
static void compaction_defer_backs_off(struct kunit *test)
{
	struct altmm_zone *zone = kunit_kzalloc(test, sizeof(*zone), GFP_KERNEL);
	unsigned int failures, skipped;

	KUNIT_ASSERT_NOT_NULL(test, zone);
	KUNIT_EXPECT_FALSE(test, altmm_compaction_deferred(zone, 9));
	altmm_compaction_defer_reset(zone, 4, false);
	KUNIT_EXPECT_EQ(test, zone->compact_order_failed, 5);
	for (failures = 1; failures <= 8; failures++) {
		altmm_defer_compaction(zone, 9);
		for (skipped = 0; altmm_compaction_deferred(zone, 10); skipped++)
			KUNIT_ASSERT_LT(test, skipped, 1000U);
		KUNIT_EXPECT_EQ_MSG(test, skipped, (1U << min(failures, 6U)) - 1,
				    "after %u failures", failures);
		KUNIT_EXPECT_FALSE(test, altmm_compaction_deferred(zone, 4));
	}
	KUNIT_EXPECT_EQ(test, zone->compact_order_failed, 5);
	altmm_defer_compaction(zone, 3);
	KUNIT_EXPECT_EQ(test, zone->compact_order_failed, 3);
	KUNIT_EXPECT_TRUE(test, altmm_compaction_deferred(zone, 3));
	altmm_compaction_defer_reset(zone, 9, true);
	KUNIT_EXPECT_EQ(test, zone->compact_defer_shift, 0U);
	KUNIT_EXPECT_EQ(test, zone->compact_order_failed, 10);
	KUNIT_EXPECT_FALSE(test, altmm_compaction_deferred(zone, 9));
}

static struct kunit_case altmm_usermem_cases[] = {
	KUNIT_CASE(usermem_fault_allocates_zeroed_page),
	KUNIT_CASE(usermem_inactive_is_low),
	KUNIT_CASE(usermem_scan_count),
	KUNIT_CASE(usermem_reclaim_swaps_out_and_in),
	KUNIT_CASE(usermem_reclaim_ages_active_list),
	KUNIT_CASE(usermem_workingset_refault),
	KUNIT_CASE(usermem_noio_writes_nothing),
	KUNIT_CASE(usermem_no_swap_keeps_anon),
	KUNIT_CASE(usermem_working_set_larger_than_arena),
	KUNIT_CASE(usermem_oom_spares_kthreads),
	KUNIT_CASE(usermem_oom_badness),
	KUNIT_CASE(usermem_swap_resize),
	KUNIT_CASE(usermem_swap_cache),
	KUNIT_CASE(usermem_migrate_to_node),
	KUNIT_CASE(usermem_migrate_failures),
	KUNIT_CASE(usermem_file_read_dirty_writeback),
	KUNIT_CASE(usermem_file_reclaim),
	KUNIT_CASE(usermem_random_sequence),
	{}
};

static struct kunit_suite altmm_usermem_suite = {
	.name = "altmm_usermem",
	.init = usermem_test_init,
	.exit = usermem_test_exit,
	.test_cases = altmm_usermem_cases,
};

static struct kunit_case altmm_compaction_cases[] = {
	KUNIT_CASE(compaction_raises_free_order9),
	KUNIT_CASE(compaction_direct_serves_order9),
	KUNIT_CASE(compaction_suitable_follows_extfrag),
	KUNIT_CASE(compaction_defer_backs_off),
	KUNIT_CASE(compaction_kcompactd_woken_by_kswapd),
	KUNIT_CASE(compaction_proactive_lowers_score),
	{}
};

static struct kunit_suite altmm_compaction_suite = {
	.name = "altmm_compaction",
	.init = usermem_test_init,
	.exit = usermem_test_exit,
	.test_cases = altmm_compaction_cases,
};

kunit_test_suites(&altmm_usermem_suite, &altmm_compaction_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's user memory, LRU reclaim, swap and compaction");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
