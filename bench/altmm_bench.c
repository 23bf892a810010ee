// SPDX-License-Identifier: GPL-2.0
/*
 * altmm_bench.ko: the same allocation loops on the host's allocator and on
 * altmm, in the same boot, and a fragmentation workload on altmm.
 *
 * Method, after the kernel's in-kernel micro-benchmarks (lib/test_vmalloc.c,
 * mm's page_alloc bulk benchmarks): a case is a tight loop of one
 * allocation pattern, timed with ktime_get_ns() and the cycle counter
 * around a whole round of many iterations (at least 10^5 operations for
 * the fast paths at scale=100), in a kernel thread bound to one CPU, with
 * preemption and interrupts left as any caller has them.  Rounds
 * alternate host, altmm, host, altmm ... so that a slow moment of the
 * machine hits both sides; round 0 of each side is a warm-up and is not
 * kept.  Each side's loop is the same source, instantiated once per side
 * with the side a compile-time constant, so both make direct calls.
 *
 * The work runs at load: insmod returns when every case is done, and the
 * results stay in /sys/kernel/debug/altmm_bench/ until rmmod:
 *   results  every kept round of every case, both sides (CSV)
 *   summary  min/median/max per side and the median altmm/host ratio (CSV)
 *   frag     the fragmentation workload, one row per variant and round (CSV)
 * and the summary is printed to the kernel log as a table.
 *
 * Data: the cases are a table (&struct bench_case); a selected case and
 * CPU count makes a series (bench_stats.h) of per-round samples, stored
 * in &bench_series_all in the order they ran.  The fragmentation workload
 * runs on private altmm instances, one per variant, so both start from
 * the same fresh state and nothing else allocates from them.
 *
 * Locking: the module's data is written only by the load path and the
 * worker threads it waits for (completions order their writes before its
 * reads); the debugfs files exist only after the work is done.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>
#include <linux/vmalloc.h>

#include "altmm.h"
#include "compaction.h"
#include "migrate.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "bench_stats.h"

/* === Parameters === */

static char *cases = "all";
module_param(cases, charp, 0444);
MODULE_PARM_DESC(cases, "Comma-separated cases or groups to run: all, micro, scale, frag, or case names (default all)");

static unsigned int rounds = 10;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Kept rounds per side, 1..100, after one warm-up round (default 10)");

static unsigned int scale = 100;
module_param(scale, uint, 0444);
MODULE_PARM_DESC(scale, "Iterations per round in percent of the defaults, 1..1000 (default 100)");

static ulong seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of kmalloc_mixed and of the fragmentation workload (default 1)");

static char *side = "both";
module_param(side, charp, 0444);
MODULE_PARM_DESC(side, "Sides to run: both, host or altmm (one side alone is for profiling: the other reads \"skipped\"; default both)");

static unsigned int frag_mb = 128;
module_param(frag_mb, uint, 0444);
MODULE_PARM_DESC(frag_mb, "Size of the fragmentation workload's private instance in MiB, 8..1024, a multiple of 4 (default 128)");

static unsigned int frag_rounds = 30;
module_param(frag_rounds, uint, 0444);
MODULE_PARM_DESC(frag_rounds, "Rounds of the fragmentation workload, 1..1000 (default 30)");

#define BENCH_MAX_ROUNDS	100
#define BENCH_MAX_SCALE		1000

/* === Clocks === */

/*
 * The cycle counter: the TSC on x86, and on UML too (rdtsc works in a
 * user process, where get_cycles() is 0).  0 where there is none.
 */
static inline u64 bench_cycles(void)
{
#if defined(CONFIG_UML) && defined(CONFIG_X86_64)
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
#else
	return get_cycles();
#endif
}

static bool bench_have_cycles(void)
{
	return bench_cycles() != 0;
}

/* === The two sides === */

/*
 * Each helper is one call of the kernel's API or of altmm's.  Loops are
 * __always_inline with @side a constant, so the branch folds away and
 * both sides' loops make direct calls, as real callers do.
 */

/* altmm_vmalloc() comes with module/vmalloc.c: looked up, not linked. */
static void *(*altmm_vmalloc_fn)(unsigned long size);
static void (*altmm_vfree_fn)(const void *addr);

static __always_inline struct page *b_alloc_pages(const enum bench_side side,
						  unsigned int order)
{
	if (side == BENCH_ALTMM)
		return altmm_alloc_pages(GFP_KERNEL, order);
	return alloc_pages(GFP_KERNEL, order);
}

static __always_inline void b_free_pages(const enum bench_side side,
					 struct page *page, unsigned int order)
{
	if (side == BENCH_ALTMM)
		__altmm_free_pages(page, order);
	else
		__free_pages(page, order);
}

static __always_inline unsigned long b_bulk(const enum bench_side side,
					    unsigned long nr,
					    struct page **pages)
{
	if (side == BENCH_ALTMM)
		return altmm_alloc_pages_bulk_array(GFP_KERNEL, nr, pages);
	return alloc_pages_bulk_array(GFP_KERNEL, nr, pages);
}

static __always_inline void *b_cache_alloc(const enum bench_side side,
					   struct kmem_cache *s)
{
	if (side == BENCH_ALTMM)
		return altmm_kmem_cache_alloc(s, GFP_KERNEL);
	return kmem_cache_alloc(s, GFP_KERNEL);
}

static __always_inline void b_cache_free(const enum bench_side side,
					 struct kmem_cache *s, void *obj)
{
	if (side == BENCH_ALTMM)
		altmm_kmem_cache_free(s, obj);
	else
		kmem_cache_free(s, obj);
}

static __always_inline void *b_kmalloc(const enum bench_side side, size_t size)
{
	if (side == BENCH_ALTMM)
		return altmm_kmalloc(size, GFP_KERNEL);
	return kmalloc(size, GFP_KERNEL);
}

static __always_inline void b_kfree(const enum bench_side side, void *obj)
{
	if (side == BENCH_ALTMM)
		altmm_kfree(obj);
	else
		kfree(obj);
}

static __always_inline void *b_vmalloc(const enum bench_side side,
				       unsigned long size)
{
	if (side == BENCH_ALTMM)
		return altmm_vmalloc_fn(size);
	return vmalloc(size);
}

static __always_inline void b_vfree(const enum bench_side side, void *addr)
{
	if (side == BENCH_ALTMM)
		altmm_vfree_fn(addr);
	else
		vfree(addr);
}

/* === Loops === */

/**
 * struct bench_ctx - what one thread's loop works on
 * @iters: loop iterations per round
 * @order: page order of the page cases
 * @size: object size of the slab and kmalloc cases
 * @nr: objects or frames per batch
 * @pages: room for @nr frames
 * @objs: room for @nr objects
 * @sizes: kmalloc_mixed: the size of each object of a batch
 * @perm: kmalloc_mixed: the order in which they are freed
 * @cache: the slab cases' cache, per side
 * @sink: where loop_spin() leaves its result
 */
struct bench_ctx {
	unsigned long iters;
	unsigned int order;
	unsigned int size;
	unsigned int nr;
	struct page **pages;
	void **objs;
	unsigned int *sizes;
	unsigned int *perm;
	struct kmem_cache *cache[BENCH_NR_SIDES];
	unsigned long sink;
};

/* One allocation of 2^order frames and its free, @iters times. */
static __always_inline int loop_page_pair(const enum bench_side side,
					  struct bench_ctx *c)
{
	unsigned int order = c->order;
	unsigned long i;
	struct page *page;

	for (i = 0; i < c->iters; i++) {
		page = b_alloc_pages(side, order);
		if (unlikely(!page))
			return -ENOMEM;
		b_free_pages(side, page, order);
	}
	return 0;
}

/* @nr single frames one at a time, then all of them freed; @iters times. */
static __always_inline int loop_page_batch(const enum bench_side side,
					   struct bench_ctx *c)
{
	unsigned long i;
	unsigned int j, nr = c->nr;
	int ret = 0;

	for (i = 0; i < c->iters && !ret; i++) {
		for (j = 0; j < nr; j++) {
			c->pages[j] = b_alloc_pages(side, 0);
			if (unlikely(!c->pages[j])) {
				ret = -ENOMEM;
				break;
			}
		}
		nr = j;
		for (j = 0; j < nr; j++)
			b_free_pages(side, c->pages[j], 0);
		nr = c->nr;
	}
	return ret;
}

/* alloc_pages_bulk_array() of @nr frames, each then freed; @iters times. */
static __always_inline int loop_bulk_api(const enum bench_side side,
					 struct bench_ctx *c)
{
	unsigned long i, got, j;
	int ret = 0;

	for (i = 0; i < c->iters && !ret; i++) {
		memset(c->pages, 0, c->nr * sizeof(*c->pages));
		got = b_bulk(side, c->nr, c->pages);
		if (unlikely(got != c->nr))
			ret = -ENOMEM;
		for (j = 0; j < got; j++)
			b_free_pages(side, c->pages[j], 0);
	}
	return ret;
}

/* kmem_cache_alloc() and kmem_cache_free() of one object, @iters times. */
static __always_inline int loop_cache_pair(const enum bench_side side,
					   struct bench_ctx *c)
{
	struct kmem_cache *s = c->cache[side];
	unsigned long i;
	void *obj;

	for (i = 0; i < c->iters; i++) {
		obj = b_cache_alloc(side, s);
		if (unlikely(!obj))
			return -ENOMEM;
		b_cache_free(side, s, obj);
	}
	return 0;
}

/*
 * @nr kmallocs, then all of them freed, @iters times: of @size bytes, or
 * (kmalloc_mixed, @sizes set) of the seeded sizes, freed in the seeded
 * order @perm.
 */
static __always_inline int loop_kmalloc_batch(const enum bench_side side,
					      struct bench_ctx *c)
{
	unsigned int j, nr = c->nr;
	unsigned long i;
	int ret = 0;

	for (i = 0; i < c->iters && !ret; i++) {
		for (j = 0; j < nr; j++) {
			c->objs[j] = b_kmalloc(side, c->sizes ? c->sizes[j] : c->size);
			if (unlikely(!c->objs[j])) {
				ret = -ENOMEM;
				break;
			}
		}
		if (ret) {
			while (j--)
				b_kfree(side, c->objs[j]);
			break;
		}
		for (j = 0; j < nr; j++)
			b_kfree(side, c->objs[c->perm ? c->perm[j] : j]);
	}
	return ret;
}

/* vmalloc() and vfree() of @size bytes, @iters times. */
static __always_inline int loop_vmalloc_pair(const enum bench_side side,
					     struct bench_ctx *c)
{
	unsigned long i;
	void *p;

	for (i = 0; i < c->iters; i++) {
		p = b_vmalloc(side, c->size);
		if (unlikely(!p))
			return -ENOMEM;
		b_vfree(side, p);
	}
	return 0;
}

/*
 * No allocator at all, the same on both sides: what the machine gives
 * each of N busy CPUs (under TCG, vCPUs share the host's cores), and,
 * as its ratio should be 1, a gauge of the noise of the measurement.
 */
static __always_inline int loop_spin(const enum bench_side side,
				     struct bench_ctx *c)
{
	unsigned long i, x = c->iters;

	for (i = 0; i < c->iters; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		OPTIMIZER_HIDE_VAR(x);
	}
	c->sink = x;
	return 0;
}

/* One function per loop, calling the instance of the side asked for. */
#define BENCH_RUN(loop)							\
static int run_##loop(struct bench_ctx *c, enum bench_side side)	\
{									\
	return side == BENCH_ALTMM ? loop(BENCH_ALTMM, c) : loop(BENCH_HOST, c); \
}

BENCH_RUN(loop_page_pair)
BENCH_RUN(loop_page_batch)
BENCH_RUN(loop_bulk_api)
BENCH_RUN(loop_cache_pair)
BENCH_RUN(loop_kmalloc_batch)
BENCH_RUN(loop_vmalloc_pair)
BENCH_RUN(loop_spin)

/* === Cases === */

enum bench_group {
	BENCH_MICRO	= BIT(0),	/* one CPU */
	BENCH_SCALE	= BIT(1),	/* 1..nr_online_cpus threads at once */
	BENCH_FRAG	= BIT(2),	/* the fragmentation workload */
};

/**
 * struct bench_case - one allocation pattern
 * @name: in the results and in cases=
 * @group: BENCH_MICRO or BENCH_SCALE
 * @run: the loop, for either side
 * @iters: loop iterations per round at scale=100
 * @nr: frames or objects per batch (1 for pairs)
 * @order: page order
 * @size: object size
 * @cache: uses a kmem_cache of @size bytes
 * @mixed: kmalloc of seeded mixed sizes
 * @needs_vmalloc: runs on altmm only if altmm exports altmm_vmalloc()
 *
 * One operation is one allocation and its free; a round does @iters x
 * @nr of them, and figures are per operation.
 */
struct bench_case {
	const char *name;
	unsigned int group;
	int (*run)(struct bench_ctx *c, enum bench_side side);
	unsigned long iters;
	unsigned int nr;
	unsigned int order;
	unsigned int size;
	bool cache;
	bool mixed;
	bool needs_vmalloc;
};

#define BULK_FRAMES	16384
#define BATCH_OBJS	65536
#define MIXED_OBJS	4096

static const struct bench_case bench_cases[] = {
	{ "order0_pair", BENCH_MICRO, run_loop_page_pair, 1000000, 1, .order = 0 },
	{ "order0_bulk16k", BENCH_MICRO, run_loop_page_batch, 16, BULK_FRAMES },
	{ "order3_pair", BENCH_MICRO, run_loop_page_pair, 1000000, 1, .order = 3 },
	{ "order9_pair", BENCH_MICRO, run_loop_page_pair, 100000, 1, .order = 9 },
	{ "bulk_api_1k", BENCH_MICRO, run_loop_bulk_api, 256, 1024 },
	{ "slab64_pair", BENCH_MICRO, run_loop_cache_pair, 1000000, 1,
	  .size = 64, .cache = true },
	{ "slab256_pair", BENCH_MICRO, run_loop_cache_pair, 1000000, 1,
	  .size = 256, .cache = true },
	{ "kmalloc64_batch64k", BENCH_MICRO, run_loop_kmalloc_batch, 4, BATCH_OBJS,
	  .size = 64 },
	{ "kmalloc2k_batch64k", BENCH_MICRO, run_loop_kmalloc_batch, 2, BATCH_OBJS,
	  .size = 2048 },
	{ "kmalloc_mixed", BENCH_MICRO, run_loop_kmalloc_batch, 64, MIXED_OBJS,
	  .mixed = true },
	{ "vmalloc64k_pair", BENCH_MICRO, run_loop_vmalloc_pair, 1000, 1,
	  .size = SZ_64K, .needs_vmalloc = true },
	{ "scale_order0_bulk16k", BENCH_SCALE, run_loop_page_batch, 8, BULK_FRAMES },
	{ "scale_slab64_pair", BENCH_SCALE, run_loop_cache_pair, 1000000, 1,
	  .size = 64, .cache = true },
	{ "scale_spin", BENCH_SCALE, run_loop_spin, 10000000, 1 },
};

#define BENCH_NR_CASES	ARRAY_SIZE(bench_cases)

/* The sizes of kmalloc_mixed: mostly small, as kernel kmallocs are. */
static unsigned int mixed_size(struct rnd_state *rnd)
{
	static const unsigned int upto[] = { 32, 64, 128, 256, 512, 1024, 2048,
					     4096, 8192 };
	/* Cumulative weights, in percent, of the classes above. */
	static const unsigned int cum[] = { 20, 40, 58, 72, 82, 90, 95, 98, 100 };
	u32 pick = prandom_u32_state(rnd) % 100;
	unsigned int i = 0, lo;

	while (pick >= cum[i])
		i++;
	lo = i ? upto[i - 1] + 1 : 8;
	return lo + prandom_u32_state(rnd) % (upto[i] - lo + 1);
}

/* The caches are the case's (caches_destroy()), not the context's. */
static void ctx_free(struct bench_ctx *c)
{
	kvfree(c->pages);
	kvfree(c->objs);
	kvfree(c->sizes);
	kvfree(c->perm);
	memset(c, 0, sizeof(*c));
}

/* Everything a loop needs, outside the timed part.  @shared: caches. */
static int ctx_init(struct bench_ctx *c, const struct bench_case *bc,
		    struct kmem_cache **shared)
{
	struct rnd_state rnd;
	unsigned int j, k;

	memset(c, 0, sizeof(*c));
	c->iters = max_t(unsigned long, 1, DIV_ROUND_UP(bc->iters * scale, 100));
	c->order = bc->order;
	c->size = bc->size;
	c->nr = bc->nr;
	if (bc->run == run_loop_page_batch || bc->run == run_loop_bulk_api) {
		c->pages = kvcalloc(c->nr, sizeof(*c->pages), GFP_KERNEL);
		if (!c->pages)
			goto nomem;
	}
	if (bc->run == run_loop_kmalloc_batch) {
		c->objs = kvcalloc(c->nr, sizeof(*c->objs), GFP_KERNEL);
		if (!c->objs)
			goto nomem;
	}
	if (bc->mixed) {
		c->sizes = kvcalloc(c->nr, sizeof(*c->sizes), GFP_KERNEL);
		c->perm = kvcalloc(c->nr, sizeof(*c->perm), GFP_KERNEL);
		if (!c->sizes || !c->perm)
			goto nomem;
		prandom_seed_state(&rnd, seed);
		for (j = 0; j < c->nr; j++) {
			c->sizes[j] = mixed_size(&rnd);
			c->perm[j] = j;
		}
		/* Fisher-Yates: frees come in an order unrelated to allocation. */
		for (j = c->nr - 1; j > 0; j--) {
			k = prandom_u32_state(&rnd) % (j + 1);
			swap(c->perm[j], c->perm[k]);
		}
	}
	if (bc->cache)
		memcpy(c->cache, shared, sizeof(c->cache));
	return 0;

nomem:
	ctx_free(c);
	return -ENOMEM;
}

/* The caches of a slab case, one per side, shared by its threads. */
static int caches_create(const struct bench_case *bc, struct kmem_cache **cache)
{
	cache[BENCH_HOST] = kmem_cache_create(bc->name, bc->size, 0, 0, NULL);
	cache[BENCH_ALTMM] = altmm_kmem_cache_create(bc->name, bc->size, 0, 0, NULL);
	if (cache[BENCH_HOST] && cache[BENCH_ALTMM])
		return 0;
	kmem_cache_destroy(cache[BENCH_HOST]);
	if (cache[BENCH_ALTMM])
		altmm_kmem_cache_destroy(cache[BENCH_ALTMM]);
	cache[BENCH_HOST] = NULL;
	cache[BENCH_ALTMM] = NULL;
	return -ENOMEM;
}

static void caches_destroy(struct kmem_cache **cache)
{
	kmem_cache_destroy(cache[BENCH_HOST]);
	if (cache[BENCH_ALTMM])
		altmm_kmem_cache_destroy(cache[BENCH_ALTMM]);
}

/* === Worker threads === */

/**
 * struct bench_worker - one thread of a timed run
 * @task: the kernel thread, bound to its CPU
 * @run: the run it belongs to
 * @ctx: what its loop works on
 * @t0: ktime_get_ns() when its loop started
 * @t1: ... and ended
 * @c0: cycle counter when its loop started
 * @c1: ... and ended
 * @ret: the loop's result
 */
struct bench_worker {
	struct task_struct *task;
	struct bench_run *run;
	struct bench_ctx ctx;
	u64 t0, t1, c0, c1;
	int ret;
};

/**
 * struct bench_run - threads started together on one side of one case
 * @bc: the case
 * @side: the side
 * @nr: threads
 * @w: the threads
 * @pending_ready: threads not yet waiting for @go
 * @pending_done: threads not yet done
 * @ready: completed when every thread waits for @go
 * @go: the barrier: every thread starts its loop when it completes
 * @done: completed by the last thread to finish
 * @abort: set when not every thread could be created: skip the loop
 */
struct bench_run {
	const struct bench_case *bc;
	enum bench_side side;
	unsigned int nr;
	struct bench_worker *w;
	atomic_t pending_ready;
	atomic_t pending_done;
	struct completion ready;
	struct completion go;
	struct completion done;
	bool abort;
};

static int bench_worker_fn(void *arg)
{
	struct bench_worker *w = arg;
	struct bench_run *run = w->run;

	if (atomic_dec_and_test(&run->pending_ready))
		complete(&run->ready);
	wait_for_completion(&run->go);
	if (!READ_ONCE(run->abort)) {
		w->t0 = ktime_get_ns();
		w->c0 = bench_cycles();
		w->ret = run->bc->run(&w->ctx, run->side);
		w->c1 = bench_cycles();
		w->t1 = ktime_get_ns();
	}
	if (atomic_dec_and_test(&run->pending_done))
		complete(&run->done);

	/* The loader still reads the results: exit only on kthread_stop(). */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Wait without tripping the hung-task detector on a slow (TCG) machine. */
static void bench_wait(struct completion *c)
{
	while (!wait_for_completion_timeout(c, HZ))
		;
}

static unsigned int *bench_cpu;		/* the online CPUs, in order */
static unsigned int bench_nr_cpus;

/*
 * Run @run->nr threads, the i-th bound to the i-th online CPU, released
 * together.  The sample: wall time from the first start to the last end,
 * per operation of one thread.
 */
static void bench_run_threads(struct bench_run *run, struct bench_sample *out)
{
	u64 t0 = U64_MAX, t1 = 0, c0 = U64_MAX, c1 = 0, ops;
	unsigned int i, started = 0;
	int ret = 0;

	atomic_set(&run->pending_ready, run->nr);
	atomic_set(&run->pending_done, run->nr);
	init_completion(&run->ready);
	init_completion(&run->go);
	init_completion(&run->done);
	run->abort = false;

	for (i = 0; i < run->nr; i++) {
		struct bench_worker *w = &run->w[i];
		struct task_struct *t;

		w->run = run;
		w->ret = 0;
		t = kthread_create(bench_worker_fn, w, "altmm_bench/%u",
				   bench_cpu[i]);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		kthread_bind(t, bench_cpu[i]);
		w->task = t;
		wake_up_process(t);
		started++;
	}
	if (started < run->nr) {
		WRITE_ONCE(run->abort, true);
		/* Those that run see @abort; @pending_done never reaches 0. */
		complete_all(&run->go);
	} else {
		bench_wait(&run->ready);
		complete_all(&run->go);
		bench_wait(&run->done);
	}
	for (i = 0; i < started; i++) {
		struct bench_worker *w = &run->w[i];

		kthread_stop(w->task);
		w->task = NULL;
		if (w->ret)
			ret = w->ret;
		t0 = min(t0, w->t0);
		t1 = max(t1, w->t1);
		c0 = min(c0, w->c0);
		c1 = max(c1, w->c1);
	}

	*out = (struct bench_sample){ .status = BENCH_FAILED };
	if (ret) {
		pr_warn("%s, %s, %u CPU(s): %s: %d\n", run->bc->name,
			bench_side_names[run->side], run->nr,
			started < run->nr ? "cannot start a thread" :
					    "an allocation failed", ret);
		return;
	}
	ops = (u64)run->w[0].ctx.iters * run->w[0].ctx.nr;
	out->status = BENCH_OK;
	out->ps_per_op = bench_per_op(t1 - t0, ops);
	if (c0)
		out->mcyc_per_op = bench_per_op(c1 - c0, ops);
}

/* === Series === */

#define BENCH_MAX_SERIES	(BENCH_NR_CASES * 8)

static struct bench_series bench_series_all[BENCH_MAX_SERIES];
static unsigned int bench_only = BENCH_NR_SIDES;	/* side=: one side, or both */
static unsigned int bench_nr_series;

static struct bench_series *series_new(const char *name, unsigned int cpus)
{
	struct bench_series *sr;
	int side;

	if (bench_nr_series == BENCH_MAX_SERIES)
		return NULL;
	sr = &bench_series_all[bench_nr_series];
	*sr = (struct bench_series){ .name = name, .cpus = cpus, .rounds = rounds };
	for (side = 0; side < BENCH_NR_SIDES; side++) {
		sr->s[side] = kcalloc(rounds, sizeof(*sr->s[side]), GFP_KERNEL);
		if (!sr->s[side]) {
			kfree(sr->s[BENCH_HOST]);
			return NULL;
		}
	}
	bench_nr_series++;
	return sr;
}

static void series_mark(struct bench_series *sr, enum bench_side side,
			enum bench_status status)
{
	unsigned int r;

	for (r = 0; r < sr->rounds; r++)
		sr->s[side][r] = (struct bench_sample){ .status = status };
}

/*
 * One case with @nr threads: rounds 0..@rounds, each host then altmm;
 * round 0 is the warm-up.  A side that fails a round is not run again.
 */
static int bench_case_run(const struct bench_case *bc, unsigned int nr)
{
	struct kmem_cache *cache[BENCH_NR_SIDES] = { };
	struct bench_run run = { .bc = bc, .nr = nr };
	bool skip[BENCH_NR_SIDES] = { };
	struct bench_series *sr;
	unsigned int i, r, side;
	int ret = 0;

	sr = series_new(bc->name, nr);
	if (!sr)
		return -ENOMEM;
	run.w = kcalloc(nr, sizeof(*run.w), GFP_KERNEL);
	if (!run.w) {
		ret = -ENOMEM;
		goto out;
	}
	if (bc->cache) {
		ret = caches_create(bc, cache);
		if (ret)
			goto out;
	}
	for (i = 0; i < nr; i++) {
		ret = ctx_init(&run.w[i].ctx, bc, cache);
		if (ret)
			goto out;
	}
	if (bc->needs_vmalloc && !altmm_vmalloc_fn)
		skip[BENCH_ALTMM] = true;
	for (i = 0; i < BENCH_NR_SIDES; i++) {
		if (bench_only != BENCH_NR_SIDES && i != bench_only)
			skip[i] = true;
		if (skip[i])
			series_mark(sr, i, BENCH_SKIPPED);
	}

	for (r = 0; r <= rounds; r++) {
		for (side = 0; side < BENCH_NR_SIDES; side++) {
			struct bench_sample s;

			if (skip[side])
				continue;
			run.side = side;
			bench_run_threads(&run, &s);
			if (s.status != BENCH_OK) {
				/* This round and the rest: failed. */
				for (i = r ? r - 1 : 0; i < rounds; i++)
					sr->s[side][i] = s;
				skip[side] = true;
			} else if (r) {
				sr->s[side][r - 1] = s;
			}
			cond_resched();
		}
	}
out:
	for (i = 0; run.w && i < nr; i++)
		ctx_free(&run.w[i].ctx);
	caches_destroy(cache);
	kfree(run.w);
	if (ret) {
		series_mark(sr, BENCH_HOST, BENCH_FAILED);
		series_mark(sr, BENCH_ALTMM, BENCH_FAILED);
		pr_warn("%s: cannot set up: %d\n", bc->name, ret);
	}
	return 0;
}

/* === Fragmentation === */

/*
 * A seeded churn on a private instance of frag_mb MiB (one node, one
 * zone).  Each round allocates half the instance's frames in blocks of
 * orders 0..3 (50/20/15/15 %) and migrate types movable, unmovable and
 * reclaimable (60/25/15 %), freeing a random live short-lived block after
 * about every other allocation; 20 % of the blocks are long-lived and
 * survive 1..10 rounds (seeded), the rest are freed by the end of the
 * round.  After each round the per-CPU lists are drained and the free
 * lists read: free order-9 blocks (blocks of order >= 9 counted in
 * order-9 units), the unusable-free-space index and the fragmentation
 * index at order 9, and the pageblocks that hold a long-lived unmovable
 * or reclaimable block - those no migration could ever empty, so the
 * ones grouping by mobility is meant to keep few.
 *
 * Variant "enabled" runs with grouping by mobility as the kernel has it;
 * "disabled" with page_group_by_mobility_disabled set, where every block
 * is unmovable to the allocator.  "compaction" is "enabled" with the
 * movable blocks really movable: each is split into order-0 pages that
 * the workload marks with movable_operations (as a driver would: it
 * copies a page and follows it to its new frame), and after each round
 * the node is compacted as a write to compact_memory does, before the
 * measurement.  The workload and seed are the same in all three; no
 * background compaction runs in any (compaction_proactiveness 0), so
 * each is deterministic.
 */

#define FRAG_CHURN_PCT		50
#define FRAG_KEEP_PCT		20
#define FRAG_MAX_LIFE		10
#define FRAG_ORDER		ALTMM_PAGEBLOCK_ORDER

enum frag_variant { FRAG_ENABLED, FRAG_DISABLED, FRAG_COMPACTION, FRAG_NR_VARIANTS };

static const char * const frag_variant_names[FRAG_NR_VARIANTS] = {
	[FRAG_ENABLED]		= "enabled",
	[FRAG_DISABLED]		= "disabled",
	[FRAG_COMPACTION]	= "compaction",
};

/**
 * struct frag_row - the state after one round
 * @done: the row was measured
 * @in_use: frames held by long-lived blocks
 * @free: free frames
 * @free_order9: free blocks of order >= 9, in order-9 units
 * @unusable: unusable-free-space index at order 9, thousandths
 * @extfrag: fragmentation index at order 9, thousandths (-1000: an
 *	order-9 request would succeed)
 * @pinned: pageblocks holding a long-lived unmovable or reclaimable block
 * @pageblocks: pageblocks in the zone
 * @failures: allocations that failed during the round
 */
struct frag_row {
	bool done;
	unsigned long in_use;
	unsigned long free;
	unsigned long free_order9;
	int unusable;
	int extfrag;
	unsigned long pinned;
	unsigned long pageblocks;
	unsigned long failures;
};

static struct frag_row *frag_rows[FRAG_NR_VARIANTS];	/* frag_rounds + 1 each */
static const char *frag_not_run[FRAG_NR_VARIANTS];	/* why, or NULL */

/* A movable block's pages, in its slot group, when they may move. */
#define FRAG_GROUP	BIT(3)

/**
 * struct frag_block - one live allocation of the workload
 * @page: its first page (while @moving is false)
 * @order: its order
 * @pinning: unmovable or reclaimable
 * @moving: its pages are movable, each in a slot of group @group
 * @dies: long-lived: the round after which it is freed; 0: short-lived
 * @group: its slot group, when @moving
 */
struct frag_block {
	struct page *page;
	u8 order;
	bool pinning;
	bool moving;
	u16 dies;
	u32 group;
};

/**
 * struct frag_state - one run of the workload
 * @sys: its private instance
 * @rnd: the seeded generator
 * @shortb: live short-lived blocks
 * @longb: live long-lived blocks
 * @nr_short: entries of @shortb
 * @nr_long: entries of @longb
 * @max: frames of the instance, a bound on blocks
 * @failures: allocations that failed
 * @pb: scratch for counting pinned pageblocks
 * @slots: "compaction": where each movable page is now, FRAG_GROUP a
 *	block; a page's host private word points at its slot
 * @free_groups: stack of unused slot groups
 * @nr_free_groups: entries of @free_groups
 * @move_lock: orders a page's move with its free
 */
struct frag_state {
	struct altmm_system *sys;
	struct rnd_state rnd;
	struct frag_block *shortb, *longb;
	unsigned long nr_short, nr_long, max;
	unsigned long failures;
	u64 *pb;
	struct page **slots;
	u32 *free_groups;
	unsigned long nr_free_groups;
	spinlock_t move_lock;	/* a movable page's slot */
};

/* The owner of the "compaction" variant's movable pages. */
static bool frag_isolate_page(struct page *page, isolate_mode_t mode)
{
	return true;
}

static void frag_putback_page(struct page *page)
{
}

static const struct movable_operations frag_movable_ops;

/* A page's slot, and the run it belongs to (the one running: one at a time). */
static struct frag_state *frag_moving;

static int frag_migrate_page(struct page *dst, struct page *src, enum migrate_mode mode)
{
	struct frag_state *st = frag_moving;
	struct page **slot = (struct page **)page_private(src);

	if (!slot)
		return -EAGAIN;
	copy_highpage(dst, src);
	spin_lock(&st->move_lock);
	if (page_private(src) != (unsigned long)slot) {
		spin_unlock(&st->move_lock);
		return -EAGAIN;
	}
	altmm_sys_get_page(st->sys, dst);
	set_page_private(dst, (unsigned long)slot);
	altmm_sys_set_page_movable(st->sys, dst, &frag_movable_ops);
	set_page_private(src, 0);
	altmm_sys_clear_page_movable(st->sys, src);
	*slot = dst;
	spin_unlock(&st->move_lock);
	altmm_sys_put_page(st->sys, src);
	return 0;
}

static const struct movable_operations frag_movable_ops = {
	.isolate_page	= frag_isolate_page,
	.migrate_page	= frag_migrate_page,
	.putback_page	= frag_putback_page,
};

/* Split a movable block into pages its slots follow; false if it cannot be. */
static bool frag_make_movable(struct frag_state *st, struct frag_block *b)
{
	unsigned int i;

	if (!st->nr_free_groups || altmm_sys_split_page(st->sys, b->page, b->order))
		return false;
	b->group = st->free_groups[--st->nr_free_groups];
	b->moving = true;
	for (i = 0; i < BIT(b->order); i++) {
		struct page **slot = &st->slots[b->group * FRAG_GROUP + i];

		*slot = b->page + i;
		set_page_private(*slot, (unsigned long)slot);
		altmm_sys_set_page_movable(st->sys, *slot, &frag_movable_ops);
	}
	return true;
}

static void frag_free_block(struct frag_state *st, struct frag_block *b)
{
	struct page *page;
	unsigned int i;

	if (!b->moving) {
		altmm_sys_free_pages(st->sys, b->page, b->order, false);
		return;
	}
	for (i = 0; i < BIT(b->order); i++) {
		spin_lock(&st->move_lock);
		page = st->slots[b->group * FRAG_GROUP + i];
		set_page_private(page, 0);
		altmm_sys_clear_page_movable(st->sys, page);
		spin_unlock(&st->move_lock);
		altmm_sys_free_pages(st->sys, page, 0, false);
	}
	st->free_groups[st->nr_free_groups++] = b->group;
}

static void frag_free_random_short(struct frag_state *st)
{
	unsigned long i = prandom_u32_state(&st->rnd) % st->nr_short;

	frag_free_block(st, &st->shortb[i]);
	st->shortb[i] = st->shortb[--st->nr_short];
}

static int frag_alloc_one(struct frag_state *st, unsigned int round,
			  unsigned long *allocated)
{
	static const unsigned int order_cum[] = { 50, 70, 85, 100 };
	u32 o = prandom_u32_state(&st->rnd) % 100;
	u32 t = prandom_u32_state(&st->rnd) % 100;
	u32 k = prandom_u32_state(&st->rnd) % 100;
	u32 life = 1 + prandom_u32_state(&st->rnd) % FRAG_MAX_LIFE;
	struct frag_block b = { };
	unsigned int order = 0;
	gfp_t gfp;

	while (o >= order_cum[order])
		order++;
	if (t < 60)
		gfp = GFP_KERNEL | __GFP_MOVABLE;
	else if (t < 85)
		gfp = GFP_KERNEL;
	else
		gfp = GFP_KERNEL | __GFP_RECLAIMABLE;

	if (st->nr_short + st->nr_long >= st->max)
		return -ENOSPC;
	b.page = altmm_sys_alloc_pages(st->sys, gfp | __GFP_NOWARN, order,
				       NUMA_NO_NODE);
	if (!b.page) {
		st->failures++;
		return -ENOMEM;
	}
	b.order = order;
	b.pinning = !(gfp & __GFP_MOVABLE);
	if (!b.pinning && st->slots && !frag_make_movable(st, &b)) {
		altmm_sys_free_pages(st->sys, b.page, order, false);
		st->failures++;
		return -ENOMEM;
	}
	*allocated += BIT(order);
	if (k < FRAG_KEEP_PCT) {
		b.dies = round + life;
		st->longb[st->nr_long++] = b;
	} else {
		st->shortb[st->nr_short++] = b;
	}
	return 0;
}

static void frag_measure(struct frag_state *st, struct frag_row *row)
{
	unsigned long nr_free[ALTMM_MAX_ORDER] = { }, flags, i, n = 0;
	struct altmm_system *sys = st->sys;
	struct altmm_zone *zone;
	struct altmm_node *node;
	unsigned int order;
	int nid, zt;

	altmm_drain_all_pages(sys, NULL);
	memset(row, 0, sizeof(*row));
	for_each_altmm_node(sys, node, nid) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			zone = &node->zones[zt];
			if (!altmm_zone_populated(zone))
				continue;
			spin_lock_irqsave(&zone->lock, flags);
			for (order = 0; order < ALTMM_MAX_ORDER; order++)
				nr_free[order] += zone->free_area[order].nr_free;
			spin_unlock_irqrestore(&zone->lock, flags);
			row->pageblocks += zone->spanned_pages / ALTMM_PAGEBLOCK_NR_PAGES;
		}
	}
	for (order = 0; order < ALTMM_MAX_ORDER; order++) {
		row->free += nr_free[order] << order;
		if (order >= FRAG_ORDER)
			row->free_order9 += nr_free[order] << (order - FRAG_ORDER);
	}
	row->unusable = altmm_unusable_index(nr_free, FRAG_ORDER);
	row->extfrag = altmm_fragmentation_index(nr_free, FRAG_ORDER);

	/* Distinct pageblocks under long-lived pinning blocks. */
	for (i = 0; i < st->nr_long; i++) {
		row->in_use += BIT(st->longb[i].order);
		/* Only unmovable and reclaimable blocks pin, and they never move. */
		if (st->longb[i].pinning)
			st->pb[n++] = page_to_pfn(st->longb[i].page) >>
				      ALTMM_PAGEBLOCK_ORDER;
	}
	sort(st->pb, n, sizeof(*st->pb), bench_cmp_u64, NULL);
	for (i = 0; i < n; i++)
		row->pinned += !i || st->pb[i] != st->pb[i - 1];
	row->failures = st->failures;
	row->done = true;
}

static void frag_round(struct frag_state *st, unsigned int round)
{
	unsigned long allocated = 0, target, i;

	target = st->max * FRAG_CHURN_PCT / 100;
	while (allocated < target) {
		if (frag_alloc_one(st, round, &allocated) && !st->nr_short)
			break;	/* full of long-lived blocks */
		if (st->nr_short && (prandom_u32_state(&st->rnd) & 1))
			frag_free_random_short(st);
		cond_resched();
	}
	while (st->nr_short)
		frag_free_random_short(st);
	for (i = 0; i < st->nr_long; ) {
		if (st->longb[i].dies <= round) {
			frag_free_block(st, &st->longb[i]);
			st->longb[i] = st->longb[--st->nr_long];
		} else {
			i++;
		}
	}
}

static void frag_run(enum frag_variant v)
{
	/* The layout: one node, one zone. Static: too big for the stack. */
	static struct altmm_params p;
	static struct altmm_param_error err;
	struct frag_state st = { };
	unsigned int r;
	int ret;

	memset(&p, 0, sizeof(p));
	p.arena_mb = frag_mb;
	p.nr_nodes = 1;		/* and dma_mb = dma32_mb = 0: all Normal */

	frag_rows[v] = kcalloc(frag_rounds + 1, sizeof(*frag_rows[v]), GFP_KERNEL);
	if (!frag_rows[v]) {
		frag_not_run[v] = "out of memory";
		return;
	}
	ret = altmm_system_create(&p, "altmm_bench", &st.sys, &err);
	if (ret) {
		pr_warn("frag: cannot create a %u MiB instance: %d\n", frag_mb, ret);
		frag_not_run[v] = "cannot create the instance";
		return;
	}
	mutex_lock(&st.sys->tune_lock);
	WRITE_ONCE(st.sys->tune.compaction_proactiveness, 0);
	if (v == FRAG_DISABLED)
		WRITE_ONCE(st.sys->tune.page_group_by_mobility_disabled, 1);
	mutex_unlock(&st.sys->tune_lock);
	st.max = altmm_layout_mem_pages(&st.sys->layout, 0, st.sys->layout.end_pfn);
	st.shortb = kvcalloc(st.max, sizeof(*st.shortb), GFP_KERNEL);
	st.longb = kvcalloc(st.max, sizeof(*st.longb), GFP_KERNEL);
	st.pb = kvcalloc(st.max, sizeof(*st.pb), GFP_KERNEL);
	if (!st.shortb || !st.longb || !st.pb) {
		frag_not_run[v] = "out of memory";
		goto out;
	}
	if (v == FRAG_COMPACTION) {
		/* A group per block that can be live at once. */
		st.slots = kvcalloc(st.max * FRAG_GROUP, sizeof(*st.slots), GFP_KERNEL);
		st.free_groups = kvcalloc(st.max, sizeof(*st.free_groups), GFP_KERNEL);
		if (!st.slots || !st.free_groups) {
			frag_not_run[v] = "out of memory";
			goto out;
		}
		while (st.nr_free_groups < st.max) {
			st.free_groups[st.nr_free_groups] = st.max - 1 - st.nr_free_groups;
			st.nr_free_groups++;
		}
		spin_lock_init(&st.move_lock);
		frag_moving = &st;
	}
	prandom_seed_state(&st.rnd, seed);

	frag_measure(&st, &frag_rows[v][0]);
	for (r = 1; r <= frag_rounds; r++) {
		frag_round(&st, r);
		if (v == FRAG_COMPACTION)
			altmm_compact_node(st.sys, 0, NULL);
		frag_measure(&st, &frag_rows[v][r]);
	}
	while (st.nr_long)
		frag_free_block(&st, &st.longb[--st.nr_long]);
out:
	kvfree(st.shortb);
	kvfree(st.longb);
	kvfree(st.pb);
	kvfree(st.slots);
	kvfree(st.free_groups);
	altmm_system_destroy(st.sys);
	frag_moving = NULL;
}

/* === Output === */

/* "min/median/max" of a side's ns/op, or why there is none. */
static void fmt_side(char *buf, size_t len, const struct bench_series *sr,
		     enum bench_side side, const struct bench_summary *ns)
{
	char f[3][24];

	if (!ns->n) {
		strscpy(buf, sr->s[side][0].status == BENCH_SKIPPED ? "skipped" :
			"failed", len);
		return;
	}
	bench_fmt_milli(f[0], sizeof(f[0]), ns->min);
	bench_fmt_milli(f[1], sizeof(f[1]), ns->median);
	bench_fmt_milli(f[2], sizeof(f[2]), ns->max);
	scnprintf(buf, len, "%s/%s/%s", f[0], f[1], f[2]);
}

/* The median, or "-" for an empty summary. */
static void fmt_median(char *buf, size_t len, const struct bench_summary *s)
{
	if (s->n)
		bench_fmt_milli(buf, len, s->median);
	else
		strscpy(buf, "-", len);
}

/*
 * One line per series: kept rounds per side, ns/op min/median/max per
 * side, median cycles/op per side, and the per-round ratio's median
 * (min-max).
 */
static void print_summary(void)
{
	struct bench_summary ns[BENCH_NR_SIDES], cyc[BENCH_NR_SIDES], ratio;
	u64 *scratch = kcalloc(rounds, sizeof(u64), GFP_KERNEL);
	char t[BENCH_NR_SIDES][80], c[BENCH_NR_SIDES][24], r[3][24];
	unsigned int i, side;

	if (!scratch)
		return;
	pr_info("%-22s %4s %5s %32s %32s %10s %10s %s\n", "case", "cpus", "kept",
		"host ns/op min/median/max", "altmm ns/op min/median/max",
		"host cyc", "altmm cyc", "ratio (min-max)");
	for (i = 0; i < bench_nr_series; i++) {
		struct bench_series *sr = &bench_series_all[i];

		for (side = 0; side < BENCH_NR_SIDES; side++) {
			bench_series_side(sr, side, scratch, &ns[side], &cyc[side]);
			fmt_side(t[side], sizeof(t[side]), sr, side, &ns[side]);
			fmt_median(c[side], sizeof(c[side]), &cyc[side]);
		}
		bench_series_ratio(sr, scratch, &ratio);
		fmt_median(r[0], sizeof(r[0]), &ratio);
		bench_fmt_milli(r[1], sizeof(r[1]), ratio.min);
		bench_fmt_milli(r[2], sizeof(r[2]), ratio.max);
		pr_info("%-22s %4u %2u+%-2u %32s %32s %10s %10s %s (%s-%s)\n",
			sr->name, sr->cpus, ns[BENCH_HOST].n, ns[BENCH_ALTMM].n,
			t[BENCH_HOST], t[BENCH_ALTMM], c[BENCH_HOST],
			c[BENCH_ALTMM], r[0], r[1], r[2]);
	}
	kfree(scratch);
}

static void print_frag(void)
{
	enum frag_variant v;
	struct frag_row *row;

	for (v = 0; v < FRAG_NR_VARIANTS; v++) {
		if (frag_not_run[v] || !frag_rows[v]) {
			pr_info("frag %-10s not run: %s\n", frag_variant_names[v],
				frag_not_run[v] ?: "not selected");
			continue;
		}
		row = &frag_rows[v][frag_rounds];
		pr_info("frag %-10s after %u rounds: %lu free order-9 blocks, unusable index %d.%03d, extfrag index %d.%03d, %lu of %lu pageblocks pinned, %lu failures\n",
			frag_variant_names[v], frag_rounds, row->free_order9,
			row->unusable / 1000, row->unusable % 1000,
			row->extfrag / 1000, abs(row->extfrag % 1000),
			row->pinned, row->pageblocks, row->failures);
	}
}

static int results_show(struct seq_file *m, void *v)
{
	char line[160];
	unsigned int i, side, r;

	seq_puts(m, BENCH_CSV_HEADER);
	for (i = 0; i < bench_nr_series; i++)
		for (r = 0; r < rounds; r++)
			for (side = 0; side < BENCH_NR_SIDES; side++) {
				bench_csv_row(line, sizeof(line),
					      &bench_series_all[i], side, r);
				seq_puts(m, line);
			}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results);

static void seq_milli(struct seq_file *m, const struct bench_summary *s,
		      bool last)
{
	char f[3][24];

	if (!s->n) {
		seq_printf(m, "NA,NA,NA%s", last ? "\n" : ",");
		return;
	}
	bench_fmt_milli(f[0], 24, s->min);
	bench_fmt_milli(f[1], 24, s->median);
	bench_fmt_milli(f[2], 24, s->max);
	seq_printf(m, "%s,%s,%s%s", f[0], f[1], f[2], last ? "\n" : ",");
}

static int summary_show(struct seq_file *m, void *v)
{
	struct bench_summary ns[BENCH_NR_SIDES], cyc[BENCH_NR_SIDES], ratio;
	u64 *scratch = kcalloc(rounds, sizeof(u64), GFP_KERNEL);
	unsigned int i, side;

	if (!scratch)
		return -ENOMEM;
	seq_puts(m, "case,cpus,rounds,host_ns_min,host_ns_median,host_ns_max,altmm_ns_min,altmm_ns_median,altmm_ns_max,host_cycles_min,host_cycles_median,host_cycles_max,altmm_cycles_min,altmm_cycles_median,altmm_cycles_max,ratio_min,ratio_median,ratio_max\n");
	for (i = 0; i < bench_nr_series; i++) {
		struct bench_series *sr = &bench_series_all[i];

		for (side = 0; side < BENCH_NR_SIDES; side++)
			bench_series_side(sr, side, scratch, &ns[side], &cyc[side]);
		bench_series_ratio(sr, scratch, &ratio);
		seq_printf(m, "%s,%u,%u,", sr->name, sr->cpus, sr->rounds);
		seq_milli(m, &ns[BENCH_HOST], false);
		seq_milli(m, &ns[BENCH_ALTMM], false);
		seq_milli(m, &cyc[BENCH_HOST], false);
		seq_milli(m, &cyc[BENCH_ALTMM], false);
		seq_milli(m, &ratio, true);
	}
	kfree(scratch);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(summary);

static int frag_show(struct seq_file *m, void *v)
{
	enum frag_variant var;
	unsigned int r;

	seq_puts(m, "variant,round,in_use_frames,free_frames,free_order9_blocks,unusable_index_9,extfrag_index_9,pinned_pageblocks,pageblocks,alloc_failures\n");
	for (var = 0; var < FRAG_NR_VARIANTS; var++) {
		if (frag_not_run[var] || !frag_rows[var]) {
			seq_printf(m, "%s,not run,%s\n", frag_variant_names[var],
				   frag_not_run[var] ?: "not selected");
			continue;
		}
		for (r = 0; r <= frag_rounds; r++) {
			struct frag_row *row = &frag_rows[var][r];

			seq_printf(m, "%s,%u,%lu,%lu,%lu,%d.%03d,%s%d.%03d,%lu,%lu,%lu\n",
				   frag_variant_names[var], r, row->in_use,
				   row->free, row->free_order9,
				   row->unusable / 1000, row->unusable % 1000,
				   row->extfrag < 0 ? "-" : "",
				   abs(row->extfrag) / 1000,
				   abs(row->extfrag) % 1000, row->pinned,
				   row->pageblocks, row->failures);
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(frag);

/* === Load and unload === */

static struct dentry *bench_dir;
static unsigned int bench_groups;
static DECLARE_BITMAP(bench_selected, BENCH_NR_CASES);

/* cases=: names and groups, comma-separated. */
static int parse_cases(void)
{
	char *buf, *p, *tok;
	unsigned int i;
	int ret = 0;

	buf = kstrdup(cases ?: "", GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = buf;
	while ((tok = strsep(&p, ","))) {
		tok = strim(tok);
		if (!*tok)
			continue;
		if (!strcmp(tok, "all")) {
			bitmap_fill(bench_selected, BENCH_NR_CASES);
			bench_groups |= BENCH_FRAG;
			continue;
		}
		if (!strcmp(tok, "micro") || !strcmp(tok, "scale")) {
			unsigned int g = tok[0] == 'm' ? BENCH_MICRO : BENCH_SCALE;

			for (i = 0; i < BENCH_NR_CASES; i++)
				if (bench_cases[i].group == g)
					__set_bit(i, bench_selected);
			continue;
		}
		if (!strcmp(tok, "frag")) {
			bench_groups |= BENCH_FRAG;
			continue;
		}
		for (i = 0; i < BENCH_NR_CASES; i++)
			if (!strcmp(tok, bench_cases[i].name))
				break;
		if (i == BENCH_NR_CASES) {
			pr_err("cases: no case or group '%s'\n", tok);
			ret = -EINVAL;
			break;
		}
		__set_bit(i, bench_selected);
	}
	kfree(buf);
	return ret;
}

static int check_params(void)
{
	if (!rounds || rounds > BENCH_MAX_ROUNDS) {
		pr_err("rounds: %u is not in 1..%u\n", rounds, BENCH_MAX_ROUNDS);
		return -EINVAL;
	}
	if (!scale || scale > BENCH_MAX_SCALE) {
		pr_err("scale: %u is not in 1..%u\n", scale, BENCH_MAX_SCALE);
		return -EINVAL;
	}
	if (frag_mb < 8 || frag_mb > 1024 || frag_mb % 4) {
		pr_err("frag_mb: %u is not a multiple of 4 in 8..1024\n", frag_mb);
		return -EINVAL;
	}
	if (!frag_rounds || frag_rounds > 1000) {
		pr_err("frag_rounds: %u is not in 1..1000\n", frag_rounds);
		return -EINVAL;
	}
	if (!strcmp(side, "host")) {
		bench_only = BENCH_HOST;
	} else if (!strcmp(side, "altmm")) {
		bench_only = BENCH_ALTMM;
	} else if (strcmp(side, "both")) {
		pr_err("side: '%s' is not both, host or altmm\n", side);
		return -EINVAL;
	}
	return parse_cases();
}

static void bench_free(void)
{
	unsigned int i;

	for (i = 0; i < bench_nr_series; i++) {
		kfree(bench_series_all[i].s[BENCH_HOST]);
		kfree(bench_series_all[i].s[BENCH_ALTMM]);
	}
	bench_nr_series = 0;
	kfree(frag_rows[FRAG_ENABLED]);
	kfree(frag_rows[FRAG_DISABLED]);
	kfree(bench_cpu);
}

static int __init altmm_bench_init(void)
{
	unsigned int i, n, cpu, missing = 0;
	int ret;

	ret = check_params();
	if (ret)
		return ret;
	bench_cpu = kcalloc(num_online_cpus(), sizeof(*bench_cpu), GFP_KERNEL);
	if (!bench_cpu)
		return -ENOMEM;
	for_each_online_cpu(cpu)
		if (bench_nr_cpus < num_online_cpus())
			bench_cpu[bench_nr_cpus++] = cpu;

	altmm_vmalloc_fn = symbol_get(altmm_vmalloc);
	altmm_vfree_fn = symbol_get(altmm_vfree);
	pr_info("seed=%lu rounds=%u (+1 warm-up) scale=%u%% side=%s cpus=%u cycles=%s host init_on_alloc=%d altmm_vmalloc=%s\n",
		seed, rounds, scale, side, bench_nr_cpus,
		bench_have_cycles() ? "yes" : "no",
		want_init_on_alloc(GFP_KERNEL),
		altmm_vmalloc_fn && altmm_vfree_fn ? "yes" : "no");
	if (!altmm_vmalloc_fn || !altmm_vfree_fn) {
		if (altmm_vmalloc_fn)
			symbol_put(altmm_vmalloc);
		if (altmm_vfree_fn)
			symbol_put(altmm_vfree);
		altmm_vmalloc_fn = NULL;
		altmm_vfree_fn = NULL;
	}

	for (i = 0; i < BENCH_NR_CASES && !ret; i++) {
		const struct bench_case *bc = &bench_cases[i];

		if (!test_bit(i, bench_selected))
			continue;
		if (bc->group == BENCH_MICRO)
			ret = bench_case_run(bc, 1);
		for (n = 1; bc->group == BENCH_SCALE && n <= bench_nr_cpus && !ret; n++)
			ret = bench_case_run(bc, n);
	}
	if (bench_groups & BENCH_FRAG) {
		frag_run(FRAG_ENABLED);
		frag_run(FRAG_DISABLED);
		frag_run(FRAG_COMPACTION);
	} else {
		frag_not_run[FRAG_ENABLED] = "not selected";
		frag_not_run[FRAG_DISABLED] = "not selected";
	}
	if (ret)
		goto fail;

	for (i = 0; i < bench_nr_series; i++)
		missing += bench_series_missing(&bench_series_all[i]);
	print_summary();
	print_frag();
	if (missing)
		pr_err("results incomplete: %u samples missing\n", missing);

	bench_dir = debugfs_create_dir("altmm_bench", NULL);
	debugfs_create_file("results", 0444, bench_dir, NULL, &results_fops);
	debugfs_create_file("summary", 0444, bench_dir, NULL, &summary_fops);
	debugfs_create_file("frag", 0444, bench_dir, NULL, &frag_fops);
	pr_info("done: %u series; results in /sys/kernel/debug/altmm_bench/\n",
		bench_nr_series);
	return 0;

fail:
	pr_err("stopped: %d\n", ret);
	if (altmm_vmalloc_fn) {
		symbol_put(altmm_vmalloc);
		symbol_put(altmm_vfree);
	}
	bench_free();
	return ret;
}

static void __exit altmm_bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	if (altmm_vmalloc_fn) {
		symbol_put(altmm_vmalloc);
		symbol_put(altmm_vfree);
	}
	bench_free();
}

module_init(altmm_bench_init);
module_exit(altmm_bench_exit);

MODULE_DESCRIPTION("altmm: the host allocator and altmm, same loops, same boot");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
