// SPDX-License-Identifier: GPL-2.0
/*
 * What an instance shows under debugfs, in the shapes of the kernel's own
 * files so that every tool and parser that reads those reads these:
 *
 *   zoneinfo            /proc/zoneinfo (6.1's zoneinfo_show_print())
 *   sections            one line per section of the emulated space
 *   layout              the boot-log summary of free_area_init()
 *   memblock/memory     /sys/kernel/debug/memblock/memory
 *   memblock/reserved   /sys/kernel/debug/memblock/reserved
 *
 * Counters altmm does not model yet print 0, as a kernel without the
 * feature would.  Files are removed before the instance is torn down;
 * debugfs's proxy fops make a read that races with removal fail cleanly.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_buf.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "internal.h"

/* === Counter names, in 6.1's vmstat_text order === */

static const char * const node_stat_names[] = {
	"nr_inactive_anon", "nr_active_anon", "nr_inactive_file",
	"nr_active_file", "nr_unevictable", "nr_slab_reclaimable",
	"nr_slab_unreclaimable", "nr_isolated_anon", "nr_isolated_file",
	"workingset_nodes", "workingset_refault_anon",
	"workingset_refault_file", "workingset_activate_anon",
	"workingset_activate_file", "workingset_restore_anon",
	"workingset_restore_file", "workingset_nodereclaim", "nr_anon_pages",
	"nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback",
	"nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages",
	"nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped",
	"nr_anon_transparent_hugepages", "nr_vmscan_write",
	"nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
	"nr_throttled_written", "nr_kernel_misc_reclaimable",
	"nr_foll_pin_acquired", "nr_foll_pin_released", "nr_kernel_stack",
	"nr_page_table_pages", "nr_sec_page_table_pages", "nr_swapcached",
	"pgpromote_success", "pgpromote_candidate",
};

static const char * const zone_stat_names[] = {
	"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
	"nr_zone_inactive_file", "nr_zone_active_file",
	"nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
	"nr_bounce", "nr_zspages", "nr_free_cma",
};

static const char * const numa_stat_names[] = {
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave",
	"numa_local", "numa_other",
};

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
	unsigned long mem = atomic_long_read(&zone->managed_pages) >>
			    (27 - PAGE_SHIFT);

	return min(125, 2 * fls(num_online_cpus()) * (1 + fls(mem)));
}

static unsigned long zone_stat(const struct altmm_zone *zone, int item)
{
	return atomic_long_read(&zone->vm_stat[item]);
}

static void zoneinfo_show_zone(struct seq_file *m, const struct altmm_node *node,
			       const struct altmm_zone *zone)
{
	int i, cpu;

	seq_printf(m, "Node %d, zone %8s", node->nid, altmm_zone_names[zone->type]);
	if (zone_is_first_populated(node, zone)) {
		seq_puts(m, "\n  per-node stats");
		for (i = 0; i < ARRAY_SIZE(node_stat_names); i++)
			seq_printf(m, "\n      %-12s %lu", node_stat_names[i], 0UL);
	}
	seq_printf(m, "\n  pages free     %lu", zone_stat(zone, 0));
	seq_printf(m, "\n        boost    %lu", 0UL);
	seq_printf(m, "\n        min      %lu", 0UL);
	seq_printf(m, "\n        low      %lu", 0UL);
	seq_printf(m, "\n        high     %lu", 0UL);
	seq_printf(m, "\n        spanned  %lu", zone->spanned_pages);
	seq_printf(m, "\n        present  %lu", zone->present_pages);
	seq_printf(m, "\n        managed  %lu",
		   atomic_long_read(&zone->managed_pages));
	seq_printf(m, "\n        cma      %lu", 0UL);

	seq_printf(m, "\n        protection: (%ld", 0L);
	for (i = 1; i < ALTMM_NR_ZONES; i++)
		seq_printf(m, ", %ld", 0L);
	seq_putc(m, ')');

	if (!altmm_zone_populated(zone)) {
		seq_putc(m, '\n');
		return;
	}

	for (i = 0; i < ARRAY_SIZE(zone_stat_names); i++)
		seq_printf(m, "\n      %-12s %lu", zone_stat_names[i],
			   zone_stat(zone, i));
	for (i = 0; i < ARRAY_SIZE(numa_stat_names); i++)
		seq_printf(m, "\n      %-12s %lu", numa_stat_names[i], 0UL);

	seq_puts(m, "\n  pagesets");
	for_each_online_cpu(cpu) {
		seq_printf(m, "\n    cpu: %i", cpu);
		seq_printf(m, "\n              count: %i", 0);
		seq_printf(m, "\n              high:  %i", 0);
		seq_printf(m, "\n              batch: %i", 0);
		seq_printf(m, "\n  vm stats threshold: %d",
			   zone_stat_threshold(zone));
	}
	seq_printf(m, "\n  node_unreclaimable:  %u", 0U);
	seq_printf(m, "\n  start_pfn:           %lu", zone->zone_start_pfn);
	seq_putc(m, '\n');
}

static int zoneinfo_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	struct altmm_node *node;
	int nid, zt;

	for_each_altmm_node(sys, node, nid)
		for (zt = 0; zt < ALTMM_NR_ZONES; zt++)
			zoneinfo_show_zone(m, node, &node->zones[zt]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

/* === sections === */

static int sections_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;
	const struct altmm_layout *l = &sys->layout;
	unsigned long nr;

	seq_puts(m, "section node zone     state   online  pfns                      host_pfns\n");
	for (nr = 0; nr < l->nr_sections; nr++) {
		const struct altmm_section *sec = &sys->sections[nr];
		unsigned long pfn = nr << ALTMM_PFN_SECTION_SHIFT;
		unsigned long last = pfn + ALTMM_PAGES_PER_SECTION - 1;
		int nid = 0;

		if (!(sec->flags & ALTMM_SECTION_PRESENT)) {
			while (nid + 1 < l->nr_nodes && l->node_range[nid].end <= pfn)
				nid++;
			seq_printf(m, "%7lu %4d %-8s %-7s %-7s %#010lx-%#010lx -\n",
				   nr, nid, "-", "absent", "offline", pfn, last);
			continue;
		}
		seq_printf(m, "%7lu %4d %-8s %-7s %-7s %#010lx-%#010lx %#010lx-%#010lx\n",
			   nr, sec->nid, altmm_zone_names[sec->zone],
			   sec->flags & ALTMM_SECTION_DEVICE ? "device" : "present",
			   sec->flags & ALTMM_SECTION_ONLINE ? "online" : "offline",
			   pfn, last, sec->host_pfn,
			   sec->host_pfn + ALTMM_PAGES_PER_SECTION - 1);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sections);

/* === layout === */

static int layout_show(struct seq_file *m, void *v)
{
	struct altmm_system *sys = m->private;

	seq_puts(m, sys->layout_text);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(layout);

#define LAYOUT_TEXT_SIZE	8192

/**
 * altmm_layout_render() - write the boot-log summary of an instance
 * @sys: instance with its nodes built
 *
 * The first part has the shape of 6.1's free_area_init() messages ("Zone
 * ranges:", "Movable zone start for each node", "Early memory node
 * ranges", "Initmem setup node"); altmm then adds its node distances (as
 * numactl --hardware prints them), CPU-to-node map and section count.
 *
 * Context: instance construction, may sleep.
 * Return: 0 or -ENOMEM.
 */
int altmm_layout_render(struct altmm_system *sys)
{
	const struct altmm_layout *l = &sys->layout;
	struct seq_buf s;
	unsigned long nr, present = 0;
	int i, j, zt;
	char *buf;

	buf = kmalloc(LAYOUT_TEXT_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	seq_buf_init(&s, buf, LAYOUT_TEXT_SIZE);

	seq_buf_printf(&s, "Zone ranges:\n");
	for (zt = 0; zt < ALTMM_NR_ZONES; zt++) {
		if (zt == ALTMM_ZONE_MOVABLE)
			continue;
		seq_buf_printf(&s, "  %-8s ", altmm_zone_names[zt]);
		if (l->zone_low[zt] == l->zone_high[zt])
			seq_buf_printf(&s, "empty\n");
		else
			seq_buf_printf(&s, "[mem %#018llx-%#018llx]\n",
				       (u64)l->zone_low[zt] << PAGE_SHIFT,
				       ((u64)l->zone_high[zt] << PAGE_SHIFT) - 1);
	}
	seq_buf_printf(&s, "Movable zone start for each node\n");
	for (i = 0; i < l->nr_nodes; i++)
		if (l->zone_movable_pfn[i])
			seq_buf_printf(&s, "  Node %d: %#018llx\n", i,
				       (u64)l->zone_movable_pfn[i] << PAGE_SHIFT);
	seq_buf_printf(&s, "Early memory node ranges\n");
	for (i = 0; i < l->nr_mem; i++)
		seq_buf_printf(&s, "  node %3d: [mem %#018llx-%#018llx]\n",
			       l->mem[i].nid, (u64)l->mem[i].start << PAGE_SHIFT,
			       ((u64)l->mem[i].end << PAGE_SHIFT) - 1);
	for (i = 0; i < l->nr_nodes; i++) {
		unsigned long start, end;

		altmm_layout_node_mem_span(l, i, &start, &end);
		if (start == end)
			seq_buf_printf(&s, "Initializing node %d as memoryless\n", i);
		else
			seq_buf_printf(&s, "Initmem setup node %d [mem %#018llx-%#018llx]\n",
				       i, (u64)start << PAGE_SHIFT,
				       ((u64)end << PAGE_SHIFT) - 1);
	}

	seq_buf_printf(&s, "node distances:\nnode ");
	for (i = 0; i < l->nr_nodes; i++)
		seq_buf_printf(&s, "%4d", i);
	seq_buf_printf(&s, "\n");
	for (i = 0; i < l->nr_nodes; i++) {
		seq_buf_printf(&s, "  %2d:", i);
		for (j = 0; j < l->nr_nodes; j++)
			seq_buf_printf(&s, "%4d", l->distance[i][j]);
		seq_buf_printf(&s, "\n");
	}
	seq_buf_printf(&s, "CPU to node:");
	for (i = 0; i < nr_cpu_ids; i++)
		seq_buf_printf(&s, " %d:%d", i, l->cpu_node[i]);
	for (nr = 0; nr < l->nr_sections; nr++)
		present += !!(sys->sections[nr].flags & ALTMM_SECTION_PRESENT);
	seq_buf_printf(&s, "\nSections: %lu of %uM, %lu present, %lu absent\n",
		       l->nr_sections, ALTMM_SECTION_MB, present,
		       l->nr_sections - present);

	if (seq_buf_has_overflowed(&s)) {
		kfree(buf);
		return -ENOMEM;
	}
	/* Every successful print leaves room for the NUL. */
	buf[seq_buf_used(&s)] = '\0';
	sys->layout_text = buf;
	return 0;
}

/* === memblock/ === */

static int memblock_show(struct seq_file *m, void *v)
{
	const struct altmm_mb_type *type = m->private;
	unsigned int i;

	/* %pa of a 64-bit phys_addr_t, spelled out for any architecture. */
	for (i = 0; i < type->cnt; i++)
		seq_printf(m, "%4d: 0x%016llx..0x%016llx\n", i,
			   type->regions[i].base,
			   type->regions[i].base + type->regions[i].size - 1);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memblock);

/**
 * altmm_debugfs_create() - publish an instance's files
 * @sys: a fully built instance
 * @dir: its directory (created by the caller); owned by @sys from now on
 *
 * Context: process context.
 */
void altmm_debugfs_create(struct altmm_system *sys, struct dentry *dir)
{
	struct dentry *mb;

	sys->debugfs = dir;
	debugfs_create_file("zoneinfo", 0444, dir, sys, &zoneinfo_fops);
	debugfs_create_file("sections", 0444, dir, sys, &sections_fops);
	debugfs_create_file("layout", 0444, dir, sys, &layout_fops);
	mb = debugfs_create_dir("memblock", dir);
	debugfs_create_file("memory", 0444, mb, &sys->memblock.memory,
			    &memblock_fops);
	debugfs_create_file("reserved", 0444, mb, &sys->memblock.reserved,
			    &memblock_fops);
}

/**
 * altmm_debugfs_remove() - withdraw an instance's files
 * @sys: instance
 *
 * Context: process context; returns once no reader is inside a show().
 */
void altmm_debugfs_remove(struct altmm_system *sys)
{
	debugfs_remove(sys->debugfs);
	sys->debugfs = NULL;
}
