/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ctl file (ctl.c): allocate and free from the shell, for experiments
 * and selftests.  See ctl.c for the commands.
 */
#ifndef _ALTMM_CTL_H
#define _ALTMM_CTL_H

#include <linux/gfp.h>

struct altmm_ctl;
struct altmm_system;
struct dentry;

struct altmm_ctl *altmm_ctl_create(struct altmm_system *sys, struct dentry *dir);
void altmm_ctl_release(struct altmm_ctl *ctl);
int altmm_ctl_parse_gfp(char *s, gfp_t *gfp, const char **bad);

#endif /* _ALTMM_CTL_H */
