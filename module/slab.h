/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slab layer's structures, shared by slab.c (caches), kmalloc.c (size
 * classes) and the files that show them.
 *
 * A cache hands out objects of one size.  Each CPU keeps an array of free
 * objects of the cache (struct altmm_array_cache) that serves allocations
 * and takes frees without a lock; the arrays are refilled from and flushed
 * to per-node lists of slabs (full, partial, free) in batches.  A slab is
 * a compound allocation of 2^order frames from the page allocator: the
 * objects, after the colour offset, and, on the slab, its free-object
 * index array and its header in its last bytes:
 *
 *   on-slab:   | colour | obj 0 | obj 1 | ... | obj num-1 | ... | freelist[num] | header |
 *   off-slab:  | colour | obj 0 | obj 1 | ... | obj num-1 | ... |
 *              header + freelist[num] in an object of a kmalloc class
 *
 * Off the slab (6.1's OFF_SLAB) when the header and indices would not
 * fit in the bytes the objects leave anyway and a small enough on-slab
 * kmalloc class can hold them: so kmalloc-256 .. 8k hold as many objects
 * as 6.1's SLAB gives them (kmalloc-512: 8 a page, not 7).  Objects
 * start at a colour offset from the slab's first byte, which is aligned
 * to the slab's size, so a power-of-two class gets its natural
 * alignment.  The head frame's descriptor points to the header (its lru
 * is the owner's while the block is allocated), so an object's slab is
 * found from its frame alone.
 *
 * With debugging, an object's slot is
 *
 *   | pad, left red zone | object | right red zone | alloc track | free track |
 *
 * and the pointer handed out is the object's first byte.
 *
 * Locking, within the module's order (buddy.c): the CPU-hotplug lock
 * (cache destruction, shrinking, the hotplug callbacks), then the
 * instance's slab mutex (the cache list; creation, destruction, the
 * hotplug callbacks), which is held around page allocations when a cache
 * is made, as 6.1's slab_mutex is: reclaim's slab shrinker and the
 * reaper only trylock it.  An alien cache's lock, then a node's
 * list_lock (which also covers the node's shared array), both taken with
 * interrupts off; never two list_locks or two alien locks at once, and
 * neither around a call into the page allocator.
 */
#ifndef _ALTMM_SLAB_H
#define _ALTMM_SLAB_H

#include <linux/cache.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/reciprocal_div.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "mmzone.h"

#define ALTMM_SLAB_MAX_ORDER		3	/* PAGE_ALLOC_COSTLY_ORDER */
#define ALTMM_SLAB_OBJ_MAX_NUM		BIT(15)
#define ALTMM_KMALLOC_SHIFT_HIGH	13	/* kmalloc-8k is the largest class */
#define ALTMM_KMALLOC_MAX_CACHE_SIZE	BIT(ALTMM_KMALLOC_SHIFT_HIGH)
#define ALTMM_KMALLOC_MIN_SIZE		8
#define ALTMM_NR_KMALLOC_CLASSES	(ALTMM_KMALLOC_SHIFT_HIGH + 1)
#define ALTMM_REDZONE_BYTES		sizeof(u64)
/* 6.1's REAPTIMEOUT_AC and REAPTIMEOUT_NODE: how often the reaper runs. */
#define ALTMM_SLAB_REAP_INTERVAL	(2 * HZ)
#define ALTMM_SLAB_REAP_NODE_INTERVAL	(4 * HZ)
/* One object, one index and the header in an order-3 slab. */
#define ALTMM_SLAB_MAX_SIZE		\
	round_down((PAGE_SIZE << ALTMM_SLAB_MAX_ORDER) - 56 - sizeof(u16), sizeof(void *))

/* Flags the slab layer sets for itself, above the kernel's SLAB_* bits. */
#define ALTMM_CFLGS_KMALLOC		((__force slab_flags_t)0x40000000U)
#define ALTMM_CFLGS_DMA			((__force slab_flags_t)0x80000000U)

/* What a cache may be created with; other bits are refused. */
#define ALTMM_SLAB_CREATE_MASK	(SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU | \
				 SLAB_RECLAIM_ACCOUNT | SLAB_POISON | \
				 SLAB_RED_ZONE | SLAB_STORE_USER | SLAB_ACCOUNT | \
				 SLAB_PANIC | SLAB_CACHE_DMA | SLAB_CACHE_DMA32)
#define ALTMM_SLAB_DEBUG_FLAGS	(SLAB_POISON | SLAB_RED_ZONE | SLAB_STORE_USER)

/**
 * struct altmm_array_cache - one CPU's free objects of one cache
 * @avail: objects in @entry; the last one is the hottest
 * @limit: capacity
 * @batchcount: objects moved to or from the node lists at a time
 * @touched: an allocation came since the last reap
 * @nid: the node its objects come from: its CPU's node, or the nearest
 *	node with memory when that one has none (numa_mem_id())
 * @entry: the objects
 *
 * Touched only by its CPU with interrupts off (on_each_cpu() drains and
 * the reaper run there too), or by the CPU-hotplug teardown once its CPU
 * is dead.
 */
struct altmm_array_cache {
	unsigned int avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int touched;
	int nid;
	void *entry[];
};

/**
 * struct altmm_alien_cache - objects of one node freed on another
 * @lock: protects @ac; taken with interrupts off, before a list_lock
 * @ac: the objects, all of the node the cache is for (@ac.nid)
 *
 * A CPU that frees an object of another node puts it in its own node's
 * alien cache for that node (6.1's cache_free_alien()); a full one goes
 * back to the object's node in one batch, under that node's lock once.
 */
struct altmm_alien_cache {
	spinlock_t lock;		/* @ac */
	struct altmm_array_cache ac;
};

/**
 * struct altmm_kmem_cache_node - a cache's slabs on one node
 * @list_lock: protects the lists and counters; irq-safe
 * @slabs_full: slabs with every object handed out
 * @slabs_partial: slabs with some
 * @slabs_free: slabs with none
 * @total_slabs: slabs on the lists
 * @free_slabs: slabs on @slabs_free
 * @free_objects: objects free in the slabs (not those in array caches)
 * @free_limit: free objects kept before free slabs go back to the pages
 * @colour_next: the colour of the next slab
 * @free_touched: a free slab was taken since the last reap
 * @next_reap: jiffies before which the reaper leaves the node's free
 *	slabs alone
 * @shared: objects of this node that its CPUs share, refilled from before
 *	the slabs and flushed to before them, under @list_lock; NULL when
 *	the cache has no shared array (sharedfactor 0)
 * @alien: for each other node, the objects of that node freed by this
 *	node's CPUs; NULL on an instance of one node
 */
struct altmm_kmem_cache_node {
	spinlock_t list_lock;		/* the lists and counts below */
	struct list_head slabs_full;
	struct list_head slabs_partial;
	struct list_head slabs_free;
	unsigned long total_slabs;
	unsigned long free_slabs;
	unsigned long free_objects;
	unsigned int free_limit;
	unsigned int colour_next;
	unsigned int free_touched;
	unsigned long next_reap;
	struct altmm_array_cache *shared;
	struct altmm_alien_cache **alien;
};

/* 6.1's alien_limit: what a CPU's node keeps of another node's objects. */
#define ALTMM_SLAB_ALIEN_LIMIT		12

/* Per-cache event counters (the /sys/kernel/slab/<cache>/ statistics). */
enum altmm_slab_stat {
	ALTMM_SLAB_ALLOC_FASTPATH,	/* from the CPU's array */
	ALTMM_SLAB_ALLOC_SLOWPATH,	/* refill from the node lists */
	ALTMM_SLAB_FREE_FASTPATH,	/* into the CPU's array */
	ALTMM_SLAB_FREE_SLOWPATH,	/* flush or remote free to the lists */
	ALTMM_SLAB_GROW,		/* slabs allocated */
	ALTMM_SLAB_SHRINK,		/* slabs freed */
	ALTMM_SLAB_NODE_ALLOC,		/* allocations for a given node */
	ALTMM_SLAB_DEBUG_REFUSED,	/* frees refused by a debug check */
	ALTMM_NR_SLAB_STATS
};

/**
 * struct altmm_slab_stats - one CPU's counts for one cache
 * @stat: by &enum altmm_slab_stat
 */
struct altmm_slab_stats {
	unsigned long stat[ALTMM_NR_SLAB_STATS];
};

/**
 * struct altmm_kmem_cache - a cache of objects of one size
 * @cpu_cache: per-CPU arrays
 * @stats: per-CPU counters
 * @sys: the instance whose pages it uses
 * @size: slot size (object, debug fields, alignment)
 * @object_size: the size asked for
 * @obj_offset: from the slot to the object (the left red zone)
 * @align: object alignment
 * @num: objects per slab
 * @order: slab order
 * @colour: colours available (left-over space / @colour_off)
 * @colour_off: bytes per colour
 * @reciprocal_size: @size for reciprocal_divide(), as SLAB keeps it
 * @mgmt_size: header and freelist bytes at the end of a slab (0 off-slab)
 * @freelist_cache: for an off-slab cache (6.1's OFF_SLAB), the kmalloc
 *	class its slab headers and index arrays come from; NULL when they
 *	are at the end of the slab
 * @limit: array capacity
 * @batchcount: array refill/flush size
 * @shared: the sharedfactor: a node's shared array holds @shared *
 *	@batchcount objects (0: no shared array)
 * @flags: SLAB_* and ALTMM_CFLGS_*
 * @gfp: what its pages are allocated with (migrate type, zone)
 * @ctor: run once per object when its slab is made
 * @name: as slabinfo shows it
 * @refcount: creators (kmem_cache_create() of the same cache)
 * @list: on the instance's cache list, under &altmm_slab_state.mutex
 * @node: per-node lists
 * @observer_data: the &altmm_slab_observer's own word about the cache
 *	(slabinfo.c: its directory); the slab layer never reads it
 * @failslab: failslab's cache-filter picks it (SLUB's per-cache failslab
 *	file; SLAB_FAILSLAB is 0 in a kernel without fault injection)
 */
struct altmm_kmem_cache {
	struct altmm_array_cache __percpu *cpu_cache;
	struct altmm_slab_stats __percpu *stats;
	struct altmm_system *sys;
	unsigned int size;
	unsigned int object_size;
	unsigned int obj_offset;
	unsigned int align;
	unsigned int num;
	unsigned int order;
	unsigned int colour;
	unsigned int colour_off;
	struct reciprocal_value reciprocal_size;
	unsigned int mgmt_size;
	struct altmm_kmem_cache *freelist_cache;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int shared;
	slab_flags_t flags;
	gfp_t gfp;
	void (*ctor)(void *obj);
	const char *name;
	int refcount;
	struct list_head list;
	struct altmm_kmem_cache_node *node[ALTMM_MAX_NUMNODES];
	void *observer_data;
	bool failslab;
};

/**
 * struct altmm_slab - the header at the end of every slab
 * @cache: the cache it belongs to
 * @list: on one of its node's lists
 * @s_mem: the first object slot
 * @active: objects handed out (to users or to array caches)
 * @nid: its node
 * @rcu: for SLAB_TYPESAFE_BY_RCU, the deferred free
 *
 * The indices of the free objects, freelist[@active..num), are the num
 * u16s just before the header.
 */
struct altmm_slab {
	struct altmm_kmem_cache *cache;
	struct list_head list;
	void *s_mem;
	unsigned int active;
	int nid;
	struct rcu_head rcu;
};

/**
 * altmm_slab_base() - the first byte of a slab's block
 * @cache: its cache
 * @slab: its header
 *
 * Blocks are aligned to their size and the objects start less than a
 * block into theirs.
 *
 * Return: the address.
 */
static inline void *altmm_slab_base(const struct altmm_kmem_cache *cache,
				    const struct altmm_slab *slab)
{
	return (void *)ALIGN_DOWN((unsigned long)slab->s_mem, PAGE_SIZE << cache->order);
}

/**
 * altmm_slab_freelist() - a slab's free-object index array
 * @cache: its cache
 * @slab: its header
 *
 * Return: the num indices, just before an on-slab header or just after
 * an off-slab one.
 */
static inline u16 *altmm_slab_freelist(const struct altmm_kmem_cache *cache,
				       struct altmm_slab *slab)
{
	return cache->freelist_cache ? (u16 *)(slab + 1) : (u16 *)slab - cache->num;
}

/**
 * struct altmm_slab_observer - told as caches come and go
 * @added: a cache has just been put on the instance's list
 * @removed: a cache is about to be taken off the list and freed; returns
 *	once the observer no longer uses it
 *
 * The files that show caches (slabinfo.c) register one, so that the slab
 * layer never calls up into them.  Both run with &altmm_slab_state.mutex
 * held, and so must not take it.
 */
struct altmm_slab_observer {
	void (*added)(struct altmm_slab_observer *obs,
		      struct altmm_kmem_cache *cache);
	void (*removed)(struct altmm_slab_observer *obs,
			struct altmm_kmem_cache *cache);
};

/**
 * struct altmm_slab_state - an instance's slab layer
 * @mutex: protects @caches and cache creation/destruction
 * @caches: every cache, the cache of caches first
 * @cache_cache: the cache that struct altmm_kmem_cache objects come from
 * @boot_node: static node lists of @cache_cache until bootstrap ends
 * @boot_node_kmalloc: the same for the kmalloc class that holds node lists
 * @kmalloc: size classes: [0] normal, [1] reclaimable, [2] DMA
 * @shrinker: frees empty slabs under memory pressure
 * @up: bootstrap stage (0: none, 1: cache_cache, 2: kmalloc, 3: done)
 * @mem_node: for each node, itself if it has memory, else the nearest
 *	node that has (numa_mem_id() of its CPUs)
 * @max_order: the slab_max_order in force: slabs go above it only when
 *	no object fits
 * @reaper: each CPU's periodic cache_reap() work
 * @reap_stop: set at teardown, before the works are cancelled
 * @observer: told about caches as they come and go, or NULL; set and
 *	called under @mutex
 */
struct altmm_slab_state {
	struct mutex mutex;		/* @caches, creation, destruction */
	struct list_head caches;
	struct altmm_kmem_cache cache_cache;
	struct altmm_kmem_cache_node boot_node[ALTMM_MAX_NUMNODES];
	struct altmm_kmem_cache_node boot_node_kmalloc[ALTMM_MAX_NUMNODES];
	struct altmm_kmem_cache *kmalloc[3][ALTMM_NR_KMALLOC_CLASSES];
	struct altmm_shrinker shrinker;
	int up;
	int mem_node[ALTMM_MAX_NUMNODES];
	unsigned int max_order;
	struct altmm_slab_reaper __percpu *reaper;
	bool reap_stop;
	struct altmm_slab_observer *observer;
};

/**
 * struct altmm_slab_reaper - one CPU's reaper of one instance
 * @work: runs every ALTMM_SLAB_REAP_INTERVAL on @cpu
 * @sys: the instance
 * @cpu: the CPU whose arrays it trims
 */
struct altmm_slab_reaper {
	struct delayed_work work;
	struct altmm_system *sys;
	int cpu;
};

/* Tell the observer, if any; slab mutex held. */
static inline void altmm_slab_notify_added(struct altmm_kmem_cache *cache)
{
	struct altmm_slab_observer *obs = cache->sys->slab->observer;

	lockdep_assert_held(&cache->sys->slab->mutex);
	if (obs)
		obs->added(obs, cache);
}

static inline void altmm_slab_notify_removed(struct altmm_kmem_cache *cache)
{
	struct altmm_slab_observer *obs = cache->sys->slab->observer;

	lockdep_assert_held(&cache->sys->slab->mutex);
	if (obs)
		obs->removed(obs, cache);
}

enum altmm_kmalloc_type {
	ALTMM_KMALLOC_NORMAL,
	ALTMM_KMALLOC_RECLAIM,
	ALTMM_KMALLOC_DMA,
	ALTMM_NR_KMALLOC_TYPES
};

/* What a slab's pages may take of the caller's GFP mask (GFP_RECLAIM_MASK). */
#define ALTMM_GFP_RECLAIM_MASK	(__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | \
				 __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | \
				 __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC | \
				 __GFP_ATOMIC)

/* slab.c */
int altmm_slab_init(struct altmm_system *sys);
struct altmm_kmem_cache *altmm_create_boot_cache(struct altmm_system *sys,
						 const char *name,
						 unsigned int size,
						 slab_flags_t flags,
						 struct altmm_kmem_cache_node *boot);
void altmm_slab_exit(struct altmm_system *sys);
struct altmm_kmem_cache *altmm_sys_cache_create(struct altmm_system *sys,
						const char *name,
						unsigned int size,
						unsigned int align,
						slab_flags_t flags,
						void (*ctor)(void *));
int altmm_sys_cache_destroy(struct altmm_kmem_cache *cache);
void *altmm_cache_alloc(struct altmm_kmem_cache *cache, gfp_t gfp, int nid);
void *__altmm_cache_alloc(struct altmm_kmem_cache *cache, gfp_t gfp, int nid,
			  unsigned long caller);
int altmm_cache_free(struct altmm_kmem_cache *cache, void *obj,
		     unsigned long caller);
int altmm_cache_alloc_bulk(struct altmm_kmem_cache *cache, gfp_t gfp,
			   size_t nr, void **p);
void altmm_cache_free_bulk(struct altmm_kmem_cache *cache, size_t nr, void **p);
int __altmm_cache_alloc_bulk(struct altmm_kmem_cache *cache, gfp_t gfp,
			     size_t nr, void **p, unsigned long caller);
void __altmm_cache_free_bulk(struct altmm_kmem_cache *cache, size_t nr, void **p,
			     unsigned long caller);
void altmm_slab_reap(struct altmm_system *sys);
void altmm_slab_cpu_prepare(struct altmm_system *sys, unsigned int cpu);
void altmm_slab_cpu_dead(struct altmm_system *sys, unsigned int cpu);
unsigned long altmm_cache_shrink(struct altmm_kmem_cache *cache);
struct altmm_kmem_cache *altmm_obj_to_cache(struct altmm_system *sys,
					    const void *obj,
					    struct altmm_slab **slabp);
void altmm_cache_counts(struct altmm_kmem_cache *cache, unsigned long *active_objs,
			unsigned long *num_objs, unsigned long *active_slabs,
			unsigned long *num_slabs, unsigned long *cpu_objs);
unsigned long altmm_cache_stat(struct altmm_kmem_cache *cache,
			       enum altmm_slab_stat item);
unsigned long altmm_cache_shared_avail(struct altmm_kmem_cache *cache);

/* kmalloc.c */
int altmm_kmalloc_init(struct altmm_system *sys);
void *altmm_sys_kmalloc(struct altmm_system *sys, size_t size, gfp_t gfp,
			int nid, unsigned long caller);
int altmm_sys_kfree(struct altmm_system *sys, const void *obj,
		    unsigned long caller);
size_t altmm_sys_ksize(struct altmm_system *sys, const void *obj);
void *altmm_sys_krealloc(struct altmm_system *sys, const void *p,
			 size_t new_size, gfp_t gfp);
void *__altmm_sys_krealloc(struct altmm_system *sys, const void *p,
			   size_t new_size, gfp_t gfp, unsigned long caller);
int altmm_kmalloc_index(size_t size);
unsigned int altmm_kmalloc_size(int index);

#endif /* _ALTMM_SLAB_H */
