// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc over altmm frames: a virtually contiguous kernel range backed
 * by order-0 frames of an instance that need not be contiguous at all;
 * and the rest of 6.1's vmalloc family around it: vmap() and
 * vm_map_ram() of pages the caller brings (altmm's or the host's),
 * vmalloc_to_page(), and remap_vmalloc_range() of a user-mappable area.
 *
 * The frames come from the instance's page allocator with the caller's
 * mask, __GFP_HIGHMEM added as 6.1's __vmalloc_area_node() adds it (so
 * they may come from altmm's HighMem zone: the host maps any page), and
 * the host's own vmap() maps them; vm_map_ram() areas are the host's
 * vm_map_ram().  Each area is one record:
 *
 *   struct altmm_vm_area --pages--> [struct page *] x nr_pages
 *         |                          (vmalloc: kmalloc'ed from the
 *         |                           instance up to a page, vmalloc'ed
 *         |                           beyond, as 6.1; vmap with
 *         |                           VM_MAP_PUT_PAGES: the caller's;
 *         |                           other vmaps keep none)
 *         +-- addr: the host mapping's address, the key of the lookup tree
 *
 * and every live area is in an rbtree sorted by address, which the frees,
 * vmalloc_to_page() and vmallocinfo search.  The record's size counts the
 * guard page after a vmalloc or vmap area, as vmallocinfo reports it; a
 * vm_map_ram() area has none, as in 6.1.
 *
 * Alignment: the host exports no call that reserves an aligned range, but
 * its vmap() with VM_IOREMAP aligns the range to the power of two above
 * its size (up to 1 << IOREMAP_MAX_ORDER: 1 GiB on x86-64, 512 KiB on
 * UML).  An area asked with a larger alignment than its size gives is
 * mapped that way with its tail padded up to the alignment by one sink
 * page per instance; the record, vmallocinfo and vmalloc_to_page() end
 * at the area, but a write past the end lands in the sink instead of
 * faulting on a guard page (README lists this), and the host's own
 * /proc/vmallocinfo calls such an area "ioremap".
 *
 * vfree() takes the record out of the tree at once, so that a second
 * vfree() of the same address is caught, but vunmap() may sleep: from
 * interrupt context, with interrupts off or preemption disabled the
 * record goes onto a lock-free list that a work item empties (6.1 defers
 * only from interrupt context; altmm also accepts a vfree() under a
 * spinlock).  The frames go back when the mapping is gone.  vunmap() and
 * vm_unmap_ram() may sleep and refuse any other context.
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

/*
 * What an area is, and the words vmallocinfo prints for it.  The
 * kernel's VM_* values are not reused: they are renumbered between
 * versions, and altmm has kinds the kernel keeps elsewhere.
 */
enum altmm_vm_flags {
	ALTMM_VM_IOREMAP	= BIT(0),	/* vmap(VM_IOREMAP): "ioremap" */
	ALTMM_VM_ALLOC		= BIT(1),	/* vmalloc() family: "vmalloc" */
	ALTMM_VM_MAP		= BIT(2),	/* vmap(VM_MAP): "vmap" */
	ALTMM_VM_USERMAP	= BIT(3),	/* remap_vmalloc_range() allowed: "user" */
	ALTMM_VM_DMA_COHERENT	= BIT(4),	/* vmap(VM_DMA_COHERENT): "dma-coherent" */
	ALTMM_VM_VPAGES		= BIT(5),	/* its page array is vmalloc'ed: "vpages" */
	ALTMM_VM_PUT_PAGES	= BIT(6),	/* vmap(VM_MAP_PUT_PAGES): vfree() drops pages */
	ALTMM_VM_MAP_RAM	= BIT(7),	/* vm_map_ram(): a "vm_map_ram" line */
	ALTMM_VM_PAGE_ARRAY	= BIT(8),	/* it is another area's page array */
};

/* The flag words of 6.1's s_show(), in its order. */
static const struct {
	unsigned int flag;
	const char *word;
} vm_flag_words[] = {
	{ ALTMM_VM_IOREMAP,	 "ioremap" },
	{ ALTMM_VM_ALLOC,	 "vmalloc" },
	{ ALTMM_VM_MAP,		 "vmap" },
	{ ALTMM_VM_USERMAP,	 "user" },
	{ ALTMM_VM_DMA_COHERENT, "dma-coherent" },
	{ ALTMM_VM_VPAGES,	 "vpages" },
};

/* The kernel's vmap() flags altmm takes, and what they become. */
static const struct {
	unsigned long vm;
	unsigned int flag;
} vmap_flags[] = {
	{ VM_IOREMAP,		ALTMM_VM_IOREMAP },
	{ VM_MAP,		ALTMM_VM_MAP },
	{ VM_USERMAP,		ALTMM_VM_USERMAP },
	{ VM_DMA_COHERENT,	ALTMM_VM_DMA_COHERENT },
	{ VM_MAP_PUT_PAGES,	ALTMM_VM_PUT_PAGES },
};

/* Areas that hold their pages: "pages=" and the node counts are shown. */
#define ALTMM_VM_OWNS_PAGES	(ALTMM_VM_ALLOC | ALTMM_VM_PUT_PAGES)

/* Page arrays up to this size are kmalloc'ed, larger ones vmalloc'ed (6.1). */
#define ALTMM_VM_ARRAY_KMALLOC_MAX	PAGE_SIZE
/* Recent frees remembered to tell a double vfree() from a stray pointer. */
#define ALTMM_VM_FREED_RING		32
/* Frames allocated or freed between two chances to reschedule. */
#define ALTMM_VM_RESCHED_BATCH		512
/* The largest alignment the host's VM_IOREMAP ranges give. */
#define ALTMM_VM_MAX_ALIGN		BIT(IOREMAP_MAX_ORDER)

/**
 * struct altmm_vm_area - one vmalloc area (the kernel's vm_struct)
 * @node: in &altmm_vmalloc_state.areas, by @addr, while the area is live
 * @free_node: on &altmm_vmalloc_state.deferred after an atomic vfree()
 * @addr: first byte of the mapping
 * @size: bytes of the mapping and its guard page (none for vm_map_ram())
 * @nr_pages: pages mapped
 * @pages: the pages, in address order; NULL for a vmap() that did not
 *	hand its array over (VM_MAP_PUT_PAGES) and for vm_map_ram()
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
 * @sink: the host page that pads an aligned area's range (see the head)
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
	struct page *sink;
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

static void count_nodes(struct altmm_system *sys, struct altmm_vm_area *area)
{
	unsigned int i;
	int nid;

	for (i = 0; i < area->nr_pages; i++) {
		nid = page_nid(sys, area->pages[i]);
		if (nid >= 0)
			area->nr_node[nid]++;
	}
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
			  unsigned long align, gfp_t gfp, int nid,
			  unsigned long caller, unsigned int flags);
static void vfree_page_array(struct altmm_system *sys, struct page **pages);
static bool owns_vmalloc(struct altmm_system *sys, const void *addr);

static void free_page_array(struct altmm_system *sys, struct altmm_vm_area *area)
{
	if (area->flags & ALTMM_VM_VPAGES)
		vfree_page_array(sys, area->pages);
	else
		altmm_sys_kfree(sys, area->pages, area->caller);
}

/*
 * vfree() of a VM_MAP_PUT_PAGES area: one reference per page and the
 * array itself were handed over, each is given back to its owner.
 */
static void put_caller_pages(struct altmm_system *sys, struct altmm_vm_area *area)
{
	unsigned long pfn;
	unsigned int i;

	for (i = 0; i < area->nr_pages; i++) {
		if (altmm_host_page_to_pfn(sys, area->pages[i], &pfn))
			altmm_sys_free_pages(sys, area->pages[i], 0, false);
		else
			__free_page(area->pages[i]);
		if (!((i + 1) % ALTMM_VM_RESCHED_BATCH))
			cond_resched();
	}
	if (owns_vmalloc(sys, area->pages))
		altmm_sys_vfree(sys, area->pages);
	else if (altmm_virt_to_pfn(sys, area->pages, &pfn))
		altmm_sys_kfree(sys, area->pages, area->caller);
	else
		kvfree(area->pages);
}

/* Unmap an area that is out of the tree and give everything back. */
static void release_area(struct altmm_system *sys, struct altmm_vm_area *area)
{
	might_sleep();
	if (area->flags & ALTMM_VM_MAP_RAM)
		vm_unmap_ram(area->addr, area->nr_pages);
	else
		vunmap(area->addr);
	if (area->flags & ALTMM_VM_ALLOC) {
		free_area_pages(sys, area->pages, area->nr_pages);
		atomic_long_sub(area->nr_pages, &sys->vmalloc->nr_pages);
		free_page_array(sys, area);
	} else if (area->flags & ALTMM_VM_PUT_PAGES) {
		put_caller_pages(sys, area);
	}
	altmm_sys_kfree(sys, area, area->caller);
}

/* Fill @area->pages with frames; false (nothing kept) if one is missing. */
static bool fill_area(struct altmm_system *sys, struct altmm_vm_area *area,
		      gfp_t gfp, int nid)
{
	gfp_t page_gfp = gfp | __GFP_NOWARN;
	unsigned int i;

	if (!(gfp & (GFP_DMA | GFP_DMA32)))
		page_gfp |= __GFP_HIGHMEM;
	for (i = 0; i < area->nr_pages; i++) {
		struct page *page = altmm_sys_alloc_pages(sys, page_gfp, 0, nid);

		if (!page) {
			free_area_pages(sys, area->pages, i);
			return false;
		}
		area->pages[i] = page;
		if (!((i + 1) % ALTMM_VM_RESCHED_BATCH))
			cond_resched();
	}
	count_nodes(sys, area);
	return true;
}

/* The record alone, zeroed: what vmap() and vm_map_ram() keep. */
static struct altmm_vm_area *new_record(struct altmm_system *sys,
					unsigned int nr_pages, gfp_t gfp, int nid,
					unsigned long caller, unsigned int flags)
{
	gfp_t nested_gfp = (gfp & ALTMM_GFP_RECLAIM_MASK) | __GFP_ZERO;
	struct altmm_vm_area *area;

	area = altmm_sys_kmalloc(sys, sizeof(*area), nested_gfp, nid, caller);
	if (!area)
		return NULL;
	area->nr_pages = nr_pages;
	area->size = ((unsigned long)nr_pages + 1) << PAGE_SHIFT;
	if (flags & ALTMM_VM_MAP_RAM)
		area->size -= PAGE_SIZE;
	area->caller = caller;
	area->flags = flags;
	RB_CLEAR_NODE(&area->node);
	return area;
}

/* The record and its page array; NULL if either cannot be had. */
static struct altmm_vm_area *new_area(struct altmm_system *sys,
				      unsigned int nr_pages, gfp_t gfp, int nid,
				      unsigned long caller, unsigned int flags)
{
	gfp_t nested_gfp = (gfp & ALTMM_GFP_RECLAIM_MASK) | __GFP_ZERO;
	size_t array_size = (size_t)nr_pages * sizeof(struct page *);
	struct altmm_vm_area *area;

	area = new_record(sys, nr_pages, gfp, nid, caller, flags);
	if (!area)
		return NULL;
	if (array_size > ALTMM_VM_ARRAY_KMALLOC_MAX) {
		area->pages = vmalloc_area(sys, array_size, 1, nested_gfp, nid,
					   caller, ALTMM_VM_ALLOC | ALTMM_VM_PAGE_ARRAY);
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

/*
 * Map @area's frames at an address aligned to @align (a power of two up
 * to ALTMM_VM_MAX_ALIGN): the host's VM_IOREMAP range is aligned to the
 * power of two above its size, so a range shorter than @align is padded
 * with the sink page up to @align.
 */
static void *map_aligned(struct altmm_system *sys, struct altmm_vm_area *area,
			 unsigned long align)
{
	unsigned int nr = area->nr_pages, want = align >> PAGE_SHIFT, i;
	struct page **padded;
	void *addr;

	if (align <= PAGE_SIZE)
		return vmap(area->pages, nr, VM_MAP, PAGE_KERNEL);
	if (nr >= want)
		return vmap(area->pages, nr, VM_MAP | VM_IOREMAP, PAGE_KERNEL);
	padded = kvmalloc_array(want, sizeof(*padded), GFP_KERNEL);
	if (!padded)
		return NULL;
	memcpy(padded, area->pages, nr * sizeof(*padded));
	for (i = nr; i < want; i++)
		padded[i] = sys->vmalloc->sink;
	addr = vmap(padded, want, VM_MAP | VM_IOREMAP, PAGE_KERNEL);
	kvfree(padded);
	return addr;
}

static void insert_area(struct altmm_vmalloc_state *vs, struct altmm_vm_area *area)
{
	unsigned long irqflags;

	spin_lock_irqsave(&vs->lock, irqflags);
	__insert_area(vs, area);
	spin_unlock_irqrestore(&vs->lock, irqflags);
}

/* __vmalloc_node_range(): checks done by the caller, @size > 0. */
static void *vmalloc_area(struct altmm_system *sys, unsigned long size,
			  unsigned long align, gfp_t gfp, int nid,
			  unsigned long caller, unsigned int flags)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	unsigned int nr_pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	struct altmm_vm_area *area;

	area = new_area(sys, nr_pages, gfp, nid, caller, flags);
	if (!area) {
		vmalloc_fail(sys, size, gfp, caller, "failed to allocate the page array");
		return NULL;
	}
	if (!fill_area(sys, area, gfp, nid)) {
		vmalloc_fail(sys, size, gfp, caller, "page order 0, failed to allocate pages");
		goto free_area;
	}
	area->addr = map_aligned(sys, area, align);
	if (!area->addr) {
		vmalloc_fail(sys, size, gfp, caller, "failed to map pages");
		free_area_pages(sys, area->pages, nr_pages);
		goto free_area;
	}
	atomic_long_add(nr_pages, &vs->nr_pages);
	insert_area(vs, area);
	return area->addr;

free_area:
	free_page_array(sys, area);
	altmm_sys_kfree(sys, area, caller);
	return NULL;
}

/*
 * The checks of a vmalloc request that do not depend on memory: false,
 * reported, for one that cannot be served at all.
 */
static bool vmalloc_request_ok(struct altmm_system *sys, unsigned long size,
			       unsigned long align, gfp_t gfp, int nid,
			       unsigned long caller)
{
	if (unlikely(!sys->vmalloc || !READ_ONCE(sys->ready)))
		return false;
	if (unlikely(!size)) {
		vmalloc_fail(sys, size, gfp, caller, "zero size");
		return false;
	}
	if (unlikely(size > total_pages(sys) << PAGE_SHIFT)) {
		vmalloc_fail(sys, size, gfp, caller, "exceeds total pages");
		return false;
	}
	if (unlikely(!is_power_of_2(align))) {
		vmalloc_misuse(sys,
			       "vmalloc(%lu) by %pS refused: alignment %#lx is not a power of 2\n",
			       size, (void *)caller, align);
		return false;
	}
	if (unlikely(align > ALTMM_VM_MAX_ALIGN)) {
		vmalloc_fail(sys, size, gfp, caller, "alignment beyond the host's largest");
		return false;
	}
	if (unlikely(!vmalloc_may_sleep())) {
		vmalloc_misuse(sys, "vmalloc(%lu) by %pS refused: atomic context\n",
			       size, (void *)caller);
		return false;
	}
	if (unlikely(nid != NUMA_NO_NODE &&
		     (nid < 0 || nid >= sys->layout.nr_nodes))) {
		vmalloc_misuse(sys, "vmalloc(%lu) by %pS refused: node %d of %d\n",
			       size, (void *)caller, nid, sys->layout.nr_nodes);
		return false;
	}
	return true;
}

/**
 * altmm_sys_vmalloc_node() - virtually contiguous memory on an instance's
 *	frames, aligned (__vmalloc_node_range() over the whole range)
 * @sys: instance
 * @size: bytes, rounded up to frames
 * @align: alignment of the address: a power of two, at most
 *	1 << IOREMAP_MAX_ORDER (1 for none, as vmalloc() passes)
 * @gfp: the kernel's GFP mask for the frames (GFP_KERNEL for vmalloc(),
 *	with __GFP_ZERO for vzalloc(), GFP_DMA32 for vmalloc_32());
 *	__GFP_HIGHMEM is added unless it asks for DMA or DMA32
 * @nid: preferred node, or NUMA_NO_NODE
 * @vm_flags: 0, or the kernel's VM_USERMAP for an area that
 *	remap_vmalloc_range() may map to user space (vmalloc_user())
 * @caller: who asks, for vmallocinfo
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL: for 0 bytes, more than the instance
 * manages, an alignment that is no power of two or too large, a context
 * that cannot sleep, a node that does not exist, other @vm_flags, or
 * when frames, page array or mapping cannot be had (logged unless
 * __GFP_NOWARN; bad arguments always).
 */
void *altmm_sys_vmalloc_node(struct altmm_system *sys, unsigned long size,
			     unsigned long align, gfp_t gfp, int nid,
			     unsigned long vm_flags, unsigned long caller)
{
	if (unlikely(vm_flags & ~VM_USERMAP)) {
		vmalloc_misuse(sys, "vmalloc(%lu) by %pS refused: flags %#lx\n",
			       size, (void *)caller, vm_flags);
		return NULL;
	}
	if (!vmalloc_request_ok(sys, size, align, gfp, nid, caller))
		return NULL;
	might_sleep();
	return vmalloc_area(sys, size, align, gfp, nid, caller,
			    ALTMM_VM_ALLOC | (vm_flags ? ALTMM_VM_USERMAP : 0));
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vmalloc_node, ALTMM_INTERNAL);

/**
 * altmm_sys_vmalloc() - virtually contiguous memory on an instance's
 *	frames (__vmalloc_node() with no alignment)
 * @sys: instance
 * @size: bytes, rounded up to frames
 * @gfp: the kernel's GFP mask for the frames, as altmm_sys_vmalloc_node()
 * @nid: preferred node, or NUMA_NO_NODE
 * @caller: who asks, for vmallocinfo
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL as altmm_sys_vmalloc_node() says.
 */
void *altmm_sys_vmalloc(struct altmm_system *sys, unsigned long size,
			gfp_t gfp, int nid, unsigned long caller)
{
	return altmm_sys_vmalloc_node(sys, size, 1, gfp, nid, 0, caller);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vmalloc, ALTMM_INTERNAL);

/* === vmap() and vm_map_ram() === */

/* Pages the caller brings: @count of them, none missing; reported if not. */
static bool pages_ok(struct altmm_system *sys, const char *what,
		     struct page **pages, unsigned int count, unsigned long caller)
{
	unsigned int i;

	if (unlikely(!sys->vmalloc || !READ_ONCE(sys->ready)))
		return false;
	if (unlikely(!pages || !count)) {
		vmalloc_misuse(sys, "%s(%u pages) by %pS refused: %s\n", what, count,
			       (void *)caller, pages ? "no pages" : "no page array");
		return false;
	}
	if (unlikely(count > totalram_pages())) {
		vmalloc_misuse(sys,
			       "%s(%u pages) by %pS refused: more than the host's %lu pages of RAM\n",
			       what, count, (void *)caller, totalram_pages());
		return false;
	}
	if (unlikely(!vmalloc_may_sleep())) {
		vmalloc_misuse(sys, "%s(%u pages) by %pS refused: atomic context\n",
			       what, count, (void *)caller);
		return false;
	}
	for (i = 0; i < count; i++) {
		if (unlikely(!pages[i])) {
			vmalloc_misuse(sys, "%s(%u pages) by %pS refused: page %u is NULL\n",
				       what, count, (void *)caller, i);
			return false;
		}
	}
	return true;
}

/**
 * altmm_sys_vmap() - map pages the caller has into one range (vmap())
 * @sys: instance that keeps the record
 * @pages: the pages, altmm's or the host's, in address order
 * @count: how many
 * @flags: the kernel's VM_MAP, with VM_IOREMAP, VM_USERMAP,
 *	VM_DMA_COHERENT and VM_MAP_PUT_PAGES as vmallocinfo and vfree()
 *	read them; anything else is refused
 * @prot: protection of the mapping (never executable, as 6.1)
 * @caller: who asks, for vmallocinfo
 *
 * The pages stay the caller's: altmm_sys_vunmap() removes the mapping
 * only.  With VM_MAP_PUT_PAGES the array (kmalloc or vmalloc memory) and
 * one reference per page pass to the area, and altmm_sys_vfree() gives
 * them back, each to its owner.
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL (reported: bad arguments, atomic context;
 * silent: no memory for the record or the mapping).
 */
void *altmm_sys_vmap(struct altmm_system *sys, struct page **pages,
		     unsigned int count, unsigned long flags, pgprot_t prot,
		     unsigned long caller)
{
	struct altmm_vm_area *area;
	unsigned int aflags = 0, i;
	unsigned long left = flags;

	for (i = 0; i < ARRAY_SIZE(vmap_flags); i++) {
		if (flags & vmap_flags[i].vm)
			aflags |= vmap_flags[i].flag;
		left &= ~vmap_flags[i].vm;
	}
	if (unlikely(left)) {
		vmalloc_misuse(sys, "vmap(%u pages) by %pS refused: flags %#lx not taken\n",
			       count, (void *)caller, left);
		return NULL;
	}
	if (!pages_ok(sys, "vmap", pages, count, caller))
		return NULL;
	might_sleep();
	area = new_record(sys, count, GFP_KERNEL, NUMA_NO_NODE, caller, aflags);
	if (!area)
		return NULL;
	/* The host's own flags would make its vfree() free the pages. */
	area->addr = vmap(pages, count, VM_MAP, prot);
	if (!area->addr) {
		altmm_sys_kfree(sys, area, caller);
		return NULL;
	}
	if (aflags & ALTMM_VM_PUT_PAGES) {
		area->pages = pages;
		if (is_vmalloc_addr(pages))
			area->flags |= ALTMM_VM_VPAGES;
		count_nodes(sys, area);
	}
	insert_area(sys->vmalloc, area);
	return area->addr;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vmap, ALTMM_INTERNAL);

/**
 * altmm_sys_vm_map_ram() - map pages for a short while (vm_map_ram())
 * @sys: instance that keeps the record
 * @pages: the pages, altmm's or the host's, in address order
 * @count: how many
 * @node: node for the host's bookkeeping, or NUMA_NO_NODE
 * @caller: who asks (kept, though vmallocinfo shows none, as 6.1)
 *
 * The host's vm_map_ram() maps them, from its per-CPU blocks for up to
 * VMAP_MAX_ALLOC pages; altmm's vmallocinfo shows each mapping as 6.1
 * shows the larger ones: its range, no guard page, "vm_map_ram".
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL (reported as altmm_sys_vmap()).
 */
void *altmm_sys_vm_map_ram(struct altmm_system *sys, struct page **pages,
			   unsigned int count, int node, unsigned long caller)
{
	struct altmm_vm_area *area;

	if (!pages_ok(sys, "vm_map_ram", pages, count, caller))
		return NULL;
	might_sleep();
	area = new_record(sys, count, GFP_KERNEL, NUMA_NO_NODE, caller,
			  ALTMM_VM_MAP_RAM);
	if (!area)
		return NULL;
	area->addr = vm_map_ram(pages, count, node);
	if (!area->addr) {
		altmm_sys_kfree(sys, area, caller);
		return NULL;
	}
	insert_area(sys->vmalloc, area);
	return area->addr;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vm_map_ram, ALTMM_INTERNAL);

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

/* The call that frees an area, by its kind. */
enum altmm_vm_free {
	ALTMM_VM_FREE_VFREE,
	ALTMM_VM_FREE_VUNMAP,
	ALTMM_VM_FREE_UNMAP_RAM,
	ALTMM_VM_NR_FREE
};

static const char * const vm_free_names[] = {
	[ALTMM_VM_FREE_VFREE]		= "vfree",
	[ALTMM_VM_FREE_VUNMAP]		= "vunmap",
	[ALTMM_VM_FREE_UNMAP_RAM]	= "vm_unmap_ram",
};

static_assert(ARRAY_SIZE(vm_free_names) == ALTMM_VM_NR_FREE);

/*
 * vfree() for what holds its pages; vunmap() for a vmap() that keeps
 * them with the caller.  6.1 lets either call free the other's area,
 * and then a vunmap() of a vmalloc() area leaks its pages and a vfree()
 * of a vmap() area takes the caller's mapping without a word: altmm
 * refuses both (README).
 */
static enum altmm_vm_free free_call(unsigned int flags)
{
	if (flags & ALTMM_VM_MAP_RAM)
		return ALTMM_VM_FREE_UNMAP_RAM;
	if (flags & ALTMM_VM_OWNS_PAGES)
		return ALTMM_VM_FREE_VFREE;
	return ALTMM_VM_FREE_VUNMAP;
}

/* Why @addr cannot be freed by @call (of @count pages), into @buf. */
static void __why_not(struct altmm_vmalloc_state *vs, const void *addr,
		      enum altmm_vm_free call, unsigned int count,
		      char *buf, size_t len)
{
	struct altmm_vm_area *area = __find_area(vs, addr);
	unsigned int i;

	if (area && (area->flags & ALTMM_VM_PAGE_ARRAY)) {
		scnprintf(buf, len, "altmm's own page array");
		return;
	}
	if (area && area->addr != addr) {
		scnprintf(buf, len, "inside the area %p-%p of %pS, not its start",
			  area->addr, area->addr + area->size, (void *)area->caller);
		return;
	}
	if (area && free_call(area->flags) != call) {
		scnprintf(buf, len, "the area of %pS is freed by %s()",
			  (void *)area->caller, vm_free_names[free_call(area->flags)]);
		return;
	}
	if (area) {
		scnprintf(buf, len, "the area of %pS maps %u pages", (void *)area->caller,
			  area->nr_pages);
		return;
	}
	for (i = 0; i < ALTMM_VM_FREED_RING; i++) {
		if (vs->freed[i].addr == addr) {
			scnprintf(buf, len, "double free, freed before by %pS",
				  (void *)vs->freed[i].caller);
			return;
		}
	}
	scnprintf(buf, len, "not an area altmm mapped");
}

/*
 * Take the area @addr starts out of the tree if @call frees it (with
 * @count pages for vm_unmap_ram()); NULL, reported, if not.
 */
static struct altmm_vm_area *take_area(struct altmm_system *sys, const void *addr,
				       enum altmm_vm_free call, unsigned int count,
				       unsigned long caller)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	struct altmm_vm_area *area;
	unsigned long flags;
	char why[160];

	spin_lock_irqsave(&vs->lock, flags);
	area = __find_area(vs, addr);
	if (likely(area && area->addr == addr &&
		   !(area->flags & ALTMM_VM_PAGE_ARRAY) &&
		   free_call(area->flags) == call &&
		   (call != ALTMM_VM_FREE_UNMAP_RAM || area->nr_pages == count))) {
		__remove_area(vs, area);
		vs->freed[vs->freed_next] = (struct altmm_vm_freed){ addr, caller };
		vs->freed_next = (vs->freed_next + 1) % ALTMM_VM_FREED_RING;
	} else {
		/* Formatting %pS here takes no lock: kallsyms is lock-free. */
		__why_not(vs, addr, call, count, why, sizeof(why));
		area = NULL;
	}
	spin_unlock_irqrestore(&vs->lock, flags);

	if (unlikely(!area))
		vmalloc_misuse(sys, "%s(%p) by %pS refused: %s\n", vm_free_names[call],
			       addr, (void *)caller, why);
	return area;
}

static int vfree_caller(struct altmm_system *sys, const void *addr,
			unsigned long caller)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	struct altmm_vm_area *area;

	if (unlikely(!addr))
		return 0;
	if (unlikely(!vs || in_nmi())) {
		vmalloc_misuse(sys, "vfree(%p) by %pS refused: %s\n", addr,
			       (void *)caller, vs ? "NMI context" : "no vmalloc layer");
		return -EINVAL;
	}
	area = take_area(sys, addr, ALTMM_VM_FREE_VFREE, 0, caller);
	if (unlikely(!area))
		return -EINVAL;
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
 * Frees a vmalloc area with its frames, or a VM_MAP_PUT_PAGES vmap()
 * with the pages and array handed over.  The area leaves the lookup at
 * once; where vunmap() cannot run (interrupt context, interrupts off,
 * preemption disabled) unmapping and freeing the frames wait for a work
 * item (altmm_vmalloc_flush()).  An address that is not the start of
 * such an area - a foreign or kmalloc pointer, an interior one, a plain
 * vmap() or vm_map_ram() area, a second vfree() - is reported
 * (rate-limited) and refused.
 *
 * Context: any but NMI.
 * Return: 0 (freed or queued), or -EINVAL if refused.
 */
int altmm_sys_vfree(struct altmm_system *sys, const void *addr)
{
	return vfree_caller(sys, addr, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vfree, ALTMM_INTERNAL);

/* vunmap() and vm_unmap_ram(): unmap at once, in a context that may sleep. */
static int unmap_caller(struct altmm_system *sys, const void *addr,
			enum altmm_vm_free call, unsigned int count,
			unsigned long caller)
{
	struct altmm_vm_area *area;

	if (unlikely(!addr && call == ALTMM_VM_FREE_VUNMAP))
		return 0;
	if (unlikely(!sys->vmalloc || !addr || !vmalloc_may_sleep())) {
		vmalloc_misuse(sys, "%s(%p) by %pS refused: %s\n", vm_free_names[call],
			       addr, (void *)caller, !sys->vmalloc ? "no vmalloc layer" :
			       !addr ? "NULL" : "atomic context");
		return -EINVAL;
	}
	area = take_area(sys, addr, call, count, caller);
	if (unlikely(!area))
		return -EINVAL;
	release_area(sys, area);
	return 0;
}

/**
 * altmm_sys_vunmap() - remove what altmm_sys_vmap() mapped (vunmap())
 * @sys: instance
 * @addr: the address, or NULL
 *
 * The pages stay the caller's.  Anything but the start of a live vmap()
 * area without VM_MAP_PUT_PAGES (which vfree() frees) is reported and
 * refused, as is a call from atomic context.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EINVAL if refused.
 */
int altmm_sys_vunmap(struct altmm_system *sys, const void *addr)
{
	return unmap_caller(sys, addr, ALTMM_VM_FREE_VUNMAP, 0, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vunmap, ALTMM_INTERNAL);

/**
 * altmm_sys_vm_unmap_ram() - remove what altmm_sys_vm_map_ram() mapped
 *	(vm_unmap_ram())
 * @sys: instance
 * @mem: the address
 * @count: the count it was mapped with; a part cannot be unmapped
 *
 * Where 6.1 BUG()s on a bad address, altmm reports and refuses.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EINVAL if refused.
 */
int altmm_sys_vm_unmap_ram(struct altmm_system *sys, const void *mem,
			   unsigned int count)
{
	return unmap_caller(sys, mem, ALTMM_VM_FREE_UNMAP_RAM, count, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vm_unmap_ram, ALTMM_INTERNAL);

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

/* === vmalloc_to_page(), ownership, user mappings === */

/*
 * The page behind @addr if it is in one of @sys's areas: *@page set
 * (NULL in the guard page) and true; false for an address no area has.
 */
static bool area_page(struct altmm_system *sys, const void *addr,
		      struct page **page)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	struct altmm_vm_area *area;
	unsigned long flags, idx;
	bool host_walk = false;

	if (!vs || !is_vmalloc_addr(addr))
		return false;
	spin_lock_irqsave(&vs->lock, flags);
	area = __find_area(vs, addr);
	if (area) {
		idx = (addr - area->addr) >> PAGE_SHIFT;
		*page = NULL;
		if (idx < area->nr_pages && area->pages)
			*page = area->pages[idx];
		else if (idx < area->nr_pages)
			host_walk = true;
	}
	spin_unlock_irqrestore(&vs->lock, flags);
	/* A vmap() keeps no array: its page is in the page table. */
	if (host_walk)
		*page = vmalloc_to_page(addr);
	return area;
}

/**
 * altmm_sys_vmalloc_to_page() - the page behind a vmalloc address
 *	(vmalloc_to_page())
 * @sys: instance
 * @addr: an address in a vmalloc, vmap() or vm_map_ram() area, or any
 *	address the kernel's vmalloc_to_page() takes
 *
 * For @sys's vmalloc areas the answer comes from the area's own array:
 * the host struct page of the altmm frame, NULL in the guard page.  Any
 * other address is the host's to answer.
 *
 * Context: any.
 * Return: the page, or NULL where nothing is mapped.
 */
struct page *altmm_sys_vmalloc_to_page(struct altmm_system *sys, const void *addr)
{
	struct page *page;

	if (area_page(sys, addr, &page))
		return page;
	return vmalloc_to_page(addr);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vmalloc_to_page, ALTMM_INTERNAL);

/* Is @addr in a live area of @sys? */
static bool owns_vmalloc(struct altmm_system *sys, const void *addr)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	unsigned long flags;
	bool owned;

	if (!vs || !is_vmalloc_addr(addr))
		return false;
	spin_lock_irqsave(&vs->lock, flags);
	owned = __find_area(vs, addr);
	spin_unlock_irqrestore(&vs->lock, flags);
	return owned;
}

/* Was @addr the start of an area of @sys freed lately? */
static bool freed_lately(struct altmm_system *sys, const void *addr)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	unsigned long flags;
	bool found = false;
	unsigned int i;

	spin_lock_irqsave(&vs->lock, flags);
	for (i = 0; i < ALTMM_VM_FREED_RING && !found; i++)
		found = vs->freed[i].addr == addr;
	spin_unlock_irqrestore(&vs->lock, flags);
	return found;
}

/**
 * altmm_sys_vmalloc_owns() - is an address in one of an instance's areas
 * @sys: instance
 * @addr: any address
 *
 * True for every area altmm made: vmalloc, vmap() of any pages and
 * vm_map_ram(), guard page included; false for the host's own areas,
 * even where they map altmm's pages.  Also true for the start of an area
 * altmm freed lately where nothing is mapped now, so that a second free
 * comes to altmm and is reported there, not WARNed by the host.  This is
 * what tells the compatibility header's frees whose call to make.
 *
 * Context: any.
 * Return: whether @addr is altmm's to free, or to refuse.
 */
bool altmm_sys_vmalloc_owns(struct altmm_system *sys, const void *addr)
{
	if (owns_vmalloc(sys, addr))
		return true;
	return sys->vmalloc && is_vmalloc_addr(addr) && freed_lately(sys, addr) &&
	       !vmalloc_to_page(addr);
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_vmalloc_owns, ALTMM_INTERNAL);

/**
 * altmm_sys_remap_vmalloc_range() - map a user-mappable area into a user
 *	VMA (remap_vmalloc_range())
 * @sys: instance
 * @vma: the VMA, all of which is filled
 * @addr: an address in an area made with VM_USERMAP (vmalloc_user(),
 *	vmalloc_32_user(), vmap(VM_USERMAP)) or VM_DMA_COHERENT, page-aligned
 * @pgoff: pages into the area from @addr where the VMA starts
 *
 * Each page goes in with vm_insert_page(), which takes a reference the
 * VMA drops when it goes; an area vfree()d while it is still mapped has
 * its frames refused back by the page allocator (the host holds them),
 * where 6.1 would let the last unmap free them.
 *
 * Context: process context, with the mm's mmap lock held (an mmap handler).
 * Return: 0, or -EINVAL (reported) for an address in no such area or a
 * VMA larger than what the area has from there; vm_insert_page()'s error.
 */
int altmm_sys_remap_vmalloc_range(struct altmm_system *sys,
				  struct vm_area_struct *vma, void *addr,
				  unsigned long pgoff)
{
	struct altmm_vmalloc_state *vs = sys->vmalloc;
	unsigned long size = vma->vm_end - vma->vm_start, uaddr = vma->vm_start;
	unsigned long flags, off, end, first = 0, i;
	struct altmm_vm_area *area = NULL;
	struct page **pages = NULL;
	const char *why = NULL;
	int ret;

	if (check_shl_overflow(pgoff, PAGE_SHIFT, &off) || !PAGE_ALIGNED(addr))
		why = "unaligned or offset too large";
	if (!why && vs) {
		spin_lock_irqsave(&vs->lock, flags);
		area = __find_area(vs, addr);
		if (!area || (area->flags & ALTMM_VM_MAP_RAM))
			why = "not in an area altmm mapped";
		else if (!(area->flags & (ALTMM_VM_USERMAP | ALTMM_VM_DMA_COHERENT)))
			why = "the area is not VM_USERMAP";
		else if (check_add_overflow((unsigned long)(addr - area->addr), off, &end) ||
			 check_add_overflow(end, size, &end) ||
			 end > ((unsigned long)area->nr_pages << PAGE_SHIFT))
			why = "the VMA is larger than the area";
		if (!why) {
			first = (addr - area->addr + off) >> PAGE_SHIFT;
			pages = area->pages;
		}
		spin_unlock_irqrestore(&vs->lock, flags);
	} else if (!why) {
		why = "no vmalloc layer";
	}
	if (why) {
		vmalloc_misuse(sys, "remap_vmalloc_range(%p, pgoff %lu, %lu bytes) refused: %s\n",
			       addr, pgoff, size, why);
		return -EINVAL;
	}

	/* The area stays while it is mapped: the caller's to ensure, as in 6.1. */
	for (i = 0; i < size >> PAGE_SHIFT; i++, uaddr += PAGE_SIZE) {
		struct page *page = pages ? pages[first + i] :
			vmalloc_to_page(addr + off + (i << PAGE_SHIFT));

		ret = vm_insert_page(vma, uaddr, page);
		if (ret)
			return ret;
	}
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_remap_vmalloc_range, ALTMM_INTERNAL);

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

/*
 * s_show() of 6.1: a vm_map_ram() line is its range and the word alone;
 * any other area has its caller, "pages=" where it holds pages, its
 * flag words in 6.1's order, and N<nid>= for altmm's nodes.
 */
static int vmallocinfo_show(struct seq_file *m, void *v)
{
	struct vmallocinfo_iter *it = m->private;
	const struct altmm_vm_area *a = v;
	unsigned int i;
	int nid;

	if (a->flags & ALTMM_VM_MAP_RAM) {
		seq_printf(m, "0x%pK-0x%pK %7ld vm_map_ram\n", a->addr,
			   a->addr + a->size, a->size);
		return 0;
	}
	seq_printf(m, "0x%pK-0x%pK %7ld", a->addr, a->addr + a->size, a->size);
	if (a->caller)
		seq_printf(m, " %pS", (void *)a->caller);
	if (a->flags & ALTMM_VM_OWNS_PAGES)
		seq_printf(m, " pages=%d", a->nr_pages);
	for (i = 0; i < ARRAY_SIZE(vm_flag_words); i++)
		if (a->flags & vm_flag_words[i].flag)
			seq_printf(m, " %s", vm_flag_words[i].word);
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
	/* The host's: it is no frame of the instance, and never freed early. */
	vs->sink = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vs->sink) {
		kfree(vs);
		return -ENOMEM;
	}
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

/*
 * The first live area with all of @must that is not a page array, out of
 * the tree; or NULL.
 */
static struct altmm_vm_area *take_leftover(struct altmm_vmalloc_state *vs,
					   unsigned int must)
{
	struct altmm_vm_area *area = NULL;
	unsigned long flags;
	struct rb_node *n;

	spin_lock_irqsave(&vs->lock, flags);
	for (n = rb_first(&vs->areas); n; n = rb_next(n)) {
		area = rb_entry(n, struct altmm_vm_area, node);
		if (!(area->flags & ALTMM_VM_PAGE_ARRAY) && (area->flags & must) == must)
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
	/* A VM_MAP_PUT_PAGES array may be a leftover vmalloc area: those first. */
	while ((area = take_leftover(vs, ALTMM_VM_PUT_PAGES)) ||
	       (area = take_leftover(vs, 0))) {
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
	__free_page(vs->sink);
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

/**
 * __altmm_vmalloc() - virtually contiguous memory with a GFP mask (__vmalloc())
 * @size: bytes
 * @gfp: the kernel's GFP mask for the frames
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *__altmm_vmalloc(unsigned long size, gfp_t gfp)
{
	return altmm_sys_vmalloc_node(altmm_default_sys, size, 1, gfp,
				      NUMA_NO_NODE, 0, _RET_IP_);
}
EXPORT_SYMBOL_GPL(__altmm_vmalloc);

/**
 * __altmm_vmalloc_node() - aligned virtually contiguous memory
 *	(__vmalloc_node())
 * @size: bytes
 * @align: alignment of the address, a power of two; altmm honours up to
 *	1 << IOREMAP_MAX_ORDER (1 GiB on x86-64) and fails above
 * @gfp: the kernel's GFP mask for the frames
 * @node: preferred node, or NUMA_NO_NODE
 * @caller: who asks, for vmallocinfo
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *__altmm_vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp,
			   int node, const void *caller)
{
	return altmm_sys_vmalloc_node(altmm_default_sys, size, align, gfp, node,
				      0, (unsigned long)caller);
}
EXPORT_SYMBOL_GPL(__altmm_vmalloc_node);

/**
 * altmm_vmalloc_user() - zeroed memory that may be mapped to user space
 *	(vmalloc_user())
 * @size: bytes
 *
 * The area is VM_USERMAP: altmm_remap_vmalloc_range() maps it.
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vmalloc_user(unsigned long size)
{
	return altmm_sys_vmalloc_node(altmm_default_sys, size, SHMLBA,
				      GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE,
				      VM_USERMAP, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vmalloc_user);

/**
 * altmm_vmalloc_32() - virtually contiguous memory on frames below 4 GiB
 *	of altmm's space (vmalloc_32())
 * @size: bytes
 *
 * The frames come from altmm's DMA32 zone (or DMA, its fallback), not
 * from HighMem or Normal.
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vmalloc_32(unsigned long size)
{
	return altmm_sys_vmalloc_node(altmm_default_sys, size, 1,
				      GFP_KERNEL | GFP_DMA32, NUMA_NO_NODE, 0,
				      _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vmalloc_32);

/**
 * altmm_vmalloc_32_user() - zeroed, user-mappable memory on DMA32 frames
 *	(vmalloc_32_user())
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vmalloc_32_user(unsigned long size)
{
	return altmm_sys_vmalloc_node(altmm_default_sys, size, SHMLBA,
				      GFP_KERNEL | GFP_DMA32 | __GFP_ZERO,
				      NUMA_NO_NODE, VM_USERMAP, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vmalloc_32_user);

/**
 * altmm_remap_vmalloc_range() - map a user-mappable area into a user VMA
 *	(remap_vmalloc_range())
 * @vma: the VMA, filled whole
 * @addr: the area (from altmm_vmalloc_user() or altmm_vmalloc_32_user())
 * @pgoff: pages into the area where the VMA starts
 *
 * Context: an mmap handler (process context, mmap lock held).
 * Return: 0, or -EINVAL (reported), or vm_insert_page()'s error.
 */
int altmm_remap_vmalloc_range(struct vm_area_struct *vma, void *addr,
			      unsigned long pgoff)
{
	return altmm_sys_remap_vmalloc_range(altmm_default_sys, vma, addr, pgoff);
}
EXPORT_SYMBOL_GPL(altmm_remap_vmalloc_range);

/**
 * altmm_vmap() - map pages into one virtually contiguous range (vmap())
 * @pages: the pages, altmm's or the host's
 * @count: how many
 * @flags: VM_MAP, optionally with VM_IOREMAP, VM_USERMAP, VM_DMA_COHERENT
 *	or VM_MAP_PUT_PAGES
 * @prot: protection of the mapping
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vmap(struct page **pages, unsigned int count, unsigned long flags,
		 pgprot_t prot)
{
	return altmm_sys_vmap(altmm_default_sys, pages, count, flags, prot, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vmap);

/**
 * altmm_vunmap() - remove a mapping altmm_vmap() made (vunmap())
 * @addr: the address, or NULL
 *
 * Context: process context; may sleep.
 */
void altmm_vunmap(const void *addr)
{
	unmap_caller(altmm_default_sys, addr, ALTMM_VM_FREE_VUNMAP, 0, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vunmap);

/**
 * altmm_vm_map_ram() - map pages for a short while (vm_map_ram())
 * @pages: the pages, altmm's or the host's
 * @count: how many
 * @node: node for the host's bookkeeping, or NUMA_NO_NODE
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *altmm_vm_map_ram(struct page **pages, unsigned int count, int node)
{
	return altmm_sys_vm_map_ram(altmm_default_sys, pages, count, node, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vm_map_ram);

/**
 * altmm_vm_unmap_ram() - remove a mapping altmm_vm_map_ram() made
 *	(vm_unmap_ram())
 * @mem: the address
 * @count: the count it was mapped with
 *
 * Context: process context; may sleep.
 */
void altmm_vm_unmap_ram(const void *mem, unsigned int count)
{
	unmap_caller(altmm_default_sys, mem, ALTMM_VM_FREE_UNMAP_RAM, count, _RET_IP_);
}
EXPORT_SYMBOL_GPL(altmm_vm_unmap_ram);

/**
 * altmm_vmalloc_to_page() - the page behind a vmalloc address
 *	(vmalloc_to_page())
 * @addr: an address in an altmm area, or any the kernel's
 *	vmalloc_to_page() takes
 *
 * Context: any.
 * Return: the host struct page (of the altmm frame, in altmm's areas), or
 * NULL where nothing is mapped.
 */
struct page *altmm_vmalloc_to_page(const void *addr)
{
	return altmm_sys_vmalloc_to_page(altmm_default_sys, addr);
}
EXPORT_SYMBOL_GPL(altmm_vmalloc_to_page);

/**
 * altmm_vmalloc_to_pfn() - the host pfn behind a vmalloc address
 *	(vmalloc_to_pfn())
 * @addr: as altmm_vmalloc_to_page()
 *
 * Context: any.
 * Return: the pfn, or 0 where nothing is mapped.
 */
unsigned long altmm_vmalloc_to_pfn(const void *addr)
{
	struct page *page = altmm_sys_vmalloc_to_page(altmm_default_sys, addr);

	return page ? page_to_pfn(page) : 0;
}
EXPORT_SYMBOL_GPL(altmm_vmalloc_to_pfn);
