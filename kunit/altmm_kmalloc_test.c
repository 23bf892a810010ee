// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for kmalloc on altmm: the size class of every request size
 * around every class boundary (6.1's kmalloc_index()), with ksize() and
 * the alignment the kernel guarantees; the DMA and reclaimable kinds;
 * kmalloc(0), kfree(NULL) and kfree(ZERO_SIZE_PTR); large requests as
 * compound blocks from the page allocator; refused frees; the overflow
 * checks of kmalloc_array() and kcalloc(); krealloc() growing and
 * shrinking; node placement.
 *
 * Private instances throughout, checked by the shared checker in .exit,
 * but for kmalloc_array() and kcalloc(), which exist only on the default
 * instance that altmm.ko makes at load.
 */

#include <kunit/test.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "altmm_test.h"

/* === Helpers === */

static struct altmm_system *one_node(struct kunit *test)
{
	return altmm_test_create(test, &altmm_test_layouts[0].p);
}

static void *km(struct kunit *test, struct altmm_system *sys, size_t size, gfp_t gfp)
{
	void *p = altmm_sys_kmalloc(sys, size, gfp, NUMA_NO_NODE, _RET_IP_);

	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu)", size);
	KUNIT_ASSERT_FALSE_MSG(test, ZERO_OR_NULL_PTR(p), "kmalloc(%zu)", size);
	return p;
}

static void kf(struct kunit *test, struct altmm_system *sys, const void *p)
{
	KUNIT_EXPECT_EQ_MSG(test, altmm_sys_kfree(sys, p, _RET_IP_), 0, "kfree(%p)", p);
}

static struct altmm_kmem_cache *class_cache(struct altmm_system *sys, int kind, int index)
{
	return sys->slab->kmalloc[kind][index];
}

/* === Size classes === */

struct class_case {
	size_t size;
	int index;		/* 6.1's kmalloc_index() with KMALLOC_MIN_SIZE 8 */
	unsigned int class;
	const char *name;
};

/*
 * Each boundary and the byte past it.  kmalloc_index(): 1..8 -> 3 (8);
 * 65..96 -> 1 (96); 129..192 -> 2 (192); otherwise the next power of two
 * n -> log2(n).
 */
static const struct class_case class_cases[] = {
	{ 1, 3, 8, "kmalloc-8" },	{ 8, 3, 8, "kmalloc-8" },
	{ 9, 4, 16, "kmalloc-16" },	{ 16, 4, 16, "kmalloc-16" },
	{ 17, 5, 32, "kmalloc-32" },	{ 32, 5, 32, "kmalloc-32" },
	{ 33, 6, 64, "kmalloc-64" },	{ 64, 6, 64, "kmalloc-64" },
	{ 65, 1, 96, "kmalloc-96" },	{ 96, 1, 96, "kmalloc-96" },
	{ 97, 7, 128, "kmalloc-128" },	{ 128, 7, 128, "kmalloc-128" },
	{ 129, 2, 192, "kmalloc-192" },	{ 192, 2, 192, "kmalloc-192" },
	{ 193, 8, 256, "kmalloc-256" },	{ 256, 8, 256, "kmalloc-256" },
	{ 257, 9, 512, "kmalloc-512" },	{ 512, 9, 512, "kmalloc-512" },
	{ 513, 10, 1024, "kmalloc-1k" },	{ 1024, 10, 1024, "kmalloc-1k" },
	{ 1025, 11, 2048, "kmalloc-2k" },	{ 2048, 11, 2048, "kmalloc-2k" },
	{ 2049, 12, 4096, "kmalloc-4k" },	{ 4096, 12, 4096, "kmalloc-4k" },
	{ 4097, 13, 8192, "kmalloc-8k" },	{ 8192, 13, 8192, "kmalloc-8k" },
};

static void class_desc(const struct class_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu", c->size);
}

KUNIT_ARRAY_PARAM(classes, class_cases, class_desc);

/*
 * kmalloc(size) comes from the class 6.1 would pick; ksize() is the class
 * size, all of it usable; objects are aligned to ARCH_KMALLOC_MINALIGN
 * and, for power-of-two classes, to their size: the natural alignment
 * the kernel guarantees for kmalloc(2^n) (create_boot_cache() in
 * mm/slab_common.c).  Two slabs and one object of a third, so that
 * several colours are seen.
 */
static void kmalloc_size_class(struct kunit *test)
{
	const struct class_case *c = test->param_value;
	struct altmm_system *sys = one_node(test);
	unsigned long base, misaligned = 0;
	struct altmm_kmem_cache *cache;
	struct altmm_slab *slab;
	unsigned int i, nr;
	void **objs;

	KUNIT_EXPECT_EQ(test, altmm_kmalloc_index(c->size), c->index);
	KUNIT_EXPECT_EQ(test, altmm_kmalloc_size(c->index), c->class);
	cache = class_cache(sys, ALTMM_KMALLOC_NORMAL, c->index);
	KUNIT_ASSERT_NOT_NULL(test, cache);
	KUNIT_EXPECT_STREQ(test, cache->name, c->name);
	KUNIT_EXPECT_EQ(test, cache->object_size, c->class);
	base = altmm_check_cache(test, cache);

	nr = 2 * cache->num + 1;
	objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < nr; i++) {
		void *p = km(test, sys, c->size, GFP_KERNEL);

		objs[i] = p;
		KUNIT_ASSERT_PTR_EQ(test, altmm_obj_to_cache(sys, p, &slab), cache);
		KUNIT_EXPECT_EQ(test, altmm_sys_ksize(sys, p), (size_t)c->class);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, ARCH_KMALLOC_MINALIGN));
		if (is_power_of_2(c->class) && !IS_ALIGNED((unsigned long)p, c->class) &&
		    !misaligned++)
			KUNIT_FAIL(test, "kmalloc(%zu): %lu bytes past a %u-byte boundary",
				   c->size, (unsigned long)p % c->class, c->class);
		memset(p, 0x5a, c->class);
	}
	KUNIT_EXPECT_EQ(test, misaligned, 0UL);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), base + nr);
	for (i = 0; i < nr; i++)
		kf(test, sys, objs[i]);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), base);
}

/*
 * __GFP_DMA takes the DMA classes, with frames of ZONE_DMA;
 * __GFP_RECLAIMABLE the reclaimable ones, whose slabs count as
 * reclaimable slab memory; __GFP_ZERO zeroes the whole class.
 */
static void kmalloc_kinds(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *dma, *rcl;
	atomic_long_t *stat = &sys->nodes[0]->vm_stat[ALTMM_NR_SLAB_RECLAIMABLE_B];
	struct altmm_slab *slab;
	unsigned long pfn;
	long before;
	u8 *p, *q;

	dma = class_cache(sys, ALTMM_KMALLOC_DMA, 7);
	rcl = class_cache(sys, ALTMM_KMALLOC_RECLAIM, 7);
	KUNIT_EXPECT_STREQ(test, dma->name, "dma-kmalloc-128");
	KUNIT_EXPECT_STREQ(test, rcl->name, "kmalloc-rcl-128");
	KUNIT_EXPECT_TRUE(test, rcl->flags & SLAB_RECLAIM_ACCOUNT);

	p = km(test, sys, 100, GFP_KERNEL | __GFP_DMA);
	KUNIT_EXPECT_PTR_EQ(test, altmm_obj_to_cache(sys, p, &slab), dma);
	KUNIT_ASSERT_TRUE(test, altmm_virt_to_pfn(sys, p, &pfn));
	KUNIT_EXPECT_EQ(test, altmm_pfn_to_zone(sys, pfn)->type, ALTMM_ZONE_DMA);
	kf(test, sys, p);

	/* The class is fresh: this first object makes its first slab. */
	before = atomic_long_read(stat);
	p = km(test, sys, 100, GFP_KERNEL | __GFP_RECLAIMABLE);
	KUNIT_EXPECT_PTR_EQ(test, altmm_obj_to_cache(sys, p, &slab), rcl);
	KUNIT_EXPECT_EQ(test, atomic_long_read(stat) - before, (long)PAGE_SIZE << rcl->order);
	kf(test, sys, p);

	/* kzalloc(): a dirtied object comes back zeroed, the whole class. */
	p = km(test, sys, 100, GFP_KERNEL);
	memset(p, 0xaa, 128);
	kf(test, sys, p);
	q = km(test, sys, 100, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_PTR_EQ(test, q, p);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(q, 0, 128), -1L);
	kf(test, sys, q);
}

/*
 * From kmalloc-256 up, each class holds as many objects a slab, in slabs
 * of the same order, as 6.1's SLAB gives it (calculate_slab_order() with
 * the header in struct page and the index array off the slab or in a
 * free object): no object's room goes to the slab's management.  Worked
 * out by hand: 4096 / 256 = 16 ... 4096 / 4096 = 1 at order 0, and 8k
 * first fits an order-1 slab.  The same on a 32 MiB instance
 * (slab_max_order 0) and a 64 MiB one (1): none of them wastes more than
 * 1/8 at its first fitting order.  Every kind follows its class.
 */
static void kmalloc_class_geometry(struct kunit *test)
{
	static const struct { int index; unsigned int num, order; } want[] = {
		{ 8, 16, 0 }, { 9, 8, 0 }, { 10, 4, 0 }, { 11, 2, 0 },
		{ 12, 1, 0 }, { 13, 1, 1 },
	};
	struct altmm_system *sys[2] = {
		one_node(test), altmm_test_create(test, &altmm_test_layouts[1].p),
	};
	unsigned int i, s, kind;

	if (PAGE_SIZE != 4096 || sizeof(struct altmm_slab) != 56)
		kunit_skip(test, "worked out for 4 KiB pages and a 56-byte header");
	KUNIT_EXPECT_EQ(test, sys[0]->slab->max_order, 0U);
	KUNIT_EXPECT_EQ(test, sys[1]->slab->max_order, 1U);
	for (s = 0; s < 2; s++) {
		for (kind = 0; kind < ALTMM_NR_KMALLOC_TYPES; kind++) {
			for (i = 0; i < ARRAY_SIZE(want); i++) {
				struct altmm_kmem_cache *c = class_cache(sys[s], kind,
									 want[i].index);

				KUNIT_EXPECT_EQ_MSG(test, c->num, want[i].num, "%s", c->name);
				KUNIT_EXPECT_EQ_MSG(test, c->order, want[i].order, "%s", c->name);
				KUNIT_EXPECT_EQ_MSG(test, c->num * c->size, PAGE_SIZE << c->order,
						    "%s", c->name);
			}
		}
	}
}

/* kmalloc(0) is ZERO_SIZE_PTR; freeing it or NULL is fine; ksize() of both is 0. */
static void kmalloc_zero_and_null(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	unsigned long misuse = altmm_vm_event_sum(sys, ALTMM_MISUSE);

	KUNIT_EXPECT_PTR_EQ(test, altmm_sys_kmalloc(sys, 0, GFP_KERNEL, NUMA_NO_NODE, _RET_IP_),
			    ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, NULL, _RET_IP_), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, ZERO_SIZE_PTR, _RET_IP_), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_ksize(sys, NULL), (size_t)0);
	KUNIT_EXPECT_EQ(test, altmm_sys_ksize(sys, ZERO_SIZE_PTR), (size_t)0);
	KUNIT_EXPECT_EQ(test, altmm_vm_event_sum(sys, ALTMM_MISUSE), misuse);
	/* The API on the default instance does the same. */
	KUNIT_EXPECT_PTR_EQ(test, altmm_kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	altmm_kfree(NULL);
	altmm_kfree(ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, altmm_ksize(NULL), (size_t)0);
}

/* === Large requests === */

struct large_case {
	size_t size;
	unsigned int order;	/* get_order(size), by hand */
};

static const struct large_case large_cases[] = {
	{ 8192 + 1, 2 }, { 16384, 2 }, { 16384 + 1, 3 }, { 32768, 3 },
	{ 32768 + 1, 4 }, { 4UL << 20, 10 },
};

static void large_desc(const struct large_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu", c->size);
}

KUNIT_ARRAY_PARAM(large, large_cases, large_desc);

/*
 * Above 8 KiB, kmalloc hands out a compound block of the page allocator,
 * of the order the size needs; ksize() is the block; kfree() gives it
 * back whole.  Pointers into it other than its start are refused.  The
 * block counts as unreclaimable slab memory of its node while it lives,
 * as 6.1's kmalloc_large() counts it.
 */
static void kmalloc_large_block(struct kunit *test)
{
	const struct large_case *c = test->param_value;
	struct altmm_system *sys = one_node(test);
	unsigned long before = altmm_test_free_frames(sys);
	atomic_long_t *unrecl = &sys->nodes[0]->vm_stat[ALTMM_NR_SLAB_UNRECLAIMABLE_B];
	long slab_before = atomic_long_read(unrecl);
	struct altmm_page *d;
	u8 *p;

	p = km(test, sys, c->size, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(unrecl),
			slab_before + (long)(PAGE_SIZE << c->order));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, PAGE_SIZE));
	d = altmm_test_desc_of(test, sys, p);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_head));
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d + 1, ALTMM_PG_tail));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_slab));
	KUNIT_EXPECT_EQ(test, altmm_alloc_order(d), c->order);
	KUNIT_EXPECT_EQ(test, altmm_sys_ksize(sys, p), PAGE_SIZE << c->order);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before - (1UL << c->order));
	memset(p, 0x77, PAGE_SIZE << c->order);

	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, p + PAGE_SIZE, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, p + 8, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("refused: not memory from kmalloc"), 2U);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, atomic_long_read(unrecl),
			slab_before + (long)(PAGE_SIZE << c->order));

	kf(test, sys, p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(unrecl), slab_before);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_head));
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before);
	/* Twice is refused, and counted out once. */
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, p, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(unrecl), slab_before);
}

/* More than the largest block (4 MiB) is refused, and said so unless __GFP_NOWARN. */
static void kmalloc_too_large(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	unsigned long before = altmm_test_free_frames(sys);

	altmm_test_log_clear(test);
	KUNIT_EXPECT_NULL(test, altmm_sys_kmalloc(sys, (4UL << 20) + 1, GFP_KERNEL,
						  NUMA_NO_NODE, _RET_IP_));
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("refused: larger than 4194304 bytes"), 1U);
	KUNIT_EXPECT_NULL(test, altmm_sys_kmalloc(sys, SIZE_MAX, GFP_KERNEL | __GFP_NOWARN,
						  NUMA_NO_NODE, _RET_IP_));
	KUNIT_EXPECT_EQ(test, altmm_test_log_lines(), 1U);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), before);
}

/*
 * kfree() of what kmalloc did not hand out is refused and counted as
 * misuse: host memory, the stack, a plain page of the arena, the middle
 * of an object.  The object stays allocated.
 */
static void kmalloc_bad_frees(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *cache = class_cache(sys, ALTMM_KMALLOC_NORMAL, 6);
	unsigned long misuse = altmm_vm_event_sum(sys, ALTMM_MISUSE), base;
	struct page *page;
	int on_stack = 0;
	void *host, *p;

	host = kunit_kmalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, host);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	base = altmm_check_cache(test, cache);
	p = km(test, sys, 64, GFP_KERNEL);

	altmm_test_log_clear(test);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, host, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, &on_stack, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, page_address(page), _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("refused: not memory from kmalloc"), 3U);
	KUNIT_EXPECT_EQ(test, altmm_vm_event_sum(sys, ALTMM_MISUSE), misuse + 3);
	KUNIT_EXPECT_EQ(test, altmm_sys_kfree(sys, p + 1, _RET_IP_), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_test_log_count("not the start of an object"), 1U);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), base + 1);

	kf(test, sys, p);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, cache), base);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
}

/* === kmalloc_array(), kcalloc() === */

/*
 * A product that overflows size_t is refused, also where it wraps to a
 * small or zero size that kmalloc would serve.  These exist only on the
 * default instance.
 */
static void kmalloc_array_overflow(struct kunit *test)
{
	void *p, *q;

	/* 2^63 x 2 wraps to 0: kmalloc(0) would give ZERO_SIZE_PTR. */
	KUNIT_EXPECT_NULL(test, altmm_kmalloc_array(SIZE_MAX / 2 + 1, 2, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, altmm_kmalloc_array(2, SIZE_MAX / 2 + 1, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, altmm_kmalloc_array(1UL << 32, 1UL << 32, GFP_KERNEL));
	/* SIZE_MAX = 3 x 6148914691236517205: (SIZE_MAX / 3 + 1) x 3 wraps to 2. */
	KUNIT_EXPECT_NULL(test, altmm_kmalloc_array(SIZE_MAX / 3 + 1, 3, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, altmm_kcalloc(SIZE_MAX / 3 + 1, 3, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, altmm_kcalloc(3, SIZE_MAX / 3 + 1, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, altmm_kmalloc_array(SIZE_MAX, SIZE_MAX, GFP_KERNEL));
	/* No overflow, but too large for any block. */
	KUNIT_EXPECT_NULL(test, altmm_kmalloc_array(SIZE_MAX, 1, GFP_KERNEL | __GFP_NOWARN));

	KUNIT_EXPECT_PTR_EQ(test, altmm_kmalloc_array(0, 8, GFP_KERNEL), ZERO_SIZE_PTR);
	/* 3 x 7 = 21 bytes: kmalloc-32. */
	p = altmm_kmalloc_array(3, 7, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, ZERO_OR_NULL_PTR(p));
	KUNIT_EXPECT_EQ(test, altmm_ksize(p), (size_t)32);
	altmm_kfree(p);

	/* kcalloc(5, 10): 50 zeroed bytes of kmalloc-64, a dirtied object reused. */
	p = altmm_kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, ZERO_OR_NULL_PTR(p));
	memset(p, 0xaa, 64);
	altmm_kfree(p);
	q = altmm_kcalloc(5, 10, GFP_KERNEL);
	KUNIT_ASSERT_PTR_EQ(test, q, p);
	KUNIT_EXPECT_EQ(test, altmm_ksize(q), (size_t)64);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(q, 0, 50), -1L);
	altmm_kfree(q);
}

/* === krealloc() === */

/*
 * Growing moves to a bigger class (or a large block) and keeps the
 * contents, the old object freed; shrinking, or growing within the
 * class, stays in place; krealloc(NULL) allocates, krealloc(p, 0) frees;
 * a growth that cannot be served leaves the old object intact.
 */
static void krealloc_keeps_contents(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	struct altmm_kmem_cache *k32 = class_cache(sys, ALTMM_KMALLOC_NORMAL, 5);
	struct altmm_kmem_cache *k128 = class_cache(sys, ALTMM_KMALLOC_NORMAL, 7);
	unsigned long base32 = altmm_check_cache(test, k32);
	unsigned long base128 = altmm_check_cache(test, k128);
	u8 *p, *q, *r;
	int i;

	p = km(test, sys, 24, GFP_KERNEL);
	for (i = 0; i < 24; i++)
		p[i] = i;
	q = altmm_sys_krealloc(sys, p, 200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_NE(test, q, p);
	KUNIT_EXPECT_EQ(test, altmm_sys_ksize(sys, q), (size_t)256);
	for (i = 0; i < 24; i++)
		KUNIT_EXPECT_EQ_MSG(test, q[i], (u8)i, "byte %d", i);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, k32), base32);

	/* Shrinking stays, contents and all. */
	r = altmm_sys_krealloc(sys, q, 10, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, r, q);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, r[i], (u8)i);

	/* Into a large block and back down: the block stays. */
	q = altmm_sys_krealloc(sys, r, 20000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, altmm_sys_ksize(sys, q), (size_t)(PAGE_SIZE << 3));
	for (i = 0; i < 24; i++)
		KUNIT_EXPECT_EQ(test, q[i], (u8)i);
	memset(q + 24, 0x66, 20000 - 24);
	r = altmm_sys_krealloc(sys, q, 30000, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, r, q);
	r = altmm_sys_krealloc(sys, q, 100, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, r, q);

	/* Too large: refused, the old block intact and still ours to free. */
	KUNIT_EXPECT_NULL(test, altmm_sys_krealloc(sys, r, 8UL << 20, GFP_KERNEL | __GFP_NOWARN));
	KUNIT_EXPECT_EQ(test, r[23], 23);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(r + 24, 0x66, 20000 - 24), -1L);

	/* krealloc(p, 0) frees. */
	KUNIT_EXPECT_PTR_EQ(test, altmm_sys_krealloc(sys, r, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(altmm_test_desc_of(test, sys, r), ALTMM_PG_alloc));

	/* Growing within the class: in place. */
	p = altmm_sys_krealloc(sys, NULL, 100, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, ZERO_OR_NULL_PTR(p));
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, k128), base128 + 1);
	KUNIT_EXPECT_PTR_EQ(test, altmm_sys_krealloc(sys, p, 128, GFP_KERNEL), p);
	kf(test, sys, p);
	KUNIT_EXPECT_EQ(test, altmm_check_cache(test, k128), base128);
}

/*
 * With __GFP_ZERO (asked from the first allocation on, as krealloc()'s
 * kernel-doc requires) growth is zeroed: the new object, a dirtied one
 * reused, holds the old bytes and zeroes after them.
 */
static void krealloc_gfp_zero(struct kunit *test)
{
	struct altmm_system *sys = one_node(test);
	u8 *p, *q, *dirty;

	p = km(test, sys, 30, GFP_KERNEL | __GFP_ZERO);
	memset(p, 0xaa, 30);
	dirty = km(test, sys, 500, GFP_KERNEL);
	memset(dirty, 0xee, 512);
	kf(test, sys, dirty);
	q = altmm_sys_krealloc(sys, p, 500, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_PTR_EQ(test, q, dirty);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(q, 0xaa, 30), -1L);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(q + 30, 0, 500 - 30), -1L);
	kf(test, sys, q);

	/* Within the class, the tail was zeroed by the first kzalloc(). */
	p = km(test, sys, 10, GFP_KERNEL | __GFP_ZERO);
	memset(p, 0xaa, 10);
	q = altmm_sys_krealloc(sys, p, 16, GFP_KERNEL | __GFP_ZERO);
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	KUNIT_EXPECT_EQ(test, altmm_test_first_not(q + 10, 0, 6), -1L);
	kf(test, sys, q);
}

/* === Nodes === */

static const struct altmm_params two_nodes = {
	.arena_mb = 64, .nr_nodes = 2, .dma_mb = 16, .dma32_mb = 32,
};

static int node_of(struct kunit *test, struct altmm_system *sys, const void *addr)
{
	unsigned long pfn;

	KUNIT_ASSERT_TRUE(test, altmm_virt_to_pfn(sys, addr, &pfn));
	return altmm_zone_nid(altmm_pfn_to_zone(sys, pfn));
}

/* kmalloc_node() puts small and large allocations on the node asked for. */
static void kmalloc_node_placement(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &two_nodes);
	void *small[2], *large[2], *local;
	int nid;

	for (nid = 0; nid < 2; nid++) {
		small[nid] = altmm_sys_kmalloc(sys, 64, GFP_KERNEL, nid, _RET_IP_);
		large[nid] = altmm_sys_kmalloc(sys, 3 * PAGE_SIZE, GFP_KERNEL, nid, _RET_IP_);
		KUNIT_ASSERT_NOT_NULL(test, small[nid]);
		KUNIT_ASSERT_NOT_NULL(test, large[nid]);
		KUNIT_EXPECT_EQ(test, node_of(test, sys, small[nid]), nid);
		KUNIT_EXPECT_EQ(test, node_of(test, sys, large[nid]), nid);
	}
	local = km(test, sys, 64, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, node_of(test, sys, local), altmm_numa_node_id(sys));
	kf(test, sys, local);
	for (nid = 0; nid < 2; nid++) {
		kf(test, sys, small[nid]);
		kf(test, sys, large[nid]);
	}
}

static struct kunit_case altmm_kmalloc_cases[] = {
	KUNIT_CASE_PARAM(kmalloc_size_class, classes_gen_params),
	KUNIT_CASE(kmalloc_kinds),
	KUNIT_CASE(kmalloc_class_geometry),
	KUNIT_CASE(kmalloc_zero_and_null),
	KUNIT_CASE_PARAM(kmalloc_large_block, large_gen_params),
	KUNIT_CASE(kmalloc_too_large),
	KUNIT_CASE(kmalloc_bad_frees),
	KUNIT_CASE(kmalloc_array_overflow),
	KUNIT_CASE(krealloc_keeps_contents),
	KUNIT_CASE(krealloc_gfp_zero),
	KUNIT_CASE(kmalloc_node_placement),
	{}
};

static struct kunit_suite altmm_kmalloc_suite = {
	.name = "altmm_kmalloc",
	.suite_init = altmm_test_log_start,
	.suite_exit = altmm_test_log_stop,
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_kmalloc_cases,
};

kunit_test_suite(altmm_kmalloc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's kmalloc");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
