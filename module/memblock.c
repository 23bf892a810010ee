// SPDX-License-Identifier: GPL-2.0
/*
 * The boot allocator: memblock's design, over altmm's emulated space.
 *
 * Two sorted arrays of regions, "memory" (what exists, tagged with its
 * node) and "reserved" (the firmware page and every allocation), are all
 * there is.  A frame is free when it is in memory and not reserved.  It
 * serves altmm's own metadata (node data, descriptor arrays, usemaps) from
 * the arena before any page allocator exists, top-down as memblock does,
 * node-local first; then altmm_memblock_next_free() walks the free ranges
 * so that every free frame can be handed over, after which it refuses to
 * allocate.
 *
 * One difference from memblock: the arena is contiguous only within a
 * section (each is a separate host chunk), so no allocation may straddle a
 * section boundary, which also caps an allocation at 4 MiB.
 *
 * Region arrays are fixed (128 entries): allocations are placed top-down
 * next to each other and merge, so even 64 GiB with every hole allowed
 * stays far below it; overflowing is an error, not a resize.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "mmzone.h"

static u64 region_end(const struct altmm_mb_region *r)
{
	return r->base + r->size;
}

/**
 * altmm_memblock_init() - empty boot allocator
 * @mb: the allocator
 */
void altmm_memblock_init(struct altmm_memblock *mb)
{
	memset(mb, 0, sizeof(*mb));
	mb->memory.name = "memory";
	mb->reserved.name = "reserved";
}
EXPORT_SYMBOL_NS_GPL(altmm_memblock_init, ALTMM_INTERNAL);

static void remove_region(struct altmm_mb_type *type, unsigned int i)
{
	memmove(&type->regions[i], &type->regions[i + 1],
		(type->cnt - i - 1) * sizeof(type->regions[0]));
	type->cnt--;
}

/* Merge each region with the next while they touch and share a node. */
static void merge_regions(struct altmm_mb_type *type)
{
	unsigned int i = 0;

	while (i + 1 < type->cnt) {
		struct altmm_mb_region *this = &type->regions[i];
		struct altmm_mb_region *next = &type->regions[i + 1];

		if (region_end(this) < next->base || this->nid != next->nid) {
			i++;
			continue;
		}
		this->size = max(region_end(this), region_end(next)) - this->base;
		remove_region(type, i + 1);
	}
}

static int insert_region(struct altmm_mb_type *type, u64 base, u64 size,
			 int nid, bool may_overlap)
{
	unsigned int i;

	if (!size || base + size < base)
		return -EINVAL;
	for (i = 0; i < type->cnt; i++) {
		struct altmm_mb_region *r = &type->regions[i];

		if (!may_overlap && base < region_end(r) && r->base < base + size)
			return -EINVAL;
		if (r->base > base)
			break;
	}
	if (type->cnt == ALTMM_MEMBLOCK_REGIONS)
		return -ENOSPC;
	memmove(&type->regions[i + 1], &type->regions[i],
		(type->cnt - i) * sizeof(type->regions[0]));
	type->regions[i] = (struct altmm_mb_region){ base, size, nid };
	type->cnt++;
	merge_regions(type);
	return 0;
}

/**
 * altmm_memblock_add() - declare a range of memory
 * @mb: the allocator
 * @base: first byte
 * @size: bytes
 * @nid: node
 *
 * Return: 0, -EINVAL for an empty range or one overlapping known memory,
 * -ENOSPC when the region array is full.
 */
int altmm_memblock_add(struct altmm_memblock *mb, u64 base, u64 size, int nid)
{
	return insert_region(&mb->memory, base, size, nid, false);
}
EXPORT_SYMBOL_NS_GPL(altmm_memblock_add, ALTMM_INTERNAL);

/**
 * altmm_memblock_reserve() - mark a range as not free
 * @mb: the allocator
 * @base: first byte
 * @size: bytes
 *
 * Reservations may overlap each other; they are merged.
 *
 * Return: 0, -EINVAL for an empty range, -ENOSPC when the array is full.
 */
int altmm_memblock_reserve(struct altmm_memblock *mb, u64 base, u64 size)
{
	return insert_region(&mb->reserved, base, size, NUMA_NO_NODE, true);
}
EXPORT_SYMBOL_NS_GPL(altmm_memblock_reserve, ALTMM_INTERNAL);

static bool type_contains(const struct altmm_mb_type *type, u64 addr)
{
	unsigned int i;

	for (i = 0; i < type->cnt; i++)
		if (addr >= type->regions[i].base &&
		    addr < region_end(&type->regions[i]))
			return true;
	return false;
}

/**
 * altmm_memblock_is_reserved() - is a byte reserved
 * @mb: the allocator
 * @addr: emulated physical address
 *
 * Return: true if @addr lies in a reserved region.
 */
bool altmm_memblock_is_reserved(const struct altmm_memblock *mb, u64 addr)
{
	return type_contains(&mb->reserved, addr);
}
EXPORT_SYMBOL_NS_GPL(altmm_memblock_is_reserved, ALTMM_INTERNAL);

/**
 * altmm_memblock_is_memory() - is a byte memory
 * @mb: the allocator
 * @addr: emulated physical address
 *
 * Return: true if @addr lies in a memory region.
 */
bool altmm_memblock_is_memory(const struct altmm_memblock *mb, u64 addr)
{
	return type_contains(&mb->memory, addr);
}
EXPORT_SYMBOL_NS_GPL(altmm_memblock_is_memory, ALTMM_INTERNAL);

/**
 * altmm_memblock_next_free() - the next free range at or above a position
 * @mb: the allocator
 * @pos: where to look from; advanced past the range returned
 * @start: first free byte
 * @end: byte after the last free one
 *
 * A free range never spans two memory regions, so it has one node.
 *
 * Return: true and the range, or false when there is none above @pos.
 */
bool altmm_memblock_next_free(const struct altmm_memblock *mb, u64 *pos,
			      u64 *start, u64 *end)
{
	unsigned int m, r;

	for (m = 0; m < mb->memory.cnt; m++) {
		const struct altmm_mb_region *mem = &mb->memory.regions[m];
		u64 s = max(mem->base, *pos), e = region_end(mem);

		for (r = 0; r < mb->reserved.cnt && s < e; r++) {
			const struct altmm_mb_region *rsv = &mb->reserved.regions[r];

			if (region_end(rsv) <= s)
				continue;
			if (rsv->base > s) {
				e = min(e, rsv->base);
				break;
			}
			s = region_end(rsv);
		}
		if (s < e) {
			*start = s;
			*end = e;
			*pos = e;
			return true;
		}
	}
	return false;
}
EXPORT_SYMBOL_NS_GPL(altmm_memblock_next_free, ALTMM_INTERNAL);

static int region_nid(const struct altmm_memblock *mb, u64 addr)
{
	unsigned int i;

	for (i = 0; i < mb->memory.cnt; i++)
		if (addr >= mb->memory.regions[i].base &&
		    addr < region_end(&mb->memory.regions[i]))
			return mb->memory.regions[i].nid;
	return NUMA_NO_NODE;
}

/* Highest aligned place for @size bytes in [s, e) within one section. */
static u64 fit_top_down(u64 s, u64 e, u64 size, u64 align)
{
	u64 cand;

	while (e >= s + size) {
		cand = round_down(e - size, align);
		if (cand < s)
			return 0;
		if ((cand >> ALTMM_SECTION_SHIFT) ==
		    ((cand + size - 1) >> ALTMM_SECTION_SHIFT))
			return cand;
		/* Straddles a boundary: try just below it. */
		e = round_down(cand + size - 1, 1ULL << ALTMM_SECTION_SHIFT);
	}
	return 0;
}

static u64 find_top_down(const struct altmm_memblock *mb, u64 size, u64 align,
			 int nid)
{
	u64 pos = 0, s, e, best = 0;

	while (altmm_memblock_next_free(mb, &pos, &s, &e)) {
		u64 cand;

		if (nid != NUMA_NO_NODE && region_nid(mb, s) != nid)
			continue;
		cand = fit_top_down(s, e, size, align);
		if (cand > best)
			best = cand;
	}
	return best;
}

/**
 * altmm_memblock_phys_alloc() - reserve a range, as memblock_phys_alloc_try_nid()
 * @mb: the allocator
 * @size: bytes, at most one section
 * @align: alignment, a power of two; 0 means a cache line
 * @nid: preferred node, or NUMA_NO_NODE
 * @exact_nid: fail rather than fall back to another node
 *
 * The highest fitting range wins, as memblock allocates top-down.  The
 * memory is not touched, so this works on an allocator with no arena
 * behind it (the KUnit suites use that).
 *
 * Context: before hand-over.
 * Return: the emulated physical address, or 0 on failure (the first page
 * of memory is reserved at creation, so 0 is never a valid answer).
 */
u64 altmm_memblock_phys_alloc(struct altmm_memblock *mb, u64 size, u64 align,
			      int nid, bool exact_nid)
{
	u64 addr;

	if (WARN_ON_ONCE(mb->handed_over))
		return 0;
	if (!align)
		align = SMP_CACHE_BYTES;
	if (!size || size > (1ULL << ALTMM_SECTION_SHIFT) || !is_power_of_2(align))
		return 0;

	addr = find_top_down(mb, size, align, nid);
	if (!addr && nid != NUMA_NO_NODE && !exact_nid)
		addr = find_top_down(mb, size, align, NUMA_NO_NODE);
	if (!addr || altmm_memblock_reserve(mb, addr, size))
		return 0;
	return addr;
}
EXPORT_SYMBOL_NS_GPL(altmm_memblock_phys_alloc, ALTMM_INTERNAL);

/**
 * altmm_memblock_alloc() - zeroed metadata from the arena
 * @sys: instance whose arena is acquired
 * @size: bytes, at most one section
 * @align: alignment, a power of two; 0 means a cache line
 * @nid: preferred node, or NUMA_NO_NODE
 *
 * Falls back to any node, as memblock_alloc_try_nid() does.
 *
 * Context: instance construction, before hand-over.
 * Return: the direct-map address of the zeroed allocation, or NULL.
 */
void *altmm_memblock_alloc(struct altmm_system *sys, u64 size, u64 align,
			   int nid)
{
	u64 addr = altmm_memblock_phys_alloc(&sys->memblock, size, align, nid,
					     false);
	void *p;

	if (!addr)
		return NULL;
	p = altmm_phys_to_virt(sys, addr);
	memset(p, 0, size);
	return p;
}
