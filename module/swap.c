// SPDX-License-Identifier: GPL-2.0
/*
 * Swap: where reclaim puts anonymous user pages (usermem.h).
 *
 * What altmm keeps of 6.1's mm/swapfile.c and mm/swap_state.c:
 *   - one swap area per instance (swap_mb=, or written at run time), its
 *     slots counted by a swap_map of one byte each; slot 0 holds the
 *     header and is never handed out, so a swap entry is never 0;
 *   - a slot is taken when a page is swapped out (get_swap_pages()) and
 *     freed when its page comes back or its object goes (swap_free());
 *   - the search starts where the last one ended (si->cluster_next), so
 *     pages swapped out together sit together, as clusters keep them;
 *   - the area behaves as a synchronous device (SWP_SYNCHRONOUS_IO: zram,
 *     brd): a write completes before the page is freed, and a swap-in
 *     reads straight into a new page and frees the slot, bypassing the
 *     swap cache, as do_swap_page() does for such devices.  So no page is
 *     ever under writeback and SwapCached stays 0.
 * What it leaves out: priorities and several areas, clusters and the
 * per-CPU slot caches, readahead, discard, swap counts above one (no
 * fork of an anonymous page shares its slot: objects are shared, not
 * copied, see dev.c).
 *
 * The slots are host pages outside the arena, allocated on first use and
 * freed with the area; SwapTotal is the area less its header.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "usermem.h"

/**
 * altmm_swap_create() - a swap area of @mb MiB
 * @mb: its size, header included
 *
 * Context: process context, may sleep.
 * Return: the area, or NULL when @mb is too small to hold a slot or
 * memory for its maps is short.
 */
struct altmm_swap *altmm_swap_create(unsigned long mb)
{
	unsigned long nr = mb << (20 - PAGE_SHIFT);
	struct altmm_swap *swap;

	if (nr < 2)
		return NULL;
	swap = kzalloc(sizeof(*swap), GFP_KERNEL);
	if (!swap)
		return NULL;
	spin_lock_init(&swap->lock);
	swap->nr = nr;
	swap->next = 1;
	swap->map = vzalloc(nr);
	swap->slots = vzalloc(array_size(nr, sizeof(*swap->slots)));
	if (!swap->map || !swap->slots) {
		altmm_swap_destroy(swap);
		return NULL;
	}
	swap->map[0] = 1;	/* the header: SWAP_MAP_BAD in 6.1 terms */
	return swap;
}

/**
 * altmm_swap_destroy() - free an area and its pages
 * @swap: the area, or NULL
 *
 * Context: process context; no slot is in use any more.
 */
void altmm_swap_destroy(struct altmm_swap *swap)
{
	unsigned long i;

	if (!swap)
		return;
	WARN_ON(swap->inuse);
	for (i = 0; swap->slots && i < swap->nr; i++)
		if (swap->slots[i])
			__free_page(swap->slots[i]);
	vfree(swap->slots);
	vfree(swap->map);
	kfree(swap);
}

/**
 * altmm_swap_alloc() - take a free slot
 * @swap: the area
 *
 * Context: any; takes @swap->lock.
 * Return: the slot, or -ENOSPC when the area is full.
 */
long altmm_swap_alloc(struct altmm_swap *swap)
{
	unsigned long i, slot;
	long ret = -ENOSPC;

	spin_lock(&swap->lock);
	if (swap->inuse + 1 >= swap->nr)
		goto out;
	for (i = 0; i < swap->nr; i++) {
		slot = swap->next + i;
		if (slot >= swap->nr)
			slot -= swap->nr;
		if (!swap->map[slot]) {
			swap->map[slot] = 1;
			swap->inuse++;
			swap->next = slot + 1 < swap->nr ? slot + 1 : 1;
			ret = slot;
			break;
		}
	}
out:
	spin_unlock(&swap->lock);
	return ret;
}

/**
 * altmm_swap_free() - give a slot back (swap_free())
 * @swap: the area
 * @slot: a slot in use
 *
 * Context: any; takes @swap->lock.
 */
void altmm_swap_free(struct altmm_swap *swap, unsigned long slot)
{
	spin_lock(&swap->lock);
	if (WARN_ON_ONCE(!slot || slot >= swap->nr || !swap->map[slot])) {
		spin_unlock(&swap->lock);
		return;
	}
	swap->map[slot] = 0;
	swap->inuse--;
	spin_unlock(&swap->lock);
}

/**
 * altmm_swap_write() - write a page to its slot (swap_writepage())
 * @swap: the area
 * @slot: a slot taken for it
 * @page: the page
 *
 * The slot's host page was made ready by altmm_swap_prepare(), so the
 * write cannot fail, as a synchronous device's that succeeded.
 *
 * Context: any.
 */
void altmm_swap_write(struct altmm_swap *swap, unsigned long slot, struct page *page)
{
	copy_highpage(swap->slots[slot], page);
}

/**
 * altmm_swap_read() - read a slot into a page (swap_readpage())
 * @swap: the area
 * @slot: a slot in use
 * @page: the page to fill
 *
 * Context: any.
 */
void altmm_swap_read(struct altmm_swap *swap, unsigned long slot, struct page *page)
{
	copy_highpage(page, swap->slots[slot]);
}

/**
 * altmm_swap_prepare() - make sure a slot has its host page
 * @swap: the area
 * @slot: a slot just taken
 * @gfp: how to allocate it
 *
 * Return: 0, or -ENOMEM.
 */
int altmm_swap_prepare(struct altmm_swap *swap, unsigned long slot, gfp_t gfp)
{
	struct page *page;

	if (READ_ONCE(swap->slots[slot]))
		return 0;
	page = alloc_page(gfp);
	if (!page)
		return -ENOMEM;
	if (cmpxchg(&swap->slots[slot], NULL, page))
		__free_page(page);
	return 0;
}

/* SwapTotal in pages: the area less its header. */
unsigned long altmm_swap_total(const struct altmm_swap *swap)
{
	return swap ? swap->nr - 1 : 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_swap_total, ALTMM_INTERNAL);

/* SwapFree in pages. */
unsigned long altmm_swap_free_slots(const struct altmm_swap *swap)
{
	return swap ? swap->nr - 1 - READ_ONCE(swap->inuse) : 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_swap_free_slots, ALTMM_INTERNAL);
