/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalloc over altmm frames: what system.c, debugfs.c and the meminfo
 * file call in vmalloc.c.  The structures are private to vmalloc.c.
 */
#ifndef _ALTMM_VMALLOC_H
#define _ALTMM_VMALLOC_H

#include "mmzone.h"

struct dentry;

int altmm_vmalloc_init(struct altmm_system *sys);
void altmm_vmalloc_exit(struct altmm_system *sys);
void altmm_vmalloc_debugfs_create(struct altmm_system *sys, struct dentry *dir);
void *altmm_sys_vmalloc(struct altmm_system *sys, unsigned long size,
			gfp_t gfp, int nid, unsigned long caller);
int altmm_sys_vfree(struct altmm_system *sys, const void *addr);
void altmm_vmalloc_flush(struct altmm_system *sys);
unsigned long altmm_vmalloc_nr_pages(struct altmm_system *sys);
unsigned long altmm_vmalloc_nr_areas(struct altmm_system *sys);
ssize_t altmm_vmallocinfo_render(struct altmm_system *sys, char *buf,
				 size_t size);

#endif /* _ALTMM_VMALLOC_H */
