// SPDX-License-Identifier: GPL-2.0
/*
 * Running a compiled trace on altmm and on the host's allocator.
 *
 * Each side runs the whole op array in a round: allocations fill
 * handles[slot], frees empty it.  Rounds alternate which side goes first
 * (altmm, host; host, altmm; ...) so neither always runs on the caches
 * the other warmed.  A round times the op loop alone, with
 * ktime_get_ns() around it; preemption and interrupts stay as the caller
 * has them, and the loop offers to reschedule every 256 ops, as a
 * long-running kernel loop must.  After the loop, what the trace left
 * live is freed, untimed.
 *
 * Both sides get the same ops and masks (altmm_replay_safe_gfp()):
 *
 *   op            altmm (the instance @sys)      host
 *   page alloc    altmm_sys_alloc_pages()        alloc_pages()
 *   page free     altmm_sys_free_pages()         __free_pages()
 *   kmalloc       altmm_sys_kmalloc()            kmalloc()
 *   kfree         altmm_sys_kfree()              kfree()
 *   cache alloc   altmm_cache_alloc()            kmem_cache_alloc()
 *   cache free    altmm_cache_free()             kmem_cache_free()
 *
 * with a cache per kmem_cache size of the trace on each side, created
 * before the first round and destroyed after the last.
 *
 * Frames in use are sampled after every successful allocation as the
 * drop in free frames since the round began: the sum of the instance's
 * zone NR_FREE_PAGES for altmm, the global NR_FREE_PAGES for the host
 * (which lags by the per-CPU counter thresholds, and counts whatever else
 * the machine allocates meanwhile).  Both count frames on per-CPU lists as
 * in use, as the kernel does.
 *
 * The counters (failures, frees skipped, refused frees, peak frames) come
 * from each side's first round; the times from every round.
 */

#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"
#include "replay.h"

/**
 * struct engine - what a replay runs with
 * @t: the compiled trace
 * @sys: the altmm instance
 * @handles: per slot, what the allocation returned (struct page * or the
 *	object); reused by every round of every side
 * @host_cache: the host caches, by &altmm_replay_op.cache
 * @altmm_cache: the instance's caches
 * @zones: the instance's zones with managed frames
 * @nr_zones: entries in @zones
 */
struct engine {
	const struct altmm_replay_trace *t;
	struct altmm_system *sys;
	void **handles;
	struct kmem_cache *host_cache[ALTMM_REPLAY_MAX_CACHES];
	struct altmm_kmem_cache *altmm_cache[ALTMM_REPLAY_MAX_CACHES];
	struct altmm_zone *zones[ALTMM_REPLAY_MAX_ZONES];
	unsigned int nr_zones;
};

/**
 * struct round - one side's counts in one round
 * @failures: allocations that returned NULL
 * @skipped: frees of those
 * @refused: frees altmm refused
 * @base_free: free frames when the round began
 * @min_free: fewest free frames seen
 */
struct round {
	u64 failures;
	u64 skipped;
	u64 refused;
	long base_free;
	long min_free;
};

static long free_frames(const struct engine *e, bool host)
{
	long sum = 0;
	unsigned int i;

	if (host)
		return global_zone_page_state(NR_FREE_PAGES);
	for (i = 0; i < e->nr_zones; i++)
		sum += altmm_zone_free(e->zones[i]);
	return sum;
}

/* === The op loop, one copy per side === */

static_assert(ALTMM_REPLAY_OP_CACHE_ALLOC == 2 && ALTMM_REPLAY_OP_PAGE_FREE == 3,
	      "the allocation ops come first");

static __always_inline void *alloc_op(struct engine *e,
				      const struct altmm_replay_op *op,
				      bool host)
{
	gfp_t gfp = (__force gfp_t)op->gfp;

	switch (op->kind) {
	case ALTMM_REPLAY_OP_PAGE_ALLOC:
		return host ? (void *)alloc_pages(gfp, op->order) :
			      (void *)altmm_sys_alloc_pages(e->sys, gfp, op->order,
							    NUMA_NO_NODE);
	case ALTMM_REPLAY_OP_KMALLOC:
		return host ? kmalloc(op->size, gfp) :
			      altmm_sys_kmalloc(e->sys, op->size, gfp,
						NUMA_NO_NODE, _THIS_IP_);
	default:
		if (host)
			return e->host_cache[op->cache] ?
			       kmem_cache_alloc(e->host_cache[op->cache], gfp) :
			       NULL;
		return e->altmm_cache[op->cache] ?
		       altmm_cache_alloc(e->altmm_cache[op->cache], gfp,
					 NUMA_NO_NODE) : NULL;
	}
}

/* Free @obj, allocated by an op of @kind; altmm's refusal as an error. */
static __always_inline int free_obj(struct engine *e, u8 kind, u8 order,
				    u16 cache, void *obj, bool host)
{
	switch (kind) {
	case ALTMM_REPLAY_OP_PAGE_ALLOC:
	case ALTMM_REPLAY_OP_PAGE_FREE:
		if (host) {
			__free_pages(obj, order);
			return 0;
		}
		return altmm_sys_free_pages(e->sys, obj, order, false);
	case ALTMM_REPLAY_OP_CACHE_ALLOC:
	case ALTMM_REPLAY_OP_CACHE_FREE:
		if (host) {
			kmem_cache_free(e->host_cache[cache], obj);
			return 0;
		}
		return altmm_cache_free(e->altmm_cache[cache], obj, _THIS_IP_);
	default:
		if (host) {
			kfree(obj);
			return 0;
		}
		return altmm_sys_kfree(e->sys, obj, _THIS_IP_);
	}
}

static __always_inline u64 run_ops(struct engine *e, struct round *r,
				   bool host)
{
	const struct altmm_replay_op *op = e->t->ops;
	const struct altmm_replay_op *end = op + e->t->nr_ops;
	u64 start = ktime_get_ns();
	unsigned int n = 0;

	for (; op < end; op++) {
		void **h = &e->handles[op->slot];

		if (op->kind <= ALTMM_REPLAY_OP_CACHE_ALLOC) {
			*h = alloc_op(e, op, host);
			if (!*h) {
				r->failures++;
			} else {
				long f = free_frames(e, host);

				if (f < r->min_free)
					r->min_free = f;
			}
		} else if (!*h) {
			r->skipped++;
		} else {
			if (free_obj(e, op->kind, op->order, op->cache, *h, host))
				r->refused++;
			*h = NULL;
		}
		if (!(++n & 255))
			cond_resched();
	}
	return ktime_get_ns() - start;
}

static noinline u64 run_altmm(struct engine *e, struct round *r)
{
	return run_ops(e, r, false);
}

static noinline u64 run_host(struct engine *e, struct round *r)
{
	return run_ops(e, r, true);
}

/* Free what the trace left live: the slots still live after compiling. */
static void release_live(struct engine *e, struct round *r, bool host)
{
	const struct altmm_replay_trace *t = e->t;
	u32 i;

	for (i = 0; i < t->nr_slots; i++) {
		const struct altmm_replay_slot *s = &t->slots[i];

		if (!e->handles[i])
			continue;
		if (s->live &&
		    free_obj(e, s->kind, s->order, s->cache, e->handles[i], host))
			r->refused++;
		/* A handle of a dead slot would be a bug of the compiler. */
		WARN_ON_ONCE(!s->live);
		e->handles[i] = NULL;
		if (!(i & 255))
			cond_resched();
	}
}

/* === Setting up and tearing down === */

static void find_zones(struct engine *e)
{
	struct altmm_system *sys = e->sys;
	struct altmm_node *node;
	int nid, zt;

	for_each_altmm_node(sys, node, nid) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			struct altmm_zone *zone = &node->zones[zt];

			if (altmm_zone_managed(zone) &&
			    e->nr_zones < ALTMM_REPLAY_MAX_ZONES)
				e->zones[e->nr_zones++] = zone;
		}
	}
}

static void snapshot_zones(struct engine *e, struct altmm_replay_result *res)
{
	unsigned int i, o;

	for (i = 0; i < e->nr_zones; i++) {
		struct altmm_zone *zone = e->zones[i];
		struct altmm_replay_zone_state *zs = &res->zones[i];
		unsigned long flags;

		zs->nid = zone->node->nid;
		zs->zone = altmm_zone_names[zone->type];
		spin_lock_irqsave(&zone->lock, flags);
		for (o = 0; o <= ALTMM_REPLAY_MAX_ORDER && o < ALTMM_MAX_ORDER; o++)
			zs->nr_free[o] = zone->free_area[o].nr_free;
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	res->nr_zones = e->nr_zones;
}

static void create_caches(struct engine *e, struct altmm_replay_result *res)
{
	char name[32];
	unsigned int i;

	for (i = 0; i < e->t->nr_caches; i++) {
		u32 size = e->t->cache_size[i];

		snprintf(name, sizeof(name), "altmm_replay-%u", size);
		e->host_cache[i] = kmem_cache_create(name, size, 0, 0, NULL);
		e->altmm_cache[i] = altmm_sys_cache_create(e->sys, name, size,
							   0, 0, NULL);
		if (!e->host_cache[i])
			res->side[ALTMM_REPLAY_HOST].cache_failures++;
		if (!e->altmm_cache[i])
			res->side[ALTMM_REPLAY_ALTMM].cache_failures++;
	}
}

static void destroy_caches(struct engine *e)
{
	unsigned int i;

	for (i = 0; i < e->t->nr_caches; i++) {
		kmem_cache_destroy(e->host_cache[i]);
		if (e->altmm_cache[i])
			altmm_sys_cache_destroy(e->altmm_cache[i]);
	}
}

static void run_round(struct engine *e, struct altmm_replay_result *res,
		      enum altmm_replay_side side)
{
	struct altmm_replay_side_result *sr = &res->side[side];
	bool host = side == ALTMM_REPLAY_HOST;
	struct round r = {};
	u64 ns;

	r.base_free = free_frames(e, host);
	r.min_free = r.base_free;
	ns = host ? run_host(e, &r) : run_altmm(e, &r);
	if (!sr->nr_rounds && !host)
		snapshot_zones(e, res);
	release_live(e, &r, host);

	if (!sr->nr_rounds) {
		sr->alloc_failures = r.failures;
		sr->frees_skipped = r.skipped;
		sr->free_refused = r.refused;
		sr->peak_frames = max(0L, r.base_free - r.min_free);
	}
	sr->ns[sr->nr_rounds++] = ns;
}

/**
 * altmm_replay_run() - run a compiled trace on altmm and on the host
 * @t: the compiled trace
 * @sys: the altmm instance to run it on (a fresh one makes results
 *	repeatable)
 * @rounds: 1..ALTMM_REPLAY_MAX_ROUNDS; the sides alternate going first
 * @res: the results (zeroed here)
 *
 * A fatal signal stops it between rounds; each round it ran has freed
 * all it allocated.
 *
 * Context: process context, may sleep; allocates with the trace's masks.
 * Return: 0, -ENOMEM for the handle array, or -EINTR.
 */
int altmm_replay_run(const struct altmm_replay_trace *t,
		     struct altmm_system *sys, unsigned int rounds,
		     struct altmm_replay_result *res)
{
	struct engine *e;
	unsigned int i;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	rounds = clamp_t(unsigned int, rounds, 1, ALTMM_REPLAY_MAX_ROUNDS);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->t = t;
	e->sys = sys;
	e->handles = kvcalloc(max_t(u32, t->nr_slots, 1), sizeof(*e->handles),
			      GFP_KERNEL);
	if (!e->handles) {
		kfree(e);
		return -ENOMEM;
	}
	find_zones(e);
	create_caches(e, res);

	for (i = 0; i < rounds && !ret; i++) {
		bool altmm_first = !(i & 1);

		run_round(e, res, altmm_first ? ALTMM_REPLAY_ALTMM : ALTMM_REPLAY_HOST);
		if (fatal_signal_pending(current))
			ret = -EINTR;
		else
			run_round(e, res, altmm_first ? ALTMM_REPLAY_HOST :
					  ALTMM_REPLAY_ALTMM);
		if (fatal_signal_pending(current))
			ret = -EINTR;
	}

	destroy_caches(e);
	kvfree(e->handles);
	kfree(e);
	return ret;
}
