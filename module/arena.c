// SPDX-License-Identifier: GPL-2.0
/*
 * The arena: real pages borrowed from the host, one naturally aligned
 * order-10 block (4 MiB, the largest block 6.1 hands out) per present
 * section of the emulated space.  Because a block is aligned to its size
 * in host pfns, "host pfn >> 10" names its chunk and "pfn & 1023" is the
 * same offset on both sides.  chunk_map, indexed by host chunk number
 * from the lowest chunk held, maps it back to our section: the chunks lie
 * within host RAM, so the table has at most RAM / 4 MiB entries, and a
 * lookup is one load.
 *
 * The host is asked politely: __GFP_RETRY_MAYFAIL tries hard but never
 * calls the OOM killer, __GFP_NOWARN keeps a refusal out of the log (we
 * write our own line), and the first refusal ends the attempt.  Blocks are
 * kept whole (not split_page()d) so that rmmod gives back order-10 blocks
 * straight to the host's buddy lists, not thousands of frames to its
 * per-CPU lists where MemFree would not see them.
 *
 * Memory hotplug takes one more chunk for a section it adds and gives
 * one back for a section it removes (altmm_arena_add_chunk(),
 * altmm_arena_remove_chunk()).
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "mmzone.h"

#define ALTMM_ARENA_GFP	(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

/*
 * The instance the module parameters describe, set by main.c.  It is
 * defined down here, with the model, so that every layer serving the
 * default instance (api*.c, vmalloc.c's exported calls) refers down to it.
 */
struct altmm_system *altmm_default_sys;
EXPORT_SYMBOL_NS_GPL(altmm_default_sys, ALTMM_INTERNAL);

static_assert(ALTMM_PFN_SECTION_SHIFT < MAX_ORDER,
	      "the host cannot hand out a whole section in one block");

static int build_chunk_map(struct altmm_system *sys)
{
	unsigned long nr, lo = ULONG_MAX, hi = 0;

	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		unsigned long chunk = sys->sections[nr].host_pfn >> ALTMM_PFN_SECTION_SHIFT;

		if (!(sys->sections[nr].flags & ALTMM_SECTION_PRESENT))
			continue;
		lo = min(lo, chunk);
		hi = max(hi, chunk);
	}
	if (lo > hi)
		return 0;
	sys->chunk_map = kvcalloc(hi - lo + 1, sizeof(*sys->chunk_map), GFP_KERNEL);
	if (!sys->chunk_map)
		return -ENOMEM;
	sys->chunk_base = lo;
	/*
	 * The direct map is linear on x86_64 and UML: an address maps to a
	 * host pfn by subtraction.  Checked on the highest chunk; a map that
	 * is not linear leaves dm_size 0 and the slower way.
	 */
	sys->dm_start = (unsigned long)page_address(pfn_to_page(lo << ALTMM_PFN_SECTION_SHIFT));
	if ((unsigned long)page_address(pfn_to_page(hi << ALTMM_PFN_SECTION_SHIFT)) ==
	    sys->dm_start + ((hi - lo) << ALTMM_SECTION_SHIFT))
		sys->dm_size = (hi - lo + 1) << ALTMM_SECTION_SHIFT;
	for (nr = 0; nr < sys->layout.nr_sections; nr++)
		if (sys->sections[nr].flags & ALTMM_SECTION_PRESENT)
			sys->chunk_map[(sys->sections[nr].host_pfn >> ALTMM_PFN_SECTION_SHIFT) -
				       lo] = nr + 1;
	/* Published last: lookups bound themselves by the span. */
	WRITE_ONCE(sys->chunk_span, hi - lo + 1);
	return 0;
}

/**
 * altmm_arena_acquire() - back every non-hole section with a host chunk
 * @sys: instance whose layout is built and section table allocated
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM after logging how much was obtained; on error
 * every chunk obtained has been returned.
 */
int altmm_arena_acquire(struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;
	unsigned long nr, wanted = 0;
	int ret;

	for (nr = 0; nr < l->nr_sections; nr++)
		wanted += !altmm_layout_pfn_absent(l, nr << ALTMM_PFN_SECTION_SHIFT);

	for (nr = 0; nr < l->nr_sections; nr++) {
		struct altmm_section *sec = &sys->sections[nr];
		struct page *page;

		if (altmm_layout_pfn_absent(l, nr << ALTMM_PFN_SECTION_SHIFT))
			continue;

		if (sys->fail_chunk && sys->nr_chunks + 1 == sys->fail_chunk)
			page = NULL;
		else
			page = alloc_pages(ALTMM_ARENA_GFP, ALTMM_PFN_SECTION_SHIFT);
		if (!page) {
			ret = -ENOMEM;
			goto fail;
		}
		if (sys->arena_fill)
			memset(page_address(page), sys->arena_fill,
			       PAGE_SIZE << ALTMM_PFN_SECTION_SHIFT);
		sec->host_pfn = page_to_pfn(page);
		sec->flags |= ALTMM_SECTION_PRESENT;
		sys->nr_chunks++;
		cond_resched();
	}
	ret = build_chunk_map(sys);
	if (ret)
		goto fail;
	return 0;

fail:
	pr_err("%s: arena: obtained %luM of the %luM asked for from the host; giving it back\n",
	       sys->name, sys->nr_chunks * ALTMM_SECTION_MB,
	       wanted * ALTMM_SECTION_MB);
	altmm_arena_release(sys);
	return ret;
}

/* === Memory hotplug: one chunk at a time === */

/* A chunk map that a hot-add replaced, kept for lookups still reading it. */
struct retired_chunk_map {
	struct list_head list;
	u32 *map;
};

/*
 * Make room in chunk_map for host chunk @chunk (>= chunk_base): a longer
 * copy, published before the longer span (the acquire in sparse.c's
 * lookup), the old one retired until the instance goes.  The direct-map
 * window grows with it when the chunk is where a linear map puts it, and
 * is dropped (lookups by virt_to_page()) when not.
 */
static int grow_chunk_map(struct altmm_system *sys, unsigned long chunk)
{
	unsigned long span = chunk - sys->chunk_base + 1;
	struct retired_chunk_map *old;
	u32 *map;

	if (span <= sys->chunk_span)
		return 0;
	map = kvcalloc(span, sizeof(*map), GFP_KERNEL);
	old = kmalloc(sizeof(*old), GFP_KERNEL);
	if (!map || !old) {
		kvfree(map);
		kfree(old);
		return -ENOMEM;
	}
	memcpy(map, sys->chunk_map, sys->chunk_span * sizeof(*map));
	old->map = sys->chunk_map;
	list_add(&old->list, &sys->retired_chunk_maps);
	WRITE_ONCE(sys->chunk_map, map);
	/* Pairs with the acquire in sparse.c's lookup: the map before its span. */
	smp_store_release(&sys->chunk_span, span);
	return 0;
}

static void grow_direct_map(struct altmm_system *sys, struct page *page, unsigned long chunk)
{
	unsigned long off = (chunk - sys->chunk_base) << ALTMM_SECTION_SHIFT;

	if (!sys->dm_size || off + (1UL << ALTMM_SECTION_SHIFT) <= sys->dm_size)
		return;
	if ((unsigned long)page_address(page) == sys->dm_start + off)
		WRITE_ONCE(sys->dm_size, off + (1UL << ALTMM_SECTION_SHIFT));
	else
		WRITE_ONCE(sys->dm_size, 0);
}

/* Host chunks tried for one hot-add before giving up. */
#define ADD_CHUNK_TRIES	16

/**
 * altmm_arena_add_chunk() - back a hot-added section with a new host chunk
 *	(the memory add_memory() finds)
 * @sys: instance
 * @nr: an absent section with descriptors (altmm_sparse_add_section())
 *
 * The chunk map only grows upwards from the lowest chunk taken at boot
 * (a lookup subtracts that base without a lock), so a chunk below it is
 * kept aside and another asked for; those go back at the end.
 *
 * Context: process context, may sleep; memory hotplug's lock.
 * Return: 0, or -ENOMEM when the host has no chunk that fits.
 */
int altmm_arena_add_chunk(struct altmm_system *sys, unsigned long nr)
{
	struct page *page = NULL, *below[ADD_CHUNK_TRIES];
	unsigned long chunk = 0;
	int n = 0, ret = -ENOMEM;

	while (n < ADD_CHUNK_TRIES) {
		page = alloc_pages(ALTMM_ARENA_GFP, ALTMM_PFN_SECTION_SHIFT);
		if (!page)
			break;
		chunk = page_to_pfn(page) >> ALTMM_PFN_SECTION_SHIFT;
		if (chunk >= sys->chunk_base)
			break;
		below[n++] = page;
		page = NULL;
	}
	if (page) {
		ret = grow_chunk_map(sys, chunk);
		if (ret) {
			__free_pages(page, ALTMM_PFN_SECTION_SHIFT);
		} else {
			if (sys->arena_fill)
				memset(page_address(page), sys->arena_fill,
				       PAGE_SIZE << ALTMM_PFN_SECTION_SHIFT);
			sys->sections[nr].host_pfn = page_to_pfn(page);
			WRITE_ONCE(sys->chunk_map[chunk - sys->chunk_base], nr + 1);
			grow_direct_map(sys, page, chunk);
			sys->nr_chunks++;
		}
	}
	while (n--)
		__free_pages(below[n], ALTMM_PFN_SECTION_SHIFT);
	return ret;
}

/**
 * altmm_arena_remove_chunk() - give a removed section's chunk back to the
 *	host (arch_remove_memory())
 * @sys: instance
 * @nr: a section no longer present, whose frames nobody holds
 *
 * Its descriptors stay: a lockless walker that looked the section up
 * before it went may still read them.
 *
 * Context: process context; memory hotplug's lock.
 */
void altmm_arena_remove_chunk(struct altmm_system *sys, unsigned long nr)
{
	unsigned long hpfn = sys->sections[nr].host_pfn;

	WRITE_ONCE(sys->chunk_map[(hpfn >> ALTMM_PFN_SECTION_SHIFT) - sys->chunk_base], 0);
	__free_pages(pfn_to_page(hpfn), ALTMM_PFN_SECTION_SHIFT);
	sys->sections[nr].host_pfn = 0;
	sys->nr_chunks--;
}

/**
 * altmm_arena_release() - give every chunk back to the host
 * @sys: instance
 *
 * Everything altmm built inside the arena (node data, descriptors, usemaps)
 * goes with it.
 *
 * Context: process context, may sleep.
 */
void altmm_arena_release(struct altmm_system *sys)
{
	struct retired_chunk_map *old, *next;
	unsigned long nr;

	WRITE_ONCE(sys->chunk_span, 0);
	WRITE_ONCE(sys->dm_size, 0);
	kvfree(sys->chunk_map);
	sys->chunk_map = NULL;
	list_for_each_entry_safe(old, next, &sys->retired_chunk_maps, list) {
		kvfree(old->map);
		kfree(old);
	}
	INIT_LIST_HEAD(&sys->retired_chunk_maps);
	for (nr = 0; nr < sys->layout.nr_sections; nr++) {
		struct altmm_section *sec = &sys->sections[nr];

		/* Memory hotplug's descriptors live in the host's heap. */
		if (sec->flags & ALTMM_SECTION_HOST_MEMMAP) {
			kvfree(sec->mem_map);
			kfree(sec->usemap);
		}
		if (!(sec->flags & ALTMM_SECTION_PRESENT)) {
			sec->flags = 0;
			sec->mem_map = NULL;
			sec->usemap = NULL;
			continue;
		}
		__free_pages(pfn_to_page(sec->host_pfn), ALTMM_PFN_SECTION_SHIFT);
		sec->flags = 0;
		sec->mem_map = NULL;
		sec->usemap = NULL;
		sys->nr_chunks--;
		cond_resched();
	}
	WARN_ON(sys->nr_chunks);
}
