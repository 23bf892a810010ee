// SPDX-License-Identifier: GPL-2.0
/*
 * File-backed user memory: an object of usermem.c made, by the
 * ALTMM_IOC_SET_BACKING ioctl, the page cache of a host file on altmm
 * frames, with 6.1's dirty tracking and writeback.
 *
 * What altmm keeps of 6.1 (mm/filemap.c, mm/page-writeback.c,
 * fs/fs-writeback.c, mm/vmscan.c):
 *   - a fault past the file's end is SIGBUS, whether or not the page is
 *     cached (filemap_fault()); a page not cached is read from the file
 *     (a major fault: pgmajfault, pgpgin), the part past EOF zeroed; a
 *     read error is SIGBUS for the faulting process, nothing kept;
 *   - shared writable mappings are write-notified: the first write to a
 *     clean page faults into ->page_mkwrite, which marks it dirty
 *     (ALTMM_PG_dirty and the object's ALTMM_TAG_DIRTY mark, NR_DIRTY,
 *     NR_ZONE_WRITE_PENDING, nr_dirtied) with the page locked, so that
 *     writeback, which holds the page lock, sees every write;
 *   - writing a page back (folio_clear_dirty_for_io(), then ->writepage)
 *     first takes its PTEs away, so that the next write faults and
 *     dirties it again, then writes the part inside the file's size with
 *     the page under writeback (NR_WRITEBACK); an error leaves the page
 *     dirty, so that nothing is lost, and is reported by the next
 *     fsync() (mapping_set_error());
 *   - writers are throttled as balance_dirty_pages() throttles them:
 *     past dirty_background_ratio of the dirtyable memory (free pages and
 *     file LRU pages) the flusher is woken, past dirty_ratio the writer
 *     writes back its own object's pages before it may dirty another;
 *   - the flusher (a delayed work, the bdi's wb_workfn) writes back every
 *     object whose first dirty page is older than dirty_expire_centisecs,
 *     every dirty_writeback_centisecs, and everything when reclaim wakes
 *     it (wakeup_flusher_threads(WB_REASON_VMSCAN)) or writers pass the
 *     background threshold; a page reclaim marked (PG_reclaim) goes to
 *     the tail of the inactive list once written (folio_rotate_reclaimable());
 *   - fsync() and msync(MS_SYNC) on the device's file write back the
 *     range and fsync the host file; the last close writes back whatever
 *     is still dirty before the cache goes.
 * What it does not keep: readahead (one page per fault), per-bdi
 * bandwidth estimates and pause times (a writer past dirty_ratio writes
 * instead of sleeping), stable pages, truncation by the host file (pages
 * past a shrunk EOF stay cached, unreachable by faults, and are dropped
 * unwritten), and Mapped as a counter: it is counted when read.
 *
 * Locking: &altmm_uobj.lock, then the host page lock.  Writeback takes
 * both to clean a page and copy it, then writes the copy with neither
 * held: a task holding the host file's i_rwsem may fault on the object
 * (write() from a mapping of it), and the host's write takes i_rwsem.
 * The flusher pins the objects it writes and holds no list lock while
 * it does.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/swap.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "usermem.h"

/**
 * altmm_uobj_set_backing() - make an empty object the page cache of @file
 * @obj: object never mapped, without pages
 * @file: a regular host file open for reading; on success the object
 *	holds this reference until it goes
 *
 * Context: process context.
 * Return: 0; -EBADF when @file is not open for reading, -EINVAL when it
 * is not a regular file or opened O_APPEND (writeback writes at the
 * page's offset), -EBUSY when @obj is mapped, has pages or a backing
 * file already.  On error the caller keeps its reference.
 */
int altmm_uobj_set_backing(struct altmm_uobj *obj, struct file *file)
{
	struct altmm_system *sys = obj->sys;
	int ret = 0;

	if (!(file->f_mode & FMODE_READ)) {
		pr_info_ratelimited("%s: backing file of /dev/altmm is not open for reading\n",
				    sys->name);
		return -EBADF;
	}
	if (!S_ISREG(file_inode(file)->i_mode) || (file->f_flags & O_APPEND)) {
		pr_info_ratelimited("%s: backing file of /dev/altmm must be a regular file, not opened O_APPEND\n",
				    sys->name);
		return -EINVAL;
	}
	mutex_lock(&obj->lock);
	spin_lock(&obj->vma_lock);
	if (obj->backing || !xa_empty(&obj->pages) || !list_empty(&obj->vmas))
		ret = -EBUSY;
	else
		obj->backing = file;
	spin_unlock(&obj->vma_lock);
	mutex_unlock(&obj->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_set_backing, ALTMM_INTERNAL);

/**
 * altmm_file_max_index() - the first page offset past the file's end
 * @obj: a file-backed object
 */
pgoff_t altmm_file_max_index(struct altmm_uobj *obj)
{
	return DIV_ROUND_UP(i_size_read(file_inode(obj->backing)), PAGE_SIZE);
}

/**
 * altmm_file_read_page() - read a page of the file into a new frame
 * @obj: a file-backed object, locked
 * @page: the frame, page->index its offset; zeroed past the end
 *
 * Context: process context, may sleep for the read.
 * Return: 0 or the read's error.
 */
int altmm_file_read_page(struct altmm_uobj *obj, struct page *page)
{
	loff_t pos = (loff_t)page->index << PAGE_SHIFT;
	void *kaddr = kmap_local_page(page);
	ssize_t n;

	lockdep_assert_held(&obj->lock);
	n = kernel_read(obj->backing, kaddr, PAGE_SIZE, &pos);
	if (n >= 0)
		memset(kaddr + n, 0, PAGE_SIZE - n);
	kunmap_local(kaddr);
	if (n < 0) {
		pr_warn_ratelimited("%s: reading page %lu of a backing file failed: %zd\n",
				    obj->sys->name, page->index, n);
		return n;
	}
	altmm_count_event(obj->sys, ALTMM_PGPGIN, PAGE_SIZE / SZ_1K);
	return 0;
}

/* The counters a page's dirtying and cleaning move. */
static void account_dirty(struct altmm_system *sys, struct page *page, long delta)
{
	struct altmm_zone *zone = altmm_user_zone(sys, page);

	atomic_long_add(delta, &zone->node->vm_stat[ALTMM_NR_DIRTY]);
	atomic_long_add(delta, &zone->vm_stat[ALTMM_NR_ZONE_WRITE_PENDING]);
	if (delta > 0)
		atomic_long_add(delta, &zone->node->vm_stat[ALTMM_NR_DIRTIED]);
}

static unsigned long centisecs_to_jiffies(int centisecs)
{
	return (unsigned long)max(centisecs, 0) * HZ / 100;
}

/* The first dirty page of a clean object starts its clock and the flusher's. */
static void set_page_dirty_locked(struct altmm_uobj *obj, struct page *page,
				  struct altmm_page *d)
{
	struct altmm_system *sys = obj->sys;
	struct altmm_usermem *um = sys->usermem;
	int period = READ_ONCE(sys->tune.dirty_writeback_centisecs);

	if (test_and_set_bit(ALTMM_PG_dirty, &d->flags))
		return;
	account_dirty(sys, page, 1);
	xa_set_mark(&obj->pages, page->index, ALTMM_TAG_DIRTY);
	if (!obj->dirtied_when) {
		WRITE_ONCE(obj->dirtied_when, jiffies | 1);
		if (period)
			queue_delayed_work(system_unbound_wq, &um->wb_work,
					   centisecs_to_jiffies(period));
	}
}

/* Pages that may be dirty, and how many are: global_dirtyable_memory(). */
static void dirty_state(struct altmm_system *sys, unsigned long *dirtyable,
			unsigned long *dirty)
{
	struct altmm_node *node;
	long avail = 0, nr = 0;
	int nid, zt;

	for_each_altmm_node(sys, node, nid) {
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			struct altmm_zone *zone = &node->zones[zt];

			avail += atomic_long_read(&zone->vm_stat[ALTMM_NR_FREE_PAGES]) +
				 atomic_long_read(&zone->vm_stat[ALTMM_NR_ZONE_INACTIVE_FILE]) +
				 atomic_long_read(&zone->vm_stat[ALTMM_NR_ZONE_ACTIVE_FILE]);
			nr += atomic_long_read(&zone->vm_stat[ALTMM_NR_ZONE_WRITE_PENDING]);
		}
	}
	*dirtyable = max(avail, 1L);
	*dirty = max(nr, 0L);
}

/* balance_dirty_pages(): wake the flusher, or make the writer write. */
static void balance_dirty_pages(struct altmm_uobj *obj)
{
	struct altmm_system *sys = obj->sys;
	unsigned long dirtyable, dirty;

	dirty_state(sys, &dirtyable, &dirty);
	if (dirty * 100 <= dirtyable * READ_ONCE(sys->tune.dirty_background_ratio))
		return;
	altmm_wakeup_flusher(sys);
	if (dirty * 100 > dirtyable * READ_ONCE(sys->tune.dirty_ratio))
		altmm_uobj_writeback(obj, 0, ULONG_MAX, false);
}

/**
 * altmm_uobj_mkwrite() - ->page_mkwrite: a clean page is about to be written
 * @obj: a file-backed object
 * @page: its page, which the fault holds a reference to
 *
 * Context: process context, in a fault, no lock held.
 * Return: VM_FAULT_LOCKED with @page locked and dirty, or VM_FAULT_NOPAGE
 * (the fault is retried) when @page has left @obj meanwhile.
 */
vm_fault_t altmm_uobj_mkwrite(struct altmm_uobj *obj, struct page *page)
{
	balance_dirty_pages(obj);
	mutex_lock(&obj->lock);
	if (xa_load(&obj->pages, page->index) != page) {
		mutex_unlock(&obj->lock);
		return VM_FAULT_NOPAGE;
	}
	lock_page(page);
	set_page_dirty_locked(obj, page, altmm_user_desc(obj->sys, page));
	mutex_unlock(&obj->lock);
	return VM_FAULT_LOCKED;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_mkwrite, ALTMM_INTERNAL);

/* ->writepage: the part of the page inside the file, at its offset. */
static int write_to_file(struct altmm_uobj *obj, pgoff_t index, const void *data)
{
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	loff_t size = i_size_read(file_inode(obj->backing));
	size_t len;
	ssize_t n;

	/* The file shrank under it: as truncation would, drop the data. */
	if (pos >= size)
		return 0;
	len = min_t(loff_t, PAGE_SIZE, size - pos);
	n = kernel_write(obj->backing, data, len, &pos);
	if (n == len)
		return 0;
	return n < 0 ? n : -EIO;
}

/**
 * altmm_file_write_page() - write a page back if it is dirty
 * @obj: its file-backed object, locked; unlocked for the write itself
 * @page: a resident page of @obj, which cannot leave it meanwhile (the
 *	caller has it isolated, or holds the object)
 * @sync: wait for a writeback of the page already in flight, then
 *	return -EAGAIN (fsync: what it writes must land after that one);
 *	else such a page is skipped
 *
 * Takes the page's PTEs away first, so that a write after this one
 * faults and dirties the page again, then copies it and writes the copy
 * with no lock held: a task that holds the host file's i_rwsem (a
 * write() from this very mapping) may fault on the object meanwhile, as
 * the kernel's writeback, which never takes i_rwsem, lets it.  The page
 * is under writeback (NR_WRITEBACK) until the write ends, and may be
 * dirtied again during it.  On error the page is dirty again and the
 * error kept for the next fsync().
 *
 * Context: process context, may sleep; takes the page lock.
 * Return: 0 (written, clean already, or skipped), -EAGAIN (look again),
 * -ENOMEM (no memory to copy it to; still dirty) or the write's error.
 */
int altmm_file_write_page(struct altmm_uobj *obj, struct page *page, bool sync)
{
	struct altmm_system *sys = obj->sys;
	struct altmm_page *d = altmm_user_desc(sys, page);
	struct altmm_zone *zone = altmm_user_zone(sys, page);
	pgoff_t index = page->index;
	void *copy, *kaddr;
	int ret;

	lockdep_assert_held(&obj->lock);
	if (test_bit(ALTMM_PG_writeback, &d->flags)) {
		if (!sync)
			return 0;
		mutex_unlock(&obj->lock);
		wait_on_bit(&d->flags, ALTMM_PG_writeback, TASK_UNINTERRUPTIBLE);
		mutex_lock(&obj->lock);
		return -EAGAIN;
	}
	copy = kmalloc(PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN);
	if (!copy)
		return -ENOMEM;
	lock_page(page);
	/* folio_clear_dirty_for_io()'s page_mkclean(), by unmapping. */
	unmap_mapping_pages(&obj->mapping, index, 1, false);
	if (!test_and_clear_bit(ALTMM_PG_dirty, &d->flags)) {
		unlock_page(page);
		kfree(copy);
		return 0;
	}
	xa_clear_mark(&obj->pages, index, ALTMM_TAG_DIRTY);
	/* The host's dirty bit, which its fault and unmap paths set too. */
	ClearPageDirty(page);
	set_bit(ALTMM_PG_writeback, &d->flags);
	atomic_long_dec(&zone->node->vm_stat[ALTMM_NR_DIRTY]);
	atomic_long_inc(&zone->node->vm_stat[ALTMM_NR_WRITEBACK]);
	kaddr = kmap_local_page(page);
	memcpy(copy, kaddr, PAGE_SIZE);
	kunmap_local(kaddr);
	unlock_page(page);
	mutex_unlock(&obj->lock);

	ret = write_to_file(obj, index, copy);
	kfree(copy);

	mutex_lock(&obj->lock);
	atomic_long_dec(&zone->node->vm_stat[ALTMM_NR_WRITEBACK]);
	atomic_long_dec(&zone->vm_stat[ALTMM_NR_ZONE_WRITE_PENDING]);
	clear_bit_unlock(ALTMM_PG_writeback, &d->flags);
	/* The waiter's wait_on_bit() sees the bit clear before the wake-up. */
	smp_mb__after_atomic();
	wake_up_bit(&d->flags, ALTMM_PG_writeback);
	if (ret) {
		pr_warn_ratelimited("%s: writing page %lu back to its file failed: %d; it stays dirty\n",
				    sys->name, index, ret);
		if (!obj->wb_err)
			obj->wb_err = ret;
		if (!test_bit(ALTMM_PG_dirty, &d->flags)) {
			set_page_dirty_locked(obj, page, d);
			atomic_long_dec(&zone->node->vm_stat[ALTMM_NR_DIRTIED]);
		}
	} else {
		atomic_long_inc(&zone->node->vm_stat[ALTMM_NR_WRITTEN]);
		altmm_count_event(sys, ALTMM_PGPGOUT, PAGE_SIZE / SZ_1K);
		if (test_and_clear_bit(ALTMM_PG_reclaim, &d->flags))
			altmm_lru_rotate(sys, page);
	}
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_file_write_page, ALTMM_INTERNAL);

/**
 * altmm_file_cancel_dirty() - a dirty page goes unwritten (its object goes)
 * @obj: its object, whose last reference is gone
 * @page: the page
 */
void altmm_file_cancel_dirty(struct altmm_uobj *obj, struct page *page)
{
	struct altmm_page *d = altmm_user_desc(obj->sys, page);

	if (test_and_clear_bit(ALTMM_PG_dirty, &d->flags))
		account_dirty(obj->sys, page, -1);
}

/**
 * altmm_uobj_writeback() - write back the dirty pages of a range
 * @obj: object; anonymous ones have none
 * @start: first page offset
 * @end: last page offset, included
 * @sync: wait for writebacks already in flight (WB_SYNC_ALL: fsync, the
 *	last close), else leave their pages (the flusher, writers)
 *
 * Takes and drops @obj->lock every SWAP_CLUSTER_MAX pages, so that the
 * object's faults are not held off for the whole of it.
 *
 * Context: process context, may sleep.
 * Return: 0 or the first error a page met.
 */
int altmm_uobj_writeback(struct altmm_uobj *obj, pgoff_t start, pgoff_t end, bool sync)
{
	unsigned long index = start;
	int err = 0, ret, batch = 0;
	struct page *page;

	if (!obj->backing)
		return 0;
	mutex_lock(&obj->lock);
	while ((page = xa_find(&obj->pages, &index, end, ALTMM_TAG_DIRTY))) {
		ret = altmm_file_write_page(obj, page, sync);
		if (ret == -EAGAIN)
			continue;
		if (ret && !err)
			err = ret;
		if (index == end)
			break;
		index++;
		if (++batch % SWAP_CLUSTER_MAX == 0) {
			mutex_unlock(&obj->lock);
			cond_resched();
			mutex_lock(&obj->lock);
		}
	}
	if (!xa_marked(&obj->pages, ALTMM_TAG_DIRTY))
		WRITE_ONCE(obj->dirtied_when, 0);
	mutex_unlock(&obj->lock);
	return err;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_writeback, ALTMM_INTERNAL);

/**
 * altmm_uobj_fsync() - ->fsync of the device's file
 * @obj: object
 * @start: first byte
 * @end: last byte, included
 * @datasync: fdatasync(): only the data must be on disk
 *
 * Writes back the range, then fsyncs the host file's range.
 *
 * Context: process context, may sleep.
 * Return: 0, or the first error of: this writeback, an earlier one
 * nobody reported yet (which is then forgotten), the host's fsync.
 */
int altmm_uobj_fsync(struct altmm_uobj *obj, loff_t start, loff_t end, int datasync)
{
	int err, werr, ret;

	if (!obj->backing)
		return 0;
	err = altmm_uobj_writeback(obj, start >> PAGE_SHIFT, end >> PAGE_SHIFT, true);
	ret = vfs_fsync_range(obj->backing, start, end, datasync);
	mutex_lock(&obj->lock);
	werr = obj->wb_err;
	obj->wb_err = 0;
	mutex_unlock(&obj->lock);
	return err ?: werr ?: ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_fsync, ALTMM_INTERNAL);

/**
 * altmm_wakeup_flusher() - have the flusher write back every dirty page now
 * @sys: instance with user memory
 *
 * Context: any but hard IRQ.
 */
void altmm_wakeup_flusher(struct altmm_system *sys)
{
	struct altmm_usermem *um = sys->usermem;

	atomic_set(&um->wb_all, 1);
	mod_delayed_work(system_unbound_wq, &um->wb_work, 0);
}

#define FLUSH_BATCH	16

/*
 * wb_workfn(): the expired objects, or all when woken; again while any is
 * dirty.  The objects are written with no list lock held (a write may
 * wait for a task that waits for the list), a batch at a time, each
 * pinned by a reference and marked with the run's number.
 */
static void flusher(struct work_struct *work)
{
	struct altmm_usermem *um = container_of(to_delayed_work(work),
						struct altmm_usermem, wb_work);
	struct altmm_uobj *obj, *batch[FLUSH_BATCH];
	struct altmm_system *sys = NULL;
	bool all = atomic_xchg(&um->wb_all, 0);
	unsigned long when, expire, pass;
	bool more = false;
	int n, i;

	pass = atomic_long_inc_return(&um->wb_pass);
	do {
		n = 0;
		mutex_lock(&um->lock);
		list_for_each_entry(obj, &um->objects, list) {
			sys = obj->sys;
			when = READ_ONCE(obj->dirtied_when);
			if (!obj->backing || !when || obj->wb_pass == pass)
				continue;
			expire = centisecs_to_jiffies(READ_ONCE(sys->tune.dirty_expire_centisecs));
			if (!all && time_before(jiffies, when + expire)) {
				more = true;
				continue;
			}
			if (!kref_get_unless_zero(&obj->ref))
				continue;
			obj->wb_pass = pass;
			batch[n++] = obj;
			if (n == FLUSH_BATCH)
				break;
		}
		mutex_unlock(&um->lock);
		for (i = 0; i < n; i++) {
			altmm_uobj_writeback(batch[i], 0, ULONG_MAX, false);
			if (READ_ONCE(batch[i]->dirtied_when))
				more = true;
			altmm_uobj_put(batch[i]);
		}
	} while (n == FLUSH_BATCH);
	if (more) {
		int period = READ_ONCE(sys->tune.dirty_writeback_centisecs);

		if (period)
			queue_delayed_work(system_unbound_wq, &um->wb_work,
					   centisecs_to_jiffies(period));
	}
}

/**
 * altmm_flusher_init() - the flusher of a new &altmm_usermem
 * @um: it
 */
void altmm_flusher_init(struct altmm_usermem *um)
{
	INIT_DELAYED_WORK(&um->wb_work, flusher);
	atomic_set(&um->wb_all, 0);
	atomic_long_set(&um->wb_pass, 0);
}

/**
 * altmm_usermem_count_mapped() - count NR_FILE_MAPPED afresh
 * @sys: instance
 *
 * The kernel counts a file page mapped when its mapcount leaves 0, in
 * its rmap code, which altmm cannot hook; the files that show "Mapped"
 * and "nr_mapped" have it counted here first: the resident pages of
 * file-backed objects that some PTE maps.
 *
 * Context: process context; takes &altmm_usermem.lock.
 */
void altmm_usermem_count_mapped(struct altmm_system *sys)
{
	struct altmm_usermem *um = sys->usermem;
	long mapped[ALTMM_MAX_NUMNODES] = {};
	struct altmm_node *node;
	struct altmm_uobj *obj;
	unsigned long index;
	void *entry;
	int nid;

	if (!um)
		return;
	mutex_lock(&um->lock);
	list_for_each_entry(obj, &um->objects, list) {
		if (!obj->backing)
			continue;
		xa_for_each(&obj->pages, index, entry) {
			if (xa_is_value(entry) || !page_mapped(entry))
				continue;
			mapped[altmm_user_zone(sys, entry)->node->nid]++;
		}
		cond_resched();
	}
	mutex_unlock(&um->lock);
	for_each_altmm_node(sys, node, nid)
		atomic_long_set(&node->vm_stat[ALTMM_NR_FILE_MAPPED], mapped[nid]);
}
EXPORT_SYMBOL_NS_GPL(altmm_usermem_count_mapped, ALTMM_INTERNAL);
