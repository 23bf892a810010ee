/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altmm internals: the data structures shared by the layers of altmm.ko and
 * by its KUnit suites.  Nothing here is a stable interface; consumers use
 * include/altmm.h.
 *
 * One struct altmm_system is one complete memory stack.  Its emulated
 * physical address space is cut into 4 MiB sections; each present section
 * is backed by one naturally aligned order-10 block of host pages (the
 * largest block 6.1 hands out), so an altmm pfn and a host pfn differ only
 * in their section bits.  Absent sections are holes.
 *
 *   altmm pfn --(pfn >> 10)--> struct altmm_section --> host chunk, mem_map
 *   host pfn  --(pfn >> 10)--> xarray host_chunks  --> section number
 *   descriptor --(flags >> ALTMM_PG_SECTION_SHIFT)--> section number
 *
 * Every conversion is therefore O(1) (the xarray walk is bounded by the
 * host pfn width), and a host page that is not in an arena chunk is
 * foreign.
 *
 * Locking: at this stage everything below is written only while an
 * instance is built or torn down, single-threaded, and is read-only while
 * it is visible (debugfs removes its files before teardown).  The page
 * allocator adds the zone locks and documents the order in page_alloc.c.
 */
#ifndef _ALTMM_INTERNAL_H
#define _ALTMM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/types.h>
#include <linux/xarray.h>

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
#define ALTMM_NR_PAGEBLOCK_BITS		4
#define ALTMM_USEMAP_LONGS		\
	BITS_TO_LONGS(ALTMM_PAGEBLOCKS_PER_SECTION * ALTMM_NR_PAGEBLOCK_BITS)

static_assert(PAGE_SHIFT == 12, "altmm models 4 KiB frames");
static_assert(ALTMM_MAX_ORDER_NR_PAGES == ALTMM_PAGES_PER_SECTION,
	      "a max-order block must be one section");

#define ALTMM_MAX_NUMNODES		8
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

/* === Frame descriptors and sections === */

/*
 * struct altmm_page - altmm's own descriptor of one frame (32 bytes; the
 * kernel's struct page is 64).  @flags holds the ALTMM_PG_* bits in its low
 * bits and the section number in its top ALTMM_PG_SECTION_BITS, which is
 * what makes descriptor -> pfn O(1) without a per-frame pfn field.
 */
struct altmm_page {
	unsigned long flags;
	struct list_head lru;
	unsigned int private;
	atomic_t refcount;
};

static_assert(sizeof(struct altmm_page) <= 32 || BITS_PER_LONG == 32,
	      "the frame descriptor must stay within 32 bytes");

enum altmm_pageflags {
	ALTMM_PG_reserved,	/* not handed to the allocator */
	ALTMM_PG_device,	/* ZONE_DEVICE frame, never allocatable */
	ALTMM_NR_PAGEFLAGS
};

#define ALTMM_PG_SECTION_BITS	24
#define ALTMM_PG_SECTION_SHIFT	(BITS_PER_LONG - ALTMM_PG_SECTION_BITS)
static_assert(ALTMM_NR_PAGEFLAGS <= ALTMM_PG_SECTION_SHIFT);

enum altmm_section_flags {
	ALTMM_SECTION_PRESENT	= BIT(0),	/* backed by a host chunk */
	ALTMM_SECTION_ONLINE	= BIT(1),	/* its frames are managed */
	ALTMM_SECTION_DEVICE	= BIT(2),	/* ZONE_DEVICE, kept out */
};

/**
 * struct altmm_section - one 4 MiB section of the emulated space
 * @host_pfn: first host pfn of the order-10 chunk backing it
 * @mem_map: its slice of the descriptor array (lives in the arena)
 * @usemap: pageblock migratetype bits (lives in the arena)
 * @flags: ALTMM_SECTION_*
 * @nid: node
 * @zone: zone type (boundaries are section aligned)
 */
struct altmm_section {
	unsigned long host_pfn;
	struct altmm_page *mem_map;
	unsigned long *usemap;
	u8 flags;
	u8 nid;
	u8 zone;
};

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

struct altmm_system;

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

/* === Nodes and zones === */

struct altmm_node;

/**
 * struct altmm_zone - one zone of one node
 * @node: the node it belongs to
 * @type: zone type, and index in the node's @zones
 * @zone_start_pfn: first pfn spanned
 * @spanned_pages: pfns spanned, holes included
 * @present_pages: frames present (holes excluded)
 * @managed_pages: frames handed to the allocator (reserved excluded)
 * @nr_free: managed frames not allocated
 */
struct altmm_zone {
	struct altmm_node *node;
	enum altmm_zone_type type;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	atomic_long_t managed_pages;
	atomic_long_t nr_free;
};

/**
 * struct altmm_node - one emulated NUMA node (pglist_data); lives in the arena
 * @nid: node id
 * @node_start_pfn: first pfn of the node's memory
 * @node_spanned_pages: pfns spanned, holes and device range included
 * @node_present_pages: frames present
 * @zones: its zones, every type, populated or not
 */
struct altmm_node {
	int nid;
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	unsigned long node_present_pages;
	struct altmm_zone zones[ALTMM_NR_ZONES];
};

#define for_each_altmm_node(sys, node, nid)				\
	for ((nid) = 0; (nid) < (sys)->layout.nr_nodes &&		\
	     ((node) = (sys)->nodes[(nid)], 1); (nid)++)

/* As populated_zone(): present frames, whether or not any is managed. */
static inline bool altmm_zone_populated(const struct altmm_zone *zone)
{
	return zone->present_pages != 0;
}

/* === The instance === */

/**
 * struct altmm_system - one complete altmm memory stack
 * @name: for the log
 * @layout: its validated memory map
 * @sections: section table, one entry per section of the span
 * @host_chunks: host pfn >> ALTMM_PFN_SECTION_SHIFT -> section number
 * @nr_chunks: host chunks held
 * @fail_chunk: from &struct altmm_params
 * @memblock: the boot allocator
 * @nodes: node data, in the arena
 * @layout_text: the boot-log summary, rendered once
 * @debugfs: its debugfs directory, or NULL
 */
struct altmm_system {
	const char *name;
	struct altmm_layout layout;
	struct altmm_section *sections;
	struct xarray host_chunks;
	unsigned long nr_chunks;
	unsigned int fail_chunk;
	struct altmm_memblock memblock;
	struct altmm_node *nodes[ALTMM_MAX_NUMNODES];
	char *layout_text;
	struct dentry *debugfs;
};

int altmm_system_create(const struct altmm_params *p, const char *name,
			struct altmm_system **out, struct altmm_param_error *err);
void altmm_system_destroy(struct altmm_system *sys);

/* arena.c */
int altmm_arena_acquire(struct altmm_system *sys);
void altmm_arena_release(struct altmm_system *sys);

/* sparse.c */
int altmm_sparse_init(struct altmm_system *sys);
bool altmm_host_page_to_pfn(const struct altmm_system *sys,
			    const struct page *page, unsigned long *pfn);
bool altmm_virt_to_pfn(const struct altmm_system *sys, const void *addr,
		       unsigned long *pfn);

/* debugfs.c */
void altmm_debugfs_create(struct altmm_system *sys, struct dentry *parent);
void altmm_debugfs_remove(struct altmm_system *sys);
int altmm_layout_render(struct altmm_system *sys);

/* === O(1) conversions === */

static inline unsigned long altmm_pfn_to_section_nr(unsigned long pfn)
{
	return pfn >> ALTMM_PFN_SECTION_SHIFT;
}

/* The present section holding @pfn, or NULL for a hole or out of range. */
static inline struct altmm_section *
altmm_pfn_to_section(const struct altmm_system *sys, unsigned long pfn)
{
	unsigned long nr = altmm_pfn_to_section_nr(pfn);

	if (nr >= sys->layout.nr_sections)
		return NULL;
	if (!(sys->sections[nr].flags & ALTMM_SECTION_PRESENT))
		return NULL;
	return &sys->sections[nr];
}

static inline bool altmm_pfn_valid(const struct altmm_system *sys,
				   unsigned long pfn)
{
	return !!altmm_pfn_to_section(sys, pfn);
}

static inline struct altmm_page *
altmm_pfn_to_desc(const struct altmm_system *sys, unsigned long pfn)
{
	struct altmm_section *sec = altmm_pfn_to_section(sys, pfn);

	return sec ? sec->mem_map + (pfn & ALTMM_SECTION_MASK) : NULL;
}

static inline unsigned long altmm_desc_section_nr(const struct altmm_page *d)
{
	return d->flags >> ALTMM_PG_SECTION_SHIFT;
}

static inline unsigned long altmm_desc_to_pfn(const struct altmm_system *sys,
					      const struct altmm_page *d)
{
	unsigned long nr = altmm_desc_section_nr(d);

	return (nr << ALTMM_PFN_SECTION_SHIFT) + (d - sys->sections[nr].mem_map);
}

static inline struct page *
altmm_pfn_to_host_page(const struct altmm_system *sys, unsigned long pfn)
{
	struct altmm_section *sec = altmm_pfn_to_section(sys, pfn);

	return sec ? pfn_to_page(sec->host_pfn + (pfn & ALTMM_SECTION_MASK)) :
		     NULL;
}

/*
 * The host's direct-map address of a frame.  This is the raw conversion;
 * the model's page_address() of a HIGHMEM frame is NULL, as in a kernel
 * with highmem, and comes with the kmap emulation.
 */
static inline void *altmm_pfn_to_virt(const struct altmm_system *sys,
				      unsigned long pfn)
{
	struct page *page = altmm_pfn_to_host_page(sys, pfn);

	return page ? page_address(page) : NULL;
}

static inline void *altmm_phys_to_virt(const struct altmm_system *sys,
				       u64 phys)
{
	void *base = altmm_pfn_to_virt(sys, phys >> PAGE_SHIFT);

	return base ? base + offset_in_page(phys) : NULL;
}

static inline struct altmm_zone *
altmm_pfn_to_zone(const struct altmm_system *sys, unsigned long pfn)
{
	struct altmm_section *sec = altmm_pfn_to_section(sys, pfn);

	return sec ? &sys->nodes[sec->nid]->zones[sec->zone] : NULL;
}

static inline bool altmm_desc_test(const struct altmm_page *d, int flag)
{
	return test_bit(flag, &d->flags);
}

#endif /* _ALTMM_INTERNAL_H */
