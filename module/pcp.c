// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU page lists: each CPU keeps, per zone, small lists of free blocks
 * of orders 0..3 for each of the unmovable, movable and reclaimable types,
 * so that most allocations and frees touch only the CPU's own cache-hot
 * lists and never the zone lock.  A list runs dry: "batch" blocks come
 * from the zone in one locked visit.  The CPU's count reaches "high": a
 * batch (doubling while frees run without allocations) goes back.
 * Freed blocks go to the head (hot) unless the caller says they are cold.
 *
 * batch and high are 6.1's: batch about a quarter of 1/1024 of the zone,
 * at most 64, rounded down to 2^n - 1; high the zone's low watermark
 * shared among the CPUs of the zone's node (or 1/fraction of the zone
 * when percpu_pagelist_high_fraction is set), at least 4 batches.
 *
 * As in a kernel with transparent huge pages, pageblock-order blocks
 * have two lists of their own (movable, and the rest), so that a freed
 * huge page can be reused without the zone lock; they count towards
 * "high" like any other block.  While kswapd balances a zone's node
 * (ALTMM_ZONE_RECLAIM_ACTIVE) a CPU keeps at most four batches, so that
 * frames freed under pressure reach the buddy lists where reclaim
 * looks for them (nr_pcp_high()).
 *
 * Each list set is protected by its own spinlock, so another CPU may
 * drain it (drain on demand, on CPU death, by the pcp shrinker) without
 * sending work to its owner.  The lock nests outside the zone lock.  The
 * owner only ever trylocks it: when a drain holds it, an allocation goes
 * to the buddy lists and a free straight back to the zone, as 6.1's
 * pcp_spin_trylock() users do, rather than spin behind the drain.  6.1
 * takes the lock with interrupts on and only migration disabled; altmm
 * still turns interrupts off around it (its counters are updated inside
 * the section), which a remote drainer's trylock failure cannot tell
 * apart.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/sizes.h>

#include "altmm_trace.h"
#include "mmzone.h"
#include "page_alloc.h"

/*
 * The owner's way into its lists.  On SMP it trylocks: another CPU may be
 * draining them.  On UP nobody else can hold them while interrupts are
 * off, and the debug spinlock reports a failed trylock there as a bug, so
 * it takes the lock (6.1's pcp_trylock_prepare() makes the same case).
 */
static inline bool pcp_trylock(struct altmm_pcp *pcp)
{
	if (IS_ENABLED(CONFIG_SMP))
		return spin_trylock(&pcp->lock);
	spin_lock(&pcp->lock);
	return true;
}

/* === batch and high === */

/**
 * altmm_zone_batchsize() - frames per refill or drain (zone_batchsize())
 * @zone: the zone
 *
 * Return: the batch, before the "at least 1" of pageset_update().
 */
int altmm_zone_batchsize(const struct altmm_zone *zone)
{
	int batch = min_t(unsigned long, altmm_zone_managed(zone) >> 10,
			  SZ_1M / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	/* 2^n - 1 spreads the batches of CPUs over cache colours. */
	return rounddown_pow_of_two(batch + batch / 2) - 1;
}
EXPORT_SYMBOL_NS_GPL(altmm_zone_batchsize, ALTMM_INTERNAL);

/**
 * altmm_zone_highsize() - the most frames a CPU caches (zone_highsize())
 * @sys: instance
 * @zone: the zone
 * @batch: its batch
 * @cpu_online: 1 while a CPU of the zone's node is coming up
 *
 * Return: the high mark.
 */
int altmm_zone_highsize(const struct altmm_system *sys,
			const struct altmm_zone *zone, int batch,
			int cpu_online)
{
	int fraction = READ_ONCE(sys->tune.percpu_pagelist_high_fraction);
	unsigned long total;
	int cpu, split = cpu_online;

	total = fraction ? altmm_zone_managed(zone) / fraction :
			   READ_ONCE(zone->watermark[ALTMM_WMARK_LOW]);
	for_each_online_cpu(cpu)
		split += sys->layout.cpu_node[cpu] == altmm_zone_nid(zone);
	if (!split)
		split = num_online_cpus();
	return max_t(int, total / split, batch << 2);
}
EXPORT_SYMBOL_NS_GPL(altmm_zone_highsize, ALTMM_INTERNAL);

/**
 * altmm_zone_pcp_update() - recompute a zone's pcp batch and high
 * @sys: instance
 * @zone: a populated zone
 * @cpu_online: 1 while a CPU is coming up
 *
 * Context: &altmm_system.tune_lock, or instance construction; the new
 * values apply from the next free or refill.
 */
void altmm_zone_pcp_update(struct altmm_system *sys, struct altmm_zone *zone,
			   int cpu_online)
{
	int batch = max(1, altmm_zone_batchsize(zone));
	int high = altmm_zone_highsize(sys, zone, batch, cpu_online);
	int cpu;

	if (READ_ONCE(sys->ready))
		lockdep_assert_held(&sys->tune_lock);
	if (!zone->pcp)
		return;
	for_each_possible_cpu(cpu) {
		struct altmm_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

		WRITE_ONCE(pcp->batch, batch);
		WRITE_ONCE(pcp->high, high);
	}
}

/* === Moving blocks between a CPU and its zone === */

/*
 * Give @count frames of a CPU's lists back to the zone, round-robin over
 * the lists from @pindex, oldest (coldest) first (free_pcppages_bulk()).
 */
static unsigned long free_pcppages_bulk(struct altmm_system *sys,
					struct altmm_zone *zone, int count,
					struct altmm_pcp *pcp, int pindex)
{
	int min_pindex = 0, max_pindex = ALTMM_NR_PCP_LISTS - 1;
	unsigned long freed = 0;

	lockdep_assert_held(&pcp->lock);
	count = min(pcp->count, count);
	pindex--;

	spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		do {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			list = &pcp->lists[pindex];
			if (!list_empty(list))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		} while (1);

		order = altmm_pcp_pindex_to_order(pindex);
		do {
			struct altmm_page *d = list_last_entry(list, struct altmm_page, lru);
			unsigned long pfn;

			list_del(&d->lru);
			__clear_bit(ALTMM_PG_pcp, &d->flags);
			count -= BIT(order);
			pcp->count -= BIT(order);
			freed += BIT(order);
			pfn = altmm_desc_to_pfn(sys, d);
			if (trace_mm_page_pcpu_drain_enabled())
				trace_mm_page_pcpu_drain(altmm_pfn_to_host_page(sys, pfn), order,
							 altmm_get_pcp_migratetype(d));
			altmm_free_one_page(sys, zone, pfn, order,
					    altmm_get_pcp_migratetype(d), false);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
	return freed;
}

/* Refill a list with up to @count blocks from the zone (rmqueue_bulk()). */
static int rmqueue_bulk(struct altmm_system *sys, struct altmm_zone *zone,
			unsigned int order, int count, struct list_head *list,
			int mt, unsigned int alloc_flags)
{
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		unsigned long pfn = altmm_rmqueue(sys, zone, order, mt, alloc_flags);
		struct altmm_page *d;

		if (pfn == ALTMM_NO_PFN)
			break;
		d = altmm_pfn_to_desc(sys, pfn);
		__set_bit(ALTMM_PG_pcp, &d->flags);
		list_add_tail(&d->lru, list);
	}
	atomic_long_sub(i << order, &zone->vm_stat[ALTMM_NR_FREE_PAGES]);
	spin_unlock(&zone->lock);
	return i;
}

/**
 * altmm_rmqueue_pcplist() - take a block from this CPU's list
 * @sys: instance
 * @preferred: the request's preferred zone, for the NUMA counters
 * @zone: the zone
 * @order: an order altmm_pcp_allowed_order() accepts
 * @mt: a pcp migrate type
 * @alloc_flags: ALTMM_ALLOC_*, for a refill from the zone
 *
 * Context: any; trylocks this CPU's pcp lock with interrupts off.
 * Return: the block's first pfn, or ALTMM_NO_PFN (also when a drain holds
 * the lists: the caller then takes from the buddy lists).
 */
unsigned long altmm_rmqueue_pcplist(struct altmm_system *sys,
				    struct altmm_zone *preferred,
				    struct altmm_zone *zone, unsigned int order,
				    int mt, unsigned int alloc_flags)
{
	unsigned long flags, pfn = ALTMM_NO_PFN;
	struct list_head *list;
	struct altmm_pcp *pcp;
	struct altmm_page *d;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	if (!pcp_trylock(pcp)) {
		/* A drain has the lists: the caller goes to the buddy lists. */
		local_irq_restore(flags);
		return ALTMM_NO_PFN;
	}
	/* An allocation ends a run of frees: drain gently again. */
	pcp->free_factor >>= 1;
	list = &pcp->lists[altmm_pcp_order_to_pindex(mt, order)];
	if (list_empty(list)) {
		int batch = READ_ONCE(pcp->batch);

		if (batch > 1)
			batch = max(batch >> order, 2);
		pcp->count += rmqueue_bulk(sys, zone, order, batch, list, mt,
					   alloc_flags) << order;
		if (list_empty(list))
			goto out;
	}
	d = list_first_entry(list, struct altmm_page, lru);
	list_del(&d->lru);
	__clear_bit(ALTMM_PG_pcp, &d->flags);
	pcp->count -= BIT(order);
	pfn = altmm_desc_to_pfn(sys, d);
	altmm_count_alloc(sys, preferred, zone, order);
out:
	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
	return pfn;
}

/**
 * altmm_rmqueue_pcplist_bulk() - up to @nr order-0 frames in one visit
 * @sys: instance
 * @preferred: the request's preferred zone, for the NUMA counters
 * @zone: the zone, which the caller found above its watermark for @nr
 * @mt: a pcp migrate type
 * @alloc_flags: ALTMM_ALLOC_*, for refills from the zone
 * @nr: frames wanted
 * @pfns: where their pfns go
 *
 * One pcp section for the whole batch, refilling as it goes, as
 * __alloc_pages_bulk() does.
 *
 * Context: any; trylocks this CPU's pcp lock with interrupts off.
 * Return: frames taken (fewer when the zone runs dry, none when a drain
 * holds the lists).
 */
unsigned long altmm_rmqueue_pcplist_bulk(struct altmm_system *sys,
					 struct altmm_zone *preferred,
					 struct altmm_zone *zone, int mt,
					 unsigned int alloc_flags,
					 unsigned long nr, unsigned long *pfns)
{
	struct list_head *list;
	struct altmm_pcp *pcp;
	unsigned long flags, got = 0;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	if (!pcp_trylock(pcp)) {
		local_irq_restore(flags);
		return 0;
	}
	pcp->free_factor >>= 1;
	list = &pcp->lists[altmm_pcp_order_to_pindex(mt, 0)];
	while (got < nr) {
		struct altmm_page *d;

		if (list_empty(list)) {
			pcp->count += rmqueue_bulk(sys, zone, 0,
						   max(READ_ONCE(pcp->batch), 2), list,
						   mt, alloc_flags);
			if (list_empty(list))
				break;
		}
		d = list_first_entry(list, struct altmm_page, lru);
		list_del(&d->lru);
		__clear_bit(ALTMM_PG_pcp, &d->flags);
		pcp->count--;
		pfns[got++] = altmm_desc_to_pfn(sys, d);
		altmm_count_alloc(sys, preferred, zone, 0);
	}
	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
	return got;
}

static int nr_pcp_free(struct altmm_pcp *pcp, int high, int batch,
		       bool free_high)
{
	int min_nr_free, max_nr_free;

	if (free_high)
		return pcp->count;
	if (high < batch)
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	/* Each free without an allocation in between doubles the drain. */
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < ALTMM_PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return clamp(batch, min_nr_free, max_nr_free);
}

/* How many frames a CPU may keep before a free drains (nr_pcp_high()). */
static int nr_pcp_high(struct altmm_pcp *pcp, struct altmm_zone *zone,
		       bool free_high)
{
	int high = READ_ONCE(pcp->high);

	if (!high || free_high)
		return 0;
	if (!test_bit(ALTMM_ZONE_RECLAIM_ACTIVE, &zone->flags))
		return high;
	return min(READ_ONCE(pcp->batch) << 2, high);
}

/**
 * altmm_free_to_pcp() - free a block to this CPU's lists
 * @sys: instance
 * @zone: its zone
 * @pfn: first frame
 * @d: its descriptor
 * @mt: the migrate type of its pageblock
 * @order: order
 * @cold: queue it at the tail: it will not be touched soon
 *
 * Context: any; trylocks this CPU's pcp lock with interrupts off.
 */
void altmm_free_to_pcp(struct altmm_system *sys, struct altmm_zone *zone,
		       unsigned long pfn, struct altmm_page *d, int mt,
		       unsigned int order, bool cold)
{
	unsigned long flags;
	struct altmm_pcp *pcp;
	bool free_high;
	int high, pindex;

	altmm_set_pcp_migratetype(d, mt);
	if (mt >= ALTMM_MIGRATE_PCPTYPES) {
		if (mt == ALTMM_MIGRATE_ISOLATE) {
			spin_lock_irqsave(&zone->lock, flags);
			__this_cpu_add(sys->vm_events->event[ALTMM_PGFREE], BIT(order));
			altmm_free_one_page(sys, zone, pfn, order, mt, false);
			spin_unlock_irqrestore(&zone->lock, flags);
			return;
		}
		/* High-atomic blocks queue as movable; drains return them home. */
		mt = ALTMM_MIGRATE_MOVABLE;
	}

	local_irq_save(flags);
	__this_cpu_add(sys->vm_events->event[ALTMM_PGFREE], BIT(order));
	pcp = this_cpu_ptr(zone->pcp);
	if (!pcp_trylock(pcp)) {
		/* A drain has the lists: straight back to the zone. */
		spin_lock(&zone->lock);
		altmm_free_one_page(sys, zone, pfn, order,
				    altmm_get_pcp_migratetype(d), cold);
		spin_unlock(&zone->lock);
		local_irq_restore(flags);
		return;
	}
	pindex = altmm_pcp_order_to_pindex(mt, order);
	__set_bit(ALTMM_PG_pcp, &d->flags);
	if (cold)
		list_add_tail(&d->lru, &pcp->lists[pindex]);
	else
		list_add(&d->lru, &pcp->lists[pindex]);
	pcp->count += BIT(order);

	/* Costly orders freed in a burst must not pile up on the lists. */
	free_high = pcp->free_factor && order && order <= ALTMM_PCP_MAX_ORDER;
	high = nr_pcp_high(pcp, zone, free_high);
	if (pcp->count >= high)
		free_pcppages_bulk(sys, zone, nr_pcp_free(pcp, high,
							  READ_ONCE(pcp->batch),
							  free_high),
				   pcp, pindex);
	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
}

/* === Draining === */

/**
 * altmm_drain_zone_cpu() - give everything a CPU caches of a zone back
 * @sys: instance
 * @zone: a populated zone
 * @cpu: any possible CPU, not only this one
 *
 * Context: any; takes that CPU's pcp lock with interrupts off.
 * Return: frames drained.
 */
unsigned long altmm_drain_zone_cpu(struct altmm_system *sys,
				   struct altmm_zone *zone, int cpu)
{
	struct altmm_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);
	unsigned long flags, freed = 0;

	spin_lock_irqsave(&pcp->lock, flags);
	if (pcp->count)
		freed = free_pcppages_bulk(sys, zone, pcp->count, pcp, 0);
	spin_unlock_irqrestore(&pcp->lock, flags);
	return freed;
}

/**
 * altmm_drain_all_pages() - drain every CPU's lists
 * @sys: instance
 * @only: one zone, or NULL for all
 *
 * Context: any.
 * Return: frames drained.
 */
unsigned long altmm_drain_all_pages(struct altmm_system *sys,
				    struct altmm_zone *only)
{
	struct altmm_zone *zone;
	unsigned long freed = 0;
	int nid, zt, cpu;

	altmm_count_event(sys, ALTMM_DRAIN_ALL, 1);
	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		if (only && zone != only)
			continue;
		for_each_possible_cpu(cpu)
			freed += altmm_drain_zone_cpu(sys, zone, cpu);
	}
	return freed;
}
EXPORT_SYMBOL_NS_GPL(altmm_drain_all_pages, ALTMM_INTERNAL);

/**
 * altmm_zone_pcp_pages() - frames every CPU caches of one zone
 * @zone: a zone
 *
 * Context: any; a racy sum.
 * Return: the frames.
 */
unsigned long altmm_zone_pcp_pages(struct altmm_zone *zone)
{
	unsigned long sum = 0;
	int cpu;

	if (!zone->pcp)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->count);
	return sum;
}
EXPORT_SYMBOL_NS_GPL(altmm_zone_pcp_pages, ALTMM_INTERNAL);

/**
 * altmm_node_pcp_pages() - frames every CPU caches of a node's zones
 * @sys: instance
 * @nid: node
 *
 * Context: any; a racy sum.
 * Return: the frames.
 */
unsigned long altmm_node_pcp_pages(struct altmm_system *sys, int nid)
{
	unsigned long sum = 0;
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
		sum += altmm_zone_pcp_pages(&sys->nodes[nid]->zones[zt]);
	return sum;
}

/* === Set-up and CPU hotplug === */

/**
 * altmm_pcp_init() - per-CPU lists for every populated zone
 * @sys: instance with watermarks set
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int altmm_pcp_init(struct altmm_system *sys)
{
	struct altmm_zone *zone;
	int nid, zt, cpu, i;

	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		zone->pcp = alloc_percpu(struct altmm_pcp);
		if (!zone->pcp)
			return -ENOMEM;
		for_each_possible_cpu(cpu) {
			struct altmm_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

			spin_lock_init(&pcp->lock);
			for (i = 0; i < ALTMM_NR_PCP_LISTS; i++)
				INIT_LIST_HEAD(&pcp->lists[i]);
		}
		altmm_zone_pcp_update(sys, zone, 0);
	}
	return 0;
}

/**
 * altmm_pcp_destroy() - drain and free every zone's per-CPU lists
 * @sys: instance, no longer allocating
 */
void altmm_pcp_destroy(struct altmm_system *sys)
{
	struct altmm_zone *zone;
	int nid, zt, cpu;

	for (nid = 0; nid < sys->layout.nr_nodes && sys->nodes[nid]; nid++) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			zone = &sys->nodes[nid]->zones[zt];
			if (!zone->pcp)
				continue;
			for_each_possible_cpu(cpu)
				altmm_drain_zone_cpu(sys, zone, cpu);
			free_percpu(zone->pcp);
			zone->pcp = NULL;
		}
	}
}

/**
 * altmm_pcp_cpu_prepare() - a CPU is about to come up
 * @sys: instance
 *
 * It counts in its node's share of every zone's high from now on.
 *
 * Context: process context (a CPU hotplug callback); takes the tunables
 * lock, as a tunable write recomputes the same figures.
 */
void altmm_pcp_cpu_prepare(struct altmm_system *sys)
{
	struct altmm_zone *zone;
	int nid, zt;

	mutex_lock(&sys->tune_lock);
	for_each_altmm_populated_zone(sys, zone, nid, zt)
		altmm_zone_pcp_update(sys, zone, 1);
	mutex_unlock(&sys->tune_lock);
}

/**
 * altmm_pcp_cpu_dead() - a CPU is dead
 * @sys: instance
 * @cpu: the CPU
 *
 * What it cached goes back to the zones, and the others get its share of
 * high (6.1's page_alloc_cpu_dead()).
 *
 * Context: process context, on another CPU; takes the tunables lock.
 */
void altmm_pcp_cpu_dead(struct altmm_system *sys, unsigned int cpu)
{
	struct altmm_zone *zone;
	int nid, zt;

	mutex_lock(&sys->tune_lock);
	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		altmm_drain_zone_cpu(sys, zone, cpu);
		altmm_zone_pcp_update(sys, zone, 0);
	}
	mutex_unlock(&sys->tune_lock);
}
