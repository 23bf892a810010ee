/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs directory of an instance (debugfs.c) and the files in it
 * that have the shapes of the kernel's /proc ones (procfs.c).
 */
#ifndef _ALTMM_DEBUGFS_H
#define _ALTMM_DEBUGFS_H

struct altmm_debugfs;
struct altmm_layout;
struct altmm_system;
struct dentry;

/* procfs.c: the files shaped like the kernel's /proc ones */
void altmm_procfs_create(struct altmm_system *sys, struct dentry *dir);
void altmm_procfs_node_files(struct altmm_system *sys, struct dentry *nodes,
			     struct dentry **node_dirs);

/* debugfs.c */
struct altmm_debugfs *altmm_debugfs_create(struct altmm_system *sys,
					   struct dentry *dir);
void altmm_debugfs_destroy(struct altmm_debugfs *d);

/* One line of the layout summary, without its newline. */
typedef void (*altmm_layout_emit_t)(void *ctx, const char *line);

void altmm_layout_show(const struct altmm_layout *l, unsigned int nr_cpus,
		       altmm_layout_emit_t emit, void *ctx);
void altmm_layout_print(const struct altmm_system *sys);

#endif /* _ALTMM_DEBUGFS_H */
