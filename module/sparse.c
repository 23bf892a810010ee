// SPDX-License-Identifier: GPL-2.0
/*
 * The sparse memory model: each present section gets its own slice of the
 * frame-descriptor array and its own pageblock usemap, both allocated by
 * the boot allocator on the section's node, as sparse_init() does with
 * memmap and usemap.  Every descriptor starts reserved and carries its
 * section number in its flags; the hand-over clears "reserved" on the
 * frames it releases.
 *
 * ZONE_DEVICE sections get descriptors too (memremap_pages() creates
 * struct pages) but are never online: their frames stay reserved.
 * Memory hotplug gives a section added at run time its descriptors from
 * the host's heap (altmm_sparse_add_section()).
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/mm.h>
#include <linux/slab.h>

#include "mmzone.h"

static void init_section_descs(struct altmm_system *sys,
			       struct altmm_section *sec, unsigned long nr)
{
	unsigned long flags = (nr << ALTMM_PG_SECTION_SHIFT) | BIT(ALTMM_PG_reserved);
	unsigned long i;

	if (sec->flags & ALTMM_SECTION_DEVICE)
		flags |= BIT(ALTMM_PG_device);
	if (sec->zone == ALTMM_ZONE_HIGHMEM ||
	    (sec->zone == ALTMM_ZONE_MOVABLE &&
	     sys->layout.movable_zone == ALTMM_ZONE_HIGHMEM))
		flags |= BIT(ALTMM_PG_highmem);
	for (i = 0; i < ALTMM_PAGES_PER_SECTION; i++) {
		struct altmm_page *d = &sec->mem_map[i];

		d->flags = flags;
		INIT_LIST_HEAD(&d->lru);
		d->private = 0;
		atomic_set(&d->refcount, 0);
	}
}

/* Node and zone of a section, from the layout. */
static void section_place(const struct altmm_layout *l, unsigned long nr,
			  u8 *nid, u8 *zone)
{
	unsigned long pfn = nr << ALTMM_PFN_SECTION_SHIFT;
	int n, zt;

	for (n = 0; n < l->nr_nodes; n++)
		if (pfn >= l->node_range[n].start && pfn < l->node_range[n].end)
			break;
	*nid = n;
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		unsigned long s, e;

		altmm_layout_zone_span(l, n, zt, &s, &e);
		if (pfn >= s && pfn < e) {
			*zone = zt;
			return;
		}
	}
	/* Sections between a node's zones cannot exist: spans are contiguous. */
	WARN_ONCE(1, "section %lu is in no zone of node %d\n", nr, n);
	*zone = ALTMM_ZONE_NORMAL;
}

/**
 * altmm_sparse_init() - give every present section its descriptors and usemap
 * @sys: instance with its arena acquired and node data allocated
 *
 * Context: instance construction.
 * Return: 0, or -ENOMEM when the arena cannot hold the metadata.
 */
int altmm_sparse_init(struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;
	unsigned long nr, i;

	for (nr = 0; nr < l->nr_sections; nr++) {
		struct altmm_section *sec = &sys->sections[nr];
		unsigned long start = nr << ALTMM_PFN_SECTION_SHIFT;

		if (!(sec->flags & ALTMM_SECTION_PRESENT))
			continue;
		section_place(l, nr, &sec->nid, &sec->zone);
		if (start >= l->device.start)
			sec->flags |= ALTMM_SECTION_DEVICE;

		sec->mem_map = altmm_memblock_alloc(sys, ALTMM_PAGES_PER_SECTION *
						    sizeof(struct altmm_page),
						    PAGE_SIZE, sec->nid);
		sec->usemap = altmm_memblock_alloc(sys, ALTMM_USEMAP_LONGS *
						   sizeof(unsigned long),
						   sizeof(unsigned long),
						   sec->nid);
		if (!sec->mem_map || !sec->usemap) {
			pr_err("%s: no room in the arena for the memory map of section %lu\n",
			       sys->name, nr);
			return -ENOMEM;
		}
		init_section_descs(sys, sec, nr);
		/* Every pageblock starts movable, as memmap_init() leaves it. */
		for (i = 0; i < ALTMM_PAGEBLOCKS_PER_SECTION; i++)
			altmm_set_pageblock_migratetype(sys, start + i * ALTMM_PAGEBLOCK_NR_PAGES,
							ALTMM_MIGRATE_MOVABLE);
	}
	return 0;
}

/*
 * Node and zone of a section hot-added in a hole of the layout, as
 * section_place() finds them at boot, but refusing (-EINVAL) what is in
 * no node or zone, or is device memory.
 */
static int hotplug_place(const struct altmm_layout *l, unsigned long nr, u8 *nid, u8 *zone)
{
	unsigned long pfn = nr << ALTMM_PFN_SECTION_SHIFT, s, e;
	int n, zt;

	if (pfn >= l->device.start && pfn < l->device.end)
		return -EINVAL;
	for (n = 0; n < l->nr_nodes; n++)
		if (pfn >= l->node_range[n].start && pfn < l->node_range[n].end)
			break;
	if (n == l->nr_nodes)
		return -EINVAL;
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		if (zt == ALTMM_ZONE_DEVICE)
			continue;
		altmm_layout_zone_span(l, n, zt, &s, &e);
		if (pfn >= s && pfn < e) {
			*nid = n;
			*zone = zt;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * altmm_sparse_add_section() - descriptors and a usemap for a section
 *	memory hotplug adds (sparse_add_section())
 * @sys: instance
 * @nr: an absent section
 *
 * Its node and zone come from the layout, as at boot.  A section that
 * was present once keeps its descriptors (in the arena, or from an
 * earlier hot-add); one that never was gets them from the host's heap,
 * as 6.1 allocates a hot-added memmap.  Every frame starts reserved and
 * every pageblock movable; the section stays absent for the caller to
 * back and publish.
 *
 * Context: process context, may sleep; memory hotplug's lock.
 * Return: 0, -EINVAL for a section in no node or zone (or device
 * memory), -ENOMEM.
 */
int altmm_sparse_add_section(struct altmm_system *sys, unsigned long nr)
{
	struct altmm_section *sec = &sys->sections[nr];
	unsigned long i;
	u8 nid, zone;
	int ret;

	ret = hotplug_place(&sys->layout, nr, &nid, &zone);
	if (ret)
		return ret;
	if (!sec->mem_map) {
		sec->mem_map = kvcalloc(ALTMM_PAGES_PER_SECTION, sizeof(struct altmm_page),
					GFP_KERNEL);
		sec->usemap = kcalloc(ALTMM_USEMAP_LONGS, sizeof(unsigned long), GFP_KERNEL);
		if (!sec->mem_map || !sec->usemap) {
			kvfree(sec->mem_map);
			kfree(sec->usemap);
			sec->mem_map = NULL;
			sec->usemap = NULL;
			return -ENOMEM;
		}
		WRITE_ONCE(sec->flags, sec->flags | ALTMM_SECTION_HOST_MEMMAP);
	}
	sec->nid = nid;
	WRITE_ONCE(sec->zone, zone);
	init_section_descs(sys, sec, nr);
	memset(sec->usemap, 0, ALTMM_USEMAP_LONGS * sizeof(unsigned long));
	for (i = 0; i < ALTMM_PAGEBLOCKS_PER_SECTION; i++) {
		unsigned int shift;
		unsigned long bit = i * ALTMM_NR_PAGEBLOCK_BITS;

		/* pageblock_word() needs a present section: set the bits directly. */
		shift = bit % BITS_PER_LONG;
		sec->usemap[bit / BITS_PER_LONG] |= (unsigned long)ALTMM_MIGRATE_MOVABLE << shift;
	}
	return 0;
}

/* A host pfn to ours, through the chunk table; false for foreign frames. */
static bool host_pfn_to_pfn(const struct altmm_system *sys, unsigned long hpfn,
			    unsigned long *pfn)
{
	unsigned long idx = (hpfn >> ALTMM_PFN_SECTION_SHIFT) - sys->chunk_base;
	u32 nr;

	/* Pairs with the release in grow_chunk_map(): a longer span, a longer map. */
	if (idx >= smp_load_acquire(&sys->chunk_span))
		return false;
	nr = READ_ONCE(READ_ONCE(sys->chunk_map)[idx]);
	if (!nr)
		return false;
	*pfn = ((unsigned long)(nr - 1) << ALTMM_PFN_SECTION_SHIFT) |
	       (hpfn & ALTMM_SECTION_MASK);
	return true;
}

/**
 * altmm_host_page_to_pfn() - the altmm pfn of a host page
 * @sys: instance
 * @page: any host struct page
 * @pfn: set to the altmm pfn when the page is in @sys's arena
 *
 * Context: any; lockless (one table load).
 * Return: true if @page is one of @sys's frames, false for a foreign page.
 */
bool altmm_host_page_to_pfn(const struct altmm_system *sys,
			    const struct page *page, unsigned long *pfn)
{
	return host_pfn_to_pfn(sys, page_to_pfn(page), pfn);
}
EXPORT_SYMBOL_NS_GPL(altmm_host_page_to_pfn, ALTMM_INTERNAL);

/**
 * altmm_virt_to_pfn() - the altmm pfn of a kernel virtual address
 * @sys: instance
 * @addr: a direct-map address
 * @pfn: set to the altmm pfn of the frame holding @addr
 *
 * Context: any.
 * Return: true if @addr is in one of @sys's frames; false for any other
 * address, including vmalloc and module addresses.
 */
bool altmm_virt_to_pfn(const struct altmm_system *sys, const void *addr,
		       unsigned long *pfn)
{
	unsigned long off = (unsigned long)addr - READ_ONCE(sys->dm_start);

	/* Inside the direct map of our chunks: subtraction, one table load. */
	if (likely(off < READ_ONCE(sys->dm_size)))
		return host_pfn_to_pfn(sys, (sys->chunk_base << ALTMM_PFN_SECTION_SHIFT) +
				       (off >> PAGE_SHIFT), pfn);
	if (READ_ONCE(sys->dm_size) || !virt_addr_valid(addr))
		return false;
	return altmm_host_page_to_pfn(sys, virt_to_page(addr), pfn);
}
EXPORT_SYMBOL_NS_GPL(altmm_virt_to_pfn, ALTMM_INTERNAL);

/* === Pageblock bits: the usemap of each section === */

static unsigned long *pageblock_word(const struct altmm_system *sys,
				     unsigned long pfn, unsigned int *shift)
{
	unsigned long idx = (pfn & ALTMM_SECTION_MASK) >> ALTMM_PAGEBLOCK_ORDER;
	unsigned long bit = idx * ALTMM_NR_PAGEBLOCK_BITS;

	*shift = bit % BITS_PER_LONG;
	return &altmm_pfn_to_section(sys, pfn)->usemap[bit / BITS_PER_LONG];
}

/**
 * altmm_get_pageblock_migratetype() - the migrate type of a frame's pageblock
 * @sys: instance
 * @pfn: a present frame
 *
 * Context: any; a racy read, as get_pageblock_migratetype() is.
 * Return: an &enum altmm_migratetype.
 */
int altmm_get_pageblock_migratetype(const struct altmm_system *sys,
				    unsigned long pfn)
{
	unsigned int shift;
	unsigned long word = READ_ONCE(*pageblock_word(sys, pfn, &shift));

	return (word >> shift) & (BIT(ALTMM_PB_MIGRATETYPE_BITS) - 1);
}
EXPORT_SYMBOL_NS_GPL(altmm_get_pageblock_migratetype, ALTMM_INTERNAL);

/*
 * set_pfnblock_flags_mask(): the type changes under the zone lock, the
 * skip bit without it (compaction's scanners), so both update the word
 * with a compare-and-exchange and neither loses the other's bits.
 */
static void set_pageblock_bits(struct altmm_system *sys, unsigned long pfn,
			       unsigned long bits, unsigned long mask)
{
	unsigned int shift;
	unsigned long *word = pageblock_word(sys, pfn, &shift);
	unsigned long old = READ_ONCE(*word);

	mask <<= shift;
	bits <<= shift;
	do {
		if ((old & mask) == bits)
			return;
	} while (!try_cmpxchg(word, &old, (old & ~mask) | bits));
}

/**
 * altmm_set_pageblock_migratetype() - retype a pageblock
 * @sys: instance
 * @pfn: any frame of the pageblock
 * @migratetype: its new type
 *
 * Context: the zone lock, or instance construction.
 */
void altmm_set_pageblock_migratetype(struct altmm_system *sys,
				     unsigned long pfn, int migratetype)
{
	set_pageblock_bits(sys, pfn, migratetype, BIT(ALTMM_PB_MIGRATETYPE_BITS) - 1);
}

/**
 * altmm_get_pageblock_skip() - compaction found nothing to do in this
 *	pageblock lately (get_pageblock_skip())
 * @sys: instance
 * @pfn: a present frame
 *
 * Context: any; a racy read.
 * Return: the pageblock's skip bit.
 */
bool altmm_get_pageblock_skip(const struct altmm_system *sys, unsigned long pfn)
{
	unsigned int shift;
	unsigned long word = READ_ONCE(*pageblock_word(sys, pfn, &shift));

	return (word >> shift) & BIT(ALTMM_PB_MIGRATE_SKIP);
}
EXPORT_SYMBOL_NS_GPL(altmm_get_pageblock_skip, ALTMM_INTERNAL);

/**
 * altmm_set_pageblock_skip() - set or clear a pageblock's skip bit
 * @sys: instance
 * @pfn: any frame of the pageblock
 * @skip: the new value
 *
 * Context: any.
 */
void altmm_set_pageblock_skip(struct altmm_system *sys, unsigned long pfn, bool skip)
{
	set_pageblock_bits(sys, pfn, skip ? BIT(ALTMM_PB_MIGRATE_SKIP) : 0,
			   BIT(ALTMM_PB_MIGRATE_SKIP));
}
