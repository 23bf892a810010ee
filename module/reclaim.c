// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim: giving frames back to the allocator when a zone runs low.
 *
 * Each node with memory has a reclaim thread, altmm_kswapd<nid>, asleep
 * until an allocation finds a zone below its low watermark and wakes it.
 * It then runs the shrinkers for its node until an eligible zone is back
 * above its high watermark (pgdat_balanced() semantics: one balanced
 * eligible zone suffices) or a pass frees nothing; after
 * ALTMM_MAX_RECLAIM_RETRIES fruitless runs the node counts as
 * unreclaimable until something is reclaimed again.  While it balances,
 * the node's eligible zones are marked ALTMM_ZONE_RECLAIM_ACTIVE, which
 * keeps the per-CPU lists short.  Before its long sleep it naps for a
 * tenth of a second, as 6.1's kswapd_try_to_sleep() does: a wake-up in
 * the nap counts kswapd_low_wmark_hit_quickly, a node found unbalanced
 * after it kswapd_high_wmark_hit_quickly.  Allocations that may sleep
 * reclaim directly through the same shrinkers when the fast path and
 * kswapd have not been enough.
 *
 * Reclaim runs in a no-reclaim scope (PF_MEMALLOC, as kswapd and 6.1's
 * __perform_reclaim() have it), so that a shrinker that allocates neither
 * recurses into reclaim nor waits for it; and it only trylocks the
 * shrinker rwsem, as shrink_slab() does, so that it never waits behind a
 * register that itself waits for memory.  The lockdep map altmm_reclaim
 * plays fs_reclaim's part: reclaim holds it, and every allocation that
 * may enter reclaim takes it for a moment, so that lockdep sees a lock
 * held both around such an allocation and inside a shrinker.
 *
 * What can be reclaimed is the user memory on the nodes' LRU lists
 * (vmscan.c, reached through &altmm_system.shrink_lru, first) and what
 * the shrinkers hold: the per-CPU lists (registered here, always) and
 * whatever later layers and consumers register (slab caches).  Shrinkers
 * are walked under shrinker_rwsem for reading; (un)registering takes it
 * for writing, so a shrinker is never called after it was unregistered.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/swap.h>

#include "altmm_trace.h"
#include "mmzone.h"
#include "page_alloc.h"

#ifdef CONFIG_LOCKDEP
static struct lockdep_map altmm_reclaim_map = {
	.name = "altmm_reclaim"
};

static void reclaim_acquire(void)
{
	lock_map_acquire(&altmm_reclaim_map);
}

static void reclaim_release(void)
{
	lock_map_release(&altmm_reclaim_map);
}

/**
 * altmm_might_reclaim() - tell lockdep an allocation may enter reclaim
 * @gfp: the allocation's mask
 *
 * Context: the allocating task, before it takes anything.
 */
void altmm_might_reclaim(gfp_t gfp)
{
	gfp = current_gfp_context(gfp);
	if (!(gfp & __GFP_DIRECT_RECLAIM) || (current->flags & PF_MEMALLOC))
		return;
	reclaim_acquire();
	reclaim_release();
}
#else
static void reclaim_acquire(void) { }
static void reclaim_release(void) { }
void altmm_might_reclaim(gfp_t gfp) { }
#endif

/* === Shrinkers === */

/**
 * altmm_sys_register_shrinker() - add a shrinker to an instance
 * @sys: instance
 * @s: the shrinker, with @count and @scan set
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL for a shrinker without callbacks.
 */
int altmm_sys_register_shrinker(struct altmm_system *sys, struct altmm_shrinker *s)
{
	if (!s || !s->count || !s->scan)
		return -EINVAL;
	down_write(&sys->shrinker_rwsem);
	list_add_tail(&s->list, &sys->shrinkers);
	up_write(&sys->shrinker_rwsem);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_register_shrinker, ALTMM_INTERNAL);

/**
 * altmm_sys_unregister_shrinker() - remove a shrinker
 * @sys: instance
 * @s: a registered shrinker
 *
 * Context: process context, may sleep; returns once no reclaim is inside
 * @s's callbacks.
 */
void altmm_sys_unregister_shrinker(struct altmm_system *sys,
				   struct altmm_shrinker *s)
{
	down_write(&sys->shrinker_rwsem);
	list_del_init(&s->list);
	up_write(&sys->shrinker_rwsem);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_unregister_shrinker, ALTMM_INTERNAL);

static unsigned long pcp_count(struct altmm_shrinker *s,
			       struct altmm_shrink_control *sc)
{
	return altmm_node_pcp_pages(s->private, sc->nid);
}

/* Drain every CPU's lists of the node's zones. */
static unsigned long pcp_scan(struct altmm_shrinker *s,
			      struct altmm_shrink_control *sc)
{
	struct altmm_system *sys = s->private;
	unsigned long freed = 0;
	int zt, cpu;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		struct altmm_zone *zone = &sys->nodes[sc->nid]->zones[zt];

		if (!zone->pcp)
			continue;
		for_each_possible_cpu(cpu)
			freed += altmm_drain_zone_cpu(sys, zone, cpu);
	}
	sc->nr_scanned = freed;
	return freed;
}

/*
 * One round over a node's LRU lists, when user memory is there, then its
 * shrinkers, asking for @nr_to_reclaim frames; returns what they freed.
 */
static unsigned long shrink_node(struct altmm_system *sys, int nid,
				 unsigned long nr_to_reclaim, gfp_t gfp,
				 bool kswapd)
{
	typeof(sys->shrink_lru) shrink_lru = READ_ONCE(sys->shrink_lru);
	struct altmm_shrinker *s;
	unsigned long freed = 0, scanned = 0;

	if (shrink_lru)
		freed = shrink_lru(sys, nid, nr_to_reclaim, gfp, kswapd, &scanned);
	/* A register in progress may itself be waiting for memory. */
	if (!down_read_trylock(&sys->shrinker_rwsem))
		goto out;
	list_for_each_entry(s, &sys->shrinkers, list) {
		struct altmm_shrink_control sc = { .nid = nid, .gfp_mask = gfp };
		unsigned long can = s->count(s, &sc);

		if (!can)
			continue;
		sc.nr_to_scan = min(can, nr_to_reclaim - min(freed, nr_to_reclaim));
		if (!sc.nr_to_scan)
			break;
		freed += s->scan(s, &sc);
		scanned += max(sc.nr_scanned, sc.nr_to_scan);
	}
	up_read(&sys->shrinker_rwsem);
out:
	altmm_count_event(sys, kswapd ? ALTMM_PGSCAN_KSWAPD : ALTMM_PGSCAN_DIRECT, scanned);
	altmm_count_event(sys, kswapd ? ALTMM_PGSTEAL_KSWAPD : ALTMM_PGSTEAL_DIRECT, freed);
	if (freed)
		WRITE_ONCE(sys->nodes[nid]->kswapd_failures, 0);
	return freed;
}

/* === kswapd === */

/**
 * altmm_node_balanced() - has a node an eligible zone above its high mark
 * @sys: instance
 * @node: the node
 * @order: the order wanted
 * @highest_zoneidx: the highest zone eligible
 *
 * Context: any; lockless.
 * Return: true if some eligible zone meets its high watermark for @order,
 * or the node has no eligible managed zone.
 */
bool altmm_node_balanced(struct altmm_system *sys, struct altmm_node *node,
			 unsigned int order, int highest_zoneidx)
{
	bool eligible = false;
	int zt;

	for (zt = 0; zt <= highest_zoneidx; zt++) {
		struct altmm_zone *zone = &node->zones[zt];

		if (!altmm_zone_managed(zone))
			continue;
		eligible = true;
		if (altmm_zone_watermark_ok(zone, order,
					    altmm_wmark(zone, ALTMM_WMARK_HIGH),
					    highest_zoneidx, 0, altmm_zone_free(zone)))
			return true;
	}
	return !eligible;
}
EXPORT_SYMBOL_NS_GPL(altmm_node_balanced, ALTMM_INTERNAL);

static void set_reclaim_active(struct altmm_node *node, int highest_zoneidx,
			       bool active)
{
	int zt;

	for (zt = 0; zt <= highest_zoneidx; zt++) {
		struct altmm_zone *zone = &node->zones[zt];

		if (!altmm_zone_managed(zone))
			continue;
		if (active)
			set_bit(ALTMM_ZONE_RECLAIM_ACTIVE, &zone->flags);
		else
			clear_bit(ALTMM_ZONE_RECLAIM_ACTIVE, &zone->flags);
	}
}

/* pgdat_watermark_boosted() */
static bool node_boosted(struct altmm_node *node, int highest_zoneidx)
{
	int zt;

	for (zt = 0; zt <= highest_zoneidx; zt++)
		if (altmm_zone_managed(&node->zones[zt]) &&
		    READ_ONCE(node->zones[zt].watermark_boost))
			return true;
	return false;
}

/*
 * balance_pgdat(): shrink until balanced or nothing more comes back.
 * A watermark boost (a fallback stole a pageblock) is reclaimed on a
 * balanced node without swap or writeback (GFP_NOIO), at most the boost,
 * and stops at the first round that frees nothing; an unbalanced node is
 * reclaimed as usual instead.  Either way the boost seen at the start is
 * then taken off the zones and kcompactd is woken to put the reclaimed
 * frames together into pageblocks.
 */
static void balance_node(struct altmm_system *sys, struct altmm_node *node,
			 unsigned int order, int highest_zoneidx)
{
	unsigned long zone_boosts[ALTMM_NR_ZONES] = {}, nr_boost_reclaim = 0;
	unsigned long total = 0, freed, flags;
	typeof(sys->wakeup_kcompactd) wake;
	bool balanced, boosted;
	int zt;

	for (zt = 0; zt <= highest_zoneidx; zt++) {
		if (!altmm_zone_managed(&node->zones[zt]))
			continue;
		zone_boosts[zt] = READ_ONCE(node->zones[zt].watermark_boost);
		nr_boost_reclaim += zone_boosts[zt];
	}
	boosted = nr_boost_reclaim;

	altmm_count_event(sys, ALTMM_KSWAPD_WAKE, 1);
	reclaim_acquire();
	set_reclaim_active(node, highest_zoneidx, true);
	for (;;) {
		balanced = altmm_node_balanced(sys, node, order, highest_zoneidx);
		/* Short of memory: the boost waits, plain reclaim first. */
		if (!balanced && nr_boost_reclaim)
			nr_boost_reclaim = 0;
		if (!nr_boost_reclaim && balanced)
			goto out;
		freed = shrink_node(sys, node->nid, SWAP_CLUSTER_MAX,
				    nr_boost_reclaim ? GFP_NOIO : GFP_KERNEL, true);
		total += freed;
		if (!freed || kthread_should_stop())
			break;
		nr_boost_reclaim -= min(nr_boost_reclaim, freed);
		cond_resched();
	}
	if (!total)
		WRITE_ONCE(node->kswapd_failures, node->kswapd_failures + 1);
out:
	set_reclaim_active(node, highest_zoneidx, false);
	reclaim_release();

	if (!boosted)
		return;
	for (zt = 0; zt <= highest_zoneidx; zt++) {
		struct altmm_zone *zone = &node->zones[zt];

		if (!zone_boosts[zt])
			continue;
		/* Boosts are raised under the zone lock. */
		spin_lock_irqsave(&zone->lock, flags);
		WRITE_ONCE(zone->watermark_boost,
			   zone->watermark_boost - min(zone->watermark_boost, zone_boosts[zt]));
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	wake = READ_ONCE(sys->wakeup_kcompactd);
	if (wake)
		wake(node, ALTMM_PAGEBLOCK_ORDER, highest_zoneidx);
}

/* prepare_kswapd_sleep(): a hopeless or balanced node lets kswapd sleep. */
static bool kswapd_may_sleep(struct altmm_node *node, int order,
			     int highest_zoneidx)
{
	if (READ_ONCE(node->kswapd_failures) >= ALTMM_MAX_RECLAIM_RETRIES)
		return true;
	return altmm_node_balanced(node->sys, node, order, highest_zoneidx);
}

/* The zone a waker asked for, or @prev when nobody asked. */
static int kswapd_highest_zoneidx(struct altmm_node *node, int prev)
{
	int cur = READ_ONCE(node->kswapd_highest_zoneidx);

	return cur == ALTMM_NR_ZONES ? prev : cur;
}

/*
 * kswapd_try_to_sleep(): a short nap, then the long sleep if still fine.
 * The first time, right after the instance was built, kswapd sleeps until
 * somebody asks for something, whatever the watermarks say by the time it
 * first runs (6.1 naps and checks then too; altmm does not, so that a
 * test that fills a new instance at once does not find kswapd awake
 * behind it, having never asked for it).
 */
static void kswapd_try_to_sleep(struct altmm_node *node, int order,
				int highest_zoneidx, bool first)
{
	struct altmm_system *sys = node->sys;
	long remaining = 0;
	bool sleep;
	DEFINE_WAIT(wait);

	if (freezing(current) || kthread_should_stop())
		return;

	prepare_to_wait(&node->kswapd_wait, &wait, TASK_INTERRUPTIBLE);
	if (first) {
		sleep = READ_ONCE(node->kswapd_highest_zoneidx) == ALTMM_NR_ZONES;
	} else {
		if (kswapd_may_sleep(node, order, highest_zoneidx)) {
			typeof(sys->kswapd_sleeping) sleeping = READ_ONCE(sys->kswapd_sleeping);

			/* Memory was freed: compact it for the order asked. */
			if (sleeping)
				sleeping(node, order, highest_zoneidx);
			remaining = schedule_timeout(HZ / 10);
			/* Woken in the nap: keep what this request wanted too. */
			if (remaining) {
				WRITE_ONCE(node->kswapd_highest_zoneidx,
					   kswapd_highest_zoneidx(node, highest_zoneidx));
				if (READ_ONCE(node->kswapd_order) < order)
					WRITE_ONCE(node->kswapd_order, order);
			}
			finish_wait(&node->kswapd_wait, &wait);
			prepare_to_wait(&node->kswapd_wait, &wait, TASK_INTERRUPTIBLE);
		}
		sleep = !remaining && kswapd_may_sleep(node, order, highest_zoneidx);
		if (!sleep)
			altmm_count_event(sys, remaining ?
					  ALTMM_KSWAPD_LOW_WMARK_HIT_QUICKLY :
					  ALTMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
	}
	if (sleep) {
		trace_mm_vmscan_kswapd_sleep(node->nid);
		WRITE_ONCE(node->kswapd_asleep, true);
		if (!kthread_should_stop())
			schedule();
		WRITE_ONCE(node->kswapd_asleep, false);
	}
	finish_wait(&node->kswapd_wait, &wait);
}

static int kswapd(void *data)
{
	struct altmm_node *node = data;
	int order, highest = ALTMM_NR_ZONES - 1;
	bool first = true;

	/* Reclaim must not recurse into reclaim (6.1 sets the same flag). */
	current->flags |= PF_MEMALLOC;
	set_freezable();
	for (;;) {
		order = READ_ONCE(node->kswapd_order);
		highest = kswapd_highest_zoneidx(node, highest);
		kswapd_try_to_sleep(node, order, highest, first);
		first = false;

		order = READ_ONCE(node->kswapd_order);
		highest = kswapd_highest_zoneidx(node, highest);
		WRITE_ONCE(node->kswapd_order, 0);
		WRITE_ONCE(node->kswapd_highest_zoneidx, ALTMM_NR_ZONES);

		if (try_to_freeze())
			continue;
		if (kthread_should_stop())
			break;
		trace_mm_vmscan_kswapd_wake(node->nid, highest, order);
		balance_node(node->sys, node, order, highest);
	}
	current->flags &= ~PF_MEMALLOC;
	return 0;
}

/**
 * altmm_wakeup_kswapd() - ask a node's reclaim thread to balance it
 * @sys: instance
 * @zone: the zone found low
 * @gfp: the allocation's mask
 * @order: its order
 * @highest_zoneidx: its highest zone
 *
 * Nothing happens if the node is already balanced for the request or
 * kswapd gave up on it.
 *
 * Context: any.
 */
void altmm_wakeup_kswapd(struct altmm_system *sys, struct altmm_zone *zone,
			 gfp_t gfp, unsigned int order, int highest_zoneidx)
{
	struct altmm_node *node = zone->node;
	int cur;

	if (!node->kswapd || !altmm_zone_managed(zone))
		return;

	/* Recorded even if kswapd is awake: it reads them before it sleeps. */
	cur = READ_ONCE(node->kswapd_highest_zoneidx);
	if (cur == ALTMM_NR_ZONES || cur < highest_zoneidx)
		WRITE_ONCE(node->kswapd_highest_zoneidx, highest_zoneidx);
	if (READ_ONCE(node->kswapd_order) < (int)order)
		WRITE_ONCE(node->kswapd_order, order);
	/*
	 * Order the request's writes before the waitqueue check; pairs with
	 * the barrier in prepare_to_wait() of kswapd_try_to_sleep(), so a
	 * kswapd about to sleep sees the new request.
	 */
	smp_mb();
	/* See the barrier just above. */
	if (!waitqueue_active(&node->kswapd_wait))
		return;
	if (READ_ONCE(node->kswapd_failures) >= ALTMM_MAX_RECLAIM_RETRIES ||
	    (altmm_node_balanced(sys, node, order, highest_zoneidx) &&
	     !node_boosted(node, highest_zoneidx))) {
		typeof(sys->wakeup_kcompactd) wake = READ_ONCE(sys->wakeup_kcompactd);

		/*
		 * Enough free memory, maybe too fragmented for @order:
		 * kcompactd, unless the caller will reclaim and compact itself.
		 */
		if (wake && !(gfp & __GFP_DIRECT_RECLAIM))
			wake(node, order, highest_zoneidx);
		return;
	}
	trace_mm_vmscan_wakeup_kswapd(node->nid, zone->type, order, gfp);
	wake_up_interruptible(&node->kswapd_wait);
}
EXPORT_SYMBOL_NS_GPL(altmm_wakeup_kswapd, ALTMM_INTERNAL);

/**
 * altmm_try_to_free_pages() - direct reclaim for an allocation that may sleep
 * @sys: instance
 * @zonelist: the allocation's zonelist
 * @order: its order
 * @gfp: its mask
 * @nid: its preferred node
 *
 * Context: process context, may sleep.
 * Return: frames freed.
 */
unsigned long altmm_try_to_free_pages(struct altmm_system *sys,
				      struct altmm_zonelist *zonelist,
				      unsigned int order, gfp_t gfp, int nid)
{
	unsigned long freed = 0, seen = 0;
	struct altmm_zone *zone;
	int i, zidx = altmm_gfp_zone(gfp);
	unsigned int noreclaim;

	altmm_count_event(sys, ALTMM_ALLOCSTALL + max(zidx, 0), 1);
	trace_mm_vmscan_direct_reclaim_begin(order, gfp);
	reclaim_acquire();
	noreclaim = memalloc_noreclaim_save();
	for (i = 0; (zone = zonelist->zones[i]); i++) {
		int n = altmm_zone_nid(zone);

		if (zone->type > zidx || (seen & BIT(n)))
			continue;
		seen |= BIT(n);
		freed += shrink_node(sys, n, SWAP_CLUSTER_MAX, gfp, false);
		if (freed >= SWAP_CLUSTER_MAX)
			break;
	}
	memalloc_noreclaim_restore(noreclaim);
	reclaim_release();
	trace_mm_vmscan_direct_reclaim_end(freed);
	cond_resched();
	return freed;
}
EXPORT_SYMBOL_NS_GPL(altmm_try_to_free_pages, ALTMM_INTERNAL);

/* === Set-up === */

/**
 * altmm_reclaim_init() - shrinker registry and one kswapd per node
 * @sys: instance with per-CPU lists
 *
 * Context: process context.
 * Return: 0, or the error of kthread_run().
 */
int altmm_reclaim_init(struct altmm_system *sys)
{
	int nid;

	sys->pcp_shrinker = (struct altmm_shrinker){
		.count = pcp_count, .scan = pcp_scan,
		.name = "pcp-drain", .private = sys,
	};
	altmm_sys_register_shrinker(sys, &sys->pcp_shrinker);

	for (nid = 0; nid < sys->layout.nr_nodes; nid++) {
		struct altmm_node *node = sys->nodes[nid];
		struct task_struct *t;

		init_waitqueue_head(&node->kswapd_wait);
		/* No request yet; a waker before kswapd runs is kept. */
		node->kswapd_order = 0;
		node->kswapd_highest_zoneidx = ALTMM_NR_ZONES;
		if (!node->node_present_pages)
			continue;
		t = kthread_run(kswapd, node, "altmm_kswapd%d", nid);
		if (IS_ERR(t))
			return PTR_ERR(t);
		node->kswapd = t;
	}
	return 0;
}

/**
 * altmm_reclaim_stop() - stop every kswapd of an instance
 * @sys: instance
 *
 * Context: process context, may sleep.
 */
void altmm_reclaim_stop(struct altmm_system *sys)
{
	int nid;

	for (nid = 0; nid < sys->layout.nr_nodes && sys->nodes[nid]; nid++) {
		if (sys->nodes[nid]->kswapd) {
			kthread_stop(sys->nodes[nid]->kswapd);
			sys->nodes[nid]->kswapd = NULL;
		}
	}
}
