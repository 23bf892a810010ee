/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altmm public interface: the kernel's page-allocator calls, with an
 * altmm_ prefix and the kernel's semantics, served by the instance that
 * altmm.ko's parameters describe.
 *
 * Pages returned are the host's own struct pages of arena frames, so the
 * rest of the kernel can use them (page_address(), sg lists, kmap); they
 * must come back through these calls, never through __free_pages().
 * GFP masks are the kernel's own: zone modifiers pick the highest zone
 * and, walked through per-node zonelists, the fallback order; action
 * modifiers behave as in 6.1 (see README.md for where altmm differs).
 * A kernel page whose owner can move it is marked as 6.1's
 * __SetPageMovable() marks one, so that compaction and memory offline
 * can move it.
 *
 * Freeing a page altmm does not own, a double free, a wrong order or a
 * tail page is reported in the kernel log (rate-limited) and refused;
 * altmm stays consistent.
 */
#ifndef _ALTMM_H
#define _ALTMM_H

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/stdarg.h>
#include <linux/types.h>

/* Frames are 4 KiB; a section is 4 MiB, the host chunk behind it. */
#define ALTMM_SECTION_SIZE	(4UL << 20)

/* === Pages === */

struct page *altmm_alloc_pages(gfp_t gfp, unsigned int order);
struct page *altmm_alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
unsigned long __altmm_get_free_pages(gfp_t gfp, unsigned int order);
unsigned long altmm_get_zeroed_page(gfp_t gfp);
void __altmm_free_pages(struct page *page, unsigned int order);
void altmm_free_pages(unsigned long addr, unsigned int order);
void *altmm_alloc_pages_exact(size_t size, gfp_t gfp);
void altmm_free_pages_exact(void *virt, size_t size);
unsigned long altmm_alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages,
					   struct page **page_array);
unsigned long altmm_alloc_pages_bulk_array_node(gfp_t gfp, int nid,
						unsigned long nr_pages,
						struct page **page_array);
void altmm_get_page(struct page *page);
void altmm_put_page(struct page *page);

struct movable_operations;

int altmm_set_page_movable(struct page *page, const struct movable_operations *mops);
int altmm_clear_page_movable(struct page *page);
bool altmm_page_movable(const struct page *page);

#define __altmm_get_free_page(gfp)	__altmm_get_free_pages((gfp), 0)
#define __altmm_free_page(page)		__altmm_free_pages((page), 0)
#define altmm_free_page(addr)		altmm_free_pages((addr), 0)

/* === Queries === */

bool altmm_page_is_altmm(const struct page *page);
void *altmm_page_address(const struct page *page);
int altmm_page_to_nid(const struct page *page);
int altmm_page_zonenum(const struct page *page);
const char *altmm_page_zone_name(const struct page *page);
int altmm_num_nodes(void);

/* === Slab caches and kmalloc === */

struct kmem_cache;

struct kmem_cache *altmm_kmem_cache_create(const char *name, unsigned int size,
					   unsigned int align, slab_flags_t flags,
					   void (*ctor)(void *));
void altmm_kmem_cache_destroy(struct kmem_cache *s);
void *altmm_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void *altmm_kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid);
void *altmm_kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp);
void altmm_kmem_cache_free(struct kmem_cache *s, void *obj);
int altmm_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p);
void altmm_kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p);
int altmm_kmem_cache_shrink(struct kmem_cache *s);

void *altmm_kmalloc(size_t size, gfp_t gfp);
void *altmm_kmalloc_node(size_t size, gfp_t gfp, int nid);
void *altmm_kzalloc(size_t size, gfp_t gfp);
void *altmm_kzalloc_node(size_t size, gfp_t gfp, int nid);
void *altmm_kmalloc_array(size_t n, size_t size, gfp_t gfp);
void *altmm_kcalloc(size_t n, size_t size, gfp_t gfp);
void *altmm_krealloc(const void *p, size_t new_size, gfp_t gfp);
void altmm_kfree(const void *p);
size_t altmm_ksize(const void *p);

/*
 * === vmalloc ===
 *
 * The vmalloc family on altmm frames, each with 6.1's semantics (the
 * kernel-doc is at the definitions in vmalloc.c): an area is mapped by
 * the host's vmap() and every one, vmap() and vm_map_ram() of pages the
 * caller brings included, is in the instance's vmallocinfo.  Each area
 * has one free: vfree() for what altmm allocated (and vmap() with
 * VM_MAP_PUT_PAGES), vunmap() for vmap(), vm_unmap_ram() for
 * vm_map_ram(); the wrong one is reported and refused.
 */

struct vm_area_struct;

void *altmm_vmalloc(unsigned long size);
void *altmm_vzalloc(unsigned long size);
void *altmm_vmalloc_node(unsigned long size, int node);
void *__altmm_vmalloc(unsigned long size, gfp_t gfp);
void *__altmm_vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp,
			   int node, const void *caller);
void *altmm_vmalloc_user(unsigned long size);
void *altmm_vmalloc_32(unsigned long size);
void *altmm_vmalloc_32_user(unsigned long size);
void altmm_vfree(const void *addr);
int altmm_remap_vmalloc_range(struct vm_area_struct *vma, void *addr,
			      unsigned long pgoff);
void *altmm_vmap(struct page **pages, unsigned int count, unsigned long flags,
		 pgprot_t prot);
void altmm_vunmap(const void *addr);
void *altmm_vm_map_ram(struct page **pages, unsigned int count, int node);
void altmm_vm_unmap_ram(const void *mem, unsigned int count);
struct page *altmm_vmalloc_to_page(const void *addr);
unsigned long altmm_vmalloc_to_pfn(const void *addr);

/* === What altmm_compat.h needs beyond the above (api_compat.c) === */

bool altmm_addr_is_altmm(const void *addr);
void *altmm_kvmalloc_node(size_t size, gfp_t gfp, int nid);
void altmm_kvfree(const void *p);
void altmm_kvfree_call_rcu(struct rcu_head *head, rcu_callback_t func);
unsigned int altmm_kmem_cache_size(struct kmem_cache *s);
void *altmm_kmemdup(const void *src, size_t len, gfp_t gfp);
char *altmm_kmemdup_nul(const char *s, size_t len, gfp_t gfp);
char *altmm_kstrdup(const char *s, gfp_t gfp);
char *altmm_kstrndup(const char *s, size_t max, gfp_t gfp);
__printf(2, 0) char *altmm_kvasprintf(gfp_t gfp, const char *fmt, va_list ap);
__printf(2, 3) char *altmm_kasprintf(gfp_t gfp, const char *fmt, ...);
void *altmm_memdup_user(const void __user *src, size_t len);
void *altmm_memdup_user_nul(const void __user *src, size_t len);
void *altmm_vmemdup_user(const void __user *src, size_t len);
void *altmm_vzalloc_node(unsigned long size, int node);

/* === Shrinkers === */

/**
 * struct altmm_shrink_control - what a shrinker is asked to do
 * @nid: the node under pressure
 * @nr_to_scan: how much to free, in frames
 * @nr_scanned: set by the shrinker: how much it looked at
 * @gfp_mask: the allocation that is reclaiming
 */
struct altmm_shrink_control {
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
	gfp_t gfp_mask;
};

/**
 * struct altmm_shrinker - something that can give frames back under pressure
 * @count: frames it could free now on @sc->nid
 * @scan: free up to @sc->nr_to_scan frames; return how many were freed
 * @name: for the log and debugfs
 * @list: on &altmm_system.shrinkers
 * @private: the owner's
 */
struct altmm_shrinker {
	unsigned long (*count)(struct altmm_shrinker *s,
			       struct altmm_shrink_control *sc);
	unsigned long (*scan)(struct altmm_shrinker *s,
			      struct altmm_shrink_control *sc);
	const char *name;
	struct list_head list;
	void *private;
};

int altmm_register_shrinker(struct altmm_shrinker *s);
void altmm_unregister_shrinker(struct altmm_shrinker *s);

#endif /* _ALTMM_H */
