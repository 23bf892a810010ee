// SPDX-License-Identifier: GPL-2.0
/*
 * Page migration: moving an owner's page to another frame, for the
 * callers 6.1's mm/migrate.c serves (compaction, hotplug offline,
 * mbind and migrate_pages(2)).
 *
 * What altmm keeps of 6.1:
 *   - migrate_pages(): a list of isolated pages, a callback that gives
 *     each its new frame and one that takes back a frame not used; up
 *     to ten passes, a page that says -EAGAIN (locked, held, under
 *     writeback that was waited for) being tried again in the next one;
 *     -ENOMEM from the allocation ends it; any other error is final for
 *     the page, which stays on the list for the caller to put back
 *     (putback_movable_pages()); the return is the number of pages not
 *     migrated, and pgmigrate_success and pgmigrate_fail count pages;
 *   - the modes of enum migrate_mode: MIGRATE_ASYNC never sleeps on a
 *     lock, MIGRATE_SYNC_LIGHT may, only MIGRATE_SYNC waits for a
 *     writeback in flight; the reasons of enum migrate_reason, which
 *     altmm only passes along (6.1 traces them);
 *   - the owner moves the page: for a user page (usermem.c) that is
 *     try_to_unmap(), a copy and the object's tree pointing at the new
 *     frame, the old one freed once no reference is left;
 *   - kernel pages whose owner made them movable with 6.1's struct
 *     movable_operations (__SetPageMovable(), non-LRU movable pages as
 *     zsmalloc and the balloon drivers make): isolation takes a reference
 *     and calls ->isolate_page() with the page locked, marking it
 *     isolated (PG_isolated); migration calls ->migrate_page(dst, src)
 *     with both pages locked, the owner taking a reference to dst, making
 *     it movable and dropping its reference to src; putback calls
 *     ->putback_page(); a page its owner stopped calling movable
 *     (__ClearPageMovable()) while it was isolated counts as migrated and
 *     only loses the isolation's reference, as 6.1's move_to_new_folio()
 *     has it.
 * What it leaves out: THP splits, migration entries in the page tables
 * (a PTE is cleared and faulted in again instead, which the object's lock
 * makes safe), movable kernel pages above order 0 (6.1's owners have
 * none), and the batching of 6.2's migrate_pages_batch().
 *
 * A movable kernel page's operations are kept as a small id in its
 * descriptor's private word (the kernel keeps the pointer in
 * page->mapping, which altmm leaves to the host: the host's own
 * compaction must never take an arena frame for one of its movable
 * pages).  &altmm_system.movable_lock orders an owner's marking and
 * unmarking with an isolation's taking its reference; the page lock (the
 * host page's PG_locked) orders the owner's callbacks as in 6.1.
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/list.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "migrate.h"
#include "page_alloc.h"
#include "usermem.h"

/* 6.1's NR_MAX_MIGRATE_PAGES_RETRY. */
#define MIGRATE_PASSES	10

/* === Movable kernel pages === */

/*
 * The movable_operations owners registered, for every instance: an id
 * (index + 1) fits the descriptor.  Entries are never removed; an owner
 * unmarks its pages before it goes, as 6.1 asks of a module.
 */
#define MAX_MOVABLE_OPS	16

static const struct movable_operations *movable_ops[MAX_MOVABLE_OPS];
static DEFINE_SPINLOCK(movable_ops_lock);

/* The id of @mops, registering it on first use; 0 when the table is full. */
static unsigned int movable_ops_id(const struct movable_operations *mops)
{
	unsigned int i;

	for (i = 0; i < MAX_MOVABLE_OPS; i++)
		if (READ_ONCE(movable_ops[i]) == mops)
			return i + 1;
	spin_lock(&movable_ops_lock);
	for (i = 0; i < MAX_MOVABLE_OPS; i++) {
		if (!movable_ops[i])
			WRITE_ONCE(movable_ops[i], mops);
		if (movable_ops[i] == mops)
			break;
	}
	spin_unlock(&movable_ops_lock);
	return i < MAX_MOVABLE_OPS ? i + 1 : 0;
}

static const struct movable_operations *desc_movable_ops(const struct altmm_page *d)
{
	return READ_ONCE(movable_ops[d->private - 1]);
}

/*
 * Why @page cannot be marked movable, or NULL: it must be a live order-0
 * kernel allocation, not a slab's, not a user page, not compound.
 */
static const char *movable_check(struct altmm_system *sys, struct page *page,
				 struct altmm_page **dp)
{
	unsigned long pfn, flags;

	if (!altmm_host_page_to_pfn(sys, page, &pfn))
		return "not an altmm page";
	*dp = altmm_pfn_to_desc(sys, pfn);
	flags = READ_ONCE((*dp)->flags);
	if (!(flags & BIT(ALTMM_PG_alloc)))
		return "not allocated";
	if (flags & (BIT(ALTMM_PG_head) | BIT(ALTMM_PG_tail)) ||
	    altmm_alloc_order(*dp))
		return "not an order-0 allocation";
	if (flags & (BIT(ALTMM_PG_slab) | BIT(ALTMM_PG_user)))
		return "owned by the slab or user-memory layer";
	return NULL;
}

/**
 * altmm_sys_set_page_movable() - let migration move a kernel page
 *	(__SetPageMovable())
 * @sys: instance
 * @page: an order-0 allocation of @sys, not slab, not user memory
 * @mops: its owner's operations, every one set; they must stay valid
 *	while any page is marked with them
 *
 * Compaction (and memory offline) may then isolate the page and move it
 * through @mops.  As in 6.1, the owner marks a page it is handed in
 * ->migrate_page() with this call; there the page is locked.
 *
 * Context: any.
 * Return: 0, or -EINVAL (reported) for a page or @mops that cannot be,
 * -ENOSPC when MAX_MOVABLE_OPS owners have registered already.
 */
int altmm_sys_set_page_movable(struct altmm_system *sys, struct page *page,
			       const struct movable_operations *mops)
{
	struct altmm_page *d = NULL;
	const char *why = movable_check(sys, page, &d);
	unsigned long flags;
	unsigned int id;

	if (!why && (!mops || !mops->isolate_page || !mops->migrate_page ||
		     !mops->putback_page))
		why = "movable_operations without all three operations";
	if (unlikely(why)) {
		altmm_misuse(sys, "set_page_movable of %p refused: %s\n", page, why);
		return -EINVAL;
	}
	id = movable_ops_id(mops);
	if (!id) {
		altmm_misuse(sys, "set_page_movable of %p refused: %d owners registered already\n",
			     page, MAX_MOVABLE_OPS);
		return -ENOSPC;
	}
	spin_lock_irqsave(&sys->movable_lock, flags);
	d->private = id;
	set_bit(ALTMM_PG_movable, &d->flags);
	spin_unlock_irqrestore(&sys->movable_lock, flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_set_page_movable, ALTMM_INTERNAL);

/**
 * altmm_sys_clear_page_movable() - a kernel page is no longer movable
 *	(__ClearPageMovable())
 * @sys: instance
 * @page: a page altmm_sys_set_page_movable() marked
 *
 * No migration takes the page after this; one that holds it already
 * drops it without calling the owner (its ->migrate_page() or
 * ->putback_page() is not called once this returns, if the owner called
 * this with the page locked).  An owner frees a movable page after this,
 * though a free of a page still marked clears the mark too.
 *
 * Context: any.
 * Return: 0, or -EINVAL (reported) for a page not marked movable.
 */
int altmm_sys_clear_page_movable(struct altmm_system *sys, struct page *page)
{
	struct altmm_page *d = NULL;
	const char *why = movable_check(sys, page, &d);
	unsigned long flags;

	if (!why && !test_bit(ALTMM_PG_movable, &d->flags))
		why = "not movable";
	if (unlikely(why)) {
		altmm_misuse(sys, "clear_page_movable of %p refused: %s\n", page, why);
		return -EINVAL;
	}
	spin_lock_irqsave(&sys->movable_lock, flags);
	clear_bit(ALTMM_PG_movable, &d->flags);
	spin_unlock_irqrestore(&sys->movable_lock, flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altmm_sys_clear_page_movable, ALTMM_INTERNAL);

/*
 * isolate_kernel_page(): take a movable kernel page for a migration
 * (isolate_movable_page()).  The reference comes first, under the lock
 * its owner's unmarking takes, so the page cannot be freed under us; the
 * owner's ->isolate_page() is asked with the page locked, which a
 * concurrent isolation or ->migrate_page() also holds.
 */
static int isolate_kernel_page(struct altmm_system *sys, struct page *page,
			       struct altmm_page *d, isolate_mode_t mode,
			       struct list_head *list)
{
	const struct movable_operations *mops;
	unsigned long flags;
	bool got = false;

	spin_lock_irqsave(&sys->movable_lock, flags);
	if (test_bit(ALTMM_PG_alloc, &d->flags) && test_bit(ALTMM_PG_movable, &d->flags) &&
	    !test_bit(ALTMM_PG_isolated, &d->flags)) {
		page_ref_inc(page);
		atomic_inc(&d->refcount);
		got = true;
	}
	spin_unlock_irqrestore(&sys->movable_lock, flags);
	if (!got)
		return -EBUSY;

	if (!trylock_page(page))
		goto put;
	if (!test_bit(ALTMM_PG_movable, &d->flags) || test_bit(ALTMM_PG_isolated, &d->flags))
		goto unlock;
	mops = desc_movable_ops(d);
	if (!mops->isolate_page(page, mode))
		goto unlock;
	set_bit(ALTMM_PG_isolated, &d->flags);
	unlock_page(page);
	list_add_tail(&d->lru, list);
	return 0;

unlock:
	unlock_page(page);
put:
	altmm_sys_put_page(sys, page);
	return -EBUSY;
}

/**
 * altmm_isolate_movable_page() - take the page at a pfn for a migration
 * @sys: instance
 * @pfn: a frame of @sys
 * @mode: passed to a kernel page's ->isolate_page() (ISOLATE_ASYNC_MIGRATE
 *	for an asynchronous migration)
 * @list: where the page goes, by its descriptor's lru, for
 *	altmm_migrate_pages() and altmm_putback_pages()
 *
 * A user page on an LRU list (altmm_isolate_lru_page()) or a kernel page
 * its owner made movable (6.1's isolate_movable_page()).
 *
 * Context: process context; does not sleep.
 * Return: 0, or -EBUSY when the frame holds no page that can be taken now
 * (free, not movable, or taken by reclaim or another migration).
 */
int altmm_isolate_movable_page(struct altmm_system *sys, unsigned long pfn,
			       isolate_mode_t mode, struct list_head *list)
{
	struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
	unsigned long flags = READ_ONCE(d->flags);
	struct page *page = altmm_pfn_to_host_page(sys, pfn);

	if (flags & BIT(ALTMM_PG_lru))
		return altmm_isolate_lru_page(sys, page, list);
	if (flags & BIT(ALTMM_PG_movable))
		return isolate_kernel_page(sys, page, d, mode, list);
	return -EBUSY;
}
EXPORT_SYMBOL_NS_GPL(altmm_isolate_movable_page, ALTMM_INTERNAL);

/*
 * A movable kernel page to @dst through its owner (move_to_new_folio()
 * for a non-LRU page), both pages locked.  On success the isolation's
 * reference to the page comes off (the owner has dropped its own) and so
 * does the allocation's of @dst (the owner has taken its own).
 */
static int move_movable_page(struct altmm_system *sys, struct page *page,
			     struct altmm_page *d, struct page *dst,
			     enum migrate_mode mode)
{
	int ret;

	if (mode == MIGRATE_ASYNC) {
		if (!trylock_page(page))
			return -EAGAIN;
	} else {
		lock_page(page);
	}
	/* Nobody else knows of a frame just allocated. */
	if (WARN_ON_ONCE(!trylock_page(dst))) {
		unlock_page(page);
		return -EAGAIN;
	}
	if (!test_bit(ALTMM_PG_movable, &d->flags)) {
		/* Its owner let it go while it was isolated: nothing to move. */
		clear_bit(ALTMM_PG_isolated, &d->flags);
		ret = 1;
	} else {
		ret = desc_movable_ops(d)->migrate_page(dst, page, mode);
		if (!ret)
			clear_bit(ALTMM_PG_isolated, &d->flags);
	}
	unlock_page(dst);
	unlock_page(page);
	if (ret < 0)
		return ret;
	altmm_sys_put_page(sys, page);
	return ret;
}

/* The new frame's owner record is the old one's (folio_copy_owner()). */
static void owner_moved(struct altmm_system *sys, struct page *src, struct page *dst,
			int reason)
{
	unsigned long s, d;

	if (sys->page_owner && altmm_host_page_to_pfn(sys, src, &s) &&
	    altmm_host_page_to_pfn(sys, dst, &d))
		__altmm_page_owner_migrate(sys, s, d, reason);
}

/* unmap_and_move(): one page to a new frame; MIGRATEPAGE_SUCCESS or an error. */
static int unmap_and_move(struct altmm_system *sys, struct page *page,
			  struct page *(*get_new)(struct altmm_system *sys, struct page *src,
						  unsigned long private),
			  void (*put_new)(struct altmm_system *sys, struct page *page,
					  unsigned long private),
			  unsigned long private, enum migrate_mode mode, int reason)
{
	struct altmm_page *d = altmm_user_desc(sys, page);
	struct page *dst;
	int ret;

	dst = get_new(sys, page, private);
	if (!dst)
		return -ENOMEM;
	if (test_bit(ALTMM_PG_isolated, &d->flags)) {
		ret = move_movable_page(sys, page, d, dst, mode);
		if (!ret) {
			owner_moved(sys, page, dst, reason);
			/* Its owner holds dst now, with a reference of its own. */
			altmm_sys_put_page(sys, dst);
			return 0;
		}
	} else {
		ret = altmm_uobj_migrate_page((struct altmm_uobj *)page_private(page),
					      dst, page, mode);
		if (!ret)
			owner_moved(sys, page, dst, reason);
	}
	if (ret) {
		if (put_new)
			put_new(sys, dst, private);
		else
			altmm_sys_free_pages(sys, dst, 0, false);
	}
	/* A page its owner let go needed no frame, and is done with. */
	return ret > 0 ? 0 : ret;
}

/**
 * altmm_migrate_pages() - migrate a list of isolated pages (migrate_pages())
 * @sys: instance
 * @from: the pages, by their descriptors' lru, each taken by
 *	altmm_isolate_movable_page() or altmm_isolate_lru_page()
 * @get_new: gives the frame a page moves to (new_page_t): an order-0
 *	frame of @sys with one reference, or NULL when there is none
 * @put_new: takes back a frame that was not used (free_page_t); NULL
 *	frees it
 * @private: passed to both
 * @mode: how long a page may be waited for
 * @reason: why (enum migrate_reason)
 * @nr_succeeded: if not NULL, set to the pages migrated
 *
 * A page migrated leaves @from; one that could not be stays on it, for
 * altmm_putback_pages().
 *
 * Context: process context, may sleep (MIGRATE_ASYNC sleeps only to
 * allocate, as @get_new's flags allow).
 * Return: the number of pages not migrated, or -ENOMEM when a new frame
 * could not be had (the pages not yet tried stay on @from too).
 */
int altmm_migrate_pages(struct altmm_system *sys, struct list_head *from,
			struct page *(*get_new)(struct altmm_system *sys, struct page *src,
						unsigned long private),
			void (*put_new)(struct altmm_system *sys, struct page *page,
					unsigned long private),
			unsigned long private, enum migrate_mode mode, int reason,
			unsigned int *nr_succeeded)
{
	unsigned int succeeded = 0, failed = 0, retry = 1;
	struct altmm_page *d, *next;
	LIST_HEAD(failed_pages);
	LIST_HEAD(again);
	int pass, ret;

	for (pass = 0; pass < MIGRATE_PASSES && retry; pass++) {
		retry = 0;
		list_for_each_entry_safe(d, next, from, lru) {
			cond_resched();
			list_del_init(&d->lru);
			ret = unmap_and_move(sys, altmm_user_page(sys, d), get_new, put_new,
					     private, mode, reason);
			switch (ret) {
			case 0:
				succeeded++;
				break;
			case -EAGAIN:
				list_add_tail(&d->lru, &again);
				retry++;
				break;
			case -ENOMEM:
				/* This one and those due a retry fail; the rest are untried. */
				list_add_tail(&d->lru, &failed_pages);
				failed += 1 + retry;
				goto out;
			default:
				list_add_tail(&d->lru, &failed_pages);
				failed++;
				break;
			}
		}
		/* Those worth another try go round again. */
		list_splice_tail_init(&again, from);
	}
	failed += retry;
	ret = failed;
out:
	list_splice_tail(&again, from);
	list_splice_tail(&failed_pages, from);
	altmm_count_event(sys, ALTMM_PGMIGRATE_SUCCESS, succeeded);
	altmm_count_event(sys, ALTMM_PGMIGRATE_FAIL, failed);
	if (nr_succeeded)
		*nr_succeeded = succeeded;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(altmm_migrate_pages, ALTMM_INTERNAL);

/**
 * altmm_putback_pages() - put back the pages a migration left
 *	(putback_movable_pages())
 * @sys: instance
 * @list: isolated pages, by their descriptors' lru; emptied
 *
 * Context: process context, may sleep.
 */
void altmm_putback_pages(struct altmm_system *sys, struct list_head *list)
{
	struct altmm_page *d, *next;

	list_for_each_entry_safe(d, next, list, lru) {
		struct page *page = altmm_user_page(sys, d);

		list_del_init(&d->lru);
		if (!test_bit(ALTMM_PG_isolated, &d->flags)) {
			altmm_putback_lru_page(sys, page);
			continue;
		}
		lock_page(page);
		if (test_bit(ALTMM_PG_movable, &d->flags))
			desc_movable_ops(d)->putback_page(page);
		clear_bit(ALTMM_PG_isolated, &d->flags);
		unlock_page(page);
		altmm_sys_put_page(sys, page);
	}
}
EXPORT_SYMBOL_NS_GPL(altmm_putback_pages, ALTMM_INTERNAL);

/* alloc_migration_target() for a node: a frame there or none. */
static struct page *node_target(struct altmm_system *sys, struct page *src,
				unsigned long nid)
{
	return altmm_sys_alloc_pages(sys, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE |
				     __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 0, nid);
}

/* Pages isolated at a time, as 6.1's do_pages_move() batches them. */
#define MIGRATE_BATCH	32

/*
 * Isolate up to MIGRATE_BATCH resident pages of @obj from offset *@index
 * on that are not on node @nid; *@index is where the next batch starts.
 * A page that cannot be isolated (reclaim has it) counts in *@busy.
 */
static unsigned int isolate_batch(struct altmm_uobj *obj, int nid, pgoff_t *index,
				  struct list_head *list, unsigned int *busy)
{
	struct altmm_system *sys = obj->sys;
	unsigned long i, next = ULONG_MAX;
	unsigned int n = 0;
	struct page *page;

	mutex_lock(&obj->lock);
	xa_for_each_start(&obj->pages, i, page, *index) {
		if (xa_is_value(page) || altmm_user_zone(sys, page)->node->nid == nid)
			continue;
		if (altmm_isolate_lru_page(sys, page, list)) {
			(*busy)++;
		} else if (++n == MIGRATE_BATCH) {
			next = i + 1;
			break;
		}
	}
	mutex_unlock(&obj->lock);
	*index = next;
	return n;
}

/**
 * altmm_uobj_migrate() - move an object's resident pages to a node
 *	(migrate_pages(2) for a /dev/altmm object: MR_SYSCALL)
 * @obj: object
 * @nid: an altmm node with memory
 * @mode: the migration mode
 * @nr_moved: if not NULL, set to the pages moved
 *
 * Pages already on @nid stay; pages in swap are not touched (a fault
 * brings them back on the object's node, ALTMM_IOC_SET_NODE).
 *
 * Context: process context, may sleep.
 * Return: the pages that could not be moved (held, under writeback,
 * isolated by reclaim), -EINVAL for a node without memory, -ENOMEM when
 * @nid has no free frame left, or -EINTR on a fatal signal.
 */
int altmm_uobj_migrate(struct altmm_uobj *obj, int nid, enum migrate_mode mode,
		       unsigned int *nr_moved)
{
	struct altmm_system *sys = obj->sys;
	unsigned int busy = 0, moved = 0, n;
	pgoff_t index = 0;
	LIST_HEAD(list);
	int ret = 0;

	if (nid < 0 || nid >= sys->layout.nr_nodes || !sys->nodes[nid] ||
	    !sys->nodes[nid]->node_present_pages)
		return -EINVAL;
	while (isolate_batch(obj, nid, &index, &list, &busy)) {
		ret = altmm_migrate_pages(sys, &list, node_target, NULL, nid, mode,
					  MR_SYSCALL, &n);
		moved += n;
		altmm_putback_pages(sys, &list);
		if (ret < 0)
			break;
		busy += ret;
		ret = 0;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (nr_moved)
		*nr_moved = moved;
	return ret ? ret : busy;
}
EXPORT_SYMBOL_NS_GPL(altmm_uobj_migrate, ALTMM_INTERNAL);
