// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc over altmm frames: a virtually contiguous kernel range backed
 * by order-0 frames of an instance that need not be contiguous at all.
 *
 * The frames come from the instance's page allocator with the caller's
 * mask, __GFP_HIGHMEM added as 6.1's __vmalloc_area_node() adds it (so
 * they may come from altmm's HighMem zone: the host maps any page), and
 * the host's own vmap() maps them.  Each area is one record:
 *
 *   struct altmm_vm_area --pages--> [struct page *] x nr_pages
 *         |                          (kmalloc'ed from the instance up to
 *         |                           a page, vmalloc'ed beyond, as 6.1)
 *         +-- addr: the host vmap() address, the key of the lookup tree
 *
 * and every live area is in an rbtree sorted by address, which vfree()
 * searches and vmallocinfo walks.  The record's size counts the guard
 * page after the area, as vmallocinfo reports it.
 *
 * vfree() takes the record out of the tree at once, so that a second
 * vfree() of the same address is caught, but vunmap() may sleep: from
 * interrupt context, with interrupts off or preemption disabled the
 * record goes onto a lock-free list that a work item empties (6.1 defers
 * only from interrupt context; altmm also accepts a vfree() under a
 * spinlock).  The frames go back when the mapping is gone.
 *
 * Locking: &altmm_vmalloc_state.lock protects the tree, the area count
 * and the ring of recent frees.  It is taken with interrupts off (vfree()
 * may run in hard interrupt context) and is a leaf of the module's lock
 * order: nothing is allocated, freed, mapped or printed under it.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "slab.h"
#include "vmalloc.h"

/* === Data === */

enum altmm_vm_flags {
	ALTMM_VM_ALLOC		= BIT(0),	/* vmalloc(): "vmalloc" */
	ALTMM_VM_VPAGES		= BIT(1),	/* its page array is vmalloc'ed: "vpages" */
	ALTMM_VM_PAGE_ARRAY	= BIT(2),	/* it is another area's page array */
};

/* Page arrays up to this size are kmalloc'ed, larger ones vmalloc'ed (6.1). */
#define ALTMM_VM_ARRAY_KMALLOC_MAX	PAGE_SIZE
/* Recent frees remembered to tell a double vfree() from a stray pointer. */
#define ALTMM_VM_FREED_RING		32
/* Frames allocated or freed between two chances to reschedule. */
#define ALTMM_VM_RESCHED_BATCH		512

/**
 * struct altmm_vm_area - one vmalloc area (the kernel's vm_struct)
 * @node: in &altmm_vmalloc_state.areas, by @addr, while the area is live
 * @free_node: on &altmm_vmalloc_state.deferred after an atomic vfree()
 * @addr: first byte of the mapping
 * @size: bytes of the mapping and its guard page
 * @nr_pages: frames mapped
 * @pages: the frames, in address order
 * @caller: who asked for it
 * @flags: &enum altmm_vm_flags
 * @nr_node: frames on each node of the instance
 *
 * Written once before it enters the tree, read-only afterwards.
 */
struct altmm_vm_area {
	struct rb_node node;
	struct llist_node free_node;
	void *addr;
	unsigned long size;
	unsigned int nr_pages;
	struct page **pages;
	unsigned long caller;
	unsigned int flags;
	unsigned int nr_node[ALTMM_MAX_NUMNODES];
};

/**
 * struct altmm_vm_freed - a recent vfree(), for the report of a second one
 * @addr: the address freed
 * @caller: who freed it
 */
struct altmm_vm_freed {
	const void *addr;
	unsigned long caller;
};

/**
 * struct altmm_vmalloc_state - an instance's vmalloc layer
 * @lock: protects @areas, @nr_areas, @freed and @freed_next; irq-safe
 * @areas: live areas by address
 * @nr_areas: entries in @areas (written under @lock, read with READ_ONCE)
 * @freed: ring of recent vfree() calls
 * @freed_next: the slot of @freed the next vfree() overwrites
 * @deferred: areas freed where vunmap() could not run
 * @free_work: unmaps and frees @deferred
 * @nr_pages: frames held by areas, until they go back (vmalloc_nr_pages())
 * @sys: the instance
 */
struct altmm_vmalloc_state {
	spinlock_t lock;		/* the tree, its count, the ring */
	struct rb_root areas;
	unsigned long nr_areas;
	struct altmm_vm_freed freed[ALTMM_VM_FREED_RING];
	unsigned int freed_next;
	struct llist_head deferred;
	struct work_struct free_work;
	atomic_long_t nr_pages;
	struct altmm_system *sys;
};

/* === Reports === */

#define vmalloc_misuse(sys, fmt, ...)					\
do {									\
	altmm_count_event(sys, ALTMM_MISUSE, 1);			\
	if (__ratelimit(&(sys)->misuse_rs))				\
		pr_err("%s: " fmt, (sys)->name, ##__VA_ARGS__);		\
} while (0)

/* warn_alloc() of __vmalloc_node_range(): what failed, for whom. */
static void vmalloc_fail(struct altmm_system *sys, unsigned long size, gfp_t gfp,
			 unsigned long caller, const char *why)
{
	if ((gfp & __GFP_NOWARN) || !__ratelimit(&sys->fail_rs))
		return;
	pr_warn("%s: %pS: vmalloc error: size %lu, %s, mode:%#x(%pGg)\n",
		sys->name, (void *)caller, size, why, gfp, &gfp);
}

/* === Lookup (under the lock) === */

/* The live area holding @addr, or NULL. */
static struct altmm_vm_area *__find_area(struct altmm_vmalloc_state *vs,
					 const void *addr)
{
	struct rb_node *n = vs->areas.rb_node;

	lockdep_assert_held(&vs->lock);
	while (n) {
		struct altmm_vm_area *a = rb_entry(n, struct altmm_vm_area, node);

		if (addr < a->addr)
			n = n->rb_left;
		else if (addr >= a->addr + a->size)
			n = n->rb_right;
		else
			return a;
	}
	return NULL;
}

/* The first live area at or (with !@inclusive) after @addr. */
static struct rb_node *__area_from(struct altmm_vmalloc_state *vs,
				   const void *addr, bool inclusive)
{
	struct rb_node *n = vs->areas.rb_node, *best = NULL;

	lockdep_assert_held(&vs->lock);
	while (n) {
		struct altmm_vm_area *a = rb_entry(n, struct altmm_vm_area, node);

		if (a->addr > addr || (inclusive && a->addr == addr)) {
			best = n;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

static void __insert_area(struct altmm_vmalloc_state *vs,
			  struct altmm_vm_area *area)
{
	struct rb_node **link = &vs->areas.rb_node, *parent = NULL;

	lockdep_assert_held(&vs->lock);
	while (*link) {
		parent = *link;
		if (area->addr < rb_entry(parent, struct altmm_vm_area, node)->addr)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&area->node, parent, link);
	rb_insert_color(&area->node, &vs->areas);
	WRITE_ONCE(vs->nr_areas, vs->nr_areas + 1);
}

static void __remove_area(struct altmm_vmalloc_state *vs,
			  struct altmm_vm_area *area)
{
	lockdep_assert_held(&vs->lock);
	rb_erase(&area->node, &vs->areas);
	RB_CLEAR_NODE(&area->node);
	WRITE_ONCE(vs->nr_areas, vs->nr_areas - 1);
}

/* === Areas === */

/*
 * Can vunmap() run here?  With CONFIG_PREEMPT_COUNT (Debian's kernel)
 * preemptible() also sees spinlocks and preempt_disable(); without it
 * (UML) only interrupt context and disabled interrupts show.
 */
static bool vmalloc_may_sleep(void)
{
	if (rcu_preempt_depth())
		return false;
	if (IS_ENABLED(CONFIG_PREEMPT_COUNT))
		return preemptible();
	return in_task() && !irqs_disabled();
}

static int page_nid(struct altmm_system *sys, struct page *page)
{
	unsigned long pfn;

	if (!altmm_host_page_to_pfn(sys, page, &pfn))
		return -1;
	return altmm_pfn_to_section(sys, pfn)->nid;
}

static void free_area_pages(struct altmm_system *sys, struct page **pages,
			    unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		altmm_sys_free_pages(sys, pages[i], 0, false);
		if (!((i + 1) % ALTMM_VM_RESCHED_BATCH))
			cond_resched();
	}
}

static void *vmalloc_area(struct altmm_system *sys, unsigned long size,
			  gfp_t gfp, int nid, unsigned long caller,
			  unsigned int flags);
static void vfree_page_array(struct altmm_system *sys, struct page **pages);

static void free_page_array(struct altmm_system *sys, struct altmm_vm_area *area)
{
	if (area->flags & ALTMM_VM_VPAGES)
		vfree_page_array(sys, area->pages);
	else
		altmm_sys_kfree(sys, area->pages, area->caller);
}

/* Unmap an area that is out of the tree and give everything back. */
static void release_area(struct altmm_system *sys, struct altmm_vm_area *area)
{
	might_sleep();
	vunmap(area->addr);
	free_area_pages(sys, area->pages, area->nr_pages);
	atomic_long_sub(area->nr_pages, &sys->vmalloc->nr_pages);
	free_page_array(sys, area);
	altmm_sys_kfree(sys, area, area->caller);
}

/* Fill @area->pages with frames; false (nothing kept) if one is missing. */
static bool fill_area(struct altmm_system *sys, struct altmm_vm_area *area,
		      gfp_t gfp, int nid)
{
	gfp_t page_gfp = gfp | __GFP_NOWARN;
	unsigned int i;
	int nid_of;

	if (!(gfp & (GFP_DMA | GFP_DMA32)))
		page_gfp |= __GFP_HIGHMEM;
	for (i = 0; i < area->nr_pages; i++) {
		struct page *page = altmm_sys_alloc_pages(sys, page_gfp, 0, nid);

		if (!page) {
			free_area_pages(sys, area->pages, i);
			return false;
		}
		area->pages[i] = page;
		nid_of = page_nid(sys, page);
		if (nid_of >= 0)
			area->nr_node[nid_of]++;
		if (!((i + 1) % ALTMM_VM_RESCHED_BATCH))
			cond_resched();
	}
	return true;
}

/* The record and its page array; NULL if either cannot be had. */
static struct altmm_vm_area *new_area(struct altmm_system *sys,
				      unsigned int nr_pages, gfp_t gfp, int nid,
				      unsigned long caller, unsigned int flags)
{
	gfp_t nested_gfp = (gfp & ALTMM_GFP_RECLAIM_MASK) | __GFP_ZERO;
	size_t array_size = (size_t)nr_pages * sizeof(struct page *);
	struct altmm_vm_area *area;

	area = altmm_sys_kmalloc(sys, sizeof(*area), nested_gfp, nid, caller);
	if (!area)
		return NULL;
	area->nr_pages = nr_pages;
	area->size = ((unsigned long)nr_pages + 1) << PAGE_SHIFT;
	area->caller = caller;
	area->flags = flags;
	RB_CLEAR_NODE(&area->node);
	if (array_size > ALTMM_VM_ARRAY_KMALLOC_MAX) {
		area->pages = vmalloc_area(sys, array_size, nested_gfp, nid, caller,
					   ALTMM_VM_ALLOC | ALTMM_VM_PAGE_ARRAY);
		area->flags |= ALTMM_VM_VPAGES;
	} else {
		area->pages = altmm_sys_kmalloc(sys, array_size, nested_gfp, nid,
						caller);
	}
	if (!area->pages) {
		altmm_sys_kfree(sys, area, caller);
		return NULL;
	}
	return area;
}

static unsigned long total_pages(struct altmm_system *sys)
{
	struct altmm_zone *zone;
	unsigned long total = 0;
	int nid, zt;

	for_each_altmm_populated_zone(sys, zone, nid, zt)
		total += altmm_zone_managed(zone);
	return total;
}

/* __vmalloc_node(): checks done by the caller, @size > 0. */
static void *vmalloc_area(struct altmm_system *sys, unsigned long size,
			  gfp_t gfp, int nid, unsigned long caller,
			  unsigned int flags)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	unsigned int nr_pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	struct altmm_vm_area *area;
	unsigned long irqflags;

	area = new_area(sys, nr_pages, gfp, nid, caller, flags);
	if (!area) {
		vmalloc_fail(sys, size, gfp, caller, "failed to allocate the page array");
		return NULL;
	}
	if (!fill_area(sys, area, gfp, nid)) {
		vmalloc_fail(sys, size, gfp, caller, "page order 0, failed to allocate pages");
		goto free_area;
	}
	area->addr = vmap(area->pages, nr_pages, VM_MAP, PAGE_KERNEL);
	if (!area->addr) {
		vmalloc_fail(sys, size, gfp, caller, "failed to map pages");
		free_area_pages(sys, area->pages, nr_pages);
		goto free_area;
	}
	atomic_long_add(nr_pages, &vs->nr_pages);

	spin_lock_irqsave(&vs->lock, irqflags);
	__insert_area(vs, area);
	spin_unlock_irqrestore(&vs->lock, irqflags);
	return area->addr;

free_area:
	free_page_array(sys, area);
	altmm_sys_kfree(sys, area, caller);
	return NULL;
}

/**
 * altmm_sys_vmalloc() - virtually contiguous memory on an instance's
 *	frames (__vmalloc_node())
 * @sys: instance
 * @size: bytes, rounded up to frames
 * @gfp: the kernel's GFP mask for the frames (GFP_KERNEL for vmalloc(),
 *	with __GFP_ZERO for vzalloc()); __GFP_HIGHMEM is added unless it
 *	asks for DMA or DMA32
 * @nid: preferred node, or NUMA_NO_NODE
 * @caller: who asks, for vmallocinfo
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL: for 0 bytes, more than the instance
 * manages, a context that cannot sleep, a node that does not exist, or
 * when frames, page array or mapping cannot be had (logged unless
 * __GFP_NOWARN).
 */
void *altmm_sys_vmalloc(struct altmm_system *sys, unsigned long size,
			gfp_t gfp, int nid, unsigned long caller)
{
	if (unlikely(!sys->vmalloc || !READ_ONCE(sys->ready)))
		return NULL;
	if (unlikely(!size)) {
		vmalloc_fail(sys, size, gfp, caller, "zero size");
		return NULL;
	}
	if (unlikely(size > total_pages(sys) << PAGE_SHIFT)) {
		vmalloc_fail(sys, size, gfp, caller, "exceeds total pages");
		return NULL;
	}
	if (unlikely(!vmalloc_may_sleep())) {
		vmalloc_misuse(sys, "vmalloc(%lu) by %pS refused: atomic context\n",
			       size, (void *)caller);
		return NULL;
	}
	if (unlikely(nid != NUMA_NO_NODE &&
		     (nid < 0 || nid >= sys->layout.nr_nodes))) {
		vmalloc_misuse(sys, "vmalloc(%lu) by %pS refused: node %d of %d\n",
			       size, (void *)caller, nid, sys->layout.nr_nodes);
		return NULL;
	}
	might_sleep();
	return vmalloc_area(sys, size, gfp, nid, caller, ALTMM_VM_ALLOC);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vmalloc, ALTMM_INTERNAL);

/* === Freeing === */

/* A page array's area is freed by its owner, in a context that may sleep. */
static void vfree_page_array(struct altmm_system *sys, struct page **pages)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	struct altmm_vm_area *area;
	unsigned long flags;

	spin_lock_irqsave(&vs->lock, flags);
	area = __find_area(vs, pages);
	if (area && area->addr == (void *)pages &&
	    (area->flags & ALTMM_VM_PAGE_ARRAY))
		__remove_area(vs, area);
	else
		area = NULL;
	spin_unlock_irqrestore(&vs->lock, flags);
	if (WARN_ON_ONCE(!area))
		return;
	release_area(sys, area);
}

static void deferred_free_work(struct work_struct *work)
{
	struct altmm_vmalloc_state *vs =
		container_of(work, struct altmm_vmalloc_state, free_work);
	struct altmm_vm_area *area, *next;
	struct llist_node *list = llist_del_all(&vs->deferred);

	llist_for_each_entry_safe(area, next, list, free_node)
		release_area(vs->sys, area);
}

/* Why @addr, not a live area's start, cannot be freed, into @buf. */
static void __why_not(struct altmm_vmalloc_state *vs, const void *addr,
		      char *buf, size_t len)
{
	struct altmm_vm_area *area = __find_area(vs, addr);
	unsigned int i;

	if (area && (area->flags & ALTMM_VM_PAGE_ARRAY)) {
		scnprintf(buf, len, "altmm's own page array");
		return;
	}
	if (area) {
		scnprintf(buf, len, "inside the area %p-%p of %pS, not its start",
			  area->addr, area->addr + area->size, (void *)area->caller);
		return;
	}
	for (i = 0; i < ALTMM_VM_FREED_RING; i++) {
		if (vs->freed[i].addr == addr) {
			scnprintf(buf, len, "double free, freed before by %pS",
				  (void *)vs->freed[i].caller);
			return;
		}
	}
	scnprintf(buf, len, "not an area altmm vmalloc'ed");
}

static int vfree_caller(struct altmm_system *sys, const void *addr,
			unsigned long caller)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	struct altmm_vm_area *area;
	unsigned long flags;
	char why[128];

	if (unlikely(!addr))
		return 0;
	if (unlikely(!vs || in_nmi())) {
		vmalloc_misuse(sys, "vfree(%p) by %pS refused: %s\n", addr,
			       (void *)caller, vs ? "NMI context" : "no vmalloc layer");
		return -EINVAL;
	}

	spin_lock_irqsave(&vs->lock, flags);
	area = __find_area(vs, addr);
	if (likely(area && area->addr == addr &&
		   !(area->flags & ALTMM_VM_PAGE_ARRAY))) {
		__remove_area(vs, area);
		vs->freed[vs->freed_next] = (struct altmm_vm_freed){ addr, caller };
		vs->freed_next = (vs->freed_next + 1) % ALTMM_VM_FREED_RING;
	} else {
		/* Formatting %pS here takes no lock: kallsyms is lock-free. */
		__why_not(vs, addr, why, sizeof(why));
		area = NULL;
	}
	spin_unlock_irqrestore(&vs->lock, flags);

	if (unlikely(!area)) {
		vmalloc_misuse(sys, "vfree(%p) by %pS refused: %s\n", addr,
			       (void *)caller, why);
		return -EINVAL;
	}
	if (vmalloc_may_sleep())
		release_area(sys, area);
	else if (llist_add(&area->free_node, &vs->deferred))
		schedule_work(&vs->free_work);
	return 0;
}

/**
 * altmm_sys_vfree() - free what altmm_sys_vmalloc() gave (vfree())
 * @sys: instance
 * @addr: the address, or NULL
 *
 * The area leaves the lookup at once; where vunmap() cannot run
 * (interrupt context, interrupts off, preemption disabled) unmapping and
 * freeing the frames wait for a work item (altmm_vmalloc_flush()).  An
 * address that is not the start of a live area - a foreign or kmalloc
 * pointer, an interior one, a second vfree() - is reported (rate-limited)
 * and refused.
 *
 * Context: any but NMI.
 * Return: 0 (freed or queued), or -EINVAL if refused.
 */
int altmm_sys_vfree(struct altmm_system *sys, const void *addr)
{
	return vfree_caller(sys, addr, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vfree, ALTMM_INTERNAL);

/**
 * altmm_vmalloc_flush() - wait until every deferred vfree() has completed
 * @sys: instance
 *
 * Context: process context; may sleep.
 */
void altmm_vmalloc_flush(struct altmm_system *sys)
{
	if (sys->vmalloc)
		flush_work(&sys->vmalloc->free_work);
}
EXPORT_SYMBOL_NS_GPL(altmm_vmalloc_flush, ALTMM_INTERNAL);

/**
 * altmm_vmalloc_nr_pages() - frames held by vmalloc areas (vmalloc_nr_pages())
 * @sys: instance
 *
 * Frames of a deferred vfree() count until they are back, as in 6.1;
 * page arrays that are themselves vmalloc'ed count too.
 *
 * Context: any.
 * Return: frames; meminfo's VmallocUsed is this times PAGE_SIZE.
 */
unsigned long altmm_vmalloc_nr_pages(struct altmm_system *sys)
{
	return sys->vmalloc ? atomic_long_read(&sys->vmalloc->nr_pages) : 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_vmalloc_nr_pages, ALTMM_INTERNAL);

/**
 * altmm_vmalloc_nr_areas() - live areas, page arrays included
 * @sys: instance
 *
 * Context: any.
 * Return: the lines vmallocinfo would show now.
 */
unsigned long altmm_vmalloc_nr_areas(struct altmm_system *sys)
{
	return sys->vmalloc ? READ_ONCE(sys->vmalloc->nr_areas) : 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_vmalloc_nr_areas, ALTMM_INTERNAL);

/* === vmallocinfo === */

/**
 * struct vmallocinfo_iter - a reader's place in the tree
 * @sys: the instance
 * @pos: position of @snap
 * @valid: @snap is a copy of the area at @pos
 * @snap: that copy, printed without the lock
 *
 * The lock is held only to find the next area and copy it, never across
 * a print.  Sequential reads continue from @snap's address, so a read of
 * n areas costs O(n log n); a seek starts from the first.
 */
struct vmallocinfo_iter {
	struct altmm_system *sys;
	loff_t pos;
	bool valid;
	struct altmm_vm_area snap;
};

static void *vmallocinfo_find(struct vmallocinfo_iter *it, loff_t pos)
{
	struct altmm_vmalloc_state *vs = it->sys->vmalloc;
	struct rb_node *n;
	unsigned long flags;
	loff_t i;

	spin_lock_irqsave(&vs->lock, flags);
	if (it->valid && pos == it->pos + 1) {
		n = __area_from(vs, it->snap.addr, false);
	} else if (it->valid && pos == it->pos) {
		n = __area_from(vs, it->snap.addr, true);
	} else {
		for (n = rb_first(&vs->areas), i = 0; n && i < pos; i++)
			n = rb_next(n);
	}
	if (n) {
		it->snap = *rb_entry(n, struct altmm_vm_area, node);
		it->pos = pos;
	}
	it->valid = !!n;
	spin_unlock_irqrestore(&vs->lock, flags);
	return n ? &it->snap : NULL;
}

static void *vmallocinfo_start(struct seq_file *m, loff_t *pos)
{
	return vmallocinfo_find(m->private, *pos);
}

static void *vmallocinfo_next(struct seq_file *m, void *v, loff_t *pos)
{
	return vmallocinfo_find(m->private, ++*pos);
}

static void vmallocinfo_stop(struct seq_file *m, void *v)
{
}

/* s_show() of 6.1 for a vmalloc area, N<nid>= for altmm's nodes. */
static int vmallocinfo_show(struct seq_file *m, void *v)
{
	struct vmallocinfo_iter *it = m->private;
	const struct altmm_vm_area *a = v;
	int nid;

	seq_printf(m, "0x%pK-0x%pK %7ld", a->addr, a->addr + a->size, a->size);
	if (a->caller)
		seq_printf(m, " %pS", (void *)a->caller);
	if (a->nr_pages)
		seq_printf(m, " pages=%d", a->nr_pages);
	if (a->flags & ALTMM_VM_ALLOC)
		seq_puts(m, " vmalloc");
	if (a->flags & ALTMM_VM_VPAGES)
		seq_puts(m, " vpages");
	for (nid = 0; nid < it->sys->layout.nr_nodes; nid++)
		if (a->nr_node[nid])
			seq_printf(m, " N%u=%u", nid, a->nr_node[nid]);
	seq_putc(m, '\n');
	return 0;
}

/**
 * altmm_vmallocinfo_render() - the text of vmallocinfo, into a buffer
 * @sys: instance
 * @buf: where it goes, NUL-terminated
 * @size: bytes at @buf
 *
 * The same lines the debugfs file shows, for instances that have none
 * (KUnit's).
 *
 * Context: process context.
 * Return: bytes written before the NUL, -ENOSPC or -ENOMEM.
 */
ssize_t altmm_vmallocinfo_render(struct altmm_system *sys, char *buf,
				 size_t size)
{
	struct vmallocinfo_iter *it;
	struct seq_file m = { .buf = buf, .size = size };
	loff_t pos = 0;
	ssize_t ret;
	void *v;

	it = kzalloc(sizeof(*it), GFP_KERNEL);
	if (!it)
		return -ENOMEM;
	it->sys = sys;
	m.private = it;
	for (v = vmallocinfo_find(it, pos); v && !seq_has_overflowed(&m);
	     v = vmallocinfo_find(it, ++pos))
		vmallocinfo_show(&m, v);
	ret = seq_has_overflowed(&m) || m.count >= size ? -ENOSPC : m.count;
	if (ret >= 0)
		buf[ret] = '\0';
	kfree(it);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_vmallocinfo_render, ALTMM_INTERNAL);

static const struct seq_operations vmallocinfo_sops = {
	.start	= vmallocinfo_start,
	.next	= vmallocinfo_next,
	.stop	= vmallocinfo_stop,
	.show	= vmallocinfo_show,
};

static int vmallocinfo_open(struct inode *inode, struct file *file)
{
	struct vmallocinfo_iter *it;

	it = __seq_open_private(file, &vmallocinfo_sops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->sys = inode->i_private;
	return 0;
}

static const struct file_operations vmallocinfo_fops = {
	.owner		= THIS_MODULE,
	.open		= vmallocinfo_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= seq_release_private,
};

/**
 * altmm_vmalloc_debugfs_create() - the instance's vmallocinfo file
 * @sys: instance with its vmalloc layer up
 * @dir: its debugfs directory
 *
 * Context: process context.
 */
void altmm_vmalloc_debugfs_create(struct altmm_system *sys, struct dentry *dir)
{
	if (sys->vmalloc)
		debugfs_create_file("vmallocinfo", 0400, dir, sys, &vmallocinfo_fops);
}

/* === Instance === */

/**
 * altmm_vmalloc_init() - an instance's vmalloc layer
 * @sys: instance whose kmalloc is up
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int altmm_vmalloc_init(struct altmm_system *sys)
{
	struct altmm_vmalloc_state *vs;

	vs = kzalloc(sizeof(*vs), GFP_KERNEL);
	if (!vs)
		return -ENOMEM;
	spin_lock_init(&vs->lock);
	vs->areas = RB_ROOT;
	init_llist_head(&vs->deferred);
	INIT_WORK(&vs->free_work, deferred_free_work);
	atomic_long_set(&vs->nr_pages, 0);
	vs->sys = sys;
	sys->vmalloc = vs;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_vmalloc_init, ALTMM_INTERNAL);

/* The first live area that is not a page array, out of the tree; or NULL. */
static struct altmm_vm_area *take_leftover(struct altmm_vmalloc_state *vs)
{
	struct altmm_vm_area *area = NULL;
	unsigned long flags;
	struct rb_node *n;

	spin_lock_irqsave(&vs->lock, flags);
	for (n = rb_first(&vs->areas); n; n = rb_next(n)) {
		area = rb_entry(n, struct altmm_vm_area, node);
		if (!(area->flags & ALTMM_VM_PAGE_ARRAY))
			break;
	}
	if (n)
		__remove_area(vs, area);
	spin_unlock_irqrestore(&vs->lock, flags);
	return n ? area : NULL;
}

/**
 * altmm_vmalloc_exit() - free what is left and forget the vmalloc layer
 * @sys: instance being torn down, its kmalloc still up
 *
 * Deferred frees complete first; areas still allocated are reported in
 * one line and freed, so that every frame and every host mapping goes back.
 *
 * Context: process context; may sleep.
 */
void altmm_vmalloc_exit(struct altmm_system *sys)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	unsigned long leaked = 0, leaked_pages = 0, first_caller = 0;
	struct altmm_vm_area *area;

	if (!vs)
		return;
	flush_work(&vs->free_work);
	while ((area = take_leftover(vs))) {
		if (!leaked++)
			first_caller = area->caller;
		leaked_pages += area->nr_pages;
		release_area(sys, area);
	}
	if (leaked)
		pr_warn("%s: vmalloc: %lu areas (%lu pages) still allocated at teardown, the first by %pS; freed\n",
			sys->name, leaked, leaked_pages, (void *)first_caller);
	if (WARN_ON_ONCE(!RB_EMPTY_ROOT(&vs->areas)))
		return;	/* an orphaned page array: leak the state, not the arena */
	sys->vmalloc = NULL;
	kfree(vs);
}
EXPORT_SYMBOL_NS_GPL(altmm_vmalloc_exit, ALTMM_INTERNAL);

/* === The exported API, on the default instance === */

/**
 * altmm_vmalloc() - virtually contiguous memory (vmalloc())
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vmalloc(unsigned long size)
{
	return altmm_sys_vmalloc(altmm_default_sys, size, GFP_KERNEL,
				 NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vmalloc);

/**
 * altmm_vzalloc() - zeroed virtually contiguous memory (vzalloc())
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vzalloc(unsigned long size)
{
	return altmm_sys_vmalloc(altmm_default_sys, size, GFP_KERNEL | __GFP_ZERO,
				 NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vzalloc);

/**
 * altmm_vmalloc_node() - virtually contiguous memory preferring a node
 *	(vmalloc_node())
 * @size: bytes
 * @node: the node, or NUMA_NO_NODE
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vmalloc_node(unsigned long size, int node)
{
	return altmm_sys_vmalloc(altmm_default_sys, size, GFP_KERNEL, node,
				 _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vmalloc_node);

/**
 * altmm_vfree() - free vmalloc'ed memory (vfree())
 * @addr: the address, or NULL
 *
 * Context: any but NMI; from atomic context the unmapping is deferred.
 */
void altmm_vfree(const void *addr)
{
	vfree_caller(altmm_default_sys, addr, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vfree);
