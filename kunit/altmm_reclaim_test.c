// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for reclaim (reclaim.c): the per-node kswapd wakes when an
 * allocation finds its zones below the low mark, reclaims what the
 * shrinkers hold (at this stage: frames cached on per-CPU lists, and
 * whatever a test registers) until a zone is back above high, and sleeps
 * again; direct reclaim runs the same shrinkers for an allocation that
 * may sleep, counting an allocstall; what shrinkers free is counted in
 * pgscan/pgsteal; an unregistered shrinker is never called again.
 *
 * The scenarios keep kswapd out of the way unless it is the subject:
 * their masks lack __GFP_KSWAPD_RECLAIM, so only the allocation under
 * test can wake it.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/swap.h>

#include "altmm_test.h"

/* GFP_KERNEL that never wakes kswapd, and gives up after one reclaim. */
#define SLEEPING_QUIET	((GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM) | __GFP_NORETRY | __GFP_NOWARN)

/* 16 MiB of Normal on one node. */
static const struct altmm_params one_zone = { .arena_mb = 16, .nr_nodes = 1 };

static unsigned long event(struct altmm_system *sys, enum altmm_vm_event_item item)
{
	return altmm_vm_event_sum(sys, item);
}

static int pcp_frames(struct altmm_zone *z)
{
	int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(z->pcp, cpu)->count);
	return n;
}

/* Wait up to 5 s for kswapd of @node to have run @runs balance runs. */
static bool wait_kswapd_runs(struct kunit *test, struct altmm_system *sys,
			     unsigned long runs)
{
	unsigned long deadline = jiffies + 5 * HZ;

	while (event(sys, ALTMM_KSWAPD_WAKE) < runs) {
		if (time_after(jiffies, deadline))
			return false;
		msleep(20);
	}
	altmm_test_quiesce(test, sys);
	return true;
}

/* === A shrinker holding pages === */

#define HELD_MAX	256

/**
 * struct held_shrinker - a test shrinker that owns pages of two nodes
 * @s: registered with the instance
 * @sys: the instance
 * @lock: protects the rest (scan may run in kswapd and in direct reclaim)
 * @page: pages held, per node
 * @nr: pages held, per node
 * @calls: scan calls, per node asked
 * @asked: frames asked for in all scan calls
 * @freed: frames freed by scan calls
 * @gfp: the mask of the last call
 * @noreclaim_calls: calls made in a no-reclaim scope (PF_MEMALLOC)
 * @active_calls: calls that found the node's Normal zone marked
 *	ALTMM_ZONE_RECLAIM_ACTIVE
 */
struct held_shrinker {
	struct altmm_shrinker s;
	struct altmm_system *sys;
	spinlock_t lock;	/* the fields below */
	struct page *page[2][HELD_MAX];
	unsigned int nr[2];
	unsigned int calls[ALTMM_MAX_NUMNODES];
	unsigned long asked;
	unsigned long freed;
	gfp_t gfp;
	unsigned int noreclaim_calls;
	unsigned int active_calls;
};

static unsigned long held_count(struct altmm_shrinker *s, struct altmm_shrink_control *sc)
{
	struct held_shrinker *h = container_of(s, struct held_shrinker, s);

	return sc->nid < 2 ? READ_ONCE(h->nr[sc->nid]) : 0;
}

/* Give back up to nr_to_scan pages of the node asked about, and no other. */
static unsigned long held_scan(struct altmm_shrinker *s, struct altmm_shrink_control *sc)
{
	struct held_shrinker *h = container_of(s, struct held_shrinker, s);
	struct page *batch[32];
	unsigned long n = 0, i;

	spin_lock(&h->lock);
	h->calls[sc->nid]++;
	h->asked += sc->nr_to_scan;
	h->gfp = sc->gfp_mask;
	h->noreclaim_calls += !!(current->flags & PF_MEMALLOC);
	h->active_calls += test_bit(ALTMM_ZONE_RECLAIM_ACTIVE,
				    &h->sys->nodes[sc->nid]->zones[ALTMM_ZONE_NORMAL].flags);
	while (sc->nid < 2 && h->nr[sc->nid] && n < min_t(unsigned long, sc->nr_to_scan, 32))
		batch[n++] = h->page[sc->nid][--h->nr[sc->nid]];
	h->freed += n;
	spin_unlock(&h->lock);

	for (i = 0; i < n; i++)
		altmm_sys_free_pages(h->sys, batch[i], 0, false);
	sc->nr_scanned = n;
	return n;
}

static struct held_shrinker *held_new(struct kunit *test, struct altmm_system *sys)
{
	struct held_shrinker *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	h->sys = sys;
	spin_lock_init(&h->lock);
	h->s = (struct altmm_shrinker){ .count = held_count, .scan = held_scan,
					.name = "kunit-held" };
	return h;
}

/* Take @nr pages of node @nid for @h to hold. */
static void held_fill(struct kunit *test, struct held_shrinker *h, int nid, unsigned int nr)
{
	KUNIT_ASSERT_LE(test, h->nr[nid] + nr, (unsigned int)HELD_MAX);
	while (nr--) {
		struct page *page = altmm_sys_alloc_pages(h->sys, ALTMM_TEST_GFP_QUIET |
							  __GFP_THISNODE, 0, nid);

		KUNIT_ASSERT_NOT_NULL(test, page);
		h->page[nid][h->nr[nid]++] = page;
	}
}

static void held_release(struct kunit *test, struct held_shrinker *h)
{
	int nid;

	for (nid = 0; nid < 2; nid++) {
		while (h->nr[nid]) {
			struct page *page = h->page[nid][--h->nr[nid]];

			KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(h->sys, page, 0, false), 0);
		}
	}
}

/* === kswapd === */

/*
 * Take the zone down to its low mark with GFP_KERNEL (the fast path: no
 * wake-up), then give back enough pages to lift it above high, freed hot
 * so they wait on the per-CPU list where the zone does not count them.
 * The next GFP_KERNEL allocation fails the fast path, wakes kswapd and is
 * served from the min mark.  kswapd finds the node unbalanced, counts a
 * run, drains the lists through the pcp shrinker (pgsteal_kswapd), is
 * balanced at high, and goes back to sleep without another run.
 */
static void reclaim_kswapd_wakes_below_low(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	struct altmm_node *node = sys->nodes[0];
	unsigned long low = altmm_wmark(z, ALTMM_WMARK_LOW);
	unsigned long high = altmm_wmark(z, ALTMM_WMARK_HIGH);
	unsigned long runs, steal, scan, back, i;
	struct altmm_test_hold *h;
	struct page *page;

	altmm_test_quiesce(test, sys);
	runs = event(sys, ALTMM_KSWAPD_WAKE);
	h = altmm_test_hold_new(test, altmm_zone_managed(z));
	while (altmm_zone_free(z) > low && h->nr < h->max) {
		page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_MOVABLE, 0, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		h->page[h->nr] = page;
		h->order[h->nr++] = 0;
	}
	/* Below low, but nobody has asked for more: kswapd still sleeps. */
	altmm_test_quiesce(test, sys);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KSWAPD_WAKE), runs);
	KUNIT_EXPECT_FALSE(test, altmm_node_balanced(sys, node, 0, ALTMM_ZONE_NORMAL));

	back = high - altmm_zone_free(z) + 16;
	KUNIT_ASSERT_LT(test, (int)back + pcp_frames(z), per_cpu_ptr(z->pcp, 0)->high);
	for (i = 0; i < back; i++)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, h->page[--h->nr], 0, false), 0);
	KUNIT_ASSERT_LE(test, altmm_zone_free(z), low);

	steal = event(sys, ALTMM_PGSTEAL_KSWAPD);
	scan = event(sys, ALTMM_PGSCAN_KSWAPD);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_MOVABLE, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	h->page[h->nr] = page;
	h->order[h->nr++] = 0;

	KUNIT_ASSERT_TRUE_MSG(test, wait_kswapd_runs(test, sys, runs + 1),
			      "kswapd did not run within 5 s");
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KSWAPD_WAKE), runs + 1);
	/* It drained the back - 1 frames still cached, and perhaps more. */
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_PGSTEAL_KSWAPD) - steal, back - 1);
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_PGSCAN_KSWAPD) - scan,
			event(sys, ALTMM_PGSTEAL_KSWAPD) - steal);
	KUNIT_EXPECT_EQ(test, pcp_frames(z), 0);
	KUNIT_EXPECT_GT(test, altmm_zone_free(z), high);
	KUNIT_EXPECT_TRUE(test, altmm_node_balanced(sys, node, 0, ALTMM_ZONE_NORMAL));
	KUNIT_EXPECT_EQ(test, READ_ONCE(node->kswapd_failures), 0);

	/* Balanced: after its nap it sleeps, and stays asleep. */
	msleep(200);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KSWAPD_WAKE), runs + 1);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(node->kswapd_asleep));
	KUNIT_EXPECT_FALSE(test, test_bit(ALTMM_ZONE_RECLAIM_ACTIVE, &z->flags));
	altmm_test_release(test, sys, h);
}

/*
 * A node kswapd cannot balance: woken once, it does not sleep while the
 * node is short (kswapd_high_wmark_hit_quickly counts each time it finds
 * it so after a run) and runs again at once; a run that reclaims nothing
 * counts a failure (one that reclaims something, as the slab layer's
 * empty slabs may at first, clears them).  After ALTMM_MAX_RECLAIM_RETRIES
 * failures in a row the node is hopeless: kswapd sleeps, and a wake-up
 * leaves it asleep (6.1's prepare_kswapd_sleep() and wakeup_kswapd()).
 */
static void reclaim_kswapd_gives_up(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	struct altmm_node *node = sys->nodes[0];
	struct altmm_test_hold *h = altmm_test_hold_new(test, altmm_zone_managed(z));
	unsigned long runs, quick, deadline;

	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET, 0, 0);
	altmm_drain_all_pages(sys, NULL);
	altmm_test_quiesce(test, sys);
	runs = event(sys, ALTMM_KSWAPD_WAKE);
	quick = event(sys, ALTMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	KUNIT_ASSERT_EQ(test, READ_ONCE(node->kswapd_failures), 0);

	/* A GFP_NOWAIT request below min: refused, but kswapd is woken. */
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, GFP_NOWAIT | __GFP_NOWARN, 0, 0));
	deadline = jiffies + 10 * HZ;
	while (READ_ONCE(node->kswapd_failures) < ALTMM_MAX_RECLAIM_RETRIES &&
	       time_before(jiffies, deadline))
		msleep(20);
	altmm_test_quiesce(test, sys);
	KUNIT_EXPECT_EQ(test, READ_ONCE(node->kswapd_failures), ALTMM_MAX_RECLAIM_RETRIES);
	/* One wake-up, every run after the first without one. */
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_KSWAPD_WAKE) - runs,
			(unsigned long)ALTMM_MAX_RECLAIM_RETRIES);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY) - quick,
			event(sys, ALTMM_KSWAPD_WAKE) - runs - 1);

	runs = event(sys, ALTMM_KSWAPD_WAKE);
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, GFP_NOWAIT | __GFP_NOWARN, 0, 0));
	msleep(200);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_KSWAPD_WAKE), runs);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(node->kswapd_asleep));
	/* The request is kept for when kswapd next wakes, as 6.1 keeps it. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(node->kswapd_highest_zoneidx), ALTMM_ZONE_NORMAL);
	altmm_test_release(test, sys, h);
}

/**
 * struct rwsem_reclaimer - direct reclaim run from a thread of its own
 * @sys: the instance
 * @done: completed when reclaim returned
 * @freed: what it returned
 */
struct rwsem_reclaimer {
	struct altmm_system *sys;
	struct completion done;
	unsigned long freed;
};

static int rwsem_reclaimer_fn(void *data)
{
	struct rwsem_reclaimer *r = data;
	struct altmm_node *node = r->sys->nodes[0];

	r->freed = altmm_try_to_free_pages(r->sys,
					   &node->zonelists[ALTMM_ZONELIST_FALLBACK],
					   0, GFP_KERNEL, 0);
	complete(&r->done);
	return 0;
}

/*
 * Direct reclaim trylocks the shrinker rwsem, as 6.1's shrink_slab()
 * does: while a register holds it (and may itself be waiting for
 * memory), reclaim returns at once with nothing instead of waiting.
 */
static void reclaim_does_not_wait_for_register(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct held_shrinker *held = held_new(test, sys);
	struct rwsem_reclaimer *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;
	bool returned;

	KUNIT_ASSERT_NOT_NULL(test, r);
	held_fill(test, held, 0, 16);
	KUNIT_ASSERT_EQ(test, altmm_sys_register_shrinker(sys, &held->s), 0);
	r->sys = sys;
	init_completion(&r->done);

	down_write(&sys->shrinker_rwsem);
	t = kthread_run(rwsem_reclaimer_fn, r, "altmm_kunit_reclaim");
	if (IS_ERR(t)) {
		up_write(&sys->shrinker_rwsem);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return;
	}
	returned = wait_for_completion_timeout(&r->done, 2 * HZ);
	up_write(&sys->shrinker_rwsem);
	if (!returned)
		wait_for_completion(&r->done);
	KUNIT_EXPECT_TRUE_MSG(test, returned, "reclaim waited for the rwsem");
	KUNIT_EXPECT_EQ(test, r->freed, 0UL);
	KUNIT_EXPECT_EQ(test, held->calls[0], 0U);

	/* Free again, it reaches the shrinker. */
	reinit_completion(&r->done);
	t = kthread_run(rwsem_reclaimer_fn, r, "altmm_kunit_reclaim");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&r->done);
	KUNIT_EXPECT_GT(test, held->calls[0], 0U);
	altmm_sys_unregister_shrinker(sys, &held->s);
	held_release(test, held);
}

/* === Shrinkers === */

static void reclaim_register_needs_callbacks(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct held_shrinker *h = held_new(test, sys);

	h->s.scan = NULL;
	KUNIT_EXPECT_EQ(test, altmm_sys_register_shrinker(sys, &h->s), -EINVAL);
	h->s.scan = held_scan;
	h->s.count = NULL;
	KUNIT_EXPECT_EQ(test, altmm_sys_register_shrinker(sys, &h->s), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_register_shrinker(sys, NULL), -EINVAL);
}

/*
 * Direct reclaim: the zone is filled to exactly its min mark, the
 * per-CPU lists drained, and a test shrinker holds 64 pages.  A sleeping
 * request fails the fast path and the min mark, stalls (allocstall for
 * its highest zone, Normal), and shrinks the node once, asking for
 * SWAP_CLUSTER_MAX = 32 frames: the pcp shrinker has none, the slab
 * layer's frees some number E of empty slab frames, and the test
 * shrinker is asked for min(64, 32 - E), with the request's mask and
 * node 0.  Everything freed counts in pgsteal_direct, everything asked
 * in pgscan_direct.  The pages it freed wait on the per-CPU list, so the
 * retry fails until the lists are drained, then succeeds.  Unregistered,
 * the shrinker is not asked again.
 */
static void reclaim_direct_runs_shrinkers(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	struct held_shrinker *held = held_new(test, sys);
	struct altmm_test_hold *h = altmm_test_hold_new(test, altmm_zone_managed(z));
	unsigned long stall, steal, scan, other;
	unsigned int calls;
	struct page *page;

	held_fill(test, held, 0, 64);
	KUNIT_ASSERT_EQ(test, altmm_sys_register_shrinker(sys, &held->s), 0);
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET, 0, 0);
	altmm_drain_all_pages(sys, NULL);
	KUNIT_ASSERT_EQ(test, altmm_zone_free(z), altmm_wmark(z, ALTMM_WMARK_MIN));

	stall = event(sys, ALTMM_ALLOCSTALL + ALTMM_ZONE_NORMAL);
	steal = event(sys, ALTMM_PGSTEAL_DIRECT);
	scan = event(sys, ALTMM_PGSCAN_DIRECT);
	page = altmm_sys_alloc_pages(sys, SLEEPING_QUIET, 0, 0);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_ALLOCSTALL + ALTMM_ZONE_NORMAL), stall + 1);
	KUNIT_EXPECT_EQ(test, held->calls[0], 1U);
	KUNIT_EXPECT_EQ(test, held->calls[1], 0U);
	KUNIT_EXPECT_TRUE(test, held->gfp == SLEEPING_QUIET);
	/* Inside a no-reclaim scope, and outside it again afterwards. */
	KUNIT_EXPECT_EQ(test, held->noreclaim_calls, 1U);
	KUNIT_EXPECT_FALSE(test, current->flags & PF_MEMALLOC);
	KUNIT_EXPECT_EQ(test, held->active_calls, 0U);
	other = event(sys, ALTMM_PGSTEAL_DIRECT) - steal - held->freed;
	KUNIT_EXPECT_LT(test, other, (unsigned long)SWAP_CLUSTER_MAX);
	KUNIT_EXPECT_EQ(test, held->asked, min(64UL, SWAP_CLUSTER_MAX - other));
	KUNIT_EXPECT_EQ(test, held->freed, held->asked);
	KUNIT_EXPECT_EQ(test, held->nr[0], 64 - (unsigned int)held->freed);
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_PGSCAN_DIRECT) - scan, held->asked + other);
	if (page)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);

	/* Unregistered: another stall does not reach it. */
	altmm_sys_unregister_shrinker(sys, &held->s);
	calls = held->calls[0];
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET, 0, 0);
	altmm_drain_all_pages(sys, NULL);
	stall = event(sys, ALTMM_ALLOCSTALL + ALTMM_ZONE_NORMAL);
	page = altmm_sys_alloc_pages(sys, SLEEPING_QUIET, 0, 0);
	KUNIT_EXPECT_EQ(test, event(sys, ALTMM_ALLOCSTALL + ALTMM_ZONE_NORMAL), stall + 1);
	KUNIT_EXPECT_EQ(test, held->calls[0], calls);
	if (page)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	held_release(test, held);
	altmm_test_release(test, sys, h);
}

/*
 * A GFP_NOWAIT order-0 request on node @nid, which wakes its kswapd: on
 * one CPU a node below min refuses it; with more, kswapd running at once
 * elsewhere may have freed enough by the slow path's second look.
 */
static void nowait_on(struct kunit *test, struct altmm_system *sys, int nid)
{
	struct page *page = altmm_sys_alloc_pages(sys, GFP_NOWAIT | __GFP_THISNODE |
						  __GFP_NOWARN, 0, nid);

	if (num_online_cpus() == 1)
		KUNIT_EXPECT_NULL(test, page);
	if (page)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
}

/*
 * kswapd works per node and passes its node to the shrinkers: with node
 * 1 of two driven below low and woken, the test shrinker is asked about
 * node 1 only, gives back node-1 pages (its node-0 pages stay), and what
 * it freed is counted in pgsteal_kswapd; node 1 ends balanced.
 * Unregistered, it is not asked again when node 1 is woken again.
 */
static void reclaim_kswapd_asks_its_node(struct kunit *test)
{
	static const struct altmm_params two = { .arena_mb = 32, .nr_nodes = 2,
						 .nr_cpu_node = 1, .cpu_node = { 0 } };
	struct altmm_system *sys = altmm_test_create(test, &two);
	struct altmm_zone *z1 = altmm_test_zone(sys, 1, ALTMM_ZONE_NORMAL);
	struct held_shrinker *held = held_new(test, sys);
	struct altmm_test_hold *h = altmm_test_hold_new(test, altmm_zone_managed(z1));
	unsigned long runs, steal, scan, calls;

	held_fill(test, held, 0, 64);
	held_fill(test, held, 1, 128);
	KUNIT_ASSERT_GT(test, 128UL, altmm_wmark(z1, ALTMM_WMARK_HIGH) -
				     altmm_wmark(z1, ALTMM_WMARK_MIN));
	KUNIT_ASSERT_EQ(test, altmm_sys_register_shrinker(sys, &held->s), 0);
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET | __GFP_THISNODE, 0, 1);
	altmm_test_quiesce(test, sys);

	runs = event(sys, ALTMM_KSWAPD_WAKE);
	steal = event(sys, ALTMM_PGSTEAL_KSWAPD);
	scan = event(sys, ALTMM_PGSCAN_KSWAPD);
	/*
	 * Below min with no reserves, it wakes altmm_kswapd1.  On one CPU
	 * it is refused; with more, kswapd may free pages on another CPU
	 * before the slow path's second look, which then succeeds.
	 */
	nowait_on(test, sys, 1);
	KUNIT_ASSERT_TRUE_MSG(test, wait_kswapd_runs(test, sys, runs + 1),
			      "kswapd did not run within 5 s");

	KUNIT_EXPECT_GT(test, held->calls[1], 0U);
	KUNIT_EXPECT_EQ(test, held->calls[0], 0U);
	/* kswapd reclaims as PF_MEMALLOC, with the node's zones marked. */
	KUNIT_EXPECT_EQ(test, held->noreclaim_calls, held->calls[1]);
	KUNIT_EXPECT_EQ(test, held->active_calls, held->calls[1]);
	KUNIT_EXPECT_FALSE(test, test_bit(ALTMM_ZONE_RECLAIM_ACTIVE, &z1->flags));
	KUNIT_EXPECT_EQ(test, held->nr[0], 64U);
	KUNIT_EXPECT_EQ(test, held->nr[1], 128 - (unsigned int)held->freed);
	KUNIT_EXPECT_GT(test, held->freed, 0UL);
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_PGSTEAL_KSWAPD) - steal, held->freed);
	KUNIT_EXPECT_GE(test, event(sys, ALTMM_PGSCAN_KSWAPD) - scan, held->asked);
	KUNIT_EXPECT_TRUE(test, altmm_node_balanced(sys, sys->nodes[1], 0, ALTMM_ZONE_NORMAL));

	altmm_sys_unregister_shrinker(sys, &held->s);
	calls = held->calls[1];
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET | __GFP_THISNODE, 0, 1);
	runs = event(sys, ALTMM_KSWAPD_WAKE);
	nowait_on(test, sys, 1);
	KUNIT_EXPECT_TRUE(test, wait_kswapd_runs(test, sys, runs + 1));
	KUNIT_EXPECT_EQ(test, held->calls[1], calls);
	held_release(test, held);
	altmm_test_release(test, sys, h);
}

/**
 * struct quiet_freer - a shrinker that frees memory it does not report
 * @s: registered with the instance
 * @sys: the instance
 * @block: order-4 blocks it holds (they go straight to the buddy lists)
 * @nr: blocks held
 * @calls: scan calls
 *
 * As a kernel shrinker that frees memory its caller cannot count as
 * reclaimed pages (direct reclaim sees no progress), while the memory is
 * there for the next look at the free lists.
 */
struct quiet_freer {
	struct altmm_shrinker s;
	struct altmm_system *sys;
	struct page *block[8];
	unsigned int nr;
	unsigned int calls;
};

static unsigned long quiet_count(struct altmm_shrinker *s, struct altmm_shrink_control *sc)
{
	struct quiet_freer *q = container_of(s, struct quiet_freer, s);

	return READ_ONCE(q->nr) << 4;
}

static unsigned long quiet_scan(struct altmm_shrinker *s, struct altmm_shrink_control *sc)
{
	struct quiet_freer *q = container_of(s, struct quiet_freer, s);

	q->calls++;
	if (q->nr)
		altmm_sys_free_pages(q->sys, q->block[--q->nr], 4, false);
	sc->nr_scanned = 16;
	return 0;
}

/*
 * Between two rounds of direct reclaim, 6.1's slow path looks at the free
 * lists again (__alloc_pages_slowpath(): "retry:" calls
 * get_page_from_freelist() before __alloc_pages_direct_reclaim()), so
 * memory that turned up meanwhile (freed by another task, by kswapd, or,
 * here, by a shrinker that does not report it) serves the request even
 * when this task's own reclaim made no progress.  The zone is filled to
 * its min mark; the shrinker frees one order-4 block per call and reports
 * nothing, so the first round already leaves min + 16 free: a sleeping
 * request must succeed, by the second look at the free lists at the
 * latest, rather than give up after ALTMM_MAX_RECLAIM_RETRIES rounds
 * without progress.
 */
static void reclaim_retry_finds_memory_freed_meanwhile(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_zone);
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	struct altmm_test_hold *h = altmm_test_hold_new(test, altmm_zone_managed(z));
	struct quiet_freer *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	gfp_t gfp = (GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM) | __GFP_NOWARN;
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, q);
	q->sys = sys;
	q->s = (struct altmm_shrinker){ .count = quiet_count, .scan = quiet_scan,
					.name = "kunit-quiet" };
	for (q->nr = 0; q->nr < ARRAY_SIZE(q->block); q->nr++) {
		q->block[q->nr] = altmm_sys_alloc_pages(sys, ALTMM_TEST_GFP_QUIET, 4, 0);
		KUNIT_ASSERT_NOT_NULL(test, q->block[q->nr]);
	}

	/* Let the slab layer give back its empty slabs first, unregistered. */
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET, 0, 0);
	altmm_drain_all_pages(sys, NULL);
	page = altmm_sys_alloc_pages(sys, gfp | __GFP_NORETRY, 0, 0);
	if (page) {
		h->page[h->nr] = page;
		h->order[h->nr++] = 0;
	}
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET, 0, 0);
	altmm_drain_all_pages(sys, NULL);
	KUNIT_ASSERT_EQ(test, altmm_zone_free(z), altmm_wmark(z, ALTMM_WMARK_MIN));

	KUNIT_ASSERT_EQ(test, altmm_sys_register_shrinker(sys, &q->s), 0);
	page = altmm_sys_alloc_pages(sys, gfp, 0, 0);
	altmm_sys_unregister_shrinker(sys, &q->s);
	kunit_info(test, "the shrinker was called %u times\n", q->calls);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_GE(test, q->calls, 1U);
	KUNIT_EXPECT_LE(test, q->calls, 2U);
	if (page)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	while (q->nr)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, q->block[--q->nr], 4, false), 0);
	altmm_test_release(test, sys, h);
}

static struct kunit_case altmm_reclaim_cases[] = {
	KUNIT_CASE(reclaim_kswapd_wakes_below_low),
	KUNIT_CASE(reclaim_kswapd_gives_up),
	KUNIT_CASE(reclaim_does_not_wait_for_register),
	KUNIT_CASE(reclaim_register_needs_callbacks),
	KUNIT_CASE(reclaim_direct_runs_shrinkers),
	KUNIT_CASE(reclaim_kswapd_asks_its_node),
	KUNIT_CASE(reclaim_retry_finds_memory_freed_meanwhile),
	{}
};

static struct kunit_suite altmm_reclaim_suite = {
	.name = "altmm_reclaim",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_reclaim_cases,
};

kunit_test_suite(altmm_reclaim_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's kswapd, direct reclaim and shrinkers");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
