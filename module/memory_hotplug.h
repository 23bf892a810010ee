/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory hotplug (memory_hotplug.c): taking a section offline and back
 * online, as 6.1's offline_pages() and online_pages() do for a memory
 * block, and what the memory/ files show of it.
 */
#ifndef _ALTMM_MEMORY_HOTPLUG_H
#define _ALTMM_MEMORY_HOTPLUG_H

#include <linux/types.h>

struct altmm_system;
struct altmm_zone;

/* 6.1's MMOP_*: how a memory block is to be onlined, or offline. */
enum altmm_online_type {
	ALTMM_MMOP_OFFLINE,
	ALTMM_MMOP_ONLINE,		/* the zone the block's range defaults to */
	ALTMM_MMOP_ONLINE_KERNEL,	/* a kernel zone */
	ALTMM_MMOP_ONLINE_MOVABLE,	/* ZONE_MOVABLE */
	ALTMM_NR_MMOP
};

extern const char * const altmm_online_type_names[ALTMM_NR_MMOP];

int altmm_online_type_from_str(const char *buf);
struct altmm_zone *altmm_hotplug_zone_for(struct altmm_system *sys,
					  unsigned long nr, int online_type);
const char *altmm_section_state_name(const struct altmm_system *sys,
				     unsigned long nr);
int altmm_offline_section(struct altmm_system *sys, unsigned long nr);
int altmm_online_section(struct altmm_system *sys, unsigned long nr,
			 int online_type);
int altmm_add_memory(struct altmm_system *sys, unsigned long nr);
int altmm_remove_memory(struct altmm_system *sys, unsigned long nr);

#endif /* _ALTMM_MEMORY_HOTPLUG_H */
