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
 *     frame, the old one freed once no reference is left.
 * What it leaves out: kernel pages with movable_operations, THP splits,
 * migration entries in the page tables (a PTE is cleared and faulted in
 * again instead, which the object's lock makes safe), and the batching
 * of 6.2's migrate_pages_batch().
 */

/* Lines about an instance start with its name, which for the default is "altmm". */
#define pr_fmt(fmt) fmt

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/xarray.h>

#include "migrate.h"
#include "page_alloc.h"
#include "usermem.h"

/* 6.1's NR_MAX_MIGRATE_PAGES_RETRY. */
#define MIGRATE_PASSES	10

/* unmap_and_move(): one page to a new frame; MIGRATEPAGE_SUCCESS or an error. */
static int unmap_and_move(struct altmm_system *sys, struct page *page,
			  struct page *(*get_new)(struct altmm_system *sys, struct page *src,
						  unsigned long private),
			  void (*put_new)(struct altmm_system *sys, struct page *page,
					  unsigned long private),
			  unsigned long private, enum migrate_mode mode)
{
	struct altmm_uobj *obj = (struct altmm_uobj *)page_private(page);
	struct page *dst;
	int ret;

	dst = get_new(sys, page, private);
	if (!dst)
		return -ENOMEM;
	ret = altmm_uobj_migrate_page(obj, dst, page, mode);
	if (ret) {
		if (put_new)
			put_new(sys, dst, private);
		else
			altmm_sys_free_pages(sys, dst, 0, false);
	}
	return ret;
}

/**
 * altmm_migrate_pages() - migrate a list of isolated pages (migrate_pages())
 * @sys: instance
 * @from: the pages, by their descriptors' lru, each taken off its LRU
 *	list by altmm_isolate_lru_page()
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
					     private, mode);
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
		list_del_init(&d->lru);
		altmm_putback_lru_page(sys, altmm_user_page(sys, d));
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
