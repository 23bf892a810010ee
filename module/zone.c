// SPDX-License-Identifier: GPL-2.0
/*
 * Zones as the allocator sees them: which zones a GFP mask may use and in
 * what order (zonelists), how much each keeps back (watermarks, lowmem
 * reserve), and the check that decides whether a zone may serve a request.
 * Everything is computed as Debian's 6.1.192 computes it, from the same
 * tunables, so a person can compare a figure here with the kernel's.
 *
 * Zonelists: for each node, the nodes by distance as build_zonelists()
 * orders them (find_next_best_node(): nearest first, a penalty for nodes
 * with CPUs, ties spread by node_load), each node's managed zones highest
 * type first; a second list with the local node only, for __GFP_THISNODE.
 *
 * Watermarks: min_free_kbytes (int_sqrt(16 x lowmem kB) unless a person
 * set it) is shared among the non-highmem zones by managed size; highmem
 * zones get managed/1024 clamped to 32..128; low and high are each the
 * larger of min/4 and watermark_scale_factor/10000 of the zone above the
 * previous mark.  lowmem_reserve[j] of a zone is the managed size of the
 * zones above it, up to j, divided by its lowmem_reserve_ratio.
 *
 * Fragmentation: the unusable free index and the fragmentation index of
 * 6.1's vmstat.c, from a zone's free block counts alone (the extfrag
 * files print them; compaction decides with the second).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/nodemask.h>

#include "mmzone.h"
#include "page_alloc.h"

/* === Tunables === */

/**
 * altmm_tunables_default() - 6.1's defaults
 * @t: the tunables
 */
void altmm_tunables_default(struct altmm_tunables *t)
{
	static const int ratio[ALTMM_NR_ZONES] = {
		[ALTMM_ZONE_DMA]	= 256,
		[ALTMM_ZONE_DMA32]	= 256,
		[ALTMM_ZONE_NORMAL]	= 32,
		[ALTMM_ZONE_HIGHMEM]	= 0,
		[ALTMM_ZONE_MOVABLE]	= 0,
	};

	t->min_free_kbytes = 1024;
	t->user_min_free_kbytes = -1;
	t->watermark_scale_factor = 10;
	t->swappiness = 60;
	t->dirty_background_ratio = 10;
	t->dirty_ratio = 20;
	t->dirty_expire_centisecs = 3000;
	t->dirty_writeback_centisecs = 500;
	t->watermark_boost_factor = 15000;
	t->compaction_proactiveness = 20;
	t->extfrag_threshold = 500;
	memcpy(t->lowmem_reserve_ratio, ratio, sizeof(ratio));
	t->percpu_pagelist_high_fraction = 0;
}

/* === GFP === */

/**
 * altmm_gfp_zone() - the highest zone a GFP mask may use
 * @gfp: the caller's mask
 *
 * The kernel's GFP_ZONE_TABLE: __GFP_DMA, __GFP_DMA32 and __GFP_HIGHMEM
 * name their zone; __GFP_MOVABLE means ZONE_MOVABLE only together with
 * __GFP_HIGHMEM (GFP_HIGHUSER_MOVABLE) and is otherwise ignored here.
 * Unlike an x86_64 kernel, __GFP_HIGHMEM is honoured: altmm can lay out a
 * HighMem zone.
 *
 * Return: an &enum altmm_zone_type, or -EINVAL for a combination the
 * kernel's table marks bad (two zone modifiers at once).
 */
int altmm_gfp_zone(gfp_t gfp)
{
	unsigned int bits = (__force unsigned int)(gfp & (__GFP_DMA | __GFP_DMA32 |
							  __GFP_HIGHMEM | __GFP_MOVABLE));
	bool movable = bits & (__force unsigned int)__GFP_MOVABLE;

	switch (bits & ~(__force unsigned int)__GFP_MOVABLE) {
	case 0:
		return ALTMM_ZONE_NORMAL;
	case (__force unsigned int)__GFP_DMA:
		return ALTMM_ZONE_DMA;
	case (__force unsigned int)__GFP_DMA32:
		return ALTMM_ZONE_DMA32;
	case (__force unsigned int)__GFP_HIGHMEM:
		return movable ? ALTMM_ZONE_MOVABLE : ALTMM_ZONE_HIGHMEM;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_NS_GPL(altmm_gfp_zone, ALTMM_INTERNAL);

/**
 * altmm_gfp_migratetype() - the migrate type a GFP mask asks for
 * @gfp: the caller's mask
 * @mobility_disabled: page_group_by_mobility_disabled is set
 *
 * Return: movable for __GFP_MOVABLE, reclaimable for __GFP_RECLAIMABLE,
 * unmovable otherwise or when grouping by mobility is off; -EINVAL for
 * both at once.
 */
int altmm_gfp_migratetype(gfp_t gfp, bool mobility_disabled)
{
	bool mov = gfp & __GFP_MOVABLE, rec = gfp & __GFP_RECLAIMABLE;

	if (mov && rec)
		return -EINVAL;
	if (mobility_disabled)
		return ALTMM_MIGRATE_UNMOVABLE;
	return mov ? ALTMM_MIGRATE_MOVABLE :
	       rec ? ALTMM_MIGRATE_RECLAIMABLE : ALTMM_MIGRATE_UNMOVABLE;
}
EXPORT_SYMBOL_NS_GPL(altmm_gfp_migratetype, ALTMM_INTERNAL);

/* === Zonelists === */

static bool node_has_cpus(const struct altmm_system *sys, int nid)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (sys->layout.cpu_node[cpu] == nid)
			return true;
	return false;
}

#define ALTMM_ZONELIST_DISTANCE_SCALE	1024	/* 1 << CONFIG_NODES_SHIFT */

/* find_next_best_node(): the nearest unused node with memory. */
static int next_best_node(const struct altmm_system *sys, int local,
			  unsigned long *used, const int *node_load)
{
	int n, best = NUMA_NO_NODE, min_val = INT_MAX;

	if (!test_bit(local, used)) {
		__set_bit(local, used);
		return local;
	}
	for (n = 0; n < sys->layout.nr_nodes; n++) {
		int val;

		if (test_bit(n, used) || !sys->nodes[n]->node_present_pages)
			continue;
		val = sys->layout.distance[local][n];
		val += n < local;		/* prefer the next node up */
		val += node_has_cpus(sys, n);	/* and memory-only nodes */
		/*
		 * 6.1 scales by MAX_NUMNODES, 1024 in Debian's config.  A node's
		 * load never reaches ALTMM_MAX_NUMNODES, so 8 would order the
		 * same; the kernel's figure keeps the arithmetic recognisable.
		 */
		val *= ALTMM_ZONELIST_DISTANCE_SCALE;
		val += node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best != NUMA_NO_NODE)
		__set_bit(best, used);
	return best;
}

static int add_node_zones(struct altmm_node *node, struct altmm_zone **zones)
{
	int zt, nr = 0;

	for (zt = ALTMM_NR_ZONES - 1; zt >= 0; zt--)
		if (altmm_zone_managed(&node->zones[zt]))
			zones[nr++] = &node->zones[zt];
	return nr;
}

/**
 * altmm_build_zonelists() - every node's fallback and this-node zonelists
 * @sys: instance with its frames handed over
 *
 * Context: instance construction.
 */
void altmm_build_zonelists(struct altmm_system *sys)
{
	int node_load[ALTMM_MAX_NUMNODES] = { 0 };
	int local;

	for (local = 0; local < sys->layout.nr_nodes; local++) {
		struct altmm_node *node = sys->nodes[local];
		struct altmm_zone **zones = node->zonelists[ALTMM_ZONELIST_FALLBACK].zones;
		unsigned long used = 0;
		int n, prev = local, nr = 0;

		while ((n = next_best_node(sys, local, &used, node_load)) >= 0) {
			/* Spread equally distant nodes over the zonelists. */
			if (sys->layout.distance[local][n] != sys->layout.distance[local][prev])
				node_load[n]++;
			nr += add_node_zones(sys->nodes[n], zones + nr);
			prev = n;
		}
		zones[nr] = NULL;

		zones = node->zonelists[ALTMM_ZONELIST_NOFALLBACK].zones;
		zones[add_node_zones(node, zones)] = NULL;
	}
}

/* === Watermarks and reserves === */

/* nr_free_buffer_pages(): what GFP_USER could have above the high marks. */
static unsigned long free_buffer_pages(struct altmm_system *sys)
{
	struct altmm_zonelist *zl = &sys->nodes[0]->zonelists[ALTMM_ZONELIST_FALLBACK];
	unsigned long sum = 0;
	struct altmm_zone *zone;
	int i;

	for (i = 0; (zone = zl->zones[i]); i++) {
		unsigned long size = altmm_zone_managed(zone);
		unsigned long high = zone->watermark[ALTMM_WMARK_HIGH];

		if (zone->type <= ALTMM_ZONE_NORMAL && size > high)
			sum += size - high;
	}
	return sum;
}

/**
 * altmm_init_min_free_kbytes() - derive min_free_kbytes, once
 * @sys: instance with zonelists and no watermarks yet
 *
 * As init_per_zone_wmark_min() at boot: int_sqrt(16 x lowmem kB),
 * clamped, unless a person set a larger value.  Not redone when tunables
 * change, since the high watermarks it subtracts would then move it.
 *
 * Context: instance construction.
 */
void altmm_init_min_free_kbytes(struct altmm_system *sys)
{
	unsigned long lowmem_kbytes = free_buffer_pages(sys) * (PAGE_SIZE >> 10);
	int new = int_sqrt(lowmem_kbytes * 16);

	if (new > sys->tune.user_min_free_kbytes)
		sys->tune.min_free_kbytes = clamp(new, 128, 262144);
}

static void wmark_setup_zones(struct altmm_system *sys)
{
	unsigned long pages_min = sys->tune.min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct altmm_zone *zone;
	int nid, zt;

	for (nid = 0; nid < sys->layout.nr_nodes; nid++)
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			zone = &sys->nodes[nid]->zones[zt];
			if (!altmm_zone_is_highmem(sys, zone))
				lowmem_pages += altmm_zone_managed(zone);
		}

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			unsigned long managed, flags;
			u64 tmp;

			zone = &sys->nodes[nid]->zones[zt];
			managed = altmm_zone_managed(zone);
			tmp = lowmem_pages ? div64_u64((u64)pages_min * managed, lowmem_pages) : 0;

			spin_lock_irqsave(&zone->lock, flags);
			if (altmm_zone_is_highmem(sys, zone))
				WRITE_ONCE(zone->watermark[ALTMM_WMARK_MIN],
					   clamp(managed / 1024, 32UL, 128UL));
			else
				WRITE_ONCE(zone->watermark[ALTMM_WMARK_MIN], tmp);

			tmp = max_t(u64, tmp >> 2,
				    mult_frac(managed, sys->tune.watermark_scale_factor, 10000));
			WRITE_ONCE(zone->watermark_boost, 0);
			WRITE_ONCE(zone->watermark[ALTMM_WMARK_LOW],
				   zone->watermark[ALTMM_WMARK_MIN] + tmp);
			WRITE_ONCE(zone->watermark[ALTMM_WMARK_HIGH],
				   zone->watermark[ALTMM_WMARK_LOW] + tmp);
			WRITE_ONCE(zone->watermark[ALTMM_WMARK_PROMO],
				   zone->watermark[ALTMM_WMARK_HIGH] + tmp);
			spin_unlock_irqrestore(&zone->lock, flags);
		}
	}
}

static void wmark_lowmem_reserve(struct altmm_system *sys)
{
	int nid, i, j;

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		struct altmm_node *node = sys->nodes[nid];

		/* The last zone type protects nothing above it. */
		for (i = 0; i < ALTMM_NR_ZONES - 1; i++) {
			struct altmm_zone *zone = &node->zones[i];
			int ratio = sys->tune.lowmem_reserve_ratio[i];
			bool clear = !ratio || !altmm_zone_managed(zone);
			unsigned long upper = 0;

			for (j = i + 1; j < ALTMM_NR_ZONES; j++) {
				upper += altmm_zone_managed(&node->zones[j]);
				WRITE_ONCE(zone->lowmem_reserve[j], clear ? 0 : upper / ratio);
			}
		}
	}
}

/* wmark_totalreserve(): what the reserves keep from everyone. */
static void wmark_totalreserve(struct altmm_system *sys)
{
	unsigned long total = 0;
	int nid, zt, j;

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			struct altmm_zone *zone = &sys->nodes[nid]->zones[zt];
			unsigned long max = 0;

			for (j = zt; j < ALTMM_NR_ZONES; j++)
				max = max_t(unsigned long, max, zone->lowmem_reserve[j]);
			max += zone->watermark[ALTMM_WMARK_HIGH];
			total += min(max, altmm_zone_managed(zone));
		}
	}
	WRITE_ONCE(sys->totalreserve_pages, total);
}

/**
 * altmm_setup_watermarks() - recompute everything the tunables decide
 * @sys: instance
 *
 * Every zone's watermarks and lowmem reserve from the tunables, the total
 * reserve, and the per-CPU lists' high and batch, which depend on the low
 * watermark (setup_per_zone_wmarks() and what follows it).
 *
 * Context: process context; &altmm_system.tune_lock held, or construction.
 */
void altmm_setup_watermarks(struct altmm_system *sys)
{
	struct altmm_zone *zone;
	int nid, zt;

	wmark_setup_zones(sys);
	wmark_lowmem_reserve(sys);
	wmark_totalreserve(sys);
	for_each_altmm_populated_zone(sys, zone, nid, zt)
		altmm_zone_pcp_update(sys, zone, 0);
}
EXPORT_SYMBOL_NS_GPL(altmm_setup_watermarks, ALTMM_INTERNAL);

/* === The watermark check === */

static long unusable_free(const struct altmm_zone *zone, unsigned int order,
			  unsigned int alloc_flags)
{
	long unusable = BIT(order) - 1;

	/* Without rights to the reserves, the high-atomic ones are not free. */
	if (!(alloc_flags & ALTMM_ALLOC_RESERVES))
		unusable += READ_ONCE(zone->nr_reserved_highatomic);
	return unusable;
}

/**
 * altmm_zone_watermark_ok() - may a zone serve a request (__zone_watermark_ok())
 * @zone: the zone
 * @order: order asked for
 * @mark: the watermark to keep
 * @highest_zoneidx: the highest zone the request may use, for the reserve
 * @alloc_flags: ALTMM_ALLOC_*: which reserves it may dip into
 * @free_pages: the zone's free frames
 *
 * __GFP_HIGH halves the min mark, non-blocking callers take a further
 * quarter; the lowmem reserve is kept for requests that could have used a
 * higher zone; above order 0 a free block of that order must exist on a
 * list the caller may use.
 *
 * Context: any; lockless (racy, as in the kernel).
 * Return: true if it may.
 */
bool altmm_zone_watermark_ok(struct altmm_zone *zone, unsigned int order,
			     unsigned long mark, int highest_zoneidx,
			     unsigned int alloc_flags, long free_pages)
{
	long min = mark;
	unsigned int o;
	int mt;

	free_pages -= unusable_free(zone, order, alloc_flags);

	if (alloc_flags & ALTMM_ALLOC_RESERVES) {
		if (alloc_flags & ALTMM_ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALTMM_ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALTMM_ALLOC_OOM)
			min -= min / 2;
	}

	if (free_pages <= min + READ_ONCE(zone->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;

	for (o = order; o < ALTMM_MAX_ORDER; o++) {
		struct altmm_free_area *area = &zone->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < ALTMM_MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				return true;
		if ((alloc_flags & (ALTMM_ALLOC_HIGHATOMIC | ALTMM_ALLOC_OOM)) &&
		    !list_empty(&area->free_list[ALTMM_MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}
EXPORT_SYMBOL_NS_GPL(altmm_zone_watermark_ok, ALTMM_INTERNAL);

/**
 * altmm_zone_watermark_fast() - the watermark check with an order-0 shortcut
 * @zone: the zone
 * @order: order asked for
 * @mark: the watermark to keep
 * @highest_zoneidx: the highest zone the request may use
 * @alloc_flags: ALTMM_ALLOC_*
 *
 * Context: any; lockless.
 * Return: true if @zone may serve the request.
 */
bool altmm_zone_watermark_fast(struct altmm_zone *zone, unsigned int order,
			       unsigned long mark, int highest_zoneidx,
			       unsigned int alloc_flags)
{
	long free_pages = altmm_zone_free(zone);

	if (!order) {
		long fast_free = free_pages - unusable_free(zone, 0, alloc_flags);

		if (fast_free > (long)(mark + READ_ONCE(zone->lowmem_reserve[highest_zoneidx])))
			return true;
	}
	return altmm_zone_watermark_ok(zone, order, mark, highest_zoneidx,
				       alloc_flags, free_pages);
}

/* === Fragmentation (vmstat.c's extfrag indexes) === */

/**
 * altmm_zone_nr_free() - a zone's free block counts by order, as one snapshot
 * @zone: the zone
 * @nr_free: filled in
 *
 * Context: any; takes the zone lock.
 */
void altmm_zone_nr_free(struct altmm_zone *zone,
			unsigned long nr_free[ALTMM_MAX_ORDER])
{
	unsigned long flags;
	unsigned int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < ALTMM_MAX_ORDER; order++)
		nr_free[order] = zone->free_area[order].nr_free;
	spin_unlock_irqrestore(&zone->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(altmm_zone_nr_free, ALTMM_INTERNAL);

/**
 * struct contig_info - a zone's free memory seen from one request order
 * @free_pages: frames free
 * @free_blocks_total: free blocks, of any order
 * @free_blocks_suitable: blocks of the request order the free blocks of
 *	that order and above could be cut into
 */
struct contig_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* As 6.1's fill_contig_page_info(); @suitable_order < ALTMM_MAX_ORDER. */
static void fill_contig_info(const unsigned long nr_free[ALTMM_MAX_ORDER],
			     unsigned int suitable_order,
			     struct contig_info *info)
{
	unsigned int order;

	*info = (struct contig_info){};
	for (order = 0; order < ALTMM_MAX_ORDER; order++) {
		info->free_blocks_total += nr_free[order];
		info->free_pages += nr_free[order] << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				nr_free[order] << (order - suitable_order);
	}
}

/**
 * altmm_unusable_index() - how much free memory cannot serve an order
 * @nr_free: free blocks of each order (a zone's free_area[].nr_free)
 * @order: the request order
 *
 * 6.1's unusable_free_index(): the share of free frames that sit in
 * blocks smaller than @order, in thousandths.  No free memory at all counts
 * as all of it unusable; so does any order past the largest, which no block
 * can serve.
 *
 * Context: any.
 * Return: 0 (every free frame usable) to 1000 (none).
 */
int altmm_unusable_index(const unsigned long nr_free[ALTMM_MAX_ORDER],
			 unsigned int order)
{
	struct contig_info info;

	if (order >= ALTMM_MAX_ORDER)
		return 1000;
	fill_contig_info(nr_free, order, &info);
	if (!info.free_pages)
		return 1000;
	return div64_u64((u64)(info.free_pages -
			       (info.free_blocks_suitable << order)) * 1000,
			 info.free_pages);
}
EXPORT_SYMBOL_NS_GPL(altmm_unusable_index, ALTMM_INTERNAL);

/**
 * altmm_fragmentation_index() - why a request of an order would fail
 * @nr_free: free blocks of each order (a zone's free_area[].nr_free)
 * @order: the request order
 *
 * 6.1's __fragmentation_index(), in thousandths: towards 0 a request of
 * @order would fail for lack of memory, towards 1000 because the free
 * memory is fragmented.  It has no meaning when the request would succeed,
 * which gives -1000.  Computed, and rounded, exactly as 6.1 does; like
 * 6.1's it is negative for a few free blocks that are nearly big enough
 * (one order-2 block, request order 3: -500).
 *
 * Context: any.
 * Return: -1000, or 1000 - (1000 + 1000 * free / 2^@order) / blocks; 0
 * when nothing is free, and for an order past the largest (which 6.1
 * warns about).
 */
int altmm_fragmentation_index(const unsigned long nr_free[ALTMM_MAX_ORDER],
			      unsigned int order)
{
	struct contig_info info;
	u64 scaled;

	if (order >= ALTMM_MAX_ORDER)
		return 0;
	fill_contig_info(nr_free, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	scaled = div64_u64((u64)info.free_pages * 1000, 1UL << order);
	return 1000 - (int)div64_u64(1000 + scaled, info.free_blocks_total);
}
EXPORT_SYMBOL_NS_GPL(altmm_fragmentation_index, ALTMM_INTERNAL);

/* === Compaction's deferral (6.1's defer_compaction() and friends) === */

/**
 * altmm_defer_compaction() - compaction of a zone failed for an order:
 *	skip the next 1 << compact_defer_shift attempts at it or above
 * @zone: the zone
 * @order: the order
 *
 * Context: any; the fields are hints, updated without a lock as in 6.1.
 */
void altmm_defer_compaction(struct altmm_zone *zone, int order)
{
	unsigned int shift = READ_ONCE(zone->compact_defer_shift);

	WRITE_ONCE(zone->compact_considered, 0);
	if (shift < ALTMM_COMPACT_MAX_DEFER_SHIFT)
		WRITE_ONCE(zone->compact_defer_shift, shift + 1);
	if (order < READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order);
}
EXPORT_SYMBOL_NS_GPL(altmm_defer_compaction, ALTMM_INTERNAL);

/**
 * altmm_compaction_deferred() - should compaction of a zone for an order
 *	be skipped this time (compaction_deferred())
 * @zone: the zone
 * @order: the order
 *
 * Context: any.
 * Return: true while fewer than 1 << compact_defer_shift attempts were
 * skipped since the last failure at @order or below.
 */
bool altmm_compaction_deferred(struct altmm_zone *zone, int order)
{
	unsigned int considered, limit = BIT(READ_ONCE(zone->compact_defer_shift));

	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	considered = READ_ONCE(zone->compact_considered) + 1;
	if (considered >= limit) {
		WRITE_ONCE(zone->compact_considered, limit);
		return false;
	}
	WRITE_ONCE(zone->compact_considered, considered);
	return true;
}
EXPORT_SYMBOL_NS_GPL(altmm_compaction_deferred, ALTMM_INTERNAL);

/**
 * altmm_compaction_defer_reset() - compaction (or the allocation after it)
 *	succeeded at an order (compaction_defer_reset())
 * @zone: the zone
 * @order: the order
 * @alloc_success: an allocation succeeded, not only the compaction
 *
 * Context: any.
 */
void altmm_compaction_defer_reset(struct altmm_zone *zone, int order,
				  bool alloc_success)
{
	if (alloc_success) {
		WRITE_ONCE(zone->compact_considered, 0);
		WRITE_ONCE(zone->compact_defer_shift, 0);
	}
	if (order >= READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order + 1);
}
EXPORT_SYMBOL_NS_GPL(altmm_compaction_defer_reset, ALTMM_INTERNAL);

/**
 * altmm_compaction_watermarks() - __compaction_suitable(): the watermark
 *	half of compaction_suitable(), with the free frames to count given
 * @zone: the zone
 * @order: the request order
 * @alloc_flags: the request's ALTMM_ALLOC_* flags (its watermark)
 * @highest_zoneidx: the request's highest zone
 * @free: free frames to count (more than the zone has, when the slow
 *	path asks whether reclaim could make compaction worth it)
 *
 * Context: any.
 * Return: COMPACT_SUCCESS when the request's watermark is met already,
 * COMPACT_SKIPPED without 2 << @order frames above the low (costly
 * orders) or min watermark to migrate into, COMPACT_CONTINUE otherwise.
 */
enum compact_result altmm_compaction_watermarks(struct altmm_zone *zone, unsigned int order,
						unsigned int alloc_flags, int highest_zoneidx,
						unsigned long free)
{
	unsigned long mark = altmm_wmark(zone, alloc_flags & ALTMM_ALLOC_WMARK_MASK);

	if (altmm_zone_watermark_ok(zone, order, mark, highest_zoneidx, alloc_flags, free))
		return COMPACT_SUCCESS;
	/* compact_gap(): room for the pages in flight, twice the order. */
	mark = altmm_wmark(zone, order > ALTMM_PCP_MAX_ORDER ? ALTMM_WMARK_LOW :
			   ALTMM_WMARK_MIN) + (2UL << order);
	if (!altmm_zone_watermark_ok(zone, 0, mark, highest_zoneidx, 0, free))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}
EXPORT_SYMBOL_NS_GPL(altmm_compaction_watermarks, ALTMM_INTERNAL);
