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
 *     reads straight into a new page, so no page is ever under writeback;
 *   - a page a read fault brings back keeps its slot, in the swap cache
 *     (usermem.c), until a write or reclaim; 6.1 skips the swap cache for
 *     such devices only when nothing else maps the slot, which here,
 *     with one reference per slot, would be always, and then reclaim
 *     would write back every page it had just read.
 * What it leaves out: priorities and several areas, clusters and the
 * per-CPU slot caches, readahead, discard, swap counts above one (no
 * fork of an anonymous page shares its slot: objects are shared, not
 * copied, see dev.c).
 *
 * The slots are host pages outside the arena, allocated on first use and
 * freed with the area; SwapTotal is the area less its header.
 *
 * The size may change at run time (swap_mb written, usermem.c): a larger
 * area takes over the slots in bigger arrays, a smaller one first stops
 * handing out slots past its end (@limit), then usermem.c brings their
 * pages back in, as swapoff's try_to_unuse() does, and the host pages
 * past the end are freed.  swap_mb=0 is an area of the header alone.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "usermem.h"

static unsigned long mb_to_slots(unsigned long mb)
{
	return max(mb << (20 - PAGE_SHIFT), 1UL);
}

/**
 * altmm_swap_create() - a swap area of @mb MiB
 * @mb: its size, header included; 0 for an area of the header alone
 *
 * Context: process context, may sleep.
 * Return: the area, or NULL without memory.
 */
struct altmm_swap *altmm_swap_create(unsigned long mb)
{
	unsigned long nr = mb_to_slots(mb);
	struct altmm_swap *swap;

	swap = kzalloc(sizeof(*swap), GFP_KERNEL);
	if (!swap)
		return NULL;
	spin_lock_init(&swap->lock);
	swap->nr = nr;
	swap->limit = nr;
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
 * altmm_swap_destroy() - free an area no slot of which is in use
 * @swap: the area, or NULL
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
 * altmm_swap_alloc() - take a free slot below the area's end
 * @swap: the area
 *
 * Return: the slot, or -ENOSPC.
 */
long altmm_swap_alloc(struct altmm_swap *swap)
{
	unsigned long i, slot, limit;
	long ret = -ENOSPC;

	spin_lock(&swap->lock);
	limit = swap->limit;
	if (swap->inuse + 1 >= limit)
		goto out;
	for (i = 0; i < limit; i++) {
		slot = swap->next + i;
		if (slot >= limit)
			slot -= limit;
		if (!swap->map[slot]) {
			swap->map[slot] = 1;
			swap->inuse++;
			swap->next = slot + 1 < limit ? slot + 1 : 1;
			ret = slot;
			break;
		}
	}
out:
	spin_unlock(&swap->lock);
	return ret;
}

/**
 * altmm_swap_free() - give a slot back
 * @swap: the area
 * @slot: a slot in use
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

/* The host page of a slot: the array may be replaced by a resize. */
static struct page *slot_page(struct altmm_swap *swap, unsigned long slot)
{
	struct page *page;

	spin_lock(&swap->lock);
	page = swap->slots[slot];
	spin_unlock(&swap->lock);
	return page;
}

/**
 * altmm_swap_write() - write a page to its slot (swap_writepage())
 * @swap: the area
 * @slot: a slot altmm_swap_prepare() gave a host page
 * @page: the page
 */
void altmm_swap_write(struct altmm_swap *swap, unsigned long slot, struct page *page)
{
	copy_highpage(slot_page(swap, slot), page);
}

/**
 * altmm_swap_read() - read a slot into a page (swap_readpage())
 * @swap: the area
 * @slot: a slot in use
 * @page: the page
 */
void altmm_swap_read(struct altmm_swap *swap, unsigned long slot, struct page *page)
{
	copy_highpage(page, slot_page(swap, slot));
}

/**
 * altmm_swap_prepare() - give a slot its host page, if it has none yet
 * @swap: the area
 * @slot: a slot just taken
 * @gfp: for the host page
 *
 * Return: 0 or -ENOMEM.
 */
int altmm_swap_prepare(struct altmm_swap *swap, unsigned long slot, gfp_t gfp)
{
	struct page *page;

	if (slot_page(swap, slot))
		return 0;
	page = alloc_page(gfp);
	if (!page)
		return -ENOMEM;
	spin_lock(&swap->lock);
	if (!swap->slots[slot]) {
		swap->slots[slot] = page;
		page = NULL;
	}
	spin_unlock(&swap->lock);
	if (page)
		__free_page(page);
	return 0;
}

/**
 * altmm_swap_grow() - make the area @mb MiB, at least its present size
 * @swap: the area
 * @mb: the new size
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM (the area as it was).
 */
int altmm_swap_grow(struct altmm_swap *swap, unsigned long mb)
{
	unsigned long nr = mb_to_slots(mb);
	unsigned char *map, *old_map = NULL;
	struct page **slots, **old_slots = NULL;

	if (nr <= READ_ONCE(swap->nr)) {
		spin_lock(&swap->lock);
		swap->limit = nr;
		spin_unlock(&swap->lock);
		return 0;
	}
	map = vzalloc(nr);
	slots = vzalloc(array_size(nr, sizeof(*slots)));
	if (!map || !slots) {
		vfree(map);
		vfree(slots);
		return -ENOMEM;
	}
	spin_lock(&swap->lock);
	memcpy(map, swap->map, swap->nr);
	memcpy(slots, swap->slots, swap->nr * sizeof(*slots));
	old_map = swap->map;
	old_slots = swap->slots;
	swap->map = map;
	swap->slots = slots;
	swap->nr = nr;
	swap->limit = nr;
	spin_unlock(&swap->lock);
	vfree(old_map);
	vfree(old_slots);
	return 0;
}

/**
 * altmm_swap_set_limit() - hand out no slot from @mb MiB on
 * @swap: the area
 * @mb: its new size, no larger than it is; slots past it may still be
 *	in use until their pages come back
 */
void altmm_swap_set_limit(struct altmm_swap *swap, unsigned long mb)
{
	spin_lock(&swap->lock);
	swap->limit = min(mb_to_slots(mb), swap->nr);
	if (swap->next >= swap->limit)
		swap->next = 1;
	spin_unlock(&swap->lock);
}

/**
 * altmm_swap_trim() - free the host pages of the slots past the end
 * @swap: the area
 *
 * Return: the slots past the end still in use (0 when the area could
 * shrink to its limit).
 */
unsigned long altmm_swap_trim(struct altmm_swap *swap)
{
	unsigned long i, busy = 0;
	LIST_HEAD(pages);
	struct page *page, *next;

	spin_lock(&swap->lock);
	for (i = swap->limit; i < swap->nr; i++) {
		if (swap->map[i]) {
			busy++;
			continue;
		}
		if (swap->slots[i]) {
			list_add(&swap->slots[i]->lru, &pages);
			swap->slots[i] = NULL;
		}
	}
	spin_unlock(&swap->lock);
	list_for_each_entry_safe(page, next, &pages, lru)
		__free_page(page);
	return busy;
}

/* SwapTotal in pages: the area less its header. */
unsigned long altmm_swap_total(const struct altmm_swap *swap)
{
	return swap ? READ_ONCE(swap->limit) - 1 : 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_swap_total, ALTMM_INTERNAL);

/* SwapFree in pages: none while slots past a shrunk end are still in use. */
unsigned long altmm_swap_free_slots(const struct altmm_swap *swap)
{
	long n;

	if (!swap)
		return 0;
	n = (long)READ_ONCE(swap->limit) - 1 - (long)READ_ONCE(swap->inuse);
	return max(n, 0L);
}
EXPORT_SYMBOL_NS_GPL(altmm_swap_free_slots, ALTMM_INTERNAL);
