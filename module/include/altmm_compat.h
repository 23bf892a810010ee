/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altmm_compat.h - run kernel code on altmm without changing it
 *
 * Include it after the kernel's headers, as the last #include of a C file:
 *
 *	#include <linux/module.h>
 *	#include <linux/slab.h>
 *	#include <linux/vmalloc.h>
 *	#include "altmm_compat.h"	(-I altmm's module/include)
 *
 * From there on the kernel's names of the page, slab, kmalloc and vmalloc
 * calls allocate from altmm (the instance altmm.ko's parameters describe),
 * and the frees give each allocation back to the allocator that made it.
 * The rest of the file is ordinary kernel code; its module needs altmm.ko
 * loaded first (modprobe finds the dependency, insmod needs it by hand).
 *
 * How: the names become macros.  Most are function-like, so that a struct
 * member of the same name that is not called (ops->free_pages = f) and a
 * declaration of the kernel's function are left alone; the frees that
 * kernel code passes around as callbacks (kfree, kvfree, vfree and
 * mempool's helpers) are object-like, so that a pointer to them is a
 * pointer to altmm's.  (A member of a mapped name that is called with
 * other arguments, dma_buf_ops' ->vmap(dmabuf, map), no longer compiles
 * after this header.)  Every name is #undef'd first, since the kernel
 * makes some of them macros (alloc_page, __get_free_page, free_page,
 * __free_page, page_address on x86-64) and its inlines of the others
 * (kmalloc, kzalloc, kcalloc, kmalloc_array, alloc_pages_node, ...) were
 * compiled against the kernel's allocator before this header was read.
 * That is why it must come last: a kernel header read after it would have
 * its inlines rewritten (and a definition of a mapped name would clash).
 * This header includes the headers that define the names it maps, so
 * those at least are always read first.
 *
 * Mapped (allocations from altmm; frees "by owner", see below):
 *
 *   pages     alloc_pages alloc_page alloc_pages_node __alloc_pages_node
 *             __get_free_pages __get_free_page __get_dma_pages
 *             get_zeroed_page alloc_pages_exact alloc_pages_bulk_array
 *             alloc_pages_bulk_array_node page_address;
 *             by owner: __free_pages __free_page free_pages free_page
 *             free_pages_exact get_page put_page __SetPageMovable
 *             __ClearPageMovable PageMovable
 *   caches    kmem_cache_create kmem_cache_create_usercopy (the usercopy
 *             window is not kept: altmm has no hardened usercopy) and so
 *             KMEM_CACHE() and KMEM_CACHE_USERCOPY();
 *             by the owner of the cache: kmem_cache_alloc
 *             kmem_cache_alloc_lru (the list_lru is not used)
 *             kmem_cache_zalloc kmem_cache_alloc_node kmem_cache_free
 *             kmem_cache_alloc_bulk kmem_cache_free_bulk kmem_cache_shrink
 *             kmem_cache_destroy kmem_cache_size
 *   kmalloc   kmalloc kzalloc kcalloc kmalloc_array kmalloc_node
 *             kzalloc_node kmalloc_array_node kcalloc_node __kmalloc
 *             __kmalloc_node __kmalloc_node_track_caller (so
 *             kmalloc_track_caller) kmalloc_large kstrdup kstrdup_const
 *             kstrndup kmemdup kmemdup_nul kasprintf kvasprintf
 *             kvasprintf_const memdup_user memdup_user_nul;
 *             by owner: krealloc krealloc_array kfree kfree_sensitive
 *             kfree_const kfree_bulk ksize, and __free(kfree)
 *   kvmalloc  kvmalloc kvzalloc kvmalloc_node kvzalloc_node kvmalloc_array
 *             kvcalloc vmemdup_user; by owner: kvrealloc kvfree
 *             kvfree_sensitive kvfree_call_rcu (so kfree_rcu, kvfree_rcu
 *             and kfree_rcu_mightsleep)
 *   vmalloc   vmalloc vzalloc vmalloc_node vzalloc_node vmalloc_array
 *             vcalloc __vmalloc __vmalloc_node (aligned; Debian's kernel
 *             does not export its own) vmalloc_huge (order-0 frames, as
 *             6.1 falls back to) vmalloc_user vmalloc_32 vmalloc_32_user
 *             vmap vm_map_ram vmalloc_to_page vmalloc_to_pfn (any
 *             address: altmm's areas answered by altmm, the rest by the
 *             kernel); by owner: vfree vunmap vm_unmap_ram
 *             remap_vmalloc_range.  "Owner" of a vmalloc address is who
 *             made the mapping, whatever pages it maps: a vmap() of the
 *             kernel's pages through this header is altmm's to vunmap(),
 *             a kernel helper's vmap() of altmm pages is the kernel's.
 *   mempool   mempool_alloc_slab mempool_free_slab mempool_kmalloc
 *             mempool_kfree mempool_alloc_pages mempool_free_pages (also
 *             as pointers) and the inlines that use them:
 *             mempool_{init,create}_{slab,kmalloc,page}_pool
 *
 * By owner: a free (or get_page/put_page, ksize, krealloc) asks altmm
 * whether the memory is its own (altmm_addr_is_altmm(),
 * altmm_page_is_altmm(); a cache by where the cache itself lives) and
 * hands anything else to the kernel's own function.  So memory the file
 * gets from unconverted kernel code (a kasprintf() in a helper,
 * kobject_get_path(), a kernel cache behind __getname()) is still freed
 * the kernel's way.  get_page() and put_page() are mapped the same way:
 * on an altmm page they take and drop altmm's reference (the one its
 * frees count), on any other page they are the kernel's.
 *
 * Not mapped, and why:
 *   - devm_*, dmam_*, dma_alloc_*: the kernel frees them itself;
 *   - folio_alloc(), __vmalloc_node_range(), vmap_pfn(), ioremap(),
 *     alloc_pages_exact_nid(), page_frag_alloc(): ranges, protections,
 *     pfn mappings altmm's API does not have; their memory is the
 *     kernel's, and the frees above give it back to the kernel;
 *   - folio_get(), folio_put(), page_ref_*(): no folios in altmm; use
 *     get_page()/put_page() on altmm pages.
 *
 * Never let an object cross to code that is not converted.  The kernel's
 * own free of altmm memory is not refused by anyone: kfree() of an altmm
 * object finds no slab folio, WARNs ("free_large_kmalloc") and puts the
 * frame into the host's free lists while it is still one of altmm's, so
 * two allocators own it and memory is corrupted later; the kernel's
 * __free_pages()/put_page() dropping the last host reference does the
 * same without the warning, and the kernel's vfree() of an altmm area
 * unmaps it under altmm's feet.  (The other way round, altmm's own
 * altmm_kfree() of kernel memory is reported and refused.)  The same
 * holds for the kernel's functions reached through a pointer taken
 * before this header, or through a mapped name used as a value where
 * the macro is function-like: &kmalloc, &put_page, &__free_pages are the
 * kernel's.  Kernel inlines read before this header keep the kernel's
 * allocator, e.g. skb and dev_alloc_pages() helpers.
 *
 * kfree_rcu() and kvfree_rcu() of altmm memory run altmm's code after the
 * grace period (api_compat.c): altmm's teardown has to wait for those
 * callbacks (rcu_barrier()) before its vmalloc and slab layers go.
 */
#ifndef _ALTMM_COMPAT_H
#define _ALTMM_COMPAT_H

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mempool.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "altmm.h"

/*
 * The helpers below are defined before any name is mapped (the block at
 * the end), so the kernel's names inside them are the kernel's functions.
 */

/* === Pages === */

static __always_inline void altmm_compat___free_pages(struct page *page,
						      unsigned int order)
{
	if (altmm_page_is_altmm(page))
		__altmm_free_pages(page, order);
	else
		__free_pages(page, order);
}

static __always_inline void altmm_compat_free_pages(unsigned long addr,
						    unsigned int order)
{
	if (addr && altmm_addr_is_altmm((void *)addr))
		altmm_free_pages(addr, order);
	else
		free_pages(addr, order);
}

static __always_inline void altmm_compat_free_pages_exact(void *virt, size_t size)
{
	if (altmm_addr_is_altmm(virt))
		altmm_free_pages_exact(virt, size);
	else
		free_pages_exact(virt, size);
}

static __always_inline void altmm_compat_get_page(struct page *page)
{
	if (altmm_page_is_altmm(page))
		altmm_get_page(page);
	else
		get_page(page);
}

static __always_inline void altmm_compat_put_page(struct page *page)
{
	if (altmm_page_is_altmm(page))
		altmm_put_page(page);
	else
		put_page(page);
}

static __always_inline void
altmm_compat___SetPageMovable(struct page *page, const struct movable_operations *mops)
{
	if (altmm_page_is_altmm(page))
		altmm_set_page_movable(page, mops);
	else
		__SetPageMovable(page, mops);
}

static __always_inline void altmm_compat___ClearPageMovable(struct page *page)
{
	if (altmm_page_is_altmm(page))
		altmm_clear_page_movable(page);
	else
		__ClearPageMovable(page);
}

static __always_inline bool altmm_compat_PageMovable(struct page *page)
{
	if (altmm_page_is_altmm(page))
		return altmm_page_movable(page);
	return PageMovable(page);
}

/* === Slab caches === */

/* Caches altmm made are objects of its cache of caches, in its memory. */
static __always_inline bool altmm_compat_cache(struct kmem_cache *s)
{
	return altmm_addr_is_altmm(s);
}

static __always_inline void *
altmm_compat_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	if (altmm_compat_cache(s))
		return altmm_kmem_cache_alloc(s, gfp);
	return kmem_cache_alloc(s, gfp);
}

static __always_inline void *
altmm_compat_kmem_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru, gfp_t gfp)
{
	if (altmm_compat_cache(s))
		return altmm_kmem_cache_alloc(s, gfp);
	return kmem_cache_alloc_lru(s, lru, gfp);
}

static __always_inline void *
altmm_compat_kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	if (altmm_compat_cache(s))
		return altmm_kmem_cache_zalloc(s, gfp);
	return kmem_cache_zalloc(s, gfp);
}

static __always_inline void *
altmm_compat_kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid)
{
	if (altmm_compat_cache(s))
		return altmm_kmem_cache_alloc_node(s, gfp, nid);
	return kmem_cache_alloc_node(s, gfp, nid);
}

static __always_inline void
altmm_compat_kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (altmm_compat_cache(s))
		altmm_kmem_cache_free(s, obj);
	else
		kmem_cache_free(s, obj);
}

static __always_inline int
altmm_compat_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p)
{
	if (altmm_compat_cache(s))
		return altmm_kmem_cache_alloc_bulk(s, gfp, nr, p);
	return kmem_cache_alloc_bulk(s, gfp, nr, p);
}

static __always_inline void altmm_compat_kfree(const void *p);

static __always_inline void
altmm_compat_kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p)
{
	size_t i;

	if (altmm_compat_cache(s)) {
		altmm_kmem_cache_free_bulk(s, nr, p);
	} else if (!s) {
		/* kfree_bulk(): kmalloc objects, each to its owner */
		for (i = 0; i < nr; i++)
			altmm_compat_kfree(p[i]);
	} else {
		kmem_cache_free_bulk(s, nr, p);
	}
}

static __always_inline int altmm_compat_kmem_cache_shrink(struct kmem_cache *s)
{
	if (altmm_compat_cache(s))
		return altmm_kmem_cache_shrink(s);
	return kmem_cache_shrink(s);
}

static __always_inline void altmm_compat_kmem_cache_destroy(struct kmem_cache *s)
{
	if (altmm_compat_cache(s))
		altmm_kmem_cache_destroy(s);
	else
		kmem_cache_destroy(s);
}

static __always_inline unsigned int altmm_compat_kmem_cache_size(struct kmem_cache *s)
{
	if (altmm_compat_cache(s))
		return altmm_kmem_cache_size(s);
	return kmem_cache_size(s);
}

/* === kmalloc === */

static __always_inline void altmm_compat_kfree(const void *p)
{
	if (altmm_addr_is_altmm(p))
		altmm_kfree(p);
	else
		kfree(p);
}

static __always_inline size_t altmm_compat_ksize(const void *p)
{
	if (altmm_addr_is_altmm(p))
		return altmm_ksize(p);
	return ksize(p);
}

/* NULL and ZERO_SIZE_PTR start a new allocation, from altmm. */
static __always_inline void *altmm_compat_krealloc(const void *p, size_t new_size,
						   gfp_t gfp)
{
	if (ZERO_OR_NULL_PTR(p) || altmm_addr_is_altmm(p))
		return altmm_krealloc(p, new_size, gfp);
	return krealloc(p, new_size, gfp);
}

static __always_inline void *altmm_compat_krealloc_array(void *p, size_t new_n,
							 size_t new_size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(new_n, new_size, &bytes)))
		return NULL;
	return altmm_compat_krealloc(p, bytes, gfp);
}

static __always_inline void altmm_compat_kfree_sensitive(const void *p)
{
	if (altmm_addr_is_altmm(p)) {
		memzero_explicit((void *)p, altmm_ksize(p));
		altmm_kfree(p);
	} else {
		kfree_sensitive(p);
	}
}

static __always_inline void altmm_compat_kfree_const(const void *p)
{
	if (altmm_addr_is_altmm(p))
		altmm_kfree(p);
	else
		kfree_const(p);
}

static __always_inline void altmm_compat_kfree_bulk(size_t nr, void **p)
{
	altmm_compat_kmem_cache_free_bulk(NULL, nr, p);
}

/* What __free(kfree) calls at the end of the scope (DEFINE_FREE in slab.h). */
static __always_inline void altmm_compat___free_kfree(void *p)
{
	void *obj = *(void **)p;

	if (!IS_ERR_OR_NULL(obj))
		altmm_compat_kfree(obj);
}

static __always_inline void *altmm_compat_kmalloc_array_node(size_t n, size_t size,
							     gfp_t gfp, int nid)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return altmm_kmalloc_node(bytes, gfp, nid);
}

/* === kvmalloc === */

static __always_inline void *altmm_compat_kvmalloc_array(size_t n, size_t size,
							 gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return altmm_kvmalloc_node(bytes, gfp, NUMA_NO_NODE);
}

static __always_inline void altmm_compat_kvfree(const void *p)
{
	if (altmm_addr_is_altmm(p))
		altmm_kvfree(p);
	else
		kvfree(p);
}

static __always_inline void altmm_compat_kvfree_sensitive(const void *p, size_t len)
{
	if (!ZERO_OR_NULL_PTR(p)) {
		memzero_explicit((void *)p, len);
		altmm_compat_kvfree(p);
	}
}

/* As 6.1's kvrealloc(): the new memory is altmm's whoever owned @p. */
static __always_inline void *altmm_compat_kvrealloc(const void *p, size_t oldsize,
						    size_t newsize, gfp_t gfp)
{
	void *newp;

	if (oldsize >= newsize)
		return (void *)p;
	newp = altmm_kvmalloc_node(newsize, gfp, NUMA_NO_NODE);
	if (!newp)
		return NULL;
	memcpy(newp, p, oldsize);
	altmm_compat_kvfree(p);
	return newp;
}

/* === vmalloc === */

static __always_inline void *altmm_compat_vmalloc_array(size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return altmm_vmalloc(bytes);
}

static __always_inline void *altmm_compat_vcalloc(size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return altmm_vzalloc(bytes);
}

static __always_inline void altmm_compat_vfree(const void *p)
{
	if (altmm_addr_is_altmm(p))
		altmm_vfree(p);
	else
		vfree(p);
}

static __always_inline void altmm_compat_vunmap(const void *addr)
{
	if (altmm_addr_is_altmm(addr))
		altmm_vunmap(addr);
	else
		vunmap(addr);
}

static __always_inline void altmm_compat_vm_unmap_ram(const void *mem,
						      unsigned int count)
{
	if (altmm_addr_is_altmm(mem))
		altmm_vm_unmap_ram(mem, count);
	else
		vm_unmap_ram(mem, count);
}

static __always_inline int
altmm_compat_remap_vmalloc_range(struct vm_area_struct *vma, void *addr,
				 unsigned long pgoff)
{
	if (altmm_addr_is_altmm(addr))
		return altmm_remap_vmalloc_range(vma, addr, pgoff);
	return remap_vmalloc_range(vma, addr, pgoff);
}

/* === mempool === */

static inline void *altmm_compat_mempool_alloc_slab(gfp_t gfp, void *pool_data)
{
	return altmm_compat_kmem_cache_alloc(pool_data, gfp);
}

static inline void altmm_compat_mempool_free_slab(void *element, void *pool_data)
{
	altmm_compat_kmem_cache_free(pool_data, element);
}

static inline void *altmm_compat_mempool_kmalloc(gfp_t gfp, void *pool_data)
{
	return altmm_kmalloc((size_t)pool_data, gfp);
}

static inline void altmm_compat_mempool_kfree(void *element, void *pool_data)
{
	altmm_compat_kfree(element);
}

static inline void *altmm_compat_mempool_alloc_pages(gfp_t gfp, void *pool_data)
{
	return altmm_alloc_pages(gfp, (int)(long)pool_data);
}

static inline void altmm_compat_mempool_free_pages(void *element, void *pool_data)
{
	altmm_compat___free_pages(element, (int)(long)pool_data);
}

static inline int altmm_compat_mempool_init_slab_pool(mempool_t *pool, int min_nr,
						      struct kmem_cache *kc)
{
	return mempool_init(pool, min_nr, altmm_compat_mempool_alloc_slab,
			    altmm_compat_mempool_free_slab, kc);
}

static inline mempool_t *altmm_compat_mempool_create_slab_pool(int min_nr,
							       struct kmem_cache *kc)
{
	return mempool_create(min_nr, altmm_compat_mempool_alloc_slab,
			      altmm_compat_mempool_free_slab, kc);
}

static inline int altmm_compat_mempool_init_kmalloc_pool(mempool_t *pool, int min_nr,
							 size_t size)
{
	return mempool_init(pool, min_nr, altmm_compat_mempool_kmalloc,
			    altmm_compat_mempool_kfree, (void *)size);
}

static inline mempool_t *altmm_compat_mempool_create_kmalloc_pool(int min_nr,
								  size_t size)
{
	return mempool_create(min_nr, altmm_compat_mempool_kmalloc,
			      altmm_compat_mempool_kfree, (void *)size);
}

static inline int altmm_compat_mempool_init_page_pool(mempool_t *pool, int min_nr,
						      int order)
{
	return mempool_init(pool, min_nr, altmm_compat_mempool_alloc_pages,
			    altmm_compat_mempool_free_pages, (void *)(long)order);
}

static inline mempool_t *altmm_compat_mempool_create_page_pool(int min_nr, int order)
{
	return mempool_create(min_nr, altmm_compat_mempool_alloc_pages,
			      altmm_compat_mempool_free_pages, (void *)(long)order);
}

/* === The names === */

/* pages */
#undef alloc_pages
#define alloc_pages(gfp, order)		altmm_alloc_pages(gfp, order)
#undef alloc_page
#define alloc_page(gfp)			altmm_alloc_pages(gfp, 0)
#undef alloc_pages_node
#define alloc_pages_node(nid, gfp, order) altmm_alloc_pages_node(nid, gfp, order)
#undef __alloc_pages_node
#define __alloc_pages_node(nid, gfp, order) altmm_alloc_pages_node(nid, gfp, order)
#undef __get_free_pages
#define __get_free_pages(gfp, order)	__altmm_get_free_pages(gfp, order)
#undef __get_free_page
#define __get_free_page(gfp)		__altmm_get_free_pages(gfp, 0)
#undef __get_dma_pages
#define __get_dma_pages(gfp, order)	__altmm_get_free_pages((gfp) | GFP_DMA, order)
#undef get_zeroed_page
#define get_zeroed_page(gfp)		altmm_get_zeroed_page(gfp)
#undef alloc_pages_exact
#define alloc_pages_exact(size, gfp)	altmm_alloc_pages_exact(size, gfp)
#undef alloc_pages_bulk_array
#define alloc_pages_bulk_array(gfp, nr, array) \
	altmm_alloc_pages_bulk_array(gfp, nr, array)
#undef alloc_pages_bulk_array_node
#define alloc_pages_bulk_array_node(gfp, nid, nr, array) \
	altmm_alloc_pages_bulk_array_node(gfp, nid, nr, array)
#undef page_address
#define page_address(page)		altmm_page_address(page)
#undef __free_pages
#define __free_pages(page, order)	altmm_compat___free_pages(page, order)
#undef __free_page
#define __free_page(page)		altmm_compat___free_pages(page, 0)
#undef free_pages
#define free_pages(addr, order)		altmm_compat_free_pages(addr, order)
#undef free_page
#define free_page(addr)			altmm_compat_free_pages(addr, 0)
#undef free_pages_exact
#define free_pages_exact(virt, size)	altmm_compat_free_pages_exact(virt, size)
#undef get_page
#define get_page(page)			altmm_compat_get_page(page)
#undef put_page
#define put_page(page)			altmm_compat_put_page(page)
#define __SetPageMovable(page, mops)	altmm_compat___SetPageMovable(page, mops)
#define __ClearPageMovable(page)	altmm_compat___ClearPageMovable(page)
#define PageMovable(page)		altmm_compat_PageMovable(page)

/* slab caches */
#undef kmem_cache_create
#define kmem_cache_create(name, size, align, flags, ctor) \
	altmm_kmem_cache_create(name, size, align, flags, ctor)
#undef kmem_cache_create_usercopy
#define kmem_cache_create_usercopy(name, size, align, flags, useroffset, usersize, ctor) \
	altmm_kmem_cache_create(name, size, align, flags, ctor)
#undef kmem_cache_alloc
#define kmem_cache_alloc(s, gfp)	altmm_compat_kmem_cache_alloc(s, gfp)
#undef kmem_cache_alloc_lru
#define kmem_cache_alloc_lru(s, lru, gfp) altmm_compat_kmem_cache_alloc_lru(s, lru, gfp)
#undef kmem_cache_zalloc
#define kmem_cache_zalloc(s, gfp)	altmm_compat_kmem_cache_zalloc(s, gfp)
#undef kmem_cache_alloc_node
#define kmem_cache_alloc_node(s, gfp, nid) altmm_compat_kmem_cache_alloc_node(s, gfp, nid)
#undef kmem_cache_free
#define kmem_cache_free(s, obj)		altmm_compat_kmem_cache_free(s, obj)
#undef kmem_cache_alloc_bulk
#define kmem_cache_alloc_bulk(s, gfp, nr, p) altmm_compat_kmem_cache_alloc_bulk(s, gfp, nr, p)
#undef kmem_cache_free_bulk
#define kmem_cache_free_bulk(s, nr, p)	altmm_compat_kmem_cache_free_bulk(s, nr, p)
#undef kmem_cache_shrink
#define kmem_cache_shrink(s)		altmm_compat_kmem_cache_shrink(s)
#undef kmem_cache_destroy
#define kmem_cache_destroy(s)		altmm_compat_kmem_cache_destroy(s)
#undef kmem_cache_size
#define kmem_cache_size(s)		altmm_compat_kmem_cache_size(s)

/* kmalloc */
#undef kmalloc
#define kmalloc(size, gfp)		altmm_kmalloc(size, gfp)
#undef kzalloc
#define kzalloc(size, gfp)		altmm_kzalloc(size, gfp)
#undef kcalloc
#define kcalloc(n, size, gfp)		altmm_kcalloc(n, size, gfp)
#undef kmalloc_array
#define kmalloc_array(n, size, gfp)	altmm_kmalloc_array(n, size, gfp)
#undef kmalloc_node
#define kmalloc_node(size, gfp, nid)	altmm_kmalloc_node(size, gfp, nid)
#undef kzalloc_node
#define kzalloc_node(size, gfp, nid)	altmm_kzalloc_node(size, gfp, nid)
#undef kmalloc_array_node
#define kmalloc_array_node(n, size, gfp, nid) \
	altmm_compat_kmalloc_array_node(n, size, gfp, nid)
#undef kcalloc_node
#define kcalloc_node(n, size, gfp, nid) \
	altmm_compat_kmalloc_array_node(n, size, (gfp) | __GFP_ZERO, nid)
#undef __kmalloc
#define __kmalloc(size, gfp)		altmm_kmalloc(size, gfp)
#undef __kmalloc_node
#define __kmalloc_node(size, gfp, nid)	altmm_kmalloc_node(size, gfp, nid)
#undef __kmalloc_node_track_caller
#define __kmalloc_node_track_caller(size, gfp, nid, caller) \
	altmm_kmalloc_node(size, gfp, nid)
#undef kmalloc_large
#define kmalloc_large(size, gfp)	altmm_kmalloc(size, gfp)
#undef krealloc
#define krealloc(p, new_size, gfp)	altmm_compat_krealloc(p, new_size, gfp)
#undef krealloc_array
#define krealloc_array(p, new_n, new_size, gfp) \
	altmm_compat_krealloc_array(p, new_n, new_size, gfp)
#undef kfree
#define kfree				altmm_compat_kfree
#undef kfree_sensitive
#define kfree_sensitive(p)		altmm_compat_kfree_sensitive(p)
#undef kfree_const
#define kfree_const(p)			altmm_compat_kfree_const(p)
#undef kfree_bulk
#define kfree_bulk(nr, p)		altmm_compat_kfree_bulk(nr, p)
#undef __free_kfree
#define __free_kfree			altmm_compat___free_kfree
#undef ksize
#define ksize(p)			altmm_compat_ksize(p)
#undef kstrdup
#define kstrdup(s, gfp)			altmm_kstrdup(s, gfp)
#undef kstrdup_const
#define kstrdup_const(s, gfp)		((const char *)altmm_kstrdup(s, gfp))
#undef kstrndup
#define kstrndup(s, max, gfp)		altmm_kstrndup(s, max, gfp)
#undef kmemdup
#define kmemdup(src, len, gfp)		altmm_kmemdup(src, len, gfp)
#undef kmemdup_nul
#define kmemdup_nul(s, len, gfp)	altmm_kmemdup_nul(s, len, gfp)
#undef kasprintf
#define kasprintf(gfp, fmt, ...)	altmm_kasprintf(gfp, fmt, ##__VA_ARGS__)
#undef kvasprintf
#define kvasprintf(gfp, fmt, ap)	altmm_kvasprintf(gfp, fmt, ap)
#undef kvasprintf_const
#define kvasprintf_const(gfp, fmt, ap)	((const char *)altmm_kvasprintf(gfp, fmt, ap))
#undef memdup_user
#define memdup_user(src, len)		altmm_memdup_user(src, len)
#undef memdup_user_nul
#define memdup_user_nul(src, len)	altmm_memdup_user_nul(src, len)

/* kvmalloc */
#undef kvmalloc
#define kvmalloc(size, gfp)		altmm_kvmalloc_node(size, gfp, NUMA_NO_NODE)
#undef kvzalloc
#define kvzalloc(size, gfp)		altmm_kvmalloc_node(size, (gfp) | __GFP_ZERO, NUMA_NO_NODE)
#undef kvmalloc_node
#define kvmalloc_node(size, gfp, nid)	altmm_kvmalloc_node(size, gfp, nid)
#undef kvzalloc_node
#define kvzalloc_node(size, gfp, nid)	altmm_kvmalloc_node(size, (gfp) | __GFP_ZERO, nid)
#undef kvmalloc_array
#define kvmalloc_array(n, size, gfp)	altmm_compat_kvmalloc_array(n, size, gfp)
#undef kvcalloc
#define kvcalloc(n, size, gfp)		altmm_compat_kvmalloc_array(n, size, (gfp) | __GFP_ZERO)
#undef vmemdup_user
#define vmemdup_user(src, len)		altmm_vmemdup_user(src, len)
#undef kvrealloc
#define kvrealloc(p, oldsize, newsize, gfp) altmm_compat_kvrealloc(p, oldsize, newsize, gfp)
#undef kvfree
#define kvfree				altmm_compat_kvfree
#undef kvfree_sensitive
#define kvfree_sensitive(p, len)	altmm_compat_kvfree_sensitive(p, len)
#undef kvfree_call_rcu
#define kvfree_call_rcu(head, func)	altmm_kvfree_call_rcu(head, func)

/* vmalloc */
#undef vmalloc
#define vmalloc(size)			altmm_vmalloc(size)
#undef vzalloc
#define vzalloc(size)			altmm_vzalloc(size)
#undef vmalloc_node
#define vmalloc_node(size, nid)		altmm_vmalloc_node(size, nid)
#undef vzalloc_node
#define vzalloc_node(size, nid)		altmm_vzalloc_node(size, nid)
#undef vmalloc_array
#define vmalloc_array(n, size)		altmm_compat_vmalloc_array(n, size)
#undef vcalloc
#define vcalloc(n, size)		altmm_compat_vcalloc(n, size)
#undef vfree
#define vfree				altmm_compat_vfree
#undef __vmalloc
#define __vmalloc(size, gfp)		__altmm_vmalloc(size, gfp)
#undef __vmalloc_node
#define __vmalloc_node(size, align, gfp, nid, caller) \
	__altmm_vmalloc_node(size, align, gfp, nid, caller)
#undef vmalloc_huge
#define vmalloc_huge(size, gfp)		__altmm_vmalloc(size, gfp)
#undef vmalloc_user
#define vmalloc_user(size)		altmm_vmalloc_user(size)
#undef vmalloc_32
#define vmalloc_32(size)		altmm_vmalloc_32(size)
#undef vmalloc_32_user
#define vmalloc_32_user(size)		altmm_vmalloc_32_user(size)
#undef remap_vmalloc_range
#define remap_vmalloc_range(vma, addr, pgoff) \
	altmm_compat_remap_vmalloc_range(vma, addr, pgoff)
#undef vmap
#define vmap(pages, count, flags, prot)	altmm_vmap(pages, count, flags, prot)
#undef vunmap
#define vunmap(addr)			altmm_compat_vunmap(addr)
#undef vm_map_ram
#define vm_map_ram(pages, count, nid)	altmm_vm_map_ram(pages, count, nid)
#undef vm_unmap_ram
#define vm_unmap_ram(mem, count)	altmm_compat_vm_unmap_ram(mem, count)
#undef vmalloc_to_page
#define vmalloc_to_page(addr)		altmm_vmalloc_to_page(addr)
#undef vmalloc_to_pfn
#define vmalloc_to_pfn(addr)		altmm_vmalloc_to_pfn(addr)

/* mempool */
#undef mempool_alloc_slab
#define mempool_alloc_slab		altmm_compat_mempool_alloc_slab
#undef mempool_free_slab
#define mempool_free_slab		altmm_compat_mempool_free_slab
#undef mempool_kmalloc
#define mempool_kmalloc			altmm_compat_mempool_kmalloc
#undef mempool_kfree
#define mempool_kfree			altmm_compat_mempool_kfree
#undef mempool_alloc_pages
#define mempool_alloc_pages		altmm_compat_mempool_alloc_pages
#undef mempool_free_pages
#define mempool_free_pages		altmm_compat_mempool_free_pages
#undef mempool_init_slab_pool
#define mempool_init_slab_pool(pool, min_nr, kc) \
	altmm_compat_mempool_init_slab_pool(pool, min_nr, kc)
#undef mempool_create_slab_pool
#define mempool_create_slab_pool(min_nr, kc) \
	altmm_compat_mempool_create_slab_pool(min_nr, kc)
#undef mempool_init_kmalloc_pool
#define mempool_init_kmalloc_pool(pool, min_nr, size) \
	altmm_compat_mempool_init_kmalloc_pool(pool, min_nr, size)
#undef mempool_create_kmalloc_pool
#define mempool_create_kmalloc_pool(min_nr, size) \
	altmm_compat_mempool_create_kmalloc_pool(min_nr, size)
#undef mempool_init_page_pool
#define mempool_init_page_pool(pool, min_nr, order) \
	altmm_compat_mempool_init_page_pool(pool, min_nr, order)
#undef mempool_create_page_pool
#define mempool_create_page_pool(min_nr, order) \
	altmm_compat_mempool_create_page_pool(min_nr, order)

#endif /* _ALTMM_COMPAT_H */
