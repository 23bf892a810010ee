// SPDX-License-Identifier: GPL-2.0
/*
 * What an instance shows under debugfs about its memory model; the files
 * shaped like /proc ones (zoneinfo, buddyinfo, ...) are in procfs.c,
 * slabinfo and slab/ in slabinfo.c.
 *
 *   sections            one line per section of the emulated space
 *   layout              the boot-log summary of free_area_init()
 *   memblock/memory     /sys/kernel/debug/memblock/memory
 *   memblock/reserved   /sys/kernel/debug/memblock/reserved
 *
 * Files are removed before the instance is torn down;
 * debugfs's proxy fops make a read that races with removal fail cleanly.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_buf.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "mmzone.h"
#include "debugfs.h"
#include "ctl.h"
#include "slabinfo.h"
#include "tunables.h"
#include "vmalloc.h"

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
	altmm_procfs_create(sys, dir);
	altmm_ctl_create(sys, dir);
	altmm_tunables_create(sys, dir);
	altmm_slabinfo_create(sys, dir);
	altmm_vmalloc_debugfs_create(sys, dir);
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
	altmm_slabinfo_remove(sys);
	debugfs_remove(sys->debugfs);
	sys->debugfs = NULL;
}
