/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalloc over altmm frames: what system.c, debugfs.c, the meminfo
 * file, api_compat.c and the tests call in vmalloc.c, on any instance.
 * The structures are private to vmalloc.c.
 */
#ifndef _ALTMM_VMALLOC_H
#define _ALTMM_VMALLOC_H

#include "mmzone.h"

struct dentry;
struct vm_area_struct;

int altmm_vmalloc_init(struct altmm_system *sys);
void altmm_vmalloc_exit(struct altmm_system *sys);
void altmm_vmalloc_debugfs_create(struct altmm_system *sys, struct dentry *dir);
void *altmm_sys_vmalloc(struct altmm_system *sys, unsigned long size,
			gfp_t gfp, int nid, unsigned long caller);
void *altmm_sys_vmalloc_node(struct altmm_system *sys, unsigned long size,
			     unsigned long align, gfp_t gfp, int nid,
			     unsigned long vm_flags, unsigned long caller);
int altmm_sys_vfree(struct altmm_system *sys, const void *addr);
void *altmm_sys_vmap(struct altmm_system *sys, struct page **pages,
		     unsigned int count, unsigned long flags, pgprot_t prot,
		     unsigned long caller);
int altmm_sys_vunmap(struct altmm_system *sys, const void *addr);
void *altmm_sys_vm_map_ram(struct altmm_system *sys, struct page **pages,
			   unsigned int count, int node, unsigned long caller);
int altmm_sys_vm_unmap_ram(struct altmm_system *sys, const void *mem,
			   unsigned int count);
struct page *altmm_sys_vmalloc_to_page(struct altmm_system *sys, const void *addr);
bool altmm_sys_vmalloc_owns(struct altmm_system *sys, const void *addr);
int altmm_sys_remap_vmalloc_range(struct altmm_system *sys,
				  struct vm_area_struct *vma, void *addr,
				  unsigned long pgoff);
void altmm_vmalloc_flush(struct altmm_system *sys);
unsigned long altmm_vmalloc_nr_pages(struct altmm_system *sys);
unsigned long altmm_vmalloc_nr_areas(struct altmm_system *sys);
ssize_t altmm_vmallocinfo_render(struct altmm_system *sys, char *buf,
				 size_t size);

#endif /* _ALTMM_VMALLOC_H */
