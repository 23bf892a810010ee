/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page migration (migrate.c): what compaction, hotplug and the
 * /dev/altmm ioctl that moves an object's pages use, and the marking of
 * movable kernel pages (6.1's movable_operations).
 */
#ifndef _ALTMM_MIGRATE_H
#define _ALTMM_MIGRATE_H

#include <linux/migrate_mode.h>
#include <linux/mmzone.h>

#include "usermem.h"

struct movable_operations;

int altmm_sys_set_page_movable(struct altmm_system *sys, struct page *page,
			       const struct movable_operations *mops);
int altmm_sys_clear_page_movable(struct altmm_system *sys, struct page *page);
int altmm_isolate_movable_page(struct altmm_system *sys, unsigned long pfn,
			       isolate_mode_t mode, struct list_head *list);

int altmm_migrate_pages(struct altmm_system *sys, struct list_head *from,
			struct page *(*get_new)(struct altmm_system *sys, struct page *src,
						unsigned long private),
			void (*put_new)(struct altmm_system *sys, struct page *page,
					unsigned long private),
			unsigned long private, enum migrate_mode mode, int reason,
			unsigned int *nr_succeeded);
void altmm_putback_pages(struct altmm_system *sys, struct list_head *list);
int altmm_uobj_migrate(struct altmm_uobj *obj, int nid, enum migrate_mode mode,
		       unsigned int *nr_moved);

#endif /* _ALTMM_MIGRATE_H */
