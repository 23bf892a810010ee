/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vm/ directory of an instance's debugfs (tunables.c): the
 * /proc/sys/vm knobs of the page allocator, and the parser behind them,
 * exported for KUnit.
 */
#ifndef _ALTMM_TUNABLES_H
#define _ALTMM_TUNABLES_H

struct altmm_system;
struct dentry;

void altmm_tunables_create(struct altmm_system *sys, struct dentry *dir);
int altmm_tunables_parse_ints(char *buf, int *vals, int max, int *nr,
			      const char **why);
int altmm_tunables_parse_trigger(const char __user *ubuf, size_t count,
				 const char **why);

#endif /* _ALTMM_TUNABLES_H */
