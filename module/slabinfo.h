/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slab layer's files (slabinfo.c): "slabinfo", in the format of
 * 6.1's /proc/slabinfo, and "slab/<cache>/", a directory per cache with
 * the statistics /sys/kernel/slab/<cache>/ has.  Caches come and go at
 * run time; slabinfo.c follows them through an &struct altmm_slab_observer.
 */
#ifndef _ALTMM_SLABINFO_H
#define _ALTMM_SLABINFO_H

struct altmm_kmem_cache;
struct altmm_slabinfo;
struct altmm_system;
struct dentry;

/**
 * struct altmm_slab_partial - what a cache's partial lists hold
 * @slabs: slabs on the partial lists
 * @objects: objects handed out from them
 */
struct altmm_slab_partial {
	unsigned long slabs;
	unsigned long objects;
};

struct altmm_slabinfo *altmm_slabinfo_create(struct altmm_system *sys,
					     struct dentry *dir);
void altmm_slabinfo_remove(struct altmm_slabinfo *si);
void altmm_slabinfo_partial(struct altmm_kmem_cache *cache, int nid,
			    struct altmm_slab_partial *p);

#endif /* _ALTMM_SLABINFO_H */
