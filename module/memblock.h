/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot allocator of an instance (memblock.c): the memory present and
 * the reserved regions, in bytes as memblock keeps them, until every free
 * frame is handed to the buddy lists.
 */
#ifndef _ALTMM_MEMBLOCK_H
#define _ALTMM_MEMBLOCK_H

#include <linux/types.h>

struct altmm_system;

/* === Boot allocator === */

#define ALTMM_MEMBLOCK_REGIONS	128

/**
 * struct altmm_mb_region - one memblock region, in bytes as memblock keeps them
 * @base: first byte
 * @size: bytes
 * @nid: node (memory regions only)
 */
struct altmm_mb_region {
	u64 base;
	u64 size;
	int nid;
};

/**
 * struct altmm_mb_type - a sorted, merged array of regions
 * @cnt: regions in use
 * @name: "memory" or "reserved"
 * @regions: the regions
 */
struct altmm_mb_type {
	unsigned int cnt;
	const char *name;
	struct altmm_mb_region regions[ALTMM_MEMBLOCK_REGIONS];
};

/**
 * struct altmm_memblock - the boot allocator of one instance
 * @memory: memory present in the emulated space
 * @reserved: the firmware page and every allocation
 * @handed_over: set once free frames went to the page allocator; no
 *	allocation is possible afterwards
 */
struct altmm_memblock {
	struct altmm_mb_type memory;
	struct altmm_mb_type reserved;
	bool handed_over;
};

void altmm_memblock_init(struct altmm_memblock *mb);
int altmm_memblock_add(struct altmm_memblock *mb, u64 base, u64 size, int nid);
int altmm_memblock_reserve(struct altmm_memblock *mb, u64 base, u64 size);
u64 altmm_memblock_phys_alloc(struct altmm_memblock *mb, u64 size, u64 align,
			      int nid, bool exact_nid);
void *altmm_memblock_alloc(struct altmm_system *sys, u64 size, u64 align,
			   int nid);
bool altmm_memblock_is_reserved(const struct altmm_memblock *mb, u64 addr);
bool altmm_memblock_is_memory(const struct altmm_memblock *mb, u64 addr);
bool altmm_memblock_next_free(const struct altmm_memblock *mb, u64 *pos,
			      u64 *start, u64 *end);

#endif /* _ALTMM_MEMBLOCK_H */
