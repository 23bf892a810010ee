// SPDX-License-Identifier: GPL-2.0
/*
 * The files shaped like the kernel's /proc ones, byte for byte as Linux
 * 6.1 prints them (see ../shared/reference/linux-6.1-proc/), so that every
 * tool and parser that reads those reads these:
 *
 *   buddyinfo               /proc/buddyinfo (frag_show_print())
 *   pagetypeinfo            /proc/pagetypeinfo (pagetypeinfo_show())
 *   zoneinfo                /proc/zoneinfo (zoneinfo_show_print())
 *   extfrag/unusable_index  /sys/kernel/debug/extfrag/unusable_index
 *   extfrag/extfrag_index   /sys/kernel/debug/extfrag/extfrag_index
 *   vmstat                  /proc/vmstat (vmstat_show())
 *   meminfo                 /proc/meminfo (meminfo_proc_show()), then
 *                           altmm's own lines
 *
 * The kernel prints the same names for every machine of one configuration,
 * Debian's amd64 6.1 here; a counter altmm does not model prints 0, as on
 * a machine where the feature never ran.  Two things differ by design:
 *
 *  - zoneinfo shows altmm's six zone types, HighMem included, for every
 *    instance (so protection lists six numbers).  vmstat and meminfo go
 *    further only for an instance that has a HighMem range: they then
 *    print what a CONFIG_HIGHMEM kernel adds (pgalloc_high,
 *    allocstall_high, pgskip_high; HighTotal, HighFree, LowTotal,
 *    LowFree), where that kernel prints them.  An instance without
 *    highmem prints exactly the reference's names.
 *  - meminfo ends with two lines of altmm's own, after every kernel key
 *    (see meminfo_show_altmm()).
 *
 * Locking: the free lists and pageblock bits are read under the zone
 * lock, as 6.1's walk_zones_in_node() does (the lists exist from the
 * moment the zone does).  Everything else is a counter read once,
 * racily, as /proc reads them.  The files go before the instance does,
 * so its per-CPU data outlives every read; it may not exist yet, and
 * then prints 0.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kernel-page-flags.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "mmzone.h"
#include "page_alloc.h"
#include "usermem.h"
#include "vmalloc.h"
#include "debugfs.h"

/* === Counter names and where altmm keeps them, in 6.1's vmstat_text order === */

static const char * const zone_stat_names[ALTMM_NR_ZONE_STAT_ITEMS] = {
	[ALTMM_NR_FREE_PAGES]		= "nr_free_pages",
	[ALTMM_NR_ZONE_INACTIVE_ANON]	= "nr_zone_inactive_anon",
	[ALTMM_NR_ZONE_ACTIVE_ANON]	= "nr_zone_active_anon",
	[ALTMM_NR_ZONE_INACTIVE_FILE]	= "nr_zone_inactive_file",
	[ALTMM_NR_ZONE_ACTIVE_FILE]	= "nr_zone_active_file",
	[ALTMM_NR_ZONE_UNEVICTABLE]	= "nr_zone_unevictable",
	[ALTMM_NR_ZONE_WRITE_PENDING]	= "nr_zone_write_pending",
	[ALTMM_NR_MLOCK]		= "nr_mlock",
	[ALTMM_NR_BOUNCE]		= "nr_bounce",
	[ALTMM_NR_ZSPAGES]		= "nr_zspages",
	[ALTMM_NR_FREE_CMA_PAGES]	= "nr_free_cma",
};

static const char * const numa_stat_names[ALTMM_NR_NUMA_STAT_ITEMS] = {
	[ALTMM_NUMA_HIT]		= "numa_hit",
	[ALTMM_NUMA_MISS]		= "numa_miss",
	[ALTMM_NUMA_FOREIGN]		= "numa_foreign",
	[ALTMM_NUMA_INTERLEAVE_HIT]	= "numa_interleave",
	[ALTMM_NUMA_LOCAL]		= "numa_local",
	[ALTMM_NUMA_OTHER]		= "numa_other",
};

/* Where the value of a node stat or vm event line comes from. */
enum stat_source {
	SRC_ZERO,	/* not modelled */
	SRC_NODE,	/* node vm_stat[item], in pages */
	SRC_NODE_B,	/* node vm_stat[item], kept in bytes, printed in pages */
	SRC_LRU,	/* a node LRU size: the sum of zone vm_stat[item] */
	SRC_EVENT,	/* vm event [item], summed over CPUs */
};

/**
 * struct stat_line - one line of vmstat, or of zoneinfo's per-node stats
 * @name: 6.1's name
 * @src: &enum stat_source
 * @item: index in the array @src names
 * @highmem: printed only by an instance with a HighMem range
 */
struct stat_line {
	const char *name;
	u8 src;
	u8 item;
	bool highmem;
};

#define ZERO(n)		{ .name = (n), .src = SRC_ZERO }
#define NODE(n, i)	{ .name = (n), .src = SRC_NODE, .item = (i) }
#define NODE_B(n, i)	{ .name = (n), .src = SRC_NODE_B, .item = (i) }
#define LRU(n, i)	{ .name = (n), .src = SRC_LRU, .item = (i) }
#define EVENT(n, i)	{ .name = (n), .src = SRC_EVENT, .item = (i) }
#define HIGH_EVENT(n, i) { .name = (n), .src = SRC_EVENT, .item = (i), .highmem = true }
#define HIGH_ZERO(n)	{ .name = (n), .src = SRC_ZERO, .highmem = true }

/*
 * enum node_stat_item as Debian configures 6.1.  The LRU sizes are kept
 * per zone only: a node's is the sum of its zones', as in the kernel,
 * which moves both together.
 */
static const struct stat_line node_stat_lines[] = {
	LRU("nr_inactive_anon", ALTMM_NR_ZONE_INACTIVE_ANON),
	LRU("nr_active_anon", ALTMM_NR_ZONE_ACTIVE_ANON),
	LRU("nr_inactive_file", ALTMM_NR_ZONE_INACTIVE_FILE),
	LRU("nr_active_file", ALTMM_NR_ZONE_ACTIVE_FILE),
	LRU("nr_unevictable", ALTMM_NR_ZONE_UNEVICTABLE),
	NODE_B("nr_slab_reclaimable", ALTMM_NR_SLAB_RECLAIMABLE_B),
	NODE_B("nr_slab_unreclaimable", ALTMM_NR_SLAB_UNRECLAIMABLE_B),
	NODE("nr_isolated_anon", ALTMM_NR_ISOLATED_ANON),
	NODE("nr_isolated_file", ALTMM_NR_ISOLATED_FILE),
	ZERO("workingset_nodes"),
	NODE("workingset_refault_anon", ALTMM_WORKINGSET_REFAULT_ANON),
	NODE("workingset_refault_file", ALTMM_WORKINGSET_REFAULT_FILE),
	NODE("workingset_activate_anon", ALTMM_WORKINGSET_ACTIVATE_ANON),
	NODE("workingset_activate_file", ALTMM_WORKINGSET_ACTIVATE_FILE),
	ZERO("workingset_restore_anon"), ZERO("workingset_restore_file"),
	ZERO("workingset_nodereclaim"),
	NODE("nr_anon_pages", ALTMM_NR_ANON_MAPPED),
	NODE("nr_mapped", ALTMM_NR_FILE_MAPPED),
	NODE("nr_file_pages", ALTMM_NR_FILE_PAGES),
	NODE("nr_dirty", ALTMM_NR_DIRTY),
	NODE("nr_writeback", ALTMM_NR_WRITEBACK),
	ZERO("nr_writeback_temp"),
	ZERO("nr_shmem"), ZERO("nr_shmem_hugepages"),
	ZERO("nr_shmem_pmdmapped"), ZERO("nr_file_hugepages"),
	ZERO("nr_file_pmdmapped"), ZERO("nr_anon_transparent_hugepages"),
	NODE("nr_vmscan_write", ALTMM_NR_VMSCAN_WRITE),
	NODE("nr_vmscan_immediate_reclaim", ALTMM_NR_VMSCAN_IMMEDIATE),
	NODE("nr_dirtied", ALTMM_NR_DIRTIED), NODE("nr_written", ALTMM_NR_WRITTEN),
	ZERO("nr_throttled_written"),
	NODE("nr_kernel_misc_reclaimable", ALTMM_NR_KERNEL_MISC_RECLAIMABLE),
	ZERO("nr_foll_pin_acquired"), ZERO("nr_foll_pin_released"),
	ZERO("nr_kernel_stack"), ZERO("nr_page_table_pages"),
	ZERO("nr_sec_page_table_pages"), NODE("nr_swapcached", ALTMM_NR_SWAPCACHE),
	ZERO("pgpromote_success"), ZERO("pgpromote_candidate"),
};

static_assert(ARRAY_SIZE(node_stat_lines) == 43,
	      "Debian 6.1 has 43 node stat items");

/*
 * The rest of vmstat: the writeback thresholds, then enum vm_event_item
 * (CONFIG_VM_EVENT_COUNTERS), then the deprecated nr_unstable.  The
 * per-zone events list zone types in 6.1's TEXTS_FOR_ZONES order, where
 * a CONFIG_HIGHMEM kernel puts "_high" after "_normal".
 */
static const struct stat_line vmstat_tail_lines[] = {
	ZERO("nr_dirty_threshold"), ZERO("nr_dirty_background_threshold"),
	EVENT("pgpgin", ALTMM_PGPGIN), EVENT("pgpgout", ALTMM_PGPGOUT),
	EVENT("pswpin", ALTMM_PSWPIN), EVENT("pswpout", ALTMM_PSWPOUT),
	EVENT("pgalloc_dma", ALTMM_PGALLOC + ALTMM_ZONE_DMA),
	EVENT("pgalloc_dma32", ALTMM_PGALLOC + ALTMM_ZONE_DMA32),
	EVENT("pgalloc_normal", ALTMM_PGALLOC + ALTMM_ZONE_NORMAL),
	HIGH_EVENT("pgalloc_high", ALTMM_PGALLOC + ALTMM_ZONE_HIGHMEM),
	EVENT("pgalloc_movable", ALTMM_PGALLOC + ALTMM_ZONE_MOVABLE),
	EVENT("pgalloc_device", ALTMM_PGALLOC + ALTMM_ZONE_DEVICE),
	EVENT("allocstall_dma", ALTMM_ALLOCSTALL + ALTMM_ZONE_DMA),
	EVENT("allocstall_dma32", ALTMM_ALLOCSTALL + ALTMM_ZONE_DMA32),
	EVENT("allocstall_normal", ALTMM_ALLOCSTALL + ALTMM_ZONE_NORMAL),
	HIGH_EVENT("allocstall_high", ALTMM_ALLOCSTALL + ALTMM_ZONE_HIGHMEM),
	EVENT("allocstall_movable", ALTMM_ALLOCSTALL + ALTMM_ZONE_MOVABLE),
	EVENT("allocstall_device", ALTMM_ALLOCSTALL + ALTMM_ZONE_DEVICE),
	ZERO("pgskip_dma"), ZERO("pgskip_dma32"), ZERO("pgskip_normal"),
	HIGH_ZERO("pgskip_high"),
	ZERO("pgskip_movable"), ZERO("pgskip_device"),
	EVENT("pgfree", ALTMM_PGFREE),
	EVENT("pgactivate", ALTMM_PGACTIVATE),
	EVENT("pgdeactivate", ALTMM_PGDEACTIVATE), ZERO("pglazyfree"),
	EVENT("pgfault", ALTMM_PGFAULT), EVENT("pgmajfault", ALTMM_PGMAJFAULT),
	ZERO("pglazyfreed"),
	EVENT("pgrefill", ALTMM_PGREFILL), ZERO("pgreuse"),
	EVENT("pgsteal_kswapd", ALTMM_PGSTEAL_KSWAPD),
	EVENT("pgsteal_direct", ALTMM_PGSTEAL_DIRECT),
	ZERO("pgdemote_kswapd"), ZERO("pgdemote_direct"),
	EVENT("pgscan_kswapd", ALTMM_PGSCAN_KSWAPD),
	EVENT("pgscan_direct", ALTMM_PGSCAN_DIRECT),
	ZERO("pgscan_direct_throttle"), EVENT("pgscan_anon", ALTMM_PGSCAN_ANON),
	EVENT("pgscan_file", ALTMM_PGSCAN_FILE),
	EVENT("pgsteal_anon", ALTMM_PGSTEAL_ANON),
	EVENT("pgsteal_file", ALTMM_PGSTEAL_FILE),
	ZERO("zone_reclaim_failed"), ZERO("pginodesteal"),
	ZERO("slabs_scanned"), ZERO("kswapd_inodesteal"),
	EVENT("kswapd_low_wmark_hit_quickly", ALTMM_KSWAPD_LOW_WMARK_HIT_QUICKLY),
	EVENT("kswapd_high_wmark_hit_quickly", ALTMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY),
	EVENT("pageoutrun", ALTMM_KSWAPD_WAKE),
	EVENT("pgrotated", ALTMM_PGROTATED), ZERO("drop_pagecache"), ZERO("drop_slab"),
	EVENT("oom_kill", ALTMM_OOM_KILL),
	ZERO("numa_pte_updates"), ZERO("numa_huge_pte_updates"),
	ZERO("numa_hint_faults"), ZERO("numa_hint_faults_local"),
	ZERO("numa_pages_migrated"),
	EVENT("pgmigrate_success", ALTMM_PGMIGRATE_SUCCESS),
	EVENT("pgmigrate_fail", ALTMM_PGMIGRATE_FAIL),
	ZERO("thp_migration_success"), ZERO("thp_migration_fail"),
	ZERO("thp_migration_split"),
	EVENT("compact_migrate_scanned", ALTMM_COMPACTMIGRATE_SCANNED),
	EVENT("compact_free_scanned", ALTMM_COMPACTFREE_SCANNED),
	EVENT("compact_isolated", ALTMM_COMPACTISOLATED),
	EVENT("compact_stall", ALTMM_COMPACTSTALL),
	EVENT("compact_fail", ALTMM_COMPACTFAIL),
	EVENT("compact_success", ALTMM_COMPACTSUCCESS),
	EVENT("compact_daemon_wake", ALTMM_KCOMPACTD_WAKE),
	EVENT("compact_daemon_migrate_scanned", ALTMM_KCOMPACTD_MIGRATE_SCANNED),
	EVENT("compact_daemon_free_scanned", ALTMM_KCOMPACTD_FREE_SCANNED),
	ZERO("htlb_buddy_alloc_success"), ZERO("htlb_buddy_alloc_fail"),
	ZERO("unevictable_pgs_culled"), ZERO("unevictable_pgs_scanned"),
	ZERO("unevictable_pgs_rescued"), ZERO("unevictable_pgs_mlocked"),
	ZERO("unevictable_pgs_munlocked"), ZERO("unevictable_pgs_cleared"),
	ZERO("unevictable_pgs_stranded"),
	ZERO("thp_fault_alloc"), ZERO("thp_fault_fallback"),
	ZERO("thp_fault_fallback_charge"), ZERO("thp_collapse_alloc"),
	ZERO("thp_collapse_alloc_failed"), ZERO("thp_file_alloc"),
	ZERO("thp_file_fallback"), ZERO("thp_file_fallback_charge"),
	ZERO("thp_file_mapped"), ZERO("thp_split_page"),
	ZERO("thp_split_page_failed"), ZERO("thp_deferred_split_page"),
	ZERO("thp_split_pmd"), ZERO("thp_scan_exceed_none_pte"),
	ZERO("thp_scan_exceed_swap_pte"), ZERO("thp_scan_exceed_share_pte"),
	ZERO("thp_split_pud"), ZERO("thp_zero_page_alloc"),
	ZERO("thp_zero_page_alloc_failed"), ZERO("thp_swpout"),
	ZERO("thp_swpout_fallback"),
	ZERO("balloon_inflate"), ZERO("balloon_deflate"),
	ZERO("balloon_migrate"),
	ZERO("swap_ra"), ZERO("swap_ra_hit"),
	ZERO("ksm_swpin_copy"), ZERO("cow_ksm"),
	ZERO("zswpin"), ZERO("zswpout"),
	ZERO("direct_map_level2_splits"), ZERO("direct_map_level3_splits"),
	ZERO("nr_unstable"),
};

/* 2 writeback thresholds + 110 events + nr_unstable, with no HighMem. */
static_assert(ARRAY_SIZE(vmstat_tail_lines) == 2 + 110 + 1 + 3,
	      "the reference's /proc/vmstat tail, plus three _high lines");

/* === Reading counters === */

/*
 * An instance configured with a HighMem range looks like a CONFIG_HIGHMEM
 * kernel in vmstat and meminfo; see the head comment.
 */
static bool has_highmem(const struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;

	return l->zone_high[ALTMM_ZONE_HIGHMEM] > l->zone_low[ALTMM_ZONE_HIGHMEM];
}

/* As zone_page_state(): a racy read, and a transient negative reads 0. */
static unsigned long zone_stat(const struct altmm_zone *zone, int item)
{
	long x = atomic_long_read(&zone->vm_stat[item]);

	return max(x, 0L);
}

static unsigned long zone_numa_stat(const struct altmm_zone *zone, int item)
{
	unsigned long sum = 0;
	int cpu;

	if (!zone->pcp)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->numa_stat[item]);
	return sum;
}

/*
 * The value of @line over node @only, or over every node when @only is
 * NULL (vmstat's global view).  Sums are clamped at 0 after adding, as
 * global_node_page_state() clamps the global counter.
 */
static unsigned long stat_line_value(const struct altmm_system *sys,
				     const struct altmm_node *only,
				     const struct stat_line *line)
{
	const struct altmm_node *node;
	long sum = 0;
	int nid, zt;

	switch (line->src) {
	case SRC_ZERO:
		return 0;
	case SRC_EVENT:
		/* NULL until the page allocator's counters exist. */
		return READ_ONCE(sys->vm_events) ?
		       altmm_vm_event_sum(sys, line->item) : 0;
	}

	for_each_altmm_node(sys, node, nid) {
		if (only && node != only)
			continue;
		switch (line->src) {
		case SRC_NODE:
			sum += atomic_long_read(&node->vm_stat[line->item]);
			break;
		case SRC_NODE_B:
			/* An arithmetic shift keeps a transient negative so. */
			sum += atomic_long_read(&node->vm_stat[line->item]) >> PAGE_SHIFT;
			break;
		case SRC_LRU:
			for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
				sum += atomic_long_read(&node->zones[zt].vm_stat[line->item]);
			break;
		}
	}
	return max(sum, 0L);
}

static unsigned long node_stat_pages(const struct altmm_system *sys,
				     int item, bool in_bytes)
{
	const struct stat_line line = {
		.src = in_bytes ? SRC_NODE_B : SRC_NODE,
		.item = item,
	};

	return stat_line_value(sys, NULL, &line);
}

/* As N_MEMORY: the node has present memory in some zone. */
static bool node_has_memory(const struct altmm_node *node)
{
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
		if (altmm_zone_populated(&node->zones[zt]))
			return true;
	return false;
}

/* The next populated zone of @node from type *@zt on, or NULL; advances *@zt. */
static struct altmm_zone *next_populated_zone(struct altmm_node *node, int *zt)
{
	for (; *zt < ALTMM_NR_ZONES; (*zt)++)
		if (altmm_zone_populated(&node->zones[*zt]))
			return &node->zones[(*zt)++];
	return NULL;
}

/* 6.1's walk_zones_in_node(..., assert_populated = true, ...). */
#define for_each_populated_zone_of(node, zone, zt)			\
	for ((zt) = 0; ((zone) = next_populated_zone((node), &(zt)));)

static void zone_header(struct seq_file *m, const struct altmm_zone *zone)
{
	seq_printf(m, "Node %d, zone %8s ", altmm_zone_nid(zone),
		   altmm_zone_names[zone->type]);
}

/* === buddyinfo === */

static int buddyinfo_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	unsigned long nr_free[ALTMM_MAX_ORDER];
	struct altmm_zone *zone;
	struct altmm_node *node;
	unsigned int order;
	int nid, zt;

	for_each_altmm_node(sys, node, nid) {
		for_each_populated_zone_of(node, zone, zt) {
			altmm_zone_nr_free(zone, nr_free);
			zone_header(m, zone);
			for (order = 0; order < ALTMM_MAX_ORDER; order++)
				seq_printf(m, "%6lu ", nr_free[order]);
			seq_putc(m, '\n');
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

/* === pagetypeinfo === */

/* 6.1 stops counting a free list here, to bound its time under the lock. */
#define FREE_LIST_COUNT_CAP	100000

static unsigned long count_free_list(struct altmm_zone *zone,
				     unsigned int order, int mt, bool *overflow)
{
	struct list_head *pos;
	unsigned long flags, n = 0;

	*overflow = false;
	spin_lock_irqsave(&zone->lock, flags);
	list_for_each(pos, &zone->free_area[order].free_list[mt]) {
		if (++n >= FREE_LIST_COUNT_CAP) {
			*overflow = true;
			break;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return n;
}

static void pagetypeinfo_free(struct seq_file *m, struct altmm_node *node)
{
	struct altmm_zone *zone;
	unsigned int order;
	bool overflow;
	int zt, mt;

	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (order = 0; order < ALTMM_MAX_ORDER; order++)
		seq_printf(m, "%6d ", order);
	seq_putc(m, '\n');

	for_each_populated_zone_of(node, zone, zt) {
		for (mt = 0; mt < ALTMM_MIGRATE_TYPES; mt++) {
			seq_printf(m, "Node %4d, zone %8s, type %12s ", node->nid,
				   altmm_zone_names[zone->type], altmm_migratetype_names[mt]);
			for (order = 0; order < ALTMM_MAX_ORDER; order++) {
				unsigned long n = count_free_list(zone, order, mt,
								  &overflow);

				seq_printf(m, "%s%6lu ", overflow ? ">" : "", n);
				cond_resched();
			}
			seq_putc(m, '\n');
		}
	}
}

/*
 * Pageblocks of each type among the zone's online frames; a pageblock of
 * the span that belongs to another zone or node is not counted.
 */
static void pageblock_counts(const struct altmm_system *sys,
			     struct altmm_zone *zone,
			     unsigned long count[ALTMM_MIGRATE_TYPES])
{
	unsigned long end = zone->zone_start_pfn + zone->spanned_pages;
	unsigned long pfn, flags;

	memset(count, 0, ALTMM_MIGRATE_TYPES * sizeof(*count));
	spin_lock_irqsave(&zone->lock, flags);
	for (pfn = zone->zone_start_pfn; pfn < end; pfn += ALTMM_PAGEBLOCK_NR_PAGES) {
		const struct altmm_section *sec = altmm_pfn_to_section(sys, pfn);
		int mt;

		if (!sec || !(sec->flags & ALTMM_SECTION_ONLINE) ||
		    sec->nid != altmm_zone_nid(zone) || sec->zone != zone->type)
			continue;
		mt = altmm_get_pageblock_migratetype(sys, pfn);
		if (mt < ALTMM_MIGRATE_TYPES)
			count[mt]++;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}

static void pagetypeinfo_blocks(struct seq_file *m, struct altmm_system *sys,
				struct altmm_node *node)
{
	unsigned long count[ALTMM_MIGRATE_TYPES];
	struct altmm_zone *zone;
	int zt, mt;

	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < ALTMM_MIGRATE_TYPES; mt++)
		seq_printf(m, "%12s ", altmm_migratetype_names[mt]);
	seq_putc(m, '\n');

	for_each_populated_zone_of(node, zone, zt) {
		pageblock_counts(sys, zone, count);
		zone_header(m, zone);
		for (mt = 0; mt < ALTMM_MIGRATE_TYPES; mt++)
			seq_printf(m, "%12lu ", count[mt]);
		seq_putc(m, '\n');
	}
}

/*
 * Once per node with memory.  The "Number of mixed blocks" part needs
 * page_owner, which Debian's 6.1 does not enable, so it never prints.
 */
static int pagetypeinfo_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	struct altmm_node *node;
	int nid;

	for_each_altmm_node(sys, node, nid) {
		if (!node_has_memory(node))
			continue;
		seq_printf(m, "Page block order: %d\n", ALTMM_PAGEBLOCK_ORDER);
		seq_printf(m, "Pages per block:  %lu\n", ALTMM_PAGEBLOCK_NR_PAGES);
		seq_putc(m, '\n');
		pagetypeinfo_free(m, node);
		pagetypeinfo_blocks(m, sys, node);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagetypeinfo);

/* === zoneinfo === */

static bool zone_is_first_populated(const struct altmm_node *node,
				    const struct altmm_zone *zone)
{
	int zt;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
		if (altmm_zone_populated(&node->zones[zt]))
			return &node->zones[zt] == zone;
	return false;
}

/* calculate_normal_threshold(): the per-CPU counter drift allowed. */
static int zone_stat_threshold(const struct altmm_zone *zone)
{
	unsigned long mem = altmm_zone_managed(zone) >> (27 - PAGE_SHIFT);

	return min(125, 2 * fls(num_online_cpus()) * (1 + fls(mem)));
}

static void zoneinfo_pagesets(struct seq_file *m, const struct altmm_zone *zone)
{
	struct altmm_pcp __percpu *pcps = READ_ONCE(zone->pcp);
	int cpu;

	seq_puts(m, "\n  pagesets");
	for_each_online_cpu(cpu) {
		int count = 0, high = 0, batch = 0;

		/* NULL until the per-CPU lists are set up: print zeros. */
		if (pcps) {
			const struct altmm_pcp *pcp = per_cpu_ptr(pcps, cpu);

			count = READ_ONCE(pcp->count);
			high = READ_ONCE(pcp->high);
			batch = READ_ONCE(pcp->batch);
		}
		seq_printf(m, "\n    cpu: %i", cpu);
		seq_printf(m, "\n              count: %i", count);
		seq_printf(m, "\n              high:  %i", high);
		seq_printf(m, "\n              batch: %i", batch);
		seq_printf(m, "\n  vm stats threshold: %d",
			   zone_stat_threshold(zone));
	}
}

static void zoneinfo_show_zone(struct seq_file *m, struct altmm_system *sys,
			       const struct altmm_node *node,
			       const struct altmm_zone *zone)
{
	int i;

	seq_printf(m, "Node %d, zone %8s", node->nid, altmm_zone_names[zone->type]);
	if (zone_is_first_populated(node, zone)) {
		seq_puts(m, "\n  per-node stats");
		for (i = 0; i < ARRAY_SIZE(node_stat_lines); i++)
			seq_printf(m, "\n      %-12s %lu", node_stat_lines[i].name,
				   stat_line_value(sys, node, &node_stat_lines[i]));
	}
	seq_printf(m, "\n  pages free     %lu", zone_stat(zone, ALTMM_NR_FREE_PAGES));
	seq_printf(m, "\n        boost    %lu", READ_ONCE(zone->watermark_boost));
	seq_printf(m, "\n        min      %lu", altmm_wmark(zone, ALTMM_WMARK_MIN));
	seq_printf(m, "\n        low      %lu", altmm_wmark(zone, ALTMM_WMARK_LOW));
	seq_printf(m, "\n        high     %lu", altmm_wmark(zone, ALTMM_WMARK_HIGH));
	seq_printf(m, "\n        spanned  %lu", zone->spanned_pages);
	seq_printf(m, "\n        present  %lu", zone->present_pages);
	seq_printf(m, "\n        managed  %lu", altmm_zone_managed(zone));
	seq_printf(m, "\n        cma      %lu", 0UL);

	seq_printf(m, "\n        protection: (%ld", READ_ONCE(zone->lowmem_reserve[0]));
	for (i = 1; i < ALTMM_NR_ZONES; i++)
		seq_printf(m, ", %ld", READ_ONCE(zone->lowmem_reserve[i]));
	seq_putc(m, ')');

	/* 6.1: nothing else is of use about an empty zone. */
	if (!altmm_zone_populated(zone)) {
		seq_putc(m, '\n');
		return;
	}

	for (i = 0; i < ALTMM_NR_ZONE_STAT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %lu", zone_stat_names[i],
			   zone_stat(zone, i));
	for (i = 0; i < ALTMM_NR_NUMA_STAT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %lu", numa_stat_names[i],
			   zone_numa_stat(zone, i));

	zoneinfo_pagesets(m, zone);
	seq_printf(m, "\n  node_unreclaimable:  %u",
		   READ_ONCE(node->kswapd_failures) >= ALTMM_MAX_RECLAIM_RETRIES);
	seq_printf(m, "\n  start_pfn:           %lu", zone->zone_start_pfn);
	seq_putc(m, '\n');
}

/* Every zone type of every node, populated or not, as 6.1 does. */
static int zoneinfo_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	struct altmm_node *node;
	int nid, zt;

	altmm_usermem_count_mapped(sys);

	for_each_altmm_node(sys, node, nid)
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			zoneinfo_show_zone(m, sys, node, &node->zones[zt]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

/* === extfrag === */

/*
 * One line per populated zone.  The formats differ as 6.1's do: "%d" for
 * the unusable index, "%2d" for the fragmentation index, and both print
 * the quotient and remainder of a C division by 1000, so that -1000 shows
 * as "-1.000" and -500 as " 0.-500".
 */
static void extfrag_show_index(struct seq_file *m, struct altmm_system *sys,
			       bool unusable)
{
	unsigned long nr_free[ALTMM_MAX_ORDER];
	struct altmm_zone *zone;
	struct altmm_node *node;
	unsigned int order;
	int nid, zt, index;

	for_each_altmm_node(sys, node, nid) {
		for_each_populated_zone_of(node, zone, zt) {
			altmm_zone_nr_free(zone, nr_free);
			zone_header(m, zone);
			for (order = 0; order < ALTMM_MAX_ORDER; order++) {
				if (unusable) {
					index = altmm_unusable_index(nr_free, order);
					seq_printf(m, "%d.%03d ", index / 1000, index % 1000);
				} else {
					index = altmm_fragmentation_index(nr_free, order);
					seq_printf(m, "%2d.%03d ", index / 1000, index % 1000);
				}
			}
			seq_putc(m, '\n');
		}
	}
}

static int unusable_index_show(struct seq_file *m, void *v)
{
	extfrag_show_index(m, m->private, true);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

static int extfrag_index_show(struct seq_file *m, void *v)
{
	extfrag_show_index(m, m->private, false);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

/* === vmstat === */

/*
 * Events with no /proc/vmstat name of their own.  Parsers of the real
 * file read name/value pairs, so lines after the kernel's are harmless.
 */
static const struct {
	const char *name;
	enum altmm_vm_event_item item;
} altmm_event_lines[] = {
	{ "altmm_alloc_fail",		ALTMM_ALLOC_FAIL },
	{ "altmm_misuse",		ALTMM_MISUSE },
	{ "altmm_drain_all",		ALTMM_DRAIN_ALL },
	{ "altmm_extfrag",		ALTMM_EXTFRAG },
	{ "altmm_steal_block",		ALTMM_STEAL_BLOCK },
	{ "altmm_highatomic_reserve",	ALTMM_HIGHATOMIC_RESERVE },
	{ "altmm_highatomic_unreserve",	ALTMM_HIGHATOMIC_UNRESERVE },
};

static void vmstat_line(struct seq_file *m, const char *name, unsigned long val)
{
	seq_puts(m, name);
	seq_put_decimal_ull(m, " ", val);
	seq_putc(m, '\n');
}

static int vmstat_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	bool highmem = has_highmem(sys);
	struct altmm_node *node;
	int nid, zt, i;

	altmm_usermem_count_mapped(sys);

	for (i = 0; i < ALTMM_NR_ZONE_STAT_ITEMS; i++) {
		long sum = 0;

		for_each_altmm_node(sys, node, nid)
			for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
				sum += atomic_long_read(&node->zones[zt].vm_stat[i]);
		vmstat_line(m, zone_stat_names[i], max(sum, 0L));
	}
	for (i = 0; i < ALTMM_NR_NUMA_STAT_ITEMS; i++) {
		unsigned long sum = 0;

		for_each_altmm_node(sys, node, nid)
			for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
				sum += zone_numa_stat(&node->zones[zt], i);
		vmstat_line(m, numa_stat_names[i], sum);
	}
	for (i = 0; i < ARRAY_SIZE(node_stat_lines); i++)
		vmstat_line(m, node_stat_lines[i].name,
			    stat_line_value(sys, NULL, &node_stat_lines[i]));
	for (i = 0; i < ARRAY_SIZE(vmstat_tail_lines); i++) {
		const struct stat_line *line = &vmstat_tail_lines[i];

		if (line->highmem && !highmem)
			continue;
		vmstat_line(m, line->name, stat_line_value(sys, NULL, line));
	}
	/* altmm's own events, after the kernel's, each behind its prefix. */
	for (i = 0; i < ARRAY_SIZE(altmm_event_lines); i++)
		vmstat_line(m, altmm_event_lines[i].name,
			    READ_ONCE(sys->vm_events) ?
			    altmm_vm_event_sum(sys, altmm_event_lines[i].item) : 0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

/* === meminfo === */

/**
 * struct meminfo - the zone totals meminfo derives its lines from, in frames
 * @managed: totalram_pages()
 * @free: NR_FREE_PAGES
 * @high_managed: totalhigh_pages(): managed frames of highmem zones
 * @high_free: nr_free_highpages()
 * @wmark_low: the low watermarks of every zone, added up
 * @lru: the LRU sizes, by &enum altmm_zone_stat_item (only those entries)
 * @mlock: NR_MLOCK
 * @bounce: NR_BOUNCE
 */
struct meminfo {
	unsigned long managed;
	unsigned long free;
	unsigned long high_managed;
	unsigned long high_free;
	unsigned long wmark_low;
	unsigned long lru[ALTMM_NR_ZONE_UNEVICTABLE + 1];
	unsigned long mlock;
	unsigned long bounce;
};

/* Over node @only, or every node when it is NULL. */
static void meminfo_collect(struct altmm_system *sys, const struct altmm_node *only,
			    struct meminfo *mi)
{
	struct altmm_node *node;
	int nid, zt, i;

	*mi = (struct meminfo){};
	for_each_altmm_node(sys, node, nid) {
		if (only && node != only)
			continue;
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
			const struct altmm_zone *zone = &node->zones[zt];
			unsigned long free = zone_stat(zone, ALTMM_NR_FREE_PAGES);

			mi->managed += altmm_zone_managed(zone);
			mi->free += free;
			if (altmm_zone_is_highmem(sys, zone)) {
				mi->high_managed += altmm_zone_managed(zone);
				mi->high_free += free;
			}
			mi->wmark_low += altmm_wmark(zone, ALTMM_WMARK_LOW);
			for (i = ALTMM_NR_ZONE_INACTIVE_ANON; i <= ALTMM_NR_ZONE_UNEVICTABLE; i++)
				mi->lru[i] += zone_stat(zone, i);
			mi->mlock += zone_stat(zone, ALTMM_NR_MLOCK);
			mi->bounce += zone_stat(zone, ALTMM_NR_BOUNCE);
		}
	}
}

/*
 * 6.1's si_mem_available(): free frames less the reserves, plus the part
 * of the page cache and of reclaimable kernel memory that could be given
 * back without going below the low watermarks.  altmm has no page cache
 * yet, so that term is 0 unless the zones' file LRU sizes move.
 */
static unsigned long mem_available(struct altmm_system *sys,
				   const struct meminfo *mi,
				   unsigned long sreclaimable)
{
	unsigned long pagecache, reclaimable;
	long available;

	available = (long)mi->free - (long)READ_ONCE(sys->totalreserve_pages);

	pagecache = mi->lru[ALTMM_NR_ZONE_ACTIVE_FILE] +
		    mi->lru[ALTMM_NR_ZONE_INACTIVE_FILE];
	pagecache -= min(pagecache / 2, mi->wmark_low);
	available += pagecache;

	reclaimable = sreclaimable +
		node_stat_pages(sys, ALTMM_NR_KERNEL_MISC_RECLAIMABLE, false);
	available += reclaimable - min(reclaimable / 2, mi->wmark_low);

	return max(available, 0L);
}

/* As 6.1's show_val_kb(): a 16-column key, 8-column value, in kB. */
static void show_kb(struct seq_file *m, const char *key, unsigned long pages)
{
	seq_printf(m, "%-16s%8lu kB\n", key, pages << (PAGE_SHIFT - 10));
}

/*
 * What altmm itself spends describing its memory, in bytes: what the boot
 * allocator reserved other than the firmware page (frame descriptors,
 * usemaps, node data), the host-side section table, and every zone's
 * per-CPU list heads on every possible CPU.
 */
static u64 metadata_bytes(const struct altmm_system *sys)
{
	const struct altmm_mb_type *rsv = &sys->memblock.reserved;
	const struct altmm_node *node;
	u64 bytes = 0;
	unsigned int i;
	int nid, zt;

	for (i = 0; i < rsv->cnt; i++)
		bytes += rsv->regions[i].size;
	bytes -= min_t(u64, bytes, PAGE_SIZE);
	bytes += (u64)sys->layout.nr_sections * sizeof(struct altmm_section);
	for_each_altmm_node(sys, node, nid)
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			if (READ_ONCE(node->zones[zt].pcp))
				bytes += (u64)num_possible_cpus() *
					 sizeof(struct altmm_pcp);
	return bytes;
}

/*
 * altmm's own lines, after every kernel key so that a parser of
 * /proc/meminfo meets the kernel's keys in the kernel's order first:
 *
 *   AltmmMetadata:      5128 kB       metadata_bytes(), in kB (rounded
 *                                     down, as Zswap: is)
 *   AltmmMetaPerFrame:  32.4 bytes    metadata_bytes() per managed frame,
 *                                     rounded to one decimal
 *
 * Both keep the kernel's columns: the value ends in column 24, like
 * show_val_kb()'s 16-column key and 8-column value, and a key of 16 or
 * more characters is followed by one space, as "HardwareCorrupted:" is.
 */
static void meminfo_show_altmm(struct seq_file *m, struct altmm_system *sys,
			       const struct meminfo *mi)
{
	u64 bytes = metadata_bytes(sys);
	u64 tenths = mi->managed ?
		div64_u64(bytes * 10 + mi->managed / 2, mi->managed) : 0;
	u32 frac;
	u64 whole = div_u64_rem(tenths, 10, &frac);

	seq_printf(m, "%-16s%8llu kB\n", "AltmmMetadata:", bytes >> 10);
	seq_printf(m, "AltmmMetaPerFrame: %3llu.%u bytes\n", whole, frac);
}

/*
 * The keys of Debian's 6.1 in its order.  User memory (/dev/altmm, its
 * LRU lists, swap, file-backed objects) fills the LRU lines, Cached,
 * SwapCached, Dirty, Writeback, AnonPages, Mapped, SwapTotal and
 * SwapFree.  What altmm does not model (buffers, zswap, page tables,
 * commit accounting, percpu, THP, hugetlb, its own page tables for
 * DirectMap) prints 0, except Hugepagesize, a size rather than a count: a
 * pageblock, which is HUGETLB_PAGE_ORDER on x86-64.
 */
static int meminfo_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	struct altmm_swap *swap = sys->usermem ? sys->usermem->swap : NULL;
	unsigned long sreclaimable, sunreclaim, misc;
	struct meminfo mi;

	altmm_usermem_count_mapped(sys);

	meminfo_collect(sys, NULL, &mi);
	sreclaimable = node_stat_pages(sys, ALTMM_NR_SLAB_RECLAIMABLE_B, true);
	sunreclaim = node_stat_pages(sys, ALTMM_NR_SLAB_UNRECLAIMABLE_B, true);
	misc = node_stat_pages(sys, ALTMM_NR_KERNEL_MISC_RECLAIMABLE, false);

	show_kb(m, "MemTotal:", mi.managed);
	show_kb(m, "MemFree:", mi.free);
	show_kb(m, "MemAvailable:", mem_available(sys, &mi, sreclaimable));
	show_kb(m, "Buffers:", 0);
	/* The swap cache's pages are file pages too, which Cached leaves out. */
	show_kb(m, "Cached:", node_stat_pages(sys, ALTMM_NR_FILE_PAGES, false) -
		node_stat_pages(sys, ALTMM_NR_SWAPCACHE, false));
	show_kb(m, "SwapCached:", node_stat_pages(sys, ALTMM_NR_SWAPCACHE, false));
	show_kb(m, "Active:", mi.lru[ALTMM_NR_ZONE_ACTIVE_ANON] +
		mi.lru[ALTMM_NR_ZONE_ACTIVE_FILE]);
	show_kb(m, "Inactive:", mi.lru[ALTMM_NR_ZONE_INACTIVE_ANON] +
		mi.lru[ALTMM_NR_ZONE_INACTIVE_FILE]);
	show_kb(m, "Active(anon):", mi.lru[ALTMM_NR_ZONE_ACTIVE_ANON]);
	show_kb(m, "Inactive(anon):", mi.lru[ALTMM_NR_ZONE_INACTIVE_ANON]);
	show_kb(m, "Active(file):", mi.lru[ALTMM_NR_ZONE_ACTIVE_FILE]);
	show_kb(m, "Inactive(file):", mi.lru[ALTMM_NR_ZONE_INACTIVE_FILE]);
	show_kb(m, "Unevictable:", mi.lru[ALTMM_NR_ZONE_UNEVICTABLE]);
	show_kb(m, "Mlocked:", mi.mlock);
	if (has_highmem(sys)) {
		show_kb(m, "HighTotal:", mi.high_managed);
		show_kb(m, "HighFree:", mi.high_free);
		show_kb(m, "LowTotal:", mi.managed - mi.high_managed);
		show_kb(m, "LowFree:", mi.free - mi.high_free);
	}
	show_kb(m, "SwapTotal:", swap ? altmm_swap_total(swap) : 0);
	show_kb(m, "SwapFree:", swap ? altmm_swap_free_slots(swap) : 0);
	show_kb(m, "Zswap:", 0);
	show_kb(m, "Zswapped:", 0);
	show_kb(m, "Dirty:", node_stat_pages(sys, ALTMM_NR_DIRTY, false));
	show_kb(m, "Writeback:", node_stat_pages(sys, ALTMM_NR_WRITEBACK, false));
	show_kb(m, "AnonPages:", node_stat_pages(sys, ALTMM_NR_ANON_MAPPED, false));
	show_kb(m, "Mapped:", node_stat_pages(sys, ALTMM_NR_FILE_MAPPED, false));
	show_kb(m, "Shmem:", 0);
	show_kb(m, "KReclaimable:", sreclaimable + misc);
	show_kb(m, "Slab:", sreclaimable + sunreclaim);
	show_kb(m, "SReclaimable:", sreclaimable);
	show_kb(m, "SUnreclaim:", sunreclaim);
	show_kb(m, "KernelStack:", 0);
	show_kb(m, "PageTables:", 0);
	show_kb(m, "SecPageTables:", 0);
	show_kb(m, "NFS_Unstable:", 0);
	show_kb(m, "Bounce:", mi.bounce);
	show_kb(m, "WritebackTmp:", 0);
	show_kb(m, "CommitLimit:", 0);
	show_kb(m, "Committed_AS:", 0);
	show_kb(m, "VmallocTotal:", 0);
	/* As 6.1: the frames behind vmalloc areas, page arrays included. */
	show_kb(m, "VmallocUsed:", sys->vmalloc ? altmm_vmalloc_nr_pages(sys) : 0);
	show_kb(m, "VmallocChunk:", 0);
	show_kb(m, "Percpu:", 0);
	seq_printf(m, "HardwareCorrupted: %5lu kB\n", 0UL);
	show_kb(m, "AnonHugePages:", 0);
	show_kb(m, "ShmemHugePages:", 0);
	show_kb(m, "ShmemPmdMapped:", 0);
	show_kb(m, "FileHugePages:", 0);
	show_kb(m, "FilePmdMapped:", 0);
	seq_printf(m, "HugePages_Total:   %5lu\n", 0UL);
	seq_printf(m, "HugePages_Free:    %5lu\n", 0UL);
	seq_printf(m, "HugePages_Rsvd:    %5lu\n", 0UL);
	seq_printf(m, "HugePages_Surp:    %5lu\n", 0UL);
	show_kb(m, "Hugepagesize:", ALTMM_PAGEBLOCK_NR_PAGES);
	show_kb(m, "Hugetlb:", 0);
	show_kb(m, "DirectMap4k:", 0);
	show_kb(m, "DirectMap2M:", 0);
	show_kb(m, "DirectMap1G:", 0);
	meminfo_show_altmm(m, sys, &mi);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(meminfo);

/* === node/: /sys/devices/system/node/ === */

/* A node stat over @node alone, in pages. */
static unsigned long one_node_pages(const struct altmm_node *node, int item, bool in_bytes)
{
	const struct stat_line line = {
		.src = in_bytes ? SRC_NODE_B : SRC_NODE,
		.item = item,
	};

	return stat_line_value(node->sys, node, &line);
}

/* node_read_meminfo(): "Node N Key:" in 16 columns, then the kB. */
static int node_meminfo_show(struct seq_file *m, void *v)
{
	struct altmm_node *node = m->private;
	struct altmm_system *sys = node->sys;
	unsigned long srec, sunrec;
	struct meminfo mi;
	int nid = node->nid;

#define NODE_KB(key, pages) \
	seq_printf(m, "Node %d %-16s%8lu kB\n", nid, key, (pages) << (PAGE_SHIFT - 10))

	altmm_usermem_count_mapped(sys);
	meminfo_collect(sys, node, &mi);
	srec = one_node_pages(node, ALTMM_NR_SLAB_RECLAIMABLE_B, true);
	sunrec = one_node_pages(node, ALTMM_NR_SLAB_UNRECLAIMABLE_B, true);
	NODE_KB("MemTotal:", mi.managed);
	NODE_KB("MemFree:", mi.free);
	NODE_KB("MemUsed:", mi.managed - mi.free);
	NODE_KB("SwapCached:", one_node_pages(node, ALTMM_NR_SWAPCACHE, false));
	NODE_KB("Active:", mi.lru[ALTMM_NR_ZONE_ACTIVE_ANON] + mi.lru[ALTMM_NR_ZONE_ACTIVE_FILE]);
	NODE_KB("Inactive:", mi.lru[ALTMM_NR_ZONE_INACTIVE_ANON] +
		mi.lru[ALTMM_NR_ZONE_INACTIVE_FILE]);
	NODE_KB("Active(anon):", mi.lru[ALTMM_NR_ZONE_ACTIVE_ANON]);
	NODE_KB("Inactive(anon):", mi.lru[ALTMM_NR_ZONE_INACTIVE_ANON]);
	NODE_KB("Active(file):", mi.lru[ALTMM_NR_ZONE_ACTIVE_FILE]);
	NODE_KB("Inactive(file):", mi.lru[ALTMM_NR_ZONE_INACTIVE_FILE]);
	NODE_KB("Unevictable:", mi.lru[ALTMM_NR_ZONE_UNEVICTABLE]);
	NODE_KB("Mlocked:", mi.mlock);
	if (has_highmem(sys)) {
		NODE_KB("HighTotal:", mi.high_managed);
		NODE_KB("HighFree:", mi.high_free);
		NODE_KB("LowTotal:", mi.managed - mi.high_managed);
		NODE_KB("LowFree:", mi.free - mi.high_free);
	}
	NODE_KB("Dirty:", one_node_pages(node, ALTMM_NR_DIRTY, false));
	NODE_KB("Writeback:", one_node_pages(node, ALTMM_NR_WRITEBACK, false));
	NODE_KB("FilePages:", one_node_pages(node, ALTMM_NR_FILE_PAGES, false));
	NODE_KB("Mapped:", one_node_pages(node, ALTMM_NR_FILE_MAPPED, false));
	NODE_KB("AnonPages:", one_node_pages(node, ALTMM_NR_ANON_MAPPED, false));
	NODE_KB("Shmem:", 0UL);
	NODE_KB("KernelStack:", 0UL);
	NODE_KB("PageTables:", 0UL);
	NODE_KB("SecPageTables:", 0UL);
	NODE_KB("NFS_Unstable:", 0UL);
	NODE_KB("Bounce:", mi.bounce);
	NODE_KB("WritebackTmp:", 0UL);
	NODE_KB("KReclaimable:", srec +
		one_node_pages(node, ALTMM_NR_KERNEL_MISC_RECLAIMABLE, false));
	NODE_KB("Slab:", srec + sunrec);
	NODE_KB("SReclaimable:", srec);
	NODE_KB("SUnreclaim:", sunrec);
	NODE_KB("AnonHugePages:", 0UL);
	NODE_KB("ShmemHugePages:", 0UL);
	NODE_KB("ShmemPmdMapped:", 0UL);
	/* 6.1 prints these two one column to the left. */
	seq_printf(m, "Node %d FileHugePages: %8lu kB\n", nid, 0UL);
	seq_printf(m, "Node %d FilePmdMapped: %8lu kB\n", nid, 0UL);
	seq_printf(m, "Node %d HugePages_Total: %5u\nNode %d HugePages_Free:  %5u\nNode %d HugePages_Surp:  %5u\n",
		   nid, 0, nid, 0, nid, 0);
#undef NODE_KB
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(node_meminfo);

/* node_read_numastat(): the node's NUMA events under their old names. */
static int node_numastat_show(struct seq_file *m, void *v)
{
	struct altmm_node *node = m->private;
	unsigned long x[ALTMM_NR_NUMA_STAT_ITEMS] = { };
	int zt, i;

	for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
		for (i = 0; i < ALTMM_NR_NUMA_STAT_ITEMS; i++)
			x[i] += zone_numa_stat(&node->zones[zt], i);
	seq_printf(m, "numa_hit %lu\nnuma_miss %lu\nnuma_foreign %lu\ninterleave_hit %lu\nlocal_node %lu\nother_node %lu\n",
		   x[ALTMM_NUMA_HIT], x[ALTMM_NUMA_MISS], x[ALTMM_NUMA_FOREIGN],
		   x[ALTMM_NUMA_INTERLEAVE_HIT], x[ALTMM_NUMA_LOCAL], x[ALTMM_NUMA_OTHER]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(node_numastat);

/* node_read_vmstat(): vmstat's zone, NUMA and node sections, for one node. */
static int node_vmstat_show(struct seq_file *m, void *v)
{
	struct altmm_node *node = m->private;
	int zt, i;

	altmm_usermem_count_mapped(node->sys);
	for (i = 0; i < ALTMM_NR_ZONE_STAT_ITEMS; i++) {
		long sum = 0;

		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			sum += atomic_long_read(&node->zones[zt].vm_stat[i]);
		vmstat_line(m, zone_stat_names[i], max(sum, 0L));
	}
	for (i = 0; i < ALTMM_NR_NUMA_STAT_ITEMS; i++) {
		unsigned long sum = 0;

		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			sum += zone_numa_stat(&node->zones[zt], i);
		vmstat_line(m, numa_stat_names[i], sum);
	}
	for (i = 0; i < ARRAY_SIZE(node_stat_lines); i++)
		vmstat_line(m, node_stat_lines[i].name,
			    stat_line_value(node->sys, node, &node_stat_lines[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(node_vmstat);

/* node_read_distance(): this node's row of the distance table. */
static int node_distance_show(struct seq_file *m, void *v)
{
	struct altmm_node *node = m->private;
	const struct altmm_layout *l = &node->sys->layout;
	int i;

	for (i = 0; i < l->nr_nodes; i++)
		seq_printf(m, "%s%u", i ? " " : "", l->distance[node->nid][i]);
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(node_distance);

/* The CPUs the instance puts on @nid (its cpu_node= map). */
static void node_cpus(const struct altmm_system *sys, int nid, struct cpumask *mask)
{
	int cpu;

	cpumask_clear(mask);
	for_each_possible_cpu(cpu)
		if (sys->layout.cpu_node[cpu] == nid)
			cpumask_set_cpu(cpu, mask);
}

static int node_cpus_show(struct seq_file *m, bool list)
{
	struct altmm_node *node = m->private;
	cpumask_var_t mask;

	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	node_cpus(node->sys, node->nid, mask);
	seq_printf(m, list ? "%*pbl\n" : "%*pb\n", cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return 0;
}

static int node_cpumap_show(struct seq_file *m, void *v)
{
	return node_cpus_show(m, false);
}
DEFINE_SHOW_ATTRIBUTE(node_cpumap);

static int node_cpulist_show(struct seq_file *m, void *v)
{
	return node_cpus_show(m, true);
}
DEFINE_SHOW_ATTRIBUTE(node_cpulist);

/* The node states of node/: a node list, "%*pbl" of a nodemask. */
enum node_state_file { NS_POSSIBLE, NS_ONLINE, NS_NORMAL, NS_MEMORY, NS_CPU, NS_NR };

static const char * const node_state_names[NS_NR] = {
	[NS_POSSIBLE] = "possible", [NS_ONLINE] = "online",
	[NS_NORMAL] = "has_normal_memory", [NS_MEMORY] = "has_memory",
	[NS_CPU] = "has_cpu",
};

static bool node_in_state(struct altmm_system *sys, struct altmm_node *node, int state)
{
	cpumask_var_t mask;
	bool ret;
	int zt;

	switch (state) {
	case NS_NORMAL:
		/* N_NORMAL_MEMORY: memory in a zone the kernel maps, up to Normal. */
		for (zt = 0; zt <= ALTMM_ZONE_NORMAL; zt++)
			if (altmm_zone_populated(&node->zones[zt]))
				return true;
		return false;
	case NS_MEMORY:
		return node_has_memory(node);
	case NS_CPU:
		if (!alloc_cpumask_var(&mask, GFP_KERNEL))
			return false;
		node_cpus(sys, node->nid, mask);
		ret = !cpumask_empty(mask);
		free_cpumask_var(mask);
		return ret;
	default:
		return true;
	}
}

static int node_state_show(struct seq_file *m, void *v)
{
	struct dentry *dentry = m->file->f_path.dentry;
	struct altmm_system *sys = m->private;
	nodemask_t nodes = NODE_MASK_NONE;
	struct altmm_node *node;
	int nid, state;

	for (state = 0; state < NS_NR; state++)
		if (!strcmp(dentry->d_name.name, node_state_names[state]))
			break;
	for_each_altmm_node(sys, node, nid)
		if (node_in_state(sys, node, state))
			node_set(nid, nodes);
	seq_printf(m, "%*pbl\n", nodemask_pr_args(&nodes));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(node_state);

/**
 * altmm_procfs_node_files() - node/ as /sys/devices/system/node/ has it
 * @sys: a fully built instance
 * @nodes: its node/ directory
 * @node_dirs: the nodeN/ directory of each node, by node id
 *
 * Context: process context.
 */
void altmm_procfs_node_files(struct altmm_system *sys, struct dentry *nodes,
			     struct dentry **node_dirs)
{
	static const struct {
		const char *name;
		const struct file_operations *fops;
	} files[] = {
		{ "cpumap", &node_cpumap_fops }, { "cpulist", &node_cpulist_fops },
		{ "distance", &node_distance_fops }, { "meminfo", &node_meminfo_fops },
		{ "numastat", &node_numastat_fops }, { "vmstat", &node_vmstat_fops },
	};
	struct altmm_node *node;
	int nid, i;

	for (i = 0; i < NS_NR; i++)
		debugfs_create_file(node_state_names[i], 0444, nodes, sys, &node_state_fops);
	for_each_altmm_node(sys, node, nid)
		for (i = 0; i < ARRAY_SIZE(files); i++)
			debugfs_create_file(files[i].name, 0444, node_dirs[nid], node,
					    files[i].fops);
}

/* === arena_map: a line per pageblock, for scripts/arena-picture.py === */

enum map_use { USE_FREE, USE_PCP, USE_SLAB, USE_USER, USE_KERNEL, USE_RESERVED, USE_NR };

static const char * const map_use_names[USE_NR] = {
	"free", "pcp", "slab", "user", "kernel", "reserved",
};

/*
 * What each frame of the pageblock at @start holds, in frames, by a racy
 * walk of the descriptors.  A frame with no flag is a later frame of a
 * block on a per-CPU list (whose order the descriptor does not keep).
 */
static void map_pageblock(struct altmm_system *sys, unsigned long start,
			  unsigned long *use)
{
	unsigned long pfn = start, end = start + ALTMM_PAGEBLOCK_NR_PAGES;
	unsigned int order;

	/* A block above pageblock order may have begun in an earlier one. */
	for (order = ALTMM_PAGEBLOCK_ORDER + 1; order < ALTMM_MAX_ORDER; order++) {
		unsigned long head = round_down(start, BIT(order));
		const struct altmm_page *d;
		unsigned long f;

		if (head == start || !altmm_pfn_valid(sys, head))
			continue;
		d = altmm_pfn_to_desc(sys, head);
		f = READ_ONCE(d->flags);
		if ((f & BIT(ALTMM_PG_buddy)) && READ_ONCE(d->private) >= order) {
			use[USE_FREE] += ALTMM_PAGEBLOCK_NR_PAGES;
			return;
		}
		if ((f & BIT(ALTMM_PG_alloc)) && altmm_alloc_order(d) >= order) {
			use[f & BIT(ALTMM_PG_slab) ? USE_SLAB :
			    f & BIT(ALTMM_PG_user) ? USE_USER : USE_KERNEL] +=
				ALTMM_PAGEBLOCK_NR_PAGES;
			return;
		}
	}
	while (pfn < end) {
		const struct altmm_page *d = altmm_pfn_to_desc(sys, pfn);
		unsigned long f = READ_ONCE(d->flags);
		unsigned long n = min(altmm_racy_block_frames(d, f), end - pfn);

		if (f & BIT(ALTMM_PG_buddy)) {
			use[USE_FREE] += n;
		} else if (f & BIT(ALTMM_PG_alloc)) {
			use[f & BIT(ALTMM_PG_slab) ? USE_SLAB :
			    f & BIT(ALTMM_PG_user) ? USE_USER : USE_KERNEL] += n;
		} else if (f & (BIT(ALTMM_PG_reserved) | BIT(ALTMM_PG_device))) {
			use[USE_RESERVED]++;
		} else if (f & BIT(ALTMM_PG_slab)) {
			use[USE_SLAB]++;
		} else {
			use[USE_PCP]++;
		}
		pfn += n;
	}
}

static int arena_map_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	unsigned long pfn;
	int i;

	seq_printf(m, "# altmm arena map: a line per pageblock of %lu frames; a section is %lu frames\n",
		   ALTMM_PAGEBLOCK_NR_PAGES, ALTMM_PAGES_PER_SECTION);
	seq_puts(m, "# pfn node zone migratetype");
	for (i = 0; i < USE_NR; i++)
		seq_printf(m, " %s", map_use_names[i]);
	seq_putc(m, '\n');
	for (pfn = 0; pfn < sys->layout.end_pfn; pfn += ALTMM_PAGEBLOCK_NR_PAGES) {
		struct altmm_section *sec = altmm_pfn_to_section(sys, pfn);
		unsigned long use[USE_NR] = { };

		if (!sec) {
			seq_printf(m, "%lu - hole -", pfn);
			for (i = 0; i < USE_NR; i++)
				seq_puts(m, " 0");
			seq_putc(m, '\n');
			continue;
		}
		map_pageblock(sys, pfn, use);
		seq_printf(m, "%lu %d %s %s", pfn, sec->nid, altmm_zone_names[sec->zone],
			   altmm_migratetype_names[altmm_get_pageblock_migratetype(sys, pfn)]);
		for (i = 0; i < USE_NR; i++)
			seq_printf(m, " %lu", use[i]);
		seq_putc(m, '\n');
		cond_resched();
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(arena_map);

/* === kpageflags and kpagecount === */

/*
 * stable_page_flags() for one frame of altmm: the KPF_* bits its
 * descriptor (and, for the lock and the mapping count, its host page)
 * say.  A frame on a per-CPU list has none, as a page on 6.1's has none.
 */
static u64 frame_kpageflags(struct altmm_system *sys, unsigned long pfn)
{
	const struct altmm_page *d;
	unsigned long f;
	struct page *page;
	u64 u = 0;

	if (!altmm_pfn_valid(sys, pfn))
		return BIT_ULL(KPF_NOPAGE);
	d = altmm_pfn_to_desc(sys, pfn);
	f = READ_ONCE(d->flags);
	page = altmm_pfn_to_host_page(sys, pfn);
	if (f & (BIT(ALTMM_PG_reserved) | BIT(ALTMM_PG_device)))
		u |= BIT_ULL(KPF_RESERVED);
	if (f & BIT(ALTMM_PG_buddy))
		u |= BIT_ULL(KPF_BUDDY);
	if (f & BIT(ALTMM_PG_head))
		u |= BIT_ULL(KPF_COMPOUND_HEAD);
	if (f & BIT(ALTMM_PG_tail))
		u |= BIT_ULL(KPF_COMPOUND_TAIL);
	if (f & BIT(ALTMM_PG_slab))
		u |= BIT_ULL(KPF_SLAB);
	if (f & BIT(ALTMM_PG_user)) {
		u |= BIT_ULL(KPF_UPTODATE);
		if (page_mapped(page))
			u |= BIT_ULL(KPF_MMAP);
		if (f & BIT(ALTMM_PG_swapbacked))
			u |= BIT_ULL(KPF_ANON) | BIT_ULL(KPF_SWAPBACKED);
	}
	if (f & BIT(ALTMM_PG_lru))
		u |= BIT_ULL(KPF_LRU);
	if (f & BIT(ALTMM_PG_active))
		u |= BIT_ULL(KPF_ACTIVE);
	if (f & BIT(ALTMM_PG_referenced))
		u |= BIT_ULL(KPF_REFERENCED);
	if (f & BIT(ALTMM_PG_dirty))
		u |= BIT_ULL(KPF_DIRTY);
	if (f & BIT(ALTMM_PG_writeback))
		u |= BIT_ULL(KPF_WRITEBACK);
	if (f & BIT(ALTMM_PG_reclaim))
		u |= BIT_ULL(KPF_RECLAIM);
	if (f & BIT(ALTMM_PG_swapcache))
		u |= BIT_ULL(KPF_SWAPCACHE);
	if (PageLocked(page))
		u |= BIT_ULL(KPF_LOCKED);
	return u;
}

/* kpagecount: how many page tables map the frame; 0 but for user pages. */
static u64 frame_kpagecount(struct altmm_system *sys, unsigned long pfn)
{
	const struct altmm_page *d;

	if (!altmm_pfn_valid(sys, pfn))
		return 0;
	d = altmm_pfn_to_desc(sys, pfn);
	if (!(READ_ONCE(d->flags) & BIT(ALTMM_PG_user)))
		return 0;
	return page_mapcount(altmm_pfn_to_host_page(sys, pfn));
}

/*
 * 8 bytes a pfn, at offset pfn * 8, as /proc/kpageflags: a read that is
 * not of whole entries at an entry's offset is refused with EINVAL.
 */
static ssize_t kpage_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos, u64 (*entry)(struct altmm_system *, unsigned long))
{
	struct altmm_system *sys = file->private_data;
	unsigned long pfn = *ppos / sizeof(u64);
	u64 __user *out = (u64 __user *)ubuf;
	ssize_t done = 0;

	if ((*ppos | count) % sizeof(u64))
		return -EINVAL;
	while (count && pfn < sys->layout.end_pfn) {
		if (put_user(entry(sys, pfn), out++))
			return done ?: -EFAULT;
		pfn++;
		count -= sizeof(u64);
		done += sizeof(u64);
		if (!(pfn % 1024))
			cond_resched();
	}
	*ppos += done;
	return done;
}

static ssize_t kpageflags_read(struct file *file, char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	return kpage_read(file, ubuf, count, ppos, frame_kpageflags);
}

static ssize_t kpagecount_read(struct file *file, char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	return kpage_read(file, ubuf, count, ppos, frame_kpagecount);
}

static const struct file_operations kpageflags_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= kpageflags_read,
	.llseek	= default_llseek,
};

static const struct file_operations kpagecount_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= kpagecount_read,
	.llseek	= default_llseek,
};

/**
 * altmm_procfs_create() - publish the /proc-shaped files of an instance
 * @sys: a fully built instance
 * @dir: its debugfs directory
 *
 * Context: process context.
 */
void altmm_procfs_create(struct altmm_system *sys, struct dentry *dir)
{
	struct dentry *extfrag;

	debugfs_create_file("buddyinfo", 0444, dir, sys, &buddyinfo_fops);
	debugfs_create_file("pagetypeinfo", 0444, dir, sys, &pagetypeinfo_fops);
	debugfs_create_file("zoneinfo", 0444, dir, sys, &zoneinfo_fops);
	debugfs_create_file("vmstat", 0444, dir, sys, &vmstat_fops);
	debugfs_create_file("meminfo", 0444, dir, sys, &meminfo_fops);
	debugfs_create_file("kpageflags", 0400, dir, sys, &kpageflags_fops);
	debugfs_create_file("arena_map", 0444, dir, sys, &arena_map_fops);
	debugfs_create_file("kpagecount", 0400, dir, sys, &kpagecount_fops);
	extfrag = debugfs_create_dir("extfrag", dir);
	debugfs_create_file("unusable_index", 0444, extfrag, sys,
			    &unusable_index_fops);
	debugfs_create_file("extfrag_index", 0444, extfrag, sys,
			    &extfrag_index_fops);
}
