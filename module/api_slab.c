// SPDX-License-Identifier: GPL-2.0
/*
 * The exported slab and kmalloc API: the kernel's calls with an altmm_
 * prefix, on the default instance.  A cache is handed out as the kernel's
 * own opaque struct kmem_cache pointer, so code written for the kernel's
 * API holds it unchanged; only altmm ever looks inside.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "altmm_trace.h"
#include "mmzone.h"
#include "slab.h"

static struct altmm_kmem_cache *to_altmm(struct kmem_cache *s)
{
	return (struct altmm_kmem_cache *)s;
}

/**
 * altmm_kmem_cache_create() - a new cache (kmem_cache_create())
 * @name: shown in slabinfo
 * @size: object size
 * @align: minimum alignment, 0 for the default
 * @flags: SLAB_* (see altmm_sys_cache_create())
 * @ctor: constructor, or NULL
 *
 * Context: process context.
 * Return: the cache, or NULL.
 */
struct kmem_cache *altmm_kmem_cache_create(const char *name, unsigned int size,
					   unsigned int align, slab_flags_t flags,
					   void (*ctor)(void *))
{
	return (struct kmem_cache *)altmm_sys_cache_create(altmm_default_sys, name,
							   size, align, flags, ctor);
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_create);

/**
 * altmm_kmem_cache_destroy() - destroy a cache (kmem_cache_destroy())
 * @s: the cache, or NULL
 *
 * Objects still allocated are reported and their slabs kept.
 *
 * Context: process context.
 */
void altmm_kmem_cache_destroy(struct kmem_cache *s)
{
	altmm_sys_cache_destroy(to_altmm(s));
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_destroy);

/* An object, and the kmem_cache_alloc event whether it was had or not. */
static void *traced_alloc(struct altmm_kmem_cache *cache, gfp_t gfp, int nid,
			  unsigned long caller)
{
	void *obj = __altmm_cache_alloc(cache, gfp, nid, caller);

	trace_kmem_cache_alloc(caller, obj, cache->object_size, cache->size, gfp, nid);
	return obj;
}

/**
 * altmm_kmem_cache_alloc() - an object (kmem_cache_alloc())
 * @s: the cache
 * @gfp: the kernel's GFP mask
 *
 * Return: the object, or NULL.
 */
void *altmm_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return traced_alloc(to_altmm(s), gfp, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_alloc);

/**
 * altmm_kmem_cache_alloc_node() - an object on a node (kmem_cache_alloc_node())
 * @s: the cache
 * @gfp: the kernel's GFP mask
 * @nid: the node, or NUMA_NO_NODE
 *
 * Return: the object, or NULL.
 */
void *altmm_kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid)
{
	return traced_alloc(to_altmm(s), gfp, nid, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_alloc_node);

/**
 * altmm_kmem_cache_zalloc() - a zeroed object (kmem_cache_zalloc())
 * @s: the cache
 * @gfp: the kernel's GFP mask
 *
 * Return: the object, or NULL.
 */
void *altmm_kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return traced_alloc(to_altmm(s), gfp | __GFP_ZERO, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_zalloc);

/**
 * altmm_kmem_cache_free() - give an object back (kmem_cache_free())
 * @s: its cache
 * @obj: the object, or NULL
 *
 * Context: any.
 */
void altmm_kmem_cache_free(struct kmem_cache *s, void *obj)
{
	trace_kmem_cache_free(_RET_IP_, obj, to_altmm(s)->name);
	altmm_cache_free(to_altmm(s), obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_free);

/**
 * altmm_kmem_cache_alloc_bulk() - @nr objects or none (kmem_cache_alloc_bulk())
 * @s: the cache
 * @gfp: the kernel's GFP mask
 * @nr: how many
 * @p: where they go
 *
 * Return: @nr, or 0 with nothing allocated.
 */
int altmm_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p)
{
	return __altmm_cache_alloc_bulk(to_altmm(s), gfp, nr, p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_alloc_bulk);

/**
 * altmm_kmem_cache_free_bulk() - free an array of objects (kmem_cache_free_bulk())
 * @s: their cache
 * @nr: how many
 * @p: the objects
 */
void altmm_kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p)
{
	__altmm_cache_free_bulk(to_altmm(s), nr, p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_free_bulk);

/**
 * altmm_kmem_cache_shrink() - free a cache's empty slabs (kmem_cache_shrink())
 * @s: the cache
 *
 * Context: process context.
 * Return: 0, as the kernel's does.
 */
int altmm_kmem_cache_shrink(struct kmem_cache *s)
{
	altmm_cache_shrink(to_altmm(s));
	return 0;
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_shrink);

/**
 * altmm_kmalloc_node() - bytes on a node (kmalloc_node())
 * @size: bytes
 * @gfp: the kernel's GFP mask
 * @nid: the node, or NUMA_NO_NODE
 *
 * Return: the memory, ZERO_SIZE_PTR for 0 bytes, or NULL.
 */
void *altmm_kmalloc_node(size_t size, gfp_t gfp, int nid)
{
	return altmm_sys_kmalloc(altmm_default_sys, size, gfp, nid, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmalloc_node);

/**
 * altmm_kmalloc() - bytes (kmalloc())
 * @size: bytes
 * @gfp: the kernel's GFP mask
 *
 * Return: the memory, ZERO_SIZE_PTR for 0 bytes, or NULL.
 */
void *altmm_kmalloc(size_t size, gfp_t gfp)
{
	return altmm_sys_kmalloc(altmm_default_sys, size, gfp, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmalloc);

/**
 * altmm_kzalloc() - zeroed bytes (kzalloc())
 * @size: bytes
 * @gfp: the kernel's GFP mask
 *
 * Return: the memory, ZERO_SIZE_PTR, or NULL.
 */
void *altmm_kzalloc(size_t size, gfp_t gfp)
{
	return altmm_sys_kmalloc(altmm_default_sys, size, gfp | __GFP_ZERO, NUMA_NO_NODE,
				 _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kzalloc);

/**
 * altmm_kzalloc_node() - zeroed bytes on a node (kzalloc_node())
 * @size: bytes
 * @gfp: the kernel's GFP mask
 * @nid: the node, or NUMA_NO_NODE
 *
 * Return: the memory, ZERO_SIZE_PTR, or NULL.
 */
void *altmm_kzalloc_node(size_t size, gfp_t gfp, int nid)
{
	return altmm_sys_kmalloc(altmm_default_sys, size, gfp | __GFP_ZERO, nid, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kzalloc_node);

/**
 * altmm_kmalloc_array() - @n elements of @size bytes (kmalloc_array())
 * @n: elements
 * @size: bytes each
 * @gfp: the kernel's GFP mask
 *
 * Return: the memory, or NULL when @n * @size overflows or none is free.
 */
void *altmm_kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return altmm_sys_kmalloc(altmm_default_sys, bytes, gfp, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kmalloc_array);

/**
 * altmm_kcalloc() - zeroed @n elements of @size bytes (kcalloc())
 * @n: elements
 * @size: bytes each
 * @gfp: the kernel's GFP mask
 *
 * Return: the memory, or NULL on overflow or when none is free.
 */
void *altmm_kcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return altmm_sys_kmalloc(altmm_default_sys, bytes, gfp | __GFP_ZERO, NUMA_NO_NODE,
				 _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kcalloc);

/**
 * altmm_krealloc() - resize (krealloc())
 * @p: a kmalloc pointer, or NULL
 * @new_size: bytes; 0 frees
 * @gfp: the kernel's GFP mask
 *
 * Return: the memory (@p may move), ZERO_SIZE_PTR, or NULL (@p intact).
 */
void *altmm_krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	return __altmm_sys_krealloc(altmm_default_sys, p, new_size, gfp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_krealloc);

/**
 * altmm_kfree() - free kmalloc memory (kfree())
 * @p: the pointer, NULL or ZERO_SIZE_PTR
 *
 * A pointer that is not altmm kmalloc memory is reported and refused.
 *
 * Context: any.
 */
void altmm_kfree(const void *p)
{
	altmm_sys_kfree(altmm_default_sys, p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kfree);

/**
 * altmm_ksize() - the usable size of kmalloc memory (ksize())
 * @p: the pointer
 *
 * Return: bytes usable, 0 for NULL or a pointer that is not altmm's.
 */
size_t altmm_ksize(const void *p)
{
	return altmm_sys_ksize(altmm_default_sys, p);
}
EXPORT_SYMBOL_GPL(altmm_ksize);
