/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the layers of the page allocator: allocation flags, descriptor
 * field helpers, and what buddy.c (the buddy lists), pcp.c (per-CPU lists),
 * zone.c (watermarks, zonelists, tunables), page_alloc.c (the front end) and
 * reclaim.c (kswapd, shrinkers) call in each other.
 */
#ifndef _ALTMM_PAGE_ALLOC_H
#define _ALTMM_PAGE_ALLOC_H

#include <linux/sched.h>
#include <linux/stackdepot.h>

#include "mmzone.h"

#define ALTMM_NO_PFN	ULONG_MAX

/*
 * Allocation flags, mm/internal.h's ALLOC_* of Debian's 6.1.192 (with the
 * reserve rework backported): the watermark index in the low bits, then
 * what the caller may dip into.  __GFP_HIGH and __GFP_KSWAPD_RECLAIM are
 * the same bits as ALTMM_ALLOC_MIN_RESERVE and ALTMM_ALLOC_KSWAPD.
 */
#define ALTMM_ALLOC_WMARK_MIN		ALTMM_WMARK_MIN
#define ALTMM_ALLOC_WMARK_LOW		ALTMM_WMARK_LOW
#define ALTMM_ALLOC_WMARK_HIGH		ALTMM_WMARK_HIGH
#define ALTMM_ALLOC_NO_WATERMARKS	0x04
#define ALTMM_ALLOC_WMARK_MASK		(ALTMM_ALLOC_NO_WATERMARKS - 1)
#define ALTMM_ALLOC_OOM			0x08
#define ALTMM_ALLOC_NON_BLOCK		0x10
#define ALTMM_ALLOC_MIN_RESERVE		0x20
#define ALTMM_ALLOC_NOFRAGMENT		0x100
#define ALTMM_ALLOC_HIGHATOMIC		0x200
#define ALTMM_ALLOC_KSWAPD		0x800
#define ALTMM_ALLOC_RESERVES		(ALTMM_ALLOC_NON_BLOCK | ALTMM_ALLOC_MIN_RESERVE | \
					 ALTMM_ALLOC_HIGHATOMIC | ALTMM_ALLOC_OOM)

static_assert((__force unsigned int)__GFP_HIGH == ALTMM_ALLOC_MIN_RESERVE);
static_assert((__force unsigned int)__GFP_KSWAPD_RECLAIM == ALTMM_ALLOC_KSWAPD);

#define ALTMM_MAX_RECLAIM_RETRIES	16
#define ALTMM_MAX_COMPACT_RETRIES	16

/* A misuse of the API: counted, and reported under a rate limit. */
#define altmm_misuse(sys, fmt, ...)					\
do {									\
	altmm_count_event(sys, ALTMM_MISUSE, 1);			\
	if (__ratelimit(&(sys)->misuse_rs))				\
		pr_err("%s: " fmt, (sys)->name, ##__VA_ARGS__);		\
} while (0)

/* fault.c */
void altmm_fault_attr_init(struct altmm_fault_attr *attr, const char *name);
int altmm_fault_attr_setup(struct altmm_fault_attr *attr, const char *str);
bool altmm_should_fail(struct altmm_system *sys, struct altmm_fault_attr *attr,
		       ssize_t size, bool nowarn);

/**
 * struct altmm_page_owner - who allocated a block (6.1's struct page_owner)
 * @ts_nsec: when it was allocated
 * @free_ts_nsec: when it was last freed
 * @handle: the allocating stack
 * @free_handle: the freeing stack
 * @gfp_mask: the allocation's mask
 * @pid: the allocating task
 * @tgid: its thread group
 * @comm: its name
 * @order: the block's order
 * @last_migrate_reason: enum migrate_reason, or -1
 * @allocated: the block is held
 */
struct altmm_page_owner {
	u64 ts_nsec;
	u64 free_ts_nsec;
	depot_stack_handle_t handle;
	depot_stack_handle_t free_handle;
	gfp_t gfp_mask;
	pid_t pid;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	u8 order;
	s8 last_migrate_reason;
	bool allocated;
};

/* page_owner.c */
int altmm_page_owner_init(struct altmm_system *sys);
void altmm_page_owner_exit(struct altmm_system *sys);
void __altmm_page_owner_alloc(struct altmm_system *sys, unsigned long pfn,
			      unsigned int order, gfp_t gfp);
void __altmm_page_owner_free(struct altmm_system *sys, unsigned long pfn);
void __altmm_page_owner_split(struct altmm_system *sys, unsigned long pfn,
			      unsigned int order);
void __altmm_page_owner_migrate(struct altmm_system *sys, unsigned long src,
				unsigned long dst, int reason);
void altmm_page_owner_report_leaks(struct altmm_system *sys);
int altmm_page_owner_snprint(depot_stack_handle_t handle, char *buf, size_t size);
long altmm_page_owner_stacks(struct altmm_system *sys,
			     void (*emit)(void *data, depot_stack_handle_t handle,
					  unsigned long blocks, unsigned long frames),
			     void *data);
extern const struct seq_operations altmm_page_owner_seq_ops;

static inline void altmm_page_owner_alloc(struct altmm_system *sys, unsigned long pfn,
					  unsigned int order, gfp_t gfp)
{
	if (unlikely(sys->page_owner))
		__altmm_page_owner_alloc(sys, pfn, order, gfp);
}

static inline void altmm_page_owner_free(struct altmm_system *sys, unsigned long pfn)
{
	if (unlikely(sys->page_owner))
		__altmm_page_owner_free(sys, pfn);
}

/* page_alloc.c */
struct page *altmm_sys_alloc_pages(struct altmm_system *sys, gfp_t gfp,
				   unsigned int order, int nid);
int altmm_sys_free_pages(struct altmm_system *sys, struct page *page,
			 unsigned int order, bool cold);
int altmm_sys_get_page(struct altmm_system *sys, struct page *page);
int altmm_sys_split_page(struct altmm_system *sys, struct page *page,
			 unsigned int order);
void altmm_prep_isolated_block(struct altmm_system *sys, unsigned long pfn,
			       unsigned int order);
unsigned long altmm_sys_alloc_pages_bulk(struct altmm_system *sys, gfp_t gfp,
					 int nid, unsigned long nr_pages,
					 struct page **page_array);
int altmm_sys_put_page(struct altmm_system *sys, struct page *page);
void altmm_sys_forget_allocation(struct altmm_system *sys, unsigned long pfn);

#if IS_ENABLED(CONFIG_KUNIT)
void altmm_set_free_decided_hook(void (*hook)(struct altmm_system *sys,
					      struct page *page, bool won));
#endif

/* reclaim.c */
int altmm_sys_register_shrinker(struct altmm_system *sys, struct altmm_shrinker *s);
void altmm_sys_unregister_shrinker(struct altmm_system *sys,
				   struct altmm_shrinker *s);

/* === Descriptor fields === */

static inline int altmm_get_pcp_migratetype(const struct altmm_page *d)
{
	return (d->flags & ALTMM_PG_MT_MASK) >> ALTMM_PG_MT_SHIFT;
}

static inline void altmm_set_pcp_migratetype(struct altmm_page *d, int mt)
{
	d->flags = (d->flags & ~ALTMM_PG_MT_MASK) |
		   ((unsigned long)mt << ALTMM_PG_MT_SHIFT);
}

static inline unsigned int altmm_alloc_order(const struct altmm_page *d)
{
	return (d->flags & ALTMM_PG_ORDER_MASK) >> ALTMM_PG_ORDER_SHIFT;
}

static inline void altmm_set_alloc_order(struct altmm_page *d,
					 unsigned int order)
{
	d->flags = (d->flags & ~ALTMM_PG_ORDER_MASK) |
		   ((unsigned long)order << ALTMM_PG_ORDER_SHIFT);
}

static inline bool altmm_zone_is_highmem(const struct altmm_system *sys,
					 const struct altmm_zone *zone)
{
	return zone->type == ALTMM_ZONE_HIGHMEM ||
	       (zone->type == ALTMM_ZONE_MOVABLE &&
		sys->layout.movable_zone == ALTMM_ZONE_HIGHMEM);
}

static inline int altmm_zone_nid(const struct altmm_zone *zone)
{
	return zone->node->nid;
}

/*
 * How many frames from a racily read descriptor on belong to its block: a
 * free block's or an allocation's size, else 1.  An order out of range
 * is a block changing under the reader.
 */
static inline unsigned long altmm_racy_block_frames(const struct altmm_page *d,
						    unsigned long flags)
{
	unsigned int order;

	if (flags & BIT(ALTMM_PG_buddy)) {
		order = READ_ONCE(d->private);
		return order < ALTMM_MAX_ORDER ? BIT(order) : 1;
	}
	if (flags & BIT(ALTMM_PG_alloc))
		return BIT((flags & ALTMM_PG_ORDER_MASK) >> ALTMM_PG_ORDER_SHIFT);
	return 1;
}

/* The node of the running CPU in the instance's CPU map. */
static inline int altmm_numa_node_id(const struct altmm_system *sys)
{
	return sys->layout.cpu_node[raw_smp_processor_id()];
}

/* The next zone with managed frames at or after (*@nid, *@zt). */
static inline struct altmm_zone *altmm_next_populated_zone(struct altmm_system *sys,
							   int *nid, int *zt)
{
	for (; *nid < sys->layout.nr_nodes; (*nid)++, *zt = 0) {
		for (; *zt < ALTMM_NR_ZONES; (*zt)++) {
			struct altmm_zone *zone = &sys->nodes[*nid]->zones[*zt];

			if (altmm_zone_managed(zone))
				return zone;
		}
	}
	return NULL;
}

#define for_each_altmm_populated_zone(sys, zone, nid, zt)			\
	for ((nid) = 0, (zt) = 0;						\
	     ((zone) = altmm_next_populated_zone((sys), &(nid), &(zt)));	\
	     (zt)++)

/*
 * Count an allocation served from @z for a request preferring @preferred:
 * pgalloc_<zone>, and the NUMA hit/miss/foreign/local/other events as
 * zone_statistics() counts them.  Interrupts are off (inside the pcp or
 * zone lock's section), so __this_cpu operations are enough, as the
 * kernel's __count_vm_events() there.
 */
static inline void altmm_count_alloc(struct altmm_system *sys,
				     struct altmm_zone *preferred,
				     struct altmm_zone *z, unsigned int order)
{
	int nid = altmm_zone_nid(z);

	lockdep_assert_irqs_disabled();
	__this_cpu_add(sys->vm_events->event[ALTMM_PGALLOC + z->type], BIT(order));
	if (nid == altmm_zone_nid(preferred)) {
		__this_cpu_inc(z->pcp->numa_stat[ALTMM_NUMA_HIT]);
	} else {
		__this_cpu_inc(z->pcp->numa_stat[ALTMM_NUMA_MISS]);
		__this_cpu_inc(preferred->pcp->numa_stat[ALTMM_NUMA_FOREIGN]);
	}
	if (nid == altmm_numa_node_id(sys))
		__this_cpu_inc(z->pcp->numa_stat[ALTMM_NUMA_LOCAL]);
	else
		__this_cpu_inc(z->pcp->numa_stat[ALTMM_NUMA_OTHER]);
}

/* === Per-CPU list indexes (order_to_pindex() and friends) === */

/* Orders up to PAGE_ALLOC_COSTLY_ORDER and, as with THP, pageblock order. */
static inline bool altmm_pcp_allowed_order(unsigned int order)
{
	return order <= ALTMM_PCP_MAX_ORDER || order == ALTMM_PAGEBLOCK_ORDER;
}

static inline int altmm_pcp_order_to_pindex(int mt, unsigned int order)
{
	if (order > ALTMM_PCP_MAX_ORDER)
		return ALTMM_NR_LOWORDER_PCP_LISTS + (mt == ALTMM_MIGRATE_MOVABLE);
	return order * ALTMM_MIGRATE_PCPTYPES + mt;
}

static inline unsigned int altmm_pcp_pindex_to_order(int pindex)
{
	if (pindex >= ALTMM_NR_LOWORDER_PCP_LISTS)
		return ALTMM_PAGEBLOCK_ORDER;
	return pindex / ALTMM_MIGRATE_PCPTYPES;
}

/* === buddy.c: the buddy lists === */

void altmm_zone_init_free_lists(struct altmm_zone *zone);
void altmm_free_one_page(struct altmm_system *sys, struct altmm_zone *zone,
			 unsigned long pfn, unsigned int order, int mt,
			 bool tail);
unsigned long altmm_rmqueue(struct altmm_system *sys, struct altmm_zone *zone,
			    unsigned int order, int mt, unsigned int alloc_flags);
unsigned long altmm_rmqueue_buddy(struct altmm_system *sys,
				  struct altmm_zone *preferred,
				  struct altmm_zone *zone, unsigned int order,
				  int mt, unsigned int alloc_flags);
void altmm_reserve_highatomic_pageblock(struct altmm_system *sys,
					struct altmm_zone *zone,
					unsigned long pfn);
bool altmm_unreserve_highatomic_pageblock(struct altmm_system *sys,
					  struct altmm_zonelist *zonelist,
					  int highest_zoneidx, int mt, bool force);
void altmm_free_range_core(struct altmm_system *sys, unsigned long start,
			   unsigned long end);

enum altmm_free_block {
	ALTMM_FREE_BLOCK_NONE,
	ALTMM_FREE_BLOCK_OWN,	/* on the request's own lists */
	ALTMM_FREE_BLOCK_STEAL,	/* on a list it may claim a pageblock of */
};

int altmm_set_migratetype_isolate(struct altmm_system *sys, struct altmm_zone *zone,
				  unsigned long pfn);
void altmm_unset_migratetype_isolate(struct altmm_system *sys, struct altmm_zone *zone,
				     unsigned long pfn, int mt);
bool altmm_test_pages_isolated(struct altmm_system *sys, struct altmm_zone *zone,
			       unsigned long start, unsigned long end);
unsigned long altmm_offline_isolated_pages(struct altmm_system *sys,
					   struct altmm_zone *zone,
					   unsigned long start, unsigned long end);
void altmm_online_isolate_pageblocks(struct altmm_system *sys, struct altmm_zone *zone,
				     unsigned long start, unsigned long end);
int altmm_isolate_free_block(struct altmm_system *sys, struct altmm_zone *zone,
			     unsigned long pfn);
enum altmm_free_block altmm_zone_free_block_ready(struct altmm_system *sys,
						  struct altmm_zone *zone,
						  unsigned int order, int mt);

/* === pcp.c: per-CPU lists === */

int altmm_pcp_init(struct altmm_system *sys);
void altmm_pcp_destroy(struct altmm_system *sys);
unsigned long altmm_rmqueue_pcplist(struct altmm_system *sys,
				    struct altmm_zone *preferred,
				    struct altmm_zone *zone, unsigned int order,
				    int mt, unsigned int alloc_flags);
unsigned long altmm_rmqueue_pcplist_bulk(struct altmm_system *sys,
					 struct altmm_zone *preferred,
					 struct altmm_zone *zone, int mt,
					 unsigned int alloc_flags,
					 unsigned long nr, unsigned long *pfns);
void altmm_free_to_pcp(struct altmm_system *sys, struct altmm_zone *zone,
		       unsigned long pfn, struct altmm_page *d, int mt,
		       unsigned int order, bool cold);
unsigned long altmm_drain_zone_cpu(struct altmm_system *sys,
				   struct altmm_zone *zone, int cpu);
unsigned long altmm_drain_all_pages(struct altmm_system *sys,
				    struct altmm_zone *only);
void altmm_zone_pcp_update(struct altmm_system *sys, struct altmm_zone *zone,
			   int cpu_online);
int altmm_zone_batchsize(const struct altmm_zone *zone);
int altmm_zone_highsize(const struct altmm_system *sys,
			const struct altmm_zone *zone, int batch,
			int cpu_online);
unsigned long altmm_zone_pcp_pages(struct altmm_zone *zone);
unsigned long altmm_node_pcp_pages(struct altmm_system *sys, int nid);
void altmm_pcp_cpu_prepare(struct altmm_system *sys);
void altmm_pcp_cpu_dead(struct altmm_system *sys, unsigned int cpu);

/* === zone.c: watermarks, reserves, zonelists, tunables === */

void altmm_build_zonelists(struct altmm_system *sys);
void altmm_tunables_default(struct altmm_tunables *t);
void altmm_setup_watermarks(struct altmm_system *sys);
void altmm_init_min_free_kbytes(struct altmm_system *sys);
int altmm_gfp_zone(gfp_t gfp);
int altmm_gfp_migratetype(gfp_t gfp, bool mobility_disabled);
bool altmm_zone_watermark_ok(struct altmm_zone *zone, unsigned int order,
			     unsigned long mark, int highest_zoneidx,
			     unsigned int alloc_flags, long free_pages);
bool altmm_zone_watermark_fast(struct altmm_zone *zone, unsigned int order,
			       unsigned long mark, int highest_zoneidx,
			       unsigned int alloc_flags);
/* Compaction's deferral (compaction.c), which the slow path resets. */
#define ALTMM_COMPACT_MAX_DEFER_SHIFT	6
bool altmm_compaction_deferred(struct altmm_zone *zone, int order);
void altmm_defer_compaction(struct altmm_zone *zone, int order);
void altmm_compaction_defer_reset(struct altmm_zone *zone, int order,
				  bool alloc_success);
enum compact_result altmm_compaction_watermarks(struct altmm_zone *zone, unsigned int order,
						unsigned int alloc_flags, int highest_zoneidx,
						unsigned long free);
void altmm_zone_nr_free(struct altmm_zone *zone,
			unsigned long nr_free[ALTMM_MAX_ORDER]);
int altmm_unusable_index(const unsigned long nr_free[ALTMM_MAX_ORDER],
			 unsigned int order);
int altmm_fragmentation_index(const unsigned long nr_free[ALTMM_MAX_ORDER],
			      unsigned int order);

/* === reclaim.c: kswapd, direct reclaim, shrinkers === */

int altmm_reclaim_init(struct altmm_system *sys);
void altmm_reclaim_stop(struct altmm_system *sys);
void altmm_wakeup_kswapd(struct altmm_system *sys, struct altmm_zone *zone,
			 gfp_t gfp, unsigned int order, int highest_zoneidx);
void altmm_might_reclaim(gfp_t gfp);
unsigned long altmm_try_to_free_pages(struct altmm_system *sys,
				      struct altmm_zonelist *zonelist,
				      unsigned int order, gfp_t gfp, int nid);
bool altmm_node_balanced(struct altmm_system *sys, struct altmm_node *node,
			 unsigned int order, int highest_zoneidx);

#endif /* _ALTMM_PAGE_ALLOC_H */
