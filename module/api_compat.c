// SPDX-License-Identifier: GPL-2.0
/*
 * The calls that include/altmm_compat.h needs beyond the plain altmm_
 * API: kvmalloc() and kvfree(), which pick between kmalloc and vmalloc;
 * kvfree_call_rcu(), behind kfree_rcu() and kvfree_rcu(); the string and
 * user-copy helpers that return kmalloc memory (kstrdup(), kasprintf(),
 * memdup_user(), ...); and altmm_addr_is_altmm(), the ownership test by
 * which the compatibility header sends every free to the allocator that
 * made the memory.
 *
 * Each does what 6.1's mm/util.c or mm/slab_common.c does, on the default
 * instance.  kfree_rcu() is the one that needs the slab layer's insides:
 * the kernel encodes the offset of the rcu_head in the callback pointer,
 * which call_rcu() then overwrites, so the callback here finds the object
 * that holds the rcu_head from the slab's geometry instead.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "mmzone.h"
#include "slab.h"
#include "vmalloc.h"

/* === Ownership === */

/**
 * altmm_addr_is_altmm() - is an address in memory altmm handed out
 * @addr: any kernel address
 *
 * Context: any.
 * Return: true for a direct-map address of one of the default instance's
 * frames (page, slab and kmalloc memory) and for an address in an area
 * altmm mapped (vmalloc, vmap() of any pages, vm_map_ram(); see
 * altmm_sys_vmalloc_owns()); false for anything else - the host's own
 * vmap() of altmm pages, NULL and ZERO_SIZE_PTR included.
 */
bool altmm_addr_is_altmm(const void *addr)
{
	unsigned long pfn;

	if (is_vmalloc_addr(addr))
		return altmm_sys_vmalloc_owns(altmm_default_sys, addr);
	return altmm_virt_to_pfn(altmm_default_sys, addr, &pfn);
}
EXPORT_SYMBOL_GPL(altmm_addr_is_altmm);

/* === kvmalloc === */

/**
 * altmm_kvmalloc_node() - kmalloc, or vmalloc when that fails (kvmalloc_node())
 * @size: bytes
 * @gfp: the kernel's GFP mask; __GFP_ZERO zeroes
 * @nid: preferred node, or NUMA_NO_NODE
 *
 * As 6.1: above a page the kmalloc attempt neither warns nor retries hard,
 * and only a mask that may sleep falls back to vmalloc.
 *
 * Context: any context @gfp allows.
 * Return: the memory, ZERO_SIZE_PTR for 0 bytes, or NULL.
 */
void *altmm_kvmalloc_node(size_t size, gfp_t gfp, int nid)
{
	struct altmm_system *sys = altmm_default_sys;
	gfp_t kmalloc_gfp = gfp;
	void *p;

	if (size > PAGE_SIZE) {
		kmalloc_gfp |= __GFP_NOWARN;
		if (!(kmalloc_gfp & __GFP_RETRY_MAYFAIL))
			kmalloc_gfp |= __GFP_NORETRY;
		/* vmalloc is what __GFP_NOFAIL falls back on */
		kmalloc_gfp &= ~__GFP_NOFAIL;
	}
	p = altmm_sys_kmalloc(sys, size, kmalloc_gfp, nid, _RET_IP_);
	if (p || size <= PAGE_SIZE)
		return p;
	if (!gfpflags_allow_blocking(gfp) || size > INT_MAX)
		return NULL;
	return altmm_sys_vmalloc(sys, size, gfp, nid, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kvmalloc_node);

/**
 * altmm_kvfree() - free what altmm_kvmalloc_node() gave (kvfree())
 * @p: the memory, NULL or ZERO_SIZE_PTR
 *
 * A pointer that is neither altmm kmalloc nor altmm vmalloc memory is
 * reported and refused.
 *
 * Context: any but NMI; a vmalloc area freed in atomic context is
 * unmapped later.
 */
void altmm_kvfree(const void *p)
{
	if (is_vmalloc_addr(p))
		altmm_sys_vfree(altmm_default_sys, p);
	else
		altmm_sys_kfree(altmm_default_sys, p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_kvfree);

/* === kfree_rcu === */

/*
 * After the grace period: free the allocation that holds @head.  The
 * rcu_head is within the first 4 KiB of its object (kvfree_rcu() checks
 * that at build time), so a page-aligned allocation (vmalloc, large
 * kmalloc) starts at the page of @head; a slab object is found by its
 * index in the slab.
 */
static void kvfree_rcu_cb(struct rcu_head *head)
{
	struct altmm_system *sys = altmm_default_sys;
	void *start = (void *)((unsigned long)head & PAGE_MASK);
	struct altmm_kmem_cache *cache;
	struct altmm_slab *slab;
	unsigned long off;

	if (is_vmalloc_addr(head)) {
		altmm_sys_vfree(sys, start);
		return;
	}
	cache = altmm_obj_to_cache(sys, head, &slab);
	if (!cache) {
		altmm_sys_kfree(sys, start, _RET_IP_);
		return;
	}
	off = (void *)head - slab->s_mem - cache->obj_offset;
	altmm_cache_free(cache, slab->s_mem + cache->obj_offset +
			 rounddown(off, cache->size), _RET_IP_);
}

/**
 * altmm_kvfree_call_rcu() - kvfree an object after a grace period
 *	(kvfree_call_rcu(), what kfree_rcu() and kvfree_rcu() expand to)
 * @head: the object's rcu_head, or NULL for the head-less form
 * @func: the offset of @head in the object, or with @head NULL the object
 *
 * Memory that is not altmm's is passed on to the kernel's
 * kvfree_call_rcu().  The head-less form waits for the grace period.
 *
 * Context: any with @head; process context without.
 */
void altmm_kvfree_call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	void *ptr = head ? (void *)head - (unsigned long)func : (void *)func;

	if (!altmm_addr_is_altmm(ptr)) {
		kvfree_call_rcu(head, func);
		return;
	}
	if (head) {
		call_rcu(head, kvfree_rcu_cb);
		return;
	}
	might_sleep();
	synchronize_rcu();
	altmm_kvfree(ptr);
}
EXPORT_SYMBOL_GPL(altmm_kvfree_call_rcu);

/* === Caches === */

/**
 * altmm_kmem_cache_size() - the object size of a cache (kmem_cache_size())
 * @s: a cache altmm_kmem_cache_create() made
 *
 * Return: the size it was created with.
 */
unsigned int altmm_kmem_cache_size(struct kmem_cache *s)
{
	return ((struct altmm_kmem_cache *)s)->object_size;
}
EXPORT_SYMBOL_GPL(altmm_kmem_cache_size);

/* === Strings and copies === */

/**
 * altmm_kmemdup() - a kmalloc copy of a buffer (kmemdup())
 * @src: the bytes
 * @len: how many
 * @gfp: the kernel's GFP mask
 *
 * Return: the copy, or NULL.
 */
void *altmm_kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = altmm_sys_kmalloc(altmm_default_sys, len, gfp, NUMA_NO_NODE,
				    _RET_IP_);

	if (p)
		memcpy(p, src, len);
	return p;
}
EXPORT_SYMBOL_GPL(altmm_kmemdup);

/**
 * altmm_kmemdup_nul() - a kmalloc string of @len bytes and a NUL (kmemdup_nul())
 * @s: the bytes, or NULL
 * @len: how many
 * @gfp: the kernel's GFP mask
 *
 * Return: the string, or NULL.
 */
char *altmm_kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *p;

	if (!s)
		return NULL;
	p = altmm_sys_kmalloc(altmm_default_sys, len + 1, gfp, NUMA_NO_NODE,
			      _RET_IP_);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}
EXPORT_SYMBOL_GPL(altmm_kmemdup_nul);

/**
 * altmm_kstrdup() - a kmalloc copy of a string (kstrdup())
 * @s: the string, or NULL
 * @gfp: the kernel's GFP mask
 *
 * Return: the copy, or NULL.
 */
char *altmm_kstrdup(const char *s, gfp_t gfp)
{
	return s ? altmm_kmemdup_nul(s, strlen(s), gfp) : NULL;
}
EXPORT_SYMBOL_GPL(altmm_kstrdup);

/**
 * altmm_kstrndup() - a kmalloc copy of at most @max bytes of a string (kstrndup())
 * @s: the string, or NULL
 * @max: the most bytes to copy, the NUL not counted
 * @gfp: the kernel's GFP mask
 *
 * Return: the copy, or NULL.
 */
char *altmm_kstrndup(const char *s, size_t max, gfp_t gfp)
{
	return s ? altmm_kmemdup_nul(s, strnlen(s, max), gfp) : NULL;
}
EXPORT_SYMBOL_GPL(altmm_kstrndup);

/**
 * altmm_kvasprintf() - a kmalloc'ed formatted string (kvasprintf())
 * @gfp: the kernel's GFP mask
 * @fmt: printf format
 * @ap: its arguments
 *
 * Return: the string, or NULL.
 */
char *altmm_kvasprintf(gfp_t gfp, const char *fmt, va_list ap)
{
	unsigned int len;
	va_list aq;
	char *p;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = altmm_sys_kmalloc(altmm_default_sys, len + 1, gfp, NUMA_NO_NODE,
			      _RET_IP_);
	if (p)
		vsnprintf(p, len + 1, fmt, ap);
	return p;
}
EXPORT_SYMBOL_GPL(altmm_kvasprintf);

/**
 * altmm_kasprintf() - a kmalloc'ed formatted string (kasprintf())
 * @gfp: the kernel's GFP mask
 * @fmt: printf format
 * @...: its arguments
 *
 * Return: the string, or NULL.
 */
char *altmm_kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = altmm_kvasprintf(gfp, fmt, ap);
	va_end(ap);
	return p;
}
EXPORT_SYMBOL_GPL(altmm_kasprintf);

/**
 * altmm_memdup_user() - a kmalloc copy of user memory (memdup_user())
 * @src: user address
 * @len: bytes
 *
 * Context: process context, may sleep.
 * Return: the copy, ERR_PTR(-ENOMEM) or ERR_PTR(-EFAULT).
 */
void *altmm_memdup_user(const void __user *src, size_t len)
{
	void *p = altmm_sys_kmalloc(altmm_default_sys, len, GFP_USER | __GFP_NOWARN,
				    NUMA_NO_NODE, _RET_IP_);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		altmm_sys_kfree(altmm_default_sys, p, _RET_IP_);
		return ERR_PTR(-EFAULT);
	}
	return p;
}
EXPORT_SYMBOL_GPL(altmm_memdup_user);

/**
 * altmm_memdup_user_nul() - a kmalloc string from user memory (memdup_user_nul())
 * @src: user address
 * @len: bytes, a NUL is added
 *
 * Context: process context, may sleep.
 * Return: the copy, ERR_PTR(-ENOMEM) or ERR_PTR(-EFAULT).
 */
void *altmm_memdup_user_nul(const void __user *src, size_t len)
{
	char *p = altmm_sys_kmalloc(altmm_default_sys, len + 1, GFP_KERNEL,
				    NUMA_NO_NODE, _RET_IP_);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		altmm_sys_kfree(altmm_default_sys, p, _RET_IP_);
		return ERR_PTR(-EFAULT);
	}
	p[len] = '\0';
	return p;
}
EXPORT_SYMBOL_GPL(altmm_memdup_user_nul);

/**
 * altmm_vmemdup_user() - a kvmalloc copy of user memory (vmemdup_user())
 * @src: user address
 * @len: bytes
 *
 * Context: process context, may sleep.
 * Return: the copy (free it with kvfree()), ERR_PTR(-ENOMEM) or
 * ERR_PTR(-EFAULT).
 */
void *altmm_vmemdup_user(const void __user *src, size_t len)
{
	void *p = altmm_kvmalloc_node(len, GFP_USER, NUMA_NO_NODE);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		altmm_kvfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}
EXPORT_SYMBOL_GPL(altmm_vmemdup_user);

/* === vmalloc === */

/**
 * altmm_vzalloc_node() - zeroed vmalloc memory preferring a node (vzalloc_node())
 * @size: bytes
 * @node: the node, or NUMA_NO_NODE
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vzalloc_node(unsigned long size, int node)
{
	return altmm_sys_vmalloc(altmm_default_sys, size, GFP_KERNEL | __GFP_ZERO,
				 node, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vzalloc_node);
