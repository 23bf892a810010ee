/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compaction (compaction.c): moving user pages out of the way so that
 * free frames merge into large blocks.
 */
#ifndef _ALTMM_COMPACTION_H
#define _ALTMM_COMPACTION_H

#include "mmzone.h"	/* and, after linux/mm.h, linux/compaction.h */

/**
 * struct altmm_compact_stats - what one compaction of a zone did
 * @migrate_scanned: frames the migration scanner looked at
 * @free_scanned: frames the free scanner looked at
 * @isolated: user pages and free frames it isolated
 * @migrated: pages it moved
 */
struct altmm_compact_stats {
	unsigned long migrate_scanned;
	unsigned long free_scanned;
	unsigned long isolated;
	unsigned long migrated;
};

enum compact_result altmm_compaction_suitable(struct altmm_system *sys,
					      struct altmm_zone *zone, int order,
					      unsigned int alloc_flags,
					      int highest_zoneidx);
enum compact_result altmm_compact_zone_order(struct altmm_system *sys,
					     struct altmm_zone *zone, int order,
					     gfp_t gfp, enum compact_priority prio,
					     unsigned int alloc_flags,
					     int highest_zoneidx,
					     struct altmm_compact_stats *stats);
enum compact_result altmm_try_to_compact_pages(struct altmm_system *sys, gfp_t gfp,
					       unsigned int order,
					       unsigned int alloc_flags,
					       struct altmm_zonelist *zonelist,
					       int highest_zoneidx,
					       enum compact_priority prio);
int altmm_compact_node(struct altmm_system *sys, int nid,
		       struct altmm_compact_stats *stats);
int altmm_compact_nodes(struct altmm_system *sys);
void altmm_compaction_proactiveness_changed(struct altmm_system *sys);
int altmm_compaction_start(struct altmm_system *sys);
void altmm_compaction_stop(struct altmm_system *sys);

#endif /* _ALTMM_COMPACTION_H */
