/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure arithmetic of procfs.c, exported for its KUnit suite: the two
 * fragmentation measures of 6.1's /sys/kernel/debug/extfrag/ files,
 * computed from a zone's free block counts alone, so that they can be
 * checked on hand-built counts without a live page allocator.
 */
#ifndef _ALTMM_PROCFS_H
#define _ALTMM_PROCFS_H

#include "layout.h"

int altmm_procfs_unusable_index(const unsigned long nr_free[ALTMM_MAX_ORDER],
				unsigned int order);
int altmm_procfs_fragmentation_index(const unsigned long nr_free[ALTMM_MAX_ORDER],
				     unsigned int order);

#endif /* _ALTMM_PROCFS_H */
