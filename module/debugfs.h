/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs directory of an instance (debugfs.c) and the files in it
 * that have the shapes of the kernel's /proc ones (procfs.c).
 */
#ifndef _ALTMM_DEBUGFS_H
#define _ALTMM_DEBUGFS_H

struct altmm_system;
struct dentry;

/* procfs.c: the files shaped like the kernel's /proc ones */
void altmm_procfs_create(struct altmm_system *sys, struct dentry *dir);

/* debugfs.c */
void altmm_debugfs_create(struct altmm_system *sys, struct dentry *parent);
void altmm_debugfs_remove(struct altmm_system *sys);
int altmm_layout_render(struct altmm_system *sys);

#endif /* _ALTMM_DEBUGFS_H */
