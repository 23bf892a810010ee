// SPDX-License-Identifier: GPL-2.0
/*
 * altmm_stress: every CPU on altmm's default instance at once.
 *
 * Loading the module runs one kernel thread per online CPU for
 * duration_ms, each a seeded random sequence of operations:
 *
 *   pages   alloc and free of every order 0..10 with every migrate type
 *           (none, __GFP_MOVABLE, __GFP_RECLAIMABLE), every base mask
 *           (GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, the last two with
 *           preemption off), __GFP_DMA32, __GFP_THISNODE on each node,
 *           __GFP_ZERO, __GFP_COMP;
 *   slab    kmalloc of every size class and of large sizes on any node,
 *           -rcl- and dma- classes, kzalloc; a shared cache with a
 *           constructor; a shared plain cache, one object at a time and
 *           in bulk; a shared SLAB_TYPESAFE_BY_RCU cache whose objects
 *           are published to RCU readers on every CPU and freed while
 *           they may still read them; cache shrinks;
 *   system  per-CPU list drains (what `echo drain > ctl` runs), tunable
 *           writes (watermark_scale_factor, min_free_kbytes,
 *           percpu_pagelist_high_fraction, as vm/ writes them), kswapd
 *           wake-ups and direct reclaim.
 *
 * Each thread keeps a bounded working set and frees from it in random
 * order; it also hands objects to a shared pool from which any thread
 * takes and frees them, so that frees meet allocations of other CPUs.
 *
 * Content checks: every page and object carries a pattern of its owner
 * and sequence number, checked before it is freed (and at random while
 * held): a block handed out twice shows there.  A fresh page or object
 * must be zero where the kernel's rules say so (__GFP_ZERO, and
 * init_on_alloc / init_on_free except for caches with a constructor and
 * SLAB_TYPESAFE_BY_RCU or poisoned caches, as slab_want_init_on_alloc()
 * and slab_want_init_on_free() say); an object of the constructor cache
 * must come back in its constructed state; an RCU reader must always
 * find an object of the RCU cache to be of that type, and its fields
 * consistent whenever no writer was in the middle of them.
 *
 * CPU hotplug: each thread asks to run on its home CPU; when that CPU
 * goes offline the scheduler moves it elsewhere, and it asks again once
 * the CPU is back.  ops_away counts operations begun elsewhere; rebinds
 * counts returns home after that, whether the thread asked or the load
 * balancer took it there first (its affinity was widened to every CPU).
 *
 * After the run, everything is freed and module/check.c's walks check
 * the instance: free lists, per-CPU lists, allocations, every cache.
 * One line sums up: "altmm_stress: summary seed=... result=pass|fail".
 * Any failure fails the load with -EINVAL.  The module holds nothing
 * once loaded; rmmod it before the next run.
 *
 * Sequences are reproducible per thread from the seed; the interleaving
 * of the threads is not.  inject= makes a run fail on purpose, to show
 * that the checks catch what they look for.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"
#include "check.h"
#include "altmm.h"

MODULE_IMPORT_NS(ALTMM_INTERNAL);

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of the random sequences; 0 picks one (printed)");

static uint duration_ms = 10000;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "How long the threads run, ms (default 10000)");

static uint max_ops;
module_param(max_ops, uint, 0444);
MODULE_PARM_DESC(max_ops, "Stop a thread after this many operations (0: no limit)");

static uint hold = 256;
module_param(hold, uint, 0444);
MODULE_PARM_DESC(hold, "Objects a thread holds at most (default 256, 16..4096)");

static char *inject = "";
module_param(inject, charp, 0444);
MODULE_PARM_DESC(inject, "Test the checks: 'pattern' scribbles on one held block, 'invariant' miscounts a free list during the walks; the run must then fail");

#define STRESS_MAX_THREADS	64
#define STRESS_POOL		256
#define STRESS_RCU_SLOTS	64
#define STRESS_BULK_MAX		32
#define STRESS_REPORTS		16	/* failure lines printed, at most */

#define GOLDEN64		0x9e3779b97f4a7c15ULL
#define PAGE_MAGIC		0x70616765U	/* "page" */
#define CTOR_MAGIC		0x63746f72U	/* "ctor" */
#define RCU_MAGIC		0x72637521U	/* "rcu!" */
#define CTOR_IDLE		0x1d1eU
#define CTOR_BUSY		0xb05eU
#define CTOR_FILL		0xc7

/* === Operations and what is counted === */

enum stress_op {
	OP_PAGE_ALLOC,
	OP_PAGE_FREE,
	OP_GIVE,
	OP_TAKE,
	OP_KMALLOC,
	OP_CTOR_ALLOC,
	OP_PLAIN_ALLOC,
	OP_BULK_ALLOC,
	OP_RCU_PUBLISH,
	OP_RCU_READ,
	OP_VERIFY,
	OP_DRAIN,
	OP_TUNE,
	OP_KSWAPD,
	OP_RECLAIM,
	OP_SHRINK,
	NR_STRESS_OPS
};

/* Name in the summary, and weight in the random choice. */
static const struct {
	const char *name;
	unsigned int weight;
} stress_ops[] = {
	[OP_PAGE_ALLOC]		= { "page_alloc", 160 },
	[OP_PAGE_FREE]		= { "free", 150 },
	[OP_GIVE]		= { "give", 40 },
	[OP_TAKE]		= { "take", 40 },
	[OP_KMALLOC]		= { "kmalloc", 160 },
	[OP_CTOR_ALLOC]		= { "ctor_alloc", 60 },
	[OP_PLAIN_ALLOC]	= { "plain_alloc", 60 },
	[OP_BULK_ALLOC]		= { "bulk_alloc", 20 },
	[OP_RCU_PUBLISH]	= { "rcu_publish", 50 },
	[OP_RCU_READ]		= { "rcu_read", 80 },
	[OP_VERIFY]		= { "verify", 30 },
	[OP_DRAIN]		= { "drain", 4 },
	[OP_TUNE]		= { "tune", 3 },
	[OP_KSWAPD]		= { "kswapd", 3 },
	[OP_RECLAIM]		= { "reclaim", 2 },
	[OP_SHRINK]		= { "shrink", 3 },
};

static_assert(ARRAY_SIZE(stress_ops) == NR_STRESS_OPS);

/* Content failures, by what was wrong. */
enum stress_err {
	ERR_PATTERN,		/* a held block's pattern changed: handed out twice? */
	ERR_ZERO,		/* fresh memory not zero where the rules say it is */
	ERR_CTOR,		/* a constructed object not in its constructed state */
	ERR_RCU_TYPE,		/* an RCU reader found another type */
	ERR_RCU_FIELDS,		/* an RCU reader found torn fields with no writer */
	ERR_FOREIGN,		/* memory altmm does not own, or the wrong cache */
	NR_STRESS_ERRS
};

static const char * const stress_err_names[] = {
	[ERR_PATTERN]		= "err_pattern",
	[ERR_ZERO]		= "err_zero",
	[ERR_CTOR]		= "err_ctor",
	[ERR_RCU_TYPE]		= "err_rcu_type",
	[ERR_RCU_FIELDS]	= "err_rcu_fields",
	[ERR_FOREIGN]		= "err_foreign",
};

static_assert(ARRAY_SIZE(stress_err_names) == NR_STRESS_ERRS);

/* kmalloc sizes: one range per class of 6.1, then page-backed sizes. */
static const unsigned int kmalloc_classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 32768,
};

#define NR_KMALLOC_RANGES	ARRAY_SIZE(kmalloc_classes)

/**
 * struct stress_counts - what one thread did
 * @ops: operations run, per kind
 * @fails: allocations refused (not an error: memory may be short)
 * @errs: content failures, per kind
 * @orders: successful page allocations per order
 * @mts: successful page allocations per migrate type (none, movable,
 *	reclaimable)
 * @kmalloc_ranges: successful kmallocs per range of kmalloc_classes
 * @cross_frees: frees of what another thread allocated
 * @rcu_torn: RCU reads that met a writer (and were not judged)
 * @rcu_reused: RCU read sections in which the object was freed and
 *	allocated again (a new generation) between two looks
 * @rebinds: returns to the home CPU after running elsewhere
 * @ops_away: operations begun away from the home CPU
 */
struct stress_counts {
	unsigned long ops[NR_STRESS_OPS];
	unsigned long fails;
	unsigned long errs[NR_STRESS_ERRS];
	unsigned long orders[ALTMM_MAX_ORDER];
	unsigned long mts[3];
	unsigned long kmalloc_ranges[NR_KMALLOC_RANGES];
	unsigned long cross_frees;
	unsigned long rcu_torn;
	unsigned long rcu_reused;
	unsigned long rebinds;
	unsigned long ops_away;
};

/* === Held objects === */

enum stress_kind { K_PAGE, K_KMALLOC, K_CTOR, K_PLAIN, K_BULK };

/**
 * struct stress_obj - one allocation a thread or the pool holds
 * @kind: which API it came from
 * @order: K_PAGE: the order
 * @owner: the thread that allocated it and wrote its pattern
 * @size: K_KMALLOC: bytes asked for; K_BULK: objects
 * @seq: the owner's sequence number at allocation
 * @page: K_PAGE: the first page
 * @ptr: K_KMALLOC, K_CTOR, K_PLAIN: the object
 * @vec: K_BULK: the objects (a host array)
 */
struct stress_obj {
	u8 kind;
	u8 order;
	u16 owner;
	u32 size;
	u64 seq;
	union {
		struct page *page;
		void *ptr;
		void **vec;
	};
};

/* An object of the constructor cache: a header, then a body. */
struct ctor_obj {
	u32 magic;
	u32 state;
	u64 key;
	u8 body[184];
};

/*
 * An object of the RCU cache.  @magic is the type, set by the
 * constructor and never written again; @gen is odd while a new owner
 * writes the other fields (a seqcount readers check around their reads).
 */
struct rcu_obj {
	u32 magic;
	u32 gen;
	u32 owner;
	u32 pad;
	u64 seq;
	u64 check;
	u8 body[32];
};

/**
 * struct stress_thread - one worker
 * @idx: its number, the owner id in patterns
 * @home: the CPU it asks to run on
 * @task: the kthread
 * @done: completed when it has freed what it held
 * @rnd: its random state, from the seed and @idx
 * @seq: sequence number of its next allocation
 * @nops: operations run so far
 * @held: what it holds
 * @nr_held: entries of @held used
 * @frames: frames its page and large kmalloc blocks take
 * @away: it has run an operation away from @home since it was last there
 * @c: its counts
 */
struct stress_thread {
	int idx;
	int home;
	struct task_struct *task;
	struct completion done;
	struct rnd_state rnd;
	u64 seq;
	unsigned long nops;
	struct stress_obj *held;
	unsigned int nr_held;
	unsigned long frames;
	bool away;
	struct stress_counts c;
};

/* === Shared state of a run === */

static struct altmm_system *sys;
static struct kmem_cache *ctor_cache, *plain_cache, *rcu_cache;
static struct stress_thread *threads;
static int nr_threads;
static unsigned long deadline;
static unsigned long frame_budget;	/* per thread, and for the pool */
static unsigned int weight_total;
static atomic_t reports = ATOMIC_INIT(0);
static atomic_t injected = ATOMIC_INIT(0);
static u64 run_seed;

/* The pool threads hand objects over by. */
static struct {
	spinlock_t lock;	/* the rest */
	unsigned int nr;
	unsigned long frames;
	struct stress_obj obj[STRESS_POOL];
} pool = { .lock = __SPIN_LOCK_UNLOCKED(pool.lock) };

/* RCU-published objects of rcu_cache; replaced with xchg(). */
static struct rcu_obj __rcu *rcu_slots[STRESS_RCU_SLOTS];

/* === Helpers === */

static u32 rnd(struct stress_thread *t, u32 n)
{
	return n ? prandom_u32_state(&t->rnd) % n : 0;
}

static __printf(3, 4) void stress_err(struct stress_thread *t, enum stress_err e,
				      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	t->c.errs[e]++;
	if (atomic_inc_return(&reports) > STRESS_REPORTS)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("FAIL %s: thread %d (seed %#llx, op %lu): %pV\n",
	       stress_err_names[e], t->idx, run_seed, t->nops, &vaf);
	va_end(args);
}

static u64 obj_key(const struct stress_obj *o)
{
	return (o->seq << 20 ^ (u64)o->owner << 8 ^ o->kind) * GOLDEN64;
}

/* Words key ^ i * GOLDEN64; a tail shorter than a word gets key's low byte. */
static void fill(void *p, size_t len, u64 key)
{
	u64 *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = key ^ (i * GOLDEN64);
	memset((u8 *)p + len / 8 * 8, (u8)key, len % 8);
}

/* Offset of the first byte fill() did not leave, or -1. */
static long check_fill(const void *p, size_t len, u64 key)
{
	const u64 *w = p;
	const u8 *tail;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != (key ^ (i * GOLDEN64)))
			return i * 8;
	tail = memchr_inv((const u8 *)p + len / 8 * 8, (u8)key, len % 8);
	return tail ? tail - (const u8 *)p : -1;
}

/* Does the kernel's rule want a fresh object of @cache zeroed? */
static bool slab_wants_zero(struct altmm_kmem_cache *cache, gfp_t gfp)
{
	bool plain = !cache->ctor &&
		     !(cache->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON));

	if (gfp & __GFP_ZERO)
		return true;
	return plain && (READ_ONCE(sys->tune.init_on_alloc) || READ_ONCE(sys->tune.init_on_free));
}

static bool pages_want_zero(gfp_t gfp)
{
	return (gfp & __GFP_ZERO) || READ_ONCE(sys->tune.init_on_alloc) ||
	       READ_ONCE(sys->tune.init_on_free);
}

/* One of GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, never warning on failure. */
static gfp_t base_gfp(struct stress_thread *t)
{
	static const gfp_t bases[] = { GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT };

	return bases[rnd(t, ARRAY_SIZE(bases))] | __GFP_NOWARN;
}

/* A random node, or NUMA_NO_NODE. */
static int any_node(struct stress_thread *t)
{
	int n = sys->layout.nr_nodes;

	return rnd(t, n + 1) == n ? NUMA_NO_NODE : (int)rnd(t, n);
}

/*
 * Non-blocking masks are also used the way their callers use them: with
 * preemption off.  The allocator must not sleep there.
 */
static void gfp_enter(gfp_t gfp)
{
	if (!gfpflags_allow_blocking(gfp))
		preempt_disable();
}

static void gfp_exit(gfp_t gfp)
{
	if (!gfpflags_allow_blocking(gfp))
		preempt_enable();
}

/* === Writing and checking patterns === */

/*
 * Each page of a block: 64 bytes of pattern at its start, 8 at its end
 * (writing all of an order-10 block would cost more than the rest of
 * the operation; a block handed out twice shows in every page anyway).
 */
static void page_fill(struct stress_obj *o)
{
	u8 *base = altmm_page_address(o->page);
	u64 key = obj_key(o);
	unsigned long i;

	for (i = 0; i < BIT(o->order); i++) {
		u8 *p = base + i * PAGE_SIZE;

		fill(p, 64, key ^ i);
		fill(p + PAGE_SIZE - 8, 8, ~key ^ i);
	}
}

static bool page_check(struct stress_thread *t, const struct stress_obj *o,
		       const char *when)
{
	u8 *base = altmm_page_address(o->page);
	u64 key = obj_key(o);
	unsigned long i;
	long bad;

	for (i = 0; i < BIT(o->order); i++) {
		u8 *p = base + i * PAGE_SIZE;

		bad = check_fill(p, 64, key ^ i);
		if (bad < 0 && check_fill(p + PAGE_SIZE - 8, 8, ~key ^ i) >= 0)
			bad = PAGE_SIZE - 8;
		if (bad >= 0) {
			stress_err(t, ERR_PATTERN,
				   "%s: order-%u block %p (owner %u seq %llu), page %lu, byte %ld: %*ph",
				   when, o->order, base, o->owner, o->seq, i, bad,
				   8, p + (bad & ~7L));
			return false;
		}
	}
	return true;
}

/* === Pages === */

static const char * const mt_names[] = { "none", "movable", "reclaimable" };

static void op_page_alloc(struct stress_thread *t)
{
	static const gfp_t mts[] = { 0, __GFP_MOVABLE, __GFP_RECLAIMABLE };
	unsigned int order = rnd(t, 3) ? rnd(t, 4) : rnd(t, ALTMM_MAX_ORDER);
	unsigned int mt = rnd(t, ARRAY_SIZE(mts));
	gfp_t gfp = base_gfp(t) | mts[mt];
	int nid = any_node(t);
	struct stress_obj *o;
	struct page *page;

	if (!rnd(t, 4))
		gfp |= __GFP_DMA32;
	if (nid != NUMA_NO_NODE && !rnd(t, 3))
		gfp |= __GFP_THISNODE;
	if (!rnd(t, 8))
		gfp |= __GFP_ZERO;
	if (order && rnd(t, 2))
		gfp |= __GFP_COMP;

	gfp_enter(gfp);
	page = nid == NUMA_NO_NODE ? altmm_alloc_pages(gfp, order) :
				     altmm_alloc_pages_node(nid, gfp, order);
	gfp_exit(gfp);
	if (!page) {
		t->c.fails++;
		return;
	}
	if (!altmm_page_is_altmm(page) || !altmm_page_address(page)) {
		stress_err(t, ERR_FOREIGN, "order-%u page %p (gfp %pGg) is not an altmm frame",
			   order, page, &gfp);
		return;	/* leaked on purpose: it is not ours to free */
	}
	t->c.orders[order]++;
	t->c.mts[mt]++;
	if (pages_want_zero(gfp)) {
		u8 *p = altmm_page_address(page);
		const u8 *nz = memchr_inv(p, 0, PAGE_SIZE << order);

		if (nz)
			stress_err(t, ERR_ZERO, "order-%u block %p (gfp %pGg): byte %ld is %#x",
				   order, p, &gfp, (long)(nz - p), *nz);
	}
	o = &t->held[t->nr_held++];
	*o = (struct stress_obj){ .kind = K_PAGE, .order = order, .owner = t->idx,
				  .seq = t->seq++, .page = page };
	page_fill(o);
	t->frames += BIT(order);
	/* What another owner of the block would do: write into it. */
	if (!strcmp(inject, "pattern") && !atomic_xchg(&injected, 1))
		((u8 *)altmm_page_address(page))[17] ^= 0xff;
}

/* === Slab objects === */

static void ctor_init(void *p)
{
	struct ctor_obj *c = p;

	c->magic = CTOR_MAGIC;
	c->state = CTOR_IDLE;
	c->key = 0;
	memset(c->body, CTOR_FILL, sizeof(c->body));
}

static void rcu_ctor(void *p)
{
	struct rcu_obj *r = p;

	memset(r, 0, sizeof(*r));
	r->magic = RCU_MAGIC;
}

static u64 rcu_check_value(u32 owner, u64 seq)
{
	return (seq ^ ((u64)owner << 48)) * GOLDEN64 + RCU_MAGIC;
}

/* Is @c in the state its constructor (or its last user) left it? */
static bool ctor_intact(const struct ctor_obj *c)
{
	return c->magic == CTOR_MAGIC && c->state == CTOR_IDLE && !c->key &&
	       !memchr_inv(c->body, CTOR_FILL, sizeof(c->body));
}

/* The cache of a slab object, which must be @want when given. */
static struct altmm_kmem_cache *obj_cache(struct stress_thread *t, void *obj,
					  struct kmem_cache *want)
{
	struct altmm_slab *slab;
	struct altmm_kmem_cache *cache = altmm_obj_to_cache(sys, obj, &slab);

	if (want && cache != (struct altmm_kmem_cache *)want) {
		stress_err(t, ERR_FOREIGN, "object %p of cache %s, not %s", obj,
			   cache ? cache->name : "(none)",
			   ((struct altmm_kmem_cache *)want)->name);
		return NULL;
	}
	return cache;
}

static bool check_zero(struct stress_thread *t, const void *p, size_t len,
		       const char *what, gfp_t gfp)
{
	const u8 *nz = memchr_inv(p, 0, len);

	if (!nz)
		return true;
	stress_err(t, ERR_ZERO, "%s %p of %zu bytes (gfp %pGg): byte %ld is %#x",
		   what, p, len, &gfp, (long)(nz - (const u8 *)p), *nz);
	return false;
}

static struct stress_obj *new_held(struct stress_thread *t, enum stress_kind kind)
{
	struct stress_obj *o = &t->held[t->nr_held++];

	*o = (struct stress_obj){ .kind = kind, .owner = t->idx, .seq = t->seq++ };
	return o;
}

static void op_kmalloc(struct stress_thread *t)
{
	unsigned int range = rnd(t, NR_KMALLOC_RANGES);
	unsigned int lo = range ? kmalloc_classes[range - 1] + 1 : 1;
	size_t size = lo + rnd(t, kmalloc_classes[range] - lo + 1);
	gfp_t gfp = base_gfp(t);
	int nid = any_node(t);
	struct altmm_kmem_cache *cache;
	struct stress_obj *o;
	void *p;

	switch (rnd(t, 8)) {
	case 0:
		gfp |= __GFP_RECLAIMABLE;
		break;
	case 1:
		gfp |= GFP_DMA;
		break;
	case 2:
		gfp |= __GFP_ZERO;
		break;
	}
	gfp_enter(gfp);
	p = nid == NUMA_NO_NODE ? altmm_kmalloc(size, gfp) :
				  altmm_kmalloc_node(size, gfp, nid);
	gfp_exit(gfp);
	if (!p) {
		t->c.fails++;
		return;
	}
	if (!altmm_addr_is_altmm(p)) {
		stress_err(t, ERR_FOREIGN, "kmalloc(%zu) gave %p, not altmm's", size, p);
		return;
	}
	t->c.kmalloc_ranges[range]++;
	cache = obj_cache(t, p, NULL);
	if (cache ? slab_wants_zero(cache, gfp) : pages_want_zero(gfp))
		check_zero(t, p, size, cache ? cache->name : "large kmalloc", gfp);
	o = new_held(t, K_KMALLOC);
	o->size = size;
	o->ptr = p;
	fill(p, size, obj_key(o));
	if (size > PAGE_SIZE)
		t->frames += DIV_ROUND_UP(size, PAGE_SIZE);
}

static void op_ctor_alloc(struct stress_thread *t)
{
	gfp_t gfp = base_gfp(t);
	int nid = any_node(t);
	struct stress_obj *o;
	struct ctor_obj *c;

	gfp_enter(gfp);
	c = nid == NUMA_NO_NODE ? altmm_kmem_cache_alloc(ctor_cache, gfp) :
				  altmm_kmem_cache_alloc_node(ctor_cache, gfp, nid);
	gfp_exit(gfp);
	if (!c) {
		t->c.fails++;
		return;
	}
	if (!obj_cache(t, c, ctor_cache))
		return;
	if (!ctor_intact(c))
		stress_err(t, ERR_CTOR, "fresh object %p: magic %#x state %#x key %#llx body %*ph",
			   c, c->magic, c->state, c->key, 8, c->body);
	o = new_held(t, K_CTOR);
	o->ptr = c;
	c->state = CTOR_BUSY;
	c->key = obj_key(o);
	fill(c->body, sizeof(c->body), c->key);
}

static void op_plain_alloc(struct stress_thread *t)
{
	gfp_t gfp = base_gfp(t) | (rnd(t, 4) ? 0 : __GFP_ZERO);
	int nid = any_node(t);
	struct stress_obj *o;
	void *p;

	gfp_enter(gfp);
	p = nid == NUMA_NO_NODE ? altmm_kmem_cache_alloc(plain_cache, gfp) :
				  altmm_kmem_cache_alloc_node(plain_cache, gfp, nid);
	gfp_exit(gfp);
	if (!p) {
		t->c.fails++;
		return;
	}
	if (!obj_cache(t, p, plain_cache))
		return;
	if (slab_wants_zero((struct altmm_kmem_cache *)plain_cache, gfp))
		check_zero(t, p, altmm_kmem_cache_size(plain_cache), "plain object", gfp);
	o = new_held(t, K_PLAIN);
	o->ptr = p;
	fill(p, altmm_kmem_cache_size(plain_cache), obj_key(o));
}

static void op_bulk_alloc(struct stress_thread *t)
{
	unsigned int n = 1 + rnd(t, STRESS_BULK_MAX), i;
	int got;
	size_t size = altmm_kmem_cache_size(plain_cache);
	gfp_t gfp = base_gfp(t);
	struct stress_obj *o;
	void **vec;

	vec = kmalloc_array(n, sizeof(*vec), GFP_KERNEL);
	if (!vec)
		return;
	gfp_enter(gfp);
	got = altmm_kmem_cache_alloc_bulk(plain_cache, gfp, n, vec);
	gfp_exit(gfp);
	if (!got) {
		t->c.fails++;
		kfree(vec);
		return;
	}
	o = new_held(t, K_BULK);
	o->size = n;
	o->vec = vec;
	for (i = 0; i < n; i++) {
		if (slab_wants_zero((struct altmm_kmem_cache *)plain_cache, gfp))
			check_zero(t, vec[i], size, "bulk object", gfp);
		fill(vec[i], size, obj_key(o) ^ i);
	}
}

/* === Checking and freeing what is held === */

static bool obj_check(struct stress_thread *t, const struct stress_obj *o,
		      const char *when)
{
	size_t plain = altmm_kmem_cache_size(plain_cache);
	const struct ctor_obj *c;
	unsigned int i;
	long bad;

	switch (o->kind) {
	case K_PAGE:
		return page_check(t, o, when);
	case K_KMALLOC:
		bad = check_fill(o->ptr, o->size, obj_key(o));
		break;
	case K_PLAIN:
		bad = check_fill(o->ptr, plain, obj_key(o));
		break;
	case K_CTOR:
		c = o->ptr;
		if (c->magic != CTOR_MAGIC || c->state != CTOR_BUSY || c->key != obj_key(o)) {
			bad = 0;
			break;
		}
		bad = check_fill(c->body, sizeof(c->body), c->key);
		if (bad >= 0)
			bad += offsetof(struct ctor_obj, body);
		break;
	case K_BULK:
		for (i = 0; i < o->size; i++) {
			bad = check_fill(o->vec[i], plain, obj_key(o) ^ i);
			if (bad >= 0) {
				stress_err(t, ERR_PATTERN,
					   "%s: bulk object %u of %u at %p (owner %u seq %llu), byte %ld",
					   when, i, o->size, o->vec[i], o->owner, o->seq, bad);
				return false;
			}
		}
		return true;
	default:
		return false;
	}
	if (bad < 0)
		return true;
	stress_err(t, ERR_PATTERN, "%s: kind %u object %p (owner %u seq %llu), byte %ld: %*ph",
		   when, o->kind, o->ptr, o->owner, o->seq, bad, 8,
		   (u8 *)o->ptr + (bad & ~7L));
	return false;
}

/* Frames a held object takes from the working-set budget. */
static unsigned long obj_frames(const struct stress_obj *o)
{
	if (o->kind == K_PAGE)
		return BIT(o->order);
	if (o->kind == K_KMALLOC && o->size > PAGE_SIZE)
		return DIV_ROUND_UP(o->size, PAGE_SIZE);
	return 0;
}

/*
 * Check and free.  A block whose pattern is wrong is freed all the same:
 * it is altmm's, and its state is what the walks at the end judge.
 */
static void obj_free(struct stress_thread *t, struct stress_obj *o)
{
	struct ctor_obj *c;

	obj_check(t, o, "at free");
	if (o->owner != t->idx)
		t->c.cross_frees++;
	switch (o->kind) {
	case K_PAGE:
		__altmm_free_pages(o->page, o->order);
		break;
	case K_KMALLOC:
		altmm_kfree(o->ptr);
		break;
	case K_CTOR:
		/* As a user of a constructed cache must: back to that state. */
		c = o->ptr;
		c->state = CTOR_IDLE;
		c->key = 0;
		memset(c->body, CTOR_FILL, sizeof(c->body));
		altmm_kmem_cache_free(ctor_cache, c);
		break;
	case K_PLAIN:
		altmm_kmem_cache_free(plain_cache, o->ptr);
		break;
	case K_BULK:
		altmm_kmem_cache_free_bulk(plain_cache, o->size, o->vec);
		kfree(o->vec);
		break;
	}
}

/* Take entry @i out of the thread's set (the last one moves into it). */
static struct stress_obj held_take(struct stress_thread *t, unsigned int i)
{
	struct stress_obj o = t->held[i];

	t->held[i] = t->held[--t->nr_held];
	t->frames -= obj_frames(&o);
	return o;
}

static void op_free(struct stress_thread *t)
{
	struct stress_obj o;

	if (!t->nr_held)
		return;
	o = held_take(t, rnd(t, t->nr_held));
	obj_free(t, &o);
}

static void op_give(struct stress_thread *t)
{
	unsigned int i;
	bool given = false;

	if (!t->nr_held)
		return;
	i = rnd(t, t->nr_held);
	spin_lock(&pool.lock);
	if (pool.nr < STRESS_POOL &&
	    pool.frames + obj_frames(&t->held[i]) <= frame_budget) {
		pool.obj[pool.nr++] = t->held[i];
		pool.frames += obj_frames(&t->held[i]);
		given = true;
	}
	spin_unlock(&pool.lock);
	if (given)
		held_take(t, i);
}

static bool pool_take(struct stress_obj *o, unsigned int (*pick)(unsigned int, void *),
		      void *arg)
{
	bool found = false;

	spin_lock(&pool.lock);
	if (pool.nr) {
		unsigned int i = pick(pool.nr, arg);

		*o = pool.obj[i];
		pool.obj[i] = pool.obj[--pool.nr];
		pool.frames -= obj_frames(o);
		found = true;
	}
	spin_unlock(&pool.lock);
	return found;
}

static unsigned int pick_random(unsigned int n, void *arg)
{
	return rnd(arg, n);
}

static unsigned int pick_last(unsigned int n, void *arg)
{
	return n - 1;
}

static void op_take(struct stress_thread *t)
{
	struct stress_obj o;

	if (pool_take(&o, pick_random, t))
		obj_free(t, &o);
}

static void op_verify(struct stress_thread *t)
{
	if (t->nr_held)
		obj_check(t, &t->held[rnd(t, t->nr_held)], "while held");
}

/* === The RCU cache === */

/* Returns the generation seen, or -1 when a writer was in the middle. */
static long rcu_judge(struct stress_thread *t, struct rcu_obj *r, const char *when)
{
	u32 magic = READ_ONCE(r->magic), g1, g2, owner;
	u64 seq, check;

	if (magic != RCU_MAGIC) {
		stress_err(t, ERR_RCU_TYPE, "%s: object %p: magic %#x, not %#x",
			   when, r, magic, RCU_MAGIC);
		return -1;
	}
	g1 = smp_load_acquire(&r->gen);	/* pairs with the writer's release */
	owner = READ_ONCE(r->owner);
	seq = READ_ONCE(r->seq);
	check = READ_ONCE(r->check);
	smp_rmb();	/* the fields before the second read of gen */
	g2 = READ_ONCE(r->gen);
	if ((g1 & 1) || g1 != g2) {
		t->c.rcu_torn++;
		return -1;
	}
	if (check != rcu_check_value(owner, seq))
		stress_err(t, ERR_RCU_FIELDS, "%s: object %p gen %u: owner %u seq %llu check %#llx",
			   when, r, g1, owner, seq, check);
	return g1;
}

/*
 * A new object of the RCU cache, its fields written as a seqcount writer
 * does, and published in @slot; what the slot held is judged and freed
 * at once (type-safe: readers may still look at it).  Returns the new
 * object, or NULL.
 */
static struct rcu_obj *rcu_publish(struct stress_thread *t, gfp_t gfp, unsigned int slot)
{
	struct rcu_obj *r, *old;
	u32 gen;

	gfp_enter(gfp);
	r = altmm_kmem_cache_alloc(rcu_cache, gfp);
	gfp_exit(gfp);
	if (!r) {
		t->c.fails++;
		return NULL;
	}
	if (!obj_cache(t, r, rcu_cache))
		return NULL;
	/* Readers may still look at it: its type must not have changed. */
	if (READ_ONCE(r->magic) != RCU_MAGIC)
		stress_err(t, ERR_RCU_TYPE, "fresh object %p: magic %#x", r, r->magic);
	gen = READ_ONCE(r->gen);
	if (gen & 1)
		stress_err(t, ERR_RCU_FIELDS, "fresh object %p: gen %u is odd", r, gen);
	WRITE_ONCE(r->gen, gen | 1);
	smp_wmb();	/* readers see gen odd before any new field */
	WRITE_ONCE(r->owner, t->idx);
	WRITE_ONCE(r->seq, t->seq);
	WRITE_ONCE(r->check, rcu_check_value(t->idx, t->seq));
	t->seq++;
	/* The fields before gen goes even; pairs with rcu_judge()'s acquire. */
	smp_store_release(&r->gen, (gen | 1) + 1);

	old = unrcu_pointer(xchg(&rcu_slots[slot], RCU_INITIALIZER(r)));
	if (old) {
		rcu_judge(t, old, "unpublished");
		if (READ_ONCE(old->owner) != t->idx)
			t->c.cross_frees++;
		altmm_kmem_cache_free(rcu_cache, old);
	}
	return r;
}

static void op_rcu_publish(struct stress_thread *t)
{
	rcu_publish(t, base_gfp(t), rnd(t, STRESS_RCU_SLOTS));
}

/*
 * Free what @slot holds first, then publish a new object there: the
 * per-CPU array being LIFO, the new object is most often the old one.
 */
static void rcu_replace(struct stress_thread *t, unsigned int slot)
{
	struct rcu_obj *old = unrcu_pointer(xchg(&rcu_slots[slot], NULL));

	if (old) {
		rcu_judge(t, old, "unpublished");
		if (READ_ONCE(old->owner) != t->idx)
			t->c.cross_frees++;
		altmm_kmem_cache_free(rcu_cache, old);
	}
	rcu_publish(t, GFP_NOWAIT | __GFP_NOWARN, slot);
}

/*
 * A reader looks at a published object several times.  One time in four
 * it also replaces the object itself in the middle of its read section,
 * so that the object is freed and, the per-CPU array being LIFO, most
 * often handed out again at once: what an RCU reader of a
 * SLAB_TYPESAFE_BY_RCU cache must survive.  Other threads free objects
 * under readers too, less often.
 */
static void op_rcu_read(struct stress_thread *t)
{
	unsigned int slot = rnd(t, STRESS_RCU_SLOTS);
	bool replace = !rnd(t, 4), reused = false;
	long gen, first = -1;
	struct rcu_obj *r;
	int i;

	rcu_read_lock();
	r = rcu_dereference(rcu_slots[slot]);
	for (i = 0; r && i < 4; i++) {
		gen = rcu_judge(t, r, "read under rcu_read_lock");
		if (first < 0)
			first = gen;
		else if (gen >= 0 && gen != first)
			reused = true;
		if (replace && i == 1)
			rcu_replace(t, slot);
		udelay(2);
	}
	rcu_read_unlock();
	t->c.rcu_reused += reused;
}

/* === The system operations === */

static struct altmm_tunables saved_tune;

static void op_tune(struct stress_thread *t)
{
	int v;

	mutex_lock(&sys->tune_lock);
	switch (rnd(t, 3)) {
	case 0:
		WRITE_ONCE(sys->tune.watermark_scale_factor, 1 + rnd(t, 300));
		break;
	case 1:
		/* Half to twice the value at load: pressure, never starvation. */
		v = saved_tune.min_free_kbytes / 2 + rnd(t, saved_tune.min_free_kbytes * 3 / 2);
		WRITE_ONCE(sys->tune.min_free_kbytes, v);
		WRITE_ONCE(sys->tune.user_min_free_kbytes, v);
		break;
	default:
		v = rnd(t, 2) ? 0 : 8 + rnd(t, 57);
		WRITE_ONCE(sys->tune.percpu_pagelist_high_fraction, v);
		break;
	}
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
}

static void tune_restore(void)
{
	mutex_lock(&sys->tune_lock);
	WRITE_ONCE(sys->tune.watermark_scale_factor, saved_tune.watermark_scale_factor);
	WRITE_ONCE(sys->tune.min_free_kbytes, saved_tune.min_free_kbytes);
	WRITE_ONCE(sys->tune.user_min_free_kbytes, saved_tune.user_min_free_kbytes);
	WRITE_ONCE(sys->tune.percpu_pagelist_high_fraction,
		   saved_tune.percpu_pagelist_high_fraction);
	altmm_setup_watermarks(sys);
	mutex_unlock(&sys->tune_lock);
}

static void op_kswapd(struct stress_thread *t)
{
	int nid = rnd(t, sys->layout.nr_nodes);
	struct altmm_zone *zone;

	/* As ctl's kswapd command: the node's highest zone with memory. */
	zone = sys->nodes[nid]->zonelists[ALTMM_ZONELIST_NOFALLBACK].zones[0];
	if (zone)
		altmm_wakeup_kswapd(sys, zone, GFP_KERNEL, rnd(t, 4), zone->type);
}

static void op_reclaim(struct stress_thread *t)
{
	int nid = rnd(t, sys->layout.nr_nodes);

	altmm_try_to_free_pages(sys, &sys->nodes[nid]->zonelists[ALTMM_ZONELIST_FALLBACK],
				0, GFP_KERNEL, nid);
}

static void op_shrink(struct stress_thread *t)
{
	struct kmem_cache *caches[] = { ctor_cache, plain_cache, rcu_cache };

	altmm_kmem_cache_shrink(caches[rnd(t, ARRAY_SIZE(caches))]);
}

/* === A thread === */

static enum stress_op pick_op(struct stress_thread *t)
{
	unsigned int w = rnd(t, weight_total), i;

	for (i = 0; i < NR_STRESS_OPS - 1; i++) {
		if (w < stress_ops[i].weight)
			break;
		w -= stress_ops[i].weight;
	}
	return i;
}

static bool is_alloc(enum stress_op op)
{
	return op == OP_PAGE_ALLOC || op == OP_KMALLOC || op == OP_CTOR_ALLOC ||
	       op == OP_PLAIN_ALLOC || op == OP_BULK_ALLOC;
}

static void run_op(struct stress_thread *t, enum stress_op op)
{
	switch (op) {
	case OP_PAGE_ALLOC:
		op_page_alloc(t);
		break;
	case OP_PAGE_FREE:
		op_free(t);
		break;
	case OP_GIVE:
		op_give(t);
		break;
	case OP_TAKE:
		op_take(t);
		break;
	case OP_KMALLOC:
		op_kmalloc(t);
		break;
	case OP_CTOR_ALLOC:
		op_ctor_alloc(t);
		break;
	case OP_PLAIN_ALLOC:
		op_plain_alloc(t);
		break;
	case OP_BULK_ALLOC:
		op_bulk_alloc(t);
		break;
	case OP_RCU_PUBLISH:
		op_rcu_publish(t);
		break;
	case OP_RCU_READ:
		op_rcu_read(t);
		break;
	case OP_VERIFY:
		op_verify(t);
		break;
	case OP_DRAIN:
		altmm_drain_all_pages(sys, NULL);
		break;
	case OP_TUNE:
		op_tune(t);
		break;
	case OP_KSWAPD:
		op_kswapd(t);
		break;
	case OP_RECLAIM:
		op_reclaim(t);
		break;
	case OP_SHRINK:
		op_shrink(t);
		break;
	default:
		break;
	}
}

/*
 * Back to the home CPU if it is online and we are not on it.  Hotplug is
 * held off meanwhile, so the CPU cannot go between the test and the move.
 * The load balancer may have brought us home already: either way, being
 * home after having been away is a rebind.
 */
static void rebind(struct stress_thread *t)
{
	if (raw_smp_processor_id() != t->home) {
		cpus_read_lock();
		if (cpu_online(t->home))
			set_cpus_allowed_ptr(current, cpumask_of(t->home));
		cpus_read_unlock();
	}
	if (t->away && raw_smp_processor_id() == t->home) {
		t->away = false;
		t->c.rebinds++;
	}
}

static int stress_thread_fn(void *arg)
{
	struct stress_thread *t = arg;

	while (!time_after(jiffies, deadline) && (!max_ops || t->nops < max_ops)) {
		enum stress_op op = pick_op(t);

		/* A full working set frees first. */
		if (is_alloc(op) && (t->nr_held + 1 >= hold ||
				     t->frames + ALTMM_MAX_ORDER_NR_PAGES > frame_budget))
			op = OP_PAGE_FREE;
		/* Only a hint: the thread may move at any time. */
		if (raw_smp_processor_id() != t->home) {
			t->c.ops_away++;
			t->away = true;
		}
		run_op(t, op);
		t->c.ops[op]++;
		if (!(++t->nops % 16))
			rebind(t);
		cond_resched();
	}
	while (t->nr_held)
		op_free(t);
	complete(&t->done);

	/* Wait to be stopped, so that kthread_stop() finds the task. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* === The run === */

static unsigned long managed_frames(void)
{
	struct altmm_zone *zone;
	unsigned long n = 0;
	int nid, zt;

	for_each_altmm_populated_zone(sys, zone, nid, zt)
		n += altmm_zone_managed(zone);
	return n;
}

static int start_threads(void)
{
	int cpu, i = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct stress_thread *t;

		if (i == STRESS_MAX_THREADS)
			break;
		t = &threads[i];
		t->idx = i;
		t->home = cpu;
		init_completion(&t->done);
		prandom_seed_state(&t->rnd, run_seed + (i + 1) * GOLDEN64);
		t->held = kvcalloc(hold, sizeof(*t->held), GFP_KERNEL);
		if (!t->held)
			break;
		t->task = kthread_create(stress_thread_fn, t, "altmm_stress/%d", i);
		if (IS_ERR(t->task)) {
			kvfree(t->held);
			break;
		}
		get_task_struct(t->task);
		/* Not kthread_bind(): the thread must survive its CPU going away. */
		set_cpus_allowed_ptr(t->task, cpumask_of(cpu));
		i++;
	}
	cpus_read_unlock();
	nr_threads = i;
	for (i = 0; i < nr_threads; i++)
		wake_up_process(threads[i].task);
	return nr_threads ? 0 : -ENOMEM;
}

static void stop_threads(void)
{
	int i;

	for (i = 0; i < nr_threads; i++) {
		wait_for_completion(&threads[i].done);
		kthread_stop(threads[i].task);
		put_task_struct(threads[i].task);
		kvfree(threads[i].held);
	}
}

/* Free what the pool and the RCU slots still hold, as thread 0. */
static void drain_shared(struct stress_thread *t)
{
	struct stress_obj o;
	int i;

	while (pool_take(&o, pick_last, NULL))
		obj_free(t, &o);
	for (i = 0; i < STRESS_RCU_SLOTS; i++) {
		struct rcu_obj *r = unrcu_pointer(xchg(&rcu_slots[i], NULL));

		if (r) {
			rcu_judge(t, r, "at the end");
			altmm_kmem_cache_free(rcu_cache, r);
		}
	}
}

static int create_caches(void)
{
	ctor_cache = altmm_kmem_cache_create("altmm_stress_ctor", sizeof(struct ctor_obj),
					     0, 0, ctor_init);
	plain_cache = altmm_kmem_cache_create("altmm_stress_plain", 72, 0,
					      SLAB_HWCACHE_ALIGN, NULL);
	rcu_cache = altmm_kmem_cache_create("altmm_stress_rcu", sizeof(struct rcu_obj),
					    0, SLAB_TYPESAFE_BY_RCU, rcu_ctor);
	if (ctor_cache && plain_cache && rcu_cache)
		return 0;
	altmm_kmem_cache_destroy(ctor_cache);
	altmm_kmem_cache_destroy(plain_cache);
	altmm_kmem_cache_destroy(rcu_cache);
	return -ENOMEM;
}

static void destroy_caches(void)
{
	altmm_kmem_cache_destroy(rcu_cache);
	altmm_kmem_cache_destroy(plain_cache);
	altmm_kmem_cache_destroy(ctor_cache);
}

/* Our caches must hold no object handed out: we freed them all. */
static void check_own_caches(struct altmm_check_report *r)
{
	struct kmem_cache *caches[] = { ctor_cache, plain_cache, rcu_cache };
	unsigned long out;
	int i;

	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		struct altmm_kmem_cache *c = (struct altmm_kmem_cache *)caches[i];

		altmm_check_cache_walk(c, r, &out);
		if (out)
			altmm_check_note(r, "%s: %lu objects still handed out", c->name, out);
	}
}

/* Frees refused by altmm's slab debug checks, over every cache. */
static unsigned long debug_refused(void)
{
	struct altmm_kmem_cache *cache;
	unsigned long n = 0;

	mutex_lock(&sys->slab->mutex);
	list_for_each_entry(cache, &sys->slab->caches, list)
		n += altmm_cache_stat(cache, ALTMM_SLAB_DEBUG_REFUSED);
	mutex_unlock(&sys->slab->mutex);
	return n;
}

/*
 * inject=invariant: one block more on the first zone's order-0 count
 * than on its lists, for the walks to find; undone after them.
 */
static void inject_miscount(long delta)
{
	struct altmm_zone *zone;
	unsigned long flags;
	int nid, zt;

	for_each_altmm_populated_zone(sys, zone, nid, zt) {
		spin_lock_irqsave(&zone->lock, flags);
		zone->free_area[0].nr_free += delta;
		spin_unlock_irqrestore(&zone->lock, flags);
		return;
	}
}

/* "a,b,c" of @n values, into @buf. */
static int print_list(char *buf, size_t size, const unsigned long *v, int n)
{
	int i, len = 0;

	for (i = 0; i < n; i++)
		len += scnprintf(buf + len, size - len, "%s%lu", i ? "," : "", v[i]);
	return len;
}

static bool print_summary(struct stress_counts *sum, unsigned long ms, unsigned long problems,
			  unsigned long misuse, unsigned long refused, const char *first)
{
	unsigned long errors = misuse + refused + (problems ? 1 : 0), total = 0;
	int i, len = 0, ranges = 0;
	size_t size = 1536;
	char *buf;

	for (i = 0; i < NR_STRESS_ERRS; i++)
		errors += sum->errs[i];
	for (i = 0; i < NR_STRESS_OPS; i++)
		total += sum->ops[i];
	for (i = 0; i < NR_KMALLOC_RANGES; i++)
		ranges += !!sum->kmalloc_ranges[i];

	if (problems)
		pr_err("FAIL invariants: %lu problems, the first: %s\n", problems, first);

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return false;
	len += scnprintf(buf + len, size - len,
			 "summary seed=%#llx threads=%d cpus=%u ms=%lu ops=%lu",
			 run_seed, nr_threads, num_online_cpus(), ms, total);
	for (i = 0; i < NR_STRESS_OPS; i++)
		len += scnprintf(buf + len, size - len, " %s=%lu", stress_ops[i].name,
				 sum->ops[i]);
	len += scnprintf(buf + len, size - len, " nomem=%lu cross_frees=%lu",
			 sum->fails, sum->cross_frees);
	len += scnprintf(buf + len, size - len, " orders=");
	len += print_list(buf + len, size - len, sum->orders, ALTMM_MAX_ORDER);
	for (i = 0; i < ARRAY_SIZE(mt_names); i++)
		len += scnprintf(buf + len, size - len, " mt_%s=%lu", mt_names[i], sum->mts[i]);
	len += scnprintf(buf + len, size - len,
			 " kmalloc_ranges=%d/%zu rcu_torn=%lu rcu_reused=%lu rebinds=%lu ops_away=%lu",
			 ranges, NR_KMALLOC_RANGES, sum->rcu_torn, sum->rcu_reused,
			 sum->rebinds, sum->ops_away);
	for (i = 0; i < NR_STRESS_ERRS; i++)
		len += scnprintf(buf + len, size - len, " %s=%lu", stress_err_names[i],
				 sum->errs[i]);
	len += scnprintf(buf + len, size - len,
			 " misuse=%lu debug_rejects=%lu invariant_problems=%lu result=%s",
			 misuse, refused, problems, errors ? "fail" : "pass");
	pr_info("%s\n", buf);
	kfree(buf);
	return !errors;
}

static int __init altmm_stress_init(void)
{
	struct altmm_check_report *r;
	struct stress_counts *sum;
	unsigned long start, misuse, refused, ms;
	int i, j, ret;
	bool pass;

	sys = altmm_default_sys;
	if (!sys) {
		pr_err("altmm has no default instance\n");
		return -ENODEV;
	}
	if (hold < 16 || hold > 4096) {
		pr_err("hold=%u: must be 16..4096\n", hold);
		return -EINVAL;
	}
	if (*inject && strcmp(inject, "pattern") && strcmp(inject, "invariant")) {
		pr_err("inject=%s: must be pattern or invariant\n", inject);
		return -EINVAL;
	}
	run_seed = seed ?: get_random_u64();
	for (i = 0; i < NR_STRESS_OPS; i++)
		weight_total += stress_ops[i].weight;

	threads = kcalloc(STRESS_MAX_THREADS, sizeof(*threads), GFP_KERNEL);
	sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!threads || !sum || !r) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = create_caches();
	if (ret)
		goto out_free;

	mutex_lock(&sys->tune_lock);
	saved_tune = sys->tune;
	mutex_unlock(&sys->tune_lock);
	misuse = altmm_vm_event_sum(sys, ALTMM_MISUSE);
	refused = debug_refused();

	/* A third of memory for the threads, a sixth for the pool, at most. */
	frame_budget = managed_frames() / (3 * min(num_online_cpus(), STRESS_MAX_THREADS));
	frame_budget = max(frame_budget, 2 * ALTMM_MAX_ORDER_NR_PAGES);
	pr_info("start seed=%#llx threads=%u duration_ms=%u max_ops=%u hold=%u frame_budget=%lu init_on_alloc=%d init_on_free=%d debug_flags=%#x%s%s\n",
		run_seed, min(num_online_cpus(), STRESS_MAX_THREADS), duration_ms, max_ops,
		hold, frame_budget, READ_ONCE(sys->tune.init_on_alloc),
		READ_ONCE(sys->tune.init_on_free),
		/* slab_debug= as it reached a new cache */
		(__force unsigned int)(((struct altmm_kmem_cache *)plain_cache)->flags &
				       ALTMM_SLAB_DEBUG_FLAGS),
		*inject ? " inject=" : "", inject);

	start = jiffies;
	deadline = start + msecs_to_jiffies(duration_ms);
	ret = start_threads();
	if (ret) {
		destroy_caches();
		goto out_free;
	}
	stop_threads();
	ms = jiffies_to_msecs(jiffies - start);
	drain_shared(&threads[0]);
	tune_restore();

	check_own_caches(r);
	if (!strcmp(inject, "invariant"))
		inject_miscount(1);
	altmm_check_instance(sys, r);
	if (!strcmp(inject, "invariant"))
		inject_miscount(-1);
	misuse = altmm_vm_event_sum(sys, ALTMM_MISUSE) - misuse;
	refused = debug_refused() - refused;

	for (i = 0; i < nr_threads; i++) {
		struct stress_counts *c = &threads[i].c;

		for (j = 0; j < NR_STRESS_OPS; j++)
			sum->ops[j] += c->ops[j];
		for (j = 0; j < NR_STRESS_ERRS; j++)
			sum->errs[j] += c->errs[j];
		for (j = 0; j < ALTMM_MAX_ORDER; j++)
			sum->orders[j] += c->orders[j];
		for (j = 0; j < ARRAY_SIZE(sum->mts); j++)
			sum->mts[j] += c->mts[j];
		for (j = 0; j < NR_KMALLOC_RANGES; j++)
			sum->kmalloc_ranges[j] += c->kmalloc_ranges[j];
		sum->fails += c->fails;
		sum->cross_frees += c->cross_frees;
		sum->rcu_torn += c->rcu_torn;
		sum->rcu_reused += c->rcu_reused;
		sum->rebinds += c->rebinds;
		sum->ops_away += c->ops_away;
	}
	pass = print_summary(sum, ms, r->problems, misuse, refused, r->first);
	destroy_caches();
	ret = pass ? 0 : -EINVAL;
out_free:
	kfree(r);
	kfree(sum);
	kfree(threads);
	return ret;
}

static void __exit altmm_stress_exit(void)
{
}

module_init(altmm_stress_init);
module_exit(altmm_stress_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("altmm SMP stress: every CPU allocating and freeing at once, then the invariant walks");
