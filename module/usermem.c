// SPDX-License-Identifier: GPL-2.0
/*
 * User-memory objects: memory that processes map through /dev/altmm
 * (dev.c), on altmm frames, with the life cycle 6.1 gives an anonymous
 * page, or, for an object given a backing file, a page cache page
 * (filemap.c has what only those do).
 *
 * What altmm keeps of 6.1 (mm/memory.c do_anonymous_page() and
 * do_swap_page(), mm/swap.c, mm/workingset.c):
 *   - a page is allocated on the first touch of its offset, with
 *     GFP_HIGHUSER_MOVABLE, on the object's node or, by default, the
 *     faulting CPU's; it is zeroed and goes on the node's inactive anon
 *     list (anonymous pages start inactive since 5.9);
 *   - a page reclaim wrote to swap leaves its slot in the object's tree
 *     where the page was, as a swap entry replaces a PTE; the next fault
 *     on it reads the slot into a new page (a major fault: pgmajfault,
 *     pswpin) and puts the page on the active list when its refault
 *     distance says it would have stayed with more memory
 *     (workingset_refault_anon, workingset_activate_anon);
 *   - a write fault frees the slot; a read fault keeps the page in the
 *     swap cache with its slot, and reclaim writes it there again only
 *     if a PTE dirtied it meanwhile (unmap_mapping_pages() moves the
 *     dirty bit to the host page, as try_to_unmap() does);
 *   - AnonPages counts the resident pages, the LRU sizes the pages on each
 *     list, as NR_ANON_MAPPED and NR_LRU_BASE do.
 * A file-backed object's pages go on the file lists, count as
 * NR_FILE_PAGES ("Cached"), are read from the file on a fault and, when
 * reclaim evicts them clean, leave a shadow entry whose refault distance
 * decides as for anon (workingset_refault_file, workingset_activate_file).
 * What it does not keep: the zero page for read faults (a read allocates),
 * copy-on-write (an object is shared by every mapping and every fork, like
 * a MAP_SHARED region of shmem), anon_vma, and the read-only PTE that
 * makes 6.1 free a swap cache page's slot at its first write.
 *
 * Locking: &altmm_uobj.lock is taken inside the faulting task's
 * mmap_lock and outside i_mmap_rwsem, the LRU lock and page table locks.
 * No frame is allocated under it: a fault allocates (and, for a first
 * touch, zeroes) first and looks again.  Reclaim trylocks it, so that an
 * allocation made under mmap_lock never waits for an object lock inside
 * reclaim; a page whose object is locked is scanned and kept, so the
 * lock is held as briefly as can be.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "usermem.h"

/**
 * altmm_user_desc() - the descriptor of a host page of the arena
 * @sys: instance
 * @page: a host page
 *
 * Return: its descriptor, or NULL when @page is not one of @sys's frames.
 */
struct altmm_page *altmm_user_desc(struct altmm_system *sys, struct page *page)
{
	unsigned long pfn;

	if (!altmm_host_page_to_pfn(sys, page, &pfn))
		return NULL;
	return altmm_pfn_to_desc(sys, pfn);
}
EXPORT_SYMBOL_NS_GPL(altmm_user_desc, ALTMM_INTERNAL);

/**
 * altmm_user_zone() - the zone of a host page of the arena
 * @sys: instance
 * @page: one of its frames
 */
struct altmm_zone *altmm_user_zone(struct altmm_system *sys, struct page *page)
{
	unsigned long pfn;

	if (WARN_ON_ONCE(!altmm_host_page_to_pfn(sys, page, &pfn)))
		return NULL;
	return altmm_pfn_to_zone(sys, pfn);
}
EXPORT_SYMBOL_NS_GPL(altmm_user_zone, ALTMM_INTERNAL);

static struct altmm_node *page_node(struct altmm_system *sys, struct page *page)
{
	return altmm_user_zone(sys, page)->node;
}

/* NR_ANON_MAPPED or NR_FILE_PAGES, as the object is. */
static void mod_resident(struct altmm_uobj *obj, struct page *page, long delta)
{
	atomic_long_add(delta, &page_node(obj->sys, page)->vm_stat[obj->backing ?
								 ALTMM_NR_FILE_PAGES :
								 ALTMM_NR_ANON_MAPPED]);
}

/*
 * The swap cache (6.1's mm/swap_state.c), as far as a synchronous swap
 * device needs one: a page read back from swap by a read fault keeps its
 * slot, which still holds its contents, so that reclaim can drop it
 * again without writing as long as no PTE has written to it since.  The
 * slot is in the descriptor's private word; the page counts in
 * nr_swapcached and nr_file_pages (meminfo's SwapCached, which Cached
 * leaves out), as add_to_swap_cache() counts it.  Both under @obj->lock.
 */
static void swapcache_count(struct altmm_node *node, long delta)
{
	atomic_long_add(delta, &node->vm_stat[ALTMM_NR_SWAPCACHE]);
	atomic_long_add(delta, &node->vm_stat[ALTMM_NR_FILE_PAGES]);
}

static void swapcache_add(struct altmm_uobj *obj, struct page *page, unsigned long slot)
{
	struct altmm_page *d = altmm_user_desc(obj->sys, page);

	d->private = slot;
	set_bit(ALTMM_PG_swapcache, &d->flags);
	obj->nr_swapcache++;
	swapcache_count(page_node(obj->sys, page), 1);
}

/*
 * __delete_from_swap_cache(): the page leaves the swap cache.  Returns
 * its slot, which is now the caller's: to free (folio_free_swap()) or to
 * put in the page's place (__remove_mapping()).
 */
static unsigned long swapcache_del(struct altmm_uobj *obj, struct page *page)
{
	struct altmm_page *d = altmm_user_desc(obj->sys, page);
	unsigned long slot = d->private;

	clear_bit(ALTMM_PG_swapcache, &d->flags);
	d->private = 0;
	obj->nr_swapcache--;
	swapcache_count(page_node(obj->sys, page), -1);
	return slot;
}

/* folio_free_swap(): out of the swap cache, its slot freed. */
static void swapcache_free(struct altmm_uobj *obj, struct page *page)
{
	altmm_swap_free(obj->sys->usermem->swap, swapcache_del(obj, page));
}

static bool in_swapcache(struct altmm_system *sys, struct page *page)
{
	return test_bit(ALTMM_PG_swapcache, &altmm_user_desc(sys, page)->flags);
}

/* vm_swap_full(): half the area in use, when 6.1 stops keeping swap cache. */
static bool swap_full(struct altmm_swap *swap)
{
	return altmm_swap_free_slots(swap) * 2 < altmm_swap_total(swap);
}

/*
 * A swapped-out offset's entry in an object's tree: the slot, the node
 * the page was evicted from and that node's workingset clock at the
 * time, packed into an xa_value as 6.1 packs a shadow entry (the clock
 * keeps its low bits; distances are taken modulo them).  An evicted file
 * page's entry is the same with slot 0: a shadow.
 */
#define SLOT_BITS	28	/* a swap area of up to 1 TiB */
#define NID_BITS	3
#define EVICTION_BITS	(BITS_PER_XA_VALUE - SLOT_BITS - NID_BITS)
#define EVICTION_MASK	(~0UL >> (BITS_PER_LONG - EVICTION_BITS))

static_assert(ALTMM_MAX_NUMNODES <= (1 << NID_BITS));
static_assert(EVICTION_BITS >= 16, "too few bits for a workingset clock");

static void *pack_swap_entry(unsigned long slot, int nid, unsigned long eviction)
{
	return xa_mk_value(slot | ((unsigned long)nid << SLOT_BITS) |
			   ((eviction & EVICTION_MASK) << (SLOT_BITS + NID_BITS)));
}

static unsigned long entry_slot(void *entry)
{
	return xa_to_value(entry) & (BIT(SLOT_BITS) - 1);
}

static int entry_nid(void *entry)
{
	return (xa_to_value(entry) >> SLOT_BITS) & (BIT(NID_BITS) - 1);
}

static unsigned long entry_eviction(void *entry)
{
	return xa_to_value(entry) >> (SLOT_BITS + NID_BITS);
}

/*
 * workingset_refault() for a page coming back from swap or its file: the
 * pages evicted or activated on its node since it left is its refault
 * distance; had the node had that much more memory for it, the page
 * would still be resident, so it goes straight to the active list.  The
 * memory it competes with is, as in 6.1, the active file list, the
 * inactive file list too for an anon page, and the anon lists (only the
 * active one for an anon page) when there is swap room.  Counts
 * workingset_refault_* and, when it activates, workingset_activate_*.
 * Returns whether it does.
 */
static bool refault_activates(struct altmm_system *sys, void *entry, bool file)
{
	struct altmm_node *node = sys->nodes[entry_nid(entry)];
	struct altmm_swap *swap = sys->usermem->swap;
	unsigned long refault, distance, workingset;
	int nid = node->nid;

	refault = atomic_long_read(&node->lruvec.nonresident_age);
	distance = (refault - entry_eviction(entry)) & EVICTION_MASK;
	atomic_long_inc(&node->vm_stat[file ? ALTMM_WORKINGSET_REFAULT_FILE :
				       ALTMM_WORKINGSET_REFAULT_ANON]);
	workingset = altmm_lru_size(sys, nid, ALTMM_LRU_ACTIVE_FILE);
	if (!file)
		workingset += altmm_lru_size(sys, nid, ALTMM_LRU_INACTIVE_FILE);
	if (swap && altmm_swap_free_slots(swap)) {
		workingset += altmm_lru_size(sys, nid, ALTMM_LRU_ACTIVE_ANON);
		if (file)
			workingset += altmm_lru_size(sys, nid, ALTMM_LRU_INACTIVE_ANON);
	}
	if (distance > workingset)
		return false;
	atomic_long_inc(&node->vm_stat[file ? ALTMM_WORKINGSET_ACTIVATE_FILE :
				       ALTMM_WORKINGSET_ACTIVATE_ANON]);
	atomic_long_inc(&node->lruvec.nonresident_age);
	return true;
}

/**
 * altmm_uobj_create() - a new, empty object
 * @sys: instance with user memory
 * @nid: node its pages prefer, or NUMA_NO_NODE for the faulting CPU's
 *
 * Context: process context, may sleep.
 * Return: the object, with one reference, or NULL.
 */
struct altmm_uobj *altmm_uobj_create(struct altmm_system *sys, int nid)
{
	struct altmm_usermem *um = sys->usermem;
	struct altmm_uobj *obj;

	if (!um)
		return NULL;
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return NULL;
	obj->sys = sys;
	kref_init(&obj->ref);
	mutex_init(&obj->lock);
	xa_init(&obj->pages);
	address_space_init_once(&obj->mapping);
	spin_lock_init(&obj->vma_lock);
	INIT_LIST_HEAD(&obj->vmas);
	obj->nid = nid;
	obj->owner = get_pid(task_tgid(current));
	mutex_lock(&um->lock);
	list_add_tail(&obj->list, &um->objects);
	mutex_unlock(&um->lock);
	return obj;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_create, ALTMM_INTERNAL);

/*
 * Give a resident page that nobody maps back to the allocator.  The
 * object's reference must be the only one: frozen, nobody can take
 * another meanwhile.  Returns false, the page untouched, when the host
 * still holds one (a pin taken through a mapping that is gone).
 */
static bool free_user_page(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d = altmm_user_desc(sys, page);

	if (!page_ref_freeze(page, 1))
		return false;
	clear_bit(ALTMM_PG_user, &d->flags);
	clear_bit(ALTMM_PG_swapbacked, &d->flags);
	clear_bit(ALTMM_PG_referenced, &d->flags);
	clear_bit(ALTMM_PG_active, &d->flags);
	clear_bit(ALTMM_PG_dirty, &d->flags);
	clear_bit(ALTMM_PG_reclaim, &d->flags);
	d->private = 0;
	/* What the kernel's zap left on the host page. */
	ClearPageDirty(page);
	ClearPageReferenced(page);
	set_page_private(page, 0);
	page->index = 0;
	page_ref_unfreeze(page, 1);
	altmm_sys_free_pages(sys, page, 0, false);
	return true;
}

static void uobj_release(struct kref *ref)
{
	struct altmm_uobj *obj = container_of(ref, struct altmm_uobj, ref);
	struct altmm_system *sys = obj->sys;
	struct altmm_usermem *um = sys->usermem;
	unsigned long index, held = 0;
	void *entry;

	/*
	 * No mapping is left and no page is off its list: reclaim holds a
	 * reference then.  The object stays on the list until its memory is
	 * back, so that the OOM killer, seeing its dying owner, waits for it
	 * (6.1 waits for a victim until the reaper is done with its mm).
	 */
	xa_for_each(&obj->pages, index, entry) {
		if (xa_is_value(entry)) {
			if (!obj->backing) {
				altmm_swap_free(um->swap, entry_slot(entry));
				WRITE_ONCE(obj->nr_swap, obj->nr_swap - 1);
			}
			continue;
		}
		WRITE_ONCE(obj->nr_resident, obj->nr_resident - 1);
		altmm_lru_del(sys, entry);
		mod_resident(obj, entry, -1);
		if (in_swapcache(sys, entry))
			swapcache_free(obj, entry);
		if (obj->backing)
			altmm_file_cancel_dirty(obj, entry);
		while (!free_user_page(sys, entry)) {
			/* A pin outlives its mapping only briefly (GUP users). */
			if (++held == 1)
				pr_warn("%s: page %lu of a closed object is still held by the host; waiting\n",
					sys->name, index);
			msleep(20);
		}
	}
	mutex_lock(&um->lock);
	list_del(&obj->list);
	mutex_unlock(&um->lock);
	xa_destroy(&obj->pages);
	if (obj->backing)
		fput(obj->backing);
	put_pid(obj->owner);
	kfree(obj);
}

/**
 * altmm_uobj_put() - drop a reference; the last frees every page and slot
 * @obj: object
 *
 * Context: process context, may sleep; no mapping of @obj is left when
 * the opener's reference goes.
 */
void altmm_uobj_put(struct altmm_uobj *obj)
{
	kref_put(&obj->ref, uobj_release);
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_put, ALTMM_INTERNAL);

/**
 * altmm_uobj_vma_open() - a VMA maps @obj (mmap(), and a VMA's open())
 * @obj: object
 * @vma: the VMA, new or a copy (fork, split, mremap)
 *
 * Without memory for its entry the VMA's accessed bits go unseen, and
 * reclaim takes its pages for unused: they come back by a fault.
 *
 * Context: process context, with the mm's mmap_lock held.
 */
void altmm_uobj_vma_open(struct altmm_uobj *obj, struct vm_area_struct *vma)
{
	struct altmm_uvma *uv = kmalloc(sizeof(*uv), GFP_KERNEL);

	vma->vm_private_data = uv;
	if (!uv)
		return;
	uv->vma = vma;
	spin_lock(&obj->vma_lock);
	list_add(&uv->node, &obj->vmas);
	spin_unlock(&obj->vma_lock);
}

/**
 * altmm_uobj_vma_close() - a VMA no longer maps its object
 * @vma: a VMA altmm_uobj_vma_open() saw
 *
 * Context: process context, with the mm's mmap_lock held for writing.
 */
void altmm_uobj_vma_close(struct vm_area_struct *vma)
{
	struct altmm_uobj *obj = vma->vm_file->private_data;
	struct altmm_uvma *uv = vma->vm_private_data;

	if (!uv)
		return;
	spin_lock(&obj->vma_lock);
	list_del(&uv->node);
	spin_unlock(&obj->vma_lock);
	vma->vm_private_data = NULL;
	kfree(uv);
}

/* ptep_test_and_clear_young(), which the kernel does not export. */
static bool pte_clear_young(pte_t *ptep)
{
#ifdef CONFIG_X86
	return pte_young(*ptep) &&
	       test_and_clear_bit(_PAGE_BIT_ACCESSED, (unsigned long *)&ptep->pte);
#else
	pte_t pte = *ptep;

	/* UML keeps the accessed and dirty bits in software, under the PTL. */
	if (!pte_young(pte))
		return false;
	set_pte(ptep, pte_mkold(pte));
	return true;
#endif
}

/*
 * Clear the accessed bit of the PTE mapping @page at @addr of @mm, if
 * one does: whether it was set.  follow_pte()'s walk, with the lock
 * taken and dropped here (the caller holds the mm's mmap_lock).
 */
static bool pte_young_clear(struct mm_struct *mm, unsigned long addr,
			    struct page *page)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	spinlock_t *ptl;	/* the PTE table's */
	bool young = false;
	pmd_t *pmd, pmdval;
	p4d_t *p4d;
	pud_t *pud;
	pte_t *ptep;

	if (pgd_none(*pgd) || unlikely(pgd_bad(*pgd)))
		return false;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || unlikely(p4d_bad(*p4d)))
		return false;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || unlikely(pud_bad(*pud)))
		return false;
	pmd = pmd_offset(pud, addr);
	pmdval = READ_ONCE(*pmd);
	if (pmd_none(pmdval) || !pmd_present(pmdval) || pmd_trans_huge(pmdval) ||
	    unlikely(pmd_bad(pmdval)))
		return false;
	ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (pte_present(*ptep) && pte_pfn(*ptep) == page_to_pfn(page))
		young = pte_clear_young(ptep);
	pte_unmap_unlock(ptep, ptl);
	return young;
}

/**
 * altmm_uobj_referenced() - folio_referenced() for a page of @obj
 * @obj: object
 * @page: one of its resident pages
 * @vm_flags: set to the flags of the VMAs that referenced it
 *
 * Counts the PTEs mapping @page whose accessed bit was set, clearing it,
 * as page_referenced_one() does (an access through a VM_SEQ_READ mapping
 * does not count).  Never waits: a VMA whose mm is busy is skipped and
 * makes the result -1, as rmap lock contention does in 6.1, so that the
 * page is kept rather than judged without it.
 *
 * Context: any but hard IRQ; takes @obj->vma_lock, the mms' mmap_lock
 * (trylock) and page table locks.
 * Return: the referencing PTEs, or -1.
 */
int altmm_uobj_referenced(struct altmm_uobj *obj, struct page *page,
			  unsigned long *vm_flags)
{
	pgoff_t index = page->index;
	struct altmm_uvma *uv;
	int referenced = 0;
	bool contended = false;

	*vm_flags = 0;
	if (!page_mapped(page))
		return 0;
	spin_lock(&obj->vma_lock);
	list_for_each_entry(uv, &obj->vmas, node) {
		struct vm_area_struct *vma = uv->vma;
		struct mm_struct *mm = vma->vm_mm;
		unsigned long addr;

		if (index < vma->vm_pgoff || index - vma->vm_pgoff >= vma_pages(vma))
			continue;
		if (!mmap_read_trylock(mm)) {
			contended = true;
			continue;
		}
		addr = vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
		/* Detached by a munmap in progress: its page tables may be gone. */
		if (find_vma(mm, addr) == vma && pte_young_clear(mm, addr, page) &&
		    !(vma->vm_flags & VM_SEQ_READ)) {
			referenced++;
			*vm_flags |= vma->vm_flags;
		}
		mmap_read_unlock(mm);
	}
	spin_unlock(&obj->vma_lock);
	return contended && !referenced ? -1 : referenced;
}

/*
 * Reads the slot into a new page (zeroed already if none); true for a
 * swap-in.  As do_swap_page() decides (should_try_to_free_swap()), a
 * write fault frees the slot, since the page is about to differ from
 * it, and so does a read fault once the area is half full; otherwise
 * the page stays in the swap cache.
 */
static bool fill_page(struct altmm_uobj *obj, void *entry, struct page *page, bool write)
{
	struct altmm_swap *swap = obj->sys->usermem->swap;
	unsigned long slot;

	if (!xa_is_value(entry))
		return false;
	slot = entry_slot(entry);
	altmm_swap_read(swap, slot, page);
	obj->nr_swap--;
	if (write || swap_full(swap)) {
		altmm_swap_free(swap, slot);
	} else {
		/* Clean as its slot: only a PTE's dirty bit says otherwise. */
		ClearPageDirty(page);
		swapcache_add(obj, page, slot);
	}
	return true;
}

/* altmm_uobj_fault(), its frame allocated with @gfp. */
static vm_fault_t uobj_fault(struct altmm_uobj *obj, pgoff_t index, bool write,
			     gfp_t gfp, struct page **pagep)
{
	struct altmm_system *sys = obj->sys;
	struct page *page, *fresh = NULL;
	bool zeroed = false;
	struct altmm_page *d;
	vm_fault_t ret = 0;
	void *entry;
	int nid;

	/* filemap_fault(): past the end even when the page is cached. */
	if (obj->backing && index >= altmm_file_max_index(obj))
		return VM_FAULT_SIGBUS;
	for (;;) {
		mutex_lock(&obj->lock);
		entry = xa_load(&obj->pages, index);
		if (entry && !xa_is_value(entry)) {
			page = entry;
			get_page(page);
			if (write && in_swapcache(sys, page))
				swapcache_free(obj, page);
			mutex_unlock(&obj->lock);
			if (fresh)
				altmm_sys_free_pages(sys, fresh, 0, false);
			*pagep = page;
			return 0;
		}
		/* A first touch needs the frame zeroed, which is done unlocked. */
		if (fresh && (entry || zeroed || obj->backing))
			break;
		mutex_unlock(&obj->lock);

		if (!fresh) {
			nid = READ_ONCE(obj->nid);
			if (nid == NUMA_NO_NODE)
				nid = altmm_numa_node_id(sys);
			fresh = altmm_sys_alloc_pages(sys, gfp, 0, nid);
			if (!fresh)
				return VM_FAULT_OOM;
		}
		if (!entry && !obj->backing) {
			clear_highpage(fresh);
			zeroed = true;
		}
	}

	/* Still absent, swapped out or evicted, with @obj->lock held and a frame in hand. */
	page = fresh;
	page->index = index;
	if (obj->backing && altmm_file_read_page(obj, page)) {
		ret = VM_FAULT_SIGBUS;
		goto fail;
	}
	if (xa_is_err(xa_store(&obj->pages, index, page, GFP_KERNEL))) {
		ret = VM_FAULT_OOM;
		goto fail;
	}
	d = altmm_user_desc(sys, page);
	if (obj->backing) {
		ret = VM_FAULT_MAJOR;
		altmm_count_event(sys, ALTMM_PGMAJFAULT, 1);
		if (xa_is_value(entry) && refault_activates(sys, entry, true))
			set_bit(ALTMM_PG_active, &d->flags);
	} else if (fill_page(obj, entry, page, write)) {
		ret = VM_FAULT_MAJOR;
		altmm_count_event(sys, ALTMM_PSWPIN, 1);
		altmm_count_event(sys, ALTMM_PGPGIN, PAGE_SIZE / SZ_1K);
		altmm_count_event(sys, ALTMM_PGMAJFAULT, 1);
		if (refault_activates(sys, entry, false))
			set_bit(ALTMM_PG_active, &d->flags);
	}
	set_page_private(page, (unsigned long)obj);
	if (!obj->backing)
		set_bit(ALTMM_PG_swapbacked, &d->flags);
	set_bit(ALTMM_PG_user, &d->flags);
	obj->nr_resident++;
	mod_resident(obj, page, 1);
	altmm_lru_add(sys, page);
	get_page(page);
	mutex_unlock(&obj->lock);
	*pagep = page;
	return ret;
fail:
	mutex_unlock(&obj->lock);
	page->index = 0;
	altmm_sys_free_pages(sys, page, 0, false);
	return ret;
}

/**
 * altmm_uobj_fault() - the page at @index, allocated, swapped in or read
 *	from the object's file if need be
 * @obj: object
 * @index: page offset
 * @flags: the fault's flags: FAULT_FLAG_WRITE for a write
 * @pagep: the page, with a reference for the caller (the PTE's)
 *
 * A page read back from swap by a read fault stays in the swap cache; a
 * write fault, or one found there already, takes it out of the swap
 * cache and frees its slot (6.1's do_swap_page() and do_wp_page()).
 *
 * The frame is a GFP_HIGHUSER_MOVABLE one, so when reclaim cannot find
 * one the allocator calls the OOM killer and waits for its victim, as a
 * user fault does in 6.1.
 *
 * Context: process context, may sleep; may reclaim and kill.
 * Return: 0, VM_FAULT_MAJOR when the page was read from swap or its file,
 * VM_FAULT_OOM when no frame could be had, or VM_FAULT_SIGBUS for an
 * offset past the file's end or a read error (*@pagep is not set).
 */
vm_fault_t altmm_uobj_fault(struct altmm_uobj *obj, pgoff_t index,
			    unsigned int flags, struct page **pagep)
{
	/* Failure is the OOM killer's to report, as in 6.1, not a warning's. */
	return uobj_fault(obj, index, flags & FAULT_FLAG_WRITE,
			  GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, pagep);
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_fault, ALTMM_INTERNAL);

/*
 * try_to_unmap() and the reference check of __remove_mapping(): unmap
 * @page and say whether the object's reference is the only one left.
 * The object's lock is held: a fault needs it to map the page again, so
 * the answer stays true until it is dropped.
 */
static bool unmap_exclusive(struct altmm_uobj *obj, struct page *page)
{
	lockdep_assert_held(&obj->lock);
	unmap_mapping_pages(&obj->mapping, page->index, 1, false);
	return page_count(page) == 1 && !page_mapped(page);
}

/*
 * __remove_mapping() for a clean file page: unmapped and nobody else
 * holding it, it leaves a shadow entry and goes.
 */
static int evict_file_page(struct altmm_uobj *obj, struct page *page)
{
	struct altmm_system *sys = obj->sys;
	struct altmm_node *node = page_node(sys, page);
	struct altmm_page *d = altmm_user_desc(sys, page);
	unsigned long eviction;

	if (!unmap_exclusive(obj, page) ||
	    test_bit(ALTMM_PG_dirty, &d->flags) || test_bit(ALTMM_PG_writeback, &d->flags))
		return -EBUSY;
	eviction = atomic_long_fetch_add(1, &node->lruvec.nonresident_age);
	xa_store(&obj->pages, page->index, pack_swap_entry(0, node->nid, eviction),
		 GFP_NOWAIT);
	obj->nr_resident--;
	mod_resident(obj, page, -1);
	if (!free_user_page(sys, page))
		WARN_ON_ONCE(1);
	return 0;
}

/**
 * altmm_uobj_evict() - unmap a page and write it to swap (the anon half of
 *	shrink_folio_list(): try_to_unmap(), pageout(), __remove_mapping()),
 *	or drop a clean file page
 * @obj: its object, locked by the caller
 * @page: a resident page of @obj that the caller took off the LRU
 * @gfp: the reclaiming allocation's flags
 *
 * A page in the swap cache keeps its slot and is written to it only when
 * a PTE wrote to it: unmapping moves the PTEs' dirty bits to the host
 * page, as try_to_unmap() does.  A clean one goes without I/O.
 *
 * Context: process context; may not sleep for I/O unless @gfp allows it
 * (there is none: the device is synchronous).
 * Return: 0 when the page was written out (or needed no writing) and
 * freed; -EBUSY when it is mapped or held again (a racing fault, a pin)
 * or dirty; -ENOSPC without swap room; -ENOMEM when the slot's host page
 * could not be had.  On error the page is as it was, still the caller's
 * to put back.
 */
int altmm_uobj_evict(struct altmm_uobj *obj, struct page *page, gfp_t gfp)
{
	struct altmm_system *sys = obj->sys;
	struct altmm_swap *swap = sys->usermem->swap;
	struct altmm_node *node = page_node(sys, page);
	unsigned long eviction;
	bool cached;
	long slot;
	int ret;

	lockdep_assert_held(&obj->lock);
	if (obj->backing)
		return evict_file_page(obj, page);
	cached = in_swapcache(sys, page);
	if (cached) {
		slot = altmm_user_desc(sys, page)->private;
	} else {
		/* add_to_swap() */
		slot = altmm_swap_alloc(swap);
		if (slot < 0)
			return slot;
		/* The slot's host page: the host may reclaim for it, but not write. */
		ret = altmm_swap_prepare(swap, slot, ((gfp & __GFP_DIRECT_RECLAIM) ?
						      GFP_NOIO : GFP_NOWAIT) | __GFP_NOWARN);
		if (ret)
			goto fail;
	}
	if (!unmap_exclusive(obj, page)) {
		ret = -EBUSY;
		goto fail;
	}
	if (!cached || PageDirty(page)) {
		altmm_swap_write(swap, slot, page);
		altmm_count_event(sys, ALTMM_PSWPOUT, 1);
		altmm_count_event(sys, ALTMM_PGPGOUT, PAGE_SIZE / SZ_1K);
		atomic_long_inc(&node->vm_stat[ALTMM_NR_VMSCAN_WRITE]);
	}
	if (cached)
		swapcache_del(obj, page);
	/* workingset_eviction(): read the clock, then age it by this page. */
	eviction = atomic_long_fetch_add(1, &node->lruvec.nonresident_age);
	xa_store(&obj->pages, page->index,
		 pack_swap_entry(slot, node->nid, eviction), GFP_NOWAIT);
	obj->nr_resident--;
	obj->nr_swap++;
	mod_resident(obj, page, -1);
	if (!free_user_page(sys, page)) {
		/* Only page_count() == 1 came this far; nobody can have taken one since. */
		WARN_ON_ONCE(1);
	}
	return 0;
fail:
	if (!cached)
		altmm_swap_free(swap, slot);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_evict, ALTMM_INTERNAL);

/* Flags a page's state moves with it to its new frame when it migrates. */
#define MIGRATE_FLAGS	(BIT(ALTMM_PG_active) | BIT(ALTMM_PG_referenced) |	\
			 BIT(ALTMM_PG_swapbacked) | BIT(ALTMM_PG_user) |	\
			 BIT(ALTMM_PG_dirty) | BIT(ALTMM_PG_reclaim) |		\
			 BIT(ALTMM_PG_swapcache))

/* Counters that follow a page to another zone or node. */
static void migrate_counts(struct altmm_uobj *obj, struct page *page, struct altmm_page *d,
			   long delta)
{
	struct altmm_zone *zone = altmm_user_zone(obj->sys, page);

	mod_resident(obj, page, delta);
	if (test_bit(ALTMM_PG_swapcache, &d->flags))
		swapcache_count(zone->node, delta);
	if (test_bit(ALTMM_PG_dirty, &d->flags)) {
		atomic_long_add(delta, &zone->node->vm_stat[ALTMM_NR_DIRTY]);
		atomic_long_add(delta, &zone->vm_stat[ALTMM_NR_ZONE_WRITE_PENDING]);
	}
}

/**
 * altmm_uobj_migrate_page() - move a user page's contents and state to a
 *	new frame (6.1's migrate_folio_unmap() and move_to_new_folio())
 * @obj: the page's object
 * @dst: a new frame of @obj's instance, with one reference, nobody's yet
 * @src: a page of @obj that altmm_isolate_lru_page() took off its list
 * @mode: MIGRATE_ASYNC does not wait for the object's lock, and neither
 *	it nor MIGRATE_SYNC_LIGHT waits for a writeback; MIGRATE_SYNC does
 *
 * The PTEs mapping @src are unmapped (their dirty bits moving to the
 * host page, as try_to_unmap() moves them), and the next access faults
 * @dst in: the object's tree holds @dst at @src's offset, with its dirty
 * mark, swap cache slot and LRU flags.  @dst goes on the LRU list @src
 * was taken from, on its own node, and @src is freed.
 *
 * Context: process context, may sleep; no lock held.
 * Return: 0 (@dst is the object's, @src freed); -EAGAIN when the object
 * is locked (async), the page is held by someone else (a pin, a racing
 * fault) or a writeback was waited for: worth another try; -EBUSY under
 * writeback without MIGRATE_SYNC.  On error both pages are as they were.
 */
int altmm_uobj_migrate_page(struct altmm_uobj *obj, struct page *dst, struct page *src,
			    enum migrate_mode mode)
{
	struct altmm_system *sys = obj->sys;
	struct altmm_page *ds = altmm_user_desc(sys, src);
	struct altmm_page *dd = altmm_user_desc(sys, dst);
	pgoff_t index = src->index;
	unsigned long flags, bit;
	int ret = 0;

	if (mode == MIGRATE_ASYNC) {
		if (!mutex_trylock(&obj->lock))
			return -EAGAIN;
	} else {
		mutex_lock(&obj->lock);
	}
	if (WARN_ON_ONCE(xa_load(&obj->pages, index) != src)) {
		ret = -EBUSY;
		goto unlock;
	}
	if (test_bit(ALTMM_PG_writeback, &ds->flags)) {
		ret = -EBUSY;
		if (mode != MIGRATE_SYNC)
			goto unlock;
		mutex_unlock(&obj->lock);
		wait_on_bit(&ds->flags, ALTMM_PG_writeback, TASK_UNINTERRUPTIBLE);
		return -EAGAIN;
	}
	if (!unmap_exclusive(obj, src)) {
		ret = -EAGAIN;
		goto unlock;
	}
	copy_highpage(dst, src);
	flags = READ_ONCE(ds->flags) & MIGRATE_FLAGS;
	dst->index = index;
	set_page_private(dst, (unsigned long)obj);
	if (PageDirty(src))
		SetPageDirty(dst);
	dd->private = ds->private;
	for_each_set_bit(bit, &flags, BITS_PER_LONG)
		set_bit(bit, &dd->flags);
	migrate_counts(obj, src, ds, -1);
	migrate_counts(obj, dst, dd, 1);
	/* Replacing a present entry allocates nothing, and keeps its marks. */
	xa_store(&obj->pages, index, dst, GFP_NOWAIT);
	altmm_lru_isolated_done(sys, src);
	altmm_lru_add(sys, dst);
	/* free_user_page() clears the rest. */
	clear_bit(ALTMM_PG_swapcache, &ds->flags);
	if (!free_user_page(sys, src))
		WARN_ON_ONCE(1);
unlock:
	mutex_unlock(&obj->lock);
	if (!ret)
		altmm_uobj_put(obj);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_migrate_page, ALTMM_INTERNAL);

/**
 * struct oom_owner - a process holding user memory, as the OOM killer sees it
 * @pid: the process (its thread group)
 * @anon: its objects' resident anonymous pages
 * @file: their resident file pages
 * @swap: their swap entries
 */
struct oom_owner {
	struct pid *pid;
	unsigned long anon, file, swap;
};

#define OOM_MAX_OWNERS	64

/* The processes holding user memory, with their pages; under um->lock. */
static int oom_owners(struct altmm_usermem *um, struct oom_owner *owners)
{
	struct altmm_uobj *obj;
	int n = 0, i;

	list_for_each_entry(obj, &um->objects, list) {
		for (i = 0; i < n && owners[i].pid != obj->owner; i++)
			;
		if (i == n) {
			if (n == OOM_MAX_OWNERS)
				continue;
			owners[n++] = (struct oom_owner){ .pid = get_pid(obj->owner) };
		}
		if (obj->backing)
			owners[i].file += READ_ONCE(obj->nr_resident);
		else
			owners[i].anon += READ_ONCE(obj->nr_resident);
		owners[i].swap += READ_ONCE(obj->nr_swap);
	}
	return n;
}

/**
 * altmm_oom_badness() - 6.1's oom_badness() on altmm's memory
 * @pages: the process's pages on altmm, resident and in swap
 * @pgtables_bytes: its page tables (the host's, as 6.1 counts them)
 * @adj: its oom_score_adj
 * @totalpages: the instance's managed pages and swap slots
 *
 * Return: the points, LONG_MIN for a process that may not be chosen.
 */
long altmm_oom_badness(unsigned long pages, unsigned long pgtables_bytes,
		       short adj, unsigned long totalpages)
{
	if (adj == OOM_SCORE_ADJ_MIN)
		return LONG_MIN;
	return (long)(pages + pgtables_bytes / PAGE_SIZE) + (long)adj * (long)(totalpages / 1000);
}
EXPORT_SYMBOL_NS_GPL(altmm_oom_badness, ALTMM_INTERNAL);

static unsigned long oom_totalpages(struct altmm_system *sys)
{
	struct altmm_swap *swap = sys->usermem->swap;
	struct altmm_node *node;
	unsigned long total = 0;
	int nid, zt;

	for_each_altmm_node(sys, node, nid)
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			total += altmm_zone_managed(&node->zones[zt]);
	return total + (swap ? altmm_swap_total(swap) : 0);
}

/* 6.1's dump_header() and dump_tasks(), for the processes holding altmm memory. */
static void oom_report_tasks(struct altmm_system *sys, gfp_t gfp, unsigned int order,
			     struct oom_owner *owners, int n)
{
	short adj = current->signal->oom_score_adj;
	struct task_struct *task;
	int i;

	pr_warn("%s: %s invoked oom-killer: gfp_mask=%#x(%pGg), order=%u, oom_score_adj=%d\n",
		sys->name, current->comm, gfp, &gfp, order, adj);
	pr_info("%s: Tasks state (memory values in pages):\n", sys->name);
	pr_info("%s: [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n",
		sys->name);
	for (i = 0; i < n; i++) {
		struct mm_struct *mm;

		task = get_pid_task(owners[i].pid, PIDTYPE_TGID);
		if (!task)
			continue;
		mm = get_task_mm(task);
		pr_info("%s: [%7d] %5d %5d %8lu %8lu %8ld %8lu         %5d %s\n", sys->name,
			task->pid, from_kuid(&init_user_ns, task_uid(task)), task->tgid,
			mm ? mm->total_vm : 0, owners[i].anon + owners[i].file,
			mm ? mm_pgtables_bytes(mm) : 0, owners[i].swap,
			task->signal->oom_score_adj, task->comm);
		if (mm)
			mmput_async(mm);
		put_task_struct(task);
	}
}

/**
 * altmm_out_of_memory() - the OOM killer for user memory (out_of_memory())
 * @sys: instance a user fault or an allocation found without a frame,
 *	reclaim included (&altmm_system.out_of_memory)
 * @gfp: the request's flags, for the report
 * @order: its order
 *
 * Among the processes whose objects hold pages, picks the one with the
 * most points as 6.1's oom_badness() gives them, counting its pages on
 * altmm (resident and in swap) and its page tables, with oom_score_adj
 * scaled to the instance's memory and swap (-1000 exempts a process,
 * kernel threads are never chosen), and kills it with SIGKILL.  The log
 * gets 6.1's report: the "invoked oom-killer" line, the task table (rss
 * and swapents being the process's pages on altmm), the oom-kill summary
 * and the "Out of memory: Killed process" line; oom_kill is counted.
 * While a victim is still dying no other is chosen: the fault is retried
 * until its memory is back.
 *
 * Every mm reference it takes is dropped with mmput_async(): a victim
 * that exits meanwhile may leave the last one here, and the exit_mmap()
 * that would then run in the caller closes the victim's /dev/altmm file,
 * whose release, queued as task work of a caller looping in the
 * allocator, would never run: the victim's memory would never come back
 * (6.1's OOM reaper drops its references with mmput_async() too).
 *
 * Context: process context, may sleep.
 * Return: true when memory is on its way back (a victim was killed or is
 * dying, or the caller itself is), false when there is nothing to kill.
 */
bool altmm_out_of_memory(struct altmm_system *sys, gfp_t gfp, unsigned int order)
{
	struct altmm_usermem *um = sys->usermem;
	unsigned long totalpages = oom_totalpages(sys);
	struct oom_owner *owners, *victim = NULL;
	long best = LONG_MIN, points;
	struct task_struct *task;
	struct mm_struct *mm;
	bool dying = false;
	int n, i;

	if (fatal_signal_pending(current))
		return true;
	owners = kcalloc(OOM_MAX_OWNERS, sizeof(*owners), GFP_KERNEL);
	if (!owners)
		return false;
	mutex_lock(&um->lock);
	n = oom_owners(um, owners);
	mutex_unlock(&um->lock);

	for (i = 0; i < n && !dying; i++) {
		task = get_pid_task(owners[i].pid, PIDTYPE_TGID);
		if (!task)
			continue;
		/*
		 * A victim in flight, as tsk_is_oom_victim() tells 6.1: the
		 * SIGKILL pending, or already taken (the group exiting)
		 * while its memory is not back yet.
		 */
		if (fatal_signal_pending(task) || (task->flags & PF_EXITING) ||
		    (READ_ONCE(task->signal->flags) & SIGNAL_GROUP_EXIT)) {
			dying = true;
		} else if (!(task->flags & PF_KTHREAD)) {
			mm = get_task_mm(task);
			points = altmm_oom_badness(owners[i].anon + owners[i].file + owners[i].swap,
						   mm ? mm_pgtables_bytes(mm) : 0,
						   task->signal->oom_score_adj, totalpages);
			if (mm)
				mmput_async(mm);
			if (points != LONG_MIN && (!victim || points > best)) {
				best = points;
				victim = &owners[i];
			}
		}
		put_task_struct(task);
	}
	if (dying || !victim)
		goto out;

	task = get_pid_task(victim->pid, PIDTYPE_TGID);
	if (task) {
		oom_report_tasks(sys, gfp, order, owners, n);
		pr_info("%s: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),task=%s,pid=%d,uid=%d\n",
			sys->name, task->comm, task->pid,
			from_kuid(&init_user_ns, task_uid(task)));
		altmm_count_event(sys, ALTMM_OOM_KILL, 1);
		kill_pid(victim->pid, SIGKILL, 1);
		mm = get_task_mm(task);
		pr_err("%s: Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%d\n",
		       sys->name, task->tgid, task->comm,
		       mm ? mm->total_vm << (PAGE_SHIFT - 10) : 0,
		       victim->anon << (PAGE_SHIFT - 10), victim->file << (PAGE_SHIFT - 10),
		       0UL, from_kuid(&init_user_ns, task_uid(task)),
		       mm ? mm_pgtables_bytes(mm) >> 10 : 0, task->signal->oom_score_adj);
		if (mm)
			mmput_async(mm);
		put_task_struct(task);
	}
	dying = true;
out:
	for (i = 0; i < n; i++)
		put_pid(owners[i].pid);
	kfree(owners);
	return dying;
}
EXPORT_SYMBOL_NS_GPL(altmm_out_of_memory, ALTMM_INTERNAL);

/**
 * altmm_uobj_set_node() - where an object's new pages come from
 * @obj: object
 * @nid: an altmm node with memory, or NUMA_NO_NODE for the faulting CPU's
 *
 * Return: 0 or -EINVAL.
 */
int altmm_uobj_set_node(struct altmm_uobj *obj, int nid)
{
	struct altmm_system *sys = obj->sys;

	if (nid != NUMA_NO_NODE &&
	    (nid < 0 || nid >= sys->layout.nr_nodes || !sys->nodes[nid] ||
	     !sys->nodes[nid]->node_present_pages)) {
		pr_info_ratelimited("%s: /dev/altmm: node %d is not a node of altmm's with memory\n",
				    sys->name, nid);
		return -EINVAL;
	}
	WRITE_ONCE(obj->nid, nid);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_set_node, ALTMM_INTERNAL);

/* Whether @entry, in an object's tree, holds a slot from @first on. */
static bool entry_in_slots(struct altmm_system *sys, void *entry, unsigned long first)
{
	if (xa_is_value(entry))
		return entry_slot(entry) >= first;
	return in_swapcache(sys, entry) &&
	       altmm_user_desc(sys, entry)->private >= first;
}

/* An anonymous object with a page in a slot from @first on, pinned; or NULL. */
static struct altmm_uobj *find_unuse(struct altmm_system *sys, unsigned long first)
{
	struct altmm_usermem *um = sys->usermem;
	struct altmm_uobj *obj, *found = NULL;
	unsigned long index;
	void *entry;

	mutex_lock(&um->lock);
	list_for_each_entry(obj, &um->objects, list) {
		if (obj->backing || !(READ_ONCE(obj->nr_swap) || READ_ONCE(obj->nr_swapcache)))
			continue;
		/* Unlocked: unuse_slots() looks again under the object's lock. */
		xa_for_each(&obj->pages, index, entry)
			if (entry_in_slots(sys, entry, first))
				break;
		if (entry && kref_get_unless_zero(&obj->ref)) {
			found = obj;
			break;
		}
	}
	mutex_unlock(&um->lock);
	return found;
}

/*
 * try_to_unuse(): fault back in every page in a slot from @first on, as
 * an access would (pswpin, pgmajfault), and take the swap cache's pages
 * in such slots out of it, freeing their slots (folio_free_swap()).
 * Returns 0, -ENOMEM when memory ran out, or -EINTR for a fatal signal.
 *
 * 6.1 lets swapoff's allocations call the OOM killer, with the swapoff
 * task marked as its first victim (set_current_oom_origin()).  Here the
 * writer of swap_mb is whoever wrote the parameter, a shell often, and a
 * shrink that cannot be met fails instead: __GFP_RETRY_MAYFAIL keeps
 * the killer out.
 */
#define UNUSE_GFP	(GFP_HIGHUSER_MOVABLE | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

static int unuse_slots(struct altmm_system *sys, unsigned long first)
{
	struct altmm_uobj *obj;
	unsigned long index;
	struct page *page;
	int ret = 0;
	void *entry;

	while (!ret && (obj = find_unuse(sys, first))) {
		xa_for_each(&obj->pages, index, entry) {
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				break;
			}
			mutex_lock(&obj->lock);
			entry = xa_load(&obj->pages, index);
			if (entry && !xa_is_value(entry) && entry_in_slots(sys, entry, first))
				swapcache_free(obj, entry);
			mutex_unlock(&obj->lock);
			if (!entry || !xa_is_value(entry) || entry_slot(entry) < first)
				continue;
			if (uobj_fault(obj, index, true, UNUSE_GFP, &page) & VM_FAULT_OOM) {
				ret = -ENOMEM;
				break;
			}
			put_page(page);
			cond_resched();
		}
		altmm_uobj_put(obj);
	}
	return ret;
}

/**
 * altmm_usermem_set_swap() - swapon, swapoff or a new size, at run time
 * @sys: instance with user memory
 * @mb: the swap area's new size in MiB, 0 for none
 *
 * Growing is at once.  Shrinking first stops slots past the new end from
 * being handed out, then brings every page in them back into memory as
 * swapoff does; when memory runs out (reclaim cannot swap to what is
 * going) the area keeps its size, as a failed swapoff leaves the area
 * on, and every page stays where it is.
 *
 * Context: process context, may sleep for long; one caller at a time
 * (the module's parameter lock).
 * Return: 0, -ENOMEM, -EINTR, or -EBUSY when slots past the end stay in
 * use for a second.
 */
int altmm_usermem_set_swap(struct altmm_system *sys, unsigned long mb)
{
	struct altmm_swap *swap = sys->usermem->swap;
	unsigned long old = altmm_swap_total(swap) + 1;
	unsigned long first = max(mb << (20 - PAGE_SHIFT), 1UL);
	int ret, tries = 0;

	if (first >= old)
		return altmm_swap_grow(swap, mb);
	altmm_swap_set_limit(swap, mb);
	for (;;) {
		ret = unuse_slots(sys, first);
		if (ret || !altmm_swap_trim(swap))
			break;
		/* An eviction that took a slot before the limit fell ends soon. */
		if (++tries == 100) {
			ret = -EBUSY;
			break;
		}
		if (msleep_interruptible(10)) {
			ret = -EINTR;
			break;
		}
	}
	if (ret) {
		pr_err("%s: swap_mb: the pages in the swap area past %luM could not all come back (%d); the area stays %luM\n",
		       sys->name, mb, ret, (old << PAGE_SHIFT) >> 20);
		altmm_swap_set_limit(swap, (old << PAGE_SHIFT) >> 20);
	}
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_usermem_set_swap, ALTMM_INTERNAL);

/**
 * altmm_usermem_init() - user memory for an instance
 * @sys: instance whose page allocator is up
 * @swap_mb: its swap area in MiB, 0 for none
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int altmm_usermem_init(struct altmm_system *sys, unsigned long swap_mb)
{
	struct altmm_usermem *um;
	struct altmm_node *node;
	int nid;

	um = kzalloc(sizeof(*um), GFP_KERNEL);
	if (!um)
		return -ENOMEM;
	mutex_init(&um->lock);
	INIT_LIST_HEAD(&um->objects);
	altmm_flusher_init(um);
	um->swap = altmm_swap_create(swap_mb);
	if (!um->swap) {
		kfree(um);
		return -ENOMEM;
	}
	for_each_altmm_node(sys, node, nid)
		altmm_lruvec_init(&node->lruvec);
	sys->usermem = um;
	WRITE_ONCE(sys->shrink_lru, altmm_shrink_lru);
	WRITE_ONCE(sys->out_of_memory, altmm_out_of_memory);
	return 0;
}

/**
 * altmm_usermem_exit() - take user memory down
 * @sys: instance; every object is gone (its files were closed)
 *
 * Context: process context.
 */
void altmm_usermem_exit(struct altmm_system *sys)
{
	struct altmm_usermem *um = sys->usermem;

	if (!um)
		return;
	WRITE_ONCE(sys->shrink_lru, NULL);
	WRITE_ONCE(sys->out_of_memory, NULL);
	/* The flusher may hold the last reference to a closed object. */
	cancel_delayed_work_sync(&um->wb_work);
	WARN_ON(!list_empty(&um->objects));
	altmm_swap_destroy(um->swap);
	kfree(um);
	sys->usermem = NULL;
}
