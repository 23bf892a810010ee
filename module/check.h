/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The invariant checkers (check.c): walks that recompute an instance's
 * free lists, per-CPU lists, allocations and slab lists from first
 * principles and compare them with its counters.  The KUnit suites
 * (kunit/altmm_test.h) and the SMP stress module (stress/) run the same
 * walks; they are exported in the ALTMM_INTERNAL namespace.
 */
#ifndef _ALTMM_CHECK_H
#define _ALTMM_CHECK_H

#include <linux/compiler.h>
#include <linux/types.h>

struct altmm_system;
struct altmm_zone;
struct altmm_node;
struct altmm_kmem_cache;

/**
 * struct altmm_check_report - what the walks found
 * @problems: problems found so far, over every walk given this report
 * @first: the first of them, with where it was found
 * @where: what the running walk looks at ("node 1 zone Normal", a cache's
 *	name), put before the first problem's text; set by the walks
 *
 * Most of a walk runs under spinlocks, where a caller could not report
 * (a KUnit expectation allocates and may sleep): a walk only counts and
 * keeps the first text, and the caller reports once the locks are
 * dropped.  Zero it before the first walk.
 */
struct altmm_check_report {
	unsigned long problems;
	char first[200];
	char where[48];
};

__printf(2, 3) void altmm_check_note(struct altmm_check_report *r,
				     const char *fmt, ...);
unsigned long altmm_check_zone_walk(struct altmm_system *sys,
				    struct altmm_zone *z,
				    struct altmm_check_report *r);
unsigned long altmm_check_cache_walk(struct altmm_kmem_cache *cache,
				     struct altmm_check_report *r,
				     unsigned long *handed_out);
unsigned long altmm_check_slab_walk(struct altmm_system *sys,
				    struct altmm_check_report *r);
unsigned long altmm_check_lru_walk(struct altmm_system *sys,
				   struct altmm_node *node,
				   struct altmm_check_report *r);
unsigned long altmm_check_sections_walk(struct altmm_system *sys,
					struct altmm_check_report *r);
int altmm_check_quiesce(struct altmm_system *sys, unsigned int timeout_ms);
unsigned long altmm_check_instance(struct altmm_system *sys,
				   struct altmm_check_report *r);

#endif /* _ALTMM_CHECK_H */
