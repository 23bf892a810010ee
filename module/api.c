// SPDX-License-Identifier: GPL-2.0
/*
 * The exported page-allocator API: the kernel's calls with an altmm_
 * prefix, served by the default instance (the one the module parameters
 * describe).  Each is a thin wrapper over the instance functions in
 * page_alloc.c, keeping the kernel's conventions: __get_free_pages() returns a
 * direct-map address and never highmem, free_pages(0) does nothing,
 * alloc_pages_exact() gives back the tail it did not need, the bulk call
 * fills only the empty slots of its array.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/mm.h>

#include "migrate.h"
#include "mmzone.h"
#include "page_alloc.h"

/**
 * altmm_alloc_pages() - allocate 2^@order frames (alloc_pages())
 * @gfp: the kernel's GFP mask
 * @order: 0..10
 *
 * Context: as the kernel's alloc_pages() for the same mask.
 * Return: the first page, or NULL.
 */
struct page *altmm_alloc_pages(gfp_t gfp, unsigned int order)
{
	return altmm_sys_alloc_pages(altmm_default_sys, gfp, order, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(altmm_alloc_pages);

/**
 * altmm_alloc_pages_node() - allocate preferring a node (alloc_pages_node())
 * @nid: the node, or NUMA_NO_NODE for the running CPU's
 * @gfp: the kernel's GFP mask; __GFP_THISNODE keeps to @nid
 * @order: 0..10
 *
 * Context: as the kernel's alloc_pages_node() for the same mask.
 * Return: the first page, or NULL.
 */
struct page *altmm_alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	return altmm_sys_alloc_pages(altmm_default_sys, gfp, order, nid);
}
EXPORT_SYMBOL_GPL(altmm_alloc_pages_node);

/**
 * __altmm_get_free_pages() - allocate and return the address (__get_free_pages())
 * @gfp: the kernel's GFP mask; __GFP_HIGHMEM is ignored
 * @order: 0..10
 *
 * Context: as the kernel's __get_free_pages().
 * Return: the direct-map address of the first frame, or 0.
 */
unsigned long __altmm_get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = altmm_alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}
EXPORT_SYMBOL_GPL(__altmm_get_free_pages);

/**
 * altmm_get_zeroed_page() - one zeroed frame (get_zeroed_page())
 * @gfp: the kernel's GFP mask
 *
 * Context: as the kernel's get_zeroed_page().
 * Return: its address, or 0.
 */
unsigned long altmm_get_zeroed_page(gfp_t gfp)
{
	return __altmm_get_free_pages(gfp | __GFP_ZERO, 0);
}
EXPORT_SYMBOL_GPL(altmm_get_zeroed_page);

/**
 * __altmm_free_pages() - drop a reference, freeing on the last (__free_pages())
 * @page: the first page of the allocation, or NULL
 * @order: the order it was allocated with
 *
 * Context: any.
 */
void __altmm_free_pages(struct page *page, unsigned int order)
{
	altmm_sys_free_pages(altmm_default_sys, page, order, false);
}
EXPORT_SYMBOL_GPL(__altmm_free_pages);

/**
 * altmm_free_pages() - free by address (free_pages())
 * @addr: an address from __altmm_get_free_pages(), or 0
 * @order: the order it was allocated with
 *
 * Context: any.
 */
void altmm_free_pages(unsigned long addr, unsigned int order)
{
	struct altmm_system *sys = altmm_default_sys;

	if (!addr)
		return;
	if (!virt_addr_valid((void *)addr) || offset_in_page(addr)) {
		altmm_count_event(sys, ALTMM_MISUSE, 1);
		if (__ratelimit(&sys->misuse_rs))
			pr_err("free_pages(%#lx, %u) refused: not the address of a page\n",
			       addr, order);
		return;
	}
	__altmm_free_pages(virt_to_page((void *)addr), order);
}
EXPORT_SYMBOL_GPL(altmm_free_pages);

/**
 * altmm_alloc_pages_exact() - physically contiguous bytes (alloc_pages_exact())
 * @size: bytes
 * @gfp: the kernel's GFP mask, without __GFP_COMP
 *
 * The smallest block that holds @size is split into single frames and the
 * frames past @size are freed at once.
 *
 * Context: as the kernel's alloc_pages_exact().
 * Return: the address, or NULL.
 */
void *altmm_alloc_pages_exact(size_t size, gfp_t gfp)
{
	struct altmm_system *sys = altmm_default_sys;
	unsigned int order = get_order(size);
	unsigned long used = PAGE_ALIGN(size) >> PAGE_SHIFT, i;
	struct page *page;

	if (WARN_ON_ONCE(gfp & __GFP_COMP))
		gfp &= ~__GFP_COMP;
	if (!size)
		return NULL;
	page = altmm_alloc_pages(gfp & ~__GFP_HIGHMEM, order);
	if (!page)
		return NULL;
	altmm_sys_split_page(sys, page, order);
	for (i = used; i < BIT(order); i++)
		altmm_sys_free_pages(sys, page + i, 0, false);
	return page_address(page);
}
EXPORT_SYMBOL_GPL(altmm_alloc_pages_exact);

/**
 * altmm_free_pages_exact() - free what altmm_alloc_pages_exact() gave
 * @virt: its address
 * @size: the same size
 *
 * Context: any.
 */
void altmm_free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt;
	unsigned long end = addr + PAGE_ALIGN(size);

	for (; virt && addr < end; addr += PAGE_SIZE)
		altmm_free_pages(addr, 0);
}
EXPORT_SYMBOL_GPL(altmm_free_pages_exact);

/**
 * altmm_alloc_pages_bulk_array_node() - fill the empty slots of an array
 * @gfp: the kernel's GFP mask
 * @nid: preferred node, or NUMA_NO_NODE
 * @nr_pages: slots in @page_array
 * @page_array: NULL slots get an order-0 page each
 *
 * Context: as the kernel's alloc_pages_bulk_array_node().
 * Return: the length of the array's populated prefix, as 6.1's: slots
 * that were full count, those after the first it could not fill do not.
 */
unsigned long altmm_alloc_pages_bulk_array_node(gfp_t gfp, int nid,
						unsigned long nr_pages,
						struct page **page_array)
{
	return altmm_sys_alloc_pages_bulk(altmm_default_sys, gfp, nid, nr_pages,
					  page_array);
}
EXPORT_SYMBOL_GPL(altmm_alloc_pages_bulk_array_node);

/**
 * altmm_alloc_pages_bulk_array() - altmm_alloc_pages_bulk_array_node() on
 *	the running CPU's node (alloc_pages_bulk_array())
 * @gfp: the kernel's GFP mask
 * @nr_pages: slots in @page_array
 * @page_array: NULL slots get an order-0 page each
 *
 * Context: as the kernel's alloc_pages_bulk_array().
 * Return: the length of the array's populated prefix.
 */
unsigned long altmm_alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages,
					   struct page **page_array)
{
	return altmm_alloc_pages_bulk_array_node(gfp, NUMA_NO_NODE, nr_pages,
						 page_array);
}
EXPORT_SYMBOL_GPL(altmm_alloc_pages_bulk_array);

/**
 * altmm_get_page() - take a reference to an allocation (get_page())
 * @page: its first page, or any page of a compound one
 *
 * Context: any.
 */
void altmm_get_page(struct page *page)
{
	altmm_sys_get_page(altmm_default_sys, page);
}
EXPORT_SYMBOL_GPL(altmm_get_page);

/**
 * altmm_put_page() - drop a reference; the last one frees (put_page())
 * @page: the first page of the allocation, or any page of a compound one
 *
 * Context: any.
 */
void altmm_put_page(struct page *page)
{
	altmm_sys_put_page(altmm_default_sys, page);
}
EXPORT_SYMBOL_GPL(altmm_put_page);

/**
 * altmm_set_page_movable() - let compaction move a kernel page
 *	(__SetPageMovable())
 * @page: an order-0 page of altmm_alloc_pages(), not compound
 * @mops: the owner's isolate_page, migrate_page and putback_page, as
 *	6.1's struct movable_operations describes them
 *
 * altmm calls @mops with the page locked (lock_page() on it).  In
 * ->migrate_page(dst, src, mode) the owner copies what it needs, takes a
 * reference to @dst (altmm_get_page()), marks it movable with this call,
 * points its own structures at it and drops its reference to @src;
 * altmm frees @src once the migration's reference is gone too.
 *
 * Context: any.
 * Return: 0, or -EINVAL (reported) for a page that cannot be, -ENOSPC when
 * sixteen different @mops are in use.
 */
int altmm_set_page_movable(struct page *page, const struct movable_operations *mops)
{
	return altmm_sys_set_page_movable(altmm_default_sys, page, mops);
}
EXPORT_SYMBOL_GPL(altmm_set_page_movable);

/**
 * altmm_clear_page_movable() - a page is not movable any more
 *	(__ClearPageMovable())
 * @page: a page altmm_set_page_movable() marked
 *
 * Called with the page locked, no callback runs for it after this.  A
 * page freed while marked is unmarked by the free.
 *
 * Context: any.
 * Return: 0, or -EINVAL (reported) for a page not marked.
 */
int altmm_clear_page_movable(struct page *page)
{
	return altmm_sys_clear_page_movable(altmm_default_sys, page);
}
EXPORT_SYMBOL_GPL(altmm_clear_page_movable);

/**
 * altmm_page_movable() - is a page marked movable (PageMovable())
 * @page: any page
 *
 * Return: true for a page of altmm an owner marked movable.
 */
bool altmm_page_movable(const struct page *page)
{
	unsigned long pfn;

	return page && altmm_host_page_to_pfn(altmm_default_sys, page, &pfn) &&
	       test_bit(ALTMM_PG_movable, &altmm_pfn_to_desc(altmm_default_sys, pfn)->flags);
}
EXPORT_SYMBOL_GPL(altmm_page_movable);

/**
 * altmm_page_is_altmm() - is a page one of altmm's frames
 * @page: any page
 *
 * Return: true for a frame of the default instance's arena.
 */
bool altmm_page_is_altmm(const struct page *page)
{
	unsigned long pfn;

	return page && altmm_host_page_to_pfn(altmm_default_sys, page, &pfn);
}
EXPORT_SYMBOL_GPL(altmm_page_is_altmm);

/**
 * altmm_page_address() - the permanent mapping of a page (page_address())
 * @page: an altmm page, or any other page
 *
 * Return: its direct-map address; NULL for a frame of altmm's HighMem
 * zone, which the model treats as not permanently mapped.
 */
void *altmm_page_address(const struct page *page)
{
	unsigned long pfn;

	if (altmm_host_page_to_pfn(altmm_default_sys, page, &pfn) &&
	    altmm_desc_test(altmm_pfn_to_desc(altmm_default_sys, pfn), ALTMM_PG_highmem))
		return NULL;
	return page_address(page);
}
EXPORT_SYMBOL_GPL(altmm_page_address);

static struct altmm_zone *page_zone_of(const struct page *page)
{
	unsigned long pfn;

	if (!page || !altmm_host_page_to_pfn(altmm_default_sys, page, &pfn))
		return NULL;
	return altmm_pfn_to_zone(altmm_default_sys, pfn);
}

/**
 * altmm_page_to_nid() - the altmm node of a page (page_to_nid())
 * @page: an altmm page
 *
 * Return: its node, or NUMA_NO_NODE for a page that is not altmm's.
 */
int altmm_page_to_nid(const struct page *page)
{
	struct altmm_zone *zone = page_zone_of(page);

	return zone ? altmm_zone_nid(zone) : NUMA_NO_NODE;
}
EXPORT_SYMBOL_GPL(altmm_page_to_nid);

/**
 * altmm_page_zonenum() - the zone type of a page (page_zonenum())
 * @page: an altmm page
 *
 * Return: 0 (DMA) .. 5 (Device) in the kernel's zone order, with HighMem
 * at 3; -EINVAL for a page that is not altmm's.
 */
int altmm_page_zonenum(const struct page *page)
{
	struct altmm_zone *zone = page_zone_of(page);

	return zone ? zone->type : -EINVAL;
}
EXPORT_SYMBOL_GPL(altmm_page_zonenum);

/**
 * altmm_page_zone_name() - the name of a page's zone, as /proc/zoneinfo has it
 * @page: an altmm page
 *
 * Return: "DMA", "DMA32", "Normal", "HighMem", "Movable" or "Device"; NULL
 * for a page that is not altmm's.
 */
const char *altmm_page_zone_name(const struct page *page)
{
	struct altmm_zone *zone = page_zone_of(page);

	return zone ? altmm_zone_names[zone->type] : NULL;
}
EXPORT_SYMBOL_GPL(altmm_page_zone_name);

/**
 * altmm_num_nodes() - how many nodes the default instance has
 *
 * Return: 1..8.
 */
int altmm_num_nodes(void)
{
	return altmm_default_sys->layout.nr_nodes;
}
EXPORT_SYMBOL_GPL(altmm_num_nodes);

/**
 * altmm_register_shrinker() - be asked for frames under pressure
 * @s: the shrinker, with @count and @scan
 *
 * Context: process context.
 * Return: 0 or -EINVAL.
 */
int altmm_register_shrinker(struct altmm_shrinker *s)
{
	return altmm_sys_register_shrinker(altmm_default_sys, s);
}
EXPORT_SYMBOL_GPL(altmm_register_shrinker);

/**
 * altmm_unregister_shrinker() - stop being asked
 * @s: a registered shrinker
 *
 * Context: process context; no callback runs after it returns.
 */
void altmm_unregister_shrinker(struct altmm_shrinker *s)
{
	altmm_sys_unregister_shrinker(altmm_default_sys, s);
}
EXPORT_SYMBOL_GPL(altmm_unregister_shrinker);
