/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory map of an instance before any of it exists: the geometry
 * altmm emulates (4 KiB frames, 4 MiB sections, orders 0..10, pageblocks
 * of order 9), the zone types, the parameters a person gives, and the
 * validated layout that layout.c computes from them: node ranges, holes,
 * the device range and each zone's bounds, all in pfns.  Nothing here
 * needs the arena or the allocator, so the layout can be checked (and
 * tested) alone.
 */
#ifndef _ALTMM_LAYOUT_H
#define _ALTMM_LAYOUT_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/types.h>

/* === Geometry === */

#define ALTMM_SECTION_SHIFT		22	/* bytes: 4 MiB */
#define ALTMM_PFN_SECTION_SHIFT		(ALTMM_SECTION_SHIFT - PAGE_SHIFT)
#define ALTMM_PAGES_PER_SECTION		BIT(ALTMM_PFN_SECTION_SHIFT)
#define ALTMM_SECTION_MASK		(ALTMM_PAGES_PER_SECTION - 1)
#define ALTMM_SECTION_MB		(1U << (ALTMM_SECTION_SHIFT - 20))

/* Orders 0..10 as in 6.1; a max-order block is exactly one section. */
#define ALTMM_MAX_ORDER			11
#define ALTMM_MAX_ORDER_NR_PAGES	(1UL << (ALTMM_MAX_ORDER - 1))
#define ALTMM_PAGEBLOCK_ORDER		9
#define ALTMM_PAGEBLOCK_NR_PAGES	BIT(ALTMM_PAGEBLOCK_ORDER)
#define ALTMM_PAGEBLOCKS_PER_SECTION	\
	(ALTMM_PAGES_PER_SECTION / ALTMM_PAGEBLOCK_NR_PAGES)
/* 6.1's pageblock bits: three of migrate type, then PB_migrate_skip. */
#define ALTMM_NR_PAGEBLOCK_BITS		4
#define ALTMM_PB_MIGRATETYPE_BITS	3
#define ALTMM_PB_MIGRATE_SKIP		3
#define ALTMM_USEMAP_LONGS		\
	BITS_TO_LONGS(ALTMM_PAGEBLOCKS_PER_SECTION * ALTMM_NR_PAGEBLOCK_BITS)

static_assert(PAGE_SHIFT == 12, "altmm models 4 KiB frames");
static_assert(ALTMM_MAX_ORDER_NR_PAGES == ALTMM_PAGES_PER_SECTION,
	      "a max-order block must be one section");

#define ALTMM_MAX_NUMNODES		8
/*
 * The largest swap area: its slots are host pages taken as pages are
 * swapped out, its map nine bytes a slot taken at load.
 */
#define ALTMM_MAX_SWAP_MB		16384
#define ALTMM_MAX_HOLES			16
#define ALTMM_MAX_MEM_RANGES		(ALTMM_MAX_NUMNODES + ALTMM_MAX_HOLES + 1)
#define ALTMM_MAX_CPU_PARAMS		64
#define ALTMM_LOCAL_DISTANCE		10
#define ALTMM_REMOTE_DISTANCE		20
#define ALTMM_MAX_DISTANCE		254
#define ALTMM_MAX_ARENA_MB		65536

/* === Zones === */

enum altmm_zone_type {
	ALTMM_ZONE_DMA,
	ALTMM_ZONE_DMA32,
	ALTMM_ZONE_NORMAL,
	ALTMM_ZONE_HIGHMEM,
	ALTMM_ZONE_MOVABLE,
	ALTMM_ZONE_DEVICE,
	ALTMM_NR_ZONES
};

extern const char * const altmm_zone_names[ALTMM_NR_ZONES];

/* === Parameters and layout === */

/**
 * struct altmm_params - the description of one instance, as a person gives it
 * @arena_mb: size of the emulated physical address space, MiB
 * @nr_nodes: number of nodes
 * @node_mb: per-node sizes in MiB, or all zero for an even split
 * @nr_node_mb: entries given in @node_mb (0 = even split)
 * @distance: row-major @nr_nodes x @nr_nodes distance table
 * @nr_distance: entries given in @distance (0 = 10 local, 20 remote)
 * @cpu_node: node of each CPU
 * @nr_cpu_node: entries given in @cpu_node (0 = CPU i on node i % nodes)
 * @dma_mb: end of ZONE_DMA (0: no DMA zone)
 * @dma32_mb: end of ZONE_DMA32, standing in for 4 GiB (0: no DMA32 zone)
 * @highmem_mb: start of ZONE_HIGHMEM (0: no highmem)
 * @device_mb: size of the ZONE_DEVICE range at the top of the space
 * @kernelcore: kernelcore= string ("64M", "25%"), or NULL
 * @movablecore: movablecore= string, or NULL
 * @holes: "size@start[,size@start...]" absent ranges, or NULL
 * @fail_chunk: fault injection for tests: the host refuses the n-th chunk
 *	(1-based); 0 never
 * @arena_fill: for tests: every chunk is filled with this byte when the
 *	host hands it over, as memory the host used and freed (the test VM
 *	boots init_on_alloc=0) arrives; 0 leaves chunks as they come
 * @init_on_alloc: the instance's first &altmm_tunables.init_on_alloc
 * @init_on_free: its first &altmm_tunables.init_on_free
 * @slab_debug: its &altmm_tunables.slab_debug, which the caches made while
 *	it boots get too
 * @swap_mb: its swap area for user memory (usermem.h), 0 for none
 * @page_owner: track who allocated each block (page_owner.c)
 */
struct altmm_params {
	unsigned int arena_mb;
	unsigned int nr_nodes;
	unsigned int node_mb[ALTMM_MAX_NUMNODES];
	unsigned int nr_node_mb;
	unsigned int distance[ALTMM_MAX_NUMNODES * ALTMM_MAX_NUMNODES];
	unsigned int nr_distance;
	unsigned int cpu_node[ALTMM_MAX_CPU_PARAMS];
	unsigned int nr_cpu_node;
	unsigned int dma_mb;
	unsigned int dma32_mb;
	unsigned int highmem_mb;
	unsigned int device_mb;
	const char *kernelcore;
	const char *movablecore;
	const char *holes;
	unsigned int fail_chunk;
	u8 arena_fill;
	bool init_on_alloc;
	bool init_on_free;
	slab_flags_t slab_debug;
	unsigned int swap_mb;
	bool page_owner;
};

/**
 * struct altmm_param_error - why a layout was refused
 * @param: the module parameter at fault
 * @reason: what is wrong with it, for the log
 */
struct altmm_param_error {
	const char *param;
	char reason[128];
};

/**
 * struct altmm_range - a half-open pfn range, with the node it belongs to
 * @start: first pfn
 * @end: pfn after the last
 * @nid: node
 */
struct altmm_range {
	unsigned long start;
	unsigned long end;
	int nid;
};

/**
 * struct altmm_layout - a validated physical memory map, all in pfns
 * @end_pfn: end of the emulated space (arena_mb)
 * @nr_sections: sections in the emulated space, present or not
 * @nr_nodes: nodes
 * @node_range: the part of the space each node was given
 * @distance: node distance table
 * @cpu_node: node of each possible CPU (nr_cpu_ids entries)
 * @holes: absent ranges, sorted
 * @nr_holes: entries in @holes
 * @device: the ZONE_DEVICE range (empty when start == end)
 * @mem: memory ranges (node ranges less holes and device), sorted
 * @nr_mem: entries in @mem
 * @mem_start: first memory pfn ("start of DRAM")
 * @mem_end: pfn after the last memory pfn
 * @zone_low: lowest possible pfn of each zone type (arch_zone_lowest_...)
 * @zone_high: highest possible pfn of each zone type, exclusive
 * @movable_zone: zone type ZONE_MOVABLE is carved from
 * @zone_movable_pfn: where ZONE_MOVABLE starts on each node, 0 if nowhere
 * @required_kernelcore: pages asked for by kernelcore=/movablecore=, for
 *	the log
 */
struct altmm_layout {
	unsigned long end_pfn;
	unsigned long nr_sections;
	int nr_nodes;
	struct altmm_range node_range[ALTMM_MAX_NUMNODES];
	u8 distance[ALTMM_MAX_NUMNODES][ALTMM_MAX_NUMNODES];
	u8 *cpu_node;
	struct altmm_range holes[ALTMM_MAX_HOLES];
	int nr_holes;
	struct altmm_range device;
	struct altmm_range mem[ALTMM_MAX_MEM_RANGES];
	int nr_mem;
	unsigned long mem_start;
	unsigned long mem_end;
	unsigned long zone_low[ALTMM_NR_ZONES];
	unsigned long zone_high[ALTMM_NR_ZONES];
	enum altmm_zone_type movable_zone;
	unsigned long zone_movable_pfn[ALTMM_MAX_NUMNODES];
	unsigned long required_kernelcore;
};

int altmm_layout_build(const struct altmm_params *p, struct altmm_layout *l,
		       struct altmm_param_error *err);
void altmm_layout_free(struct altmm_layout *l);
void altmm_layout_zone_span(const struct altmm_layout *l, int nid,
			    enum altmm_zone_type zt, unsigned long *start,
			    unsigned long *end);
unsigned long altmm_layout_mem_pages(const struct altmm_layout *l,
				     unsigned long start, unsigned long end);
void altmm_layout_node_mem_span(const struct altmm_layout *l, int nid,
				unsigned long *start, unsigned long *end);
bool altmm_layout_pfn_absent(const struct altmm_layout *l, unsigned long pfn);

#endif /* _ALTMM_LAYOUT_H */
