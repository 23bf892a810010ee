/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory model of altmm.ko: frame descriptors, sections, zones, nodes
 * and the instance that holds them, shared by every layer and by the
 * KUnit suites.  Nothing here is a stable interface; consumers use
 * include/altmm.h.
 *
 * One struct altmm_system is one complete memory stack.  Its emulated
 * physical address space is cut into 4 MiB sections; each present section
 * is backed by one naturally aligned order-10 block of host pages (the
 * largest block 6.1 hands out), so an altmm pfn and a host pfn differ only
 * in their section bits.  Absent sections are holes.
 *
 *   altmm pfn --(pfn >> 10)--> struct altmm_section --> host chunk, mem_map
 *   host pfn  --(pfn >> 10)--> chunk_map[chunk - base] --> section number
 *   descriptor --(flags >> ALTMM_PG_SECTION_SHIFT)--> section number
 *
 * Every conversion is therefore O(1), and a host page that is not in an
 * arena chunk is foreign.
 *
 * Locking: the layout is written only while an instance is built or
 * torn down.  The section table and the chunk map are too, but for
 * memory hotplug, which changes a section's flags, zone and host chunk
 * and grows the chunk map under &altmm_system.hotplug_lock, publishing
 * each change so that a lockless lookup sees an old or a new state,
 * never a torn one (memory_hotplug.c, arena.c).  Each structure below that changes at
 * run time names the lock that protects it; the one lock order of the
 * module is in buddy.c's head comment.
 */
#ifndef _ALTMM_MMZONE_H
#define _ALTMM_MMZONE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/rwsem.h>
#include <linux/mm.h>
#include <linux/compaction.h>
#include <linux/gfp.h>
#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "altmm.h"
#include "layout.h"
#include "memblock.h"

struct altmm_slab_state;
struct altmm_vmalloc_state;

/* === Migrate types === */

enum altmm_migratetype {
	ALTMM_MIGRATE_UNMOVABLE,
	ALTMM_MIGRATE_MOVABLE,
	ALTMM_MIGRATE_RECLAIMABLE,
	ALTMM_MIGRATE_PCPTYPES,		/* the types with per-CPU lists */
	ALTMM_MIGRATE_HIGHATOMIC = ALTMM_MIGRATE_PCPTYPES,
	ALTMM_MIGRATE_ISOLATE,
	ALTMM_MIGRATE_TYPES
};

extern const char * const altmm_migratetype_names[ALTMM_MIGRATE_TYPES];

/* === Frame descriptors and sections === */

/*
 * struct altmm_page - altmm's own descriptor of one frame (32 bytes; the
 * kernel's struct page is 64).
 *
 * @flags, from bit 0 up: the ALTMM_PG_* bits; a 4-bit field with the
 * migratetype a frame had when it went to a per-CPU list; a 4-bit field
 * with the order of the allocation a head frame starts; and, in the top
 * ALTMM_PG_SECTION_BITS, the section number, which makes descriptor -> pfn
 * O(1) without a per-frame pfn field.
 * @lru: free list, per-CPU list, or the owner's list
 * @private: buddy order while free; offset to the head for a compound
 *	tail; the owner's word otherwise
 * @refcount: references to an allocated frame; 0 while free
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
	ALTMM_PG_buddy,		/* first frame of a free block on a free list */
	ALTMM_PG_pcp,		/* first frame of a block on a per-CPU list */
	ALTMM_PG_alloc,		/* first frame of a live allocation */
	ALTMM_PG_head,		/* head of a compound (__GFP_COMP) allocation */
	ALTMM_PG_tail,		/* tail of a compound allocation */
	ALTMM_PG_slab,		/* owned by the slab layer */
	ALTMM_PG_highmem,	/* in ZONE_HIGHMEM: no permanent mapping */
	ALTMM_PG_lru,		/* on an LRU list (usermem.h) */
	ALTMM_PG_active,	/* on an active LRU list */
	ALTMM_PG_referenced,	/* seen referenced once by reclaim */
	ALTMM_PG_swapbacked,	/* anonymous: reclaimed to swap, anon LRU */
	ALTMM_PG_user,		/* a page of a user-memory object */
	ALTMM_PG_dirty,		/* file page written through a mapping, not yet back */
	ALTMM_PG_writeback,	/* file page being written to its backing store */
	ALTMM_PG_reclaim,	/* dirty page reclaim wants freed once written */
	ALTMM_PG_swapcache,	/* anon page still holding its swap slot (private) */
	ALTMM_PG_movable,	/* its owner can move it: movable_operations id in private */
	ALTMM_PG_isolated,	/* a movable page a migration has taken (PG_isolated) */
	ALTMM_NR_PAGEFLAGS
};

#define ALTMM_PG_MT_SHIFT	24
#define ALTMM_PG_MT_MASK	(0xfUL << ALTMM_PG_MT_SHIFT)
#define ALTMM_PG_ORDER_SHIFT	28
#define ALTMM_PG_ORDER_MASK	(0xfUL << ALTMM_PG_ORDER_SHIFT)
#define ALTMM_PG_SECTION_BITS	24
#define ALTMM_PG_SECTION_SHIFT	(BITS_PER_LONG - ALTMM_PG_SECTION_BITS)
static_assert(ALTMM_NR_PAGEFLAGS <= ALTMM_PG_MT_SHIFT);
static_assert(ALTMM_PG_ORDER_SHIFT + 4 <= ALTMM_PG_SECTION_SHIFT);
static_assert(ALTMM_MAX_ORDER <= 16 && ALTMM_MIGRATE_TYPES <= 16);

enum altmm_section_flags {
	ALTMM_SECTION_PRESENT	= BIT(0),	/* backed by a host chunk */
	ALTMM_SECTION_ONLINE	= BIT(1),	/* its frames are managed */
	ALTMM_SECTION_DEVICE	= BIT(2),	/* ZONE_DEVICE, kept out */
	ALTMM_SECTION_GOING_OFFLINE = BIT(3),	/* memory_hotplug.c is offlining it */
	ALTMM_SECTION_HOTPLUGGED = BIT(4),	/* added or removed at run time */
	ALTMM_SECTION_HOST_MEMMAP = BIT(5),	/* mem_map, usemap from the host's heap */
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

/* === Zones, per-CPU lists, counters === */

enum altmm_wmark {
	ALTMM_WMARK_MIN,
	ALTMM_WMARK_LOW,
	ALTMM_WMARK_HIGH,
	ALTMM_WMARK_PROMO,
	ALTMM_NR_WMARK
};

/*
 * Per-CPU lists hold orders 0..PAGE_ALLOC_COSTLY_ORDER of each pcp type,
 * and, as in a kernel with transparent huge pages (Debian's), pageblock
 * order blocks on two more lists: movable ones and the rest.
 */
#define ALTMM_PCP_MAX_ORDER	3
#define ALTMM_NR_LOWORDER_PCP_LISTS	\
	(ALTMM_MIGRATE_PCPTYPES * (ALTMM_PCP_MAX_ORDER + 1))
#define ALTMM_NR_PCP_THP	2
#define ALTMM_NR_PCP_LISTS	(ALTMM_NR_LOWORDER_PCP_LISTS + ALTMM_NR_PCP_THP)
#define ALTMM_PCP_BATCH_SCALE_MAX	5

/**
 * struct altmm_free_area - the free blocks of one order in one zone
 * @free_list: one list per migrate type, of head descriptors
 * @nr_free: blocks on all of @free_list
 */
struct altmm_free_area {
	struct list_head free_list[ALTMM_MIGRATE_TYPES];
	unsigned long nr_free;
};

enum altmm_numa_stat_item {
	ALTMM_NUMA_HIT,
	ALTMM_NUMA_MISS,
	ALTMM_NUMA_FOREIGN,
	ALTMM_NUMA_INTERLEAVE_HIT,
	ALTMM_NUMA_LOCAL,
	ALTMM_NUMA_OTHER,
	ALTMM_NR_NUMA_STAT_ITEMS
};

/**
 * struct altmm_pcp - one CPU's cache of free blocks of one zone
 * @lock: protects the rest; taken with interrupts off, before zone->lock
 * @count: frames on all lists
 * @high: drain to @batch below this many
 * @batch: frames moved to or from the zone at a time
 * @free_factor: doubles the drain while frees run without allocations
 * @lists: per (order, migratetype), hot (recently freed) frames first
 * @numa_stat: this CPU's share of the zone's NUMA events
 *	(&enum altmm_numa_stat_item), as per_cpu_zonestats keeps them;
 *	updated with this_cpu ops, outside @lock
 */
struct altmm_pcp {
	spinlock_t lock;		/* this CPU's lists and counts */
	int count;
	int high;
	int batch;
	short free_factor;
	struct list_head lists[ALTMM_NR_PCP_LISTS];
	unsigned long numa_stat[ALTMM_NR_NUMA_STAT_ITEMS];
};

/* Zone counters, in 6.1's order (the /proc/zoneinfo block). */
enum altmm_zone_stat_item {
	ALTMM_NR_FREE_PAGES,
	ALTMM_NR_ZONE_INACTIVE_ANON,
	ALTMM_NR_ZONE_ACTIVE_ANON,
	ALTMM_NR_ZONE_INACTIVE_FILE,
	ALTMM_NR_ZONE_ACTIVE_FILE,
	ALTMM_NR_ZONE_UNEVICTABLE,
	ALTMM_NR_ZONE_WRITE_PENDING,
	ALTMM_NR_MLOCK,
	ALTMM_NR_BOUNCE,
	ALTMM_NR_ZSPAGES,
	ALTMM_NR_FREE_CMA_PAGES,
	ALTMM_NR_ZONE_STAT_ITEMS
};

/*
 * The node counters altmm moves; the rest of 6.1's list prints 0.  The
 * two slab counters are in bytes (their _B suffix), misc in frames.
 */
enum altmm_node_stat_item {
	ALTMM_NR_SLAB_RECLAIMABLE_B,
	ALTMM_NR_SLAB_UNRECLAIMABLE_B,
	ALTMM_NR_KERNEL_MISC_RECLAIMABLE,
	ALTMM_NR_ISOLATED_ANON,		/* off the LRU while reclaim looks */
	ALTMM_NR_ISOLATED_FILE,
	ALTMM_WORKINGSET_REFAULT_ANON,
	ALTMM_WORKINGSET_REFAULT_FILE,
	ALTMM_WORKINGSET_ACTIVATE_ANON,
	ALTMM_WORKINGSET_ACTIVATE_FILE,
	ALTMM_NR_ANON_MAPPED,		/* "nr_anon_pages": user anon pages */
	ALTMM_NR_FILE_MAPPED,		/* "nr_mapped": user file pages */
	ALTMM_NR_FILE_PAGES,
	ALTMM_NR_DIRTY,
	ALTMM_NR_WRITEBACK,
	ALTMM_NR_VMSCAN_WRITE,
	ALTMM_NR_VMSCAN_IMMEDIATE,	/* dirty pages reclaim marked to free once written */
	ALTMM_NR_DIRTIED,
	ALTMM_NR_WRITTEN,
	ALTMM_NR_SWAPCACHE,
	ALTMM_NR_NODE_STAT_ITEMS
};

/* Events, summed over CPUs (vm_event_item); per-zone ones per zone type. */
enum altmm_vm_event_item {
	ALTMM_PGALLOC,				/* + zone type */
	ALTMM_PGFREE = ALTMM_PGALLOC + ALTMM_NR_ZONES,
	ALTMM_ALLOCSTALL,			/* + zone type */
	ALTMM_PGSCAN_KSWAPD = ALTMM_ALLOCSTALL + ALTMM_NR_ZONES,
	ALTMM_PGSCAN_DIRECT,
	ALTMM_PGSTEAL_KSWAPD,
	ALTMM_PGSTEAL_DIRECT,
	ALTMM_KSWAPD_WAKE,		/* "pageoutrun": balance runs */
	ALTMM_KSWAPD_LOW_WMARK_HIT_QUICKLY,
	ALTMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	ALTMM_DRAIN_ALL,		/* drains of every CPU's lists */
	ALTMM_ALLOC_FAIL,		/* allocations that returned NULL */
	ALTMM_EXTFRAG,			/* fallbacks to another migratetype */
	ALTMM_STEAL_BLOCK,		/* pageblocks claimed by a fallback */
	ALTMM_HIGHATOMIC_RESERVE,
	ALTMM_HIGHATOMIC_UNRESERVE,
	ALTMM_MISUSE,			/* refused frees and puts */
	ALTMM_PGFAULT,			/* user memory faults */
	ALTMM_PGMAJFAULT,		/* of them, swap-ins and reads */
	ALTMM_PSWPIN,
	ALTMM_PSWPOUT,
	ALTMM_PGPGIN,			/* kB read from a backing store */
	ALTMM_PGPGOUT,			/* kB written to one */
	ALTMM_PGACTIVATE,
	ALTMM_PGDEACTIVATE,
	ALTMM_PGREFILL,			/* active pages scanned */
	ALTMM_PGSCAN_ANON,
	ALTMM_PGSCAN_FILE,
	ALTMM_PGSTEAL_ANON,
	ALTMM_PGSTEAL_FILE,
	ALTMM_PGROTATED,		/* written-back pages moved to the inactive tail */
	ALTMM_PGMIGRATE_SUCCESS,
	ALTMM_PGMIGRATE_FAIL,
	ALTMM_COMPACTMIGRATE_SCANNED,	/* frames the migration scanner looked at */
	ALTMM_COMPACTFREE_SCANNED,	/* frames the free scanner looked at */
	ALTMM_COMPACTISOLATED,		/* pages and free frames isolated */
	ALTMM_COMPACTSTALL,		/* direct compactions that ran */
	ALTMM_COMPACTFAIL,		/* of them, not followed by an allocation */
	ALTMM_COMPACTSUCCESS,
	ALTMM_KCOMPACTD_WAKE,
	ALTMM_KCOMPACTD_MIGRATE_SCANNED,
	ALTMM_KCOMPACTD_FREE_SCANNED,
	ALTMM_OOM_KILL,
	ALTMM_NR_VM_EVENT_ITEMS
};

/**
 * struct altmm_vm_events - one CPU's event counts
 * @event: by &enum altmm_vm_event_item
 */
struct altmm_vm_events {
	unsigned long event[ALTMM_NR_VM_EVENT_ITEMS];
};

struct altmm_node;

/**
 * struct altmm_zone - one zone of one node
 * @lock: protects @free_area, @nr_reserved_highatomic and the pageblock
 *	bits of the zone's sections; irq-safe
 * @free_area: the buddy lists, by order
 * @nr_reserved_highatomic: frames in pageblocks reserved for high-order
 *	atomic allocations
 * @nr_isolate_pageblock: pageblocks of the zone's online sections that
 *	are ALTMM_MIGRATE_ISOLATE; while it is not 0 a free re-reads its
 *	pageblock's type under the lock (6.1's has_isolate_pageblock())
 * @pcp: per-CPU lists
 * @watermark: min, low, high, promo (READ_ONCE; written under
 *	&altmm_system.tune_lock)
 * @watermark_boost: frames added to every watermark after fallbacks
 *	stole pageblocks, until kswapd has reclaimed that much (raised
 *	under the zone lock, lowered under it by kswapd; READ_ONCE)
 * @lowmem_reserve: frames kept back from allocations whose highest zone
 *	is each zone type ("protection")
 * @vm_stat: counters, &enum altmm_zone_stat_item
 * @node: the node it belongs to
 * @type: zone type, and index in the node's @zones
 * @zone_start_pfn: first pfn spanned
 * @spanned_pages: pfns spanned, holes included
 * @present_pages: frames present (holes excluded)
 * @managed_pages: frames handed to the allocator (reserved excluded)
 * @flags: &enum altmm_zone_flags, atomic bit operations
 * @compact_cached_free_pfn: where the free scanner resumes
 * @compact_cached_migrate_pfn: where the migration scanner resumes,
 *	[0] for asynchronous compaction, [1] for synchronous
 * @compact_considered: compactions skipped since the last deferral
 * @compact_defer_shift: skip up to 1 << this many before trying again
 * @compact_order_failed: the lowest order compaction failed for
 * @compact_blockskip_flush: direct compaction met the scanners: clear the
 *	pageblock skip bits when kswapd next goes to sleep
 *
 * The compact_* fields are hints, read and written without a lock
 * (READ_ONCE/WRITE_ONCE), as 6.1's are.
 */
struct altmm_zone {
	spinlock_t lock;		/* free_area, pageblock bits, highatomic */
	struct altmm_free_area free_area[ALTMM_MAX_ORDER];
	unsigned long nr_reserved_highatomic;
	unsigned long nr_isolate_pageblock;

	struct altmm_pcp __percpu *pcp;
	unsigned long watermark[ALTMM_NR_WMARK];
	unsigned long watermark_boost;
	long lowmem_reserve[ALTMM_NR_ZONES];
	atomic_long_t vm_stat[ALTMM_NR_ZONE_STAT_ITEMS];

	struct altmm_node *node;
	enum altmm_zone_type type;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	atomic_long_t managed_pages;
	unsigned long flags;

	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];
	unsigned int compact_considered;
	unsigned int compact_defer_shift;
	int compact_order_failed;
	bool compact_blockskip_flush;
};

enum altmm_zone_flags {
	/* kswapd is balancing the zone's node: per-CPU lists stay short. */
	ALTMM_ZONE_RECLAIM_ACTIVE,
	/* A fallback boosted the watermarks: the next allocation wakes kswapd. */
	ALTMM_ZONE_BOOSTED_WATERMARK,
};

/* Zonelists: nodes by distance, each node's zones highest first. */
enum altmm_zonelist_type {
	ALTMM_ZONELIST_FALLBACK,	/* every node */
	ALTMM_ZONELIST_NOFALLBACK,	/* this node only: __GFP_THISNODE */
	ALTMM_NR_ZONELISTS
};

#define ALTMM_MAX_ZONEREFS	(ALTMM_MAX_NUMNODES * ALTMM_NR_ZONES + 1)

/**
 * struct altmm_zonelist - zones to try, in order, NULL terminated
 * @zones: the zones
 */
struct altmm_zonelist {
	struct altmm_zone *zones[ALTMM_MAX_ZONEREFS];
};

/* The LRU lists, as 6.1's enum lru_list (user memory is never mlocked). */
enum altmm_lru_list {
	ALTMM_LRU_INACTIVE_ANON,
	ALTMM_LRU_ACTIVE_ANON,
	ALTMM_LRU_INACTIVE_FILE,
	ALTMM_LRU_ACTIVE_FILE,
	ALTMM_NR_LRU_LISTS
};

/**
 * struct altmm_lruvec - a node's LRU lists (6.1's lruvec without memcg)
 * @lru_lock: the lists, the pages' lru/active bits while on them
 * @lists: by &enum altmm_lru_list, the newest page first
 * @anon_cost: recent cost of reclaiming anon pages (rotations, refaults)
 * @file_cost: the same for file pages; both halve as 6.1's lru_note_cost()
 * @nonresident_age: pages evicted or activated (workingset clock)
 * @refaults: refault counts at the last reclaim run, [anon, file]
 * @dirty: kswapd found only dirty file pages not queued for writeback on
 *	the inactive list (6.1's PGDAT_DIRTY): it may write them itself
 *
 * The sizes are the zones' ALTMM_NR_ZONE_*_ANON/FILE counters, as in 6.1.
 */
struct altmm_lruvec {
	spinlock_t lru_lock;	/* @lists, @anon_cost, @file_cost */
	struct list_head lists[ALTMM_NR_LRU_LISTS];
	unsigned long anon_cost;
	unsigned long file_cost;
	atomic_long_t nonresident_age;
	unsigned long refaults[2];
	bool dirty;
};

/**
 * struct altmm_node - one emulated NUMA node (pglist_data); lives in the arena
 * @zones: its zones, every type, populated or not
 * @zonelists: fallback orders for allocations preferring this node
 * @nid: node id
 * @node_start_pfn: first pfn of the node's memory
 * @node_spanned_pages: pfns spanned, holes and device range included
 * @node_present_pages: frames present
 * @vm_stat: node counters, &enum altmm_node_stat_item
 * @kswapd: the node's reclaim thread (altmm_kswapd<nid>)
 * @kswapd_wait: where it sleeps
 * @kswapd_order: highest order a waker wants (READ_ONCE/WRITE_ONCE)
 * @kswapd_highest_zoneidx: highest zone a waker wants, ALTMM_NR_ZONES
 *	when no request is pending
 * @kswapd_failures: balance runs that reclaimed nothing in a row
 * @kswapd_asleep: kswapd is in its long sleep, until a waker wakes it
 *	(for tests waiting for a quiet node)
 * @sys: the instance it belongs to
 * @lruvec: its LRU lists of user memory (usermem.h)
 * @kcompactd: the node's compaction thread (altmm_kcompactd<nid>), or NULL
 * @kcompactd_wait: where it sleeps
 * @kcompactd_max_order: highest order a waker wants compacted, 0 for none
 * @kcompactd_highest_zoneidx: highest zone a waker wants compacted
 * @proactive_compact_trigger: compaction_proactiveness was written: a
 *	proactive round is due now
 * @kcompactd_busy: kcompactd is compacting (for checkers waiting for a
 *	quiet node: it drains per-CPU lists and holds isolated frames)
 *
 * As in 6.1, a waker records its order and zone whether or not kswapd
 * sleeps; kswapd reads and resets them each time it wakes.
 */
struct altmm_node {
	struct altmm_zone zones[ALTMM_NR_ZONES];
	struct altmm_zonelist zonelists[ALTMM_NR_ZONELISTS];
	int nid;
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	unsigned long node_present_pages;
	atomic_long_t vm_stat[ALTMM_NR_NODE_STAT_ITEMS];

	struct task_struct *kswapd;
	wait_queue_head_t kswapd_wait;
	int kswapd_order;
	int kswapd_highest_zoneidx;
	int kswapd_failures;
	bool kswapd_asleep;
	struct altmm_system *sys;
	struct altmm_lruvec lruvec;

	struct task_struct *kcompactd;
	wait_queue_head_t kcompactd_wait;
	int kcompactd_max_order;
	int kcompactd_highest_zoneidx;
	bool proactive_compact_trigger;
	bool kcompactd_busy;
};

#define for_each_altmm_node(sys, node, nid)				\
	for ((nid) = 0; (nid) < (sys)->layout.nr_nodes &&		\
	     ((node) = (sys)->nodes[(nid)], 1); (nid)++)

/* As populated_zone(): present frames, whether or not any is managed. */
static inline bool altmm_zone_populated(const struct altmm_zone *zone)
{
	return zone->present_pages != 0;
}

/* === Tunables, shrinkers === */

/**
 * struct altmm_tunables - the /proc/sys/vm knobs altmm models
 * @min_free_kbytes: reserve below which only reserves-allowed callers go
 * @user_min_free_kbytes: as written by a person, or -1 (derived)
 * @watermark_scale_factor: gap between watermarks, in 1/10000 of a zone
 * @lowmem_reserve_ratio: per zone type; 0 disables the protection
 * @percpu_pagelist_high_fraction: 0, or a fraction of the zone for pcp high
 * @page_group_by_mobility_disabled: 1 turns anti-fragmentation off, as the
 *	kernel does on small machines: every request is unmovable and any
 *	fallback claims its whole pageblock
 * @swappiness: 0..200, anon against file in reclaim's scan balance
 * @dirty_background_ratio: percent of dirtyable memory dirty file pages
 *	may take before the flusher is woken
 * @dirty_ratio: percent at which a process dirtying pages writes them
 *	back itself (balance_dirty_pages())
 * @dirty_expire_centisecs: age at which dirty pages are written back
 * @dirty_writeback_centisecs: the flusher's period, 0 for none
 * @watermark_boost_factor: how far a fallback may boost the watermarks,
 *	in 1/10000 of the high watermark (0: never)
 * @compaction_proactiveness: 0..100; how hard kcompactd compacts in the
 *	background, by the fragmentation score it aims for (0: never)
 * @extfrag_threshold: 0..1000; compaction leaves a zone alone for a
 *	costly order when its fragmentation index is at most this (the
 *	failure would be for lack of memory, not fragmentation)
 * @init_on_alloc: zero pages and objects as they are handed out
 *	(init_on_alloc=1); READ_ONCE, as a writer may flip it at any time
 * @init_on_free: zero pages and objects as they are given back
 *	(init_on_free=1); READ_ONCE, likewise
 * @slab_debug: SLAB_RED_ZONE, SLAB_POISON, SLAB_STORE_USER given to every
 *	cache created from then on (slub_debug=)
 *
 * The last three are the instance's own, so that one instance (a KUnit
 * one, say) may wipe memory while the others do not.
 */
struct altmm_tunables {
	int min_free_kbytes;
	int user_min_free_kbytes;
	int watermark_scale_factor;
	int lowmem_reserve_ratio[ALTMM_NR_ZONES];
	int percpu_pagelist_high_fraction;
	int page_group_by_mobility_disabled;
	int swappiness;
	int dirty_background_ratio;
	int dirty_ratio;
	int dirty_expire_centisecs;
	int dirty_writeback_centisecs;
	int watermark_boost_factor;
	int compaction_proactiveness;
	int extfrag_threshold;
	bool init_on_alloc;
	bool init_on_free;
	slab_flags_t slab_debug;
};

/* === Fault injection === */

/**
 * struct altmm_fault_attr - when to fail an allocation on purpose (6.1's
 *	struct fault_attr, with fail_page_alloc's and failslab's own knobs)
 * @name: the directory the knobs are in, for reports
 * @probability: percent of the requests considered that fail
 * @interval: only every @interval-th request is considered
 * @times: failures left; -1 for no limit
 * @space: units of request to let pass before any failure
 * @verbose: 0 silent, 1 a line per failure, 2 the stack too
 * @ratelimit_state: of the reports
 * @task_filter: fail only tasks marked make-it-fail (none can be here)
 * @count: requests seen, for @interval
 * @ignore_gfp_reclaim: never fail a request that may reclaim
 * @ignore_gfp_highmem: never fail a __GFP_HIGHMEM request (pages only)
 * @cache_filter: fail only caches marked for it (slab only)
 * @min_order: never fail an order below this (pages only)
 */
struct altmm_fault_attr {
	const char *name;
	unsigned long probability;
	unsigned long interval;
	atomic_t times;
	atomic_t space;
	unsigned long verbose;
	struct ratelimit_state ratelimit_state;
	bool task_filter;
	unsigned long count;
	bool ignore_gfp_reclaim;
	bool ignore_gfp_highmem;
	bool cache_filter;
	u32 min_order;
};

struct altmm_page_owner;

/* === The instance === */

/**
 * struct altmm_system - one complete altmm memory stack
 * @name: for the log
 * @layout: its validated memory map
 * @sections: section table, one entry per section of the span
 * @chunk_map: section number + 1 of each host chunk from @chunk_base on;
 *	0 where the chunk is not ours
 * @chunk_base: host chunk number (host pfn >> 10) of @chunk_map[0]
 * @chunk_span: entries in @chunk_map; grows (never shrinks) when memory
 *	is hot-added, published with smp_store_release() after @chunk_map
 * @retired_chunk_maps: chunk maps a hot-add replaced, kept until the
 *	instance goes (a lockless lookup may still be reading one)
 * @dm_start: direct-map address of host chunk @chunk_base
 * @dm_size: bytes of direct map @chunk_map covers, or 0 when the map was
 *	found not to be linear (then lookups go through virt_to_page())
 * @nr_chunks: host chunks held
 * @fail_chunk: from &struct altmm_params
 * @arena_fill: from &struct altmm_params
 * @memblock: the boot allocator
 * @nodes: node data, in the arena
 * @tune: tunables; written under @tune_lock, read with READ_ONCE
 * @tune_lock: serialises recomputing watermarks and pcp limits
 * @hotplug_lock: serialises memory offline and online (memory_hotplug.c),
 *	as 6.1's device_hotplug_lock and mem_hotplug_lock together; the
 *	sections' ONLINE and GOING_OFFLINE bits, zone and node spans and
 *	present counts change only under it
 * @totalreserve_pages: frames kept free by watermarks and reserves
 * @vm_events: per-CPU event counters, &enum altmm_vm_event_item
 * @shrinkers: registered shrinkers, under @shrinker_rwsem
 * @shrinker_rwsem: readers reclaim, writers (un)register
 * @pcp_shrinker: the per-CPU list drain, always registered
 * @cpuhp_node: on the CPU hotplug state's instance list
 * @page_owner_on: allocation owners are tracked (page_owner.c)
 * @page_owner: their side table, one record per pfn, or NULL
 * @fail_page_alloc: fault injection into the page allocator (fault.c)
 * @failslab: fault injection into the slab caches
 * @movable_lock: orders an owner's marking a page movable or not with a
 *	migration taking a reference to it (migrate.c)
 * @misuse_rs: rate limit of misuse reports
 * @fail_rs: rate limit of allocation failure reports
 * @ready: the page allocator is up (after hand-over)
 * @slab: the slab layer (slab.h)
 * @vmalloc: the vmalloc layer (vmalloc.c)
 * @usermem: user memory, its LRU reclaim and swap (usermem.h), or NULL
 * @shrink_lru: set by the user-memory layer: reclaim from a node's LRU
 *	lists, which reclaim.c calls before the shrinkers (shrink_node()
 *	runs shrink_lruvec() before shrink_slab() in 6.1)
 * @out_of_memory: set by the user-memory layer: the OOM killer, which the
 *	slow path calls when reclaim has given up, as 6.1's
 *	__alloc_pages_may_oom(); true when a victim's memory is on its way
 * @try_to_compact: set by the user-memory layer: direct compaction
 *	(compaction.c), which the slow path calls for high orders
 * @wakeup_kcompactd: set by the user-memory layer: ask a node's kcompactd
 *	to compact for @order (kswapd after a boosted run, a waker that
 *	finds the node balanced but fragmented)
 * @kswapd_sleeping: set by the user-memory layer: a node's kswapd found
 *	it balanced and is about to sleep; clear the skip bits direct
 *	compaction asked cleared, and wake kcompactd for @order
 *
 * @name prefixes every log line about the instance ("altmm" for the
 * default one, so its lines read like any module's).
 *
 * Nothing here belongs to the files that show an instance (debugfs.c and
 * its neighbours keep their state in their own &struct altmm_debugfs):
 * the instance is the same with or without them.
 */
struct altmm_system {
	const char *name;
	struct altmm_layout layout;
	struct altmm_section *sections;
	u32 *chunk_map;
	unsigned long chunk_base;
	unsigned long chunk_span;
	struct list_head retired_chunk_maps;
	unsigned long dm_start;
	unsigned long dm_size;
	unsigned long nr_chunks;
	unsigned int fail_chunk;
	u8 arena_fill;
	struct altmm_memblock memblock;
	struct altmm_node *nodes[ALTMM_MAX_NUMNODES];

	struct altmm_tunables tune;
	struct mutex tune_lock;		/* @tune writes and recomputation */
	struct mutex hotplug_lock;	/* section offline/online */
	unsigned long totalreserve_pages;
	struct altmm_vm_events __percpu *vm_events;
	struct list_head shrinkers;
	struct rw_semaphore shrinker_rwsem;
	struct altmm_shrinker pcp_shrinker;
	struct hlist_node cpuhp_node;
	bool page_owner_on;
	struct altmm_page_owner *page_owner;
	struct altmm_fault_attr fail_page_alloc;
	struct altmm_fault_attr failslab;
	spinlock_t movable_lock;	/* movable marks against isolation */
	struct ratelimit_state misuse_rs;
	struct ratelimit_state fail_rs;
	bool ready;
	struct altmm_slab_state *slab;
	struct altmm_vmalloc_state *vmalloc;
	struct altmm_usermem *usermem;
	unsigned long (*shrink_lru)(struct altmm_system *sys, int nid,
				    unsigned long nr_to_reclaim, gfp_t gfp,
				    bool kswapd, unsigned long *scanned);
	bool (*out_of_memory)(struct altmm_system *sys, gfp_t gfp, unsigned int order);
	enum compact_result (*try_to_compact)(struct altmm_system *sys, gfp_t gfp,
					      unsigned int order, unsigned int alloc_flags,
					      struct altmm_zonelist *zonelist,
					      int highest_zoneidx,
					      enum compact_priority prio);
	void (*wakeup_kcompactd)(struct altmm_node *node, int order, int highest_zoneidx);
	void (*kswapd_sleeping)(struct altmm_node *node, int order, int highest_zoneidx);
};

int altmm_system_create(const struct altmm_params *p, const char *name,
			struct altmm_system **out, struct altmm_param_error *err);
void altmm_system_destroy(struct altmm_system *sys);
int altmm_cpuhp_register(void);
void altmm_cpuhp_unregister(void);

/* arena.c */
int altmm_arena_acquire(struct altmm_system *sys);
void altmm_arena_release(struct altmm_system *sys);
int altmm_arena_add_chunk(struct altmm_system *sys, unsigned long nr);
void altmm_arena_remove_chunk(struct altmm_system *sys, unsigned long nr);

/* sparse.c */
int altmm_sparse_init(struct altmm_system *sys);
int altmm_sparse_add_section(struct altmm_system *sys, unsigned long nr);
bool altmm_host_page_to_pfn(const struct altmm_system *sys,
			    const struct page *page, unsigned long *pfn);
bool altmm_virt_to_pfn(const struct altmm_system *sys, const void *addr,
		       unsigned long *pfn);
int altmm_get_pageblock_migratetype(const struct altmm_system *sys,
				    unsigned long pfn);
void altmm_set_pageblock_migratetype(struct altmm_system *sys,
				     unsigned long pfn, int migratetype);
bool altmm_get_pageblock_skip(const struct altmm_system *sys, unsigned long pfn);
void altmm_set_pageblock_skip(struct altmm_system *sys, unsigned long pfn, bool skip);

/* Counters: events per CPU, zone counts and watermarks (vmstat). */

static inline void altmm_count_event(struct altmm_system *sys,
				     enum altmm_vm_event_item item,
				     unsigned long delta)
{
	this_cpu_add(sys->vm_events->event[item], delta);
}

unsigned long altmm_vm_event_sum(const struct altmm_system *sys,
				 enum altmm_vm_event_item item);

static inline unsigned long altmm_zone_free(const struct altmm_zone *zone)
{
	return atomic_long_read(&zone->vm_stat[ALTMM_NR_FREE_PAGES]);
}

static inline unsigned long altmm_zone_managed(const struct altmm_zone *zone)
{
	return atomic_long_read(&zone->managed_pages);
}

static inline unsigned long altmm_wmark(const struct altmm_zone *zone,
					enum altmm_wmark w)
{
	return READ_ONCE(zone->watermark[w]) + READ_ONCE(zone->watermark_boost);
}

/* arena.c: the instance the module parameters describe (set by main.c) */
extern struct altmm_system *altmm_default_sys;

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

/* The zone of a present section. */
static inline struct altmm_zone *
altmm_section_zone(const struct altmm_system *sys, const struct altmm_section *sec)
{
	return &sys->nodes[sec->nid]->zones[sec->zone];
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

#endif /* _ALTMM_MMZONE_H */
