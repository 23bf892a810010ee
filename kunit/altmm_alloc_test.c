// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the allocator's front end (page_alloc.c): GFP_ATOMIC from
 * hard and soft interrupt context, __GFP_ZERO and __GFP_COMP, reference
 * counting, split_page(), the bulk call, the host's own reference counts
 * on the pages handed out, NUMA counters, and every misuse refused,
 * counted once as ALTMM_MISUSE, with the instance left consistent (the
 * invariant checker runs after every test).
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/page_ref.h>
#include <linux/sched/mm.h>
#include <linux/string.h>

#include "altmm_test.h"
#include "slab.h"

/* 32 MiB on one node: DMA [0, 16M), DMA32 above. */
static const struct altmm_params one_node = { .arena_mb = 32, .nr_nodes = 1,
					      .dma_mb = 16, .dma32_mb = 128 };

static unsigned long misuses(struct altmm_system *sys)
{
	return altmm_vm_event_sum(sys, ALTMM_MISUSE);
}

/*
 * Every misuse returns -EINVAL (or NULL) and counts exactly one
 * ALTMM_MISUSE; what was allocated stays allocated and can still be
 * freed properly.
 */
#define EXPECT_MISUSE(test, sys, expr, want)				\
do {									\
	unsigned long __before = misuses(sys);				\
									\
	KUNIT_EXPECT_EQ_MSG(test, (long)(expr), (long)(want), "%s", #expr); \
	KUNIT_EXPECT_EQ_MSG(test, misuses(sys), __before + 1, "%s", #expr); \
} while (0)

/* === Interrupt context === */

#define IRQ_ORDERS	4
#define IRQ_ROUNDS	16

/**
 * struct irq_run - what an interrupt handler did with the allocator
 * @timer: the hard interrupt (an hrtimer in HRTIMER_MODE_REL_HARD)
 * @tasklet: the soft interrupt
 * @sys: the instance
 * @done: signalled by the handler
 * @hardirq: in_hardirq() held in the handler
 * @softirq: in_serving_softirq() held
 * @irqs_off: interrupts were disabled
 * @allocated: allocations that succeeded
 * @failed: allocations that failed
 * @freed: frees that succeeded
 * @kept: one block of each order, left for process context to free
 */
struct irq_run {
	struct hrtimer timer;
	struct tasklet_struct tasklet;
	struct altmm_system *sys;
	struct completion done;
	bool hardirq;
	bool softirq;
	bool irqs_off;
	unsigned int allocated;
	unsigned int failed;
	unsigned int freed;
	struct page *kept[IRQ_ORDERS];
};

/* Orders 0..3, each allocated and freed IRQ_ROUNDS times, one kept. */
static void irq_allocate(struct irq_run *r)
{
	unsigned int o, i;

	for (o = 0; o < IRQ_ORDERS; o++) {
		for (i = 0; i < IRQ_ROUNDS; i++) {
			struct page *page = altmm_sys_alloc_pages(r->sys, GFP_ATOMIC, o,
								  NUMA_NO_NODE);

			if (!page) {
				r->failed++;
				continue;
			}
			r->allocated++;
			if (!i && !r->kept[o]) {
				r->kept[o] = page;
				continue;
			}
			r->freed += !altmm_sys_free_pages(r->sys, page, o, i & 1);
		}
	}
}

static enum hrtimer_restart irq_hard_fn(struct hrtimer *timer)
{
	struct irq_run *r = container_of(timer, struct irq_run, timer);

	r->hardirq = in_hardirq();
	r->irqs_off = irqs_disabled();
	irq_allocate(r);
	complete(&r->done);
	return HRTIMER_NORESTART;
}

static void irq_soft_fn(struct tasklet_struct *t)
{
	struct irq_run *r = from_tasklet(r, t, tasklet);

	r->softirq = in_serving_softirq();
	irq_allocate(r);
	complete(&r->done);
}

static void expect_irq_run(struct kunit *test, struct irq_run *r)
{
	unsigned int o;

	KUNIT_EXPECT_EQ(test, r->failed, 0U);
	KUNIT_EXPECT_EQ(test, r->allocated, IRQ_ORDERS * IRQ_ROUNDS);
	KUNIT_EXPECT_EQ(test, r->freed, IRQ_ORDERS * (IRQ_ROUNDS - 1));
	for (o = 0; o < IRQ_ORDERS; o++) {
		KUNIT_EXPECT_NOT_NULL(test, r->kept[o]);
		if (!r->kept[o])
			continue;
		/* Allocated in an interrupt, freed from process context. */
		KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_test_desc(test, r->sys, r->kept[o]),
							ALTMM_PG_alloc));
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(r->sys, r->kept[o], o, false), 0);
	}
}

static struct irq_run *irq_run_new(struct kunit *test)
{
	struct irq_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->sys = altmm_test_create(test, &one_node);
	init_completion(&r->done);
	return r;
}

/*
 * GFP_ATOMIC in a hard interrupt: every allocation of orders 0..3
 * succeeds while memory is plentiful, and nothing sleeps (lockdep would
 * report a sleeping lock or an irq-unsafe one taken there).
 */
static void alloc_atomic_in_hardirq(struct kunit *test)
{
	struct irq_run *r = irq_run_new(test);
	unsigned long left;

	hrtimer_init(&r->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	r->timer.function = irq_hard_fn;
	hrtimer_start(&r->timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	left = wait_for_completion_timeout(&r->done, 5 * HZ);
	hrtimer_cancel(&r->timer);
	KUNIT_ASSERT_GT_MSG(test, left, 0UL, "the timer never fired");
	KUNIT_EXPECT_TRUE(test, r->hardirq);
	KUNIT_EXPECT_TRUE(test, r->irqs_off);
	expect_irq_run(test, r);
}

/* The same from a tasklet, in softirq context. */
static void alloc_atomic_in_softirq(struct kunit *test)
{
	struct irq_run *r = irq_run_new(test);
	unsigned long left;

	tasklet_setup(&r->tasklet, irq_soft_fn);
	tasklet_schedule(&r->tasklet);
	left = wait_for_completion_timeout(&r->done, 5 * HZ);
	tasklet_kill(&r->tasklet);
	KUNIT_ASSERT_GT_MSG(test, left, 0UL, "the tasklet never ran");
	KUNIT_EXPECT_TRUE(test, r->softirq);
	expect_irq_run(test, r);
}

/* === What a page looks like when handed out === */

/*
 * __GFP_ZERO: dirty a block, free it, ask again with __GFP_ZERO; up to
 * order 3 the per-CPU list hands the same (hot) block back, so the zeroing
 * is seen on memory known to be dirty.  Above, the block is any block.
 */
static void alloc_zeroed(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned int o;

	for (o = 0; o <= 5; o++) {
		struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, o, 0), *again;
		unsigned long i;

		KUNIT_ASSERT_NOT_NULL(test, page);
		for (i = 0; i < BIT(o); i++)
			memset(page_address(page + i), 0xa5, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, o, false), 0);
		again = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_ZERO, o, 0);
		KUNIT_ASSERT_NOT_NULL(test, again);
		if (o <= ALTMM_PCP_MAX_ORDER)
			KUNIT_EXPECT_PTR_EQ_MSG(test, again, page, "order %u", o);
		for (i = 0; i < BIT(o); i++) {
			void *addr = page_address(again + i);

			KUNIT_EXPECT_NULL_MSG(test, memchr_inv(addr, 0, PAGE_SIZE),
					      "order %u page %lu", o, i);
		}
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, again, o, false), 0);
	}
}

/*
 * __GFP_COMP: the head is marked, each tail knows its offset (as
 * compound_head() finds the head); without it nothing is; a free clears
 * every mark.
 */
static void alloc_compound(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct page *comp = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_COMP, 3, 0);
	struct page *plain = altmm_sys_alloc_pages(sys, GFP_KERNEL, 3, 0);
	struct altmm_page *c, *p;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, comp);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	c = altmm_test_desc(test, sys, comp);
	p = altmm_test_desc(test, sys, plain);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(c, ALTMM_PG_head));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(c, ALTMM_PG_tail));
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(p, ALTMM_PG_head));
	for (i = 1; i < 8; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, altmm_desc_test(c + i, ALTMM_PG_tail), "tail %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c[i].private, i, "tail %u", i);
		KUNIT_EXPECT_FALSE_MSG(test, altmm_desc_test(p + i, ALTMM_PG_tail), "page %u", i);
	}
	/* What the kernel's own helpers read from the host's struct pages. */
	KUNIT_EXPECT_TRUE(test, PageHead(comp));
	KUNIT_EXPECT_EQ(test, compound_order(comp), 3U);
	KUNIT_EXPECT_EQ(test, compound_nr(comp), 8UL);
	KUNIT_EXPECT_EQ(test, page_size(comp), 8 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, compound_order(plain), 0U);
	KUNIT_EXPECT_EQ(test, page_size(plain), PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, PageCompound(plain + 1));
	for (i = 1; i < 8; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, PageTail(comp + i), "tail %u", i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, compound_head(comp + i), comp, "tail %u", i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, virt_to_head_page(page_address(comp + i) + 100),
					comp, "tail %u", i);
	}
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, comp, 3, false), 0);
	KUNIT_EXPECT_FALSE(test, PageCompound(comp));
	KUNIT_EXPECT_EQ(test, compound_order(comp), 0U);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(c, ALTMM_PG_head));
	for (i = 1; i < 8; i++) {
		KUNIT_EXPECT_FALSE_MSG(test, altmm_desc_test(c + i, ALTMM_PG_tail), "tail %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c[i].private, 0U, "tail %u", i);
		KUNIT_EXPECT_FALSE_MSG(test, PageTail(comp + i), "tail %u", i);
		KUNIT_EXPECT_NULL_MSG(test, comp[i].mapping, "tail %u", i);
	}
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, plain, 3, false), 0);
}

/*
 * A __GFP_COMP block still allocated when its instance goes is made a
 * plain page again before the arena goes back to the host.  Left
 * compound, the host's free of the chunk reports "Bad page state", which
 * the harness's log judgement fails; the struct pages (which outlive the
 * memory they describe) show no head or tail mark afterwards.
 */
static void alloc_compound_leaked_at_teardown(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_test_ctx *ctx = test->priv;
	struct page *comp;
	unsigned long pfn;

	comp = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_COMP | __GFP_NOWARN, 3, 0);
	KUNIT_ASSERT_NOT_NULL(test, comp);
	KUNIT_ASSERT_TRUE(test, PageHead(comp));
	pfn = page_to_pfn(comp);

	/* Torn down here, not by the suite's exit: it is the last one made. */
	KUNIT_ASSERT_PTR_EQ(test, ctx->sys[ctx->nr - 1], sys);
	ctx->nr--;
	altmm_system_destroy(sys);
	KUNIT_EXPECT_FALSE(test, PageHead(pfn_to_page(pfn)));
	KUNIT_EXPECT_FALSE(test, PageTail(pfn_to_page(pfn + 1)));
	KUNIT_EXPECT_FALSE(test, PageTail(pfn_to_page(pfn + 7)));
}

/*
 * A compound block goes back to the host's eyes exactly as it came: every
 * byte of its struct pages is what it was before the __GFP_COMP
 * allocation (the per-CPU list hands the same hot block back), for a
 * small block and for a whole chunk, whose first page the arena holds.
 */
static void alloc_compound_host_restored(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned int orders[] = { 1, 3, ALTMM_MAX_ORDER - 1 }, n;
	struct page *snap = kunit_kmalloc_array(test, BIT(ALTMM_MAX_ORDER - 1),
						sizeof(*snap), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, snap);
	for (n = 0; n < ARRAY_SIZE(orders); n++) {
		unsigned int o = orders[n];
		struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, o, 0), *comp;
		unsigned long i;

		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_ASSERT_EQ(test, altmm_sys_free_pages(sys, page, o, false), 0);
		memcpy(snap, page, BIT(o) * sizeof(*snap));
		comp = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_COMP, o, 0);
		KUNIT_ASSERT_PTR_EQ_MSG(test, comp, page, "order %u", o);
		KUNIT_EXPECT_EQ_MSG(test, compound_order(comp), o, "order %u", o);
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(comp), 1, "order %u", o);
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, comp, o, false), 0);
		for (i = 0; i < BIT(o); i++)
			KUNIT_EXPECT_EQ_MSG(test, memcmp(&snap[i], page + i, sizeof(*snap)), 0,
					    "order %u page %lu: flags %#lx, was %#lx",
					    o, i, page[i].flags, snap[i].flags);
	}
}

/*
 * get_page() and put_page() on a tail act on the head, the kernel's and
 * altmm's alike; only the last reference frees, and a tail never does.
 */
static void alloc_compound_tail_refs(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct page *comp = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_COMP, 2, 0);
	struct altmm_page *d;

	KUNIT_ASSERT_NOT_NULL(test, comp);
	d = altmm_test_desc(test, sys, comp);
	get_page(comp + 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(comp), 2);
	KUNIT_EXPECT_EQ(test, page_ref_count(comp + 3), 0);
	put_page(comp + 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(comp), 1);

	KUNIT_EXPECT_EQ(test, altmm_sys_get_page(sys, comp + 2), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 2);
	KUNIT_EXPECT_EQ(test, page_ref_count(comp), 2);
	KUNIT_EXPECT_EQ(test, altmm_sys_put_page(sys, comp + 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(comp), 1);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, altmm_sys_put_page(sys, comp + 3), 0);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, page_ref_count(comp),
			!(altmm_test_pfn(test, sys, comp) & ALTMM_SECTION_MASK));
}

/*
 * The host's reference counts: a page handed out has a count of 1 on its
 * first frame and 0 on the others (a fresh non-compound kernel block);
 * when it comes back, every frame has its count as the arena chunk came:
 * 1 on a chunk's first frame (an order-10 allocation is a whole chunk),
 * 0 elsewhere.
 */
static void alloc_host_refcounts(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	unsigned int orders[] = { 0, 2, 10 }, n;

	for (n = 0; n < ARRAY_SIZE(orders); n++) {
		unsigned int o = orders[n];
		struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, o, 0);
		unsigned long pfn, i;

		KUNIT_ASSERT_NOT_NULL(test, page);
		pfn = altmm_test_pfn(test, sys, page);
		if (o == ALTMM_MAX_ORDER - 1)
			KUNIT_EXPECT_EQ(test, pfn & ALTMM_SECTION_MASK, 0UL);
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(page), 1, "order %u", o);
		for (i = 1; i < BIT(o); i++)
			KUNIT_EXPECT_EQ_MSG(test, page_ref_count(page + i), 0,
					    "order %u +%lu", o, i);
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, o, false), 0);
		for (i = 0; i < BIT(o); i++)
			KUNIT_EXPECT_EQ_MSG(test, page_ref_count(page + i),
					    !((pfn + i) & ALTMM_SECTION_MASK),
					    "order %u +%lu", o, i);
	}
}

/* === References, split, bulk === */

/* get_page() adds a reference; only the last put frees. */
static void alloc_get_put(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 1, 0);
	struct altmm_page *d;

	KUNIT_ASSERT_NOT_NULL(test, page);
	d = altmm_test_desc(test, sys, page);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 1);
	KUNIT_EXPECT_EQ(test, altmm_sys_get_page(sys, page), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_get_page(sys, page), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 3);
	KUNIT_EXPECT_EQ(test, altmm_sys_put_page(sys, page), 0);
	/* __free_pages() is a put too. */
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 1, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 1);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, altmm_sys_put_page(sys, page), 0);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 0);
}

/*
 * split_page(): an order-3 block held once becomes eight order-0
 * allocations, each with its own reference and host count, freed one by
 * one.  A compound block, a block held twice, or a wrong order is
 * refused.
 */
static void alloc_split_page(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 3, 0);
	struct page *comp = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_COMP, 3, 0);
	unsigned long before = misuses(sys);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NOT_NULL(test, comp);
	KUNIT_EXPECT_EQ(test, altmm_sys_split_page(sys, comp, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_split_page(sys, page, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_get_page(sys, page), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_split_page(sys, page, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, altmm_sys_put_page(sys, page), 0);
	KUNIT_EXPECT_EQ(test, misuses(sys), before + 3);

	KUNIT_EXPECT_EQ(test, altmm_sys_split_page(sys, page, 3), 0);
	for (i = 0; i < 8; i++) {
		struct altmm_page *d = altmm_test_desc(test, sys, page + i);

		KUNIT_EXPECT_TRUE_MSG(test, altmm_desc_test(d, ALTMM_PG_alloc), "page %u", i);
		KUNIT_EXPECT_EQ_MSG(test, altmm_alloc_order(d), 0U, "page %u", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&d->refcount), 1, "page %u", i);
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(page + i), 1, "page %u", i);
	}
	/* Whole-block frees are now wrong; single ones are right, any order. */
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 3, false), -EINVAL);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page + (i * 5) % 8, 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, comp, 3, false), 0);
}

/* An order-0 page that does not start a chunk: its host count is 0 at rest. */
static struct page *alloc_inner_page(struct kunit *test, struct altmm_system *sys)
{
	struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, 0);

	KUNIT_ASSERT_NOT_NULL(test, page);
	if (!(altmm_test_pfn(test, sys, page) & ALTMM_SECTION_MASK)) {
		struct page *other = alloc_inner_page(test, sys);

		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
		page = other;
	}
	return page;
}

/**
 * struct free_window - what a test does inside a free's decision window
 * @page: the page the test watches
 * @grabbed: a speculative get_page_unless_zero() there succeeded
 * @winner: a free won the page
 * @winner_decided: the winning free is inside its window
 * @loser_decided: the losing free is inside its window
 * @reallocated: the test handed the block out again
 */
struct free_window {
	struct page *page;
	bool grabbed;
	bool winner;
	struct completion winner_decided;
	struct completion loser_decided;
	struct completion reallocated;
};

/* The hook's view of the running test; the suite's exit disarms the hook. */
static struct free_window *window;

/* Inside a winning free: what a lockless lookup elsewhere might do. */
static void speculative_get_hook(struct altmm_system *sys, struct page *page, bool won)
{
	if (page == window->page && won)
		window->grabbed = get_page_unless_zero(page);
}

/*
 * The host's reference count is the free's to decide on, atomically: a
 * reference taken before the free refuses it and stays; a speculative
 * get_page_unless_zero() racing with it either fails or, if it got in,
 * is kept (it is never overwritten); an altmm get_page() is counted by
 * the host, so the kernel's own put_page() of it cannot free the frame
 * to the host's allocator.
 */
static void alloc_free_host_refs(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct free_window *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct page *page = alloc_inner_page(test, sys);
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, w);
	/* Held before: refused, reported, the count kept. */
	page_ref_inc(page);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, page, 0, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&altmm_test_desc(test, sys, page)->refcount), 1);
	page_ref_dec(page);

	/* Taken inside the free's window. */
	w->page = page;
	window = w;
	altmm_set_free_decided_hook(speculative_get_hook);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	altmm_set_free_decided_hook(NULL);
	KUNIT_EXPECT_FALSE(test, w->grabbed);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), w->grabbed ? 1 : 0);
	if (w->grabbed)
		page_ref_dec(page);

	/* altmm's get_page(), the kernel's put_page(). */
	page = alloc_inner_page(test, sys);
	before = misuses(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_get_page(sys, page), 0);
	KUNIT_ASSERT_EQ(test, page_ref_count(page), 2);
	put_page(page);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_EQ(test, altmm_sys_put_page(sys, page), 0);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 0);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(altmm_test_desc(test, sys, page), ALTMM_PG_alloc));
	KUNIT_EXPECT_EQ(test, misuses(sys), before);
}

/*
 * Two frees race: the winner stops in its window until the loser has
 * made its decision; the block is then freed and handed out again
 * before the loser goes on.  Exactly one free wins, and the new owner's
 * block has one reference, not two.
 */
static void race_hook(struct altmm_system *sys, struct page *page, bool won)
{
	struct free_window *w = window;

	if (page != w->page)
		return;
	if (won && !w->winner) {
		w->winner = true;
		complete(&w->winner_decided);
		wait_for_completion_timeout(&w->loser_decided, 10 * HZ);
	} else if (!won) {
		complete(&w->loser_decided);
		wait_for_completion_timeout(&w->reallocated, 10 * HZ);
	}
}

/**
 * struct racing_free - one of the two frees, in a thread of its own
 * @sys: the instance
 * @page: what it frees
 * @wait: a completion to wait for first, or NULL
 * @ret: what the free returned
 * @done: the free returned
 */
struct racing_free {
	struct altmm_system *sys;
	struct page *page;
	struct completion *wait;
	int ret;
	struct completion done;
};

static int racing_free_fn(void *arg)
{
	struct racing_free *f = arg;

	if (f->wait)
		wait_for_completion(f->wait);
	f->ret = altmm_sys_free_pages(f->sys, f->page, 0, false);
	complete(&f->done);
	return 0;
}

static void alloc_double_free_race(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct free_window *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct racing_free *f = kunit_kcalloc(test, 2, sizeof(*f), GFP_KERNEL);
	struct page *page = alloc_inner_page(test, sys), *again;
	unsigned long before = misuses(sys);
	struct altmm_page *d = altmm_test_desc(test, sys, page);
	bool done;
	int i, cpu;

	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, f);
	w->page = page;
	init_completion(&w->winner_decided);
	init_completion(&w->loser_decided);
	init_completion(&w->reallocated);
	window = w;
	altmm_set_free_decided_hook(race_hook);
	/*
	 * Everyone on one CPU, so that the frame the winner frees is on the
	 * per-CPU list this thread allocates from (migrate_disable() lets it
	 * sleep).
	 */
	migrate_disable();
	cpu = smp_processor_id();
	for (i = 0; i < 2; i++) {
		struct task_struct *t;

		f[i] = (struct racing_free){ .sys = sys, .page = page,
					     .wait = i ? &w->winner_decided : NULL };
		init_completion(&f[i].done);
		t = kthread_create(racing_free_fn, &f[i], "altmm_free%d", i);
		if (IS_ERR(t)) {
			migrate_enable();
			altmm_set_free_decided_hook(NULL);
			KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	done = wait_for_completion_timeout(&f[0].done, 20 * HZ);
	/* The winner has freed it; the same hot frame comes back at once. */
	again = done ? altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, 0) : NULL;
	complete(&w->reallocated);
	done = done && wait_for_completion_timeout(&f[1].done, 20 * HZ);
	migrate_enable();
	altmm_set_free_decided_hook(NULL);
	KUNIT_ASSERT_TRUE(test, done);

	KUNIT_EXPECT_TRUE(test, w->winner);
	KUNIT_EXPECT_EQ(test, f[0].ret, 0);
	KUNIT_EXPECT_EQ(test, f[1].ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, misuses(sys), before + 1);
	KUNIT_ASSERT_PTR_EQ(test, again, page);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->refcount), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(again), 1);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, again, 0, false), 0);
	KUNIT_EXPECT_FALSE(test, altmm_desc_test(d, ALTMM_PG_alloc));
}

/* alloc_pages_bulk_array(): only the empty slots are filled. */
static void alloc_bulk_fills_holes(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct page **arr = kunit_kcalloc(test, 16, sizeof(*arr), GFP_KERNEL);
	struct page *keep[3];
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, arr);
	for (i = 0; i < 3; i++) {
		keep[i] = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, 0);
		KUNIT_ASSERT_NOT_NULL(test, keep[i]);
		arr[i * 5 + 2] = keep[i];
	}
	KUNIT_EXPECT_EQ(test, altmm_sys_alloc_pages_bulk(sys, GFP_KERNEL, NUMA_NO_NODE, 0, arr),
			0UL);
	KUNIT_EXPECT_EQ(test, altmm_sys_alloc_pages_bulk(sys, GFP_KERNEL, NUMA_NO_NODE, 16, arr),
			16UL);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, arr[i * 5 + 2], keep[i]);
	for (i = 0; i < 16; i++) {
		KUNIT_EXPECT_NOT_NULL(test, arr[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, arr[i], arr[j]);
	}
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, arr[i], 0, false), 0);
}

static int nid_of(struct kunit *test, struct altmm_system *sys, struct page *page)
{
	return altmm_zone_nid(altmm_pfn_to_zone(sys, altmm_test_pfn(test, sys, page)));
}

/*
 * 6.1's __alloc_pages_bulk() when the preferred node cannot take the
 * batch: the next eligible zone is remote, so one page comes the single
 * way (from node 0 here) and the call returns the populated prefix, 1,
 * though a later slot was full before; nothing else is filled.  On a node
 * with room, the whole batch comes from its zone.
 */
static void alloc_bulk_as_61(struct kunit *test)
{
	static const struct altmm_params two = { .arena_mb = 64, .nr_nodes = 2,
						 .nr_cpu_node = 1, .cpu_node = { 0 } };
	struct altmm_system *sys = altmm_test_create(test, &two);
	struct page **arr = kunit_kcalloc(test, 16, sizeof(*arr), GFP_KERNEL);
	struct altmm_test_hold *h = altmm_test_hold_new(test, MB_PAGES(32));
	struct page *kept = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, 0);
	unsigned int i;

	altmm_test_pin_cpu0(test);
	KUNIT_ASSERT_NOT_NULL(test, arr);
	KUNIT_ASSERT_NOT_NULL(test, kept);
	altmm_test_fill(sys, h, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | __GFP_THISNODE,
			0, 1);
	KUNIT_ASSERT_GT(test, h->nr, 0UL);
	arr[10] = kept;
	KUNIT_EXPECT_EQ(test, altmm_sys_alloc_pages_bulk(sys, GFP_KERNEL, 1, 16, arr), 1UL);
	KUNIT_ASSERT_NOT_NULL(test, arr[0]);
	KUNIT_EXPECT_EQ(test, nid_of(test, sys, arr[0]), 0);
	for (i = 1; i < 16; i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test, arr[i], i == 10 ? kept : NULL, "slot %u", i);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, arr[0], 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, kept, 0, false), 0);

	memset(arr, 0, 16 * sizeof(*arr));
	KUNIT_EXPECT_EQ(test, altmm_sys_alloc_pages_bulk(sys, GFP_KERNEL, 0, 16, arr), 16UL);
	for (i = 0; i < 16; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, arr[i], "slot %u", i);
		KUNIT_EXPECT_EQ_MSG(test, nid_of(test, sys, arr[i]), 0, "slot %u", i);
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, arr[i], 0, false), 0);
	}
	altmm_test_release(test, sys, h);
}

/* === Reserves and the caller's context === */

static unsigned long allocstalls(struct altmm_system *sys)
{
	unsigned long n = 0;
	int z;

	for (z = 0; z < ALTMM_NR_ZONES; z++)
		n += altmm_vm_event_sum(sys, ALTMM_ALLOCSTALL + z);
	return n;
}

#define NORETRY_QUIET	(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)

/*
 * With every zone at its min watermark: __GFP_NOFAIL keeps going where
 * __GFP_NORETRY alone gives up (6.1 checks it at nopage, whatever sent
 * the request there) and gets part of the reserves; __GFP_MEMALLOC gets
 * the rest unless __GFP_NOMEMALLOC says no; a PF_MEMALLOC task
 * (memalloc_noreclaim_save()) gets them too, down to the last frame, and
 * never reclaims from inside reclaim.
 */
static void alloc_memory_reserves(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_test_hold *h = altmm_test_hold_new(test, MB_PAGES(32));
	unsigned long stalls, before_fill;
	unsigned int noreclaim;
	struct page *page;

	altmm_test_fill(sys, h, NORETRY_QUIET, 0, 0);
	KUNIT_ASSERT_GT(test, h->nr, 0UL);
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, NORETRY_QUIET, 0, 0));

	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_NOFAIL | __GFP_NORETRY, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	h->page[h->nr] = page;
	h->order[h->nr++] = 0;

	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, NORETRY_QUIET | __GFP_MEMALLOC |
						      __GFP_NOMEMALLOC, 0, 0));
	page = altmm_sys_alloc_pages(sys, NORETRY_QUIET | __GFP_MEMALLOC, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	h->page[h->nr] = page;
	h->order[h->nr++] = 0;

	stalls = allocstalls(sys);
	noreclaim = memalloc_noreclaim_save();
	before_fill = h->nr;
	altmm_test_fill(sys, h, GFP_KERNEL | __GFP_NOWARN, 0, 0);
	memalloc_noreclaim_restore(noreclaim);
	KUNIT_EXPECT_GT(test, h->nr, before_fill);
	KUNIT_EXPECT_EQ(test, altmm_test_free_frames(sys), 0UL);
	KUNIT_EXPECT_EQ(test, allocstalls(sys), stalls);
	altmm_test_release(test, sys, h);
}

/**
 * struct oom_probe - stands in for the OOM killer the slow path calls
 * @h: pages it hands back, OOM_PROBE_PAGES a call, as a dying victim's
 *	would come back
 * @sys: their instance
 * @calls: calls so far
 * @gfp: the mask of the last call
 * @order: its order
 * @frees: how many more calls free a page (and so return true)
 */
static struct oom_probe {
	struct altmm_test_hold *h;
	struct altmm_system *sys;
	int calls;
	gfp_t gfp;
	unsigned int order;
	int frees;
} oom_probe;

/* Enough to lift a zone back over its min watermark, whatever was left. */
#define OOM_PROBE_PAGES	32

static bool oom_probe_call(struct altmm_system *sys, gfp_t gfp, unsigned int order)
{
	struct altmm_test_hold *h = oom_probe.h;
	int i;

	oom_probe.calls++;
	oom_probe.gfp = gfp;
	oom_probe.order = order;
	if (oom_probe.frees <= 0 || h->nr < OOM_PROBE_PAGES)
		return false;
	oom_probe.frees--;
	for (i = 0; i < OOM_PROBE_PAGES; i++) {
		h->nr--;
		altmm_sys_free_pages(sys, h->page[h->nr], h->order[h->nr], false);
	}
	return true;
}

/* One request on a full arena: did the slow path call the killer, and did it get a frame? */
static bool oom_probe_try(struct kunit *test, gfp_t gfp, unsigned int order, int frees)
{
	struct page *page;

	oom_probe.calls = 0;
	oom_probe.frees = frees;
	page = altmm_sys_alloc_pages(oom_probe.sys, gfp | __GFP_NOWARN, order, 0);
	if (page)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(oom_probe.sys, page, order, false), 0);
	/* Back to full: the page it freed and the one it got are both free again. */
	if (frees)
		altmm_test_fill(oom_probe.sys, oom_probe.h, NORETRY_QUIET, 0, 0);
	return page;
}

/*
 * __alloc_pages_may_oom(): once reclaim has given up, the slow path calls
 * the OOM killer for the requests 6.1 does and retries while it reports
 * progress; a request of order 4 or more, one without __GFP_FS, one with
 * __GFP_RETRY_MAYFAIL or __GFP_THISNODE and a lowmem-only one never get
 * there, and when the killer finds nothing the request fails.
 */
static void alloc_oom_killer_calls(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_test_hold *h = altmm_test_hold_new(test, MB_PAGES(32));
	typeof(sys->out_of_memory) saved = sys->out_of_memory;

	altmm_test_fill(sys, h, NORETRY_QUIET, 0, 0);
	KUNIT_ASSERT_GT(test, h->nr, 0UL);
	oom_probe = (struct oom_probe){ .h = h, .sys = sys };
	WRITE_ONCE(sys->out_of_memory, oom_probe_call);

	KUNIT_EXPECT_TRUE(test, oom_probe_try(test, GFP_KERNEL, 0, 1));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 1);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)oom_probe.gfp,
			(__force unsigned int)(GFP_KERNEL | __GFP_NOWARN));
	KUNIT_EXPECT_EQ(test, oom_probe.order, 0U);

	/* Order 3 (PAGE_ALLOC_COSTLY_ORDER) is the largest order it is called for. */
	KUNIT_EXPECT_FALSE(test, oom_probe_try(test, GFP_KERNEL, 3, 0));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 1);
	KUNIT_EXPECT_EQ(test, oom_probe.order, 3U);

	KUNIT_EXPECT_FALSE(test, oom_probe_try(test, GFP_KERNEL, 0, 0));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 1);

	KUNIT_EXPECT_FALSE(test, oom_probe_try(test, GFP_KERNEL, 4, 1));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 0);
	KUNIT_EXPECT_FALSE(test, oom_probe_try(test, GFP_NOFS, 0, 1));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 0);
	KUNIT_EXPECT_FALSE(test, oom_probe_try(test, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0, 1));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 0);
	KUNIT_EXPECT_FALSE(test, oom_probe_try(test, GFP_KERNEL | __GFP_THISNODE, 0, 1));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 0);
	KUNIT_EXPECT_FALSE(test, oom_probe_try(test, GFP_DMA32, 0, 1));
	KUNIT_EXPECT_EQ(test, oom_probe.calls, 0);

	WRITE_ONCE(sys->out_of_memory, saved);
	altmm_test_release(test, sys, h);
}

/**
 * struct ctx_shrinker - a shrinker that notes how reclaim calls it
 * @s: the shrinker
 * @sys: the instance it allocates from
 * @task: the test's task: calls from kswapd are not the test's
 * @gfp: the mask of the last reclaim that asked it
 * @memalloc: every call came from a PF_MEMALLOC task
 * @depth: calls in progress
 * @nested: a call came from inside another (reclaim recursed)
 * @got: the page its scan allocated
 */
struct ctx_shrinker {
	struct altmm_shrinker s;
	struct altmm_system *sys;
	struct task_struct *task;
	gfp_t gfp;
	bool memalloc;
	int depth;
	bool nested;
	struct page *got;
};

static unsigned long ctx_count(struct altmm_shrinker *s, struct altmm_shrink_control *sc)
{
	struct ctx_shrinker *c = container_of(s, struct ctx_shrinker, s);

	if (current != c->task)
		return 0;
	c->gfp = sc->gfp_mask;
	c->memalloc &= !!(current->flags & PF_MEMALLOC);
	c->nested |= c->depth > 0;
	return 1;
}

/* What a cache's shrinker may do: allocate while it frees. */
static unsigned long ctx_scan(struct altmm_shrinker *s, struct altmm_shrink_control *sc)
{
	struct ctx_shrinker *c = container_of(s, struct ctx_shrinker, s);
	struct page *page;

	if (current != c->task)
		return 0;
	if (c->depth++ == 0 && !c->got) {
		page = altmm_sys_alloc_pages(c->sys, NORETRY_QUIET, 0, 0);
		c->got = page;
	}
	c->depth--;
	return 0;
}

/*
 * memalloc_nofs_save() and memalloc_noio_save() scopes narrow every mask
 * inside them, as current_gfp_context() does, so reclaim sees no __GFP_FS
 * (and no __GFP_IO); direct reclaim runs PF_MEMALLOC, so a shrinker that
 * allocates gets the reserves and does not reclaim again.
 */
static void alloc_reclaim_context(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_test_hold *h = altmm_test_hold_new(test, MB_PAGES(32));
	struct ctx_shrinker *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned int scope;

	KUNIT_ASSERT_NOT_NULL(test, c);
	altmm_test_fill(sys, h, NORETRY_QUIET, 0, 0);
	KUNIT_ASSERT_GT(test, h->nr, 0UL);
	c->sys = sys;
	c->task = current;
	c->memalloc = true;
	c->s.count = ctx_count;
	c->s.scan = ctx_scan;
	c->s.name = "altmm_ctx_test";
	KUNIT_ASSERT_EQ(test, altmm_sys_register_shrinker(sys, &c->s), 0);

	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, NORETRY_QUIET, 0, 0));
	KUNIT_EXPECT_TRUE(test, (c->gfp & (__GFP_FS | __GFP_IO)) == (__GFP_FS | __GFP_IO));

	scope = memalloc_nofs_save();
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, NORETRY_QUIET, 0, 0));
	memalloc_nofs_restore(scope);
	KUNIT_EXPECT_TRUE(test, (c->gfp & (__GFP_FS | __GFP_IO)) == __GFP_IO);

	scope = memalloc_noio_save();
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, NORETRY_QUIET, 0, 0));
	memalloc_noio_restore(scope);
	KUNIT_EXPECT_FALSE(test, c->gfp & (__GFP_FS | __GFP_IO));

	altmm_sys_unregister_shrinker(sys, &c->s);
	KUNIT_EXPECT_TRUE(test, c->memalloc);
	KUNIT_EXPECT_FALSE(test, c->nested);
	KUNIT_EXPECT_NOT_NULL(test, c->got);
	if (c->got)
		KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, c->got, 0, false), 0);
	altmm_test_release(test, sys, h);
}

/* === NUMA counters === */

/* A zone's NUMA event, summed over CPUs as /proc/zoneinfo does. */
static long numa_stat(struct altmm_zone *z, int item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(z->pcp, cpu)->numa_stat[item]);
	return sum;
}

/**
 * struct numa_snap - the NUMA events of two zones at one moment
 * @z: the zones
 * @count: their events then
 */
struct numa_snap {
	struct altmm_zone *z[2];
	long count[2][ALTMM_NR_NUMA_STAT_ITEMS];
};

static void numa_snap(struct numa_snap *s)
{
	int n, i;

	for (n = 0; n < 2; n++)
		for (i = 0; i < ALTMM_NR_NUMA_STAT_ITEMS; i++)
			s->count[n][i] = numa_stat(s->z[n], i);
}

static long numa_delta(const struct numa_snap *s, int n, int item)
{
	return numa_stat(s->z[n], item) - s->count[n][item];
}

/*
 * zone_statistics(): the zone that served counts a hit when it is on the
 * preferred node, else a miss (and the preferred zone a foreign); it
 * counts local when it is on the running CPU's node (node 0 here), else
 * other.  One count per allocation, whatever its order.
 */
static void alloc_numa_counters(struct kunit *test)
{
	static const struct altmm_params two = { .arena_mb = 64, .nr_nodes = 2,
						 .nr_cpu_node = 1, .cpu_node = { 0 } };
	struct altmm_system *sys = altmm_test_create(test, &two);
	struct numa_snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct altmm_test_hold *h;
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, s);
	altmm_test_pin_cpu0(test);
	s->z[0] = altmm_test_zone(sys, 0, ALTMM_ZONE_NORMAL);
	s->z[1] = altmm_test_zone(sys, 1, ALTMM_ZONE_NORMAL);

	/* Preferred node 1, served there: a hit, on another node than the CPU's. */
	numa_snap(s);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 2, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_HIT), 1L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_OTHER), 1L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_LOCAL), 0L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_MISS), 0L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_HIT), 0L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_LOCAL), 0L);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 2, false), 0);

	/* No preference: the CPU's node 0, a local hit. */
	numa_snap(s);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_HIT), 1L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_LOCAL), 1L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_OTHER), 0L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_HIT), 0L);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);

	/* Node 1 full: node 0 serves, a miss there and a foreign on node 1. */
	h = altmm_test_hold_new(test, MB_PAGES(32));
	altmm_test_fill(sys, h, ALTMM_TEST_GFP_QUIET | __GFP_THISNODE, 0, 1);
	KUNIT_ASSERT_GT(test, h->nr, 0UL);
	numa_snap(s);
	page = altmm_sys_alloc_pages(sys, ALTMM_TEST_GFP_QUIET, 0, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_PTR_EQ(test, altmm_pfn_to_zone(sys, altmm_test_pfn(test, sys, page)),
			    s->z[0]);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_MISS), 1L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_LOCAL), 1L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 0, ALTMM_NUMA_HIT), 0L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_FOREIGN), 1L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_HIT), 0L);
	KUNIT_EXPECT_EQ(test, numa_delta(s, 1, ALTMM_NUMA_MISS), 0L);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, page, 0, false), 0);
	altmm_test_release(test, sys, h);
}

/* === Misuse === */

static void alloc_misuse_frees(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_system *other = altmm_test_create(test, &one_node);
	struct page *a, *four, *comp, *host, *theirs;
	unsigned long before;

	a = altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, 0);
	four = altmm_sys_alloc_pages(sys, GFP_KERNEL, 2, 0);
	comp = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_COMP, 2, 0);
	theirs = altmm_sys_alloc_pages(other, GFP_KERNEL, 0, 0);
	host = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, four);
	KUNIT_ASSERT_NOT_NULL(test, comp);
	KUNIT_ASSERT_NOT_NULL(test, theirs);
	KUNIT_ASSERT_NOT_NULL(test, host);

	/* Wrong order, either way; an inside page; a compound's tail. */
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, four, 1, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, four, 3, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, four + 1, 0, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, comp + 2, 0, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, comp + 2, 2, false), -EINVAL);
	/* Not ours: the host's page, another instance's page. */
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, host, 0, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, theirs, 0, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_put_page(sys, host), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_get_page(sys, host), -EINVAL);
	__free_page(host);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(other, theirs, 0, false), 0);

	/* Someone still holds the host page: refused, and it stays allocated. */
	get_page(a);
	if (altmm_test_pfn(test, sys, a) & ALTMM_SECTION_MASK)
		EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, a, 0, false), -EINVAL);
	put_page(a);
	KUNIT_EXPECT_TRUE(test, altmm_desc_test(altmm_test_desc(test, sys, a), ALTMM_PG_alloc));

	/* The right frees work after all that. */
	before = misuses(sys);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, four, 2, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, comp, 2, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, a, 0, false), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_free_pages(sys, NULL, 0, false), 0);
	KUNIT_EXPECT_EQ(test, misuses(sys), before);

	/* Double frees: while cached on a CPU list, and once back in the buddy. */
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, a, 0, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, four, 2, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_put_page(sys, a), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_get_page(sys, a), -EINVAL);
	altmm_drain_all_pages(sys, NULL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, a, 0, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, comp, 2, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_put_page(sys, four), -EINVAL);
}

/*
 * Frames that were never handed out: the head and an inside frame of a
 * free block, and the reserved firmware frame.
 */
static void alloc_misuse_never_allocated(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_zone *z = altmm_test_zone(sys, 0, ALTMM_ZONE_DMA);
	struct altmm_free_area *top = &z->free_area[ALTMM_MAX_ORDER - 1];
	struct list_head *list = &top->free_list[ALTMM_MIGRATE_MOVABLE];
	struct page *head = NULL, *firmware;
	struct altmm_page *d = NULL;
	unsigned long flags;

	spin_lock_irqsave(&z->lock, flags);
	if (!list_empty(list))
		d = list_first_entry(list, struct altmm_page, lru);
	spin_unlock_irqrestore(&z->lock, flags);
	KUNIT_ASSERT_NOT_NULL(test, d);
	head = altmm_pfn_to_host_page(sys, altmm_desc_to_pfn(sys, d));
	firmware = altmm_pfn_to_host_page(sys, sys->layout.mem_start);

	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, head, 10, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, head + 5, 0, false), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_put_page(sys, head + 8), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_get_page(sys, head), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_split_page(sys, head, 10), -EINVAL);
	EXPECT_MISUSE(test, sys, altmm_sys_free_pages(sys, firmware, 0, false), -EINVAL);
}

/*
 * Requests that cannot be: two zone modifiers, movable and reclaimable
 * at once, order 11 and above (silently with __GFP_NOWARN, as the
 * kernel's WARN_ON_ONCE_GFP() is), a node that does not exist.
 */
static void alloc_misuse_requests(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct page **slot = kunit_kzalloc(test, sizeof(*slot), GFP_KERNEL);
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, slot);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_DMA | __GFP_HIGHMEM,
						       0, 0), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_DMA32 | __GFP_DMA,
						       0, 0), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_MOVABLE |
						       __GFP_RECLAIMABLE, 0, 0), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_KERNEL, ALTMM_MAX_ORDER, 0), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_ATOMIC, 31, 0), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, 1), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, ALTMM_MAX_NUMNODES), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages(sys, GFP_KERNEL, 0, -2), 0);
	EXPECT_MISUSE(test, sys, altmm_sys_alloc_pages_bulk(sys, GFP_KERNEL, 5, 1, slot), 0);

	before = misuses(sys);
	KUNIT_EXPECT_NULL(test, altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_NOWARN,
						      ALTMM_MAX_ORDER, 0));
	KUNIT_EXPECT_EQ(test, misuses(sys), before);
}

static struct kunit_case altmm_alloc_cases[] = {
	KUNIT_CASE(alloc_atomic_in_hardirq),
	KUNIT_CASE(alloc_atomic_in_softirq),
	KUNIT_CASE(alloc_zeroed),
	KUNIT_CASE(alloc_compound),
	KUNIT_CASE(alloc_compound_host_restored),
	KUNIT_CASE(alloc_compound_leaked_at_teardown),
	KUNIT_CASE(alloc_compound_tail_refs),
	KUNIT_CASE(alloc_free_host_refs),
	KUNIT_CASE(alloc_double_free_race),
	KUNIT_CASE(alloc_host_refcounts),
	KUNIT_CASE(alloc_get_put),
	KUNIT_CASE(alloc_split_page),
	KUNIT_CASE(alloc_bulk_fills_holes),
	KUNIT_CASE(alloc_bulk_as_61),
	KUNIT_CASE(alloc_memory_reserves),
	KUNIT_CASE(alloc_oom_killer_calls),
	KUNIT_CASE(alloc_reclaim_context),
	KUNIT_CASE(alloc_numa_counters),
	KUNIT_CASE(alloc_misuse_frees),
	KUNIT_CASE(alloc_misuse_never_allocated),
	KUNIT_CASE(alloc_misuse_requests),
	{}
};

/* A test stopped by a failed assertion may leave the free hook armed. */
static void alloc_test_exit(struct kunit *test)
{
	altmm_set_free_decided_hook(NULL);
	altmm_test_exit(test);
}

static struct kunit_suite altmm_alloc_suite = {
	.name = "altmm_alloc",
	.init = altmm_test_init,
	.exit = alloc_test_exit,
	.test_cases = altmm_alloc_cases,
};

/* === Fault injection (fault.c) === */

/* An attribute that fails every request it considers, silently. */
static void fault_always(struct altmm_fault_attr *attr, int times)
{
	WRITE_ONCE(attr->verbose, 0);
	atomic_set(&attr->times, times);
	WRITE_ONCE(attr->probability, 100);
}

/* Allocations of @order with @gfp, of @n, that fail; each success freed. */
static unsigned int page_failures(struct altmm_system *sys, gfp_t gfp,
				  unsigned int order, unsigned int n)
{
	unsigned int failed = 0;

	while (n--) {
		struct page *page = altmm_sys_alloc_pages(sys, gfp | __GFP_NOWARN, order,
							  NUMA_NO_NODE);

		if (page)
			altmm_sys_free_pages(sys, page, order, false);
		else
			failed++;
	}
	return failed;
}

/*
 * 6.1's defaults: nothing fails until probability is set; then times
 * (1) failures, and never below min-order 1, never a request that may
 * reclaim, never __GFP_HIGHMEM, never __GFP_NOFAIL.  With those filters
 * off, times 3 fails exactly three requests, and -1 never runs out.
 */
static void fault_page_alloc_filters(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_fault_attr *attr = &sys->fail_page_alloc;
	struct page *page;

	KUNIT_EXPECT_EQ(test, attr->probability, 0UL);
	KUNIT_EXPECT_EQ(test, attr->interval, 1UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&attr->times), 1);
	KUNIT_EXPECT_EQ(test, attr->min_order, 1U);
	KUNIT_EXPECT_TRUE(test, attr->ignore_gfp_reclaim);
	KUNIT_EXPECT_TRUE(test, attr->ignore_gfp_highmem);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC, 1, 4), 0U);

	fault_always(attr, 1);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC, 0, 4), 0U);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_KERNEL, 1, 4), 0U);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC | __GFP_HIGHMEM, 1, 4), 0U);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC, 1, 4), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&attr->times), 0);

	attr->min_order = 0;
	attr->ignore_gfp_reclaim = false;
	attr->ignore_gfp_highmem = false;
	atomic_set(&attr->times, 3);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_KERNEL, 0, 10), 3U);
	atomic_set(&attr->times, -1);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_KERNEL | __GFP_HIGHMEM, 2, 10), 10U);
	KUNIT_EXPECT_EQ(test, atomic_read(&attr->times), -1);
	page = altmm_sys_alloc_pages(sys, GFP_KERNEL | __GFP_NOFAIL, 0, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, page);
	altmm_sys_free_pages(sys, page, 0, false);
	/* The bulk allocator goes through the same check. */
	page = NULL;
	KUNIT_EXPECT_EQ(test, altmm_sys_alloc_pages_bulk(sys, GFP_KERNEL, NUMA_NO_NODE, 1,
							 &page), 0UL);
}

/*
 * space lets its first units pass (an order-2 request is four), interval
 * n considers every n-th request, and probability p of them fail: over
 * 2000 requests at 30 % some fail and some do not.
 */
static void fault_page_alloc_space_interval(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_fault_attr *attr = &sys->fail_page_alloc;
	unsigned int failed;

	attr->min_order = 0;
	fault_always(attr, -1);
	atomic_set(&attr->space, 10);
	/* 4 + 4 pass (space 10 -> 2), the third is not below space: fails. */
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC, 2, 2), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&attr->space), 2);
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC, 2, 1), 1U);

	atomic_set(&attr->space, 0);
	attr->interval = 4;
	attr->count = 0;
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC, 0, 12), 3U);

	attr->interval = 1;
	attr->probability = 30;
	failed = page_failures(sys, GFP_ATOMIC, 0, 2000);
	kunit_info(test, "probability 30: %u of 2000 failed\n", failed);
	KUNIT_EXPECT_GT(test, failed, 0U);
	KUNIT_EXPECT_LT(test, failed, 2000U);

	attr->task_filter = true;
	KUNIT_EXPECT_EQ(test, page_failures(sys, GFP_ATOMIC, 0, 20), 0U);
}

/*
 * failslab: never the cache of caches nor a request that may reclaim (by
 * default); with cache-filter only a cache whose failslab is set; a
 * failed request leaves the cache's counts as they were.
 */
static void fault_failslab(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);
	struct altmm_fault_attr *attr = &sys->failslab;
	struct altmm_kmem_cache *a, *b;
	void *obj;

	a = altmm_sys_cache_create(sys, "fault-a", 64, 0, 0, NULL);
	b = altmm_sys_cache_create(sys, "fault-b", 64, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	fault_always(attr, -1);

	obj = altmm_cache_alloc(a, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	altmm_cache_free(a, obj, _RET_IP_);
	KUNIT_EXPECT_NULL(test, altmm_cache_alloc(a, GFP_ATOMIC | __GFP_NOWARN, NUMA_NO_NODE));
	obj = altmm_cache_alloc(a, GFP_ATOMIC | __GFP_NOFAIL, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	altmm_cache_free(a, obj, _RET_IP_);

	attr->cache_filter = true;
	WRITE_ONCE(b->failslab, true);
	obj = altmm_cache_alloc(a, GFP_ATOMIC | __GFP_NOWARN, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	altmm_cache_free(a, obj, _RET_IP_);
	KUNIT_EXPECT_NULL(test, altmm_cache_alloc(b, GFP_ATOMIC | __GFP_NOWARN, NUMA_NO_NODE));

	/*
	 * Failing what may reclaim too: a cache cannot be made (its per-node
	 * and per-CPU parts come from the kmalloc caches) and says so with
	 * NULL, leaving nothing behind; without failures it can again.
	 */
	attr->cache_filter = false;
	attr->ignore_gfp_reclaim = false;
	KUNIT_EXPECT_NULL(test, altmm_cache_alloc(a, GFP_KERNEL | __GFP_NOWARN, NUMA_NO_NODE));
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(b), 0);
	KUNIT_EXPECT_NULL(test, altmm_sys_cache_create(sys, "fault-c", 64, 0, 0, NULL));
	attr->probability = 0;
	b = altmm_sys_cache_create(sys, "fault-c", 64, 0, 0, NULL);
	KUNIT_EXPECT_NOT_NULL(test, b);
	if (b)
		KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(b), 0);
	KUNIT_EXPECT_EQ(test, altmm_sys_cache_destroy(a), 0);
}

/* === Allocation owners (page_owner.c) === */

static const struct altmm_params with_owners = { .arena_mb = 32, .nr_nodes = 1,
						 .page_owner = true };

/* The stack a leak is seeded from, to be named in the report. */
static noinline struct page *owner_seed_leak(struct altmm_system *sys)
{
	struct page *page = altmm_sys_alloc_pages(sys, GFP_KERNEL, 2, NUMA_NO_NODE);

	/* Not a tail call: this frame stays on the stack. */
	barrier();
	return page;
}

struct owner_seen {
	unsigned long blocks, frames, stacks;
};

static void find_seed(void *data, depot_stack_handle_t handle, unsigned long blocks,
		      unsigned long frames)
{
	struct owner_seen *seen = data;
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	seen->stacks++;
	if (!buf)
		return;
	altmm_page_owner_snprint(handle, buf, PAGE_SIZE);
	if (strstr(buf, "owner_seed_leak")) {
		seen->blocks += blocks;
		seen->frames += frames;
	}
	kfree(buf);
}

/*
 * With owners tracked, three order-2 blocks allocated from one function
 * are one group of the report, three blocks and twelve frames, with that
 * function in its stack; each record has the order, mask and task; a
 * split gives every frame an order-0 record; once freed, the group is
 * gone.
 */
static void owner_report_names_the_stack(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &with_owners);
	struct owner_seen seen = { };
	struct page *pages[3];
	unsigned long pfn;
	long held;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, sys->page_owner);
	for (i = 0; i < 3; i++) {
		pages[i] = owner_seed_leak(sys);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	held = altmm_page_owner_stacks(sys, find_seed, &seen);
	kunit_info(test, "%ld blocks held in %lu stacks\n", held, seen.stacks);
	KUNIT_EXPECT_GE(test, held, 3L);
	KUNIT_EXPECT_EQ(test, seen.blocks, 3UL);
	KUNIT_EXPECT_EQ(test, seen.frames, 12UL);

	KUNIT_ASSERT_TRUE(test, altmm_host_page_to_pfn(sys, pages[0], &pfn));
	KUNIT_EXPECT_EQ(test, sys->page_owner[pfn].order, 2);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)sys->page_owner[pfn].gfp_mask,
			(__force unsigned int)GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, sys->page_owner[pfn].pid, current->pid);
	KUNIT_EXPECT_TRUE(test, sys->page_owner[pfn].allocated);

	KUNIT_ASSERT_EQ(test, altmm_sys_split_page(sys, pages[0], 2), 0);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, sys->page_owner[pfn + i].order, 0);
		KUNIT_EXPECT_TRUE(test, sys->page_owner[pfn + i].allocated);
		altmm_sys_free_pages(sys, pages[0] + i, 0, false);
		KUNIT_EXPECT_FALSE(test, sys->page_owner[pfn + i].allocated);
	}
	for (i = 1; i < 3; i++)
		altmm_sys_free_pages(sys, pages[i], 2, false);
	seen = (struct owner_seen){ };
	altmm_page_owner_stacks(sys, find_seed, &seen);
	KUNIT_EXPECT_EQ(test, seen.blocks, 0UL);
}

/* Without page_owner nothing is kept, and the report says so. */
static void owner_off_by_default(struct kunit *test)
{
	struct altmm_system *sys = altmm_test_create(test, &one_node);

	KUNIT_EXPECT_NULL(test, sys->page_owner);
	KUNIT_EXPECT_EQ(test, altmm_page_owner_stacks(sys, find_seed, NULL), -ENOENT);
}

static struct kunit_case altmm_fault_cases[] = {
	KUNIT_CASE(fault_page_alloc_filters),
	KUNIT_CASE(fault_page_alloc_space_interval),
	KUNIT_CASE(fault_failslab),
	{}
};

static struct kunit_suite altmm_fault_suite = {
	.name = "altmm_fault_inject",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_fault_cases,
};

static struct kunit_case altmm_page_owner_cases[] = {
	KUNIT_CASE(owner_report_names_the_stack),
	KUNIT_CASE(owner_off_by_default),
	{}
};

static struct kunit_suite altmm_page_owner_suite = {
	.name = "altmm_page_owner",
	.init = altmm_test_init,
	.exit = altmm_test_exit,
	.test_cases = altmm_page_owner_cases,
};

kunit_test_suites(&altmm_alloc_suite, &altmm_fault_suite, &altmm_page_owner_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for altmm's allocation front end and its misuse checks");
MODULE_IMPORT_NS(ALTMM_INTERNAL);
