// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc: caches of fixed sizes over the slab layer, as 6.1 sizes them
 * (8, 16, 32, 64, 96, 128, 192, 256 ... 8k: powers of two plus 96 and
 * 192), in three kinds (normal, reclaimable for __GFP_RECLAIMABLE, DMA
 * for __GFP_DMA), named as /proc/slabinfo names them.  Larger requests
 * are compound blocks straight from the page allocator; kfree() tells
 * the two apart by the frame's descriptor.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "altmm_trace.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"

static const char * const kmalloc_names[ALTMM_NR_KMALLOC_TYPES][ALTMM_NR_KMALLOC_CLASSES] = {
#define KMALLOC_NAMES(prefix)						\
	{ [1] = prefix "96", [2] = prefix "192", [3] = prefix "8",	\
	  [4] = prefix "16", [5] = prefix "32", [6] = prefix "64",	\
	  [7] = prefix "128", [8] = prefix "256", [9] = prefix "512",	\
	  [10] = prefix "1k", [11] = prefix "2k", [12] = prefix "4k",	\
	  [13] = prefix "8k" }
	[ALTMM_KMALLOC_NORMAL]	= KMALLOC_NAMES("kmalloc-"),
	[ALTMM_KMALLOC_RECLAIM]	= KMALLOC_NAMES("kmalloc-rcl-"),
	[ALTMM_KMALLOC_DMA]	= KMALLOC_NAMES("dma-kmalloc-"),
#undef KMALLOC_NAMES
};

/**
 * altmm_kmalloc_index() - the size class of a request (kmalloc_index())
 * @size: bytes
 *
 * Return: 1 (96), 2 (192) or 3..13 (2^n bytes); 0 for 0 bytes; -1 when
 * @size is above the largest class.
 */
int altmm_kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= ALTMM_KMALLOC_MIN_SIZE)
		return 3;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	if (size > ALTMM_KMALLOC_MAX_CACHE_SIZE)
		return -1;
	return order_base_2(size);
}
EXPORT_SYMBOL_NS_GPL(altmm_kmalloc_index, ALTMM_INTERNAL);

/**
 * altmm_kmalloc_size() - the object size of a class
 * @index: a class from altmm_kmalloc_index()
 *
 * Return: its bytes.
 */
unsigned int altmm_kmalloc_size(int index)
{
	return index == 1 ? 96 : index == 2 ? 192 : 1U << index;
}
EXPORT_SYMBOL_NS_GPL(altmm_kmalloc_size, ALTMM_INTERNAL);

static enum altmm_kmalloc_type kmalloc_kind(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ALTMM_KMALLOC_DMA;
	return (gfp & __GFP_RECLAIMABLE) ? ALTMM_KMALLOC_RECLAIM : ALTMM_KMALLOC_NORMAL;
}

static int create_class(struct altmm_system *sys, enum altmm_kmalloc_type type,
			int index, struct altmm_kmem_cache_node *boot)
{
	static const slab_flags_t type_flags[ALTMM_NR_KMALLOC_TYPES] = {
		[ALTMM_KMALLOC_NORMAL]	= 0,
		[ALTMM_KMALLOC_RECLAIM]	= SLAB_RECLAIM_ACCOUNT,
		[ALTMM_KMALLOC_DMA]	= ALTMM_CFLGS_DMA,
	};
	struct altmm_kmem_cache *cache;

	cache = altmm_create_boot_cache(sys, kmalloc_names[type][index],
					altmm_kmalloc_size(index),
					ALTMM_CFLGS_KMALLOC | type_flags[type], boot);
	if (!cache)
		return -ENOMEM;
	sys->slab->kmalloc[type][index] = cache;
	return 0;
}

/**
 * altmm_kmalloc_init() - every kmalloc class of an instance
 * @sys: instance whose cache of caches is up
 *
 * The class that holds node lists comes first, with static node lists of
 * its own; every other class gets its node lists from it.
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int altmm_kmalloc_init(struct altmm_system *sys)
{
	static const int creation_order[] = { 3, 4, 5, 6, 1, 7, 2, 8, 9, 10, 11, 12, 13 };
	int node_index = altmm_kmalloc_index(sizeof(struct altmm_kmem_cache_node));
	int type, index, ret;
	unsigned int i;

	static_assert(ARRAY_SIZE(creation_order) == ALTMM_NR_KMALLOC_CLASSES - 1);

	ret = create_class(sys, ALTMM_KMALLOC_NORMAL, node_index,
			   sys->slab->boot_node_kmalloc);
	if (ret)
		return ret;
	sys->slab->up = 2;
	/* In 6.1's order: 96 after 64, 192 after 128. */
	for (type = 0; type < ALTMM_NR_KMALLOC_TYPES; type++) {
		for (i = 0; i < ARRAY_SIZE(creation_order); i++) {
			index = creation_order[i];
			if (type == ALTMM_KMALLOC_NORMAL && index == node_index)
				continue;
			ret = create_class(sys, type, index, NULL);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * A large kmalloc counts as unreclaimable slab memory of its node, as
 * 6.1's kmalloc_large_node() and free_large_kmalloc() count it.
 */
static void large_kmalloc_account(struct altmm_system *sys, struct page *page,
				  unsigned int order, int sign)
{
	unsigned long pfn;
	int nid;

	altmm_host_page_to_pfn(sys, page, &pfn);
	nid = altmm_zone_nid(altmm_pfn_to_zone(sys, pfn));
	atomic_long_add(sign * (long)(PAGE_SIZE << order),
			&sys->nodes[nid]->vm_stat[ALTMM_NR_SLAB_UNRECLAIMABLE_B]);
}

/**
 * altmm_sys_kmalloc() - @size bytes (kmalloc_node())
 * @sys: instance
 * @size: bytes; 0 gives ZERO_SIZE_PTR
 * @gfp: the kernel's GFP mask
 * @nid: preferred node, or NUMA_NO_NODE
 * @caller: for SLAB_STORE_USER
 *
 * Context: any context @gfp allows.
 * Return: the memory, ZERO_SIZE_PTR, or NULL.
 */
void *altmm_sys_kmalloc(struct altmm_system *sys, size_t size, gfp_t gfp,
			int nid, unsigned long caller)
{
	int index = altmm_kmalloc_index(size);
	struct altmm_kmem_cache *cache;
	struct page *page;
	void *obj;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (likely(index > 0)) {
		cache = sys->slab->kmalloc[kmalloc_kind(gfp)][index];
		obj = __altmm_cache_alloc(cache, gfp, nid, caller);
		trace_kmalloc(caller, obj, size, cache->size, gfp, nid);
		return obj;
	}

	/* Larger than any class: a compound block from the page allocator. */
	if (get_order(size) >= ALTMM_MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("%s: kmalloc(%zu) refused: larger than %lu bytes\n",
				sys->name, size, PAGE_SIZE << (ALTMM_MAX_ORDER - 1));
		return NULL;
	}
	page = altmm_sys_alloc_pages(sys, (gfp & ~__GFP_HIGHMEM) | __GFP_COMP,
				     get_order(size), nid);
	obj = page ? page_address(page) : NULL;
	trace_kmalloc(caller, obj, size, PAGE_SIZE << get_order(size), gfp, nid);
	if (page)
		large_kmalloc_account(sys, page, get_order(size), 1);
	return obj;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_kmalloc, ALTMM_INTERNAL);

/* The head descriptor of a large kmalloc block starting at @obj, or NULL. */
static struct altmm_page *large_kmalloc_head(struct altmm_system *sys,
					     const void *obj, unsigned long *pfn)
{
	struct altmm_page *d;

	if (!altmm_virt_to_pfn(sys, obj, pfn) || offset_in_page(obj))
		return NULL;
	d = altmm_pfn_to_desc(sys, *pfn);
	if (!test_bit(ALTMM_PG_alloc, &d->flags) || !test_bit(ALTMM_PG_head, &d->flags))
		return NULL;
	return d;
}

/**
 * altmm_sys_kfree() - free what altmm_sys_kmalloc() gave (kfree())
 * @sys: instance
 * @obj: the pointer, NULL or ZERO_SIZE_PTR
 * @caller: who frees
 *
 * Context: any.
 * Return: 0, or -EINVAL (reported) for a pointer that is not kmalloc
 * memory of @sys or not the start of an allocation.
 */
int altmm_sys_kfree(struct altmm_system *sys, const void *obj,
		    unsigned long caller)
{
	struct altmm_kmem_cache *cache;
	struct altmm_slab *slab;
	struct altmm_page *d;
	unsigned long pfn;

	trace_kfree(caller, obj);
	if (unlikely(ZERO_OR_NULL_PTR(obj)))
		return 0;
	cache = altmm_obj_to_cache(sys, obj, &slab);
	if (likely(cache))
		return altmm_cache_free(cache, (void *)obj, caller);
	d = large_kmalloc_head(sys, obj, &pfn);
	if (d) {
		struct page *page = altmm_pfn_to_host_page(sys, pfn);
		unsigned int order = altmm_alloc_order(d);
		int ret;

		/* Counted out before the frames can be anyone else's. */
		large_kmalloc_account(sys, page, order, -1);
		ret = altmm_sys_free_pages(sys, page, order, false);
		if (ret)
			large_kmalloc_account(sys, page, order, 1);
		return ret;
	}
	pr_err("%s: kfree(%p) by %pS refused: not memory from kmalloc\n",
	       sys->name, obj, (void *)caller);
	altmm_count_event(sys, ALTMM_MISUSE, 1);
	return -EINVAL;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_kfree, ALTMM_INTERNAL);

/**
 * altmm_sys_ksize() - the usable size of a kmalloc allocation (ksize())
 * @sys: instance
 * @obj: the pointer
 *
 * Return: the bytes usable at @obj; 0 for NULL, ZERO_SIZE_PTR or a
 * pointer altmm's kmalloc did not return.
 */
size_t altmm_sys_ksize(struct altmm_system *sys, const void *obj)
{
	struct altmm_kmem_cache *cache;
	struct altmm_slab *slab;
	struct altmm_page *d;
	unsigned long pfn;

	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	cache = altmm_obj_to_cache(sys, obj, &slab);
	if (cache)
		return cache->object_size;
	d = large_kmalloc_head(sys, obj, &pfn);
	return d ? PAGE_SIZE << altmm_alloc_order(d) : 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_ksize, ALTMM_INTERNAL);

/**
 * __altmm_sys_krealloc() - resize a kmalloc allocation (krealloc())
 * @sys: instance
 * @p: the allocation, or NULL
 * @new_size: bytes; 0 frees @p and gives ZERO_SIZE_PTR
 * @gfp: the kernel's GFP mask; __GFP_ZERO zeroes growth
 * @caller: who reallocates, for SLAB_STORE_USER
 *
 * The contents up to the smaller of the two sizes are kept; @p stays valid
 * if a larger allocation cannot be had.
 *
 * Context: any context @gfp allows.
 * Return: the allocation (possibly @p itself), ZERO_SIZE_PTR, or NULL.
 */
void *__altmm_sys_krealloc(struct altmm_system *sys, const void *p,
			   size_t new_size, gfp_t gfp, unsigned long caller)
{
	size_t ks;
	void *ret;

	if (unlikely(!new_size)) {
		altmm_sys_kfree(sys, p, caller);
		return ZERO_SIZE_PTR;
	}
	ks = altmm_sys_ksize(sys, p);
	if (ks >= new_size) {
		/* Shrinking, or growing within the slot: stay in place. */
		return (void *)p;
	}
	ret = altmm_sys_kmalloc(sys, new_size, gfp, NUMA_NO_NODE, caller);
	if (ret && ks) {
		memcpy(ret, p, ks);
		if (gfp & __GFP_ZERO)
			memset(ret + ks, 0, new_size - ks);
		altmm_sys_kfree(sys, p, caller);
	}
	return ret;
}
EXPORT_SYMBOL_NS_GPL(__altmm_sys_krealloc, ALTMM_INTERNAL);

/**
 * altmm_sys_krealloc() - __altmm_sys_krealloc() for the caller of this
 * @sys: instance
 * @p: the allocation, or NULL
 * @new_size: bytes; 0 frees @p and gives ZERO_SIZE_PTR
 * @gfp: the kernel's GFP mask
 *
 * Context: any context @gfp allows.
 * Return: as __altmm_sys_krealloc().
 */
void *altmm_sys_krealloc(struct altmm_system *sys, const void *p,
			 size_t new_size, gfp_t gfp)
{
	return __altmm_sys_krealloc(sys, p, new_size, gfp, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_krealloc, ALTMM_INTERNAL);
