/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User memory: the pages processes map through /dev/altmm (dev.c), their
 * LRU lists and reclaim (vmscan.c) and swap (swap.c).  usermem.c has the
 * objects; this header is what the four share and what the debugfs files
 * and the tests use.
 */
#ifndef _ALTMM_USERMEM_H
#define _ALTMM_USERMEM_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/migrate_mode.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "mmzone.h"

/* The xarray mark of an object's dirty pages (6.1's PAGECACHE_TAG_DIRTY). */
#define ALTMM_TAG_DIRTY		XA_MARK_0

/**
 * struct altmm_uobj - a user-memory object: the memory behind one open
 *	/dev/altmm (or a test's), shared by every mapping of it: anonymous,
 *	or the page cache of a host file (filemap.c)
 * @sys: its instance
 * @ref: the opener's reference, and one for each page reclaim has taken
 *	off an LRU list
 * @lock: @pages and the counts; a fault holds it while it allocates
 *	nothing, reclaim only trylocks it
 * @pages: by page offset, a host &struct page (resident) or an xa_value:
 *	for anonymous memory the swap slot of a swapped-out page, for a
 *	file's the shadow of an evicted one; offsets never touched are
 *	absent.  Dirty file pages carry ALTMM_TAG_DIRTY.
 * @mapping: its mappings' address_space: the VMAs are on its i_mmap tree
 *	(vma_link() puts them there from file->f_mapping), which is how
 *	unmap_mapping_pages() unmaps a page, as for a file's page cache
 * @vma_lock: @vmas
 * @vmas: the VMAs mapping it (&struct altmm_uvma), which reclaim walks
 *	for accessed bits: the kernel does not export its i_mmap iterators
 * @nid: the node new pages come from, or NUMA_NO_NODE for the faulting
 *	CPU's
 * @nr_resident: pages in @pages
 * @nr_swap: swap slots in @pages
 * @nr_swapcache: resident pages of @pages in the swap cache (usermem.c),
 *	each holding a slot too
 * @list: on &altmm_usermem.objects
 * @owner: the process that opened it, whose memory it is to the OOM killer
 * @backing: the host file of a file-backed object, NULL for anonymous
 *	memory; set once, before the first mapping, and kept until the end
 * @dirtied_when: jiffies when its oldest dirty page was dirtied, 0 when
 *	it has none (an inode's dirtied_when); under @lock
 * @wb_err: the first error a writeback met since the last fsync(); under
 *	@lock
 * @wb_pass: the flusher run that last wrote it (under the objects' lock)
 *
 * A resident page records its object in the host page: page->private is
 * the object and page->index the offset, as a page cache page's mapping
 * and index.  The host's page->mapping stays NULL, so the kernel treats
 * these as a driver's pages: its own rmap only counts their mappings.
 * The object holds one host reference to each resident page; each PTE
 * mapping it holds another.
 */
struct altmm_uobj {
	struct altmm_system *sys;
	struct kref ref;
	struct mutex lock;	/* @pages, @nr_resident, @nr_swap, @nr_swapcache */
	struct xarray pages;
	struct address_space mapping;
	spinlock_t vma_lock;	/* @vmas */
	struct list_head vmas;
	int nid;
	unsigned long nr_resident;
	unsigned long nr_swap;
	unsigned long nr_swapcache;
	struct list_head list;
	struct pid *owner;
	struct file *backing;
	unsigned long dirtied_when;
	int wb_err;
	unsigned long wb_pass;
};

/**
 * struct altmm_uvma - a VMA on &altmm_uobj.vmas
 * @vma: the VMA; its vm_private_data points here
 * @node: on the list
 *
 * A VMA leaves the list in its close(), after its page tables may
 * already be gone (munmap frees them before it closes the VMAs), so a
 * walker takes the mm's mmap_lock and checks that find_vma() still finds
 * the VMA before it looks at a PTE.
 */
struct altmm_uvma {
	struct vm_area_struct *vma;
	struct list_head node;
};

/**
 * struct altmm_swap - a swap area on host memory outside the arena
 * @lock: the rest (6.1's si->lock)
 * @slots: page-sized slots, host pages; slot 0 is the header, as in 6.1
 * @map: 6.1's swap_map: references to each slot, 0 free
 * @nr: slots of @map and @slots, the header included
 * @limit: the area's size: no slot from @limit on is handed out, and
 *	none is in use once a shrink is over (@nr otherwise)
 * @inuse: slots in use (6.1's inuse_pages)
 * @next: where the search for a free slot starts (cluster_next)
 */
struct altmm_swap {
	spinlock_t lock;	/* @slots, @map, @nr, @limit, @inuse, @next */
	struct page **slots;
	unsigned char *map;
	unsigned long nr;
	unsigned long limit;
	unsigned long inuse;
	unsigned long next;
};

/**
 * struct altmm_usermem - the user-memory state of an instance
 * @lock: @objects
 * @objects: every live object
 * @swap: the swap area: of the header alone with swap_mb=0
 * @wb_work: the flusher (filemap.c): writes back file objects whose
 *	pages have been dirty for dirty_expire_centisecs, every
 *	dirty_writeback_centisecs, or all of them when woken
 * @wb_all: the next flusher run writes back every dirty page
 * @wb_pass: the flusher's runs
 */
struct altmm_usermem {
	struct mutex lock;	/* @objects */
	struct list_head objects;
	struct altmm_swap *swap;
	struct delayed_work wb_work;
	atomic_t wb_all;
	atomic_long_t wb_pass;
};

/* The host page of a user page's descriptor, as lists of them hold them. */
static inline struct page *altmm_user_page(struct altmm_system *sys, struct altmm_page *d)
{
	return altmm_pfn_to_host_page(sys, altmm_desc_to_pfn(sys, d));
}

/* usermem.c */
int altmm_usermem_init(struct altmm_system *sys, unsigned long swap_mb);
int altmm_usermem_set_swap(struct altmm_system *sys, unsigned long mb);
void altmm_usermem_exit(struct altmm_system *sys);
struct altmm_uobj *altmm_uobj_create(struct altmm_system *sys, int nid);
void altmm_uobj_put(struct altmm_uobj *obj);
vm_fault_t altmm_uobj_fault(struct altmm_uobj *obj, pgoff_t index,
			    unsigned int flags, struct page **pagep);
int altmm_uobj_evict(struct altmm_uobj *obj, struct page *page, gfp_t gfp);
int altmm_uobj_migrate_page(struct altmm_uobj *obj, struct page *dst, struct page *src,
			    enum migrate_mode mode);
bool altmm_out_of_memory(struct altmm_system *sys, gfp_t gfp, unsigned int order);
long altmm_oom_badness(unsigned long pages, unsigned long pgtables_bytes,
		       short adj, unsigned long totalpages);
void altmm_uobj_vma_open(struct altmm_uobj *obj, struct vm_area_struct *vma);
void altmm_uobj_vma_close(struct vm_area_struct *vma);
int altmm_uobj_referenced(struct altmm_uobj *obj, struct page *page,
			  unsigned long *vm_flags);
struct altmm_page *altmm_user_desc(struct altmm_system *sys, struct page *page);
struct altmm_zone *altmm_user_zone(struct altmm_system *sys, struct page *page);
int altmm_uobj_set_node(struct altmm_uobj *obj, int nid);

/* filemap.c */
int altmm_uobj_set_backing(struct altmm_uobj *obj, struct file *file);
int altmm_file_read_page(struct altmm_uobj *obj, struct page *page);
pgoff_t altmm_file_max_index(struct altmm_uobj *obj);
vm_fault_t altmm_uobj_mkwrite(struct altmm_uobj *obj, struct page *page);
int altmm_file_write_page(struct altmm_uobj *obj, struct page *page, bool sync);
void altmm_file_cancel_dirty(struct altmm_uobj *obj, struct page *page);
int altmm_uobj_writeback(struct altmm_uobj *obj, pgoff_t start, pgoff_t end, bool sync);
int altmm_uobj_fsync(struct altmm_uobj *obj, loff_t start, loff_t end, int datasync);
void altmm_wakeup_flusher(struct altmm_system *sys);
void altmm_flusher_init(struct altmm_usermem *um);
void altmm_usermem_count_mapped(struct altmm_system *sys);

/* swap.c */
struct altmm_swap *altmm_swap_create(unsigned long mb);
void altmm_swap_destroy(struct altmm_swap *swap);
long altmm_swap_alloc(struct altmm_swap *swap);
void altmm_swap_free(struct altmm_swap *swap, unsigned long slot);
int altmm_swap_prepare(struct altmm_swap *swap, unsigned long slot, gfp_t gfp);
void altmm_swap_write(struct altmm_swap *swap, unsigned long slot, struct page *page);
void altmm_swap_read(struct altmm_swap *swap, unsigned long slot, struct page *page);
int altmm_swap_grow(struct altmm_swap *swap, unsigned long mb);
void altmm_swap_set_limit(struct altmm_swap *swap, unsigned long mb);
unsigned long altmm_swap_trim(struct altmm_swap *swap);
unsigned long altmm_swap_total(const struct altmm_swap *swap);
unsigned long altmm_swap_free_slots(const struct altmm_swap *swap);

/* vmscan.c */
void altmm_lruvec_init(struct altmm_lruvec *lruvec);
void altmm_lru_add(struct altmm_system *sys, struct page *page);
void altmm_lru_del(struct altmm_system *sys, struct page *page);
void altmm_lru_rotate(struct altmm_system *sys, struct page *page);
int altmm_isolate_lru_page(struct altmm_system *sys, struct page *page,
			   struct list_head *list);
void altmm_putback_lru_page(struct altmm_system *sys, struct page *page);
void altmm_lru_isolated_done(struct altmm_system *sys, struct page *page);
unsigned long altmm_shrink_lru(struct altmm_system *sys, int nid,
			       unsigned long nr_to_reclaim, gfp_t gfp,
			       bool kswapd, unsigned long *scanned);
unsigned long altmm_lru_size(struct altmm_system *sys, int nid,
			     enum altmm_lru_list lru);
bool altmm_inactive_is_low(struct altmm_system *sys, int nid,
			   enum altmm_lru_list inactive_lru);
void altmm_get_scan_count(struct altmm_system *sys, int nid, int priority,
			  bool may_swap, unsigned long *nr);

#endif /* _ALTMM_USERMEM_H */
